package storetest

import (
	"fmt"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tend-crm/tend/store"
)

// BenchRecord logs a call with a follow-up, as "called X, …, follow up
// tomorrow" does, about the customers of reps in a generated book dated
// before now: the store's part of logging a message, without the
// router's. Eight writers at once, as an adapter's dispatcher runs them.
func BenchRecord(b *testing.B, db store.Store, reps []store.UserID, now time.Time) {
	type target struct {
		scope    store.Scope
		customer store.CustomerID
	}
	var targets []target
	for _, rep := range reps {
		s := store.Scope{UserID: rep, Role: store.RoleRep}
		names, err := db.CustomerNames(b.Context(), s)
		if err != nil {
			b.Fatal(err)
		}
		for _, n := range names {
			targets = append(targets, target{s, n.ID})
		}
	}
	if len(targets) == 0 {
		b.Fatal("the book has no rep with customers")
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
