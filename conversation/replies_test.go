package conversation_test

import (
	"fmt"
	"strings"
	"testing"
)

// TestLogNamesTheFollowUpDue: logging a contact with a customer whose
// follow-up is due today or late says so, with a Done button; it closes
// nothing by itself. Clock: Monday 9 March 2026, 10:00.
func TestLogNamesTheFollowUpDue(t *testing.T) {
	tests := []struct {
		name  string
		setup []string
		say   string
		want  string // "" : no such line
	}{
		{"due today", []string{"call Acme today"}, "called Acme, talked about pricing",
			"You had a follow-up due today: call Acme."},
		{"late", []string{"@-2d:called Acme, follow up tomorrow"}, "emailed Acme the quote",
			"You had a follow-up due yesterday: (no note)."},
		{"a meeting too", []string{"remind me to visit Acme today about the demo"}, "met Acme",
			"You had a follow-up due today: visit Acme about the demo."},
		{"in Vietnamese", []string{"nhắc tôi gọi Minh Phát hôm nay"}, "đã gọi Minh Phát",
			"Bạn có lịch hẹn đến hạn hôm nay: gọi Minh Phát."},
		{"a follow-up set in the same message is not named", nil, "called Acme, follow up today", ""},
		{"a note is not contact", []string{"call Acme today"}, "note on Acme: likes golf", ""},
		{"not due yet", []string{"call Acme tomorrow"}, "called Acme", ""},
		{"a contact dated the day the follow-up was set", []string{"@-1d:call Acme today"}, "called Acme yesterday",
			"You had a follow-up due yesterday: call Acme."},
		{"a contact dated before the follow-up was set", []string{"@-1d:call Acme today"}, "called Acme 2 days ago", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t)
			for _, s := range tt.setup {
				if at, rest, ok := strings.Cut(s, ":"); ok && strings.HasPrefix(at, "@-") {
					days := 0
					fmt.Sscanf(at, "@-%dd", &days)
					h.now = monday.AddDate(0, 0, -days)
					h.say("ann", rest)
					h.now = monday
					continue
				}
				h.say("ann", s)
			}
			got := h.say("ann", tt.say)
			all := text(got)
			if tt.want == "" {
				if strings.Contains(all, "follow-up due") || strings.Contains(all, "lịch hẹn đến hạn") {
					t.Errorf("%q named a follow-up:\n%s", tt.say, all)
				}
				return
			}
			wantText(t, got, tt.want)
			done := ""
			for _, r := range got {
				if strings.Contains(r.Text, tt.want) && len(r.Buttons) == 1 {
					done = r.Buttons[0].Value
				}
			}
			if !strings.HasPrefix(done, "done:") {
				t.Fatalf("no Done button with the line: %+v", got)
			}
			if !strings.Contains(text(h.say("ann", "/followups")), "1. ") {
				t.Errorf("the follow-up was closed without asking")
			}
			if pressed := text(h.press("ann", done)); !strings.Contains(pressed, "Done:") && !strings.Contains(pressed, "Xong:") {
				t.Errorf("pressing Done: %s", pressed)
			}
		})
	}
}

// TestPastTimesAreRefused: a follow-up or snooze that has gone is refused
// with a question and nothing stored; a past interaction with a future
// follow-up, and an all-day follow-up today, are fine.
func TestPastTimesAreRefused(t *testing.T) {
	tests := []struct {
		say, want string
	}{
		{"remind me to call Globex yesterday", "That's in the past (yesterday) — when should I remind you? Nothing was saved."},
		{"remind me to call Globex on 1/1/2020", "That's in the past (Wed 1 Jan 2020)"},
		{"call Globex today at 8am", "That's in the past (today 08:00)"},
		{"called Globex, follow up yesterday", "That's in the past (yesterday)"},
		{"snooze Acme until yesterday", "That's in the past (yesterday) — until when should I snooze it? Nothing was changed."},
		{"hoãn Acme đến hôm qua", "Lúc đó (hôm qua) đã qua rồi — bạn muốn hoãn đến khi nào?"},
		{"nhắc tôi gọi Globex hôm qua", "Lúc đó (hôm qua) đã qua rồi — bạn muốn tôi nhắc khi nào? Chưa lưu gì."},
		{"called Globex yesterday, follow up tomorrow", "Follow-up: tomorrow"},
		{"remind me to call Globex today", "Follow-up: today — call Globex."},
		{"call Globex today at 3pm", "Follow-up: today 15:00"},
	}
	for _, tt := range tests {
		t.Run(tt.say, func(t *testing.T) {
			h := newHarness(t)
			h.say("ann", "call Acme tomorrow")
			wantText(t, h.say("ann", tt.say), tt.want)
			if strings.Contains(tt.want, "past") || strings.Contains(tt.want, "đã qua") {
				wantText(t, h.say("ann", "show Globex"), "I don't know a customer called Globex.")
				wantText(t, h.say("ann", "show Acme"), "tomorrow — call Acme")
			}
		})
	}
}

// TestSaysWhatWasWrong: dates that do not exist, cadences out of range, a
// file that is not there, a number with nothing to pick.
func TestSaysWhatWasWrong(t *testing.T) {
	tests := []struct {
		setup     []string
		say, want string
	}{
		{nil, "Jane's birthday at Acme is 31/2", "There is no 31 February — which day did you mean? Nothing was saved."},
		{nil, "remind me to call Acme on 30/2", "There is no 30 February — which day did you mean?"},
		{nil, "called Acme, follow up on 31/4", "There is no 31 April"},
		{nil, "snooze Acme until 30/2", "There is no 30 February"},
		{nil, "sinh nhật chị Lan bên Minh Phát ngày 30/2", "Không có ngày 30/2 — ý bạn là ngày nào? Chưa lưu gì."},
		{nil, "called Acme, delivered to 31/2 Nguyen Trai", "Logged a call with Acme."}, // an address, not a date
		{[]string{"called Acme"}, "keep in touch with Acme every 500 months", "A keep-in-touch cadence is 1 day to 10 years, so I changed nothing."},
		{[]string{"called Acme"}, "keep in touch with Acme every 0 days", "A keep-in-touch cadence is 1 day to 10 years"},
		{[]string{"called Acme"}, "keep in touch with Acme every 99999999999999999999 months", "A keep-in-touch cadence is 1 day to 10 years"},
		{[]string{"gọi cho Minh Phát"}, "giữ liên lạc với Minh Phát mỗi 0 ngày", "Nhịp giữ liên lạc phải từ 1 ngày đến 10 năm"},
		{[]string{"called Acme"}, "keep in touch with Acme every 2 weeks", "keep in touch every 14 days"},
		{nil, "import s/nope.csv", "I can't find s/nope.csv."},
		{nil, "nhập \"khách hàng.csv\"", "Tôi không tìm thấy khách hàng.csv."},
		{nil, "1", "There's no choice 1 now"},
		{nil, "import the customers please", "Sorry, I didn't get that."},
	}
	for _, tt := range tests {
		t.Run(tt.say, func(t *testing.T) {
			h := newHarness(t)
			for _, s := range tt.setup {
				h.say("ann", s)
			}
			wantText(t, h.say("ann", tt.say), tt.want)
			if strings.Contains(tt.want, "no ") || strings.Contains(tt.want, "Không có ngày") {
				wantText(t, h.say("ann", "show Acme"), "I don't know a customer called Acme.")
			}
		})
	}
	// The second lunar month may have a 30th.
	h := newHarness(t)
	for _, say := range []string{"Jane's birthday at Acme is 30/2 âm lịch", "giỗ ông bên Minh Phát ngày 30/2 AL"} {
		if got := text(h.say("ann", say)); strings.Contains(got, "There is no") || strings.Contains(got, "Không có ngày") {
			t.Errorf("%q: %s", say, got)
		}
	}
}

// TestWording: plurals, a note logged, a stage, a person added, a
// follow-up without a note.
func TestWording(t *testing.T) {
	tests := []struct {
		setup    []string
		say      string
		want     []string
		dontWant string
	}{
		{nil, "note on Acme: likes golf", []string{"Added a note on Acme."}, "Logged a note"},
		{nil, "ghi chú Minh Phát: thích golf", []string{"Đã thêm ghi chú cho Minh Phát."}, "ghi ghi chú"},
		{[]string{"called Acme"}, "Acme is loyal", []string{"Acme: now a loyal customer; keep in touch every 60 days"}, "now a loyal;"},
		{[]string{"called Acme"}, "Acme is now a lead", []string{"Acme: now a lead;"}, ""},
		{[]string{"called Acme"}, "Acme is lost", []string{"Acme: now lost;"}, ""},
		{nil, "called Mr Minh", []string{"Mr Minh is new — added as a customer."}, "added it"},
		{[]string{"called Acme, follow up tomorrow"}, "show Acme", []string{"tomorrow — (no note)"}, ""},
		{[]string{"called Acme, follow up tomorrow"}, "xem Acme", []string{"ngày mai — (không ghi chú)"}, ""},
		{[]string{"called Zeta, follow up tomorrow"}, "search Zeta", []string{"Zeta — follow-up: (no note)"}, ""},
		{[]string{"called Acme"}, "export", []string{"users.csv — 1 row\n", "customers.csv — 1 row\n"}, "1 rows"},
		{[]string{"called Acme"}, "pipeline", []string{"ann: 1 call, 0 meetings, 0 follow-ups done"}, "1 calls"},
	}
	for _, tt := range tests {
		t.Run(tt.say, func(t *testing.T) {
			h := newHarness(t)
			h.say("ann", "trả lời bằng tiếng Việt") // an admin: the first user
			h.say("ann", "reply in English")
			for _, s := range tt.setup {
				h.say("ann", s)
			}
			got := h.say("ann", tt.say)
			wantText(t, got, tt.want...)
			if tt.dontWant != "" && strings.Contains(text(got), tt.dontWant) {
				t.Errorf("reply has %q:\n%s", tt.dontWant, text(got))
			}
		})
	}
}

// TestCardCountsTheFollowUpsItLeavesOut: past five, the card says how
// many more and how to see them.
func TestCardCountsTheFollowUpsItLeavesOut(t *testing.T) {
	tests := []struct {
		n    int
		want string // "" : no count
	}{
		{5, ""},
		{6, "… and 1 more — say \"follow-ups for Acme\" to see them all."},
		{8, "… and 3 more"},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.n), func(t *testing.T) {
			h := newHarness(t)
			for i := range tt.n {
				h.say("ann", fmt.Sprintf("remind me to call Acme on %d/4 about item %d", 10+i, i))
			}
			got := text(h.say("ann", "show Acme"))
			if tt.want == "" {
				if strings.Contains(got, "more") {
					t.Errorf("counted follow-ups it shows:\n%s", got)
				}
				return
			}
			if !strings.Contains(got, tt.want) || !strings.Contains(got, "item 4") || strings.Contains(got, "item 5") {
				t.Errorf("card:\n%s\nwant five follow-ups and %q", got, tt.want)
			}
		})
	}
}

// TestFollowUpWithoutACustomerAsksWhich: "follow up tomorrow" with no name
// asks which customer, in English as in Vietnamese, and stores nothing.
func TestFollowUpWithoutACustomerAsksWhich(t *testing.T) {
	tests := []struct {
		say, want string
	}{
		{"follow up after Christmas", "Which customer was that?"},
		{"follow up tomorrow", "Which customer was that?"},
		{"followup on Friday", "Which customer was that?"},
		{"hẹn gọi lại sau Tết", "Khách hàng nào vậy?"},
		{"follow up Acme tomorrow", "Follow-up: tomorrow — follow up Acme."},
	}
	for _, tt := range tests {
		t.Run(tt.say, func(t *testing.T) {
			h := newHarness(t)
			wantText(t, h.say("ann", tt.say), tt.want)
		})
	}
	// Nothing was stored for the ones without a name.
	h := newHarness(t)
	h.say("ann", "follow up tomorrow")
	wantText(t, h.say("ann", "follow-ups tomorrow"), "No follow-ups due tomorrow.")
}
