package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"mime"
	"net/http"
	"net/url"
	"reflect"
	"slices"
	"strconv"
	"strings"

	"github.com/havenhrd/haven"
	"github.com/havenhrd/haven/internal/referral"
)

// decode reads r's JSON body into v, a pointer to one of this package's
// input structs. An empty body is the empty object. It refuses, as
// EINVALID naming the field or the line, a body that is not one JSON
// object, has data after it, names a field v does not have (names match
// exactly), names a field twice (at any depth, exactly or in another
// case), gives a field a value of the wrong type, or gives an enum or a
// date a value its UnmarshalText refuses; a body that is not
// application/json is 415, one over the route's bound 413. Every problem of the
// body is reported at once.
//
// encoding/json alone reports the first problem only, names no field for
// an unknown enum value, matches field names without regard to case, and
// keeps the last of a field given twice: so the body is first checked
// against v's type by referral.Strict, the check the import page applies
// to its files too, then decoded.
func decode(r *http.Request, v any) error {
	const op = "api.decode"
	b, err := io.ReadAll(r.Body)
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return TooLarge(mbe.Limit)
	} else if err != nil {
		return haven.Errorf(haven.EINVALID, op, "the request body could not be read")
	}
	if len(bytes.TrimSpace(b)) == 0 {
		b = []byte("{}")
	} else if mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err != nil || mt != "application/json" {
		return &httpError{http.StatusUnsupportedMediaType, "send the request body as application/json"}
	}

	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var tree any
	if err := dec.Decode(&tree); err != nil {
		return syntaxProblem(b, err)
	}
	if rest := b[dec.InputOffset():]; len(bytes.TrimSpace(rest)) > 0 {
		at := int(dec.InputOffset()) + len(rest) - len(bytes.TrimLeft(rest, " \t\r\n"))
		return haven.Errorf(haven.EINVALID, op, "the request body has data after the JSON object, at %s", position(b, at))
	}
	if _, ok := tree.(map[string]any); !ok {
		return haven.Errorf(haven.EINVALID, op, "the request body must be a JSON object")
	}
	var p haven.Problems
	for _, pr := range referral.Strict(b, reflect.TypeOf(v).Elem()) {
		p.Add(field(pr.Field), pr.Message)
	}
	if len(p) > 0 {
		return &haven.Error{Code: haven.EINVALID, Op: op, Message: "the request body has problems", Fields: p}
	}
	// The tree fits v's type: this cannot fail but for a bug in check.
	dec = json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			return (&haven.Problems{{Field: fieldPath(te.Field), Message: "the value is not of the expected type"}}).Err(op)
		}
		return haven.Errorf(haven.EINVALID, op, "the request body is not the JSON expected")
	}
	return nil
}

// Decode reads r's JSON body into v as every route of the API reads its
// body (see decode), bounded by MaxBody. The server reads the bodies of
// its own routes under /api/v1 (sign-in) with it, which the same document
// describes.
func Decode(w http.ResponseWriter, r *http.Request, v any) error {
	if err := Bound(w, r, MaxBody); err != nil {
		return err
	}
	return decode(r, v)
}

// Bound bounds r's body at limit bytes: a body that says it is larger is
// refused at once (TooLarge), and reading past limit fails with
// *http.MaxBytesError.
func Bound(w http.ResponseWriter, r *http.Request, limit int64) error {
	if r.ContentLength > limit {
		return TooLarge(limit)
	}
	r.Body = http.MaxBytesReader(w, r.Body, limit)
	return nil
}

// syntaxProblem describes a JSON syntax error by its line and column,
// without quoting the input.
func syntaxProblem(b []byte, err error) error {
	const op = "api.decode"
	var se *json.SyntaxError
	switch {
	case errors.As(err, &se):
		return haven.Errorf(haven.EINVALID, op, "the request body is not valid JSON: syntax error at %s", position(b, int(se.Offset)-1))
	case errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		return haven.Errorf(haven.EINVALID, op, "the request body is not valid JSON: it ends at %s, before the JSON is complete", position(b, len(b)))
	default:
		return haven.Errorf(haven.EINVALID, op, "the request body is not valid JSON")
	}
}

// position is "line L, column C" of byte offset off of b, both from 1.
func position(b []byte, off int) string {
	off = max(0, min(off, len(b)))
	line := 1 + bytes.Count(b[:off], []byte("\n"))
	col := off - bytes.LastIndexByte(b[:off], '\n')
	return fmt.Sprintf("line %d, column %d", line, col)
}

func sortedKeys[V any](m map[string]V) []string { return slices.Sorted(maps.Keys(m)) }

// field names the whole body when path is empty.
func field(path string) string {
	if path == "" {
		return "body"
	}
	return path
}

// fieldPath turns encoding/json's "members.0.sex" into "members[0].sex".
func fieldPath(p string) string {
	parts := strings.Split(p, ".")
	var b strings.Builder
	for i, s := range parts {
		if _, err := strconv.Atoi(s); err == nil && i > 0 {
			b.WriteString("[" + s + "]")
			continue
		}
		if i > 0 {
			b.WriteByte('.')
		}
		b.WriteString(s)
	}
	return field(b.String())
}

// query is a request's query string, checked to hold only the parameters
// a route documents.
type query url.Values

// parseQuery parses r's query string, refusing a malformed one and any
// parameter not in allowed.
func parseQuery(r *http.Request, allowed []string) (query, error) {
	const op = "api.query"
	vals, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		return nil, haven.Errorf(haven.EINVALID, op, "the query string is malformed")
	}
	var p haven.Problems
	for _, k := range sortedKeys(vals) {
		if !slices.Contains(allowed, k) {
			p.Add(k, "unknown query parameter")
		}
	}
	if err := p.Err(op); err != nil {
		return nil, err
	}
	return query(vals), nil
}

// one returns the single value of parameter name, "" when absent; a
// repeated parameter is a problem.
func (q query) one(p *haven.Problems, name string) string {
	vs := q[name]
	if len(vs) > 1 {
		p.Add(name, "give this parameter once")
	}
	if len(vs) == 0 {
		return ""
	}
	return vs[0]
}

// queryEnum parses the single value of parameter name with parse.
func queryEnum[T ~string](q query, p *haven.Problems, name string, parse func(string) (T, error)) T {
	s := q.one(p, name)
	if s == "" {
		return ""
	}
	v, err := parse(s)
	if err != nil {
		p.Add(name, haven.ErrorMessageOf(err))
	}
	return v
}

// number parses the single value of parameter name as a whole number from
// lo to hi, def when absent.
func (q query) number(p *haven.Problems, name string, def, lo, hi int) int {
	s := q.one(p, name)
	if s == "" {
		return def
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < lo || n > hi {
		p.Addf(name, "enter a whole number from %d to %d", lo, hi)
		return def
	}
	return n
}
