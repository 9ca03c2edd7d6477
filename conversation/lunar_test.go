package conversation_test

import (
	"strings"
	"testing"
	"time"

	"github.com/tend-crm/tend/conversation"
	"github.com/tend-crm/tend/store"
	"github.com/tend-crm/tend/store/sqlite"
)

func TestParseLunar(t *testing.T) {
	tests := []struct {
		in                string
		kind              string
		customer, contact string
		month, day        int
		lang              string
	}{
		{"giỗ ông bên Minh Phát ngày 10/3 âm lịch", "death_anniversary", "Minh Phát", "ông", 3, 10, "vi"},
		{"gio ong ben Minh Phat ngay 10/3 am lich", "death_anniversary", "Minh Phat", "ong", 3, 10, "vi"},
		{"giỗ ông ngày 10/3 âm lịch", "death_anniversary", "", "ông", 3, 10, "vi"},
		{"sinh nhật chị Lan bên Minh Phát 15/8 âm lịch", "birthday", "Minh Phát", "chị Lan", 8, 15, "vi"},
		{"sinh nhật chị Lan bên Minh Phát 15/8 AL", "birthday", "Minh Phát", "chị Lan", 8, 15, "vi"},
		{"lunar birthday of Mr Minh 15/8", "birthday", "Mr Minh", "", 8, 15, "en"},
		{"Jane's lunar birthday at Acme is 15/8", "birthday", "Acme", "Jane", 8, 15, "en"},
	}
	for _, tt := range tests {
		in := conversation.Parse(tt.in, monday, hanoi)
		if in.Kind != conversation.IntentOccasion || !in.Lunar || in.Occasion != tt.kind || in.Customer != tt.customer ||
			in.Contact != tt.contact || in.Due == nil || int(in.Due.Month()) != tt.month || in.Due.Day() != tt.day || in.Lang != tt.lang {
			t.Errorf("Parse(%q) = %+v, want a lunar %s of %q/%q on %d/%d in %s", tt.in, in, tt.kind, tt.customer, tt.contact, tt.day, tt.month, tt.lang)
		}
	}
	// "giờ" folds like "giỗ": without a lunar mark it is an hour.
	for _, s := range []string{"gọi Minh Phát ngày mai 3 giờ", "Jane's birthday at Acme is 12/3", "called Al at Acme on 3/4"} {
		if in := conversation.Parse(s, monday, hanoi); in.Lunar || in.Occasion == "death_anniversary" {
			t.Errorf("Parse(%q) = %+v, want no lunar date", s, in)
		}
	}
	for _, tt := range []struct{ in, segment, lang string }{
		{"plan Tết greetings for segment A", "A", "en"},
		{"plan tet greetings for segment b", "B", "en"},
		{"lên lịch chúc Tết khách nhóm A", "A", "vi"},
		{"len lich chuc tet khach hang nhom c", "C", "vi"},
		{"chúc Tết", "", "vi"},
	} {
		if in := conversation.Parse(tt.in, monday, hanoi); in.Kind != conversation.IntentTet || in.Segment != tt.segment || in.Lang != tt.lang {
			t.Errorf("Parse(%q) = %+v, want Tết greetings for segment %q in %s", tt.in, in, tt.segment, tt.lang)
		}
	}
}

func TestLunarOccasions(t *testing.T) {
	at := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 10, 0, 0, 0, hanoi) }
	t.Run("Vietnamese, and a year later", func(t *testing.T) {
		h := newHarness(t)
		h.say("lan", "gọi cho Minh Phát")
		wantText(t, h.say("lan", "giỗ ông bên Minh Phát ngày 10/3 âm lịch"), "Đã ghi: giỗ ông, 10/3 âm lịch — năm nay 26/4.")
		// 10 March is 10/3 of the solar calendar: nothing.
		h.now = at(2026, 3, 10)
		if got := text(h.say("lan", "ai cần gọi lại hôm nay?")); strings.Contains(got, "giỗ") {
			t.Errorf("the lunar date came up on the solar 10/3:\n%s", got)
		}
		h.now = at(2026, 4, 23)
		wantText(t, h.say("lan", "ai cần gọi lại hôm nay?"), "1. Minh Phát — ", "giỗ ông sau 3 ngày")
		h.now = at(2027, 4, 16) // 10/3 âm lịch in 2027
		wantText(t, h.say("lan", "ai cần gọi lại hôm nay?"), "1. Minh Phát — giỗ ông hôm nay")
	})
	t.Run("English, across Tết", func(t *testing.T) {
		h := newHarness(t)
		h.now = at(2026, 2, 10) // 23/12 of the lunar year ending on 16 February
		wantText(t, h.say("ann", "lunar birthday of Mr Minh 3/1"), "Noted: Mr Minh's birthday, 3/1 lunar — this year 19/2.", "Mr Minh is new")
		h.now = at(2026, 2, 16)
		wantText(t, h.say("ann", "who should I follow up with?"), "Mr Minh — Mr Minh's birthday in 3 days")
		h.now = at(2026, 2, 20)
		wantText(t, h.say("ann", "Jane's lunar birthday at Acme is 3/1"), "Noted: Jane's birthday, 3/1 lunar — next on 8/2/2027.")
	})
	t.Run("the day does not exist", func(t *testing.T) {
		h := newHarness(t)
		wantText(t, h.say("ann", "Jane's lunar birthday at Acme is 31/1"), "That date doesn't exist")
	})
}

func TestTetGreetings(t *testing.T) {
	h := newHarness(t)
	h.say("ann", "called Acme") // ann is enrolled
	h.say("bob", "called Bobco")
	id := func(login string) store.UserID {
		u, err := h.db.UserByIdentity(t.Context(), store.Identity{Platform: "slack", ExternalID: login})
		if err != nil {
			t.Fatal(err)
		}
		return u.ID
	}
	ann, bob := id("ann"), id("bob")
	if err := h.db.Load(t.Context(), func(l *sqlite.Loader) error {
		for _, c := range []store.Customer{{Name: "Minh Phát", OwnerID: ann, Segment: "A"}, {Name: "Sao Mai", OwnerID: ann, Segment: "A"},
			{Name: "Hoàng Long", OwnerID: ann, Segment: "B"}, {Name: "Bobco A", OwnerID: bob, Segment: "A"}} {
			c.Stage = store.StageCustomer
			if _, err := l.AddCustomer(c); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}

	// Tết 2027 is on 6 February.
	got := h.say("ann", "plan Tết greetings for segment A")
	wantText(t, got, "Planned Tết greetings for 2 customers in segment A: a follow-up each on Wed 3 Feb 2027, 3 days before Tết (6/2/2027).")
	wantText(t, h.say("ann", "plan Tết greetings for segment a"), "Tết greetings for segment A are planned already.")
	h.now = time.Date(2027, 2, 3, 9, 0, 0, 0, hanoi)
	wantText(t, h.say("ann", "who should I follow up with?"), "Minh Phát — due today: Tết greetings", "Sao Mai — due today: Tết greetings")
	if list := text(h.say("bob", "who should I follow up with?")); strings.Contains(list, "Tết") {
		t.Errorf("bob got ann's greetings:\n%s", list)
	}
	h.now = monday
	wantText(t, h.press("ann", button(t, got, "Undo")), "Undone")
	h.now = time.Date(2027, 2, 3, 9, 0, 0, 0, hanoi)
	if list := text(h.say("ann", "who should I follow up with?")); strings.Contains(list, "Tết") {
		t.Errorf("greetings still there after undo:\n%s", list)
	}

	// Within three days of Tết: today.
	h.now = time.Date(2027, 2, 5, 9, 0, 0, 0, hanoi)
	wantText(t, h.say("ann", "lên lịch chúc Tết khách nhóm B"), "Đã lên lịch chúc Tết 1 khách nhóm B: mỗi khách một việc cần làm vào hôm nay, trước Tết 1 ngày (6/2/2027).")
	wantText(t, h.say("ann", "plan Tết greetings for segment C"), "You have no customers in segment C")
	wantText(t, h.say("ann", "plan Tết greetings"), "For which segment?")
}
