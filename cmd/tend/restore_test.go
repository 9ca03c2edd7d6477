package main

import (
	"database/sql"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/tend-crm/tend/bot/telegram/telegramtest"
)

// dump reads every table of a Tend file: its rows, each as one string,
// in rowid order (or key order for tables without one).
func dump(t *testing.T, path string) map[string][]string {
	t.Helper()
	db := openRO(t, path)
	names, err := db.Query(`SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`)
	if err != nil {
		t.Fatal(err)
	}
	var tables []string
	for names.Next() {
		var n string
		names.Scan(&n)
		tables = append(tables, n)
	}
	names.Close()
	out := map[string][]string{}
	for _, table := range tables {
		rows, err := db.Query(fmt.Sprintf("SELECT * FROM %q ORDER BY 1", table))
		if err != nil {
			t.Fatal(err)
		}
		cols, _ := rows.Columns()
		out[table] = []string{} // an empty table is still a table
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			out[table] = append(out[table], fmt.Sprintf("%v", vals))
		}
		rows.Close()
	}
	return out
}

// TestBackupWhileServingAndRestore takes a backup while serve handles a
// stream of messages, restores it into a new path and compares the two
// files table by table; and checks what restore refuses.
func TestBackupWhileServingAndRestore(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "tend.db")
	tg := telegramtest.New()
	defer tg.Close()
	for i := range 50 {
		tg.QueueMessage(telegramtest.User{ID: int64(1 + i%3), FirstName: "Rep", Lang: "en"}, fmt.Sprintf("called Before %d, follow up tomorrow", i))
	}
	s := startServe(t, telegramEnv(tg), db)
	waitFor(t, tg, "the first messages stored", func() bool { return tg.Pending() == 0 })
	confirmed := tg.Confirmed()
	for i := range 200 { // still coming in while the backup runs
		tg.QueueMessage(telegramtest.User{ID: int64(1 + i%3), FirstName: "Rep", Lang: "en"}, fmt.Sprintf("called During %d, follow up tomorrow", i))
	}
	backup := filepath.Join(dir, "backup.db")
	if out, err := tend(t, "", "backup", "--db", db, backup); err != nil {
		t.Fatalf("backup: %v %s", err, out)
	}

	// Not over the database in use, even with --force.
	if _, err := tend(t, "", "restore", "--db", db, "--force", backup); err == nil || !strings.Contains(err.Error(), "in use") {
		t.Errorf("restore over the served database: %v", err)
	}
	if err := s.shutdown(t); err != nil {
		t.Fatalf("serve: %v\n%s", err, s.stderr)
	}

	restored := filepath.Join(dir, "restored", "tend.db")
	os.Mkdir(filepath.Dir(restored), 0o755)
	if out, err := tend(t, "", "restore", backup, "--db", restored); err != nil || !strings.Contains(out, "restored") {
		t.Fatalf("restore: %v %q", err, out)
	}
	want, got := dump(t, backup), dump(t, restored)
	if !reflect.DeepEqual(want, got) {
		for table := range want {
			if len(want[table]) != len(got[table]) {
				t.Errorf("%s: %d rows in the backup, %d restored", table, len(want[table]), len(got[table]))
			} else if !reflect.DeepEqual(want[table], got[table]) {
				t.Errorf("%s: contents differ", table)
			}
		}
		t.Fatalf("restored file differs from the backup")
	}
	// The backup holds everything confirmed before it began.
	stored := storedByUpdate(t, restored)
	for id := 100; id < confirmed; id++ {
		if stored[id] != 1 {
			t.Errorf("update %d, confirmed before the backup, stored %d times in the restored file", id, stored[id])
		}
	}
	if len(got["interactions"]) < 50 || len(got["customers"]) != len(got["interactions"]) {
		t.Errorf("restored %d interactions, %d customers", len(got["interactions"]), len(got["customers"]))
	}
	// The restored file serves: the chat sees a customer from before.
	out, err := tend(t, "show Before 7\n", "chat", "--db", restored, "--as", "ann")
	if err != nil || !strings.Contains(out, "Before 7") {
		t.Errorf("chat on the restored file: %v\n%s", err, out)
	}
}

func TestRestoreRefuses(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good.db")
	if _, err := tend(t, "called Acme Corp\n", "chat", "--db", good); err != nil {
		t.Fatal(err)
	}
	newer := filepath.Join(dir, "newer.db")
	if _, err := tend(t, "", "backup", "--db", good, newer); err != nil {
		t.Fatal(err)
	}
	sqliteExec(t, newer, `INSERT INTO migrations (name, applied_at) VALUES ('9999_future.sql', 0)`)
	junk := filepath.Join(dir, "junk.db")
	os.WriteFile(junk, []byte(strings.Repeat("not a database\n", 500)), 0o600)
	empty := filepath.Join(dir, "empty.db")
	os.WriteFile(empty, nil, 0o600)
	foreign := filepath.Join(dir, "foreign.db")
	sqliteExec(t, foreign, "CREATE TABLE t (x)")
	existing := filepath.Join(dir, "existing.db")
	if _, err := tend(t, "called Globex\n", "chat", "--db", existing); err != nil {
		t.Fatal(err)
	}
	before := dump(t, existing)

	for _, tc := range []struct {
		name    string
		args    []string
		wantErr string // empty: succeeds
	}{
		{"over an existing file", []string{good, "--db", existing}, "--force"},
		{"a newer schema", []string{newer, "--db", existing, "--force"}, "newer version of Tend"},
		{"not a database", []string{junk, "--db", existing, "--force"}, "not a Tend database"},
		{"an empty file", []string{empty, "--db", existing, "--force"}, "not a Tend database"},
		{"another program's database", []string{foreign, "--db", existing, "--force"}, "not a Tend database"},
		{"a directory", []string{dir, "--db", existing, "--force"}, "not a file"},
		{"a missing backup", []string{filepath.Join(dir, "nope.db"), "--db", existing, "--force"}, "no backup at"},
		{"the database itself", []string{existing, "--db", existing, "--force"}, "the database itself"},
		{"no backup named", []string{"--db", existing}, "bad arguments"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := tend(t, "", append([]string{"restore"}, tc.args...)...)
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("err %v, want one saying %q", err, tc.wantErr)
			}
			if after := dump(t, existing); !reflect.DeepEqual(before, after) {
				t.Errorf("a refused restore changed the database")
			}
			if left, _ := filepath.Glob(filepath.Join(dir, "*.restoring*")); len(left) > 0 {
				t.Errorf("left behind: %v", left)
			}
		})
	}
	// With --force it replaces the file.
	if _, err := tend(t, "", "restore", good, "--db", existing, "--force"); err != nil {
		t.Fatal(err)
	}
	if out, _ := tend(t, "show Acme Corp\n", "chat", "--db", existing); !strings.Contains(out, "Acme Corp") || strings.Contains(out, "Globex") {
		t.Errorf("after restore --force:\n%s", out)
	}
}

// sqliteExec runs stmt on the SQLite file at path, creating it if needed,
// as another program would.
func sqliteExec(t *testing.T, path, stmt string) {
	t.Helper()
	w, err := sql.Open("sqlite3", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	if _, err := w.Exec(stmt); err != nil {
		t.Fatal(err)
	}
}

// TestCommandsRefuseAWrongBook: a mistyped path is not a new empty book
// for the commands that read or copy one (a nightly backup of nothing
// would "succeed" for ever), and no command writes Tend's tables into
// another program's database or runs on a newer Tend's.
func TestCommandsRefuseAWrongBook(t *testing.T) {
	dir := t.TempDir()
	missing := filepath.Join(dir, "typo.db")
	for _, args := range [][]string{
		{"backup", "--db", missing, filepath.Join(dir, "copy.db")},
		{"user", "list", "--db", missing},
		{"user", "remove", "2", "--to", "1", "--db", missing},
		{"audit", "--db", missing},
		{"export", "--db", missing, "--out", filepath.Join(dir, "out")},
		{"migrate-data", "--from", missing, "--to", "postgres://nobody@127.0.0.1:1/none"},
	} {
		_, err := tend(t, "", args...)
		if err == nil || !strings.Contains(err.Error(), "no database at") && !strings.Contains(err.Error(), "no such file") {
			t.Errorf("%v: err %v, want one saying the file is missing", args, err)
		}
		if left, _ := filepath.Glob(filepath.Join(dir, "*")); len(left) > 0 {
			t.Fatalf("%v left %v", args, left)
		}
	}

	foreign := filepath.Join(dir, "foreign.db")
	sqliteExec(t, foreign, "CREATE TABLE t (x)")
	newer := filepath.Join(dir, "newer.db")
	if _, err := tend(t, "called Acme\n", "chat", "--db", newer); err != nil {
		t.Fatal(err)
	}
	sqliteExec(t, newer, `INSERT INTO migrations (name, applied_at) VALUES ('9999_future.sql', 0)`)
	for _, tc := range []struct {
		args    []string
		wantErr string
	}{
		{[]string{"chat", "--db", foreign}, "not a Tend database: it holds another program's tables"},
		{[]string{"migrate", "--db", foreign}, "not a Tend database"},
		{[]string{"migrate", "--db", newer}, "made by a newer version of Tend (its migration 9999_future.sql is unknown"},
		{[]string{"chat", "--db", newer}, "newer version of Tend"},
		{[]string{"backup", "--db", newer, filepath.Join(dir, "copy.db")}, "newer version of Tend"},
	} {
		if _, err := tend(t, "", tc.args...); err == nil || !strings.Contains(err.Error(), tc.wantErr) {
			t.Errorf("%v: err %v, want one saying %q", tc.args, err, tc.wantErr)
		}
	}
	if tables := slices.Collect(maps.Keys(dump(t, foreign))); !slices.Equal(tables, []string{"t"}) {
		t.Errorf("the foreign file's tables are now %q", tables)
	}
}
