package store_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tend-crm/tend/store"
)

// now is Monday 9 March 2026, 08:00 UTC (15:00 in Ho Chi Minh City).
var now = time.Date(2026, 3, 9, 8, 0, 0, 0, time.UTC)

const day = 24 * time.Hour

func mustLoad(t *testing.T, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Skipf("no zone data: %v", err)
	}
	return loc
}

// bookOf builds a book from customers and the follow-ups, deals and
// occasions that refer to them.
type bookOf struct {
	customers []store.Customer
	followUps []store.FollowUp
	deals     []store.Deal
	occasions []store.Occasion
	referrals []store.Deal // ReferralAsks
}

func (b bookOf) book() store.Book {
	out := store.Book{Customers: map[store.CustomerID]store.Customer{},
		FollowUps: b.followUps, Deals: b.deals, Occasions: b.occasions, ReferralAsks: b.referrals}
	for _, c := range b.customers {
		out.Customers[c.ID] = c
	}
	return out
}

func cust(id store.CustomerID, name, segment string) store.Customer {
	return store.Customer{ID: id, Name: name, Segment: segment, CreatedAt: now.Add(-365 * day)}
}

// stale is a customer last contacted days ago, with a cadence of cadence
// days.
func stale(id store.CustomerID, name string, days, cadence int) store.Customer {
	c := cust(id, name, "")
	c.CadenceDays = cadence
	c.LastContactAt = now.AddDate(0, 0, -days)
	c.TouchDueAt = c.LastContactAt.AddDate(0, 0, cadence)
	return c
}

func fu(id store.FollowUpID, c store.CustomerID, due time.Time) store.FollowUp {
	return store.FollowUp{ID: id, CustomerID: c, Due: due, Status: store.FollowUpOpen}
}

func occ(id store.OccasionID, c store.CustomerID, m time.Month, d int) store.Occasion {
	return store.Occasion{ID: id, CustomerID: c, Kind: "anniversary", Month: m, Day: d}
}

// summary renders the agenda as "Name: kind/days kind/days; Name: …" for
// comparison.
func summary(items []store.AgendaItem) string {
	var parts []string
	for _, it := range items {
		var rs []string
		for _, r := range it.Reasons {
			rs = append(rs, fmt.Sprintf("%s/%d", r.Kind, r.Days))
		}
		parts = append(parts, it.Customer.Name+": "+strings.Join(rs, " "))
	}
	return strings.Join(parts, "; ")
}

func TestAgenda(t *testing.T) {
	hcm := mustLoad(t, "Asia/Ho_Chi_Minh")
	tests := []struct {
		name string
		b    bookOf
		now  time.Time
		loc  *time.Location
		want string
		ids  []store.CustomerID // when names are not enough
	}{
		{
			name: "empty",
			want: "",
		},
		{
			name: "overdue above due today above cadence",
			b: bookOf{
				customers: []store.Customer{cust(1, "Alpha", ""), cust(2, "Beta", ""), stale(3, "Aardvark", 40, 30)},
				followUps: []store.FollowUp{fu(1, 2, now.Add(-day)), fu(2, 1, now.Add(2*time.Hour))},
			},
			want: "Beta: overdue/1; Alpha: due_today/0; Aardvark: cadence/40",
		},
		{
			name: "more days overdue ranks higher",
			b: bookOf{
				customers: []store.Customer{cust(1, "A", ""), cust(2, "B", ""), cust(3, "C", "")},
				followUps: []store.FollowUp{fu(1, 1, now.Add(-2*day)), fu(2, 2, now.Add(-10*day)), fu(3, 3, now.Add(-5*day))},
			},
			want: "B: overdue/10; C: overdue/5; A: overdue/2",
		},
		{
			name: "days overdue are capped, then names decide",
			b: bookOf{
				customers: []store.Customer{cust(1, "Zeta", ""), cust(2, "Eta", "")},
				followUps: []store.FollowUp{fu(1, 1, now.Add(-90*day)), fu(2, 2, now.Add(-40*day))},
			},
			want: "Eta: overdue/40; Zeta: overdue/90",
		},
		{
			name: "segment A boosts",
			b: bookOf{
				customers: []store.Customer{cust(1, "Plain", ""), cust(2, "Valued", "A"), cust(3, "Middling", "C")},
				followUps: []store.FollowUp{fu(1, 1, now.Add(-5*day)), fu(2, 2, now), fu(3, 3, now.Add(-5*day))},
			},
			want: "Valued: due_today/0; Middling: overdue/5; Plain: overdue/5",
		},
		{
			name: "one item per customer, reasons strongest first",
			b: bookOf{
				customers: []store.Customer{stale(1, "Acme", 50, 30), cust(2, "Beta", "")},
				followUps: []store.FollowUp{fu(1, 1, now), fu(2, 1, now.Add(3*day)), fu(3, 1, now.Add(-3*day)), fu(4, 2, now.Add(-4*day))},
			},
			want: "Acme: overdue/3 due_today/0 cadence/50 upcoming/3; Beta: overdue/4",
		},
		{
			name: "ties by name, then id",
			b: bookOf{
				customers: []store.Customer{cust(3, "Same", ""), cust(1, "Beta", ""), cust(2, "Same", ""), cust(4, "Alpha", "")},
				followUps: []store.FollowUp{fu(1, 3, now), fu(2, 1, now), fu(3, 2, now), fu(4, 4, now)},
			},
			want: "Alpha: due_today/0; Beta: due_today/0; Same: due_today/0; Same: due_today/0",
			ids:  []store.CustomerID{4, 1, 2, 3},
		},
		{
			name: "23:30 UTC is today in UTC",
			b:    bookOf{customers: []store.Customer{cust(1, "Late", "")}, followUps: []store.FollowUp{fu(1, 1, time.Date(2026, 3, 9, 23, 30, 0, 0, time.UTC))}},
			loc:  time.UTC,
			want: "Late: due_today/0",
		},
		{
			name: "23:30 UTC is tomorrow in Ho Chi Minh City",
			b:    bookOf{customers: []store.Customer{cust(1, "Late", "")}, followUps: []store.FollowUp{fu(1, 1, time.Date(2026, 3, 9, 23, 30, 0, 0, time.UTC))}},
			loc:  hcm,
			want: "Late: upcoming/1",
		},
		{
			name: "yesterday 20:00 UTC is today in Ho Chi Minh City",
			b:    bookOf{customers: []store.Customer{cust(1, "Early", "")}, followUps: []store.FollowUp{fu(1, 1, time.Date(2026, 3, 8, 20, 0, 0, 0, time.UTC))}},
			loc:  hcm,
			want: "Early: due_today/0",
		},
		{
			name: "yesterday 20:00 UTC is overdue in UTC",
			b:    bookOf{customers: []store.Customer{cust(1, "Early", "")}, followUps: []store.FollowUp{fu(1, 1, time.Date(2026, 3, 8, 20, 0, 0, 0, time.UTC))}},
			loc:  time.UTC,
			want: "Early: overdue/1",
		},
		{
			name: "now's date is taken in loc too",
			b:    bookOf{customers: []store.Customer{cust(1, "Next", "")}, followUps: []store.FollowUp{fu(1, 1, time.Date(2026, 3, 10, 1, 0, 0, 0, time.UTC))}},
			now:  time.Date(2026, 3, 9, 18, 0, 0, 0, time.UTC), // 01:00 on the 10th in HCM
			loc:  hcm,
			want: "Next: due_today/0",
		},
		{
			name: "occasion today above one in 3 days",
			b: bookOf{
				customers: []store.Customer{cust(1, "Soon", ""), cust(2, "Today", "")},
				occasions: []store.Occasion{occ(1, 1, time.March, 12), occ(2, 2, time.March, 9)},
			},
			want: "Today: occasion/0; Soon: occasion/3",
		},
		{
			name: "a purchase is a yearly occasion from the next year on",
			b: bookOf{
				customers: []store.Customer{cust(1, "Bought today", ""), cust(2, "Bought last year", "")},
				occasions: []store.Occasion{
					{ID: 1, CustomerID: 1, Kind: "purchase", Month: time.March, Day: 9, Year: 2026},
					{ID: 2, CustomerID: 2, Kind: "purchase", Month: time.March, Day: 9, Year: 2025},
				},
			},
			want: "Bought last year: occasion/0",
		},
		{
			name: "occasion across the year end",
			b:    bookOf{customers: []store.Customer{cust(1, "New Year", "")}, occasions: []store.Occasion{occ(1, 1, time.January, 2)}},
			now:  time.Date(2026, 12, 30, 8, 0, 0, 0, time.UTC),
			want: "New Year: occasion/3",
		},
		{
			name: "29 February falls on 1 March in a common year",
			b:    bookOf{customers: []store.Customer{cust(1, "Leap", "")}, occasions: []store.Occasion{occ(1, 1, time.February, 29)}},
			now:  time.Date(2027, 2, 28, 8, 0, 0, 0, time.UTC),
			want: "Leap: occasion/1",
		},
		{
			name: "occasion today in Ho Chi Minh City is tomorrow in UTC",
			b:    bookOf{customers: []store.Customer{cust(1, "Tet", "")}, occasions: []store.Occasion{occ(1, 1, time.March, 10)}},
			now:  time.Date(2026, 3, 9, 20, 0, 0, 0, time.UTC),
			loc:  hcm,
			want: "Tet: occasion/0",
		},
		{
			name: "cadence: not yet due, no cadence, never contacted",
			b: bookOf{customers: []store.Customer{
				stale(1, "Fresh", 10, 30),
				{ID: 2, Name: "No cadence", LastContactAt: now.Add(-90 * day)},
				{ID: 3, Name: "Never", CadenceDays: 14, CreatedAt: now.Add(-20 * day), TouchDueAt: now.Add(-6 * day)},
			}},
			want: "Never: cadence/20",
		},
		{
			name: "stuck deal",
			b: bookOf{
				customers: []store.Customer{cust(1, "Stuck", ""), cust(2, "Late", "")},
				deals:     []store.Deal{{ID: 1, CustomerID: 1, Stage: "proposal", StageChangedAt: now.Add(-12 * day), Need: "CRM", Budget: "20k", Authority: "Jane"}},
				followUps: []store.FollowUp{fu(1, 2, now.Add(-day))},
			},
			want: "Late: overdue/1; Stuck: stuck/12",
		},
		{
			// Not knowing need, budget or authority weighs 10 more: the
			// unqualified deal stuck 12 days (52) passes the qualified one
			// stuck 20 days (50).
			name: "unqualified deal",
			b: bookOf{
				customers: []store.Customer{cust(1, "Qualified", ""), cust(2, "Unqualified", "")},
				deals: []store.Deal{{ID: 1, CustomerID: 1, Stage: "proposal", StageChangedAt: now.Add(-20 * day), Need: "CRM", Budget: "20k", Authority: "Jane"},
					{ID: 2, CustomerID: 2, Stage: "qualify", StageChangedAt: now.Add(-12 * day), Need: "CRM"}},
			},
			want: "Unqualified: unqualified/12; Qualified: stuck/20",
		},
		{
			// A referral ask comes after the rest of the work: below a
			// deal stuck two days, a segment-A customer above another.
			name: "referral asks last, by segment",
			b: bookOf{
				customers: []store.Customer{cust(1, "Glad", ""), cust(2, "Happy", "A"), cust(3, "Stuck", "")},
				deals:     []store.Deal{{ID: 1, CustomerID: 3, Stage: "proposal", StageChangedAt: now.Add(-2 * day), Need: "x", Budget: "y", Authority: "z"}},
				referrals: []store.Deal{
					{ID: 2, CustomerID: 1, Stage: store.DealWon, StageChangedAt: now.Add(-10 * day)},
					{ID: 3, CustomerID: 2, Stage: store.DealWon, StageChangedAt: now.Add(-5 * day)},
				},
			},
			want: "Stuck: stuck/2; Happy: referral_ask/5; Glad: referral_ask/10",
		},
		{
			name: "references to customers not in the book are left out",
			b: bookOf{
				customers: []store.Customer{cust(1, "Known", "")},
				followUps: []store.FollowUp{fu(1, 1, now), fu(2, 99, now.Add(-day))},
				occasions: []store.Occasion{occ(1, 98, time.March, 9)},
			},
			want: "Known: due_today/0",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n, loc := tt.now, tt.loc
			if n.IsZero() {
				n = now
			}
			if loc == nil {
				loc = time.UTC
			}
			got := store.Agenda(tt.b.book(), n, loc, store.DefaultWeights)
			if s := summary(got); s != tt.want {
				t.Errorf("Agenda =\n\t%s\nwant\n\t%s", s, tt.want)
			}
			if tt.ids != nil {
				var ids []store.CustomerID
				for _, it := range got {
					ids = append(ids, it.Customer.ID)
				}
				if !slices.Equal(ids, tt.ids) {
					t.Errorf("Agenda customers = %v, want %v", ids, tt.ids)
				}
			}
			// Customers come from a map: the order must not depend on
			// its iteration.
			for range 5 {
				again := store.Agenda(tt.b.book(), n, loc, store.DefaultWeights)
				if summary(again) != summary(got) || !slices.EqualFunc(again, got, func(a, b store.AgendaItem) bool { return a.Customer.ID == b.Customer.ID }) {
					t.Fatalf("Agenda is not deterministic:\n\t%s\n\t%s", summary(got), summary(again))
				}
			}
			for _, it := range got {
				if !slices.IsSortedFunc(it.Reasons, func(a, b store.Reason) int { return -cmpFloat(a.Score, b.Score) }) {
					t.Errorf("%s: reasons not strongest first: %+v", it.Customer.Name, it.Reasons)
				}
			}
			if !slices.IsSortedFunc(got, func(a, b store.AgendaItem) int { return -cmpFloat(a.Score, b.Score) }) {
				t.Errorf("items not by score: %s", summary(got))
			}
		})
	}
}

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// TestAgendaScores pins the arithmetic of DefaultWeights: a reason's base
// plus its per-day term, times the segment; the customer's strongest
// reason plus a tenth of the others.
func TestAgendaScores(t *testing.T) {
	b := bookOf{
		customers: []store.Customer{stale(1, "Acme", 50, 30), cust(2, "Beta", "A")},
		followUps: []store.FollowUp{fu(1, 1, now.Add(-3*day)), fu(2, 2, now.Add(-45*day))},
		occasions: []store.Occasion{occ(1, 1, time.March, 9)},
	}
	got := store.Agenda(b.book(), now, time.UTC, store.DefaultWeights)
	if len(got) != 2 {
		t.Fatalf("Agenda = %s", summary(got))
	}
	beta, acme := got[0], got[1]
	if want := (100 + 4*30) * 1.5; beta.Score != want || beta.Reasons[0].Score != want {
		t.Errorf("Beta: score %v, want %v (overdue capped at 30 days, segment A)", beta.Score, want)
	}
	// overdue 3 days: 112; occasion today: 95; cadence 50 days on 30: 40+20.
	if want := 112 + 9.5 + 6.0; acme.Score != want {
		t.Errorf("Acme: score %v, want %v", acme.Score, want)
	}
	if r := acme.Reasons[2]; r.Kind != store.ReasonCadence || r.Days != 50 || r.Cadence != 30 || r.Score != 60 {
		t.Errorf("Acme's cadence reason = %+v", r)
	}
	if r := acme.Reasons[0]; r.FollowUp == nil || r.FollowUp.ID != 1 {
		t.Errorf("Acme's overdue reason has follow-up %+v", r.FollowUp)
	}
	if r := acme.Reasons[1]; r.Occasion == nil || r.Occasion.ID != 1 {
		t.Errorf("Acme's occasion reason has occasion %+v", r.Occasion)
	}
}

func TestUpcomingDays(t *testing.T) {
	hcm := mustLoad(t, "Asia/Ho_Chi_Minh")
	md := func(m time.Month, d int) store.MonthDay { return store.MonthDay{Month: m, Day: d} }
	tests := []struct {
		name string
		now  time.Time
		loc  *time.Location
		days int
		want []store.MonthDay
	}{
		{"one", now, time.UTC, 1, []store.MonthDay{md(time.March, 9)}},
		{"none", now, time.UTC, 0, []store.MonthDay{}},
		{"year end", time.Date(2026, 12, 30, 8, 0, 0, 0, time.UTC), time.UTC, 4,
			[]store.MonthDay{md(time.December, 30), md(time.December, 31), md(time.January, 1), md(time.January, 2)}},
		{"year end in loc", time.Date(2026, 12, 31, 20, 0, 0, 0, time.UTC), hcm, 2,
			[]store.MonthDay{md(time.January, 1), md(time.January, 2)}},
		{"leap year", time.Date(2028, 2, 27, 8, 0, 0, 0, time.UTC), time.UTC, 3,
			[]store.MonthDay{md(time.February, 27), md(time.February, 28), md(time.February, 29)}},
		{"common year", time.Date(2027, 2, 27, 8, 0, 0, 0, time.UTC), time.UTC, 3,
			[]store.MonthDay{md(time.February, 27), md(time.February, 28), md(time.March, 1)}},
	}
	for _, tt := range tests {
		// The lunar days among them are TestUpcomingLunarDays'.
		got := slices.DeleteFunc(store.UpcomingDays(tt.now, tt.loc, tt.days), func(md store.MonthDay) bool { return md.Lunar })
		if !slices.Equal(got, tt.want) {
			t.Errorf("%s: UpcomingDays(%v, %v, %d) = %v, want %v", tt.name, tt.now, tt.loc, tt.days, got, tt.want)
		}
	}
}

func TestDefaultCadence(t *testing.T) {
	tests := []struct {
		stage store.Stage
		want  int
	}{
		{store.StageLead, 14}, {store.StageProspect, 14}, {store.StageCustomer, 30},
		{store.StageLoyal, 60}, {store.StageAdvocate, 60}, {store.StageLost, 0}, {"", 0},
	}
	for _, tt := range tests {
		if got := store.DefaultCadence(tt.stage); got != tt.want {
			t.Errorf("DefaultCadence(%q) = %d, want %d", tt.stage, got, tt.want)
		}
	}
}
