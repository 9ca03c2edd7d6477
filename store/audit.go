package store

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"
)

// The audit keeps each written row's columns as JSON, which Undo reads
// back to restore them: both stores write and read it the same way.
// Values are int64, string or nil.

// auditColumn is what a column's name must look like: Undo builds SQL
// from it.
var auditColumn = regexp.MustCompile(`^[a-z_]+$`)

// AuditJSON writes n columns, col(i) giving each one's name and value,
// without encoding/json's map encoder: the committer writes three of these
// for every logged call, and an import one for every row.
func AuditJSON(n int, col func(i int) (name string, val any)) string {
	b := make([]byte, 0, 256)
	b = append(b, '{')
	for i := range n {
		if i > 0 {
			b = append(b, ',')
		}
		name, val := col(i)
		b = appendJSONString(b, name)
		b = append(b, ':')
		switch v := val.(type) {
		case int64:
			b = strconv.AppendInt(b, v, 10)
		case string:
			b = appendJSONString(b, v)
		case nil:
			b = append(b, "null"...)
		default: // no column of Tend's holds another type; kept if one does
			j, _ := json.Marshal(v)
			b = append(b, j...)
		}
	}
	return string(append(b, '}'))
}

// appendJSONString quotes s as encoding/json does, invalid UTF-8 included,
// without its escaping of HTML.
func appendJSONString(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	for _, r := range s {
		switch {
		case r == '"' || r == '\\':
			b = append(b, '\\', byte(r))
		case r < 0x20:
			b = append(b, '\\', 'u', '0', '0', hex[r>>4], hex[r&0xF])
		case r == utf8.RuneError:
			b = append(b, "\\ufffd"...)
		default:
			b = utf8.AppendRune(b, r)
		}
	}
	return append(b, '"')
}

// DecodeAuditJSON reads what AuditJSON wrote: numbers as int64, and only
// names a column may have.
func DecodeAuditJSON(s string) (map[string]any, error) {
	var m map[string]any
	d := json.NewDecoder(strings.NewReader(s))
	d.UseNumber()
	if err := d.Decode(&m); err != nil {
		return nil, fmt.Errorf("audit: %w", err)
	}
	for k, v := range m {
		if !auditColumn.MatchString(k) {
			return nil, fmt.Errorf("audit: bad column %q", k)
		}
		if n, ok := v.(json.Number); ok {
			i, err := n.Int64()
			if err != nil {
				return nil, fmt.Errorf("audit: column %s: %w", k, err)
			}
			m[k] = i
		}
	}
	return m, nil
}
