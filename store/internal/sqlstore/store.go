// Package sqlstore is the part of store.Store that SQLite and PostgreSQL
// share, written once: the queries (with ? placeholders, which PostgreSQL's
// connections rewrite), every change with its audit rows, Undo and History,
// the agenda, import and export, bulk loading, users and access codes, the
// ledgers, and reading search hits. store/sqlite and store/postgres embed a
// Store and bring what differs: how a write transaction runs and how a
// read sees one state of the book, their search index, their drivers'
// errors, and the migrations; a Dialect names what differs inside the
// shared queries.
package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"path"
	"time"

	"github.com/tend-crm/tend/store"
)

// Dialect is what differs between the databases inside the shared queries.
type Dialect struct {
	// RowLocks says that several writers run at once (PostgreSQL), so a
	// write locks the rows it decides from (SELECT … FOR NO KEY UPDATE) and
	// the names of rows it may create (advisory locks). SQLite runs one
	// write transaction at a time and needs none of it.
	RowLocks bool
	// LastInsertID says that the driver reports a new row's id, so an
	// INSERT needs no RETURNING clause.
	LastInsertID bool
	// MapErr turns the driver's constraint errors into store.ErrConflict
	// and store.ErrInvalid.
	MapErr func(error) error
	// IDs returns a table j of the ids, one row each: its columns value
	// (the id) and key (its position), for FROM list; and the argument
	// its placeholder takes.
	IDs func(ids []int64) (list string, arg any)
	// IndexHints says that queries name the index they must use where the
	// planner would pick another (SQLite's INDEXED BY).
	IndexHints bool
	// CustomerAudit selects the change_id of the audit rows of records of
	// customer ?1 that are gone or moved (their audit JSON names it),
	// through the index the database keeps for it.
	CustomerAudit string
}

// indexedBy is the clause naming index for a table, where the database
// takes hints.
func (st *Store) indexedBy(index string) string {
	if !st.dialect.IndexHints {
		return ""
	}
	return " INDEXED BY " + index
}

// Querier runs statements: a pool, a connection, or a transaction.
type Querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

// Tx is a write transaction.
type Tx interface {
	Querier
	PrepareContext(ctx context.Context, query string) (*sql.Stmt, error)
}

// TxFunc runs fn in a write transaction, committing if it returns nil. fn
// runs its statements with the context it is given.
type TxFunc func(ctx context.Context, fn func(context.Context, Tx) error) error

// Scanner is a row to scan.
type Scanner interface{ Scan(dest ...any) error }

// Store implements the shared part of store.Store.
type Store struct {
	// Now is the clock for created_at and similar stamps. Defaults to
	// time.Now; tests and `tend chat --now` pin it.
	Now func() time.Time
	// Stages are those a deal may be at, in order: the first is a new
	// deal's. Defaults to store.DefaultStages; won and lost must be in it.
	Stages []string

	dialect     Dialect
	read, write Querier
	tx          TxFunc
}

// New returns a Store reading with read, writing single statements with
// write and transactions with tx.
func New(d Dialect, read, write Querier, tx TxFunc) Store {
	return Store{Now: time.Now, dialect: d, read: read, write: write, tx: tx}
}

// Unix and FromUnix convert the schema's Unix seconds, 0 meaning unset.
func Unix(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.Unix()
}

// FromUnix is the time Unix gave s for.
func FromUnix(s int64) time.Time {
	if s == 0 {
		return time.Time{}
	}
	return time.Unix(s, 0).UTC()
}

// Int64s converts ids for Dialect.IDs.
func Int64s[T ~int64](ids []T) []int64 {
	out := make([]int64, len(ids))
	for i, id := range ids {
		out[i] = int64(id)
	}
	return out
}

// NullID stores an optional reference: 0 is NULL.
func NullID[T ~int64](id T) any {
	if id == 0 {
		return nil
	}
	return int64(id)
}

// integer scans an integer column into p as it is. database/sql converts
// into any other type than int64 by reflection, and into one of another
// size (int, a month, a kind) through a decimal string: a tenth of the
// agenda's time went there.
type integer[T ~int | ~int64 | ~uint8] struct{ p *T }

// IntInto scans an integer column into p.
func IntInto[T ~int | ~int64 | ~uint8](p *T) sql.Scanner { return integer[T]{p} }

func (i integer[T]) Scan(src any) error {
	n, ok := src.(int64)
	if !ok {
		return fmt.Errorf("%T is not an integer", src)
	}
	*i.p = T(n)
	return nil
}

// CheckMigrations returns store.ErrNewerSchema when a database has applied
// a migration that is not among the embedded ones this binary knows
// (paths, as globbed; applied holds base names).
func CheckMigrations(known, applied []string) error {
	names := make(map[string]bool, len(known))
	for _, k := range known {
		names[path.Base(k)] = true
	}
	for _, a := range applied {
		if !names[a] {
			return fmt.Errorf("%w (its migration %s is unknown to this one): run it with that version", store.ErrNewerSchema, a)
		}
	}
	return nil
}
