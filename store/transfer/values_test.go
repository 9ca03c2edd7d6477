package transfer_test

import (
	"testing"
	"time"

	"github.com/tend-crm/tend/store/transfer"
)

func TestParseMoney(t *testing.T) {
	tests := []struct {
		in, def  string
		want     int64
		currency string
	}{
		{"12,000", "USD", 1200000, "USD"},
		{"12.000", "VND", 12000, "VND"},
		{"$12,000", "VND", 1200000, "USD"},
		{"$12,000.50", "", 1200050, "USD"},
		{"12.000,50 EUR", "USD", 1200050, "EUR"},
		{"12k", "USD", 1200000, "USD"},
		{"150 triệu", "USD", 150000000, "VND"},
		{"150tr", "USD", 150000000, "VND"},
		{"1.2 tỷ", "USD", 1200000000, "VND"},
		{"1,5 tỷ đồng", "USD", 1500000000, "VND"},
		{"2 ty", "USD", 2000000000, "VND"},
		{"500.000 đ", "USD", 500000, "VND"},
		{"1054", "USD", 105400, "USD"},
		{"1054.5", "USD", 105450, "USD"},
		{"0.125", "USD", 13, "USD"},
		{"1,234,567", "VND", 1234567, "VND"},
		{"", "USD", 0, ""},
	}
	for _, tt := range tests {
		got, cur, err := transfer.ParseMoney(tt.in, tt.def)
		if err != nil || got != tt.want || cur != tt.currency {
			t.Errorf("ParseMoney(%q, %q) = %d %q, %v; want %d %q", tt.in, tt.def, got, cur, err, tt.want, tt.currency)
		}
	}
	for _, bad := range []string{"abc", "-5", "12 34", "12 apples", "99999999999999999999"} {
		if v, _, err := transfer.ParseMoney(bad, "USD"); err == nil {
			t.Errorf("ParseMoney(%q) = %d, want an error", bad, v)
		}
	}
}

func TestFormatMoneyRoundTrip(t *testing.T) {
	for _, v := range []int64{0, 1, 99, 100, 105450, 123456789} {
		for _, cur := range []string{"USD", "VND"} {
			got, _, err := transfer.ParseMoney(transfer.FormatMoney(v, cur), cur)
			if err != nil || got != v {
				t.Errorf("ParseMoney(FormatMoney(%d, %s)) = %d, %v", v, cur, got, err)
			}
		}
	}
}

func TestParseDate(t *testing.T) {
	hcm, _ := time.LoadLocation("Asia/Ho_Chi_Minh")
	d := func(y int, m time.Month, day int) time.Time { return time.Date(y, m, day, 0, 0, 0, 0, hcm) }
	tests := []struct {
		in    string
		order transfer.DateOrder
		want  time.Time
	}{
		{"2017-03-01", transfer.DMY, d(2017, 3, 1)},
		{"02/01/2006", transfer.DMY, d(2006, 1, 2)},
		{"1/2/2006", transfer.MDY, d(2006, 1, 2)},
		{"1/2/2006", transfer.DMY, d(2006, 2, 1)},
		{"25.12.2026", transfer.DMY, d(2026, 12, 25)},
		{"25-12-26", transfer.DMY, d(2026, 12, 25)},
		{"2026/12/25", transfer.MDY, d(2026, 12, 25)},
		{"2 Jan 2006", transfer.MDY, d(2006, 1, 2)},
		{"Jan 2, 2006", transfer.DMY, d(2006, 1, 2)},
		{"2 September 2026", transfer.DMY, d(2026, 9, 2)},
		{"25/12/2026 14:30", transfer.DMY, d(2026, 12, 25).Add(14*time.Hour + 30*time.Minute)},
		{"2026-03-09T10:00:00+07:00", transfer.DMY, time.Date(2026, 3, 9, 3, 0, 0, 0, time.UTC)},
		{"", transfer.DMY, time.Time{}},
	}
	for _, tt := range tests {
		got, err := transfer.ParseDate(tt.in, tt.order, hcm)
		if err != nil || !got.Equal(tt.want) {
			t.Errorf("ParseDate(%q, %s) = %v, %v; want %v", tt.in, tt.order, got, err, tt.want)
		}
	}
	for _, bad := range []string{"13/25/2026", "31/02/2026", "yesterday", "2026-13-01", "12/25/2026"} {
		if got, err := transfer.ParseDate(bad, transfer.DMY, hcm); err == nil {
			t.Errorf("ParseDate(%q) = %v, want an error", bad, got)
		}
	}
	if got := transfer.FormatDate(d(2026, 3, 9), hcm); got != "2026-03-09" {
		t.Errorf("FormatDate(midnight) = %q", got)
	}
}
