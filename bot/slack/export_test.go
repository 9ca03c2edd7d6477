package slack

// Seams for the black-box tests in package slack_test.

import (
	"bytes"
	"context"
	"encoding/json"
	"net"
	"net/http"
	"time"

	"github.com/tend-crm/tend/bot"
)

var ErrIgnored = errIgnored

// SetAckWait changes how long a queued delivery may go unacknowledged.
// Call it before Run.
func SetAckWait(a *Adapter, d time.Duration) { a.ackWait = d }

// SetSleep replaces the wait before a rate-limited call is retried.
func SetSleep(a *Adapter, f func(context.Context, time.Duration) error) { a.sleep = f }

// Addr returns the address the http mode listener is bound to, once it is.
func Addr(ctx context.Context, a *Adapter) (net.Addr, error) {
	select {
	case addr := <-a.addr:
		a.addr <- addr // for the next caller
		return addr, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// Handler is the http mode handler, without a listener.
func Handler(a *Adapter) http.Handler { return a.httpHandler() }

// Decode decodes one delivery as both modes do.
func Decode(typ string, payload []byte, botUser string) (*bot.Message, *bot.Action, error) {
	in, err := decodeEnvelope(typ, payload, botUser)
	return in.msg, in.act, err
}

// RenderJSON renders a reply as the messages Send would post.
func RenderJSON(r bot.Reply) ([]byte, error) {
	msgs, err := render(r)
	if err != nil {
		return nil, err
	}
	// Unescaped HTML, so the golden files read as Slack shows the JSON.
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	err = enc.Encode(msgs)
	return bytes.TrimSuffix(b.Bytes(), []byte("\n")), err
}

var PlainText = plainText
