// Package problem defines the errors Kongsi reports to the people and programs
// that use it: what went wrong, in which field, under which rule. Every refusal
// wraps one of the sentinel errors below, which map to HTTP statuses here and
// nowhere else.
package problem

import (
	"errors"
	"fmt"
	"net/http"
)

// The kinds of problem. Test for them with errors.Is.
var (
	ErrInvalid     = errors.New("invalid")          // the input breaks a rule of form or schema
	ErrForbidden   = errors.New("forbidden")        // the author may not say this
	ErrConflict    = errors.New("conflict")         // a replay, or an update of a version that is not the latest
	ErrNotFound    = errors.New("not found")        // no such thing
	ErrTooLarge    = errors.New("too large")        // over a size limit
	ErrUnavailable = errors.New("unavailable")      // overloaded or not ready; try again later
	ErrInternal    = errors.New("internal failure") // a fault of the register, not of the request
)

// Error is a refusal with the field and rule it concerns.
type Error struct {
	Kind   error  // one of the sentinels above
	Field  string // where in the input: "body.title", "refs[0].id", "signature 2"
	Rule   string // a short, stable name of the rule: "schema.maxLength", "stale", "replay"
	Detail string // one sentence for a person, safe to show
	// Index, when set, is a log index the refusal refers to: the index at
	// which a replayed record already stands, for instance.
	Index *uint64
}

func (e *Error) Error() string {
	if e.Field != "" {
		return fmt.Sprintf("%s: %s", e.Field, e.Detail)
	}
	return e.Detail
}

func (e *Error) Unwrap() error { return e.Kind }

func newError(kind error, field, rule, format string, args ...any) *Error {
	return &Error{Kind: kind, Field: field, Rule: rule, Detail: fmt.Sprintf(format, args...)}
}

// Invalid reports input that breaks a rule of form or schema.
func Invalid(field, rule, format string, args ...any) *Error {
	return newError(ErrInvalid, field, rule, format, args...)
}

// Forbidden reports an author who may not say what the record says.
func Forbidden(field, rule, format string, args ...any) *Error {
	return newError(ErrForbidden, field, rule, format, args...)
}

// Conflict reports a replay or a stale update.
func Conflict(field, rule, format string, args ...any) *Error {
	return newError(ErrConflict, field, rule, format, args...)
}

// NotFound reports a missing thing.
func NotFound(field, rule, format string, args ...any) *Error {
	return newError(ErrNotFound, field, rule, format, args...)
}

// TooLarge reports input over a size limit.
func TooLarge(field, rule, format string, args ...any) *Error {
	return newError(ErrTooLarge, field, rule, format, args...)
}

// Unavailable reports a register that cannot take the request now.
func Unavailable(rule, format string, args ...any) *Error {
	return newError(ErrUnavailable, "", rule, format, args...)
}

// As returns the *Error in err's chain, or a generic one describing an
// internal failure whose text is not shown to users.
func As(err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	for _, k := range []error{ErrInvalid, ErrForbidden, ErrConflict, ErrNotFound, ErrTooLarge, ErrUnavailable} {
		if errors.Is(err, k) {
			return &Error{Kind: k, Rule: k.Error(), Detail: err.Error()}
		}
	}
	return &Error{Kind: ErrInternal, Rule: "internal", Detail: "the register could not complete the request; the failure is logged"}
}

// Status maps an error to its HTTP status.
func Status(err error) int {
	switch {
	case err == nil:
		return http.StatusOK
	case errors.Is(err, ErrInvalid):
		return http.StatusUnprocessableEntity
	case errors.Is(err, ErrForbidden):
		return http.StatusForbidden
	case errors.Is(err, ErrConflict):
		return http.StatusConflict
	case errors.Is(err, ErrNotFound):
		return http.StatusNotFound
	case errors.Is(err, ErrTooLarge):
		return http.StatusRequestEntityTooLarge
	case errors.Is(err, ErrUnavailable):
		return http.StatusServiceUnavailable
	default:
		return http.StatusInternalServerError
	}
}

// Code is the short name of the error's kind, as used in JSON error bodies.
func Code(err error) string {
	switch {
	case errors.Is(err, ErrInvalid):
		return "invalid"
	case errors.Is(err, ErrForbidden):
		return "forbidden"
	case errors.Is(err, ErrConflict):
		return "conflict"
	case errors.Is(err, ErrNotFound):
		return "not_found"
	case errors.Is(err, ErrTooLarge):
		return "too_large"
	case errors.Is(err, ErrUnavailable):
		return "unavailable"
	default:
		return "internal"
	}
}
