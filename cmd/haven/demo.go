package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"github.com/pquerna/otp/totp"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/havenhrd/haven"
	"github.com/havenhrd/haven/internal/app"
	"github.com/havenhrd/haven/internal/auth"
	"github.com/havenhrd/haven/internal/vault"
)

func cmdDemo(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("demo", flag.ContinueOnError)
	dir := fs.String("dir", "haven-demo", "directory for the demo database and its key file")
	addr := fs.String("addr", "127.0.0.1:8080", "listen address")
	seedOnly := fs.Bool("seed-only", false, "seed and exit without serving")
	if err := parse(fs, args); err != nil {
		return err
	}
	if err := mkdirPrivate(*dir); err != nil {
		return err
	}
	keyPath := filepath.Join(*dir, "keys.json")
	dbPath := filepath.Join(*dir, "haven.db")
	credsPath := filepath.Join(*dir, "demo-users.txt")
	_, dbErr := os.Stat(dbPath)
	fresh := errors.Is(dbErr, os.ErrNotExist)
	if _, err := os.Stat(keyPath); errors.Is(err, os.ErrNotExist) {
		if !fresh {
			return fmt.Errorf("%s exists but its key file %s does not: refusing to touch it", dbPath, keyPath)
		}
		k, err := vault.GenerateKeyring(nil)
		if err != nil {
			return err
		}
		if err := writeKeyFile(keyPath, k, false); err != nil {
			return err
		}
	}
	demoEnv := func(k string) string {
		if k == "HAVEN_KEY_FILE" {
			return keyPath
		}
		if k == "HAVEN_KEYS" {
			return ""
		}
		return getenv(k)
	}
	e, err := open(ctx, dbPath, demoEnv, stderr, false)
	if err != nil {
		return describe(err)
	}
	defer e.Close()
	if _, err := e.db.Migrate(ctx); err != nil {
		return describe(err)
	}
	if _, err := migrateJobs(ctx, e.db); err != nil {
		return err
	}
	if err := e.app.Programme.Bootstrap(ctx); err != nil {
		return describe(err)
	}
	if fresh {
		if err := e.app.Programme.MarkDemo(ctx); err != nil {
			return describe(err)
		}
		var creds bytes.Buffer
		// The cases are driven on a clock of their own, moved back over
		// the past year; the accounts are made on the system clock (their
		// codes are checked against it).
		at := func(c haven.Clock) *app.App {
			return app.New(app.Config{Store: e.db, Vault: e.vault, Logger: e.log, AuditSigner: e.signer, Hasher: e.hasher, Clock: c})
		}
		n, err := seedDemo(ctx, e.app, at, &creds)
		if err != nil {
			return describe(err)
		}
		if err := writePrivate(credsPath, creds.Bytes()); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "haven: demo database %s seeded with %d synthetic cases (all names invented)\n", dbPath, n)
	} else if demo, err := e.app.Programme.IsDemo(ctx); err != nil {
		return describe(err)
	} else if !demo {
		return fmt.Errorf("%s is not a demo database: refusing to seed or serve it as one", dbPath)
	}
	creds, err := os.ReadFile(credsPath)
	if err != nil {
		return fmt.Errorf("the demo's sign-in list %s is missing: %w", credsPath, err)
	}
	fmt.Fprintf(stdout, "haven: sign in as any demo user with the passphrase %q and a code from an authenticator app\n", DemoPassword)
	fmt.Fprintf(stdout, "       set up with the user's setup key (or: oathtool --totp -b SETUP_KEY; the demo's sign-in page shows it too);\n")
	fmt.Fprintf(stdout, "       on the command line, act as them with --as:\n%s", creds)
	if *seedOnly {
		return nil
	}
	return serve(ctx, e, *addr, originOr("", *addr), nil, stdout)
}

type demoOrg struct {
	kind     haven.OrgKind
	name     string
	country  string
	username string
}

var demoOrgs = []demoOrg{
	{haven.OrgReferralPartner, "UNHCR (demo)", "CH", "unhcr.demo"},
	{haven.OrgProtectionPartner, "Front Line Defenders (demo)", "IE", "fld.demo"},
	{haven.OrgProtectionPartner, "ProtectDefenders.eu (demo)", "BE", "pd.demo"},
	{haven.OrgVisaOffice, "IRCC visa office Ankara (demo)", "TR", "visa.demo"},
	{haven.OrgScreeningPartner, "Security screening partner (demo)", "CA", "screening.demo"},
	{haven.OrgMedicalPartner, "Panel physician Istanbul (demo)", "TR", "medical.demo"},
	{haven.OrgSettlementOrganisation, "Welcome Place Winnipeg (demo)", "CA", "settlement.demo"},
	{haven.OrgSettlementOrganisation, "Accueil Montréal (demo)", "CA", "accueil.demo"},
}

// Invented names in several scripts: no real person is meant.
var demoFamilies = []struct{ family, given, spouse string }{
	{"Ahmadi", "Parisa", "Kaveh"}, {"الحسيني", "ليلى", "سامر"}, {"Ковальчук", "Олена", "Андрій"},
	{"Nguyễn", "Thị Lan", "Văn Minh"}, {"Mengistu", "Hiwot", "Dawit"}, {"陈", "晓梅", "建国"},
	{"Quispe Mamani", "Rosa", "Julián"}, {"Oyelaran", "Adaeze", "Tunde"}, {"რამიშვილი", "ნინო", "გიორგი"},
	{"Rahimi", "Shabnam", "Farid"}, {"Халимова", "Гульнора", "Рустам"}, {"Ortega Ruiz", "Mariela", "Tomás"},
	{"ဦး", "သီတာ", "ကျော်"}, {"Al-Sayed", "Noor", "Omar"},
}

var demoCountries = [][2]string{{"IR", "TR"}, {"SY", "LB"}, {"BY", "LT"}, {"VN", "TH"}, {"ET", "KE"}, {"CN", "TH"},
	{"NI", "CR"}, {"NG", "GH"}, {"RU", "GE"}, {"AF", "PK"}, {"TJ", "KG"}, {"VE", "CO"}, {"MM", "TH"}, {"EG", "JO"}}

// seedDemo creates the demo organisations and users and about 40 cases in
// every state, each driven through the app like a real one: the app that
// at returns for a clock, the demo's clock moved to each case's referral
// in the past year and on through its acts, so that the work queue shows
// cases overdue, due soon and on time.
func seedDemo(ctx context.Context, a *app.App, at func(haven.Clock) *app.App, creds io.Writer) (int, error) {
	admOrg := &haven.Organisation{Name: "IRCC programme administration (demo)", Country: "CA"}
	adm := &haven.User{Username: "admin.demo", DisplayName: "Programme administrator"}
	secret, err := a.Programme.CreateFirstAdmin(ctx, admOrg, adm)
	if err != nil {
		return 0, err
	}
	if err := enrolDemo(ctx, a, creds, adm.Username, admOrg.Kind, secret); err != nil {
		return 0, err
	}
	admin := haven.Actor{UserID: adm.ID}
	actors := map[string]haven.Actor{}
	orgIDs := map[string]haven.ID{}
	for _, d := range demoOrgs {
		o := &haven.Organisation{Kind: d.kind, Name: d.name, Country: d.country}
		if err := a.Programme.CreateOrganisation(ctx, admin, o); err != nil {
			return 0, err
		}
		u := &haven.User{OrgID: o.ID, Role: haven.RoleCaseworker, Username: d.username, DisplayName: d.name + " caseworker"}
		secret, err := a.Programme.CreateUser(ctx, admin, u)
		if err != nil {
			return 0, err
		}
		if err := enrolDemo(ctx, a, creds, u.Username, d.kind, secret); err != nil {
			return 0, err
		}
		actors[d.username], orgIDs[d.username] = haven.Actor{UserID: u.ID}, o.ID
	}
	now := haven.SystemClock{}.Now()
	clock := &demoClock{t: now}
	s := &seeder{a: at(clock), ctx: ctx, act: actors, org: orgIDs, clock: clock, now: now}
	// From 2023 the protection partners may refer directly. The cases of
	// the past year fall in last year's rules and this year's.
	year := now.Year()
	for _, y := range []int{year - 1, year} {
		r, err := a.Programme.FindRules(ctx, admin, y)
		if err != nil {
			return 0, err
		}
		r.Referrers = []haven.ID{orgIDs["fld.demo"], orgIDs["pd.demo"]}
		r.Allocations = map[haven.ID]int{orgIDs["fld.demo"]: 125}
		if err := a.Programme.SetRules(ctx, admin, r); err != nil {
			return 0, err
		}
	}
	plan := []haven.CaseState{
		haven.StateReferred, haven.StateReferred, haven.StateFileCreated, haven.StateFileCreated, haven.StateEligibilityReview,
		haven.StateEligibilityReview, haven.StateInterview, haven.StateInterview, haven.StateEligible, haven.StateEligible,
		haven.StateAdmissibilityInProgress, haven.StateAdmissibilityInProgress, haven.StateAdmissibilityInProgress, haven.StateAdmissible,
		haven.StateAdmissible, haven.StateApproved, haven.StateApproved, haven.StateApproved, haven.StateTravelBooked, haven.StateTravelBooked,
		haven.StateArrived, haven.StateArrived, haven.StateInSettlement, haven.StateInSettlement, haven.StateInSettlement, haven.StateClosed,
		haven.StateClosed, haven.StateRefused, haven.StateRefused, haven.StateOnHold, haven.StateOnHold, haven.StateInfoRequested,
		haven.StateInfoRequested, haven.StateWithdrawn, haven.StateSplitDecision, haven.StateSplitDecision, haven.StateApproved,
		haven.StateAdmissible, haven.StateReferred, haven.StateEligibilityReview,
	}
	for i, st := range plan {
		if err := s.caseIn(i, st); err != nil {
			return i, fmt.Errorf("demo case %d (%s): %w", i, st, err)
		}
	}
	// Nominations waiting at UNHCR.
	for i := range 3 {
		f := demoFamilies[(i+5)%len(demoFamilies)]
		n := &haven.Nomination{ReferralOrgID: orgIDs["unhcr.demo"], DefenderName: f.given + " " + f.family,
			Whereabouts: "Capital of the country of asylum", RiskAssessment: "Surveillance and threats continued after exile.",
			RecommendedPriority: haven.Priorities[i%3], NationalityCountries: []string{demoCountries[i][0]}, AsylumCountry: demoCountries[i][1],
			FamilySize: 1 + i, Profile: haven.DefenderProfile{WorkAreas: []haven.WorkArea{haven.WorkAreas[i]}}}
		if err := s.a.Nominations.CreateNomination(ctx, actors[[]string{"fld.demo", "pd.demo"}[i%2]], n); err != nil {
			return len(plan), err
		}
	}
	return len(plan), nil
}

// DemoPassword is every demo user's passphrase. Demo databases hold only
// invented people, and are marked so that Haven never takes a real
// database for one.
const DemoPassword = "haven demo passphrase, invented data only"

// enrolDemo enrols a demo user with the demo passphrase and a TOTP setup key,
// and writes how to sign in as them.
func enrolDemo(ctx context.Context, a *app.App, w io.Writer, username string, kind haven.OrgKind, enrolment string) error {
	step, err := a.Accounts.Enrol(ctx, enrolment, DemoPassword)
	if err != nil {
		return err
	}
	secret, _, next, err := a.Accounts.EnrolTOTPBegin(ctx, step.ID)
	if err != nil {
		return err
	}
	// The enrolment is confirmed with the previous time step's code (the
	// app accepts one step either side): the step a code confirms is spent,
	// and confirming with the current code would spend the very code the
	// user, or the sign-in page of the demo, gives first.
	// Close to a step's end, wait for the next, so that the step is the
	// same when the app checks the code.
	if left := auth.TOTPPeriod - time.Duration(time.Now().UnixNano())%auth.TOTPPeriod; left < time.Second {
		time.Sleep(left)
	}
	code, err := totp.GenerateCode(secret, time.Now().Add(-auth.TOTPPeriod))
	if err != nil {
		return err
	}
	if _, err := a.Accounts.EnrolTOTPFinish(ctx, next.ID, code); err != nil {
		return err
	}
	_, err = fmt.Fprintf(w, "%-16s %-26s setup key %s\n", username, kind, secret)
	return err
}

type seeder struct {
	a   *app.App
	ctx context.Context
	act map[string]haven.Actor
	org map[string]haven.ID
	// clock is the app's clock: at each case's referral, then a gap
	// later at each of its acts; now is when the demo is seeded.
	clock *demoClock
	now   time.Time
	gap   time.Duration
}

// demoClock is the clock the demo's cases are driven on.
type demoClock struct{ t time.Time }

func (c *demoClock) Now() time.Time { return c.t }

// demoAges are the days since referral of some demo cases, by their
// index: a case past its stage's deadline, one due within a week and one
// well within its time, whatever the others' ages give.
var demoAges = map[int]int{0: 26, 1: 200, 38: 5}

// ageOf returns the days since the referral of the demo case i: spread
// over the past year.
func ageOf(i int) int {
	if d, ok := demoAges[i]; ok {
		return d
	}
	return 3 + (i*53)%360
}

// tick moves the clock to the case's next act.
func (s *seeder) tick() { s.clock.t = s.clock.t.Add(s.gap) }

func (s *seeder) caseIn(i int, target haven.CaseState) error {
	f := demoFamilies[i%len(demoFamilies)]
	cc := demoCountries[i%len(demoCountries)]
	prio := []haven.Priority{haven.PriorityNormal, haven.PriorityUrgent, haven.PriorityNormal, haven.PriorityEmergency}[i%4]
	size := 1 + i%4
	c := &haven.Case{
		UNHCRNumber: fmt.Sprintf("DEMO-%03d-%05d", i, 1000+i*37), SubmissionPriority: prio, ProcessingPriority: prio,
		PrimaryCategory: haven.CategoryLegalPhysicalProtection, SecondaryCategory: haven.SubmissionCategories[1+i%6],
		CategoryJustification: "Repeated detention and threats because of human rights work.",
		Grounds:               []haven.Ground{haven.GroundPoliticalOpinion},
		NationalityCountries:  []string{cc[0]}, AsylumCountry: cc[1], DeclaredSize: size,
		Profile: haven.DefenderProfile{WorkAreas: []haven.WorkArea{haven.WorkAreas[i%len(haven.WorkAreas)]},
			ThreatEvents: []haven.ThreatEvent{{Type: haven.ThreatTypes[i%len(haven.ThreatTypes)], Perpetrator: haven.PerpetratorState,
				Date: haven.Date{Year: 2024, Month: time.Month(1 + i%12), Day: 1 + i%28}, Place: "Capital", Description: "Synthetic demo event."}}},
		PersecutionAccount: "Synthetic account: the defender documented abuses and was detained and threatened.",
	}
	if i%5 == 0 {
		c.Grounds = append(c.Grounds, haven.GroundParticularSocialGroup)
		c.SocialGroups = []haven.SocialGroup{haven.SocialGroups[i%3]}
	}
	for k := range size {
		// Children stay under 22 whatever the year the demo runs in: an
		// older child needs the dependent adult child exception.
		rel, given, born := haven.RelChild, fmt.Sprintf("Child %d", k-1), haven.Date{Year: haven.SystemClock{}.Now().Year() - 18 + k, Month: 3, Day: 10 + k}
		switch k {
		case 0:
			rel, given, born = haven.RelPrincipal, f.given, haven.Date{Year: 1978 + i%15, Month: time.Month(1 + i%12), Day: 1 + i%27}
		case 1:
			rel, given, born = haven.RelSpouse, f.spouse, haven.Date{Year: 1976 + i%15, Month: 6, Day: 2 + i%20}
		}
		c.Members = append(c.Members, &haven.Member{Relationship: rel, Accompanying: true, FamilyName: f.family,
			GivenNames: given + fmt.Sprintf(" %d", i), DateOfBirth: born, Sex: []haven.Sex{haven.SexFemale, haven.SexMale}[k%2],
			Nationalities: []string{cc[0]}, Languages: []string{"en"}})
	}
	referrer := "unhcr.demo"
	if i%6 == 5 {
		referrer = "fld.demo"
	}
	// The case's acts come a twentieth of its age apart: more than its
	// acts, so that the last is in the past.
	age := time.Duration(ageOf(i)) * 24 * time.Hour
	s.clock.t, s.gap = s.now.Add(-age), age/20
	if err := s.a.Cases.CreateReferral(s.ctx, s.act[referrer], c); err != nil {
		return err
	}
	return s.drive(c, target)
}

// demoPlaces are the demo's interview places by country of asylum: the
// time zone and the city. The addresses made of them are invented.
var demoPlaces = map[string][2]string{
	"TR": {"Europe/Istanbul", "Istanbul"}, "LB": {"Asia/Beirut", "Beirut"}, "LT": {"Europe/Vilnius", "Vilnius"},
	"TH": {"Asia/Bangkok", "Bangkok"}, "KE": {"Africa/Nairobi", "Nairobi"}, "CR": {"America/Costa_Rica", "San José"},
	"GH": {"Africa/Accra", "Accra"}, "GE": {"Asia/Tbilisi", "Tbilisi"}, "PK": {"Asia/Karachi", "Islamabad"},
	"KG": {"Asia/Bishkek", "Bishkek"}, "CO": {"America/Bogota", "Bogotá"}, "JO": {"Asia/Amman", "Amman"},
}

// interview is a plausible interview for the demo case c: in the week
// after the demo is seeded where its target date allows (else on the
// target date, or the day after the case's last act), at 10:00 at the
// place, in the capital of the country of asylum; an emergency case's by
// video link. The principal applicant and the accompanying adults attend.
func (s *seeder) interview(c *haven.Case) *haven.Interview {
	place, ok := demoPlaces[c.AsylumCountry]
	if !ok {
		place = [2]string{"UTC", "the capital"}
	}
	on := haven.DateOf(s.now).AddDays(6 + len(c.Members))
	if t := c.TargetDate; !t.IsZero() && on.After(t) {
		on = t
	}
	if first := haven.DateOf(s.clock.Now()).AddDays(1); on.Before(first) {
		on = first
	}
	iv := &haven.Interview{Date: on, Time: "10:00", Zone: place[0], Language: "en"}
	if c.ProcessingPriority == haven.PriorityEmergency {
		iv.Link = "https://meet.example.org/haven-demo/" + strings.ToLower(c.Reference)
	} else {
		iv.Place = "Synthetic address: interview room 2, visa section of the Canadian embassy, " + place[1]
	}
	// An interpreter from the family's first language where it is not
	// the interview's.
	if l, ok := map[string]string{"NI": "es", "VE": "es", "SY": "ar", "EG": "ar", "IR": "fa", "RU": "ru", "CN": "zh"}[c.NationalityCountries[0]]; ok {
		iv.Interpreter, iv.InterpreterLanguage = true, l
	}
	return iv
}

// drive takes a referred case to target through the app.
func (s *seeder) drive(c *haven.Case, target haven.CaseState) error {
	a, ctx, visa := s.a, s.ctx, s.act["visa.demo"]
	id := c.ID
	var err error
	step := func(f func() (*haven.Case, error)) bool {
		if err != nil {
			return false
		}
		s.tick()
		c, err = f()
		return err == nil && c.State != target
	}
	switch target {
	case haven.StateReferred:
		return nil
	case haven.StateInfoRequested:
		s.tick()
		_, err = a.Cases.RequestInfo(ctx, visa, id, "Please send the RRF annex on the spouse.")
		return err
	case haven.StateWithdrawn:
		s.tick()
		_, err = a.Cases.Withdraw(ctx, s.act["unhcr.demo"], id, "The family found protection elsewhere.")
		return err
	}
	if !step(func() (*haven.Case, error) { return a.Cases.OpenFile(ctx, visa, id) }) || target == haven.StateOnHold && s.hold(id) {
		return err
	}
	if !step(func() (*haven.Case, error) { return a.Cases.StartEligibility(ctx, visa, id) }) {
		return err
	}
	if target == haven.StateInterview {
		s.tick()
		_, err = a.Cases.ScheduleInterview(ctx, visa, id, s.interview(c))
		return err
	}
	if target == haven.StateRefused {
		s.tick()
		_, err = a.Cases.Refuse(ctx, visa, id, "Not found to be a Convention refugee: internal flight alternative.")
		return err
	}
	if !step(func() (*haven.Case, error) {
		return a.Cases.RecordAssessment(ctx, visa, id, &haven.EligibilityAssessment{OutsideCountry: true, WellFoundedFear: true,
			NoInternalFlight: true, NoDurableSolution: true, Grounds: []haven.Ground{haven.GroundPoliticalOpinion}})
	}) {
		return err
	}
	if !step(func() (*haven.Case, error) { return a.Cases.StartAdmissibility(ctx, visa, id) }) {
		return err
	}
	var ids []haven.ID
	for _, m := range c.Members {
		ids = append(ids, m.ID)
	}
	s.tick()
	for _, partner := range []string{"screening.demo", "medical.demo"} {
		if c, err = a.Cases.AssignChecks(ctx, visa, id, s.org[partner], ids); err != nil {
			return err
		}
	}
	valid := haven.DateOf(haven.SystemClock{}.Now().AddDate(1, 0, 0))
	s.tick()
	for k, m := range c.Members {
		result := haven.ResultPassed
		if target == haven.StateSplitDecision && k == len(c.Members)-1 && k > 0 {
			result = haven.ResultFailed
		}
		for _, ch := range []*haven.Check{
			{MemberID: m.ID, Kind: haven.CheckMedical, Result: haven.ResultPassed, ValidUntil: valid},
			{MemberID: m.ID, Kind: haven.CheckSecurity, Result: result},
			{MemberID: m.ID, Kind: haven.CheckCriminality, Result: haven.ResultPassed},
		} {
			who := s.act["screening.demo"]
			if ch.Kind == haven.CheckMedical {
				who = s.act["medical.demo"]
			}
			if c, err = a.Cases.RecordCheck(ctx, who, id, ch); err != nil {
				return err
			}
		}
		if target == haven.StateAdmissibilityInProgress && k == 0 {
			return nil
		}
	}
	if target == haven.StateSplitDecision {
		if len(c.Members) == 1 {
			s.tick()
			_, err = a.Cases.Hold(ctx, visa, id, "Awaiting the result of a further check.")
			return err
		}
		s.tick()
		_, err = a.Cases.SplitDecision(ctx, visa, id, []haven.ID{c.Members[len(c.Members)-1].ID}, "One member is inadmissible on security grounds.")
		return err
	}
	if !step(func() (*haven.Case, error) { return a.Cases.ConfirmAdmissible(ctx, visa, id) }) {
		return err
	}
	emergency := c.ProcessingPriority == haven.PriorityEmergency
	if !step(func() (*haven.Case, error) {
		return a.Cases.Approve(ctx, visa, id, app.ApproveInput{Emergency: emergency})
	}) {
		return err
	}
	settlement := s.org["settlement.demo"]
	if len(c.Members)%2 == 0 {
		settlement = s.org["accueil.demo"]
	}
	if !step(func() (*haven.Case, error) { return a.Cases.AssignSettlement(ctx, visa, id, settlement) }) {
		return err
	}
	who := s.act["settlement.demo"]
	if len(c.Members)%2 == 0 {
		who = s.act["accueil.demo"]
	}
	// The settlement organisation starts its integration plan at placement.
	if !step(func() (*haven.Case, error) {
		return a.Cases.UpdateMilestone(ctx, who, id, &haven.PlanMilestone{Milestone: haven.MilestoneReception, Status: haven.MilestoneInProgress,
			Notes: "Synthetic: airport pick-up and an interpreter booked."})
	}) {
		return err
	}
	if !step(func() (*haven.Case, error) {
		return a.Cases.BookTravel(ctx, visa, id, &haven.Travel{Date: haven.DateOf(s.clock.Now()), Itinerary: "Synthetic itinerary", TransportationLoan: true})
	}) {
		return err
	}
	if !step(func() (*haven.Case, error) {
		return a.Cases.RecordArrival(ctx, visa, id, &haven.Arrival{Date: haven.DateOf(s.clock.Now()), PortOfEntry: "YYZ"})
	}) {
		return err
	}
	s.tick()
	today := haven.DateOf(s.clock.Now())
	if _, err := a.Cases.BeginSettlement(ctx, who, id); err != nil {
		return err
	}
	for _, m := range []*haven.PlanMilestone{
		{Milestone: haven.MilestoneReception, Status: haven.MilestoneDone, Completed: today, Notes: "Synthetic: met at the airport."},
		{Milestone: haven.MilestoneHousing, Status: haven.MilestoneInProgress, Notes: "Synthetic: two flats to visit."},
		{Milestone: haven.MilestoneLanguageClasses, Status: haven.MilestoneNotNeeded, Notes: "Synthetic: the family is fluent in French."},
	} {
		if _, err := a.Cases.UpdateMilestone(ctx, who, id, m); err != nil {
			return err
		}
	}
	if target == haven.StateInSettlement {
		return nil
	}
	s.tick()
	_, err = a.Cases.Close(ctx, who, id)
	return err
}

func (s *seeder) hold(id haven.ID) bool {
	s.tick()
	_, err := s.a.Cases.Hold(s.ctx, s.act["visa.demo"], id, "Awaiting the partner's updated risk assessment.")
	return err == nil
}
