package store

import (
	"errors"
	"strings"
)

var (
	// ErrNotFound: absent, or not visible to the scope.
	ErrNotFound = errors.New("not found")
	// ErrConflict: a unique key is taken, or the record is not in the state
	// the change needs.
	ErrConflict = errors.New("conflict")
	// ErrDuplicate: the platform event was handled before.
	ErrDuplicate = errors.New("duplicate event")
	// ErrInvalid: the input breaks a rule of the domain.
	ErrInvalid = errors.New("invalid")
	// ErrForbidden: the scope's role may not do this (an admin's task).
	ErrForbidden = errors.New("forbidden")
	// ErrNotTend: the database opened is not one of Tend's (another
	// program's, or empty where one was expected).
	ErrNotTend = errors.New("not a Tend database")
	// ErrNewerSchema: the database holds migrations this version does not
	// know; running on it could misread or damage what they added.
	ErrNewerSchema = errors.New("made by a newer version of Tend")
)

// AmbiguousError is returned when a name fits several customers: the
// caller asks the user which one.
type AmbiguousError struct {
	Query   string
	Matches []Customer
}

func (e *AmbiguousError) Error() string {
	names := make([]string, len(e.Matches))
	for i, c := range e.Matches {
		names[i] = c.Name
	}
	return "ambiguous customer " + e.Query + ": " + strings.Join(names, ", ")
}

// Fields an InvalidError names, so that the caller can say what to fix.
const (
	FieldName  = "name"  // a customer, contact or alias name
	FieldText  = "text"  // a summary or note, too long
	FieldDate  = "date"  // a due time or a yearly date that does not exist
	FieldStage = "stage" // a deal stage not in the pipeline
	FieldValue = "value" // an amount, currency or other setting out of range
)

// InvalidError says which input broke a rule of the domain. It is
// ErrInvalid for errors.Is.
type InvalidError struct {
	Field  string // FieldName, FieldText, FieldDate
	Reason string
}

func (e *InvalidError) Error() string        { return "invalid " + e.Field + ": " + e.Reason }
func (e *InvalidError) Is(target error) bool { return target == ErrInvalid }
