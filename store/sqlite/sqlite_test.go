package sqlite_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mattn/go-sqlite3"

	"github.com/tend-crm/tend/store"
	"github.com/tend-crm/tend/store/sqlite"
	"github.com/tend-crm/tend/store/storetest"
)

var t0 = storetest.T0

func openAt(tb testing.TB, path string, opts sqlite.Options) *sqlite.DB {
	tb.Helper()
	db, err := sqlite.Open(tb.Context(), path, opts)
	if err != nil {
		tb.Fatal(err)
	}
	db.Now = func() time.Time { return t0 }
	tb.Cleanup(func() { db.Close() })
	return db
}

func openTestDB(tb testing.TB) *sqlite.DB {
	tb.Helper()
	return openAt(tb, filepath.Join(tb.TempDir(), "tend.db"), sqlite.Options{})
}

func TestStore(t *testing.T) {
	storetest.Run(t, func(t *testing.T) storetest.Harness {
		db := openTestDB(t)
		return storetest.Harness{Store: db, SetNow: func(now time.Time) { db.Now = func() time.Time { return now } }}
	})
}

func TestLeases(t *testing.T) {
	storetest.RunLeases(t, func(t *testing.T) storetest.Harness {
		db := openTestDB(t)
		return storetest.Harness{Store: db, SetNow: func(now time.Time) { db.Now = func() time.Time { return now } }}
	})
}

func mustUser(tb testing.TB, db *sqlite.DB, name string, role store.Role) store.Scope {
	tb.Helper()
	u, err := db.CreateUser(tb.Context(), store.User{Name: name, Role: role, Identities: []store.Identity{{Platform: "console", ExternalID: name}}})
	if err != nil {
		tb.Fatal(err)
	}
	return store.Scope{UserID: u.ID, Role: role}
}

func TestReopen(t *testing.T) {
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "tend.db")
	db, err := sqlite.Open(ctx, path, sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	first, err := db.Migrations(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(first) == 0 || first[0] != "0001_init.sql" || !slices.IsSorted(first) {
		t.Fatalf("Migrations = %q", first)
	}
	rep := mustUser(t, db, "rep", store.RoleRep)
	r, err := db.Record(ctx, rep, store.Origin{Platform: "slack", EventID: "E1"},
		store.Activity{Customer: store.CustomerRef{Name: "Minh Phát"}, Interaction: &store.Interaction{Kind: store.KindCall, At: t0, Summary: "xin chào"}})
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}

	for i := range 2 {
		db := openAt(t, path, sqlite.Options{})
		got, err := db.Migrations(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(got, first) {
			t.Errorf("reopen #%d: Migrations = %q, want %q", i+1, got, first)
		}
		c, err := db.Customer(ctx, rep, r.Customer.ID)
		if err != nil || c.Name != "Minh Phát" {
			t.Errorf("reopen #%d: Customer = %+v, %v", i+1, c, err)
		}
		is, err := db.Interactions(ctx, rep, store.InteractionFilter{})
		if err != nil || len(is) != 1 || is[0].Summary != "xin chào" {
			t.Errorf("reopen #%d: Interactions = %+v, %v", i+1, is, err)
		}
		// The ledger survives too.
		if err := db.ClaimEvent(ctx, store.Origin{Platform: "slack", EventID: "E1"}); !errors.Is(err, store.ErrDuplicate) {
			t.Errorf("reopen #%d: ClaimEvent(E1) = %v, want ErrDuplicate", i+1, err)
		}
		if err := db.Close(); err != nil {
			t.Fatal(err)
		}
	}
}

func TestOpenOptions(t *testing.T) {
	tests := []struct {
		opts    sqlite.Options
		wantErr bool
		sync    int // PRAGMA synchronous: 1 normal, 2 full
		busy    int
	}{
		{sqlite.Options{}, false, 2, int(sqlite.DefaultBusyTimeout.Milliseconds())},
		{sqlite.Options{Synchronous: "full"}, false, 2, 5000},
		{sqlite.Options{Synchronous: "NORMAL", BusyTimeout: 1234 * time.Millisecond}, false, 1, 1234},
		{sqlite.Options{Synchronous: "off"}, true, 0, 0},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%+v", tt.opts), func(t *testing.T) {
			db, err := sqlite.Open(t.Context(), filepath.Join(t.TempDir(), "tend.db"), tt.opts)
			if tt.wantErr {
				if err == nil {
					db.Close()
					t.Fatal("Open succeeded")
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			w, r := db.Pools()
			for name, pool := range map[string]*sql.DB{"write": w, "read": r} {
				checkPragmas(t, name, pool, tt.sync, tt.busy)
			}
		})
	}
	if _, err := sqlite.Open(t.Context(), "", sqlite.Options{}); err == nil {
		t.Error("Open(\"\") succeeded")
	}
}

func pragma(t *testing.T, q interface {
	QueryRowContext(context.Context, string, ...any) *sql.Row
}, name string) string {
	t.Helper()
	var v string
	if err := q.QueryRowContext(t.Context(), "PRAGMA "+name).Scan(&v); err != nil {
		t.Fatalf("PRAGMA %s: %v", name, err)
	}
	return v
}

func checkPragmas(t *testing.T, name string, pool *sql.DB, sync, busy int) {
	t.Helper()
	want := map[string]string{
		"foreign_keys": "1",
		"journal_mode": "wal",
		"busy_timeout": fmt.Sprint(busy),
		"synchronous":  fmt.Sprint(sync),
	}
	for p, v := range want {
		if got := pragma(t, pool, p); got != v {
			t.Errorf("%s: PRAGMA %s = %s, want %s", name, p, got, v)
		}
	}
}

// TestPragmasOnEveryConnection holds every connection of the read pool at
// once, so each is a distinct connection, and checks the DSN's settings on
// each: a PRAGMA run once would reach only one of them.
func TestPragmasOnEveryConnection(t *testing.T) {
	const n = 4
	db := openAt(t, filepath.Join(t.TempDir(), "tend.db"), sqlite.Options{ReadConns: n, BusyTimeout: 2500 * time.Millisecond})
	_, read := db.Pools()
	conns := make([]*sql.Conn, n)
	for i := range conns {
		c, err := read.Conn(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		conns[i] = c
	}
	if got := read.Stats().OpenConnections; got != n {
		t.Fatalf("read pool has %d open connections, want %d", got, n)
	}
	var wg sync.WaitGroup
	results := make([][]string, n)
	for i, c := range conns {
		wg.Go(func() {
			for _, p := range []string{"foreign_keys", "journal_mode", "busy_timeout", "synchronous", "temp_store"} {
				var v string
				if err := c.QueryRowContext(t.Context(), "PRAGMA "+p).Scan(&v); err != nil {
					v = err.Error()
				}
				results[i] = append(results[i], v)
			}
		})
	}
	wg.Wait()
	want := []string{"1", "wal", "2500", "2", "2"}
	for i, got := range results {
		if !slices.Equal(got, want) {
			t.Errorf("read connection %d: foreign_keys, journal_mode, busy_timeout, synchronous, temp_store = %q, want %q", i, got, want)
		}
	}
}

// TestReadPoolIsReadOnly: a connection of the read pool cannot write, so a
// write that took the wrong handle fails instead of racing the writer.
func TestReadPoolIsReadOnly(t *testing.T) {
	db := openTestDB(t)
	mustUser(t, db, "rep", store.RoleRep)
	_, read := db.Pools()
	for _, q := range []string{
		"INSERT INTO drafts (user_id, text, created_at) VALUES (1, 'x', 0)",
		"UPDATE users SET name = 'x'",
		"CREATE TABLE x (a)",
	} {
		_, err := read.ExecContext(t.Context(), q)
		var se sqlite3.Error
		if !errors.As(err, &se) || se.Code != sqlite3.ErrReadonly {
			t.Errorf("read pool: %s: err = %v, want SQLITE_READONLY", q, err)
		}
	}
	u, err := db.User(t.Context(), 1)
	if err != nil || u.Name != "rep" {
		t.Errorf("User(1) = %+v, %v", u, err)
	}
}

func TestWALFile(t *testing.T) {
	db := openTestDB(t)
	mustUser(t, db, "rep", store.RoleRep)
	for _, suffix := range []string{"-wal", "-shm"} {
		if _, err := os.Stat(db.Path() + suffix); err != nil {
			t.Errorf("after a write: %v", err)
		}
	}
}

// TestConcurrentWriters: 8 goroutines record 50 activities each, with
// readers alongside; every write succeeds (no SQLITE_BUSY), no customer is
// created twice, and the counts add up.
func TestConcurrentWriters(t *testing.T) {
	const writers, each, readers = 8, 50, 4
	ctx := t.Context()
	db := openTestDB(t)
	admin := mustUser(t, db, "admin", store.RoleAdmin)
	reps := make([]store.Scope, writers)
	for i := range reps {
		reps[i] = mustUser(t, db, fmt.Sprintf("rep%d", i), store.RoleRep)
	}
	errs := make(chan error, writers*each+readers*each)
	var wg sync.WaitGroup
	for w := range writers {
		wg.Go(func() {
			for i := range each {
				o := store.Origin{Platform: "test", EventID: fmt.Sprintf("w%d-%d", w, i)}
				a := store.Activity{
					// Two customers per rep, each named again and again: a
					// race would create it twice.
					Customer:    store.CustomerRef{Name: fmt.Sprintf("Customer %d-%d", w, i%2)},
					Contact:     "Lan",
					Interaction: &store.Interaction{Kind: store.KindCall, At: t0.Add(time.Duration(i) * time.Minute), Summary: o.EventID},
				}
				if i%5 == 0 {
					a.FollowUp = &store.FollowUp{Due: t0.Add(24 * time.Hour), Note: o.EventID}
				}
				if _, err := db.Record(ctx, reps[w], o, a); err != nil {
					errs <- fmt.Errorf("writer %d record %d: %w", w, i, err)
				}
			}
		})
	}
	for r := range readers {
		wg.Go(func() {
			for range each {
				if _, err := db.FindCustomers(ctx, admin, "customer", 20); err != nil {
					errs <- fmt.Errorf("reader %d: %w", r, err)
				}
				if _, err := db.AgendaBook(ctx, admin, store.AgendaFilter{Until: t0.Add(48 * time.Hour)}); err != nil {
					errs <- fmt.Errorf("reader %d: %w", r, err)
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		var se sqlite3.Error
		if errors.As(err, &se) && se.Code == sqlite3.ErrBusy {
			t.Errorf("SQLITE_BUSY: %v", err)
		} else {
			t.Error(err)
		}
	}

	is, err := db.Interactions(ctx, admin, store.InteractionFilter{Limit: writers*each + 1})
	if err != nil {
		t.Fatal(err)
	}
	if len(is) != writers*each {
		t.Errorf("%d interactions, want %d", len(is), writers*each)
	}
	fs, err := db.FollowUps(ctx, admin, store.FollowUpFilter{Limit: writers * each})
	if err != nil {
		t.Fatal(err)
	}
	if len(fs) != writers*each/5 {
		t.Errorf("%d follow-ups, want %d", len(fs), writers*each/5)
	}
	cs, err := db.FindCustomers(ctx, admin, "customer", 1000)
	if err != nil {
		t.Fatal(err)
	}
	if len(cs) != writers*2 {
		t.Errorf("%d customers, want %d", len(cs), writers*2)
	}
	for _, c := range cs {
		contacts, err := db.Contacts(ctx, admin, c.ID)
		if err != nil || len(contacts) != 1 {
			t.Errorf("%s: contacts %+v, %v; want one Lan", c.Name, contacts, err)
		}
	}
	for w, rep := range reps {
		if _, err := db.Undo(ctx, rep, store.Origin{}, 0); err != nil {
			t.Errorf("rep %d: undo: %v", w, err)
		}
	}
}

// TestMaxTextLen: a summary or note of MaxTextLen bytes is stored, one
// byte more is refused.
func TestMaxTextLen(t *testing.T) {
	db := openTestDB(t)
	rep := mustUser(t, db, "rep", store.RoleRep)
	tests := []struct {
		name string
		a    store.Activity
		ok   bool
	}{
		{"summary at the limit", store.Activity{Interaction: &store.Interaction{Kind: store.KindNote, Summary: strings.Repeat("a", store.MaxTextLen)}}, true},
		{"summary over", store.Activity{Interaction: &store.Interaction{Kind: store.KindNote, Summary: strings.Repeat("a", store.MaxTextLen+1)}}, false},
		{"note at the limit", store.Activity{FollowUp: &store.FollowUp{Due: t0, Note: strings.Repeat("ư", store.MaxTextLen/2)}}, true},
		{"note over", store.Activity{FollowUp: &store.FollowUp{Due: t0, Note: strings.Repeat("ư", store.MaxTextLen/2) + "a"}}, false},
		{"name at 200", store.Activity{Customer: store.CustomerRef{Name: strings.Repeat("b", 200)}, Interaction: &store.Interaction{Kind: store.KindNote}}, true},
		{"name over 200", store.Activity{Customer: store.CustomerRef{Name: strings.Repeat("b", 201)}, Interaction: &store.Interaction{Kind: store.KindNote}}, false},
		{"unknown kind", store.Activity{Interaction: &store.Interaction{Kind: "fax", Summary: "x"}}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.a.Customer.Name == "" {
				tt.a.Customer.Name = "Acme"
			}
			_, err := db.Record(t.Context(), rep, store.Origin{}, tt.a)
			if tt.ok && err != nil {
				t.Errorf("Record: %v", err)
			}
			if !tt.ok && !errors.Is(err, store.ErrInvalid) {
				t.Errorf("Record: err = %v, want ErrInvalid", err)
			}
		})
	}
}

// TestAgendaBookDealsAndOccasions covers the parts of the book with no
// writer in store.Store yet, from rows put in the file directly.
func TestAgendaBookDealsAndOccasions(t *testing.T) {
	ctx := t.Context()
	db := openTestDB(t)
	rep1 := mustUser(t, db, "rep1", store.RoleRep)
	rep2 := mustUser(t, db, "rep2", store.RoleRep)
	admin := mustUser(t, db, "admin", store.RoleAdmin)
	rec := func(s store.Scope, name string) store.Customer {
		// A recent call keeps the customer off the keep-in-touch list.
		r, err := db.Record(ctx, s, store.Origin{}, store.Activity{Customer: store.CustomerRef{Name: name},
			Interaction: &store.Interaction{Kind: store.KindCall, At: t0, Summary: "hi " + name}})
		if err != nil {
			t.Fatal(err)
		}
		return r.Customer
	}
	acme, beta, gamma := rec(rep1, "Acme"), rec(rep1, "Beta"), rec(rep2, "Gamma")

	w, _ := db.Pools()
	exec := func(q string, args ...any) {
		t.Helper()
		if _, err := w.ExecContext(ctx, q, args...); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	days := func(n int) int64 { return t0.AddDate(0, 0, n).Unix() }
	// Deals: acme's stuck 20 days, beta's moved 2 days ago, beta's won long
	// ago, gamma's stuck.
	exec(`INSERT INTO deals (id, customer_id, owner_id, title, stage, stage_changed_at, created_at) VALUES
		(1, ?, ?, 'stuck', 'proposal', ?, ?), (2, ?, ?, 'moving', 'proposal', ?, ?),
		(3, ?, ?, 'won', 'won', ?, ?), (4, ?, ?, 'other', 'qualify', ?, ?)`,
		acme.ID, rep1.UserID, days(-20), days(-30), beta.ID, rep1.UserID, days(-2), days(-30),
		beta.ID, rep1.UserID, days(-90), days(-100), gamma.ID, rep2.UserID, days(-20), days(-30))
	// Occasions: acme's on 9 March and 12 March, beta's on 1 April, gamma's
	// on 9 March.
	exec(`INSERT INTO occasions (id, customer_id, kind, month, day) VALUES
		(1, ?, 'anniversary', 3, 9), (2, ?, 'birthday', 3, 12), (3, ?, 'birthday', 4, 1), (4, ?, 'anniversary', 3, 9)`,
		acme.ID, acme.ID, beta.ID, gamma.ID)

	tests := []struct {
		name        string
		s           store.Scope
		f           store.AgendaFilter
		deals, occs []int64
		customers   []store.CustomerID
	}{
		{"rep1 week", rep1, store.AgendaFilter{Until: t0, StuckSince: t0.AddDate(0, 0, -14), Occasions: store.UpcomingDays(t0, time.UTC, 7)},
			[]int64{1}, []int64{1, 2}, []store.CustomerID{acme.ID}},
		{"rep1 no deals", rep1, store.AgendaFilter{Until: t0, Occasions: []store.MonthDay{{Month: time.April, Day: 1}}},
			nil, []int64{3}, []store.CustomerID{beta.ID}},
		{"rep1 stuck since yesterday", rep1, store.AgendaFilter{Until: t0, StuckSince: t0.AddDate(0, 0, -1)},
			[]int64{1, 2}, nil, []store.CustomerID{acme.ID, beta.ID}},
		{"admin today", admin, store.AgendaFilter{Until: t0, StuckSince: t0.AddDate(0, 0, -14), Occasions: store.UpcomingDays(t0, time.UTC, 1)},
			[]int64{1, 4}, []int64{1, 4}, []store.CustomerID{acme.ID, gamma.ID}},
		{"admin owner rep2", admin, store.AgendaFilter{Until: t0, Owner: rep2.UserID, StuckSince: t0.AddDate(0, 0, -14), Occasions: store.UpcomingDays(t0, time.UTC, 7)},
			[]int64{4}, []int64{4}, []store.CustomerID{gamma.ID}},
		{"rep2", rep2, store.AgendaFilter{Until: t0, StuckSince: t0, Occasions: store.UpcomingDays(t0, time.UTC, 60)},
			[]int64{4}, []int64{4}, []store.CustomerID{gamma.ID}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := db.AgendaBook(ctx, tt.s, tt.f)
			if err != nil {
				t.Fatal(err)
			}
			var deals, occs []int64
			for _, d := range b.Deals {
				deals = append(deals, int64(d.ID))
				if !d.Open() {
					t.Errorf("deal %d is %s", d.ID, d.Stage)
				}
			}
			for _, o := range b.Occasions {
				occs = append(occs, int64(o.ID))
			}
			slices.Sort(deals)
			slices.Sort(occs)
			if !slices.Equal(deals, tt.deals) || !slices.Equal(occs, tt.occs) {
				t.Errorf("deals %v occasions %v, want %v and %v", deals, occs, tt.deals, tt.occs)
			}
			var cs []store.CustomerID
			for id, c := range b.Customers {
				cs = append(cs, id)
				if c.ID != id || c.Name == "" {
					t.Errorf("Customers[%d] = %+v", id, c)
				}
			}
			slices.Sort(cs)
			if !slices.Equal(cs, tt.customers) {
				t.Errorf("customers %v, want %v", cs, tt.customers)
			}
		})
	}

	// The agenda ranks acme's anniversary today.
	b, err := db.AgendaBook(ctx, rep1, store.AgendaFilter{Until: t0, StuckSince: t0.AddDate(0, 0, -14), Occasions: store.UpcomingDays(t0, time.UTC, 7)})
	if err != nil {
		t.Fatal(err)
	}
	items := store.Agenda(b, t0, time.UTC, store.DefaultWeights)
	if len(items) != 1 || items[0].Reasons[0].Kind != store.ReasonOccasion || items[0].Reasons[0].Days != 0 || len(items[0].Reasons) != 3 {
		t.Errorf("Agenda = %+v", items)
	}
}

// TestUndoAfterReopen: the audit that Undo reverts survives a restart.
func TestUndoAfterReopen(t *testing.T) {
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "tend.db")
	db := openAt(t, path, sqlite.Options{})
	rep := mustUser(t, db, "rep", store.RoleRep)
	r, err := db.Record(ctx, rep, store.Origin{}, store.Activity{Customer: store.CustomerRef{Name: "Acme"}, Contact: "Lan",
		FollowUp: &store.FollowUp{Due: t0.Add(time.Hour), Note: "x"}})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := db.SnoozeFollowUp(ctx, rep, store.Origin{}, r.FollowUp.ID, t0.Add(48*time.Hour), true); err != nil {
		t.Fatal(err)
	}
	db.Close()
	db = openAt(t, path, sqlite.Options{})
	for range 2 {
		if _, err := db.Undo(ctx, rep, store.Origin{}, 0); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := db.Customer(ctx, rep, r.Customer.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("Customer after undoing everything: %v", err)
	}
}

// TestClaimOnceConcurrently: of many goroutines claiming the same delivery
// key or platform event at once, exactly one wins.
func TestClaimOnceConcurrently(t *testing.T) {
	const n = 16
	ctx := t.Context()
	db := openTestDB(t)
	rep := mustUser(t, db, "rep", store.RoleRep)
	var wg sync.WaitGroup
	var mu sync.Mutex
	var claimed, events int
	var errs []error
	for range n {
		wg.Go(func() {
			ok, err := db.ClaimDelivery(ctx, "digest:2026-03-09", rep.UserID)
			evErr := db.ClaimEvent(ctx, store.Origin{Platform: "slack", EventID: "E1"})
			mu.Lock()
			defer mu.Unlock()
			if ok {
				claimed++
			}
			if err != nil {
				errs = append(errs, err)
			}
			switch {
			case evErr == nil:
				events++
			case !errors.Is(evErr, store.ErrDuplicate):
				errs = append(errs, evErr)
			}
		})
	}
	wg.Wait()
	if claimed != 1 || events != 1 || len(errs) != 0 {
		t.Errorf("%d deliveries and %d events claimed, errors %v; want 1, 1 and none", claimed, events, errs)
	}
}

// TestOpenOddPath: a file name with characters that mean something in a
// URI is opened as named, by both the writer and the read pool.
func TestOpenOddPath(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "dữ liệu #1 ?x=y&z%20")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "tend 100%.db")
	db := openAt(t, path, sqlite.Options{})
	rep := mustUser(t, db, "rep", store.RoleRep)
	if _, err := db.User(t.Context(), rep.UserID); err != nil {
		t.Fatalf("read pool: %v", err)
	}
	if _, err := os.Stat(path); err != nil {
		t.Errorf("database not at %q: %v", path, err)
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if !strings.HasPrefix(e.Name(), "tend 100%.db") {
			t.Errorf("stray file %q", e.Name())
		}
	}
}
