package telegram_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tend-crm/tend/bot"
	"github.com/tend-crm/tend/bot/telegram"
	"github.com/tend-crm/tend/bot/telegram/telegramtest"
	"github.com/tend-crm/tend/store"
	"github.com/tend-crm/tend/store/sqlite"
)

// pollLease is short for the tests, yet leaves a renewal a second to
// spare on a busy machine.
const pollLease = 3 * time.Second

// replicas are pollers of one bot on one database, as several `tend serve`
// would be, with a handler that keeps the event ledger as the router does.
type replicas struct {
	t     *testing.T
	tg    *telegramtest.Server
	db    *sqlite.DB
	polls pollWatch

	mu      sync.Mutex
	calls   map[string][]string // update id → replicas whose handler ran
	claimed map[string]int      // update id → times the ledger took it as new
}

func newReplicas(t *testing.T) *replicas {
	db, err := sqlite.Open(t.Context(), filepath.Join(t.TempDir(), "tend.db"), sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	tg := telegramtest.New()
	t.Cleanup(tg.Close)
	return &replicas{t: t, tg: tg, db: db, polls: pollWatch{inflight: map[string]int{}, count: map[string]int{}},
		calls: map[string][]string{}, claimed: map[string]int{}}
}

// start runs a replica named name with leases l; stop ends it.
func (r *replicas) start(name string, l telegram.Leases) (stop func() error) {
	h := bot.HandlerFuncs{Message: func(ctx context.Context, m bot.Message) ([]bot.Reply, error) {
		err := r.db.ClaimEvent(ctx, store.Origin{Platform: string(bot.Telegram), EventID: m.EventID})
		r.mu.Lock()
		r.calls[m.EventID] = append(r.calls[m.EventID], name)
		if err == nil {
			r.claimed[m.EventID]++
		}
		r.mu.Unlock()
		if errors.Is(err, store.ErrDuplicate) {
			return nil, nil
		}
		return []bot.Reply{{Text: "noted: " + m.Text}}, err
	}}
	a, err := telegram.New(telegram.Config{Token: telegramtest.Token, APIEndpoint: r.tg.Endpoint(), Unpaced: true,
		Leases: l, Replica: name, PollLease: pollLease, HTTPClient: r.polls.client(name)}, h, nil)
	if err != nil {
		r.t.Fatal(err)
	}
	return start(r.t, a)
}

// queue queues n messages from a few users and returns their update ids.
func (r *replicas) queue(n int) []string {
	var ids []string
	for i := range n {
		u := telegramtest.User{ID: int64(1 + i%4), FirstName: "Rep", Lang: "en"}
		ids = append(ids, fmt.Sprint(r.tg.QueueMessage(u, fmt.Sprintf("called Cust %d", i))))
	}
	return ids
}

func (r *replicas) handled() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.calls)
}

func (r *replicas) wait(what string, cond func() bool) {
	r.t.Helper()
	ctx, cancel := context.WithTimeout(r.t.Context(), 4*liveness)
	defer cancel()
	if err := r.tg.Wait(ctx, cond); err != nil {
		r.t.Fatalf("waiting for %s: %v", what, err)
	}
}

// pollWatch sees each replica's getUpdates from the client side: how many,
// and whether two replicas ever had one open at the same time.
type pollWatch struct {
	mu       sync.Mutex
	inflight map[string]int
	count    map[string]int
	overlaps int
}

func (w *pollWatch) client(name string) *http.Client {
	return &http.Client{Transport: roundTripFunc(func(req *http.Request) (*http.Response, error) {
		if !strings.HasSuffix(req.URL.Path, "/getUpdates") {
			return http.DefaultTransport.RoundTrip(req)
		}
		w.mu.Lock()
		w.inflight[name]++
		w.count[name]++
		for other, n := range w.inflight {
			if other != name && n > 0 {
				w.overlaps++
			}
		}
		w.mu.Unlock()
		var once sync.Once
		end := func() { once.Do(func() { w.mu.Lock(); w.inflight[name]--; w.mu.Unlock() }) }
		resp, err := http.DefaultTransport.RoundTrip(req)
		if err != nil {
			end()
			return nil, err
		}
		resp.Body = closeFunc{resp.Body, end}
		return resp, nil
	})}
}

func (w *pollWatch) calls(name string) int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.count[name]
}

func (w *pollWatch) overlapping() int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.overlaps
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

type closeFunc struct {
	io.ReadCloser
	after func()
}

func (c closeFunc) Close() error {
	err := c.ReadCloser.Close()
	c.after()
	return err
}

// watchedLeases reports each answer of a replica's lease calls, and fails
// them all once told to, as an unreachable database would.
type watchedLeases struct {
	telegram.Leases
	fail    atomic.Bool
	answers chan bool // acquire's answers, as they come
}

func watch(l telegram.Leases) *watchedLeases {
	return &watchedLeases{Leases: l, answers: make(chan bool, 1000)}
}

func (w *watchedLeases) AcquireLease(ctx context.Context, name, holder string, ttl time.Duration) (bool, error) {
	if w.fail.Load() {
		return false, errors.New("database unreachable")
	}
	ok, err := w.Leases.AcquireLease(ctx, name, holder, ttl)
	if err == nil {
		select {
		case w.answers <- ok:
		default:
		}
	}
	return ok, err
}

// refusedTwice waits until the replica was refused the lease twice: it
// stands by and keeps trying.
func (w *watchedLeases) refusedTwice(t *testing.T) {
	t.Helper()
	for refused := 0; refused < 2; {
		select {
		case ok := <-w.answers:
			if !ok {
				refused++
			}
		case <-time.After(4 * liveness):
			t.Fatal("the standby did not try for the lease")
		}
	}
}

// TestPollLeaseHandover: of two replicas only the lease holder polls; when
// it stops it confirms what it handled and releases the lease, and the
// other takes over at once: every update is handled exactly once, by one
// replica or the other, and never were two getUpdates open at once.
func TestPollLeaseHandover(t *testing.T) {
	r := newReplicas(t)
	stopA := r.start("a", r.db)
	r.wait("a to poll", func() bool { return r.polls.calls("a") > 0 })
	b := watch(r.db)
	stopB := r.start("b", b)
	b.refusedTwice(t)

	// a's replies are held, one per chat in flight, until a is told to
	// stop: it must finish them before it lets go.
	release := make(chan struct{})
	r.tg.Before(func(method string, _ url.Values) {
		if method == "sendMessage" {
			<-release
		}
	})
	ids := r.queue(20)
	r.wait("a to handle some", func() bool { return r.handled() >= 4 })
	if n := r.polls.calls("b"); n != 0 {
		t.Errorf("the standby called getUpdates %d times while a held the lease", n)
	}
	stopped := make(chan error, 1)
	go func() { stopped <- stopA() }()
	close(release)
	if err := <-stopped; err != nil {
		t.Errorf("a's Run after cancel: %v", err)
	}
	// a finished and confirmed what it took (all of them, or on a slow
	// machine the first getUpdates' share); what comes next is b's.
	r.mu.Lock()
	byA := 0
	for _, id := range ids {
		if len(r.calls[id]) > 0 {
			byA++
		}
	}
	r.mu.Unlock()
	if n := r.tg.Pending(); n != len(ids)-byA {
		t.Errorf("after a stopped: %d of %d updates unconfirmed, want the %d a did not take", n, len(ids), len(ids)-byA)
	}
	later := r.queue(20)
	r.wait("b to take over and confirm every update", func() bool {
		return r.tg.Pending() == 0 && len(r.tg.Sent()) == len(ids)+len(later)
	})

	r.mu.Lock()
	for i, id := range append(ids, later...) {
		want := "a"
		if i >= byA {
			want = "b"
		}
		if got := r.calls[id]; len(got) != 1 || got[0] != want {
			t.Errorf("update %s handled by %v, want by %s once", id, got, want)
		}
	}
	r.mu.Unlock()
	if n := r.polls.overlapping(); n != 0 {
		t.Errorf("two replicas had getUpdates open at once %d times", n)
	}
	if err := stopB(); err != nil {
		t.Errorf("b's Run after cancel: %v", err)
	}
	// b released the lease on the way out: a newcomer has it at once.
	if ok, err := r.db.AcquireLease(t.Context(), fmt.Sprintf("telegram-poll:%d", telegramtest.BotID), "c", pollLease); err != nil || !ok {
		t.Errorf("lease after both stopped: %v, %v; want it free", ok, err)
	}
}

// TestPollLeaseLostStopsPolling: a holder that cannot renew its lease
// stops polling before the lease runs out, leaving what it handled
// unconfirmed; the other replica takes over once the lease expired, gets
// those updates again, and the event ledger lets each through once.
func TestPollLeaseLostStopsPolling(t *testing.T) {
	r := newReplicas(t)
	a := watch(r.db)
	r.start("a", a)
	r.wait("a to poll", func() bool { return r.polls.calls("a") > 0 })
	r.start("b", r.db)

	ids := r.queue(30)
	r.wait("a to handle some", func() bool { return r.handled() >= 5 })
	a.fail.Store(true) // a's database is gone: its next renewal fails
	r.wait("b to take over and confirm every update", func() bool {
		return r.tg.Pending() == 0 && r.polls.calls("b") > 0 && r.handled() == len(ids)
	})

	r.mu.Lock()
	for _, id := range ids {
		if n := r.claimed[id]; n != 1 {
			t.Errorf("update %s taken as new %d times (handlers: %v), want once", id, n, r.calls[id])
		}
	}
	r.mu.Unlock()
	if n := r.polls.overlapping(); n != 0 {
		t.Errorf("two replicas had getUpdates open at once %d times: a kept polling without its lease", n)
	}
}
