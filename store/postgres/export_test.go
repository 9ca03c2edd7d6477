package postgres

import "context"

// FoldAll folds each of in with the database's tend_fold.
func (db *DB) FoldAll(ctx context.Context, in []string) ([]string, error) {
	return queryAll(ctx, func(sc scanner) (s string, err error) { return s, sc.Scan(&s) }, db.read,
		"SELECT tend_fold(s) FROM unnest(?::text[]) WITH ORDINALITY j (s, n) ORDER BY n", in)
}
