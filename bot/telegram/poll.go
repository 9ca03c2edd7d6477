package telegram

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/tend-crm/tend/bot"
)

const (
	// conflictLimit is how many 409s in a row make Run give up. One can
	// be our own previous poll, still open on Telegram's side after a
	// quick restart.
	conflictLimit = 4
	// recheck is how often the loop looks for new updates while a handler
	// is slow: Telegram re-sends every unconfirmed update at once, so the
	// long poll cannot wait for new ones until the slow one is confirmed.
	recheck = 500 * time.Millisecond
	// confirmTimeout bounds the call that confirms the last updates on
	// shutdown.
	confirmTimeout = 5 * time.Second
)

// allowedUpdates are the update types Tend uses; Telegram sends no others.
var allowedUpdates = []string{"message", "callback_query"}

// tracker keeps which updates are taken on and which are still being
// handled, to compute the offset that confirms only finished ones.
//
// Update ids increase, getUpdates returns every unconfirmed update from
// the offset on, and the loop takes updates on in id order; so every id up
// to high is either finished or in flight.
type tracker struct {
	mu       sync.Mutex
	high     int              // highest update_id taken on
	inflight map[int]struct{} // taken on, handler not finished
	done     chan struct{}    // signalled (not closed) when one finishes
}

func newTracker() *tracker {
	return &tracker{inflight: map[int]struct{}{}, done: make(chan struct{}, 1)}
}

// seen reports whether id was taken on before: Telegram sends it again
// because it is not confirmed yet.
func (t *tracker) seen(id int) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	return id <= t.high
}

// take records id as taken on; running says its handler is still to run.
// It returns the previous high, for forget.
func (t *tracker) take(id int, running bool) (prev int) {
	t.mu.Lock()
	defer t.mu.Unlock()
	prev = t.high
	t.high = max(t.high, id)
	if running {
		t.inflight[id] = struct{}{}
	}
	return prev
}

// forget undoes take for an update the dispatcher refused: it will be
// fetched and taken on again.
func (t *tracker) forget(id, prev int) {
	t.mu.Lock()
	defer t.mu.Unlock()
	delete(t.inflight, id)
	t.high = prev
}

// finish records that id's handler returned. An update cut short
// (ok false) stays in flight, so it is never confirmed and comes back
// after a restart.
func (t *tracker) finish(id int, ok bool) {
	if ok {
		t.mu.Lock()
		delete(t.inflight, id)
		t.mu.Unlock()
	}
	select {
	case t.done <- struct{}{}:
	default:
	}
}

// offset is the getUpdates offset that confirms exactly the finished
// updates: the lowest one in flight, else one past the highest seen. Zero
// (nothing seen yet) asks for every unconfirmed update.
func (t *tracker) offset() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	if len(t.inflight) == 0 {
		if t.high == 0 {
			return 0
		}
		return t.high + 1
	}
	low := t.high
	for id := range t.inflight {
		low = min(low, id)
	}
	return low
}

// poll runs the getUpdates loop until ctx ends or polling cannot go on,
// lets the handlers in flight finish, and confirms what they handled.
func (a *Adapter) poll(ctx context.Context) error {
	tr, err := a.pollTerm(ctx)
	a.confirm(tr)
	return err
}

// pollTerm runs the getUpdates loop until ctx ends or polling cannot go
// on, and lets the handlers in flight finish; confirming what they handled
// is the caller's, who may no longer be the one allowed to poll.
func (a *Adapter) pollTerm(ctx context.Context) (*tracker, error) {
	// Handlers' contexts outlive ctx by the drain, so that a shutdown
	// does not cut them short at once.
	base, stop := context.WithCancel(context.WithoutCancel(ctx))
	defer stop()
	tr := newTracker()
	var (
		pe     pollErrors
		failed error // why polling cannot go on
	)
	for ctx.Err() == nil {
		raws, err := a.getUpdates(ctx, tr.offset(), a.cfg.PollTimeout)
		if err != nil {
			if ctx.Err() != nil {
				break
			}
			a.connected.Store(false)
			wait, stop := a.pollFailed(&pe, err)
			if stop != nil {
				failed = stop
				break
			}
			if a.sleep(ctx, wait) != nil {
				break
			}
			continue
		}
		a.connected.Store(true)
		pe = pollErrors{}

		fresh, busy := a.dispatch(base, tr, raws)
		if busy || (len(raws) > 0 && !fresh) {
			a.awaitProgress(ctx, tr, busy)
		}
	}
	// Handlers in flight finish (bounded) even when polling failed.
	a.drain(stop)
	if failed != nil {
		return tr, failed
	}
	return tr, ctx.Err()
}

// pollErrors is what the loop remembers of the failures in a row.
type pollErrors struct {
	backoff   backoff
	conflicts int
}

// pollFailed decides what a failed getUpdates means: how long to wait
// before the next try, or the error that ends polling.
func (a *Adapter) pollFailed(pe *pollErrors, err error) (wait time.Duration, stop error) {
	if te, ok := apiError(err); ok && te.Code == http.StatusConflict {
		pe.conflicts++
		if pe.conflicts == 1 {
			a.log.Error("telegram: 409 Conflict: another process polls with this bot token, or a webhook is set. "+
				"Stop the other `tend serve`, or use telegram.mode: webhook (polling needs the webhook deleted: deleteWebhook)", "err", err)
		}
		if pe.conflicts >= conflictLimit {
			return 0, fmt.Errorf("%w: %s; stop the other poller, or delete the webhook (or run with telegram.mode: webhook)", ErrConflict, te.Message)
		}
		return pe.backoff.next(err), nil
	}
	if fatal(err) {
		return 0, fmt.Errorf("telegram: get updates: %w", describe(err))
	}
	pe.conflicts = 0
	wait = pe.backoff.next(err)
	a.log.Warn("telegram: get updates failed; retrying", "err", err, "in", wait)
	return wait, nil
}

// awaitProgress waits before the next poll when asking again at once
// would be useless: nothing new came back (only updates still being
// handled, which Telegram re-sends until they are confirmed), or the
// dispatcher is full. A handler finishing ends the wait; so does, unless
// the dispatcher is full, the recheck interval, to pick up new updates
// while a slow handler holds the offset back.
func (a *Adapter) awaitProgress(ctx context.Context, tr *tracker, busy bool) {
	t := time.NewTimer(recheck)
	defer t.Stop()
	tick := t.C
	if busy {
		tick = nil
	}
	select {
	case <-tr.done:
	case <-tick:
	case <-ctx.Done():
	}
}

// dispatch hands each update not seen before to the dispatcher, in order.
// It stops at the first the dispatcher cannot take (busy): that update and
// the ones after it stay unconfirmed and are fetched again.
func (a *Adapter) dispatch(base context.Context, tr *tracker, raws []json.RawMessage) (fresh, busy bool) {
	for _, raw := range raws {
		ev, err := translate(raw, a.me)
		if err != nil {
			a.log.Warn("telegram: not an update; skipped", "err", err)
			continue
		}
		if tr.seen(ev.updateID) {
			continue
		}
		fresh = true
		if ev.chat == "" { // nothing to run: confirm with the next poll
			a.log.Debug("telegram: update ignored", bot.LogKeyEvent, ev.updateID, "why", ev.skip)
			tr.take(ev.updateID, false)
			continue
		}
		// Taken on before it is submitted: the job may finish at once.
		prev := tr.take(ev.updateID, true)
		err = a.disp.Submit(ev.chat, func() {
			// The deadline starts when the job does, not while it queues
			// behind the chat's earlier updates.
			ctx, cancel := context.WithTimeout(base, handleTimeout)
			defer cancel()
			tr.finish(ev.updateID, a.handle(ctx, ev))
		})
		if errors.Is(err, bot.ErrBusy) {
			tr.forget(ev.updateID, prev)
			a.log.Warn("telegram: dispatcher full; waiting before fetching more", bot.LogKeyEvent, ev.updateID)
			return fresh, true
		}
	}
	return fresh, false
}

// getUpdates asks for updates from offset, waiting up to timeout for one.
// It returns them raw: translate decodes fields tgbotapi's types lack.
func (a *Adapter) getUpdates(ctx context.Context, offset int, timeout time.Duration) ([]json.RawMessage, error) {
	cfg := tgbotapi.UpdateConfig{Offset: offset, Timeout: int(timeout / time.Second), AllowedUpdates: allowedUpdates}
	// The HTTP deadline leaves the long poll time to answer.
	resp, err := a.client(ctx, timeout+requestTimeout).Request(cfg)
	if err != nil {
		return nil, err
	}
	var raws []json.RawMessage
	if err := json.Unmarshal(resp.Result, &raws); err != nil {
		return nil, fmt.Errorf("telegram: get updates: decode result: %w", err)
	}
	return raws, nil
}

// confirm tells Telegram, after the drain, which updates were handled, so
// a restart does not fetch them again (the ledger would skip them, but
// there is no need).
func (a *Adapter) confirm(tr *tracker) {
	offset := tr.offset()
	if offset == 0 {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), confirmTimeout)
	defer cancel()
	// limit 1, timeout 0: the answer is not used; the offset is the point.
	cfg := tgbotapi.UpdateConfig{Offset: offset, Limit: 1, AllowedUpdates: allowedUpdates}
	if _, err := a.client(ctx, confirmTimeout).Request(cfg); err != nil {
		a.log.Warn("telegram: could not confirm the last updates; they will be redelivered", "err", err)
	}
}
