package telegram

import (
	"context"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// Telegram's limits on what a bot sends (Bot API FAQ): about one message
// a second in a chat, twenty a minute in a group, thirty a second in all.
// Going past them earns 429s with a retry_after that can run to minutes.
// Each bucket is sized so that no window of the limit's length ever holds
// more than the limit: burst + rate × window ≤ limit.
var telegramLimits = limits{
	chatEvery:  time.Second,      // burst 1: at most 2 in any second
	groupEvery: time.Minute / 17, // burst 3: at most 3 + 17 = 20 in any minute
	groupBurst: 3,
	allEvery:   time.Second / 25, // burst 5: at most 5 + 25 = 30 in any second
	allBurst:   5,
}

// paceOf is the limits an adapter keeps to; none when unpaced (an
// interval of 0 is an unlimited rate).
func paceOf(cfg Config) limits {
	if cfg.Unpaced {
		return limits{groupBurst: 1, allBurst: 1}
	}
	return telegramLimits
}

// limits are a pacer's buckets: an interval between messages and a burst.
type limits struct {
	chatEvery, groupEvery, allEvery time.Duration
	groupBurst, allBurst            int
}

const (
	// pacerIdle is how long a chat's buckets are kept unused: by then they
	// are full again, the same as new ones.
	pacerIdle = time.Minute
	// pacerSweep is the number of chats above which idle ones are dropped.
	pacerSweep = 1024
)

// pacer spaces the messages the bot sends so it stays within Telegram's
// limits instead of learning them from 429s. A wait holds the caller (a
// dispatcher worker, a reminder), bounded by its context.
type pacer struct {
	lim limits
	all *rate.Limiter

	mu    sync.Mutex
	chats map[int64]*chatPace
	swept time.Time
}

type chatPace struct {
	chat  *rate.Limiter
	group *rate.Limiter // nil for a private chat
	used  time.Time
}

func newPacer(lim limits) *pacer {
	return &pacer{lim: lim, all: rate.NewLimiter(rate.Every(lim.allEvery), lim.allBurst), chats: map[int64]*chatPace{}}
}

// wait returns when a message may go to chat, or with ctx's error (at
// once if ctx would end before then).
func (p *pacer) wait(ctx context.Context, chat int64) error {
	c := p.chat(chat)
	if err := c.chat.Wait(ctx); err != nil {
		return err
	}
	if c.group != nil {
		if err := c.group.Wait(ctx); err != nil {
			return err
		}
	}
	return p.all.Wait(ctx)
}

func (p *pacer) chat(id int64) *chatPace {
	now := time.Now()
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(p.chats) > pacerSweep && now.Sub(p.swept) > pacerIdle {
		p.swept = now
		for k, c := range p.chats {
			if now.Sub(c.used) > pacerIdle {
				delete(p.chats, k)
			}
		}
	}
	c := p.chats[id]
	if c == nil {
		c = &chatPace{chat: rate.NewLimiter(rate.Every(p.lim.chatEvery), 1)}
		if id < 0 { // groups, supergroups and channels have negative ids
			c.group = rate.NewLimiter(rate.Every(p.lim.groupEvery), p.lim.groupBurst)
		}
		p.chats[id] = c
	}
	c.used = now
	return c
}
