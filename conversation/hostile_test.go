package conversation_test

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/tend-crm/tend/bot"
	"github.com/tend-crm/tend/store"
)

// Hostile and broken input gets a clear answer or a logged refusal: never
// a crash, never a half-written record, never markup that changes meaning.
func TestHostileMessages(t *testing.T) {
	tests := []struct {
		name string
		text string
		want string // in the reply
		// stored is the customer name the message leaves in the book ("":
		// none at all).
		stored string
	}{
		{"invalid UTF-8", "called \xff\xfeAcme\xc3, follow up today", "Logged a call with", "\uFFFDAcme\uFFFD"},
		{"control characters", "called Ac\x00me\x07\x1b[31m Corp, follow up today", "Logged a call with Acme[31m Corp.", "Acme[31m Corp"},
		{"only control characters", "\x00\x01\x02\x1b", "Sorry, I didn't get that", ""},
		{"empty", "", "Sorry, I didn't get that", ""},
		{"spaces", " \n\t ", "Sorry, I didn't get that", ""},
		{"1 MB", "called Acme, " + strings.Repeat("x", 1<<20), "too long", ""},
		{"1 MB of one line of multibyte", strings.Repeat("ệ", 1<<19), "quá dài", ""},
		{"Slack broadcast in a name", "called <!channel> Corp", "Which customer was that?", ""},
		{"mention in a name", "called <@U1|boss> Ltd", "Logged a call with", "<@U1|boss> Ltd"},
		{"HTML in a name", "called <b>Acme</b><script>alert(1)</script>", "Logged a call with", "<b>Acme</b><script>alert"},
		{"mention in a note", "called Acme, follow up tomorrow about <!here> and <@U1>", "Follow-up: tomorrow", "Acme"},
		{"SQL in a name", "called Robert'); DROP TABLE customers;--", "Logged a call with", "Robert')"},
		{"SQL in a search", "show x' OR '1'='1", "I don't know a customer", ""},
		{"LIKE wildcards", "show %", "Which customer", ""},
		{"punctuation only", "called ,,,", "Which customer was that?", ""},
		{"a name too long", "called " + strings.Repeat("Acme", 100), "couldn't read a customer name", ""},
		{"right-to-left override", "called \u202eAcme", "Logged a call with", "\u202eAcme"},
		{"a deal command with no deal", "new deal 5k", "Which deal?", ""},
		{"a lost deal with no deal", "lost because of price", "Which deal?", ""},
		{"a deal value with no deal", "value 15k", "Which deal?", ""},
		{"punctuation after the command", "/tend !", "Sorry, I didn't get that", ""},
		{"dots after the command", "/tend  .", "Sorry, I didn't get that", ""},
		{"nested brackets", "called " + strings.Repeat("[", 5000) + "Acme", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t)
			got := h.say("ann", tt.text)
			if len(got) == 0 {
				t.Fatalf("no answer")
			}
			if !strings.Contains(text(got), tt.want) {
				t.Errorf("reply lacks %q:\n%.500s", tt.want, text(got))
			}
			for _, r := range got {
				if !utf8.ValidString(r.Text) {
					t.Errorf("reply is not valid UTF-8: %q", r.Text)
				}
			}
			names, err := h.db.CustomerNames(t.Context(), store.Scope{UserID: 1, Role: store.RoleAdmin})
			if err != nil {
				t.Fatal(err)
			}
			switch {
			case tt.stored == "" && len(names) > 0 && !strings.HasPrefix(tt.name, "nested"):
				t.Errorf("stored %+v", names)
			case tt.stored != "" && (len(names) != 1 || names[0].Name != tt.stored):
				t.Errorf("stored %+v, want %q", names, tt.stored)
			}
			// The book still works after it.
			wantText(t, h.say("ann", "called Globex"), "Logged a call with Globex.")
		})
	}
}

func TestHostileSenders(t *testing.T) {
	h := newHarness(t)
	send := func(from bot.Sender, text string) []bot.Reply {
		h.seq++
		got, err := h.r.HandleMessage(t.Context(), bot.Message{EventID: "e" + strings.Repeat("'", h.seq), Platform: bot.Slack, ChatID: "D1",
			From: from, Text: text, IsDM: true})
		if err != nil {
			t.Fatal(err)
		}
		return got
	}
	if got := send(bot.Sender{}, "show Acme"); len(got) != 0 {
		t.Errorf("a message from nobody was answered: %v", got)
	}
	wantText(t, send(bot.Sender{ID: "\x00", Name: "\x01\x02"}, "help"), "I keep your customer relationships")
	wantText(t, send(bot.Sender{ID: "U1", Name: "\x00<!channel>" + strings.Repeat("é", 1<<16), TimeZone: "../../etc/passwd", Lang: "xx\x00"}, "help"),
		"I keep your customer relationships")
	u, err := h.db.UserByIdentity(t.Context(), store.Identity{Platform: "slack", ExternalID: "U1"})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(u.Name, "<!channel>") || utf8.RuneCountInString(u.Name) > 100 || u.TimeZone != "Asia/Ho_Chi_Minh" || u.Lang != "en" {
		t.Errorf("user stored as %q, %q, %q", u.Name[:min(len(u.Name), 40)], u.TimeZone, u.Lang)
	}
}

func TestHostileButtons(t *testing.T) {
	h := newHarness(t)
	h.say("ann", "called Acme, follow up today")
	for _, v := range []string{"", ":", "::::", "undo:", "undo:-1", "undo:0", "undo:9223372036854775808", "done:1e3", "done:0x1",
		"snooze:1:\x00", "snooze:1:forever", "snoozeto:1:x:true", "snoozeto:1:99999999999999999999:false", "snoozeto:1", "pick:1:2:3", "pick:1:x", "new:", "more:-5", "show:1;DROP TABLE users",
		"\xff\xfe", strings.Repeat("show:1", 1<<16), "more:99999999999999999999"} {
		got := h.press("ann", v)
		if len(got) == 0 && v != "snooze:1:forever" {
			t.Errorf("press %.40q: no answer", v)
		}
	}
	wantText(t, h.say("ann", "show Acme"), "Acme · prospect", "Open follow-ups:")
}
