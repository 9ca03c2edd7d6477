package conversation_test

import (
	"fmt"
	"path/filepath"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/tend-crm/tend/bot"
	"github.com/tend-crm/tend/conversation"
	"github.com/tend-crm/tend/store"
	"github.com/tend-crm/tend/store/sqlite"
)

// FuzzRouter sends arbitrary text, and presses an arbitrary button value,
// as a rep with a book and as a stranger, on a real SQLite file: every
// private message is answered in valid UTF-8, nothing fails, and the
// stranger is never let in nor shown a customer.
func FuzzRouter(f *testing.F) {
	for _, s := range []struct{ text, value string }{
		{"called Acme, follow up tomorrow", "done:1"},
		{"gọi cho Minh Phát, thứ ba tuần sau gọi lại", "snooze:1:1w"},
		{"/tend user remove @ann to @bob", "undo:1"},
		{"/start ABCD2345", "pick:1:1"},
		{"join abcd-2345", "new:1"},
		{"/tend invite admin", "more:0"},
		{"Acme is also called <!channel>", "show:1"},
		{"\xff\x00<@U1>", "pick:99:1:1"},
		{"new deal 5k", "more:0"},
		{"mất deal vì giá", "undo:1"},
		{"/tend !", "done:1"},
	} {
		f.Add(s.text, s.value)
	}
	db, err := sqlite.Open(f.Context(), filepath.Join(f.TempDir(), "tend.db"), sqlite.Options{Synchronous: "normal"})
	if err != nil {
		f.Fatal(err)
	}
	defer db.Close()
	r := conversation.NewRouter(db)
	r.Enroll = func(p bot.Platform, _ bot.Sender) store.Role {
		if p == bot.Slack {
			return store.RoleRep
		}
		return ""
	}
	seq := 0
	send := func(t *testing.T, p bot.Platform, user, text string) []bot.Reply {
		seq++
		replies, err := r.HandleMessage(t.Context(), bot.Message{EventID: fmt.Sprint(seq), Platform: p, ChatID: "D" + user,
			From: bot.Sender{ID: user, Name: user}, Text: text, IsDM: true, Mentioned: true})
		if err != nil {
			t.Fatalf("HandleMessage(%q): %v", text, err)
		}
		return replies
	}
	ann, err := db.CreateUser(f.Context(), store.User{Name: "ann", Role: store.RoleRep, Identities: []store.Identity{{Platform: "slack", ExternalID: "ann", ChatID: "Dann"}}})
	if err != nil {
		f.Fatal(err)
	}
	if _, err := db.Record(f.Context(), store.Scope{UserID: ann.ID, Role: ann.Role}, store.Origin{}, store.Activity{Customer: store.CustomerRef{Name: "Acme"},
		FollowUp: &store.FollowUp{Due: time.Now().Add(time.Hour), Note: "call"}}); err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, text, value string) {
		for _, rep := range send(t, bot.Slack, "ann", text) {
			if !utf8.ValidString(rep.Text) {
				t.Fatalf("reply to %q is not UTF-8: %q", text, rep.Text)
			}
		}
		seq++
		if _, err := r.HandleAction(t.Context(), bot.Action{EventID: fmt.Sprint(seq), Platform: bot.Slack, ChatID: "Dann",
			From: bot.Sender{ID: "ann"}, Value: value}); err != nil {
			t.Fatalf("HandleAction(%q): %v", value, err)
		}
		got := send(t, bot.Telegram, "666", text)
		for _, rep := range got {
			if len(rep.Buttons) > 0 {
				t.Fatalf("a stranger got buttons: %+v", rep)
			}
		}
		if u, err := db.UserByIdentity(t.Context(), store.Identity{Platform: "telegram", ExternalID: "666"}); err == nil {
			t.Fatalf("a stranger got in as %+v by saying %q", u, text)
		}
	})
}
