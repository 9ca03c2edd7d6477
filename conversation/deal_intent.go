package conversation

import (
	"slices"
	"strings"
	"time"

	"github.com/tend-crm/tend/conversation/when"
	"github.com/tend-crm/tend/store"
)

// Deal intents. Their Customer is the deal as written: its title ("Acme
// renewal") or its customer's name.
const (
	IntentNewDeal    IntentKind = "new_deal"
	IntentDealStage  IntentKind = "deal_stage"
	IntentDealUpdate IntentKind = "deal_update"
	IntentShowDeal   IntentKind = "show_deal"
	IntentQualify    IntentKind = "qualify_deal"
	IntentLinkDeal   IntentKind = "link_deal"
	IntentPipeline   IntentKind = "pipeline"
)

// DealChange is what a deal message sets; Intent.Due is the expected
// close date.
type DealChange struct {
	Amount string `json:"amount,omitempty"` // as written; read with the user's currency

	Stage      string         `json:"stage,omitempty"`
	LostReason string         `json:"lost_reason,omitempty"`
	Owner      string         `json:"owner,omitempty"` // a user's name as written
	Qualify    *Qualification `json:"qualify,omitempty"`
	Capture    store.Capture  `json:"capture,omitempty"` // for IntentLinkDeal
	// Thread asks IntentLinkDeal to open a thread for the deal, its card
	// first, rather than bind the chat the message came from.
	Thread bool `json:"thread,omitempty"`
}

// Qualification is what a deal needs to be worth working: nil fields were
// not said.
type Qualification struct {
	Need      *string `json:"need,omitempty"`
	Budget    *string `json:"budget,omitempty"`
	Authority *string `json:"authority,omitempty"`
}

type stageWord struct{ phrase, stage string }

// stageWords name the default stages in both languages, folded.
var stageWords = []stageWord{
	{"qualify", "qualify"}, {"qualifying", "qualify"}, {"qualification", "qualify"}, {"danh gia", "qualify"}, {"tham dinh", "qualify"},
	{"proposal", "proposal"}, {"quote", "proposal"}, {"bao gia", "proposal"}, {"de xuat", "proposal"},
	{"negotiation", "negotiation"}, {"negotiating", "negotiation"}, {"dam phan", "negotiation"}, {"thuong luong", "negotiation"},
	{"won", "won"}, {"closed won", "won"}, {"thang", "won"}, {"chot", "won"}, {"da chot", "won"},
	{"lost", "lost"}, {"closed lost", "lost"}, {"mat", "lost"}, {"thua", "lost"},
}

var (
	newDealPrefixes = []string{"new deal", "new opportunity", "add deal", "add a deal", "create deal", "create a deal", "deal moi",
		"co hoi moi", "tao deal", "them deal", "tao co hoi", "them co hoi", "co hoi ban hang moi"}
	wonPrefixes = []string{"won", "we won", "closed won", "won deal", "won the deal", "chot", "chot deal", "chot duoc", "da chot",
		"da chot deal", "thang deal", "da thang deal"}
	lostPrefixes = []string{"lost", "we lost", "closed lost", "lost deal", "lost the deal", "mat deal", "da mat deal", "mat co hoi",
		"thua deal", "da thua deal"}
	// reasonMarks start the reason a deal was lost: "vì giá", "because of price".
	reasonMarks    = []string{" because of ", " because ", " due to ", " reason: ", " reason ", " vi ", " do ", " ly do: ", " ly do "}
	stageLinks     = []string{" to ", " sang ", " -> ", " → ", " len ", " vao "}
	movePrefixes   = []string{"move", "moved", "chuyen", "dua", "deal", "co hoi"}
	showDealWords  = []string{"show deal", "show the deal", "deal", "the deal", "xem deal", "thong tin deal", "co hoi", "xem co hoi", "deal card"}
	threadPrefixes = []string{"open a thread for", "open a thread for deal", "start a thread for", "start a thread for deal", "thread for",
		"deal thread", "thread", "mo luong cho", "mo luong cho deal", "tao luong cho", "tao luong cho deal", "mo chu de cho"}
	linkPrefixes  = []string{"link deal", "link this chat to", "link this channel to", "link this group to", "link", "bind deal", "gan deal", "lien ket deal", "lien ket voi deal", "gan voi deal"}
	updateVerbs   = []string{"set", "change", "update", "doi", "cap nhat", "sua"}
	valueKeys     = []string{"value of", "value", "amount", "gia tri cua", "gia tri"}
	closeKeys     = []string{"expected close of", "expected close", "close date of", "close date", "closes", "closing", "close", "du kien chot", "ngay chot"}
	ownerPrefixes = []string{"assign", "reassign", "hand over", "giao", "chuyen giao"}
	ownerKeys     = []string{"owner of", "owner", "nguoi phu trach", "phu trach"}
	ownerLinks    = []string{" to ", " cho ", " is ", " la ", " thanh "}
	pipelineWords = []string{"pipeline", "my pipeline", "team pipeline", "the pipeline", "show pipeline", "show the pipeline", "pipeline report",
		"bao cao", "bao cao pipeline", "xem pipeline", "xem bao cao", "bao cao doanh so", "sales report", "report"}
	captureAll      = []string{"all messages", "all", "everything", "tat ca tin nhan", "tat ca", "moi tin nhan"}
	captureMentions = []string{"mentions only", "only mentions", "mentions", "mention", "khi nhac", "khi duoc nhac", "chi khi nhac"}
	qualifyKeys     = []struct{ phrase, field string }{
		{"need", "need"}, {"needs", "need"}, {"nhu cau", "need"},
		{"budget", "budget"}, {"ngan sach", "budget"},
		{"authority", "authority"}, {"decision maker", "authority"}, {"decides", "authority"}, {"nguoi quyet dinh", "authority"},
		{"quyet dinh", "authority"},
	}
)

// parseDeal reads a message about a deal or the pipeline, from byte at.
func parseDeal(p phrase, at int, now time.Time, loc *time.Location, in Intent) (Intent, bool) {
	at = skipSpace(p.fold, at)
	f := strings.TrimRight(p.fold[at:], " .!?")
	if oneOf(f, pipelineWords) {
		in.Kind = IntentPipeline
		return in, true
	}
	if q, ok := parseQualify(p, at); ok {
		in.Kind, in.Deal = IntentQualify, &DealChange{Qualify: q}
		return in, true
	}
	if _, end, ok := p.prefix(at, newDealPrefixes); ok {
		return parseNewDeal(p, end, now, loc, in), true
	}
	if _, end, ok := p.prefix(at, threadPrefixes); ok && end < len(f) && (p.fold[at:end] != "thread" || strings.HasPrefix(p.fold, "/")) {
		out := parseLink(p, end, in)
		out.Deal.Thread = true
		return out, true
	}
	if _, end, ok := p.prefix(at, linkPrefixes); ok && (strings.Contains(p.fold[at:end], "deal") || strings.HasPrefix(f, "link ")) {
		return parseLink(p, end, in), true
	}
	if _, end, ok := p.prefix(at, wonPrefixes); ok && !strings.HasPrefix(f, "won't") {
		in.Kind, in.Customer, in.Deal = IntentDealStage, dealName(p, end, len(p.fold)), &DealChange{Stage: store.DealWon}
		return in, in.Customer != ""
	}
	// "thắng" only: folded it is also "tháng" (month).
	if strings.HasPrefix(strings.ToLower(p.orig[p.origIndex(at):]), "thắng ") {
		in.Kind, in.Customer, in.Deal = IntentDealStage, dealName(p, at+len("thang"), len(p.fold)), &DealChange{Stage: store.DealWon}
		return in, in.Customer != ""
	}
	if _, end, ok := p.prefix(at, lostPrefixes); ok {
		return parseLost(p, end, in), true
	}
	if strings.HasPrefix(strings.ToLower(p.orig[p.origIndex(at):]), "mất ") {
		return parseLost(p, at+len("mat"), in), true
	}
	if out, ok := parseStageMove(p, at, in, stageWords); ok {
		return out, true
	}
	if out, ok := parseDealUpdate(p, at, now, loc, in); ok {
		return out, true
	}
	if _, end, ok := p.prefix(at, showDealWords); ok && !strings.ContainsAny(f, ",;") {
		in.Kind, in.Customer = IntentShowDeal, dealName(p, end, len(p.fold))
		return in, true
	}
	return in, false
}

// dealName returns the deal named in folded bytes [at, limit), as written.
func dealName(p phrase, at, limit int) string {
	at = skipSpace(p.fold, at)
	if _, end, ok := p.prefix(at, []string{"deal", "the deal", "co hoi", "the"}); ok && end < limit {
		at = end
	}
	return strings.Trim(p.span(at, limit), " ,.:;!?\"'")
}

// parseNewDeal reads "<deal> [amount] [close <date>]" from byte at.
func parseNewDeal(p phrase, at int, now time.Time, loc *time.Location, in Intent) Intent {
	in.Kind, in.Deal = IntentNewDeal, &DealChange{}
	limit := len(p.fold)
	if s, e, ok := findAmount(p.fold, at); ok {
		in.Deal.Amount, limit = p.span(s, e), s
	}
	if d, ok := when.Find(p.orig[p.origIndex(at):], now, loc); ok {
		t := d.Time
		in.Due, in.AllDay = &t, true
		limit = min(limit, p.foldIndex(p.origIndex(at)+d.Start))
	}
	name := strings.TrimSpace(p.fold[:limit])
	for _, w := range append([]string{" close", " closing", " du kien chot", " worth", " value", " gia tri", " for", " -", ","}, closeKeys...) {
		name = strings.TrimSuffix(name, w)
	}
	in.Customer = dealName(p, at, len(name))
	return in
}

// parseLost reads "<deal> [because <reason>]" from byte at.
func parseLost(p phrase, at int, in Intent) Intent {
	in.Kind, in.Deal = IntentDealStage, &DealChange{Stage: store.DealLost}
	limit := len(p.fold)
	for _, m := range reasonMarks {
		if i := strings.Index(p.fold[at:]+" ", m); i >= 0 && at+i < limit {
			limit = at + i
			in.Deal.LostReason = strings.Trim(p.span(at+i+len(m), len(p.fold)), " .!")
		}
	}
	in.Customer = dealName(p, at, limit)
	return in
}

// parseStageMove reads "<deal> to <stage>", "move <deal> to <stage>",
// "chuyển <deal> sang <stage>".
func parseStageMove(p phrase, at int, in Intent, words []stageWord) (Intent, bool) {
	f := strings.TrimRight(p.fold, " .!")
	for _, link := range stageLinks {
		i := strings.LastIndex(f, link)
		if i <= at {
			continue
		}
		tail := f[i+len(link):]
		for _, w := range words {
			if tail == w.phrase || tail == "stage "+w.phrase || tail == "giai doan "+w.phrase {
				from := at
				if _, end, ok := p.prefix(at, movePrefixes); ok {
					from = end
				}
				in.Kind, in.Customer, in.Deal = IntentDealStage, dealName(p, from, i), &DealChange{Stage: w.stage}
				return in, in.Customer != ""
			}
		}
	}
	return in, false
}

// parseDealUpdate reads a change of value, close date or owner:
// "Acme renewal value 15k", "set close date of Acme renewal to 30/6",
// "assign Acme renewal to Lan", "giao Acme renewal cho Lan".
func parseDealUpdate(p phrase, at int, now time.Time, loc *time.Location, in Intent) (Intent, bool) {
	if _, _, ok := p.prefix(at, logPhrases); ok {
		return in, false
	}
	if _, _, ok := p.prefix(at, planPhrases); ok {
		return in, false
	}
	from := at
	if _, end, ok := p.prefix(at, updateVerbs); ok {
		from = skipSpace(p.fold, end)
	}
	// Owner: "assign <deal> to <name>", "<deal> owner <name>".
	if _, end, ok := p.prefix(from, ownerPrefixes); ok {
		for _, l := range ownerLinks {
			if i := strings.LastIndex(p.fold, l); i > end {
				in.Kind, in.Customer, in.Deal = IntentDealUpdate, dealName(p, end, i), &DealChange{Owner: p.rest(i + len(l))}
				return in, in.Customer != "" && in.Deal.Owner != ""
			}
		}
	}
	key, ks, ke := keyAt(p.fold, from, ownerKeys)
	if key != "" {
		name, rest := keyedSpans(p, from, ks, ke)
		in.Kind, in.Customer, in.Deal = IntentDealUpdate, name, &DealChange{Owner: rest}
		return in, name != "" && rest != ""
	}
	if key, ks, ke = keyAt(p.fold, from, valueKeys); key != "" {
		if s, e, ok := findAmount(p.fold, ke); ok {
			name := dealName(p, from, ks)
			if ks == from { // "value of <deal> to <amount>"
				name = dealName(p, ke, trimLink(p.fold, s))
			}
			in.Kind, in.Customer, in.Deal = IntentDealUpdate, name, &DealChange{Amount: p.span(s, e)}
			// "value 15k" names no deal: the chat's own, or ask which.
			return in, name != "" || ks == from
		}
	}
	if key, ks, ke = keyAt(p.fold, from, closeKeys); key != "" {
		if d, ok := when.Find(p.orig[p.origIndex(ke):], now, loc); ok {
			name := dealName(p, from, ks)
			if ks == from {
				name = dealName(p, ke, trimLink(p.fold, p.foldIndex(p.origIndex(ke)+d.Start)))
			}
			t := d.Time
			in.Kind, in.Customer, in.Due, in.AllDay, in.Deal = IntentDealUpdate, name, &t, true, &DealChange{}
			return in, name != "" || ks == from
		}
	}
	return in, false
}

// keyAt finds the first of keys on word boundaries in f from byte at.
func keyAt(f string, at int, keys []string) (string, int, int) {
	best, bs := "", -1
	for _, k := range keys {
		for i := at; ; {
			j := strings.Index(f[i:], k)
			if j < 0 {
				break
			}
			j += i
			if boundary(f, j-1) && boundary(f, j+len(k)) {
				if bs < 0 || j < bs || j == bs && len(k) > len(best) {
					best, bs = k, j
				}
				break
			}
			i = j + 1
		}
	}
	return best, bs, bs + len(best)
}

// keyedSpans splits "<deal> <key> [to] <rest>" or, when the key comes
// first, "<key> <deal> to <rest>".
func keyedSpans(p phrase, from, ks, ke int) (name, rest string) {
	if ks > from {
		at := ke
		if _, e, ok := p.prefix(ke, []string{"to", "is", "la", "thanh", "=", ":"}); ok {
			at = e
		}
		return dealName(p, from, ks), p.rest(at)
	}
	for _, l := range ownerLinks {
		if i := strings.LastIndex(p.fold, l); i > ke {
			return dealName(p, ke, i), p.rest(i + len(l))
		}
	}
	return "", ""
}

// trimLink moves the end e of a name back over " to" or " thành".
func trimLink(f string, e int) int {
	s := strings.TrimRight(f[:e], " ")
	for _, l := range []string{" to", " thanh", " =", " la", " is", " on", " vao", " ngay"} {
		s = strings.TrimSuffix(s, l)
	}
	return len(s)
}

// parseLink reads "<deal> [all|mentions]" after a link verb.
func parseLink(p phrase, at int, in Intent) Intent {
	in.Kind, in.Deal = IntentLinkDeal, &DealChange{}
	f := strings.TrimRight(p.fold, " .!")
	limit := len(f)
	for _, set := range []struct {
		words []string
		c     store.Capture
	}{{captureAll, store.CaptureAll}, {captureMentions, store.CaptureMentions}} {
		for _, w := range set.words {
			if strings.HasSuffix(f, " "+w) && len(f)-len(w)-1 > at {
				in.Deal.Capture, limit = set.c, len(f)-len(w)-1
				break
			}
		}
		if in.Deal.Capture != "" {
			break
		}
	}
	in.Customer = dealName(p, at, strings.LastIndexFunc(f[:limit], func(r rune) bool { return r != ' ' && r != '-' && r != ',' })+1)
	return in
}

// parseQualify reads "need: new CRM, budget 200 triệu, authority: chị Lan":
// clauses that each start with a qualification key.
func parseQualify(p phrase, at int) (*Qualification, bool) {
	f := p.fold
	type cut struct {
		start, value int
		field        string
	}
	var cuts []cut
	for i := at; i < len(f); i++ {
		if i != at && !(f[i-1] == ' ' && i >= 2 && strings.IndexByte(",;\n", f[i-2]) >= 0) && f[i-1] != '\n' {
			continue
		}
		for _, k := range qualifyKeys {
			if strings.HasPrefix(f[i:], k.phrase) && boundary(f, i+len(k.phrase)) {
				v := skipSpace(f, i+len(k.phrase))
				if v < len(f) && (f[v] == ':' || f[v] == '=') {
					v++
				} else if _, e, ok := p.prefix(v, []string{"is", "la"}); ok {
					v = e
				}
				cuts = append(cuts, cut{i, v, k.field})
				break
			}
		}
	}
	if len(cuts) == 0 || cuts[0].start != at {
		return nil, false
	}
	// One key alone must be followed by a colon ("need: …"): "need to
	// call Acme" is a plan.
	if len(cuts) == 1 && !strings.Contains(f[cuts[0].start:cuts[0].value], ":") {
		return nil, false
	}
	q := &Qualification{}
	for i, c := range cuts {
		end := len(f)
		if i+1 < len(cuts) {
			end = cuts[i+1].start
		}
		v := strings.Trim(p.span(c.value, end), " ,;.")
		if v == "" {
			return nil, false
		}
		switch c.field {
		case "need":
			q.Need = &v
		case "budget":
			q.Budget = &v
		case "authority":
			q.Authority = &v
		}
	}
	return q, true
}

// parse is Parse with the team's own stages: a message Parse does not
// understand may move a deal to one of them ("Acme renewal to demo").
func (r *Router) parse(text string, now time.Time, loc *time.Location) Intent {
	in := Parse(text, now, loc)
	if in.Kind != IntentUnknown || strings.HasPrefix(strings.TrimSpace(text), "/") {
		return in
	}
	var words []stageWord
	for _, s := range r.Stages {
		if !slices.ContainsFunc(stageWords, func(w stageWord) bool { return w.stage == s.Name }) {
			words = append(words, stageWord{store.Fold(s.Name), s.Name})
		}
	}
	if len(words) == 0 {
		return in
	}
	p := newPhrase(strings.TrimSpace(store.Normalize(truncate(text, maxParse))))
	if out, ok := parseStageMove(p, 0, in, words); ok {
		return out.spokenIn(p.orig)
	}
	return in
}
