package telegram

import (
	"context"
	"fmt"
	"log/slog"
	"sync/atomic"
	"time"
)

// DefaultPollLease is how long the poll lease lasts unless renewed: a
// replica that dies stops renewing it, and another takes polling over
// within that.
const DefaultPollLease = 15 * time.Second

// Leases is where the replicas serving one bot agree which of them polls:
// a row in the database they share. store.Leases has these methods.
type Leases interface {
	// AcquireLease takes the lease name for holder, or renews it, for
	// ttl; it returns false while another holder keeps it.
	AcquireLease(ctx context.Context, name, holder string, ttl time.Duration) (bool, error)
	// ReleaseLease gives holder's lease up, so another may take it at once.
	ReleaseLease(ctx context.Context, name, holder string) error
}

// lease is the poll lease of one bot, held by this replica or waited for.
type lease struct {
	l      Leases
	name   string // "telegram-poll:<bot id>": the token never leaves Telegram's calls
	holder string
	ttl    time.Duration
}

// every is how often the holder renews the lease and the others try to
// take it: three times a term, so that one slow renewal does not lose it.
func (l lease) every() time.Duration { return l.ttl / 3 }

// acquire takes or renews the lease, giving up after wait.
func (l lease) acquire(ctx context.Context, wait time.Duration) (bool, error) {
	ctx, cancel := context.WithTimeout(ctx, wait)
	defer cancel()
	return l.l.AcquireLease(ctx, l.name, l.holder, l.ttl)
}

// pollLeased polls while this replica holds the poll lease and stands by
// while another one does, trying to take it every ttl/3, until ctx ends
// or polling cannot go on. Getting the lease and losing it are logged.
func (a *Adapter) pollLeased(ctx context.Context) error {
	l := lease{l: a.cfg.Leases, name: fmt.Sprintf("telegram-poll:%d", a.me.ID), holder: a.cfg.Replica, ttl: a.cfg.PollLease}
	log := a.log.With("lease", l.name, "replica", l.holder)
	standing := false
	for {
		held, err := l.acquire(ctx, l.every())
		switch {
		case ctx.Err() != nil:
			return ctx.Err()
		case err != nil:
			a.connected.Store(false)
			log.Warn("telegram: poll lease unavailable; trying again", "err", err, "in", l.every())
		case held:
			standing = false
			log.Info("telegram: this replica polls (poll lease taken)")
			lost, err := a.pollHolding(ctx, l, log)
			if !lost {
				return err
			}
			log.Warn("telegram: poll lease lost; polling stopped, standing by")
		case !standing:
			// A standby is healthy: it reached Telegram and the database.
			standing = true
			a.connected.Store(true)
			log.Info("telegram: another replica polls; standing by", "retry_every", l.every())
		}
		if err := a.sleep(ctx, l.every()); err != nil {
			return err
		}
	}
}

// pollHolding polls while l is held, renewing it every ttl/3. A renewal
// that fails or finds the lease taken stops polling at once: lost is
// true, and what was handled is left unconfirmed for the new holder, whose
// event ledger skips it. Otherwise (ctx ended, polling failed) it confirms
// what was handled while still holding the lease, then releases it, so
// another replica takes over without waiting for it to expire.
func (a *Adapter) pollHolding(ctx context.Context, l lease, log *slog.Logger) (lost bool, err error) {
	term, stop := context.WithCancel(ctx)
	defer stop()
	var gone atomic.Bool
	quit, renewing := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(renewing)
		t := time.NewTicker(l.every())
		defer t.Stop()
		for {
			select {
			case <-quit:
				return
			case <-t.C:
			}
			// Renewed through the drain after ctx ends, until released. A
			// renewal may wait (on a busy database) until half the term,
			// which still ends before the lease does: a third of the term
			// passed before it started.
			held, err := l.acquire(context.WithoutCancel(ctx), l.ttl/2)
			if err != nil || !held {
				log.Warn("telegram: poll lease not renewed", "err", err, "taken", err == nil)
				gone.Store(true)
				stop()
				return
			}
		}
	}()
	tr, err := a.pollTerm(term)
	if !gone.Load() {
		a.confirm(tr)
	}
	close(quit)
	<-renewing
	if gone.Load() {
		a.connected.Store(false)
		if ctx.Err() != nil {
			return false, ctx.Err()
		}
		return true, nil
	}
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), confirmTimeout)
	defer cancel()
	if rerr := l.l.ReleaseLease(rctx, l.name, l.holder); rerr != nil {
		log.Warn("telegram: poll lease not released; another replica takes over when it expires", "err", rerr)
	} else {
		log.Info("telegram: poll lease released")
	}
	return false, err
}
