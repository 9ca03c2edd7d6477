package sqlite

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/tend-crm/tend/store/internal/sqlstore"
)

// TestPlansIgnoreBoundValues: with the query planner stability guarantee
// on, SQLite plans a statement without looking at its bound values, so a
// reused statement is not planned again. Seen from outside: a bound
// 'open' does not select the partial index for open follow-ups, as the
// literal does. Both the read and the write connections are checked.
func TestPlansIgnoreBoundValues(t *testing.T) {
	ctx := t.Context()
	db, err := Open(ctx, filepath.Join(t.TempDir(), "tend.db"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	plan := func(q sqlstore.Querier, status string) string {
		t.Helper()
		rows, err := q.QueryContext(ctx, "EXPLAIN QUERY PLAN SELECT id FROM follow_ups WHERE owner_id = 1 AND status = "+status+" ORDER BY due_at", "open")
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		var details []string
		for rows.Next() {
			var id, parent, unused int
			var detail string
			if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
				t.Fatal(err)
			}
			details = append(details, detail)
		}
		return strings.Join(details, "; ")
	}
	for name, q := range map[string]sqlstore.Querier{"read": db.read, "write": db.write} {
		if p := plan(q, "'open'"); !strings.Contains(p, "follow_ups_owner_open") {
			t.Fatalf("%s: the literal does not select the partial index (%s): the check below tests nothing", name, p)
		}
		if p := plan(q, "?"); strings.Contains(p, "follow_ups_owner_open") {
			t.Errorf("%s: the plan of a bound status depends on its value (%s): statements are planned again on every run", name, p)
		}
	}
}
