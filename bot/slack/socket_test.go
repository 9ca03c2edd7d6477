package slack_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"reflect"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tend-crm/tend/bot"
	tendslack "github.com/tend-crm/tend/bot/slack"
	"github.com/tend-crm/tend/bot/slack/slacktest"
)

func TestSocketDMIsHandledAndAnswered(t *testing.T) {
	f := slacktest.NewServer(t)
	r := newRouter()
	r.reply = func(bot.Message) []bot.Reply {
		return []bot.Reply{{
			Text:    "Logged a call with Acme & Co <3 - cc <!channel> <@U999>",
			Buttons: []bot.Button{{Label: "Undo", Value: "undo:7"}, {Label: "Snooze 1 day", Value: "snooze:7:1d"}},
		}}
	}
	a, conn := newSocket(t, f, r, socketConfig(f), 0)

	conn.Send(slacktest.EventEnvelope("env-1", "Ev1", 0,
		slacktest.DM("called Acme &amp; Co &lt;3 <mailto:bob@acme.com|bob@acme.com>", "1700000001.000200")))

	got := slacktest.Recv(t, r.msgs, "the message")
	want := bot.Message{
		EventID:   "Ev1",
		Platform:  bot.Slack,
		ChatID:    "D1",
		From:      bot.Sender{ID: "U1", Name: "Bob", TimeZone: "Asia/Ho_Chi_Minh", Lang: "vi"},
		Text:      "called Acme & Co <3 bob@acme.com",
		IsDM:      true,
		Mentioned: true,
		MessageID: "1700000001.000200",
		Time:      time.Unix(1700000001, 200_000).UTC(),
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("message =\n%+v\nwant\n%+v", got, want)
	}
	if id := f.Ack(t); id != "env-1" {
		t.Errorf("acked %q, want env-1", id)
	}
	if !a.Connected() {
		t.Error("Connected() = false after an envelope was acked")
	}

	c := f.Call(t)
	if c.Method != "chat.postMessage" || c.Channel != "D1" || c.ThreadTS != "" {
		t.Errorf("posted %s to %q thread %q, want chat.postMessage to D1, no thread", c.Method, c.Channel, c.ThreadTS)
	}
	const escaped = "Logged a call with Acme &amp; Co &lt;3 - cc &lt;!channel&gt; &lt;@U999&gt;"
	if s := c.Sections(); len(s) != 1 || s[0] != escaped {
		t.Errorf("sections = %q, want [%q]", s, escaped)
	}
	if c.Text != escaped {
		t.Errorf("fallback text = %q, want %q", c.Text, escaped)
	}
	if !c.Blocks[0].Text.Verbatim || c.Blocks[0].Text.Type != "mrkdwn" {
		t.Errorf("section text = %+v, want verbatim mrkdwn", *c.Blocks[0].Text)
	}
	if len(c.Blocks) != 2 || c.Blocks[1].Type != "actions" || len(c.Blocks[1].Elements) != 2 {
		t.Fatalf("blocks = %+v, want a section and an actions block with 2 buttons", c.Blocks)
	}
	for i, w := range []struct{ id, value, label string }{{"tend:0", "undo:7", "Undo"}, {"tend:1", "snooze:7:1d", "Snooze 1 day"}} {
		e := c.Blocks[1].Elements[i]
		if e.Type != "button" || e.ActionID != w.id || e.Value != w.value || e.Text.Text != w.label {
			t.Errorf("button %d = %+v, want %s %s %q", i, e, w.id, w.value, w.label)
		}
	}
}

func TestSocketRedeliveryIsAnsweredOnce(t *testing.T) {
	f := slacktest.NewServer(t)
	r := newRouter()
	entered, release := make(chan struct{}), make(chan struct{})
	r.gate = func(m bot.Message) {
		if m.Text == "log call Acme" && r.first("gate") {
			close(entered)
			<-release // the retry arrives while the first is being handled
		}
	}
	_, conn := newSocket(t, f, r, socketConfig(f), 0)

	conn.Send(slacktest.EventEnvelope("env-1", "Ev1", 0, slacktest.DM("log call Acme", "1700000001.000100")))
	slacktest.Recv(t, entered, "the first delivery to be handled")
	conn.Send(slacktest.EventEnvelope("env-2", "Ev1", 1, slacktest.DM("log call Acme", "1700000001.000100")))
	close(release)

	for i := range 2 {
		if m := slacktest.Recv(t, r.msgs, "a delivery"); m.EventID != "Ev1" {
			t.Fatalf("delivery %d has event %q, want Ev1", i, m.EventID)
		}
	}
	// Both deliveries are acked, so Slack stops retrying.
	acks := []string{f.Ack(t), f.Ack(t)}
	slices.Sort(acks)
	if !slices.Equal(acks, []string{"env-1", "env-2"}) {
		t.Errorf("acks = %q, want env-1 and env-2", acks)
	}
	// A later message in the same chat is answered after both: if the
	// retry had been answered, its reply would come first.
	conn.Send(slacktest.EventEnvelope("env-3", "Ev3", 0, slacktest.DM("who next", "1700000002.000100")))
	for _, want := range []string{"re: log call Acme", "re: who next"} {
		if c := f.Call(t); c.Text != want {
			t.Errorf("posted %q, want %q", c.Text, want)
		}
	}
}

func TestSocketKeepsEachChatInOrder(t *testing.T) {
	f := slacktest.NewServer(t)
	r := newRouter()
	entered, release := make(chan struct{}), make(chan struct{})
	r.gate = func(m bot.Message) {
		if m.Text == "a1" {
			close(entered)
			<-release
		}
	}
	cfg := socketConfig(f)
	cfg.Workers = 4
	_, conn := newSocket(t, f, r, cfg, 0)

	msg := func(ch, text, ts string) map[string]any {
		e := slacktest.DM(text, ts)
		e["channel"] = ch
		return e
	}
	conn.Send(slacktest.EventEnvelope("env-a1", "Ev-a1", 0, msg("DA", "a1", "1700000001.000001")))
	slacktest.Recv(t, entered, "a1 to be handled")
	for i, s := range []string{"b1", "a2", "b2", "a3", "b3"} {
		ch := "DB"
		if s[0] == 'a' {
			ch = "DA"
		}
		conn.Send(slacktest.EventEnvelope("env-"+s, "Ev-"+s, 0, msg(ch, s, "1700000001.00001"+string(rune('0'+i)))))
	}
	// While a1 is stuck, DB's messages are all handled, and none of DA's.
	var got []string
	for range 3 {
		got = append(got, slacktest.Recv(t, r.msgs, "a message").Text)
	}
	if !slices.Equal(got, []string{"b1", "b2", "b3"}) {
		t.Fatalf("handled %q while a1 was stuck, want b1 b2 b3", got)
	}
	close(release)
	got = nil
	for range 3 {
		got = append(got, slacktest.Recv(t, r.msgs, "a message").Text)
	}
	if !slices.Equal(got, []string{"a1", "a2", "a3"}) {
		t.Errorf("DA handled as %q, want a1 a2 a3", got)
	}
}

func TestSocketFloodBeyondBacklogIsLeftUnacked(t *testing.T) {
	f := slacktest.NewServer(t)
	r := newRouter()
	release := make(chan struct{})
	r.gate = func(bot.Message) { <-release }
	defer func() {
		select {
		case <-release:
		default:
			close(release)
		}
	}()
	cfg := socketConfig(f)
	cfg.Workers, cfg.Backlog = 1, 4
	// Acks come only from finished handlers here, not from the deadline.
	_, conn := newSocket(t, f, r, cfg, time.Hour)

	const flood = 80 // beyond the backlog and socketmode's 50-slot channel
	for i := range flood {
		conn.Send(slacktest.EventEnvelope(envID(i), "Ev-"+envID(i), 0, slacktest.DM("msg", "1700000001.000100")))
	}
	// The read loop still runs: an envelope that needs no worker is acked
	// at once, and is the first ack of all.
	conn.Send(ignoredEnvelope("sentinel-1"))
	if id := f.Ack(t); id != "sentinel-1" {
		t.Fatalf("first ack = %q, want sentinel-1: nothing queued is acked before it is handled", id)
	}

	close(release)
	for range 4 {
		slacktest.Recv(t, r.msgs, "a queued message")
	}
	for range 4 {
		f.Call(t) // each reply is posted after its ack was handed to the socket
	}
	conn.Send(ignoredEnvelope("sentinel-2"))
	var acked []string
	for {
		id := f.Ack(t)
		if id == "sentinel-2" {
			break
		}
		acked = append(acked, id)
	}
	slices.Sort(acked)
	if want := []string{envID(0), envID(1), envID(2), envID(3)}; !slices.Equal(acked, want) {
		t.Errorf("acked %q, want only the %d that fit the backlog: %q", acked, len(want), want)
	}
	select {
	case m := <-r.msgs:
		t.Errorf("handled %q beyond the backlog", m.EventID)
	default:
	}

	// Slack redelivers what was not acked; now there is room.
	conn.Send(slacktest.EventEnvelope(envID(10), "Ev-"+envID(10), 1, slacktest.DM("msg", "1700000001.000100")))
	if id := f.Ack(t); id != envID(10) {
		t.Errorf("acked %q, want the redelivered %s", id, envID(10))
	}
}

func TestSocketAcksSlowHandlerByDeadline(t *testing.T) {
	f := slacktest.NewServer(t)
	r := newRouter()
	release := make(chan struct{})
	r.gate = func(bot.Message) { <-release }
	_, conn := newSocket(t, f, r, socketConfig(f), 10*time.Millisecond)

	conn.Send(slacktest.EventEnvelope("env-1", "Ev1", 0, slacktest.DM("slow", "1700000001.000100")))
	if id := f.Ack(t); id != "env-1" { // the handler is still blocked
		t.Errorf("acked %q, want env-1", id)
	}
	close(release)
	if c := f.Call(t); c.Text != "re: slow" {
		t.Errorf("posted %q, want the reply", c.Text)
	}
}

func TestSocketMentionInThreadIsAnsweredInThread(t *testing.T) {
	f := slacktest.NewServer(t)
	r := newRouter()
	_, conn := newSocket(t, f, r, socketConfig(f), 0)

	conn.Send(slacktest.EventEnvelope("env-1", "Ev1", 0, map[string]any{
		"type": "app_mention", "channel": "C1", "user": "U1", "text": "<@UBOT> log call with Acme",
		"ts": "1700000002.000300", "thread_ts": "1700000000.000100", "event_ts": "1700000002.000300",
	}))
	m := slacktest.Recv(t, r.msgs, "the mention")
	if m.ChatID != "C1" || m.ThreadID != "1700000000.000100" || m.Text != "log call with Acme" || m.IsDM || !m.Mentioned || m.MessageID != "1700000002.000300" {
		t.Errorf("message = %+v, want C1, thread 1700000000.000100, text without the mention, mentioned, not a DM", m)
	}
	c := f.Call(t)
	if c.Channel != "C1" || c.ThreadTS != "1700000000.000100" {
		t.Errorf("posted to %q thread %q, want C1 thread 1700000000.000100", c.Channel, c.ThreadTS)
	}
	if id := f.Ack(t); id != "env-1" {
		t.Errorf("acked %q, want env-1", id)
	}
}

// press is a block_actions envelope for button tend:0 on message ts in C1.
func press(envID, ts, value string) map[string]any {
	return map[string]any{
		"envelope_id": envID, "type": "interactive", "accepts_response_payload": false,
		"payload": map[string]any{
			"type":       "block_actions",
			"team":       map[string]any{"id": "T1", "domain": "acme"},
			"user":       map[string]any{"id": "U1", "username": "bob", "name": "bob", "team_id": "T1"},
			"api_app_id": "A1",
			"trigger_id": "123.456.abc",
			"container":  map[string]any{"type": "message", "message_ts": ts, "channel_id": "C1", "is_ephemeral": false},
			"channel":    map[string]any{"id": "C1", "name": "deals"},
			"message":    map[string]any{"type": "message", "ts": ts, "text": "Follow up Acme?"},
			"actions": []any{map[string]any{
				"type": "button", "action_id": "tend:0", "block_id": "b1", "value": value,
				"text": map[string]any{"type": "plain_text", "text": "Done"}, "action_ts": "1700000009.123456",
			}},
		},
	}
}

func TestSocketButtonPressUpdatesThePressedMessage(t *testing.T) {
	f := slacktest.NewServer(t)
	f.FailUpdate("1700000006.000100", "cant_update_message")
	r := newRouter()
	r.onAction = func(a bot.Action) []bot.Reply {
		return []bot.Reply{{Text: "Done ✓ " + a.Value, Replace: true}, {Text: "Next: call Acme"}}
	}
	_, conn := newSocket(t, f, r, socketConfig(f), 0)

	conn.Send(press("env-1", "1700000005.000100", "done:42"))
	a := slacktest.Recv(t, r.acts, "the press")
	want := bot.Action{
		EventID:  "action:C1:1700000005.000100:1700000009.123456",
		Platform: bot.Slack,
		ChatID:   "C1",
		From:     bot.Sender{ID: "U1", Name: "Bob", TimeZone: "Asia/Ho_Chi_Minh", Lang: "vi"},
		Value:    "done:42",
		Message:  bot.SentRef{Target: bot.Target{Platform: bot.Slack, ChatID: "C1"}, ID: "1700000005.000100"},
		Time:     time.Unix(1700000009, 123456_000).UTC(),
	}
	if !reflect.DeepEqual(a, want) {
		t.Errorf("action =\n%+v\nwant\n%+v", a, want)
	}
	if id := f.Ack(t); id != "env-1" {
		t.Errorf("acked %q, want env-1", id)
	}
	c := f.Call(t)
	if c.Method != "chat.update" || c.Channel != "C1" || c.TS != "1700000005.000100" {
		t.Errorf("first call = %s %s %s, want chat.update of C1 1700000005.000100", c.Method, c.Channel, c.TS)
	}
	if len(c.Blocks) != 1 || c.Sections()[0] != "Done ✓ done:42" {
		t.Errorf("update blocks = %+v, want one section and no buttons left", c.Blocks)
	}
	if c := f.Call(t); c.Method != "chat.postMessage" || c.Text != "Next: call Acme" {
		t.Errorf("second call = %s %q, want the second reply posted", c.Method, c.Text)
	}

	// A message that cannot be updated gets the reply posted instead.
	conn.Send(press("env-2", "1700000006.000100", "done:43"))
	if c := f.Call(t); c.Method != "chat.postMessage" || c.Channel != "C1" || c.Text != "Done ✓ done:43" {
		t.Errorf("fallback = %s to %s %q, want the reply posted in C1", c.Method, c.Channel, c.Text)
	}
}

func slash(envID, channel, text string) map[string]any {
	return map[string]any{
		"envelope_id": envID, "type": "slash_commands", "accepts_response_payload": true,
		"payload": map[string]any{
			"token": "unused", "team_id": "T1", "team_domain": "acme", "channel_id": channel,
			"channel_name": "deals", "user_id": "U1", "user_name": "bob", "command": "/tend", "text": text,
			"api_app_id": "A1", "is_enterprise_install": "false",
			"response_url": "https://hooks.example/commands/1", "trigger_id": "13345.98765.xyz-" + envID,
		},
	}
}

func TestSocketSlashCommand(t *testing.T) {
	f := slacktest.NewServer(t)
	f.FailPost("C10", "not_in_channel")
	r := newRouter()
	_, conn := newSocket(t, f, r, socketConfig(f), 0)

	sent := time.Now()
	conn.Send(slash("env-1", "C9", "followups today"))
	if id := f.Ack(t); id != "env-1" {
		t.Errorf("acked %q, want env-1", id)
	}
	if d := time.Since(sent); d > 3*time.Second {
		t.Errorf("slash command acked after %v, Slack allows 3s", d)
	}
	m := slacktest.Recv(t, r.msgs, "the command")
	if m.Text != "/tend followups today" || m.ChatID != "C9" || m.EventID != "command:13345.98765.xyz-env-1" || m.IsDM || !m.Mentioned {
		t.Errorf("message = %+v, want /tend followups today in C9, mentioned", m)
	}
	if c := f.Call(t); c.Channel != "C9" || c.Text != "re: /tend followups today" {
		t.Errorf("posted %q to %s, want the reply in C9", c.Text, c.Channel)
	}

	// In a channel Tend is not in, the answer goes to the user's DM.
	conn.Send(slash("env-2", "C10", "followups"))
	if c := f.Call(t); c.Channel != "U1" {
		t.Errorf("posted to %s, want U1 (the app's DM) after not_in_channel", c.Channel)
	}
}

func TestSocketIgnoresWhatIsNotForTend(t *testing.T) {
	f := slacktest.NewServer(t)
	r := newRouter()
	_, conn := newSocket(t, f, r, socketConfig(f), 0)

	ignored := []map[string]any{
		ignoredEnvelope("bot"),
		slacktest.EventEnvelope("self", "Ev-self", 0, map[string]any{"type": "message", "channel": "D1", "channel_type": "im", "user": "UBOT", "text": "hi", "ts": "1.1"}),
		slacktest.EventEnvelope("changed", "Ev-changed", 0, map[string]any{"type": "message", "subtype": "message_changed", "channel": "D1", "channel_type": "im",
			"message": map[string]any{"type": "message", "user": "U1", "text": "edited", "ts": "1.1"}, "ts": "1.2"}),
		slacktest.EventEnvelope("deleted", "Ev-deleted", 0, map[string]any{"type": "message", "subtype": "message_deleted", "channel": "D1", "channel_type": "im", "deleted_ts": "1.1", "ts": "1.2"}),
		// app_mention delivers this one (Ev-mention below is its twin).
		slacktest.EventEnvelope("channel-mention", "Ev-channel-mention", 0, map[string]any{"type": "message", "channel": "C1", "channel_type": "channel", "user": "U1", "text": "<@UBOT> hi", "ts": "1.1"}),
		slacktest.EventEnvelope("channel-changed", "Ev-channel-changed", 0, map[string]any{"type": "message", "subtype": "message_changed", "channel": "C1", "channel_type": "channel",
			"message": map[string]any{"type": "message", "user": "U1", "text": "edited", "ts": "1.1"}, "previous_message": map[string]any{"type": "message", "user": "U1", "text": "orig", "ts": "1.1"}, "ts": "1.2"}),
		slacktest.EventEnvelope("mpim", "Ev-mpim", 0, map[string]any{"type": "message", "channel": "G1", "channel_type": "mpim", "user": "U1", "text": "hi all", "ts": "1.1"}),
		slacktest.EventEnvelope("edit", "Ev-edit", 0, map[string]any{"type": "app_mention", "channel": "C1", "user": "U1", "text": "<@UBOT> hi", "ts": "1.1",
			"edited": map[string]any{"user": "U1", "ts": "1.3"}}),
		slacktest.EventEnvelope("unknown", "Ev-unknown", 0, map[string]any{"type": "tend_unheard_of_event", "user": "U1"}),
		{"envelope_id": "modal", "type": "interactive", "payload": map[string]any{"type": "view_submission", "user": map[string]any{"id": "U1"}}},
		{"envelope_id": "garbage", "type": "events_api", "payload": "not an event"},
	}
	var want []string
	for _, e := range ignored {
		conn.Send(e)
		want = append(want, e["envelope_id"].(string))
	}
	var got []string
	for range want {
		got = append(got, f.Ack(t))
	}
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("acked %q, want all of %q", got, want)
	}
	conn.Send(slacktest.EventEnvelope("real", "Ev-real", 0, slacktest.DM("hello", "1.5")))
	if m := slacktest.Recv(t, r.msgs, "a message"); m.EventID != "Ev-real" {
		t.Errorf("handler saw %q first, want only Ev-real", m.EventID)
	}
}

// Channel chatter reaches the handler unmentioned, once; it is the
// handler that decides not to answer it.
func TestSocketChannelChatterIsUnmentioned(t *testing.T) {
	f := slacktest.NewServer(t)
	r := newRouter()
	r.reply = func(m bot.Message) []bot.Reply {
		if !m.Mentioned {
			return nil
		}
		return []bot.Reply{{Text: "re: " + m.Text}}
	}
	_, conn := newSocket(t, f, r, socketConfig(f), 0)

	for _, tt := range []struct{ ch, typ string }{{"C1", "channel"}, {"G1", "group"}} {
		conn.Send(slacktest.EventEnvelope("env-"+tt.ch, "Ev-"+tt.ch, 0, map[string]any{"type": "message", "channel": tt.ch,
			"channel_type": tt.typ, "user": "U1", "text": "the client wants it by Friday", "ts": "1700000003.000100"}))
		m := slacktest.Recv(t, r.msgs, "the chatter")
		if m.ChatID != tt.ch || m.Mentioned || m.IsDM || m.MessageID != "1700000003.000100" || m.Text != "the client wants it by Friday" {
			t.Errorf("%s message = %+v, want unmentioned chatter with its ts", tt.typ, m)
		}
		if id := f.Ack(t); id != "env-"+tt.ch {
			t.Errorf("acked %q, want env-%s", id, tt.ch)
		}
	}
	// The same words addressed to Tend are answered; nothing was posted
	// for the chatter before it.
	conn.Send(slacktest.EventEnvelope("env-m", "Ev-m", 0, map[string]any{"type": "app_mention", "channel": "C1",
		"user": "U1", "text": "<@UBOT> who next", "ts": "1700000004.000100"}))
	if c := f.Call(t); c.Text != "re: who next" {
		t.Errorf("first post = %q, want the answer to the mention", c.Text)
	}
}

func TestSocketEphemeralReply(t *testing.T) {
	f := slacktest.NewServer(t)
	r := newRouter()
	r.reply = func(m bot.Message) []bot.Reply {
		return []bot.Reply{{Text: "only you: " + m.Text, Ephemeral: true}, {Text: "everyone: " + m.Text}}
	}
	_, conn := newSocket(t, f, r, socketConfig(f), 0)

	conn.Send(slacktest.EventEnvelope("env-1", "Ev1", 0, map[string]any{"type": "app_mention", "channel": "C1",
		"user": "U1", "text": "<@UBOT> settings", "ts": "1700000002.000300", "thread_ts": "1700000000.000100"}))
	c := f.Call(t)
	if c.Method != "chat.postEphemeral" || c.Channel != "C1" || c.User != "U1" || c.ThreadTS != "1700000000.000100" || c.Text != "only you: settings" {
		t.Errorf("first call = %+v, want chat.postEphemeral to U1 in C1's thread", c)
	}
	if c := f.Call(t); c.Method != "chat.postMessage" || c.Text != "everyone: settings" {
		t.Errorf("second call = %s %q, want the normal reply posted", c.Method, c.Text)
	}

	// In a DM everything the asker is shown is private already.
	conn.Send(slacktest.EventEnvelope("env-2", "Ev2", 0, slacktest.DM("settings", "1700000003.000100")))
	if c := f.Call(t); c.Method != "chat.postMessage" || c.Channel != "D1" || c.Text != "only you: settings" {
		t.Errorf("DM call = %s to %s %q, want chat.postMessage in D1", c.Method, c.Channel, c.Text)
	}
}

func TestSocketRefusesOtherWorkspaces(t *testing.T) {
	f := slacktest.NewServer(t)
	r := newRouter()
	cfg := socketConfig(f)
	cfg.TeamID = "T2"
	_, conn := newSocket(t, f, r, cfg, 0)

	conn.Send(slacktest.EventEnvelope("env-1", "Ev1", 0, slacktest.DM("hello", "1.1")))
	if id := f.Ack(t); id != "env-1" {
		t.Errorf("acked %q, want env-1 (refused, not retried)", id)
	}
	conn.Send(ignoredEnvelope("sentinel"))
	f.Ack(t)
	select {
	case m := <-r.msgs:
		t.Errorf("handled %+v from another workspace", m)
	default:
	}
}

func TestSocketReconnects(t *testing.T) {
	f := slacktest.NewServer(t)
	r := newRouter()
	a, conn := newSocket(t, f, r, socketConfig(f), 0)

	// Slack asks for a new connection before it recycles a server.
	conn.Send(map[string]any{"type": "disconnect", "reason": "refresh_requested",
		"debug_info": map[string]any{"host": "fake"}})
	conn = f.Conn(t)
	conn.Send(slacktest.EventEnvelope("env-1", "Ev1", 0, slacktest.DM("after refresh", "1.1")))
	if id := f.Ack(t); id != "env-1" {
		t.Errorf("acked %q, want env-1 on the new connection", id)
	}
	if !a.Connected() {
		t.Error("Connected() = false after reconnecting")
	}

	// A socket that just drops is reopened too.
	conn.Drop()
	conn = f.Conn(t)
	conn.Send(slacktest.EventEnvelope("env-2", "Ev2", 0, slacktest.DM("after drop", "1.2")))
	if id := f.Ack(t); id != "env-2" {
		t.Errorf("acked %q, want env-2 after the drop", id)
	}
	if n := f.Opens(); n != 3 {
		t.Errorf("apps.connections.open called %d times, want 3", n)
	}
	for _, want := range []string{"re: after refresh", "re: after drop"} {
		if c := f.Call(t); c.Text != want {
			t.Errorf("posted %q, want %q", c.Text, want)
		}
	}
}

func TestRunFailsOnBadToken(t *testing.T) {
	f := slacktest.NewServer(t)
	cfg := socketConfig(f)
	cfg.BotToken = "xoxb-revoked"
	a, err := tendslack.New(cfg, newRouter(), discard())
	if err != nil {
		t.Fatal(err)
	}
	if err := a.Run(t.Context()); err == nil {
		t.Error("Run with a bad token = nil, want an error")
	}
}

// TestRunWaitsForSlack: Slack out of reach at boot (503s, then a refused
// connection) delays Run, backing off, instead of ending it.
func TestRunWaitsForSlack(t *testing.T) {
	f := slacktest.NewServer(t)
	target, err := url.Parse(f.APIURL())
	if err != nil {
		t.Fatal(err)
	}
	var failing atomic.Int32
	failing.Store(2)
	proxy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/auth.test") && failing.Add(-1) >= 0 {
			http.Error(w, "down for maintenance", http.StatusServiceUnavailable)
			return
		}
		httputil.NewSingleHostReverseProxy(&url.URL{Scheme: target.Scheme, Host: target.Host}).ServeHTTP(w, r)
	}))
	defer proxy.Close()
	cfg := socketConfig(f)
	cfg.APIURL = proxy.URL + "/api/"
	a, err := tendslack.New(cfg, newRouter(), discard())
	if err != nil {
		t.Fatal(err)
	}
	slept := make(chan time.Duration, 10)
	tendslack.SetSleep(a, func(ctx context.Context, d time.Duration) error { slept <- d; return ctx.Err() })
	start(t, a)
	f.Conn(t) // connected after all
	if waits := []time.Duration{<-slept, <-slept}; !slices.Equal(waits, []time.Duration{time.Second, 2 * time.Second}) || len(slept) > 0 {
		t.Errorf("waited %v and %d more times, want 1s then 2s", waits, len(slept))
	}
}
