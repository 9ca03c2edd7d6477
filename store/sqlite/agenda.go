package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/tend-crm/tend/store"
	"github.com/tend-crm/tend/store/internal/sqlstore"
)

// AgendaBook implements store.Agendas. Each part is one indexed query; the
// customers they name are then fetched by id. A bounded book (f.Limit)
// lists the parts' leads first, in one query, and loads only the records
// of the customers store.AgendaFilter.Shortlist keeps.
func (db *DB) AgendaBook(ctx context.Context, s store.Scope, f store.AgendaFilter) (b store.Book, err error) {
	err = db.snapshot(ctx, func(tx sqlstore.Querier) error { // one state of the book for every part
		b, err = agendaBook(ctx, tx, s, f)
		return err
	})
	if err != nil {
		return b, fmt.Errorf("sqlite: agenda: %w", err)
	}
	return b, nil
}

func agendaBook(ctx context.Context, tx sqlstore.Querier, s store.Scope, f store.AgendaFilter) (store.Book, error) {
	b := store.Book{Customers: map[store.CustomerID]store.Customer{}}
	parts, scope, args := agendaParts(s, f)
	stale, err := staleCustomers(ctx, tx, f, scope, args)
	if err != nil {
		return b, fmt.Errorf("cadence: %w", err)
	}
	for _, c := range stale {
		b.Customers[c.ID] = c
	}
	// A bounded book loads whole only the records of the customers that
	// may rank among the first items, shortlisted from their leads.
	var only []byte
	if f.Limit > 0 {
		q, qargs := leadsQuery(parts)
		leads, err := sqlstore.QueryAll(ctx, scanLead, tx, q, qargs...)
		if err != nil {
			return b, fmt.Errorf("leads: %w", err)
		}
		keep, dropped := f.Shortlist(leads, stale)
		only, _ = json.Marshal(keep)
		b.Omitted = dropped
	}

	if b.FollowUps, err = loadPart(ctx, tx, parts[store.LeadFollowUp], sqlstore.FollowUpCols, only, sqlstore.ScanFollowUp); err != nil {
		return b, fmt.Errorf("follow-ups: %w", err)
	}
	if b.Deals, err = loadPart(ctx, tx, parts[store.LeadDeal], sqlstore.DealCols, only, sqlstore.ScanDeal); err != nil {
		return b, fmt.Errorf("deals: %w", err)
	}
	if b.ReferralAsks, err = loadPart(ctx, tx, parts[store.LeadReferralAsk], sqlstore.DealCols, only, sqlstore.ScanDeal); err != nil {
		return b, fmt.Errorf("referral asks: %w", err)
	}
	if b.Occasions, err = loadPart(ctx, tx, parts[store.LeadOccasion], sqlstore.OccasionCols, only, sqlstore.ScanOccasion); err != nil {
		return b, fmt.Errorf("occasions: %w", err)
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
		list, _ := json.Marshal(ids)
		cs, err := sqlstore.QueryAll(ctx, sqlstore.ScanCustomer, tx, "SELECT "+sqlstore.CustomerCols+" FROM customers c WHERE c.id IN (SELECT value FROM json_each(?))", list)
		if err != nil {
			return b, fmt.Errorf("customers: %w", err)
		}
		for _, c := range cs {
			b.Customers[c.ID] = c
		}
	}
	if f.Limit > 0 {
		// Left out too: the customers past their cadence by now not
		// loaded (Agenda gives those a reason).
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM customers c
			WHERE c.touch_due_at > 0 AND c.cadence_days > 0 AND c.touch_due_at <= ?`+scope, append([]any{f.Now.Unix()}, args...)...).Scan(&n); err != nil {
			return b, fmt.Errorf("cadence: %w", err)
		}
		for _, c := range b.Customers {
			if c.CadenceDue(f.Now) {
				n--
			}
		}
		b.Omitted += n
	}
	return b, nil
}

// agendaPart is the query of one kind of record that puts customers on
// the agenda, customers joined as c.
type agendaPart struct {
	from  string // FROM and WHERE
	args  []any
	order string
	lead  string // the lead's columns of the record: when, whether qualified
}

// query selects cols of the part's records, of the customers only lists
// when not nil (a JSON array).
func (p *agendaPart) query(cols string, only []byte) (string, []any) {
	q, args := "SELECT "+cols+" "+p.from, p.args
	if only != nil {
		// Driven by the part's index all the same: from the customers'
		// ids, it took twice the time.
		q += " AND c.id IN (SELECT value FROM json_each(?))"
		args = append(slices.Clip(args), only)
	}
	return q + " ORDER BY " + p.order, args
}

// loadPart reads p's records whole (none when f did not ask for them).
func loadPart[T any](ctx context.Context, tx sqlstore.Querier, p *agendaPart, cols string, only []byte, scan func(sqlstore.Scanner) (T, error)) ([]T, error) {
	if p == nil {
		return nil, nil
	}
	q, args := p.query(cols, only)
	return sqlstore.QueryAll(ctx, scan, tx, q, args...)
}

// leadsQuery lists the leads of every part in one query.
func leadsQuery(parts map[store.LeadKind]*agendaPart) (string, []any) {
	var qs []string
	var args []any
	for _, k := range slices.Sorted(maps.Keys(parts)) {
		p := parts[k]
		qs = append(qs, fmt.Sprintf("SELECT %d, %s, c.id, c.segment, c.cadence_days, c.last_contact_at, c.touch_due_at, c.created_at %s",
			k, p.lead, p.from))
		args = append(args, p.args...)
	}
	return strings.Join(qs, " UNION ALL "), args
}

func scanLead(sc sqlstore.Scanner) (store.Lead, error) {
	var l store.Lead
	var at, last, touch, created int64
	err := sc.Scan(sqlstore.IntInto(&l.Kind), &at, &l.Qualified, sqlstore.IntInto(&l.Customer), &l.Segment, sqlstore.IntInto(&l.CadenceDays), &last, &touch, &created)
	l.At, l.LastContactAt, l.TouchDueAt, l.CreatedAt = sqlstore.FromUnix(at), sqlstore.FromUnix(last), sqlstore.FromUnix(touch), sqlstore.FromUnix(created)
	return l, err
}

// agendaParts builds the queries of the records f asks for, and the scope
// of customers (as c) they and the customers past their cadence share.
// Owner picks the follow-ups and deals that user owns, whoever owns the
// customer (a manager's promise on a rep's customer), and otherwise the
// customers that user owns.
func agendaParts(s store.Scope, f store.AgendaFilter) (parts map[store.LeadKind]*agendaPart, scope string, args []any) {
	scope, args = " AND "+sqlstore.Visible, sqlstore.VisArgs(s)
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

	parts = map[store.LeadKind]*agendaPart{store.LeadFollowUp: {
		from: `FROM follow_ups f JOIN customers c ON c.id = f.customer_id
			WHERE f.status = 'open' AND f.due_at < ?` + fuScope,
		args: fuArgs, order: "f.due_at, f.id", lead: "f.due_at, 0"}}
	if !f.StuckSince.IsZero() {
		parts[store.LeadDeal] = &agendaPart{
			from: `FROM deals d JOIN customers c ON c.id = d.customer_id
				WHERE d.stage NOT IN ('won', 'lost') AND d.stage_changed_at < ?` + dealScope,
			args: dealArgs, order: "d.stage_changed_at", lead: "d.stage_changed_at, d.need <> '' AND d.budget <> '' AND d.authority <> ''"}
	}
	if !f.WonSince.IsZero() {
		// The latest win of each: a customer is asked once, not per deal.
		// For one owner, their own wins (deals_owner_won), not the team's.
		won, wonArgs := "", with(sqlstore.Unix(f.WonSince))
		if f.Owner != 0 {
			won, wonArgs = " AND d.owner_id = ?", with(sqlstore.Unix(f.WonSince), f.Owner)
		}
		parts[store.LeadReferralAsk] = &agendaPart{
			from: `FROM deals d JOIN customers c ON c.id = d.customer_id
				WHERE d.stage = 'won' AND d.stage_changed_at >= ?` + won + ` AND c.stage IN ('loyal', 'advocate')
				AND NOT EXISTS (SELECT 1 FROM customers r WHERE r.referred_by = c.id)
				AND NOT EXISTS (SELECT 1 FROM deals l WHERE l.customer_id = d.customer_id AND l.stage = 'won'
					AND (l.stage_changed_at, l.id) > (d.stage_changed_at, d.id))` + scope,
			args: wonArgs, order: "d.stage_changed_at DESC, d.id", lead: "d.stage_changed_at, 0"}
	}
	if len(f.Occasions) > 0 {
		days, _ := json.Marshal(sqlstore.MonthDays(f.Occasions))
		parts[store.LeadOccasion] = &agendaPart{
			from: `FROM json_each(?) j CROSS JOIN occasions o
				ON o.month = j.value / 100 % 100 AND o.day = j.value % 100 AND o.lunar = j.value / 10000
				JOIN customers c ON c.id = o.customer_id WHERE 1` + scope,
			args: with(string(days)), order: "o.id", lead: "0, 0"}
	}
	return parts, scope, args
}

// staleCustomers loads the customers past their keep-in-touch date: all of
// them, or under f.Limit the recently overdue ones and the first f.Limit
// long-overdue ones of each segment by name (AgendaFilter says why).
func staleCustomers(ctx context.Context, tx sqlstore.Querier, f store.AgendaFilter, scope string, args []any) ([]store.Customer, error) {
	const stale = ` FROM customers c WHERE c.touch_due_at > 0 AND c.cadence_days > 0 AND c.touch_due_at < ?`
	if f.Limit <= 0 {
		return sqlstore.QueryAll(ctx, sqlstore.ScanCustomer, tx, "SELECT "+sqlstore.CustomerCols+stale+scope, append([]any{sqlstore.Unix(f.Until)}, args...)...)
	}
	recent, err := recentlyStale(ctx, tx, f, scope, args)
	if err != nil {
		return nil, err
	}
	if f.Owner == 0 { // a team's book: rank each segment's names in SQL
		first, err := sqlstore.QueryAll(ctx, sqlstore.ScanCustomer, tx, "SELECT "+sqlstore.CustomerCols+` FROM customers c WHERE c.id IN (
			SELECT id FROM (SELECT c.id, ROW_NUMBER() OVER (PARTITION BY c.segment ORDER BY c.name, c.id) AS n`+
			stale+scope+`) WHERE n <= ?)`, append(append([]any{sqlstore.Unix(f.LongOverdue)}, args...), f.Limit)...)
		return append(recent, first...), err
	}
	// One owner's: the first names of each segment straight from the
	// customers_owner_segment_name index. The segments are found by
	// seeking from one to the next, not by reading every row.
	segments, err := sqlstore.QueryAll(ctx, func(sc sqlstore.Scanner) (s string, err error) { return s, sc.Scan(&s) }, tx, `
		WITH RECURSIVE seg(s) AS (
			SELECT MIN(segment) FROM customers INDEXED BY customers_owner_segment_name WHERE owner_id = ?1 AND cadence_days > 0
			UNION ALL
			SELECT (SELECT MIN(segment) FROM customers INDEXED BY customers_owner_segment_name
				WHERE owner_id = ?1 AND cadence_days > 0 AND segment > seg.s) FROM seg WHERE seg.s IS NOT NULL)
		SELECT s FROM seg WHERE s IS NOT NULL`, f.Owner)
	if err != nil {
		return nil, err
	}
	for _, seg := range segments {
		first, err := sqlstore.QueryAll(ctx, sqlstore.ScanCustomer, tx, "SELECT "+sqlstore.CustomerCols+` FROM customers c INDEXED BY customers_owner_segment_name
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
func recentlyStale(ctx context.Context, tx sqlstore.Querier, f store.AgendaFilter, scope string, args []any) ([]store.Customer, error) {
	w := f.Weights
	score, scoreArgs := "(CASE c.segment", []any{}
	for _, seg := range slices.Sorted(maps.Keys(w.Segment)) {
		score += " WHEN ? THEN ?"
		scoreArgs = append(scoreArgs, seg, w.Segment[seg])
	}
	score += " ELSE 1 END) * (? + ? * MIN(?, MAX(0, (? - c.touch_due_at) / 86400.0)))"
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
	return sqlstore.QueryAll(ctx, sqlstore.ScanCustomer, tx, "SELECT "+sqlstore.CustomerCols+recent+" AND "+score+" >= ?"+scope,
		slices.Concat(bounds, scoreArgs, []any{threshold - w.CadenceScoreSlack()}, args)...)
}
