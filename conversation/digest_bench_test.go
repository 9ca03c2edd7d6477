package conversation_test

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/tend-crm/tend/conversation"
	"github.com/tend-crm/tend/store/sqlite"
	"github.com/tend-crm/tend/store/storegen"
)

// BenchmarkDigests composes the morning digest of every user of a book of
// 1,000 reps (and their managers) over 100,000 customers, as the scheduler
// does on a working-day morning. The target is under 2 s per loop.
func BenchmarkDigests(b *testing.B) {
	now := time.Date(2026, 11, 23, 8, 30, 0, 0, time.UTC)
	db, err := sqlite.Open(b.Context(), filepath.Join(b.TempDir(), "book.db"), sqlite.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	size := storegen.Size{Reps: 1000, Customers: 100_000, Interactions: 1_000_000, HeavyRep: 5_000, Seed: 1}
	if err := db.Load(b.Context(), func(l *sqlite.Loader) error {
		_, err := storegen.Generate(b.Context(), l, size, now)
		return err
	}); err != nil {
		b.Fatal(err)
	}
	users, err := db.ListUsers(b.Context())
	if err != nil {
		b.Fatal(err)
	}
	r := conversation.NewRouter(db)
	sent := 0
	for b.Loop() {
		sent = 0
		for _, u := range users {
			_, ok, err := r.Digest(b.Context(), u, now)
			if err != nil {
				b.Fatal(err)
			}
			if ok {
				sent++
			}
		}
	}
	b.ReportMetric(float64(len(users)), "users")
	b.ReportMetric(float64(sent), "digests")
}
