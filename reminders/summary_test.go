package reminders_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/tend-crm/tend/bot"
	"github.com/tend-crm/tend/reminders"
)

// TestWeeklySummaryOncePerWeek: the summary goes to the team chat once per
// ISO week of its zone, however often it is asked to post; a failed send
// is retried.
func TestWeeklySummaryOncePerWeek(t *testing.T) {
	hanoi, _ := time.LoadLocation("Asia/Ho_Chi_Minh")
	monday := time.Date(2026, 3, 9, 8, 0, 0, 0, hanoi)
	w := newWorld(t, monday.AddDate(0, 0, -3))
	w.say("lan", "Asia/Ho_Chi_Minh", "new deal Acme renewal 12,000 USD")
	w.say("minh", "Asia/Ho_Chi_Minh", "new deal Globex 5,000 USD")
	team := bot.Target{Platform: bot.Slack, ChatID: "C123"}
	sum := &reminders.Summary{Source: w.db, Notifier: w.out, Composer: w.r, To: team, Location: hanoi,
		Now: func() time.Time { return w.now }}

	w.now = monday
	if got := sum.Key(w.now); got != "summary:2026-W11" {
		t.Errorf("Key = %q, want summary:2026-W11", got)
	}
	sum.Post(t.Context())
	posts := w.out.texts("C123")
	if len(posts) != 1 {
		t.Fatalf("posts = %q, want one", posts)
	}
	for _, want := range []string{"Weekly pipeline summary", "Pipeline — team", "qualify: 2", "Acme renewal — qualify, 3 days", "no activity yet: lan"} {
		if !strings.Contains(posts[0], want) {
			t.Errorf("summary lacks %q:\n%s", want, posts[0])
		}
	}
	// The same week again (a restart, a second replica): nothing more.
	w.now = monday.AddDate(0, 0, 2)
	sum.Post(t.Context())
	// Late on Sunday in Hanoi is still week 11 there.
	w.now = time.Date(2026, 3, 15, 23, 30, 0, 0, hanoi)
	sum.Post(t.Context())
	if posts := w.out.texts("C123"); len(posts) != 1 {
		t.Fatalf("posts in week 11 = %d, want 1", len(posts))
	}

	// Next week the platform fails first: the post is retried, once.
	w.now = monday.AddDate(0, 0, 7)
	w.out.fail = errors.New("slack is down")
	sum.Post(t.Context())
	w.out.fail = nil
	sum.Post(t.Context())
	sum.Post(t.Context())
	if posts := w.out.texts("C123"); len(posts) != 2 {
		t.Fatalf("posts after week 12 = %d, want 2", len(posts))
	}
}

func TestParseSummarySpec(t *testing.T) {
	for spec, ok := range map[string]bool{reminders.DefaultSummarySpec: true, "30 17 * * FRI": true, "0 8 * *": false, "every monday": false} {
		if err := reminders.ParseSummarySpec(spec); (err == nil) != ok {
			t.Errorf("ParseSummarySpec(%q) = %v, want ok %v", spec, err, ok)
		}
	}
}
