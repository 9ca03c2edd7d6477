package sqlite

import (
	"context"
	"fmt"
	"time"

	"github.com/tend-crm/tend/store"
)

// AcquireLease implements store.Leases in one statement: a free lease is
// taken, an expired one taken over, the holder's own renewed; a lease
// another holder keeps changes nothing. Times are the store's Now.
func (db *DB) AcquireLease(ctx context.Context, name, holder string, ttl time.Duration) (bool, error) {
	if name == "" || holder == "" || ttl <= 0 {
		return false, fmt.Errorf("sqlite: acquire lease %q: %w: a name, a holder and a positive ttl", name, store.ErrInvalid)
	}
	now := db.Now()
	res, err := db.write.ExecContext(ctx, `INSERT INTO leases (name, holder, expires_at) VALUES (?, ?, ?)
		ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at
		WHERE leases.holder = excluded.holder OR leases.expires_at <= ?`,
		name, holder, now.Add(ttl).UnixMilli(), now.UnixMilli())
	if err != nil {
		return false, fmt.Errorf("sqlite: acquire lease %q: %w", name, mapErr(err))
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("sqlite: acquire lease %q: %w", name, err)
	}
	return n == 1, nil
}

// ReleaseLease implements store.Leases: the holder gives the lease up, so
// another may take it at once; anyone else's release changes nothing.
func (db *DB) ReleaseLease(ctx context.Context, name, holder string) error {
	if _, err := db.write.ExecContext(ctx, "DELETE FROM leases WHERE name = ? AND holder = ?", name, holder); err != nil {
		return fmt.Errorf("sqlite: release lease %q: %w", name, mapErr(err))
	}
	return nil
}
