package api_test

import (
	"context"
	"strings"
	"testing"

	"github.com/havenhrd/haven"
)

// otherReferrer is the fixture's token key of a second referral partner.
const otherReferrer haven.OrgKind = "other_referral_partner"

func (f *fixture) addOtherReferrer(t *testing.T) {
	t.Helper()
	admin := f.adminActor(t)
	o := &haven.Organisation{Kind: haven.OrgReferralPartner, Name: "Another referral partner", Country: "CH"}
	if err := f.app.Programme.CreateOrganisation(context.Background(), admin, o); err != nil {
		t.Fatal(err)
	}
	u := &haven.User{OrgID: o.ID, Role: haven.RoleCaseworker, Username: "other-referrer", DisplayName: "Other referrer"}
	must(f.app.Programme.CreateUser(context.Background(), admin, u))
	f.tokens[otherReferrer] = f.token(t, admin, u.ID)
}

// TestPossibleDuplicates: another organisation's UNHCR case number is
// taken (201) with an answer that says nothing of it; the visa office
// reads the flag (possible_duplicates) and filters its queue by it
// (possible_duplicate=true); a partner asking for the filter is refused.
func TestPossibleDuplicates(t *testing.T) {
	f := newFixture(t)
	f.addOtherReferrer(t)
	first := f.referCase(t, "alpha", 2)
	body := referral("beta", 2)
	body["unhcr_number"] = strings.ToLower(str(first["unhcr_number"]))
	r := f.call(t, otherReferrer, "POST", "/api/v1/cases", body)
	if r.status != 201 || strings.Contains(string(r.body), "duplicate") || strings.Contains(string(r.body), str(first["id"])) {
		t.Fatalf("the second referral: %d %s", r.status, r.body)
	}
	second := r.json(t)
	mine := f.ok(t, 200, otherReferrer, "GET", "/api/v1/cases/"+str(second["id"]), nil)
	if _, ok := mine["possible_duplicates"]; ok {
		t.Errorf("the referrer reads possible_duplicates: %v", mine["possible_duplicates"])
	}
	seen := f.ok(t, 200, haven.OrgVisaOffice, "GET", "/api/v1/cases/"+str(second["id"]), nil)
	ds, _ := seen["possible_duplicates"].([]any)
	if len(ds) != 1 {
		t.Fatalf("visa office: possible_duplicates = %v", seen["possible_duplicates"])
	}
	if d := ds[0].(map[string]any); d["other_case_id"] != first["id"] || d["match"] != "unhcr_number" || d["found_at"] == nil || d["member_id"] != nil {
		t.Errorf("possible duplicate = %v", d)
	}
	l := f.ok(t, 200, haven.OrgVisaOffice, "GET", "/api/v1/cases?possible_duplicate=true", nil)
	if l["total"] != float64(2) {
		t.Errorf("visa office's queue of possible duplicates: %v", l)
	}
	for _, kind := range []haven.OrgKind{haven.OrgReferralPartner, otherReferrer, haven.OrgSettlementOrganisation} {
		if r := f.call(t, kind, "GET", "/api/v1/cases?possible_duplicate=true", nil); r.status != 403 {
			t.Errorf("%s asks for possible duplicates: %d %s", kind, r.status, r.body)
		}
	}
	if r := f.call(t, haven.OrgVisaOffice, "GET", "/api/v1/cases?possible_duplicate=maybe", nil); r.status != 400 {
		t.Errorf("possible_duplicate=maybe: %d", r.status)
	}
}

// TestAdultDependentChild: a child aged 22 or over is refused (400, the
// member's field named) unless adult_dependent is true; then the referral
// is taken and the referring partner reads the exception back.
func TestAdultDependentChild(t *testing.T) {
	f := newFixture(t)
	body := referral("adult", 3)
	members := body["members"].([]map[string]any)
	members[2]["date_of_birth"] = "1981-05-04" // 45 on the fixture's date, 2026-05-04
	r := f.call(t, haven.OrgReferralPartner, "POST", "/api/v1/cases", body)
	if r.status != 400 || !strings.Contains(string(r.body), `"members[2].adult_dependent"`) {
		t.Fatalf("a child of 45 without the exception: %d %s", r.status, r.body)
	}
	members[2]["adult_dependent"] = true
	c := f.ok(t, 201, haven.OrgReferralPartner, "POST", "/api/v1/cases", body)
	got := f.ok(t, 200, haven.OrgReferralPartner, "GET", "/api/v1/cases/"+str(c["id"]), nil)
	ms := got["members"].([]any)
	if ms[2].(map[string]any)["adult_dependent"] != true || ms[1].(map[string]any)["adult_dependent"] != nil {
		t.Errorf("members read back: %v", ms)
	}
}
