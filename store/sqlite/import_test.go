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
	"github.com/tend-crm/tend/store/transfer"
)

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

func mustImport(tb testing.TB, db *sqlite.DB, s store.Scope, text string, opts store.ImportOptions) store.ImportResult {
	tb.Helper()
	res, err := importFile(tb, db, s, strings.NewReader(text), transfer.Options{}, opts)
	if err != nil {
		tb.Fatalf("import: %v", err)
	}
	return res
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

func TestImportCustomersReimportIsNoop(t *testing.T) {
	db := openTestDB(t)
	admin := mustUser(t, db, "Ann", store.RoleAdmin)
	const file = "Tên khách hàng,Số điện thoại,Email,Người liên hệ,Giai đoạn\n" +
		"Công ty Minh Phát,0903 123 456,,chị Lan,khách hàng\n" +
		"Acme Corp,,sales@acme.test,Jane,\n" +
		"Minh Phát,0903 999 999,,,\n" + // same name, another phone: another customer
		"ACME corp.,,SALES@acme.test,,\n" // the same Acme, written otherwise
	res := mustImport(t, db, admin, file, store.ImportOptions{})
	if !res.Committed || res.Created != 3 || res.Skipped != 1 || res.Failed != 0 {
		t.Fatalf("first import = %+v, want 3 created and the second Acme a duplicate", res)
	}
	if p := res.Problems; len(p) == 0 || p[len(p)-1].Line != 5 || !strings.Contains(p[len(p)-1].Reason, "duplicate of line 3") {
		t.Errorf("problems = %+v, want line 5 a duplicate of line 3", p)
	}
	cs, err := db.FindCustomers(t.Context(), admin, "cong ty minh phat", 5)
	if err != nil || len(cs) != 1 || cs[0].Stage != store.StageCustomer || cs[0].Phone != "0903 123 456" {
		t.Fatalf("FindCustomers = %+v, %v", cs, err)
	}
	contacts, _ := db.Contacts(t.Context(), admin, cs[0].ID)
	if len(contacts) != 1 || contacts[0].Name != "chị Lan" {
		t.Errorf("contacts = %+v, want chị Lan", contacts)
	}
	changes, audits := count(t, db, "changes"), count(t, db, "audit")

	again := mustImport(t, db, admin, file, store.ImportOptions{})
	if again.Committed || again.Created+again.Updated+again.Failed != 0 || again.Skipped != 4 {
		t.Errorf("re-import = %+v, want every line skipped and nothing stored", again)
	}
	if count(t, db, "changes") != changes || count(t, db, "audit") != audits || count(t, db, "customers") != 3 {
		t.Error("re-importing the same file changed the database")
	}

	// A changed phone updates the customer it matches by email.
	upd := mustImport(t, db, admin, "Name,Email,Phone\nAcme Corp,sales@acme.test,028 1234\n", store.ImportOptions{})
	if upd.Updated != 1 || upd.Created != 0 {
		t.Errorf("update = %+v", upd)
	}
	// The import is one change; undo reverts it.
	if _, err := db.Undo(t.Context(), admin, store.Origin{}, upd.Change); err != nil {
		t.Fatal(err)
	}
	if cs, _ := db.FindCustomers(t.Context(), admin, "acme corp", 1); cs[0].Phone != "" {
		t.Errorf("after undo, phone = %q", cs[0].Phone)
	}
}

func TestImportAllOrNothing(t *testing.T) {
	db := openTestDB(t)
	admin := mustUser(t, db, "Ann", store.RoleAdmin)
	var good strings.Builder
	good.WriteString("name,phone,stage\n")
	for i := range 500 {
		fmt.Fprintf(&good, "Customer %d,09%08d,prospect\n", i, i)
	}
	tests := []struct {
		name, tail string
		kind       store.ImportKind
		want       string
	}{
		{"bad stage", "Bad,1,friendly\n", "", "unknown stage"},
		{"ragged row", "Bad,1,prospect,extra\n", "", "4 fields where the header has 3"},
		{"wrong delimiter", "Bad;1;prospect\n", "", "1 fields where the header has 3"},
		{"bad quote", "\"Bad,1,prospect\n", "", "unreadable line"},
		{"no name", ",1,prospect\n", "", "no customer name"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := mustImport(t, db, admin, good.String()+tt.tail, store.ImportOptions{})
			if res.Committed || res.Failed != 1 || res.Created != 500 {
				t.Errorf("result = %+v", res)
			}
			if p := res.Problems; len(p) != 1 || p[0].Outcome != "failed" || !strings.Contains(p[0].Reason, tt.want) {
				t.Errorf("problems = %+v, want %q", p, tt.want)
			}
			if n := count(t, db, "customers"); n != 0 {
				t.Errorf("%d customers stored from a file that failed", n)
			}
		})
	}
	t.Run("bad dates", func(t *testing.T) {
		res := mustImport(t, db, admin, "customer,date,kind,summary\nAcme,2026-03-01,call,ok\nAcme,31/02/2026,call,bad\n", store.ImportOptions{})
		if p := res.Problems; res.Committed || res.Failed != 1 || p[len(p)-1].Line != 3 || !strings.Contains(p[len(p)-1].Reason, "no such date") || count(t, db, "interactions") != 0 {
			t.Errorf("result = %+v", res)
		}
	})
	t.Run("binary junk", func(t *testing.T) {
		junk := bytes.Repeat([]byte{0x7f, 0x45, 0x4c, 0x46, 0x02, 0x01, 0x00, 0x00}, 1000)
		if _, err := importFile(t, db, admin, bytes.NewReader(junk), transfer.Options{}, store.ImportOptions{}); !errors.Is(err, transfer.ErrBinary) {
			t.Errorf("import of junk = %v, want ErrBinary", err)
		}
	})
	t.Run("partial", func(t *testing.T) {
		res := mustImport(t, db, admin, good.String()+"Bad,1,friendly\n", store.ImportOptions{Partial: true})
		if !res.Committed || res.Failed != 1 || res.Created != 500 || count(t, db, "customers") != 500 {
			t.Errorf("partial = %+v", res)
		}
	})
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

func TestExportImportRoundTrip(t *testing.T) {
	ctx := t.Context()
	db1 := openTestDB(t)
	admin := mustUser(t, db1, "Ann", store.RoleAdmin)
	rep := mustUser(t, db1, "Bình", store.RoleRep)
	if _, err := db1.UpdateUser(ctx, rep.UserID, store.UserUpdate{ManagerID: &admin.UserID}); err != nil {
		t.Fatal(err)
	}
	for i, a := range []store.Activity{
		{Customer: store.CustomerRef{Name: "Công ty Minh Phát"}, Contact: "chị Lan",
			Interaction: &store.Interaction{Kind: store.KindCall, At: t0.Add(-48 * time.Hour), Summary: "báo giá, \"gấp\""}},
		{Customer: store.CustomerRef{Name: "Acme Corp"}, Interaction: &store.Interaction{Kind: store.KindEmail, At: t0.Add(-time.Hour), Summary: "sent the, proposal\nline two"}},
	} {
		s := admin
		if i == 0 {
			s = rep
		}
		if _, err := db1.Record(ctx, s, store.Origin{}, a); err != nil {
			t.Fatal(err)
		}
	}
	mustImport(t, db1, admin, "id,customer,title,value,currency,stage,expected close,owner\n"+
		"D-1,Acme Corp,Servers,\"12,500.50\",USD,negotiation,2026-04-30,Bình\n"+
		"D-2,Công ty Minh Phát,Phần mềm,150 triệu,,won,2026-02-01,\n", store.ImportOptions{})
	mustImport(t, db1, admin, "name,phone,email,segment,tags,type\nAcme Corp,+1 555 0100,a@acme.test,A,\"vip, hardware\",company\nNguyễn Văn An,0912,,C,,person\n", store.ImportOptions{})

	export := func(db *sqlite.DB, s store.Scope) map[store.ImportKind]string {
		out := map[store.ImportKind]string{}
		for _, k := range store.ImportKinds {
			var buf bytes.Buffer
			w, err := transfer.NewWriter(&buf, k, transfer.CSV, time.UTC)
			if err != nil {
				t.Fatal(err)
			}
			if err := db.Export(ctx, s, k, w.Write); err != nil {
				t.Fatal(err)
			}
			if err := w.Close(); err != nil {
				t.Fatal(err)
			}
			out[k] = buf.String()
		}
		return out
	}
	first := export(db1, admin)

	db2 := openTestDB(t)
	admin2 := mustUser(t, db2, "Ann", store.RoleAdmin)
	for _, k := range store.ImportKinds {
		res, err := importFile(t, db2, admin2, strings.NewReader(first[k]), transfer.Options{}, store.ImportOptions{Kind: k})
		if err != nil || res.Failed != 0 {
			t.Fatalf("import %s = %+v, %v\n%s", k, res, err, first[k])
		}
	}
	second := export(db2, admin2)
	for _, k := range store.ImportKinds {
		if first[k] != second[k] {
			t.Errorf("%s: export → import → export differs:\n%s\n---\n%s", k, first[k], second[k])
		}
	}
	// Importing the export back into where it came from changes nothing.
	for _, k := range store.ImportKinds {
		res, err := importFile(t, db1, admin, strings.NewReader(first[k]), transfer.Options{}, store.ImportOptions{Kind: k})
		if err != nil || res.Committed || res.Created+res.Updated+res.Failed != 0 {
			t.Errorf("re-import of the %s export = %+v, %v", k, res, err)
		}
	}
	// A rep exports only their own book.
	var n int
	if err := db1.Export(ctx, rep, store.ImportCustomers, func(r store.ImportRow) error {
		n++
		if r.Customer.Name != "Công ty Minh Phát" {
			t.Errorf("rep exports %q", r.Customer.Name)
		}
		return nil
	}); err != nil || n != 1 {
		t.Errorf("rep export: %d rows, %v", n, err)
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
