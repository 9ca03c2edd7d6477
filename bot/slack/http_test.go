package slack_test

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/tend-crm/tend/bot"
	tendslack "github.com/tend-crm/tend/bot/slack"
	"github.com/tend-crm/tend/bot/slack/slacktest"
)

const secret = "8f742231b10e8888abcd99yyyzzz85a5"

// sign sets Slack's v0 signature headers on req for body at time at.
func sign(req *http.Request, body []byte, at time.Time, key string) {
	ts := strconv.FormatInt(at.Unix(), 10)
	mac := hmac.New(sha256.New, []byte(key))
	io.WriteString(mac, "v0:"+ts+":")
	mac.Write(body)
	req.Header.Set("X-Slack-Request-Timestamp", ts)
	req.Header.Set("X-Slack-Signature", "v0="+hex.EncodeToString(mac.Sum(nil)))
}

type httpSlack struct {
	*slacktest.Server
	a    *tendslack.Adapter
	base string
}

func newHTTP(t *testing.T, r bot.Handler, tweak func(*tendslack.Config), ackWait time.Duration) *httpSlack {
	t.Helper()
	f := slacktest.NewServer(t)
	cfg := tendslack.Config{BotToken: "xoxb-test", SigningSecret: secret, Mode: "http",
		Listen: "127.0.0.1:0", APIURL: f.APIURL()}
	if tweak != nil {
		tweak(&cfg)
	}
	a, err := tendslack.New(cfg, r, discard())
	if err != nil {
		t.Fatal(err)
	}
	if ackWait > 0 {
		tendslack.SetAckWait(a, ackWait)
	}
	start(t, a)
	ctx, cancel := context.WithTimeout(t.Context(), liveness)
	defer cancel()
	addr, err := tendslack.Addr(ctx, a)
	if err != nil {
		t.Fatal(err)
	}
	return &httpSlack{Server: f, a: a, base: "http://" + addr.String()}
}

// post sends body to path, signed now unless tweak changes the request.
func (h *httpSlack) post(t *testing.T, path, contentType string, body []byte, tweak func(*http.Request)) (int, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, h.base+path, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", contentType)
	sign(req, body, time.Now(), secret)
	if tweak != nil {
		tweak(req)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestHTTPURLVerification(t *testing.T) {
	h := newHTTP(t, newRouter(), nil, 0)
	body := mustJSON(t, map[string]any{"token": "x", "challenge": "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P", "type": "url_verification"})
	code, resp := h.post(t, "/slack/events", "application/json", body, nil)
	var got struct{ Challenge string }
	json.Unmarshal([]byte(resp), &got)
	if code != http.StatusOK || got.Challenge != "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P" {
		t.Errorf("url_verification = %d %q, want 200 with the challenge", code, resp)
	}
}

func TestHTTPSignedEventIsServed(t *testing.T) {
	r := newRouter()
	h := newHTTP(t, r, nil, 0)
	if !h.a.Connected() {
		t.Error("Connected() = false while serving")
	}
	code, _ := h.post(t, "/slack/events", "application/json", mustJSON(t, slacktest.EventCallback("Ev1", slacktest.DM("log call Acme", "1700000001.000100"))), nil)
	if code != http.StatusOK {
		t.Fatalf("status %d, want 200", code)
	}
	if m := slacktest.Recv(t, r.msgs, "the message"); m.EventID != "Ev1" || m.ChatID != "D1" || m.Text != "log call Acme" || !m.IsDM {
		t.Errorf("message = %+v", m)
	}
	if c := h.Call(t); c.Channel != "D1" || c.Text != "re: log call Acme" {
		t.Errorf("posted %q to %s", c.Text, c.Channel)
	}
}

func TestHTTPRefusesUnsignedAndStale(t *testing.T) {
	r := newRouter()
	h := newHTTP(t, r, nil, 0)
	body := mustJSON(t, slacktest.EventCallback("Ev1", slacktest.DM("hello", "1.1")))
	tests := []struct {
		name  string
		tweak func(*http.Request)
		want  int
	}{
		{"bad signature", func(req *http.Request) { sign(req, body, time.Now(), "not the secret") }, http.StatusUnauthorized},
		{"signature of another body", func(req *http.Request) { sign(req, []byte("{}"), time.Now(), secret) }, http.StatusUnauthorized},
		{"no headers", func(req *http.Request) {
			req.Header.Del("X-Slack-Signature")
			req.Header.Del("X-Slack-Request-Timestamp")
		}, http.StatusUnauthorized},
		{"stale timestamp", func(req *http.Request) { sign(req, body, time.Now().Add(-6*time.Minute), secret) }, http.StatusUnauthorized},
		{"future timestamp", func(req *http.Request) { sign(req, body, time.Now().Add(6*time.Minute), secret) }, http.StatusUnauthorized},
		{"not a signature", func(req *http.Request) { req.Header.Set("X-Slack-Signature", "v1=zz") }, http.StatusUnauthorized},
	}
	for _, tt := range tests {
		for _, path := range []string{"/slack/events", "/slack/interactivity", "/slack/commands"} {
			if code, _ := h.post(t, path, "application/json", body, tt.tweak); code != tt.want {
				t.Errorf("%s on %s: status %d, want %d", tt.name, path, code, tt.want)
			}
		}
	}
	big := bytes.Repeat([]byte("x"), 2<<20)
	if code, _ := h.post(t, "/slack/events", "application/json", big, nil); code != http.StatusRequestEntityTooLarge {
		t.Errorf("2 MiB body: status %d, want 413", code)
	}
	select {
	case m := <-r.msgs:
		t.Errorf("handled %+v from a refused request", m)
	default:
	}
}

func TestHTTPRetryIsAnsweredOnce(t *testing.T) {
	r := newRouter()
	h := newHTTP(t, r, nil, 0)
	body := mustJSON(t, slacktest.EventCallback("Ev1", slacktest.DM("log call Acme", "1700000001.000100")))
	if code, _ := h.post(t, "/slack/events", "application/json", body, nil); code != http.StatusOK {
		t.Fatalf("first delivery: status %d", code)
	}
	retry := func(req *http.Request) {
		req.Header.Set("X-Slack-Retry-Num", "1")
		req.Header.Set("X-Slack-Retry-Reason", "http_timeout")
	}
	if code, _ := h.post(t, "/slack/events", "application/json", body, retry); code != http.StatusOK {
		t.Fatalf("retry: status %d, want 200 so Slack stops", code)
	}
	for range 2 {
		slacktest.Recv(t, r.msgs, "a delivery")
	}
	h.post(t, "/slack/events", "application/json", mustJSON(t, slacktest.EventCallback("Ev2", slacktest.DM("next", "1700000002.000100"))), nil)
	for _, want := range []string{"re: log call Acme", "re: next"} {
		if c := h.Call(t); c.Text != want {
			t.Errorf("posted %q, want %q (a retry must not be answered twice)", c.Text, want)
		}
	}
}

func TestHTTPInteractivityAndCommand(t *testing.T) {
	r := newRouter()
	r.onAction = func(a bot.Action) []bot.Reply { return []bot.Reply{{Text: "Snoozed", Replace: true}} }
	h := newHTTP(t, r, nil, 0)

	payload := mustJSON(t, press("", "1700000005.000100", "snooze:42:1d")["payload"])
	form := url.Values{"payload": {string(payload)}}.Encode()
	if code, body := h.post(t, "/slack/interactivity", "application/x-www-form-urlencoded", []byte(form), nil); code != http.StatusOK || body != "" {
		t.Errorf("interactivity: %d %q, want an empty 200", code, body)
	}
	if a := slacktest.Recv(t, r.acts, "the press"); a.Value != "snooze:42:1d" || a.Message.ID != "1700000005.000100" {
		t.Errorf("action = %+v", a)
	}
	if c := h.Call(t); c.Method != "chat.update" || c.TS != "1700000005.000100" {
		t.Errorf("call = %s %s, want chat.update of the pressed message", c.Method, c.TS)
	}

	cmd := url.Values{}
	for k, v := range slash("", "C9", "log call Acme")["payload"].(map[string]any) {
		cmd.Set(k, v.(string))
	}
	sent := time.Now()
	code, body := h.post(t, "/slack/commands", "application/x-www-form-urlencoded", []byte(cmd.Encode()), nil)
	if code != http.StatusOK || body != "" || time.Since(sent) > 3*time.Second {
		t.Errorf("command: %d %q after %v, want an empty 200 within 3s", code, body, time.Since(sent))
	}
	if m := slacktest.Recv(t, r.msgs, "the command"); m.Text != "/tend log call Acme" || m.ChatID != "C9" {
		t.Errorf("message = %+v", m)
	}
	if c := h.Call(t); c.Channel != "C9" || c.Text != "re: /tend log call Acme" {
		t.Errorf("posted %q to %s", c.Text, c.Channel)
	}
}

func TestHTTPBusyAsksSlackToRetry(t *testing.T) {
	r := newRouter()
	entered, release := make(chan struct{}), make(chan struct{})
	r.gate = func(m bot.Message) {
		if m.EventID == "Ev1" {
			close(entered)
			<-release
		}
	}
	h := newHTTP(t, r, func(c *tendslack.Config) { c.Workers, c.Backlog = 1, 1 }, time.Hour)
	first := make(chan int, 1)
	go func() {
		code, _ := h.post(t, "/slack/events", "application/json", mustJSON(t, slacktest.EventCallback("Ev1", slacktest.DM("slow", "1.1"))), nil)
		first <- code
	}()
	slacktest.Recv(t, entered, "the first event to be handled")
	code, _ := h.post(t, "/slack/events", "application/json", mustJSON(t, slacktest.EventCallback("Ev2", slacktest.DM("more", "1.2"))), nil)
	if code != http.StatusServiceUnavailable {
		t.Errorf("second event while full: status %d, want 503", code)
	}
	close(release)
	if code := slacktest.Recv(t, first, "the first response"); code != http.StatusOK {
		t.Errorf("first event: status %d, want 200", code)
	}
}

func FuzzSignedRequest(f *testing.F) {
	f.Add(uint8(0), []byte(`{"type":"event_callback","team_id":"T1","event_id":"Ev1","event":{"type":"message","channel":"D1","channel_type":"im","user":"U1","text":"hi <@U2|bob> &amp; <https://x.y|x>","ts":"1.1"}}`))
	f.Add(uint8(0), []byte(`{"type":"url_verification","challenge":"abc"}`))
	f.Add(uint8(0), []byte(`{"type":"event_callback","event":null}`))
	f.Add(uint8(1), []byte(`payload=%7B%22type%22%3A%22block_actions%22%7D`))
	f.Add(uint8(1), []byte(`payload=`+url.QueryEscape(`{"type":"block_actions","user":{"id":"U1"},"channel":{"id":"C1"},"container":{"message_ts":"1.1"},"actions":[{"action_id":"tend:0","value":"v"}]}`)))
	f.Add(uint8(2), []byte(`command=%2Ftend&text=log+call&channel_id=C1&user_id=U1&trigger_id=1.2&is_enterprise_install=maybe`))
	f.Add(uint8(2), []byte(`%zz`))

	fs := slacktest.NewServer(f)
	r := newRouter()
	r.reply = func(bot.Message) []bot.Reply { return nil }
	a, err := tendslack.New(tendslack.Config{BotToken: "xoxb-test", SigningSecret: secret, Mode: "http", APIURL: fs.APIURL()}, r, discard())
	if err != nil {
		f.Fatal(err)
	}
	handler := tendslack.Handler(a)
	paths := []string{"/slack/events", "/slack/interactivity", "/slack/commands"}
	f.Fuzz(func(t *testing.T, path uint8, body []byte) {
		req := httptest.NewRequest(http.MethodPost, paths[int(path)%len(paths)], bytes.NewReader(body))
		sign(req, body, time.Now(), secret)
		w := httptest.NewRecorder()
		handler.ServeHTTP(w, req)
		if !slices.Contains([]int{200, 400, 403, 413, 503}, w.Code) {
			t.Errorf("status %d for %q", w.Code, body)
		}
		if w.Code == http.StatusOK && strings.Contains(w.Body.String(), "<") {
			t.Errorf("answered %q", w.Body.String())
		}
	})
}
