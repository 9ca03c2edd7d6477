package postgres_test

import (
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/tend-crm/tend/store"
	"github.com/tend-crm/tend/store/postgres"
	"github.com/tend-crm/tend/store/postgres/pgtest"
	"github.com/tend-crm/tend/store/storetest"
)

var t0 = storetest.T0

func openTestDB(tb testing.TB) *postgres.DB {
	tb.Helper()
	db, err := postgres.Open(tb.Context(), pgtest.DSN(tb), postgres.Options{MaxConns: 4})
	if err != nil {
		tb.Fatal(err)
	}
	db.Now = func() time.Time { return t0 }
	tb.Cleanup(func() { db.Close() })
	return db
}

// parallel marks the tests run in parallel: a test may open two stores.
var parallel sync.Map

func harness(t *testing.T) storetest.Harness {
	if _, ok := parallel.LoadOrStore(t, true); !ok {
		t.Parallel() // each store has its own schema
	}
	db := openTestDB(t)
	return storetest.Harness{Store: db, SetNow: func(now time.Time) { db.Now = func() time.Time { return now } }}
}

func TestStore(t *testing.T)  { storetest.Run(t, harness) }
func TestImport(t *testing.T) { storetest.RunImport(t, harness) }

// TestFold checks that the database folds text as store.Fold does, for
// every letter of the table store.Fold is built from.
func TestFold(t *testing.T) {
	db := openTestDB(t)
	var in []string
	for r := rune(0x20); r < 0x1F00; r++ {
		if r < 0xD800 || r > 0xDFFF {
			in = append(in, string(r))
		}
	}
	got, err := db.FoldAll(t.Context(), in)
	if err != nil {
		t.Fatal(err)
	}
	for i, s := range in {
		if want := store.Fold(s); got[i] != want {
			t.Errorf("tend_fold(%q U+%04X) = %q, store.Fold = %q", s, []rune(s)[0], got[i], want)
		}
	}
}

// TestOpenRefusesNewerSchema: a replica of an older version must not run
// on a schema a newer one has migrated.
func TestOpenRefusesNewerSchema(t *testing.T) {
	dsn := pgtest.DSN(t)
	db, err := postgres.Open(t.Context(), dsn, postgres.Options{})
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	pgtest.Exec(t, dsn, "INSERT INTO migrations (name, applied_at) VALUES ('9999_future.sql', 0)")
	if db, err := postgres.Open(t.Context(), dsn, postgres.Options{}); !errors.Is(err, store.ErrNewerSchema) {
		if err == nil {
			db.Close()
		}
		t.Fatalf("Open: %v, want ErrNewerSchema", err)
	}
}
