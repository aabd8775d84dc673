package api_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/havenhrd/haven"
	"github.com/havenhrd/haven/internal/api"
)

// TestNoExistenceOracle sweeps every route that names a record: for every
// kind of organisation that may not read the record, a request about it
// (with a well-formed body that names its real members) must get exactly
// the answer the same request about a record that does not exist gets:
// the same status and the same problem, field by field, but for the
// request's own ID.
func TestNoExistenceOracle(t *testing.T) {
	f := newFixture(t)
	ctx := t.Context()
	actor := func(k haven.OrgKind) haven.Actor {
		return haven.Actor{UserID: must(f.app.Accounts.AuthenticateToken(ctx, f.tokens[k])).UserID}
	}
	// A case referred by UNHCR, in admissibility, with its checks assigned.
	cs := f.ok(t, 201, haven.OrgReferralPartner, "POST", "/api/v1/cases", referral("Oracle", 2))
	caseID := haven.ID(str(cs["id"]))
	var members []string
	for _, m := range cs["members"].([]any) {
		members = append(members, str(m.(map[string]any)["id"]))
	}
	visa := actor(haven.OrgVisaOffice)
	must(f.app.Cases.OpenFile(ctx, visa, caseID))
	must(f.app.Cases.StartEligibility(ctx, visa, caseID))
	must(f.app.Cases.RecordAssessment(ctx, visa, caseID, &haven.EligibilityAssessment{OutsideCountry: true, WellFoundedFear: true,
		NoInternalFlight: true, NoDurableSolution: true, Grounds: []haven.Ground{haven.GroundPoliticalOpinion}}))
	must(f.app.Cases.StartAdmissibility(ctx, visa, caseID))
	// A nomination by the protection partner, addressed to UNHCR.
	nom := f.ok(t, 201, haven.OrgProtectionPartner, "POST", "/api/v1/nominations", map[string]any{
		"referral_org_id": f.orgs[haven.OrgReferralPartner].ID, "defender_name": "Oracle Defender", "risk_assessment": "High",
		"recommended_priority": "urgent", "nationality_countries": []string{"BY"}, "asylum_country": "LT", "family_size": 1})
	nomID := str(nom["id"])

	// fake is an ID of the same kind and length that names nothing.
	fake := func(id string) string {
		prefix, rest, _ := strings.Cut(id, "_")
		return prefix + "_" + strings.Repeat("q", len(rest))
	}
	// readers may read the record: for them, existence is no secret.
	readers := map[string][]haven.OrgKind{
		"cases":       {haven.OrgVisaOffice, haven.OrgReferralPartner},
		"nominations": {haven.OrgProtectionPartner, haven.OrgReferralPartner},
	}
	// Well-formed bodies, naming the case's real members and organisations.
	bodies := map[string]any{
		"assessment": map[string]any{"outside_country": true, "well_founded_fear": true, "no_internal_flight": true,
			"no_durable_solution": true, "grounds": []string{"political_opinion"}, "interviewed": false},
		"assign-checks":     map[string]any{"org_id": f.orgs[haven.OrgMedicalPartner].ID, "members": members},
		"checks":            map[string]any{"member_id": members[0], "kind": "medical", "result": "passed", "valid_until": "2027-05-01"},
		"split":             map[string]any{"excluded": members[1:], "reasons": "Inadmissible."},
		"approve":           map[string]any{},
		"refuse":            map[string]any{"reasons": "Not a Convention refugee."},
		"travel":            map[string]any{"date": "2026-06-01", "itinerary": "IST-YYZ"},
		"arrival":           map[string]any{"date": "2026-06-01", "port_of_entry": "YYZ"},
		"settlement":        map[string]any{"org_id": f.orgs[haven.OrgSettlementOrganisation].ID},
		"plan/milestones":   map[string]any{"milestone": "reception", "status": "in_progress"},
		"plan/follow-ups":   map[string]any{"month": 1, "held": "2026-06-17"},
		"hold":              map[string]any{"reasons": "Waiting."},
		"request-info":      map[string]any{"reasons": "Which city?"},
		"withdraw":          map[string]any{"reasons": "Withdrawn."},
		"decline":           map[string]any{"reason": "Not for us."},
		"start-eligibility": map[string]any{},
	}
	// answer is a response as compared: the status and the body, without
	// the request's ID and with the record's ID put as "ID".
	answer := func(r response, id string) string {
		var v map[string]any
		if json.Unmarshal(r.body, &v) == nil {
			delete(v, "request_id")
			b, _ := json.Marshal(v)
			return fmt.Sprintf("%d %s", r.status, strings.ReplaceAll(string(b), id, "ID"))
		}
		return fmt.Sprintf("%d %s", r.status, strings.ReplaceAll(string(r.body), id, "ID"))
	}
	swept := 0
	for _, rt := range api.Routes() {
		if !strings.Contains(rt.Path, "{id}") {
			continue
		}
		area := strings.Split(strings.TrimPrefix(rt.Path, "/api/v1/"), "/")[0]
		var real string
		switch area {
		case "cases":
			real = string(caseID)
		case "nominations":
			real = nomID
		default:
			continue // users and tokens: the programme's administration alone, by kind
		}
		act := strings.TrimPrefix(rt.Path, "/api/v1/"+area+"/{id}")
		act = strings.TrimPrefix(act, "/")
		var body any
		if rt.In != nil {
			body = bodies[act]
			if body == nil {
				body = map[string]any{}
			}
		}
		for _, k := range haven.OrgKinds {
			if strings.Contains(fmt.Sprint(readers[area]), string(k)) {
				continue
			}
			exists := f.call(t, k, rt.Method, strings.Replace(rt.Path, "{id}", real, 1), body)
			missing := f.call(t, k, rt.Method, strings.Replace(rt.Path, "{id}", fake(real), 1), body)
			if a, b := answer(exists, real), answer(missing, fake(real)); a != b {
				t.Errorf("%s %s as %s: a record it may not read answers\n  %s\nbut one that does not exist\n  %s", rt.Method, rt.Path, k, a, b)
			}
			swept++
		}
	}
	if swept < 100 {
		t.Fatalf("only %d requests swept", swept)
	}
	t.Logf("%d requests compared", swept)
	// Nothing changed hands: the case is where it was.
	if got := must(f.app.Cases.FindCaseByID(ctx, visa, caseID)); got.State != haven.StateAdmissibilityInProgress {
		t.Fatalf("the sweep changed the case: %s", got.State)
	}
}
