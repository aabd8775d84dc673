package api_test

import (
	"encoding/json"
	"maps"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/havenhrd/haven"
	"github.com/havenhrd/haven/internal/api"
	"github.com/havenhrd/haven/internal/app"
)

// doc is the OpenAPI document, read as generic JSON.
type doc map[string]any

func loadDoc(t *testing.T) doc {
	t.Helper()
	f := newFixture(t)
	r := f.call(t, "", "GET", "/api/openapi.json", nil)
	if r.status != 200 || r.header.Get("Content-Type") != "application/json" {
		t.Fatalf("GET /api/openapi.json: %d %q", r.status, r.header.Get("Content-Type"))
	}
	var d doc
	if err := json.Unmarshal(r.body, &d); err != nil {
		t.Fatalf("the document is not valid JSON: %v", err)
	}
	return d
}

func obj(v any) map[string]any { m, _ := v.(map[string]any); return m }

// resolve follows a local $ref.
func (d doc) resolve(t *testing.T, v any) map[string]any {
	t.Helper()
	m := obj(v)
	for m != nil && m["$ref"] != nil {
		ref := str(m["$ref"])
		target := any(map[string]any(d))
		for _, part := range strings.Split(strings.TrimPrefix(ref, "#/"), "/") {
			target = obj(target)[part]
		}
		if target == nil {
			t.Fatalf("$ref %s resolves to nothing", ref)
		}
		m = obj(target)
	}
	return m
}

var methods = []string{"get", "put", "post", "delete", "patch"}

// operations returns the document's operations by "METHOD /path".
func (d doc) operations() map[string]map[string]any {
	out := map[string]map[string]any{}
	for path, item := range obj(d["paths"]) {
		for _, m := range methods {
			if op := obj(obj(item)[m]); op != nil {
				out[strings.ToUpper(m)+" "+path] = op
			}
		}
	}
	return out
}

// TestOpenAPIDocumentsEveryRoute: every route the handler serves, and
// every route the server serves under /api/v1, is documented; every
// documented route exists.
func TestOpenAPIDocumentsEveryRoute(t *testing.T) {
	d := loadDoc(t)
	if d["openapi"] != "3.1.0" {
		t.Fatalf("openapi = %v, want 3.1.0", d["openapi"])
	}
	served := map[string]bool{}
	for _, rt := range api.Routes() {
		k := rt.Method + " " + rt.Path
		if served[k] {
			t.Errorf("route %s listed twice", k)
		}
		served[k] = true
	}
	for _, k := range api.ServerRoutes() {
		if served[k] {
			t.Errorf("route %s is both the API's and the server's", k)
		}
		served[k] = true
	}
	ops := d.operations()
	for k := range served {
		if ops[k] == nil {
			t.Errorf("route %s is not documented", k)
		}
	}
	for k := range ops {
		if !served[k] {
			t.Errorf("documented route %s is not served", k)
		}
	}
	if len(ops) != len(served) {
		t.Errorf("%d documented operations, %d routes", len(ops), len(served))
	}
	ids := map[string]bool{}
	for k, op := range ops {
		id := str(op["operationId"])
		if id == "" || ids[id] {
			t.Errorf("%s: operationId %q missing or not unique", k, id)
		}
		ids[id] = true
	}
}

// TestOpenAPIRefsResolve: every $ref of the document points somewhere.
func TestOpenAPIRefsResolve(t *testing.T) {
	d := loadDoc(t)
	var walk func(v any)
	walk = func(v any) {
		switch v := v.(type) {
		case map[string]any:
			if ref, ok := v["$ref"].(string); ok {
				d.resolve(t, v)
				if !strings.HasPrefix(ref, "#/components/") {
					t.Errorf("$ref %s is not local", ref)
				}
			}
			for _, e := range v {
				walk(e)
			}
		case []any:
			for _, e := range v {
				walk(e)
			}
		}
	}
	walk(map[string]any(d))
}

var pathParam = regexp.MustCompile(`\{([a-z_]+)\}`)

// TestOpenAPIMatchesRoutes holds each operation of the API to its route:
// its path and query parameters, security, success status, and request
// and response schemas, field by field, against the Go types the handler
// decodes and encodes, enums value by value against the domain's lists.
func TestOpenAPIMatchesRoutes(t *testing.T) {
	d := loadDoc(t)
	ops := d.operations()
	for _, rt := range api.Routes() {
		k := rt.Method + " " + rt.Path
		op := ops[k]
		if op == nil {
			continue // reported by TestOpenAPIDocumentsEveryRoute
		}
		t.Run(k, func(t *testing.T) {
			var inPath, inQuery []string
			params, _ := op["parameters"].([]any)
			for _, p := range params {
				p := d.resolve(t, p)
				switch p["in"] {
				case "path":
					inPath = append(inPath, str(p["name"]))
				case "query":
					inQuery = append(inQuery, str(p["name"]))
				}
			}
			var want []string
			for _, m := range pathParam.FindAllStringSubmatch(rt.Path, -1) {
				want = append(want, m[1])
			}
			if !sameSet(inPath, want) {
				t.Errorf("path parameters %v, the route has %v", inPath, want)
			}
			if !sameSet(inQuery, rt.Query) {
				t.Errorf("query parameters %v, the route takes %v", inQuery, rt.Query)
			}
			resp := obj(op["responses"])
			ok := d.resolve(t, resp[itoa(rt.Status)])
			if ok == nil {
				t.Fatalf("no %d response documented", rt.Status)
			}
			if sec, has := op["security"].([]any); rt.Public != (has && len(sec) == 0) {
				t.Errorf("security %v, public %v", sec, rt.Public)
			}
			if !rt.Public && resp["401"] == nil {
				t.Error("no 401 documented")
			}
			body := d.resolve(t, op["requestBody"])
			switch {
			case rt.In == nil && body != nil:
				t.Error("a request body is documented for a route that takes none")
			case rt.In != nil && body == nil:
				t.Error("no request body documented")
			case rt.In != nil:
				for _, code := range []string{"400", "413", "415"} {
					if resp[code] == nil {
						t.Errorf("no %s documented for a route with a body", code)
					}
				}
				if required, _ := body["required"].(bool); required == (rt.In == api.EmptyInput) {
					t.Errorf("requestBody.required = %v", required)
				}
				schema := obj(obj(obj(body["content"])["application/json"])["schema"])
				d.match(t, "request", schema, rt.In, true)
			}
			if rt.Out != nil {
				schema := obj(obj(obj(ok["content"])["application/json"])["schema"])
				d.match(t, "response", schema, rt.Out, false)
			}
		})
	}
}

func sameSet(a, b []string) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(a, b)
}

func itoa(i int) string { return strconv.Itoa(i) }

// enumValues are the domain's lists, which the document's enums must equal.
var enumValues = map[reflect.Type][]string{}

func enum[T ~string](vals []T) {
	var s []string
	for _, v := range vals {
		s = append(s, string(v))
	}
	enumValues[reflect.TypeFor[T]()] = s
}

func init() {
	enum(haven.OrgKinds)
	enum(haven.Priorities)
	enum(haven.SubmissionCategories)
	enum(haven.Grounds)
	enum(haven.SocialGroups)
	enum(haven.Relationships)
	enum(haven.Sexes)
	enum(haven.ThreatTypes)
	enum(haven.Perpetrators)
	enum(haven.WorkAreas)
	enum(haven.CheckKinds)
	enum(haven.CheckResults)
	enum(haven.VisaKinds)
	enum(haven.CaseStates)
	enum(haven.NominationStates)
	enum(haven.Roles)
	enum(haven.CaseEvents)
	enum(haven.NominationEvents)
	enum(haven.Milestones)
	enum(haven.MilestoneStatuses)
	enum(haven.WorkKinds)
	enum([]haven.DecisionKind{haven.DecisionApproved, haven.DecisionRefused, haven.DecisionSplit})
}

// match reports where schema does not describe Go type typ as
// encoding/json writes and this package reads it.
func (d doc) match(t *testing.T, at string, schema map[string]any, typ reflect.Type, input bool) {
	t.Helper()
	s := d.resolve(t, schema)
	if s == nil {
		t.Errorf("%s: no schema", at)
		return
	}
	for typ.Kind() == reflect.Pointer {
		typ = typ.Elem()
	}
	if vals, ok := enumValues[typ]; ok {
		var got []string
		enumList, _ := s["enum"].([]any)
		for _, v := range enumList {
			got = append(got, str(v))
		}
		if s["type"] != "string" || !slices.Equal(got, vals) {
			t.Errorf("%s: enum %v, the domain has %v", at, got, vals)
		}
		return
	}
	switch typ {
	case reflect.TypeFor[haven.Date]():
		if s["type"] != "string" || s["format"] != "date" {
			t.Errorf("%s: a date is {type: string, format: date}, not %v", at, s)
		}
		return
	case reflect.TypeFor[time.Time]():
		if s["type"] != "string" || s["format"] != "date-time" {
			t.Errorf("%s: a time is {type: string, format: date-time}, not %v", at, s)
		}
		return
	}
	want := map[reflect.Kind]string{reflect.String: "string", reflect.Bool: "boolean", reflect.Int: "integer",
		reflect.Slice: "array", reflect.Map: "object", reflect.Struct: "object"}[typ.Kind()]
	if s["type"] != want {
		t.Errorf("%s: type %v, want %s for %s", at, s["type"], want, typ)
		return
	}
	switch typ.Kind() {
	case reflect.Slice:
		d.match(t, at+"[]", obj(s["items"]), typ.Elem(), input)
	case reflect.Map:
		if _, ok := enumValues[typ.Key()]; ok {
			d.match(t, at+"{key}", obj(s["propertyNames"]), typ.Key(), input)
		}
		d.match(t, at+"{}", obj(s["additionalProperties"]), typ.Elem(), input)
	case reflect.Struct:
		props := obj(s["properties"])
		fields := map[string]reflect.Type{}
		for i := range typ.NumField() {
			f := typ.Field(i)
			name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			if f.IsExported() && name != "-" {
				fields[name] = f.Type
			}
		}
		for _, name := range slices.Sorted(maps.Keys(props)) {
			if _, ok := fields[name]; !ok {
				t.Errorf("%s: property %s is not a field of %s", at, name, typ)
			}
		}
		for _, name := range slices.Sorted(maps.Keys(fields)) {
			if _, ok := props[name]; !ok {
				t.Errorf("%s: field %s of %s is not documented", at, name, typ)
			}
		}
		if input && s["additionalProperties"] != false {
			t.Errorf("%s: an input object has additionalProperties: false", at)
		}
		required, _ := s["required"].([]any)
		for _, r := range required {
			if _, ok := fields[str(r)]; !ok {
				t.Errorf("%s: required %v is not a property", at, r)
			}
		}
		for name, ft := range fields {
			if p, ok := props[name]; ok {
				d.match(t, at+"."+name, obj(p), ft, input)
			}
		}
	}
}

// TestOpenAPIStatesTheBounds: the document states the bounds the routes
// enforce: the general body bound, each route's own, and the number of
// referrals one import takes.
func TestOpenAPIStatesTheBounds(t *testing.T) {
	d := loadDoc(t)
	general := api.SizeText(api.MaxBody)
	if desc := str(obj(d["info"])["description"]); !strings.Contains(desc, "at most "+general) {
		t.Errorf("the document's description does not state the body bound, %s", general)
	}
	tooLarge := str(obj(obj(obj(d["components"])["responses"])["TooLarge"])["description"])
	ops := d.operations()
	for _, rt := range api.Routes() {
		if rt.In == nil || rt.MaxBody == api.MaxBody {
			continue
		}
		own := api.SizeText(rt.MaxBody)
		if desc := str(ops[rt.Method+" "+rt.Path]["description"]); !strings.Contains(desc, own) {
			t.Errorf("%s %s takes up to %s; its description does not say so", rt.Method, rt.Path, own)
		}
		if !strings.Contains(tooLarge, own) {
			t.Errorf("the TooLarge response does not state %s", own)
		}
	}
	if !strings.Contains(tooLarge, general) {
		t.Errorf("the TooLarge response does not state %s", general)
	}
	if desc := str(ops["POST /api/v1/cases/import"]["description"]); !strings.Contains(desc, "(at most "+itoa(app.MaxImport)+")") {
		t.Errorf("the import's description does not state the app's bound of %d referrals", app.MaxImport)
	}
}
