package postgres

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/tend-crm/tend/store"
	"github.com/tend-crm/tend/store/internal/sqlstore"
)

// Search ranking: ts_rank over the document's weighted words (a word in a
// name counts more than one in a note: rankWeights), times store.Recency.
// Only the maxCandidates most recent matches are ranked, which bounds the
// work for a word in every record.
const (
	maxCandidates = 2000
	// rankWeights are ts_rank's weights for D, C (body), B (people) and A
	// (title), as store/sqlite weighs its columns 1, 2, 4.
	rankWeights = "{0.1, 0.25, 0.5, 1.0}"
)

// Search implements store.Search.
func (db *DB) Search(ctx context.Context, s store.Scope, q store.SearchQuery) ([]store.Hit, error) {
	terms := store.SearchTerms(q.Text)
	if len(terms) == 0 {
		return nil, fmt.Errorf("postgres: search: %w", &store.InvalidError{Field: store.FieldText, Reason: "no word to search for"})
	}
	if len(terms) > 16 { // a pasted paragraph: its first words will do
		terms = terms[:16]
	}
	tx, err := db.read.snapshot(ctx)
	if err != nil {
		return nil, fmt.Errorf("postgres: search: %w", err)
	}
	defer tx.Rollback()

	now := db.Now()
	cands, err := searchCandidates(ctx, tx, s, tsQuery(terms, " & "), now)
	if err == nil && len(cands) == 0 && len(terms) > 1 {
		cands, err = searchCandidates(ctx, tx, s, tsQuery(terms, " | "), now)
	}
	if err != nil {
		return nil, fmt.Errorf("postgres: search: %w", err)
	}
	hits, err := db.SearchHits(ctx, tx, cands, q.Limit)
	if err != nil {
		return nil, fmt.Errorf("postgres: search: %w", err)
	}
	return hits, nil
}

// tsQuery is a tsquery for terms joined by op. Terms hold only letters and
// digits, so they need no quoting; words of four letters or more also
// match as prefixes ("quote" finds "quotes").
func tsQuery(terms []string, op string) string {
	parts := make([]string, len(terms))
	for i, t := range terms {
		if utf8.RuneCountInString(t) >= 4 {
			t += ":*"
		}
		parts[i] = t
	}
	return strings.Join(parts, op)
}

// docAt is when a document ranks: a customer and their contacts by the
// customer's last contact (or creation), read from the customer rather
// than copied into search_docs on every call (migration 0023); the others
// by search_docs.at.
const docAt = `CASE WHEN d.id % 8 IN (1, 2) THEN GREATEST(c.last_contact_at, c.created_at) ELSE d.at END`

func searchCandidates(ctx context.Context, q sqlstore.Querier, s store.Scope, query string, now time.Time) ([]sqlstore.Candidate, error) {
	return sqlstore.QueryAll(ctx, func(sc sqlstore.Scanner) (sqlstore.Candidate, error) {
		var c sqlstore.Candidate
		var at int64
		var rank float64
		if err := sc.Scan(&c.Doc, &at, &rank); err != nil {
			return c, err
		}
		c.At = sqlstore.FromUnix(at)
		c.Score = rank * store.Recency(c.At, now)
		return c, nil
	}, q, `SELECT d.id, `+docAt+` AS at, ts_rank('`+rankWeights+`', d.words, q.q)
		FROM to_tsquery('simple', ?) q (q), search_docs d JOIN customers c ON c.id = d.customer_id
		WHERE d.words @@ q.q AND `+sqlstore.Visible+` ORDER BY at DESC, d.id DESC LIMIT ?`,
		append(append([]any{query}, sqlstore.VisArgs(s)...), maxCandidates)...)
}
