package storetest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/tend-crm/tend/store"
	"github.com/tend-crm/tend/store/transfer"
)

// RunImport runs the conformance suite of store.Importer and
// store.Exporter, with files read by store/transfer as `tend import` reads
// them.
func RunImport(t *testing.T, open func(t *testing.T) Harness) {
	tests := []struct {
		name string
		fn   func(t *testing.T, st store.Store, fresh func() store.Store)
	}{
		{"ReimportIsNoop", testReimport},
		{"AllOrNothing", testAllOrNothing},
		{"Cancelled", testImportCancelled},
		{"RoundTrip", testRoundTrip},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fresh := func() store.Store {
				h := open(t)
				h.SetNow(T0)
				return h.Store
			}
			tt.fn(t, fresh(), fresh)
		})
	}
}

// ImportFile reads in with transfer and imports it; opts.Kind empty means
// as the header tells.
func ImportFile(tb testing.TB, st store.Importer, s store.Scope, in []byte, topts transfer.Options, opts store.ImportOptions) (store.ImportResult, error) {
	tb.Helper()
	topts.Kind = opts.Kind
	rd, err := transfer.NewReader(bytes.NewReader(in), topts)
	if err != nil {
		return store.ImportResult{}, err
	}
	opts.Kind = rd.Kind
	return st.Import(tb.Context(), s, opts, rd.Rows())
}

func mustImport(tb testing.TB, st store.Importer, s store.Scope, text string, opts store.ImportOptions) store.ImportResult {
	tb.Helper()
	res, err := ImportFile(tb, st, s, []byte(text), transfer.Options{}, opts)
	if err != nil {
		tb.Fatalf("import: %v", err)
	}
	return res
}

func admin(t *testing.T, st store.Store, name string, role store.Role) store.Scope {
	t.Helper()
	u, err := st.CreateUser(t.Context(), store.User{Name: name, Role: role, Identities: []store.Identity{{Platform: "console", ExternalID: name}}})
	if err != nil {
		t.Fatal(err)
	}
	return store.Scope{UserID: u.ID, Role: role}
}

// exportAll writes every kind s may see as CSV.
func exportAll(t *testing.T, st store.Exporter, s store.Scope) map[store.ImportKind]string {
	t.Helper()
	out := map[store.ImportKind]string{}
	for _, k := range store.ImportKinds {
		var buf bytes.Buffer
		w, err := transfer.NewWriter(&buf, k, transfer.CSV, time.UTC)
		if err != nil {
			t.Fatal(err)
		}
		if err := st.Export(t.Context(), s, k, w.Write); err != nil {
			t.Fatal(err)
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		out[k] = buf.String()
	}
	return out
}

func testReimport(t *testing.T, st store.Store, _ func() store.Store) {
	ctx := t.Context()
	ann := admin(t, st, "Ann", store.RoleAdmin)
	const file = "Tên khách hàng,Số điện thoại,Email,Người liên hệ,Giai đoạn\n" +
		"Công ty Minh Phát,0903 123 456,,chị Lan,khách hàng\n" +
		"Acme Corp,,sales@acme.test,Jane,\n" +
		"Minh Phát,0903 999 999,,,\n" + // same name, another phone: another customer
		"ACME corp.,,SALES@acme.test,,\n" // the same Acme, written otherwise
	res := mustImport(t, st, ann, file, store.ImportOptions{})
	if !res.Committed || res.Created != 3 || res.Skipped != 1 || res.Failed != 0 || res.Change == 0 {
		t.Fatalf("first import = %+v, want 3 created and the second Acme a duplicate", res)
	}
	if p := res.Problems; len(p) == 0 || p[len(p)-1].Line != 5 || !strings.Contains(p[len(p)-1].Reason, "duplicate of line 3") {
		t.Errorf("problems = %+v, want line 5 a duplicate of line 3", p)
	}
	cs, err := st.FindCustomers(ctx, ann, "cong ty minh phat", 5)
	if err != nil || len(cs) != 1 || cs[0].Stage != store.StageCustomer || cs[0].Phone != "0903 123 456" {
		t.Fatalf("FindCustomers = %+v, %v", cs, err)
	}
	if contacts, _ := st.Contacts(ctx, ann, cs[0].ID); len(contacts) != 1 || contacts[0].Name != "chị Lan" {
		t.Errorf("contacts = %+v, want chị Lan", contacts)
	}
	before := exportAll(t, st, ann)

	again := mustImport(t, st, ann, file, store.ImportOptions{})
	if again.Committed || again.Change != 0 || again.Created+again.Updated+again.Failed != 0 || again.Skipped != 4 {
		t.Errorf("re-import = %+v, want every line skipped and nothing stored", again)
	}
	if after := exportAll(t, st, ann); fmt.Sprint(after) != fmt.Sprint(before) {
		t.Errorf("re-importing the same file changed the book")
	}

	// A new phone updates the customer matched by email, as one change
	// that Undo reverts.
	upd := mustImport(t, st, ann, "Name,Email,Phone\nAcme Corp,sales@acme.test,028 1234\n", store.ImportOptions{})
	if upd.Updated != 1 || upd.Created != 0 || !upd.Committed {
		t.Errorf("update = %+v", upd)
	}
	if _, err := st.Undo(ctx, ann, store.Origin{}, upd.Change); err != nil {
		t.Fatal(err)
	}
	if cs, _ := st.FindCustomers(ctx, ann, "acme corp", 1); len(cs) != 1 || cs[0].Phone != "" {
		t.Errorf("after undo: %+v", cs)
	}
	// A new name for the same id: the customer and their contact are found
	// by it, no longer by the old one.
	if res := mustImport(t, st, ann, "ID,Name,Contact\nC-9,Brolly Ltd,Alice\n", store.ImportOptions{}); res.Created != 1 {
		t.Errorf("import = %+v", res)
	}
	if ren := mustImport(t, st, ann, "ID,Name\nC-9,Umbrella Holdings\n", store.ImportOptions{}); ren.Updated != 1 || !ren.Committed {
		t.Errorf("rename = %+v", ren)
	}
	for word, want := range map[string]int{"holdings": 2, "brolly": 0} {
		hits, err := st.Search(ctx, ann, store.SearchQuery{Text: word, Limit: 10})
		if err != nil || len(hits) != want {
			t.Errorf("after the rename, Search(%s) = %+v, %v; want %d hits", word, hits, err, want)
		}
	}
	// A dry run does everything and keeps nothing.
	dry := mustImport(t, st, ann, "name\nNew One\n", store.ImportOptions{DryRun: true})
	if dry.Created != 1 || dry.Committed {
		t.Errorf("dry run = %+v", dry)
	}
	if cs, _ := st.FindCustomers(ctx, ann, "new one", 1); len(cs) != 0 {
		t.Errorf("a dry run stored %+v", cs)
	}
}

func countCustomers(t *testing.T, st store.Exporter, s store.Scope) int {
	t.Helper()
	n := 0
	if err := st.Export(t.Context(), s, store.ImportCustomers, func(store.ImportRow) error { n++; return nil }); err != nil {
		t.Fatal(err)
	}
	return n
}

func testAllOrNothing(t *testing.T, st store.Store, _ func() store.Store) {
	ann := admin(t, st, "Ann", store.RoleAdmin)
	var good strings.Builder
	good.WriteString("name,phone,stage\n")
	for i := range 500 {
		fmt.Fprintf(&good, "Customer %d,09%08d,prospect\n", i, i)
	}
	tests := []struct{ name, tail, want string }{
		{"bad stage", "Bad,1,friendly\n", "unknown stage"},
		{"ragged row", "Bad,1,prospect,extra\n", "4 fields where the header has 3"},
		{"wrong delimiter", "Bad;1;prospect\n", "1 fields where the header has 3"},
		{"bad quote", "\"Bad,1,prospect\n", "unreadable line"},
		{"no name", ",1,prospect\n", "no customer name"},
	}
	for _, tt := range tests {
		res := mustImport(t, st, ann, good.String()+tt.tail, store.ImportOptions{})
		if res.Committed || res.Failed != 1 || res.Created != 500 {
			t.Errorf("%s: result = %+v", tt.name, res)
		}
		if p := res.Problems; len(p) != 1 || p[0].Outcome != "failed" || p[0].Line != 502 || !strings.Contains(p[0].Reason, tt.want) {
			t.Errorf("%s: problems = %+v, want line 502: %q", tt.name, p, tt.want)
		}
		if n := countCustomers(t, st, ann); n != 0 {
			t.Errorf("%s: %d customers stored from a file that failed", tt.name, n)
		}
	}
	res := mustImport(t, st, ann, "customer,date,kind,summary\nAcme,2026-03-01,call,ok\nAcme,31/02/2026,call,bad\n", store.ImportOptions{})
	if p := res.Problems; res.Committed || res.Failed != 1 || p[len(p)-1].Line != 3 || !strings.Contains(p[len(p)-1].Reason, "no such date") {
		t.Errorf("bad date: %+v", res)
	}
	junk := bytes.Repeat([]byte{0x7f, 0x45, 0x4c, 0x46, 0x02, 0x01, 0x00, 0x00}, 1000)
	if _, err := ImportFile(t, st, ann, junk, transfer.Options{}, store.ImportOptions{}); !errors.Is(err, transfer.ErrBinary) {
		t.Errorf("import of junk = %v, want ErrBinary", err)
	}
	if n := countCustomers(t, st, ann); n != 0 {
		t.Errorf("%d customers stored from files that failed", n)
	}
	res = mustImport(t, st, ann, good.String()+"Bad,1,friendly\n", store.ImportOptions{Partial: true})
	if !res.Committed || res.Failed != 1 || res.Created != 500 || countCustomers(t, st, ann) != 500 {
		t.Errorf("partial = %+v", res)
	}
}

// testImportCancelled: an import whose caller gives up half way keeps
// nothing, and says why.
func testImportCancelled(t *testing.T, st store.Store, _ func() store.Store) {
	ann := admin(t, st, "Ann", store.RoleAdmin)
	var file bytes.Buffer
	file.WriteString("Mã KH,Tên khách hàng,Số điện thoại\n")
	for i := range 200 {
		fmt.Fprintf(&file, "KH%03d,Công ty Số %d,09%08d\n", i, i, i)
	}
	rd, err := transfer.NewReader(&file, transfer.Options{})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	rows := func(yield func(store.ImportRow, error) bool) {
		for r, err := range rd.Rows() {
			if r.Line == 100 {
				cancel()
			}
			if !yield(r, err) {
				return
			}
		}
	}
	if _, err := st.Import(ctx, ann, store.ImportOptions{Kind: rd.Kind}, rows); !errors.Is(err, context.Canceled) {
		t.Errorf("Import cancelled half way = %v, want context.Canceled", err)
	}
	if n := countCustomers(t, st, ann); n != 0 {
		t.Errorf("%d customers kept from a cancelled import", n)
	}
}

func testRoundTrip(t *testing.T, st store.Store, fresh func() store.Store) {
	ctx := t.Context()
	ann := admin(t, st, "Ann", store.RoleAdmin)
	rep := admin(t, st, "Bình", store.RoleRep)
	if _, err := st.UpdateUser(ctx, rep.UserID, store.UserUpdate{ManagerID: &ann.UserID}); err != nil {
		t.Fatal(err)
	}
	for _, a := range []struct {
		s store.Scope
		a store.Activity
	}{
		{rep, store.Activity{Customer: store.CustomerRef{Name: "Công ty Minh Phát"}, Contact: "chị Lan",
			Interaction: &store.Interaction{Kind: store.KindCall, At: T0.Add(-2 * day), Summary: "báo giá, \"gấp\""}}},
		{ann, store.Activity{Customer: store.CustomerRef{Name: "Acme Corp"},
			Interaction: &store.Interaction{Kind: store.KindEmail, At: T0.Add(-time.Hour), Summary: "sent the, proposal\nline two"}}},
	} {
		if _, err := st.Record(ctx, a.s, store.Origin{}, a.a); err != nil {
			t.Fatal(err)
		}
	}
	mustImport(t, st, ann, "id,customer,title,value,currency,stage,expected close,owner\n"+
		"D-1,Acme Corp,Servers,\"12,500.50\",USD,negotiation,2026-04-30,Bình\n"+
		"D-2,Công ty Minh Phát,Phần mềm,150 triệu,,won,2026-02-01,\n", store.ImportOptions{})
	mustImport(t, st, ann, "name,phone,email,segment,tags,type\nAcme Corp,+1 555 0100,a@acme.test,A,\"vip, hardware\",company\n"+
		"Nguyễn Văn An,0912,,C,,person\n", store.ImportOptions{})
	first := exportAll(t, st, ann)
	if !strings.Contains(first[store.ImportDeals], "D-1,Acme Corp,Bình,Servers,12500.50,USD,negotiation,2026-04-30") {
		t.Errorf("deals export:\n%s", first[store.ImportDeals])
	}

	// Into an empty store: the same export comes back.
	st2 := fresh()
	admin(t, st2, "Someone else", store.RoleRep) // so that ids do not line up by chance
	ann2 := admin(t, st2, "Ann", store.RoleAdmin)
	for _, k := range store.ImportKinds {
		res, err := ImportFile(t, st2, ann2, []byte(first[k]), transfer.Options{}, store.ImportOptions{Kind: k})
		if err != nil || res.Failed != 0 {
			t.Fatalf("import %s = %+v, %v\n%s", k, res, err, first[k])
		}
	}
	second := exportAll(t, st2, ann2)
	for _, k := range store.ImportKinds {
		want := first[k]
		if k == store.ImportUsers { // the extra user
			want = strings.Replace(want, "\n", "\n,Someone else,rep,,UTC,en\n", 1)
		}
		if second[k] != want {
			t.Errorf("%s: export → import → export differs:\n%s\n---\n%s", k, want, second[k])
		}
	}
	// Into the store it came from: nothing changes.
	for _, k := range store.ImportKinds {
		res, err := ImportFile(t, st, ann, []byte(first[k]), transfer.Options{}, store.ImportOptions{Kind: k})
		if err != nil || res.Committed || res.Created+res.Updated+res.Failed != 0 {
			t.Errorf("re-import of the %s export = %+v, %v", k, res, err)
		}
	}
	// A rep exports their own book.
	n := 0
	if err := st.Export(ctx, rep, store.ImportCustomers, func(r store.ImportRow) error {
		n++
		if r.Customer.Name != "Công ty Minh Phát" {
			t.Errorf("rep exports %q", r.Customer.Name)
		}
		return nil
	}); err != nil || n != 1 {
		t.Errorf("rep export: %d rows, %v", n, err)
	}
}
