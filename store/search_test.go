package store_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/tend-crm/tend/store"
)

func TestSearchTerms(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"Báo GIÁ Minh Phát?", []string{"bao", "gia", "minh", "phat"}},
		{"Đại Đồng", []string{"dai", "dong"}},
		{`"pricing" AND (acme*) -x NEAR/2`, []string{"pricing", "and", "acme", "near", "2"}},
		{"Jane's quote", []string{"jane", "quote"}},
		{"a", []string{"a"}},
		{"  ?! * ", nil},
		{"", nil},
	}
	for _, tt := range tests {
		if got := store.SearchTerms(tt.in); !slices.Equal(got, tt.want) {
			t.Errorf("SearchTerms(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestSnippet(t *testing.T) {
	long := strings.Repeat("filler words here ", 10) + "Chị Lan muốn BÁO GIÁ máy in" + strings.Repeat(" and more", 10)
	tests := []struct {
		name, text, query string
		width             int
		want              string
	}{
		{"short text whole", "called  Acme\nabout pricing", "pricing", 40, "called Acme about pricing"},
		{"cut around the match", long, "bao gia", 40, "…Chị Lan muốn BÁO GIÁ máy in and more and…"},
		{"no match: the start", long, "unicorn", 30, "filler words here filler words…"},
		{"word starts only", "xpricing " + strings.Repeat("y ", 30) + "pricing", "pricing", 20, "…y y y pricing"},
	}
	for _, tt := range tests {
		if got := store.Snippet(tt.text, store.SearchTerms(tt.query), tt.width); got != tt.want {
			t.Errorf("%s: Snippet(…, %q, %d) = %q, want %q", tt.name, tt.query, tt.width, got, tt.want)
		}
	}
}
