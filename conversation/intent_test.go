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
	for _, s := range []string{"called Acme Corp, follow up today", "/tend log", "gọi cho Minh Phát", "\xff\xfe", "/", "@", ",,,", "remind me to"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		in := conversation.Parse(s, monday, hanoi)
		if in.Kind == "" || in.Lang == "" {
			t.Errorf("Parse(%q) = %+v: empty intent or language", s, in)
		}
	})
}
