package main

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// flaky fails the first getUpdates by dropping the connection, so that the
// adapter logs a transport error: the kind that quotes the URL, which
// holds the token.
type flaky struct {
	http.Handler
	failed atomic.Bool
}

func (f *flaky) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if strings.HasSuffix(r.URL.Path, "/getUpdates") && f.failed.CompareAndSwap(false, true) {
		conn, _, err := w.(http.Hijacker).Hijack()
		if err == nil {
			conn.Close()
		}
		return
	}
	f.Handler.ServeHTTP(w, r)
}

// TestSecretsStayOutOfLogs runs serve at debug level with every secret set,
// in the config file and in the environment, through a failed request, a
// stranger and a served user, and greps the log for the secrets. It also
// checks the warning about a config file others can read.
func TestSecretsStayOutOfLogs(t *testing.T) {
	secrets := map[string]string{
		"telegram token":  "987654:SECRETtelegramTOKEN",
		"webhook secret":  "SECRETwebhook123",
		"slack signing":   "SECRETslacksigning",
		"slack app token": "xapp-SECRET-app",
	}
	for _, mode := range []os.FileMode{0o644, 0o600} {
		t.Run(fmt.Sprintf("%#o", mode), func(t *testing.T) {
			tg := &fakeTelegram{pending: []string{"hello there", "called Acme, follow up today"}, got: make(chan string, 10)}
			srv := httptest.NewServer(&flaky{Handler: tg})
			defer srv.Close()
			dir := t.TempDir()
			cfgPath := filepath.Join(dir, "tend.yaml")
			cfg := fmt.Sprintf(`store:
  path: %s
log:
  level: debug
slack:
  signing_secret: %s
  app_token: %s
  bot_token: ""
telegram:
  token: %s
  api_endpoint: %s/bot%%s/%%s
  webhook_secret: ${HOOK}
  allowed_users: []
`, filepath.Join(dir, "tend.db"), secrets["slack signing"], secrets["slack app token"], secrets["telegram token"], srv.URL)
			if err := os.WriteFile(cfgPath, []byte(cfg), mode); err != nil {
				t.Fatal(err)
			}
			env := map[string]string{"HOOK": secrets["webhook secret"]}
			ctx, cancel := context.WithCancel(t.Context())
			defer cancel()
			var stderr bytes.Buffer
			done := make(chan error, 1)
			go func() {
				done <- run(ctx, []string{"serve", "--config", cfgPath}, func(k string) string { return env[k] }, strings.NewReader(""), &bytes.Buffer{}, &stderr)
			}()
			// The stranger (not on the allow-list) is refused twice.
			for range 2 {
				select {
				case r := <-tg.got:
					if !strings.Contains(r, "don't know you") {
						t.Errorf("stranger got %q", r)
					}
				case err := <-done:
					t.Fatalf("serve stopped: %v\n%s", err, stderr.String())
				case <-time.After(30 * time.Second): // liveness guard only
					t.Fatalf("no reply\n%s", stderr.String())
				}
			}
			cancel()
			<-done
			logs := stderr.String()
			for what, s := range secrets {
				if strings.Contains(logs, s) {
					t.Errorf("the log holds the %s:\n%s", what, logs)
				}
			}
			if !strings.Contains(logs, "get updates failed") {
				t.Errorf("the failed request was not logged; the test proves less than it claims:\n%s", logs)
			}
			warned := strings.Contains(logs, "config file is readable by other users")
			if want := mode&0o044 != 0; warned != want {
				t.Errorf("mode %#o: warned %v, want %v:\n%s", mode, warned, want, logs)
			}
		})
	}
}
