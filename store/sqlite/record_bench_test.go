package sqlite

import (
	"testing"
	"time"

	"github.com/tend-crm/tend/store/storegen"
	"github.com/tend-crm/tend/store/storetest"
)

// BenchmarkRecord is storetest.BenchRecord on a book of 20,000
// customers. Writers share commits: the time per op is the committer's
// per call.
func BenchmarkRecord(b *testing.B) {
	now := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	db, book := generatedBook(b, storegen.Size{Reps: 50, Customers: 20000, Interactions: 100000, HeavyRep: 2000, Seed: 1}, now)
	storetest.BenchRecord(b, db, book.Reps, now)
}
