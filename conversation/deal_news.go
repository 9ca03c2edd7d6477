package conversation

import (
	"context"
	"time"

	"github.com/tend-crm/tend/bot"
	"github.com/tend-crm/tend/store"
)

// callDeal is the deal an interaction logged with customer id is about:
// the deal bound to the chat it is said in when it is that customer's,
// else the customer's only open deal; 0 when there is none or several.
func (r *Router) callDeal(ctx context.Context, ses *session, id store.CustomerID) (store.DealID, error) {
	if id == 0 {
		return 0, nil // a new customer has no deal yet
	}
	if !ses.dm {
		if b, err := r.Store.ChatBinding(ctx, string(ses.chat.Platform), ses.chat.ChatID, ses.chat.ThreadID); err == nil {
			if d, err := r.Store.Deal(ctx, boundScope, b.DealID); err == nil && d.CustomerID == id {
				return d.ID, nil
			}
		}
	}
	open, err := r.Store.Deals(ctx, ses.scope, store.DealFilter{Customer: id, OpenOnly: true, Limit: 2})
	if err != nil || len(open) != 1 {
		return 0, err
	}
	return open[0].ID, nil
}

// dealOfFollowUp is the deal whose chats hear of a follow-up: the
// customer's newest open deal bound to a chat, else their newest bound
// deal (a won deal's care plan). ok is false when none is bound.
func (r *Router) dealOfFollowUp(ctx context.Context, f store.FollowUp) (store.Deal, []store.ChatBinding, bool, error) {
	deals, err := r.Store.Deals(ctx, boundScope, store.DealFilter{Customer: f.CustomerID, Limit: 20})
	if err != nil {
		return store.Deal{}, nil, false, err
	}
	var pick store.Deal
	var bound []store.ChatBinding
	for _, d := range deals {
		bs, err := r.Store.BindingsOf(ctx, d.ID)
		if err != nil {
			return store.Deal{}, nil, false, err
		}
		if len(bs) > 0 && (bound == nil || (d.Open() && !pick.Open())) {
			pick, bound = d, bs
		}
	}
	return pick, bound, bound != nil, nil
}

// DealFollowUpDue words, for the chats bound to a follow-up's deal, that
// it fell due, and returns those chats; none when its customer has no
// bound deal. It implements reminders.DealComposer.
func (r *Router) DealFollowUpDue(ctx context.Context, u store.User, f store.FollowUp, now time.Time) ([]bot.Target, bot.Reply, error) {
	d, bs, ok, err := r.dealOfFollowUp(ctx, f)
	if err != nil || !ok {
		return nil, bot.Reply{}, err
	}
	ses := r.sessionFor(u, now)
	to := make([]bot.Target, len(bs))
	for i, b := range bs {
		to[i] = bindingTarget(b)
	}
	text := t(ses.lang, msgDealFollowUpDue, d.Title, u.Name, dueText(ses.lang, f.Due, f.AllDay, now, ses.loc)) + noteSuffix(clip(oneLine(f.Note), 200))
	return to, bot.Reply{Text: text}, nil
}

func bindingTarget(b store.ChatBinding) bot.Target {
	return bot.Target{Platform: bot.Platform(b.Platform), ChatID: b.ChatID, ThreadID: b.ThreadID}
}

// PipelineSummary words the whole company's pipeline, as an admin sees it,
// for the weekly post to a team channel. It implements
// reminders.SummaryComposer.
func (r *Router) PipelineSummary(ctx context.Context, lang string, now time.Time, loc *time.Location) (bot.Reply, error) {
	ses := &session{scope: store.Scope{Role: store.RoleAdmin}, loc: loc, lang: lang, now: now}
	o := r.pipeline(ctx, ses)
	if o.err != nil || len(o.replies) == 0 {
		return bot.Reply{}, o.err
	}
	return bot.Reply{Text: t(lang, msgWeeklySummary) + "\n" + o.replies[0].Text}, nil
}
