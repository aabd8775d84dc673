package api_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/havenhrd/haven"
	"github.com/havenhrd/haven/internal/api"
)

// actorOf is who would take each route's action: a malformed request is
// refused even from the organisation that may act.
func actorOf(method, path string) haven.OrgKind {
	switch {
	case path == "/api/v1/organisations" || strings.HasPrefix(path, "/api/v1/rules/") ||
		strings.HasPrefix(path, "/api/v1/users") || strings.HasPrefix(path, "/api/v1/tokens/"):
		return haven.OrgProgrammeAdmin
	case path == "/api/v1/nominations" || strings.HasSuffix(path, "/withdraw") && strings.Contains(path, "nominations"):
		return haven.OrgProtectionPartner
	case strings.HasPrefix(path, "/api/v1/nominations/") || path == "/api/v1/cases":
		return haven.OrgReferralPartner
	}
	return haven.OrgVisaOffice
}

// target is a route's path with its parameters filled in.
func target(path, caseID, nomID string) string {
	switch {
	case strings.HasPrefix(path, "/api/v1/cases/"):
		path = strings.Replace(path, "{id}", caseID, 1)
	case strings.HasPrefix(path, "/api/v1/nominations/"):
		path = strings.Replace(path, "{id}", nomID, 1)
	}
	path = strings.Replace(path, "{id}", "usr_unknown", 1)
	return strings.Replace(path, "{year}", "2026", 1)
}

// badField is a body that breaks one field and the field the problem must name.
type badField struct{ body, field string }

// badFields holds, for each route with a body, bodies of valid JSON whose
// values are of the wrong type, an unknown enum value, a bad date, a field
// named in the wrong case.
var badFields = map[string][]badField{
	"POST /api/v1/organisations": {
		{`{"kind":"embassy","name":"Secret Org"}`, "kind"},
		{`{"kind":"visa_office","name":5}`, "name"},
		{`{"Kind":"visa_office","name":"x"}`, "Kind"},
	},
	"PUT /api/v1/rules/{year}": {
		{`{"cap":"many"}`, "cap"},
		{`{"cap":1.5}`, "cap"},
		{`{"cap":99999999999999999999}`, "cap"},
		{`{"cap":10,"referrer_kinds":["embassy"]}`, "referrer_kinds[0]"},
		{`{"cap":10,"target_days":{"soon":3}}`, "target_days"},
		{`{"cap":10,"target_days":{"urgent":"six weeks"}}`, "target_days.urgent"},
		{`{"cap":10,"allocations":[1]}`, "allocations"},
		{`{"cap":10,"target_days":{"urgent":5,"urgent":6}}`, "target_days.urgent"},
		{`{"cap":10,"cap":20}`, "cap"},
		{`{"cap":10,"handover_days":"a month"}`, "handover_days"},
		{`{"cap":10,"handover_days":30.5}`, "handover_days"},
	},
	"POST /api/v1/nominations": {
		{`{"defender_name":"Secret Name","recommended_priority":"high"}`, "recommended_priority"},
		{`{"defender_name":"Secret Name","profile":{"threat_events":[{"type":"threat","date":"2025-02-30"}]}}`, "profile.threat_events[0].date"},
		{`{"profile":{"threat_events":[{"type":"hacking"}]}}`, "profile.threat_events[0].type"},
		{`{"profile":{"work_areas":["poetry"]}}`, "profile.work_areas[0]"},
		{`{"family_size":"four"}`, "family_size"},
		{`{"nationality_countries":"IR"}`, "nationality_countries"},
	},
	"POST /api/v1/nominations/{id}/review": {
		{`{"reason":"x"}`, "reason"},
	},
	"POST /api/v1/nominations/{id}/decline": {
		{`{"reason":3}`, "reason"},
		{`{"reasons":"Secret reasons"}`, "reasons"},
	},
	"POST /api/v1/nominations/{id}/withdraw": {
		{`{"extra":true}`, "extra"},
		{`{"reason":["a"]}`, "reason"},
	},
	"POST /api/v1/cases/import": {
		{`{"referrals":[{"members":[{"family_name":"Secret Family","sex":"f"}]}]}`, "referrals[0].members[0].sex"},
		{`{"referrals":[{},{"processing_priority":"soon"}]}`, "referrals[1].processing_priority"},
		{`{"referrals":{"unhcr_number":"X"}}`, "referrals"},
		{`{"cases":[]}`, "cases"},
	},
	"POST /api/v1/cases": {
		{`{"members":[{"family_name":"Secret Family","sex":"f"}]}`, "members[0].sex"},
		{`{"members":[{},{"date_of_birth":"01/02/1990"}]}`, "members[1].date_of_birth"},
		{`{"members":[{"relationship":"cousin"}]}`, "members[0].relationship"},
		{`{"members":[{"Family_Name":"x"}]}`, "members[0].Family_Name"},
		{`{"members":[{"accompanying":"yes"}]}`, "members[0].accompanying"},
		{`{"grounds":"race"}`, "grounds"},
		{`{"grounds":["race","fear"]}`, "grounds[1]"},
		{`{"social_groups":["friends"]}`, "social_groups[0]"},
		{`{"primary_category":"urgent_need"}`, "primary_category"},
		{`{"submission_priority":1}`, "submission_priority"},
		{`{"declared_size":"4"}`, "declared_size"},
		{`{"members":{"family_name":"x"}}`, "members"},
		{`{"profile":{"threat_events":[{"perpetrator":"aliens"}]}}`, "profile.threat_events[0].perpetrator"},
		{`{"referring_org_id":"org_x"}`, "referring_org_id"},
		// A field given twice, at any depth, exactly or in another case.
		{`{"members":[{},{"family_name":"Secret A","family_name":"Secret B"}]}`, "members[1].family_name"},
		{`{"profile":{"threat_events":[{"type":"threat","type":"threat"}]}}`, "profile.threat_events[0].type"},
		{`{"unhcr_number":"X","unhcr_number":"X"}`, "unhcr_number"},
		{`{"members":[{"family_name":"Secret A","Family_Name":"Secret B"}]}`, "members[0].Family_Name"},
	},
	"POST /api/v1/cases/{id}/assessment": {
		{`{"grounds":["persecution"]}`, "grounds[0]"},
		{`{"outside_country":"yes"}`, "outside_country"},
	},
	"POST /api/v1/cases/{id}/assign-checks": {
		{`{"members":"mem_x"}`, "members"},
		{`{"org_id":["org_x"]}`, "org_id"},
	},
	"POST /api/v1/cases/{id}/checks": {
		{`{"kind":"dental"}`, "kind"},
		{`{"kind":"medical","result":"ok"}`, "result"},
		{`{"valid_until":"2026-02-30"}`, "valid_until"},
		{`{"conviction_politically_motivated":"no"}`, "conviction_politically_motivated"},
	},
	"POST /api/v1/cases/{id}/checks/batch": {
		{`{"checks":{"kind":"medical"}}`, "checks"},
		{`{"checks":[{"kind":"medical"},{"kind":"dental"}]}`, "checks[1].kind"},
		{`{"checks":[{"valid_until":"2026-12-32"}]}`, "checks[0].valid_until"},
	},
	"POST /api/v1/cases/{id}/split": {
		{`{"excluded":[1],"reasons":"x"}`, "excluded[0]"},
	},
	"POST /api/v1/cases/{id}/approve": {
		{`{"emergency":"true"}`, "emergency"},
		{`{"admission_year":"2026"}`, "admission_year"},
	},
	"POST /api/v1/cases/{id}/refuse": {
		{`{"reasons":["Secret reasons"]}`, "reasons"},
		{`{"reasons":"Secret a","reasons":"Secret b"}`, "reasons"},
		{`{"Reasons":"Secret a","reasons":"Secret b"}`, "Reasons"},
		{`{"reasons":"Secret a","REASONS":"Secret b"}`, "REASONS"},
		{`{"reaſons":"Secret a","reasons":"Secret b"}`, "reasons"},
	},
	"POST /api/v1/cases/{id}/hold":         {{`{"reasons":false}`, "reasons"}},
	"POST /api/v1/cases/{id}/request-info": {{`{"reason":"singular"}`, "reason"}},
	"POST /api/v1/cases/{id}/answer":       {{`{"answer":["Secret answer"]}`, "answer"}, {`{"reasons":"Secret answer"}`, "reasons"}},
	"POST /api/v1/cases/{id}/withdraw":     {{`{"reasons":{}}`, "reasons"}},
	"POST /api/v1/cases/{id}/travel": {
		{`{"date":"next week"}`, "date"},
		{`{"date":"2026-06-01","transportation_loan":1}`, "transportation_loan"},
	},
	"POST /api/v1/cases/{id}/change-travel": {
		{`{"date":"2026-02-30"}`, "date"},
		{`{"date":"2026-06-01","itinerary":["Secret flight"]}`, "itinerary"},
		{`{"date":"2026-06-01","transportation_loan":true}`, "transportation_loan"},
	},
	"POST /api/v1/cases/{id}/arrival": {
		{`{"date":"2026-13-01","port_of_entry":"YUL"}`, "date"},
		{`{"date":20260601}`, "date"},
	},
	"POST /api/v1/cases/{id}/plan/milestones": {
		{`{"milestone":"pets","status":"done"}`, "milestone"},
		{`{"milestone":"housing","status":"finished"}`, "status"},
		{`{"milestone":"housing","status":"done","completed":"2026-02-30"}`, "completed"},
		{`{"milestone":"housing","status":"in_progress","target":20260601}`, "target"},
		{`{"milestone":"housing","status":"in_progress","note":"Secret notes"}`, "note"},
	},
	"POST /api/v1/cases/{id}/plan/follow-ups": {
		{`{"month":"one","held":"2026-06-01"}`, "month"},
		{`{"month":1.5,"held":"2026-06-01"}`, "month"},
		{`{"month":1,"held":"June"}`, "held"},
		{`{"month":1,"held":"2026-06-01","safety_concern":"yes"}`, "safety_concern"},
	},
	"POST /api/v1/cases/{id}/settlement": {
		{`{"org_id":{"id":1}}`, "org_id"},
		{`{"settlement_org_id":"org_x"}`, "settlement_org_id"},
	},
	"POST /api/v1/cases/{id}/open-file":         {{`{"reasons":"x"}`, "reasons"}},
	"POST /api/v1/cases/{id}/start-eligibility": {{`{"id":"x"}`, "id"}, {`{"a":1,"a":1}`, "a"}},
	"POST /api/v1/cases/{id}/schedule-interview": {
		{`{"date":"2026-06-31","time":"10:00"}`, "date"},
		{`{"attending":"mem_x"}`, "attending"},
		{`{"interpreter":"yes"}`, "interpreter"},
		{`{"place":"Secret place","place":"Secret place"}`, "place"},
	},
	"POST /api/v1/cases/{id}/start-admissibility": {{`{"force":true}`, "force"}},
	"POST /api/v1/cases/{id}/confirm-admissible":  {{`{"force":true}`, "force"}},
	"POST /api/v1/cases/{id}/begin-settlement":    {{`{"org_id":"x"}`, "org_id"}},
	"POST /api/v1/cases/{id}/close":               {{`{"reasons":"x"}`, "reasons"}},
	"POST /api/v1/cases/{id}/resume":              {{`{"state":"approved"}`, "state"}},
	"POST /api/v1/users/{id}/disable":             {{`{"reason":"left the organisation"}`, "reason"}},
	"POST /api/v1/me/notifications/{id}/read":     {{`{"all":true}`, "all"}},
	"POST /api/v1/tokens/{id}/revoke":             {{`{"now":true}`, "now"}},
}

// TestMalformedBodies sends every route that takes a body malformed
// bodies of every kind: each answers a 4xx problem naming the field or the
// line, never a 500, and nothing is stored.
func TestMalformedBodies(t *testing.T) {
	f := newFixture(t)
	c := f.referCase(t, "Target", 2)
	nom := f.ok(t, 201, haven.OrgProtectionPartner, "POST", "/api/v1/nominations", map[string]any{
		"referral_org_id": f.orgs[haven.OrgReferralPartner].ID, "defender_name": "Target Defender", "risk_assessment": "Threats.",
		"recommended_priority": "normal", "nationality_countries": []string{"IR"}, "family_size": 1})
	caseID, nomID := str(c["id"]), str(nom["id"])
	audit := f.auditCount(t)

	generic := []struct {
		name, body, ctype string
		status            int
		detail            string
	}{
		{"not JSON", `{"reasons": "Secret reasons",`, "application/json", 400, "line 1, column"},
		{"syntax error on line 3", "{\n  \"reasons\": \"x\",\n  \"more\": tru\n}", "application/json", 400, "line 3, column"},
		{"bare word", `reasons`, "application/json", 400, "not valid JSON"},
		{"trailing data", "{}\n{\"more\": 1}", "application/json", 400, "after the JSON object, at line 2, column 1"},
		{"not an object", `["Secret reasons"]`, "application/json", 400, "must be a JSON object"},
		{"a string", `"Secret reasons"`, "application/json", 400, "must be a JSON object"},
		{"unknown field", `{"zz_unknown": "Secret value"}`, "application/json", 400, "problems"},
		{"text", `{}`, "text/plain", 415, "application/json"},
		{"form", `reasons=Secret+reasons`, "application/x-www-form-urlencoded", 415, "application/json"},
		{"no content type", `{}`, "", 415, "application/json"},
		{"too large", "", "application/json", 413, ""}, // over the route's bound: below
	}
	tested := 0
	for _, rt := range api.Routes() {
		if rt.In == nil {
			continue
		}
		k := rt.Method + " " + rt.Path
		path := target(rt.Path, caseID, nomID)
		who := actorOf(rt.Method, rt.Path)
		if len(badFields[k]) == 0 {
			t.Errorf("%s: no malformed field tested", k)
		}
		for _, g := range generic {
			if g.name == "too large" {
				g.body = `{"reasons":"` + strings.Repeat("a", int(rt.MaxBody)) + `"}`
				g.detail = "larger than " + api.SizeText(rt.MaxBody)
			}
			r := f.call(t, who, rt.Method, path, g.body, "Content-Type", g.ctype)
			if r.status != g.status || r.header.Get("Content-Type") != "application/problem+json" || !strings.Contains(string(r.body), g.detail) {
				t.Errorf("%s, %s: %d %q %s", k, g.name, r.status, r.header.Get("Content-Type"), r.body)
			}
			if g.name == "unknown field" && !slices.Contains(r.fields(t), "zz_unknown") {
				t.Errorf("%s, %s: the problem does not name the field: %s", k, g.name, r.body)
			}
			tested++
		}
		for _, b := range badFields[k] {
			r := f.call(t, who, rt.Method, path, b.body)
			if r.status != 400 || r.header.Get("Content-Type") != "application/problem+json" || !slices.Contains(r.fields(t), b.field) {
				t.Errorf("%s %s: %d %s; want 400 naming %s", k, b.body, r.status, r.body, b.field)
			}
			tested++
		}
	}

	// Well-formed bodies the app refuses: a 4xx too, and nothing stored.
	for _, tc := range []struct {
		who          haven.OrgKind
		method, path string
		body         string
		status       int
		field        string
	}{
		{haven.OrgReferralPartner, "POST", "/api/v1/cases", `{}`, 400, "unhcr_number"},
		{haven.OrgReferralPartner, "POST", "/api/v1/cases", `{"members":[{}]}`, 400, "members[0].family_name"},
		{haven.OrgProtectionPartner, "POST", "/api/v1/nominations", `{"defender_name":"Secret Name"}`, 400, "referral_org_id"},
		{haven.OrgProgrammeAdmin, "POST", "/api/v1/organisations", `{"kind":"visa_office","name":"  "}`, 400, "name"},
		{haven.OrgProgrammeAdmin, "PUT", "/api/v1/rules/2026", `{"target_days":{"emergency":7,"urgent":42,"normal":365}}`, 400, "cap"},
		{haven.OrgProgrammeAdmin, "PUT", "/api/v1/rules/2026", `{"cap":-1,"target_days":{"emergency":7,"urgent":42,"normal":365},"handover_days":30}`, 400, "cap"},
		{haven.OrgReferralPartner, "POST", "/api/v1/nominations/" + nomID + "/decline", `{"reason":" "}`, 400, "reason"},
		{haven.OrgVisaOffice, "POST", "/api/v1/cases/" + caseID + "/request-info", `{}`, 400, "reasons"},
		{haven.OrgVisaOffice, "POST", "/api/v1/cases/" + caseID + "/schedule-interview",
			`{"date":"2099-06-01","time":"10:00","zone":"UTC","language":"fa","link":"http://meet.example.org/x"}`, 400, "link"},
		{haven.OrgVisaOffice, "POST", "/api/v1/cases/" + caseID + "/checks", `{"kind":"medical","result":"passed"}`, 400, "member_id"},
		{haven.OrgVisaOffice, "POST", "/api/v1/cases/" + caseID + "/approve", `{"admission_year":1990}`, 409, ""},
		{haven.OrgVisaOffice, "POST", "/api/v1/cases/" + caseID + "/travel", `{}`, 400, "date"},
		{haven.OrgVisaOffice, "POST", "/api/v1/cases/" + caseID + "/change-travel", `{}`, 400, "date"},
		{haven.OrgVisaOffice, "POST", "/api/v1/cases/" + caseID + "/arrival", `{"date":"2026-05-04","port_of_entry":"Y"}`, 400, "port_of_entry"},
	} {
		r := f.call(t, tc.who, tc.method, tc.path, tc.body)
		if r.status != tc.status || r.header.Get("Content-Type") != "application/problem+json" || (tc.field != "" && !slices.Contains(r.fields(t), tc.field)) {
			t.Errorf("%s %s %s: %d %s; want %d naming %q", tc.method, tc.path, tc.body, r.status, r.body, tc.status, tc.field)
		}
		tested++
	}

	// Nothing was stored: no audit event, no new case or nomination, no change.
	if n := f.auditCount(t); n != audit {
		t.Errorf("the audit log grew from %d to %d events", audit, n)
	}
	visa := haven.Actor{UserID: must(f.app.Accounts.AuthenticateToken(context.Background(), f.tokens[haven.OrgVisaOffice])).UserID}
	cs, total, err := f.app.Cases.FindCases(context.Background(), visa, haven.CaseFilter{})
	if err != nil || total != 1 || cs[0].State != haven.StateReferred || cs[0].Version != 1 {
		t.Errorf("cases after: %d, %v", total, err)
	}
	fld := haven.Actor{UserID: must(f.app.Accounts.AuthenticateToken(context.Background(), f.tokens[haven.OrgProtectionPartner])).UserID}
	if ns, err := f.app.Nominations.FindNominations(context.Background(), fld, ""); err != nil || len(ns) != 1 || ns[0].State != haven.NominationSubmitted {
		t.Errorf("nominations after: %d, %v", len(ns), err)
	}
	// A refusal leaves a log line, never the input.
	logs := f.logs.String()
	if strings.Count(logs, "request refused") < tested {
		t.Errorf("%d refusals logged, %d made", strings.Count(logs, "request refused"), tested)
	}
	for _, secret := range []string{"Secret", "Target"} {
		if strings.Contains(logs, secret) {
			t.Fatalf("the log holds %q", secret)
		}
	}
	if strings.Contains(logs, `"level":"ERROR"`) {
		t.Errorf("bad input was logged as an error: %s", logs)
	}
}

// TestMalformedQueries: a wrong query or path parameter is a 400 naming it.
func TestMalformedQueries(t *testing.T) {
	f := newFixture(t)
	for _, tc := range []struct {
		who   haven.OrgKind
		path  string
		field string
	}{
		{haven.OrgVisaOffice, "/api/v1/organisations?kind=embassy", "kind"},
		{haven.OrgVisaOffice, "/api/v1/organisations?kind=visa_office&kind=medical_partner", "kind"},
		{haven.OrgVisaOffice, "/api/v1/organisations?sort=name", "sort"},
		{haven.OrgReferralPartner, "/api/v1/nominations?state=pending", "state"},
		{haven.OrgVisaOffice, "/api/v1/cases?state=referred&state=pending", "state"},
		{haven.OrgVisaOffice, "/api/v1/cases?priority=high", "priority"},
		{haven.OrgVisaOffice, "/api/v1/cases?country=Iran", "country"},
		{haven.OrgVisaOffice, "/api/v1/cases?limit=0", "limit"},
		{haven.OrgVisaOffice, "/api/v1/cases?limit=100000", "limit"},
		{haven.OrgVisaOffice, "/api/v1/cases?offset=-1", "offset"},
		{haven.OrgVisaOffice, "/api/v1/cases?offset=ten", "offset"},
		{haven.OrgVisaOffice, "/api/v1/cases?name=Nasrin", "name"},
		{haven.OrgVisaOffice, "/api/v1/rules/next", "year"},
		{haven.OrgVisaOffice, "/api/v1/rules/20260", "year"},
		{haven.OrgVisaOffice, "/api/v1/cap/-1", "year"},
		{haven.OrgVisaOffice, "/api/v1/cases/case_x/open-file?force=1", "force"},
	} {
		method := "GET"
		if strings.HasSuffix(tc.path, "force=1") {
			method = "POST"
		}
		r := f.call(t, tc.who, method, tc.path, nil)
		if r.status != 400 || r.header.Get("Content-Type") != "application/problem+json" || !slices.Contains(r.fields(t), tc.field) {
			t.Errorf("%s: %d %s; want 400 naming %s", tc.path, r.status, r.body, tc.field)
		}
	}
	r := f.call(t, haven.OrgVisaOffice, "GET", "/api/v1/cases?state=%zz", nil)
	if r.status != 400 || !strings.Contains(string(r.body), "query string is malformed") {
		t.Errorf("a malformed query string: %d %s", r.status, r.body)
	}
}
