package postgres_test

import (
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func TestLeases(t *testing.T) {
	t.Parallel()
	db := openTestDB(t)
	ctx := t.Context()
	acquire := func(name, holder string, ttl time.Duration) bool {
		t.Helper()
		ok, err := db.AcquireLease(ctx, name, holder, ttl)
		if err != nil {
			t.Fatalf("AcquireLease(%s, %s): %v", name, holder, err)
		}
		return ok
	}
	if !acquire("telegram", "a", time.Hour) {
		t.Fatal("a could not take a free lease")
	}
	if acquire("telegram", "b", time.Hour) {
		t.Error("b took a lease a holds")
	}
	if !acquire("telegram", "a", time.Hour) {
		t.Error("a could not renew its lease")
	}
	if !acquire("other", "b", time.Hour) {
		t.Error("b could not take another lease")
	}
	if err := db.ReleaseLease(ctx, "telegram", "b"); err != nil {
		t.Fatal(err)
	}
	if acquire("telegram", "b", time.Hour) {
		t.Error("b's release of a's lease freed it")
	}
	if err := db.ReleaseLease(ctx, "telegram", "a"); err != nil {
		t.Fatal(err)
	}
	if !acquire("telegram", "b", time.Millisecond) {
		t.Fatal("b could not take a released lease")
	}
	// b's millisecond runs out; a takes over. The database's clock
	// decides, so this waits for it rather than sleeping a set time.
	deadline := time.Now().Add(10 * time.Second)
	for !acquire("telegram", "a", time.Hour) {
		if time.Now().After(deadline) {
			t.Fatal("a never took over b's lease after it ran out")
		}
	}
	if _, err := db.AcquireLease(ctx, "telegram", "", time.Hour); err == nil {
		t.Error("AcquireLease with no holder succeeded")
	}
}

// TestLeaseRace: of many holders asking at once for a free lease, one gets
// it.
func TestLeaseRace(t *testing.T) {
	t.Parallel()
	db := openTestDB(t)
	var won atomic.Int32
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			ok, err := db.AcquireLease(t.Context(), "telegram", string(rune('a'+i)), time.Hour)
			if err != nil {
				t.Error(err)
			}
			if ok {
				won.Add(1)
			}
		})
	}
	wg.Wait()
	if n := won.Load(); n != 1 {
		t.Errorf("%d holders got the lease, want 1", n)
	}
}
