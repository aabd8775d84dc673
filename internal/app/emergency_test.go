package app_test

import (
	"testing"
	"time"

	"github.com/havenhrd/haven"
	"github.com/havenhrd/haven/internal/app"
)

// The emergency track, end to end, against the year's default rules: a
// target of 7 days from referral to departure, and stage budgets of one
// day to open the file, two for eligibility, three for admissibility and
// one from approval to departure. A stage is warned of at 75% of its
// budget (counted from the midnight before it began) and breached after
// its deadline's day; an emergency that no act moves for 24 hours is
// escalated.

// day0 is the midnight before the referral: the env's clock starts at
// 09:00 on day 0.
var day0 = haven.DateOf(start).Time()

// at is hour h of day d of the track.
func at(d, h int) time.Time { return day0.Add(time.Duration(d*24+h) * time.Hour) }

// track is one emergency case on the track, with the env that moves it.
type track struct {
	t *testing.T
	e *env
	c *haven.Case
}

// fire runs every watcher due and returns the notices about cases it
// wrote, by kind: the env's users' enrolment links, never used, expire
// on the way, and are no case's.
func (k *track) fire() map[haven.NoticeKind]int {
	k.t.Helper()
	wrote, _ := k.e.fireDue(k.t)
	delete(wrote, haven.NoticeEnrolmentExpiring)
	return wrote
}

// to moves the clock to when, running the watchers every hour of the way
// (and at when), and fails if any notice about a case falls due.
func (k *track) to(when time.Time) {
	k.t.Helper()
	for k.e.clock.Now().Before(when) {
		k.e.clock.Add(min(time.Hour, when.Sub(k.e.clock.Now())))
		if wrote := k.fire(); len(wrote) != 0 {
			k.t.Fatalf("at %s, wrote %v", k.e.clock.Now().Format(time.DateTime), wrote)
		}
	}
}

// clock fails unless the case is in stage, due on due, with the target
// date of day 7.
func (k *track) clock(stage haven.Stage, due haven.Date) {
	k.t.Helper()
	target := haven.DateOf(day0).AddDays(7)
	if k.c.TargetDate != target || k.c.Stage != stage || k.c.StageDue != due {
		k.t.Fatalf("in %s: target %s, stage %s due %s; want target %s, stage %s due %s", k.c.State,
			k.c.TargetDate, k.c.Stage, k.c.StageDue, target, stage, due)
	}
}

// TestEmergencyTrackOnTime walks an emergency referral to its departure
// on time, with the watchers running every hour, and not one notice
// falls due on the way, nor after the family has arrived:
//
//   - day 0, 09:00: UNHCR refers the family; the file is due on day 1 and
//     the target date is day 7. 14:00: the visa office opens the file
//     (eligibility due on day 2);
//   - day 1, 09:00: the officer records the eligibility assessment
//     (admissibility due on day 4); 10:00: starts the admissibility checks
//     and assigns them to the screening and the medical partner;
//   - day 2, 09:00: the screening partner records the criminality checks;
//     security screening is still running;
//   - day 3, 08:00: the medical partner records the medicals (UPP's target
//     is 3 to 5 days); 13:00: security is not finished and the permanent
//     residence path is closed, so the officer approves on the temporary
//     resident permit path (departure due on day 4); 14:00: the officer
//     books the earliest transport, for day 4;
//   - day 4, 06:00: the family's arrival is recorded, with three days to
//     spare before the target.
//
// Each stage ends before 75% of its budget is used, and no 24 hours pass
// without an act: the timing is what "on time" leaves room for. (With
// budgets that add up to the 7 days, an on-time emergency's stages can
// take no more than 75% of 7 days between them, 126 hours: a family that
// departs on day 6 is warned of on the way, whatever the budgets.)
func TestEmergencyTrackOnTime(t *testing.T) {
	forEngine(t, func(t *testing.T, e *env) {
		m := must[*haven.Case](t)
		sup := e.user(t, haven.OrgVisaOffice, haven.RoleSupervisor, "visa-sup")
		progSup := e.user(t, haven.OrgProgrammeAdmin, haven.RoleSupervisor, "prog-sup")
		d := func(n int) haven.Date { return haven.DateOf(day0).AddDays(n) }
		k := &track{t: t, e: e}

		// Day 0.
		k.c = e.refer(t, referral("OnTime", 2, haven.PriorityEmergency))
		k.clock(haven.StageFile, d(1))
		k.to(at(0, 14))
		k.c = m(e.app.Cases.OpenFile(e.ctx, e.visa, k.c.ID))
		k.clock(haven.StageEligibility, d(2))

		// Day 1: eligible; the checks assigned.
		k.to(at(1, 9))
		m(e.app.Cases.StartEligibility(e.ctx, e.visa, k.c.ID))
		k.c = m(e.app.Cases.RecordAssessment(e.ctx, e.visa, k.c.ID, &haven.EligibilityAssessment{OutsideCountry: true, WellFoundedFear: true,
			NoInternalFlight: true, NoDurableSolution: true, Grounds: []haven.Ground{haven.GroundPoliticalOpinion}, Notes: "Credible."}))
		if k.c.State != haven.StateEligible {
			t.Fatalf("after the assessment: %s", k.c.State)
		}
		k.clock(haven.StageAdmissibility, d(4))
		k.to(at(1, 10))
		k.c = m(e.app.Cases.StartAdmissibility(e.ctx, e.visa, k.c.ID))
		e.assignAll(t, k.c)
		k.c = m(e.app.Cases.FindCaseByID(e.ctx, e.visa, k.c.ID))
		k.clock(haven.StageAdmissibility, d(4)) // the stage runs on from eligibility

		// Day 2: criminality checks in; security screening goes on.
		k.to(at(2, 9))
		travellers := k.c.Travellers() // as the visa office reads them
		if len(travellers) != 2 {
			t.Fatalf("%d travellers", len(travellers))
		}
		for _, mem := range travellers {
			m(e.app.Cases.RecordCheck(e.ctx, e.screening, k.c.ID, &haven.Check{MemberID: mem.ID, Kind: haven.CheckCriminality, Result: haven.ResultPassed}))
		}

		// Day 3: medicals in; approved on the temporary resident permit
		// path while security is outstanding; travel booked.
		k.to(at(3, 8))
		valid := haven.DateOf(at(3, 8).AddDate(1, 0, 0))
		for _, mem := range travellers {
			m(e.app.Cases.RecordCheck(e.ctx, e.medical, k.c.ID, &haven.Check{MemberID: mem.ID, Kind: haven.CheckMedical, Result: haven.ResultPassed, ValidUntil: valid}))
		}
		k.to(at(3, 13))
		k.c = m(e.app.Cases.FindCaseByID(e.ctx, e.visa, k.c.ID))
		for _, mem := range k.c.Travellers() {
			if k.c.LatestCheck(mem.ID, haven.CheckSecurity) != nil || k.c.LatestCheck(mem.ID, haven.CheckMedical) == nil {
				t.Fatalf("member %s: the security check is in, or the medical is not", mem.ID)
			}
		}
		if _, err := e.app.Cases.Approve(e.ctx, e.visa, k.c.ID, app.ApproveInput{}); err == nil {
			t.Fatal("approved for permanent residence with security screening outstanding")
		}
		k.c = m(e.app.Cases.Approve(e.ctx, e.visa, k.c.ID, app.ApproveInput{Emergency: true}))
		if k.c.State != haven.StateApproved || k.c.VisaKind != haven.VisaTemporaryPermit {
			t.Fatalf("approved: %s on %q", k.c.State, k.c.VisaKind)
		}
		k.clock(haven.StageDeparture, d(4))
		k.to(at(3, 14))
		k.c = m(e.app.Cases.BookTravel(e.ctx, e.visa, k.c.ID, &haven.Travel{Date: d(4), Itinerary: "IST-YYZ, the earliest seat"}))
		k.clock(haven.StageDeparture, d(4)) // booked, not yet gone

		// Day 4: departed and arrived, within the target.
		k.to(at(4, 6))
		k.c = m(e.app.Cases.RecordArrival(e.ctx, e.visa, k.c.ID, &haven.Arrival{Date: d(4), PortOfEntry: "YYZ"}))
		k.clock(haven.StageNone, haven.Date{})
		if dep := k.c.Travel.Date; dep.After(k.c.TargetDate) || dep.After(d(7)) {
			t.Fatalf("departed on %s, after the target %s", dep, k.c.TargetDate)
		}

		// The family is in Canada: the track is over, and nothing more is
		// due, however long the case waits for its settlement to begin.
		k.to(at(9, 9))
		for _, a := range []haven.Actor{e.unhcr, e.visa, sup, progSup, e.screening, e.medical, e.settlement, e.fld} {
			if got, n := e.notices(t, a); len(got) != 0 || n != 0 {
				t.Fatalf("%s was told %v", a.UserID, got)
			}
		}
	})
}

// TestEmergencyTrackLate: an emergency case reaches admissibility on day 1
// and no one moves it again. Each notice falls due exactly when its
// deadline passes (nothing a second before, the notice a second after),
// is written once however often the watchers run, and goes to its
// recipients alone; the referring partner is told nothing.
//
//   - day 2, 10:00 (24 hours after the last act): the emergency has stalled,
//     to the visa office's supervisors and the programme administration's;
//   - day 3, 15:00 (75% of the admissibility budget from day 1, 09:00): the
//     warning, to the visa office's caseworkers;
//   - day 4, 10:00 (the admissibility budget from the assignment): the
//     checks overdue, to each check partner and the visa office's
//     caseworkers;
//   - day 5, 00:00 (past day 4, the deadline): the breach, to the visa
//     office's caseworkers and supervisors and the programme
//     administration's supervisors.
func TestEmergencyTrackLate(t *testing.T) {
	forEngine(t, func(t *testing.T, e *env) {
		m := must[*haven.Case](t)
		sup := e.user(t, haven.OrgVisaOffice, haven.RoleSupervisor, "visa-sup")
		progSup := e.user(t, haven.OrgProgrammeAdmin, haven.RoleSupervisor, "prog-sup")
		// Someone of the referring partner who would be told if anyone
		// there were: a supervisor besides the caseworker.
		unhcrSup := e.user(t, haven.OrgReferralPartner, haven.RoleSupervisor, "unhcr-sup")
		k := &track{t: t, e: e}

		k.c = e.refer(t, referral("Late", 2, haven.PriorityEmergency))
		k.to(at(0, 14))
		m(e.app.Cases.OpenFile(e.ctx, e.visa, k.c.ID))
		k.to(at(1, 9))
		m(e.app.Cases.StartEligibility(e.ctx, e.visa, k.c.ID))
		m(e.app.Cases.RecordAssessment(e.ctx, e.visa, k.c.ID, &haven.EligibilityAssessment{OutsideCountry: true, WellFoundedFear: true,
			NoInternalFlight: true, NoDurableSolution: true, Grounds: []haven.Ground{haven.GroundPoliticalOpinion}, Notes: "Credible."}))
		k.to(at(1, 10))
		k.c = m(e.app.Cases.StartAdmissibility(e.ctx, e.visa, k.c.ID))
		e.assignAll(t, k.c)
		k.c = m(e.app.Cases.FindCaseByID(e.ctx, e.visa, k.c.ID))
		k.clock(haven.StageAdmissibility, haven.DateOf(day0).AddDays(4))

		// Who has been told what, by kind, as each reads it.
		told := map[*haven.Actor]map[haven.NoticeKind]int{}
		readers := []haven.Actor{e.visa, sup, progSup, e.screening, e.medical, e.unhcr, unhcrSup, e.admin, e.fld, e.settlement}
		for i := range readers {
			told[&readers[i]] = map[haven.NoticeKind]int{}
		}
		add := func(kind haven.NoticeKind, to ...haven.Actor) {
			for _, a := range to {
				for r := range told {
					if *r == a {
						told[r][kind]++
					}
				}
			}
		}
		check := func(when string) {
			t.Helper()
			for r, want := range told {
				got, _ := e.notices(t, *r)
				delete(got, haven.NoticeEnrolmentExpiring) // the users' own links, not yet used
				if len(got) != len(want) {
					t.Fatalf("%s: %s was told %v, want %v", when, r.UserID, got, want)
				}
				for kind, n := range want {
					if len(got[kind]) != n {
						t.Fatalf("%s: %s was told %v, want %v", when, r.UserID, got, want)
					}
					for _, ntc := range got[kind] {
						if ntc.CaseReference != k.c.Reference || (ntc.CaseID == "") != (*r == progSup) {
							t.Fatalf("%s: %s is shown %+v", when, r.UserID, ntc)
						}
					}
				}
			}
		}
		// fires steps to a second before due, where nothing may fall due,
		// then to a second after, where exactly want is written (and again
		// nothing when the watchers run again).
		fires := func(due time.Time, want map[haven.NoticeKind]int) {
			t.Helper()
			k.to(due.Add(-time.Second))
			e.clock.Add(2 * time.Second)
			wrote := k.fire()
			if len(wrote) != len(want) {
				t.Fatalf("at %s, wrote %v, want %v", e.clock.Now().Format(time.DateTime), wrote, want)
			}
			for kind, n := range want {
				if wrote[kind] != n {
					t.Fatalf("at %s, wrote %v, want %v", e.clock.Now().Format(time.DateTime), wrote, want)
				}
			}
			for range 3 {
				if wrote := k.fire(); len(wrote) != 0 {
					t.Fatalf("the watchers ran again and wrote %v", wrote)
				}
			}
		}

		fires(at(2, 10), map[haven.NoticeKind]int{haven.NoticeEmergencyStalled: 1})
		add(haven.NoticeEmergencyStalled, sup, progSup)
		check("stalled")

		fires(at(3, 15), map[haven.NoticeKind]int{haven.NoticeStageWarning: 1})
		add(haven.NoticeStageWarning, e.visa)
		check("warned")

		fires(at(4, 10), map[haven.NoticeKind]int{haven.NoticeChecksOverdue: 2})
		add(haven.NoticeChecksOverdue, e.visa, e.visa, e.screening, e.medical)
		check("checks overdue")

		fires(at(5, 0), map[haven.NoticeKind]int{haven.NoticeStageBreach: 1})
		add(haven.NoticeStageBreach, e.visa, sup, progSup)
		check("breached")

		// Days more without a move: nothing new, however often the
		// watchers run (k.to fails on any).
		k.to(at(8, 0))
		check("three days later")
		for _, n := range must[*haven.Notifications](t)(e.app.Notices.FindNotifications(e.ctx, progSup)).Items {
			if !n.Escalation || n.Stage != haven.StageAdmissibility || n.Priority != haven.PriorityEmergency || n.Due != k.c.StageDue {
				t.Fatalf("the programme's supervisor is shown %+v", n)
			}
		}
	})
}
