package api

import (
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"runtime"
	"strconv"

	"github.com/havenhrd/haven"
)

// status is the HTTP status of each error code.
var status = map[haven.ErrorCode]int{
	haven.EINVALID:      http.StatusBadRequest,
	haven.ENOTFOUND:     http.StatusNotFound,
	haven.ECONFLICT:     http.StatusConflict,
	haven.EFORBIDDEN:    http.StatusForbidden,
	haven.EUNAUTHORIZED: http.StatusUnauthorized,
	haven.ETOOMANY:      http.StatusTooManyRequests,
	haven.EUNAVAILABLE:  http.StatusServiceUnavailable,
	haven.EINTERNAL:     http.StatusInternalServerError,
}

const internalMessage = "internal error: Haven could not complete the request; quote the request ID when you report it"

// TooLarge is the refusal (413) of a request body over limit bytes.
func TooLarge(limit int64) error {
	return &httpError{http.StatusRequestEntityTooLarge, "the request body is larger than " + size(limit)}
}

// size writes n bytes as the documents state limits: "64 KiB", "1 MiB".
func size(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}

// httpError is a refusal that has an HTTP status of its own and no
// ErrorCode: an unsupported media type, a body too large.
type httpError struct {
	status  int
	message string
}

func (e *httpError) Error() string { return fmt.Sprintf("%d: %s", e.status, e.message) }

// problem is the application/problem+json body (RFC 9457) of every error
// of the API and of the server's routes under /api/: the document's
// Problem, whose errors are a list (empty, never null) and which always
// carries the request ID.
type problem struct {
	Status int    `json:"status"`
	Title  string `json:"title"`
	Detail string `json:"detail"`
	// Errors name the fields of the input at fault; never their values.
	Errors    []haven.FieldProblem `json:"errors"`
	RequestID string               `json:"request_id"`
	// Retry is the sign-in step of another try, on the refusal of a
	// second factor that may be tried again (the document's
	// SecondFactorRefusal); absent on every other problem.
	Retry any `json:"retry,omitempty"`
}

func (s *api) fail(w http.ResponseWriter, r *http.Request, err error) { Fail(s.log, w, r, err) }

func (s *api) refuse(w http.ResponseWriter, r *http.Request, st int, msg string) {
	Refuse(s.log, w, r, st, msg)
}

// Fail answers err as problem+json: the user's message and field problems
// for a 4xx (logged as a refusal), a fixed message for a 5xx, whose
// internals go to log with the request ID. It is the one writer of error
// bodies under /api/: the server answers its own routes' errors with it.
func Fail(log *slog.Logger, w http.ResponseWriter, r *http.Request, err error) {
	FailRetry(log, w, r, err, nil)
}

// FailRetry answers err as Fail does; a refusal (4xx) carries retry, when
// not nil, as the problem's "retry" member: the step with which a refused
// second factor is tried again.
func FailRetry(log *slog.Logger, w http.ResponseWriter, r *http.Request, err error, retry any) {
	var he *httpError
	if errors.As(err, &he) {
		Refuse(log, w, r, he.status, he.message)
		return
	}
	code := haven.ErrorCodeOf(err)
	st, ok := status[code]
	if !ok {
		st = http.StatusInternalServerError
	}
	if st >= 500 {
		log.ErrorContext(r.Context(), "request failed", "method", r.Method, "route", r.Pattern, "status", st,
			"code", string(code), "err", err.Error(), "request_id", haven.RequestID(r.Context()))
		msg := internalMessage
		if code == haven.EUNAVAILABLE {
			msg = "Haven is not ready to serve this request; try again later"
		}
		writeProblem(w, r, st, msg, nil)
		return
	}
	logRefusal(log, r, st, code)
	if d, ok := haven.RetryAfterOf(err); ok {
		w.Header().Set("Retry-After", strconv.Itoa(d.Seconds()))
	}
	writeProblemRetry(w, r, st, haven.ErrorMessageOf(err), haven.FieldsOf(err), retry)
}

// Refuse answers a 4xx that has no error code of its own, as problem+json
// with msg, and logs the refusal.
func Refuse(log *slog.Logger, w http.ResponseWriter, r *http.Request, st int, msg string) {
	logRefusal(log, r, st, "")
	writeProblem(w, r, st, msg, nil)
}

// logRefusal leaves a trace of a refused request: the route, the status,
// the code and the request ID; never the input, which may be a defender's
// name or a password.
func logRefusal(log *slog.Logger, r *http.Request, st int, code haven.ErrorCode) {
	log.InfoContext(r.Context(), "request refused", "method", r.Method, "route", r.Pattern, "status", st,
		"code", string(code), "request_id", haven.RequestID(r.Context()))
}

func writeProblem(w http.ResponseWriter, r *http.Request, st int, msg string, fields []haven.FieldProblem) {
	writeProblemRetry(w, r, st, msg, fields, nil)
}

func writeProblemRetry(w http.ResponseWriter, r *http.Request, st int, msg string, fields []haven.FieldProblem, retry any) {
	if fields == nil {
		fields = []haven.FieldProblem{}
	}
	if st == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Bearer realm="haven"`)
	}
	w.Header().Set("Content-Type", "application/problem+json")
	w.WriteHeader(st)
	_ = json.NewEncoder(w).Encode(problem{Status: st, Title: http.StatusText(st), Detail: msg, Errors: fields,
		RequestID: haven.RequestID(r.Context()), Retry: retry})
}

// panicText describes a panic for the log: its type, and a runtime
// error's message, which holds no input.
func panicText(v any) string {
	if re, ok := v.(runtime.Error); ok {
		return re.Error()
	}
	return fmt.Sprintf("%T", v)
}
