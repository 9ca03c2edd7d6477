package reminders_test

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/tend-crm/tend/bot"
	"github.com/tend-crm/tend/conversation"
	"github.com/tend-crm/tend/reminders"
	"github.com/tend-crm/tend/store/sqlite"
)

// TestReplicasSendEachReminderOnce runs two schedulers, as two replicas
// would, each on its own handle of one database, ticking at the same
// minute: 200 users' digests fall due in it, and the weekly summary too.
// Each goes out once in all.
func TestReplicasSendEachReminderOnce(t *testing.T) {
	hanoi, _ := time.LoadLocation("Asia/Ho_Chi_Minh")
	w := newWorld(t, time.Date(2026, 3, 9, 7, 0, 0, 0, hanoi)) // Monday
	const users = 200
	for i := range users {
		w.say(fmt.Sprintf("rep%d", i), "Asia/Ho_Chi_Minh", fmt.Sprintf("called Cust %d, follow up today", i))
	}
	w.now = time.Date(2026, 3, 9, 8, 30, 0, 0, hanoi) // everyone's digest time
	clock := func() time.Time { return w.now }

	type replica struct {
		s   *reminders.Scheduler
		sum *reminders.Summary
		out *recorder
	}
	var rs []replica
	for range 2 {
		db, err := sqlite.Open(t.Context(), w.path, sqlite.Options{})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		db.Now = clock
		r := conversation.NewRouter(db)
		r.Now = clock
		out := &recorder{now: clock}
		rs = append(rs, replica{
			s: &reminders.Scheduler{Source: db, Notifier: out, Composer: r, Now: clock, Platforms: []bot.Platform{bot.Telegram}},
			sum: &reminders.Summary{Source: db, Notifier: out, Composer: r, Now: clock, Location: hanoi,
				To: bot.Target{Platform: bot.Telegram, ChatID: "team"}},
			out: out,
		})
	}
	// Two ticks each, at once: the minute's and a later one.
	for range 2 {
		var wg sync.WaitGroup
		for _, r := range rs {
			wg.Go(func() { r.s.Tick(t.Context()) })
			wg.Go(func() { r.sum.Post(t.Context()) })
		}
		wg.Wait()
		w.now = w.now.Add(time.Minute)
	}

	perReplica := make([]int, len(rs))
	for i := range users {
		chat := fmt.Sprintf("chat-rep%d", i)
		n := 0
		for j, r := range rs {
			k := countPrefix(r.out.texts(chat), "Good morning!")
			perReplica[j] += k
			n += k
		}
		if n != 1 {
			t.Errorf("%s got %d digests from the replicas, want 1", chat, n)
		}
	}
	summaries := 0
	for _, r := range rs {
		summaries += len(r.out.texts("team"))
	}
	if summaries != 1 {
		t.Errorf("%d pipeline summaries posted by the replicas, want 1", summaries)
	}
	t.Logf("digests sent per replica: %v", perReplica)
}
