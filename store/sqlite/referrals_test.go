package sqlite_test

import (
	"slices"
	"testing"

	"github.com/tend-crm/tend/store"
)

// TestAgendaBookReferralAsks: the book holds the latest recent win of each
// loyal or advocate customer who has referred no one, within the scope.
func TestAgendaBookReferralAsks(t *testing.T) {
	ctx := t.Context()
	db := openTestDB(t)
	rep1 := mustUser(t, db, "rep1", store.RoleRep)
	rep2 := mustUser(t, db, "rep2", store.RoleRep)
	w, _ := db.Pools()
	exec := func(q string, args ...any) {
		t.Helper()
		if _, err := w.ExecContext(ctx, q, args...); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	days := func(n int) int64 { return t0.AddDate(0, 0, n).Unix() }
	exec(`INSERT INTO customers (id, name, name_key, owner_id, stage, referred_by, created_at) VALUES
		(1, 'Loyal', 'loyal', ?1, 'loyal', NULL, 0),
		(2, 'Advocate', 'advocate', ?1, 'advocate', NULL, 0),
		(3, 'Plain', 'plain', ?1, 'customer', NULL, 0),
		(4, 'Referrer', 'referrer', ?1, 'loyal', NULL, 0),
		(5, 'Referred', 'referred', ?1, 'customer', 4, 0),
		(6, 'Old win', 'old win', ?1, 'loyal', NULL, 0),
		(7, 'Other rep', 'other rep', ?2, 'loyal', NULL, 0),
		(8, 'Handed over', 'handed over', ?1, 'loyal', NULL, 0)`, rep1.UserID, rep2.UserID)
	// Loyal won twice (the later one counts), Advocate once, Plain is not
	// loyal, Referrer referred someone, Old win's win is too old, Other
	// rep's is not rep1's; Handed over is rep1's customer, won by rep2.
	exec(`INSERT INTO deals (id, customer_id, owner_id, title, stage, stage_changed_at, created_at) VALUES
		(1, 1, ?1, 'loyal first', 'won', ?3, 0), (2, 1, ?1, 'loyal second', 'won', ?4, 0), (3, 1, ?1, 'loyal open', 'proposal', ?4, 0),
		(4, 2, ?1, 'advocate', 'won', ?5, 0), (5, 3, ?1, 'plain', 'won', ?4, 0), (6, 4, ?1, 'referrer', 'won', ?4, 0),
		(7, 6, ?1, 'old', 'won', ?6, 0), (8, 7, ?2, 'other', 'won', ?4, 0), (9, 8, ?2, 'won by rep2', 'won', ?5, 0)`,
		rep1.UserID, rep2.UserID, days(-60), days(-10), days(-30), days(-120))

	for _, tt := range []struct {
		name string
		s    store.Scope
		f    store.AgendaFilter
		want []string
	}{
		{"rep1", rep1, store.AgendaFilter{Until: t0, WonSince: t0.AddDate(0, 0, -90)}, []string{"loyal second", "advocate", "won by rep2"}},
		{"rep1's own wins", rep1, store.AgendaFilter{Owner: rep1.UserID, Until: t0, WonSince: t0.AddDate(0, 0, -90)}, []string{"loyal second", "advocate"}},
		{"rep1 last 20 days", rep1, store.AgendaFilter{Until: t0, WonSince: t0.AddDate(0, 0, -20)}, []string{"loyal second"}},
		{"rep1 off", rep1, store.AgendaFilter{Until: t0}, nil},
		{"rep2", rep2, store.AgendaFilter{Until: t0, WonSince: t0.AddDate(0, 0, -90)}, []string{"other"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			b, err := db.AgendaBook(ctx, tt.s, tt.f)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, d := range b.ReferralAsks {
				got = append(got, d.Title)
				if b.Customers[d.CustomerID].Name == "" {
					t.Errorf("customer %d of %q not in the book", d.CustomerID, d.Title)
				}
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("ReferralAsks = %v, want %v", got, tt.want)
			}
		})
	}
}
