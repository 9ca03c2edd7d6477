package slack

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strings"

	"github.com/slack-go/slack"

	"github.com/tend-crm/tend/bot"
)

// download fetches a shared file with the bot token (files:read). The
// token goes only to Slack: an https URL on slack.com, or the configured
// API host (a proxy, a test's stand-in), as slack-go does for uploads.
func (a *Adapter) download(ctx context.Context, raw string) (io.ReadCloser, error) {
	if !a.mayReceiveToken(raw) {
		return nil, fmt.Errorf("slack: download file: refusing to send the token to %q", raw)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, raw, nil)
	if err != nil {
		return nil, fmt.Errorf("slack: download file: %w", err)
	}
	req.Header.Set("Authorization", "Bearer "+a.cfg.BotToken)
	resp, err := a.cfg.HTTPClient.Do(req)
	if err != nil {
		return nil, fmt.Errorf("slack: download file: %w", err)
	}
	// Without files:read Slack answers with its sign-in page, not an error.
	ct, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type"))
	if resp.StatusCode != http.StatusOK || ct == "text/html" {
		resp.Body.Close()
		return nil, fmt.Errorf("slack: download file: %s (%s); is the files:read scope granted?", resp.Status, ct)
	}
	return resp.Body, nil
}

func (a *Adapter) mayReceiveToken(raw string) bool {
	u, err := url.Parse(raw)
	if err != nil {
		return false
	}
	api, err := url.Parse(a.cfg.APIURL)
	if err != nil {
		return false
	}
	host := strings.ToLower(u.Hostname())
	slackHost := u.Scheme == "https" && (host == "slack.com" || strings.HasSuffix(host, ".slack.com"))
	return slackHost || (u.Scheme == api.Scheme && strings.EqualFold(u.Host, api.Host))
}

// upload shares a file in the chat (and thread) of to, with Slack's
// external upload: files.getUploadURLExternal, the upload itself, then
// files.completeUploadExternal (files:write).
func (a *Adapter) upload(ctx context.Context, to bot.Target, f *bot.Attachment) error {
	err := a.call(ctx, "files.uploadExternal", func() error {
		_, err := a.api.UploadFileContext(ctx, slack.UploadFileParameters{Reader: bytes.NewReader(f.Data), FileSize: len(f.Data),
			Filename: f.Name, Title: f.Name, Channel: to.ChatID, ThreadTimestamp: to.ThreadID})
		return err
	})
	if err != nil {
		return fmt.Errorf("slack: upload %s: %w", f.Name, err)
	}
	return nil
}
