package slack

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/slack-go/slack/socketmode"

	"github.com/tend-crm/tend/bot"
)

// ackTimeout bounds handing an ack to the socket's writer, which may be
// stuck while the connection is being replaced.
const ackTimeout = time.Second

// runSocket receives over Socket Mode until ctx ends. socketmode.Client
// owns the connection: it opens it with apps.connections.open, answers
// pings, and reconnects after a disconnect envelope or a dropped socket.
// We read client.Events ourselves instead of using its default handler,
// which starts a goroutine per event with no bound.
func (a *Adapter) runSocket(ctx context.Context) error {
	client := socketmode.New(a.api,
		socketmode.OptionReadLimit(maxBody),
		socketmode.OptionLog(debugLog{a.logger}),
	)
	runCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	runErr := make(chan error, 1)
	go func() { runErr <- client.RunContext(runCtx) }()

	for {
		select {
		case <-ctx.Done():
			cancel()
			<-runErr
			return nil
		case err := <-runErr:
			if ctx.Err() != nil {
				return nil
			}
			return fmt.Errorf("slack: socket mode: %w", err)
		case evt := <-client.Events:
			a.onSocketEvent(runCtx, client, evt)
		}
	}
}

// onSocketEvent must not block: while it runs, socketmode stops reading
// the socket once its 50-slot Events channel fills.
func (a *Adapter) onSocketEvent(ctx context.Context, client *socketmode.Client, evt socketmode.Event) {
	switch evt.Type {
	case socketmode.EventTypeConnecting:
		a.connected.Store(false)
		a.logger.Debug("slack: connecting")
	case socketmode.EventTypeConnected:
		a.connected.Store(true)
		a.logger.Info("slack: socket connected")
	case socketmode.EventTypeConnectionError, socketmode.EventTypeInvalidAuth:
		a.connected.Store(false)
		a.logger.Warn("slack: socket connection failed", "event", evt.Type, "data", evt.Data)
	case socketmode.EventTypeIncomingError, socketmode.EventTypeErrorWriteFailed:
		a.logger.Warn("slack: socket error", "event", evt.Type)
	case socketmode.EventTypeEventsAPI, socketmode.EventTypeInteractive, socketmode.EventTypeSlashCommand:
		if evt.Request != nil {
			a.onEnvelope(ctx, client, *evt.Request)
		}
	case socketmode.EventTypeErrorBadMessage:
		// slack-go could not parse the payload, e.g. an inner event type it
		// does not know. Decode the envelope ourselves: it may still be
		// ours, and if not it must be acked or Slack retries it.
		bad, ok := evt.Data.(*socketmode.ErrorBadMessage)
		if !ok {
			return
		}
		var req socketmode.Request
		if err := json.Unmarshal(bad.Message, &req); err != nil || req.EnvelopeID == "" {
			a.logger.Warn("slack: unreadable socket message", "err", bad.Cause)
			return
		}
		a.onEnvelope(ctx, client, req)
	}
}

// onEnvelope acks what is not for the handler at once and dispatches the
// rest, leaving it unacked when the dispatcher is full.
func (a *Adapter) onEnvelope(ctx context.Context, client *socketmode.Client, req socketmode.Request) {
	log := a.logger.With("envelope_id", req.EnvelopeID, "type", req.Type, "retry_attempt", req.RetryAttempt)
	ack := func() {
		actx, cancel := context.WithTimeout(ctx, ackTimeout)
		defer cancel()
		// An empty ack: slash commands and presses are answered with
		// chat.postMessage, not in the ack.
		if err := client.AckCtx(actx, req.EnvelopeID, nil); err != nil {
			log.Warn("slack: ack failed", "err", err)
		}
	}
	in, err := decodeEnvelope(req.Type, req.Payload, a.botUserID())
	switch {
	case errors.Is(err, errIgnored):
		log.Debug("slack: ignored")
		ack()
		return
	case err != nil:
		log.Warn("slack: undecodable envelope", "err", err)
		ack() // a retry carries the same bytes
		return
	case !a.acceptTeam(in.team):
		log.Warn("slack: delivery from another workspace refused", "team", in.team)
		ack()
		return
	}
	if req.RetryAttempt > 0 {
		event, _, _ := in.ids()
		log.Info("slack: redelivery", bot.LogKeyEvent, event, "retry_reason", req.RetryReason)
	}
	if err := a.dispatch(in, ack); err != nil {
		event, chat, user := in.ids()
		log.Warn("slack: busy, leaving envelope unacked for Slack to redeliver",
			bot.LogKeyEvent, event, bot.LogKeyChat, chat, bot.LogKeyUser, user, "err", err)
	}
}
