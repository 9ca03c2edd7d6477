package conversation

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"iter"
	"strconv"
	"strings"
	"time"

	"github.com/tend-crm/tend/bot"
	"github.com/tend-crm/tend/store"
	"github.com/tend-crm/tend/store/transfer"
)

// Import and export in chat: an admin or manager sends a CSV file in a
// direct message, Tend answers with a dry run and an Import button, and
// pressing it imports the file as one change; "export" sends the user's
// book back as CSV files.

// IntentExport asks for the book as files: "export", "xuất dữ liệu".
const IntentExport IntentKind = "export"

const (
	// MaxImportBytes bounds a file imported from chat: it is held in
	// memory and kept as a draft until the Import button is pressed.
	// Bigger books go through `tend import`.
	MaxImportBytes = 5 << 20
	// importTTL is how long the Import button of a preview works.
	importTTL = 24 * time.Hour
	// previewRows is how many lines a preview shows as understood.
	previewRows = 5
	// previewProblems is how many failed lines and reasons it lists.
	previewProblems = 5
)

var exportPhrases = []string{"export", "export data", "export my data", "export my book", "export everything",
	"xuat du lieu", "xuat file", "xuat tat ca", "xuat toan bo du lieu"}

// parseExport reads "export" and "xuất dữ liệu", said alone.
func parseExport(p phrase, at int, in Intent) (Intent, bool) {
	if _, end, ok := p.prefix(at, exportPhrases); ok && strings.TrimRight(p.fold[end:], " ?.!") == "" {
		in.Kind = IntentExport
		return in, true
	}
	return in, false
}

// mayImport: imports from chat are for those who keep a team's book.
func mayImport(r store.Role) bool { return r == store.RoleAdmin || r == store.RoleManager }

// errTooBig: a file over MaxImportBytes.
var errTooBig = errors.New("conversation: file too big")

// importFile answers a file sent to Tend with a dry run of its import.
func (r *Router) importFile(ctx context.Context, ses *session, f bot.File) outcome {
	switch {
	case !ses.dm:
		return say(t(ses.lang, msgAskInDM))
	case !mayImport(ses.user.Role):
		return say(t(ses.lang, msgImportNotAllowed))
	case f.Size > MaxImportBytes:
		return say(t(ses.lang, msgImportTooBig, f.Name, MaxImportBytes>>20))
	case f.Open == nil:
		return say(t(ses.lang, msgImportFetchFailed, f.Name))
	}
	data, err := fetch(ctx, f)
	if errors.Is(err, errTooBig) {
		return say(t(ses.lang, msgImportTooBig, f.Name, MaxImportBytes>>20))
	}
	if err != nil {
		r.Logger.Warn("file not fetched", bot.LogKeyPlatform, ses.origin.Platform, bot.LogKeyUser, ses.user.ID, "err", err)
		return say(t(ses.lang, msgImportFetchFailed, f.Name))
	}
	run, o := r.runImport(ctx, ses, f.Name, data, store.ImportOptions{DryRun: true})
	if run == nil {
		return o
	}
	res := run.res
	lines := []string{t(ses.lang, msgImportPreview, f.Name, run.rd.Kind, res.Created+res.Updated+res.Skipped+res.Failed),
		t(ses.lang, msgImportColumns, transfer.DescribeColumns(run.rd.Columns))}
	lines = append(lines, run.preview...)
	lines = append(lines, t(ses.lang, msgImportWould, res.Created, res.Updated, res.Skipped, res.Failed))
	lines = append(lines, problemLines(ses.lang, res.Problems)...)
	switch {
	case res.Created+res.Updated == 0 && res.Failed == 0:
		lines = append(lines, t(ses.lang, msgImportNothing))
	case res.Created+res.Updated == 0: // every line failed: nothing to offer
	default:
		id, err := r.Store.SaveDraft(ctx, ses.user.ID, encodeUpload(ses.now, f.Name, data))
		if err != nil {
			return failed(err)
		}
		btn := bot.Button{Label: t(ses.lang, msgImportBtn), Value: fmt.Sprintf("import:%d", id)}
		if res.Failed > 0 {
			lines = append(lines, t(ses.lang, msgImportWhole))
			btn = bot.Button{Label: t(ses.lang, msgImportGoodBtn), Value: fmt.Sprintf("import:%d:partial", id)}
		}
		return say(strings.Join(lines, "\n"), btn)
	}
	return say(strings.Join(lines, "\n"))
}

// importDraft imports the file of a preview whose button was pressed.
// The draft is found only among the presser's own, and the presser must
// still be allowed to import.
func (r *Router) importDraft(ctx context.Context, ses *session, id store.DraftID, partial bool) outcome {
	if !mayImport(ses.user.Role) {
		return say(t(ses.lang, msgImportNotAllowed))
	}
	text, err := r.Store.Draft(ctx, ses.user.ID, id)
	if err != nil {
		return say(t(ses.lang, msgExpired))
	}
	saved, name, data, ok := decodeUpload(text)
	if !ok || ses.now.Sub(saved) > importTTL {
		return say(t(ses.lang, msgExpired))
	}
	run, o := r.runImport(ctx, ses, name, data, store.ImportOptions{Partial: partial})
	if run == nil {
		return o
	}
	res := run.res
	lines := []string{t(ses.lang, msgImportDone, name, res.Created, res.Updated, res.Skipped, res.Failed)}
	lines = append(lines, problemLines(ses.lang, res.Problems)...)
	switch {
	case res.Committed:
		return replace(say(strings.Join(lines, "\n"), undoButton(ses.lang, res.Change)))
	case res.Failed > 0 && !partial:
		lines = append(lines, t(ses.lang, msgImportWhole))
	default:
		lines = append(lines, t(ses.lang, msgImportNothing))
	}
	return replace(say(strings.Join(lines, "\n")))
}

// importRun is one pass of a file through the store.
type importRun struct {
	rd      *transfer.Reader
	res     store.ImportResult
	preview []string // the first lines as understood
}

// runImport reads data as a CSV file and imports it with opts (owner: the
// user; dates in their zone, amounts without a currency in theirs). A nil
// run comes with the answer to give instead: a file that cannot be read
// is explained, a store error is an incident.
func (r *Router) runImport(ctx context.Context, ses *session, name string, data []byte, opts store.ImportOptions) (*importRun, outcome) {
	rd, err := transfer.NewReader(bytes.NewReader(data), transfer.Options{Location: ses.loc, Currency: DefaultCurrency(ses.lang)})
	switch {
	case errors.Is(err, transfer.ErrBinary):
		return nil, say(t(ses.lang, msgImportBinary, name))
	case errors.Is(err, transfer.ErrNoHeader):
		return nil, say(t(ses.lang, msgImportNoHeader, name))
	case err != nil:
		return nil, say(t(ses.lang, msgImportUnreadable, name, err))
	case rd.Kind == transfer.Products:
		return nil, say(t(ses.lang, msgImportPriceList, name))
	}
	run := &importRun{rd: rd}
	var readErr error
	rows := func(yield func(store.ImportRow, error) bool) {
		for row, err := range rd.Rows() {
			if err != nil {
				readErr = err
			} else if opts.DryRun && len(run.preview) < previewRows {
				run.preview = append(run.preview, t(ses.lang, msgImportLine, row.Line, transfer.Describe(row)))
			}
			if !yield(row, err) {
				return
			}
		}
	}
	opts.Kind, opts.TimeZone, opts.Summary = rd.Kind, ses.user.TimeZone, "import "+name
	run.res, err = r.Store.Import(ctx, ses.scope, opts, iter.Seq2[store.ImportRow, error](rows))
	switch {
	case readErr != nil:
		return nil, say(t(ses.lang, msgImportUnreadable, name, readErr))
	case err != nil:
		return nil, failed(err)
	}
	return run, outcome{}
}

// problemLines words the first failed lines and the reasons others were
// left out or remarked on.
func problemLines(lang string, problems []store.ImportProblem) []string {
	failedLines, reasons := transfer.Group(problems)
	var lines []string
	for i, p := range failedLines {
		if i == previewProblems {
			lines = append(lines, t(lang, msgImportMoreFailed, len(failedLines)-i))
			break
		}
		lines = append(lines, t(lang, msgImportFailedLine, p.Line, p.Reason))
	}
	for i, g := range reasons {
		if i == previewProblems {
			break
		}
		lines = append(lines, t(lang, msgImportReason, g.Reason, g.Lines))
	}
	return lines
}

// fetch reads a file's content, at most MaxImportBytes of it.
func fetch(ctx context.Context, f bot.File) ([]byte, error) {
	rc, err := f.Open(ctx)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	data, err := io.ReadAll(io.LimitReader(rc, MaxImportBytes+1))
	if err != nil {
		return nil, err
	}
	if len(data) > MaxImportBytes {
		return nil, errTooBig
	}
	return data, nil
}

// uploadMark starts a draft that holds a file rather than a message, so
// that neither kind of button can be pointed at the other's draft.
const uploadMark = "\x00upload\n"

// encodeUpload keeps a file in a draft: when it came, its name, and its
// bytes in base64, since a file in a legacy encoding is not valid text.
func encodeUpload(at time.Time, name string, data []byte) string {
	name = strings.ReplaceAll(name, "\n", " ")
	return uploadMark + strconv.FormatInt(at.Unix(), 10) + "\n" + name + "\n" + base64.StdEncoding.EncodeToString(data)
}

func decodeUpload(text string) (at time.Time, name string, data []byte, ok bool) {
	rest, ok := strings.CutPrefix(text, uploadMark)
	if !ok {
		return at, "", nil, false
	}
	parts := strings.SplitN(rest, "\n", 3)
	if len(parts) != 3 {
		return at, "", nil, false
	}
	sec, err := strconv.ParseInt(parts[0], 10, 64)
	if err != nil {
		return at, "", nil, false
	}
	data, err = base64.StdEncoding.DecodeString(parts[2])
	return time.Unix(sec, 0), parts[1], data, err == nil
}

// isUpload reports whether a draft holds a file.
func isUpload(text string) bool { return strings.HasPrefix(text, uploadMark) }

// export sends what the user may see, one CSV file per kind that has
// rows, in the columns import reads back.
func (r *Router) export(ctx context.Context, ses *session) outcome {
	if !ses.dm {
		return say(t(ses.lang, msgAskInDM))
	}
	var o outcome
	for _, k := range store.ImportKinds {
		var buf bytes.Buffer
		w, err := transfer.NewWriter(&buf, k, transfer.CSV, ses.loc)
		if err != nil {
			return failed(err)
		}
		n := 0
		err = r.Store.Export(ctx, ses.scope, k, func(row store.ImportRow) error {
			n++
			return w.Write(row)
		})
		if err = errors.Join(err, w.Close()); err != nil {
			return failed(fmt.Errorf("export %s: %w", k, err))
		}
		if n > 0 {
			name := string(k) + ".csv"
			o.replies = append(o.replies, bot.Reply{Text: t(ses.lang, msgExportFile, name, n), File: &bot.Attachment{Name: name, Data: buf.Bytes()}})
		}
	}
	if len(o.replies) == 0 {
		return say(t(ses.lang, msgExportEmpty))
	}
	return o
}
