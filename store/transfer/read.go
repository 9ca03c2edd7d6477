// Package transfer reads the CSV files people keep their book in, and
// writes Tend's records back out, without touching storage: it turns lines
// into typed store.ImportRow values (with a reason for each line it cannot
// read) and rows into CSV or JSON. Headers are recognised in English and
// Vietnamese, with or without diacritics; dates, amounts, stages and kinds
// in the forms spreadsheets and other CRMs write them.
package transfer

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"iter"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/htmlindex"
	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"

	"github.com/tend-crm/tend/store"
)

// Products is the kind of a price list: read for the deals that name its
// products, not stored.
const Products store.ImportKind = "products"

// MaxLineBytes bounds one line, so that a file without line breaks (or
// binary junk) cannot make the reader hold it all in memory.
const MaxLineBytes = 1 << 20

var (
	// ErrBinary: the file is not text.
	ErrBinary = errors.New("not a text file")
	// ErrNoHeader: the first line names no column Tend knows.
	ErrNoHeader = errors.New("no known column in the header")
	// ErrLineTooLong: a line is longer than MaxLineBytes.
	ErrLineTooLong = fmt.Errorf("a line is longer than %d bytes", MaxLineBytes)
)

// Options say how to read a file.
type Options struct {
	Kind store.ImportKind // empty: told by the header
	// Map names the field of columns whose header Tend does not know, or
	// reads otherwise: header → field ("Mã số" → "external_id", "" to
	// ignore a column).
	Map      map[string]string
	Dates    DateOrder      // default DMY
	Location *time.Location // of dates without a zone; default UTC
	Currency string         // of amounts without one; default USD
	// Encoding names the file's encoding when it is not UTF-8 (an HTML
	// encoding label: "windows-1258", "windows-1252", "utf-16"). Empty:
	// UTF-8, with or without a byte order mark, or UTF-16 with one, else
	// Windows-1258 (Vietnamese Windows), whose letters cover Windows-1252's
	// common ones.
	Encoding string
	// Prices are the products deals are valued at when they have no value
	// of their own, from a price list (Reader.Prices).
	Prices Prices
}

// Prices maps a product's key (see ProductKey) to its name and price.
type Prices map[string]Price

// Price is one product of a price list.
type Price struct {
	Name     string
	Value    int64 // minor units
	Currency string
}

// ProductKey is how product names are matched: folded, without spaces
// or punctuation, so that "GTXPro" is "GTX Pro".
func ProductKey(name string) string { return strings.ReplaceAll(store.NameKey(name), " ", "") }

// Column is one column of the header and the field it was read as; Field
// is empty for a column Tend ignores.
type Column struct {
	Header string
	Field  string
}

// Reader reads one file.
type Reader struct {
	Kind      store.ImportKind
	Columns   []Column
	Delimiter rune
	Encoding  string // as found: "utf-8", "utf-8 with BOM", "utf-16", "windows-1258", …

	opts   Options
	prices Prices // read from a Products file
	csv    *csv.Reader
	index  map[string]int // field → column
}

// NewReader reads the header of r and finds its kind, encoding and
// delimiter. Errors: ErrBinary, ErrNoHeader, ErrLineTooLong, or one
// saying which column a kind needs.
func NewReader(r io.Reader, opts Options) (*Reader, error) {
	if opts.Dates == "" {
		opts.Dates = DMY
	}
	if opts.Location == nil {
		opts.Location = time.UTC
	}
	if opts.Currency == "" {
		opts.Currency = "USD"
	}
	rd := &Reader{opts: opts}
	text, err := rd.decode(r)
	if err != nil {
		return nil, err
	}
	br := bufio.NewReaderSize(&lineLimit{r: text}, 64<<10)
	first, _ := br.Peek(64 << 10)
	rd.Delimiter = sniffDelimiter(first)
	rd.csv = csv.NewReader(br)
	rd.csv.Comma = rd.Delimiter
	rd.csv.FieldsPerRecord = -1 // ragged lines are reported one by one
	rd.csv.ReuseRecord = true
	header, err := rd.csv.Read()
	if errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("empty file: %w", ErrNoHeader)
	}
	if err != nil {
		return nil, fmt.Errorf("header: %w", unwrapLong(err))
	}
	rd.header(header)
	if err := rd.kind(); err != nil {
		return nil, err
	}
	return rd, nil
}

// decode returns r as UTF-8 text, after checking it is text at all.
func (rd *Reader) decode(r io.Reader) (io.Reader, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	head, err := br.Peek(64 << 10)
	if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, bufio.ErrBufferFull) {
		return nil, err
	}
	var enc encoding.Encoding
	switch {
	case rd.opts.Encoding != "":
		e, err := htmlindex.Get(rd.opts.Encoding)
		if err != nil {
			return nil, fmt.Errorf("unknown encoding %q", rd.opts.Encoding)
		}
		enc, rd.Encoding = e, rd.opts.Encoding
	case bytes.HasPrefix(head, []byte{0xEF, 0xBB, 0xBF}):
		br.Discard(3)
		head, rd.Encoding = head[3:], "utf-8 with BOM"
	case bytes.HasPrefix(head, []byte{0xFF, 0xFE}), bytes.HasPrefix(head, []byte{0xFE, 0xFF}):
		// Excel's "Unicode text" is UTF-16 with a byte order mark.
		enc, rd.Encoding = unicode.UTF16(unicode.LittleEndian, unicode.ExpectBOM), "utf-16"
	}
	if enc == nil && isBinary(head) {
		return nil, ErrBinary
	}
	if enc == nil {
		if utf8.Valid(trimPartialRune(head)) {
			if rd.Encoding == "" {
				rd.Encoding = "utf-8"
			}
			return br, nil
		}
		enc, rd.Encoding = charmap.Windows1258, "windows-1258"
	}
	return transform.NewReader(br, enc.NewDecoder()), nil
}

// isBinary: NUL bytes, or more than a few control characters (an old DOS
// file may end with one), are not a spreadsheet.
func isBinary(b []byte) bool {
	if bytes.IndexByte(b, 0) >= 0 {
		return true
	}
	ctl := 0
	for _, c := range b {
		if c < 0x20 && c != '\n' && c != '\r' && c != '\t' {
			ctl++
		}
	}
	return ctl > 2 && ctl > len(b)/100
}

// trimPartialRune drops an incomplete rune the peek may have cut.
func trimPartialRune(b []byte) []byte {
	for i := 1; i <= 3 && i <= len(b); i++ {
		if utf8.RuneStart(b[len(b)-i]) {
			if !utf8.FullRune(b[len(b)-i:]) {
				return b[:len(b)-i]
			}
			break
		}
	}
	return b
}

// sniffDelimiter picks the separator used most on the first line outside
// quotes: Excel writes ; where the decimal mark is a comma, and tab when
// copied.
func sniffDelimiter(b []byte) rune {
	counts := map[rune]int{}
	quoted := false
	for _, c := range string(b) {
		switch {
		case c == '"':
			quoted = !quoted
		case c == '\n' && !quoted:
			goto done
		case !quoted && strings.ContainsRune(",;\t|", c):
			counts[c]++
		}
	}
done:
	best := ','
	for _, c := range []rune{';', '\t', '|'} {
		if counts[c] > counts[best] {
			best = c
		}
	}
	return best
}

// lineLimit fails a read once a line runs past MaxLineBytes.
type lineLimit struct {
	r   io.Reader
	run int
}

func (l *lineLimit) Read(p []byte) (int, error) {
	n, err := l.r.Read(p)
	for _, c := range p[:n] {
		if c == '\n' {
			l.run = 0
		} else if l.run++; l.run > MaxLineBytes {
			return 0, ErrLineTooLong
		}
	}
	return n, err
}

func unwrapLong(err error) error {
	if errors.Is(err, ErrLineTooLong) {
		return ErrLineTooLong
	}
	return err
}

// Fields are the names columns are read as (and exported with).
const (
	FieldExternalID    = "external_id"
	FieldName          = "name"
	FieldCustomer      = "customer"
	FieldContact       = "contact"
	FieldOwner         = "owner"
	FieldManager       = "manager"
	FieldPhone         = "phone"
	FieldEmail         = "email"
	FieldStage         = "stage"
	FieldSegment       = "segment"
	FieldTags          = "tags"
	FieldCadence       = "cadence_days"
	FieldType          = "type"
	FieldRole          = "role"
	FieldTitle         = "title"
	FieldValue         = "value"
	FieldCurrency      = "currency"
	FieldProduct       = "product"
	FieldPrice         = "price"
	FieldExpectedClose = "expected_close"
	FieldCreated       = "created"
	FieldStageChanged  = "stage_changed"
	FieldDate          = "date"
	FieldKind          = "kind"
	FieldSummary       = "summary"
	FieldTimeZone      = "time_zone"
	FieldLang          = "lang"
	FieldNeed          = "need"
	FieldBudget        = "budget"
	FieldAuthority     = "authority"
)

// headers are the names each field goes by, as name keys (folded, no
// punctuation): English, Vietnamese, and other CRMs' exports.
var headers = map[string][]string{
	FieldExternalID:    {"external id", "id", "ma", "ma so", "ma khach hang", "ma kh", "code", "opportunity id", "deal id", "customer id", "account id"},
	FieldName:          {"name", "ten", "ho ten", "ho va ten", "full name", "ten nhan vien", "user", "user name"},
	FieldCustomer:      {"customer", "customer name", "company", "company name", "account", "account name", "client", "khach hang", "ten khach hang", "cong ty", "ten cong ty", "doanh nghiep"},
	FieldContact:       {"contact", "contact name", "contact person", "nguoi lien he", "lien he", "ten nguoi lien he"},
	FieldOwner:         {"owner", "sales agent", "agent", "rep", "sales rep", "salesperson", "nguoi phu trach", "phu trach", "nhan vien", "nhan vien kinh doanh", "nhan vien phu trach"},
	FieldManager:       {"manager", "sales manager", "quan ly", "nguoi quan ly", "truong nhom"},
	FieldPhone:         {"phone", "phone number", "telephone", "tel", "mobile", "so dien thoai", "dien thoai", "sdt", "so dt"},
	FieldEmail:         {"email", "e mail", "mail", "thu dien tu"},
	FieldStage:         {"stage", "deal stage", "status", "giai doan", "trang thai"},
	FieldSegment:       {"segment", "phan khuc", "phan loai", "hang"},
	FieldTags:          {"tags", "tag", "sector", "industry", "nganh", "nganh nghe", "linh vuc", "nhan"},
	FieldCadence:       {"cadence days", "cadence"},
	FieldType:          {"type", "customer type", "loai khach hang"},
	FieldRole:          {"role", "position", "job title", "chuc vu", "vai tro", "chuc danh"},
	FieldTitle:         {"title", "deal", "deal name", "opportunity", "ten deal", "tieu de", "co hoi"},
	FieldValue:         {"value", "amount", "close value", "deal value", "gia tri", "so tien", "gia tri hop dong", "doanh so"},
	FieldCurrency:      {"currency", "tien te", "don vi tien te"},
	FieldProduct:       {"product", "product name", "san pham"},
	FieldPrice:         {"price", "sales price", "unit price", "list price", "gia", "don gia", "gia ban"},
	FieldExpectedClose: {"expected close", "close date", "ngay chot", "ngay dong", "du kien chot", "ngay ket thuc"},
	FieldCreated:       {"created", "created at", "engage date", "ngay tao", "ngay bat dau"},
	FieldStageChanged:  {"stage changed", "stage changed at"},
	FieldDate:          {"date", "at", "time", "when", "ngay", "thoi gian", "ngay lien he"},
	FieldKind:          {"kind", "activity", "activity type", "interaction", "loai", "hinh thuc"},
	FieldSummary:       {"summary", "note", "notes", "description", "details", "ghi chu", "noi dung", "mo ta"},
	FieldTimeZone:      {"time zone", "timezone", "tz", "mui gio"},
	FieldLang:          {"lang", "language", "ngon ngu"},
	FieldNeed:          {"need", "nhu cau"},
	FieldBudget:        {"budget", "ngan sach"},
	FieldAuthority:     {"authority", "nguoi quyet dinh"},
}

var headerField = func() map[string]string {
	m := map[string]string{}
	for f, names := range headers {
		for _, n := range names {
			m[n] = f
		}
	}
	return m
}()

func (rd *Reader) header(cols []string) {
	rd.index = map[string]int{}
	mapped := map[string]string{}
	for h, f := range rd.opts.Map {
		mapped[store.NameKey(h)] = f
	}
	for i, h := range cols {
		h = strings.TrimSpace(h)
		key := store.NameKey(h)
		f, ok := mapped[key]
		if !ok {
			f = headerField[key]
		}
		if _, dup := rd.index[f]; f != "" && !dup {
			rd.index[f] = i
		} else {
			f = "" // a second column for a field is ignored
		}
		rd.Columns = append(rd.Columns, Column{Header: h, Field: f})
	}
}

// IsField reports whether f is a field a column may be mapped to.
func IsField(f string) bool { _, ok := headers[f]; return ok }

func (rd *Reader) has(fields ...string) bool {
	for _, f := range fields {
		if _, ok := rd.index[f]; ok {
			return true
		}
	}
	return false
}

// kind settles the file's kind, from the options or the header, and
// checks the header has what that kind needs.
func (rd *Reader) kind() error {
	if len(rd.index) == 0 {
		return ErrNoHeader
	}
	k := rd.opts.Kind
	if k == "" {
		k = detect(rd)
	}
	if k == "" {
		return fmt.Errorf("cannot tell what the file holds from its header; name it with --kind: %w", ErrNoHeader)
	}
	need := map[store.ImportKind][][]string{
		store.ImportUsers:        {{FieldName, FieldOwner}},
		store.ImportCustomers:    {{FieldName, FieldCustomer}},
		store.ImportContacts:     {{FieldName, FieldContact}, {FieldCustomer}},
		store.ImportDeals:        {{FieldCustomer}},
		store.ImportInteractions: {{FieldCustomer}, {FieldDate}},
		Products:                 {{FieldProduct, FieldName}, {FieldPrice, FieldValue}},
	}[k]
	if need == nil {
		return fmt.Errorf("unknown kind %q", k)
	}
	for _, any := range need {
		if !rd.has(any...) {
			return fmt.Errorf("a %s file needs a %s column: %w", k, any[0], ErrNoHeader)
		}
	}
	if k == store.ImportInteractions && !rd.has(FieldKind) && rd.has(FieldType) {
		// An activity's "type" is its kind (call, meeting): a customer's
		// type means nothing here.
		i := rd.index[FieldType]
		delete(rd.index, FieldType)
		rd.index[FieldKind], rd.Columns[i].Field = i, FieldKind
	}
	rd.Kind = k
	return nil
}

// detect tells a file's kind by its columns.
func detect(rd *Reader) store.ImportKind {
	switch {
	case rd.has(FieldProduct) && rd.has(FieldPrice) && !rd.has(FieldCustomer, FieldOwner):
		return Products
	case rd.has(FieldCustomer) && rd.has(FieldValue, FieldProduct, FieldTitle, FieldExpectedClose):
		return store.ImportDeals
	case rd.has(FieldCustomer) && rd.has(FieldKind, FieldSummary) && rd.has(FieldDate):
		return store.ImportInteractions
	case rd.has(FieldCustomer) && rd.has(FieldName, FieldRole):
		return store.ImportContacts
	case rd.has(FieldCustomer):
		return store.ImportCustomers
	case rd.has(FieldName, FieldOwner) && rd.has(FieldManager, FieldTimeZone, FieldLang, FieldRole):
		return store.ImportUsers
	case rd.has(FieldName):
		return store.ImportCustomers
	}
	return ""
}

// Rows reads the lines after the header. A line Tend cannot read comes
// with Err set; the error is for a file that cannot be read on (a line
// longer than MaxLineBytes, an I/O error), after which Rows stops.
func (rd *Reader) Rows() iter.Seq2[store.ImportRow, error] {
	return func(yield func(store.ImportRow, error) bool) {
		line := 1
		for {
			rec, err := rd.csv.Read()
			if errors.Is(err, io.EOF) {
				return
			}
			var pe *csv.ParseError
			switch {
			case errors.As(err, &pe) && !errors.Is(err, ErrLineTooLong):
				line = pe.Line
				if !yield(store.ImportRow{Line: pe.StartLine, Err: "unreadable line: " + pe.Err.Error()}, nil) {
					return
				}
				continue
			case err != nil:
				yield(store.ImportRow{}, fmt.Errorf("after line %d: %w", line, unwrapLong(err)))
				return
			}
			line, _ = rd.csv.FieldPos(0)
			if !yield(rd.row(line, rec), nil) {
				return
			}
		}
	}
}

// Prices reads a price list (a Products file).
func (rd *Reader) Prices() (Prices, error) {
	for r, err := range rd.Rows() {
		if err != nil {
			return nil, err
		}
		if r.Err != "" {
			return nil, fmt.Errorf("line %d: %s", r.Line, r.Err)
		}
	}
	return rd.prices, nil
}

func (rd *Reader) row(line int, rec []string) store.ImportRow {
	r := store.ImportRow{Line: line}
	if len(rec) != len(rd.Columns) {
		r.Err = fmt.Sprintf("%d fields where the header has %d (is the delimiter %q?)", len(rec), len(rd.Columns), rd.Delimiter)
		return r
	}
	get := func(f string) string {
		if i, ok := rd.index[f]; ok {
			return strings.TrimSpace(store.Normalize(rec[i]))
		}
		return ""
	}
	either := func(a, b string) string {
		if v := get(a); v != "" {
			return v
		}
		return get(b)
	}
	var errs []string
	date := func(f string) time.Time {
		t, err := ParseDate(get(f), rd.opts.Dates, rd.opts.Location)
		if err != nil {
			errs = append(errs, f+": "+err.Error())
		}
		return t
	}
	r.ExternalID = get(FieldExternalID)
	switch rd.Kind {
	case Products:
		rd.price(either(FieldProduct, FieldName), either(FieldPrice, FieldValue), &errs)
	case store.ImportUsers:
		u := store.User{Name: either(FieldName, FieldOwner), TimeZone: get(FieldTimeZone), Lang: get(FieldLang)}
		if v := get(FieldRole); v != "" {
			u.Role = word(roles, v)
		}
		if u.TimeZone != "" {
			if _, err := time.LoadLocation(u.TimeZone); err != nil {
				errs = append(errs, fmt.Sprintf("unknown time zone %q", u.TimeZone))
			}
		}
		r.User, r.ManagerName = &u, get(FieldManager)
	case store.ImportCustomers:
		c := store.Customer{Name: either(FieldName, FieldCustomer), Phone: get(FieldPhone), Email: get(FieldEmail),
			Segment: strings.ToUpper(get(FieldSegment)), IsPerson: personWords[store.NameKey(get(FieldType))], Tags: tags(get(FieldTags)),
			CreatedAt: date(FieldCreated)}
		if v := get(FieldStage); v != "" {
			c.Stage = word(customerStages, v)
		}
		if v := get(FieldCadence); v != "" {
			if _, err := fmt.Sscan(v, &c.CadenceDays); err != nil || c.CadenceDays < 0 {
				errs = append(errs, fmt.Sprintf("cadence: not a number of days: %q", v))
			}
		}
		r.Customer, r.OwnerName, r.ContactName = &c, get(FieldOwner), get(FieldContact)
	case store.ImportContacts:
		p := store.Contact{Name: either(FieldName, FieldContact), Role: get(FieldRole), Phone: get(FieldPhone), Email: get(FieldEmail)}
		r.Contact, r.CustomerName = &p, get(FieldCustomer)
	case store.ImportDeals:
		r.Deal = rd.deal(&r, get, date, &errs)
	case store.ImportInteractions:
		in := store.Interaction{Summary: get(FieldSummary), At: date(FieldDate)}
		if v := get(FieldKind); v != "" {
			in.Kind = word(interactionKinds, v)
		}
		r.Interaction, r.CustomerName, r.ContactName, r.OwnerName = &in, get(FieldCustomer), get(FieldContact), get(FieldOwner)
	}
	if len(errs) > 0 {
		r.Err = strings.Join(errs, "; ")
	}
	return r
}

func (rd *Reader) deal(r *store.ImportRow, get func(string) string, date func(string) time.Time, errs *[]string) *store.Deal {
	d := store.Deal{Title: get(FieldTitle), Need: get(FieldNeed), Budget: get(FieldBudget), Authority: get(FieldAuthority),
		ExpectedClose: date(FieldExpectedClose), CreatedAt: date(FieldCreated), StageChangedAt: date(FieldStageChanged)}
	r.CustomerName, r.OwnerName = get(FieldCustomer), get(FieldOwner)
	if v := get(FieldStage); v != "" {
		d.Stage = word(dealStages, v)
	}
	cur := get(FieldCurrency)
	if cur == "" {
		cur = rd.opts.Currency
	}
	if v := get(FieldValue); v != "" {
		var err error
		if d.Value, d.Currency, err = ParseMoney(v, strings.ToUpper(cur)); err != nil {
			*errs = append(*errs, "value: "+err.Error())
		}
	}
	if product := get(FieldProduct); product != "" {
		p, known := rd.opts.Prices[ProductKey(product)]
		switch {
		case known && d.Title == "":
			d.Title = p.Name
		case d.Title == "":
			d.Title = product
		}
		switch {
		case d.Value == 0 && known: // no value of its own (open, or lost at 0): the list price
			d.Value, d.Currency = p.Value, p.Currency
		case !known && len(rd.opts.Prices) > 0:
			r.Notes = append(r.Notes, fmt.Sprintf("unknown product %q", product))
		}
	}
	if d.Title == "" && r.CustomerName != "" {
		d.Title = r.CustomerName
	}
	if d.Currency == "" && d.Value == 0 {
		d.Currency = strings.ToUpper(cur)
	}
	// A closed deal last moved when it closed.
	if d.StageChangedAt.IsZero() && (d.Stage == "won" || d.Stage == "lost") && !d.ExpectedClose.IsZero() {
		d.StageChangedAt = d.ExpectedClose
	}
	if r.CustomerName == "" {
		r.Skip = "no customer (account)"
	}
	return &d
}

func (rd *Reader) price(name, value string, errs *[]string) {
	v, cur, err := ParseMoney(value, rd.opts.Currency)
	switch {
	case err != nil:
		*errs = append(*errs, "price: "+err.Error())
	case ProductKey(name) == "":
		*errs = append(*errs, "no product name")
	default:
		if rd.prices == nil {
			rd.prices = Prices{}
		}
		rd.prices[ProductKey(name)] = Price{Name: name, Value: v, Currency: cur}
	}
}

func tags(s string) []string {
	var out []string
	for _, t := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ';' }) {
		if t = strings.TrimSpace(t); t != "" && !slices.Contains(out, t) {
			out = append(out, t)
		}
	}
	return out
}
