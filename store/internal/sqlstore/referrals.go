package sqlstore

import (
	"context"
	"fmt"

	"github.com/tend-crm/tend/store"
)

// SetReferrer implements store.Referrals.
func (st *Store) SetReferrer(ctx context.Context, s store.Scope, o store.Origin, id, referrer store.CustomerID) (store.ChangeID, error) {
	if id == referrer {
		return 0, fmt.Errorf("store: set referrer: %w", &store.InvalidError{Field: store.FieldName, Reason: "a customer cannot refer itself"})
	}
	cid, err := st.change(ctx, s, o, "referral", func(c *change) error {
		// Locked: of two referrals recorded at once, the second finds the
		// first's.
		cu, err := c.lockVisibleCustomer(s, id)
		if err != nil {
			return err
		}
		ref, err := VisibleCustomer(c.ctx, c.tx, s, referrer)
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
		return 0, fmt.Errorf("store: set referrer: %w", err)
	}
	return cid, nil
}

// Referred implements store.Referrals.
func (st *Store) Referred(ctx context.Context, s store.Scope, referrer store.CustomerID, limit int) ([]store.Customer, error) {
	out, err := QueryAll(ctx, ScanCustomer, st.read, "SELECT "+CustomerCols+" FROM customers c WHERE c.referred_by = ? AND "+Visible+
		" ORDER BY c.name_key, c.id LIMIT ?", append(append([]any{referrer}, VisArgs(s)...), LimitOr(limit, 20))...)
	if err != nil {
		return nil, fmt.Errorf("store: referred by %d: %w", referrer, err)
	}
	return out, nil
}
