package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/havenhrd/haven"
	"github.com/havenhrd/haven/internal/testdb"
)

func TestWorkQueue(t *testing.T) {
	f := newFixture(t, false)
	normal := f.refer(t, "Normal", 2, haven.PriorityNormal)
	emergency := f.refer(t, "Emergency", 1, haven.PriorityEmergency)
	urgent := f.refer(t, "Urgent", 3, haven.PriorityUrgent)
	b := f.browser(t)
	b.signIn(f.users[haven.OrgVisaOffice])
	r, body := b.get("/cases")
	if r.StatusCode != 200 || !strings.Contains(body, "<caption>Cases 1 to 3 of 3") || !strings.Contains(body, `<th scope="col">Processing priority</th>`) ||
		!strings.Contains(body, `<th scope="row"><a href="/cases/`) {
		t.Fatalf("work queue: %d\n%s", r.StatusCode, body)
	}
	// In the app's order: emergency, urgent, normal.
	ids := regexp.MustCompile(`href="/cases/(case_[a-z0-9]+)"`).FindAllStringSubmatch(body, -1)
	if len(ids) != 3 || ids[0][1] != string(emergency.ID) || ids[1][1] != string(urgent.ID) || ids[2][1] != string(normal.ID) {
		t.Fatalf("queue order %v", ids)
	}
	// Each row reads by its short reference.
	for _, c := range []*haven.Case{normal, emergency, urgent} {
		if c.Reference == "" || !strings.Contains(body, "<code>"+c.Reference+"</code>") {
			t.Fatalf("the queue lacks the reference %q", c.Reference)
		}
	}
	// The search finds a case by its reference, its UNHCR number or a name.
	for _, q := range []string{urgent.Reference, urgent.UNHCRNumber, "familyurgent"} {
		_, found := b.get("/cases?q=" + url.QueryEscape(q))
		if ids := regexp.MustCompile(`href="/cases/(case_[a-z0-9]+)"`).FindAllStringSubmatch(found, -1); len(ids) != 1 || ids[0][1] != string(urgent.ID) ||
			!strings.Contains(found, `value="`+q+`"`) {
			t.Fatalf("search %q: %v", q, ids)
		}
	}
	// Each row: the principal's name and the UNHCR number (the visa
	// office's view holds them), the next step and who holds it, the due
	// date and days left; no other sealed field.
	if strings.Contains(body, "Told of") {
		t.Fatal("the work queue shows sealed fields")
	}
	row := between(body, urgent.Reference, "</tr>")
	for _, want := range []string{urgent.Principal().FamilyName, urgent.UNHCRNumber, "Opening the file<br>waiting on the visa office", "days left"} {
		if !strings.Contains(row, want) {
			t.Fatalf("the row lacks %q:\n%s", want, row)
		}
	}
	// Filters are a GET form.
	_, body = b.get("/cases?priority=emergency&state=referred&country=ir")
	if n := strings.Count(body, `<th scope="row"><a href="/cases/`); n != 1 || !strings.Contains(body, string(emergency.ID)) {
		t.Fatalf("filtered queue shows %d cases:\n%s", n, body)
	}
	if !strings.Contains(body, `<option value="emergency" selected>`) {
		t.Fatal("the chosen filter is not kept")
	}
	// Open cases by default; final states and several states at once by
	// ticking them, kept in the form.
	gone := f.refer(t, "Gone", 1, haven.PriorityNormal)
	if _, err := f.app.Cases.Withdraw(f.ctx, f.users[haven.OrgReferralPartner].actor, gone.ID, "Safe elsewhere."); err != nil {
		t.Fatal(err)
	}
	if _, body = b.get("/cases"); strings.Contains(body, string(gone.ID)) || !strings.Contains(body, "<caption>Cases 1 to 3 of 3") {
		t.Fatalf("the default queue shows a withdrawn case:\n%s", body)
	}
	_, body = b.get("/cases?state=withdrawn&state=referred")
	if !strings.Contains(body, string(gone.ID)) || !strings.Contains(body, "<caption>Cases 1 to 4 of 4") ||
		!strings.Contains(body, `name="state" value="withdrawn" checked>`) || !strings.Contains(body, `name="state" value="referred" checked>`) {
		t.Fatalf("two states ticked:\n%s", body)
	}
	if _, body = b.get("/cases?overdue=yes"); !strings.Contains(body, `id="overdue" name="overdue" value="yes" checked>`) || strings.Contains(body, "<caption>") {
		t.Fatalf("no case is overdue yet:\n%s", body)
	}
	r, body = b.get("/cases?country=Iran")
	if r.StatusCode != http.StatusBadRequest || !strings.Contains(body, `<a href="#country">Enter a two-letter country code`) {
		t.Fatalf("a bad filter: %d\n%s", r.StatusCode, body)
	}
	if v, _ := value(body, "country"); v != "Iran" {
		t.Fatalf("the filter typed was not kept: %q", v)
	}
}

func TestVisaOfficeCasePageAndActions(t *testing.T) {
	f := newFixture(t, false)
	c := f.refer(t, "Ahmadi", 2, haven.PriorityUrgent)
	b := f.browser(t)
	b.signIn(f.users[haven.OrgVisaOffice])
	path := "/cases/" + string(c.ID)
	r, body := b.get(path)
	for _, want := range []string{
		"Protected B", `<table class="table" id="family">`, "<caption>Family members (2)</caption>",
		"FamilyAhmadi", "Told of Ahmadi", "Evin prison Ahmadi", "Confidential note of Ahmadi",
		"Safe house near Van Ahmadi", "UNH-W-", "Iran (IR)", "Persian (fa)", "Principal applicant", `action="` + path + `/open-file"`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("the case page lacks %q", want)
		}
	}
	if r.StatusCode != 200 || t.Failed() {
		t.Fatalf("case page: %d\n%s", r.StatusCode, body)
	}
	if r.Header.Get("Cache-Control") != "no-store" {
		t.Fatal("a case page may be cached")
	}

	step := func(action string, form url.Values, want haven.CaseState, notice string) string {
		t.Helper()
		r, body := b.post(path+"/"+action, form)
		if r.Request.URL.Path != path || !strings.Contains(body, notice) {
			t.Fatalf("%s: ended at %s:\n%s", action, r.Request.URL, body)
		}
		if got := f.caseState(t, c.ID); got != want {
			t.Fatalf("%s: state %s, want %s", action, got, want)
		}
		return body
	}
	step("open-file", nil, haven.StateFileCreated, "The file is open.")
	step("start-eligibility", nil, haven.StateEligibilityReview, "The eligibility assessment has started.")
	body = step("assessment", url.Values{"outside_country": {"yes"}, "well_founded_fear": {"yes"}, "no_internal_flight": {"yes"},
		"no_durable_solution": {"yes"}, "grounds": {"political_opinion"}, "assessment_notes": {"Credible and consistent."}},
		haven.StateEligible, "the case is eligible")
	if !strings.Contains(body, "Credible and consistent.") || !strings.Contains(body, `id="assessments"`) {
		t.Fatal("the assessment is not on the case page")
	}
	step("start-admissibility", nil, haven.StateAdmissibilityInProgress, "The admissibility checks have started.")
	f.passChecks(t, c.ID)
	step("confirm-admissible", nil, haven.StateAdmissible, "Every traveller is admissible.")

	// Approval: its own confirmation page names what will happen.
	_, body = b.get(path + "/approve")
	if !strings.Contains(body, "2 persons will count against the cap") || !strings.Contains(body, `name="admission_year" value="" checked`) {
		t.Fatalf("approval page:\n%s", body)
	}
	step("approve", url.Values{"admission_year": {""}}, haven.StateApproved, "The case is approved")

	// Travel: a malformed date is refused by the page; what was typed stays.
	r, body = b.post(path+"/travel", url.Values{"travel_date": {"01/06/2026"}, "itinerary": {"IST-YYZ via FRA"}, "transportation_loan": {"yes"}})
	if r.StatusCode != http.StatusBadRequest || !strings.HasPrefix(title(body), "Error: ") ||
		!strings.Contains(body, `<a href="#travel_date">Write the date as year-month-day`) || !strings.Contains(body, `id="travel_date-error"`) {
		t.Fatalf("malformed travel date: %d\n%s", r.StatusCode, body)
	}
	if v, _ := value(body, "travel_date"); v != "01/06/2026" || !strings.Contains(body, ">IST-YYZ via FRA</textarea>") ||
		!strings.Contains(body, `name="transportation_loan" value="yes" checked`) {
		t.Fatalf("the typed values were not kept:\n%s", body)
	}
	// A date in the past is refused by the app, shown beside the field.
	r, body = b.post(path+"/travel", url.Values{"travel_date": {"2026-01-01"}, "itinerary": {"IST-YYZ"}})
	if r.StatusCode != http.StatusBadRequest || !strings.Contains(body, `<a href="#travel_date">The travel date is in the past</a>`) {
		t.Fatalf("past travel date: %d\n%s", r.StatusCode, body)
	}
	today := f.clock.Now().Format("2006-01-02")
	step("travel", url.Values{"travel_date": {today}, "itinerary": {"IST-YYZ"}, "transportation_loan": {"yes"}},
		haven.StateTravelBooked, "The travel is booked.")
	step("settlement", url.Values{"settlement_org_id": {string(f.orgs[haven.OrgSettlementOrganisation].ID)}},
		haven.StateTravelBooked, "placed with the settlement organisation")
	body = step("arrival", url.Values{"arrival_date": {today}, "port_of_entry": {"yyz"}}, haven.StateArrived, "The arrival is recorded.")
	if !strings.Contains(body, "YYZ") || !strings.Contains(body, "COSTI Toronto") {
		t.Fatal("arrival or placement not shown")
	}

	// The cap: a chart with its title and description, and the same numbers
	// in a table.
	_, body = b.get("/cap?year=2026")
	for _, want := range []string{`<title id="cap-chart-title">`, `<desc id="cap-chart-desc">`, `role="img"`,
		`<th scope="row">Arrived</th><td class="num">2</td>`, `<th scope="row">Cap</th><td class="num">500</td>`,
		`<th scope="row">Remaining</th><td class="num">498</td>`, "then 2 arrived, then 498 remaining."} {
		if !strings.Contains(body, want) {
			t.Errorf("the cap page lacks %q", want)
		}
	}
	if t.Failed() {
		t.Fatal(body)
	}
	r, body = b.get("/cap?year=1999")
	if r.StatusCode != http.StatusBadRequest || !strings.Contains(body, `<a href="#year">`) {
		t.Fatalf("a bad year: %d\n%s", r.StatusCode, body)
	}
}

func TestRefusalOnItsOwnPage(t *testing.T) {
	f := newFixture(t, false)
	c := f.refer(t, "Refused", 1, haven.PriorityNormal)
	visa := f.users[haven.OrgVisaOffice].actor
	must(f.app.Cases.OpenFile(f.ctx, visa, c.ID))
	must(f.app.Cases.StartEligibility(f.ctx, visa, c.ID))
	b := f.browser(t)
	b.signIn(f.users[haven.OrgVisaOffice])
	path := "/cases/" + string(c.ID)
	_, body := b.get(path)
	if !strings.Contains(body, `href="`+path+`/refuse"`) || strings.Contains(body, `action="`+path+`/refuse"`) {
		t.Fatal("the case page must link to the refusal page, not refuse in place")
	}
	_, body = b.get(path + "/refuse")
	if !strings.Contains(body, "A refusal cannot be undone.") || !strings.Contains(body, "The referring partner is notified") {
		t.Fatalf("the refusal page does not name what will happen:\n%s", body)
	}
	r, body := b.post(path+"/refuse", url.Values{"reasons": {"   "}})
	if r.StatusCode != http.StatusBadRequest || !strings.HasPrefix(title(body), "Error: Refuse this case") ||
		!strings.Contains(body, `<a href="#reasons">Write the reasons</a>`) || !strings.Contains(body, `id="reasons-error"`) {
		t.Fatalf("refusal without reasons: %d %q\n%s", r.StatusCode, title(body), body)
	}
	if f.caseState(t, c.ID) != haven.StateEligibilityReview {
		t.Fatal("a refusal without reasons changed the case")
	}
	r, body = b.post(path+"/refuse", url.Values{"reasons": {"Exclusion clause applies."}})
	if r.Request.URL.Path != path || f.caseState(t, c.ID) != haven.StateRefused || !strings.Contains(body, "Exclusion clause applies.") {
		t.Fatalf("refusal: ended at %s, state %s", r.Request.URL, f.caseState(t, c.ID))
	}
}

func TestSettlementView(t *testing.T) {
	f := newFixture(t, false)
	c := f.refer(t, "Settle", 2, haven.PriorityUrgent)
	other := f.refer(t, "Elsewhere", 1, haven.PriorityUrgent)
	visa := f.users[haven.OrgVisaOffice].actor
	must(f.app.Cases.OpenFile(f.ctx, visa, c.ID))
	must(f.app.Cases.StartEligibility(f.ctx, visa, c.ID))
	must(f.app.Cases.RecordAssessment(f.ctx, visa, c.ID, &haven.EligibilityAssessment{OutsideCountry: true, WellFoundedFear: true,
		NoInternalFlight: true, NoDurableSolution: true, Grounds: []haven.Ground{haven.GroundPoliticalOpinion}, Notes: "Assessment notes Settle"}))
	must(f.app.Cases.StartAdmissibility(f.ctx, visa, c.ID))
	f.passChecks(t, c.ID)
	must(f.app.Cases.ConfirmAdmissible(f.ctx, visa, c.ID))
	must(f.app.Cases.Approve(f.ctx, visa, c.ID, haven.ApproveInput{}))
	today := haven.DateOf(f.clock.Now())
	must(f.app.Cases.BookTravel(f.ctx, visa, c.ID, &haven.Travel{Date: today, Itinerary: "Itinerary IST-YUL Settle"}))
	must(f.app.Cases.AssignSettlement(f.ctx, visa, c.ID, f.orgs[haven.OrgSettlementOrganisation].ID))
	must(f.app.Cases.RecordArrival(f.ctx, visa, c.ID, &haven.Arrival{Date: today, PortOfEntry: "YUL"}))

	b := f.browser(t)
	home := b.signIn(f.users[haven.OrgSettlementOrganisation])
	if !strings.Contains(home, "Families placed with you") {
		t.Fatalf("settlement home:\n%s", home)
	}
	_, list := b.get("/cases")
	if !strings.Contains(list, string(c.ID)) || strings.Contains(list, string(other.ID)) {
		t.Fatalf("the settlement list shows the wrong cases:\n%s", list)
	}
	r, body := b.get("/cases/" + string(c.ID))
	if r.StatusCode != 200 || !strings.Contains(body, "FamilySettle") || !strings.Contains(body, "Protected B") || !strings.Contains(body, "Journalism") {
		t.Fatalf("settlement case page: %d\n%s", r.StatusCode, body)
	}
	// It meets the family: the itinerary is on its page.
	if !strings.Contains(body, "Itinerary IST-YUL Settle") {
		t.Errorf("the settlement view lacks the itinerary")
	}
	// What the settlement view leaves out never reaches the browser.
	for _, secret := range []string{"Told of Settle", "Evin prison Settle", "Held 40 days", "Confidential note of Settle",
		"Safe house near Van", "+90 555", "UNH-W-", "Assessment notes Settle", "IME clear", "Detained twice"} {
		if strings.Contains(body, secret) {
			t.Errorf("the settlement view shows %q", secret)
		}
	}
	// No visa office action is offered.
	if strings.Contains(body, "/refuse") || strings.Contains(body, "/approve") || strings.Contains(body, "/travel") {
		t.Error("the settlement view offers the visa office's acts")
	}
	// An act of the visa office, forged by hand, is refused and changes nothing.
	r, _ = b.post("/cases/"+string(c.ID)+"/refuse", url.Values{"reasons": {"Not ours to refuse."}})
	if r.StatusCode != http.StatusForbidden || f.caseState(t, c.ID) != haven.StateArrived {
		t.Fatalf("a settlement organisation refusing: %d, state %s", r.StatusCode, f.caseState(t, c.ID))
	}
	// Its own acts: settlement begins, then the case closes.
	b.get("/cases/" + string(c.ID))
	r, body = b.post("/cases/"+string(c.ID)+"/begin-settlement", nil)
	if f.caseState(t, c.ID) != haven.StateInSettlement || !strings.Contains(body, "Settlement has begun.") || !strings.Contains(body, `/close"`) {
		t.Fatalf("begin settlement: %d, state %s\n%s", r.StatusCode, f.caseState(t, c.ID), body)
	}
	r, body = b.post("/cases/"+string(c.ID)+"/close", nil)
	if f.caseState(t, c.ID) != haven.StateClosed || !strings.Contains(body, "The case is closed.") {
		t.Fatalf("close: %d, state %s", r.StatusCode, f.caseState(t, c.ID))
	}
	// Another case is not found, as if it did not exist.
	r, body = b.get("/cases/" + string(other.ID))
	if r.StatusCode != http.StatusNotFound || !strings.Contains(body, "Page not found") || strings.Contains(body, "FamilyElsewhere") {
		t.Fatalf("another case: %d\n%s", r.StatusCode, body)
	}
	// The cap is the visa office's: refused, in words.
	r, body = b.get("/cap")
	if r.StatusCode != http.StatusForbidden || !strings.Contains(body, "Your organisation may not do this.") {
		t.Fatalf("cap for settlement: %d\n%s", r.StatusCode, body)
	}
}

// TestWorkQueueByPartner: the visa office filters its queue by referring
// partner, chosen from the referral and protection partners; the choice
// stays in the page links; anything else is refused beside the field.
func TestWorkQueueByPartner(t *testing.T) {
	f := newFixture(t, false)
	fld, unhcr := f.orgs[haven.OrgProtectionPartner], f.orgs[haven.OrgReferralPartner]
	r := f.rules(t, 2026)
	r.Referrers = []haven.ID{fld.ID}
	if err := f.app.Programme.SetRules(f.ctx, f.admin, r); err != nil {
		t.Fatal(err)
	}
	partnerA := f.refer(t, "PartnerA", 1, haven.PriorityNormal)
	urgent := f.refer(t, "PartnerB", 2, haven.PriorityUrgent)
	f.refer(t, "PartnerC", 1, haven.PriorityEmergency)
	direct := referral("PartnerD", 1, haven.PriorityNormal)
	if err := f.app.Cases.CreateReferral(f.ctx, f.users[haven.OrgProtectionPartner].actor, direct); err != nil {
		t.Fatal(err)
	}
	b := f.browser(t)
	b.signIn(f.users[haven.OrgVisaOffice])
	_, body := b.get("/cases")
	for _, want := range []string{`<label class="label" for="partner">Referred by</label>`, `<select class="select" id="partner" name="partner">`,
		`<option value="` + string(fld.ID) + `">Front Line Defenders</option>` + "\n" + `<option value="` + string(unhcr.ID) + `">UNHCR Ankara</option>`,
		"<caption>Cases 1 to 4 of 4"} {
		if !strings.Contains(body, want) {
			t.Errorf("the queue lacks %q", want)
		}
	}
	if strings.Contains(body, ">COSTI Toronto</option>") || strings.Contains(body, ">IRCC Nairobi</option>") {
		t.Error("the partner filter offers organisations that refer no one")
	}
	if t.Failed() {
		t.Fatal(body)
	}

	count := func(body string) int { return strings.Count(body, `<th scope="row"><a href="/cases/`) }
	_, body = b.get("/cases?partner=" + string(fld.ID))
	if count(body) != 1 || !strings.Contains(body, string(direct.ID)) || !strings.Contains(body, `<option value="`+string(fld.ID)+`" selected>`) {
		t.Fatalf("the protection partner's cases:\n%s", body)
	}
	_, body = b.get("/cases?partner=" + string(unhcr.ID) + "&priority=urgent")
	if count(body) != 1 || !strings.Contains(body, string(urgent.ID)) {
		t.Fatalf("UNHCR's urgent cases:\n%s", body)
	}
	// Columns sort by links that keep the filters; the current one says
	// so and links to the other way.
	_, body = b.get("/cases?partner=" + string(unhcr.ID) + "&sort=referred")
	if !strings.Contains(body, `aria-sort="ascending"><a href="/cases?dir=desc&amp;partner=`+string(unhcr.ID)+`&amp;sort=referred">`) ||
		!strings.Contains(body, `<a href="/cases?partner=`+string(unhcr.ID)+`&amp;sort=due">`) {
		t.Fatalf("the sort links:\n%s", body)
	}
	// Pages go by cursor, the filter and the order kept, and count all.
	const queuePage = 50
	for i := range queuePage {
		f.refer(t, fmt.Sprintf("Page%d", i), 1, haven.PriorityNormal)
	}
	n := queuePage + 3
	_, body = b.get("/cases?partner=" + string(unhcr.ID) + "&sort=referred&dir=desc")
	next := regexp.MustCompile(`<a href="([^"]+)" rel="next">`).FindStringSubmatch(body)
	if count(body) != queuePage || next == nil || !strings.Contains(next[1], "after=") || !strings.Contains(next[1], "sort=referred") ||
		!strings.Contains(next[1], "partner="+string(unhcr.ID)) {
		t.Fatalf("the first page of UNHCR's cases:\n%s", body)
	}
	_, body = b.get(strings.ReplaceAll(next[1], "&amp;", "&"))
	if count(body) != 3 || !strings.Contains(body, fmt.Sprintf("<caption>Cases %d to %d of %d", queuePage+1, n, n)) ||
		!strings.Contains(body, `<a href="/cases?dir=desc&amp;partner=`+string(unhcr.ID)+`&amp;sort=referred" rel="first">`) ||
		strings.Contains(body, `rel="next"`) || !strings.Contains(body, string(partnerA.ID)) {
		t.Fatalf("the second page of UNHCR's cases:\n%s", body)
	}
	if r, _ := b.get("/cases?after=bogus"); r.StatusCode != http.StatusBadRequest {
		t.Fatalf("a bad cursor: %d", r.StatusCode)
	}

	for _, bad := range []string{string(f.orgs[haven.OrgSettlementOrganisation].ID), "org_nope"} {
		r, body := b.get("/cases?state=referred&partner=" + bad)
		if r.StatusCode != http.StatusBadRequest || !strings.HasPrefix(title(body), "Error: ") ||
			!strings.Contains(body, `<a href="#partner">Choose a partner from the list</a>`) || !strings.Contains(body, `id="partner-error"`) ||
			!strings.Contains(body, `aria-describedby="partner-error" aria-invalid="true"`) || count(body) != 0 ||
			!strings.Contains(body, `name="state" value="referred" checked>`) {
			t.Fatalf("partner %s: %d %q\n%s", bad, r.StatusCode, title(body), body)
		}
	}
	_, body = b.get("/cases?partner=org_nope&lang=fr")
	if !strings.HasPrefix(title(body), "Erreur : ") || !strings.Contains(body, "Choisissez un partenaire dans la liste") ||
		!strings.Contains(body, `<label class="label" for="partner">Aiguillé par</label>`) {
		t.Fatalf("the French error:\n%s", body)
	}
	if en := englishIn(body); len(en) > 0 {
		t.Errorf("the French queue shows English: %v", en)
	}
}

// TestCaseClockOnThePage: the case page says the stage, its due date, the
// days left or overdue on the app's clock, and whose turn it is, in both
// languages.
func TestCaseClockOnThePage(t *testing.T) {
	f := newFixture(t, false)
	c := f.refer(t, "Clock", 1, haven.PriorityNormal)
	b := f.browser(t)
	b.signIn(f.users[haven.OrgVisaOffice])
	due := f.clock.Now().AddDate(0, 0, 30).Format("2006-01-02") // normal: 30 days to open the file
	_, body := b.get("/cases/" + string(c.ID))
	if line := strings.Join(strings.Fields(text(between(body, `id="clock"`, "</p>"))), " "); !strings.Contains(line, "Opening the file") || !strings.Contains(line, due) ||
		!strings.Contains(line, "30 days left") || !strings.Contains(line, "waiting on the visa office") {
		t.Fatalf("clock line: %q", line)
	}
	f.clock.Add(40 * 24 * time.Hour)
	b.signIn(f.users[haven.OrgVisaOffice])
	_, body = b.get("/cases/" + string(c.ID) + "?lang=fr")
	if line := strings.Join(strings.Fields(text(between(body, `id="clock"`, "</p>"))), " "); !strings.Contains(line, "Ouverture du dossier") ||
		!strings.Contains(line, "10 jours de retard") || !strings.Contains(line, "en attente du bureau des visas") {
		t.Fatalf("clock line in French: %q", line)
	}
}

// between returns s from the first from up to the next to after it.
func between(s, from, to string) string {
	i := strings.Index(s, from)
	if i < 0 {
		return ""
	}
	j := strings.Index(s[i:], to)
	if j < 0 {
		return s[i:]
	}
	return s[i : i+j]
}

// TestWorkQueueNamesCheckHolders: on every engine, a row of the visa
// office's list waiting on the check partners names the partners holding
// the outstanding checks, as the case page does, in English and in
// French; the referring partner, whose view of the case holds no
// assignment, reads the generic words, and no partner's name reaches its
// page.
func TestWorkQueueNamesCheckHolders(t *testing.T) {
	for _, eng := range testdb.Engines(t) {
		t.Run(eng.Name, func(t *testing.T) {
			f := newFixtureOn(t, false, eng.Open(t))
			visa := f.users[haven.OrgVisaOffice]
			c := f.refer(t, "Holders", 2, haven.PriorityNormal)
			other := f.refer(t, "Waiting", 1, haven.PriorityNormal)
			f.toAdmissibility(t, c.ID)
			c = must(f.app.Cases.FindCaseByID(f.ctx, visa.actor, c.ID))
			ids := []haven.ID{c.Members[0].ID, c.Members[1].ID}
			scr, med := f.orgs[haven.OrgScreeningPartner], f.orgs[haven.OrgMedicalPartner]
			must(f.app.Cases.AssignChecks(f.ctx, visa.actor, c.ID, med.ID, ids))
			must(f.app.Cases.AssignChecks(f.ctx, visa.actor, c.ID, scr.ID, ids))
			// The medical exams are recorded: the screening partner alone
			// holds the case.
			for _, id := range ids {
				must(f.app.Cases.RecordCheck(f.ctx, f.users[haven.OrgMedicalPartner].actor, c.ID, &haven.Check{MemberID: id, Kind: haven.CheckMedical,
					Result: haven.ResultPassed, ValidUntil: haven.DateOf(f.clock.Now().AddDate(1, 0, 0))}))
			}
			b := f.browser(t)
			b.signIn(visa)
			for lang, want := range map[string]string{"en": "Admissibility<br>waiting for the checks of " + scr.Name,
				"fr": "Interdiction de territoire<br>en attente des contrôles de " + scr.Name} {
				_, body := b.get("/cases?lang=" + lang)
				row := between(body, c.Reference, "</tr>")
				if !strings.Contains(row, want) || strings.Contains(row, med.Name) {
					t.Errorf("%s: the row waiting on %s lacks %q:\n%s", lang, scr.Name, want, row)
				}
				// A case waiting on the visa office says so, as before.
				if row := between(body, other.Reference, "</tr>"); strings.Contains(row, scr.Name) || !strings.Contains(row, map[string]string{
					"en": "waiting on the visa office", "fr": "en attente du bureau des visas"}[lang]) {
					t.Errorf("%s: the row of a referred case:\n%s", lang, row)
				}
			}
			// The case page names the same partner.
			_, body := b.get("/cases/" + string(c.ID) + "?lang=en")
			if p := panelOf(body); !strings.Contains(p, "Waiting for the checks of "+scr.Name) || strings.Contains(p, med.Name) {
				t.Errorf("the case page's panel: %q", p)
			}

			// The referring partner reads the turn, not whose checks.
			pb := f.browser(t)
			pb.signIn(f.users[haven.OrgReferralPartner])
			for lang, want := range map[string]string{"en": "waiting on the screening and medical partners",
				"fr": "en attente des partenaires de filtrage et médicaux"} {
				_, body := pb.get("/cases?lang=" + lang)
				if row := between(body, c.Reference, "</tr>"); !strings.Contains(row, want) {
					t.Errorf("%s: the referring partner's row lacks %q:\n%s", lang, want, row)
				}
				if strings.Contains(body, scr.Name) || strings.Contains(body, med.Name) {
					t.Errorf("%s: the referring partner's list names a check partner", lang)
				}
			}
		})
	}
}
