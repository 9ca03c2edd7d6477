package telegram

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/tend-crm/tend/bot"
)

// fileTimeout bounds a download: the Bot API serves files up to 20 MB.
const fileTimeout = 2 * requestTimeout

// openFile fetches a document: getFile names its path, then the file
// endpoint serves it. The token is in the URL, so errors go through
// ctxDoer, which keeps it out of them.
func (a *Adapter) openFile(ctx context.Context, fileID string) (io.ReadCloser, error) {
	res, err := a.call(ctx, "getFile", tgbotapi.Params{"file_id": fileID})
	if err != nil {
		return nil, fmt.Errorf("telegram: get file: %w", err)
	}
	var f tgbotapi.File
	if err := json.Unmarshal(res, &f); err != nil || f.FilePath == "" {
		return nil, fmt.Errorf("telegram: get file: no path in %s", res)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, fmt.Sprintf(a.cfg.FileEndpoint, a.cfg.Token, f.FilePath), nil)
	if err != nil {
		return nil, fmt.Errorf("telegram: download file: bad endpoint")
	}
	resp, err := ctxDoer{ctx: ctx, timeout: fileTimeout, c: a.httpc, token: a.cfg.Token}.Do(req)
	if err != nil {
		return nil, fmt.Errorf("telegram: download file: %w", err)
	}
	if resp.StatusCode != http.StatusOK {
		resp.Body.Close()
		return nil, fmt.Errorf("telegram: download file: %s", resp.Status)
	}
	return resp.Body, nil
}

// sendFile posts a reply's file as a document (multipart), after its text.
func (a *Adapter) sendFile(ctx context.Context, to bot.Target, chat int64, f *bot.Attachment) (bot.SentRef, error) {
	doc := tgbotapi.NewDocument(chat, tgbotapi.FileBytes{Name: f.Name, Bytes: f.Data})
	if err := a.pace.wait(ctx, chat); err != nil {
		return bot.SentRef{}, fmt.Errorf("telegram: send document: %w", err)
	}
	res, err := a.retry(ctx, func() (json.RawMessage, error) { return a.request(ctx, doc) })
	if err != nil {
		return bot.SentRef{}, fmt.Errorf("telegram: send document: %w", err)
	}
	var m tgbotapi.Message
	if err := json.Unmarshal(res, &m); err != nil {
		return bot.SentRef{}, fmt.Errorf("telegram: send document: decode result: %w", err)
	}
	return bot.SentRef{Target: to, ID: strconv.Itoa(m.MessageID)}, nil
}
