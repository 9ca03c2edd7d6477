package main

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/tend-crm/tend/store/postgres"
	"github.com/tend-crm/tend/store/sqlite"
)

// runMigrateData moves an install from its SQLite file to PostgreSQL.
func runMigrateData(ctx context.Context, e env, args []string) error {
	f := newFlags(e, "migrate-data", "--from tend.db --to postgres://…")
	from := f.String("from", "", "the SQLite file to copy (default store.path); Tend should be stopped")
	to := f.String("to", "", "the empty PostgreSQL database to copy into (default store.dsn)")
	if err := f.parse(args); err != nil {
		return err
	}
	cfg, err := loadConfig(e, f)
	if err != nil {
		return err
	}
	src, dst := cmpOr(*from, cfg.Store.Path), cmpOr(*to, cfg.Store.DSN)
	if src == "" || dst == "" {
		f.Usage()
		return errUsage
	}
	if err := postgres.CheckDSN(dst); err != nil {
		return fmt.Errorf("migrate-data: --to: %w", err)
	}
	// Both are opened as every command opens them: brought to this
	// version's schema, so that their tables match.
	lite, err := sqlite.Open(ctx, src, sqlite.Options{Existing: true})
	if err != nil {
		return fmt.Errorf("migrate-data: %w", err)
	}
	defer lite.Close()
	pg, err := postgres.Open(ctx, dst, postgres.Options{})
	if err != nil {
		return fmt.Errorf("migrate-data: %w", err)
	}
	defer pg.Close()
	have, err := lite.Migrations(ctx)
	if err != nil {
		return fmt.Errorf("migrate-data: %w", err)
	}
	want, err := pg.Migrations(ctx)
	if err != nil {
		return fmt.Errorf("migrate-data: %w", err)
	}
	// PostgreSQL may have more: tables only replicas need (leases).
	for _, m := range have {
		if !slices.Contains(want, m) {
			return fmt.Errorf("migrate-data: %s has migration %s that %s lacks: they must be at the same version", src, m, postgres.Describe(dst))
		}
	}
	report, err := pg.CopyFrom(ctx, lite)
	fmt.Fprintf(e.stdout, "%-18s %12s %12s  %s\n", "table", "rows", "copied", "sha256 (source = target)")
	for _, c := range report {
		mark := "="
		if !c.OK() {
			mark = "≠"
		}
		fmt.Fprintf(e.stdout, "%-18s %12s %12s  %.16s %s %.16s\n", c.Table, thousands(c.SourceRows), thousands(c.TargetRows), c.SourceSum, mark, c.TargetSum)
	}
	if errors.Is(err, postgres.ErrNotEmpty) {
		return fmt.Errorf("migrate-data: %w; it copies only into an empty database", err)
	}
	if err != nil {
		return fmt.Errorf("migrate-data: %w", err)
	}
	fmt.Fprintf(e.stdout, "copied %s to %s: every table's rows and checksum match\n", src, postgres.Describe(dst))
	return nil
}
