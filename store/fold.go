package store

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// foldTable maps the precomposed Latin letters (U+00C0–U+1EFF, which holds
// every Vietnamese letter) to their lower-case base letter. It is built once
// from Unicode's decompositions instead of being typed out by hand.
var foldTable = func() [0x1F00 - 0xC0]rune {
	var t [0x1F00 - 0xC0]rune
	for i := range t {
		r := rune(0xC0 + i)
		base, _ := utf8.DecodeRuneInString(norm.NFD.String(string(r)))
		t[i] = unicode.ToLower(base)
	}
	t['Đ'-0xC0], t['đ'-0xC0] = 'd', 'd' // đ has no decomposition
	return t
}()

// FoldRune lowers r and strips its diacritics: 'Ế' → 'e', 'đ' → 'd'.
func FoldRune(r rune) rune {
	switch {
	case r < utf8.RuneSelf:
		if 'A' <= r && r <= 'Z' {
			return r + 'a' - 'A'
		}
		return r
	case r >= 0xC0 && r < 0x1F00:
		return foldTable[r-0xC0]
	default:
		return unicode.ToLower(r)
	}
}

// Fold lowers s and strips its diacritics, so that "Minh Phát", "minh phat"
// and "MINH PHÁT" compare equal. It maps each rune of s to exactly one rune,
// so rune positions in the result are positions in s. Text should be in NFC
// form (as Normalize leaves it) for combining marks to be folded.
func Fold(s string) string {
	ascii := true
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= utf8.RuneSelf || ('A' <= c && c <= 'Z') {
			ascii = false
			break
		}
	}
	if ascii {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		b.WriteRune(FoldRune(r))
	}
	return b.String()
}

// Normalize makes user text safe to store and match: valid UTF-8 in NFC
// form, control characters (other than newline and tab) removed.
func Normalize(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	s = norm.NFC.String(s)
	return strings.Map(func(r rune) rune {
		if r == '\n' || r == '\t' {
			return r
		}
		if unicode.IsControl(r) {
			return -1
		}
		return r
	}, s)
}

// NameKey is the key customer and contact names are matched on: folded,
// with punctuation dropped and runs of space collapsed ("  Acme, Corp." →
// "acme corp").
func NameKey(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range Fold(Normalize(s)) {
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r) || r == '&':
			if space && b.Len() > 0 {
				b.WriteByte(' ')
			}
			space = false
			b.WriteRune(r)
		default:
			space = true
		}
	}
	return b.String()
}
