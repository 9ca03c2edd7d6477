package main

import (
	"bufio"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"time"

	"github.com/tend-crm/tend/store"
)

// runAudit writes the audit log: every change with who made it, when, and
// each record it wrote before and after. Whoever may read the database
// file may read this, as with backup.
func runAudit(ctx context.Context, e env, args []string) error {
	f := newFlags(e, "audit", "").withDB()
	since := f.String("since", "", "only changes from this date on (2006-01-02)")
	format := f.String("format", "csv", "csv (with a byte order mark, for Excel) or json (one object a line)")
	out := f.String("out", "", "file to write (default: standard output)")
	if err := f.parse(args); err != nil {
		return err
	}
	var from time.Time
	if *since != "" {
		var err error
		if from, err = time.Parse(time.DateOnly, *since); err != nil {
			return fmt.Errorf("audit: --since %q: want a date like 2026-11-01", *since)
		}
	}
	if *format != "csv" && *format != "json" {
		return errors.New("audit: --format must be csv or json")
	}
	_, db, err := openData(ctx, e, f, mustExist)
	if err != nil {
		return err
	}
	defer db.Close()
	w := e.stdout
	if *out != "" {
		file, err := os.Create(*out)
		if err != nil {
			return fmt.Errorf("audit: %w", err)
		}
		defer file.Close()
		w = file
	}
	buf := bufio.NewWriter(w)
	write := auditCSV(buf)
	if *format == "json" {
		write = auditJSON(buf)
	}
	n := 0
	err = db.AuditLog(ctx, from, func(r store.AuditRecord) error {
		n++
		return write(r)
	})
	if err != nil {
		return fmt.Errorf("audit: %w", err)
	}
	if err := errors.Join(write(store.AuditRecord{}), buf.Flush()); err != nil {
		return fmt.Errorf("audit: %w", err)
	}
	if *out != "" {
		fmt.Fprintf(e.stdout, "%s: %d audited rows\n", *out, n)
	}
	return nil
}

var auditHeader = []string{"change", "at", "user", "summary", "undone_at", "table", "record", "action", "before", "after"}

// auditCSV writes records as CSV after a header; a zero record flushes.
func auditCSV(w io.Writer) func(store.AuditRecord) error {
	cw := csv.NewWriter(w)
	started := false
	return func(r store.AuditRecord) error {
		if !started {
			started = true
			io.WriteString(w, "\ufeff") // Excel reads UTF-8 with it
			cw.Write(auditHeader)
		}
		if r.ID == 0 {
			cw.Flush()
			return cw.Error()
		}
		return cw.Write([]string{strconv.FormatInt(int64(r.ID), 10), r.At.Format(time.RFC3339), r.UserName, r.Summary,
			timeOrEmpty(r.UndoneAt), r.Entity, strconv.FormatInt(r.EntityID, 10), r.Action, r.Before, r.After})
	}
}

// auditJSON writes one JSON object a line; a zero record is ignored.
func auditJSON(w io.Writer) func(store.AuditRecord) error {
	enc := json.NewEncoder(w)
	return func(r store.AuditRecord) error {
		if r.ID == 0 {
			return nil
		}
		return enc.Encode(map[string]any{"change": r.ID, "at": r.At.Format(time.RFC3339), "user": r.UserName, "summary": r.Summary,
			"undone_at": timeOrEmpty(r.UndoneAt), "table": r.Entity, "record": r.EntityID, "action": r.Action,
			"before": json.RawMessage(r.Before), "after": json.RawMessage(r.After)})
	}
}

func timeOrEmpty(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format(time.RFC3339)
}
