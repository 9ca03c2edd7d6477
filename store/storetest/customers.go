package storetest

import (
	"errors"
	"testing"

	"github.com/tend-crm/tend/store"
)

func testUpdateCustomer(t *testing.T, f *fixture) {
	ctx := t.Context()
	acme := f.record(f.rep1, store.Activity{Customer: named("Acme"), Interaction: call(T0.AddDate(0, 0, -3), "hello")})
	prospect := acme.Customer.CadenceDays
	seg, phone, fortnight := "A", " 0903 123 456 ", 14
	loyal := store.StageLoyal
	c, cid, err := f.s.UpdateCustomer(ctx, f.rep1, f.origin(), acme.Customer.ID, store.CustomerUpdate{Segment: &seg, Phone: &phone, Stage: &loyal})
	if err != nil {
		t.Fatal(err)
	}
	if c.Segment != "A" || c.Phone != "0903 123 456" || c.Stage != loyal || c.CadenceDays != store.DefaultCadence(loyal) {
		t.Errorf("UpdateCustomer(segment, phone, stage) = %+v", c)
	}
	wantTime(t, "TouchDueAt after the stage change", c.TouchDueAt, acme.Customer.LastContactAt.AddDate(0, 0, store.DefaultCadence(loyal)))
	if got := f.customer(f.rep1, c.ID); got.Segment != "A" || got.Stage != loyal || !got.TouchDueAt.Equal(c.TouchDueAt) {
		t.Errorf("Customer after the update = %+v", got)
	}

	// A cadence set by hand stays through a change of stage.
	c, _, err = f.s.UpdateCustomer(ctx, f.rep1, f.origin(), c.ID, store.CustomerUpdate{CadenceDays: &fortnight})
	if err != nil || c.CadenceDays != 14 {
		t.Fatalf("UpdateCustomer(cadence 14) = %+v, %v", c, err)
	}
	customer := store.StageCustomer
	if c, _, err = f.s.UpdateCustomer(ctx, f.rep1, f.origin(), c.ID, store.CustomerUpdate{Stage: &customer}); err != nil || c.CadenceDays != 14 {
		t.Errorf("stage change after a cadence by hand = %+v, %v", c, err)
	}

	// Undo restores what was there.
	f.undo(f.rep1, 0)
	f.undo(f.rep1, 0)
	f.undo(f.rep1, cid)
	if got := f.customer(f.rep1, c.ID); got.Segment != "" || got.Phone != "" || got.Stage != acme.Customer.Stage || got.CadenceDays != prospect {
		t.Errorf("Customer after undoing the updates = %+v", got)
	}

	// Another rep cannot; bad values change nothing.
	_, _, err = f.s.UpdateCustomer(ctx, f.rep2, f.origin(), c.ID, store.CustomerUpdate{Segment: &seg})
	wantErr(t, "rep2 UpdateCustomer", err, store.ErrNotFound)
	bad, negative, stage := "Z", -1, store.Stage("winning")
	for _, upd := range []store.CustomerUpdate{{Segment: &bad}, {CadenceDays: &negative}, {Stage: &stage}, {}} {
		_, _, err = f.s.UpdateCustomer(ctx, f.rep1, f.origin(), c.ID, upd)
		wantErr(t, "UpdateCustomer(bad)", err, store.ErrInvalid)
	}
}

func testRecordFulfils(t *testing.T, f *fixture) {
	acme := f.record(f.rep1, store.Activity{Customer: named("Acme"), FollowUp: due(T0.Add(day), "send the quote")})
	beta := f.record(f.rep1, store.Activity{Customer: named("Beta"), FollowUp: due(T0.Add(day), "call")})
	ctx := t.Context()

	// A follow-up of another customer is refused, and nothing is logged.
	_, err := f.s.Record(ctx, f.rep1, f.origin(), store.Activity{Customer: byID(acme.Customer.ID), Interaction: call(T0, "x"), Fulfils: beta.FollowUp.ID})
	wantErr(t, "Record fulfilling another customer's follow-up", err, store.ErrConflict)
	if got := f.interactions(f.rep1, acme.Customer.ID); len(got) != 0 {
		t.Errorf("a refused Record left %d interactions", len(got))
	}

	r := f.record(f.rep1, store.Activity{Customer: byID(acme.Customer.ID), Interaction: call(T0, "sent it"), Fulfils: acme.FollowUp.ID})
	if r.Fulfilled == nil || r.Fulfilled.Status != store.FollowUpDone {
		t.Fatalf("Recorded.Fulfilled = %+v", r.Fulfilled)
	}
	if got := f.followUp(f.rep1, acme.FollowUp.ID); got.Status != store.FollowUpDone {
		t.Errorf("follow-up after Record = %s", got.Status)
	}
	// Twice: it is done already.
	_, err = f.s.Record(ctx, f.rep1, f.origin(), store.Activity{Customer: byID(acme.Customer.ID), Interaction: call(T0, "again"), Fulfils: acme.FollowUp.ID})
	if !errors.Is(err, store.ErrConflict) {
		t.Errorf("Record fulfilling a done follow-up: %v, want ErrConflict", err)
	}
	// One undo reopens it and removes the call.
	f.undo(f.rep1, r.Change)
	if got := f.followUp(f.rep1, acme.FollowUp.ID); got.Status != store.FollowUpOpen {
		t.Errorf("follow-up after undo = %s", got.Status)
	}
	if got := f.interactions(f.rep1, acme.Customer.ID); len(got) != 0 {
		t.Errorf("undo left %d interactions", len(got))
	}
}
