package sqlstore

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/tend-crm/tend/store"
)

// PlanSegment implements store.Campaigns.
func (st *Store) PlanSegment(ctx context.Context, s store.Scope, o store.Origin, segment string, f store.FollowUp) ([]store.FollowUp, store.ChangeID, error) {
	segment = strings.TrimSpace(segment)
	f.Note = store.Normalize(f.Note)
	if segment == "" || f.Note == "" || f.Due.IsZero() {
		return nil, 0, fmt.Errorf("store: plan segment: %w", &store.InvalidError{Field: store.FieldValue, Reason: fmt.Sprintf("segment %q, note %q", segment, f.Note)})
	}
	due := f.Due.UTC().Truncate(time.Second)
	var added []store.FollowUp
	cid, err := st.change(ctx, s, o, fmt.Sprintf("plan segment %s: %s", segment, f.Note), func(c *change) error {
		// Segments are letters the user types: "a" is segment A. The
		// customers are locked, so that a campaign planned twice at once
		// finds the first plan.
		if c.st.dialect.RowLocks {
			if _, err := c.tx.ExecContext(c.ctx, "SELECT 1 FROM customers WHERE owner_id = ? AND lower(segment) = lower(?) ORDER BY id"+forUpdate,
				s.UserID, segment); err != nil {
				return err
			}
		}
		cs, err := QueryAll(c.ctx, ScanCustomer, c.tx, "SELECT "+CustomerCols+` FROM customers c
			WHERE c.owner_id = ? AND lower(c.segment) = lower(?) ORDER BY c.name, c.id`, s.UserID, segment)
		if err != nil {
			return err
		}
		if len(cs) == 0 {
			return fmt.Errorf("%w: no customer in segment %q", store.ErrNotFound, segment)
		}
		for _, cu := range cs {
			var planned bool
			if err := c.tx.QueryRowContext(c.ctx, `SELECT EXISTS (SELECT 1 FROM follow_ups
				WHERE customer_id = ? AND status = 'open' AND due_at = ? AND note = ?)`, cu.ID, due.Unix(), f.Note).Scan(&planned); err != nil {
				return err
			}
			if planned {
				continue
			}
			r := store.Recorded{Customer: cu}
			if err := c.addFollowUp(s, store.FollowUp{Due: due, AllDay: f.AllDay, Note: f.Note}, &r); err != nil {
				return err
			}
			added = append(added, *r.FollowUp)
		}
		if len(added) == 0 {
			return fmt.Errorf("%w: segment %q planned already", store.ErrConflict, segment)
		}
		return nil
	})
	if err != nil {
		return nil, 0, fmt.Errorf("store: plan segment: %w", err)
	}
	return added, cid, nil
}
