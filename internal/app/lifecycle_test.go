package app_test

import (
	"strings"
	"testing"
	"time"

	"github.com/havenhrd/haven"
	"github.com/havenhrd/haven/internal/app"
)

// TestLifecycle walks one family from nomination to a closed case and checks
// the ledger and the audit trail at each step.
func TestLifecycle(t *testing.T) {
	forEngine(t, func(t *testing.T, e *env) {
		m := must[*haven.Case](t)
		nom := &haven.Nomination{
			ReferralOrgID: e.orgs[haven.OrgReferralPartner].ID, DefenderName: "Nasrin Lifecycle", Contact: "signal: +90 555 0101",
			Whereabouts: "Istanbul", RiskAssessment: "Credible threats after release.", RecommendedPriority: haven.PriorityUrgent,
			NationalityCountries: []string{"IR"}, AsylumCountry: "TR", FamilySize: 4,
			Profile: haven.DefenderProfile{WorkAreas: []haven.WorkArea{haven.WorkJournalism}},
		}
		noErr(t, e.app.Nominations.CreateNomination(e.ctx, e.fld, nom))
		// The referral partner it is addressed to reviews it; nobody else sees it.
		_, err := e.app.Nominations.FindNominationByID(e.ctx, e.visa, nom.ID)
		wantCode(t, err, haven.ENOTFOUND)
		got := must[*haven.Nomination](t)(e.app.Nominations.ReviewNomination(e.ctx, e.unhcr, nom.ID))
		if got.State != haven.NominationUnderReview || got.DefenderName != "Nasrin Lifecycle" {
			t.Fatalf("reviewed nomination = %+v", got)
		}

		c := referral("Lifecycle", 4, haven.PriorityUrgent)
		c.NominationID = nom.ID
		e.refer(t, c)
		if got := must[*haven.Nomination](t)(e.app.Nominations.FindNominationByID(e.ctx, e.fld, nom.ID)); got.State != haven.NominationReferred || got.CaseID != c.ID {
			t.Fatalf("nomination after referral = %+v", got)
		}
		before := e.figures(t, 2026)
		c = e.admissible(t, c)
		c = m(e.app.Cases.Approve(e.ctx, e.visa, c.ID, app.ApproveInput{}))
		if c.State != haven.StateApproved || c.VisaKind != haven.VisaPermanentResident || c.AdmissionYear != 2026 {
			t.Fatalf("approved case = %s %s %d", c.State, c.VisaKind, c.AdmissionYear)
		}
		after := e.figures(t, 2026)
		if before.Remaining-after.Remaining != 4 || after.Reserved != 4 {
			t.Fatalf("cap before %+v, after %+v: remaining should drop by 4", before, after)
		}
		// The persons count against FLD, whose nomination it was.
		var fld haven.PartnerFigures
		for _, p := range after.Partners {
			if p.OrgID == e.orgs[haven.OrgProtectionPartner].ID {
				fld = p
			}
		}
		if fld.Reserved != 4 {
			t.Fatalf("partner figures = %+v", after.Partners)
		}
		e.clock.Add(24 * time.Hour)
		c = m(e.app.Cases.BookTravel(e.ctx, e.visa, c.ID, &haven.Travel{Date: haven.DateOf(e.clock.Now().AddDate(0, 0, 14)), Itinerary: "IST-YYZ", TransportationLoan: true}))
		c = m(e.app.Cases.AssignSettlement(e.ctx, e.visa, c.ID, e.orgs[haven.OrgSettlementOrganisation].ID))
		e.clock.Add(14 * 24 * time.Hour)
		c = m(e.app.Cases.RecordArrival(e.ctx, e.visa, c.ID, &haven.Arrival{Date: haven.DateOf(e.clock.Now()), PortOfEntry: "yyz"}))
		if f := e.figures(t, 2026); f.Reserved != 0 || f.Arrived != 4 || f.Remaining != before.Remaining-4 {
			t.Fatalf("after arrival: %+v", f)
		}
		// The settlement organisation now sees the case; the screening
		// partner does not, and cannot tell it exists.
		if _, err := e.app.Cases.FindCaseByID(e.ctx, e.settlement, c.ID); err != nil {
			t.Fatalf("settlement organisation cannot see its case: %v", err)
		}
		_, err = e.app.Cases.FindCaseByID(e.ctx, e.screening, c.ID)
		wantCode(t, err, haven.ENOTFOUND)
		c = m(e.app.Cases.BeginSettlement(e.ctx, e.settlement, c.ID))
		sv := m(e.app.Cases.Close(e.ctx, e.settlement, c.ID))
		// The settlement view: names, family, languages, work areas, the
		// itinerary to meet the family, arrival; never the persecution
		// account, threats, checks, notes or reasons.
		if sv.State != haven.StateClosed || sv.Members[0].FamilyName != "FamilyLifecycle" || len(sv.Profile.WorkAreas) != 2 || sv.Arrival == nil || len(sv.Members[0].Languages) != 1 {
			t.Fatalf("settlement view lacks what settlement needs: %+v", sv)
		}
		if sv.PersecutionAccount != "" || len(sv.Profile.ThreatEvents) != 0 || len(sv.Checks) != 0 || len(sv.Grounds) != 0 ||
			sv.Members[1].ConfidentialNotes != "" || sv.Members[0].Whereabouts != "" || len(sv.Decisions) != 0 || sv.UNHCRNumber != "" || sv.Travel.Itinerary == "" {
			t.Fatalf("settlement view shows what it must not: %+v", sv)
		}
		c = m(e.app.Cases.FindCaseByID(e.ctx, e.visa, c.ID))
		if c.State != haven.StateClosed || c.Arrival.PortOfEntry != "YYZ" || len(c.Decisions) != 1 || len(c.Checks) != 12 {
			t.Fatalf("closed case = %s, arrival %+v, %d decisions, %d checks", c.State, c.Arrival, len(c.Decisions), len(c.Checks))
		}
		if c.Members[0].FamilyName != "FamilyLifecycle" || c.PersecutionAccount == "" || len(c.Profile.ThreatEvents) != 1 {
			t.Fatalf("sealed fields did not round-trip: %+v", c.Members[0])
		}

		// The audit trail: gap-free, every event names actor and organisation,
		// and none holds a word of personal data.
		evs := e.auditEvents(t)
		var actions []string
		for i, ev := range evs {
			if ev.Seq != int64(i+1) || ev.ActorID == "" || ev.ActorOrgID == "" || ev.Action == "" || ev.ObjectID == "" || (ev.Decision != "allow" && ev.Decision != "deny") {
				t.Fatalf("event %d = %+v", i, ev)
			}
			if ev.Decision == "allow" && ev.ActorID != app.SystemActor.UserID && len(ev.PolicyIDs) == 0 {
				t.Fatalf("event %d (%s) names no policy that allowed it", i, ev.Action)
			}
			for _, word := range []string{"Lifecycle", "Nasrin", "Istanbul", "IST-YYZ", "Credible"} {
				if strings.Contains(ev.Detail, word) || strings.Contains(string(ev.ObjectID), word) {
					t.Fatalf("audit event %d holds personal data %q: %+v", i, word, ev)
				}
			}
			if ev.CaseID == c.ID && !strings.HasSuffix(ev.Action, ".read") {
				actions = append(actions, ev.Action)
			}
		}
		want := []string{"nomination.refer", "case.refer", "case.open_file", "case.start_eligibility", "case.find_eligible", "case.start_admissibility"}
		if strings.Join(actions[:len(want)], " ") != strings.Join(want, " ") {
			t.Fatalf("case actions start %v, want %v", actions[:len(want)], want)
		}
		if last := actions[len(actions)-1]; last != "case.close" {
			t.Fatalf("last case action %q", last)
		}
	})
}

// TestRefusalNoticeAndRelease: a refusal needs reasons, records the notice
// to the referring partner; withdrawal after approval releases the places.
func TestRefusalAndWithdrawal(t *testing.T) {
	forEngine(t, func(t *testing.T, e *env) {
		c := e.refer(t, referral("Refused", 2, haven.PriorityNormal))
		c = e.admissible(t, c)
		_, err := e.app.Cases.Refuse(e.ctx, e.visa, c.ID, "  ")
		wantCode(t, err, haven.EINVALID)
		if fs := haven.FieldsOf(err); len(fs) != 1 || fs[0].Field != "reasons" {
			t.Fatalf("fields = %+v", fs)
		}
		c = must[*haven.Case](t)(e.app.Cases.Refuse(e.ctx, e.visa, c.ID, "Exclusion clause applies."))
		d := c.Decisions[len(c.Decisions)-1]
		if c.State != haven.StateRefused || d.Kind != haven.DecisionRefused || d.NoticeOrgID != e.orgs[haven.OrgReferralPartner].ID || d.NoticeAt.IsZero() || d.Reasons != "Exclusion clause applies." {
			t.Fatalf("refused case %s, decision %+v", c.State, d)
		}

		w := e.refer(t, referral("Withdrawn", 3, haven.PriorityNormal))
		w = e.admissible(t, w)
		must[*haven.Case](t)(e.app.Cases.Approve(e.ctx, e.visa, w.ID, app.ApproveInput{}))
		if f := e.figures(t, 2026); f.Reserved != 3 {
			t.Fatalf("reserved = %d", f.Reserved)
		}
		w = must[*haven.Case](t)(e.app.Cases.Withdraw(e.ctx, e.unhcr, w.ID, "Family found another durable solution."))
		if f := e.figures(t, 2026); f.Reserved != 0 || w.State != haven.StateWithdrawn {
			t.Fatalf("after withdrawal: %+v, state %s", f, w.State)
		}
	})
}

// TestSplitDecision: one inadmissible member blocks the family until a split
// decision removes them; the others are approved and counted.
func TestSplitDecision(t *testing.T) {
	forEngine(t, func(t *testing.T, e *env) {
		m := must[*haven.Case](t)
		c := e.refer(t, referral("Split", 3, haven.PriorityUrgent))
		c = m(e.app.Cases.OpenFile(e.ctx, e.visa, c.ID))
		c = m(e.app.Cases.StartEligibility(e.ctx, e.visa, c.ID))
		c = m(e.app.Cases.ScheduleInterview(e.ctx, e.visa, c.ID, e.interviewIn(7)))
		c = m(e.app.Cases.RecordAssessment(e.ctx, e.visa, c.ID, &haven.EligibilityAssessment{OutsideCountry: true, WellFoundedFear: true,
			NoInternalFlight: true, NoDurableSolution: true, Interviewed: true, Grounds: []haven.Ground{haven.GroundReligion}}))
		c = m(e.app.Cases.StartAdmissibility(e.ctx, e.visa, c.ID))
		e.assignAll(t, c)
		c = e.passChecks(t, c)
		third := c.Members[2]
		c = m(e.app.Cases.RecordCheck(e.ctx, e.screening, c.ID, &haven.Check{MemberID: third.ID, Kind: haven.CheckSecurity, Result: haven.ResultFailed, Details: "Match"}))
		_, err := e.app.Cases.ConfirmAdmissible(e.ctx, e.visa, c.ID)
		wantCode(t, err, haven.ECONFLICT)
		_, err = e.app.Cases.SplitDecision(e.ctx, e.visa, c.ID, []haven.ID{c.Members[0].ID}, "The principal cannot be split off.")
		wantCode(t, err, haven.EINVALID)
		c = m(e.app.Cases.SplitDecision(e.ctx, e.visa, c.ID, []haven.ID{third.ID}, "Inadmissible on security grounds."))
		if c.State != haven.StateSplitDecision || !c.Member(third.ID).Excluded || len(c.Travellers()) != 2 {
			t.Fatalf("after split: %s, travellers %d", c.State, len(c.Travellers()))
		}
		c = m(e.app.Cases.Approve(e.ctx, e.visa, c.ID, app.ApproveInput{}))
		if f := e.figures(t, 2026); f.Reserved != 2 {
			t.Fatalf("a split family of 3 reserved %d places, want 2", f.Reserved)
		}
		// After approval a late failure splits off another member: their place is released.
		// The medical partner's reach ended with its checks once
		// admissibility was settled: the visa office asks again.
		second := c.Members[1]
		_, err = e.app.Cases.RecordCheck(e.ctx, e.medical, c.ID, &haven.Check{MemberID: second.ID, Kind: haven.CheckMedical, Result: haven.ResultOnHold, Details: "Active TB"})
		wantCode(t, err, haven.ENOTFOUND)
		m(e.app.Cases.AssignChecks(e.ctx, e.visa, c.ID, e.orgs[haven.OrgMedicalPartner].ID, []haven.ID{second.ID}))
		c = m(e.app.Cases.RecordCheck(e.ctx, e.medical, c.ID, &haven.Check{MemberID: second.ID, Kind: haven.CheckMedical, Result: haven.ResultOnHold, Details: "Active TB"}))
		c = m(e.app.Cases.SplitDecision(e.ctx, e.visa, c.ID, []haven.ID{second.ID}, "Medical hold; will follow later."))
		if f := e.figures(t, 2026); f.Reserved != 1 {
			t.Fatalf("after a split following approval reserved = %d, want 1", f.Reserved)
		}
		c = m(e.app.Cases.Approve(e.ctx, e.visa, c.ID, app.ApproveInput{}))
		if f := e.figures(t, 2026); f.Reserved != 1 || c.State != haven.StateApproved {
			t.Fatalf("re-approval: %+v %s", f, c.State)
		}
	})
}

// TestEmergencyTrack: only emergency-priority cases take the temporary
// resident permit track; travel needs a medical valid on the travel date.
func TestEmergencyTrackAndTravel(t *testing.T) {
	forEngine(t, func(t *testing.T, e *env) {
		m := must[*haven.Case](t)
		n := e.refer(t, referral("Normal", 1, haven.PriorityNormal))
		n = e.admissible(t, n)
		_, err := e.app.Cases.Approve(e.ctx, e.visa, n.ID, app.ApproveInput{Emergency: true})
		wantCode(t, err, haven.ECONFLICT)

		c := e.refer(t, referral("Emergency", 2, haven.PriorityEmergency))
		c = m(e.app.Cases.OpenFile(e.ctx, e.visa, c.ID))
		c = m(e.app.Cases.StartEligibility(e.ctx, e.visa, c.ID))
		c = m(e.app.Cases.RecordAssessment(e.ctx, e.visa, c.ID, &haven.EligibilityAssessment{OutsideCountry: true, WellFoundedFear: true,
			NoInternalFlight: true, NoDurableSolution: true, Grounds: []haven.Ground{haven.GroundPoliticalOpinion}}))
		c = m(e.app.Cases.StartAdmissibility(e.ctx, e.visa, c.ID))
		e.assignAll(t, c)
		c = m(e.app.Cases.Approve(e.ctx, e.visa, c.ID, app.ApproveInput{Emergency: true}))
		if c.VisaKind != haven.VisaTemporaryPermit || c.State != haven.StateApproved {
			t.Fatalf("emergency approval: %s %s", c.State, c.VisaKind)
		}
		// No medical yet: travel cannot be booked.
		_, err = e.app.Cases.BookTravel(e.ctx, e.visa, c.ID, &haven.Travel{Date: haven.DateOf(e.clock.Now().AddDate(0, 0, 3))})
		wantCode(t, err, haven.ECONFLICT)
		for _, mem := range c.Members {
			c = m(e.app.Cases.RecordCheck(e.ctx, e.medical, c.ID, &haven.Check{MemberID: mem.ID, Kind: haven.CheckMedical, Result: haven.ResultPassed,
				ValidUntil: haven.DateOf(e.clock.Now().AddDate(0, 0, 10))}))
		}
		// A medical that expires before the travel date blocks travel.
		_, err = e.app.Cases.BookTravel(e.ctx, e.visa, c.ID, &haven.Travel{Date: haven.DateOf(e.clock.Now().AddDate(0, 0, 30))})
		wantCode(t, err, haven.ECONFLICT)
		c = m(e.app.Cases.BookTravel(e.ctx, e.visa, c.ID, &haven.Travel{Date: haven.DateOf(e.clock.Now().AddDate(0, 0, 5))}))
		if c.State != haven.StateTravelBooked {
			t.Fatalf("state %s", c.State)
		}
	})
}

// TestHoldAndInfoRequest: both side states return the case where it was.
func TestHoldAndInfoRequest(t *testing.T) {
	forEngine(t, func(t *testing.T, e *env) {
		m := must[*haven.Case](t)
		c := e.refer(t, referral("Hold", 1, haven.PriorityNormal))
		c = m(e.app.Cases.RequestInfo(e.ctx, e.visa, c.ID, "Need the full RRF annex."))
		if c.State != haven.StateInfoRequested || c.ResumeState != haven.StateReferred {
			t.Fatalf("info requested: %s / %s", c.State, c.ResumeState)
		}
		_, err := e.app.Cases.OpenFile(e.ctx, e.visa, c.ID)
		wantCode(t, err, haven.ECONFLICT)
		c = m(e.app.Cases.Resume(e.ctx, e.visa, c.ID))
		c = m(e.app.Cases.OpenFile(e.ctx, e.visa, c.ID))
		c = m(e.app.Cases.Hold(e.ctx, e.visa, c.ID, "Awaiting partner's risk update."))
		c = m(e.app.Cases.Resume(e.ctx, e.visa, c.ID))
		if c.State != haven.StateFileCreated || c.ResumeState != "" {
			t.Fatalf("resumed: %s / %s", c.State, c.ResumeState)
		}
		// The written reasons are kept, sealed, as notes on the case.
		if len(c.Notes) != 2 || c.Notes[0].Event != haven.EventRequestInfo || c.Notes[0].Text != "Need the full RRF annex." ||
			c.Notes[1].Event != haven.EventHold || c.Notes[1].Text != "Awaiting partner's risk update." || c.Notes[1].AuthorID != e.visa.UserID {
			t.Fatalf("notes = %+v", c.Notes)
		}
		c = m(e.app.Cases.Withdraw(e.ctx, e.unhcr, c.ID, "The family is safe elsewhere."))
		if n := c.Notes[len(c.Notes)-1]; n.Event != haven.EventWithdraw || n.Text != "The family is safe elsewhere." || n.OrgID != e.orgs[haven.OrgReferralPartner].ID {
			t.Fatalf("withdrawal note = %+v", n)
		}
	})
}
