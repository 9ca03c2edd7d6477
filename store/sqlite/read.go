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
	"time"

	"github.com/tend-crm/tend/store"
)

// visible is the scope's filter on customers aliased c; its arguments come
// from visArgs. The store applies the scope in SQL so that nothing a user
// may not see ever leaves the database: an admin sees every customer; a
// manager their own, their team's (owned by users whose manager they are)
// and those shared with them; a rep their own and those shared with them.
const visible = `(c.owner_id = ? OR ?
	OR EXISTS (SELECT 1 FROM customer_shares cs WHERE cs.customer_id = c.id AND cs.user_id = ?)
	OR (? AND EXISTS (SELECT 1 FROM users o WHERE o.id = c.owner_id AND o.manager_id = ?)))`

func visArgs(s store.Scope) []any {
	return []any{s.UserID, s.SeesAll(), s.UserID, s.Role == store.RoleManager, s.UserID}
}

const customerCols = `c.id, c.name, c.is_person, c.owner_id, c.stage, c.segment, c.cadence_days, COALESCE(c.referred_by, 0),
	c.tags, c.phone, c.email, c.last_contact_at, c.touch_due_at, c.created_at`

func scanCustomer(sc scanner) (store.Customer, error) {
	var c store.Customer
	var tags string
	var last, touch, created int64
	err := sc.Scan(intInto(&c.ID), &c.Name, &c.IsPerson, intInto(&c.OwnerID), &c.Stage, &c.Segment, intInto(&c.CadenceDays),
		intInto(&c.ReferredBy), &tags, &c.Phone, &c.Email, &last, &touch, &created)
	if tags != "" {
		c.Tags = strings.Split(tags, ",")
	}
	c.LastContactAt, c.TouchDueAt, c.CreatedAt = fromUnix(last), fromUnix(touch), fromUnix(created)
	return c, err
}

// Customer implements store.Customers.
func (db *DB) Customer(ctx context.Context, s store.Scope, id store.CustomerID) (store.Customer, error) {
	c, err := visibleCustomer(ctx, db.read, s, id)
	if err != nil {
		return c, fmt.Errorf("sqlite: customer %d: %w", id, err)
	}
	return c, nil
}

func visibleCustomer(ctx context.Context, q querier, s store.Scope, id store.CustomerID) (store.Customer, error) {
	return visibleRow(ctx, q, s, scanCustomer, "SELECT "+customerCols+" FROM customers c WHERE c.id = ?", int64(id))
}

// FindCustomers implements store.Customers.
func (db *DB) FindCustomers(ctx context.Context, s store.Scope, name string, limit int) ([]store.Customer, error) {
	key := store.NameKey(name)
	if key == "" {
		return nil, nil
	}
	if limit <= 0 {
		limit = 10
	}
	// Most lookups name a customer exactly, which the indexes answer at
	// once; only when none matches exactly are the names searched for the
	// key's words.
	// Names, then aliases, in one query: exact names first.
	exact, err := queryAll(ctx, scanCustomer, db.read, "SELECT "+customerCols+` FROM customers c
		WHERE c.id IN (SELECT id FROM customers WHERE name_key = ?1 UNION SELECT customer_id FROM customer_aliases WHERE alias_key = ?1)
		AND `+visible+` ORDER BY c.name_key <> ?1, c.name, c.id LIMIT ?`, append(append([]any{key}, visArgs(s)...), limit)...)
	if err != nil {
		return nil, fmt.Errorf("sqlite: find customers: %w", err)
	}
	if len(exact) > 0 {
		return exact, nil
	}
	// Keys hold only letters, digits, '&' and single spaces, so they need
	// no LIKE escaping. A name starts with the key ("acm": "Acme Corp") or
	// has a word that does ("phat": "Minh Phát").
	q := "SELECT " + customerCols + ` FROM customers c
		WHERE (c.name_key = ? OR c.name_key LIKE ? OR c.name_key LIKE ?
			OR EXISTS (SELECT 1 FROM customer_aliases a WHERE a.customer_id = c.id AND a.alias_key = ?)) AND ` + visible + `
		ORDER BY c.name_key <> ?, c.name_key NOT LIKE ?, c.name, c.id LIMIT ?`
	args := append([]any{key, key + "%", "% " + key + "%", key}, visArgs(s)...)
	args = append(args, key, key+"%", limit)
	cs, err := queryAll(ctx, scanCustomer, db.read, q, args...)
	if err != nil {
		return nil, fmt.Errorf("sqlite: find customers: %w", err)
	}
	return cs, nil
}

// CustomerNames implements store.Customers.
func (db *DB) CustomerNames(ctx context.Context, s store.Scope) ([]store.CustomerName, error) {
	args := append(visArgs(s), visArgs(s)...)
	out, err := queryAll(ctx, func(sc scanner) (n store.CustomerName, err error) {
		err = sc.Scan(&n.ID, &n.Name, &n.Key, &n.Alias)
		return n, err
	}, db.read, `SELECT c.id, c.name, c.name_key, 0 FROM customers c WHERE `+visible+`
		UNION ALL
		SELECT c.id, a.alias, a.alias_key, 1 FROM customer_aliases a JOIN customers c ON c.id = a.customer_id WHERE `+visible+`
		ORDER BY 1, 4, 2`, args...)
	if err != nil {
		return nil, fmt.Errorf("sqlite: customer names: %w", err)
	}
	return out, nil
}

// Contacts implements store.Customers.
func (db *DB) Contacts(ctx context.Context, s store.Scope, id store.CustomerID) ([]store.Contact, error) {
	out, err := queryAll(ctx, func(sc scanner) (p store.Contact, err error) {
		err = sc.Scan(&p.ID, &p.CustomerID, &p.Name, &p.Role, &p.Phone, &p.Email)
		return p, err
	}, db.read, `SELECT p.id, p.customer_id, p.name, p.role, p.phone, p.email
		FROM contacts p JOIN customers c ON c.id = p.customer_id
		WHERE p.customer_id = ? AND `+visible+` ORDER BY p.name, p.id`, append([]any{id}, visArgs(s)...)...)
	if err != nil {
		return nil, fmt.Errorf("sqlite: contacts of %d: %w", id, err)
	}
	return out, nil
}

const interactionCols = `i.id, i.customer_id, COALESCE(i.contact_id, 0), i.user_id, i.kind, i.at, i.summary, i.src_platform, i.src_event,
	COALESCE(i.deal_id, 0)`

func scanInteraction(sc scanner) (store.Interaction, error) {
	var i store.Interaction
	var at int64
	err := sc.Scan(&i.ID, &i.CustomerID, &i.ContactID, &i.UserID, &i.Kind, &at, &i.Summary, &i.Source.Platform, &i.Source.EventID, &i.DealID)
	i.At = fromUnix(at)
	return i, err
}

// Interactions implements store.Timeline.
func (db *DB) Interactions(ctx context.Context, s store.Scope, f store.InteractionFilter) ([]store.Interaction, error) {
	q := "SELECT " + interactionCols + " FROM interactions i JOIN customers c ON c.id = i.customer_id WHERE " + visible
	args := visArgs(s)
	if f.Customer != 0 {
		q += " AND i.customer_id = ?"
		args = append(args, f.Customer)
	}
	q += " ORDER BY i.at DESC, i.id DESC LIMIT ?"
	args = append(args, limitOr(f.Limit, 50))
	out, err := queryAll(ctx, scanInteraction, db.read, q, args...)
	if err != nil {
		return nil, fmt.Errorf("sqlite: interactions: %w", err)
	}
	return out, nil
}

const followUpCols = `f.id, f.customer_id, COALESCE(f.contact_id, 0), f.owner_id, f.due_at, f.all_day, f.note, f.status,
	f.snoozes, f.created_at, f.completed_at`

func scanFollowUp(sc scanner) (store.FollowUp, error) {
	var f store.FollowUp
	var due, created, completed int64
	err := sc.Scan(intInto(&f.ID), intInto(&f.CustomerID), intInto(&f.ContactID), intInto(&f.OwnerID), &due, &f.AllDay, &f.Note,
		&f.Status, intInto(&f.Snoozes), &created, &completed)
	f.Due, f.CreatedAt, f.CompletedAt = fromUnix(due), fromUnix(created), fromUnix(completed)
	return f, err
}

// FollowUp implements store.Timeline.
func (db *DB) FollowUp(ctx context.Context, s store.Scope, id store.FollowUpID) (store.FollowUp, error) {
	f, err := visibleFollowUp(ctx, db.read, s, id)
	if err != nil {
		return f, fmt.Errorf("sqlite: follow-up %d: %w", id, err)
	}
	return f, nil
}

func visibleFollowUp(ctx context.Context, q querier, s store.Scope, id store.FollowUpID) (store.FollowUp, error) {
	return visibleRow(ctx, q, s, scanFollowUp, "SELECT "+followUpCols+" FROM follow_ups f JOIN customers c ON c.id = f.customer_id WHERE f.id = ?", int64(id))
}

// visibleRow reads the one row of query (which selects by id, its
// customer aliased c) if s may see its customer. Returns ErrNotFound.
func visibleRow[T any](ctx context.Context, q querier, s store.Scope, scan func(scanner) (T, error), query string, id int64) (T, error) {
	v, err := scan(q.QueryRowContext(ctx, query+" AND "+visible, append([]any{id}, visArgs(s)...)...))
	if errors.Is(err, sql.ErrNoRows) {
		return v, store.ErrNotFound
	}
	return v, err
}

// FollowUps implements store.Timeline.
func (db *DB) FollowUps(ctx context.Context, s store.Scope, f store.FollowUpFilter) ([]store.FollowUp, error) {
	q := "SELECT " + followUpCols + " FROM follow_ups f JOIN customers c ON c.id = f.customer_id WHERE " + visible
	args := visArgs(s)
	if f.Customer != 0 {
		q += " AND f.customer_id = ?"
		args = append(args, f.Customer)
	}
	if f.Status != "" {
		q += " AND f.status = ?"
		args = append(args, f.Status)
	}
	q += " ORDER BY f.due_at, f.id LIMIT ?"
	args = append(args, limitOr(f.Limit, 50))
	out, err := queryAll(ctx, scanFollowUp, db.read, q, args...)
	if err != nil {
		return nil, fmt.Errorf("sqlite: follow-ups: %w", err)
	}
	return out, nil
}

const dealCols = `d.id, d.customer_id, d.owner_id, d.title, d.value, d.currency, d.stage, d.need, d.budget, d.authority,
	d.expected_close, d.stage_changed_at, d.created_at, d.lost_reason`

func scanDeal(sc scanner) (store.Deal, error) {
	var d store.Deal
	var closeAt, moved, created int64
	err := sc.Scan(intInto(&d.ID), intInto(&d.CustomerID), intInto(&d.OwnerID), &d.Title, intInto(&d.Value), &d.Currency, &d.Stage, &d.Need,
		&d.Budget, &d.Authority, &closeAt, &moved, &created, &d.LostReason)
	d.ExpectedClose, d.StageChangedAt, d.CreatedAt = fromUnix(closeAt), fromUnix(moved), fromUnix(created)
	return d, err
}

// DueFollowUps implements store.Due.
func (db *DB) DueFollowUps(ctx context.Context, from, to time.Time) ([]store.FollowUp, error) {
	out, err := queryAll(ctx, scanFollowUp, db.read, "SELECT "+followUpCols+` FROM follow_ups f
		WHERE f.status = 'open' AND f.all_day = 0 AND f.due_at > ? AND f.due_at <= ? ORDER BY f.due_at, f.id`, from.Unix(), to.Unix())
	if err != nil {
		return nil, fmt.Errorf("sqlite: due follow-ups: %w", err)
	}
	return out, nil
}

// Deals implements store.Timeline.
func (db *DB) Deals(ctx context.Context, s store.Scope, f store.DealFilter) ([]store.Deal, error) {
	q := "SELECT " + dealCols + " FROM deals d JOIN customers c ON c.id = d.customer_id WHERE " + visible
	args := visArgs(s)
	if f.Customer != 0 {
		q += " AND d.customer_id = ?"
		args = append(args, f.Customer)
	}
	if f.Owner != 0 {
		q += " AND d.owner_id = ?"
		args = append(args, f.Owner)
	}
	if f.OpenOnly {
		q += " AND d.stage NOT IN ('won', 'lost')"
	}
	q += " ORDER BY d.created_at DESC, d.id DESC LIMIT ?"
	args = append(args, limitOr(f.Limit, 50))
	out, err := queryAll(ctx, scanDeal, db.read, q, args...)
	if err != nil {
		return nil, fmt.Errorf("sqlite: deals: %w", err)
	}
	return out, nil
}

// AgendaBook implements store.Agendas. Each part is one indexed query; the
// customers they name are then fetched by id. A bounded book (f.Limit)
// lists the parts' leads first, in one query, and loads only the records
// of the customers store.AgendaFilter.Shortlist keeps.
func (db *DB) AgendaBook(ctx context.Context, s store.Scope, f store.AgendaFilter) (b store.Book, err error) {
	err = db.snapshot(ctx, func(tx querier) error { // one state of the book for every part
		b, err = agendaBook(ctx, tx, s, f)
		return err
	})
	if err != nil {
		return b, fmt.Errorf("sqlite: agenda: %w", err)
	}
	return b, nil
}

func agendaBook(ctx context.Context, tx querier, s store.Scope, f store.AgendaFilter) (store.Book, error) {
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
		leads, err := queryAll(ctx, scanLead, tx, q, qargs...)
		if err != nil {
			return b, fmt.Errorf("leads: %w", err)
		}
		keep, dropped := f.Shortlist(leads, stale)
		only, _ = json.Marshal(keep)
		b.Omitted = dropped
	}

	if b.FollowUps, err = loadPart(ctx, tx, parts[store.LeadFollowUp], followUpCols, only, scanFollowUp); err != nil {
		return b, fmt.Errorf("follow-ups: %w", err)
	}
	if b.Deals, err = loadPart(ctx, tx, parts[store.LeadDeal], dealCols, only, scanDeal); err != nil {
		return b, fmt.Errorf("deals: %w", err)
	}
	if b.ReferralAsks, err = loadPart(ctx, tx, parts[store.LeadReferralAsk], dealCols, only, scanDeal); err != nil {
		return b, fmt.Errorf("referral asks: %w", err)
	}
	if b.Occasions, err = loadPart(ctx, tx, parts[store.LeadOccasion], occasionCols, only, scanOccasion); err != nil {
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
		cs, err := queryAll(ctx, scanCustomer, tx, "SELECT "+customerCols+" FROM customers c WHERE c.id IN (SELECT value FROM json_each(?))", list)
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
func loadPart[T any](ctx context.Context, tx querier, p *agendaPart, cols string, only []byte, scan func(scanner) (T, error)) ([]T, error) {
	if p == nil {
		return nil, nil
	}
	q, args := p.query(cols, only)
	return queryAll(ctx, scan, tx, q, args...)
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

func scanLead(sc scanner) (store.Lead, error) {
	var l store.Lead
	var at, last, touch, created int64
	err := sc.Scan(intInto(&l.Kind), &at, &l.Qualified, intInto(&l.Customer), &l.Segment, intInto(&l.CadenceDays), &last, &touch, &created)
	l.At, l.LastContactAt, l.TouchDueAt, l.CreatedAt = fromUnix(at), fromUnix(last), fromUnix(touch), fromUnix(created)
	return l, err
}

// agendaParts builds the queries of the records f asks for, and the scope
// of customers (as c) they and the customers past their cadence share.
// Owner picks the follow-ups and deals that user owns, whoever owns the
// customer (a manager's promise on a rep's customer), and otherwise the
// customers that user owns.
func agendaParts(s store.Scope, f store.AgendaFilter) (parts map[store.LeadKind]*agendaPart, scope string, args []any) {
	scope, args = " AND "+visible, visArgs(s)
	if f.Customer != 0 {
		scope += " AND c.id = ?"
		args = append(args, f.Customer)
	}
	fuScope, fuArgs := scope, append([]any{unix(f.Until)}, args...)
	dealScope, dealArgs := scope, append([]any{unix(f.StuckSince)}, args...)
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
		won, wonArgs := "", with(unix(f.WonSince))
		if f.Owner != 0 {
			won, wonArgs = " AND d.owner_id = ?", with(unix(f.WonSince), f.Owner)
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
		days, _ := json.Marshal(monthDays(f.Occasions))
		parts[store.LeadOccasion] = &agendaPart{
			from: `FROM json_each(?) j CROSS JOIN occasions o
				ON o.month = j.value / 100 % 100 AND o.day = j.value % 100 AND o.lunar = j.value / 10000
				JOIN customers c ON c.id = o.customer_id WHERE 1` + scope,
			args: with(string(days)), order: "o.id", lead: "0, 0"}
	}
	return parts, scope, args
}

// LastInteractions implements store.Timeline.
func (db *DB) LastInteractions(ctx context.Context, s store.Scope, ids []store.CustomerID) (map[store.CustomerID]store.Interaction, error) {
	out := make(map[store.CustomerID]store.Interaction, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	list, _ := json.Marshal(ids)
	last, err := queryAll(ctx, scanInteraction, db.read, "SELECT "+interactionCols+` FROM interactions i JOIN customers c ON c.id = i.customer_id
		WHERE i.id IN (SELECT (SELECT id FROM interactions WHERE customer_id = j.value ORDER BY at DESC, id DESC LIMIT 1) FROM json_each(?) j)
		AND `+visible, append([]any{list}, visArgs(s)...)...)
	if err != nil {
		return nil, fmt.Errorf("sqlite: last interactions: %w", err)
	}
	for _, i := range last {
		out[i.CustomerID] = i
	}
	return out, nil
}

// staleCustomers loads the customers past their keep-in-touch date: all of
// them, or under f.Limit the recently overdue ones and the first f.Limit
// long-overdue ones of each segment by name (AgendaFilter says why).
func staleCustomers(ctx context.Context, tx querier, f store.AgendaFilter, scope string, args []any) ([]store.Customer, error) {
	const stale = ` FROM customers c WHERE c.touch_due_at > 0 AND c.cadence_days > 0 AND c.touch_due_at < ?`
	if f.Limit <= 0 {
		return queryAll(ctx, scanCustomer, tx, "SELECT "+customerCols+stale+scope, append([]any{unix(f.Until)}, args...)...)
	}
	recent, err := recentlyStale(ctx, tx, f, scope, args)
	if err != nil {
		return nil, err
	}
	if f.Owner == 0 { // a team's book: rank each segment's names in SQL
		first, err := queryAll(ctx, scanCustomer, tx, "SELECT "+customerCols+` FROM customers c WHERE c.id IN (
			SELECT id FROM (SELECT c.id, ROW_NUMBER() OVER (PARTITION BY c.segment ORDER BY c.name, c.id) AS n`+
			stale+scope+`) WHERE n <= ?)`, append(append([]any{unix(f.LongOverdue)}, args...), f.Limit)...)
		return append(recent, first...), err
	}
	// One owner's: the first names of each segment straight from the
	// customers_owner_segment_name index. The segments are found by
	// seeking from one to the next, not by reading every row.
	segments, err := queryAll(ctx, func(sc scanner) (s string, err error) { return s, sc.Scan(&s) }, tx, `
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
		first, err := queryAll(ctx, scanCustomer, tx, "SELECT "+customerCols+` FROM customers c INDEXED BY customers_owner_segment_name
			WHERE c.owner_id = ? AND c.segment = ? AND c.touch_due_at > 0 AND c.cadence_days > 0 AND c.touch_due_at < ?`+scope+
			" ORDER BY c.name, c.id LIMIT ?", append(append([]any{f.Owner, seg, unix(f.LongOverdue)}, args...), f.Limit)...)
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
func recentlyStale(ctx context.Context, tx querier, f store.AgendaFilter, scope string, args []any) ([]store.Customer, error) {
	w := f.Weights
	score, scoreArgs := "(CASE c.segment", []any{}
	for _, seg := range slices.Sorted(maps.Keys(w.Segment)) {
		score += " WHEN ? THEN ?"
		scoreArgs = append(scoreArgs, seg, w.Segment[seg])
	}
	score += " ELSE 1 END) * (? + ? * MIN(?, MAX(0, (? - c.touch_due_at) / 86400.0)))"
	scoreArgs = append(scoreArgs, w.Cadence, w.CadencePerDay, w.MaxDays, f.Now.Unix())
	const recent = ` FROM customers c WHERE c.touch_due_at > 0 AND c.cadence_days > 0 AND c.touch_due_at < ? AND c.touch_due_at >= ?`
	bounds := []any{unix(f.Until), unix(f.LongOverdue)}

	var threshold float64
	err := tx.QueryRowContext(ctx, "SELECT "+score+recent+scope+" ORDER BY 1 DESC LIMIT 1 OFFSET ?",
		slices.Concat(scoreArgs, bounds, args, []any{f.Limit - 1})...).Scan(&threshold)
	if errors.Is(err, sql.ErrNoRows) { // fewer than f.Limit: all of them
		return queryAll(ctx, scanCustomer, tx, "SELECT "+customerCols+recent+scope, slices.Concat(bounds, args)...)
	}
	if err != nil {
		return nil, err
	}
	return queryAll(ctx, scanCustomer, tx, "SELECT "+customerCols+recent+" AND "+score+" >= ?"+scope,
		slices.Concat(bounds, scoreArgs, []any{threshold - w.CadenceScoreSlack()}, args)...)
}

func monthDays(mds []store.MonthDay) []int {
	out := make([]int, len(mds))
	for i, md := range mds {
		out[i] = int(md.Month)*100 + md.Day
		if md.Lunar {
			out[i] += 10000 // as o.lunar * 10000 in the query
		}
	}
	return out
}

const occasionCols = `o.id, o.customer_id, COALESCE(o.contact_id, 0), o.kind, o.month, o.day, o.year, o.lunar, o.label`

func scanOccasion(sc scanner) (store.Occasion, error) {
	var o store.Occasion
	err := sc.Scan(intInto(&o.ID), intInto(&o.CustomerID), intInto(&o.ContactID), &o.Kind, intInto(&o.Month), intInto(&o.Day),
		intInto(&o.Year), &o.Lunar, &o.Label)
	return o, err
}

// traceQuery, when set (by tests), sees every query queryAll runs, to
// check its plan.
var traceQuery func(query string, args []any)

// queryAll runs query and scans every row with scan.
func queryAll[T any](ctx context.Context, scan func(scanner) (T, error), q querier, query string, args ...any) ([]T, error) {
	if traceQuery != nil {
		traceQuery(query, args)
	}
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []T
	for rows.Next() {
		if len(out)%1024 == 1023 {
			if err := ctx.Err(); err != nil { // the query itself runs on (see uncancelled)
				return nil, err
			}
		}
		v, err := scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

func limitOr(n, def int) int {
	if n <= 0 {
		return def
	}
	return n
}
