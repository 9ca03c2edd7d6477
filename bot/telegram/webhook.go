package telegram

import (
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/tend-crm/tend/bot"
)

const (
	secretHeader = "X-Telegram-Bot-Api-Secret-Token"
	// maxBody bounds a webhook request; real updates are a few kilobytes.
	maxBody = 1 << 20
	// webhookDeadline bounds handling one webhook update, queueing
	// included. Telegram does not document how long it waits for an
	// answer; common libraries assume about ten seconds and more. Past the
	// deadline we answer 503 and Telegram retries; the event ledger makes a
	// late first run and the retry count once.
	webhookDeadline = 20 * time.Second
)

// serve runs the webhook until ctx ends: listen, register with Telegram,
// answer updates; then finish the requests in flight.
func (a *Adapter) serve(ctx context.Context) error {
	// Listen before setWebhook, so Telegram's first delivery finds us.
	ln, err := net.Listen("tcp", a.cfg.Listen)
	if err != nil {
		return fmt.Errorf("telegram: webhook: %w", err)
	}
	addr := ln.Addr()
	a.addr.Store(&addr)
	srv := &http.Server{
		Handler:           a.webhookHandler(),
		ReadHeaderTimeout: 10 * time.Second,
		ErrorLog:          slog.NewLogLogger(a.log.Handler(), slog.LevelWarn),
	}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()

	if err := a.startup(ctx, "set webhook", func() error { return a.setWebhook(ctx) }); err != nil {
		srv.Close()
		<-served
		return err
	}
	a.connected.Store(true)
	a.log.Info("telegram: webhook set", "listen", addr.String())

	select {
	case <-ctx.Done():
	case err := <-served:
		a.drain(a.stopHandlers)
		return fmt.Errorf("telegram: webhook: %w", err)
	}
	// Shutdown waits for the requests in flight, and they for their
	// handlers, which webhookDeadline bounds.
	sctx, cancel := context.WithTimeout(context.Background(), webhookDeadline+time.Second)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		srv.Close()
	}
	<-served
	a.drain(a.stopHandlers)
	return ctx.Err()
}

// setWebhook registers the webhook. tgbotapi v5.5.1's WebhookConfig
// predates secret_token, so the parameters are raw.
func (a *Adapter) setWebhook(ctx context.Context) error {
	p := tgbotapi.Params{"url": a.cfg.WebhookURL, "secret_token": a.cfg.WebhookSecret}
	if err := p.AddInterface("allowed_updates", allowedUpdates); err != nil {
		return err
	}
	_, err := a.call(ctx, "setWebhook", p)
	return err
}

// webhookHandler answers Telegram's POSTs on the webhook URL's path.
func (a *Adapter) webhookHandler() http.Handler {
	path := "/"
	if u, err := url.Parse(a.cfg.WebhookURL); err == nil && u.Path != "" {
		path = u.Path // a proxy in front may rewrite it; keep them equal
	}
	secret := []byte(a.cfg.WebhookSecret)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != path {
			http.NotFound(w, r)
			return
		}
		if r.Method != http.MethodPost {
			w.Header().Set("Allow", http.MethodPost)
			http.Error(w, "POST only", http.StatusMethodNotAllowed)
			return
		}
		if subtle.ConstantTimeCompare([]byte(r.Header.Get(secretHeader)), secret) != 1 {
			a.log.Warn("telegram: webhook: request without the right secret token", "remote", r.RemoteAddr)
			http.Error(w, "unauthorized", http.StatusUnauthorized)
			return
		}
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
		if err != nil {
			var tooBig *http.MaxBytesError
			if errors.As(err, &tooBig) {
				a.log.Warn("telegram: webhook: request too large", "limit", maxBody)
				http.Error(w, "too large", http.StatusRequestEntityTooLarge)
				return
			}
			http.Error(w, "cannot read body", http.StatusBadRequest)
			return
		}
		ev, err := translate(body, a.me)
		if err != nil {
			a.log.Warn("telegram: webhook: malformed update", "err", err)
			http.Error(w, "malformed update", http.StatusBadRequest)
			return
		}
		w.WriteHeader(a.handleNow(r.Context(), ev))
	})
}

// handleNow runs ev through the dispatcher (so a chat's updates stay in
// order and concurrency stays bounded) and waits for it: the status it
// returns is 200 only once the update was handled. Anything else makes
// Telegram deliver the update again.
func (a *Adapter) handleNow(reqCtx context.Context, ev event) int {
	if ev.chat == "" {
		a.log.Debug("telegram: update ignored", bot.LogKeyEvent, ev.updateID, "why", ev.skip)
		return http.StatusOK
	}
	deadline := time.Now().Add(webhookDeadline)
	done := make(chan bool, 1)
	err := a.disp.Submit(ev.chat, func() {
		// Not the request's context: a handler that started should finish
		// even if Telegram hangs up; the deadline still bounds it.
		ctx, cancel := context.WithDeadline(a.base, deadline)
		defer cancel()
		done <- a.handle(ctx, ev)
	})
	if errors.Is(err, bot.ErrBusy) {
		a.log.Warn("telegram: webhook: dispatcher full; asking Telegram to retry", bot.LogKeyEvent, ev.updateID)
		return http.StatusServiceUnavailable
	}
	t := time.NewTimer(time.Until(deadline))
	defer t.Stop()
	select {
	case ok := <-done:
		if ok {
			return http.StatusOK
		}
	case <-t.C:
		a.log.Warn("telegram: webhook: update not handled in time; Telegram will retry", bot.LogKeyChat, ev.chat, bot.LogKeyEvent, ev.updateID)
	case <-reqCtx.Done():
	}
	return http.StatusServiceUnavailable
}
