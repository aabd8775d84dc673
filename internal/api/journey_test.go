package api_test

import (
	"fmt"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/havenhrd/haven"
)

// TestJourney walks one family through the API, each organisation with its
// own token: a protection partner nominates, UNHCR reviews and refers a
// family of four, the visa office processes the case to approval while
// the screening and medical partners record their checks, the cap drops
// by four, the family travels and arrives, and the settlement organisation
// reads the case without the persecution account.
func TestJourney(t *testing.T) {
	f := newFixture(t)
	const (
		fld        = haven.OrgProtectionPartner
		unhcr      = haven.OrgReferralPartner
		visa       = haven.OrgVisaOffice
		screening  = haven.OrgScreeningPartner
		medical    = haven.OrgMedicalPartner
		settlement = haven.OrgSettlementOrganisation
	)

	// The protection partner nominates.
	r := f.call(t, fld, "POST", "/api/v1/nominations", map[string]any{
		"referral_org_id": f.orgs[unhcr].ID, "defender_name": "Nasrin Journey", "contact": "signal: +90 555 0101",
		"whereabouts": "Istanbul", "risk_assessment": "Credible threats after release.", "recommended_priority": "urgent",
		"nationality_countries": []string{"IR"}, "asylum_country": "TR", "family_size": 4,
		"profile": map[string]any{"work_areas": []string{"journalism"}},
	})
	if r.status != 201 {
		t.Fatalf("nominate: %d %s", r.status, r.body)
	}
	nom := r.json(t)
	nid := str(nom["id"])
	if nom["state"] != "submitted" || r.header.Get("Location") != "/api/v1/nominations/"+nid {
		t.Fatalf("nomination %v, Location %q", nom, r.header.Get("Location"))
	}

	// UNHCR finds it in its list, reviews it and refers the family.
	list := f.ok(t, 200, unhcr, "GET", "/api/v1/nominations?state=submitted", nil)
	if ns := list["nominations"].([]any); len(ns) != 1 || str(ns[0].(map[string]any)["id"]) != nid || ns[0].(map[string]any)["defender_name"] != nil {
		t.Fatalf("UNHCR's list of submitted nominations: %v", list)
	}
	// Each nomination as read carries what its reader may do to it now.
	nomOffer := func(n map[string]any) string {
		o, _ := n["offer"].(map[string]any)
		evs, _ := o["events"].([]any)
		return fmt.Sprint(evs)
	}
	if got := nomOffer(nom); got != "[withdraw]" {
		t.Errorf("the new nomination's offer: %s", got)
	}
	if n := f.ok(t, 200, unhcr, "GET", "/api/v1/nominations/"+nid, nil); nomOffer(n) != "[review decline]" {
		t.Errorf("UNHCR's offer of the submitted nomination: %v", n["offer"])
	}
	if n := f.ok(t, 200, unhcr, "POST", "/api/v1/nominations/"+nid+"/review", nil); n["state"] != "under_review" || n["defender_name"] != "Nasrin Journey" ||
		nomOffer(n) != "[refer decline]" {
		t.Fatalf("reviewed: %v", n)
	}
	if n := f.ok(t, 200, fld, "GET", "/api/v1/nominations/"+nid, nil); nomOffer(n) != "[withdraw]" {
		t.Errorf("the protection partner's offer of the nomination under review: %v", n["offer"])
	}
	body := referral("Journey", 4)
	body["nomination_id"] = nid
	r = f.call(t, unhcr, "POST", "/api/v1/cases", body)
	if r.status != 201 {
		t.Fatalf("refer: %d %s", r.status, r.body)
	}
	c := r.json(t)
	id := str(c["id"])
	members := c["members"].([]any)
	if c["state"] != "referred" || len(members) != 4 || r.header.Get("Location") != "/api/v1/cases/"+id {
		t.Fatalf("referred case: %v", c)
	}
	if c["next"] != "open_file" {
		t.Fatalf("the referred case says next %v", c["next"])
	}
	// Its clock: the stage of opening the file, due by the year's budget,
	// the visa office's turn; the target date of its priority.
	if k, ok := c["clock"].(map[string]any); !ok || k["stage"] != "file" || k["turn"] != "visa_office" || k["stage_due"] == nil || k["target_date"] == nil {
		t.Fatalf("clock of a referred case: %v", c["clock"])
	}
	// What is next: opening the file.
	if got := f.ok(t, 200, visa, "GET", "/api/v1/cases/"+id, nil); got["next"] != "open_file" {
		t.Fatalf("next as the visa office reads it: %v", got["next"])
	}
	// Found by its reference, its UNHCR number and a name, as people search.
	for _, q := range []string{str(c["reference"]), str(c["unhcr_number"]), "familyjourney"} {
		found := f.ok(t, 200, visa, "GET", "/api/v1/cases?q="+url.QueryEscape(q), nil)
		if cs := found["cases"].([]any); found["total"] != float64(1) || len(cs) != 1 || cs[0].(map[string]any)["id"] != id {
			t.Fatalf("search %q: %v", q, found)
		}
	}
	var mids []string
	for _, m := range members {
		mids = append(mids, str(m.(map[string]any)["id"]))
	}
	if n := f.ok(t, 200, fld, "GET", "/api/v1/nominations/"+nid, nil); n["state"] != "referred" || n["case_id"] != id {
		t.Fatalf("the nomination after referral: %v", n)
	}

	// The visa office processes it.
	before := f.ok(t, 200, visa, "GET", "/api/v1/cap/2026", nil)
	queue := f.ok(t, 200, visa, "GET", "/api/v1/cases?state=referred&priority=urgent&country=IR", nil)
	if queue["total"] != float64(1) || str(queue["cases"].([]any)[0].(map[string]any)["id"]) != id {
		t.Fatalf("the visa office's queue: %v", queue)
	}
	act := func(kind haven.OrgKind, action string, body any) map[string]any {
		t.Helper()
		return f.ok(t, 200, kind, "POST", "/api/v1/cases/"+id+"/"+action, body)
	}
	act(visa, "open-file", nil)
	act(visa, "start-eligibility", map[string]any{})
	c = act(visa, "assessment", map[string]any{"outside_country": true, "well_founded_fear": true, "no_internal_flight": true,
		"no_durable_solution": true, "grounds": []string{"political_opinion"}, "interviewed": false, "notes": "Credible."})
	if c["state"] != "eligible" {
		t.Fatalf("after a positive assessment: %v", c["state"])
	}
	act(visa, "start-admissibility", nil)
	act(visa, "assign-checks", map[string]any{"org_id": f.orgs[screening].ID, "members": mids})
	act(visa, "assign-checks", map[string]any{"org_id": f.orgs[medical].ID, "members": mids})
	// Whose checks the case waits on: the visa office's list row and read
	// name both partners; the referring partner's say whose turn alone.
	holders := fmt.Sprint(slices.Sorted(slices.Values([]string{string(f.orgs[screening].ID), string(f.orgs[medical].ID)})))
	for _, k := range []haven.OrgKind{visa, unhcr} {
		rows := f.ok(t, 200, k, "GET", "/api/v1/cases?q="+url.QueryEscape(str(c["reference"])), nil)["cases"].([]any)
		read := f.ok(t, 200, k, "GET", "/api/v1/cases/"+id, nil)
		for what, got := range map[string]any{"row": rows[0].(map[string]any)["clock"], "read": read["clock"]} {
			clock := got.(map[string]any)
			named, ok := clock["holders"]
			if clock["turn"] != "check_partners" || k == visa && fmt.Sprint(named) != holders || k != visa && ok {
				t.Fatalf("%s's %s: clock %v (the holders are %s)", k, what, clock, holders)
			}
		}
	}

	// The medical partner's system learns what it is asked to examine:
	// each member, its kind of check, the priority, when and by when.
	asked := f.ok(t, 200, medical, "GET", "/api/v1/checks", nil)["requests"].([]any)
	if len(asked) != len(mids) {
		t.Fatalf("the medical partner is asked for %d members, want %d: %v", len(asked), len(mids), asked)
	}
	for i, a := range asked {
		r := a.(map[string]any)
		if r["case_id"] != id || r["member_id"] != mids[i] || fmt.Sprint(r["kinds"]) != "[medical]" || r["priority"] == nil ||
			r["assigned_at"] == nil || r["due"] == nil || r["recorded"] != false {
			t.Fatalf("request %d = %v", i, r)
		}
	}
	if r := f.call(t, unhcr, "GET", "/api/v1/checks", nil); r.status != 403 {
		t.Fatalf("a referral partner lists checks: %d", r.status)
	}

	// The check partners record their results with their own tokens, a
	// family's at once, and see the members assigned to them, not the
	// case's narrative. A batch with one wrong check records nothing, and
	// says what is wrong with each at its place.
	var medicals, screenings []map[string]any
	for _, m := range mids {
		medicals = append(medicals, map[string]any{"member_id": m, "kind": "medical", "result": "passed", "valid_until": "2027-05-01", "details": "IME clear"})
		screenings = append(screenings, map[string]any{"member_id": m, "kind": "security", "result": "passed"},
			map[string]any{"member_id": m, "kind": "criminality", "result": "passed"})
	}
	wrong := slices.Clone(medicals)
	wrong[len(wrong)-1] = map[string]any{"member_id": mids[len(mids)-1], "kind": "medical", "result": "passed"}
	r = f.call(t, medical, "POST", "/api/v1/cases/"+id+"/checks/batch", map[string]any{"checks": wrong})
	if want := fmt.Sprintf(`"field":"checks[%d].valid_until"`, len(wrong)-1); r.status != 400 || !strings.Contains(string(r.body), want) {
		t.Fatalf("a batch with a wrong check: %d %s, want 400 with %s", r.status, r.body, want)
	}
	for _, a := range f.ok(t, 200, medical, "GET", "/api/v1/checks", nil)["requests"].([]any) {
		if a.(map[string]any)["recorded"] != false {
			t.Fatalf("a batch with a wrong check recorded some: %v", a)
		}
	}
	c = act(medical, "checks/batch", map[string]any{"checks": medicals})
	c2 := act(screening, "checks/batch", map[string]any{"checks": screenings})
	if n := len(c2["checks"].([]any)); n != 2*len(mids) {
		t.Fatalf("the screening partner's batch shows %d checks, want %d", n, 2*len(mids))
	}
	for _, leak := range []string{"persecution_account", "threat_events", "confidential_notes", "whereabouts", "unhcr_number"} {
		if strings.Contains(string(mustJSON(c))+string(mustJSON(c2)), leak) {
			t.Fatalf("a check partner sees %s: %v", leak, c2)
		}
	}
	// While admissibility is in progress the screening partner reads its
	// part of the case: the members assigned to it and its own checks.
	part := f.ok(t, 200, screening, "GET", "/api/v1/cases/"+id, nil)
	for _, ch := range part["checks"].([]any) {
		if k := ch.(map[string]any)["kind"]; k == "medical" {
			t.Fatalf("the screening partner sees a medical: %v", ch)
		}
	}
	if got := len(part["members"].([]any)); got != len(mids) {
		t.Fatalf("the screening partner sees %d members, want %d", got, len(mids))
	}
	for _, leak := range []string{"persecution_account", "IME clear", "confidential_notes", "whereabouts"} {
		if strings.Contains(string(mustJSON(part)), leak) {
			t.Fatalf("the screening partner's part of the case shows %s", leak)
		}
	}
	for _, a := range f.ok(t, 200, medical, "GET", "/api/v1/checks", nil)["requests"].([]any) {
		if a.(map[string]any)["recorded"] != true {
			t.Fatalf("a recorded medical is still asked for: %v", a)
		}
	}
	act(visa, "confirm-admissible", nil)
	if asked := f.ok(t, 200, medical, "GET", "/api/v1/checks", nil)["requests"].([]any); len(asked) != 0 {
		t.Fatalf("after admissibility the medical partner is still asked for %v", asked)
	}
	// Admissibility settled and its checks recorded: the screening
	// partner no longer reaches the case, as if it did not exist.
	if r := f.call(t, screening, "GET", "/api/v1/cases/"+id, nil); r.status != 404 {
		t.Fatalf("the screening partner reads the case after admissibility: %d", r.status)
	}
	c = act(visa, "approve", map[string]any{})
	if c["state"] != "approved" || c["visa_kind"] != "permanent_resident" || c["admission_year"] != float64(2026) {
		t.Fatalf("approved: %v %v %v", c["state"], c["visa_kind"], c["admission_year"])
	}
	after := f.ok(t, 200, visa, "GET", "/api/v1/cap/2026", nil)
	if before["remaining"].(float64)-after["remaining"].(float64) != 4 || after["reserved"] != float64(4) {
		t.Fatalf("cap before %v, after %v: remaining should drop by 4", before, after)
	}

	// Travel, settlement placement, arrival. A problem names the field as
	// the request spelled it.
	if r := f.call(t, visa, "POST", "/api/v1/cases/"+id+"/travel", map[string]any{"date": "2026-05-01"}); r.status != 400 ||
		!slices.Equal(r.fields(t), []string{"date"}) {
		t.Fatalf("travel in the past: %d %s", r.status, r.body)
	}
	c = act(visa, "travel", map[string]any{"date": "2026-05-18", "itinerary": "IST-YYZ, meet at gate 4", "transportation_loan": true})
	if c["state"] != "travel_booked" || c["travel"].(map[string]any)["transportation_loan"] != true {
		t.Fatalf("travel: %v", c["travel"])
	}
	c = act(visa, "settlement", map[string]any{"org_id": f.orgs[settlement].ID})
	if str(c["settlement_org_id"]) != string(f.orgs[settlement].ID) {
		t.Fatalf("settlement: %v", c["settlement_org_id"])
	}
	// The settlement organisation plans the reception before the family lands;
	// the plan is its own: the visa office reads it and cannot write it.
	c = act(settlement, "plan/milestones", map[string]any{"milestone": "reception", "status": "in_progress", "target": "2026-05-18",
		"notes": "Interpreter for Farsi at the airport"})
	plan := c["integration_plan"].(map[string]any)
	if ms := plan["milestones"].([]any); len(ms) != 5 || ms[0].(map[string]any)["status"] != "in_progress" || len(plan["follow_ups"].([]any)) != 4 {
		t.Fatalf("plan after the first milestone: %v", plan)
	}
	if r := f.call(t, visa, "POST", "/api/v1/cases/"+id+"/plan/milestones", map[string]any{"milestone": "housing", "status": "in_progress"}); r.status != 403 {
		t.Fatalf("the visa office wrote the plan: %d %s", r.status, r.body)
	}
	f.clock.Add(14 * 24 * time.Hour)
	if r := f.call(t, visa, "POST", "/api/v1/cases/"+id+"/arrival", map[string]any{"date": "2026-06-30", "port_of_entry": "yyz"}); r.status != 400 ||
		!slices.Equal(r.fields(t), []string{"date"}) {
		t.Fatalf("arrival in the future: %d %s", r.status, r.body)
	}
	if r := f.call(t, visa, "POST", "/api/v1/cases/"+id+"/settlement", map[string]any{}); r.status != 400 ||
		!slices.Equal(r.fields(t), []string{"org_id"}) {
		t.Fatalf("settlement without an organisation: %d %s", r.status, r.body)
	}
	c = act(visa, "arrival", map[string]any{"date": "2026-05-18", "port_of_entry": "yyz"})
	if c["state"] != "arrived" || c["arrival"].(map[string]any)["port_of_entry"] != "YYZ" {
		t.Fatalf("arrival: %v %v", c["state"], c["arrival"])
	}
	if fig := f.ok(t, 200, visa, "GET", "/api/v1/cap/2026", nil); fig["arrived"] != float64(4) || fig["reserved"] != float64(0) {
		t.Fatalf("cap after arrival: %v", fig)
	}

	// The settlement organisation reads what settlement needs, and never
	// the persecution account, threats, checks or confidential notes.
	sv := f.ok(t, 200, settlement, "GET", "/api/v1/cases/"+id, nil)
	raw := string(mustJSON(sv))
	for _, leak := range []string{"persecution_account", "Persecution account", "threat_events", "Evin prison", `"checks":`, "IME clear",
		"confidential_notes", "Confidential note", "unhcr_number", "UNH-JOURNEY", "whereabouts"} {
		if strings.Contains(raw, leak) {
			t.Fatalf("the settlement organisation sees %q: %s", leak, raw)
		}
	}
	// It meets the family: it reads the itinerary, which the referring
	// partner no longer does.
	if !strings.Contains(raw, "IST-YYZ") {
		t.Fatalf("the settlement organisation lacks the itinerary: %s", raw)
	}
	if rv := string(mustJSON(f.ok(t, 200, unhcr, "GET", "/api/v1/cases/"+id, nil))); strings.Contains(rv, "IST-YYZ") {
		t.Fatalf("the referring partner sees the itinerary: %s", rv)
	}
	first := sv["members"].([]any)[0].(map[string]any)
	if first["family_name"] != "FamilyJourney" || first["accompanying"] != true || sv["arrival"] == nil || sv["state"] != "arrived" {
		t.Fatalf("the settlement view lacks what settlement needs: %s", raw)
	}
	// What the settlement organisation is offered now: to begin settlement.
	if o := sv["offer"].(map[string]any); len(o["events"].([]any)) != 1 || o["events"].([]any)[0] != "begin_settlement" || o["place_settlement"] != false {
		t.Fatalf("the settlement organisation's offer: %v", o)
	}
	act(settlement, "begin-settlement", nil)
	// The one-month follow-up: before arrival is refused, naming the field;
	// a month on, it is recorded with a safety concern.
	r = f.call(t, settlement, "POST", "/api/v1/cases/"+id+"/plan/follow-ups", map[string]any{"month": 1, "held": "2026-05-01"})
	if r.status != 400 || !strings.Contains(string(r.body), `"held"`) {
		t.Fatalf("a follow-up before arrival: %d %s", r.status, r.body)
	}
	f.clock.Add(30 * 24 * time.Hour)
	c = act(settlement, "plan/follow-ups", map[string]any{"month": 1, "held": "2026-06-17", "safety_concern": true,
		"notes": "Calls from an unknown number asking for the defender"})
	fu := c["integration_plan"].(map[string]any)["follow_ups"].([]any)
	if one := fu[0].(map[string]any); one["due"] != "2026-06-18" || one["held"] != "2026-06-17" || one["safety_concern"] != true ||
		fu[1].(map[string]any)["due"] != "2026-08-18" {
		t.Fatalf("follow-ups: %v", fu)
	}
	// The concern brings the case up for the visa office; the referring
	// partner may not ask which cases reported one.
	if l := f.ok(t, 200, visa, "GET", "/api/v1/cases?safety_concern=true", nil); l["total"] != float64(1) || str(l["cases"].([]any)[0].(map[string]any)["id"]) != id {
		t.Fatalf("cases with a safety concern: %v", l)
	}
	if r := f.call(t, unhcr, "GET", "/api/v1/cases?safety_concern=true", nil); r.status != 403 {
		t.Fatalf("the referring partner asking for safety concerns: %d", r.status)
	}
	if r := f.call(t, visa, "GET", "/api/v1/cases?safety_concern=yes", nil); r.status != 400 || !strings.Contains(string(r.body), "safety_concern") {
		t.Fatalf("a bad safety_concern: %d %s", r.status, r.body)
	}
	if ref := f.ok(t, 200, unhcr, "GET", "/api/v1/cases/"+id, nil); ref["integration_plan"] != nil {
		t.Fatalf("the referring partner sees the integration plan: %v", ref["integration_plan"])
	}
	if c = act(settlement, "close", nil); c["state"] != "closed" {
		t.Fatalf("closed: %v", c["state"])
	}
	// The visa office sees the whole record.
	full := f.ok(t, 200, visa, "GET", "/api/v1/cases/"+id, nil)
	if full["persecution_account"] == nil || len(full["checks"].([]any)) != 12 || len(full["decisions"].([]any)) != 1 || len(full["assessments"].([]any)) != 1 {
		t.Fatalf("the visa office's view: %v", full)
	}
}
