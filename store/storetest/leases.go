package storetest

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/tend-crm/tend/store"
)

// RunLeases runs the conformance suite of store.Leases: each case is a
// sequence of steps on one fresh store, with the clock moved between them.
func RunLeases(t *testing.T, open func(t *testing.T) Harness) {
	const (
		name = "telegram-poll:9000"
		ttl  = 15 * time.Second
	)
	type step struct {
		at     time.Duration // after T0
		holder string
		op     string // "acquire" or "release"
		want   bool   // acquire: whether holder has the lease
	}
	acquire := func(at time.Duration, holder string, want bool) step { return step{at, holder, "acquire", want} }
	release := func(at time.Duration, holder string) step { return step{at: at, holder: holder, op: "release"} }
	tests := []struct {
		name  string
		steps []step
	}{
		{"FreeIsAcquired", []step{acquire(0, "a", true)}},
		{"HeldByOtherIsRefused", []step{acquire(0, "a", true), acquire(time.Second, "b", false), acquire(ttl-time.Millisecond, "b", false)}},
		{"ExpiredIsTakenOver", []step{acquire(0, "a", true), acquire(ttl, "b", true), acquire(ttl+time.Second, "a", false)}},
		{"RenewalExtends", []step{
			acquire(0, "a", true), acquire(10*time.Second, "a", true),
			acquire(ttl+time.Second, "b", false), // past the first term, within the renewed one
			acquire(10*time.Second+ttl, "b", true),
		}},
		{"ReleaseFreesAtOnce", []step{acquire(0, "a", true), release(time.Second, "a"), acquire(time.Second, "b", true), acquire(2*time.Second, "a", false)}},
		{"ReleaseByOtherIsNoop", []step{acquire(0, "a", true), release(time.Second, "b"), acquire(time.Second, "b", false), acquire(2*time.Second, "a", true)}},
		{"ReleaseFreeIsNoop", []step{release(0, "a"), acquire(0, "b", true)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := open(t)
			var st store.Leases = h.Store
			for i, s := range tt.steps {
				h.SetNow(T0.Add(s.at))
				switch s.op {
				case "acquire":
					got, err := st.AcquireLease(t.Context(), name, s.holder, ttl)
					if err != nil || got != s.want {
						t.Errorf("step %d: AcquireLease(%s) at +%s = %v, %v; want %v", i, s.holder, s.at, got, err, s.want)
					}
				case "release":
					if err := st.ReleaseLease(t.Context(), name, s.holder); err != nil {
						t.Errorf("step %d: ReleaseLease(%s) at +%s: %v", i, s.holder, s.at, err)
					}
				}
			}
		})
	}
	t.Run("NamesAreApart", func(t *testing.T) {
		h := open(t)
		h.SetNow(T0)
		for _, n := range []string{"one", "two"} {
			if got, err := h.Store.AcquireLease(t.Context(), n, n, ttl); err != nil || !got {
				t.Errorf("AcquireLease(%s) = %v, %v; want each name its own lease", n, got, err)
			}
		}
	})
	t.Run("RaceHasOneWinner", func(t *testing.T) {
		h := open(t)
		h.SetNow(T0)
		const holders = 8
		won := make(chan string, holders)
		var wg sync.WaitGroup
		for i := range holders {
			wg.Go(func() {
				holder := fmt.Sprintf("replica-%d", i)
				got, err := h.Store.AcquireLease(t.Context(), name, holder, ttl)
				if err != nil {
					t.Errorf("AcquireLease(%s): %v", holder, err)
				}
				if got {
					won <- holder
				}
			})
		}
		wg.Wait()
		close(won)
		var winners []string
		for w := range won {
			winners = append(winners, w)
		}
		if len(winners) != 1 {
			t.Errorf("%d holders racing for a free lease: won by %v, want exactly one", holders, winners)
		}
	})
	t.Run("Invalid", func(t *testing.T) {
		h := open(t)
		h.SetNow(T0)
		for _, c := range []struct {
			name, holder string
			ttl          time.Duration
		}{{"", "a", ttl}, {name, "", ttl}, {name, "a", 0}} {
			got, err := h.Store.AcquireLease(t.Context(), c.name, c.holder, c.ttl)
			if got {
				t.Errorf("AcquireLease(%q, %q, %s) = true", c.name, c.holder, c.ttl)
			}
			wantErr(t, "AcquireLease(invalid)", err, store.ErrInvalid)
		}
	})
}
