package store

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"hash"
	"strconv"
)

// TableSource gives a store's tables as they are, for moving a book from
// one store to another (`tend migrate-data`). Values are int64, float64,
// string or nil: both schemas have the same tables and columns.
type TableSource interface {
	// Tables lists the tables that hold the book: not the search index or
	// the migrations, which each store keeps its own way.
	Tables(ctx context.Context) ([]string, error)
	// ReadTable calls each with the column names of table and every row,
	// in primary-key order (text compared byte by byte), stopping at each's
	// first error.
	ReadTable(ctx context.Context, table string, each func(cols []string, row []any) error) error
}

// TableCopy is what a copy did to one table: the rows read from the
// source and read back from the target, and their checksums (TableSum),
// which must be equal.
type TableCopy struct {
	Table                  string
	SourceRows, TargetRows int64
	SourceSum, TargetSum   string
}

// OK reports whether the target holds what the source did.
func (c TableCopy) OK() bool {
	return c.SourceRows == c.TargetRows && c.SourceSum == c.TargetSum
}

// TableSum is a checksum over a table's rows, in the order given: SHA-256
// over each value with its type, so that 1 and "1", or "" and NULL, differ.
type TableSum struct {
	h hash.Hash
	n int64
}

// NewTableSum starts a checksum.
func NewTableSum() *TableSum { return &TableSum{h: sha256.New()} }

// Add adds one row.
func (s *TableSum) Add(row []any) error {
	var b []byte
	for _, v := range row {
		switch v := v.(type) {
		case nil:
			b = append(b, 'n')
		case int64:
			b = strconv.AppendInt(append(b, 'i'), v, 10)
		case float64:
			b = strconv.AppendFloat(append(b, 'f'), v, 'g', -1, 64)
		case string:
			b = binary.AppendUvarint(append(b, 's'), uint64(len(v)))
			b = append(b, v...)
		case []byte:
			b = binary.AppendUvarint(append(b, 's'), uint64(len(v)))
			b = append(b, v...)
		default:
			return fmt.Errorf("checksum: value of type %T", v)
		}
		b = append(b, 0)
	}
	s.h.Write(append(b, '\n'))
	s.n++
	return nil
}

// Rows is how many rows were added.
func (s *TableSum) Rows() int64 { return s.n }

// String is the checksum in hex.
func (s *TableSum) String() string { return hex.EncodeToString(s.h.Sum(nil)) }
