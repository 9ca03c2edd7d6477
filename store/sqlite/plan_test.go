package sqlite

import (
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tend-crm/tend/store"
	"github.com/tend-crm/tend/store/internal/sqlstore"
	"github.com/tend-crm/tend/store/storegen"
)

// fullScan matches a plan step that reads a whole table rather than an
// index range. Lists given as json_each (j) and the segments' recursive
// walk (seg) are ours, and small.
var fullScan = regexp.MustCompile(`^SCAN (\w+)`)

var smallScans = []string{"json_each", "j", "seg"}

// TestQueryPlans runs the questions a rep asks most on a generated book
// and checks that SQLite answers each query from an index: the answer
// must not grow with the size of the company's book.
func TestQueryPlans(t *testing.T) {
	now := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	db, book := generatedBook(t, storegen.Size{Reps: 20, Customers: 4000, Interactions: 20000, HeavyRep: 1000, Seed: 1}, now)
	if _, err := db.write.ExecContext(t.Context(), "ANALYZE"); err != nil {
		t.Fatal(err)
	}
	type query struct {
		sql  string
		args []any
	}
	var queries []query
	trace := func(q string, args []any) { queries = append(queries, query{q, slices.Clone(args)}) }
	defer func() { sqlstore.TraceQuery = nil }()

	// The names list is read whole on purpose, for fuzzy matching.
	rep := store.Scope{UserID: book.Logins["rep1"], Role: store.RoleRep}
	names, err := db.CustomerNames(t.Context(), rep)
	if err != nil || len(names) < 2 {
		t.Fatalf("rep1's names: %d, %v", len(names), err)
	}
	sqlstore.TraceQuery = trace
	f := store.AgendaFilter{Owner: rep.UserID, Until: now.Add(15 * time.Hour), StuckSince: now.AddDate(0, 0, -14),
		Occasions: store.UpcomingDays(now, time.UTC, 4), WonSince: now.AddDate(0, 0, -90)}
	f.Page(store.DefaultWeights, now, 10)
	b, err := db.AgendaBook(t.Context(), rep, f)
	if err != nil {
		t.Fatal(err)
	}
	if len(b.Customers) == 0 {
		t.Fatal("rep1's agenda is empty: the book tests nothing")
	}
	if _, err := db.FindCustomers(t.Context(), rep, names[0].Name, 5); err != nil {
		t.Fatal(err)
	}
	if _, err := db.LastInteractions(t.Context(), rep, []store.CustomerID{names[0].ID, names[1].ID}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.History(t.Context(), rep, names[0].ID, 10); err != nil {
		t.Fatal(err)
	}
	// The search triggers' list of a customer's documents, on a rename.
	queries = append(queries, query{"SELECT docid FROM search_customer_docs WHERE customer_id = ?", []any{names[0].ID}})
	for _, q := range queries {
		rows, err := db.read.QueryContext(t.Context(), "EXPLAIN QUERY PLAN "+q.sql, q.args...)
		if err != nil {
			t.Fatalf("explain %s: %v", q.sql, err)
		}
		var plan []string
		for rows.Next() {
			var id, parent, unused int
			var detail string
			if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
				t.Fatal(err)
			}
			plan = append(plan, detail)
			if m := fullScan.FindStringSubmatch(detail); m != nil && !slices.Contains(smallScans, m[1]) {
				t.Errorf("full scan of %s in\n%s", m[1], strings.Join(strings.Fields(q.sql), " "))
			}
		}
		rows.Close()
		sql := strings.Join(strings.Fields(q.sql), " ")
		t.Logf("%s\n  %s", sql[:min(80, len(sql))], strings.Join(plan, "\n  "))
	}
	if len(queries) < 6 {
		t.Errorf("only %d queries traced", len(queries))
	}
}

// generatedBook opens a new file holding a book of size, dated before now.
func generatedBook(tb testing.TB, size storegen.Size, now time.Time) (*DB, storegen.Book) {
	tb.Helper()
	db, err := Open(tb.Context(), filepath.Join(tb.TempDir(), "book.db"), Options{Synchronous: "normal"})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	db.Now = func() time.Time { return now }
	var book storegen.Book
	err = db.Load(tb.Context(), func(l *Loader) (err error) {
		book, err = storegen.Generate(tb.Context(), l, size, now)
		return err
	})
	if err != nil {
		tb.Fatal(err)
	}
	return db, book
}
