// Package sqlite implements store.Store on one SQLite file with
// github.com/mattn/go-sqlite3. Most queries are store/internal/sqlstore's,
// shared with store/postgres; this package brings the single writer and its
// group commit, the read pool, the search index, the agenda's queries,
// backups and the migrations.
package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net/url"
	"os"
	"path"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/mattn/go-sqlite3"

	"github.com/tend-crm/tend/store"
	"github.com/tend-crm/tend/store/internal/sqlstore"
)

// DefaultBusyTimeout is how long a connection waits for another's lock.
const DefaultBusyTimeout = 5 * time.Second

// driverName is go-sqlite3 with the settings its DSN cannot carry.
const driverName = "tend-sqlite3"

func init() {
	sql.Register(driverName, &sqlite3.SQLiteDriver{ConnectHook: func(c *sqlite3.SQLiteConn) error {
		// Savepoints, statement journals and sorts would otherwise each
		// create, write and delete a file in /var/tmp: one per message.
		// The writer checkpoints only as a backstop: checkpointLoop does it.
		_, err := c.Exec(fmt.Sprintf("PRAGMA temp_store = MEMORY; PRAGMA wal_autocheckpoint = %d", autoCheckpointPages), nil)
		return err
	}})
}

//go:embed migrations/*.sql
var migrations embed.FS

var _ store.Store = (*DB)(nil)

// dialect is SQLite's, for the shared queries: one writer at a time, so no
// row locks; new rows' ids from the driver; lists of ids as JSON arrays.
var dialect = sqlstore.Dialect{
	LastInsertID: true,
	IndexHints:   true,
	MapErr:       mapErr,
	IDs: func(ids []int64) (string, any) {
		list, _ := json.Marshal(ids)
		return "json_each(?) j", string(list)
	},
	// A deletion, or an update of customer_id, names the customer in its
	// audit row, and the audit_customer index holds only those (not
	// creations, which every logged call writes); every audit row of the
	// record is found from them.
	CustomerAudit: `SELECT a.change_id FROM audit g CROSS JOIN audit a
		WHERE coalesce(json_extract(g.after, '$.customer_id'), json_extract(g.before, '$.customer_id')) = ?1 AND g.action <> 'create'
		AND a.entity = g.entity AND a.entity_id = g.entity_id`,
}

// DB is a store.Store on one SQLite file. Writes go through a single
// connection (SQLite has one writer, and _txlock=immediate makes every
// transaction take the write lock at BEGIN, so two writers never deadlock
// on lock upgrade); reads use a pool of read-only connections, which WAL
// lets run beside the writer.
type DB struct {
	sqlstore.Store

	path     string
	existing bool // Options.Existing
	log      *slog.Logger
	write    *sql.DB
	// readPool holds the read-only connections; read runs queries on it
	// (see uncancelled).
	readPool *sql.DB
	read     uncancelled
	ckpt     *sql.DB // one connection, for checkpointLoop

	writes     chan *txRequest // to commitLoop
	quit       chan struct{}   // closed by Close
	stopped    chan struct{}   // closed when commitLoop returns
	background sync.WaitGroup  // indexLoop, checkpointLoop
}

// Options tune how the file is opened. The zero value is the default.
type Options struct {
	// Synchronous is SQLite's synchronous setting: "full" (default: a
	// committed change survives power loss) or "normal" (faster; survives a
	// crash of the process, may lose the last commits on power loss).
	Synchronous string
	BusyTimeout time.Duration
	ReadConns   int // read pool size; default 4
	// Logger hears of background failures (the search index's); default: none.
	Logger *slog.Logger
	// Existing refuses to create the database: the file must exist and
	// hold Tend's schema (for commands that read or copy a book, where a
	// mistyped path must not pass as an empty one).
	Existing bool
}

// Open opens the SQLite file at path, creating it if needed, and applies
// pending migrations.
func Open(ctx context.Context, path string, opts Options) (*DB, error) {
	if path == "" {
		return nil, errors.New("sqlite: open: empty path")
	}
	if _, err := os.Stat(path); opts.Existing && err != nil {
		return nil, fmt.Errorf("sqlite: open: %w", err)
	}
	if opts.BusyTimeout <= 0 {
		opts.BusyTimeout = DefaultBusyTimeout
	}
	if opts.ReadConns <= 0 {
		opts.ReadConns = 4
	}
	syncMode := strings.ToUpper(opts.Synchronous)
	switch syncMode {
	case "":
		syncMode = "FULL"
	case "FULL", "NORMAL":
	default:
		return nil, fmt.Errorf("sqlite: open: synchronous must be full or normal, not %q", opts.Synchronous)
	}
	// Connection settings go in the DSN so every pooled connection gets
	// them: a PRAGMA run on one connection does not reach the others.
	common := url.Values{
		"_foreign_keys": {"on"},
		"_busy_timeout": {fmt.Sprint(opts.BusyTimeout.Milliseconds())},
		"_synchronous":  {syncMode},
		// Reuse prepared statements: preparing costs more than running
		// most of Tend's queries.
		"_stmt_cache_size": {"64"},
		// database/sql hands a connection to one goroutine at a time, so
		// SQLite's own locking of every call on it is cost without use
		// (a tenth of an agenda's CPU time).
		"_mutex": {"no"},
	}
	wq := url.Values{"_journal_mode": {"WAL"}, "_txlock": {"immediate"}}
	rq := url.Values{"mode": {"ro"}, "_txlock": {"deferred"}}
	for k, v := range common {
		wq[k], rq[k] = v, v
	}
	file := "file:" + (&url.URL{Path: path}).EscapedPath()

	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	db := &DB{log: opts.Logger, path: path, existing: opts.Existing,
		writes: make(chan *txRequest), quit: make(chan struct{}), stopped: make(chan struct{})}
	var err error
	if db.write, err = sql.Open(driverName, file+"?"+wq.Encode()); err != nil {
		return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
	}
	db.write.SetMaxOpenConns(1)
	db.write.SetConnMaxIdleTime(0)
	go db.commitLoop()
	if err := db.migrate(ctx); err != nil {
		db.stop()
		db.write.Close()
		return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
	}
	if db.readPool, err = sql.Open(driverName, file+"?"+rq.Encode()); err != nil {
		db.stop()
		db.write.Close()
		return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
	}
	db.read = uncancelled{db.readPool}
	db.Store = sqlstore.New(dialect, db.read, db.write, db.tx)
	db.readPool.SetMaxOpenConns(opts.ReadConns)
	db.readPool.SetMaxIdleConns(opts.ReadConns)
	if db.ckpt, err = sql.Open(driverName, file+"?"+wq.Encode()); err != nil {
		db.stop()
		return nil, errors.Join(fmt.Errorf("sqlite: open %s: %w", path, err), db.readPool.Close(), db.write.Close())
	}
	db.ckpt.SetMaxOpenConns(1)
	db.background.Add(2)
	go db.indexLoop()
	go db.checkpointLoop()
	return db, nil
}

// Path returns the file the database lives in.
func (db *DB) Path() string { return db.path }

// Close finishes the writes under way and closes the connections.
func (db *DB) Close() error {
	db.stop()
	return errors.Join(db.ckpt.Close(), db.readPool.Close(), db.write.Close())
}

// stop ends the background work and commitLoop, once its batch is
// committed; later writes fail.
func (db *DB) stop() {
	select {
	case <-db.quit:
	default:
		close(db.quit)
	}
	db.background.Wait()
	<-db.stopped
}

// Ping checks that the file can be read.
func (db *DB) Ping(ctx context.Context) error {
	var n int
	return db.read.QueryRowContext(ctx, "SELECT 1").Scan(&n)
}

// Migrations returns the names of the migrations applied, in order.
func (db *DB) Migrations(ctx context.Context) ([]string, error) {
	rows, err := db.write.QueryContext(ctx, "SELECT name FROM migrations ORDER BY name")
	if err != nil {
		return nil, fmt.Errorf("sqlite: migrations: %w", err)
	}
	defer rows.Close()
	var names []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			return nil, err
		}
		names = append(names, n)
	}
	return names, rows.Err()
}

// migrate applies the embedded migrations not yet applied, in name order,
// each in its own transaction with its record, so a crash leaves the file
// at one version or the next.
func (db *DB) migrate(ctx context.Context) error {
	names, err := fs.Glob(migrations, "migrations/*.sql")
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	sort.Strings(names)
	// Which are applied is read first, without the write lock: a process
	// opening a file that is up to date (a second replica, `tend backup`
	// beside a busy server) never waits on the writer.
	applied, err := db.applied(ctx)
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	if err := db.checkApplied(ctx, names, applied); err != nil {
		return err
	}
	names = slices.DeleteFunc(names, func(name string) bool { return slices.Contains(applied, path.Base(name)) })
	if len(names) == 0 {
		return nil
	}
	if _, err := db.write.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS migrations (name TEXT PRIMARY KEY, applied_at INTEGER NOT NULL)`); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	for _, name := range names {
		base := path.Base(name)
		err := db.tx(ctx, func(ctx context.Context, tx sqlstore.Tx) error {
			var n int
			if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM migrations WHERE name = ?", base).Scan(&n); err != nil || n > 0 {
				return err
			}
			body, err := migrations.ReadFile(name)
			if err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, string(body)); err != nil {
				return err
			}
			_, err = tx.ExecContext(ctx, "INSERT INTO migrations (name, applied_at) VALUES (?, ?)", base, time.Now().Unix())
			return err
		})
		if err != nil {
			return fmt.Errorf("migrate %s: %w", base, err)
		}
	}
	return nil
}

// checkApplied refuses a file Tend should not migrate: one that holds
// migrations this binary lacks, or, with no migration applied, another
// program's tables and no migrations table (or no migration at all, when
// the file must be an existing book).
func (db *DB) checkApplied(ctx context.Context, known, applied []string) error {
	if err := sqlstore.CheckMigrations(known, applied); err != nil {
		return err
	}
	if len(applied) > 0 {
		return nil
	}
	if db.existing {
		return fmt.Errorf("%w: it has no Tend tables", store.ErrNotTend)
	}
	// One statement, so one state of the file: another process may be
	// creating this book now, and it makes the migrations table first.
	var objects, ours int
	if err := db.write.QueryRowContext(ctx, "SELECT COUNT(*), COALESCE(SUM(name = 'migrations'), 0) FROM sqlite_schema").Scan(&objects, &ours); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	if objects > 0 && ours == 0 {
		return fmt.Errorf("%w: it holds another program's tables", store.ErrNotTend)
	}
	return nil
}

// applied returns the names of the migrations applied, none on a new file.
func (db *DB) applied(ctx context.Context) ([]string, error) {
	var n int
	if err := db.write.QueryRowContext(ctx, "SELECT COUNT(*) FROM sqlite_schema WHERE type = 'table' AND name = 'migrations'").Scan(&n); err != nil || n == 0 {
		return nil, err
	}
	return db.Migrations(ctx)
}

// mapErr turns driver errors the domain cares about into store sentinels,
// matching SQLite's codes rather than message text.
func mapErr(err error) error {
	var se sqlite3.Error
	if !errors.As(err, &se) {
		return err
	}
	switch se.ExtendedCode {
	case sqlite3.ErrConstraintUnique, sqlite3.ErrConstraintPrimaryKey, sqlite3.ErrConstraintForeignKey:
		return fmt.Errorf("%w: %v", store.ErrConflict, err)
	case sqlite3.ErrConstraintCheck, sqlite3.ErrConstraintNotNull:
		return fmt.Errorf("%w: %v", store.ErrInvalid, err)
	}
	return err
}
