package store

import (
	"sync"
	"time"

	"github.com/6tail/lunar-go/calendar"
)

// LunarDate is a day of the lunar calendar (âm lịch).
type LunarDate struct {
	Year, Month, Day int
	Leap             bool // in the leap month that repeats Month
}

// ToLunar returns the lunar date of a civil date (only its year, month
// and day count).
func ToLunar(t time.Time) LunarDate {
	day := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
	for _, m := range lunarMonths(t.Year()) {
		if days := int(day.Sub(m.first).Hours() / 24); days >= 0 && days < m.days {
			return LunarDate{Year: m.year, Month: m.month, Day: days + 1, Leap: m.leap}
		}
	}
	return LunarDate{} // unreachable: a lunar year's months cover its solar year
}

// FromLunar returns the civil date (at 00:00 UTC) of day d of the regular
// (not leap) month m of lunar year y. A yearly date is kept in the regular
// month, as families keep a giỗ; the 30th of a month that has 29 days this
// year falls on its 29th. ok is false for a month or day out of range.
func FromLunar(y, m, d int) (t time.Time, ok bool) {
	if m < 1 || m > 12 || d < 1 || d > 30 {
		return time.Time{}, false
	}
	for _, lm := range lunarMonths(y) {
		if lm.year == y && lm.month == m && !lm.leap {
			return lm.first.AddDate(0, 0, min(d, lm.days)-1), true
		}
	}
	return time.Time{}, false
}

// lunarMonth is one month of the lunar calendar, as the library computes
// it.
type lunarMonth struct {
	year, month int
	leap        bool
	first       time.Time // its first day, 00:00 UTC
	days        int
}

var lunarCache = struct {
	sync.Mutex
	years map[int][]lunarMonth
}{years: map[int][]lunarMonth{}}

// lunarMonths returns the lunar months the library computes for a solar
// year (those that cover it, and the start of the next lunar year). The
// library recomputes a year's astronomy on every call but for the last
// year asked, so they are kept here: a few years are ever asked for.
func lunarMonths(y int) []lunarMonth {
	lunarCache.Lock()
	defer lunarCache.Unlock()
	if ms, ok := lunarCache.years[y]; ok {
		return ms
	}
	var ms []lunarMonth
	for e := calendar.NewLunarYear(y).GetMonths().Front(); e != nil; e = e.Next() {
		m := e.Value.(*calendar.LunarMonth)
		s := calendar.NewSolarFromJulianDay(m.GetFirstJulianDay())
		ms = append(ms, lunarMonth{year: m.GetYear(), month: abs(m.GetMonth()), leap: m.IsLeap(), days: m.GetDayCount(),
			first: time.Date(s.GetYear(), time.Month(s.GetMonth()), s.GetDay(), 0, 0, 0, 0, time.UTC)})
	}
	lunarCache.years[y] = ms
	return ms
}

// NextLunar returns the first civil date on or after local's date that is
// lunar month m, day d (see FromLunar), at 00:00 UTC.
func NextLunar(local time.Time, m, d int) (time.Time, bool) {
	today := time.Date(local.Year(), local.Month(), local.Day(), 0, 0, 0, 0, time.UTC)
	// The lunar year starts between 21 January and 20 February: the date
	// is in this lunar year, the next, or (early in the solar year) still
	// the one before.
	for y := today.Year() - 1; y <= today.Year()+1; y++ {
		if t, ok := FromLunar(y, m, d); ok && !t.Before(today) {
			return t, true
		}
	}
	return time.Time{}, false
}

// NextTet returns the first day of the lunar new year on or after local's
// date, at 00:00 UTC.
func NextTet(local time.Time) time.Time {
	t, _ := NextLunar(local, 1, 1)
	return t
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}
