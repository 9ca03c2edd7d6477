package when

import "time"

// cal is the reference time: now in the user's zone, and today.
type cal struct {
	now time.Time
	loc *time.Location
	y   int
	m   time.Month
	d   int
	wd  time.Weekday
	// past reads ambiguous days as the last one rather than the next.
	past bool
}

// resolve turns an expression into a time in the user's zone.
func (p *cal) resolve(e *comp) (t time.Time, hasClock, ok bool) {
	if e.has&hRel != 0 {
		return p.now.Add(e.rel).Truncate(time.Minute), true, true
	}
	y, m, d := p.y, p.m, p.d
	if e.has&hDay != 0 {
		if y, m, d, ok = p.resolveDay(&e.day); !ok {
			return t, false, false
		}
	}
	h, mi := 0, 0
	switch {
	case e.has&hClock != 0:
		h, mi = e.clock.h, e.clock.m
		if e.clock.amb {
			if e.has&hPart != 0 {
				h = adjust(h, e.pk)
			} else if h <= 6 {
				h += 12 // "at 3", "3h": business hours
			}
		}
		hasClock = true
	case e.has&hPart != 0:
		h, hasClock = e.ph, true
	}
	t = time.Date(y, m, d, h, mi, 0, 0, p.loc)
	if e.has&hDay == 0 && e.has&hClock != 0 && !t.After(p.now) {
		t = time.Date(y, m, d+1, h, mi, 0, 0, p.loc)
	}
	return t, hasClock, true
}

// daysTo is how many days y-m-d is from today, either way.
func (p *cal) daysTo(y int, m time.Month, d int) int {
	h := time.Date(y, m, d, 12, 0, 0, 0, time.UTC).Sub(time.Date(p.y, p.m, p.d, 12, 0, 0, 0, time.UTC)).Hours()
	return int(max(h, -h)) / 24
}

// adjust reads an hour 1–12 in the light of the part of the day.
func adjust(h int, pk uint8) int {
	switch pk {
	case pkNoon:
		if h <= 5 {
			return h + 12
		}
	case pkAfternoon, pkEvening:
		if h < 12 {
			return h + 12
		}
	case pkNight:
		if h == 12 {
			return 0
		}
		if h >= 6 && h < 12 {
			return h + 12
		}
	}
	return h
}

// civil normalises a calendar date ("March 32" → "April 1").
func civil(y int, m time.Month, d int) (int, time.Month, int) {
	return time.Date(y, m, d, 12, 0, 0, 0, time.UTC).Date()
}

func daysIn(y int, m time.Month) int {
	return time.Date(y, m+1, 0, 12, 0, 0, 0, time.UTC).Day()
}

// addMonths is the year and month n months after y-m.
func addMonths(y int, m time.Month, n int) (int, time.Month) {
	t := y*12 + int(m) - 1 + n
	yy, mm := t/12, t%12
	if mm < 0 {
		yy, mm = yy-1, mm+12
	}
	return yy, time.Month(mm + 1)
}

// monIdx is the day of the week counted from Monday (0) to Sunday (6).
func monIdx(wd time.Weekday) int { return (int(wd) + 6) % 7 }

func (p *cal) resolveDay(r *dayRef) (y int, m time.Month, d int, ok bool) {
	today := monIdx(p.wd)
	switch r.k {
	case dRel:
		y, m, d = civil(p.y, p.m, p.d+r.n)
		return y, m, d, true
	case dAbs:
		y = r.y
		if !r.yearSet {
			y = p.y
			switch {
			case p.past && (r.m > p.m || r.m == p.m && r.d > p.d):
				// Last year's, unless this year's is nearer: a day a few
				// weeks ahead is not one of a year ago.
				if p.daysTo(y, r.m, r.d) > p.daysTo(y-1, r.m, r.d) {
					y--
				}
			case !p.past && (r.m < p.m || r.m == p.m && r.d < p.d):
				y++
			}
		}
		if r.m < 1 || r.m > 12 || r.d < 1 || r.d > daysIn(y, r.m) {
			return 0, 0, 0, false
		}
		return y, r.m, r.d, true
	case dDOM:
		y, m = p.y, p.m
		step := 1
		if p.past {
			step = -1
		}
		if !p.past && r.d < p.d || p.past && r.d > p.d {
			y, m = addMonths(y, m, step)
		}
		for k := 0; k < 12; k++ {
			if r.d <= daysIn(y, m) {
				return y, m, r.d, true
			}
			y, m = addMonths(y, m, step)
		}
		return 0, 0, 0, false
	case dWeekday:
		want := monIdx(r.wd)
		var delta int
		switch r.mode {
		case mAlone:
			if delta = (want - today + 7) % 7; delta == 0 {
				delta = 7
			}
			if p.past { // the last one strictly before today
				delta -= 7
				if delta == 0 {
					delta = -7
				}
			}
		case mThis:
			delta = (want - today + 7) % 7
		default:
			delta = 7*r.n + want - today
		}
		y, m, d = civil(p.y, p.m, p.d+delta)
		return y, m, d, true
	case dWeek:
		delta := 7*r.n + int(r.anchor) - today
		if r.n == 0 && delta < 0 && r.anchor != aMon {
			delta = 0 // "this week", "cuối tuần" said at the weekend
		}
		if p.past && r.n == 0 && r.anchor == aSat && delta > 0 {
			delta -= 7 // "over the weekend", said in the week: the one just gone
		}
		y, m, d = civil(p.y, p.m, p.d+delta)
		return y, m, d, true
	case dMonth:
		y, m = addMonths(p.y, p.m, r.n)
		dim := daysIn(y, m)
		switch r.anchor {
		case aSame:
			d = min(p.d, dim)
		case aFirst:
			d = 1
		case aLast:
			d = dim
		default: // "ngày 31 tháng sau" in a 30-day month: its last day
			d = min(r.d, dim)
		}
		return y, m, d, true
	}
	return 0, 0, 0, false
}
