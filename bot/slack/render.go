package slack

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/slack-go/slack"

	"github.com/tend-crm/tend/bot"
)

// Block Kit limits (docs.slack.dev/reference/block-kit).
const (
	maxSectionText  = 3000 // characters in a section's text; we count bytes, which is stricter
	maxBlocks       = 50   // blocks in one message
	maxButtonsBlock = 25   // elements in one actions block
	maxButtonValue  = 2000 // characters in a button's value
	maxButtonLabel  = 75   // characters in a button's text
)

// message is one chat.postMessage / chat.update worth of a reply.
type message struct {
	Text   string        `json:"text"` // the fallback for notifications, escaped
	Blocks []slack.Block `json:"blocks"`
}

// escaper makes plain text safe in mrkdwn: with & < > escaped, user text
// can never form a link or a live mention such as <!channel> or <@U1>.
var escaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")

// render turns a reply into one or more messages: the text as mrkdwn
// sections of at most 3000 characters, the buttons as actions blocks in
// the last message, at most 50 blocks a message.
func render(r bot.Reply) ([]message, error) {
	if strings.TrimSpace(r.Text) == "" && len(r.Buttons) == 0 {
		return nil, errors.New("slack: empty reply")
	}
	actions, labels, err := renderButtons(r.Buttons)
	if err != nil {
		return nil, err
	}
	var texts []string
	if strings.TrimSpace(r.Text) != "" {
		texts = splitEscaped(r.Text, maxSectionText)
	}

	var msgs []message
	var cur message
	flush := func() {
		if len(cur.Blocks) > 0 {
			msgs = append(msgs, cur)
		}
		cur = message{}
	}
	for _, t := range texts {
		if strings.TrimSpace(t) == "" {
			continue // Split can leave a piece of blanks; Slack wants text
		}
		if len(cur.Blocks) == maxBlocks {
			flush()
		}
		if cur.Text == "" {
			cur.Text = t // a message's first section is its notification text
		}
		// verbatim: Slack must not turn "@channel" or "#general" typed as
		// plain text into a mention or a link.
		cur.Blocks = append(cur.Blocks, slack.NewSectionBlock(slack.NewTextBlockObject(slack.MarkdownType, t, false, true), nil, nil))
	}
	if len(actions) > 0 {
		if len(cur.Blocks)+len(actions) > maxBlocks {
			flush()
		}
		if cur.Text == "" {
			cur.Text = escaper.Replace(strings.Join(labels, " · "))
		}
		cur.Blocks = append(cur.Blocks, actions...)
	}
	flush()
	if len(msgs) == 0 {
		return nil, errors.New("slack: empty reply")
	}
	return msgs, nil
}

// renderButtons makes actions blocks of at most 25 buttons. Button n has
// action_id "tend:n", unique in the message, and carries Value verbatim.
func renderButtons(buttons []bot.Button) (blocks []slack.Block, labels []string, err error) {
	if len(buttons) > maxButtonsBlock*maxBlocks {
		return nil, nil, fmt.Errorf("slack: %d buttons is more than a message can hold", len(buttons))
	}
	var elems []slack.BlockElement
	for i, b := range buttons {
		if len(b.Value) > maxButtonValue {
			return nil, nil, fmt.Errorf("slack: button %d value is %d bytes, over Slack's %d", i, len(b.Value), maxButtonValue)
		}
		label := truncate(strings.TrimSpace(b.Label), maxButtonLabel)
		if label == "" {
			label = "…" // Slack refuses an empty button text
		}
		labels = append(labels, label)
		// plain_text is shown as is: no escaping, no mentions.
		elems = append(elems, slack.NewButtonBlockElement(actionPrefix+strconv.Itoa(i), b.Value,
			slack.NewTextBlockObject(slack.PlainTextType, label, true, false)))
		if len(elems) == maxButtonsBlock || i == len(buttons)-1 {
			blocks = append(blocks, slack.NewActionBlock("", elems...))
			elems = nil
		}
	}
	return blocks, labels, nil
}

// splitEscaped splits text into pieces whose escaped form fits limit,
// escaping each piece whole so an entity like &amp; is never cut.
func splitEscaped(text string, limit int) []string {
	return splitRaw(text, limit, limit)
}

// splitRaw cuts text at raw bytes and keeps pieces whose escaped form fits
// limit; a piece that escaping grew past it is cut finer, in proportion
// (at worst "&" grows fivefold).
func splitRaw(text string, raw, limit int) []string {
	var out []string
	for _, p := range bot.Split(text, raw) {
		e := escaper.Replace(p)
		if len(e) <= limit || len(p) <= utf8.UTFMax {
			out = append(out, e)
			continue
		}
		out = append(out, splitRaw(p, max(utf8.UTFMax, len(p)*limit/len(e)-1), limit)...)
	}
	return out
}

// truncate cuts s to at most n runes, marking the cut with an ellipsis.
func truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}
