package store_test

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/tend-crm/tend/store"
)

func TestFold(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{"minh phat", "minh phat"},
		{"Minh Phát", "minh phat"},
		{"MINH PHÁT", "minh phat"},
		{"Công ty TNHH Minh Phát", "cong ty tnhh minh phat"},
		{"ĐẠI", "dai"},
		{"đường Lê Lợi", "duong le loi"},
		{"Ngô Thị Hương", "ngo thi huong"},
		{"ÀÁẢÃẠĂẰẮẲẴẶÂẦẤẨẪẬ", "aaaaaaaaaaaaaaaaa"},
		{"ỲÝỶỸỴ ỳýỷỹỵ", "yyyyy yyyyy"},
		{"Ơ Ư ơ ư", "o u o u"},
		{"Crème Brûlée", "creme brulee"},
		{"Straße", "straße"},
		{"ΑΘΗΝΑ", "αθηνα"},
		{"Привет", "привет"},
		{"東京", "東京"},
		{"Acme & Co., Ltd.", "acme & co., ltd."},
		{"tab\there\nnewline", "tab\there\nnewline"},
		// Fold works rune by rune: decomposed text keeps its marks
		// (Normalize first), and each invalid byte stays one rune.
		{"Phe\u0301", "phe\u0301"},
		{"a\xffB", "a\uFFFDb"},
		{"\xe1\xba", "\uFFFD\uFFFD"},
	}
	for _, tt := range tests {
		got := store.Fold(tt.in)
		if got != tt.want {
			t.Errorf("Fold(%q) = %q, want %q", tt.in, got, tt.want)
		}
		if n, m := utf8.RuneCountInString(got), utf8.RuneCountInString(tt.in); n != m {
			t.Errorf("Fold(%q) has %d runes, want %d", tt.in, n, m)
		}
	}
}

func TestFoldRune(t *testing.T) {
	tests := []struct{ in, want rune }{
		{'a', 'a'}, {'Z', 'z'}, {'1', '1'}, {' ', ' '},
		{'Đ', 'd'}, {'đ', 'd'}, {'Ế', 'e'}, {'ự', 'u'}, {'Ỗ', 'o'},
		{'Ñ', 'n'}, {'Ç', 'c'}, {'×', '×'}, {'÷', '÷'},
		{'Ж', 'ж'}, {'字', '字'}, {utf8.RuneError, utf8.RuneError},
	}
	for _, tt := range tests {
		if got := store.FoldRune(tt.in); got != tt.want {
			t.Errorf("FoldRune(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// TestFoldEveryRune: Fold maps each rune to exactly one valid rune, so that
// positions in the folded text are positions in the original.
func TestFoldEveryRune(t *testing.T) {
	for r := rune(0); r <= utf8.MaxRune; r++ {
		if !utf8.ValidRune(r) {
			continue
		}
		f := store.FoldRune(r)
		if !utf8.ValidRune(f) {
			t.Fatalf("FoldRune(%U) = %U, not a valid rune", r, f)
		}
		if got := store.Fold(string(r)); got != string(f) {
			t.Fatalf("Fold(%U) = %q, want %q", r, got, string(f))
		}
	}
}

func TestNormalize(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{"plain", "plain"},
		{"Phe\u0301t", "Phét"},
		{"Pha\u0301t", "Phát"},
		{"line\nnext\tcol", "line\nnext\tcol"},
		{"a\x00b\x1bc\x7fd", "abcd"},
		{"crlf\r\n", "crlf\n"},
		{"nel\u0085", "nel"},
		{"zero\u200bwidth", "zero\u200bwidth"},
		{"bad\xff\xfebytes", "bad\uFFFDbytes"},
		{"\xe1\xba", "\uFFFD"},
		{"Công ty TNHH Minh Phát", "Công ty TNHH Minh Phát"},
	}
	for _, tt := range tests {
		if got := store.Normalize(tt.in); got != tt.want {
			t.Errorf("Normalize(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestNameKey(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{"   ", ""},
		{"?!.", ""},
		{"Acme", "acme"},
		{"  Acme, Corp. ", "acme corp"},
		{"ACME   corp", "acme corp"},
		{"AT&T", "at&t"},
		{"Công ty TNHH Minh Phát", "cong ty tnhh minh phat"},
		{"CÔNG TY TNHH MINH PHÁT", "cong ty tnhh minh phat"},
		{"Cong ty TNHH Minh Phat", "cong ty tnhh minh phat"},
		{"Pha\u0301t", "phat"}, // decomposed: Normalize composes first
		{"ĐẠI LỘC", "dai loc"},
		{"Hà Nội - Việt Nam", "ha noi viet nam"},
		{"Minh\tPhát\n", "minh phat"},
		{"O'Brien", "o brien"},
		{"Shop 24/7", "shop 24 7"},
		{"a\x00b", "ab"},
		{"a\xffb", "a b"},
		{"東京 商事", "東京 商事"},
	}
	for _, tt := range tests {
		if got := store.NameKey(tt.in); got != tt.want {
			t.Errorf("NameKey(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func FuzzFold(f *testing.F) {
	for _, s := range []string{"", "Minh Phát", "Công ty TNHH Minh Phát", "ĐẠI", "Phe\u0301t", "a\xffb", "\xe1\xba", "Straße", "İ", "ǅ", "\u212b", "  Acme, Corp. "} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := store.Fold(s)
		if n, m := utf8.RuneCountInString(got), utf8.RuneCountInString(s); n != m {
			t.Fatalf("Fold(%q) = %q: %d runes, want %d", s, got, n, m)
		}
		if utf8.ValidString(s) && !utf8.ValidString(got) {
			t.Fatalf("Fold(%q) = %q, not valid UTF-8", s, got)
		}
		norm := store.Normalize(s)
		if !utf8.ValidString(norm) {
			t.Fatalf("Normalize(%q) = %q, not valid UTF-8", s, norm)
		}
		key := store.NameKey(s)
		if strings.HasPrefix(key, " ") || strings.HasSuffix(key, " ") || strings.Contains(key, "  ") {
			t.Fatalf("NameKey(%q) = %q: stray spaces", s, key)
		}
		if strings.ContainsAny(key, "\n\t\x00") {
			t.Fatalf("NameKey(%q) = %q: control characters", s, key)
		}
	})
}
