package telegram_test

import (
	"bytes"
	"context"
	"io"
	"testing"

	"github.com/tend-crm/tend/bot"
	"github.com/tend-crm/tend/bot/telegram"
	"github.com/tend-crm/tend/bot/telegram/telegramtest"
)

// A document sent to the bot reaches the handler as a file it can fetch,
// and a reply's file goes back as a document.
func TestDocumentInAndOut(t *testing.T) {
	srv := telegramtest.New()
	defer srv.Close()
	book := []byte("Tên khách hàng,Số điện thoại\nMinh Phát,0903 123 456\n")
	h := newRecorder()
	var fetched []byte
	h.answer = func(m bot.Message) ([]bot.Reply, error) {
		if len(m.Files) != 1 || m.Files[0].Open == nil {
			return nil, nil
		}
		rc, err := m.Files[0].Open(t.Context())
		if err != nil {
			t.Errorf("open: %v", err)
			return nil, nil
		}
		defer rc.Close()
		fetched, _ = io.ReadAll(rc)
		return []bot.Reply{{Text: "here it is", File: &bot.Attachment{Name: "customers.csv", Data: fetched}}}, nil
	}
	a, err := telegram.New(telegram.Config{Token: telegramtest.Token, APIEndpoint: srv.Endpoint(), Unpaced: true}, h, nil)
	if err != nil {
		t.Fatal(err)
	}
	start(t, a)

	srv.QueueDocument(telegramtest.User{ID: 42, FirstName: "Lan"}, "book.csv", "text/csv", book, "import this")
	h.wait(t, 1)
	m := h.messages()[0]
	if len(m.Files) != 1 || m.Files[0].Name != "book.csv" || m.Files[0].Size != int64(len(book)) || m.Files[0].MIME != "text/csv" || m.Text != "import this" || !m.IsDM {
		t.Errorf("message %+v", m)
	}
	if !bytes.Equal(fetched, book) {
		t.Errorf("fetched %q, want %q", fetched, book)
	}
	ctx, cancel := context.WithTimeout(t.Context(), liveness)
	defer cancel()
	var doc *telegramtest.Sent
	if err := srv.Wait(ctx, func() bool {
		for _, s := range srv.Sent() {
			if s.Method == "sendDocument" {
				doc = &s
				return true
			}
		}
		return false
	}); err != nil {
		t.Fatalf("no document sent: %v (sent %+v)", err, srv.Sent())
	}
	if doc.ChatID != "42" || doc.FileName != "customers.csv" || !bytes.Equal(doc.File, book) {
		t.Errorf("document %+v", doc)
	}
	if sent := srv.Sent(); len(sent) != 2 || sent[0].Text != "here it is" {
		t.Errorf("sent %+v, want the text then the document", sent)
	}
}
