package browser_test

import (
	"encoding/json"
	"fmt"
	"regexp"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/havenhrd/haven"
)

// The partners' part of the journey, through their pages: the protection
// partner's nomination, the UNHCR user's review and referral of the
// family from it, the visa officer's assignment of the checks, and the
// screening and medical partners' checks.

// expectValue fails unless the field labelled label holds value.
func (s *session) expectValue(label, value string) {
	s.t.Helper()
	if got := eval[string](s, string(s.find("control", label, ""))+`.value`); got != value {
		s.fatalf("the field %q holds %q, want %q", label, got, value)
	}
}

// findIn returns the selector of the one form control labelled label in
// the fieldset whose legend says legend: the page has one of that label
// in each of several fieldsets.
func (s *session) findIn(legend, label string) chromedp.JSPath {
	s.t.Helper()
	args := must(json.Marshal([]string{legend, label}))
	call := `((legend, want) => {
		const norm = s => (s || '').replace(/\s+/g, ' ').trim();
		const sets = [...document.querySelectorAll('fieldset')].filter(f => f.querySelector('legend') && norm(f.querySelector('legend').textContent) === legend);
		if (sets.length !== 1) return [];
		return [...sets[0].querySelectorAll('label')].filter(l => norm(l.textContent) === want).map(l => l.control).filter(Boolean);
	})(...` + string(args) + `)`
	if n := eval[int](s, call+`.length`); n != 1 {
		s.fatalf("%d controls say %q in %q, want 1", n, label, legend)
	}
	return chromedp.JSPath(call + `[0]`)
}

// fillIn types value into the field labelled label in the fieldset of
// legend.
func (s *session) fillIn(legend, label, value string) {
	s.t.Helper()
	el := s.findIn(legend, label)
	if eval[string](s, string(el)+`.value`) != "" {
		s.do("clear "+label, chromedp.Clear(el))
	}
	s.do("fill "+label, chromedp.SendKeys(el, value))
	s.filled++
	if got := eval[string](s, string(el)+`.value`); got != value {
		s.fatalf("the field %q of %q holds %q after typing %q", label, legend, got, value)
	}
}

// chooseIn picks option in the list labelled label in the fieldset of
// legend.
func (s *session) chooseIn(legend, label, option string) {
	s.t.Helper()
	el := s.findIn(legend, label)
	args := must(json.Marshal(option))
	value := eval[*string](s, `[...`+string(el)+`.options].filter(o => o.text.replace(/\s+/g, ' ').trim() === `+string(args)+`).map(o => o.value)[0]`)
	if value == nil {
		s.fatalf("the list %q of %q has no option %q", label, legend, option)
	}
	s.do("choose "+option, chromedp.SetValue(el, *value))
	s.filled++
}

// idIn returns the ID the current page's address names after prefix.
func (s *session) idIn(prefix string) haven.ID {
	s.t.Helper()
	m := regexp.MustCompile(`^` + regexp.QuoteMeta(prefix) + `([a-z]+_[a-z0-9]+)(?:\?.*)?$`).FindStringSubmatch(s.url)
	if m == nil {
		s.fatalf("the address does not name an ID after %s", prefix)
	}
	return haven.ID(m[1])
}

// expectNotice fails unless the page's notice says the words of done.
func (s *session) expectNotice(done string) {
	s.t.Helper()
	if n := s.notice(); n != s.j.w.of(done) {
		s.fatalf("the notice says %q, want %q", n, s.j.w.of(done))
	}
}

// next presses a multi-page form's "Continue" and checks the page it leads
// to by its heading.
func (s *session) next(heading string) {
	s.t.Helper()
	s.j.step("the %s presses %q", s.who, s.j.w.of("partner.flow.continue"))
	s.press(s.j.w.of("partner.flow.continue"), "", 200)
	s.expect(heading)
}

// nominate: the protection partner nominates the family's principal
// applicant, a defender, through "Nominate a defender", and sends it to
// the referral partner; opens the withdrawal page and cancels; and looks
// at its own sign-in factors. It returns the nomination's ID.
func (j *journey) nominate(prot *user, fam family) haven.ID {
	w := j.w
	p := j.open("protection partner")
	p.firstPage()
	p.signIn(prot, false)
	j.step("the protection partner opens their nominations")
	p.follow(w.of("partner.home.nominations"))
	j.step("the protection partner starts a nomination")
	p.follow(w.of("partner.nominate.start"))
	p.expect(w.of("partner.nominate.defender"))
	p.expectMarking()
	p.screenshot("nominate-defender")
	defender := fam.given[0] + " " + fam.surname
	j.step("the protection partner fills in who the defender is")
	p.fill(w.of("partner.nom.defender_name"), defender)
	p.fill(w.of("family.contact"), "+90 555 010 0000")
	p.fill(w.of("family.whereabouts"), fam.whereabouts)
	p.next(w.of("partner.nominate.countries"))
	j.step("the protection partner fills in the countries and the family's size")
	p.fill(w.of("partner.f.nationality_countries"), "IR")
	p.fill(w.of("case.asylum_country"), "TR")
	p.fill(w.of("partner.nom.family_size"), "4")
	p.next(w.of("partner.nominate.work"))
	j.step("the protection partner fills in the defender's work")
	p.tick(w.of("workarea.journalism"))
	p.fill(w.of("profile.organisations"), "Independent press collective")
	p.next(w.of("partner.nominate.threat") + " 1")
	j.step("the protection partner fills in a threat")
	p.choose(w.of("threat.type"), w.of("threat.arbitrary_detention"))
	p.choose(w.of("threat.perpetrator"), w.of("perpetrator.state"))
	p.fill(w.of("threat.date"), "2025-11-03")
	p.fill(w.of("threat.place"), "Tehran")
	p.fill(w.of("threat.description"), "Held forty days without charge.")
	p.next(w.of("partner.nominate.threats"))
	j.step("the protection partner adds no other threat")
	p.tick(w.of("common.no"))
	p.next(w.of("partner.nominate.risk"))
	j.step("the protection partner fills in the risk and the priority")
	p.fill(w.of("partner.nom.risk_assessment"), "Detained twice for reporting; a further arrest is imminent.")
	p.tick(w.of("priority.urgent"))
	p.next(w.of("partner.nominate.partner"))
	j.step("the protection partner chooses %s", j.f.orgs[haven.OrgReferralPartner].Name)
	p.tick(j.f.orgs[haven.OrgReferralPartner].Name)
	p.next(w.of("partner.nominate.check"))
	p.expect(w.of("partner.nominate.check"), defender, fam.whereabouts, w.of("threat.arbitrary_detention"), "Tehran",
		w.of("workarea.journalism"), w.of("priority.urgent"), j.f.orgs[haven.OrgReferralPartner].Name)
	p.screenshot("nominate-check")
	j.step("the protection partner sends the nomination")
	p.press(w.of("partner.nominate.send"), "", 200)
	id := p.idIn("/nominations/")
	p.expect(w.of("partner.nomination.title")+" "+string(id), w.of("partner.nomstate.submitted"), defender)
	p.expectNotice("partner.done.sent")
	p.screenshot("nomination-sent")

	j.step("the protection partner opens the withdrawal page, reads what would happen, and cancels")
	p.follow(w.of("partner.nomination.withdraw"))
	p.expect(w.of("partner.nomination_withdraw.title"), string(id), w.of("partner.nomination_withdraw.final"))
	p.expectMarking()
	p.screenshot("nomination-withdraw")
	p.follow(w.of("confirm.cancel"))
	p.expect(w.of("partner.nomination.title")+" "+string(id), w.of("partner.nomstate.submitted"))

	j.step("the protection partner looks at their own sign-in factors")
	p.follow(w.of("nav.account"))
	p.expect(w.of("account.title"), w.of("account.factors.passkeys"), w.of("account.factors.totp"), w.of("account.factors.recovery"))
	p.screenshot("account")
	return id
}

// referFromNomination: the UNHCR user reviews the nomination in the inbox
// and refers the family of four from it, person by person. It returns the
// case's ID.
func (j *journey) referFromNomination(unhcr *user, nom haven.ID, fam family, unhcrNumber string) haven.ID {
	w := j.w
	u := j.open("UNHCR caseworker")
	u.firstPage()
	u.signIn(unhcr, false)
	j.step("the UNHCR caseworker opens the nominations addressed to them")
	u.follow(w.of("partner.home.inbox"))
	u.expect(w.of("partner.inbox.title"), string(nom), j.f.orgs[haven.OrgProtectionPartner].Name)
	u.screenshot("inbox")
	j.step("the UNHCR caseworker opens nomination %s", nom)
	u.follow(string(nom))
	heading := w.of("partner.nomination.title") + " " + string(nom)
	u.expect(heading, w.of("partner.nomstate.submitted"), fam.given[0]+" "+fam.surname)
	u.expectMarking()
	u.screenshot("nomination")
	j.step("the UNHCR caseworker presses %q", w.of("partner.nomination.review"))
	u.press(w.of("partner.nomination.review"), "", 200)
	u.expect(heading, w.of("partner.nomstate.under_review"))
	u.expectNotice("partner.done.review")

	j.step("the UNHCR caseworker follows %q", w.of("partner.nomination.refer"))
	loads, filled := u.loads, u.filled
	u.counting = true
	u.follow(w.of("partner.nomination.refer"))
	u.expect(w.of("partner.refer.case"), string(nom), fmt.Sprintf(w.of("partner.refer.step"), 1, 5))
	u.screenshot("refer-case")
	j.step("the UNHCR caseworker finds the countries, the priorities and the family's size carried from the nomination, by name")
	u.expectValue(w.of("partner.f.nationality_countries"), w.of("name.iran"))
	u.expectValue(w.of("case.asylum_country"), w.of("name.turkiye"))
	u.expectValue(w.of("partner.ref.members"), "4")
	j.step("the UNHCR caseworker fills in the UNHCR case number")
	u.fill(w.of("case.unhcr_number"), unhcrNumber)
	u.next(w.of("partner.refer.claim"))
	u.expect(w.of("partner.refer.claim"), fmt.Sprintf(w.of("partner.refer.step"), 2, 5))
	j.step("the UNHCR caseworker fills in the submission category, the Convention grounds and the persecution account")
	u.choose(w.of("case.primary_category"), w.of("category.legal_physical_protection"))
	u.fill(w.of("narrative.justification"), "Detained twice for reporting; a further arrest is imminent.")
	u.tick(w.of("ground.political_opinion"))
	u.tick(w.of("ground.particular_social_group"))
	u.tick(w.of("socialgroup.human_rights_defenders"))
	u.fill(w.of("narrative.account"), fam.account)
	u.screenshot("refer-claim")
	u.next(w.of("partner.refer.principal"))
	u.expect(w.of("partner.refer.principal"), fmt.Sprintf(w.of("partner.refer.step"), 3, 5))

	j.step("the UNHCR caseworker finds the defender's name carried from the nomination, and fills in the rest of %s %s", fam.given[0], fam.surname)
	u.expectValue(w.of("partner.f.family_name"), fam.surname)
	u.expectValue(w.of("partner.f.given_names"), fam.given[0])
	u.fill(w.of("family.date_of_birth"), "1984-04-02")
	u.tick(w.of("sex.female"))
	u.fill(w.of("family.languages"), w.of("name.persian"))
	u.fill(w.of("family.contact"), "+90 555 010 0000")
	u.screenshot("refer-principal")
	u.next(w.of("partner.refer.family"))
	u.expect(w.of("partner.refer.family"), fmt.Sprintf(w.of("partner.refer.step"), 4, 5))

	rels := []string{"relationship.spouse", "relationship.child", "relationship.child"}
	born := []string{"1982-09-14", "2012-01-30", "2016-06-08"}
	sex := []string{"sex.male", "sex.female", "sex.male"}
	for i, given := range fam.given[1:] {
		person := fmt.Sprintf(w.of("partner.ref.person"), i+2)
		j.step("the UNHCR caseworker fills in %s, %s %s, who shares the principal applicant's contact details, whereabouts, nationality and languages", person, given, fam.surname)
		u.chooseIn(person, w.of("family.relationship"), w.of(rels[i]))
		u.fillIn(person, w.of("partner.f.family_name"), fam.surname)
		u.fillIn(person, w.of("partner.f.given_names"), given)
		u.fillIn(person, w.of("family.date_of_birth"), born[i])
		u.tickIn(person, w.of(sex[i]))
		u.tickIn(person, w.of("common.yes"))
	}
	u.screenshot("refer-family")
	u.next(w.of("partner.refer.check"))
	want := []string{unhcrNumber, fam.account, fam.given[0] + " " + fam.surname, fam.whereabouts, "+90 555 010 0000", fmt.Sprintf(w.of("partner.refer.step"), 5, 5)}
	want = append(want, fam.given...)
	u.expect(w.of("partner.refer.check"), want...)
	u.screenshot("refer-check")
	j.step("the UNHCR caseworker refers the family")
	pages, shown := u.loads-loads, u.shown
	u.counting = false
	u.press(w.of("partner.refer.send"), "", 200)
	j.t.Logf("[%s] a family of four is referred in %d pages, which ask %d answers; %d filled in", j.lang, pages, shown, u.filled-filled)
	if pages > 6 {
		u.fatalf("a family of four is referred in %d pages, want at most 6", pages)
	}
	id := u.idIn("/cases/")
	u.expect(w.of("case.title")+" "+j.learnRef(unhcr.actor, id), u.stateLine("state.referred"))
	u.expectNotice("partner.done.referred")
	u.expectMarking()
	return id
}

// assignChecks: the visa officer assigns every traveller to the partner
// through the case page's form.
func (s *session) assignChecks(partner *user, fam family, id haven.ID) {
	s.t.Helper()
	w := s.j.w
	kind := map[haven.OrgKind]string{haven.OrgScreeningPartner: "orgkind.screening_partner", haven.OrgMedicalPartner: "orgkind.medical_partner"}
	rels := []string{"relationship.principal", "relationship.spouse", "relationship.child", "relationship.child"}
	s.j.step("the %s assigns the travellers to %s", s.who, partner.org.Name)
	s.choose(w.of("partner.assign.org"), partner.org.Name+" ("+w.of(kind[partner.org.Kind])+")")
	for i, given := range fam.given {
		s.tick(fam.surname + ", " + given + " – " + w.of(rels[i]))
	}
	s.j.step("the %s presses %q", s.who, w.of("partner.acts.assign"))
	s.press(w.of("partner.acts.assign"), "", 200)
	s.expect(w.of("case.title")+" "+s.j.ref(id), s.stateLine("state.admissibility_in_progress"))
	s.expectNotice("partner.done.assign_checks")
}

// recordChecks: the screening or medical partner signs in and records a
// passed check of each kind for each traveller, through /checks: the
// whole family on one form, sent once.
func (j *journey) recordChecks(partner *user, fam family) {
	w := j.w
	who := map[haven.OrgKind]string{haven.OrgScreeningPartner: "screening partner", haven.OrgMedicalPartner: "medical partner"}[partner.org.Kind]
	medical := partner.org.Kind == haven.OrgMedicalPartner
	s := j.open(who)
	s.firstPage()
	s.signIn(partner, false)
	j.step("the %s opens the checks assigned to them", who)
	s.follow(w.of("partner.home.checks"))
	s.expect(w.of("partner.checks.title"), fam.surname+", "+fam.given[0])
	s.screenshot(dash(who) + "-checks")
	kinds, title := []string{"checkkind.security", "checkkind.criminality"}, "partner.family.title_screening"
	if medical {
		kinds, title = []string{"checkkind.medical"}, "partner.family.title_medical"
	}
	first := fam.surname + ", " + fam.given[0]
	j.step("the %s opens the family's form from %s's row", who, first)
	s.follow(w.of("partner.checks.record_family") + " – " + first)
	s.expect(w.of(title), first)
	recordFamily(j, s, who, fam, kinds, haven.DateOf(time.Now().AddDate(1, 0, 0)).String())
	s.screenshot(dash(who) + "-check")
	j.step("the %s records the family's results at once", who)
	s.press(w.of("partner.family.record"), "", 200)
	s.expect(w.of("partner.checks.title"))
	s.expectNotice("partner.done.checks")
	s.screenshot(dash(who) + "-checks-done")
}

// recordFamily fills the family form: a passed check of each kind for
// each traveller, a medical with its expiry and details.
func recordFamily(j *journey, s *session, who string, fam family, kinds []string, valid string) {
	w := j.w
	for _, given := range fam.given {
		person := fam.surname + ", " + given
		for _, kind := range kinds {
			j.step("the %s records a passed %s check for %s", who, w.of(kind), person)
			s.tickIn(fmt.Sprintf(w.of("partner.family.result_of"), w.of(kind), person), w.of("checkresult.passed"))
			if kind == "checkkind.medical" {
				s.fill(w.of("checks.valid_until")+" – "+person, valid)
				s.fill(w.of("checks.details")+" – "+person+", "+w.of(kind), "Immigration medical exam clear")
			}
		}
	}
}

func dash(s string) string { return regexp.MustCompile(`\W+`).ReplaceAllString(s, "-") }
