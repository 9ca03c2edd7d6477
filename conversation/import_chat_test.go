package conversation_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/tend-crm/tend/bot"
	"github.com/tend-crm/tend/store"
)

const book = "Tên khách hàng,Số điện thoại,Email\nMinh Phát,0903 123 456,lan@minhphat.vn\nAcme Corp,+1 555 0100,jane@acme.test\n"

// sendFile shares a file with Tend in user's DM.
func (h *harness) sendFile(user, name string, data []byte) []bot.Reply {
	h.t.Helper()
	h.seq++
	f := bot.File{Name: name, Size: int64(len(data)), MIME: "text/csv",
		Open: func(context.Context) (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(data)), nil }}
	replies, err := h.r.HandleMessage(h.t.Context(), bot.Message{EventID: fmt.Sprint(h.seq), Platform: bot.Slack, ChatID: "D" + user,
		From: bot.Sender{ID: user, Name: user}, IsDM: true, Mentioned: true, Files: []bot.File{f}})
	if err != nil {
		h.t.Fatalf("HandleMessage(file %s): %v", name, err)
	}
	return replies
}

// customers names every customer in the book.
func (h *harness) customers() []string {
	h.t.Helper()
	names, err := h.db.CustomerNames(h.t.Context(), store.Scope{UserID: 1, Role: store.RoleAdmin})
	if err != nil {
		h.t.Fatal(err)
	}
	var out []string
	for _, n := range names {
		out = append(out, n.Name)
	}
	return out
}

func TestImportFromChat(t *testing.T) {
	h := newHarness(t)
	h.admin("boss")

	preview := h.sendFile("boss", "book.csv", []byte(book))
	got := text(preview)
	for _, want := range []string{"book.csv: customers, 2 lines", "Tên khách hàng → customer", `customer "Minh Phát"`, "create 2, update 0"} {
		if !strings.Contains(got, want) {
			t.Errorf("preview lacks %q:\n%s", want, got)
		}
	}
	if n := len(h.customers()); n != 0 {
		t.Fatalf("the dry run stored %d customers", n)
	}
	value := button(t, preview, "Import")

	done := h.press("boss", value)
	if got := text(done); !strings.Contains(got, "Imported book.csv: 2 created, 0 updated, 0 skipped, 0 failed") {
		t.Errorf("summary: %s", got)
	}
	if len(done) != 1 || !done[0].Replace {
		t.Errorf("the summary should replace the preview: %+v", done)
	}
	undo := button(t, done, "Undo")
	if n := len(h.customers()); n != 2 {
		t.Fatalf("after import: %d customers, want 2", n)
	}

	// The same file again changes nothing and offers no button.
	again := h.sendFile("boss", "book.csv", []byte(book))
	if got := text(again); !strings.Contains(got, "Nothing to change") || len(again[0].Buttons) != 0 {
		t.Errorf("re-sent file: %s %+v", got, again[0].Buttons)
	}
	// Pressing the old button again changes nothing either.
	if got := text(h.press("boss", value)); !strings.Contains(got, "Nothing to change") {
		t.Errorf("second press: %s", got)
	}
	if got := text(h.press("boss", undo)); !strings.Contains(got, "import book.csv") {
		t.Errorf("undo: %s", got)
	}
	if n := len(h.customers()); n != 0 {
		t.Fatalf("after undo: %d customers", n)
	}
}

func TestImportFromChatRefusals(t *testing.T) {
	h := newHarness(t)
	h.admin("boss")
	h.say("rep", "hello") // enrolled as a rep

	if got := text(h.sendFile("rep", "book.csv", []byte(book))); !strings.Contains(got, "Only an admin or a manager") {
		t.Errorf("rep's file: %s", got)
	}
	value := button(t, h.sendFile("boss", "book.csv", []byte(book)), "Import")
	h.say("boss", "called Acme Corp") // a draft of another kind exists too
	for _, v := range []string{
		value,                                   // someone else's preview
		"import:999",                            // no such draft
		"import:abc",                            // not an id
		"import:-1",                             // not an id
		"pick:" + value[len("import:"):] + ":1", // the file's draft read as a message
	} {
		got := text(h.press("rep", v))
		if !strings.Contains(got, "expired") && !strings.Contains(got, "Only an admin") {
			t.Errorf("rep presses %q: %s", v, got)
		}
	}
	for _, v := range []string{"import:999", "pick:" + value[len("import:"):] + ":1"} {
		if got := text(h.press("boss", v)); !strings.Contains(got, "expired") {
			t.Errorf("boss presses %q: %s", v, got)
		}
	}
	// A file with a bad line is offered whole or its good lines.
	partial := button(t, h.sendFile("boss", "bad.csv", []byte("name,phone\nAcme Corp,0901,x,y\nGlobex,0902\n")), "Import the good lines")
	if got := text(h.press("boss", partial)); !strings.Contains(got, "1 created, 0 updated, 0 skipped, 1 failed") {
		t.Errorf("good lines: %s", got)
	}
	if names := h.customers(); len(names) != 2 { // Acme Corp from the message, Globex from the file
		t.Errorf("customers after refusals: %v", names)
	}

	// A manager made a rep after the preview can no longer press Import.
	h.say("mgr", "hello")
	mgr, err := h.db.UserByIdentity(t.Context(), store.Identity{Platform: "slack", ExternalID: "mgr"})
	if err != nil {
		t.Fatal(err)
	}
	role := store.RoleManager
	if _, err := h.db.UpdateUser(t.Context(), mgr.ID, store.UserUpdate{Role: &role}); err != nil {
		t.Fatal(err)
	}
	late := button(t, h.sendFile("mgr", "other.csv", []byte("name\nInitech\n")), "Import")
	role = store.RoleRep
	if _, err := h.db.UpdateUser(t.Context(), mgr.ID, store.UserUpdate{Role: &role}); err != nil {
		t.Fatal(err)
	}
	if got := text(h.press("mgr", late)); !strings.Contains(got, "Only an admin or a manager") {
		t.Errorf("demoted manager presses Import: %s", got)
	}

	// A preview's button lasts a day.
	old := button(t, h.sendFile("boss", "other.csv", []byte("name\nInitech\n")), "Import")
	h.now = h.now.Add(25 * time.Hour)
	if got := text(h.press("boss", old)); !strings.Contains(got, "expired") {
		t.Errorf("day-old Import: %s", got)
	}

	for _, c := range []struct{ name, data, want string }{
		{"junk.csv", "\x00\x01\x02binary\x00junk", "not a text file"},
		{"notes.csv", "hello there\nhow are you\n", "don't recognise the columns"},
		{"big.csv", "name\n" + strings.Repeat("x", 6<<20), "too big"},
		{"bad.csv", "name,phone\nAcme,0901,x,y\nGlobex,0902\n", "line 2 failed"},
	} {
		if got := text(h.sendFile("boss", c.name, []byte(c.data))); !strings.Contains(got, c.want) {
			t.Errorf("%s: want %q in\n%s", c.name, c.want, got)
		}
	}
}

func TestExportFromChat(t *testing.T) {
	h := newHarness(t)
	h.admin("boss")
	h.press("boss", button(t, h.sendFile("boss", "book.csv", []byte(book)), "Import"))

	for _, ask := range []string{"export", "/tend export", "xuất dữ liệu"} {
		replies := h.say("boss", ask)
		var customers *bot.Attachment
		for _, r := range replies {
			if r.File != nil && r.File.Name == "customers.csv" {
				customers = r.File
			}
		}
		if customers == nil {
			t.Fatalf("%q: no customers.csv in %+v", ask, replies)
		}
		if !bytes.Contains(customers.Data, []byte("Minh Phát")) {
			t.Errorf("%q: customers.csv lacks Minh Phát:\n%s", ask, customers.Data)
		}
		// The export imports back into the same book as no change.
		if got := text(h.sendFile("boss", "customers.csv", customers.Data)); !strings.Contains(got, "Nothing to change") {
			t.Errorf("%q: re-importing the export: %s", ask, got)
		}
	}
	// A fresh book takes the export whole.
	h2 := newHarness(t)
	h2.admin("boss")
	var data []byte
	for _, r := range h.say("boss", "export") {
		if r.File != nil && r.File.Name == "customers.csv" {
			data = r.File.Data
		}
	}
	h2.press("boss", button(t, h2.sendFile("boss", "customers.csv", data), "Import"))
	if names := h2.customers(); len(names) != 2 {
		t.Errorf("round trip: %v", names)
	}
}
