// Package reminders sends what users are owed without asking: the morning
// digest and the ping when a follow-up falls due. robfig/cron only ticks
// every minute; what is due is a pure function of the clock and the store,
// and the store's delivery ledger makes each reminder go out once.
//
// The guarantee is at most once: a reminder's key is claimed in the ledger
// before it is sent and its outcome recorded after (sent, sent in part,
// skipped at night, failed to compose). Only a send that put nothing out
// releases the claim, so a later tick retries it until it is more than
// CatchUp late. A crash between claim and send loses that one message, and
// nothing is lost for good: every follow-up also shows, overdue, in the
// next digest.
//
// Several replicas on one database each run a Scheduler and tick every
// minute: nothing is decided in memory, so of those that find a reminder
// due, the one whose claim succeeds sends it, and the others skip it. The
// weekly Summary and the posts to a deal's chats are claimed alike.
package reminders

import (
	"context"
	"errors"
	"log/slog"
	"slices"
	"time"

	"github.com/robfig/cron/v3"

	"github.com/tend-crm/tend/bot"
	"github.com/tend-crm/tend/store"
)

// DefaultCatchUp is how late a reminder may still go out, after a restart
// or failed sends.
const DefaultCatchUp = 6 * time.Hour

// Source is what the scheduler reads and records.
type Source interface {
	store.Users
	store.Deliveries
	store.Due
	store.Housekeeping
}

// Retention is how long the event and draft ledgers are kept.
const Retention = 30 * 24 * time.Hour

// Composer words reminders; conversation implements it, so that reminders
// needs no language.
type Composer interface {
	// Digest returns the user's morning digest; ok is false when there is
	// nothing to tell.
	Digest(ctx context.Context, u store.User, now time.Time) (r bot.Reply, ok bool, err error)
	// FollowUpDue returns the ping for a follow-up that fell due.
	FollowUpDue(ctx context.Context, u store.User, f store.FollowUp, now time.Time, late bool) (bot.Reply, error)
}

// Scheduler sends reminders through the Notifier of each user's platform.
type Scheduler struct {
	Source   Source
	Notifier bot.Notifier
	Composer Composer
	Now      func() time.Time
	Logger   *slog.Logger
	CatchUp  time.Duration
	// Platforms are those a reminder can be sent on, in order of
	// preference; a user is reached on the first with a private chat.
	Platforms []bot.Platform
}

// Run ticks every minute until ctx ends, and once at start to catch up.
// It waits for a running tick before returning.
func (s *Scheduler) Run(ctx context.Context) error {
	s.defaults()
	logger := cronLogger{s.Logger}
	c := cron.New(cron.WithLocation(time.UTC), cron.WithLogger(logger),
		cron.WithChain(cron.Recover(logger), cron.SkipIfStillRunning(logger)))
	id, err := c.AddFunc("* * * * *", func() { s.Tick(ctx) })
	if err != nil {
		return err
	}
	c.Start()
	c.Entry(id).WrappedJob.Run() // the catch-up tick, through the same wrappers
	<-ctx.Done()
	<-c.Stop().Done()
	return nil
}

func (s *Scheduler) defaults() {
	if s.Now == nil {
		s.Now = time.Now
	}
	if s.Logger == nil {
		s.Logger = slog.New(slog.DiscardHandler)
	}
	if s.CatchUp <= 0 {
		s.CatchUp = DefaultCatchUp
	}
}

// failed logs a read that failed, as an error unless the tick was
// cancelled (Tend is stopping): that is not worth waking anyone.
func (s *Scheduler) failed(ctx context.Context, what string, err error) {
	level := slog.LevelError
	if ctx.Err() != nil {
		level = slog.LevelDebug
	}
	s.Logger.Log(ctx, level, what, "err", err)
}

// Tick sends every reminder due at Now that has not gone out yet, and
// once an hour prunes the ledgers.
func (s *Scheduler) Tick(ctx context.Context) {
	s.defaults()
	now := s.Now()
	if now.Minute() == 0 {
		if n, err := s.Source.Prune(ctx, now.Add(-Retention)); err != nil {
			s.failed(ctx, "reminders: prune", err)
		} else if n > 0 {
			s.Logger.Info("reminders: pruned ledgers", "rows", n)
		}
	}
	users, err := s.Source.ListUsers(ctx)
	if err != nil {
		s.failed(ctx, "reminders: list users", err)
		return
	}
	byID := make(map[store.UserID]store.User, len(users))
	for _, u := range users {
		byID[u.ID] = u
		if r, ok := DigestDue(u, now, s.CatchUp); ok {
			s.deliver(ctx, r, now)
		}
	}
	due, err := s.Source.DueFollowUps(ctx, now.Add(-s.CatchUp), now)
	if err != nil {
		s.failed(ctx, "reminders: due follow-ups", err)
		return
	}
	for _, f := range due {
		if u, ok := byID[f.OwnerID]; ok {
			s.deliver(ctx, FollowUpDue(u, f), now)
			s.postToDeal(ctx, u, f, now)
		}
	}
}

// deliver claims, composes, sends and records one reminder.
func (s *Scheduler) deliver(ctx context.Context, r Reminder, now time.Time) {
	log := s.Logger.With("key", r.Key, bot.LogKeyUser, r.User.ID)
	to, ok := s.target(r.User)
	if !ok {
		log.Debug("reminders: user has no private chat")
		return
	}
	claimed, err := s.Source.ClaimDelivery(ctx, r.Key, r.User.ID)
	if err != nil || !claimed {
		if err != nil {
			log.Error("reminders: claim", "err", err)
		}
		return
	}
	// From here the key is ours; every path records how it ended.
	done := func(ref string) { mark(ctx, s.Source, log, r.Key, ref) }
	late := r.Late(now)
	if late && Quiet(now.In(store.Zone(r.User.TimeZone))) {
		// A late ping at night waits for no one: the morning digest lists
		// the follow-up as overdue.
		log.Info("reminders: late at night, left to the digest", "kind", r.Kind)
		done("skipped: late at night")
		return
	}
	reply, send, err := s.compose(ctx, r, now, late)
	switch {
	case err != nil:
		// Not a platform failure: retrying each minute would fail the
		// same way (the customer was reassigned, say).
		log.Error("reminders: compose", "err", err)
		done("failed: " + err.Error())
		return
	case !send:
		done("empty")
		return
	}
	if sendClaimed(ctx, s.Source, s.Notifier, log, r.Key, to, reply) {
		log.Info("reminder sent", "kind", r.Kind, "late", late)
	}
}

// sendClaimed sends the message of a claimed key and records the outcome.
// Only a send that put nothing out releases the key, for a later try.
func sendClaimed(ctx context.Context, l store.Deliveries, n bot.Notifier, log *slog.Logger, key string, to bot.Target, reply bot.Reply) bool {
	ref, err := n.Send(ctx, to, reply)
	switch {
	case err == nil:
		mark(ctx, l, log, key, ref.ID)
		return true
	case ref.ID != "":
		// Part of a long message went out: sending again would repeat it.
		log.Error("reminders: sent in part", "err", err)
		mark(ctx, l, log, key, ref.ID)
	default:
		log.Warn("reminders: not sent, will retry", "err", err)
		if rerr := l.ReleaseDelivery(context.WithoutCancel(ctx), key, err.Error()); rerr != nil {
			log.Error("reminders: release", "err", rerr)
		}
	}
	return false
}

// mark records how a claimed key ended, even while shutting down.
func mark(ctx context.Context, l store.Deliveries, log *slog.Logger, key, ref string) {
	if err := l.MarkDelivered(context.WithoutCancel(ctx), key, ref); err != nil {
		log.Error("reminders: outcome not recorded", "ref", ref, "err", err)
	}
}

func (s *Scheduler) compose(ctx context.Context, r Reminder, now time.Time, late bool) (bot.Reply, bool, error) {
	switch r.Kind {
	case KindDigest:
		return s.Composer.Digest(ctx, r.User, now)
	case KindFollowUp:
		reply, err := s.Composer.FollowUpDue(ctx, r.User, *r.FollowUp, now, late)
		return reply, err == nil, err
	}
	return bot.Reply{}, false, errors.New("reminders: unknown kind " + string(r.Kind))
}

// target is the user's private chat on the first platform that has one.
func (s *Scheduler) target(u store.User) (bot.Target, bool) {
	for _, p := range s.Platforms {
		i := slices.IndexFunc(u.Identities, func(id store.Identity) bool { return id.Platform == string(p) && id.ChatID != "" })
		if i >= 0 {
			return bot.Target{Platform: p, ChatID: u.Identities[i].ChatID}, true
		}
	}
	return bot.Target{}, false
}

// cronLogger lets cron log through slog; its chatter is debug.
type cronLogger struct{ l *slog.Logger }

func (c cronLogger) Info(msg string, kv ...any) { c.l.Debug("cron: "+msg, kv...) }
func (c cronLogger) Error(err error, msg string, kv ...any) {
	c.l.Error("cron: "+msg, append(kv, "err", err)...)
}
