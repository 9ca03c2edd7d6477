package slack_test

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tend-crm/tend/bot"
	tendslack "github.com/tend-crm/tend/bot/slack"
	"github.com/tend-crm/tend/bot/slack/slacktest"
)

// countingHandler counts what reaches it and answers nothing; unlike the
// fake router it never blocks, however many requests the fuzzer sends.
type countingHandler struct{ n atomic.Int64 }

func (h *countingHandler) HandleMessage(context.Context, bot.Message) ([]bot.Reply, error) {
	h.n.Add(1)
	return nil, nil
}

func (h *countingHandler) HandleAction(context.Context, bot.Action) ([]bot.Reply, error) {
	h.n.Add(1)
	return nil, nil
}

// FuzzForgedRequest sends the HTTP endpoints requests with forged, stale,
// malformed or missing signatures: none may reach the handler. A request
// signed with the secret within five minutes always gets past the check.
func FuzzForgedRequest(f *testing.F) {
	body := []byte(`{"type":"event_callback","team_id":"T1","event_id":"Ev1","event":{"type":"message","channel":"D1","channel_type":"im","user":"U1","text":"hi","ts":"1.1"}}`)
	f.Add(body, "", "", int64(0), true)
	f.Add(body, "v0=00", "1700000000", int64(0), false)
	f.Add(body, "v0=", "", int64(-301), true)
	f.Add(body, "v1=abc", "abc", int64(400), true)
	f.Add([]byte(""), "v0=e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", "-1", int64(0), false)
	f.Add(body, "V0=ZZ", "99999999999999999999", int64(1<<40), false)

	fs := slacktest.NewServer(f)
	r := &countingHandler{}
	a, err := tendslack.New(tendslack.Config{BotToken: "xoxb-test", SigningSecret: secret, Mode: "http", APIURL: fs.APIURL()}, r, discard())
	if err != nil {
		f.Fatal(err)
	}
	handler := tendslack.Handler(a)
	f.Fuzz(func(t *testing.T, body []byte, sig, ts string, skew int64, signed bool) {
		req := httptest.NewRequest(http.MethodPost, "/slack/events", bytes.NewReader(body))
		now := time.Now()
		if signed {
			skew %= 1 << 32 // seconds; beyond that time.Unix is meaningless
			at := now.Add(time.Duration(skew) * time.Second)
			ts = strconv.FormatInt(at.Unix(), 10)
			mac := hmac.New(sha256.New, []byte(secret))
			io.WriteString(mac, "v0:"+ts+":")
			mac.Write(body)
			sig = "v0=" + hex.EncodeToString(mac.Sum(nil))
		}
		req.Header.Set("X-Slack-Request-Timestamp", ts)
		req.Header.Set("X-Slack-Signature", sig)
		w := httptest.NewRecorder()
		before := r.n.Load()
		handler.ServeHTTP(w, req)

		fresh := signed && skew > -290 && skew < 290
		stale := signed && (skew < -310 || skew > 310)
		switch {
		case !signed && w.Code != http.StatusUnauthorized:
			t.Fatalf("forged signature %q ts %q: status %d, want 401", sig, ts, w.Code)
		case stale && w.Code != http.StatusUnauthorized:
			t.Fatalf("signature %ds old: status %d, want 401", -skew, w.Code)
		case fresh && w.Code == http.StatusUnauthorized:
			t.Fatalf("a good signature was refused (skew %ds)", skew)
		}
		if w.Code == http.StatusUnauthorized && r.n.Load() != before {
			t.Fatal("a refused request reached the handler")
		}
	})
}
