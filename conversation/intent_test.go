package conversation_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/tend-crm/tend/conversation"
)

var (
	hanoi, _ = time.LoadLocation("Asia/Ho_Chi_Minh")
	monday   = time.Date(2026, 3, 9, 10, 0, 0, 0, hanoi) // Monday 9 March 2026, 10:00
)

func TestParse(t *testing.T) {
	tests := []struct {
		in                      string
		intent, kind            string
		customer, contact, note string
		due                     string // RFC3339 in Hanoi, or ""
		lang                    string
	}{
		{in: "called Acme Corp, spoke to Jane about pricing, follow up today", intent: "log_interaction", kind: "call",
			customer: "Acme Corp", contact: "Jane", note: "spoke to Jane about pricing", due: "2026-03-09T00:00:00+07:00"},
		{in: "called acme, jane wants a quote, ping her tuesday", intent: "log_interaction", kind: "call", contact: "jane",
			customer: "acme", note: "jane wants a quote", due: "2026-03-10T00:00:00+07:00"},
		{in: "Met with Jane from Initech", intent: "log_interaction", kind: "meeting", customer: "Initech", contact: "Jane"},
		{in: "emailed Acme the proposal, follow up next week", intent: "log_interaction", kind: "email", customer: "Acme",
			note: "the proposal", due: "2026-03-16T00:00:00+07:00"},
		{in: "texted Globex", intent: "log_interaction", kind: "message", customer: "Globex"},
		{in: "note on Acme: prefers calls after 3pm", intent: "log_interaction", kind: "note", customer: "Acme"},
		{in: "remind me to call Globex on Friday about the quote", intent: "set_followup", kind: "call", customer: "Globex",
			note: "call Globex about the quote", due: "2026-03-13T00:00:00+07:00"},
		{in: "call Acme tomorrow 3pm", intent: "set_followup", kind: "call", customer: "Acme", note: "call Acme",
			due: "2026-03-10T15:00:00+07:00"},
		{in: "follow up with Initech next week", intent: "set_followup", customer: "Initech", due: "2026-03-16T00:00:00+07:00",
			note: "follow up with Initech"},
		{in: "who should I follow up with?", intent: "followups"},
		{in: "What's due", intent: "followups"},
		{in: "/followups", intent: "followups"},
		{in: "/followups@TendBot", intent: "followups"},
		{in: "/tend followups", intent: "followups"},
		{in: "/tend log Acme asked for a discount", intent: "log_interaction", kind: "note", customer: "Acme"},
		{in: "/tend log called Acme", intent: "log_interaction", kind: "call", customer: "Acme"},
		{in: "/tend show Acme Corp", intent: "show_customer", customer: "Acme Corp"},
		{in: "show me acme?", intent: "show_customer", customer: "acme"},
		{in: "done Acme", intent: "done", customer: "Acme"},
		{in: "snooze Acme until Monday", intent: "snooze", customer: "Acme", due: "2026-03-16T00:00:00+07:00"},
		{in: "undo", intent: "undo"},
		{in: "/tend undo", intent: "undo"},
		{in: "help", intent: "help"},
		{in: "?", intent: "help"},
		{in: "the weather is nice", intent: "unknown"},
		{in: "", intent: "unknown"},
		{in: "gọi cho Minh Phát, chị Lan muốn báo giá, thứ ba tuần sau gọi lại", intent: "log_interaction", kind: "call",
			customer: "Minh Phát", contact: "chị Lan", note: "chị Lan muốn báo giá", due: "2026-03-17T00:00:00+07:00", lang: "vi"},
		{in: "ai cần gọi lại hôm nay?", intent: "followups", lang: "vi"},
		{in: "send my digest at 8am", intent: "settings"},
		{in: "gửi tóm tắt lúc 7h30", intent: "settings", lang: "vi"},
		{in: "no digest on weekends", intent: "settings"},
		{in: "Acme Corp is also called ACME Inc", intent: "alias", customer: "Acme Corp"},
		{in: "Jane's birthday at Acme is 12/3", intent: "occasion", customer: "Acme", contact: "Jane", due: "2026-03-12T00:00:00+07:00"},
		{in: "sinh nhật chị Lan bên Minh Phát ngày 5/12", intent: "occasion", customer: "Minh Phát", contact: "chị Lan",
			due: "2026-12-05T00:00:00+07:00", lang: "vi"},
		{in: "Minh Phat thanh lap 15/8", intent: "occasion", customer: "Minh Phat", due: "2026-08-15T00:00:00+07:00", lang: "vi"},
		{in: "/tend alias Acme Corp = ACME Inc", intent: "alias", customer: "Acme Corp"},
	}
	for _, tt := range tests {
		got := conversation.Parse(tt.in, monday, hanoi)
		want := tt.lang
		if want == "" {
			want = "en"
		}
		due := ""
		if got.Due != nil {
			due = got.Due.In(hanoi).Format(time.RFC3339)
		}
		if string(got.Kind) != tt.intent || string(got.Type) != tt.kind || got.Customer != tt.customer ||
			got.Contact != tt.contact || (tt.note != "" && got.Note != tt.note) || due != tt.due || got.Lang != want {
			b, _ := json.Marshal(got)
			t.Errorf("Parse(%q) = %s\nwant intent=%s kind=%s customer=%q contact=%q note=%q due=%s lang=%s",
				tt.in, b, tt.intent, tt.kind, tt.customer, tt.contact, tt.note, tt.due, want)
		}
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{"called Acme Corp, follow up today", "/tend log", "gọi cho Minh Phát", "\xff\xfe", "/", "@", ",,,", "remind me to",
		"value 15k", "close date 30/12", "lost because of price", "mất deal vì giá", "new deal 5k", "cơ hội mới 150 triệu",
		"/tend deal new 5k", "/tend !", "/tend  ."} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		in := conversation.Parse(s, monday, hanoi)
		if in.Kind == "" || in.Lang == "" {
			t.Errorf("Parse(%q) = %+v: empty intent or language", s, in)
		}
	})
}

// A date in the clause of a past-tense verb is when the interaction was,
// not part of the name nor a follow-up; the follow-up keeps its own date
// and what it is about.
func TestParseInteractionDate(t *testing.T) {
	wed := time.Date(2026, 11, 25, 10, 0, 0, 0, hanoi) // Wednesday 25 November 2026
	tests := []struct {
		in                      string
		customer, contact, note string
		at, due                 string // dates in Hanoi, or ""
	}{
		{in: "called Acme yesterday, follow up in 2 weeks", customer: "Acme", at: "2026-11-24", due: "2026-12-09"},
		{in: "met Jane from Acme last Friday, follow up next week", customer: "Acme", contact: "Jane", at: "2026-11-20", due: "2026-11-30"},
		{in: "met Acme 2 days ago", customer: "Acme", at: "2026-11-23"},
		{in: "đã gọi Minh Phát hôm qua, tuần sau gọi lại", customer: "Minh Phát", at: "2026-11-24", due: "2026-11-30"},
		{in: "gặp Minh Phát thứ hai, thứ sáu gọi lại", customer: "Minh Phát", at: "2026-11-23", due: "2026-11-27"},
		{in: "met Acme on 20/11", customer: "Acme", at: "2026-11-20"},
		{in: "called Acme on Monday", customer: "Acme", at: "2026-11-23"},
		{in: "gặp Minh Phát hôm thứ hai", customer: "Minh Phát", at: "2026-11-23"},
		{in: "gặp Minh Phát hôm 20/11", customer: "Minh Phát", at: "2026-11-20"},
		// The follow-up's topic after its date.
		{in: "called Acme, follow up Friday about invoice", customer: "Acme", note: "about invoice", due: "2026-11-27"},
		{in: "called Acme, follow up Friday re invoice", customer: "Acme", note: "re invoice", due: "2026-11-27"},
		{in: "called ACME Inc, follow up tomorrow about the invoice", customer: "ACME Inc", note: "about the invoice", due: "2026-11-26"},
		{in: "gọi Minh Phát, thứ sáu gọi lại về hóa đơn", customer: "Minh Phát", note: "về hóa đơn", due: "2026-11-27"},
		// Holidays; today is the call's day, not the follow-up's.
		{in: "called Acme Corp today about renewal, follow up after Christmas", customer: "Acme Corp", note: "about renewal", due: "2026-12-26"},
		{in: "gọi Minh Phát hôm nay, hẹn gọi lại sau Tết", customer: "Minh Phát", due: "2027-02-11"},
		{in: "called Acme today, follow up after the conference", customer: "Acme"},
		// Still a follow-up: a date ahead, or a plan.
		{in: "called Acme tomorrow", customer: "Acme", due: "2026-11-26"},
		{in: "gặp Minh Phát thứ sáu", customer: "Minh Phát", note: "gặp Minh Phát", due: "2026-11-27"},
	}
	day := func(p *time.Time) string {
		if p == nil {
			return ""
		}
		return p.In(hanoi).Format("2006-01-02")
	}
	for _, tt := range tests {
		got := conversation.Parse(tt.in, wed, hanoi)
		if got.Customer != tt.customer || got.Contact != tt.contact || got.Note != tt.note || day(got.At) != tt.at || day(got.Due) != tt.due {
			b, _ := json.Marshal(got)
			t.Errorf("Parse(%q) = %s\nwant customer=%q contact=%q note=%q at=%s due=%s", tt.in, b, tt.customer, tt.contact, tt.note, tt.at, tt.due)
		}
	}
}

// Past-time phrases are no part of a name and no follow-up; a bare date
// word is no customer; a day and month just gone is the past, and one a
// few days ahead is not one of a year ago.
func TestParsePastPhrases(t *testing.T) {
	tue := time.Date(2026, 11, 24, 10, 0, 0, 0, hanoi) // Tuesday 24 November 2026
	tests := []struct {
		in, intent, customer string
		at, due              string // dates in Hanoi, or ""
	}{
		{in: "called Acme last night", intent: "log_interaction", customer: "Acme", at: "2026-11-23"},
		{in: "called Acme earlier today", intent: "log_interaction", customer: "Acme"},
		{in: "called Acme last month", intent: "log_interaction", customer: "Acme", at: "2026-10-24"},
		{in: "called Acme last year", intent: "log_interaction", customer: "Acme", at: "2025-11-24"},
		{in: "called Acme 3 days back", intent: "log_interaction", customer: "Acme", at: "2026-11-21"},
		{in: "gặp Minh Phát tháng trước", intent: "log_interaction", customer: "Minh Phát", at: "2026-10-24"},
		{in: "gọi Minh Phát cách đây 2 ngày", intent: "log_interaction", customer: "Minh Phát", at: "2026-11-22"},
		{in: "đã gọi Minh Phát năm ngoái", intent: "log_interaction", customer: "Minh Phát", at: "2025-11-24"},
		// No customer named: the router asks which.
		{in: "met on Monday", intent: "log_interaction", at: "2026-11-23"},
		{in: "gặp hôm thứ hai", intent: "log_interaction", at: "2026-11-23"},
		// The past, not a follow-up.
		{in: "gọi Minh Phát tối qua", intent: "log_interaction", customer: "Minh Phát", at: "2026-11-23"},
		{in: "met Acme over the weekend", intent: "log_interaction", customer: "Acme", at: "2026-11-21"},
		{in: "gọi Minh Phát ngày 20/11", intent: "log_interaction", customer: "Minh Phát", at: "2026-11-20"},
		// A follow-up still: a cue, a day far past, a day ahead.
		{in: "gọi Minh Phát, gọi lại ngày 20/11", intent: "log_interaction", customer: "Minh Phát", due: "2027-11-20"},
		{in: "gọi Minh Phát ngày 20/3", intent: "set_followup", customer: "Minh Phát", due: "2027-03-20"},
		{in: "gặp Minh Phát thứ sáu", intent: "set_followup", customer: "Minh Phát", due: "2026-11-27"},
		{in: "called Acme on 30/11", intent: "log_interaction", customer: "Acme", due: "2026-11-30"},
		{in: "called Acme tomorrow", intent: "log_interaction", customer: "Acme", due: "2026-11-25"},
	}
	day := func(p *time.Time) string {
		if p == nil {
			return ""
		}
		return p.In(hanoi).Format("2006-01-02")
	}
	for _, tt := range tests {
		got := conversation.Parse(tt.in, tue, hanoi)
		if string(got.Kind) != tt.intent || got.Customer != tt.customer || day(got.At) != tt.at || day(got.Due) != tt.due {
			b, _ := json.Marshal(got)
			t.Errorf("Parse(%q) = %s\nwant intent=%s customer=%q at=%s due=%s", tt.in, b, tt.intent, tt.customer, tt.at, tt.due)
		}
	}
	// The date's own "on" is no note: "called Acme on 30/11".
	if got := conversation.Parse("called Acme on 30/11", tue, hanoi); got.Note != "" {
		t.Errorf("Parse(%q).Note = %q, want none", "called Acme on 30/11", got.Note)
	}
}
