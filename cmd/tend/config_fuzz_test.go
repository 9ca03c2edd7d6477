package main

import (
	"os"
	"strings"
	"testing"
)

// FuzzParseConfig: any file and environment give a valid config or an
// error, never a crash, and an accepted config passes Validate.
func FuzzParseConfig(f *testing.F) {
	example, err := os.ReadFile("../../config.example.yaml")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(string(example), "TEND_TELEGRAM_ALLOWED_USERS", "1, 2")
	f.Add("", "TEND_USERS_ENROLL", "admin")
	f.Add("telegram:\n  allowed_users: [1, -2, 9223372036854775807]\n", "TEND_TELEGRAM_ALLOWED_USERS", "x")
	f.Add("a: &a [*a, *a]\nb: &b [*a, *a, *a]\nc: [*b, *b, *b]\n", "", "")
	f.Add(strings.Repeat("[", 10000), "", "")
	f.Add("store: {path: ${HOME}}\nlog: {level: ${LEVEL}}\n", "LEVEL", "debug")
	f.Add("store:\n  path: !!binary AAAA\n", "TEND_REMINDERS_CATCH_UP", "-1h")
	f.Add("users:\n  default_time_zone: ../../../etc/passwd\n", "TZ", "Mars/Olympus")
	f.Fuzz(func(t *testing.T, yaml, key, val string) {
		getenv := func(k string) string {
			if k == key {
				return val
			}
			return ""
		}
		cfg, err := ParseConfig(strings.NewReader(yaml), getenv)
		if err == nil {
			if verr := cfg.Validate(); verr != nil {
				t.Fatalf("accepted a config that does not validate: %v", verr)
			}
		}
	})
}
