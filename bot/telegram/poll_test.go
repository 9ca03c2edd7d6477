package telegram_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"testing"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/tend-crm/tend/bot"
	"github.com/tend-crm/tend/bot/telegram"
)

func TestPrivateMessage(t *testing.T) {
	f := newFake(t)
	h := newRecorder()
	h.answer = func(bot.Message) ([]bot.Reply, error) {
		return []bot.Reply{{
			Text: "<b>& logged",
			Buttons: []bot.Button{
				{Label: "Undo", Value: "undo:1"}, {Label: "Done", Value: "done:1"},
				{Label: "Snooze", Value: "snooze:1"}, {Label: "Acme <Ltd>", Value: "pick:9"},
			},
		}}, nil
	}
	run(t, f, h, telegram.Config{})

	f.push(dm(1, 42, "called Acme, they want a quote"))
	h.wait(t, 1)
	calls := f.waitFor("the reply", func(c []call) bool { return len(only(c, "sendMessage")) == 1 })

	want := bot.Message{
		EventID:   "1",
		Platform:  bot.Telegram,
		ChatID:    "42",
		From:      bot.Sender{ID: "7", Name: "Ann Lee", Lang: "vi"},
		Text:      "called Acme, they want a quote",
		IsDM:      true,
		Mentioned: true,
		MessageID: "501",
		Time:      time.Unix(date, 0),
	}
	if got := h.messages()[0]; !reflect.DeepEqual(got, want) {
		t.Errorf("handler got\n%+v\nwant\n%+v", got, want)
	}

	p := only(calls, "sendMessage")[0].params
	for k, v := range map[string]string{"chat_id": "42", "text": "&lt;b&gt;&amp; logged", "parse_mode": "HTML", "reply_to_message_id": ""} {
		if got := p.Get(k); got != v {
			t.Errorf("sendMessage %s = %q, want %q", k, got, v)
		}
	}
	var kb tgbotapi.InlineKeyboardMarkup
	if err := json.Unmarshal([]byte(p.Get("reply_markup")), &kb); err != nil {
		t.Fatalf("reply_markup %q: %v", p.Get("reply_markup"), err)
	}
	var rows [][]string
	for _, row := range kb.InlineKeyboard {
		var r []string
		for _, b := range row {
			r = append(r, b.Text+"="+*b.CallbackData)
		}
		rows = append(rows, r)
	}
	wantRows := [][]string{{"Undo=undo:1", "Done=done:1", "Snooze=snooze:1"}, {"Acme <Ltd>=pick:9"}}
	if !reflect.DeepEqual(rows, wantRows) {
		t.Errorf("keyboard = %v, want %v (labels are JSON, not HTML: unescaped)", rows, wantRows)
	}

	f.waitFor("update 1 confirmed", offsetAtLeast(2))
}

func TestLongReplyIsSplit(t *testing.T) {
	var b strings.Builder
	for i := range 102 {
		fmt.Fprintf(&b, "%03d customer line & more text to fill sixty characters....\n", i)
	}
	long := strings.TrimSuffix(b.String(), "\n")
	if len(long) < 6000 {
		t.Fatalf("test text is %d bytes", len(long))
	}
	f := newFake(t)
	h := newRecorder()
	h.answer = func(bot.Message) ([]bot.Reply, error) {
		return []bot.Reply{{Text: long, Buttons: []bot.Button{{Label: "More", Value: "more"}}}}, nil
	}
	run(t, f, h, telegram.Config{})

	f.push(dm(1, 42, "/followups"))
	calls := f.waitFor("two messages", func(c []call) bool { return len(only(c, "sendMessage")) == 2 })
	sent := only(calls, "sendMessage")
	var texts []string
	for i, c := range sent {
		text := c.params.Get("text")
		if len(text) > 4096 {
			t.Errorf("message %d is %d bytes, over 4096", i, len(text))
		}
		if hasMarkup := c.params.Get("reply_markup") != ""; hasMarkup != (i == len(sent)-1) {
			t.Errorf("message %d: keyboard %v, want it under the last message only", i, hasMarkup)
		}
		texts = append(texts, text)
	}
	unescaped := strings.NewReplacer("&amp;", "&").Replace(strings.Join(texts, "\n"))
	if unescaped != long {
		t.Errorf("split lost or changed text (or did not cut at a line break)")
	}
}

func TestOrderPerChat(t *testing.T) {
	f := newFake(t)
	h := newRecorder()
	h.answer = func(m bot.Message) ([]bot.Reply, error) {
		return []bot.Reply{{Text: m.Text}}, nil
	}
	run(t, f, h, telegram.Config{Workers: 4})

	const chats, each = 3, 6
	var ups []json.RawMessage
	for i := range chats * each {
		chat := int64(100 + i%chats)
		ups = append(ups, dm(i+1, chat, fmt.Sprint(i/chats)))
	}
	f.push(ups...)
	h.wait(t, chats*each)
	calls := f.waitFor("every reply", func(c []call) bool { return len(only(c, "sendMessage")) == chats*each })

	handled := map[string][]string{}
	for _, m := range h.messages() {
		handled[m.ChatID] = append(handled[m.ChatID], m.Text)
	}
	replied := map[string][]string{}
	for _, c := range only(calls, "sendMessage") {
		replied[c.params.Get("chat_id")] = append(replied[c.params.Get("chat_id")], c.params.Get("text"))
	}
	want := []string{"0", "1", "2", "3", "4", "5"}
	for chat := range chats {
		id := fmt.Sprint(100 + chat)
		if !reflect.DeepEqual(handled[id], want) {
			t.Errorf("chat %s handled %v, want %v", id, handled[id], want)
		}
		if !reflect.DeepEqual(replied[id], want) {
			t.Errorf("chat %s got replies %v, want %v", id, replied[id], want)
		}
	}
}

// TestOffsetWaitsForHandler blocks one handler and checks that Telegram is
// never told its update is done; a restart (as after a crash) then gets
// it again.
func TestOffsetWaitsForHandler(t *testing.T) {
	f := newFake(t)
	entered := make(chan struct{})
	h := newRecorder()
	h.answer = func(m bot.Message) ([]bot.Reply, error) { return nil, nil }
	slow := bot.HandlerFuncs{Message: func(ctx context.Context, m bot.Message) ([]bot.Reply, error) {
		if m.Text == "slow" {
			close(entered)
			<-ctx.Done() // never finishes on its own: only shutdown ends it
			return nil, ctx.Err()
		}
		return h.HandleMessage(ctx, m)
	}}
	_, _, stop := run(t, f, slow, telegram.Config{})

	f.push(dm(1, 42, "slow"), dm(2, 43, "fast"))
	<-entered
	h.wait(t, 1)
	// Update 2 is done: the loop asks again, twice (it always re-reads
	// the unconfirmed ones), and the offset must still hold update 1.
	n := len(only(f.waitFor("", func([]call) bool { return true }), "getUpdates"))
	f.waitFor("more polls", func(c []call) bool { return len(only(c, "getUpdates")) >= n+2 })
	if err := stop(); err != nil {
		t.Fatalf("Run: %v", err)
	}
	calls := f.waitFor("", func([]call) bool { return true })
	held := 0
	for _, c := range only(calls, "getUpdates") {
		switch off := offsetOf(c); {
		case off > 1:
			t.Fatalf("getUpdates offset %d confirmed update 1, whose handler never finished", off)
		case off == 1:
			held++
		}
	}
	if held < 2 {
		t.Errorf("%d polls held the offset at 1, want the loop to keep polling meanwhile", held)
	}

	// A new process on the same bot: both unconfirmed updates come back,
	// with the same event ids, so the router's ledger can skip the one it
	// already has.
	h2 := newRecorder()
	run(t, f, h2, telegram.Config{})
	h2.wait(t, 2)
	var ids []string
	for _, m := range h2.messages() {
		ids = append(ids, m.EventID+":"+m.Text)
	}
	if want := []string{"1:slow", "2:fast"}; !reflect.DeepEqual(ids, want) && !reflect.DeepEqual(ids, []string{"2:fast", "1:slow"}) {
		t.Errorf("redelivered %v, want %v", ids, want)
	}
	f.waitFor("both confirmed", offsetAtLeast(3))
}

func TestBusyDispatcherStopsFetching(t *testing.T) {
	f := newFake(t)
	release := make(chan struct{})
	h := newRecorder()
	gate := bot.HandlerFuncs{Message: func(ctx context.Context, m bot.Message) ([]bot.Reply, error) {
		<-release
		return h.HandleMessage(ctx, m)
	}}
	run(t, f, gate, telegram.Config{Workers: 1, Backlog: 2})

	f.push(dm(1, 1, "a"), dm(2, 2, "b"), dm(3, 3, "c"), dm(4, 4, "d"))
	// Two are taken; the third is refused and must not be dropped.
	f.waitFor("a poll", func(c []call) bool { return len(only(c, "getUpdates")) >= 1 })
	close(release)
	h.wait(t, 4)
	got := map[string]bool{}
	for _, m := range h.messages() {
		got[m.Text] = true
	}
	if len(got) != 4 {
		t.Errorf("handled %v, want a b c d", got)
	}
	f.waitFor("all confirmed", offsetAtLeast(5))
}

func TestGroupOverWire(t *testing.T) {
	f := newFake(t)
	h := newRecorder()
	h.answer = func(m bot.Message) ([]bot.Reply, error) {
		if !m.Mentioned {
			return nil, nil // as the router does
		}
		return []bot.Reply{{Text: "ok"}}, nil
	}
	run(t, f, h, telegram.Config{})

	g := groupChat(-1001)
	topic := message(15, g, "/followups@TendBot")
	topic["message_thread_id"], topic["is_topic_message"] = 33, true
	f.push(
		update(1, "message", message(11, g, "/followups@OtherBot")),
		update(2, "message", message(12, g, "lunch anyone?")),
		update(3, "message", message(13, g, "/followups@TendBot")),
		update(4, "message", topic),
		update(5, "message", message(16, g, "@TendBot who is due?")),
	)
	h.wait(t, 4)
	calls := f.waitFor("three replies", func(c []call) bool { return len(only(c, "sendMessage")) == 3 })
	var texts []string
	for _, m := range h.messages() {
		texts = append(texts, fmt.Sprintf("%s|%s|%v", m.Text, m.ThreadID, m.Mentioned))
		if m.IsDM {
			t.Errorf("group message %s has IsDM", m.EventID)
		}
	}
	if want := []string{"lunch anyone?||false", "/followups||true", "/followups|33|true", "who is due?||true"}; !reflect.DeepEqual(texts, want) {
		t.Errorf("handled %q, want %q", texts, want)
	}
	sent := only(calls, "sendMessage")
	if got := sent[0].params.Get("reply_to_message_id"); got != "13" {
		t.Errorf("group reply quotes %q, want the command, 13", got)
	}
	if got := sent[1].params.Get("message_thread_id"); got != "33" {
		t.Errorf("topic reply message_thread_id = %q, want 33", got)
	}
	f.waitFor("ignored updates confirmed too", offsetAtLeast(6))
}

func TestCallbackQuery(t *testing.T) {
	f := newFake(t)
	h := newRecorder()
	h.onPress = func(a bot.Action) ([]bot.Reply, error) {
		if a.Value == "fail" {
			return nil, errors.New("store is down")
		}
		return []bot.Reply{{Text: "Done ✓ <Acme>", Replace: true}}, nil
	}
	run(t, f, h, telegram.Config{})
	press := func(id int, qid, data string, msgID int) json.RawMessage {
		return update(id, "callback_query", map[string]any{
			"id": qid, "from": ann, "chat_instance": "ci", "data": data,
			"message": map[string]any{"message_id": msgID, "date": date, "chat": privateChat(42), "from": tendMe, "text": "Call Acme?"},
		})
	}

	// Pressed: answered, and the message edited to show the outcome.
	f.push(press(1, "cbq1", "done:5", 99))
	h.wait(t, 1)
	calls := f.waitFor("edit", func(c []call) bool {
		return len(only(c, "editMessageText")) == 1 && len(only(c, "answerCallbackQuery")) == 1
	})
	want := bot.Action{
		EventID: "cbq1", Platform: bot.Telegram, ChatID: "42",
		From:    bot.Sender{ID: "7", Name: "Ann Lee", Lang: "vi"},
		Value:   "done:5",
		Message: bot.SentRef{Target: bot.Target{Platform: bot.Telegram, ChatID: "42"}, ID: "99"},
	}
	if got := h.actions()[0]; !reflect.DeepEqual(got, want) {
		t.Errorf("action\n%+v\nwant\n%+v", got, want)
	}
	if got := only(calls, "answerCallbackQuery")[0].params.Get("callback_query_id"); got != "cbq1" {
		t.Errorf("answered %q, want cbq1", got)
	}
	edit := only(calls, "editMessageText")[0].params
	if edit.Get("chat_id") != "42" || edit.Get("message_id") != "99" || edit.Get("text") != "Done ✓ &lt;Acme&gt;" || edit.Get("parse_mode") != "HTML" {
		t.Errorf("editMessageText %v", edit)
	}
	if n := len(only(calls, "sendMessage")); n != 0 {
		t.Errorf("%d new messages, want the edit only", n)
	}

	// The handler fails: the spinner still stops, and nothing is sent.
	f.push(press(2, "cbq2", "fail", 99))
	h.wait(t, 1)
	f.waitFor("answer to cbq2", func(c []call) bool { return len(only(c, "answerCallbackQuery")) == 2 })

	// The message cannot be edited any more: a new message instead.
	f.hook("editMessageText", func(url.Values) (int, string) {
		return http.StatusBadRequest, `{"ok":false,"error_code":400,"description":"Bad Request: message to edit not found"}`
	})
	f.push(press(3, "cbq3", "done:6", 98))
	h.wait(t, 1)
	calls = f.waitFor("fallback message", func(c []call) bool { return len(only(c, "sendMessage")) == 1 })
	if got := only(calls, "sendMessage")[0].params.Get("text"); got != "Done ✓ &lt;Acme&gt;" {
		t.Errorf("fallback text %q", got)
	}
	f.waitFor("answer to cbq3", func(c []call) bool { return len(only(c, "answerCallbackQuery")) == 3 })
	if len(only(calls, "sendMessage")) != 1 {
		t.Errorf("the failed handler's press sent a message")
	}
}

func TestConflictIsReported(t *testing.T) {
	f := newFake(t)
	f.hook("getUpdates", func(url.Values) (int, string) {
		return http.StatusConflict, `{"ok":false,"error_code":409,"description":"Conflict: terminated by other getUpdates request; make sure that only one bot instance is running"}`
	})
	a, _ := newAdapter(t, f, newRecorder(), telegram.Config{})
	ctx, cancel := context.WithTimeout(context.Background(), liveness)
	defer cancel()
	err := a.Run(ctx)
	if !errors.Is(err, telegram.ErrConflict) {
		t.Fatalf("Run = %v, want ErrConflict", err)
	}
	if !strings.Contains(err.Error(), "only one bot instance") {
		t.Errorf("error %q does not carry Telegram's reason", err)
	}
	if a.Connected() {
		t.Error("Connected after Run returned")
	}
}

func TestTransientErrorsAreRetried(t *testing.T) {
	f := newFake(t)
	fails := 2
	f.hook("getUpdates", func(url.Values) (int, string) {
		if fails == 0 {
			return 0, "" // the real answer from now on
		}
		fails--
		return tooMany(3)
	})
	h := newRecorder()
	a, slept, _ := run(t, f, h, telegram.Config{})
	f.push(dm(1, 42, "hi"))
	h.wait(t, 1)
	if got := slept.all(); len(got) < 2 || got[0] != 3*time.Second || got[1] != 3*time.Second {
		t.Errorf("waited %v, want retry_after (3s) twice", got)
	}
	f.waitFor("confirmed", offsetAtLeast(2))
	if !a.Connected() {
		t.Error("not Connected after a successful poll")
	}
}

func TestBadToken(t *testing.T) {
	f := newFake(t)
	f.hook("getMe", func(url.Values) (int, string) {
		return http.StatusUnauthorized, `{"ok":false,"error_code":401,"description":"Unauthorized"}`
	})
	a, _ := newAdapter(t, f, newRecorder(), telegram.Config{})
	ctx, cancel := context.WithTimeout(context.Background(), liveness)
	defer cancel()
	if err := a.Run(ctx); err == nil || !strings.Contains(err.Error(), "telegram.token") {
		t.Fatalf("Run = %v, want an error pointing at the token", err)
	}
}
