package browser_test

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/havenhrd/haven"
	"github.com/havenhrd/haven/internal/app"
	"github.com/havenhrd/haven/internal/auth"
	"github.com/havenhrd/haven/internal/server"
	"github.com/havenhrd/haven/internal/testdb"
	"github.com/havenhrd/haven/internal/vault"
	"github.com/pquerna/otp/totp"
	"golang.org/x/mod/sumdb/note"
)

// password is every test user's passphrase.
const password = "seven lanterns over the Red River at dusk"

// orgNames are the organisations of the fixture, one of every kind that
// does case work (the programme's administration is made by
// CreateFirstAdmin). The names are invented.
var orgNames = map[haven.OrgKind]string{
	haven.OrgReferralPartner:        "UNHCR Ankara",
	haven.OrgProtectionPartner:      "Front Line Defenders",
	haven.OrgVisaOffice:             "IRCC Nairobi",
	haven.OrgScreeningPartner:       "CBSA liaison",
	haven.OrgMedicalPartner:         "Panel clinic Istanbul",
	haven.OrgSettlementOrganisation: "COSTI Toronto",
}

// fixture is a real Haven: the app on SQLite behind the HTTP server, which
// serves the API and the web pages, on 127.0.0.1 over TLS.
//
// Why TLS: every cookie of the pages is __Host- prefixed and Secure, which a
// browser keeps only from a secure origin. Chrome counts http://localhost
// as one, but "localhost" may resolve to ::1 as well as 127.0.0.1, and these
// tests contact 127.0.0.1 only. So the server is httptest's TLS server on
// 127.0.0.1 (a self-signed certificate), Chromium runs with
// --ignore-certificate-errors, and Haven's configured origin, which the
// same-origin checks compare with the browser's Origin header, is
// https://127.0.0.1:PORT: the port is known before the server starts, from
// its listener.
type fixture struct {
	ctx    context.Context
	app    *app.App
	clock  *clock
	origin string
	admin  haven.Actor
	orgs   map[haven.OrgKind]*haven.Organisation
	logs   *syncBuffer

	mu       sync.Mutex
	lastPost string // the last POST the browser sent, and its fetch metadata
}

// user is a user enrolled with a password and an authenticator app.
type user struct {
	name   string
	secret string // the TOTP secret
	actor  haven.Actor
	org    *haven.Organisation
}

// syncBuffer collects the log lines of the server's goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err) // setup only: a broken fixture
	}
	return v
}

// clock is Haven's clock in these tests: the wall clock, moved ahead by a
// skew that only a test sets (it lives in a _test.go file: no binary has
// it). Time runs as on the wall, so the browser signs in in real time, and
// a journey over days moves it ahead to each day's work.
type clock struct {
	mu   sync.Mutex
	skew time.Duration
}

// Now is the wall clock's time plus the skew, in UTC.
func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return time.Now().UTC().Add(c.skew)
}

// set moves the clock ahead to when; it never goes back.
func (c *clock) set(when time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if d := when.Sub(time.Now().UTC().Add(c.skew)); d > 0 {
		c.skew += d
	}
}

// newFixture starts Haven as server_test.go's fixture does, with the
// wall clock (until a test moves it ahead): the browser signs in in real
// time.
func newFixture(t *testing.T) *fixture {
	t.Helper()
	ctx := context.Background()
	keys := must(vault.GenerateKeyring(nil))
	v := must(vault.New(keys))
	sg := must(note.NewSigner(keys.AuditKey))
	cheap := auth.Params{Time: 1, Memory: 64, Threads: 1}
	h := must(auth.NewHasher(auth.HasherConfig{Params: cheap, Floor: cheap}))
	f := &fixture{ctx: ctx, clock: &clock{}, orgs: map[haven.OrgKind]*haven.Organisation{}, logs: &syncBuffer{}}
	f.app = app.New(app.Config{Store: testdb.OpenSQLite(t), Vault: v, AuditSigner: sg, Hasher: h, Clock: f.clock})
	if err := f.app.Programme.Bootstrap(ctx); err != nil {
		t.Fatal(err)
	}
	adm := &haven.User{Username: "admin", DisplayName: "Admin"}
	must(f.app.Programme.CreateFirstAdmin(ctx, &haven.Organisation{Name: "Resettlement programme", Country: "CA"}, adm))
	f.admin = haven.Actor{UserID: adm.ID}
	// The cap page and the approval form show the current year: make sure
	// it has rules whatever year the tests run in.
	year := time.Now().UTC().Year()
	if _, err := f.app.Programme.FindRules(ctx, f.admin, year); haven.ErrorCodeOf(err) == haven.ENOTFOUND {
		if err := f.app.Programme.SetRules(ctx, f.admin, haven.DefaultRules(year)); err != nil {
			t.Fatal(err)
		}
	} else if err != nil {
		t.Fatal(err)
	}
	for _, kind := range []haven.OrgKind{haven.OrgReferralPartner, haven.OrgProtectionPartner, haven.OrgVisaOffice,
		haven.OrgScreeningPartner, haven.OrgMedicalPartner, haven.OrgSettlementOrganisation} {
		o := &haven.Organisation{Kind: kind, Name: orgNames[kind], Country: "CA"}
		if err := f.app.Programme.CreateOrganisation(ctx, f.admin, o); err != nil {
			t.Fatal(err)
		}
		f.orgs[kind] = o
	}

	// httptest's unstarted server has its listener already: its address
	// is the origin.
	ts := httptest.NewUnstartedServer(nil)
	t.Cleanup(ts.Close)
	f.origin = "https://" + ts.Listener.Addr().String()
	log := slog.New(slog.NewJSONHandler(f.logs, nil))
	handler, err := server.NewServer(log, server.Services{Health: f.app, Clock: f.app, Accounts: f.app.Accounts, Cases: f.app.Cases, Nominations: f.app.Nominations, Programme: f.app.Programme, Notices: f.app.Notices}, server.Config{Origin: f.origin})
	if err != nil {
		t.Fatal(err)
	}
	if !servesPages(handler) {
		t.Fatal("the server does not serve the sign-in page")
	}
	// The test only watches the requests go by: the fetch metadata of the
	// last POST explains a refusal by the same-origin check.
	ts.Config.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost {
			f.mu.Lock()
			f.lastPost = fmt.Sprintf("POST %s with Origin %q, Sec-Fetch-Site %q", r.URL.Path, r.Header.Get("Origin"), r.Header.Get("Sec-Fetch-Site"))
			f.mu.Unlock()
		}
		handler.ServeHTTP(w, r)
	})
	ts.StartTLS()
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("server log (IDs and codes only):\n%s", f.logs.String())
		}
	})
	return f
}

// servesPages reports whether h serves the sign-in page.
func servesPages(h http.Handler) bool {
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/signin", nil))
	return rec.Code == http.StatusOK && strings.HasPrefix(rec.Header().Get("Content-Type"), "text/html")
}

// enrol creates a caseworker of the organisation of kind, enrolled with the
// password and an authenticator app, through the app.
//
// The app takes each TOTP time step once per user. Enrolment confirms the
// secret with the code of the previous 30-second step (the app accepts one
// step either side), so the browser's sign-in may use the current step's
// code at once, without waiting for the next window.
func (f *fixture) enrol(t *testing.T, kind haven.OrgKind, name string) *user {
	t.Helper()
	org := f.orgs[kind]
	u := &haven.User{OrgID: org.ID, Role: haven.RoleCaseworker, Username: name, DisplayName: "Worker " + name}
	enrolment := must(f.app.Programme.CreateUser(f.ctx, f.admin, u))
	step := must(f.app.Accounts.Enrol(f.ctx, enrolment, password))
	secret, _, next, err := f.app.Accounts.EnrolTOTPBegin(f.ctx, step.ID)
	if err != nil {
		t.Fatal(err)
	}
	must(f.app.Accounts.EnrolTOTPFinish(f.ctx, next.ID, totpCode(t, f.clock, secret, -1)))
	return &user{name: name, secret: secret, actor: haven.Actor{UserID: u.ID}, org: org}
}

// totpCode returns the code of the time step offset steps from now, on
// Haven's clock. It waits out the last two seconds of a step, so that the
// code is not one step stale by the time the app checks it.
func totpCode(t testing.TB, c *clock, secret string, offset int) string {
	t.Helper()
	const period = 30 * time.Second
	now := c.Now()
	if left := period - time.Duration(now.UnixNano())%period; left < 2*time.Second {
		time.Sleep(left + 100*time.Millisecond)
		now = c.Now()
	}
	return must(totp.GenerateCode(secret, now.Add(time.Duration(offset)*period)))
}

// family is the synthetic family of four (all names invented) that UNHCR
// refers through the pages: a principal applicant, a spouse and two children.
type family struct {
	surname     string
	given       []string
	account     string // the persecution account, which the settlement view leaves out
	whereabouts string // where they hide before travel, which it leaves out too
}

// newFamily is the family surname; the younger child's given name, youngest,
// is written in the Persian script, as the family writes it: a name in a
// script other than the Latin, for the search to find.
func newFamily(surname, youngest string) family {
	return family{
		surname:     surname,
		given:       []string{"Leyla", "Davud", "Sahar", youngest},
		account:     "Persecution account of the " + surname + " family: arrested at the newspaper, held forty days without charge, beaten.",
		whereabouts: "Safe house near Van",
	}
}

// state is the case's state as the visa office sees it, from the app: a
// cross-check of what the pages say.
func (f *fixture) state(t *testing.T, visa *user, id haven.ID) haven.CaseState {
	t.Helper()
	return must(f.app.Cases.FindCaseByID(f.ctx, visa.actor, id)).State
}

// lastPostSeen describes the last POST the browser sent.
func (f *fixture) lastPostSeen() string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.lastPost
}

func (f *fixture) String() string {
	return "Haven at " + f.origin
}

// refer creates a referral of fam, from the referral partner's user u,
// through the app, as a journey that begins after the referral needs it
// (the pages' own referral is walked by the other journeys). It returns
// the case's ID.
func (f *fixture) refer(t *testing.T, u *user, fam family, unhcrNumber string) haven.ID {
	t.Helper()
	c := &haven.Case{
		UNHCRNumber:        unhcrNumber,
		SubmissionPriority: haven.PriorityNormal, ProcessingPriority: haven.PriorityNormal,
		PrimaryCategory:       haven.CategoryLegalPhysicalProtection,
		CategoryJustification: "Detained twice for reporting; a further arrest is imminent.",
		Grounds:               []haven.Ground{haven.GroundPoliticalOpinion},
		NationalityCountries:  []string{"IR"}, AsylumCountry: "TR",
		PersecutionAccount: fam.account,
		DeclaredSize:       len(fam.given),
	}
	rels := []haven.Relationship{haven.RelPrincipal, haven.RelSpouse, haven.RelChild, haven.RelChild}
	born := []haven.Date{{Year: 1984, Month: 4, Day: 2}, {Year: 1982, Month: 9, Day: 14}, {Year: 2012, Month: 1, Day: 30}, {Year: 2016, Month: 6, Day: 8}}
	sex := []haven.Sex{haven.SexFemale, haven.SexMale, haven.SexFemale, haven.SexMale}
	for i, given := range fam.given {
		c.Members = append(c.Members, &haven.Member{Relationship: rels[i], Accompanying: true, FamilyName: fam.surname,
			GivenNames: given, DateOfBirth: born[i], Sex: sex[i], Nationalities: []string{"IR"}, Languages: []string{"fa"},
			Whereabouts: fam.whereabouts})
	}
	if err := f.app.Cases.CreateReferral(f.ctx, u.actor, c); err != nil {
		t.Fatal(err)
	}
	return c.ID
}
