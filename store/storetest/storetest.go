// Package storetest is the conformance suite for store.Store: every
// implementation runs the same subtests, through the interface only, so
// that SQLite today and PostgreSQL later keep the same semantics.
package storetest

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tend-crm/tend/store"
)

// Harness is one freshly opened, empty store and a way to pin its clock.
type Harness struct {
	Store store.Store
	// SetNow pins the clock the store stamps created and completed times
	// with.
	SetNow func(time.Time)
}

// T0 is the time the suite's clock is pinned to: Monday 9 March 2026,
// 08:00 UTC.
var T0 = time.Date(2026, 3, 9, 8, 0, 0, 0, time.UTC)

const day = 24 * time.Hour

// Run runs the conformance suite. open returns a new, empty store for each
// subtest; closing it is open's business (t.Cleanup).
func Run(t *testing.T, open func(t *testing.T) Harness) {
	tests := []struct {
		name string
		fn   func(*testing.T, *fixture)
	}{
		{"Users/CreateAndLookup", testUsersCreate},
		{"Users/IdentityTaken", testUsersIdentityTaken},
		{"Users/UpdatePartial", testUsersUpdate},
		{"Users/NotFound", testUsersNotFound},

		{"Record/NewCustomer", testRecordNewCustomer},
		{"Record/SameFoldedName", testRecordSameName},
		{"Record/ByID", testRecordByID},
		{"Record/TouchDue", testRecordTouchDue},
		{"Record/Invalid", testRecordInvalid},
		{"Record/Ambiguous", testRecordAmbiguous},
		{"Record/ConcurrentOnOneCustomer", testRecordConcurrent},
		{"FollowUp/CompleteConcurrently", testCompleteConcurrent},

		{"Idempotency/Record", testIdempotentRecord},
		{"Idempotency/SharedLedger", testIdempotentShared},
		{"Idempotency/ClaimEvent", testClaimEvent},
		{"Idempotency/ZeroOrigin", testZeroOrigin},
		{"Idempotency/Undo", testIdempotentUndo},

		{"Atomicity/NewCustomer", testAtomicNew},
		{"Atomicity/ExistingCustomer", testAtomicExisting},

		{"Scope/RepIsolation", testScopeRep},
		{"Scope/SeeAll", testScopeSeeAll},
		{"Scope/ManagerTeam", testScopeTeam},
		{"Scope/Zero", testScopeZero},

		{"FollowUps/DueOrderAndFilters", testFollowUpsOrder},
		{"FollowUps/Complete", testFollowUpsComplete},
		{"FollowUps/Snooze", testFollowUpsSnooze},

		{"UpdateCustomer", testUpdateCustomer},
		{"Record/Fulfils", testRecordFulfils},
		{"Undo/LatestRecord", testUndoLatest},
		{"Undo/RestoresCustomer", testUndoRestoresCustomer},
		{"Undo/Snooze", testUndoSnooze},
		{"Undo/Twice", testUndoTwice},
		{"Undo/OtherUser", testUndoOtherUser},
		{"Undo/ChangedSince", testUndoChangedSince},
		{"Undo/ReferencedLater", testUndoReferenced},

		{"FindCustomers/Ranking", testFindRanking},
		{"FindCustomers/ScopeAndLimit", testFindScope},
		{"Aliases/FindAndNames", testAliases},
		{"Occasions/AddAndAgenda", testOccasions},
		{"Occasions/Lunar", testLunarOccasions},
		{"Campaigns/PlanSegment", testPlanSegment},
		{"Housekeeping/Prune", testPrune},

		{"AgendaBook/FollowUps", testAgendaFollowUps},
		{"AgendaBook/Stale", testAgendaStale},
		{"AgendaBook/Limit", testAgendaLimit},
		{"AgendaBook/LastAndCustomer", testAgendaLast},
		{"AgendaBook/OwnerOfFollowUp", testAgendaFollowUpOwner},

		{"Access/Invite", testInvite},
		{"Access/InviteRace", testInviteRace},
		{"Access/Link", testLink},
		{"Access/RemoveUser", testRemoveUser},

		{"Drafts", testDrafts},
		{"Deliveries", testDeliveries},
	}
	tests = append(tests, dealTests...)
	tests = append(tests, searchTests...)
	tests = append(tests, referralTests...)
	tests = append(tests, raceTests...)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := open(t)
			h.SetNow(T0)
			tt.fn(t, newFixture(t, h))
		})
	}
}

// fixture is a store with an admin, a manager and two reps.
type fixture struct {
	t                          *testing.T
	s                          store.Store
	setNow                     func(time.Time)
	admin, manager, rep1, rep2 store.Scope
	events                     int
}

func newFixture(t *testing.T, h Harness) *fixture {
	f := &fixture{t: t, s: h.Store, setNow: h.SetNow}
	mk := func(name string, role store.Role, manager store.UserID) store.Scope {
		u, err := h.Store.CreateUser(t.Context(), store.User{Name: name, Role: role, ManagerID: manager,
			Identities: []store.Identity{{Platform: "console", ExternalID: name}}})
		if err != nil {
			t.Fatalf("CreateUser(%s): %v", name, err)
		}
		return store.Scope{UserID: u.ID, Role: role}
	}
	f.admin = mk("admin", store.RoleAdmin, 0)
	f.manager = mk("manager", store.RoleManager, 0)
	f.rep1 = mk("rep1", store.RoleRep, f.manager.UserID) // in the manager's team
	f.rep2 = mk("rep2", store.RoleRep, 0)                // in nobody's
	return f
}

// sees reports whether s may see a customer owned by owner, by the rules
// of store.Scope: an admin every one, a manager their team's, anyone
// their own.
func (f *fixture) sees(s store.Scope, owner store.UserID) bool {
	return s.SeesAll() || owner == s.UserID || (s.Role == store.RoleManager && owner == f.rep1.UserID && s.UserID == f.manager.UserID)
}

// origin returns an event id not used before in this store.
func (f *fixture) origin() store.Origin {
	f.events++
	return store.Origin{Platform: "test", EventID: fmt.Sprintf("ev-%d", f.events)}
}

func (f *fixture) record(s store.Scope, a store.Activity) store.Recorded {
	f.t.Helper()
	r, err := f.s.Record(f.t.Context(), s, f.origin(), a)
	if err != nil {
		f.t.Fatalf("Record(%+v): %v", a.Customer, err)
	}
	return r
}

func (f *fixture) customer(s store.Scope, id store.CustomerID) store.Customer {
	f.t.Helper()
	c, err := f.s.Customer(f.t.Context(), s, id)
	if err != nil {
		f.t.Fatalf("Customer(%d): %v", id, err)
	}
	return c
}

func (f *fixture) interactions(s store.Scope, id store.CustomerID) []store.Interaction {
	f.t.Helper()
	is, err := f.s.Interactions(f.t.Context(), s, store.InteractionFilter{Customer: id, Limit: 1000})
	if err != nil {
		f.t.Fatalf("Interactions(%d): %v", id, err)
	}
	return is
}

func (f *fixture) followUps(s store.Scope, flt store.FollowUpFilter) []store.FollowUp {
	f.t.Helper()
	if flt.Limit == 0 {
		flt.Limit = 1000
	}
	fs, err := f.s.FollowUps(f.t.Context(), s, flt)
	if err != nil {
		f.t.Fatalf("FollowUps(%+v): %v", flt, err)
	}
	return fs
}

func (f *fixture) followUp(s store.Scope, id store.FollowUpID) store.FollowUp {
	f.t.Helper()
	fu, err := f.s.FollowUp(f.t.Context(), s, id)
	if err != nil {
		f.t.Fatalf("FollowUp(%d): %v", id, err)
	}
	return fu
}

func (f *fixture) find(s store.Scope, name string, limit int) []string {
	f.t.Helper()
	cs, err := f.s.FindCustomers(f.t.Context(), s, name, limit)
	if err != nil {
		f.t.Fatalf("FindCustomers(%q): %v", name, err)
	}
	names := make([]string, len(cs))
	for i, c := range cs {
		names[i] = c.Name
	}
	return names
}

func (f *fixture) snooze(s store.Scope, id store.FollowUpID, due time.Time, allDay bool) (store.FollowUp, store.ChangeID) {
	f.t.Helper()
	fu, ch, err := f.s.SnoozeFollowUp(f.t.Context(), s, f.origin(), id, due, allDay)
	if err != nil {
		f.t.Fatalf("SnoozeFollowUp(%d): %v", id, err)
	}
	if ch == 0 {
		f.t.Errorf("SnoozeFollowUp(%d) reported change 0", id)
	}
	return fu, ch
}

func (f *fixture) complete(s store.Scope, id store.FollowUpID) (store.FollowUp, store.ChangeID) {
	f.t.Helper()
	fu, ch, err := f.s.CompleteFollowUp(f.t.Context(), s, f.origin(), id)
	if err != nil {
		f.t.Fatalf("CompleteFollowUp(%d): %v", id, err)
	}
	if ch == 0 {
		f.t.Errorf("CompleteFollowUp(%d) reported change 0", id)
	}
	return fu, ch
}

func (f *fixture) undo(s store.Scope, id store.ChangeID) store.Change {
	f.t.Helper()
	ch, err := f.s.Undo(f.t.Context(), s, f.origin(), id)
	if err != nil {
		f.t.Fatalf("Undo(%d): %v", id, err)
	}
	return ch
}

func (f *fixture) book(s store.Scope, flt store.AgendaFilter) store.Book {
	f.t.Helper()
	b, err := f.s.AgendaBook(f.t.Context(), s, flt)
	if err != nil {
		f.t.Fatalf("AgendaBook(%+v): %v", flt, err)
	}
	return b
}

func wantErr(t *testing.T, op string, err, want error) {
	t.Helper()
	if !errors.Is(err, want) {
		t.Fatalf("%s: err = %v, want %v", op, err, want)
	}
}

func wantTime(t *testing.T, what string, got, want time.Time) {
	t.Helper()
	if !got.Equal(want) {
		t.Errorf("%s = %v, want %v", what, got, want)
	}
}

func call(at time.Time, summary string) *store.Interaction {
	return &store.Interaction{Kind: store.KindCall, At: at, Summary: summary}
}

func due(at time.Time, note string) *store.FollowUp {
	return &store.FollowUp{Due: at, Note: note}
}

func named(name string) store.CustomerRef { return store.CustomerRef{Name: name} }

func byID(id store.CustomerID) store.CustomerRef { return store.CustomerRef{ID: id} }

func followUpIDs(fs []store.FollowUp) []store.FollowUpID {
	ids := make([]store.FollowUpID, len(fs))
	for i, x := range fs {
		ids[i] = x.ID
	}
	return ids
}

// wantTouch checks a customer's keep-in-touch date against its last contact
// and cadence.
func wantTouch(t *testing.T, c store.Customer, last time.Time) {
	t.Helper()
	wantTime(t, c.Name+" LastContactAt", c.LastContactAt, last)
	if c.CadenceDays > 0 {
		wantTime(t, c.Name+" TouchDueAt", c.TouchDueAt, last.AddDate(0, 0, c.CadenceDays))
	}
}

// --- Users ---

func testUsersCreate(t *testing.T, f *fixture) {
	ctx := t.Context()
	u, err := f.s.CreateUser(ctx, store.User{
		Name: "Lan", Role: store.RoleRep, TimeZone: "Asia/Ho_Chi_Minh", Lang: "vi", DigestTime: "07:45",
		Identities: []store.Identity{
			{Platform: "telegram", ExternalID: "42", ChatID: "42"},
			{Platform: "slack", ExternalID: "U01"},
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	if u.ID == 0 {
		t.Fatal("CreateUser returned no id")
	}
	for _, ident := range []store.Identity{{Platform: "slack", ExternalID: "U01"}, {Platform: "telegram", ExternalID: "42"}} {
		got, err := f.s.UserByIdentity(ctx, ident)
		if err != nil {
			t.Fatalf("UserByIdentity(%v): %v", ident, err)
		}
		if got.ID != u.ID || got.Name != "Lan" || got.Role != store.RoleRep || got.TimeZone != "Asia/Ho_Chi_Minh" ||
			got.Lang != "vi" || got.DigestTime != "07:45" {
			t.Errorf("UserByIdentity(%v) = %+v, want %+v", ident, got, u)
		}
		if len(got.Identities) != 2 {
			t.Errorf("UserByIdentity(%v).Identities = %+v, want 2", ident, got.Identities)
		}
	}
	got, err := f.s.User(ctx, u.ID)
	if err != nil {
		t.Fatal(err)
	}
	wantTime(t, "CreatedAt", got.CreatedAt, T0)
	i := slices.IndexFunc(got.Identities, func(i store.Identity) bool { return i.Platform == "telegram" })
	if i < 0 || got.Identities[i].ChatID != "42" {
		t.Errorf("Identities = %+v, want telegram with chat 42", got.Identities)
	}
	// Another platform's account with the same external id is another
	// account.
	if _, err := f.s.UserByIdentity(ctx, store.Identity{Platform: "slack", ExternalID: "42"}); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("UserByIdentity(slack 42): err = %v, want ErrNotFound", err)
	}
	users, err := f.s.ListUsers(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(users) != 5 || users[4].ID != u.ID || !slices.IsSortedFunc(users, func(a, b store.User) int { return int(a.ID - b.ID) }) {
		t.Errorf("ListUsers = %+v, want the 5 users by id", users)
	}
}

func testUsersIdentityTaken(t *testing.T, f *fixture) {
	ctx := t.Context()
	before, _ := f.s.ListUsers(ctx)
	_, err := f.s.CreateUser(ctx, store.User{Name: "Impostor", Role: store.RoleAdmin, Identities: []store.Identity{
		{Platform: "slack", ExternalID: "U99"},
		{Platform: "console", ExternalID: "rep1"}, // rep1's
	}})
	wantErr(t, "CreateUser with a taken identity", err, store.ErrConflict)
	after, _ := f.s.ListUsers(ctx)
	if len(after) != len(before) {
		t.Errorf("ListUsers after a refused CreateUser: %d users, want %d", len(after), len(before))
	}
	if _, err := f.s.UserByIdentity(ctx, store.Identity{Platform: "slack", ExternalID: "U99"}); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("the refused user's other identity was kept: err = %v", err)
	}
	u, err := f.s.UserByIdentity(ctx, store.Identity{Platform: "console", ExternalID: "rep1"})
	if err != nil || u.ID != f.rep1.UserID {
		t.Errorf("rep1's identity now belongs to %+v, %v", u, err)
	}
}

func testUsersUpdate(t *testing.T, f *fixture) {
	ctx := t.Context()
	orig, err := f.s.User(ctx, f.rep1.UserID)
	if err != nil {
		t.Fatal(err)
	}
	name, weekends := "Rep One", true
	u, err := f.s.UpdateUser(ctx, f.rep1.UserID, store.UserUpdate{Name: &name, DigestWeekends: &weekends})
	if err != nil {
		t.Fatal(err)
	}
	want := orig
	want.Name, want.DigestWeekends = name, weekends
	if u.Name != want.Name || u.DigestWeekends != want.DigestWeekends || u.Role != want.Role ||
		u.TimeZone != want.TimeZone || u.Lang != want.Lang || u.DigestTime != want.DigestTime {
		t.Errorf("UpdateUser(name, weekends) = %+v, want %+v", u, want)
	}

	tz := "Asia/Ho_Chi_Minh"
	u, err = f.s.UpdateUser(ctx, f.rep1.UserID, store.UserUpdate{TimeZone: &tz,
		Identity: &store.Identity{Platform: "console", ExternalID: "rep1", ChatID: "chat-1"}})
	if err != nil {
		t.Fatal(err)
	}
	if u.TimeZone != tz || u.Name != name {
		t.Errorf("UpdateUser(tz) = %+v", u)
	}
	if len(u.Identities) != 1 || u.Identities[0].ChatID != "chat-1" {
		t.Errorf("Identities after setting the chat id = %+v", u.Identities)
	}

	role := store.RoleManager
	u, err = f.s.UpdateUser(ctx, f.rep1.UserID, store.UserUpdate{Role: &role})
	if err != nil || u.Role != store.RoleManager || u.TimeZone != tz {
		t.Errorf("UpdateUser(role) = %+v, %v", u, err)
	}

	// A rep joins a manager's team and leaves it.
	for _, mgr := range []store.UserID{f.manager.UserID, 0} {
		u, err = f.s.UpdateUser(ctx, f.rep2.UserID, store.UserUpdate{ManagerID: &mgr})
		if err != nil || u.ManagerID != mgr {
			t.Errorf("UpdateUser(manager %d) = %+v, %v", mgr, u, err)
		}
	}

	// A new identity is added beside the others.
	u, err = f.s.UpdateUser(ctx, f.rep1.UserID, store.UserUpdate{Identity: &store.Identity{Platform: "telegram", ExternalID: "777", ChatID: "777"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(u.Identities) != 2 {
		t.Errorf("Identities after adding one = %+v, want 2", u.Identities)
	}
	got, err := f.s.UserByIdentity(ctx, store.Identity{Platform: "telegram", ExternalID: "777"})
	if err != nil || got.ID != f.rep1.UserID {
		t.Errorf("UserByIdentity(new identity) = %+v, %v", got, err)
	}
	// Someone else's identity cannot be taken over.
	_, err = f.s.UpdateUser(ctx, f.rep2.UserID, store.UserUpdate{Identity: &store.Identity{Platform: "telegram", ExternalID: "777", ChatID: "1"}})
	if !errors.Is(err, store.ErrConflict) {
		t.Errorf("UpdateUser(another user's identity) = %v, want ErrConflict", err)
	}
}

func testUsersNotFound(t *testing.T, f *fixture) {
	ctx := t.Context()
	_, err := f.s.User(ctx, 9999)
	wantErr(t, "User(9999)", err, store.ErrNotFound)
	_, err = f.s.UserByIdentity(ctx, store.Identity{Platform: "slack", ExternalID: "nobody"})
	wantErr(t, "UserByIdentity(nobody)", err, store.ErrNotFound)
	name := "x"
	_, err = f.s.UpdateUser(ctx, 9999, store.UserUpdate{Name: &name})
	wantErr(t, "UpdateUser(9999)", err, store.ErrNotFound)
	_, err = f.s.FollowUp(ctx, f.admin, 9999)
	wantErr(t, "FollowUp(9999)", err, store.ErrNotFound)
}

// --- Record ---

func testRecordNewCustomer(t *testing.T, f *fixture) {
	at := T0.Add(-time.Hour)
	r := f.record(f.rep1, store.Activity{
		Customer:    named("  Acme Corp "),
		Contact:     "Lan",
		Interaction: call(at, "asked for a quote"),
		FollowUp:    due(T0.Add(2*day), "send the quote"),
	})
	if !r.NewCustomer || r.Customer.ID == 0 || r.Customer.Name != "Acme Corp" || r.Customer.OwnerID != f.rep1.UserID {
		t.Errorf("Recorded.Customer = %+v (new %v), want a new Acme Corp owned by rep1", r.Customer, r.NewCustomer)
	}
	if r.Change == 0 {
		t.Error("Recorded.Change = 0")
	}
	if r.Contact == nil || !r.NewContact || r.Contact.ID == 0 || r.Contact.Name != "Lan" || r.Contact.CustomerID != r.Customer.ID {
		t.Errorf("Recorded.Contact = %+v (new %v)", r.Contact, r.NewContact)
	}
	in := r.Interaction
	if in == nil || in.ID == 0 || in.CustomerID != r.Customer.ID || in.ContactID != r.Contact.ID || in.UserID != f.rep1.UserID ||
		in.Kind != store.KindCall || !in.At.Equal(at) || in.Summary != "asked for a quote" {
		t.Errorf("Recorded.Interaction = %+v", in)
	}
	fu := r.FollowUp
	if fu == nil || fu.ID == 0 || fu.CustomerID != r.Customer.ID || fu.ContactID != r.Contact.ID || fu.OwnerID != f.rep1.UserID ||
		fu.Status != store.FollowUpOpen || !fu.Due.Equal(T0.Add(2*day)) || fu.Note != "send the quote" {
		t.Errorf("Recorded.FollowUp = %+v", fu)
	}
	wantTouch(t, r.Customer, at)

	c := f.customer(f.rep1, r.Customer.ID)
	if c.Name != "Acme Corp" || c.OwnerID != f.rep1.UserID {
		t.Errorf("Customer = %+v", c)
	}
	wantTime(t, "CreatedAt", c.CreatedAt, T0)
	wantTouch(t, c, at)
	if c.CadenceDays < 0 || (c.CadenceDays == 0) != c.TouchDueAt.IsZero() {
		t.Errorf("CadenceDays %d with TouchDueAt %v", c.CadenceDays, c.TouchDueAt)
	}

	contacts, err := f.s.Contacts(t.Context(), f.rep1, c.ID)
	if err != nil || len(contacts) != 1 || contacts[0].ID != r.Contact.ID || contacts[0].Name != "Lan" {
		t.Errorf("Contacts = %+v, %v", contacts, err)
	}
	is := f.interactions(f.rep1, c.ID)
	if len(is) != 1 || is[0].ID != in.ID || is[0].Summary != in.Summary || !is[0].At.Equal(at) || is[0].ContactID != r.Contact.ID {
		t.Errorf("Interactions = %+v", is)
	}
	fs := f.followUps(f.rep1, store.FollowUpFilter{Customer: c.ID})
	if len(fs) != 1 || fs[0].ID != fu.ID || fs[0].Note != fu.Note || fs[0].Status != store.FollowUpOpen || fs[0].Snoozes != 0 {
		t.Errorf("FollowUps = %+v", fs)
	} else {
		wantTime(t, "FollowUp.CreatedAt", fs[0].CreatedAt, T0)
		wantTime(t, "FollowUp.Due", fs[0].Due, T0.Add(2*day))
	}
}

func testRecordSameName(t *testing.T, f *fixture) {
	first := f.record(f.rep1, store.Activity{Customer: named("Acme Corp"), Contact: "Lan", Interaction: call(T0.Add(-2*day), "first")})
	tests := []struct {
		name, contact string
		newContact    bool
	}{
		{"ACME corp", "lan", false},
		{"acme, corp.", "LAN", false},
		{"Acme   Corp", "Minh", true},
		{"Acme Corp", "minh", false},
	}
	contacts := map[string]store.ContactID{"lan": first.Contact.ID} // by folded name
	for i, tt := range tests {
		r := f.record(f.rep1, store.Activity{Customer: named(tt.name), Contact: tt.contact, Interaction: call(T0.Add(time.Duration(i-10)*time.Hour), tt.name)})
		if r.NewCustomer || r.Customer.ID != first.Customer.ID {
			t.Errorf("Record(%q): customer %d (new %v), want existing %d", tt.name, r.Customer.ID, r.NewCustomer, first.Customer.ID)
		}
		if r.Customer.Name != "Acme Corp" {
			t.Errorf("Record(%q) renamed the customer to %q", tt.name, r.Customer.Name)
		}
		if r.Contact == nil || r.NewContact != tt.newContact {
			t.Errorf("Record(%q, contact %q): contact %+v new %v, want new %v", tt.name, tt.contact, r.Contact, r.NewContact, tt.newContact)
		}
		if r.Contact == nil {
			continue
		}
		key := strings.ToLower(tt.contact)
		if tt.newContact {
			contacts[key] = r.Contact.ID
		} else if r.Contact.ID != contacts[key] {
			t.Errorf("Record(%q, contact %q): contact %d, want %d", tt.name, tt.contact, r.Contact.ID, contacts[key])
		}
	}
	if got := f.find(f.admin, "acme corp", 10); len(got) != 1 {
		t.Errorf("FindCustomers(acme corp) = %q, want one customer", got)
	}
	stored, err := f.s.Contacts(t.Context(), f.rep1, first.Customer.ID)
	if err != nil || len(stored) != 2 || stored[0].Name != "Lan" || stored[1].Name != "Minh" {
		t.Errorf("Contacts = %+v, %v; want Lan, Minh", stored, err)
	}
	if n := len(f.interactions(f.rep1, first.Customer.ID)); n != 5 {
		t.Errorf("%d interactions, want 5", n)
	}
}

func testRecordByID(t *testing.T, f *fixture) {
	a := f.record(f.rep1, store.Activity{Customer: named("Acme Corp"), FollowUp: due(T0.Add(day), "call back")})
	if a.Interaction != nil || a.Contact != nil {
		t.Errorf("Record with a follow-up only stored %+v, %+v", a.Interaction, a.Contact)
	}
	b := f.record(f.rep1, store.Activity{Customer: byID(a.Customer.ID), Interaction: &store.Interaction{Kind: store.KindNote, At: T0, Summary: "note"}})
	if b.NewCustomer || b.Customer.ID != a.Customer.ID || b.Customer.Name != "Acme Corp" {
		t.Errorf("Record by id = %+v (new %v)", b.Customer, b.NewCustomer)
	}
	_, err := f.s.Record(t.Context(), f.rep1, f.origin(), store.Activity{Customer: byID(9999), Interaction: call(T0, "x")})
	wantErr(t, "Record(customer 9999)", err, store.ErrNotFound)
}

func testRecordTouchDue(t *testing.T, f *fixture) {
	r := f.record(f.rep1, store.Activity{Customer: named("Acme"), Interaction: call(T0, "now")})
	id := r.Customer.ID
	wantTouch(t, f.customer(f.rep1, id), T0)

	// A back-dated interaction older than the last does not move the date
	// back.
	old := f.record(f.rep1, store.Activity{Customer: byID(id), Interaction: call(T0.Add(-10*day), "last week")})
	wantTouch(t, old.Customer, T0)
	wantTouch(t, f.customer(f.rep1, id), T0)

	// A follow-up alone is not a contact.
	f.record(f.rep1, store.Activity{Customer: byID(id), FollowUp: due(T0.Add(3*day), "later")})
	wantTouch(t, f.customer(f.rep1, id), T0)

	// Nor is a note: the rep's own writing.
	f.record(f.rep1, store.Activity{Customer: byID(id), Interaction: &store.Interaction{Kind: store.KindNote, At: T0.Add(time.Hour), Summary: "went quiet"}})
	wantTouch(t, f.customer(f.rep1, id), T0)

	later := T0.Add(26 * time.Hour)
	f.record(f.rep1, store.Activity{Customer: byID(id), Interaction: call(later, "tomorrow")})
	wantTouch(t, f.customer(f.rep1, id), later)

	is := f.interactions(f.rep1, id)
	if len(is) != 4 || !is[0].At.Equal(later) || !is[3].At.Equal(T0.Add(-10*day)) {
		t.Errorf("Interactions not newest first: %+v", is)
	}
}

func testRecordInvalid(t *testing.T, f *fixture) {
	huge := strings.Repeat("x", 1<<20)
	tests := []struct {
		name string
		a    store.Activity
	}{
		{"empty name", store.Activity{Customer: named(""), Interaction: call(T0, "x")}},
		{"blank name", store.Activity{Customer: named("   "), Interaction: call(T0, "x")}},
		{"punctuation name", store.Activity{Customer: named("?!."), Interaction: call(T0, "x")}},
		{"nothing to record", store.Activity{Customer: named("Acme")}},
		{"oversized summary", store.Activity{Customer: named("Acme"), Interaction: call(T0, huge)}},
		{"oversized note", store.Activity{Customer: named("Acme"), FollowUp: due(T0, huge)}},
		{"follow-up without due", store.Activity{Customer: named("Acme"), FollowUp: &store.FollowUp{Note: "x"}}},
		{"unknown kind", store.Activity{Customer: named("Acme"), Interaction: &store.Interaction{Kind: "fax", At: T0, Summary: "x"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := f.s.Record(t.Context(), f.rep1, f.origin(), tt.a)
			wantErr(t, "Record", err, store.ErrInvalid)
			if got := f.find(f.admin, "acme", 10); len(got) != 0 {
				t.Errorf("a refused Record left customers %q", got)
			}
			if is := f.interactions(f.admin, 0); len(is) != 0 {
				t.Errorf("a refused Record left interactions %+v", is)
			}
		})
	}
}

// testRecordAmbiguous: reps do not see each other's customers, so each may
// create one of the same name; an admin, who sees both, is asked which.
func testRecordAmbiguous(t *testing.T, f *fixture) {
	a := f.record(f.rep1, store.Activity{Customer: named("Acme Corp"), Interaction: call(T0, "rep1")})
	b := f.record(f.rep2, store.Activity{Customer: named("ACME Corp"), Interaction: call(T0, "rep2")})
	if !b.NewCustomer || b.Customer.ID == a.Customer.ID {
		t.Fatalf("rep2 got rep1's customer: %+v", b.Customer)
	}
	_, err := f.s.Record(t.Context(), f.admin, f.origin(), store.Activity{Customer: named("acme corp"), Interaction: call(T0, "admin")})
	var amb *store.AmbiguousError
	if !errors.As(err, &amb) {
		t.Fatalf("admin's Record(acme corp): err = %v, want *AmbiguousError", err)
	}
	ids := []store.CustomerID{}
	for _, c := range amb.Matches {
		ids = append(ids, c.ID)
	}
	slices.Sort(ids)
	if !slices.Equal(ids, []store.CustomerID{a.Customer.ID, b.Customer.ID}) {
		t.Errorf("AmbiguousError.Matches = %v, want %d and %d", ids, a.Customer.ID, b.Customer.ID)
	}
	if n := len(f.interactions(f.admin, 0)); n != 2 {
		t.Errorf("%d interactions after an ambiguous Record, want 2", n)
	}
	// Each rep still gets their own.
	r := f.record(f.rep2, store.Activity{Customer: named("acme corp"), Interaction: call(T0, "again")})
	if r.Customer.ID != b.Customer.ID {
		t.Errorf("rep2's Record(acme corp) = customer %d, want %d", r.Customer.ID, b.Customer.ID)
	}
}

// --- Idempotency ---

func testIdempotentRecord(t *testing.T, f *fixture) {
	ctx := t.Context()
	o := store.Origin{Platform: "slack", EventID: "Ev01"}
	a := store.Activity{Customer: named("Acme"), Interaction: call(T0, "hello"), FollowUp: due(T0.Add(day), "again")}
	r, err := f.s.Record(ctx, f.rep1, o, a)
	if err != nil {
		t.Fatal(err)
	}
	if r.Interaction.Source != o {
		t.Errorf("Interaction.Source = %+v, want %+v", r.Interaction.Source, o)
	}
	if is := f.interactions(f.rep1, r.Customer.ID); len(is) != 1 || is[0].Source != o {
		t.Errorf("stored Source = %+v", is)
	}
	for _, a := range []store.Activity{a, {Customer: named("Beta"), Interaction: call(T0, "other")}} {
		_, err = f.s.Record(ctx, f.rep1, o, a)
		wantErr(t, "Record again", err, store.ErrDuplicate)
	}
	// The same event id on another platform is another event.
	if _, err := f.s.Record(ctx, f.rep1, store.Origin{Platform: "telegram", EventID: "Ev01"}, a); err != nil {
		t.Errorf("Record(telegram Ev01): %v", err)
	}
	if got := f.find(f.admin, "beta", 10); len(got) != 0 {
		t.Errorf("a duplicate Record created %q", got)
	}
	if n := len(f.interactions(f.admin, 0)); n != 2 {
		t.Errorf("%d interactions, want 2", n)
	}
	if n := len(f.followUps(f.admin, store.FollowUpFilter{})); n != 2 {
		t.Errorf("%d follow-ups, want 2", n)
	}
}

func testIdempotentShared(t *testing.T, f *fixture) {
	ctx := t.Context()
	o := store.Origin{Platform: "slack", EventID: "Ev02"}
	r, err := f.s.Record(ctx, f.rep1, o, store.Activity{Customer: named("Acme"), FollowUp: due(T0.Add(day), "x")})
	if err != nil {
		t.Fatal(err)
	}
	wantErr(t, "ClaimEvent after Record", f.s.ClaimEvent(ctx, o), store.ErrDuplicate)
	_, _, err = f.s.CompleteFollowUp(ctx, f.rep1, o, r.FollowUp.ID)
	wantErr(t, "CompleteFollowUp with a used origin", err, store.ErrDuplicate)
	_, _, err = f.s.SnoozeFollowUp(ctx, f.rep1, o, r.FollowUp.ID, T0.Add(3*day), false)
	wantErr(t, "SnoozeFollowUp with a used origin", err, store.ErrDuplicate)
	fu := f.followUp(f.rep1, r.FollowUp.ID)
	if fu.Status != store.FollowUpOpen || fu.Snoozes != 0 || !fu.Due.Equal(T0.Add(day)) {
		t.Errorf("follow-up changed by duplicate events: %+v", fu)
	}

	o2 := store.Origin{Platform: "slack", EventID: "Ev03"}
	if err := f.s.ClaimEvent(ctx, o2); err != nil {
		t.Fatal(err)
	}
	_, _, err = f.s.CompleteFollowUp(ctx, f.rep1, o2, r.FollowUp.ID)
	wantErr(t, "CompleteFollowUp with a claimed origin", err, store.ErrDuplicate)
	if fu := f.followUp(f.rep1, r.FollowUp.ID); fu.Status != store.FollowUpOpen {
		t.Errorf("follow-up %s after a duplicate complete", fu.Status)
	}
}

func testClaimEvent(t *testing.T, f *fixture) {
	ctx := t.Context()
	tests := []struct {
		o    store.Origin
		want error
	}{
		{store.Origin{Platform: "slack", EventID: "E1"}, nil},
		{store.Origin{Platform: "slack", EventID: "E1"}, store.ErrDuplicate},
		{store.Origin{Platform: "telegram", EventID: "E1"}, nil},
		{store.Origin{Platform: "slack", EventID: "E2"}, nil},
		{store.Origin{Platform: "telegram", EventID: "E1"}, store.ErrDuplicate},
		{store.Origin{}, nil},
		{store.Origin{}, nil},
		{store.Origin{Platform: "console"}, nil},
		{store.Origin{Platform: "console"}, nil},
	}
	for i, tt := range tests {
		err := f.s.ClaimEvent(ctx, tt.o)
		if (tt.want == nil && err != nil) || !errors.Is(err, tt.want) {
			t.Errorf("%d: ClaimEvent(%+v) = %v, want %v", i, tt.o, err, tt.want)
		}
	}
}

func testZeroOrigin(t *testing.T, f *fixture) {
	ctx := t.Context()
	a := store.Activity{Customer: named("Acme"), Interaction: call(T0, "same"), FollowUp: due(T0.Add(day), "same")}
	for i := range 2 {
		if _, err := f.s.Record(ctx, f.rep1, store.Origin{}, a); err != nil {
			t.Fatalf("Record #%d with zero origin: %v", i, err)
		}
	}
	if n := len(f.interactions(f.rep1, 0)); n != 2 {
		t.Errorf("%d interactions, want 2", n)
	}
	fs := f.followUps(f.rep1, store.FollowUpFilter{})
	if len(fs) != 2 {
		t.Fatalf("%d follow-ups, want 2", len(fs))
	}
	if _, _, err := f.s.CompleteFollowUp(ctx, f.rep1, store.Origin{}, fs[0].ID); err != nil {
		t.Error(err)
	}
	if _, _, err := f.s.CompleteFollowUp(ctx, f.rep1, store.Origin{}, fs[1].ID); err != nil {
		t.Error(err)
	}
}

func testIdempotentUndo(t *testing.T, f *fixture) {
	ctx := t.Context()
	f.record(f.rep1, store.Activity{Customer: named("Acme"), Interaction: call(T0, "one")})
	second := f.record(f.rep1, store.Activity{Customer: named("Acme"), Interaction: call(T0, "two")})
	o := store.Origin{Platform: "slack", EventID: "undo-click"}
	ch, err := f.s.Undo(ctx, f.rep1, o, 0)
	if err != nil {
		t.Fatal(err)
	}
	if ch.ID != second.Change {
		t.Errorf("Undo(0) undid %d, want %d", ch.ID, second.Change)
	}
	_, err = f.s.Undo(ctx, f.rep1, o, 0)
	wantErr(t, "Undo again", err, store.ErrDuplicate)
	if n := len(f.interactions(f.rep1, 0)); n != 1 {
		t.Errorf("%d interactions after a duplicate undo, want 1", n)
	}
}

// --- Atomicity ---

func testAtomicNew(t *testing.T, f *fixture) {
	ctx := t.Context()
	o := store.Origin{Platform: "slack", EventID: "Ev-atomic"}
	_, err := f.s.Record(ctx, f.rep1, o, store.Activity{
		Customer:    named("Acme Corp"),
		Contact:     "Lan",
		Interaction: call(T0, "called"),
		FollowUp:    &store.FollowUp{Note: "no due"},
	})
	wantErr(t, "Record with a follow-up without due", err, store.ErrInvalid)
	if got := f.find(f.admin, "acme", 10); len(got) != 0 {
		t.Errorf("a failed Record left customers %q", got)
	}
	if is := f.interactions(f.admin, 0); len(is) != 0 {
		t.Errorf("a failed Record left interactions %+v", is)
	}
	if fs := f.followUps(f.admin, store.FollowUpFilter{}); len(fs) != 0 {
		t.Errorf("a failed Record left follow-ups %+v", fs)
	}
	_, err = f.s.Undo(ctx, f.rep1, store.Origin{}, 0)
	wantErr(t, "Undo after a failed Record", err, store.ErrNotFound)

	// The event was not applied, so its redelivery is not a duplicate.
	r, err := f.s.Record(ctx, f.rep1, o, store.Activity{Customer: named("Acme Corp"), Contact: "Lan", Interaction: call(T0, "called")})
	if err != nil {
		t.Fatalf("Record retried after a failure: %v", err)
	}
	if !r.NewCustomer || !r.NewContact {
		t.Errorf("retried Record: new customer %v, new contact %v; want both new", r.NewCustomer, r.NewContact)
	}
}

func testAtomicExisting(t *testing.T, f *fixture) {
	ctx := t.Context()
	a := f.record(f.rep1, store.Activity{Customer: named("Acme"), Interaction: call(T0.Add(-day), "first")})
	before := f.customer(f.rep1, a.Customer.ID)
	_, err := f.s.Record(ctx, f.rep1, f.origin(), store.Activity{
		Customer:    byID(a.Customer.ID),
		Contact:     "Minh",
		Interaction: call(T0, "second"),
		FollowUp:    &store.FollowUp{},
	})
	wantErr(t, "Record", err, store.ErrInvalid)
	after := f.customer(f.rep1, a.Customer.ID)
	if !after.LastContactAt.Equal(before.LastContactAt) || !after.TouchDueAt.Equal(before.TouchDueAt) {
		t.Errorf("customer changed by a failed Record: %+v, was %+v", after, before)
	}
	if n := len(f.interactions(f.rep1, a.Customer.ID)); n != 1 {
		t.Errorf("%d interactions, want 1", n)
	}
	if cs, _ := f.s.Contacts(ctx, f.rep1, a.Customer.ID); len(cs) != 0 {
		t.Errorf("a failed Record left contacts %+v", cs)
	}
}

// --- Scope ---

// scopeData gives rep1 and rep2 a customer each, with a contact, an
// interaction and a follow-up.
func scopeData(f *fixture) (acme, beta store.Recorded) {
	acme = f.record(f.rep1, store.Activity{Customer: named("Acme Corp"), Contact: "Lan", Interaction: call(T0.Add(-40*day), "acme"), FollowUp: due(T0.Add(-day), "acme")})
	beta = f.record(f.rep2, store.Activity{Customer: named("Beta Ltd"), Contact: "Minh", Interaction: call(T0.Add(-40*day), "beta"), FollowUp: due(T0.Add(-day), "beta")})
	return acme, beta
}

func bookCustomers(b store.Book) []store.CustomerID {
	var ids []store.CustomerID
	for id := range b.Customers {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	return ids
}

func testScopeRep(t *testing.T, f *fixture) {
	ctx := t.Context()
	acme, beta := scopeData(f)
	rep := f.rep2

	_, err := f.s.Customer(ctx, rep, acme.Customer.ID)
	wantErr(t, "rep2 Customer(acme)", err, store.ErrNotFound)
	_, err = f.s.FollowUp(ctx, rep, acme.FollowUp.ID)
	wantErr(t, "rep2 FollowUp(acme's)", err, store.ErrNotFound)
	if got := f.find(rep, "acme", 10); len(got) != 0 {
		t.Errorf("rep2 FindCustomers(acme) = %q", got)
	}
	if cs, err := f.s.Contacts(ctx, rep, acme.Customer.ID); err != nil || len(cs) != 0 {
		t.Errorf("rep2 Contacts(acme) = %+v, %v", cs, err)
	}
	if is := f.interactions(rep, acme.Customer.ID); len(is) != 0 {
		t.Errorf("rep2 Interactions(acme) = %+v", is)
	}
	if is := f.interactions(rep, 0); len(is) != 1 || is[0].CustomerID != beta.Customer.ID {
		t.Errorf("rep2 Interactions() = %+v, want beta's only", is)
	}
	if fs := f.followUps(rep, store.FollowUpFilter{Customer: acme.Customer.ID}); len(fs) != 0 {
		t.Errorf("rep2 FollowUps(acme) = %+v", fs)
	}
	if fs := f.followUps(rep, store.FollowUpFilter{}); len(fs) != 1 || fs[0].ID != beta.FollowUp.ID {
		t.Errorf("rep2 FollowUps() = %+v, want beta's only", fs)
	}
	_, _, err = f.s.CompleteFollowUp(ctx, rep, f.origin(), acme.FollowUp.ID)
	wantErr(t, "rep2 CompleteFollowUp(acme's)", err, store.ErrNotFound)
	_, _, err = f.s.SnoozeFollowUp(ctx, rep, f.origin(), acme.FollowUp.ID, T0.Add(7*day), false)
	wantErr(t, "rep2 SnoozeFollowUp(acme's)", err, store.ErrNotFound)
	_, err = f.s.Record(ctx, rep, f.origin(), store.Activity{Customer: byID(acme.Customer.ID), Interaction: call(T0, "sneaky")})
	wantErr(t, "rep2 Record(acme by id)", err, store.ErrNotFound)
	b := f.book(rep, store.AgendaFilter{Until: T0.Add(365 * day)})
	if got := bookCustomers(b); !slices.Equal(got, []store.CustomerID{beta.Customer.ID}) {
		t.Errorf("rep2 AgendaBook customers = %v, want beta %d only", got, beta.Customer.ID)
	}
	for _, fu := range b.FollowUps {
		if fu.CustomerID != beta.Customer.ID {
			t.Errorf("rep2 AgendaBook has follow-up %+v", fu)
		}
	}
	if last, err := f.s.LastInteractions(t.Context(), rep, []store.CustomerID{acme.Customer.ID}); err != nil || len(last) != 0 {
		t.Errorf("rep2 LastInteractions(acme) = %v, %v; want none", last, err)
	}

	fu := f.followUp(f.admin, acme.FollowUp.ID)
	if fu.Status != store.FollowUpOpen || fu.Snoozes != 0 || !fu.Due.Equal(acme.FollowUp.Due) {
		t.Errorf("acme's follow-up changed by rep2: %+v", fu)
	}
	if is := f.interactions(f.admin, acme.Customer.ID); len(is) != 1 {
		t.Errorf("acme has %d interactions, want 1", len(is))
	}
}

func testScopeSeeAll(t *testing.T, f *fixture) {
	ctx := t.Context()
	acme, beta := scopeData(f)
	want := []store.CustomerID{acme.Customer.ID, beta.Customer.ID}
	s := f.admin
	for _, id := range want {
		if _, err := f.s.Customer(ctx, s, id); err != nil {
			t.Errorf("admin Customer(%d): %v", id, err)
		}
		if cs, err := f.s.Contacts(ctx, s, id); err != nil || len(cs) != 1 {
			t.Errorf("admin Contacts(%d) = %+v, %v", id, cs, err)
		}
	}
	if got := f.find(s, "acme", 10); len(got) != 1 {
		t.Errorf("admin FindCustomers(acme) = %q", got)
	}
	if n := len(f.interactions(s, 0)); n != 2 {
		t.Errorf("admin sees %d interactions, want 2", n)
	}
	if n := len(f.followUps(s, store.FollowUpFilter{})); n != 2 {
		t.Errorf("admin sees %d follow-ups, want 2", n)
	}
	if got := bookCustomers(f.book(s, store.AgendaFilter{Until: T0.Add(365 * day)})); !slices.Equal(got, want) {
		t.Errorf("admin AgendaBook customers = %v, want %v", got, want)
	}
	r := f.record(f.admin, store.Activity{Customer: byID(beta.Customer.ID), Interaction: call(T0, "admin")})
	if r.Customer.OwnerID != f.rep2.UserID {
		t.Errorf("admin's Record changed the owner to %d", r.Customer.OwnerID)
	}
}

// testScopeTeam: a manager sees and acts on their team's customers (rep1
// is in the team) and their own, and nothing of a rep outside the team.
func testScopeTeam(t *testing.T, f *fixture) {
	ctx := t.Context()
	acme, beta := scopeData(f)
	own := f.record(f.manager, store.Activity{Customer: named("Own Co"), Interaction: call(T0, "own")})
	m := f.manager
	for _, id := range []store.CustomerID{acme.Customer.ID, own.Customer.ID} {
		if _, err := f.s.Customer(ctx, m, id); err != nil {
			t.Errorf("manager Customer(%d): %v", id, err)
		}
	}
	_, err := f.s.Customer(ctx, m, beta.Customer.ID)
	wantErr(t, "manager Customer(beta, outside the team)", err, store.ErrNotFound)
	if got := f.find(m, "beta", 10); len(got) != 0 {
		t.Errorf("manager FindCustomers(beta) = %q", got)
	}
	if n := len(f.interactions(m, 0)); n != 2 {
		t.Errorf("manager sees %d interactions, want 2 (acme's and own)", n)
	}
	if fs := f.followUps(m, store.FollowUpFilter{}); len(fs) != 1 || fs[0].ID != acme.FollowUp.ID {
		t.Errorf("manager FollowUps = %+v, want acme's only", fs)
	}
	if got, want := bookCustomers(f.book(m, store.AgendaFilter{Until: T0.Add(365 * day)})), []store.CustomerID{acme.Customer.ID, own.Customer.ID}; !slices.Equal(got, want) {
		t.Errorf("manager AgendaBook customers = %v, want %v", got, want)
	}
	_, _, err = f.s.CompleteFollowUp(ctx, m, f.origin(), beta.FollowUp.ID)
	wantErr(t, "manager CompleteFollowUp(beta's)", err, store.ErrNotFound)
	// A manager may act on a team member's follow-up.
	if fu, _ := f.complete(m, acme.FollowUp.ID); fu.Status != store.FollowUpDone {
		t.Errorf("manager's complete: %+v", fu)
	}
	// Out of the team, out of sight, and out of reach of the manager's
	// own earlier change.
	note := f.record(m, store.Activity{Customer: byID(acme.Customer.ID), Interaction: call(T0, "manager's note")})
	if _, err := f.s.UpdateUser(ctx, f.rep1.UserID, store.UserUpdate{ManagerID: new(store.UserID)}); err != nil {
		t.Fatal(err)
	}
	_, err = f.s.Customer(ctx, m, acme.Customer.ID)
	wantErr(t, "manager Customer(acme) after rep1 left the team", err, store.ErrNotFound)
	_, err = f.s.Undo(ctx, m, f.origin(), note.Change)
	wantErr(t, "manager Undo(note on acme) after rep1 left the team", err, store.ErrNotFound)
	if is := f.interactions(f.admin, acme.Customer.ID); len(is) != 2 {
		t.Errorf("acme has %d interactions, want 2", len(is))
	}
}

func testScopeZero(t *testing.T, f *fixture) {
	ctx := t.Context()
	acme, _ := scopeData(f)
	var zero store.Scope
	_, err := f.s.Customer(ctx, zero, acme.Customer.ID)
	wantErr(t, "Customer", err, store.ErrNotFound)
	_, err = f.s.FollowUp(ctx, zero, acme.FollowUp.ID)
	wantErr(t, "FollowUp", err, store.ErrNotFound)
	if got := f.find(zero, "acme", 10); len(got) != 0 {
		t.Errorf("FindCustomers = %q", got)
	}
	if cs, _ := f.s.Contacts(ctx, zero, acme.Customer.ID); len(cs) != 0 {
		t.Errorf("Contacts = %+v", cs)
	}
	if is := f.interactions(zero, 0); len(is) != 0 {
		t.Errorf("Interactions = %+v", is)
	}
	if fs := f.followUps(zero, store.FollowUpFilter{}); len(fs) != 0 {
		t.Errorf("FollowUps = %+v", fs)
	}
	if b := f.book(zero, store.AgendaFilter{Until: T0.Add(365 * day)}); len(b.Customers) != 0 || len(b.FollowUps) != 0 {
		t.Errorf("AgendaBook = %+v", b)
	}
	_, _, err = f.s.CompleteFollowUp(ctx, zero, f.origin(), acme.FollowUp.ID)
	wantErr(t, "CompleteFollowUp", err, store.ErrNotFound)
	_, err = f.s.Record(ctx, zero, f.origin(), store.Activity{Customer: byID(acme.Customer.ID), Interaction: call(T0, "x")})
	wantErr(t, "Record by id", err, store.ErrNotFound)
	if _, err := f.s.Record(ctx, zero, f.origin(), store.Activity{Customer: named("Nobody's"), Interaction: call(T0, "x")}); err == nil {
		t.Error("the zero scope created a customer")
	}
	_, err = f.s.Undo(ctx, zero, f.origin(), 0)
	wantErr(t, "Undo", err, store.ErrNotFound)
	if got := f.find(f.admin, "nobody", 10); len(got) != 0 {
		t.Errorf("the zero scope created %q", got)
	}
}

// --- FollowUps ---

func followUpData(f *fixture) (a, b store.CustomerID, fus []store.FollowUpID) {
	r1 := f.record(f.rep1, store.Activity{Customer: named("Acme"), FollowUp: due(T0.Add(3*day), "a3")})
	r2 := f.record(f.rep1, store.Activity{Customer: named("Acme"), FollowUp: due(T0.Add(day), "a1")})
	r3 := f.record(f.rep1, store.Activity{Customer: named("Acme"), FollowUp: due(T0.Add(2*day), "a2")})
	r4 := f.record(f.rep1, store.Activity{Customer: named("Beta"), FollowUp: due(T0.Add(time.Hour), "b")})
	return r1.Customer.ID, r4.Customer.ID, []store.FollowUpID{r4.FollowUp.ID, r2.FollowUp.ID, r3.FollowUp.ID, r1.FollowUp.ID}
}

func testFollowUpsOrder(t *testing.T, f *fixture) {
	acme, _, byDue := followUpData(f)
	f.complete(f.rep1, byDue[2]) // a2
	tests := []struct {
		name string
		flt  store.FollowUpFilter
		want []store.FollowUpID
	}{
		{"all", store.FollowUpFilter{}, byDue},
		{"limit", store.FollowUpFilter{Limit: 2}, byDue[:2]},
		{"customer", store.FollowUpFilter{Customer: acme}, byDue[1:]},
		{"open", store.FollowUpFilter{Status: store.FollowUpOpen}, []store.FollowUpID{byDue[0], byDue[1], byDue[3]}},
		{"done", store.FollowUpFilter{Status: store.FollowUpDone}, []store.FollowUpID{byDue[2]}},
		{"customer open", store.FollowUpFilter{Customer: acme, Status: store.FollowUpOpen}, []store.FollowUpID{byDue[1], byDue[3]}},
		{"due by", store.FollowUpFilter{Customer: acme, Status: store.FollowUpOpen, DueBy: T0.Add(day)}, []store.FollowUpID{byDue[1]}},
		{"cancelled", store.FollowUpFilter{Status: store.FollowUpCancelled}, []store.FollowUpID{}},
		{"unknown customer", store.FollowUpFilter{Customer: 9999}, []store.FollowUpID{}},
	}
	for _, tt := range tests {
		got := followUpIDs(f.followUps(f.rep1, tt.flt))
		if !slices.Equal(got, tt.want) {
			t.Errorf("%s: FollowUps(%+v) = %v, want %v", tt.name, tt.flt, got, tt.want)
		}
	}
}

func testFollowUpsComplete(t *testing.T, f *fixture) {
	ctx := t.Context()
	_, _, byDue := followUpData(f)
	id := byDue[1]
	f.setNow(T0.Add(time.Hour))
	fu, _ := f.complete(f.rep1, id)
	if fu.ID != id || fu.Status != store.FollowUpDone || fu.Note != "a1" {
		t.Errorf("CompleteFollowUp = %+v", fu)
	}
	wantTime(t, "CompletedAt", fu.CompletedAt, T0.Add(time.Hour))
	got := f.followUp(f.rep1, id)
	if got.Status != store.FollowUpDone {
		t.Errorf("stored status %s", got.Status)
	}
	wantTime(t, "stored CompletedAt", got.CompletedAt, T0.Add(time.Hour))

	_, _, err := f.s.CompleteFollowUp(ctx, f.rep1, f.origin(), id)
	wantErr(t, "CompleteFollowUp again", err, store.ErrConflict)
	_, _, err = f.s.SnoozeFollowUp(ctx, f.rep1, f.origin(), id, T0.Add(9*day), false)
	wantErr(t, "SnoozeFollowUp(done)", err, store.ErrConflict)
	_, _, err = f.s.CompleteFollowUp(ctx, f.rep1, f.origin(), 9999)
	wantErr(t, "CompleteFollowUp(9999)", err, store.ErrNotFound)
	if fu := f.followUp(f.rep1, id); !fu.CompletedAt.Equal(T0.Add(time.Hour)) {
		t.Errorf("a refused complete changed CompletedAt to %v", fu.CompletedAt)
	}
}

func testFollowUpsSnooze(t *testing.T, f *fixture) {
	ctx := t.Context()
	_, _, byDue := followUpData(f)
	id := byDue[0] // T0+1h
	tests := []struct {
		due    time.Time
		allDay bool
	}{
		{T0.Add(5 * day), false},
		{time.Date(2026, 3, 20, 0, 0, 0, 0, time.UTC), true},
		{T0.Add(30 * time.Minute), false},
	}
	for i, tt := range tests {
		fu, _ := f.snooze(f.rep1, id, tt.due, tt.allDay)
		if fu.ID != id || fu.Snoozes != i+1 || fu.AllDay != tt.allDay || !fu.Due.Equal(tt.due) || fu.Status != store.FollowUpOpen {
			t.Errorf("snooze #%d = %+v, want due %v all day %v snoozes %d", i+1, fu, tt.due, tt.allDay, i+1)
		}
		got := f.followUp(f.rep1, id)
		if got.Snoozes != i+1 || got.AllDay != tt.allDay || !got.Due.Equal(tt.due) || got.Note != "b" {
			t.Errorf("stored after snooze #%d = %+v", i+1, got)
		}
	}
	// Snoozed to 5 days, it sorts last.
	f.snooze(f.rep1, id, T0.Add(5*day), false)
	want := []store.FollowUpID{byDue[1], byDue[2], byDue[3], id}
	if got := followUpIDs(f.followUps(f.rep1, store.FollowUpFilter{})); !slices.Equal(got, want) {
		t.Errorf("FollowUps after snooze = %v, want %v", got, want)
	}
	_, _, err := f.s.SnoozeFollowUp(ctx, f.rep1, f.origin(), 9999, T0.Add(day), false)
	wantErr(t, "SnoozeFollowUp(9999)", err, store.ErrNotFound)
	// A follow-up always has a due time, as Record insists.
	_, _, err = f.s.SnoozeFollowUp(ctx, f.rep1, f.origin(), id, time.Time{}, true)
	wantErr(t, "SnoozeFollowUp(zero time)", err, store.ErrInvalid)
	if fu := f.followUp(f.rep1, id); !fu.Due.Equal(T0.Add(5*day)) || fu.Snoozes != 4 {
		t.Errorf("a refused snooze changed the follow-up: %+v", fu)
	}
}

// --- Undo ---

func testUndoLatest(t *testing.T, f *fixture) {
	ctx := t.Context()
	r := f.record(f.rep1, store.Activity{Customer: named("Acme Corp"), Contact: "Lan", Interaction: call(T0, "x"), FollowUp: due(T0.Add(day), "y")})
	f.setNow(T0.Add(time.Minute))
	ch := f.undo(f.rep1, 0)
	if ch.ID != r.Change || ch.UserID != f.rep1.UserID || ch.Summary == "" {
		t.Errorf("Undo(0) = %+v, want change %d", ch, r.Change)
	}
	wantTime(t, "UndoneAt", ch.UndoneAt, T0.Add(time.Minute))
	_, err := f.s.Customer(ctx, f.admin, r.Customer.ID)
	wantErr(t, "Customer after undo", err, store.ErrNotFound)
	if got := f.find(f.admin, "acme", 10); len(got) != 0 {
		t.Errorf("FindCustomers after undo = %q", got)
	}
	if cs, _ := f.s.Contacts(ctx, f.admin, r.Customer.ID); len(cs) != 0 {
		t.Errorf("Contacts after undo = %+v", cs)
	}
	if is := f.interactions(f.admin, 0); len(is) != 0 {
		t.Errorf("Interactions after undo = %+v", is)
	}
	if fs := f.followUps(f.admin, store.FollowUpFilter{}); len(fs) != 0 {
		t.Errorf("FollowUps after undo = %+v", fs)
	}
	_, err = f.s.Undo(ctx, f.rep1, f.origin(), 0)
	wantErr(t, "Undo with nothing left", err, store.ErrNotFound)
	_, err = f.s.Undo(ctx, f.rep2, f.origin(), 0)
	wantErr(t, "Undo by a user who did nothing", err, store.ErrNotFound)
	// An undone change cannot be undone again.
	if _, err := f.s.Undo(ctx, f.rep1, f.origin(), r.Change); !errors.Is(err, store.ErrNotFound) && !errors.Is(err, store.ErrConflict) {
		t.Errorf("Undo(%d) again: err = %v, want ErrNotFound or ErrConflict", r.Change, err)
	}
	// The name is free again.
	r2 := f.record(f.rep1, store.Activity{Customer: named("Acme Corp"), Interaction: call(T0, "x")})
	if !r2.NewCustomer {
		t.Error("Record after undo found the undone customer")
	}
}

func testUndoRestoresCustomer(t *testing.T, f *fixture) {
	ctx := t.Context()
	first := f.record(f.rep1, store.Activity{Customer: named("Acme"), Interaction: call(T0.Add(-20*day), "first")})
	before := f.customer(f.rep1, first.Customer.ID)
	second := f.record(f.rep1, store.Activity{Customer: named("acme"), Contact: "Lan", Interaction: call(T0, "second"), FollowUp: due(T0.Add(day), "next")})
	if second.NewCustomer || !second.NewContact {
		t.Fatalf("second Record: %+v", second)
	}
	if ch := f.undo(f.rep1, 0); ch.ID != second.Change {
		t.Fatalf("Undo(0) undid %d, want %d", ch.ID, second.Change)
	}
	after := f.customer(f.rep1, first.Customer.ID)
	wantTime(t, "LastContactAt", after.LastContactAt, before.LastContactAt)
	wantTime(t, "TouchDueAt", after.TouchDueAt, before.TouchDueAt)
	if after.Name != before.Name || after.OwnerID != before.OwnerID || after.CadenceDays != before.CadenceDays {
		t.Errorf("customer after undo = %+v, want %+v", after, before)
	}
	if is := f.interactions(f.rep1, first.Customer.ID); len(is) != 1 || is[0].ID != first.Interaction.ID {
		t.Errorf("Interactions after undo = %+v", is)
	}
	if cs, _ := f.s.Contacts(ctx, f.rep1, first.Customer.ID); len(cs) != 0 {
		t.Errorf("Contacts after undo = %+v", cs)
	}
	if fs := f.followUps(f.rep1, store.FollowUpFilter{}); len(fs) != 0 {
		t.Errorf("FollowUps after undo = %+v", fs)
	}
}

func testUndoSnooze(t *testing.T, f *fixture) {
	r := f.record(f.rep1, store.Activity{Customer: named("Acme"), FollowUp: due(T0.Add(day), "x")})
	f.snooze(f.rep1, r.FollowUp.ID, T0.Add(7*day), true)
	f.undo(f.rep1, 0)
	fu := f.followUp(f.rep1, r.FollowUp.ID)
	if !fu.Due.Equal(T0.Add(day)) || fu.AllDay || fu.Snoozes != 0 || fu.Status != store.FollowUpOpen {
		t.Errorf("follow-up after undoing the snooze = %+v, want due %v, 0 snoozes", fu, T0.Add(day))
	}
	// Undoing a complete reopens it.
	f.complete(f.rep1, r.FollowUp.ID)
	f.undo(f.rep1, 0)
	fu = f.followUp(f.rep1, r.FollowUp.ID)
	if fu.Status != store.FollowUpOpen || !fu.CompletedAt.IsZero() {
		t.Errorf("follow-up after undoing the complete = %+v", fu)
	}
}

func testUndoTwice(t *testing.T, f *fixture) {
	ctx := t.Context()
	r := f.record(f.rep1, store.Activity{Customer: named("Acme"), FollowUp: due(T0.Add(day), "x")})
	f.snooze(f.rep1, r.FollowUp.ID, T0.Add(2*day), false)
	f.snooze(f.rep1, r.FollowUp.ID, T0.Add(3*day), false)

	wantDues := []time.Time{T0.Add(2 * day), T0.Add(day)}
	for i, want := range wantDues {
		f.undo(f.rep1, 0)
		fu := f.followUp(f.rep1, r.FollowUp.ID)
		if !fu.Due.Equal(want) || fu.Snoozes != 1-i {
			t.Errorf("after undo #%d: due %v snoozes %d, want %v and %d", i+1, fu.Due, fu.Snoozes, want, 1-i)
		}
	}
	if ch := f.undo(f.rep1, 0); ch.ID != r.Change {
		t.Errorf("third Undo(0) undid %d, want the Record %d", ch.ID, r.Change)
	}
	if fs := f.followUps(f.rep1, store.FollowUpFilter{}); len(fs) != 0 {
		t.Errorf("FollowUps after undoing everything = %+v", fs)
	}
	_, err := f.s.Undo(ctx, f.rep1, f.origin(), 0)
	wantErr(t, "fourth Undo(0)", err, store.ErrNotFound)
}

func testUndoOtherUser(t *testing.T, f *fixture) {
	ctx := t.Context()
	r := f.record(f.rep1, store.Activity{Customer: named("Acme"), Interaction: call(T0, "x")})
	mine := f.record(f.rep2, store.Activity{Customer: named("Beta"), Interaction: call(T0, "y")})
	_, err := f.s.Undo(ctx, f.rep2, f.origin(), r.Change)
	wantErr(t, "rep2 Undo(rep1's change)", err, store.ErrNotFound)
	if _, err := f.s.Customer(ctx, f.rep1, r.Customer.ID); err != nil {
		t.Errorf("rep1's customer after rep2's undo: %v", err)
	}
	_, err = f.s.Undo(ctx, f.rep1, f.origin(), mine.Change)
	wantErr(t, "rep1 Undo(rep2's change)", err, store.ErrNotFound)
	_, err = f.s.Undo(ctx, f.rep1, f.origin(), 9999)
	wantErr(t, "Undo(9999)", err, store.ErrNotFound)
	// rep2's Undo(0) is rep2's own latest.
	if ch := f.undo(f.rep2, 0); ch.ID != mine.Change {
		t.Errorf("rep2 Undo(0) undid %d, want %d", ch.ID, mine.Change)
	}
	if _, err := f.s.Customer(ctx, f.rep1, r.Customer.ID); err != nil {
		t.Errorf("rep1's customer after rep2's undo: %v", err)
	}
}

func testUndoChangedSince(t *testing.T, f *fixture) {
	ctx := t.Context()
	r := f.record(f.rep1, store.Activity{Customer: named("Acme"), FollowUp: due(T0.Add(day), "x")})
	id := r.FollowUp.ID

	// Snooze, then complete: undoing the snooze would move a follow-up
	// that is done; the store refuses.
	_, snooze := f.snooze(f.rep1, id, T0.Add(2*day), false)
	f.complete(f.rep1, id)
	before := f.followUp(f.rep1, id)
	_, err := f.s.Undo(ctx, f.rep1, f.origin(), snooze)
	wantErr(t, "Undo(snooze) after complete", err, store.ErrConflict)
	if got := f.followUp(f.rep1, id); got != before {
		t.Errorf("refused undo changed the follow-up: %+v, was %+v", got, before)
	}

	// Undoing the Record that created the follow-up would delete it.
	_, err = f.s.Undo(ctx, f.rep1, f.origin(), r.Change)
	wantErr(t, "Undo(record) after complete", err, store.ErrConflict)
	if got := f.followUp(f.rep1, id); got != before {
		t.Errorf("refused undo changed the follow-up: %+v, was %+v", got, before)
	}

	// Snooze twice, undo the first by id.
	r2 := f.record(f.rep1, store.Activity{Customer: named("Acme"), FollowUp: due(T0.Add(day), "z")})
	_, first := f.snooze(f.rep1, r2.FollowUp.ID, T0.Add(2*day), false)
	_, second := f.snooze(f.rep1, r2.FollowUp.ID, T0.Add(3*day), false)
	_, err = f.s.Undo(ctx, f.rep1, f.origin(), first)
	wantErr(t, "Undo(first snooze) after a second", err, store.ErrConflict)
	if fu := f.followUp(f.rep1, r2.FollowUp.ID); !fu.Due.Equal(T0.Add(3*day)) || fu.Snoozes != 2 {
		t.Errorf("refused undo changed the follow-up: %+v", fu)
	}

	// Once the later change is undone, the earlier one can be.
	if ch := f.undo(f.rep1, second); ch.ID != second {
		t.Errorf("Undo(%d) undid %d", second, ch.ID)
	}
	f.undo(f.rep1, first)
	if fu := f.followUp(f.rep1, r2.FollowUp.ID); !fu.Due.Equal(T0.Add(day)) || fu.Snoozes != 0 {
		t.Errorf("after undoing both snoozes: %+v", fu)
	}
}

func testUndoReferenced(t *testing.T, f *fixture) {
	ctx := t.Context()
	a := f.record(f.rep1, store.Activity{Customer: named("Acme"), Interaction: call(T0.Add(-day), "a")})
	b := f.record(f.rep1, store.Activity{Customer: byID(a.Customer.ID), FollowUp: due(T0.Add(day), "b")})
	c := f.record(f.rep1, store.Activity{Customer: byID(a.Customer.ID), Contact: "Lan", Interaction: call(T0, "c")})

	check := func(wantInteractions, wantFollowUps int) {
		t.Helper()
		if _, err := f.s.Customer(ctx, f.rep1, a.Customer.ID); err != nil {
			t.Errorf("customer: %v", err)
		}
		if n := len(f.interactions(f.rep1, a.Customer.ID)); n != wantInteractions {
			t.Errorf("%d interactions, want %d", n, wantInteractions)
		}
		if n := len(f.followUps(f.rep1, store.FollowUpFilter{})); n != wantFollowUps {
			t.Errorf("%d follow-ups, want %d", n, wantFollowUps)
		}
	}
	_, err := f.s.Undo(ctx, f.rep1, f.origin(), a.Change)
	wantErr(t, "Undo(A) with B and C on its customer", err, store.ErrConflict)
	check(2, 1)
	wantTouch(t, f.customer(f.rep1, a.Customer.ID), T0)

	f.undo(f.rep1, c.Change)
	check(1, 1)
	wantTouch(t, f.customer(f.rep1, a.Customer.ID), T0.Add(-day))
	_, err = f.s.Undo(ctx, f.rep1, f.origin(), a.Change)
	wantErr(t, "Undo(A) with B's follow-up on its customer", err, store.ErrConflict)
	check(1, 1)

	// With B undone too, nothing refers to A's customer any more.
	f.undo(f.rep1, b.Change)
	f.undo(f.rep1, a.Change)
	_, err = f.s.Customer(ctx, f.admin, a.Customer.ID)
	wantErr(t, "Customer after undoing A", err, store.ErrNotFound)
}

// --- FindCustomers ---

func findData(f *fixture) {
	for _, n := range []string{"Công ty TNHH Minh Phát", "Acme Corp", "Nhà phân phối Acme", "Minh Phát", "Acme", "Beta"} {
		f.record(f.rep1, store.Activity{Customer: named(n), Interaction: call(T0, n)})
	}
}

func testFindRanking(t *testing.T, f *fixture) {
	findData(f)
	tests := []struct {
		q    string
		want []string // a prefix of the result, in order
		all  int      // the number of results
	}{
		// An exact (folded) match hides the names that merely contain it.
		{"minh phat", []string{"Minh Phát"}, 1},
		{"MINH PHÁT", []string{"Minh Phát"}, 1},
		{"Minh  Phát!", []string{"Minh Phát"}, 1},
		{"acme", []string{"Acme"}, 1},
		{"acm", []string{"Acme", "Acme Corp"}, 3},
		{"phat", []string{"Công ty TNHH Minh Phát", "Minh Phát"}, 2},
		{"acme corp", []string{"Acme Corp"}, 1},
		{"cong ty", []string{"Công ty TNHH Minh Phát"}, 1},
		{"tnhh", []string{"Công ty TNHH Minh Phát"}, 1},
		{"beta", []string{"Beta"}, 1},
		{"gamma", nil, 0},
	}
	for _, tt := range tests {
		got := f.find(f.rep1, tt.q, 10)
		if len(got) != tt.all || !slices.Equal(got[:min(len(tt.want), len(got))], tt.want) {
			t.Errorf("FindCustomers(%q) = %q, want %d starting %q", tt.q, got, tt.all, tt.want)
		}
	}
}

func testFindScope(t *testing.T, f *fixture) {
	findData(f)
	f.record(f.rep2, store.Activity{Customer: named("Acme Logistics"), Interaction: call(T0, "rep2")})
	if got := f.find(f.rep2, "acme", 10); !slices.Equal(got, []string{"Acme Logistics"}) {
		t.Errorf("rep2 FindCustomers(acme) = %q", got)
	}
	if got := f.find(f.rep2, "minh phat", 10); len(got) != 0 {
		t.Errorf("rep2 FindCustomers(minh phat) = %q", got)
	}
	if got := f.find(f.admin, "acm", 10); len(got) != 4 || got[0] != "Acme" {
		t.Errorf("admin FindCustomers(acm) = %q", got)
	}
	// rep1 is in the manager's team, rep2 is not.
	if got := f.find(f.manager, "acm", 10); len(got) != 3 || slices.Contains(got, "Acme Logistics") {
		t.Errorf("manager FindCustomers(acm) = %q", got)
	}
	for limit := 1; limit <= 3; limit++ {
		if got := f.find(f.rep1, "acm", limit); len(got) != limit || got[0] != "Acme" {
			t.Errorf("FindCustomers(acm, %d) = %q", limit, got)
		}
	}
	// Two reps' customers of the same name are both exact matches.
	f.record(f.rep2, store.Activity{Customer: named("Beta"), Interaction: call(T0, "rep2's beta")})
	if got := f.find(f.admin, "beta", 10); !slices.Equal(got, []string{"Beta", "Beta"}) {
		t.Errorf("admin FindCustomers(beta) = %q, want both Betas", got)
	}
}

// --- AgendaBook ---

type agendaData struct {
	overdue, later, done, other store.Recorded
}

// agendaSetup: rep1 has a customer with an overdue follow-up, one with a
// follow-up due next week, one with a completed follow-up; rep2 one with an
// overdue follow-up. Interactions are recent, so that none is stale.
func agendaSetup(f *fixture) agendaData {
	var d agendaData
	d.overdue = f.record(f.rep1, store.Activity{Customer: named("Overdue Co"), Interaction: call(T0.Add(-time.Hour), "x"), FollowUp: due(T0.Add(-day), "overdue")})
	d.later = f.record(f.rep1, store.Activity{Customer: named("Later Co"), Interaction: call(T0.Add(-time.Hour), "x"), FollowUp: due(T0.Add(7*day), "later")})
	d.done = f.record(f.rep1, store.Activity{Customer: named("Done Co"), Interaction: call(T0.Add(-time.Hour), "x"), FollowUp: due(T0.Add(-2*day), "done")})
	f.complete(f.rep1, d.done.FollowUp.ID)
	d.other = f.record(f.rep2, store.Activity{Customer: named("Other Co"), Interaction: call(T0.Add(-time.Hour), "x"), FollowUp: due(T0.Add(-3*day), "other")})
	return d
}

func testAgendaFollowUps(t *testing.T, f *fixture) {
	d := agendaSetup(f)
	until := T0.Add(16 * time.Hour) // the end of the day
	tests := []struct {
		name string
		s    store.Scope
		flt  store.AgendaFilter
		want []store.FollowUpID
	}{
		{"rep1", f.rep1, store.AgendaFilter{Until: until}, []store.FollowUpID{d.overdue.FollowUp.ID}},
		{"rep1 next week", f.rep1, store.AgendaFilter{Until: T0.Add(8 * day)}, []store.FollowUpID{d.overdue.FollowUp.ID, d.later.FollowUp.ID}},
		{"rep1 until its due", f.rep1, store.AgendaFilter{Until: T0.Add(7 * day)}, []store.FollowUpID{d.overdue.FollowUp.ID}},
		{"admin", f.admin, store.AgendaFilter{Until: until}, []store.FollowUpID{d.other.FollowUp.ID, d.overdue.FollowUp.ID}},
		{"manager", f.manager, store.AgendaFilter{Until: until}, []store.FollowUpID{d.overdue.FollowUp.ID}},
		{"manager owner rep1", f.manager, store.AgendaFilter{Until: until, Owner: f.rep1.UserID}, []store.FollowUpID{d.overdue.FollowUp.ID}},
		{"manager owner rep2, outside the team", f.manager, store.AgendaFilter{Until: until, Owner: f.rep2.UserID}, []store.FollowUpID{}},
		{"admin owner rep2", f.admin, store.AgendaFilter{Until: until, Owner: f.rep2.UserID}, []store.FollowUpID{d.other.FollowUp.ID}},
		{"rep1 owner rep2", f.rep1, store.AgendaFilter{Until: until, Owner: f.rep2.UserID}, []store.FollowUpID{}},
		{"manager customer", f.manager, store.AgendaFilter{Until: until, Customer: d.overdue.Customer.ID}, []store.FollowUpID{d.overdue.FollowUp.ID}},
		{"rep2 customer of rep1", f.rep2, store.AgendaFilter{Until: until, Customer: d.overdue.Customer.ID}, []store.FollowUpID{}},
	}
	for _, tt := range tests {
		b := f.book(tt.s, tt.flt)
		got := followUpIDs(b.FollowUps)
		slices.Sort(got)
		want := slices.Clone(tt.want)
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Errorf("%s: AgendaBook follow-ups = %v, want %v", tt.name, got, want)
		}
		for _, fu := range b.FollowUps {
			if fu.Status != store.FollowUpOpen {
				t.Errorf("%s: AgendaBook has a %s follow-up", tt.name, fu.Status)
			}
			c, ok := b.Customers[fu.CustomerID]
			if !ok || c.ID != fu.CustomerID || c.Name == "" {
				t.Errorf("%s: follow-up %d's customer %d missing from the book: %+v", tt.name, fu.ID, fu.CustomerID, c)
			}
		}
	}

	// The book ranks: rep1's overdue customer first.
	b := f.book(f.rep1, store.AgendaFilter{Until: T0.Add(8 * day)})
	items := store.Agenda(b, T0, time.UTC, store.DefaultWeights)
	if len(items) != 2 || items[0].Customer.ID != d.overdue.Customer.ID || items[0].Reasons[0].Kind != store.ReasonOverdue {
		t.Errorf("Agenda(book) = %+v", items)
	}
}

func testAgendaStale(t *testing.T, f *fixture) {
	var rs []store.Recorded
	for i, ago := range []int{0, 10, 30, 90} {
		rs = append(rs, f.record(f.rep1, store.Activity{Customer: named(fmt.Sprintf("Customer %d", i)), Interaction: call(T0.AddDate(0, 0, -ago), "x")}))
	}
	rs = append(rs, f.record(f.rep2, store.Activity{Customer: named("Other"), Interaction: call(T0.AddDate(0, 0, -90), "x")}))
	until := T0.Add(16 * time.Hour)
	if c := rs[3].Customer; c.TouchDueAt.IsZero() || !c.TouchDueAt.Before(until) {
		t.Skipf("a customer last called 90 days ago is not due a call (cadence %d): nothing to test", c.CadenceDays)
	}
	for _, s := range []store.Scope{f.rep1, f.manager} {
		b := f.book(s, store.AgendaFilter{Until: until})
		for _, r := range rs {
			c := f.customer(f.admin, r.Customer.ID)
			want := !c.TouchDueAt.IsZero() && c.TouchDueAt.Before(until) && f.sees(s, c.OwnerID)
			if _, got := b.Customers[c.ID]; got != want {
				t.Errorf("%s: %s (touch due %v) in the book: %v, want %v", s.Role, c.Name, c.TouchDueAt, got, want)
			}
		}
		b = f.book(s, store.AgendaFilter{Until: until, Owner: f.rep1.UserID})
		if _, ok := b.Customers[rs[4].Customer.ID]; ok {
			t.Errorf("%s: the book for rep1 has rep2's customer", s.Role)
		}
	}
}

// testAgendaLimit checks that a bounded book ranks its first items as the
// whole book does, and counts what it left out.
func testAgendaLimit(t *testing.T, f *fixture) {
	for i := range 9 { // long overdue: last called three months ago
		f.record(f.rep1, store.Activity{Customer: named(fmt.Sprintf("Long %c", 'Z'-i)), Interaction: call(T0.AddDate(0, 0, -90), "x")})
	}
	f.record(f.rep1, store.Activity{Customer: named("Long with a promise"), Interaction: call(T0.AddDate(0, 0, -90), "x"), FollowUp: due(T0.AddDate(0, 0, -2), "y")})
	// Recently overdue, by 1 to 16 days, some in segments A and B: their
	// scores differ by day and by segment, around the long-overdue ones'.
	for i := range 16 {
		r := f.record(f.rep1, store.Activity{Customer: named(fmt.Sprintf("Recent %02d", i)), Interaction: call(T0.AddDate(0, 0, -15-i).Add(-time.Duration(i)*time.Hour), "x")})
		if seg := []string{"", "A", "B"}[i%3]; seg != "" {
			if _, _, err := f.s.UpdateCustomer(t.Context(), f.rep1, f.origin(), r.Customer.ID, store.CustomerUpdate{Segment: &seg}); err != nil {
				t.Fatal(err)
			}
		}
	}
	f.record(f.rep2, store.Activity{Customer: named("Long of rep2"), Interaction: call(T0.AddDate(0, 0, -90), "x")})
	// Deals not moving for two months, whose stuck score is capped: on
	// customers with no other reason (called yesterday), one deal or two,
	// qualified or not, some in segment A; on customers long past their
	// cadence too (never called); on customers in the book for another
	// reason. And one stuck for three weeks only.
	stuckDeal := func(name string, qualified bool) {
		d, _ := f.createDeal(f.rep1, store.NewDeal{Customer: named(name), Value: 50_000_000, Currency: "VND"})
		if qualified {
			x := "yes"
			f.updateDeal(f.rep1, d.ID, store.DealUpdate{Need: &x, Budget: &x, Authority: &x})
		}
	}
	f.setNow(T0.AddDate(0, 0, -60))
	for i := range 12 {
		stuckDeal(fmt.Sprintf("Stuck %c", 'Z'-i), i%3 != 0)
		if i%4 == 1 {
			stuckDeal(fmt.Sprintf("Stuck %c", 'Z'-i), true)
		}
	}
	for _, name := range []string{"Long Y", "Long with a promise", "Recent 04", "Recent 09", "Stuck, never called 1", "Stuck, never called 2"} {
		stuckDeal(name, true)
	}
	// In segment A with three or two unqualified deals: above and just
	// below "Long with a promise", whose own stuck deal puts it between.
	hot := []string{"Hot 1", "Hot 2", "Hot 3", "Warm"}
	for i, name := range hot {
		for range 3 - i/3 {
			stuckDeal(name, false)
		}
	}
	f.setNow(T0.AddDate(0, 0, -21))
	stuckDeal("Stuck lately", true)
	f.setNow(T0)
	// Follow-ups two months late, whose score is capped too: one or two a
	// customer, in segment A, with a stuck deal; these rank first.
	for i, late := range []struct {
		name     string
		promises int
	}{{"Late A", 2}, {"Late B", 2}, {"Late C", 1}, {"Late D", 1}, {"Late E", 1}} {
		r := f.record(f.rep1, store.Activity{Customer: named(late.name), Interaction: call(T0.AddDate(0, 0, -1), "x"), FollowUp: due(T0.AddDate(0, 0, -60), "y")})
		for range late.promises - 1 {
			f.record(f.rep1, store.Activity{Customer: byID(r.Customer.ID), FollowUp: due(T0.AddDate(0, 0, -45), "z")})
		}
		switch i {
		case 2:
			seg := "A"
			if _, _, err := f.s.UpdateCustomer(t.Context(), f.rep1, f.origin(), r.Customer.ID, store.CustomerUpdate{Segment: &seg}); err != nil {
				t.Fatal(err)
			}
		case 3:
			f.setNow(T0.AddDate(0, 0, -60))
			stuckDeal(late.name, false)
			f.setNow(T0)
		}
	}
	for i := range 12 + len(hot) {
		name := fmt.Sprintf("Stuck %c", 'Z'-i)
		if i >= 12 {
			name = hot[i-12]
		}
		r := f.record(f.rep1, store.Activity{Customer: named(name), Interaction: call(T0.AddDate(0, 0, -1), "x")})
		if i%5 == 2 || i >= 12 {
			seg := "A"
			if _, _, err := f.s.UpdateCustomer(t.Context(), f.rep1, f.origin(), r.Customer.ID, store.CustomerUpdate{Segment: &seg}); err != nil {
				t.Fatal(err)
			}
		}
	}
	ids := func(items []store.AgendaItem) []store.CustomerID {
		return mapTo(items, func(it store.AgendaItem) store.CustomerID { return it.Customer.ID })
	}
	until, stuck := T0.Add(16*time.Hour), T0.AddDate(0, 0, -14)
	all := store.Agenda(f.book(f.rep1, store.AgendaFilter{Owner: f.rep1.UserID, Until: until, StuckSince: stuck}), T0, time.UTC, store.DefaultWeights)
	if len(all) < 40 {
		t.Skipf("only %d agenda items: the cadence does not make these customers due", len(all))
	}
	for _, limit := range []int{1, 2, 3, 5, 6, 12, 20, 40, 60} {
		flt := store.AgendaFilter{Owner: f.rep1.UserID, Until: until, StuckSince: stuck}
		flt.Page(store.DefaultWeights, T0, limit)
		b := f.book(f.rep1, flt)
		got := store.Agenda(b, T0, time.UTC, store.DefaultWeights)
		if n := len(got) + b.Omitted; n != len(all) {
			t.Errorf("limit %d: %d items + %d omitted, want %d in all", limit, len(got), b.Omitted, len(all))
		}
		if want := ids(all)[:min(limit, len(all))]; len(got) < len(want) || !slices.Equal(ids(got)[:len(want)], want) {
			t.Errorf("limit %d: first items %v, want %v", limit, ids(got), want)
		}
		if limit < 9 && b.Omitted == 0 {
			t.Errorf("limit %d: nothing omitted from nine long-overdue customers", limit)
		}
	}
}

func testAgendaLast(t *testing.T, f *fixture) {
	a := f.record(f.rep1, store.Activity{Customer: named("Acme"), Interaction: call(T0.Add(-3*day), "older"), FollowUp: due(T0.Add(-day), "x")})
	newest := f.record(f.rep1, store.Activity{Customer: byID(a.Customer.ID), Interaction: call(T0.Add(-2*day), "newest")})
	f.record(f.rep1, store.Activity{Customer: byID(a.Customer.ID), Interaction: call(T0.Add(-5*day), "back-dated")})
	b := f.record(f.rep1, store.Activity{Customer: named("Beta"), FollowUp: due(T0.Add(-day), "y")})

	lasts, err := f.s.LastInteractions(t.Context(), f.rep1, []store.CustomerID{a.Customer.ID, b.Customer.ID})
	if err != nil {
		t.Fatal(err)
	}
	last, ok := lasts[a.Customer.ID]
	if !ok || last.ID != newest.Interaction.ID || last.Summary != "newest" {
		t.Errorf("Last[acme] = %+v, want the newest interaction %d", last, newest.Interaction.ID)
	}
	if l, ok := lasts[b.Customer.ID]; ok {
		t.Errorf("Last[beta] = %+v, want none: beta was never contacted", l)
	}
	book := f.book(f.rep1, store.AgendaFilter{Until: T0, Customer: b.Customer.ID})
	if got := bookCustomers(book); !slices.Equal(got, []store.CustomerID{b.Customer.ID}) {
		t.Errorf("AgendaBook(customer beta) customers = %v", got)
	}
	if len(book.FollowUps) != 1 || book.FollowUps[0].CustomerID != b.Customer.ID {
		t.Errorf("AgendaBook(customer beta) follow-ups = %+v", book.FollowUps)
	}
}

// testAgendaFollowUpOwner: Owner picks the follow-ups that user owns,
// whoever owns the customer: a manager's promise on a rep's customer is on
// the manager's agenda, not the rep's.
func testAgendaFollowUpOwner(t *testing.T, f *fixture) {
	reps := f.record(f.rep1, store.Activity{Customer: named("Acme"), Interaction: call(T0, "x"), FollowUp: due(T0.Add(-day), "rep's")})
	mgr := f.record(f.manager, store.Activity{Customer: byID(reps.Customer.ID), FollowUp: due(T0.Add(-2*day), "manager's")})
	if mgr.FollowUp.OwnerID != f.manager.UserID {
		t.Fatalf("manager's follow-up owned by %d", mgr.FollowUp.OwnerID)
	}
	until := T0.Add(16 * time.Hour)
	tests := []struct {
		name string
		s    store.Scope
		flt  store.AgendaFilter
		want []store.FollowUpID
	}{
		{"manager's own", f.manager, store.AgendaFilter{Until: until, Owner: f.manager.UserID}, []store.FollowUpID{mgr.FollowUp.ID}},
		{"manager for rep1", f.manager, store.AgendaFilter{Until: until, Owner: f.rep1.UserID}, []store.FollowUpID{reps.FollowUp.ID}},
		{"manager all", f.manager, store.AgendaFilter{Until: until}, []store.FollowUpID{mgr.FollowUp.ID, reps.FollowUp.ID}},
		{"rep1's own", f.rep1, store.AgendaFilter{Until: until, Owner: f.rep1.UserID}, []store.FollowUpID{reps.FollowUp.ID}},
		{"rep1 all", f.rep1, store.AgendaFilter{Until: until}, []store.FollowUpID{mgr.FollowUp.ID, reps.FollowUp.ID}},
		{"rep2", f.rep2, store.AgendaFilter{Until: until}, []store.FollowUpID{}},
	}
	for _, tt := range tests {
		b := f.book(tt.s, tt.flt)
		if got := followUpIDs(b.FollowUps); !slices.Equal(got, tt.want) {
			t.Errorf("%s: AgendaBook follow-ups = %v, want %v", tt.name, got, tt.want)
		}
		for _, fu := range b.FollowUps {
			if _, ok := b.Customers[fu.CustomerID]; !ok {
				t.Errorf("%s: follow-up %d's customer missing from the book", tt.name, fu.ID)
			}
		}
	}
}

// --- Drafts and deliveries ---

func testDrafts(t *testing.T, f *fixture) {
	ctx := t.Context()
	texts := []string{"gọi lại Minh Phát thứ sáu", "call acme", ""}
	ids := make([]store.DraftID, len(texts))
	for i, text := range texts {
		id, err := f.s.SaveDraft(ctx, f.rep1.UserID, text)
		if err != nil {
			t.Fatal(err)
		}
		ids[i] = id
	}
	for i, id := range ids {
		got, err := f.s.Draft(ctx, f.rep1.UserID, id)
		if err != nil || got != texts[i] {
			t.Errorf("Draft(%d) = %q, %v; want %q", id, got, err, texts[i])
		}
		_, err = f.s.Draft(ctx, f.rep2.UserID, id)
		wantErr(t, "rep2 Draft(rep1's)", err, store.ErrNotFound)
	}
	_, err := f.s.Draft(ctx, f.rep1.UserID, 9999)
	wantErr(t, "Draft(9999)", err, store.ErrNotFound)
}

func testDeliveries(t *testing.T, f *fixture) {
	ctx := t.Context()
	u := f.rep1.UserID
	steps := []struct {
		name string
		do   func() (bool, error)
		want bool
		err  error
	}{
		{"claim", func() (bool, error) { return f.s.ClaimDelivery(ctx, "fu:1:2026-03-09", u) }, true, nil},
		{"claim again", func() (bool, error) { return f.s.ClaimDelivery(ctx, "fu:1:2026-03-09", u) }, false, nil},
		{"claim other key", func() (bool, error) { return f.s.ClaimDelivery(ctx, "fu:2:2026-03-09", u) }, true, nil},
		{"release", func() (bool, error) { return false, f.s.ReleaseDelivery(ctx, "fu:1:2026-03-09", "429") }, false, nil},
		{"claim after release", func() (bool, error) { return f.s.ClaimDelivery(ctx, "fu:1:2026-03-09", u) }, true, nil},
		{"claim after reclaim", func() (bool, error) { return f.s.ClaimDelivery(ctx, "fu:1:2026-03-09", u) }, false, nil},
		{"mark delivered", func() (bool, error) { return false, f.s.MarkDelivered(ctx, "fu:1:2026-03-09", "ts-1") }, false, nil},
		{"claim after delivered", func() (bool, error) { return f.s.ClaimDelivery(ctx, "fu:1:2026-03-09", u) }, false, nil},
		{"mark unknown", func() (bool, error) { return false, f.s.MarkDelivered(ctx, "nope", "ts") }, false, store.ErrNotFound},
		{"claim other key again", func() (bool, error) { return f.s.ClaimDelivery(ctx, "fu:2:2026-03-09", u) }, false, nil},
	}
	for _, st := range steps {
		got, err := st.do()
		if st.err != nil {
			wantErr(t, st.name, err, st.err)
			continue
		}
		if err != nil || got != st.want {
			t.Errorf("%s = %v, %v; want %v", st.name, got, err, st.want)
		}
	}
}

func testAliases(t *testing.T, f *fixture) {
	ctx := t.Context()
	mp := f.record(f.rep1, store.Activity{Customer: named("Minh Phát"), Interaction: call(T0, "first call")}).Customer
	f.record(f.rep2, store.Activity{Customer: named("Other"), Interaction: call(T0, "not rep1's")})
	change, err := f.s.AddAlias(ctx, f.rep1, store.Origin{Platform: "slack", EventID: "alias-1"}, mp.ID, "MP Group")
	if err != nil {
		t.Fatal(err)
	}
	if got := f.find(f.rep1, "mp group", 10); !slices.Equal(got, []string{"Minh Phát"}) {
		t.Errorf("FindCustomers(alias) = %q, want [Minh Phát]", got)
	}
	names, err := f.s.CustomerNames(ctx, f.rep1)
	if err != nil {
		t.Fatal(err)
	}
	want := []store.CustomerName{{ID: mp.ID, Name: "Minh Phát", Key: "minh phat"}, {ID: mp.ID, Name: "MP Group", Key: "mp group", Alias: true}}
	if !slices.Equal(names, want) {
		t.Errorf("CustomerNames(rep1) = %+v, want %+v (and nothing of rep2's)", names, want)
	}
	if _, err := f.s.AddAlias(ctx, f.rep1, store.Origin{}, mp.ID, "mp  GROUP"); !errors.Is(err, store.ErrConflict) {
		t.Errorf("AddAlias(same key) = %v, want ErrConflict", err)
	}
	if _, err := f.s.AddAlias(ctx, f.rep1, store.Origin{}, mp.ID, " !! "); !errors.Is(err, store.ErrInvalid) {
		t.Errorf("AddAlias(empty) = %v, want ErrInvalid", err)
	}
	if _, err := f.s.AddAlias(ctx, f.rep2, store.Origin{}, mp.ID, "stolen"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("AddAlias(another rep's customer) = %v, want ErrNotFound", err)
	}
	if _, err := f.s.Undo(ctx, f.rep1, store.Origin{}, change); err != nil {
		t.Fatalf("Undo(alias): %v", err)
	}
	if got := f.find(f.rep1, "mp group", 10); len(got) != 0 {
		t.Errorf("alias still found after undo: %q", got)
	}
}

func testOccasions(t *testing.T, f *fixture) {
	ctx := t.Context()
	birthday := func(m time.Month, d int) *store.Occasion { return &store.Occasion{Kind: "birthday", Month: m, Day: d} }
	rec, err := f.s.Record(ctx, f.rep1, store.Origin{Platform: "slack", EventID: "oc-1"},
		store.Activity{Customer: named("Acme"), Contact: "Jane", Occasion: birthday(time.March, 11)})
	if err != nil || rec.Occasion == nil || rec.Occasion.ID == 0 || rec.Occasion.ContactID != rec.Contact.ID || !rec.NewCustomer {
		t.Fatalf("Record(occasion) = %+v, %v", rec, err)
	}
	book, err := f.s.AgendaBook(ctx, f.rep1, store.AgendaFilter{Owner: f.rep1.UserID, Until: T0, Occasions: store.UpcomingDays(T0, time.UTC, 4)})
	if err != nil || len(book.Occasions) != 1 || book.Occasions[0].ID != rec.Occasion.ID {
		t.Errorf("AgendaBook occasions = %+v, %v; want the birthday on 11 March", book.Occasions, err)
	}
	acme := store.CustomerRef{ID: rec.Customer.ID}
	for _, b := range []*store.Occasion{birthday(time.February, 30), birthday(13, 1), {Kind: "", Month: 1, Day: 1}} {
		if _, err := f.s.Record(ctx, f.rep1, store.Origin{}, store.Activity{Customer: acme, Occasion: b}); !errors.Is(err, store.ErrInvalid) {
			t.Errorf("Record(occasion %+v) = %v, want ErrInvalid", b, err)
		}
	}
	if _, err := f.s.Record(ctx, f.rep1, store.Origin{}, store.Activity{Customer: acme, Occasion: birthday(time.February, 29)}); err != nil {
		t.Errorf("29 February: %v", err)
	}
	if _, err := f.s.Record(ctx, f.rep2, store.Origin{}, store.Activity{Customer: acme, Occasion: birthday(1, 1)}); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("occasion on another rep's customer = %v, want ErrNotFound", err)
	}
	if _, err := f.s.Undo(ctx, f.rep1, store.Origin{}, rec.Change); err == nil {
		t.Errorf("undo of the first record succeeded although a later occasion refers to its customer")
	}
}

func testPrune(t *testing.T, f *fixture) {
	ctx := t.Context()
	old := store.Origin{Platform: "slack", EventID: "old"}
	if err := f.s.ClaimEvent(ctx, old); err != nil {
		t.Fatal(err)
	}
	if _, err := f.s.SaveDraft(ctx, f.rep1.UserID, "called acme"); err != nil {
		t.Fatal(err)
	}
	f.setNow(T0.Add(40 * 24 * time.Hour))
	recent := store.Origin{Platform: "slack", EventID: "recent"}
	if err := f.s.ClaimEvent(ctx, recent); err != nil {
		t.Fatal(err)
	}
	n, err := f.s.Prune(ctx, T0.Add(30*24*time.Hour))
	if err != nil || n != 2 {
		t.Errorf("Prune = %d, %v; want the old event and the old draft", n, err)
	}
	if err := f.s.ClaimEvent(ctx, recent); !errors.Is(err, store.ErrDuplicate) {
		t.Errorf("a recent event was pruned: %v", err)
	}
}

func mapTo[T, U any](xs []T, f func(T) U) []U {
	out := make([]U, len(xs))
	for i, x := range xs {
		out[i] = f(x)
	}
	return out
}

// --- Access ---

func newcomer(platform, id string) store.User {
	return store.User{Name: "New " + id, Role: store.RoleAdmin, // the code's role wins
		Identities: []store.Identity{{Platform: platform, ExternalID: id, ChatID: id}}}
}

func testInvite(t *testing.T, f *fixture) {
	ctx := t.Context()
	week := T0.Add(7 * day)
	for _, s := range []store.Scope{f.manager, f.rep1, {}} {
		_, err := f.s.CreateCode(ctx, s, store.CodeInvite, store.RoleRep, week)
		wantErr(t, fmt.Sprintf("%s CreateCode(invite)", s.Role), err, store.ErrForbidden)
	}
	_, err := f.s.CreateCode(ctx, f.admin, store.CodeInvite, "boss", week)
	wantErr(t, "CreateCode(role boss)", err, store.ErrInvalid)

	code, err := f.s.CreateCode(ctx, f.admin, store.CodeInvite, store.RoleManager, week)
	if err != nil || len(code) < 8 {
		t.Fatalf("CreateCode = %q, %v", code, err)
	}
	// An identity that is someone's already is refused, and the code stays good.
	_, _, err = f.s.RedeemCode(ctx, code, newcomer("console", "rep1"))
	wantErr(t, "RedeemCode(taken identity)", err, store.ErrConflict)
	// Typed in lower case with a dash, it still works.
	typed := strings.ToLower(code[:4]) + "-" + code[4:]
	u, kind, err := f.s.RedeemCode(ctx, typed, newcomer("telegram", "100"))
	if err != nil || kind != store.CodeInvite || u.Role != store.RoleManager || u.ID == 0 {
		t.Fatalf("RedeemCode = %+v, %s, %v; want a new manager", u, kind, err)
	}
	if got, err := f.s.UserByIdentity(ctx, store.Identity{Platform: "telegram", ExternalID: "100"}); err != nil || got.ID != u.ID {
		t.Errorf("UserByIdentity(new) = %+v, %v", got, err)
	}
	_, _, err = f.s.RedeemCode(ctx, code, newcomer("telegram", "101"))
	wantErr(t, "RedeemCode(used)", err, store.ErrNotFound)
	_, _, err = f.s.RedeemCode(ctx, "ZZZZZZZZ", newcomer("telegram", "102"))
	wantErr(t, "RedeemCode(unknown)", err, store.ErrNotFound)

	late, err := f.s.CreateCode(ctx, f.admin, store.CodeInvite, store.RoleRep, T0.Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	f.setNow(T0.Add(time.Hour))
	_, _, err = f.s.RedeemCode(ctx, late, newcomer("telegram", "103"))
	wantErr(t, "RedeemCode(expired)", err, store.ErrNotFound)
	if _, err := f.s.UserByIdentity(ctx, store.Identity{Platform: "telegram", ExternalID: "103"}); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("an expired code let someone in: %v", err)
	}
}

// testInviteRace: many people redeem one code at once; one gets in.
func testInviteRace(t *testing.T, f *fixture) {
	code, err := f.s.CreateCode(t.Context(), f.admin, store.CodeInvite, store.RoleRep, T0.Add(day))
	if err != nil {
		t.Fatal(err)
	}
	const n = 8
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() { _, _, errs[i] = f.s.RedeemCode(t.Context(), code, newcomer("telegram", fmt.Sprint(200+i))) })
	}
	wg.Wait()
	won := 0
	for _, err := range errs {
		switch {
		case err == nil:
			won++
		case !errors.Is(err, store.ErrNotFound):
			t.Errorf("RedeemCode: %v", err)
		}
	}
	users, _ := f.s.ListUsers(t.Context())
	if won != 1 || len(users) != 5 {
		t.Errorf("%d redeemers won, %d users; want 1 and 5", won, len(users))
	}
}

func testLink(t *testing.T, f *fixture) {
	ctx := t.Context()
	code, err := f.s.CreateCode(ctx, f.rep1, store.CodeLink, store.RoleAdmin, T0.Add(15*time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	u, kind, err := f.s.RedeemCode(ctx, code, newcomer("telegram", "300"))
	if err != nil || kind != store.CodeLink || u.ID != f.rep1.UserID || u.Role != store.RoleRep {
		t.Fatalf("RedeemCode(link) = %+v, %s, %v; want rep1, still a rep", u, kind, err)
	}
	if got, err := f.s.UserByIdentity(ctx, store.Identity{Platform: "telegram", ExternalID: "300"}); err != nil || got.ID != f.rep1.UserID || len(got.Identities) != 2 {
		t.Errorf("UserByIdentity(linked) = %+v, %v", got, err)
	}
	_, _, err = f.s.RedeemCode(ctx, code, newcomer("telegram", "301"))
	wantErr(t, "RedeemCode(link used)", err, store.ErrNotFound)
}

func testRemoveUser(t *testing.T, f *fixture) {
	ctx := t.Context()
	acme, beta := scopeData(f)
	done := f.record(f.rep1, store.Activity{Customer: byID(acme.Customer.ID), FollowUp: due(T0.Add(-2*day), "done")})
	f.complete(f.rep1, done.FollowUp.ID)

	_, err := f.s.RemoveUser(ctx, f.manager, f.origin(), f.rep1.UserID, f.rep2.UserID)
	wantErr(t, "manager RemoveUser", err, store.ErrForbidden)
	_, err = f.s.RemoveUser(ctx, f.admin, f.origin(), f.rep1.UserID, f.rep1.UserID)
	wantErr(t, "RemoveUser(to self)", err, store.ErrInvalid)
	_, err = f.s.RemoveUser(ctx, f.admin, f.origin(), f.rep1.UserID, 9999)
	wantErr(t, "RemoveUser(to nobody)", err, store.ErrNotFound)

	h, err := f.s.RemoveUser(ctx, f.admin, f.origin(), f.rep1.UserID, f.rep2.UserID)
	if err != nil || h.Customers != 1 || h.FollowUps != 1 || h.Change == 0 {
		t.Fatalf("RemoveUser = %+v, %v; want 1 customer and 1 open follow-up", h, err)
	}
	if c := f.customer(f.admin, acme.Customer.ID); c.OwnerID != f.rep2.UserID {
		t.Errorf("acme owned by %d, want rep2", c.OwnerID)
	}
	if fu := f.followUp(f.admin, acme.FollowUp.ID); fu.OwnerID != f.rep2.UserID {
		t.Errorf("open follow-up owned by %d, want rep2", fu.OwnerID)
	}
	if fu := f.followUp(f.admin, done.FollowUp.ID); fu.OwnerID != f.rep1.UserID {
		t.Errorf("done follow-up moved to %d; history stays with who did it", fu.OwnerID)
	}
	if got := f.find(f.rep2, "acme", 10); len(got) != 1 {
		t.Errorf("rep2 FindCustomers(acme) = %q after the hand-over", got)
	}
	if u, err := f.s.User(ctx, f.rep1.UserID); err != nil || u.Active() {
		t.Errorf("User(rep1) = %+v, %v; want kept and inactive", u, err)
	}
	users, _ := f.s.ListUsers(ctx)
	for _, u := range users {
		if u.ID == f.rep1.UserID {
			t.Error("ListUsers lists a user who left")
		}
	}
	_, err = f.s.RemoveUser(ctx, f.admin, f.origin(), f.rep1.UserID, f.rep2.UserID)
	wantErr(t, "RemoveUser(again)", err, store.ErrNotFound)
	_, err = f.s.CreateCode(ctx, f.rep1, store.CodeLink, "", T0.Add(day))
	wantErr(t, "CreateCode by a user who left", err, store.ErrForbidden)

	// The hand-over is one change the admin can undo.
	ch := f.undo(f.admin, h.Change)
	if !strings.Contains(ch.Summary, "rep1") {
		t.Errorf("undone change = %q", ch.Summary)
	}
	if c := f.customer(f.admin, acme.Customer.ID); c.OwnerID != f.rep1.UserID {
		t.Errorf("after undo acme owned by %d, want rep1", c.OwnerID)
	}
	if u, _ := f.s.User(ctx, f.rep1.UserID); !u.Active() {
		t.Error("after undo rep1 is still gone")
	}
	if c := f.customer(f.admin, beta.Customer.ID); c.OwnerID != f.rep2.UserID {
		t.Errorf("beta moved to %d", c.OwnerID)
	}
}

// testRecordConcurrent logs calls about one customer from several writers
// at once, as the dispatchers (or several replicas) do: every one is
// stored, none fails for another's lock.
func testRecordConcurrent(t *testing.T, f *fixture) {
	acme := f.record(f.rep1, store.Activity{Customer: named("Acme"), Interaction: call(T0, "first")}).Customer
	const writers, each = 4, 10
	errs := make(chan error, writers*each)
	var wg sync.WaitGroup
	for w := range writers {
		wg.Go(func() {
			for i := range each {
				at := T0.Add(time.Duration(w*each+i+1) * time.Minute)
				o := store.Origin{Platform: "test", EventID: fmt.Sprintf("concurrent-%d-%d", w, i)}
				_, err := f.s.Record(t.Context(), f.rep1, o, store.Activity{Customer: byID(acme.ID),
					Interaction: call(at, fmt.Sprintf("call %d.%d", w, i)), FollowUp: due(at.Add(day), "again")})
				errs <- err
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Errorf("concurrent Record: %v", err)
		}
	}
	if got := len(f.interactions(f.rep1, acme.ID)); got != writers*each+1 {
		t.Errorf("%d interactions stored, want %d", got, writers*each+1)
	}
	wantTime(t, "last contact", f.customer(f.rep1, acme.ID).LastContactAt, T0.Add(writers*each*time.Minute))
}

// testCompleteConcurrent presses Done on one follow-up from several
// places at once: one completes it, the others hear it is done already.
func testCompleteConcurrent(t *testing.T, f *fixture) {
	const followUps, presses = 10, 8
	ids := make([]store.FollowUpID, followUps)
	for i := range ids {
		ids[i] = f.record(f.rep1, store.Activity{Customer: named("Acme"), FollowUp: due(T0.Add(day), fmt.Sprintf("quote %d", i))}).FollowUp.ID
	}
	errs := make(chan error, followUps*presses)
	done := make([]atomic.Int32, followUps)
	var wg sync.WaitGroup
	for i := range presses {
		wg.Go(func() {
			for j, id := range ids {
				o := store.Origin{Platform: "test", EventID: fmt.Sprintf("done-%d-%d", j, i)}
				_, _, err := f.s.CompleteFollowUp(t.Context(), f.rep1, o, id)
				switch {
				case err == nil:
					done[j].Add(1)
				case !errors.Is(err, store.ErrConflict):
					errs <- err
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Errorf("CompleteFollowUp: %v, want nil or ErrConflict", err)
	}
	for j := range done {
		if n := done[j].Load(); n != 1 {
			t.Errorf("follow-up %d: %d of %d presses completed it, want exactly one", j, n, presses)
		}
	}
}
