package bot_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"slices"
	"strings"
	"testing"

	"github.com/tend-crm/tend/bot"
)

func TestHandlerFuncsNil(t *testing.T) {
	var h bot.HandlerFuncs
	replies, err := h.HandleMessage(t.Context(), bot.Message{Text: "hi"})
	if replies != nil || err != nil {
		t.Errorf("HandleMessage = %v, %v; want nil, nil", replies, err)
	}
	replies, err = h.HandleAction(t.Context(), bot.Action{Value: "undo"})
	if replies != nil || err != nil {
		t.Errorf("HandleAction = %v, %v; want nil, nil", replies, err)
	}
}

func TestHandlerFuncsCalls(t *testing.T) {
	h := bot.HandlerFuncs{
		Message: func(_ context.Context, m bot.Message) ([]bot.Reply, error) {
			return []bot.Reply{{Text: "msg " + m.Text}}, nil
		},
		Action: func(_ context.Context, a bot.Action) ([]bot.Reply, error) {
			return []bot.Reply{{Text: "act " + a.Value}}, nil
		},
	}
	if r, _ := h.HandleMessage(t.Context(), bot.Message{Text: "hi"}); len(r) != 1 || r[0].Text != "msg hi" {
		t.Errorf("HandleMessage = %v, want [msg hi]", r)
	}
	if r, _ := h.HandleAction(t.Context(), bot.Action{Value: "undo"}); len(r) != 1 || r[0].Text != "act undo" {
		t.Errorf("HandleAction = %v, want [act undo]", r)
	}
}

// trace returns a middleware that records entering and leaving.
func trace(name string, log *[]string) bot.Middleware {
	return func(next bot.Handler) bot.Handler {
		return bot.HandlerFuncs{
			Message: func(ctx context.Context, m bot.Message) ([]bot.Reply, error) {
				*log = append(*log, name+">")
				defer func() { *log = append(*log, "<"+name) }()
				return next.HandleMessage(ctx, m)
			},
			Action: func(ctx context.Context, a bot.Action) ([]bot.Reply, error) {
				*log = append(*log, name+">")
				defer func() { *log = append(*log, "<"+name) }()
				return next.HandleAction(ctx, a)
			},
		}
	}
}

func TestChain(t *testing.T) {
	tests := []struct {
		name string
		mw   []string
		want []string
	}{
		{"none", nil, []string{"h"}},
		{"one", []string{"a"}, []string{"a>", "h", "<a"}},
		{"first listed outermost", []string{"a", "b", "c"}, []string{"a>", "b>", "c>", "h", "<c", "<b", "<a"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var log []string
			inner := bot.HandlerFuncs{
				Message: func(context.Context, bot.Message) ([]bot.Reply, error) {
					log = append(log, "h")
					return []bot.Reply{{Text: "ok"}}, nil
				},
				Action: func(context.Context, bot.Action) ([]bot.Reply, error) {
					log = append(log, "h")
					return []bot.Reply{{Text: "ok"}}, nil
				},
			}
			var mw []bot.Middleware
			for _, n := range tt.mw {
				mw = append(mw, trace(n, &log))
			}
			h := bot.Chain(inner, mw...)

			r, err := h.HandleMessage(t.Context(), bot.Message{})
			if err != nil || len(r) != 1 || r[0].Text != "ok" {
				t.Errorf("HandleMessage = %v, %v; want [ok], nil", r, err)
			}
			if !slices.Equal(log, tt.want) {
				t.Errorf("HandleMessage order = %q, want %q", log, tt.want)
			}
			log = nil
			if _, err := h.HandleAction(t.Context(), bot.Action{}); err != nil {
				t.Errorf("HandleAction: %v", err)
			}
			if !slices.Equal(log, tt.want) {
				t.Errorf("HandleAction order = %q, want %q", log, tt.want)
			}
		})
	}
}

func TestRecover(t *testing.T) {
	tests := []struct {
		name   string
		handle func(bot.Handler) ([]bot.Reply, error)
	}{
		{"message", func(h bot.Handler) ([]bot.Reply, error) {
			return h.HandleMessage(context.Background(), bot.Message{Platform: bot.Telegram, ChatID: "42", Text: "boom"})
		}},
		{"action", func(h bot.Handler) ([]bot.Reply, error) {
			return h.HandleAction(context.Background(), bot.Action{Platform: bot.Telegram, ChatID: "42", Value: "boom"})
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var logs bytes.Buffer
			logger := slog.New(slog.NewTextHandler(&logs, nil))
			calls := 0
			inner := bot.HandlerFuncs{
				Message: func(_ context.Context, m bot.Message) ([]bot.Reply, error) {
					calls++
					if m.Text == "boom" {
						panic("kaboom")
					}
					return []bot.Reply{{Text: "fine"}}, nil
				},
				Action: func(_ context.Context, a bot.Action) ([]bot.Reply, error) {
					calls++
					if a.Value == "boom" {
						panic(errors.New("kaboom"))
					}
					return []bot.Reply{{Text: "fine"}}, nil
				},
			}
			h := bot.Chain(inner, bot.Recover(logger))

			replies, err := tt.handle(h)
			if err == nil {
				t.Fatalf("panicking handler returned %v, nil; want an error", replies)
			}
			if !strings.Contains(err.Error(), "kaboom") {
				t.Errorf("error = %q, want it to mention the panic value", err)
			}
			log := logs.String()
			for _, want := range []string{"panic", "kaboom", "platform=telegram", "chat=42", "stack="} {
				if !strings.Contains(log, want) {
					t.Errorf("log lacks %q:\n%s", want, log)
				}
			}

			// The process survived and the handler keeps working.
			if r, err := h.HandleMessage(t.Context(), bot.Message{Text: "hi"}); err != nil || len(r) != 1 || r[0].Text != "fine" {
				t.Errorf("after panic, HandleMessage = %v, %v; want [fine], nil", r, err)
			}
			if r, err := h.HandleAction(t.Context(), bot.Action{Value: "ok"}); err != nil || len(r) != 1 || r[0].Text != "fine" {
				t.Errorf("after panic, HandleAction = %v, %v; want [fine], nil", r, err)
			}
			if calls != 3 {
				t.Errorf("inner handler called %d times, want 3", calls)
			}
		})
	}
}

func TestRecoverPassesErrors(t *testing.T) {
	errBoom := errors.New("boom")
	h := bot.Chain(bot.HandlerFuncs{
		Message: func(context.Context, bot.Message) ([]bot.Reply, error) { return nil, errBoom },
	}, bot.Recover(slog.New(slog.DiscardHandler)))
	if _, err := h.HandleMessage(t.Context(), bot.Message{}); !errors.Is(err, errBoom) {
		t.Errorf("HandleMessage error = %v, want %v", err, errBoom)
	}
	if r, err := h.HandleAction(t.Context(), bot.Action{}); r != nil || err != nil {
		t.Errorf("HandleAction = %v, %v; want nil, nil", r, err)
	}
}
