package postgres_test

import (
	"testing"

	"github.com/tend-crm/tend/store"
	"github.com/tend-crm/tend/store/storegen"
)

// TestLoad fills a database with a generated book, as `tend bench
// --postgres` does: every row is there, the planner's statistics are
// gathered, users are found by their identities (a table without ids),
// and the search index, built once at the end, finds the customers.
func TestLoad(t *testing.T) {
	db := openTestDB(t)
	ctx := t.Context()
	size := storegen.Size{Reps: 3, Customers: 60, Interactions: 240, HeavyRep: 20, Seed: 3}
	book, err := loadBook(t, db, size)
	if err != nil {
		t.Fatal(err)
	}
	for table, want := range map[string]int64{"customers": 60, "interactions": 240} {
		if n, err := db.Count(ctx, table); err != nil || n != want {
			t.Errorf("Count(%s) = %d, %v; want %d", table, n, err, want)
		}
		// The planner knows the tables' sizes: the load analyzed them.
		if n, err := db.RowEstimate(ctx, table); err != nil || n != float64(want) {
			t.Errorf("planner's estimate of %s = %v, %v; want %d", table, n, err, want)
		}
	}
	rep1, err := db.UserByIdentity(ctx, store.Identity{Platform: "console", ExternalID: "rep1"})
	if err != nil || rep1.ID != book.Logins["rep1"] {
		t.Fatalf("rep1 = %+v, %v; logins %v", rep1, err, book.Logins)
	}
	s := store.Scope{UserID: rep1.ID, Role: rep1.Role}
	names, err := db.CustomerNames(ctx, s)
	if err != nil || len(names) != size.HeavyRep {
		t.Fatalf("rep1 sees %d customers, %v; want %d", len(names), err, size.HeavyRep)
	}
	hits, err := db.Search(ctx, s, store.SearchQuery{Text: names[0].Name})
	if err != nil || len(hits) == 0 || hits[0].CustomerID != names[0].ID {
		t.Errorf("Search(%q) = %+v, %v; want customer %d first", names[0].Name, hits, err, names[0].ID)
	}
}

// TestSearchTriggersUseIndexes: the search triggers of a call, a
// follow-up and a renamed customer read the records, the customer and
// the documents they replace by their indexes, on a book large enough
// for the planner to prefer them (the PostgreSQL side of store/sqlite's
// TestQueryPlans).
func TestSearchTriggersUseIndexes(t *testing.T) {
	db := openTestDB(t)
	ctx := t.Context()
	if _, err := loadBook(t, db, storegen.Size{Reps: 5, Customers: 2000, Interactions: 6000, HeavyRep: 100, Seed: 5}); err != nil {
		t.Fatal(err)
	}
	scans, err := db.SeqScans(ctx,
		// a call and a follow-up about the first customer, then a rename
		`INSERT INTO interactions (customer_id, user_id, kind, at, summary)
			SELECT id, owner_id, 'call', created_at, 'asked for a quote' FROM customers WHERE id = (SELECT min(id) FROM customers)`,
		`INSERT INTO follow_ups (customer_id, owner_id, due_at, note, status, created_at)
			SELECT id, owner_id, created_at, 'send the quote', 'open', created_at FROM customers WHERE id = (SELECT min(id) FROM customers)`,
		`UPDATE customers SET name = name || ' Ltd' WHERE id = (SELECT min(id) FROM customers)`)
	if err != nil {
		t.Fatal(err)
	}
	for _, table := range []string{"search_docs", "customers", "contacts", "deals", "interactions", "follow_ups"} {
		if n := scans[table]; n > 0 {
			t.Errorf("%s read whole %d times (all: %v)", table, n, scans)
		}
	}
}
