package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/tend-crm/tend/store"
)

// change is one user action in progress: a write transaction that records
// every row it creates or updates in the audit table, which is what Undo
// reverts.
type change struct {
	ctx context.Context
	tx  Tx
	id  store.ChangeID
	now time.Time
	st  *Store
	// audits are the audit rows not yet written: they go in together,
	// auditBatch at a time and the rest when the change ends, each
	// statement many rows (a logged call writes three).
	audits []any
}

// auditBatch is how many audit rows one INSERT writes at most.
const auditBatch = 64

// col is a column and its value, as written. Values are int64, string or
// nil, so that the audit's JSON gives them back unchanged.
type col struct {
	name string
	val  any
}

// change runs fn as one recorded change by s, applying o's event to the
// ledger in the same transaction.
func (st *Store) change(ctx context.Context, s store.Scope, o store.Origin, summary string, fn func(*change) error) (store.ChangeID, error) {
	if s.UserID == 0 {
		return 0, fmt.Errorf("%w: no user", store.ErrNotFound)
	}
	var id store.ChangeID
	err := st.tx(ctx, func(ctx context.Context, tx Tx) error {
		now := st.Now().UTC().Truncate(time.Second)
		if err := claimEvent(ctx, tx, o, now); err != nil {
			return err
		}
		// A user removed since the caller looked them up writes nothing: a
		// customer created now would be owned by someone who has left.
		// Shared (with row locks), so that removing the user (which locks
		// the row to update it) waits for the user's writes under way, and
		// the writes after it see that the user has left.
		var left int64
		switch err := tx.QueryRowContext(ctx, "SELECT left_at FROM users WHERE id = ?"+st.lock(forShare), s.UserID).Scan(&left); {
		case errors.Is(err, sql.ErrNoRows):
			return fmt.Errorf("%w: user %d", store.ErrNotFound, s.UserID)
		case err != nil:
			return err
		}
		if left != 0 {
			return fmt.Errorf("%w: user %d has left", store.ErrForbidden, s.UserID)
		}
		cid, err := st.dialect.insertID(ctx, tx, "INSERT INTO changes (user_id, at, summary) VALUES (?, ?, ?)", s.UserID, now.Unix(), summary)
		if err != nil {
			return err
		}
		id = store.ChangeID(cid)
		c := &change{ctx: ctx, tx: tx, id: id, now: now, st: st}
		if err := fn(c); err != nil {
			return err
		}
		return c.flushAudits()
	})
	return id, err
}

func claimEvent(ctx context.Context, q Querier, o store.Origin, now time.Time) error {
	if o.IsZero() {
		return nil
	}
	res, err := q.ExecContext(ctx, "INSERT INTO processed_events (platform, event_id, at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
		o.Platform, o.EventID, now.Unix())
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		return cmpErr(err, store.ErrDuplicate)
	}
	return nil
}

func cmpErr(err, otherwise error) error {
	if err != nil {
		return err
	}
	return otherwise
}

// describe sets the change's summary once it is known (a customer's name
// is, only after the change found or created it).
func (c *change) describe(summary string) error {
	_, err := c.tx.ExecContext(c.ctx, "UPDATE changes SET summary = ? WHERE id = ?", summary, c.id)
	return err
}

// describeFollowUp describes a change to a follow-up by its customer:
// "snooze follow-up: Acme Corp".
func (c *change) describeFollowUp(verb string, f store.FollowUp) error {
	var name string
	if err := c.tx.QueryRowContext(c.ctx, "SELECT name FROM customers WHERE id = ?", f.CustomerID).Scan(&name); err != nil {
		return err
	}
	return c.describe(verb + " follow-up: " + name)
}

// insert adds a row to table and audits it.
func (c *change) insert(table string, cols ...col) (int64, error) {
	names := make([]string, len(cols))
	vals := make([]any, len(cols))
	for i, cl := range cols {
		names[i], vals[i] = cl.name, cl.val
	}
	q := "INSERT INTO " + table + " (" + strings.Join(names, ", ") + ") VALUES (?" + strings.Repeat(", ?", len(cols)-1) + ")"
	id, err := c.st.dialect.insertID(c.ctx, c.tx, q, vals...)
	if err != nil {
		return 0, fmt.Errorf("insert into %s: %w", table, err)
	}
	return id, c.audit(table, id, "create", nil, cols)
}

// update sets cols on row id of table and audits the old and new values.
func (c *change) update(table string, id int64, cols ...col) error {
	names := make([]string, len(cols))
	for i, cl := range cols {
		names[i] = cl.name
	}
	before, err := c.row(table, id, names)
	if err != nil {
		return err
	}
	return c.updateFrom(table, id, before, cols...)
}

// updateFrom is update for a caller that holds the values cols replace,
// as before (the row read under its lock in this change): the audit
// needs them, and reading them again would cost a query.
func (c *change) updateFrom(table string, id int64, before []col, cols ...col) error {
	sets := make([]string, len(cols))
	vals := make([]any, len(cols))
	for i, cl := range cols {
		sets[i], vals[i] = cl.name+" = ?", cl.val
	}
	if _, err := c.tx.ExecContext(c.ctx, "UPDATE "+table+" SET "+strings.Join(sets, ", ")+" WHERE id = ?", append(vals, id)...); err != nil {
		return fmt.Errorf("update %s %d: %w", table, id, err)
	}
	return c.audit(table, id, "update", before, cols)
}

// row reads the named columns of one row.
func (c *change) row(table string, id int64, names []string) ([]col, error) {
	vals := make([]any, len(names))
	ptrs := make([]any, len(names))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	// Locked: the values audited as before are those the update replaces,
	// even with another writer on the row. NO KEY: the lock an update of
	// non-key columns takes anyway, which does not conflict with the key
	// share lock that inserting a child row (a call about the customer)
	// takes; FOR UPDATE would, and two calls logged about one customer at
	// once would deadlock.
	err := c.tx.QueryRowContext(c.ctx, "SELECT "+strings.Join(names, ", ")+" FROM "+table+" WHERE id = ?"+c.st.lock(forUpdate), id).Scan(ptrs...)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("%s %d: %w", table, id, store.ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("read %s %d: %w", table, id, err)
	}
	out := make([]col, len(names))
	for i, n := range names {
		v := vals[i]
		if b, ok := v.([]byte); ok {
			v = string(b)
		}
		out[i] = col{n, v}
	}
	return out, nil
}

// audit records a write of the change: row id of table, its values before
// and after.
func (c *change) audit(table string, id int64, action string, before, after []col) error {
	c.audits = append(c.audits, c.id, table, id, action, colsJSON(before), colsJSON(after))
	if len(c.audits) < auditBatch*auditCols {
		return nil
	}
	return c.flushAudits()
}

const auditCols = 6 // values of an audit row in c.audits

// flushAudits writes the audit rows not yet written, in their order.
func (c *change) flushAudits() error {
	if len(c.audits) == 0 {
		return nil
	}
	rows := len(c.audits) / auditCols
	q := "INSERT INTO audit (change_id, entity, entity_id, action, before, after) VALUES (?, ?, ?, ?, ?, ?)" +
		strings.Repeat(", (?, ?, ?, ?, ?, ?)", rows-1)
	if _, err := c.tx.ExecContext(c.ctx, q, c.audits...); err != nil {
		return fmt.Errorf("audit: %w", err)
	}
	c.audits = c.audits[:0]
	return nil
}

func colsJSON(cols []col) string {
	return store.AuditJSON(len(cols), func(i int) (string, any) { return cols[i].name, cols[i].val })
}

// Bit stores a bool as the schema does, 0 or 1.
func Bit(b bool) int64 {
	if b {
		return 1
	}
	return 0
}

// Record implements store.Writer.
func (st *Store) Record(ctx context.Context, s store.Scope, o store.Origin, a store.Activity) (store.Recorded, error) {
	var r store.Recorded
	if a.Interaction == nil && a.FollowUp == nil && a.Occasion == nil && a.Fulfils == 0 {
		return r, fmt.Errorf("store: record: %w: nothing to record", store.ErrInvalid)
	}
	if a.Interaction != nil {
		if err := store.CheckText("summary", a.Interaction.Summary); err != nil {
			return r, fmt.Errorf("store: record: %w", err)
		}
	}
	if a.FollowUp != nil {
		if err := store.CheckText("note", a.FollowUp.Note); err != nil {
			return r, fmt.Errorf("store: record: %w", err)
		}
	}
	var err error
	r.Change, err = st.change(ctx, s, o, "record", func(c *change) error {
		r = store.Recorded{}
		if err := c.resolveCustomer(s, a.Customer, &r); err != nil {
			return err
		}
		if a.Contact != "" {
			if err := c.resolveContact(a.Contact, &r); err != nil {
				return err
			}
		}
		if a.Interaction != nil {
			if err := c.addInteraction(s, o, *a.Interaction, &r); err != nil {
				return err
			}
		}
		if a.FollowUp != nil {
			if err := c.addFollowUp(s, *a.FollowUp, &r); err != nil {
				return err
			}
		}
		if a.Occasion != nil {
			if err := c.addOccasion(*a.Occasion, &r); err != nil {
				return err
			}
		}
		if a.Fulfils != 0 {
			f, err := c.completeFollowUp(s, a.Fulfils)
			if err != nil {
				return err
			}
			if f.CustomerID != r.Customer.ID {
				return fmt.Errorf("follow-up %d is another customer's: %w", f.ID, store.ErrConflict)
			}
			r.Fulfilled = &f
		}
		return c.describe(a.Summary(r.Customer.Name))
	})
	if err != nil {
		return store.Recorded{}, fmt.Errorf("store: record: %w", err)
	}
	return r, nil
}

func (c *change) resolveCustomer(s store.Scope, ref store.CustomerRef, r *store.Recorded) error {
	if ref.ID != 0 {
		var err error
		r.Customer, err = c.lockVisibleCustomer(s, ref.ID)
		return err
	}
	name := strings.TrimSpace(store.Normalize(ref.Name))
	key := store.NameKey(name)
	if key == "" || len(name) > 200 {
		return &store.InvalidError{Field: store.FieldName, Reason: fmt.Sprintf("customer name %q", ref.Name)}
	}
	named := func() ([]store.Customer, error) {
		return QueryAll(c.ctx, ScanCustomer, c.tx, "SELECT "+CustomerCols+" FROM customers c WHERE c.name_key = ? AND "+Visible+" ORDER BY c.id LIMIT 5",
			append([]any{key}, VisArgs(s)...)...)
	}
	found, err := named()
	if err == nil && len(found) == 0 && c.st.dialect.RowLocks {
		// Not found: look again under the name's lock, which a writer
		// creating it holds.
		if err = c.lockKey(newCustomerLock, key); err == nil {
			found, err = named()
		}
	}
	if err != nil {
		return err
	}
	switch len(found) {
	case 1:
		r.Customer, err = c.relockCustomer(found[0])
		return err
	case 0:
	default:
		return &store.AmbiguousError{Query: ref.Name, Matches: found}
	}
	stage := store.StageProspect
	cadence := store.DefaultCadence(stage)
	cu := store.Customer{Name: name, OwnerID: s.UserID, Stage: stage, CadenceDays: cadence, CreatedAt: c.now,
		TouchDueAt: c.now.AddDate(0, 0, cadence)}
	id, err := c.insert("customers",
		col{"name", cu.Name}, col{"name_key", key}, col{"owner_id", int64(cu.OwnerID)}, col{"stage", string(cu.Stage)},
		col{"cadence_days", int64(cadence)}, col{"touch_due_at", Unix(cu.TouchDueAt)}, col{"created_at", c.now.Unix()})
	cu.ID = store.CustomerID(id)
	r.Customer, r.NewCustomer = cu, true
	return err
}

func (c *change) resolveContact(name string, r *store.Recorded) error {
	name = strings.TrimSpace(store.Normalize(name))
	key := store.NameKey(name)
	if key == "" || len(name) > 200 {
		return &store.InvalidError{Field: store.FieldName, Reason: fmt.Sprintf("contact name %q", name)}
	}
	p := store.Contact{CustomerID: r.Customer.ID, Name: name}
	err := c.tx.QueryRowContext(c.ctx, "SELECT id, name, role, phone, email FROM contacts WHERE customer_id = ? AND name_key = ? ORDER BY id LIMIT 1",
		r.Customer.ID, key).Scan(&p.ID, &p.Name, &p.Role, &p.Phone, &p.Email)
	switch {
	case err == nil:
	case errors.Is(err, sql.ErrNoRows):
		id, err := c.insert("contacts", col{"customer_id", int64(r.Customer.ID)}, col{"name", name}, col{"name_key", key})
		if err != nil {
			return err
		}
		p.ID, r.NewContact = store.ContactID(id), true
	default:
		return err
	}
	r.Contact = &p
	return nil
}

// addInteraction adds in about r.Customer, the customer as read under its
// lock in this change, and moves the customer's dates on.
func (c *change) addInteraction(s store.Scope, o store.Origin, in store.Interaction, r *store.Recorded) error {
	in.CustomerID, in.UserID, in.Source = r.Customer.ID, s.UserID, o
	if in.DealID != 0 {
		var n int
		if err := c.tx.QueryRowContext(c.ctx, "SELECT COUNT(*) FROM deals WHERE id = ? AND customer_id = ?", in.DealID, in.CustomerID).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			return fmt.Errorf("deal %d of customer %d: %w", in.DealID, in.CustomerID, store.ErrNotFound)
		}
	}
	if r.Contact != nil {
		in.ContactID = r.Contact.ID
	}
	if in.At.IsZero() {
		in.At = c.now
	}
	in.At = in.At.UTC().Truncate(time.Second)
	in.Summary = store.Normalize(in.Summary)
	id, err := c.insert("interactions",
		col{"customer_id", int64(in.CustomerID)}, col{"contact_id", NullID(in.ContactID)}, col{"user_id", int64(in.UserID)},
		col{"kind", string(in.Kind)}, col{"at", in.At.Unix()}, col{"summary", in.Summary},
		col{"src_platform", o.Platform}, col{"src_event", o.EventID}, col{"deal_id", NullID(in.DealID)})
	if err != nil {
		return err
	}
	in.ID = store.InteractionID(id)
	r.Interaction = &in

	// The customer was in touch: move the keep-in-touch date on, unless
	// this interaction is older than the last one known. A note is the
	// rep's own writing, not contact: it leaves the clock running.
	cu := &r.Customer
	if in.Kind != store.KindNote && in.At.After(cu.LastContactAt) {
		dates := func() []col {
			return []col{{"last_contact_at", Unix(cu.LastContactAt)}, {"touch_due_at", Unix(cu.TouchDueAt)}}
		}
		before := dates()
		cu.LastContactAt = in.At
		if cu.CadenceDays > 0 {
			cu.TouchDueAt = in.At.AddDate(0, 0, cu.CadenceDays)
		}
		return c.updateFrom("customers", int64(cu.ID), before, dates()...)
	}
	return nil
}

func (c *change) addFollowUp(s store.Scope, f store.FollowUp, r *store.Recorded) error {
	if f.Due.IsZero() {
		return &store.InvalidError{Field: store.FieldDate, Reason: "follow-up without a due time"}
	}
	f.CustomerID, f.OwnerID, f.Status, f.CreatedAt = r.Customer.ID, s.UserID, store.FollowUpOpen, c.now
	if r.Contact != nil {
		f.ContactID = r.Contact.ID
	}
	f.Due = f.Due.UTC().Truncate(time.Second)
	f.Note = store.Normalize(f.Note)
	id, err := c.insert("follow_ups",
		col{"customer_id", int64(f.CustomerID)}, col{"contact_id", NullID(f.ContactID)}, col{"owner_id", int64(f.OwnerID)},
		col{"due_at", f.Due.Unix()}, col{"all_day", Bit(f.AllDay)}, col{"note", f.Note}, col{"status", string(f.Status)},
		col{"created_at", c.now.Unix()})
	f.ID = store.FollowUpID(id)
	r.FollowUp = &f
	return err
}

// openFollowUp reads a follow-up s may see and checks it is open.
func (c *change) openFollowUp(s store.Scope, id store.FollowUpID) (store.FollowUp, error) {
	// Locked first, so that of two changes to one follow-up at once (Done
	// pressed on two phones) the second reads what the first left.
	if err := c.lockRows("follow_ups", int64(id)); err != nil {
		return store.FollowUp{}, err
	}
	f, err := visibleFollowUp(c.ctx, c.tx, s, id)
	if err == nil && f.Status != store.FollowUpOpen {
		err = fmt.Errorf("follow-up %d is %s: %w", id, f.Status, store.ErrConflict)
	}
	return f, err
}

// completeFollowUp marks an open follow-up s may see done.
func (c *change) completeFollowUp(s store.Scope, id store.FollowUpID) (store.FollowUp, error) {
	f, err := c.openFollowUp(s, id)
	if err != nil {
		return f, err
	}
	f.Status, f.CompletedAt = store.FollowUpDone, c.now
	return f, c.update("follow_ups", int64(id), col{"status", string(f.Status)}, col{"completed_at", c.now.Unix()})
}

// UpdateCustomer implements store.Writer.
func (st *Store) UpdateCustomer(ctx context.Context, s store.Scope, o store.Origin, id store.CustomerID, upd store.CustomerUpdate) (store.Customer, store.ChangeID, error) {
	var cu store.Customer
	if err := upd.Validate(); err != nil {
		return cu, 0, fmt.Errorf("store: update customer: %w", err)
	}
	cid, err := st.change(ctx, s, o, "update customer", func(c *change) error {
		var err error
		// Locked: the keep-in-touch date is computed from the last contact,
		// which a call logged at the same time moves.
		if cu, err = c.lockVisibleCustomer(s, id); err != nil {
			return err
		}
		var cols []col
		oldDefault := cu.CadenceDays == store.DefaultCadence(cu.Stage)
		if upd.Stage != nil {
			cu.Stage = *upd.Stage
			cols = append(cols, col{"stage", string(cu.Stage)})
		}
		if upd.Segment != nil {
			cu.Segment = *upd.Segment
			cols = append(cols, col{"segment", cu.Segment})
		}
		if upd.Phone != nil {
			cu.Phone = strings.TrimSpace(store.Normalize(*upd.Phone))
			cols = append(cols, col{"phone", cu.Phone})
		}
		if upd.Email != nil {
			cu.Email = strings.TrimSpace(store.Normalize(*upd.Email))
			cols = append(cols, col{"email", cu.Email})
		}
		if upd.CadenceDays != nil || upd.Stage != nil {
			// The keep-in-touch date follows the cadence, counted from the
			// last contact (or from now, for a customer never contacted).
			// A new stage brings its default, unless a cadence was set by hand.
			switch {
			case upd.CadenceDays != nil && *upd.CadenceDays > 0:
				cu.CadenceDays = *upd.CadenceDays
			case upd.CadenceDays != nil || oldDefault:
				cu.CadenceDays = store.DefaultCadence(cu.Stage)
			}
			since := cu.LastContactAt
			if since.IsZero() {
				since = c.now
			}
			cu.TouchDueAt = time.Time{}
			if cu.CadenceDays > 0 {
				cu.TouchDueAt = since.AddDate(0, 0, cu.CadenceDays)
			}
			cols = append(cols, col{"cadence_days", int64(cu.CadenceDays)}, col{"touch_due_at", Unix(cu.TouchDueAt)})
		}
		if len(cols) == 0 {
			return fmt.Errorf("%w: nothing to change", store.ErrInvalid)
		}
		if err := c.describe("update customer: " + cu.Name); err != nil {
			return err
		}
		return c.update("customers", int64(cu.ID), cols...)
	})
	if err != nil {
		return store.Customer{}, 0, fmt.Errorf("store: update customer: %w", err)
	}
	return cu, cid, nil
}

// CompleteFollowUp implements store.Writer.
func (st *Store) CompleteFollowUp(ctx context.Context, s store.Scope, o store.Origin, id store.FollowUpID) (store.FollowUp, store.ChangeID, error) {
	var f store.FollowUp
	cid, err := st.change(ctx, s, o, "complete follow-up", func(c *change) error {
		var err error
		if f, err = c.completeFollowUp(s, id); err != nil {
			return err
		}
		return c.describeFollowUp("complete", f)
	})
	if err != nil {
		return f, 0, fmt.Errorf("store: complete follow-up: %w", err)
	}
	return f, cid, nil
}

// SnoozeFollowUp implements store.Writer.
func (st *Store) SnoozeFollowUp(ctx context.Context, s store.Scope, o store.Origin, id store.FollowUpID, due time.Time, allDay bool) (store.FollowUp, store.ChangeID, error) {
	var f store.FollowUp
	if due.IsZero() {
		return f, 0, fmt.Errorf("store: snooze follow-up: %w", &store.InvalidError{Field: store.FieldDate, Reason: "no due time"})
	}
	cid, err := st.change(ctx, s, o, "snooze follow-up", func(c *change) error {
		var err error
		if f, err = c.openFollowUp(s, id); err != nil {
			return err
		}
		if err := c.describeFollowUp("snooze", f); err != nil {
			return err
		}
		f.Due, f.AllDay, f.Snoozes = due.UTC().Truncate(time.Second), allDay, f.Snoozes+1
		return c.update("follow_ups", int64(id), col{"due_at", f.Due.Unix()}, col{"all_day", Bit(allDay)}, col{"snoozes", int64(f.Snoozes)})
	})
	if err != nil {
		return f, 0, fmt.Errorf("store: snooze follow-up: %w", err)
	}
	return f, cid, nil
}

// AddAlias implements store.Writer.
func (st *Store) AddAlias(ctx context.Context, s store.Scope, o store.Origin, id store.CustomerID, alias string) (store.ChangeID, error) {
	alias = strings.TrimSpace(store.Normalize(alias))
	key := store.NameKey(alias)
	if key == "" || len(alias) > 200 {
		return 0, fmt.Errorf("store: add alias: %w", &store.InvalidError{Field: store.FieldName, Reason: fmt.Sprintf("alias %q", alias)})
	}
	cid, err := st.change(ctx, s, o, "alias: "+alias, func(c *change) error {
		if _, err := VisibleCustomer(c.ctx, c.tx, s, id); err != nil {
			return err
		}
		_, err := c.insert("customer_aliases", col{"customer_id", int64(id)}, col{"alias", alias}, col{"alias_key", key})
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("store: add alias: %w", err)
	}
	return cid, nil
}

func (c *change) addOccasion(oc store.Occasion, r *store.Recorded) error {
	leap := oc.Year
	if leap == 0 {
		leap = 2024 // a leap year: 29 February is a valid yearly date
	}
	valid := time.Date(leap, oc.Month, oc.Day, 0, 0, 0, 0, time.UTC).Month() == oc.Month
	if oc.Lunar {
		valid = oc.Day <= 30 // a lunar month has 29 or 30 days, varying by year
	}
	if oc.Month < time.January || oc.Month > time.December || oc.Day < 1 || !valid || strings.TrimSpace(oc.Kind) == "" {
		return &store.InvalidError{Field: store.FieldDate, Reason: fmt.Sprintf("occasion %q on %d/%d", oc.Kind, oc.Day, oc.Month)}
	}
	oc.CustomerID, oc.Label = r.Customer.ID, store.Normalize(oc.Label)
	if r.Contact != nil {
		oc.ContactID = r.Contact.ID
	}
	id, err := c.insert("occasions", col{"customer_id", int64(oc.CustomerID)}, col{"contact_id", NullID(oc.ContactID)},
		col{"kind", oc.Kind}, col{"month", int64(oc.Month)}, col{"day", int64(oc.Day)}, col{"year", int64(oc.Year)},
		col{"lunar", Bit(oc.Lunar)}, col{"label", oc.Label})
	oc.ID = store.OccasionID(id)
	r.Occasion = &oc
	return err
}
