package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/tend-crm/tend/store"
)

// Visible is the scope's filter on customers aliased c; its arguments come
// from VisArgs. The store applies the scope in SQL so that nothing a user
// may not see ever leaves the database: an admin sees every customer; a
// manager their own, their team's (owned by users whose manager they are)
// and those shared with them; a rep their own and those shared with them.
const Visible = `(c.owner_id = ? OR ?
	OR EXISTS (SELECT 1 FROM customer_shares cs WHERE cs.customer_id = c.id AND cs.user_id = ?)
	OR (? AND EXISTS (SELECT 1 FROM users o WHERE o.id = c.owner_id AND o.manager_id = ?)))`

// VisArgs are the arguments of Visible for s.
func VisArgs(s store.Scope) []any {
	return []any{s.UserID, s.SeesAll(), s.UserID, s.Role == store.RoleManager, s.UserID}
}

// CustomerCols are the columns ScanCustomer reads, of customers aliased c.
const CustomerCols = `c.id, c.name, c.is_person, c.owner_id, c.stage, c.segment, c.cadence_days, COALESCE(c.referred_by, 0),
	c.tags, c.phone, c.email, c.last_contact_at, c.touch_due_at, c.created_at`

// ScanCustomer scans a row of CustomerCols.
func ScanCustomer(sc Scanner) (store.Customer, error) {
	var c store.Customer
	var tags string
	var last, touch, created int64
	err := sc.Scan(IntInto(&c.ID), &c.Name, &c.IsPerson, IntInto(&c.OwnerID), &c.Stage, &c.Segment, IntInto(&c.CadenceDays),
		IntInto(&c.ReferredBy), &tags, &c.Phone, &c.Email, &last, &touch, &created)
	if tags != "" {
		c.Tags = strings.Split(tags, ",")
	}
	c.LastContactAt, c.TouchDueAt, c.CreatedAt = FromUnix(last), FromUnix(touch), FromUnix(created)
	return c, err
}

// Customer implements store.Customers.
func (st *Store) Customer(ctx context.Context, s store.Scope, id store.CustomerID) (store.Customer, error) {
	c, err := VisibleCustomer(ctx, st.read, s, id)
	if err != nil {
		return c, fmt.Errorf("store: customer %d: %w", id, err)
	}
	return c, nil
}

// customerByID selects customer ? as c.
const customerByID = "SELECT " + CustomerCols + " FROM customers c WHERE c.id = ?"

// VisibleCustomer reads customer id if s may see it, else store.ErrNotFound.
func VisibleCustomer(ctx context.Context, q Querier, s store.Scope, id store.CustomerID) (store.Customer, error) {
	return visibleRow(ctx, q, s, ScanCustomer, customerByID, int64(id), "")
}

// FindCustomers implements store.Customers.
func (st *Store) FindCustomers(ctx context.Context, s store.Scope, name string, limit int) ([]store.Customer, error) {
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
	exact, err := QueryAll(ctx, ScanCustomer, st.read, "SELECT "+CustomerCols+` FROM customers c
		WHERE c.id IN (SELECT id FROM customers WHERE name_key = ? UNION SELECT customer_id FROM customer_aliases WHERE alias_key = ?)
		AND `+Visible+` ORDER BY c.name_key <> ?, c.name, c.id LIMIT ?`, slices.Concat([]any{key, key}, VisArgs(s), []any{key, limit})...)
	if err != nil {
		return nil, fmt.Errorf("store: find customers: %w", err)
	}
	if len(exact) > 0 {
		return exact, nil
	}
	// Keys hold only letters, digits, '&' and single spaces, so they need
	// no LIKE escaping. A name starts with the key ("acm": "Acme Corp") or
	// has a word that does ("phat": "Minh Phát").
	q := "SELECT " + CustomerCols + ` FROM customers c
		WHERE (c.name_key = ? OR c.name_key LIKE ? OR c.name_key LIKE ?
			OR EXISTS (SELECT 1 FROM customer_aliases a WHERE a.customer_id = c.id AND a.alias_key = ?)) AND ` + Visible + `
		ORDER BY c.name_key <> ?, c.name_key NOT LIKE ?, c.name, c.id LIMIT ?`
	args := append([]any{key, key + "%", "% " + key + "%", key}, VisArgs(s)...)
	args = append(args, key, key+"%", limit)
	cs, err := QueryAll(ctx, ScanCustomer, st.read, q, args...)
	if err != nil {
		return nil, fmt.Errorf("store: find customers: %w", err)
	}
	return cs, nil
}

// CustomerNames implements store.Customers.
func (st *Store) CustomerNames(ctx context.Context, s store.Scope) ([]store.CustomerName, error) {
	args := append(VisArgs(s), VisArgs(s)...)
	out, err := QueryAll(ctx, func(sc Scanner) (n store.CustomerName, err error) {
		err = sc.Scan(&n.ID, &n.Name, &n.Key, &n.Alias)
		return n, err
	}, st.read, `SELECT c.id, c.name, c.name_key, 0 FROM customers c WHERE `+Visible+`
		UNION ALL
		SELECT c.id, a.alias, a.alias_key, 1 FROM customer_aliases a JOIN customers c ON c.id = a.customer_id WHERE `+Visible+`
		ORDER BY 1, 4, 2`, args...)
	if err != nil {
		return nil, fmt.Errorf("store: customer names: %w", err)
	}
	return out, nil
}

// Contacts implements store.Customers.
func (st *Store) Contacts(ctx context.Context, s store.Scope, id store.CustomerID) ([]store.Contact, error) {
	out, err := QueryAll(ctx, func(sc Scanner) (p store.Contact, err error) {
		err = sc.Scan(&p.ID, &p.CustomerID, &p.Name, &p.Role, &p.Phone, &p.Email)
		return p, err
	}, st.read, `SELECT p.id, p.customer_id, p.name, p.role, p.phone, p.email
		FROM contacts p JOIN customers c ON c.id = p.customer_id
		WHERE p.customer_id = ? AND `+Visible+` ORDER BY p.name, p.id`, append([]any{id}, VisArgs(s)...)...)
	if err != nil {
		return nil, fmt.Errorf("store: contacts of %d: %w", id, err)
	}
	return out, nil
}

// InteractionCols are the columns ScanInteraction reads, of interactions aliased i.
const InteractionCols = `i.id, i.customer_id, COALESCE(i.contact_id, 0), i.user_id, i.kind, i.at, i.summary, i.src_platform, i.src_event,
	COALESCE(i.deal_id, 0)`

// ScanInteraction scans a row of InteractionCols.
func ScanInteraction(sc Scanner) (store.Interaction, error) {
	var i store.Interaction
	var at int64
	err := sc.Scan(&i.ID, &i.CustomerID, &i.ContactID, &i.UserID, &i.Kind, &at, &i.Summary, &i.Source.Platform, &i.Source.EventID, &i.DealID)
	i.At = FromUnix(at)
	return i, err
}

// Interactions implements store.Timeline.
func (st *Store) Interactions(ctx context.Context, s store.Scope, f store.InteractionFilter) ([]store.Interaction, error) {
	q := "SELECT " + InteractionCols + " FROM interactions i JOIN customers c ON c.id = i.customer_id WHERE " + Visible
	args := VisArgs(s)
	if f.Customer != 0 {
		q += " AND i.customer_id = ?"
		args = append(args, f.Customer)
	}
	q += " ORDER BY i.at DESC, i.id DESC LIMIT ?"
	args = append(args, LimitOr(f.Limit, 50))
	out, err := QueryAll(ctx, ScanInteraction, st.read, q, args...)
	if err != nil {
		return nil, fmt.Errorf("store: interactions: %w", err)
	}
	return out, nil
}

// FollowUpCols are the columns ScanFollowUp reads, of follow_ups aliased f.
const FollowUpCols = `f.id, f.customer_id, COALESCE(f.contact_id, 0), f.owner_id, f.due_at, f.all_day, f.note, f.status,
	f.snoozes, f.created_at, f.completed_at`

// ScanFollowUp scans a row of FollowUpCols.
func ScanFollowUp(sc Scanner) (store.FollowUp, error) {
	var f store.FollowUp
	var due, created, completed int64
	err := sc.Scan(IntInto(&f.ID), IntInto(&f.CustomerID), IntInto(&f.ContactID), IntInto(&f.OwnerID), &due, &f.AllDay, &f.Note,
		&f.Status, IntInto(&f.Snoozes), &created, &completed)
	f.Due, f.CreatedAt, f.CompletedAt = FromUnix(due), FromUnix(created), FromUnix(completed)
	return f, err
}

// FollowUp implements store.Timeline.
func (st *Store) FollowUp(ctx context.Context, s store.Scope, id store.FollowUpID) (store.FollowUp, error) {
	f, err := visibleFollowUp(ctx, st.read, s, id)
	if err != nil {
		return f, fmt.Errorf("store: follow-up %d: %w", id, err)
	}
	return f, nil
}

func visibleFollowUp(ctx context.Context, q Querier, s store.Scope, id store.FollowUpID) (store.FollowUp, error) {
	return visibleRow(ctx, q, s, ScanFollowUp, "SELECT "+FollowUpCols+" FROM follow_ups f JOIN customers c ON c.id = f.customer_id WHERE f.id = ?", int64(id), "")
}

// visibleRow reads the one row of query (which selects by id, its
// customer aliased c) if s may see its customer, ending the query with
// lock (a locking clause, or nothing). Returns ErrNotFound.
func visibleRow[T any](ctx context.Context, q Querier, s store.Scope, scan func(Scanner) (T, error), query string, id int64, lock string) (T, error) {
	v, err := scan(q.QueryRowContext(ctx, query+" AND "+Visible+lock, append([]any{id}, VisArgs(s)...)...))
	if errors.Is(err, sql.ErrNoRows) {
		return v, store.ErrNotFound
	}
	return v, err
}

// FollowUps implements store.Timeline.
func (st *Store) FollowUps(ctx context.Context, s store.Scope, f store.FollowUpFilter) ([]store.FollowUp, error) {
	q := "SELECT " + FollowUpCols + " FROM follow_ups f JOIN customers c ON c.id = f.customer_id WHERE " + Visible
	args := VisArgs(s)
	if f.Customer != 0 {
		q += " AND f.customer_id = ?"
		args = append(args, f.Customer)
	}
	if f.Status != "" {
		q += " AND f.status = ?"
		args = append(args, f.Status)
	}
	if !f.DueBy.IsZero() {
		q += " AND f.due_at <= ?"
		args = append(args, f.DueBy.Unix())
	}
	q += " ORDER BY f.due_at, f.id LIMIT ?"
	args = append(args, LimitOr(f.Limit, 50))
	out, err := QueryAll(ctx, ScanFollowUp, st.read, q, args...)
	if err != nil {
		return nil, fmt.Errorf("store: follow-ups: %w", err)
	}
	return out, nil
}

// DealCols are the columns ScanDeal reads, of deals aliased d.
const DealCols = `d.id, d.customer_id, d.owner_id, d.title, d.value, d.currency, d.stage, d.need, d.budget, d.authority,
	d.expected_close, d.stage_changed_at, d.created_at, d.lost_reason`

// ScanDeal scans a row of DealCols.
func ScanDeal(sc Scanner) (store.Deal, error) {
	var d store.Deal
	var closeAt, moved, created int64
	err := sc.Scan(IntInto(&d.ID), IntInto(&d.CustomerID), IntInto(&d.OwnerID), &d.Title, IntInto(&d.Value), &d.Currency, &d.Stage, &d.Need,
		&d.Budget, &d.Authority, &closeAt, &moved, &created, &d.LostReason)
	d.ExpectedClose, d.StageChangedAt, d.CreatedAt = FromUnix(closeAt), FromUnix(moved), FromUnix(created)
	return d, err
}

// DueFollowUps implements store.Due.
func (st *Store) DueFollowUps(ctx context.Context, from, to time.Time) ([]store.FollowUp, error) {
	out, err := QueryAll(ctx, ScanFollowUp, st.read, "SELECT "+FollowUpCols+` FROM follow_ups f
		WHERE f.status = 'open' AND f.all_day = 0 AND f.due_at > ? AND f.due_at <= ? ORDER BY f.due_at, f.id`, from.Unix(), to.Unix())
	if err != nil {
		return nil, fmt.Errorf("store: due follow-ups: %w", err)
	}
	return out, nil
}

// Deals implements store.Timeline.
func (st *Store) Deals(ctx context.Context, s store.Scope, f store.DealFilter) ([]store.Deal, error) {
	q := "SELECT " + DealCols + " FROM deals d JOIN customers c ON c.id = d.customer_id WHERE " + Visible
	args := VisArgs(s)
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
	args = append(args, LimitOr(f.Limit, 50))
	out, err := QueryAll(ctx, ScanDeal, st.read, q, args...)
	if err != nil {
		return nil, fmt.Errorf("store: deals: %w", err)
	}
	return out, nil
}

// LastInteractions implements store.Timeline.
func (st *Store) LastInteractions(ctx context.Context, s store.Scope, ids []store.CustomerID) (map[store.CustomerID]store.Interaction, error) {
	out := make(map[store.CustomerID]store.Interaction, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	list, arg := st.dialect.IDs(Int64s(ids))
	last, err := QueryAll(ctx, ScanInteraction, st.read, "SELECT "+InteractionCols+` FROM interactions i JOIN customers c ON c.id = i.customer_id
		WHERE i.id IN (SELECT (SELECT id FROM interactions WHERE customer_id = j.value ORDER BY at DESC, id DESC LIMIT 1) FROM `+list+`)
		AND `+Visible, append([]any{arg}, VisArgs(s)...)...)
	if err != nil {
		return nil, fmt.Errorf("store: last interactions: %w", err)
	}
	for _, i := range last {
		out[i.CustomerID] = i
	}
	return out, nil
}

// monthDays are the agenda's occasion days as the occasions table numbers
// them: month*100 + day, plus 10000 for a lunar date.
func monthDays(mds []store.MonthDay) []int64 {
	out := make([]int64, len(mds))
	for i, md := range mds {
		out[i] = int64(md.Month)*100 + int64(md.Day)
		if md.Lunar {
			out[i] += 10000 // as o.lunar * 10000 in the query
		}
	}
	return out
}

// OccasionCols are the columns ScanOccasion reads, of occasions aliased o.
const OccasionCols = `o.id, o.customer_id, COALESCE(o.contact_id, 0), o.kind, o.month, o.day, o.year, o.lunar, o.label`

// ScanOccasion scans a row of OccasionCols.
func ScanOccasion(sc Scanner) (store.Occasion, error) {
	var o store.Occasion
	err := sc.Scan(IntInto(&o.ID), IntInto(&o.CustomerID), IntInto(&o.ContactID), &o.Kind, IntInto(&o.Month), IntInto(&o.Day),
		IntInto(&o.Year), &o.Lunar, &o.Label)
	return o, err
}

// TraceQuery, when set (by tests), sees every query QueryAll runs, to
// check its plan.
var TraceQuery func(query string, args []any)

// QueryAll runs query and scans every row with scan.
func QueryAll[T any](ctx context.Context, scan func(Scanner) (T, error), q Querier, query string, args ...any) ([]T, error) {
	if TraceQuery != nil {
		TraceQuery(query, args)
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

// LimitOr is n, or def when n is not positive.
func LimitOr(n, def int) int {
	if n <= 0 {
		return def
	}
	return n
}
