package reminders_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/tend-crm/tend/bot"
)

// TestDealFollowUpPostedToBoundChat: a follow-up on a customer whose deal
// is bound to a group is posted there once when it falls due, besides the
// owner's ping; one on another customer is not.
func TestDealFollowUpPostedToBoundChat(t *testing.T) {
	hanoi, _ := time.LoadLocation("Asia/Ho_Chi_Minh")
	start := time.Date(2026, 3, 9, 9, 0, 0, 0, hanoi)
	w := newWorld(t, start)
	w.say("lan", "Asia/Ho_Chi_Minh", "called Acme")
	w.say("lan", "Asia/Ho_Chi_Minh", "new deal Acme renewal 12,000 USD")
	w.event++
	if _, err := w.r.HandleMessage(t.Context(), bot.Message{EventID: fmt.Sprint(w.event), Platform: bot.Telegram, ChatID: "group-acme",
		From: bot.Sender{ID: "lan", Name: "lan"}, Text: "/tend deal link Acme renewal", Mentioned: true}); err != nil {
		t.Fatal(err)
	}
	w.say("lan", "Asia/Ho_Chi_Minh", "remind me to call Acme at 10:00 about the contract")
	w.say("lan", "Asia/Ho_Chi_Minh", "remind me to call Globex at 10:00")
	w.run(time.Date(2026, 3, 9, 11, 0, 0, 0, hanoi))

	posts := w.out.texts("group-acme")
	if len(posts) != 1 || !strings.Contains(posts[0], "Acme renewal: lan's follow-up is due") || !strings.Contains(posts[0], "about the contract") {
		t.Fatalf("group posts = %q, want one on Acme's follow-up", posts)
	}
	if got := w.out.sentAt("group-acme"); !got[0].Equal(time.Date(2026, 3, 9, 10, 0, 0, 0, hanoi)) {
		t.Errorf("posted at %v, want 10:00", got[0])
	}
	if pings := w.out.texts("chat-lan"); countPrefix(pings, "Time to follow up") != 2 {
		t.Errorf("lan's pings = %q, want both follow-ups", pings)
	}
}
