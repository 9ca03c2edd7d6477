package sqlite_test

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tend-crm/tend/store"
	"github.com/tend-crm/tend/store/sqlite"
)

// TestSearchFoldsLikeStore checks that the index folds every Vietnamese
// letter the way store.Fold does: the tokenizer strips the marks, the
// triggers write đ as d.
func TestSearchFoldsLikeStore(t *testing.T) {
	db := openTestDB(t)
	admin := mustUser(t, db, "admin", store.RoleAdmin)
	const letters = "aàáảãạăằắẳẵặâầấẩẫậeèéẻẽẹêềếểễệiìíỉĩịoòóỏõọôồốổỗộơờớởỡợuùúủũụưừứửữựyỳýỷỹỵđ"
	all := letters + strings.ToUpper(letters)
	for i, r := range all {
		word := "x" + string(r) + "z"
		_, err := db.Record(t.Context(), admin, store.Origin{}, store.Activity{Customer: store.CustomerRef{Name: "Acme"},
			Interaction: &store.Interaction{Kind: store.KindNote, At: t0.Add(time.Duration(i) * time.Second), Summary: word}})
		if err != nil {
			t.Fatal(err)
		}
	}
	for _, r := range all {
		word := "x" + string(r) + "z"
		hits, err := db.Search(t.Context(), admin, store.SearchQuery{Text: store.Fold(word), Limit: 100})
		if err != nil {
			t.Fatal(err)
		}
		if !slices.ContainsFunc(hits, func(h store.Hit) bool { return h.Text == word }) {
			t.Errorf("Search(%q) misses %q", store.Fold(word), word)
		}
	}
}

// TestSearchDeals checks that deals are indexed by trigger, whatever code
// writes them.
func TestSearchDeals(t *testing.T) {
	db := openTestDB(t)
	rep := mustUser(t, db, "rep", store.RoleRep)
	other := mustUser(t, db, "other", store.RoleRep)
	r, err := db.Record(t.Context(), rep, store.Origin{}, store.Activity{Customer: store.CustomerRef{Name: "Minh Phát"},
		Interaction: &store.Interaction{Kind: store.KindCall, Summary: "first call"}})
	if err != nil {
		t.Fatal(err)
	}
	w, _ := db.Pools()
	exec := func(q string, args ...any) {
		t.Helper()
		if _, err := w.ExecContext(t.Context(), q, args...); err != nil {
			t.Fatal(err)
		}
	}
	exec(`INSERT INTO deals (id, customer_id, owner_id, title, stage, stage_changed_at, created_at) VALUES (7, ?, ?, 'Gia hạn hợp đồng', 'qualify', 1, 1)`,
		r.Customer.ID, rep.UserID)
	search := func(s store.Scope, q string) []store.Hit {
		t.Helper()
		hits, err := db.Search(t.Context(), s, store.SearchQuery{Text: q})
		if err != nil {
			t.Fatal(err)
		}
		return hits
	}
	hits := search(rep, "hop dong minh phat")
	if len(hits) != 1 || hits[0].Kind != store.HitDeal || hits[0].ID != 7 || hits[0].Title != "Gia hạn hợp đồng" || hits[0].Text != "qualify" {
		t.Fatalf("Search(hop dong) = %+v, want deal 7", hits)
	}
	if hits := search(other, "hop dong"); len(hits) != 0 {
		t.Errorf("another rep finds %+v", hits)
	}
	exec(`UPDATE deals SET title = 'Renewal', stage = 'proposal' WHERE id = 7`)
	if hits := search(rep, "hop dong"); len(hits) != 0 {
		t.Errorf("Search(old title) = %+v, want nothing", hits)
	}
	if hits := search(rep, "renewal proposal"); len(hits) != 1 {
		t.Errorf("Search(new title and stage) = %+v, want the deal", hits)
	}
	exec(`DELETE FROM deals WHERE id = 7`)
	if hits := search(rep, "renewal"); len(hits) != 0 {
		t.Errorf("Search after delete = %+v, want nothing", hits)
	}
}

// TestSearchMigrationIndexesExisting reopens a file whose records were
// written before the search migration and finds them.
func TestSearchMigrationIndexesExisting(t *testing.T) {
	path := filepath.Join(t.TempDir(), "tend.db")
	db, err := sqlite.Open(t.Context(), path, sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	rep := mustUser(t, db, "rep", store.RoleRep)
	if _, err := db.Record(t.Context(), rep, store.Origin{}, store.Activity{Customer: store.CustomerRef{Name: "Đông Á"}, Contact: "Hùng",
		Interaction: &store.Interaction{Kind: store.KindCall, At: t0, Summary: "bàn về giá"}}); err != nil {
		t.Fatal(err)
	}
	// Back to the schema before search, records kept.
	w, _ := db.Pools()
	var triggers []string
	rows, err := w.QueryContext(t.Context(), "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'search%'")
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var n string
		rows.Scan(&n)
		triggers = append(triggers, "DROP TRIGGER "+n+";")
	}
	rows.Close()
	if len(triggers) < 10 {
		t.Fatalf("found triggers %q", triggers)
	}
	if _, err := w.ExecContext(t.Context(), strings.Join(triggers, "")+`DROP TABLE search_fts; DROP TABLE search_docs; DROP VIEW search_source; DROP VIEW search_names;
		DROP INDEX audit_customer; DELETE FROM migrations WHERE name = '0006_search.sql'`); err != nil {
		t.Fatal(err)
	}
	db.Close()

	db = openAt(t, path, sqlite.Options{})
	for q, want := range map[string]store.HitKind{"dong a": store.HitCustomer, "hung": store.HitContact, "ban ve gia": store.HitInteraction} {
		hits, err := db.Search(t.Context(), rep, store.SearchQuery{Text: q})
		if err != nil || len(hits) == 0 || hits[0].Kind != want {
			t.Errorf("Search(%q) after migrating = %+v, %v; want a %s first", q, hits, err, want)
		}
	}
}

// benchWords make the generated interactions: "pricing" is in about 1 in
// 100, "gọi" in about 1 in 3.
var benchWords = strings.Fields("gọi điện thoại khách hàng báo giá hợp đồng gặp trao đổi sản phẩm giao hàng thanh toán " +
	"call meeting email demo follow renewal contract delivery invoice discount support training quote team budget")

func benchSummary(rng *rand.Rand) string {
	n := 6 + rng.IntN(10)
	w := make([]string, n)
	for i := range w {
		w[i] = benchWords[rng.IntN(len(benchWords))]
	}
	if rng.IntN(100) == 0 {
		w[rng.IntN(n)] = "pricing"
	}
	if rng.IntN(3) == 0 {
		w[0] = "gọi"
	}
	return strings.Join(w, " ")
}

// alternative is another way to search the benchmark's book, measured
// beside the index Search uses.
type alternative struct {
	name string
	// table is built from the benchmark's folded texts (the customer's
	// name and the summary, lower case without diacritics).
	table func(ctx context.Context, tx *sql.Tx) error
	add   func(ctx context.Context, tx *sql.Tx, id, customer int64, at int64, folded string) error
	// query returns the ids of the 10 best matches of q that s may see.
	query func(ctx context.Context, read *sql.DB, s store.Scope, q string) ([]int64, error)
}

const benchVisible = `(c.owner_id = ? OR ? OR EXISTS (SELECT 1 FROM customer_shares cs WHERE cs.customer_id = c.id AND cs.user_id = ?))`

// likeFolded keeps a folded copy of each text and requires every word with
// LIKE: no index, a scan of every row the scope sees.
var likeFolded = alternative{
	name: "like",
	table: func(ctx context.Context, tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `CREATE TABLE bench_folded (id INTEGER PRIMARY KEY, customer_id INTEGER NOT NULL, at INTEGER NOT NULL, text TEXT NOT NULL)`)
		return err
	},
	add: func(ctx context.Context, tx *sql.Tx, id, customer, at int64, folded string) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO bench_folded (id, customer_id, at, text) VALUES (?, ?, ?, ?)`, id, customer, at, folded)
		return err
	},
	query: func(ctx context.Context, read *sql.DB, s store.Scope, q string) ([]int64, error) {
		query := `SELECT f.id FROM bench_folded f JOIN customers c ON c.id = f.customer_id WHERE ` + benchVisible
		args := []any{s.UserID, s.SeesAll(), s.UserID}
		for _, t := range store.SearchTerms(q) {
			query += " AND f.text LIKE ?"
			args = append(args, "%"+t+"%")
		}
		return benchIDs(ctx, read, query+" ORDER BY f.at DESC LIMIT 10", args...)
	},
}

// alternatives are measured beside Search; a build-tagged file adds FTS5.
var alternatives = []alternative{likeFolded}

func benchIDs(ctx context.Context, read *sql.DB, query string, args ...any) ([]int64, error) {
	rows, err := read.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

// BenchmarkSearch compares the FTS4 index Search uses with the
// alternatives, on 100,000 interactions of 2,000 customers shared among 20
// reps. With -tags sqlite_fts5 it measures FTS5 as well.
//
//	go test ./store/sqlite -run '^$' -bench Search -benchtime 30x
func BenchmarkSearch(b *testing.B) {
	const customers, interactions, reps = 2000, 100_000, 20
	db := openAt(b, filepath.Join(b.TempDir(), "tend.db"), sqlite.Options{Synchronous: "normal"})
	ctx := context.Background()
	admin := mustUser(b, db, "admin", store.RoleAdmin)
	var repScopes []store.Scope
	for i := range reps {
		repScopes = append(repScopes, mustUser(b, db, fmt.Sprint("rep", i), store.RoleRep))
	}
	w, read := db.Pools()
	rng := rand.New(rand.NewPCG(1, 2))
	tx, err := w.BeginTx(ctx, nil)
	if err != nil {
		b.Fatal(err)
	}
	must := func(err error) {
		if err != nil {
			b.Fatal(err)
		}
	}
	for c := 1; c <= customers; c++ {
		name := fmt.Sprintf("Khách %d Acme", c)
		_, err := tx.ExecContext(ctx, `INSERT INTO customers (id, name, name_key, owner_id, stage, created_at) VALUES (?, ?, ?, ?, 'customer', 0)`,
			c, name, store.NameKey(name), repScopes[c%reps].UserID)
		must(err)
	}
	for _, alt := range alternatives {
		must(alt.table(ctx, tx))
	}
	var indexed time.Duration
	for i := int64(1); i <= interactions; i++ {
		c, at, sum := int64(1+rng.IntN(customers)), t0.Add(-time.Duration(rng.IntN(3*365*24))*time.Hour).Unix(), benchSummary(rng)
		start := time.Now()
		_, err := tx.ExecContext(ctx, `INSERT INTO interactions (id, customer_id, user_id, kind, at, summary) VALUES (?, ?, ?, 'call', ?, ?)`,
			i, c, admin.UserID, at, sum)
		must(err)
		indexed += time.Since(start)
		for _, alt := range alternatives {
			must(alt.add(ctx, tx, i, c, at, store.Fold(fmt.Sprintf("Khách %d Acme %s", c, sum))))
		}
	}
	must(tx.Commit())
	b.Logf("%d interactions written with their index entries in %v", interactions, indexed.Round(time.Millisecond))

	queries := []struct{ name, q string }{{"rare", "pricing"}, {"common", "goi"}, {"two-words", "bao gia"},
		{"customer+word", "khach 17 pricing"}, {"none", "unicorn"}}
	for _, q := range queries {
		for _, who := range []struct {
			name string
			s    store.Scope
		}{{"admin", admin}, {"rep", repScopes[3]}} {
			b.Run("fts4/"+q.name+"/"+who.name, func(b *testing.B) {
				for b.Loop() {
					if _, err := db.Search(ctx, who.s, store.SearchQuery{Text: q.q}); err != nil {
						b.Fatal(err)
					}
				}
			})
			for _, alt := range alternatives {
				b.Run(alt.name+"/"+q.name+"/"+who.name, func(b *testing.B) {
					for b.Loop() {
						if _, err := alt.query(ctx, read, who.s, q.q); err != nil {
							b.Fatal(err)
						}
					}
				})
			}
		}
	}
}
