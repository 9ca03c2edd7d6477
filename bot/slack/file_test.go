package slack_test

import (
	"bytes"
	"io"
	"testing"

	"github.com/tend-crm/tend/bot"
	"github.com/tend-crm/tend/bot/slack/slacktest"
)

// A file shared in a DM reaches the handler as a file it can fetch with
// the bot token, and a reply's file is uploaded into the same chat.
func TestFileShareInAndOut(t *testing.T) {
	f := slacktest.NewServer(t)
	book := []byte("Tên khách hàng,Số điện thoại\nMinh Phát,0903 123 456\n")
	r := newRouter()
	fetched := make(chan []byte, 1)
	r.reply = func(m bot.Message) []bot.Reply {
		if len(m.Files) != 1 || m.Files[0].Open == nil {
			return []bot.Reply{{Text: "no file"}}
		}
		rc, err := m.Files[0].Open(t.Context())
		if err != nil {
			t.Errorf("open: %v", err)
			return nil
		}
		defer rc.Close()
		data, _ := io.ReadAll(rc)
		fetched <- data
		return []bot.Reply{{Text: "here it is", File: &bot.Attachment{Name: "customers.csv", Data: data}}}
	}
	_, conn := newSocket(t, f, r, socketConfig(f), 0)

	file := f.AddFile("book.csv", "text/csv", book)
	conn.Send(slacktest.EventEnvelope("env-1", "Ev1", 0, slacktest.FileShare("", "1700000001.000100", file)))

	m := slacktest.Recv(t, r.msgs, "the message")
	if len(m.Files) != 1 || m.Files[0].Name != "book.csv" || m.Files[0].Size != int64(len(book)) || m.Files[0].MIME != "text/csv" || !m.IsDM {
		t.Errorf("message %+v", m)
	}
	if got := slacktest.Recv(t, fetched, "the file"); !bytes.Equal(got, book) {
		t.Errorf("fetched %q, want %q", got, book)
	}
	if c := f.Call(t); c.Method != "chat.postMessage" || c.Text != "here it is" {
		t.Errorf("first call %+v, want the text", c)
	}
	c := f.Call(t)
	if c.Method != "files.completeUploadExternal" || c.Channel != "D1" || c.FileName != "customers.csv" || !bytes.Equal(c.File, book) {
		t.Errorf("upload %+v", c)
	}
}

// A file URL off Slack's hosts never gets the token.
func TestFileURLElsewhereIsRefused(t *testing.T) {
	f := slacktest.NewServer(t)
	r := newRouter()
	opened := make(chan error, 1)
	r.reply = func(m bot.Message) []bot.Reply {
		_, err := m.Files[0].Open(t.Context())
		opened <- err
		return nil
	}
	_, conn := newSocket(t, f, r, socketConfig(f), 0)
	file := f.AddFile("book.csv", "text/csv", []byte("name\nAcme\n"))
	file["url_private_download"] = "https://evil.example/files/x/book.csv"
	conn.Send(slacktest.EventEnvelope("env-1", "Ev1", 0, slacktest.FileShare("", "1700000001.000100", file)))
	if err := slacktest.Recv(t, opened, "the open"); err == nil {
		t.Error("opened a file off Slack's hosts")
	}
	if n := f.Downloads(); n != 0 {
		t.Errorf("%d downloads", n)
	}
}
