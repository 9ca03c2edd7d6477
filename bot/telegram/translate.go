package telegram

import (
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/tend-crm/tend/bot"
)

// event is one update as the adapter understood it: a message for the
// handler, a button press, or something to skip (with the reason, for the
// debug log).
type event struct {
	updateID int
	fileID   string // the document of msg, to fetch
	chat     string // dispatcher key: one chat's events run in order
	msg      *bot.Message
	act      *bot.Action
	callback string // callback query to answer, even if act is nil
	replyTo  int    // in groups, the message our replies quote
	skip     string // why the update is not for the handler
}

// threadFields are Bot API fields newer than tgbotapi v5.5.1's types.
type threadFields struct {
	MessageThreadID int  `json:"message_thread_id"`
	IsTopicMessage  bool `json:"is_topic_message"`
}

// wireUpdate decodes what tgbotapi.Update does not.
type wireUpdate struct {
	UpdateID      *int          `json:"update_id"`
	Message       *threadFields `json:"message"`
	CallbackQuery *struct {
		Message *threadFields `json:"message"`
	} `json:"callback_query"`
}

var errNoUpdateID = errors.New("telegram: update without update_id")

// translate decodes one update and decides what it means for Tend. It
// fails only when raw is not an update at all (no update_id); an update
// it cannot use is returned with skip set, so it is confirmed and does not
// come back.
func translate(raw []byte, me tgbotapi.User) (event, error) {
	var w wireUpdate
	if err := json.Unmarshal(raw, &w); err != nil {
		return event{}, err
	}
	if w.UpdateID == nil {
		return event{}, errNoUpdateID
	}
	ev := event{updateID: *w.UpdateID}
	var u tgbotapi.Update
	if err := json.Unmarshal(raw, &u); err != nil {
		// A field whose type changed since tgbotapi v5.5.1: skip the update
		// rather than let it block the ones behind it.
		ev.skip = "undecodable update"
		return ev, nil
	}
	eventID := strconv.Itoa(ev.updateID)
	switch {
	case u.Message != nil:
		var tf threadFields
		if w.Message != nil {
			tf = *w.Message
		}
		translateMessage(&ev, eventID, u.Message, tf, me)
	case u.CallbackQuery != nil:
		var tf threadFields
		if w.CallbackQuery != nil && w.CallbackQuery.Message != nil {
			tf = *w.CallbackQuery.Message
		}
		translateCallback(&ev, u.CallbackQuery, tf)
	case u.EditedMessage != nil:
		ev.skip = "edited message"
	case u.ChannelPost != nil, u.EditedChannelPost != nil:
		ev.skip = "channel post"
	default:
		ev.skip = "unhandled update type"
	}
	return ev, nil
}

func translateMessage(ev *event, eventID string, m *tgbotapi.Message, tf threadFields, me tgbotapi.User) {
	switch {
	case m.Chat == nil:
		ev.skip = "message without chat"
		return
	case m.From == nil || m.From.IsBot:
		// Other bots, and anonymous group admins (sent as a bot): answering
		// bots invites loops, and an anonymous admin has no identity to
		// check rights against.
		ev.skip = "message from a bot or without sender"
		return
	case m.Text == "" && m.Document == nil:
		ev.skip = "message without text"
		return
	}
	ev.chat = strconv.FormatInt(m.Chat.ID, 10)

	text, forUs, reason := address(cmpOr(m.Text, m.Caption), me.UserName)
	if reason != "" {
		ev.skip = reason
		return
	}
	dm := m.Chat.Type == "private"
	switch m.Chat.Type {
	case "private":
		forUs = true
	case "group", "supergroup":
		replyToUs := m.ReplyToMessage != nil && m.ReplyToMessage.From != nil && me.ID != 0 && m.ReplyToMessage.From.ID == me.ID
		forUs = forUs || replyToUs
		if forUs {
			ev.replyTo = m.MessageID
		}
		// Chatter goes to the handler unmentioned: it answers none, but a
		// group bound to a deal may keep it.
	default:
		ev.skip = "message in a " + m.Chat.Type
		return
	}

	ev.msg = &bot.Message{
		EventID:   eventID,
		Platform:  bot.Telegram,
		ChatID:    ev.chat,
		ThreadID:  threadID(m, tf),
		From:      sender(m.From),
		Text:      text,
		IsDM:      dm,
		Mentioned: forUs,
		MessageID: strconv.Itoa(m.MessageID),
	}
	if m.Date != 0 {
		ev.msg.Time = time.Unix(int64(m.Date), 0)
	}
	if d := m.Document; d != nil {
		// Open is set by the adapter, which knows how to fetch it.
		ev.msg.Files = []bot.File{{Name: d.FileName, Size: int64(d.FileSize), MIME: d.MimeType}}
		ev.fileID = d.FileID
	}
}

func translateCallback(ev *event, q *tgbotapi.CallbackQuery, tf threadFields) {
	ev.callback = q.ID
	m := q.Message
	switch {
	case q.ID == "":
		ev.skip = "callback query without id"
		return
	case m == nil || m.Chat == nil:
		// A button on an inline-mode message: Tend sends none. Still
		// answered, so the spinner stops.
		ev.chat = "callback"
		ev.skip = "callback query without message"
		return
	case q.From == nil:
		ev.chat = strconv.FormatInt(m.Chat.ID, 10)
		ev.skip = "callback query without sender"
		return
	}
	ev.chat = strconv.FormatInt(m.Chat.ID, 10)
	thread := threadID(m, tf)
	ev.act = &bot.Action{
		EventID:  q.ID,
		Platform: bot.Telegram,
		ChatID:   ev.chat,
		ThreadID: thread,
		From:     sender(q.From),
		Value:    q.Data,
		Message: bot.SentRef{
			Target: bot.Target{Platform: bot.Telegram, ChatID: ev.chat, ThreadID: thread},
			ID:     strconv.Itoa(m.MessageID),
		},
	}
}

// replyPrefix marks a ThreadID that is a reply chain, not a forum topic.
const replyPrefix = "reply:"

// threadID names the thread m is in: its forum topic, or its reply chain
// (the chain's root where Telegram gives it, else the message answered).
func threadID(m *tgbotapi.Message, tf threadFields) string {
	switch {
	case tf.IsTopicMessage && tf.MessageThreadID != 0:
		return strconv.Itoa(tf.MessageThreadID)
	case m.ReplyToMessage == nil || m.Chat == nil || m.Chat.Type == "private":
		return ""
	case tf.MessageThreadID != 0:
		return replyPrefix + strconv.Itoa(tf.MessageThreadID)
	default:
		return replyPrefix + strconv.Itoa(m.ReplyToMessage.MessageID)
	}
}

func sender(u *tgbotapi.User) bot.Sender {
	name := strings.TrimSpace(u.FirstName + " " + u.LastName)
	if name == "" {
		name = u.UserName
	}
	return bot.Sender{ID: strconv.FormatInt(u.ID, 10), Name: name, Lang: u.LanguageCode}
}

// address reads whether text is addressed to the bot called name, and
// returns it without that address: "/cmd@name args" becomes "/cmd args",
// and "@name" mentions are cut out. A command for another bot ("/cmd@other")
// is not ours, whoever else is mentioned: reason says so.
func address(text, name string) (clean string, forUs bool, reason string) {
	if strings.HasPrefix(text, "/") {
		end := strings.IndexAny(text, " \t\r\n")
		if end < 0 {
			end = len(text)
		}
		cmd := text[:end]
		if at := strings.IndexByte(cmd, '@'); at >= 0 {
			if name == "" || !strings.EqualFold(cmd[at+1:], name) {
				return "", false, "command for another bot"
			}
			text = cmd[:at] + text[end:]
		}
		forUs = true
	}
	if name != "" {
		var mentioned bool
		text, mentioned = stripMention(text, name)
		forUs = forUs || mentioned
	}
	return text, forUs, ""
}

// stripMention removes every "@name" (any case) that stands as a word, and
// the punctuation that usually follows a leading one ("@TendBot, who…").
func stripMention(text, name string) (string, bool) {
	at := "@" + asciiLower(name)
	lower := asciiLower(text) // same byte offsets as text
	var pieces []string
	found := false
	for start := 0; ; {
		i := strings.Index(lower[start:], at)
		if i < 0 {
			pieces = append(pieces, text[start:])
			break
		}
		i += start
		end := i + len(at)
		if (i > 0 && isNameByte(text[i-1])) || (end < len(text) && isNameByte(text[end])) {
			// Part of a longer word (an e-mail address, @TendBotFans).
			pieces = append(pieces, text[start:end])
			start = end
			continue
		}
		found = true
		pieces = append(pieces, text[start:i])
		start = end
	}
	if !found {
		return text, false
	}
	var b strings.Builder
	for i, p := range pieces {
		switch {
		case i > 0 && b.Len() == 0: // right after a leading mention
			p = strings.TrimLeft(p, " \t,:")
		case i > 0:
			p = strings.TrimLeft(p, " \t")
		}
		p = strings.TrimRight(p, " \t")
		if p == "" {
			continue
		}
		if b.Len() > 0 && !strings.HasPrefix(p, "\n") {
			b.WriteByte(' ')
		}
		b.WriteString(p)
	}
	return strings.TrimSpace(b.String()), true
}

// isNameByte reports whether c can appear in a Telegram username.
func isNameByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_'
}

// asciiLower lowercases ASCII letters only, so byte offsets stay valid
// (strings.ToLower can change the length of non-ASCII text).
func asciiLower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c >= 'A' && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}
