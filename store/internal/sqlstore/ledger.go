package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/tend-crm/tend/store"
)

// ClaimEvent implements store.Events.
func (st *Store) ClaimEvent(ctx context.Context, o store.Origin) error {
	if o.IsZero() {
		return nil
	}
	if err := claimEvent(ctx, st.write, o, st.Now()); err != nil {
		return fmt.Errorf("store: claim event: %w", st.dialect.MapErr(err))
	}
	return nil
}

// SaveDraft implements store.Drafts.
func (st *Store) SaveDraft(ctx context.Context, user store.UserID, text string) (store.DraftID, error) {
	id, err := st.dialect.insertID(ctx, st.write, "INSERT INTO drafts (user_id, text, created_at) VALUES (?, ?, ?)", user, text, st.Now().Unix())
	if err != nil {
		return 0, fmt.Errorf("store: save draft: %w", st.dialect.MapErr(err))
	}
	return store.DraftID(id), nil
}

// Draft implements store.Drafts.
func (st *Store) Draft(ctx context.Context, user store.UserID, id store.DraftID) (string, error) {
	var text string
	err := st.read.QueryRowContext(ctx, "SELECT text FROM drafts WHERE id = ? AND user_id = ?", id, user).Scan(&text)
	if errors.Is(err, sql.ErrNoRows) {
		return "", fmt.Errorf("store: draft %d: %w", id, store.ErrNotFound)
	}
	if err != nil {
		return "", fmt.Errorf("store: draft %d: %w", id, err)
	}
	return text, nil
}

// ClaimDelivery implements store.Deliveries. A key released after a failed
// send can be claimed again; a sent or held one cannot.
func (st *Store) ClaimDelivery(ctx context.Context, key string, user store.UserID) (bool, error) {
	res, err := st.write.ExecContext(ctx, `INSERT INTO deliveries (key, user_id, claimed_at) VALUES (?, ?, ?)
		ON CONFLICT (key) DO UPDATE SET claimed_at = excluded.claimed_at, attempts = deliveries.attempts + 1
		WHERE deliveries.claimed_at = 0 AND deliveries.sent_at = 0`, key, user, st.Now().Unix())
	if err != nil {
		return false, fmt.Errorf("store: claim delivery: %w", st.dialect.MapErr(err))
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// MarkDelivered implements store.Deliveries.
func (st *Store) MarkDelivered(ctx context.Context, key, ref string) error {
	return st.updateDelivery(ctx, "mark delivered", "UPDATE deliveries SET sent_at = ?, ref = ? WHERE key = ?", st.Now().Unix(), ref, key)
}

// ReleaseDelivery implements store.Deliveries.
func (st *Store) ReleaseDelivery(ctx context.Context, key, reason string) error {
	return st.updateDelivery(ctx, "release delivery", "UPDATE deliveries SET claimed_at = 0, last_error = ? WHERE key = ? AND sent_at = 0", reason, key)
}

func (st *Store) updateDelivery(ctx context.Context, op, q string, args ...any) error {
	res, err := st.write.ExecContext(ctx, q, args...)
	if err == nil {
		var n int64
		if n, err = res.RowsAffected(); err == nil && n == 0 {
			err = store.ErrNotFound
		}
	}
	if err != nil {
		return fmt.Errorf("store: %s: %w", op, err)
	}
	return nil
}

// Prune implements store.Housekeeping.
func (st *Store) Prune(ctx context.Context, before time.Time) (int64, error) {
	var n int64
	err := st.tx(ctx, func(ctx context.Context, tx Tx) error {
		for _, q := range []string{"DELETE FROM processed_events WHERE at < ?", "DELETE FROM drafts WHERE created_at < ?"} {
			res, err := tx.ExecContext(ctx, q, before.Unix())
			if err != nil {
				return err
			}
			k, err := res.RowsAffected()
			if err != nil {
				return err
			}
			n += k
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("store: prune: %w", err)
	}
	return n, nil
}
