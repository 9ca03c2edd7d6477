package slack_test

import (
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/tend-crm/tend/bot"
	tendslack "github.com/tend-crm/tend/bot/slack"
)

func TestSocketDMIsHandledAndAnswered(t *testing.T) {
	f := newFake(t)
	r := newRouter()
	r.reply = func(bot.Message) []bot.Reply {
		return []bot.Reply{{
			Text:    "Logged a call with Acme & Co <3 - cc <!channel> <@U999>",
			Buttons: []bot.Button{{Label: "Undo", Value: "undo:7"}, {Label: "Snooze 1 day", Value: "snooze:7:1d"}},
		}}
	}
	a, conn := newSocket(t, f, r, f.socketConfig(), 0)

	conn.write(eventEnvelope("env-1", "Ev1", 0,
		dm("called Acme &amp; Co &lt;3 <mailto:bob@acme.com|bob@acme.com>", "1700000001.000200")))

	got := recv(t, r.msgs, "the message")
	want := bot.Message{
		EventID:  "Ev1",
		Platform: bot.Slack,
		ChatID:   "D1",
		From:     bot.Sender{ID: "U1", Name: "Bob", TimeZone: "Asia/Ho_Chi_Minh", Lang: "vi"},
		Text:     "called Acme & Co <3 bob@acme.com",
		IsDM:     true,
		Time:     time.Unix(1700000001, 200_000).UTC(),
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("message =\n%+v\nwant\n%+v", got, want)
	}
	if id := f.ack(t); id != "env-1" {
		t.Errorf("acked %q, want env-1", id)
	}
	if !a.Connected() {
		t.Error("Connected() = false after an envelope was acked")
	}

	c := f.call(t)
	if c.Method != "chat.postMessage" || c.Channel != "D1" || c.ThreadTS != "" {
		t.Errorf("posted %s to %q thread %q, want chat.postMessage to D1, no thread", c.Method, c.Channel, c.ThreadTS)
	}
	const escaped = "Logged a call with Acme &amp; Co &lt;3 - cc &lt;!channel&gt; &lt;@U999&gt;"
	if s := c.sections(); len(s) != 1 || s[0] != escaped {
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
	f := newFake(t)
	r := newRouter()
	entered, release := make(chan struct{}), make(chan struct{})
	r.gate = func(m bot.Message) {
		if m.Text == "log call Acme" && r.first("gate") {
			close(entered)
			<-release // the retry arrives while the first is being handled
		}
	}
	_, conn := newSocket(t, f, r, f.socketConfig(), 0)

	conn.write(eventEnvelope("env-1", "Ev1", 0, dm("log call Acme", "1700000001.000100")))
	recv(t, entered, "the first delivery to be handled")
	conn.write(eventEnvelope("env-2", "Ev1", 1, dm("log call Acme", "1700000001.000100")))
	close(release)

	for i := range 2 {
		if m := recv(t, r.msgs, "a delivery"); m.EventID != "Ev1" {
			t.Fatalf("delivery %d has event %q, want Ev1", i, m.EventID)
		}
	}
	// Both deliveries are acked, so Slack stops retrying.
	acks := []string{f.ack(t), f.ack(t)}
	slices.Sort(acks)
	if !slices.Equal(acks, []string{"env-1", "env-2"}) {
		t.Errorf("acks = %q, want env-1 and env-2", acks)
	}
	// A later message in the same chat is answered after both: if the
	// retry had been answered, its reply would come first.
	conn.write(eventEnvelope("env-3", "Ev3", 0, dm("who next", "1700000002.000100")))
	for _, want := range []string{"re: log call Acme", "re: who next"} {
		if c := f.call(t); c.Text != want {
			t.Errorf("posted %q, want %q", c.Text, want)
		}
	}
}

func TestSocketKeepsEachChatInOrder(t *testing.T) {
	f := newFake(t)
	r := newRouter()
	entered, release := make(chan struct{}), make(chan struct{})
	r.gate = func(m bot.Message) {
		if m.Text == "a1" {
			close(entered)
			<-release
		}
	}
	cfg := f.socketConfig()
	cfg.Workers = 4
	_, conn := newSocket(t, f, r, cfg, 0)

	msg := func(ch, text, ts string) map[string]any {
		e := dm(text, ts)
		e["channel"] = ch
		return e
	}
	conn.write(eventEnvelope("env-a1", "Ev-a1", 0, msg("DA", "a1", "1700000001.000001")))
	recv(t, entered, "a1 to be handled")
	for i, s := range []string{"b1", "a2", "b2", "a3", "b3"} {
		ch := "DB"
		if s[0] == 'a' {
			ch = "DA"
		}
		conn.write(eventEnvelope("env-"+s, "Ev-"+s, 0, msg(ch, s, "1700000001.00001"+string(rune('0'+i)))))
	}
	// While a1 is stuck, DB's messages are all handled, and none of DA's.
	var got []string
	for range 3 {
		got = append(got, recv(t, r.msgs, "a message").Text)
	}
	if !slices.Equal(got, []string{"b1", "b2", "b3"}) {
		t.Fatalf("handled %q while a1 was stuck, want b1 b2 b3", got)
	}
	close(release)
	got = nil
	for range 3 {
		got = append(got, recv(t, r.msgs, "a message").Text)
	}
	if !slices.Equal(got, []string{"a1", "a2", "a3"}) {
		t.Errorf("DA handled as %q, want a1 a2 a3", got)
	}
}

func TestSocketFloodBeyondBacklogIsLeftUnacked(t *testing.T) {
	f := newFake(t)
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
	cfg := f.socketConfig()
	cfg.Workers, cfg.Backlog = 1, 4
	// Acks come only from finished handlers here, not from the deadline.
	_, conn := newSocket(t, f, r, cfg, time.Hour)

	const flood = 80 // beyond the backlog and socketmode's 50-slot channel
	for i := range flood {
		conn.write(eventEnvelope(envID(i), "Ev-"+envID(i), 0, dm("msg", "1700000001.000100")))
	}
	// The read loop still runs: an envelope that needs no worker is acked
	// at once, and is the first ack of all.
	conn.write(ignoredEnvelope("sentinel-1"))
	if id := f.ack(t); id != "sentinel-1" {
		t.Fatalf("first ack = %q, want sentinel-1: nothing queued is acked before it is handled", id)
	}

	close(release)
	for range 4 {
		recv(t, r.msgs, "a queued message")
	}
	for range 4 {
		f.call(t) // each reply is posted after its ack was handed to the socket
	}
	conn.write(ignoredEnvelope("sentinel-2"))
	var acked []string
	for {
		id := f.ack(t)
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
	conn.write(eventEnvelope(envID(10), "Ev-"+envID(10), 1, dm("msg", "1700000001.000100")))
	if id := f.ack(t); id != envID(10) {
		t.Errorf("acked %q, want the redelivered %s", id, envID(10))
	}
}

func TestSocketAcksSlowHandlerByDeadline(t *testing.T) {
	f := newFake(t)
	r := newRouter()
	release := make(chan struct{})
	r.gate = func(bot.Message) { <-release }
	_, conn := newSocket(t, f, r, f.socketConfig(), 10*time.Millisecond)

	conn.write(eventEnvelope("env-1", "Ev1", 0, dm("slow", "1700000001.000100")))
	if id := f.ack(t); id != "env-1" { // the handler is still blocked
		t.Errorf("acked %q, want env-1", id)
	}
	close(release)
	if c := f.call(t); c.Text != "re: slow" {
		t.Errorf("posted %q, want the reply", c.Text)
	}
}

func TestSocketMentionInThreadIsAnsweredInThread(t *testing.T) {
	f := newFake(t)
	r := newRouter()
	_, conn := newSocket(t, f, r, f.socketConfig(), 0)

	conn.write(eventEnvelope("env-1", "Ev1", 0, map[string]any{
		"type": "app_mention", "channel": "C1", "user": "U1", "text": "<@UBOT> log call with Acme",
		"ts": "1700000002.000300", "thread_ts": "1700000000.000100", "event_ts": "1700000002.000300",
	}))
	m := recv(t, r.msgs, "the mention")
	if m.ChatID != "C1" || m.ThreadID != "1700000000.000100" || m.Text != "log call with Acme" || m.IsDM {
		t.Errorf("message = %+v, want C1, thread 1700000000.000100, text without the mention, not a DM", m)
	}
	c := f.call(t)
	if c.Channel != "C1" || c.ThreadTS != "1700000000.000100" {
		t.Errorf("posted to %q thread %q, want C1 thread 1700000000.000100", c.Channel, c.ThreadTS)
	}
	if id := f.ack(t); id != "env-1" {
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
	f := newFake(t)
	f.failUpdate["1700000006.000100"] = "cant_update_message"
	r := newRouter()
	r.onAction = func(a bot.Action) []bot.Reply {
		return []bot.Reply{{Text: "Done ✓ " + a.Value, Replace: true}, {Text: "Next: call Acme"}}
	}
	_, conn := newSocket(t, f, r, f.socketConfig(), 0)

	conn.write(press("env-1", "1700000005.000100", "done:42"))
	a := recv(t, r.acts, "the press")
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
	if id := f.ack(t); id != "env-1" {
		t.Errorf("acked %q, want env-1", id)
	}
	c := f.call(t)
	if c.Method != "chat.update" || c.Channel != "C1" || c.TS != "1700000005.000100" {
		t.Errorf("first call = %s %s %s, want chat.update of C1 1700000005.000100", c.Method, c.Channel, c.TS)
	}
	if len(c.Blocks) != 1 || c.sections()[0] != "Done ✓ done:42" {
		t.Errorf("update blocks = %+v, want one section and no buttons left", c.Blocks)
	}
	if c := f.call(t); c.Method != "chat.postMessage" || c.Text != "Next: call Acme" {
		t.Errorf("second call = %s %q, want the second reply posted", c.Method, c.Text)
	}

	// A message that cannot be updated gets the reply posted instead.
	conn.write(press("env-2", "1700000006.000100", "done:43"))
	if c := f.call(t); c.Method != "chat.postMessage" || c.Channel != "C1" || c.Text != "Done ✓ done:43" {
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
	f := newFake(t)
	f.failPost["C10"] = "not_in_channel"
	r := newRouter()
	_, conn := newSocket(t, f, r, f.socketConfig(), 0)

	sent := time.Now()
	conn.write(slash("env-1", "C9", "followups today"))
	if id := f.ack(t); id != "env-1" {
		t.Errorf("acked %q, want env-1", id)
	}
	if d := time.Since(sent); d > 3*time.Second {
		t.Errorf("slash command acked after %v, Slack allows 3s", d)
	}
	m := recv(t, r.msgs, "the command")
	if m.Text != "/tend followups today" || m.ChatID != "C9" || m.EventID != "command:13345.98765.xyz-env-1" || m.IsDM {
		t.Errorf("message = %+v, want /tend followups today in C9", m)
	}
	if c := f.call(t); c.Channel != "C9" || c.Text != "re: /tend followups today" {
		t.Errorf("posted %q to %s, want the reply in C9", c.Text, c.Channel)
	}

	// In a channel Tend is not in, the answer goes to the user's DM.
	conn.write(slash("env-2", "C10", "followups"))
	if c := f.call(t); c.Channel != "U1" {
		t.Errorf("posted to %s, want U1 (the app's DM) after not_in_channel", c.Channel)
	}
}

func TestSocketIgnoresWhatIsNotForTend(t *testing.T) {
	f := newFake(t)
	r := newRouter()
	_, conn := newSocket(t, f, r, f.socketConfig(), 0)

	ignored := []map[string]any{
		ignoredEnvelope("bot"),
		eventEnvelope("self", "Ev-self", 0, map[string]any{"type": "message", "channel": "D1", "channel_type": "im", "user": "UBOT", "text": "hi", "ts": "1.1"}),
		eventEnvelope("changed", "Ev-changed", 0, map[string]any{"type": "message", "subtype": "message_changed", "channel": "D1", "channel_type": "im",
			"message": map[string]any{"type": "message", "user": "U1", "text": "edited", "ts": "1.1"}, "ts": "1.2"}),
		eventEnvelope("deleted", "Ev-deleted", 0, map[string]any{"type": "message", "subtype": "message_deleted", "channel": "D1", "channel_type": "im", "deleted_ts": "1.1", "ts": "1.2"}),
		eventEnvelope("channel", "Ev-channel", 0, map[string]any{"type": "message", "channel": "C1", "channel_type": "channel", "user": "U1", "text": "chatter", "ts": "1.1"}),
		eventEnvelope("edit", "Ev-edit", 0, map[string]any{"type": "app_mention", "channel": "C1", "user": "U1", "text": "<@UBOT> hi", "ts": "1.1",
			"edited": map[string]any{"user": "U1", "ts": "1.3"}}),
		eventEnvelope("unknown", "Ev-unknown", 0, map[string]any{"type": "tend_unheard_of_event", "user": "U1"}),
		{"envelope_id": "modal", "type": "interactive", "payload": map[string]any{"type": "view_submission", "user": map[string]any{"id": "U1"}}},
		{"envelope_id": "garbage", "type": "events_api", "payload": "not an event"},
	}
	var want []string
	for _, e := range ignored {
		conn.write(e)
		want = append(want, e["envelope_id"].(string))
	}
	var got []string
	for range want {
		got = append(got, f.ack(t))
	}
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("acked %q, want all of %q", got, want)
	}
	conn.write(eventEnvelope("real", "Ev-real", 0, dm("hello", "1.5")))
	if m := recv(t, r.msgs, "a message"); m.EventID != "Ev-real" {
		t.Errorf("handler saw %q first, want only Ev-real", m.EventID)
	}
}

func TestSocketRefusesOtherWorkspaces(t *testing.T) {
	f := newFake(t)
	r := newRouter()
	cfg := f.socketConfig()
	cfg.TeamID = "T2"
	_, conn := newSocket(t, f, r, cfg, 0)

	conn.write(eventEnvelope("env-1", "Ev1", 0, dm("hello", "1.1")))
	if id := f.ack(t); id != "env-1" {
		t.Errorf("acked %q, want env-1 (refused, not retried)", id)
	}
	conn.write(ignoredEnvelope("sentinel"))
	f.ack(t)
	select {
	case m := <-r.msgs:
		t.Errorf("handled %+v from another workspace", m)
	default:
	}
}

func TestSocketReconnects(t *testing.T) {
	f := newFake(t)
	r := newRouter()
	a, conn := newSocket(t, f, r, f.socketConfig(), 0)

	// Slack asks for a new connection before it recycles a server.
	conn.write(map[string]any{"type": "disconnect", "reason": "refresh_requested",
		"debug_info": map[string]any{"host": "fake"}})
	conn = f.conn(t)
	conn.write(eventEnvelope("env-1", "Ev1", 0, dm("after refresh", "1.1")))
	if id := f.ack(t); id != "env-1" {
		t.Errorf("acked %q, want env-1 on the new connection", id)
	}
	if !a.Connected() {
		t.Error("Connected() = false after reconnecting")
	}

	// A socket that just drops is reopened too.
	conn.c.Close()
	conn = f.conn(t)
	conn.write(eventEnvelope("env-2", "Ev2", 0, dm("after drop", "1.2")))
	if id := f.ack(t); id != "env-2" {
		t.Errorf("acked %q, want env-2 after the drop", id)
	}
	if n := f.opens.Load(); n != 3 {
		t.Errorf("apps.connections.open called %d times, want 3", n)
	}
	for _, want := range []string{"re: after refresh", "re: after drop"} {
		if c := f.call(t); c.Text != want {
			t.Errorf("posted %q, want %q", c.Text, want)
		}
	}
}

func TestRunFailsOnBadToken(t *testing.T) {
	f := newFake(t)
	cfg := f.socketConfig()
	cfg.BotToken = "xoxb-revoked"
	a, err := tendslack.New(cfg, newRouter(), discard())
	if err != nil {
		t.Fatal(err)
	}
	if err := a.Run(t.Context()); err == nil {
		t.Error("Run with a bad token = nil, want an error")
	}
}
