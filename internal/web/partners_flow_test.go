package web_test

import (
	"html"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/havenhrd/haven"
)

// nominate takes a protection partner through "Nominate a defender", page
// by page, to its check page; it returns the check page.
func nominate(t *testing.T, f *fixture, b *browser, tag string) string {
	t.Helper()
	r, body := b.get("/nominations/new")
	if r.StatusCode != 200 || !strings.Contains(title(body), "The defender") || !strings.Contains(body, "Protected B") {
		t.Fatalf("first page: %d %q", r.StatusCode, title(body))
	}
	const path = "/nominations/new"
	b.step(path, url.Values{"defender_name": {"Defender " + tag}, "contact": {"Signal +90 555 " + tag},
		"whereabouts": {"Safe house near Van " + tag}}, "go=next", 200, "Countries and family")
	b.step(path, url.Values{"nationality_countries": {"ir, af"}, "asylum_country": {"tr"}, "family_size": {"2"}}, "go=next", 200, "Human rights work")
	b.step(path, url.Values{"work_areas": {"journalism", "womens_rights"}, "organisations": {"Press collective " + tag + "\nWomen's network"}},
		"go=next", 200, "Threat or attack 1")
	b.step(path, url.Values{"threat_type": {"arbitrary_detention"}, "threat_perpetrator": {"state"}, "threat_date": {"2025-11-03"},
		"threat_place": {"Evin prison " + tag}, "threat_description": {"Held 40 days"}}, "go=next", 200, "Threats and attacks")
	b.step(path, url.Values{"add_another": {"yes"}}, "go=next", 200, "Threat or attack 2")
	b.step(path, url.Values{"threat_type": {"surveillance"}, "threat_perpetrator": {"unknown"}, "threat_date": {"2026-01-15"},
		"threat_place": {"Van " + tag}, "threat_description": {"Followed home"}}, "go=next", 200, "Threats and attacks")
	b.step(path, url.Values{"add_another": {"no"}}, "go=next", 200, "Risk and priority")
	b.step(path, url.Values{"risk_assessment": {"Arrest warrant issued for " + tag + "."}, "recommended_priority": {"urgent"}},
		"go=next", 200, "Referral partner")
	return b.step(path, url.Values{"referral_org_id": {string(f.orgs[haven.OrgReferralPartner].ID)}}, "go=next", 200, "Check your answers")
}

func TestNominationThenReferral(t *testing.T) {
	f := newFixture(t, false)
	prot := f.browser(t)
	prot.signIn(f.users[haven.OrgProtectionPartner])
	const path = "/nominations/new"

	// A page's own answers are checked before the form moves on: the
	// problem is linked from the summary, the title says "Error:", and
	// what was typed stays.
	prot.get(path)
	r, body := prot.fill(path, url.Values{"defender_name": {"  "}, "contact": {"Signal only"}}, "go=next")
	if r.StatusCode != http.StatusBadRequest || !strings.HasPrefix(title(body), "Error: The defender") ||
		!slices.Contains(errorLinks(body), "defender_name") || !strings.Contains(body, `id="defender_name-error"`) ||
		!strings.Contains(body, ">Signal only</textarea>") {
		t.Fatalf("empty defender name: %d %q\n%s", r.StatusCode, title(body), body)
	}
	// A malformed date on a threat: the page names it, beside the field.
	prot.step(path, url.Values{"defender_name": {"X"}}, "go=next", 200, "Countries and family")
	// Countries are taken by name or code, as the referral takes them; a
	// name of no country is reported beside its field.
	body = prot.step(path, url.Values{"nationality_countries": {"Iran, Narnia"}, "asylum_country": {"Türkiye"}, "family_size": {"two"}}, "go=next",
		http.StatusBadRequest, "Error: Countries and family")
	if links := errorLinks(body); !slices.Contains(links, "nationality_countries") || slices.Contains(links, "asylum_country") ||
		!slices.Contains(links, "family_size") || !strings.Contains(text(body), "Narnia") || strings.Contains(text(body), "“Iran”") {
		t.Fatalf("countries: links %v\n%s", links, text(body))
	}
	if v, _ := value(body, "nationality_countries"); v != "Iran, Narnia" {
		t.Fatalf("typed value not kept: %q", v)
	}

	body = nominate(t, f, prot, "Tabriz")
	for _, want := range []string{"Defender Tabriz", "Signal +90 555 Tabriz", "Evin prison Tabriz", "Van Tabriz", "Arbitrary detention",
		"Surveillance", "Journalism", "Press collective Tabriz", "UNHCR Ankara", "Urgent", "Iran (IR)", "Türkiye (TR)"} {
		if !strings.Contains(html_(body), want) {
			t.Errorf("the check page lacks %q", want)
		}
	}
	if t.Failed() {
		t.Fatal(text(body))
	}
	// The answers travel in the page, never in a cookie or the URL.
	if strings.Contains(r.Request.URL.String(), "Tabriz") {
		t.Fatal("answers in the URL")
	}
	u, _ := url.Parse(f.srv.URL)
	for _, c := range prot.c.Jar.Cookies(u) {
		if strings.Contains(c.Value, "Tabriz") {
			t.Fatalf("answers in cookie %s", c.Name)
		}
	}

	// Change link round trip: the countries page shows what was typed;
	// saving returns to the check page, every other answer kept.
	body = prot.step(path, nil, "change=countries", 200, "Countries and family")
	if v, _ := value(body, "asylum_country"); v != "tr" {
		t.Fatalf("the change page does not show the answer: %q", v)
	}
	if !strings.Contains(body, "Save and return to your answers") {
		t.Fatal("a change page offers no return to the check page")
	}
	body = prot.step(path, url.Values{"asylum_country": {"LB"}}, "go=next", 200, "Check your answers")
	if !strings.Contains(body, "Lebanon (LB)") || strings.Contains(body, "Türkiye (TR)") || !strings.Contains(body, "Evin prison Tabriz") ||
		!strings.Contains(body, "Defender Tabriz") {
		t.Fatalf("after the change:\n%s", text(body))
	}
	// A threat changed from the check page, then back to it.
	body = prot.step(path, nil, "change=threat:2", 200, "Threat or attack 2")
	if v, _ := value(body, "threat_place"); v != "Van Tabriz" {
		t.Fatalf("threat 2 shows %q", v)
	}
	prot.step(path, url.Values{"threat_place": {"Hakkari Tabriz"}}, "go=next", 200, "Check your answers")

	// Sent: the nomination page, and the list with its state.
	r, body = prot.fill(path, nil, "go=submit")
	m := regexp.MustCompile(`^/nominations/(nom_[a-z0-9]+)$`).FindStringSubmatch(r.Request.URL.Path)
	if r.StatusCode != 200 || m == nil || !strings.Contains(body, "The nomination is sent to the referral partner.") ||
		!strings.Contains(body, "Submitted") || !strings.Contains(body, "Hakkari Tabriz") {
		t.Fatalf("sent: %d %s\n%s", r.StatusCode, r.Request.URL, text(body))
	}
	nomID := haven.ID(m[1])
	_, body = prot.get("/nominations")
	if !strings.Contains(body, string(nomID)) || !strings.Contains(body, "Submitted") || !strings.Contains(body, "UNHCR Ankara") {
		t.Fatalf("your nominations:\n%s", text(body))
	}
	if strings.Contains(body, "Defender Tabriz") {
		t.Fatal("a list shows a sealed field")
	}

	// The referral partner: its inbox, the nomination, the review.
	ref := f.browser(t)
	ref.signIn(f.users[haven.OrgReferralPartner])
	_, body = ref.get("/nominations")
	if !strings.Contains(body, "Nominations addressed to you") || !strings.Contains(body, string(nomID)) || !strings.Contains(body, "Front Line Defenders") {
		t.Fatalf("inbox:\n%s", text(body))
	}
	_, body = ref.get("/nominations/" + string(nomID))
	if !strings.Contains(body, "Defender Tabriz") || !strings.Contains(body, "Start the review") || strings.Contains(body, "/refer\"") {
		t.Fatalf("nomination page:\n%s", text(body))
	}
	r, body = ref.post("/nominations/"+string(nomID)+"/review", nil)
	if !strings.Contains(body, "The nomination is under review.") || !strings.Contains(body, `href="/nominations/`+string(nomID)+`/refer"`) {
		t.Fatalf("review: %d\n%s", r.StatusCode, text(body))
	}
	// Refer this family, from the nomination: what the nomination says is
	// already filled in, countries by their names; each page says which
	// step of how many it is.
	const rpath = "/referrals/new"
	_, body = ref.get("/nominations/" + string(nomID) + "/refer")
	if !strings.Contains(title(body), "UNHCR case and priorities") || !strings.Contains(body, `value="urgent" checked`) ||
		!strings.Contains(body, `<span id="refer-step">Step 1 of 5</span>`) {
		t.Fatalf("refer from nomination:\n%s", body)
	}
	for id, want := range map[string]string{"nationality_countries": "Iran, Afghanistan", "asylum_country": "Lebanon", "members": "2"} {
		if v, _ := value(body, id); v != want {
			t.Errorf("%s not carried from the nomination: %q, want %q", id, v, want)
		}
	}
	if !strings.Contains(body, `<datalist id="country-names">`) || !strings.Contains(body, `list="country-names"`) || !strings.Contains(body, `<option value="Syria">`) {
		t.Errorf("the countries are not suggested by name:\n%s", body)
	}
	// An unknown name is reported beside its field; a name in the other
	// language, in other cases and without its accents, is taken.
	body = ref.step(rpath, url.Values{"unhcr_number": {"UNH-NOM-0001"}, "asylum_country": {"Narnia"}}, "go=next", http.StatusBadRequest,
		"Error: UNHCR case and priorities")
	if !slices.Contains(errorLinks(body), "asylum_country") || !strings.Contains(body, `id="asylum_country-error"`) ||
		!strings.Contains(body, "No country is called “Narnia”") {
		t.Fatalf("unknown country: %v\n%s", errorLinks(body), text(body))
	}
	body = ref.step(rpath, url.Values{"asylum_country": {"TURQUIE"}, "nationality_countries": {"iran, AFGHANISTAN"}}, "go=next", 200,
		"Category, grounds and account")
	if !strings.Contains(body, "Step 2 of 5") {
		t.Fatal("no step indicator on the second step")
	}
	body = ref.step(rpath, url.Values{"primary_category": {"legal_physical_protection"}, "category_justification": {"Detained; further arrest imminent."},
		"persecution_account": {"Told of Tabriz: arrested, beaten."}}, "go=next", http.StatusBadRequest, "Error: Category, grounds and account")
	if !slices.Contains(errorLinks(body), "grounds") {
		t.Fatalf("no ground: %v", errorLinks(body))
	}
	body = ref.step(rpath, url.Values{"grounds": {"political_opinion", "particular_social_group"}, "social_groups": {"human_rights_defenders"}},
		"go=next", 200, "The principal applicant")
	// The principal applicant is the defender, named as the nomination
	// names them, with their contact details and whereabouts.
	for id, want := range map[string]string{"m1_family_name": "Tabriz", "m1_given_names": "Defender", "m1_nationalities": "Iran, Afghanistan"} {
		if v, _ := value(body, id); v != want {
			t.Errorf("%s not carried from the nomination: %q, want %q", id, v, want)
		}
	}
	if !strings.Contains(html.UnescapeString(body), ">Signal +90 555 Tabriz</textarea>") || !strings.Contains(body, "Step 3 of 5") {
		t.Fatalf("the principal applicant is not filled from the nomination:\n%s", body)
	}
	body = ref.step(rpath, url.Values{"m1_date_of_birth": {"1985-02-30"}, "m1_sex": {"female"}, "m1_languages": {"fa, Klingonese"}},
		"go=next", http.StatusBadRequest, "Error: The principal applicant")
	if links := errorLinks(body); !slices.Contains(links, "m1_date_of_birth") || !slices.Contains(links, "m1_languages") ||
		!strings.Contains(body, "No language is called “Klingonese”") {
		t.Fatalf("bad birth date and language: %v\n%s", links, text(body))
	}
	body = ref.step(rpath, url.Values{"m1_date_of_birth": {"1985-02-03"}, "m1_languages": {"persan, Turkish"}}, "go=next", 200,
		"The other members of the family")
	// Another member shares the principal applicant's answers until the
	// page says otherwise.
	for _, f := range []string{"nationalities", "languages", "contact", "whereabouts"} {
		if !strings.Contains(body, `id="m2_same-`+f+`" name="m2_same" value="`+f+`" checked`) {
			t.Errorf("person 2 does not share %s by default", f)
		}
	}
	if !strings.Contains(body, "Step 4 of 5") || strings.Contains(body, `id="m1_`) {
		t.Fatalf("the family page:\n%s", body)
	}
	body = ref.step(rpath, url.Values{"m2_relationship": {"spouse"}, "m2_family_name": {"FamilyTabriz"}, "m2_given_names": {"Reza"},
		"m2_date_of_birth": {"1983-09-12"}, "m2_sex": {"male"}, "m2_accompanying": {"yes"}, "m2_contact": {"Not used"}},
		"go=next", 200, "Check your answers")
	// The check page shows what will be stored: person 2 with the
	// principal applicant's contact details, whereabouts, nationalities
	// and languages.
	person2 := body[strings.Index(body, "<h3>Person 2</h3>"):]
	for _, want := range []string{"Signal +90 555 Tabriz", "Safe house near Van Tabriz", "Iran (IR), Afghanistan (AF)", "Persian (fa), Turkish (tr)"} {
		if !strings.Contains(html.UnescapeString(person2), want) {
			t.Errorf("the check page's person 2 lacks %q", want)
		}
	}
	for _, want := range []string{"UNH-NOM-0001", "Reza", "Told of Tabriz", "From the nomination", "Defender Tabriz", "Türkiye (TR)", "Step 5 of 5"} {
		if !strings.Contains(body, want) {
			t.Errorf("referral check page lacks %q", want)
		}
	}
	if strings.Contains(text(body), "Not used") {
		t.Error("the check page shows a contact person 2 shares with the principal applicant")
	}
	r, body = ref.fill(rpath, nil, "go=submit")
	m = regexp.MustCompile(`^/cases/(case_[a-z0-9]+)$`).FindStringSubmatch(r.Request.URL.Path)
	if r.StatusCode != 200 || m == nil || !strings.Contains(body, "The family is referred to Canada.") || !strings.Contains(body, "Protected B") {
		t.Fatalf("referred: %d %s\n%s", r.StatusCode, r.Request.URL, text(body))
	}
	c := must(f.app.Cases.FindCaseByID(f.ctx, f.users[haven.OrgVisaOffice].actor, haven.ID(m[1])))
	if c.NominationID != nomID || len(c.Members) != 2 || c.DeclaredSize != 2 || len(c.Profile.ThreatEvents) != 2 ||
		c.Profile.ThreatEvents[1].Place != "Hakkari Tabriz" || c.AsylumCountry != "TR" || c.ProcessingPriority != haven.PriorityUrgent {
		t.Fatalf("the case: %+v", c)
	}
	p1, p2 := c.Members[0], c.Members[1]
	if p1.FamilyName != "Tabriz" || p1.GivenNames != "Defender" || p1.Relationship != haven.RelPrincipal || !p1.Accompanying ||
		!slices.Equal(c.NationalityCountries, []string{"IR", "AF"}) || !slices.Equal(p1.Languages, []string{"fa", "tr"}) {
		t.Fatalf("the principal applicant: %+v", p1)
	}
	if p2.Contact != "Signal +90 555 Tabriz" || p2.Whereabouts != "Safe house near Van Tabriz" || !slices.Equal(p2.Nationalities, []string{"IR", "AF"}) ||
		!slices.Equal(p2.Languages, []string{"fa", "tr"}) {
		t.Fatalf("person 2 does not share the principal applicant's answers: %+v", p2)
	}
	n := must(f.app.Nominations.FindNominationByID(f.ctx, f.users[haven.OrgReferralPartner].actor, nomID))
	if n.State != haven.NominationReferred || n.CaseID != c.ID {
		t.Fatalf("the nomination: %s %s", n.State, n.CaseID)
	}
	// The protection partner sees the nomination referred.
	_, body = prot.get("/nominations/" + string(nomID))
	if !strings.Contains(body, "Referred") || !strings.Contains(body, string(c.ID)) {
		t.Fatalf("the protection partner's nomination page:\n%s", text(body))
	}
}

func TestReferralFromCaseloadAndItsProblems(t *testing.T) {
	f := newFixture(t, false)
	taken := f.refer(t, "Taken", 1, haven.PriorityNormal)
	b := f.browser(t)
	b.signIn(f.users[haven.OrgReferralPartner])
	const path = "/referrals/new"
	b.get(path)
	// How many people the referral lists is a number from 1 to 30.
	body := b.step(path, url.Values{"unhcr_number": {taken.UNHCRNumber}, "submission_priority": {"normal"}, "processing_priority": {"normal"},
		"nationality_countries": {"Syria"}, "asylum_country": {"LB"}, "members": {"0"}}, "go=next", http.StatusBadRequest, "Error: UNHCR case and priorities")
	if !slices.Contains(errorLinks(body), "members") {
		t.Fatalf("no one on the referral: %v", errorLinks(body))
	}
	b.step(path, url.Values{"members": {"1"}}, "go=next", 200, "Category, grounds and account")
	// Back keeps the answers and checks nothing.
	body = b.step(path, url.Values{"primary_category": {"medical_needs"}}, "go=back", 200, "UNHCR case and priorities")
	if v, _ := value(body, "unhcr_number"); v != taken.UNHCRNumber {
		t.Fatalf("back lost the answer: %q", v)
	}
	body = b.step(path, nil, "go=next", 200, "Category, grounds and account")
	if !strings.Contains(body, `<option value="medical_needs" selected>`) {
		t.Fatal("back lost the next page's answer")
	}
	b.step(path, url.Values{"secondary_category": {"medical_needs"}, "category_justification": {"Needs care."}, "grounds": {"religion"},
		"persecution_account": {"Account."}}, "go=next", 200, "The principal applicant")
	// A family of one has no page of other members: four steps.
	body = b.step(path, url.Values{"m1_family_name": {"Haddad"}, "m1_date_of_birth": {"1990-01-01"}, "m1_sex": {"x"}}, "go=next", 200,
		"Check your answers")
	if !strings.Contains(body, "Step 4 of 4") {
		t.Fatalf("a family of one: %s", title(body))
	}
	// The app's problems show on the check page, beside the answers, each
	// linked from the summary; nothing is stored.
	before := f.caseCount(t)
	r, body := b.fill(path, nil, "go=submit")
	if r.StatusCode != http.StatusBadRequest || !strings.HasPrefix(title(body), "Error: Check your answers") ||
		!slices.Contains(errorLinks(body), "secondary_category") || !strings.Contains(body, `id="secondary_category-error"`) ||
		!strings.Contains(body, "The second category must differ from the first") {
		t.Fatalf("refused referral: %d %v\n%s", r.StatusCode, errorLinks(body), text(body))
	}
	b.step(path, nil, "change=claim", 200, "Category, grounds and account")
	b.step(path, url.Values{"secondary_category": {""}}, "go=next", 200, "Check your answers")
	r, body = b.fill(path, nil, "go=submit")
	if r.StatusCode != http.StatusConflict || !slices.Contains(errorLinks(body), "unhcr_number") ||
		!strings.Contains(body, "This UNHCR case number is already on a case") {
		t.Fatalf("duplicate UNHCR number: %d %v\n%s", r.StatusCode, errorLinks(body), text(body))
	}
	if f.caseCount(t) != before {
		t.Fatal("a refused referral was stored")
	}
	b.step(path, nil, "change=case", 200, "UNHCR case and priorities")
	b.step(path, url.Values{"unhcr_number": {"UNH-OWN-0001"}}, "go=next", 200, "Check your answers")
	// A person added from the check page is asked about before it.
	b.step(path, nil, "change=case", 200, "UNHCR case and priorities")
	body = b.step(path, url.Values{"members": {"2"}}, "go=next", 200, "The other members of the family")
	if !strings.Contains(body, "Step 4 of 5") {
		t.Fatalf("a family of two: %s", title(body))
	}
	b.step(path, url.Values{"m2_relationship": {"spouse"}, "m2_family_name": {"Haddad"}, "m2_date_of_birth": {"1991-01-01"}, "m2_sex": {"x"},
		"m2_accompanying": {"yes"}}, "go=next", 200, "Check your answers")
	r, body = b.fill(path, nil, "go=submit")
	if r.StatusCode != 200 || !strings.HasPrefix(r.Request.URL.Path, "/cases/case_") || !strings.Contains(body, "Haddad") {
		t.Fatalf("referral: %d %s\n%s", r.StatusCode, r.Request.URL, text(body))
	}
	if f.caseCount(t) != before+1 {
		t.Fatal("the referral was not stored")
	}
	// Another kind of organisation may not use these pages.
	v := f.browser(t)
	v.signIn(f.users[haven.OrgVisaOffice])
	for _, p := range []string{"/referrals/new", "/nominations/new", "/referrals/import", "/checks"} {
		if r, _ := v.get(p); r.StatusCode != http.StatusForbidden {
			t.Errorf("visa office GET %s: %d", p, r.StatusCode)
		}
	}
}

func TestDeclineOnItsOwnPage(t *testing.T) {
	f := newFixture(t, false)
	n := &haven.Nomination{ReferralOrgID: f.orgs[haven.OrgReferralPartner].ID, DefenderName: "Defender Declined",
		RiskAssessment: "At risk.", RecommendedPriority: haven.PriorityNormal, NationalityCountries: []string{"IR"}, FamilySize: 1}
	if err := f.app.Nominations.CreateNomination(f.ctx, f.users[haven.OrgProtectionPartner].actor, n); err != nil {
		t.Fatal(err)
	}
	b := f.browser(t)
	b.signIn(f.users[haven.OrgReferralPartner])
	path := "/nominations/" + string(n.ID)
	_, body := b.get(path)
	if !strings.Contains(body, `href="`+path+`/decline"`) || strings.Contains(body, `action="`+path+`/decline"`) {
		t.Fatal("the nomination page must link to the decline page, not decline in place")
	}
	_, body = b.get(path + "/decline")
	if !strings.Contains(body, "A decline cannot be undone.") || !strings.Contains(body, "The protection partner reads your reason") {
		t.Fatalf("decline page:\n%s", text(body))
	}
	r, body := b.fill(path+"/decline", url.Values{"reason": {"  "}}, "")
	if r.StatusCode != http.StatusBadRequest || !strings.HasPrefix(title(body), "Error: Decline this nomination") ||
		!slices.Contains(errorLinks(body), "reason") {
		t.Fatalf("decline without reason: %d %v", r.StatusCode, errorLinks(body))
	}
	r, body = b.fill(path+"/decline", url.Values{"reason": {"Outside our mandate."}}, "")
	if r.Request.URL.Path != path || !strings.Contains(body, "The nomination is declined.") || !strings.Contains(body, "Outside our mandate.") {
		t.Fatalf("declined: %s\n%s", r.Request.URL, text(body))
	}
	if got := must(f.app.Nominations.FindNominationByID(f.ctx, f.users[haven.OrgProtectionPartner].actor, n.ID)); got.State != haven.NominationDeclined {
		t.Fatalf("state %s", got.State)
	}
	// Another referral partner does not see the nomination at all.
	o := &haven.Organisation{Kind: haven.OrgReferralPartner, Name: "Other referrer", Country: "CA"}
	must(0, f.app.Programme.CreateOrganisation(f.ctx, f.admin, o))
	other := f.browser(t)
	other.signIn(f.enrolTOTP(t, o, "other-referrer"))
	if r, _ := other.get(path); r.StatusCode != http.StatusNotFound {
		t.Fatalf("another partner's nomination: %d", r.StatusCode)
	}
}

// html_ is the page as text with entities decoded, tags kept out.
func html_(body string) string { return text(body) }

// TestReferralOfferedByTheRules: who may refer is the app's to say (the
// kind of organisation and the year's rules): a protection partner the
// rules let refer gets the referral and import pages, one they do not,
// none.
func TestReferralOfferedByTheRules(t *testing.T) {
	f := newFixture(t, false)
	fld := f.browser(t)
	fld.signIn(f.users[haven.OrgProtectionPartner])
	_, body := fld.get("/")
	if strings.Contains(body, `href="/referrals/new"`) || strings.Contains(body, `href="/referrals/import"`) {
		t.Fatalf("a protection partner the rules do not let refer is offered referral:\n%s", text(body))
	}
	for _, path := range []string{"/referrals/new", "/referrals/import"} {
		if r, _ := fld.get(path); r.StatusCode != http.StatusForbidden {
			t.Fatalf("GET %s: %d", path, r.StatusCode)
		}
	}
	rules := must(f.app.Programme.FindRules(f.ctx, f.admin, f.clock.Now().Year()))
	rules.Referrers = append(rules.Referrers, f.orgs[haven.OrgProtectionPartner].ID)
	if err := f.app.Programme.SetRules(f.ctx, f.admin, rules); err != nil {
		t.Fatal(err)
	}
	_, body = fld.get("/")
	if !strings.Contains(body, `href="/referrals/new"`) || !strings.Contains(body, `href="/referrals/import"`) {
		t.Fatalf("a protection partner the rules let refer is not offered referral:\n%s", text(body))
	}
	for _, path := range []string{"/referrals/new", "/referrals/import"} {
		if r, _ := fld.get(path); r.StatusCode != http.StatusOK {
			t.Fatalf("GET %s: %d", path, r.StatusCode)
		}
	}
}
