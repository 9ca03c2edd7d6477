package conversation_test

import (
	"strings"
	"testing"

	"github.com/tend-crm/tend/conversation"
	"github.com/tend-crm/tend/store"
)

// TestAgendaViews pins whose follow-ups each question shows, on a small
// team: two reps and their manager.
func TestAgendaViews(t *testing.T) {
	h := newHarness(t)
	ctx := t.Context()
	boss, err := h.db.CreateUser(ctx, store.User{Name: "Boss", Role: store.RoleManager, TimeZone: "Asia/Ho_Chi_Minh",
		Identities: []store.Identity{{Platform: "slack", ExternalID: "boss"}}})
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range []store.User{
		{Name: "Lan Nguyen", Role: store.RoleRep, TimeZone: "Asia/Ho_Chi_Minh", ManagerID: boss.ID, Identities: []store.Identity{{Platform: "slack", ExternalID: "lan"}}},
		{Name: "Minh Tran", Role: store.RoleRep, TimeZone: "Asia/Ho_Chi_Minh", ManagerID: boss.ID, Identities: []store.Identity{{Platform: "slack", ExternalID: "minh"}}},
	} {
		if _, err := h.db.CreateUser(ctx, u); err != nil {
			t.Fatal(err)
		}
	}
	// Last Thursday Lan promised Acme a call for Friday; today she owes
	// Beta one, and Delta on Thursday. Minh owes Gamma one today.
	h.now = monday.AddDate(0, 0, -4)
	h.say("lan", "called Acme, follow up Friday")
	h.now = monday
	h.say("lan", "called Beta, follow up today")
	h.say("lan", "called Delta, follow up Thursday")
	h.say("minh", "called Gamma, follow up today")

	tests := []struct {
		user, ask string
		want      []string
		not       []string
	}{
		{"lan", "who should I follow up with?", []string{"To follow up (2):", "Acme", "Beta"}, []string{"Delta", "Gamma"}},
		{"lan", "overdue", []string{"Acme"}, []string{"Beta", "Delta"}},
		{"lan", "việc quá hạn", []string{"Acme"}, []string{"Beta"}},
		{"lan", "follow-ups for Beta", []string{"Beta"}, []string{"Acme"}},
		{"lan", "follow-ups this week", []string{"Acme", "Beta", "Delta"}, []string{"Gamma"}},
		{"lan", "who should Minh follow up with?", []string{"only show you your own"}, []string{"Gamma"}},
		{"boss", "who should Minh follow up with?", []string{"Minh Tran — to follow up (1):", "Gamma"}, []string{"Acme", "Beta"}},
		{"boss", "Lan cần gọi ai", []string{"Lan Nguyen", "Acme", "Beta"}, []string{"Gamma"}},
		{"boss", "team follow-ups", []string{"The team — to follow up (3):", "Acme", "Beta", "Gamma"}, nil},
		{"boss", "who should Nobody follow up with?", []string{"don't know a teammate called Nobody"}, nil},
		{"boss", "who should I follow up with?", []string{"Nobody needs you"}, []string{"Acme"}},
	}
	for _, tt := range tests {
		got := text(h.say(tt.user, tt.ask))
		for _, w := range tt.want {
			if !strings.Contains(got, w) {
				t.Errorf("%s: %q: reply lacks %q:\n%s", tt.user, tt.ask, w, got)
			}
		}
		for _, n := range tt.not {
			if strings.Contains(got, n) {
				t.Errorf("%s: %q: reply has %q:\n%s", tt.user, tt.ask, n, got)
			}
		}
	}

	// "More" keeps the view it pages through.
	h.r.PageSize = 1
	first := h.say("boss", "team follow-ups")
	next := text(h.press("boss", button(t, first, "More")))
	if !strings.HasPrefix(next, "The team — to follow up (3):") || !strings.Contains(next, "2. ") {
		t.Errorf("More on the team's list:\n%s", next)
	}
	// A rep's forged button shows their own scope only.
	forged := text(h.press("lan", "more:0:o2"))
	if strings.Contains(forged, "Gamma") {
		t.Errorf("lan's forged button shows Minh's customer:\n%s", forged)
	}
}

func TestParseAgendaAsks(t *testing.T) {
	tests := []struct {
		in, whose, customer string
		overdue, week       bool
		later               [2]int // days after Monday 9 March
	}{
		{in: "who should I follow up with?"},
		{in: "who should Lan follow up with?", whose: "Lan"},
		{in: "who does Minh need to call?", whose: "Minh"},
		{in: "Lan's follow-ups", whose: "Lan"},
		{in: "Lan cần gọi ai?", whose: "Lan"},
		{in: "hôm nay gọi ai", whose: ""},
		{in: "team follow-ups", whose: "team"},
		{in: "ai cần liên hệ của cả nhóm", whose: "team"},
		{in: "overdue", overdue: true},
		{in: "việc quá hạn", overdue: true},
		{in: "follow-ups for Acme this week", customer: "Acme", week: true},
		{in: "follow ups with Minh Phát", customer: "Minh Phát"},
		{in: "ai cần liên hệ tuần này", week: true},
		// A period is not a name, nor "what" a teammate.
		{in: "what's due today"},
		{in: "follow-ups tomorrow", later: [2]int{1, 1}},
		{in: "follow-ups next week", later: [2]int{7, 13}},
		{in: "show my follow-ups for next week", later: [2]int{7, 13}},
		{in: "follow-ups for Acme next week", customer: "Acme", later: [2]int{7, 13}},
		{in: "follow-ups for Acme on Friday", customer: "Acme", later: [2]int{4, 4}},
		{in: "viec can lam voi Minh Phat tuan sau", customer: "Minh Phat", later: [2]int{7, 13}},
		{in: "lịch hẹn ngày mai", later: [2]int{1, 1}},
		{in: "who should Lan follow up with tomorrow?", whose: "Lan", later: [2]int{1, 1}},
		// A month: this one from today, a later one whole, a name's
		// preposition no part of the name; a day of a month is a day.
		{in: "follow-ups this month", later: [2]int{0, 22}},
		{in: "follow-ups next month", later: [2]int{23, 52}},
		{in: "follow-ups in December", later: [2]int{267, 297}},
		{in: "follow-ups for February", later: [2]int{329, 356}},
		{in: "follow-ups for Acme in May", customer: "Acme", later: [2]int{53, 83}},
		{in: "follow-ups for Acme next month", customer: "Acme", later: [2]int{23, 52}},
		{in: "lịch hẹn tháng sau", later: [2]int{23, 52}},
		{in: "việc cần làm tháng này", later: [2]int{0, 22}},
		{in: "ai cần liên hệ tháng 12", later: [2]int{267, 297}},
		{in: "lịch hẹn với Minh Phát trong tháng 4", customer: "Minh Phát", later: [2]int{23, 52}},
		{in: "lich hen ngay 5 thang 4", later: [2]int{27, 27}},
		{in: "follow-ups April 5", later: [2]int{27, 27}},
		// The week, a command's period, a name after the period.
		{in: "follow-ups for the week", week: true},
		{in: "/followups next week", later: [2]int{7, 13}},
		{in: "/agenda tomorrow", later: [2]int{1, 1}},
		{in: "what's due tomorrow for Acme", customer: "Acme", later: [2]int{1, 1}},
		{in: "lịch hẹn ngày mai với Minh Phát", customer: "Minh Phát", later: [2]int{1, 1}},
		// Short questions.
		{in: "ai can goi hom nay"},
		{in: "ai cần gọi hôm nay"},
		{in: "ai cần gọi"},
		{in: "hôm nay cần làm gì"},
		{in: "todo"},
		{in: "what's overdue?", overdue: true},
	}
	for _, tt := range tests {
		in := conversation.Parse(tt.in, monday, hanoi)
		if in.Kind != conversation.IntentFollowUps || in.Whose != tt.whose || in.Customer != tt.customer || in.Overdue != tt.overdue || in.Week != tt.week ||
			in.Later != tt.later {
			t.Errorf("Parse(%q) = %+v", tt.in, in)
		}
	}
	// "overdue" inside a message is part of what was said, and so are
	// "cần làm gì" and "to do" after a verb.
	for _, s := range []string{"called Acme about the overdue invoice", "gặp Minh Phát, bàn xem cần làm gì",
		"called Acme, lots to do before the demo"} {
		if in := conversation.Parse(s, monday, hanoi); in.Kind != conversation.IntentLog {
			t.Errorf("Parse(%q) read as %s", s, in.Kind)
		}
	}
}

// TestAgendaPeriods pins what a question about one customer or about
// later days shows: that customer's open follow-ups, whenever due; the
// follow-ups due on the days asked about, and only those.
func TestAgendaPeriods(t *testing.T) {
	h := newHarness(t)
	h.say("lan", "called Acme, follow up Friday about the quote")         // 13 March
	h.say("lan", "remind me to call Acme next Tuesday about the invoice") // 17 March
	h.say("lan", "called Beta, follow up 18/3")
	h.say("lan", "called Globex, follow up tomorrow")
	h.say("lan", "remind me to email Initech today")
	h.say("lan", "called Northwind")
	h.say("lan", "called Delta, follow up 2/4")
	tests := []struct {
		ask       string
		want, not []string
	}{
		{"follow-ups for Acme", []string{"about the quote", "about the invoice"}, []string{"Globex", "Initech", "Nobody needs you"}},
		{"follow-ups next week", []string{"To follow up (2):", "call Acme about the invoice", "Beta"}, []string{"Globex", "Initech", "due Fri 13 Mar"}},
		{"show my follow-ups for next week", []string{"call Acme about the invoice"}, []string{"customer called", "Initech"}},
		{"follow-ups tomorrow", []string{"Globex"}, []string{"Initech", "Acme"}},
		{"follow-ups for Acme on Friday", []string{"due Fri 13 Mar: about the quote"}, []string{"invoice"}},
		{"follow-ups on Friday", []string{"due Fri 13 Mar: about the quote"}, []string{"Initech", "invoice"}},
		{"what's due today", []string{"Initech"}, []string{"teammate", "Globex"}},
		{"follow-ups for Globex next week", []string{"No follow-ups due Mon 16 Mar – Sun 22 Mar."}, nil},
		{"follow-ups for Northwind", []string{"No open follow-ups for this customer"}, nil},
		{"viec can lam voi Acme tuan sau", []string{"call Acme about the invoice"}, []string{"T6 13/3"}},
		{"lịch hẹn ngày mai", []string{"Globex"}, []string{"Initech"}},
		// Months, the week, a command's period, a customer after the period.
		{"follow-ups next month", []string{"To follow up (1):", "Delta"}, []string{"Acme", "Beta", "Globex", "Initech"}},
		{"lịch hẹn tháng sau", []string{"Delta"}, []string{"Acme", "Beta", "Globex"}},
		{"follow-ups this month", []string{"To follow up (4):", "Initech", "Globex", "Acme", "Beta"}, []string{"Delta"}},
		{"follow-ups in May", []string{"No follow-ups due Fri 1 May – Sun 31 May."}, nil},
		{"follow-ups for the week", []string{"Initech", "Globex", "Acme"}, []string{"customer called", "Beta", "Delta"}},
		{"/followups next week", []string{"To follow up (2):", "call Acme about the invoice", "Beta"}, []string{"Globex", "Initech"}},
		{"what's due tomorrow for Acme", []string{"No follow-ups due tomorrow."}, []string{"Globex"}},
		{"what's due tomorrow for Globex", []string{"Globex"}, []string{"Acme", "Initech"}},
	}
	for _, tt := range tests {
		got := text(h.say("lan", tt.ask))
		for _, w := range tt.want {
			if !strings.Contains(got, w) {
				t.Errorf("%q: reply lacks %q:\n%s", tt.ask, w, got)
			}
		}
		for _, n := range tt.not {
			if strings.Contains(got, n) {
				t.Errorf("%q: reply has %q:\n%s", tt.ask, n, got)
			}
		}
	}
	// "More" keeps the days asked about.
	h.r.PageSize = 1
	next := text(h.press("lan", button(t, h.say("lan", "follow-ups next week"), "More")))
	if !strings.Contains(next, "2. ") || strings.Contains(next, "Globex") || strings.Contains(next, "Initech") {
		t.Errorf("More on next week's list:\n%s", next)
	}
	// And the rest of this month, from today.
	next = text(h.press("lan", button(t, h.say("lan", "follow-ups this month"), "More")))
	if !strings.HasPrefix(next, "To follow up (4):") || !strings.Contains(next, "2. ") || strings.Contains(next, "Delta") {
		t.Errorf("More on this month's list:\n%s", next)
	}
}
