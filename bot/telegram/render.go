package telegram

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/tend-crm/tend/bot"
)

const (
	// maxText is Telegram's limit on a message's text. It counts
	// characters after entity parsing; we keep the escaped text within it
	// in bytes, which is stricter and needs no knowledge of how Telegram
	// counts.
	maxText = 4096
	// maxCallbackData is Telegram's limit on a button's callback_data.
	maxCallbackData = 64
	// buttonsPerRow keeps labels readable on a phone.
	buttonsPerRow = 3
	// emptyText stands in for a reply that has buttons but no text:
	// Telegram refuses a message without text.
	emptyText = "…"

	// sendAttempts bounds tries of one call answered 429; maxRetryWait is
	// the longest retry_after we wait for before giving up to the caller.
	sendAttempts = 3
	maxRetryWait = 30 * time.Second
)

// escaper escapes text for parse_mode HTML. Telegram needs only these
// three outside tags; html.EscapeString also turns quotes into entities,
// which costs length for nothing.
var escaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")

func escape(s string) string { return escaper.Replace(s) }

// parts cuts plain text into escaped message texts of at most limit
// bytes, at line breaks where it can (bot.Split's rules). It cuts before
// escaping, so no entity is ever cut in two, and takes a shorter piece
// when escaping grew one past the limit.
func parts(text string, limit int) []string {
	var out []string
	for {
		head, e := text, escape(text)
		for n := limit; len(e) > limit; {
			head = bot.Split(text, n)[0]
			e = escape(head)
			// Each byte cut shrinks the escaped text by at least one, so
			// cutting the overflow off makes the piece fit; and any
			// limit/5 bytes fit, escaping at most quintuples them.
			n = max(len(head)-(len(e)-limit), limit/len("&amp;"), utf8.UTFMax)
		}
		out = append(out, e)
		// bot.Split drops the line break or space it cuts at.
		text = strings.TrimLeft(text[len(head):], "\n ")
		if text == "" {
			return out
		}
	}
}

// keyboard renders buttons as an inline keyboard, or nil for none. It
// refuses a value Telegram would reject, rather than send a broken button.
func keyboard(buttons []bot.Button) (*tgbotapi.InlineKeyboardMarkup, error) {
	if len(buttons) == 0 {
		return nil, nil
	}
	var rows [][]tgbotapi.InlineKeyboardButton
	for i, b := range buttons {
		if len(b.Value) == 0 || len(b.Value) > maxCallbackData {
			return nil, fmt.Errorf("telegram: button %q: value is %d bytes, Telegram allows 1–%d", b.Label, len(b.Value), maxCallbackData)
		}
		if i%buttonsPerRow == 0 {
			rows = append(rows, nil)
		}
		rows[len(rows)-1] = append(rows[len(rows)-1], tgbotapi.NewInlineKeyboardButtonData(b.Label, b.Value))
	}
	return &tgbotapi.InlineKeyboardMarkup{InlineKeyboard: rows}, nil
}

// rendered is a Reply ready to send: escaped texts, the keyboard going
// under the last one.
type rendered struct {
	texts  []string
	markup *tgbotapi.InlineKeyboardMarkup
}

func render(r bot.Reply) (rendered, error) {
	kb, err := keyboard(r.Buttons)
	if err != nil {
		return rendered{}, err
	}
	text := r.Text
	if strings.TrimSpace(text) == "" {
		if kb == nil {
			return rendered{}, nil // nothing to show
		}
		text = emptyText
	}
	return rendered{texts: parts(text, maxText), markup: kb}, nil
}

// Send implements bot.Notifier. to.ChatID is the numeric chat id; to.ThreadID
// a forum topic or "reply:<message_id>". A long reply goes out as several
// messages; the returned SentRef is the last, which holds the buttons.
// Messages are paced within Telegram's limits (pace.go), so Send may wait.
func (a *Adapter) Send(ctx context.Context, to bot.Target, r bot.Reply) (bot.SentRef, error) {
	return a.send(ctx, to, r, 0)
}

// send posts r to to; quote, when set, is the message the first part
// answers (the user's message in a group).
func (a *Adapter) send(ctx context.Context, to bot.Target, r bot.Reply, quote int) (bot.SentRef, error) {
	chat, err := strconv.ParseInt(to.ChatID, 10, 64)
	if err != nil {
		return bot.SentRef{}, fmt.Errorf("telegram: send: chat id %q is not a number", to.ChatID)
	}
	rd, err := render(r)
	if err != nil {
		return bot.SentRef{}, fmt.Errorf("telegram: send: %w", err)
	}
	topic, replyTo, err := parseThread(to.ThreadID)
	if err != nil {
		return bot.SentRef{}, fmt.Errorf("telegram: send: %w", err)
	}
	if quote != 0 {
		replyTo = quote
	}
	var ref bot.SentRef
	for i, text := range rd.texts {
		p := tgbotapi.Params{"chat_id": strconv.FormatInt(chat, 10), "text": text, "parse_mode": tgbotapi.ModeHTML}
		p.AddNonZero("message_thread_id", topic)
		if replyTo != 0 && i == 0 {
			p.AddNonZero("reply_to_message_id", replyTo)
			p.AddBool("allow_sending_without_reply", true) // the user may have deleted it
		}
		if i == len(rd.texts)-1 {
			if err := p.AddInterface("reply_markup", rd.markup); err != nil {
				return ref, fmt.Errorf("telegram: send: %w", err)
			}
		}
		if err := a.pace.wait(ctx, chat); err != nil {
			return ref, fmt.Errorf("telegram: send message: %w", err)
		}
		res, err := a.retry(ctx, func() (json.RawMessage, error) { return a.call(ctx, "sendMessage", p) })
		if err != nil {
			return ref, fmt.Errorf("telegram: send message: %w", err)
		}
		var m tgbotapi.Message
		if err := json.Unmarshal(res, &m); err != nil {
			return ref, fmt.Errorf("telegram: send message: decode result: %w", err)
		}
		ref = bot.SentRef{Target: to, ID: strconv.Itoa(m.MessageID), Thread: replyPrefix + strconv.Itoa(m.MessageID)}
		if to.ThreadID != "" && !strings.HasPrefix(to.ThreadID, replyPrefix) {
			ref.Thread = to.ThreadID // a forum topic goes on in its topic
		}
	}
	if r.File != nil {
		return a.sendFile(ctx, to, chat, r.File)
	}
	return ref, nil
}

// parseThread reads a ThreadID: a forum topic, or a message to reply to.
func parseThread(id string) (topic, replyTo int, err error) {
	if id == "" {
		return 0, 0, nil
	}
	if rest, ok := strings.CutPrefix(id, replyPrefix); ok {
		replyTo, err = strconv.Atoi(rest)
	} else {
		topic, err = strconv.Atoi(id)
	}
	if err != nil {
		return 0, 0, fmt.Errorf("thread id %q is neither a topic nor %q+message id", id, replyPrefix)
	}
	return topic, replyTo, nil
}

// errTooLong is returned by Edit for a reply that needs several messages.
var errTooLong = errors.New("telegram: edit: reply does not fit in one message")

// Edit implements bot.Editor: it replaces the text and buttons of a
// message the bot sent. A reply without buttons removes the old ones.
func (a *Adapter) Edit(ctx context.Context, ref bot.SentRef, r bot.Reply) error {
	chat, err := strconv.ParseInt(ref.Target.ChatID, 10, 64)
	if err != nil {
		return fmt.Errorf("telegram: edit: chat id %q is not a number", ref.Target.ChatID)
	}
	id, err := strconv.Atoi(ref.ID)
	if err != nil {
		return fmt.Errorf("telegram: edit: message id %q is not a number", ref.ID)
	}
	rd, err := render(r)
	switch {
	case err != nil:
		return fmt.Errorf("telegram: edit: %w", err)
	case len(rd.texts) == 0:
		return errors.New("telegram: edit: empty reply")
	case len(rd.texts) > 1:
		return errTooLong
	}
	cfg := tgbotapi.EditMessageTextConfig{
		BaseEdit:  tgbotapi.BaseEdit{ChatID: chat, MessageID: id, ReplyMarkup: rd.markup},
		Text:      rd.texts[0],
		ParseMode: tgbotapi.ModeHTML,
	}
	if err := a.pace.wait(ctx, chat); err != nil {
		return fmt.Errorf("telegram: edit message: %w", err)
	}
	_, err = a.retry(ctx, func() (json.RawMessage, error) { return a.request(ctx, cfg) })
	if te, ok := apiError(err); ok && te.Code == http.StatusBadRequest && strings.Contains(te.Message, "message is not modified") {
		return nil // already shows this: the goal is met
	}
	if err != nil {
		return fmt.Errorf("telegram: edit message: %w", err)
	}
	return nil
}

// answerCallback stops the spinner on the button the user pressed.
func (a *Adapter) answerCallback(ctx context.Context, id string) error {
	_, err := a.retry(ctx, func() (json.RawMessage, error) { return a.request(ctx, tgbotapi.NewCallback(id, "")) })
	if err != nil {
		return fmt.Errorf("telegram: answer callback query: %w", err)
	}
	return nil
}

// retry runs f again after the wait a 429 asks for, a bounded number of
// times. Giving up, it returns a *bot.RateLimitError so the caller (the
// reminders) can try later.
func (a *Adapter) retry(ctx context.Context, f func() (json.RawMessage, error)) (json.RawMessage, error) {
	for attempt := 1; ; attempt++ {
		res, err := f()
		te, ok := apiError(err)
		if !ok || te.Code != http.StatusTooManyRequests {
			return res, err
		}
		wait := max(time.Duration(te.RetryAfter)*time.Second, time.Second)
		if attempt >= sendAttempts || wait > maxRetryWait {
			return nil, &bot.RateLimitError{RetryAfter: wait}
		}
		a.log.Debug("telegram: rate limited; retrying", "in", wait)
		if err := a.sleep(ctx, wait); err != nil {
			return nil, err
		}
	}
}

// reply renders the handler's replies to ev. A Replace reply to a button
// press edits the message that held the button, and falls back to a new
// message when Telegram refuses the edit (too old, deleted, too long).
func (a *Adapter) reply(ctx context.Context, ev event, to bot.Target, replies []bot.Reply) {
	quote := ev.replyTo
	for _, r := range replies {
		if r.Replace && ev.act != nil {
			err := a.Edit(ctx, ev.act.Message, r)
			if err == nil {
				continue
			}
			a.log.Warn("telegram: edit failed; sending instead", bot.LogKeyChat, to.ChatID, bot.LogKeyEvent, ev.updateID, "err", err)
		}
		if _, err := a.send(ctx, to, r, quote); err != nil {
			a.log.Error("telegram: reply not sent", bot.LogKeyChat, to.ChatID, bot.LogKeyEvent, ev.updateID, "err", err)
			continue
		}
		quote = 0 // quote the user once, not under every reply
	}
}
