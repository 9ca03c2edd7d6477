// Package slacktest is a stand-in Slack on 127.0.0.1 for tests: the Web
// API over HTTP (auth.test, apps.connections.open, users.info,
// chat.postMessage, chat.postEphemeral, chat.update) and Socket Mode over
// a real WebSocket, speaking Slack's documented JSON. Tests point an
// adapter's API URL at Server.APIURL, push envelopes down one socket with
// Conn.Send or spread them over every open one with Server.Deliver, and
// read back what the adapter acknowledged and posted.
//
// Like Slack with an app's several Socket Mode connections (one per
// replica, up to 10), Deliver hands each envelope to one connection, in
// turn, and when a connection closes delivers the envelopes it had not
// acknowledged again, retry_attempt raised, on the others.
package slacktest

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

// The credentials and identities the server accepts and reports.
const (
	BotToken  = "xoxb-test"
	AppToken  = "xapp-test"
	BotUserID = "UBOT"
	TeamID    = "T1"
)

// Liveness bounds every wait: a guard against a hung test, never a way to
// let something happen.
const Liveness = 10 * time.Second

// Call is a chat.postMessage, chat.postEphemeral or chat.update the
// server received.
type Call struct {
	Method   string
	Channel  string
	User     string // chat.postEphemeral: who sees it
	TS       string // chat.update: the message updated
	ThreadTS string
	Text     string
	Blocks   []Block
	// FileName and File are the file a files.completeUploadExternal
	// shared, as uploaded to its upload URL.
	FileName string
	File     []byte
}

// Block is the part of a Block Kit block the tests read.
type Block struct {
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

// Sections returns the text of the call's section blocks.
func (c Call) Sections() []string {
	var s []string
	for _, b := range c.Blocks {
		if b.Type == "section" && b.Text != nil {
			s = append(s, b.Text.Text)
		}
	}
	return s
}

// Server is the stand-in. Its zero value is not usable: call NewServer.
type Server struct {
	t     testing.TB
	srv   *httptest.Server
	calls queue[Call]
	acks  queue[string] // envelope ids, in the order the server read them
	conns queue[*Conn]
	opens atomic.Int32
	ts    atomic.Int64

	mu          sync.Mutex
	limited     int               // answer the next n chat.postMessage with 429
	failPost    map[string]string // channel → Slack error
	failUpdate  map[string]string // ts → Slack error
	live        []*Conn           // open connections, oldest first
	turn        int               // Deliver's next connection, round-robin
	unacked     map[string]*inFlight
	held        []map[string]any // delivered while no connection was open
	seq         int
	redelivered int
	changed     chan struct{}     // closed and replaced on every change, for Wait
	files       map[string][]byte // shared by users (F…) or uploaded by the bot (UP…), by id
	downloads   int
}

// inFlight is an envelope Deliver sent and the client has not acked.
type inFlight struct {
	env  map[string]any
	conn *Conn
	seq  int // order of delivery, to redeliver in order
	at   time.Time
}

// NewServer starts a server, closed when the test ends.
func NewServer(t testing.TB) *Server {
	s := &Server{
		t:          t,
		unacked:    map[string]*inFlight{},
		changed:    make(chan struct{}),
		failPost:   map[string]string{},
		failUpdate: map[string]string{},
		files:      map[string][]byte{},
	}
	s.ts.Store(1700000000)
	mux := http.NewServeMux()
	mux.HandleFunc("POST /api/auth.test", func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer "+BotToken && r.FormValue("token") != BotToken {
			writeJSON(w, map[string]any{"ok": false, "error": "invalid_auth"})
			return
		}
		writeJSON(w, map[string]any{"ok": true, "user_id": BotUserID, "team_id": TeamID, "bot_id": "B1", "user": "tend"})
	})
	mux.HandleFunc("POST /api/apps.connections.open", func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer "+AppToken {
			writeJSON(w, map[string]any{"ok": false, "error": "invalid_auth"})
			return
		}
		s.opens.Add(1)
		writeJSON(w, map[string]any{"ok": true, "url": "ws" + strings.TrimPrefix(s.srv.URL, "http") + "/link/?ticket=1"})
	})
	mux.HandleFunc("POST /api/users.info", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, map[string]any{"ok": true, "user": map[string]any{
			"id": r.FormValue("user"), "name": "bob", "real_name": "Bob Nguyen", "tz": "Asia/Ho_Chi_Minh", "locale": "vi-VN",
			"profile": map[string]any{"display_name": "Bob"},
		}})
	})
	mux.HandleFunc("POST /api/chat.postMessage", s.servePost)
	mux.HandleFunc("POST /api/chat.postEphemeral", s.servePost)
	mux.HandleFunc("POST /api/chat.update", func(w http.ResponseWriter, r *http.Request) {
		c := s.decodeCall(r, "chat.update")
		s.mu.Lock()
		fail := s.failUpdate[c.TS]
		s.mu.Unlock()
		if fail != "" {
			writeJSON(w, map[string]any{"ok": false, "error": fail})
			return
		}
		s.call(c)
		writeJSON(w, map[string]any{"ok": true, "channel": c.Channel, "ts": c.TS, "text": c.Text})
	})
	mux.HandleFunc("GET /link/", s.serveSocket)
	s.fileHandlers(mux)
	// Assigned before the server starts, so that its handlers read it
	// after the write (the client may be another process).
	s.srv = httptest.NewUnstartedServer(mux)
	s.srv.Start()
	t.Cleanup(func() {
		s.mu.Lock()
		for _, c := range s.live {
			c.c.Close()
		}
		s.mu.Unlock()
		s.srv.Close()
	})
	return s
}

// APIURL is the Web API base URL, for the adapter's config.
func (s *Server) APIURL() string { return s.srv.URL + "/api/" }

// LimitPosts answers the next n posts with 429 and Retry-After: 1.
func (s *Server) LimitPosts(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.limited = n
}

// FailPost answers posts to channel with the Slack error code errCode.
func (s *Server) FailPost(channel, errCode string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failPost[channel] = errCode
}

// FailUpdate answers chat.update of message ts with errCode.
func (s *Server) FailUpdate(ts, errCode string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failUpdate[ts] = errCode
}

// Opens reports how many times apps.connections.open was called.
func (s *Server) Opens() int { return int(s.opens.Load()) }

// Call waits for the next chat.postMessage, chat.postEphemeral or chat.update.
func (s *Server) Call(t testing.TB) Call {
	t.Helper()
	return s.calls.next(t, "a Web API call")
}

// Calls returns every call Call returns, received so far, in order.
func (s *Server) Calls() []Call { return s.calls.from(0) }

// CallsFrom returns the calls received so far from the i-th on, for a
// test that reads them as they come.
func (s *Server) CallsFrom(i int) []Call { return s.calls.from(i) }

// Ack waits for the next envelope id the client acknowledged.
func (s *Server) Ack(t testing.TB) string {
	t.Helper()
	return s.acks.next(t, "an ack")
}

// Acks returns the envelope ids acknowledged so far, in order; an
// envelope delivered twice may be acknowledged twice.
func (s *Server) Acks() []string { return s.acks.from(0) }

// Conn waits for the client's next WebSocket connection.
func (s *Server) Conn(t testing.TB) *Conn {
	t.Helper()
	return s.conns.next(t, "a socket connection")
}

// Conns returns how many Socket Mode connections are open.
func (s *Server) Conns() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.live)
}

// Deliver sends an envelope (EventEnvelope) on one open connection, each
// in turn, and keeps it until it is acknowledged: if that connection
// closes first, it goes again, retry_attempt raised, on another. With no
// connection open it waits for one.
func (s *Server) Deliver(env map[string]any) {
	s.mu.Lock()
	out := s.route(env)
	s.mu.Unlock()
	out.send()
}

// Unacked returns how many envelopes given to Deliver are not yet
// acknowledged, waiting for a connection included.
func (s *Server) Unacked() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.unacked) + len(s.held)
}

// Wait returns when cond holds, checking it after every change (a call,
// an ack, a connection opened or closed), or ctx's error when ctx ends
// first. cond runs without the server's lock and may call its methods.
func (s *Server) Wait(ctx context.Context, cond func() bool) error {
	for {
		s.mu.Lock()
		ch := s.changed
		s.mu.Unlock()
		if cond() {
			return nil
		}
		select {
		case <-ch:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// notify wakes Wait; mu is held.
func (s *Server) notify() {
	close(s.changed)
	s.changed = make(chan struct{})
}

func (s *Server) call(c Call) {
	s.calls.push(c)
	s.mu.Lock()
	s.notify()
	s.mu.Unlock()
}

// sends are envelopes routed to connections, written outside the lock: a
// write may wait on a slow reader, which must not stop acks being read.
type sends []struct {
	c   *Conn
	env map[string]any
}

func (o sends) send() {
	for _, x := range o {
		x.c.Send(x.env)
	}
}

// route picks the connection env goes to, or holds it; mu is held.
func (s *Server) route(env map[string]any) sends {
	if len(s.live) == 0 {
		s.held = append(s.held, env)
		return nil
	}
	c := s.live[s.turn%len(s.live)]
	s.turn++
	s.seq++
	s.unacked[fmt.Sprint(env["envelope_id"])] = &inFlight{env: env, conn: c, seq: s.seq, at: time.Now()}
	return sends{{c, env}}
}

// closed forgets c and delivers what it left unacknowledged on the other
// connections, in the order it was first delivered.
func (s *Server) closed(c *Conn) {
	s.mu.Lock()
	s.live = slices.DeleteFunc(s.live, func(l *Conn) bool { return l == c })
	var left []*inFlight
	for id, f := range s.unacked {
		if f.conn == c {
			left = append(left, f)
			delete(s.unacked, id)
		}
	}
	slices.SortFunc(left, func(a, b *inFlight) int { return a.seq - b.seq })
	var out sends
	for _, f := range left {
		out = append(out, s.redeliver(f.env)...)
	}
	s.notify()
	s.mu.Unlock()
	out.send()
}

// RetryUnacked makes the server, like Slack, deliver an envelope again,
// retry_attempt raised, on the next connection in turn, when it went
// unacknowledged for d: the adapter refused it (busy), or its ack was
// lost. Without it only a closed connection's envelopes are redelivered.
func (s *Server) RetryUnacked(d time.Duration) {
	stop := make(chan struct{})
	s.t.Cleanup(func() { close(stop) })
	go func() {
		tick := time.NewTicker(d / 4)
		defer tick.Stop()
		for {
			select {
			case <-stop:
				return
			case <-tick.C:
			}
			s.mu.Lock()
			var late []*inFlight
			for id, f := range s.unacked {
				if time.Since(f.at) >= d {
					late = append(late, f)
					delete(s.unacked, id)
				}
			}
			slices.SortFunc(late, func(a, b *inFlight) int { return a.seq - b.seq })
			var out sends
			for _, f := range late {
				out = append(out, s.redeliver(f.env)...)
			}
			s.mu.Unlock()
			out.send()
		}
	}()
}

// Redelivered returns how many envelopes were delivered again.
func (s *Server) Redelivered() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.redelivered
}

// redeliver routes env again as Slack sends it again; mu is held.
func (s *Server) redeliver(env map[string]any) sends {
	again := make(map[string]any, len(env))
	for k, v := range env {
		again[k] = v
	}
	n, _ := env["retry_attempt"].(int)
	again["retry_attempt"], again["retry_reason"] = n+1, "timeout"
	s.redelivered++
	return s.route(again)
}

// queue hands items to a test one at a time, without a bound, and keeps
// them all for a look at once.
type queue[T any] struct {
	mu    sync.Mutex
	items []T
	taken int
	more  chan struct{} // closed and replaced when an item comes
}

func (q *queue[T]) push(v T) {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.items = append(q.items, v)
	if q.more != nil {
		close(q.more)
		q.more = nil
	}
}

// next waits for the item after the last one next returned.
func (q *queue[T]) next(t testing.TB, what string) T {
	t.Helper()
	deadline := time.NewTimer(Liveness)
	defer deadline.Stop()
	for {
		q.mu.Lock()
		if q.taken < len(q.items) {
			v := q.items[q.taken]
			q.taken++
			q.mu.Unlock()
			return v
		}
		if q.more == nil {
			q.more = make(chan struct{})
		}
		more := q.more
		q.mu.Unlock()
		select {
		case <-more:
		case <-deadline.C:
			t.Fatalf("timed out waiting for %s", what)
		}
	}
}

func (q *queue[T]) from(i int) []T {
	q.mu.Lock()
	defer q.mu.Unlock()
	return slices.Clone(q.items[min(i, len(q.items)):])
}

// Recv waits for a value on ch, failing t after Liveness.
func Recv[T any](t testing.TB, ch <-chan T, what string) T {
	t.Helper()
	select {
	case v := <-ch:
		return v
	case <-time.After(Liveness):
		t.Fatalf("timed out waiting for %s", what)
		panic("unreachable")
	}
}

func (s *Server) servePost(w http.ResponseWriter, r *http.Request) {
	method := r.URL.Path[strings.LastIndexByte(r.URL.Path, '/')+1:]
	c := s.decodeCall(r, method)
	s.mu.Lock()
	limited := s.limited > 0
	if limited {
		s.limited--
	}
	fail := s.failPost[c.Channel]
	s.mu.Unlock()
	if limited {
		w.Header().Set("Retry-After", "1")
		w.WriteHeader(http.StatusTooManyRequests)
		return
	}
	if fail != "" {
		writeJSON(w, map[string]any{"ok": false, "error": fail})
		return
	}
	s.call(c)
	if method == "chat.postEphemeral" {
		writeJSON(w, map[string]any{"ok": true, "message_ts": s.nextTS()})
		return
	}
	ch := c.Channel
	if strings.HasPrefix(ch, "U") { // a user id: the app's DM with them
		ch = "D" + ch[1:]
	}
	writeJSON(w, map[string]any{"ok": true, "channel": ch, "ts": s.nextTS()})
}

func (s *Server) nextTS() string {
	return strconv.FormatInt(s.ts.Add(1), 10) + ".000100"
}

func (s *Server) decodeCall(r *http.Request, method string) Call {
	if err := r.ParseForm(); err != nil {
		s.t.Errorf("%s: %v", method, err)
	}
	c := Call{Method: method, Channel: r.FormValue("channel"), User: r.FormValue("user"), TS: r.FormValue("ts"),
		ThreadTS: r.FormValue("thread_ts"), Text: r.FormValue("text")}
	if b := r.FormValue("blocks"); b != "" {
		if err := json.Unmarshal([]byte(b), &c.Blocks); err != nil {
			s.t.Errorf("%s: blocks: %v", method, err)
		}
	}
	return c
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(v)
}

// Conn is the server end of one Socket Mode connection.
type Conn struct {
	c    *websocket.Conn
	mu   sync.Mutex // one writer at a time
	done chan struct{}
}

// Send writes v (an envelope) to the client as JSON.
func (c *Conn) Send(v any) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.c.WriteJSON(v)
}

// Drop closes the connection without a goodbye, as a network failure would.
func (c *Conn) Drop() { c.c.Close() }

// The client says it comes from api.slack.com, as Slack's own SDKs do.
var upgrader = websocket.Upgrader{CheckOrigin: func(r *http.Request) bool {
	return r.Header.Get("Origin") == "https://api.slack.com"
}}

func (s *Server) serveSocket(w http.ResponseWriter, r *http.Request) {
	c, err := upgrader.Upgrade(w, r, nil)
	if err != nil {
		return
	}
	wc := &Conn{c: c, done: make(chan struct{})}
	// Slack pings; the client counts a connection without pings as dead.
	c.WriteControl(websocket.PingMessage, []byte("1"), time.Now().Add(time.Second))
	s.mu.Lock()
	n := len(s.live) + 1
	s.mu.Unlock()
	wc.Send(map[string]any{"type": "hello", "num_connections": n,
		"debug_info":      map[string]any{"host": "fake", "approximate_connection_time": 3600},
		"connection_info": map[string]any{"app_id": "A1"}})
	// Open for Deliver after the hello, as Slack sends nothing before it;
	// envelopes waiting for a connection go now.
	s.mu.Lock()
	s.live = append(s.live, wc)
	var out sends
	for _, env := range s.held {
		out = append(out, s.route(env)...)
	}
	s.held = nil
	s.notify()
	s.mu.Unlock()
	out.send()
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
	s.conns.push(wc)
	go func() {
		defer close(wc.done)
		defer s.closed(wc)
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
				s.t.Errorf("bad ack %q", data)
				continue
			}
			if len(ack.Payload) > 0 && string(ack.Payload) != "null" {
				s.t.Errorf("ack %s carries a payload %s; replies go by chat.postMessage", ack.EnvelopeID, ack.Payload)
			}
			s.acks.push(ack.EnvelopeID)
			s.mu.Lock()
			delete(s.unacked, ack.EnvelopeID)
			s.notify()
			s.mu.Unlock()
		}
	}()
}

// EventEnvelope wraps an Events API event as Socket Mode delivers it;
// retry > 0 marks a redelivery.
func EventEnvelope(envID, eventID string, retry int, event map[string]any) map[string]any {
	return map[string]any{
		"envelope_id": envID, "type": "events_api", "accepts_response_payload": false,
		"retry_attempt": retry, "retry_reason": map[bool]string{true: "timeout"}[retry > 0],
		"payload": EventCallback(eventID, event),
	}
}

// EventCallback is the Events API body around event.
func EventCallback(eventID string, event map[string]any) map[string]any {
	return map[string]any{
		"token": "unused", "team_id": TeamID, "api_app_id": "A1", "type": "event_callback",
		"event_id": eventID, "event_time": 1700000000, "event": event,
	}
}

// DM is a message.im event from user U1 in D1.
func DM(text, ts string) map[string]any {
	return map[string]any{"type": "message", "channel": "D1", "channel_type": "im", "user": "U1",
		"text": text, "ts": ts, "event_ts": ts, "client_msg_id": "c-" + ts}
}

// fileHandlers serve shared files (url_private_download, with the bot
// token) and the three steps of an external upload.
func (s *Server) fileHandlers(mux *http.ServeMux) {
	mux.HandleFunc("GET /files/{id}/{name}", func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		data, ok := s.files[r.PathValue("id")]
		s.downloads++
		s.mu.Unlock()
		switch {
		case r.Header.Get("Authorization") != "Bearer "+BotToken:
			// Slack answers a missing or wrong token with its sign-in page.
			w.Header().Set("Content-Type", "text/html")
			io.WriteString(w, "<html>sign in</html>")
		case !ok:
			http.NotFound(w, r)
		default:
			w.Header().Set("Content-Type", "application/octet-stream")
			w.Write(data)
		}
	})
	mux.HandleFunc("POST /api/files.getUploadURLExternal", func(w http.ResponseWriter, r *http.Request) {
		if r.FormValue("filename") == "" || r.FormValue("length") == "" || r.FormValue("length") == "0" {
			writeJSON(w, map[string]any{"ok": false, "error": "invalid_arguments"})
			return
		}
		id := "UP" + strconv.FormatInt(s.ts.Add(1), 10)
		writeJSON(w, map[string]any{"ok": true, "file_id": id, "upload_url": s.srv.URL + "/upload/" + id})
	})
	mux.HandleFunc("POST /upload/{id}", func(w http.ResponseWriter, r *http.Request) {
		f, _, err := r.FormFile("file")
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		defer f.Close()
		data, err := io.ReadAll(f)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		s.mu.Lock()
		s.files[r.PathValue("id")] = data
		s.mu.Unlock()
		fmt.Fprintf(w, "OK - %d", len(data))
	})
	mux.HandleFunc("POST /api/files.completeUploadExternal", func(w http.ResponseWriter, r *http.Request) {
		var files []struct{ ID, Title string }
		if err := json.Unmarshal([]byte(r.FormValue("files")), &files); err != nil || len(files) != 1 {
			writeJSON(w, map[string]any{"ok": false, "error": "invalid_arguments"})
			return
		}
		s.mu.Lock()
		data, ok := s.files[files[0].ID]
		s.mu.Unlock()
		if !ok {
			writeJSON(w, map[string]any{"ok": false, "error": "file_not_found"})
			return
		}
		s.call(Call{Method: "files.completeUploadExternal", Channel: r.FormValue("channel_id"), ThreadTS: r.FormValue("thread_ts"),
			Text: r.FormValue("initial_comment"), FileName: files[0].Title, File: data})
		writeJSON(w, map[string]any{"ok": true, "files": []any{map[string]any{"id": files[0].ID, "title": files[0].Title}}})
	})
}

// AddFile makes a file shared by a user and returns it as it appears in
// a file_share event's files.
func (s *Server) AddFile(name, mimeType string, data []byte) map[string]any {
	id := "F" + strconv.FormatInt(s.ts.Add(1), 10)
	s.mu.Lock()
	s.files[id] = data
	s.mu.Unlock()
	return map[string]any{"id": id, "name": name, "mimetype": mimeType, "size": len(data),
		"url_private_download": s.srv.URL + "/files/" + id + "/" + name}
}

// Downloads counts the requests for shared files.
func (s *Server) Downloads() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.downloads
}

// FileShare is a message.im event from user U1 in D1 sharing files.
func FileShare(text, ts string, files ...map[string]any) map[string]any {
	ev := DM(text, ts)
	ev["subtype"] = "file_share"
	ev["files"] = files
	return ev
}
