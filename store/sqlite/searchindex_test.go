package sqlite

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/tend-crm/tend/store"
	"github.com/tend-crm/tend/store/storegen"
)

// TestSearchIndexesPending: records written one by one wait to be
// indexed; the first search indexes them all, over several batches, each
// once. A bulk load indexes its own.
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
	if n, i, d := count(pending), count(indexed), count(docs); n != 0 || i != d {
		t.Fatalf("after a bulk load: %d documents pending, %d indexed for %d ranked; want none pending, all indexed", n, i, d)
	}
	// The calls, as if each had been logged since: pending, not indexed.
	for _, q := range []string{"DELETE FROM search_fts WHERE docid IN (SELECT id FROM search_docs WHERE id % 8 = 4)",
		"INSERT INTO search_pending (docid) SELECT id FROM search_docs WHERE id % 8 = 4"} {
		if _, err := db.write.ExecContext(ctx, q); err != nil {
			t.Fatal(err)
		}
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
