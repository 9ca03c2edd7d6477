package when

import (
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/tend-crm/tend/store"
)

// Result is one date or time expression found in a message.
type Result struct {
	Time     time.Time // in the loc passed to Find; when no clock time was written: 00:00 local of that day
	HasClock bool      // a time of day was given (a clock time or a part of the day)
	Start    int       // byte offset of the expression in the original text
	End      int       // byte offset just past it
}

// Find returns the date expression in text read relative to now in loc.
// When text holds several, the longest combined one wins ("tomorrow at 3pm" is one
// expression, "chiều mai" is one). ok is false when there is none.
func Find(text string, now time.Time, loc *time.Location) (r Result, ok bool) {
	return find(text, now, loc, false)
}

// FindPast is Find for a date that has been: when an interaction was. A
// weekday alone is the last one before today, "the weekend" the one just
// gone, a day without a year this year's or, when still ahead and last
// year's is nearer, last year's (30/11 said on 24/11 stays ahead), "the
// 5th" this month's or last month's.
func FindPast(text string, now time.Time, loc *time.Location) (r Result, ok bool) {
	return find(text, now, loc, true)
}

func find(text string, now time.Time, loc *time.Location, past bool) (r Result, ok bool) {
	if loc == nil {
		loc = time.UTC
	}
	var tokBuf [40]token
	var foldBuf [192]byte
	// The reference time stays out of the parser, so that the token
	// buffer does not escape along with the location.
	c := cal{now: now.In(loc), loc: loc, past: past}
	c.y, c.m, c.d = c.now.Date()
	c.wd = c.now.Weekday()
	p := parser{text: text, y: c.y, m: c.m, d: c.d, wd: c.wd}
	p.toks = tokenize(text, tokBuf[:0], foldBuf[:0])

	best := -1
	for i := range p.toks {
		if !p.mayStart(i) {
			continue
		}
		e, j, found := p.expr(i)
		if !found {
			continue
		}
		// Length is counted in words and numbers, not bytes, so that
		// accents do not weigh; the first wins a tie.
		words := 0
		for k := i; k < j; k++ {
			if p.toks[k].kind != kPunct {
				words++
			}
		}
		if words <= best {
			continue
		}
		t, clock, good := c.resolve(&e)
		if !good {
			continue
		}
		best = words
		r = Result{Time: t, HasClock: clock, Start: p.toks[i].start, End: p.toks[j-1].end}
		ok = true
	}
	return r, ok
}

// Token kinds.
const (
	kWord  = iota // letters, possibly mixed with digits: "mai", "3pm", "t7", "15h30"
	kNum          // ASCII digits only
	kPunct        // one punctuation or symbol rune
)

// token is a word, number or punctuation rune of the message. s is its
// folded form (lower case, no diacritics); start and end are byte offsets
// in the original text.
type token struct {
	s          string
	start, end int
	fs, fe     int // offsets of s in the folded text, while tokenizing
	num        int // value of a kNum token of at most 9 digits, else -1
	nd         int // digit count of a kNum token
	kind       uint8
	sp         bool // white space (or an ignored rune) comes before it
	nl         bool // a line break comes before it
	upper      bool // its first rune is upper case
	ascii      bool // it is ASCII in the original text
}

// Rune classes for the tokenizer.
const (
	cSpace = iota
	cDigit
	cLetter
	cMark // combining mark: part of a word, dropped from the folded form
	cPunct
)

func classify(r rune, size int) int {
	switch {
	case r < utf8.RuneSelf:
		switch {
		case '0' <= r && r <= '9':
			return cDigit
		case 'a' <= r && r <= 'z', 'A' <= r && r <= 'Z':
			return cLetter
		case r <= ' ' || r == 0x7f:
			return cSpace
		}
		return cPunct
	case r == utf8.RuneError && size == 1:
		return cSpace // invalid byte
	case unicode.IsLetter(r) || unicode.IsDigit(r):
		return cLetter
	case unicode.Is(unicode.Mn, r) || unicode.Is(unicode.Mc, r):
		return cMark
	case unicode.IsSpace(r) || unicode.IsControl(r) || unicode.Is(unicode.Cf, r):
		return cSpace
	}
	return cPunct
}

// tokenize splits text into tokens, folding each with store.FoldRune.
func tokenize(text string, toks []token, fold []byte) []token {
	var cur token
	inWord := false
	sp, nl := true, false
	for i := 0; i < len(text); {
		r, size := utf8.DecodeRuneInString(text[i:])
		cls := classify(r, size)
		if cls == cDigit || cls == cLetter || cls == cMark {
			if !inWord {
				cur = token{start: i, fs: len(fold), kind: kNum, sp: sp, nl: nl, ascii: true, upper: unicode.IsUpper(r)}
				inWord, sp, nl = true, false, false
			}
			if cls != cDigit {
				cur.kind = kWord
			}
			if r >= utf8.RuneSelf {
				cur.ascii = false
			}
			if cls != cMark {
				fold = utf8.AppendRune(fold, store.FoldRune(r))
			}
			cur.end = i + size
			i += size
			continue
		}
		if inWord {
			cur.fe = len(fold)
			toks = append(toks, cur)
			inWord = false
		}
		if cls == cSpace {
			sp = true
			if r == '\n' || r == '\r' {
				nl = true
			}
		} else {
			t := token{start: i, end: i + size, fs: len(fold), kind: kPunct, sp: sp, nl: nl, ascii: r < utf8.RuneSelf}
			fold = utf8.AppendRune(fold, store.FoldRune(r))
			t.fe = len(fold)
			toks = append(toks, t)
			sp, nl = false, false
		}
		i += size
	}
	if inWord {
		cur.fe = len(fold)
		toks = append(toks, cur)
	}
	fs := text // lower-case ASCII text folds to itself: no copy
	if string(fold) != text {
		fs = string(fold)
	}
	for k := range toks {
		t := &toks[k]
		t.s = fs[t.fs:t.fe]
		if t.kind == kNum {
			t.nd = len(t.s)
			t.num = -1
			if t.nd <= 9 {
				t.num = 0
				for j := 0; j < len(t.s); j++ {
					t.num = t.num*10 + int(t.s[j]-'0')
				}
			}
		}
	}
	return toks
}

// Impossible is a date as written whose day its month does not have
// ("31/2", "30 February", "29/2/2027"). Year is 0 when none was written.
type Impossible struct {
	Day   int
	Month time.Month
	Year  int
	Start int // byte offset of the expression in the original text
}

// FindImpossible returns a date in text that Find skips because the day
// does not exist, so that the caller can say so rather than not
// understand. 29 February without a year is possible.
func FindImpossible(text string, now time.Time, loc *time.Location) (Impossible, bool) {
	if loc == nil {
		loc = time.UTC
	}
	n := now.In(loc)
	p := parser{text: text, y: n.Year(), m: n.Month(), d: n.Day(), wd: n.Weekday()}
	p.toks = tokenize(text, nil, nil)
	for i := range p.toks {
		if !p.mayStart(i) {
			continue
		}
		e, _, found := p.expr(i)
		if !found || e.has&hDay == 0 || e.day.k != dAbs {
			continue
		}
		r := e.day
		most := daysIn(2024, r.m) // a leap year: 29/2 is someone's birthday
		if r.yearSet {
			most = daysIn(r.y, r.m)
		}
		if r.m >= 1 && r.m <= 12 && r.d > most {
			y := 0
			if r.yearSet {
				y = r.y
			}
			return Impossible{Day: r.d, Month: r.m, Year: y, Start: p.toks[i].start}, true
		}
	}
	return Impossible{}, false
}
