package store

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"
)

// The rules below are the same for every store: what a write accepts, and
// how a change is described in undo and history.

// MaxTextLen bounds a summary or note. Chat platforms allow long messages
// (a Slack text can be 40,000 characters); a record is not a document.
const MaxTextLen = 16 << 10

// CheckText refuses a text (field names it) longer than MaxTextLen.
func CheckText(field, s string) error {
	if len(s) > MaxTextLen {
		return &InvalidError{Field: FieldText, Reason: fmt.Sprintf("%s is longer than %d bytes", field, MaxTextLen)}
	}
	return nil
}

// Validate checks the values an update sets.
func (upd CustomerUpdate) Validate() error {
	if upd.Stage != nil && !slices.Contains([]Stage{StageLead, StageProspect, StageCustomer, StageLoyal, StageAdvocate, StageLost}, *upd.Stage) {
		return &InvalidError{Field: FieldStage, Reason: fmt.Sprintf("no relationship stage %q", *upd.Stage)}
	}
	if upd.Segment != nil && !slices.Contains([]string{"", "A", "B", "C"}, *upd.Segment) {
		return &InvalidError{Field: FieldValue, Reason: fmt.Sprintf("no segment %q", *upd.Segment)}
	}
	if upd.CadenceDays != nil && (*upd.CadenceDays < 0 || *upd.CadenceDays > 3660) {
		return &InvalidError{Field: FieldValue, Reason: "a cadence is 1 day to 10 years"}
	}
	for _, s := range []*string{upd.Phone, upd.Email} {
		if s != nil && len(*s) > 200 {
			return &InvalidError{Field: FieldText, Reason: "too long"}
		}
	}
	return nil
}

// CheckMoney refuses a negative value or a currency that is not three
// capital letters.
func CheckMoney(value int64, currency string) error {
	if value < 0 || len(currency) != 3 || strings.ToUpper(currency) != currency {
		return &InvalidError{Field: FieldValue, Reason: fmt.Sprintf("value %d %q", value, currency)}
	}
	return nil
}

// Summary says what recording a stored, for undo and history: "log call
// and follow-up: Acme Corp".
func (a Activity) Summary(customer string) string {
	var parts []string
	if a.Interaction != nil {
		parts = append(parts, "log "+string(a.Interaction.Kind))
	}
	if a.FollowUp != nil {
		parts = append(parts, "follow-up")
	}
	if a.Occasion != nil {
		parts = append(parts, a.Occasion.Kind)
	}
	return strings.Join(parts, " and ") + ": " + customer
}

// Summary names what an update changed, for undo and history.
func (upd DealUpdate) Summary() string {
	switch {
	case upd.Stage != nil:
		return "deal " + *upd.Stage
	case upd.Value != nil || upd.Currency != nil:
		return "deal value"
	case upd.Owner != nil:
		return "deal owner"
	case upd.ExpectedClose != nil:
		return "deal close date"
	case upd.Need != nil || upd.Budget != nil || upd.Authority != nil:
		return "deal qualification"
	}
	return "update deal"
}

// CarePlanFor is the care plan the update schedules on d as read before
// it: only a change that makes the deal won schedules one, so that of two
// wins at once the second finds the deal won and schedules nothing.
func (upd DealUpdate) CarePlanFor(d Deal) *CarePlan {
	if upd.Stage == nil || *upd.Stage != DealWon || d.Stage == DealWon {
		return nil
	}
	return upd.CarePlan
}

// codeAlphabet leaves out letters and digits that read alike (I 1, O 0),
// since codes are typed by hand. Eight of them are 40 bits.
const (
	codeAlphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
	codeLen      = 8
)

// NewAccessCode returns a new random one-time code.
func NewAccessCode() string {
	b := make([]byte, codeLen)
	rand.Read(b)
	for i := range b {
		b[i] = codeAlphabet[int(b[i])%len(codeAlphabet)] // 256 is a multiple of 32: no bias
	}
	return string(b)
}

// HashAccessCode is how a code is kept: what the user typed, upper-cased
// and without spaces or dashes, hashed.
func HashAccessCode(code string) string {
	code = strings.Map(func(r rune) rune {
		if r == ' ' || r == '-' {
			return -1
		}
		return r
	}, strings.ToUpper(code))
	h := sha256.Sum256([]byte(code))
	return hex.EncodeToString(h[:])
}
