package bot

import (
	"strings"
	"unicode/utf8"
)

// Reply is one message Tend sends. Text is plain text: adapters escape it
// for their format, so user-written names can never inject markup.
type Reply struct {
	Text    string
	Buttons []Button
	// Replace asks the adapter to update the message holding the pressed
	// button instead of posting a new one, where the platform allows it.
	Replace bool
	// Ephemeral asks that only the asker see the reply in a shared chat,
	// where the platform allows it (Slack); elsewhere it is a normal reply.
	Ephemeral bool
	// File, when set, is sent with the reply as a document (an export);
	// Text is its caption.
	File *Attachment
}

// Attachment is a file Tend sends.
type Attachment struct {
	Name string // file name with its extension, e.g. "customers.csv"
	Data []byte
}

// Button is a choice under a reply. Value is opaque to adapters and comes
// back in Action.Value when pressed.
type Button struct {
	Label string
	Value string
}

// Split cuts text into pieces of at most limit bytes, preferring to cut at
// line breaks, then spaces, and never inside a UTF-8 sequence. Platforms
// cap message length (Slack 40,000 characters per text, Telegram 4,096).
func Split(text string, limit int) []string {
	if limit < utf8.UTFMax {
		limit = utf8.UTFMax
	}
	var parts []string
	for len(text) > limit {
		// A break at text[limit] still leaves a part of limit bytes.
		cut := strings.LastIndexByte(text[:limit+1], '\n')
		if cut <= 0 {
			cut = strings.LastIndexByte(text[:limit+1], ' ')
		}
		if cut <= 0 {
			cut = limit
			for cut > 0 && !utf8.RuneStart(text[cut]) {
				cut--
			}
			if cut == 0 { // no rune starts here: invalid UTF-8, cut anywhere
				cut = limit
			}
		}
		if part := strings.TrimRight(text[:cut], "\n "); part != "" {
			parts = append(parts, part)
		}
		text = strings.TrimLeft(text[cut:], "\n ")
	}
	if text != "" || len(parts) == 0 {
		parts = append(parts, text)
	}
	return parts
}
