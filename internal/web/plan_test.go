package web_test

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/havenhrd/haven"
)

// placedCase approves a family of two and places it with the settlement
// organisation; the family has not arrived.
func (f *fixture) placedCase(t *testing.T, tag string) *haven.Case {
	t.Helper()
	c := f.refer(t, tag, 2, haven.PriorityUrgent)
	visa := f.users[haven.OrgVisaOffice].actor
	must(f.app.Cases.OpenFile(f.ctx, visa, c.ID))
	must(f.app.Cases.StartEligibility(f.ctx, visa, c.ID))
	must(f.app.Cases.RecordAssessment(f.ctx, visa, c.ID, &haven.EligibilityAssessment{OutsideCountry: true, WellFoundedFear: true,
		NoInternalFlight: true, NoDurableSolution: true, Grounds: []haven.Ground{haven.GroundPoliticalOpinion}}))
	must(f.app.Cases.StartAdmissibility(f.ctx, visa, c.ID))
	f.passChecks(t, c.ID)
	must(f.app.Cases.ConfirmAdmissible(f.ctx, visa, c.ID))
	must(f.app.Cases.Approve(f.ctx, visa, c.ID, haven.ApproveInput{}))
	return must(f.app.Cases.AssignSettlement(f.ctx, visa, c.ID, f.orgs[haven.OrgSettlementOrganisation].ID))
}

// TestIntegrationPlanPages: the settlement organisation keeps the plan on
// its pages, one milestone or follow-up per page; a wrong answer shows
// beside its field with what was typed; the visa office reads the plan and
// is offered nothing to change; follow-ups open once the family arrives.
func TestIntegrationPlanPages(t *testing.T) {
	f := newFixture(t, false)
	c := f.placedCase(t, "Planned")
	path := "/cases/" + string(c.ID)
	b := f.browser(t)
	b.signIn(f.users[haven.OrgSettlementOrganisation])
	r, body := b.get(path)
	checkPage(t, r, body)
	for _, want := range []string{"Integration plan", "Reception", "Housing", "Language classes", "Community connections",
		"Continuing human rights work", "Not started", `href="` + path + `/plan/housing"`, "Follow-ups can be recorded once the family has arrived."} {
		if !strings.Contains(body, want) {
			t.Fatalf("the plan on the case page lacks %q:\n%s", want, body)
		}
	}
	if strings.Contains(body, path+"/follow-ups/1") {
		t.Fatal("a follow-up is offered before arrival")
	}

	// One milestone: a status is required; a completion date only when done.
	r, body = b.get(path + "/plan/reception")
	checkPage(t, r, body)
	if r.StatusCode != 200 || !strings.Contains(title(body), "Reception") || !strings.Contains(body, "Met at the port of entry") {
		t.Fatalf("milestone page: %d %q\n%s", r.StatusCode, title(body), body)
	}
	notes := "Interpreter for Farsi & Kurdish at the airport"
	r, body = b.post(path+"/plan/reception", url.Values{"notes": {notes}, "target": {"2026-05-20"}})
	checkPage(t, r, body)
	if r.StatusCode != http.StatusBadRequest || !strings.HasPrefix(title(body), "Error: ") ||
		!strings.Contains(body, `<a href="#status">Choose the milestone&#39;s status</a>`) || !strings.Contains(body, `id="status-error"`) ||
		!strings.Contains(body, "Interpreter for Farsi &amp; Kurdish at the airport</textarea>") {
		t.Fatalf("no status: %d %q\n%s", r.StatusCode, title(body), body)
	}
	if v, _ := value(body, "target"); v != "2026-05-20" {
		t.Fatalf("the target typed was lost: %q", v)
	}
	r, body = b.post(path+"/plan/reception", url.Values{"status": {"done"}, "notes": {notes}})
	if r.StatusCode != http.StatusBadRequest || !strings.Contains(body, `<a href="#completed">Enter the date the milestone was met</a>`) ||
		!strings.Contains(body, `id="completed-error"`) || !strings.Contains(body, `value="done" checked`) {
		t.Fatalf("done without a date: %d\n%s", r.StatusCode, body)
	}
	r, body = b.post(path+"/plan/reception", url.Values{"status": {"in_progress"}, "target": {"2026-05-20"}, "notes": {notes}})
	if r.Request.URL.Path != path || !strings.Contains(body, "The integration plan has been updated.") ||
		!strings.Contains(body, "In progress") || !strings.Contains(body, "Interpreter for Farsi &amp; Kurdish") || !strings.Contains(body, "2026-05-20") {
		t.Fatalf("milestone saved: ended at %s\n%s", r.Request.URL, body)
	}
	// The form opens with what stands recorded.
	_, body = b.get(path + "/plan/reception")
	if !strings.Contains(body, `value="in_progress" checked`) || !strings.Contains(body, notes[:20]) {
		t.Fatalf("the form does not show what is recorded:\n%s", body)
	}
	r, _ = b.get(path + "/plan/pets")
	if r.StatusCode != http.StatusNotFound {
		t.Fatalf("an unknown milestone: %d", r.StatusCode)
	}

	// The visa office reads the plan; nothing to change is offered, and a
	// forged change is refused.
	vb := f.browser(t)
	vb.signIn(f.users[haven.OrgVisaOffice])
	_, body = vb.get(path)
	if !strings.Contains(body, "Integration plan") || !strings.Contains(body, "Interpreter for Farsi") || strings.Contains(body, path+"/plan/") {
		t.Fatalf("the visa office's case page and the plan:\n%s", body)
	}
	if r, _ := vb.get(path + "/plan/housing"); r.StatusCode != http.StatusForbidden {
		t.Fatalf("the visa office's milestone page: %d", r.StatusCode)
	}
	vb.get(path)
	if r, _ := vb.post(path+"/plan/housing", url.Values{"status": {"in_progress"}}); r.StatusCode != http.StatusForbidden {
		t.Fatalf("the visa office changing the plan: %d", r.StatusCode)
	}

	// Arrival opens the follow-ups, due from the arrival date.
	visa := f.users[haven.OrgVisaOffice].actor
	arrived := haven.DateOf(f.clock.Now())
	must(f.app.Cases.BookTravel(f.ctx, visa, c.ID, &haven.Travel{Date: arrived}))
	must(f.app.Cases.RecordArrival(f.ctx, visa, c.ID, &haven.Arrival{Date: arrived, PortOfEntry: "YWG"}))
	f.clock.Add(29 * 24 * time.Hour)
	b.signIn(f.users[haven.OrgSettlementOrganisation]) // a month on, the session has ended
	_, body = b.get(path)
	due := arrived.AddMonths(1).String()
	if !strings.Contains(body, path+"/follow-ups/1") || !strings.Contains(body, due) || strings.Contains(body, "Follow-ups can be recorded once") {
		t.Fatalf("after arrival, the follow-ups (1 month due %s):\n%s", due, body)
	}
	r, body = b.get(path + "/follow-ups/1")
	checkPage(t, r, body)
	if r.StatusCode != 200 || !strings.Contains(body, due) {
		t.Fatalf("follow-up page: %d\n%s", r.StatusCode, body)
	}
	held := haven.DateOf(f.clock.Now()).String()
	r, body = b.post(path+"/follow-ups/1", url.Values{"held": {held}, "safety_concern": {"yes"}})
	if r.StatusCode != http.StatusBadRequest || !strings.Contains(body, `<a href="#notes">`) || !strings.Contains(body, `id="safety_concern" name="safety_concern" value="yes" checked`) {
		t.Fatalf("a safety concern without notes: %d\n%s", r.StatusCode, body)
	}
	r, body = b.post(path+"/follow-ups/1", url.Values{"held": {arrived.AddMonths(-1).String()}})
	if r.StatusCode != http.StatusBadRequest || !strings.Contains(body, "The date is before the family&#39;s arrival") {
		t.Fatalf("a follow-up before arrival: %d\n%s", r.StatusCode, body)
	}
	r, body = b.post(path+"/follow-ups/1", url.Values{"held": {held}, "safety_concern": {"yes"}, "notes": {"A car parked outside for three days"}})
	if r.Request.URL.Path != path || !strings.Contains(body, "The follow-up has been recorded.") || !strings.Contains(body, "Reported") ||
		!strings.Contains(body, "A car parked outside") {
		t.Fatalf("follow-up recorded: ended at %s\n%s", r.Request.URL, body)
	}
	if r, _ := b.get(path + "/follow-ups/2"); r.StatusCode != http.StatusNotFound {
		t.Fatalf("a follow-up month not on the list: %d", r.StatusCode)
	}
	// Three months on, the 3-month follow-up shows overdue.
	f.clock.Add(75 * 24 * time.Hour)
	b.signIn(f.users[haven.OrgSettlementOrganisation])
	_, body = b.get(path)
	if !strings.Contains(body, "Overdue") {
		t.Fatalf("an overdue follow-up is not marked:\n%s", body)
	}
}

// TestIntegrationPlanInFrench: the plan's pages and its errors in French.
func TestIntegrationPlanInFrench(t *testing.T) {
	f := newFixture(t, false)
	c := f.placedCase(t, "Planifie")
	path := "/cases/" + string(c.ID)
	visa := f.users[haven.OrgVisaOffice].actor
	arrived := haven.DateOf(f.clock.Now())
	must(f.app.Cases.BookTravel(f.ctx, visa, c.ID, &haven.Travel{Date: arrived}))
	must(f.app.Cases.RecordArrival(f.ctx, visa, c.ID, &haven.Arrival{Date: arrived, PortOfEntry: "YUL"}))
	b := f.browser(t)
	b.get("/signin?lang=fr")
	b.signIn(f.users[haven.OrgSettlementOrganisation])
	pages := map[string]string{}
	_, pages["case"] = b.get(path)
	_, pages["milestone"] = b.get(path + "/plan/language_classes")
	_, pages["milestone error"] = b.post(path+"/plan/language_classes", url.Values{"status": {"not_needed"}})
	_, pages["follow-up"] = b.get(path + "/follow-ups/3")
	_, pages["follow-up early"] = b.post(path+"/follow-ups/3", url.Values{"held": {arrived.String()}})
	for name, page := range pages {
		if !strings.Contains(page, `<html lang="fr">`) {
			t.Errorf("%s is not in French", name)
			continue
		}
		if en := englishIn(page); len(en) > 0 {
			t.Errorf("%s shows English: %v", name, en)
		}
	}
	for name, want := range map[string]string{"case": "Plan d'intégration", "milestone": "Cours de langue",
		"follow-up early": "Le suivi a lieu au plus tôt 14 jours avant son échéance", "milestone error": "Notes"} {
		if !strings.Contains(text(pages[name]), want) {
			t.Errorf("%s lacks %q:\n%s", name, want, pages[name])
		}
	}
	if !strings.Contains(pages["milestone error"], `id="notes-error"`) {
		t.Errorf("a 'not needed' without notes shows no error beside the notes:\n%s", pages["milestone error"])
	}
}

// TestSafetyConcernsOnThePages: a follow-up's safety concern brings the
// case up where the visa office and the settlement organisation look;
// a referring partner asking for the list is refused.
func TestSafetyConcernsOnThePages(t *testing.T) {
	f := newFixture(t, false)
	worried := f.placedCase(t, "Worried")
	calm := f.placedCase(t, "Calm")
	visa := f.users[haven.OrgVisaOffice].actor
	settler := f.users[haven.OrgSettlementOrganisation].actor
	arrived := haven.DateOf(f.clock.Now())
	for _, c := range []*haven.Case{worried, calm} {
		must(f.app.Cases.BookTravel(f.ctx, visa, c.ID, &haven.Travel{Date: arrived}))
		must(f.app.Cases.RecordArrival(f.ctx, visa, c.ID, &haven.Arrival{Date: arrived, PortOfEntry: "YHZ"}))
	}
	f.clock.Add(30 * 24 * time.Hour)
	held := haven.DateOf(f.clock.Now())
	must(f.app.Cases.RecordFollowUp(f.ctx, settler, worried.ID, &haven.FollowUp{Month: 1, Held: held, SafetyConcern: true, Notes: "Followed home twice"}))
	must(f.app.Cases.RecordFollowUp(f.ctx, settler, calm.ID, &haven.FollowUp{Month: 1, Held: held}))

	for _, kind := range []haven.OrgKind{haven.OrgVisaOffice, haven.OrgSettlementOrganisation} {
		b := f.browser(t)
		home := b.signIn(f.users[kind])
		if !strings.Contains(home, `href="/cases?safety=yes"`) {
			t.Fatalf("%s: the home page has no way to the safety concerns:\n%s", kind, home)
		}
		r, body := b.get("/cases?safety=yes")
		checkPage(t, r, body)
		if r.StatusCode != 200 || !strings.Contains(body, string(worried.ID)) || strings.Contains(body, string(calm.ID)) {
			t.Fatalf("%s: the safety concerns list: %d\n%s", kind, r.StatusCode, body)
		}
		_, body = b.get("/cases")
		if !strings.Contains(body, string(calm.ID)) {
			t.Fatalf("%s: the whole list lacks a case", kind)
		}
		// The settlement organisation, which has no filter form, is
		// offered the safety concerns alone from its list.
		if kind == haven.OrgSettlementOrganisation && !strings.Contains(body, `<a href="/cases?safety=yes">`) {
			t.Fatalf("the settlement organisation's list offers no way to the safety concerns:\n%s", body)
		}
		if r, _ := b.get("/cases?safety=maybe"); r.StatusCode != http.StatusBadRequest {
			t.Fatalf("%s: a bad safety value: %d", kind, r.StatusCode)
		}
	}
	b := f.browser(t)
	b.signIn(f.users[haven.OrgReferralPartner])
	if r, body := b.get("/cases?safety=yes"); r.StatusCode != http.StatusForbidden || strings.Contains(body, string(worried.ID)) {
		t.Fatalf("the referring partner asking for safety concerns: %d", r.StatusCode)
	}
}

// TestPlanFormsReportEveryProblem: a milestone's and a follow-up's forms
// report every problem in one pass, each beside its field: a date or a
// status the page cannot read no longer hides the notes a judgement
// requires, or notes too long. In English and French.
func TestPlanFormsReportEveryProblem(t *testing.T) {
	for _, lang := range []string{"en", "fr"} {
		t.Run(lang, func(t *testing.T) {
			words := map[string]map[string]string{
				"en": {"month13": "There is no month 13", "february": "February 2026 has 28 days", "required": "Enter an answer",
					"long": "This answer is too long: use at most 5,000 characters; you typed 5,001"},
				"fr": {"month13": "Il n'y a pas de mois 13", "february": "Février 2026 compte 28 jours", "required": "Saisissez une réponse",
					"long": "Cette réponse est trop longue : utilisez au plus 5\u00a0000 caractères ; vous en avez saisi 5\u00a0001"},
			}[lang]
			f := newFixture(t, false)
			c := f.placedCase(t, "Ensemble")
			path := "/cases/" + string(c.ID)
			visa := f.users[haven.OrgVisaOffice].actor
			arrived := haven.DateOf(f.clock.Now())
			must(f.app.Cases.BookTravel(f.ctx, visa, c.ID, &haven.Travel{Date: arrived}))
			must(f.app.Cases.RecordArrival(f.ctx, visa, c.ID, &haven.Arrival{Date: arrived, PortOfEntry: "YWG"}))
			b := f.browser(t)
			b.get("/signin?lang=" + lang)
			b.signIn(f.users[haven.OrgSettlementOrganisation])
			check := func(name, action string, set url.Values, links []string, says ...string) {
				t.Helper()
				b.get(action)
				r, body := b.fill(action, set, "")
				got := errorLinks(body)
				slices.Sort(got)
				if r.StatusCode != http.StatusBadRequest || !slices.Equal(got, links) {
					t.Fatalf("%s: %d, the summary links %v, want %v\n%s", name, r.StatusCode, got, links, text(body))
				}
				for _, id := range links {
					if !strings.Contains(body, `id="`+id+`-error"`) {
						t.Fatalf("%s: no message beside %s", name, id)
					}
				}
				for _, s := range says {
					if !strings.Contains(text(body), s) {
						t.Fatalf("%s: the page does not say %q\n%s", name, s, text(body))
					}
				}
			}
			check("not needed, no notes, a month 13", path+"/plan/housing", url.Values{"status": {"not_needed"}, "target": {"2026-13-01"}, "notes": {""}},
				[]string{"notes", "target"}, words["month13"], words["required"])
			check("no status, February 30, notes too long", path+"/plan/housing", url.Values{"status": nil, "completed": {"2026-02-30"}, "notes": {strings.Repeat("x", 5001)}},
				[]string{"completed", "notes", "status"}, words["february"], words["long"])
			check("a month 13 and a safety concern without notes", path+"/follow-ups/1", url.Values{"held": {"2026-13-01"}, "safety_concern": {"yes"}, "notes": {""}},
				[]string{"held", "notes"}, words["month13"], words["required"])
			if got := must(f.app.Cases.FindCaseByID(f.ctx, visa, c.ID)); got.Plan.Milestone(haven.MilestoneHousing).Status != haven.MilestoneNotStarted {
				t.Fatalf("a refused milestone was written: %+v", got.Plan.Milestone(haven.MilestoneHousing))
			}
		})
	}
}
