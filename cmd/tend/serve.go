package main

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"sync"
	"time"

	"github.com/tend-crm/tend/bot"
	tendslack "github.com/tend-crm/tend/bot/slack"
	"github.com/tend-crm/tend/bot/telegram"
)

// adapter is what serve runs of each chat platform.
type adapter interface {
	bot.Notifier
	connector
	Run(ctx context.Context) error
}

// shutdownTimeout bounds a shutdown: from SIGTERM or SIGINT to the store
// closed. The adapters' own drains fit in it (Telegram: 10s for handlers
// to finish, 10s more once cancelled, 5s to confirm; Slack alike); past
// it serve gives up on the parts still running and exits with an error.
// A change is one transaction, so nothing is left half-written.
const shutdownTimeout = 40 * time.Second

func runServe(ctx context.Context, e env, args []string) error {
	f := newFlags(e, "serve", "").withDB()
	if err := f.parse(args); err != nil {
		return err
	}
	cfg, err := loadConfig(e, f)
	if err != nil {
		return err
	}
	if cfg.Slack.BotToken == "" && cfg.Telegram.Token == "" {
		// Before the store opens: a mistyped config must not leave a new
		// database file behind.
		return errors.New("serve: no chat platform configured: set slack.bot_token and slack.app_token, or telegram.token " +
			"(see config.example.yaml); to try Tend without one, run 'tend chat'")
	}
	logger := newLogger(cfg.Log, e.stderr)
	warnExposedConfig(logger, f.configPath)
	// A new file is removed again if serve stops before it starts (a bad
	// adapter setting, the admin port taken): a mistyped config must not
	// leave a database behind.
	_, statErr := os.Stat(cfg.Store.Path)
	fresh, started := cfg.Store.Driver == driverSQLite && errors.Is(statErr, fs.ErrNotExist), false
	defer func() {
		if fresh && !started {
			removeDB(cfg.Store.Path)
		}
	}()
	db, err := openStore(ctx, cfg, logger, nil, mayCreate)
	if err != nil {
		return err
	}
	defer db.Close() // last: after every part below has stopped
	release, err := holdStore(cfg)
	if err != nil {
		return err
	}
	defer release()
	m := newMetrics()
	router := newRouter(db, cfg, logger)
	router.Observe = m.observer(logger)
	handler := bot.Chain(router, bot.Recover(logger))

	replica := replicaID()
	adapters, platforms, err := newAdapters(cfg, handler, db, replica, m, logger)
	if err != nil {
		return err
	}
	mux := bot.Mux{}
	health := map[bot.Platform]connector{}
	for i, a := range adapters {
		mux[platforms[i]] = a
		health[platforms[i]] = a
	}
	router.Notifier = mux // a deal's news, to the chats bound to it
	sched := newScheduler(db, countSends{mux, m}, router, cfg, logger, platforms...)

	// Every part runs until ctx ends (SIGINT/SIGTERM) or one fails, which
	// stops the others. Adapters finish the updates they took (bounded)
	// before Run returns; the scheduler finishes its tick; then the store
	// closes.
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	if cfg.Admin.Listen != "" {
		admin, err := startAdmin(cfg.Admin.Listen, adminHandler(ctx, db, health, m), logger)
		if err != nil {
			return err
		}
		// Stopped after the parts: /healthz answers 503 while they drain.
		defer func() {
			if err := admin.shutdown(); err != nil {
				logger.Warn("admin listener", "err", err)
			}
		}()
	}
	started = true
	var wg sync.WaitGroup
	errs := make([]error, len(adapters)+2)
	start := func(i int, name string, run func(context.Context) error) {
		wg.Go(func() {
			if err := run(ctx); err != nil && !errors.Is(err, context.Canceled) {
				errs[i] = fmt.Errorf("%s: %w", name, err)
				cancel()
			}
		})
	}
	for i, a := range adapters {
		start(i, string(platforms[i]), a.Run)
	}
	start(len(adapters), "reminders", sched.Run)
	if sum := newSummary(db, mux, router, cfg, logger); sum != nil {
		start(len(adapters)+1, "summary", sum.Run)
	}
	logger.Info("tend serving", "platforms", platforms, "db", cfg.Store.Where(), "replica", replica)
	stopped := make(chan struct{})
	go func() { wg.Wait(); close(stopped) }()
	select {
	case <-stopped:
	case <-ctx.Done():
		logger.Info("tend stopping: finishing the messages in flight", "limit", shutdownTimeout.String())
		select {
		case <-stopped:
		case <-time.After(shutdownTimeout):
			return fmt.Errorf("serve: parts still running %s after the stop signal; exiting without them", shutdownTimeout)
		}
	}
	logger.Info("tend stopped")
	return errors.Join(errs...)
}

// slackTimeout bounds a Slack Web API call, as the adapter's default
// client does; Telegram's calls carry their own deadlines.
const slackTimeout = 30 * time.Second

// replicaID names this process among the replicas serving one database:
// the host, the pid and a random part, since a restarted container often
// has the same host name and pid.
func replicaID() string {
	host, err := os.Hostname()
	if err != nil {
		host = "unknown"
	}
	return fmt.Sprintf("%s-%d-%s", host, os.Getpid(), rand.Text()[:8])
}

// newAdapters builds an adapter for every platform whose token is set.
// Replicas share Telegram polling through leases in the store, held as
// replica.
func newAdapters(cfg Config, h bot.Handler, leases telegram.Leases, replica string, m *metrics, logger *slog.Logger) ([]adapter, []bot.Platform, error) {
	var adapters []adapter
	var platforms []bot.Platform
	if c := cfg.Slack; c.BotToken != "" {
		a, err := tendslack.New(tendslack.Config{BotToken: c.BotToken, AppToken: c.AppToken, SigningSecret: c.SigningSecret,
			APIURL: c.APIURL, Mode: c.Mode, Listen: c.Listen, TeamID: c.TeamID,
			HTTPClient: m.client(bot.Slack, slackTimeout)}, h, logger)
		if err != nil {
			return nil, nil, fmt.Errorf("config: %w", err) // "slack: …" says which
		}
		adapters, platforms = append(adapters, a), append(platforms, bot.Slack)
	}
	if c := cfg.Telegram; c.Token != "" {
		a, err := telegram.New(telegram.Config{Token: c.Token, APIEndpoint: c.APIURL, Mode: c.Mode, Listen: c.Listen,
			WebhookURL: c.WebhookURL, WebhookSecret: c.WebhookSecret, Unpaced: !c.Pace,
			Leases: leases, Replica: replica, PollLease: c.PollLeaseDuration(),
			HTTPClient: m.client(bot.Telegram, 0)}, h, logger)
		if err != nil {
			return nil, nil, err // "telegram: config: …"
		}
		adapters, platforms = append(adapters, a), append(platforms, bot.Telegram)
	}
	return adapters, platforms, nil
}
