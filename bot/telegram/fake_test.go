package telegram_test

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tend-crm/tend/bot"
	"github.com/tend-crm/tend/bot/telegram"
)

const (
	testToken = "123456:TEST-token_x"
	botID     = 9000
	botName   = "TendBot"
	// liveness bounds waits that should end in milliseconds; it only
	// turns a hang into a failure.
	liveness = 10 * time.Second
)

// call is one request the fake received.
type call struct {
	method string
	params url.Values
}

// fakeAPI stands in for the Bot API on 127.0.0.1: /bot<token>/<method>,
// form parameters as tgbotapi sends them, {"ok":…} answers. getUpdates
// keeps every update until an offset above it confirms it, and long-polls
// like Telegram.
type fakeAPI struct {
	t   testing.TB
	srv *httptest.Server

	mu      sync.Mutex
	calls   []call
	updates []json.RawMessage // unconfirmed, in id order
	changed chan struct{}     // closed and replaced on every change
	nextMsg int
	// hooks answer a method instead of the default when they return a
	// non-empty body; they run under mu.
	hooks map[string]func(p url.Values) (status int, body string)
}

func newFake(t testing.TB) *fakeAPI {
	f := &fakeAPI{t: t, changed: make(chan struct{}), nextMsg: 1000, hooks: map[string]func(url.Values) (int, string){}}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fakeAPI) endpoint() string { return f.srv.URL + "/bot%s/%s" }

// hook replaces a method's answers; see fakeAPI.hooks.
func (f *fakeAPI) hook(method string, h func(p url.Values) (int, string)) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.hooks[method] = h
}

// push queues updates for getUpdates.
func (f *fakeAPI) push(updates ...json.RawMessage) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.updates = append(f.updates, updates...)
	f.notify()
}

func (f *fakeAPI) notify() {
	close(f.changed)
	f.changed = make(chan struct{})
}

// waitFor blocks until cond holds for the calls received so far.
func (f *fakeAPI) waitFor(what string, cond func(calls []call) bool) []call {
	f.t.Helper()
	timeout := time.After(liveness)
	for {
		f.mu.Lock()
		calls := append([]call(nil), f.calls...)
		ch := f.changed
		f.mu.Unlock()
		if cond(calls) {
			return calls
		}
		select {
		case <-ch:
		case <-timeout:
			f.t.Fatalf("timed out waiting for %s; calls: %v", what, methods(calls))
		}
	}
}

// offsetAtLeast is a waitFor condition: a getUpdates confirmed below n.
func offsetAtLeast(n int) func([]call) bool {
	return func(calls []call) bool {
		for _, c := range only(calls, "getUpdates") {
			if offsetOf(c) >= n {
				return true
			}
		}
		return false
	}
}

func offsetOf(c call) int {
	n, _ := strconv.Atoi(c.params.Get("offset")) // absent: 0
	return n
}

func only(calls []call, method string) []call {
	var out []call
	for _, c := range calls {
		if c.method == method {
			out = append(out, c)
		}
	}
	return out
}

func methods(calls []call) []string {
	var out []string
	for _, c := range calls {
		out = append(out, c.method)
	}
	return out
}

func (f *fakeAPI) serve(w http.ResponseWriter, r *http.Request) {
	rest, ok := strings.CutPrefix(r.URL.Path, "/bot")
	token, method, ok2 := strings.Cut(rest, "/")
	if !ok || !ok2 || token != testToken {
		writeJSON(w, http.StatusNotFound, `{"ok":false,"error_code":404,"description":"Not Found"}`)
		return
	}
	if err := r.ParseForm(); err != nil {
		writeJSON(w, http.StatusBadRequest, `{"ok":false,"error_code":400,"description":"Bad Request: cannot parse"}`)
		return
	}
	p := r.PostForm

	f.mu.Lock()
	f.calls = append(f.calls, call{method, p})
	f.notify()
	if h := f.hooks[method]; h != nil {
		if status, body := h(p); body != "" {
			f.mu.Unlock()
			writeJSON(w, status, body)
			return
		}
	}
	if method == "getUpdates" {
		f.getUpdates(w, r, p) // unlocks
		return
	}
	defer f.mu.Unlock()
	switch method {
	case "getMe":
		ok200(w, map[string]any{"id": botID, "is_bot": true, "first_name": "Tend", "username": botName})
	case "sendMessage", "editMessageText":
		chat, _ := strconv.ParseInt(p.Get("chat_id"), 10, 64)
		id, _ := strconv.Atoi(p.Get("message_id"))
		if method == "sendMessage" {
			f.nextMsg++
			id = f.nextMsg
		}
		ok200(w, map[string]any{
			"message_id": id, "date": 1767225600, "text": p.Get("text"),
			"chat": map[string]any{"id": chat, "type": "private"},
			"from": map[string]any{"id": botID, "is_bot": true, "first_name": "Tend", "username": botName},
		})
	case "answerCallbackQuery", "setWebhook", "setMyCommands":
		ok200(w, true)
	default:
		writeJSON(w, http.StatusNotFound, `{"ok":false,"error_code":404,"description":"Not Found: method not found"}`)
	}
}

// getUpdates answers with the unconfirmed updates from offset on, waiting
// up to timeout seconds for one. Called with f.mu held; unlocks it.
func (f *fakeAPI) getUpdates(w http.ResponseWriter, r *http.Request, p url.Values) {
	offset, _ := strconv.Atoi(p.Get("offset"))
	timeout, _ := strconv.Atoi(p.Get("timeout"))
	limit, _ := strconv.Atoi(p.Get("limit"))
	if limit <= 0 || limit > 100 {
		limit = 100
	}
	expire := time.After(time.Duration(timeout) * time.Second)
	for {
		// An offset confirms every update below it, for good.
		kept := f.updates[:0]
		for _, u := range f.updates {
			if offset == 0 || updateID(u) >= offset {
				kept = append(kept, u)
			}
		}
		f.updates = kept
		if len(kept) > 0 || timeout == 0 {
			out := kept[:min(limit, len(kept))]
			body, _ := json.Marshal(map[string]any{"ok": true, "result": out})
			f.mu.Unlock()
			writeJSON(w, http.StatusOK, string(body))
			return
		}
		ch := f.changed
		f.mu.Unlock()
		select {
		case <-ch:
		case <-expire:
			timeout = 0
		case <-r.Context().Done():
			return
		}
		f.mu.Lock()
	}
}

func updateID(raw json.RawMessage) int {
	var u struct {
		UpdateID int `json:"update_id"`
	}
	json.Unmarshal(raw, &u)
	return u.UpdateID
}

func ok200(w http.ResponseWriter, result any) {
	body, _ := json.Marshal(map[string]any{"ok": true, "result": result})
	writeJSON(w, http.StatusOK, string(body))
}

func writeJSON(w http.ResponseWriter, status int, body string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	fmt.Fprint(w, body)
}

// tooMany is Telegram's flood-control answer.
func tooMany(retryAfter int) (int, string) {
	return http.StatusTooManyRequests, fmt.Sprintf(`{"ok":false,"error_code":429,"description":"Too Many Requests: retry after %d","parameters":{"retry_after":%d}}`, retryAfter, retryAfter)
}

// Update builders, in the Bot API's JSON.

const date = 1767225600 // 2026-01-01T00:00:00Z

var (
	ann    = map[string]any{"id": 7, "is_bot": false, "first_name": "Ann", "last_name": "Lee", "username": "ann", "language_code": "vi"}
	tendMe = map[string]any{"id": botID, "is_bot": true, "first_name": "Tend", "username": botName}
)

func privateChat(id int64) map[string]any {
	return map[string]any{"id": id, "type": "private", "first_name": "Ann"}
}

func groupChat(id int64) map[string]any {
	return map[string]any{"id": id, "type": "supergroup", "title": "Sales"}
}

func message(id int, chat map[string]any, text string) map[string]any {
	return map[string]any{"message_id": id, "date": date, "chat": chat, "from": ann, "text": text}
}

func update(id int, kind string, v any) json.RawMessage {
	b, err := json.Marshal(map[string]any{"update_id": id, kind: v})
	if err != nil {
		panic(err)
	}
	return b
}

// dm is update id: Ann writes text in her private chat with the bot.
func dm(id int, chat int64, text string) json.RawMessage {
	return update(id, "message", message(id+500, privateChat(chat), text))
}

// run starts an adapter on f and returns it with a stop function that
// cancels Run and returns its error. Sleeps return at once and are
// recorded in *slept.
func run(t *testing.T, f *fakeAPI, h bot.Handler, cfg telegram.Config) (a *telegram.Adapter, slept *sleeps, stop func() error) {
	t.Helper()
	a, slept = newAdapter(t, f, h, cfg)
	return a, slept, start(t, a)
}

// start runs a until the test ends; stop cancels Run and returns its error.
func start(t *testing.T, a *telegram.Adapter) (stop func() error) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	go func() { errc <- a.Run(ctx) }()
	stop = sync.OnceValue(func() error {
		cancel()
		select {
		case err := <-errc:
			return err
		case <-time.After(liveness):
			t.Error("Run did not return after cancel")
			return nil
		}
	})
	t.Cleanup(func() { stop() })
	return stop
}

// newAdapter makes an adapter on f whose sleeps return at once and are
// recorded, whose shutdown waits little for handlers, and whose pacing is
// a thousand times faster than Telegram's.
func newAdapter(t *testing.T, f *fakeAPI, h bot.Handler, cfg telegram.Config) (*telegram.Adapter, *sleeps) {
	t.Helper()
	cfg.Token = testToken
	cfg.APIEndpoint = f.endpoint()
	a, err := telegram.New(cfg, h, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	s := &sleeps{}
	telegram.SetTiming(a, s.sleep, 100*time.Millisecond)
	telegram.SetPace(a, 1000)
	return a, s
}

// sleeps records the waits the adapter asked for, without waiting.
type sleeps struct {
	mu sync.Mutex
	ds []time.Duration
}

func (s *sleeps) sleep(ctx context.Context, d time.Duration) error {
	s.mu.Lock()
	s.ds = append(s.ds, d)
	s.mu.Unlock()
	return ctx.Err()
}

func (s *sleeps) all() []time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]time.Duration(nil), s.ds...)
}

// recorder is a handler that records what it gets and answers with
// answer (nil: nothing).
type recorder struct {
	mu      sync.Mutex
	msgs    []bot.Message
	acts    []bot.Action
	got     chan struct{} // one send per message or action handled
	answer  func(m bot.Message) ([]bot.Reply, error)
	onPress func(a bot.Action) ([]bot.Reply, error)
}

func newRecorder() *recorder { return &recorder{got: make(chan struct{}, 1000)} }

func (r *recorder) HandleMessage(ctx context.Context, m bot.Message) ([]bot.Reply, error) {
	var replies []bot.Reply
	var err error
	if r.answer != nil {
		replies, err = r.answer(m)
	}
	r.mu.Lock()
	r.msgs = append(r.msgs, m)
	r.mu.Unlock()
	r.got <- struct{}{}
	return replies, err
}

func (r *recorder) HandleAction(ctx context.Context, a bot.Action) ([]bot.Reply, error) {
	var replies []bot.Reply
	var err error
	if r.onPress != nil {
		replies, err = r.onPress(a)
	}
	r.mu.Lock()
	r.acts = append(r.acts, a)
	r.mu.Unlock()
	r.got <- struct{}{}
	return replies, err
}

// wait blocks until n more messages or actions were handled.
func (r *recorder) wait(t *testing.T, n int) {
	t.Helper()
	for range n {
		select {
		case <-r.got:
		case <-time.After(liveness):
			t.Fatalf("handler not called in time")
		}
	}
}

func (r *recorder) messages() []bot.Message {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]bot.Message(nil), r.msgs...)
}

func (r *recorder) actions() []bot.Action {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]bot.Action(nil), r.acts...)
}
