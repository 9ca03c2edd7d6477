package sqlite_test

import (
	"errors"
	"testing"

	"github.com/tend-crm/tend/store"
)

// TestSharedCustomers: a customer shared with a rep or a manager is theirs
// to see and work on, as their own are; sharing has no writer yet, so the
// share is inserted directly.
func TestSharedCustomers(t *testing.T) {
	ctx := t.Context()
	db := openTestDB(t)
	owner := mustUser(t, db, "owner", store.RoleRep)
	rep := mustUser(t, db, "rep", store.RoleRep)
	mgr := mustUser(t, db, "mgr", store.RoleManager)
	r, err := db.Record(ctx, owner, store.Origin{}, store.Activity{Customer: store.CustomerRef{Name: "Acme"},
		FollowUp: &store.FollowUp{Due: t0, Note: "x"}})
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []store.Scope{rep, mgr} {
		if _, err := db.Customer(ctx, s, r.Customer.ID); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("%s sees Acme before the share: %v", s.Role, err)
		}
	}
	w, _ := db.Pools()
	if _, err := w.ExecContext(ctx, "INSERT INTO customer_shares (customer_id, user_id) VALUES (?, ?), (?, ?)",
		r.Customer.ID, rep.UserID, r.Customer.ID, mgr.UserID); err != nil {
		t.Fatal(err)
	}
	for _, s := range []store.Scope{rep, mgr} {
		if _, err := db.Customer(ctx, s, r.Customer.ID); err != nil {
			t.Errorf("%s Customer(shared): %v", s.Role, err)
		}
		if fs, err := db.FollowUps(ctx, s, store.FollowUpFilter{}); err != nil || len(fs) != 1 {
			t.Errorf("%s FollowUps = %v, %v", s.Role, fs, err)
		}
	}
	if _, _, err := db.CompleteFollowUp(ctx, rep, store.Origin{}, r.FollowUp.ID); err != nil {
		t.Errorf("rep CompleteFollowUp(shared): %v", err)
	}
}
