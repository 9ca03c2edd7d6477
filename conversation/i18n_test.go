package conversation

import "testing"

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
