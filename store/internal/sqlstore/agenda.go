package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/tend-crm/tend/store"
)

// AgendaBookIn implements store.Agendas with the queries of q, which reads
// one state of the book for every part (a snapshot). Each part is one
// indexed query; the customers they name are then fetched by id. A
// bounded book (f.Limit) lists the parts' leads first, in one query, and
// loads only the records of the customers store.AgendaFilter.Shortlist
// keeps.
func (st *Store) AgendaBookIn(ctx context.Context, q Querier, s store.Scope, f store.AgendaFilter) (store.Book, error) {
	b := store.Book{Customers: map[store.CustomerID]store.Customer{}}
	parts, scope, args := st.agendaParts(s, f)
	stale, err := st.staleCustomers(ctx, q, f, scope, args)
	if err != nil {
		return b, fmt.Errorf("cadence: %w", err)
	}
	for _, c := range stale {
		b.Customers[c.ID] = c
	}
	// A bounded book loads whole only the records of the customers that
	// may rank among the first items, shortlisted from their leads.
	var only []int64 // nil: every customer's
	if f.Limit > 0 {
		lq, largs := leadsQuery(parts)
		leads, err := QueryAll(ctx, scanLead, q, lq, largs...)
		if err != nil {
			return b, fmt.Errorf("leads: %w", err)
		}
		keep, dropped := f.Shortlist(leads, stale)
		only = Int64s(keep)
		b.Omitted = dropped
	}

	if b.FollowUps, err = loadPart(ctx, st, q, parts[store.LeadFollowUp], FollowUpCols, only, ScanFollowUp); err != nil {
		return b, fmt.Errorf("follow-ups: %w", err)
	}
	if b.Deals, err = loadPart(ctx, st, q, parts[store.LeadDeal], DealCols, only, ScanDeal); err != nil {
		return b, fmt.Errorf("deals: %w", err)
	}
	if b.ReferralAsks, err = loadPart(ctx, st, q, parts[store.LeadReferralAsk], DealCols, only, ScanDeal); err != nil {
		return b, fmt.Errorf("referral asks: %w", err)
	}
	if b.Occasions, err = loadPart(ctx, st, q, parts[store.LeadOccasion], OccasionCols, only, ScanOccasion); err != nil {
		return b, fmt.Errorf("occasions: %w", err)
	}

	var ids []int64
	need := func(id store.CustomerID) {
		if _, ok := b.Customers[id]; !ok {
			b.Customers[id] = store.Customer{}
			ids = append(ids, int64(id))
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
		list, arg := st.dialect.IDs(ids)
		cs, err := QueryAll(ctx, ScanCustomer, q, "SELECT "+CustomerCols+" FROM customers c WHERE c.id IN (SELECT j.value FROM "+list+")", arg)
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
		if err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM customers c
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
	lead  string // the lead's columns of the record: when, whether qualified (1 or 0)
}

// loadPart reads p's records whole (none when f did not ask for them),
// of the customers only lists when not nil.
func loadPart[T any](ctx context.Context, st *Store, q Querier, p *agendaPart, cols string, only []int64, scan func(Scanner) (T, error)) ([]T, error) {
	if p == nil {
		return nil, nil
	}
	query, args := "SELECT "+cols+" "+p.from, p.args
	if only != nil {
		// Driven by the part's index all the same: from the customers'
		// ids, it took twice the time (SQLite).
		list, arg := st.dialect.IDs(only)
		query += " AND c.id IN (SELECT j.value FROM " + list + ")"
		args = append(slices.Clip(args), arg)
	}
	return QueryAll(ctx, scan, q, query+" ORDER BY "+p.order, args...)
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

func scanLead(sc Scanner) (store.Lead, error) {
	var l store.Lead
	var at, last, touch, created int64
	err := sc.Scan(IntInto(&l.Kind), &at, &l.Qualified, IntInto(&l.Customer), &l.Segment, IntInto(&l.CadenceDays), &last, &touch, &created)
	l.At, l.LastContactAt, l.TouchDueAt, l.CreatedAt = FromUnix(at), FromUnix(last), FromUnix(touch), FromUnix(created)
	return l, err
}

// agendaParts builds the queries of the records f asks for, and the scope
// of customers (as c) they and the customers past their cadence share.
// Owner picks the follow-ups and deals that user owns, whoever owns the
// customer (a manager's promise on a rep's customer), and otherwise the
// customers that user owns.
func (st *Store) agendaParts(s store.Scope, f store.AgendaFilter) (parts map[store.LeadKind]*agendaPart, scope string, args []any) {
	scope, args = " AND "+Visible, VisArgs(s)
	if f.Customer != 0 {
		scope += " AND c.id = ?"
		args = append(args, f.Customer)
	}
	fuScope, fuArgs := scope, append([]any{Unix(f.Until)}, args...)
	dealScope, dealArgs := scope, append([]any{Unix(f.StuckSince)}, args...)
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
			args: dealArgs, order: "d.stage_changed_at",
			lead: "d.stage_changed_at, CASE WHEN d.need <> '' AND d.budget <> '' AND d.authority <> '' THEN 1 ELSE 0 END"}
	}
	if !f.WonSince.IsZero() {
		// The latest win of each: a customer is asked once, not per deal.
		// For one owner, their own wins (deals_owner_won), not the team's.
		won, wonArgs := "", with(Unix(f.WonSince))
		if f.Owner != 0 {
			won, wonArgs = " AND d.owner_id = ?", with(Unix(f.WonSince), f.Owner)
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
		days, arg := st.dialect.IDs(monthDays(f.Occasions))
		parts[store.LeadOccasion] = &agendaPart{
			from: `FROM ` + days + ` CROSS JOIN occasions o JOIN customers c ON c.id = o.customer_id
				WHERE o.month = j.value / 100 % 100 AND o.day = j.value % 100 AND o.lunar = j.value / 10000` + scope,
			args: with(arg), order: "o.id", lead: "0, 0"}
	}
	return parts, scope, args
}

// staleCustomers loads the customers past their keep-in-touch date: all of
// them, or under f.Limit the recently overdue ones and the first f.Limit
// long-overdue ones of each segment by name (AgendaFilter says why).
func (st *Store) staleCustomers(ctx context.Context, q Querier, f store.AgendaFilter, scope string, args []any) ([]store.Customer, error) {
	const stale = ` FROM customers c WHERE c.touch_due_at > 0 AND c.cadence_days > 0 AND c.touch_due_at < ?`
	if f.Limit <= 0 {
		return QueryAll(ctx, ScanCustomer, q, "SELECT "+CustomerCols+stale+scope, append([]any{Unix(f.Until)}, args...)...)
	}
	recent, err := recentlyStale(ctx, q, f, scope, args)
	if err != nil {
		return nil, err
	}
	if f.Owner == 0 { // a team's book: rank each segment's names in SQL
		first, err := QueryAll(ctx, ScanCustomer, q, "SELECT "+CustomerCols+` FROM customers c WHERE c.id IN (
			SELECT id FROM (SELECT c.id, ROW_NUMBER() OVER (PARTITION BY c.segment ORDER BY c.name, c.id) AS n`+
			stale+scope+`) ranked WHERE n <= ?)`, append(append([]any{Unix(f.LongOverdue)}, args...), f.Limit)...)
		return append(recent, first...), err
	}
	// One owner's: the first names of each segment straight from the
	// customers_owner_segment_name index. The segments are found by
	// seeking from one to the next, not by reading every row.
	byName := st.indexedBy("customers_owner_segment_name")
	segments, err := QueryAll(ctx, func(sc Scanner) (s string, err error) { return s, sc.Scan(&s) }, q, `
		WITH RECURSIVE seg(s) AS (
			SELECT MIN(segment) FROM customers`+byName+` WHERE owner_id = ?1 AND cadence_days > 0
			UNION ALL
			SELECT (SELECT MIN(segment) FROM customers`+byName+`
				WHERE owner_id = ?1 AND cadence_days > 0 AND segment > seg.s) FROM seg WHERE seg.s IS NOT NULL)
		SELECT s FROM seg WHERE s IS NOT NULL`, f.Owner)
	if err != nil {
		return nil, err
	}
	for _, seg := range segments {
		first, err := QueryAll(ctx, ScanCustomer, q, "SELECT "+CustomerCols+` FROM customers c`+byName+`
			WHERE c.owner_id = ? AND c.segment = ? AND c.touch_due_at > 0 AND c.cadence_days > 0 AND c.touch_due_at < ?`+scope+
			" ORDER BY c.name, c.id LIMIT ?", append(append([]any{f.Owner, seg, Unix(f.LongOverdue)}, args...), f.Limit)...)
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
func recentlyStale(ctx context.Context, q Querier, f store.AgendaFilter, scope string, args []any) ([]store.Customer, error) {
	w := f.Weights
	// Every number is cast: PostgreSQL types a placeholder from its
	// context, which here is the ELSE's integer.
	const num = "CAST(? AS DOUBLE PRECISION)"
	score, scoreArgs := "(CASE c.segment", []any{}
	for _, seg := range slices.Sorted(maps.Keys(w.Segment)) {
		score += " WHEN CAST(? AS TEXT) THEN " + num
		scoreArgs = append(scoreArgs, seg, w.Segment[seg])
	}
	// The days past the date, clamped to 0 … MaxDays.
	const days = "((? - c.touch_due_at) / 86400.0)"
	score += " ELSE 1 END) * (" + num + " + " + num + " * CASE WHEN " + days + " <= 0 THEN 0 WHEN " + days + " >= " + num + " THEN " + num + " ELSE " + days + " END)"
	now := f.Now.Unix()
	scoreArgs = append(scoreArgs, w.Cadence, w.CadencePerDay, now, now, w.MaxDays, w.MaxDays, now)
	const recent = ` FROM customers c WHERE c.touch_due_at > 0 AND c.cadence_days > 0 AND c.touch_due_at < ? AND c.touch_due_at >= ?`
	bounds := []any{Unix(f.Until), Unix(f.LongOverdue)}

	var threshold float64
	err := q.QueryRowContext(ctx, "SELECT "+score+recent+scope+" ORDER BY 1 DESC LIMIT 1 OFFSET ?",
		slices.Concat(scoreArgs, bounds, args, []any{f.Limit - 1})...).Scan(&threshold)
	if errors.Is(err, sql.ErrNoRows) { // fewer than f.Limit: all of them
		return QueryAll(ctx, ScanCustomer, q, "SELECT "+CustomerCols+recent+scope, slices.Concat(bounds, args)...)
	}
	if err != nil {
		return nil, err
	}
	return QueryAll(ctx, ScanCustomer, q, "SELECT "+CustomerCols+recent+" AND "+score+" >= "+num+scope,
		slices.Concat(bounds, scoreArgs, []any{threshold - w.CadenceScoreSlack()}, args)...)
}
