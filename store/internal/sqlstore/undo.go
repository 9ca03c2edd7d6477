package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"maps"
	"slices"

	"github.com/tend-crm/tend/store"
)

// undoable lists the tables a change may have touched. Undo builds SQL
// from the audit's table and column names, so it accepts only these.
var (
	undoable = []string{"customers", "contacts", "interactions", "follow_ups", "deals", "occasions", "customer_aliases", "deal_bindings", "users"}
	errLater = errors.New("changed since")
)

// Undo implements store.Writer: it reverts the audit rows of a change in
// reverse order (a created row is deleted, an updated one gets its old
// values back), as a change of its own.
func (st *Store) Undo(ctx context.Context, s store.Scope, o store.Origin, id store.ChangeID) (store.Change, error) {
	var target store.Change
	_, err := st.change(ctx, s, o, "undo", func(c *change) error {
		var err error
		if target, err = c.undoTarget(s, id); err != nil {
			return err
		}
		if _, err := c.tx.ExecContext(ctx, "UPDATE changes SET summary = 'undo: ' || CAST(? AS text), undoes = ? WHERE id = ?", target.Summary, target.ID, c.id); err != nil {
			return err
		}
		if err := c.revert(s, target.ID); err != nil {
			return err
		}
		target.UndoneAt = c.now
		_, err = c.tx.ExecContext(ctx, "UPDATE changes SET undone_at = ? WHERE id = ?", c.now.Unix(), target.ID)
		return err
	})
	if err != nil {
		return target, fmt.Errorf("store: undo: %w", err)
	}
	return target, nil
}

// undoTarget finds the change to undo: the user's own, not an undo, not
// undone already. Its row stays locked, so that of two undos of it at once
// the second finds it undone (or, for the latest change, takes the one
// before, as it would after the first).
func (c *change) undoTarget(s store.Scope, id store.ChangeID) (store.Change, error) {
	q := "SELECT id, user_id, at, summary, undone_at FROM changes WHERE user_id = ? AND undoes IS NULL AND id <> ?"
	args := []any{s.UserID, c.id}
	if id == 0 {
		q += " AND undone_at = 0 ORDER BY id DESC LIMIT 1"
	} else {
		q += " AND id = ?"
		args = append(args, id)
	}
	q += c.st.lock(forUpdate)
	var ch store.Change
	var at, undone int64
	err := c.tx.QueryRowContext(c.ctx, q, args...).Scan(&ch.ID, &ch.UserID, &at, &ch.Summary, &undone)
	ch.At, ch.UndoneAt = FromUnix(at), FromUnix(undone)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return ch, fmt.Errorf("change to undo: %w", store.ErrNotFound)
	case err != nil:
		return ch, err
	case undone != 0:
		return ch, fmt.Errorf("change %d was undone already: %w", ch.ID, store.ErrConflict)
	}
	return ch, nil
}

type auditRow struct {
	table, action string
	id            int64
	before, after map[string]any
}

func (c *change) revert(s store.Scope, id store.ChangeID) error {
	rows, err := QueryAll(c.ctx, scanAudit, c.tx, "SELECT entity, entity_id, action, before, after FROM audit WHERE change_id = ? ORDER BY id DESC", id)
	if err != nil {
		return err
	}
	var users, customers []int64
	for _, a := range rows {
		if !slices.Contains(undoable, a.table) {
			return fmt.Errorf("undo %s: table not undoable", a.table)
		}
		cid, err := c.mayRevert(s, a)
		if err != nil {
			return err
		}
		if a.table == "users" {
			users = append(users, a.id)
		} else if cid != 0 {
			customers = append(customers, cid)
		}
	}
	// The users and customers the rows belong to are locked first, as
	// RemoveUser and Record lock them before their records: locking a
	// follow-up, then its customer, would deadlock with a call that fulfils
	// the follow-up.
	if err := c.lockRows("users", users...); err != nil {
		return err
	}
	if err := c.lockRows("customers", customers...); err != nil {
		return err
	}
	for _, a := range rows {
		if err := c.revertRow(id, a); err != nil {
			return err
		}
	}
	return nil
}

// mayRevert checks that s still sees what a row belongs to: one's own
// change on a customer handed to someone else since is theirs now. Users
// are an admin's. It returns the row's customer, 0 for a user or a row
// gone since.
func (c *change) mayRevert(s store.Scope, a auditRow) (int64, error) {
	if a.table == "users" {
		if s.Role != store.RoleAdmin {
			return 0, fmt.Errorf("undo: user %d: %w", a.id, store.ErrForbidden)
		}
		return 0, nil
	}
	column := "customer_id"
	switch a.table {
	case "customers":
		column = "id"
	case "deal_bindings": // a binding belongs to its deal's customer
		column = "(SELECT customer_id FROM deals WHERE deals.id = deal_id)"
	}
	var cid int64
	// Table and column are undoable's and the list above's, never input.
	err := c.tx.QueryRowContext(c.ctx, "SELECT "+column+" FROM "+a.table+" WHERE id = ?", a.id).Scan(&cid)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil // gone since: revertRow says so
	}
	if err != nil {
		return 0, err
	}
	if _, err := VisibleCustomer(c.ctx, c.tx, s, store.CustomerID(cid)); errors.Is(err, store.ErrNotFound) {
		return 0, fmt.Errorf("undo: customer %d: %w", cid, store.ErrNotFound)
	} else if err != nil {
		return 0, err
	}
	return cid, nil
}

func scanAudit(sc Scanner) (auditRow, error) {
	var a auditRow
	var before, after string
	if err := sc.Scan(&a.table, &a.id, &a.action, &before, &after); err != nil {
		return a, err
	}
	var err error
	if a.before, err = store.DecodeAuditJSON(before); err != nil {
		return a, err
	}
	a.after, err = store.DecodeAuditJSON(after)
	return a, err
}

// revertRow undoes one audited write of change target, refusing when the
// row has changed since (a later edit would be lost, even one to other
// columns: a snooze is not undone on a follow-up completed since) or, for a
// created row, when later records refer to it (the foreign key refuses the
// delete). Later changes that were undone, and undos, do not count.
func (c *change) revertRow(target store.ChangeID, a auditRow) error {
	// The row is read (and locked) before the later changes are counted:
	// one that held it while the count ran would commit unseen, and be lost.
	names := slices.Sorted(maps.Keys(a.after))
	current, err := c.row(a.table, a.id, names)
	if errors.Is(err, store.ErrNotFound) { // gone since
		return fmt.Errorf("undo: %s %d %w: %w", a.table, a.id, errLater, store.ErrConflict)
	}
	if err != nil {
		return fmt.Errorf("undo: %w", err)
	}
	var later int
	if err := c.tx.QueryRowContext(c.ctx, `SELECT COUNT(*) FROM audit a JOIN changes ch ON ch.id = a.change_id
		WHERE a.entity = ? AND a.entity_id = ? AND a.change_id > ? AND a.change_id <> ? AND ch.undone_at = 0 AND ch.undoes IS NULL`,
		a.table, a.id, target, c.id).Scan(&later); err != nil {
		return fmt.Errorf("undo: %s %d: %w", a.table, a.id, err)
	}
	if later > 0 {
		return fmt.Errorf("undo: %s %d %w: %w", a.table, a.id, errLater, store.ErrConflict)
	}
	for _, cur := range current {
		if fmt.Sprint(cur.val) != fmt.Sprint(a.after[cur.name]) {
			return fmt.Errorf("undo: %s %d %w: %w", a.table, a.id, errLater, store.ErrConflict)
		}
	}
	switch a.action {
	case "create":
		if _, err := c.tx.ExecContext(c.ctx, "DELETE FROM "+a.table+" WHERE id = ?", a.id); err != nil {
			// mapErr makes a foreign key refusal (later records use this
			// row) ErrConflict; anything else stays what it is.
			return fmt.Errorf("undo: delete %s %d: %w", a.table, a.id, c.st.dialect.MapErr(err))
		}
		return c.audit(a.table, a.id, "delete", current, nil)
	case "update":
		cols := make([]col, 0, len(a.before))
		for _, n := range slices.Sorted(maps.Keys(a.before)) {
			cols = append(cols, col{n, a.before[n]})
		}
		return c.update(a.table, a.id, cols...)
	}
	return fmt.Errorf("undo: cannot revert a %s", a.action)
}
