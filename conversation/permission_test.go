package conversation_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/tend-crm/tend/bot"
	"github.com/tend-crm/tend/store"
)

// The permission matrix: every intent and every button value, tried by
// every kind of user against a customer rep ann owns. Whoever may not see
// Acme gets no word of it (the secret note never shows) and changes
// nothing of it, whatever path they take; button values are forged freely,
// since they come back from the platform untrusted.
//
// To cover a new intent or button, add a row to matrixActions: what to
// say or press, who may, and what they see when they may.

// Relations of an actor to ann's customer Acme.
const (
	relOwner        = "owner"         // ann, a rep in mgr's team
	relTeamManager  = "team manager"  // mgr
	relOtherManager = "other manager" // mgr2, whose team ann is not in
	relAdmin        = "admin"         // boss
	relOtherRep     = "other rep"     // bob, in nobody's team
)

var matrixActors = map[string]string{relOwner: "ann", relTeamManager: "mgr", relOtherManager: "mgr2", relAdmin: "boss", relOtherRep: "bob"}

// Who may do an action.
var (
	seers   = []string{relOwner, relTeamManager, relAdmin} // may see and change Acme
	author  = []string{relOwner}                           // only who made a change may undo it
	admins  = []string{relAdmin}
	anyone  = []string{relOwner, relTeamManager, relOtherManager, relAdmin, relOtherRep}
	secret  = "zebra" // in the note of Acme's follow-up and the call's summary
	nothing = ""
)

// matrix is ann's book, as seen through a router.
type matrix struct {
	*harness
	users  map[string]store.User
	acme   store.Customer
	fu     store.FollowUp
	change string // the button value of the Undo of ann's call
}

func newMatrix(t *testing.T) *matrix {
	h := newHarness(t)
	m := &matrix{harness: h, users: map[string]store.User{}}
	mk := func(name string, role store.Role, manager string) {
		u, err := h.db.CreateUser(t.Context(), store.User{Name: name, Role: role, ManagerID: m.users[manager].ID, TimeZone: "Asia/Ho_Chi_Minh",
			Identities: []store.Identity{{Platform: "slack", ExternalID: name, ChatID: "D" + name}}})
		if err != nil {
			t.Fatal(err)
		}
		m.users[name] = u
	}
	mk("boss", store.RoleAdmin, "")
	mk("mgr", store.RoleManager, "")
	mk("mgr2", store.RoleManager, "")
	mk("ann", store.RoleRep, "mgr")
	mk("bob", store.RoleRep, "")
	logged := h.say("ann", "called Acme about the zebra deal, follow up today re zebra")
	m.change = button(t, logged, "Undo")
	cs, err := h.db.FindCustomers(t.Context(), m.scope("boss"), "Acme", 2)
	if err != nil || len(cs) != 1 {
		t.Fatalf("Acme: %v %v", cs, err)
	}
	m.acme = cs[0]
	fus, err := h.db.FollowUps(t.Context(), m.scope("boss"), store.FollowUpFilter{Customer: m.acme.ID})
	if err != nil || len(fus) != 1 {
		t.Fatalf("Acme's follow-up: %v %v", fus, err)
	}
	m.fu = fus[0]
	return m
}

func (m *matrix) scope(name string) store.Scope {
	return store.Scope{UserID: m.users[name].ID, Role: m.users[name].Role}
}

// intact checks that nothing of Acme changed.
func (m *matrix) intact(t *testing.T, what string) {
	t.Helper()
	ctx, admin := t.Context(), m.scope("boss")
	c, err := m.db.Customer(ctx, admin, m.acme.ID)
	if err != nil || c.OwnerID != m.users["ann"].ID || c.Name != "Acme" {
		t.Errorf("%s: Acme is now %+v, %v", what, c, err)
	}
	f, err := m.db.FollowUp(ctx, admin, m.fu.ID)
	if err != nil || f.Status != store.FollowUpOpen || !f.Due.Equal(m.fu.Due) || f.Snoozes != 0 || f.OwnerID != m.fu.OwnerID {
		t.Errorf("%s: Acme's follow-up is now %+v, %v", what, f, err)
	}
	if is, err := m.db.Interactions(ctx, admin, store.InteractionFilter{Customer: m.acme.ID}); err != nil || len(is) != 1 {
		t.Errorf("%s: Acme has %d interactions, %v; want 1", what, len(is), err)
	}
	names, _ := m.db.CustomerNames(ctx, admin)
	for _, n := range names {
		if n.ID == m.acme.ID && n.Alias {
			t.Errorf("%s: Acme got the alias %q", what, n.Name)
		}
	}
	if u, err := m.db.User(ctx, m.users["ann"].ID); err != nil || !u.Active() || u.ManagerID != m.users["mgr"].ID {
		t.Errorf("%s: ann is now %+v, %v", what, u, err)
	}
}

// draft saves a message for who, as a question with buttons would.
func (m *matrix) draft(t *testing.T, who, text string) store.DraftID {
	id, err := m.db.SaveDraft(t.Context(), m.users[who].ID, text)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

type matrixAction struct {
	name string
	do   func(t *testing.T, m *matrix, who string) []bot.Reply
	may  []string
	// want is in the reply of who may; deny in the reply of who may not
	// ("" checks only that nothing leaks and nothing changes).
	want, deny string
}

func says(text string) func(*testing.T, *matrix, string) []bot.Reply {
	return func(_ *testing.T, m *matrix, who string) []bot.Reply { return m.say(who, text) }
}

func presses(value func(m *matrix) string) func(*testing.T, *matrix, string) []bot.Reply {
	return func(_ *testing.T, m *matrix, who string) []bot.Reply { return m.press(who, value(m)) }
}

var matrixActions = []matrixAction{
	// Intents, in words and as commands.
	{"show", says("show Acme"), seers, "Open follow-ups:", "I don't know a customer called Acme"},
	{"/tend show", says("/tend show Acme"), seers, "Open follow-ups:", "I don't know a customer called Acme"},
	{"log", says("called Acme"), anyone, "Logged a call with Acme.", nothing}, // who may not see ann's Acme gets an Acme of their own
	{"set follow-up", says("remind me to call Acme tomorrow"), anyone, "Follow-up: tomorrow", nothing},
	{"done", says("done Acme"), seers, "Done: follow-up with Acme.", "I don't know a customer called Acme"},
	{"/tend done", says("/tend done Acme"), seers, "Done: follow-up with Acme.", "I don't know a customer called Acme"},
	{"snooze", says("snooze Acme until Monday"), seers, "Snoozed: follow-up with Acme", "I don't know a customer called Acme"},
	{"alias", says("Acme is also called ACM"), seers, `Noted: Acme is also called "ACM".`, "I don't know a customer called Acme"},
	{"occasion", says("Jane's birthday at Acme is 12/5"), anyone, "Noted: Jane's birthday", nothing},
	// The agenda is one's own: a manager or admin does not get a rep's.
	{"agenda", says("who should I follow up with?"), author, "1. Acme — due today", nothing},
	{"/followups", says("/followups"), author, "1. Acme — due today", nothing},
	{"undo latest", says("undo"), author, "Undone: log call and follow-up: Acme.", nothing},
	{"settings", says("send my digest at 7am"), anyone, "Your digest comes at 07:00", nothing},
	{"help", says("help"), anyone, "I keep your customer relationships", nothing},
	{"unknown", says("zebra?"), anyone, "Sorry, I didn't get that", nothing},
	{"join (already in)", says("join ABCD2345"), anyone, "already in", nothing},
	{"link", says("/tend link"), anyone, "Your link code", nothing},
	{"invite", says("/tend invite"), admins, "Invite code for a new rep", "Only an admin"},
	{"invite admin", says("/tend invite admin"), admins, "Invite code for a new admin", "Only an admin"},
	{"team", says("/tend user team ann to mgr2"), admins, "ann is now in mgr2's team.", "Only an admin"},
	{"remove user", says("/tend user remove ann to bob"), admins, "ann is removed", "Only an admin"},

	// Buttons, with the values Tend renders and forged ones.
	{"undo: button", presses(func(m *matrix) string { return m.change }), author, "Undone: log call and follow-up: Acme.", "I can't find that"},
	{"done: button", presses(func(m *matrix) string { return fmt.Sprintf("done:%d", m.fu.ID) }), seers, "Done: follow-up with Acme.", "I can't find that"},
	{"snooze: button", presses(func(m *matrix) string { return fmt.Sprintf("snooze:%d:1d", m.fu.ID) }), seers, "Snoozed: follow-up with Acme", "I can't find that"},
	{"snooze: 1h", presses(func(m *matrix) string { return fmt.Sprintf("snooze:%d:1h", m.fu.ID) }), seers, "Snoozed: follow-up with Acme", "I can't find that"},
	{"show: button", presses(func(m *matrix) string { return fmt.Sprintf("show:%d", m.acme.ID) }), seers, "Open follow-ups:", "I can't find that"},
	{"more: button", presses(func(*matrix) string { return "more:0" }), author, "Acme", nothing},
	{"more: far", presses(func(*matrix) string { return "more:99999999" }), anyone, "", nothing},
	{"pick: ann's draft", func(t *testing.T, m *matrix, who string) []bot.Reply {
		return m.press(who, fmt.Sprintf("pick:%d:%d", m.draft(t, "ann", "called Acme, zebra"), m.acme.ID))
	}, author, "Logged a call with Acme.", "expired"},
	{"pick: own draft, Acme forged", func(t *testing.T, m *matrix, who string) []bot.Reply {
		return m.press(who, fmt.Sprintf("pick:%d:%d", m.draft(t, who, "called Acme"), m.acme.ID))
	}, seers, "Logged a call with Acme.", "I can't find that"},
	{"pick: show, Acme forged", func(t *testing.T, m *matrix, who string) []bot.Reply {
		return m.press(who, fmt.Sprintf("pick:%d:%d", m.draft(t, who, "show Acme"), m.acme.ID))
	}, seers, "Open follow-ups:", "I can't find that"},
	{"pick: done, Acme forged", func(t *testing.T, m *matrix, who string) []bot.Reply {
		return m.press(who, fmt.Sprintf("pick:%d:%d", m.draft(t, who, "done Acme"), m.acme.ID))
	}, seers, "Done: follow-up with Acme.", "I can't find that"},
	{"new: ann's draft", func(t *testing.T, m *matrix, who string) []bot.Reply {
		return m.press(who, fmt.Sprintf("new:%d", m.draft(t, "ann", "called Acme Two")))
	}, author, "Acme Two is new", "expired"},
	{"forged verb", presses(func(m *matrix) string { return fmt.Sprintf("delete:%d", m.acme.ID) }), nil, "", "expired"},
	{"forged id", presses(func(m *matrix) string { return fmt.Sprintf("show:%d' OR 1=1 --", m.acme.ID) }), nil, "", "expired"},

	// What Tend says unprompted.
	{"reminder ping", func(t *testing.T, m *matrix, who string) []bot.Reply {
		r, err := m.r.FollowUpDue(t.Context(), m.users[who], m.fu, m.now, false)
		if err != nil {
			return []bot.Reply{{Text: "refused: " + err.Error()}}
		}
		return []bot.Reply{r}
	}, seers, "Time to follow up with Acme", "refused"},
	{"digest", func(t *testing.T, m *matrix, who string) []bot.Reply {
		r, _, err := m.r.Digest(t.Context(), m.users[who], m.now)
		if err != nil {
			t.Fatal(err)
		}
		return []bot.Reply{r}
	}, author, "Acme", nothing},
}

func TestPermissionMatrix(t *testing.T) {
	for _, a := range matrixActions {
		for _, rel := range anyone {
			who := matrixActors[rel]
			t.Run(a.name+"/"+rel, func(t *testing.T) {
				m := newMatrix(t)
				got := text(a.do(t, m, who))
				allowed, sees := slices.Contains(a.may, rel), slices.Contains(seers, rel)
				switch {
				case allowed && !strings.Contains(got, a.want):
					t.Errorf("%s may; reply lacks %q:\n%s", who, a.want, got)
				case !allowed && !strings.Contains(got, a.deny):
					t.Errorf("%s may not; reply lacks %q:\n%s", who, a.deny, got)
				case !sees && strings.Contains(strings.ToLower(got), secret):
					t.Errorf("%s may not see Acme, and saw its note:\n%s", who, got)
				}
				if allowed && sees {
					return // a change they may make
				}
				m.intact(t, who+" "+a.name)
			})
		}
	}
}
