package api_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"math/big"
	"net/http"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/havenhrd/haven"
	"github.com/havenhrd/haven/internal/api"
)

// A validator of JSON values against the JSON Schema subset that
// openapi.json uses, and of whole responses against the document's
// operations: each real response of the tests is held to what the document
// promises for its route and status. A keyword the validator does not know
// fails the test, so that the document cannot come to rely on one that is
// silently ignored.

// schemaKeywords are the keywords the validator understands; annotations
// (description, examples) are known and ignored.
var schemaKeywords = map[string]bool{
	"$ref": true, "type": true, "properties": true, "required": true, "items": true, "additionalProperties": true,
	"enum": true, "format": true, "minimum": true, "maximum": true, "pattern": true, "propertyNames": true,
	"oneOf": true, "anyOf": true, "nullable": true,
	"description": true, "examples": true, "example": true, "title": true, "deprecated": true,
}

// spec is the OpenAPI document, parsed once, with its operations by path
// template.
type spec struct {
	doc   map[string]any
	paths []specPath
}

type specPath struct {
	template string
	re       *regexp.Regexp
	literal  int // literal segments: a literal path wins over a template
	ops      map[string]map[string]any
}

var (
	specOnce   sync.Once
	loadedSpec *spec
	specErr    error
)

// theSpec parses the document the API serves.
func theSpec(t testing.TB) *spec {
	t.Helper()
	specOnce.Do(func() {
		var d map[string]any
		dec := json.NewDecoder(bytes.NewReader(api.OpenAPI()))
		dec.UseNumber()
		if specErr = dec.Decode(&d); specErr != nil {
			return
		}
		s := &spec{doc: d}
		for tpl, item := range obj(d["paths"]) {
			p := specPath{template: tpl, ops: map[string]map[string]any{}}
			var re strings.Builder
			re.WriteString("^")
			for _, seg := range strings.Split(strings.TrimPrefix(tpl, "/"), "/") {
				re.WriteString("/")
				if strings.HasPrefix(seg, "{") {
					re.WriteString("[^/]+")
					continue
				}
				p.literal++
				re.WriteString(regexp.QuoteMeta(seg))
			}
			re.WriteString("$")
			p.re = regexp.MustCompile(re.String())
			for _, m := range methods {
				if op := obj(obj(item)[m]); op != nil {
					p.ops[strings.ToUpper(m)] = op
				}
			}
			s.paths = append(s.paths, p)
		}
		sort.Slice(s.paths, func(i, j int) bool { return s.paths[i].literal > s.paths[j].literal })
		loadedSpec = s
	})
	if specErr != nil {
		t.Fatalf("openapi.json: %v", specErr)
	}
	return loadedSpec
}

// ref resolves a local $ref.
func (s *spec) ref(ref string) (map[string]any, error) {
	var v any = s.doc
	for _, part := range strings.Split(strings.TrimPrefix(ref, "#/"), "/") {
		v = obj(v)[part]
	}
	if obj(v) == nil {
		return nil, fmt.Errorf("$ref %s resolves to nothing", ref)
	}
	return obj(v), nil
}

// operation returns the documented operation of method and path (no
// query), and its template; nil when the document has none.
func (s *spec) operation(method, path string) (map[string]any, string) {
	for _, p := range s.paths {
		if p.re.MatchString(path) {
			if op := p.ops[method]; op != nil {
				return op, method + " " + p.template
			}
		}
	}
	return nil, ""
}

// validate adds to errs where v does not fit schema, at path at.
func (s *spec) validate(errs *[]string, at string, v any, schema map[string]any) {
	fail := func(format string, args ...any) {
		*errs = append(*errs, at+": "+fmt.Sprintf(format, args...))
	}
	for k := range schema {
		if !schemaKeywords[k] {
			fail("the schema uses %q, which the validator does not know", k)
		}
	}
	if ref, ok := schema["$ref"].(string); ok {
		target, err := s.ref(ref)
		if err != nil {
			fail("%v", err)
			return
		}
		s.validate(errs, at, v, target)
		return
	}
	if v == nil && schema["nullable"] == true {
		return
	}
	if alts, ok := schema["oneOf"].([]any); ok {
		n := 0
		for _, alt := range alts {
			var sub []string
			s.validate(&sub, at, v, obj(alt))
			if len(sub) == 0 {
				n++
			}
		}
		if n != 1 {
			fail("fits %d of the oneOf schemas, not one", n)
		}
	}
	if alts, ok := schema["anyOf"].([]any); ok {
		fits := false
		for _, alt := range alts {
			var sub []string
			s.validate(&sub, at, v, obj(alt))
			fits = fits || len(sub) == 0
		}
		if !fits {
			fail("fits none of the anyOf schemas")
		}
	}
	if t, ok := schema["type"]; ok {
		var types []string
		switch t := t.(type) {
		case string:
			types = []string{t}
		case []any:
			for _, e := range t {
				types = append(types, str(e))
			}
		}
		if !slices.ContainsFunc(types, func(t string) bool { return isType(v, t) }) {
			fail("%s is not of type %v", kindOf(v), types)
			return
		}
	}
	if vals, ok := schema["enum"].([]any); ok && !slices.ContainsFunc(vals, func(e any) bool { return e == v }) {
		fail("%v is not one of %v", v, vals)
	}
	switch v := v.(type) {
	case string:
		switch schema["format"] {
		case "date":
			if _, err := haven.ParseDate(v); err != nil {
				fail("%q is not a date", v)
			}
		case "date-time":
			if _, err := time.Parse(time.RFC3339Nano, v); err != nil {
				fail("%q is not a date-time", v)
			}
		}
		if p, ok := schema["pattern"].(string); ok && !regexp.MustCompile(p).MatchString(v) {
			fail("%q does not match %s", v, p)
		}
	case json.Number:
		n, _ := new(big.Rat).SetString(v.String())
		if m, ok := schema["minimum"].(json.Number); ok {
			if lo, _ := new(big.Rat).SetString(m.String()); n.Cmp(lo) < 0 {
				fail("%s is below the minimum %s", v, m)
			}
		}
		if m, ok := schema["maximum"].(json.Number); ok {
			if hi, _ := new(big.Rat).SetString(m.String()); n.Cmp(hi) > 0 {
				fail("%s is above the maximum %s", v, m)
			}
		}
	case []any:
		if items := obj(schema["items"]); items != nil {
			for i, e := range v {
				s.validate(errs, at+"["+strconv.Itoa(i)+"]", e, items)
			}
		}
	case map[string]any:
		props := obj(schema["properties"])
		if req, ok := schema["required"].([]any); ok {
			for _, r := range req {
				if _, ok := v[str(r)]; !ok {
					fail("the required property %s is missing", str(r))
				}
			}
		}
		for _, k := range slices.Sorted(maps.Keys(v)) {
			if names := obj(schema["propertyNames"]); names != nil {
				s.validate(errs, at+"{"+k+"}", k, names)
			}
			if p, ok := props[k]; ok {
				s.validate(errs, at+"."+k, v[k], obj(p))
				continue
			}
			switch extra := schema["additionalProperties"].(type) {
			case bool:
				if !extra {
					fail("the property %s is not documented", k)
				}
			case map[string]any:
				s.validate(errs, at+"."+k, v[k], extra)
			}
		}
	}
}

func isType(v any, t string) bool {
	switch v := v.(type) {
	case nil:
		return t == "null"
	case bool:
		return t == "boolean"
	case string:
		return t == "string"
	case json.Number:
		if t == "number" {
			return true
		}
		_, err := strconv.ParseInt(v.String(), 10, 64)
		return t == "integer" && err == nil
	case []any:
		return t == "array"
	case map[string]any:
		return t == "object"
	}
	return false
}

func kindOf(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case json.Number:
		return "a number"
	case string:
		return "a string"
	case bool:
		return "a boolean"
	case []any:
		return "an array"
	}
	return "an object"
}

// exchange is one request the tests made and the response it got.
type exchange struct {
	method, path string // path without the query
	status       int
	header       http.Header
	body         []byte
}

// check returns where the response breaks the document: a status the
// operation does not document, a content type or a body that does not fit
// the documented response, a 401 without WWW-Authenticate. A request to a
// route the document does not have must be answered 404 or 405 with a
// problem.
func (s *spec) check(x exchange) []string {
	var errs []string
	op, name := s.operation(x.method, x.path)
	if name == "" {
		name = x.method + " " + x.path + " (undocumented)"
	}
	at := fmt.Sprintf("%s → %d", name, x.status)
	if x.status == http.StatusUnauthorized && !strings.HasPrefix(x.header.Get("WWW-Authenticate"), "Bearer") {
		errs = append(errs, at+": a 401 without WWW-Authenticate: Bearer")
	}
	var resp map[string]any
	if op == nil {
		if x.status != http.StatusNotFound && x.status != http.StatusMethodNotAllowed {
			return append(errs, at+": a route the document does not have answered other than 404 or 405")
		}
		resp = map[string]any{"content": map[string]any{"application/problem+json": map[string]any{
			"schema": map[string]any{"$ref": "#/components/schemas/Problem"}}}}
	} else {
		r := obj(obj(op["responses"])[strconv.Itoa(x.status)])
		if r == nil {
			return append(errs, at+": the status is not documented for the route")
		}
		if ref, ok := r["$ref"].(string); ok {
			var err error
			if r, err = s.ref(ref); err != nil {
				return append(errs, at+": "+err.Error())
			}
		}
		resp = r
	}
	for h := range obj(resp["headers"]) {
		if x.header.Get(h) == "" {
			errs = append(errs, at+": the documented header "+h+" is missing")
		}
	}
	content := obj(resp["content"])
	if len(content) == 0 {
		if len(bytes.TrimSpace(x.body)) > 0 {
			errs = append(errs, at+": a body where the document has none")
		}
		return errs
	}
	ct := x.header.Get("Content-Type")
	media := obj(content[ct])
	if media == nil {
		return append(errs, fmt.Sprintf("%s: content type %q, the document has %v", at, ct, slices.Sorted(maps.Keys(content))))
	}
	dec := json.NewDecoder(bytes.NewReader(x.body))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return append(errs, at+": the body is not JSON: "+err.Error())
	}
	if schema := obj(media["schema"]); schema != nil {
		s.validate(&errs, at+" body", v, schema)
	}
	return errs
}

// record keeps an exchange of the fixture, to be checked when the test ends.
func (f *fixture) record(x exchange) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.seen = append(f.seen, x)
}

// checkResponses holds every response the test got to the document.
func (f *fixture) checkResponses(t *testing.T) {
	t.Helper()
	s := theSpec(t)
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, x := range f.seen {
		for _, e := range s.check(x) {
			t.Error(e)
		}
	}
}

// TestValidatorCatchesDrift: the validator reports each way a response can
// drift from the document; without it, the check of every response proves
// nothing.
func TestValidatorCatchesDrift(t *testing.T) {
	s := theSpec(t)
	problem := http.Header{"Content-Type": {"application/problem+json"}}
	json401 := http.Header{"Content-Type": {"application/problem+json"}, "Www-Authenticate": {`Bearer realm="haven"`}}
	good := `{"status":401,"title":"Unauthorized","detail":"x","errors":[],"request_id":"r1"}`
	if errs := s.check(exchange{"GET", "/api/v1/cases", 401, json401, []byte(good)}); len(errs) != 0 {
		t.Fatalf("a good problem is refused: %v", errs)
	}
	org := http.Header{"Content-Type": {"application/json"}}
	for _, tc := range []struct {
		name string
		x    exchange
		want string
	}{
		{"a required field missing", exchange{"GET", "/api/v1/cases", 401, json401,
			[]byte(`{"status":401,"title":"Unauthorized","detail":"x","errors":[]}`)}, "required property request_id"},
		{"null for a list", exchange{"GET", "/api/v1/cases", 401, json401,
			[]byte(`{"status":401,"title":"Unauthorized","detail":"x","errors":null,"request_id":"r"}`)}, "not of type"},
		{"no WWW-Authenticate", exchange{"GET", "/api/v1/cases", 401, problem, []byte(good)}, "WWW-Authenticate"},
		{"an undocumented status", exchange{"GET", "/api/v1/cases", 418, problem, []byte(good)}, "not documented"},
		{"another content type", exchange{"GET", "/api/v1/cases", 400, http.Header{"Content-Type": {"text/plain"}}, []byte(good)}, "content type"},
		{"an undocumented property", exchange{"POST", "/api/v1/organisations", 201, org,
			[]byte(`{"id":"org_1","kind":"visa_office","name":"x","secret":"y"}`)}, "property secret is not documented"},
		{"an enum value", exchange{"POST", "/api/v1/organisations", 201, org, []byte(`{"id":"org_1","kind":"embassy","name":"x"}`)}, "is not one of"},
		{"a date-time", exchange{"POST", "/api/v1/organisations", 201, org,
			[]byte(`{"id":"org_1","kind":"visa_office","name":"x","created_at":"yesterday"}`)}, "not a date-time"},
		{"a number for a string", exchange{"POST", "/api/v1/organisations", 201, org, []byte(`{"id":1,"kind":"visa_office","name":"x"}`)}, "not of type"},
		{"a route the document lacks", exchange{"GET", "/api/v1/secrets", 200, org, []byte(`{}`)}, "other than 404"},
	} {
		errs := s.check(tc.x)
		if !slices.ContainsFunc(errs, func(e string) bool { return strings.Contains(e, tc.want) }) {
			t.Errorf("%s: reported %v, want %q", tc.name, errs, tc.want)
		}
	}
}
