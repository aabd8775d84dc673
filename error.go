package haven

import (
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"
)

// ErrorCode classifies an error for callers: each code maps to one HTTP
// status in the server and one exit status in the command.
type ErrorCode string

// The error codes.
const (
	// EINVALID: the input is malformed or breaks a rule; Fields says where.
	EINVALID ErrorCode = "invalid"
	// ENOTFOUND: no such record, or one the actor may not see.
	ENOTFOUND ErrorCode = "not_found"
	// ECONFLICT: the record's state does not allow the operation now
	// (a transition not allowed from the current state, a duplicate, a full cap).
	ECONFLICT ErrorCode = "conflict"
	// EFORBIDDEN: the actor may see the record but not do this to it.
	EFORBIDDEN ErrorCode = "forbidden"
	// EUNAUTHORIZED: the actor is not known or not signed in.
	EUNAUTHORIZED ErrorCode = "unauthorized"
	// ETOOMANY: too many attempts; wait before trying again.
	ETOOMANY ErrorCode = "too_many_requests"
	// EUNAVAILABLE: a dependency (the database, the key file) is not ready.
	EUNAVAILABLE ErrorCode = "unavailable"
	// EINTERNAL: a fault inside Haven. Its details go to the log, not the user.
	EINTERNAL ErrorCode = "internal"
)

// FieldProblem names one field of the input and what is wrong with it.
// Messages never quote the value, which may be personal data.
type FieldProblem struct {
	Field   string `json:"field"`
	Message string `json:"message"`
}

// Error is Haven's one error type. Message is safe to show to the user;
// Err is the underlying cause, for the log only.
type Error struct {
	Code    ErrorCode
	Op      string
	Message string
	Fields  []FieldProblem
	Err     error
}

// Error formats the error for logs. It contains no personal data as long as
// Message and the field messages contain none, which is the rule.
func (e *Error) Error() string {
	var b strings.Builder
	if e.Op != "" {
		b.WriteString(e.Op)
		b.WriteString(": ")
	}
	b.WriteString(string(e.Code))
	if e.Message != "" {
		b.WriteString(": ")
		b.WriteString(e.Message)
	}
	for _, f := range e.Fields {
		fmt.Fprintf(&b, "; %s: %s", f.Field, f.Message)
	}
	if e.Err != nil {
		b.WriteString(": ")
		b.WriteString(e.Err.Error())
	}
	return b.String()
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// Errorf returns an *Error with a user-facing message.
func Errorf(code ErrorCode, op, format string, args ...any) *Error {
	return &Error{Code: code, Op: op, Message: fmt.Sprintf(format, args...)}
}

// Internal wraps a cause as an internal error: the user sees only that
// something failed.
func Internal(op string, err error) *Error {
	return &Error{Code: EINTERNAL, Op: op, Message: "internal error", Err: err}
}

// ErrorCodeOf returns the code of the first *Error in err's chain, EINTERNAL
// for any other non-nil error, and "" for nil.
func ErrorCodeOf(err error) ErrorCode {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// ErrorMessageOf returns the user-facing message of err.
func ErrorMessageOf(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Message
	}
	return "internal error"
}

// FieldsOf returns the field problems of err, if any.
func FieldsOf(err error) []FieldProblem {
	var e *Error
	if errors.As(err, &e) {
		return e.Fields
	}
	return nil
}

// Problems collects field problems while input is validated.
type Problems []FieldProblem

// Add records a problem with field.
func (p *Problems) Add(field, message string) {
	*p = append(*p, FieldProblem{Field: field, Message: message})
}

// Addf records a problem with field, formatted.
func (p *Problems) Addf(field, format string, args ...any) {
	p.Add(field, fmt.Sprintf(format, args...))
}

// Text records a problem when s, trimmed, is shorter than min or longer
// than max characters, or holds control characters other than line breaks
// and tabs. A min of 1 means the field is required.
func (p *Problems) Text(field, s string, min, max int) {
	t := strings.TrimSpace(s)
	n := utf8.RuneCountInString(t)
	switch {
	case n < min && min == 1:
		p.Add(field, "enter a value")
	case n < min:
		p.Addf(field, "enter at least %d characters", min)
	case n > max:
		p.Addf(field, "use at most %d characters", max)
	}
	if strings.ContainsFunc(s, func(r rune) bool { return r < 0x20 && r != '\n' && r != '\t' && r != '\r' || r == 0x7f }) {
		p.Add(field, "remove control characters")
	}
}

// Merge adds q's problems, each field prefixed with prefix.
func (p *Problems) Merge(prefix string, q Problems) {
	for _, f := range q {
		p.Add(prefix+f.Field, f.Message)
	}
}

// Err returns nil when there are no problems, or an EINVALID *Error listing them.
func (p Problems) Err(op string) error {
	if len(p) == 0 {
		return nil
	}
	return &Error{Code: EINVALID, Op: op, Message: "the input has problems", Fields: append([]FieldProblem(nil), p...)}
}
