package bot_test

import (
	"testing"

	"github.com/tend-crm/tend/bot"
)

func TestTarget(t *testing.T) {
	want := bot.Target{Platform: bot.Slack, ChatID: "C1", ThreadID: "1700000000.000100"}
	m := bot.Message{EventID: "Ev1", Platform: bot.Slack, ChatID: "C1", ThreadID: "1700000000.000100", Text: "hi", From: bot.Sender{ID: "U1"}}
	if got := m.Target(); got != want {
		t.Errorf("Message.Target() = %+v, want %+v", got, want)
	}
	a := bot.Action{EventID: "Ev2", Platform: bot.Slack, ChatID: "C1", ThreadID: "1700000000.000100", Value: "undo",
		Message: bot.SentRef{Target: bot.Target{Platform: bot.Slack, ChatID: "other"}, ID: "m1"}}
	if got := a.Target(); got != want {
		t.Errorf("Action.Target() = %+v, want %+v", got, want)
	}
	if got := (bot.Message{Platform: bot.Console, ChatID: "console"}).Target(); got != (bot.Target{Platform: bot.Console, ChatID: "console"}) {
		t.Errorf("console Message.Target() = %+v", got)
	}
}
