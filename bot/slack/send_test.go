package slack_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tend-crm/tend/bot"
	tendslack "github.com/tend-crm/tend/bot/slack"
	"github.com/tend-crm/tend/bot/slack/slacktest"
)

// notifier is an adapter used only to send, as the reminders use it.
func notifier(t *testing.T, f *slacktest.Server) (*tendslack.Adapter, *[]time.Duration) {
	t.Helper()
	a, err := tendslack.New(socketConfig(f), newRouter(), discard())
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var waits []time.Duration
	tendslack.SetSleep(a, func(ctx context.Context, d time.Duration) error {
		mu.Lock()
		defer mu.Unlock()
		waits = append(waits, d)
		return ctx.Err()
	})
	return a, &waits
}

func TestSendRetriesAfterRetryAfter(t *testing.T) {
	f := slacktest.NewServer(t)
	f.LimitPosts(2)
	a, waits := notifier(t, f)
	ref, err := a.Send(t.Context(), bot.Target{Platform: bot.Slack, ChatID: "U1"}, bot.Reply{Text: "3 follow-ups due today"})
	if err != nil {
		t.Fatal(err)
	}
	if want := []time.Duration{time.Second, time.Second}; len(*waits) != 2 || (*waits)[0] != want[0] || (*waits)[1] != want[1] {
		t.Errorf("waited %v, want %v (Retry-After: 1, twice)", *waits, want)
	}
	if ref.Target.ChatID != "D1" || ref.ID == "" || ref.Thread != ref.ID {
		t.Errorf("ref = %+v, want the DM channel D1 and a ts", ref)
	}
	if c := f.Call(t); c.Text != "3 follow-ups due today" {
		t.Errorf("posted %q", c.Text)
	}

	// The ref edits what was sent.
	if err := a.Edit(t.Context(), ref, bot.Reply{Text: "2 follow-ups due today"}); err != nil {
		t.Fatal(err)
	}
	if c := f.Call(t); c.Method != "chat.update" || c.Channel != "D1" || c.TS != ref.ID {
		t.Errorf("edit = %s %s %s, want chat.update of %+v", c.Method, c.Channel, c.TS, ref)
	}
}

func TestSendGivesUpWithRateLimitError(t *testing.T) {
	f := slacktest.NewServer(t)
	f.LimitPosts(10)
	a, waits := notifier(t, f)
	_, err := a.Send(t.Context(), bot.Target{ChatID: "C1"}, bot.Reply{Text: "digest"})
	var rl *bot.RateLimitError
	if !errors.As(err, &rl) || rl.RetryAfter != time.Second {
		t.Fatalf("err = %v, want a *bot.RateLimitError of 1s", err)
	}
	if !strings.HasPrefix(err.Error(), "slack: chat.postMessage: ") {
		t.Errorf("err = %q, want it prefixed with the package and method", err)
	}
	if len(*waits) != 2 {
		t.Errorf("waited %d times, want 2 (3 attempts)", len(*waits))
	}
}

func TestSendStopsWaitingWhenContextEnds(t *testing.T) {
	f := slacktest.NewServer(t)
	f.LimitPosts(10)
	a, err := tendslack.New(socketConfig(f), newRouter(), discard())
	if err != nil {
		t.Fatal(err)
	}
	// The real wait: Retry-After is 1s, the context ends well before.
	ctx, cancel := context.WithTimeout(t.Context(), 100*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err = a.Send(ctx, bot.Target{ChatID: "C1"}, bot.Reply{Text: "digest"})
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("err = %v, want context.DeadlineExceeded", err)
	}
	if d := time.Since(start); d >= time.Second {
		t.Errorf("took %v: the Retry-After was waited out despite the context", d)
	}
}

func TestSendLongReplyInThread(t *testing.T) {
	f := slacktest.NewServer(t)
	a, _ := notifier(t, f)
	text := strings.Repeat(strings.Repeat("x", 2999)+"\n", 55)
	ref, err := a.Send(t.Context(), bot.Target{ChatID: "C1", ThreadID: "1.1"}, bot.Reply{Text: text, Buttons: []bot.Button{{Label: "Done", Value: "done:1"}}})
	if err != nil {
		t.Fatal(err)
	}
	first, second := f.Call(t), f.Call(t)
	if len(first.Blocks) != 50 || len(second.Blocks) != 6 || second.Blocks[5].Type != "actions" {
		t.Errorf("blocks %d + %d, want 50 + 5 sections and the buttons", len(first.Blocks), len(second.Blocks))
	}
	if first.ThreadTS != "1.1" || second.ThreadTS != "1.1" || ref.Target.ThreadID != "1.1" {
		t.Errorf("threads %q %q ref %+v, want all in 1.1", first.ThreadTS, second.ThreadTS, ref)
	}
}

func TestSendRefuses(t *testing.T) {
	f := slacktest.NewServer(t)
	a, _ := notifier(t, f)
	if _, err := a.Send(t.Context(), bot.Target{Platform: bot.Telegram, ChatID: "1"}, bot.Reply{Text: "x"}); !errors.Is(err, bot.ErrUnknownTarget) {
		t.Errorf("telegram target: %v, want ErrUnknownTarget", err)
	}
	if err := a.Edit(t.Context(), bot.SentRef{}, bot.Reply{Text: "x"}); !errors.Is(err, bot.ErrUnknownTarget) {
		t.Errorf("empty ref: %v, want ErrUnknownTarget", err)
	}
}

func TestNewValidates(t *testing.T) {
	ok := tendslack.Config{BotToken: "xoxb-1", AppToken: "xapp-1"}
	tests := []struct {
		name string
		edit func(*tendslack.Config)
	}{
		{"no bot token", func(c *tendslack.Config) { c.BotToken = "" }},
		{"app token as bot token", func(c *tendslack.Config) { c.BotToken = "xapp-1" }},
		{"socket without app token", func(c *tendslack.Config) { c.AppToken = "" }},
		{"http without secret", func(c *tendslack.Config) { c.Mode = "http" }},
		{"unknown mode", func(c *tendslack.Config) { c.Mode = "rtm" }},
		{"bad api url", func(c *tendslack.Config) { c.APIURL = "slack.com/api" }},
	}
	for _, tt := range tests {
		cfg := ok
		tt.edit(&cfg)
		if _, err := tendslack.New(cfg, newRouter(), nil); err == nil || !strings.HasPrefix(err.Error(), "slack: ") {
			t.Errorf("%s: err = %v, want a slack: error", tt.name, err)
		}
	}
	if _, err := tendslack.New(ok, newRouter(), nil); err != nil {
		t.Errorf("valid config: %v", err)
	}
	if _, err := tendslack.New(tendslack.Config{BotToken: "xoxb-1", SigningSecret: "s", Mode: "http"}, newRouter(), nil); err != nil {
		t.Errorf("valid http config: %v", err)
	}
}
