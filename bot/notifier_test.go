package bot_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/tend-crm/tend/bot"
)

// sender records Sends.
type sender struct {
	name string
	log  *[]string
}

func (s sender) Send(_ context.Context, to bot.Target, r bot.Reply) (bot.SentRef, error) {
	*s.log = append(*s.log, fmt.Sprintf("%s send %s/%s %q", s.name, to.Platform, to.ChatID, r.Text))
	return bot.SentRef{Target: to, ID: s.name + "-1"}, nil
}

// editor records Sends and Edits.
type editor struct{ sender }

func (e editor) Edit(_ context.Context, sent bot.SentRef, r bot.Reply) error {
	*e.log = append(*e.log, fmt.Sprintf("%s edit %s %q", e.name, sent.ID, r.Text))
	return nil
}

func TestMuxSend(t *testing.T) {
	var log []string
	m := bot.Mux{
		bot.Slack:    sender{"slack", &log},
		bot.Telegram: editor{sender{"telegram", &log}},
	}
	to := bot.Target{Platform: bot.Telegram, ChatID: "42"}
	ref, err := m.Send(t.Context(), to, bot.Reply{Text: "hi"})
	if err != nil {
		t.Fatal(err)
	}
	if ref.Target != to || ref.ID != "telegram-1" {
		t.Errorf("Send = %+v, want the telegram adapter's ref", ref)
	}
	if _, err := m.Send(t.Context(), bot.Target{Platform: bot.Slack, ChatID: "C1"}, bot.Reply{Text: "yo"}); err != nil {
		t.Fatal(err)
	}
	want := []string{`telegram send telegram/42 "hi"`, `slack send slack/C1 "yo"`}
	if strings.Join(log, "\n") != strings.Join(want, "\n") {
		t.Errorf("calls = %q, want %q", log, want)
	}
}

func TestMuxUnknownPlatform(t *testing.T) {
	var log []string
	m := bot.Mux{bot.Slack: sender{"slack", &log}}
	_, err := m.Send(t.Context(), bot.Target{Platform: bot.Telegram, ChatID: "42"}, bot.Reply{Text: "hi"})
	if !errors.Is(err, bot.ErrUnknownTarget) {
		t.Errorf("Send to telegram = %v, want ErrUnknownTarget", err)
	}
	if err != nil && !strings.Contains(err.Error(), "telegram") {
		t.Errorf("Send error %q does not name the platform", err)
	}
	err = m.Edit(t.Context(), bot.SentRef{Target: bot.Target{Platform: bot.Console}}, bot.Reply{Text: "hi"})
	if !errors.Is(err, bot.ErrUnknownTarget) {
		t.Errorf("Edit on console = %v, want ErrUnknownTarget", err)
	}
	if _, err := (bot.Mux{}).Send(t.Context(), bot.Target{}, bot.Reply{}); !errors.Is(err, bot.ErrUnknownTarget) {
		t.Errorf("empty Mux Send = %v, want ErrUnknownTarget", err)
	}
	if len(log) != 0 {
		t.Errorf("unexpected calls %q", log)
	}
}

func TestMuxEdit(t *testing.T) {
	tests := []struct {
		name     string
		platform bot.Platform
		want     string
	}{
		{"uses the Editor", bot.Telegram, `telegram edit m7 "updated"`},
		{"falls back to Send", bot.Slack, `slack send slack/C1 "updated"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var log []string
			m := bot.Mux{
				bot.Slack:    sender{"slack", &log},
				bot.Telegram: editor{sender{"telegram", &log}},
			}
			sent := bot.SentRef{Target: bot.Target{Platform: tt.platform, ChatID: "C1"}, ID: "m7"}
			if err := m.Edit(t.Context(), sent, bot.Reply{Text: "updated"}); err != nil {
				t.Fatal(err)
			}
			if len(log) != 1 || log[0] != tt.want {
				t.Errorf("calls = %q, want [%s]", log, tt.want)
			}
		})
	}
}

func TestMuxIsEditor(t *testing.T) {
	var n bot.Notifier = bot.Mux{}
	if _, ok := n.(bot.Editor); !ok {
		t.Error("Mux does not implement Editor")
	}
}

func TestRateLimitError(t *testing.T) {
	var err error = fmt.Errorf("send: %w", &bot.RateLimitError{RetryAfter: 3 * time.Second})
	var rl *bot.RateLimitError
	if !errors.As(err, &rl) || rl.RetryAfter != 3*time.Second {
		t.Fatalf("errors.As(%v) = %v, want RetryAfter 3s", err, rl)
	}
	if got := rl.Error(); !strings.Contains(got, "3s") {
		t.Errorf("Error() = %q, want it to mention 3s", got)
	}
}
