package postgres_test

import (
	"testing"

	"github.com/tend-crm/tend/store/postgres"
	"github.com/tend-crm/tend/store/storegen"
	"github.com/tend-crm/tend/store/storetest"
)

// BenchmarkRecord is storetest.BenchRecord on a book of 5,000 customers
// (smaller than SQLite's: PostgreSQL loads it more slowly).
func BenchmarkRecord(b *testing.B) {
	db := openTestDB(b)
	book, err := loadBook(b, db, storegen.Size{Reps: 20, Customers: 5000, Interactions: 25000, HeavyRep: 500, Seed: 1})
	if err != nil {
		b.Fatal(err)
	}
	storetest.BenchRecord(b, db, book.Reps, t0)
}

// loadBook loads a generated book of size, dated before t0.
func loadBook(tb testing.TB, db *postgres.DB, size storegen.Size) (book storegen.Book, err error) {
	err = db.Load(tb.Context(), func(l *postgres.Loader) error {
		book, err = storegen.Generate(tb.Context(), l, size, t0)
		return err
	})
	return book, err
}
