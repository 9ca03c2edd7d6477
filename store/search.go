package store

import (
	"context"
	"math"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Search finds records by the words in them.
type Search interface {
	// Search returns the records s may see that contain every word of
	// q.Text (folded: case and diacritics do not matter, "đ" is "d"),
	// best first by relevance and recency; at most q.Limit. When no record
	// has them all, those with most of them. ErrInvalid when q.Text has no
	// word.
	Search(ctx context.Context, s Scope, q SearchQuery) ([]Hit, error)
}

// History reads the audit log.
type History interface {
	// History returns the latest changes to a customer s may see and to
	// its contacts, follow-ups, interactions, deals, aliases and occasions,
	// newest first; at most limit. ErrNotFound when s cannot see it.
	History(ctx context.Context, s Scope, id CustomerID, limit int) ([]HistoryEntry, error)
	// AuditLog calls each with every audited row of the changes made since
	// since, oldest first: the whole log, for an admin's export. It is not
	// scoped; the caller checks who asks.
	AuditLog(ctx context.Context, since time.Time, each func(AuditRecord) error) error
}

// AuditRecord is one row a change wrote: which record, how, and its
// columns before and after as JSON objects.
type AuditRecord struct {
	HistoryEntry
	Entity        string // table: customers, follow_ups, deals, …
	EntityID      int64
	Action        string // create, update or delete
	Before, After string
}

// SearchQuery is what to look for.
type SearchQuery struct {
	Text  string
	Limit int // default 10
}

// HitKind is the kind of record a search found.
type HitKind string

const (
	HitCustomer    HitKind = "customer"
	HitContact     HitKind = "contact"
	HitDeal        HitKind = "deal"
	HitInteraction HitKind = "interaction"
	HitFollowUp    HitKind = "followup"
)

// Hit is one record a search found.
type Hit struct {
	Kind       HitKind
	ID         int64 // the record's id, of the type Kind names
	CustomerID CustomerID
	Customer   string // the customer's name
	// Title is the contact's name or the deal's title; empty otherwise.
	Title string
	// Type is how an interaction happened; empty for other kinds.
	Type Kind
	// Text is what the record says: a summary, a note, a role, a stage.
	Text string
	At   time.Time // when it happened or last moved
}

// HistoryEntry is one change in a customer's history.
type HistoryEntry struct {
	Change
	UserName string // who made it
}

// RecencyHalfLife is how fast a search hit's recency bonus fades.
const RecencyHalfLife = 180 * 24 * time.Hour

// Recency is the factor a search hit's relevance is multiplied by: 1 for
// something long ago, up to 2 for now, its bonus halving every
// RecencyHalfLife.
func Recency(at, now time.Time) float64 {
	age := max(now.Sub(at), 0)
	return 1 + math.Exp2(-float64(age)/float64(RecencyHalfLife))
}

// SearchTerms splits text into the folded words a search matches: letters
// and digits, lower case, without diacritics. Words of one letter are
// dropped unless they are all there is.
func SearchTerms(text string) []string {
	var terms, short []string
	for w := range strings.FieldsFuncSeq(Fold(Normalize(text)), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	}) {
		if utf8.RuneCountInString(w) < 2 && !unicode.IsDigit([]rune(w)[0]) {
			short = append(short, w)
			continue
		}
		terms = append(terms, w)
	}
	if len(terms) == 0 {
		return short
	}
	return terms
}

// Snippet returns the part of text around the first word that starts with
// one of terms (folded, as SearchTerms gives them), at most about width
// runes, with "…" where it was cut. Without a match it is text's start.
func Snippet(text string, terms []string, width int) string {
	runes := []rune(strings.Join(strings.Fields(text), " "))
	if len(runes) <= width {
		return string(runes)
	}
	fold := []rune(Fold(string(runes))) // Fold maps rune to rune: indexes align
	at := -1
	for i := range fold {
		if i > 0 && (unicode.IsLetter(fold[i-1]) || unicode.IsDigit(fold[i-1])) {
			continue // not a word start
		}
		for _, t := range terms {
			if strings.HasPrefix(string(fold[i:min(len(fold), i+utf8.RuneCountInString(t))]), t) {
				at = i
				break
			}
		}
		if at >= 0 {
			break
		}
	}
	start := 0
	if at > width/3 {
		start = at - width/3
		for start < at && runes[start-1] != ' ' { // start on a word
			start++
		}
	}
	end := min(len(runes), start+width)
	for end < len(runes) && end > start+width/2 && runes[end] != ' ' {
		end--
	}
	out := strings.TrimSpace(string(runes[start:end]))
	if start > 0 {
		out = "…" + out
	}
	if end < len(runes) {
		out += "…"
	}
	return out
}
