package main

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/tend-crm/tend/bot/telegram/telegramtest"
)

// TestCrashSafety streams messages to the tend binary and kills it with
// SIGKILL at random points, restarting it on the same file, until every
// update is confirmed; then checks the guarantee of docs/operations.md:
// every confirmed update is stored exactly once, and no update got its
// reply twice.
func TestCrashSafety(t *testing.T) {
	bin := tendBinary(t)
	const (
		messages = 2000
		users    = 5
		kills    = 6
	)
	seed := rand.Uint64()
	t.Logf("seed %d", seed)
	rng := rand.New(rand.NewPCG(seed, 1))

	tg := telegramtest.New()
	defer tg.Close()
	ids := make([]int, messages) // the update of each customer's message
	for i := range messages {
		u := telegramtest.User{ID: int64(500 + i%users), FirstName: fmt.Sprintf("Rep%d", i%users), Lang: "en"}
		ids[i] = tg.QueueMessage(u, fmt.Sprintf("called Cust %d, follow up tomorrow", i))
	}
	last := ids[messages-1]
	db := filepath.Join(t.TempDir(), "tend.db")
	// A killed run keeps the poll lease until it expires: a short one
	// lets the next run poll within seconds.
	env := telegramEnv(tg, "TEND_STORE_SYNCHRONOUS", "normal", "TEND_TELEGRAM_POLL_LEASE", "2s")

	for k := range kills {
		start := tg.Confirmed()
		// Killed once the offset has moved by a random amount: in the
		// middle of handling, storing and replying.
		target := start + 1 + rng.IntN(messages/kills)
		cmd, stderr := serveBinary(t, bin, env, db)
		waitFor(t, tg, fmt.Sprintf("run %d to confirm up to %d", k, target), func() bool { return tg.Confirmed() >= min(target, last) })
		if err := cmd.Process.Kill(); err != nil {
			t.Fatal(err)
		}
		exited(t, cmd, stderr)
		t.Logf("run %d: killed at offset %d (from %d)", k, tg.Confirmed(), start)
	}
	// The last run sees the stream through and stops cleanly.
	cmd, stderr := serveBinary(t, bin, env, db)
	waitFor(t, tg, "every update confirmed", func() bool { return tg.Confirmed() > last })
	if err := cmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	if err := exited(t, cmd, stderr); err != nil {
		t.Fatalf("last run: %v\n%s", err, stderr)
	}

	stored := storedByUpdate(t, db)
	for i, id := range ids {
		if n := stored[id]; n != 1 {
			t.Errorf("Cust %d (update %d) stored %d times", i, id, n)
		}
	}
	rows, err := openRO(t, db).Query(`SELECT name, COUNT(*) FROM customers GROUP BY name_key HAVING COUNT(*) > 1`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var name string
		var n int
		rows.Scan(&name, &n)
		t.Errorf("customer %s made %d times", name, n)
	}
	rows.Close()

	// At most one reply per update: a crash after the reply and before the
	// confirmation redelivers the update, which the event ledger answers
	// with silence.
	logged := regexp.MustCompile(`^Logged a call with Cust (\d+)\.`)
	replies := map[int]int{}
	for _, text := range sentTexts(tg) {
		if m := logged.FindStringSubmatch(text); m != nil {
			n, _ := strconv.Atoi(m[1])
			replies[n]++
		}
	}
	lost := 0
	for i := range messages {
		switch replies[i] {
		case 0:
			lost++ // killed between the commit and the reply: allowed
		case 1:
		default:
			t.Errorf("Cust %d answered %d times", i, replies[i])
		}
	}
	t.Logf("%d messages, %d kills: %d replies lost to a kill between storing and replying, none doubled",
		messages, kills, lost)
	if lost > kills*users { // at most those in flight at each kill: one per chat
		t.Errorf("%d replies lost in %d kills; more than were in flight", lost, kills)
	}
	if strings.Contains(stderr.String(), "panic") {
		t.Errorf("panic in the log:\n%s", stderr)
	}
}
