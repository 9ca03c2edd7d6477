package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/tend-crm/tend/store"
)

var _ store.Leases = (*DB)(nil)

// AcquireLease implements store.Leases in one statement: the row is
// inserted, or taken over when it has run out or is holder's already
// (a renewal). Of two replicas racing for it, the row lock lets one win.
// Expiry is reckoned on the database's clock, which every replica shares.
func (db *DB) AcquireLease(ctx context.Context, name, holder string, ttl time.Duration) (bool, error) {
	if name == "" || holder == "" || ttl <= 0 {
		return false, fmt.Errorf("postgres: acquire lease: %w: name, holder and a positive ttl are required", store.ErrInvalid)
	}
	res, err := db.write.ExecContext(ctx, `INSERT INTO leases (name, holder, expires_at)
		VALUES (?, ?, (extract(epoch FROM clock_timestamp()) * 1000)::bigint + ?)
		ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at
		WHERE leases.holder = excluded.holder OR leases.expires_at <= (extract(epoch FROM clock_timestamp()) * 1000)::bigint`,
		name, holder, ttl.Milliseconds())
	if err != nil {
		return false, fmt.Errorf("postgres: acquire lease %s: %w", name, mapErr(err))
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// ReleaseLease implements store.Leases: holder gives the lease up at once,
// so that another replica need not wait for it to run out. Releasing a
// lease one does not hold does nothing.
func (db *DB) ReleaseLease(ctx context.Context, name, holder string) error {
	if _, err := db.write.ExecContext(ctx, "DELETE FROM leases WHERE name = ? AND holder = ?", name, holder); err != nil {
		return fmt.Errorf("postgres: release lease %s: %w", name, err)
	}
	return nil
}
