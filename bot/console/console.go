// Package console is Tend's terminal adapter: the zero-config way to try
// it, and a scriptable one (one message a line on standard input).
package console

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"

	"github.com/tend-crm/tend/bot"
)

// ChatID is the one chat the console has.
const ChatID = "console"

// Adapter reads messages from In and writes replies to Out. Buttons are
// shown as numbered choices; typing a number presses one. It is also a
// bot.Notifier, so reminders appear in the same terminal.
type Adapter struct {
	In      io.Reader
	Out     io.Writer
	User    bot.Sender
	Handler bot.Handler
	Logger  *slog.Logger
	// Prompt is printed before each line is read; empty for piped input.
	Prompt string

	mu      sync.Mutex // serializes writes to Out and the choices
	choices []bot.Button
}

var _ bot.Notifier = (*Adapter)(nil)

// Run reads lines until In ends or ctx is cancelled. Each line is handled
// before the next is read, so piped input is answered in order.
func (a *Adapter) Run(ctx context.Context) error {
	if a.Logger == nil {
		a.Logger = slog.New(slog.DiscardHandler)
	}
	lines := make(chan string)
	errc := make(chan error, 1)
	next := make(chan struct{})
	go func() {
		defer close(lines)
		r := bufio.NewReader(a.In)
		for {
			line, err := r.ReadString('\n')
			if line != "" || err == nil {
				select {
				case lines <- strings.TrimRight(line, "\r\n"):
				case <-ctx.Done():
					return
				}
				select {
				case <-next:
				case <-ctx.Done():
					return
				}
			}
			if err != nil {
				if !errors.Is(err, io.EOF) {
					errc <- fmt.Errorf("console: read: %w", err)
				}
				return
			}
		}
	}()
	for {
		a.prompt()
		select {
		case <-ctx.Done():
			return nil
		case line, ok := <-lines:
			if !ok {
				select {
				case err := <-errc:
					return err
				default:
					return nil
				}
			}
			a.handle(ctx, line)
			select {
			case next <- struct{}{}:
			case <-ctx.Done(): // the reader may have stopped waiting
				return nil
			}
		}
	}
}

func (a *Adapter) prompt() {
	if a.Prompt == "" {
		return
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	fmt.Fprint(a.Out, a.Prompt)
}

func (a *Adapter) handle(ctx context.Context, line string) {
	text := strings.TrimSpace(line)
	if text == "" {
		return
	}
	var replies []bot.Reply
	var err error
	if b, ok := a.choice(text); ok {
		replies, err = a.Handler.HandleAction(ctx, bot.Action{Platform: bot.Console, ChatID: ChatID, From: a.User, Value: b.Value})
	} else {
		m := bot.Message{Platform: bot.Console, ChatID: ChatID, From: a.User, Text: line, IsDM: true, Mentioned: true}
		if f, ok := localFile(text); ok {
			m.Text, m.Files = "", []bot.File{f}
		}
		replies, err = a.Handler.HandleMessage(ctx, m)
	}
	if err != nil {
		a.Logger.Error("console: handle", "err", err)
		replies = []bot.Reply{{Text: "Something went wrong; nothing was saved."}}
	}
	a.render(replies)
}

// localFile reads "import PATH" ("nhập PATH") naming a file on this
// machine as that file shared in the chat, as a chat platform would.
func localFile(text string) (bot.File, bool) {
	var path string
	for _, verb := range []string{"import ", "nhập ", "/tend import "} {
		if rest, ok := strings.CutPrefix(text, verb); ok {
			path = strings.Trim(strings.TrimSpace(rest), `"'`)
		}
	}
	st, err := os.Stat(path)
	if path == "" || err != nil || !st.Mode().IsRegular() {
		return bot.File{}, false
	}
	return bot.File{Name: filepath.Base(path), Size: st.Size(),
		Open: func(context.Context) (io.ReadCloser, error) { return os.Open(path) }}, true
}

// choice returns the button a typed number picks from the last replies.
func (a *Adapter) choice(text string) (bot.Button, bool) {
	n, err := strconv.Atoi(text)
	a.mu.Lock()
	defer a.mu.Unlock()
	if err != nil || n < 1 || n > len(a.choices) {
		return bot.Button{}, false
	}
	return a.choices[n-1], true
}

// render prints replies, numbering their buttons from 1 across the batch.
// Only the latest batch's numbers can be picked.
func (a *Adapter) render(replies []bot.Reply) {
	a.mu.Lock()
	defer a.mu.Unlock()
	var choices []bot.Button
	var b strings.Builder
	for _, r := range replies {
		if r.Text != "" {
			b.WriteString(r.Text)
			b.WriteByte('\n')
		}
		if r.File != nil {
			fmt.Fprintf(&b, "   (file %s, %d bytes: `tend export` writes it to disk)\n", r.File.Name, len(r.File.Data))
		}
		if len(r.Buttons) == 0 {
			continue
		}
		labels := make([]string, len(r.Buttons))
		for i, btn := range r.Buttons {
			choices = append(choices, btn)
			labels[i] = fmt.Sprintf("[%d] %s", len(choices), btn.Label)
		}
		b.WriteString("   " + strings.Join(labels, "  ") + "\n")
	}
	a.choices = choices
	io.WriteString(a.Out, b.String())
}

// Send implements bot.Notifier: a reminder is printed like a reply.
func (a *Adapter) Send(_ context.Context, to bot.Target, r bot.Reply) (bot.SentRef, error) {
	a.render([]bot.Reply{r})
	return bot.SentRef{Target: to}, nil
}
