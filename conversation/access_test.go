package conversation_test

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/tend-crm/tend/bot"
	"github.com/tend-crm/tend/store"
)

// tg sends text in a private Telegram chat as user id, with the
// platform's language hint.
func (h *harness) tg(id, lang, text string) []bot.Reply {
	h.t.Helper()
	h.seq++
	replies, err := h.r.HandleMessage(h.t.Context(), bot.Message{EventID: fmt.Sprint(h.seq), Platform: bot.Telegram, ChatID: id,
		From: bot.Sender{ID: id, Name: "tg" + id, Lang: lang}, Text: text, IsDM: true, Mentioned: true})
	if err != nil {
		h.t.Fatalf("HandleMessage(%q): %v", text, err)
	}
	return replies
}

// admin enrolls user on Slack as an admin.
func (h *harness) admin(user string) {
	h.t.Helper()
	if _, err := h.db.CreateUser(h.t.Context(), store.User{Name: user, Role: store.RoleAdmin,
		Identities: []store.Identity{{Platform: "slack", ExternalID: user}}}); err != nil {
		h.t.Fatal(err)
	}
}

var codeRE = regexp.MustCompile(`\b[A-Z2-9]{8}\b`)

func code(t *testing.T, replies []bot.Reply) string {
	t.Helper()
	c := codeRE.FindString(text(replies))
	if c == "" {
		t.Fatalf("no code in %q", text(replies))
	}
	return c
}

// telegramOnly lets nobody in on Telegram without a code, and everyone on
// Slack, as cmd/tend does with no allow-list.
func telegramOnly(p bot.Platform, _ bot.Sender) store.Role {
	if p == bot.Slack {
		return store.RoleRep
	}
	return ""
}

func TestStrangers(t *testing.T) {
	h := newHarness(t)
	h.r.Enroll = telegramOnly
	h.say("ann", "called Acme, follow up today")
	wantText(t, h.tg("66", "en", "show Acme"), "I don't know you", "join CODE")
	wantText(t, h.tg("67", "vi", "xem Acme"), "tôi chưa biết bạn")
	wantText(t, h.tg("68", "", "ai cần gọi lại hôm nay?"), "tôi chưa biết bạn") // no hint: the words tell
	wantText(t, h.tg("66", "en", "/start NOTACODE1"), "That code doesn't work")
	// In a group, a stranger not talking to Tend gets nothing at all.
	got, err := h.r.HandleMessage(t.Context(), bot.Message{EventID: "g1", Platform: bot.Telegram, ChatID: "-100", From: bot.Sender{ID: "66"}, Text: "hi all"})
	if err != nil || len(got) != 0 {
		t.Errorf("group chatter answered: %v %v", got, err)
	}
	// A button pressed by a stranger does nothing but refuse.
	got, _ = h.r.HandleAction(t.Context(), bot.Action{EventID: "a1", Platform: bot.Telegram, ChatID: "66", From: bot.Sender{ID: "66"}, Value: "show:1"})
	if strings.Contains(text(got), "Acme") {
		t.Errorf("a stranger's button showed data: %q", text(got))
	}
	users, _ := h.db.ListUsers(t.Context())
	if len(users) != 1 {
		t.Errorf("strangers were stored: %+v", users)
	}
	// With no rule at all, even Slack is closed.
	h.r.Enroll = nil
	wantText(t, h.say("bob", "hello"), "I don't know you")
}

func TestInvite(t *testing.T) {
	h := newHarness(t)
	h.r.Enroll = telegramOnly
	h.admin("boss")
	h.say("ann", "called Acme, follow up today")
	wantText(t, h.say("ann", "/tend invite"), "Only an admin")

	invite := h.say("boss", "/tend invite manager")
	wantText(t, invite, "Invite code for a new manager", "/start ")
	c := code(t, invite)
	wantText(t, h.tg("70", "vi", "/start "+c), "Chào mừng tg70", "Tôi giữ mối quan hệ khách hàng")
	wantText(t, h.tg("70", "vi", "/start "+c), "không cần mã")
	wantText(t, h.tg("71", "en", "/start "+c), "That code doesn't work")
	u, err := h.db.UserByIdentity(t.Context(), store.Identity{Platform: "telegram", ExternalID: "70"})
	if err != nil || u.Role != store.RoleManager || u.Lang != "vi" {
		t.Fatalf("invited user = %+v, %v", u, err)
	}
	if len(u.Identities) != 1 || u.Identities[0].ChatID != "70" {
		t.Errorf("invited user's chat unknown, no reminders could reach them: %+v", u.Identities)
	}
	// A manager sees the team's customers only: ann is in nobody's team.
	wantText(t, h.tg("70", "en", "show Acme"), "I don't know a customer called Acme.")
	wantText(t, h.say("boss", "/tend user team ann to tg70"), "ann is now in tg70's team.")
	wantText(t, h.tg("70", "en", "show Acme"), "Acme · prospect", "Open follow-ups:")
	wantText(t, h.say("boss", "/tend user team ann to ann"), "can't lead a team")
	wantText(t, h.say("boss", "/tend user team nobody to tg70"), "exactly one user called nobody")

	// Free text works as well as the deep link.
	c = code(t, h.say("boss", "/tend invite"))
	wantText(t, h.tg("72", "en", "join "+strings.ToLower(c)), "Welcome, tg72!")
}

func TestLink(t *testing.T) {
	h := newHarness(t)
	h.r.Enroll = telegramOnly
	h.say("ann", "called Acme, follow up today")
	link := h.say("ann", "/tend link")
	wantText(t, link, "Your link code", "Within 15 minutes")
	c := code(t, link)
	wantText(t, h.tg("80", "en", "link "+c), "Linked: this account is now ann's too")
	wantText(t, h.tg("80", "en", "show Acme"), "Acme · prospect", "Open follow-ups:")
	wantText(t, h.tg("80", "en", "link "+c), "already belongs")
	u, _ := h.db.UserByIdentity(t.Context(), store.Identity{Platform: "telegram", ExternalID: "80"})
	if len(u.Identities) != 2 {
		t.Errorf("linked user's identities = %+v", u.Identities)
	}
	// A code expires.
	c = code(t, h.say("ann", "/tend link"))
	h.now = h.now.Add(16 * 60e9)
	wantText(t, h.tg("81", "en", "link "+c), "That code doesn't work")
}

func TestRemoveUser(t *testing.T) {
	h := newHarness(t)
	h.admin("boss")
	h.say("ann", "called Acme, follow up today")
	h.say("bob", "called Beta")
	wantText(t, h.say("ann", "/tend user remove bob to ann"), "Only an admin")
	wantText(t, h.say("boss", "/tend user remove ann"), "who takes over")
	removed := h.say("boss", "/tend user remove @ann to <@bob>")
	wantText(t, removed, "ann is removed; bob takes over their customers (1), open deals (0) and open follow-ups (1).")
	wantText(t, h.say("bob", "who should I follow up with?"), "1. Acme — due today")
	wantText(t, h.say("ann", "show Acme"), "I don't know you")
	// The hand-over can be undone.
	wantText(t, h.press("boss", button(t, removed, "Undo")), "Undone: remove user: ann, hand over to bob.")
	wantText(t, h.say("ann", "show Acme"), "Acme · prospect", "Open follow-ups:")
}
