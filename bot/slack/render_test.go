package slack_test

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/tend-crm/tend/bot"
	tendslack "github.com/tend-crm/tend/bot/slack"
	"github.com/tend-crm/tend/bot/slack/slacktest"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden.json")

func TestRenderGolden(t *testing.T) {
	long := strings.Repeat("Acme & Co <sales> called; promised a quote by Friday.\n", 120) // ~6.5 KB, escapes to more
	tests := []struct {
		name  string
		reply bot.Reply
	}{
		{"logged", bot.Reply{
			Text:    "Logged a call with *Acme & Co* <@U999> <!channel>: \"quote by Friday\"",
			Buttons: []bot.Button{{Label: "Undo", Value: "undo:interaction:17"}},
		}},
		{"ambiguous", bot.Reply{
			Text: "Which Acme did you mean?",
			Buttons: []bot.Button{
				{Label: "Acme Corp (Hanoi)", Value: "pick:customer:3"},
				{Label: "Acme Ltd <HCMC>", Value: "pick:customer:9"},
				{Label: "Done", Value: "done:42"},
				{Label: "Snooze 1 week — a label far too long for a Slack button, which allows only seventy-five characters", Value: "snooze:42:1w"},
			},
		}},
		{"long", bot.Reply{Text: long}},
		{"buttons_only", bot.Reply{Buttons: []bot.Button{{Label: "Snooze 1 day", Value: "snooze:42:1d"}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tendslack.RenderJSON(tt.reply)
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, '\n')
			path := filepath.Join("testdata", tt.name+".golden.json")
			if *update {
				if err := os.WriteFile(path, got, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test -update to create it)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("render(%s) differs from %s:\n%s", tt.name, path, got)
			}
		})
	}
}

// rendered is the shape of RenderJSON's output, for property checks.
type rendered []struct {
	Text   string            `json:"text"`
	Blocks []slacktest.Block `json:"blocks"`
}

func renderOK(t testing.TB, r bot.Reply) rendered {
	t.Helper()
	b, err := tendslack.RenderJSON(r)
	if err != nil {
		t.Fatalf("render: %v", err)
	}
	var out rendered
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	return out
}

func TestRenderSplitsToSlackLimits(t *testing.T) {
	// 60 sections' worth of text and 30 buttons: two messages, the
	// buttons in the last.
	text := strings.Repeat(strings.Repeat("&", 599)+"\n", 60) // each line escapes to 2995 bytes
	var buttons []bot.Button
	for i := range 30 {
		buttons = append(buttons, bot.Button{Label: "b", Value: strings.Repeat("v", i+1)})
	}
	msgs := renderOK(t, bot.Reply{Text: text, Buttons: buttons})
	if len(msgs) != 2 {
		t.Fatalf("%d messages, want 2", len(msgs))
	}
	var sections, actions, buttonsSeen int
	for i, m := range msgs {
		if len(m.Blocks) > 50 {
			t.Errorf("message %d has %d blocks, Slack allows 50", i, len(m.Blocks))
		}
		if m.Text == "" || len(m.Text) > 3000 {
			t.Errorf("message %d fallback text is %d bytes", i, len(m.Text))
		}
		for _, b := range m.Blocks {
			switch b.Type {
			case "section":
				sections++
				if n := len(b.Text.Text); n > 3000 || strings.Contains(strings.ReplaceAll(b.Text.Text, "&amp;", ""), "&") {
					t.Errorf("section of %d bytes, or with a cut entity", n)
				}
			case "actions":
				actions++
				if i != len(msgs)-1 {
					t.Errorf("buttons in message %d, want them in the last", i)
				}
				if len(b.Elements) > 25 {
					t.Errorf("%d buttons in one actions block, Slack allows 25", len(b.Elements))
				}
				for _, e := range b.Elements {
					if want := "tend:" + itoa(buttonsSeen); e.ActionID != want {
						t.Errorf("action_id %q, want %q", e.ActionID, want)
					}
					buttonsSeen++
				}
			}
		}
	}
	if sections != 60 || actions != 2 || buttonsSeen != 30 {
		t.Errorf("%d sections, %d actions blocks, %d buttons; want 60, 2, 30", sections, actions, buttonsSeen)
	}
}

func itoa(i int) string { b, _ := json.Marshal(i); return string(b) }

func TestRenderRefuses(t *testing.T) {
	for name, r := range map[string]bot.Reply{
		"empty":        {Text: " \n"},
		"value > 2000": {Text: "x", Buttons: []bot.Button{{Label: "x", Value: strings.Repeat("v", 2001)}}},
	} {
		if _, err := tendslack.RenderJSON(r); err == nil || !strings.HasPrefix(err.Error(), "slack: ") {
			t.Errorf("%s: err = %v, want a slack: error", name, err)
		}
	}
	if _, err := tendslack.RenderJSON(bot.Reply{Text: "x", Buttons: []bot.Button{{Label: "x", Value: strings.Repeat("v", 2000)}}}); err != nil {
		t.Errorf("value of exactly 2000: %v", err)
	}
}

func FuzzRender(f *testing.F) {
	f.Add("Logged <@U1> & <!channel>", "Undo")
	f.Add(strings.Repeat("&<>", 2000), "")
	f.Add(strings.Repeat("ế", 3000), strings.Repeat("ế", 100))
	f.Add("\xff\xfe<", "\xff")
	f.Fuzz(func(t *testing.T, text, label string) {
		if !utf8.ValidString(text) || !utf8.ValidString(label) {
			return // JSON replaces invalid bytes; Slack only ever sends UTF-8
		}
		r := bot.Reply{Text: text}
		if label != "" {
			r.Buttons = []bot.Button{{Label: label, Value: "v"}}
		}
		b, err := tendslack.RenderJSON(r)
		if err != nil {
			if strings.TrimSpace(text) == "" && label == "" {
				return
			}
			t.Fatalf("render(%q, %q): %v", text, label, err)
		}
		var msgs rendered
		if err := json.Unmarshal(b, &msgs); err != nil {
			t.Fatal(err)
		}
		var joined strings.Builder
		for _, m := range msgs {
			if len(m.Blocks) > 50 {
				t.Errorf("%d blocks", len(m.Blocks))
			}
			for _, blk := range m.Blocks {
				if blk.Type != "section" {
					for _, e := range blk.Elements {
						if n := utf8.RuneCountInString(e.Text.Text); n == 0 || n > 75 {
							t.Errorf("button label of %d characters", n)
						}
					}
					continue
				}
				s := blk.Text.Text
				if len(s) > 3000 || strings.ContainsAny(s, "<>") {
					t.Errorf("section %q: %d bytes or unescaped markup", s, len(s))
				}
				joined.WriteString(s)
			}
		}
		// Nothing of the text is lost but the whitespace Split cuts at.
		strip := func(s string) string { return strings.Join(strings.Fields(s), "") }
		if u := tendslack.PlainText(joined.String()); strip(u) != strip(text) {
			t.Errorf("sections unescape to %q, want %q", u, text)
		}
	})
}
