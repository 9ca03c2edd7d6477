package telegram_test

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/tend-crm/tend/bot"
	"github.com/tend-crm/tend/bot/telegram"
)

func TestParts(t *testing.T) {
	unescape := strings.NewReplacer("&lt;", "<", "&gt;", ">", "&amp;", "&")
	tests := []struct {
		name string
		in   string
		want int // messages
	}{
		{"short", "Acme <Ltd> & co", 1},
		{"exactly the limit", strings.Repeat("a", 4096), 1},
		{"one over", strings.Repeat("a", 4097), 2},
		{"escaping overflows", strings.Repeat("<", 1100), 2},            // 4400 bytes escaped
		{"all ampersands", strings.Repeat("&", 6000), 8},                // 819 per message
		{"Vietnamese", strings.Repeat("Gọi lại cho chị Lan. ", 400), 3}, // 24 bytes × 400
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := telegram.Parts(tt.in, 4096)
			if len(got) != tt.want {
				t.Errorf("Parts gave %d messages, want %d", len(got), tt.want)
			}
			var plain []string
			for i, p := range got {
				if len(p) > 4096 {
					t.Errorf("message %d is %d bytes", i, len(p))
				}
				if !utf8.ValidString(p) {
					t.Errorf("message %d cut inside a character", i)
				}
				if strings.Count(p, "&") != strings.Count(p, ";") && !strings.Contains(tt.in, ";") {
					t.Errorf("message %d cut inside an entity", i)
				}
				plain = append(plain, unescape.Replace(p))
			}
			// Split drops the break it cuts at; everything else survives.
			joined := strings.Join(plain, "")
			if strings.ReplaceAll(joined, " ", "") != strings.ReplaceAll(tt.in, " ", "") {
				t.Errorf("text changed by splitting")
			}
		})
	}
}

func TestSend(t *testing.T) {
	f := newFake(t)
	a, _ := newAdapter(t, f, newRecorder(), telegram.Config{})
	ctx := t.Context()

	tests := []struct {
		name  string
		to    bot.Target
		param string
		want  string
	}{
		{"private chat", bot.Target{Platform: bot.Telegram, ChatID: "42"}, "message_thread_id", ""},
		{"forum topic", bot.Target{Platform: bot.Telegram, ChatID: "-1001", ThreadID: "33"}, "message_thread_id", "33"},
		{"reply chain", bot.Target{Platform: bot.Telegram, ChatID: "-1001", ThreadID: "reply:5"}, "reply_to_message_id", "5"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ref, err := a.Send(ctx, tt.to, bot.Reply{Text: "Call Lan today"})
			if err != nil {
				t.Fatal(err)
			}
			calls := f.waitFor("", func([]call) bool { return true })
			last := only(calls, "sendMessage")
			p := last[len(last)-1].params
			if got := p.Get(tt.param); got != tt.want {
				t.Errorf("%s = %q, want %q", tt.param, got, tt.want)
			}
			if p.Get("chat_id") != tt.to.ChatID {
				t.Errorf("chat_id = %q, want %q", p.Get("chat_id"), tt.to.ChatID)
			}
			if ref.Target != tt.to || ref.ID == "" {
				t.Errorf("SentRef = %+v", ref)
			}
			// Replies to it go on in the forum topic, else in its reply chain.
			if want := "reply:" + ref.ID; tt.name == "forum topic" && ref.Thread != "33" || tt.name != "forum topic" && ref.Thread != want {
				t.Errorf("SentRef.Thread = %q", ref.Thread)
			}
		})
	}

	bad := []struct {
		name string
		to   bot.Target
		r    bot.Reply
	}{
		{"chat id not a number", bot.Target{ChatID: "general"}, bot.Reply{Text: "x"}},
		{"thread id not a number", bot.Target{ChatID: "42", ThreadID: "main"}, bot.Reply{Text: "x"}},
		{"button value over 64 bytes", bot.Target{ChatID: "42"}, bot.Reply{Text: "x", Buttons: []bot.Button{{Label: "Done", Value: strings.Repeat("v", 65)}}}},
		{"empty button value", bot.Target{ChatID: "42"}, bot.Reply{Text: "x", Buttons: []bot.Button{{Label: "Done"}}}},
	}
	before := len(f.waitFor("", func([]call) bool { return true }))
	for _, tt := range bad {
		if _, err := a.Send(ctx, tt.to, tt.r); err == nil || !strings.HasPrefix(err.Error(), "telegram: ") {
			t.Errorf("%s: Send = %v, want a telegram: error", tt.name, err)
		}
	}
	if after := len(f.waitFor("", func([]call) bool { return true })); after != before {
		t.Errorf("a refused reply still reached Telegram (%d calls)", after-before)
	}
}

func TestSendRetriesAfter429(t *testing.T) {
	f := newFake(t)
	left := 2
	f.hook("sendMessage", func(url.Values) (int, string) {
		if left == 0 {
			return 0, ""
		}
		left--
		return tooMany(1)
	})
	a, slept := newAdapter(t, f, newRecorder(), telegram.Config{})
	if _, err := a.Send(t.Context(), bot.Target{ChatID: "42"}, bot.Reply{Text: "Lan: call back"}); err != nil {
		t.Fatalf("Send after two 429s: %v", err)
	}
	if got := slept.all(); len(got) != 2 || got[0] != time.Second || got[1] != time.Second {
		t.Errorf("waited %v, want 1s twice (retry_after)", got)
	}
	calls := f.waitFor("", func([]call) bool { return true })
	if n := len(only(calls, "sendMessage")); n != 3 {
		t.Errorf("%d sendMessage calls, want 3 (two refused, one delivered)", n)
	}
}

func TestSendGivesUpWithRateLimitError(t *testing.T) {
	f := newFake(t)
	f.hook("sendMessage", func(url.Values) (int, string) { return tooMany(2) })
	a, _ := newAdapter(t, f, newRecorder(), telegram.Config{})
	_, err := a.Send(t.Context(), bot.Target{ChatID: "42"}, bot.Reply{Text: "x"})
	var rl *bot.RateLimitError
	if !errors.As(err, &rl) || rl.RetryAfter != 2*time.Second {
		t.Fatalf("Send = %v, want a *bot.RateLimitError of 2s", err)
	}
}

func TestSendStopsWaitingWhenCancelled(t *testing.T) {
	f := newFake(t)
	f.hook("sendMessage", func(url.Values) (int, string) { return tooMany(1) })
	a, _ := newAdapter(t, f, newRecorder(), telegram.Config{})
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if _, err := a.Send(ctx, bot.Target{ChatID: "42"}, bot.Reply{Text: "x"}); !errors.Is(err, context.Canceled) {
		t.Errorf("Send with a cancelled context = %v, want context.Canceled", err)
	}
}

func TestEdit(t *testing.T) {
	f := newFake(t)
	a, _ := newAdapter(t, f, newRecorder(), telegram.Config{})
	ref := bot.SentRef{Target: bot.Target{Platform: bot.Telegram, ChatID: "42"}, ID: "99"}
	var _ bot.Editor = a

	if err := a.Edit(t.Context(), ref, bot.Reply{Text: "Snoozed to Monday", Buttons: []bot.Button{{Label: "Undo", Value: "undo:3"}}}); err != nil {
		t.Fatal(err)
	}
	calls := f.waitFor("", func([]call) bool { return true })
	p := only(calls, "editMessageText")[0].params
	if p.Get("message_id") != "99" || p.Get("chat_id") != "42" || !strings.Contains(p.Get("reply_markup"), "undo:3") {
		t.Errorf("editMessageText %v", p)
	}

	f.hook("editMessageText", func(url.Values) (int, string) {
		return http.StatusBadRequest, `{"ok":false,"error_code":400,"description":"Bad Request: message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message"}`
	})
	if err := a.Edit(t.Context(), ref, bot.Reply{Text: "Snoozed to Monday"}); err != nil {
		t.Errorf("Edit to the same content = %v, want nil", err)
	}
	if err := a.Edit(t.Context(), ref, bot.Reply{Text: strings.Repeat("x", 5000)}); err == nil {
		t.Error("Edit with a reply of two messages succeeded")
	}
}

func TestErrorsDoNotLeakTheToken(t *testing.T) {
	a, err := telegram.New(telegram.Config{Token: testToken, APIEndpoint: "http://127.0.0.1:1/bot%s/%s"}, newRecorder(), nil)
	if err != nil {
		t.Fatal(err)
	}
	_, err = a.Send(t.Context(), bot.Target{ChatID: "42"}, bot.Reply{Text: "x"})
	if err == nil {
		t.Fatal("Send to a closed port succeeded")
	}
	if strings.Contains(err.Error(), testToken) {
		t.Errorf("error %q shows the bot token", err)
	}
}
