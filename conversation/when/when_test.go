package when

import (
	"strings"
	"testing"
	"time"
)

func mustLoc(t testing.TB, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatalf("load %s: %v", name, err)
	}
	return loc
}

// Reference times: Monday 2026-03-09 10:00 in Ho Chi Minh City and New York
// (the day after New York's DST start), Saturday 2026-03-28 10:00 in Berlin
// (the day before its DST start).
func refs(t testing.TB) map[string]time.Time {
	return map[string]time.Time{
		"":    time.Date(2026, 3, 9, 10, 0, 0, 0, mustLoc(t, "Asia/Ho_Chi_Minh")),
		"ber": time.Date(2026, 3, 28, 10, 0, 0, 0, mustLoc(t, "Europe/Berlin")),
		"ny":  time.Date(2026, 3, 9, 10, 0, 0, 0, mustLoc(t, "America/New_York")),
	}
}

var cases = []struct {
	ref   string // "" Ho Chi Minh, "ber" Berlin, "ny" New York
	in    string
	want  string // RFC3339, or "none"
	clock bool
	span  string // text[Start:End] must contain it
}{
	// English: days.
	{"", "today", "2026-03-09T00:00:00+07:00", false, "today"},
	{"", "call back tonight", "2026-03-09T20:00:00+07:00", true, "tonight"},
	{"", "tomorrow", "2026-03-10T00:00:00+07:00", false, "tomorrow"},
	{"", "ping them tmr", "2026-03-10T00:00:00+07:00", false, "tmr"},
	{"", "TMRW pls", "2026-03-10T00:00:00+07:00", false, "TMRW"},
	{"", "yesterday they said no", "2026-03-08T00:00:00+07:00", false, "yesterday"},
	{"", "monday", "2026-03-16T00:00:00+07:00", false, "monday"},
	{"", "follow up on Friday", "2026-03-13T00:00:00+07:00", false, "Friday"},
	{"", "tuesday", "2026-03-10T00:00:00+07:00", false, "tuesday"},
	{"", "sunday", "2026-03-15T00:00:00+07:00", false, "sunday"},
	{"", "this friday", "2026-03-13T00:00:00+07:00", false, "this friday"},
	{"", "this monday", "2026-03-09T00:00:00+07:00", false, "this monday"},
	{"", "next friday", "2026-03-20T00:00:00+07:00", false, "next friday"},
	{"", "next tuesday", "2026-03-17T00:00:00+07:00", false, "next tuesday"},
	{"", "next monday", "2026-03-16T00:00:00+07:00", false, "next monday"},
	{"", "last friday", "2026-03-06T00:00:00+07:00", false, "last friday"},
	{"", "friday next week", "2026-03-20T00:00:00+07:00", false, "friday next week"},
	{"", "next week", "2026-03-16T00:00:00+07:00", false, "next week"},
	{"", "this week", "2026-03-13T00:00:00+07:00", false, "this week"},
	{"", "by end of the week", "2026-03-13T00:00:00+07:00", false, "end of the week"},
	{"", "end of week", "2026-03-13T00:00:00+07:00", false, "end of week"},
	{"", "send it eow", "2026-03-13T00:00:00+07:00", false, "eow"},
	{"", "end of next week", "2026-03-20T00:00:00+07:00", false, "end of next week"},
	{"", "over the weekend", "2026-03-14T00:00:00+07:00", false, "weekend"},
	{"", "next weekend", "2026-03-21T00:00:00+07:00", false, "next weekend"},
	{"", "see you sat", "2026-03-14T00:00:00+07:00", false, "sat"},
	{"", "meet on Wed at 4pm", "2026-03-11T16:00:00+07:00", true, "Wed at 4pm"},
	{"", "day after tomorrow", "2026-03-11T00:00:00+07:00", false, "day after tomorrow"},
	{"", "the 5th", "2026-04-05T00:00:00+07:00", false, "the 5th"},
	// English: spans.
	{"", "in 3 days", "2026-03-12T00:00:00+07:00", false, "in 3 days"},
	{"", "in 2 weeks", "2026-03-23T00:00:00+07:00", false, "in 2 weeks"},
	{"", "in a week", "2026-03-16T00:00:00+07:00", false, "in a week"},
	{"", "a week from now", "2026-03-16T00:00:00+07:00", false, "a week from now"},
	{"", "in 10 minutes", "2026-03-09T10:10:00+07:00", true, "in 10 minutes"},
	{"", "in 2 hours", "2026-03-09T12:00:00+07:00", true, "in 2 hours"},
	{"", "in an hour", "2026-03-09T11:00:00+07:00", true, "in an hour"},
	{"", "in half an hour", "2026-03-09T10:30:00+07:00", true, "half an hour"},
	{"", "in 2h", "2026-03-09T12:00:00+07:00", true, "in 2h"},
	{"", "next month", "2026-04-09T00:00:00+07:00", false, "next month"},
	{"", "end of the month", "2026-03-31T00:00:00+07:00", false, "end of the month"},
	{"", "beginning of next month", "2026-04-01T00:00:00+07:00", false, "beginning of next month"},
	// English: clock and parts of the day.
	{"", "3pm", "2026-03-09T15:00:00+07:00", true, "3pm"},
	{"", "call at 3 pm", "2026-03-09T15:00:00+07:00", true, "3 pm"},
	{"", "15:30", "2026-03-09T15:30:00+07:00", true, "15:30"},
	{"", "at 9", "2026-03-10T09:00:00+07:00", true, "at 9"},
	{"", "9am", "2026-03-10T09:00:00+07:00", true, "9am"},
	{"", "at 3", "2026-03-09T15:00:00+07:00", true, "at 3"},
	{"", "3:30pm", "2026-03-09T15:30:00+07:00", true, "3:30pm"},
	{"", "9.30am", "2026-03-10T09:30:00+07:00", true, "9.30am"},
	{"", "12pm", "2026-03-09T12:00:00+07:00", true, "12pm"},
	{"", "noon", "2026-03-09T12:00:00+07:00", true, "noon"},
	{"", "midnight", "2026-03-10T00:00:00+07:00", true, "midnight"},
	{"", "this morning", "2026-03-09T09:00:00+07:00", true, "this morning"},
	{"", "morning works", "2026-03-09T09:00:00+07:00", true, "morning"},
	{"", "this afternoon", "2026-03-09T14:00:00+07:00", true, "this afternoon"},
	{"", "afternoon", "2026-03-09T14:00:00+07:00", true, "afternoon"},
	{"", "this evening", "2026-03-09T18:00:00+07:00", true, "this evening"},
	{"", "evening", "2026-03-09T18:00:00+07:00", true, "evening"},
	// English: absolute dates (D/M).
	{"", "Dec 3", "2026-12-03T00:00:00+07:00", false, "Dec 3"},
	{"", "December 3", "2026-12-03T00:00:00+07:00", false, "December 3"},
	{"", "3 Dec", "2026-12-03T00:00:00+07:00", false, "3 Dec"},
	{"", "3rd December", "2026-12-03T00:00:00+07:00", false, "3rd December"},
	{"", "Dec 3rd, 2027", "2027-12-03T00:00:00+07:00", false, "Dec 3rd, 2027"},
	{"", "3/12", "2026-12-03T00:00:00+07:00", false, "3/12"},
	{"", "25/12", "2026-12-25T00:00:00+07:00", false, "25/12"},
	{"", "3/12/2026", "2026-12-03T00:00:00+07:00", false, "3/12/2026"},
	{"", "2026-12-03", "2026-12-03T00:00:00+07:00", false, "2026-12-03"},
	{"", "5/1", "2027-01-05T00:00:00+07:00", false, "5/1"},
	{"", "9/3", "2026-03-09T00:00:00+07:00", false, "9/3"},
	{"", "8/3", "2027-03-08T00:00:00+07:00", false, "8/3"},
	{"", "3 May", "2026-05-03T00:00:00+07:00", false, "3 May"},
	// English: combined.
	{"", "tomorrow at 3pm", "2026-03-10T15:00:00+07:00", true, "tomorrow at 3pm"},
	{"", "friday 10am", "2026-03-13T10:00:00+07:00", true, "friday 10am"},
	{"", "3pm friday", "2026-03-13T15:00:00+07:00", true, "3pm friday"},
	{"", "dec 3 at 15:00", "2026-12-03T15:00:00+07:00", true, "dec 3 at 15:00"},
	{"", "called Acme, follow up Tuesday 3pm", "2026-03-10T15:00:00+07:00", true, "Tuesday 3pm"},
	{"", "tomorrow morning", "2026-03-10T09:00:00+07:00", true, "tomorrow morning"},
	{"", "friday afternoon", "2026-03-13T14:00:00+07:00", true, "friday afternoon"},
	{"", "tonight at 8", "2026-03-09T20:00:00+07:00", true, "tonight at 8"},
	{"", "next tuesday at 2pm", "2026-03-17T14:00:00+07:00", true, "next tuesday at 2pm"},
	{"", "in 3 days at 3pm", "2026-03-12T15:00:00+07:00", true, "in 3 days at 3pm"},
	{"", "at noon tomorrow", "2026-03-10T12:00:00+07:00", true, "at noon tomorrow"},
	{"", "at 9 tonight", "2026-03-09T21:00:00+07:00", true, "at 9 tonight"},
	{"", "Mon 3/12", "2026-12-03T00:00:00+07:00", false, "3/12"},
	{"", "Meeting moved: Thursday, 9:30 am with Bob", "2026-03-12T09:30:00+07:00", true, "Thursday, 9:30 am"},
	// English: none.
	{"", "email Jane", "none", false, ""},
	{"", "send 3 units", "none", false, ""},
	{"", "Mai Linh called", "none", false, ""},
	{"", "gt6x model", "none", false, ""},
	{"", "version 2.5", "none", false, ""},
	{"", "call 0903 123 456", "none", false, ""},
	{"", "call 3 people", "none", false, ""},
	{"", "5 units", "none", false, ""},
	{"", "I sat with Acme", "none", false, ""},
	{"", "Sun Group wants a quote", "none", false, ""},
	{"", "good morning Jane", "none", false, ""},
	{"", "priced at 5%", "none", false, ""},
	{"", "v2.5.1 released", "none", false, ""},
	{"", "", "none", false, ""},

	// Vietnamese with diacritics.
	{"", "hôm nay", "2026-03-09T00:00:00+07:00", false, "hôm nay"},
	{"", "nay gọi lại", "2026-03-09T00:00:00+07:00", false, "nay"},
	{"", "ngày mai", "2026-03-10T00:00:00+07:00", false, "ngày mai"},
	{"", "Mai gọi lại", "2026-03-10T00:00:00+07:00", false, "Mai"},
	{"", "ngày kia", "2026-03-11T00:00:00+07:00", false, "ngày kia"},
	{"", "mốt gặp", "2026-03-11T00:00:00+07:00", false, "mốt"},
	{"", "hôm qua", "2026-03-08T00:00:00+07:00", false, "hôm qua"},
	{"", "thứ hai", "2026-03-16T00:00:00+07:00", false, "thứ hai"},
	{"", "thứ 2", "2026-03-16T00:00:00+07:00", false, "thứ 2"},
	{"", "T2 gặp", "2026-03-16T00:00:00+07:00", false, "T2"},
	{"", "thứ ba", "2026-03-10T00:00:00+07:00", false, "thứ ba"},
	{"", "thứ tư", "2026-03-11T00:00:00+07:00", false, "thứ tư"},
	{"", "thứ năm", "2026-03-12T00:00:00+07:00", false, "thứ năm"},
	{"", "Thứ Sáu", "2026-03-13T00:00:00+07:00", false, "Thứ Sáu"},
	{"", "thứ bảy", "2026-03-14T00:00:00+07:00", false, "thứ bảy"},
	{"", "thứ 7", "2026-03-14T00:00:00+07:00", false, "thứ 7"},
	{"", "chủ nhật", "2026-03-15T00:00:00+07:00", false, "chủ nhật"},
	{"", "hẹn CN", "2026-03-15T00:00:00+07:00", false, "CN"},
	{"", "gọi cho Minh Phát, thứ ba tuần sau gọi lại", "2026-03-17T00:00:00+07:00", false, "thứ ba tuần sau"},
	{"", "thứ 3 tuần tới", "2026-03-17T00:00:00+07:00", false, "thứ 3 tuần tới"},
	{"", "thứ sáu tuần trước", "2026-03-06T00:00:00+07:00", false, "thứ sáu tuần trước"},
	{"", "tuần sau", "2026-03-16T00:00:00+07:00", false, "tuần sau"},
	{"", "tuần tới", "2026-03-16T00:00:00+07:00", false, "tuần tới"},
	{"", "sang tuần gọi lại", "2026-03-16T00:00:00+07:00", false, "sang tuần"},
	{"", "tuần này", "2026-03-13T00:00:00+07:00", false, "tuần này"},
	{"", "cuối tuần", "2026-03-14T00:00:00+07:00", false, "cuối tuần"},
	{"", "cuối tuần sau", "2026-03-21T00:00:00+07:00", false, "cuối tuần sau"},
	{"", "3 ngày nữa", "2026-03-12T00:00:00+07:00", false, "3 ngày nữa"},
	{"", "3 ngày sau", "2026-03-12T00:00:00+07:00", false, "3 ngày sau"},
	{"", "sau 3 ngày", "2026-03-12T00:00:00+07:00", false, "sau 3 ngày"},
	{"", "hai ngày nữa", "2026-03-11T00:00:00+07:00", false, "hai ngày nữa"},
	{"", "2 tuần nữa", "2026-03-23T00:00:00+07:00", false, "2 tuần nữa"},
	{"", "một tuần nữa", "2026-03-16T00:00:00+07:00", false, "một tuần nữa"},
	{"", "1 tháng nữa", "2026-04-09T00:00:00+07:00", false, "1 tháng nữa"},
	{"", "10 phút nữa", "2026-03-09T10:10:00+07:00", true, "10 phút nữa"},
	{"", "2 tiếng nữa", "2026-03-09T12:00:00+07:00", true, "2 tiếng nữa"},
	{"", "2 giờ nữa", "2026-03-09T12:00:00+07:00", true, "2 giờ nữa"},
	{"", "nửa tiếng nữa", "2026-03-09T10:30:00+07:00", true, "nửa tiếng nữa"},
	{"", "tháng sau", "2026-04-09T00:00:00+07:00", false, "tháng sau"},
	{"", "tháng tới", "2026-04-09T00:00:00+07:00", false, "tháng tới"},
	{"", "đầu tháng sau", "2026-04-01T00:00:00+07:00", false, "đầu tháng sau"},
	{"", "cuối tháng", "2026-03-31T00:00:00+07:00", false, "cuối tháng"},
	{"", "15h", "2026-03-09T15:00:00+07:00", true, "15h"},
	{"", "15h30", "2026-03-09T15:30:00+07:00", true, "15h30"},
	{"", "3h chiều", "2026-03-09T15:00:00+07:00", true, "3h chiều"},
	{"", "9 giờ sáng", "2026-03-10T09:00:00+07:00", true, "9 giờ sáng"},
	{"", "lúc 9h", "2026-03-10T09:00:00+07:00", true, "lúc 9h"},
	{"", "3 giờ rưỡi chiều", "2026-03-09T15:30:00+07:00", true, "3 giờ rưỡi chiều"},
	{"", "chiều gọi lại", "2026-03-09T14:00:00+07:00", true, "chiều"},
	{"", "sáng gửi báo giá", "2026-03-09T09:00:00+07:00", true, "sáng"},
	{"", "trưa mai", "2026-03-10T12:00:00+07:00", true, "trưa mai"},
	{"", "chiều mai", "2026-03-10T14:00:00+07:00", true, "chiều mai"},
	{"", "9h sáng mai", "2026-03-10T09:00:00+07:00", true, "9h sáng mai"},
	{"", "9 giờ 30 sáng mai", "2026-03-10T09:30:00+07:00", true, "9 giờ 30 sáng mai"},
	{"", "sáng thứ 2", "2026-03-16T09:00:00+07:00", true, "sáng thứ 2"},
	{"", "tối nay", "2026-03-09T19:00:00+07:00", true, "tối nay"},
	{"", "8h tối nay", "2026-03-09T20:00:00+07:00", true, "8h tối nay"},
	{"", "đêm nay", "2026-03-09T22:00:00+07:00", true, "đêm nay"},
	{"", "11h đêm nay", "2026-03-09T23:00:00+07:00", true, "11h đêm nay"},
	{"", "tối thứ 7", "2026-03-14T19:00:00+07:00", true, "tối thứ 7"},
	{"", "chiều thứ 6 lúc 3h", "2026-03-13T15:00:00+07:00", true, "chiều thứ 6 lúc 3h"},
	{"", "trưa thứ 4 lúc 1h", "2026-03-11T13:00:00+07:00", true, "trưa thứ 4 lúc 1h"},
	{"", "10h sáng thứ 2 tuần sau", "2026-03-16T10:00:00+07:00", true, "10h sáng thứ 2 tuần sau"},
	{"", "gặp khách 14:00 thứ năm", "2026-03-12T14:00:00+07:00", true, "14:00 thứ năm"},
	{"", "ngày 5 tháng 1", "2027-01-05T00:00:00+07:00", false, "ngày 5 tháng 1"},
	{"", "ngày 5 tháng 1 năm 2027", "2027-01-05T00:00:00+07:00", false, "năm 2027"},
	{"", "hẹn ngày 5/1", "2027-01-05T00:00:00+07:00", false, "ngày 5/1"},
	{"", "ngày 25/12", "2026-12-25T00:00:00+07:00", false, "ngày 25/12"},
	{"", "mùng 5", "2026-04-05T00:00:00+07:00", false, "mùng 5"},
	{"", "mùng 10", "2026-03-10T00:00:00+07:00", false, "mùng 10"},
	{"", "ngày 15 tháng sau", "2026-04-15T00:00:00+07:00", false, "ngày 15 tháng sau"},
	{"", "Báo giá cho anh Tuấn trước thứ 6", "2026-03-13T00:00:00+07:00", false, "thứ 6"},
	{"", "gặp Mai lúc 3h", "2026-03-09T15:00:00+07:00", true, "lúc 3h"},
	{"", "sáng mai họp, chiều 3h gọi lại", "2026-03-10T09:00:00+07:00", true, "sáng mai"},
	{"", "ngày 31 tháng sau", "2026-04-30T00:00:00+07:00", false, "ngày 31 tháng sau"},
	{"", "thứ 2 ngày 16/3", "2026-03-16T00:00:00+07:00", false, "thứ 2 ngày 16/3"},
	{"", "T7 10h", "2026-03-14T10:00:00+07:00", true, "T7 10h"},
	{"", "gọi cho chị Mai", "none", false, ""},
	{"", "tôi gọi lại", "none", false, ""},
	{"", "gửi 3 máy", "none", false, ""},
	{"", "cái này bao nhiêu", "none", false, ""},
	{"", "CN Hà Nội đặt hàng", "none", false, ""},
	{"", "mãi mãi", "none", false, ""},
	{"", "Mai Anh đặt 5 thùng", "none", false, ""},
	{"", "thu tiền khách", "none", false, ""},

	// Vietnamese without diacritics.
	{"", "hom nay", "2026-03-09T00:00:00+07:00", false, "hom nay"},
	{"", "ngay mai", "2026-03-10T00:00:00+07:00", false, "ngay mai"},
	{"", "mai goi lai", "2026-03-10T00:00:00+07:00", false, "mai"},
	{"", "ngay kia", "2026-03-11T00:00:00+07:00", false, "ngay kia"},
	{"", "ngay mot gap", "2026-03-11T00:00:00+07:00", false, "ngay mot"},
	{"", "hom qua", "2026-03-08T00:00:00+07:00", false, "hom qua"},
	{"", "thu hai", "2026-03-16T00:00:00+07:00", false, "thu hai"},
	{"", "thu 2", "2026-03-16T00:00:00+07:00", false, "thu 2"},
	{"", "t3", "2026-03-10T00:00:00+07:00", false, "t3"},
	{"", "thu sau", "2026-03-13T00:00:00+07:00", false, "thu sau"},
	{"", "thu bay", "2026-03-14T00:00:00+07:00", false, "thu bay"},
	{"", "chu nhat", "2026-03-15T00:00:00+07:00", false, "chu nhat"},
	{"", "thu ba tuan sau", "2026-03-17T00:00:00+07:00", false, "thu ba tuan sau"},
	{"", "thu 6 tuan toi", "2026-03-20T00:00:00+07:00", false, "thu 6 tuan toi"},
	{"", "cn tuan sau", "2026-03-22T00:00:00+07:00", false, "cn tuan sau"},
	{"", "tuan sau", "2026-03-16T00:00:00+07:00", false, "tuan sau"},
	{"", "tuan nay", "2026-03-13T00:00:00+07:00", false, "tuan nay"},
	{"", "cuoi tuan", "2026-03-14T00:00:00+07:00", false, "cuoi tuan"},
	{"", "goi minh phat, 3 ngay nua goi lai", "2026-03-12T00:00:00+07:00", false, "3 ngay nua"},
	{"", "sau 2 tuan", "2026-03-23T00:00:00+07:00", false, "sau 2 tuan"},
	{"", "mot tuan nua", "2026-03-16T00:00:00+07:00", false, "mot tuan nua"},
	{"", "10 phut nua", "2026-03-09T10:10:00+07:00", true, "10 phut nua"},
	{"", "10p nua", "2026-03-09T10:10:00+07:00", true, "10p nua"},
	{"", "2 tieng nua", "2026-03-09T12:00:00+07:00", true, "2 tieng nua"},
	{"", "thang sau", "2026-04-09T00:00:00+07:00", false, "thang sau"},
	{"", "dau thang sau", "2026-04-01T00:00:00+07:00", false, "dau thang sau"},
	{"", "cuoi thang", "2026-03-31T00:00:00+07:00", false, "cuoi thang"},
	{"", "3h chieu", "2026-03-09T15:00:00+07:00", true, "3h chieu"},
	{"", "9h sang mai", "2026-03-10T09:00:00+07:00", true, "9h sang mai"},
	{"", "chieu mai", "2026-03-10T14:00:00+07:00", true, "chieu mai"},
	{"", "toi nay", "2026-03-09T19:00:00+07:00", true, "toi nay"},
	{"", "sang thu 2", "2026-03-16T09:00:00+07:00", true, "sang thu 2"},
	{"", "ngay 5 thang 1", "2027-01-05T00:00:00+07:00", false, "ngay 5 thang 1"},
	{"", "mung 5", "2026-04-05T00:00:00+07:00", false, "mung 5"},
	{"", "ngay 25/12", "2026-12-25T00:00:00+07:00", false, "ngay 25/12"},
	{"", "toi goi lai", "none", false, ""},
	{"", "sang nha khach", "none", false, ""},
	{"", "goi cho mai", "none", false, ""},
	{"", "thu tien khach 3 trieu", "none", false, ""},
	{"", "gui 3 may", "none", false, ""},
	{"", "cai nay", "none", false, ""},

	// Berlin, Saturday before the DST change of 2026-03-29.
	{"ber", "tomorrow", "2026-03-29T00:00:00+01:00", false, "tomorrow"},
	{"ber", "tomorrow at 3pm", "2026-03-29T15:00:00+02:00", true, "tomorrow at 3pm"},
	{"ber", "in 2 days", "2026-03-30T00:00:00+02:00", false, "in 2 days"},
	{"ber", "in 24 hours", "2026-03-29T11:00:00+02:00", true, "in 24 hours"},
	{"ber", "next monday", "2026-03-30T00:00:00+02:00", false, "next monday"},
	{"ber", "monday 9am", "2026-03-30T09:00:00+02:00", true, "monday 9am"},
	{"ber", "8pm", "2026-03-28T20:00:00+01:00", true, "8pm"},
	{"ber", "at 9", "2026-03-29T09:00:00+02:00", true, "at 9"},
	{"ber", "chiều mai", "2026-03-29T14:00:00+02:00", true, "chiều mai"},
	{"ber", "weekend", "2026-03-28T00:00:00+01:00", false, "weekend"},
	{"ber", "cuối tuần", "2026-03-28T00:00:00+01:00", false, "cuối tuần"},
	{"ber", "this week", "2026-03-28T00:00:00+01:00", false, "this week"},
	// New York, the Monday after its DST start.
	{"ny", "yesterday", "2026-03-08T00:00:00-05:00", false, "yesterday"},
	{"ny", "tomorrow 9am", "2026-03-10T09:00:00-04:00", true, "tomorrow 9am"},
	{"ny", "in 3 hours", "2026-03-09T13:00:00-04:00", true, "in 3 hours"},
	{"ny", "next friday at 5pm", "2026-03-20T17:00:00-04:00", true, "next friday at 5pm"},
	{"ny", "Nov 2 at 9am", "2026-11-02T09:00:00-05:00", true, "Nov 2 at 9am"},
	{"ny", "ngày mai 8h sáng", "2026-03-10T08:00:00-04:00", true, "ngày mai 8h sáng"},
	// Spans back and holidays.
	{"", "met Acme 2 days ago", "2026-03-07T00:00:00+07:00", false, "2 days ago"},
	{"", "gặp Minh Phát 3 ngày trước", "2026-03-06T00:00:00+07:00", false, "3 ngày trước"},
	{"", "follow up after Christmas", "2026-12-26T00:00:00+07:00", false, "after Christmas"},
	{"", "call before xmas", "2026-12-24T00:00:00+07:00", false, "before xmas"},
	{"", "hẹn gọi lại sau Tết", "2027-02-11T00:00:00+07:00", false, "sau Tết"}, // Tết 2027 is 6 February
	{"", "trước Tết gọi Minh Phát", "2027-02-03T00:00:00+07:00", false, "trước Tết"},
	{"", "sau tết dương lịch", "none", false, ""},
	{"", "gọi Minh Phát tối qua", "2026-03-08T19:00:00+07:00", true, "tối qua"},
	{"", "met Acme last night", "2026-03-08T20:00:00+07:00", true, "last night"},
	{"", "gọi Minh Phát tối quá", "2026-03-09T19:00:00+07:00", true, "tối"},
	{"", "gặp anh Nam ngoài quán", "none", false, ""},
	{"", "called Acme last month", "2026-02-09T00:00:00+07:00", false, "last month"},
	{"", "gửi quà Tết cho Minh Phát", "none", false, ""},
	{"", "sent Acme a Christmas card", "none", false, ""},
}

// FindPast reads a day that could be either side of today as the last one.
func TestFindPast(t *testing.T) {
	now := refs(t)[""] // Monday 9 March 2026
	for _, c := range []struct{ in, want string }{
		{"on Friday", "2026-03-06"},
		{"monday", "2026-03-02"},
		{"thứ hai", "2026-03-02"},
		{"this monday", "2026-03-09"},
		{"on 20/11", "2025-11-20"},
		{"on 1/3", "2026-03-01"},
		{"the 15th", "2026-02-15"},
		{"yesterday", "2026-03-08"},
		{"last friday", "2026-03-06"},
		{"tomorrow", "2026-03-10"},
		// Past phrases that are no names: "called Acme last night".
		{"last night", "2026-03-08"},
		{"tối qua", "2026-03-08"},
		{"earlier today", "2026-03-09"},
		{"earlier this morning", "2026-03-09"},
		{"3 days back", "2026-03-06"},
		{"cách đây 2 ngày", "2026-03-07"},
		{"last month", "2026-02-09"},
		{"tháng trước", "2026-02-09"},
		{"last year", "2025-03-09"},
		{"năm ngoái", "2025-03-09"},
		{"năm trước", "2025-03-09"},
		// The weekend just gone, said in the week.
		{"over the weekend", "2026-03-07"},
		// A day a few weeks ahead stays ahead: not one of a year ago.
		{"on 20/3", "2026-03-20"},
		{"on 30/4", "2026-04-30"},
	} {
		r, ok := FindPast(c.in, now, now.Location())
		if got := r.Time.Format("2006-01-02"); !ok || got != c.want {
			t.Errorf("FindPast(%q) = %s %v, want %s", c.in, got, ok, c.want)
		}
	}
}

func TestFind(t *testing.T) {
	rs := refs(t)
	for _, c := range cases {
		now := rs[c.ref]
		r, ok := Find(c.in, now, now.Location())
		if c.want == "none" {
			if ok {
				t.Errorf("%s %q: got %v %q, want none", c.ref, c.in, r.Time, c.in[r.Start:r.End])
			}
			continue
		}
		want, err := time.Parse(time.RFC3339, c.want)
		if err != nil {
			t.Fatalf("%q: bad want %q", c.in, c.want)
		}
		if !ok {
			t.Errorf("%s %q: got none, want %s", c.ref, c.in, c.want)
			continue
		}
		if !r.Time.Equal(want) || r.Time.Format(time.RFC3339) != c.want || r.HasClock != c.clock {
			t.Errorf("%s %q: got %s clock=%v (%q), want %s clock=%v", c.ref, c.in,
				r.Time.Format(time.RFC3339), r.HasClock, c.in[r.Start:r.End], c.want, c.clock)
		}
		if r.Time.Location() != now.Location() {
			t.Errorf("%q: location %v, want %v", c.in, r.Time.Location(), now.Location())
		}
		if got := c.in[r.Start:r.End]; !strings.Contains(got, c.span) {
			t.Errorf("%s %q: span %q does not contain %q", c.ref, c.in, got, c.span)
		}
	}
}

func TestCaseCount(t *testing.T) {
	if len(cases) < 150 {
		t.Errorf("%d cases, want at least 150", len(cases))
	}
}

func TestEdges(t *testing.T) {
	now := refs(t)[""]
	// Nil location means UTC.
	if r, ok := Find("tomorrow", now, nil); !ok || r.Time.Location() != time.UTC || r.Time.Day() != 10 {
		t.Errorf("nil loc: %v %v", r, ok)
	}
	// Decomposed (NFD) text folds like composed text.
	if r, ok := Find("th\u01b0\u0301 ba", now, now.Location()); !ok || r.Time.Day() != 10 || r.End != len("th\u01b0\u0301 ba") {
		t.Errorf("NFD: %v %v", r, ok)
	}
	// Invalid UTF-8 and control characters around an expression.
	in := "\xff\x00goi \xfe lai\tthứ 6\x01\xc3"
	r, ok := Find(in, now, now.Location())
	if !ok || in[r.Start:r.End] != "thứ 6" || r.Time.Day() != 13 {
		t.Errorf("invalid UTF-8: %v %v", r, ok)
	}
	// Longest expression wins over an earlier, shorter one.
	in = "ok mai nhé, à không, 9h sáng thứ 2 tuần sau"
	if r, ok := Find(in, now, now.Location()); !ok || in[r.Start:r.End] != "9h sáng thứ 2 tuần sau" {
		t.Errorf("longest: %q", in[r.Start:r.End])
	}
	// A large message is read whole (its cost is measured by
	// BenchmarkFindLarge, not timed here).
	if r, ok := Find(bigMessage, now, now.Location()); !ok || bigMessage[r.Start:r.End] != "chiều mai" {
		t.Errorf("big: %v %v", r, ok)
	}
}

var bigMessage = strings.Repeat("gọi lại cho khách hàng Minh Phát về đơn 0903 123 456, ", 2000) + "chiều mai"
