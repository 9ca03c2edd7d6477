package bot

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// Notifier sends a message Tend starts on its own (a reminder, a digest).
type Notifier interface {
	Send(ctx context.Context, to Target, r Reply) (SentRef, error)
}

// Editor is implemented by notifiers that can replace a message they sent,
// so a re-fired reminder can update yesterday's instead of piling up.
// Callers probe for it and fall back to Send.
type Editor interface {
	Edit(ctx context.Context, sent SentRef, r Reply) error
}

// ErrUnknownTarget is returned by a Notifier that cannot reach a target,
// such as a Mux with no adapter for its platform.
var ErrUnknownTarget = errors.New("bot: unknown target")

// RateLimitError is returned when a platform asked us to slow down.
type RateLimitError struct {
	RetryAfter time.Duration
}

func (e *RateLimitError) Error() string {
	return fmt.Sprintf("bot: rate limited, retry after %s", e.RetryAfter)
}

// Mux is a Notifier that routes by the target's platform.
type Mux map[Platform]Notifier

func (m Mux) Send(ctx context.Context, to Target, r Reply) (SentRef, error) {
	n, ok := m[to.Platform]
	if !ok {
		return SentRef{}, fmt.Errorf("%w: platform %q", ErrUnknownTarget, to.Platform)
	}
	return n.Send(ctx, to, r)
}

func (m Mux) Edit(ctx context.Context, sent SentRef, r Reply) error {
	n, ok := m[sent.Target.Platform]
	if !ok {
		return fmt.Errorf("%w: platform %q", ErrUnknownTarget, sent.Target.Platform)
	}
	if ed, ok := n.(Editor); ok {
		return ed.Edit(ctx, sent, r)
	}
	_, err := n.Send(ctx, sent.Target, r)
	return err
}
