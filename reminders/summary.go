package reminders

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"time"

	"github.com/robfig/cron/v3"

	"github.com/tend-crm/tend/bot"
	"github.com/tend-crm/tend/store"
)

// DefaultSummarySpec posts the weekly pipeline summary on Monday at 08:00
// in the Summary's Location.
const DefaultSummarySpec = "0 8 * * MON"

// SummaryComposer words the pipeline summary of the whole team;
// conversation implements it.
type SummaryComposer interface {
	PipelineSummary(ctx context.Context, lang string, now time.Time, loc *time.Location) (bot.Reply, error)
}

// SummarySource is what the weekly summary reads and records.
type SummarySource interface {
	store.Users
	store.Deliveries
}

// Summary posts the team's pipeline summary to one chat each week, on a
// cron schedule. The delivery ledger keys it by ISO week, so it goes out
// at most once a week however often the schedule fires or Tend restarts.
type Summary struct {
	Source   SummarySource
	Notifier bot.Notifier
	Composer SummaryComposer
	To       bot.Target
	Lang     string
	Spec     string         // a five-field cron spec; DefaultSummarySpec when empty
	Location *time.Location // the zone of Spec and of the week; the server's when nil
	Now      func() time.Time
	Logger   *slog.Logger
}

// ParseSummarySpec checks a five-field cron spec ("0 8 * * MON").
func ParseSummarySpec(spec string) error {
	_, err := cron.ParseStandard(spec)
	return err
}

func (s *Summary) defaults() {
	if s.Spec == "" {
		s.Spec = DefaultSummarySpec
	}
	if s.Location == nil {
		s.Location = time.Local
	}
	if s.Now == nil {
		s.Now = time.Now
	}
	if s.Logger == nil {
		s.Logger = slog.New(slog.DiscardHandler)
	}
	if s.Lang == "" {
		s.Lang = "en"
	}
}

// Run posts on the schedule until ctx ends, waiting for a running post.
func (s *Summary) Run(ctx context.Context) error {
	s.defaults()
	logger := cronLogger{s.Logger}
	c := cron.New(cron.WithLocation(s.Location), cron.WithLogger(logger),
		cron.WithChain(cron.Recover(logger), cron.SkipIfStillRunning(logger)))
	if _, err := c.AddFunc(s.Spec, func() { s.Post(ctx) }); err != nil {
		return fmt.Errorf("reminders: summary schedule %q: %w", s.Spec, err)
	}
	c.Start()
	<-ctx.Done()
	<-c.Stop().Done()
	return nil
}

// Key names the summary of the week of now in the ledger: "summary:2026-W11".
func (s *Summary) Key(now time.Time) string {
	s.defaults()
	y, w := now.In(s.Location).ISOWeek()
	return fmt.Sprintf("summary:%d-W%02d", y, w)
}

// Post sends this week's summary unless it went out already.
func (s *Summary) Post(ctx context.Context) {
	s.defaults()
	now := s.Now()
	key := s.Key(now)
	log := s.Logger.With("key", key, bot.LogKeyChat, s.To.ChatID)
	by, err := s.recorder(ctx)
	if err != nil {
		log.Error("reminders: summary", "err", err)
		return
	}
	claimed, err := s.Source.ClaimDelivery(ctx, key, by)
	if err != nil || !claimed {
		if err != nil {
			log.Error("reminders: claim", "err", err)
		}
		return
	}
	reply, err := s.Composer.PipelineSummary(ctx, s.Lang, now, s.Location)
	if err != nil {
		log.Error("reminders: compose summary", "err", err)
		mark(ctx, s.Source, log, key, "failed: "+err.Error())
		return
	}
	if sendClaimed(ctx, s.Source, s.Notifier, log, key, s.To, reply) {
		log.Info("pipeline summary posted")
	}
}

// recorder is the user the ledger records the summary under, as every
// delivery has one: the first admin, else the first manager, else the
// first user.
func (s *Summary) recorder(ctx context.Context) (store.UserID, error) {
	users, err := s.Source.ListUsers(ctx)
	if err != nil {
		return 0, err
	}
	for _, role := range []store.Role{store.RoleAdmin, store.RoleManager, store.RoleRep} {
		if i := slices.IndexFunc(users, func(u store.User) bool { return u.Role == role }); i >= 0 {
			return users[i].ID, nil
		}
	}
	return 0, errors.New("no users yet")
}
