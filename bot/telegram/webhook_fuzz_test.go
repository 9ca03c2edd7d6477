package telegram

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/tend-crm/tend/bot"
)

// countingHandler counts what reaches it and answers nothing.
type countingHandler struct{ n atomic.Int64 }

func (h *countingHandler) HandleMessage(context.Context, bot.Message) ([]bot.Reply, error) {
	h.n.Add(1)
	return nil, nil
}

func (h *countingHandler) HandleAction(context.Context, bot.Action) ([]bot.Reply, error) {
	h.n.Add(1)
	return nil, nil
}

// FuzzWebhook posts arbitrary bodies with arbitrary secret tokens to the
// webhook: without the exact secret nothing reaches the handler (401);
// with it, any body gets an answer Telegram understands, never a crash.
func FuzzWebhook(f *testing.F) {
	const secret = "s3cret-Token_1"
	f.Add([]byte(`{"update_id":1,"message":{"message_id":1,"date":1,"chat":{"id":42,"type":"private"},"from":{"id":42},"text":"hi"}}`), secret)
	f.Add([]byte(`{"update_id":1,"message":{"message_id":1,"date":1,"chat":{"id":42,"type":"private"},"from":{"id":42},"text":"hi"}}`), "")
	f.Add([]byte(`{"update_id":2,"callback_query":{"id":"q","from":{"id":42},"data":"done:1","message":{"message_id":9,"date":1,"chat":{"id":42,"type":"private"}}}}`), secret)
	f.Add([]byte(`{"update_id":3,"my_chat_member":{}}`), secret+" ")
	f.Add([]byte(`[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]`), secret)
	f.Add([]byte(`{"update_id":1e400}`), secret)
	f.Add([]byte("\xff\xfe"), "S3CRET-TOKEN_1")

	// The Bot API stand-in answers every call (answerCallbackQuery) with ok.
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte(`{"ok":true,"result":true}`))
	}))
	defer api.Close()
	h := &countingHandler{}
	a, err := New(Config{Token: "1:x", APIEndpoint: api.URL + "/bot%s/%s", Mode: ModeWebhook, Listen: "127.0.0.1:0",
		WebhookURL: "https://example.com/hook", WebhookSecret: secret}, h, nil)
	if err != nil {
		f.Fatal(err)
	}
	a.me = tgbotapi.User{ID: 1, IsBot: true, UserName: "TendBot"}
	handler := a.webhookHandler()
	f.Fuzz(func(t *testing.T, body []byte, token string) {
		req := httptest.NewRequest(http.MethodPost, "/hook", bytes.NewReader(body))
		req.Header.Set(secretHeader, token)
		before := h.n.Load()
		w := httptest.NewRecorder()
		handler.ServeHTTP(w, req)
		switch {
		case token != secret && w.Code != http.StatusUnauthorized:
			t.Fatalf("token %q: status %d, want 401", token, w.Code)
		case token != secret && h.n.Load() != before:
			t.Fatal("a request without the secret reached the handler")
		case token == secret && w.Code != http.StatusOK && w.Code != http.StatusBadRequest && w.Code != http.StatusServiceUnavailable:
			t.Fatalf("status %d for %q", w.Code, body)
		}
	})
}
