package store

import (
	"math"
	"slices"
	"time"
)

// A Lead is one record that puts a customer on the agenda, reduced to what
// bounds its reason's score: a store lists leads cheaply, shortlists, and
// loads whole only the records of the customers kept.
type Lead struct {
	Kind      LeadKind
	At        time.Time // LeadFollowUp: due; LeadDeal: stage changed
	Qualified bool      // LeadDeal: need, budget and authority known
	// The customer's ID and the fields of theirs that ranking reads.
	Customer                             CustomerID
	Segment                              string
	CadenceDays                          int
	LastContactAt, TouchDueAt, CreatedAt time.Time
}

// LeadKind is the record a Lead stands for.
type LeadKind uint8

const (
	LeadFollowUp    LeadKind = iota + 1 // an open follow-up
	LeadDeal                            // an open deal not moving
	LeadReferralAsk                     // a win to ask a referral for
	LeadOccasion                        // a yearly date soon
)

// Shortlist picks, of the customers that leads name and the customers
// loaded whole anyway (past their cadence), those that may rank among the
// first f.Limit items of Agenda at f.Now with f.Weights, in any time zone.
// Each customer's score is bounded from instants, a local day count being
// within a day or two of the elapsed days; a customer whose best case is
// below the f.Limit-th best worst case cannot rank. The loaded customers
// are always kept. dropped counts the customers left out whose cadence is
// not due: the others are counted with the customers past their cadence.
func (f AgendaFilter) Shortlist(leads []Lead, loaded []Customer) (keep []CustomerID, dropped int) {
	w := f.Weights
	byID := make(map[CustomerID]*bounds, len(leads)+len(loaded))
	all := make([]bounds, 0, len(leads)+len(loaded)) // never grown: byID points into it
	customer := func(c Customer) *bounds {
		b := byID[c.ID]
		if b == nil {
			all = append(all, bounds{c: c})
			b = &all[len(all)-1]
			byID[c.ID] = b
		}
		return b
	}
	for _, c := range loaded {
		customer(c).loaded = true
	}
	for _, l := range leads {
		b := customer(Customer{ID: l.Customer, Segment: l.Segment, CadenceDays: l.CadenceDays,
			LastContactAt: l.LastContactAt, TouchDueAt: l.TouchDueAt, CreatedAt: l.CreatedAt})
		switch l.Kind {
		case LeadFollowUp:
			b.add(w.followUpBounds(l.At, f.Now))
		case LeadDeal:
			base := w.Stuck
			if !l.Qualified {
				base += w.Unqualified
			}
			lo, hi := dayRange(l.At, f.Now)
			b.add(w.perDayBounds(base, w.StuckPerDay, lo, hi))
		case LeadReferralAsk:
			b.add(w.ReferralAsk, w.ReferralAsk)
		case LeadOccasion:
			b.add(min(w.OccasionSoon, w.OccasionToday), max(w.OccasionSoon, w.OccasionToday))
		}
	}

	// Each customer's score as Agenda reckons it, its strongest reason and
	// a tenth of the others times the segment factor, rises with every
	// reason's: the bounds' scores bound it.
	lows := make([]float64, 0, len(all))
	his := make([]float64, len(all))
	for i := range all {
		b := &all[i]
		if b.c.CadenceDue(f.Now) {
			since := b.c.LastContactAt
			if since.IsZero() {
				since = b.c.CreatedAt
			}
			lo, hi := dayRange(since, f.Now)
			b.add(w.perDayBounds(w.Cadence, w.CadencePerDay, lo-b.c.CadenceDays, hi-b.c.CadenceDays))
		}
		if b.n == 0 { // loaded, but not on the agenda by now
			continue
		}
		lo, hi := 0.9*b.maxLo+0.1*b.sumLo, 0.9*b.maxHi+0.1*b.sumHi
		if x, ok := w.Segment[b.c.Segment]; ok {
			lo, hi = min(lo*x, hi*x), max(lo*x, hi*x)
		}
		lows, his[i] = append(lows, lo), hi
	}
	floor := math.Inf(-1)
	if len(lows) > f.Limit {
		slices.Sort(lows)
		floor = lows[len(lows)-f.Limit]
		floor -= 1e-9 * (1 + math.Abs(floor)) // the sums' rounding
	}
	for i := range all {
		b := &all[i]
		switch {
		case b.loaded || b.n > 0 && his[i] >= floor:
			keep = append(keep, b.c.ID)
		case !b.c.CadenceDue(f.Now):
			dropped++
		}
	}
	return keep, dropped
}

// bounds gathers the least and the most each reason of a customer may
// score.
type bounds struct {
	c                          Customer
	loaded                     bool
	n                          int // reasons
	maxLo, sumLo, maxHi, sumHi float64
}

func (b *bounds) add(lo, hi float64) {
	if b.n == 0 {
		b.maxLo, b.maxHi = lo, hi
	}
	b.maxLo, b.maxHi = max(b.maxLo, lo), max(b.maxHi, hi)
	b.sumLo, b.sumHi = b.sumLo+lo, b.sumHi+hi
	b.n++
}

// dayRange bounds the number of local days from t to now, in any zone: the
// elapsed days, give or take the change of the zone's offset between them
// (less than a day).
func dayRange(t, now time.Time) (lo, hi int) {
	d := int(math.Floor(now.Sub(t).Hours() / 24))
	return d - 1, d + 2
}

// perDayBounds bounds base plus per a day, capped at MaxDays, for a number
// of days from lo to hi: it is monotonic in the days.
func (w Weights) perDayBounds(base, per float64, lo, hi int) (float64, float64) {
	a := base + per*float64(min(lo, w.MaxDays))
	b := base + per*float64(min(hi, w.MaxDays))
	return min(a, b), max(a, b)
}

// followUpBounds bounds a follow-up's score, due at due: overdue, due
// today or upcoming by its day.
func (w Weights) followUpBounds(due, now time.Time) (float64, float64) {
	dlo, dhi := dayRange(due, now)
	lo, hi := math.Inf(1), math.Inf(-1)
	with := func(a, b float64) { lo, hi = min(lo, a, b), max(hi, a, b) }
	if dhi >= 1 {
		with(w.perDayBounds(w.Overdue, w.OverduePerDay, max(dlo, 1), dhi))
	}
	if dlo <= 0 && dhi >= 0 {
		with(w.DueToday, w.DueToday)
	}
	if dlo <= -1 {
		with(w.Upcoming, w.Upcoming)
	}
	return lo, hi
}
