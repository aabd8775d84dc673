package api_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/havenhrd/haven"
	"github.com/havenhrd/haven/internal/api"
)

// TestNoTokenNoEntry: every /api/v1 route of the API answers 401
// problem+json without a valid API token, before it reads the body.
func TestNoTokenNoEntry(t *testing.T) {
	f := newFixture(t)
	c := f.referCase(t, "Auth", 1)
	audit := f.auditCount(t)
	for _, rt := range api.Routes() {
		if rt.Public {
			continue
		}
		path := target(rt.Path, str(c["id"]), "nom_x")
		for _, auth := range []string{"", "Bearer ", "Bearer hat_not-a-token", "Basic YWRtaW46YWRtaW4="} {
			var hdr []string
			if auth != "" {
				hdr = []string{"Authorization", auth}
			}
			var body any
			if rt.In != nil {
				body = `{"not json`
			}
			r := f.call(t, "", rt.Method, path, body, hdr...)
			if r.status != 401 || r.header.Get("Content-Type") != "application/problem+json" || !strings.HasPrefix(r.header.Get("WWW-Authenticate"), "Bearer") {
				t.Errorf("%s %s with %q: %d %q %s", rt.Method, rt.Path, auth, r.status, r.header.Get("Content-Type"), r.body)
			}
		}
	}
	if n := f.auditCount(t); n != audit {
		t.Errorf("unauthenticated requests changed the audit log: %d events, then %d", audit, n)
	}
}

// TestMayNotAct: a valid token of an organisation that may not act is
// refused as the app decides: 403 for an act its kind of organisation may
// never take or on a record it may see, 404 for a record it may not see.
func TestMayNotAct(t *testing.T) {
	f := newFixture(t)
	c := f.referCase(t, "Refused", 2)
	nom := f.ok(t, 201, haven.OrgProtectionPartner, "POST", "/api/v1/nominations", map[string]any{
		"referral_org_id": f.orgs[haven.OrgReferralPartner].ID, "defender_name": "Refused Defender", "risk_assessment": "Threats.",
		"recommended_priority": "normal", "nationality_countries": []string{"IR"}, "family_size": 1})
	cid, nid := "/api/v1/cases/"+str(c["id"]), "/api/v1/nominations/"+str(nom["id"])
	org := map[string]any{"kind": "visa_office", "name": "Rogue office"}
	rules := map[string]any{"cap": 1, "target_days": map[string]int{"emergency": 7, "urgent": 42, "normal": 365}, "handover_days": 30}
	for _, tc := range []struct {
		who          haven.OrgKind
		method, path string
		body         any
		status       int
	}{
		{haven.OrgVisaOffice, "POST", "/api/v1/organisations", org, 403},
		{haven.OrgReferralPartner, "PUT", "/api/v1/rules/2026", rules, 403},
		{haven.OrgReferralPartner, "GET", "/api/v1/cap/2026", nil, 403},
		{haven.OrgSettlementOrganisation, "GET", "/api/v1/rules/2026", nil, 403},
		{haven.OrgSettlementOrganisation, "POST", "/api/v1/cases", referral("Rogue", 1), 403},
		{haven.OrgVisaOffice, "POST", "/api/v1/nominations", map[string]any{"defender_name": "x"}, 403},
		{haven.OrgVisaOffice, "GET", nid, nil, 404},
		{haven.OrgMedicalPartner, "GET", nid, nil, 404},
		{haven.OrgProtectionPartner, "POST", nid + "/review", nil, 403},
		{haven.OrgReferralPartner, "POST", nid + "/withdraw", nil, 403},
		{haven.OrgScreeningPartner, "GET", cid, nil, 404},
		{haven.OrgSettlementOrganisation, "GET", cid, nil, 404},
		{haven.OrgProtectionPartner, "GET", cid, nil, 404},
		{haven.OrgReferralPartner, "POST", cid + "/open-file", nil, 403},
		{haven.OrgProgrammeAdmin, "GET", cid, nil, 403},
		{haven.OrgMedicalPartner, "POST", cid + "/checks", map[string]any{"member_id": "mem_x", "kind": "medical", "result": "passed", "valid_until": "2027-01-01"}, 404},
		{haven.OrgVisaOffice, "GET", "/api/v1/cases/case_nosuchcase", nil, 404},
	} {
		r := f.call(t, tc.who, tc.method, tc.path, tc.body)
		if r.status != tc.status || r.header.Get("Content-Type") != "application/problem+json" {
			t.Errorf("%s %s as %s: %d %s, want %d", tc.method, tc.path, tc.who, r.status, r.body, tc.status)
		}
	}
	// Nothing changed hands.
	visa := haven.Actor{UserID: must(f.app.Accounts.AuthenticateToken(context.Background(), f.tokens[haven.OrgVisaOffice])).UserID}
	if got, err := f.app.Cases.FindCaseByID(context.Background(), visa, haven.ID(str(c["id"]))); err != nil || got.State != haven.StateReferred {
		t.Errorf("the case after: %v", err)
	}
}

// TestRevokedToken: a revoked token stops at once.
func TestRevokedToken(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	tok := f.tokens[haven.OrgVisaOffice]
	visa := must(f.app.Accounts.AuthenticateToken(ctx, tok))
	admin := must(f.app.Accounts.AuthenticateToken(ctx, f.tokens[haven.OrgProgrammeAdmin]))
	tok2, id, err := f.app.Accounts.CreateAPIToken(ctx, admin, visa.UserID, "second system", 24*time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	f.tokens[haven.OrgVisaOffice] = tok2
	f.ok(t, 200, haven.OrgVisaOffice, "GET", "/api/v1/cases", nil)
	if err := f.app.Accounts.RevokeAPIToken(ctx, admin, id); err != nil {
		t.Fatal(err)
	}
	if r := f.call(t, haven.OrgVisaOffice, "GET", "/api/v1/cases", nil); r.status != 401 {
		t.Fatalf("a revoked token: %d %s", r.status, r.body)
	}
}

// TestResponseHeaders: answers are application/json, errors
// application/problem+json; a route or method the API does not have is a
// problem too, and a creation says where the new record is.
func TestResponseHeaders(t *testing.T) {
	f := newFixture(t)
	c := f.referCase(t, "Headers", 1)
	for _, tc := range []struct {
		who          haven.OrgKind
		method, path string
		status       int
		ctype        string
		allow        string
	}{
		{"", "GET", "/api/openapi.json", 200, "application/json", ""},
		{haven.OrgVisaOffice, "GET", "/api/v1/cases", 200, "application/json", ""},
		{haven.OrgVisaOffice, "GET", "/api/v1/cases/" + str(c["id"]), 200, "application/json", ""},
		{haven.OrgVisaOffice, "GET", "/api/v1/organisations?kind=visa_office", 200, "application/json", ""},
		{haven.OrgVisaOffice, "GET", "/api/v1/cap/2026", 200, "application/json", ""},
		{haven.OrgVisaOffice, "GET", "/api/v1/cap/2031", 404, "application/problem+json", ""},
		{haven.OrgVisaOffice, "GET", "/api/v1/nominations", 200, "application/json", ""},
		{haven.OrgVisaOffice, "GET", "/api/v1/no-such-thing", 404, "application/problem+json", ""},
		{haven.OrgVisaOffice, "GET", "/api/v2/cases", 404, "application/problem+json", ""},
		{haven.OrgVisaOffice, "DELETE", "/api/v1/cases/" + str(c["id"]), 405, "application/problem+json", "GET"},
		{haven.OrgVisaOffice, "GET", "/api/v1/cases/" + str(c["id"]) + "/approve", 405, "application/problem+json", "POST"},
		{haven.OrgVisaOffice, "POST", "/api/v1/rules/2026", 405, "application/problem+json", "GET, PUT"},
		{"", "POST", "/api/openapi.json", 405, "application/problem+json", "GET"},
		{haven.OrgVisaOffice, "POST", "/api/v1/me", 405, "application/problem+json", "GET"},
		{haven.OrgVisaOffice, "GET", "/api/v1/signin", 405, "application/problem+json", "POST"},
	} {
		r := f.call(t, tc.who, tc.method, tc.path, nil)
		if r.status != tc.status || r.header.Get("Content-Type") != tc.ctype || r.header.Get("Allow") != tc.allow {
			t.Errorf("%s %s: %d %q Allow %q, want %d %q %q\n%s", tc.method, tc.path, r.status, r.header.Get("Content-Type"),
				r.header.Get("Allow"), tc.status, tc.ctype, tc.allow, r.body)
		}
		if tc.status >= 400 && !strings.Contains(string(r.body), `"request_id":"`+r.header.Get("X-Request-Id")+`"`) {
			t.Errorf("%s %s: the problem does not carry the request ID: %s", tc.method, tc.path, r.body)
		}
	}
	r := f.call(t, haven.OrgProgrammeAdmin, "POST", "/api/v1/organisations", map[string]any{"kind": "medical_partner", "name": "Clinic", "country": "TR"})
	if r.status != 201 || r.header.Get("Content-Type") != "application/json" || r.json(t)["kind"] != "medical_partner" {
		t.Fatalf("create organisation: %d %s", r.status, r.body)
	}
}
