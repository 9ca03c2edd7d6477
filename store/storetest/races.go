package storetest

import (
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/tend-crm/tend/store"
)

// raceTests press one button from several places at once, or make two
// edits of one record at once, as several dispatchers or replicas do: a
// store that reads a row and then writes from what it read must lock it
// first, or the second writer works from a stale copy.
var raceTests = []struct {
	name string
	fn   func(*testing.T, *fixture)
}{
	{"Races/SnoozeCountedOnce", testRaceSnooze},
	{"Races/UndoOnce", testRaceUndoTwice},
	{"Races/UndoAgainstDone", testRaceUndoDone},
	{"Races/UndoAgainstFulfil", testRaceUndoFulfil},
	{"Races/DealStages", testRaceDealStages},
	{"Races/WonOnce", testRaceWon},
	{"Races/CustomerUpdateAgainstCalls", testRaceCustomerUpdate},
	{"Races/CaptureOnOneCustomer", testRaceCapture},
	{"Races/BindOneChat", testRaceBind},
	{"Races/ReferralOnce", testRaceReferral},
	{"Races/NewCustomerOnce", testRaceNewCustomer},
	{"Races/PlanSegmentOnce", testRacePlanSegment},
	{"Races/RemoveUserOnce", testRaceRemoveUser},
	{"Races/WritingWhileRemoved", testRaceWritingWhileRemoved},
}

// together runs fn(0) … fn(n-1) in goroutines released at once and
// returns their errors, in that order.
func together(n int, fn func(i int) error) []error {
	errs := make([]error, n)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			<-start
			errs[i] = fn(i)
		})
	}
	close(start)
	wg.Wait()
	return errs
}

// onceOf checks that exactly one of errs is nil and the others are one of
// the sentinels in refused, and returns the index of the one that passed.
func onceOf(t *testing.T, what string, errs []error, refused ...error) int {
	t.Helper()
	won := -1
	for i, err := range errs {
		switch {
		case err == nil && won < 0:
			won = i
		case err == nil:
			t.Errorf("%s: attempts %d and %d both succeeded, want one", what, won, i)
		case !isAny(err, refused):
			t.Errorf("%s: attempt %d: %v, want nil or one of %v", what, i, err, refused)
		}
	}
	if won < 0 {
		t.Errorf("%s: no attempt succeeded: %v", what, errs)
	}
	return won
}

func isAny(err error, targets []error) bool {
	for _, t := range targets {
		if errors.Is(err, t) {
			return true
		}
	}
	return false
}

// testRaceSnooze snoozes one follow-up from several places at once: every
// snooze is counted, as the count decides when Tend asks whether the
// follow-up still matters.
func testRaceSnooze(t *testing.T, f *fixture) {
	const writers, each = 4, 5
	id := f.record(f.rep1, store.Activity{Customer: named("Acme"), FollowUp: due(T0.Add(day), "quote")}).FollowUp.ID
	errs := together(writers, func(w int) error {
		for i := range each {
			o := store.Origin{Platform: "test", EventID: fmt.Sprintf("snooze-%d-%d", w, i)}
			if _, _, err := f.s.SnoozeFollowUp(t.Context(), f.rep1, o, id, T0.Add(time.Duration(2+w*each+i)*day), true); err != nil {
				return err
			}
		}
		return nil
	})
	for _, err := range errs {
		if err != nil {
			t.Errorf("SnoozeFollowUp: %v", err)
		}
	}
	if fu := f.followUp(f.rep1, id); fu.Snoozes != writers*each {
		t.Errorf("Snoozes = %d after %d snoozes", fu.Snoozes, writers*each)
	}
}

// testRaceUndoTwice presses Undo on one change from several places at
// once: the change is undone once, the other presses hear it was.
func testRaceUndoTwice(t *testing.T, f *fixture) {
	const presses = 4
	ctx := t.Context()
	var changes []store.ChangeID
	for i := range 3 {
		r := f.record(f.rep1, store.Activity{Customer: named(fmt.Sprintf("Acme %d", i)), Interaction: call(T0, "hello"),
			FollowUp: due(T0.Add(day), "quote")})
		_, snooze := f.snooze(f.rep1, r.FollowUp.ID, T0.Add(2*day), true)
		// Saving a phone number the customer has already: a change that
		// leaves the row as it found it, so only the change's own record
		// tells that it was undone.
		phone := "0901 234 567"
		_, set, err := f.s.UpdateCustomer(ctx, f.rep1, f.origin(), r.Customer.ID, store.CustomerUpdate{Phone: &phone})
		if err != nil {
			t.Fatal(err)
		}
		_, again, err := f.s.UpdateCustomer(ctx, f.rep1, f.origin(), r.Customer.ID, store.CustomerUpdate{Phone: &phone})
		if err != nil {
			t.Fatal(err)
		}
		changes = append(changes, again, set, snooze) // newest first: each can be undone in turn
	}
	for _, id := range changes {
		errs := together(presses, func(i int) error {
			_, err := f.s.Undo(ctx, f.rep1, store.Origin{Platform: "test", EventID: fmt.Sprintf("undo-%d-%d", id, i)}, id)
			return err
		})
		onceOf(t, fmt.Sprintf("Undo(%d)", id), errs, store.ErrConflict)
	}
}

// testRaceUndoDone undoes a snooze while Done is pressed on the follow-up:
// a snooze is not undone on a follow-up completed since, so if both go
// through, Done came second and completed the follow-up as the undo left
// it.
func testRaceUndoDone(t *testing.T, f *fixture) {
	const rounds = 10
	for i := range rounds {
		r := f.record(f.rep1, store.Activity{Customer: named("Acme"), FollowUp: due(T0.Add(day), fmt.Sprintf("quote %d", i))})
		_, snooze := f.snooze(f.rep1, r.FollowUp.ID, T0.Add(3*day), false)
		var done store.FollowUp
		errs := together(2, func(w int) error {
			var err error
			if w == 0 {
				_, err = f.s.Undo(t.Context(), f.rep1, f.origin2("undo", i), snooze)
			} else {
				done, _, err = f.s.CompleteFollowUp(t.Context(), f.rep1, f.origin2("done", i), r.FollowUp.ID)
			}
			return err
		})
		if errs[1] != nil {
			t.Fatalf("CompleteFollowUp: %v", errs[1])
		}
		switch {
		case errs[0] == nil && done.Snoozes != 0:
			t.Errorf("round %d: the snooze was undone on a follow-up completed since (completed at snooze %d, due %v)", i, done.Snoozes, done.Due)
		case errs[0] != nil && !errors.Is(errs[0], store.ErrConflict):
			t.Errorf("round %d: Undo: %v, want nil or ErrConflict", i, errs[0])
		}
		if fu := f.followUp(f.rep1, r.FollowUp.ID); fu.Status != store.FollowUpDone {
			t.Errorf("round %d: follow-up is %s, want done", i, fu.Status)
		}
	}
}

// testRaceUndoFulfil undoes a call and its follow-up while another
// message fulfils that follow-up: one of them wins, the other hears why,
// and neither waits on the other for ever.
func testRaceUndoFulfil(t *testing.T, f *fixture) {
	const rounds = 10
	acme := f.record(f.rep1, store.Activity{Customer: named("Acme"), Interaction: call(T0, "hello")}).Customer
	for i := range rounds {
		at := T0.Add(time.Duration(2*i+1) * time.Minute)
		r := f.record(f.rep1, store.Activity{Customer: byID(acme.ID), Interaction: call(at, "asked for a quote"),
			FollowUp: due(T0.Add(day), fmt.Sprintf("quote %d", i))})
		errs := together(2, func(w int) error {
			if w == 0 {
				_, err := f.s.Undo(t.Context(), f.rep1, f.origin2("undo", i), r.Change)
				return err
			}
			_, err := f.s.Record(t.Context(), f.rep1, f.origin2("fulfil", i), store.Activity{Customer: byID(acme.ID),
				Interaction: call(at.Add(time.Minute), "sent the quote"), Fulfils: r.FollowUp.ID})
			return err
		})
		won := onceOf(t, fmt.Sprintf("round %d: Undo against Record(Fulfils)", i), errs, store.ErrConflict, store.ErrNotFound)
		fu, err := f.s.FollowUp(t.Context(), f.rep1, r.FollowUp.ID)
		switch won {
		case 0:
			wantErr(t, "FollowUp after the undo", err, store.ErrNotFound)
		case 1:
			if err != nil || fu.Status != store.FollowUpDone {
				t.Errorf("round %d: follow-up = %+v, %v; want done", i, fu, err)
			}
		}
	}
}

// origin2 names an event of a concurrent test, apart from f.origin's,
// which is not safe to call from several goroutines.
func (f *fixture) origin2(what string, i int) store.Origin {
	return store.Origin{Platform: "test", EventID: fmt.Sprintf("%s-%d", what, i)}
}

// testRaceDealStages moves one deal from several places at once: its
// history holds only real moves, and a deal that is not lost has no
// reason for being lost.
func testRaceDealStages(t *testing.T, f *fixture) {
	const writers, each = 4, 6
	d, _ := f.createDeal(f.rep1, store.NewDeal{Customer: named("Sao Mai"), Value: 150_000_000, Currency: "VND"})
	stages := []string{"proposal", "lost", "negotiation", "lost"}
	errs := together(writers, func(w int) error {
		for i := range each {
			stage := stages[(w+i)%len(stages)]
			upd := store.DealUpdate{Stage: &stage}
			if stage == "lost" {
				reason := fmt.Sprintf("price %d.%d", w, i)
				upd.LostReason = &reason
			}
			_, _, err := f.s.UpdateDeal(t.Context(), f.rep1, f.origin2(fmt.Sprintf("stage-%d", w), i), d.ID, upd)
			if err != nil && !errors.Is(err, store.ErrInvalid) { // already at that stage: nothing to change
				return err
			}
		}
		return nil
	})
	for _, err := range errs {
		if err != nil {
			t.Errorf("UpdateDeal: %v", err)
		}
	}
	if got := f.deal(f.rep1, d.ID); got.Stage != "lost" && got.LostReason != "" {
		t.Errorf("deal at %s keeps lost reason %q", got.Stage, got.LostReason)
	}
	err := f.s.AuditLog(t.Context(), time.Time{}, func(a store.AuditRecord) error {
		if a.Entity != "deals" || a.EntityID != int64(d.ID) || a.Action != "update" {
			return nil
		}
		var before, after struct {
			Stage      *string `json:"stage"`
			LostReason *string `json:"lost_reason"`
		}
		if err := errors.Join(json.Unmarshal([]byte(a.Before), &before), json.Unmarshal([]byte(a.After), &after)); err != nil {
			return err
		}
		if after.Stage != nil && before.Stage != nil && *after.Stage == *before.Stage {
			t.Errorf("change %d moved the deal from %s to %s", a.ID, *before.Stage, *after.Stage)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// testRaceWon: a deal marked won from several places at once, each with
// its care plan, is won once and gets one plan: the others find it won.
func testRaceWon(t *testing.T, f *fixture) {
	const presses = 6
	d, _ := f.createDeal(f.rep1, store.NewDeal{Customer: named("Minh Phát"), Value: 150_000_000, Currency: "VND", Stage: "negotiation"})
	errs := together(presses, func(i int) error {
		won := store.DealWon
		plan := &store.CarePlan{FollowUps: []store.FollowUp{{Due: T0.AddDate(0, 0, 3), AllDay: true, Note: "thank-you check-in"}}}
		_, _, err := f.s.UpdateDeal(t.Context(), f.rep1, f.origin2("won", i), d.ID, store.DealUpdate{Stage: &won, CarePlan: plan})
		return err
	})
	onceOf(t, "mark won", errs, store.ErrInvalid)
	if fus := f.followUps(f.rep1, store.FollowUpFilter{Customer: d.CustomerID}); len(fus) != 1 {
		t.Errorf("%d care plan follow-ups after %d wins at once, want 1", len(fus), presses)
	}
}

// testRaceCustomerUpdate changes a customer's cadence while calls with it
// are logged: the keep-in-touch date always follows the last contact and
// the cadence both.
func testRaceCustomerUpdate(t *testing.T, f *fixture) {
	const rounds = 10
	acme := f.record(f.rep1, store.Activity{Customer: named("Acme"), Interaction: call(T0, "first")}).Customer
	for i := range rounds {
		at := T0.Add(time.Duration(i+1) * time.Minute)
		errs := together(2, func(w int) error {
			if w == 0 {
				_, err := f.s.Record(t.Context(), f.rep1, f.origin2("call", i), store.Activity{Customer: byID(acme.ID), Interaction: call(at, "again")})
				return err
			}
			cadence := 7 + i
			_, _, err := f.s.UpdateCustomer(t.Context(), f.rep1, f.origin2("cadence", i), acme.ID, store.CustomerUpdate{CadenceDays: &cadence})
			return err
		})
		if err := errors.Join(errs...); err != nil {
			t.Fatalf("round %d: %v", i, err)
		}
		wantTouch(t, f.customer(f.rep1, acme.ID), at)
	}
}

// testRaceCapture captures messages about one customer from several bound
// chats at once: the last contact is the latest message.
func testRaceCapture(t *testing.T, f *fixture) {
	const chats, rounds = 4, 6
	d, _ := f.createDeal(f.rep1, store.NewDeal{Customer: named("Acme"), Currency: "USD"})
	for c := range chats {
		if _, err := f.s.BindChat(t.Context(), f.rep1, f.origin(), store.ChatBinding{Platform: "slack", ChatID: fmt.Sprint("C", c), DealID: d.ID}); err != nil {
			t.Fatal(err)
		}
	}
	minute := func(n int) time.Time { return T0.Add(time.Duration(n) * time.Minute) }
	for i := range rounds {
		errs := together(chats, func(c int) error {
			_, err := f.s.CaptureMessage(t.Context(), f.rep1, f.origin2(fmt.Sprint("C", c), i), store.ChatBinding{Platform: "slack", ChatID: fmt.Sprint("C", c)},
				store.Interaction{Kind: store.KindMessage, At: minute(i*chats + c + 1), Summary: "news"})
			return err
		})
		if err := errors.Join(errs...); err != nil {
			t.Fatalf("round %d: CaptureMessage: %v", i, err)
		}
		wantTouch(t, f.customer(f.rep1, d.CustomerID), minute(i*chats+chats))
	}
}

// testRaceBind links one chat to a deal from several places at once:
// every link is stored (the later ones replace the first), none is
// refused as taken.
func testRaceBind(t *testing.T, f *fixture) {
	const presses = 4
	d, _ := f.createDeal(f.rep1, store.NewDeal{Customer: named("Acme"), Currency: "USD"})
	for i := range 5 {
		chat := fmt.Sprint("C", i)
		errs := together(presses, func(p int) error {
			_, err := f.s.BindChat(t.Context(), f.rep1, f.origin2("bind-"+chat, p), store.ChatBinding{Platform: "slack", ChatID: chat, DealID: d.ID})
			return err
		})
		if err := errors.Join(errs...); err != nil {
			t.Errorf("BindChat(%s): %v", chat, err)
		}
	}
	if bs, err := f.s.BindingsOf(t.Context(), d.ID); err != nil || len(bs) != 5 {
		t.Errorf("BindingsOf = %+v, %v; want 5", bs, err)
	}
}

// testRaceReferral records one referral from several places at once: it
// is recorded once.
func testRaceReferral(t *testing.T, f *fixture) {
	const presses = 4
	globex := f.customerOf(f.rep1, "Globex")
	for i := range 5 {
		cu := f.customerOf(f.rep1, fmt.Sprintf("Acme %d", i))
		errs := together(presses, func(p int) error {
			_, err := f.s.SetReferrer(t.Context(), f.rep1, f.origin2(fmt.Sprintf("referral-%d", i), p), cu.ID, globex.ID)
			return err
		})
		onceOf(t, fmt.Sprintf("SetReferrer(%s)", cu.Name), errs, store.ErrConflict)
	}
}

// testRaceNewCustomer logs the first calls with a new customer from
// several places at once: one customer is created, and every call is
// about it.
func testRaceNewCustomer(t *testing.T, f *fixture) {
	const writers = 4
	for i := range 5 {
		name := fmt.Sprintf("Phúc Long %d", i)
		recs := make([]store.Recorded, writers)
		errs := together(writers, func(w int) error {
			var err error
			recs[w], err = f.s.Record(t.Context(), f.rep1, f.origin2(fmt.Sprintf("new-%d", i), w),
				store.Activity{Customer: named(name), Interaction: call(T0, "hello")})
			return err
		})
		created := 0
		for w, err := range errs {
			if err != nil {
				t.Fatalf("Record(%s): %v", name, err)
			}
			if recs[w].NewCustomer {
				created++
			}
		}
		if found := f.find(f.rep1, name, 10); created != 1 || len(found) != 1 {
			t.Errorf("%d writers created %d customers, FindCustomers(%s) = %q; want one", writers, created, name, found)
		}
	}
}

// testRacePlanSegment plans campaigns from several places at once: each
// customer of the segment gets each campaign once.
func testRacePlanSegment(t *testing.T, f *fixture) {
	const customers, campaigns, presses = 3, 5, 4
	seg := "A"
	for i := range customers {
		id := f.customerOf(f.rep1, fmt.Sprintf("Acme %d", i)).ID
		if _, _, err := f.s.UpdateCustomer(t.Context(), f.rep1, f.origin(), id, store.CustomerUpdate{Segment: &seg}); err != nil {
			t.Fatal(err)
		}
	}
	for i := range campaigns {
		plan := store.FollowUp{Due: T0.Add(30 * day), AllDay: true, Note: fmt.Sprintf("greetings %d", i)}
		errs := together(presses, func(p int) error {
			_, _, err := f.s.PlanSegment(t.Context(), f.rep1, f.origin2(fmt.Sprintf("plan-%d", i), p), seg, plan)
			return err
		})
		onceOf(t, "PlanSegment("+plan.Note+")", errs, store.ErrConflict)
	}
	if open := f.followUps(f.rep1, store.FollowUpFilter{Status: store.FollowUpOpen}); len(open) != customers*campaigns {
		t.Errorf("%d follow-ups planned, want %d", len(open), customers*campaigns)
	}
}

// testRaceRemoveUser removes a user from two places at once: the
// hand-over happens once.
func testRaceRemoveUser(t *testing.T, f *fixture) {
	for i := range 5 {
		leaver := f.newRep(fmt.Sprintf("leaver %d", i))
		f.record(leaver, store.Activity{Customer: named(fmt.Sprintf("Acme %d", i)), FollowUp: due(T0.Add(day), "quote")})
		errs := together(2, func(p int) error {
			_, err := f.s.RemoveUser(t.Context(), f.admin, f.origin2(fmt.Sprintf("remove-%d", i), p), leaver.UserID, f.rep2.UserID)
			return err
		})
		onceOf(t, "RemoveUser", errs, store.ErrNotFound)
	}
}

// testRaceWritingWhileRemoved removes a rep while the rep logs calls with
// new customers: what the rep wrote before the removal is handed over,
// what comes after is refused, and no customer is left owned by someone
// who has left. A rep removed since writes nothing at all.
func testRaceWritingWhileRemoved(t *testing.T, f *fixture) {
	const calls = 8
	leaver := f.newRep("leaver")
	errs := together(calls+1, func(i int) error {
		if i == calls {
			_, err := f.s.RemoveUser(t.Context(), f.admin, f.origin2("remove", 0), leaver.UserID, f.rep2.UserID)
			return err
		}
		_, err := f.s.Record(t.Context(), leaver, f.origin2("call", i),
			store.Activity{Customer: named(fmt.Sprintf("Newco %d", i)), Interaction: call(T0, "first call")})
		if errors.Is(err, store.ErrForbidden) {
			return nil // after the removal
		}
		return err
	})
	for i, err := range errs {
		if err != nil {
			t.Errorf("attempt %d: %v", i, err)
		}
	}
	for i := range calls {
		cs, err := f.s.FindCustomers(t.Context(), f.admin, fmt.Sprintf("Newco %d", i), 5)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range cs {
			if c.OwnerID == leaver.UserID {
				t.Errorf("%s is owned by the rep who left", c.Name)
			}
		}
	}
	_, err := f.s.Record(t.Context(), leaver, f.origin2("call", calls),
		store.Activity{Customer: named("Latecomer"), Interaction: call(T0, "first call")})
	if !errors.Is(err, store.ErrForbidden) {
		t.Errorf("Record by a rep removed since = %v, want ErrForbidden", err)
	}
	if names := f.find(f.admin, "Latecomer", 5); len(names) != 0 {
		t.Errorf("a rep removed since created %v", names)
	}
}

// newRep adds a rep.
func (f *fixture) newRep(name string) store.Scope {
	f.t.Helper()
	u, err := f.s.CreateUser(f.t.Context(), store.User{Name: name, Role: store.RoleRep})
	if err != nil {
		f.t.Fatalf("CreateUser(%s): %v", name, err)
	}
	return store.Scope{UserID: u.ID, Role: store.RoleRep}
}
