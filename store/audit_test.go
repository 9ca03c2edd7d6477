package store

import (
	"encoding/json"
	"maps"
	"math"
	"testing"
)

// TestAuditJSON: what the audit writes, Undo reads back as it was.
func TestAuditJSON(t *testing.T) {
	type col struct {
		name string
		val  any
	}
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
			s := AuditJSON(len(tt.cols), func(i int) (string, any) { return tt.cols[i].name, tt.cols[i].val })
			if !json.Valid([]byte(s)) {
				t.Fatalf("AuditJSON = %s: not JSON", s)
			}
			got, err := DecodeAuditJSON(s)
			if err != nil {
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
				t.Errorf("AuditJSON = %s, read back as %#v, want %#v", s, got, want)
			}
		})
	}
}

// TestDecodeAuditJSONRefuses what Undo must not build SQL from.
func TestDecodeAuditJSONRefuses(t *testing.T) {
	for _, s := range []string{`{"name; DROP TABLE users":1}`, `{"Name":1}`, `{"a":1.5}`, `[1]`, `{`} {
		if m, err := DecodeAuditJSON(s); err == nil {
			t.Errorf("DecodeAuditJSON(%s) = %v, want an error", s, m)
		}
	}
}
