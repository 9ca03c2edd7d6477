package telegram

import (
	"context"
	"net"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/tend-crm/tend/bot"
)

// SetTiming replaces the adapter's waits: sleep for backoffs and 429
// retries, drain for how long shutdown waits for handlers.
func SetTiming(a *Adapter, sleep func(context.Context, time.Duration) error, drain time.Duration) {
	if sleep != nil {
		a.sleep = sleep
	}
	if drain > 0 {
		a.drainTimeout = drain
	}
}

// SetPace divides the intervals of the adapter's pacing by speedup: tests
// about something else than pacing need not wait a second per message.
// Call it before Run.
func SetPace(a *Adapter, speedup time.Duration) {
	l := telegramLimits
	l.chatEvery, l.groupEvery, l.allEvery = l.chatEvery/speedup, l.groupEvery/speedup, l.allEvery/speedup
	a.pace = newPacer(l)
}

// WebhookAddr is where the webhook listens, once it does.
func WebhookAddr(a *Adapter) net.Addr {
	if p := a.addr.Load(); p != nil {
		return *p
	}
	return nil
}

// Translate exposes translate to the fuzz test: what the handler would
// get from raw, if anything.
func Translate(raw []byte, botID int64, botName string) (*bot.Message, *bot.Action, error) {
	ev, err := translate(raw, tgbotapi.User{ID: botID, IsBot: true, UserName: botName})
	return ev.msg, ev.act, err
}

// Parts exposes the splitter: escaped message texts within limit bytes.
func Parts(text string, limit int) []string { return parts(text, limit) }
