package telegram_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/tend-crm/tend/bot"
	"github.com/tend-crm/tend/bot/telegram"
)

const secret = "s3cret-Token_1"

func TestWebhook(t *testing.T) {
	f := newFake(t)
	entered, release := make(chan struct{}), make(chan struct{})
	h := newRecorder()
	h.answer = func(m bot.Message) ([]bot.Reply, error) {
		if m.Text == "slow" {
			close(entered)
			<-release
		}
		return []bot.Reply{{Text: "noted"}}, nil
	}
	a, _, stop := run(t, f, h, telegram.Config{
		Mode:          telegram.ModeWebhook,
		Listen:        "127.0.0.1:0",
		WebhookURL:    "https://tend.example.com/tg/hook",
		WebhookSecret: secret,
		Workers:       1,
		Backlog:       1,
	})

	calls := f.waitFor("setWebhook", func(c []call) bool { return len(only(c, "setWebhook")) == 1 })
	p := only(calls, "setWebhook")[0].params
	if p.Get("url") != "https://tend.example.com/tg/hook" || p.Get("secret_token") != secret {
		t.Errorf("setWebhook %v, want the url and secret_token", p)
	}
	var allowed []string
	if err := json.Unmarshal([]byte(p.Get("allowed_updates")), &allowed); err != nil || len(allowed) == 0 {
		t.Errorf("setWebhook allowed_updates = %q", p.Get("allowed_updates"))
	}
	hook := "http://" + telegram.WebhookAddr(a).String() + "/tg/hook"

	post := func(url, token, body string) int {
		t.Helper()
		req, err := http.NewRequest(http.MethodPost, url, strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Content-Type", "application/json")
		if token != "" {
			req.Header.Set("X-Telegram-Bot-Api-Secret-Token", token)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}

	good := string(dm(1, 42, "hello"))
	refused := []struct {
		name       string
		url, token string
		body       string
		want       int
	}{
		{"no secret", hook, "", good, http.StatusUnauthorized},
		{"wrong secret", hook, "s3cret-Token_2", good, http.StatusUnauthorized},
		{"secret as a prefix", hook, secret[:5], good, http.StatusUnauthorized},
		{"other path", strings.TrimSuffix(hook, "hook") + "other", secret, good, http.StatusNotFound},
		{"bad JSON", hook, secret, `{"update_id":`, http.StatusBadRequest},
		{"not an update", hook, secret, `{"ok":true}`, http.StatusBadRequest},
		{"too large", hook, secret, `{"update_id":1,"x":"` + strings.Repeat("a", 2<<20) + `"}`, http.StatusRequestEntityTooLarge},
	}
	for _, tt := range refused {
		if got := post(tt.url, tt.token, tt.body); got != tt.want {
			t.Errorf("%s: status %d, want %d", tt.name, got, tt.want)
		}
	}
	resp, err := http.Get(hook)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("GET: status %d, want 405", resp.StatusCode)
	}
	if n := len(h.messages()); n != 0 {
		t.Fatalf("%d refused requests reached the handler", n)
	}

	// An edited message is not for Tend, but it is fine: 200, no retry.
	if got := post(hook, secret, string(update(2, "edited_message", message(3, privateChat(42), "x")))); got != http.StatusOK {
		t.Errorf("ignored update: status %d, want 200", got)
	}

	// The 200 comes only once the update was handled and answered.
	status := make(chan int, 1)
	go func() { status <- post(hook, secret, string(dm(3, 42, "slow"))) }()
	<-entered
	select {
	case s := <-status:
		t.Fatalf("answered %d before the handler finished", s)
	default:
	}
	// Meanwhile the dispatcher (one slot) is full: Telegram must retry.
	if got := post(hook, secret, string(dm(4, 43, "hello"))); got != http.StatusServiceUnavailable {
		t.Errorf("busy: status %d, want 503", got)
	}
	close(release)
	select {
	case s := <-status:
		if s != http.StatusOK {
			t.Errorf("handled update: status %d, want 200", s)
		}
	case <-time.After(liveness):
		t.Fatal("no answer after the handler finished")
	}
	calls = f.waitFor("", func([]call) bool { return true })
	if n := len(only(calls, "sendMessage")); n != 1 {
		t.Errorf("%d replies sent by the time of the 200, want 1", n)
	}
	if got := h.messages()[0]; got.EventID != "3" || !got.IsDM || got.ChatID != "42" {
		t.Errorf("handler got %+v", got)
	}

	if err := stop(); err != nil {
		t.Errorf("Run after shutdown: %v", err)
	}
	if n := len(only(f.waitFor("", func([]call) bool { return true }), "deleteWebhook")); n != 0 {
		t.Error("the webhook was deleted on shutdown; Telegram should keep queueing for us")
	}
}
