package conversation_test

import (
	"testing"

	"github.com/tend-crm/tend/conversation"
)

// Vietnamese typed without diacritics is Vietnamese; a bare command is
// answered in the language the user chose; a customer's name does not make
// a sentence Vietnamese.
func TestReplyLanguage(t *testing.T) {
	tests := []struct {
		lang  string   // the user's setting: "vi" or "en"
		setup []string // said before
		say   string
		want  string
	}{
		{"vi", nil, "viec qua han", "Không có việc nào quá hạn"},
		{"vi", []string{"gọi cho Minh Phát"}, "lich su minh phat", "Thay đổi gần đây của Minh Phát"},
		{"vi", nil, "tim bao gia", "Không tìm thấy"},
		{"vi", nil, "tro giup", "Tôi giữ mối quan hệ khách hàng"},
		{"vi", nil, "huong dan", "Tôi giữ mối quan hệ khách hàng"},
		{"vi", nil, "help", "Tôi giữ mối quan hệ khách hàng"},
		{"vi", nil, "bao cao", "Tuần này"},
		{"vi", nil, "co hoi moi Sao Mai 50 trieu", "Cơ hội mới Sao Mai"},
		{"vi", []string{"co hoi moi Sao Mai 50 trieu"}, "chot deal Sao Mai", "Đã thắng Sao Mai"},
		{"vi", nil, "xuat du lieu", "dòng"},
		{"vi", []string{"called Dai Dong, follow up tomorrow"}, "hoan dai dong den thu 4", "Đã hoãn"},
		{"vi", []string{"gọi cho Minh Phát"}, "undo", "Đã hoàn tác"},
		{"vi", nil, "1", "Hiện không có lựa chọn 1"}, // no buttons left to pick: said so, in her language
		{"vi", nil, "overdue", "Không có việc nào quá hạn"},
		{"vi", []string{"gọi cho Minh Phát"}, "what did we discuss with Minh Phát about discount?", "Found for"},
		{"vi", []string{"gọi cho Minh Phát"}, "what did we discuss with minh phat about discount?", "Found for"},
		{"vi", nil, "who should I follow up with?", "Nobody needs you"},
		{"en", nil, "help", "I keep your customer relationships"},
		{"en", nil, "undo", "nothing of yours to undo"},
		{"en", nil, "viec qua han", "Không có việc nào quá hạn"},
		{"en", nil, "ai can goi lai hom nay", "Hiện chưa ai cần bạn"},
		{"en", []string{"called Acme"}, "xong Acme", "Không"},
	}
	setting := map[string]string{"vi": "trả lời bằng tiếng Việt", "en": "reply in English"}
	for _, tt := range tests {
		t.Run(tt.lang+"/"+tt.say, func(t *testing.T) {
			h := newHarness(t)
			h.say("lan", setting[tt.lang])
			for _, s := range tt.setup {
				h.say("lan", s)
			}
			wantText(t, h.say("lan", tt.say), tt.want)
		})
	}
}

func TestParseLanguage(t *testing.T) {
	tests := []struct {
		in     string
		lang   string
		spoken bool // the text shows its language
	}{
		{"viec qua han", "vi", true},
		{"lich su minh phat", "vi", true},
		{"hoan dai dong den thu 4", "vi", true},
		{"chot deal Sao Mai", "vi", true},
		{"xong Acme", "vi", true},
		{"help", "en", false},
		{"undo", "en", false},
		{"overdue", "en", false},
		{"1", "en", false},
		{"/tend xem Minh Phát", "vi", false}, // a command: the setting decides
		{"what did we discuss with Minh Phát about discount?", "en", true},
		{"Minh Phát was referred by Sao Mai", "en", true},
		{"show Minh Phát", "en", true},
		{"called Acme", "en", true},
		{"new deal Sao Mai 50k", "en", true},
		{"plan Tết greetings for segment A", "en", true},
		{"follow up Minh Phát tuần sau", "vi", false}, // as much of either
		{"the weather is nice", "en", false},          // not understood
		{"trời đẹp quá", "vi", true},
	}
	for _, tt := range tests {
		in := conversation.Parse(tt.in, monday, hanoi)
		if in.Lang != tt.lang || in.Spoken != tt.spoken {
			t.Errorf("Parse(%q): lang %s, spoken %v; want %s, %v", tt.in, in.Lang, in.Spoken, tt.lang, tt.spoken)
		}
	}
}

// Vietnamese replies name stages and changes in Vietnamese.
func TestVietnameseWording(t *testing.T) {
	tests := []struct {
		setup []string
		say   string
		want  []string
	}{
		{[]string{"gọi cho Minh Phát"}, "xem Minh Phát", []string{"Minh Phát · tiềm năng"}},
		{[]string{"gọi cho Minh Phát"}, "Minh Phát là khách thân thiết", []string{"giai đoạn: thân thiết"}},
		{[]string{"gọi cho Minh Phát", "Minh Phát là khách thân thiết"}, "xem Minh Phát", []string{"Minh Phát · thân thiết"}},
		{[]string{"gọi cho Minh Phát", "cơ hội mới Minh Phát 150 triệu"}, "xem Minh Phát", []string{"Minh Phát · đánh giá"}},
		{[]string{"gọi cho Minh Phát, hẹn thứ 6 gọi lại"}, "lịch sử Minh Phát", []string{"ghi cuộc gọi và hẹn liên hệ lại: Minh Phát"}},
		{[]string{"gọi cho Minh Phát, hẹn thứ 6 gọi lại", "hoãn Minh Phát đến thứ hai", "hoàn tác"}, "lich su minh phat",
			[]string{"hoàn tác: hoãn hẹn: Minh Phát", "hoãn hẹn: Minh Phát (đã hoàn tác)"}},
		{[]string{"cơ hội mới Minh Phát 150 triệu", "chốt deal Minh Phát"}, "hoàn tác", []string{"Đã hoàn tác: chuyển cơ hội sang thắng: Minh Phát"}},
	}
	for _, tt := range tests {
		t.Run(tt.say, func(t *testing.T) {
			h := newHarness(t)
			h.say("lan", "trả lời bằng tiếng Việt")
			for _, s := range tt.setup {
				h.say("lan", s)
			}
			wantText(t, h.say("lan", tt.say), tt.want...)
		})
	}
	// English stays English.
	h := newHarness(t)
	h.say("ann", "called Acme, follow up Friday")
	wantText(t, h.say("ann", "show Acme"), "Acme · prospect")
	wantText(t, h.say("ann", "history Acme"), "log call and follow-up: Acme")
}
