package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/mattn/go-sqlite3"

	"github.com/tend-crm/tend/store"
	"github.com/tend-crm/tend/store/sqlite"
)

// errInUse: restore found a Tend process using the database.
var errInUse = errors.New("the database is in use by a running tend; stop it first")

func runRestore(ctx context.Context, e env, args []string) error {
	f := newFlags(e, "restore", "BACKUP").withDB()
	force := f.Bool("force", false, "replace an existing database")
	words, err := f.parseInterleaved(args)
	if err != nil {
		return err
	}
	if len(words) != 1 {
		f.Usage()
		return errUsage
	}
	backup := words[0]
	cfg, err := loadConfig(e, f)
	if err != nil {
		return err
	}
	if cfg.Store.Driver != driverSQLite {
		return errors.New("restore works on the sqlite driver only (use PostgreSQL's own tools for a postgres store)")
	}
	target := cfg.Store.Path
	if err := restore(ctx, backup, target, *force); err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	fmt.Fprintf(e.stdout, "restored %s from %s\n", target, backup)
	return nil
}

// restore replaces the database at target with a copy of backup. It
// refuses when target exists (unless force) or a Tend process has it open,
// and when backup is not a Tend database this version knows (checkBackup).
// The copy is checked, and brought to the current schema, beside target
// before it replaces target in one rename, so a failure leaves target as
// it was.
func restore(ctx context.Context, backup, target string, force bool) error {
	if fi, err := os.Stat(backup); errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("no backup at %s", backup)
	} else if err != nil {
		return err
	} else if !fi.Mode().IsRegular() {
		return fmt.Errorf("%s is not a file", backup)
	}
	if abs(backup) == abs(target) {
		return errors.New("the backup is the database itself")
	}
	release, err := lockUnused(target)
	if err != nil {
		return err
	}
	defer release()
	if _, err := os.Stat(target); err == nil && !force {
		return fmt.Errorf("%s exists; add --force to replace it", target)
	}

	tmp := target + ".restoring"
	removeDB(tmp)
	defer removeDB(tmp) // nothing left when it was renamed
	if err := copyFile(backup, tmp); err != nil {
		return err
	}
	if err := checkBackup(ctx, tmp); err != nil {
		return fmt.Errorf("%s: %w", backup, err)
	}
	removeDB(target) // its -wal and -shm belong to the old file
	if err := os.Rename(tmp, target); err != nil {
		return err
	}
	return nil
}

// checkBackup opens the database at path with Tend's checks (it must hold
// Tend's schema, and no migration this binary lacks), which migrates it to
// the current schema. The messages name no file: path is a copy.
func checkBackup(ctx context.Context, path string) error {
	db, err := sqlite.Open(ctx, path, sqlite.Options{Existing: true})
	var se sqlite3.Error
	switch {
	case errors.Is(err, store.ErrNewerSchema):
		return errors.New("made by a newer version of Tend: restore it with that version")
	case errors.Is(err, store.ErrNotTend), errors.As(err, &se) && se.Code == sqlite3.ErrNotADB:
		return errors.New("not a Tend database")
	case err != nil:
		return fmt.Errorf("cannot be read: %w", err)
	}
	defer db.Close()
	if err := db.Ping(ctx); err != nil {
		return fmt.Errorf("cannot be read: %w", err)
	}
	return db.Close()
}

func copyFile(from, to string) error {
	src, err := os.Open(from)
	if err != nil {
		return err
	}
	defer src.Close()
	dst, err := os.OpenFile(to, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	if _, err := io.Copy(dst, src); err != nil {
		dst.Close()
		return err
	}
	if err := dst.Sync(); err != nil {
		dst.Close()
		return err
	}
	return dst.Close()
}

// removeDB removes a database file and its companions.
func removeDB(path string) {
	for _, p := range []string{path, path + "-wal", path + "-shm", path + "-journal"} {
		os.Remove(p)
	}
}

func abs(p string) string {
	a, err := filepath.Abs(p)
	if err != nil {
		return p
	}
	return a
}
