package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/tend-crm/tend/bot"
	"github.com/tend-crm/tend/conversation"
	"github.com/tend-crm/tend/store"
	"github.com/tend-crm/tend/store/postgres"
	"github.com/tend-crm/tend/store/sqlite"
)

// version is set at build time with -ldflags "-X main.version=…".
var version = "dev"

// env is what every command gets from the outside world, so that tests can
// run commands in-process with their own input and environment.
type env struct {
	getenv func(string) string
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
}

type command struct {
	name    string
	summary string
	run     func(ctx context.Context, e env, args []string) error
}

func commands() []command {
	return []command{
		{"chat", "talk to Tend in this terminal (no tokens needed)", runChat},
		{"serve", "run Tend for Slack and Telegram until stopped", runServe},
		{"parse", "show how Tend understands a message, as JSON", runParse},
		{"migrate", "bring the database up to date", runMigrate},
		{"migrate-data", "copy a SQLite install into an empty PostgreSQL database", runMigrateData},
		{"import", "bring customers, contacts, deals, activities or users from CSV files", runImport},
		{"export", "write your records to CSV or JSON files that import reads back", runExport},
		{"backup", "copy the database to a new file while Tend runs", runBackup},
		{"restore", "replace the database with a backup (Tend stopped)", runRestore},
		{"user", "add users (with their manager), list or remove them (add the first admin here)", runUser},
		{"audit", "write the audit log: who changed what, when, before and after", runAudit},
		{"bench", "generate a book and measure Tend on it (docs/performance.md)", runBench},
		{"version", "print the version", runVersion},
	}
}

// errUsage has been explained to the user already.
var errUsage = errors.New("usage")

func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	e := env{getenv: getenv, stdin: stdin, stdout: stdout, stderr: stderr}
	if len(args) == 0 {
		usage(stderr)
		return errUsage
	}
	if args[0] == "help" || isHelp(args[0]) {
		usage(stdout) // asked for: it goes where `| less` reads
		return nil
	}
	for _, c := range commands() {
		if c.name == args[0] {
			err := c.run(ctx, e, args[1:])
			if errors.Is(err, flag.ErrHelp) {
				return nil
			}
			if errors.Is(err, errUsage) {
				return fmt.Errorf("%s: bad arguments (see tend %s --help)", c.name, c.name)
			}
			return err
		}
	}
	usage(stderr)
	return fmt.Errorf("unknown command %q", args[0])
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "Usage: tend <command> [flags]\n\nCommands:")
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-13s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w, "\nRun 'tend <command> --help' for a command's flags.")
}

// flags is the flag set of one command with the flags most share.
type flags struct {
	*flag.FlagSet
	config string
	db     string
	// configPath is the file loadConfig read, if any.
	configPath string
	e          env
}

func newFlags(e env, name, args string) *flags {
	f := &flags{FlagSet: flag.NewFlagSet(name, flag.ContinueOnError), e: e}
	f.SetOutput(e.stderr)
	f.StringVar(&f.config, "config", "", "config file (default $TEND_CONFIG, else ./tend.yaml when present)")
	f.Usage = func() {
		fmt.Fprintf(f.Output(), "Usage: tend %s [flags] %s\n\nFlags:\n", name, args)
		f.PrintDefaults()
	}
	return f
}

// isHelp says whether arg asks for help.
func isHelp(arg string) bool { return arg == "-h" || arg == "-help" || arg == "--help" }

func (f *flags) withDB() *flags {
	f.StringVar(&f.db, "db", "", "SQLite file (overrides store.path)")
	return f
}

func (f *flags) parse(args []string) error {
	if slices.ContainsFunc(args, isHelp) {
		f.SetOutput(f.e.stdout) // asked for, as in run
	}
	if err := f.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return errUsage
	}
	return nil
}

// parseInterleaved is parse for commands whose words and flags may come in
// any order ("user add Lan Nguyen --role admin"); the words are returned.
func (f *flags) parseInterleaved(args []string) ([]string, error) {
	var words []string
	for {
		if err := f.parse(args); err != nil {
			return nil, err
		}
		if f.NArg() == 0 {
			return words, nil
		}
		words, args = append(words, f.Arg(0)), f.Args()[1:]
	}
}

// loadConfig reads the config file the flags or environment name, or the
// defaults when there is none.
func loadConfig(e env, f *flags) (Config, error) {
	path := f.config
	if path == "" {
		path = e.getenv("TEND_CONFIG")
	}
	if path == "" {
		if _, err := os.Stat("tend.yaml"); err == nil {
			path = "tend.yaml"
		}
	}
	var cfg Config
	var err error
	if path == "" {
		cfg, err = ParseConfig(strings.NewReader(""), e.getenv)
	} else {
		file, ferr := os.Open(path)
		if ferr != nil {
			return cfg, fmt.Errorf("config: %w", ferr)
		}
		defer file.Close()
		cfg, err = ParseConfig(file, e.getenv)
		if err != nil {
			err = fmt.Errorf("%s: %w", path, err)
		}
	}
	f.configPath = path
	if f.db != "" {
		cfg.Store.Driver, cfg.Store.Path = driverSQLite, f.db
	}
	if cfg.Users.DefaultTimeZone == "" {
		cfg.Users.DefaultTimeZone = localZone(e.getenv)
	}
	return cfg, err
}

func newLogger(cfg LogConfig, w io.Writer) *slog.Logger {
	var level slog.Level
	level.UnmarshalText([]byte(cfg.Level)) // validated with the config
	opts := &slog.HandlerOptions{Level: level}
	if cfg.Format == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

// dataStore is what the commands use of a store, on either driver.
type dataStore interface {
	store.Store
	Ping(ctx context.Context) error
	Migrations(ctx context.Context) ([]string, error)
	Count(ctx context.Context, table string) (int64, error)
	RawInserts(ctx context.Context, n int) error
}

var (
	_ dataStore = (*sqlite.DB)(nil)
	_ dataStore = (*postgres.DB)(nil)
)

// opening says whether a command may create the SQLite file it is given.
type opening bool

const (
	mayCreate opening = false
	// mustExist: the command reads or copies a book; a mistyped path is an
	// error, not a new empty book.
	mustExist opening = true
)

// openStore opens the store cfg.Store names, migrated, with clock as its
// clock (nil: the real one).
func openStore(ctx context.Context, cfg Config, logger *slog.Logger, clock func() time.Time, how opening) (dataStore, error) {
	if clock == nil {
		clock = time.Now
	}
	stages := cfg.Deals.StageNames()
	if cfg.Store.Driver == driverPostgres {
		db, err := postgres.Open(ctx, cfg.Store.DSN, postgres.Options{})
		if err != nil {
			return nil, err
		}
		db.Logger, db.Stages, db.Now = logger, stages, clock
		return db, nil
	}
	db, err := sqlite.Open(ctx, cfg.Store.Path, sqlite.Options{Synchronous: cfg.Store.Synchronous, Logger: logger, Existing: bool(how)})
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("no database at %s: check --db or store.path (tend chat, serve, import and user add create one)", cfg.Store.Path)
	}
	if err != nil {
		return nil, err
	}
	db.Stages, db.Now = stages, clock
	return db, nil
}

// sqliteOnly returns the SQLite store behind db, or an error saying that
// what is named works on the sqlite driver only.
func sqliteOnly(db dataStore, what string) (*sqlite.DB, error) {
	if s, ok := db.(*sqlite.DB); ok {
		return s, nil
	}
	return nil, fmt.Errorf("%s works on the sqlite driver only (use PostgreSQL's own tools for a postgres store)", what)
}

// holdStore marks a SQLite file in use while a command runs (see
// holdInUse); a PostgreSQL database is shared by design.
func holdStore(cfg Config) (release func(), err error) {
	if cfg.Store.Driver == driverPostgres {
		return func() {}, nil
	}
	return holdInUse(cfg.Store.Path)
}

// openData loads the config and opens the store, for the commands that
// only work on data (migrate, backup, user).
func openData(ctx context.Context, e env, f *flags, how opening) (Config, dataStore, error) {
	cfg, err := loadConfig(e, f)
	if err != nil {
		return cfg, nil, err
	}
	db, err := openStore(ctx, cfg, newLogger(cfg.Log, e.stderr), nil, how)
	return cfg, db, err
}

func newRouter(db conversation.Store, cfg Config, logger *slog.Logger) *conversation.Router {
	r := conversation.NewRouter(db)
	r.Logger = logger
	r.DefaultTimeZone = cfg.Users.DefaultTimeZone
	r.Weights = cfg.Agenda.Weights()
	r.Enroll = enrollPolicy(cfg)
	r.Stages = cfg.Deals.Pipeline()
	return r
}

// enrollPolicy decides who comes in on first contact, without a code. On
// Slack, the adapter has already refused other workspaces: a member of
// ours comes in as a rep when users.enroll is rep. A Telegram bot can be
// found by anyone: only the ids on telegram.allowed_users come in (others
// need an invite code).
func enrollPolicy(cfg Config) func(bot.Platform, bot.Sender) store.Role {
	allowed := make(map[string]bool, len(cfg.Telegram.AllowedUsers))
	for _, id := range cfg.Telegram.AllowedUsers {
		allowed[strconv.FormatInt(id, 10)] = true
	}
	slackRole := store.Role("")
	if cfg.Users.Enroll == "rep" {
		slackRole = store.RoleRep
	}
	return func(p bot.Platform, from bot.Sender) store.Role {
		switch {
		case p == bot.Slack:
			return slackRole
		case p == bot.Telegram && allowed[from.ID]:
			return store.RoleRep
		}
		return ""
	}
}

// parseNow reads --now; empty means the real clock.
func parseNow(s string) (func() time.Time, error) {
	if s == "" {
		return time.Now, nil
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return nil, fmt.Errorf("--now: want RFC3339 like 2026-03-09T10:00:00+07:00: %w", err)
	}
	return func() time.Time { return t }, nil
}

func loadZone(name string) (*time.Location, error) {
	loc, err := time.LoadLocation(name)
	if err != nil {
		return nil, fmt.Errorf("--tz: unknown time zone %q (use an IANA name like Asia/Ho_Chi_Minh)", name)
	}
	return loc, nil
}
