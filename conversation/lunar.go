package conversation

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/tend-crm/tend/store"
)

// lunarMarks say that a date is of the lunar calendar: "10/3 âm lịch",
// "lunar birthday".
var lunarMarks = []string{"theo am lich", "am lich", "al", "lunar"}

// lunarOccasionWords name yearly dates kept in the lunar calendar. "giỗ"
// folds like "giờ" (o'clock), so it counts only beside a lunar mark.
var lunarOccasionWords = []struct{ phrase, kind string }{
	{"death anniversary", "death_anniversary"}, {"ngay gio", "death_anniversary"}, {"dam gio", "death_anniversary"},
	{"gio", "death_anniversary"},
}

// withoutLunar returns p without its lunar-calendar mark, and whether it
// had one, so that the occasion grammar reads the rest as usual. "al" only
// counts right after a date ("15/8 AL").
func (p phrase) withoutLunar() (phrase, bool) {
	for _, w := range lunarMarks {
		for i := 0; ; i++ {
			j := strings.Index(p.fold[i:], w)
			if j < 0 {
				break
			}
			i += j
			if boundary(p.fold, i-1) && boundary(p.fold, i+len(w)) && (w != "al" || afterDate(p.fold[:i])) {
				rest := p.orig[:p.origIndex(i)] + " " + p.orig[p.origIndex(i+len(w)):]
				return newPhrase(strings.Join(strings.Fields(rest), " ")), true
			}
		}
	}
	return p, false
}

// afterDate reports whether s ends with a date like "15/8".
func afterDate(s string) bool {
	s = strings.TrimRight(s, " ")
	return s != "" && s[len(s)-1] >= '0' && s[len(s)-1] <= '9' && strings.Contains(s[max(0, len(s)-6):], "/")
}

var (
	tetPhrases     = []string{"chuc tet", "tet greeting", "tet greetings", "tet wishes", "lunar new year greetings"}
	segmentPhrases = []string{"segment", "phan khuc", "nhom", "hang", "group"}
)

// tet reads "plan Tết greetings for segment A", "lên lịch chúc Tết khách
// nhóm A": the segment named, empty when none is.
func (p phrase) tet() (segment string, ok bool) {
	if !containsAny(p.fold, tetPhrases) {
		return "", false
	}
	for i := range len(p.fold) {
		if !boundary(p.fold, i-1) {
			continue
		}
		if _, end, ok := p.prefix(i, segmentPhrases); ok && i == skipSpace(p.fold, i) {
			w, wend := newPhraseWord(p.fold, end)
			if w != "" && len(w) <= 2 {
				return strings.ToUpper(p.span(wend-len(w), wend)), true
			}
		}
	}
	return "", true
}

// tetLead is how many days before Tết the greetings are planned: time to
// call, send a card or a gift before everyone leaves for the holiday.
const tetLead = 3

// tet plans a Tết greeting for each of the user's customers in a segment,
// a few days before the next Tết, as one change.
func (r *Router) tet(ctx context.Context, ses *session, in Intent) outcome {
	if in.Segment == "" {
		return say(t(ses.lang, msgTetWhichSegment))
	}
	local := ses.now.In(ses.loc)
	tet := store.NextTet(local)
	on := tet.AddDate(0, 0, -tetLead)
	if today := time.Date(local.Year(), local.Month(), local.Day(), 0, 0, 0, 0, time.UTC); on.Before(today) {
		on = today // Tết is close: today, then
	}
	due := time.Date(on.Year(), on.Month(), on.Day(), 0, 0, 0, 0, ses.loc)
	added, ch, err := r.Store.PlanSegment(ctx, ses.scope, ses.origin, in.Segment, store.FollowUp{Due: due, AllDay: true, Note: t(ses.lang, msgTetNote)})
	switch {
	case errors.Is(err, store.ErrNotFound):
		return say(t(ses.lang, msgTetNoCustomers, in.Segment))
	case errors.Is(err, store.ErrConflict):
		return say(t(ses.lang, msgTetAlready, in.Segment))
	case err != nil:
		return failed(err)
	}
	days := int(tet.Sub(on).Hours() / 24)
	o := say(t(ses.lang, msgTetPlanned, len(added), in.Segment, dueText(ses.lang, due, true, ses.now, ses.loc), days, dayMonthYear(tet)),
		undoButton(ses.lang, ch))
	o.write = true
	return o
}

// lunarText words a lunar yearly date with its next solar date: "10/3
// âm lịch — năm nay 26/4".
func lunarText(lang string, oc store.Occasion, now time.Time) string {
	lunar := fmt.Sprintf("%d/%d", oc.Day, int(oc.Month))
	next := oc.Next(now)
	if next.Year() == now.Year() {
		return t(lang, msgLunarThisYear, lunar, fmt.Sprintf("%d/%d", next.Day(), int(next.Month())))
	}
	return t(lang, msgLunarNextYear, lunar, dayMonthYear(next))
}

func dayMonthYear(d time.Time) string {
	return fmt.Sprintf("%d/%d/%d", d.Day(), int(d.Month()), d.Year())
}
