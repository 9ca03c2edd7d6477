//go:build sqlite_fts5

package sqlite_test

import (
	"context"
	"database/sql"
	"strings"

	"github.com/tend-crm/tend/store"
)

// FTS5 needs go-sqlite3 built with the sqlite_fts5 tag, so it is measured
// only under that tag: go test -tags sqlite_fts5 ./store/sqlite -bench Search.
// It is fed folded text, as its remove_diacritics leaves đ alone, and
// ranks with its own bm25.
func init() {
	alternatives = append(alternatives, alternative{
		name: "fts5",
		table: func(ctx context.Context, tx *sql.Tx) error {
			_, err := tx.ExecContext(ctx, `CREATE VIRTUAL TABLE bench_fts5 USING fts5 (text, tokenize = "unicode61 remove_diacritics 2")`)
			return err
		},
		add: func(ctx context.Context, tx *sql.Tx, id, customer, at int64, folded string) error {
			_, err := tx.ExecContext(ctx, `INSERT INTO bench_fts5 (rowid, text) VALUES (?, ?)`, id, folded)
			return err
		},
		query: func(ctx context.Context, read *sql.DB, s store.Scope, q string) ([]int64, error) {
			terms := store.SearchTerms(q)
			for i, t := range terms {
				terms[i] = `"` + t + `"`
			}
			return benchIDs(ctx, read, `SELECT i.id FROM bench_fts5 f JOIN interactions i ON i.id = f.rowid JOIN customers c ON c.id = i.customer_id
				WHERE bench_fts5 MATCH ? AND `+benchVisible+` ORDER BY f.rank LIMIT 10`,
				strings.Join(terms, " "), s.UserID, s.SeesAll(), s.UserID)
		},
	})
}
