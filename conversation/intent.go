package conversation

import (
	"slices"
	"strconv"
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
	IntentAlias       IntentKind = "alias"
	IntentOccasion    IntentKind = "occasion"
	IntentJoin        IntentKind = "join"        // an invite code: "/start CODE", "join CODE"
	IntentLink        IntentKind = "link"        // "/tend link" asks for a code, "link CODE" uses one
	IntentInvite      IntentKind = "invite"      // an admin asks for an invite code
	IntentTeam        IntentKind = "user_team"   // an admin puts a user in a manager's team
	IntentRemoveUser  IntentKind = "user_remove" // an admin removes a user, handing over to another
	IntentTet         IntentKind = "tet_greetings"
	IntentUnknown     IntentKind = "unknown"
)

// Intent is how Tend understood one message. Its JSON form is what
// `tend parse` prints.
type Intent struct {
	Kind     IntentKind      `json:"intent"`
	Type     store.Kind      `json:"kind,omitempty"`     // how the interaction happened
	Customer string          `json:"customer,omitempty"` // as written
	Contact  string          `json:"contact,omitempty"`  // as written
	Due      *time.Time      `json:"due,omitempty"`      // follow-up or snooze time
	AllDay   bool            `json:"all_day,omitempty"`  // Due is a date, not a minute
	At       *time.Time      `json:"at,omitempty"`       // when the interaction happened, when not now
	Note     string          `json:"note,omitempty"`     // what was promised, for the follow-up
	Settings *Settings       `json:"settings,omitempty"` // for IntentSettings
	Alias    string          `json:"alias,omitempty"`    // for IntentAlias: another name of Customer
	Referrer string          `json:"referrer,omitempty"` // for IntentReferral: the customer who referred Customer
	Occasion string          `json:"occasion,omitempty"` // for IntentOccasion: birthday, anniversary; Due holds the date
	Deal     *DealChange     `json:"deal,omitempty"`     // for deal intents; Due holds the expected close
	Update   *CustomerChange `json:"update,omitempty"`   // for IntentUpdateCustomer
	Code     string          `json:"code,omitempty"`     // for IntentJoin and IntentLink: the code typed
	Role     store.Role      `json:"role,omitempty"`     // for IntentInvite
	User     string          `json:"user,omitempty"`     // for IntentTeam and IntentRemoveUser: who, as written
	To       string          `json:"to,omitempty"`       // their manager, or who takes over their customers
	Lunar    bool            `json:"lunar,omitempty"`    // for IntentOccasion: Due's day and month are of the lunar calendar
	Segment  string          `json:"segment,omitempty"`  // for IntentTet: the customers' value segment
	// For IntentFollowUps: whose list (a teammate's name as written, or
	// "team" for all the asker sees; empty: their own), only what is
	// late, or through the end of the week. Customer narrows it to one.
	Whose   string `json:"whose,omitempty"`
	Overdue bool   `json:"overdue,omitempty"`
	Week    bool   `json:"week,omitempty"`
	// Later asks for the follow-ups due on days ahead: from Later[0] to
	// Later[1] days after today ("tomorrow" is 1 to 1, "next week" its
	// Monday to its Sunday, "this month" 0 to its last day). Zero:
	// today's, or Week's.
	Later [2]int `json:"later,omitzero"`
	Lang  string `json:"lang"`
	// Spoken is whether the text itself shows its language (a sentence
	// Tend understood, or Vietnamese words; names do not count); when
	// not, as for commands and bare words like "help", replies use the
	// user's language setting.
	Spoken bool `json:"-"`
	// Query is what IntentSearch looks for: the question without its
	// question words.
	Query string `json:"query,omitempty"`
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
	return parseFree(p, 0, now, loc, in).spokenIn(text)
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
	kind   store.Kind // "": guessed from the rest of the message
	bare   bool       // Vietnamese verb without tense: with a future date and no follow-up clause, a plan
}

var logVerbs = []verb{
	{"had a call with", store.KindCall, false}, {"phone call with", store.KindCall, false}, {"got a call from", store.KindCall, false},
	{"call from", store.KindCall, false}, {"call with", store.KindCall, false}, {"called", store.KindCall, false}, {"phoned", store.KindCall, false},
	{"rang", store.KindCall, false}, {"spoke to", store.KindCall, false}, {"spoke with", store.KindCall, false}, {"talked to", store.KindCall, false},
	{"talked with", store.KindCall, false}, {"da goi", store.KindCall, false},
	{"had a meeting with", store.KindMeeting, false}, {"meeting with", store.KindMeeting, false}, {"met with", store.KindMeeting, false},
	{"met", store.KindMeeting, false}, {"visited", store.KindMeeting, false}, {"lunch with", store.KindMeeting, false}, {"coffee with", store.KindMeeting, false},
	{"demo for", store.KindMeeting, false}, {"demo with", store.KindMeeting, false},
	{"sent an email to", store.KindEmail, false}, {"sent email to", store.KindEmail, false}, {"sent a quote to", store.KindEmail, false},
	{"sent the quote to", store.KindEmail, false}, {"sent a proposal to", store.KindEmail, false}, {"got an email from", store.KindEmail, false},
	{"emailed", store.KindEmail, false}, {"mailed", store.KindEmail, false}, {"replied to", store.KindEmail, false}, {"da email cho", store.KindEmail, false},

	{"sent a message to", store.KindMessage, false}, {"messaged", store.KindMessage, false}, {"texted", store.KindMessage, false},
	{"whatsapped", store.KindMessage, false}, {"chatted with", store.KindMessage, false}, {"pinged", store.KindMessage, false},

	{"note on", store.KindNote, false}, {"note for", store.KindNote, false}, {"note about", store.KindNote, false}, {"note", store.KindNote, false},
	{"ghi chu", store.KindNote, false},
	// Vietnamese, with a tense ("đã …") or without ("gọi cho X" is a report,
	// or a plan when a future date stands alone: "gọi Nam Á 9h sáng mai").
	{"goi cho", store.KindCall, true}, {"goi", store.KindCall, true}, {"goi dien cho", store.KindCall, true}, {"goi dien", store.KindCall, true}, {"da goi dien cho", store.KindCall, false},
	{"da goi cho", store.KindCall, false}, {"vua goi cho", store.KindCall, false}, {"vua goi", store.KindCall, false},
	{"gap", store.KindMeeting, true}, {"hop voi", store.KindMeeting, true}, {"da gap", store.KindMeeting, false},
	{"vua gap", store.KindMeeting, false}, {"da hop voi", store.KindMeeting, false}, {"ghe tham", store.KindMeeting, true},
	{"gui email cho", store.KindEmail, true}, {"gui mail cho", store.KindEmail, true}, {"gui bao gia cho", store.KindEmail, true},
	{"gui bao gia qua email cho", store.KindEmail, true}, {"da gui email cho", store.KindEmail, false},
	{"da gui mail cho", store.KindEmail, false}, {"da gui bao gia cho", store.KindEmail, false},
	{"nhan tin cho", store.KindMessage, true}, {"nhan cho", store.KindMessage, true}, {"nhan zalo cho", store.KindMessage, true},
	{"nhan zalo", store.KindMessage, true}, {"zalo cho", store.KindMessage, true}, {"da nhan tin cho", store.KindMessage, false},
	{"da nhan zalo cho", store.KindMessage, false}, {"da nhan cho", store.KindMessage, false},
	{"trao doi voi", "", false}, {"noi chuyen voi", "", false}, {"cham soc khach hang", "", false}, {"cham soc khach", "", false},
	{"cham soc", "", false},
}

// plan verbs say what to do next: with a date they set a follow-up.
var planVerbs = []verb{
	{"remind me to call", store.KindCall, false}, {"remind me to email", store.KindEmail, false}, {"remind me to meet", store.KindMeeting, false},
	{"remind me to text", store.KindMessage, false}, {"remind me to message", store.KindMessage, false}, {"remind me to follow up with", "", false},
	{"remind me to contact", "", false}, {"remind me to ping", store.KindMessage, false}, {"remind me about", "", false}, {"remind me to", "", false},
	{"follow up with", "", false}, {"follow up on", "", false}, {"followup with", "", false}, {"follow-up with", "", false}, {"schedule a call with", store.KindCall, false},
	{"follow up", "", false}, {"followup", "", false}, {"follow-up", "", false}, // "follow up tomorrow": the router asks with whom
	{"call back", store.KindCall, false}, {"call", store.KindCall, false}, {"email", store.KindEmail, false}, {"meet", store.KindMeeting, false},
	{"visit", store.KindMeeting, false}, {"text", store.KindMessage, false}, {"message", store.KindMessage, false}, {"contact", "", false}, {"ping", store.KindMessage, false},
	{"nhac toi goi cho", store.KindCall, false}, {"nhac toi goi", store.KindCall, false}, {"nhac toi", "", false}, {"hen goi", store.KindCall, false},
	{"nhac toi goi lai cho", store.KindCall, false}, {"nhac toi goi dien cho", store.KindCall, false}, {"nhac toi gap", store.KindMeeting, false},
	{"nhac toi gui bao gia cho", store.KindEmail, false}, {"nhac toi gui email cho", store.KindEmail, false}, {"nhac toi gui mail cho", store.KindEmail, false},
	{"nhac toi nhan tin cho", store.KindMessage, false}, {"nhac toi nhan zalo cho", store.KindMessage, false}, {"nhac toi nhan cho", store.KindMessage, false},
	{"nhac toi lien he voi", "", false}, {"nhac toi lien he", "", false}, {"hen gap", store.KindMeeting, false}, {"hen goi cho", store.KindCall, false},
	{"hen goi lai cho", store.KindCall, false}, {"hen goi lai", store.KindCall, false}, {"hen", "", false}, {"goi lai cho", store.KindCall, false},
	{"goi lai", store.KindCall, false}, {"lien he lai voi", "", false}, {"lien he lai", "", false}, {"lien he voi", "", false}, {"lien he", "", false},
}

var (
	helpPhrases = []string{"help", "?", "commands", "what can you do", "how does this work", "how does it work", "start",
		"giup", "tro giup", "huong dan"}
	undoPhrases     = []string{"undo", "undo that", "undo last", "undo it", "revert", "hoan tac", "huy", "huy bo"}
	followUpPhrases = []string{"who should i follow up", "who should i call", "who should i contact", "who do i need to",
		"who to follow up", "who to call", "who needs attention", "who is due", "who's due", "whats due", "what's due", "what is due",
		"my follow ups", "my followups", "my follow-ups", "follow ups", "followups", "follow-ups", "agenda", "my agenda",
		"ai can goi lai", "ai can goi", "ai can lien he", "can goi ai", "can lien he ai", "hom nay goi ai", "lich hen", "viec can lam"}
	// agendaQuestions ask for the agenda unless the message starts with a
	// verb ("gặp Minh Phát, bàn xem cần làm gì" is a meeting); todoPhrases
	// only when they are the whole message ("called Acme, lots to do").
	agendaQuestions = []string{"can lam gi", "phai lam gi"}
	todoPhrases     = []string{"todo", "todos", "to do", "to-do", "my todo", "my todos", "my to do", "my to-do", "todo list",
		"my todo list", "to do list", "my to do list", "whats on my list", "what's on my list"}
	showPrefixes   = []string{"show me", "show", "tell me about", "info on", "info", "what about", "look up", "lookup", "find", "xem", "thong tin"}
	donePrefixes   = []string{"done with", "done", "finished", "completed", "complete", "xong", "da xong", "xong viec", "hoan thanh"}
	snoozePrefixes = []string{"snooze", "postpone", "push back", "push", "delay", "reschedule", "hoan", "doi"}
	// followUpMarks say that the date in a logged message is the next step.
	followUpMarks = []string{"follow up", "follow-up", "followup", "call back", "call her back", "call him back", "call them back",
		"ping", "remind", "check in", "check back", "get back to", "next step", "circle back", "touch base", "reach out",
		"goi lai", "lien he lai", "hen", "nhac"}
)

var (
	// overduePhrases ask for the late follow-ups alone; "overdue" inside
	// a longer message ("about the overdue invoice") is a note.
	overduePhrases = []string{"overdue", "overdue only", "whats overdue", "what's overdue", "what is overdue", "late follow ups",
		"qua han", "viec qua han", "lich qua han"}
	teamWords = []string{"team", "the team", "my team", "everyone", "nhom", "ca nhom", "moi nguoi"}
	// selfWords keep their diacritics: "mình" is me, "Minh" a teammate.
	selfWords = []string{"i", "me", "my", "tôi", "mình", "em", "anh", "chị", "hôm nay", "today"}
)

// parseAgendaAsk reads which follow-ups are asked for: "who should Lan
// follow up with?", "team follow-ups", "follow-ups for Acme this week",
// "việc quá hạn", "Lan cần gọi ai".
func parseAgendaAsk(p phrase, at int, now time.Time, loc *time.Location, in Intent) Intent {
	in.Kind = IntentFollowUps
	f := strings.TrimRight(p.fold, " ?.!")
	in.Overdue = containsAny(f, []string{"overdue", "late", "qua han", "tre han"})
	in.Week = containsAny(f, []string{"this week", "the week", "tuan nay"})
	// The period ends a name before it, "follow-ups for Acme next week",
	// and starts one after it, "what's due tomorrow for Acme".
	period, after := len(f), at
	for _, w := range periodWords {
		if k, i, e := keyAt(f, 0, []string{w}); k != "" {
			period, after = min(period, i), max(after, e)
		}
	}
	switch today := now.In(loc); {
	case containsAny(f, []string{"next week", "tuan sau", "tuan toi"}):
		monday := 7 - (int(today.Weekday())+6)%7
		in.Later = [2]int{monday, monday + 6}
	case in.Week:
	default:
		// A month: "follow-ups next month", "lịch hẹn tháng 12"; this
		// month is the rest of it.
		if s, e, first, last, ok := askedMonth(f, at, today); ok {
			period, after = min(period, s), max(after, e)
			in.Later = [2]int{max(0, civilDays(first)-civilDays(today)), civilDays(last) - civilDays(today)}
			break
		}
		// A day: "follow-ups tomorrow", "lịch hẹn thứ 6". Today is the
		// usual list.
		if d, ok := when.Find(p.orig, now, loc); ok && p.foldIndex(d.Start) >= at {
			period, after = min(period, p.foldIndex(d.Start)), max(after, p.foldIndex(d.End))
			if days := civilDays(d.Time.In(loc)) - civilDays(today); days > 0 {
				in.Later = [2]int{days, days}
			}
		}
	}
	// Whose: "who should Lan call", "Lan's follow-ups", "Lan cần gọi ai".
	if w, end := p.word(at); w == "who" {
		if w2, end2 := p.word(end); w2 == "should" || w2 == "does" || w2 == "must" {
			name := strings.TrimSpace(p.fold[end2:])
			for _, verb := range []string{" need to", " follow up", " call", " contact", " reach", " ping", " get back"} {
				if i := strings.Index(name, verb); i > 0 {
					in.Whose = p.span(end2, end2+1+i)
					break
				}
			}
		}
	} else if i := strings.Index(f, "'s "); i > 0 && i < 40 && !oneOf(f[at:i], questionWords) {
		in.Whose = p.span(at, i)
	} else if i := indexAny(f, []string{" can goi ai", " can lien he ai", " phai goi ai"}); i > 0 {
		in.Whose = p.span(at, i)
	}
	if oneOf(strings.ToLower(in.Whose), selfWords) {
		in.Whose = ""
	}
	if in.Whose == "" && containsAny(f, teamWords) {
		in.Whose = "team"
	}
	// A customer: "follow-ups for Acme", "việc cần làm với Minh Phát".
	for _, prep := range []string{" for ", " with ", " of ", " voi ", " cua ", " cho "} {
		i, end := strings.LastIndex(f[:period], prep), period
		if i < 0 && after < len(f) {
			// After the period: "what's due tomorrow for Acme".
			if j := strings.LastIndex(f[after:], prep); j >= 0 {
				i, end = after+j, len(f)
			}
		}
		if i < 0 {
			continue
		}
		if end < len(f) {
			end = p.trimLinks(end) // "for Acme on Friday"
		}
		name := strings.TrimSpace(p.span(i+len(prep), end))
		if key := store.Fold(name); key != "" && !oneOf(key, teamWords) && !oneOf(strings.ToLower(name), selfWords) && !strings.HasPrefix(key, "up") {
			in.Customer = name
		}
		break
	}
	return in
}

var (
	// periodWords say when, in an agenda question; a name stops before them.
	periodWords = []string{"this week", "the week", "next week", "today", "tomorrow", "overdue", "tuan nay", "tuan sau", "tuan toi",
		"hom nay", "ngay mai", "qua han"}
	// questionWords are not whose list is asked for: "what's due today".
	questionWords = []string{"what", "who", "how", "where", "when", "that", "it", "here", "there"}
)

// monthPreps may come before a month: "in May", "trong tháng 12".
var monthPreps = []string{"in", "for", "during", "through", "trong", "vao"}

// askedMonth finds in f, from byte at, the month an agenda question asks
// about: "this month", "next month", "in December", "tháng sau", "tháng
// 12" (not "5 tháng 12" nor "Dec 5", days). It returns where its words
// are and the days asked about: the month's, from today on; a month gone
// this year is next year's.
func askedMonth(f string, at int, today time.Time) (start, end int, first, last time.Time, ok bool) {
	type word struct {
		w          string
		start, end int
	}
	var ws []word
	for i := at; i < len(f); i++ {
		if boundary(f, i) || !boundary(f, i-1) {
			continue
		}
		w, e := newPhraseWord(f, i)
		ws = append(ws, word{w, i, e})
	}
	wordAt := func(k int) string { // the word k, or ""
		if k < 0 || k >= len(ws) {
			return ""
		}
		return ws[k].w
	}
	y, m, _ := today.Date()
	month, k := time.Month(0), 0
	for ; k < len(ws); k++ {
		prev, w, next := wordAt(k-1), ws[k].w, wordAt(k+1)
		switch {
		case next == "month" && oneOf(w, []string{"this", "the", "next", "coming"}):
			month, end = m, ws[k+1].end
			if w == "next" || w == "coming" {
				month++
			}
		case w == "thang" && oneOf(next, []string{"nay", "sau", "toi"}):
			month, end = m, ws[k+1].end
			if next != "nay" {
				month++
			}
		case w == "thang" && isNumber(next) && !isNumber(prev) && !isNumber(wordAt(k+2)) && wordAt(k+2) != "nam":
			if n, _ := strconv.Atoi(next); n >= 1 && n <= 12 {
				month, end = time.Month(n), ws[k+1].end
			}
		case !isNumber(prev) && !isNumber(next): // "5 December", "Dec 5": a day
			// Short forms and "may" only after a preposition ("in May", "for Dec").
			if n := when.MonthName(w); n != 0 && (w == strings.ToLower(n.String()) && w != "may" || oneOf(prev, monthPreps)) {
				month, end = n, ws[k].end
			}
		}
		if month != 0 {
			break
		}
	}
	if month == 0 {
		return 0, 0, time.Time{}, time.Time{}, false
	}
	start = ws[k].start
	if k > 0 && oneOf(ws[k-1].w, monthPreps) {
		start = ws[k-1].start // "for Acme in May": the name ends before "in"
	}
	if month < m {
		y++ // "in March", said in November
	}
	first = time.Date(y, month, 1, 0, 0, 0, 0, today.Location())
	last = first.AddDate(0, 1, -1)
	return start, end, first, last, true
}

// isNumber reports whether w is a number: "5", "2026", "5th".
func isNumber(w string) bool {
	w = strings.TrimRight(w, "stndrh")
	if w == "" {
		return false
	}
	for _, c := range w {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// asksForSomeone: "who should Lan call?", "who does Minh need to follow up with?"
func asksForSomeone(f string) bool {
	return (strings.HasPrefix(f, "who should ") || strings.HasPrefix(f, "who does ")) &&
		containsAny(f, []string{"follow up", "call", "contact", "reach out to", "get back to"})
}

func indexAny(s string, subs []string) int {
	for _, sub := range subs {
		if i := strings.Index(s, sub); i >= 0 {
			return i
		}
	}
	return -1
}

func parseCommand(p phrase, now time.Time, loc *time.Location, in Intent) Intent {
	word, rest := p.word(0)
	if i := strings.IndexByte(word, '@'); i >= 0 {
		word = word[:i] // "/followups@TendBot"
	}
	tend := word == "/tend"
	if tend {
		at := rest
		word, rest = p.word(rest)
		word = "/" + word
		if !oneOf(word, commandWords) {
			return parseFree(p, at, now, loc, in) // "/tend xem Minh Phát"
		}
	}
	if out, ok := parseAccessCommand(p, word, rest, in); ok {
		return out
	}
	switch word {
	case "/help", "/start", "/":
		in.Kind = IntentHelp
	case "/undo":
		in.Kind = IntentUndo
	case "/followups", "/agenda", "/due":
		return parseAgendaAsk(p, rest, now, loc, in) // "/followups next week"
	case "/alias":
		// "/tend alias Acme Corp = ACME Inc"
		if name, alias, ok := strings.Cut(p.rest(rest), "="); ok {
			in.Kind, in.Customer, in.Alias = IntentAlias, strings.TrimSpace(name), strings.TrimSpace(alias)
		}
	case "/pipeline", "/report":
		in.Kind = IntentPipeline
	case "/deal":
		sub, after := p.word(rest)
		switch {
		case sub == "":
			in.Kind = IntentShowDeal
		case sub == "link":
			return parseLink(p, after, in)
		case sub == "new":
			return parseNewDeal(p, after, now, loc, in)
		default:
			if out, ok := parseDeal(p, rest, now, loc, in); ok {
				return out
			}
			in.Kind, in.Customer = IntentShowDeal, dealName(p, rest, len(p.fold))
		}
	case "/show", "/customer", "/info":
		in.Kind, in.Customer = IntentShow, p.rest(rest)
	case "/done":
		in.Kind, in.Customer = IntentDone, p.rest(rest)
	case "/search":
		in.Kind, in.Query = IntentSearch, searchQuery(p, rest)
	case "/history":
		in.Kind, in.Customer = IntentHistory, p.rest(rest)
	case "/export":
		in.Kind = IntentExport
	case "/snooze":
		return parseSnooze(p, rest, now, loc, in)
	case "/remind", "/followup", "/follow-up":
		if pi, pend, ok := p.prefix(rest, planPhrases); ok {
			return parsePlan(p, rest, pend, planVerbs[pi].kind, now, loc, in)
		}
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

var commandWords = []string{"/help", "/start", "/undo", "/followups", "/agenda", "/due", "/show", "/customer", "/info", "/done",
	"/snooze", "/remind", "/followup", "/follow-up", "/log", "/call", "/meeting", "/email", "/message", "/note", "/alias",
	"/deal", "/pipeline", "/report",
	"/join", "/invite", "/link", "/user", "/search", "/history", "/export"}

func parseFree(p phrase, at int, now time.Time, loc *time.Location, in Intent) Intent {
	at = skipSpace(p.fold, at)
	f := strings.TrimRight(p.fold[at:], " .!")
	switch {
	case oneOf(f, helpPhrases) || oneOf(strings.TrimRight(f, "?"), helpPhrases) || strings.HasPrefix(f, "help "):
		in.Kind = IntentHelp
		return in
	case oneOf(f, undoPhrases):
		in.Kind = IntentUndo
		return in
	}
	if out, ok := parseAccessFree(p, at, in); ok {
		return out
	}
	if out, ok := parseLookup(p, at, in); ok {
		return out
	}
	if out, ok := parseExport(p, at, in); ok {
		return out
	}
	if out, ok := parseDeal(p, at, now, loc, in); ok {
		return out
	}
	if seg, ok := p.tet(); ok {
		in.Kind, in.Segment = IntentTet, seg
		return in
	}
	occ, lunar := p.withoutLunar()
	if kind, name, date, ok := occ.occasion(now, loc, lunar); ok {
		in.Kind, in.Occasion, in.Due, in.AllDay, in.Lunar = IntentOccasion, kind, &date, true, lunar
		in.Customer, in.Contact = name.customer, name.contact
		return in
	}
	if !startsWithVerb(p, at) {
		if customer, referrer, ok := p.referral(at); ok {
			in.Kind, in.Customer, in.Referrer = IntentReferral, customer, referrer
			return in
		}
	}
	if name, alias, ok := p.alias(); ok {
		in.Kind, in.Customer, in.Alias = IntentAlias, name, alias
		return in
	}
	if set, ok := parseSettings(p, now, loc); ok {
		in.Kind, in.Settings = IntentSettings, set
		return in
	}
	_, _, logs := p.prefix(at, logPhrases)
	_, _, plans := p.prefix(at, planPhrases)
	// "called Acme, a loyal customer" is a call; an address or a number
	// is a detail whatever the first word ("email of Acme jane@acme.com").
	if out, ok := parseCustomerUpdate(p, at, in); ok && (!logs && !plans || out.Update.Phone != nil || out.Update.Email != nil) {
		return out
	}
	bare := strings.TrimRight(f, " ?.!")
	asks := containsAny(f, followUpPhrases) || oneOf(bare, overduePhrases) || oneOf(bare, todoPhrases) || asksForSomeone(f) ||
		containsAny(f, agendaQuestions) && !startsWithVerb(p, at)
	if asks && !containsAny(f, []string{"remind me"}) {
		return parseAgendaAsk(p, at, now, loc, in)
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
	if out, ok := parseVerb(p, at, false, now, loc, in); ok {
		return out
	}
	// A date first: "15h chiều mai gọi Sao Mai", "thứ 6 gặp Hải Hà".
	if d, ok := when.Find(p.orig, now, loc); ok && p.foldIndex(d.Start) == skipSpace(p.fold, at) {
		next := p.foldIndex(d.End)
		for next < len(p.fold) && (p.fold[next] == ',' || p.fold[next] == ' ') {
			next++
		}
		if out, ok := parseVerb(p, next, true, now, loc, in); ok {
			return out
		}
	}
	return in
}

var (
	logPhrases  = verbPhrases(logVerbs)
	planPhrases = verbPhrases(planVerbs)
)

// parseVerb reads a message that starts at byte at with a verb that logs
// an interaction or plans one; the longer verb wins, a log on a tie.
// dated says a date came before the verb.
func parseVerb(p phrase, at int, dated bool, now time.Time, loc *time.Location, in Intent) (Intent, bool) {
	li, lend, lok := p.prefix(at, logPhrases)
	pi, pend, pok := p.prefix(at, planPhrases)
	switch {
	case lok && (!pok || lend >= pend):
		v := logVerbs[li]
		from := skipSpace(p.fold, at)
		if v.bare && (dated || !containsAny(p.fold, followUpMarks)) {
			if d, ok := when.Find(p.orig, now, loc); ok && isFuture(d, now, loc) && !past(p.fold) && !justGone(p, d, now, loc) &&
				sameClause(p.orig, p.origIndex(from), d.Start) {
				return parsePlan(p, from, lend, v.kind, now, loc, in), true
			}
		}
		return parseLog(p, lend, v.kind, now, loc, in), true
	case pok:
		// The note is the request itself: "call Acme about the quote".
		from := skipSpace(p.fold, at)
		if _, e, ok := p.prefix(from, remindPrefixes); ok {
			from = e
		}
		return parsePlan(p, from, pend, planVerbs[pi].kind, now, loc, in), true
	}
	return in, false
}

// startsWithVerb reports whether the message at byte at logs or plans an
// interaction ("called Acme …"), whatever else it says.
func startsWithVerb(p phrase, at int) bool {
	_, _, logs := p.prefix(at, logPhrases)
	_, _, plans := p.prefix(at, planPhrases)
	return logs || plans
}

// sameClause reports whether bytes i and j of s are in one clause.
func sameClause(s string, i, j int) bool {
	i, j = min(i, j), max(i, j)
	return !strings.ContainsAny(s[i:j], ",;\n")
}

func isFuture(d when.Result, now time.Time, loc *time.Location) bool {
	return d.Time.After(now) || (!d.HasClock && civilDays(d.Time.In(loc)) > civilDays(now.In(loc)))
}

// past reports words that put a Vietnamese report in the past.
func past(f string) bool {
	if containsAny(f, []string{"da", "roi", "vua", "hom qua"}) {
		return true
	}
	// "hôm thứ hai", "hôm 20/11": that day, gone; "hôm nay" is today.
	for i := 0; ; {
		j := strings.Index(f[i:], "hom ")
		if j < 0 {
			return false
		}
		i += j + len("hom ")
		if boundary(f, i-len("hom ")-1) && !strings.HasPrefix(f[i:], "nay") {
			return true
		}
	}
}

// justGone reports whether d, a day Find read as ahead, is one of this
// year just gone: a day and month without a year, nearer to today than
// the next year's ("gọi Minh Phát ngày 20/11" said on 24/11 was a call).
func justGone(p phrase, d when.Result, now time.Time, loc *time.Location) bool {
	pd, ok := when.FindPast(p.orig, now, loc)
	return ok && pd.Start == d.Start && !isFuture(pd, now, loc) && pd.Time.AddDate(1, 0, 0).Equal(d.Time) &&
		now.Sub(pd.Time) < d.Time.Sub(now)
}

// parseLog reads "<customer>[, more clauses]" from byte at (in the folded
// text) of a message logging an interaction.
func parseLog(p phrase, at int, kind store.Kind, now time.Time, loc *time.Location, in Intent) Intent {
	if kind == "" {
		if kind = channelKind(p.fold); kind == "" {
			kind = guessKind(p.fold[at:])
		}
	}
	in.Kind, in.Type = IntentLog, kind
	date, hasDate := findDate(p, now, loc)
	marked := containsAny(p.fold, followUpMarks)
	limit := len(p.fold)
	if hasDate && p.foldIndex(date.Start) > at {
		limit = p.foldIndex(date.Start)
	}
	// A date in the verb's clause, before any follow-up cue, is when the
	// interaction was: "called Acme yesterday, follow up in 2 weeks",
	// "met Acme on Monday". One still ahead even read as the past
	// ("called Acme tomorrow") stays the follow-up's.
	met, hasMet := p.metDate(at, now, loc)
	if hasMet && (!isFuture(met, now, loc) || date.Start != met.Start) {
		limit = min(limit, p.foldIndex(met.Start))
		if hasDate && date.Start == met.Start {
			hasDate = false
		}
	} else {
		hasMet = false
	}
	s, e := p.name(at, limit)
	in.Customer, in.Contact = p.splitContact(s, e)
	if in.Contact == "" {
		in.Contact = p.contactIn(e)
	}
	if hasMet {
		if t := met.Time; civilDays(t.In(loc)) < civilDays(now.In(loc)) || met.HasClock && t.Before(now) {
			in.At = &t
		}
		e = max(e, p.foldIndex(met.End)) // the note starts after it
	}
	if !hasDate {
		return in
	}
	t := date.Time
	future := isFuture(date, now, loc)
	switch {
	case marked || future && kind != store.KindNote: // a note's times describe, they do not schedule
		in.Due, in.AllDay = &t, !date.HasClock
		in.Note = p.note(e, date)
	case civilDays(t.In(loc)) < civilDays(now.In(loc)) || date.HasClock:
		in.At = &t
	}
	return in
}

// metDate finds a date, read as the past, in the clause that starts at
// byte at, before any follow-up cue in it.
func (p phrase) metDate(at int, now time.Time, loc *time.Location) (when.Result, bool) {
	end := len(p.fold)
	if i := strings.IndexAny(p.fold[at:], ",;\n"); i >= 0 {
		end = at + i
	}
	if k, i, _ := keyAt(p.fold[:end], at, followUpMarks); k != "" {
		end = i
	}
	from := p.origIndex(at)
	d, ok := when.FindPast(p.orig[from:p.origIndex(end)], now, loc)
	d.Start += from
	d.End += from
	return d, ok
}

// remindPrefixes introduce a request that is itself the follow-up's note.
var remindPrefixes = []string{"remind me to", "remind me about", "remind me", "nhac toi"}

// channels name how an interaction happened: "qua zalo", "by email".
var channels = []struct {
	words []string
	kind  store.Kind
}{
	{[]string{"qua zalo", "qua tin nhan", "qua messenger", "qua facebook", "on zalo", "via zalo", "on whatsapp", "via whatsapp",
		"on slack", "by text", "via text", "on telegram", "qua telegram"}, store.KindMessage},
	{[]string{"qua email", "qua mail", "by email", "via email", "over email"}, store.KindEmail},
	{[]string{"qua dien thoai", "by phone", "on the phone", "over the phone"}, store.KindCall},
}

func channelKind(f string) store.Kind {
	for _, c := range channels {
		if containsAny(f, c.words) {
			return c.kind
		}
	}
	return ""
}

// findDate finds the date of a message, preferring one in a clause that
// asks for a follow-up ("he will decide next week, call back Dec 3").
func findDate(p phrase, now time.Time, loc *time.Location) (when.Result, bool) {
	start := 0
	for i := 0; i <= len(p.orig); i++ {
		if i < len(p.orig) && strings.IndexByte(",;\n", p.orig[i]) < 0 {
			continue
		}
		if start > 0 || i < len(p.orig) { // more than one clause
			if containsAny(p.fold[p.foldIndex(start):p.foldIndex(i)], followUpMarks) {
				if r, ok := when.Find(p.orig[start:i], now, loc); ok {
					r.Start += start
					r.End += start
					return r, true
				}
			}
		}
		start = i + 1
	}
	return when.Find(p.orig, now, loc)
}

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
	if hasDate && strings.HasPrefix(p.orig[date.Start:], "sang ") {
		// "hoãn X sang thứ 2": "sang" is "to", not "sáng" (morning).
		date, hasDate = when.Find(p.orig[:date.Start]+"    "+p.orig[date.Start+4:], now, loc)
	}
	limit := len(p.fold)
	if !hasDate {
		if s, t, clock, ok := bareSpan(p.fold, at, now, loc); ok {
			date, hasDate = when.Result{Time: t, HasClock: clock, Start: p.origIndex(s), End: p.origIndex(s)}, true
			limit = s
		}
	}
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

// bareSpan finds "3 days", "2 ngày" after byte at: a snooze's span from
// now. It returns the span's offset and the time it gives.
func bareSpan(f string, at int, now time.Time, loc *time.Location) (int, time.Time, bool, bool) {
	for i := at; i < len(f); i++ {
		if f[i] < '0' || f[i] > '9' || !boundary(f, i-1) {
			continue
		}
		j := i
		for j < len(f) && j-i < 3 && f[j] >= '0' && f[j] <= '9' {
			j++
		}
		n := 0
		for _, c := range f[i:j] {
			n = n*10 + int(c-'0')
		}
		unit, _ := newPhraseWord(f, j)
		day := now.In(loc)
		day = time.Date(day.Year(), day.Month(), day.Day(), 0, 0, 0, 0, loc)
		switch unit {
		case "day", "days", "ngay":
			return i, day.AddDate(0, 0, n), false, true
		case "week", "weeks", "tuan":
			return i, day.AddDate(0, 0, 7*n), false, true
		case "month", "months", "thang":
			return i, day.AddDate(0, n, 0), false, true
		case "hour", "hours", "gio", "tieng":
			return i, now.In(loc).Add(time.Duration(n) * time.Hour), true, true
		}
	}
	return 0, time.Time{}, false, false
}

// newPhraseWord returns the word at byte at of f, skipping spaces.
func newPhraseWord(f string, at int) (string, int) {
	at = skipSpace(f, at)
	end := at
	for end < len(f) && !boundary(f, end) {
		end++
	}
	return f[at:end], end
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

// aliasLinks join a customer's name to another it goes by.
var aliasLinks = []string{" is also called ", " is also known as ", " aka ", " a.k.a. ", " con goi la ", " hay goi la ", " con co ten la "}

// alias reads "Minh Phát is also called MP" / "Minh Phát còn gọi là MP".
func (p phrase) alias() (name, alias string, ok bool) {
	for _, link := range aliasLinks {
		if i := strings.Index(p.fold, link); i > 0 {
			name = strings.Trim(p.span(0, i), " ,.")
			alias = strings.Trim(p.span(i+len(link), len(p.fold)), " ,.!?\"'")
			return name, alias, name != "" && alias != ""
		}
	}
	return "", "", false
}

// occasionWords name yearly dates worth a call.
var occasionWords = []struct{ phrase, kind string }{
	{"birthday", "birthday"}, {"bday", "birthday"}, {"sinh nhat", "birthday"},
	{"wedding anniversary", "anniversary"}, {"anniversary", "anniversary"}, {"ky niem ngay cuoi", "anniversary"},
	{"ngay cuoi", "anniversary"}, {"ky niem", "anniversary"}, {"ngay thanh lap", "anniversary"}, {"thanh lap", "anniversary"},
}

type occasionName struct{ customer, contact string }

// occasion reads "Jane's birthday is 12/5", "birthday of Jane from Acme is
// 3 May", "sinh nhật chị Lan bên Minh Phát ngày 5/12", "Minh Phát thành lập
// 15/8": the kind, who, and the date (read like any date, so "12/5" is 12
// May).
func (p phrase) occasion(now time.Time, loc *time.Location, lunar bool) (kind string, who occasionName, date time.Time, ok bool) {
	at, end := -1, 0
	words := occasionWords
	if lunar {
		words = slices.Concat(lunarOccasionWords, words)
	}
	for _, w := range words {
		if i := strings.Index(p.fold, w.phrase); i >= 0 && boundary(p.fold, i-1) && boundary(p.fold, i+len(w.phrase)) && (at < 0 || i < at) {
			at, end, kind = i, i+len(w.phrase), w.kind
		}
	}
	if at < 0 {
		return "", who, date, false
	}
	d, found := when.Find(p.orig, now, loc)
	if !found {
		return "", who, date, false
	}
	dateAt := p.foldIndex(d.Start)
	var s, e int
	before := strings.TrimRight(p.fold[:at], " ")
	switch {
	case strings.HasSuffix(before, "'s"): // "Jane's birthday"
		s, e = 0, len(before)-len("'s")
	case at > 0: // "Minh Phát thành lập 15/8": the name comes first
		s, e = p.name(0, at)
	default: // "sinh nhật chị Lan ngày 5/12"
		s, e = p.name(end, dateAt)
	}
	if _, after, ok := p.prefix(s, []string{"of", "for", "cua"}); ok {
		s = skipSpace(p.fold, after)
	}
	e = p.trimLinks(e)
	if e <= s {
		return "", who, date, false
	}
	who.customer, who.contact = p.splitContact(s, e)
	// "Jane's birthday at Acme is 12/3": the company follows the kind.
	if _, after, ok := p.prefix(end, []string{"at", "from", "of", "ben", "cua"}); ok && who.contact == "" && after < dateAt {
		if cs, ce := p.name(after, dateAt); ce > cs {
			ce = p.trimLinks(ce)
			who.contact, who.customer = who.customer, p.span(cs, ce)
		}
	}
	switch {
	case who.contact == who.customer: // "birthday of Mr Minh": a person
		who.contact = ""
	case who.contact == "" && slices.Contains(honorifics, store.Fold(who.customer)):
		// "giỗ ông ngày 10/3": someone's grandfather; whose, the router asks.
		who.contact, who.customer = who.customer, ""
	}
	return kind, who, d.Time, true
}

// trimLinks moves the end e of a name back over a linking word before a
// date: "Jane is", "chị Lan ngày".
func (p phrase) trimLinks(e int) int {
	for _, w := range []string{" is", " la", " ngay", " on", " vao"} {
		e = len(strings.TrimSuffix(strings.TrimRight(p.fold[:e], " "), w))
	}
	return e
}
