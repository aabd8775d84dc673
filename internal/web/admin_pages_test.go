package web_test

import (
	"html"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/havenhrd/haven"
	"github.com/havenhrd/haven/internal/web"
)

// --- helpers of the administration tests ---

// programmeAdmin enrols, through the app, an administrator of the
// programme's administration with TOTP.
func (f *fixture) programmeAdmin(t *testing.T) *user {
	t.Helper()
	orgs := must(f.app.Programme.FindOrganisations(f.ctx, f.admin, haven.OrgProgrammeAdmin))
	if len(orgs) != 1 {
		t.Fatalf("%d programme administrations", len(orgs))
	}
	u := &haven.User{OrgID: orgs[0].ID, Role: haven.RoleAdmin, Username: "programme-admin", DisplayName: "Aline Tremblay"}
	enrol := must(f.app.Programme.CreateUser(f.ctx, f.admin, u))
	step := must(f.app.Accounts.Enrol(f.ctx, enrol, password))
	secret, _, next, err := f.app.Accounts.EnrolTOTPBegin(f.ctx, step.ID)
	if err != nil {
		t.Fatal(err)
	}
	codes := must(f.app.Accounts.EnrolTOTPFinish(f.ctx, next.ID, f.code(secret)))
	return &user{name: u.Username, secret: secret, codes: codes, actor: haven.Actor{UserID: u.ID}}
}

// approved takes a new referral of size persons to approval in the app
// clock's year, as the visa office.
func (f *fixture) approved(t *testing.T, tag string, size int) *haven.Case {
	t.Helper()
	c := f.refer(t, tag, size, haven.PriorityNormal)
	visa := f.users[haven.OrgVisaOffice].actor
	must(f.app.Cases.OpenFile(f.ctx, visa, c.ID))
	must(f.app.Cases.StartEligibility(f.ctx, visa, c.ID))
	must(f.app.Cases.RecordAssessment(f.ctx, visa, c.ID, &haven.EligibilityAssessment{OutsideCountry: true, WellFoundedFear: true,
		NoInternalFlight: true, NoDurableSolution: true, Grounds: []haven.Ground{haven.GroundPoliticalOpinion}}))
	must(f.app.Cases.StartAdmissibility(f.ctx, visa, c.ID))
	f.passChecks(t, c.ID)
	must(f.app.Cases.ConfirmAdmissible(f.ctx, visa, c.ID))
	return must(f.app.Cases.Approve(f.ctx, visa, c.ID, haven.ApproveInput{}))
}

// rules reads a year's rules through the app, as the first administrator.
func (f *fixture) rules(t *testing.T, year int) *haven.ProgrammeRules {
	t.Helper()
	return must(f.app.Programme.FindRules(f.ctx, f.admin, year))
}

var hiddenInput = regexp.MustCompile(`<input type="hidden" name="([^"]+)" value="([^"]*)">`)

// formIn returns the hidden fields of the form of body that posts to
// action (the CSRF token excepted: the browser adds its own).
func formIn(t *testing.T, body, action string) url.Values {
	t.Helper()
	i := strings.Index(body, `action="`+action+`"`)
	if i < 0 {
		t.Fatalf("no form posts to %s:\n%s", action, body)
	}
	form := body[i:]
	form = form[:strings.Index(form, "</form>")]
	out := url.Values{}
	for _, m := range hiddenInput.FindAllStringSubmatch(form, -1) {
		if m[1] != "csrf" {
			out.Add(m[1], html.UnescapeString(m[2]))
		}
	}
	return out
}

// codeText returns the text of <code id="id"...>.
func codeText(body, id string) string {
	m := regexp.MustCompile(`<code id="` + regexp.QuoteMeta(id) + `"[^>]*>([^<]*)</code>`).FindStringSubmatch(body)
	if m == nil {
		return ""
	}
	return html.UnescapeString(m[1])
}

// rulesForm is the rules form filled as r, with changes.
func rulesForm(r *haven.ProgrammeRules, set map[string]string) url.Values {
	f := url.Values{"cap": {strconv.Itoa(r.Cap)}}
	for _, k := range r.ReferrerKinds {
		f.Add("referrer_kinds", string(k))
	}
	for _, id := range r.Referrers {
		f.Add("referrers", string(id))
	}
	for id, n := range r.Allocations {
		f.Set("alloc_"+string(id), strconv.Itoa(n))
	}
	for p, n := range r.TargetDays {
		f.Set("target_"+string(p), strconv.Itoa(n))
	}
	for st, byPriority := range r.StageDays {
		for p, n := range byPriority {
			f.Set("stage_"+string(st)+"_"+string(p), strconv.Itoa(n))
		}
	}
	f.Set("handover_days", strconv.Itoa(r.HandoverDays))
	for k, v := range set {
		f.Set(k, v)
	}
	return f
}

// wantIn fails the test when body lacks any of wants.
func wantIn(t *testing.T, what, body string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(body, w) {
			t.Errorf("%s lacks %q", what, w)
		}
	}
	if t.Failed() {
		t.Fatalf("%s:\n%s", what, body)
	}
}

// --- the tests ---

func TestAdminChangesNextYearsCap(t *testing.T) {
	f := newFixture(t, false)
	adm := f.programmeAdmin(t)
	b := f.browser(t)
	b.signIn(adm)
	year := time.Now().UTC().Year() + 1
	y := strconv.Itoa(year)
	fld := f.orgs[haven.OrgProtectionPartner]

	_, body := b.get("/admin")
	wantIn(t, "the administration's home", body, `href="/admin/rules"`, `href="/admin/organisations"`, `href="/admin/users"`,
		`href="/admin/tokens"`, `href="/cap"`, `href="/account"`)
	_, body = b.get("/admin/rules")
	wantIn(t, "the list of years", body, `href="/admin/rules/2021"`, `href="/admin/rules/`+y+`"`, "<caption>Years with rules")
	r, body := b.get("/admin/rules/" + y)
	wantIn(t, "the year's rules", body, "Programme rules of "+y, "500 persons", "Referral partner", "by Haven, when it was installed",
		`href="/admin/rules/`+y+`/change"`, `href="/cap?year=`+y+`"`, `<th scope="row">Emergency</th><td class="num">7</td>`,
		`<dt>Handover time after arrival</dt><dd>30 days after arrival</dd>`)
	if r.StatusCode != 200 {
		t.Fatalf("year page: %d", r.StatusCode)
	}
	_, body = b.get("/admin/rules/" + y + "/change")
	handover, _ := value(body, "handover_days")
	if v, _ := value(body, "cap"); v != "500" || handover != "30" || !strings.Contains(body, `id="referrer-`+string(fld.ID)+`"`) ||
		!strings.Contains(body, `name="referrer_kinds" value="referral_partner" checked`) {
		t.Fatalf("the form is not filled with the current rules:\n%s", body)
	}

	// A malformed number is refused by the page; an emergency target over
	// 7 days by the app's rules; what was typed stays.
	cur := f.rules(t, year)
	r, body = b.post("/admin/rules/"+y+"/change", rulesForm(cur, map[string]string{"cap": "many"}))
	wantIn(t, "a malformed cap", body, `<a href="#cap">Enter a whole number`, `id="cap-error"`, `value="many"`)
	if r.StatusCode != http.StatusBadRequest || !strings.HasPrefix(title(body), "Error: ") {
		t.Fatalf("a malformed cap: %d %q", r.StatusCode, title(body))
	}
	r, body = b.post("/admin/rules/"+y+"/change", rulesForm(cur, map[string]string{"target_emergency": "10"}))
	wantIn(t, "an emergency target of 10 days", body, `<a href="#target_emergency">An emergency departs within 7 days`)
	for _, n := range []string{"366", "-1"} {
		r, body = b.post("/admin/rules/"+y+"/change", rulesForm(cur, map[string]string{"handover_days": n}))
		wantIn(t, "a handover time of "+n+" days", body, `<a href="#handover_days">Enter a handover time from 0 to 365 days after arrival`,
			`id="handover_days-error"`, `value="`+n+`"`, `aria-describedby="handover_days-hint handover_days-error"`)
		if r.StatusCode != http.StatusBadRequest {
			t.Fatalf("a handover time of %s days: %d", n, r.StatusCode)
		}
	}
	// Every problem in one pass: a cap and a stage budget the page cannot
	// read no longer hide an emergency target over 7 days, a handover
	// time out of range or a normal target of 0; each beside its field,
	// saying what the field takes. The allocations are not judged against
	// a cap the page could not read.
	r, body = b.post("/admin/rules/"+y+"/change", rulesForm(cur, map[string]string{"cap": "many", "target_emergency": "10",
		"handover_days": "400", "target_normal": "0", "stage_file_emergency": "2.5", "alloc_" + string(fld.ID): "100"}))
	if links := errorLinks(body); r.StatusCode != http.StatusBadRequest ||
		!slices.Equal(slices.Sorted(slices.Values(links)), []string{"cap", "handover_days", "stage_file_emergency", "target_emergency", "target_normal"}) {
		t.Fatalf("five problems at once: %d %v\n%s", r.StatusCode, links, text(body))
	}
	wantIn(t, "five problems at once", body, `<a href="#cap">Enter a whole number of persons from 0 to 1,000,000`,
		`<a href="#stage_file_emergency">Enter a whole number of days from 1 to 3650`, `<a href="#target_emergency">An emergency departs within 7 days`,
		`<a href="#handover_days">Enter a handover time from 0 to 365 days`, `<a href="#target_normal">Enter a target from 1 to 3650 days`)
	if strings.Contains(body, "add up to more than the cap") {
		t.Fatalf("allocations judged against an unread cap:\n%s", text(body))
	}
	// Nothing changed: said so, and no confirmation.
	r, body = b.post("/admin/rules/"+y+"/change", rulesForm(cur, nil))
	if r.StatusCode != http.StatusBadRequest || !strings.Contains(body, "Nothing is changed.") || strings.Contains(body, `action="/admin/rules/`+y+`"`) {
		t.Fatalf("an unchanged form: %d\n%s", r.StatusCode, body)
	}

	// The confirmation page names every change; nothing is saved yet.
	change := rulesForm(cur, map[string]string{"cap": "450", "alloc_" + string(fld.ID): "100", "target_urgent": "30", "handover_days": "60"})
	change.Add("referrers", string(fld.ID))
	r, body = b.post("/admin/rules/"+y+"/change", change)
	wantIn(t, "the confirmation page", body, "Check the changes to the rules of "+y,
		`<tr><th scope="row">Cap</th><td>500 persons</td><td>450 persons</td></tr>`,
		`<tr><th scope="row">Organisation: Front Line Defenders</th><td>May not refer</td><td>May refer</td></tr>`,
		`<tr><th scope="row">Allocation of Front Line Defenders</th><td>None</td><td>100 persons</td></tr>`,
		`<tr><th scope="row">Target time (Urgent)</th><td>42 days</td><td>30 days</td></tr>`,
		`<tr><th scope="row">Handover time after arrival</th><td>30 days</td><td>60 days</td></tr>`,
		"The rules of "+y+" become version 2.")
	if got := f.rules(t, year); got.Version != 1 || got.Cap != 500 {
		t.Fatalf("the confirmation page changed the rules: %+v", got)
	}
	confirm := formIn(t, body, "/admin/rules/"+y)
	// Going back shows the form with the values typed.
	_, back := b.post("/admin/rules/"+y+"/change", formIn(t, body, "/admin/rules/"+y+"/change"))
	if v, _ := value(back, "cap"); v != "450" {
		t.Fatalf("back to the form: cap %q\n%s", v, back)
	}
	// Confirmed: a new version, made by the administrator.
	r, body = b.post("/admin/rules/"+y, confirm)
	if r.Request.URL.Path != "/admin/rules/"+y || !strings.Contains(body, "The rules of "+y+" are saved as version 2.") {
		t.Fatalf("saving ended at %s:\n%s", r.Request.URL, body)
	}
	wantIn(t, "the new rules", body, "450 persons", "by you", "Front Line Defenders", `<td class="num">100</td>`, "60 days after arrival")
	got := f.rules(t, year)
	if got.Version != 2 || got.Cap != 450 || got.Allocations[fld.ID] != 100 || got.TargetDays[haven.PriorityUrgent] != 30 || got.HandoverDays != 60 ||
		len(got.Referrers) != 1 || got.Referrers[0] != fld.ID || got.ChangedBy != adm.actor.UserID {
		t.Fatalf("the app's rules after the change: %+v", got)
	}
	// The same confirmation again, made against version 1: refused, and
	// nothing is overwritten.
	confirm.Set("cap", "400")
	r, body = b.post("/admin/rules/"+y, confirm)
	if r.StatusCode != http.StatusConflict || !strings.Contains(body, "Someone else changed these rules") || f.rules(t, year).Version != 2 {
		t.Fatalf("a stale confirmation: %d\n%s", r.StatusCode, body)
	}
}

func TestAdminCapBelowApproved(t *testing.T) {
	f := newFixture(t, false)
	f.approved(t, "Floor", 2)
	year := f.clock.Now().Year()
	y := strconv.Itoa(year)
	b := f.browser(t)
	b.signIn(f.programmeAdmin(t))
	_, body := b.get("/admin/rules/" + y + "/change")
	wantIn(t, "the form", body, "It cannot go below 2: the persons already approved or arrived.")
	cur := f.rules(t, year)
	_, body = b.post("/admin/rules/"+y+"/change", rulesForm(cur, map[string]string{"cap": "1"}))
	r, body := b.post("/admin/rules/"+y, formIn(t, body, "/admin/rules/"+y))
	if r.StatusCode != http.StatusConflict || !strings.HasPrefix(title(body), "Error: ") {
		t.Fatalf("a cap below the approved persons: %d %q", r.StatusCode, title(body))
	}
	wantIn(t, "the refusal", body,
		`<a href="#cap">The cap cannot be set below the persons already approved or arrived this year</a>`, `id="cap-error"`, `value="1"`)
	if got := f.rules(t, year); got.Version != cur.Version || got.Cap != 500 {
		t.Fatalf("the refused change changed the rules: %+v", got)
	}
	if fig := must(f.app.Programme.CapFigures(f.ctx, f.admin, year)); fig.Cap != 500 || fig.Reserved != 2 {
		t.Fatalf("the refused change changed the ledger: %+v", fig)
	}
}

func TestAdminAddsOrganisationAndUser(t *testing.T) {
	f := newFixture(t, false)
	b := f.browser(t)
	b.signIn(f.programmeAdmin(t))
	_, body := b.get("/admin/organisations")
	wantIn(t, "the organisations", body, `<th scope="row">IRCC Nairobi</th><td>Visa office</td>`, "<caption>The 7 organisations")

	// Problems beside their fields, what was typed kept.
	r, body := b.post("/admin/organisations", url.Values{"kind": {""}, "name": {"Welcome Place"}, "country": {"CA"}})
	wantIn(t, "an organisation without a kind", body, `<a href="#kind">Choose the kind of organisation</a>`, `value="Welcome Place"`)
	// No kind hides nothing else: a name too long and a wrong country are
	// said with it, the name's limit and length named.
	r, body = b.post("/admin/organisations", url.Values{"kind": {""}, "name": {strings.Repeat("W", 201)}, "country": {"Canada"}})
	if links := errorLinks(body); r.StatusCode != http.StatusBadRequest || !slices.Equal(slices.Sorted(slices.Values(links)), []string{"country", "kind", "name"}) {
		t.Fatalf("no kind, a name too long, a wrong country: %d %v\n%s", r.StatusCode, links, text(body))
	}
	wantIn(t, "no kind, a name too long, a wrong country", body, "use at most 200 characters; you typed 201")
	r, body = b.post("/admin/organisations", url.Values{"kind": {"settlement_organisation"}, "name": {"Welcome Place"}, "country": {"Canada"}})
	if r.StatusCode != http.StatusBadRequest {
		t.Fatalf("a bad country: %d", r.StatusCode)
	}
	wantIn(t, "a bad country", body, `<a href="#country">Enter a two-letter country code`, `<option value="settlement_organisation" selected>`)
	r, body = b.post("/admin/organisations", url.Values{"kind": {"settlement_organisation"}, "name": {"Welcome Place Winnipeg"}, "country": {"ca"}})
	if r.Request.URL.Path != "/admin/organisations" {
		t.Fatalf("adding an organisation ended at %s", r.Request.URL)
	}
	wantIn(t, "the list after adding", body, "Welcome Place Winnipeg is added.", `<th scope="row">Welcome Place Winnipeg</th>`)
	var added *haven.Organisation
	for _, o := range must(f.app.Programme.FindOrganisations(f.ctx, f.admin, haven.OrgSettlementOrganisation)) {
		if o.Name == "Welcome Place Winnipeg" {
			added = o
		}
	}
	if added == nil || added.Country != "CA" {
		t.Fatalf("the app has no new organisation: %+v", added)
	}

	// A user of it: the enrolment link is shown once, on the answer.
	_, body = b.get("/admin/users")
	wantIn(t, "the users page", body, `<option value="`+string(added.ID)+`">Welcome Place Winnipeg (Settlement organisation)</option>`)
	form := url.Values{"org_id": {string(added.ID)}, "role": {"caseworker"}, "username": {"Amara.O"}, "display_name": {"Amara Okafor"}}
	r, body = b.post("/admin/users", form)
	link := codeText(body, "enrolment-link")
	if r.StatusCode != 200 || !strings.HasPrefix(link, origin+"/enrol?secret=he_") {
		t.Fatalf("adding a user: %d, link %q\n%s", r.StatusCode, link, body)
	}
	wantIn(t, "the link page", body, "This is the only time this link is shown.", "trusted channel", "amara.o", "Welcome Place Winnipeg")
	secret := must(url.Parse(link)).Query().Get("secret")
	if strings.Contains(f.logs.String(), secret) {
		t.Fatal("the enrolment secret is in the log")
	}
	// A reload shows no link: the page is the empty form, or the form sent
	// again, which the app refuses since the username is taken.
	_, body = b.get("/admin/users")
	if strings.Contains(body, secret) || strings.Contains(body, "enrolment-link") {
		t.Fatal("the users page shows the link again")
	}
	r, body = b.post("/admin/users", form)
	if r.StatusCode != http.StatusConflict || strings.Contains(body, "he_") ||
		!strings.Contains(body, `<a href="#username">This username is taken. Choose another.</a>`) {
		t.Fatalf("the form sent again: %d\n%s", r.StatusCode, body)
	}
	// No role hides nothing else: a username and a name the app refuses
	// are said with it, each beside its field.
	b.get("/admin/users")
	r, body = b.post("/admin/users", url.Values{"org_id": {string(added.ID)}, "username": {"a b"}, "display_name": {""}})
	if links := errorLinks(body); r.StatusCode != http.StatusBadRequest || !slices.Equal(slices.Sorted(slices.Values(links)), []string{"display_name", "role", "username"}) ||
		!strings.Contains(body, `id="username-error"`) || !strings.Contains(body, `id="display_name-error"`) {
		t.Fatalf("no role, a wrong username, no name: %d %v\n%s", r.StatusCode, links, text(body))
	}
	// The link leads to the enrolment page, and sets the account up.
	nb := f.browser(t)
	r, body = nb.get(strings.TrimPrefix(link, origin))
	if r.StatusCode != 200 || !strings.Contains(body, `name="secret" value="`+secret+`"`) {
		t.Fatalf("the enrolment link: %d\n%s", r.StatusCode, body)
	}
	r, _ = nb.post("/enrol", url.Values{"secret": {secret}, "password": {password}, "password_confirm": {password}})
	if r.Request.URL.Path != "/enrol/factor" {
		t.Fatalf("enrolling with the link ended at %s", r.Request.URL)
	}
}

func TestAdminDisablesUser(t *testing.T) {
	f := newFixture(t, false)
	victim := f.users[haven.OrgSettlementOrganisation]
	vb := f.browser(t)
	vb.signIn(victim)
	token, _ := must2(f.app.Accounts.CreateAPIToken(f.ctx, f.admin, victim.actor.UserID, "Settlement system", 24*time.Hour))

	b := f.browser(t)
	b.signIn(f.programmeAdmin(t))
	_, body := b.get("/admin/users/disable")
	wantIn(t, "the form that finds a user", body, `action="/admin/users/disable"`, `method="get"`, `name="username"`)
	r, body := b.get("/admin/users/disable?username=nobody")
	if r.StatusCode != http.StatusNotFound {
		t.Fatalf("an unknown user: %d", r.StatusCode)
	}
	wantIn(t, "an unknown user", body, `<a href="#username">No user has this username</a>`, `value="nobody"`)
	_, body = b.get("/admin/users/disable?username=" + victim.name)
	wantIn(t, "the confirmation", body, "Disable a user", "COSTI Toronto", "Worker "+victim.name, "Every session of theirs ends at once",
		"The API tokens that act as them stop working at once.", `action="/admin/users/disable"`)
	if r, _ := vb.get("/"); r.Request.URL.Path != "/" {
		t.Fatal("the confirmation page disabled the user")
	}
	r, body = b.post("/admin/users/disable", formIn(t, body, "/admin/users/disable"))
	if r.Request.URL.Path != "/admin/users/disable" {
		t.Fatalf("disabling ended at %s", r.Request.URL)
	}
	wantIn(t, "after disabling", body, "The user is disabled", "Disabled on ", "This account is disabled.")
	// Their next page goes to sign-in, and they cannot sign in again.
	if r, _ := vb.get("/cases"); r.Request.URL.Path != "/signin" {
		t.Fatalf("the disabled user's next page is %s", r.Request.URL)
	}
	if _, err := f.app.Accounts.SignIn(f.ctx, victim.name, password, "test"); haven.ErrorCodeOf(err) != haven.EUNAUTHORIZED {
		t.Fatalf("a disabled user signs in: %v", err)
	}
	if _, err := f.app.Accounts.AuthenticateToken(f.ctx, token); err == nil {
		t.Fatal("the disabled user's API token still works")
	}
}

func TestAdminIssuesNewEnrolment(t *testing.T) {
	f := newFixture(t, false)
	u := f.users[haven.OrgVisaOffice]
	ub := f.browser(t)
	ub.signIn(u)
	b := f.browser(t)
	b.signIn(f.programmeAdmin(t))
	_, body := b.get("/admin/users/enrolment?username=" + u.name)
	wantIn(t, "the confirmation", body, "Issue a new enrolment link", "IRCC Nairobi",
		"Their passkeys, authenticator app and recovery codes are removed at once.", `action="/admin/users/enrolment"`)
	if r, _ := ub.get("/"); r.Request.URL.Path != "/" {
		t.Fatal("the confirmation page ended the user's session")
	}
	// A confirmation whose ID is not the username's user is refused.
	forged := formIn(t, body, "/admin/users/enrolment")
	forged.Set("user_id", string(f.users[haven.OrgReferralPartner].actor.UserID))
	if r, _ := b.post("/admin/users/enrolment", forged); r.StatusCode != http.StatusNotFound {
		t.Fatalf("a forged confirmation: %d", r.StatusCode)
	}
	r, body := b.post("/admin/users/enrolment", formIn(t, body, "/admin/users/enrolment"))
	link := codeText(body, "enrolment-link")
	if r.StatusCode != 200 || !strings.HasPrefix(link, origin+"/enrol?secret=he_") || !strings.Contains(body, "A new enrolment link is ready") {
		t.Fatalf("issuing a link: %d\n%s", r.StatusCode, body)
	}
	if r, _ := ub.get("/"); r.Request.URL.Path != "/signin" {
		t.Fatal("the user's session survived the new enrolment")
	}
	if _, err := f.app.Accounts.SignIn(f.ctx, u.name, password, "test"); err == nil {
		t.Fatal("the user signs in without any second factor")
	}
}

func TestAdminTokens(t *testing.T) {
	f := newFixture(t, false)
	b := f.browser(t)
	b.signIn(f.programmeAdmin(t))
	_, body := b.get("/admin/tokens")
	wantIn(t, "the tokens page", body, `action="/admin/tokens"`, `href="/admin/tokens/revoke"`)
	r, body := b.post("/admin/tokens", url.Values{"username": {"nobody"}, "name": {"Export"}, "days": {"0"}})
	if r.StatusCode != http.StatusBadRequest {
		t.Fatalf("a bad token form: %d", r.StatusCode)
	}
	wantIn(t, "a bad token form", body, `<a href="#username">No user has this username</a>`)
	// An unknown username hides nothing else: the lifetime and a missing
	// name are said with it.
	if links := errorLinks(body); !slices.Equal(slices.Sorted(slices.Values(links)), []string{"days", "username"}) {
		t.Fatalf("a bad token form: %v\n%s", links, text(body))
	}
	r, body = b.post("/admin/tokens", url.Values{"username": {""}, "name": {""}, "days": {"a month"}})
	if links := errorLinks(body); r.StatusCode != http.StatusBadRequest || !slices.Equal(slices.Sorted(slices.Values(links)), []string{"days", "name", "username"}) {
		t.Fatalf("no username, no name, a lifetime not a number: %d %v\n%s", r.StatusCode, links, text(body))
	}
	wantIn(t, "no username, no name, a lifetime not a number", body, `<a href="#days">Enter a whole number of days from 1 to 366</a>`)
	r, body = b.post("/admin/tokens", url.Values{"username": {"referral-partner"}, "name": {"Export"}, "days": {"400"}})
	wantIn(t, "too long a lifetime", body, `<a href="#days">Choose a lifetime from 1 to 366 days</a>`, `value="Export"`)

	r, body = b.post("/admin/tokens", url.Values{"username": {"referral-partner"}, "name": {"UNHCR export"}, "days": {"30"}})
	token, id := codeText(body, "api-token"), codeText(body, "token-id")
	if r.StatusCode != 200 || !strings.HasPrefix(token, "ht_") || !strings.HasPrefix(id, "tok_") {
		t.Fatalf("making a token: %d\n%s", r.StatusCode, body)
	}
	wantIn(t, "the token page", body, "This is the only time this token is shown.", "UNHCR Ankara", "30 days")
	if a, err := f.app.Accounts.AuthenticateToken(f.ctx, token); err != nil || a.UserID != f.users[haven.OrgReferralPartner].actor.UserID {
		t.Fatalf("the new token: %v %v", a, err)
	}
	if _, body = b.get("/admin/tokens"); strings.Contains(body, token) {
		t.Fatal("the token is shown again")
	}
	// Revocation: its own confirmation page, then at once.
	_, body = b.get("/admin/tokens/revoke?id=" + id)
	wantIn(t, "the revocation page", body, id, "can no longer reach Haven", `action="/admin/tokens/revoke"`)
	if _, err := f.app.Accounts.AuthenticateToken(f.ctx, token); err != nil {
		t.Fatal("the confirmation page revoked the token")
	}
	r, body = b.post("/admin/tokens/revoke", formIn(t, body, "/admin/tokens/revoke"))
	if r.Request.URL.Path != "/admin/tokens" || !strings.Contains(body, "The API token "+id+" is revoked.") {
		t.Fatalf("revoking ended at %s:\n%s", r.Request.URL, body)
	}
	if _, err := f.app.Accounts.AuthenticateToken(f.ctx, token); err == nil {
		t.Fatal("the revoked token still works")
	}
	r, body = b.post("/admin/tokens/revoke", url.Values{"id": {id}})
	if r.StatusCode != http.StatusConflict || !strings.Contains(body, `<a href="#id">This API token is revoked already</a>`) {
		t.Fatalf("revoking twice: %d\n%s", r.StatusCode, body)
	}
	r, body = b.post("/admin/tokens/revoke", url.Values{"id": {"tok_nosuchtoken"}})
	if r.StatusCode != http.StatusNotFound || !strings.Contains(body, `<a href="#id">No API token has this ID</a>`) {
		t.Fatalf("an unknown token: %d\n%s", r.StatusCode, body)
	}
	// The notice names only a token ID, never other text a link carries.
	if _, body = b.get("/admin/tokens?revoked=Call+0800+now"); strings.Contains(text(body), "0800") {
		t.Fatal("the notice shows text from the link")
	}
}

func TestAdminFormsNeedCSRF(t *testing.T) {
	f := newFixture(t, false)
	b := f.browser(t)
	b.signIn(f.programmeAdmin(t))
	b.get("/admin/users")
	form := url.Values{"org_id": {string(f.orgs[haven.OrgVisaOffice].ID)}, "role": {"caseworker"}, "username": {"forged"}, "display_name": {"Forged"}}
	for name, tc := range map[string]struct {
		csrf    string
		headers map[string]string
	}{
		"no token":   {"", nil},
		"cross-site": {b.csrf(), map[string]string{"Sec-Fetch-Site": "cross-site", "Origin": "https://evil.example"}},
	} {
		form.Set("csrf", tc.csrf)
		b.headers = tc.headers
		r, body := b.post("/admin/users", form)
		if r.StatusCode != http.StatusForbidden || strings.Contains(body, "enrolment-link") {
			t.Errorf("%s: %d", name, r.StatusCode)
		}
	}
	b.headers = nil
	if _, err := f.app.Programme.FindUserByUsername(f.ctx, "forged"); err == nil {
		t.Fatal("a forged form added a user")
	}
}

// adminGets and adminPosts are every administration page.
var (
	adminGets = []string{"/admin", "/admin/rules", "/admin/rules/2026", "/admin/rules/2026/change", "/admin/organisations",
		"/admin/users", "/admin/users/disable", "/admin/users/disable?username=visa-office", "/admin/users/enrolment",
		"/admin/users/enrolment?username=visa-office", "/admin/tokens", "/admin/tokens/revoke", "/admin/tokens/revoke?id=tok_x"}
	adminPosts = []string{"/admin/rules/2026", "/admin/rules/2026/change", "/admin/organisations", "/admin/users",
		"/admin/users/disable", "/admin/users/enrolment", "/admin/tokens", "/admin/tokens/revoke"}
)

func TestAdminPagesRefusedToOthers(t *testing.T) {
	f := newFixture(t, false)
	victim := f.users[haven.OrgVisaOffice]
	before := f.rules(t, 2026)
	for kind, u := range f.users {
		b := f.browser(t)
		b.signIn(u)
		for _, p := range adminGets {
			r, body := b.get(p)
			if r.StatusCode != http.StatusForbidden && r.StatusCode != http.StatusNotFound {
				t.Errorf("%s: GET %s: %d", kind, p, r.StatusCode)
			}
			if strings.Contains(body, "Worker visa-office") || strings.Contains(body, "500 persons") {
				t.Errorf("%s: GET %s shows administration data", kind, p)
			}
		}
		b.get("/")
		for _, p := range adminPosts {
			form := rulesForm(before, map[string]string{"cap": "1", "version": "1", "kind": "visa_office", "name": "Forged",
				"org_id": string(u.actor.OrgID), "role": "admin", "username": "forged-" + string(kind), "display_name": "Forged",
				"user_id": string(victim.actor.UserID), "days": "30", "id": "tok_x"})
			if r, _ := b.post(p, form); r.StatusCode != http.StatusForbidden && r.StatusCode != http.StatusNotFound {
				t.Errorf("%s: POST %s: %d", kind, p, r.StatusCode)
			}
		}
	}
	if got := f.rules(t, 2026); got.Version != before.Version || got.Cap != before.Cap {
		t.Fatalf("a forged POST changed the rules: %+v", got)
	}
	for _, o := range must(f.app.Programme.FindOrganisations(f.ctx, f.admin, "")) {
		if o.Name == "Forged" {
			t.Fatal("a forged POST added an organisation")
		}
	}
	if _, err := f.app.Programme.FindUserByUsername(f.ctx, "forged-visa_office"); err == nil {
		t.Fatal("a forged POST added a user")
	}
	if _, err := f.app.Accounts.SignIn(f.ctx, victim.name, password, "test"); err != nil {
		t.Fatalf("a forged POST disabled the user: %v", err)
	}
	// A stranger is sent to sign in.
	for _, p := range adminGets {
		if r, _ := f.browser(t).get(p); r.Request.URL.Path != "/signin" {
			t.Errorf("GET %s without a session ended at %s", p, r.Request.URL)
		}
	}
	// The administration's own GET pages change nothing.
	b := f.browser(t)
	b.signIn(f.programmeAdmin(t))
	for _, p := range adminGets {
		if r, _ := b.get(p); r.StatusCode != http.StatusOK {
			t.Errorf("administrator: GET %s: %d", p, r.StatusCode)
		}
	}
	if got := f.rules(t, 2026); got.Version != before.Version {
		t.Fatal("a GET changed the rules")
	}
	if _, err := f.app.Accounts.SignIn(f.ctx, victim.name, password, "test"); err != nil {
		t.Fatalf("a GET disabled or re-enrolled the user: %v", err)
	}
}

func TestAdminFrench(t *testing.T) {
	f := newFixture(t, false)
	f.approved(t, "Francais", 2)
	adm := f.programmeAdmin(t)
	// The fixture is made; what follows is slow (every page against every
	// English message) and touches nothing shared: it runs beside others.
	t.Parallel()
	b := f.browser(t)
	b.get("/signin?lang=fr")
	b.signIn(adm)
	pages := map[string]string{}
	for _, p := range adminGets {
		_, pages[p] = b.get(p)
	}
	cur := f.rules(t, 2026)
	_, pages["rules form error"] = b.post("/admin/rules/2026/change", rulesForm(cur, map[string]string{"cap": "beaucoup", "target_emergency": "9"}))
	_, pages["rules app error"] = b.post("/admin/rules/2026/change", rulesForm(cur, map[string]string{"target_emergency": "9"}))
	_, pages["rules handover error"] = b.post("/admin/rules/2026/change", rulesForm(cur, map[string]string{"handover_days": "400"}))
	if !strings.Contains(pages["rules handover error"], "Saisissez un délai de passation de 0 à 365 jours après l&#39;arrivée") {
		t.Errorf("the French refusal of the handover time:\n%s", pages["rules handover error"])
	}
	_, body := b.post("/admin/rules/2026/change", rulesForm(cur, map[string]string{"cap": "1", "alloc_" + string(f.orgs[haven.OrgReferralPartner].ID): "0"}))
	pages["rules confirmation"] = body
	_, pages["cap below"] = b.post("/admin/rules/2026", formIn(t, body, "/admin/rules/2026"))
	if !strings.Contains(pages["cap below"], "Le plafond ne peut pas être fixé sous le nombre de personnes déjà approuvées") {
		t.Errorf("the French refusal of the cap:\n%s", pages["cap below"])
	}
	_, pages["org error"] = b.post("/admin/organisations", url.Values{"kind": {"x"}, "name": {""}, "country": {"Canada"}})
	_, pages["user error"] = b.post("/admin/users", url.Values{"org_id": {string(f.orgs[haven.OrgVisaOffice].ID)}, "role": {"admin"},
		"username": {"Not Valid!"}, "display_name": {"Nom"}})
	_, pages["user taken"] = b.post("/admin/users", url.Values{"org_id": {string(f.orgs[haven.OrgVisaOffice].ID)}, "role": {"admin"},
		"username": {"visa-office"}, "display_name": {"Nom"}})
	_, pages["user link"] = b.post("/admin/users", url.Values{"org_id": {string(f.orgs[haven.OrgVisaOffice].ID)}, "role": {"supervisor"},
		"username": {"nouvelle"}, "display_name": {"Nouvelle Personne"}})
	_, pages["no such user"] = b.get("/admin/users/disable?username=personne")
	_, pages["token error"] = b.post("/admin/tokens", url.Values{"username": {"nouvelle"}, "name": {""}, "days": {"999"}})
	_, pages["token"] = b.post("/admin/tokens", url.Values{"username": {"nouvelle"}, "name": {"Exportation"}, "days": {"3"}})
	_, pages["revoke error"] = b.post("/admin/tokens/revoke", url.Values{"id": {"tok_inconnu"}})
	_, body = b.get("/admin/users/enrolment?username=nouvelle")
	_, pages["new link"] = b.post("/admin/users/enrolment", formIn(t, body, "/admin/users/enrolment"))
	_, body = b.get("/admin/users/disable?username=nouvelle")
	_, pages["disabled"] = b.post("/admin/users/disable", formIn(t, body, "/admin/users/disable"))
	for name, page := range pages {
		if !strings.Contains(page, `<html lang="fr">`) {
			t.Errorf("%s is not in French", name)
			continue
		}
		if en := englishIn(page); len(en) > 0 {
			t.Errorf("%s shows English: %v", name, en)
		}
	}
	// The toggle of a POST's answer leads to the same page in English.
	m := regexp.MustCompile(`<a href="([^"]+)" lang="en" hreflang="en">`).FindStringSubmatch(pages["org error"])
	if m == nil || !strings.HasPrefix(html.UnescapeString(m[1]), "/admin/organisations?") {
		t.Errorf("the toggle of a French answer: %v", m)
	}
}

// Every role has a name and a hint in both languages, and every key the Go
// code of these pages names is in both catalogues: the start-up check sees
// neither (enum, and keys outside the shared code's lists).
func TestAdminCatalogue(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	keyLit := regexp.MustCompile(`"((?:admin|account|err|common|priority|orgkind|code)\.[a-z_.]+[a-z_])"`)
	n := 0
	for _, name := range files {
		if !strings.HasPrefix(name, "admin_") && !strings.HasPrefix(name, "account_") || strings.HasSuffix(name, "_test.go") {
			continue
		}
		src := string(must(os.ReadFile(name)))
		for _, m := range keyLit.FindAllStringSubmatch(src, -1) {
			n++
			if web.MessagesEN[m[1]] == "" || web.MessagesFR[m[1]] == "" {
				t.Errorf("%s names key %q, not in both catalogues", name, m[1])
			}
		}
	}
	if n < 30 {
		t.Fatalf("only %d keys found in the code: is the pattern broken?", n)
	}
	for _, r := range haven.Roles {
		for _, k := range []string{"userrole." + string(r), "userrole_hint." + string(r)} {
			if web.MessagesEN[k] == "" || web.MessagesFR[k] == "" {
				t.Errorf("no message %s", k)
			}
		}
	}
}

func must2[A, B any](a A, b B, err error) (A, B) {
	if err != nil {
		panic(err)
	}
	return a, b
}

// TestAdminListsUsersAndFactors: the users page lists every user by
// organisation with their state and factors, and leads to a new enrolment
// link or to disabling each; a user awaiting enrolment and a disabled one
// say so; the same in French.
func TestAdminListsUsersAndFactors(t *testing.T) {
	f := newFixture(t, false)
	adm := f.programmeAdmin(t)
	f.newUser(t, f.orgs[haven.OrgVisaOffice], "waiting-officer")
	gone, _ := f.newUser(t, f.orgs[haven.OrgMedicalPartner], "gone-clerk")
	must(0, f.app.Accounts.DisableUser(f.ctx, f.admin, gone.UserID))
	b := f.browser(t)
	b.signIn(adm)
	r, body := b.get("/admin/users")
	checkPage(t, r, body)
	row := func(username string) string {
		i := strings.Index(body, "<code>"+username+"</code>")
		if i < 0 {
			t.Fatalf("no row for %s:\n%s", username, body)
		}
		return body[i : i+strings.Index(body[i:], "</tr>")]
	}
	wantIn(t, "the enrolled officer's row", row("visa-office"), "Active", "Passkeys: 0; authenticator app; recovery codes left: 10",
		`href="/admin/users/enrolment?username=visa-office"`, `href="/admin/users/disable?username=visa-office"`, orgNames[haven.OrgVisaOffice])
	wantIn(t, "the waiting officer's row", row("waiting-officer"), "Not yet enrolled", "Passkeys: 0; recovery codes left: 0")
	wantIn(t, "the disabled clerk's row", row("gone-clerk"), "Disabled on 2026-05-04")
	if strings.Contains(row("gone-clerk"), "/admin/users/disable") {
		t.Error("a disabled user is offered for disabling")
	}
	if strings.Contains(row("programme-admin"), "/admin/users/disable") {
		t.Error("the administrator is offered to disable their own account from the list")
	}
	// The row's link opens the enrolment page for that user.
	r, body = b.get("/admin/users/enrolment?username=waiting-officer")
	if r.StatusCode != 200 || !strings.Contains(body, "waiting-officer") {
		t.Fatalf("the enrolment link page for a listed user: %d\n%s", r.StatusCode, body)
	}
	// Nobody else sees the list.
	vb := f.browser(t)
	vb.signIn(f.users[haven.OrgVisaOffice])
	if r, body := vb.get("/admin/users"); (r.StatusCode != http.StatusForbidden && r.StatusCode != http.StatusNotFound) || strings.Contains(body, "waiting-officer") {
		t.Fatalf("the visa office's users page: %d", r.StatusCode)
	}
	// In French.
	fb := f.browser(t)
	fb.get("/signin?lang=fr")
	fb.signIn(adm)
	_, fr := fb.get("/admin/users")
	wantIn(t, "the French list", fr, "Pas encore inscrit", "Clés d&#39;accès : 0; application d&#39;authentification; codes de récupération restants : 10")
	if en := englishIn(fr); len(en) > 0 {
		t.Errorf("the French users page shows English: %v", en)
	}
}

// TestAdminStageBudgets: the year's page shows the stage budgets, in
// English and French; the form changes one, names it on the confirmation,
// and refuses emergency budgets past the emergency's target beside them.
func TestAdminStageBudgets(t *testing.T) {
	f := newFixture(t, false)
	b := f.browser(t)
	b.signIn(f.programmeAdmin(t))
	year := time.Now().UTC().Year() + 1
	y := strconv.Itoa(year)
	_, body := b.get("/admin/rules/" + y)
	wantIn(t, "the year's stage budgets", body, "<caption>Time budget of each stage",
		`<tr><th scope="row">Admissibility</th><td class="num">3</td><td class="num">18</td><td class="num">150</td></tr>`)
	cur := f.rules(t, year)
	r, body := b.post("/admin/rules/"+y+"/change", rulesForm(cur, map[string]string{"stage_departure_emergency": "2"}))
	wantIn(t, "emergency budgets of 8 days", body, `<a href="#stage_file_emergency">The stage budgets of this priority add up to more than its target time`)
	if r.StatusCode != http.StatusBadRequest {
		t.Fatalf("emergency budgets of 8 days: %d", r.StatusCode)
	}
	_, body = b.post("/admin/rules/"+y+"/change", rulesForm(cur, map[string]string{"stage_admissibility_normal": "100"}))
	wantIn(t, "the confirmation", body, `<tr><th scope="row">Stage budget (Admissibility, Normal)</th><td>150 days</td><td>100 days</td></tr>`)
	b.post("/admin/rules/"+y, formIn(t, body, "/admin/rules/"+y))
	if got := f.rules(t, year); got.StageDays[haven.StageAdmissibility][haven.PriorityNormal] != 100 || got.StageDays[haven.StageFile][haven.PriorityEmergency] != 1 {
		t.Fatalf("saved stage budgets %v", got.StageDays)
	}
	b.get("/admin/rules/" + y + "?lang=fr")
	_, body = b.get("/admin/rules/" + y)
	wantIn(t, "the French stage budgets", body, "<caption>Délai de chaque étape",
		`<tr><th scope="row">Ouverture du dossier</th><td class="num">1</td><td class="num">3</td><td class="num">30</td></tr>`)
}
