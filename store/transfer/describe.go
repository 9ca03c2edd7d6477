package transfer

import (
	"cmp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/tend-crm/tend/store"
)

// Describe says how a row was understood, for a dry run's preview: each
// value named by its field ("customer \"Acme\", phone \"0903…\"").
func Describe(r store.ImportRow) string {
	switch {
	case r.Err != "":
		return "cannot be read: " + r.Err
	case r.Skip != "":
		return "left out: " + r.Skip
	}
	var parts []string
	add := func(label, v string) {
		if v != "" && v != "0" {
			parts = append(parts, label+" "+strconv.Quote(v))
		}
	}
	date := func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.Format("2 Jan 2006")
	}
	add("id", r.ExternalID)
	switch {
	case r.User != nil:
		add("user", r.User.Name)
		add("role", string(r.User.Role))
		add("manager", r.ManagerName)
	case r.Customer != nil:
		add("customer", r.Customer.Name)
		add("phone", r.Customer.Phone)
		add("email", r.Customer.Email)
		add("contact", r.ContactName)
		add("stage", string(r.Customer.Stage))
		add("tags", strings.Join(r.Customer.Tags, ", "))
		add("owner", r.OwnerName)
	case r.Contact != nil:
		add("contact", r.Contact.Name)
		add("at", r.CustomerName)
		add("role", r.Contact.Role)
		add("phone", r.Contact.Phone)
		add("email", r.Contact.Email)
	case r.Deal != nil:
		add("deal", r.Deal.Title)
		add("customer", r.CustomerName)
		add("value", FormatMoney(r.Deal.Value, r.Deal.Currency)+" "+r.Deal.Currency)
		add("stage", r.Deal.Stage)
		add("close", date(r.Deal.ExpectedClose))
		add("owner", r.OwnerName)
	case r.Interaction != nil:
		add(cmp.Or(string(r.Interaction.Kind), "note"), r.CustomerName)
		add("on", date(r.Interaction.At))
		add("with", r.ContactName)
		add("by", r.OwnerName)
		add("summary", r.Interaction.Summary)
	}
	return strings.Join(parts, ", ")
}

// DescribeColumns says which field each column was read as.
func DescribeColumns(cols []Column) string {
	var parts []string
	for _, c := range cols {
		if c.Field == "" {
			parts = append(parts, c.Header+" (ignored)")
		} else {
			parts = append(parts, c.Header+" → "+c.Field)
		}
	}
	return strings.Join(parts, ", ")
}

// Reason is a reason lines were left out or remarked on, with how many.
type Reason struct {
	Outcome string // "skipped" or "note"
	Reason  string
	Lines   int
}

// Group splits an import's problems into the failed lines, one by one, and
// the other outcomes by reason, as they repeat (1,425 deals without an
// account): lines left out before remarks, since those are what the user
// may act on, each in the order first met.
func Group(problems []store.ImportProblem) (failed []store.ImportProblem, reasons []Reason) {
	at := map[[2]string]int{}
	for _, p := range problems {
		if p.Outcome == "failed" {
			failed = append(failed, p)
			continue
		}
		key := [2]string{p.Outcome, p.Reason}
		i, ok := at[key]
		if !ok {
			i = len(reasons)
			at[key] = i
			reasons = append(reasons, Reason{Outcome: p.Outcome, Reason: p.Reason})
		}
		reasons[i].Lines++
	}
	slices.SortStableFunc(reasons, func(a, b Reason) int { return -strings.Compare(a.Outcome, b.Outcome) })
	return failed, reasons
}
