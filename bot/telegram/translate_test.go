package telegram_test

import (
	"encoding/json"
	"fmt"
	"testing"

	"github.com/tend-crm/tend/bot"
	"github.com/tend-crm/tend/bot/telegram"
)

func TestTranslateAddressing(t *testing.T) {
	g := groupChat(-1001)
	fromBot := message(5, g, "Who should we call?")
	fromBot["from"] = tendMe
	fromOther := message(6, g, "I will")
	fromOther["from"] = map[string]any{"id": 8, "first_name": "Bao"}
	reply := func(to map[string]any, text string) map[string]any {
		m := message(7, g, text)
		m["reply_to_message"] = to
		return m
	}

	tests := []struct {
		name      string
		msg       map[string]any
		want      string // text handed over; "" for ignored
		thread    string
		mentioned bool
	}{
		{"command for us", message(1, g, "/followups@TendBot"), "/followups", "", true},
		{"command, name in another case", message(1, g, "/log@tendbot call with Lan"), "/log call with Lan", "", true},
		{"command for everyone", message(1, g, "/followups"), "/followups", "", true},
		{"command for another bot", message(1, g, "/followups@OtherBot"), "", "", false},
		{"command for another bot mentioning us", message(1, g, "/ban@OtherBot @TendBot"), "", "", false},
		{"chatter", message(1, g, "lunch anyone?"), "lunch anyone?", "", false},
		{"mention first", message(1, g, "@TendBot, who is due today?"), "who is due today?", "", true},
		{"mention inside", message(1, g, "ping @tendbot about Acme"), "ping about Acme", "", true},
		{"mention last", message(1, g, "who is due @TendBot"), "who is due", "", true},
		{"longer name is not us", message(1, g, "@TendBotFans hello"), "@TendBotFans hello", "", false},
		{"e-mail is not a mention", message(1, g, "write to sales@TendBot"), "write to sales@TendBot", "", false},
		{"reply to us", reply(fromBot, "Lan, tomorrow"), "Lan, tomorrow", "reply:5", true},
		{"reply to someone else", reply(fromOther, "ok"), "ok", "reply:6", false},
		{"private chat, no address needed", message(1, privateChat(42), "lunch with Lan"), "lunch with Lan", "", true},
		{"private chat, command", message(1, privateChat(42), "/followups@TendBot"), "/followups", "", true},
		{"private chat, command for another bot", message(1, privateChat(42), "/start@OtherBot"), "", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			raw := update(1, "message", tt.msg)
			m, a, err := telegram.Translate(raw, botID, botName)
			if err != nil || a != nil {
				t.Fatalf("Translate = %v, %v", a, err)
			}
			switch {
			case tt.want == "" && m != nil:
				t.Errorf("handled as %q, want ignored", m.Text)
			case tt.want != "" && m == nil:
				t.Errorf("ignored, want %q", tt.want)
			case m != nil && (m.Text != tt.want || m.ThreadID != tt.thread || m.Mentioned != tt.mentioned):
				t.Errorf("got %q in thread %q mentioned %v, want %q in %q mentioned %v", m.Text, m.ThreadID, m.Mentioned, tt.want, tt.thread, tt.mentioned)
			case m != nil && m.MessageID != fmt.Sprint(tt.msg["message_id"]):
				t.Errorf("message id %q, want %v", m.MessageID, tt.msg["message_id"])
			}
		})
	}
}

func TestTranslateIgnores(t *testing.T) {
	edited := message(1, privateChat(42), "typo fixed")
	fromBot := message(1, privateChat(42), "hi")
	fromBot["from"] = map[string]any{"id": 3, "is_bot": true, "first_name": "Other"}
	photo := message(1, privateChat(42), "")
	photo["photo"] = []any{map[string]any{"file_id": "x", "file_unique_id": "y", "width": 1, "height": 1}}
	channel := message(1, map[string]any{"id": -100, "type": "channel", "title": "News"}, "/followups")
	tests := map[string][]byte{
		"edited message": update(1, "edited_message", edited),
		"channel post":   update(1, "channel_post", channel),
		"another bot":    update(1, "message", fromBot),
		"no text":        update(1, "message", photo),
		"unknown type":   []byte(`{"update_id":1,"message_reaction":{"chat":{"id":1,"type":"private"}}}`),
		"changed field":  []byte(`{"update_id":1,"message":{"message_id":"not a number"}}`),
	}
	for name, raw := range tests {
		m, a, err := telegram.Translate(raw, botID, botName)
		if err != nil || m != nil || a != nil {
			t.Errorf("%s: Translate = %v, %v, %v; want ignored", name, m, a, err)
		}
	}
	for _, raw := range []string{`nonsense`, `{}`, `{"update_id":"1"}`, `[]`} {
		if _, _, err := telegram.Translate([]byte(raw), botID, botName); err == nil {
			t.Errorf("Translate(%s): no error", raw)
		}
	}
}

func FuzzUpdate(f *testing.F) {
	g := groupChat(-1001)
	topic := message(3, g, "/followups@TendBot x")
	topic["message_thread_id"], topic["is_topic_message"] = 33, true
	for _, raw := range []json.RawMessage{
		dm(1, 42, "called Acme <3 & left a note"),
		update(2, "message", message(2, g, "@TendBot who is due?")),
		update(3, "message", topic),
		update(4, "callback_query", map[string]any{"id": "q", "from": ann, "data": "done:1",
			"message": map[string]any{"message_id": 9, "date": date, "chat": privateChat(42)}}),
		update(5, "callback_query", map[string]any{"id": "q", "inline_message_id": "i"}),
		update(6, "edited_message", message(6, g, "x")),
	} {
		f.Add([]byte(raw))
	}
	f.Add([]byte(`{"update_id":1,"message":{"chat":null,"text":"/@"}}`))
	f.Add([]byte(`{"update_id":1,"message":{"chat":{"id":1,"type":"group"},"from":{"id":2},"text":"@@TendBot@TendBot /x@"}}`))
	f.Fuzz(func(t *testing.T, raw []byte) {
		m, a, err := telegram.Translate(raw, botID, botName)
		if err != nil && (m != nil || a != nil) {
			t.Fatalf("error %v with a result", err)
		}
		if m != nil {
			if m.Platform != bot.Telegram || m.ChatID == "" || m.EventID == "" || m.From.ID == "" {
				t.Fatalf("incomplete message %+v", m)
			}
		}
		if a != nil && (a.ChatID == "" || a.EventID == "" || a.Message.ID == "") {
			t.Fatalf("incomplete action %+v", a)
		}
	})
}
