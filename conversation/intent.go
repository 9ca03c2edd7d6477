package conversation

import (
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/tend-crm/tend/conversation/when"
	"github.com/tend-crm/tend/store"
)

// IntentKind is what a message asks for.
type IntentKind string

const (
	IntentLog         IntentKind = "log_interaction"
	IntentFollowUps   IntentKind = "followups"
	IntentSetFollowUp IntentKind = "set_followup"
	IntentShow        IntentKind = "show_customer"
	IntentDone        IntentKind = "done"
	IntentSnooze      IntentKind = "snooze"
	IntentUndo        IntentKind = "undo"
	IntentHelp        IntentKind = "help"
	IntentSettings    IntentKind = "settings"
	IntentUnknown     IntentKind = "unknown"
)

// Intent is how Tend understood one message. Its JSON form is what
// `tend parse` prints.
type Intent struct {
	Kind     IntentKind `json:"intent"`
	Type     store.Kind `json:"kind,omitempty"`     // how the interaction happened
	Customer string     `json:"customer,omitempty"` // as written
	Contact  string     `json:"contact,omitempty"`  // as written
	Due      *time.Time `json:"due,omitempty"`      // follow-up or snooze time
	AllDay   bool       `json:"all_day,omitempty"`  // Due is a date, not a minute
	At       *time.Time `json:"at,omitempty"`       // when the interaction happened, when not now
	Note     string     `json:"note,omitempty"`     // what was promised, for the follow-up
	Settings *Settings  `json:"settings,omitempty"` // for IntentSettings
	Lang     string     `json:"lang"`
	// Spoken is whether the text itself shows its language (a sentence
	// Tend understood, or Vietnamese words); when not, as for commands,
	// replies use the user's language setting.
	Spoken bool `json:"-"`
}

// Settings are the user's own settings a message changes; nil fields stay.
type Settings struct {
	DigestTime     *string `json:"digest_time,omitempty"` // "08:30"; "" turns the digest off
	DigestWeekends *bool   `json:"digest_weekends,omitempty"`
	Lang           *string `json:"reply_lang,omitempty"`
	TimeZone       *string `json:"time_zone,omitempty"`
}

// maxParse bounds the text the grammar reads: the intent and names are at
// the start of a message, and a pasted document must not cost more.
const maxParse = 2 << 10

// Parse reads text said at now by a user in loc. It is pure and total:
// any input, however odd, gives an Intent (IntentUnknown at worst).
func Parse(text string, now time.Time, loc *time.Location) Intent {
	text = strings.TrimSpace(store.Normalize(truncate(text, maxParse)))
	in := Intent{Kind: IntentUnknown, Lang: detectLang(text)}
	if text == "" {
		return in
	}
	p := newPhrase(text)
	if strings.HasPrefix(p.fold, "/") {
		return parseCommand(p, now, loc, in)
	}
	in = parseFree(p, 0, now, loc, in)
	in.Spoken = in.Lang == "vi" || in.Kind != IntentUnknown
	return in
}

// truncate cuts s to at most n bytes at a rune boundary.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// Verb tables: a folded phrase at the start of a message and what it
// means. Longer phrases come first where one is a prefix of another.
type verb struct {
	phrase string
	kind   store.Kind
}

var logVerbs = []verb{
	{"had a call with", store.KindCall}, {"phone call with", store.KindCall}, {"got a call from", store.KindCall},
	{"call from", store.KindCall}, {"call with", store.KindCall}, {"called", store.KindCall}, {"phoned", store.KindCall},
	{"rang", store.KindCall}, {"spoke to", store.KindCall}, {"spoke with", store.KindCall}, {"talked to", store.KindCall},
	{"talked with", store.KindCall}, {"goi dien cho", store.KindCall}, {"goi cho", store.KindCall}, {"da goi", store.KindCall},
	{"had a meeting with", store.KindMeeting}, {"meeting with", store.KindMeeting}, {"met with", store.KindMeeting},
	{"met", store.KindMeeting}, {"visited", store.KindMeeting}, {"lunch with", store.KindMeeting}, {"coffee with", store.KindMeeting},
	{"demo for", store.KindMeeting}, {"demo with", store.KindMeeting}, {"gap", store.KindMeeting}, {"hop voi", store.KindMeeting},
	{"sent an email to", store.KindEmail}, {"sent email to", store.KindEmail}, {"sent a quote to", store.KindEmail},
	{"sent the quote to", store.KindEmail}, {"sent a proposal to", store.KindEmail}, {"got an email from", store.KindEmail},
	{"emailed", store.KindEmail}, {"mailed", store.KindEmail}, {"replied to", store.KindEmail}, {"da email cho", store.KindEmail},
	{"gui email cho", store.KindEmail}, {"gui bao gia cho", store.KindEmail},
	{"sent a message to", store.KindMessage}, {"messaged", store.KindMessage}, {"texted", store.KindMessage},
	{"whatsapped", store.KindMessage}, {"chatted with", store.KindMessage}, {"pinged", store.KindMessage},
	{"nhan tin cho", store.KindMessage}, {"nhan cho", store.KindMessage}, {"zalo cho", store.KindMessage},
	{"note on", store.KindNote}, {"note for", store.KindNote}, {"note about", store.KindNote}, {"note", store.KindNote},
	{"ghi chu", store.KindNote}, {"goi", store.KindCall},
}

// plan verbs say what to do next: with a date they set a follow-up.
var planVerbs = []verb{
	{"remind me to call", store.KindCall}, {"remind me to email", store.KindEmail}, {"remind me to meet", store.KindMeeting},
	{"remind me to text", store.KindMessage}, {"remind me to message", store.KindMessage}, {"remind me to follow up with", ""},
	{"remind me to contact", ""}, {"remind me to ping", store.KindMessage}, {"remind me about", ""}, {"remind me to", ""},
	{"follow up with", ""}, {"follow up on", ""}, {"followup with", ""}, {"follow-up with", ""}, {"schedule a call with", store.KindCall},
	{"call back", store.KindCall}, {"call", store.KindCall}, {"email", store.KindEmail}, {"meet", store.KindMeeting},
	{"visit", store.KindMeeting}, {"text", store.KindMessage}, {"message", store.KindMessage}, {"contact", ""}, {"ping", store.KindMessage},
	{"nhac toi goi cho", store.KindCall}, {"nhac toi goi", store.KindCall}, {"nhac toi", ""}, {"hen goi", store.KindCall},
}

var (
	helpPhrases = []string{"help", "?", "commands", "what can you do", "how does this work", "how does it work", "start",
		"giup", "tro giup", "huong dan"}
	undoPhrases     = []string{"undo", "undo that", "undo last", "undo it", "revert", "hoan tac", "huy", "huy bo"}
	followUpPhrases = []string{"who should i follow up", "who should i call", "who should i contact", "who do i need to",
		"who to follow up", "who to call", "who needs attention", "who is due", "who's due", "whats due", "what's due", "what is due",
		"my follow ups", "my followups", "my follow-ups", "follow ups", "followups", "follow-ups", "agenda", "my agenda",
		"ai can goi lai", "ai can lien he", "can goi ai", "can lien he ai", "hom nay goi ai", "lich hen", "viec can lam"}
	showPrefixes   = []string{"show me", "show", "tell me about", "info on", "info", "what about", "look up", "lookup", "find", "xem", "thong tin"}
	donePrefixes   = []string{"done with", "done", "finished", "completed", "complete", "xong"}
	snoozePrefixes = []string{"snooze", "postpone", "push back", "push", "delay", "reschedule", "hoan", "doi"}
	// followUpMarks say that the date in a logged message is the next step.
	followUpMarks = []string{"follow up", "follow-up", "followup", "call back", "call her back", "call him back", "call them back",
		"ping", "remind", "check in", "check back", "get back to", "next step", "circle back", "touch base", "reach out",
		"goi lai", "lien he lai", "hen", "nhac"}
)

func parseCommand(p phrase, now time.Time, loc *time.Location, in Intent) Intent {
	word, rest := p.word(0)
	if i := strings.IndexByte(word, '@'); i >= 0 {
		word = word[:i] // "/followups@TendBot"
	}
	if word == "/tend" {
		word, rest = p.word(rest)
		word = "/" + word
	}
	switch word {
	case "/help", "/start", "/":
		in.Kind = IntentHelp
	case "/undo":
		in.Kind = IntentUndo
	case "/followups", "/agenda", "/due":
		in.Kind = IntentFollowUps
	case "/show", "/customer", "/info":
		in.Kind, in.Customer = IntentShow, p.rest(rest)
	case "/done":
		in.Kind, in.Customer = IntentDone, p.rest(rest)
	case "/snooze":
		return parseSnooze(p, rest, now, loc, in)
	case "/remind", "/followup", "/follow-up":
		return parsePlan(p, rest, rest, "", now, loc, in)
	case "/log", "/call", "/meeting", "/email", "/message", "/note":
		// "/tend log called Acme …" reads like free text; "/tend log Acme …"
		// names the customer first.
		if out := parseFree(p, rest, now, loc, in); out.Kind == IntentLog {
			return out
		}
		kind := store.Kind(strings.TrimPrefix(word, "/"))
		if kind == "log" {
			kind = guessKind(p.fold[rest:])
		}
		return parseLog(p, rest, kind, now, loc, in)
	}
	return in
}

func parseFree(p phrase, at int, now time.Time, loc *time.Location, in Intent) Intent {
	f := strings.TrimRight(p.fold[at:], " .!")
	switch {
	case oneOf(f, helpPhrases) || strings.HasPrefix(f, "help "):
		in.Kind = IntentHelp
		return in
	case oneOf(f, undoPhrases):
		in.Kind = IntentUndo
		return in
	}
	if set, ok := parseSettings(p, now, loc); ok {
		in.Kind, in.Settings = IntentSettings, set
		return in
	}
	switch {
	case containsAny(f, followUpPhrases) && !containsAny(f, []string{"remind me"}):
		in.Kind = IntentFollowUps
		return in
	}
	if _, end, ok := p.prefix(at, showPrefixes); ok {
		in.Kind, in.Customer = IntentShow, p.rest(end)
		return in
	}
	if _, end, ok := p.prefix(at, donePrefixes); ok {
		in.Kind, in.Customer = IntentDone, p.rest(end)
		return in
	}
	if _, end, ok := p.prefix(at, snoozePrefixes); ok {
		return parseSnooze(p, end, now, loc, in)
	}
	if i, end, ok := p.prefix(at, verbPhrases(logVerbs)); ok {
		return parseLog(p, end, logVerbs[i].kind, now, loc, in)
	}
	if i, end, ok := p.prefix(at, verbPhrases(planVerbs)); ok {
		// The note is the request itself: "call Acme about the quote".
		from := skipSpace(p.fold, at)
		if _, e, ok := p.prefix(from, remindPrefixes); ok {
			from = e
		}
		return parsePlan(p, from, end, planVerbs[i].kind, now, loc, in)
	}
	return in
}

// parseLog reads "<customer>[, more clauses]" from byte at (in the folded
// text) of a message logging an interaction.
func parseLog(p phrase, at int, kind store.Kind, now time.Time, loc *time.Location, in Intent) Intent {
	in.Kind, in.Type = IntentLog, kind
	date, hasDate := when.Find(p.orig, now, loc)
	limit := len(p.fold)
	if hasDate && p.foldIndex(date.Start) > at {
		limit = p.foldIndex(date.Start)
	}
	s, e := p.name(at, limit)
	in.Customer, in.Contact = p.splitContact(s, e)
	if in.Contact == "" {
		in.Contact = p.contactIn(e)
	}
	if !hasDate {
		return in
	}
	t := date.Time
	marked := containsAny(p.fold, followUpMarks)
	future := t.After(now) || (!date.HasClock && civilDays(t.In(loc)) > civilDays(now.In(loc)))
	switch {
	case marked || future && kind != store.KindNote: // a note's times describe, they do not schedule
		in.Due, in.AllDay = &t, !date.HasClock
		in.Note = p.note(e, date)
	case civilDays(t.In(loc)) < civilDays(now.In(loc)) || date.HasClock:
		in.At = &t
	}
	return in
}

// remindPrefixes introduce a request that is itself the follow-up's note.
var remindPrefixes = []string{"remind me to", "remind me about", "remind me", "nhac toi"}

// parsePlan reads a follow-up to set: "<customer> [date] [about …]" from
// byte at; the note is the text from byte from, less the date.
func parsePlan(p phrase, from, at int, kind store.Kind, now time.Time, loc *time.Location, in Intent) Intent {
	in.Kind, in.Type = IntentSetFollowUp, kind
	date, hasDate := when.Find(p.orig, now, loc)
	limit := len(p.fold)
	if hasDate && p.foldIndex(date.Start) > at {
		limit = p.foldIndex(date.Start)
	}
	s, e := p.name(at, limit)
	in.Customer, in.Contact = p.splitContact(s, e)
	if hasDate {
		t := date.Time
		in.Due, in.AllDay = &t, !date.HasClock
	}
	in.Note = p.without(from, date, hasDate)
	return in
}

func parseSnooze(p phrase, at int, now time.Time, loc *time.Location, in Intent) Intent {
	in.Kind = IntentSnooze
	date, hasDate := when.Find(p.orig, now, loc)
	limit := len(p.fold)
	if hasDate && p.foldIndex(date.Start) > at {
		limit = p.foldIndex(date.Start)
	}
	s, e := p.name(at, limit)
	in.Customer = strings.TrimSpace(p.orig[p.origIndex(s):p.origIndex(e)])
	if hasDate {
		t := date.Time
		in.Due, in.AllDay = &t, !date.HasClock
	}
	return in
}

// guessKind finds the kind of interaction a free note mentions.
func guessKind(f string) store.Kind {
	for _, k := range []struct {
		words []string
		kind  store.Kind
	}{
		{[]string{"meeting", "met ", "visit", "gap ", "hop "}, store.KindMeeting},
		{[]string{"call", "phone", "goi"}, store.KindCall},
		{[]string{"email", "mail"}, store.KindEmail},
		{[]string{"message", "text", "zalo", "whatsapp", "nhan tin"}, store.KindMessage},
	} {
		if containsAny(f, k.words) {
			return k.kind
		}
	}
	return store.KindNote
}

func verbPhrases(vs []verb) []string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = v.phrase
	}
	return out
}

func oneOf(s string, set []string) bool {
	for _, x := range set {
		if s == x {
			return true
		}
	}
	return false
}

// containsAny reports whether any of words occurs in s on word boundaries.
func containsAny(s string, words []string) bool {
	for _, w := range words {
		for i := 0; ; {
			j := strings.Index(s[i:], w)
			if j < 0 {
				break
			}
			j += i
			if boundary(s, j-1) && boundary(s, j+len(w)) {
				return true
			}
			i = j + 1
		}
	}
	return false
}

// boundary reports whether byte i of s is outside a word: before the
// start, past the end, or not a letter or digit.
func boundary(s string, i int) bool {
	if i < 0 || i >= len(s) {
		return true
	}
	r, _ := utf8.DecodeRuneInString(s[i:])
	if !utf8.RuneStart(s[i]) {
		r, _ = utf8.DecodeLastRuneInString(s[:i+1])
	}
	return !unicode.IsLetter(r) && !unicode.IsDigit(r)
}

// detectLang tells Vietnamese from English: a Vietnamese letter, or a
// Vietnamese word that is common in messages typed without diacritics.
func detectLang(s string) string {
	for _, r := range s {
		if r >= 0xC0 && store.FoldRune(r) != unicode.ToLower(r) {
			return "vi"
		}
	}
	f := " " + store.Fold(s) + " "
	if containsAny(f, []string{"goi cho", "khach", "hen", "nhac toi", "ai can", "lien he", "bao gia", "ngay mai", "tuan sau",
		"hom nay", "chi", "anh", "xong", "hoan tac", "gap", "nhan tin", "ghi chu", "cong ty", "thu hai", "thu ba", "thu tu",
		"thu nam", "thu sau", "thu bay", "chu nhat", "goi lai", "xem"}) {
		return "vi"
	}
	return "en"
}

var (
	digestWords      = []string{"digest", "tom tat", "summary", "bao cao sang"}
	digestOff        = []string{"no digest", "stop", "turn off", "disable", "tat", "khong can", "dung", "ngung", "don't send", "dont send"}
	weekendsOff      = []string{"not on weekends", "no digest on weekends", "weekdays only", "only on weekdays", "khong gui cuoi tuan", "tru cuoi tuan", "ngay thuong"}
	weekendsOn       = []string{"on weekends", "weekends too", "every day", "ca cuoi tuan", "moi ngay", "hang ngay"}
	englishPhrases   = []string{"reply in english", "speak english", "in english please", "answer in english", "tra loi bang tieng anh"}
	vietnamPhrases   = []string{"tra loi bang tieng viet", "reply in vietnamese", "speak vietnamese", "noi tieng viet", "dung tieng viet"}
	timeZonePrefixes = []string{"my time zone is", "my timezone is", "time zone", "timezone", "set time zone to", "mui gio cua toi la", "mui gio"}
)

// parseSettings reads a change of the user's own settings: "send my digest
// at 8am", "no digest on weekends", "reply in English", "my time zone is
// Europe/Berlin".
func parseSettings(p phrase, now time.Time, loc *time.Location) (*Settings, bool) {
	f := p.fold
	switch {
	case containsAny(f, englishPhrases):
		return &Settings{Lang: ptr("en")}, true
	case containsAny(f, vietnamPhrases):
		return &Settings{Lang: ptr("vi")}, true
	}
	if _, end, ok := p.prefix(0, timeZonePrefixes); ok {
		zone := strings.TrimRight(strings.TrimSpace(p.orig[p.origIndex(end):]), ".!")
		return &Settings{TimeZone: &zone}, true
	}
	if !containsAny(f, digestWords) {
		return nil, false
	}
	set := &Settings{}
	switch {
	case containsAny(f, weekendsOff):
		set.DigestWeekends = ptr(false)
	case containsAny(f, weekendsOn):
		set.DigestWeekends = ptr(true)
	}
	if d, ok := when.Find(p.orig, now, loc); ok && d.HasClock {
		set.DigestTime = ptr(d.Time.In(loc).Format("15:04"))
	} else if set.DigestWeekends == nil && containsAny(f, digestOff) {
		set.DigestTime = ptr("")
	}
	return set, set.DigestTime != nil || set.DigestWeekends != nil
}

func ptr[T any](v T) *T { return &v }
