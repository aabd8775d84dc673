package jobs_test

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
	"github.com/havenhrd/haven/internal/vault"
)

// clock is the app's clock, shared by every instance of a test, moved by
// the test alone.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time      { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Add(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

// world is the data every instance shares: the keys, the clock, and the
// actors made by the first instance.
type world struct {
	ctx   context.Context
	keys  *vault.Keyring
	clock *clock
	admin haven.Actor
	unhcr haven.Actor
	visa  haven.Actor
}

func newWorld(t testing.TB) *world {
	keys, err := vault.GenerateKeyring(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &world{ctx: context.Background(), keys: keys, clock: &clock{t: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)}}
}

// newApp is one instance of Haven's app on s.
func (w *world) newApp(t testing.TB, s store.Store) *app.App {
	t.Helper()
	return w.newAppOn(t, s, w.clock)
}

// newAppOn is one instance of Haven's app on s, telling the time by clk.
func (w *world) newAppOn(t testing.TB, s store.Store, clk haven.Clock) *app.App {
	t.Helper()
	v, err := vault.New(w.keys)
	if err != nil {
		t.Fatal(err)
	}
	sg, err := note.NewSigner(w.keys.AuditKey)
	if err != nil {
		t.Fatal(err)
	}
	return app.New(app.Config{Store: s, Vault: v, Clock: clk, AuditSigner: sg})
}

// seed makes the programme's administrator, a referral partner and a visa
// office, each with a user, through a.
func (w *world) seed(t testing.TB, a *app.App) {
	t.Helper()
	if err := a.Programme.Bootstrap(w.ctx); err != nil {
		t.Fatal(err)
	}
	org := &haven.Organisation{Name: "IRCC programme", Country: "CA"}
	u := &haven.User{Username: "admin", DisplayName: "Admin"}
	if _, err := a.Programme.CreateFirstAdmin(w.ctx, org, u); err != nil {
		t.Fatal(err)
	}
	w.admin = haven.Actor{UserID: u.ID}
	mk := func(kind haven.OrgKind, name string) haven.Actor {
		o := &haven.Organisation{Kind: kind, Name: name, Country: "CA"}
		if err := a.Programme.CreateOrganisation(w.ctx, w.admin, o); err != nil {
			t.Fatal(err)
		}
		u := &haven.User{OrgID: o.ID, Role: haven.RoleCaseworker, Username: string(kind[:4]) + "-worker", DisplayName: name}
		if _, err := a.Programme.CreateUser(w.ctx, w.admin, u); err != nil {
			t.Fatal(err)
		}
		return haven.Actor{UserID: u.ID}
	}
	w.unhcr = mk(haven.OrgReferralPartner, "UNHCR")
	w.visa = mk(haven.OrgVisaOffice, "Visa office")
}

var serial int

// refer refers an emergency family of one through a.
func (w *world) refer(t testing.TB, a *app.App) *haven.Case {
	t.Helper()
	serial++
	tag := fmt.Sprint(serial)
	c := &haven.Case{
		UNHCRNumber:        fmt.Sprintf("UNH-J-%05d", serial),
		SubmissionPriority: haven.PriorityEmergency, ProcessingPriority: haven.PriorityEmergency,
		PrimaryCategory:       haven.CategoryLegalPhysicalProtection,
		CategoryJustification: "Detained twice; further arrest imminent.",
		Grounds:               []haven.Ground{haven.GroundPoliticalOpinion},
		NationalityCountries:  []string{"IR"}, AsylumCountry: "TR",
		Profile: haven.DefenderProfile{WorkAreas: []haven.WorkArea{haven.WorkJournalism},
			ThreatEvents: []haven.ThreatEvent{{Type: haven.ThreatArbitraryDetention, Perpetrator: haven.PerpetratorState,
				Date: haven.Date{Year: 2025, Month: 11, Day: 3}, Place: "Prison", Description: "Held 40 days"}}},
		PersecutionAccount: "Arrested, beaten, charged with propaganda.",
		DeclaredSize:       1,
		Members: []*haven.Member{{Relationship: haven.RelPrincipal, Accompanying: true, FamilyName: "Family" + tag, GivenNames: "Given " + tag,
			DateOfBirth: haven.Date{Year: 1985, Month: 4, Day: 1}, Sex: haven.SexFemale, Nationalities: []string{"IR"}, Languages: []string{"fa"}}},
	}
	if err := a.Cases.CreateReferral(w.ctx, w.unhcr, c); err != nil {
		t.Fatal(err)
	}
	return c
}

// kinds counts the visa office's notices by kind and case.
func (w *world) kinds(t testing.TB, a *app.App, actor haven.Actor) map[haven.NoticeKind]map[haven.ID]int {
	t.Helper()
	ns, err := a.Notices.FindNotifications(w.ctx, actor)
	if err != nil {
		t.Fatal(err)
	}
	out := map[haven.NoticeKind]map[haven.ID]int{}
	for _, n := range ns.Items {
		if out[n.Kind] == nil {
			out[n.Kind] = map[haven.ID]int{}
		}
		out[n.Kind][n.CaseID]++
	}
	return out
}

// eventually waits up to d for ok.
func eventually(t testing.TB, d time.Duration, what string, ok func() bool) {
	t.Helper()
	end := time.Now().Add(d)
	for !ok() {
		if time.Now().After(end) {
			t.Fatalf("after %s: %s", d, what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// supervisor adds a supervisor to the visa office.
func (w *world) supervisor(t testing.TB, a *app.App) haven.Actor {
	t.Helper()
	orgs, err := a.Programme.FindOrganisations(w.ctx, w.admin, haven.OrgVisaOffice)
	if err != nil || len(orgs) != 1 {
		t.Fatalf("visa offices: %v, %v", orgs, err)
	}
	u := &haven.User{OrgID: orgs[0].ID, Role: haven.RoleSupervisor, Username: "visa-sup", DisplayName: "Supervisor"}
	if _, err := a.Programme.CreateUser(w.ctx, w.admin, u); err != nil {
		t.Fatal(err)
	}
	return haven.Actor{UserID: u.ID}
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}
