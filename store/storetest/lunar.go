package storetest

import (
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/tend-crm/tend/store"
)

// testLunarOccasions: a lunar date is kept as given and comes up on its
// solar date of the year, not on the same solar month-day; a solar one
// does not come up on the lunar day.
func testLunarOccasions(t *testing.T, f *fixture) {
	ctx := t.Context()
	rec := f.record(f.rep1, store.Activity{Customer: named("Minh Phát"), Contact: "ông Ba",
		Occasion: &store.Occasion{Kind: "death_anniversary", Month: 3, Day: 10, Lunar: true}})
	if oc := rec.Occasion; oc == nil || !oc.Lunar || oc.Month != 3 || oc.Day != 10 {
		t.Fatalf("Record(lunar occasion) = %+v", rec.Occasion)
	}
	solar := f.record(f.rep1, store.Activity{Customer: byID(rec.Customer.ID), Occasion: &store.Occasion{Kind: "birthday", Month: 3, Day: 10}})
	ids := func(at time.Time) []store.OccasionID {
		t.Helper()
		b, err := f.s.AgendaBook(ctx, f.rep1, store.AgendaFilter{Owner: f.rep1.UserID, Until: at, Occasions: store.UpcomingDays(at, time.UTC, 1)})
		if err != nil {
			t.Fatalf("AgendaBook(%s): %v", at, err)
		}
		var out []store.OccasionID
		for _, o := range b.Occasions {
			out = append(out, o.ID)
		}
		return out
	}
	// 10/3 âm lịch is 26 April in 2026 and 16 April in 2027.
	for _, at := range []time.Time{time.Date(2026, 4, 26, 8, 0, 0, 0, time.UTC), time.Date(2027, 4, 16, 8, 0, 0, 0, time.UTC)} {
		if got := ids(at); !slices.Equal(got, []store.OccasionID{rec.Occasion.ID}) {
			t.Errorf("occasions on %s = %v, want only the lunar one %d", at.Format(time.DateOnly), got, rec.Occasion.ID)
		}
	}
	if got := ids(time.Date(2026, 3, 10, 8, 0, 0, 0, time.UTC)); !slices.Equal(got, []store.OccasionID{solar.Occasion.ID}) {
		t.Errorf("occasions on 10 March = %v, want only the solar one %d", got, solar.Occasion.ID)
	}
	for _, oc := range []store.Occasion{{Kind: "x", Month: 2, Day: 31, Lunar: true}, {Kind: "x", Month: 13, Day: 1, Lunar: true}} {
		if _, err := f.s.Record(ctx, f.rep1, store.Origin{}, store.Activity{Customer: byID(rec.Customer.ID), Occasion: &oc}); !errors.Is(err, store.ErrInvalid) {
			t.Errorf("Record(lunar %d/%d) = %v, want ErrInvalid", oc.Day, oc.Month, err)
		}
	}
	// The 30th of a lunar month exists, though not every year.
	if _, err := f.s.Record(ctx, f.rep1, store.Origin{}, store.Activity{Customer: byID(rec.Customer.ID),
		Occasion: &store.Occasion{Kind: "birthday", Month: 12, Day: 30, Lunar: true}}); err != nil {
		t.Errorf("Record(lunar 30/12) = %v", err)
	}
}

// testPlanSegment: one follow-up per customer of the user in the segment,
// as one change that undo removes whole.
func testPlanSegment(t *testing.T, f *fixture) {
	ctx := t.Context()
	segment := func(s store.Scope, name, seg string) store.CustomerID {
		t.Helper()
		id := f.record(s, store.Activity{Customer: named(name), Interaction: &store.Interaction{Kind: store.KindNote, Summary: "met"}}).Customer.ID
		if _, _, err := f.s.UpdateCustomer(ctx, s, f.origin(), id, store.CustomerUpdate{Segment: &seg}); err != nil {
			t.Fatal(err)
		}
		return id
	}
	acme, globex := segment(f.rep1, "Acme", "A"), segment(f.rep1, "Globex", "A")
	segment(f.rep1, "Initech", "B")
	segment(f.rep2, "Umbrella", "A") // another rep's
	plan := store.FollowUp{Due: time.Date(2027, 2, 3, 0, 0, 0, 0, time.UTC), AllDay: true, Note: "Tết greetings"}

	o := f.origin()
	got, cid, err := f.s.PlanSegment(ctx, f.rep1, o, "a", plan)
	if err != nil || cid == 0 || len(got) != 2 || got[0].CustomerID != acme || got[1].CustomerID != globex {
		t.Fatalf("PlanSegment(a) = %+v, %d, %v; want Acme and Globex", got, cid, err)
	}
	for _, fu := range got {
		if fu.ID == 0 || fu.OwnerID != f.rep1.UserID || !fu.Due.Equal(plan.Due) || !fu.AllDay || fu.Note != plan.Note || fu.Status != store.FollowUpOpen {
			t.Errorf("planned follow-up = %+v", fu)
		}
	}
	if n := len(f.followUps(f.rep2, store.FollowUpFilter{Status: store.FollowUpOpen})); n != 0 {
		t.Errorf("rep2 has %d open follow-ups, want none", n)
	}
	if _, _, err := f.s.PlanSegment(ctx, f.rep1, o, "A", plan); !errors.Is(err, store.ErrDuplicate) {
		t.Errorf("PlanSegment, same event = %v, want ErrDuplicate", err)
	}
	if _, _, err := f.s.PlanSegment(ctx, f.rep1, f.origin(), "A", plan); !errors.Is(err, store.ErrConflict) {
		t.Errorf("PlanSegment again = %v, want ErrConflict", err)
	}
	// A customer added to the segment later gets it; the others are kept.
	hooli := segment(f.rep1, "Hooli", "A")
	if got, _, err := f.s.PlanSegment(ctx, f.rep1, f.origin(), "A", plan); err != nil || len(got) != 1 || got[0].CustomerID != hooli {
		t.Errorf("PlanSegment with a new customer = %+v, %v; want Hooli only", got, err)
	}
	if _, _, err := f.s.PlanSegment(ctx, f.rep1, f.origin(), "Z", plan); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("PlanSegment(Z) = %v, want ErrNotFound", err)
	}
	for _, bad := range []struct {
		seg string
		fu  store.FollowUp
	}{{"", plan}, {"A", store.FollowUp{Due: plan.Due}}, {"A", store.FollowUp{Note: "x"}}} {
		if _, _, err := f.s.PlanSegment(ctx, f.rep1, f.origin(), bad.seg, bad.fu); !errors.Is(err, store.ErrInvalid) {
			t.Errorf("PlanSegment(%q, %+v) = %v, want ErrInvalid", bad.seg, bad.fu, err)
		}
	}
	f.undo(f.rep1, 0) // Hooli's
	f.undo(f.rep1, cid)
	if open := f.followUps(f.rep1, store.FollowUpFilter{Status: store.FollowUpOpen}); len(open) != 0 {
		t.Errorf("after undo: open follow-ups %+v", open)
	}
}
