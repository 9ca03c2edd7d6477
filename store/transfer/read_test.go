package transfer_test

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/unicode/norm"

	"github.com/tend-crm/tend/store"
	"github.com/tend-crm/tend/store/transfer"
)

func readAll(t *testing.T, in []byte, opts transfer.Options) (*transfer.Reader, []store.ImportRow) {
	t.Helper()
	rd, err := transfer.NewReader(bytes.NewReader(in), opts)
	if err != nil {
		t.Fatalf("NewReader: %v", err)
	}
	var rows []store.ImportRow
	for r, err := range rd.Rows() {
		if err != nil {
			t.Fatalf("Rows: %v", err)
		}
		rows = append(rows, r)
	}
	return rd, rows
}

func TestVietnameseHeadersAndEncodings(t *testing.T) {
	const text = "Tên khách hàng;Số điện thoại;Người liên hệ;Email;Ghi chú khác\n" +
		"Công ty Minh Phát;0903 123 456;chị Lan;lan@minhphat.vn;x\n"
	win := encode1258(t, text)
	for name, in := range map[string][]byte{
		"utf-8":        []byte(text),
		"bom":          append([]byte{0xEF, 0xBB, 0xBF}, text...),
		"windows-1258": []byte(win),
	} {
		t.Run(name, func(t *testing.T) {
			rd, rows := readAll(t, in, transfer.Options{})
			if rd.Kind != store.ImportCustomers || rd.Delimiter != ';' {
				t.Errorf("kind %q delimiter %q, want customers ;", rd.Kind, rd.Delimiter)
			}
			if len(rows) != 1 || rows[0].Err != "" {
				t.Fatalf("rows = %+v", rows)
			}
			r := rows[0]
			if store.Normalize(r.Customer.Name) != store.Normalize("Công ty Minh Phát") || r.Customer.Phone != "0903 123 456" ||
				store.Normalize(r.ContactName) != store.Normalize("chị Lan") || r.Customer.Email != "lan@minhphat.vn" || r.Line != 2 {
				t.Errorf("row = %+v %+v", r, *r.Customer)
			}
		})
	}
}

func TestDetectsKinds(t *testing.T) {
	tests := []struct {
		header string
		want   store.ImportKind
	}{
		{"account,sector,year_established,revenue,employees,office_location,subsidiary_of", store.ImportCustomers},
		{"sales_agent,manager,regional_office", store.ImportUsers},
		{"opportunity_id,sales_agent,product,account,deal_stage,engage_date,close_date,close_value", store.ImportDeals},
		{"product,series,sales_price", transfer.Products},
		{"Khách hàng,Ngày,Loại,Nội dung", store.ImportInteractions},
		{"customer,name,role,phone", store.ImportContacts},
		{"Name,Phone,Email", store.ImportCustomers},
		{"Tên khách hàng\tGiá trị\tGiai đoạn", store.ImportDeals},
	}
	for _, tt := range tests {
		rd, err := transfer.NewReader(strings.NewReader(tt.header+"\n"), transfer.Options{})
		if err != nil || rd.Kind != tt.want {
			t.Errorf("header %q: kind %v, %v; want %s", tt.header, rd, err, tt.want)
		}
	}
	for _, header := range []string{"Table,Field,Description", "foo,bar", ""} {
		if _, err := transfer.NewReader(strings.NewReader(header+"\n"), transfer.Options{}); !errors.Is(err, transfer.ErrNoHeader) {
			t.Errorf("header %q: %v, want ErrNoHeader", header, err)
		}
	}
}

func TestMapAndDeals(t *testing.T) {
	in := "Mã số,Khách hàng,Giá trị,Giai đoạn,Ngày chốt,Sản phẩm\n" +
		"D1,Minh Phát,150 triệu,đàm phán,15/04/2026,\n" +
		"D2,Acme,,Engaging,,GTXPro\n" +
		"D3,,10,Won,,\n" +
		"D4,Acme,ten,Won,31/02/2026,\n"
	prices := transfer.Prices{transfer.ProductKey("GTX Pro"): {Name: "GTX Pro", Value: 482100, Currency: "USD"}}
	_, rows := readAll(t, []byte(in), transfer.Options{Prices: prices, Map: map[string]string{"Mã số": "external_id"}})
	if len(rows) != 4 {
		t.Fatalf("%d rows", len(rows))
	}
	if d := rows[0].Deal; rows[0].ExternalID != "D1" || d.Value != 150000000 || d.Currency != "VND" || d.Stage != "negotiation" ||
		d.ExpectedClose.Day() != 15 || d.Title != "Minh Phát" {
		t.Errorf("row 1 = %+v %+v", rows[0], *d)
	}
	if d := rows[1].Deal; d.Title != "GTX Pro" || d.Value != 482100 || d.Stage != "proposal" {
		t.Errorf("row 2 = %+v", *d)
	}
	if rows[2].Skip == "" {
		t.Errorf("a deal without an account is not left out: %+v", rows[2])
	}
	if e := rows[3].Err; !strings.Contains(e, "value") || !strings.Contains(e, "no such date") {
		t.Errorf("row 4 error = %q, want both the value and the date", e)
	}
}

func TestMalformed(t *testing.T) {
	t.Run("ragged and wrong delimiter", func(t *testing.T) {
		_, rows := readAll(t, []byte("name;phone;email\nAcme,123,a@b.c\nBeta;1;b@c.d;extra\nGood;2;g@h.i\n"), transfer.Options{})
		if len(rows) != 3 || rows[0].Err == "" || rows[1].Err == "" || rows[2].Err != "" {
			t.Errorf("rows = %+v", rows)
		}
	})
	t.Run("bad quote", func(t *testing.T) {
		_, rows := readAll(t, []byte("name,phone\n\"Acme,1\nBeta,2\n"), transfer.Options{})
		bad := 0
		for _, r := range rows {
			if r.Err != "" {
				bad++
			}
		}
		if bad == 0 {
			t.Errorf("an unterminated quote is not reported: %+v", rows)
		}
	})
	t.Run("binary", func(t *testing.T) {
		junk := []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00")
		if _, err := transfer.NewReader(bytes.NewReader(junk), transfer.Options{}); !errors.Is(err, transfer.ErrBinary) {
			t.Errorf("NewReader(png) = %v, want ErrBinary", err)
		}
	})
	t.Run("endless line", func(t *testing.T) {
		// 100 MB without a line break, generated as it is read: the
		// reader gives up after MaxLineBytes instead of holding it all.
		in := io.MultiReader(strings.NewReader("name,phone\nAcme,"), io.LimitReader(repeat('9'), 100<<20))
		rd, err := transfer.NewReader(in, transfer.Options{})
		if err != nil {
			t.Fatal(err)
		}
		var last error
		for _, err := range rd.Rows() {
			last = err
		}
		if !errors.Is(last, transfer.ErrLineTooLong) {
			t.Errorf("Rows ended with %v, want ErrLineTooLong", last)
		}
	})
}

type repeat byte

func (r repeat) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = byte(r)
	}
	return len(p), nil
}

func TestWriteReadRoundTrip(t *testing.T) {
	c := store.Customer{Name: "Công ty Minh Phát", Stage: store.StageCustomer, Segment: "A", CadenceDays: 30,
		Tags: []string{"retail", "vip"}, Phone: "0903", Email: "a@b.c", IsPerson: true}
	var buf bytes.Buffer
	w, err := transfer.NewWriter(&buf, store.ImportCustomers, transfer.CSV, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Write(store.ImportRow{ExternalID: "X1", Customer: &c, OwnerName: "Lan"}); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(buf.Bytes(), []byte("\uFEFF")) {
		t.Error("the CSV has no byte order mark for Excel")
	}
	rd, rows := readAll(t, buf.Bytes(), transfer.Options{})
	if rd.Kind != store.ImportCustomers || len(rows) != 1 {
		t.Fatalf("kind %s, rows %+v", rd.Kind, rows)
	}
	got := *rows[0].Customer
	if got.Name != c.Name || got.Stage != c.Stage || got.Segment != "A" || got.CadenceDays != 30 || strings.Join(got.Tags, ",") != "retail,vip" ||
		got.Phone != c.Phone || got.Email != c.Email || !got.IsPerson || rows[0].OwnerName != "Lan" || rows[0].ExternalID != "X1" {
		t.Errorf("read back %+v from\n%s", got, buf.String())
	}
}

// encode1258 writes text as Vietnamese Windows does: letters with their
// vowel marks precomposed, tone marks as separate combining characters.
func encode1258(t *testing.T, text string) string {
	t.Helper()
	tones := "\u0300\u0301\u0303\u0309\u0323"
	var out strings.Builder
	for _, r := range text {
		var base, tone []rune
		for _, d := range norm.NFD.String(string(r)) {
			if strings.ContainsRune(tones, d) {
				tone = append(tone, d)
			} else {
				base = append(base, d)
			}
		}
		s, err := charmap.Windows1258.NewEncoder().String(norm.NFC.String(string(base)) + string(tone))
		if err != nil {
			t.Fatalf("encode %q: %v", r, err)
		}
		out.WriteString(s)
	}
	return out.String()
}

// TestColumnsByKind: what a column means depends on the file's kind.
func TestColumnsByKind(t *testing.T) {
	_, rows := readAll(t, []byte("customer,type,date,summary\nAcme,call,2026-03-09,asked for a quote\n"), transfer.Options{})
	if len(rows) != 1 || rows[0].Interaction == nil || rows[0].Interaction.Kind != store.KindCall {
		t.Errorf("an activity's type: %+v, want a call", rows)
	}
	_, rows = readAll(t, []byte("name,created\nAcme,2024-05-01\nGlobex,13/13/2026\n"), transfer.Options{})
	if len(rows) != 2 || rows[0].Err != "" || rows[0].Customer.CreatedAt.Format(time.DateOnly) != "2024-05-01" {
		t.Errorf("a customer's created date: %+v", rows)
	}
	if len(rows) == 2 && rows[1].Err == "" {
		t.Errorf("a date that does not exist was read: %+v", rows[1].Customer)
	}
}
