package api_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/havenhrd/haven"
)

// TestAnswerInfoRequest: the referring partner answers the visa office's
// request through the API; the answer is the case's note after the
// request, the turn passes to the visa office, a second answer is a
// conflict, and the case's timeline shows the acts within each reader's
// view. Every response is checked against the OpenAPI document.
func TestAnswerInfoRequest(t *testing.T) {
	f := newFixture(t)
	c := f.referCase(t, "Answer", 2)
	id := str(c["id"])
	path := "/api/v1/cases/" + id
	f.ok(t, 200, haven.OrgVisaOffice, "POST", path+"/request-info", map[string]any{"reasons": "Which court?"})

	for _, body := range []map[string]any{{"answer": ""}, {"answer": strings.Repeat("a", 20001)}} {
		r := f.call(t, haven.OrgReferralPartner, "POST", path+"/answer", body)
		if r.status != 400 || !slices.Equal(r.fields(t), []string{"answer"}) {
			t.Fatalf("a bad answer: %d %v\n%s", r.status, r.fields(t), r.body)
		}
	}
	// An organisation that cannot read the case hears what it would of a
	// case that does not exist; the visa office may not answer.
	for _, kind := range []haven.OrgKind{haven.OrgProtectionPartner, haven.OrgSettlementOrganisation} {
		got := f.call(t, kind, "POST", path+"/answer", map[string]any{"answer": "x"})
		none := f.call(t, kind, "POST", "/api/v1/cases/case_nosuch/answer", map[string]any{"answer": "x"})
		if got.status != none.status || got.status < 400 || got.json(t)["detail"] != none.json(t)["detail"] {
			t.Errorf("%s: %d %s; a missing case: %d %s", kind, got.status, got.body, none.status, none.body)
		}
	}
	if r := f.call(t, haven.OrgVisaOffice, "POST", path+"/answer", map[string]any{"answer": "x"}); r.status != 403 {
		t.Errorf("the visa office answering: %d", r.status)
	}

	out := f.ok(t, 200, haven.OrgReferralPartner, "POST", path+"/answer", map[string]any{"answer": "The Revolutionary Court of Tehran."})
	clock, _ := out["clock"].(map[string]any)
	notes, _ := out["notes"].([]any)
	if out["state"] != "info_requested" || clock["turn"] != "visa_office" || out["next"] != "resume" || len(notes) != 2 {
		t.Fatalf("after the answer: state %v, clock %v, next %v, %d notes", out["state"], clock, out["next"], len(notes))
	}
	if a, _ := notes[1].(map[string]any); a["event"] != "answer_info" || a["text"] != "The Revolutionary Court of Tehran." ||
		a["org_id"] != string(f.orgs[haven.OrgReferralPartner].ID) {
		t.Fatalf("the answer's note: %v", notes[1])
	}
	if r := f.call(t, haven.OrgReferralPartner, "POST", path+"/answer", map[string]any{"answer": "Again."}); r.status != 409 {
		t.Fatalf("a second answer: %d\n%s", r.status, r.body)
	}
	visa := f.ok(t, 200, haven.OrgVisaOffice, "GET", path, nil)
	if visa["next"] != "resume" {
		t.Errorf("the visa office's next step: %v", visa["next"])
	}

	// The timeline: the acts in order, by organisation; no text.
	tl := f.ok(t, 200, haven.OrgReferralPartner, "GET", path+"/timeline", nil)
	entries, _ := tl["entries"].([]any)
	var acts []string
	for _, e := range entries {
		en, _ := e.(map[string]any)
		acts = append(acts, str(en["act"])+"@"+str(en["org_id"]))
	}
	visaOrg, ref := string(f.orgs[haven.OrgVisaOffice].ID), string(f.orgs[haven.OrgReferralPartner].ID)
	if want := []string{"case.refer@" + ref, "case.request_info@" + visaOrg, "case.answer_info@" + ref}; !slices.Equal(acts, want) {
		t.Errorf("timeline %v, want %v", acts, want)
	}
	if _, ok := tl["earlier"]; ok || strings.Contains(string(mustJSON(tl)), "Tehran") || strings.Contains(string(mustJSON(tl)), "Which court") {
		t.Errorf("timeline: %v", tl)
	}
	f.ok(t, 200, haven.OrgVisaOffice, "GET", path+"/timeline?before=2", nil)
	if r := f.call(t, haven.OrgVisaOffice, "GET", path+"/timeline?before=two", nil); r.status != 400 || !slices.Equal(r.fields(t), []string{"before"}) {
		t.Errorf("a bad cursor: %d %s", r.status, r.body)
	}
	for _, kind := range []haven.OrgKind{haven.OrgProtectionPartner, haven.OrgSettlementOrganisation} {
		if r := f.call(t, kind, "GET", path+"/timeline", nil); r.status != 404 {
			t.Errorf("%s reads the timeline: %d", kind, r.status)
		}
	}
}
