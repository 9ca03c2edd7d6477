package telegram_test

import (
	"strings"
	"testing"

	"github.com/tend-crm/tend/bot/telegram"
)

func TestNewValidates(t *testing.T) {
	h := newRecorder()
	webhook := func(c telegram.Config) telegram.Config {
		c.Token, c.Mode = testToken, telegram.ModeWebhook
		if c.Listen == "" {
			c.Listen = ":8443"
		}
		return c
	}
	tests := []struct {
		name string
		cfg  telegram.Config
		ok   bool
	}{
		{"defaults", telegram.Config{Token: testToken}, true},
		{"polling alias", telegram.Config{Token: testToken, Mode: "polling"}, true},
		{"no token", telegram.Config{}, false},
		{"token with a slash", telegram.Config{Token: "1:a/b"}, false},
		{"unknown mode", telegram.Config{Token: testToken, Mode: "push"}, false},
		{"endpoint without verbs", telegram.Config{Token: testToken, APIEndpoint: "http://127.0.0.1/"}, false},
		{"webhook", webhook(telegram.Config{WebhookURL: "https://x.example/hook", WebhookSecret: secret}), true},
		{"webhook over http", webhook(telegram.Config{WebhookURL: "http://x.example/hook", WebhookSecret: secret}), false},
		{"webhook without secret", webhook(telegram.Config{WebhookURL: "https://x.example/hook"}), false},
		{"webhook secret with a space", webhook(telegram.Config{WebhookURL: "https://x.example/hook", WebhookSecret: "a b"}), false},
		{"webhook without listen", telegram.Config{Token: testToken, Mode: telegram.ModeWebhook, WebhookURL: "https://x.example/hook", WebhookSecret: secret}, false},
	}
	for _, tt := range tests {
		_, err := telegram.New(tt.cfg, h, nil)
		if (err == nil) != tt.ok {
			t.Errorf("%s: New = %v, want ok %v", tt.name, err, tt.ok)
		}
		if err != nil && !strings.HasPrefix(err.Error(), "telegram: ") {
			t.Errorf("%s: error %q lacks the package prefix", tt.name, err)
		}
	}
	if _, err := telegram.New(telegram.Config{Token: testToken}, nil, nil); err == nil {
		t.Error("New without a handler succeeded")
	}
}
