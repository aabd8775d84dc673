package api_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/havenhrd/haven"
)

// TestImportAllOrNothing: a list of referrals with one bad line imports
// nothing and names the line; a good list imports every referral.
func TestImportAllOrNothing(t *testing.T) {
	f := newFixture(t)
	unhcr := haven.OrgReferralPartner
	bad := referral("ImportA", 2)
	bad["declared_size"] = 5
	before := f.auditCount(t)
	r := f.call(t, unhcr, "POST", "/api/v1/cases/import", map[string]any{"referrals": []any{referral("ImportB", 1), bad}})
	// Problems name the field as the request spelled it.
	if r.status != 400 || !slices.Contains(r.fields(t), "referrals[1].declared_size") || slices.ContainsFunc(r.fields(t), func(f string) bool {
		return !strings.HasPrefix(f, "referrals[1].")
	}) {
		t.Fatalf("bad import: %d %s", r.status, r.body)
	}
	dup := referral("ImportA", 1)
	r = f.call(t, unhcr, "POST", "/api/v1/cases/import", map[string]any{"referrals": []any{referral("ImportF", 1), dup, dup}})
	if r.status != 400 || !slices.Contains(r.fields(t), "referrals[2].unhcr_number") || !slices.Contains(r.fields(t), "referrals[2].members[0]") {
		t.Fatalf("an import with a referral twice: %d %s", r.status, r.body)
	}
	if r := f.call(t, unhcr, "POST", "/api/v1/cases/import", map[string]any{"referrals": []any{}}); r.status != 400 || !slices.Equal(r.fields(t), []string{"referrals"}) {
		t.Fatalf("an empty import: %d %s", r.status, r.body)
	}
	if f.auditCount(t) != before {
		t.Fatal("a refused import wrote to the audit log")
	}
	got := f.ok(t, 201, unhcr, "POST", "/api/v1/cases/import", map[string]any{"referrals": []any{referral("ImportC", 1), referral("ImportD", 3)}})
	cases, _ := got["cases"].([]any)
	if len(cases) != 2 {
		t.Fatalf("import answered %v", got)
	}
	for _, c := range cases {
		if str(c.(map[string]any)["state"]) != "referred" || str(c.(map[string]any)["id"]) == "" {
			t.Fatalf("imported case = %v", c)
		}
	}
	if r := f.call(t, haven.OrgVisaOffice, "POST", "/api/v1/cases/import", map[string]any{"referrals": []any{referral("ImportE", 1)}}); r.status != 403 {
		t.Fatalf("the visa office imported: %d", r.status)
	}
}
