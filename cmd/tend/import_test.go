package main

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestImportDatasetAndExport(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "tend.db")
	report := filepath.Join(dir, "report.csv")
	data := filepath.Join("..", "..", "testdata", "crm-sales-opportunities")

	out, err := tend(t, "", "import", "--db", db, "--dry-run", data)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"data_dictionary.csv: left alone", "price list of 7 products", "would be 35 created",
		`line 2: id "1C1I7A6R", deal "GTX Plus Basic", customer "Cancity", value "1054 USD", stage "won"`, "dry run: nothing changed"} {
		if !strings.Contains(out, want) {
			t.Errorf("dry run: missing %q in:\n%s", want, out)
		}
	}
	// Each file is tried on what those before it add, as the import will
	// store them: the deals' agents and accounts are known by then.
	for _, wrong := range []string{"no user called", "new customer"} {
		if strings.Contains(out, wrong) {
			t.Errorf("dry run: %q in:\n%s", wrong, out)
		}
	}
	if left, _ := filepath.Glob(filepath.Join(dir, ".tend-dry-run-*")); len(left) > 0 {
		t.Errorf("the dry run left %v", left)
	}
	out, err = tend(t, "", "export", "--db", db, "--out", filepath.Join(dir, "empty"), "--kind", "deals")
	if err != nil || !strings.Contains(out, "0 deals") {
		t.Errorf("after a dry run, export = %q, %v; want no deals", out, err)
	}

	out, err = tend(t, "", "import", "--db", db, "--report", report, data)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"35 created", "85 created", "7375 created, 0 updated, 1425 skipped, 0 failed",
		"skipped: no customer (account) (1425 lines)", "stored as one change"} {
		if !strings.Contains(out, want) {
			t.Errorf("import: missing %q in:\n%s", want, out)
		}
	}
	lines := readCSV(t, report)
	if len(lines) != 1+6+1425 || lines[0][0] != "file" {
		t.Errorf("report has %d lines, want a header, 6 new managers and 1425 deals without an account", len(lines))
	}
	out, err = tend(t, "", "import", "--db", db, data)
	if err != nil || strings.Contains(out, "stored as one change") || strings.Count(out, "nothing to change") != 3 {
		t.Errorf("re-import = %v:\n%s", err, out)
	}

	exp := filepath.Join(dir, "export")
	if out, err = tend(t, "", "export", "--db", db, "--out", exp); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, "7375 deals") || !strings.Contains(out, "85 customers") {
		t.Errorf("export:\n%s", out)
	}
	b, err := os.ReadFile(filepath.Join(exp, "deals.csv"))
	if err != nil || !bytes.HasPrefix(b, []byte("\uFEFF")) {
		t.Fatalf("deals.csv: %v, BOM %v", err, bytes.HasPrefix(b, []byte("\uFEFF")))
	}
	if _, err = tend(t, "", "export", "--db", db, "--out", exp, "--format", "json", "--kind", "users"); err != nil {
		t.Fatal(err)
	}
	var users []map[string]string
	if b, err := os.ReadFile(filepath.Join(exp, "users.json")); err != nil || json.Unmarshal(b, &users) != nil || len(users) != 42 {
		t.Errorf("users.json: %d users, %v", len(users), err)
	}

	// The export imports into a new file as it is.
	out, err = tend(t, "", "import", "--db", filepath.Join(dir, "copy.db"), exp)
	if err != nil || !strings.Contains(out, "7375 created, 0 updated, 0 skipped, 0 failed") {
		t.Errorf("import of the export = %v:\n%s", err, out)
	}
}

func TestImportBadFile(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "tend.db")
	file := filepath.Join(dir, "khach.csv")
	os.WriteFile(file, []byte("Tên khách hàng;Số điện thoại;Ngày\nMinh Phát;0903;01/02/2026\nAcme;1;31/02/2026\nBeta,2,3\n"), 0o644)
	out, err := tend(t, "", "import", "--db", db, file)
	if err == nil || !strings.Contains(err.Error(), "--partial") {
		t.Errorf("import of a bad file: err = %v", err)
	}
	for _, want := range []string{"customers (utf-8, delimiter ';')", "would be 2 created, 0 updated, 0 skipped, 1 failed",
		"line 4 failed: 1 fields where the header has 3 (is the delimiter ';'?)", "nothing stored"} {
		if !strings.Contains(out, want) {
			t.Errorf("missing %q in:\n%s", want, out)
		}
	}
	if out, err = tend(t, "", "import", "--db", db, "--partial", file); err != nil || !strings.Contains(out, "stored as one change") {
		t.Errorf("--partial = %v:\n%s", err, out)
	}
	if _, err := tend(t, "", "import", "--db", db, "--currency", "monopoly", file); err == nil || !strings.Contains(err.Error(), "three-letter code") {
		t.Errorf("--currency monopoly: %v", err)
	}
	deals := filepath.Join(dir, "deals.csv")
	os.WriteFile(deals, []byte("customer,title,value,currency\nAcme,Renewal,12000,MONOPOLY\n"), 0o644)
	if out, err := tend(t, "", "import", "--db", db, deals); err == nil || !strings.Contains(out, `currency "MONOPOLY" is not a three-letter code`) {
		t.Errorf("a deal in MONOPOLY: %v\n%s", err, out)
	}
	junk := filepath.Join(dir, "photo.csv")
	os.WriteFile(junk, []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), 0o644)
	if _, err := tend(t, "", "import", "--db", db, junk); err == nil || !strings.Contains(err.Error(), "not a text file") {
		t.Errorf("import of junk: %v", err)
	}
}

func readCSV(t *testing.T, path string) [][]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	lines, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return lines
}
