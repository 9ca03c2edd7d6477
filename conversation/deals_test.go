package conversation_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/tend-crm/tend/bot"
	"github.com/tend-crm/tend/conversation"
	"github.com/tend-crm/tend/store"
)

// sayIn sends text as user in a shared chat (a Slack channel, a Telegram
// group), addressed to Tend or not.
func (h *harness) sayIn(p bot.Platform, user, chat, thread, text string, mentioned bool) []bot.Reply {
	h.t.Helper()
	h.seq++
	replies, err := h.r.HandleMessage(h.t.Context(), bot.Message{EventID: fmt.Sprint(h.seq), Platform: p, ChatID: chat, ThreadID: thread,
		From: bot.Sender{ID: user, Name: user}, Text: text, Mentioned: mentioned, MessageID: fmt.Sprintf("m%d", h.seq)})
	if err != nil {
		h.t.Fatalf("HandleMessage(%q): %v", text, err)
	}
	return replies
}

// dm sends text as user in their private chat on platform p.
func (h *harness) dm(p bot.Platform, user, text string) []bot.Reply {
	h.t.Helper()
	h.seq++
	replies, err := h.r.HandleMessage(h.t.Context(), bot.Message{EventID: fmt.Sprint(h.seq), Platform: p, ChatID: "D" + user,
		From: bot.Sender{ID: user, Name: user}, Text: text, IsDM: true, Mentioned: true})
	if err != nil {
		h.t.Fatalf("HandleMessage(%q): %v", text, err)
	}
	return replies
}

func (h *harness) user(name string) store.Scope { return h.userOn(bot.Slack, name) }

func (h *harness) userOn(p bot.Platform, name string) store.Scope {
	h.t.Helper()
	u, err := h.db.UserByIdentity(h.t.Context(), store.Identity{Platform: string(p), ExternalID: name})
	if err != nil {
		h.t.Fatal(err)
	}
	return store.Scope{UserID: u.ID, Role: u.Role}
}

func (h *harness) deal(s store.Scope, title string) store.Deal {
	h.t.Helper()
	ds, err := h.db.FindDeals(h.t.Context(), s, title, 1)
	if err != nil || len(ds) == 0 {
		h.t.Fatalf("FindDeals(%q) = %v, %v", title, ds, err)
	}
	return ds[0]
}

// posts records what the router posts to chats on its own.
type posts struct {
	mu   sync.Mutex
	sent []string // "platform/chat/thread: text"
}

func (p *posts) Send(_ context.Context, to bot.Target, r bot.Reply) (bot.SentRef, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.sent = append(p.sent, fmt.Sprintf("%s/%s/%s: %s", to.Platform, to.ChatID, to.ThreadID, r.Text))
	id := fmt.Sprint(len(p.sent))
	return bot.SentRef{Target: to, ID: id, Thread: "t" + id}, nil
}

// TestDealThread: "open a thread for …" posts the deal's card to the
// chat and binds the thread replies to it make, on either platform.
func TestDealThread(t *testing.T) {
	for _, p := range []bot.Platform{bot.Slack, bot.Telegram} {
		t.Run(string(p), func(t *testing.T) {
			h := newHarness(t)
			posted := &posts{}
			h.r.Notifier = posted
			h.dm(p, "ann", "new deal Acme renewal 12,000 USD")
			got := h.sayIn(p, "ann", "G1", "", "open a thread for Acme renewal", true)
			wantText(t, got, "This chat now follows Acme renewal")
			if len(posted.sent) != 1 || !strings.HasPrefix(posted.sent[0], string(p)+"/G1/: 🧵 Acme renewal") || !strings.Contains(posted.sent[0], "Stage: qualify") {
				t.Fatalf("posted %q, want the card opening a thread in G1", posted.sent)
			}
			// A reply in that thread is the deal's; the chat outside it is not.
			if got := h.sayIn(p, "ann", "G1", "t1", "they want 20 seats", true); len(got) != 0 {
				t.Errorf("a message in the deal's thread got a reply: %s", text(got))
			}
			ann := h.userOn(p, "ann")
			is, err := h.db.DealInteractions(t.Context(), ann, h.deal(ann, "Acme renewal").ID, 10)
			if err != nil || len(is) != 1 || is[0].Summary != "they want 20 seats" {
				t.Errorf("deal timeline = %+v, %v", is, err)
			}
			if got := text(h.sayIn(p, "ann", "G1", "", "/tend deal", true)); strings.Contains(got, "Acme renewal — Acme") {
				t.Errorf("the chat outside the thread shows the deal:\n%s", got)
			}
			// In a private chat there is no team to open a thread for.
			wantText(t, h.dm(p, "ann", "open a thread for Acme renewal"), "Link a deal from the channel or group")
		})
	}
}

func TestDeals(t *testing.T) {
	tests := []struct {
		name string
		run  func(t *testing.T, h *harness)
	}{
		{"a deal's title starting like one customer's name is that customer's", func(t *testing.T, h *harness) {
			h.say("ann", "called Acme Corp")
			wantText(t, h.say("ann", "new deal Acme renewal 12,000 USD"), "New deal Acme renewal (Acme Corp)")
			h.say("ann", "called Acme Logistics")
			wantText(t, h.say("ann", "new deal Acme expansion 5,000 USD"), "Which \"Acme\" do you mean?")
		}},
		{"a deal is created on its customer and asks for qualification", func(t *testing.T, h *harness) {
			h.say("ann", "called Acme")
			got := h.say("ann", "new deal Acme renewal 12,000 USD")
			wantText(t, got, "New deal Acme renewal (Acme) · 12,000 USD · qualify.", "what's the need, the budget, and who decides?")
			button(t, got, "Undo")
			wantText(t, h.say("ann", "need: new CRM, budget 20k, authority: Ms Lan"),
				"Noted for Acme renewal: need: new CRM, budget: 20k, authority: Ms Lan.")
			wantText(t, h.say("ann", "Acme renewal to proposal"), "Acme renewal: qualify → proposal.")
			h.now = monday.AddDate(0, 0, 5)
			wantText(t, h.say("ann", "deal Acme renewal"), "Acme renewal — Acme",
				"Stage: proposal (5 days) · 12,000 USD · owner ann", "need: new CRM · budget: 20k · authority: Ms Lan",
				"No next step yet", "Last contacts:", "call — called Acme")
			wantText(t, h.say("ann", "Acme renewal value 15k"), "Acme renewal: value 15,000 USD.")
			wantText(t, h.say("ann", "deal nothing"), `I don't know a deal called "nothing"`)
		}},
		{"Vietnamese: a new deal in dong, lost with its reason", func(t *testing.T, h *harness) {
			wantText(t, h.say("lan", "cơ hội mới Minh Phát 150 triệu"), "Cơ hội mới Minh Phát (Minh Phát) · 150.000.000 ₫ · đánh giá.", "ngân sách")
			wantText(t, h.say("lan", "chuyển Minh Phát sang đàm phán"), "Minh Phát: đánh giá → đàm phán.")
			wantText(t, h.say("lan", "mất deal Minh Phát vì giá"), "Minh Phát: mất — giá.")
			wantText(t, h.say("lan", "xem deal Minh Phát"), "Giai đoạn: mất", "Lý do mất: giá")
			wantText(t, h.say("lan", "cơ hội mới Sao Mai 12,00,0 triệu"), `Tôi không đọc được số tiền`)
		}},
		{"a won deal schedules the care plan; undo removes it", func(t *testing.T, h *harness) {
			h.say("ann", "new deal Acme renewal 12k")
			got := h.say("ann", "won Acme renewal")
			wantText(t, got, "Acme renewal is won! Care plan for Acme renewal: thank-you check-in: Thu 12 Mar; check-in after the purchase: Thu 9 Apr; a yearly reminder on 9/3.")
			ann := h.user("ann")
			fus, err := h.db.FollowUps(t.Context(), ann, store.FollowUpFilter{Status: store.FollowUpOpen})
			if err != nil || len(fus) != 2 || fus[0].Note != "thank-you check-in: Acme renewal" {
				t.Fatalf("care plan follow-ups = %+v, %v", fus, err)
			}
			wantText(t, h.press("ann", button(t, got, "Undo")), "Undone")
			if fus, _ := h.db.FollowUps(t.Context(), ann, store.FollowUpFilter{}); len(fus) != 0 {
				t.Errorf("after undo: follow-ups %+v", fus)
			}
			if d := h.deal(ann, "Acme renewal"); d.Stage != "qualify" {
				t.Errorf("after undo: stage %s", d.Stage)
			}
		}},
		{"won from two places at once: one care plan; the second hears it is won", func(t *testing.T, h *harness) {
			h.say("ann", "new deal Acme renewal 12k")
			h.r.Store = &wonMeanwhile{Store: h.r.Store}
			wantText(t, h.say("ann", "won Acme renewal"), "Acme renewal is at won already.")
			fus, err := h.db.FollowUps(t.Context(), h.user("ann"), store.FollowUpFilter{Status: store.FollowUpOpen})
			if err != nil || len(fus) != 2 {
				t.Errorf("care plan follow-ups = %+v, %v; want one plan's two", fus, err)
			}
		}},
		{"owner and close date change", func(t *testing.T, h *harness) {
			h.say("bob", "hello")
			h.say("ann", "new deal Acme renewal 12k")
			wantText(t, h.say("ann", "assign Acme renewal to Bob"), "Acme renewal: owner bob.")
			wantText(t, h.say("ann", "Acme renewal close date 30/6"), "Acme renewal: expected close Tue 30 Jun.")
			wantText(t, h.say("ann", "assign Acme renewal to Zed"), `I don't know a colleague called "Zed".`)
		}},
		{"pipeline figures for the team and for a rep", testPipeline},
		{"a bound channel captures messages and shows only its deal (slack)", func(t *testing.T, h *harness) { testBinding(t, h, bot.Slack) }},
		{"a bound group captures messages and shows only its deal (telegram)", func(t *testing.T, h *harness) { testBinding(t, h, bot.Telegram) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { tt.run(t, newHarness(t)) })
	}
}

func testPipeline(t *testing.T, h *harness) {
	h.say("boss", "hello")
	boss := h.user("boss")
	role := store.RoleManager
	if _, err := h.db.UpdateUser(t.Context(), boss.UserID, store.UserUpdate{Role: &role}); err != nil {
		t.Fatal(err)
	}
	h.now = monday.AddDate(0, 0, -30)
	h.say("ann", "new deal Acme 10,000 USD")
	h.now = monday.AddDate(0, 0, -10)
	h.say("ann", "new deal Globex 20,000 USD")
	h.say("ann", "Globex to proposal")
	h.now = monday.AddDate(0, 0, -2) // Saturday: last week
	h.say("bob", "new deal Initech 5,000 USD")
	h.say("bob", "Initech to negotiation")
	h.say("bob", "called Initech")
	h.say("bob", "cơ hội mới Minh Phát 150 triệu")
	h.say("bob", "won Minh Phát")
	h.now = monday.AddDate(0, -2, 0) // lost before this month: not counted
	h.say("bob", "new deal Old 1,000 USD")
	h.say("bob", "lost Old")
	h.now = monday
	h.say("ann", "called Acme")
	h.say("ann", "met Globex, follow up tomorrow")
	h.say("ann", "done Globex")
	h.say("bob", "called Initech")
	for _, rep := range []string{"ann", "bob"} { // the boss's team
		if _, err := h.db.UpdateUser(t.Context(), h.user(rep).UserID, store.UserUpdate{ManagerID: &boss.UserID}); err != nil {
			t.Fatal(err)
		}
	}

	team := text(h.say("boss", "pipeline"))
	want := strings.Join([]string{
		"Pipeline — team",
		"qualify: 1 · 10,000 USD · weighted 1,000 USD",
		"proposal: 1 · 20,000 USD · weighted 6,000 USD",
		"negotiation: 1 · 5,000 USD · weighted 3,000 USD",
		"won: 1 · 150,000,000 ₫ · weighted 150,000,000 ₫",
		"Stuck longest:",
		" • Acme — qualify, 30 days",
		" • Globex — proposal, 10 days",
		" • Initech — negotiation, 2 days",
		"This week:",
		" • ann: 1 call, 1 meeting, 1 follow-up done",
		" • bob: 1 call, 0 meetings, 0 follow-ups done",
		" • no activity yet: boss",
	}, "\n") + "\n"
	if team != want {
		t.Errorf("team pipeline:\n%s\nwant:\n%s", team, want)
	}
	mine := text(h.say("ann", "/tend pipeline"))
	want = strings.Join([]string{
		"Pipeline — yours",
		"qualify: 1 · 10,000 USD · weighted 1,000 USD",
		"proposal: 1 · 20,000 USD · weighted 6,000 USD",
		"Stuck longest:",
		" • Acme — qualify, 30 days",
		" • Globex — proposal, 10 days",
		"This week:",
		" • ann: 1 call, 1 meeting, 1 follow-up done",
	}, "\n") + "\n"
	if mine != want {
		t.Errorf("ann's pipeline:\n%s\nwant:\n%s", mine, want)
	}
	wantText(t, h.say("lan", "báo cáo"), "Pipeline — của bạn", "Chưa có cơ hội nào")
}

func testBinding(t *testing.T, h *harness, p bot.Platform) {
	posted := &posts{}
	h.r.Notifier = posted
	h.dm(p, "ann", "new deal Acme renewal 12,000 USD")
	h.dm(p, "ann", "new deal Globex 5,000 USD")
	h.dm(p, "bob", "hello")

	got := h.sayIn(p, "ann", "G1", "", "/tend deal link Acme renewal", true)
	wantText(t, got, "This chat now follows Acme renewal: I'll add messages that mention me to its timeline.")
	button(t, got, "Undo")

	// Addressed to Tend but not a request: the deal's, without a reply.
	if got := h.sayIn(p, "bob", "G1", "", "they want 20 seats", true); len(got) != 0 {
		t.Errorf("a captured message got a reply: %v", text(got))
	}
	ann := h.userOn(p, "ann")
	d := h.deal(ann, "Acme renewal")
	is, err := h.db.DealInteractions(t.Context(), ann, d.ID, 10)
	if err != nil || len(is) != 1 || is[0].Summary != "they want 20 seats" || is[0].UserID != h.userOn(p, "bob").UserID || is[0].Kind != store.KindMessage {
		t.Fatalf("deal timeline = %+v, %v", is, err)
	}
	// bob does not own Acme, but the channel shows its deal.
	wantText(t, h.sayIn(p, "bob", "G1", "", "/tend deal", true), "Acme renewal — Acme", "Stage: qualify", "message — they want 20 seats")

	// Capture everything; a thread of the chat follows the chat.
	h.sayIn(p, "ann", "G1", "", "link deal Acme renewal all", true)
	if got := h.sayIn(p, "bob", "G1", "T7", "price is fine for them", false); len(got) != 0 {
		t.Errorf("a captured message got a reply: %v", text(got))
	}
	if is, _ := h.db.DealInteractions(t.Context(), ann, d.ID, 10); len(is) != 2 {
		t.Errorf("deal timeline has %d entries, want 2", len(is))
	}

	// The group sees its own deal only, and no private lists.
	for _, q := range []string{"deal Globex", "who should I follow up with?", "pipeline", "show Acme", "/tend followups", "Globex to proposal"} {
		wantText(t, h.sayIn(p, "ann", "G1", "", q, true), "ask me in a direct message")
	}
	for _, q := range []string{"deal Acme renewal", "/tend deal Acme renewal"} {
		wantText(t, h.sayIn(p, "ann", "G2", "", q, true), "ask me in a direct message")
	}
	wantText(t, h.sayIn(p, "ann", "G2", "", "/tend deal", true), "Which deal? Name it")
	for _, r := range append(h.sayIn(p, "ann", "G2", "", "/tend deal", true), h.sayIn(p, "ann", "G1", "", "/tend deal", true)...) {
		if strings.Contains(r.Text, "Globex") || strings.Contains(r.Text, "5,000") {
			t.Errorf("a group was shown another deal: %s", r.Text)
		}
	}

	// A stage change made in a DM is posted to the bound chat.
	h.dm(p, "ann", "Acme renewal to proposal")
	wantPost := fmt.Sprintf("%s/G1/: Acme renewal: qualify → proposal.", p)
	if len(posted.sent) != 1 || posted.sent[0] != wantPost {
		t.Errorf("posted %q, want %q", posted.sent, wantPost)
	}
	// In a DM, link is refused: it binds the chat it is said in.
	wantText(t, h.dm(p, "ann", "link deal Acme renewal"), "from the channel or group")
}

// wonMeanwhile is a store in which another message wins a deal, with its
// care plan, just before the router's own update does.
type wonMeanwhile struct {
	conversation.Store
	done bool
}

func (s *wonMeanwhile) UpdateDeal(ctx context.Context, sc store.Scope, o store.Origin, id store.DealID, upd store.DealUpdate) (store.Deal, store.ChangeID, error) {
	if upd.Stage != nil && *upd.Stage == store.DealWon && !s.done {
		s.done = true
		if _, _, err := s.Store.UpdateDeal(ctx, sc, store.Origin{Platform: "test", EventID: "the other message"}, id, upd); err != nil {
			return store.Deal{}, 0, err
		}
	}
	return s.Store.UpdateDeal(ctx, sc, o, id, upd)
}
