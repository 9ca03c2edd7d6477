package postgres

import (
	"context"
	"fmt"

	"github.com/tend-crm/tend/store"
)

// AgendaBook implements store.Agendas, every part read in one snapshot.
func (db *DB) AgendaBook(ctx context.Context, s store.Scope, f store.AgendaFilter) (store.Book, error) {
	tx, err := db.read.snapshot(ctx)
	if err != nil {
		return store.Book{}, fmt.Errorf("postgres: agenda: %w", err)
	}
	defer tx.Rollback()
	b, err := db.AgendaBookIn(ctx, tx, s, f)
	if err != nil {
		return b, fmt.Errorf("postgres: agenda: %w", err)
	}
	return b, nil
}
