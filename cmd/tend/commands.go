package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"runtime/debug"
	"strings"
	"time"

	"github.com/tend-crm/tend/bot"
	"github.com/tend-crm/tend/bot/console"
	"github.com/tend-crm/tend/conversation"
	"github.com/tend-crm/tend/reminders"
	"github.com/tend-crm/tend/store"
)

func runChat(ctx context.Context, e env, args []string) error {
	f := newFlags(e, "chat", "").withDB()
	as := f.String("as", "", "your name in the chat (default $USER)")
	now := f.String("now", "", "pin the clock to this RFC3339 time, to replay a conversation")
	tz := f.String("tz", "", "your time zone, an IANA name (default: the one you set in the chat, else users.default_time_zone, else the machine's)")
	remind := f.Bool("reminders", isTerminal(e.stdin), "show reminders (digest, due follow-ups) in the chat; default on for a terminal, off for piped input")
	if err := f.parse(args); err != nil {
		return err
	}
	cfg, err := loadConfig(e, f)
	if err != nil {
		return err
	}
	clock, err := parseNow(*now)
	if err != nil {
		return err
	}
	// --tz is said on every message, as Slack's profile zone is; without
	// it the person's own setting ("my time zone is …") stands, and a new
	// person gets users.default_time_zone (the machine's).
	if *tz != "" {
		if _, err := loadZone(*tz); err != nil {
			return err
		}
	}
	name := *as
	if name == "" {
		name = e.getenv("USER")
	}
	if name == "" {
		name = "me"
	}
	// The chat is for one person at a terminal: logs only when something
	// is wrong, and on stderr so they never mix with the conversation.
	cfg.Log.Level = "warn"
	logger := newLogger(cfg.Log, e.stderr)
	db, err := openStore(ctx, cfg, logger, clock, mayCreate)
	if err != nil {
		return err
	}
	defer db.Close()
	release, err := holdStore(cfg)
	if err != nil {
		return err
	}
	defer release()
	router := newRouter(db, cfg, logger)
	router.Now = clock
	router.Enroll = conversation.EnrollAs(store.RoleAdmin) // the person at the terminal owns this file
	a := &console.Adapter{
		In:      e.stdin,
		Out:     e.stdout,
		User:    bot.Sender{ID: name, Name: name, TimeZone: *tz},
		Handler: bot.Chain(router, bot.Recover(logger)),
		Logger:  logger,
	}
	if isTerminal(e.stdin) {
		a.Prompt = "> "
		fmt.Fprintf(e.stdout, "Tend — your customers, remembered. Data in %s. Type help, or Ctrl-D to leave.\n", cfg.Store.Where())
	}
	if !*remind {
		return a.Run(ctx)
	}
	ctx, stop := context.WithCancel(ctx)
	defer stop()
	s := newScheduler(db, a, router, cfg, logger, bot.Console)
	s.Now = clock
	s.Tick(ctx) // what is owed now comes before the first prompt
	done := make(chan error, 1)
	go func() { done <- s.Run(ctx) }()
	err = a.Run(ctx)
	stop()
	return errors.Join(err, <-done)
}

// newScheduler builds the reminders for the platforms given, in order of
// preference.
func newScheduler(db reminders.Source, n bot.Notifier, c reminders.Composer, cfg Config, logger *slog.Logger, platforms ...bot.Platform) *reminders.Scheduler {
	return &reminders.Scheduler{
		Source:    db,
		Notifier:  n,
		Composer:  c,
		Now:       time.Now,
		Logger:    logger.With("part", "reminders"),
		CatchUp:   cfg.Reminders.CatchUpDuration(),
		Platforms: platforms,
	}
}

// newSummary is the weekly pipeline summary job, or nil when no chat is
// configured for it.
func newSummary(db reminders.SummarySource, n bot.Notifier, c reminders.SummaryComposer, cfg Config, logger *slog.Logger) *reminders.Summary {
	to, ok := cfg.Deals.SummaryTarget()
	if !ok {
		return nil
	}
	return &reminders.Summary{Source: db, Notifier: n, Composer: c, To: to, Lang: cfg.Deals.SummaryLang,
		Spec: cfg.Deals.SummaryCron, Location: time.Local, Now: time.Now, Logger: logger.With("part", "summary")}
}

func isTerminal(r any) bool {
	f, ok := r.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

func runParse(ctx context.Context, e env, args []string) error {
	f := newFlags(e, "parse", "TEXT")
	now := f.String("now", "", "reference time, RFC3339 (default: now)")
	tz := f.String("tz", "", "time zone to read dates in (default: --now's offset, else the machine's)")
	words, err := f.parseInterleaved(args)
	if err != nil {
		return err
	}
	text := strings.Join(words, " ")
	if text == "" {
		f.Usage()
		return errUsage
	}
	clock, err := parseNow(*now)
	if err != nil {
		return err
	}
	var loc *time.Location
	switch {
	case *tz != "":
		if loc, err = loadZone(*tz); err != nil {
			return err
		}
	case *now != "": // "…T10:00:00+07:00" says where the clock is
		loc = clock().Location()
	default:
		if loc, err = loadZone(localZone(e.getenv)); err != nil {
			return err
		}
	}
	in := conversation.Parse(text, clock().In(loc), loc)
	enc := json.NewEncoder(e.stdout)
	enc.SetEscapeHTML(false)
	return enc.Encode(in)
}

func runMigrate(ctx context.Context, e env, args []string) error {
	f := newFlags(e, "migrate", "").withDB()
	if err := f.parse(args); err != nil {
		return err
	}
	cfg, db, err := openData(ctx, e, f, mayCreate)
	if err != nil {
		return err
	}
	defer db.Close()
	names, err := db.Migrations(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "%s is up to date: %s\n", cfg.Store.Where(), strings.Join(names, ", "))
	return nil
}

func runVersion(ctx context.Context, e env, args []string) error {
	f := newFlags(e, "version", "")
	if err := f.parse(args); err != nil {
		return err
	}
	v := version
	if info, ok := debug.ReadBuildInfo(); ok && v == "dev" && info.Main.Version != "" && info.Main.Version != "(devel)" {
		v = info.Main.Version
	}
	fmt.Fprintf(e.stdout, "tend %s\n", v)
	return nil
}

func runBackup(ctx context.Context, e env, args []string) error {
	f := newFlags(e, "backup", "PATH").withDB()
	if err := f.parse(args); err != nil {
		return err
	}
	if f.NArg() != 1 {
		f.Usage()
		return errUsage
	}
	cfg, db, err := openData(ctx, e, f, mustExist)
	if err != nil {
		return err
	}
	defer db.Close()
	lite, err := sqliteOnly(db, "backup")
	if err != nil {
		return err
	}
	if err := lite.Backup(ctx, f.Arg(0)); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "backed up %s to %s\n", cfg.Store.Path, f.Arg(0))
	return nil
}
