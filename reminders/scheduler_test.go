package reminders_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tend-crm/tend/bot"
	"github.com/tend-crm/tend/conversation"
	"github.com/tend-crm/tend/reminders"
	"github.com/tend-crm/tend/store"
	"github.com/tend-crm/tend/store/sqlite"
)

// recorder is a bot.Notifier that keeps what it was asked to send, and
// can be told to fail.
type recorder struct {
	mu      sync.Mutex
	now     func() time.Time
	sent    []sent
	fail    error
	partial bool // fail after putting the first part out
}

type sent struct {
	to   bot.Target
	text string
	at   time.Time
}

func (r *recorder) Send(_ context.Context, to bot.Target, rep bot.Reply) (bot.SentRef, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.fail != nil && !r.partial {
		return bot.SentRef{}, r.fail
	}
	r.sent = append(r.sent, sent{to: to, text: rep.Text, at: r.now()})
	if r.partial {
		return bot.SentRef{Target: to, ID: "part-1"}, r.fail
	}
	return bot.SentRef{Target: to, ID: fmt.Sprint(len(r.sent))}, nil
}

func (r *recorder) sentAt(chat string) []time.Time {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []time.Time
	for _, s := range r.sent {
		if s.to.ChatID == chat {
			out = append(out, s.at)
		}
	}
	return out
}

func (r *recorder) texts(chat string) []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []string
	for _, s := range r.sent {
		if s.to.ChatID == chat {
			out = append(out, s.text)
		}
	}
	return out
}

// world is a store file, a router to talk to it, and a scheduler, all on
// one clock.
type world struct {
	t     *testing.T
	path  string
	db    *sqlite.DB
	r     *conversation.Router
	s     *reminders.Scheduler
	out   *recorder
	now   time.Time
	event int
}

func newWorld(t *testing.T, start time.Time) *world {
	w := &world{t: t, path: filepath.Join(t.TempDir(), "tend.db"), now: start}
	w.out = &recorder{now: func() time.Time { return w.now }}
	w.open()
	return w
}

// open (re)opens the file and builds the parts on it, as a restart would.
func (w *world) open() {
	w.t.Helper()
	db, err := sqlite.Open(w.t.Context(), w.path, sqlite.Options{})
	if err != nil {
		w.t.Fatal(err)
	}
	w.t.Cleanup(func() { db.Close() })
	clock := func() time.Time { return w.now }
	db.Now = clock
	w.db = db
	w.r = conversation.NewRouter(db)
	w.r.Now = clock
	w.s = &reminders.Scheduler{Source: db, Notifier: w.out, Composer: w.r, Now: clock,
		Platforms: []bot.Platform{bot.Telegram}}
}

// say sends text from a Telegram user, in their private chat.
func (w *world) say(user, tz, text string) {
	w.t.Helper()
	w.event++
	_, err := w.r.HandleMessage(w.t.Context(), bot.Message{EventID: fmt.Sprint(w.event), Platform: bot.Telegram,
		ChatID: "chat-" + user, From: bot.Sender{ID: user, Name: user, TimeZone: tz}, Text: text, IsDM: true})
	if err != nil {
		w.t.Fatal(err)
	}
}

// run ticks every minute from now until end.
func (w *world) run(end time.Time) {
	for ; !w.now.After(end); w.now = w.now.Add(time.Minute) {
		w.s.Tick(w.t.Context())
	}
}

func TestDigestAtLocalTimeInThreeZones(t *testing.T) {
	// Sunday 29 March 2026: Europe/Berlin springs forward at 02:00 (02:30
	// does not exist that day); New York changed on 8 March.
	start := time.Date(2026, 3, 28, 20, 0, 0, 0, time.UTC)
	w := newWorld(t, start)
	zones := map[string]string{"hanoi": "Asia/Ho_Chi_Minh", "berlin": "Europe/Berlin", "newyork": "America/New_York"}
	for user, tz := range zones {
		w.say(user, tz, "called Acme "+user+", follow up tomorrow")
	}
	// Everyone gets weekend digests; Berlin wants its at 02:30, inside
	// the gap.
	gap, weekends := "02:30", true
	for user := range zones {
		u, err := w.db.UserByIdentity(t.Context(), store.Identity{Platform: "telegram", ExternalID: user})
		if err != nil {
			t.Fatal(err)
		}
		upd := store.UserUpdate{DigestWeekends: &weekends}
		if user == "berlin" {
			upd.DigestTime = &gap
		}
		if _, err := w.db.UpdateUser(t.Context(), u.ID, upd); err != nil {
			t.Fatal(err)
		}
	}
	w.run(start.Add(36 * time.Hour)) // to Monday 30 March 08:00 UTC

	want := map[string]int{
		"hanoi":   1, // Mon 08:30 (01:30 UTC); Sunday's is empty — the follow-up is Monday's — and an empty digest is not sent
		"berlin":  2, // Sun 03:30 CEST (02:30 does not exist) and Mon 02:30 CEST
		"newyork": 1, // Sun 08:30 EDT; Monday's is at 12:30 UTC, after the end
	}
	for user, n := range want {
		if got := w.out.texts("chat-" + user); countPrefix(got, "Good morning!") != n {
			t.Errorf("%s (%s): want %d digests, got %q", user, zones[user], n, got)
		}
	}
	if got := w.out.sentAt("chat-berlin"); len(got) == 2 && !got[0].Equal(time.Date(2026, 3, 29, 1, 30, 0, 0, time.UTC)) {
		t.Errorf("berlin's Sunday digest went at %v, want 03:30 CEST", got[0])
	}
}

func countPrefix(ss []string, p string) int {
	n := 0
	for _, s := range ss {
		if strings.HasPrefix(s, p) {
			n++
		}
	}
	return n
}

func TestDigestSentOnceAtItsMinute(t *testing.T) {
	hanoi, _ := time.LoadLocation("Asia/Ho_Chi_Minh")
	start := time.Date(2026, 3, 9, 8, 0, 0, 0, hanoi) // Monday
	w := newWorld(t, start)
	w.say("lan", "Asia/Ho_Chi_Minh", "called Minh Phat, follow up today")
	w.run(time.Date(2026, 3, 9, 8, 29, 0, 0, hanoi))
	if got := w.out.texts("chat-lan"); len(got) != 0 {
		t.Fatalf("sent before 08:30: %q", got)
	}
	w.run(time.Date(2026, 3, 9, 12, 0, 0, 0, hanoi))
	got := w.out.texts("chat-lan")
	if len(got) != 1 || !strings.Contains(got[0], "1. Minh Phat — due today") {
		t.Fatalf("want one digest naming Minh Phat, got %q", got)
	}
}

func TestFollowUpPingAndSnooze(t *testing.T) {
	hanoi, _ := time.LoadLocation("Asia/Ho_Chi_Minh")
	start := time.Date(2026, 3, 9, 9, 0, 0, 0, hanoi)
	w := newWorld(t, start)
	w.say("lan", "Asia/Ho_Chi_Minh", "called Acme, spoke to Jane about pricing")
	w.say("lan", "Asia/Ho_Chi_Minh", "remind me to call Acme at 10:15 about the quote")
	w.run(time.Date(2026, 3, 9, 10, 14, 0, 0, hanoi))
	if got := w.out.texts("chat-lan"); countPrefix(got, "Time to follow up") != 0 {
		t.Fatalf("pinged early: %q", got)
	}
	w.run(time.Date(2026, 3, 9, 10, 15, 0, 0, hanoi))
	got := w.out.texts("chat-lan")
	if countPrefix(got, "Time to follow up with Acme — call Acme about the quote") != 1 || !strings.Contains(got[len(got)-1], "Jane") {
		t.Fatalf("want one ping at 10:15 naming Jane, got %q", got)
	}
	// Snooze an hour (as the button does): it pings again at 11:15, once.
	fus, err := w.db.DueFollowUps(t.Context(), start, w.now)
	if err != nil || len(fus) != 1 {
		t.Fatalf("due follow-ups: %v %v", fus, err)
	}
	if _, _, err := w.db.SnoozeFollowUp(t.Context(), store.Scope{UserID: fus[0].OwnerID, Role: store.RoleRep}, store.Origin{},
		fus[0].ID, w.now.Add(time.Hour), false); err != nil {
		t.Fatal(err)
	}
	w.run(time.Date(2026, 3, 9, 12, 0, 0, 0, hanoi))
	if n := countPrefix(w.out.texts("chat-lan"), "Time to follow up"); n != 2 {
		t.Errorf("want 2 pings (10:15 and 11:15), got %d: %q", n, w.out.texts("chat-lan"))
	}
}

func TestRestartSendsNothingTwiceAndCatchesUp(t *testing.T) {
	hanoi, _ := time.LoadLocation("Asia/Ho_Chi_Minh")
	start := time.Date(2026, 3, 9, 8, 0, 0, 0, hanoi)
	w := newWorld(t, start)
	w.say("lan", "Asia/Ho_Chi_Minh", "remind me to call Acme at 8:45")
	w.say("lan", "Asia/Ho_Chi_Minh", "remind me to call Globex at 9:10")
	w.run(time.Date(2026, 3, 9, 8, 50, 0, 0, hanoi)) // digest 08:30 and the Acme ping are out
	before := len(w.out.texts("chat-lan"))
	if before != 2 {
		t.Fatalf("before the restart: %q", w.out.texts("chat-lan"))
	}
	// Down from 08:50 to 11:00: the Globex ping (09:10) is caught up, late,
	// and nothing already sent goes again.
	w.db.Close()
	w.now = time.Date(2026, 3, 9, 11, 0, 0, 0, hanoi)
	w.open()
	w.run(w.now.Add(5 * time.Minute))
	got := w.out.texts("chat-lan")
	if len(got) != 3 || !strings.Contains(got[2], "Time to follow up with Globex (it was due today 09:10)") {
		t.Errorf("after the restart: %q", got)
	}
}

func TestOccasionAYearLater(t *testing.T) {
	hanoi, _ := time.LoadLocation("Asia/Ho_Chi_Minh")
	w := newWorld(t, time.Date(2026, 3, 9, 9, 0, 0, 0, hanoi))
	w.say("lan", "Asia/Ho_Chi_Minh", "sinh nhật chị Lan bên Minh Phát ngày 12/3") // in 3 days
	w.run(time.Date(2026, 3, 9, 9, 2, 0, 0, hanoi))                               // today's 08:30 digest
	// A year on: three days ahead (Tuesday 9 March 2027) and on the day.
	w.now = time.Date(2027, 3, 9, 8, 29, 0, 0, hanoi)
	w.run(w.now.Add(2 * time.Minute))
	w.now = time.Date(2027, 3, 12, 8, 29, 0, 0, hanoi)
	w.run(w.now.Add(2 * time.Minute))
	got := w.out.texts("chat-lan")
	if len(got) != 3 || !strings.Contains(got[1], "sinh nhật chị Lan sau 3 ngày") || !strings.Contains(got[2], "sinh nhật chị Lan hôm nay") {
		t.Errorf("want the birthday in the digests 3 days ahead and on the day, a year later:\n%q", got)
	}
}

func TestMissedBeyondCatchUpIsSkipped(t *testing.T) {
	hanoi, _ := time.LoadLocation("Asia/Ho_Chi_Minh")
	w := newWorld(t, time.Date(2026, 3, 9, 7, 0, 0, 0, hanoi))
	w.say("lan", "Asia/Ho_Chi_Minh", "remind me to call Acme at 8:00")
	w.now = time.Date(2026, 3, 9, 15, 0, 0, 0, hanoi) // 7 h later: past the 6 h window
	w.run(w.now)
	if got := w.out.texts("chat-lan"); countPrefix(got, "Time to follow up") != 0 {
		t.Errorf("a ping 7 hours late went out: %q", got)
	}
}

func TestFailedSendIsRetried(t *testing.T) {
	hanoi, _ := time.LoadLocation("Asia/Ho_Chi_Minh")
	w := newWorld(t, time.Date(2026, 3, 9, 9, 0, 0, 0, hanoi))
	w.say("lan", "Asia/Ho_Chi_Minh", "remind me to call Acme at 9:30")
	w.out.fail = errors.New("platform down")
	w.run(time.Date(2026, 3, 9, 9, 35, 0, 0, hanoi))
	w.out.fail = nil
	w.run(time.Date(2026, 3, 9, 9, 36, 0, 0, hanoi))
	if n := countPrefix(w.out.texts("chat-lan"), "Time to follow up with Acme"); n != 1 {
		t.Errorf("want the ping once after the platform came back, got %d: %q", n, w.out.texts("chat-lan"))
	}
}

func TestPartlySentIsNotRepeated(t *testing.T) {
	hanoi, _ := time.LoadLocation("Asia/Ho_Chi_Minh")
	w := newWorld(t, time.Date(2026, 3, 9, 9, 0, 0, 0, hanoi))
	w.say("lan", "Asia/Ho_Chi_Minh", "remind me to call Acme at 9:30")
	w.out.fail, w.out.partial = errors.New("second part refused"), true
	w.run(time.Date(2026, 3, 9, 9, 40, 0, 0, hanoi))
	if n := countPrefix(w.out.texts("chat-lan"), "Time to follow up with Acme"); n != 1 {
		t.Errorf("a ping sent in part was sent %d times", n)
	}
}

func TestDigestDueRules(t *testing.T) {
	hanoi, _ := time.LoadLocation("Asia/Ho_Chi_Minh")
	u := store.User{ID: 7, TimeZone: "Asia/Ho_Chi_Minh", DigestTime: "08:30"}
	tests := []struct {
		name string
		u    func(store.User) store.User
		now  time.Time
		want string // key, or "" for none
	}{
		{"before", nil, time.Date(2026, 3, 9, 8, 29, 0, 0, hanoi), ""},
		{"at the minute", nil, time.Date(2026, 3, 9, 8, 30, 0, 0, hanoi), "digest:7:2026-03-09"},
		{"later the same day", nil, time.Date(2026, 3, 9, 14, 0, 0, 0, hanoi), "digest:7:2026-03-09"},
		{"past the catch-up window", nil, time.Date(2026, 3, 9, 14, 31, 0, 0, hanoi), ""},
		{"saturday", nil, time.Date(2026, 3, 14, 9, 0, 0, 0, hanoi), ""},
		{"saturday with weekends on", func(u store.User) store.User { u.DigestWeekends = true; return u },
			time.Date(2026, 3, 14, 9, 0, 0, 0, hanoi), "digest:7:2026-03-14"},
		{"digest off", func(u store.User) store.User { u.DigestTime = ""; return u }, time.Date(2026, 3, 9, 9, 0, 0, 0, hanoi), ""},
		{"unknown zone is UTC", func(u store.User) store.User { u.TimeZone = "Mars/Base"; return u },
			time.Date(2026, 3, 9, 8, 30, 0, 0, time.UTC), "digest:7:2026-03-09"},
	}
	for _, tt := range tests {
		uu := u
		if tt.u != nil {
			uu = tt.u(u)
		}
		r, ok := reminders.DigestDue(uu, tt.now, reminders.DefaultCatchUp)
		got := ""
		if ok {
			got = r.Key
		}
		if got != tt.want {
			t.Errorf("%s: DigestDue at %v = %q, want %q", tt.name, tt.now, got, tt.want)
		}
	}
}

// TestStoppingIsNotAnError: a tick cut short because Tend is stopping logs
// nothing at error level; a read that fails otherwise does.
func TestStoppingIsNotAnError(t *testing.T) {
	w := newWorld(t, time.Date(2026, 3, 9, 1, 30, 0, 0, time.UTC))
	var logged bytes.Buffer
	w.s.Logger = slog.New(slog.NewTextHandler(&logged, nil))
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	w.s.Tick(ctx)
	if strings.Contains(logged.String(), "level=ERROR") {
		t.Errorf("a cancelled tick logged:\n%s", logged.String())
	}
	w.db.Close()
	w.s.Tick(t.Context())
	if !strings.Contains(logged.String(), "level=ERROR") {
		t.Errorf("a closed store logged no error:\n%s", logged.String())
	}
}
