package sqlite_test

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tend-crm/tend/store"
	"github.com/tend-crm/tend/store/sqlite"
	"github.com/tend-crm/tend/store/storetest"
	"github.com/tend-crm/tend/store/transfer"
)

func TestImport(t *testing.T) {
	storetest.RunImport(t, func(t *testing.T) storetest.Harness {
		db := openTestDB(t)
		return storetest.Harness{Store: db, SetNow: func(now time.Time) { db.Now = func() time.Time { return now } }}
	})
}

// importFile reads in with transfer and imports it; kind empty means as
// the header tells.
func importFile(tb testing.TB, db *sqlite.DB, s store.Scope, in io.Reader, topts transfer.Options, opts store.ImportOptions) (store.ImportResult, error) {
	tb.Helper()
	topts.Kind = opts.Kind
	rd, err := transfer.NewReader(in, topts)
	if err != nil {
		return store.ImportResult{}, err
	}
	opts.Kind = rd.Kind
	return db.Import(tb.Context(), s, opts, rd.Rows())
}

func count(tb testing.TB, db *sqlite.DB, table string) int {
	tb.Helper()
	_, read := db.Pools()
	var n int
	if err := read.QueryRow("SELECT COUNT(*) FROM " + table).Scan(&n); err != nil {
		tb.Fatal(err)
	}
	return n
}

// A 100 MB file whose last line never ends: the import stops at the
// line limit, without reading the file into memory, and stores nothing.
func TestImportHugeFile(t *testing.T) {
	if testing.Short() {
		t.Skip("writes a 100 MB file")
	}
	db := openTestDB(t)
	admin := mustUser(t, db, "Ann", store.RoleAdmin)
	path := filepath.Join(t.TempDir(), "huge.csv")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprint(f, "name,phone\n")
	for i := range 1000 {
		fmt.Fprintf(f, "Customer %d,%d\n", i, i)
	}
	if _, err := io.Copy(f, io.LimitReader(zeros{}, 100<<20)); err != nil {
		t.Fatal(err)
	}
	f.Close()
	in, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	_, err = importFile(t, db, admin, in, transfer.Options{}, store.ImportOptions{Kind: store.ImportCustomers})
	if !errors.Is(err, transfer.ErrLineTooLong) || !strings.Contains(err.Error(), "after line 1001") {
		t.Errorf("import = %v, want ErrLineTooLong after line 1001", err)
	}
	if n := count(t, db, "customers"); n != 0 {
		t.Errorf("%d customers stored", n)
	}
}

type zeros struct{}

func (zeros) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = '0'
	}
	return len(p), nil
}

func TestImportDataset(t *testing.T) {
	db := openTestDB(t)
	admin := mustUser(t, db, "Ann", store.RoleAdmin)
	dir := filepath.Join("..", "..", "testdata", "crm-sales-opportunities")
	open := func(name string) io.Reader {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		return bytes.NewReader(b)
	}
	rd, err := transfer.NewReader(open("products.csv"), transfer.Options{})
	if err != nil || rd.Kind != transfer.Products {
		t.Fatalf("products.csv: %v %v", rd, err)
	}
	prices, err := rd.Prices()
	if err != nil || len(prices) != 7 {
		t.Fatalf("prices = %v, %v", prices, err)
	}
	topts := transfer.Options{Prices: prices}
	want := []struct {
		file                      string
		kind                      store.ImportKind
		created, skipped, problem int
	}{
		{"sales_teams.csv", store.ImportUsers, 35, 0, 6}, // six managers named, made
		{"accounts.csv", store.ImportCustomers, 85, 0, 0},
		{"sales_pipeline.csv", store.ImportDeals, 7375, 1425, 1425}, // no account
	}
	var dealsChange store.ChangeID
	for _, w := range want {
		res, err := importFile(t, db, admin, open(w.file), topts, store.ImportOptions{})
		if err != nil {
			t.Fatalf("%s: %v", w.file, err)
		}
		if !res.Committed || res.Created != w.created || res.Skipped != w.skipped || res.Failed != 0 || len(res.Problems) != w.problem {
			t.Errorf("%s: %d created, %d skipped, %d failed, %d problems; want %d, %d, 0, %d", w.file,
				res.Created, res.Skipped, res.Failed, len(res.Problems), w.created, w.skipped, w.problem)
		}
		dealsChange = res.Change
	}

	users, _ := db.ListUsers(t.Context())
	byName := map[string]store.User{}
	roles := map[store.Role]int{}
	for _, u := range users {
		byName[u.Name] = u
		roles[u.Role]++
	}
	if roles[store.RoleManager] != 6 || roles[store.RoleRep] != 35 {
		t.Errorf("roles = %v, want 6 managers and 35 reps", roles)
	}
	if anna, dustin := byName["Anna Snelling"], byName["Dustin Brinkmann"]; anna.ManagerID != dustin.ID || dustin.Role != store.RoleManager {
		t.Errorf("Anna Snelling's manager = %d, want Dustin Brinkmann (%d)", anna.ManagerID, dustin.ID)
	}

	// Opportunity 1C1I7A6R: Moses Frase won GTX Plus Basic at Cancity for 1,054.
	moses := store.Scope{UserID: byName["Moses Frase"].ID, Role: store.RoleRep}
	cs, err := db.FindCustomers(t.Context(), admin, "Cancity", 1)
	if err != nil || len(cs) != 1 || strings.Join(cs[0].Tags, ",") != "retail" {
		t.Fatalf("Cancity = %+v, %v", cs, err)
	}
	deals, err := db.Deals(t.Context(), admin, store.DealFilter{Customer: cs[0].ID, Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	stages := map[string]int{}
	var found bool
	for _, d := range deals {
		stages[d.Stage]++
		if d.Title == "GTX Plus Basic" && d.Value == 105400 && d.Stage == "won" && d.OwnerID == moses.UserID &&
			d.ExpectedClose.Format("2006-01-02") == "2017-03-01" && d.CreatedAt.Format("2006-01-02") == "2016-10-20" {
			found = true
		}
	}
	if !found {
		t.Errorf("opportunity 1C1I7A6R not among Cancity's deals")
	}
	open2 := 0
	for _, d := range deals {
		if d.Open() {
			open2++
			if d.Value == 0 {
				t.Errorf("open deal %+v has no value (the product's price)", d)
			}
		}
	}
	if open2 == 0 || stages["won"] == 0 || stages["lost"] == 0 {
		t.Errorf("Cancity's stages = %v", stages)
	}
	if n := count(t, db, "deals WHERE stage = 'proposal'"); n != 501 {
		t.Errorf("%d deals in proposal (Engaging with an account), want 501", n)
	}
	// GTXPro in the pipeline is GTX Pro of the price list.
	if n := count(t, db, "deals WHERE title = 'GTXPro'"); n != 0 {
		t.Errorf("%d deals titled GTXPro", n)
	}

	// The same files again change nothing.
	for _, w := range want {
		res, err := importFile(t, db, admin, open(w.file), topts, store.ImportOptions{})
		if err != nil || res.Committed || res.Created+res.Updated+res.Failed != 0 {
			t.Errorf("re-import %s = %+v, %v", w.file, res, err)
		}
	}
	// Undo takes the deals out again.
	if _, err := db.Undo(t.Context(), admin, store.Origin{}, dealsChange); err != nil {
		t.Fatal(err)
	}
	if n := count(t, db, "deals"); n != 0 {
		t.Errorf("%d deals after undoing the import", n)
	}
}

// BenchmarkImport measures rows imported per second from a generated
// 100,000-line customers file into a fresh database.
func BenchmarkImport(b *testing.B) {
	const rows = 100_000
	var file bytes.Buffer
	file.WriteString("Mã KH,Tên khách hàng,Số điện thoại,Email,Giai đoạn,Ngành\n")
	for i := range rows {
		fmt.Fprintf(&file, "KH%06d,Công ty Số %d,09%08d,kh%d@example.vn,khách hàng,bán lẻ\n", i, i, i, i)
	}
	b.ResetTimer()
	for b.Loop() {
		b.StopTimer()
		db := openAt(b, filepath.Join(b.TempDir(), "tend.db"), sqlite.Options{})
		admin := mustUser(b, db, "Ann", store.RoleAdmin)
		b.StartTimer()
		res, err := importFile(b, db, admin, bytes.NewReader(file.Bytes()), transfer.Options{}, store.ImportOptions{})
		if err != nil || res.Created != rows {
			b.Fatalf("import = %+v, %v", res, err)
		}
	}
	b.ReportMetric(float64(rows*b.N)/b.Elapsed().Seconds(), "rows/s")
}
