package policy_test

import (
	"testing"

	"github.com/havenhrd/haven"
	"github.com/havenhrd/haven/internal/policy"
)

// TestReadScope: the scope a list query selects holds exactly the cases
// the policies let the reader read, for every kind of organisation, role,
// relation and state; so a list's total counts nothing the reader cannot
// read, and leaves out nothing it can.
func TestReadScope(t *testing.T) {
	for _, k := range haven.OrgKinds {
		for _, r := range haven.Roles {
			s := policy.ReadScope(k, r)
			a := haven.Actor{UserID: "usr_scope", OrgID: "org_scope", OrgKind: k, Role: r}
			n := 0
			for _, rel := range policy.Relations(policy.CaseRead) {
				want := policy.Decide(a, policy.CaseRead, rel).Allowed
				if got := s.Contains(rel); got != want {
					t.Errorf("%s %s %s: in scope %v, may read %v", k, r, rel, got, want)
				}
				if want {
					n++
				}
			}
			t.Logf("%s %s: %d relations readable, scope %+v", k, r, n, s)
		}
	}
	if !policy.ReadScope(haven.OrgVisaOffice, haven.RoleCaseworker).All {
		t.Error("the visa office reads every case: its scope should be all")
	}
	if !policy.ReadScope(haven.OrgMedicalPartner, haven.RoleCaseworker).Empty() || !policy.ReadScope("nobody", haven.RoleCaseworker).Empty() {
		t.Error("a medical partner, or an unknown kind, reads no case")
	}
}

// TestCaseScopeOfAView: a scope asked with a part of the view holds the
// cases where that part shows, and a part that ends at handover never
// widens it.
func TestCaseScopeOfAView(t *testing.T) {
	for _, k := range haven.OrgKinds {
		a := haven.Actor{UserID: "usr_scope", OrgID: "org_scope", OrgKind: k, Role: haven.RoleCaseworker}
		for _, part := range policy.ViewActions() {
			s := policy.CaseScope(k, haven.RoleCaseworker, func(allowed func(policy.Action) bool) bool {
				return allowed(policy.CaseRead) && allowed(part)
			})
			for _, rel := range policy.Relations(policy.CaseRead) {
				both := func(r policy.Relation) bool {
					return policy.Decide(a, policy.CaseRead, r).Allowed && policy.Decide(a, part, r).Allowed
				}
				other := rel
				other.PastHandover = !rel.PastHandover
				want := both(rel) && both(other)
				if got := s.Contains(rel); got != want {
					t.Errorf("%s %s %s: in scope %v, want %v", k, part, rel, got, want)
				}
			}
		}
	}
}
