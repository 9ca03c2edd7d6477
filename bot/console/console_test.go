package console_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"reflect"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"testing/iotest"
	"time"

	"github.com/tend-crm/tend/bot"
	"github.com/tend-crm/tend/bot/console"
)

// fake is a bot.Handler that records what it got and answers from a script.
type fake struct {
	// reply answers an event, "msg:<text>" or "act:<value>"; nil answers
	// nothing.
	reply func(ctx context.Context, event string) ([]bot.Reply, error)

	mu     sync.Mutex
	events []string
	msgs   []bot.Message
	acts   []bot.Action
}

func (f *fake) handler() bot.Handler {
	return bot.HandlerFuncs{
		Message: func(ctx context.Context, m bot.Message) ([]bot.Reply, error) {
			f.mu.Lock()
			f.events = append(f.events, "msg:"+m.Text)
			f.msgs = append(f.msgs, m)
			f.mu.Unlock()
			return f.answer(ctx, "msg:"+m.Text)
		},
		Action: func(ctx context.Context, a bot.Action) ([]bot.Reply, error) {
			f.mu.Lock()
			f.events = append(f.events, "act:"+a.Value)
			f.acts = append(f.acts, a)
			f.mu.Unlock()
			return f.answer(ctx, "act:"+a.Value)
		},
	}
}

func (f *fake) answer(ctx context.Context, event string) ([]bot.Reply, error) {
	if f.reply == nil {
		return nil, nil
	}
	return f.reply(ctx, event)
}

func (f *fake) Events() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.events)
}

// script answers events from a table; events not in it get no reply.
func script(m map[string][]bot.Reply) func(context.Context, string) ([]bot.Reply, error) {
	return func(_ context.Context, event string) ([]bot.Reply, error) { return m[event], nil }
}

func btn(label, value string) bot.Button { return bot.Button{Label: label, Value: value} }

// echo answers every event with one line naming it.
func echo(_ context.Context, event string) ([]bot.Reply, error) {
	return []bot.Reply{{Text: "got " + event}}, nil
}

// start runs a in the background; the result arrives on the channel.
func start(ctx context.Context, a *console.Adapter) <-chan error {
	done := make(chan error, 1)
	go func() { done <- a.Run(ctx) }()
	return done
}

// wait fails the test unless Run returns within a generous bound. It is a
// liveness check, not a timing test.
func wait(t *testing.T, done <-chan error) error {
	t.Helper()
	select {
	case err := <-done:
		return err
	case <-time.After(5 * time.Second):
		t.Fatal("Run did not return within 5s")
		return nil
	}
}

// run feeds in to a new adapter around f and returns what it printed.
func run(t *testing.T, f *fake, prompt, in string) string {
	t.Helper()
	var out bytes.Buffer
	a := &console.Adapter{
		In:      strings.NewReader(in),
		Out:     &out,
		User:    bot.Sender{ID: "me", Name: "Me"},
		Handler: f.handler(),
		Prompt:  prompt,
	}
	if err := wait(t, start(t.Context(), a)); err != nil {
		t.Fatalf("Run = %v, want nil at EOF", err)
	}
	return out.String()
}

func TestRunLines(t *testing.T) {
	long := strings.Repeat("x", 1<<20)
	tests := []struct {
		name string
		in   string
		want []string // events
	}{
		{"in order", "hello\nworld\n", []string{"msg:hello", "msg:world"}},
		{"no input", "", nil},
		{"empty lines skipped", "\n\nhello\n\n   \n\t\nworld\n\n", []string{"msg:hello", "msg:world"}},
		{"CRLF trimmed", "hello\r\nworld\r\n", []string{"msg:hello", "msg:world"}},
		{"last line without newline", "hello\nworld", []string{"msg:hello", "msg:world"}},
		{"unicode", "Nhắc tôi gọi anh Tuấn\n", []string{"msg:Nhắc tôi gọi anh Tuấn"}},
		{"1 MB line delivered whole", long + "\nafter\n", []string{"msg:" + long, "msg:after"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := &fake{reply: echo}
			out := run(t, f, "", tt.in)
			got := f.Events()
			if !slices.Equal(got, tt.want) {
				t.Errorf("events = %.80q, want %.80q", got, tt.want)
			}
			var wantOut strings.Builder
			for _, e := range tt.want {
				wantOut.WriteString("got " + e + "\n")
			}
			if out != wantOut.String() {
				t.Errorf("output = %.200q, want %.200q", out, wantOut.String())
			}
		})
	}
}

func TestRunMessageFields(t *testing.T) {
	f := &fake{}
	run(t, f, "", "hello\n")
	if len(f.msgs) != 1 {
		t.Fatalf("got %d messages, want 1", len(f.msgs))
	}
	m := f.msgs[0]
	want := bot.Message{Platform: bot.Console, ChatID: console.ChatID, From: bot.Sender{ID: "me", Name: "Me"}, Text: "hello", IsDM: true, Mentioned: true}
	if !reflect.DeepEqual(m, want) {
		t.Errorf("message = %+v, want %+v", m, want)
	}
	if m.Target() != (bot.Target{Platform: bot.Console, ChatID: "console"}) {
		t.Errorf("message target = %+v", m.Target())
	}
}

func TestRenderButtons(t *testing.T) {
	f := &fake{reply: script(map[string][]bot.Reply{
		"msg:call Lan tomorrow": {
			{Text: "Saved: call Lan, tomorrow 9:00.", Buttons: []bot.Button{btn("Undo", "undo:1"), btn("Snooze", "snooze:1")}},
			{Text: "Also due today: send quote to Minh."},
			{Text: "Mark it?", Buttons: []bot.Button{btn("Done", "done:2")}},
			{Buttons: []bot.Button{btn("Open", "open:2")}},
		},
	})}
	out := run(t, f, "", "call Lan tomorrow\n")
	want := "Saved: call Lan, tomorrow 9:00.\n" +
		"   [1] Undo  [2] Snooze\n" +
		"Also due today: send quote to Minh.\n" +
		"Mark it?\n" +
		"   [3] Done\n" +
		"   [4] Open\n"
	if out != want {
		t.Errorf("output =\n%s\nwant\n%s", out, want)
	}
}

func TestPressButtons(t *testing.T) {
	two := []bot.Reply{{Text: "Saved.", Buttons: []bot.Button{btn("Undo", "undo:1"), btn("Snooze", "snooze:1")}}}
	one := []bot.Reply{{Text: "Saved.", Buttons: []bot.Button{btn("Undo", "undo:1")}}}
	split := []bot.Reply{
		{Text: "First.", Buttons: []bot.Button{btn("Undo", "undo:1")}},
		{Text: "Second.", Buttons: []bot.Button{btn("Done", "done:2")}},
	}
	plain := []bot.Reply{{Text: "Noted."}}
	tests := []struct {
		name    string
		replies map[string][]bot.Reply
		in      string
		want    []string
	}{
		{"2 presses the second button", map[string][]bot.Reply{"msg:add": two}, "add\n2\n", []string{"msg:add", "act:snooze:1"}},
		{"1 presses the first button", map[string][]bot.Reply{"msg:add": two}, "add\n1\n", []string{"msg:add", "act:undo:1"}},
		{"spaces around the number", map[string][]bot.Reply{"msg:add": two}, "add\n 2 \r\n", []string{"msg:add", "act:snooze:1"}},
		{"numbered across replies", map[string][]bot.Reply{"msg:add": split}, "add\n2\n", []string{"msg:add", "act:done:2"}},
		{"2 with one button is a message", map[string][]bot.Reply{"msg:add": one}, "add\n2\n", []string{"msg:add", "msg:2"}},
		{"0 is a message", map[string][]bot.Reply{"msg:add": two}, "add\n0\n", []string{"msg:add", "msg:0"}},
		{"3 of 2 is a message", map[string][]bot.Reply{"msg:add": two}, "add\n3\n", []string{"msg:add", "msg:3"}},
		{"-1 is a message", map[string][]bot.Reply{"msg:add": two}, "add\n-1\n", []string{"msg:add", "msg:-1"}},
		{"number before any buttons is a message", nil, "1\n", []string{"msg:1"}},
		{"old numbers expire after a batch without buttons", map[string][]bot.Reply{"msg:add": two, "msg:note": plain}, "add\nnote\n1\n", []string{"msg:add", "msg:note", "msg:1"}},
		{"old numbers expire after an empty batch", map[string][]bot.Reply{"msg:add": two}, "add\nnote\n1\n", []string{"msg:add", "msg:note", "msg:1"}},
		{"empty lines keep the numbers", map[string][]bot.Reply{"msg:add": two}, "add\n\n\n2\n", []string{"msg:add", "act:snooze:1"}},
		{"pressing replaces the numbers", map[string][]bot.Reply{"msg:add": two, "act:undo:1": plain}, "add\n1\n1\n", []string{"msg:add", "act:undo:1", "msg:1"}},
		{"latest batch wins", map[string][]bot.Reply{"msg:add": two, "msg:more": split, "act:done:2": plain}, "add\nmore\n2\n", []string{"msg:add", "msg:more", "act:done:2"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := &fake{reply: script(tt.replies)}
			run(t, f, "", tt.in)
			if got := f.Events(); !slices.Equal(got, tt.want) {
				t.Errorf("events = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestPressActionFields(t *testing.T) {
	f := &fake{reply: script(map[string][]bot.Reply{
		"msg:add": {{Text: "Saved.", Buttons: []bot.Button{btn("Undo", "undo:1"), btn("Snooze", "snooze:1")}}},
	})}
	run(t, f, "", "add\n2\n")
	if len(f.acts) != 1 {
		t.Fatalf("got %d actions, want 1", len(f.acts))
	}
	want := bot.Action{Platform: bot.Console, ChatID: console.ChatID, From: bot.Sender{ID: "me", Name: "Me"}, Value: "snooze:1"}
	if f.acts[0] != want {
		t.Errorf("action = %+v, want %+v", f.acts[0], want)
	}
}

func TestHandlerError(t *testing.T) {
	var logs bytes.Buffer
	var out bytes.Buffer
	f := &fake{reply: func(ctx context.Context, event string) ([]bot.Reply, error) {
		if event == "msg:boom" {
			return []bot.Reply{{Text: "half done"}}, errors.New("database is locked")
		}
		return echo(ctx, event)
	}}
	a := &console.Adapter{
		In:      strings.NewReader("hello\nboom\nafter\n"),
		Out:     &out,
		Handler: f.handler(),
		Logger:  slog.New(slog.NewTextHandler(&logs, nil)),
	}
	if err := wait(t, start(t.Context(), a)); err != nil {
		t.Fatalf("Run = %v, want nil", err)
	}
	want := "got msg:hello\nSomething went wrong; nothing was saved.\ngot msg:after\n"
	if out.String() != want {
		t.Errorf("output = %q, want %q", out.String(), want)
	}
	if !strings.Contains(logs.String(), "database is locked") {
		t.Errorf("log lacks the error:\n%s", logs.String())
	}
	if got, want := f.Events(), []string{"msg:hello", "msg:boom", "msg:after"}; !slices.Equal(got, want) {
		t.Errorf("events = %q, want %q", got, want)
	}
}

func TestHandlerPanicRecovered(t *testing.T) {
	f := &fake{reply: func(ctx context.Context, event string) ([]bot.Reply, error) {
		if event == "msg:boom" {
			panic("nil map")
		}
		return echo(ctx, event)
	}}
	var out bytes.Buffer
	a := &console.Adapter{
		In:      strings.NewReader("boom\nafter\n"),
		Out:     &out,
		Handler: bot.Chain(f.handler(), bot.Recover(slog.New(slog.DiscardHandler))),
	}
	if err := wait(t, start(t.Context(), a)); err != nil {
		t.Fatalf("Run = %v, want nil", err)
	}
	if want := "Something went wrong; nothing was saved.\ngot msg:after\n"; out.String() != want {
		t.Errorf("output = %q, want %q", out.String(), want)
	}
}

func TestPrompt(t *testing.T) {
	tests := []struct {
		name, prompt, in, want string
	}{
		{"before each line", "> ", "a\nb\n", "> got msg:a\n> got msg:b\n> "},
		{"also before skipped lines", "> ", "a\n\nb\n", "> got msg:a\n> > got msg:b\n> "},
		{"at once on empty input", "tend> ", "", "tend> "},
		{"none when empty", "", "a\nb\n", "got msg:a\ngot msg:b\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := run(t, &fake{reply: echo}, tt.prompt, tt.in); got != tt.want {
				t.Errorf("output = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestRunReadError(t *testing.T) {
	errDisk := errors.New("input/output error")
	a := &console.Adapter{
		In:      io.MultiReader(strings.NewReader("hello\n"), iotest.ErrReader(errDisk)),
		Out:     io.Discard,
		Handler: (&fake{}).handler(),
	}
	if err := wait(t, start(t.Context(), a)); !errors.Is(err, errDisk) {
		t.Errorf("Run = %v, want it to wrap %v", err, errDisk)
	}
}

func TestRunCancelWhileReading(t *testing.T) {
	pr, pw := io.Pipe()
	t.Cleanup(func() { pw.Close() })
	handled := make(chan string, 1)
	f := &fake{reply: func(_ context.Context, event string) ([]bot.Reply, error) {
		handled <- event
		return nil, nil
	}}
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	var out bytes.Buffer
	done := start(ctx, &console.Adapter{In: pr, Out: &out, Handler: f.handler(), Prompt: "> "})

	if _, err := io.WriteString(pw, "hello\n"); err != nil {
		t.Fatal(err)
	}
	select {
	case e := <-handled:
		if e != "msg:hello" {
			t.Fatalf("handled %q, want msg:hello", e)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("line not handled within 5s")
	}
	// The reader now blocks on the pipe; cancelling must end Run anyway.
	cancel()
	if err := wait(t, done); err != nil {
		t.Errorf("Run = %v, want nil on cancel", err)
	}
}

func TestRunCancelBeforeStart(t *testing.T) {
	pr, pw := io.Pipe()
	t.Cleanup(func() { pw.Close() })
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	done := start(ctx, &console.Adapter{In: pr, Out: io.Discard, Handler: (&fake{}).handler()})
	if err := wait(t, done); err != nil {
		t.Errorf("Run = %v, want nil on cancel", err)
	}
}

// A cancel that arrives while the handler is busy (Ctrl-C during a slow
// store call) must also end Run.
func TestRunCancelWhileHandling(t *testing.T) {
	pr, pw := io.Pipe()
	t.Cleanup(func() { pw.Close() })
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	f := &fake{reply: func(ctx context.Context, _ string) ([]bot.Reply, error) {
		cancel()
		<-ctx.Done()
		runtime.Gosched()
		return []bot.Reply{{Text: "cancelled"}}, ctx.Err()
	}}
	done := start(ctx, &console.Adapter{In: pr, Out: io.Discard, Handler: f.handler()})
	if _, err := io.WriteString(pw, "slow\n"); err != nil {
		t.Fatal(err)
	}
	if err := wait(t, done); err != nil {
		t.Errorf("Run = %v, want nil on cancel", err)
	}
}

func TestSend(t *testing.T) {
	var out bytes.Buffer
	a := &console.Adapter{Out: &out}
	to := bot.Target{Platform: bot.Console, ChatID: console.ChatID}
	ref, err := a.Send(t.Context(), to, bot.Reply{Text: "Reminder: call Lan.", Buttons: []bot.Button{btn("Done", "done:1"), btn("Snooze 1h", "snooze:1")}})
	if err != nil {
		t.Fatal(err)
	}
	if ref.Target != to {
		t.Errorf("SentRef.Target = %+v, want %+v", ref.Target, to)
	}
	if want := "Reminder: call Lan.\n   [1] Done  [2] Snooze 1h\n"; out.String() != want {
		t.Errorf("output = %q, want %q", out.String(), want)
	}
}

// A reminder's buttons are the latest batch, so its numbers press.
func TestSendThenPress(t *testing.T) {
	var out bytes.Buffer
	f := &fake{}
	a := &console.Adapter{In: strings.NewReader("2\n"), Out: &out, Handler: f.handler()}
	if _, err := a.Send(t.Context(), bot.Target{Platform: bot.Console, ChatID: console.ChatID},
		bot.Reply{Text: "Reminder: call Lan.", Buttons: []bot.Button{btn("Done", "done:1"), btn("Snooze 1h", "snooze:1")}}); err != nil {
		t.Fatal(err)
	}
	if err := wait(t, start(t.Context(), a)); err != nil {
		t.Fatal(err)
	}
	if got, want := f.Events(), []string{"act:snooze:1"}; !slices.Equal(got, want) {
		t.Errorf("events = %q, want %q", got, want)
	}
}

// chunky writes each Write in small pieces, yielding between them, so that
// unsynchronized writers would interleave within a line.
type chunky struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (c *chunky) Write(p []byte) (int, error) {
	for i := 0; i < len(p); i += 3 {
		c.mu.Lock()
		c.buf.Write(p[i:min(i+3, len(p))])
		c.mu.Unlock()
		runtime.Gosched()
	}
	return len(p), nil
}

func (c *chunky) String() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.buf.String()
}

func TestConcurrentSend(t *testing.T) {
	const lines, senders, sends = 50, 4, 25
	var in strings.Builder
	for i := range lines {
		fmt.Fprintf(&in, "message number %d\n", i)
	}
	out := &chunky{}
	f := &fake{reply: func(_ context.Context, event string) ([]bot.Reply, error) {
		return []bot.Reply{{Text: "reply to " + event, Buttons: []bot.Button{btn("Undo", "u"), btn("Snooze", "s")}}}, nil
	}}
	a := &console.Adapter{In: strings.NewReader(in.String()), Out: out, Handler: f.handler(), Prompt: "> "}
	done := start(t.Context(), a)

	var wg sync.WaitGroup
	for g := range senders {
		wg.Go(func() {
			for i := range sends {
				r := bot.Reply{Text: fmt.Sprintf("reminder %d-%d is due", g, i), Buttons: []bot.Button{btn("Done", "d")}}
				if _, err := a.Send(t.Context(), bot.Target{Platform: bot.Console, ChatID: console.ChatID}, r); err != nil {
					t.Error(err)
				}
			}
		})
	}
	wg.Wait()
	if err := wait(t, done); err != nil {
		t.Fatal(err)
	}

	counts := map[string]int{}
	for line := range strings.Lines(out.String()) {
		line = strings.TrimRight(line, "\n")
		for strings.HasPrefix(line, "> ") { // prompts share a line with what follows
			line = line[2:]
		}
		switch {
		case line == "":
		case line == "   [1] Undo  [2] Snooze", line == "   [1] Done":
			counts[line]++
		case strings.HasPrefix(line, "reply to msg:message number "), strings.HasPrefix(line, "reminder "):
			counts[line]++
		default:
			t.Errorf("garbled line %q", line)
		}
	}
	if n := counts["   [1] Undo  [2] Snooze"]; n != lines {
		t.Errorf("%d reply button lines, want %d", n, lines)
	}
	if n := counts["   [1] Done"]; n != senders*sends {
		t.Errorf("%d reminder button lines, want %d", n, senders*sends)
	}
	for i := range lines {
		if l := fmt.Sprintf("reply to msg:message number %d", i); counts[l] != 1 {
			t.Errorf("%q printed %d times, want 1", l, counts[l])
		}
	}
	for g := range senders {
		for i := range sends {
			if l := fmt.Sprintf("reminder %d-%d is due", g, i); counts[l] != 1 {
				t.Errorf("%q printed %d times, want 1", l, counts[l])
			}
		}
	}
}
