package slack

import (
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"
	"github.com/slack-go/slack/socketmode"

	"github.com/tend-crm/tend/bot"
)

// inbound is one delivery the handler should see: a message or a press.
type inbound struct {
	msg  *bot.Message
	act  *bot.Action
	team string // the workspace it came from, for Config.TeamID
	// alt is where to answer when the bot cannot post in the chat: for a
	// slash command, the user (chat.postMessage to a user id posts in the
	// app's DM with them).
	alt string
	// files are the download URLs of msg.Files, which the adapter opens.
	files []string
}

func (in inbound) chat() string {
	if in.msg != nil {
		return in.msg.ChatID
	}
	return in.act.ChatID
}

func (in inbound) target() bot.Target {
	if in.msg != nil {
		return in.msg.Target()
	}
	return in.act.Target()
}

// asker returns who sent the delivery and whether it came from a DM.
func (in inbound) asker() (user string, dm bool) {
	if in.msg != nil {
		return in.msg.From.ID, in.msg.IsDM
	}
	return in.act.From.ID, strings.HasPrefix(in.act.ChatID, "D")
}

// ids returns the event, chat and user ids, for logs.
func (in inbound) ids() (event, chat, user string) {
	if in.msg != nil {
		return in.msg.EventID, in.msg.ChatID, in.msg.From.ID
	}
	return in.act.EventID, in.act.ChatID, in.act.From.ID
}

// errIgnored marks a well-formed delivery Tend deliberately does not
// handle (a bot's message, an edit, a modal): acknowledge and move on.
var errIgnored = errors.New("slack: ignored")

// decodeEnvelope decodes a delivery's payload by its Socket Mode type
// (events_api, interactive, slash_commands); the HTTP endpoints carry the
// same payloads. botUser is the bot's user id, to skip its own messages
// and strip mentions of it. It returns errIgnored for deliveries that are
// not for the handler.
func decodeEnvelope(typ string, payload []byte, botUser string) (inbound, error) {
	switch typ {
	case socketmode.RequestTypeEventsAPI:
		return decodeEvent(payload, botUser)
	case socketmode.RequestTypeInteractive:
		return decodeInteraction(payload)
	case socketmode.RequestTypeSlashCommands:
		var cmd slack.SlashCommand
		if err := json.Unmarshal(payload, &cmd); err != nil {
			return inbound{}, fmt.Errorf("slack: decode slash command: %w", err)
		}
		return fromCommand(cmd)
	}
	return inbound{}, fmt.Errorf("slack: unknown envelope type %q", typ)
}

// eventCallback is the Events API body (HTTP) or events_api payload
// (Socket Mode). We decode it ourselves rather than with slackevents,
// which rejects inner event types it does not know.
type eventCallback struct {
	Type      string `json:"type"`
	TeamID    string `json:"team_id"`
	EventID   string `json:"event_id"`
	Challenge string `json:"challenge"` // url_verification only
	Event     struct {
		Type        string          `json:"type"`
		Subtype     string          `json:"subtype"`
		User        string          `json:"user"`
		BotID       string          `json:"bot_id"`
		Text        string          `json:"text"`
		TS          string          `json:"ts"`
		ThreadTS    string          `json:"thread_ts"`
		Channel     string          `json:"channel"`
		ChannelType string          `json:"channel_type"`
		Edited      json.RawMessage `json:"edited"`
		Files       []struct {
			Name     string `json:"name"`
			Mimetype string `json:"mimetype"`
			Size     int64  `json:"size"`
			URL      string `json:"url_private_download"`
		} `json:"files"`
	} `json:"event"`
}

func decodeEvent(payload []byte, botUser string) (inbound, error) {
	var cb eventCallback
	if err := json.Unmarshal(payload, &cb); err != nil {
		return inbound{}, fmt.Errorf("slack: decode event: %w", err)
	}
	if cb.Type != slackevents.CallbackEvent {
		return inbound{}, errIgnored // app_rate_limited, url_verification (answered by http.go)
	}
	e := cb.Event
	switch {
	case e.Type == string(slackevents.Message) && !plainSubtype(e.Subtype):
		// message_changed and message_deleted carry the user inside a
		// nested message: Tend handled (or ignored) the original and does
		// not re-read an edit or undo on a deletion. bot_message, joins,
		// topics and the rest are not people talking to Tend.
		return inbound{}, errIgnored
	case e.BotID != "" || (botUser != "" && e.User == botUser):
		return inbound{}, errIgnored // bots, Tend included: never answer a bot
	case e.Channel == "" || e.User == "":
		return inbound{}, errIgnored
	case len(e.Edited) > 0 && string(e.Edited) != "null":
		return inbound{}, errIgnored // an edit re-sends the mention; the original was handled
	}
	m := bot.Message{
		EventID:   cb.EventID,
		Platform:  bot.Slack,
		ChatID:    e.Channel,
		ThreadID:  e.ThreadTS,
		From:      bot.Sender{ID: e.User},
		Text:      plainText(stripMention(e.Text, botUser)),
		MessageID: e.TS,
		Time:      parseTS(e.TS),
	}
	switch e.Type {
	case string(slackevents.Message):
		switch e.ChannelType {
		case slackevents.ChannelTypeIM:
			m.IsDM, m.Mentioned = true, true
		case slackevents.ChannelTypeChannel, slackevents.ChannelTypeGroup:
			if mentions(e.Text, botUser) {
				return inbound{}, errIgnored // app_mention delivers it, as addressed to Tend
			}
			// Channel chatter, not for Tend to answer: the handler sees it
			// (unmentioned) so a channel bound to a deal can keep it.
		default:
			return inbound{}, errIgnored // group DMs: Tend is not subscribed
		}
	case string(slackevents.AppMention):
		if strings.HasPrefix(e.Channel, "D") {
			return inbound{}, errIgnored // message.im delivers it too
		}
		m.Mentioned = true
	default:
		return inbound{}, errIgnored
	}
	in := inbound{msg: &m, team: cb.TeamID}
	for _, f := range e.Files {
		if f.URL == "" {
			continue // a file Tend may not download (an external one, a Slack post)
		}
		m.Files = append(m.Files, bot.File{Name: f.Name, Size: f.Size, MIME: f.Mimetype})
		in.files = append(in.files, f.URL)
	}
	return in, nil
}

// plainSubtype reports whether a message subtype is a person writing:
// a plain message, one also sent to the channel from a thread, or one
// with a file.
func plainSubtype(subtype string) bool {
	switch subtype {
	case "", "thread_broadcast", "file_share":
		return true
	}
	return false
}

// mentions reports whether Slack text mentions the bot.
func mentions(text, botUser string) bool {
	return botUser != "" && (strings.Contains(text, "<@"+botUser+">") || strings.Contains(text, "<@"+botUser+"|"))
}

// actionPrefix starts the action_id of every button Tend renders, so that
// presses on other apps' or older layouts' elements are told apart.
const actionPrefix = "tend:"

// blockAction is the part of a pressed element Tend reads.
type blockAction struct {
	ActionID string `json:"action_id"`
	Value    string `json:"value"`
	ActionTS string `json:"action_ts"`
}

func decodeInteraction(payload []byte) (inbound, error) {
	var ic slack.InteractionCallback
	if err := json.Unmarshal(payload, &ic); err != nil {
		return inbound{}, fmt.Errorf("slack: decode interaction: %w", err)
	}
	if ic.Type != slack.InteractionTypeBlockActions {
		return inbound{}, errIgnored // shortcuts, modals: Tend has none
	}
	// The actions are read again on their own: slack-go files an action
	// without a block_id under attachment actions.
	var acts struct {
		Actions []blockAction `json:"actions"`
	}
	if err := json.Unmarshal(payload, &acts); err != nil {
		return inbound{}, fmt.Errorf("slack: decode interaction actions: %w", err)
	}
	i := slices.IndexFunc(acts.Actions, func(a blockAction) bool { return strings.HasPrefix(a.ActionID, actionPrefix) })
	chat := cmp.Or(ic.Container.ChannelID, ic.Channel.ID)
	msgTS := cmp.Or(ic.Container.MessageTs, ic.Message.Timestamp)
	if i < 0 || chat == "" || ic.User.ID == "" {
		return inbound{}, errIgnored
	}
	thread := ic.Container.ThreadTs
	if thread == "" && ic.Message.ThreadTimestamp != msgTS {
		// A thread's parent carries its own ts as thread_ts; only a reply
		// inside a thread should be answered there.
		thread = ic.Message.ThreadTimestamp
	}
	pressed := acts.Actions[i]
	actionTS := cmp.Or(pressed.ActionTS, ic.ActionTs)
	a := bot.Action{
		// Slack never retries a press; the id still names it uniquely, so
		// the router's ledger sees each press once.
		EventID:  "action:" + chat + ":" + msgTS + ":" + actionTS,
		Platform: bot.Slack,
		ChatID:   chat,
		ThreadID: thread,
		From:     bot.Sender{ID: ic.User.ID, Name: ic.User.Name},
		Value:    pressed.Value,
		Message: bot.SentRef{
			Target: bot.Target{Platform: bot.Slack, ChatID: chat, ThreadID: thread},
			ID:     msgTS,
		},
		Time: parseTS(actionTS),
	}
	return inbound{act: &a, team: cmp.Or(ic.Team.ID, ic.User.TeamID)}, nil
}

func fromCommand(cmd slack.SlashCommand) (inbound, error) {
	if cmd.ChannelID == "" || cmd.UserID == "" || cmd.Command == "" {
		return inbound{}, errIgnored
	}
	// trigger_id is unique per invocation; should it be missing, the
	// response_url is too.
	id := cmd.TriggerID
	if id == "" {
		h := sha256.Sum256([]byte(cmd.TeamID + "\x00" + cmd.ChannelID + "\x00" + cmd.UserID + "\x00" + cmd.Command + "\x00" + cmd.Text + "\x00" + cmd.ResponseURL))
		id = hex.EncodeToString(h[:12])
	}
	m := bot.Message{
		EventID:  "command:" + id,
		Platform: bot.Slack,
		ChatID:   cmd.ChannelID,
		From:     bot.Sender{ID: cmd.UserID, Name: cmd.UserName},
		// The router reads "/tend log …" like the chat intents.
		Text:      strings.TrimSpace(cmd.Command + " " + plainText(cmd.Text)),
		IsDM:      strings.HasPrefix(cmd.ChannelID, "D") || cmd.ChannelName == "directmessage",
		Mentioned: true, // a slash command is always addressed to Tend
	}
	return inbound{msg: &m, team: cmd.TeamID, alt: cmd.UserID}, nil
}

// stripMention removes mentions of the bot: "<@UBOT> log a call" is
// addressed to Tend, and the router wants "log a call".
func stripMention(text, botUser string) string {
	if botUser == "" {
		return text
	}
	for _, m := range []string{"<@" + botUser + ">", "<@" + botUser + "|"} {
		for {
			i := strings.Index(text, m)
			if i < 0 {
				break
			}
			end := i + len(m)
			if strings.HasSuffix(m, "|") {
				j := strings.IndexByte(text[end:], '>')
				if j < 0 {
					break
				}
				end += j + 1
			}
			text = text[:i] + text[end:]
		}
	}
	return strings.TrimSpace(text)
}

// slackToken is one piece of Slack's markup in incoming text: <…>.
var slackToken = regexp.MustCompile(`<([^<>]*)>`)

// plainText turns Slack's wire format back into what the user typed:
// links become their label or URL, mentions "@name" or "@U123", and the
// &amp; &lt; &gt; escapes are undone, so that the router stores and parses
// plain text. (Replies are escaped again on the way out.)
func plainText(s string) string {
	s = slackToken.ReplaceAllStringFunc(s, func(tok string) string {
		inner := tok[1 : len(tok)-1]
		target, label, hasLabel := strings.Cut(inner, "|")
		switch {
		case strings.HasPrefix(target, "@"): // <@U123> or <@U123|bob>
			if hasLabel && label != "" {
				return "@" + label
			}
			return target
		case strings.HasPrefix(target, "#"): // <#C123|general>
			if hasLabel && label != "" {
				return "#" + label
			}
			return target
		case strings.HasPrefix(target, "!"): // <!here>, <!subteam^S1|@team>, <!date^…|fallback>
			if hasLabel && label != "" {
				return label
			}
			name, _, _ := strings.Cut(target[1:], "^")
			return "@" + name
		case hasLabel && label != "": // <https://x|x>, <mailto:a@b|a@b>
			return label
		default:
			return strings.TrimPrefix(target, "mailto:")
		}
	})
	return unescaper.Replace(s)
}

var unescaper = strings.NewReplacer("&amp;", "&", "&lt;", "<", "&gt;", ">")

// parseTS reads a Slack timestamp ("1712345678.000200"); zero if it is not one.
func parseTS(ts string) time.Time {
	sec, frac, _ := strings.Cut(ts, ".")
	s, err := strconv.ParseInt(sec, 10, 64)
	if err != nil || s <= 0 {
		return time.Time{}
	}
	var us int64
	if len(frac) == 6 {
		us, _ = strconv.ParseInt(frac, 10, 64)
	}
	return time.Unix(s, us*1000).UTC()
}
