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

func TestSnippetOfHit(t *testing.T) {
	text := strings.Repeat("filler words here ", 10) + "Chị Lan muốn BÁO GIÁ máy in" + strings.Repeat(" and more", 10)
	got := store.Snippet(text, store.SearchTerms("bao gia"), 40)
	if !strings.Contains(got, "BÁO GIÁ") || !strings.HasPrefix(got, "…") || !strings.HasSuffix(got, "…") {
		t.Errorf("Snippet = %q, want the match, cut on both sides", got)
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

// BenchmarkSearch compares the FTS4 index with LIKE over a column of
// folded text, on 100,000 interactions of 2,000 customers shared among 20
// reps.
//
//	go test ./store/sqlite -run '^$' -bench Search -benchtime 50x
func BenchmarkSearch(b *testing.B) {
	const customers, interactions, reps = 2000, 100_000, 20
	db := openAt(b, filepath.Join(b.TempDir(), "tend.db"), sqlite.Options{Synchronous: "normal"})
	ctx := context.Background()
	admin := mustUser(b, db, "admin", store.RoleAdmin)
	var repScopes []store.Scope
	for i := range reps {
		repScopes = append(repScopes, mustUser(b, db, fmt.Sprint("rep", i), store.RoleRep))
	}
	w, _ := db.Pools()
	rng := rand.New(rand.NewPCG(1, 2))
	start := time.Now()
	tx, err := w.BeginTx(ctx, nil)
	if err != nil {
		b.Fatal(err)
	}
	must := func(_ sql.Result, err error) {
		if err != nil {
			b.Fatal(err)
		}
	}
	for c := 1; c <= customers; c++ {
		name := fmt.Sprintf("Khách %d Acme", c)
		must(tx.ExecContext(ctx, `INSERT INTO customers (id, name, name_key, owner_id, stage, created_at) VALUES (?, ?, ?, ?, 'customer', 0)`,
			c, name, store.NameKey(name), repScopes[c%reps].UserID))
	}
	must(tx.ExecContext(ctx, `CREATE TABLE bench_folded (id INTEGER PRIMARY KEY, customer_id INTEGER NOT NULL, at INTEGER NOT NULL, text TEXT NOT NULL)`))
	for i := 1; i <= interactions; i++ {
		c, at, sum := 1+rng.IntN(customers), t0.Add(-time.Duration(rng.IntN(3*365*24))*time.Hour).Unix(), benchSummary(rng)
		must(tx.ExecContext(ctx, `INSERT INTO interactions (id, customer_id, user_id, kind, at, summary) VALUES (?, ?, ?, 'call', ?, ?)`,
			i, c, admin.UserID, at, sum))
		must(tx.ExecContext(ctx, `INSERT INTO bench_folded (id, customer_id, at, text) VALUES (?, ?, ?, ?)`,
			i, c, at, store.Fold(fmt.Sprintf("Khách %d Acme %s", c, sum))))
	}
	if err := tx.Commit(); err != nil {
		b.Fatal(err)
	}
	b.Logf("%d interactions and their folded copies written and indexed in %v", interactions, time.Since(start).Round(time.Millisecond))
	var segments, folded int64
	if err := w.QueryRowContext(ctx, `SELECT (SELECT sum(length(block)) FROM search_fts_segments), (SELECT sum(length(text)) FROM bench_folded)`).Scan(&segments, &folded); err != nil {
		b.Fatal(err)
	}
	b.Logf("space: FTS4 segments %d KiB (text kept besides), folded copy %d KiB", segments>>10, folded>>10)

	_, read := db.Pools()
	like := func(s store.Scope, q string) int {
		// The alternative to an index: every folded word must appear.
		query := `SELECT f.id FROM bench_folded f JOIN customers c ON c.id = f.customer_id WHERE ` +
			`(c.owner_id = ? OR ? OR EXISTS (SELECT 1 FROM customer_shares cs WHERE cs.customer_id = c.id AND cs.user_id = ?))`
		args := []any{s.UserID, s.SeesAll(), s.UserID}
		for _, t := range store.SearchTerms(q) {
			query += " AND f.text LIKE ?"
			args = append(args, "%"+t+"%")
		}
		rows, err := read.QueryContext(ctx, query+" ORDER BY f.at DESC LIMIT 10", args...)
		if err != nil {
			b.Fatal(err)
		}
		defer rows.Close()
		n := 0
		for rows.Next() {
			n++
		}
		return n
	}
	queries := map[string]string{"rare": "pricing", "common": "goi", "two-words": "bao gia", "customer+word": "khach 17 pricing", "none": "unicorn"}
	for _, name := range slices.Sorted(func(yield func(string) bool) {
		for k := range queries {
			if !yield(k) {
				return
			}
		}
	}) {
		q := queries[name]
		for _, who := range []struct {
			name string
			s    store.Scope
		}{{"admin", admin}, {"rep", repScopes[3]}} {
			b.Run("fts4/"+name+"/"+who.name, func(b *testing.B) {
				for b.Loop() {
					if _, err := db.Search(ctx, who.s, store.SearchQuery{Text: q}); err != nil {
						b.Fatal(err)
					}
				}
			})
			b.Run("like/"+name+"/"+who.name, func(b *testing.B) {
				for b.Loop() {
					like(who.s, q)
				}
			})
		}
	}
}
