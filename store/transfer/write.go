package transfer

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/tend-crm/tend/store"
)

// Columns are the columns an export of each kind has, in order; an import
// reads them back.
var Columns = map[store.ImportKind][]string{
	store.ImportUsers:        {FieldExternalID, FieldName, FieldRole, FieldManager, FieldTimeZone, FieldLang},
	store.ImportCustomers:    {FieldExternalID, FieldName, FieldType, FieldOwner, FieldStage, FieldSegment, FieldCadence, FieldTags, FieldPhone, FieldEmail, FieldCreated},
	store.ImportContacts:     {FieldExternalID, FieldCustomer, FieldName, FieldRole, FieldPhone, FieldEmail},
	store.ImportDeals:        {FieldExternalID, FieldCustomer, FieldOwner, FieldTitle, FieldValue, FieldCurrency, FieldStage, FieldExpectedClose, FieldCreated, FieldStageChanged, FieldNeed, FieldBudget, FieldAuthority},
	store.ImportInteractions: {FieldExternalID, FieldCustomer, FieldContact, FieldOwner, FieldKind, FieldDate, FieldSummary},
}

// Format is how an export is written.
type Format string

const (
	CSV  Format = "csv"  // with a byte order mark, so that Excel reads it as UTF-8
	JSON Format = "json" // an array of objects keyed by column
)

// Writer writes the rows of one kind to one file.
type Writer struct {
	kind   store.ImportKind
	format Format
	loc    *time.Location
	w      io.Writer
	csv    *csv.Writer
	n      int
}

// NewWriter starts a file of kind in format; dates are written in loc.
func NewWriter(w io.Writer, kind store.ImportKind, format Format, loc *time.Location) (*Writer, error) {
	cols, ok := Columns[kind]
	if !ok {
		return nil, fmt.Errorf("transfer: unknown kind %q", kind)
	}
	wr := &Writer{kind: kind, format: format, loc: loc, w: w}
	switch format {
	case CSV:
		if _, err := io.WriteString(w, "\uFEFF"); err != nil {
			return nil, err
		}
		wr.csv = csv.NewWriter(w)
		return wr, wr.csv.Write(cols)
	case JSON:
		_, err := io.WriteString(w, "[")
		return wr, err
	}
	return nil, fmt.Errorf("transfer: unknown format %q", format)
}

// Write adds one row.
func (wr *Writer) Write(r store.ImportRow) error {
	vals := wr.values(r)
	wr.n++
	if wr.csv != nil {
		return wr.csv.Write(vals)
	}
	cols := Columns[wr.kind]
	var b strings.Builder
	if wr.n > 1 {
		b.WriteString(",")
	}
	b.WriteString("\n  {")
	for i, c := range cols {
		if i > 0 {
			b.WriteString(", ")
		}
		k, _ := json.Marshal(c)
		v, _ := json.Marshal(vals[i])
		b.Write(k)
		b.WriteString(": ")
		b.Write(v)
	}
	b.WriteString("}")
	_, err := io.WriteString(wr.w, b.String())
	return err
}

// Close ends the file (it does not close the io.Writer).
func (wr *Writer) Close() error {
	if wr.csv != nil {
		wr.csv.Flush()
		return wr.csv.Error()
	}
	_, err := io.WriteString(wr.w, "\n]\n")
	return err
}

func (wr *Writer) values(r store.ImportRow) []string {
	date := func(t time.Time) string { return FormatDate(t, wr.loc) }
	var m map[string]string
	switch {
	case r.User != nil:
		u := r.User
		m = map[string]string{FieldName: u.Name, FieldRole: string(u.Role), FieldManager: r.ManagerName, FieldTimeZone: u.TimeZone, FieldLang: u.Lang}
	case r.Customer != nil:
		c := r.Customer
		typ := "company"
		if c.IsPerson {
			typ = "person"
		}
		m = map[string]string{FieldName: c.Name, FieldType: typ, FieldOwner: r.OwnerName, FieldStage: string(c.Stage), FieldSegment: c.Segment,
			FieldCadence: strconv.Itoa(c.CadenceDays), FieldTags: strings.Join(c.Tags, ", "), FieldPhone: c.Phone, FieldEmail: c.Email,
			FieldCreated: date(c.CreatedAt)}
	case r.Contact != nil:
		p := r.Contact
		m = map[string]string{FieldCustomer: r.CustomerName, FieldName: p.Name, FieldRole: p.Role, FieldPhone: p.Phone, FieldEmail: p.Email}
	case r.Deal != nil:
		d := r.Deal
		m = map[string]string{FieldCustomer: r.CustomerName, FieldOwner: r.OwnerName, FieldTitle: d.Title, FieldValue: FormatMoney(d.Value, d.Currency),
			FieldCurrency: d.Currency, FieldStage: d.Stage, FieldExpectedClose: date(d.ExpectedClose), FieldCreated: date(d.CreatedAt),
			FieldStageChanged: date(d.StageChangedAt), FieldNeed: d.Need, FieldBudget: d.Budget, FieldAuthority: d.Authority}
	case r.Interaction != nil:
		in := r.Interaction
		m = map[string]string{FieldCustomer: r.CustomerName, FieldContact: r.ContactName, FieldOwner: r.OwnerName, FieldKind: string(in.Kind),
			FieldDate: date(in.At), FieldSummary: in.Summary}
	}
	if m == nil {
		m = map[string]string{}
	}
	m[FieldExternalID] = r.ExternalID
	cols := Columns[wr.kind]
	out := make([]string, len(cols))
	for i, c := range cols {
		out[i] = m[c]
	}
	return out
}
