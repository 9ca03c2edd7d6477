package sqlstore

import (
	"fmt"
	"slices"

	"github.com/tend-crm/tend/store"
)

// Row locks, for databases with several writers at once (Dialect.RowLocks):
// a write locks the rows it decides from, so that another writer's change
// in between is not overwritten with values computed from what it replaced.
// Rows of several tables are locked users first, then customers, then
// their records, each in id order, so that two writers never wait on each
// other. With one writer at a time (SQLite) every lock is a no-op.

// Clauses a SELECT ends with to lock what it reads.
const (
	// forUpdate is the lock an update of non-key columns takes anyway,
	// which does not conflict with the key share lock that inserting a
	// child row (a call about the customer) takes; FOR UPDATE would, and
	// two calls logged about one customer at once would deadlock.
	forUpdate = " FOR NO KEY UPDATE"
	forShare  = " FOR SHARE"
)

// lock returns clause if the database has row locks, else nothing.
func (st *Store) lock(clause string) string {
	if !st.dialect.RowLocks {
		return ""
	}
	return clause
}

// lockRows locks the rows of table with the ids given, in id order. The
// table name comes from the code, never from input.
func (c *change) lockRows(table string, ids ...int64) error {
	if !c.st.dialect.RowLocks {
		return nil
	}
	ids = slices.Compact(slices.Sorted(slices.Values(ids)))
	for _, id := range ids {
		if _, err := c.tx.ExecContext(c.ctx, "SELECT 1 FROM "+table+" WHERE id = ?"+forUpdate, id); err != nil {
			return err
		}
	}
	return nil
}

// lockCustomer reads a customer the change will update (its last
// contact, its keep-in-touch date) and locks the row until the change
// commits.
func (c *change) lockCustomer(id store.CustomerID) (store.Customer, error) {
	cs, err := QueryAll(c.ctx, ScanCustomer, c.tx, customerByID+c.st.lock(forUpdate), int64(id))
	if err == nil && len(cs) == 0 {
		err = fmt.Errorf("customer %d: %w", id, store.ErrNotFound)
	}
	if err != nil {
		return store.Customer{}, err
	}
	return cs[0], nil
}

// relockCustomer reads cu again under its row lock, where the database
// has row locks: read without it, cu may have changed since.
func (c *change) relockCustomer(cu store.Customer) (store.Customer, error) {
	if !c.st.dialect.RowLocks {
		return cu, nil
	}
	return c.lockCustomer(cu.ID)
}

// lockVisibleCustomer is lockCustomer for a customer s may see, in one
// query: s is checked against the row as it is locked.
func (c *change) lockVisibleCustomer(s store.Scope, id store.CustomerID) (store.Customer, error) {
	return visibleRow(c.ctx, c.tx, s, ScanCustomer, customerByID, int64(id), c.st.lock(forUpdate+" OF c"))
}

// Advisory locks on a row not yet created, which no row lock can guard:
// a new customer's name, a chat not yet linked to a deal.
const (
	newCustomerLock = 0x6e61_6d65 // "name"
	newBindingLock  = 0x6269_6e64 // "bind"
)

// lockKey takes the advisory lock class holds on key in this schema until
// the change commits: of two writers creating one row at once, the second
// waits, then finds the first's row.
func (c *change) lockKey(class int, key string) error {
	if !c.st.dialect.RowLocks {
		return nil
	}
	_, err := c.tx.ExecContext(c.ctx, "SELECT pg_advisory_xact_lock(?, hashtext(current_schema() || ' ' || CAST(? AS text)))", class, key)
	return err
}
