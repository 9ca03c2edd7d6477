package storetest

import (
	"errors"
	"slices"
	"testing"

	"github.com/tend-crm/tend/store"
)

var referralTests = []struct {
	name string
	fn   func(*testing.T, *fixture)
}{
	{"Referrals/SetListUndo", testReferralsSet},
	{"Referrals/InvalidAndScope", testReferralsInvalid},
	{"Referrals/AgendaLeavesOutOthers", testReferralsAgenda},
}

// customerOf records a call with a new customer of s and returns it.
func (f *fixture) customerOf(s store.Scope, name string) store.Customer {
	return f.record(s, store.Activity{Customer: named(name), Interaction: call(T0, "hello")}).Customer
}

func customerNames(cs []store.Customer) []string {
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = c.Name
	}
	return out
}

func testReferralsSet(t *testing.T, f *fixture) {
	ctx := t.Context()
	globex := f.customerOf(f.rep1, "Globex")
	acme := f.customerOf(f.rep1, "Acme")
	beta := f.customerOf(f.rep1, "Beta")

	o := f.origin()
	ch, err := f.s.SetReferrer(ctx, f.rep1, o, acme.ID, globex.ID)
	if err != nil || ch == 0 {
		t.Fatalf("SetReferrer = %d, %v", ch, err)
	}
	if _, err := f.s.SetReferrer(ctx, f.rep1, o, acme.ID, globex.ID); !errors.Is(err, store.ErrDuplicate) {
		t.Errorf("SetReferrer replayed = %v, want ErrDuplicate", err)
	}
	if _, err := f.s.SetReferrer(ctx, f.rep1, f.origin(), acme.ID, globex.ID); !errors.Is(err, store.ErrConflict) {
		t.Errorf("SetReferrer again = %v, want ErrConflict", err)
	}
	if _, err := f.s.SetReferrer(ctx, f.rep1, f.origin(), beta.ID, globex.ID); err != nil {
		t.Fatalf("SetReferrer(beta) = %v", err)
	}
	if got := f.customer(f.rep1, acme.ID).ReferredBy; got != globex.ID {
		t.Errorf("Acme ReferredBy = %d, want %d", got, globex.ID)
	}
	referred, err := f.s.Referred(ctx, f.rep1, globex.ID, 10)
	if want := []string{"Acme", "Beta"}; err != nil || !slices.Equal(customerNames(referred), want) {
		t.Errorf("Referred(Globex) = %v, %v; want %v", customerNames(referred), err, want)
	}
	// Undo takes back the latest referral only.
	if u := f.undo(f.rep1, 0); u.UndoneAt.IsZero() && u.ID == 0 {
		t.Fatalf("Undo = %+v", u)
	}
	if got := f.customer(f.rep1, beta.ID).ReferredBy; got != 0 {
		t.Errorf("Beta ReferredBy after undo = %d, want 0", got)
	}
	referred, _ = f.s.Referred(ctx, f.rep1, globex.ID, 10)
	if want := []string{"Acme"}; !slices.Equal(customerNames(referred), want) {
		t.Errorf("Referred(Globex) after undo = %v, want %v", customerNames(referred), want)
	}
	// Another referrer replaces the first.
	if _, err := f.s.SetReferrer(ctx, f.rep1, f.origin(), acme.ID, beta.ID); err != nil {
		t.Fatalf("SetReferrer(acme by beta) = %v", err)
	}
	if got := f.customer(f.rep1, acme.ID).ReferredBy; got != beta.ID {
		t.Errorf("Acme ReferredBy = %d, want %d", got, beta.ID)
	}
}

func testReferralsInvalid(t *testing.T, f *fixture) {
	ctx := t.Context()
	acme := f.customerOf(f.rep1, "Acme")
	other := f.customerOf(f.rep2, "Initech")
	if _, err := f.s.SetReferrer(ctx, f.rep1, f.origin(), acme.ID, acme.ID); !errors.Is(err, store.ErrInvalid) {
		t.Errorf("SetReferrer(self) = %v, want ErrInvalid", err)
	}
	// Neither side may be a customer the user cannot see.
	if _, err := f.s.SetReferrer(ctx, f.rep1, f.origin(), acme.ID, other.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("SetReferrer(by another rep's customer) = %v, want ErrNotFound", err)
	}
	if _, err := f.s.SetReferrer(ctx, f.rep2, f.origin(), acme.ID, other.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("SetReferrer(another rep's customer) = %v, want ErrNotFound", err)
	}
	if got := f.customer(f.rep1, acme.ID).ReferredBy; got != 0 {
		t.Errorf("Acme ReferredBy = %d after refused calls", got)
	}
	// An admin records it across reps; each rep sees only their own.
	if _, err := f.s.SetReferrer(ctx, f.admin, f.origin(), acme.ID, other.ID); err != nil {
		t.Fatalf("admin SetReferrer = %v", err)
	}
	if cs, err := f.s.Referred(ctx, f.rep2, other.ID, 10); err != nil || len(cs) != 0 {
		t.Errorf("rep2 Referred = %v, %v; want none of rep1's", customerNames(cs), err)
	}
	if cs, err := f.s.Referred(ctx, f.manager, other.ID, 10); err != nil || len(cs) != 1 {
		t.Errorf("manager Referred = %v, %v; want Acme", customerNames(cs), err)
	}
}

// testReferralsAgenda: customers are created as leads here, so a recent
// win never makes them worth a referral ask; the store's own tests cover
// loyal customers.
func testReferralsAgenda(t *testing.T, f *fixture) {
	d, _ := f.createDeal(f.rep1, store.NewDeal{Customer: named("Acme"), Currency: "USD"})
	won := store.DealWon
	f.updateDeal(f.rep1, d.ID, store.DealUpdate{Stage: &won})
	b := f.book(f.rep1, store.AgendaFilter{Until: T0, WonSince: T0.AddDate(0, 0, -90)})
	if len(b.ReferralAsks) != 0 {
		t.Errorf("ReferralAsks = %v, want none for a lead", dealTitles(b.ReferralAsks))
	}
}
