package when

import (
	"testing"
	"time"
)

var benchMessages = []string{
	"called Acme, follow up Tuesday 3pm",
	"gọi cho Minh Phát, thứ ba tuần sau gọi lại",
	"goi minh phat, 3 ngay nua goi lai",
	"Met with Jane from Globex, send the revised quote tomorrow at 10am",
	"Khách hàng Hoàng Long muốn báo giá, hẹn 9h sáng mai gặp lại",
	"anh Tuấn bên Vinamilk hẹn chiều thứ 6 lúc 3h ghé văn phòng",
	"no answer, try again in 2 hours",
	"email Jane the contract, she signs next friday",
	"chi Mai bao gia 5 thung, cuoi tuan goi lai",
	"left voicemail for Bob, call 0903 123 456 again",
	"demo went well, follow up on Dec 3 at 15:00",
	"đã gửi hợp đồng, 2 tuần nữa nhắc thanh toán",
	"Sun Group wants 30 units, meeting next week",
	"gap khach o quan 1, toi nay gui email tong hop",
	"renewal due end of the month, ping them eow",
	"ngày 25/12 giao hàng, nhớ gọi trước 1 ngày",
	"version 2.5 installed, no follow-up needed",
	"họp với chị Lan tối thứ 7, mang theo catalogue",
	"call back in 10 minutes",
	"mùng 5 tháng sau thu tiền đợt 2",
}

func BenchmarkFind(b *testing.B) {
	loc, err := time.LoadLocation("Asia/Ho_Chi_Minh")
	if err != nil {
		b.Fatal(err)
	}
	now := time.Date(2026, 3, 9, 10, 0, 0, 0, loc)
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		Find(benchMessages[i%len(benchMessages)], now, loc)
	}
}

// BenchmarkFindLarge reads a 110 KB message: its cost per byte should match
// BenchmarkFind's, showing the grammar is linear.
func BenchmarkFindLarge(b *testing.B) {
	now := time.Date(2026, 3, 9, 10, 0, 0, 0, time.UTC)
	b.SetBytes(int64(len(bigMessage)))
	for b.Loop() {
		Find(bigMessage, now, time.UTC)
	}
}
