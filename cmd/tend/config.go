package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/tend-crm/tend/bot"
	"github.com/tend-crm/tend/conversation"
	"github.com/tend-crm/tend/reminders"
	"github.com/tend-crm/tend/store"
	"github.com/tend-crm/tend/store/postgres"
)

// Config is every setting of Tend, grouped by part. config.example.yaml
// documents each key; a test parses it so the two cannot drift apart.
type Config struct {
	Store     StoreConfig     `yaml:"store"`
	Users     UsersConfig     `yaml:"users"`
	Slack     SlackConfig     `yaml:"slack"`
	Telegram  TelegramConfig  `yaml:"telegram"`
	Reminders RemindersConfig `yaml:"reminders"`
	Agenda    AgendaConfig    `yaml:"agenda"`
	Admin     AdminConfig     `yaml:"admin"`
	Deals     DealsConfig     `yaml:"deals"`
	Log       LogConfig       `yaml:"log"`
}

// AgendaConfig weighs the reasons "who should I follow up with?" ranks by
// (store.Weights; README explains them). The defaults are
// store.DefaultWeights.
type AgendaConfig struct {
	Overdue       float64 `yaml:"overdue"`
	OverduePerDay float64 `yaml:"overdue_per_day"`
	DueToday      float64 `yaml:"due_today"`
	Upcoming      float64 `yaml:"upcoming"`
	Cadence       float64 `yaml:"cadence"`
	CadencePerDay float64 `yaml:"cadence_per_day"`
	OccasionToday float64 `yaml:"occasion_today"`
	OccasionSoon  float64 `yaml:"occasion_soon"`
	Stuck         float64 `yaml:"stuck"`
	StuckPerDay   float64 `yaml:"stuck_per_day"`
	Unqualified   float64 `yaml:"unqualified"`
	ReferralAsk   float64 `yaml:"referral_ask"`
	MaxDays       int     `yaml:"max_days"`
	SegmentA      float64 `yaml:"segment_a"`
	SegmentB      float64 `yaml:"segment_b"`
	SegmentC      float64 `yaml:"segment_c"`
}

// Weights are the configured agenda weights.
func (c AgendaConfig) Weights() store.Weights {
	return store.Weights{
		Overdue: c.Overdue, OverduePerDay: c.OverduePerDay, DueToday: c.DueToday, Upcoming: c.Upcoming,
		Cadence: c.Cadence, CadencePerDay: c.CadencePerDay, OccasionToday: c.OccasionToday, OccasionSoon: c.OccasionSoon,
		Stuck: c.Stuck, StuckPerDay: c.StuckPerDay, Unqualified: c.Unqualified, ReferralAsk: c.ReferralAsk, MaxDays: c.MaxDays,
		Segment: map[string]float64{"A": c.SegmentA, "B": c.SegmentB, "C": c.SegmentC},
	}
}

func agendaConfig(w store.Weights) AgendaConfig {
	seg := func(s string) float64 {
		if f, ok := w.Segment[s]; ok {
			return f
		}
		return 1
	}
	return AgendaConfig{
		Overdue: w.Overdue, OverduePerDay: w.OverduePerDay, DueToday: w.DueToday, Upcoming: w.Upcoming,
		Cadence: w.Cadence, CadencePerDay: w.CadencePerDay, OccasionToday: w.OccasionToday, OccasionSoon: w.OccasionSoon,
		Stuck: w.Stuck, StuckPerDay: w.StuckPerDay, Unqualified: w.Unqualified, ReferralAsk: w.ReferralAsk, MaxDays: w.MaxDays,
		SegmentA: seg("A"), SegmentB: seg("B"), SegmentC: seg("C"),
	}
}

type AdminConfig struct {
	// Listen is the address of /healthz and /metrics; empty: off.
	Listen string `yaml:"listen"`
}

// DealsConfig sets the pipeline's stages and the weekly pipeline summary
// posted to a team chat.
type DealsConfig struct {
	// SummaryChat is "platform:chat id" ("slack:C123", "telegram:-1001234");
	// empty posts no summary.
	SummaryChat string `yaml:"summary_chat"`
	// SummaryCron is when, as a five-field cron spec in the server's zone.
	SummaryCron string `yaml:"summary_cron"`
	// SummaryLang is the summary's language: en or vi.
	SummaryLang string `yaml:"summary_lang"`
	// Stages are the pipeline in order, each with the chance in percent
	// that a deal at it is won. Won (100) and lost (0) are added when
	// missing. Not settable from the environment.
	Stages []StageConfig `yaml:"stages"`
}

// StageConfig is one stage of deals.stages.
type StageConfig struct {
	Name        string `yaml:"name"`
	Probability int    `yaml:"probability"`
}

// Pipeline is Stages with won and lost.
func (c DealsConfig) Pipeline() []conversation.DealStage {
	var out []conversation.DealStage
	for _, s := range c.Stages {
		out = append(out, conversation.DealStage{Name: s.Name, Probability: s.Probability})
	}
	for _, end := range []conversation.DealStage{{Name: store.DealWon, Probability: 100}, {Name: store.DealLost, Probability: 0}} {
		if !slices.ContainsFunc(out, func(s conversation.DealStage) bool { return s.Name == end.Name }) {
			out = append(out, end)
		}
	}
	return out
}

// StageNames are the names of Pipeline, for the store.
func (c DealsConfig) StageNames() []string {
	var out []string
	for _, s := range c.Pipeline() {
		out = append(out, s.Name)
	}
	return out
}

func stagesConfig(p []conversation.DealStage) []StageConfig {
	out := make([]StageConfig, len(p))
	for i, s := range p {
		out[i] = StageConfig{Name: s.Name, Probability: s.Probability}
	}
	return out
}

func (c DealsConfig) validateStages() error {
	if len(c.Stages) == 0 || c.Stages[0].Name == store.DealWon || c.Stages[0].Name == store.DealLost {
		return errors.New("must start with a stage a new deal is at, before won and lost")
	}
	seen := map[string]bool{}
	for _, s := range c.Stages {
		key := store.Fold(strings.TrimSpace(s.Name))
		if key == "" || key != s.Name || len(s.Name) > 40 {
			return fmt.Errorf("stage %q: a name in lower case without diacritics, at most 40 bytes", s.Name)
		}
		if seen[key] {
			return fmt.Errorf("stage %q twice", s.Name)
		}
		seen[key] = true
		if s.Probability < 0 || s.Probability > 100 {
			return fmt.Errorf("stage %q: probability %d is not a percent", s.Name, s.Probability)
		}
	}
	return nil
}

// SummaryTarget is SummaryChat parsed; ok is false when it is not set.
func (c DealsConfig) SummaryTarget() (bot.Target, bool) {
	p, chat, ok := strings.Cut(c.SummaryChat, ":")
	return bot.Target{Platform: bot.Platform(p), ChatID: chat}, ok && chat != ""
}

type RemindersConfig struct {
	// CatchUp is how late a reminder may still go out after Tend was down
	// or a platform failed, as a Go duration ("6h").
	CatchUp string `yaml:"catch_up"`
}

// CatchUpDuration is CatchUp parsed; Validate has checked it.
func (c RemindersConfig) CatchUpDuration() time.Duration {
	d, _ := time.ParseDuration(c.CatchUp)
	return d
}

type StoreConfig struct {
	// Driver is sqlite (one file: Path) or postgres (a server: DSN).
	Driver      string `yaml:"driver"`
	Path        string `yaml:"path"`
	Synchronous string `yaml:"synchronous"`
	DSN         string `yaml:"dsn"`
}

// Where names the database for messages: the file, or the server and
// database (never the DSN's password).
func (c StoreConfig) Where() string {
	if c.Driver == driverPostgres {
		return postgres.Describe(c.DSN)
	}
	return c.Path
}

// Store drivers.
const (
	driverSQLite   = "sqlite"
	driverPostgres = "postgres"
)

type UsersConfig struct {
	// Enroll is what happens to a person who writes to Tend for the first
	// time: "rep" lets them in as a rep, "none" turns them away.
	Enroll string `yaml:"enroll"`
	// DefaultTimeZone is a new user's zone when their platform tells none;
	// empty means the machine's.
	DefaultTimeZone string `yaml:"default_time_zone"`
}

type SlackConfig struct {
	BotToken      string `yaml:"bot_token"`
	AppToken      string `yaml:"app_token"`
	SigningSecret string `yaml:"signing_secret"`
	APIURL        string `yaml:"api_url"`
	Mode          string `yaml:"mode"`    // socket or http
	Listen        string `yaml:"listen"`  // http mode
	TeamID        string `yaml:"team_id"` // only this workspace
}

type TelegramConfig struct {
	Token         string `yaml:"token"`
	APIURL        string `yaml:"api_url"` // the Bot API endpoint format: token, then method
	Mode          string `yaml:"mode"`    // polling or webhook
	Listen        string `yaml:"listen"`
	WebhookURL    string `yaml:"webhook_url"`
	WebhookSecret string `yaml:"webhook_secret"`
	// PollLease is how long the poll lease lasts unless renewed, as a Go
	// duration: a dead replica's polling is taken over within it.
	PollLease string `yaml:"poll_lease"`
	// Pace keeps to Telegram's flood limits; off only for a stand-in Bot
	// API in tests.
	Pace bool `yaml:"pace"`
	// AllowedUsers are the numeric Telegram user ids let in on first
	// contact; everyone else needs an invite code.
	AllowedUsers []int64 `yaml:"allowed_users"`
}

// PollLeaseDuration is PollLease parsed; Validate has checked it.
func (c TelegramConfig) PollLeaseDuration() time.Duration {
	d, _ := time.ParseDuration(c.PollLease)
	return d
}

type LogConfig struct {
	Level  string `yaml:"level"`  // debug, info, warn, error
	Format string `yaml:"format"` // text or json
}

// DefaultConfig is what Tend runs with when nothing is configured.
func DefaultConfig() Config {
	return Config{
		Store: StoreConfig{Driver: driverSQLite, Path: "tend.db", Synchronous: "full"},
		Users: UsersConfig{Enroll: "rep"},
		Slack: SlackConfig{APIURL: "https://slack.com/api/", Mode: "socket", Listen: ":3000"},
		Telegram: TelegramConfig{
			APIURL:    "https://api.telegram.org/bot%s/%s",
			Mode:      "polling",
			Listen:    ":8443",
			PollLease: "15s",
			Pace:      true,
		},
		Reminders: RemindersConfig{CatchUp: "6h"},
		Agenda:    agendaConfig(store.DefaultWeights),
		Deals: DealsConfig{SummaryCron: reminders.DefaultSummarySpec, SummaryLang: "en",
			Stages: stagesConfig(conversation.DefaultPipeline)},
		Log: LogConfig{Level: "info", Format: "text"},
	}
}

// ConfigError says which setting is wrong.
type ConfigError struct {
	Field string
	Err   error
}

func (e *ConfigError) Error() string { return "config: " + e.Field + ": " + e.Err.Error() }
func (e *ConfigError) Unwrap() error { return e.Err }

// envRef is a ${VAR} of a config file. A bare $ stays as written: a
// password or path may hold one.
var envRef = regexp.MustCompile(`\$\{[A-Za-z_][A-Za-z0-9_]*\}`)

// yamlTypeError is one of yaml's complaints about a value or a key.
var yamlTypeError = regexp.MustCompile("^(line \\d+): (?:field (\\S+) not found in type \\S+|cannot unmarshal !!(\\w+) (`.*`)? ?into (\\S+))$")

// yamlError says what yaml found wrong in the file's terms, not Go's:
// "line 3: unknown key paht", "line 5: want a number, not `abc`".
func yamlError(err error) error {
	var te *yaml.TypeError
	if !errors.As(err, &te) {
		return fmt.Errorf("config: %w", err)
	}
	msgs := make([]string, len(te.Errors))
	for i, e := range te.Errors {
		m := yamlTypeError.FindStringSubmatch(e)
		switch {
		case m == nil:
			msgs[i] = e
		case m[2] != "":
			msgs[i] = m[1] + ": unknown key " + m[2]
		case strings.HasPrefix(m[5], "int") || strings.HasPrefix(m[5], "float"):
			msgs[i] = m[1] + ": want a number, not " + cmpOr(m[4], "a "+m[3])
		case m[5] == "bool":
			msgs[i] = m[1] + ": want true or false, not " + cmpOr(m[4], "a "+m[3])
		case strings.HasPrefix(m[5], "[]"):
			msgs[i] = m[1] + ": want a list, not " + cmpOr(m[4], "a "+m[3])
		case m[3] == "seq" || m[3] == "map":
			msgs[i] = m[1] + ": want a single value, not a " + map[string]string{"seq": "list", "map": "group of keys"}[m[3]]
		default:
			msgs[i] = e
		}
	}
	return fmt.Errorf("config: %s", strings.Join(msgs, "; "))
}

// ParseConfig reads YAML over the defaults: ${VAR} is expanded from
// getenv, unknown keys are errors (a typo must not pass silently), and
// TEND_<GROUP>_<KEY> variables override the file.
func ParseConfig(r io.Reader, getenv func(string) string) (Config, error) {
	cfg := DefaultConfig()
	raw, err := io.ReadAll(r)
	if err != nil {
		return cfg, fmt.Errorf("config: read: %w", err)
	}
	expanded := envRef.ReplaceAllFunc(raw, func(ref []byte) []byte { return []byte(getenv(string(ref[2 : len(ref)-1]))) })
	dec := yaml.NewDecoder(bytes.NewReader(expanded))
	dec.KnownFields(true)
	if err := dec.Decode(&cfg); err != nil && !errors.Is(err, io.EOF) {
		return cfg, yamlError(err)
	}
	if err := applyEnv(&cfg, getenv); err != nil {
		return cfg, err
	}
	return cfg, cfg.Validate()
}

// applyEnv sets each field whose TEND_<GROUP>_<KEY> variable is set.
func applyEnv(cfg *Config, getenv func(string) string) error {
	for _, f := range configFields(cfg) {
		v := getenv(f.env)
		if v == "" {
			continue
		}
		bad := func(want string) error {
			return &ConfigError{f.key + " (" + f.env + ")", fmt.Errorf("want %s, not %q", want, v)}
		}
		switch f.val.Kind() {
		case reflect.String:
			f.val.SetString(v)
		case reflect.Bool:
			b, err := strconv.ParseBool(v)
			if err != nil {
				return bad("true or false")
			}
			f.val.SetBool(b)
		case reflect.Int:
			n, err := strconv.Atoi(v)
			if err != nil {
				return bad("a whole number")
			}
			f.val.SetInt(int64(n))
		case reflect.Float64:
			x, err := strconv.ParseFloat(v, 64)
			if err != nil {
				return bad("a number")
			}
			f.val.SetFloat(x)
		case reflect.Slice:
			if f.val.Type().Elem().Kind() != reflect.Int64 {
				return &ConfigError{f.key + " (" + f.env + ")", errors.New("cannot be set from the environment: set it in the config file")}
			}
			var ids []int64
			for _, s := range strings.Split(v, ",") {
				id, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
				if err != nil {
					return bad("comma-separated numbers like 111,222")
				}
				ids = append(ids, id)
			}
			f.val.Set(reflect.ValueOf(ids))
		}
	}
	return nil
}

type configField struct {
	key string // "store.path"
	env string // "TEND_STORE_PATH"
	val reflect.Value
}

// configFields lists every leaf setting of cfg.
func configFields(cfg *Config) []configField {
	var out []configField
	groups := reflect.ValueOf(cfg).Elem()
	for i := range groups.NumField() {
		group := groups.Type().Field(i).Tag.Get("yaml")
		g := groups.Field(i)
		for j := range g.NumField() {
			key := g.Type().Field(j).Tag.Get("yaml")
			out = append(out, configField{
				key: group + "." + key,
				env: "TEND_" + strings.ToUpper(group+"_"+key),
				val: g.Field(j),
			})
		}
	}
	return out
}

// Validate checks settings that have a fixed set of values.
func (c Config) Validate() error {
	switch strings.ToLower(c.Store.Synchronous) {
	case "full", "normal":
	default:
		return &ConfigError{"store.synchronous", fmt.Errorf("must be full or normal, not %q", c.Store.Synchronous)}
	}
	switch c.Store.Driver {
	case driverSQLite:
		if c.Store.Path == "" {
			return &ConfigError{"store.path", errors.New("must be set")}
		}
	case driverPostgres:
		if c.Store.DSN == "" {
			return &ConfigError{"store.dsn", errors.New("must be set for the postgres driver (postgres://user@host/db)")}
		}
		if err := postgres.CheckDSN(c.Store.DSN); err != nil {
			return &ConfigError{"store.dsn", err}
		}
	default:
		return &ConfigError{"store.driver", fmt.Errorf("must be sqlite or postgres, not %q", c.Store.Driver)}
	}
	switch c.Users.Enroll {
	case "none", "rep":
	default:
		// Anyone who finds the bot would see every customer: managers and
		// admins are made with `tend user add --role`.
		return &ConfigError{"users.enroll", fmt.Errorf("must be none or rep, not %q (add managers and admins with tend user add)", c.Users.Enroll)}
	}
	for _, id := range c.Telegram.AllowedUsers {
		if id <= 0 {
			return &ConfigError{"telegram.allowed_users", fmt.Errorf("%d is not a user id (users have positive ids; groups are not let in)", id)}
		}
	}
	if _, err := time.LoadLocation(c.Users.DefaultTimeZone); c.Users.DefaultTimeZone != "" && err != nil {
		return &ConfigError{"users.default_time_zone", err}
	}
	if d, err := time.ParseDuration(c.Telegram.PollLease); err != nil || d < time.Second {
		return &ConfigError{"telegram.poll_lease", fmt.Errorf("must be a duration of at least 1s like 15s, not %q", c.Telegram.PollLease)}
	}
	if d, err := time.ParseDuration(c.Reminders.CatchUp); err != nil || d <= 0 {
		return &ConfigError{"reminders.catch_up", fmt.Errorf("must be a positive duration like 6h, not %q", c.Reminders.CatchUp)}
	}
	for _, f := range configFields(&c) {
		if strings.HasPrefix(f.key, "agenda.") && f.val.CanFloat() && f.val.Float() < 0 {
			return &ConfigError{f.key, fmt.Errorf("must not be negative, not %g", f.val.Float())}
		}
	}
	if c.Agenda.MaxDays < 1 {
		return &ConfigError{"agenda.max_days", fmt.Errorf("must be at least 1, not %d", c.Agenda.MaxDays)}
	}
	if _, _, err := net.SplitHostPort(c.Admin.Listen); c.Admin.Listen != "" && err != nil {
		return &ConfigError{"admin.listen", fmt.Errorf("want host:port like 127.0.0.1:9090: %w", err)}
	}
	if to, ok := c.Deals.SummaryTarget(); c.Deals.SummaryChat != "" && (!ok || to.Platform != bot.Slack && to.Platform != bot.Telegram) {
		return &ConfigError{"deals.summary_chat", fmt.Errorf("must be slack:<channel id> or telegram:<chat id>, not %q", c.Deals.SummaryChat)}
	}
	if err := reminders.ParseSummarySpec(c.Deals.SummaryCron); err != nil {
		return &ConfigError{"deals.summary_cron", fmt.Errorf("must be a five-field cron spec like %q: %w", reminders.DefaultSummarySpec, err)}
	}
	if err := c.Deals.validateStages(); err != nil {
		return &ConfigError{"deals.stages", err}
	}
	switch c.Deals.SummaryLang {
	case "en", "vi":
	default:
		return &ConfigError{"deals.summary_lang", fmt.Errorf("must be en or vi, not %q", c.Deals.SummaryLang)}
	}
	switch c.Log.Level {
	case "debug", "info", "warn", "error":
	default:
		return &ConfigError{"log.level", fmt.Errorf("must be debug, info, warn or error, not %q", c.Log.Level)}
	}
	switch c.Log.Format {
	case "text", "json":
	default:
		return &ConfigError{"log.format", fmt.Errorf("must be text or json, not %q", c.Log.Format)}
	}
	return nil
}

// warnExposedConfig logs a warning when the config file, which may hold
// tokens, can be read by other users of the machine.
func warnExposedConfig(logger *slog.Logger, path string) {
	if path == "" {
		return
	}
	fi, err := os.Stat(path)
	if err != nil || fi.Mode().Perm()&0o044 == 0 {
		return
	}
	logger.Warn("config file is readable by other users of this machine and may hold tokens: chmod 600 it, or move secrets to the environment",
		"path", path, "mode", fmt.Sprintf("%#o", fi.Mode().Perm()))
}

// localZone names the machine's time zone: $TZ, else the zoneinfo file
// /etc/localtime links to, else UTC.
func localZone(getenv func(string) string) string {
	if tz := getenv("TZ"); tz != "" {
		if _, err := time.LoadLocation(tz); err == nil {
			return tz
		}
	}
	if target, err := os.Readlink("/etc/localtime"); err == nil {
		if i := strings.Index(target, "zoneinfo/"); i >= 0 {
			if _, err := time.LoadLocation(target[i+len("zoneinfo/"):]); err == nil {
				return target[i+len("zoneinfo/"):]
			}
		}
	}
	return "UTC"
}
