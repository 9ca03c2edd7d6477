package sqlite_test

import (
	"errors"
	"testing"

	"github.com/tend-crm/tend/store"
)

// TestCustomStages: a team's own pipeline replaces the default stages.
func TestCustomStages(t *testing.T) {
	ctx := t.Context()
	db := openTestDB(t)
	db.Stages = []string{"lead in", "demo", store.DealWon, store.DealLost}
	rep := mustUser(t, db, "rep", store.RoleRep)
	d, _, err := db.CreateDeal(ctx, rep, store.Origin{}, store.NewDeal{Customer: store.CustomerRef{Name: "Acme"}, Currency: "USD"})
	if err != nil || d.Stage != "lead in" {
		t.Fatalf("CreateDeal = %+v, %v; want at stage lead in", d, err)
	}
	for stage, valid := range map[string]bool{"demo": true, store.DealWon: true, "negotiation": false} {
		_, _, err := db.UpdateDeal(ctx, rep, store.Origin{}, d.ID, store.DealUpdate{Stage: &stage})
		if valid && err != nil || !valid && !errors.Is(err, store.ErrInvalid) {
			t.Errorf("UpdateDeal(stage %s) = %v, want valid %v", stage, err, valid)
		}
	}
}
