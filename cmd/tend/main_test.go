package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"github.com/tend-crm/tend/bot"
	"github.com/tend-crm/tend/store"
	"io/fs"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/debug"
	"slices"
	"strings"
	"testing"
)

// tend runs the command in-process, as the binary would.
func tend(t *testing.T, stdin string, args ...string) (string, error) {
	t.Helper()
	var out, errOut bytes.Buffer
	getenv := func(k string) string {
		if k == "USER" {
			return "ann"
		}
		return ""
	}
	err := run(t.Context(), args, getenv, strings.NewReader(stdin), &out, &errOut)
	if err != nil {
		t.Logf("stderr: %s", errOut.String())
	}
	return out.String(), err
}

const pinned = "2026-03-09T10:00:00+07:00" // a Monday morning in Hanoi

func TestChatLogsAndListsAcrossRuns(t *testing.T) {
	db := filepath.Join(t.TempDir(), "tend.db")
	args := []string{"chat", "--db", db, "--now", pinned, "--tz", "Asia/Ho_Chi_Minh"}
	out, err := tend(t, "called Acme Corp, spoke to Jane about pricing, follow up today\nwho should I follow up with?\n", args...)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Logged a call with Acme Corp.", "Acme Corp is new", "Contact: Jane (new).",
		"Follow-up: today — spoke to Jane about pricing.", "[1] Undo", "1. Acme Corp — due today: spoke to Jane about pricing"} {
		if !strings.Contains(out, want) {
			t.Errorf("first run: missing %q in:\n%s", want, out)
		}
	}
	out, err = tend(t, "who should I follow up with?\n", args...)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, "1. Acme Corp — due today") {
		t.Errorf("second run does not list Acme Corp:\n%s", out)
	}
}

func TestChatButtonsByNumber(t *testing.T) {
	db := filepath.Join(t.TempDir(), "tend.db")
	args := []string{"chat", "--db", db, "--now", pinned, "--tz", "Asia/Ho_Chi_Minh"}
	// Log, press Undo (1), then ask: nothing is left.
	out, err := tend(t, "called Globex, follow up tomorrow\n1\nwho should I follow up with?\n", args...)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Undone:", "Nobody needs you right now"} {
		if !strings.Contains(out, want) {
			t.Errorf("missing %q in:\n%s", want, out)
		}
	}
}

func TestChatShowsTheDigest(t *testing.T) {
	db := filepath.Join(t.TempDir(), "tend.db")
	args := []string{"chat", "--db", db, "--now", pinned, "--tz", "Asia/Ho_Chi_Minh"}
	if _, err := tend(t, "called Acme Corp, follow up today, send the price list\n", args...); err != nil {
		t.Fatal(err)
	}
	// Next run, with reminders: it is 10:00, the 08:30 digest is owed.
	out, err := tend(t, "help\n", append(args, "--reminders")...)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(out, "Good morning! To follow up today (1):\n1. Acme Corp — due today: send the price list") {
		t.Errorf("want the digest first:\n%s", out)
	}
	// Once only.
	out, _ = tend(t, "help\n", append(args, "--reminders")...)
	if strings.Contains(out, "Good morning!") {
		t.Errorf("digest sent twice:\n%s", out)
	}
}

func TestParseCommand(t *testing.T) {
	out, err := tend(t, "", "parse", "--now", pinned, "--tz", "Asia/Ho_Chi_Minh", "called Acme Corp, spoke to Jane about pricing, follow up today")
	if err != nil {
		t.Fatal(err)
	}
	var got map[string]any
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("not one JSON object: %v\n%s", err, out)
	}
	want := map[string]any{"intent": "log_interaction", "kind": "call", "customer": "Acme Corp", "contact": "Jane",
		"due": "2026-03-09T00:00:00+07:00", "lang": "en"}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("parse: %s = %v, want %v", k, got[k], v)
		}
	}
	// Without --tz, --now's offset is the zone (the machine's is UTC here
	// or anything else), and flags may follow the text.
	out, err = tend(t, "", "parse", "call Acme tomorrow", "--now", "2026-03-09T06:00:00+07:00")
	if err != nil || !strings.Contains(out, `"due":"2026-03-10T00:00:00+07:00"`) {
		t.Errorf("parse with --now's offset: %v %s", err, out)
	}
}

func TestCommandErrors(t *testing.T) {
	dir := t.TempDir()
	noDB := filepath.Join(dir, "never.db")
	badMode := filepath.Join(dir, "push.yaml")
	os.WriteFile(badMode, []byte("telegram:\n  token: \"123:abc\"\n  mode: push\n"), 0o600)
	tests := []struct {
		name string
		args []string
		want string // in the error
	}{
		{"no command", nil, "usage"},
		{"unknown command", []string{"frobnicate"}, `unknown command "frobnicate"`},
		{"bad flag", []string{"chat", "--nope"}, "bad arguments"},
		{"bad now", []string{"parse", "--now", "monday", "hi"}, "RFC3339"},
		{"bad zone", []string{"parse", "--tz", "Mars/Olympus", "hi"}, "unknown time zone"},
		{"parse needs text", []string{"parse"}, "bad arguments"},
		{"serve without platforms", []string{"serve", "--db", noDB}, "no chat platform configured"},
		{"serve with a bad adapter setting", []string{"serve", "--db", noDB, "--config", badMode}, `telegram: config: mode "push"`},
		{"missing config", []string{"migrate", "--config", "/nonexistent/tend.yaml"}, "config"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := tend(t, "", tt.args...)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("tend %v: error %v, want it to mention %q", tt.args, err, tt.want)
			}
		})
	}
	if _, err := os.Stat(noDB); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("a command that failed on its config left a database behind (%v)", err)
	}
}

func TestHelpFlags(t *testing.T) {
	for _, c := range commands() {
		if _, err := tend(t, "", c.name, "--help"); err != nil {
			t.Errorf("tend %s --help: %v", c.name, err)
		}
	}
}

func TestMigrateAndVersion(t *testing.T) {
	db := filepath.Join(t.TempDir(), "tend.db")
	out, err := tend(t, "", "migrate", "--db", db)
	if err != nil || !strings.Contains(out, "0001_init.sql") {
		t.Errorf("migrate: %v\n%s", err, out)
	}
	out, err = tend(t, "", "version")
	if err != nil || !strings.HasPrefix(out, "tend ") {
		t.Errorf("version: %v %q", err, out)
	}
}

func TestBackupWhileInUse(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "tend.db")
	args := []string{"chat", "--db", db, "--now", pinned, "--tz", "Asia/Ho_Chi_Minh"}
	if _, err := tend(t, "called Acme Corp, follow up today\n", args...); err != nil {
		t.Fatal(err)
	}
	// A writer keeps the file busy while the backup runs.
	stop := make(chan struct{})
	done := make(chan error, 1)
	go func() {
		for i := 0; ; i++ {
			select {
			case <-stop:
				done <- nil
				return
			default:
			}
			if _, err := tend(t, fmt.Sprintf("called Busy %d\n", i), args...); err != nil {
				done <- err
				return
			}
		}
	}()
	copyPath := filepath.Join(dir, "copy.db")
	out, err := tend(t, "", "backup", "--db", db, copyPath)
	close(stop)
	if werr := <-done; werr != nil {
		t.Fatal(werr)
	}
	if err != nil || !strings.Contains(out, "backed up") {
		t.Fatalf("backup: %v %q", err, out)
	}
	// The copy is a working Tend file ("restore" is using it as the file).
	out, err = tend(t, "who should I follow up with?\n", "chat", "--db", copyPath, "--now", pinned, "--tz", "Asia/Ho_Chi_Minh")
	if err != nil || !strings.Contains(out, "1. Acme Corp — due today") {
		t.Errorf("restored copy: %v\n%s", err, out)
	}
	if _, err := tend(t, "", "backup", "--db", db, copyPath); err == nil || !strings.Contains(err.Error(), "exists") {
		t.Errorf("backup over an existing file: %v", err)
	}
}

func TestUserAddAndList(t *testing.T) {
	db := filepath.Join(t.TempDir(), "tend.db")
	out, err := tend(t, "", "user", "add", "Lan", "Nguyen", "--platform", "telegram", "--id", "42", "--role", "admin", "--tz", "Asia/Ho_Chi_Minh", "--db", db)
	if err != nil || !strings.Contains(out, "added Lan Nguyen (admin) as user 1, telegram:42") {
		t.Fatalf("user add: %v %q", err, out)
	}
	out, err = tend(t, "", "user", "list", "--db", db)
	if err != nil || !strings.Contains(out, "Lan Nguyen") || !strings.Contains(out, "telegram:42") {
		t.Errorf("user list: %v\n%s", err, out)
	}
	for _, args := range [][]string{
		{"user", "add", "Lan", "--platform", "telegram", "--id", "42", "--db", db}, // taken
		{"user", "add", "Bob", "--platform", "fax", "--id", "1", "--db", db},
		{"user", "add", "Bob", "--platform", "slack", "--id", "U1", "--role", "boss", "--db", db},
		{"user", "add", "--platform", "slack", "--id", "U1", "--db", db},
		{"user", "delete"},
	} {
		if _, err := tend(t, "", args...); err == nil {
			t.Errorf("tend %v: want an error", args)
		}
	}
}

func TestConfigExampleDocumentsEveryKey(t *testing.T) {
	f, err := os.Open("../../config.example.yaml")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	env := map[string]string{"SLACK_BOT_TOKEN": "xoxb-1", "TELEGRAM_BOT_TOKEN": "123:abc"}
	cfg, err := ParseConfig(f, func(k string) string { return env[k] })
	if err != nil {
		t.Fatalf("config.example.yaml: %v", err)
	}
	if cfg.Slack.BotToken != "xoxb-1" || cfg.Telegram.Token != "123:abc" {
		t.Errorf("${VAR} not expanded: %+v %+v", cfg.Slack, cfg.Telegram)
	}
	body, _ := os.ReadFile("../../config.example.yaml")
	for _, field := range configFields(&cfg) {
		group, key, _ := strings.Cut(field.key, ".")
		if !strings.Contains(string(body), "\n"+group+":") || !strings.Contains(string(body), "\n  "+key+":") {
			t.Errorf("config.example.yaml does not document %s", field.key)
		}
	}
}

func TestParseConfig(t *testing.T) {
	tests := []struct {
		name    string
		yaml    string
		env     map[string]string
		check   func(Config) bool
		wantErr string
	}{
		{"empty is defaults", "", nil, func(c Config) bool { return c.Store.Path == "tend.db" && c.Log.Level == "info" }, ""},
		{"file value", "store:\n  path: /data/t.db\n", nil, func(c Config) bool { return c.Store.Path == "/data/t.db" }, ""},
		{"env overrides file", "store:\n  path: /data/t.db\n", map[string]string{"TEND_STORE_PATH": "/env.db"},
			func(c Config) bool { return c.Store.Path == "/env.db" }, ""},
		{"expansion", "telegram:\n  token: ${TOK}\n", map[string]string{"TOK": "9:x"}, func(c Config) bool { return c.Telegram.Token == "9:x" }, ""},
		{"unknown key", "store:\n  paht: x\n", nil, nil, "paht"},
		{"bad level", "log:\n  level: loud\n", nil, nil, "log.level"},
		{"bad synchronous", "store:\n  synchronous: off\n", nil, nil, "store.synchronous"},
		{"bad enroll", "users:\n  enroll: boss\n", nil, nil, "users.enroll"},
		{"strangers cannot enroll as admins", "users:\n  enroll: admin\n", nil, nil, "users.enroll"},
		{"bad zone", "users:\n  default_time_zone: Nowhere/Here\n", nil, nil, "users.default_time_zone"},
		{"not yaml", "store: [\n", nil, nil, "config"},
		{"a bare $ is kept", "store:\n  path: /data/pa$word.db\n", map[string]string{"word": "x"},
			func(c Config) bool { return c.Store.Path == "/data/pa$word.db" }, ""},
		{"unknown key, in the file's terms", "store:\n  path: x\n  paht: x\n", nil, nil, "line 3: unknown key paht"},
		{"a word for a number", "agenda:\n  max_days: abc\n", nil, nil, "line 2: want a number, not `abc`"},
		{"a word for a flag", "telegram:\n  pace: maybe\n", nil, nil, "line 2: want true or false, not `maybe`"},
		{"a list for a value", "store: [1, 2]\n", nil, nil, "line 1: want a single value, not a list"},
		{"a negative weight", "agenda:\n  overdue: -1\n", nil, nil, "agenda.overdue: must not be negative, not -1"},
		{"no days", "agenda:\n  max_days: 0\n", nil, nil, "agenda.max_days: must be at least 1, not 0"},
		{"env names its variable", "", map[string]string{"TEND_AGENDA_MAX_DAYS": "abc"}, nil,
			`agenda.max_days (TEND_AGENDA_MAX_DAYS): want a whole number, not "abc"`},
		{"stages are not env", "", map[string]string{"TEND_DEALS_STAGES": "1"}, nil, "TEND_DEALS_STAGES): cannot be set from the environment"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, err := ParseConfig(strings.NewReader(tt.yaml), func(k string) string { return tt.env[k] })
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error %v, want one mentioning %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !tt.check(cfg) {
				t.Errorf("unexpected config %+v", cfg)
			}
		})
	}
	var ce *ConfigError
	_, err := ParseConfig(strings.NewReader("log:\n  format: xml\n"), func(string) string { return "" })
	if !errors.As(err, &ce) || ce.Field != "log.format" {
		t.Errorf("want *ConfigError for log.format, got %v", err)
	}
}

// TestBinary builds tend and runs the README's demo through a pipe, as a
// newcomer would, then a second run on the same file.
func TestBinary(t *testing.T) {
	bin := tendBinary(t)
	dir := t.TempDir()
	db := filepath.Join(dir, "x.db")
	chat := func(input string) string {
		cmd := exec.CommandContext(context.WithoutCancel(t.Context()), bin, "chat", "--db", db, "--as", "ann")
		cmd.Dir = dir
		cmd.Stdin = strings.NewReader(input)
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("tend chat: %v\n%s", err, out)
		}
		return string(out)
	}
	// The README's first block, word for word: "> " lines are what is
	// typed, the others what Tend answers.
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, demo, _ := strings.Cut(string(readme), "```\n> ")
	demo, _, _ = strings.Cut("> "+demo, "```")
	var said, want strings.Builder
	for _, line := range strings.SplitAfter(demo, "\n") {
		if typed, ok := strings.CutPrefix(line, "> "); ok {
			said.WriteString(typed)
		} else {
			want.WriteString(line)
		}
	}
	if out := chat(said.String()); out != want.String() {
		t.Errorf("the README's demo answers otherwise:\n%s\nwant:\n%s", out, want.String())
	}
	if out := chat("show Acme Corp\n"); !strings.Contains(out, "Jane") || !strings.Contains(out, "spoke to Jane about pricing") {
		t.Errorf("the second run does not find the first's call:\n%s", out)
	}
	if fi, err := os.Stat(db); err != nil || fi.Size() == 0 {
		t.Errorf("no database at %s: %v", db, err)
	}
}

func TestAgendaWeightsConfig(t *testing.T) {
	cfg, err := ParseConfig(strings.NewReader("agenda:\n  overdue: 200\n  segment_a: 3\n"), func(k string) string {
		return map[string]string{"TEND_AGENDA_MAX_DAYS": "10"}[k]
	})
	if err != nil {
		t.Fatal(err)
	}
	w := cfg.Agenda.Weights()
	if w.Overdue != 200 || w.Segment["A"] != 3 || w.MaxDays != 10 || w.DueToday != store.DefaultWeights.DueToday {
		t.Errorf("weights = %+v", w)
	}
	if got := DefaultConfig().Agenda.Weights(); got.Overdue != store.DefaultWeights.Overdue || got.Segment["B"] != 1.2 || got.Segment["C"] != 1 {
		t.Errorf("default weights = %+v", got)
	}
	for _, bad := range []string{"agenda:\n  overdue: -1\n", "agenda:\n  max_days: 0\n", "agenda:\n  cadence: lots\n"} {
		if _, err := ParseConfig(strings.NewReader(bad), func(string) string { return "" }); err == nil {
			t.Errorf("ParseConfig(%q) succeeded", bad)
		}
	}
}

func TestDealsSummaryConfig(t *testing.T) {
	none := func(string) string { return "" }
	cfg, err := ParseConfig(strings.NewReader("agenda:\n  referral_ask: 35\ndeals:\n  summary_chat: \"slack:C123\"\n  summary_cron: \"30 17 * * FRI\"\n"), none)
	if err != nil {
		t.Fatal(err)
	}
	if to, ok := cfg.Deals.SummaryTarget(); !ok || to != (bot.Target{Platform: bot.Slack, ChatID: "C123"}) || cfg.Deals.SummaryCron != "30 17 * * FRI" {
		t.Errorf("summary = %+v, %v (%+v)", to, ok, cfg.Deals)
	}
	if w := cfg.Agenda.Weights(); w.ReferralAsk != 35 {
		t.Errorf("referral_ask = %v", w.ReferralAsk)
	}
	if d := DefaultConfig().Deals; d.SummaryCron != "0 8 * * MON" || d.SummaryChat != "" {
		t.Errorf("default deals = %+v", d)
	}
	if _, ok := DefaultConfig().Deals.SummaryTarget(); ok {
		t.Error("a summary chat by default")
	}
	for _, bad := range []string{"deals:\n  summary_chat: C123\n", "deals:\n  summary_chat: \"teams:C1\"\n",
		"deals:\n  summary_chat: \"slack:\"\n", "deals:\n  summary_cron: \"every monday\"\n", "deals:\n  summary_lang: fr\n"} {
		if _, err := ParseConfig(strings.NewReader(bad), none); err == nil {
			t.Errorf("ParseConfig(%q) succeeded", bad)
		}
	}
}

func TestDealStagesConfig(t *testing.T) {
	none := func(string) string { return "" }
	cfg, err := ParseConfig(strings.NewReader("deals:\n  stages:\n    - {name: discovery, probability: 5}\n    - {name: demo, probability: 40}\n"), none)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := cfg.Deals.StageNames(), []string{"discovery", "demo", "won", "lost"}; !slices.Equal(got, want) {
		t.Errorf("stages = %v, want %v", got, want)
	}
	if p := cfg.Deals.Pipeline(); p[1].Probability != 40 || p[2].Probability != 100 {
		t.Errorf("pipeline = %+v", p)
	}
	if got := DefaultConfig().Deals.StageNames(); !slices.Equal(got, store.DefaultStages) {
		t.Errorf("default stages = %v", got)
	}
	for _, bad := range []string{"deals:\n  stages: []\n", "deals:\n  stages:\n    - {name: won, probability: 100}\n",
		"deals:\n  stages:\n    - {name: Demo, probability: 5}\n", "deals:\n  stages:\n    - {name: demo, probability: 5}\n    - {name: demo, probability: 6}\n",
		"deals:\n  stages:\n    - {name: demo, probability: 120}\n", "deals:\n  stages:\n    - {name: \"\", probability: 1}\n"} {
		if _, err := ParseConfig(strings.NewReader(bad), none); err == nil {
			t.Errorf("ParseConfig(%q) succeeded", bad)
		}
	}
}

// TestTuneGC: the collector runs less often than Go's default, under a
// memory limit, unless the environment sets either.
func TestTuneGC(t *testing.T) {
	defer debug.SetGCPercent(debug.SetGCPercent(100))
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(math.MaxInt64))
	tests := []struct {
		env         map[string]string
		percent     int
		limit       int64
		description string
	}{
		{map[string]string{}, gcPercent, memoryLimit, "defaults"},
		{map[string]string{"GOGC": "100", "GOMEMLIMIT": "1GiB"}, 100, math.MaxInt64, "the environment's"},
	}
	for _, tt := range tests {
		debug.SetGCPercent(100)
		debug.SetMemoryLimit(math.MaxInt64)
		tuneGC(func(k string) string { return tt.env[k] })
		if got := debug.SetGCPercent(100); got != tt.percent {
			t.Errorf("%s: GC percent %d, want %d", tt.description, got, tt.percent)
		}
		if got := debug.SetMemoryLimit(-1); got != tt.limit {
			t.Errorf("%s: memory limit %d, want %d", tt.description, got, tt.limit)
		}
	}
}

// TestBench runs `tend bench` on a small book: every figure of
// docs/performance.md is measured and printed, and a second run on the
// same file measures it again without generating it.
func TestBench(t *testing.T) {
	db := filepath.Join(t.TempDir(), "bench.db")
	args := []string{"bench", "--db", db, "--customers", "300", "--interactions", "2000", "--reps", "4", "--heavy", "100",
		"--messages", "40", "--queries", "5"}
	for run := range 2 {
		out, err := tend(t, "", args...)
		if err != nil {
			t.Fatalf("run %d: %v", run, err)
		}
		for _, figure := range []string{"| start-up on the file |", "| raw inserts, one row per transaction |",
			"| messages logged end to end (8 workers) |", "| CPU time per logged message |", "| ratio end to end / raw |",
			"| follow-ups answer for rep1 (p50 / p99) |", "| digests of all ", "| peak RSS while answering |"} {
			if !strings.Contains(out, figure) {
				t.Errorf("run %d: no %q in\n%s", run, figure, out)
			}
		}
	}
}

// TestChatKeepsTheZoneYouSet: the zone set in the chat stands on later
// runs without --tz; --tz, like a platform's profile zone, replaces it.
func TestChatKeepsTheZoneYouSet(t *testing.T) {
	db := filepath.Join(t.TempDir(), "tend.db")
	if _, err := tend(t, "my time zone is America/New_York\n", "chat", "--db", db); err != nil {
		t.Fatal(err)
	}
	zone := func() string {
		out, err := tend(t, "", "user", "list", "--db", db)
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	if list := zone(); !strings.Contains(list, "America/New_York") {
		t.Fatalf("the zone was not set:\n%s", list)
	}
	if _, err := tend(t, "called Acme\n", "chat", "--db", db); err != nil {
		t.Fatal(err)
	}
	if list := zone(); !strings.Contains(list, "America/New_York") {
		t.Errorf("a run without --tz undid the zone:\n%s", list)
	}
	if _, err := tend(t, "called Acme\n", "chat", "--db", db, "--tz", "Asia/Tokyo"); err != nil {
		t.Fatal(err)
	}
	if list := zone(); !strings.Contains(list, "Asia/Tokyo") {
		t.Errorf("--tz did not set the zone:\n%s", list)
	}
}
