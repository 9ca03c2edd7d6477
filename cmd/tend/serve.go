package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"

	"github.com/tend-crm/tend/bot"
	tendslack "github.com/tend-crm/tend/bot/slack"
	"github.com/tend-crm/tend/bot/telegram"
)

// adapter is what serve runs of each chat platform.
type adapter interface {
	bot.Notifier
	Run(ctx context.Context) error
}

func runServe(ctx context.Context, e env, args []string) error {
	f := newFlags(e, "serve", "").withDB()
	if err := f.parse(args); err != nil {
		return err
	}
	cfg, err := loadConfig(e, f)
	if err != nil {
		return err
	}
	logger := newLogger(cfg.Log, e.stderr)
	db, err := openStore(ctx, cfg, logger)
	if err != nil {
		return err
	}
	defer db.Close() // last: after every part below has stopped
	router := newRouter(db, cfg, logger)
	handler := bot.Chain(router, bot.Recover(logger))

	adapters, platforms, err := newAdapters(cfg, handler, logger)
	if err != nil {
		return err
	}
	mux := bot.Mux{}
	for i, a := range adapters {
		mux[platforms[i]] = a
	}
	router.Notifier = mux // a deal's news goes to the chats bound to it
	sched := newScheduler(db, mux, router, cfg, logger, platforms...)

	// Every part runs until ctx ends (SIGINT/SIGTERM) or one fails, which
	// stops the others. Adapters finish the updates they took (bounded)
	// before Run returns; the scheduler finishes its tick; then the store
	// closes.
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
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
	logger.Info("tend serving", "platforms", platforms, "db", cfg.Store.Path)
	wg.Wait()
	logger.Info("tend stopped")
	return errors.Join(errs...)
}

// newAdapters builds an adapter for every platform whose token is set.
func newAdapters(cfg Config, h bot.Handler, logger *slog.Logger) ([]adapter, []bot.Platform, error) {
	var adapters []adapter
	var platforms []bot.Platform
	if c := cfg.Slack; c.BotToken != "" {
		a, err := tendslack.New(tendslack.Config{BotToken: c.BotToken, AppToken: c.AppToken, SigningSecret: c.SigningSecret,
			APIURL: c.APIURL, Mode: c.Mode, Listen: c.Listen, TeamID: c.TeamID}, h, logger.With(bot.LogKeyPlatform, "slack"))
		if err != nil {
			return nil, nil, &ConfigError{"slack", err}
		}
		adapters, platforms = append(adapters, a), append(platforms, bot.Slack)
	}
	if c := cfg.Telegram; c.Token != "" {
		a, err := telegram.New(telegram.Config{Token: c.Token, APIEndpoint: c.APIEndpoint, Mode: c.Mode, Listen: c.Listen,
			WebhookURL: c.WebhookURL, WebhookSecret: c.WebhookSecret}, h, logger.With(bot.LogKeyPlatform, "telegram"))
		if err != nil {
			return nil, nil, &ConfigError{"telegram", err}
		}
		adapters, platforms = append(adapters, a), append(platforms, bot.Telegram)
	}
	if len(adapters) == 0 {
		return nil, nil, errors.New("serve: no chat platform configured: set slack.bot_token and slack.app_token, or telegram.token " +
			"(see config.example.yaml); to try Tend without one, run 'tend chat'")
	}
	return adapters, platforms, nil
}
