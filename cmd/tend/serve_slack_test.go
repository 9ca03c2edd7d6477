package main

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/tend-crm/tend/bot/slack/slacktest"
)

// TestServeSlackBinary runs the built tend serve against a stand-in Slack
// over Socket Mode: a DM logs a call and is answered in the same channel,
// and the same event delivered again is not logged twice.
func TestServeSlackBinary(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "tend")
	build := exec.CommandContext(t.Context(), "go", "build", "-o", bin, ".")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}

	slack := slacktest.NewServer(t)
	cmd := exec.CommandContext(context.WithoutCancel(t.Context()), bin, "serve", "--db", filepath.Join(dir, "tend.db"))
	cmd.Dir = dir // no tend.yaml there
	cmd.Env = append(withoutTend(os.Environ()),
		"TEND_SLACK_BOT_TOKEN="+slacktest.BotToken,
		"TEND_SLACK_APP_TOKEN="+slacktest.AppToken,
		"TEND_SLACK_API_URL="+slack.APIURL(),
		"TEND_USERS_DEFAULT_TIME_ZONE=Asia/Ho_Chi_Minh",
	)
	var stderr syncBuffer
	cmd.Stdout, cmd.Stderr = &stderr, &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	stopped := false
	t.Cleanup(func() {
		if !stopped {
			cmd.Process.Kill()
			<-exited
		}
		if t.Failed() {
			t.Logf("tend serve output:\n%s", stderr.String())
		}
	})

	conn := slack.Conn(t)
	logCall := slacktest.DM("called Acme Corp, follow up today", "1700000001.000100")
	conn.Send(slacktest.EventEnvelope("env-1", "Ev1", 0, logCall))
	if id := slack.Ack(t); id != "env-1" {
		t.Errorf("acked %q, want env-1", id)
	}
	c := slack.Call(t)
	if c.Method != "chat.postMessage" || c.Channel != "D1" || !strings.Contains(c.Text, "Logged a call with Acme Corp.") {
		t.Fatalf("posted %s to %s %q, want the call logged, answered in D1", c.Method, c.Channel, c.Text)
	}

	// Slack delivers the event again (its ack was lost, say), then the
	// rep asks for the agenda. Both wait in D1's queue behind each other:
	// had the redelivery been handled, its answer would be posted first.
	conn.Send(slacktest.EventEnvelope("env-2", "Ev1", 1, logCall))
	if id := slack.Ack(t); id != "env-2" {
		t.Errorf("acked %q, want the redelivery env-2", id)
	}
	conn.Send(slacktest.EventEnvelope("env-3", "Ev3", 0, slacktest.DM("who should I follow up with?", "1700000002.000100")))
	// The agenda comes as a heading and a card per customer.
	var agenda []string
	for range 2 {
		c := slack.Call(t)
		if c.Channel != "D1" {
			t.Errorf("posted to %s, want D1", c.Channel)
		}
		agenda = append(agenda, c.Text)
	}
	if got := strings.Join(agenda, "\n"); !strings.HasPrefix(got, "To follow up (1):") || !strings.Contains(got, "1. Acme Corp — due today") {
		t.Errorf("next posts = %q, want the agenda with Acme Corp once (the redelivery answered nothing)", agenda)
	}

	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-exited:
		stopped = true
		if err != nil {
			t.Errorf("tend serve after SIGTERM: %v", err)
		}
	case <-time.After(slacktest.Liveness):
		t.Fatal("tend serve did not stop after SIGTERM")
	}
	if out := stderr.String(); strings.Contains(out, "Acme") {
		t.Errorf("message text in the log:\n%s", out)
	}
}

// withoutTend drops TEND_* variables, so the developer's own settings do
// not leak into the server under test.
func withoutTend(env []string) []string {
	var out []string
	for _, kv := range env {
		if !strings.HasPrefix(kv, "TEND_") {
			out = append(out, kv)
		}
	}
	return out
}
