package policy_test

import (
	"os"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/cedar-policy/cedar-go"
	xast "github.com/cedar-policy/cedar-go/x/exp/ast"
	"github.com/cedar-policy/cedar-go/x/exp/schema"
	"github.com/cedar-policy/cedar-go/x/exp/schema/resolved"
	"github.com/cedar-policy/cedar-go/x/exp/schema/validate"

	"github.com/havenhrd/haven"
	"github.com/havenhrd/haven/internal/policy"
)

// validator returns a strict validator for policies/haven.cedarschema.
func validator(t testing.TB) *validate.Validator {
	t.Helper()
	return validate.New(resolvedSchema(t), validate.WithStrict())
}

func resolvedSchema(t testing.TB) *resolved.Schema {
	t.Helper()
	b, err := os.ReadFile("policies/haven.cedarschema")
	if err != nil {
		t.Fatal(err)
	}
	var s schema.Schema
	s.SetFilename("haven.cedarschema")
	if err := s.UnmarshalCedar(b); err != nil {
		t.Fatal(err)
	}
	r, err := s.Resolve()
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// TestPoliciesValidate type-checks every policy against the schema, and
// checks the naming rule of @id: forbids start with "forbid.", permits do not.
func TestPoliciesValidate(t *testing.T) {
	v := validator(t)
	set, err := policy.PolicySet()
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for id, p := range set.All() {
		n++
		if err := v.Policy(string(id), (*xast.Policy)(p.AST())); err != nil {
			t.Errorf("policy %s (%s:%d) does not validate: %v", id, p.Position().Filename, p.Position().Line, err)
		}
		if forbid := p.Effect() == cedar.Forbid; forbid != strings.HasPrefix(string(id), "forbid.") {
			t.Errorf("policy %s: a forbid's @id starts with \"forbid.\", a permit's does not", id)
		}
	}
	t.Logf("%d policies checked against the schema", n)
}

// TestSchemaActions: the schema declares exactly the actions of the package,
// each on the kinds of record the package says.
func TestSchemaActions(t *testing.T) {
	v := validator(t)
	var declared []string
	for uid := range resolvedSchema(t).Actions {
		declared = append(declared, string(uid.ID))
	}
	want := []string{"case_view", "case_work", "programme_work"}
	for _, a := range policy.Actions() {
		want = append(want, string(a))
	}
	slices.Sort(declared)
	slices.Sort(want)
	if !slices.Equal(declared, want) {
		t.Errorf("the schema declares the actions\n%v\nthe package\n%v", declared, want)
	}
	actor := haven.Actor{UserID: "usr_x", OrgKind: haven.OrgVisaOffice, Role: haven.RoleCaseworker}
	for _, a := range policy.Actions() {
		for _, k := range policy.RecordKinds {
			r := policy.Relation{Kind: k, CaseState: haven.StateReferred, NominationState: haven.NominationSubmitted}
			req, ents, err := policy.CedarRequest(actor, a, r)
			if !slices.Contains(a.Kinds(), k) {
				if err == nil {
					t.Errorf("%s on %s: built a request for a kind the action is not asked of", a, k)
				}
				continue
			}
			if err != nil {
				t.Fatalf("%s on %s: %v", a, k, err)
			}
			if err := v.Request(req); err != nil {
				t.Errorf("%s on %s: %v", a, k, err)
			}
			for uid, ent := range ents {
				if err := v.Entity(ent); err != nil {
					t.Errorf("%s on %s: entity %s: %v", a, k, uid, err)
				}
			}
		}
	}
}

// TestEveryRequestValidates validates the request and entities of every
// combination of the permission matrix against the schema.
func TestEveryRequestValidates(t *testing.T) {
	v := validator(t)
	n := 0
	for _, c := range universe() {
		req, ents, err := policy.CedarRequest(c.actor(), c.action, c.rel)
		if err != nil {
			t.Fatalf("%s: %v", c, err)
		}
		if err := v.Request(req); err != nil {
			t.Fatalf("%s: %v", c, err)
		}
		if n%97 == 0 { // the entities differ by kind, role and state only
			for uid, ent := range ents {
				if err := v.Entity(ent); err != nil {
					t.Fatalf("%s: entity %s: %v", c, uid, err)
				}
			}
		}
		n++
	}
	t.Logf("%d requests validate against the schema", n)
}

// TestLoadRejects: a policy without an @id, a duplicate @id and a syntax
// error each stop the load.
func TestLoadRejects(t *testing.T) {
	tests := map[string]string{
		"no id":     `permit (principal, action, resource);`,
		"duplicate": `@id("a") permit (principal, action, resource); @id("a") forbid (principal, action, resource);`,
		"syntax":    `@id("a") permit (principal, action resource);`,
		"empty id":  `@id("") permit (principal, action, resource);`,
	}
	for name, text := range tests {
		fsys := fstest.MapFS{"policies/p.cedar": {Data: []byte(text)}}
		if _, err := policy.ParsePolicies(fsys); err == nil {
			t.Errorf("%s: loaded", name)
		}
	}
	if _, err := policy.ParsePolicies(fstest.MapFS{}); err == nil {
		t.Error("no policies: loaded")
	}
}
