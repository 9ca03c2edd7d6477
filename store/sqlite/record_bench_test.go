package sqlite

import (
	"fmt"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tend-crm/tend/store"
	"github.com/tend-crm/tend/store/storegen"
)

// BenchmarkRecord logs a call with a follow-up, as "called X, …, follow
// up tomorrow" does, into a generated book of 20,000 customers: the
// store's part of logging a message, without the router's. Eight writers
// at once, as an adapter's dispatcher runs them, share commits; the time
// per op is the committer's per call.
func BenchmarkRecord(b *testing.B) {
	now := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	db, book := generatedBook(b, storegen.Size{Reps: 50, Customers: 20000, Interactions: 100000, HeavyRep: 2000, Seed: 1}, now)
	type target struct {
		scope    store.Scope
		customer store.CustomerID
	}
	var targets []target
	for _, rep := range book.Reps {
		s := store.Scope{UserID: rep, Role: store.RoleRep}
		names, err := db.CustomerNames(b.Context(), s)
		if err != nil {
			b.Fatal(err)
		}
		for _, n := range names {
			targets = append(targets, target{s, n.ID})
		}
	}
	rand.New(rand.NewPCG(1, 2)).Shuffle(len(targets), func(i, j int) { targets[i], targets[j] = targets[j], targets[i] })
	var next atomic.Int64
	var wg sync.WaitGroup
	b.ResetTimer()
	for range 8 {
		wg.Go(func() {
			for i := next.Add(1); i <= int64(b.N); i = next.Add(1) {
				t := targets[int(i)%len(targets)]
				_, err := db.Record(b.Context(), t.scope, store.Origin{Platform: "bench", EventID: fmt.Sprint(i)}, store.Activity{
					Customer:    store.CustomerRef{ID: t.customer},
					Interaction: &store.Interaction{Kind: store.KindCall, Summary: "called, talked about the renewal, follow up tomorrow"},
					FollowUp:    &store.FollowUp{Due: now.Add(24 * time.Hour), AllDay: true},
				})
				if err != nil {
					b.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
}
