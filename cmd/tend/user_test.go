package main

import (
	"path/filepath"
	"strings"
	"testing"
)

func TestUserTeamAndRemove(t *testing.T) {
	db := filepath.Join(t.TempDir(), "tend.db")
	for _, args := range [][]string{
		{"Lan", "--platform", "telegram", "--id", "1", "--role", "admin"},    // 1
		{"Minh", "--platform", "telegram", "--id", "2", "--role", "manager"}, // 2
		{"Bob", "--platform", "slack", "--id", "U3", "--manager", "minh"},    // 3, by name
		{"Cam", "--platform", "slack", "--id", "U4"},                         // 4
	} {
		if out, err := tend(t, "", append([]string{"user", "add", "--db", db}, args...)...); err != nil {
			t.Fatalf("user add %v: %v %q", args, err, out)
		}
	}
	if _, err := tend(t, "", "user", "add", "Dan", "--platform", "slack", "--id", "U5", "--manager", "4", "--db", db); err == nil {
		t.Error("a rep was made someone's manager")
	}
	out, err := tend(t, "", "user", "list", "--db", db)
	if err != nil || managerOf(out, "Bob") != "2" || !strings.Contains(out, "2 (Minh)") {
		t.Errorf("user list does not show Bob in Minh's team: %v\n%s", err, out)
	}
	for _, tc := range []struct {
		args    []string
		wantErr string
	}{
		{[]string{"Dan", "--platform", "slack", "--id", "U3"}, "slack:U3 is already a user's"},
		{[]string{"Dan", "--platform", "telegram", "--id", "@dan"}, "a Telegram --id is the person's numeric id"},
		{[]string{"Dan", "--platform", "slack", "--id", "U6", "--manager", "Nobody"}, `--manager: no active user "Nobody"`},
	} {
		if _, err := tend(t, "", append([]string{"user", "add", "--db", db}, tc.args...)...); err == nil || !strings.Contains(err.Error(), tc.wantErr) {
			t.Errorf("user add %v: %v, want an error saying %q", tc.args, err, tc.wantErr)
		}
	}
	// Minh leaves: his team moves to Lan.
	out, err = tend(t, "", "user", "remove", "Minh", "--to", "1", "--db", db)
	if err != nil || !strings.Contains(out, "removed Minh (user 2); Lan (user 1) takes over customers: 0, open deals: 0, open follow-ups: 0, team members: 1") {
		t.Fatalf("user remove: %v %q", err, out)
	}
	out, _ = tend(t, "", "user", "list", "--db", db)
	if strings.Contains(out, "Minh") || managerOf(out, "Bob") != "1" {
		t.Errorf("after the removal:\n%s", out)
	}
	if _, err := tend(t, "", "user", "add", "Minh", "--platform", "telegram", "--id", "2", "--db", db); err == nil ||
		!strings.Contains(err.Error(), "telegram:2 was Minh's, who was removed") {
		t.Errorf("adding a removed user's identity again: %v", err)
	}
	for _, args := range [][]string{
		{"user", "remove", "2", "--to", "1", "--db", db}, // gone already
		{"user", "remove", "3", "--db", db},              // no heir
		{"user", "remove", "x", "--to", "1", "--db", db},
		{"user", "remove", "1", "--to", "3", "--db", db}, // the only admin: nobody to record it as
	} {
		if _, err := tend(t, "", args...); err == nil {
			t.Errorf("tend %v: want an error", args)
		}
	}
}

// managerOf reads the MANAGER column of name's line in tend user list.
func managerOf(list, name string) string {
	for _, line := range strings.Split(list, "\n") {
		if f := strings.Fields(line); len(f) > 3 && f[1] == name {
			return f[3]
		}
	}
	return ""
}
