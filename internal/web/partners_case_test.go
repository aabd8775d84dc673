package web_test

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/havenhrd/haven"
)

func TestVisaOfficeSideStates(t *testing.T) {
	f := newFixture(t, false)
	c := f.refer(t, "Side", 3, haven.PriorityUrgent)
	b := f.browser(t)
	b.signIn(f.users[haven.OrgVisaOffice])
	path := "/cases/" + string(c.ID)
	act := func(action string, form url.Values, want haven.CaseState, notice string) string {
		t.Helper()
		r, body := b.fill(path+"/"+action, form, "")
		if r.Request.URL.Path != path || !strings.Contains(body, notice) {
			t.Fatalf("%s: %d at %s\n%s", action, r.StatusCode, r.Request.URL, text(body))
		}
		if got := f.caseState(t, c.ID); got != want {
			t.Fatalf("%s: state %s, want %s", action, got, want)
		}
		return body
	}
	_, body := b.get(path)
	if !strings.Contains(body, `action="`+path+`/request-info"`) || !strings.Contains(body, `href="`+path+`/withdraw"`) ||
		strings.Contains(body, `action="`+path+`/hold"`) {
		t.Fatalf("a referred case's side forms:\n%s", body)
	}
	// Information requested: reasons required, typed text kept on error.
	r, body := b.fill(path+"/request-info", url.Values{"info_what": {" "}}, "")
	if r.StatusCode != http.StatusBadRequest || !strings.HasPrefix(title(body), "Error: ") || !slices.Contains(errorLinks(body), "info_what") ||
		!strings.Contains(body, `id="info_what-error"`) || f.caseState(t, c.ID) != haven.StateReferred {
		t.Fatalf("request info without text: %d %v\n%s", r.StatusCode, errorLinks(body), text(body))
	}
	body = act("request-info", url.Values{"info_what": {"Copy of the arrest warrant."}}, haven.StateInfoRequested,
		"The referring partner is asked for the information.")
	if !strings.Contains(body, "Copy of the arrest warrant.") || !strings.Contains(body, `action="`+path+`/resume"`) {
		t.Fatal("the note or the resume form is missing")
	}
	act("resume", nil, haven.StateReferred, "The case has resumed where it was.")
	must(f.app.Cases.OpenFile(f.ctx, f.users[haven.OrgVisaOffice].actor, c.ID))
	must(f.app.Cases.StartEligibility(f.ctx, f.users[haven.OrgVisaOffice].actor, c.ID))
	b.get(path)
	act("schedule-interview", url.Values{"interview_date": {"2026-05-20"}, "interview_time": {"09:30"}, "interview_zone": {"Europe/Istanbul"},
		"interview_place": {"UNHCR office, Ankara"}, "interview_language": {"fa"}}, haven.StateInterview, "The interview is scheduled.")
	act("hold", url.Values{"hold_reasons": {"Awaiting a security briefing."}}, haven.StateOnHold, "The case is on hold.")
	act("resume", nil, haven.StateInterview, "The case has resumed where it was.")
	f.toAdmissibilityFrom(t, c.ID)

	// Checks assigned to a partner: a partner and at least one person.
	_, body = b.get(path)
	if !strings.Contains(body, `action="`+path+`/assign-checks"`) || !strings.Contains(body, "Panel clinic Istanbul") {
		t.Fatalf("no assign form:\n%s", text(body))
	}
	r, body = b.fill(path+"/assign-checks", url.Values{"assign_members": {string(c.Members[1].ID)}}, "")
	if r.StatusCode != http.StatusBadRequest || !slices.Contains(errorLinks(body), "assign_org_id") ||
		!strings.Contains(body, `value="`+string(c.Members[1].ID)+`" checked`) {
		t.Fatalf("assign without a partner: %d %v", r.StatusCode, errorLinks(body))
	}
	act("assign-checks", url.Values{"assign_org_id": {string(f.orgs[haven.OrgMedicalPartner].ID)}, "assign_members": {string(c.Members[1].ID)}},
		haven.StateAdmissibilityInProgress, "The checks are assigned to the partner.")
	work := must(f.app.Cases.FindAssignedWork(f.ctx, f.users[haven.OrgMedicalPartner].actor))
	if len(work) != 1 || len(work[0].Members) != 1 || work[0].Members[0].ID != c.Members[1].ID {
		t.Fatalf("assigned work: %+v", work)
	}

	// A split decision, on its own page.
	_, body = b.get(path)
	if !strings.Contains(body, `href="`+path+`/split"`) || strings.Contains(body, `action="`+path+`/split"`) {
		t.Fatal("the case page must link to the split page, not split in place")
	}
	_, body = b.get(path + "/split")
	if !strings.Contains(body, "A split decision cannot be undone.") || !strings.Contains(body, string(c.Members[2].ID)) ||
		strings.Contains(body, `value="`+string(c.Members[0].ID)+`"`) {
		t.Fatalf("split page:\n%s", body)
	}
	r, body = b.fill(path+"/split", url.Values{"excluded": {string(c.Members[2].ID)}}, "")
	if r.StatusCode != http.StatusBadRequest || !strings.HasPrefix(title(body), "Error: Make a split decision") ||
		!slices.Contains(errorLinks(body), "split_reasons") || f.caseState(t, c.ID) != haven.StateAdmissibilityInProgress {
		t.Fatalf("split without reasons: %d %q %v", r.StatusCode, title(body), errorLinks(body))
	}
	r, body = b.fill(path+"/split", url.Values{"split_reasons": {"Inadmissible."}, "excluded": nil}, "")
	if r.StatusCode != http.StatusBadRequest || !slices.Contains(errorLinks(body), "excluded") {
		t.Fatalf("split without members: %d %v", r.StatusCode, errorLinks(body))
	}
	act("split", url.Values{"excluded": {string(c.Members[2].ID)}, "split_reasons": {"Exclusion clause applies to one member."}},
		haven.StateSplitDecision, "The split decision is recorded.")
	if m := must(f.app.Cases.FindCaseByID(f.ctx, f.users[haven.OrgVisaOffice].actor, c.ID)).Member(c.Members[2].ID); !m.Excluded {
		t.Fatal("the member was not removed")
	}

	// Withdrawal, on its own page.
	_, body = b.get(path + "/withdraw")
	if !strings.Contains(body, "A withdrawal cannot be undone.") || !strings.Contains(body, "Any places held in the cap are released.") {
		t.Fatalf("withdraw page:\n%s", text(body))
	}
	r, body = b.fill(path+"/withdraw", url.Values{"withdraw_reasons": {""}}, "")
	if r.StatusCode != http.StatusBadRequest || !slices.Contains(errorLinks(body), "withdraw_reasons") || f.caseState(t, c.ID) != haven.StateSplitDecision {
		t.Fatalf("withdraw without reasons: %d %v", r.StatusCode, errorLinks(body))
	}
	body = act("withdraw", url.Values{"withdraw_reasons": {"The family found protection elsewhere."}}, haven.StateWithdrawn, "The case is withdrawn.")
	if strings.Contains(body, `href="`+path+`/withdraw"`) || strings.Contains(body, "partner-actions-heading") {
		t.Fatal("a withdrawn case still offers side forms")
	}
	// GET changes nothing; another organisation may not act.
	c2 := f.refer(t, "Other", 1, haven.PriorityNormal)
	if r, _ := b.get("/cases/" + string(c2.ID) + "/hold"); r.StatusCode < 400 || f.caseState(t, c2.ID) != haven.StateReferred {
		t.Fatalf("GET hold: %d", r.StatusCode)
	}
	s := f.browser(t)
	s.signIn(f.users[haven.OrgSettlementOrganisation])
	s.get("/")
	if r, _ := s.post("/cases/"+string(c2.ID)+"/withdraw", url.Values{"withdraw_reasons": {"x"}}); r.StatusCode != http.StatusForbidden ||
		f.caseState(t, c2.ID) != haven.StateReferred {
		t.Fatalf("settlement withdrawing: %d", r.StatusCode)
	}
	// The referring partner may withdraw its own referral.
	rp := f.browser(t)
	rp.signIn(f.users[haven.OrgReferralPartner])
	_, body = rp.get("/cases/" + string(c2.ID))
	if !strings.Contains(body, `href="/cases/`+string(c2.ID)+`/withdraw"`) || strings.Contains(body, "/hold\"") {
		t.Fatalf("the referring partner's case page:\n%s", text(body))
	}
	rp.get("/cases/" + string(c2.ID) + "/withdraw")
	r, _ = rp.fill("/cases/"+string(c2.ID)+"/withdraw", url.Values{"withdraw_reasons": {"Family relocated."}}, "")
	if r.StatusCode != 200 || f.caseState(t, c2.ID) != haven.StateWithdrawn {
		t.Fatalf("referring partner's withdrawal: %d %s", r.StatusCode, f.caseState(t, c2.ID))
	}
	// The confirmation pages answer from the app's offer: a withdrawn case
	// can take no withdrawal now (409, said, no form); a split is never the
	// referrer's (403), nor a withdrawal the settlement organisation's.
	r, body = rp.get("/cases/" + string(c2.ID) + "/withdraw")
	if r.StatusCode != http.StatusConflict || !strings.Contains(body, "This case cannot take this step now") ||
		strings.Contains(body, `action="/cases/`+string(c2.ID)+`/withdraw"`) {
		t.Fatalf("withdrawing a withdrawn case: %d\n%s", r.StatusCode, text(body))
	}
	if r, _ := rp.get("/cases/" + string(c2.ID) + "/split"); r.StatusCode != http.StatusForbidden {
		t.Fatalf("the referrer's split page: %d", r.StatusCode)
	}
	c3 := f.refer(t, "Third", 1, haven.PriorityNormal)
	if r, _ := rp.get("/cases/" + string(c3.ID) + "/withdraw"); r.StatusCode != 200 {
		t.Fatalf("the referrer's withdraw page: %d", r.StatusCode)
	}
}

// toAdmissibilityFrom takes a case at interview to its admissibility checks.
func (f *fixture) toAdmissibilityFrom(t *testing.T, id haven.ID) {
	t.Helper()
	visa := f.users[haven.OrgVisaOffice].actor
	must(f.app.Cases.RecordAssessment(f.ctx, visa, id, &haven.EligibilityAssessment{OutsideCountry: true, WellFoundedFear: true,
		NoInternalFlight: true, NoDurableSolution: true, Grounds: []haven.Ground{haven.GroundPoliticalOpinion}, Interviewed: true}))
	must(f.app.Cases.StartAdmissibility(f.ctx, visa, id))
}

func TestMedicalPartnerRecordsChecks(t *testing.T) {
	f := newFixture(t, false)
	c := f.refer(t, "Clinic", 2, haven.PriorityNormal)
	hidden := f.refer(t, "Hidden", 1, haven.PriorityNormal)
	f.toAdmissibility(t, c.ID)
	f.toAdmissibility(t, hidden.ID)
	visa := f.users[haven.OrgVisaOffice].actor
	must(f.app.Cases.AssignChecks(f.ctx, visa, c.ID, f.orgs[haven.OrgMedicalPartner].ID, []haven.ID{c.Members[1].ID}))

	b := f.browser(t)
	b.signIn(f.users[haven.OrgMedicalPartner])
	r, body := b.get("/checks")
	assigned, other := c.Members[1], c.Members[0]
	if r.StatusCode != 200 || !strings.Contains(body, "Checks assigned to you") || !strings.Contains(body, assigned.GivenNames) ||
		!strings.Contains(body, "Protected B") || !strings.Contains(body, "None yet") {
		t.Fatalf("checks list: %d\n%s", r.StatusCode, text(body))
	}
	// What is asked and how soon: the priority, the day asked, the case's
	// target date (referral plus the year's 365 days for normal priority).
	due := c.ReferredAt.AddDate(0, 0, 365).Format("2006-01-02")
	if !strings.Contains(body, "Case due by") || !strings.Contains(body, ">Normal</strong>") || !strings.Contains(body, due) {
		t.Fatalf("the checks list lacks the priority or the dates (due %s):\n%s", due, text(body))
	}
	// Identity only: nothing else of the case, no other member.
	for _, secret := range []string{other.GivenNames, "Told of Clinic", "Confidential note", "Safe house", "+90 555", "FamilyHidden", "UNH-W-"} {
		if strings.Contains(body, secret) {
			t.Errorf("the checks list shows %q", secret)
		}
	}
	form := "/checks/" + string(c.ID) + "/" + string(assigned.ID)
	_, body = b.get(form)
	if !strings.Contains(body, "Record a medical exam") || !strings.Contains(body, `id="valid_until"`) || strings.Contains(body, `name="kind"`) {
		t.Fatalf("medical form:\n%s", body)
	}
	// A passed exam needs its expiry: the app says so, beside the field.
	r, body = b.fill(form, url.Values{"result": {"passed"}, "details": {"Chest X-ray clear."}}, "")
	if r.StatusCode != http.StatusBadRequest || !slices.Contains(errorLinks(body), "valid_until") || !strings.Contains(body, ">Chest X-ray clear.</textarea>") {
		t.Fatalf("no expiry: %d %v\n%s", r.StatusCode, errorLinks(body), text(body))
	}
	r, body = b.fill(form, url.Values{"valid_until": {"2027-05-01"}}, "")
	if r.Request.URL.Path != "/checks" || !strings.Contains(body, "The check is recorded.") || !strings.Contains(body, "Passed") {
		t.Fatalf("recorded: %d %s\n%s", r.StatusCode, r.Request.URL, text(body))
	}
	got := must(f.app.Cases.FindCaseByID(f.ctx, visa, c.ID)).LatestCheck(assigned.ID, haven.CheckMedical)
	if got == nil || got.Result != haven.ResultPassed || got.ValidUntil.String() != "2027-05-01" || got.Details != "Chest X-ray clear." {
		t.Fatalf("the check: %+v", got)
	}
	// An unassigned member, of this case or another: not found, nothing recorded.
	for _, m := range []struct {
		c haven.ID
		m haven.ID
	}{{c.ID, other.ID}, {hidden.ID, hidden.Members[0].ID}} {
		path := "/checks/" + string(m.c) + "/" + string(m.m)
		if r, body := b.get(path); r.StatusCode != http.StatusNotFound || strings.Contains(body, "FamilyClinic") {
			t.Fatalf("GET %s: %d", path, r.StatusCode)
		}
		b.get("/checks")
		r, _ := b.post(path, url.Values{"result": {"passed"}, "valid_until": {"2027-05-01"}})
		if r.StatusCode != http.StatusNotFound {
			t.Fatalf("POST %s: %d", path, r.StatusCode)
		}
		if ch := must(f.app.Cases.FindCaseByID(f.ctx, visa, m.c)).LatestCheck(m.m, haven.CheckMedical); ch != nil {
			t.Fatalf("a check was recorded for an unassigned member: %+v", ch)
		}
	}
	// A screening partner records its own kinds, and sees no one here.
	s := f.browser(t)
	s.signIn(f.users[haven.OrgScreeningPartner])
	_, body = s.get("/checks")
	if !strings.Contains(body, "No one is assigned to you for checks now.") {
		t.Fatalf("screening list:\n%s", text(body))
	}
	must(f.app.Cases.AssignChecks(f.ctx, visa, c.ID, f.orgs[haven.OrgScreeningPartner].ID, []haven.ID{other.ID}))
	sform := "/checks/" + string(c.ID) + "/" + string(other.ID)
	_, body = s.get(sform)
	if !strings.Contains(body, `name="kind"`) || !strings.Contains(body, "conviction_politically_motivated") || strings.Contains(body, `id="valid_until"`) {
		t.Fatalf("screening form:\n%s", body)
	}
	// No kind and no reasons: both reported in one pass.
	r, body = s.fill(sform, url.Values{"result": {"passed"}, "conviction_politically_motivated": {"yes"}}, "")
	if r.StatusCode != http.StatusBadRequest || !slices.Contains(errorLinks(body), "kind") || !slices.Contains(errorLinks(body), "political_motivation_reasons") {
		t.Fatalf("screening without kind: %d %v", r.StatusCode, errorLinks(body))
	}
	r, body = s.fill(sform, url.Values{"kind": {"criminality"}}, "")
	if r.StatusCode != http.StatusBadRequest || !slices.Contains(errorLinks(body), "political_motivation_reasons") {
		t.Fatalf("politically motivated without reasons: %d %v\n%s", r.StatusCode, errorLinks(body), text(body))
	}
	r, _ = s.fill(sform, url.Values{"political_motivation_reasons": {"Charges followed his reporting."}}, "")
	if r.Request.URL.Path != "/checks" {
		t.Fatalf("criminality check: %d %s", r.StatusCode, r.Request.URL)
	}
	ch := must(f.app.Cases.FindCaseByID(f.ctx, visa, c.ID)).LatestCheck(other.ID, haven.CheckCriminality)
	if ch == nil || !ch.ConvictionPoliticallyMotivated || ch.Result != haven.ResultPassed {
		t.Fatalf("criminality check: %+v", ch)
	}
}
