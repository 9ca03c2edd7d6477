package postgres

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"maps"
	"slices"

	"github.com/tend-crm/tend/store"
	"github.com/tend-crm/tend/store/internal/sqlstore"
)

// AgendaBook implements store.Agendas. Each part is one indexed query; the
// customers they name are then fetched by id.
func (db *DB) AgendaBook(ctx context.Context, s store.Scope, f store.AgendaFilter) (store.Book, error) {
	b := store.Book{Customers: map[store.CustomerID]store.Customer{}}
	tx, err := db.read.snapshot(ctx) // one snapshot for every part
	if err != nil {
		return b, fmt.Errorf("postgres: agenda: %w", err)
	}
	defer tx.Rollback()

	// Owner picks the follow-ups and deals that user owns, whoever owns
	// the customer (a manager's promise on a rep's customer), and
	// otherwise the customers that user owns.
	scope := " AND " + sqlstore.Visible
	args := sqlstore.VisArgs(s)
	if f.Customer != 0 {
		scope += " AND c.id = ?"
		args = append(args, f.Customer)
	}
	fuScope, fuArgs := scope, append([]any{sqlstore.Unix(f.Until)}, args...)
	dealScope, dealArgs := scope, append([]any{sqlstore.Unix(f.StuckSince)}, args...)
	if f.Owner != 0 {
		scope += " AND c.owner_id = ?"
		args = append(args, f.Owner)
		fuScope += " AND f.owner_id = ?"
		fuArgs = append(fuArgs, f.Owner)
		dealScope += " AND d.owner_id = ?"
		dealArgs = append(dealArgs, f.Owner)
	}
	with := func(first ...any) []any { return append(first, args...) }

	b.FollowUps, err = sqlstore.QueryAll(ctx, sqlstore.ScanFollowUp, tx, "SELECT "+sqlstore.FollowUpCols+` FROM follow_ups f JOIN customers c ON c.id = f.customer_id
		WHERE f.status = 'open' AND f.due_at < ?`+fuScope+" ORDER BY f.due_at, f.id", fuArgs...)
	if err != nil {
		return b, fmt.Errorf("postgres: agenda follow-ups: %w", err)
	}
	stale, err := db.staleCustomers(ctx, tx, f, scope, args)
	if err != nil {
		return b, fmt.Errorf("postgres: agenda cadence: %w", err)
	}
	for _, c := range stale {
		b.Customers[c.ID] = c
	}
	if !f.StuckSince.IsZero() {
		b.Deals, err = sqlstore.QueryAll(ctx, sqlstore.ScanDeal, tx, "SELECT "+sqlstore.DealCols+` FROM deals d JOIN customers c ON c.id = d.customer_id
			WHERE d.stage NOT IN ('won', 'lost') AND d.stage_changed_at < ?`+dealScope+" ORDER BY d.stage_changed_at", dealArgs...)
		if err != nil {
			return b, fmt.Errorf("postgres: agenda deals: %w", err)
		}
	}
	if !f.WonSince.IsZero() {
		// The latest win of each: a customer is asked once, not per deal.
		// For one owner, their own wins (deals_owner_won), not the team's.
		won, wonArgs := "", with(sqlstore.Unix(f.WonSince))
		if f.Owner != 0 {
			won, wonArgs = " AND d.owner_id = ?", with(sqlstore.Unix(f.WonSince), f.Owner)
		}
		b.ReferralAsks, err = sqlstore.QueryAll(ctx, sqlstore.ScanDeal, tx, "SELECT "+sqlstore.DealCols+` FROM deals d JOIN customers c ON c.id = d.customer_id
			WHERE d.stage = 'won' AND d.stage_changed_at >= ?`+won+` AND c.stage IN ('loyal', 'advocate')
				AND NOT EXISTS (SELECT 1 FROM customers r WHERE r.referred_by = c.id)
				AND NOT EXISTS (SELECT 1 FROM deals l WHERE l.customer_id = d.customer_id AND l.stage = 'won'
					AND (l.stage_changed_at, l.id) > (d.stage_changed_at, d.id))`+scope+" ORDER BY d.stage_changed_at DESC, d.id", wonArgs...)
		if err != nil {
			return b, fmt.Errorf("postgres: agenda referral asks: %w", err)
		}
	}
	if len(f.Occasions) > 0 {
		b.Occasions, err = sqlstore.QueryAll(ctx, sqlstore.ScanOccasion, tx, `SELECT o.id, o.customer_id, COALESCE(o.contact_id, 0), o.kind, o.month, o.day, o.year, o.lunar, o.label
			FROM unnest(?::bigint[]) j (value) JOIN occasions o
				ON o.month = j.value / 100 % 100 AND o.day = j.value % 100 AND o.lunar = j.value / 10000
			JOIN customers c ON c.id = o.customer_id WHERE TRUE`+scope+" ORDER BY o.id", with(sqlstore.MonthDays(f.Occasions))...)
		if err != nil {
			return b, fmt.Errorf("postgres: agenda occasions: %w", err)
		}
	}

	var ids []store.CustomerID
	need := func(id store.CustomerID) {
		if _, ok := b.Customers[id]; !ok {
			b.Customers[id] = store.Customer{}
			ids = append(ids, id)
		}
	}
	for _, x := range b.FollowUps {
		need(x.CustomerID)
	}
	for _, x := range b.Deals {
		need(x.CustomerID)
	}
	for _, x := range b.Occasions {
		need(x.CustomerID)
	}
	for _, x := range b.ReferralAsks {
		need(x.CustomerID)
	}
	if len(ids) > 0 {
		cs, err := sqlstore.QueryAll(ctx, sqlstore.ScanCustomer, tx, "SELECT "+sqlstore.CustomerCols+" FROM customers c WHERE c.id = ANY(?::bigint[])", sqlstore.Int64s(ids))
		if err != nil {
			return b, fmt.Errorf("postgres: agenda customers: %w", err)
		}
		for _, c := range cs {
			b.Customers[c.ID] = c
		}
	}
	if f.Limit > 0 {
		// Left out: the customers past their cadence by now not loaded for
		// any reason (Agenda gives those a reason).
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM customers c
			WHERE c.touch_due_at > 0 AND c.cadence_days > 0 AND c.touch_due_at <= ?`+scope, with(f.Now.Unix())...).Scan(&n); err != nil {
			return b, fmt.Errorf("postgres: agenda cadence: %w", err)
		}
		for _, c := range b.Customers {
			if c.CadenceDue(f.Now) {
				n--
			}
		}
		b.Omitted = n
	}
	return b, nil
}

// staleCustomers loads the customers past their keep-in-touch date: all of
// them, or under f.Limit the recently overdue ones and the first f.Limit
// long-overdue ones of each segment by name (AgendaFilter says why).
func (db *DB) staleCustomers(ctx context.Context, tx *txn, f store.AgendaFilter, scope string, args []any) ([]store.Customer, error) {
	const stale = ` FROM customers c WHERE c.touch_due_at > 0 AND c.cadence_days > 0 AND c.touch_due_at < ?`
	if f.Limit <= 0 {
		return sqlstore.QueryAll(ctx, sqlstore.ScanCustomer, tx, "SELECT "+sqlstore.CustomerCols+stale+scope, append([]any{sqlstore.Unix(f.Until)}, args...)...)
	}
	recent, err := db.recentlyStale(ctx, tx, f, scope, args)
	if err != nil {
		return nil, err
	}
	if f.Owner == 0 { // a team's book: rank each segment's names in SQL
		first, err := sqlstore.QueryAll(ctx, sqlstore.ScanCustomer, tx, "SELECT "+sqlstore.CustomerCols+` FROM customers c WHERE c.id IN (
			SELECT id FROM (SELECT c.id, ROW_NUMBER() OVER (PARTITION BY c.segment ORDER BY c.name, c.id) AS n`+
			stale+scope+`) ranked WHERE n <= ?)`, append(append([]any{sqlstore.Unix(f.LongOverdue)}, args...), f.Limit)...)
		return append(recent, first...), err
	}
	// One owner's: the first names of each segment straight from the
	// customers_owner_segment_name index. The segments are found by
	// seeking from one to the next, not by reading every row.
	segments, err := sqlstore.QueryAll(ctx, func(sc sqlstore.Scanner) (s string, err error) { return s, sc.Scan(&s) }, tx, `
		WITH RECURSIVE seg(s) AS (
			SELECT MIN(segment) FROM customers WHERE owner_id = ?1 AND touch_due_at > 0
			UNION ALL
			SELECT (SELECT MIN(segment) FROM customers
				WHERE owner_id = ?1 AND touch_due_at > 0 AND segment > seg.s) FROM seg WHERE seg.s IS NOT NULL)
		SELECT s FROM seg WHERE s IS NOT NULL`, f.Owner)
	if err != nil {
		return nil, err
	}
	for _, seg := range segments {
		first, err := sqlstore.QueryAll(ctx, sqlstore.ScanCustomer, tx, "SELECT "+sqlstore.CustomerCols+` FROM customers c
			WHERE c.owner_id = ? AND c.segment = ? AND c.touch_due_at > 0 AND c.cadence_days > 0 AND c.touch_due_at < ?`+scope+
			" ORDER BY c.name, c.id LIMIT ?", append(append([]any{f.Owner, seg, sqlstore.Unix(f.LongOverdue)}, args...), f.Limit)...)
		if err != nil {
			return nil, err
		}
		recent = append(recent, first...)
	}
	return recent, nil
}

// recentlyStale loads the customers whose keep-in-touch date passed since
// f.LongOverdue that may rank among the first f.Limit items: their
// cadence score, as Agenda reckons it (base plus the capped per-day term,
// times the segment factor) but from instants, within the slack of the
// f.Limit-th best. Any other scores lower than f.Limit of these.
func (db *DB) recentlyStale(ctx context.Context, tx *txn, f store.AgendaFilter, scope string, args []any) ([]store.Customer, error) {
	w := f.Weights
	score, scoreArgs := "(CASE c.segment", []any{}
	for _, seg := range slices.Sorted(maps.Keys(w.Segment)) {
		score += " WHEN ?::text THEN ?::float8"
		scoreArgs = append(scoreArgs, seg, w.Segment[seg])
	}
	score += " ELSE 1 END) * (?::float8 + ?::float8 * LEAST(?::float8, GREATEST(0, (?::bigint - c.touch_due_at) / 86400.0)))"
	scoreArgs = append(scoreArgs, w.Cadence, w.CadencePerDay, w.MaxDays, f.Now.Unix())
	const recent = ` FROM customers c WHERE c.touch_due_at > 0 AND c.cadence_days > 0 AND c.touch_due_at < ? AND c.touch_due_at >= ?`
	bounds := []any{sqlstore.Unix(f.Until), sqlstore.Unix(f.LongOverdue)}

	var threshold float64
	err := tx.QueryRowContext(ctx, "SELECT "+score+recent+scope+" ORDER BY 1 DESC LIMIT 1 OFFSET ?",
		slices.Concat(scoreArgs, bounds, args, []any{f.Limit - 1})...).Scan(&threshold)
	if errors.Is(err, sql.ErrNoRows) { // fewer than f.Limit: all of them
		return sqlstore.QueryAll(ctx, sqlstore.ScanCustomer, tx, "SELECT "+sqlstore.CustomerCols+recent+scope, slices.Concat(bounds, args)...)
	}
	if err != nil {
		return nil, err
	}
	return sqlstore.QueryAll(ctx, sqlstore.ScanCustomer, tx, "SELECT "+sqlstore.CustomerCols+recent+" AND "+score+" >= ?::float8"+scope,
		slices.Concat(bounds, scoreArgs, []any{threshold - w.CadenceScoreSlack()}, args)...)
}
