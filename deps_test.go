package tend_test

import (
	"os/exec"
	"slices"
	"strings"
	"testing"
)

// TestImportRules keeps the arrows one way (DESIGN.md): adapters → bot ←
// conversation → store ← store/sqlite, store/postgres; each vendor library is imported by
// its one package, and the domain imports no driver.
func TestImportRules(t *testing.T) {
	const (
		slack    = "github.com/slack-go/"
		telegram = "github.com/go-telegram-bot-api/"
		sqlite   = "github.com/mattn/"
		postgres = "github.com/jackc/"
		cron     = "github.com/robfig/"
		ours     = "github.com/tend-crm/tend/"
	)
	vendors := []string{slack, telegram, sqlite, postgres, cron}
	rules := []struct {
		pkg    string
		forbid []string
	}{
		{"./bot", append(vendors, ours)},
		{"./bot/console", append(vendors, ours+"store", ours+"conversation")},
		{"./bot/slack", []string{telegram, sqlite, cron, ours + "store", ours + "conversation", ours + "reminders"}},
		{"./bot/telegram", []string{slack, sqlite, cron, ours + "store", ours + "conversation", ours + "reminders"}},
		{"./bot/telegram/telegramtest", append(vendors, ours)}, // the Bot API's JSON, from the standard library
		{"./reminders", []string{slack, telegram, sqlite, postgres, "database/sql", ours + "store/sqlite", ours + "store/postgres", ours + "bot/"}},
		{"./store", append(vendors, "database/sql", ours)},
		{"./store/transfer", append(vendors, "database/sql", ours+"store/sqlite", ours+"store/postgres", ours+"conversation", ours+"bot", ours+"reminders")},
		{"./conversation/...", append(vendors, "database/sql", ours+"store/sqlite", ours+"store/postgres", ours+"bot/")},
		{"./store/storegen", append(vendors, "database/sql", ours+"store/sqlite", ours+"conversation", ours+"bot")},
		{"./store/sqlite", []string{slack, telegram, postgres, cron, ours + "conversation", ours + "bot", ours + "store/postgres"}},
		{"./store/postgres", []string{slack, telegram, sqlite, cron, ours + "conversation", ours + "bot", ours + "store/sqlite"}},
	}
	for _, r := range rules {
		self := goList(t, r.pkg)
		for _, dep := range goList(t, "-deps", r.pkg) {
			if slices.Contains(self, dep) {
				continue
			}
			for _, bad := range r.forbid {
				if strings.HasPrefix(dep, bad) {
					t.Errorf("%s depends on %s", r.pkg, dep)
				}
			}
		}
	}
}

func goList(t *testing.T, args ...string) []string {
	t.Helper()
	out, err := exec.Command("go", append([]string{"list", "-f", "{{.ImportPath}}"}, args...)...).Output()
	if err != nil {
		t.Fatalf("go list %v: %v", args, err)
	}
	return strings.Fields(string(out))
}
