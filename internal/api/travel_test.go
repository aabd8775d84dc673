package api_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/havenhrd/haven"
	"github.com/havenhrd/haven/internal/store"
)

// actor is the caseworker of the organisation of kind.
func (f *fixture) actor(t *testing.T, kind haven.OrgKind) haven.Actor {
	t.Helper()
	var a haven.Actor
	err := f.store.View(context.Background(), func(tx store.Tx) error {
		us, err := tx.FindUsers(context.Background(), f.orgs[kind].ID)
		if err == nil && len(us) > 0 {
			a.UserID = us[0].ID
		}
		return err
	})
	if err != nil || a.UserID == "" {
		t.Fatalf("no user of %s: %v", kind, err)
	}
	return a
}

// TestChangeTravelAPI: POST /api/v1/cases/{id}/change-travel moves the
// booked journey, refuses a bad date naming the field as the request
// spells it, and is the visa office's alone; the settlement organisation
// reads the expected arrival on the case and in its list (the date alone
// there), and its notifications tell it of the change, dated.
func TestChangeTravelAPI(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	visa := f.actor(t, haven.OrgVisaOffice)
	id := haven.ID(str(f.referCase(t, "Voyage", 2)["id"]))
	m := func(c *haven.Case, err error) *haven.Case {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	m(f.app.Cases.OpenFile(ctx, visa, id))
	m(f.app.Cases.StartEligibility(ctx, visa, id))
	m(f.app.Cases.RecordAssessment(ctx, visa, id, &haven.EligibilityAssessment{OutsideCountry: true, WellFoundedFear: true,
		NoInternalFlight: true, NoDurableSolution: true, Grounds: []haven.Ground{haven.GroundPoliticalOpinion}}))
	c := m(f.app.Cases.StartAdmissibility(ctx, visa, id))
	valid := haven.DateOf(f.clock.Now().AddDate(1, 0, 0))
	for _, mem := range c.Travellers() {
		for _, ch := range []*haven.Check{{MemberID: mem.ID, Kind: haven.CheckMedical, Result: haven.ResultPassed, ValidUntil: valid},
			{MemberID: mem.ID, Kind: haven.CheckSecurity, Result: haven.ResultPassed}, {MemberID: mem.ID, Kind: haven.CheckCriminality, Result: haven.ResultPassed}} {
			m(f.app.Cases.RecordCheck(ctx, visa, id, ch))
		}
	}
	m(f.app.Cases.ConfirmAdmissible(ctx, visa, id))
	m(f.app.Cases.Approve(ctx, visa, id, haven.ApproveInput{}))
	today := haven.DateOf(f.clock.Now())
	m(f.app.Cases.BookTravel(ctx, visa, id, &haven.Travel{Date: today.AddDays(10), Itinerary: "IST-YUL, meet at gate 4", TransportationLoan: true}))
	m(f.app.Cases.AssignSettlement(ctx, visa, id, f.orgs[haven.OrgSettlementOrganisation].ID))

	path := "/api/v1/cases/" + string(id)
	// Bad dates: named as the request spells them, nothing written.
	before := f.auditCount(t)
	for _, body := range []map[string]any{{"date": today.AddDays(-1).String()}, {"date": today.AddDays(10).String()}, {}} {
		if r := f.call(t, haven.OrgVisaOffice, "POST", path+"/change-travel", body); r.status != 400 || !slices.Equal(r.fields(t), []string{"date"}) {
			t.Fatalf("change to %v: %d %s", body, r.status, r.body)
		}
	}
	if r := f.call(t, haven.OrgVisaOffice, "POST", path+"/change-travel", map[string]any{"date": valid.AddDays(1).String()}); r.status != 409 ||
		!strings.Contains(string(r.body), "medical exam") {
		t.Fatalf("change past the medicals: %d %s", r.status, r.body)
	}
	if r := f.call(t, haven.OrgSettlementOrganisation, "POST", path+"/change-travel", map[string]any{"date": today.AddDays(12).String()}); r.status != 403 {
		t.Fatalf("the settlement organisation changes travel: %d %s", r.status, r.body)
	}
	// Refusals are audited as denials alone: the two forbidden ones.
	if n := f.auditCount(t) - before; n > 1 {
		t.Fatalf("refused changes wrote %d audit events", n)
	}
	// The change; the offer holds it while the case is travel_booked.
	moved := today.AddDays(12)
	c2 := f.ok(t, 200, haven.OrgVisaOffice, "POST", path+"/change-travel", map[string]any{"date": moved.String()})
	tr := c2["travel"].(map[string]any)
	if c2["state"] != "travel_booked" || tr["date"] != moved.String() || tr["itinerary"] != "IST-YUL, meet at gate 4" || tr["transportation_loan"] != true ||
		!slices.Contains(c2["offer"].(map[string]any)["events"].([]any), any("change_travel")) {
		t.Fatalf("after the change: %s", mustJSON(c2))
	}

	// The settlement organisation's case and list.
	sv := f.ok(t, 200, haven.OrgSettlementOrganisation, "GET", path, nil)
	if tr := sv["travel"].(map[string]any); tr["date"] != moved.String() || slices.Contains(sv["offer"].(map[string]any)["events"].([]any), any("change_travel")) {
		t.Fatalf("the settlement organisation's case: %s", mustJSON(sv))
	}
	list := f.ok(t, 200, haven.OrgSettlementOrganisation, "GET", "/api/v1/cases", nil)["cases"].([]any)
	if len(list) != 1 {
		t.Fatalf("the settlement organisation lists %d cases", len(list))
	}
	row := list[0].(map[string]any)
	if tr, _ := row["travel"].(map[string]any); tr == nil || tr["date"] != moved.String() || len(tr) != 1 {
		t.Fatalf("the settlement organisation's list row: %s", mustJSON(row))
	}
	// What it is told: the placement of a family with travel booked, then
	// the change, each dated with the expected arrival.
	ns := f.ok(t, 200, haven.OrgSettlementOrganisation, "GET", "/api/v1/me/notifications", nil)["notifications"].([]any)
	kinds := map[string]string{}
	for _, n := range ns {
		n := n.(map[string]any)
		kinds[str(n["kind"])] = str(n["due"])
		if n["case_id"] != string(id) {
			t.Fatalf("a notice about another case: %v", n)
		}
	}
	if len(kinds) != 2 || kinds["placed_travel_booked"] != today.AddDays(10).String() || kinds["travel_changed"] != moved.String() {
		t.Fatalf("the settlement organisation's notices: %s", mustJSON(ns))
	}
	// The referring partner reads the date, and is told nothing.
	rv := f.ok(t, 200, haven.OrgReferralPartner, "GET", path, nil)
	if tr := rv["travel"].(map[string]any); tr["date"] != moved.String() || tr["itinerary"] != nil {
		t.Fatalf("the referring partner's travel: %v", tr)
	}
	if ns := f.ok(t, 200, haven.OrgReferralPartner, "GET", "/api/v1/me/notifications", nil)["notifications"].([]any); len(ns) != 0 {
		t.Fatalf("the referring partner is told: %s", mustJSON(ns))
	}
}
