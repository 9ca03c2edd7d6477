package conversation_test

import (
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/tend-crm/tend/bot"
	"github.com/tend-crm/tend/conversation"
	"github.com/tend-crm/tend/store/sqlite"
)

func benchRouter(b *testing.B, sync string) *conversation.Router {
	db, err := sqlite.Open(b.Context(), filepath.Join(b.TempDir(), "tend.db"), sqlite.Options{Synchronous: sync})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	r := conversation.NewRouter(db)
	r.Now = func() time.Time { return monday }
	return r
}

// BenchmarkLogMessage is one "called X, follow up …" message through the
// router into SQLite: parse, user lookup, customer match, one transaction.
func BenchmarkLogMessage(b *testing.B) {
	for _, sync := range []string{"full", "normal"} {
		b.Run("synchronous="+sync, func(b *testing.B) {
			r := benchRouter(b, sync)
			i := 0
			for b.Loop() {
				i++
				m := bot.Message{EventID: fmt.Sprint(i), Platform: bot.Telegram, ChatID: "1", From: bot.Sender{ID: "ann"}, IsDM: true,
					Text: fmt.Sprintf("called Customer %d, spoke to Jane about pricing, follow up tomorrow", i%500)}
				if _, err := r.HandleMessage(b.Context(), m); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkAgenda answers "who should I follow up with?" for a rep with
// 500 customers and a follow-up on each.
func BenchmarkAgenda(b *testing.B) {
	r := benchRouter(b, "normal")
	for i := range 500 {
		m := bot.Message{EventID: fmt.Sprint(i), Platform: bot.Telegram, ChatID: "1", From: bot.Sender{ID: "ann"}, IsDM: true,
			Text: fmt.Sprintf("called Customer %d, follow up today", i)}
		if _, err := r.HandleMessage(b.Context(), m); err != nil {
			b.Fatal(err)
		}
	}
	for b.Loop() {
		if _, err := r.HandleMessage(b.Context(), bot.Message{Platform: bot.Telegram, ChatID: "1", From: bot.Sender{ID: "ann"},
			IsDM: true, Text: "who should I follow up with?"}); err != nil {
			b.Fatal(err)
		}
	}
}
