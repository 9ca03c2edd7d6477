package sqlstore

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/tend-crm/tend/store"
)

// Loader writes rows in bulk inside one transaction, with no change
// records, audit or event ledger: it fills a store with a generated book
// for benchmarks and demos. Users' own writes go through the Writer.
type Loader struct {
	outer context.Context // the caller's, checked before each row
	stmts *prepared       // with the transaction's context: not cancellable (DB.tx)
	now   int64
}

// Load runs fill with a Loader and commits what it added, or nothing if
// fill fails. around runs the load (load) in the transaction, with what
// the database does before or after a bulk load: each builds its search
// index once at the end, its own way.
func (st *Store) Load(ctx context.Context, fill func(*Loader) error, around func(ctx context.Context, tx Tx, load func() error) error) error {
	return st.tx(ctx, func(txctx context.Context, tx Tx) error {
		l := &Loader{outer: ctx, stmts: newPrepared(txctx, tx, st.dialect), now: st.Now().Unix()}
		defer l.stmts.close()
		return around(txctx, tx, func() error { return fill(l) })
	})
}

// exec runs an INSERT into table with cols, preparing it once, and returns
// the row's id.
func (l *Loader) exec(table, cols string, args ...any) (int64, error) {
	if err := l.outer.Err(); err != nil {
		return 0, err
	}
	q := "INSERT INTO " + table + " (" + cols + ") VALUES (?" + strings.Repeat(", ?", len(args)-1) + ")"
	if table == "identities" { // the one table without an id
		_, err := l.stmts.exec(q, args...)
		return 0, err
	}
	id, err := l.stmts.insertID(q, args...)
	if err != nil {
		return 0, fmt.Errorf("insert into %s: %w", table, err)
	}
	return id, nil
}

// AddUser adds a user with their identities.
func (l *Loader) AddUser(u store.User) (store.UserID, error) {
	id, err := l.exec("users", "name, role, time_zone, lang, digest_time, digest_weekends, created_at, manager_id",
		u.Name, u.Role, orDefault(u.TimeZone, "UTC"), orDefault(u.Lang, "en"), u.DigestTime, Bit(u.DigestWeekends),
		unixOr(u.CreatedAt, l.now), NullID(u.ManagerID))
	if err != nil {
		return 0, err
	}
	for _, ident := range u.Identities {
		if _, err := l.exec("identities", "platform, external_id, user_id, chat_id", ident.Platform, ident.ExternalID, id, ident.ChatID); err != nil {
			return 0, err
		}
	}
	return store.UserID(id), nil
}

// AddCustomer adds a customer as given, including its last contact and
// keep-in-touch dates.
func (l *Loader) AddCustomer(c store.Customer) (store.CustomerID, error) {
	id, err := l.exec("customers", "name, name_key, is_person, owner_id, stage, segment, cadence_days, referred_by, tags, phone, email, last_contact_at, touch_due_at, created_at",
		c.Name, store.NameKey(c.Name), Bit(c.IsPerson), c.OwnerID, c.Stage, c.Segment, c.CadenceDays, NullID(c.ReferredBy),
		strings.Join(c.Tags, ","), c.Phone, c.Email, Unix(c.LastContactAt), Unix(c.TouchDueAt), unixOr(c.CreatedAt, l.now))
	return store.CustomerID(id), err
}

// AddContact adds a contact.
func (l *Loader) AddContact(p store.Contact) (store.ContactID, error) {
	id, err := l.exec("contacts", "customer_id, name, name_key, role, phone, email",
		p.CustomerID, p.Name, store.NameKey(p.Name), p.Role, p.Phone, p.Email)
	return store.ContactID(id), err
}

// AddInteraction adds an interaction; it does not touch its customer's
// last contact, which the caller sets on the customer.
func (l *Loader) AddInteraction(i store.Interaction) error {
	_, err := l.exec("interactions", "customer_id, contact_id, user_id, kind, at, summary",
		i.CustomerID, NullID(i.ContactID), i.UserID, i.Kind, Unix(i.At), i.Summary)
	return err
}

// AddFollowUp adds a follow-up.
func (l *Loader) AddFollowUp(f store.FollowUp) error {
	_, err := l.exec("follow_ups", "customer_id, contact_id, owner_id, due_at, all_day, note, status, snoozes, created_at, completed_at",
		f.CustomerID, NullID(f.ContactID), f.OwnerID, Unix(f.Due), Bit(f.AllDay), f.Note, f.Status, f.Snoozes,
		unixOr(f.CreatedAt, l.now), Unix(f.CompletedAt))
	return err
}

// AddDeal adds a deal.
func (l *Loader) AddDeal(d store.Deal) error {
	_, err := l.exec("deals", "customer_id, owner_id, title, title_key, value, currency, stage, need, budget, authority, expected_close, stage_changed_at, created_at",
		d.CustomerID, d.OwnerID, d.Title, store.NameKey(d.Title), d.Value, d.Currency, d.Stage, d.Need, d.Budget, d.Authority,
		Unix(d.ExpectedClose), unixOr(d.StageChangedAt, l.now), unixOr(d.CreatedAt, l.now))
	return err
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// unixOr is t in Unix seconds, or def when t is zero.
func unixOr(t time.Time, def int64) int64 {
	if t.IsZero() {
		return def
	}
	return t.Unix()
}

// Count returns how many rows one of the book's tables holds.
func (st *Store) Count(ctx context.Context, table string) (int64, error) {
	switch table {
	case "users", "customers", "contacts", "interactions", "follow_ups", "deals", "occasions", "changes":
	default:
		return 0, fmt.Errorf("store: count: no table %q", table)
	}
	var n int64
	// The name was checked against the list above.
	if err := st.read.QueryRowContext(ctx, "SELECT COUNT(*) FROM "+table).Scan(&n); err != nil {
		return 0, fmt.Errorf("store: count %s: %w", table, err)
	}
	return n, nil
}
