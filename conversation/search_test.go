package conversation_test

import (
	"strings"
	"testing"

	"github.com/tend-crm/tend/conversation"
)

func TestParseLookup(t *testing.T) {
	tests := []struct {
		in, intent, query, customer string
	}{
		{"what did we discuss with Acme about pricing?", "search", "Acme pricing", ""},
		{"search pricing", "search", "pricing", ""},
		{"search for the renewal contract", "search", "renewal contract", ""},
		{"/tend search báo giá", "search", "báo giá", ""},
		{"/search@TendBot Minh Phát", "search", "Minh Phát", ""},
		{"tìm báo giá Minh Phát", "search", "báo giá Minh Phát", ""},
		{"tim bao gia minh phat", "search", "bao gia minh phat", ""},
		{"tra cứu hợp đồng", "search", "hợp đồng", ""},
		{"đã nói gì với Minh Phát về giá?", "search", "Minh Phát giá", ""},
		{"history Acme", "history", "", "Acme"},
		{"show history of Acme Corp", "history", "", "Acme Corp"},
		{"/tend history Acme", "history", "", "Acme"},
		{"/history Acme", "history", "", "Acme"},
		{"lịch sử Minh Phát", "history", "", "Minh Phát"},
		{"lich su cua minh phat", "history", "", "minh phat"},
		{"show Acme", "show_customer", "", "Acme"},
	}
	for _, tt := range tests {
		got := conversation.Parse(tt.in, monday, hanoi)
		if string(got.Kind) != tt.intent || got.Query != tt.query || got.Customer != tt.customer {
			t.Errorf("Parse(%q) = %s query %q customer %q, want %s %q %q", tt.in, got.Kind, got.Query, got.Customer, tt.intent, tt.query, tt.customer)
		}
	}
}

func TestSearchAndHistory(t *testing.T) {
	h := newHarness(t)
	h.say("ann", "called Acme Corp, spoke to Jane about pricing, follow up Friday")
	h.say("ann", "gọi cho Minh Phát, chị Lan muốn báo giá máy in")
	h.say("bob", "called Globex about their secret pricing")

	wantText(t, h.say("ann", "what did we discuss with Acme about pricing?"),
		`Found for "Acme pricing":`, "1. Acme Corp — a call, today: called Acme Corp, spoke to Jane about pricing")
	got := h.say("ann", "tìm báo giá Minh Phát")
	wantText(t, got, `Kết quả cho "báo giá Minh Phát":`, "Minh Phát — cuộc gọi, hôm nay: gọi cho Minh Phát, chị Lan muốn báo giá máy in")
	wantText(t, h.press("ann", button(t, got, "Xem Minh Phát")), "Minh Phát")
	if s := text(h.say("ann", "search pricing")); strings.Contains(s, "Globex") {
		t.Errorf("ann finds bob's customer:\n%s", s)
	}
	wantText(t, h.say("ann", "search globex"), `Nothing found for "globex"`)
	wantText(t, h.say("ann", "search ?!"), "What should I look for?")

	h.say("ann", "snooze Acme until Monday")
	h.say("ann", "undo")
	wantText(t, h.say("ann", "history Acme"), "Recent changes to Acme Corp:",
		"today 10:00 · ann · undo: snooze follow-up: Acme Corp", "· ann · snooze follow-up: Acme Corp (undone)",
		"· ann · log call and follow-up: Acme Corp")
	wantText(t, h.say("ann", "lịch sử Minh Phát"), "Thay đổi gần đây của Minh Phát:", "ghi cuộc gọi: Minh Phát")
	wantText(t, h.say("ann", "history Globex"), "I don't know a customer called Globex.")
}
