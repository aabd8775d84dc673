package api_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/havenhrd/haven"
)

// TestScheduleInterviewAPI: the visa office schedules the interview and
// moves it through POST /api/v1/cases/{id}/schedule-interview; the case
// then holds it, with the next step's day on its clock, for the visa
// office and the referring partner alone; a bad interview is a 400 naming
// each field, and nothing is written; the referring partner may not
// schedule; a partner that does not read the case is answered as for one
// that does not exist. Every response is held to the document.
func TestScheduleInterviewAPI(t *testing.T) {
	f := newFixture(t)
	c := f.referCase(t, "Interview", 3)
	id := str(c["id"])
	path := "/api/v1/cases/" + id
	f.ok(t, 200, haven.OrgVisaOffice, "POST", path+"/open-file", nil)
	f.ok(t, 200, haven.OrgVisaOffice, "POST", path+"/start-eligibility", nil)
	body := map[string]any{"date": "2026-05-20", "time": "09:30", "zone": "Europe/Istanbul", "place": "UNHCR office, Ankara",
		"language": "fa", "interpreter": true, "interpreter_language": "en"}

	audit := f.auditCount(t)
	for _, bad := range []struct {
		change map[string]any
		fields []string
	}{
		{map[string]any{"date": "2026-05-03"}, []string{"date"}},
		{map[string]any{"date": "2026-07-20"}, []string{"date"}}, // after the target date: 42 days for an urgent case
		{map[string]any{"place": "", "link": ""}, []string{"place"}},
		{map[string]any{"link": "ftp://meet.example.org/x"}, []string{"link"}},
		{map[string]any{"interpreter_language": ""}, []string{"interpreter_language"}},
		{map[string]any{"attending": []string{"mem_unknown"}}, []string{"attending"}},
		{map[string]any{"time": "", "zone": "Mars/Olympus", "language": "xx"}, []string{"zone", "time", "language"}},
	} {
		b := map[string]any{}
		for k, v := range body {
			b[k] = v
		}
		for k, v := range bad.change {
			b[k] = v
		}
		r := f.call(t, haven.OrgVisaOffice, "POST", path+"/schedule-interview", b)
		if r.status != 400 || !slices.Equal(r.fields(t), bad.fields) {
			t.Errorf("%v: %d %s; want 400 naming %v", bad.change, r.status, r.body, bad.fields)
		}
		if strings.Contains(string(r.body), "UNHCR office") {
			t.Errorf("%v: the problem quotes the place: %s", bad.change, r.body)
		}
	}
	if n := f.auditCount(t); n != audit {
		t.Fatalf("refused interviews wrote %d audit events", n-audit)
	}
	if got := f.ok(t, 200, haven.OrgVisaOffice, "GET", path, nil); got["state"] != "eligibility_review" || got["interview"] != nil {
		t.Fatalf("after refusals: %s %v", got["state"], got["interview"])
	}

	got := f.ok(t, 200, haven.OrgVisaOffice, "POST", path+"/schedule-interview", body)
	iv, _ := got["interview"].(map[string]any)
	clock, _ := got["clock"].(map[string]any)
	if got["state"] != "interview" || iv == nil || iv["place"] != "UNHCR office, Ankara" || iv["time"] != "09:30" || iv["zone"] != "Europe/Istanbul" ||
		iv["at"] != "2026-05-20T06:30:00Z" || len(iv["attending"].([]any)) != 2 || got["next"] != "interview" || clock["next_due"] != "2026-05-20" {
		t.Fatalf("scheduled: %s", mustJSON(got))
	}
	// Moved: remote, the principal alone.
	members := got["members"].([]any)
	principal := str(members[0].(map[string]any)["id"])
	moved := map[string]any{"date": "2026-05-22", "time": "15:00", "zone": "+03:00", "link": "https://meet.example.org/r/1",
		"language": "fa", "attending": []string{principal}}
	got = f.ok(t, 200, haven.OrgVisaOffice, "POST", path+"/schedule-interview", moved)
	iv = got["interview"].(map[string]any)
	if iv["link"] != "https://meet.example.org/r/1" || iv["place"] != nil || iv["interpreter"] != false || iv["zone"] != "+03:00" ||
		len(iv["attending"].([]any)) != 1 || got["clock"].(map[string]any)["next_due"] != "2026-05-22" {
		t.Fatalf("moved: %s", mustJSON(got))
	}
	tl := f.ok(t, 200, haven.OrgReferralPartner, "GET", path+"/timeline", nil)
	var scheduled int
	for _, en := range tl["entries"].([]any) {
		if en.(map[string]any)["act"] == "case.schedule_interview" {
			scheduled++
		}
	}
	if scheduled != 2 {
		t.Errorf("the timeline shows %d schedulings: %s", scheduled, mustJSON(tl))
	}
	// The referring partner sees it in full and is told; it may not move it.
	got = f.ok(t, 200, haven.OrgReferralPartner, "GET", path, nil)
	if iv, _ := got["interview"].(map[string]any); iv == nil || iv["link"] != "https://meet.example.org/r/1" {
		t.Errorf("the referring partner reads %s", mustJSON(got["interview"]))
	}
	notes := f.ok(t, 200, haven.OrgReferralPartner, "GET", "/api/v1/me/notifications", nil)
	var told int
	for _, n := range notes["notifications"].([]any) {
		if n.(map[string]any)["kind"] == "interview" {
			told++
		}
	}
	if told != 2 {
		t.Errorf("the referring partner is told %d times: %s", told, mustJSON(notes))
	}
	if r := f.call(t, haven.OrgReferralPartner, "POST", path+"/schedule-interview", moved); r.status != 403 {
		t.Errorf("the referring partner schedules: %d %s", r.status, r.body)
	}
	// A partner that did not refer the case: as for no case at all.
	for _, k := range []haven.OrgKind{haven.OrgProtectionPartner, haven.OrgSettlementOrganisation, haven.OrgScreeningPartner} {
		a := f.call(t, k, "GET", path, nil)
		b := f.call(t, k, "GET", "/api/v1/cases/case_doesnotexist", nil)
		if a.status != 404 || a.status != b.status || strings.Contains(string(a.body), "interview") {
			t.Errorf("%s reads the case: %d %s; no case: %d", k, a.status, a.body, b.status)
		}
	}
}
