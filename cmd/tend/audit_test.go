package main

import (
	"encoding/csv"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
)

func TestAuditExport(t *testing.T) {
	db := filepath.Join(t.TempDir(), "tend.db")
	if _, err := tend(t, "called Acme Corp, follow up today\nAcme Corp is segment A\nundo\n", "chat", "--db", db); err != nil {
		t.Fatal(err)
	}
	out, err := tend(t, "", "audit", "--db", db)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(out, "\ufeff"))).ReadAll()
	if err != nil {
		t.Fatalf("audit CSV: %v\n%s", err, out)
	}
	if len(rows) < 5 || strings.Join(rows[0], ",") != strings.Join(auditHeader, ",") {
		t.Fatalf("audit rows = %q", rows)
	}
	var segment, undo bool
	for _, r := range rows[1:] {
		if r[2] != "ann" {
			t.Errorf("row by %q, want ann: %q", r[2], r)
		}
		segment = segment || r[3] == "update customer: Acme Corp" && r[4] != "" && strings.Contains(r[9], `"segment":"A"`)
		undo = undo || strings.HasPrefix(r[3], "undo: update customer") && strings.Contains(r[8], `"segment":"A"`)
	}
	if !segment || !undo {
		t.Errorf("the segment change (undone) and its undo are not both there: %q", rows)
	}

	out, err = tend(t, "", "audit", "--db", db, "--format", "json", "--since", "2000-01-01")
	if err != nil {
		t.Fatal(err)
	}
	for line := range strings.Lines(out) {
		var v struct {
			Action string          `json:"action"`
			After  json.RawMessage `json:"after"`
		}
		if err := json.Unmarshal([]byte(line), &v); err != nil || v.Action == "" || len(v.After) == 0 {
			t.Errorf("JSON line %q: %v", line, err)
		}
	}
	if out, _ := tend(t, "", "audit", "--db", db, "--since", "2999-01-01"); strings.Count(out, "\n") != 1 {
		t.Errorf("audit since the future:\n%s", out)
	}
	if _, err := tend(t, "", "audit", "--db", db, "--since", "yesterday"); err == nil {
		t.Error("audit --since yesterday succeeded")
	}
}
