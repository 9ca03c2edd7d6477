package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/tend-crm/tend/store"
)

// ClaimEvent implements store.Events.
func (db *DB) ClaimEvent(ctx context.Context, o store.Origin) error {
	if o.IsZero() {
		return nil
	}
	if err := claimEvent(ctx, db.write, o, db.Now()); err != nil {
		return fmt.Errorf("sqlite: claim event: %w", mapErr(err))
	}
	return nil
}

// SaveDraft implements store.Drafts.
func (db *DB) SaveDraft(ctx context.Context, user store.UserID, text string) (store.DraftID, error) {
	res, err := db.write.ExecContext(ctx, "INSERT INTO drafts (user_id, text, created_at) VALUES (?, ?, ?)", user, text, db.Now().Unix())
	if err != nil {
		return 0, fmt.Errorf("sqlite: save draft: %w", mapErr(err))
	}
	id, err := res.LastInsertId()
	return store.DraftID(id), err
}

// Draft implements store.Drafts.
func (db *DB) Draft(ctx context.Context, user store.UserID, id store.DraftID) (string, error) {
	var text string
	err := db.read.QueryRowContext(ctx, "SELECT text FROM drafts WHERE id = ? AND user_id = ?", id, user).Scan(&text)
	if errors.Is(err, sql.ErrNoRows) {
		return "", fmt.Errorf("sqlite: draft %d: %w", id, store.ErrNotFound)
	}
	if err != nil {
		return "", fmt.Errorf("sqlite: draft %d: %w", id, err)
	}
	return text, nil
}

// ClaimDelivery implements store.Deliveries. A key released after a failed
// send can be claimed again; a sent or held one cannot.
func (db *DB) ClaimDelivery(ctx context.Context, key string, user store.UserID) (bool, error) {
	res, err := db.write.ExecContext(ctx, `INSERT INTO deliveries (key, user_id, claimed_at) VALUES (?, ?, ?)
		ON CONFLICT (key) DO UPDATE SET claimed_at = excluded.claimed_at, attempts = attempts + 1
		WHERE deliveries.claimed_at = 0 AND deliveries.sent_at = 0`, key, user, db.Now().Unix())
	if err != nil {
		return false, fmt.Errorf("sqlite: claim delivery: %w", mapErr(err))
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// MarkDelivered implements store.Deliveries.
func (db *DB) MarkDelivered(ctx context.Context, key, ref string) error {
	return db.updateDelivery(ctx, "mark delivered", "UPDATE deliveries SET sent_at = ?, ref = ? WHERE key = ?", db.Now().Unix(), ref, key)
}

// ReleaseDelivery implements store.Deliveries.
func (db *DB) ReleaseDelivery(ctx context.Context, key, reason string) error {
	return db.updateDelivery(ctx, "release delivery", "UPDATE deliveries SET claimed_at = 0, last_error = ? WHERE key = ? AND sent_at = 0", reason, key)
}

func (db *DB) updateDelivery(ctx context.Context, op, q string, args ...any) error {
	res, err := db.write.ExecContext(ctx, q, args...)
	if err == nil {
		var n int64
		if n, err = res.RowsAffected(); err == nil && n == 0 {
			err = store.ErrNotFound
		}
	}
	if err != nil {
		return fmt.Errorf("sqlite: %s: %w", op, err)
	}
	return nil
}

// Prune implements store.Housekeeping.
func (db *DB) Prune(ctx context.Context, before time.Time) (int64, error) {
	var n int64
	err := db.tx(ctx, func(ctx context.Context, tx txConn) error {
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
		return 0, fmt.Errorf("sqlite: prune: %w", err)
	}
	return n, nil
}
