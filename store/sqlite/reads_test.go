package sqlite

import (
	"context"
	"errors"
	"path/filepath"
	"testing"

	"github.com/tend-crm/tend/store/internal/sqlstore"
)

// BenchmarkQueryContext compares a one-row read given a cancellable
// context straight to database/sql with the same through uncancelled.
func BenchmarkQueryContext(b *testing.B) {
	db, err := Open(b.Context(), filepath.Join(b.TempDir(), "tend.db"), Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	ctx, cancel := context.WithCancel(b.Context())
	defer cancel()
	for name, q := range map[string]sqlstore.Querier{"database-sql": db.readPool, "uncancelled": db.read} {
		b.Run(name, func(b *testing.B) {
			for b.Loop() {
				var n int
				if err := q.QueryRowContext(ctx, "SELECT COUNT(*) FROM users WHERE id = ?", 1).Scan(&n); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// TestSnapshot checks that a snapshot's queries see one state of the book
// while writes go on, that its connection goes back to the pool out of
// its transaction, and that a cancelled caller stops it.
func TestSnapshot(t *testing.T) {
	ctx := t.Context()
	db, err := Open(ctx, filepath.Join(t.TempDir(), "tend.db"), Options{ReadConns: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.write.ExecContext(ctx, "CREATE TABLE t (v INTEGER)"); err != nil {
		t.Fatal(err)
	}
	insert := func() {
		t.Helper()
		if err := db.tx(ctx, func(ctx context.Context, tx sqlstore.Tx) error {
			_, err := tx.ExecContext(ctx, "INSERT INTO t (v) VALUES (1)")
			return err
		}); err != nil {
			t.Fatal(err)
		}
	}
	count := func(q sqlstore.Querier) int {
		t.Helper()
		var n int
		if err := q.QueryRowContext(ctx, "SELECT COUNT(*) FROM t").Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	insert()
	var before, after int
	if err := db.snapshot(ctx, func(q sqlstore.Querier) error {
		before = count(q)
		insert()
		after = count(q)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if before != 1 || after != 1 {
		t.Errorf("inside the snapshot: %d rows, then %d after a write; want 1 both times", before, after)
	}
	// The pool's only connection: still in a transaction, it would not
	// see the second row.
	if n := count(db.read); n != 2 {
		t.Errorf("after the snapshot: %d rows, want 2", n)
	}

	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	ran := false
	err = db.snapshot(cancelled, func(sqlstore.Querier) error { ran = true; return nil })
	if !errors.Is(err, context.Canceled) || ran {
		t.Errorf("snapshot for a cancelled caller: %v, ran %v; want context.Canceled, not run", err, ran)
	}
	live, stop := context.WithCancel(ctx)
	err = db.snapshot(live, func(q sqlstore.Querier) error {
		stop()
		_, err := q.QueryContext(live, "SELECT v FROM t")
		return err
	})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("query after the caller gave up: %v, want context.Canceled", err)
	}
	if _, err := sqlstore.QueryAll(live, func(sc sqlstore.Scanner) (v int, err error) { return v, sc.Scan(&v) }, db.read, "SELECT v FROM t"); !errors.Is(err, context.Canceled) {
		t.Errorf("queryAll after the caller gave up: %v, want context.Canceled", err)
	}
}
