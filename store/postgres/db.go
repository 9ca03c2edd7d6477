// Package postgres implements store.Store on PostgreSQL with
// github.com/jackc/pgx/v5, through its database/sql driver. Most queries
// are store/internal/sqlstore's, shared with store/sqlite; this package
// brings the transactions, the search, the agenda's queries and the
// migrations. Several processes may share one database: claims rely on
// unique keys and row locks, never on a lock in one process.
package postgres

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"path"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/stdlib"

	"github.com/tend-crm/tend/store"
	"github.com/tend-crm/tend/store/internal/sqlstore"
)

//go:embed migrations/*.sql
var migrations embed.FS

var _ store.Store = (*DB)(nil)

// dialect is PostgreSQL's, for the shared queries: several writers at
// once, so writes lock what they decide from; lists of ids as arrays.
var dialect = sqlstore.Dialect{
	RowLocks: true,
	MapErr:   mapErr,
	IDs: func(ids []int64) (string, any) {
		return "unnest(CAST(? AS bigint[])) WITH ORDINALITY j (value, key)", ids
	},
	// Created and deleted rows carry customer_id in the audit, indexed by
	// audit_customer.
	CustomerAudit: `SELECT change_id FROM audit WHERE audit_customer(before, after) = ?1`,
}

// migrationLock is the advisory lock migrations hold (with the schema's
// name), so that replicas starting together migrate once: the others
// wait, then find the work done.
const migrationLock = 0x7465_6e64 // "tend"

// DB is a store.Store on a PostgreSQL database (or one schema of it, named
// by search_path in the DSN).
type DB struct {
	sqlstore.Store
	Logger *slog.Logger

	sql *sql.DB
	// read and write are the same pool: PostgreSQL has many writers. Two
	// names keep the queries read like store/sqlite's, and sqlstore.New
	// takes both.
	read, write conn
}

// Options tune the connection pool. The zero value is the default.
type Options struct {
	MaxConns int // default 10
}

// Open connects to the database dsn names (a postgres:// URL or key=value
// string) and applies pending migrations.
func Open(ctx context.Context, dsn string, opts Options) (*DB, error) {
	if dsn == "" {
		return nil, errors.New("postgres: open: empty DSN")
	}
	if opts.MaxConns <= 0 {
		opts.MaxConns = 10
	}
	cfg, err := pgconn.ParseConfig(dsn)
	if err != nil {
		return nil, fmt.Errorf("postgres: open: %w", CheckDSN(dsn))
	}
	pool, err := sql.Open("pgx", dsn)
	if err != nil {
		return nil, fmt.Errorf("postgres: open %s: %w", cfg.Database, err)
	}
	pool.SetMaxOpenConns(opts.MaxConns)
	pool.SetMaxIdleConns(opts.MaxConns)
	pool.SetConnMaxIdleTime(5 * time.Minute)
	db := &DB{Logger: slog.New(slog.DiscardHandler), sql: pool, read: conn{pool}, write: conn{pool}}
	db.Store = sqlstore.New(dialect, db.read, db.write, func(ctx context.Context, fn func(context.Context, sqlstore.Tx) error) error {
		return db.tx(ctx, func(tx *txn) error { return fn(ctx, tx) })
	})
	if err := db.migrate(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("postgres: open %s: %w", cfg.Database, err)
	}
	return db, nil
}

// CheckDSN reports whether dsn is a connection string Open can use,
// without connecting. Its error never repeats the DSN, which may hold a
// password.
func CheckDSN(dsn string) error {
	if _, err := pgconn.ParseConfig(dsn); err != nil {
		return errors.New("not a PostgreSQL connection string (postgres://user@host/db or host=… dbname=…)")
	}
	return nil
}

// Describe names the database dsn connects to, for messages: host, port
// and database, without user or password.
func Describe(dsn string) string {
	cfg, err := pgconn.ParseConfig(dsn)
	if err != nil {
		return "a PostgreSQL database"
	}
	return fmt.Sprintf("postgres://%s:%d/%s", cfg.Host, cfg.Port, cfg.Database)
}

// the driver registers itself as "pgx" when imported.
var _ = stdlib.GetDefaultDriver

// Close closes the pool.
func (db *DB) Close() error { return db.sql.Close() }

// Ping checks that the database answers.
func (db *DB) Ping(ctx context.Context) error { return db.sql.PingContext(ctx) }

// Migrations returns the names of the migrations applied, in order.
func (db *DB) Migrations(ctx context.Context) ([]string, error) {
	names, err := sqlstore.QueryAll(ctx, func(sc sqlstore.Scanner) (n string, err error) { return n, sc.Scan(&n) }, db.read,
		"SELECT name FROM migrations ORDER BY name")
	if err != nil {
		return nil, fmt.Errorf("postgres: migrations: %w", err)
	}
	return names, nil
}

// migrate applies the embedded migrations not yet applied, in name order,
// in one transaction holding the migration lock.
func (db *DB) migrate(ctx context.Context) error {
	names, err := fs.Glob(migrations, "migrations/*.sql")
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	sort.Strings(names)
	return db.tx(ctx, func(tx *txn) error {
		if _, err := tx.ExecContext(ctx, "SELECT pg_advisory_xact_lock(?, hashtext(current_schema()))", migrationLock); err != nil {
			return fmt.Errorf("migrate: lock: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS migrations (name TEXT PRIMARY KEY, applied_at BIGINT NOT NULL)`); err != nil {
			return fmt.Errorf("migrate: %w", err)
		}
		applied, err := sqlstore.QueryAll(ctx, func(sc sqlstore.Scanner) (n string, err error) { return n, sc.Scan(&n) }, tx, "SELECT name FROM migrations")
		if err != nil {
			return fmt.Errorf("migrate: %w", err)
		}
		if err := sqlstore.CheckMigrations(names, applied); err != nil {
			return err
		}
		for _, name := range names {
			base := path.Base(name)
			if slices.Contains(applied, base) {
				continue
			}
			body, err := migrations.ReadFile(name)
			if err != nil {
				return fmt.Errorf("migrate %s: %w", base, err)
			}
			// The file runs as it is: its $$ bodies hold no placeholders.
			if _, err := tx.Tx.ExecContext(ctx, string(body)); err != nil {
				return fmt.Errorf("migrate %s: %w", base, err)
			}
			if _, err := tx.ExecContext(ctx, "INSERT INTO migrations (name, applied_at) VALUES (?, ?)", base, db.Now().Unix()); err != nil {
				return fmt.Errorf("migrate %s: %w", base, err)
			}
		}
		return nil
	})
}

// tx runs fn in a READ COMMITTED transaction, committing if it returns
// nil. Reads that must not change under fn lock their rows (FOR UPDATE).
func (db *DB) tx(ctx context.Context, fn func(*txn) error) error {
	tx, err := db.sql.BeginTx(ctx, nil)
	if err != nil {
		return mapErr(err)
	}
	if err := fn(&txn{tx}); err != nil {
		tx.Rollback()
		return mapErr(err)
	}
	return mapErr(tx.Commit())
}

// snapshot begins a read-only transaction that sees one state of the
// database for all its queries.
func (c conn) snapshot(ctx context.Context) (*txn, error) {
	tx, err := c.DB.BeginTx(ctx, &sql.TxOptions{ReadOnly: true, Isolation: sql.LevelRepeatableRead})
	if err != nil {
		return nil, err
	}
	return &txn{tx}, nil
}

// mapErr turns driver errors the domain cares about into store sentinels,
// matching PostgreSQL's SQLSTATE codes rather than message text.
func mapErr(err error) error {
	var pe *pgconn.PgError
	if !errors.As(err, &pe) {
		return err
	}
	switch pe.Code {
	case "23505", "23503": // unique_violation, foreign_key_violation
		return fmt.Errorf("%w: %v", store.ErrConflict, err)
	case "23514", "23502": // check_violation, not_null_violation
		return fmt.Errorf("%w: %v", store.ErrInvalid, err)
	}
	return err
}

// conn and txn run queries written with SQLite's ? placeholders (and ?N
// for a numbered one), as the shared queries are, rewritten to PostgreSQL's $N.
type (
	conn struct{ *sql.DB }
	txn  struct{ *sql.Tx }
)

func (c conn) ExecContext(ctx context.Context, q string, args ...any) (sql.Result, error) {
	return c.DB.ExecContext(ctx, rebind(q), args...)
}

func (c conn) QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	return c.DB.QueryContext(ctx, rebind(q), args...)
}

func (c conn) QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row {
	return c.DB.QueryRowContext(ctx, rebind(q), args...)
}

func (t *txn) ExecContext(ctx context.Context, q string, args ...any) (sql.Result, error) {
	return t.Tx.ExecContext(ctx, rebind(q), args...)
}

func (t *txn) QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	return t.Tx.QueryContext(ctx, rebind(q), args...)
}

func (t *txn) QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row {
	return t.Tx.QueryRowContext(ctx, rebind(q), args...)
}

func (t *txn) PrepareContext(ctx context.Context, q string) (*sql.Stmt, error) {
	return t.Tx.PrepareContext(ctx, rebind(q))
}

// rebind rewrites ? and ?N placeholders outside quoted text to $N.
func rebind(q string) string {
	if !strings.Contains(q, "?") {
		return q
	}
	var b strings.Builder
	b.Grow(len(q) + 16)
	n, quote := 0, byte(0)
	for i := 0; i < len(q); i++ {
		ch := q[i]
		switch {
		case quote != 0:
			if ch == quote {
				quote = 0
			}
		case ch == '\'' || ch == '"':
			quote = ch
		case ch == '?':
			j := i + 1
			for j < len(q) && q[j] >= '0' && q[j] <= '9' {
				j++
			}
			b.WriteByte('$')
			if j > i+1 {
				b.WriteString(q[i+1 : j])
			} else {
				n++
				b.WriteString(strconv.Itoa(n))
			}
			i = j - 1
			continue
		}
		b.WriteByte(ch)
	}
	return b.String()
}
