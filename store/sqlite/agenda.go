package sqlite

import (
	"context"
	"fmt"

	"github.com/tend-crm/tend/store"
	"github.com/tend-crm/tend/store/internal/sqlstore"
)

// AgendaBook implements store.Agendas, every part read in one snapshot.
func (db *DB) AgendaBook(ctx context.Context, s store.Scope, f store.AgendaFilter) (b store.Book, err error) {
	err = db.snapshot(ctx, func(q sqlstore.Querier) error {
		b, err = db.AgendaBookIn(ctx, q, s, f)
		return err
	})
	if err != nil {
		return b, fmt.Errorf("sqlite: agenda: %w", err)
	}
	return b, nil
}
