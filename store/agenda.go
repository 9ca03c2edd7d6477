package store

import (
	"cmp"
	"slices"
	"time"
)

// AgendaFilter says which part of the book an agenda looks at.
type AgendaFilter struct {
	// Owner keeps only that user's customers and follow-ups: "who should I
	// follow up with?" asks about one's own. 0: everything the scope sees.
	Owner    UserID
	Customer CustomerID // 0: every customer
	// Until bounds follow-ups and keep-in-touch dates: those before it are
	// in the book.
	Until time.Time
	// StuckSince: open deals whose stage has not changed since then are in
	// the book. Zero leaves deals out.
	StuckSince time.Time
	// Occasions lists the yearly dates to include: solar month-days, and
	// lunar ones for occasions kept in the lunar calendar (UpcomingDays
	// gives both).
	Occasions []MonthDay
	// WonSince: loyal and advocate customers who won a deal since then and
	// have referred no one are in the book, to be asked for a referral;
	// with Owner, by a deal that user owns. Zero leaves them out.
	WonSince time.Time
	// Limit, when not 0, lets the store leave out of the book customers
	// that only their cadence puts on the agenda and that cannot be among
	// the first Limit items: those whose keep-in-touch date passed before
	// LongOverdue but the first Limit of their segment by name (their
	// cadence reasons all weigh the same, the per-day term being capped,
	// so they rank by segment and then name), and, of the others, those
	// whose cadence score, reckoned with Weights at Now, is lower than
	// that of Limit others by more than a day's error; and customers whose
	// follow-ups, deals, occasions or wins cannot rank them among the
	// first Limit items either (Shortlist tells from their leads).
	// Book.Omitted counts what was left out. A busy rep's book is thus
	// loaded in bounded time. Set them with Page.
	Limit       int
	LongOverdue time.Time
	Now         time.Time
	Weights     Weights
}

// Page bounds the book to what the first limit items of an agenda ranked
// with w at now need.
func (f *AgendaFilter) Page(w Weights, now time.Time, limit int) {
	f.Limit, f.Now, f.Weights = limit, now, w
	// Two days' margin: the capped term counts local days, the store
	// compares instants.
	f.LongOverdue = now.AddDate(0, 0, -(w.MaxDays + 2)).Truncate(time.Second)
}

// CadenceScoreSlack is how far a cadence score reckoned from instants
// (days = seconds / 86400) may be from Agenda's, which counts local days:
// within a day and a half of the per-day term, at the largest segment
// factor.
func (w Weights) CadenceScoreSlack() float64 {
	f := 1.0
	for _, x := range w.Segment {
		f = max(f, x)
	}
	return 1.5 * w.CadencePerDay * f
}

// MonthDay is a day of the year, of the solar calendar or, when Lunar,
// of the lunar one.
type MonthDay struct {
	Month time.Month
	Day   int
	Lunar bool
}

// Book is the slice of the store an agenda is computed from.
type Book struct {
	Customers map[CustomerID]Customer // every customer referenced below, and those past their cadence
	FollowUps []FollowUp              // open
	Deals     []Deal                  // open and not moving
	Occasions []Occasion
	// ReferralAsks holds the latest deal won by each customer worth asking
	// for a referral (AgendaFilter.WonSince).
	ReferralAsks []Deal
	// Omitted counts the customers past their cadence left out under
	// AgendaFilter.Limit: each would be one more agenda item.
	Omitted int
}

// ReasonKind is why a customer is on the agenda.
type ReasonKind string

const (
	ReasonOverdue  ReasonKind = "overdue"   // a follow-up past its day; Days late
	ReasonDueToday ReasonKind = "due_today" // a follow-up due today
	ReasonUpcoming ReasonKind = "upcoming"  // a follow-up due later; Days ahead
	ReasonCadence  ReasonKind = "cadence"   // no contact for longer than the cadence; Days since contact
	ReasonOccasion ReasonKind = "occasion"  // a yearly date; Days ahead (0: today)
	ReasonStuck    ReasonKind = "stuck"     // an open deal not moving; Days in stage
	// ReasonUnqualified: an open deal not moving whose need, budget or
	// authority is still unknown; Days in stage. It weighs more than a
	// qualified one: the prospect may not be one.
	ReasonUnqualified ReasonKind = "unqualified"
	// ReasonReferralAsk: a loyal customer who won a deal lately and has
	// referred no one yet; Days since the win, Deal the deal.
	ReasonReferralAsk ReasonKind = "referral_ask"
)

// Reason is one cause for a customer to be on the agenda.
type Reason struct {
	Kind     ReasonKind
	Days     int
	Cadence  int // for ReasonCadence: the customer's keep-in-touch days
	Score    float64
	FollowUp *FollowUp
	Deal     *Deal
	Occasion *Occasion
}

// AgendaItem is one customer to attend to, with the reasons, strongest
// first.
type AgendaItem struct {
	Customer Customer
	Reasons  []Reason
	Last     *Interaction // the latest interaction, when the caller looked it up
	Score    float64
}

// Weights tune the agenda's ranking. A reason's score is its base plus a
// per-day term (capped at MaxDays), times the customer's segment factor; a
// customer's score is its strongest reason plus a tenth of the others.
type Weights struct {
	Overdue, OverduePerDay float64
	DueToday               float64
	Upcoming               float64
	Cadence, CadencePerDay float64
	OccasionToday          float64
	OccasionSoon           float64
	Stuck, StuckPerDay     float64
	Unqualified            float64 // added to Stuck for a deal not qualified
	ReferralAsk            float64
	MaxDays                int
	Segment                map[string]float64 // factor by segment; missing: 1
}

// DefaultWeights rank a promise already broken above one due today, both
// above a relationship going cold, and an occasion today close to an
// overdue call, because a missed anniversary cannot be made up. Asking a
// happy customer for a referral can wait for everything else.
var DefaultWeights = Weights{
	Overdue: 100, OverduePerDay: 4,
	DueToday: 90,
	Upcoming: 10,
	Cadence:  40, CadencePerDay: 1,
	OccasionToday: 95,
	OccasionSoon:  50,
	Stuck:         30, StuckPerDay: 1,
	Unqualified: 10,
	ReferralAsk: 20,
	MaxDays:     30,
	Segment:     map[string]float64{"A": 1.5, "B": 1.2},
}

// Agenda ranks the book: who needs attention at now, in loc (the asking
// user's zone, which decides what "today" is), and why. It is a pure
// function; the question, /followups, the digest and manager views all use
// it.
func Agenda(b Book, now time.Time, loc *time.Location, w Weights) []AgendaItem {
	today := dayNumber(now, loc)
	byCustomer := make(map[CustomerID]*AgendaItem, len(b.Customers))
	// One item per customer at most: allocated at once, never moved.
	slab := make([]AgendaItem, 0, len(b.Customers))
	add := func(id CustomerID, r Reason) {
		c, ok := b.Customers[id]
		if !ok {
			return
		}
		it := byCustomer[id]
		if it == nil {
			slab = append(slab, AgendaItem{Customer: c})
			it = &slab[len(slab)-1]
			byCustomer[id] = it
		}
		if f, ok := w.Segment[c.Segment]; ok {
			r.Score *= f
		}
		it.Reasons = append(it.Reasons, r)
	}
	perDay := func(base, per float64, days int) float64 {
		return base + per*float64(min(days, w.MaxDays))
	}

	for i := range b.FollowUps {
		f := &b.FollowUps[i]
		days := today - dayNumber(f.Due, loc)
		switch {
		case days > 0:
			add(f.CustomerID, Reason{Kind: ReasonOverdue, Days: days, FollowUp: f, Score: perDay(w.Overdue, w.OverduePerDay, days)})
		case days == 0:
			add(f.CustomerID, Reason{Kind: ReasonDueToday, FollowUp: f, Score: w.DueToday})
		default:
			add(f.CustomerID, Reason{Kind: ReasonUpcoming, Days: -days, FollowUp: f, Score: w.Upcoming})
		}
	}
	for id, c := range b.Customers {
		if !c.CadenceDue(now) {
			continue
		}
		since := c.LastContactAt
		if since.IsZero() {
			since = c.CreatedAt
		}
		days := today - dayNumber(since, loc)
		add(id, Reason{Kind: ReasonCadence, Days: days, Cadence: c.CadenceDays, Score: perDay(w.Cadence, w.CadencePerDay, days-c.CadenceDays)})
	}
	for i := range b.Deals {
		d := &b.Deals[i]
		days := today - dayNumber(d.StageChangedAt, loc)
		if !d.Qualified() {
			add(d.CustomerID, Reason{Kind: ReasonUnqualified, Days: days, Deal: d, Score: perDay(w.Stuck+w.Unqualified, w.StuckPerDay, days)})
			continue
		}
		add(d.CustomerID, Reason{Kind: ReasonStuck, Days: days, Deal: d, Score: perDay(w.Stuck, w.StuckPerDay, days)})
	}
	for i := range b.ReferralAsks {
		d := &b.ReferralAsks[i]
		add(d.CustomerID, Reason{Kind: ReasonReferralAsk, Days: today - dayNumber(d.StageChangedAt, loc), Deal: d, Score: w.ReferralAsk})
	}
	for i := range b.Occasions {
		o := &b.Occasions[i]
		if o.Year > 0 && o.Next(now.In(loc)).Year() <= o.Year {
			continue // the day itself (a purchase today), not yet a yearly one
		}
		days := o.DaysUntil(now.In(loc))
		score := w.OccasionSoon
		if days == 0 {
			score = w.OccasionToday
		}
		add(o.CustomerID, Reason{Kind: ReasonOccasion, Days: days, Occasion: o, Score: score})
	}

	// Sorted by pointer: an item is a few hundred bytes to move.
	ranked := make([]*AgendaItem, 0, len(byCustomer))
	for _, it := range byCustomer {
		slices.SortStableFunc(it.Reasons, func(a, b Reason) int { return cmp.Compare(b.Score, a.Score) })
		it.Score = it.Reasons[0].Score
		for _, r := range it.Reasons[1:] {
			it.Score += r.Score / 10
		}
		ranked = append(ranked, it)
	}
	slices.SortFunc(ranked, func(a, b *AgendaItem) int {
		return cmp.Or(
			cmp.Compare(b.Score, a.Score),
			cmp.Compare(a.Customer.Name, b.Customer.Name),
			cmp.Compare(a.Customer.ID, b.Customer.ID),
		)
	})
	items := make([]AgendaItem, len(ranked))
	for i, it := range ranked {
		items[i] = *it
	}
	return items
}

// dayNumber counts days since the epoch in loc, so that differences are
// whole local days whatever the daylight-saving changes between them.
func dayNumber(t time.Time, loc *time.Location) int {
	y, m, d := t.In(loc).Date()
	return int(time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix() / 86400)
}

// Next returns the occasion's next date on or after local's date, at
// 00:00 UTC: February 29 falls on March 1 in other years; a lunar date
// falls as FromLunar says.
func (o Occasion) Next(local time.Time) time.Time {
	today := time.Date(local.Year(), local.Month(), local.Day(), 0, 0, 0, 0, time.UTC)
	if o.Lunar {
		if t, ok := NextLunar(local, int(o.Month), o.Day); ok {
			return t
		}
		return today // a stored lunar date is valid; keep the agenda going anyway
	}
	next := time.Date(today.Year(), o.Month, o.Day, 0, 0, 0, 0, time.UTC)
	if next.Before(today) {
		next = time.Date(today.Year()+1, o.Month, o.Day, 0, 0, 0, 0, time.UTC)
	}
	return next
}

// DaysUntil is the number of days from local's date to the occasion's next
// date (0 when it is today).
func (o Occasion) DaysUntil(local time.Time) int {
	today := time.Date(local.Year(), local.Month(), local.Day(), 0, 0, 0, 0, time.UTC)
	return int(o.Next(local).Sub(today).Hours() / 24)
}

// UpcomingDays lists the days from now's date in loc through the next
// days-1 days, for AgendaFilter.Occasions: each as a solar month-day and
// as a lunar one. A day of a leap month matches no lunar occasion (theirs
// is the regular month), and the last day of a 29-day month also matches
// the 30th.
func UpcomingDays(now time.Time, loc *time.Location, days int) []MonthDay {
	local := now.In(loc)
	out := make([]MonthDay, 0, 2*days)
	for i := range days {
		t := time.Date(local.Year(), local.Month(), local.Day()+i, 12, 0, 0, 0, time.UTC)
		out = append(out, MonthDay{Month: t.Month(), Day: t.Day()})
		l := ToLunar(t)
		if l.Leap {
			continue
		}
		out = append(out, MonthDay{Month: time.Month(l.Month), Day: l.Day, Lunar: true})
		if l.Day == 29 && ToLunar(t.AddDate(0, 0, 1)).Day == 1 {
			out = append(out, MonthDay{Month: time.Month(l.Month), Day: 30, Lunar: true})
		}
	}
	return out
}
