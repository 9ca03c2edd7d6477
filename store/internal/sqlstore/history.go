package sqlstore

import (
	"context"
	"fmt"
	"time"

	"github.com/tend-crm/tend/store"
)

// History implements store.History. The changes are those with an audit
// row on the customer, on a record of it (CROSS JOIN: from the customer's
// records to their audit rows, never the other way round through every
// audit row of the table), or on a record of it that is gone or moved,
// whose audit rows name the customer (Dialect.CustomerAudit).
func (st *Store) History(ctx context.Context, s store.Scope, id store.CustomerID, limit int) ([]store.HistoryEntry, error) {
	if _, err := VisibleCustomer(ctx, st.read, s, id); err != nil {
		return nil, fmt.Errorf("store: history of %d: %w", id, err)
	}
	const updated = ` UNION SELECT a.change_id FROM %[1]s r CROSS JOIN audit a WHERE r.customer_id = ?1 AND a.entity = '%[1]s' AND a.entity_id = r.id`
	q := `SELECT ch.id, ch.user_id, u.name, ch.at, ch.summary, ch.undone_at
		FROM changes ch JOIN users u ON u.id = ch.user_id
		WHERE ch.id IN (
			SELECT change_id FROM audit WHERE entity = 'customers' AND entity_id = ?1
			UNION ` + st.dialect.CustomerAudit
	for _, table := range []string{"contacts", "follow_ups", "interactions", "deals", "occasions", "customer_aliases"} {
		q += fmt.Sprintf(updated, table)
	}
	q += `) ORDER BY ch.id DESC LIMIT ?2`
	out, err := QueryAll(ctx, func(sc Scanner) (e store.HistoryEntry, err error) {
		var at, undone int64
		err = sc.Scan(&e.ID, &e.UserID, &e.UserName, &at, &e.Summary, &undone)
		e.At, e.UndoneAt = FromUnix(at), FromUnix(undone)
		return e, err
	}, st.read, q, int64(id), LimitOr(limit, 10))
	if err != nil {
		return nil, fmt.Errorf("store: history of %d: %w", id, err)
	}
	return out, nil
}

// AuditLog implements store.History.
func (st *Store) AuditLog(ctx context.Context, since time.Time, each func(store.AuditRecord) error) error {
	rows, err := st.read.QueryContext(ctx, `SELECT ch.id, ch.user_id, u.name, ch.at, ch.summary, ch.undone_at,
			a.entity, a.entity_id, a.action, a.before, a.after
		FROM changes ch JOIN users u ON u.id = ch.user_id JOIN audit a ON a.change_id = ch.id
		WHERE ch.at >= ? ORDER BY ch.id, a.id`, Unix(since))
	if err != nil {
		return fmt.Errorf("store: audit log: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var r store.AuditRecord
		var at, undone int64
		if err := rows.Scan(&r.ID, &r.UserID, &r.UserName, &at, &r.Summary, &undone, &r.Entity, &r.EntityID, &r.Action, &r.Before, &r.After); err != nil {
			return fmt.Errorf("store: audit log: %w", err)
		}
		r.At, r.UndoneAt = FromUnix(at), FromUnix(undone)
		if err := each(r); err != nil {
			return err
		}
	}
	return rows.Err()
}
