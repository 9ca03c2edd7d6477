package sqlite

import (
	"encoding/json"
	"maps"
	"math"
	"testing"
)

// TestColsJSON: what the audit writes, Undo reads back as it was.
func TestColsJSON(t *testing.T) {
	tests := []struct {
		name string
		cols []col
		want map[string]any // nil: the columns themselves
	}{
		{"none", nil, nil},
		{"numbers and null", []col{{"a", int64(0)}, {"b", int64(math.MinInt64)}, {"c", int64(math.MaxInt64)}, {"d", nil}}, nil},
		{"quotes and escapes", []col{{"note", `say "hi" \ bye`}, {"summary", "line\nnext\ttab\x00\x1f"}}, nil},
		{"text of every script", []col{{"name", "Công ty Minh Phát — 株式会社 🎉 </script> & <b>"}, {"sep", "\u2028\u2029\ufffd"}}, nil},
		{"invalid UTF-8 as encoding/json writes it", []col{{"x", "a\xffb"}}, map[string]any{"x": "a\ufffdb"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := colsJSON(tt.cols)
			if !json.Valid([]byte(s)) {
				t.Fatalf("colsJSON = %s: not JSON", s)
			}
			var got map[string]any
			if err := decodeCols(s, &got); err != nil {
				t.Fatal(err)
			}
			want := tt.want
			if want == nil {
				want = map[string]any{}
				for _, c := range tt.cols {
					want[c.name] = c.val
				}
			}
			if !maps.Equal(got, want) {
				t.Errorf("colsJSON = %s, read back as %#v, want %#v", s, got, want)
			}
		})
	}
}
