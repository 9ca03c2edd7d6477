package bot_test

import (
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/tend-crm/tend/bot"
)

func TestDispatcherKeepsOrderPerKey(t *testing.T) {
	d := bot.NewDispatcher(4, 1000)
	var mu sync.Mutex
	got := map[string][]int{}
	for i := range 200 {
		key := fmt.Sprint("chat", i%5)
		if err := d.Submit(key, func() {
			mu.Lock()
			got[key] = append(got[key], i)
			mu.Unlock()
		}); err != nil {
			t.Fatal(err)
		}
	}
	if err := d.Wait(t.Context()); err != nil {
		t.Fatal(err)
	}
	for key, seq := range got {
		if len(seq) != 40 {
			t.Errorf("%s ran %d jobs, want 40", key, len(seq))
		}
		for j := 1; j < len(seq); j++ {
			if seq[j] < seq[j-1] {
				t.Errorf("%s ran out of order: %v", key, seq)
				break
			}
		}
	}
}

func TestDispatcherBounds(t *testing.T) {
	const workers = 3
	d := bot.NewDispatcher(workers, 10)
	release := make(chan struct{})
	var running, peak atomic.Int32
	for i := range 10 {
		err := d.Submit(fmt.Sprint(i), func() {
			n := running.Add(1)
			for {
				p := peak.Load()
				if n <= p || peak.CompareAndSwap(p, n) {
					break
				}
			}
			<-release
			running.Add(-1)
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if err := d.Submit("one too many", func() {}); !errors.Is(err, bot.ErrBusy) {
		t.Errorf("Submit past the backlog: %v, want ErrBusy", err)
	}
	close(release)
	if err := d.Wait(t.Context()); err != nil {
		t.Fatal(err)
	}
	if p := peak.Load(); p > workers {
		t.Errorf("%d jobs ran at once, want at most %d", p, workers)
	}
	if err := d.Submit("after", func() {}); err != nil {
		t.Errorf("Submit after draining: %v", err)
	}
	d.Wait(t.Context())
}

func TestDispatcherSurvivesAPanic(t *testing.T) {
	d := bot.NewDispatcher(1, 10)
	ran := false
	d.Submit("chat", func() { panic("boom") })
	d.Submit("chat", func() { ran = true })
	if err := d.Wait(t.Context()); err != nil {
		t.Fatal(err)
	}
	if !ran {
		t.Error("the job after a panicking one did not run")
	}
}
