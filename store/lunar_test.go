package store_test

import (
	"slices"
	"testing"
	"time"

	"github.com/tend-crm/tend/store"
)

func date(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

// The dates are those of Vietnamese calendars: Tết, Giỗ Tổ Hùng Vương
// (10/3), the leap sixth month of Ất Tỵ (2025).
func TestLunarConversion(t *testing.T) {
	tests := []struct {
		solar time.Time
		lunar store.LunarDate
	}{
		{date(2025, 1, 29), store.LunarDate{Year: 2025, Month: 1, Day: 1}},
		{date(2026, 2, 17), store.LunarDate{Year: 2026, Month: 1, Day: 1}},
		{date(2027, 2, 6), store.LunarDate{Year: 2027, Month: 1, Day: 1}},
		{date(2026, 2, 16), store.LunarDate{Year: 2025, Month: 12, Day: 29}}, // Tết eve: the month has 29 days
		{date(2026, 4, 26), store.LunarDate{Year: 2026, Month: 3, Day: 10}},
		{date(2027, 4, 16), store.LunarDate{Year: 2027, Month: 3, Day: 10}},
		{date(2025, 7, 4), store.LunarDate{Year: 2025, Month: 6, Day: 10}},
		{date(2025, 8, 1), store.LunarDate{Year: 2025, Month: 6, Day: 8, Leap: true}},
	}
	for _, tt := range tests {
		if got := store.ToLunar(tt.solar.Add(15 * time.Hour)); got != tt.lunar {
			t.Errorf("ToLunar(%s) = %+v, want %+v", tt.solar.Format(time.DateOnly), got, tt.lunar)
		}
		if tt.lunar.Leap {
			continue // FromLunar gives the regular month
		}
		if got, ok := store.FromLunar(tt.lunar.Year, tt.lunar.Month, tt.lunar.Day); !ok || !got.Equal(tt.solar) {
			t.Errorf("FromLunar(%+v) = %s, %v; want %s", tt.lunar, got.Format(time.DateOnly), ok, tt.solar.Format(time.DateOnly))
		}
	}
	// The 30th of a 29-day month is kept on its last day.
	if got, ok := store.FromLunar(2025, 12, 30); !ok || !got.Equal(date(2026, 2, 16)) {
		t.Errorf("FromLunar(2025, 12, 30) = %s, %v; want 2026-02-16", got.Format(time.DateOnly), ok)
	}
	for _, md := range [][2]int{{0, 1}, {13, 1}, {1, 0}, {1, 31}} {
		if got, ok := store.FromLunar(2026, md[0], md[1]); ok {
			t.Errorf("FromLunar(2026, %d, %d) = %s, want not ok", md[0], md[1], got)
		}
	}
	if got := store.NextTet(date(2026, 3, 1)); !got.Equal(date(2027, 2, 6)) {
		t.Errorf("NextTet(1 March 2026) = %s, want 2027-02-06", got.Format(time.DateOnly))
	}
	if got := store.NextTet(date(2026, 2, 17)); !got.Equal(date(2026, 2, 17)) {
		t.Errorf("NextTet(Tết 2026) = %s, want the same day", got.Format(time.DateOnly))
	}
}

func TestUpcomingLunarDays(t *testing.T) {
	lunar := func(now time.Time, days int) []store.MonthDay {
		return slices.DeleteFunc(store.UpcomingDays(now, time.UTC, days), func(md store.MonthDay) bool { return !md.Lunar })
	}
	lmd := func(m time.Month, d int) store.MonthDay { return store.MonthDay{Month: m, Day: d, Lunar: true} }
	tests := []struct {
		name string
		now  time.Time
		days int
		want []store.MonthDay
	}{
		{"Giỗ Tổ", date(2026, 4, 25), 2, []store.MonthDay{lmd(3, 9), lmd(3, 10)}},
		// 12/29 is the last day of the year: occasions on 12/30 fall on it.
		{"across Tết", date(2026, 2, 15), 3, []store.MonthDay{lmd(12, 28), lmd(12, 29), lmd(12, 30), lmd(1, 1)}},
		// Days of the leap month match no lunar occasion.
		{"leap month", date(2025, 7, 24), 3, []store.MonthDay{lmd(6, 30)}},
	}
	for _, tt := range tests {
		if got := lunar(tt.now, tt.days); !slices.Equal(got, tt.want) {
			t.Errorf("%s: lunar UpcomingDays(%s, %d) = %v, want %v", tt.name, tt.now.Format(time.DateOnly), tt.days, got, tt.want)
		}
	}
}

// A lunar occasion comes up on its solar date of the current lunar year,
// which moves from year to year, and is counted down across Tết.
func TestAgendaLunarOccasion(t *testing.T) {
	hcm := mustLoad(t, "Asia/Ho_Chi_Minh")
	book := store.Book{
		Customers: map[store.CustomerID]store.Customer{1: {ID: 1, Name: "Minh Phát"}},
		Occasions: []store.Occasion{{ID: 1, CustomerID: 1, Kind: "death_anniversary", Month: 3, Day: 10, Lunar: true}},
	}
	tests := []struct {
		now  time.Time
		days int
	}{
		{time.Date(2026, 4, 23, 1, 0, 0, 0, time.UTC), 3}, // 26 April 2026
		{time.Date(2026, 4, 26, 1, 0, 0, 0, time.UTC), 0},
		{time.Date(2027, 4, 13, 1, 0, 0, 0, time.UTC), 3}, // a year later: 16 April 2027
		{time.Date(2027, 4, 16, 16, 59, 0, 0, time.UTC), 0},
		{time.Date(2027, 4, 16, 17, 0, 0, 0, time.UTC), 353}, // the next day in Ho Chi Minh City: 4 April 2028
	}
	for _, tt := range tests {
		items := store.Agenda(book, tt.now, hcm, store.DefaultWeights)
		if len(items) != 1 || items[0].Reasons[0].Kind != store.ReasonOccasion || items[0].Reasons[0].Days != tt.days {
			t.Errorf("Agenda at %s: %+v, want the occasion in %d days", tt.now, items, tt.days)
		}
	}
	// Across Tết: from the 23rd of the last month, the 3rd of the first.
	tet := store.Book{
		Customers: book.Customers,
		Occasions: []store.Occasion{{ID: 2, CustomerID: 1, Kind: "birthday", Month: 1, Day: 3, Lunar: true}},
	}
	if items := store.Agenda(tet, date(2026, 2, 10), hcm, store.DefaultWeights); len(items) != 1 || items[0].Reasons[0].Days != 9 {
		t.Errorf("Agenda on 10 February 2026: %+v, want the birthday on 19 February, in 9 days", items)
	}
}
