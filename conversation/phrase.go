package conversation

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/tend-crm/tend/conversation/when"
	"github.com/tend-crm/tend/store"
)

// phrase is a message with its folded form (lower case, no diacritics).
// The grammar matches on the folded text and reports names as the user
// wrote them; store.Fold maps rune to rune, so the two align.
type phrase struct {
	orig, fold string
	toOrig     []int // byte offset in fold → byte offset in orig
	toFold     []int // byte offset in orig → byte offset in fold
}

func newPhrase(s string) phrase {
	p := phrase{orig: s, fold: store.Fold(s)}
	p.toOrig = make([]int, len(p.fold)+1)
	p.toFold = make([]int, len(s)+1)
	fi := 0
	for oi, r := range s {
		fr := store.FoldRune(r)
		on, fn := utf8.RuneLen(r), utf8.RuneLen(fr)
		if r == utf8.RuneError {
			on = 1 // Normalize replaced invalid bytes, but keep this total
		}
		for k := 0; k < fn; k++ {
			p.toOrig[fi+k] = oi
		}
		for k := 0; k < on && oi+k < len(s); k++ {
			p.toFold[oi+k] = fi
		}
		fi += fn
	}
	p.toOrig[len(p.fold)] = len(s)
	p.toFold[len(s)] = len(p.fold)
	return p
}

func (p phrase) origIndex(f int) int { return p.toOrig[min(max(f, 0), len(p.fold))] }
func (p phrase) foldIndex(o int) int { return p.toFold[min(max(o, 0), len(p.orig))] }

// span returns the original text of folded bytes [s, e), trimmed; "" when
// the span is empty or inverted, as when a caller skips the space after a
// command that ends the message ("new deal 5k" has no deal name).
func (p phrase) span(s, e int) string {
	if s >= e {
		return ""
	}
	return strings.TrimSpace(p.orig[p.origIndex(s):p.origIndex(e)])
}

func skipSpace(s string, at int) int {
	for at < len(s) && (s[at] == ' ' || s[at] == '\t' || s[at] == '\n') {
		at++
	}
	return at
}

// word returns the folded word at byte at and the offset past it.
func (p phrase) word(at int) (string, int) {
	at = skipSpace(p.fold, at)
	end := at
	for end < len(p.fold) && p.fold[end] != ' ' && p.fold[end] != '\n' && p.fold[end] != '\t' {
		end++
	}
	return p.fold[at:end], end
}

// rest returns the original text from at, without closing punctuation.
func (p phrase) rest(at int) string {
	return strings.TrimRight(p.span(at, len(p.fold)), " ?.!")
}

// prefix finds the longest of phrases at byte at, ending on a word
// boundary; it returns its index and the offset past it.
func (p phrase) prefix(at int, phrases []string) (int, int, bool) {
	at = skipSpace(p.fold, at)
	best, bestEnd := -1, 0
	for i, ph := range phrases {
		if strings.HasPrefix(p.fold[at:], ph) && boundary(p.fold, at+len(ph)) && at+len(ph) > bestEnd {
			best, bestEnd = i, at+len(ph)
		}
	}
	return best, bestEnd, best >= 0
}

// nameStops end a customer's name: what follows is about the interaction.
var nameStops = []string{" about ", " re ", " regarding ", " to discuss", " to talk", " and ", " but ", " because ",
	" who ", " for ", " on the ", " at the ", " at their ", " at our ", " at his ", " at her ", " in ", " via ",
	" by phone", " over ", " today", " tonight", " this ", " next ", " the ", " a ", " an ", " - ", " – ", " — ",
	" wants ", " want ", " asked ", " said ", " says ", " needs ", " agreed ", " confirmed ", " will ", " would ",
	" is ", " was ", " has ", " requested ",
	" ve ", " de ", " muon ", " noi ", " hoi ", " bao gia", " hen ", " nhac ", " va ", " luc ", " vao ",
	" on ", " to ", " by ", " went ", " sent ", " prefers ", " prefer ", " team", " qua ", " tai ", " o ", " khong ", " chua ",
	" den ", " sang ", " roi", " da ", " can ", " thich ", " nhe"}

func init() {
	for _, m := range followUpMarks {
		nameStops = append(nameStops, " "+m)
	}
}

// nameFillers may stand between a verb and a name: "called up Acme".
var nameFillers = []string{"with", "to", "up", "cho", "voi", "the", "khach hang tiem nang", "khach hang", "khach"}

// name returns the folded span [s, e) of the name that starts at byte at,
// ending before limit, a clause break or a stop word.
func (p phrase) name(at, limit int) (int, int) {
	at = skipSpace(p.fold, at)
	for range 3 {
		// A filler written with a capital starts the name: "Thế Giới Di Động".
		if _, end, ok := p.prefix(at, nameFillers); ok && !p.upperAt(at) {
			at = skipSpace(p.fold, end)
		}
	}
	end := min(limit, len(p.fold))
	if at >= end {
		return at, at
	}
	f := p.fold[:end]
	for i := at; i < end; i++ {
		switch c := f[i]; c {
		case ',', ';', ':', '!', '?', '\n', '(':
			end = i
		case '.':
			if i+1 >= len(f) || f[i+1] == ' ' {
				end = i
			}
		}
	}
	for _, stop := range nameStops {
		for k := at; k < end; {
			j := strings.Index(f[k:end]+" ", stop)
			if j < 0 || k+j >= end {
				break
			}
			j += k
			// A stop word written with a capital is part of the name:
			// "Nam Á", "Thiên Ân", "Đông A".
			if stop[0] == ' ' && p.upperAt(j+1) {
				k = j + 1
				continue
			}
			end = j
			break
		}
	}
	for end > at && (f[end-1] == ' ' || f[end-1] == '.' || f[end-1] == '\'') {
		end--
	}
	// A preposition left before a date that was cut off: "Globex on";
	// alone, no name at all: "met on Monday", "gặp hôm thứ hai".
	if i := strings.LastIndexByte(f[at:end], ' '); (i > 0 || limit < len(p.fold)) && oneOf(f[at+i+1:end], datePreps) {
		end = at + max(i, 0)
	}
	return at, end
}

// upperAt reports whether the original rune at folded byte at is upper case.
func (p phrase) upperAt(at int) bool {
	r, _ := utf8.DecodeRuneInString(p.orig[p.origIndex(at):])
	return unicode.IsUpper(r)
}

// contactSplits separate a person from their company: "Jane from Acme",
// "anh Tuấn bên Hoàng Long".
var contactSplits = []string{" from ", " at ", " @ ", " ben ", " cua "}

// splitContact reads the span [s, e) as "customer" or "contact <split>
// customer".
func (p phrase) splitContact(s, e int) (customer, contact string) {
	f := p.fold[s:e]
	for _, sep := range contactSplits {
		if i := strings.Index(f, sep); i > 0 {
			return p.span(s+i+len(sep), e), p.span(s, s+i)
		}
	}
	return p.span(s, e), ""
}

var (
	contactLeads = []string{"spoke to", "spoke with", "talked to", "talked with", "met with", "asked"}
	contactVerbs = []string{"wants", "want", "said", "says", "asked", "needs", "need", "will", "would", "agreed", "confirmed",
		"is", "was", "mentioned", "promised", "requested", "prefers", "likes", "muon", "noi", "hoi", "can", "bao", "hen"}
	honorifics = []string{"chi", "anh", "em", "co", "chu", "ong", "ba", "mr", "ms", "mrs", "dr"}
	notNames   = []string{"i", "we", "they", "he", "she", "it", "you", "the", "a", "an", "this", "that", "tôi", "toi", "ho", "minh"}
)

// contactIn looks after byte from for the person spoken to: "spoke to
// Jane", "Jane wants a quote", "chị Lan muốn báo giá".
func (p phrase) contactIn(from int) string {
	for i := from; i < len(p.fold); i++ {
		if i > from && !boundary(p.fold, i-1) {
			continue
		}
		if _, end, ok := p.prefix(i, contactLeads); ok && i == skipSpace(p.fold, i) {
			if n := p.capitalized(end, 2); n != "" {
				return n
			}
		}
		if _, end, ok := p.prefix(i, honorifics); ok && i == skipSpace(p.fold, i) {
			if n := p.capitalized(end, 2); n != "" {
				return p.span(i, end) + " " + n
			}
		}
		if clauseStart(p.fold, i) {
			n := p.capitalized(i, 2)
			if n == "" && p.fold == p.orig { // all lower case: "called acme, jane wants a quote"
				if w, end := p.word(i); len(w) > 1 && !oneOf(w, notNames) && !oneOf(w, honorifics) {
					if _, _, ok := p.prefix(end, contactVerbs); ok {
						return p.span(i, end)
					}
				}
			}
			if n != "" {
				_, end := p.word(i)
				for range len(strings.Fields(n)) - 1 {
					_, end = p.word(end)
				}
				if _, _, ok := p.prefix(end, contactVerbs); ok {
					return n
				}
			}
		}
	}
	return ""
}

// clauseStart reports whether byte i starts a clause (after ", " and the
// like).
func clauseStart(f string, i int) bool {
	j := i - 1
	for j >= 0 && f[j] == ' ' {
		j--
	}
	return j >= 0 && j < i-1 && strings.IndexByte(",;.\n", f[j]) >= 0
}

// capitalized returns up to n words at byte at that start with a capital
// letter in the original text, and are not pronouns.
func (p phrase) capitalized(at, n int) string {
	var words []string
	for range n {
		w, end := p.word(at)
		if w == "" {
			break
		}
		o := p.span(skipSpace(p.fold, at), end)
		o = strings.TrimRight(o, ",.;:!?")
		r, _ := utf8.DecodeRuneInString(o)
		if !unicode.IsUpper(r) || oneOf(strings.TrimRight(w, ",.;:!?"), notNames) {
			break
		}
		words = append(words, o)
		at = end
		if strings.ContainsAny(w, ",.;:!?") {
			break
		}
	}
	return strings.Join(words, " ")
}

// note returns what a logged message says after the customer's name, less
// the date and the clauses about following up: what was promised.
func (p phrase) note(from int, date when.Result) string {
	tail := p.orig[:date.Start] + strings.Repeat(" ", date.End-date.Start) + p.orig[date.End:]
	tail = tail[p.origIndex(from):]
	var keep []string
	for _, c := range strings.FieldsFunc(tail, func(r rune) bool { return strings.ContainsRune(",;\n", r) }) {
		c = strings.Trim(c, " .!?:-–—")
		if cp := newPhrase(c); containsAny(cp.fold, followUpMarks) {
			// The cue is no note, but what it is about is: "follow up
			// Friday about invoice", "thứ sáu gọi lại về hóa đơn".
			if k, i, _ := keyAt(cp.fold, 0, topicWords); k != "" {
				keep = append(keep, strings.Join(strings.Fields(cp.span(i, len(cp.fold))), " "))
			}
			continue
		}
		if c == "" || oneOf(store.Fold(c), datePreps) { // "called Acme on 30/11": the date's "on"
			continue
		}
		keep = append(keep, strings.Join(strings.Fields(c), " "))
	}
	return strings.Join(keep, ", ")
}

// topicWords start what a follow-up is about.
var topicWords = []string{"about", "re", "regarding", "ve"}

// datePreps are left dangling when a date is cut out of a sentence.
var datePreps = []string{"on", "at", "by", "until", "till", "next", "this", "vao", "luc", "ngay", "hom"}

// without returns the original text from at with the date cut out,
// along with the preposition that introduced it ("… on Friday").
func (p phrase) without(at int, date when.Result, hasDate bool) string {
	start := p.origIndex(at)
	s := p.orig[start:]
	if hasDate && date.Start >= start {
		before := strings.TrimRight(p.orig[start:date.Start], " ")
		if i := strings.LastIndexByte(before, ' '); oneOf(store.Fold(before[i+1:]), datePreps) {
			before = before[:max(i, 0)]
		}
		s = before + " " + p.orig[date.End:]
	}
	return strings.Trim(strings.Join(strings.Fields(s), " "), " ,.;:!?")
}
