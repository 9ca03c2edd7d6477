package postgres

import (
	"cmp"
	"context"
	"fmt"
	"slices"
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

// hitKinds maps a document's kind (docid % 8) to the store's.
var hitKinds = [...]store.HitKind{1: store.HitCustomer, 2: store.HitContact, 3: store.HitDeal, 4: store.HitInteraction, 5: store.HitFollowUp}

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
	slices.SortStableFunc(cands, func(a, b candidate) int { return cmp.Compare(b.score, a.score) })
	cands = cands[:min(len(cands), sqlstore.LimitOr(q.Limit, 10))]
	hits, err := searchHits(ctx, tx, cands)
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

type candidate struct {
	doc   int64
	at    time.Time
	score float64
}

func searchCandidates(ctx context.Context, q sqlstore.Querier, s store.Scope, query string, now time.Time) ([]candidate, error) {
	return sqlstore.QueryAll(ctx, func(sc sqlstore.Scanner) (candidate, error) {
		var c candidate
		var at int64
		var rank float64
		if err := sc.Scan(&c.doc, &at, &rank); err != nil {
			return c, err
		}
		c.at = sqlstore.FromUnix(at)
		c.score = rank * store.Recency(c.at, now)
		return c, nil
	}, q, `SELECT d.id, d.at, ts_rank('`+rankWeights+`', d.words, q.q)
		FROM to_tsquery('simple', ?) q (q), search_docs d JOIN customers c ON c.id = d.customer_id
		WHERE d.words @@ q.q AND `+sqlstore.Visible+` ORDER BY d.at DESC, d.id DESC LIMIT ?`,
		append(append([]any{query}, sqlstore.VisArgs(s)...), maxCandidates)...)
}

// searchHits reads what the chosen documents show, in their order.
func searchHits(ctx context.Context, q sqlstore.Querier, cands []candidate) ([]store.Hit, error) {
	if len(cands) == 0 {
		return nil, nil
	}
	ids := make([]int64, len(cands))
	for i, c := range cands {
		ids[i] = c.doc
	}
	found, err := sqlstore.QueryAll(ctx, func(sc sqlstore.Scanner) (h store.Hit, err error) {
		var doc int64
		err = sc.Scan(&doc, &h.CustomerID, &h.Customer, &h.Title, &h.Type, &h.Text)
		h.Kind, h.ID = hitKinds[doc%8], doc/8
		return h, err
	}, q, `SELECT d.id, c.id, c.name, COALESCE(p.name, de.title, ''), COALESCE(i.kind, ''),
			COALESCE(i.summary, f.note, p.role, de.stage, '')
		FROM unnest(?::bigint[]) WITH ORDINALITY j (value, key) JOIN search_docs d ON d.id = j.value JOIN customers c ON c.id = d.customer_id
		LEFT JOIN contacts p ON d.id % 8 = 2 AND p.id = d.id / 8
		LEFT JOIN deals de ON d.id % 8 = 3 AND de.id = d.id / 8
		LEFT JOIN interactions i ON d.id % 8 = 4 AND i.id = d.id / 8
		LEFT JOIN follow_ups f ON d.id % 8 = 5 AND f.id = d.id / 8
		ORDER BY j.key`, ids)
	if err != nil {
		return nil, err
	}
	for i := range found {
		found[i].At = cands[i].at
	}
	return found, nil
}
