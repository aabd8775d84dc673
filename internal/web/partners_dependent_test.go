package web_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/havenhrd/haven"
)

// TestReferralAdultChild: a child aged 22 or over (45 on the fixture's
// date, 2026-05-04) is refused on the check page with the problem beside
// the answer, naming the person and saying what is needed; ticking the
// dependent child exception on the person's page lets the referral through.
func TestReferralAdultChild(t *testing.T) {
	f := newFixture(t, false)
	b := f.browser(t)
	b.signIn(f.users[haven.OrgReferralPartner])
	const path = "/referrals/new"
	b.get(path)
	b.step(path, url.Values{"unhcr_number": {"UNH-ADULT-0001"}, "submission_priority": {"normal"}, "processing_priority": {"normal"},
		"nationality_countries": {"SY"}, "asylum_country": {"LB"}, "members": {"2"}}, "go=next", 200, "Category, grounds and account")
	b.step(path, url.Values{"primary_category": {"medical_needs"}, "category_justification": {"Needs care."}, "grounds": {"religion"},
		"persecution_account": {"Account."}}, "go=next", 200, "The principal applicant")
	b.step(path, url.Values{"m1_family_name": {"Haddad"}, "m1_date_of_birth": {"1960-01-01"}, "m1_sex": {"x"}}, "go=next", 200,
		"The other members of the family")
	b.step(path, url.Values{"m2_relationship": {"child"}, "m2_family_name": {"Haddad"}, "m2_given_names": {"Samir"},
		"m2_date_of_birth": {"1981-05-04"}, "m2_sex": {"male"}, "m2_accompanying": {"yes"}}, "go=next", 200, "Check your answers")
	before := f.caseCount(t)
	r, body := b.fill(path, nil, "go=submit")
	if r.StatusCode != http.StatusBadRequest || !slices.Contains(errorLinks(body), "m2_adult_dependent") ||
		!strings.Contains(body, `id="m2_adult_dependent-error"`) ||
		!strings.Contains(text(body), "Samir Haddad: This child is 22 or over. Tick that they have depended on the parent") {
		t.Fatalf("a child of 45 without the exception: %d %v\n%s", r.StatusCode, errorLinks(body), text(body))
	}
	if f.caseCount(t) != before {
		t.Fatal("a refused referral was stored")
	}
	body = b.step(path, nil, "change=family", 200, "The other members of the family")
	if !strings.Contains(body, `name="m2_adult_dependent"`) {
		t.Fatal("the person's page has no dependent child exception")
	}
	b.step(path, url.Values{"m2_adult_dependent": {"yes"}}, "go=next", 200, "Check your answers")
	r, body = b.fill(path, nil, "go=submit")
	if r.StatusCode != 200 || !strings.HasPrefix(r.Request.URL.Path, "/cases/case_") {
		t.Fatalf("with the exception: %d %s\n%s", r.StatusCode, r.Request.URL, text(body))
	}
	if f.caseCount(t) != before+1 {
		t.Fatal("the referral was not stored")
	}
}

// TestImportAdultChild: in a CSV import, a child aged 22 or over is refused
// at its own line unless the adult_dependent column says yes; in JSON,
// adult_dependent is true or false.
func TestImportAdultChild(t *testing.T) {
	f := newFixture(t, false)
	b := f.browser(t)
	b.signIn(f.users[haven.OrgReferralPartner])
	header := strings.TrimSuffix(csvHeader, "\n") + ",adult_dependent\n"
	family := func(number, dependent string) string {
		return "A," + number + ",normal,normal,legal_physical_protection,x,political_opinion,,IR,TR,x,,principal,yes,Haddad,Amir,1960-03-01,male,IR,fa,,\n" +
			"A,,,,,,,,,,,,child,yes,Haddad,Samir,1981-05-04,male,IR,fa,," + dependent + "\n"
	}
	start := f.caseCount(t)
	b.get("/referrals/import")
	r, body := b.upload("adult.csv", []byte(header+family("UNH-ADULT-0001", "")))
	if lines := reportLines(body); r.StatusCode != http.StatusBadRequest || !slices.Contains(lines, "3") ||
		!strings.Contains(text(body), "Person 2: Dependent child aged 22 or over") || !strings.Contains(text(body), "This child is 22 or over. Tick") {
		t.Fatalf("a child of 45 without the exception: %d %v\n%s", r.StatusCode, lines, text(body))
	}
	b.get("/referrals/import")
	r, body = b.upload("adult.csv", []byte(header+family("UNH-ADULT-0001", "maybe")))
	if r.StatusCode != http.StatusBadRequest || !strings.Contains(text(body), "Write yes or no") {
		t.Fatalf("adult_dependent=maybe: %d\n%s", r.StatusCode, text(body))
	}
	if f.caseCount(t) != start {
		t.Fatal("a refused import stored cases")
	}
	b.get("/referrals/import")
	r, body = b.upload("adult.csv", []byte(header+family("UNH-ADULT-0001", "yes")))
	if r.StatusCode != 200 || !strings.Contains(body, "Referrals imported: 1.") {
		t.Fatalf("with the exception: %d\n%s", r.StatusCode, text(body))
	}
	j := importJSON("JsonAdult", 3)
	child := j["members"].([]map[string]any)[2]
	child["date_of_birth"], child["adult_dependent"] = "1981-05-04", true
	b.get("/referrals/import")
	r, body = b.upload("adult.json", must(json.Marshal([]any{j})))
	if r.StatusCode != 200 || f.caseCount(t) != start+2 {
		t.Fatalf("JSON with the exception: %d\n%s", r.StatusCode, text(body))
	}
}

// TestPossibleDuplicatePages: a referral by another organisation of a
// family already referred is flagged on the visa office's case page, with a
// link to the other case and what matched, and found by its queue filter;
// the referrer's page says nothing, and the filter is refused to it.
func TestPossibleDuplicatePages(t *testing.T) {
	f := newFixture(t, false)
	first := f.refer(t, "First", 2, haven.PriorityNormal)
	o := &haven.Organisation{Kind: haven.OrgReferralPartner, Name: "Another referral partner", Country: "CH"}
	if err := f.app.Programme.CreateOrganisation(f.ctx, f.admin, o); err != nil {
		t.Fatal(err)
	}
	u := &haven.User{OrgID: o.ID, Role: haven.RoleCaseworker, Username: "other-referrer", DisplayName: "Other"}
	if _, err := f.app.Programme.CreateUser(f.ctx, f.admin, u); err != nil {
		t.Fatal(err)
	}
	second := referral("Second", 2, haven.PriorityNormal)
	second.UNHCRNumber = first.UNHCRNumber
	if err := f.app.Cases.CreateReferral(f.ctx, haven.Actor{UserID: u.ID}, second); err != nil {
		t.Fatal(err)
	}
	visa := f.browser(t)
	visa.signIn(f.users[haven.OrgVisaOffice])
	_, body := visa.get("/cases/" + string(second.ID))
	words := func(body string) string { return strings.Join(strings.Fields(text(body)), " ") }
	if !strings.Contains(words(body), "Possible duplicate of case "+string(first.ID)+" : matched on the UNHCR case number") ||
		!strings.Contains(body, `href="/cases/`+string(first.ID)+`"`) {
		t.Fatalf("the visa office's case page:\n%s", text(body))
	}
	_, body = visa.get("/cases/" + string(first.ID))
	if !strings.Contains(words(body), "Possible duplicate of case "+string(second.ID)) {
		t.Fatalf("the earlier case's page:\n%s", text(body))
	}
	r, body := visa.get("/cases?duplicates=yes")
	if r.StatusCode != 200 || !strings.Contains(body, string(first.ID)) || !strings.Contains(body, string(second.ID)) {
		t.Fatalf("the visa office's queue of possible duplicates: %d\n%s", r.StatusCode, text(body))
	}
	ref := f.browser(t)
	ref.signIn(f.users[haven.OrgReferralPartner])
	_, body = ref.get("/cases/" + string(first.ID))
	if strings.Contains(text(body), "Possible duplicate") || strings.Contains(body, string(second.ID)) {
		t.Fatalf("the referrer's case page tells of the other case:\n%s", text(body))
	}
	if r, _ := ref.get("/cases?duplicates=yes"); r.StatusCode != http.StatusForbidden {
		t.Fatalf("the referrer asks for possible duplicates: %d", r.StatusCode)
	}
}
