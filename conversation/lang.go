package conversation

import (
	"strings"
	"unicode"

	"github.com/tend-crm/tend/store"
)

// Which language a message is in. Reps type Vietnamese without diacritics
// as often as with, and customers' names are Vietnamese whatever language
// the sentence around them is in, so a message is read word by word:
// names do not count, a word with Vietnamese diacritics or a Vietnamese
// word typed without them counts for Vietnamese, a common English word
// for English.

// detectLang tells Vietnamese from English, "en" when nothing tells.
func detectLang(s string) string {
	lang, _ := textLang(s)
	return lang
}

// spokenIn sets in's language from text, the message it was parsed from:
// the names the parser found in it are left out.
func (in Intent) spokenIn(text string) Intent {
	names := []string{in.Customer, in.Contact, in.Referrer, in.Alias, in.User, in.To, in.Whose}
	if in.Deal != nil {
		names = append(names, in.Deal.Owner)
	}
	lang, clear := textLang(text, names...)
	in.Lang = lang
	// Text Tend did not understand may be anything (a name, a greeting):
	// only Vietnamese words in it say how to answer.
	in.Spoken = clear && (lang == "vi" || in.Kind != IntentUnknown)
	return in
}

// textLang reads the language of s, leaving out the words of names and
// the capitalised words inside a sentence (names, more often than not:
// "what did we discuss with Minh Phát"). clear says the words show it:
// more Vietnamese words than English, or more English than Vietnamese
// unless the message is one command word ("help", "undo", "overdue" are
// typed alone whatever one speaks, and so are numbers).
func textLang(s string, names ...string) (lang string, clear bool) {
	skip := map[string]bool{}
	for _, n := range names {
		for _, w := range strings.FieldsFunc(store.Fold(n), notWordRune) {
			skip[w] = true
		}
	}
	s = tetWord.Replace(s) // English says "Tết" too
	// other counts the words but numbers and command words; initial
	// says the next word starts a sentence.
	vi, en, other := 0, 0, 0
	initial := true
	for len(s) > 0 {
		i := strings.IndexFunc(s, func(r rune) bool { return !notWordRune(r) })
		if i < 0 {
			break
		}
		if strings.ContainsAny(s[:i], ".!?:;\n") {
			initial = true
		}
		s = s[i:]
		j := strings.IndexFunc(s, notWordRune)
		if j < 0 {
			j = len(s)
		}
		w := s[:j]
		s = s[j:]
		first := initial
		initial = false
		f := strings.ReplaceAll(store.Fold(w), "'", "")
		switch {
		case skip[f] || !first && w != "I" && unicode.IsUpper([]rune(w)[0]):
			other++
		case hasVietnameseMark(w) || viWords[f]:
			vi++
		case enWords[f]:
			en++
			if !enCommandWords[f] {
				other++
			}
		case strings.IndexFunc(f, unicode.IsLetter) >= 0:
			other++
		}
	}
	switch {
	case vi > 0 && vi >= en:
		return "vi", vi > en
	case en > vi:
		return "en", en >= 2 || other > 0
	}
	return "en", false
}

func notWordRune(r rune) bool {
	return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '\''
}

// hasVietnameseMark reports a letter with a diacritic in w.
func hasVietnameseMark(w string) bool {
	for _, r := range w {
		if r >= 0xC0 && store.FoldRune(r) != unicode.ToLower(r) {
			return true
		}
	}
	return false
}

var tetWord = strings.NewReplacer("Tết", "Tet", "tết", "tet", "TẾT", "TET")

// viWords are Vietnamese syllables as typed without diacritics that are
// not English words: "can" (cần), "do" (đó), "to" (tô), "me" (mẹ), "he"
// (hè) and the like tell nothing and are in neither list; "deal" is said
// in both languages.
var viWords = setOf(`viec qua han tre lich su tim kiem cuu tro giup huong dan bao cao hoi moi trieu ty ti nghin ngan tram chot xuat
	du lieu hoan tac huy thu goi dien thoai cho khach nhac toi ai lien gia ngay mai tuan sau hom nay qua chi anh em xong nhan
	ghi chu cong hai ba nam sau bay nhat lai xem thong sinh nhat thanh lap ky niem chuc tet tom tat gui luc va voi cua ben trua
	chieu dem gio phut thang ve da vua roi dang se khong duoc gioi thieu nhom ca nguoi lam viet tieng tra loi mat dam phan
	danh giao luong mo hen gap den sang con ban dung ngung doi nao gi sao muon nhe nha oi nhu cau sach quyet dinh zalo
	truoc trong ngoai tren duoi len xuong cung rat nhieu thi de ghe tham trao noi chuyen soc giai doan cuoi`)

// enWords are common English words of CRM talk that are not Vietnamese
// syllables typed without diacritics.
var enWords = setOf(`what whats did we discuss discussed talk talked with about the and is are was were be been has have had my
	i you your our us who whom whose which when where why how should would could will shall must does need needs want wants
	wanted follow follows followed up ups followup followups called call calls meet met meeting meetings emailed email emails
	texted text sent send show tell find search done snooze until tomorrow today yesterday tonight next week weeks this last
	month months days year years remind reminder please reply english vietnamese new won lost history overdue due note notes
	birthday from because of for by after before into it its that them they she her him his monday tuesday wednesday
	thursday friday saturday sunday morning afternoon evening quote proposal price pricing discount renewal value close
	assign link open thread team everyone agenda pipeline report export undo help customer customers contact contacts
	segment phone also known referred refer spoke phoned visited lunch coffee demo messaged pinged postpone push delay
	reschedule finished completed only every not all any some more nothing thanks thank hello just asked ask decide stop
	turn off digest weekends weekdays time zone timezone set let lets get got give make see look know still again there
	here now plan greetings lunar anniversary where whos info lookup commands start revert audit changes rang replied
	invoice contract add move negotiation qualify good`)

// enCommandWords are English words typed alone as commands by speakers of
// either language: alone, they do not make a message English.
var enCommandWords = setOf(`help undo overdue agenda followups pipeline report export history search show done snooze start
	commands revert info lookup audit thanks`)

func setOf(words string) map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(words) {
		m[w] = true
	}
	return m
}
