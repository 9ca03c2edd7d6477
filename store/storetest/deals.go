package storetest

import (
	"errors"
	"testing"
	"time"

	"github.com/tend-crm/tend/store"
)

var dealTests = []struct {
	name string
	fn   func(*testing.T, *fixture)
}{
	{"Deals/CreateAndFind", testDealsCreate},
	{"Deals/Scope", testDealsScope},
	{"Deals/Invalid", testDealsInvalid},
	{"Deals/StagesAndUndo", testDealsStages},
	{"Deals/WonCarePlan", testDealsCarePlan},
	{"Deals/Idempotent", testDealsIdempotent},
	{"Deals/BindAndCapture", testDealsBind},
	{"Deals/ActivitySince", testDealsActivity},
}

func (f *fixture) createDeal(s store.Scope, nd store.NewDeal) (store.Deal, store.ChangeID) {
	f.t.Helper()
	d, ch, err := f.s.CreateDeal(f.t.Context(), s, f.origin(), nd)
	if err != nil || d.ID == 0 || ch == 0 {
		f.t.Fatalf("CreateDeal(%+v) = %+v, %d, %v", nd, d, ch, err)
	}
	return d, ch
}

func (f *fixture) updateDeal(s store.Scope, id store.DealID, upd store.DealUpdate) (store.Deal, store.ChangeID) {
	f.t.Helper()
	d, ch, err := f.s.UpdateDeal(f.t.Context(), s, f.origin(), id, upd)
	if err != nil || ch == 0 {
		f.t.Fatalf("UpdateDeal(%d) = %+v, %d, %v", id, d, ch, err)
	}
	return d, ch
}

func (f *fixture) deal(s store.Scope, id store.DealID) store.Deal {
	f.t.Helper()
	d, err := f.s.Deal(f.t.Context(), s, id)
	if err != nil {
		f.t.Fatalf("Deal(%d): %v", id, err)
	}
	return d
}

func dealTitles(ds []store.Deal) []string {
	out := make([]string, len(ds))
	for i, d := range ds {
		out[i] = d.Title
	}
	return out
}

func testDealsCreate(t *testing.T, f *fixture) {
	ctx := t.Context()
	close := T0.AddDate(0, 1, 0)
	d, _ := f.createDeal(f.rep1, store.NewDeal{Customer: named("Acme Corp"), Title: "Acme renewal", Value: 1_200_000, Currency: "USD", ExpectedClose: close})
	if d.Stage != "qualify" || d.OwnerID != f.rep1.UserID || d.Value != 1_200_000 || d.Currency != "USD" || d.Title != "Acme renewal" {
		t.Errorf("created %+v", d)
	}
	wantTime(t, "StageChangedAt", d.StageChangedAt, T0)
	wantTime(t, "ExpectedClose", d.ExpectedClose, close)
	if got := f.deal(f.rep1, d.ID); got != d {
		t.Errorf("Deal = %+v, want %+v", got, d)
	}
	// On an existing customer by name; an empty title is the customer's.
	mp, _ := f.createDeal(f.rep1, store.NewDeal{Customer: named("acme corp"), Value: 15_000_000_000, Currency: "VND", Stage: "proposal"})
	if mp.CustomerID != d.CustomerID || mp.Title != "Acme Corp" || mp.Stage != "proposal" {
		t.Errorf("second deal %+v, want on customer %d titled Acme Corp", mp, d.CustomerID)
	}
	for _, tt := range []struct {
		name string
		want []string
	}{
		{"acme renewal", []string{"Acme renewal"}},
		{"renewal", nil}, // a title is found by its start, not any word
		{"Acme Corp", []string{"Acme Corp", "Acme renewal"}}, // the exact title first, then the customer's other deals
		{"nothing", nil},
	} {
		ds, err := f.s.FindDeals(ctx, f.rep1, tt.name, 10)
		if err != nil || len(ds) != len(tt.want) {
			t.Errorf("FindDeals(%q) = %v, %v; want %v", tt.name, dealTitles(ds), err, tt.want)
			continue
		}
		for i := range ds {
			if ds[i].Title != tt.want[i] {
				t.Errorf("FindDeals(%q) = %v, want %v", tt.name, dealTitles(ds), tt.want)
				break
			}
		}
	}
	open, err := f.s.Deals(ctx, f.rep1, store.DealFilter{Owner: f.rep1.UserID, OpenOnly: true})
	if err != nil || len(open) != 2 {
		t.Errorf("Deals(owner, open) = %v, %v", dealTitles(open), err)
	}
}

func testDealsScope(t *testing.T, f *fixture) {
	ctx := t.Context()
	d, _ := f.createDeal(f.rep1, store.NewDeal{Customer: named("Acme"), Title: "Acme renewal", Currency: "USD"})
	if _, err := f.s.Deal(ctx, f.rep2, d.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("rep2 Deal = %v, want ErrNotFound", err)
	}
	if ds, err := f.s.FindDeals(ctx, f.rep2, "Acme renewal", 10); err != nil || len(ds) != 0 {
		t.Errorf("rep2 FindDeals = %v, %v; want none", dealTitles(ds), err)
	}
	stage := "proposal"
	if _, _, err := f.s.UpdateDeal(ctx, f.rep2, f.origin(), d.ID, store.DealUpdate{Stage: &stage}); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("rep2 UpdateDeal = %v, want ErrNotFound", err)
	}
	if _, err := f.s.BindChat(ctx, f.rep2, f.origin(), store.ChatBinding{Platform: "slack", ChatID: "C1", DealID: d.ID}); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("rep2 BindChat = %v, want ErrNotFound", err)
	}
	if _, _, err := f.s.CreateDeal(ctx, f.rep2, f.origin(), store.NewDeal{Customer: byID(d.CustomerID), Currency: "USD"}); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("rep2 CreateDeal on rep1's customer = %v, want ErrNotFound", err)
	}
	if got := f.deal(f.manager, d.ID); got.ID != d.ID {
		t.Errorf("manager Deal = %+v", got)
	}
}

func testDealsInvalid(t *testing.T, f *fixture) {
	ctx := t.Context()
	for _, nd := range []store.NewDeal{
		{Customer: named("Acme"), Currency: "usd"},
		{Customer: named("Acme"), Currency: ""},
		{Customer: named("Acme"), Currency: "USD", Value: -1},
		{Customer: named("Acme"), Currency: "USD", Stage: "dreaming"},
		{Customer: named("  "), Currency: "USD"},
	} {
		if _, _, err := f.s.CreateDeal(ctx, f.rep1, f.origin(), nd); !errors.Is(err, store.ErrInvalid) {
			t.Errorf("CreateDeal(%+v) = %v, want ErrInvalid", nd, err)
		}
	}
	if cs := f.find(f.rep1, "Acme", 5); len(cs) != 0 {
		t.Errorf("a refused deal left customers %v", cs)
	}
	d, _ := f.createDeal(f.rep1, store.NewDeal{Customer: named("Acme"), Currency: "USD"})
	bad := "later"
	for _, upd := range []store.DealUpdate{{Stage: &bad}, {}, {Currency: &bad}} {
		if _, _, err := f.s.UpdateDeal(ctx, f.rep1, f.origin(), d.ID, upd); !errors.Is(err, store.ErrInvalid) {
			t.Errorf("UpdateDeal(%+v) = %v, want ErrInvalid", upd, err)
		}
	}
	nobody := store.UserID(9999)
	if _, _, err := f.s.UpdateDeal(ctx, f.rep1, f.origin(), d.ID, store.DealUpdate{Owner: &nobody}); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("UpdateDeal(owner nobody) = %v, want ErrNotFound", err)
	}
}

func testDealsStages(t *testing.T, f *fixture) {
	d, _ := f.createDeal(f.rep1, store.NewDeal{Customer: named("Sao Mai"), Value: 150_000_000, Currency: "VND"})
	f.setNow(T0.Add(2 * day))
	proposal, lost, reason := "proposal", "lost", "giá"
	d, _ = f.updateDeal(f.rep1, d.ID, store.DealUpdate{Stage: &proposal})
	wantTime(t, "StageChangedAt after proposal", d.StageChangedAt, T0.Add(2*day))
	f.setNow(T0.Add(5 * day))
	need := "new CRM"
	d, _ = f.updateDeal(f.rep1, d.ID, store.DealUpdate{Need: &need})
	wantTime(t, "StageChangedAt after qualification", d.StageChangedAt, T0.Add(2*day)) // not a stage change
	d, ch := f.updateDeal(f.rep1, d.ID, store.DealUpdate{Stage: &lost, LostReason: &reason})
	if got := f.deal(f.rep1, d.ID); got.Stage != "lost" || got.LostReason != "giá" || got.Need != "new CRM" || got.Open() {
		t.Errorf("after lost: %+v", got)
	}
	f.undo(f.rep1, ch)
	got := f.deal(f.rep1, d.ID)
	if got.Stage != "proposal" || got.LostReason != "" {
		t.Errorf("after undo of lost: %+v, want proposal without a reason", got)
	}
	wantTime(t, "StageChangedAt after undo", got.StageChangedAt, T0.Add(2*day))
	// Reopening a lost deal drops its reason.
	f.updateDeal(f.rep1, d.ID, store.DealUpdate{Stage: &lost, LostReason: &reason})
	d, _ = f.updateDeal(f.rep1, d.ID, store.DealUpdate{Stage: &proposal})
	if d.LostReason != "" || f.deal(f.rep1, d.ID).LostReason != "" {
		t.Errorf("reopened deal keeps its lost reason: %+v", d)
	}
	// Value, close date and owner.
	v, cur, close, owner := int64(99_00), "USD", T0.AddDate(0, 2, 0), f.rep2.UserID
	d, _ = f.updateDeal(f.rep1, d.ID, store.DealUpdate{Value: &v, Currency: &cur, ExpectedClose: &close, Owner: &owner})
	if got := f.deal(f.manager, d.ID); got.Value != v || got.Currency != cur || !got.ExpectedClose.Equal(close) || got.OwnerID != owner {
		t.Errorf("after update: %+v", got)
	}
}

func testDealsCarePlan(t *testing.T, f *fixture) {
	d, _ := f.createDeal(f.rep1, store.NewDeal{Customer: named("Minh Phát"), Value: 150_000_000, Currency: "VND", Stage: "negotiation"})
	won := "won"
	plan := &store.CarePlan{
		FollowUps: []store.FollowUp{
			{Due: T0.AddDate(0, 0, 3), AllDay: true, Note: "thank-you check-in"},
			{Due: T0.AddDate(0, 1, 0), AllDay: true, Note: "check-in"},
		},
		Occasion: &store.Occasion{Kind: "purchase", Month: T0.Month(), Day: T0.Day(), Year: T0.Year(), Label: d.Title},
	}
	// The manager marks the rep's deal won: the check-ins are the owner's.
	_, ch := f.updateDeal(f.manager, d.ID, store.DealUpdate{Stage: &won, CarePlan: plan})
	fus := f.followUps(f.rep1, store.FollowUpFilter{Customer: d.CustomerID, Status: store.FollowUpOpen})
	if len(fus) != 2 || fus[0].Note != "thank-you check-in" || fus[0].OwnerID != f.rep1.UserID || !fus[1].Due.Equal(T0.AddDate(0, 1, 0)) {
		t.Fatalf("care plan follow-ups = %+v", fus)
	}
	b := f.book(f.rep1, store.AgendaFilter{Customer: d.CustomerID, Until: T0, Occasions: []store.MonthDay{{Month: T0.Month(), Day: T0.Day()}}})
	if len(b.Occasions) != 1 || b.Occasions[0].Kind != "purchase" {
		t.Errorf("care plan occasion = %+v", b.Occasions)
	}
	// Won, lost, won again: nothing twice.
	lost := "lost"
	_, lostCh := f.updateDeal(f.rep1, d.ID, store.DealUpdate{Stage: &lost})
	_, againCh := f.updateDeal(f.rep1, d.ID, store.DealUpdate{Stage: &won, CarePlan: plan})
	if fus := f.followUps(f.rep1, store.FollowUpFilter{Customer: d.CustomerID, Status: store.FollowUpOpen}); len(fus) != 2 {
		t.Errorf("won again: follow-ups %+v", fus)
	}
	b = f.book(f.rep1, store.AgendaFilter{Customer: d.CustomerID, Until: T0, Occasions: []store.MonthDay{{Month: T0.Month(), Day: T0.Day()}}})
	if len(b.Occasions) != 1 {
		t.Errorf("won again: occasions %+v", b.Occasions)
	}
	f.undo(f.rep1, againCh)
	f.undo(f.rep1, lostCh)
	f.undo(f.manager, ch)
	if fus := f.followUps(f.rep1, store.FollowUpFilter{Customer: d.CustomerID}); len(fus) != 0 {
		t.Errorf("after undo of the win: follow-ups %+v", fus)
	}
	b = f.book(f.rep1, store.AgendaFilter{Customer: d.CustomerID, Until: T0, Occasions: []store.MonthDay{{Month: T0.Month(), Day: T0.Day()}}})
	if len(b.Occasions) != 0 {
		t.Errorf("after undo of the win: occasions %+v", b.Occasions)
	}
	if got := f.deal(f.rep1, d.ID); got.Stage != "negotiation" {
		t.Errorf("after undo: stage %s", got.Stage)
	}
}

func testDealsIdempotent(t *testing.T, f *fixture) {
	ctx := t.Context()
	o := store.Origin{Platform: "slack", EventID: "deal-1"}
	nd := store.NewDeal{Customer: named("Acme"), Currency: "USD"}
	d, _, err := f.s.CreateDeal(ctx, f.rep1, o, nd)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := f.s.CreateDeal(ctx, f.rep1, o, nd); !errors.Is(err, store.ErrDuplicate) {
		t.Errorf("CreateDeal again = %v, want ErrDuplicate", err)
	}
	stage := "proposal"
	if _, _, err := f.s.UpdateDeal(ctx, f.rep1, o, d.ID, store.DealUpdate{Stage: &stage}); !errors.Is(err, store.ErrDuplicate) {
		t.Errorf("UpdateDeal with a used event = %v, want ErrDuplicate", err)
	}
	if ds, _ := f.s.FindDeals(ctx, f.rep1, "Acme", 10); len(ds) != 1 || ds[0].Stage != "qualify" {
		t.Errorf("deals = %+v, want one in qualify", ds)
	}
}

func testDealsBind(t *testing.T, f *fixture) {
	ctx := t.Context()
	d, _ := f.createDeal(f.rep1, store.NewDeal{Customer: named("Acme"), Title: "Acme renewal", Currency: "USD"})
	other, _ := f.createDeal(f.rep1, store.NewDeal{Customer: named("Globex"), Currency: "USD"})
	if _, err := f.s.ChatBinding(ctx, "slack", "C1", ""); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("ChatBinding before binding = %v, want ErrNotFound", err)
	}
	ch, err := f.s.BindChat(ctx, f.rep1, f.origin(), store.ChatBinding{Platform: "slack", ChatID: "C1", DealID: d.ID})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.s.BindChat(ctx, f.rep1, f.origin(), store.ChatBinding{Platform: "slack", ChatID: "C1", ThreadID: "T9", DealID: other.ID, Capture: store.CaptureAll}); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		thread  string
		deal    store.DealID
		capture store.Capture
	}{{"", d.ID, store.CaptureMentions}, {"T1", d.ID, store.CaptureMentions}, {"T9", other.ID, store.CaptureAll}} {
		b, err := f.s.ChatBinding(ctx, "slack", "C1", tt.thread)
		if err != nil || b.DealID != tt.deal || b.Capture != tt.capture || b.BoundBy != f.rep1.UserID {
			t.Errorf("ChatBinding(C1, %q) = %+v, %v; want deal %d, %s", tt.thread, b, err, tt.deal, tt.capture)
		}
	}
	if _, err := f.s.ChatBinding(ctx, "telegram", "C1", ""); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("ChatBinding on another platform = %v, want ErrNotFound", err)
	}
	if bs, err := f.s.BindingsOf(ctx, d.ID); err != nil || len(bs) != 1 || bs[0].ChatID != "C1" {
		t.Errorf("BindingsOf = %+v, %v", bs, err)
	}

	// rep2 does not see Acme, but speaks in its bound channel.
	b := store.ChatBinding{Platform: "slack", ChatID: "C1", ThreadID: "T1"}
	in, err := f.s.CaptureMessage(ctx, f.rep2, store.Origin{Platform: "slack", EventID: "m1"}, b,
		store.Interaction{Kind: store.KindMessage, At: T0, Summary: "they want 20 seats"})
	if err != nil || in.DealID != d.ID || in.CustomerID != d.CustomerID || in.UserID != f.rep2.UserID || in.Source.EventID != "m1" {
		t.Fatalf("CaptureMessage = %+v, %v", in, err)
	}
	if _, err := f.s.CaptureMessage(ctx, f.rep2, store.Origin{Platform: "slack", EventID: "m1"}, b, in); !errors.Is(err, store.ErrDuplicate) {
		t.Errorf("CaptureMessage again = %v, want ErrDuplicate", err)
	}
	if _, err := f.s.CaptureMessage(ctx, f.rep2, f.origin(), store.ChatBinding{Platform: "slack", ChatID: "C2"}, in); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("CaptureMessage in an unbound chat = %v, want ErrNotFound", err)
	}
	is, err := f.s.DealInteractions(ctx, f.rep1, d.ID, 10)
	if err != nil || len(is) != 1 || is[0].Summary != "they want 20 seats" {
		t.Errorf("DealInteractions = %+v, %v", is, err)
	}
	if is, err := f.s.DealInteractions(ctx, f.rep2, d.ID, 10); err != nil || len(is) != 0 {
		t.Errorf("rep2 DealInteractions = %+v, %v; want none (not their customer)", is, err)
	}
	// Undoing the binding removes it.
	f.undo(f.rep1, ch)
	if _, err := f.s.ChatBinding(ctx, "slack", "C1", ""); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("ChatBinding after undo = %v, want ErrNotFound", err)
	}
}

func testDealsActivity(t *testing.T, f *fixture) {
	ctx := t.Context()
	meeting := &store.Interaction{Kind: store.KindMeeting, At: T0.Add(-time.Hour), Summary: "demo"}
	f.record(f.rep1, store.Activity{Customer: named("Acme"), Interaction: call(T0.Add(-2*time.Hour), "call")})
	f.record(f.rep1, store.Activity{Customer: named("Acme"), Interaction: call(T0.AddDate(0, 0, -10), "old call")})
	r := f.record(f.rep1, store.Activity{Customer: named("Acme"), Interaction: meeting, FollowUp: due(T0.Add(day), "quote")})
	f.complete(f.rep1, r.FollowUp.ID)
	f.record(f.rep2, store.Activity{Customer: named("Beta"), Interaction: call(T0.Add(-time.Hour), "call")})
	since := T0.AddDate(0, 0, -7)

	got, err := f.s.ActivitySince(ctx, f.rep1, since)
	if err != nil || len(got) != 1 || got[0] != (store.RepActivity{UserID: f.rep1.UserID, Name: "rep1", Calls: 1, Meetings: 1, FollowUpsDone: 1}) {
		t.Errorf("rep1 ActivitySince = %+v, %v", got, err)
	}
	all, err := f.s.ActivitySince(ctx, f.admin, since)
	if err != nil || len(all) != 4 {
		t.Fatalf("admin ActivitySince = %+v, %v; want every user", all, err)
	}
	// A manager sees their team: themselves and rep1.
	team, err := f.s.ActivitySince(ctx, f.manager, since)
	if err != nil || len(team) != 2 || team[0].UserID != f.manager.UserID && team[1].UserID != f.manager.UserID {
		t.Errorf("manager ActivitySince = %+v, %v; want the manager and rep1", team, err)
	}
	for _, a := range all {
		if a.UserID == f.rep2.UserID && a.Calls != 1 {
			t.Errorf("rep2 activity = %+v, want 1 call", a)
		}
	}
}
