package main

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/tend-crm/tend/bot/telegram/telegramtest"
)

// liveness bounds waits for things that take milliseconds to seconds; it
// only turns a hang into a failure.
const liveness = 60 * time.Second

// syncBuffer is a bytes.Buffer safe for a logger and a test at once.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// logLines decodes a JSON log, one record a line.
func logLines(t *testing.T, log string) []map[string]any {
	t.Helper()
	var out []map[string]any
	for line := range strings.Lines(log) {
		var rec map[string]any
		if err := json.Unmarshal([]byte(line), &rec); err != nil {
			t.Fatalf("log line is not JSON: %v: %q", err, line)
		}
		out = append(out, rec)
	}
	return out
}

// telegramEnv is the environment of a serve against the stand-in.
func telegramEnv(tg *telegramtest.Server, extra ...string) map[string]string {
	env := map[string]string{
		"TEND_TELEGRAM_TOKEN":          telegramtest.Token,
		"TEND_TELEGRAM_API_URL":        tg.Endpoint(),
		"TEND_USERS_DEFAULT_TIME_ZONE": "Asia/Ho_Chi_Minh",
		"TEND_LOG_FORMAT":              "json",
		// The stand-in has no flood limits to keep to.
		"TEND_TELEGRAM_PACE": "false",
		// The people the tests speak as; anyone else is a stranger.
		"TEND_TELEGRAM_ALLOWED_USERS": "1,2,3,42,100,101,102,103,500,501,502,503,504",
	}
	for i := 0; i+1 < len(extra); i += 2 {
		env[extra[i]] = extra[i+1]
	}
	return env
}

// serving is a `tend serve` run in-process.
type serving struct {
	stderr *syncBuffer
	done   chan error
	stop   context.CancelFunc
}

func startServe(t *testing.T, env map[string]string, db string) *serving {
	t.Helper()
	ctx, cancel := context.WithCancel(context.WithoutCancel(t.Context()))
	s := &serving{stderr: &syncBuffer{}, done: make(chan error, 1), stop: cancel}
	go func() {
		s.done <- run(ctx, []string{"serve", "--db", db}, func(k string) string { return env[k] },
			strings.NewReader(""), io.Discard, s.stderr)
	}()
	t.Cleanup(func() {
		cancel()
		select {
		case <-s.done:
		case <-time.After(liveness):
			t.Error("serve did not stop")
		}
	})
	return s
}

// shutdown stops the serve and returns what it returned.
func (s *serving) shutdown(t *testing.T) error {
	t.Helper()
	s.stop()
	select {
	case err := <-s.done:
		s.done <- err // for the cleanup
		return err
	case <-time.After(liveness):
		t.Fatalf("serve did not stop\n%s", s.stderr)
		return nil
	}
}

// waitFor waits on the stand-in until cond holds.
func waitFor(t *testing.T, tg *telegramtest.Server, what string, cond func() bool) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), liveness)
	defer cancel()
	if err := tg.Wait(ctx, cond); err != nil {
		t.Fatalf("waiting for %s: %v", what, err)
	}
}

func sentTexts(tg *telegramtest.Server) []string {
	var out []string
	for _, s := range tg.Sent() {
		out = append(out, s.Text)
	}
	return out
}

func TestServeTelegram(t *testing.T) {
	tg := telegramtest.New()
	defer tg.Close()
	lan := telegramtest.User{ID: 42, FirstName: "Lan", Lang: "en"}
	const secretText = "spoke to Jane about the confidential pricing"
	tg.QueueMessage(lan, "called Acme Corp, "+secretText+", follow up today")
	tg.QueueMessage(lan, "who should I follow up with?")

	s := startServe(t, telegramEnv(tg), filepath.Join(t.TempDir(), "tend.db"))
	waitFor(t, tg, "3 replies", func() bool { return len(tg.Sent()) >= 3 && tg.Pending() == 0 })
	all := strings.Join(sentTexts(tg), "\n")
	for _, want := range []string{"Logged a call with Acme Corp.", "To follow up (1):", "1. Acme Corp — due today"} {
		if !strings.Contains(all, want) {
			t.Errorf("replies lack %q:\n%s", want, all)
		}
	}
	if err := s.shutdown(t); err != nil {
		t.Errorf("serve after shutdown: %v\n%s", err, s.stderr)
	}

	log := s.stderr.String()
	for _, secret := range []string{telegramtest.Token, "Acme", secretText} {
		if strings.Contains(log, secret) {
			t.Errorf("log holds %q:\n%s", secret, log)
		}
	}
	var handled []string
	for _, rec := range logLines(t, log) {
		if rec["msg"] == "message handled" && rec["level"] == "INFO" {
			if _, ok := rec["latency_ms"].(float64); !ok || rec["platform"] != "telegram" {
				t.Errorf("handled line lacks latency or platform: %v", rec)
			}
			handled = append(handled, fmt.Sprint(rec["intent"]))
		}
	}
	if got, want := strings.Join(handled, ","), "log_interaction,followups"; got != want {
		t.Errorf("handled lines for intents %s, want %s", got, want)
	}
}

// adminAddr is the address the admin listener logged.
func adminAddr(t *testing.T, s *serving, tg *telegramtest.Server) string {
	t.Helper()
	var addr string
	waitFor(t, tg, "the admin listener", func() bool {
		for line := range strings.Lines(s.stderr.String()) {
			var rec struct{ Msg, Addr string }
			if json.Unmarshal([]byte(line), &rec) == nil && rec.Msg == "admin listening" {
				addr = rec.Addr
				return true
			}
		}
		return false
	})
	return addr
}

func get(t *testing.T, u string) (int, string) {
	t.Helper()
	resp, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

func TestAdminHealthAndMetrics(t *testing.T) {
	tg := telegramtest.New()
	defer tg.Close()
	lan := telegramtest.User{ID: 42, FirstName: "Lan", Lang: "en"}
	// Held until getMe answers, so /healthz sees the adapter not yet
	// connected.
	hold := make(chan struct{})
	tg.Before(func(method string, _ url.Values) {
		if method == "getMe" {
			<-hold
		}
	})
	s := startServe(t, telegramEnv(tg, "TEND_ADMIN_LISTEN", "127.0.0.1:0"), filepath.Join(t.TempDir(), "tend.db"))
	base := "http://" + adminAddr(t, s, tg)

	if code, body := get(t, base+"/healthz"); code != http.StatusServiceUnavailable || !strings.Contains(body, "telegram: not connected") {
		t.Errorf("healthz before connecting: %d %s", code, body)
	}
	close(hold)
	// A 429 on the first reply: the adapter waits and sends it again.
	tg.Fail("sendMessage", telegramtest.Failure{Code: 429, Description: "Too Many Requests: retry after 1", RetryAfter: 1})
	tg.QueueMessage(lan, "called Acme Corp, follow up today")
	tg.QueueMessage(lan, "who should I follow up with?")
	waitFor(t, tg, "replies", func() bool { return len(tg.Sent()) >= 2 && tg.Pending() == 0 })
	if code, body := get(t, base+"/healthz"); code != http.StatusOK || !strings.Contains(body, `"ok"`) {
		t.Errorf("healthz while serving: %d %s", code, body)
	}

	// Failing polls: from the second failure's answer on, the adapter is
	// not connected until a poll succeeds, which the third failure and
	// its backoff delay by seconds.
	tg.Fail("getUpdates", telegramtest.Failure{Code: 500, Description: "Internal Server Error"},
		telegramtest.Failure{Code: 500, Description: "Internal Server Error"},
		telegramtest.Failure{Code: 500, Description: "Internal Server Error"})
	tg.QueueMessage(lan, "help") // ends the long poll under way; the next ones fail
	waitFor(t, tg, "two failed polls and the help", func() bool { return tg.Failing("getUpdates") <= 1 && len(tg.Sent()) >= 3 })
	if code, body := get(t, base+"/healthz"); code != http.StatusServiceUnavailable || !strings.Contains(body, "telegram: not connected") {
		t.Errorf("healthz while polls fail: %d %s", code, body)
	}

	// The error counter moves when the adapter has read the failed answer,
	// which may be just after the stand-in served it: poll for it. Two
	// failures at least; the third, after its backoff, on a slow machine.
	failed := regexp.MustCompile(`tend_platform_errors_total\{platform="telegram"\} [23]\n`)
	var metrics string
	for deadline := time.Now().Add(liveness); ; time.Sleep(10 * time.Millisecond) {
		_, metrics = get(t, base+"/metrics")
		if failed.MatchString(metrics) || time.Now().After(deadline) {
			break
		}
	}
	if !failed.MatchString(metrics) {
		t.Errorf("metrics lack %s", failed)
	}
	for _, want := range []string{
		`tend_messages_handled_total{intent="log_interaction",platform="telegram"} 1`,
		`tend_messages_handled_total{intent="followups",platform="telegram"} 1`,
		`tend_messages_handled_total{intent="help",platform="telegram"} 1`,
		`tend_reply_latency_seconds_count{platform="telegram"} 3`,
		`tend_platform_retries_total{platform="telegram"} 1`,
		`go_goroutines`,
	} {
		if !strings.Contains(metrics, want) {
			t.Errorf("metrics lack %s", want)
		}
	}
	if t.Failed() {
		t.Logf("metrics:\n%s", metrics)
	}
}

func TestAdminListenConfig(t *testing.T) {
	for _, tc := range []struct {
		listen string
		ok     bool
	}{
		{"", true},
		{"127.0.0.1:9090", true},
		{":9090", true},
		{"9090", false},
		{"localhost", false},
	} {
		_, err := ParseConfig(strings.NewReader("admin:\n  listen: \""+tc.listen+"\"\n"), func(string) string { return "" })
		if (err == nil) != tc.ok {
			t.Errorf("admin.listen %q: err %v, want ok %v", tc.listen, err, tc.ok)
		}
	}
}

// Building the binary once serves every test that runs it.
var (
	buildOnce sync.Once
	binPath   string
	buildErr  error
)

// tendBinary builds the tend binary once per test run.
func tendBinary(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("builds the binary")
	}
	buildOnce.Do(func() {
		var dir string
		dir, buildErr = os.MkdirTemp("", "tend-bin-")
		if buildErr != nil {
			return
		}
		binPath = filepath.Join(dir, "tend")
		out, err := exec.Command("go", "build", "-o", binPath, ".").CombinedOutput()
		if err != nil {
			buildErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return binPath
}

func TestMain(m *testing.M) {
	code := m.Run()
	if binPath != "" {
		os.RemoveAll(filepath.Dir(binPath))
	}
	os.Exit(code)
}

// serveBinary starts `tend serve` as a process with env on db.
func serveBinary(t *testing.T, bin string, env map[string]string, db string) (*exec.Cmd, *syncBuffer) {
	t.Helper()
	cmd := exec.Command(bin, "serve", "--db", db)
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir()}
	for k, v := range env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	stderr := &syncBuffer{}
	cmd.Stderr = stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill() })
	return cmd, stderr
}

// exited waits for cmd to end.
func exited(t *testing.T, cmd *exec.Cmd, stderr *syncBuffer) error {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		return err
	case <-time.After(liveness):
		t.Fatalf("tend serve did not exit\n%s", stderr)
		return nil
	}
}

// openRO opens a Tend file read-only for the checks of a test.
func openRO(t *testing.T, path string) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite3", "file:"+path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// storedByUpdate counts the interactions logged from each Telegram update.
func storedByUpdate(t *testing.T, path string) map[int]int {
	t.Helper()
	rows, err := openRO(t, path).Query(`SELECT src_event, COUNT(*) FROM interactions WHERE src_platform = 'telegram' GROUP BY src_event`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[int]int{}
	for rows.Next() {
		var id, n int
		if err := rows.Scan(&id, &n); err != nil {
			t.Fatal(err)
		}
		out[id] = n
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestShutdownWhileHandling sends SIGTERM to the binary while replies are
// held in flight: it must finish them, confirm them, and exit 0.
func TestShutdownWhileHandling(t *testing.T) {
	bin := tendBinary(t)
	tg := telegramtest.New()
	defer tg.Close()
	var ids []int
	for i := range 20 {
		u := telegramtest.User{ID: int64(100 + i%4), FirstName: fmt.Sprintf("Rep%d", i%4), Lang: "en"}
		ids = append(ids, tg.QueueMessage(u, fmt.Sprintf("called Shut %d, follow up tomorrow", i)))
	}
	// Replies wait until released: each chat has one update in flight.
	var mu sync.Mutex
	held := 0
	release := make(chan struct{})
	tg.Before(func(method string, _ url.Values) {
		if method != "sendMessage" {
			return
		}
		mu.Lock()
		held++
		mu.Unlock()
		<-release
	})
	inFlight := func() int { mu.Lock(); defer mu.Unlock(); return held }

	db := filepath.Join(t.TempDir(), "tend.db")
	cmd, stderr := serveBinary(t, bin, telegramEnv(tg), db)
	waitFor(t, tg, "four replies in flight", func() bool { return inFlight() >= 4 })
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	close(release)
	if err := exited(t, cmd, stderr); err != nil {
		t.Fatalf("tend serve after SIGTERM: %v\n%s", err, stderr)
	}

	confirmed := tg.Confirmed()
	stored := storedByUpdate(t, db)
	for _, id := range ids[:4] { // the first of each chat: in flight at the signal
		if id >= confirmed {
			t.Errorf("update %d was in flight at the signal but not confirmed (offset %d)", id, confirmed)
		}
	}
	for _, id := range ids {
		switch n := stored[id]; {
		case id < confirmed && n != 1:
			t.Errorf("confirmed update %d stored %d times", id, n)
		case n > 1:
			t.Errorf("update %d stored %d times", id, n)
		}
	}
	if !strings.Contains(stderr.String(), "tend stopped") {
		t.Errorf("no clean stop in the log:\n%s", stderr)
	}
}
