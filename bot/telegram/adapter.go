// Package telegram is Tend's Telegram adapter: it turns Bot API updates
// into bot.Message and bot.Action, hands them to a bot.Handler, and renders
// bot.Reply as HTML messages with inline keyboards.
//
// # Delivery
//
// An update is confirmed to Telegram only after its handler has returned.
// In long-poll mode (the default) the adapter runs its own getUpdates loop
// rather than tgbotapi's GetUpdatesChan, which confirms updates before they
// are handled and hides errors: the offset it sends is the lowest update_id
// still being handled (or one past the highest handled), so a crash loses
// nothing and Telegram redelivers what was unfinished. Each update's
// update_id travels as bot.Message.EventID (a callback query's id as
// bot.Action.EventID), and the router's event ledger makes a redelivery a
// no-op. An update whose handler fails is still confirmed (the router has
// answered it and a retry would fail the same way); one cut short by
// shutdown is not.
//
// Only one getUpdates poller may run per token, and polling is refused
// while a webhook is set; Telegram answers both with 409 Conflict. Run
// logs the first one and returns an error wrapping ErrConflict if it
// persists. Several replicas of one bot share the polling through
// Config.Leases: the holder of the bot's lease polls and renews it every
// third of its term, the others stand by and try to take it as often; a
// holder that cannot renew stops polling at once, and one that stops
// confirms what it handled and releases the lease, so another replica
// polls within moments (within the term when the holder died).
//
// In webhook mode Run listens on Config.Listen (plain HTTP: terminate TLS
// in front of it, on a port Telegram allows: 443, 80, 88 or 8443),
// registers Config.WebhookURL with setWebhook and a secret_token, and
// answers a POST with 200 only after the update was handled, so Telegram
// retries anything that was not. The webhook is left registered on
// shutdown: Telegram keeps the updates until Tend is back.
//
// # Groups and privacy mode
//
// In a private chat every text message is for Tend (bot.Message.Mentioned
// is always true). In a group a message is Mentioned when it is addressed
// to Tend: a command (/followups, or /followups@ThisBot), a message that
// mentions @ThisBot (the mention is removed from the text), or a reply to
// one of its messages. A command for another bot (/followups@OtherBot) is
// ignored. Other group messages reach the handler with Mentioned false;
// the router answers none of them and writes nothing for them.
//
// What a group delivers depends on BotFather's group privacy mode. With
// privacy on (the default, and what we recommend) Telegram sends the bot
// only commands, mentions and replies to it: exactly what Tend answers,
// and the team's other conversation never leaves Telegram. With privacy
// off (or Tend an admin of the group) every message arrives; Tend still
// answers only what is addressed to it, and the rest is there for a group
// bound to a deal to keep.
//
// # Threads
//
// bot.Target.ThreadID is either a forum topic's message_thread_id (digits)
// or "reply:<message_id>" for a reply chain in a group without topics.
// Send posts into the topic, or as a reply to that message. Replies to an
// incoming group message also quote it, so a user can answer the bot by
// replying, which privacy mode lets through.
package telegram

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/tend-crm/tend/bot"
)

// Defaults for Config's zero values.
const (
	DefaultAPIEndpoint = tgbotapi.APIEndpoint // "https://api.telegram.org/bot%s/%s"
	DefaultPollTimeout = 30 * time.Second
	DefaultWorkers     = 8
	DefaultBacklog     = 256
)

// Modes for Config.Mode.
const (
	ModePoll    = "polling"
	ModeWebhook = "webhook"
)

const (
	// requestTimeout bounds every Bot API call except the long poll.
	requestTimeout = 30 * time.Second
	// handleTimeout bounds one update's handling (handler and replies) in
	// poll mode; a webhook request uses webhookDeadline instead.
	handleTimeout = 60 * time.Second
	// drainTimeout bounds how long Run waits for in-flight handlers on
	// shutdown before it cancels them (they are then redelivered later).
	drainTimeout = 10 * time.Second
)

// ErrConflict means another process is polling with the same token, or a
// webhook is set while we poll. Telegram allows one consumer per bot.
var ErrConflict = errors.New("telegram: another getUpdates poller or a webhook is using this bot token")

// Config configures an Adapter. Zero values take the defaults above.
type Config struct {
	Token string
	// APIEndpoint is a format string taking the token and the method name,
	// as tgbotapi's: tests and proxies point it elsewhere.
	APIEndpoint string
	// FileEndpoint is where files are downloaded from, a format string
	// taking the token and the file's path. Default: beside APIEndpoint
	// ("…/bot%s/%s" becomes "…/file/bot%s/%s").
	FileEndpoint string
	Mode         string // ModePoll (default; "poll" too) or ModeWebhook

	Listen        string // webhook: address to listen on, e.g. ":8443"
	WebhookURL    string // webhook: public https URL registered with setWebhook
	WebhookSecret string // webhook: secret_token, 1–256 of A-Z a-z 0-9 _ -

	// PollTimeout is the long-poll timeout (whole seconds).
	PollTimeout time.Duration
	// Workers and Backlog bound the dispatcher: handlers running at once,
	// and updates accepted but not finished.
	Workers, Backlog int
	// Unpaced sends without keeping to Telegram's flood limits: only for a
	// stand-in Bot API in tests, since Telegram enforces them.
	Unpaced bool
	// Leases, when set, lets several replicas serve one bot: in polling
	// mode only the holder of the bot's poll lease calls getUpdates, since
	// Telegram allows one poller per token. Nil polls at once, alone.
	Leases Leases
	// Replica names this process as a lease holder (host, pid and a random
	// part), for the lease and the log. Required with Leases.
	Replica string
	// PollLease is how long the lease lasts unless renewed: a dead
	// replica's polling is taken over within it. Default DefaultPollLease.
	PollLease time.Duration
	// HTTPClient makes the API calls. Each call carries its own deadline,
	// so a Timeout here must exceed PollTimeout, or be zero.
	HTTPClient *http.Client
}

// Adapter connects a bot.Handler to one Telegram bot. It is also a
// bot.Notifier and a bot.Editor for reminders.
type Adapter struct {
	cfg   Config
	h     bot.Handler
	log   *slog.Logger
	api   *tgbotapi.BotAPI // types and request plumbing only
	httpc *http.Client
	disp  *bot.Dispatcher
	pace  *pacer

	// me is the bot itself, from getMe. Run sets it before any update is
	// read, so the poll loop and the webhook handlers see it.
	me tgbotapi.User
	// base is the parent of webhook handlers' contexts: it outlives Run's
	// context by the drain, so a shutdown does not cut a handler short at
	// once. Polling makes its own for each term.
	base         context.Context
	stopHandlers context.CancelFunc

	connected atomic.Bool
	addr      atomic.Pointer[net.Addr] // webhook listener, once listening

	// sleep waits d or until ctx ends; tests replace it.
	sleep        func(ctx context.Context, d time.Duration) error
	drainTimeout time.Duration
}

var (
	_ bot.Notifier = (*Adapter)(nil)
	_ bot.Editor   = (*Adapter)(nil)
)

// New checks cfg and returns an Adapter. It makes no network call: Run
// introduces the bot to Telegram.
func New(cfg Config, h bot.Handler, logger *slog.Logger) (*Adapter, error) {
	if h == nil {
		return nil, errors.New("telegram: no handler")
	}
	if err := cfg.setDefaults(); err != nil {
		return nil, err
	}
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	// Built by hand, not with tgbotapi.NewBotAPIWithClient, which calls
	// getMe at once: New must not touch the network.
	api := &tgbotapi.BotAPI{Token: cfg.Token, Client: cfg.HTTPClient, Buffer: 100}
	api.SetAPIEndpoint(cfg.APIEndpoint)
	return &Adapter{
		cfg:          cfg,
		h:            h,
		log:          logger.With(bot.LogKeyPlatform, string(bot.Telegram)),
		api:          api,
		httpc:        cfg.HTTPClient,
		disp:         bot.NewDispatcher(cfg.Workers, cfg.Backlog),
		pace:         newPacer(paceOf(cfg)),
		base:         context.Background(),
		stopHandlers: func() {},
		sleep:        sleep,
		drainTimeout: drainTimeout,
	}, nil
}

func (c *Config) setDefaults() error {
	if c.Token == "" {
		return errors.New("telegram: config: token is required")
	}
	if strings.ContainsAny(c.Token, "/ \t\r\n?#%") {
		return errors.New("telegram: config: token has characters a bot token never has")
	}
	if c.APIEndpoint == "" {
		c.APIEndpoint = DefaultAPIEndpoint
	}
	if strings.Count(c.APIEndpoint, "%s") != 2 || strings.Count(c.APIEndpoint, "%") != 2 {
		return fmt.Errorf("telegram: config: api endpoint %q must hold two %%s (token, method)", c.APIEndpoint)
	}
	if c.FileEndpoint == "" {
		base, ok := strings.CutSuffix(c.APIEndpoint, "/bot%s/%s")
		if !ok {
			return fmt.Errorf("telegram: config: api endpoint %q does not end in /bot%%s/%%s: name the file endpoint", c.APIEndpoint)
		}
		c.FileEndpoint = base + "/file/bot%s/%s"
	}
	if strings.Count(c.FileEndpoint, "%s") != 2 || strings.Count(c.FileEndpoint, "%") != 2 {
		return fmt.Errorf("telegram: config: file endpoint %q must hold two %%s (token, path)", c.FileEndpoint)
	}
	switch c.Mode {
	case "", ModePoll, "poll":
		c.Mode = ModePoll
	case ModeWebhook:
		if err := c.checkWebhook(); err != nil {
			return err
		}
	default:
		return fmt.Errorf("telegram: config: mode %q: want %q or %q", c.Mode, ModePoll, ModeWebhook)
	}
	if c.PollTimeout < 0 {
		return errors.New("telegram: config: negative poll timeout")
	}
	if c.PollTimeout == 0 {
		c.PollTimeout = DefaultPollTimeout
	}
	if c.Leases != nil && c.Replica == "" {
		return errors.New("telegram: config: a lease needs the replica's name")
	}
	if c.PollLease < 0 {
		return errors.New("telegram: config: negative poll lease")
	}
	if c.PollLease == 0 {
		c.PollLease = DefaultPollLease
	}
	if c.Workers <= 0 {
		c.Workers = DefaultWorkers
	}
	if c.Backlog <= 0 {
		c.Backlog = DefaultBacklog
	}
	if c.HTTPClient == nil {
		c.HTTPClient = &http.Client{} // deadlines come from each call's context
	}
	return nil
}

func (c *Config) checkWebhook() error {
	if c.Listen == "" {
		return errors.New("telegram: config: webhook mode needs a listen address")
	}
	u, err := url.Parse(c.WebhookURL)
	if err != nil || u.Scheme != "https" || u.Host == "" {
		return fmt.Errorf("telegram: config: webhook url %q: Telegram needs an absolute https URL", c.WebhookURL)
	}
	if !validSecret(c.WebhookSecret) {
		return errors.New("telegram: config: webhook secret must be 1–256 characters of A-Z, a-z, 0-9, _ and -")
	}
	return nil
}

// validSecret reports whether s is a secret_token Telegram accepts.
func validSecret(s string) bool {
	if len(s) < 1 || len(s) > 256 {
		return false
	}
	for _, c := range []byte(s) {
		if !isNameByte(c) && c != '-' {
			return false
		}
	}
	return true
}

// Run introduces the bot (getMe), sets its command menu, then polls or
// serves the webhook until ctx ends, and waits (bounded) for the handlers
// in flight. It returns nil after a clean shutdown, and an error when it
// cannot go on: a bad token, a persistent ErrConflict, a webhook Telegram
// refuses, a port in use. Run is meant to be called once.
func (a *Adapter) Run(ctx context.Context) error {
	defer a.connected.Store(false)
	base, cancel := context.WithCancel(context.WithoutCancel(ctx))
	defer cancel()
	a.base, a.stopHandlers = base, cancel

	if err := a.startup(ctx, "get me", func() error {
		me, err := a.client(ctx, requestTimeout).GetMe()
		a.me = me
		return err
	}); err != nil {
		return ignoreCancel(ctx, err)
	}
	a.log.Info("telegram: connected", "bot", a.me.UserName, "mode", a.cfg.Mode)
	a.setCommands(ctx)

	var err error
	switch {
	case a.cfg.Mode == ModeWebhook:
		err = a.serve(ctx) // any replica: a load balancer spreads the requests
	case a.cfg.Leases != nil:
		err = a.pollLeased(ctx)
	default:
		err = a.poll(ctx)
	}
	return ignoreCancel(ctx, err)
}

// drain waits for in-flight handlers, then cancels the ones still running
// (stop cancels their parent context) and gives them a moment to notice.
// Those are not confirmed to Telegram.
func (a *Adapter) drain(stop context.CancelFunc) {
	wait := func() error {
		wctx, cancel := context.WithTimeout(context.Background(), a.drainTimeout)
		defer cancel()
		return a.disp.Wait(wctx)
	}
	if err := wait(); err != nil {
		a.log.Warn("telegram: handlers still running at shutdown; they will be redelivered", "waited", a.drainTimeout)
	}
	stop()
	wait()
}

// Connected reports whether the last exchange with Telegram succeeded: a
// poll, or registering the webhook; a replica standing by while another
// holds the poll lease counts as connected. For a health check.
func (a *Adapter) Connected() bool { return a.connected.Load() }

// ignoreCancel hides the error a shutdown causes.
func ignoreCancel(ctx context.Context, err error) error {
	if ctx.Err() != nil && errors.Is(err, context.Canceled) {
		return nil
	}
	return err
}

// client returns the library client bound to ctx, with a deadline:
// tgbotapi v5.5.1 builds requests without a context, so the HTTP client
// attaches ours. BotAPI holds no lock, so a copy per call is cheap and safe.
func (a *Adapter) client(ctx context.Context, timeout time.Duration) *tgbotapi.BotAPI {
	c := *a.api
	c.Client = ctxDoer{ctx: ctx, timeout: timeout, c: a.httpc, token: a.cfg.Token}
	return &c
}

type ctxDoer struct {
	ctx     context.Context
	timeout time.Duration
	c       *http.Client
	token   string
}

func (d ctxDoer) Do(r *http.Request) (*http.Response, error) {
	ctx, cancel := context.WithTimeout(d.ctx, d.timeout)
	resp, err := d.c.Do(r.WithContext(ctx))
	if err != nil {
		cancel()
		// A transport error quotes the URL, and the URL holds the token:
		// keep it out of errors and logs.
		var ue *url.Error
		if errors.As(err, &ue) {
			ue.URL = strings.ReplaceAll(ue.URL, d.token, "<token>")
		}
		return nil, err
	}
	// The caller reads the body after Do returns: cancel when it closes it.
	resp.Body = cancelOnClose{resp.Body, cancel}
	return resp, nil
}

type cancelOnClose struct {
	body   io.ReadCloser
	cancel context.CancelFunc
}

func (c cancelOnClose) Read(p []byte) (int, error) { return c.body.Read(p) }
func (c cancelOnClose) Close() error {
	err := c.body.Close()
	c.cancel()
	return err
}

// call makes one API call with raw parameters, for what v5.5.1's configs
// lack (message_thread_id, secret_token).
func (a *Adapter) call(ctx context.Context, method string, p tgbotapi.Params) (json.RawMessage, error) {
	resp, err := a.client(ctx, requestTimeout).MakeRequest(method, p)
	if err != nil {
		return nil, err
	}
	return resp.Result, nil
}

// request makes one call with a library config.
func (a *Adapter) request(ctx context.Context, c tgbotapi.Chattable) (json.RawMessage, error) {
	resp, err := a.client(ctx, requestTimeout).Request(c)
	if err != nil {
		return nil, err
	}
	return resp.Result, nil
}

// apiError returns the Bot API's error inside err, if it is one.
func apiError(err error) (*tgbotapi.Error, bool) {
	var te *tgbotapi.Error
	if errors.As(err, &te) {
		return te, true
	}
	return nil, false
}

// fatal reports errors retrying cannot fix: a bad token or endpoint
// (401, 404) or a request Telegram refuses (other 4xx but 409 and 429).
func fatal(err error) bool {
	te, ok := apiError(err)
	if !ok {
		return false // network trouble, a proxy's HTML page: try again
	}
	switch {
	case te.Code == http.StatusConflict, te.Code == http.StatusTooManyRequests:
		return false
	case te.Code >= 400 && te.Code < 500:
		return true
	}
	return false
}

// startup runs f until it succeeds, backing off on transient errors, so a
// Telegram outage at boot delays Tend rather than stopping it.
func (a *Adapter) startup(ctx context.Context, op string, f func() error) error {
	var b backoff
	for {
		err := f()
		if err == nil {
			return nil
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if fatal(err) {
			return fmt.Errorf("telegram: %s: %w", op, describe(err))
		}
		wait := b.next(err)
		a.log.Warn("telegram: "+op+" failed; retrying", "err", err, "in", wait)
		if err := a.sleep(ctx, wait); err != nil {
			return err
		}
	}
}

// describe adds a hint to the errors an operator can fix.
func describe(err error) error {
	te, ok := apiError(err)
	if !ok {
		return err
	}
	switch te.Code {
	case http.StatusUnauthorized, http.StatusNotFound:
		return fmt.Errorf("%w (check telegram.token and telegram.api_url)", err)
	}
	return err
}

// backoff spaces retries: 1s doubling to a minute, or what Telegram asked.
type backoff struct{ d time.Duration }

const (
	minBackoff = time.Second
	maxBackoff = time.Minute
)

func (b *backoff) next(err error) time.Duration {
	if te, ok := apiError(err); ok && te.RetryAfter > 0 {
		return time.Duration(te.RetryAfter) * time.Second
	}
	b.d = min(max(2*b.d, minBackoff), maxBackoff)
	return b.d
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// handle runs the handler for ev and sends its replies. It reports false
// when shutdown cut it short, so that the update is not confirmed and
// comes back; a handler's own failure is logged and counts as handled
// (the router has worded it, and a redelivery would fail alike).
func (a *Adapter) handle(ctx context.Context, ev event) bool {
	log := a.log.With(bot.LogKeyChat, ev.chat, bot.LogKeyEvent, ev.updateID)
	if ctx.Err() != nil {
		return false // waited in the queue past its deadline, or shutdown
	}
	var (
		to      bot.Target
		replies []bot.Reply
		err     error
	)
	switch {
	case ev.msg != nil:
		to = ev.msg.Target()
		if ev.fileID != "" {
			id := ev.fileID
			ev.msg.Files[0].Open = func(ctx context.Context) (io.ReadCloser, error) { return a.openFile(ctx, id) }
		}
		replies, err = a.h.HandleMessage(ctx, *ev.msg)
	case ev.act != nil:
		to = ev.act.Target()
		replies, err = a.h.HandleAction(ctx, *ev.act)
	default:
		log.Debug("telegram: update ignored", "why", ev.skip)
	}
	if ev.callback != "" {
		// Answered whatever the handler did, or the user's button spins
		// until Telegram gives up; even after a shutdown cut it short.
		actx, cancel := context.WithTimeout(context.WithoutCancel(ctx), confirmTimeout)
		if err := a.answerCallback(actx, ev.callback); err != nil {
			log.Warn("telegram: callback query not answered", "err", err)
		}
		cancel()
	}
	if err != nil {
		// ctx ends with Canceled only when shutdown stopped the handlers;
		// its own deadline is DeadlineExceeded.
		if errors.Is(ctx.Err(), context.Canceled) {
			log.Warn("telegram: handler cut short by shutdown; left for redelivery", "err", err)
			return false
		}
		var user string
		if ev.msg != nil {
			user = ev.msg.From.ID
		} else if ev.act != nil {
			user = ev.act.From.ID
		}
		log.Error("telegram: handler failed", bot.LogKeyUser, user, "err", err)
		return true
	}
	a.reply(ctx, ev, to, replies)
	return true
}
