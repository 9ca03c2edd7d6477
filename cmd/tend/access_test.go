package main

import (
	"slices"
	"strings"
	"testing"

	"github.com/tend-crm/tend/bot"
	"github.com/tend-crm/tend/store"
)

func TestAllowedUsers(t *testing.T) {
	tests := []struct {
		name, yaml string
		env        map[string]string
		want       []int64
		wantErr    string
	}{
		{"file", "telegram:\n  allowed_users: [42, 7]\n", nil, []int64{42, 7}, ""},
		{"env", "", map[string]string{"TEND_TELEGRAM_ALLOWED_USERS": "42, 7"}, []int64{42, 7}, ""},
		{"env over file", "telegram:\n  allowed_users: [1]\n", map[string]string{"TEND_TELEGRAM_ALLOWED_USERS": "2"}, []int64{2}, ""},
		{"a name", "telegram:\n  allowed_users: [lan]\n", nil, nil, "line 2: want a number, not `lan`"},
		{"a name in env", "", map[string]string{"TEND_TELEGRAM_ALLOWED_USERS": "42,lan"}, nil, "telegram.allowed_users"},
		{"a group", "telegram:\n  allowed_users: [-1001]\n", nil, nil, "telegram.allowed_users"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, err := ParseConfig(strings.NewReader(tt.yaml), func(k string) string { return tt.env[k] })
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error %v, want one mentioning %q", err, tt.wantErr)
				}
				return
			}
			if err != nil || !slices.Equal(cfg.Telegram.AllowedUsers, tt.want) {
				t.Errorf("allowed_users = %v, %v; want %v", cfg.Telegram.AllowedUsers, err, tt.want)
			}
		})
	}
}

func TestEnrollPolicy(t *testing.T) {
	cfg := DefaultConfig()
	cfg.Telegram.AllowedUsers = []int64{42}
	tests := []struct {
		enroll string
		p      bot.Platform
		id     string
		want   store.Role
	}{
		{"rep", bot.Slack, "U1", store.RoleRep},
		{"none", bot.Slack, "U1", ""},
		{"rep", bot.Telegram, "42", store.RoleRep},
		{"rep", bot.Telegram, "43", ""},
		{"rep", bot.Telegram, "042", ""},
		{"rep", bot.Console, "ann", ""},
		{"rep", "irc", "42", ""},
	}
	for _, tt := range tests {
		cfg.Users.Enroll = tt.enroll
		if got := enrollPolicy(cfg)(tt.p, bot.Sender{ID: tt.id}); got != tt.want {
			t.Errorf("enroll %s, %s %s: %q, want %q", tt.enroll, tt.p, tt.id, got, tt.want)
		}
	}
}
