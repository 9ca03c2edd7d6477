package sqlstore

import (
	"cmp"
	"context"
	"slices"
	"time"

	"github.com/tend-crm/tend/store"
)

// Search documents are numbered id*8 + kind; each database keeps its own
// index of their words, and finds the candidates for a query in it.

// hitKinds maps a document's kind (docid % 8) to the store's.
var hitKinds = [...]store.HitKind{1: store.HitCustomer, 2: store.HitContact, 3: store.HitDeal, 4: store.HitInteraction, 5: store.HitFollowUp}

// Candidate is a search document that matched, with its score.
type Candidate struct {
	Doc   int64
	At    time.Time
	Score float64
}

// SearchHits keeps the limit best-scored of cands and reads what their
// documents show, best first.
func (st *Store) SearchHits(ctx context.Context, q Querier, cands []Candidate, limit int) ([]store.Hit, error) {
	slices.SortStableFunc(cands, func(a, b Candidate) int { return cmp.Compare(b.Score, a.Score) })
	cands = cands[:min(len(cands), LimitOr(limit, 10))]
	if len(cands) == 0 {
		return nil, nil
	}
	ids := make([]int64, len(cands))
	for i, c := range cands {
		ids[i] = c.Doc
	}
	list, arg := st.dialect.IDs(ids)
	found, err := QueryAll(ctx, func(sc Scanner) (h store.Hit, err error) {
		var doc int64
		err = sc.Scan(&doc, &h.CustomerID, &h.Customer, &h.Title, &h.Type, &h.Text)
		h.Kind, h.ID = hitKinds[doc%8], doc/8
		return h, err
	}, q, `SELECT d.id, c.id, c.name, COALESCE(p.name, de.title, ''), COALESCE(i.kind, ''),
			COALESCE(i.summary, f.note, p.role, de.stage, '')
		FROM `+list+` JOIN search_docs d ON d.id = j.value JOIN customers c ON c.id = d.customer_id
		LEFT JOIN contacts p ON d.id % 8 = 2 AND p.id = d.id / 8
		LEFT JOIN deals de ON d.id % 8 = 3 AND de.id = d.id / 8
		LEFT JOIN interactions i ON d.id % 8 = 4 AND i.id = d.id / 8
		LEFT JOIN follow_ups f ON d.id % 8 = 5 AND f.id = d.id / 8
		ORDER BY j.key`, arg)
	if err != nil {
		return nil, err
	}
	for i := range found {
		found[i].At = cands[i].At
	}
	return found, nil
}
