package sqlite

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

// TestCheckpointInBackground: what a commit appends to the WAL reaches the
// database file without another write, well before the writer's own
// threshold would copy it.
func TestCheckpointInBackground(t *testing.T) {
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "tend.db")
	db, err := Open(ctx, path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	size := func() int64 {
		fi, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		return fi.Size()
	}
	before := size()
	const blob = 1 << 20 // far below autoCheckpointPages
	for _, q := range []string{"CREATE TABLE scratch (b BLOB)", "INSERT INTO scratch VALUES (zeroblob(1048576))"} {
		if _, err := db.write.ExecContext(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	for deadline := time.Now().Add(10 * time.Second); size() < before+blob; {
		if time.Now().After(deadline) {
			t.Fatalf("the database file is still %d bytes 10 s after a commit of %d: the WAL was not checkpointed", size(), blob)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
