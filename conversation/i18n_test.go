package conversation

import (
	"strings"
	"testing"
)

// Change summaries are written by the store in English; Vietnamese
// history and undo replies word them in Vietnamese.
func TestChangeText(t *testing.T) {
	tests := []struct{ lang, in, want string }{
		{"vi", "log call and follow-up: Minh Phát", "ghi cuộc gọi và hẹn liên hệ lại: Minh Phát"},
		{"vi", "log note: Minh Phát", "ghi chú: Minh Phát"},
		{"vi", "follow-up and birthday: Minh Phát", "hẹn liên hệ lại và sinh nhật: Minh Phát"},
		{"vi", "undo: snooze follow-up: Sao Mai", "hoàn tác: hoãn hẹn: Sao Mai"},
		{"vi", "complete follow-up: Sao Mai", "xong hẹn: Sao Mai"},
		{"vi", "deal won: Minh Phát renewal", "chuyển cơ hội sang thắng: Minh Phát renewal"},
		{"vi", "deal value: Minh Phát", "giá trị cơ hội: Minh Phát"},
		{"vi", "new deal: Minh Phát", "cơ hội mới: Minh Phát"},
		{"vi", "update customer: Minh Phát", "cập nhật khách hàng: Minh Phát"},
		{"vi", "referral: Minh Phát by Sao Mai", "giới thiệu: Minh Phát được Sao Mai giới thiệu"},
		{"vi", "import customers.csv: 3 created, 1 updated", "nhập customers.csv: 3 tạo mới, 1 cập nhật"},
		{"vi", "remove user: Ann, hand over to Bob", "xóa người dùng: Ann, giao lại cho Bob"},
		{"vi", "something new: Acme", "something new: Acme"}, // unknown shape: as it is
		{"en", "log call and follow-up: Acme", "log call and follow-up: Acme"},
	}
	for _, tt := range tests {
		if got := changeText(tt.lang, tt.in); got != tt.want {
			t.Errorf("changeText(%s, %q) = %q, want %q", tt.lang, tt.in, got, tt.want)
		}
	}
}

// English counts agree with their nouns; names and notes are left alone.
func TestPlural(test *testing.T) {
	tests := []struct {
		key  msg
		args []any
		want string
	}{
		{msgPipelineRep, []any{"ann", 1, 1, 1}, "ann: 1 call, 1 meeting, 1 follow-up done"},
		{msgPipelineRep, []any{"bob", 2, 0, 1}, "bob: 2 calls, 0 meetings, 1 follow-up done"},
		{msgExportFile, []any{"users.csv", 1}, "users.csv — 1 row"},
		{msgExportFile, []any{"Acme{s}.csv", 3}, "Acme{s}.csv — 3 rows"}, // a name's own braces stay
		{msgReasonOccasion, []any{"Jane's birthday", 1}, "Jane's birthday in 1 day"},
		{msgReasonCadence, []any{1, 1}, "no contact in 1 day (every 1)"},
		{msgPipelineIdleMany, []any{"ann, bob, cat", 1}, "no activity yet: ann, bob, cat and 1 other"},
	}
	for _, tt := range tests {
		if got := t("en", tt.key, tt.args...); got != tt.want {
			test.Errorf("t(en, %s, %v) = %q, want %q", tt.key, tt.args, got, tt.want)
		}
	}
	for key, s := range catalog["vi"] {
		if strings.Contains(s, "{s}") {
			test.Errorf("vi %s has an English plural mark", key)
		}
	}
}
