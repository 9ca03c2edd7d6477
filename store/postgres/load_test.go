package postgres_test

import (
	"testing"

	"github.com/tend-crm/tend/store"
	"github.com/tend-crm/tend/store/postgres"
	"github.com/tend-crm/tend/store/storegen"
)

// TestLoad fills a database with a generated book, as `tend bench
// --postgres` does: every row is there, users are found by their
// identities (a table without ids), and the search index, built once at
// the end, finds the customers.
func TestLoad(t *testing.T) {
	db := openTestDB(t)
	ctx := t.Context()
	size := storegen.Size{Reps: 3, Customers: 60, Interactions: 240, HeavyRep: 20, Seed: 3}
	var book storegen.Book
	err := db.Load(ctx, func(l *postgres.Loader) (err error) {
		book, err = storegen.Generate(ctx, l, size, t0)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	for table, want := range map[string]int64{"customers": 60, "interactions": 240} {
		if n, err := db.Count(ctx, table); err != nil || n != want {
			t.Errorf("Count(%s) = %d, %v; want %d", table, n, err, want)
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
