package conversation_test

import (
	"slices"
	"testing"
	"time"

	"github.com/tend-crm/tend/bot"
	"github.com/tend-crm/tend/store"
)

// TestCallsPostedToDealChat: a call on a customer with one open deal, or
// said in the chat bound to the customer's deal, is the deal's: it joins
// the deal's timeline and the deal's other chats hear of it.
func TestCallsPostedToDealChat(t *testing.T) {
	h := newHarness(t)
	posted := &posts{}
	h.r.Notifier = posted
	h.say("ann", "called Acme")
	h.say("ann", "called Globex")
	h.say("ann", "new deal Acme renewal 12,000 USD")
	h.sayIn(bot.Slack, "ann", "G1", "", "/tend deal link Acme renewal", true)
	h.sayIn(bot.Slack, "ann", "G2", "T1", "/tend deal link Acme renewal", true)
	posted.sent = nil

	h.say("ann", "called Acme, they want 20 seats")
	h.say("ann", "called Globex about nothing in particular") // no deal
	want := []string{
		"slack/G1/: Acme renewal: ann logged a call — called Acme, they want 20 seats",
		"slack/G2/T1: Acme renewal: ann logged a call — called Acme, they want 20 seats",
	}
	if !slices.Equal(posted.sent, want) {
		t.Errorf("posted %q, want %q", posted.sent, want)
	}

	// A second open deal makes a call in a DM nobody's; in the bound chat
	// it is that chat's deal's, and posted to the other chat only.
	h.say("ann", "new deal Acme support 2,000 USD")
	posted.sent = nil
	h.say("ann", "met Acme")
	h.sayIn(bot.Slack, "ann", "G1", "", "called Acme about the price", true)
	want = []string{"slack/G2/T1: Acme renewal: ann logged a call — called Acme about the price"}
	if !slices.Equal(posted.sent, want) {
		t.Errorf("posted %q, want %q", posted.sent, want)
	}
	ann := h.user("ann")
	is, err := h.db.DealInteractions(t.Context(), ann, h.deal(ann, "Acme renewal").ID, 10)
	var got []string
	for _, i := range is {
		got = append(got, i.Summary)
	}
	if want := []string{"called Acme about the price", "called Acme, they want 20 seats"}; err != nil || !slices.Equal(got, want) {
		t.Errorf("deal timeline = %q, %v; want %q", got, err, want)
	}
}

// TestDealFollowUpDue: the reminder of a follow-up on a customer whose deal
// is bound goes to the deal's chats, worded in the owner's language.
func TestDealFollowUpDue(t *testing.T) {
	h := newHarness(t)
	h.say("ann", "called Acme")
	h.say("ann", "called Globex")
	h.say("ann", "new deal Acme renewal 12,000 USD")
	h.sayIn(bot.Slack, "ann", "G1", "", "/tend deal link Acme renewal", true)
	ann := h.user("ann")
	u, err := h.db.User(t.Context(), ann.UserID)
	if err != nil {
		t.Fatal(err)
	}
	due := monday.Add(2 * time.Hour)
	to, reply, err := h.r.DealFollowUpDue(t.Context(), u, store.FollowUp{CustomerID: h.deal(ann, "Acme renewal").CustomerID, Due: due, Note: "send the contract"}, due)
	if err != nil || len(to) != 1 || to[0] != (bot.Target{Platform: bot.Slack, ChatID: "G1"}) {
		t.Fatalf("DealFollowUpDue targets = %v, %v", to, err)
	}
	wantText(t, []bot.Reply{reply}, "Acme renewal: ann's follow-up is due (today 12:00) — send the contract")

	globex, err := h.db.FindCustomers(t.Context(), ann, "Globex", 1)
	if err != nil || len(globex) != 1 {
		t.Fatal(globex, err)
	}
	if to, _, err := h.r.DealFollowUpDue(t.Context(), u, store.FollowUp{CustomerID: globex[0].ID, Due: due}, due); err != nil || len(to) != 0 {
		t.Errorf("Globex has no bound deal, yet DealFollowUpDue = %v, %v", to, err)
	}
}
