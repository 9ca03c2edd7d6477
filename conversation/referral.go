package conversation

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/tend-crm/tend/store"
)

// IntentReferral records who brought a customer: Customer was referred by
// Referrer.
const IntentReferral IntentKind = "referral"

// referralAskDays is how long after a win a loyal customer is worth asking
// for a referral (store.ReasonReferralAsk).
const referralAskDays = 90

// referralLinks join the referred customer (before) to the referrer
// (after), folded; the first that occurs wins.
var referralLinks = []string{" was referred by ", " is referred by ", " were referred by ", " referred by ",
	" duoc gioi thieu boi ", " do ", " duoc "}

// referral reads "Acme was referred by Globex", "Globex referred Acme (to
// us)", "Acme được Globex giới thiệu", "Acme do Globex giới thiệu", "Acme
// được giới thiệu bởi Globex", from byte at.
func (p phrase) referral(at int) (customer, referrer string, ok bool) {
	f := strings.TrimRight(p.fold, " .!")
	at = min(at, len(f)) // "/tend !": at is past the trimmed text
	clean := func(s string) string { return strings.Trim(s, " ,.!?\"'") }
	for _, link := range referralLinks {
		i := strings.Index(f[at:], link)
		if i < 0 {
			continue
		}
		i += at
		end := len(f)
		if link == " do " || link == " duoc " {
			// The referrer sits between the link and "giới thiệu".
			if !strings.HasSuffix(f, " gioi thieu") {
				continue
			}
			end = len(f) - len(" gioi thieu")
		}
		if end < i+len(link) { // "Acme được giới thiệu": no referrer
			continue
		}
		customer, referrer = clean(p.span(at, i)), clean(p.span(i+len(link), end))
		return customer, referrer, customer != "" && referrer != "" && !strings.ContainsAny(customer, ",;")
	}
	if i := strings.Index(f[at:], " referred "); i > 0 {
		i += at
		end := len(f)
		for _, tail := range []string{" to us", " to me"} {
			if strings.HasSuffix(f, tail) {
				end -= len(tail)
			}
		}
		referrer, customer = clean(p.span(at, i)), clean(p.span(i+len(" referred "), end))
		return customer, referrer, customer != "" && referrer != "" && !strings.ContainsAny(referrer, ",;")
	}
	return "", "", false
}

// referral records who referred a customer, with an Undo. The referred
// customer may be picked from buttons; the referrer must be named plainly,
// since one message carries one pick.
func (r *Router) referral(ctx context.Context, ses *session, in Intent, text string, p pick) outcome {
	ref, ask := r.resolve(ctx, ses, in.Customer, text, p, false)
	if ask != nil {
		return *ask
	}
	by, ask := r.oneCustomer(ctx, ses, in.Referrer)
	if ask != nil {
		return *ask
	}
	c, err := r.Store.Customer(ctx, ses.scope, ref.ID)
	if err != nil {
		return failed(err)
	}
	ch, err := r.Store.SetReferrer(ctx, ses.scope, ses.origin, c.ID, by.ID)
	switch {
	case errors.Is(err, store.ErrConflict):
		return say(t(ses.lang, msgReferralKnown, c.Name, by.Name))
	case errors.Is(err, store.ErrInvalid):
		return say(t(ses.lang, msgReferralSelf, c.Name))
	case err != nil:
		return failed(err)
	}
	return wrote(say(t(ses.lang, msgReferralSet, c.Name, by.Name), undoButton(ses.lang, ch)))
}

// oneCustomer finds the one customer a name means, or says why not.
func (r *Router) oneCustomer(ctx context.Context, ses *session, name string) (store.Customer, *outcome) {
	found, err := r.Store.FindCustomers(ctx, ses.scope, name, 5)
	if err != nil {
		o := failed(err)
		return store.Customer{}, &o
	}
	if one, _ := certain(found, name); one != nil {
		return *one, nil
	}
	if len(found) == 0 {
		o := say(t(ses.lang, msgUnknownCustomer, name))
		return store.Customer{}, &o
	}
	names := mapSlice(found, func(c store.Customer) string { return c.Name })
	o := say(t(ses.lang, msgWhichReferrer, name, strings.Join(names, ", ")))
	return store.Customer{}, &o
}

// referralThanks is the follow-up a won deal of a referred customer adds
// to its care plan: thank the referrer, the next working day.
func (r *Router) referralThanks(ctx context.Context, ses *session, d store.Deal) (store.FollowUp, string, bool) {
	c, err := r.Store.Customer(ctx, boundScope, d.CustomerID)
	if err != nil || c.ReferredBy == 0 {
		return store.FollowUp{}, "", false
	}
	// Only a referrer the user may see is named.
	by, err := r.Store.Customer(ctx, ses.scope, c.ReferredBy)
	if err != nil {
		return store.FollowUp{}, "", false
	}
	due := nextWorkingDay(ses.now.In(ses.loc))
	note := t(ses.lang, msgThankReferrer, by.Name, c.Name)
	return store.FollowUp{Due: due, AllDay: true, Note: note}, note + ": " + dueText(ses.lang, due, true, ses.now, ses.loc), true
}

// nextWorkingDay is the start of the first day after local's that is not
// a Saturday or Sunday, in local's zone.
func nextWorkingDay(local time.Time) time.Time {
	d := time.Date(local.Year(), local.Month(), local.Day()+1, 0, 0, 0, 0, local.Location())
	for d.Weekday() == time.Saturday || d.Weekday() == time.Sunday {
		d = time.Date(d.Year(), d.Month(), d.Day()+1, 0, 0, 0, 0, d.Location())
	}
	return d
}

// referralLines are the card's lines on referrals: who brought the
// customer, and whom they brought.
func (r *Router) referralLines(ctx context.Context, ses *session, c store.Customer) ([]string, error) {
	var lines []string
	if c.ReferredBy != 0 {
		by, err := r.Store.Customer(ctx, ses.scope, c.ReferredBy)
		switch {
		case err == nil:
			lines = append(lines, t(ses.lang, msgCardReferredBy, by.Name))
		case !errors.Is(err, store.ErrNotFound): // a referrer the user cannot see stays unnamed
			return nil, err
		}
	}
	brought, err := r.Store.Referred(ctx, ses.scope, c.ID, 10)
	if err != nil {
		return nil, err
	}
	if len(brought) > 0 {
		lines = append(lines, t(ses.lang, msgCardReferred, strings.Join(mapSlice(brought, func(x store.Customer) string { return x.Name }), ", ")))
	}
	return lines, nil
}
