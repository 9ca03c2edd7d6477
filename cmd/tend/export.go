package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/tend-crm/tend/store"
	"github.com/tend-crm/tend/store/transfer"
)

// runExport writes what the user may see, one file per kind, in the
// columns import reads back.
func runExport(ctx context.Context, e env, args []string) error {
	f := newFlags(e, "export", "").withDB()
	kinds := f.String("kind", "", "kinds to export, comma-separated (default all: users, customers, contacts, deals, interactions)")
	format := f.String("format", "csv", "csv (with a byte order mark, for Excel) or json")
	out := f.String("out", "export", "directory to write the files to")
	as := f.String("as", "", "who exports: a user's name (default $USER); a rep gets their own customers")
	tz := f.String("tz", "", "zone dates are written in (default users.default_time_zone)")
	if err := f.parse(args); err != nil {
		return err
	}
	if *format != "csv" && *format != "json" {
		return errors.New("export: --format must be csv or json")
	}
	want := store.ImportKinds
	if *kinds != "" {
		want = nil
		for _, k := range strings.Split(*kinds, ",") {
			k := store.ImportKind(strings.TrimSpace(k))
			if !slices.Contains(store.ImportKinds, k) {
				return fmt.Errorf("export: unknown kind %q (one of %v)", k, store.ImportKinds)
			}
			want = append(want, k)
		}
	}
	cfg, db, err := openData(ctx, e, f, mustExist)
	if err != nil {
		return err
	}
	defer db.Close()
	loc, err := loadZone(cmpOr(*tz, cfg.Users.DefaultTimeZone))
	if err != nil {
		return err
	}
	scope, err := actingUser(ctx, db, cmpOr(*as, e.getenv("USER"), "me"), "")
	if err != nil {
		return fmt.Errorf("export: %w", err)
	}
	if err := os.MkdirAll(*out, 0o755); err != nil {
		return fmt.Errorf("export: %w", err)
	}
	for _, k := range want {
		path := filepath.Join(*out, string(k)+"."+*format)
		n, err := exportKind(ctx, db, scope, k, transfer.Format(*format), path, loc)
		if err != nil {
			return fmt.Errorf("export %s: %w", k, err)
		}
		fmt.Fprintf(e.stdout, "%s: %d %s\n", path, n, k)
	}
	return nil
}

func exportKind(ctx context.Context, db store.Exporter, s store.Scope, k store.ImportKind, format transfer.Format, path string, loc *time.Location) (int, error) {
	file, err := os.Create(path)
	if err != nil {
		return 0, err
	}
	w, err := transfer.NewWriter(file, k, format, loc)
	if err != nil {
		file.Close()
		return 0, err
	}
	n := 0
	err = db.Export(ctx, s, k, func(r store.ImportRow) error {
		n++
		return w.Write(r)
	})
	return n, errors.Join(err, w.Close(), file.Close())
}
