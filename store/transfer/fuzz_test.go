package transfer_test

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/tend-crm/tend/store/transfer"
)

// FuzzReader: no input makes the reader panic or loop; every line it
// yields has a line number.
func FuzzReader(f *testing.F) {
	f.Add([]byte("Tên khách hàng;Số điện thoại\nMinh Phát;0903\n"))
	f.Add([]byte("opportunity_id,sales_agent,product,account,deal_stage,engage_date,close_date,close_value\n1,A,GTX,B,Won,2016-10-20,2017-03-01,1054\n"))
	f.Add([]byte("customer,date,kind,summary\n\"Acme\"x,1/2/2026,call,\"a\n"))
	f.Add([]byte("\xef\xbb\xbfname\n\xff\xfe"))
	f.Fuzz(func(t *testing.T, in []byte) {
		rd, err := transfer.NewReader(bytes.NewReader(in), transfer.Options{})
		if err != nil {
			return
		}
		n := 0
		for r, err := range rd.Rows() {
			if err != nil {
				return
			}
			if r.Line < 2 {
				t.Errorf("row with line %d", r.Line)
			}
			if n++; n > len(in)+1 {
				t.Fatalf("%d rows from %d bytes", n, len(in))
			}
		}
	})
}

func FuzzParseMoney(f *testing.F) {
	for _, s := range []string{"150 triệu", "$12,000.50", "1.2 tỷ", "12k", "12.000,50 EUR", "0.125"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, _, err := transfer.ParseMoney(s, "USD")
		if err == nil && v < 0 {
			t.Errorf("ParseMoney(%q) = %d", s, v)
		}
	})
}

func FuzzParseDate(f *testing.F) {
	for _, s := range []string{"2017-03-01", "02/01/2006", "2 Jan 2006", "25/12/2026 14:30", "Jan 2, 2006"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := transfer.ParseDate(s, transfer.DMY, time.UTC)
		if err == nil && strings.TrimSpace(s) != "" && d.IsZero() {
			t.Errorf("ParseDate(%q) = zero without an error", s)
		}
	})
}
