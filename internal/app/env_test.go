package app_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"golang.org/x/mod/sumdb/note"

	"github.com/havenhrd/haven"
	"github.com/havenhrd/haven/internal/app"
	"github.com/havenhrd/haven/internal/store"
	"github.com/havenhrd/haven/internal/testdb"
	"github.com/havenhrd/haven/internal/vault"
)

// clock is a test clock that moves only when told.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }

func (c *clock) Add(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

// env is one Haven on one engine with an organisation and a user of every kind.
type env struct {
	app   *app.App
	store store.Store
	keys  *vault.Keyring
	clock *clock
	ctx   context.Context

	admin, fld, unhcr, visa, screening, medical, settlement haven.Actor
	orgs                                                    map[haven.OrgKind]*haven.Organisation
}

var start = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

func newEnv(t testing.TB, s store.Store) *env {
	t.Helper()
	keys, err := vault.GenerateKeyring(nil)
	if err != nil {
		t.Fatal(err)
	}
	v, err := vault.New(keys)
	if err != nil {
		t.Fatal(err)
	}
	e := &env{store: s, keys: keys, clock: &clock{t: start}, ctx: context.Background(), orgs: map[haven.OrgKind]*haven.Organisation{}}
	e.app = app.New(app.Config{Store: s, Vault: v, Clock: e.clock, AuditSigner: signer(t, keys)})
	if err := e.app.Programme.Bootstrap(e.ctx); err != nil {
		t.Fatal(err)
	}
	org := &haven.Organisation{Name: "IRCC programme", Country: "CA"}
	u := &haven.User{Username: "admin", DisplayName: "Admin"}
	if _, err := e.app.Programme.CreateFirstAdmin(e.ctx, org, u); err != nil {
		t.Fatal(err)
	}
	e.orgs[haven.OrgProgrammeAdmin] = org
	e.admin = haven.Actor{UserID: u.ID}
	mk := func(kind haven.OrgKind, name string) haven.Actor {
		o := &haven.Organisation{Kind: kind, Name: name, Country: "CA"}
		if err := e.app.Programme.CreateOrganisation(e.ctx, e.admin, o); err != nil {
			t.Fatal(err)
		}
		e.orgs[kind] = o
		u := &haven.User{OrgID: o.ID, Role: haven.RoleCaseworker, Username: string(kind[:4]) + "-worker", DisplayName: name + " worker"}
		if _, err := e.app.Programme.CreateUser(e.ctx, e.admin, u); err != nil {
			t.Fatal(err)
		}
		return haven.Actor{UserID: u.ID}
	}
	e.fld = mk(haven.OrgProtectionPartner, "Front Line Defenders")
	e.unhcr = mk(haven.OrgReferralPartner, "UNHCR")
	e.visa = mk(haven.OrgVisaOffice, "Visa office")
	e.screening = mk(haven.OrgScreeningPartner, "Screening partner")
	e.medical = mk(haven.OrgMedicalPartner, "Panel physician")
	e.settlement = mk(haven.OrgSettlementOrganisation, "Settlement organisation")
	return e
}

// forEngine runs fn on a fresh env on every engine.
func forEngine(t *testing.T, fn func(t *testing.T, e *env)) {
	for _, eng := range testdb.Engines(t) {
		t.Run(eng.Name, func(t *testing.T) { fn(t, newEnv(t, eng.Open(t))) })
	}
}

var serial int

// referral returns a valid referral of a family of size: the principal, a
// spouse and children. Names carry tag so that tests can look for them.
func referral(tag string, size int, prio haven.Priority) *haven.Case {
	serial++
	c := &haven.Case{
		UNHCRNumber:        fmt.Sprintf("UNH-%s-%05d", "T", serial),
		SubmissionPriority: prio, ProcessingPriority: prio,
		PrimaryCategory: haven.CategoryLegalPhysicalProtection, SecondaryCategory: haven.CategoryWomenGirlsAtRisk,
		CategoryJustification: "Detained twice for " + tag + " reporting; further arrest imminent.",
		Grounds:               []haven.Ground{haven.GroundPoliticalOpinion, haven.GroundParticularSocialGroup},
		SocialGroups:          []haven.SocialGroup{haven.SocialGroupHumanRightsWork},
		NationalityCountries:  []string{"IR"}, AsylumCountry: "TR",
		Profile: haven.DefenderProfile{
			WorkAreas:     []haven.WorkArea{haven.WorkJournalism, haven.WorkWomensRights},
			Organisations: []string{"Independent press collective " + tag},
			ThreatEvents: []haven.ThreatEvent{{Type: haven.ThreatArbitraryDetention, Perpetrator: haven.PerpetratorState,
				Date: haven.Date{Year: 2025, Month: 11, Day: 3}, Place: "Evin prison " + tag, Description: "Held 40 days " + tag}},
		},
		PersecutionAccount: "Persecution account of " + tag + ": arrested, beaten, charged with propaganda.",
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
			Relationship: rel, Accompanying: true, FamilyName: "Family" + tag, GivenNames: fmt.Sprintf("Member%d-%d %s", i, serial, tag),
			DateOfBirth: haven.Date{Year: born, Month: 4, Day: 1 + i}, Sex: haven.SexFemale,
			Nationalities: []string{"IR"}, Languages: []string{"fa"}, Whereabouts: "Safe house near Van " + tag,
			Contact: "+90 555 " + tag, ConfidentialNotes: "Confidential note of member " + tag,
		})
	}
	return c
}

func must[T any](t testing.TB) func(T, error) T {
	return func(v T, err error) T {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
}

func noErr(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func wantCode(t testing.TB, err error, code haven.ErrorCode) {
	t.Helper()
	if got := haven.ErrorCodeOf(err); got != code {
		t.Fatalf("error = %v (code %q), want code %q", err, got, code)
	}
}

// refer creates the referral as UNHCR.
func (e *env) refer(t testing.TB, c *haven.Case) *haven.Case {
	t.Helper()
	noErr(t, e.app.Cases.CreateReferral(e.ctx, e.unhcr, c))
	return c
}

// passChecks records passed medical, security and criminality checks for
// every accompanying member.
func (e *env) passChecks(t testing.TB, c *haven.Case) *haven.Case {
	t.Helper()
	valid := haven.DateOf(e.clock.Now().AddDate(1, 0, 0))
	for _, m := range c.Travellers() {
		c = must[*haven.Case](t)(e.app.Cases.RecordCheck(e.ctx, e.medical, c.ID, &haven.Check{MemberID: m.ID, Kind: haven.CheckMedical, Result: haven.ResultPassed, ValidUntil: valid, Details: "IME clear"}))
		c = must[*haven.Case](t)(e.app.Cases.RecordCheck(e.ctx, e.screening, c.ID, &haven.Check{MemberID: m.ID, Kind: haven.CheckSecurity, Result: haven.ResultPassed}))
		c = must[*haven.Case](t)(e.app.Cases.RecordCheck(e.ctx, e.screening, c.ID, &haven.Check{MemberID: m.ID, Kind: haven.CheckCriminality, Result: haven.ResultPassed}))
	}
	return c
}

// assignAll assigns every member of c to both check partners.
func (e *env) assignAll(t testing.TB, c *haven.Case) {
	t.Helper()
	var ids []haven.ID
	for _, m := range c.Members {
		ids = append(ids, m.ID)
	}
	for _, k := range []haven.OrgKind{haven.OrgScreeningPartner, haven.OrgMedicalPartner} {
		must[*haven.Case](t)(e.app.Cases.AssignChecks(e.ctx, e.visa, c.ID, e.orgs[k].ID, ids))
	}
}

// inAdmissibility takes a referred case to admissibility_in_progress.
func (e *env) inAdmissibility(t testing.TB, c *haven.Case) *haven.Case {
	t.Helper()
	m := must[*haven.Case](t)
	c = m(e.app.Cases.OpenFile(e.ctx, e.visa, c.ID))
	c = m(e.app.Cases.StartEligibility(e.ctx, e.visa, c.ID))
	c = m(e.app.Cases.RecordAssessment(e.ctx, e.visa, c.ID, &haven.EligibilityAssessment{OutsideCountry: true, WellFoundedFear: true,
		NoInternalFlight: true, NoDurableSolution: true, Grounds: []haven.Ground{haven.GroundPoliticalOpinion}, Notes: "Credible."}))
	return m(e.app.Cases.StartAdmissibility(e.ctx, e.visa, c.ID))
}

// admissible takes a referred case to admissible.
func (e *env) admissible(t testing.TB, c *haven.Case) *haven.Case {
	t.Helper()
	c = e.inAdmissibility(t, c)
	e.assignAll(t, c)
	c = e.passChecks(t, c)
	return must[*haven.Case](t)(e.app.Cases.ConfirmAdmissible(e.ctx, e.visa, c.ID))
}

func (e *env) figures(t testing.TB, year int) *haven.CapFigures {
	t.Helper()
	return must[*haven.CapFigures](t)(e.app.Programme.CapFigures(e.ctx, e.admin, year))
}

func (e *env) auditEvents(t testing.TB) []*haven.AuditEvent {
	t.Helper()
	var out []*haven.AuditEvent
	noErr(t, e.store.View(e.ctx, func(tx store.Tx) (err error) {
		out, err = tx.FindAudit(e.ctx, 0, 1_000_000)
		return err
	}))
	return out
}

func (e *env) vault(t testing.TB) *vault.Vault {
	t.Helper()
	v, err := vault.New(e.keys)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func signer(t testing.TB, k *vault.Keyring) note.Signer {
	t.Helper()
	s, err := note.NewSigner(k.AuditKey)
	if err != nil {
		t.Fatal(err)
	}
	return s
}
