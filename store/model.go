package store

import "time"

// Typed ids, so that a deal's id cannot be passed where a customer's is
// wanted.
type (
	UserID        int64
	CustomerID    int64
	ContactID     int64
	DealID        int64
	InteractionID int64
	FollowUpID    int64
	OccasionID    int64
	ChangeID      int64
	DraftID       int64
)

// Role is what a user may do.
type Role string

const (
	RoleAdmin   Role = "admin"   // everything, including users and settings
	RoleManager Role = "manager" // every customer of the team
	RoleRep     Role = "rep"     // their own customers and those shared with them
)

// User is a rep, manager or admin.
type User struct {
	ID       UserID
	Name     string
	Role     Role
	TimeZone string // IANA name, e.g. "Asia/Ho_Chi_Minh"
	Lang     string // "en" or "vi"
	// DigestTime is the local time of the morning digest ("08:30"); empty
	// turns the digest off.
	DigestTime string
	// DigestWeekends sends the digest on Saturday and Sunday too.
	DigestWeekends bool
	// ManagerID is the manager whose team the user is in; 0 for none.
	ManagerID  UserID
	Identities []Identity
	CreatedAt  time.Time
	// LeftAt is when the user was removed; zero while they are active. A
	// user who left is kept for the audit trail and can no longer use Tend.
	LeftAt time.Time
}

// Active reports whether the user may use Tend.
func (u User) Active() bool { return u.LeftAt.IsZero() }

// CodeKind is what a one-time access code does.
type CodeKind string

const (
	// CodeInvite lets one newcomer in, with the code's role.
	CodeInvite CodeKind = "invite"
	// CodeLink adds the redeemer's account on another platform to the
	// user who asked for the code.
	CodeLink CodeKind = "link"
)

// Handover is what RemoveUser moved to the successor.
type Handover struct {
	Change    ChangeID
	Customers int
	Deals     int // open ones
	FollowUps int // open ones
	Team      int // users whose manager the leaver was
}

// Identity is a user's account on one platform.
type Identity struct {
	Platform   string // "slack", "telegram", "console"
	ExternalID string // the platform's user id
	// ChatID is the private chat where reminders reach the user; empty
	// until the user has written to Tend in private.
	ChatID string
}

// UserUpdate holds the fields to change; nil leaves a field as it is.
type UserUpdate struct {
	Name           *string
	Role           *Role
	TimeZone       *string
	Lang           *string
	DigestTime     *string
	DigestWeekends *bool
	// ManagerID puts the user in a manager's team; 0 takes them out.
	ManagerID *UserID
	// Identity adds or updates one identity (its ChatID).
	Identity *Identity
}

// Stage is where a relationship stands.
type Stage string

const (
	StageLead     Stage = "lead"
	StageProspect Stage = "prospect"
	StageCustomer Stage = "customer"
	StageLoyal    Stage = "loyal"
	StageAdvocate Stage = "advocate"
	StageLost     Stage = "lost"
)

// DefaultCadence is how often a customer at stage should hear from us when
// nobody set a cadence: prospects cool fastest, loyal customers are kept in
// touch with less often, lost ones not at all.
func DefaultCadence(stage Stage) int {
	switch stage {
	case StageLead, StageProspect:
		return 14
	case StageCustomer:
		return 30
	case StageLoyal, StageAdvocate:
		return 60
	default:
		return 0
	}
}

// Customer is a company or a person Tend keeps a relationship with.
type Customer struct {
	ID       CustomerID
	Name     string
	IsPerson bool // a person rather than a company
	OwnerID  UserID
	Stage    Stage
	Segment  string // "A", "B", "C" by value; empty when unknown
	// CadenceDays is the keep-in-touch interval; 0 means none.
	CadenceDays   int
	ReferredBy    CustomerID // 0 when unknown
	Tags          []string
	Phone         string
	Email         string
	LastContactAt time.Time // zero when never contacted
	// TouchDueAt is when the cadence says to be in touch again; zero when
	// the customer has no cadence.
	TouchDueAt time.Time
	CreatedAt  time.Time
}

// CadenceDue reports whether the customer is past their keep-in-touch
// date at now.
func (c Customer) CadenceDue(now time.Time) bool {
	return !c.TouchDueAt.IsZero() && c.CadenceDays > 0 && !c.TouchDueAt.After(now)
}

// Contact is a person at a customer.
type Contact struct {
	ID         ContactID
	CustomerID CustomerID
	Name       string
	Role       string // "purchasing manager", "kế toán"
	Phone      string
	Email      string
}

// Kind is how an interaction happened.
type Kind string

const (
	KindCall    Kind = "call"
	KindMeeting Kind = "meeting"
	KindEmail   Kind = "email"
	KindMessage Kind = "message"
	KindNote    Kind = "note"
)

// Interaction is one contact with a customer, or a note about one.
type Interaction struct {
	ID         InteractionID
	CustomerID CustomerID
	ContactID  ContactID // 0 when nobody in particular
	UserID     UserID
	Kind       Kind
	At         time.Time
	Summary    string
	Source     Origin // the message it was logged from
	DealID     DealID // the deal it is about; 0 when none
}

// FollowUpStatus is where a follow-up stands.
type FollowUpStatus string

const (
	FollowUpOpen      FollowUpStatus = "open"
	FollowUpDone      FollowUpStatus = "done"
	FollowUpCancelled FollowUpStatus = "cancelled"
)

// FollowUp is a promise to get back to a customer.
type FollowUp struct {
	ID         FollowUpID
	CustomerID CustomerID
	ContactID  ContactID
	OwnerID    UserID
	Due        time.Time
	// AllDay: only the date of Due counts (00:00 in the owner's zone);
	// the follow-up is due all that day rather than at a minute.
	AllDay      bool
	Note        string
	Status      FollowUpStatus
	Snoozes     int // times it was put off
	CreatedAt   time.Time
	CompletedAt time.Time
}

// Deal is a sale in progress.
type Deal struct {
	ID         DealID
	CustomerID CustomerID
	OwnerID    UserID
	Title      string
	// Value is in the currency's minor units (cents); VND has none.
	Value          int64
	Currency       string // ISO 4217
	Stage          string // pipeline stage: by default qualify, proposal, negotiation, won, lost
	Need           string // qualification; empty when not known yet
	Budget         string
	Authority      string
	LostReason     string // why a lost deal was lost; empty otherwise
	ExpectedClose  time.Time
	StageChangedAt time.Time
	CreatedAt      time.Time
}

// Deal stages every pipeline has: a deal ends won or lost. The stages
// before are the team's (DefaultStages).
const (
	DealWon  = "won"
	DealLost = "lost"
)

// DefaultStages is the pipeline, in order, unless the team sets its own.
var DefaultStages = []string{"qualify", "proposal", "negotiation", DealWon, DealLost}

// Open reports whether the deal is still being worked.
func (d Deal) Open() bool { return d.Stage != DealWon && d.Stage != DealLost }

// Qualified reports whether need, budget and authority are all known.
func (d Deal) Qualified() bool { return d.Need != "" && d.Budget != "" && d.Authority != "" }

// NewDeal is a deal to create.
type NewDeal struct {
	Customer CustomerRef // found or created, as for an Activity
	Title    string      // empty: the customer's name
	Value    int64       // minor units of Currency
	Currency string      // ISO 4217
	Stage    string      // empty: the first stage of the pipeline
	// ExpectedClose is zero when unknown.
	ExpectedClose time.Time
}

// DealUpdate holds the fields to change; nil leaves a field as it is.
type DealUpdate struct {
	Value         *int64
	Currency      *string
	Stage         *string
	LostReason    *string
	ExpectedClose *time.Time
	Owner         *UserID
	Need          *string
	Budget        *string
	Authority     *string
	// CarePlan is scheduled in the same change: the follow-ups and yearly
	// occasion of a won deal, so that undoing the win removes them. Only a
	// change that moves the deal to won schedules it: a deal won already
	// (by another message at the same time) gets no second plan.
	CarePlan *CarePlan
}

// CarePlan is what a won deal starts: check-ins for its owner and a yearly
// date on the customer. The caller words and times them.
type CarePlan struct {
	FollowUps []FollowUp // Due, AllDay and Note are used
	Occasion  *Occasion  // Kind, Month, Day, Year and Label are used
}

// Capture says which messages of a bound chat go to the deal's timeline.
type Capture string

const (
	CaptureMentions Capture = "mentions" // only those addressed to Tend
	CaptureAll      Capture = "all"
)

// ChatBinding ties a chat, or a thread in it, to a deal.
type ChatBinding struct {
	Platform string
	ChatID   string
	ThreadID string // empty: the whole chat
	DealID   DealID
	Capture  Capture
	BoundBy  UserID
}

// RepActivity counts what one user did in a period.
type RepActivity struct {
	UserID        UserID
	Name          string
	Calls         int
	Meetings      int
	FollowUpsDone int
}

// Occasion is a yearly date worth a call: a birthday, an anniversary, the
// first purchase.
type Occasion struct {
	ID         OccasionID
	CustomerID CustomerID
	ContactID  ContactID
	Kind       string // "birthday", "anniversary", "first_purchase", …
	Month      time.Month
	Day        int
	Year       int // 0 when unknown
	Lunar      bool
	Label      string
}

// Change is one user action as recorded for undo and audit.
type Change struct {
	ID       ChangeID
	UserID   UserID
	At       time.Time
	Summary  string // what was done, in the words of the code that did it
	UndoneAt time.Time
}

// Activity is what a user reports in one message.
type Activity struct {
	Customer CustomerRef
	// Contact is the name of the person spoken to; found among the
	// customer's contacts or added. Empty: nobody in particular.
	Contact     string
	Interaction *Interaction // CustomerID, ContactID and UserID are filled in
	FollowUp    *FollowUp    // CustomerID, ContactID, OwnerID and Status are filled in
	Occasion    *Occasion    // CustomerID and ContactID are filled in
	// Fulfils is an open follow-up of the customer that this activity
	// keeps (the promised call, made): it is marked done in the same
	// change. 0: none.
	Fulfils FollowUpID
}

// CustomerUpdate holds the customer's fields to change; nil leaves a field
// as it is.
type CustomerUpdate struct {
	Stage   *Stage
	Segment *string // "A", "B", "C" or "" for none
	// CadenceDays is the keep-in-touch interval; 0 goes back to the
	// stage's default. The keep-in-touch date follows.
	CadenceDays *int
	Phone       *string
	Email       *string
}

// CustomerRef names the customer of an activity: an id, or a name to find
// (folded, exact) or create.
type CustomerRef struct {
	ID   CustomerID
	Name string
}

// Recorded is what Record stored.
type Recorded struct {
	Change      ChangeID
	Customer    Customer
	NewCustomer bool
	Contact     *Contact
	NewContact  bool
	Interaction *Interaction
	FollowUp    *FollowUp
	Occasion    *Occasion
	Fulfilled   *FollowUp // Activity.Fulfils, done
}

// InteractionFilter selects interactions.
type InteractionFilter struct {
	Customer CustomerID // 0: every visible customer
	Limit    int
}

// FollowUpFilter selects follow-ups.
type FollowUpFilter struct {
	Customer CustomerID
	Status   FollowUpStatus // empty: any
	DueBy    time.Time      // due at or before; zero: any
	Limit    int
}

// DealFilter selects deals.
type DealFilter struct {
	Customer CustomerID
	Owner    UserID // 0: any
	OpenOnly bool
	Limit    int
}

// CustomerName is one name a customer is known by: its own or an alias.
type CustomerName struct {
	ID    CustomerID
	Name  string // as written
	Key   string // NameKey(Name)
	Alias bool
}

// ImportKind is what the records of one import or export file are.
type ImportKind string

const (
	ImportCustomers    ImportKind = "customers"
	ImportContacts     ImportKind = "contacts"
	ImportDeals        ImportKind = "deals"
	ImportInteractions ImportKind = "interactions"
	ImportUsers        ImportKind = "users"
)

// ImportKinds lists the kinds in the order a book is imported: each refers
// only to kinds before it.
var ImportKinds = []ImportKind{ImportUsers, ImportCustomers, ImportContacts, ImportDeals, ImportInteractions}

// ImportRow is one record of an import or export file, typed. One of
// Customer, Contact, Deal, Interaction and User is set, by the file's kind;
// the records it refers to are named as a spreadsheet names them, and the
// store resolves the names (ids inside the record are ignored on import).
type ImportRow struct {
	Line       int    // line in the file, for the report; 0 on export
	ExternalID string // the record's id in the system it came from

	Customer    *Customer
	Contact     *Contact
	Deal        *Deal
	Interaction *Interaction
	User        *User

	CustomerName string // the customer of a contact, deal or interaction
	ContactName  string // the contact of an interaction; a customer's contact person
	OwnerName    string // the owner of a customer or deal, the author of an interaction
	ManagerName  string // the manager of a user

	// Skip says why the line is left out without failing the file (a deal
	// with no account); Err why it cannot be imported.
	Skip, Err string
	// Notes are remarks on a line that is imported ("unknown product").
	Notes []string
}

// ImportOptions say how to import a file.
type ImportOptions struct {
	Kind ImportKind
	// Owner owns the records whose owner column is empty or names nobody
	// known; 0 means the importing user.
	Owner UserID
	// Partial keeps the good lines when some fail; by default a file is
	// imported whole or not at all.
	Partial bool
	// DryRun does everything and then rolls it back.
	DryRun bool
	// TimeZone is the zone of users created by the import; default UTC.
	TimeZone string
	// Summary names the change in the history ("import customers.csv").
	Summary string
}

// ImportResult is what an import did, line by line.
type ImportResult struct {
	Change    ChangeID // 0 when nothing was stored
	Committed bool     // false for a dry run or a file that failed whole
	Created   int
	Updated   int
	Skipped   int // unchanged, duplicates inside the file, and lines left out
	Failed    int
	Problems  []ImportProblem // every line failed, left out or remarked on, in file order
}

// ImportProblem is the report on one line.
type ImportProblem struct {
	Line    int
	Outcome string // "failed", "skipped" or "note"
	Reason  string
}
