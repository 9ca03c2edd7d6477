package slack_test

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/tend-crm/tend/bot"
	tendslack "github.com/tend-crm/tend/bot/slack"
	"github.com/tend-crm/tend/bot/slack/slacktest"
)

func TestPlainText(t *testing.T) {
	tests := []struct{ in, want string }{
		{"log call Acme", "log call Acme"},
		{"Acme &amp; Co &lt;3 &gt;_&lt;", "Acme & Co <3 >_<"},
		{"&amp;lt; stays literal", "&lt; stays literal"},
		{"mail <mailto:bob@acme.com|bob@acme.com>", "mail bob@acme.com"},
		{"site <https://acme.com>", "site https://acme.com"},
		{"site <https://acme.com|acme.com>", "site acme.com"},
		{"ask <@U123|bob> and <@U456>", "ask @bob and @U456"},
		{"in <#C1|deals> or <#C2>", "in #deals or #C2"},
		{"hey <!here> <!channel> <!subteam^S1|@sales>", "hey @here @channel @sales"},
		{"call <tel:+84123|+84 123>", "call +84 123"},
		{"gọi lại anh Minh ngày mai", "gọi lại anh Minh ngày mai"},
		{"unclosed <https://x", "unclosed <https://x"},
	}
	for _, tt := range tests {
		if got := tendslack.PlainText(tt.in); got != tt.want {
			t.Errorf("PlainText(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestDecode(t *testing.T) {
	ev := func(event map[string]any) []byte {
		b, _ := json.Marshal(slacktest.EventCallback("Ev1", event))
		return b
	}
	tests := []struct {
		name    string
		typ     string
		payload []byte
		want    string // the message text or action value; "" means ignored
		check   func(*testing.T, *bot.Message, *bot.Action)
	}{
		{"dm", "events_api", ev(slacktest.DM("hi", "1.1")), "hi", func(t *testing.T, m *bot.Message, _ *bot.Action) {
			if !m.IsDM || !m.Mentioned || m.ThreadID != "" || m.EventID != "Ev1" || m.MessageID != "1.1" {
				t.Errorf("%+v", m)
			}
		}},
		{"dm in thread", "events_api", ev(map[string]any{"type": "message", "channel": "D1", "channel_type": "im", "user": "U1",
			"text": "<@UBOT> hi", "ts": "2.1", "thread_ts": "1.1"}), "hi", func(t *testing.T, m *bot.Message, _ *bot.Action) {
			if m.ThreadID != "1.1" {
				t.Errorf("thread %q, want 1.1", m.ThreadID)
			}
		}},
		{"thread broadcast", "events_api", ev(map[string]any{"type": "message", "subtype": "thread_broadcast", "channel": "D1",
			"channel_type": "im", "user": "U1", "text": "also", "ts": "2.1", "thread_ts": "1.1"}), "also", nil},
		{"file share", "events_api", ev(map[string]any{"type": "message", "subtype": "file_share", "channel": "D1",
			"channel_type": "im", "user": "U1", "text": "the quote", "ts": "2.1"}), "the quote", nil},
		{"mention with label", "events_api", ev(map[string]any{"type": "app_mention", "channel": "C1", "user": "U1",
			"text": "<@UBOT|tend> who next? <@UBOT>", "ts": "2.1"}), "who next?", func(t *testing.T, m *bot.Message, _ *bot.Action) {
			if !m.Mentioned || m.IsDM || m.MessageID != "2.1" {
				t.Errorf("%+v, want mentioned", m)
			}
		}},
		{"mention in a DM", "events_api", ev(map[string]any{"type": "app_mention", "channel": "D1", "user": "U1", "text": "<@UBOT> hi", "ts": "2.1"}), "", nil},
		{"bot message", "events_api", ev(map[string]any{"type": "message", "channel": "D1", "channel_type": "im", "bot_id": "B9", "user": "U9", "text": "x", "ts": "1"}), "", nil},
		{"own message", "events_api", ev(map[string]any{"type": "message", "channel": "D1", "channel_type": "im", "user": "UBOT", "text": "x", "ts": "1"}), "", nil},
		{"edit in a DM", "events_api", ev(map[string]any{"type": "message", "subtype": "message_changed", "channel": "D1", "channel_type": "im", "ts": "2.1",
			"message": map[string]any{"type": "message", "user": "U1", "text": "log call Acme", "ts": "1.1", "edited": map[string]any{"user": "U1", "ts": "2.1"}}}), "", nil},
		{"edit in a channel", "events_api", ev(map[string]any{"type": "message", "subtype": "message_changed", "channel": "C1", "channel_type": "channel", "ts": "2.1",
			"message": map[string]any{"type": "message", "user": "U1", "text": "<@UBOT> log call Acme", "ts": "1.1"}}), "", nil},
		{"deletion in a DM", "events_api", ev(map[string]any{"type": "message", "subtype": "message_deleted", "channel": "D1", "channel_type": "im", "ts": "2.1", "deleted_ts": "1.1",
			"previous_message": map[string]any{"type": "message", "user": "U1", "text": "log call Acme", "ts": "1.1"}}), "", nil},
		{"deletion in a channel", "events_api", ev(map[string]any{"type": "message", "subtype": "message_deleted", "channel": "C1", "channel_type": "channel", "ts": "2.1", "deleted_ts": "1.1"}), "", nil},
		{"bot message in a channel", "events_api", ev(map[string]any{"type": "message", "subtype": "bot_message", "channel": "C1", "channel_type": "channel", "bot_id": "B9", "text": "x", "ts": "1"}), "", nil},
		{"own message in a channel", "events_api", ev(map[string]any{"type": "message", "channel": "C1", "channel_type": "channel", "user": "UBOT", "bot_id": "B1", "text": "Logged", "ts": "1"}), "", nil},
		{"own mention", "events_api", ev(map[string]any{"type": "app_mention", "channel": "C1", "user": "UBOT", "text": "<@UBOT> hi", "ts": "1"}), "", nil},
		{"channel message mentioning Tend", "events_api", ev(map[string]any{"type": "message", "channel": "C1", "channel_type": "channel", "user": "U1", "text": "<@UBOT> hi", "ts": "1"}), "", nil},
		{"channel chatter", "events_api", ev(map[string]any{"type": "message", "channel": "C1", "channel_type": "channel", "user": "U1", "text": "hi <@U2>", "ts": "3.1"}), "hi @U2",
			func(t *testing.T, m *bot.Message, _ *bot.Action) {
				if m.Mentioned || m.IsDM || m.MessageID != "3.1" {
					t.Errorf("%+v, want unmentioned, not a DM, ts kept", m)
				}
			}},
		{"private channel chatter", "events_api", ev(map[string]any{"type": "message", "channel": "G1", "channel_type": "group", "user": "U1", "text": "ok", "ts": "3.1"}), "ok",
			func(t *testing.T, m *bot.Message, _ *bot.Action) {
				if m.Mentioned || m.IsDM {
					t.Errorf("%+v, want unmentioned", m)
				}
			}},
		{"channel join", "events_api", ev(map[string]any{"type": "message", "subtype": "channel_join", "channel": "D1", "channel_type": "im", "user": "U1", "text": "x", "ts": "1"}), "", nil},
		{"mpim", "events_api", ev(map[string]any{"type": "message", "channel": "G1", "channel_type": "mpim", "user": "U1", "text": "x", "ts": "1"}), "", nil},
		{"reaction", "events_api", ev(map[string]any{"type": "reaction_added", "user": "U1", "reaction": "+1"}), "", nil},
		{"rate limited", "events_api", []byte(`{"type":"app_rate_limited","team_id":"T1","minute_rate_limited":1518467820}`), "", nil},
		{"press", "interactive", mustJSON(t, press("", "5.1", "done:1")["payload"]), "done:1", func(t *testing.T, _ *bot.Message, a *bot.Action) {
			if a.Message.ID != "5.1" || a.ChatID != "C1" {
				t.Errorf("%+v", a)
			}
		}},
		{"press in thread", "interactive", []byte(`{"type":"block_actions","user":{"id":"U1"},"container":{"type":"message","message_ts":"5.1","channel_id":"C1","thread_ts":"4.1"},"actions":[{"action_id":"tend:1","value":"v","action_ts":"6.1"}]}`), "v",
			func(t *testing.T, _ *bot.Message, a *bot.Action) {
				if a.ThreadID != "4.1" || a.Message.Target.ThreadID != "4.1" {
					t.Errorf("%+v", a)
				}
			}},
		{"someone else's button", "interactive", []byte(`{"type":"block_actions","user":{"id":"U1"},"channel":{"id":"C1"},"container":{"message_ts":"5.1"},"actions":[{"action_id":"other","value":"v"}]}`), "", nil},
		{"shortcut", "interactive", []byte(`{"type":"shortcut","user":{"id":"U1"}}`), "", nil},
		{"slash", "slash_commands", []byte(`{"command":"/tend","text":"log call &amp; <mailto:a@b.c|a@b.c>","channel_id":"D5","user_id":"U1","trigger_id":"t1","is_enterprise_install":false}`), "/tend log call & a@b.c",
			func(t *testing.T, m *bot.Message, _ *bot.Action) {
				if !m.IsDM || !m.Mentioned || m.EventID != "command:t1" {
					t.Errorf("%+v", m)
				}
			}},
		{"slash without trigger id", "slash_commands", []byte(`{"command":"/tend","text":"","channel_id":"C5","user_id":"U1","response_url":"https://x/1"}`), "/tend",
			func(t *testing.T, m *bot.Message, _ *bot.Action) {
				if !strings.HasPrefix(m.EventID, "command:") || len(m.EventID) < 20 {
					t.Errorf("event id %q, want a hash", m.EventID)
				}
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, a, err := tendslack.Decode(tt.typ, tt.payload, "UBOT")
			if tt.want == "" {
				if !errors.Is(err, tendslack.ErrIgnored) {
					t.Errorf("Decode = %+v %+v %v, want ignored", m, a, err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var got string
			if m != nil {
				got = m.Text
			} else {
				got = a.Value
			}
			if got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
			if tt.check != nil {
				tt.check(t, m, a)
			}
		})
	}
}

func FuzzEnvelope(f *testing.F) {
	seed := func(typ string, payload any) {
		b, _ := json.Marshal(payload)
		f.Add(typ, b)
	}
	seed("events_api", slacktest.EventCallback("Ev1", slacktest.DM("hi <@UBOT> &amp; <https://a|b>", "1.1")))
	seed("events_api", slacktest.EventCallback("Ev2", map[string]any{"type": "app_mention", "channel": "C1", "user": "U1", "text": "<@UBOT|", "ts": "x.y"}))
	seed("interactive", press("", "5.1", "done:1")["payload"])
	seed("slash_commands", slash("", "C1", "log")["payload"])
	f.Add("events_api", []byte(`{"type":"event_callback","event":{"type":"message","edited":null,"channel":"D1","channel_type":"im","user":"U1","ts":"99999999999999999999.1"}}`))
	f.Add("interactive", []byte(`{"type":"block_actions","actions":[null,{"action_id":"tend:0"}]}`))
	f.Add("slash_commands", []byte(`{"is_enterprise_install":"maybe"}`))
	f.Fuzz(func(t *testing.T, typ string, payload []byte) {
		m, a, err := tendslack.Decode(typ, payload, "UBOT")
		if err != nil {
			return
		}
		switch {
		case m != nil:
			if m.Platform != bot.Slack || m.ChatID == "" || m.From.ID == "" {
				t.Errorf("message %+v", m)
			}
		case a != nil:
			if a.Platform != bot.Slack || a.ChatID == "" || a.From.ID == "" || a.EventID == "" {
				t.Errorf("action %+v", a)
			}
		default:
			t.Errorf("Decode(%q) = nothing and no error", payload)
		}
		tendslack.PlainText(string(payload))
	})
}
