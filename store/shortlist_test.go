package store

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"
)

// TestShortlist ranks random books whole and as shortlisted, in zones with
// and without daylight saving (whose day counts Shortlist does not know),
// with the default weights and with odd ones, and checks that the first
// items are the same and that every item is counted.
func TestShortlist(t *testing.T) {
	odd := Weights{Overdue: 50, OverduePerDay: 0, DueToday: 120, Upcoming: 60, Cadence: 80, CadencePerDay: -1,
		OccasionToday: 10, OccasionSoon: 70, Stuck: 90, StuckPerDay: 3, Unqualified: -20, ReferralAsk: 100, MaxDays: 10,
		Segment: map[string]float64{"A": 2, "C": 0.5}}
	zones := []string{"UTC", "Asia/Ho_Chi_Minh", "America/New_York", "Australia/Lord_Howe", "Pacific/Apia", "Europe/London"}
	for seed := range uint64(60) {
		rnd := rand.New(rand.NewPCG(seed, 7))
		loc, err := time.LoadLocation(zones[seed%uint64(len(zones))])
		if err != nil {
			t.Skip(err) // no zone database
		}
		w := DefaultWeights
		if seed%3 == 2 {
			w = odd
		}
		// Around midnight and across daylight-saving changes.
		now := time.Date(2026, time.Month(1+rnd.IntN(12)), 1+rnd.IntN(28), 0, 0, 0, 0, loc).
			Add(time.Duration(rnd.IntN(240)-120) * time.Minute)
		book, leads, loaded := randomBook(rnd, now)
		whole := Agenda(book, now, loc, w)
		for _, limit := range []int{1, 3, 10, 25} {
			name := fmt.Sprintf("seed %d, %s, limit %d", seed, loc, limit)
			var f AgendaFilter
			f.Page(w, now, limit)
			keep, dropped := f.Shortlist(leads, loaded)
			part := bookOf(book, keep)
			got := Agenda(part, now, loc, w)
			want := whole[:min(limit, len(whole))]
			if len(got) < len(want) || !slices.EqualFunc(got[:len(want)], want, func(a, b AgendaItem) bool { return a.Customer.ID == b.Customer.ID }) {
				t.Errorf("%s: first items %v, want %v", name, itemIDs(got), itemIDs(want))
			}
			stale := 0 // left out, past their cadence: the store counts those
			for _, it := range whole {
				if _, ok := part.Customers[it.Customer.ID]; !ok && it.Customer.CadenceDue(now) {
					stale++
				}
			}
			if n := len(got) + dropped + stale; n != len(whole) {
				t.Errorf("%s: %d items + %d dropped + %d past their cadence, want %d", name, len(got), dropped, stale, len(whole))
			}
			if limit == 1 && len(keep) == len(book.Customers) {
				t.Errorf("%s: nothing left out of %d customers", name, len(keep))
			}
		}
	}
}

// randomBook makes a book of 80 customers, and the leads a store would
// list for it and the customers past their cadence it would load whole:
// all that only their cadence puts on the agenda (telling which of those
// may rank is the store's part) and some others.
func randomBook(rnd *rand.Rand, now time.Time) (Book, []Lead, []Customer) {
	days := func(lo, hi int) time.Duration {
		return time.Duration(lo*24*60+rnd.IntN((hi-lo)*24*60)) * time.Minute
	}
	b := Book{Customers: map[CustomerID]Customer{}}
	var ids []CustomerID
	var loaded []Customer
	for i := range 80 {
		c := Customer{ID: CustomerID(i + 1), Name: fmt.Sprintf("C%02d", rnd.IntN(40)), Segment: []string{"", "A", "B", "C"}[rnd.IntN(4)],
			CreatedAt: now.Add(-days(100, 400))}
		if rnd.IntN(4) > 0 {
			c.LastContactAt = now.Add(-days(0, 90))
		}
		if rnd.IntN(3) > 0 {
			c.CadenceDays = []int{7, 14, 30}[rnd.IntN(3)]
			since := c.LastContactAt
			if since.IsZero() {
				since = c.CreatedAt
			}
			c.TouchDueAt = since.AddDate(0, 0, c.CadenceDays)
		}
		b.Customers[c.ID] = c
		ids = append(ids, c.ID)
	}
	pick := func() CustomerID { return ids[rnd.IntN(len(ids))] }
	var leads []Lead
	lead := func(k LeadKind, id CustomerID, at time.Time, qualified bool) {
		c := b.Customers[id]
		leads = append(leads, Lead{Kind: k, At: at, Qualified: qualified, Customer: id, Segment: c.Segment,
			CadenceDays: c.CadenceDays, LastContactAt: c.LastContactAt, TouchDueAt: c.TouchDueAt, CreatedAt: c.CreatedAt})
	}
	for i := range 60 {
		f := FollowUp{ID: FollowUpID(i + 1), CustomerID: pick(), Due: now.Add(-days(-2, 70))}
		b.FollowUps = append(b.FollowUps, f)
		lead(LeadFollowUp, f.CustomerID, f.Due, false)
	}
	for i := range 40 {
		d := Deal{ID: DealID(i + 1), CustomerID: pick(), StageChangedAt: now.Add(-days(14, 80))}
		if rnd.IntN(2) == 0 {
			d.Need, d.Budget, d.Authority = "x", "x", "x"
		}
		b.Deals = append(b.Deals, d)
		lead(LeadDeal, d.CustomerID, d.StageChangedAt, d.Qualified())
	}
	for i := range 8 {
		d := Deal{ID: DealID(100 + i), CustomerID: pick(), StageChangedAt: now.Add(-days(0, 80))}
		b.ReferralAsks = append(b.ReferralAsks, d)
		lead(LeadReferralAsk, d.CustomerID, d.StageChangedAt, false)
	}
	for i := range 8 {
		at := now.Add(days(0, 4))
		o := Occasion{ID: OccasionID(i + 1), CustomerID: pick(), Month: at.Month(), Day: at.Day()}
		b.Occasions = append(b.Occasions, o)
		lead(LeadOccasion, o.CustomerID, time.Time{}, false)
	}
	// Past their cadence: those that only their cadence puts on the
	// agenda, and some others.
	led := map[CustomerID]bool{}
	for _, l := range leads {
		led[l.Customer] = true
	}
	for _, id := range ids {
		if c := b.Customers[id]; c.CadenceDue(now) && (!led[id] || rnd.IntN(2) == 0) {
			loaded = append(loaded, c)
		}
	}
	return b, leads, loaded
}

// bookOf keeps of b the customers ids names and their records.
func bookOf(b Book, ids []CustomerID) Book {
	out := Book{Customers: map[CustomerID]Customer{}}
	for _, id := range ids {
		out.Customers[id] = b.Customers[id]
	}
	out.FollowUps = ofCustomers(b.FollowUps, out.Customers, func(f FollowUp) CustomerID { return f.CustomerID })
	out.Deals = ofCustomers(b.Deals, out.Customers, func(d Deal) CustomerID { return d.CustomerID })
	out.ReferralAsks = ofCustomers(b.ReferralAsks, out.Customers, func(d Deal) CustomerID { return d.CustomerID })
	out.Occasions = ofCustomers(b.Occasions, out.Customers, func(o Occasion) CustomerID { return o.CustomerID })
	return out
}

// ofCustomers keeps the records of xs whose customer is in cs.
func ofCustomers[T any](xs []T, cs map[CustomerID]Customer, customer func(T) CustomerID) []T {
	var out []T
	for _, x := range xs {
		if _, ok := cs[customer(x)]; ok {
			out = append(out, x)
		}
	}
	return out
}

func itemIDs(items []AgendaItem) []CustomerID {
	out := make([]CustomerID, len(items))
	for i, it := range items {
		out[i] = it.Customer.ID
	}
	return out
}
