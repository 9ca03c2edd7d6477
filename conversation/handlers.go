package conversation

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/tend-crm/tend/bot"
	"github.com/tend-crm/tend/conversation/when"
	"github.com/tend-crm/tend/store"
)

// pick is the user's answer to "which customer?": one of those offered,
// or a new one with the name as written.
type pick struct {
	id    store.CustomerID
	fresh bool
}

func (r *Router) dispatch(ctx context.Context, ses *session, in Intent, text string, p pick) outcome {
	if !ses.dm && private(in.Kind) {
		return say(t(ses.lang, msgAskInDM))
	}
	if o, ok := noSuchDay(ses, in, text); ok {
		return o
	}
	switch in.Kind {
	case IntentNewDeal, IntentDealStage, IntentDealUpdate, IntentShowDeal, IntentQualify, IntentLinkDeal, IntentPipeline:
		return r.deal(ctx, ses, in, text, p)
	case IntentHelp:
		return say(t(ses.lang, msgHelp))
	case IntentUndo:
		return r.undo(ctx, ses, 0)
	case IntentFollowUps:
		return r.followUps(ctx, ses, in, text, p)
	case IntentLog, IntentSetFollowUp:
		return r.record(ctx, ses, in, text, p)
	case IntentSettings:
		return r.settings(ctx, ses, *in.Settings)
	case IntentOccasion:
		return r.occasion(ctx, ses, in, text, p)
	case IntentUpdateCustomer:
		ref, ask := r.resolve(ctx, ses, in.Customer, text, p, false)
		if ask != nil {
			return *ask
		}
		return r.updateCustomer(ctx, ses, ref.ID, *in.Update)
	case IntentJoin, IntentLink, IntentInvite, IntentTeam, IntentRemoveUser:
		return r.access(ctx, ses, in)
	case IntentSearch:
		return r.search(ctx, ses, in.Query)
	case IntentExport:
		return r.export(ctx, ses)
	case IntentTet:
		return r.tet(ctx, ses, in)
	case IntentReferral:
		return r.referral(ctx, ses, in, text, p)
	case IntentAlias:
		ref, ask := r.resolve(ctx, ses, in.Customer, text, p, false)
		if ask != nil {
			return *ask
		}
		return r.alias(ctx, ses, ref.ID, in.Alias)
	case IntentShow, IntentDone, IntentSnooze, IntentHistory:
		if in.Kind == IntentSnooze && in.Due != nil && inPast(ses, *in.Due, in.AllDay) {
			return say(t(ses.lang, msgPastSnooze, dueText(ses.lang, *in.Due, in.AllDay, ses.now, ses.loc)))
		}
		ref, ask := r.resolve(ctx, ses, in.Customer, text, p, false)
		if ask != nil {
			return *ask
		}
		switch in.Kind {
		case IntentShow:
			return r.card(ctx, ses, ref.ID)
		case IntentHistory:
			return r.history(ctx, ses, ref.ID)
		case IntentDone:
			return r.onFollowUp(ctx, ses, ref.ID, func(f store.FollowUp) string { return fmt.Sprintf("done:%d", f.ID) },
				func(f store.FollowUp) outcome { return r.complete(ctx, ses, f.ID) })
		default:
			// The picker's buttons carry the time asked for, so that the
			// one picked is moved there, not closed.
			pick := func(f store.FollowUp) string { return fmt.Sprintf("snooze:%d:1d", f.ID) }
			if in.Due != nil {
				pick = func(f store.FollowUp) string {
					return fmt.Sprintf("snoozeto:%d:%d:%t", f.ID, in.Due.Unix(), in.AllDay)
				}
			}
			return r.onFollowUp(ctx, ses, ref.ID, pick, func(f store.FollowUp) outcome {
				due, allDay := in.Due, in.AllDay
				if due == nil {
					d, a := snoozeBy(ses, f, "1d")
					due, allDay = &d, a
				}
				return r.snooze(ctx, ses, f.ID, *due, allDay)
			})
		}
	}
	return unknown(ses, text)
}

// unknown answers a message Tend did not understand, saying what was
// wrong when it can tell: a number typed when no buttons are left to
// pick, a file to import that is not there.
func unknown(ses *session, text string) outcome {
	text = strings.TrimSpace(text)
	if len(text) <= 3 && strings.Trim(text, "0123456789") == "" && text != "" {
		return say(t(ses.lang, msgNoChoice, text))
	}
	if path, ok := importPath(text); ok {
		return say(t(ses.lang, msgImportNoFile, path))
	}
	return say(t(ses.lang, msgUnknown))
}

// importPath reads "import customers.csv" ("nhập …", "/tend import …"):
// a file named in words rather than sent. The console sends a file it
// finds at that path as the file itself, so a message that gets here
// names one it could not find.
func importPath(text string) (string, bool) {
	words := strings.Fields(text)
	i := 0
	if len(words) > 0 && store.Fold(words[0]) == "/tend" {
		i = 1
	}
	if len(words) <= i+1 || !oneOf(store.Fold(words[i]), []string{"import", "nhap"}) {
		return "", false
	}
	rest := text[strings.Index(text, words[i])+len(words[i]):]
	path := strings.Trim(strings.TrimSpace(rest), `"'`)
	// Only a file's name: "nhập khách hàng mới" is not one.
	if ext := filepath.Ext(path); !strings.ContainsAny(path, `/\`) && (len(ext) < 3 || len(ext) > 6 || strings.Contains(ext, " ")) {
		return "", false
	}
	return path, true
}

// inPast reports whether a follow-up or snooze time has gone: an all-day
// one before today, one at a clock time before this minute.
func inPast(ses *session, due time.Time, allDay bool) bool {
	if allDay {
		return civilDays(due.In(ses.loc)) < civilDays(ses.now.In(ses.loc))
	}
	return due.Before(ses.now.Truncate(time.Minute))
}

// noSuchDay answers a message whose date has a day its month lacks
// ("remind me on 30/2"), which the grammar does not read as a date: when
// nothing else was understood, a follow-up or snooze lacks its date, or a
// log's follow-up clause holds it. A day like that elsewhere in a log
// (an address, "số 31/2 Lê Lợi") is part of the note.
func noSuchDay(ses *session, in Intent, text string) (outcome, bool) {
	if in.Kind != IntentUnknown && (in.Due != nil || in.Kind != IntentSetFollowUp && in.Kind != IntentSnooze && in.Kind != IntentLog) {
		return outcome{}, false
	}
	if _, lunar := newPhrase(text).withoutLunar(); lunar {
		return outcome{}, false // the second lunar month may have a 30th
	}
	d, ok := when.FindImpossible(text, ses.now, ses.loc)
	if !ok {
		return outcome{}, false
	}
	if in.Kind == IntentLog {
		start := strings.LastIndexAny(text[:d.Start], ",;\n") + 1
		end := len(text)
		if i := strings.IndexAny(text[d.Start:], ",;\n"); i >= 0 {
			end = d.Start + i
		}
		if !containsAny(store.Fold(text[start:end]), followUpMarks) {
			return outcome{}, false
		}
	}
	return say(t(ses.lang, msgNoSuchDay, dayMonthText(ses.lang, d))), true
}

// dayMonthText words a date as written: "31 February", "29/2/2027".
func dayMonthText(lang string, d when.Impossible) string {
	s := fmt.Sprintf("%d %s", d.Day, d.Month)
	if lang == "vi" {
		s = fmt.Sprintf("%d/%d", d.Day, int(d.Month))
	}
	if d.Year != 0 {
		if lang == "vi" {
			return fmt.Sprintf("%s/%d", s, d.Year)
		}
		return fmt.Sprintf("%s %d", s, d.Year)
	}
	return s
}

// certain is the customer found for name when there is no doubt: the one
// whose name is name (folded), or the only one found. exact lists those
// whose name is name.
func certain(found []store.Customer, name string) (one *store.Customer, exact []store.Customer) {
	key := store.NameKey(name)
	for _, c := range found {
		if store.NameKey(c.Name) == key {
			exact = append(exact, c)
		}
	}
	switch {
	case len(exact) == 1:
		return &exact[0], exact
	case len(exact) == 0 && len(found) == 1:
		return &found[0], exact
	}
	return nil, exact
}

// resolve finds the customer a name means among those the user sees. A
// non-nil outcome is a question back: which one, or who.
func (r *Router) resolve(ctx context.Context, ses *session, name, text string, p pick, create bool) (store.CustomerRef, *outcome) {
	switch {
	case p.id != 0:
		return store.CustomerRef{ID: p.id}, nil
	case p.fresh && create:
		return store.CustomerRef{Name: name}, nil
	case store.NameKey(name) == "":
		o := say(t(ses.lang, msgNoCustomer))
		return store.CustomerRef{}, &o
	}
	found, err := r.Store.FindCustomers(ctx, ses.scope, name, 5)
	if err != nil {
		o := failed(err)
		return store.CustomerRef{}, &o
	}
	one, exact := certain(found, name)
	switch {
	case one != nil:
		return store.CustomerRef{ID: one.ID}, nil
	case len(found) == 0:
		typos, err := r.typos(ctx, ses, name)
		if err != nil {
			o := failed(err)
			return store.CustomerRef{}, &o
		}
		if len(typos) == 0 && create {
			return store.CustomerRef{Name: name}, nil
		}
		if len(typos) == 0 {
			o := say(t(ses.lang, msgUnknownCustomer, name))
			return store.CustomerRef{}, &o
		}
		found = typos
	}
	draft, err := r.Store.SaveDraft(ctx, ses.user.ID, text)
	if err != nil {
		o := failed(err)
		return store.CustomerRef{}, &o
	}
	var buttons []bot.Button
	for _, c := range found {
		buttons = append(buttons, bot.Button{Label: c.Name, Value: fmt.Sprintf("pick:%d:%d", draft, c.ID)})
	}
	if create && len(exact) == 0 {
		buttons = append(buttons, bot.Button{Label: t(ses.lang, msgNewCustomerBtn, name), Value: fmt.Sprintf("new:%d", draft)})
	}
	question := msgWhichCustomer
	if len(exact) == 0 && !strings.Contains(store.NameKey(found[0].Name), store.NameKey(name)) {
		question = msgDidYouMean
	}
	o := say(t(ses.lang, question, name), buttons...)
	return store.CustomerRef{}, &o
}

// maxTypoBook bounds the book searched for typos: the index is built per
// question, and costs about 15 ms for 500 names.
const maxTypoBook = 2000

// typos returns the customers whose name is a small typo away from name
// ("Acme Crop" for "Acme Corp"), so that a slip does not create a second
// customer.
func (r *Router) typos(ctx context.Context, ses *session, name string) ([]store.Customer, error) {
	names, err := r.Store.CustomerNames(ctx, ses.scope)
	if err != nil || len(names) == 0 || len(names) > maxTypoBook {
		return nil, err
	}
	var out []store.Customer
	for _, c := range NewMatcher(names).Match(name, 3) {
		// Numbers in names are identifiers ("Branch 2"), not slips.
		if digits(c.Name) == digits(name) {
			out = append(out, store.Customer{ID: c.ID, Name: c.Name})
		}
	}
	return out, nil
}

func digits(s string) string {
	return strings.Map(func(r rune) rune {
		if '0' <= r && r <= '9' {
			return r
		}
		return -1
	}, s)
}

func customerButtons(cs []store.Customer, verb string) []bot.Button {
	out := make([]bot.Button, len(cs))
	for i, c := range cs {
		out[i] = bot.Button{Label: c.Name, Value: fmt.Sprintf("%s:%d", verb, c.ID)}
	}
	return out
}

func (r *Router) record(ctx context.Context, ses *session, in Intent, text string, p pick) outcome {
	if in.Kind == IntentSetFollowUp && in.Due == nil {
		return say(t(ses.lang, msgNoFollowUpDate))
	}
	// A reminder that could never fire is refused whole, before a customer
	// is asked about or created; a log's own past date is in.At, not Due.
	if in.Due != nil && inPast(ses, *in.Due, in.AllDay) {
		return say(t(ses.lang, msgPastFollowUp, dueText(ses.lang, *in.Due, in.AllDay, ses.now, ses.loc)))
	}
	ref, ask := r.resolve(ctx, ses, in.Customer, text, p, true)
	if ask != nil {
		return *ask
	}
	act := store.Activity{Customer: ref, Contact: in.Contact}
	if in.Kind == IntentLog {
		at := ses.now
		if in.At != nil {
			at = *in.At
		}
		deal, err := r.callDeal(ctx, ses, ref.ID)
		if err != nil {
			return failed(err)
		}
		act.Interaction = &store.Interaction{Kind: in.Type, At: at, Summary: strings.TrimSpace(text), DealID: deal}
	}
	if in.Due != nil {
		act.FollowUp = &store.FollowUp{Due: *in.Due, AllDay: in.AllDay, Note: in.Note}
	}
	rec, err := r.Store.Record(ctx, ses.scope, ses.origin, act)
	if o, ok := invalid(ses, err); ok {
		return o
	}
	if err != nil {
		return failed(err)
	}
	var lines []string
	if rec.Interaction != nil {
		line := t(ses.lang, msgLogged, kindWord(ses.lang, rec.Interaction.Kind), rec.Customer.Name)
		if rec.Interaction.Kind == store.KindNote { // "Đã ghi ghi chú" reads twice
			line = t(ses.lang, msgLoggedNote, rec.Customer.Name)
		}
		if at := rec.Interaction.At; civilDays(at.In(ses.loc)) < civilDays(ses.now.In(ses.loc)) {
			// Dated by the message ("called Acme yesterday"): say so.
			line = strings.TrimSuffix(line, ".") + " — " + dueText(ses.lang, at, true, ses.now, ses.loc) + "."
		}
		lines = append(lines, line)
	}
	if rec.NewCustomer {
		lines = append(lines, t(ses.lang, msgNewCustomer, rec.Customer.Name))
	}
	if rec.Contact != nil {
		key := msgContact
		if rec.NewContact {
			key = msgNewContact
		}
		lines = append(lines, t(ses.lang, key, rec.Contact.Name))
	}
	if f := rec.FollowUp; f != nil {
		lines = append(lines, t(ses.lang, msgFollowUpSet, r.followUpWhen(ses, *f, rec.Customer.Name), noteSuffix(f.Note)))
	}
	if i := rec.Interaction; i != nil && i.DealID != 0 {
		if d, err := r.Store.Deal(ctx, boundScope, i.DealID); err == nil {
			r.announce(ctx, ses, d, t(ses.lang, msgDealLogged, d.Title, ses.user.Name, kindWord(ses.lang, i.Kind), clip(oneLine(i.Summary), 300)))
		}
	}
	o := say(strings.Join(lines, "\n"), undoButton(ses.lang, rec.Change))
	o.replies = append(o.replies, r.stillDue(ctx, ses, rec)...)
	o.write = true
	return o
}

// stillDue reminds the user, after a contact they logged, of their open
// follow-ups with that customer due today or late, each with a Done
// button (the agenda's "done:<id>"): the call logged may be the one
// promised, but only the user knows, so it is not closed for them. Each
// is its own reply, so that pressing Done replaces that line and not
// the log's confirmation and its Undo.
func (r *Router) stillDue(ctx context.Context, ses *session, rec store.Recorded) []bot.Reply {
	i := rec.Interaction
	if i == nil || i.Kind == store.KindNote || rec.NewCustomer { // a note is not contact; a new customer has none
		return nil
	}
	local := ses.now.In(ses.loc)
	endOfDay := time.Date(local.Year(), local.Month(), local.Day()+1, 0, 0, 0, 0, ses.loc).Add(-time.Second)
	open, err := r.Store.FollowUps(ctx, ses.scope, store.FollowUpFilter{Customer: rec.Customer.ID, Status: store.FollowUpOpen,
		DueBy: endOfDay, Limit: maxStillDue + 3}) // room for those skipped below
	if err != nil { // the log is stored; the reminder is a courtesy
		r.Logger.Warn("open follow-ups after a log", "err", err)
		return nil
	}
	var out []bot.Reply
	for _, f := range open {
		// Promised on a later day than the contact logged: not kept by it.
		// Days, not instants: a contact dated "yesterday" has no hour.
		if f.OwnerID != ses.user.ID || rec.FollowUp != nil && f.ID == rec.FollowUp.ID ||
			civilDays(f.CreatedAt.In(ses.loc)) > civilDays(i.At.In(ses.loc)) {
			continue
		}
		note := oneLine(f.Note)
		if note == "" {
			note = t(ses.lang, msgNoNote)
		}
		out = append(out, bot.Reply{Text: t(ses.lang, msgFollowUpWasDue, dueText(ses.lang, f.Due, f.AllDay, ses.now, ses.loc), clip(note, 80)),
			Buttons: []bot.Button{{Label: t(ses.lang, msgDoneBtn), Value: fmt.Sprintf("done:%d", f.ID)}}})
		if len(out) == maxStillDue {
			break
		}
	}
	return out
}

// maxStillDue bounds the follow-ups stillDue lists after one log.
const maxStillDue = 3

// followUpWhen words a follow-up's time, naming the customer when the
// follow-up has no note of its own.
func (r *Router) followUpWhen(ses *session, f store.FollowUp, customer string) string {
	w := dueText(ses.lang, f.Due, f.AllDay, ses.now, ses.loc)
	if f.Note == "" {
		return w + " — " + customer
	}
	return w
}

func noteSuffix(note string) string {
	if note == "" {
		return ""
	}
	return " — " + note
}

func kindWord(lang string, k store.Kind) string {
	switch k {
	case store.KindMeeting:
		return t(lang, msgKindMeeting)
	case store.KindEmail:
		return t(lang, msgKindEmail)
	case store.KindMessage:
		return t(lang, msgKindMessage)
	case store.KindNote:
		return t(lang, msgKindNote)
	}
	return t(lang, msgKindCall)
}

func (r *Router) undo(ctx context.Context, ses *session, id store.ChangeID) outcome {
	ch, err := r.Store.Undo(ctx, ses.scope, ses.origin, id)
	switch {
	case errors.Is(err, store.ErrNotFound) && id == 0:
		return say(t(ses.lang, msgNothingToUndo))
	case errors.Is(err, store.ErrConflict):
		return say(t(ses.lang, msgCannotUndo))
	case err != nil:
		return failed(err)
	}
	o := say(t(ses.lang, msgUndone, changeText(ses.lang, ch.Summary)))
	o.write = true
	return o
}

// onFollowUp applies act to the customer's one open follow-up, or asks
// which when there are several, with a button for each whose value is
// button's (act's, pressed).
func (r *Router) onFollowUp(ctx context.Context, ses *session, id store.CustomerID, button func(store.FollowUp) string, act func(store.FollowUp) outcome) outcome {
	c, err := r.Store.Customer(ctx, ses.scope, id)
	if err != nil {
		return failed(err)
	}
	open, err := r.Store.FollowUps(ctx, ses.scope, store.FollowUpFilter{Customer: id, Status: store.FollowUpOpen, Limit: 6})
	if err != nil {
		return failed(err)
	}
	switch len(open) {
	case 0:
		return say(t(ses.lang, msgNoOpenFollowUp, c.Name))
	case 1:
		return act(open[0])
	}
	var buttons []bot.Button
	for _, f := range open {
		note := clip(f.Note, 40)
		if note == "" { // as on the card: two dates alone read as the same one
			note = t(ses.lang, msgNoNote)
		}
		buttons = append(buttons, bot.Button{Label: dueText(ses.lang, f.Due, f.AllDay, ses.now, ses.loc) + noteSuffix(note), Value: button(f)})
	}
	return say(t(ses.lang, msgWhichFollowUp, c.Name), buttons...)
}

func (r *Router) complete(ctx context.Context, ses *session, id store.FollowUpID) outcome {
	f, ch, err := r.Store.CompleteFollowUp(ctx, ses.scope, ses.origin, id)
	if errors.Is(err, store.ErrConflict) {
		return say(t(ses.lang, msgNotOpen))
	}
	if err != nil {
		return failed(err)
	}
	return r.changed(ctx, ses, f.CustomerID, ch, msgCompleted)
}

// called logs the call a follow-up promised and marks it done, in one
// change: the "Called" button of a reminder.
func (r *Router) called(ctx context.Context, ses *session, id store.FollowUpID) outcome {
	f, err := r.Store.FollowUp(ctx, ses.scope, id)
	if err != nil {
		return failed(err)
	}
	note := f.Note
	if note == "" {
		note = t(ses.lang, msgCalledNote)
	}
	rec, err := r.Store.Record(ctx, ses.scope, ses.origin, store.Activity{Customer: store.CustomerRef{ID: f.CustomerID},
		Interaction: &store.Interaction{Kind: store.KindCall, ContactID: f.ContactID, Summary: note}, Fulfils: f.ID})
	if errors.Is(err, store.ErrConflict) {
		return say(t(ses.lang, msgNotOpen))
	}
	if err != nil {
		return failed(err)
	}
	o := say(t(ses.lang, msgCalledDone, rec.Customer.Name), undoButton(ses.lang, rec.Change))
	o.write = true
	return o
}

func (r *Router) snooze(ctx context.Context, ses *session, id store.FollowUpID, due time.Time, allDay bool) outcome {
	f, ch, err := r.Store.SnoozeFollowUp(ctx, ses.scope, ses.origin, id, due, allDay)
	if errors.Is(err, store.ErrConflict) {
		return say(t(ses.lang, msgNotOpen))
	}
	if err != nil {
		return failed(err)
	}
	return r.changed(ctx, ses, f.CustomerID, ch, msgSnoozed, dueText(ses.lang, f.Due, f.AllDay, ses.now, ses.loc))
}

// changed confirms a change to a follow-up, with an Undo of it.
func (r *Router) changed(ctx context.Context, ses *session, id store.CustomerID, ch store.ChangeID, key msg, args ...any) outcome {
	name := fmt.Sprint(id)
	if c, err := r.Store.Customer(ctx, ses.scope, id); err == nil {
		name = c.Name
	}
	o := say(t(ses.lang, key, append([]any{name}, args...)...), undoButton(ses.lang, ch))
	o.write = true
	return o
}

// snoozeBy computes a snooze preset: "1h" from now; "1d" and "1w" a day or
// a week on from today or from the due date if that is later, keeping the
// follow-up's clock time.
func snoozeBy(ses *session, f store.FollowUp, preset string) (time.Time, bool) {
	if preset == "1h" {
		return ses.now.Add(time.Hour).Truncate(time.Minute), false
	}
	days := 1
	if preset == "1w" {
		days = 7
	}
	local := ses.now.In(ses.loc)
	if due := f.Due.In(ses.loc); civilDays(due) > civilDays(local) {
		local = due
	}
	h, m := 0, 0
	if !f.AllDay {
		d := f.Due.In(ses.loc)
		h, m = d.Hour(), d.Minute()
	}
	return time.Date(local.Year(), local.Month(), local.Day()+days, h, m, 0, 0, ses.loc), f.AllDay
}

// press handles a button. The value is untrusted: every id in it is
// checked by the store against the presser's scope.
func (r *Router) press(ctx context.Context, ses *session, value string) outcome {
	verb, args, _ := strings.Cut(value, ":")
	parts := strings.Split(args, ":")
	id, err := strconv.ParseInt(parts[0], 10, 64)
	if verb == "more" && err == nil && id >= 0 { // an offset, not an id
		return r.agenda(ctx, ses, parseView(ses, parts[1:]), int(id))
	}
	if err != nil || id <= 0 {
		return say(t(ses.lang, msgExpired))
	}
	switch verb {
	case "undo":
		return replace(r.undo(ctx, ses, store.ChangeID(id)))
	case "done":
		return replace(r.complete(ctx, ses, store.FollowUpID(id)))
	case "call":
		return replace(r.called(ctx, ses, store.FollowUpID(id)))
	case "snooze":
		f, err := r.Store.FollowUp(ctx, ses.scope, store.FollowUpID(id))
		if err != nil {
			return failed(err)
		}
		due, allDay := snoozeBy(ses, f, strings.Join(parts[1:], ""))
		return replace(r.snooze(ctx, ses, f.ID, due, allDay))
	case "snoozeto": // snoozeto:<id>:<unix>:<all day>, from onFollowUp's picker
		if len(parts) != 3 {
			return say(t(ses.lang, msgExpired))
		}
		at, err := strconv.ParseInt(parts[1], 10, 64)
		allDay, berr := strconv.ParseBool(parts[2])
		if err != nil || berr != nil {
			return say(t(ses.lang, msgExpired))
		}
		due := time.Unix(at, 0)
		if inPast(ses, due, allDay) { // pressed late
			return say(t(ses.lang, msgPastSnooze, dueText(ses.lang, due, allDay, ses.now, ses.loc)))
		}
		return replace(r.snooze(ctx, ses, store.FollowUpID(id), due, allDay))
	case "show":
		if !ses.dm {
			return say(t(ses.lang, msgAskInDM))
		}
		return r.card(ctx, ses, store.CustomerID(id))
	case "deal":
		d, err := r.Store.Deal(ctx, ses.scope, store.DealID(id))
		if err != nil {
			return failed(err)
		}
		if !ses.dm {
			if d, ask := r.findDeal(ctx, ses, ""); ask != nil || d.ID != store.DealID(id) {
				return say(t(ses.lang, msgAskInDM))
			}
		}
		return r.dealCard(ctx, ses, d)
	case "import":
		return r.importDraft(ctx, ses, store.DraftID(id), len(parts) == 2 && parts[1] == "partial")
	case "pick", "new":
		text, err := r.Store.Draft(ctx, ses.user.ID, store.DraftID(id))
		if err != nil || isUpload(text) {
			return say(t(ses.lang, msgExpired))
		}
		p := pick{fresh: verb == "new"}
		if verb == "pick" && len(parts) == 2 {
			cid, err := strconv.ParseInt(parts[1], 10, 64)
			if err != nil {
				return say(t(ses.lang, msgExpired))
			}
			p.id = store.CustomerID(cid)
		}
		in := r.parse(text, ses.now, ses.loc)
		if in.Spoken {
			ses.lang = in.Lang
		}
		// The draft is the event: it is answered once, however often its
		// buttons are pressed (a second press is a redelivery).
		ses.origin = store.Origin{Platform: "draft", EventID: fmt.Sprint(id)}
		return replace(r.dispatch(ctx, ses, in, text, p))
	}
	return say(t(ses.lang, msgExpired))
}

func replace(o outcome) outcome {
	for i := range o.replies {
		o.replies[i].Replace = true
	}
	return o
}

func clip(s string, n int) string {
	if len([]rune(s)) <= n {
		return s
	}
	return string([]rune(s)[:n-1]) + "…"
}

// settings applies a change to the user's own settings and says what
// they are now.
func (r *Router) settings(ctx context.Context, ses *session, set Settings) outcome {
	if set.TimeZone != nil {
		if _, err := time.LoadLocation(*set.TimeZone); err != nil || *set.TimeZone == "" || *set.TimeZone == "Local" {
			return say(t(ses.lang, msgBadZone, *set.TimeZone))
		}
	}
	u, err := r.Store.UpdateUser(ctx, ses.user.ID, store.UserUpdate{
		DigestTime: set.DigestTime, DigestWeekends: set.DigestWeekends, Lang: set.Lang, TimeZone: set.TimeZone,
	})
	if err != nil {
		return failed(err)
	}
	lang := u.Lang
	var lines []string
	switch {
	case set.Lang != nil:
		lines = append(lines, t(lang, msgSettingLang))
	case set.TimeZone != nil:
		lines = append(lines, t(lang, msgSettingZone, u.TimeZone))
	case u.DigestTime == "":
		lines = append(lines, t(lang, msgSettingDigestOff))
	case u.DigestWeekends:
		lines = append(lines, t(lang, msgSettingDigestDaily, u.DigestTime))
	default:
		lines = append(lines, t(lang, msgSettingDigestWeekdays, u.DigestTime))
	}
	return say(strings.Join(lines, "\n"))
}

// alias records another name a customer goes by, with an Undo.
func (r *Router) alias(ctx context.Context, ses *session, id store.CustomerID, alias string) outcome {
	c, err := r.Store.Customer(ctx, ses.scope, id)
	if err != nil {
		return failed(err)
	}
	ch, err := r.Store.AddAlias(ctx, ses.scope, ses.origin, id, alias)
	switch {
	case errors.Is(err, store.ErrConflict):
		return say(t(ses.lang, msgAliasKnown, c.Name, alias))
	case errors.Is(err, store.ErrInvalid):
		o, _ := invalid(ses, err)
		return o
	case err != nil:
		return failed(err)
	}
	o := say(t(ses.lang, msgAliasAdded, c.Name, alias), undoButton(ses.lang, ch))
	o.write = true
	return o
}

// occasion records a yearly date; the agenda and the digest bring it up
// three days ahead and on the day.
func (r *Router) occasion(ctx context.Context, ses *session, in Intent, text string, p pick) outcome {
	ref, ask := r.resolve(ctx, ses, in.Customer, text, p, true)
	if ask != nil {
		return *ask
	}
	d := in.Due.In(ses.loc)
	oc := &store.Occasion{Kind: in.Occasion, Month: d.Month(), Day: d.Day(), Lunar: in.Lunar, Label: in.Contact}
	rec, err := r.Store.Record(ctx, ses.scope, ses.origin, store.Activity{Customer: ref, Contact: in.Contact, Occasion: oc})
	if o, ok := invalid(ses, err); ok {
		return o
	}
	if err != nil {
		return failed(err)
	}
	date := fmt.Sprintf("%d/%d", d.Day(), int(d.Month()))
	if oc.Lunar {
		date = lunarText(ses.lang, *rec.Occasion, ses.now.In(ses.loc))
	}
	lines := []string{t(ses.lang, msgOccasionAdded, occasionText(ses.lang, *rec.Occasion, rec.Customer.Name), date)}
	if rec.NewCustomer {
		lines = append(lines, t(ses.lang, msgNewCustomer, rec.Customer.Name))
	}
	o := say(strings.Join(lines, "\n"), undoButton(ses.lang, rec.Change))
	o.write = true
	return o
}

// occasionText names an occasion: "Jane's birthday" / "sinh nhật Jane",
// or the customer's when it is theirs.
func occasionText(lang string, oc store.Occasion, customer string) string {
	kind := oc.Kind
	switch oc.Kind {
	case "birthday":
		kind = t(lang, msgOccBirthday)
	case "anniversary":
		kind = t(lang, msgOccAnniversary)
	case "purchase":
		kind = t(lang, msgOccPurchase)
	case "death_anniversary":
		kind = t(lang, msgOccDeath)
	}
	who := oc.Label
	if who == "" {
		who = customer
	}
	if lang == "vi" {
		return kind + " " + who
	}
	return who + "'s " + kind
}

// invalid words a store.InvalidError by what the user should fix.
func invalid(ses *session, err error) (outcome, bool) {
	var ie *store.InvalidError
	if !errors.As(err, &ie) {
		return outcome{}, false
	}
	switch ie.Field {
	case store.FieldName:
		return say(t(ses.lang, msgBadName)), true
	case store.FieldDate:
		return say(t(ses.lang, msgBadDate)), true
	}
	return say(t(ses.lang, msgBadInput)), true
}
