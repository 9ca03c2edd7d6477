package sqlstore

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"iter"
	"slices"
	"strings"
	"time"

	"github.com/tend-crm/tend/store"
)

// errRollback ends an import's transaction without storing it: a dry run,
// a file that failed whole, or one that changes nothing.
var errRollback = errors.New("roll back")

// Import implements store.Importer. It reads the keys it matches on into
// memory once, with one scan per table, so that a line costs only its own
// writes, through statements prepared once per file.
func (st *Store) Import(ctx context.Context, s store.Scope, opts store.ImportOptions, rows iter.Seq2[store.ImportRow, error]) (store.ImportResult, error) {
	var res store.ImportResult
	if !slices.Contains(store.ImportKinds, opts.Kind) {
		return res, fmt.Errorf("store: import: %w: kind %q", store.ErrInvalid, opts.Kind)
	}
	summary := opts.Summary
	if summary == "" {
		summary = "import " + string(opts.Kind)
	}
	cid, err := st.change(ctx, s, store.Origin{}, summary, func(c *change) error {
		res = store.ImportResult{}
		im, err := newImporter(c, s, opts, &res)
		if err != nil {
			return err
		}
		defer im.stmts.close()
		for r, err := range rows {
			if err != nil {
				return err
			}
			if err := ctx.Err(); err != nil { // the caller gave up: nothing is kept
				return err
			}
			if err := im.row(r); err != nil {
				return fmt.Errorf("line %d: %w", r.Line, err)
			}
		}
		if err := im.finish(); err != nil {
			return err
		}
		if opts.DryRun || (res.Failed > 0 && !opts.Partial) || res.Created+res.Updated == 0 {
			return errRollback
		}
		return c.describe(fmt.Sprintf("%s: %d created, %d updated", summary, res.Created, res.Updated))
	})
	if errors.Is(err, errRollback) {
		return res, nil
	}
	if err != nil {
		return store.ImportResult{}, fmt.Errorf("store: import %s: %w", opts.Kind, err)
	}
	res.Change, res.Committed = cid, true
	return res, nil
}

// importer holds one file's import: the records it may match, by key, and
// the statements it writes with.
type importer struct {
	*change
	s     store.Scope
	opts  store.ImportOptions
	res   *store.ImportResult
	owner store.UserID

	users     map[string]*userRec // name key → first user by id
	byID      map[store.UserID]*userRec
	userExt   map[string]*userRec
	customers map[string][]*custRec // name key → customers s may see
	custExt   map[string]*custRec
	contacts  map[string]*contactRec // customer id + name key
	contExt   map[string]*contactRec
	deals     map[string]*dealRec // customer id + title key
	dealExt   map[string]*dealRec
	inters    map[string]int64 // customer, kind, time and summary → id
	interExt  map[string]*interRec

	seen    map[seenKey]int                // records met in this file → line
	touched map[store.CustomerID]time.Time // latest interaction imported per customer
	stmts   *prepared
}

type (
	userRec struct {
		store.User
		ext string
	}
	custRec struct {
		store.Customer
		ext string
	}
	contactRec struct {
		store.Contact
		ext string
	}
	dealRec struct {
		store.Deal
		ext string
	}
	interRec struct {
		store.Interaction
		ext string
	}
)

func newImporter(c *change, s store.Scope, opts store.ImportOptions, res *store.ImportResult) (*importer, error) {
	im := &importer{change: c, s: s, opts: opts, res: res, owner: opts.Owner,
		users: map[string]*userRec{}, byID: map[store.UserID]*userRec{}, userExt: map[string]*userRec{}, customers: map[string][]*custRec{}, custExt: map[string]*custRec{},
		contacts: map[string]*contactRec{}, contExt: map[string]*contactRec{}, deals: map[string]*dealRec{}, dealExt: map[string]*dealRec{},
		inters: map[string]int64{}, interExt: map[string]*interRec{},
		seen: map[seenKey]int{}, touched: map[store.CustomerID]time.Time{}, stmts: newPrepared(c.ctx, c.tx, c.st.dialect)}
	if im.owner == 0 {
		im.owner = s.UserID
	}
	if err := im.loadUsers(); err != nil {
		return nil, err
	}
	if im.byID[im.owner] == nil {
		return nil, fmt.Errorf("owner %d: %w", im.owner, store.ErrNotFound)
	}
	if opts.Kind == store.ImportUsers {
		return im, nil
	}
	if err := im.loadCustomers(); err != nil {
		return nil, err
	}
	switch opts.Kind {
	case store.ImportCustomers, store.ImportContacts, store.ImportInteractions:
		if err := im.loadContacts(); err != nil {
			return nil, err
		}
	case store.ImportDeals:
		if err := im.loadDeals(); err != nil {
			return nil, err
		}
	}
	if opts.Kind == store.ImportInteractions {
		return im, im.loadInteractions()
	}
	return im, nil
}

func (im *importer) loadUsers() error {
	rows, err := QueryAll(im.ctx, func(sc Scanner) (*userRec, error) {
		var u userRec
		var ext sql.NullString
		err := sc.Scan(&u.ID, &u.Name, &u.Role, &u.ManagerID, &ext)
		u.ext = ext.String
		return &u, err
	}, im.tx, "SELECT id, name, role, COALESCE(manager_id, 0), external_id FROM users ORDER BY id")
	if err != nil {
		return fmt.Errorf("load users: %w", err)
	}
	for _, u := range rows {
		im.addUser(u)
	}
	return nil
}

func (im *importer) addUser(u *userRec) {
	im.byID[u.ID] = u
	if k := store.NameKey(u.Name); im.users[k] == nil {
		im.users[k] = u
	}
	if u.ext != "" {
		im.userExt[u.ext] = u
	}
}

func (im *importer) loadCustomers() error {
	rows, err := QueryAll(im.ctx, func(sc Scanner) (*custRec, error) {
		var c custRec
		var ext sql.NullString
		var tags string
		var last int64
		err := sc.Scan(&c.ID, &c.Name, &c.IsPerson, &c.OwnerID, &c.Stage, &c.Segment, &c.CadenceDays, &tags, &c.Phone, &c.Email, &last, &ext)
		if tags != "" {
			c.Tags = strings.Split(tags, ",")
		}
		c.LastContactAt, c.ext = FromUnix(last), ext.String
		return &c, err
	}, im.tx, `SELECT c.id, c.name, c.is_person, c.owner_id, c.stage, c.segment, c.cadence_days, c.tags, c.phone, c.email,
		c.last_contact_at, c.external_id FROM customers c WHERE `+Visible+" ORDER BY c.id", VisArgs(im.s)...)
	if err != nil {
		return fmt.Errorf("load customers: %w", err)
	}
	for _, c := range rows {
		im.addCustomer(c)
	}
	return nil
}

func (im *importer) addCustomer(c *custRec) {
	k := store.NameKey(c.Name)
	im.customers[k] = append(im.customers[k], c)
	if c.ext != "" {
		im.custExt[c.ext] = c
	}
}

// visibleCustomers is the filter on customers for tables joined to them as c.
func (im *importer) visibleCustomers() (string, []any) {
	return "JOIN customers c ON c.id = x.customer_id WHERE " + Visible, VisArgs(im.s)
}

func (im *importer) loadContacts() error {
	join, args := im.visibleCustomers()
	rows, err := QueryAll(im.ctx, func(sc Scanner) (*contactRec, error) {
		var p contactRec
		var ext sql.NullString
		err := sc.Scan(&p.ID, &p.CustomerID, &p.Name, &p.Role, &p.Phone, &p.Email, &ext)
		p.ext = ext.String
		return &p, err
	}, im.tx, "SELECT x.id, x.customer_id, x.name, x.role, x.phone, x.email, x.external_id FROM contacts x "+join+" ORDER BY x.id", args...)
	if err != nil {
		return fmt.Errorf("load contacts: %w", err)
	}
	for _, p := range rows {
		im.addContact(p)
	}
	return nil
}

// ofCustomer keys a contact by name or a deal by title within its
// customer, as imports match them.
func ofCustomer(cu store.CustomerID, name string) string {
	return fmt.Sprint(cu, "|", store.NameKey(name))
}

func (im *importer) addContact(p *contactRec) {
	if k := ofCustomer(p.CustomerID, p.Name); im.contacts[k] == nil {
		im.contacts[k] = p
	}
	if p.ext != "" {
		im.contExt[p.ext] = p
	}
}

func (im *importer) loadDeals() error {
	join, args := im.visibleCustomers()
	rows, err := QueryAll(im.ctx, func(sc Scanner) (*dealRec, error) {
		var d dealRec
		var ext sql.NullString
		var closeAt int64
		err := sc.Scan(&d.ID, &d.CustomerID, &d.OwnerID, &d.Title, &d.Value, &d.Currency, &d.Stage, &d.Need, &d.Budget, &d.Authority, &closeAt, &ext)
		d.ExpectedClose, d.ext = FromUnix(closeAt), ext.String
		return &d, err
	}, im.tx, `SELECT x.id, x.customer_id, x.owner_id, x.title, x.value, x.currency, x.stage, x.need, x.budget, x.authority,
		x.expected_close, x.external_id FROM deals x `+join+" ORDER BY x.id", args...)
	if err != nil {
		return fmt.Errorf("load deals: %w", err)
	}
	for _, d := range rows {
		im.addDeal(d)
	}
	return nil
}

func (im *importer) addDeal(d *dealRec) {
	if d.ext != "" {
		im.dealExt[d.ext] = d
		return // matched by its id only: two deals may share a title
	}
	if k := ofCustomer(d.CustomerID, d.Title); im.deals[k] == nil {
		im.deals[k] = d
	}
}

func (im *importer) loadInteractions() error {
	join, args := im.visibleCustomers()
	rows, err := QueryAll(im.ctx, func(sc Scanner) (*interRec, error) {
		var in interRec
		var ext sql.NullString
		var at int64
		err := sc.Scan(&in.ID, &in.CustomerID, &in.ContactID, &in.UserID, &in.Kind, &at, &in.Summary, &ext)
		in.At, in.ext = FromUnix(at), ext.String
		return &in, err
	}, im.tx, `SELECT x.id, x.customer_id, COALESCE(x.contact_id, 0), x.user_id, x.kind, x.at, x.summary, x.external_id
		FROM interactions x `+join+" ORDER BY x.id", args...)
	if err != nil {
		return fmt.Errorf("load interactions: %w", err)
	}
	for _, in := range rows {
		im.addInteraction(in)
	}
	return nil
}

func interKey(in store.Interaction) string {
	return fmt.Sprint(in.CustomerID, "|", in.Kind, "|", in.At.Unix(), "|", in.Summary)
}

func (im *importer) addInteraction(in *interRec) {
	if in.ext != "" {
		im.interExt[in.ext] = in
		return
	}
	im.inters[interKey(in.Interaction)] = int64(in.ID)
}

// insert adds an audited row, like change.insert, with prepared statements.
func (im *importer) insert(table string, cols ...col) (int64, error) {
	names := make([]string, len(cols))
	vals := make([]any, len(cols))
	for i, cl := range cols {
		names[i], vals[i] = cl.name, cl.val
	}
	id, err := im.stmts.insertID("INSERT INTO "+table+" ("+strings.Join(names, ", ")+") VALUES (?"+strings.Repeat(", ?", len(cols)-1)+")", vals...)
	if err != nil {
		return 0, fmt.Errorf("insert into %s: %w", table, err)
	}
	if err := im.audit(table, id, "create", nil, cols); err != nil {
		return 0, err
	}
	return id, nil
}

func (im *importer) report(line int, outcome, format string, args ...any) {
	im.res.Problems = append(im.res.Problems, store.ImportProblem{Line: line, Outcome: outcome, Reason: fmt.Sprintf(format, args...)})
}

type seenKey struct {
	table string
	id    int64
}

// met records that the line matched or made record key; a second line
// doing so is a duplicate, reported and skipped.
func (im *importer) met(key seenKey, line int) bool {
	if first, ok := im.seen[key]; ok {
		im.res.Skipped++
		im.report(line, "skipped", "duplicate of line %d", first)
		return true
	}
	im.seen[key] = line
	return false
}

// counted tallies a line by what it did to its record.
func (im *importer) counted(created, changed bool) {
	switch {
	case created:
		im.res.Created++
	case changed:
		im.res.Updated++
	default:
		im.res.Skipped++
	}
}

func (im *importer) row(r store.ImportRow) error {
	switch {
	case r.Err != "":
		im.res.Failed++
		im.report(r.Line, "failed", "%s", r.Err)
		return nil
	case r.Skip != "":
		im.res.Skipped++
		im.report(r.Line, "skipped", "%s", r.Skip)
		return nil
	}
	for _, n := range r.Notes {
		im.report(r.Line, "note", "%s", n)
	}
	var reason string
	var err error
	switch {
	case im.opts.Kind == store.ImportCustomers && r.Customer != nil:
		reason, err = im.customer(r)
	case im.opts.Kind == store.ImportContacts && r.Contact != nil:
		reason, err = im.contact(r)
	case im.opts.Kind == store.ImportDeals && r.Deal != nil:
		reason, err = im.deal(r)
	case im.opts.Kind == store.ImportInteractions && r.Interaction != nil:
		reason, err = im.interaction(r)
	case im.opts.Kind == store.ImportUsers && r.User != nil:
		reason, err = im.user(r)
	default:
		reason = "not a record of " + string(im.opts.Kind)
	}
	if reason != "" {
		im.res.Failed++
		im.report(r.Line, "failed", "%s", reason)
	}
	return err
}

// cleanName checks a name as the chat does; it returns the name, its key
// and, when it is unusable, why.
func cleanName(what, s string) (name, key, reason string) {
	name = strings.TrimSpace(store.Normalize(s))
	key = store.NameKey(name)
	switch {
	case key == "":
		return name, key, "no " + what + " name"
	case len(name) > 200:
		return name, key, what + " name longer than 200 bytes"
	}
	return name, key, ""
}

func digits(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, s)
}

// ownerOf finds the user a row names, falling back to the import's owner.
func (im *importer) ownerOf(r store.ImportRow) store.UserID {
	if r.OwnerName == "" {
		return im.owner
	}
	if u := im.users[store.NameKey(r.OwnerName)]; u != nil {
		return u.ID
	}
	im.report(r.Line, "note", "no user called %q: given to the import's owner", r.OwnerName)
	return im.owner
}

func validStage(s store.Stage) bool {
	return slices.Contains([]store.Stage{store.StageLead, store.StageProspect, store.StageCustomer, store.StageLoyal, store.StageAdvocate, store.StageLost}, s)
}

func (im *importer) matchCustomer(ext, key, phone, email string) *custRec {
	if ext != "" {
		if c := im.custExt[ext]; c != nil {
			return c
		}
	}
	var loose *custRec
	for _, c := range im.customers[key] {
		if c.ext != "" && ext != "" {
			continue // another record of the system the file came from
		}
		if (phone != "" && digits(c.Phone) == digits(phone)) || (email != "" && strings.EqualFold(c.Email, email)) {
			return c
		}
		if loose == nil && ((phone == "" && email == "") || (c.Phone == "" && c.Email == "")) {
			loose = c
		}
	}
	return loose
}

func nullStr(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// customer adds or updates a customer, and the contact person its line
// names (a spreadsheet's "Người liên hệ" column).
func (im *importer) customer(r store.ImportRow) (string, error) {
	c, reason, err := im.customerRow(r)
	if c == nil || reason != "" || err != nil || r.ContactName == "" {
		return reason, err
	}
	_, reason, err = im.contactOf(c.ID, r.ContactName)
	return reason, err
}

func (im *importer) customerRow(r store.ImportRow) (*custRec, string, error) {
	cu := *r.Customer
	name, key, reason := cleanName("customer", cu.Name)
	if reason != "" {
		return nil, reason, nil
	}
	if cu.Stage != "" && !validStage(cu.Stage) {
		return nil, fmt.Sprintf("unknown stage %q", cu.Stage), nil
	}
	phone, email := strings.TrimSpace(cu.Phone), strings.TrimSpace(cu.Email)
	tags := strings.Join(cu.Tags, ",")
	c := im.matchCustomer(r.ExternalID, key, phone, email)
	if c == nil {
		owner := im.ownerOf(r)
		if cu.Stage == "" {
			cu.Stage = store.StageProspect
		}
		if cu.CadenceDays == 0 {
			cu.CadenceDays = store.DefaultCadence(cu.Stage)
		}
		var touch time.Time
		if cu.CadenceDays > 0 {
			touch = im.now.AddDate(0, 0, cu.CadenceDays)
		}
		id, err := im.insert("customers", col{"name", name}, col{"name_key", key}, col{"is_person", Bit(cu.IsPerson)},
			col{"owner_id", int64(owner)}, col{"stage", string(cu.Stage)}, col{"segment", cu.Segment}, col{"cadence_days", int64(cu.CadenceDays)},
			col{"tags", tags}, col{"phone", phone}, col{"email", email}, col{"touch_due_at", Unix(touch)},
			col{"created_at", cmp.Or(cu.CreatedAt, im.now).Unix()}, col{"external_id", nullStr(r.ExternalID)})
		if err != nil {
			return nil, "", err
		}
		cu.ID, cu.Name, cu.OwnerID, cu.Phone, cu.Email = store.CustomerID(id), name, owner, phone, email
		c = &custRec{cu, r.ExternalID}
		im.addCustomer(c)
		im.met(seenKey{"customer", int64(id)}, r.Line)
		im.counted(true, false)
		return c, "", nil
	}
	if im.met(seenKey{"customer", int64(c.ID)}, r.Line) {
		return nil, "", nil
	}
	var set []col
	if name != c.Name {
		set = append(set, col{"name", name}, col{"name_key", key})
		c.Name = name
	}
	if phone != "" && phone != c.Phone {
		set, c.Phone = append(set, col{"phone", phone}), phone
	}
	if email != "" && email != c.Email {
		set, c.Email = append(set, col{"email", email}), email
	}
	if cu.Stage != "" && cu.Stage != c.Stage {
		set, c.Stage = append(set, col{"stage", string(cu.Stage)}), cu.Stage
	}
	if cu.Segment != "" && cu.Segment != c.Segment {
		set, c.Segment = append(set, col{"segment", cu.Segment}), cu.Segment
	}
	if cu.CadenceDays != 0 && cu.CadenceDays != c.CadenceDays {
		set, c.CadenceDays = append(set, col{"cadence_days", int64(cu.CadenceDays)}), cu.CadenceDays
	}
	if tags != "" && tags != strings.Join(c.Tags, ",") {
		set, c.Tags = append(set, col{"tags", tags}), cu.Tags
	}
	if cu.IsPerson && !c.IsPerson {
		set, c.IsPerson = append(set, col{"is_person", int64(1)}), true
	}
	if r.OwnerName != "" {
		if owner := im.ownerOf(r); owner != c.OwnerID {
			set, c.OwnerID = append(set, col{"owner_id", int64(owner)}), owner
		}
	}
	if r.ExternalID != "" && c.ext == "" {
		set, c.ext = append(set, col{"external_id", r.ExternalID}), r.ExternalID
		im.custExt[c.ext] = c
	}
	im.counted(false, len(set) > 0)
	if len(set) == 0 {
		return c, "", nil
	}
	return c, "", im.update("customers", int64(c.ID), set...)
}

// customerRef finds the customer a contact, deal or interaction names, or
// adds it, owned by owner, when there is none of that name.
func (im *importer) customerRef(r store.ImportRow, owner store.UserID) (*custRec, string, error) {
	name, key, reason := cleanName("customer", r.CustomerName)
	if reason != "" {
		return nil, reason, nil
	}
	switch cands := im.customers[key]; len(cands) {
	case 1:
		return cands[0], "", nil
	case 0:
	default:
		return nil, fmt.Sprintf("%d customers are called %q", len(cands), name), nil
	}
	stage := store.StageProspect
	cadence := store.DefaultCadence(stage)
	touch := im.now.AddDate(0, 0, cadence)
	id, err := im.insert("customers", col{"name", name}, col{"name_key", key}, col{"owner_id", int64(owner)},
		col{"stage", string(stage)}, col{"cadence_days", int64(cadence)}, col{"touch_due_at", touch.Unix()}, col{"created_at", im.now.Unix()})
	if err != nil {
		return nil, "", err
	}
	im.report(r.Line, "note", "new customer %q", name)
	c := &custRec{Customer: store.Customer{ID: store.CustomerID(id), Name: name, OwnerID: owner, Stage: stage, CadenceDays: cadence}}
	im.addCustomer(c)
	return c, "", nil
}

func (im *importer) contact(r store.ImportRow) (string, error) {
	p := *r.Contact
	name, _, reason := cleanName("contact", p.Name)
	if reason != "" {
		return reason, nil
	}
	var existing *contactRec
	if r.ExternalID != "" {
		existing = im.contExt[r.ExternalID]
	}
	if existing == nil {
		cu, reason, err := im.customerRef(r, im.owner)
		if reason != "" || err != nil {
			return reason, err
		}
		existing = im.contacts[ofCustomer(cu.ID, name)]
		if existing != nil && existing.ext != "" && r.ExternalID != "" {
			existing = nil
		}
		if existing == nil {
			role, phone, email := strings.TrimSpace(p.Role), strings.TrimSpace(p.Phone), strings.TrimSpace(p.Email)
			id, err := im.insert("contacts", col{"customer_id", int64(cu.ID)}, col{"name", name}, col{"name_key", store.NameKey(name)},
				col{"role", role}, col{"phone", phone}, col{"email", email}, col{"external_id", nullStr(r.ExternalID)})
			if err != nil {
				return "", err
			}
			im.addContact(&contactRec{store.Contact{ID: store.ContactID(id), CustomerID: cu.ID, Name: name, Role: role, Phone: phone, Email: email}, r.ExternalID})
			im.met(seenKey{"contact", int64(id)}, r.Line)
			im.counted(true, false)
			return "", nil
		}
	}
	if im.met(seenKey{"contact", int64(existing.ID)}, r.Line) {
		return "", nil
	}
	var set []col
	for _, f := range []struct {
		col  string
		cur  *string
		want string
	}{
		{"name", &existing.Name, name},
		{"role", &existing.Role, strings.TrimSpace(p.Role)},
		{"phone", &existing.Phone, strings.TrimSpace(p.Phone)},
		{"email", &existing.Email, strings.TrimSpace(p.Email)},
	} {
		if f.want != "" && f.want != *f.cur {
			set, *f.cur = append(set, col{f.col, f.want}), f.want
		}
	}
	if r.ExternalID != "" && existing.ext == "" {
		set, existing.ext = append(set, col{"external_id", r.ExternalID}), r.ExternalID
		im.contExt[existing.ext] = existing
	}
	im.counted(false, len(set) > 0)
	if len(set) == 0 {
		return "", nil
	}
	return "", im.update("contacts", int64(existing.ID), set...)
}

// contactOf finds a customer's contact by name, or adds it.
func (im *importer) contactOf(cu store.CustomerID, contact string) (*contactRec, string, error) {
	name, key, reason := cleanName("contact", contact)
	if reason != "" {
		return nil, reason, nil
	}
	if p := im.contacts[ofCustomer(cu, name)]; p != nil {
		return p, "", nil
	}
	id, err := im.insert("contacts", col{"customer_id", int64(cu)}, col{"name", name}, col{"name_key", key})
	if err != nil {
		return nil, "", err
	}
	p := &contactRec{Contact: store.Contact{ID: store.ContactID(id), CustomerID: cu, Name: name}}
	im.addContact(p)
	return p, "", nil
}

// dealStages are the pipeline stages a deal may be in.
var dealStages = []string{"qualify", "proposal", "negotiation", "won", "lost"}

func (im *importer) deal(r store.ImportRow) (string, error) {
	d := *r.Deal
	title := strings.TrimSpace(store.Normalize(d.Title))
	if d.Stage == "" {
		d.Stage = "qualify"
	}
	switch {
	case title == "":
		return "no deal title", nil
	case len(title) > 200:
		return "deal title longer than 200 bytes", nil
	case !slices.Contains(dealStages, d.Stage):
		return fmt.Sprintf("unknown deal stage %q", d.Stage), nil
	case d.Value < 0:
		return "negative deal value", nil
	case d.Currency != "" && store.CheckMoney(d.Value, d.Currency) != nil:
		return fmt.Sprintf("currency %q is not a three-letter code like USD or VND", d.Currency), nil
	}
	owner := im.ownerOf(r)
	existing := im.dealExt[r.ExternalID]
	if r.ExternalID == "" || existing == nil {
		cu, reason, err := im.customerRef(r, owner)
		if reason != "" || err != nil {
			return reason, err
		}
		if r.ExternalID == "" {
			existing = im.deals[ofCustomer(cu.ID, title)]
		}
		if existing == nil {
			d.CustomerID, d.OwnerID, d.Title = cu.ID, owner, title
			if d.CreatedAt.IsZero() {
				d.CreatedAt = im.now
			}
			if d.StageChangedAt.IsZero() {
				d.StageChangedAt = d.CreatedAt
			}
			id, err := im.insert("deals", col{"customer_id", int64(cu.ID)}, col{"owner_id", int64(owner)}, col{"title", title},
				col{"title_key", store.NameKey(title)}, col{"value", d.Value}, col{"currency", d.Currency}, col{"stage", d.Stage}, col{"need", d.Need}, col{"budget", d.Budget},
				col{"authority", d.Authority}, col{"expected_close", Unix(d.ExpectedClose)}, col{"stage_changed_at", d.StageChangedAt.Unix()},
				col{"created_at", d.CreatedAt.Unix()}, col{"external_id", nullStr(r.ExternalID)})
			if err != nil {
				return "", err
			}
			d.ID = store.DealID(id)
			im.addDeal(&dealRec{d, r.ExternalID})
			im.met(seenKey{"deal", int64(id)}, r.Line)
			im.counted(true, false)
			return "", nil
		}
	}
	if im.met(seenKey{"deal", int64(existing.ID)}, r.Line) {
		return "", nil
	}
	var set []col
	if title != existing.Title {
		set, existing.Title = append(set, col{"title", title}, col{"title_key", store.NameKey(title)}), title
	}
	if d.Value != existing.Value || d.Currency != existing.Currency {
		set = append(set, col{"value", d.Value}, col{"currency", d.Currency})
		existing.Value, existing.Currency = d.Value, d.Currency
	}
	if d.Stage != existing.Stage {
		moved := d.StageChangedAt
		if moved.IsZero() {
			moved = im.now
		}
		set, existing.Stage = append(set, col{"stage", d.Stage}, col{"stage_changed_at", moved.Unix()}), d.Stage
	}
	if !d.ExpectedClose.Equal(existing.ExpectedClose) {
		set, existing.ExpectedClose = append(set, col{"expected_close", Unix(d.ExpectedClose)}), d.ExpectedClose
	}
	for _, f := range []struct {
		col  string
		cur  *string
		want string
	}{{"need", &existing.Need, d.Need}, {"budget", &existing.Budget, d.Budget}, {"authority", &existing.Authority, d.Authority}} {
		if f.want != "" && f.want != *f.cur {
			set, *f.cur = append(set, col{f.col, f.want}), f.want
		}
	}
	if r.OwnerName != "" && owner != existing.OwnerID {
		set, existing.OwnerID = append(set, col{"owner_id", int64(owner)}), owner
	}
	if r.ExternalID != "" && existing.ext == "" {
		set, existing.ext = append(set, col{"external_id", r.ExternalID}), r.ExternalID
		im.dealExt[existing.ext] = existing
	}
	im.counted(false, len(set) > 0)
	if len(set) == 0 {
		return "", nil
	}
	return "", im.update("deals", int64(existing.ID), set...)
}

var interactionKinds = []store.Kind{store.KindCall, store.KindMeeting, store.KindEmail, store.KindMessage, store.KindNote}

func (im *importer) interaction(r store.ImportRow) (string, error) {
	in := *r.Interaction
	if in.Kind == "" {
		in.Kind = store.KindNote
	}
	in.Summary = strings.TrimSpace(store.Normalize(in.Summary))
	switch {
	case !slices.Contains(interactionKinds, in.Kind):
		return fmt.Sprintf("unknown kind %q (call, meeting, email, message or note)", in.Kind), nil
	case in.At.IsZero():
		return "no date", nil
	case len(in.Summary) > store.MaxTextLen:
		return fmt.Sprintf("summary longer than %d bytes", store.MaxTextLen), nil
	}
	in.At = in.At.UTC().Truncate(time.Second)
	in.UserID = im.ownerOf(r)
	if existing := im.interExt[r.ExternalID]; r.ExternalID != "" && existing != nil {
		if im.met(seenKey{"interaction", int64(existing.ID)}, r.Line) {
			return "", nil
		}
		var set []col
		if in.Kind != existing.Kind || !in.At.Equal(existing.At) || in.Summary != existing.Summary {
			set = []col{{"kind", string(in.Kind)}, {"at", in.At.Unix()}, {"summary", in.Summary}}
			existing.Kind, existing.At, existing.Summary = in.Kind, in.At, in.Summary
		}
		im.counted(false, len(set) > 0)
		if len(set) == 0 {
			return "", nil
		}
		return "", im.update("interactions", int64(existing.ID), set...)
	}
	cu, reason, err := im.customerRef(r, in.UserID)
	if reason != "" || err != nil {
		return reason, err
	}
	in.CustomerID = cu.ID
	key := interKey(in)
	if id, ok := im.inters[key]; ok && r.ExternalID == "" {
		if !im.met(seenKey{"interaction", int64(id)}, r.Line) {
			im.counted(false, false)
		}
		return "", nil
	}
	if r.ContactName != "" {
		p, reason, err := im.contactOf(cu.ID, r.ContactName)
		if reason != "" || err != nil {
			return reason, err
		}
		in.ContactID = p.ID
	}
	id, err := im.insert("interactions", col{"customer_id", int64(in.CustomerID)}, col{"contact_id", NullID(in.ContactID)},
		col{"user_id", int64(in.UserID)}, col{"kind", string(in.Kind)}, col{"at", in.At.Unix()}, col{"summary", in.Summary},
		col{"external_id", nullStr(r.ExternalID)})
	if err != nil {
		return "", err
	}
	in.ID = store.InteractionID(id)
	im.addInteraction(&interRec{in, r.ExternalID})
	im.met(seenKey{"interaction", int64(id)}, r.Line)
	if in.Kind != store.KindNote && in.At.After(im.touched[cu.ID]) { // as addInteraction
		im.touched[cu.ID] = in.At
	}
	im.counted(true, false)
	return "", nil
}

// user adds or updates a user, and the manager it names. Users are not
// audited: like `tend user add`, they are made outside any undoable change
// (Undo would otherwise delete people who have since joined).
func (im *importer) user(r store.ImportRow) (string, error) {
	u := *r.User
	name, key, reason := cleanName("user", u.Name)
	if reason != "" {
		return reason, nil
	}
	if u.Role == "" {
		u.Role = store.RoleRep
	}
	if u.Role != store.RoleRep && u.Role != store.RoleManager && u.Role != store.RoleAdmin {
		return fmt.Sprintf("unknown role %q (rep, manager or admin)", u.Role), nil
	}
	var manager *userRec
	if r.ManagerName != "" {
		mname, mkey, reason := cleanName("manager", r.ManagerName)
		if reason != "" {
			return reason, nil
		}
		if manager = im.users[mkey]; manager == nil {
			var err error
			if manager, err = im.newUser(store.User{Name: mname, Role: store.RoleManager}, ""); err != nil {
				return "", err
			}
			im.report(r.Line, "note", "new manager %q", mname)
		} else if manager.Role == store.RoleRep {
			if _, err := im.stmts.exec("UPDATE users SET role = 'manager' WHERE id = ?", manager.ID); err != nil {
				return "", err
			}
			manager.Role = store.RoleManager
		}
		u.ManagerID = manager.ID
	}
	existing := im.userExt[r.ExternalID]
	if existing == nil {
		if e := im.users[key]; e != nil && (e.ext == "" || r.ExternalID == "") {
			existing = e
		}
	}
	if existing == nil {
		u.Name = name
		rec, err := im.newUser(u, r.ExternalID)
		if err != nil {
			return "", err
		}
		im.met(seenKey{"user", int64(rec.ID)}, r.Line)
		im.counted(true, false)
		return "", nil
	}
	if im.met(seenKey{"user", int64(existing.ID)}, r.Line) {
		return "", nil
	}
	var set []string
	var args []any
	// An admin stays one: a file cannot take away the rights of the
	// person importing it.
	if r.User.Role != "" && u.Role != existing.Role && existing.Role != store.RoleAdmin {
		set, args, existing.Role = append(set, "role = ?"), append(args, string(u.Role)), u.Role
	}
	if manager != nil && manager.ID != existing.ManagerID && manager.ID != existing.ID {
		set, args, existing.ManagerID = append(set, "manager_id = ?"), append(args, int64(manager.ID)), manager.ID
	}
	if r.ExternalID != "" && existing.ext == "" {
		set, args, existing.ext = append(set, "external_id = ?"), append(args, r.ExternalID), r.ExternalID
		im.userExt[existing.ext] = existing
	}
	im.counted(false, len(set) > 0)
	if len(set) == 0 {
		return "", nil
	}
	_, err := im.stmts.exec("UPDATE users SET "+strings.Join(set, ", ")+" WHERE id = ?", append(args, existing.ID)...)
	return "", err
}

func (im *importer) newUser(u store.User, ext string) (*userRec, error) {
	zone := u.TimeZone
	if zone == "" {
		zone = im.opts.TimeZone
	}
	if zone == "" {
		zone = "UTC"
	}
	lang := u.Lang
	if lang == "" {
		lang = "en"
	}
	id, err := im.stmts.insertID(`INSERT INTO users (name, role, time_zone, lang, created_at, manager_id, external_id) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		u.Name, string(u.Role), zone, lang, im.now.Unix(), NullID(u.ManagerID), nullStr(ext))
	if err != nil {
		return nil, fmt.Errorf("insert user: %w", err)
	}
	u.ID = store.UserID(id)
	rec := &userRec{u, ext}
	im.addUser(rec)
	return rec, nil
}

// finish moves the keep-in-touch dates of customers the imported
// interactions are newer for, once per customer rather than per line.
func (im *importer) finish() error {
	for id, at := range im.touched {
		var last, cadence int64
		if err := im.tx.QueryRowContext(im.ctx, "SELECT last_contact_at, cadence_days FROM customers WHERE id = ?", id).Scan(&last, &cadence); err != nil {
			return err
		}
		if at.Unix() <= last {
			continue
		}
		var touch int64
		if cadence > 0 {
			touch = at.AddDate(0, 0, int(cadence)).Unix()
		}
		if err := im.update("customers", int64(id), col{"last_contact_at", at.Unix()}, col{"touch_due_at", touch}); err != nil {
			return err
		}
	}
	return nil
}

// Export implements store.Exporter. Users are exported whole only to a
// scope that sees everyone; a rep gets their own line.
func (st *Store) Export(ctx context.Context, s store.Scope, kind store.ImportKind, fn func(store.ImportRow) error) error {
	q, scan, ok := exportQuery(kind)
	if !ok {
		return fmt.Errorf("store: export: %w: kind %q", store.ErrInvalid, kind)
	}
	args := VisArgs(s)
	if kind == store.ImportUsers {
		args = []any{s.UserID, s.SeesAll()}
	}
	rows, err := st.read.QueryContext(ctx, q, args...)
	if err != nil {
		return fmt.Errorf("store: export %s: %w", kind, err)
	}
	defer rows.Close()
	for rows.Next() {
		r, err := scan(rows)
		if err != nil {
			return fmt.Errorf("store: export %s: %w", kind, err)
		}
		if err := fn(r); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("store: export %s: %w", kind, err)
	}
	return nil
}

// exportQuery is the query for one kind, with the names of the records it
// refers to joined in, and its Scanner.
func exportQuery(kind store.ImportKind) (string, func(Scanner) (store.ImportRow, error), bool) {
	switch kind {
	case store.ImportUsers:
		return `SELECT u.id, COALESCE(u.external_id, ''), u.name, u.role, u.time_zone, u.lang, COALESCE(m.name, '')
			FROM users u LEFT JOIN users m ON m.id = u.manager_id WHERE u.id = ? OR ? ORDER BY u.id`,
			func(sc Scanner) (store.ImportRow, error) {
				var r store.ImportRow
				var u store.User
				err := sc.Scan(&u.ID, &r.ExternalID, &u.Name, &u.Role, &u.TimeZone, &u.Lang, &r.ManagerName)
				r.User = &u
				return r, err
			}, true
	case store.ImportCustomers:
		return `SELECT COALESCE(c.external_id, ''), ` + CustomerCols + `, u.name FROM customers c JOIN users u ON u.id = c.owner_id
			WHERE ` + Visible + ` ORDER BY c.id`,
			func(sc Scanner) (store.ImportRow, error) {
				var r store.ImportRow
				var ext string
				cu, err := ScanCustomer(prefixed{sc, []any{&ext}, []any{&r.OwnerName}})
				r.ExternalID, r.Customer = ext, &cu
				return r, err
			}, true
	case store.ImportContacts:
		return `SELECT COALESCE(x.external_id, ''), c.name, x.name, x.role, x.phone, x.email FROM contacts x
			JOIN customers c ON c.id = x.customer_id WHERE ` + Visible + ` ORDER BY x.id`,
			func(sc Scanner) (store.ImportRow, error) {
				var r store.ImportRow
				var p store.Contact
				err := sc.Scan(&r.ExternalID, &r.CustomerName, &p.Name, &p.Role, &p.Phone, &p.Email)
				r.Contact = &p
				return r, err
			}, true
	case store.ImportDeals:
		return `SELECT COALESCE(d.external_id, ''), c.name, u.name, ` + DealCols + ` FROM deals d
			JOIN customers c ON c.id = d.customer_id JOIN users u ON u.id = d.owner_id WHERE ` + Visible + ` ORDER BY d.id`,
			func(sc Scanner) (store.ImportRow, error) {
				var r store.ImportRow
				var ext, cname, oname string
				d, err := ScanDeal(prefixed{sc, []any{&ext, &cname, &oname}, nil})
				r.ExternalID, r.CustomerName, r.OwnerName, r.Deal = ext, cname, oname, &d
				return r, err
			}, true
	case store.ImportInteractions:
		return `SELECT COALESCE(x.external_id, ''), c.name, COALESCE(p.name, ''), u.name, x.kind, x.at, x.summary FROM interactions x
			JOIN customers c ON c.id = x.customer_id JOIN users u ON u.id = x.user_id LEFT JOIN contacts p ON p.id = x.contact_id
			WHERE ` + Visible + ` ORDER BY x.id`,
			func(sc Scanner) (store.ImportRow, error) {
				var r store.ImportRow
				var in store.Interaction
				var at int64
				err := sc.Scan(&r.ExternalID, &r.CustomerName, &r.ContactName, &r.OwnerName, &in.Kind, &at, &in.Summary)
				in.At, r.Interaction = FromUnix(at), &in
				return r, err
			}, true
	}
	return "", nil, false
}

// prefixed lets a record's Scanner read a row with columns before and
// after its own.
type prefixed struct {
	sc            Scanner
	before, after []any
}

func (p prefixed) Scan(dest ...any) error {
	return p.sc.Scan(append(append(append([]any{}, p.before...), dest...), p.after...)...)
}
