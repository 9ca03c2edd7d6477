package reminders

import (
	"context"
	"fmt"
	"time"

	"github.com/tend-crm/tend/bot"
	"github.com/tend-crm/tend/store"
)

// DealComposer is optional on a Composer: it words, for the chats bound to
// a follow-up's deal, that the follow-up fell due, and names those chats
// (none when the follow-up has no bound deal).
type DealComposer interface {
	DealFollowUpDue(ctx context.Context, u store.User, f store.FollowUp, now time.Time) ([]bot.Target, bot.Reply, error)
}

// postToDeal tells the chats bound to f's deal that it fell due, once
// each. A late follow-up is stale news for a team and is not posted; its
// owner still hears of it.
func (s *Scheduler) postToDeal(ctx context.Context, u store.User, f store.FollowUp, now time.Time) {
	dc, ok := s.Composer.(DealComposer)
	if !ok || FollowUpDue(u, f).Late(now) {
		return
	}
	log := s.Logger.With(bot.LogKeyUser, u.ID, "follow_up", f.ID)
	targets, reply, err := dc.DealFollowUpDue(ctx, u, f, now)
	if err != nil {
		log.Error("reminders: compose deal post", "err", err)
		return
	}
	for _, to := range targets {
		key := fmt.Sprintf("dealchat:%d:%d:%s:%s:%s", f.ID, f.Due.Unix(), to.Platform, to.ChatID, to.ThreadID)
		claimed, err := s.Source.ClaimDelivery(ctx, key, u.ID)
		if err != nil || !claimed {
			if err != nil {
				log.Error("reminders: claim", "key", key, "err", err)
			}
			continue
		}
		if sendClaimed(ctx, s.Source, s.Notifier, log.With("key", key), key, to, reply) {
			log.Info("deal reminder posted", bot.LogKeyChat, to.ChatID)
		}
	}
}
