package browser_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/havenhrd/haven"
)

// The emergency track through the pages, over the days it takes: the
// fixture's clock is moved ahead to each day's work (and the watchers run
// every hour of the way), and every person signs in again each day.

// emergencyWords are the words of the emergency track's pages, beside the
// journey's catalogue.
var emergencyWords = map[string]words{
	"en": {
		"partner.home.refer":                 "Refer a family",
		"case.submission_priority":           "Submission priority",
		"case.processing_priority":           "Processing priority",
		"priority.emergency":                 "Emergency",
		"approve.emergency":                  "Approve on the emergency track",
		"visakind.temporary_resident_permit": "Temporary resident permit",
	},
	"fr": {
		"partner.home.refer":                 "Aiguiller une famille",
		"case.submission_priority":           "Priorité de présentation",
		"case.processing_priority":           "Priorité de traitement",
		"priority.emergency":                 "Urgence vitale",
		"approve.emergency":                  "Approuver sur la voie d'urgence",
		"visakind.temporary_resident_permit": "Permis de séjour temporaire",
	},
}

func init() {
	for lang, ws := range emergencyWords {
		for k, v := range ws {
			if _, ok := catalogue[lang][k]; !ok {
				catalogue[lang][k] = v
			}
		}
	}
}

// TestEmergencyJourney follows an emergency referral from UNHCR to the
// family's arrival, through the pages, in English and then in French, on
// the default rules' emergency track: a target of 7 days, and stage
// budgets of 1, 2, 3 and 1 days. UNHCR refers the couple on day 0
// at 09:00; the visa officer opens the file at 14:00; on day 1 the officer
// finds them eligible, starts the admissibility checks and assigns them;
// on day 2 the screening partner records the criminality checks (security
// screening goes on); on day 3 the medical partner records the medicals,
// and at 13:00 the officer, with security still outstanding, approves the case on
// the emergency track (a temporary resident permit) and books the earliest
// transport, for day 4, when the family's arrival is recorded. The case
// page's panel gives each stage's deadline and the target date, as the
// rules set them from the referral; no notice falls due on the way; every
// page visited passes axe-core's WCAG 2.1 A and AA rules.
func TestEmergencyJourney(t *testing.T) {
	k := needBrowser(t)
	f := newFixture(t)
	browser := startChromium(t, k)
	// Day 0 is tomorrow (UTC): the clock moves ahead to each day's work,
	// never back. The French journey starts a week after the English one.
	base := haven.DateOf(f.clock.Now()).AddDays(1).Time()
	for i, lang := range []string{"en", "fr"} {
		t.Run(lang, func(t *testing.T) {
			began := time.Now()
			j := &journey{t: t, lang: lang, w: catalogue[lang], kit: k, f: f, browser: browser, violations: map[string][]violation{}}
			defer func() { t.Logf("[%s] emergency journey took %s", lang, time.Since(began).Round(time.Millisecond)) }()
			defer j.report()
			// A couple: the defender and her husband.
			fam := newFamily([]string{"Karimi", "Sadeghi"}[i], "")
			fam.given = fam.given[:2]
			e := &emergency{j: j, day0: base.AddDate(0, 0, 7*i)}
			e.run(fam, fmt.Sprintf("UNH-EMG-%05d", i+1))
		})
	}
}

// emergency is one journey on the emergency track, and its calendar.
type emergency struct {
	j    *journey
	day0 time.Time // midnight before the referral
}

// date is day n of the track.
func (e *emergency) date(n int) haven.Date { return haven.DateOf(e.day0).AddDays(n) }

// to moves Haven's clock to hour h of day d, running the watchers every
// hour of the way, and fails if a notice about a case falls due: the case
// is on time. (The first administrator's enrolment link, never used, may
// expire on the way; it is no case's.)
func (e *emergency) to(d, h int) {
	t, f := e.j.t, e.j.f
	t.Helper()
	when := e.day0.Add(time.Duration(d*24+h) * time.Hour)
	for f.clock.Now().Before(when) {
		next := f.clock.Now().Add(time.Hour)
		if next.After(when) {
			next = when
		}
		f.clock.set(next)
		for _, w := range must(f.app.Notices.DueWatches(f.ctx)) {
			if must(f.app.Notices.Fire(f.ctx, w)) && w.Kind != haven.NoticeEnrolmentExpiring {
				t.Fatalf("at %s, a notice fell due: %s", f.clock.Now().Format(time.DateTime), w.Kind)
			}
		}
	}
	e.j.step("the clock moves to day %d, %02d:00 (%s)", d, h, f.clock.Now().Format(time.DateTime))
}

// rules makes sure the years the journey spans have rules.
func (e *emergency) rules() {
	f := e.j.f
	for _, y := range []int{e.day0.Year(), e.day0.AddDate(0, 0, 14).Year()} {
		if _, err := f.app.Programme.FindRules(f.ctx, f.admin, y); haven.ErrorCodeOf(err) == haven.ENOTFOUND {
			if err := f.app.Programme.SetRules(f.ctx, f.admin, haven.DefaultRules(y)); err != nil {
				e.j.t.Fatal(err)
			}
		} else if err != nil {
			e.j.t.Fatal(err)
		}
	}
}

func (e *emergency) run(fam family, unhcrNumber string) {
	j, t, f, w := e.j, e.j.t, e.j.f, e.j.w
	e.rules()
	visa := f.enrol(t, haven.OrgVisaOffice, "emergency-visa-"+j.lang)
	unhcr := f.enrol(t, haven.OrgReferralPartner, "emergency-unhcr-"+j.lang)
	screening := f.enrol(t, haven.OrgScreeningPartner, "emergency-screening-"+j.lang)
	medical := f.enrol(t, haven.OrgMedicalPartner, "emergency-medical-"+j.lang)

	// Day 0, 09:00: UNHCR refers the family, emergency priority.
	e.to(0, 9)
	c := &haven.Case{ID: e.refer(unhcr, fam, unhcrNumber)}
	id := j.ref(c.ID)
	caseHeading := w.of("case.title") + " " + id
	target := e.date(7)

	// Day 0, 14:00: the visa officer finds the case in the work queue,
	// due to be opened by day 1, and opens the file.
	e.to(0, 14)
	o := e.visaOfficer(visa, "day 0")
	j.step("the visa officer opens the work queue")
	o.follow(w.of("nav.queue"))
	o.expect(w.of("queue.title"), id, w.of("state.referred"))
	if got := o.cell(id, w.of("queue.due")); len(got) < 10 || got[:10] != e.date(1).String() {
		o.fatalf("the row of %s is due %q, want %s", id, got, e.date(1))
	}
	o.screenshot("emergency-queue")
	j.step("the visa officer opens case %s", id)
	o.follow(id)
	o.expect(caseHeading, o.stateLine("state.referred"), w.of("priority.emergency"), fam.surname+", "+fam.given[0])
	o.expectMarking()
	o.expectDue(e.date(1), target)
	o.screenshot("emergency-referred")
	o.act("act.open_file", "done.open_file", "state.file_created", visa, c.ID, haven.StateFileCreated)
	o.expectDue(e.date(2), target)

	// Day 1, 09:00: eligible; the admissibility checks started and
	// assigned to both partners.
	e.to(1, 9)
	o = e.visaOfficer(visa, "day 1")
	e.openCase(o, id, "state.file_created")
	o.expectDue(e.date(2), target)
	o.act("act.start_eligibility", "done.start_eligibility", "state.eligibility_review", visa, c.ID, haven.StateEligibilityReview)
	j.step("the visa officer fills in the eligibility assessment")
	for _, finding := range []string{"assessment.outside_country", "assessment.well_founded_fear", "assessment.no_internal_flight",
		"assessment.no_durable_solution", "assessment.interviewed", "ground.political_opinion"} {
		o.tick(w.of(finding))
	}
	o.fill(w.of("assessment.notes"), "Credible; arrest imminent, the emergency track.")
	o.act("act.assessment", "done.eligible", "state.eligible", visa, c.ID, haven.StateEligible)
	o.expectDue(e.date(4), target)
	o.act("act.start_admissibility", "done.start_admissibility", "state.admissibility_in_progress", visa, c.ID, haven.StateAdmissibilityInProgress)
	o.assignChecks(screening, fam, c.ID)
	o.assignChecks(medical, fam, c.ID)
	o.expectDue(e.date(4), target)
	o.screenshot("emergency-checks-assigned")

	// Day 2, 08:00: the criminality checks; security screening goes on.
	// (Each day's work comes less than 24 hours after the last: an
	// emergency no one moves for 24 hours is escalated.)
	e.to(2, 8)
	e.recordChecks(screening, fam, "checkkind.criminality")

	// Day 3, 07:00: the medicals. 13:00: security is still outstanding;
	// the officer approves on the emergency track and books the earliest
	// transport.
	e.to(3, 7)
	e.recordChecks(medical, fam, "")
	e.to(3, 13)
	o = e.visaOfficer(visa, "day 3")
	e.openCase(o, id, "state.admissibility_in_progress")
	o.expect(caseHeading, w.of("checks.caption"))
	o.expectDue(e.date(4), target)
	for _, m := range must(f.app.Cases.FindCaseByID(f.ctx, visa.actor, c.ID)).Travellers() {
		if must(f.app.Cases.FindCaseByID(f.ctx, visa.actor, c.ID)).LatestCheck(m.ID, haven.CheckSecurity) != nil {
			o.fatalf("a security check is in: the journey approves without one")
		}
	}
	j.step("the visa officer goes to the approval's confirmation page")
	o.follow(w.of("act.approve"))
	o.expect(w.of("approve.title"), fmt.Sprintf(w.of("approve.reserves"), len(fam.given)), w.of("approve.emergency"))
	j.step("the visa officer approves on the emergency track, this year")
	o.tick(w.of("approve.this_year"))
	o.tick(w.of("approve.emergency"))
	o.screenshot("emergency-approve")
	o.press(w.of("approve.confirm"), "", 200)
	o.expect(caseHeading, w.of("done.approve"), o.stateLine("state.approved"), w.of("visakind.temporary_resident_permit"))
	o.crossCheck(visa, c.ID, haven.StateApproved)
	if got := must(f.app.Cases.FindCaseByID(f.ctx, visa.actor, c.ID)).VisaKind; got != haven.VisaTemporaryPermit {
		o.fatalf("the app has the case approved on %q", got)
	}
	o.expectDue(e.date(4), target)
	o.screenshot("emergency-approved")
	j.step("the visa officer books the earliest transport, for day 4 (%s)", e.date(4))
	o.fill(w.of("travel.date"), e.date(4).String())
	o.fill(w.of("travel.itinerary"), "IST-YYZ, the earliest seat; met at arrivals")
	o.tick(w.of("travel.loan_accepted"))
	o.act("act.travel", "done.travel", "state.travel_booked", visa, c.ID, haven.StateTravelBooked)
	o.expect(caseHeading, e.date(4).String())
	o.expectDue(e.date(4), target)
	o.screenshot("emergency-travel")

	// Day 4, 06:00: the family has arrived, three days before the target.
	e.to(4, 6)
	o = e.visaOfficer(visa, "day 4")
	e.openCase(o, id, "state.travel_booked")
	j.step("the visa officer fills in the arrival")
	o.fill(w.of("arrival.date"), e.date(4).String())
	o.fill(w.of("arrival.port"), "YYZ")
	o.act("act.arrival", "done.arrival", "state.arrived", visa, c.ID, haven.StateArrived)
	o.expect(caseHeading, "YYZ")
	if eval[bool](o, `document.querySelector('#clock #due') !== null`) {
		o.fatalf("the panel of an arrived family gives a deadline")
	}
	o.screenshot("emergency-arrived")
	got := must(f.app.Cases.FindCaseByID(f.ctx, visa.actor, c.ID))
	if got.Travel == nil || got.Travel.Date.After(got.TargetDate) || got.TargetDate != target {
		o.fatalf("departed on %v, target %s (want %s)", got.Travel, got.TargetDate, target)
	}

	// A day later: the family is in Canada, and nothing falls due.
	e.to(5, 12)
}

// visaOfficer signs the visa officer in, in a browser context of the day.
func (e *emergency) visaOfficer(visa *user, day string) *session {
	o := e.j.open("visa officer (" + day + ")")
	o.firstPage()
	o.signIn(visa, false)
	return o
}

// openCase opens the case from the work queue.
func (e *emergency) openCase(o *session, id, state string) {
	o.t.Helper()
	w := e.j.w
	e.j.step("the visa officer opens case %s from the work queue", id)
	o.follow(w.of("nav.queue"))
	o.follow(id)
	o.expect(w.of("case.title")+" "+id, o.stateLine(state))
}

// refer: the UNHCR caseworker refers the family, emergency priority, from
// their own caseload, page by page. It returns the case's ID.
func (e *emergency) refer(unhcr *user, fam family, unhcrNumber string) haven.ID {
	j, w := e.j, e.j.w
	u := j.open("UNHCR caseworker")
	u.firstPage()
	u.signIn(unhcr, false)
	j.step("the UNHCR caseworker follows %q", w.of("partner.home.refer"))
	u.follow(w.of("partner.home.refer"))
	u.expect(w.of("partner.refer.case"))
	j.step("the UNHCR caseworker fills in the UNHCR case number, the emergency priorities, the countries and the family's size")
	u.fill(w.of("case.unhcr_number"), unhcrNumber)
	u.tickIn(w.of("case.submission_priority"), w.of("priority.emergency"))
	u.tickIn(w.of("case.processing_priority"), w.of("priority.emergency"))
	u.fill(w.of("partner.f.nationality_countries"), w.of("name.iran"))
	u.fill(w.of("case.asylum_country"), w.of("name.turkiye"))
	u.fill(w.of("partner.ref.members"), fmt.Sprint(len(fam.given)))
	u.screenshot("emergency-refer-case")
	u.next(w.of("partner.refer.claim"))
	u.choose(w.of("case.primary_category"), w.of("category.legal_physical_protection"))
	u.fill(w.of("narrative.justification"), "Detained twice for reporting; a further arrest is imminent.")
	u.tick(w.of("ground.political_opinion"))
	u.tick(w.of("ground.particular_social_group"))
	u.tick(w.of("socialgroup.human_rights_defenders"))
	u.fill(w.of("narrative.account"), fam.account)
	u.next(w.of("partner.refer.principal"))
	j.step("the UNHCR caseworker fills in the principal applicant, %s %s", fam.given[0], fam.surname)
	u.fill(w.of("partner.f.family_name"), fam.surname)
	u.fill(w.of("partner.f.given_names"), fam.given[0])
	u.fill(w.of("family.date_of_birth"), "1984-04-02")
	u.tick(w.of("sex.female"))
	u.fill(w.of("family.nationalities"), w.of("name.iran"))
	u.fill(w.of("family.languages"), w.of("name.persian"))
	u.fill(w.of("family.whereabouts"), fam.whereabouts)
	u.next(w.of("partner.refer.family"))
	rels := []string{"relationship.spouse", "relationship.child", "relationship.child"}
	born := []string{"1982-09-14", "2012-01-30", "2016-06-08"}
	sex := []string{"sex.male", "sex.female", "sex.male"}
	for i, given := range fam.given[1:] {
		person := fmt.Sprintf(w.of("partner.ref.person"), i+2)
		j.step("the UNHCR caseworker fills in %s, %s %s, who shares the principal applicant's details", person, given, fam.surname)
		u.chooseIn(person, w.of("family.relationship"), w.of(rels[i]))
		u.fillIn(person, w.of("partner.f.family_name"), fam.surname)
		u.fillIn(person, w.of("partner.f.given_names"), given)
		u.fillIn(person, w.of("family.date_of_birth"), born[i])
		u.tickIn(person, w.of(sex[i]))
		u.tickIn(person, w.of("common.yes"))
	}
	u.next(w.of("partner.refer.check"))
	u.expect(w.of("partner.refer.check"), unhcrNumber, w.of("priority.emergency"), fam.surname, fam.given[0], fam.given[1])
	u.screenshot("emergency-refer-check")
	j.step("the UNHCR caseworker refers the family")
	u.press(w.of("partner.refer.send"), "", 200)
	id := u.idIn("/cases/")
	u.expect(w.of("case.title")+" "+j.learnRef(unhcr.actor, id), u.stateLine("state.referred"))
	u.expectNotice("partner.done.referred")
	u.expectMarking()
	u.screenshot("emergency-referred-unhcr")
	return id
}

// recordChecks: the screening partner records a passed check of kind (the
// medical partner, kind "", a passed medical) for each traveller, on the
// family's form.
func (e *emergency) recordChecks(partner *user, fam family, kind string) {
	j, w := e.j, e.j.w
	who := map[haven.OrgKind]string{haven.OrgScreeningPartner: "screening partner", haven.OrgMedicalPartner: "medical partner"}[partner.org.Kind]
	s := j.open(who)
	s.firstPage()
	s.signIn(partner, false)
	j.step("the %s opens the checks assigned to them", who)
	s.follow(w.of("partner.home.checks"))
	s.expect(w.of("partner.checks.title"), fam.surname+", "+fam.given[0])
	title := "partner.family.title_screening"
	if kind == "" {
		title, kind = "partner.family.title_medical", "checkkind.medical"
	}
	first := fam.surname + ", " + fam.given[0]
	j.step("the %s opens the family's form", who)
	s.follow(w.of("partner.checks.record_family") + " – " + first)
	s.expect(w.of(title), first)
	recordFamily(j, s, who, fam, []string{kind}, e.date(3).AddDays(365).String())
	s.screenshot("emergency-" + dash(who) + "-check")
	s.press(w.of("partner.family.record"), "", 200)
	s.expect(w.of("partner.checks.title"))
	s.expectNotice("partner.done.checks")
}

// tickIn checks the radio button or checkbox labelled label in the
// fieldset whose legend says legend: the page has one of that label in
// each of several fieldsets.
func (s *session) tickIn(legend, label string) {
	s.t.Helper()
	js := fmt.Sprintf(`(() => {
		const norm = s => (s || '').replace(/\s+/g, ' ').trim();
		const sets = [...document.querySelectorAll('fieldset')].filter(f => f.querySelector('legend') && norm(f.querySelector('legend').textContent) === %q);
		if (sets.length !== 1) return 'fieldsets: ' + sets.length;
		const cs = [...sets[0].querySelectorAll('label')].filter(l => norm(l.textContent) === %q).map(l => l.control).filter(Boolean);
		if (cs.length !== 1) return 'controls: ' + cs.length;
		cs[0].click();
		return cs[0].checked ? '' : 'not checked';
	})()`, legend, label)
	if got := eval[string](s, js); got != "" {
		s.fatalf("tick %q in %q: %s", label, legend, got)
	}
	s.filled++
}
