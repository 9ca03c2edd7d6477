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
	// ListUsers returns every user, by id.
	ListUsers(ctx context.Context) ([]User, error)
}

// Customers reads the book of customers and their contacts.
type Customers interface {
	// Customer returns a customer s may see. Returns ErrNotFound.
	Customer(ctx context.Context, s Scope, id CustomerID) (Customer, error)
	// FindCustomers returns customers s may see whose name matches name:
	// exact (folded) matches first, then names that start with or contain
	// its words; at most limit.
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
}

// Writer makes the changes users ask for. Each call is one transaction:
// all of it is stored, or none. Each is recorded as a Change the user can
// undo, with an audit entry per row, and with the origin's platform event,
// so that the same event applied twice returns ErrDuplicate and changes
// nothing.
type Writer interface {
	// Record logs an activity: the customer (created when new), a contact
	// (created when new), an interaction, a follow-up and a yearly
	// occasion, each optional but the customer; ErrInvalid for an occasion
	// on a date that does not exist. Returns ErrNotFound if the customer is not visible to s,
	// ErrDuplicate if o was applied before.
	Record(ctx context.Context, s Scope, o Origin, a Activity) (Recorded, error)
	// CompleteFollowUp marks an open follow-up done. Returns ErrNotFound if s
	// cannot see it, ErrConflict if it is not open, ErrDuplicate.
	CompleteFollowUp(ctx context.Context, s Scope, o Origin, id FollowUpID) (FollowUp, ChangeID, error)
	// SnoozeFollowUp moves an open follow-up to a new due time. Returns
	// ErrNotFound, ErrConflict if it is not open, ErrDuplicate.
	SnoozeFollowUp(ctx context.Context, s Scope, o Origin, id FollowUpID, due time.Time, allDay bool) (FollowUp, ChangeID, error)
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
	// f.StuckSince, and the last interaction with each customer in the book.
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
	Customers
	Timeline
	Writer
	Events
	Drafts
	Deliveries
	Due
	Agendas
	Housekeeping
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

// SeesAll reports whether the scope sees every customer, not only its own.
func (s Scope) SeesAll() bool { return s.Role == RoleAdmin || s.Role == RoleManager }

// Origin is the platform event a change comes from: the key that makes a
// redelivered event a no-op and the link from a record to its source.
type Origin struct {
	Platform string
	EventID  string
}

// IsZero reports whether o names no event (the console, a test).
func (o Origin) IsZero() bool { return o.EventID == "" }
