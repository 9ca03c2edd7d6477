package sqlite

import (
	"context"
	"encoding/binary"
	"fmt"
	"math"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/tend-crm/tend/store"
	"github.com/tend-crm/tend/store/internal/sqlstore"
)

// Search ranking. Relevance is a BM25-like sum over the query's words and
// the index's columns (a word in a name counts more than one in a note);
// store.Recency multiplies it by up to 2. Only the maxCandidates most recent matches are ranked:
// the FTS4 compiled into go-sqlite3 has no ranking function, so scores are
// computed here, and this bounds the work for a word in every record.
const maxCandidates = 2000

// colWeights are the weights of search_fts's columns: title, people, body.
var colWeights = [...]float64{4, 2, 1}

// Search implements store.Search.
func (db *DB) Search(ctx context.Context, s store.Scope, q store.SearchQuery) ([]store.Hit, error) {
	terms := store.SearchTerms(q.Text)
	if len(terms) == 0 {
		return nil, fmt.Errorf("sqlite: search: %w", &store.InvalidError{Field: store.FieldText, Reason: "no word to search for"})
	}
	if len(terms) > 16 { // a pasted paragraph: its first words will do
		terms = terms[:16]
	}
	if err := db.indexPending(ctx); err != nil {
		return nil, fmt.Errorf("sqlite: search: %w", err)
	}
	var hits []store.Hit
	err := db.snapshot(ctx, func(tx sqlstore.Querier) error {
		now := db.Now()
		cands, err := searchCandidates(ctx, tx, s, matchExpr(terms, " "), now)
		if err == nil && len(cands) == 0 && len(terms) > 1 {
			cands, err = searchCandidates(ctx, tx, s, matchExpr(terms, " OR "), now)
		}
		if err != nil {
			return err
		}
		hits, err = db.SearchHits(ctx, tx, cands, q.Limit)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("sqlite: search: %w", err)
	}
	return hits, nil
}

// matchExpr is an FTS4 query for terms joined by op. Terms hold only
// letters and digits, so quoting each is all the escaping needed; words of
// four letters or more also match as prefixes ("quote" finds "quotes").
func matchExpr(terms []string, op string) string {
	parts := make([]string, len(terms))
	for i, t := range terms {
		if utf8.RuneCountInString(t) >= 4 {
			t += "*"
		}
		parts[i] = `"` + t + `"`
	}
	return strings.Join(parts, op)
}

// docAt is when a document ranks: a customer and their contacts by the
// customer's last contact (or creation), read from the customer rather
// than copied into search_docs on every call; the others by search_docs.at.
const docAt = `CASE WHEN d.id % 8 IN (1, 2) THEN max(c.last_contact_at, c.created_at) ELSE d.at END`

func searchCandidates(ctx context.Context, q sqlstore.Querier, s store.Scope, match string, now time.Time) ([]sqlstore.Candidate, error) {
	return sqlstore.QueryAll(ctx, func(sc sqlstore.Scanner) (sqlstore.Candidate, error) {
		var c sqlstore.Candidate
		var at int64
		var info []byte
		if err := sc.Scan(&c.Doc, &at, &info); err != nil {
			return c, err
		}
		c.At = sqlstore.FromUnix(at)
		c.Score = relevance(info) * store.Recency(c.At, now)
		return c, nil
	}, q, `SELECT d.id, `+docAt+` AS at, matchinfo(search_fts, 'pcnx')
		FROM search_fts JOIN search_docs d ON d.id = search_fts.docid JOIN customers c ON c.id = d.customer_id
		WHERE search_fts MATCH ? AND `+sqlstore.Visible+` ORDER BY at DESC, d.id DESC LIMIT ?`,
		append(append([]any{match}, sqlstore.VisArgs(s)...), maxCandidates)...)
}

// relevance scores one row from FTS4's matchinfo 'pcnx': the number of
// phrases p and columns c, the number of rows n, then for each phrase and
// column the hits in this row, the hits in all rows and the rows with a
// hit. A hit counts less the more rows share it (idf) and the more often
// the row repeats it (saturating tf).
func relevance(info []byte) float64 {
	u := func(i int) float64 {
		if 4*i+4 > len(info) {
			return 0
		}
		return float64(binary.NativeEndian.Uint32(info[4*i:]))
	}
	p, c, n := int(u(0)), int(u(1)), u(2)
	var score float64
	for i := range p {
		for j := range min(c, len(colWeights)) {
			x := 3 + 3*(i*c+j)
			tf, rows := u(x), u(x+2)
			if tf == 0 {
				continue
			}
			score += colWeights[j] * tf / (tf + 1) * math.Log(1+n/rows)
		}
	}
	return score
}
