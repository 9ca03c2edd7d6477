package when

import (
	"testing"
	"time"
	"unicode/utf8"
)

func FuzzFind(f *testing.F) {
	for _, c := range cases {
		f.Add(c.in)
	}
	for _, s := range []string{
		"\xff\xfe\xfd", "t6\xc3", "3/12/", "15:", "at", "ngày", "mùng 99", "31/2", "29/2/2028",
		"in 99999 days", "in 9999 years", "9999 năm nữa", "the 31st", "Dec 32", "99:99", "24h",
		"a.m.", "3 p.", "sau", "thứ", "cuối", "end of", "tuần", ":::///...", "12/12/12/12",
		"th\u01b0\u0301 ba", "\u0301\u0301mai", "ngày 31 tháng sau", "🙂 mai 🙂 9h",
	} {
		f.Add(s)
	}
	locs := []*time.Location{time.UTC}
	for _, name := range []string{"Asia/Ho_Chi_Minh", "Europe/Berlin", "America/New_York"} {
		if loc, err := time.LoadLocation(name); err == nil {
			locs = append(locs, loc)
		}
	}
	nows := []time.Time{
		time.Date(2026, 3, 9, 10, 0, 0, 0, time.UTC),
		time.Date(2026, 3, 28, 23, 59, 30, 0, time.UTC),
		time.Date(2028, 2, 29, 0, 0, 0, 0, time.UTC),
		time.Date(2026, 12, 31, 18, 0, 0, 0, time.UTC),
	}
	f.Fuzz(func(t *testing.T, text string) {
		for k, loc := range locs {
			now := nows[(k+len(text))%len(nows)]
			r, ok := Find(text, now, loc)
			if !ok {
				if r != (Result{}) {
					t.Fatalf("not ok but result %+v", r)
				}
				continue
			}
			if r.Start < 0 || r.Start >= r.End || r.End > len(text) {
				t.Fatalf("bad span %d:%d of %d", r.Start, r.End, len(text))
			}
			if utf8.ValidString(text) && (!utf8.ValidString(text[r.Start:r.End])) {
				t.Fatalf("span %d:%d splits a rune", r.Start, r.End)
			}
			if r.Time.Location() != loc {
				t.Fatalf("location %v, want %v", r.Time.Location(), loc)
			}
			if y := r.Time.Year(); y < 1900 || y > 12100 {
				t.Fatalf("year %d", y)
			}
		}
	})
}
