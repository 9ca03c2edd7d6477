package postgres

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"

	"github.com/tend-crm/tend/store"
	"github.com/tend-crm/tend/store/internal/sqlstore"
)

// ErrNotEmpty is CopyFrom's refusal of a database that holds a book.
var ErrNotEmpty = errors.New("postgres: the target database is not empty")

// Tables implements store.TableSource.
func (db *DB) Tables(ctx context.Context) ([]string, error) {
	return bookTables(ctx, db.read)
}

func bookTables(ctx context.Context, q sqlstore.Querier) ([]string, error) {
	names, err := sqlstore.QueryAll(ctx, func(sc sqlstore.Scanner) (n string, err error) { return n, sc.Scan(&n) }, q,
		`SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'
			AND table_name NOT LIKE 'search%' AND table_name NOT IN ('migrations', 'bench_raw', 'leases') ORDER BY table_name`)
	if err != nil {
		return nil, fmt.Errorf("postgres: tables: %w", err)
	}
	return names, nil
}

// ReadTable implements store.TableSource.
func (db *DB) ReadTable(ctx context.Context, table string, each func(cols []string, row []any) error) error {
	tx, err := db.read.snapshot(ctx)
	if err != nil {
		return fmt.Errorf("postgres: read %s: %w", table, err)
	}
	defer tx.Rollback()
	cols, err := tableColumns(ctx, tx, table)
	if err != nil {
		return err
	}
	return readTable(ctx, tx, table, cols, each)
}

// tableColumns lists a book table's columns in their order.
func tableColumns(ctx context.Context, q sqlstore.Querier, table string) ([]string, error) {
	tables, err := bookTables(ctx, q)
	if err != nil {
		return nil, err
	}
	if !slices.Contains(tables, table) {
		return nil, fmt.Errorf("postgres: no table %q", table)
	}
	cols, err := sqlstore.QueryAll(ctx, func(sc sqlstore.Scanner) (n string, err error) { return n, sc.Scan(&n) }, q,
		`SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = ?
			ORDER BY ordinal_position`, table)
	if err != nil {
		return nil, fmt.Errorf("postgres: columns of %s: %w", table, err)
	}
	return cols, nil
}

// readTable reads cols of table in primary-key order, text compared byte by
// byte (COLLATE "C") as SQLite compares it.
func readTable(ctx context.Context, q sqlstore.Querier, table string, cols []string, each func(cols []string, row []any) error) error {
	key, err := sqlstore.QueryAll(ctx, func(sc sqlstore.Scanner) (n string, err error) { return n, sc.Scan(&n) }, q,
		`SELECT a.attname || CASE WHEN a.atttypid = 'text'::regtype THEN ' COLLATE "C"' ELSE '' END
			FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)
			WHERE i.indrelid = ?::regclass AND i.indisprimary ORDER BY array_position(i.indkey, a.attnum)`, table)
	if err != nil {
		return fmt.Errorf("postgres: key of %s: %w", table, err)
	}
	query := "SELECT " + strings.Join(cols, ", ") + " FROM " + table // names from the catalog
	if len(key) > 0 {
		query += " ORDER BY " + strings.Join(key, ", ")
	}
	rows, err := q.QueryContext(ctx, query)
	if err != nil {
		return fmt.Errorf("postgres: read %s: %w", table, err)
	}
	defer rows.Close()
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return fmt.Errorf("postgres: read %s: %w", table, err)
		}
		if err := each(cols, vals); err != nil {
			return err
		}
	}
	return rows.Err()
}

// CopyFrom copies every table of src into this database, which must be
// empty and at the same version, in one transaction: rows go in with COPY,
// foreign keys are checked at commit, the search index is rebuilt and the
// id sequences move past the copied ids. Each table is read back and
// checksummed; if any differs from the source, nothing is kept. Returns
// ErrNotEmpty when the database holds rows already.
func (db *DB) CopyFrom(ctx context.Context, src store.TableSource) ([]store.TableCopy, error) {
	tables, err := src.Tables(ctx)
	if err != nil {
		return nil, err
	}
	ours, err := db.Tables(ctx)
	if err != nil {
		return nil, err
	}
	for _, t := range tables {
		if !slices.Contains(ours, t) {
			return nil, fmt.Errorf("postgres: copy: no table %q here: is the source from another version?", t)
		}
	}
	conn, err := db.sql.Conn(ctx)
	if err != nil {
		return nil, fmt.Errorf("postgres: copy: %w", err)
	}
	defer conn.Close()
	stx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("postgres: copy: %w", err)
	}
	defer stx.Rollback()
	// COPY goes through pgx itself, on the connection of the transaction.
	copyIn := func(table string, cols []string, rows [][]any) error {
		return conn.Raw(func(dc any) error {
			_, err := dc.(*stdlib.Conn).Conn().CopyFrom(ctx, pgx.Identifier{table}, cols, pgx.CopyFromRows(rows))
			return err
		})
	}
	report, err := copyTables(ctx, &txn{stx}, copyIn, src, tables, ours)
	if err == nil {
		err = stx.Commit()
	}
	if err != nil {
		return report, fmt.Errorf("postgres: copy: %w", mapErr(err))
	}
	db.analyze(ctx)
	return report, nil
}

func copyTables(ctx context.Context, tx *txn, copyIn func(string, []string, [][]any) error, src store.TableSource, tables, ours []string) ([]store.TableCopy, error) {
	exec := func(q string, args ...any) error {
		_, err := tx.ExecContext(ctx, q, args...)
		return err
	}
	if err := exec("SET CONSTRAINTS ALL DEFERRED"); err != nil {
		return nil, err
	}
	for _, t := range ours { // names from the catalog
		var rows bool
		if err := tx.QueryRowContext(ctx, "SELECT EXISTS (SELECT 1 FROM "+t+")").Scan(&rows); err != nil {
			return nil, err
		}
		if rows {
			return nil, fmt.Errorf("%w: table %s has rows", ErrNotEmpty, t)
		}
		// The search index is rebuilt once at the end, not row by row.
		if err := exec("ALTER TABLE " + t + " DISABLE TRIGGER USER"); err != nil {
			return nil, err
		}
	}
	var report []store.TableCopy
	colsOf := map[string][]string{}
	for _, t := range tables {
		sum := store.NewTableSum()
		var rows [][]any
		flush := func() error {
			if len(rows) == 0 {
				return nil
			}
			err := copyIn(t, colsOf[t], rows)
			rows = rows[:0]
			return err
		}
		err := src.ReadTable(ctx, t, func(cols []string, row []any) error {
			colsOf[t] = cols
			rows = append(rows, row)
			if len(rows) == 10000 {
				if err := flush(); err != nil {
					return err
				}
			}
			return sum.Add(row)
		})
		if err == nil {
			err = flush()
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", t, err)
		}
		report = append(report, store.TableCopy{Table: t, SourceRows: sum.Rows(), SourceSum: sum.String()})
	}
	for i, c := range report {
		cols := colsOf[c.Table]
		if cols == nil {
			var err error
			if cols, err = tableColumns(ctx, tx, c.Table); err != nil {
				return nil, err
			}
		}
		sum := store.NewTableSum()
		if err := readTable(ctx, tx, c.Table, cols, func(_ []string, row []any) error { return sum.Add(row) }); err != nil {
			return nil, err
		}
		report[i].TargetRows, report[i].TargetSum = sum.Rows(), sum.String()
	}
	for _, c := range report {
		if !c.OK() {
			return report, fmt.Errorf("table %s differs after the copy: nothing was kept", c.Table)
		}
	}
	// The foreign keys are checked now, before the triggers come back
	// (ALTER TABLE waits for no pending check).
	if err := exec("SET CONSTRAINTS ALL IMMEDIATE"); err != nil {
		return nil, err
	}
	for _, t := range ours {
		if err := exec("ALTER TABLE " + t + " ENABLE TRIGGER USER"); err != nil {
			return nil, err
		}
		var identity bool
		if err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM information_schema.columns
			WHERE table_schema = current_schema() AND table_name = ? AND column_name = 'id' AND is_identity = 'YES')`, t).Scan(&identity); err != nil {
			return nil, err
		}
		if identity {
			if err := exec("SELECT setval(pg_get_serial_sequence(?, 'id'), COALESCE((SELECT MAX(id) FROM "+t+"), 0) + 1, false)", t); err != nil {
				return nil, err
			}
		}
	}
	if err := rebuildSearch(ctx, tx); err != nil {
		return nil, err
	}
	return report, nil
}
