package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// The search index's pending documents (migration 0015): indexed in
// batches of indexBatch per transaction, every indexEvery in the
// background and before every search.
const (
	indexBatch = 500
	indexEvery = time.Second
)

// indexPending indexes the documents waiting in search_pending. Indexing
// one replaces whatever the index holds for it, so a document indexed
// meanwhile by another path (an edit, a rename) is not indexed twice.
func (db *DB) indexPending(ctx context.Context) error {
	for {
		var waiting bool
		if err := db.read.QueryRowContext(ctx, "SELECT EXISTS (SELECT 1 FROM search_pending)").Scan(&waiting); err != nil || !waiting {
			return err
		}
		err := db.tx(ctx, func(ctx context.Context, tx *sql.Tx) error {
			ids, err := queryAll(ctx, func(sc scanner) (id int64, err error) {
				return id, sc.Scan(&id)
			}, tx, "SELECT docid FROM search_pending ORDER BY docid LIMIT ?", indexBatch)
			if err != nil {
				return err
			}
			for _, id := range ids {
				if _, err := tx.ExecContext(ctx, "DELETE FROM search_fts WHERE docid = ?", id); err != nil {
					return err
				}
				// The kind is written into the query, not bound: only then does
				// SQLite skip the view's other branches.
				if _, err := tx.ExecContext(ctx, fmt.Sprintf(`INSERT INTO search_fts (docid, title, people, body)
					SELECT docid, title, people, body FROM search_source WHERE kind = %d AND ref_id = ?`, id%8), id/8); err != nil {
					return err
				}
				if _, err := tx.ExecContext(ctx, "DELETE FROM search_pending WHERE docid = ?", id); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return fmt.Errorf("index pending: %w", err)
		}
	}
}

// indexAllPending indexes every pending document in one pass over the
// records, as a bulk load wants: document by document, as indexPending
// goes, a million would take minutes.
func indexAllPending(ctx context.Context, tx *sql.Tx) error {
	for _, q := range []string{
		"DELETE FROM search_fts WHERE docid IN (SELECT docid FROM search_pending)",
		`INSERT INTO search_fts (docid, title, people, body)
			SELECT s.docid, s.title, s.people, s.body FROM search_source s JOIN search_pending p ON p.docid = s.docid`,
		"DELETE FROM search_pending",
	} {
		if _, err := tx.ExecContext(ctx, q); err != nil {
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
