// Package bot is Tend's platform-neutral chat model: the messages and button
// presses adapters receive, the replies they render, and the interfaces that
// connect adapters, the conversation router and the reminders.
package bot

import (
	"context"
	"io"
	"time"
)

// Platform names a chat platform.
type Platform string

const (
	Console  Platform = "console"
	Slack    Platform = "slack"
	Telegram Platform = "telegram"
)

// Message is one text message from a person, as an adapter understood it.
type Message struct {
	// EventID is the platform's id for the delivery (Slack event_id,
	// Telegram update_id). A second delivery with the same id is handled
	// once. Empty when the platform has no such id.
	EventID  string
	Platform Platform
	ChatID   string // channel, group or private chat
	ThreadID string // thread or reply chain, when the message is in one
	From     Sender
	Text     string
	IsDM     bool // a private chat with the bot
	// Mentioned reports that the message addresses Tend in a group: it
	// mentions the bot, is a command, or replies to one of its messages.
	// Always true in a private chat.
	Mentioned bool
	// MessageID is the platform's id of the message itself (Slack ts,
	// Telegram message_id), to link a record to its source.
	MessageID string
	Time      time.Time // when the platform received it; zero means now
	// Files are the files shared with the message (a Slack file share, a
	// Telegram document), announced but not yet fetched.
	Files []File
}

// File is a file attached to a message. Its content is fetched only when
// asked for, since most handlers never need it.
type File struct {
	Name string
	Size int64  // as the platform announced it; 0 when unknown
	MIME string // as the platform announced it; may be empty
	// Open fetches the content from the platform. The caller closes it,
	// and bounds what it reads: the size announced is not a promise.
	Open func(ctx context.Context) (io.ReadCloser, error)
}

// Action is a press of a button Tend rendered.
type Action struct {
	EventID  string
	Platform Platform
	ChatID   string
	ThreadID string
	From     Sender
	// Value is the Button.Value of the pressed button, as sent back by the
	// platform. It is untrusted input: the handler checks it against the
	// presser's rights.
	Value string
	// Message is the platform's reference to the message holding the button,
	// so that the adapter can update it with the outcome.
	Message SentRef
	Time    time.Time
}

// Sender is the person behind a message or action.
type Sender struct {
	ID   string // the platform's user id
	Name string // display name, for a first greeting
	// TimeZone and Lang are hints from the platform (Slack's user tz,
	// Telegram's language_code); empty when unknown.
	TimeZone string
	Lang     string
}

// Target is where a reply or a notification goes.
type Target struct {
	Platform Platform
	ChatID   string
	ThreadID string
}

// Target returns the place m was said, for a reply.
func (m Message) Target() Target {
	return Target{Platform: m.Platform, ChatID: m.ChatID, ThreadID: m.ThreadID}
}

// Target returns the place a was pressed.
func (a Action) Target() Target {
	return Target{Platform: a.Platform, ChatID: a.ChatID, ThreadID: a.ThreadID}
}

// SentRef identifies a message an adapter sent, for a later edit.
type SentRef struct {
	Target Target
	ID     string // the platform's message id (Slack ts, Telegram message_id)
	// Thread is the ThreadID that replies to this message arrive with:
	// where a conversation opened on it continues (a Slack thread, a
	// Telegram reply chain or forum topic).
	Thread string
}
