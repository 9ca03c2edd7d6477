package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// fakeTelegram stands in for the Bot API on 127.0.0.1: it hands out the
// given messages from one private chat once, and records what the bot
// sends.
type fakeTelegram struct {
	mu      sync.Mutex
	pending []string // texts not yet delivered
	sent    []string
	got     chan string
}

func (f *fakeTelegram) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	r.ParseMultipartForm(1 << 20)
	method := r.URL.Path[strings.LastIndexByte(r.URL.Path, '/')+1:]
	ok := func(result any) { json.NewEncoder(w).Encode(map[string]any{"ok": true, "result": result}) }
	switch method {
	case "getMe":
		ok(map[string]any{"id": 1, "is_bot": true, "first_name": "Tend", "username": "TendBot"})
	case "getUpdates":
		var offset int
		fmt.Sscan(r.FormValue("offset"), &offset)
		f.mu.Lock()
		var updates []any
		for i, text := range f.pending {
			id := 100 + i
			if id < offset {
				continue
			}
			updates = append(updates, map[string]any{"update_id": id, "message": map[string]any{
				"message_id": 10 + i, "date": 1773025200, "text": text,
				"from": map[string]any{"id": 42, "is_bot": false, "first_name": "Lan", "language_code": "en"},
				"chat": map[string]any{"id": 42, "type": "private"},
			}})
		}
		f.mu.Unlock()
		if len(updates) == 0 {
			select { // a short long-poll
			case <-time.After(50 * time.Millisecond):
			case <-r.Context().Done():
			}
		}
		ok(updates)
	case "sendMessage":
		f.mu.Lock()
		f.sent = append(f.sent, r.FormValue("text"))
		f.mu.Unlock()
		f.got <- r.FormValue("text")
		ok(map[string]any{"message_id": 500, "date": 1773025200, "chat": map[string]any{"id": 42, "type": "private"}})
	default:
		ok(true)
	}
}

func TestServeTelegram(t *testing.T) {
	fake := &fakeTelegram{pending: []string{"called Acme Corp, follow up today", "who should I follow up with?"}, got: make(chan string, 10)}
	srv := httptest.NewServer(fake)
	defer srv.Close()

	env := map[string]string{
		"TEND_TELEGRAM_TOKEN":          "123:abc",
		"TEND_TELEGRAM_API_ENDPOINT":   srv.URL + "/bot%s/%s",
		"TEND_USERS_DEFAULT_TIME_ZONE": "Asia/Ho_Chi_Minh",
		"TEND_TELEGRAM_ALLOWED_USERS":  "42",
	}
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	var stderr bytes.Buffer
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"serve", "--db", filepath.Join(t.TempDir(), "tend.db")}, func(k string) string { return env[k] },
			strings.NewReader(""), &bytes.Buffer{}, &stderr)
	}()
	var replies []string
	for len(replies) < 3 {
		select {
		case r := <-fake.got:
			replies = append(replies, r)
		case err := <-done:
			t.Fatalf("serve stopped early: %v\n%s", err, stderr.String())
		case <-time.After(30 * time.Second): // liveness guard only
			t.Fatalf("only %d replies: %q\n%s", len(replies), replies, stderr.String())
		}
	}
	all := strings.Join(replies, "\n")
	for _, want := range []string{"Logged a call with Acme Corp.", "To follow up (1):", "1. Acme Corp — due today"} {
		if !strings.Contains(all, want) {
			t.Errorf("replies lack %q:\n%s", want, all)
		}
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("serve after shutdown: %v\n%s", err, stderr.String())
		}
	case <-time.After(30 * time.Second):
		t.Fatal("serve did not stop")
	}
	if strings.Contains(stderr.String(), "Acme") {
		t.Errorf("message text in the info log:\n%s", stderr.String())
	}
}
