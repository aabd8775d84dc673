package policy_test

import (
	"errors"
	"reflect"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/havenhrd/haven"
	"github.com/havenhrd/haven/internal/policy"
)

func actor(kind haven.OrgKind, role haven.Role) haven.Actor {
	return haven.Actor{UserID: "usr_test", OrgID: "org_test", OrgKind: kind, Role: role}
}

func caseRel(s haven.CaseState) policy.Relation {
	return policy.Relation{Kind: policy.KindCase, CaseState: s}
}

func TestLoad(t *testing.T) {
	if err := policy.Err(); err != nil {
		t.Fatal(err)
	}
}

func TestAllowed(t *testing.T) {
	tests := []struct {
		kind   haven.OrgKind
		role   haven.Role
		action policy.Action
		want   bool
	}{
		{haven.OrgVisaOffice, haven.RoleCaseworker, policy.CaseProcess, true},
		{haven.OrgVisaOffice, haven.RoleAdmin, policy.CaseProcess, false}, // admins do no case work
		{haven.OrgVisaOffice, haven.RoleAdmin, policy.LedgerRead, true},
		{haven.OrgReferralPartner, haven.RoleCaseworker, policy.CaseProcess, false},
		{haven.OrgMedicalPartner, haven.RoleCaseworker, policy.CheckMedical, true},
		{haven.OrgMedicalPartner, haven.RoleCaseworker, policy.CheckScreening, false},
		{haven.OrgScreeningPartner, haven.RoleCaseworker, policy.CheckScreening, true},
		{haven.OrgScreeningPartner, haven.RoleCaseworker, policy.CaseRead, false},
		{haven.OrgProtectionPartner, haven.RoleCaseworker, policy.NominationCreate, true},
		{haven.OrgReferralPartner, haven.RoleCaseworker, policy.NominationCreate, false},
		{haven.OrgProgrammeAdmin, haven.RoleAdmin, policy.RulesSet, true},
		{haven.OrgVisaOffice, haven.RoleSupervisor, policy.RulesSet, false},
		{haven.OrgProgrammeAdmin, haven.RoleAdmin, policy.CaseRead, false}, // no case narrative for administration
		{haven.OrgProgrammeAdmin, haven.RoleSupervisor, policy.EscalationRead, true},
		{haven.OrgProgrammeAdmin, haven.RoleSupervisor, policy.CaseRead, false}, // the escalation, never the case
		{haven.OrgVisaOffice, haven.RoleSupervisor, policy.EscalationRead, false},
		{haven.OrgSettlementOrganisation, haven.RoleCaseworker, policy.CaseSettle, true},
		{haven.OrgSettlementOrganisation, haven.RoleCaseworker, policy.CasePlan, true},
		{haven.OrgVisaOffice, haven.RoleCaseworker, policy.CasePlan, false}, // the plan is the settlement organisation's
		{haven.OrgVisaOffice, haven.RoleCaseworker, "case.teleport", false},
		{"government", haven.RoleCaseworker, policy.CaseRead, false},
		{haven.OrgVisaOffice, "root", policy.CaseRead, false},
	}
	for _, tt := range tests {
		if got := policy.Allowed(tt.kind, tt.role, tt.action); got != tt.want {
			t.Errorf("Allowed(%s, %s, %s) = %v, want %v", tt.kind, tt.role, tt.action, got, tt.want)
		}
	}
	if policy.CheckAction(haven.CheckMedical) != policy.CheckMedical || policy.CheckAction(haven.CheckCriminality) != policy.CheckScreening ||
		policy.CheckAction(haven.CheckSecurity) != policy.CheckScreening {
		t.Error("CheckAction maps check kinds wrongly")
	}
	if n := len(policy.Actions()); n != 47 {
		t.Errorf("%d actions", n)
	}
}

// TestDecide: the rules of the issue on a few records, with the policies
// that decide.
func TestDecide(t *testing.T) {
	var (
		vo   = actor(haven.OrgVisaOffice, haven.RoleCaseworker)
		voA  = actor(haven.OrgVisaOffice, haven.RoleAdmin)
		rp   = actor(haven.OrgReferralPartner, haven.RoleCaseworker)
		pp   = actor(haven.OrgProtectionPartner, haven.RoleSupervisor)
		so   = actor(haven.OrgSettlementOrganisation, haven.RoleCaseworker)
		mp   = actor(haven.OrgMedicalPartner, haven.RoleCaseworker)
		sp   = actor(haven.OrgScreeningPartner, haven.RoleCaseworker)
		pa   = actor(haven.OrgProgrammeAdmin, haven.RoleAdmin)
		ref  = policy.Relation{Kind: policy.KindCase, CaseState: haven.StateEligible, IsReferringOrg: true}
		nom  = policy.Relation{Kind: policy.KindCase, CaseState: haven.StateApproved, IsNominatingOrg: true}
		plcd = policy.Relation{Kind: policy.KindCase, CaseState: haven.StateArrived, IsSettlementOrg: true}
		asg  = policy.Relation{Kind: policy.KindMember, CaseState: haven.StateAdmissibilityInProgress, IsAssignedOrg: true}
		addr = policy.Relation{Kind: policy.KindNomination, NominationState: haven.NominationUnderReview, IsAddresseeOrg: true, MayRefer: true}
	)
	tests := []struct {
		name   string
		actor  haven.Actor
		action policy.Action
		rel    policy.Relation
		want   bool
		ids    []string
	}{
		{"visa office processes", vo, policy.CaseProcess, caseRel(haven.StateReferred), true, []string{"visa-office.cases"}},
		{"visa office admin does no case work", voA, policy.CaseRead, caseRel(haven.StateReferred), false, []string{"forbid.admin-role-case-work"}},
		{"referring partner reads its case", rp, policy.CaseRead, ref, true, []string{"referring-partner.cases"}},
		{"referral partner cannot read another's case", rp, policy.CaseRead, caseRel(haven.StateEligible), false, nil},
		{"referring partner sees confidential notes", rp, policy.ViewConfidentialNotes, ref, true, []string{"referring-partner.cases"}},
		{"referring partner responds only to an open request", rp, policy.CaseRespond, ref, false, nil},
		{"nominating partner reads the status", pp, policy.ViewStatus, nom, true, []string{"nominating-partner.case-status"}},
		{"nominating partner sees no names", pp, policy.ViewIdentity, nom, false, []string{"forbid.protection-partner-status-only"}},
		{"settlement organisation settles its case", so, policy.CaseSettle, plcd, true, []string{"settlement.cases"}},
		{"settlement organisation never sees the narrative", so, policy.ViewNarrative, plcd, false,
			[]string{"forbid.confidential-notes", "forbid.settlement-sensitive"}[1:]},
		{"settlement organisation waits for approval", so, policy.CaseRead, policy.Relation{Kind: policy.KindCase, CaseState: haven.StateAdmissible, IsSettlementOrg: true},
			false, []string{"forbid.settlement-own-cases"}},
		{"medical partner records a medical", mp, policy.CheckMedical, asg, true, []string{"medical-partner.assigned-members"}},
		{"medical partner records no security check", mp, policy.CheckScreening, asg, false, []string{"forbid.check-partners-own-kind"}},
		{"screening partner records no medical", sp, policy.CheckMedical, asg, false, []string{"forbid.check-partners-own-kind"}},
		{"screening partner needs the assignment", sp, policy.CheckScreening, policy.Relation{Kind: policy.KindMember, CaseState: haven.StateAdmissible},
			false, []string{"forbid.check-partners-assigned-members"}},
		{"administration never reads a case", pa, policy.CaseRead, caseRel(haven.StateClosed), false,
			[]string{"forbid.admin-role-case-work", "forbid.administration-case-work"}},
		{"administration manages keys", pa, policy.KeysManage, policy.Programme, true, []string{"administration.programme"}},
		{"referral partner refers a nomination", rp, policy.NominationRefer, addr, true, []string{"referral-partner.refer-nomination"}},
		{"protection partner refers when the rules allow", pp, policy.CaseRefer, policy.Relation{Kind: policy.KindProgramme, MayRefer: true}, true, []string{"partners.refer"}},
		{"protection partner does not refer otherwise", pp, policy.CaseRefer, policy.Programme, false, []string{"forbid.refer-without-rules"}},
	}
	for _, tt := range tests {
		d := policy.Decide(tt.actor, tt.action, tt.rel)
		if d.Err != nil {
			t.Errorf("%s: %v", tt.name, d.Err)
			continue
		}
		if d.Allowed != tt.want || !slices.Equal(d.PolicyIDs, tt.ids) {
			t.Errorf("%s: %s %s on %s = %v %v (%s), want %v %v", tt.name, tt.actor.OrgKind, tt.action, tt.rel, d.Allowed, d.PolicyIDs, d.Reason(), tt.want, tt.ids)
		}
	}
}

// TestDecideFailsClosed: a question that cannot be answered is a denial
// that carries an error.
func TestDecideFailsClosed(t *testing.T) {
	vo := actor(haven.OrgVisaOffice, haven.RoleCaseworker)
	tests := []struct {
		name   string
		actor  haven.Actor
		action policy.Action
		rel    policy.Relation
	}{
		{"unknown action", vo, "case.teleport", caseRel(haven.StateReferred)},
		{"wrong record kind", vo, policy.CaseProcess, policy.Programme},
		{"no record kind", vo, policy.CaseRead, policy.Relation{CaseState: haven.StateReferred}},
		{"unknown case state", vo, policy.CaseRead, caseRel("lost")},
		{"no case state", vo, policy.CaseRead, caseRel("")},
		{"nomination state for a case", vo, policy.CaseRead, policy.Relation{Kind: policy.KindCase, NominationState: haven.NominationSubmitted}},
		{"unknown nomination state", vo, policy.NominationRead, policy.Relation{Kind: policy.KindNomination, NominationState: "lost"}},
		{"unknown organisation kind", actor("government", haven.RoleCaseworker), policy.CaseRead, caseRel(haven.StateReferred)},
		{"unresolved actor", haven.Actor{UserID: "usr_x"}, policy.RulesRead, policy.Programme},
		{"unknown role", actor(haven.OrgVisaOffice, "root"), policy.CaseRead, caseRel(haven.StateReferred)},
	}
	for _, tt := range tests {
		d := policy.Decide(tt.actor, tt.action, tt.rel)
		var he *haven.Error
		if d.Allowed || d.Err == nil || !errors.As(d.Err, &he) || he.Code != haven.EINTERNAL {
			t.Errorf("%s: %+v", tt.name, d)
		}
	}
	if _, d := policy.ViewOf(vo, policy.Programme); d.Allowed || d.Err == nil {
		t.Errorf("a view of the programme: %+v", d)
	}
}

// TestDecideConcurrently: the engine is shared by every request.
func TestDecideConcurrently(t *testing.T) {
	a := actor(haven.OrgSettlementOrganisation, haven.RoleCaseworker)
	r := policy.Relation{Kind: policy.KindCase, CaseState: haven.StateArrived, IsSettlementOrg: true}
	want, _ := policy.ViewOf(a, r)
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 20 {
				if v, d := policy.ViewOf(a, r); !d.Allowed || !equalViews(v, want) {
					t.Errorf("concurrent view = %+v, %+v", v, d)
				}
				policy.Allowed(haven.OrgMedicalPartner, haven.RoleSupervisor, policy.CheckMedical)
			}
		})
	}
	wg.Wait()
}

func TestViewOf(t *testing.T) {
	tests := []struct {
		name  string
		actor haven.Actor
		rel   policy.Relation
		want  policy.View
		read  bool
	}{
		{"visa office", actor(haven.OrgVisaOffice, haven.RoleCaseworker), caseRel(haven.StateAdmissible),
			policy.View{Status: true, Referral: true, Identity: true, Family: true, Contact: true, Narrative: true, Work: true,
				ConfidentialNotes: true, CheckDetails: true, DecisionReasons: true, Itinerary: true, Arrival: true,
				IntegrationPlan: true, Assessments: true, Decisions: true, Priority: true, StayingBehind: true, CheckKinds: haven.CheckKinds, Duplicates: true, Timeline: true,
				Interview: true}, true},
		{"referring partner, refused case", actor(haven.OrgReferralPartner, haven.RoleCaseworker),
			policy.Relation{Kind: policy.KindCase, CaseState: haven.StateRefused, IsReferringOrg: true},
			policy.View{Status: true, Referral: true, Identity: true, Family: true, Narrative: true, Work: true,
				DecisionReasons: true, Arrival: true, Decisions: true, Priority: true, StayingBehind: true, Timeline: true}, true},
		{"referring partner, travel booked", actor(haven.OrgReferralPartner, haven.RoleCaseworker),
			policy.Relation{Kind: policy.KindCase, CaseState: haven.StateTravelBooked, IsReferringOrg: true},
			policy.View{Status: true, Referral: true, Identity: true, Family: true, Contact: true, Narrative: true, Work: true,
				ConfidentialNotes: true, DecisionReasons: true, Arrival: true, Decisions: true, Priority: true, StayingBehind: true, Timeline: true,
				Interview: true}, true},
		{"referring partner, settled in", actor(haven.OrgReferralPartner, haven.RoleCaseworker),
			policy.Relation{Kind: policy.KindCase, CaseState: haven.StateInSettlement, IsReferringOrg: true, PastHandover: true},
			policy.View{Status: true, Referral: true, Identity: true, Family: true, Narrative: true, Work: true,
				DecisionReasons: true, Arrival: true, Decisions: true, Priority: true, StayingBehind: true, Timeline: true}, true},
		{"protection partner that referred", actor(haven.OrgProtectionPartner, haven.RoleCaseworker),
			policy.Relation{Kind: policy.KindCase, CaseState: haven.StateInterview, IsReferringOrg: true},
			policy.View{Status: true, Referral: true, Identity: true, Family: true, Contact: true, Narrative: true, Work: true,
				ConfidentialNotes: true, DecisionReasons: true, Arrival: true, Decisions: true, Priority: true, StayingBehind: true, Timeline: true,
				Interview: true}, true},
		{"protection partner that nominated", actor(haven.OrgProtectionPartner, haven.RoleCaseworker),
			policy.Relation{Kind: policy.KindCase, CaseState: haven.StateInterview, IsNominatingOrg: true},
			policy.View{Status: true}, true},
		{"protection partner, no relation", actor(haven.OrgProtectionPartner, haven.RoleCaseworker),
			caseRel(haven.StateInterview), policy.View{}, false},
		{"settlement organisation", actor(haven.OrgSettlementOrganisation, haven.RoleCaseworker),
			policy.Relation{Kind: policy.KindCase, CaseState: haven.StateInSettlement, IsSettlementOrg: true},
			policy.View{Status: true, Identity: true, Family: true, Work: true, Itinerary: true, Arrival: true, IntegrationPlan: true}, true},
		{"settlement organisation before approval", actor(haven.OrgSettlementOrganisation, haven.RoleCaseworker),
			policy.Relation{Kind: policy.KindCase, CaseState: haven.StateAdmissible, IsSettlementOrg: true}, policy.View{}, false},
		{"medical partner, assigned member", actor(haven.OrgMedicalPartner, haven.RoleCaseworker),
			policy.Relation{Kind: policy.KindMember, CaseState: haven.StateAdmissibilityInProgress, IsAssignedOrg: true},
			policy.View{Identity: true, Priority: true, CheckKinds: []haven.CheckKind{haven.CheckMedical}}, true},
		{"medical partner, its check recorded, admissibility in progress", actor(haven.OrgMedicalPartner, haven.RoleCaseworker),
			policy.Relation{Kind: policy.KindMember, CaseState: haven.StateAdmissibilityInProgress, IsAssignedOrg: true, CheckRecorded: true},
			policy.View{Identity: true, Priority: true, CheckKinds: []haven.CheckKind{haven.CheckMedical}}, true},
		{"medical partner, its check recorded, admissibility settled", actor(haven.OrgMedicalPartner, haven.RoleCaseworker),
			policy.Relation{Kind: policy.KindMember, CaseState: haven.StateAdmissible, IsAssignedOrg: true, CheckRecorded: true},
			policy.View{}, false},
		{"screening partner, assigned member", actor(haven.OrgScreeningPartner, haven.RoleCaseworker),
			policy.Relation{Kind: policy.KindMember, CaseState: haven.StateTravelBooked, IsAssignedOrg: true},
			policy.View{Identity: true, Priority: true, CheckKinds: []haven.CheckKind{haven.CheckSecurity, haven.CheckCriminality}}, true},
		{"screening partner, the case", actor(haven.OrgScreeningPartner, haven.RoleCaseworker),
			caseRel(haven.StateAdmissible), policy.View{}, false},
		{"administration", actor(haven.OrgProgrammeAdmin, haven.RoleAdmin), caseRel(haven.StateClosed), policy.View{}, false},
		{"admin role of the visa office", actor(haven.OrgVisaOffice, haven.RoleAdmin), caseRel(haven.StateClosed), policy.View{}, false},
	}
	for _, tt := range tests {
		v, d := policy.ViewOf(tt.actor, tt.rel)
		if d.Err != nil {
			t.Errorf("%s: %v", tt.name, d.Err)
		}
		if d.Allowed != tt.read || !equalViews(v, tt.want) {
			t.Errorf("%s: view = %+v, read %v; want %+v, read %v", tt.name, v, d.Allowed, tt.want, tt.read)
		}
	}
	nom, _ := policy.ViewOf(actor(haven.OrgProtectionPartner, haven.RoleCaseworker),
		policy.Relation{Kind: policy.KindCase, CaseState: haven.StateClosed, IsNominatingOrg: true})
	if !nom.StatusOnly() || (policy.View{Status: true, Identity: true}).StatusOnly() || (policy.View{}).StatusOnly() || !(policy.View{}).IsZero() {
		t.Error("StatusOnly or IsZero is wrong")
	}
}

func equalViews(a, b policy.View) bool { return reflect.DeepEqual(a, b) }

// TestCaseView: the deprecated view by kind is the most the kind could see.
func TestViewOr(t *testing.T) {
	a := policy.View{Status: true, CheckKinds: []haven.CheckKind{haven.CheckMedical}}
	b := policy.View{Identity: true, CheckKinds: []haven.CheckKind{haven.CheckSecurity, haven.CheckMedical}}
	u := a.Or(b)
	if !u.Status || !u.Identity || u.Narrative || len(u.CheckKinds) != 2 {
		t.Fatalf("union = %+v", u)
	}
}

// fullCase returns a case with every field set.
func fullCase() *haven.Case {
	at := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	return &haven.Case{
		ID: "case_1", UNHCRNumber: "UNH-1", ReferringOrgID: "org_unhcr", NominationID: "nom_1", State: haven.StateArrived,
		ResumeState: haven.StateEligible, SubmissionPriority: haven.PriorityUrgent, ProcessingPriority: haven.PriorityUrgent,
		PrimaryCategory: haven.CategorySurvivorsViolenceTorture, SecondaryCategory: haven.CategoryMedicalNeeds,
		CategoryJustification: "justification", Grounds: []haven.Ground{haven.GroundPoliticalOpinion},
		SocialGroups: []haven.SocialGroup{haven.SocialGroupSexualOrientation}, NationalityCountries: []string{"IR"}, AsylumCountry: "TR",
		Profile: haven.DefenderProfile{WorkAreas: []haven.WorkArea{haven.WorkJournalism}, Organisations: []string{"press"},
			ThreatEvents: []haven.ThreatEvent{{Type: haven.ThreatTorture}}},
		PersecutionAccount: "account", DeclaredSize: 1,
		Members: []*haven.Member{{ID: "mem_1", CaseID: "case_1", Relationship: haven.RelPrincipal, Accompanying: true,
			FamilyName: "Family", GivenNames: "Given", DateOfBirth: haven.Date{Year: 1980, Month: 1, Day: 2}, Sex: haven.SexFemale,
			Nationalities: []string{"IR"}, Languages: []string{"fa"}, Contact: "+90", Whereabouts: "Van", ConfidentialNotes: "secret",
			AdultDependent: true}},
		Assessments: []*haven.EligibilityAssessment{{ID: "as_1", Notes: "notes", Grounds: []haven.Ground{haven.GroundReligion}}},
		Checks: []*haven.Check{{ID: "chk_1", MemberID: "mem_1", Kind: haven.CheckMedical, Result: haven.ResultPassed, Details: "IME"},
			{ID: "chk_2", MemberID: "mem_1", Kind: haven.CheckSecurity, Result: haven.ResultPassed, Details: "no match"}},
		Decisions: []*haven.Decision{{ID: "dec_1", Kind: haven.DecisionApproved, Reasons: "reasons"}},
		Notes:     []*haven.CaseNote{{ID: "note_1", Text: "hold reasons"}},
		Travel:    &haven.Travel{CaseID: "case_1", Date: haven.Date{Year: 2026, Month: 4, Day: 1}, Itinerary: "IST-YYZ", TransportationLoan: true},
		Arrival:   &haven.Arrival{CaseID: "case_1", Date: haven.Date{Year: 2026, Month: 4, Day: 2}, PortOfEntry: "YYZ"},
		VisaKind:  haven.VisaPermanentResident, AdmissionYear: 2026, SettlementOrgID: "org_settle",
		ReferredAt: at, UpdatedAt: at, Version: 7,
		Plan: haven.NewIntegrationPlan("case_1", []*haven.PlanMilestone{{Milestone: haven.MilestoneHousing, Status: haven.MilestoneInProgress, Notes: "lease"}},
			nil, haven.Date{Year: 2026, Month: 4, Day: 2}),
		PossibleDuplicates: []*haven.PossibleDuplicate{{OtherCaseID: "case_9", Match: haven.MatchUNHCRNumber}},
		Interview: &haven.Interview{ID: "itv_1", CaseID: "case_1", Date: haven.Date{Year: 2026, Month: 3, Day: 20}, Time: "10:00",
			Zone: "Africa/Nairobi", At: at.AddDate(0, 0, 18), Place: "UNHCR office", Language: "fa", Attending: []haven.ID{"mem_1"}},
	}
}

// TestRedactInterview: the interview, and the days it sets on the clock,
// go with case.view.interview: a reader without it sees no interview, the
// stage's own deadline and no next day; one with it but without the
// priority sees the interview and no clock dates.
func TestRedactInterview(t *testing.T) {
	clock := haven.CaseClock{Stage: haven.StageEligibility, StageDue: haven.Date{Year: 2026, Month: 3, Day: 20},
		BaseDue: haven.Date{Year: 2026, Month: 3, Day: 16}, NextDue: haven.Date{Year: 2026, Month: 3, Day: 20}, Turn: haven.PartyVisaOffice}
	for _, tc := range []struct {
		name          string
		view          policy.View
		interview     bool
		due, base, nx haven.Date
	}{
		{"the interview and the priority", policy.View{Status: true, Priority: true, Interview: true}, true, clock.StageDue, clock.BaseDue, clock.NextDue},
		{"the priority, no interview", policy.View{Status: true, Priority: true}, false, clock.BaseDue, haven.Date{}, haven.Date{}},
		{"the interview, no priority", policy.View{Status: true, Interview: true}, true, haven.Date{}, haven.Date{}, haven.Date{}},
		{"the status only", policy.View{Status: true}, false, haven.Date{}, haven.Date{}, haven.Date{}},
	} {
		c := fullCase()
		c.CaseClock = clock
		tc.view.Redact(c)
		if (c.Interview != nil) != tc.interview || c.StageDue != tc.due || c.BaseDue != tc.base || c.NextDue != tc.nx {
			t.Errorf("%s: interview %v, StageDue %s, BaseDue %s, NextDue %s; want %v, %s, %s, %s", tc.name,
				c.Interview != nil, c.StageDue, c.BaseDue, c.NextDue, tc.interview, tc.due, tc.base, tc.nx)
		}
	}
}

func TestRedact(t *testing.T) {
	// The case-status view: state and dates, nothing else; of the clock,
	// the stage and whose turn, not the dates worked out from the priority.
	c := fullCase()
	c.CaseClock = haven.CaseClock{Stage: haven.StageFile, StageDue: haven.Date{Year: 2026, Month: 3, Day: 5},
		TargetDate: haven.Date{Year: 2027, Month: 3, Day: 2}, Turn: haven.PartyVisaOffice}
	policy.View{Status: true}.Redact(c)
	want := &haven.Case{ID: "case_1", State: haven.StateArrived, ResumeState: haven.StateEligible,
		ReferredAt: c.ReferredAt, UpdatedAt: c.UpdatedAt, Version: 7}
	if c.UNHCRNumber != "" || c.PrimaryCategory != "" || c.Members != nil || c.Checks != nil || c.Decisions != nil || c.Notes != nil ||
		c.Travel != nil || c.Arrival != nil || c.Plan != nil || c.Assessments != nil || c.Profile.WorkAreas != nil || c.NationalityCountries != nil ||
		c.ReferringOrgID != "" || c.State != want.State || c.Version != 7 || c.ID != "case_1" ||
		c.Stage != haven.StageFile || c.Turn != haven.PartyVisaOffice || !c.StageDue.IsZero() || !c.TargetDate.IsZero() {
		t.Errorf("status view = %+v", c)
	}

	// The settlement view.
	c = fullCase()
	v, _ := policy.ViewOf(actor(haven.OrgSettlementOrganisation, haven.RoleCaseworker),
		policy.Relation{Kind: policy.KindCase, CaseState: haven.StateArrived, IsSettlementOrg: true})
	v.Redact(c)
	m := c.Members[0]
	if m.FamilyName != "Family" || len(m.Languages) != 1 || m.Relationship != haven.RelPrincipal || len(c.Profile.WorkAreas) != 1 ||
		c.Arrival == nil || c.Plan == nil || c.Travel == nil || c.Travel.Date.IsZero() || c.Travel.Itinerary != "IST-YYZ" {
		t.Errorf("settlement view lacks what settlement needs: %+v %+v", c, m)
	}
	if m.ConfidentialNotes != "" || m.Whereabouts != "" || m.Contact != "" || c.PersecutionAccount != "" || c.Profile.ThreatEvents != nil ||
		c.Grounds != nil || c.Checks != nil || c.Decisions != nil || c.Notes != nil || c.UNHCRNumber != "" ||
		c.PrimaryCategory != "" || c.SecondaryCategory != "" || c.Assessments != nil || m.AdultDependent || c.PossibleDuplicates != nil ||
		c.Interview != nil {
		t.Errorf("settlement view shows what it must not: %+v %+v", c, m)
	}

	// The referring partner's view: the exception it recorded, no duplicates.
	c = fullCase()
	v, _ = policy.ViewOf(actor(haven.OrgReferralPartner, haven.RoleCaseworker),
		policy.Relation{Kind: policy.KindCase, CaseState: haven.StateArrived, IsReferringOrg: true})
	v.Redact(c)
	if !c.Members[0].AdultDependent || c.PossibleDuplicates != nil {
		t.Errorf("referring partner's view: exception %v, duplicates %v", c.Members[0].AdultDependent, c.PossibleDuplicates)
	}

	// The medical partner's view of a member.
	c = fullCase()
	v, _ = policy.ViewOf(actor(haven.OrgMedicalPartner, haven.RoleCaseworker),
		policy.Relation{Kind: policy.KindMember, CaseState: haven.StateApproved, IsAssignedOrg: true})
	v.Redact(c)
	m = c.Members[0]
	if m.FamilyName != "Family" || m.DateOfBirth.IsZero() || m.Sex == "" || len(m.Nationalities) != 1 {
		t.Errorf("medical view lacks identity: %+v", m)
	}
	if m.Languages != nil || m.Relationship != "" || m.ConfidentialNotes != "" || m.AdultDependent || c.State != "" || len(c.Checks) != 1 || c.SubmissionPriority != "" ||
		c.Checks[0].Kind != haven.CheckMedical || c.Checks[0].Details != "" || c.Travel != nil || c.Arrival != nil || c.Plan != nil || c.Profile.WorkAreas != nil ||
		c.Interview != nil {
		t.Errorf("medical view shows what it must not: %+v %+v %+v", c, m, c.Checks)
	}

	// The full view keeps everything.
	c = fullCase()
	v, _ = policy.ViewOf(actor(haven.OrgVisaOffice, haven.RoleCaseworker), caseRel(haven.StateArrived))
	v.Redact(c)
	if c.Members[0].ConfidentialNotes != "secret" || c.Travel.Itinerary != "IST-YYZ" || len(c.Checks) != 2 || c.Checks[1].Details != "no match" ||
		c.Notes[0].Text != "hold reasons" || c.Assessments[0].Notes != "notes" || c.PersecutionAccount != "account" || c.SettlementOrgID == "" ||
		c.Plan == nil || c.Plan.Milestone(haven.MilestoneHousing).Notes != "lease" || !c.Members[0].AdultDependent || len(c.PossibleDuplicates) != 1 ||
		c.Interview == nil || c.Interview.Place != "UNHCR office" {
		t.Errorf("full view lost something: %+v", c)
	}
	policy.View{}.Redact(nil)

	// Members who stay behind: the referring partner and the visa office
	// see them, the settlement organisation does not, nor their checks.
	stay := func() *haven.Case {
		c := fullCase()
		c.Members = append(c.Members,
			&haven.Member{ID: "mem_2", CaseID: "case_1", Relationship: haven.RelSpouse, Accompanying: false, FamilyName: "Stays"},
			&haven.Member{ID: "mem_3", CaseID: "case_1", Relationship: haven.RelChild, Accompanying: true, Excluded: true, FamilyName: "Removed"})
		c.Checks = append(c.Checks, &haven.Check{ID: "chk_3", MemberID: "mem_3", Kind: haven.CheckMedical, Result: haven.ResultFailed})
		return c
	}
	names := func(c *haven.Case) []string {
		var out []string
		for _, m := range c.Members {
			out = append(out, m.FamilyName)
		}
		return out
	}
	for _, tt := range []struct {
		name   string
		actor  haven.Actor
		rel    policy.Relation
		want   []string
		checks int
	}{
		{"settlement organisation", actor(haven.OrgSettlementOrganisation, haven.RoleCaseworker),
			policy.Relation{Kind: policy.KindCase, CaseState: haven.StateArrived, IsSettlementOrg: true}, []string{"Family"}, 0},
		{"referring partner", actor(haven.OrgReferralPartner, haven.RoleCaseworker),
			policy.Relation{Kind: policy.KindCase, CaseState: haven.StateArrived, IsReferringOrg: true}, []string{"Family", "Stays", "Removed"}, 0},
		{"visa office", actor(haven.OrgVisaOffice, haven.RoleCaseworker), caseRel(haven.StateArrived), []string{"Family", "Stays", "Removed"}, 3},
	} {
		c := stay()
		v, _ := policy.ViewOf(tt.actor, tt.rel)
		v.Redact(c)
		if got := names(c); !slices.Equal(got, tt.want) || len(c.Checks) != tt.checks {
			t.Errorf("%s: members %v and %d checks, want %v and %d", tt.name, got, len(c.Checks), tt.want, tt.checks)
		}
	}
}

// BenchmarkDecide measures one decision as the app asks it: build the
// request and evaluate every policy.
func BenchmarkDecide(b *testing.B) {
	qs := []struct {
		actor  haven.Actor
		action policy.Action
		rel    policy.Relation
	}{
		{actor(haven.OrgVisaOffice, haven.RoleCaseworker), policy.CaseProcess, caseRel(haven.StateEligible)},
		{actor(haven.OrgSettlementOrganisation, haven.RoleCaseworker), policy.ViewNarrative,
			policy.Relation{Kind: policy.KindCase, CaseState: haven.StateArrived, IsSettlementOrg: true}},
		{actor(haven.OrgMedicalPartner, haven.RoleCaseworker), policy.CheckMedical,
			policy.Relation{Kind: policy.KindMember, CaseState: haven.StateAdmissible, IsAssignedOrg: true}},
		{actor(haven.OrgReferralPartner, haven.RoleAdmin), policy.NominationReview,
			policy.Relation{Kind: policy.KindNomination, NominationState: haven.NominationSubmitted, IsAddresseeOrg: true}},
	}
	if err := policy.Err(); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		q := qs[i%len(qs)]
		policy.Decide(q.actor, q.action, q.rel)
		i++
	}
}

// BenchmarkViewOf measures a whole view: the read and every part.
func BenchmarkViewOf(b *testing.B) {
	a := actor(haven.OrgSettlementOrganisation, haven.RoleCaseworker)
	r := policy.Relation{Kind: policy.KindCase, CaseState: haven.StateArrived, IsSettlementOrg: true}
	b.ReportAllocs()
	for b.Loop() {
		policy.ViewOf(a, r)
	}
}
