// Package store holds Tend's domain model and the contracts its storage
// implements. It has no SQL: store/sqlite implements Store on one SQLite
// file, and store/storetest checks any implementation against the same
// semantics.
package store

import (
	"context"
	"io"
	"iter"
	"time"
)

// Users reads and writes the people who use Tend.
type Users interface {
	// User returns a user by id. Returns ErrNotFound.
	User(ctx context.Context, id UserID) (User, error)
	// UserByIdentity returns the user a platform account belongs to.
	// Returns ErrNotFound.
	UserByIdentity(ctx context.Context, id Identity) (User, error)
	// CreateUser adds u with its identities and returns it with its id.
	// Returns ErrConflict if an identity already belongs to someone.
	CreateUser(ctx context.Context, u User) (User, error)
	// UpdateUser changes the fields set in upd. Returns ErrNotFound, and
	// ErrConflict if upd.Identity belongs to another user.
	UpdateUser(ctx context.Context, id UserID, upd UserUpdate) (User, error)
	// ListUsers returns every active user (not those who left), by id.
	ListUsers(ctx context.Context) ([]User, error)
}

// Access decides who comes in: one-time codes, and the hand-over when
// someone leaves. Codes are short-lived secrets; stores keep only a hash.
type Access interface {
	// CreateCode returns a new one-time code of kind made by s, valid until
	// expires. An invite (admins only) lets one newcomer in with role; a
	// link adds an account to s's own user. Returns ErrForbidden when s may
	// not make it, ErrInvalid for a role that is not one.
	CreateCode(ctx context.Context, s Scope, kind CodeKind, role Role, expires time.Time) (string, error)
	// RedeemCode uses a code once, at most: an invite creates u with the
	// code's role; a link adds u's first identity to the code's user. It
	// returns the user. Returns ErrNotFound when the code is unknown, used,
	// expired or its maker has left, ErrConflict when the identity belongs
	// to someone already (the code stays unused). Of two racing redeemers,
	// one wins.
	RedeemCode(ctx context.Context, code string, u User) (User, CodeKind, error)
	// RemoveUser hands the customers, open deals, open follow-ups and team
	// of user id over to user to, and marks id as left: one change by s
	// (admins only: ErrForbidden), audited and undoable. Returns
	// ErrNotFound unless both are active users, ErrInvalid when id == to.
	RemoveUser(ctx context.Context, s Scope, o Origin, id, to UserID) (Handover, error)
}

// Customers reads the book of customers and their contacts.
type Customers interface {
	// Customer returns a customer s may see. Returns ErrNotFound.
	Customer(ctx context.Context, s Scope, id CustomerID) (Customer, error)
	// FindCustomers returns customers s may see whose name or alias
	// matches name: those that match exactly (folded) when there are any,
	// else those whose names start with or contain its words; at most
	// limit.
	FindCustomers(ctx context.Context, s Scope, name string, limit int) ([]Customer, error)
	// Contacts returns the contacts of a customer s may see, by name.
	Contacts(ctx context.Context, s Scope, id CustomerID) ([]Contact, error)
	// CustomerNames returns every name and alias of the customers s may
	// see, for fuzzy matching in memory: one entry per name or alias.
	CustomerNames(ctx context.Context, s Scope) ([]CustomerName, error)
}

// Timeline reads what happened with customers.
type Timeline interface {
	// Interactions returns the interactions s may see that match f, newest
	// first.
	Interactions(ctx context.Context, s Scope, f InteractionFilter) ([]Interaction, error)
	// FollowUp returns one follow-up s may see. Returns ErrNotFound.
	FollowUp(ctx context.Context, s Scope, id FollowUpID) (FollowUp, error)
	// FollowUps returns the follow-ups s may see that match f, by due time.
	FollowUps(ctx context.Context, s Scope, f FollowUpFilter) ([]FollowUp, error)
	// Deals returns the deals s may see that match f, newest first.
	Deals(ctx context.Context, s Scope, f DealFilter) ([]Deal, error)
	// LastInteractions returns the latest interaction with each of the
	// customers s may see among ids; those never contacted have none.
	LastInteractions(ctx context.Context, s Scope, ids []CustomerID) (map[CustomerID]Interaction, error)
}

// Writer makes the changes users ask for. Each call is one transaction:
// all of it is stored, or none. Each is recorded as a Change the user can
// undo, with an audit entry per row, and with the origin's platform event,
// so that the same event applied twice returns ErrDuplicate and changes
// nothing.
type Writer interface {
	// Record logs an activity: the customer (created when new), a contact
	// (created when new), an interaction, a follow-up and a yearly
	// occasion, each optional but the customer, and marks a.Fulfils done
	// (ErrConflict when it is not open or of another customer); ErrInvalid for an occasion
	// on a date that does not exist. Returns ErrNotFound if the customer is not visible to s,
	// ErrDuplicate if o was applied before.
	Record(ctx context.Context, s Scope, o Origin, a Activity) (Recorded, error)
	// CompleteFollowUp marks an open follow-up done. Returns ErrNotFound if s
	// cannot see it, ErrConflict if it is not open, ErrDuplicate.
	CompleteFollowUp(ctx context.Context, s Scope, o Origin, id FollowUpID) (FollowUp, ChangeID, error)
	// SnoozeFollowUp moves an open follow-up to a new due time. Returns
	// ErrNotFound, ErrConflict if it is not open, ErrDuplicate.
	SnoozeFollowUp(ctx context.Context, s Scope, o Origin, id FollowUpID, due time.Time, allDay bool) (FollowUp, ChangeID, error)
	// UpdateCustomer changes a customer s may see: stage, segment,
	// keep-in-touch cadence, phone, email. Returns ErrNotFound, ErrInvalid
	// (Field names what), ErrDuplicate.
	UpdateCustomer(ctx context.Context, s Scope, o Origin, id CustomerID, upd CustomerUpdate) (Customer, ChangeID, error)
	// AddAlias records another name for a customer s may see. Returns
	// ErrNotFound, ErrInvalid for an empty alias, ErrConflict when the
	// customer has it already, ErrDuplicate.
	AddAlias(ctx context.Context, s Scope, o Origin, id CustomerID, alias string) (ChangeID, error)
	// Undo reverts a change the user made; id 0 means their latest one not
	// yet undone. Returns ErrNotFound when there is none s may undo,
	// ErrConflict when it was undone already, or its records were changed
	// since or are referenced by later changes; ErrDuplicate.
	Undo(ctx context.Context, s Scope, o Origin, id ChangeID) (Change, error)
}

// Deals reads and writes deals and the chats bound to them. Writes are
// changes like Writer's: one transaction, undoable, deduplicated by o.
type Deals interface {
	// Deal returns a deal s may see. Returns ErrNotFound.
	Deal(ctx context.Context, s Scope, id DealID) (Deal, error)
	// FindDeals returns the deals s may see whose title or customer's name
	// matches name (folded): exact titles first, then open deals, newest
	// first; at most limit.
	FindDeals(ctx context.Context, s Scope, name string, limit int) ([]Deal, error)
	// CreateDeal adds a deal owned by s on a customer found or created as
	// Record does. Returns ErrInvalid (a bad name, stage or value),
	// ErrNotFound, *AmbiguousError, ErrDuplicate.
	CreateDeal(ctx context.Context, s Scope, o Origin, d NewDeal) (Deal, ChangeID, error)
	// UpdateDeal changes the fields set in upd; a new stage stamps
	// StageChangedAt, and a stage other than lost clears LostReason.
	// Returns ErrNotFound, ErrInvalid, ErrDuplicate.
	UpdateDeal(ctx context.Context, s Scope, o Origin, id DealID, upd DealUpdate) (Deal, ChangeID, error)
	// BindChat binds b's chat (and thread) to a deal s may see, replacing
	// an earlier binding of that place. Returns ErrNotFound, ErrInvalid,
	// ErrDuplicate.
	BindChat(ctx context.Context, s Scope, o Origin, b ChatBinding) (ChangeID, error)
	// ChatBinding returns the binding of a place: the thread's, else the
	// whole chat's. Not scoped: being in the chat is the right to it.
	// Returns ErrNotFound.
	ChatBinding(ctx context.Context, platform, chat, thread string) (ChatBinding, error)
	// BindingsOf returns the places bound to a deal, for posting its news.
	BindingsOf(ctx context.Context, id DealID) ([]ChatBinding, error)
	// CaptureMessage adds in to the timeline of the deal b is bound to, as
	// said by s, whoever owns the customer: the binding is the right.
	// Returns ErrNotFound when the place is not bound, ErrDuplicate.
	CaptureMessage(ctx context.Context, s Scope, o Origin, b ChatBinding, in Interaction) (Interaction, error)
	// DealInteractions returns the interactions linked to a deal s may
	// see, newest first.
	DealInteractions(ctx context.Context, s Scope, id DealID, limit int) ([]Interaction, error)
	// ActivitySince counts each user's calls, meetings and follow-ups done
	// since a time: every user for a scope that sees all, else only s.
	ActivitySince(ctx context.Context, s Scope, since time.Time) ([]RepActivity, error)
}

// Campaigns plans the same follow-up for many customers at once.
type Campaigns interface {
	// PlanSegment adds an open follow-up owned by s, with f's Due, AllDay
	// and Note, on each customer s owns in segment that has no open
	// follow-up with that due time and note yet, as one change. It returns
	// the follow-ups added, by customer name. Returns ErrInvalid (no
	// segment, note or due time), ErrNotFound when s owns no customer in
	// the segment, ErrConflict when every one of them has it already,
	// ErrDuplicate.
	PlanSegment(ctx context.Context, s Scope, o Origin, segment string, f FollowUp) ([]FollowUp, ChangeID, error)
}

// Referrals records who brought a customer to us.
type Referrals interface {
	// SetReferrer records that customer referrer brought customer id, both
	// visible to s. Returns ErrNotFound, ErrInvalid for a customer
	// referring itself, ErrConflict when it is recorded so already,
	// ErrDuplicate.
	SetReferrer(ctx context.Context, s Scope, o Origin, id, referrer CustomerID) (ChangeID, error)
	// Referred returns the customers s may see that referrer brought, by
	// name; at most limit.
	Referred(ctx context.Context, s Scope, referrer CustomerID, limit int) ([]Customer, error)
}

// Events is the ledger of platform events handled, for those that make no
// change (a question): a write records its event itself.
type Events interface {
	// ClaimEvent records that o is being handled. Returns ErrDuplicate if it
	// was before. A zero Origin is never a duplicate.
	ClaimEvent(ctx context.Context, o Origin) error
}

// Drafts keeps a message whose meaning needs one more answer from the user
// (which of two customers was meant), for the button that gives it.
type Drafts interface {
	// SaveDraft stores text for user and returns its id.
	SaveDraft(ctx context.Context, user UserID, text string) (DraftID, error)
	// Draft returns the text of a draft the user saved. Returns ErrNotFound.
	Draft(ctx context.Context, user UserID, id DraftID) (string, error)
}

// Deliveries is the ledger that makes each reminder go out once.
type Deliveries interface {
	// ClaimDelivery reserves key for sending. It returns false when the key
	// was claimed before, by this process or another.
	ClaimDelivery(ctx context.Context, key string, user UserID) (bool, error)
	// MarkDelivered records that the claimed key was sent, with the
	// platform's reference to the message.
	MarkDelivered(ctx context.Context, key string, ref string) error
	// ReleaseDelivery gives a claimed, unsent key back after a failed send,
	// noting why, so that a later tick may retry it.
	ReleaseDelivery(ctx context.Context, key string, reason string) error
}

// Leases hands a named role to one holder at a time, for ttl; the holder
// renews it before it runs out. Acquire returns true when holder has it.
// Leases are for replicas sharing one database; migrate-data leaves them.
type Leases interface {
	AcquireLease(ctx context.Context, name, holder string, ttl time.Duration) (bool, error)
	ReleaseLease(ctx context.Context, name, holder string) error
}

// Housekeeping keeps the ledgers from growing without bound.
type Housekeeping interface {
	// Prune deletes processed-event records and drafts older than before
	// and returns how many rows went. Platforms redeliver within minutes
	// (Slack) or a day (Telegram), so weeks of records are plenty.
	Prune(ctx context.Context, before time.Time) (int64, error)
}

// Due finds what falls due across all users, for the reminders. It is not
// scoped: the scheduler acts for each owner.
type Due interface {
	// DueFollowUps returns the open follow-ups with a time (not all-day)
	// due after from and at or before to, by due time.
	DueFollowUps(ctx context.Context, from, to time.Time) ([]FollowUp, error)
}

// Agendas loads what the agenda ranks.
type Agendas interface {
	// AgendaBook returns, for the customers s may see (or only those of
	// f.Customer), the open follow-ups due before f.Until, the customers
	// whose keep-in-touch date is before f.Until, open deals not moved since
	// f.StuckSince, the occasions on f.Occasions' days, and the latest deal
	// won since f.WonSince by each loyal or advocate customer who has
	// referred no one yet.
	AgendaBook(ctx context.Context, s Scope, f AgendaFilter) (Book, error)
}

// Importer brings records in bulk from a file another system wrote.
type Importer interface {
	// Import stores the rows of one file as one change by s, in one
	// transaction: every line, or with opts.Partial the good ones, or
	// nothing. A record is matched by its external id, else by its folded
	// name (a customer's also by phone or email), so importing the same
	// rows again changes nothing; a row matched twice in a file is a
	// duplicate, skipped and reported. Rows with Err fail, rows with Skip
	// are left out; both are reported, not returned as errors. An error
	// from rows, or from the database, aborts with nothing stored.
	// ErrInvalid for an unknown kind, ErrNotFound for an unknown owner.
	Import(ctx context.Context, s Scope, opts ImportOptions, rows iter.Seq2[ImportRow, error]) (ImportResult, error)
}

// Exporter gives records back in the shape Import reads.
type Exporter interface {
	// Export calls fn with every record of kind that s may see, oldest
	// first, stopping at fn's first error.
	Export(ctx context.Context, s Scope, kind ImportKind, fn func(ImportRow) error) error
}

// Store is everything Tend keeps.
type Store interface {
	Users
	Access
	Customers
	Timeline
	Writer
	Deals
	Campaigns
	Referrals
	Events
	Drafts
	Deliveries
	Leases
	Due
	Agendas
	Housekeeping
	Search
	History
	Importer
	Exporter
	io.Closer
}

// Scope is who is asking: the store shows and changes only what that user
// may see. It is explicit, never taken from a context.
type Scope struct {
	UserID UserID
	Role   Role
}

// SeesAll reports whether the scope sees every customer. Only an admin
// does: a manager sees their team's customers, a rep their own, and both
// those shared with them.
func (s Scope) SeesAll() bool { return s.Role == RoleAdmin }

// Origin is the platform event a change comes from: the key that makes a
// redelivered event a no-op and the link from a record to its source.
type Origin struct {
	Platform string
	EventID  string
}

// IsZero reports whether o names no event (the console, a test).
func (o Origin) IsZero() bool { return o.EventID == "" }
