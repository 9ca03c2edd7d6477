package conversation

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/tend-crm/tend/bot"
	"github.com/tend-crm/tend/store"
)

// stuckAfter is how long a deal may sit in one stage before the agenda
// mentions it.
const stuckAfter = 14 * 24 * time.Hour

// view is which agenda is shown: whose (0: all the asker may see), of
// which customer, only the late follow-ups, through the end of the week,
// or the follow-ups due on later days (later[0] to later[1] days on; zero:
// none).
// It travels in the "more" button, where it is untrusted like any button
// value: the store applies the presser's scope whatever it says.
type view struct {
	owner    store.UserID
	customer store.CustomerID
	overdue  bool
	week     bool
	later    [2]int
}

// customerDays is how far ahead one customer's follow-ups are shown:
// "follow-ups for Acme" asks for all of them, not only today's.
const customerDays = 366

// value encodes the view for the "more" button from offset.
func (v view) value(offset int) string {
	s := fmt.Sprintf("more:%d:o%d", offset, v.owner)
	if v.customer != 0 {
		s += fmt.Sprintf(":c%d", v.customer)
	}
	if v.overdue {
		s += ":late"
	}
	if v.week {
		s += ":week"
	}
	if v.later[1] > 0 {
		s += fmt.Sprintf(":d%d-%d", v.later[0], v.later[1])
	}
	return s
}

// parseView reads a "more" button's arguments; the session user's own
// list when there are none (the digest's button).
func parseView(ses *session, parts []string) view {
	v := view{owner: ses.user.ID}
	for _, p := range parts {
		n, _ := strconv.ParseInt(p[min(1, len(p)):], 10, 64)
		switch {
		case p == "late":
			v.overdue = true
		case p == "week":
			v.week = true
		case strings.HasPrefix(p, "o") && n >= 0:
			v.owner = store.UserID(n)
		case strings.HasPrefix(p, "c") && n > 0:
			v.customer = store.CustomerID(n)
		case strings.HasPrefix(p, "d"):
			a, b, _ := strings.Cut(p[1:], "-")
			from, _ := strconv.Atoi(a)
			to, _ := strconv.Atoi(b)
			if from >= 0 && to > 0 && to >= from && to <= customerDays { // from 0: "this month", from today
				v.later = [2]int{from, to}
			}
		}
	}
	return v
}

// followUps answers "who should I follow up with?" and its variants:
// a teammate's list or the team's for those who may see them, one
// customer's, only what is late, this week.
func (r *Router) followUps(ctx context.Context, ses *session, in Intent, text string, p pick) outcome {
	v := view{owner: ses.user.ID, overdue: in.Overdue, week: in.Week, later: in.Later}
	switch in.Whose {
	case "":
	case "team":
		v.owner = 0
	default:
		u, o := r.teammate(ctx, ses, in.Whose)
		if o != nil {
			return *o
		}
		v.owner = u.ID
	}
	if in.Customer != "" {
		ref, ask := r.resolve(ctx, ses, in.Customer, text, p, false)
		if ask != nil {
			return *ask
		}
		v.customer, v.owner = ref.ID, 0
	}
	return r.agenda(ctx, ses, v, 0)
}

// teammate finds the user a name means, for a manager or an admin: a rep
// sees only their own list.
func (r *Router) teammate(ctx context.Context, ses *session, name string) (store.User, *outcome) {
	if ses.scope.Role == store.RoleRep {
		o := say(t(ses.lang, msgOwnListOnly))
		return store.User{}, &o
	}
	users, err := r.Store.ListUsers(ctx)
	if err != nil {
		o := failed(err)
		return store.User{}, &o
	}
	key := store.NameKey(name)
	var found []store.User
	for _, u := range users {
		full := store.NameKey(u.Name)
		if full == key || strings.HasPrefix(full, key+" ") || strings.HasSuffix(full, " "+key) {
			found = append(found, u)
		}
	}
	switch len(found) {
	case 1:
		return found[0], nil
	case 0:
		o := say(t(ses.lang, msgNoTeammate, name))
		return store.User{}, &o
	}
	names := mapSlice(found, func(u store.User) string { return u.Name })
	o := say(t(ses.lang, msgWhichTeammate, name, strings.Join(names, ", ")))
	return store.User{}, &o
}

// agenda words the ranking of the view from item offset on.
func (r *Router) agenda(ctx context.Context, ses *session, v view, offset int) outcome {
	items, total, err := r.agendaItems(ctx, ses, v, offset+r.PageSize)
	if err != nil {
		return failed(err)
	}
	if len(items) == 0 {
		switch {
		case v.overdue:
			return say(t(ses.lang, msgNothingLate))
		case v.later[1] > 0:
			return say(t(ses.lang, msgAgendaEmptyLater, r.laterText(ses, v)))
		case v.customer != 0:
			return say(t(ses.lang, msgAgendaEmptyCustomer))
		}
		return say(t(ses.lang, msgAgendaEmpty))
	}
	offset = min(offset, len(items))
	page := items[offset:min(offset+r.PageSize, len(items))]
	if err := r.withLast(ctx, ses, page); err != nil {
		return failed(err)
	}
	o := outcome{replies: []bot.Reply{{Text: r.agendaHeader(ctx, ses, v, total)}}}
	for i, it := range page {
		o.replies = append(o.replies, bot.Reply{Text: itemText(ses, offset+i+1, it), Buttons: itemButtons(ses.lang, it)})
	}
	if rest := total - offset - len(page); rest > 0 {
		last := &o.replies[len(o.replies)-1]
		last.Buttons = append(last.Buttons, bot.Button{Label: t(ses.lang, msgMoreBtn, rest), Value: v.value(offset + len(page))})
	}
	return o
}

// agendaHeader names the list: one's own, the team's or a teammate's.
func (r *Router) agendaHeader(ctx context.Context, ses *session, v view, total int) string {
	switch {
	case v.owner == ses.user.ID || v.customer != 0 || ses.scope.Role == store.RoleRep:
	case v.owner == 0:
		return t(ses.lang, msgAgendaHeaderOf, t(ses.lang, msgTeam), total)
	default:
		if u, err := r.Store.User(ctx, v.owner); err == nil {
			return t(ses.lang, msgAgendaHeaderOf, u.Name, total)
		}
	}
	return t(ses.lang, msgAgendaHeader, total)
}

// agendaItems ranks the session user's own book: follow-ups due by the end
// of their day, customers past their cadence, stuck deals, occasions in
// the next days (through the end of the week for v.week). It returns at
// least the first limit items, ranked, and how many there are in all.
func (r *Router) agendaItems(ctx context.Context, ses *session, v view, limit int) ([]store.AgendaItem, int, error) {
	local := ses.now.In(ses.loc)
	days := 1
	switch {
	case v.later[1] > 0:
		days = v.later[1] + 1
	case v.week:
		days = 7 - (int(local.Weekday())+6)%7 // through Sunday
	}
	occasions := days
	if v.customer != 0 {
		days = max(days, customerDays)
	}
	f := store.AgendaFilter{
		Owner:      v.owner,
		Customer:   v.customer,
		Until:      time.Date(local.Year(), local.Month(), local.Day()+days, 0, 0, 0, 0, ses.loc),
		StuckSince: ses.now.Add(-stuckAfter),
		Occasions:  store.UpcomingDays(ses.now, ses.loc, max(4, occasions)),
		WonSince:   ses.now.AddDate(0, 0, -referralAskDays),
	}
	// The late ones are never left out of a bounded book, nor the later
	// ones: a bounded book keeps what ranks first, which they do not.
	if !v.overdue && v.later[1] == 0 {
		f.Page(r.Weights, ses.now, limit)
	}
	book, err := r.Store.AgendaBook(ctx, ses.scope, f)
	if err != nil {
		return nil, 0, err
	}
	items := store.Agenda(book, ses.now, ses.loc, r.Weights)
	if v.overdue {
		items = slices.DeleteFunc(items, func(it store.AgendaItem) bool {
			return !slices.ContainsFunc(it.Reasons, func(r store.Reason) bool { return r.Kind == store.ReasonOverdue })
		})
	}
	if v.later[1] > 0 {
		// Only what falls in the days asked about, and only those reasons.
		today := civilDays(local)
		for i := range items {
			items[i].Reasons = slices.DeleteFunc(items[i].Reasons, func(r store.Reason) bool {
				switch {
				case r.FollowUp != nil:
					d := civilDays(r.FollowUp.Due.In(ses.loc)) - today
					return d < v.later[0] || d > v.later[1]
				case r.Kind == store.ReasonOccasion:
					return r.Days < v.later[0] || r.Days > v.later[1]
				}
				return true
			})
		}
		items = slices.DeleteFunc(items, func(it store.AgendaItem) bool { return len(it.Reasons) == 0 })
	}
	return items, len(items) + book.Omitted, nil
}

// laterText words the days a view asks about: "tomorrow", "Mon 30 Nov –
// Sun 6 Dec".
func (r *Router) laterText(ses *session, v view) string {
	local := ses.now.In(ses.loc)
	day := func(n int) string {
		return dueText(ses.lang, time.Date(local.Year(), local.Month(), local.Day()+n, 0, 0, 0, 0, ses.loc), true, ses.now, ses.loc)
	}
	if v.later[0] == v.later[1] {
		return day(v.later[0])
	}
	return day(v.later[0]) + " – " + day(v.later[1])
}

// withLast looks up the last interaction of the items' customers, for the
// lines shown.
func (r *Router) withLast(ctx context.Context, ses *session, items []store.AgendaItem) error {
	ids := make([]store.CustomerID, len(items))
	for i, it := range items {
		ids[i] = it.Customer.ID
	}
	last, err := r.Store.LastInteractions(ctx, ses.scope, ids)
	if err != nil {
		return err
	}
	for i := range items {
		if l, ok := last[items[i].Customer.ID]; ok {
			items[i].Last = &l
		}
	}
	return nil
}

// itemText words one agenda line: who, why, and what happened last.
func itemText(ses *session, n int, it store.AgendaItem) string {
	reasons := make([]string, len(it.Reasons))
	for i, rs := range it.Reasons {
		reasons[i] = reasonText(ses, rs, it.Customer.Name)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%d. %s — %s", n, it.Customer.Name, strings.Join(reasons, "; "))
	if it.Customer.Phone != "" {
		b.WriteString(" · " + it.Customer.Phone)
	}
	if l := it.Last; l != nil {
		b.WriteString("\n   " + t(ses.lang, msgLast, kindWord(ses.lang, l.Kind), dueText(ses.lang, l.At, true, ses.now, ses.loc), clip(oneLine(l.Summary), 80)))
	}
	return b.String()
}

func reasonText(ses *session, rs store.Reason, customer string) string {
	var s string
	switch rs.Kind {
	case store.ReasonOverdue:
		s = t(ses.lang, msgReasonOverdue, rs.Days)
	case store.ReasonDueToday:
		s = t(ses.lang, msgReasonDueToday)
		if f := rs.FollowUp; f != nil && !f.AllDay {
			s += " " + f.Due.In(ses.loc).Format("15:04")
		}
	case store.ReasonUpcoming:
		s = t(ses.lang, msgReasonUpcoming, dueText(ses.lang, rs.FollowUp.Due, rs.FollowUp.AllDay, ses.now, ses.loc))
	case store.ReasonCadence:
		return t(ses.lang, msgReasonCadence, rs.Days, rs.Cadence)
	case store.ReasonOccasion:
		what := occasionText(ses.lang, *rs.Occasion, customer)
		if rs.Days == 0 {
			return t(ses.lang, msgReasonOccToday, what)
		}
		return t(ses.lang, msgReasonOccasion, what, rs.Days)
	case store.ReasonStuck:
		return t(ses.lang, msgReasonStuck, rs.Deal.Title, stageName(ses.lang, rs.Deal.Stage), rs.Days)
	case store.ReasonUnqualified:
		return t(ses.lang, msgReasonStuck, rs.Deal.Title, stageName(ses.lang, rs.Deal.Stage), rs.Days) + ", " + t(ses.lang, msgReasonUnqualified, strings.Join(missingQualification(ses.lang, *rs.Deal), ", "))
	case store.ReasonReferralAsk:
		return t(ses.lang, msgReasonReferralAsk, rs.Deal.Title, rs.Days)
	}
	if rs.FollowUp != nil && rs.FollowUp.Note != "" {
		s += ": " + clip(oneLine(rs.FollowUp.Note), 80)
	}
	return s
}

func itemButtons(lang string, it store.AgendaItem) []bot.Button {
	if f := actionable(it); f != nil {
		return followUpButtons(lang, f.ID)
	}
	return []bot.Button{{Label: t(lang, msgShowBtn, it.Customer.Name), Value: fmt.Sprintf("show:%d", it.Customer.ID)}}
}

// actionable is the follow-up of an agenda item that can be done now: its
// strongest reason that is not merely upcoming.
func actionable(it store.AgendaItem) *store.FollowUp {
	for _, rs := range it.Reasons {
		if rs.FollowUp != nil && rs.Kind != store.ReasonUpcoming {
			return rs.FollowUp
		}
	}
	return nil
}

// followUpButtons are Done and Snooze (to tomorrow) for a follow-up.
func followUpButtons(lang string, id store.FollowUpID) []bot.Button {
	return []bot.Button{
		{Label: t(lang, msgDoneBtn), Value: fmt.Sprintf("done:%d", id)},
		{Label: t(lang, msgSnoozeBtn), Value: fmt.Sprintf("snooze:%d:1d", id)},
		{Label: t(lang, msgCalledBtn), Value: fmt.Sprintf("call:%d", id)},
	}
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// card shows a customer: stage, referrals, contacts, open follow-ups,
// deals and the latest interactions.
func (r *Router) card(ctx context.Context, ses *session, id store.CustomerID) outcome {
	c, err := r.Store.Customer(ctx, ses.scope, id)
	if err != nil {
		return failed(err)
	}
	contacts, err := r.Store.Contacts(ctx, ses.scope, id)
	if err != nil {
		return failed(err)
	}
	open, err := r.Store.FollowUps(ctx, ses.scope, store.FollowUpFilter{Customer: id, Status: store.FollowUpOpen, Limit: maxCardFollowUps})
	if err != nil {
		return failed(err)
	}
	deals, err := r.Store.Deals(ctx, ses.scope, store.DealFilter{Customer: id, Limit: 5})
	if err != nil {
		return failed(err)
	}
	recent, err := r.Store.Interactions(ctx, ses.scope, store.InteractionFilter{Customer: id, Limit: 5})
	if err != nil {
		return failed(err)
	}
	referrals, err := r.referralLines(ctx, ses, c)
	if err != nil {
		return failed(err)
	}
	var b strings.Builder
	b.WriteString(t(ses.lang, msgCardStage, c.Name, relationshipName(ses.lang, c.Stage)))
	if c.Segment != "" {
		b.WriteString(" · " + c.Segment)
	}
	if c.Phone != "" {
		b.WriteString(" · " + c.Phone)
	}
	for _, l := range referrals {
		b.WriteString("\n" + l)
	}
	section := func(title msg, lines []string) {
		if len(lines) == 0 {
			return
		}
		b.WriteString("\n" + t(ses.lang, title))
		for _, l := range lines {
			b.WriteString("\n • " + l)
		}
	}
	section(msgCardContacts, mapSlice(contacts, func(p store.Contact) string {
		return strings.Join(nonEmpty(p.Name, p.Role, p.Phone, p.Email), " · ")
	}))
	shown := open[:min(len(open), cardFollowUps)]
	lines := mapSlice(shown, func(f store.FollowUp) string {
		note := clip(oneLine(f.Note), 80)
		if note == "" {
			note = t(ses.lang, msgNoNote)
		}
		return dueText(ses.lang, f.Due, f.AllDay, ses.now, ses.loc) + " — " + note
	})
	section(msgCardFollowUps, lines)
	if more := len(open) - len(shown); more > 0 {
		// The rest are a question away, rather than silently left out.
		b.WriteString("\n   " + t(ses.lang, msgCardMore, more, c.Name))
	}
	section(msgCardDeals, mapSlice(deals, func(d store.Deal) string {
		return fmt.Sprintf("%s · %s", d.Title, stageName(ses.lang, d.Stage))
	}))
	section(msgCardTimeline, mapSlice(recent, func(i store.Interaction) string {
		return dueText(ses.lang, i.At, true, ses.now, ses.loc) + ", " + kindWord(ses.lang, i.Kind) + " — " + clip(oneLine(i.Summary), 100)
	}))
	if len(recent) == 0 {
		b.WriteString("\n" + t(ses.lang, msgCardEmpty))
	}
	var buttons []bot.Button
	if len(open) > 0 {
		buttons = followUpButtons(ses.lang, open[0].ID)
	}
	return say(b.String(), buttons...)
}

// A card lists the first cardFollowUps open follow-ups and counts the
// others, up to maxCardFollowUps in all.
const (
	cardFollowUps    = 5
	maxCardFollowUps = 500
)

func mapSlice[T any](xs []T, f func(T) string) []string {
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i] = f(x)
	}
	return out
}

func nonEmpty(ss ...string) []string {
	var out []string
	for _, s := range ss {
		if s != "" {
			out = append(out, s)
		}
	}
	return out
}
