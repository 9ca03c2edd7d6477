package main

import (
	"bytes"
	"context"
	"fmt"
	"github.com/tend-crm/tend/bot/telegram/telegramtest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestSecretsStayOutOfLogs runs serve at debug level with every secret set,
// in the config file and in the environment, through a failed request, a
// stranger and a served user, and greps the log for the secrets. It also
// checks the warning about a config file others can read.
func TestSecretsStayOutOfLogs(t *testing.T) {
	secrets := map[string]string{
		"telegram token":  telegramtest.Token, // the stand-in answers only its own token
		"webhook secret":  "SECRETwebhook123",
		"slack signing":   "SECRETslacksigning",
		"slack app token": "xapp-SECRET-app",
	}
	for _, mode := range []os.FileMode{0o644, 0o600} {
		t.Run(fmt.Sprintf("%#o", mode), func(t *testing.T) {
			// The first getUpdates fails, so that the adapter logs a failed
			// request: the kind of line that could quote the URL, which
			// holds the token.
			tg := telegramtest.New()
			defer tg.Close()
			tg.Fail("getUpdates", telegramtest.Failure{Code: 502, Description: "Bad Gateway"})
			stranger := telegramtest.User{ID: 7, FirstName: "Stranger", Lang: "en"}
			tg.QueueMessage(stranger, "hello there")
			tg.QueueMessage(stranger, "called Acme, follow up today")
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
  api_url: %s
  webhook_secret: ${HOOK}
  allowed_users: []
`, filepath.Join(dir, "tend.db"), secrets["slack signing"], secrets["slack app token"], secrets["telegram token"], tg.Endpoint())
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
			wait, stop := context.WithTimeout(ctx, 30*time.Second) // liveness guard only
			defer stop()
			if err := tg.Wait(wait, func() bool { return len(tg.Sent()) >= 2 }); err != nil {
				t.Fatalf("no replies: %v\n%s", err, stderr.String())
			}
			for _, r := range tg.Sent() {
				if !strings.Contains(r.Text, "don't know you") {
					t.Errorf("stranger got %q", r.Text)
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
