package postgres

import (
	"context"
	"fmt"

	"github.com/tend-crm/tend/store/internal/sqlstore"
)

// FoldAll folds each of in with the database's tend_fold.
func (db *DB) FoldAll(ctx context.Context, in []string) ([]string, error) {
	return sqlstore.QueryAll(ctx, func(sc sqlstore.Scanner) (s string, err error) { return s, sc.Scan(&s) }, db.read,
		"SELECT tend_fold(s) FROM unnest(?::text[]) WITH ORDINALITY j (s, n) ORDER BY n", in)
}

// SeqScans runs stmts in one transaction, which it rolls back, and
// returns the tables of the schema read whole meanwhile, with how often.
func (db *DB) SeqScans(ctx context.Context, stmts ...string) (map[string]int64, error) {
	tx, err := db.sql.BeginTx(ctx, nil)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	for _, s := range stmts {
		if _, err := tx.ExecContext(ctx, s); err != nil {
			return nil, fmt.Errorf("%s: %w", s, err)
		}
	}
	rows, err := tx.QueryContext(ctx, "SELECT relname, seq_scan FROM pg_stat_xact_user_tables WHERE schemaname = current_schema() AND seq_scan > 0")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	scans := map[string]int64{}
	for rows.Next() {
		var table string
		var n int64
		if err := rows.Scan(&table, &n); err != nil {
			return nil, err
		}
		scans[table] = n
	}
	return scans, rows.Err()
}

// RowEstimate is the planner's count of table's rows (-1: never analyzed).
func (db *DB) RowEstimate(ctx context.Context, table string) (n float64, err error) {
	err = db.sql.QueryRowContext(ctx, "SELECT reltuples FROM pg_class WHERE oid = to_regclass($1)", table).Scan(&n)
	return n, err
}
