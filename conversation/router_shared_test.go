package conversation_test

import (
	"strings"
	"testing"

	"github.com/tend-crm/tend/bot"
)

// In a shared chat Tend answers only what is addressed to it, and what is
// not leaves no trace: no user enrolled, no event claimed.
func TestSharedChatAnswersOnlyWhenMentioned(t *testing.T) {
	h := newHarness(t)
	msg := func(mentioned bool) bot.Message {
		return bot.Message{EventID: "Ev1", Platform: bot.Slack, ChatID: "C1", From: bot.Sender{ID: "ann", Name: "ann"},
			Text: "called Acme Corp, follow up today", Mentioned: mentioned, MessageID: "1.1"}
	}

	replies, err := h.r.HandleMessage(t.Context(), msg(false))
	if err != nil || len(replies) != 0 {
		t.Fatalf("unmentioned = %q, %v; want no reply", text(replies), err)
	}
	if users, err := h.db.ListUsers(t.Context()); err != nil || len(users) != 0 {
		t.Errorf("users after an unmentioned message = %v, %v; want none", users, err)
	}

	// The same event addressed to Tend is handled: the first one claimed
	// nothing.
	replies, err = h.r.HandleMessage(t.Context(), msg(true))
	if err != nil || !strings.Contains(text(replies), "Logged a call with Acme Corp.") {
		t.Errorf("mentioned = %q, %v; want the call logged", text(replies), err)
	}
	if out := text(h.say("ann", "who should I follow up with?")); !strings.Contains(out, "To follow up (1):") {
		t.Errorf("agenda:\n%s\nwant Acme Corp once", out)
	}
}
