package sqlite_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/tend-crm/tend/store"
)

// TestHostileInput: whatever people type is data, stored as written (less
// control characters and invalid bytes) or refused whole with ErrInvalid;
// never SQL, never a half-written change.
func TestHostileInput(t *testing.T) {
	ctx := t.Context()
	db := openTestDB(t)
	rep := mustUser(t, db, "rep", store.RoleRep)
	admin := mustUser(t, db, "admin", store.RoleAdmin)
	count := func(table string) int {
		w, _ := db.Pools()
		var n int
		if err := w.QueryRowContext(ctx, "SELECT COUNT(*) FROM "+table).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	tests := []struct {
		name, customer, summary string
		want                    string // the name stored; "" when refused
	}{
		{"quote", "O'Brien & Sons", "it's", "O'Brien & Sons"},
		{"SQL", "Robert'); DROP TABLE customers;--", "'; DELETE FROM audit; --", "Robert'); DROP TABLE customers;--"},
		{"LIKE wildcards", "100% _Pure_", "%_%", "100% _Pure_"},
		{"NUL and escapes", "Ac\x00me\x1b[2J", "a\x00b", "Acme[2J"},
		{"invalid UTF-8", "Be\xfftа", "\xc3", "Be\uFFFDtа"},
		{"mentions and HTML", "<!channel> <@U1> <b>x</b>", "<script>", "<!channel> <@U1> <b>x</b>"},
		{"only punctuation", "'\";--", "x", ""},
		{"too long a name", strings.Repeat("a", 201), "x", ""},
		{"too long a summary", "Fine Name", strings.Repeat("x", 16<<10+1), ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			changes, customers := count("changes"), count("customers")
			r, err := db.Record(ctx, rep, store.Origin{Platform: "test", EventID: tt.name}, store.Activity{
				Customer:    store.CustomerRef{Name: tt.customer},
				Interaction: &store.Interaction{Kind: store.KindNote, At: t0, Summary: tt.summary},
				FollowUp:    &store.FollowUp{Due: t0.Add(24e9 * 3600), Note: tt.summary},
			})
			if tt.want == "" {
				if !errors.Is(err, store.ErrInvalid) {
					t.Errorf("Record: err = %v, want ErrInvalid", err)
				}
				if count("changes") != changes || count("customers") != customers {
					t.Error("a refused Record wrote something")
				}
				return
			}
			if err != nil {
				t.Fatalf("Record: %v", err)
			}
			if r.Customer.Name != tt.want {
				t.Errorf("stored name %q, want %q", r.Customer.Name, tt.want)
			}
			got, err := db.Customer(ctx, admin, r.Customer.ID)
			if err != nil || got.Name != tt.want {
				t.Errorf("read back %q, %v", got.Name, err)
			}
			if found, err := db.FindCustomers(ctx, rep, tt.customer, 10); err != nil || len(found) != 1 {
				t.Errorf("FindCustomers(%q) = %d customers, %v; want 1", tt.customer, len(found), err)
			}
			if n := count("customers"); n != customers+1 {
				t.Errorf("%d customers after adding one to %d", n, customers)
			}
		})
	}
	// Searches and codes are data too.
	for _, q := range []string{"%", "_", "' OR 1=1 --", "\x00", "\xff"} {
		if found, err := db.FindCustomers(ctx, rep, q, 100); err != nil || len(found) > 1 {
			t.Errorf("FindCustomers(%q) = %d customers, %v", q, len(found), err)
		}
	}
	for _, code := range []string{"' OR 1=1 --", "%", "", strings.Repeat("A", 1<<16)} {
		_, _, err := db.RedeemCode(ctx, code, store.User{Name: "x", Identities: []store.Identity{{Platform: "telegram", ExternalID: "1"}}})
		if !errors.Is(err, store.ErrNotFound) {
			t.Errorf("RedeemCode(%.20q): %v, want ErrNotFound", code, err)
		}
	}
	if _, err := db.AddAlias(ctx, rep, store.Origin{}, 1, "x'); DROP TABLE users; --"); err != nil {
		t.Errorf("AddAlias: %v", err)
	}
	if n := count("users"); n != 2 {
		t.Errorf("%d users, want 2", n)
	}
}
