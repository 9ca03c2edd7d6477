package sqlite

import (
	"context"
	"errors"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/tend-crm/tend/store"
	"github.com/tend-crm/tend/store/internal/sqlstore"
)

// TestGroupCommit runs one batch of writes, as commitLoop does when they
// queue up behind a commit, and checks that each is all or nothing on its
// own: the failures roll back alone and the others commit together.
func TestGroupCommit(t *testing.T) {
	db, err := Open(t.Context(), filepath.Join(t.TempDir(), "tend.db"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.write.ExecContext(t.Context(), "CREATE TABLE t (v TEXT UNIQUE)"); err != nil {
		t.Fatal(err)
	}
	insert := func(vs ...string) func(context.Context, sqlstore.Tx) error {
		return func(ctx context.Context, tx sqlstore.Tx) error {
			for _, v := range vs {
				if _, err := tx.ExecContext(ctx, "INSERT INTO t (v) VALUES (?)", v); err != nil {
					return err
				}
			}
			return nil
		}
	}
	errNo := errors.New("changed its mind")
	cancelled, cancel := context.WithCancel(t.Context())
	cancel()
	tests := []struct {
		name string
		ctx  context.Context
		fn   func(context.Context, sqlstore.Tx) error
		want error
	}{
		{"commits", t.Context(), insert("a"), nil},
		{"fails after writing", t.Context(), func(ctx context.Context, tx sqlstore.Tx) error {
			insert("b")(ctx, tx)
			return errNo
		}, errNo},
		{"conflicts with an earlier write of the batch", t.Context(), insert("x", "a"), store.ErrConflict},
		{"caller gave up before it ran", cancelled, insert("y"), context.Canceled},
		{"panics after writing", t.Context(), func(ctx context.Context, tx sqlstore.Tx) error {
			insert("z")(ctx, tx)
			panic("bug")
		}, errPanic},
		{"commits too", t.Context(), insert("c"), nil},
	}
	var batch []*txRequest
	for _, tt := range tests {
		batch = append(batch, &txRequest{ctx: tt.ctx, fn: tt.fn, done: make(chan error, 1)})
	}
	db.commit(batch)
	for i, tt := range tests {
		got := <-batch[i].done
		if tt.want == nil && got != nil || tt.want != nil && !errors.Is(got, tt.want) {
			t.Errorf("%s: %v, want %v", tt.name, got, tt.want)
		}
	}
	var stored []string
	rows, err := db.read.QueryContext(t.Context(), "SELECT v FROM t ORDER BY v")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var v string
		rows.Scan(&v)
		stored = append(stored, v)
	}
	if want := []string{"a", "c"}; !slices.Equal(stored, want) {
		t.Errorf("stored %q, want %q: only the writes that succeeded, whole", stored, want)
	}
}

// TestBrokenBatch: a write that ends the transaction under the batch fails
// the whole batch, and the connection goes on to the next batch outside
// any transaction.
func TestBrokenBatch(t *testing.T) {
	db, err := Open(t.Context(), filepath.Join(t.TempDir(), "tend.db"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.write.ExecContext(t.Context(), "CREATE TABLE t (v TEXT)"); err != nil {
		t.Fatal(err)
	}
	insert := func(v string) func(context.Context, sqlstore.Tx) error {
		return func(ctx context.Context, tx sqlstore.Tx) error {
			_, err := tx.ExecContext(ctx, "INSERT INTO t (v) VALUES (?)", v)
			return err
		}
	}
	run := func(fns ...func(context.Context, sqlstore.Tx) error) []error {
		var batch []*txRequest
		for _, fn := range fns {
			batch = append(batch, &txRequest{ctx: t.Context(), fn: fn, done: make(chan error, 1)})
		}
		db.commit(batch)
		errs := make([]error, len(batch))
		for i, r := range batch {
			errs[i] = <-r.done
		}
		return errs
	}
	errs := run(insert("before"), func(ctx context.Context, tx sqlstore.Tx) error {
		_, err := tx.ExecContext(ctx, "ROLLBACK; BEGIN")
		return err
	}, insert("after"))
	for i, err := range errs {
		if err == nil {
			t.Errorf("write %d of the broken batch: no error", i)
		}
	}
	if errs := run(insert("next")); errs[0] != nil {
		t.Fatalf("the next batch: %v", errs[0])
	}
	var stored string
	if err := db.read.QueryRowContext(t.Context(), "SELECT group_concat(v) FROM t").Scan(&stored); err != nil {
		t.Fatal(err)
	}
	if stored != "next" {
		t.Errorf("stored %q, want only the next batch's write", stored)
	}
}

// TestWriteAfterClose: a write that comes after Close fails plainly
// rather than hanging or panicking.
func TestWriteAfterClose(t *testing.T) {
	db, err := Open(t.Context(), filepath.Join(t.TempDir(), "tend.db"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	err = db.tx(t.Context(), func(context.Context, sqlstore.Tx) error { return nil })
	if !errors.Is(err, errClosed) {
		t.Errorf("write after Close: %v, want errClosed", err)
	}
}

// TestOpenBesideBusyWriter: a second process opening an up-to-date file
// (another replica, `tend backup`) does not wait for the write lock, which
// a busy server may hold for longer than any timeout.
func TestOpenBesideBusyWriter(t *testing.T) {
	path := filepath.Join(t.TempDir(), "tend.db")
	db, err := Open(t.Context(), path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	conn, err := db.write.Conn(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(t.Context(), "BEGIN IMMEDIATE"); err != nil {
		t.Fatal(err)
	}
	defer conn.ExecContext(t.Context(), "ROLLBACK")
	other, err := Open(t.Context(), path, Options{BusyTimeout: 50 * time.Millisecond})
	if err != nil {
		t.Fatalf("open beside a writer holding the lock: %v", err)
	}
	if _, err := other.UserByIdentity(t.Context(), store.Identity{Platform: "console", ExternalID: "nobody"}); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("a read beside the writer: %v, want ErrNotFound", err)
	}
	other.Close()
}
