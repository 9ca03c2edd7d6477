package conversation

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/tend-crm/tend/bot"
	"github.com/tend-crm/tend/store"
)

// DealStage is a stage of the pipeline and the chance, in percent, that a
// deal at it is won: its weight in the pipeline's weighted value.
type DealStage struct {
	Name        string
	Probability int
}

// DefaultPipeline is the stages of store.DefaultStages with their weights.
var DefaultPipeline = []DealStage{{"qualify", 10}, {"proposal", 30}, {"negotiation", 60}, {store.DealWon, 100}, {store.DealLost, 0}}

// CarePlan is what Tend schedules for a deal's owner when it is won.
type CarePlan struct {
	ThankYouDays  int  // a thank-you check-in this many days on; 0: none
	CheckInMonths int  // a check-in this many months on; 0: none
	Anniversary   bool // a yearly reminder on the date of the purchase
}

// DefaultCarePlan: thanks after three days, a check-in after a month, and
// the purchase's anniversary every year.
var DefaultCarePlan = CarePlan{ThankYouDays: 3, CheckInMonths: 1, Anniversary: true}

func stageName(lang, stage string) string {
	switch stage {
	case "qualify":
		return t(lang, msgStageQualify)
	case "proposal":
		return t(lang, msgStageProposal)
	case "negotiation":
		return t(lang, msgStageNegotiation)
	case store.DealWon:
		return t(lang, msgStageWon)
	case store.DealLost:
		return t(lang, msgStageLost)
	}
	return stage
}

func dealMoney(lang string, d store.Deal) string {
	return FormatMoney(Money{Minor: d.Value, Currency: d.Currency}, lang)
}

// private reports the intents whose answers are a user's own lists: in a
// group they are answered in a direct message only.
func private(k IntentKind) bool {
	return k == IntentFollowUps || k == IntentShow || k == IntentPipeline || k == IntentSearch || k == IntentHistory
}

func (r *Router) deal(ctx context.Context, ses *session, in Intent, text string, p pick) outcome {
	switch in.Kind {
	case IntentPipeline:
		return r.pipeline(ctx, ses)
	case IntentNewDeal:
		return r.newDeal(ctx, ses, in, text, p)
	case IntentQualify:
		return r.qualify(ctx, ses, in)
	}
	look := ses
	if in.Kind == IntentLinkDeal {
		// Linking is how a chat gets its deal: any deal the user sees.
		anywhere := *ses
		anywhere.dm = true
		look = &anywhere
	}
	d, ask := r.findDeal(ctx, look, in.Customer)
	if ask != nil {
		return *ask
	}
	switch in.Kind {
	case IntentShowDeal:
		return r.dealCard(ctx, ses, d)
	case IntentLinkDeal:
		if in.Deal.Thread {
			return r.dealThread(ctx, ses, d, in.Deal.Capture)
		}
		return r.linkDeal(ctx, ses, d, in.Deal.Capture)
	case IntentDealStage:
		return r.moveDeal(ctx, ses, d, in.Deal.Stage, in.Deal.LostReason)
	}
	return r.updateDeal(ctx, ses, d, in)
}

// boundScope reads a chat's bound deal: being in the chat is the right to
// its deal, whoever owns the customer. It is for reads of that one deal
// only (findDeal lets no other through), never for writes.
var boundScope = store.Scope{Role: store.RoleAdmin}

// findDeal finds the deal a name means. In a group only the deal bound
// to it is shown or changed; an empty name means that deal.
func (r *Router) findDeal(ctx context.Context, ses *session, name string) (store.Deal, *outcome) {
	fail := func(o outcome) (store.Deal, *outcome) { return store.Deal{}, &o }
	var bound store.DealID
	if !ses.dm {
		b, err := r.Store.ChatBinding(ctx, string(ses.chat.Platform), ses.chat.ChatID, ses.chat.ThreadID)
		switch {
		case err == nil:
			bound = b.DealID
		case !errors.Is(err, store.ErrNotFound):
			return fail(failed(err))
		}
	}
	if name == "" {
		if bound == 0 {
			return fail(say(t(ses.lang, msgNameDeal)))
		}
		d, err := r.Store.Deal(ctx, boundScope, bound)
		if err != nil {
			return fail(failed(err))
		}
		return d, nil
	}
	found, err := r.Store.FindDeals(ctx, ses.scope, name, 6)
	if err != nil {
		return fail(failed(err))
	}
	if !ses.dm {
		// A group sees its own deal and no other, not even by name.
		found = slices.DeleteFunc(found, func(d store.Deal) bool { return d.ID != bound })
		if len(found) == 0 {
			return fail(say(t(ses.lang, msgAskInDM)))
		}
	}
	key := store.NameKey(name)
	switch {
	case len(found) == 0:
		return fail(say(t(ses.lang, msgUnknownDeal, name, name)))
	case len(found) == 1, store.NameKey(found[0].Title) == key && store.NameKey(found[1].Title) != key:
		return found[0], nil
	}
	var buttons []bot.Button
	for _, d := range found {
		buttons = append(buttons, bot.Button{Label: d.Title + " · " + stageName(ses.lang, d.Stage), Value: fmt.Sprintf("deal:%d", d.ID)})
	}
	return fail(say(t(ses.lang, msgWhichDeal, name), buttons...))
}

// dealCustomer finds the customer a new deal's name starts with ("Acme"
// in "Acme renewal"), or resolves the whole name as a customer to find or
// create.
func (r *Router) dealCustomer(ctx context.Context, ses *session, name, text string, p pick) (store.CustomerRef, *outcome) {
	if p.id != 0 || p.fresh {
		return r.resolve(ctx, ses, name, text, p, true)
	}
	names, err := r.Store.CustomerNames(ctx, ses.scope)
	if err != nil {
		o := failed(err)
		return store.CustomerRef{}, &o
	}
	byKey := map[string][]store.CustomerID{}
	for _, n := range names {
		if !slices.Contains(byKey[n.Key], n.ID) {
			byKey[n.Key] = append(byKey[n.Key], n.ID)
		}
	}
	words := strings.Fields(name)
	for n := len(words); n > 0; n-- {
		if ids := byKey[store.NameKey(strings.Join(words[:n], " "))]; len(ids) == 1 {
			return store.CustomerRef{ID: ids[0]}, nil
		}
	}
	// "Acme renewal" for a customer called "Acme Corp": the title's first
	// words begin the name of one customer only.
	for n := len(words) - 1; n > 0; n-- {
		prefix := store.NameKey(strings.Join(words[:n], " ")) + " "
		var found []store.CustomerID
		for key, ids := range byKey {
			if strings.HasPrefix(key, prefix) {
				for _, id := range ids {
					if !slices.Contains(found, id) {
						found = append(found, id)
					}
				}
			}
		}
		switch {
		case len(found) == 1:
			return store.CustomerRef{ID: found[0]}, nil
		case len(found) > 1: // which of those Acmes?
			return r.resolve(ctx, ses, strings.Join(words[:n], " "), text, p, true)
		}
	}
	return r.resolve(ctx, ses, name, text, p, true)
}

func (r *Router) newDeal(ctx context.Context, ses *session, in Intent, text string, p pick) outcome {
	if store.NameKey(in.Customer) == "" {
		return say(t(ses.lang, msgNameDeal))
	}
	m := Money{Currency: DefaultCurrency(ses.user.Lang)}
	if a := in.Deal.Amount; a != "" {
		var err error
		if m, err = ParseMoney(a, m.Currency); err != nil {
			return say(t(ses.lang, msgBadAmount, a))
		}
	}
	ref, ask := r.dealCustomer(ctx, ses, in.Customer, text, p)
	if ask != nil {
		return *ask
	}
	nd := store.NewDeal{Customer: ref, Title: in.Customer, Value: m.Minor, Currency: m.Currency}
	if in.Due != nil {
		nd.ExpectedClose = *in.Due
	}
	d, ch, err := r.Store.CreateDeal(ctx, ses.scope, ses.origin, nd)
	if o, ok := invalid(ses, err); ok {
		return o
	}
	if err != nil {
		return failed(err)
	}
	customer := d.Title
	if c, err := r.Store.Customer(ctx, ses.scope, d.CustomerID); err == nil {
		customer = c.Name
	}
	lines := []string{t(ses.lang, msgDealCreated, d.Title, customer, dealMoney(ses.lang, d), stageName(ses.lang, d.Stage)),
		t(ses.lang, msgAskQualify)}
	return wrote(say(strings.Join(lines, "\n"), undoButton(ses.lang, ch)))
}

// missingQualification names what is not known of a deal yet: need,
// budget, authority.
func missingQualification(lang string, d store.Deal) []string {
	var out []string
	for _, f := range []struct {
		label msg
		value string
	}{{msgNeed, d.Need}, {msgBudget, d.Budget}, {msgAuthority, d.Authority}} {
		if f.value == "" {
			out = append(out, t(lang, f.label))
		}
	}
	return out
}

func wrote(o outcome) outcome {
	o.write = true
	return o
}

// qualify fills need, budget and authority on the deal of this chat, or
// the user's newest open deal.
func (r *Router) qualify(ctx context.Context, ses *session, in Intent) outcome {
	d, ask := r.findDeal(ctx, ses, "")
	if ask != nil && ses.dm {
		open, err := r.Store.Deals(ctx, ses.scope, store.DealFilter{Owner: ses.user.ID, OpenOnly: true, Limit: 1})
		if err != nil {
			return failed(err)
		}
		if len(open) == 0 {
			return say(t(ses.lang, msgNoOpenDeal))
		}
		d, ask = open[0], nil
	}
	if ask != nil {
		return *ask
	}
	q := in.Deal.Qualify
	d, ch, err := r.Store.UpdateDeal(ctx, ses.scope, ses.origin, d.ID, store.DealUpdate{Need: q.Need, Budget: q.Budget, Authority: q.Authority})
	if o, ok := invalid(ses, err); ok {
		return o
	}
	if err != nil {
		return failed(err)
	}
	var said []string
	for _, f := range []struct {
		label msg
		set   *string
		value string
	}{{msgNeed, q.Need, d.Need}, {msgBudget, q.Budget, d.Budget}, {msgAuthority, q.Authority, d.Authority}} {
		if f.set != nil {
			said = append(said, t(ses.lang, f.label)+": "+f.value)
		}
	}
	missing := missingQualification(ses.lang, d)
	lines := []string{t(ses.lang, msgQualified, d.Title, strings.Join(said, ", "))}
	if len(missing) > 0 {
		lines = append(lines, t(ses.lang, msgStillMissing, strings.Join(missing, ", ")))
	}
	return wrote(say(strings.Join(lines, "\n"), undoButton(ses.lang, ch)))
}

// moveDeal changes a deal's stage; a win schedules the care plan in the
// same change, and the chats bound to the deal hear of it.
func (r *Router) moveDeal(ctx context.Context, ses *session, d store.Deal, stage, reason string) outcome {
	if !slices.ContainsFunc(r.Stages, func(s DealStage) bool { return s.Name == stage }) {
		names := mapSlice(r.Stages, func(s DealStage) string { return stageName(ses.lang, s.Name) })
		return say(t(ses.lang, msgUnknownStage, stageName(ses.lang, stage), strings.Join(names, ", ")))
	}
	if d.Stage == stage && reason == "" {
		return say(t(ses.lang, msgDealSame, d.Title, stageName(ses.lang, stage)))
	}
	upd := store.DealUpdate{Stage: &stage}
	if reason != "" {
		upd.LostReason = &reason
	}
	var care []string
	if stage == store.DealWon && d.Stage != store.DealWon {
		upd.CarePlan, care = r.carePlan(ses, d)
		if f, said, ok := r.referralThanks(ctx, ses, d); ok {
			if upd.CarePlan == nil {
				upd.CarePlan = &store.CarePlan{}
			}
			upd.CarePlan.FollowUps = append(upd.CarePlan.FollowUps, f)
			care = append(care, said)
		}
	}
	id, from, title := d.ID, d.Stage, d.Title
	d, ch, err := r.Store.UpdateDeal(ctx, ses.scope, ses.origin, id, upd)
	if errors.Is(err, store.ErrInvalid) && reason == "" {
		// Moved there meanwhile, by another message of the same moment.
		if now, err := r.Store.Deal(ctx, ses.scope, id); err == nil && now.Stage == stage {
			return say(t(ses.lang, msgDealSame, title, stageName(ses.lang, stage)))
		}
	}
	if o, ok := invalid(ses, err); ok {
		return o
	}
	if err != nil {
		return failed(err)
	}
	var line string
	switch {
	case stage == store.DealWon && len(care) > 0:
		customer := d.Title
		if c, err := r.Store.Customer(ctx, boundScope, d.CustomerID); err == nil {
			customer = c.Name
		}
		line = t(ses.lang, msgDealWon, d.Title, customer, strings.Join(care, "; "))
	case stage == store.DealLost && d.LostReason != "":
		line = t(ses.lang, msgDealLostReason, d.Title, d.LostReason)
	default:
		line = t(ses.lang, msgDealMoved, d.Title, stageName(ses.lang, from), stageName(ses.lang, d.Stage))
	}
	r.announce(ctx, ses, d, t(ses.lang, msgDealMoved, d.Title, stageName(ses.lang, from), stageName(ses.lang, d.Stage)))
	return wrote(say(line, undoButton(ses.lang, ch)))
}

// carePlan words and times the check-ins of a deal won now, in the
// owner's zone as far as the session knows it, and says what it planned.
func (r *Router) carePlan(ses *session, d store.Deal) (*store.CarePlan, []string) {
	cp := r.CarePlan
	today := ses.now.In(ses.loc)
	day := func(y, m, dd int) time.Time {
		return time.Date(today.Year()+y, today.Month()+time.Month(m), today.Day()+dd, 0, 0, 0, 0, ses.loc)
	}
	plan := &store.CarePlan{}
	var said []string
	add := func(due time.Time, key msg) {
		plan.FollowUps = append(plan.FollowUps, store.FollowUp{Due: due, AllDay: true, Note: t(ses.lang, key, d.Title)})
		said = append(said, t(ses.lang, key, dueText(ses.lang, due, true, ses.now, ses.loc)))
	}
	if cp.ThankYouDays > 0 {
		add(day(0, 0, cp.ThankYouDays), msgCareThanks)
	}
	if cp.CheckInMonths > 0 {
		add(day(0, cp.CheckInMonths, 0), msgCareCheckIn)
	}
	if cp.Anniversary {
		plan.Occasion = &store.Occasion{Kind: "purchase", Month: today.Month(), Day: today.Day(), Year: today.Year(), Label: d.Title}
		said = append(said, t(ses.lang, msgCareYearly, fmt.Sprintf("%d/%d", today.Day(), int(today.Month()))))
	}
	if len(plan.FollowUps) == 0 && plan.Occasion == nil {
		return nil, nil
	}
	return plan, said
}

// announce posts a deal's news (a stage change, a call logged on it) to
// the chats bound to it, except the one it was said in. A failed post is
// logged: the change is made already.
func (r *Router) announce(ctx context.Context, ses *session, d store.Deal, text string) {
	if r.Notifier == nil {
		return
	}
	bs, err := r.Store.BindingsOf(ctx, d.ID)
	if err != nil {
		r.Logger.Warn("deal news not posted", "deal", d.ID, "err", err)
		return
	}
	for _, b := range bs {
		to := bindingTarget(b)
		if to == ses.chat {
			continue
		}
		if _, err := r.Notifier.Send(ctx, to, bot.Reply{Text: text}); err != nil {
			r.Logger.Warn("deal news not posted", "deal", d.ID, bot.LogKeyChat, b.ChatID, "err", err)
		}
	}
}

// updateDeal changes a deal's value, expected close or owner.
func (r *Router) updateDeal(ctx context.Context, ses *session, d store.Deal, in Intent) outcome {
	var upd store.DealUpdate
	var what []string
	if a := in.Deal.Amount; a != "" {
		cur := d.Currency
		if cur == "" {
			cur = DefaultCurrency(ses.user.Lang)
		}
		m, err := ParseMoney(a, cur)
		if err != nil {
			return say(t(ses.lang, msgBadAmount, a))
		}
		upd.Value, upd.Currency = &m.Minor, &m.Currency
		what = append(what, t(ses.lang, msgDealValue, FormatMoney(m, ses.lang)))
	}
	if in.Due != nil {
		upd.ExpectedClose = in.Due
		what = append(what, t(ses.lang, msgDealClose, dueText(ses.lang, *in.Due, true, ses.now, ses.loc)))
	}
	if name := in.Deal.Owner; name != "" {
		u, ok, err := r.colleague(ctx, name)
		if err != nil {
			return failed(err)
		}
		if !ok {
			return say(t(ses.lang, msgUnknownUser, name))
		}
		upd.Owner = &u.ID
		what = append(what, t(ses.lang, msgDealOwner, u.Name))
	}
	d, ch, err := r.Store.UpdateDeal(ctx, ses.scope, ses.origin, d.ID, upd)
	if o, ok := invalid(ses, err); ok {
		return o
	}
	if err != nil {
		return failed(err)
	}
	return wrote(say(t(ses.lang, msgDealUpdated, d.Title, strings.Join(what, ", ")), undoButton(ses.lang, ch)))
}

// colleague finds a user by name as said: "Lan", "chị Lan", "Bob Smith".
func (r *Router) colleague(ctx context.Context, name string) (store.User, bool, error) {
	us, err := r.Store.ListUsers(ctx)
	if err != nil {
		return store.User{}, false, err
	}
	key := store.NameKey(name)
	if w := strings.Fields(key); len(w) > 1 && oneOf(w[0], honorifics) {
		key = strings.Join(w[1:], " ")
	}
	var match []store.User
	for _, u := range us {
		uk := store.NameKey(u.Name)
		if uk == key {
			return u, true, nil
		}
		if slices.Contains(strings.Fields(uk), key) {
			match = append(match, u)
		}
	}
	if len(match) == 1 {
		return match[0], true, nil
	}
	return store.User{}, false, nil
}

// dealCard shows a deal: stage and days in it, value, owner,
// qualification, next step and last contacts.
func (r *Router) dealCard(ctx context.Context, ses *session, d store.Deal) outcome {
	scope := ses.scope
	if !ses.dm {
		scope = boundScope // findDeal let only the chat's own deal through
	}
	c, err := r.Store.Customer(ctx, scope, d.CustomerID)
	if err != nil {
		return failed(err)
	}
	owner := fmt.Sprint(d.OwnerID)
	if u, err := r.Store.User(ctx, d.OwnerID); err == nil {
		owner = u.Name
	}
	next, err := r.Store.FollowUps(ctx, scope, store.FollowUpFilter{Customer: d.CustomerID, Status: store.FollowUpOpen, Limit: 1})
	if err != nil {
		return failed(err)
	}
	recent, err := r.Store.Interactions(ctx, scope, store.InteractionFilter{Customer: d.CustomerID, Limit: 3})
	if err != nil {
		return failed(err)
	}
	unknown := func(s string) string { return cmp.Or(s, t(ses.lang, msgUnknownField)) }
	days := civilDays(ses.now.In(ses.loc)) - civilDays(d.StageChangedAt.In(ses.loc))
	lines := []string{
		d.Title + " — " + c.Name,
		t(ses.lang, msgDealCardStage, stageName(ses.lang, d.Stage), days, dealMoney(ses.lang, d), owner),
	}
	if !d.ExpectedClose.IsZero() {
		lines = append(lines, t(ses.lang, msgDealCardClose, dueText(ses.lang, d.ExpectedClose, true, ses.now, ses.loc)))
	}
	if d.LostReason != "" {
		lines = append(lines, t(ses.lang, msgDealCardLost, d.LostReason))
	}
	lines = append(lines, fmt.Sprintf("%s: %s · %s: %s · %s: %s", t(ses.lang, msgNeed), unknown(d.Need),
		t(ses.lang, msgBudget), unknown(d.Budget), t(ses.lang, msgAuthority), unknown(d.Authority)))
	if len(next) > 0 {
		lines = append(lines, t(ses.lang, msgDealCardNext, dueText(ses.lang, next[0].Due, next[0].AllDay, ses.now, ses.loc)+noteSuffix(clip(oneLine(next[0].Note), 80))))
	} else if d.Open() {
		lines = append(lines, t(ses.lang, msgDealCardNoNext))
	}
	if len(recent) > 0 {
		lines = append(lines, t(ses.lang, msgDealCardLast))
		for _, i := range recent {
			lines = append(lines, " • "+dueText(ses.lang, i.At, true, ses.now, ses.loc)+", "+kindWord(ses.lang, i.Kind)+" — "+clip(oneLine(i.Summary), 100))
		}
	}
	return say(strings.Join(lines, "\n"))
}

// linkDeal binds the chat the user speaks in to a deal.
func (r *Router) linkDeal(ctx context.Context, ses *session, d store.Deal, capture store.Capture) outcome {
	if ses.dm {
		return say(t(ses.lang, msgLinkInGroup))
	}
	return r.bind(ctx, ses, d, ses.chat.ThreadID, capture)
}

// dealThread opens a thread for a deal in the team's chat: it posts the
// deal's card there and binds the thread that replies to the card make
// (a Slack thread, a Telegram reply chain or the forum topic).
func (r *Router) dealThread(ctx context.Context, ses *session, d store.Deal, capture store.Capture) outcome {
	if ses.dm {
		return say(t(ses.lang, msgLinkInGroup))
	}
	if r.Notifier == nil {
		return say(t(ses.lang, msgNoThreads))
	}
	card := r.dealCard(ctx, ses, d)
	if len(card.replies) == 0 {
		return card
	}
	to := ses.chat
	if !strings.HasPrefix(to.ThreadID, "reply:") {
		to.ThreadID = "" // the card opens its own thread, but in a forum topic it stays there
	}
	first := card.replies[0]
	first.Text = t(ses.lang, msgThreadOpened, d.Title) + "\n" + first.Text
	ref, err := r.Notifier.Send(ctx, to, first)
	if err != nil {
		return failed(err)
	}
	if ref.Thread == "" {
		return say(t(ses.lang, msgNoThreads))
	}
	return r.bind(ctx, ses, d, ref.Thread, capture)
}

// bind binds the session's chat, in thread, to d.
func (r *Router) bind(ctx context.Context, ses *session, d store.Deal, thread string, capture store.Capture) outcome {
	b := store.ChatBinding{Platform: string(ses.chat.Platform), ChatID: ses.chat.ChatID, ThreadID: thread, DealID: d.ID,
		Capture: cmp.Or(capture, store.CaptureMentions)}
	ch, err := r.Store.BindChat(ctx, ses.scope, ses.origin, b)
	if err != nil {
		return failed(err)
	}
	what := t(ses.lang, msgCaptureMentions)
	if b.Capture == store.CaptureAll {
		what = t(ses.lang, msgCaptureAll)
	}
	return wrote(say(t(ses.lang, msgLinked, d.Title, what), undoButton(ses.lang, ch)))
}

// capture adds a message said in a chat bound to a deal to the deal's
// timeline, without a reply. It reports whether the message was the
// deal's: in a bound chat, every message when the binding captures all,
// else those addressed to Tend that are not requests to it.
func (r *Router) capture(ctx context.Context, ses *session, m bot.Message, in Intent) (bool, error) {
	if m.IsDM || (m.Mentioned && in.Kind != IntentUnknown) {
		return false, nil
	}
	b, err := r.Store.ChatBinding(ctx, string(m.Platform), m.ChatID, m.ThreadID)
	if errors.Is(err, store.ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	if b.Capture != store.CaptureAll && !m.Mentioned {
		return false, nil
	}
	at := m.Time
	if at.IsZero() {
		at = ses.now
	}
	// The message's own id is its source; the event id dedups a redelivery.
	o := ses.origin
	if o.IsZero() && m.MessageID != "" {
		o.EventID = "msg:" + m.MessageID
	}
	_, err = r.Store.CaptureMessage(ctx, ses.scope, o, b, store.Interaction{Kind: store.KindMessage, At: at,
		Summary: strings.TrimSpace(m.Text)})
	if errors.Is(err, store.ErrDuplicate) {
		return true, nil
	}
	return err == nil, err
}

// pipeline reports the deals by stage with their value and weighted
// value, the deals stuck longest, and this week's activity: the team's for
// a manager, the user's own for a rep.
func (r *Router) pipeline(ctx context.Context, ses *session) outcome {
	f := store.DealFilter{Limit: 10000}
	head := msgPipelineTeam
	if ses.scope.Role == store.RoleRep {
		f.Owner, head = ses.user.ID, msgPipelineMine
	}
	deals, err := r.Store.Deals(ctx, ses.scope, f)
	if err != nil {
		return failed(err)
	}
	local := ses.now.In(ses.loc)
	monday := time.Date(local.Year(), local.Month(), local.Day()-(int(local.Weekday())+6)%7, 0, 0, 0, 0, ses.loc)
	week, err := r.Store.ActivitySince(ctx, ses.scope, monday)
	if err != nil {
		return failed(err)
	}
	return say(pipelineReport(ses, r.Stages, head, deals, week))
}

// pipelineReport words the report. Won and lost deals count from the
// start of the month; open ones all.
func pipelineReport(ses *session, stages []DealStage, head msg, deals []store.Deal, week []store.RepActivity) string {
	local := ses.now.In(ses.loc)
	month := time.Date(local.Year(), local.Month(), 1, 0, 0, 0, 0, ses.loc)
	lines := []string{t(ses.lang, head)}
	if len(deals) == 0 {
		lines = append(lines, t(ses.lang, msgPipelineEmpty))
	}
	for _, st := range stages {
		stage := st.Name
		var n int
		sum, weighted := map[string]int64{}, map[string]int64{}
		for _, d := range deals {
			if d.Stage != stage || !d.Open() && d.StageChangedAt.Before(month) {
				continue
			}
			n++
			sum[d.Currency] += d.Value
			weighted[d.Currency] += d.Value * int64(st.Probability) / 100
		}
		if n > 0 {
			lines = append(lines, t(ses.lang, msgPipelineStage, stageName(ses.lang, stage), n, moneySum(ses.lang, sum), moneySum(ses.lang, weighted)))
		}
	}
	var open []store.Deal
	for _, d := range deals {
		if d.Open() {
			open = append(open, d)
		}
	}
	slices.SortStableFunc(open, func(a, b store.Deal) int { return a.StageChangedAt.Compare(b.StageChangedAt) })
	if len(open) > 0 {
		lines = append(lines, t(ses.lang, msgPipelineStuck))
		for _, d := range open[:min(3, len(open))] {
			days := civilDays(local) - civilDays(d.StageChangedAt.In(ses.loc))
			lines = append(lines, " • "+t(ses.lang, msgPipelineStuckLine, d.Title, stageName(ses.lang, d.Stage), days))
		}
	}
	if len(week) > 0 {
		lines = append(lines, t(ses.lang, msgPipelineWeek))
		// Those who did something, each; the others in one line, so that
		// a big team's report stays readable on a phone.
		var idle []string
		for _, a := range week {
			if a.Calls+a.Meetings+a.FollowUpsDone == 0 && len(week) > 1 {
				idle = append(idle, a.Name)
				continue
			}
			lines = append(lines, " • "+t(ses.lang, msgPipelineRep, a.Name, a.Calls, a.Meetings, a.FollowUpsDone))
		}
		switch {
		case len(idle) > 5:
			lines = append(lines, " • "+t(ses.lang, msgPipelineIdleMany, strings.Join(idle[:3], ", "), len(idle)-3))
		case len(idle) > 0:
			lines = append(lines, " • "+t(ses.lang, msgPipelineIdle, strings.Join(idle, ", ")))
		}
	}
	return strings.Join(lines, "\n")
}

// moneySum writes amounts in several currencies: "12,000 USD + 150,000,000 ₫".
func moneySum(lang string, by map[string]int64) string {
	var parts []string
	for _, cur := range slices.Sorted(maps.Keys(by)) {
		parts = append(parts, FormatMoney(Money{Minor: by[cur], Currency: cur}, lang))
	}
	return strings.Join(parts, " + ")
}
