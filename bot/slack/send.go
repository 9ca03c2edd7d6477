package slack

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/slack-go/slack"

	"github.com/tend-crm/tend/bot"
)

const (
	// maxAttempts bounds calls to a rate-limited method, the first included.
	maxAttempts = 3
	// maxRetryAfter is the longest Retry-After we wait out; past it the
	// caller (a reminder, a reply) is better off knowing now.
	maxRetryAfter = 30 * time.Second
)

// Send implements bot.Notifier. to.ChatID is a channel id, or a user id
// for the app's DM with that user; to.ThreadID answers in a thread. A
// reply too long for one message goes out as several; the returned ref
// is the first, with its real channel id (a DM's D…, not the user's U…).
func (a *Adapter) Send(ctx context.Context, to bot.Target, r bot.Reply) (bot.SentRef, error) {
	if to.Platform != "" && to.Platform != bot.Slack {
		return bot.SentRef{}, fmt.Errorf("slack: send: %w: platform %q", bot.ErrUnknownTarget, to.Platform)
	}
	if to.ChatID == "" {
		return bot.SentRef{}, fmt.Errorf("slack: send: %w: no chat", bot.ErrUnknownTarget)
	}
	msgs, err := render(r)
	if err != nil {
		return bot.SentRef{}, err
	}
	var first bot.SentRef
	for i, m := range msgs {
		ch, ts, err := a.post(ctx, to.ChatID, to.ThreadID, m)
		if err != nil {
			return first, err
		}
		if i == 0 {
			first = bot.SentRef{Target: bot.Target{Platform: bot.Slack, ChatID: ch, ThreadID: to.ThreadID}, ID: ts,
				Thread: cmp.Or(to.ThreadID, ts)}
		}
	}
	if r.File != nil {
		return first, a.upload(ctx, first.Target, r.File)
	}
	return first, nil
}

// sendEphemeral posts r in to's channel (and thread) visible only to
// user. Slack keeps no ephemeral message, so there is no ref to return.
func (a *Adapter) sendEphemeral(ctx context.Context, to bot.Target, user string, r bot.Reply) error {
	msgs, err := render(r)
	if err != nil {
		return err
	}
	for _, m := range msgs {
		opts := msgOptions(m)
		if to.ThreadID != "" {
			opts = append(opts, slack.MsgOptionTS(to.ThreadID))
		}
		err := a.call(ctx, "chat.postEphemeral", func() error {
			_, err := a.api.PostEphemeralContext(ctx, to.ChatID, user, opts...)
			return err
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// Edit implements bot.Editor with chat.update: the message is replaced
// whole, so buttons the new reply lacks disappear. Parts of a long reply
// beyond the first message are posted after it.
func (a *Adapter) Edit(ctx context.Context, ref bot.SentRef, r bot.Reply) error {
	if ref.Target.ChatID == "" || ref.ID == "" {
		return fmt.Errorf("slack: edit: %w: incomplete message ref", bot.ErrUnknownTarget)
	}
	msgs, err := render(r)
	if err != nil {
		return err
	}
	err = a.call(ctx, "chat.update", func() error {
		_, _, _, err := a.api.UpdateMessageContext(ctx, ref.Target.ChatID, ref.ID, msgOptions(msgs[0])...)
		return err
	})
	if err != nil {
		return err
	}
	for _, m := range msgs[1:] {
		if _, _, err := a.post(ctx, ref.Target.ChatID, ref.Target.ThreadID, m); err != nil {
			return err
		}
	}
	return nil
}

func (a *Adapter) post(ctx context.Context, chat, thread string, m message) (channel, ts string, err error) {
	opts := msgOptions(m)
	if thread != "" {
		opts = append(opts, slack.MsgOptionTS(thread))
	}
	err = a.call(ctx, "chat.postMessage", func() (err error) {
		channel, ts, err = a.api.PostMessageContext(ctx, chat, opts...)
		return err
	})
	return channel, ts, err
}

func msgOptions(m message) []slack.MsgOption {
	return []slack.MsgOption{slack.MsgOptionText(m.Text, false), slack.MsgOptionBlocks(m.Blocks...)}
}

// call runs one Web API call, waiting out 429s: Slack says how long in
// Retry-After, which slack-go returns as *slack.RateLimitedError. After
// maxAttempts, or when asked to wait longer than maxRetryAfter, it gives
// up with a *bot.RateLimitError the caller can schedule by.
func (a *Adapter) call(ctx context.Context, method string, f func() error) error {
	for attempt := 1; ; attempt++ {
		err := f()
		var rl *slack.RateLimitedError
		if !errors.As(err, &rl) {
			if err != nil {
				return fmt.Errorf("slack: %s: %w", method, err)
			}
			return nil
		}
		wait := max(rl.RetryAfter, time.Second)
		if attempt >= maxAttempts || wait > maxRetryAfter {
			return fmt.Errorf("slack: %s: %w", method, &bot.RateLimitError{RetryAfter: wait})
		}
		a.logger.Warn("slack: rate limited, retrying", "method", method, "retry_after", wait, "attempt", attempt)
		if err := a.sleep(ctx, wait); err != nil {
			return fmt.Errorf("slack: %s: %w", method, err)
		}
	}
}

// userInfo is what users.info told us about a user.
type userInfo struct {
	name, tz, lang string
	fetched        time.Time
	ok             bool
}

const (
	userTTL      = 24 * time.Hour   // zones change when people travel
	userFailTTL  = 10 * time.Minute // a failed lookup is retried, not on every message
	userCacheMax = 10000
	userTimeout  = time.Second // the lookup delays the reply; never by much
)

// sender fills in the name, time zone and language of s from users.info,
// cached, so dates are read in the user's zone. A failed lookup leaves
// them as they were: the router keeps what it has.
func (a *Adapter) sender(ctx context.Context, s bot.Sender) bot.Sender {
	if s.ID == "" {
		return s
	}
	now := time.Now()
	a.mu.Lock()
	u, hit := a.users[s.ID]
	a.mu.Unlock()
	if !hit || (u.ok && now.Sub(u.fetched) > userTTL) || (!u.ok && now.Sub(u.fetched) > userFailTTL) {
		u = a.lookupUser(ctx, s.ID)
		u.fetched = now
		a.mu.Lock()
		if len(a.users) >= userCacheMax {
			clear(a.users) // crude, and rare: a workspace this big refills in a day
		}
		a.users[s.ID] = u
		a.mu.Unlock()
	}
	if !u.ok {
		return s
	}
	s.TimeZone = u.tz
	if u.name != "" {
		s.Name = u.name
	}
	if s.Lang == "" {
		s.Lang = u.lang
	}
	return s
}

func (a *Adapter) lookupUser(ctx context.Context, id string) userInfo {
	ctx, cancel := context.WithTimeout(ctx, userTimeout)
	defer cancel()
	u, err := a.api.GetUserInfoContext(ctx, id)
	if err != nil {
		a.logger.Debug("slack: users.info failed", bot.LogKeyUser, id, "err", err)
		return userInfo{}
	}
	name := u.Profile.DisplayName
	if name == "" {
		name = cmp.Or(u.RealName, u.Name)
	}
	lang, _, _ := strings.Cut(strings.ToLower(u.Locale), "-") // "vi-VN" → "vi"
	return userInfo{name: name, tz: u.TZ, lang: lang, ok: true}
}
