package bot_test

import (
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/tend-crm/tend/bot"
)

func TestSplit(t *testing.T) {
	tests := []struct {
		name  string
		text  string
		limit int
		want  []string
	}{
		{"empty", "", 10, []string{""}},
		{"short", "hello", 10, []string{"hello"}},
		{"exactly the limit", "0123456789", 10, []string{"0123456789"}},
		{"one over the limit, no break", "0123456789a", 10, []string{"0123456789", "a"}},
		{"cuts at newline", "line one\nline two", 12, []string{"line one", "line two"}},
		{"prefers newline to a later space", "ab\ncd ef gh", 9, []string{"ab", "cd ef gh"}},
		{"cuts at space", "hello world again", 12, []string{"hello world", "again"}},
		{"drops separators at the start of the next part", "aaaa\n\n  bbbb", 5, []string{"aaaa", "bbbb"}},
		{"a space right at the limit is a break", "aaaa bbbb\ncccc", 9, []string{"aaaa bbbb", "cccc"}},
		{"no break point", "abcdefghij", 4, []string{"abcd", "efgh", "ij"}},
		// "ệ" is 3 bytes (e1 bb 87): "ab" + "ệ" is 5 bytes, so a 4-byte
		// cut would land inside it.
		{"never inside a rune", "abệcd", 4, []string{"ab", "ệc", "d"}},
		{"vietnamese near the limit", "Nhắc việc", 8, []string{"Nhắc", "việc"}},
		{"vietnamese without spaces", "ệệệ", 7, []string{"ệệ", "ệ"}},
		{"emoji", "😀😀", 5, []string{"😀", "😀"}},
		{"tiny limit is raised to a rune", "abcdef", 1, []string{"abcd", "ef"}},
		{"zero limit", "ệệ", 0, []string{"ệ", "ệ"}},
		{"negative limit", "😀x", -5, []string{"😀", "x"}},
		{"invalid UTF-8 terminates", "a\x80\x80\x80\x80\x80", 4, []string{"a\x80\x80\x80", "\x80\x80"}},
		{"only continuation bytes", "\x80\x80\x80\x80\x80", 4, []string{"\x80\x80\x80\x80", "\x80"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := bot.Split(tt.text, tt.limit)
			if !slices.Equal(got, tt.want) {
				t.Errorf("Split(%q, %d) = %q, want %q", tt.text, tt.limit, got, tt.want)
			}
			checkSplit(t, tt.text, tt.limit, got)
		})
	}
}

// TestSplitProperties checks the invariants on longer, mixed inputs.
func TestSplitProperties(t *testing.T) {
	words := []string{"Gọi", "anh", "Tuấn", "về", "hợp đồng", "thứ", "Hai", "😀", "call", "Lan", "\n", "\n\n", " ", "tomorrow", "ệ", strings.Repeat("x", 37)}
	var b strings.Builder
	for i := range 2000 {
		b.WriteString(words[(i*7+i/3)%len(words)])
		if i%5 != 0 {
			b.WriteByte(' ')
		}
	}
	text := b.String()
	for _, limit := range []int{1, 4, 5, 6, 7, 13, 64, 100, 4096, len(text), len(text) + 1} {
		parts := bot.Split(text, limit)
		checkSplit(t, text, limit, parts)
		if limit >= len(text) && len(parts) != 1 {
			t.Errorf("Split(text, %d) gave %d parts for %d bytes, want 1", limit, len(parts), len(text))
		}
	}
}

func FuzzSplit(f *testing.F) {
	f.Add("", 10)
	f.Add("hello world", 5)
	f.Add("line one\nline two\nline three", 9)
	f.Add("Nhắc việc: gọi anh Tuấn về hợp đồng", 8)
	f.Add("ệệệệệệ", 4)
	f.Add("😀😀😀 😀", 5)
	f.Add("a\x80\x80\x80\x80\x80", 4)
	f.Add("\xff\xfe\xfd\xfc\xfb", 1)
	f.Add("  \n\n  x", 3)
	f.Add(strings.Repeat("ab ", 100), -1)
	f.Fuzz(func(t *testing.T, text string, limit int) {
		limit %= 1 << 16 // keep the limit sensible; negative stays negative
		checkSplit(t, text, limit, bot.Split(text, limit))
	})
}

// checkSplit asserts Split's contract: at least one part, every part within
// the limit (raised to utf8.UTFMax), non-empty parts when there are several,
// valid UTF-8 in gives valid UTF-8 out, and only separators are dropped.
func checkSplit(t *testing.T, text string, limit int, parts []string) {
	t.Helper()
	if len(parts) == 0 {
		t.Fatalf("Split(%q, %d) returned no parts", text, limit)
	}
	max := max(limit, utf8.UTFMax)
	for i, p := range parts {
		if len(p) > max {
			t.Errorf("Split(%q, %d): part %d is %d bytes, limit %d", text, limit, i, len(p), max)
		}
		if len(parts) > 1 && p == "" {
			t.Errorf("Split(%q, %d): part %d is empty", text, limit, i)
		}
		if utf8.ValidString(text) && !utf8.ValidString(p) {
			t.Errorf("Split(%q, %d): part %d %q cuts a rune", text, limit, i, p)
		}
	}
	if got, want := dropSeparators(strings.Join(parts, "")), dropSeparators(text); got != want {
		t.Errorf("Split(%q, %d) = %q: joined non-separators %q, want %q", text, limit, parts, got, want)
	}
}

func dropSeparators(s string) string {
	return strings.NewReplacer(" ", "", "\n", "").Replace(s)
}
