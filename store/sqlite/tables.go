package sqlite

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/tend-crm/tend/store/internal/sqlstore"
)

// Tables implements store.TableSource.
func (db *DB) Tables(ctx context.Context) ([]string, error) {
	names, err := sqlstore.QueryAll(ctx, func(sc sqlstore.Scanner) (n string, err error) { return n, sc.Scan(&n) }, db.read,
		`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite%' AND name NOT LIKE 'search%'
			AND name NOT IN ('migrations', 'bench_raw', 'leases') ORDER BY name`)
	if err != nil {
		return nil, fmt.Errorf("sqlite: tables: %w", err)
	}
	return names, nil
}

// ReadTable implements store.TableSource.
func (db *DB) ReadTable(ctx context.Context, table string, each func(cols []string, row []any) error) error {
	tables, err := db.Tables(ctx)
	if err != nil {
		return err
	}
	if !slices.Contains(tables, table) {
		return fmt.Errorf("sqlite: read table: no table %q", table)
	}
	type column struct {
		name string
		pk   int
	}
	// The name was checked against the schema's.
	info, err := sqlstore.QueryAll(ctx, func(sc sqlstore.Scanner) (c column, err error) { return c, sc.Scan(&c.name, &c.pk) }, db.read,
		"SELECT name, pk FROM pragma_table_info(?) ORDER BY cid", table)
	if err != nil {
		return fmt.Errorf("sqlite: read %s: %w", table, err)
	}
	var cols, key []string
	for _, c := range info {
		cols = append(cols, c.name)
	}
	slices.SortFunc(info, func(a, b column) int { return a.pk - b.pk })
	for _, c := range info {
		if c.pk > 0 {
			key = append(key, c.name)
		}
	}
	q := "SELECT " + strings.Join(cols, ", ") + " FROM " + table
	if len(key) > 0 {
		q += " ORDER BY " + strings.Join(key, ", ") // TEXT compares bytewise (BINARY)
	}
	rows, err := db.read.QueryContext(ctx, q)
	if err != nil {
		return fmt.Errorf("sqlite: read %s: %w", table, err)
	}
	defer rows.Close()
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return fmt.Errorf("sqlite: read %s: %w", table, err)
		}
		for i, v := range vals {
			if b, ok := v.([]byte); ok {
				vals[i] = string(b)
			}
		}
		if err := each(cols, vals); err != nil {
			return err
		}
	}
	return rows.Err()
}
