package when

import (
	"testing"
	"time"
)

func TestFindImpossible(t *testing.T) {
	now := time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC)
	tests := []struct {
		in     string
		want   Impossible
		wantOK bool
	}{
		{"Jane's birthday at Acme is 31/2", Impossible{Day: 31, Month: time.February, Start: 27}, true},
		{"remind me to call Acme on 30/2", Impossible{Day: 30, Month: time.February, Start: 26}, true},
		{"call Acme on 31 April at 3pm", Impossible{Day: 31, Month: time.April, Start: 13}, true},
		{"gọi Acme ngày 30 tháng 2", Impossible{Day: 30, Month: time.February, Start: 11}, true},
		{"call Acme on 29/2/2027", Impossible{Day: 29, Month: time.February, Year: 2027, Start: 13}, true},
		{"Jane's birthday is 29/2", Impossible{}, false}, // a leap day
		{"call Acme on 28/2", Impossible{}, false},
		{"call Acme on 31/12", Impossible{}, false},
		{"called Acme, follow up tomorrow", Impossible{}, false},
		{"", Impossible{}, false},
	}
	for _, tt := range tests {
		got, ok := FindImpossible(tt.in, now, time.UTC)
		if ok != tt.wantOK || got != tt.want {
			t.Errorf("FindImpossible(%q) = %+v, %v; want %+v, %v", tt.in, got, ok, tt.want, tt.wantOK)
		}
	}
}
