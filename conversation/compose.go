package conversation

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/tend-crm/tend/bot"
	"github.com/tend-crm/tend/store"
)

// digestLines is how many customers the morning digest names; the rest
// are a button away.
const digestLines = 5

// sessionFor is the context of a message Tend starts itself.
func (r *Router) sessionFor(u store.User, now time.Time) *session {
	return &session{user: u, scope: store.Scope{UserID: u.ID, Role: u.Role}, loc: store.Zone(u.TimeZone), lang: u.Lang, now: now}
}

// Digest words the user's morning digest: the top of their agenda, with
// Done buttons for the follow-ups in it. It implements reminders.Composer.
func (r *Router) Digest(ctx context.Context, u store.User, now time.Time) (bot.Reply, bool, error) {
	ses := r.sessionFor(u, now)
	items, total, err := r.agendaItems(ctx, ses, view{owner: u.ID}, digestLines)
	if err != nil || len(items) == 0 {
		return bot.Reply{}, false, err
	}
	items = items[:min(digestLines, len(items))]
	if err := r.withLast(ctx, ses, items); err != nil {
		return bot.Reply{}, false, err
	}
	lines := []string{t(ses.lang, msgDigestHeader, total)}
	var buttons []bot.Button
	for i, it := range items {
		lines = append(lines, itemText(ses, i+1, it))
		if f := actionable(it); f != nil && len(buttons) < 3 {
			buttons = append(buttons, bot.Button{Label: t(ses.lang, msgDoneNamed, it.Customer.Name), Value: fmt.Sprintf("done:%d", f.ID)})
		}
	}
	if rest := total - digestLines; rest > 0 {
		lines = append(lines, t(ses.lang, msgDigestMore, rest))
		buttons = append(buttons, bot.Button{Label: t(ses.lang, msgAllBtn, total), Value: "more:0"})
	}
	return bot.Reply{Text: strings.Join(lines, "\n"), Buttons: buttons}, true, nil
}

// FollowUpDue words the ping of a follow-up that fell due, with what is
// needed to act from a phone: who to call and their number, what was
// promised, and the last contact. It implements reminders.Composer.
func (r *Router) FollowUpDue(ctx context.Context, u store.User, f store.FollowUp, now time.Time, late bool) (bot.Reply, error) {
	ses := r.sessionFor(u, now)
	c, err := r.Store.Customer(ctx, ses.scope, f.CustomerID)
	if err != nil {
		return bot.Reply{}, err
	}
	head := t(ses.lang, msgDueNow, c.Name)
	if late {
		head += t(ses.lang, msgDueLate, dueText(ses.lang, f.Due, f.AllDay, now, ses.loc))
	}
	lines := []string{head + noteSuffix(clip(oneLine(f.Note), 200))}
	who := nonEmpty(c.Phone)
	if f.ContactID != 0 {
		contacts, err := r.Store.Contacts(ctx, ses.scope, c.ID)
		if err != nil {
			return bot.Reply{}, err
		}
		for _, p := range contacts {
			if p.ID == f.ContactID {
				who = nonEmpty(p.Name, p.Role, p.Phone, c.Phone)
			}
		}
	}
	if len(who) > 0 {
		lines = append(lines, strings.Join(who, " · "))
	}
	last, err := r.Store.Interactions(ctx, ses.scope, store.InteractionFilter{Customer: c.ID, Limit: 1})
	if err != nil {
		return bot.Reply{}, err
	}
	if len(last) == 1 {
		l := last[0]
		lines = append(lines, t(ses.lang, msgLast, kindWord(ses.lang, l.Kind), dueText(ses.lang, l.At, true, now, ses.loc), clip(oneLine(l.Summary), 120)))
	}
	return bot.Reply{Text: strings.Join(lines, "\n"), Buttons: []bot.Button{
		{Label: t(ses.lang, msgDoneBtn), Value: fmt.Sprintf("done:%d", f.ID)},
		{Label: t(ses.lang, msgSnooze1h), Value: fmt.Sprintf("snooze:%d:1h", f.ID)},
		{Label: t(ses.lang, msgSnoozeTomorrow), Value: fmt.Sprintf("snooze:%d:1d", f.ID)},
		{Label: t(ses.lang, msgSnoozeWeek), Value: fmt.Sprintf("snooze:%d:1w", f.ID)},
		{Label: t(ses.lang, msgCalledBtn), Value: fmt.Sprintf("call:%d", f.ID)},
	}}, nil
}
