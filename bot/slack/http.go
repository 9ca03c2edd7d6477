package slack

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
	"time"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"
	"github.com/slack-go/slack/socketmode"

	"github.com/tend-crm/tend/bot"
)

// runHTTP serves the Events API, interactivity and the slash command on
// one listener until ctx ends, then shuts down: in-flight requests get
// their answer (at most ackWait away), queued work drains in Run.
func (a *Adapter) runHTTP(ctx context.Context) error {
	ln, err := net.Listen("tcp", a.cfg.Listen)
	if err != nil {
		return fmt.Errorf("slack: listen: %w", err)
	}
	srv := &http.Server{
		Handler:           a.httpHandler(),
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       10 * time.Second,
		WriteTimeout:      a.ackWait + 10*time.Second,
		IdleTimeout:       time.Minute,
		ErrorLog:          slog.NewLogLogger(a.logger.Handler(), slog.LevelDebug),
	}
	a.connected.Store(true) // the listener is bound: requests queue from here on
	a.addr <- ln.Addr()
	a.logger.Info("slack: serving events", "addr", ln.Addr().String())
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()

	select {
	case err := <-errc:
		return fmt.Errorf("slack: serve: %w", err)
	case <-ctx.Done():
	}
	a.connected.Store(false)
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), a.ackWait+time.Second)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		srv.Close()
	}
	<-errc
	return nil
}

func (a *Adapter) httpHandler() http.Handler {
	mux := http.NewServeMux()
	mux.Handle("POST /slack/events", a.verified(a.serveEvents))
	mux.Handle("POST /slack/interactivity", a.verified(a.serveForm("payload", socketmode.RequestTypeInteractive)))
	mux.Handle("POST /slack/commands", a.verified(a.serveCommand))
	return mux
}

// verified rejects, with 401, a request not signed with the signing
// secret (X-Slack-Signature v0) or whose X-Slack-Request-Timestamp is more
// than five minutes off, which stops replays of a captured request. The
// body is read whole (capped at maxBody) because the signature covers it.
func (a *Adapter) verified(next func(http.ResponseWriter, *http.Request, []byte)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sv, err := slack.NewSecretsVerifier(r.Header, a.cfg.SigningSecret)
		if err != nil {
			a.logger.Warn("slack: unsigned or stale request refused", "path", r.URL.Path, "err", err)
			http.Error(w, "unauthorized", http.StatusUnauthorized)
			return
		}
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
		if err != nil {
			http.Error(w, "request too large", http.StatusRequestEntityTooLarge)
			return
		}
		sv.Write(body)
		if err := sv.Ensure(); err != nil {
			a.logger.Warn("slack: bad signature refused", "path", r.URL.Path)
			http.Error(w, "unauthorized", http.StatusUnauthorized)
			return
		}
		next(w, r, body)
	})
}

func (a *Adapter) serveEvents(w http.ResponseWriter, r *http.Request, body []byte) {
	var outer struct{ Type, Challenge string }
	if err := json.Unmarshal(body, &outer); err != nil {
		http.Error(w, "bad request", http.StatusBadRequest)
		return
	}
	if outer.Type == slackevents.URLVerification {
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(map[string]string{"challenge": outer.Challenge})
		return
	}
	a.serve(w, r, socketmode.RequestTypeEventsAPI, body)
}

// serveForm serves a form post whose field holds the JSON payload
// (interactivity posts payload=…).
func (a *Adapter) serveForm(field, typ string) func(http.ResponseWriter, *http.Request, []byte) {
	return func(w http.ResponseWriter, r *http.Request, body []byte) {
		form, err := url.ParseQuery(string(body))
		if err != nil || form.Get(field) == "" {
			http.Error(w, "bad request", http.StatusBadRequest)
			return
		}
		a.serve(w, r, typ, []byte(form.Get(field)))
	}
}

// serveCommand turns the slash command's form into the JSON that Socket
// Mode carries, so both paths share one decoder.
func (a *Adapter) serveCommand(w http.ResponseWriter, r *http.Request, body []byte) {
	form, err := url.ParseQuery(string(body))
	if err != nil {
		http.Error(w, "bad request", http.StatusBadRequest)
		return
	}
	cmd := make(map[string]string, len(form))
	for k := range form {
		cmd[k] = form.Get(k)
	}
	payload, _ := json.Marshal(cmd) // a map of strings always marshals
	a.serve(w, r, socketmode.RequestTypeSlashCommands, payload)
}

// serve answers 200 once the delivery is handled or ackWait has passed,
// 200 at once for what is not for the handler, and 503 when the
// dispatcher is full, so that Slack retries later.
func (a *Adapter) serve(w http.ResponseWriter, r *http.Request, typ string, payload []byte) {
	log := a.logger.With("type", typ)
	if n := r.Header.Get("X-Slack-Retry-Num"); n != "" {
		// A retry is dispatched like the first delivery: it queues behind
		// it in the same channel, and the router's ledger answers nothing
		// for an event id it already has.
		log = log.With("retry_num", n, "retry_reason", r.Header.Get("X-Slack-Retry-Reason"))
	}
	in, err := decodeEnvelope(typ, payload, a.botUserID())
	switch {
	case errors.Is(err, errIgnored):
		log.Debug("slack: ignored")
		w.WriteHeader(http.StatusOK)
		return
	case err != nil:
		log.Warn("slack: undecodable request", "err", err)
		http.Error(w, "bad request", http.StatusBadRequest)
		return
	case !a.acceptTeam(in.team):
		log.Warn("slack: delivery from another workspace refused", "team", in.team)
		http.Error(w, "forbidden", http.StatusForbidden)
		return
	}
	event, chat, user := in.ids()
	log = log.With(bot.LogKeyEvent, event, bot.LogKeyChat, chat, bot.LogKeyUser, user)
	handled := make(chan struct{})
	if err := a.dispatch(in, func() { close(handled) }); err != nil {
		log.Warn("slack: busy, asking Slack to retry", "err", err)
		w.Header().Set("Retry-After", "1")
		http.Error(w, "busy", http.StatusServiceUnavailable)
		return
	}
	select {
	case <-handled:
	case <-r.Context().Done():
		return
	}
	w.WriteHeader(http.StatusOK)
}
