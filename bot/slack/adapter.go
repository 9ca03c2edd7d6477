// Package slack is Tend's Slack adapter: it receives direct messages,
// mentions, threads, the /tend slash command and button presses over
// Socket Mode (the default, no public URL needed) or the HTTP Events API,
// turns them into bot.Message and bot.Action, and renders bot.Reply as
// Block Kit. It is the only package that imports slack-go.
//
// # Delivery guarantees
//
// Slack wants every envelope (Socket Mode) or request (HTTP) acknowledged
// within three seconds, and redelivers an event that was not, up to three
// times, with the same event_id. The adapter never blocks its read loop:
// each delivery is handed to a bot.Dispatcher (bounded workers and backlog,
// one queue per channel so a chat stays in order). When the backlog is
// full the delivery is not acknowledged (HTTP: 503), so Slack delivers it
// again later instead of the adapter dropping it or stalling the socket.
//
// Once queued, a delivery is acknowledged when the handler has returned
// or ackWait (2s) after it arrived, whichever comes first; replies are
// posted after the acknowledgement. We chose this over acking at once
// because the router records each event id in the same transaction as the
// write it causes: when the handler has returned, what the event meant is
// on disk, and if the process dies before the acknowledgement, Slack's
// retry finds the id already recorded and the router answers nothing.
// The residual risk, stated plainly: an event still queued or still being
// handled when ackWait passes is acknowledged before it is durable, and a
// crash in that window loses it (in practice: a slow database or a long
// queue in one chat). The other residual loss is a reply not posted when
// the process dies between the commit and chat.postMessage; the write
// itself is kept. A retry that arrives while the first delivery is still
// being handled waits behind it in the same channel queue, so the router
// sees the committed id.
//
// Several replicas may run the adapter for one app, each with its own
// Socket Mode connection (Slack allows 10 and hands each envelope to one
// of them). Nothing here assumes a single connection: a retry may land on
// another replica while the first is still being handled, and then the
// ledger is what decides, since it is in the database they share: the
// router records the event id in the transaction of its write, and of
// two handlings of one event only one commits; the other finds the id
// taken and answers nothing. Button presses are never retried by Slack, so a
// press refused with ErrBusy shows the user an error and must be pressed
// again.
//
// # What the handler sees
//
// DMs and slash commands, and app_mention in channels, arrive with
// bot.Message.Mentioned set. Other messages in channels Tend is a member of
// (message.channels, message.groups) arrive with Mentioned false: the router
// answers none of them, but a channel bound to a deal may keep them. A
// channel message that mentions Tend arrives twice from Slack, as message
// and as app_mention; only the app_mention is handed on, so each message
// reaches the handler once. A Reply marked Ephemeral is shown only to the
// person who asked (chat.postEphemeral) in a channel, and posted normally
// in a DM.
//
// Messages deliberately ignored: anything from a bot (Tend included),
// edits (message_changed, and an app_mention carrying edited), deletions
// (message_deleted) and every message subtype but plain, thread_broadcast
// and file_share; group DMs; app_mention in a DM, which message.im already
// delivers. Ignored deliveries, undecodable envelopes and deliveries from
// another workspace (Config.TeamID) are acknowledged at once, so Slack
// does not retry them (HTTP answers 200, 400 and 403).
package slack

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/slack-go/slack"

	"github.com/tend-crm/tend/bot"
)

// Defaults for Config fields left empty.
const (
	DefaultAPIURL  = slack.APIURL // "https://slack.com/api/"
	DefaultMode    = "socket"
	DefaultListen  = ":3000"
	DefaultWorkers = 8
	DefaultBacklog = 256
)

const (
	// ackWait bounds how long a queued delivery goes unacknowledged:
	// Slack allows three seconds, and the network needs some of them.
	ackWait = 2 * time.Second
	// handleTimeout bounds one delivery: user lookup, handler and replies.
	handleTimeout = 30 * time.Second
	// drainTimeout bounds how long Run waits for in-flight work at shutdown.
	drainTimeout = 10 * time.Second
	// maxBody caps an HTTP request body and a Socket Mode frame. Slack's
	// largest payloads (a pressed message with 50 blocks) are far smaller.
	maxBody = 1 << 20
)

// Config configures an Adapter. cmd/tend fills it from the slack: group.
type Config struct {
	BotToken      string // xoxb-…, required
	AppToken      string // xapp-…, required in socket mode
	SigningSecret string // required in http mode
	APIURL        string // Web API base, default DefaultAPIURL; tests point it at httptest
	Mode          string // "socket" (default) or "http"
	// Listen is the http mode address, default ":3000"; it serves
	// /slack/events, /slack/interactivity and /slack/commands.
	Listen string
	// TeamID, when set, rejects deliveries from other workspaces.
	TeamID string
	// Workers and Backlog bound the dispatcher: defaults 8 and 256.
	Workers, Backlog int
	// HTTPClient makes Web API calls; default has a 30s timeout.
	HTTPClient *http.Client
}

// Adapter connects one Slack workspace to a bot.Handler. It is also a
// bot.Notifier and bot.Editor, for reminders.
type Adapter struct {
	cfg     Config
	handler bot.Handler
	logger  *slog.Logger
	api     *slack.Client
	disp    *bot.Dispatcher

	// Seams for tests (export_test.go): the ack deadline and the wait
	// before a rate-limited call is retried.
	ackWait time.Duration
	sleep   func(ctx context.Context, d time.Duration) error

	// work is the parent of every delivery's context. It outlives Run's
	// context so in-flight work can finish during the drain.
	work     context.Context
	stopWork context.CancelFunc

	running   atomic.Bool
	connected atomic.Bool
	self      atomic.Pointer[identity]
	addr      chan net.Addr // http mode: the bound address, once

	mu    sync.Mutex
	users map[string]userInfo
}

// identity is who the bot is, from auth.test.
type identity struct{ userID, teamID string }

var (
	_ bot.Notifier = (*Adapter)(nil)
	_ bot.Editor   = (*Adapter)(nil)
)

// New checks cfg and fills its defaults. It makes no network call: Run
// does. A nil logger discards.
func New(cfg Config, h bot.Handler, logger *slog.Logger) (*Adapter, error) {
	if h == nil {
		return nil, errors.New("slack: nil handler")
	}
	if !strings.HasPrefix(cfg.BotToken, "xoxb-") {
		return nil, errors.New("slack: bot token must be a bot token (xoxb-…)")
	}
	switch cfg.Mode {
	case "", "socket":
		cfg.Mode = "socket"
		if !strings.HasPrefix(cfg.AppToken, "xapp-") {
			return nil, errors.New("slack: socket mode needs an app-level token (xapp-…)")
		}
	case "http":
		if cfg.SigningSecret == "" {
			return nil, errors.New("slack: http mode needs the signing secret")
		}
		if cfg.Listen == "" {
			cfg.Listen = DefaultListen
		}
	default:
		return nil, fmt.Errorf("slack: mode %q: want socket or http", cfg.Mode)
	}
	if cfg.APIURL == "" {
		cfg.APIURL = DefaultAPIURL
	}
	if u, err := url.Parse(cfg.APIURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("slack: api url %q: want an http(s) URL", cfg.APIURL)
	}
	if !strings.HasSuffix(cfg.APIURL, "/") { // slack-go appends method names
		cfg.APIURL += "/"
	}
	if cfg.Workers <= 0 {
		cfg.Workers = DefaultWorkers
	}
	if cfg.Backlog <= 0 {
		cfg.Backlog = DefaultBacklog
	}
	if cfg.HTTPClient == nil {
		cfg.HTTPClient = &http.Client{Timeout: 30 * time.Second}
	}
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	logger = logger.With(bot.LogKeyPlatform, bot.Slack)

	opts := []slack.Option{
		slack.OptionAPIURL(cfg.APIURL),
		slack.OptionHTTPClient(cfg.HTTPClient),
		slack.OptionLog(debugLog{logger}),
	}
	if cfg.AppToken != "" {
		opts = append(opts, slack.OptionAppLevelToken(cfg.AppToken))
	}
	work, stop := context.WithCancel(context.Background())
	return &Adapter{
		cfg: cfg,
		// A panicking handler must not take the process down, nor leave a
		// delivery unacknowledged for Slack to replay into the same panic.
		handler:  bot.Recover(logger)(h),
		logger:   logger,
		api:      slack.New(cfg.BotToken, opts...),
		disp:     bot.NewDispatcher(cfg.Workers, cfg.Backlog),
		ackWait:  ackWait,
		sleep:    sleepCtx,
		work:     work,
		stopWork: stop,
		addr:     make(chan net.Addr, 1),
		users:    map[string]userInfo{},
	}, nil
}

// Run checks the token with auth.test (learning the bot's user id and
// workspace), then receives over Socket Mode or HTTP until ctx ends. On
// the way out it stops taking deliveries and waits a bounded time for
// in-flight ones. It returns nil when ctx ended, an error when the
// connection cannot be made (a bad token, a port in use).
func (a *Adapter) Run(ctx context.Context) error {
	if !a.running.CompareAndSwap(false, true) {
		return errors.New("slack: adapter already running")
	}
	defer a.stopWork()

	auth, err := a.authTest(ctx)
	if err != nil {
		return ignoreCancel(ctx, err)
	}
	a.self.Store(&identity{userID: auth.UserID, teamID: auth.TeamID})
	if a.cfg.TeamID != "" && auth.TeamID != a.cfg.TeamID {
		a.logger.Warn("bot token belongs to another workspace than team_id", "token_team", auth.TeamID, "team_id", a.cfg.TeamID)
	}
	a.logger.Info("slack: connected to workspace", "team", auth.TeamID, "bot_user", auth.UserID, "mode", a.cfg.Mode)

	if a.cfg.Mode == "http" {
		err = a.runHTTP(ctx)
	} else {
		err = a.runSocket(ctx)
	}
	a.connected.Store(false)

	dctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), drainTimeout)
	defer cancel()
	if werr := a.disp.Wait(dctx); werr != nil {
		a.logger.Warn("slack: in-flight work abandoned at shutdown", "err", werr)
	}
	return err
}

// authTest runs auth.test until Slack answers, backing off (1 s doubling
// to a minute) while it cannot be reached or answers 5xx, so a network
// outage at boot delays Tend rather than stopping it. Slack's own refusal
// (invalid_auth, a revoked token) is returned at once: retrying cannot
// fix it.
func (a *Adapter) authTest(ctx context.Context) (*slack.AuthTestResponse, error) {
	wait := time.Duration(0)
	for {
		var auth *slack.AuthTestResponse
		err := a.call(ctx, "auth.test", func() (err error) {
			auth, err = a.api.AuthTestContext(ctx)
			return err
		})
		var refused slack.SlackErrorResponse
		var status slack.StatusCodeError
		switch {
		case err == nil:
			return auth, nil
		case ctx.Err() != nil, errors.As(err, &refused), errors.As(err, &status) && !status.Retryable():
			return nil, err
		}
		wait = min(max(2*wait, time.Second), time.Minute)
		a.logger.Warn("slack: auth.test failed; retrying", "err", err, "in", wait)
		if err := a.sleep(ctx, wait); err != nil {
			return nil, err
		}
	}
}

// ignoreCancel returns nil for an error that only says ctx ended.
func ignoreCancel(ctx context.Context, err error) error {
	if ctx.Err() != nil && errors.Is(err, ctx.Err()) {
		return nil
	}
	return err
}

// Connected reports whether the adapter is receiving: the socket is open,
// or the HTTP listener is serving.
func (a *Adapter) Connected() bool { return a.connected.Load() }

func (a *Adapter) botUserID() string {
	if id := a.self.Load(); id != nil {
		return id.userID
	}
	return ""
}

// dispatch queues in on its channel's queue. ack runs exactly once: when
// the handler has returned, or after ackWait, whichever is first. It
// returns bot.ErrBusy, without calling ack, when the backlog is full.
func (a *Adapter) dispatch(in inbound, ack func()) error {
	var once sync.Once
	done := func() { once.Do(ack) }
	if err := a.disp.Submit(in.chat(), func() { a.process(in, done) }); err != nil {
		return err
	}
	time.AfterFunc(a.ackWait, done)
	return nil
}

// process runs one delivery on a dispatcher worker.
func (a *Adapter) process(in inbound, handled func()) {
	defer handled() // also on a panic below the handler's Recover
	ctx, cancel := context.WithTimeout(a.work, handleTimeout)
	defer cancel()
	event, chat, user := in.ids()
	log := a.logger.With(bot.LogKeyEvent, event, bot.LogKeyChat, chat, bot.LogKeyUser, user)
	start := time.Now()

	var replies []bot.Reply
	var err error
	if in.msg != nil {
		in.msg.From = a.sender(ctx, in.msg.From)
		for i, u := range in.files {
			in.msg.Files[i].Open = func(ctx context.Context) (io.ReadCloser, error) { return a.download(ctx, u) }
		}
		log.Debug("slack: message", "text", in.msg.Text)
		replies, err = a.handler.HandleMessage(ctx, *in.msg)
	} else {
		in.act.From = a.sender(ctx, in.act.From)
		replies, err = a.handler.HandleAction(ctx, *in.act)
	}
	handled()
	if err != nil {
		log.Error("slack: handler failed", "err", err)
		replies = []bot.Reply{{Text: "Something went wrong; nothing was saved."}}
	}
	a.deliver(ctx, log, in, replies)
	log.Info("slack: handled", "replies", len(replies), "took", time.Since(start))
}

// deliver posts replies where in came from. On a button press the first
// reply asking to Replace updates the pressed message; if that fails (too
// old, ephemeral, deleted) it is posted instead.
func (a *Adapter) deliver(ctx context.Context, log *slog.Logger, in inbound, replies []bot.Reply) {
	replaced := false
	for _, r := range replies {
		if in.act != nil && r.Replace && !replaced {
			replaced = true
			err := a.Edit(ctx, in.act.Message, r)
			if err == nil {
				continue
			}
			log.Warn("slack: update of pressed message failed; posting instead", "err", err)
		}
		var err error
		if user, dm := in.asker(); r.Ephemeral && !dm && user != "" {
			err = a.sendEphemeral(ctx, in.target(), user, r)
		} else {
			_, err = a.Send(ctx, in.target(), r)
		}
		if err != nil && in.alt != "" && isNotInChannel(err) {
			// A slash command used in a channel Tend is not a member of:
			// answer in the app's DM with the user instead.
			_, err = a.Send(ctx, bot.Target{Platform: bot.Slack, ChatID: in.alt}, r)
		}
		if err != nil {
			log.Error("slack: reply not delivered", "err", err)
			return // later replies would read out of order
		}
	}
}

func isNotInChannel(err error) bool {
	var se slack.SlackErrorResponse
	return errors.As(err, &se) && (se.Err == "not_in_channel" || se.Err == "channel_not_found")
}

// acceptTeam applies Config.TeamID.
func (a *Adapter) acceptTeam(team string) bool {
	return a.cfg.TeamID == "" || team == a.cfg.TeamID
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// debugLog sends slack-go's own logging (only written in its debug mode)
// to our logger at debug level.
type debugLog struct{ l *slog.Logger }

func (d debugLog) Output(_ int, s string) error {
	d.l.Debug(strings.TrimSpace(s))
	return nil
}
