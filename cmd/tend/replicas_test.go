package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	tendslack "github.com/tend-crm/tend/bot/slack"
	"github.com/tend-crm/tend/bot/slack/slacktest"
	"github.com/tend-crm/tend/bot/telegram/telegramtest"
	"github.com/tend-crm/tend/store"
	"github.com/tend-crm/tend/store/postgres/pgtest"
)

// Sizes of TestReplicas.
const (
	replicaCount  = 3
	replicaEvents = 2000
	replicaUsers  = 500 // with a digest due in the same minute
	eventSenders  = 20  // reps writing the events, each in their DM
	// inFlight caps the events delivered and not yet answered. A replica
	// acknowledges an event still queued 2 s after it came, before it is
	// stored (bot/slack's documented window): a kill must not find any
	// queued that long, or it would lose them, even on a loaded CI machine.
	inFlight = 20 // one per sender: none waits behind another of its chat
)

// replicaStore is the database the replicas share: PostgreSQL when
// TEND_TEST_POSTGRES holds a DSN (a fresh schema in it), else one SQLite
// file, which several processes may open (writes take turns).
type replicaStore struct {
	env  map[string]string // store settings for the config
	args []string          // serve's flags
	cfg  Config            // for opening it in the test
}

func newReplicaStore(t *testing.T) replicaStore {
	t.Helper()
	var rs replicaStore
	if os.Getenv("TEND_TEST_POSTGRES") != "" {
		rs.env = map[string]string{"TEND_STORE_DRIVER": "postgres", "TEND_STORE_DSN": pgtest.DSN(t)}
		t.Log("replicas on PostgreSQL (TEND_TEST_POSTGRES)")
	} else {
		path := filepath.Join(t.TempDir(), "tend.db")
		rs.env = map[string]string{"TEND_STORE_PATH": path, "TEND_STORE_SYNCHRONOUS": "normal"}
		rs.args = []string{"--db", path}
		t.Log("replicas on one SQLite file; set TEND_TEST_POSTGRES to a DSN to run them on PostgreSQL")
	}
	cfg, err := ParseConfig(strings.NewReader(""), func(k string) string { return rs.env[k] })
	if err != nil {
		t.Fatal(err)
	}
	rs.cfg = cfg
	return rs
}

// open opens the shared store in the test, as serve does.
func (rs replicaStore) open(t *testing.T) store.Store {
	t.Helper()
	st, err := openStore(t.Context(), rs.cfg, newLogger(rs.cfg.Log, io.Discard), nil, mayCreate)
	if err != nil {
		t.Fatal(err)
	}
	return st
}

// seedDigests adds users whose digest is due now, each with a follow-up
// due today for the digest to tell, and returns an admin's scope.
func seedDigests(t *testing.T, st store.Store, n int) store.Scope {
	t.Helper()
	ctx := t.Context()
	admin, err := st.CreateUser(ctx, store.User{Name: "Admin", Role: store.RoleAdmin,
		Identities: []store.Identity{{Platform: "console", ExternalID: "admin"}}})
	if err != nil {
		t.Fatal(err)
	}
	// A zone where it is day, so that the digest's minute and "today"
	// are not split by midnight while the test runs.
	zone := "UTC"
	if h := time.Now().UTC().Hour(); h < 2 || h > 21 {
		zone = "Asia/Ho_Chi_Minh"
	}
	loc, _ := time.LoadLocation(zone)
	now := time.Now().In(loc)
	at := now.Format("15:04") // this minute: due at once, and a minute later still
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, loc)
	for i := range n {
		u, err := st.CreateUser(ctx, store.User{Name: fmt.Sprintf("Rep R%03d", i), Role: store.RoleRep, TimeZone: zone, Lang: "en",
			DigestTime: at, DigestWeekends: true,
			Identities: []store.Identity{{Platform: "slack", ExternalID: fmt.Sprintf("UR%03d", i), ChatID: fmt.Sprintf("DR%03d", i)}}})
		if err != nil {
			t.Fatal(err)
		}
		s := store.Scope{UserID: u.ID, Role: store.RoleRep}
		if _, err := st.Record(ctx, s, store.Origin{}, store.Activity{Customer: store.CustomerRef{Name: fmt.Sprintf("Seed %03d", i)},
			FollowUp: &store.FollowUp{Due: today, AllDay: true, Note: "send the quote"}}); err != nil {
			t.Fatal(err)
		}
	}
	return store.Scope{UserID: admin.ID, Role: store.RoleAdmin}
}

// TestReplicas runs three `tend serve` on one database and the stand-in
// Slack, each replica on its own Socket Mode connection. 500 users'
// digests fall due in the same minute and each goes out once in all;
// 2,000 events spread over the connections are each stored once and
// answered at most once, while one replica is SIGKILLed half-way: what it
// left unacknowledged comes again on the others, and nothing is lost.
func TestReplicas(t *testing.T) {
	bin := tendBinary(t)
	rs := newReplicaStore(t)
	st := rs.open(t)
	admin := seedDigests(t, st, replicaUsers)
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}

	f := slacktest.NewServer(t)
	// As Slack does, and past the adapter's ack deadline: an envelope
	// refused or whose ack was lost comes again, maybe on another replica.
	f.RetryUnacked(5 * time.Second)
	env := map[string]string{
		"TEND_SLACK_BOT_TOKEN":         slacktest.BotToken,
		"TEND_SLACK_APP_TOKEN":         slacktest.AppToken,
		"TEND_SLACK_API_URL":           f.APIURL(),
		"TEND_USERS_DEFAULT_TIME_ZONE": "Asia/Ho_Chi_Minh",
		"TEND_LOG_FORMAT":              "json",
	}
	for k, v := range rs.env {
		env[k] = v
	}
	type replica struct {
		cmd    *exec.Cmd
		stderr *syncBuffer
	}
	var replicas []replica
	for i := range replicaCount {
		cmd := exec.Command(bin, append([]string{"serve"}, rs.args...)...)
		cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir()}
		for k, v := range env {
			cmd.Env = append(cmd.Env, k+"="+v)
		}
		stderr := &syncBuffer{}
		cmd.Stderr = stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() {
			cmd.Process.Kill()
			if t.Failed() {
				t.Logf("replica %d log (tail):\n%s", i, tail(stderr.String(), 3000))
			}
		})
		replicas = append(replicas, replica{cmd, stderr})
		// Connected in order, so that connection i is replica i's.
		wait(t, f, fmt.Sprintf("replica %d's connection", i), func() bool { return f.Conns() == i+1 })
	}

	digests := func() map[string]int {
		n := map[string]int{}
		for _, c := range f.Calls() {
			if strings.HasPrefix(c.Channel, "DR") && strings.HasPrefix(c.Text, "Good morning!") {
				n[c.Channel]++
			}
		}
		return n
	}
	wait(t, f, "every digest", func() bool { return len(digests()) == replicaUsers })

	logged := regexp.MustCompile(`^Logged a call with Cust E(\d{4})\.`)
	var read, answered int // calls looked at, answers among them
	answers := func() int {
		for _, c := range f.CallsFrom(read) {
			read++
			if logged.MatchString(c.Text) {
				answered++
			}
		}
		return answered
	}
	// The events, a bounded number unanswered at a time; replica 0 is
	// killed half-way, with events in flight.
	killed := false
	for i := range replicaEvents {
		wait(t, f, "room to deliver", func() bool { return i-answers() < inFlight })
		if i == replicaEvents/2 {
			if err := replicas[0].cmd.Process.Kill(); err != nil {
				t.Fatal(err)
			}
			killed = true
			t.Logf("replica 0 killed with %d envelopes unacknowledged", f.Unacked())
		}
		user := i % eventSenders
		dm := slacktest.DM(fmt.Sprintf("called Cust E%04d, follow up tomorrow", i), fmt.Sprintf("1700%06d.000100", i))
		dm["user"], dm["channel"] = fmt.Sprintf("U%02d", user), fmt.Sprintf("DU%02d", user)
		f.Deliver(slacktest.EventEnvelope(fmt.Sprintf("env-%04d", i), fmt.Sprintf("Ev%04d", i), 0, dm))
	}
	if !killed {
		t.Fatal("no replica was killed")
	}
	// Replies lost to the kill (stored, not yet posted) are never posted.
	wait(t, f, "every event acknowledged and answered", func() bool {
		return f.Unacked() == 0 && answers() >= replicaEvents-replicaWorkers
	}, func() string { return fmt.Sprintf("%d unacknowledged, %d answered", f.Unacked(), answers()) })
	for i, r := range replicas[1:] {
		if err := r.cmd.Process.Signal(syscall.SIGTERM); err != nil {
			t.Fatal(err)
		}
		if err := exited(t, r.cmd, r.stderr); err != nil {
			t.Errorf("replica %d after SIGTERM: %v", i+1, err)
		}
	}

	for ch, n := range digests() {
		if n != 1 {
			t.Errorf("%s got %d digests, want 1", ch, n)
		}
	}
	replies := map[string]int{}
	for _, c := range f.Calls() {
		if m := logged.FindStringSubmatch(c.Text); m != nil {
			replies["Ev"+m[1]]++
		}
	}
	st = rs.open(t)
	defer st.Close()
	got, err := st.Interactions(context.WithoutCancel(t.Context()), admin, store.InteractionFilter{Limit: 10 * replicaEvents})
	if err != nil {
		t.Fatal(err)
	}
	stored := map[string]int{}
	for _, in := range got {
		if in.Source.Platform == "slack" {
			stored[in.Source.EventID]++
		}
	}
	lost := 0
	for i := range replicaEvents {
		ev := fmt.Sprintf("Ev%04d", i)
		if n := stored[ev]; n != 1 {
			t.Errorf("%s stored %d times, want once", ev, n)
		}
		switch n := replies[ev]; n {
		case 0:
			lost++
		case 1:
		default:
			t.Errorf("%s answered %d times", ev, n)
		}
	}
	var sentBy []int
	for _, r := range replicas {
		sentBy = append(sentBy, strings.Count(r.stderr.String(), `"msg":"reminder sent"`))
	}
	t.Logf("%d replicas, %d events (%d delivered again after the kill), %d digests (sent per replica %v): every event stored once; %d replies lost to the kill (stored, not yet posted)",
		replicaCount, replicaEvents, f.Redelivered(), replicaUsers, sentBy, lost)
	if f.Redelivered() == 0 {
		t.Error("the killed replica left nothing to deliver again: the kill tested nothing")
	}
	if lost > replicaWorkers {
		t.Errorf("%d replies lost; more than the killed replica could have been posting (%d)", lost, replicaWorkers)
	}
}

// replicaWorkers is how many events a replica handles at once: at most
// that many replies can be lost when it is killed.
const replicaWorkers = tendslack.DefaultWorkers

// wait waits on the stand-in until cond holds; state, if given, says
// where things stand when it does not.
func wait(t *testing.T, f *slacktest.Server, what string, cond func() bool, state ...func() string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), liveness)
	defer cancel()
	if err := f.Wait(ctx, cond); err != nil {
		for _, s := range state {
			what += " (" + s() + ")"
		}
		t.Fatalf("waiting for %s: %v", what, err)
	}
}

func tail(s string, n int) string {
	if len(s) > n {
		return s[len(s)-n:]
	}
	return s
}

// TestTelegramReplicas runs two `tend serve` polling one bot on one
// database: only the holder of the poll lease polls; SIGKILLed, it stops
// renewing, and the other takes polling over once the lease expires.
// Every update is stored once, and neither met another poller (409).
func TestTelegramReplicas(t *testing.T) {
	bin := tendBinary(t)
	tg := telegramtest.New()
	defer tg.Close()
	db := filepath.Join(t.TempDir(), "tend.db")
	env := telegramEnv(tg, "TEND_STORE_SYNCHRONOUS", "normal", "TEND_TELEGRAM_POLL_LEASE", "2s")
	type replica struct {
		cmd    *exec.Cmd
		stderr *syncBuffer
	}
	var rs []replica
	for range 2 {
		cmd, stderr := serveBinary(t, bin, env, db)
		rs = append(rs, replica{cmd, stderr})
		t.Cleanup(func() {
			if t.Failed() {
				t.Logf("replica log (tail):\n%s", tail(stderr.String(), 3000))
			}
		})
	}
	polls := func(r replica) bool { return strings.Contains(r.stderr.String(), "this replica polls") }
	var ids []int
	for i := range 200 {
		u := telegramtest.User{ID: int64(500 + i%5), FirstName: "Rep", Lang: "en"}
		ids = append(ids, tg.QueueMessage(u, fmt.Sprintf("called Cust %d, follow up tomorrow", i)))
	}
	waitFor(t, tg, "a quarter confirmed", func() bool { return tg.Confirmed() > ids[len(ids)/4] })
	leader, standby := rs[0], rs[1]
	if !polls(leader) {
		leader, standby = standby, leader
	}
	if polls(standby) {
		t.Fatalf("both replicas poll:\n%s\n%s", rs[0].stderr, rs[1].stderr)
	}
	if err := leader.cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	exited(t, leader.cmd, leader.stderr)
	waitFor(t, tg, "every update confirmed", func() bool { return tg.Confirmed() > ids[len(ids)-1] })
	if !polls(standby) {
		t.Errorf("the standby confirmed the rest without taking the lease:\n%s", standby.stderr)
	}
	if err := standby.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if err := exited(t, standby.cmd, standby.stderr); err != nil {
		t.Errorf("standby after SIGTERM: %v", err)
	}
	stored := storedByUpdate(t, db)
	for _, id := range ids {
		if n := stored[id]; n != 1 {
			t.Errorf("update %d stored %d times, want once", id, n)
		}
	}
	for _, r := range rs {
		if log := r.stderr.String(); strings.Contains(log, "409 Conflict") {
			t.Errorf("a replica met another poller:\n%s", log)
		}
	}
}
