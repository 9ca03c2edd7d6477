package postgres

import (
	"context"
	"fmt"

	"github.com/tend-crm/tend/store"
)

// SetReferrer implements store.Referrals.
func (db *DB) SetReferrer(ctx context.Context, s store.Scope, o store.Origin, id, referrer store.CustomerID) (store.ChangeID, error) {
	if id == referrer {
		return 0, fmt.Errorf("postgres: set referrer: %w", &store.InvalidError{Field: store.FieldName, Reason: "a customer cannot refer itself"})
	}
	cid, err := db.change(ctx, s, o, "referral", func(c *change) error {
		// Locked: of two referrals recorded at once, the second finds the
		// first's.
		cu, err := c.lockVisibleCustomer(s, id)
		if err != nil {
			return err
		}
		ref, err := visibleCustomer(c.ctx, c.tx, s, referrer)
		if err != nil {
			return err
		}
		if cu.ReferredBy == referrer {
			return fmt.Errorf("%s referred by %s: %w", cu.Name, ref.Name, store.ErrConflict)
		}
		if err := c.update("customers", int64(id), col{"referred_by", int64(referrer)}); err != nil {
			return err
		}
		return c.describe("referral: " + cu.Name + " by " + ref.Name)
	})
	if err != nil {
		return 0, fmt.Errorf("postgres: set referrer: %w", err)
	}
	return cid, nil
}

// Referred implements store.Referrals.
func (db *DB) Referred(ctx context.Context, s store.Scope, referrer store.CustomerID, limit int) ([]store.Customer, error) {
	out, err := queryAll(ctx, scanCustomer, db.read, "SELECT "+customerCols+" FROM customers c WHERE c.referred_by = ? AND "+visible+
		" ORDER BY c.name_key, c.id LIMIT ?", append(append([]any{referrer}, visArgs(s)...), limitOr(limit, 20))...)
	if err != nil {
		return nil, fmt.Errorf("postgres: referred by %d: %w", referrer, err)
	}
	return out, nil
}
