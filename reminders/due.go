package reminders

import (
	"fmt"
	"time"

	"github.com/tend-crm/tend/store"
)

// Kind is what a reminder is about.
type Kind string

const (
	KindDigest   Kind = "digest"   // the morning list
	KindFollowUp Kind = "followup" // a follow-up with a time, at that minute
)

// Reminder is one message a user is owed.
type Reminder struct {
	// Key names the reminder in the delivery ledger: the same reminder
	// computed on another tick, after a restart or by another replica has
	// the same key, so it is sent once.
	Key      string
	Kind     Kind
	User     store.User
	Due      time.Time // when it was meant to go out
	FollowUp *store.FollowUp
}

// Late reports whether the reminder goes out noticeably after its time
// (Tend was down, or a send failed and is being retried).
func (r Reminder) Late(now time.Time) bool { return now.Sub(r.Due) > 2*time.Minute }

// DigestDue returns the user's digest if it is due at now: their digest
// time has passed today in their zone, no longer ago than catchUp, and
// today is a day they get one. The key is the user and their local date,
// so on a daylight-saving change day the digest goes out exactly once: a
// time in the spring gap is moved forward by time.Date, and the repeated
// hour in autumn has the same date.
func DigestDue(u store.User, now time.Time, catchUp time.Duration) (Reminder, bool) {
	h, m, ok := clock(u.DigestTime)
	if !ok {
		return Reminder{}, false
	}
	loc := store.Zone(u.TimeZone)
	local := now.In(loc)
	if wd := local.Weekday(); !u.DigestWeekends && (wd == time.Saturday || wd == time.Sunday) {
		return Reminder{}, false
	}
	at := time.Date(local.Year(), local.Month(), local.Day(), h, m, 0, 0, loc)
	if now.Before(at) || now.Sub(at) > catchUp {
		return Reminder{}, false
	}
	return Reminder{
		Key:  fmt.Sprintf("digest:%d:%s", u.ID, local.Format(time.DateOnly)),
		Kind: KindDigest,
		User: u,
		Due:  at,
	}, true
}

// FollowUpDue returns the ping for a timed follow-up that fell due. The key
// holds the due time, so a snoozed follow-up pings again at its new time.
func FollowUpDue(u store.User, f store.FollowUp) Reminder {
	return Reminder{
		Key:      fmt.Sprintf("followup:%d:%d", f.ID, f.Due.Unix()),
		Kind:     KindFollowUp,
		User:     u,
		Due:      f.Due,
		FollowUp: &f,
	}
}

// Quiet reports whether local time t is at night (22:00–07:00), when only
// reminders for a time the user chose themselves are sent.
func Quiet(t time.Time) bool {
	h := t.Hour()
	return h >= 22 || h < 7
}

// clock parses "08:30".
func clock(s string) (h, m int, ok bool) {
	t, err := time.Parse("15:04", s)
	if err != nil {
		return 0, 0, false
	}
	return t.Hour(), t.Minute(), true
}
