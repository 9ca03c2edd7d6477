package slack_test

// The handler stand-in and helpers shared by the adapter's tests; the
// stand-in Slack itself is package slacktest.

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/tend-crm/tend/bot"
	tendslack "github.com/tend-crm/tend/bot/slack"
	"github.com/tend-crm/tend/bot/slack/slacktest"
)

// liveness bounds every wait in these tests. It is a guard against a hung
// test, never a way to let something happen.
const liveness = slacktest.Liveness

// fakeRouter stands in for conversation.Router: it remembers event ids
// and answers nothing for one it has seen, as the router's ledger does.
type fakeRouter struct {
	msgs chan bot.Message
	acts chan bot.Action
	// gate, when set, is called before a message is handled (to block it).
	gate     func(bot.Message)
	reply    func(bot.Message) []bot.Reply
	onAction func(bot.Action) []bot.Reply

	mu   sync.Mutex
	seen map[string]bool
}

func newRouter() *fakeRouter {
	return &fakeRouter{
		msgs: make(chan bot.Message, 1000),
		acts: make(chan bot.Action, 100),
		seen: map[string]bool{},
		reply: func(m bot.Message) []bot.Reply {
			return []bot.Reply{{Text: "re: " + m.Text}}
		},
	}
}

func (r *fakeRouter) first(id string) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	if id != "" && r.seen[id] {
		return false
	}
	r.seen[id] = true
	return true
}

func (r *fakeRouter) HandleMessage(_ context.Context, m bot.Message) ([]bot.Reply, error) {
	if r.gate != nil {
		r.gate(m)
	}
	r.msgs <- m
	if !r.first(m.EventID) {
		return nil, nil
	}
	return r.reply(m), nil
}

func (r *fakeRouter) HandleAction(_ context.Context, a bot.Action) ([]bot.Reply, error) {
	r.acts <- a
	if !r.first(a.EventID) || r.onAction == nil {
		return nil, nil
	}
	return r.onAction(a), nil
}

func discard() *slog.Logger { return slog.New(slog.DiscardHandler) }

// socketConfig is a Socket Mode config against f.
func socketConfig(f *slacktest.Server) tendslack.Config {
	return tendslack.Config{BotToken: slacktest.BotToken, AppToken: slacktest.AppToken, APIURL: f.APIURL()}
}

// start runs a until the test ends, checking that Run returns cleanly.
func start(t *testing.T, a *tendslack.Adapter) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- a.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("Run = %v, want nil after cancel", err)
			}
		case <-time.After(liveness):
			t.Errorf("Run did not return after cancel")
		}
	})
}

// newSocket starts an adapter in Socket Mode on cfg and returns it with
// its first connection. A non-zero ackWait replaces the ack deadline.
func newSocket(t *testing.T, f *slacktest.Server, h bot.Handler, cfg tendslack.Config, ackWait time.Duration) (*tendslack.Adapter, *slacktest.Conn) {
	t.Helper()
	a, err := tendslack.New(cfg, h, discard())
	if err != nil {
		t.Fatal(err)
	}
	if ackWait > 0 {
		tendslack.SetAckWait(a, ackWait)
	}
	start(t, a)
	return a, f.Conn(t)
}

func ignoredEnvelope(envID string) map[string]any {
	// A bot's message: decoded, deliberately ignored, acked by the read loop.
	return slacktest.EventEnvelope(envID, "Ev-"+envID, 0, map[string]any{"type": "message", "channel": "D1",
		"channel_type": "im", "user": "U2", "bot_id": "B2", "subtype": "bot_message", "text": "beep", "ts": "1.1"})
}

func envID(i int) string { return fmt.Sprintf("env-%03d", i) }
