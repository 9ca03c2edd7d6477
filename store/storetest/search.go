package storetest

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tend-crm/tend/store"
)

// searchTests check store.Search and store.History.
var searchTests = []struct {
	name string
	fn   func(*testing.T, *fixture)
}{
	{"Search/FoldedWords", testSearchFolded},
	{"Search/RelevanceAndRecency", testSearchRanking},
	{"Search/Scope", testSearchScope},
	{"Search/FollowsWritesAndUndo", testSearchFollowsWrites},
	{"Search/AnyWordsWhenNoneHasAll", testSearchFallback},
	{"Search/Invalid", testSearchInvalid},
	{"History/Customer", testHistory},
	{"History/Scope", testHistoryScope},
}

func (f *fixture) search(s store.Scope, text string) []string {
	f.t.Helper()
	hits, err := f.s.Search(f.t.Context(), s, store.SearchQuery{Text: text, Limit: 20})
	if err != nil {
		f.t.Fatalf("Search(%q): %v", text, err)
	}
	out := make([]string, len(hits))
	for i, h := range hits {
		out[i] = hitString(h)
	}
	return out
}

// hitString names a hit in failure messages: "interaction Acme: called about pricing".
func hitString(h store.Hit) string {
	s := string(h.Kind) + " " + h.Customer
	if h.Title != "" {
		s += "/" + h.Title
	}
	if h.Text != "" {
		s += ": " + h.Text
	}
	return s
}

func testSearchFolded(t *testing.T, f *fixture) {
	f.record(f.rep1, store.Activity{Customer: named("Minh Phát"), Contact: "chị Lan",
		Interaction: call(T0, "Chị Lan muốn BÁO GIÁ máy in")})
	f.record(f.rep1, store.Activity{Customer: named("Đại Đồng"), Interaction: call(T0.Add(-day), "hẹn gặp ở Đà Nẵng")})
	f.record(f.rep1, store.Activity{Customer: named("Acme Corp"), FollowUp: due(T0.Add(day), "send the quotes")})
	tests := []struct {
		query string
		want  string // a hit that must be among the results
		none  bool   // or: no result at all
	}{
		{"bao gia", "interaction Minh Phát: Chị Lan muốn BÁO GIÁ máy in", false},
		{"BÁO giá minh phat", "interaction Minh Phát: Chị Lan muốn BÁO GIÁ máy in", false},
		{"dai dong", "customer Đại Đồng", false},
		{"ĐẠI", "customer Đại Đồng", false},
		{"da nang", "interaction Đại Đồng: hẹn gặp ở Đà Nẵng", false},
		{"lan", "contact Minh Phát/chị Lan", false},
		{"quote", "followup Acme Corp: send the quotes", false},
		{"ACME", "customer Acme Corp", false},
		{"pricing", "", true},
	}
	for _, tt := range tests {
		got := f.search(f.admin, tt.query)
		switch {
		case tt.none && len(got) > 0:
			t.Errorf("Search(%q) = %q, want nothing", tt.query, got)
		case !tt.none && !slices.Contains(got, tt.want):
			t.Errorf("Search(%q) = %q, want it to hold %q", tt.query, got, tt.want)
		}
	}
}

func testSearchRanking(t *testing.T, f *fixture) {
	acme := f.record(f.rep1, store.Activity{Customer: named("Acme"), Interaction: call(T0.Add(-300*day), "pricing talk, old")}).Customer
	f.record(f.rep1, store.Activity{Customer: byID(acme.ID), Interaction: call(T0.Add(-2*day), "pricing talk, recent")})
	f.record(f.rep1, store.Activity{Customer: named("Globex"), Interaction: call(T0.Add(-day), "pricing for Globex")})
	f.record(f.rep1, store.Activity{Customer: named("Initech"), Interaction: call(T0, "weather chat")})

	got := f.search(f.rep1, "acme pricing")
	want := []string{"interaction Acme: pricing talk, recent", "interaction Acme: pricing talk, old"}
	if !slices.Equal(got, want) {
		t.Errorf("Search(acme pricing) = %q, want %q: both words, newer first", got, want)
	}
	got = f.search(f.rep1, "acme")
	if len(got) == 0 || got[0] != "customer Acme" {
		t.Errorf("Search(acme) = %q, want the customer first: the name is the best match", got)
	}

	// A customer ranks by their last contact, which every call moves.
	north := f.record(f.rep1, store.Activity{Customer: named("Umbrella North"), Interaction: call(T0, "met")}).Customer
	f.record(f.rep1, store.Activity{Customer: named("Umbrella South"), Interaction: call(T0, "met")})
	f.setNow(T0.Add(10 * day))
	f.record(f.rep1, store.Activity{Customer: byID(north.ID), Interaction: call(T0.Add(10*day), "met again")})
	got = slices.DeleteFunc(f.search(f.rep1, "umbrella"), func(h string) bool { return !strings.HasPrefix(h, "customer ") })
	if want := []string{"customer Umbrella North", "customer Umbrella South"}; !slices.Equal(got, want) {
		t.Errorf("Search(umbrella) = %q, want %q: the customer called lately first", got, want)
	}
}

func testSearchScope(t *testing.T, f *fixture) {
	f.record(f.rep1, store.Activity{Customer: named("Acme"), Contact: "Jane", Interaction: call(T0, "secret pricing")})
	f.record(f.rep2, store.Activity{Customer: named("Globex"), Interaction: call(T0, "other secret pricing")})
	for _, tt := range []struct {
		who  string
		s    store.Scope
		want int
	}{{"rep1", f.rep1, 1}, {"rep2", f.rep2, 1}, {"admin", f.admin, 2}} {
		got := f.search(tt.s, "secret")
		if len(got) != tt.want {
			t.Errorf("Search(secret) as %s = %q, want %d hits", tt.who, got, tt.want)
		}
		for _, h := range got {
			if tt.s == f.rep2 && strings.Contains(h, "Acme") {
				t.Errorf("rep2 sees rep1's %q", h)
			}
		}
	}
	if got := f.search(f.rep2, "jane acme"); len(got) != 0 {
		t.Errorf("Search(jane acme) as rep2 = %q, want nothing", got)
	}
}

func testSearchFollowsWrites(t *testing.T, f *fixture) {
	ctx := t.Context()
	r := f.record(f.rep1, store.Activity{Customer: named("Minh Phát"), Interaction: call(T0, "demo máy lọc nước")})
	if got := f.search(f.rep1, "loc nuoc"); len(got) != 1 {
		t.Fatalf("Search(loc nuoc) = %q, want the interaction", got)
	}
	alias, err := f.s.AddAlias(ctx, f.rep1, f.origin(), r.Customer.ID, "MP Group")
	if err != nil {
		t.Fatal(err)
	}
	if got := f.search(f.rep1, "mp group loc nuoc"); len(got) != 1 {
		t.Errorf("Search by alias = %q, want the interaction: an alias names every record of the customer", got)
	}
	f.undo(f.rep1, alias)
	if got := f.search(f.rep1, "mp group"); len(got) != 0 {
		t.Errorf("Search(mp group) after undoing the alias = %q, want nothing", got)
	}
	f.undo(f.rep1, r.Change)
	if got := f.search(f.rep1, "loc nuoc"); len(got) != 0 {
		t.Errorf("Search(loc nuoc) after undo = %q, want nothing", got)
	}
	if got := f.search(f.rep1, "minh phat"); len(got) != 0 {
		t.Errorf("Search(minh phat) after undoing its creation = %q, want nothing", got)
	}
	// The customer's own document follows its phone; a later call, which
	// moves the last-contact date, keeps it.
	acme := f.record(f.rep1, store.Activity{Customer: named("Acme"), Interaction: call(T0, "intro")}).Customer
	phone := "0903 555 111"
	_, set, err := f.s.UpdateCustomer(ctx, f.rep1, f.origin(), acme.ID, store.CustomerUpdate{Phone: &phone})
	if err != nil {
		t.Fatal(err)
	}
	if got := f.search(f.rep1, "0903"); !slices.Contains(got, "customer Acme") {
		t.Errorf("Search(0903) after setting the phone = %q, want the customer", got)
	}
	f.undo(f.rep1, set)
	if got := f.search(f.rep1, "0903"); len(got) != 0 {
		t.Errorf("Search(0903) after undoing the phone = %q, want nothing", got)
	}
	if _, _, err := f.s.UpdateCustomer(ctx, f.rep1, f.origin(), acme.ID, store.CustomerUpdate{Phone: &phone}); err != nil {
		t.Fatal(err)
	}
	f.record(f.rep1, store.Activity{Customer: byID(acme.ID), Interaction: call(T0.Add(time.Hour), "follow-up call")})
	if got := f.search(f.rep1, "0903"); !slices.Contains(got, "customer Acme") {
		t.Errorf("Search(0903) after a call = %q, want the customer still", got)
	}
}

func testSearchFallback(t *testing.T, f *fixture) {
	f.record(f.rep1, store.Activity{Customer: named("Acme"), Interaction: call(T0, "pricing and discounts")})
	f.record(f.rep1, store.Activity{Customer: named("Globex"), Interaction: call(T0, "pricing only")})
	got := f.search(f.rep1, "pricing discounts unicorns")
	if len(got) != 2 || got[0] != "interaction Acme: pricing and discounts" {
		t.Errorf("Search(pricing discounts unicorns) = %q, want both, the one with more words first", got)
	}
}

func testSearchInvalid(t *testing.T, f *fixture) {
	f.record(f.rep1, store.Activity{Customer: named("Acme"), Interaction: call(T0, "said \"hi\" (AND) NOT OR * -x")})
	for _, q := range []string{"", "  ?! ", "\"", "*"} {
		_, err := f.s.Search(t.Context(), f.rep1, store.SearchQuery{Text: q})
		if !errors.Is(err, store.ErrInvalid) {
			t.Errorf("Search(%q) = %v, want ErrInvalid", q, err)
		}
	}
	// Query syntax in the text is taken as words.
	for _, q := range []string{`"hi" AND`, "NOT", "hi*", "(and) or", "acme -x", "NEAR/2 hi"} {
		if _, err := f.s.Search(t.Context(), f.rep1, store.SearchQuery{Text: q}); err != nil {
			t.Errorf("Search(%q): %v", q, err)
		}
	}
	if got := f.search(f.rep1, "NOT"); len(got) != 1 {
		t.Errorf("Search(NOT) = %q, want the interaction with the word", got)
	}
}

func (f *fixture) history(s store.Scope, id store.CustomerID) []string {
	f.t.Helper()
	es, err := f.s.History(f.t.Context(), s, id, 20)
	if err != nil {
		f.t.Fatalf("History(%d): %v", id, err)
	}
	out := make([]string, len(es))
	for i, e := range es {
		out[i] = fmt.Sprintf("%s: %s", e.UserName, e.Summary)
		if !e.UndoneAt.IsZero() {
			out[i] += " (undone)"
		}
	}
	return out
}

func testHistory(t *testing.T, f *fixture) {
	ctx := t.Context()
	acme := f.record(f.rep1, store.Activity{Customer: named("Acme"), Interaction: call(T0, "first")}).Customer
	fu := f.record(f.rep1, store.Activity{Customer: byID(acme.ID), FollowUp: due(T0.Add(day), "quote")}).FollowUp
	f.record(f.rep2, store.Activity{Customer: named("Globex"), Interaction: call(T0, "not Acme's")})
	f.setNow(T0.Add(time.Hour))
	f.snooze(f.manager, fu.ID, T0.Add(2*day), true)
	if _, err := f.s.AddAlias(ctx, f.rep1, f.origin(), acme.ID, "ACME Inc"); err != nil {
		t.Fatal(err)
	}
	logged := f.record(f.rep1, store.Activity{Customer: byID(acme.ID), Contact: "Jane", Interaction: call(T0, "second")})
	f.undo(f.rep1, logged.Change)

	want := []string{
		"rep1: undo: log call: Acme",
		"rep1: log call: Acme (undone)",
		"rep1: alias: ACME Inc",
		"manager: snooze follow-up: Acme",
		"rep1: follow-up: Acme",
		"rep1: log call: Acme",
	}
	if got := f.history(f.rep1, acme.ID); !slices.Equal(got, want) {
		t.Errorf("History(Acme) =\n%q\nwant\n%q", got, want)
	}
	es, err := f.s.History(ctx, f.rep1, acme.ID, 2)
	if err != nil || len(es) != 2 || es[0].At.IsZero() || es[0].UserID != f.rep1.UserID {
		t.Errorf("History(limit 2) = %+v, %v; want the 2 latest, with time and user", es, err)
	}
}

func testHistoryScope(t *testing.T, f *fixture) {
	acme := f.record(f.rep1, store.Activity{Customer: named("Acme"), Interaction: call(T0, "first")}).Customer
	if _, err := f.s.History(t.Context(), f.rep2, acme.ID, 10); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("History(rep1's customer) as rep2: %v, want ErrNotFound", err)
	}
	if got := f.history(f.manager, acme.ID); len(got) != 1 {
		t.Errorf("History as manager = %q, want the one change", got)
	}
}
