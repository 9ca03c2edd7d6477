package bot

import (
	"context"
	"fmt"
	"log/slog"
	"runtime/debug"
)

// Handler decides what to answer. conversation.Router is the real one.
type Handler interface {
	HandleMessage(ctx context.Context, m Message) ([]Reply, error)
	HandleAction(ctx context.Context, a Action) ([]Reply, error)
}

// HandlerFuncs adapts two functions to Handler. A nil function answers
// nothing.
type HandlerFuncs struct {
	Message func(context.Context, Message) ([]Reply, error)
	Action  func(context.Context, Action) ([]Reply, error)
}

func (h HandlerFuncs) HandleMessage(ctx context.Context, m Message) ([]Reply, error) {
	if h.Message == nil {
		return nil, nil
	}
	return h.Message(ctx, m)
}

func (h HandlerFuncs) HandleAction(ctx context.Context, a Action) ([]Reply, error) {
	if h.Action == nil {
		return nil, nil
	}
	return h.Action(ctx, a)
}

// Middleware wraps a Handler with a cross-cutting concern.
type Middleware func(Handler) Handler

// Chain applies middleware so that the first listed runs outermost.
func Chain(h Handler, mw ...Middleware) Handler {
	for i := len(mw) - 1; i >= 0; i-- {
		h = mw[i](h)
	}
	return h
}

// Recover turns a panic in the handler into an error, logged with its
// stack, so that one bad message cannot take the process down.
func Recover(logger *slog.Logger) Middleware {
	return func(next Handler) Handler {
		return HandlerFuncs{
			Message: func(ctx context.Context, m Message) (replies []Reply, err error) {
				defer recoverInto(logger, &err, m.Platform, m.ChatID)
				return next.HandleMessage(ctx, m)
			},
			Action: func(ctx context.Context, a Action) (replies []Reply, err error) {
				defer recoverInto(logger, &err, a.Platform, a.ChatID)
				return next.HandleAction(ctx, a)
			},
		}
	}
}

func recoverInto(logger *slog.Logger, err *error, p Platform, chat string) {
	if v := recover(); v != nil {
		logger.Error("handler panic", LogKeyPlatform, p, LogKeyChat, chat, "panic", v, "stack", string(debug.Stack()))
		*err = fmt.Errorf("bot: handler panic: %v", v)
	}
}

// Log keys shared by adapters and the router, so that logs from every part
// can be filtered alike.
const (
	LogKeyPlatform = "platform"
	LogKeyChat     = "chat"
	LogKeyUser     = "user"
	LogKeyEvent    = "event_id"
)
