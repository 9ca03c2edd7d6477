package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/tend-crm/tend/bot"
	"github.com/tend-crm/tend/bot/slack"
	"github.com/tend-crm/tend/store"
	"github.com/tend-crm/tend/store/postgres"
	"github.com/tend-crm/tend/store/sqlite"
	"github.com/tend-crm/tend/store/storegen"
)

// runBench generates a book (or reuses the one in --db) and measures what
// the performance targets are about, in one run, so that the figures can
// be compared with each other: docs/performance.md explains them.
func runBench(ctx context.Context, e env, args []string) error {
	f := newFlags(e, "bench", "")
	path := f.String("db", "", "the book to measure: generated into this file when it has none (default: a temporary file); the messages the bench logs stay in it, so give a copy of a real book, never the book itself")
	size := storegen.DefaultSize
	f.IntVar(&size.Reps, "reps", size.Reps, "reps in the generated book")
	f.IntVar(&size.Customers, "customers", size.Customers, "customers in the generated book")
	f.IntVar(&size.Interactions, "interactions", size.Interactions, "interactions in the generated book")
	f.IntVar(&size.HeavyRep, "heavy", size.HeavyRep, "customers of rep1, whose follow-ups are asked for (at most half of --customers unless given)")
	messages := f.Int("messages", 5000, "messages to log through the router")
	queries := f.Int("queries", 300, "follow-up questions to time")
	workers := f.Int("workers", slack.DefaultWorkers, "messages handled at once, as by one adapter's dispatcher (its default)")
	syncMode := f.String("synchronous", "normal", "SQLite synchronous setting: normal or full")
	profile := f.String("cpuprofile", "", "write a CPU profile of the measured part to this file (PostgreSQL's, with --postgres, to this file with .postgres added)")
	dsn := f.String("postgres", "", "also measure this PostgreSQL database, after the SQLite file, and compare (the book is generated into it when it has none)")
	if err := f.parse(args); err != nil {
		return err
	}
	heavySet := false
	f.Visit(func(fl *flag.Flag) { heavySet = heavySet || fl.Name == "heavy" })
	if !heavySet {
		size.HeavyRep = min(size.HeavyRep, size.Customers/2)
	}
	switch {
	case size.Reps < 1 || size.Customers < 1 || size.Interactions < 0 || size.HeavyRep < 0:
		return errors.New("bench: --reps and --customers must be at least 1, --interactions and --heavy at least 0")
	case size.HeavyRep > size.Customers:
		return fmt.Errorf("bench: --heavy %d is more than --customers %d", size.HeavyRep, size.Customers)
	case *messages < 1 || *queries < 1 || *workers < 1:
		return errors.New("bench: --messages, --queries and --workers must be at least 1")
	}
	if *path == "" {
		dir, err := os.MkdirTemp("", "tend-bench-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		*path = filepath.Join(dir, "bench.db")
	}
	stores := []StoreConfig{{Driver: driverSQLite, Path: *path, Synchronous: *syncMode}}
	if *dsn != "" {
		stores = append(stores, StoreConfig{Driver: driverPostgres, DSN: *dsn, Path: *path, Synchronous: *syncMode})
	}
	now := time.Now().UTC().Truncate(time.Second)
	var runs []*bench
	for _, sc := range stores {
		cfg := DefaultConfig()
		cfg.Store = sc
		if err := cfg.Validate(); err != nil {
			return err
		}
		b := &bench{cfg: cfg, out: e.stdout, now: now, profile: *profile}
		if sc.Driver == driverPostgres && b.profile != "" {
			b.profile += ".postgres"
		}
		if err := b.run(ctx, size, *messages, *queries, *workers); err != nil {
			return fmt.Errorf("bench on %s: %w", sc.Where(), err)
		}
		runs = append(runs, b)
	}
	if len(runs) > 1 {
		sideBySide(e.stdout, runs[0], runs[1])
	}
	return nil
}

// sideBySide prints two runs' figures in one table, SQLite's beside
// PostgreSQL's.
func sideBySide(w io.Writer, lite, pg *bench) {
	fmt.Fprintln(w, "\n| figure | SQLite | PostgreSQL | target |\n|---|---|---|---|")
	for i, r := range lite.rows {
		other := "?"
		if i < len(pg.rows) && pg.rows[i][0] == r[0] {
			other = pg.rows[i][1]
		}
		fmt.Fprintf(w, "| %s | %s | %s | %s |\n", r[0], r[1], other, r[2])
	}
}

type bench struct {
	cfg     Config
	out     io.Writer
	now     time.Time
	profile string
	rows    [][3]string // figure, measured, target
}

func (b *bench) add(figure, measured, target string) {
	b.rows = append(b.rows, [3]string{figure, measured, target})
	fmt.Fprintf(b.out, "  %s: %s\n", figure, measured)
}

func (b *bench) run(ctx context.Context, size storegen.Size, messages, queries, workers int) error {
	fmt.Fprintf(b.out, "Tend bench on %s (synchronous=%s)\n", b.cfg.Store.Where(), b.cfg.Store.Synchronous)
	db, err := openStore(ctx, b.cfg, slog.New(slog.DiscardHandler), nil, mayCreate)
	if err != nil {
		return err
	}
	users, err := b.book(ctx, db, size)
	if err != nil {
		db.Close()
		return err
	}
	db.Close()

	start := time.Now()
	db, err = openStore(ctx, b.cfg, slog.New(slog.DiscardHandler), nil, mayCreate)
	if err != nil {
		return err
	}
	defer db.Close()
	r := newRouter(db, b.cfg, slog.New(slog.DiscardHandler))
	r.Now = func() time.Time { return b.now }
	if _, err := db.ListUsers(ctx); err != nil {
		return err
	}
	b.add("start-up on the file", ms(time.Since(start)), "≤ 1 s")

	resetPeakRSS()
	if b.profile != "" {
		pf, err := os.Create(b.profile)
		if err != nil {
			return err
		}
		defer pf.Close()
		if err := pprof.StartCPUProfile(pf); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	raw, err := b.raw(ctx, db, messages)
	if err != nil {
		return err
	}
	logged, err := b.log(ctx, db, r, users, messages, workers)
	if err != nil {
		return err
	}
	b.add("ratio end to end / raw", fmt.Sprintf("%.2f", logged/raw), "≥ 0.5")
	if err := b.followUps(ctx, r, users, queries); err != nil {
		return err
	}
	if err := b.digests(ctx, db, r); err != nil {
		return err
	}
	if rss, ok := peakRSS(); ok {
		b.add("peak RSS while answering", fmt.Sprintf("%d MB", rss>>20), "≤ 200 MB")
	}
	b.table()
	return nil
}

// book generates the book unless the file has one, and returns its users.
func (b *bench) book(ctx context.Context, db dataStore, size storegen.Size) ([]store.User, error) {
	users, err := db.ListUsers(ctx)
	if err != nil {
		return nil, err
	}
	if len(users) == 0 {
		start := time.Now()
		var book storegen.Book
		err = loadBook(ctx, db, func(l storegen.Sink) (err error) {
			book, err = storegen.Generate(ctx, l, size, b.now)
			return err
		})
		if err != nil {
			return nil, err
		}
		fmt.Fprintf(b.out, "  generated %d customers, %d interactions, %d follow-ups, %d deals for %d reps in %s\n",
			book.Customers, book.Interactions, book.FollowUps, book.Deals, len(book.Reps), time.Since(start).Round(time.Millisecond))
		if users, err = db.ListUsers(ctx); err != nil {
			return nil, err
		}
	}
	b.add("book", fmt.Sprintf("%s customers, %s interactions, %d users", count(ctx, db, "customers"), count(ctx, db, "interactions"), len(users)), "100,000 / 1,000,000 / 500 reps")
	return users, nil
}

func count(ctx context.Context, db dataStore, table string) string {
	n, err := db.Count(ctx, table)
	if err != nil {
		return "?"
	}
	return thousands(n)
}

func (b *bench) raw(ctx context.Context, db dataStore, n int) (float64, error) {
	start := time.Now()
	if err := db.RawInserts(ctx, n); err != nil {
		return 0, err
	}
	rate := float64(n) / time.Since(start).Seconds()
	b.add("raw inserts, one row per transaction", perSecond(rate, "rows"), "")
	return rate, nil
}

// log sends messages through the router as the reps would, each about one
// of their own customers, by several workers as the dispatchers do.
func (b *bench) log(ctx context.Context, db dataStore, r bot.Handler, users []store.User, n, workers int) (float64, error) {
	type job struct {
		login, text string
	}
	var jobs []job
	rnd := rand.New(rand.NewPCG(1, 2))
	for _, u := range users {
		if u.Role != store.RoleRep || len(jobs) >= n {
			continue
		}
		names, err := db.CustomerNames(ctx, store.Scope{UserID: u.ID, Role: u.Role})
		if err != nil {
			return 0, err
		}
		for range min(len(names), 20) {
			c := names[rnd.IntN(len(names))]
			jobs = append(jobs, job{login(u), "called " + c.Name + ", talked about the renewal, follow up tomorrow"})
		}
	}
	if len(jobs) == 0 {
		return 0, errors.New("bench: the book has no rep with customers")
	}
	for i, base := 0, len(jobs); len(jobs) < n; i++ {
		jobs = append(jobs, jobs[i%base])
	}
	jobs = jobs[:n]
	// Each worker takes whole users, as a dispatcher keeps a chat in order.
	slices.SortStableFunc(jobs, func(a, b job) int { return strings.Compare(a.login, b.login) })
	run := strconv.FormatInt(time.Now().UnixNano(), 36) // a fresh event id each run on the same file
	var next atomic.Int64
	var failed atomic.Int64
	var first atomic.Value // the first failure, to report
	var wg sync.WaitGroup
	cpu0, cpuOK := cpuTime()
	start := time.Now()
	for range workers {
		wg.Go(func() {
			for {
				i := int(next.Add(1)) - 1
				if i >= len(jobs) {
					return
				}
				j := jobs[i]
				replies, err := r.HandleMessage(ctx, bot.Message{EventID: "bench-" + run + "-" + strconv.Itoa(i), Platform: "console", ChatID: j.login,
					From: bot.Sender{ID: j.login, Name: j.login}, Text: j.text, IsDM: true, Mentioned: true})
				if err != nil || !undoable(replies) {
					if failed.Add(1) == 1 {
						first.Store(fmt.Sprintf("%q: %v %v", j.text, err, replies))
					}
				}
			}
		})
	}
	wg.Wait()
	rate := float64(n) / time.Since(start).Seconds()
	cpu1, _ := cpuTime()
	if f := failed.Load(); f > 0 {
		return 0, fmt.Errorf("bench: %d of %d messages were not logged; the first: %v", f, n, first.Load())
	}
	b.add(fmt.Sprintf("messages logged end to end (%d workers)", workers), perSecond(rate, "msg"), "≥ 8,000 msg/s")
	if cpuOK {
		b.add("CPU time per logged message", fmt.Sprintf("%d µs", (cpu1-cpu0).Microseconds()/int64(n)), "")
	}
	return rate, nil
}

// undoable reports whether replies confirm a write: it has an Undo button.
func undoable(replies []bot.Reply) bool {
	for _, r := range replies {
		for _, b := range r.Buttons {
			if strings.HasPrefix(b.Value, "undo:") {
				return true
			}
		}
	}
	return false
}

// followUps times "who should I follow up with?" for the busiest rep.
func (b *bench) followUps(ctx context.Context, r bot.Handler, users []store.User, n int) error {
	rep := users[0]
	for _, u := range users {
		if login(u) == "rep1" {
			rep = u
		}
	}
	// The first answers prepare statements and fill caches: a server that
	// has answered a few is what is timed (start-up is a figure of its own).
	const warmUp = 10
	took := make([]time.Duration, n)
	for i := range warmUp + n {
		start := time.Now()
		replies, err := r.HandleMessage(ctx, bot.Message{Platform: "console", ChatID: login(rep), From: bot.Sender{ID: login(rep)},
			Text: "who should I follow up with?", IsDM: true, Mentioned: true})
		if i >= warmUp {
			took[i-warmUp] = time.Since(start)
		}
		if err != nil || len(replies) == 0 {
			return fmt.Errorf("bench: follow-ups: %v", err)
		}
	}
	slices.Sort(took)
	b.add("follow-ups answer for rep1 (p50 / p99)", ms(took[n/2])+" / "+ms(took[n*99/100]), "p99 ≤ 10 ms")
	return nil
}

// digests composes every user's morning digest, as the scheduler does at
// the busiest minute.
func (b *bench) digests(ctx context.Context, db dataStore, r interface {
	Digest(context.Context, store.User, time.Time) (bot.Reply, bool, error)
}) error {
	users, err := db.ListUsers(ctx)
	if err != nil {
		return err
	}
	start := time.Now()
	for _, u := range users {
		if _, _, err := r.Digest(ctx, u, b.now); err != nil {
			return fmt.Errorf("bench: digest of %s: %w", u.Name, err)
		}
	}
	b.add(fmt.Sprintf("digests of all %d users", len(users)), ms(time.Since(start)), "≤ 2 s for 1,000 users")
	return nil
}

func (b *bench) table() {
	fmt.Fprintln(b.out, "\n| figure | measured | target |\n|---|---|---|")
	for _, r := range b.rows {
		fmt.Fprintf(b.out, "| %s | %s | %s |\n", r[0], r[1], r[2])
	}
}

// login is the console identity of a generated user.
func login(u store.User) string {
	for _, id := range u.Identities {
		if id.Platform == "console" {
			return id.ExternalID
		}
	}
	return strconv.FormatInt(int64(u.ID), 10)
}

func ms(d time.Duration) string {
	return strconv.FormatFloat(float64(d.Microseconds())/1000, 'f', 2, 64) + " ms"
}

func perSecond(rate float64, unit string) string {
	return thousands(int64(rate)) + " " + unit + "/s"
}

func thousands(n int64) string {
	s := strconv.FormatInt(n, 10)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// resetPeakRSS starts measuring the peak resident set size afresh, so that
// generating the book does not count (Linux; elsewhere a no-op).
func resetPeakRSS() {
	os.WriteFile("/proc/self/clear_refs", []byte("5"), 0)
}

// peakRSS is the peak resident set size since resetPeakRSS, in bytes.
func peakRSS() (int64, bool) {
	status, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0, false
	}
	for line := range strings.Lines(string(status)) {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			return kb << 10, err == nil
		}
	}
	return 0, false
}

// loadBook runs fill with the store's bulk loader, in one transaction.
func loadBook(ctx context.Context, db dataStore, fill func(storegen.Sink) error) error {
	switch db := db.(type) {
	case *sqlite.DB:
		return db.Load(ctx, func(l *sqlite.Loader) error { return fill(l) })
	case *postgres.DB:
		return db.Load(ctx, func(l *postgres.Loader) error { return fill(l) })
	}
	return fmt.Errorf("bench: no bulk loader for %T", db)
}
