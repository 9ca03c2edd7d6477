package sqlite

import (
	"context"
	"fmt"
	"time"

	"github.com/tend-crm/tend/store"
	"github.com/tend-crm/tend/store/internal/sqlstore"
)

// History implements store.History. The changes are those with an audit
// row on the customer, on a record of it (CROSS JOIN: from the customer's
// records to their audit rows, never the other way round through every
// audit row of the table), or on a record of it that is gone or moved: a
// deletion, or an update of customer_id, names the customer in its audit
// row, and the audit_customer index holds only those (not creations,
// which every logged call writes); every audit row of the record is found
// from them.
func (db *DB) History(ctx context.Context, s store.Scope, id store.CustomerID, limit int) ([]store.HistoryEntry, error) {
	if _, err := sqlstore.VisibleCustomer(ctx, db.read, s, id); err != nil {
		return nil, fmt.Errorf("sqlite: history of %d: %w", id, err)
	}
	const updated = ` UNION SELECT a.change_id FROM %[1]s r CROSS JOIN audit a WHERE r.customer_id = ?1 AND a.entity = '%[1]s' AND a.entity_id = r.id`
	q := `SELECT ch.id, ch.user_id, u.name, ch.at, ch.summary, ch.undone_at
		FROM changes ch JOIN users u ON u.id = ch.user_id
		WHERE ch.id IN (
			SELECT change_id FROM audit WHERE entity = 'customers' AND entity_id = ?1
			UNION SELECT a.change_id FROM audit g CROSS JOIN audit a
				WHERE coalesce(json_extract(g.after, '$.customer_id'), json_extract(g.before, '$.customer_id')) = ?1 AND g.action <> 'create'
				AND a.entity = g.entity AND a.entity_id = g.entity_id`
	for _, table := range []string{"contacts", "follow_ups", "interactions", "deals", "occasions", "customer_aliases"} {
		q += fmt.Sprintf(updated, table)
	}
	q += `) ORDER BY ch.id DESC LIMIT ?2`
	out, err := sqlstore.QueryAll(ctx, func(sc sqlstore.Scanner) (e store.HistoryEntry, err error) {
		var at, undone int64
		err = sc.Scan(&e.ID, &e.UserID, &e.UserName, &at, &e.Summary, &undone)
		e.At, e.UndoneAt = sqlstore.FromUnix(at), sqlstore.FromUnix(undone)
		return e, err
	}, db.read, q, int64(id), sqlstore.LimitOr(limit, 10))
	if err != nil {
		return nil, fmt.Errorf("sqlite: history of %d: %w", id, err)
	}
	return out, nil
}

// AuditLog implements store.History.
func (db *DB) AuditLog(ctx context.Context, since time.Time, each func(store.AuditRecord) error) error {
	rows, err := db.read.QueryContext(ctx, `SELECT ch.id, ch.user_id, u.name, ch.at, ch.summary, ch.undone_at,
			a.entity, a.entity_id, a.action, a.before, a.after
		FROM changes ch JOIN users u ON u.id = ch.user_id JOIN audit a ON a.change_id = ch.id
		WHERE ch.at >= ? ORDER BY ch.id, a.id`, sqlstore.Unix(since))
	if err != nil {
		return fmt.Errorf("sqlite: audit log: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var r store.AuditRecord
		var at, undone int64
		if err := rows.Scan(&r.ID, &r.UserID, &r.UserName, &at, &r.Summary, &undone, &r.Entity, &r.EntityID, &r.Action, &r.Before, &r.After); err != nil {
			return fmt.Errorf("sqlite: audit log: %w", err)
		}
		r.At, r.UndoneAt = sqlstore.FromUnix(at), sqlstore.FromUnix(undone)
		if err := each(r); err != nil {
			return err
		}
	}
	return rows.Err()
}
