package conversation_test

import (
	"testing"

	"github.com/tend-crm/tend/conversation"
	"github.com/tend-crm/tend/store"
)

// TestCustomStages: a team's own pipeline is named in chat by its stage
// names and weighs the report with its probabilities.
func TestCustomStages(t *testing.T) {
	h := newHarness(t)
	h.r.Stages = []conversation.DealStage{{"discovery", 5}, {"demo", 40}, {store.DealWon, 100}, {store.DealLost, 0}}
	h.db.Stages = []string{"discovery", "demo", store.DealWon, store.DealLost}
	h.say("ann", "called Acme")
	h.say("ann", "called Globex")
	wantText(t, h.say("ann", "new deal Acme 10,000 USD"), "New deal Acme (Acme) · 10,000 USD · discovery.")
	h.say("ann", "new deal Globex 20,000 USD")
	wantText(t, h.say("ann", "Globex to Demo"), "Globex: discovery → demo.")
	wantText(t, h.say("ann", "pipeline"), "discovery: 1 · 10,000 USD · weighted 500 USD", "demo: 1 · 20,000 USD · weighted 8,000 USD")
	// A default stage the team does not use is refused, not stored.
	wantText(t, h.say("ann", "Acme to negotiation"), `"negotiation" is not a stage of our pipeline: discovery, demo, won, lost.`)
	if d := h.deal(h.user("ann"), "Acme"); d.Stage != "discovery" {
		t.Errorf("Acme is at %s, want discovery", d.Stage)
	}
	wantText(t, h.say("ann", "won Acme"), "Acme is won!")
}
