package sqlite

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/tend-crm/tend/store"
	"github.com/tend-crm/tend/store/storegen"
)

// TestSearchIndexesPending: records written in bulk wait to be indexed;
// the first search indexes them all, over several batches, each once.
func TestSearchIndexesPending(t *testing.T) {
	ctx := t.Context()
	db, err := Open(ctx, filepath.Join(t.TempDir(), "tend.db"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	now := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	err = db.Load(ctx, func(l *Loader) error {
		_, err := storegen.Generate(ctx, l, storegen.Size{Reps: 2, Customers: 200, Interactions: 3 * indexBatch, HeavyRep: 100, Seed: 1}, now)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	count := func(q string) int {
		var n int
		if err := db.read.QueryRowContext(ctx, q).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	const (
		pending = "SELECT COUNT(*) FROM search_pending"
		indexed = "SELECT COUNT(*) FROM search_fts"
		docs    = "SELECT COUNT(*) FROM search_docs"
	)
	if n := count(pending); n < 3*indexBatch {
		t.Fatalf("%d documents pending after loading %d interactions, want them all", n, 3*indexBatch)
	}
	admin := store.Scope{UserID: 1, Role: store.RoleAdmin}
	hits, err := db.Search(ctx, admin, store.SearchQuery{Text: "bảo hành", Limit: 5})
	if err != nil {
		t.Fatal(err)
	}
	if len(hits) == 0 {
		t.Error("no hit for a summary the generator writes")
	}
	if n := count(pending); n != 0 {
		t.Errorf("%d documents still pending after a search", n)
	}
	if i, d := count(indexed), count(docs); i != d {
		t.Errorf("%d documents indexed for %d ranked: want each once", i, d)
	}
}
