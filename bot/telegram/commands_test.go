package telegram_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"testing"

	"github.com/tend-crm/tend/bot"
	"github.com/tend-crm/tend/bot/telegram"
)

func TestCommandMenuInEnglishAndVietnamese(t *testing.T) {
	f := newFake(t)
	run(t, f, newRecorder(), telegram.Config{})

	calls := f.waitFor("two setMyCommands", func(c []call) bool { return len(only(c, "setMyCommands")) == 2 })
	var langs []string
	var names [][]string
	for _, c := range only(calls, "setMyCommands") {
		langs = append(langs, c.params.Get("language_code"))
		var cmds []struct{ Command, Description string }
		if err := json.Unmarshal([]byte(c.params.Get("commands")), &cmds); err != nil {
			t.Fatalf("commands %q: %v", c.params.Get("commands"), err)
		}
		var n []string
		for _, cmd := range cmds {
			if cmd.Description == "" || len(cmd.Description) > 256 {
				t.Errorf("%s: description %q, Telegram wants 1–256 characters", cmd.Command, cmd.Description)
			}
			n = append(n, cmd.Command)
		}
		names = append(names, n)
	}
	if !slices.Equal(langs, []string{"", "vi"}) {
		t.Errorf("languages %q, want the default and vi", langs)
	}
	want := []string{"followups", "log", "customer", "done", "undo", "settings", "help", "deal", "pipeline", "search"}
	for i, n := range names {
		if !slices.Equal(n, want) {
			t.Errorf("menu %d = %q, want %q", i, n, want)
		}
	}
}

func TestCommandMenuRefusedIsNotFatal(t *testing.T) {
	f := newFake(t)
	f.hook("setMyCommands", func(url.Values) (int, string) {
		return http.StatusBadRequest, `{"ok":false,"error_code":400,"description":"Bad Request: invalid command description"}`
	})
	h := newRecorder()
	run(t, f, h, telegram.Config{})

	f.push(dm(1, 42, "who next"))
	h.wait(t, 1)
	if m := h.messages()[0]; m.Text != "who next" {
		t.Errorf("handled %q, want the message: Tend runs on without its menu", m.Text)
	}
}

// Pacing spaces one chat's messages; it never reorders or drops them.
func TestPacedRepliesArriveInOrder(t *testing.T) {
	f := newFake(t)
	h := newRecorder()
	want := []string{"one", "two", "three", "four", "five"}
	h.answer = func(bot.Message) ([]bot.Reply, error) {
		var rs []bot.Reply
		for _, s := range want {
			rs = append(rs, bot.Reply{Text: s})
		}
		return rs, nil
	}
	a, _ := newAdapter(t, f, h, telegram.Config{})
	telegram.SetPace(a, 1) // Telegram's own limits
	start(t, a)

	f.push(dm(1, 42, "agenda"))
	calls := f.waitFor("five replies", func(c []call) bool { return len(only(c, "sendMessage")) == len(want) })
	var got []string
	for _, c := range only(calls, "sendMessage") {
		if c.params.Get("chat_id") != "42" {
			t.Errorf("sent to %s, want 42", c.params.Get("chat_id"))
		}
		got = append(got, c.params.Get("text"))
	}
	if !slices.Equal(got, want) {
		t.Errorf("sent %q, want %q", got, want)
	}
}
