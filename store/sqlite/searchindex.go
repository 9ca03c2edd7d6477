package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/tend-crm/tend/store/internal/sqlstore"
)

// The search index's pending documents (migration 0015): indexed in
// batches of indexBatch per transaction, every indexEvery in the
// background and before every search.
const (
	indexBatch = 500
	indexEvery = time.Second
)

// indexPending indexes the documents waiting in search_pending, the
// oldest indexBatch at a time, each batch in a write transaction of its own
// so that messages logged meanwhile wait for one batch at most.
func (db *DB) indexPending(ctx context.Context) error {
	for {
		var last sql.NullInt64
		err := db.read.QueryRowContext(ctx,
			"SELECT max(docid) FROM (SELECT docid FROM search_pending ORDER BY docid LIMIT ?)", indexBatch).Scan(&last)
		if err != nil || !last.Valid {
			return err
		}
		if err := db.tx(ctx, func(ctx context.Context, tx sqlstore.Tx) error {
			return indexPendingTo(ctx, tx, last.Int64)
		}); err != nil {
			return err
		}
	}
}

// pendingSources are the views that give the text of the documents
// queued in search_pending, by kind (docid % 8): calls and follow-ups.
var pendingSources = []struct {
	kind int
	view string
}{{4, "search_source_interactions"}, {5, "search_source_follow_ups"}}

// indexPendingTo indexes the pending documents up to docid last, set by
// set rather than one by one (a bulk load may have a million). Indexing a
// document replaces what the index held for it, so one indexed meanwhile
// by another path (an edit, a rename) is not indexed twice; one deleted
// meanwhile is simply dropped from the queue.
func indexPendingTo(ctx context.Context, tx sqlstore.Tx, last int64) error {
	qs := []string{"DELETE FROM search_fts WHERE docid IN (SELECT docid FROM search_pending WHERE docid <= ?1)"}
	for _, src := range pendingSources {
		// In docid order: FTS4 writes out its pending terms whenever a
		// docid is not above the previous one.
		qs = append(qs, fmt.Sprintf(`INSERT INTO search_fts (docid, title, people, body)
			SELECT s.docid, s.title, s.people, s.body FROM search_pending p JOIN %s s ON s.ref_id = p.docid / 8
			WHERE p.docid <= ?1 AND p.docid %% 8 = %d ORDER BY p.docid`, src.view, src.kind))
	}
	qs = append(qs, "DELETE FROM search_pending WHERE docid <= ?1")
	for _, q := range qs {
		if _, err := tx.ExecContext(ctx, q, last); err != nil {
			return fmt.Errorf("index pending: %w", err)
		}
	}
	return nil
}

// indexLoop keeps the pending documents few, so that a search finds
// little to index first.
func (db *DB) indexLoop() {
	defer db.background.Done()
	tick := time.NewTicker(indexEvery)
	defer tick.Stop()
	for {
		select {
		case <-tick.C:
			if err := db.indexPending(context.Background()); err != nil {
				db.log.Error("sqlite: search index", "err", err)
			}
		case <-db.quit:
			return
		}
	}
}
