package postgres

import (
	"context"

	"github.com/tend-crm/tend/store/internal/sqlstore"
)

// FoldAll folds each of in with the database's tend_fold.
func (db *DB) FoldAll(ctx context.Context, in []string) ([]string, error) {
	return sqlstore.QueryAll(ctx, func(sc sqlstore.Scanner) (s string, err error) { return s, sc.Scan(&s) }, db.read,
		"SELECT tend_fold(s) FROM unnest(?::text[]) WITH ORDINALITY j (s, n) ORDER BY n", in)
}
