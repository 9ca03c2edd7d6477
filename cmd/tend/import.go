package main

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"iter"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/tend-crm/tend/store"
	"github.com/tend-crm/tend/store/sqlite"
	"github.com/tend-crm/tend/store/transfer"
)

// mapFlag collects --map COLUMN=FIELD,… (repeatable).
type mapFlag map[string]string

func (m mapFlag) String() string { return "" }

func (m mapFlag) Set(v string) error {
	for _, pair := range strings.Split(v, ",") {
		col, field, ok := strings.Cut(pair, "=")
		field = strings.TrimSpace(field)
		if !ok || strings.TrimSpace(col) == "" || (field != "" && !transfer.IsField(field)) {
			return fmt.Errorf("want COLUMN=FIELD with a field Tend knows (name, customer, phone, value, …), not %q", pair)
		}
		m[strings.TrimSpace(col)] = field
	}
	return nil
}

// importFile is one file of an import, with the kind its header told.
type importFile struct {
	path string
	kind store.ImportKind
}

// runImport imports CSV files (or every .csv in a directory), each file
// in one transaction, in the order their kinds refer to each other: price
// lists and users first, then customers, contacts, deals, interactions.
func runImport(ctx context.Context, e env, args []string) error {
	f := newFlags(e, "import", "FILE.csv|DIR …").withDB()
	kind := f.String("kind", "", "customers, contacts, deals, interactions or users (default: told by the header)")
	maps := mapFlag{}
	f.Var(maps, "map", "COLUMN=FIELD,… read a column as a field (e.g. \"Mã số=external_id\"); FIELD empty ignores it")
	dry := f.Bool("dry-run", false, "show the first rows as understood and what would change; change nothing")
	partial := f.Bool("partial", false, "keep the good lines of a file when some fail (default: all or nothing)")
	ownerName := f.String("owner", "", "user (name or id) who owns records whose owner column is empty or unknown (default: you)")
	as := f.String("as", "", "who imports: a user's name (default $USER; made admin when the database has no users yet)")
	report := f.String("report", "", "write every failed or skipped line, with the reason, to this CSV file")
	dates := f.String("dates", "dmy", "how 01/02/2026 is read: dmy (1 February) or mdy (January 2)")
	currency := f.String("currency", "USD", "currency of amounts that name none (Vietnamese units like triệu mean VND)")
	enc := f.String("encoding", "", "the files' encoding when not UTF-8 or UTF-16 (default: Windows-1258 for non-UTF-8 bytes)")
	tz := f.String("tz", "", "zone of dates without one (default users.default_time_zone)")
	paths, err := f.parseInterleaved(args)
	if err != nil {
		return err
	}
	if len(paths) == 0 {
		f.Usage()
		return errUsage
	}
	if *dates != "dmy" && *dates != "mdy" {
		return errors.New("import: --dates must be dmy or mdy")
	}
	if store.CheckMoney(0, strings.ToUpper(*currency)) != nil {
		return fmt.Errorf("import: --currency must be a three-letter code like USD or VND, not %q", *currency)
	}
	if *kind != "" && !slices.Contains(store.ImportKinds, store.ImportKind(*kind)) {
		return fmt.Errorf("import: --kind must be one of %v", store.ImportKinds)
	}
	cfg, db, err := openData(ctx, e, f, mayCreate)
	if err != nil {
		return err
	}
	defer db.Close()
	zone := cmpOr(*tz, cfg.Users.DefaultTimeZone)
	loc, err := loadZone(zone)
	if err != nil {
		return err
	}
	scope, err := actingUser(ctx, db, cmpOr(*as, e.getenv("USER"), "me"), zone)
	if err != nil {
		return fmt.Errorf("import: %w", err)
	}
	owner := scope.UserID
	if *ownerName != "" {
		u, err := findUser(ctx, db, *ownerName)
		if err != nil {
			return fmt.Errorf("import: --owner: %w", err)
		}
		owner = u.ID
	}
	opts := transfer.Options{Kind: store.ImportKind(*kind), Map: maps, Dates: transfer.DateOrder(*dates), Location: loc,
		Currency: strings.ToUpper(*currency), Encoding: *enc, Prices: transfer.Prices{}}
	files, err := planImport(e, paths, opts)
	if err != nil {
		return fmt.Errorf("import: %w", err)
	}

	// A dry run of several files imports them for real into a scratch copy
	// of the book, so that each sees what those before it add (the users
	// and accounts a deals file names), as the import will.
	into, scratch := db, false
	if lite, ok := db.(*sqlite.DB); ok && *dry && len(files) > 1 {
		copied, release, err := scratchCopy(ctx, lite)
		if err != nil {
			return fmt.Errorf("import: dry run: %w", err)
		}
		defer release()
		into, scratch = copied, true
	}
	var problems [][]string
	failed := 0
	for _, file := range files {
		if file.kind == transfer.Products {
			prices, err := readPrices(file.path, opts)
			if err != nil {
				return fmt.Errorf("import %s: %w", file.path, err)
			}
			for k, p := range prices {
				opts.Prices[k] = p
			}
			fmt.Fprintf(e.stdout, "%s: price list of %d products, for deals without a value\n", file.path, len(prices))
			continue
		}
		res, err := importOne(ctx, e, into, scratch, scope, file, opts, store.ImportOptions{Kind: file.kind, Owner: owner, Partial: *partial,
			DryRun: *dry, TimeZone: zone, Summary: "import " + filepath.Base(file.path)})
		if err != nil {
			return fmt.Errorf("import %s: %w", file.path, err)
		}
		for _, p := range res.Problems {
			problems = append(problems, []string{file.path, strconv.Itoa(p.Line), p.Outcome, p.Reason})
		}
		if res.Failed > 0 && !*partial {
			failed++
		}
	}
	if *report != "" {
		if err := writeReport(*report, problems); err != nil {
			return fmt.Errorf("import: report: %w", err)
		}
		fmt.Fprintf(e.stdout, "report of %d lines: %s\n", len(problems), *report)
	}
	switch {
	case failed > 0 && *dry:
		return fmt.Errorf("import: dry run: %d file(s) have lines that would fail", failed)
	case failed > 0:
		return fmt.Errorf("import: %d file(s) had lines that failed and were not stored; fix them, or use --partial to keep the good lines", failed)
	}
	return nil
}

func cmpOr(vals ...string) string {
	for _, v := range vals {
		if v != "" {
			return v
		}
	}
	return ""
}

// planImport lists the files (a directory's .csv files), tells each one's
// kind from its header and orders them so that each refers only to kinds
// imported before it. In a directory, files Tend cannot place are noted
// and left alone; a file named on its own must be readable.
func planImport(e env, paths []string, opts transfer.Options) ([]importFile, error) {
	var files []importFile
	for _, p := range paths {
		st, err := os.Stat(p)
		if err != nil {
			return nil, err
		}
		names := []string{p}
		if st.IsDir() {
			if names, err = filepath.Glob(filepath.Join(p, "*.csv")); err != nil {
				return nil, err
			}
		}
		for _, name := range names {
			k, err := detectKind(name, opts)
			if err != nil && st.IsDir() {
				fmt.Fprintf(e.stdout, "%s: left alone (%v)\n", name, err)
				continue
			}
			if err != nil {
				return nil, fmt.Errorf("%s: %w", name, err)
			}
			files = append(files, importFile{name, k})
		}
	}
	order := append([]store.ImportKind{transfer.Products}, store.ImportKinds...)
	slices.SortStableFunc(files, func(a, b importFile) int { return slices.Index(order, a.kind) - slices.Index(order, b.kind) })
	return files, nil
}

func detectKind(path string, opts transfer.Options) (store.ImportKind, error) {
	file, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer file.Close()
	rd, err := transfer.NewReader(file, opts)
	if err != nil {
		return "", err
	}
	return rd.Kind, nil
}

func readPrices(path string, opts transfer.Options) (transfer.Prices, error) {
	file, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer file.Close()
	opts.Kind = transfer.Products
	rd, err := transfer.NewReader(file, opts)
	if err != nil {
		return nil, err
	}
	return rd.Prices()
}

// importOne imports one file as one change and prints what it did.
// scratchCopy copies the book to a temporary file and opens it; release
// closes and removes it.
func scratchCopy(ctx context.Context, db *sqlite.DB) (dataStore, func(), error) {
	dir, err := os.MkdirTemp(filepath.Dir(db.Path()), ".tend-dry-run-")
	if err != nil {
		return nil, nil, err
	}
	path := filepath.Join(dir, "book.db")
	copied, err := func() (*sqlite.DB, error) {
		if err := db.Backup(ctx, path); err != nil {
			return nil, err
		}
		return sqlite.Open(ctx, path, sqlite.Options{Synchronous: "normal", Existing: true})
	}()
	if err != nil {
		os.RemoveAll(dir)
		return nil, nil, err
	}
	copied.Stages, copied.Now = db.Stages, db.Now
	return copied, func() { copied.Close(); os.RemoveAll(dir) }, nil
}

// importOne imports one file into db. With scratch, db is a throwaway
// copy: a dry run's file is imported into it for real, and reported as a
// dry run.
func importOne(ctx context.Context, e env, db dataStore, scratch bool, s store.Scope, file importFile, topts transfer.Options, opts store.ImportOptions) (store.ImportResult, error) {
	fh, err := os.Open(file.path)
	if err != nil {
		return store.ImportResult{}, err
	}
	defer fh.Close()
	st, err := fh.Stat()
	if err != nil {
		return store.ImportResult{}, err
	}
	counted := &countingReader{r: fh}
	topts.Kind = file.kind
	rd, err := transfer.NewReader(counted, topts)
	if err != nil {
		return store.ImportResult{}, err
	}
	fmt.Fprintf(e.stdout, "%s: %s (%s, delimiter %q)\n", file.path, file.kind, rd.Encoding, rd.Delimiter)
	rows := rd.Rows()
	if opts.DryRun {
		fmt.Fprintf(e.stdout, "  columns: %s\n", transfer.DescribeColumns(rd.Columns))
		rows = previewRows(e.stdout, rows, 5)
	}
	if isTerminal(e.stderr) {
		rows = withProgress(e.stderr, file.path, rows, counted, st.Size())
	}
	run := opts
	run.DryRun = opts.DryRun && !scratch
	res, err := db.Import(ctx, s, run, rows)
	if err != nil {
		return res, err
	}
	res.Committed = res.Committed && !scratch // to a copy, thrown away
	printResult(e.stdout, res, opts)
	return res, nil
}

// previewRows prints the first n rows as Tend understood them.
func previewRows(w io.Writer, rows iter.Seq2[store.ImportRow, error], n int) iter.Seq2[store.ImportRow, error] {
	return func(yield func(store.ImportRow, error) bool) {
		i := 0
		for r, err := range rows {
			if err == nil && i < n {
				i++
				fmt.Fprintf(w, "  line %d: %s\n", r.Line, transfer.Describe(r))
			}
			if !yield(r, err) {
				return
			}
		}
	}
}

func printResult(w io.Writer, res store.ImportResult, opts store.ImportOptions) {
	verb := ""
	if !res.Committed && res.Created+res.Updated > 0 {
		verb = "would be "
	}
	fmt.Fprintf(w, "  %s%d created, %d updated, %d skipped, %d failed\n", verb, res.Created, res.Updated, res.Skipped, res.Failed)
	switch {
	case res.Committed:
		fmt.Fprintf(w, "  stored as one change (undo reverts it)\n")
	case opts.DryRun:
		fmt.Fprintf(w, "  dry run: nothing changed\n")
	case res.Failed > 0:
		fmt.Fprintf(w, "  nothing stored: the file is imported whole or not at all (--partial keeps the good lines)\n")
	default:
		fmt.Fprintf(w, "  nothing to change\n")
	}
	failed, reasons := transfer.Group(res.Problems)
	for i, p := range failed {
		if i == 10 {
			fmt.Fprintf(w, "  … and %d more failed lines (--report FILE lists every line)\n", len(failed)-10)
			break
		}
		fmt.Fprintf(w, "  line %d failed: %s\n", p.Line, p.Reason)
	}
	for i, g := range reasons {
		if i == 10 {
			fmt.Fprintf(w, "  … and %d more reasons (--report FILE lists every line)\n", len(reasons)-10)
			break
		}
		fmt.Fprintf(w, "  %s: %s (%s)\n", g.Outcome, g.Reason, plural(g.Lines, "line"))
	}
}

func writeReport(path string, problems [][]string) error {
	file, err := os.Create(path)
	if err != nil {
		return err
	}
	w := csv.NewWriter(file)
	w.Write([]string{"file", "line", "outcome", "reason"})
	w.WriteAll(problems)
	return errors.Join(w.Error(), file.Close())
}

// countingReader counts the bytes read, for the progress bar.
type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// withProgress draws a progress bar on a terminal as rows are read, at
// most ten times a second.
func withProgress(w io.Writer, name string, rows iter.Seq2[store.ImportRow, error], c *countingReader, size int64) iter.Seq2[store.ImportRow, error] {
	return func(yield func(store.ImportRow, error) bool) {
		var last time.Time
		lines := 0
		draw := func() {
			pct := 100
			if size > 0 {
				pct = int(min(100, c.n*100/size))
			}
			bar := strings.Repeat("█", pct/5) + strings.Repeat("░", 20-pct/5)
			fmt.Fprintf(w, "\r%s %s %3d%% %d lines", filepath.Base(name), bar, pct, lines)
		}
		defer func() {
			draw()
			fmt.Fprintln(w)
		}()
		for r, err := range rows {
			lines++
			if lines%256 == 0 && time.Since(last) > 100*time.Millisecond {
				last = time.Now()
				draw()
			}
			if !yield(r, err) {
				return
			}
		}
	}
}

// actingUser is who runs an import or export from the shell: the user
// `tend chat` made for name (its console identity), or the user of that
// name. Given a zone (import), in a database without users, name is made
// its admin in that zone, as `tend chat` would.
func actingUser(ctx context.Context, db dataStore, name, zone string) (store.Scope, error) {
	ident := store.Identity{Platform: "console", ExternalID: name}
	u, err := db.UserByIdentity(ctx, ident)
	if err == nil {
		return store.Scope{UserID: u.ID, Role: u.Role}, nil
	}
	if !errors.Is(err, store.ErrNotFound) {
		return store.Scope{}, err
	}
	users, err := db.ListUsers(ctx)
	if err != nil {
		return store.Scope{}, err
	}
	if len(users) == 0 && zone != "" {
		u, err := db.CreateUser(ctx, store.User{Name: name, Role: store.RoleAdmin, TimeZone: zone, DigestTime: "08:30", Identities: []store.Identity{ident}})
		return store.Scope{UserID: u.ID, Role: u.Role}, err
	}
	u, err = findUser(ctx, db, name)
	if err != nil {
		return store.Scope{}, fmt.Errorf("%w (name who you are with --as)", err)
	}
	return store.Scope{UserID: u.ID, Role: u.Role}, nil
}

// plural says n things: "1 line", "2 lines".
func plural(n int, thing string) string {
	if n == 1 {
		return "1 " + thing
	}
	return fmt.Sprintf("%d %ss", n, thing)
}
