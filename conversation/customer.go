package conversation

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/tend-crm/tend/store"
)

// IntentUpdateCustomer changes what Tend knows of a customer: "Acme is
// segment A", "số điện thoại Minh Phát 0903 123 456", "keep in touch with
// Acme every 2 weeks".
const IntentUpdateCustomer IntentKind = "update_customer"

// CustomerChange is what an IntentUpdateCustomer message changes; nil
// fields stay.
type CustomerChange struct {
	Stage       *store.Stage `json:"stage,omitempty"`
	Segment     *string      `json:"segment,omitempty"`
	CadenceDays *int         `json:"cadence_days,omitempty"`
	Phone       *string      `json:"phone,omitempty"`
	Email       *string      `json:"email,omitempty"`
}

// The patterns read the folded text (lower case, no diacritics); the
// customer's name is then taken from the original by position. Each has
// one group named "name".
var (
	phonePattern     = regexp.MustCompile(`(\+?\d[\d .\-]{6,}\d)`)
	emailPattern     = regexp.MustCompile(`([^\s@,;]+@[^\s@,;]+\.[a-z]{2,})`)
	anyDigit         = []string{"0", "1", "2", "3", "4", "5", "6", "7", "8", "9"}
	customerPatterns = []struct {
		re   *regexp.Regexp
		kind string // phone, email, segment, stage, cadence
		// needs are strings the text holds one of whenever re matches:
		// the patterns are tried on every message, and this cheap test
		// spares most messages all of them.
		needs []string
	}{
		{regexp.MustCompile(`^(?P<name>.+?)(?:'s| s)? (?:phone|phone number|number|tel) (?:is |= |: )?` + phonePattern.String() + `$`), "phone", anyDigit},
		{regexp.MustCompile(`^(?:phone|phone number|tel|so dien thoai|dien thoai|sdt|so)(?: of| cua)? (?P<name>.+?)(?: is| la|:)? ` + phonePattern.String() + `$`), "phone", anyDigit},
		{regexp.MustCompile(`^(?P<name>.+?)(?:'s| s)? (?:email|e-mail|mail) (?:is |= |: )?` + emailPattern.String() + `$`), "email", []string{"@"}},
		{regexp.MustCompile(`^(?:email|e-mail|mail)(?: of| cua)? (?P<name>.+?)(?: is| la|:)? ` + emailPattern.String() + `$`), "email", []string{"@"}},
		{regexp.MustCompile(`^(?P<name>.+?) (?:is )?(?:in )?segment ([abc])$`), "segment", []string{"segment"}},
		{regexp.MustCompile(`^segment (?:of )?(?P<name>.+?) (?:is |= |: |to )?([abc])$`), "segment", []string{"segment"}},
		{regexp.MustCompile(`^(?P<name>.+?) (?:la )?(?:khach )?hang ([abc])$`), "segment", []string{"hang "}},
		{regexp.MustCompile(`^(?P<name>.+?) is (?:now )?(?:a |an )?(lead|prospect|customer|loyal customer|loyal|advocate|lost customer|lost)$`), "stage", []string{" is "}},
		{regexp.MustCompile(`^(?P<name>.+?) (?:gio )?(?:la|thanh) (?:khach hang |khach )?(moi|tiem nang|than thiet|trung thanh|quen|ung ho|da mat|mat)$`), "stage", []string{" la ", " thanh "}},
		{regexp.MustCompile(`^(?:keep in touch|stay in touch|check in) with (?P<name>.+?) every (?:(\d+) )?(day|days|week|weeks|month|months|quarter|year|years)$`), "cadence", []string{" every "}},
		{regexp.MustCompile(`^(?:giu lien lac|lien lac|hoi tham) (?:voi )?(?P<name>.+?) moi (?:(\d+) )?(ngay|tuan|thang|quy|nam)$`), "cadence", []string{" moi "}},
	}
	relationshipWords = map[string]store.Stage{
		"lead": store.StageLead, "prospect": store.StageProspect, "customer": store.StageCustomer,
		"loyal customer": store.StageLoyal, "loyal": store.StageLoyal, "advocate": store.StageAdvocate,
		"lost customer": store.StageLost, "lost": store.StageLost,
		"moi": store.StageLead, "tiem nang": store.StageProspect, "quen": store.StageCustomer,
		"than thiet": store.StageLoyal, "trung thanh": store.StageLoyal, "ung ho": store.StageAdvocate, "da mat": store.StageLost, "mat": store.StageLost,
	}
	unitDays = map[string]int{"day": 1, "days": 1, "ngay": 1, "week": 7, "weeks": 7, "tuan": 7,
		"month": 30, "months": 30, "thang": 30, "quarter": 91, "quy": 91, "year": 365, "years": 365, "nam": 365}
)

// parseCustomerUpdate reads a change to a customer's details from byte at.
func parseCustomerUpdate(p phrase, at int, in Intent) (Intent, bool) {
	f := strings.TrimRight(p.fold, " .!")
	at = min(at, len(f)) // "/tend !": at is past the trimmed text
	for _, cp := range customerPatterns {
		if !slices.ContainsFunc(cp.needs, func(n string) bool { return strings.Contains(f[at:], n) }) {
			continue
		}
		m := cp.re.FindStringSubmatchIndex(f[at:])
		if m == nil {
			continue
		}
		name := p.span(at+m[2], at+m[3])
		group := func(i int) string { // "" when the group did not take part
			if m[2*i] < 0 {
				return ""
			}
			return f[at+m[2*i] : at+m[2*i+1]]
		}
		value := group(2)
		ch := &CustomerChange{}
		switch cp.kind {
		case "phone":
			v := strings.TrimSpace(p.span(at+m[4], at+m[5]))
			ch.Phone = &v
		case "email":
			v := strings.TrimSpace(p.span(at+m[4], at+m[5]))
			ch.Email = &v
		case "segment":
			v := strings.ToUpper(value)
			ch.Segment = &v
		case "stage":
			s := relationshipWords[value]
			ch.Stage = &s
		case "cadence":
			n := 1
			if value != "" {
				n, _ = strconv.Atoi(value)
			}
			days := min(n, maxCadence) * unitDays[group(3)] // no overflow; the store refuses it as too long
			ch.CadenceDays = &days
		}
		in.Kind, in.Customer, in.Update = IntentUpdateCustomer, name, ch
		return in, name != ""
	}
	return in, false
}

// updateCustomer applies a CustomerChange and says what changed.
func (r *Router) updateCustomer(ctx context.Context, ses *session, id store.CustomerID, ch CustomerChange) outcome {
	// The store reads a cadence of 0 as "back to the stage's default", not
	// as "every 0 days": said by a person, it is refused like one too long.
	if d := ch.CadenceDays; d != nil && *d <= 0 {
		return r.cadenceRange(ctx, ses, id)
	}
	c, change, err := r.Store.UpdateCustomer(ctx, ses.scope, ses.origin, id, store.CustomerUpdate{
		Stage: ch.Stage, Segment: ch.Segment, CadenceDays: ch.CadenceDays, Phone: ch.Phone, Email: ch.Email})
	var ie *store.InvalidError
	if errors.As(err, &ie) && ie.Field == store.FieldValue && ch.CadenceDays != nil {
		return r.cadenceRange(ctx, ses, id)
	}
	if errors.Is(err, store.ErrInvalid) {
		o, _ := invalid(ses, err)
		return o
	}
	if err != nil {
		return failed(err)
	}
	var what []string
	switch {
	case ch.Phone != nil:
		what = append(what, t(ses.lang, msgPhoneIs, c.Phone))
	case ch.Email != nil:
		what = append(what, "email "+c.Email)
	case ch.Segment != nil:
		what = append(what, t(ses.lang, msgSegmentIs, c.Segment))
	case ch.Stage != nil:
		what = append(what, stageNow(ses.lang, c.Stage))
	}
	if ch.Stage != nil || ch.CadenceDays != nil {
		if c.CadenceDays > 0 {
			what = append(what, t(ses.lang, msgCadenceIs, c.CadenceDays, dueText(ses.lang, c.TouchDueAt, true, ses.now, ses.loc)))
		} else {
			what = append(what, t(ses.lang, msgNoCadence))
		}
	}
	o := say(fmt.Sprintf("%s: %s.", c.Name, strings.Join(what, "; ")), undoButton(ses.lang, change))
	o.write = true
	return o
}

// maxCadence bounds the number read in "every N months" before it is
// multiplied into days: anything near it is over the store's ten years.
const maxCadence = 100000

// cadenceRange refuses a keep-in-touch cadence out of the store's range.
func (r *Router) cadenceRange(ctx context.Context, ses *session, id store.CustomerID) outcome {
	c, err := r.Store.Customer(ctx, ses.scope, id)
	if err != nil {
		return failed(err)
	}
	return say(t(ses.lang, msgCadenceRange, c.Name))
}

// stageNow words a customer's new stage after a change: "now a loyal
// customer" / "giai đoạn: thân thiết".
func stageNow(lang string, s store.Stage) string { return stageText(lang, s, nowKeys) }

var nowKeys = map[store.Stage]msg{store.StageLead: msgNowLead, store.StageProspect: msgNowProspect,
	store.StageCustomer: msgNowCustomer, store.StageLoyal: msgNowLoyal, store.StageAdvocate: msgNowAdvocate,
	store.StageLost: msgNowLost}
