package web_test

import (
	"bytes"
	"context"
	"fmt"
	"html"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/havenhrd/haven"
	"github.com/havenhrd/haven/internal/app"
	"github.com/havenhrd/haven/internal/auth"
	"github.com/havenhrd/haven/internal/store"
	"github.com/havenhrd/haven/internal/testdb"
	"github.com/havenhrd/haven/internal/vault"
	"github.com/havenhrd/haven/internal/web"
	"github.com/pquerna/otp/totp"
	"golang.org/x/mod/sumdb/note"
)

// The app layer's rooms are what the pages need: checked at compile time.
var (
	_ web.Accounts    = (*app.Accounts)(nil)
	_ web.Cases       = (*app.Cases)(nil)
	_ web.Nominations = (*app.Nominations)(nil)
	_ web.Programme   = (*app.Programme)(nil)
	_ haven.Clock     = (*app.App)(nil)
)

// rooms is the pages' configuration with a's rooms and clock.
func rooms(a *app.App, origin string) web.Config {
	return web.Config{Clock: a, Accounts: a.Accounts, Cases: a.Cases, Nominations: a.Nominations, Programme: a.Programme, Notices: a.Notices, Origin: origin}
}

const (
	origin   = "https://haven.test"
	password = "seven lanterns over the Red River at dusk"
)

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time      { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Add(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

// syncBuffer collects log lines from the server's goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}
func (s *syncBuffer) String() string { s.mu.Lock(); defer s.mu.Unlock(); return s.b.String() }

func must[T any](v T, err error) T {
	if err != nil {
		panic(err) // setup only: a broken fixture
	}
	return v
}

// user is an enrolled user of one organisation.
type user struct {
	name   string
	secret string // TOTP
	codes  []string
	actor  haven.Actor
}

// fixture is a real Haven (app on SQLite) behind the web pages, with an
// organisation and an enrolled user of each kind that does case work.
type fixture struct {
	ctx   context.Context
	app   *app.App
	clock *clock
	srv   *httptest.Server
	admin haven.Actor
	orgs  map[haven.OrgKind]*haven.Organisation
	users map[haven.OrgKind]*user
	logs  *syncBuffer
}

var orgNames = map[haven.OrgKind]string{
	haven.OrgReferralPartner:        "UNHCR Ankara",
	haven.OrgProtectionPartner:      "Front Line Defenders",
	haven.OrgVisaOffice:             "IRCC Nairobi",
	haven.OrgScreeningPartner:       "CBSA liaison",
	haven.OrgMedicalPartner:         "Panel clinic Istanbul",
	haven.OrgSettlementOrganisation: "COSTI Toronto",
}

func newFixture(t *testing.T, demo bool) *fixture {
	t.Helper()
	return newFixtureOn(t, demo, testdb.OpenSQLite(t))
}

// newFixtureOn is newFixture on the store s: a test that runs on every
// engine (testdb.Engines) opens each.
func newFixtureOn(t *testing.T, demo bool, s store.Store) *fixture {
	t.Helper()
	ctx := context.Background()
	keys := must(vault.GenerateKeyring(nil))
	v := must(vault.New(keys))
	sg := must(note.NewSigner(keys.AuditKey))
	cheap := auth.Params{Time: 1, Memory: 64, Threads: 1}
	h := must(auth.NewHasher(auth.HasherConfig{Params: cheap, Floor: cheap}))
	pk := must(auth.NewPasskeys(auth.PasskeyConfig{RPID: "haven.test", RPDisplayName: "Haven", Origins: []string{origin}}))
	f := &fixture{ctx: ctx, clock: &clock{t: time.Date(2026, 5, 4, 10, 0, 0, 0, time.UTC)},
		orgs: map[haven.OrgKind]*haven.Organisation{}, users: map[haven.OrgKind]*user{}, logs: &syncBuffer{}}
	f.app = app.New(app.Config{Store: s, Vault: v, AuditSigner: sg, Hasher: h, Passkeys: pk, Clock: f.clock})
	if err := f.app.Programme.Bootstrap(ctx); err != nil {
		t.Fatal(err)
	}
	admOrg := &haven.Organisation{Name: "Programme", Country: "CA"}
	adm := &haven.User{Username: "admin", DisplayName: "Admin"}
	must(f.app.Programme.CreateFirstAdmin(ctx, admOrg, adm))
	f.admin = haven.Actor{UserID: adm.ID}
	for _, kind := range []haven.OrgKind{haven.OrgReferralPartner, haven.OrgProtectionPartner, haven.OrgVisaOffice,
		haven.OrgScreeningPartner, haven.OrgMedicalPartner, haven.OrgSettlementOrganisation} {
		o := &haven.Organisation{Kind: kind, Name: orgNames[kind], Country: "CA"}
		if err := f.app.Programme.CreateOrganisation(ctx, f.admin, o); err != nil {
			t.Fatal(err)
		}
		f.orgs[kind] = o
		f.users[kind] = f.enrolTOTP(t, o, strings.ReplaceAll(string(kind), "_", "-"))
	}
	cfg := rooms(f.app, origin)
	cfg.Log, cfg.Demo = slog.New(slog.NewJSONHandler(f.logs, nil)), demo
	handler, err := web.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	f.srv = httptest.NewTLSServer(handler)
	t.Cleanup(f.srv.Close)
	return f
}

// newUser creates a caseworker of org and returns the enrolment secret.
func (f *fixture) newUser(t *testing.T, org *haven.Organisation, name string) (haven.Actor, string) {
	t.Helper()
	u := &haven.User{OrgID: org.ID, Role: haven.RoleCaseworker, Username: name, DisplayName: "Worker " + name}
	enrol, err := f.app.Programme.CreateUser(f.ctx, f.admin, u)
	if err != nil {
		t.Fatal(err)
	}
	return haven.Actor{UserID: u.ID}, enrol
}

// enrolTOTP makes a user of org enrolled with TOTP, through the app.
func (f *fixture) enrolTOTP(t *testing.T, org *haven.Organisation, name string) *user {
	t.Helper()
	actor, enrol := f.newUser(t, org, name)
	step := must(f.app.Accounts.Enrol(f.ctx, enrol, password))
	secret, _, next, err := f.app.Accounts.EnrolTOTPBegin(f.ctx, step.ID)
	if err != nil {
		t.Fatal(err)
	}
	codes := must(f.app.Accounts.EnrolTOTPFinish(f.ctx, next.ID, f.code(secret)))
	return &user{name: name, secret: secret, codes: codes, actor: actor}
}

// code returns the TOTP code of the next 30-second step: a code is taken
// once, so each use moves the clock on.
func (f *fixture) code(secret string) string {
	f.clock.Add(31 * time.Second)
	return must(totp.GenerateCode(secret, f.clock.Now()))
}

var serial int

// referral is a valid referral of a family of size; names carry tag.
func referral(tag string, size int, prio haven.Priority) *haven.Case {
	serial++
	c := &haven.Case{
		UNHCRNumber:        fmt.Sprintf("UNH-W-%05d", serial),
		SubmissionPriority: prio, ProcessingPriority: prio,
		PrimaryCategory:       haven.CategoryLegalPhysicalProtection,
		CategoryJustification: "Detained twice for " + tag + " reporting; further arrest imminent.",
		Grounds:               []haven.Ground{haven.GroundPoliticalOpinion, haven.GroundParticularSocialGroup},
		SocialGroups:          []haven.SocialGroup{haven.SocialGroupHumanRightsWork},
		NationalityCountries:  []string{"IR"}, AsylumCountry: "TR",
		Profile: haven.DefenderProfile{
			WorkAreas:     []haven.WorkArea{haven.WorkJournalism},
			Organisations: []string{"Press collective " + tag},
			ThreatEvents: []haven.ThreatEvent{{Type: haven.ThreatArbitraryDetention, Perpetrator: haven.PerpetratorState,
				Date: haven.Date{Year: 2025, Month: 11, Day: 3}, Place: "Evin prison " + tag, Description: "Held 40 days " + tag}},
		},
		PersecutionAccount: "Told of " + tag + ": arrested, beaten, charged with propaganda.",
		DeclaredSize:       size,
	}
	rels := []haven.Relationship{haven.RelPrincipal, haven.RelSpouse}
	for i := range size {
		// Children are under 22: a child 22 or over takes the dependent
		// adult child exception.
		rel, born := haven.RelChild, 2008+i
		if i < len(rels) {
			rel, born = rels[i], 1985+5*i
		}
		c.Members = append(c.Members, &haven.Member{
			Relationship: rel, Accompanying: true, FamilyName: "Family" + tag, GivenNames: fmt.Sprintf("Member%d %s", i, tag),
			DateOfBirth: haven.Date{Year: born, Month: 4, Day: 1 + i}, Sex: haven.SexFemale,
			Nationalities: []string{"IR"}, Languages: []string{"fa"}, Whereabouts: "Safe house near Van " + tag,
			Contact: "+90 555 " + tag, ConfidentialNotes: "Confidential note of " + tag,
		})
	}
	return c
}

// refer creates a referral as the referral partner.
func (f *fixture) refer(t *testing.T, tag string, size int, prio haven.Priority) *haven.Case {
	t.Helper()
	c := referral(tag, size, prio)
	if err := f.app.Cases.CreateReferral(f.ctx, f.users[haven.OrgReferralPartner].actor, c); err != nil {
		t.Fatal(err)
	}
	return c
}

// passChecks records passed checks of every traveller, as the visa office.
func (f *fixture) passChecks(t *testing.T, id haven.ID) {
	t.Helper()
	visa := f.users[haven.OrgVisaOffice].actor
	c := must(f.app.Cases.FindCaseByID(f.ctx, visa, id))
	valid := haven.DateOf(f.clock.Now().AddDate(1, 0, 0))
	for _, m := range c.Travellers() {
		for _, ch := range []*haven.Check{
			{MemberID: m.ID, Kind: haven.CheckMedical, Result: haven.ResultPassed, ValidUntil: valid, Details: "IME clear"},
			{MemberID: m.ID, Kind: haven.CheckSecurity, Result: haven.ResultPassed},
			{MemberID: m.ID, Kind: haven.CheckCriminality, Result: haven.ResultPassed},
		} {
			if _, err := f.app.Cases.RecordCheck(f.ctx, visa, id, ch); err != nil {
				t.Fatal(err)
			}
		}
	}
}

// --- the browser ---

// browser is one person's browser: a cookie jar, and the same-origin
// headers a browser sends with a form of Haven's own pages. Every HTML
// page it receives is checked for what every page must have.
type browser struct {
	t    *testing.T
	f    *fixture
	c    *http.Client
	last string // the last page's HTML
	// headers override the fetch metadata of the next POSTs.
	headers map[string]string
}

func (f *fixture) browser(t *testing.T) *browser {
	t.Helper()
	c := *f.srv.Client() // a client of its own: its own cookie jar
	c.Jar = must(cookiejar.New(nil))
	return &browser{t: t, f: f, c: &c}
}

// noRedirects makes the browser stop at redirects.
func (b *browser) noRedirects() *browser {
	c := *b.c
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return &browser{t: b.t, f: b.f, c: &c, last: b.last}
}

func (b *browser) do(req *http.Request) (*http.Response, string) {
	b.t.Helper()
	r, err := b.c.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	body := string(must(io.ReadAll(r.Body)))
	r.Body.Close()
	if strings.HasPrefix(r.Header.Get("Content-Type"), "text/html") {
		b.last = body
		checkPage(b.t, r, body)
	}
	return r, body
}

func (b *browser) get(path string) (*http.Response, string) {
	b.t.Helper()
	return b.do(must(http.NewRequest("GET", b.f.srv.URL+path, nil)))
}

// csrf is the CSRF token of the last page's forms.
func (b *browser) csrf() string {
	m := regexp.MustCompile(`name="csrf" value="([^"]+)"`).FindStringSubmatch(b.last)
	if m == nil {
		return ""
	}
	return m[1]
}

// post submits a form as Haven's own pages do, with the last page's CSRF
// token unless form sets its own.
func (b *browser) post(path string, form url.Values) (*http.Response, string) {
	b.t.Helper()
	if form == nil {
		form = url.Values{}
	}
	if _, ok := form["csrf"]; !ok {
		form.Set("csrf", b.csrf())
	}
	req := must(http.NewRequest("POST", b.f.srv.URL+path, strings.NewReader(form.Encode())))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	req.Header.Set("Origin", origin)
	for k, v := range b.headers {
		if v == "" {
			req.Header.Del(k)
		} else {
			req.Header.Set(k, v)
		}
	}
	return b.do(req)
}

// signIn signs u in through the forms and lands on the home page.
func (b *browser) signIn(u *user) string {
	b.t.Helper()
	b.get("/signin")
	r, body := b.post("/signin", url.Values{"username": {u.name}, "password": {password}})
	if r.StatusCode != 200 || r.Request.URL.Path != "/signin/factor" {
		b.t.Fatalf("sign-in: %d %s\n%s", r.StatusCode, r.Request.URL, body)
	}
	r, body = b.post("/signin/totp", url.Values{"code": {b.f.code(u.secret)}})
	if r.StatusCode != 200 || r.Request.URL.Path != "/" {
		b.t.Fatalf("second factor: %d %s\n%s", r.StatusCode, r.Request.URL, body)
	}
	return body
}

// caseState reads a case's state as the visa office sees it.
func (f *fixture) caseState(t *testing.T, id haven.ID) haven.CaseState {
	t.Helper()
	return must(f.app.Cases.FindCaseByID(f.ctx, f.users[haven.OrgVisaOffice].actor, id)).State
}

// --- what every page must have ---

var (
	scriptTag   = regexp.MustCompile(`(?i)<script\b[^>]*>`)
	styleAttr   = regexp.MustCompile(`(?i)\sstyle\s*=`)
	styleTag    = regexp.MustCompile(`(?i)<style\b`)
	handlerAttr = regexp.MustCompile(`(?i)\son[a-z]+\s*=`)
	jsURL       = regexp.MustCompile(`(?i)javascript:`)
	htmlLang    = regexp.MustCompile(`<html lang="(en|fr)">`)
	titleTag    = regexp.MustCompile(`<title>([^<]*)</title>`)
)

// checkPage checks what every HTML page must have: the CSP and no-store
// headers, no inline script, style or event handler, <html lang>, the
// language toggle to the other language, and the security marking on every
// page under /cases.
func checkPage(t *testing.T, r *http.Response, body string) {
	t.Helper()
	where := r.Request.Method + " " + r.Request.URL.Path
	if got := r.Header.Get("Content-Security-Policy"); got != web.ContentSecurityPolicy {
		t.Errorf("%s: CSP %q", where, got)
	}
	for _, part := range []string{"default-src 'none'", "style-src 'self'", "script-src 'self'", "img-src 'self'", "form-action 'self'", "frame-ancestors 'none'"} {
		if !strings.Contains(web.ContentSecurityPolicy, part) {
			t.Errorf("the CSP lacks %s", part)
		}
	}
	if r.Header.Get("Cache-Control") != "no-store" {
		t.Errorf("%s: Cache-Control %q", where, r.Header.Get("Cache-Control"))
	}
	for _, tag := range scriptTag.FindAllString(body, -1) {
		if !strings.Contains(tag, " src=") {
			t.Errorf("%s: inline script %s", where, tag)
		}
	}
	if strings.Contains(body, "<script>") {
		t.Errorf("%s: inline <script>", where)
	}
	for _, re := range []*regexp.Regexp{styleAttr, styleTag, handlerAttr, jsURL} {
		if m := re.FindString(body); m != "" {
			t.Errorf("%s: forbidden %q in the page", where, m)
		}
	}
	m := htmlLang.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("%s: no <html lang>:\n%s", where, body)
	}
	other := map[string]string{"en": "fr", "fr": "en"}[m[1]]
	if !strings.Contains(body, `hreflang="`+other+`"`) || !strings.Contains(body, "lang="+other) {
		t.Errorf("%s: no language toggle to %s", where, other)
	}
	if strings.HasPrefix(r.Request.URL.Path, "/cases") && r.StatusCode == 200 {
		if !strings.Contains(body, "Protected B") && !strings.Contains(body, "Protégé B") {
			t.Errorf("%s: case data without its security marking", where)
		}
	}
}

// title returns the page's <title>.
func title(body string) string {
	m := titleTag.FindStringSubmatch(body)
	if m == nil {
		return ""
	}
	return html.UnescapeString(m[1])
}

// text is the page's visible text, roughly: tags removed, entities decoded.
func text(body string) string {
	body = regexp.MustCompile(`(?s)<svg.*?</svg>`).ReplaceAllString(body, " ")
	return html.UnescapeString(regexp.MustCompile(`<[^>]*>`).ReplaceAllString(body, " "))
}

// value returns the value attribute of the input with id.
func value(body, id string) (string, bool) {
	m := regexp.MustCompile(`<input[^>]*id="` + regexp.QuoteMeta(id) + `"[^>]*value="([^"]*)"`).FindStringSubmatch(body)
	if m == nil {
		return "", false
	}
	return html.UnescapeString(m[1]), true
}
