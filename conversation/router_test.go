package conversation_test

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tend-crm/tend/bot"
	"github.com/tend-crm/tend/conversation"
	"github.com/tend-crm/tend/store"
	"github.com/tend-crm/tend/store/sqlite"
)

// harness is a router on a real SQLite file with a pinned clock.
type harness struct {
	t   *testing.T
	r   *conversation.Router
	db  *sqlite.DB
	seq int
	now time.Time // the clock; tests move it
}

func newHarness(t *testing.T) *harness {
	t.Helper()
	db, err := sqlite.Open(t.Context(), filepath.Join(t.TempDir(), "tend.db"), sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	h := &harness{t: t, db: db, now: monday}
	clock := func() time.Time { return h.now }
	db.Now = clock
	h.r = conversation.NewRouter(db)
	h.r.Now = clock
	h.r.DefaultTimeZone = "Asia/Ho_Chi_Minh"
	return h
}

// say sends text as user and returns the replies' text and buttons.
func (h *harness) say(user, text string) []bot.Reply {
	h.t.Helper()
	h.seq++
	replies, err := h.r.HandleMessage(h.t.Context(), bot.Message{EventID: fmt.Sprint(h.seq), Platform: bot.Slack, ChatID: "D" + user,
		From: bot.Sender{ID: user, Name: user}, Text: text, IsDM: true})
	if err != nil {
		h.t.Fatalf("HandleMessage(%q): %v", text, err)
	}
	return replies
}

func (h *harness) press(user, value string) []bot.Reply {
	h.t.Helper()
	h.seq++
	replies, err := h.r.HandleAction(h.t.Context(), bot.Action{EventID: fmt.Sprint(h.seq), Platform: bot.Slack, ChatID: "D" + user,
		From: bot.Sender{ID: user, Name: user}, Value: value})
	if err != nil {
		h.t.Fatalf("HandleAction(%q): %v", value, err)
	}
	return replies
}

func text(replies []bot.Reply) string {
	var b strings.Builder
	for _, r := range replies {
		b.WriteString(r.Text + "\n")
	}
	return b.String()
}

// button returns the value of the first button whose label starts with label.
func button(t *testing.T, replies []bot.Reply, label string) string {
	t.Helper()
	for _, r := range replies {
		for _, b := range r.Buttons {
			if strings.HasPrefix(b.Label, label) {
				return b.Value
			}
		}
	}
	t.Fatalf("no button %q in %+v", label, replies)
	return ""
}

func wantText(t *testing.T, replies []bot.Reply, subs ...string) {
	t.Helper()
	got := text(replies)
	for _, s := range subs {
		if !strings.Contains(got, s) {
			t.Errorf("reply lacks %q:\n%s", s, got)
		}
	}
}

func TestConversation(t *testing.T) {
	tests := []struct {
		name string
		run  func(t *testing.T, h *harness)
	}{
		{"first mention creates the customer, the second finds it", func(t *testing.T, h *harness) {
			wantText(t, h.say("ann", "called Acme Corp, follow up tomorrow"), "Logged a call with Acme Corp.", "Acme Corp is new", "Follow-up: tomorrow")
			got := h.say("ann", "met ACME corp")
			wantText(t, got, "Logged a meeting with Acme Corp.")
			if strings.Contains(text(got), "is new") {
				t.Errorf("second mention created a customer again:\n%s", text(got))
			}
		}},
		{"a partial name finds the one customer it fits", func(t *testing.T, h *harness) {
			h.say("ann", "called Acme Corp")
			wantText(t, h.say("ann", "emailed acme"), "Logged an email with Acme Corp.")
		}},
		{"two fits are asked about with buttons", func(t *testing.T, h *harness) {
			h.say("ann", "called Acme Corp")
			h.say("ann", "called Acme Industries")
			ask := h.say("ann", "called acme, follow up Friday")
			wantText(t, ask, `Which "acme" do you mean?`)
			wantText(t, h.press("ann", button(t, ask, "Acme Industries")), "Logged a call with Acme Industries.", "Follow-up: Fri 13 Mar")
			if again := h.press("ann", button(t, ask, "Acme Industries")); len(again) != 0 {
				t.Errorf("a second press of the same choice answered again: %v", again)
			}
			if got := text(h.say("ann", "show Acme Industries")); strings.Count(got, "called acme") != 1 {
				t.Errorf("want the call stored once:\n%s", got)
			}
			ask = h.say("ann", "met acme")
			wantText(t, h.press("ann", button(t, ask, "New: acme")), "acme is new")
		}},
		{"a typo is asked about, not made a new customer", func(t *testing.T, h *harness) {
			h.say("ann", "called Acme Corp")
			ask := h.say("ann", "called Acme Crop, follow up Friday")
			wantText(t, ask, `I don't know "Acme Crop" yet. Did you mean one of these?`)
			wantText(t, h.press("ann", button(t, ask, "Acme Corp")), "Logged a call with Acme Corp.")
			ask = h.say("ann", "met Acme Crop")
			wantText(t, h.press("ann", button(t, ask, "New: Acme Crop")), "Acme Crop is new")
			wantText(t, h.say("ann", "show Globxe"), "I don't know a customer called Globxe.")
		}},
		{"occasions come up three days ahead and on the day", func(t *testing.T, h *harness) {
			wantText(t, h.say("ann", "Jane's birthday at Acme is 12/3"), "Noted: Jane's birthday, 12/3.", "Acme is new")
			wantText(t, h.say("ann", "who should I follow up with?"), "1. Acme — Jane's birthday in 3 days")
			h.now = monday.AddDate(0, 0, 3)
			wantText(t, h.say("ann", "who should I follow up with?"), "1. Acme — Jane's birthday today")
			wantText(t, h.say("lan", "Minh Phát thành lập 15/8"), "Đã ghi: ngày kỷ niệm Minh Phát, 15/8.")
		}},
		{"aliases", func(t *testing.T, h *harness) {
			h.say("lan", "gọi cho Công ty TNHH Minh Phát")
			wantText(t, h.say("lan", "Minh Phát còn gọi là MP"), `Đã ghi: Công ty TNHH Minh Phát còn gọi là "MP".`)
			wantText(t, h.say("lan", "called MP, follow up tomorrow"), "Logged a call with Công ty TNHH Minh Phát.")
			// A command answers in the user's language: Lan wrote Vietnamese first.
			wantText(t, h.say("lan", "/tend alias Minh Phat = mp"), `Tôi đã biết Công ty TNHH Minh Phát còn gọi là "mp".`)
		}},
		{"undo removes everything the message stored", func(t *testing.T, h *harness) {
			logged := h.say("ann", "called Globex, spoke to Hank about renewal, follow up today")
			wantText(t, h.press("ann", button(t, logged, "Undo")), "Undone: log call and follow-up: Globex.")
			wantText(t, h.say("ann", "who should I follow up with?"), "Nobody needs you right now")
			wantText(t, h.say("ann", "show Globex"), "I don't know a customer called Globex.")
			wantText(t, h.press("ann", button(t, logged, "Undo")), "I can't undo that")
			wantText(t, h.say("ann", "undo"), "nothing of yours to undo")
		}},
		{"agenda ranks overdue before due today and explains", func(t *testing.T, h *harness) {
			h.now = monday.AddDate(0, 0, -4)
			h.say("ann", "called Initech, follow up today")
			h.now = monday
			h.say("ann", "called Acme, follow up today, send the price list")
			got := text(h.say("ann", "who should I follow up with?"))
			i, a := strings.Index(got, "1. Initech — overdue 4 d"), strings.Index(got, "2. Acme — due today: send the price list")
			if i < 0 || a < 0 {
				t.Errorf("agenda order or reasons wrong:\n%s", got)
			}
		}},
		{"done and snooze by text and by button", func(t *testing.T, h *harness) {
			h.say("ann", "called Acme, follow up today")
			snoozed := h.say("ann", "snooze Acme until Monday")
			wantText(t, snoozed, "Snoozed: follow-up with Acme, now Mon 16 Mar.")
			wantText(t, h.press("ann", button(t, snoozed, "Undo")), "Undone: snooze follow-up: Acme.")
			h.say("ann", "snooze Acme until Monday")
			wantText(t, h.say("ann", "done Acme"), "Done: follow-up with Acme.")
			wantText(t, h.say("ann", "done Acme"), "There is no open follow-up with Acme.")
			h.say("ann", "remind me to call Acme tomorrow")
			card := h.say("ann", "/tend show Acme")
			wantText(t, card, "Open follow-ups:", "tomorrow — call Acme")
			wantText(t, h.press("ann", button(t, card, "Snooze")), "Snoozed: follow-up with Acme, now Wed 11 Mar.")
		}},
		{"a rep cannot reach another rep's customer", func(t *testing.T, h *harness) {
			logged := h.say("ann", "called Acme, follow up today")
			show := h.say("ann", "show Acme")
			done := button(t, show, "Done")
			wantText(t, h.say("bob", "show Acme"), "I don't know a customer called Acme.")
			wantText(t, h.press("bob", done), "I can't find that")
			wantText(t, h.press("bob", button(t, logged, "Undo")), "I can't find that")
			wantText(t, h.say("bob", "who should I follow up with?"), "Nobody needs you")
			wantText(t, h.say("ann", "who should I follow up with?"), "1. Acme — due today")
		}},
		{"the same event twice is handled once", func(t *testing.T, h *harness) {
			m := bot.Message{EventID: "Ev1", Platform: bot.Slack, ChatID: "D1", From: bot.Sender{ID: "ann"}, Text: "called Acme", IsDM: true}
			first, err := h.r.HandleMessage(t.Context(), m)
			if err != nil || len(first) == 0 {
				t.Fatalf("first delivery: %v %v", first, err)
			}
			again, err := h.r.HandleMessage(t.Context(), m)
			if err != nil || len(again) != 0 {
				t.Fatalf("redelivery answered: %v %v", again, err)
			}
			got := text(h.say("ann", "show Acme"))
			if strings.Count(got, "called Acme") != 1 {
				t.Errorf("want one interaction:\n%s", got)
			}
		}},
		{"too long a message is refused whole", func(t *testing.T, h *harness) {
			wantText(t, h.say("ann", "called Acme, "+strings.Repeat("blah ", 5000)), "too long", "Nothing was saved")
			wantText(t, h.say("ann", "show Acme"), "I don't know a customer called Acme.")
		}},
		{"odd input gets an answer", func(t *testing.T, h *harness) {
			wantText(t, h.say("ann", "\xff\xfe<@U123> *bold* `code`"), "Sorry, I didn't get that")
			wantText(t, h.press("ann", "drop table customers"), "expired")
			wantText(t, h.press("ann", "done:99999"), "I can't find that")
			wantText(t, h.press("ann", "pick:12:-1"), "expired")
			wantText(t, h.say("ann", "called ,,,"), "Which customer was that?")
		}},
		{"paging", func(t *testing.T, h *harness) {
			for i := range 12 {
				h.say("ann", fmt.Sprintf("called Customer %02d, follow up today", i))
			}
			first := h.say("ann", "who should I follow up with?")
			wantText(t, first, "To follow up (12):", "10. Customer 09")
			wantText(t, h.press("ann", button(t, first, "More (2)")), "11. Customer 10", "12. Customer 11")
		}},
		{"settings", func(t *testing.T, h *harness) {
			wantText(t, h.say("ann", "send my digest at 8am"), "Your digest comes at 08:00, Monday to Friday.")
			wantText(t, h.say("ann", "digest on weekends too"), "Your digest comes at 08:00 every day.")
			wantText(t, h.say("ann", "stop the digest"), "No more morning digests.")
			wantText(t, h.say("ann", "my time zone is Mars/Olympus"), `I don't know the time zone "Mars/Olympus"`)
			wantText(t, h.say("ann", "my time zone is Europe/Berlin"), "Your time zone is now Europe/Berlin")
			wantText(t, h.say("ann", "trả lời bằng tiếng Việt"), "Tôi sẽ trả lời bằng tiếng Việt.")
			wantText(t, h.say("ann", "/followups"), "Hiện chưa ai cần bạn")               // a command: the user's language
			wantText(t, h.say("ann", "who should I follow up with?"), "Nobody needs you") // English spoken: English
		}},
		{"Vietnamese is answered in Vietnamese", func(t *testing.T, h *harness) {
			wantText(t, h.say("lan", "gọi cho Minh Phát, chị Lan muốn báo giá, thứ ba tuần sau gọi lại"),
				"Đã ghi cuộc gọi với Minh Phát.", "Minh Phát là khách mới", "Người liên hệ: chị Lan (mới).")
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { tt.run(t, newHarness(t)) })
	}
}

func TestCatalogIsComplete(t *testing.T) {
	// Every string exists in every language: a missing one would show
	// English in a Vietnamese chat.
	missing, err := conversation.MissingTranslations()
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range missing {
		t.Errorf("missing translation: %s", m)
	}
}

// TestLogDatedByTheMessage: a call the message dates in the past is
// stored on that day, said so, and is no follow-up; the customer's name
// keeps none of the date.
func TestLogDatedByTheMessage(t *testing.T) {
	h := newHarness(t)
	h.say("U1", "called Acme Corp")
	for _, tc := range []struct{ text, want string }{
		{"called Acme yesterday, follow up in 2 weeks", "Logged a call with Acme Corp — yesterday."},
		{"met Acme on Friday", "Logged a meeting with Acme Corp — Fri 6 Mar."},
		{"đã gọi Acme hôm qua, tuần sau gọi lại", "Đã ghi cuộc gọi với Acme Corp — hôm qua."},
	} {
		got := h.say("U1", tc.text)
		if len(got) == 0 || !strings.HasPrefix(got[0].Text, tc.want) {
			t.Errorf("%q: %+v, want it to start %q", tc.text, got, tc.want)
		}
	}
	if got := h.say("U1", "met Acme on Friday"); strings.Contains(got[0].Text, "Follow-up") {
		t.Errorf("a past meeting made a follow-up: %q", got[0].Text)
	}
}

// TestSnoozePickerMovesTheOnePicked: "snooze Acme until Monday" with two
// open follow-ups asks which; the one picked is moved to Monday, not
// closed, and the other is left alone.
func TestSnoozePickerMovesTheOnePicked(t *testing.T) {
	h := newHarness(t)
	h.say("ann", "called Acme, follow up Friday")
	h.say("ann", "remind me to call Acme tomorrow")
	asked := h.say("ann", "snooze Acme until Monday")
	if len(asked) != 1 || len(asked[0].Buttons) != 2 || !strings.Contains(asked[0].Text, "Which one?") {
		t.Fatalf("snooze with two open: %+v", asked)
	}
	if got := asked[0].Buttons[1].Label; got != "Fri 13 Mar — (no note)" {
		t.Errorf("a follow-up without a note is offered as %q", got)
	}
	got := h.press("ann", asked[0].Buttons[0].Value)
	if len(got) == 0 || !strings.HasPrefix(got[0].Text, "Snoozed: follow-up with Acme") || !strings.Contains(got[0].Text, "Mon 16 Mar") {
		t.Errorf("picked: %+v, want it snoozed to Monday", got)
	}
	fus, err := h.db.FollowUps(t.Context(), h.user("ann"), store.FollowUpFilter{Status: store.FollowUpOpen})
	if err != nil || len(fus) != 2 {
		t.Fatalf("open follow-ups after the snooze: %v, %v; want both still open", fus, err)
	}
	if got := fus[1].Due.In(hanoi); got.Day() != 16 {
		t.Errorf("the one picked is due %v, want Monday 16 March", got)
	}
}
