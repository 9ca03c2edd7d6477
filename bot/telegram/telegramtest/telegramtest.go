// Package telegramtest is a stand-in for the Telegram Bot API on
// 127.0.0.1, for tests of the adapter and of the tend binary. It follows
// the documented JSON: requests /bot<token>/<method> with form or JSON
// parameters, answers {"ok":true,"result":…} or {"ok":false,"error_code":…,
// "description":…}. getUpdates keeps each update until a later call's
// offset confirms it and long-polls like Telegram; a newer getUpdates
// ends an older one still waiting with 409 Conflict, as Telegram does.
//
// It implements getMe, getUpdates, sendMessage, editMessageText,
// answerCallbackQuery, setMyCommands, setWebhook and deleteWebhook; any
// other method answers 404.
package telegramtest

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Token is the bot token the stand-in accepts; any other answers 401.
const Token = "123456:TEST-token_x"

// The bot the stand-in plays, as getMe tells it.
const (
	BotID       = 9000
	BotUsername = "TendBot"
)

// Date is the Unix time the stand-in puts on updates and messages.
const Date = 1773025200 // 2026-03-09T03:00:00Z

// User is a person writing to the bot.
type User struct {
	ID        int64
	FirstName string
	Lang      string // language_code, may be empty
}

// Sent is one message the bot sent or edited.
type Sent struct {
	Method      string // sendMessage or editMessageText
	ChatID      string
	MessageID   int
	Text        string
	ParseMode   string
	ReplyMarkup string // as sent, JSON
	// FileName and File are the document of a sendDocument.
	FileName string
	File     []byte
}

// Server is the stand-in. Its methods are safe for concurrent use.
type Server struct {
	// URL is the server's base, http://127.0.0.1:port.
	URL string

	srv *httptest.Server

	mu        sync.Mutex
	updates   []json.RawMessage // queued, in id order, confirmed ones dropped
	ids       []int             // update_id of each of updates
	nextID    int               // next update_id
	confirmed int               // every update_id below it is confirmed
	sent      []Sent
	nextMsg   int
	polls     int // getUpdates calls so far, to end an older one
	calls     map[string]int
	changed   chan struct{} // closed and replaced on every change
	fail      map[string][]Failure
	before    func(method string, p url.Values)
	files     map[string][]byte // documents users sent, by file_id
}

// Failure is an error answer queued for a method.
type Failure struct {
	Code        int    // HTTP status and error_code, e.g. 429 or 500
	Description string // e.g. "Too Many Requests: retry after 1"
	RetryAfter  int    // parameters.retry_after in seconds, for 429
}

// New starts a stand-in; Close stops it.
func New() *Server {
	s := &Server{nextID: 100, nextMsg: 1000, changed: make(chan struct{}), fail: map[string][]Failure{}, calls: map[string]int{},
		files: map[string][]byte{}}
	s.srv = httptest.NewServer(http.HandlerFunc(s.serve))
	s.URL = s.srv.URL
	return s
}

// Close stops the server and ends the long polls waiting on it.
func (s *Server) Close() {
	s.mu.Lock()
	s.notify()
	s.mu.Unlock()
	s.srv.CloseClientConnections()
	s.srv.Close()
}

// Endpoint is the API endpoint format for the adapter's configuration
// (telegram.api_url): it takes the token and the method.
func (s *Server) Endpoint() string { return s.URL + "/bot%s/%s" }

// QueueMessage queues a text message from u in their private chat and
// returns its update_id.
func (s *Server) QueueMessage(u User, text string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	id := s.nextID
	msg := map[string]any{
		"message_id": id, "date": Date, "text": text,
		"from": s.user(u),
		"chat": map[string]any{"id": u.ID, "type": "private", "first_name": u.FirstName},
	}
	if strings.HasPrefix(text, "/") {
		cmd, _, _ := strings.Cut(text, " ")
		msg["entities"] = []any{map[string]any{"type": "bot_command", "offset": 0, "length": len(cmd)}}
	}
	s.queue(map[string]any{"update_id": id, "message": msg})
	return id
}

// QueueDocument queues a file sent by u in their private chat, with a
// caption, and returns its update_id. The bot fetches it with getFile and
// the file endpoint.
func (s *Server) QueueDocument(u User, name, mimeType string, data []byte, caption string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	id := s.nextID
	fileID := "doc" + strconv.Itoa(id)
	s.files[fileID] = data
	msg := map[string]any{
		"message_id": id, "date": Date, "from": s.user(u),
		"chat":     map[string]any{"id": u.ID, "type": "private", "first_name": u.FirstName},
		"document": map[string]any{"file_id": fileID, "file_unique_id": "u" + fileID, "file_name": name, "mime_type": mimeType, "file_size": len(data)},
	}
	if caption != "" {
		msg["caption"] = caption
	}
	s.queue(map[string]any{"update_id": id, "message": msg})
	return id
}

// QueueCallback queues a press of a button with callback data on message
// msgID of u's private chat, and returns its update_id.
func (s *Server) QueueCallback(u User, msgID int, data string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	id := s.nextID
	s.queue(map[string]any{"update_id": id, "callback_query": map[string]any{
		"id": "cb" + strconv.Itoa(id), "from": s.user(u), "data": data, "chat_instance": "1",
		"message": map[string]any{"message_id": msgID, "date": Date, "text": "…",
			"chat": map[string]any{"id": u.ID, "type": "private"}},
	}})
	return id
}

// QueueUpdate queues an update given as JSON without its update_id, which
// the stand-in assigns and returns.
func (s *Server) QueueUpdate(update map[string]any) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	id := s.nextID
	u := map[string]any{"update_id": id}
	for k, v := range update {
		u[k] = v
	}
	s.queue(u)
	return id
}

func (s *Server) user(u User) map[string]any {
	m := map[string]any{"id": u.ID, "is_bot": false, "first_name": u.FirstName}
	if u.Lang != "" {
		m["language_code"] = u.Lang
	}
	return m
}

// queue appends an update; mu is held.
func (s *Server) queue(u map[string]any) {
	raw, err := json.Marshal(u)
	if err != nil {
		panic(fmt.Sprintf("telegramtest: update does not marshal: %v", err))
	}
	s.updates = append(s.updates, raw)
	s.ids = append(s.ids, s.nextID)
	s.nextID++
	s.notify()
}

// Confirmed returns the offset the bot has confirmed: every update whose
// id is below it was acknowledged and will not be delivered again.
func (s *Server) Confirmed() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.confirmed
}

// Pending returns how many queued updates are not confirmed yet.
func (s *Server) Pending() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.updates)
}

// Sent returns the messages sent and edited so far, in order.
func (s *Server) Sent() []Sent {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Sent(nil), s.sent...)
}

// Fail makes the next calls of method fail with f, one per call, before
// it answers normally again.
func (s *Server) Fail(method string, f ...Failure) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.fail[method] = append(s.fail[method], f...)
}

// Calls returns how many calls of method the stand-in received.
func (s *Server) Calls(method string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.calls[method]
}

// Failing returns how many failures queued with Fail are still to come
// for method.
func (s *Server) Failing(method string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.fail[method])
}

// Before sets a function run at the start of every call, outside the
// stand-in's lock, with the method and its parameters: a test blocks in it
// to hold a call in flight. Nil removes it.
func (s *Server) Before(f func(method string, p url.Values)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.before = f
}

// Wait returns when cond holds, checking it after every change (a call
// received, a queued update, a confirmation, a message sent), or ctx's error when ctx ends
// first. cond runs without the stand-in's lock and may call its methods.
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

// notify wakes Wait and long polls; mu is held.
func (s *Server) notify() {
	close(s.changed)
	s.changed = make(chan struct{})
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	if rest, ok := strings.CutPrefix(r.URL.Path, "/file/bot"+Token+"/documents/"); ok {
		s.mu.Lock()
		data, found := s.files[rest]
		s.calls["download"]++
		s.mu.Unlock()
		if !found {
			http.NotFound(w, r)
			return
		}
		w.Write(data)
		return
	}
	rest, ok := strings.CutPrefix(r.URL.Path, "/bot")
	token, method, ok2 := strings.Cut(rest, "/")
	if !ok || !ok2 {
		answerError(w, Failure{Code: http.StatusNotFound, Description: "Not Found"})
		return
	}
	if token != Token {
		answerError(w, Failure{Code: http.StatusUnauthorized, Description: "Unauthorized"})
		return
	}
	p, err := params(r)
	if err != nil {
		answerError(w, Failure{Code: http.StatusBadRequest, Description: "Bad Request: " + err.Error()})
		return
	}
	s.mu.Lock()
	before := s.before
	if method != "getUpdates" { // counted when its poll is registered
		s.calls[method]++
	}
	s.notify() // a call is a change: a test may be waiting for one held in before
	s.mu.Unlock()
	if before != nil {
		before(method, p)
	}
	s.mu.Lock()
	if fs := s.fail[method]; len(fs) > 0 {
		s.fail[method] = fs[1:]
		s.mu.Unlock()
		answerError(w, fs[0])
		return
	}
	s.mu.Unlock()

	switch method {
	case "getMe":
		answer(w, map[string]any{"id": BotID, "is_bot": true, "first_name": "Tend", "username": BotUsername,
			"can_join_groups": true, "can_read_all_group_messages": false, "supports_inline_queries": false})
	case "getUpdates":
		s.getUpdates(w, r, p)
	case "sendMessage", "editMessageText":
		s.sendMessage(w, method, p)
	case "getFile":
		s.mu.Lock()
		data, found := s.files[p.Get("file_id")]
		s.mu.Unlock()
		if !found {
			answerError(w, Failure{Code: http.StatusBadRequest, Description: "Bad Request: invalid file_id"})
			return
		}
		answer(w, map[string]any{"file_id": p.Get("file_id"), "file_unique_id": "u" + p.Get("file_id"),
			"file_size": len(data), "file_path": "documents/" + p.Get("file_id")})
	case "sendDocument":
		s.sendDocument(w, r, p)
	case "answerCallbackQuery", "setMyCommands", "setWebhook", "deleteWebhook":
		answer(w, true)
	default:
		answerError(w, Failure{Code: http.StatusNotFound, Description: "Not Found: method not found"})
	}
}

// getUpdates confirms the updates below offset, then returns up to limit
// of the rest, waiting up to timeout seconds for one.
func (s *Server) getUpdates(w http.ResponseWriter, r *http.Request, p url.Values) {
	offset, _ := strconv.Atoi(p.Get("offset"))
	limit, err := strconv.Atoi(p.Get("limit"))
	if err != nil || limit <= 0 || limit > 100 {
		limit = 100
	}
	timeout, _ := strconv.Atoi(p.Get("timeout"))
	deadline := time.NewTimer(time.Duration(max(timeout, 0)) * time.Second)
	defer deadline.Stop()

	s.mu.Lock()
	s.polls++
	s.calls["getUpdates"]++
	poll := s.polls
	if offset > s.confirmed {
		s.confirmed = offset
		i := 0
		for i < len(s.ids) && s.ids[i] < offset {
			i++
		}
		s.updates, s.ids = s.updates[i:], s.ids[i:]
	}
	s.notify()
	for {
		if s.polls != poll {
			s.mu.Unlock()
			answerError(w, Failure{Code: http.StatusConflict,
				Description: "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running"})
			return
		}
		if n := min(len(s.updates), limit); n > 0 || timeout <= 0 {
			out := append([]json.RawMessage{}, s.updates[:n]...)
			s.mu.Unlock()
			answer(w, out)
			return
		}
		ch := s.changed
		s.mu.Unlock()
		select {
		case <-ch:
		case <-deadline.C:
			answer(w, []json.RawMessage{})
			return
		case <-r.Context().Done():
			return
		}
		s.mu.Lock()
	}
}

func (s *Server) sendMessage(w http.ResponseWriter, method string, p url.Values) {
	chat, text := p.Get("chat_id"), p.Get("text")
	if chat == "" || strings.TrimSpace(text) == "" {
		answerError(w, Failure{Code: http.StatusBadRequest, Description: "Bad Request: message text is empty"})
		return
	}
	if len([]rune(text)) > 4096 {
		answerError(w, Failure{Code: http.StatusBadRequest, Description: "Bad Request: message is too long"})
		return
	}
	s.mu.Lock()
	id := s.nextMsg
	if method == "editMessageText" {
		id, _ = strconv.Atoi(p.Get("message_id"))
	} else {
		s.nextMsg++
	}
	s.sent = append(s.sent, Sent{Method: method, ChatID: chat, MessageID: id, Text: text,
		ParseMode: p.Get("parse_mode"), ReplyMarkup: p.Get("reply_markup")})
	s.notify()
	s.mu.Unlock()
	chatID, _ := strconv.ParseInt(chat, 10, 64)
	answer(w, map[string]any{"message_id": id, "date": Date, "text": text,
		"chat": map[string]any{"id": chatID, "type": "private"},
		"from": map[string]any{"id": BotID, "is_bot": true, "first_name": "Tend", "username": BotUsername}})
}

// sendDocument records a document uploaded as multipart form data.
func (s *Server) sendDocument(w http.ResponseWriter, r *http.Request, p url.Values) {
	if r.MultipartForm == nil || len(r.MultipartForm.File["document"]) != 1 {
		answerError(w, Failure{Code: http.StatusBadRequest, Description: "Bad Request: there is no document in the request"})
		return
	}
	fh := r.MultipartForm.File["document"][0]
	f, err := fh.Open()
	var data []byte
	if err == nil {
		data, err = io.ReadAll(f)
		f.Close()
	}
	if err != nil {
		answerError(w, Failure{Code: http.StatusBadRequest, Description: "Bad Request: " + err.Error()})
		return
	}
	s.mu.Lock()
	id := s.nextMsg
	s.nextMsg++
	s.sent = append(s.sent, Sent{Method: "sendDocument", ChatID: p.Get("chat_id"), MessageID: id, Text: p.Get("caption"),
		FileName: fh.Filename, File: data})
	s.notify()
	s.mu.Unlock()
	chatID, _ := strconv.ParseInt(p.Get("chat_id"), 10, 64)
	answer(w, map[string]any{"message_id": id, "date": Date,
		"chat":     map[string]any{"id": chatID, "type": "private"},
		"document": map[string]any{"file_id": "sent" + strconv.Itoa(id), "file_unique_id": "s" + strconv.Itoa(id), "file_name": fh.Filename},
		"from":     map[string]any{"id": BotID, "is_bot": true, "first_name": "Tend", "username": BotUsername}})
}

// params reads a request's parameters: query string, form (URL-encoded or
// multipart) or a JSON object, as the Bot API accepts.
func params(r *http.Request) (url.Values, error) {
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if ct != "application/json" {
		if err := r.ParseMultipartForm(1 << 20); err != nil && err != http.ErrNotMultipart {
			return nil, err
		}
		return r.Form, nil
	}
	var obj map[string]any
	if err := json.NewDecoder(r.Body).Decode(&obj); err != nil {
		return nil, err
	}
	p := r.URL.Query()
	for k, v := range obj {
		switch v := v.(type) {
		case string:
			p.Set(k, v)
		case float64:
			p.Set(k, strconv.FormatFloat(v, 'f', -1, 64))
		default:
			b, _ := json.Marshal(v)
			p.Set(k, string(b))
		}
	}
	return p, nil
}

func answer(w http.ResponseWriter, result any) {
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(map[string]any{"ok": true, "result": result})
}

func answerError(w http.ResponseWriter, f Failure) {
	body := map[string]any{"ok": false, "error_code": f.Code, "description": f.Description}
	if f.RetryAfter > 0 {
		body["parameters"] = map[string]any{"retry_after": f.RetryAfter}
		w.Header().Set("Retry-After", strconv.Itoa(f.RetryAfter))
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(f.Code)
	json.NewEncoder(w).Encode(body)
}
