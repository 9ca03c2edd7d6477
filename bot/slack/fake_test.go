package slack_test

// A stand-in Slack on 127.0.0.1: the Web API over HTTP (auth.test,
// apps.connections.open, chat.postMessage, chat.update, users.info) and
// Socket Mode over a real WebSocket, speaking Slack's documented JSON.

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/tend-crm/tend/bot"
	tendslack "github.com/tend-crm/tend/bot/slack"
)

// liveness bounds every wait in these tests. It is a guard against a hung
// test, never a way to let something happen.
const liveness = 10 * time.Second

func recv[T any](t *testing.T, ch <-chan T, what string) T {
	t.Helper()
	select {
	case v := <-ch:
		return v
	case <-time.After(liveness):
		t.Fatalf("timed out waiting for %s", what)
		panic("unreachable")
	}
}

// apiCall is a chat.postMessage or chat.update the fake received.
type apiCall struct {
	Method   string
	Channel  string
	TS       string // chat.update: the message updated
	ThreadTS string
	Text     string
	Blocks   []block
}

type block struct {
	Type string `json:"type"`
	Text *struct {
		Type     string `json:"type"`
		Text     string `json:"text"`
		Verbatim bool   `json:"verbatim"`
	} `json:"text"`
	Elements []struct {
		Type     string `json:"type"`
		ActionID string `json:"action_id"`
		Value    string `json:"value"`
		Text     struct {
			Text string `json:"text"`
		} `json:"text"`
	} `json:"elements"`
}

// sections returns the text of the call's section blocks.
func (c apiCall) sections() []string {
	var s []string
	for _, b := range c.Blocks {
		if b.Type == "section" && b.Text != nil {
			s = append(s, b.Text.Text)
		}
	}
	return s
}

type fakeSlack struct {
	t     testing.TB
	srv   *httptest.Server
	calls chan apiCall
	acks  chan string // envelope ids, in the order the fake read them
	conns chan *wsConn
	opens atomic.Int32
	ts    atomic.Int64

	mu         sync.Mutex
	limited    int               // answer the next n chat.postMessage with 429
	failPost   map[string]string // channel → Slack error
	failUpdate map[string]string // ts → Slack error
	live       []*wsConn
}

func newFake(t testing.TB) *fakeSlack {
	f := &fakeSlack{
		t:          t,
		calls:      make(chan apiCall, 1000),
		acks:       make(chan string, 1000),
		conns:      make(chan *wsConn, 10),
		failPost:   map[string]string{},
		failUpdate: map[string]string{},
	}
	f.ts.Store(1700000000)
	mux := http.NewServeMux()
	mux.HandleFunc("POST /api/auth.test", func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer xoxb-test" && r.FormValue("token") != "xoxb-test" {
			writeJSON(w, map[string]any{"ok": false, "error": "invalid_auth"})
			return
		}
		writeJSON(w, map[string]any{"ok": true, "user_id": "UBOT", "team_id": "T1", "bot_id": "B1", "user": "tend"})
	})
	mux.HandleFunc("POST /api/apps.connections.open", func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer xapp-test" {
			writeJSON(w, map[string]any{"ok": false, "error": "invalid_auth"})
			return
		}
		f.opens.Add(1)
		writeJSON(w, map[string]any{"ok": true, "url": "ws" + strings.TrimPrefix(f.srv.URL, "http") + "/link/?ticket=1"})
	})
	mux.HandleFunc("POST /api/users.info", func(w http.ResponseWriter, r *http.Request) {
		id := r.FormValue("user")
		writeJSON(w, map[string]any{"ok": true, "user": map[string]any{
			"id": id, "name": "bob", "real_name": "Bob Nguyen", "tz": "Asia/Ho_Chi_Minh", "locale": "vi-VN",
			"profile": map[string]any{"display_name": "Bob"},
		}})
	})
	mux.HandleFunc("POST /api/chat.postMessage", func(w http.ResponseWriter, r *http.Request) {
		c := f.decodeCall(r, "chat.postMessage")
		f.mu.Lock()
		limited := f.limited > 0
		if limited {
			f.limited--
		}
		fail := f.failPost[c.Channel]
		f.mu.Unlock()
		if limited {
			w.Header().Set("Retry-After", "1")
			w.WriteHeader(http.StatusTooManyRequests)
			return
		}
		if fail != "" {
			writeJSON(w, map[string]any{"ok": false, "error": fail})
			return
		}
		f.calls <- c
		ch := c.Channel
		if strings.HasPrefix(ch, "U") { // a user id: the app's DM with them
			ch = "D" + ch[1:]
		}
		writeJSON(w, map[string]any{"ok": true, "channel": ch, "ts": f.nextTS()})
	})
	mux.HandleFunc("POST /api/chat.update", func(w http.ResponseWriter, r *http.Request) {
		c := f.decodeCall(r, "chat.update")
		f.mu.Lock()
		fail := f.failUpdate[c.TS]
		f.mu.Unlock()
		if fail != "" {
			writeJSON(w, map[string]any{"ok": false, "error": fail})
			return
		}
		f.calls <- c
		writeJSON(w, map[string]any{"ok": true, "channel": c.Channel, "ts": c.TS, "text": c.Text})
	})
	mux.HandleFunc("GET /link/", f.serveSocket)
	f.srv = httptest.NewServer(mux)
	t.Cleanup(func() {
		f.mu.Lock()
		for _, c := range f.live {
			c.c.Close()
		}
		f.mu.Unlock()
		f.srv.Close()
	})
	return f
}

func (f *fakeSlack) nextTS() string {
	return strconv.FormatInt(f.ts.Add(1), 10) + ".000100"
}

func (f *fakeSlack) decodeCall(r *http.Request, method string) apiCall {
	if err := r.ParseForm(); err != nil {
		f.t.Errorf("%s: %v", method, err)
	}
	c := apiCall{Method: method, Channel: r.FormValue("channel"), TS: r.FormValue("ts"),
		ThreadTS: r.FormValue("thread_ts"), Text: r.FormValue("text")}
	if b := r.FormValue("blocks"); b != "" {
		if err := json.Unmarshal([]byte(b), &c.Blocks); err != nil {
			f.t.Errorf("%s: blocks: %v", method, err)
		}
	}
	return c
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(v)
}

// call waits for the next chat.postMessage or chat.update.
func (f *fakeSlack) call(t *testing.T) apiCall {
	t.Helper()
	return recv(t, f.calls, "a Web API call")
}

// ack waits for the next envelope id the client acknowledged.
func (f *fakeSlack) ack(t *testing.T) string {
	t.Helper()
	return recv(t, f.acks, "an ack")
}

// conn waits for the client's next WebSocket connection.
func (f *fakeSlack) conn(t *testing.T) *wsConn {
	t.Helper()
	return recv(t, f.conns, "a socket connection")
}

// wsConn is the server end of one Socket Mode connection.
type wsConn struct {
	c    *websocket.Conn
	mu   sync.Mutex // one writer at a time
	done chan struct{}
}

// The client says it comes from api.slack.com, as Slack's own SDKs do.
var upgrader = websocket.Upgrader{CheckOrigin: func(r *http.Request) bool {
	return r.Header.Get("Origin") == "https://api.slack.com"
}}

func (f *fakeSlack) serveSocket(w http.ResponseWriter, r *http.Request) {
	c, err := upgrader.Upgrade(w, r, nil)
	if err != nil {
		return
	}
	wc := &wsConn{c: c, done: make(chan struct{})}
	f.mu.Lock()
	f.live = append(f.live, wc)
	f.mu.Unlock()
	// Slack pings; the client counts a connection without pings as dead.
	c.WriteControl(websocket.PingMessage, []byte("1"), time.Now().Add(time.Second))
	wc.write(map[string]any{"type": "hello", "num_connections": 1,
		"debug_info":      map[string]any{"host": "fake", "approximate_connection_time": 3600},
		"connection_info": map[string]any{"app_id": "A1"}})
	go func() {
		tick := time.NewTicker(5 * time.Second)
		defer tick.Stop()
		for {
			select {
			case <-wc.done:
				return
			case <-tick.C:
				c.WriteControl(websocket.PingMessage, []byte("1"), time.Now().Add(time.Second))
			}
		}
	}()
	f.conns <- wc
	go func() {
		defer close(wc.done)
		for {
			_, data, err := c.ReadMessage()
			if err != nil {
				return
			}
			var ack struct {
				EnvelopeID string          `json:"envelope_id"`
				Payload    json.RawMessage `json:"payload"`
			}
			if err := json.Unmarshal(data, &ack); err != nil || ack.EnvelopeID == "" {
				f.t.Errorf("bad ack %q", data)
				continue
			}
			if len(ack.Payload) > 0 && string(ack.Payload) != "null" {
				f.t.Errorf("ack %s carries a payload %s; replies go by chat.postMessage", ack.EnvelopeID, ack.Payload)
			}
			f.acks <- ack.EnvelopeID
		}
	}()
}

func (c *wsConn) write(v any) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.c.WriteJSON(v)
}

// eventEnvelope wraps an Events API event as Socket Mode delivers it.
func eventEnvelope(envID, eventID string, retry int, event map[string]any) map[string]any {
	return map[string]any{
		"envelope_id": envID, "type": "events_api", "accepts_response_payload": false,
		"retry_attempt": retry, "retry_reason": map[bool]string{true: "timeout"}[retry > 0],
		"payload": eventCallback(eventID, event),
	}
}

func eventCallback(eventID string, event map[string]any) map[string]any {
	return map[string]any{
		"token": "unused", "team_id": "T1", "api_app_id": "A1", "type": "event_callback",
		"event_id": eventID, "event_time": 1700000000, "event": event,
	}
}

// dm is a message.im event from user U1 in D1.
func dm(text, ts string) map[string]any {
	return map[string]any{"type": "message", "channel": "D1", "channel_type": "im", "user": "U1",
		"text": text, "ts": ts, "event_ts": ts, "client_msg_id": "c-" + ts}
}

// fakeRouter stands in for conversation.Router: it remembers event ids
// and answers nothing for one it has seen, as the router's ledger does.
type fakeRouter struct {
	msgs chan bot.Message
	acts chan bot.Action
	// gate, when set, is called before a message is handled (to block it).
	gate     func(bot.Message)
	reply    func(bot.Message) []bot.Reply
	onAction func(bot.Action) []bot.Reply

	mu   sync.Mutex
	seen map[string]bool
}

func newRouter() *fakeRouter {
	return &fakeRouter{
		msgs: make(chan bot.Message, 1000),
		acts: make(chan bot.Action, 100),
		seen: map[string]bool{},
		reply: func(m bot.Message) []bot.Reply {
			return []bot.Reply{{Text: "re: " + m.Text}}
		},
	}
}

func (r *fakeRouter) first(id string) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	if id != "" && r.seen[id] {
		return false
	}
	r.seen[id] = true
	return true
}

func (r *fakeRouter) HandleMessage(_ context.Context, m bot.Message) ([]bot.Reply, error) {
	if r.gate != nil {
		r.gate(m)
	}
	r.msgs <- m
	if !r.first(m.EventID) {
		return nil, nil
	}
	return r.reply(m), nil
}

func (r *fakeRouter) HandleAction(_ context.Context, a bot.Action) ([]bot.Reply, error) {
	r.acts <- a
	if !r.first(a.EventID) || r.onAction == nil {
		return nil, nil
	}
	return r.onAction(a), nil
}

func discard() *slog.Logger { return slog.New(slog.DiscardHandler) }

// socketConfig is a Socket Mode config against f.
func (f *fakeSlack) socketConfig() tendslack.Config {
	return tendslack.Config{BotToken: "xoxb-test", AppToken: "xapp-test", APIURL: f.srv.URL + "/api/"}
}

// start runs a until the test ends, checking that Run returns cleanly.
func start(t *testing.T, a *tendslack.Adapter) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- a.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("Run = %v, want nil after cancel", err)
			}
		case <-time.After(liveness):
			t.Errorf("Run did not return after cancel")
		}
	})
}

// newSocket starts an adapter in Socket Mode on cfg and returns it with
// its first connection. A non-zero ackWait replaces the ack deadline.
func newSocket(t *testing.T, f *fakeSlack, h bot.Handler, cfg tendslack.Config, ackWait time.Duration) (*tendslack.Adapter, *wsConn) {
	t.Helper()
	a, err := tendslack.New(cfg, h, discard())
	if err != nil {
		t.Fatal(err)
	}
	if ackWait > 0 {
		tendslack.SetAckWait(a, ackWait)
	}
	start(t, a)
	return a, f.conn(t)
}

func ignoredEnvelope(envID string) map[string]any {
	// A bot's message: decoded, deliberately ignored, acked by the read loop.
	return eventEnvelope(envID, "Ev-"+envID, 0, map[string]any{"type": "message", "channel": "D1",
		"channel_type": "im", "user": "U2", "bot_id": "B2", "subtype": "bot_message", "text": "beep", "ts": "1.1"})
}

func envID(i int) string { return fmt.Sprintf("env-%03d", i) }
