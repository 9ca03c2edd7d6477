package when

import (
	"strings"
	"time"

	"github.com/tend-crm/tend/store"
)

type parser struct {
	text string
	toks []token
	y    int // today, in the user's zone
	m    time.Month
	d    int
	wd   time.Weekday
}

// What a component fills.
const (
	hDay = 1 << iota
	hClock
	hPart
	hRel
)

// What a weak component needs to count on its own.
const (
	needNone  = iota
	needCombo // another component: unaccented "sang", "toi", "dem"; "night"
	needEnd   // a prefix word, another component, or the end of the clause: "sat", "sun", "CN"
	needStart // the start of a clause, or another component: "nay"
)

// Day kinds.
const (
	dRel     = iota + 1 // n days from today
	dAbs                // y-m-d; the year may be missing
	dDOM                // day d of this month, or of the next when past
	dWeekday            // weekday wd, by mode
	dWeek               // week n from this one, at anchor
	dMonth              // month n from this one, at anchor
)

// Weekday modes.
const (
	mAlone = iota // next occurrence strictly after today
	mThis         // next occurrence on or after today
	mWeek         // in the week n weeks from this one
)

// Anchors of weeks (index from Monday) and months.
const (
	aMon   = 0
	aFri   = 4
	aSat   = 5
	aSame  = 10 // same day of month, clamped
	aFirst = 11
	aLast  = 12
	aDay   = 13 // day d
)

// Parts of the day.
const (
	pkMorning = iota + 1
	pkNoon
	pkAfternoon
	pkEvening
	pkNight
)

type dayRef struct {
	k       uint8
	mode    uint8
	anchor  uint8
	yearSet bool
	wd      time.Weekday
	n       int
	y, d    int
	m       time.Month
}

type clockRef struct {
	h, m int
	amb  bool // an hour 1–12 without am/pm or leading zero
}

// comp is one component of an expression, or a whole expression.
type comp struct {
	has   uint8
	need  uint8
	pk    uint8 // part of the day
	ph    int   // its hour
	day   dayRef
	clock clockRef
	rel   time.Duration
}

func relDay(n int) comp { return comp{has: hDay, day: dayRef{k: dRel, n: n}} }
func weekRef(n int, anchor uint8) comp {
	return comp{has: hDay, day: dayRef{k: dWeek, n: n, anchor: anchor}}
}
func monthRef(n int, anchor uint8, d int) comp {
	return comp{has: hDay, day: dayRef{k: dMonth, n: n, anchor: anchor, d: d}}
}
func weekdayRef(wd time.Weekday, mode uint8, n int) comp {
	return comp{has: hDay, day: dayRef{k: dWeekday, wd: wd, mode: mode, n: n}}
}
func absRef(y int, m time.Month, d int, yearSet bool) comp {
	return comp{has: hDay, day: dayRef{k: dAbs, y: y, m: m, d: d, yearSet: yearSet}}
}
func domRef(d int) comp { return comp{has: hDay, day: dayRef{k: dDOM, d: d}} }
func partRef(pk uint8, h int) comp {
	return comp{has: hPart, pk: pk, ph: h}
}
func clockAt(h, m int, amb bool) comp {
	return comp{has: hClock, clock: clockRef{h: h, m: m, amb: amb}}
}

// merge adds c to the expression e, or reports that they do not fit.
func (e *comp) merge(c *comp) bool {
	if e.has&hRel != 0 || c.has&hRel != 0 || e.has&c.has&(hClock|hPart) != 0 {
		return false
	}
	if c.has&hDay != 0 {
		if e.has&hDay != 0 {
			d, ok := mergeDay(e.day, c.day)
			if !ok {
				return false
			}
			e.day = d
		} else {
			e.day = c.day
		}
	}
	if c.has&hClock != 0 {
		e.clock = c.clock
	}
	if c.has&hPart != 0 {
		e.pk, e.ph = c.pk, c.ph
	}
	e.has |= c.has
	return true
}

// mergeDay joins a weekday with a week ("thứ ba tuần sau", "friday next
// week"); a weekday next to a full date yields to the date.
func mergeDay(a, b dayRef) (dayRef, bool) {
	if b.k == dWeekday {
		a, b = b, a
	}
	if a.k != dWeekday {
		return a, false
	}
	switch b.k {
	case dWeek:
		if b.n == 0 {
			a.mode = mThis
		} else {
			a.mode, a.n = mWeek, b.n
		}
		return a, true
	case dAbs, dDOM, dRel:
		return b, true
	}
	return a, false
}

// Token access. All of these are safe for any index.

func (p *parser) tk(i int) *token {
	if uint(i) < uint(len(p.toks)) {
		return &p.toks[i]
	}
	return nil
}

// word is the folded word at i, or "".
func (p *parser) word(i int) string {
	if t := p.tk(i); t != nil && t.kind == kWord {
		return t.s
	}
	return ""
}

// en is the word at i when it is plain ASCII in the text, or "".
func (p *parser) en(i int) string {
	if t := p.tk(i); t != nil && t.kind == kWord && t.ascii {
		return t.s
	}
	return ""
}

// is reports whether token i is the original (accented) word w, or the
// plain ASCII spelling of it when plain is true.
func (p *parser) is(i int, w string, plain bool) bool {
	t := p.tk(i)
	if t == nil || t.kind != kWord {
		return false
	}
	if t.ascii {
		return plain
	}
	return strings.EqualFold(p.text[t.start:t.end], w)
}

// punct reports whether token i is the punctuation c, written right after
// the token before it.
func (p *parser) punct(i int, c byte) bool {
	t := p.tk(i)
	return t != nil && t.kind == kPunct && !t.sp && len(t.s) == 1 && t.s[0] == c
}

// adjNum is the number at i when it follows the previous token without space.
func (p *parser) adjNum(i, maxDigits int) (int, int, bool) {
	t := p.tk(i)
	if t == nil || t.kind != kNum || t.sp || t.nd > maxDigits {
		return 0, 0, false
	}
	return t.num, t.nd, true
}

// num is the number at i (of at most maxDigits digits).
func (p *parser) num(i, maxDigits int) (int, bool) {
	t := p.tk(i)
	if t == nil || t.kind != kNum || t.nd > maxDigits {
		return 0, false
	}
	return t.num, true
}

func isNumeric(t *token) bool {
	return t != nil && (t.kind == kNum || t.kind == kWord && len(t.s) > 0 && isDigit(t.s[0]))
}

// numStartOK reports whether a number at i starts something on its own and
// is not the tail of "2.5", "12/3" or "10:30".
func (p *parser) numStartOK(i int) bool {
	t := p.tk(i)
	if t == nil || t.sp {
		return t != nil
	}
	prev := p.tk(i - 1)
	if prev == nil || prev.kind != kPunct {
		return true
	}
	if c := prev.s; c == "/" || c == ":" || c == "." || c == "," {
		pp := p.tk(i - 2)
		return prev.sp || pp == nil || pp.kind == kPunct
	}
	return true
}

// numEndOK reports whether what ends before j is not followed by more of a
// number ("3/12/5", "15:30:1", "9.5").
func (p *parser) numEndOK(j int) bool {
	t := p.tk(j)
	if t == nil || t.sp || t.kind != kPunct {
		return t == nil || t.kind == kPunct || t.sp
	}
	if c := t.s; c == "/" || c == ":" || c == "." || c == "," {
		n := p.tk(j + 1)
		return n == nil || n.sp || !isNumeric(n)
	}
	return true
}

// clauseStart reports whether token i starts the text, a line or a clause.
func (p *parser) clauseStart(i int) bool {
	t := p.tk(i)
	if i == 0 || t == nil || t.nl {
		return true
	}
	prev := p.tk(i - 1)
	return prev.kind == kPunct && prev.s != "'"
}

func (p *parser) mayStart(i int) bool {
	t := &p.toks[i]
	return t.kind != kPunct || t.s == "@"
}

// expr reads the longest expression starting at token i.
func (p *parser) expr(i int) (e comp, j int, ok bool) {
	e, j, ok = p.comp(i, true)
	if !ok {
		return
	}
	n := 1
	for n < 6 {
		c, k, good := p.comp(j, false)
		if !good && isConnector(p.tk(j)) {
			c, k, good = p.comp(j+1, false)
		}
		if !good || !e.merge(&c) {
			break
		}
		j = k
		n++
	}
	if n > 1 {
		return e, j, true
	}
	switch e.need {
	case needCombo:
		return e, j, false
	case needEnd:
		next := p.tk(j)
		ok = next == nil || next.kind == kPunct || isPrefix(p.word(i-1))
	case needStart:
		ok = p.clauseStart(i)
	}
	return e, j, ok
}

func isConnector(t *token) bool {
	if t == nil {
		return false
	}
	switch t.s {
	case ",", "-", "on", "at", "by", "of", "around", "about", "vao", "luc", "khoang", "tam", "tu", "den":
		return true
	}
	return false
}

// isPrefix: words that make a bare "sat", "sun" or "CN" a weekday.
func isPrefix(w string) bool {
	switch w {
	case "on", "this", "next", "last", "by", "until", "till", "before", "from", "every",
		"vao", "den", "truoc", "hen", "tu", "sang":
		return true
	}
	return false
}

// comp reads the longest single component at token i.
func (p *parser) comp(i int, first bool) (best comp, bj int, ok bool) {
	if p.tk(i) == nil {
		return
	}
	if c, j, good := p.parseDay(i, first); good && j > bj {
		best, bj, ok = c, j, true
	}
	if c, j, good := p.parseClock(i); good && j > bj {
		best, bj, ok = c, j, true
	}
	if c, j, good := p.parsePart(i); good && j > bj {
		best, bj, ok = c, j, true
	}
	if c, j, good := p.parseRel(i); good && j > bj {
		best, bj, ok = c, j, true
	}
	if c, j, good := p.parseHoliday(i); good && j > bj {
		best, bj, ok = c, j, true
	}
	return
}

// Days around the holidays: "after Christmas" is the 26th; "sau Tết",
// after the holiday week, mùng 6; "trước Tết" three days before it, when
// people are still at work.
const (
	afterTet  = 5
	beforeTet = -3
)

// parseHoliday reads "after Christmas", "before Xmas", "sau Tết", "trước
// Tết", "sau Giáng sinh". A holiday alone is not read: "quà Tết", "a
// Christmas card" are things, not dates.
func (p *parser) parseHoliday(i int) (c comp, j int, ok bool) {
	after := 0
	switch w := p.word(i); {
	case w == "after" && p.tk(i).ascii, w == "sau":
		after = 1
	case w == "before" && p.tk(i).ascii, w == "by" && p.tk(i).ascii, w == "truoc" && p.is(i, "trước", true):
		after = -1
	default:
		return
	}
	j = i + 1
	switch w := p.word(j); {
	case w == "christmas" || w == "xmas" || w == "noel":
		return absRef(0, time.December, 25+after, false), j + 1, true
	case w == "giang" && p.word(j+1) == "sinh":
		return absRef(0, time.December, 25+after, false), j + 2, true
	case w == "tet" && (p.is(j, "tết", false) || p.tk(j).upper):
		if next := p.word(j + 1); next == "duong" || next == "tay" || next == "trung" {
			return // New Year's Day, the Mid-Autumn festival
		}
		off := beforeTet
		if after > 0 {
			off = afterTet
		}
		// The Tết whose day is still ahead, so that "sau Tết" said in
		// the holiday week is this one's.
		today := time.Date(p.y, p.m, p.d, 0, 0, 0, 0, time.UTC)
		t := store.NextTet(today.AddDate(0, 0, -off)).AddDate(0, 0, off)
		return absRef(t.Year(), t.Month(), t.Day(), true), j + 1, true
	}
	return
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

// lead splits "15h30" into 15, 2 digits and "h30".
func lead(s string) (n, nd int, rest string) {
	for nd < len(s) && isDigit(s[nd]) {
		if nd < 9 {
			n = n*10 + int(s[nd]-'0')
		}
		nd++
	}
	return n, nd, s[nd:]
}

func enWeekday(s string) (wd time.Weekday, abbr, ok bool) {
	switch s {
	case "monday", "mondays":
		return time.Monday, false, true
	case "mon":
		return time.Monday, true, true
	case "tuesday", "tuesdays":
		return time.Tuesday, false, true
	case "tue", "tues":
		return time.Tuesday, true, true
	case "wednesday", "wednesdays":
		return time.Wednesday, false, true
	case "wed", "weds":
		return time.Wednesday, true, true
	case "thursday", "thursdays":
		return time.Thursday, false, true
	case "thu", "thur", "thurs":
		return time.Thursday, true, true
	case "friday", "fridays":
		return time.Friday, false, true
	case "fri":
		return time.Friday, true, true
	case "saturday", "saturdays":
		return time.Saturday, false, true
	case "sat":
		return time.Saturday, true, true
	case "sunday", "sundays":
		return time.Sunday, false, true
	case "sun":
		return time.Sunday, true, true
	}
	return 0, false, false
}

// MonthName reads an English month's name or its short form ("dec",
// "sept"), folded; 0 when s is none.
func MonthName(s string) time.Month {
	switch s {
	case "jan", "january":
		return time.January
	case "feb", "february":
		return time.February
	case "mar", "march":
		return time.March
	case "apr", "april":
		return time.April
	case "may":
		return time.May
	case "jun", "june":
		return time.June
	case "jul", "july":
		return time.July
	case "aug", "august":
		return time.August
	case "sep", "sept", "september":
		return time.September
	case "oct", "october":
		return time.October
	case "nov", "november":
		return time.November
	case "dec", "december":
		return time.December
	}
	return 0
}

// vnWeekday reads the word after "thứ": "hai"/"2" … "bảy"/"7".
func (p *parser) vnWeekday(i int) (time.Weekday, bool) {
	t := p.tk(i)
	if t == nil {
		return 0, false
	}
	if t.kind == kNum {
		if t.nd == 1 && t.num >= 2 && t.num <= 7 {
			return time.Weekday(t.num - 1), true
		}
		return 0, false
	}
	switch t.s {
	case "hai":
		return time.Monday, true
	case "ba":
		return time.Tuesday, true
	case "tu":
		return time.Wednesday, true
	case "nam":
		return time.Thursday, true
	case "sau":
		return time.Friday, true
	case "bay":
		return time.Saturday, true
	}
	return 0, false
}

// parseDay reads a day: a relative day, a weekday, a week, a month, a date.
func (p *parser) parseDay(i int, first bool) (c comp, j int, ok bool) {
	t := p.tk(i)
	if t == nil {
		return
	}
	if t.kind == kNum {
		return p.parseNumDate(i)
	}
	if t.kind != kWord || t.s == "" {
		return
	}
	s := t.s
	if isDigit(s[0]) {
		return p.parseOrdinalDate(i)
	}
	if t.ascii {
		if c, j, ok = p.parseEnDay(i); ok {
			return
		}
	}
	switch s {
	case "hom":
		switch p.word(i + 1) {
		case "nay":
			return relDay(0), i + 2, true
		case "qua":
			return relDay(-1), i + 2, true
		case "kia":
			return relDay(-2), i + 2, true
		case "sau":
			return relDay(1), i + 2, true
		}
	case "nay":
		if t.ascii {
			c = relDay(0)
			c.need = needStart
			return c, i + 1, true
		}
	case "ngay":
		switch p.word(i + 1) {
		case "mai":
			if p.tk(i + 1).ascii {
				return relDay(1), i + 2, true
			}
		case "kia", "mot":
			return relDay(2), i + 2, true
		case "hom":
			if c, j, ok = p.parseDay(i+1, false); ok {
				return
			}
		}
		return p.parseDayNum(i + 1)
	case "mung", "mong":
		return p.parseDayNum(i + 1)
	case "mai":
		if p.maiIsDate(i, first) {
			return relDay(1), i + 1, true
		}
	case "mot":
		if p.is(i, "mốt", false) {
			return relDay(2), i + 1, true
		}
	case "thu":
		if wd, good := p.vnWeekday(i + 1); good && !isTitle(p.word(i-1)) { // not "chị Thu 2"
			return weekdayRef(wd, mAlone, 0), i + 2, true
		}
	case "t2", "t3", "t4", "t5", "t6", "t7":
		return weekdayRef(time.Weekday(s[1]-'1'), mAlone, 0), i + 1, true
	case "cn":
		if t.ascii {
			c = weekdayRef(time.Sunday, mAlone, 0)
			c.need = needEnd
			return c, i + 1, true
		}
	case "chu":
		if p.word(i+1) == "nhat" {
			return weekdayRef(time.Sunday, mAlone, 0), i + 2, true
		}
	case "tuan":
		if n, good := p.vnNext(i + 1); good && p.is(i, "tuần", true) { // not "anh Tuấn trước"
			if n == 0 {
				return weekRef(0, aFri), i + 2, true
			}
			return weekRef(n, aMon), i + 2, true
		}
	case "sang":
		switch {
		case p.word(i+1) == "tuan" && p.is(i+1, "tuần", true):
			return weekRef(1, aMon), i + 2, true
		case p.word(i+1) == "thang" && p.is(i+1, "tháng", true):
			return monthRef(1, aSame, 0), i + 2, true
		}
	case "thang":
		if n, good := p.vnNext(i + 1); good && n != 0 && p.is(i, "tháng", true) {
			return monthRef(n, aSame, 0), i + 2, true // "tháng trước": a month ago
		}
	case "nam": // "năm ngoái", "năm trước": a year ago
		switch {
		case p.word(i+1) == "ngoai" && p.is(i+1, "ngoái", true) && (p.is(i, "năm", false) || p.tk(i).ascii && !p.tk(i).upper), // not "anh Nam ngoài quán"
			p.word(i+1) == "truoc" && p.is(i, "năm", false) && p.is(i+1, "trước", false):
			return monthRef(-12, aSame, 0), i + 2, true
		}
	case "cuoi", "dau":
		unit := p.word(i + 1)
		if !(unit == "tuan" && p.is(i+1, "tuần", true) || unit == "thang" && p.is(i+1, "tháng", true)) {
			return
		}
		n, good := p.vnNext(i + 2)
		j = i + 3
		if !good {
			j = i + 2
			switch {
			case s == "cuoi":
				n = 0
			case unit == "tuan" && p.wd != time.Monday, unit == "thang" && p.d != 1:
				n = 1
			}
		}
		switch {
		case s == "cuoi" && unit == "tuan":
			return weekRef(n, aSat), j, true
		case s == "cuoi":
			return monthRef(n, aLast, 0), j, true
		case unit == "tuan":
			return weekRef(n, aMon), j, true
		default:
			return monthRef(n, aFirst, 0), j, true
		}
	}
	return
}

// vnNext reads "sau"/"tới" (1), "này" (0) or "trước" (-1) after "tuần"/"tháng".
func (p *parser) vnNext(i int) (int, bool) {
	switch p.word(i) {
	case "sau", "toi":
		return 1, true
	case "nay":
		return 0, true
	case "truoc":
		return -1, true
	}
	return 0, false
}

// maiIsDate decides whether "mai" at i means tomorrow or is a name ("Mai
// Linh", "chị Mai", "gặp Mai lúc 3h").
func (p *parser) maiIsDate(i int, first bool) bool {
	t := p.tk(i)
	if !t.ascii {
		return false // mãi, mái, mại
	}
	if n := p.tk(i + 1); n != nil && n.kind == kWord && n.upper && !p.clauseStart(i+1) {
		return false
	}
	if !first {
		return true
	}
	if t.upper && !p.clauseStart(i) {
		return false
	}
	return !isTitle(p.word(i-1)) && p.word(i-1) != "cho"
}

// isTitle: words put before a person's name.
func isTitle(w string) bool {
	switch w {
	case "anh", "chi", "em", "co", "chu", "bac", "ong", "ba", "ban", "c", "a", "e", "sep",
		"mr", "ms", "mrs", "miss", "dr":
		return true
	}
	return false
}

// parseEnDay reads the English day words.
func (p *parser) parseEnDay(i int) (c comp, j int, ok bool) {
	s := p.en(i)
	switch s {
	case "today":
		return relDay(0), i + 1, true
	case "tonight", "tonite":
		c = relDay(0)
		c.has |= hPart
		c.pk, c.ph = pkNight, 20
		return c, i + 1, true
	case "tomorrow", "tmr", "tmrw", "tomorow", "tommorow", "tommorrow", "tmw":
		return relDay(1), i + 1, true
	case "yesterday":
		return relDay(-1), i + 1, true
	case "day":
		switch {
		case p.en(i+1) == "after" && p.en(i+2) == "tomorrow":
			return relDay(2), i + 3, true
		case p.en(i+1) == "before" && p.en(i+2) == "yesterday":
			return relDay(-2), i + 3, true
		}
	case "the":
		nx := p.en(i + 1)
		switch nx {
		case "day", "weekend", "end", "beginning", "start":
			if c, j, ok = p.parseEnDay(i + 1); ok {
				return
			}
		}
		if t := p.tk(i + 1); t != nil && t.kind == kWord && len(nx) > 0 && isDigit(nx[0]) {
			if c, j, ok = p.parseOrdinalDate(i + 1); ok {
				return
			}
			if n, nd, rest := lead(nx); nd <= 2 && isOrdinal(rest) && n >= 1 && n <= 31 && p.numEndOK(i+2) {
				return domRef(n), i + 2, true
			}
		}
	case "this", "next", "last", "coming":
		k := i + 1
		if s == "this" && p.en(k) == "coming" {
			s, k = "coming", k+1
		}
		nx := p.en(k)
		if wd, _, good := enWeekday(nx); good {
			switch s {
			case "this":
				return weekdayRef(wd, mThis, 0), k + 1, true
			case "next":
				return weekdayRef(wd, mWeek, 1), k + 1, true
			case "last":
				return weekdayRef(wd, mWeek, -1), k + 1, true
			}
			return weekdayRef(wd, mAlone, 0), k + 1, true
		}
		n := 0
		switch s {
		case "next":
			n = 1
		case "last":
			n = -1
		case "coming":
			return
		}
		switch nx {
		case "week":
			if n == 0 {
				return weekRef(0, aFri), k + 1, true
			}
			return weekRef(n, aMon), k + 1, true
		case "weekend":
			return weekRef(n, aSat), k + 1, true
		case "month":
			if n != 0 { // "last month": a month ago, as no day was said
				return monthRef(n, aSame, 0), k + 1, true
			}
		case "year":
			if n == -1 {
				return monthRef(-12, aSame, 0), k + 1, true
			}
		case "night":
			if n == -1 { // the evening before today
				c = relDay(-1)
				c.has |= hPart
				c.pk, c.ph = pkNight, 20
				return c, k + 1, true
			}
		}
	case "weekend":
		return weekRef(0, aSat), i + 1, true
	case "over": // "over the weekend"
		if p.en(i+1) == "the" && p.en(i+2) == "weekend" {
			return weekRef(0, aSat), i + 3, true
		}
	case "earlier": // "earlier today", "earlier this morning"
		if c, j, ok = p.comp(i+1, false); ok && c.has&hDay != 0 && c.day.k == dRel && c.day.n == 0 {
			return c, j, true
		}
		return comp{}, 0, false
	case "eow":
		return weekRef(0, aFri), i + 1, true
	case "eom":
		return monthRef(0, aLast, 0), i + 1, true
	case "end", "beginning", "start", "early":
		k := i + 1
		if s != "early" {
			if p.en(k) != "of" {
				return
			}
			k++
		}
		n := -99
		switch p.en(k) {
		case "the", "this":
			n = 0
		case "next":
			n = 1
		}
		if n == -99 {
			if s == "early" {
				return
			}
			n = 0
		} else {
			k++
		}
		unit := p.en(k)
		if unit != "week" && unit != "month" {
			return
		}
		if s == "end" {
			if unit == "week" {
				return weekRef(n, aFri), k + 1, true
			}
			return monthRef(n, aLast, 0), k + 1, true
		}
		if n == 0 && (unit == "week" && p.wd != time.Monday || unit == "month" && p.d != 1) {
			n = 1
		}
		if unit == "week" {
			return weekRef(n, aMon), k + 1, true
		}
		return monthRef(n, aFirst, 0), k + 1, true
	}
	if _, vn := p.vnWeekday(i + 1); s == "thu" && (vn || p.toks[i].upper || isTitle(p.word(i-1))) {
		return // "chị Thu", "Thu": a name; "ping her thu" is Thursday
	}
	if wd, abbr, good := enWeekday(s); good {
		c = weekdayRef(wd, mAlone, 0)
		if abbr {
			c.need = needEnd
		}
		return c, i + 1, true
	}
	if m := MonthName(s); m != 0 {
		return p.parseMonthFirst(i, m)
	}
	return
}

func isOrdinal(s string) bool { return s == "st" || s == "nd" || s == "rd" || s == "th" }

// parseMonthFirst reads "Dec 3", "December 3rd, 2026".
func (p *parser) parseMonthFirst(i int, m time.Month) (c comp, j int, ok bool) {
	j = i + 1
	if p.punct(j, '.') {
		j++
	}
	t := p.tk(j)
	if t == nil {
		return
	}
	var d int
	switch {
	case t.kind == kNum && t.nd <= 2:
		d = t.num
	case t.kind == kWord && len(t.s) > 0 && isDigit(t.s[0]):
		n, nd, rest := lead(t.s)
		if nd > 2 || !isOrdinal(rest) {
			return
		}
		d = n
	default:
		return
	}
	j++
	if d < 1 || d > 31 {
		return
	}
	y, k, yearSet := p.year(j)
	if yearSet {
		j = k
	}
	if !p.numEndOK(j) {
		return
	}
	return absRef(y, m, d, yearSet), j, true
}

// year reads an optional ", 2026" at j.
func (p *parser) year(j int) (y, k int, ok bool) {
	k = j
	if p.punct(k, ',') {
		k++
	}
	if t := p.tk(k); t != nil && t.kind == kNum && t.nd == 4 && t.num >= 1970 && t.num <= 2999 {
		return t.num, k + 1, true
	}
	return 0, j, false
}

// parseOrdinalDate reads "3rd December", "3rd of Dec 2026".
func (p *parser) parseOrdinalDate(i int) (c comp, j int, ok bool) {
	t := p.tk(i)
	if !t.ascii || !p.numStartOK(i) {
		return
	}
	d, nd, rest := lead(t.s)
	if nd > 2 || !isOrdinal(rest) || d < 1 || d > 31 {
		return
	}
	j = i + 1
	if p.en(j) == "of" {
		j++
	}
	m := MonthName(p.en(j))
	if m == 0 {
		return
	}
	j++
	if p.punct(j, '.') && p.tk(j+1) == nil {
		j++
	}
	y, k, yearSet := p.year(j)
	if yearSet {
		j = k
	}
	return absRef(y, m, d, yearSet), j, true
}

// parseNumDate reads dates that start with a number: "3/12", "25/12/2026",
// "2026-12-03", "3 Dec", "5 tháng 1 năm 2027".
func (p *parser) parseNumDate(i int) (c comp, j int, ok bool) {
	t := p.tk(i)
	if t == nil || t.kind != kNum || !p.numStartOK(i) {
		return
	}
	if t.nd == 4 { // 2026-12-03, 2026/12/03
		y := t.num
		for _, sep := range [...]byte{'-', '/', '.'} {
			if !p.punct(i+1, sep) {
				continue
			}
			m, _, good := p.adjNum(i+2, 2)
			if !good || !p.punct(i+3, sep) {
				return
			}
			d, _, good := p.adjNum(i+4, 2)
			if !good || y < 1970 || y > 2999 || m < 1 || m > 12 || d < 1 || d > 31 || !p.numEndOK(i+5) {
				return
			}
			return absRef(y, time.Month(m), d, true), i + 5, true
		}
		return
	}
	if t.nd > 2 {
		return
	}
	d := t.num
	if d < 1 || d > 31 {
		return
	}
	// D/M, D/M/Y; D.M.Y and D-M-Y only with a four-digit year.
	for _, sep := range [...]byte{'/', '.', '-'} {
		if !p.punct(i+1, sep) {
			continue
		}
		m, _, good := p.adjNum(i+2, 2)
		if !good || m < 1 || m > 12 {
			return
		}
		j = i + 3
		y, yearSet := 0, false
		if p.punct(j, sep) {
			if yy, ynd, good := p.adjNum(j+1, 4); good && (ynd == 4 && yy >= 1970 && yy <= 2999 || ynd == 2 && sep == '/') {
				y, yearSet, j = yy, true, j+2
				if ynd == 2 {
					y += 2000
				}
			} else {
				return
			}
		}
		if sep != '/' && !yearSet || !p.numEndOK(j) {
			return
		}
		return absRef(y, time.Month(m), d, yearSet), j, true
	}
	if nt := p.tk(i + 1); nt != nil && nt.kind == kWord && nt.ascii {
		if m := MonthName(nt.s); m != 0 {
			j = i + 2
			if p.punct(j, '.') && p.tk(j+1) == nil {
				j++
			}
			y, k, yearSet := p.year(j)
			if yearSet {
				j = k
			}
			// "3 máy", "3 sếp" typed plain: only "3 May", "3 Sep".
			if (nt.s == "may" || nt.s == "sep") && !nt.upper && !yearSet {
				return
			}
			return absRef(y, m, d, yearSet), j, true
		}
	}
	if p.word(i+1) == "thang" {
		if m, good := p.num(i+2, 2); good && m >= 1 && m <= 12 && p.tk(i+2).sp {
			j = i + 3
			y, yearSet := 0, false
			if p.word(j) == "nam" {
				if yy, good := p.num(j+1, 4); good && p.tk(j+1).nd == 4 && yy >= 1970 && yy <= 2999 {
					y, yearSet, j = yy, true, j+2
				}
			}
			if !p.numEndOK(j) {
				return
			}
			return absRef(y, time.Month(m), d, yearSet), j, true
		}
	}
	return
}

// parseDayNum reads what follows "ngày" or "mùng": a date, "15 tháng sau",
// or a bare day of the month.
func (p *parser) parseDayNum(i int) (c comp, j int, ok bool) {
	t := p.tk(i)
	if t == nil || t.kind != kNum || t.nd > 2 || t.num < 1 || t.num > 31 {
		return
	}
	if c, j, ok = p.parseNumDate(i); ok {
		return
	}
	if p.word(i+1) == "thang" {
		if n, good := p.vnNext(i + 2); good && n >= 0 {
			return monthRef(n, aDay, t.num), i + 3, true
		}
	}
	if !p.numEndOK(i + 1) {
		return
	}
	return domRef(t.num), i + 1, true
}

// parseClock reads a clock time: "3pm", "15:30", "at 9", "15h30", "9 giờ 30".
func (p *parser) parseClock(i int) (c comp, j int, ok bool) {
	t := p.tk(i)
	if t == nil {
		return
	}
	pre := false
	if t.kind == kWord && (t.s == "at" && t.ascii || t.s == "luc" && p.is(i, "lúc", true)) || t.kind == kPunct && t.s == "@" {
		pre = true
		i++
		if t = p.tk(i); t == nil {
			return
		}
	}
	if t.kind == kWord && t.ascii {
		switch t.s {
		case "noon", "midday":
			return clockAt(12, 0, false), i + 1, true
		case "midnight":
			return clockAt(0, 0, false), i + 1, true
		}
	}
	if !isNumeric(t) || !p.numStartOK(i) {
		return
	}
	var h, m, nd, ap int
	marked, dot := false, false
	j = i + 1
	if t.kind == kNum {
		if t.nd > 2 {
			return
		}
		h, nd = t.num, t.nd
		if p.punct(j, ':') || p.punct(j, '.') {
			sep := p.tk(j).s[0]
			if mt := p.tk(j + 1); mt != nil && !mt.sp {
				if mt.kind == kNum && mt.nd == 2 {
					m, j = mt.num, j+2
					marked, dot = sep == ':', sep == '.'
					if marked && p.punct(j, ':') {
						if _, snd, good := p.adjNum(j+1, 2); good && snd == 2 {
							j += 2
						}
					}
				} else if mn, mnd, rest := lead(mt.s); mt.kind == kWord && mnd == 2 && (rest == "am" || rest == "pm") {
					m, j, marked = mn, j+2, true
					ap = ampmOf(rest)
				}
			}
		}
		if ap == 0 {
			if a, k := p.ampm(j); a != 0 {
				ap, j, marked = a, k, true
			}
		}
		if !marked && !dot && p.word(j) == "gio" {
			marked = true
			m, j = p.vnMinutes(j + 1)
		}
	} else {
		n, nnd, rest := lead(t.s)
		if nnd > 2 {
			return
		}
		h, nd = n, nnd
		switch {
		case rest == "am" || rest == "pm":
			ap = ampmOf(rest)
		case rest == "h" || rest == "g" || rest == "gio":
			m, j = p.vnMinutes(j)
		case len(rest) >= 3 && (rest[0] == 'h' || rest[0] == 'g'):
			mn, mnd, r2 := lead(rest[1:])
			if mnd != 2 || !(r2 == "" || r2 == "p" || r2 == "ph" || r2 == "am" || r2 == "pm") {
				return
			}
			m = mn
			ap = ampmOf(r2)
		default:
			return
		}
		marked = true
	}
	switch {
	case dot && ap == 0 && !pre:
		return
	case !marked && !dot:
		if !pre {
			return
		}
		// "at 9": not "at 9 10", "at 5%".
		if nt := p.tk(j); nt != nil && (nt.kind == kNum || nt.kind == kPunct && !nt.sp && nt.s == "%") {
			return
		}
	}
	if m > 59 {
		return
	}
	if ap != 0 {
		if h < 1 || h > 12 {
			return
		}
		if ap == 2 && h < 12 {
			h += 12
		} else if ap == 1 && h == 12 {
			h = 0
		}
	} else if h > 23 {
		return
	}
	if !p.numEndOK(j) {
		return
	}
	amb := ap == 0 && h >= 1 && h <= 12 && nd == 1 || ap == 0 && h >= 10 && h <= 12
	return clockAt(h, m, amb), j, true
}

func ampmOf(s string) int {
	switch s {
	case "am":
		return 1
	case "pm":
		return 2
	}
	return 0
}

// ampm reads "am", "pm", "a.m.", "p.m." at j.
func (p *parser) ampm(j int) (int, int) {
	switch w := p.en(j); w {
	case "am", "pm":
		return ampmOf(w), j + 1
	case "a", "p":
		if p.punct(j+1, '.') {
			if t := p.tk(j + 2); t != nil && !t.sp && t.s == "m" {
				k := j + 3
				if p.punct(k, '.') {
					k++
				}
				return ampmOf(w + "m"), k
			}
		}
	}
	return 0, j
}

// vnMinutes reads the minutes after "giờ" or "h": "30", "30 phút", "rưỡi".
func (p *parser) vnMinutes(j int) (int, int) {
	t := p.tk(j)
	if t == nil {
		return 0, j
	}
	if t.kind == kNum && t.nd <= 2 && t.num < 60 {
		if w := p.word(j + 1); w == "phut" || w == "p" {
			return t.num, j + 2
		}
		if t.nd == 2 {
			return t.num, j + 1
		}
		return 0, j
	}
	if t.s == "ruoi" {
		return 30, j + 1
	}
	return 0, j
}

// parsePart reads a part of the day: "morning", "this afternoon", "chiều".
func (p *parser) parsePart(i int) (c comp, j int, ok bool) {
	t := p.tk(i)
	if t == nil || t.kind != kWord {
		return
	}
	switch p.en(i) {
	case "this":
		if pk, h := enPart(p.en(i + 1)); pk != 0 && pk != pkNight {
			c = partRef(pk, h)
			c.has |= hDay
			c.day = dayRef{k: dRel}
			return c, i + 2, true
		}
		return
	case "in":
		if p.en(i+1) == "the" {
			if pk, h := enPart(p.en(i + 2)); pk != 0 {
				return partRef(pk, h), i + 3, true
			}
		}
		return
	}
	if t.s == "buoi" {
		if c, j, ok = p.vnPart(i + 1); ok {
			c.need = needNone
		}
		return
	}
	if pk, h := enPart(p.en(i)); pk != 0 {
		if p.en(i-1) == "good" {
			return
		}
		c = partRef(pk, h)
		if pk == pkNight {
			c.need = needCombo
		}
		return c, i + 1, true
	}
	return p.vnPart(i)
}

func enPart(s string) (uint8, int) {
	switch s {
	case "morning":
		return pkMorning, 9
	case "afternoon":
		return pkAfternoon, 14
	case "evening":
		return pkEvening, 18
	case "night":
		return pkNight, 20
	}
	return 0, 0
}

// vnPart reads sáng, trưa, chiều, tối, đêm. Typed without accents, "sang",
// "toi" and "dem" are also other words, so they need a day or a clock.
func (p *parser) vnPart(i int) (c comp, j int, ok bool) {
	t := p.tk(i)
	if t == nil || t.kind != kWord {
		return
	}
	var pk uint8
	var h int
	weak := false
	switch t.s {
	case "sang":
		if ok = p.is(i, "sáng", true); ok {
			pk, h, weak = pkMorning, 9, t.ascii
		}
	case "trua":
		if ok = p.is(i, "trưa", true); ok {
			pk, h = pkNoon, 12
		}
	case "chieu":
		if ok = p.is(i, "chiều", true); ok {
			pk, h = pkAfternoon, 14
		}
	case "toi":
		if ok = p.is(i, "tối", true); ok {
			pk, h, weak = pkEvening, 19, t.ascii
		}
	case "dem":
		if ok = p.is(i, "đêm", true); ok {
			pk, h, weak = pkNight, 22, t.ascii
		}
	}
	if !ok {
		return
	}
	c = partRef(pk, h)
	if !weak && p.word(i+1) == "qua" && p.is(i+1, "qua", true) { // "tối qua": last night, not "tối quá"
		c.has |= hDay
		c.day = dayRef{k: dRel, n: -1}
		return c, i + 2, true
	}
	if weak {
		c.need = needCombo
	}
	return c, i + 1, true
}

// Units of a span.
const (
	uMin = iota + 1
	uHour
	uDay
	uWeek
	uMonth
	uYear
)

func unitOf(s string, mixed bool) int {
	switch s {
	case "min", "mins", "minute", "minutes", "phut", "ph":
		return uMin
	case "hour", "hours", "hr", "hrs", "tieng", "gio":
		return uHour
	case "day", "days", "ngay", "hom", "bua":
		return uDay
	case "week", "weeks", "wk", "wks", "tuan":
		return uWeek
	case "month", "months", "thang":
		return uMonth
	case "year", "years", "yr", "yrs", "nam":
		return uYear
	}
	if mixed {
		switch s {
		case "m", "p":
			return uMin
		case "h":
			return uHour
		case "d":
			return uDay
		case "w":
			return uWeek
		}
	}
	return 0
}

// parseRel reads a span from now: "in 3 days", "3 ngày nữa", "sau 2 tiếng".
func (p *parser) parseRel(i int) (c comp, j int, ok bool) {
	t := p.tk(i)
	if t == nil {
		return
	}
	if t.kind == kWord {
		switch t.s {
		case "in", "within":
			if t.ascii {
				if n, u, k := p.countUnit(i + 1); u != 0 {
					return mkRel(n, u), k, true
				}
			}
			return
		case "sau":
			if n, u, k := p.countUnit(i + 1); u != 0 {
				return mkRel(n, u), k, true
			}
		case "trong":
			if n, u, k := p.countUnit(i + 1); u != 0 && (p.word(k) == "nua" || p.is(k, "tới", true)) {
				return mkRel(n, u), k + 1, true
			}
			return
		case "cach": // "cách đây 2 ngày": 2 days ago
			if p.word(i+1) == "day" && p.is(i+1, "đây", true) {
				if n, u, k := p.countUnit(i + 2); u != 0 {
					return mkRel(-n, u), k, true
				}
			}
			return
		}
	}
	n, u, k := p.countUnit(i)
	if u == 0 {
		return
	}
	switch p.word(k) {
	case "nua", "sau":
		return mkRel(n, u), k + 1, true
	case "toi": // "3 ngày tới"; "8h tối" is a clock
		if u >= uDay && p.is(k, "tới", true) {
			return mkRel(n, u), k + 1, true
		}
	case "later":
		return mkRel(n, u), k + 1, true
	case "back": // "3 days back"
		if p.tk(k).ascii {
			return mkRel(-n, u), k + 1, true
		}
	case "ago", "truoc": // "2 days ago", "3 ngày trước"
		if p.word(k) == "ago" && p.tk(k).ascii || p.is(k, "trước", true) {
			return mkRel(-n, u), k + 1, true
		}
	case "from":
		if p.word(k+1) == "now" {
			return mkRel(n, u), k + 2, true
		}
	}
	return
}

func mkRel(n, u int) comp {
	switch u {
	case uMin:
		return comp{has: hRel, rel: time.Duration(n) * time.Minute}
	case uHour:
		return comp{has: hRel, rel: time.Duration(n) * time.Hour}
	case uDay:
		return relDay(n)
	case uWeek:
		return relDay(7 * n)
	case uMonth:
		return monthRef(n, aSame, 0)
	}
	return monthRef(12*n, aSame, 0)
}

// countUnit reads "3 days", "a week", "hai tuần", "2h", "nửa tiếng" at i.
// Half hours come back as minutes.
func (p *parser) countUnit(i int) (n, u, j int) {
	t := p.tk(i)
	if t == nil {
		return
	}
	switch {
	case t.kind == kNum:
		if t.nd > 4 || t.num == 0 || !p.numStartOK(i) {
			return 0, 0, 0
		}
		n, j = t.num, i+1
	case t.kind == kWord && len(t.s) > 0 && isDigit(t.s[0]):
		v, nd, rest := lead(t.s)
		if u = unitOf(rest, true); nd > 4 || v == 0 || u == 0 || !p.numStartOK(i) {
			return 0, 0, 0
		}
		return v, u, i + 1
	case t.kind == kWord:
		switch t.s {
		case "half", "nua":
			k := i + 1
			if t.s == "half" && (p.en(k) == "an" || p.en(k) == "a") {
				k++
			}
			if u = unitOf(p.word(k), false); u == uHour && (t.s == "nua" && p.is(i, "nửa", true) || t.s == "half") {
				return 30, uMin, k + 1
			}
			return 0, 0, 0
		case "a", "an":
			if !t.ascii {
				return 0, 0, 0
			}
			n, j = 1, i+1
			if p.en(j) == "couple" {
				n, j = 2, j+1
				if p.en(j) == "of" {
					j++
				}
			} else if p.en(j) == "few" {
				n, j = 3, j+1
			}
		default:
			if n = p.numWord(i); n == 0 {
				return 0, 0, 0
			}
			j = i + 1
		}
	default:
		return 0, 0, 0
	}
	if u = unitOf(p.word(j), false); u == 0 {
		return 0, 0, 0
	}
	return n, u, j + 1
}

// numWord reads a small number written as a word, English or Vietnamese.
func (p *parser) numWord(i int) int {
	t := p.tk(i)
	if t.ascii {
		switch t.s {
		case "one":
			return 1
		case "two":
			return 2
		case "three":
			return 3
		case "four":
			return 4
		case "five":
			return 5
		case "six":
			return 6
		case "seven":
			return 7
		case "eight":
			return 8
		case "nine":
			return 9
		case "ten":
			return 10
		case "eleven":
			return 11
		case "twelve":
			return 12
		case "fifteen":
			return 15
		case "twenty":
			return 20
		case "thirty":
			return 30
		case "couple":
			return 2
		}
	}
	switch t.s {
	case "mot":
		if p.is(i, "một", true) {
			return 1
		}
	case "hai":
		return 2
	case "ba":
		return 3
	case "bon":
		if p.is(i, "bốn", true) {
			return 4
		}
	case "nam":
		if p.is(i, "năm", true) {
			return 5
		}
	case "sau":
		if p.is(i, "sáu", false) {
			return 6
		}
	case "bay":
		if p.is(i, "bảy", true) || p.is(i, "bẩy", false) {
			return 7
		}
	case "tam":
		if p.is(i, "tám", true) {
			return 8
		}
	case "chin":
		if p.is(i, "chín", true) {
			return 9
		}
	case "muoi":
		if p.is(i, "mười", true) {
			return 10
		}
	}
	return 0
}
