package sqlite

import (
	"context"
	"fmt"
	"math"

	"github.com/tend-crm/tend/store/internal/sqlstore"
)

// Loader writes rows in bulk inside one transaction, with no change
// records, audit or event ledger: it fills a store with a generated book
// for benchmarks and demos.
type Loader = sqlstore.Loader

// Load runs fill with a Loader and commits what it added, or nothing if
// fill fails.
func (db *DB) Load(ctx context.Context, fill func(*Loader) error) error {
	err := db.Store.Load(ctx, fill, func(ctx context.Context, tx sqlstore.Tx, load func() error) error {
		if err := load(); err != nil {
			return err
		}
		return indexPendingTo(ctx, tx, math.MaxInt64) // the whole queue, in one pass
	})
	if err != nil {
		return fmt.Errorf("sqlite: load: %w", err)
	}
	return nil
}

// RawInserts inserts n small rows into a scratch table, one transaction
// each, the way the store's writes commit, and drops the table: the rate
// this file and its settings allow, for `tend bench` to compare the
// store's own writes with.
func (db *DB) RawInserts(ctx context.Context, n int) error {
	if _, err := db.write.ExecContext(ctx, "CREATE TABLE IF NOT EXISTS bench_raw (id INTEGER PRIMARY KEY, at INTEGER NOT NULL, body TEXT NOT NULL)"); err != nil {
		return fmt.Errorf("sqlite: raw inserts: %w", err)
	}
	defer db.write.ExecContext(context.WithoutCancel(ctx), "DROP TABLE bench_raw")
	for i := range n {
		tx, err := db.write.BeginTx(ctx, nil)
		if err != nil {
			return fmt.Errorf("sqlite: raw inserts: %w", err)
		}
		if _, err := tx.ExecContext(ctx, "INSERT INTO bench_raw (at, body) VALUES (?, ?)", i, "called Acme Corp, follow up tomorrow"); err != nil {
			tx.Rollback()
			return fmt.Errorf("sqlite: raw inserts: %w", err)
		}
		if err := tx.Commit(); err != nil {
			return fmt.Errorf("sqlite: raw inserts: %w", err)
		}
	}
	return nil
}
