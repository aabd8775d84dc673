package api_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/havenhrd/haven"
)

// TestCapByMonthAndPartnerFilter approves two UNHCR families (3 and 2
// persons) in May 2026, records the first's arrival in June and refuses
// the second in July; the cap answers month by month, of the whole cap or
// of a partner, and the work queue filters by referring partner.
func TestCapByMonthAndPartnerFilter(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	visa := must(f.app.Accounts.AuthenticateToken(ctx, f.tokens[haven.OrgVisaOffice]))
	approve := func(tag string, size int) haven.ID {
		t.Helper()
		id := haven.ID(str(f.referCase(t, tag, size)["id"]))
		must(f.app.Cases.OpenFile(ctx, visa, id))
		must(f.app.Cases.StartEligibility(ctx, visa, id))
		must(f.app.Cases.RecordAssessment(ctx, visa, id, &haven.EligibilityAssessment{OutsideCountry: true, WellFoundedFear: true,
			NoInternalFlight: true, NoDurableSolution: true, Grounds: []haven.Ground{haven.GroundPoliticalOpinion}}))
		c := must(f.app.Cases.StartAdmissibility(ctx, visa, id))
		for _, m := range c.Travellers() {
			for _, ch := range []*haven.Check{
				{MemberID: m.ID, Kind: haven.CheckMedical, Result: haven.ResultPassed, ValidUntil: haven.Date{Year: 2027, Month: 5, Day: 1}},
				{MemberID: m.ID, Kind: haven.CheckSecurity, Result: haven.ResultPassed},
				{MemberID: m.ID, Kind: haven.CheckCriminality, Result: haven.ResultPassed},
			} {
				must(f.app.Cases.RecordCheck(ctx, visa, id, ch))
			}
		}
		must(f.app.Cases.ConfirmAdmissible(ctx, visa, id))
		must(f.app.Cases.Approve(ctx, visa, id, haven.ApproveInput{}))
		return id
	}
	a, b := approve("CapMonthA", 3), approve("CapMonthB", 2)
	f.clock.Add(29 * 24 * time.Hour) // 2 June
	travel := haven.DateOf(f.clock.Now().AddDate(0, 0, 8))
	must(f.app.Cases.BookTravel(ctx, visa, a, &haven.Travel{Date: travel, Itinerary: "IST-YYZ"}))
	f.clock.Add(8 * 24 * time.Hour) // 10 June
	must(f.app.Cases.RecordArrival(ctx, visa, a, &haven.Arrival{Date: travel, PortOfEntry: "YYZ"}))
	f.clock.Add(26 * 24 * time.Hour) // 6 July
	must(f.app.Cases.Refuse(ctx, visa, b, "Exclusion clause applies."))

	// month, reserved_in, arrived_in, released_in, reserved, arrived, remaining
	want := [][7]float64{
		{0, 0, 0, 0, 0, 0, 500}, {1, 0, 0, 0, 0, 0, 500}, {2, 0, 0, 0, 0, 0, 500}, {3, 0, 0, 0, 0, 0, 500}, {4, 0, 0, 0, 0, 0, 500},
		{5, 5, 0, 0, 5, 0, 495}, {6, 0, 3, 0, 2, 3, 495}, {7, 0, 0, 2, 0, 3, 497},
	}
	months := func(fig map[string]any) [][7]float64 {
		t.Helper()
		var out [][7]float64
		for _, m := range fig["months"].([]any) {
			m := m.(map[string]any)
			var r [7]float64
			for i, k := range []string{"month", "reserved_in", "arrived_in", "released_in", "reserved", "arrived", "remaining"} {
				r[i] = m[k].(float64)
			}
			out = append(out, r)
		}
		return out
	}
	unhcr := string(f.orgs[haven.OrgReferralPartner].ID)
	whole := f.ok(t, 200, haven.OrgVisaOffice, "GET", "/api/v1/cap/2026", nil)
	if got := months(whole); !slices.Equal(got, want) || whole["months_of"] != nil || whole["remaining"] != float64(497) {
		t.Fatalf("the whole cap's months:\n got %v\nwant %v\n%v", got, want, whole)
	}
	of := f.ok(t, 200, haven.OrgProgrammeAdmin, "GET", "/api/v1/cap/2026?partner="+unhcr, nil)
	if got := months(of); !slices.Equal(got, want) || of["months_of"] != unhcr {
		t.Fatalf("UNHCR's months:\n got %v\nwant %v\n%v", got, want, of)
	}
	for _, bad := range []string{"org_nope", string(f.orgs[haven.OrgVisaOffice].ID), unhcr + "&partner=" + unhcr} {
		r := f.call(t, haven.OrgVisaOffice, "GET", "/api/v1/cap/2026?partner="+bad, nil)
		if r.status != 400 || r.header.Get("Content-Type") != "application/problem+json" || !slices.Equal(r.fields(t), []string{"partner"}) {
			t.Errorf("partner %s: %d %s", bad, r.status, r.body)
		}
	}
	if r := f.call(t, haven.OrgReferralPartner, "GET", "/api/v1/cap/2026?partner="+unhcr, nil); r.status != 403 {
		t.Errorf("UNHCR reading its own months: %d %s", r.status, r.body)
	}

	// Overdue: none yet, the filter a visa office may use.
	if q := f.ok(t, 200, haven.OrgVisaOffice, "GET", "/api/v1/cases?overdue=true", nil); q["total"] != float64(0) {
		t.Errorf("overdue cases: %v", q)
	}
	if r := f.call(t, haven.OrgVisaOffice, "GET", "/api/v1/cases?overdue=maybe", nil); r.status != 400 {
		t.Errorf("overdue=maybe: %d %s", r.status, r.body)
	}
	// Pages by cursor, in a chosen order: the next of one is the after of
	// the following; none on the last; a cursor of another order is refused.
	list := "/api/v1/cases?state=arrived&state=refused&sort=referred&dir=desc&limit=1"
	p1 := f.ok(t, 200, haven.OrgVisaOffice, "GET", list, nil)
	next, _ := p1["next"].(string)
	if next == "" || p1["total"] != float64(2) || len(p1["cases"].([]any)) != 1 {
		t.Fatalf("the first page: %v", p1)
	}
	p2 := f.ok(t, 200, haven.OrgVisaOffice, "GET", list+"&after="+next, nil)
	if p2["next"] != nil || p2["total"] != float64(2) || len(p2["cases"].([]any)) != 1 ||
		p2["cases"].([]any)[0].(map[string]any)["id"] == p1["cases"].([]any)[0].(map[string]any)["id"] {
		t.Fatalf("the second page: %v", p2)
	}
	if r := f.call(t, haven.OrgVisaOffice, "GET", "/api/v1/cases?sort=state&after="+next, nil); r.status != 400 || !strings.Contains(string(r.body), `"after"`) {
		t.Errorf("a cursor of another order: %d %s", r.status, r.body)
	}
	if r := f.call(t, haven.OrgSettlementOrganisation, "GET", "/api/v1/cases?sort=due", nil); r.status != 403 {
		t.Errorf("a settlement organisation sorting by deadline: %d %s", r.status, r.body)
	}
	// The work queue by referring partner, the refused case with the open
	// ones.
	for _, tc := range []struct {
		partner string
		total   float64
	}{{unhcr, 2}, {string(f.orgs[haven.OrgProtectionPartner].ID), 0}} {
		q := f.ok(t, 200, haven.OrgVisaOffice, "GET", "/api/v1/cases?state=arrived&state=refused&referring_org_id="+tc.partner, nil)
		if q["total"] != tc.total {
			t.Errorf("cases referred by %s: %v", tc.partner, q)
		}
		for _, c := range q["cases"].([]any) {
			if c.(map[string]any)["referring_org_id"] != tc.partner {
				t.Errorf("cases referred by %s: %v", tc.partner, c)
			}
			// A row: the UNHCR number and the principal alone, by name.
			ms, _ := c.(map[string]any)["members"].([]any)
			if c.(map[string]any)["unhcr_number"] == "" || len(ms) != 1 || ms[0].(map[string]any)["relationship"] != "principal" ||
				ms[0].(map[string]any)["family_name"] == "" || ms[0].(map[string]any)["contact"] != nil {
				t.Errorf("a row of the visa office's list: %v", c)
			}
		}
	}
	for _, bad := range []string{"org_nope", string(f.orgs[haven.OrgSettlementOrganisation].ID), unhcr + "&referring_org_id=" + unhcr} {
		r := f.call(t, haven.OrgVisaOffice, "GET", "/api/v1/cases?referring_org_id="+bad, nil)
		if r.status != 400 || r.header.Get("Content-Type") != "application/problem+json" || !slices.Equal(r.fields(t), []string{"referring_org_id"}) {
			t.Errorf("referring_org_id %s: %d %s", bad, r.status, r.body)
		}
	}
}
