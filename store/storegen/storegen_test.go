package storegen_test

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/tend-crm/tend/store"
	"github.com/tend-crm/tend/store/sqlite"
	"github.com/tend-crm/tend/store/storegen"
)

var now = time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)

func generate(t testing.TB, size storegen.Size) (*sqlite.DB, storegen.Book) {
	t.Helper()
	db, err := sqlite.Open(t.Context(), filepath.Join(t.TempDir(), "book.db"), sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	var book storegen.Book
	err = db.Load(t.Context(), func(l *sqlite.Loader) error {
		book, err = storegen.Generate(t.Context(), l, size, now)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return db, book
}

func TestGenerate(t *testing.T) {
	size := storegen.Size{Reps: 12, Customers: 2000, Interactions: 9001, HeavyRep: 500, Seed: 7}
	db, book := generate(t, size)
	ctx := t.Context()
	if book.Customers != size.Customers || book.Interactions != size.Interactions || len(book.Reps) != size.Reps {
		t.Errorf("book = %+v, want the size %+v", book, size)
	}
	// 12 reps in teams of 10: two managers, an admin.
	users, err := db.ListUsers(ctx)
	if err != nil || len(users) != 12+2+1 {
		t.Fatalf("ListUsers = %d users, %v; want 15", len(users), err)
	}
	rep1, err := db.UserByIdentity(ctx, store.Identity{Platform: "console", ExternalID: "rep1"})
	if err != nil || rep1.ID != book.Logins["rep1"] || rep1.ManagerID != book.Logins["mgr1"] {
		t.Fatalf("rep1 = %+v, %v; logins %v", rep1, err, book.Logins)
	}
	rep12, _ := db.User(ctx, book.Logins["rep12"])
	if rep12.ManagerID != book.Logins["mgr2"] {
		t.Errorf("rep12's manager = %d, want mgr2 %d", rep12.ManagerID, book.Logins["mgr2"])
	}
	names, err := db.CustomerNames(ctx, store.Scope{UserID: rep1.ID, Role: rep1.Role})
	if err != nil || len(names) != size.HeavyRep {
		t.Errorf("rep1 sees %d customers, %v; want %d", len(names), err, size.HeavyRep)
	}
	// The last interaction dates the customer's last contact.
	c, err := db.Customer(ctx, store.Scope{UserID: rep1.ID, Role: rep1.Role}, names[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	last, err := db.Interactions(ctx, store.Scope{UserID: rep1.ID, Role: rep1.Role}, store.InteractionFilter{Customer: c.ID, Limit: 1})
	if err != nil || len(last) != 1 || !last[0].At.Equal(c.LastContactAt) {
		t.Errorf("last interaction %+v, %v; customer last contact %v", last, err, c.LastContactAt)
	}
	open, err := db.FollowUps(ctx, store.Scope{UserID: rep1.ID, Role: rep1.Role}, store.FollowUpFilter{Status: store.FollowUpOpen, Limit: 10000})
	if err != nil || len(open) == 0 || len(open) > size.HeavyRep {
		t.Errorf("rep1 has %d open follow-ups, %v", len(open), err)
	}
}

func TestGenerateIsDeterministic(t *testing.T) {
	size := storegen.Size{Reps: 3, Customers: 50, Interactions: 200, HeavyRep: 10, Seed: 3}
	names := func() []store.CustomerName {
		db, _ := generate(t, size)
		n, err := db.CustomerNames(t.Context(), store.Scope{UserID: 1, Role: store.RoleAdmin})
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	a, b := names(), names()
	if len(a) != 50 || len(a) != len(b) {
		t.Fatalf("%d and %d names", len(a), len(b))
	}
	for i := range a {
		if a[i] != b[i] {
			t.Fatalf("name %d: %+v then %+v", i, a[i], b[i])
		}
	}
}

func TestGenerateRejectsBadSizes(t *testing.T) {
	for _, size := range []storegen.Size{{}, {Reps: 1, Customers: 5, HeavyRep: 6}, {Reps: 1, Interactions: -1}} {
		if _, err := storegen.Generate(t.Context(), nil, size, now); err == nil {
			t.Errorf("Generate(%+v) succeeded", size)
		}
	}
}

// BenchmarkGenerate measures loading a book of 10,000 customers and
// 100,000 interactions into SQLite.
func BenchmarkGenerate(b *testing.B) {
	for b.Loop() {
		generate(b, storegen.Size{Reps: 50, Customers: 10_000, Interactions: 100_000, HeavyRep: 500, Seed: 1})
	}
}
