package workflow_test

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/havenhrd/haven"
	"github.com/havenhrd/haven/internal/workflow"
)

// The fixed clock of the tests.
var (
	today = haven.Date{Year: 2025, Month: time.March, Day: 10}
	now   = today.Time().Add(10 * time.Hour)
)

// Personal data planted in every test case; no error may ever quote it.
const (
	familyName  = "Zephyrine"
	givenNames  = "Quillon Ardent"
	birthDate   = "1985-04-02"
	secretNote  = "kept from the family: xyzzy"
	persecution = "account of persecution plughs"
	unhcrNo     = "123-12C12345"
	reasonsText = "reasons written by the officer"
)

var personalData = []string{familyName, givenNames, birthDate, secretNote, persecution, unhcrNo, reasonsText}

func addDays(d haven.Date, n int) haven.Date { return haven.DateOf(d.Time().AddDate(0, 0, n)) }

func memberID(i int) haven.ID { return haven.ID(fmt.Sprintf("mem_%d", i)) }

// MustCase returns a case in state that passes CheckReferral: n accompanying
// members (mem_1 the principal, mem_2 a spouse, the rest children aged
// ten), each
// with a passed medical valid for a year, and passed security and
// criminality checks, all recorded yesterday.
func MustCase(tb testing.TB, state haven.CaseState, n int) *haven.Case {
	tb.Helper()
	if n < 1 {
		tb.Fatalf("MustCase: n = %d", n)
	}
	dob, err := haven.ParseDate(birthDate)
	if err != nil {
		tb.Fatal(err)
	}
	c := &haven.Case{
		ID:                    "case_1",
		UNHCRNumber:           unhcrNo,
		ReferringOrgID:        "org_unhcr",
		State:                 state,
		SubmissionPriority:    haven.PriorityNormal,
		ProcessingPriority:    haven.PriorityNormal,
		PrimaryCategory:       haven.CategoryLegalPhysicalProtection,
		CategoryJustification: "at risk of detention for peaceful human rights work",
		Grounds:               []haven.Ground{haven.GroundPoliticalOpinion},
		NationalityCountries:  []string{"IR"},
		AsylumCountry:         "TR",
		PersecutionAccount:    persecution,
		DeclaredSize:          n,
		ReferredAt:            now.Add(-24 * time.Hour),
	}
	for i := 1; i <= n; i++ {
		rel := haven.RelChild
		switch i {
		case 1:
			rel = haven.RelPrincipal
		case 2:
			rel = haven.RelSpouse
		}
		born := dob
		if rel == haven.RelChild {
			born = haven.Date{Year: today.Year - 10, Month: dob.Month, Day: dob.Day}
		}
		c.Members = append(c.Members, &haven.Member{
			ID: memberID(i), CaseID: c.ID, Relationship: rel, Accompanying: true,
			FamilyName: familyName, GivenNames: givenNames, DateOfBirth: born, Sex: haven.SexFemale,
			Nationalities: []string{"IR"}, Languages: []string{"fa"}, ConfidentialNotes: secretNote,
		})
		for _, k := range haven.CheckKinds {
			c.Checks = append(c.Checks, check(memberID(i), k, haven.ResultPassed, now.Add(-24*time.Hour)))
		}
	}
	return c
}

// check returns a check of member recorded at; a passed medical is valid for
// a year from today.
func check(member haven.ID, kind haven.CheckKind, result haven.CheckResult, at time.Time) *haven.Check {
	ch := &haven.Check{CaseID: "case_1", MemberID: member, Kind: kind, Result: result, RecordedAt: at,
		Details: secretNote}
	if kind == haven.CheckMedical && result == haven.ResultPassed {
		ch.ValidUntil = addDays(today, 365)
	}
	return ch
}

// setCheck records a newer check of kind for member, replacing the result.
func setCheck(c *haven.Case, member haven.ID, kind haven.CheckKind, result haven.CheckResult) *haven.Check {
	ch := check(member, kind, result, now.Add(-time.Hour))
	c.Checks = append(c.Checks, ch)
	return ch
}

// dropChecks removes every check of kind for member.
func dropChecks(c *haven.Case, member haven.ID, kind haven.CheckKind) {
	c.Checks = slices.DeleteFunc(c.Checks, func(ch *haven.Check) bool { return ch.MemberID == member && ch.Kind == kind })
}

// resumeFrom is a state that holds or asks for information into each side state.
var resumeFrom = map[haven.CaseState]haven.CaseState{
	haven.StateOnHold:        haven.StateEligible,
	haven.StateInfoRequested: haven.StateReferred,
}

// ready prepares c, in from, for event so that every guard accepts, and
// returns the input that goes with it.
func ready(c *haven.Case, from haven.CaseState, ev haven.CaseEvent) workflow.Input {
	in := workflow.Input{Event: ev}
	switch ev {
	case haven.EventFindEligible:
		in.Assessment = &haven.EligibilityAssessment{CaseID: c.ID, OutsideCountry: true, WellFoundedFear: true,
			NoInternalFlight: true, NoDurableSolution: true, Grounds: []haven.Ground{haven.GroundPoliticalOpinion},
			Notes: secretNote}
	case haven.EventRecordCheck:
		in.Check = check(memberID(2), haven.CheckSecurity, haven.ResultPassed, now)
	case haven.EventSplit:
		in.Reasons, in.Excluded = reasonsText, []haven.ID{memberID(3)}
	case haven.EventApproveEmergency:
		c.ProcessingPriority = haven.PriorityEmergency
	case haven.EventRefuse, haven.EventHold, haven.EventRequestInfo, haven.EventWithdraw, haven.EventAnswerInfo:
		in.Reasons = reasonsText
	case haven.EventScheduleInterview:
		in.Interview = &haven.Interview{Date: addDays(today, 7), Time: "10:00", Zone: "Europe/Istanbul", Place: "UNHCR office",
			Language: "fa", Attending: []haven.ID{memberID(1), memberID(2)}}
	case haven.EventBookTravel:
		in.TravelDate = addDays(today, 30)
	case haven.EventChangeTravel:
		c.Travel = &haven.Travel{CaseID: c.ID, Date: addDays(today, 30)}
		in.TravelDate = addDays(today, 40)
	case haven.EventRecordArrival:
		c.Travel = &haven.Travel{CaseID: c.ID, Date: addDays(today, -2)}
		in.ArrivalDate = addDays(today, -1)
	case haven.EventBeginSettlement:
		c.SettlementOrgID = "org_spo"
	case haven.EventResume:
		c.ResumeState = resumeFrom[from]
	}
	return in
}

// spec is the case graph as the brief states it, written apart from the
// package's table: Graph must match it edge for edge.
var spec = []struct {
	from  []haven.CaseState
	event haven.CaseEvent
	to    haven.CaseState // "" stays; workflow.Previous resumes
}{
	{[]haven.CaseState{haven.StateReferred}, haven.EventOpenFile, haven.StateFileCreated},
	{[]haven.CaseState{haven.StateFileCreated}, haven.EventStartEligibility, haven.StateEligibilityReview},
	{[]haven.CaseState{haven.StateEligibilityReview, haven.StateInterview}, haven.EventScheduleInterview, haven.StateInterview},
	{[]haven.CaseState{haven.StateEligibilityReview, haven.StateInterview}, haven.EventFindEligible, haven.StateEligible},
	{[]haven.CaseState{haven.StateEligible}, haven.EventStartAdmissibility, haven.StateAdmissibilityInProgress},
	{[]haven.CaseState{haven.StateAdmissibilityInProgress, haven.StateAdmissible, haven.StateSplitDecision, haven.StateApproved, haven.StateTravelBooked}, haven.EventRecordCheck, ""},
	{[]haven.CaseState{haven.StateAdmissibilityInProgress}, haven.EventConfirmAdmissible, haven.StateAdmissible},
	{[]haven.CaseState{haven.StateAdmissibilityInProgress, haven.StateAdmissible, haven.StateSplitDecision, haven.StateApproved}, haven.EventSplit, haven.StateSplitDecision},
	{[]haven.CaseState{haven.StateAdmissible, haven.StateSplitDecision}, haven.EventApprove, haven.StateApproved},
	{[]haven.CaseState{haven.StateAdmissibilityInProgress, haven.StateAdmissible, haven.StateSplitDecision}, haven.EventApproveEmergency, haven.StateApproved},
	{[]haven.CaseState{haven.StateEligibilityReview, haven.StateInterview, haven.StateEligible, haven.StateAdmissibilityInProgress, haven.StateAdmissible, haven.StateSplitDecision, haven.StateApproved}, haven.EventRefuse, haven.StateRefused},
	{[]haven.CaseState{haven.StateApproved}, haven.EventBookTravel, haven.StateTravelBooked},
	{[]haven.CaseState{haven.StateTravelBooked}, haven.EventChangeTravel, ""},
	{[]haven.CaseState{haven.StateTravelBooked}, haven.EventRecordArrival, haven.StateArrived},
	{[]haven.CaseState{haven.StateArrived}, haven.EventBeginSettlement, haven.StateInSettlement},
	{[]haven.CaseState{haven.StateInSettlement}, haven.EventClose, haven.StateClosed},
	{[]haven.CaseState{haven.StateFileCreated, haven.StateEligibilityReview, haven.StateInterview, haven.StateEligible, haven.StateAdmissibilityInProgress, haven.StateAdmissible, haven.StateSplitDecision, haven.StateApproved, haven.StateTravelBooked}, haven.EventHold, haven.StateOnHold},
	{[]haven.CaseState{haven.StateReferred, haven.StateFileCreated, haven.StateEligibilityReview, haven.StateInterview, haven.StateEligible, haven.StateAdmissibilityInProgress, haven.StateAdmissible, haven.StateSplitDecision}, haven.EventRequestInfo, haven.StateInfoRequested},
	{[]haven.CaseState{haven.StateInfoRequested}, haven.EventAnswerInfo, ""},
	{[]haven.CaseState{haven.StateOnHold, haven.StateInfoRequested}, haven.EventResume, workflow.Previous},
	{[]haven.CaseState{haven.StateReferred, haven.StateFileCreated, haven.StateEligibilityReview, haven.StateInterview, haven.StateEligible, haven.StateAdmissibilityInProgress, haven.StateAdmissible, haven.StateApproved, haven.StateTravelBooked, haven.StateOnHold, haven.StateInfoRequested, haven.StateSplitDecision}, haven.EventWithdraw, haven.StateWithdrawn},
}

type specKey struct {
	from  haven.CaseState
	event haven.CaseEvent
}

// specEdges expands spec: the state and event to the state a passing Step
// reaches (for admissible × record_check, with a passed check).
func specEdges() map[specKey]haven.CaseState {
	m := map[specKey]haven.CaseState{}
	for _, s := range spec {
		for _, f := range s.from {
			to := s.to
			if to == "" {
				to = f
			}
			m[specKey{f, s.event}] = to
		}
	}
	return m
}

func TestGraphMatchesSpec(t *testing.T) {
	want := specEdges()
	got := map[specKey]haven.CaseState{}
	edges := workflow.Graph()
	for _, e := range edges {
		k := specKey{e.From, e.Event}
		if e.When == "otherwise" {
			continue // checked below
		}
		if _, dup := got[k]; dup {
			t.Errorf("two unconditional edges for %s × %s", e.From, e.Event)
		}
		got[k] = e.To
	}
	if !reflect.DeepEqual(got, want) {
		for k, to := range want {
			if got[k] != to {
				t.Errorf("%s × %s: graph → %q, want %q", k.from, k.event, got[k], to)
			}
		}
		for k, to := range got {
			if _, ok := want[k]; !ok {
				t.Errorf("%s × %s → %s: not in the spec", k.from, k.event, to)
			}
		}
	}
	// The one branching pair: a check that does not pass reopens admissibility.
	var branch []workflow.Edge
	for _, e := range edges {
		if e.From == haven.StateAdmissible && e.Event == haven.EventRecordCheck {
			branch = append(branch, e)
		}
	}
	if len(branch) != 2 || branch[0].To != haven.StateAdmissible || branch[0].When != "check_passes" ||
		branch[1].To != haven.StateAdmissibilityInProgress || branch[1].When != "otherwise" {
		t.Errorf("admissible × record_check edges = %+v", branch)
	}
	if len(edges) != 67 {
		t.Errorf("Graph has %d edges, want 67", len(edges))
	}
}

func TestGraphOrder(t *testing.T) {
	edges := workflow.Graph()
	rank := func(e workflow.Edge) int {
		return slices.Index(haven.CaseStates, e.From)*100 + slices.Index(haven.CaseEvents, e.Event)
	}
	if !slices.IsSortedFunc(edges, func(a, b workflow.Edge) int { return rank(a) - rank(b) }) {
		t.Error("Graph is not in state order, then event order")
	}
	edges[0].Guards = append(edges[0].Guards, "tampered")
	edges[0].To = haven.StateClosed
	if again := workflow.Graph(); reflect.DeepEqual(again[0], edges[0]) {
		t.Error("Graph returns the package's own edges")
	}
}

func TestStepEveryEdge(t *testing.T) {
	for _, e := range workflow.Graph() {
		t.Run(fmt.Sprintf("%s×%s→%s", e.From, e.Event, e.To), func(t *testing.T) {
			c := MustCase(t, e.From, 3)
			in := ready(c, e.From, e.Event)
			want := e.To
			switch {
			case e.When == "otherwise":
				in.Check = check(memberID(2), haven.CheckSecurity, haven.ResultFailed, now)
			case e.To == workflow.Previous:
				want = c.ResumeState
			}
			got, err := workflow.Step(c, in, today)
			if err != nil {
				t.Fatalf("Step: %v", err)
			}
			if got != want {
				t.Fatalf("Step = %s, want %s", got, want)
			}
		})
	}
}

// TestStepForbidden tries every state × event pair the spec does not allow.
func TestStepForbidden(t *testing.T) {
	allowed := specEdges()
	n := 0
	for _, s := range haven.CaseStates {
		for _, ev := range haven.CaseEvents {
			if _, ok := allowed[specKey{s, ev}]; ok {
				continue
			}
			n++
			c := MustCase(t, s, 3)
			in := ready(c, s, ev)
			got, err := workflow.Step(c, in, today)
			if haven.ErrorCodeOf(err) != haven.ECONFLICT {
				t.Errorf("%s × %s: Step = %q, %v; want ECONFLICT", s, ev, got, err)
				continue
			}
			want := fmt.Sprintf("a case in state %s cannot take event %s", s, ev)
			if msg := haven.ErrorMessageOf(err); msg != want {
				t.Errorf("%s × %s: message %q, want %q", s, ev, msg, want)
			}
			if got != "" {
				t.Errorf("%s × %s: state %q with an error", s, ev, got)
			}
		}
	}
	if want := len(haven.CaseStates)*len(haven.CaseEvents) - 66; n != want {
		t.Errorf("tried %d forbidden pairs, want %d", n, want)
	}
}

func TestTerminalAndAllowed(t *testing.T) {
	for _, s := range haven.CaseStates {
		want := s == haven.StateRefused || s == haven.StateWithdrawn || s == haven.StateClosed
		if got := workflow.Terminal(s); got != want {
			t.Errorf("Terminal(%s) = %v, want %v", s, got, want)
		}
	}
	if workflow.Terminal("bogus") {
		t.Error("Terminal of an unknown state")
	}
	got := workflow.Allowed(haven.StateArrived)
	if !slices.Equal(got, []haven.CaseEvent{haven.EventBeginSettlement}) {
		t.Errorf("Allowed(arrived) = %v", got)
	}
}

// TestReachable checks that every state can be reached from referred.
func TestReachable(t *testing.T) {
	seen := map[haven.CaseState]bool{haven.StateReferred: true}
	for changed := true; changed; {
		changed = false
		for _, e := range workflow.Graph() {
			if seen[e.From] && e.To != workflow.Previous && !seen[e.To] {
				seen[e.To], changed = true, true
			}
		}
	}
	for _, s := range haven.CaseStates {
		if !seen[s] {
			t.Errorf("state %s cannot be reached from referred", s)
		}
	}
}

// assertNoPersonalData fails when err quotes anything personal.
func assertNoPersonalData(t *testing.T, err error) {
	t.Helper()
	if err == nil {
		return
	}
	s := err.Error() + " " + haven.ErrorMessageOf(err)
	for _, f := range haven.FieldsOf(err) {
		s += " " + f.Field + " " + f.Message
	}
	for _, p := range personalData {
		if strings.Contains(s, p) {
			t.Errorf("error quotes personal data %q: %s", p, s)
		}
	}
}

func fieldNames(err error) []string {
	var out []string
	for _, f := range haven.FieldsOf(err) {
		out = append(out, f.Field)
	}
	return out
}

func TestStepGuards(t *testing.T) {
	type test struct {
		name   string
		state  haven.CaseState
		event  haven.CaseEvent
		setup  func(c *haven.Case, in *workflow.Input)
		want   haven.CaseState // when the step is accepted
		code   haven.ErrorCode // when it is rejected
		fields []string        // EINVALID: the fields named, in order
		msg    string          // ECONFLICT: the message
	}
	tests := []test{
		// find_eligible
		{name: "eligible assessment", state: haven.StateInterview, event: haven.EventFindEligible,
			want: haven.StateEligible},
		{name: "assessment missing", state: haven.StateEligibilityReview, event: haven.EventFindEligible,
			setup: func(c *haven.Case, in *workflow.Input) { in.Assessment = nil },
			code:  haven.EINVALID, fields: []string{"assessment"}},
		{name: "negative assessment", state: haven.StateEligibilityReview, event: haven.EventFindEligible,
			setup: func(c *haven.Case, in *workflow.Input) { in.Assessment.WellFoundedFear = false },
			code:  haven.EINVALID, fields: []string{"assessment"}},
		{name: "assessment without a ground", state: haven.StateInterview, event: haven.EventFindEligible,
			setup: func(c *haven.Case, in *workflow.Input) { in.Assessment.Grounds = nil },
			code:  haven.EINVALID, fields: []string{"assessment"}},
		{name: "assessment of another case", state: haven.StateInterview, event: haven.EventFindEligible,
			setup: func(c *haven.Case, in *workflow.Input) { in.Assessment.CaseID = "case_2" },
			code:  haven.EINVALID, fields: []string{"assessment"}},

		// record_check
		{name: "check missing", state: haven.StateAdmissibilityInProgress, event: haven.EventRecordCheck,
			setup: func(c *haven.Case, in *workflow.Input) { in.Check = nil },
			code:  haven.EINVALID, fields: []string{"check"}},
		{name: "check of a stranger", state: haven.StateApproved, event: haven.EventRecordCheck,
			setup: func(c *haven.Case, in *workflow.Input) { in.Check.MemberID = "mem_other" },
			code:  haven.EINVALID, fields: []string{"member_id"}},
		{name: "check of another case", state: haven.StateTravelBooked, event: haven.EventRecordCheck,
			setup: func(c *haven.Case, in *workflow.Input) { in.Check.CaseID = "case_2" },
			code:  haven.EINVALID, fields: []string{"case_id"}},
		{name: "check without case id", state: haven.StateSplitDecision, event: haven.EventRecordCheck,
			setup: func(c *haven.Case, in *workflow.Input) { in.Check.CaseID = "" },
			want:  haven.StateSplitDecision},
		{name: "failed check keeps admissibility open", state: haven.StateAdmissibilityInProgress, event: haven.EventRecordCheck,
			setup: func(c *haven.Case, in *workflow.Input) { in.Check.Result = haven.ResultFailed },
			want:  haven.StateAdmissibilityInProgress},
		{name: "failed check after approval stays approved", state: haven.StateApproved, event: haven.EventRecordCheck,
			setup: func(c *haven.Case, in *workflow.Input) { in.Check.Result = haven.ResultFailed },
			want:  haven.StateApproved},
		{name: "passed check keeps admissible", state: haven.StateAdmissible, event: haven.EventRecordCheck,
			want: haven.StateAdmissible},
		{name: "passed medical keeps admissible", state: haven.StateAdmissible, event: haven.EventRecordCheck,
			setup: func(c *haven.Case, in *workflow.Input) {
				in.Check = check(memberID(1), haven.CheckMedical, haven.ResultPassed, now)
			},
			want: haven.StateAdmissible},
		{name: "failed check reopens admissibility", state: haven.StateAdmissible, event: haven.EventRecordCheck,
			setup: func(c *haven.Case, in *workflow.Input) { in.Check.Result = haven.ResultFailed },
			want:  haven.StateAdmissibilityInProgress},
		{name: "check on hold reopens admissibility", state: haven.StateAdmissible, event: haven.EventRecordCheck,
			setup: func(c *haven.Case, in *workflow.Input) {
				in.Check = check(memberID(1), haven.CheckMedical, haven.ResultOnHold, now)
			},
			want: haven.StateAdmissibilityInProgress},
		{name: "expired medical reopens admissibility", state: haven.StateAdmissible, event: haven.EventRecordCheck,
			setup: func(c *haven.Case, in *workflow.Input) {
				in.Check = check(memberID(1), haven.CheckMedical, haven.ResultPassed, now)
				in.Check.ValidUntil = addDays(today, -1)
			},
			want: haven.StateAdmissibilityInProgress},
		{name: "bad check in admissible is rejected", state: haven.StateAdmissible, event: haven.EventRecordCheck,
			setup: func(c *haven.Case, in *workflow.Input) { in.Check.MemberID = "mem_other" },
			code:  haven.EINVALID, fields: []string{"member_id"}},

		// confirm_admissible and approve: IRPA s.42
		{name: "all travellers admissible", state: haven.StateAdmissibilityInProgress, event: haven.EventConfirmAdmissible,
			want: haven.StateAdmissible},
		{name: "one medical missing blocks the family", state: haven.StateAdmissibilityInProgress, event: haven.EventConfirmAdmissible,
			setup: func(c *haven.Case, in *workflow.Input) { dropChecks(c, memberID(2), haven.CheckMedical) },
			code:  haven.ECONFLICT, msg: "member mem_2 is not admissible: medical check missing"},
		{name: "every inadmissible member is named", state: haven.StateAdmissibilityInProgress, event: haven.EventConfirmAdmissible,
			setup: func(c *haven.Case, in *workflow.Input) {
				setCheck(c, memberID(1), haven.CheckSecurity, haven.ResultOnHold)
				setCheck(c, memberID(3), haven.CheckCriminality, haven.ResultFailed)
			},
			code: haven.ECONFLICT, msg: "member mem_1 is not admissible: security check on hold; member mem_3 is not admissible: criminality check failed"},
		{name: "non-accompanying member needs no checks", state: haven.StateAdmissibilityInProgress, event: haven.EventConfirmAdmissible,
			setup: func(c *haven.Case, in *workflow.Input) {
				c.Members[2].Accompanying = false
				dropChecks(c, memberID(3), haven.CheckMedical)
			},
			want: haven.StateAdmissible},
		{name: "excluded member needs no checks", state: haven.StateAdmissibilityInProgress, event: haven.EventConfirmAdmissible,
			setup: func(c *haven.Case, in *workflow.Input) {
				c.Members[2].Excluded = true
				setCheck(c, memberID(3), haven.CheckSecurity, haven.ResultFailed)
			},
			want: haven.StateAdmissible},
		{name: "no travellers", state: haven.StateAdmissibilityInProgress, event: haven.EventConfirmAdmissible,
			setup: func(c *haven.Case, in *workflow.Input) {
				for _, m := range c.Members {
					m.Accompanying = false
				}
			},
			code: haven.ECONFLICT, msg: "the case has no travellers"},
		{name: "approve with all admissible", state: haven.StateSplitDecision, event: haven.EventApprove,
			want: haven.StateApproved},
		{name: "approve with an expired medical", state: haven.StateAdmissible, event: haven.EventApprove,
			setup: func(c *haven.Case, in *workflow.Input) {
				setCheck(c, memberID(2), haven.CheckMedical, haven.ResultPassed).ValidUntil = addDays(today, -1)
			},
			code: haven.ECONFLICT, msg: "member mem_2 is not admissible: medical exam expired"},
		{name: "approve with a failed security check", state: haven.StateSplitDecision, event: haven.EventApprove,
			setup: func(c *haven.Case, in *workflow.Input) {
				setCheck(c, memberID(1), haven.CheckSecurity, haven.ResultFailed)
			},
			code: haven.ECONFLICT, msg: "member mem_1 is not admissible: security check failed"},
		{name: "approve after the failing member was split off", state: haven.StateSplitDecision, event: haven.EventApprove,
			setup: func(c *haven.Case, in *workflow.Input) {
				setCheck(c, memberID(3), haven.CheckSecurity, haven.ResultFailed)
				c.Members[2].Excluded = true
			},
			want: haven.StateApproved},

		// split
		{name: "split", state: haven.StateAdmissible, event: haven.EventSplit, want: haven.StateSplitDecision},
		{name: "split again", state: haven.StateSplitDecision, event: haven.EventSplit,
			setup: func(c *haven.Case, in *workflow.Input) { c.Members[1].Excluded = true },
			want:  haven.StateSplitDecision},
		{name: "split without reasons", state: haven.StateAdmissibilityInProgress, event: haven.EventSplit,
			setup: func(c *haven.Case, in *workflow.Input) { in.Reasons = "  \n" },
			code:  haven.EINVALID, fields: []string{"reasons"}},
		{name: "split without members", state: haven.StateAdmissible, event: haven.EventSplit,
			setup: func(c *haven.Case, in *workflow.Input) { in.Excluded = nil },
			code:  haven.EINVALID, fields: []string{"excluded"}},
		{name: "split without reasons or members", state: haven.StateAdmissible, event: haven.EventSplit,
			setup: func(c *haven.Case, in *workflow.Input) { in.Reasons, in.Excluded = "", nil },
			code:  haven.EINVALID, fields: []string{"reasons", "excluded"}},
		{name: "split the principal", state: haven.StateAdmissible, event: haven.EventSplit,
			setup: func(c *haven.Case, in *workflow.Input) { in.Excluded = []haven.ID{memberID(1)} },
			code:  haven.EINVALID, fields: []string{"excluded"}},
		{name: "split a stranger", state: haven.StateAdmissible, event: haven.EventSplit,
			setup: func(c *haven.Case, in *workflow.Input) { in.Excluded = []haven.ID{"mem_other"} },
			code:  haven.EINVALID, fields: []string{"excluded"}},
		{name: "split a non-accompanying member", state: haven.StateAdmissible, event: haven.EventSplit,
			setup: func(c *haven.Case, in *workflow.Input) { c.Members[2].Accompanying = false },
			code:  haven.EINVALID, fields: []string{"excluded"}},
		{name: "split an excluded member", state: haven.StateSplitDecision, event: haven.EventSplit,
			setup: func(c *haven.Case, in *workflow.Input) { c.Members[2].Excluded = true },
			code:  haven.EINVALID, fields: []string{"excluded"}},
		{name: "split a member twice", state: haven.StateAdmissible, event: haven.EventSplit,
			setup: func(c *haven.Case, in *workflow.Input) { in.Excluded = []haven.ID{memberID(2), memberID(2)} },
			code:  haven.EINVALID, fields: []string{"excluded"}},
		{name: "split reports every bad entry", state: haven.StateAdmissible, event: haven.EventSplit,
			setup: func(c *haven.Case, in *workflow.Input) {
				in.Excluded = []haven.ID{memberID(1), "mem_other", memberID(2)}
			},
			code: haven.EINVALID, fields: []string{"excluded", "excluded"}},
		{name: "split leaves no traveller", state: haven.StateAdmissible, event: haven.EventSplit,
			setup: func(c *haven.Case, in *workflow.Input) {
				c.Members[0].Accompanying = false // only CheckReferral forbids it
				in.Excluded = []haven.ID{memberID(2), memberID(3)}
			},
			code: haven.EINVALID, fields: []string{"excluded"}},

		// approve_emergency: the temporary resident permit track
		{name: "emergency approval with checks unfinished", state: haven.StateAdmissibilityInProgress, event: haven.EventApproveEmergency,
			setup: func(c *haven.Case, in *workflow.Input) {
				dropChecks(c, memberID(1), haven.CheckMedical)
				setCheck(c, memberID(2), haven.CheckSecurity, haven.ResultOnHold)
			},
			want: haven.StateApproved},
		{name: "emergency approval of a normal case", state: haven.StateAdmissible, event: haven.EventApproveEmergency,
			setup: func(c *haven.Case, in *workflow.Input) { c.ProcessingPriority = haven.PriorityNormal },
			code:  haven.ECONFLICT, msg: "the emergency track is open only to emergency-priority cases"},
		{name: "emergency approval by submission priority only", state: haven.StateAdmissible, event: haven.EventApproveEmergency,
			setup: func(c *haven.Case, in *workflow.Input) {
				c.SubmissionPriority, c.ProcessingPriority = haven.PriorityEmergency, haven.PriorityUrgent
			},
			code: haven.ECONFLICT, msg: "the emergency track is open only to emergency-priority cases"},
		{name: "emergency approval with a failed check", state: haven.StateSplitDecision, event: haven.EventApproveEmergency,
			setup: func(c *haven.Case, in *workflow.Input) {
				setCheck(c, memberID(2), haven.CheckSecurity, haven.ResultFailed)
			},
			code: haven.ECONFLICT, msg: "member mem_2 has a failed security check"},
		{name: "emergency approval after a failed check was redone", state: haven.StateSplitDecision, event: haven.EventApproveEmergency,
			setup: func(c *haven.Case, in *workflow.Input) {
				c.Checks = append(c.Checks, check(memberID(2), haven.CheckMedical, haven.ResultFailed, now.Add(-2*time.Hour)))
				setCheck(c, memberID(2), haven.CheckMedical, haven.ResultPassed)
			},
			want: haven.StateApproved},

		// refuse
		{name: "refuse without reasons", state: haven.StateEligibilityReview, event: haven.EventRefuse,
			setup: func(c *haven.Case, in *workflow.Input) { in.Reasons = "" },
			code:  haven.EINVALID, fields: []string{"reasons"}},
		{name: "refuse with blank reasons", state: haven.StateSplitDecision, event: haven.EventRefuse,
			setup: func(c *haven.Case, in *workflow.Input) { in.Reasons = " \t " },
			code:  haven.EINVALID, fields: []string{"reasons"}},

		// book_travel
		{name: "travel today", state: haven.StateApproved, event: haven.EventBookTravel,
			setup: func(c *haven.Case, in *workflow.Input) { in.TravelDate = today },
			want:  haven.StateTravelBooked},
		{name: "travel on the medical's last day", state: haven.StateApproved, event: haven.EventBookTravel,
			setup: func(c *haven.Case, in *workflow.Input) { in.TravelDate = addDays(today, 365) },
			want:  haven.StateTravelBooked},
		{name: "travel date missing", state: haven.StateApproved, event: haven.EventBookTravel,
			setup: func(c *haven.Case, in *workflow.Input) { in.TravelDate = haven.Date{} },
			code:  haven.EINVALID, fields: []string{"travel_date"}},
		{name: "travel date past", state: haven.StateApproved, event: haven.EventBookTravel,
			setup: func(c *haven.Case, in *workflow.Input) { in.TravelDate = addDays(today, -1) },
			code:  haven.EINVALID, fields: []string{"travel_date"}},
		{name: "medical expires before travel", state: haven.StateApproved, event: haven.EventBookTravel,
			setup: func(c *haven.Case, in *workflow.Input) { in.TravelDate = addDays(today, 366) },
			code:  haven.ECONFLICT, msg: "the medical exam of member mem_1 expires before the travel date; " +
				"the medical exam of member mem_2 expires before the travel date; " +
				"the medical exam of member mem_3 expires before the travel date"},
		{name: "one medical expires before travel", state: haven.StateApproved, event: haven.EventBookTravel,
			setup: func(c *haven.Case, in *workflow.Input) {
				setCheck(c, memberID(3), haven.CheckMedical, haven.ResultPassed).ValidUntil = addDays(today, 10)
			},
			code: haven.ECONFLICT, msg: "the medical exam of member mem_3 expires before the travel date"},
		{name: "medical missing at travel", state: haven.StateApproved, event: haven.EventBookTravel,
			setup: func(c *haven.Case, in *workflow.Input) { dropChecks(c, memberID(2), haven.CheckMedical) },
			code:  haven.ECONFLICT, msg: "member mem_2 has no passed medical exam"},
		{name: "medical on hold at travel", state: haven.StateApproved, event: haven.EventBookTravel,
			setup: func(c *haven.Case, in *workflow.Input) {
				setCheck(c, memberID(2), haven.CheckMedical, haven.ResultOnHold)
			},
			code: haven.ECONFLICT, msg: "member mem_2 has no passed medical exam"},
		{name: "failed security check at travel", state: haven.StateApproved, event: haven.EventBookTravel,
			setup: func(c *haven.Case, in *workflow.Input) {
				setCheck(c, memberID(1), haven.CheckCriminality, haven.ResultFailed)
			},
			code: haven.ECONFLICT, msg: "member mem_1 has a failed criminality check"},
		{name: "excluded member's medical does not matter", state: haven.StateApproved, event: haven.EventBookTravel,
			setup: func(c *haven.Case, in *workflow.Input) {
				c.Members[2].Excluded = true
				dropChecks(c, memberID(3), haven.CheckMedical)
			},
			want: haven.StateTravelBooked},
		{name: "input problems come before conflicts", state: haven.StateApproved, event: haven.EventBookTravel,
			setup: func(c *haven.Case, in *workflow.Input) {
				in.TravelDate = addDays(today, -1)
				dropChecks(c, memberID(2), haven.CheckMedical)
			},
			code: haven.EINVALID, fields: []string{"travel_date"}},

		// change_travel: checked as a booking is, and to another date
		{name: "travel changed to a later date", state: haven.StateTravelBooked, event: haven.EventChangeTravel,
			setup: func(c *haven.Case, in *workflow.Input) { in.TravelDate = addDays(today, 60) },
			want:  haven.StateTravelBooked},
		{name: "travel changed to an earlier date, today", state: haven.StateTravelBooked, event: haven.EventChangeTravel,
			setup: func(c *haven.Case, in *workflow.Input) { in.TravelDate = today },
			want:  haven.StateTravelBooked},
		{name: "travel changed to the medical's last day", state: haven.StateTravelBooked, event: haven.EventChangeTravel,
			setup: func(c *haven.Case, in *workflow.Input) { in.TravelDate = addDays(today, 365) },
			want:  haven.StateTravelBooked},
		{name: "travel changed to the date booked", state: haven.StateTravelBooked, event: haven.EventChangeTravel,
			setup: func(c *haven.Case, in *workflow.Input) { in.TravelDate = c.Travel.Date },
			code:  haven.EINVALID, fields: []string{"travel_date"}},
		{name: "travel changed to no date", state: haven.StateTravelBooked, event: haven.EventChangeTravel,
			setup: func(c *haven.Case, in *workflow.Input) { in.TravelDate = haven.Date{} },
			code:  haven.EINVALID, fields: []string{"travel_date"}},
		{name: "travel changed to a past date", state: haven.StateTravelBooked, event: haven.EventChangeTravel,
			setup: func(c *haven.Case, in *workflow.Input) { in.TravelDate = addDays(today, -1) },
			code:  haven.EINVALID, fields: []string{"travel_date"}},
		{name: "travel changed beyond a medical", state: haven.StateTravelBooked, event: haven.EventChangeTravel,
			setup: func(c *haven.Case, in *workflow.Input) {
				setCheck(c, memberID(2), haven.CheckMedical, haven.ResultPassed).ValidUntil = addDays(today, 35)
			},
			code: haven.ECONFLICT, msg: "the medical exam of member mem_2 expires before the travel date"},
		{name: "travel changed with a failed check", state: haven.StateTravelBooked, event: haven.EventChangeTravel,
			setup: func(c *haven.Case, in *workflow.Input) {
				setCheck(c, memberID(1), haven.CheckSecurity, haven.ResultFailed)
			},
			code: haven.ECONFLICT, msg: "member mem_1 has a failed security check"},

		// record_arrival
		{name: "arrival today", state: haven.StateTravelBooked, event: haven.EventRecordArrival,
			setup: func(c *haven.Case, in *workflow.Input) { in.ArrivalDate = today },
			want:  haven.StateArrived},
		{name: "arrival on the travel date", state: haven.StateTravelBooked, event: haven.EventRecordArrival,
			setup: func(c *haven.Case, in *workflow.Input) { in.ArrivalDate = c.Travel.Date },
			want:  haven.StateArrived},
		{name: "arrival without travel record", state: haven.StateTravelBooked, event: haven.EventRecordArrival,
			setup: func(c *haven.Case, in *workflow.Input) { c.Travel = nil },
			want:  haven.StateArrived},
		{name: "arrival date missing", state: haven.StateTravelBooked, event: haven.EventRecordArrival,
			setup: func(c *haven.Case, in *workflow.Input) { in.ArrivalDate = haven.Date{} },
			code:  haven.EINVALID, fields: []string{"arrival_date"}},
		{name: "arrival in the future", state: haven.StateTravelBooked, event: haven.EventRecordArrival,
			setup: func(c *haven.Case, in *workflow.Input) { in.ArrivalDate = addDays(today, 1) },
			code:  haven.EINVALID, fields: []string{"arrival_date"}},
		{name: "arrival before travel", state: haven.StateTravelBooked, event: haven.EventRecordArrival,
			setup: func(c *haven.Case, in *workflow.Input) { in.ArrivalDate = addDays(c.Travel.Date, -1) },
			code:  haven.EINVALID, fields: []string{"arrival_date"}},

		// begin_settlement
		{name: "no settlement organisation", state: haven.StateArrived, event: haven.EventBeginSettlement,
			setup: func(c *haven.Case, in *workflow.Input) { c.SettlementOrgID = "" },
			code:  haven.ECONFLICT, msg: "choose the settlement organisation first"},

		// hold, request_info, withdraw
		{name: "hold without reasons", state: haven.StateTravelBooked, event: haven.EventHold,
			setup: func(c *haven.Case, in *workflow.Input) { in.Reasons = "" },
			code:  haven.EINVALID, fields: []string{"reasons"}},
		{name: "request info without reasons", state: haven.StateReferred, event: haven.EventRequestInfo,
			setup: func(c *haven.Case, in *workflow.Input) { in.Reasons = "" },
			code:  haven.EINVALID, fields: []string{"reasons"}},
		{name: "withdraw without reasons", state: haven.StateOnHold, event: haven.EventWithdraw,
			setup: func(c *haven.Case, in *workflow.Input) { in.Reasons = "" },
			code:  haven.EINVALID, fields: []string{"reasons"}},

		// resume
		{name: "resume to a split decision", state: haven.StateOnHold, event: haven.EventResume,
			setup: func(c *haven.Case, in *workflow.Input) { c.ResumeState = haven.StateSplitDecision },
			want:  haven.StateSplitDecision},
		{name: "resume to travel booked", state: haven.StateOnHold, event: haven.EventResume,
			setup: func(c *haven.Case, in *workflow.Input) { c.ResumeState = haven.StateTravelBooked },
			want:  haven.StateTravelBooked},
		{name: "resume after information", state: haven.StateInfoRequested, event: haven.EventResume,
			setup: func(c *haven.Case, in *workflow.Input) { c.ResumeState = haven.StateAdmissible },
			want:  haven.StateAdmissible},
		{name: "resume with no resume state", state: haven.StateOnHold, event: haven.EventResume,
			setup: func(c *haven.Case, in *workflow.Input) { c.ResumeState = "" },
			code:  haven.ECONFLICT, msg: "the case has no state to resume to"},
		{name: "resume to an unknown state", state: haven.StateOnHold, event: haven.EventResume,
			setup: func(c *haven.Case, in *workflow.Input) { c.ResumeState = "limbo" },
			code:  haven.ECONFLICT, msg: "the case has no state to resume to"},
		{name: "resume to a side state", state: haven.StateOnHold, event: haven.EventResume,
			setup: func(c *haven.Case, in *workflow.Input) { c.ResumeState = haven.StateInfoRequested },
			code:  haven.ECONFLICT, msg: "the case has no state to resume to"},
		{name: "resume to itself", state: haven.StateOnHold, event: haven.EventResume,
			setup: func(c *haven.Case, in *workflow.Input) { c.ResumeState = haven.StateOnHold },
			code:  haven.ECONFLICT, msg: "the case has no state to resume to"},
		{name: "resume to a terminal state", state: haven.StateInfoRequested, event: haven.EventResume,
			setup: func(c *haven.Case, in *workflow.Input) { c.ResumeState = haven.StateRefused },
			code:  haven.ECONFLICT, msg: "the case has no state to resume to"},
		{name: "resume to a state that cannot be held", state: haven.StateOnHold, event: haven.EventResume,
			setup: func(c *haven.Case, in *workflow.Input) { c.ResumeState = haven.StateReferred },
			code:  haven.ECONFLICT, msg: "the case has no state to resume to"},
		{name: "resume to a state that cannot ask for information", state: haven.StateInfoRequested, event: haven.EventResume,
			setup: func(c *haven.Case, in *workflow.Input) { c.ResumeState = haven.StateApproved },
			code:  haven.ECONFLICT, msg: "the case has no state to resume to"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := MustCase(t, tt.state, 3)
			in := ready(c, tt.state, tt.event)
			if tt.setup != nil {
				tt.setup(c, &in)
			}
			got, err := workflow.Step(c, in, today)
			assertNoPersonalData(t, err)
			if tt.code == "" {
				if err != nil || got != tt.want {
					t.Fatalf("Step = %q, %v; want %s", got, err, tt.want)
				}
				return
			}
			if code := haven.ErrorCodeOf(err); code != tt.code {
				t.Fatalf("Step = %q, %v; want code %s", got, err, tt.code)
			}
			if got != "" {
				t.Errorf("Step returned state %q with its error", got)
			}
			if tt.fields != nil {
				if f := fieldNames(err); !slices.Equal(f, tt.fields) {
					t.Errorf("fields = %v, want %v (%v)", f, tt.fields, err)
				}
			}
			if tt.msg != "" {
				if m := haven.ErrorMessageOf(err); m != tt.msg {
					t.Errorf("message = %q, want %q", m, tt.msg)
				}
			}
		})
	}
}

func TestStepBadCalls(t *testing.T) {
	c := MustCase(t, haven.StateReferred, 1)
	in := workflow.Input{Event: haven.EventOpenFile}
	if _, err := workflow.Step(nil, in, today); haven.ErrorCodeOf(err) != haven.EINTERNAL {
		t.Errorf("nil case: %v", err)
	}
	if _, err := workflow.Step(c, in, haven.Date{}); haven.ErrorCodeOf(err) != haven.EINTERNAL {
		t.Errorf("zero today: %v", err)
	}
	if _, err := workflow.Step(c, workflow.Input{Event: "teleport"}, today); haven.ErrorCodeOf(err) != haven.EINVALID ||
		!slices.Equal(fieldNames(err), []string{"event"}) {
		t.Errorf("unknown event: %v", err)
	}
	bad := MustCase(t, "limbo", 1)
	if _, err := workflow.Step(bad, in, today); haven.ErrorCodeOf(err) != haven.EINTERNAL {
		t.Errorf("unknown state: %v", err)
	}
	if _, err := haven.ParseCaseEvent("teleport"); haven.ErrorCodeOf(err) != haven.EINVALID {
		t.Errorf("ParseCaseEvent accepted an unknown event: %v", err)
	}
	got, err := workflow.Step(c, in, today)
	if err != nil || got != haven.StateFileCreated {
		t.Errorf("Step = %q, %v", got, err)
	}
	_, err = workflow.Step(c, workflow.Input{Event: haven.EventApprove}, today)
	if err == nil || err.Error() != "workflow.Step: conflict: a case in state referred cannot take event approve" {
		t.Errorf("err = %v", err)
	}
}

// TestStepDoesNotModify runs every edge, accepted and rejected, on one of two
// identical cases and compares them.
func TestStepDoesNotModify(t *testing.T) {
	build := func(e workflow.Edge) (*haven.Case, workflow.Input) {
		c := MustCase(t, e.From, 3)
		in := ready(c, e.From, e.Event)
		return c, in
	}
	for _, e := range workflow.Graph() {
		for _, reject := range []bool{false, true} {
			c, in := build(e)
			want, _ := build(e)
			if reject {
				// Make the guards (where there are any) reject the input.
				in.Reasons, in.Excluded, in.Check, in.Assessment = "", nil, nil, nil
				in.TravelDate, in.ArrivalDate = haven.Date{}, haven.Date{}
			}
			_, _ = workflow.Step(c, in, today)
			if !reflect.DeepEqual(c, want) {
				t.Errorf("%s × %s (reject %v) modified the case", e.From, e.Event, reject)
			}
		}
	}
}

func TestMemberAdmissible(t *testing.T) {
	m1 := memberID(1)
	tests := []struct {
		name   string
		setup  func(c *haven.Case)
		ok     bool
		reason string
	}{
		{name: "all passed", ok: true},
		{name: "medical missing", setup: func(c *haven.Case) { dropChecks(c, m1, haven.CheckMedical) },
			reason: "medical check missing"},
		{name: "security missing", setup: func(c *haven.Case) { dropChecks(c, m1, haven.CheckSecurity) },
			reason: "security check missing"},
		{name: "criminality missing", setup: func(c *haven.Case) { dropChecks(c, m1, haven.CheckCriminality) },
			reason: "criminality check missing"},
		{name: "no checks at all", setup: func(c *haven.Case) { c.Checks = nil },
			reason: "medical check missing"},
		{name: "medical failed", setup: func(c *haven.Case) { setCheck(c, m1, haven.CheckMedical, haven.ResultFailed) },
			reason: "medical check failed"},
		{name: "security failed", setup: func(c *haven.Case) { setCheck(c, m1, haven.CheckSecurity, haven.ResultFailed) },
			reason: "security check failed"},
		{name: "criminality failed", setup: func(c *haven.Case) { setCheck(c, m1, haven.CheckCriminality, haven.ResultFailed) },
			reason: "criminality check failed"},
		{name: "medical on hold (active TB)", setup: func(c *haven.Case) { setCheck(c, m1, haven.CheckMedical, haven.ResultOnHold) },
			reason: "medical check on hold"},
		{name: "security on hold", setup: func(c *haven.Case) { setCheck(c, m1, haven.CheckSecurity, haven.ResultOnHold) },
			reason: "security check on hold"},
		{name: "medical expired yesterday", setup: func(c *haven.Case) {
			setCheck(c, m1, haven.CheckMedical, haven.ResultPassed).ValidUntil = addDays(today, -1)
		}, reason: "medical exam expired"},
		{name: "medical valid until today", setup: func(c *haven.Case) {
			setCheck(c, m1, haven.CheckMedical, haven.ResultPassed).ValidUntil = today
		}, ok: true},
		{name: "medical without expiry", setup: func(c *haven.Case) {
			setCheck(c, m1, haven.CheckMedical, haven.ResultPassed).ValidUntil = haven.Date{}
		}, reason: "medical exam has no expiry date"},
		{name: "latest check wins: failed then passed", setup: func(c *haven.Case) {
			c.Checks = append(c.Checks, check(m1, haven.CheckSecurity, haven.ResultFailed, now.Add(-2*time.Hour)))
			setCheck(c, m1, haven.CheckSecurity, haven.ResultPassed)
		}, ok: true},
		{name: "latest check wins: passed then failed", setup: func(c *haven.Case) {
			setCheck(c, m1, haven.CheckSecurity, haven.ResultFailed)
		}, reason: "security check failed"},
		{name: "latest check wins whatever the order of the list", setup: func(c *haven.Case) {
			late := check(m1, haven.CheckMedical, haven.ResultOnHold, now.Add(time.Hour))
			early := check(m1, haven.CheckMedical, haven.ResultPassed, now)
			c.Checks = append(c.Checks, late, early)
		}, reason: "medical check on hold"},
		{name: "latest medical expired though an older one was valid", setup: func(c *haven.Case) {
			setCheck(c, m1, haven.CheckMedical, haven.ResultPassed).ValidUntil = addDays(today, -30)
		}, reason: "medical exam expired"},
		{name: "another member's failure is not this member's", setup: func(c *haven.Case) {
			setCheck(c, memberID(2), haven.CheckSecurity, haven.ResultFailed)
		}, ok: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := MustCase(t, haven.StateAdmissibilityInProgress, 2)
			if tt.setup != nil {
				tt.setup(c)
			}
			ok, reason := workflow.MemberAdmissible(c, c.Member(m1), today)
			if ok != tt.ok || reason != tt.reason {
				t.Errorf("MemberAdmissible = %v, %q; want %v, %q", ok, reason, tt.ok, tt.reason)
			}
		})
	}
	if ok, _ := workflow.MemberAdmissible(MustCase(t, haven.StateAdmissible, 1), nil, today); ok {
		t.Error("a nil member is admissible")
	}
}

// TestPossible: the events a case can take now are the graph's, less those
// whose guards on the case's own facts fail; guards on input are not run.
func TestPossible(t *testing.T) {
	evs := func(c *haven.Case) string {
		var s []string
		for _, e := range workflow.Possible(c, today) {
			s = append(s, string(e))
		}
		return strings.Join(s, " ")
	}
	// Every traveller admissible, normal priority: confirmation, no
	// emergency approval; reasons-taking events are possible (their
	// reasons come with the input).
	c := MustCase(t, haven.StateAdmissibilityInProgress, 2)
	if got := evs(c); got != "record_check confirm_admissible split refuse hold request_info withdraw" {
		t.Errorf("admissibility in progress, all passed: %s", got)
	}
	// A pending medical: no confirmation yet.
	dropChecks(c, memberID(2), haven.CheckMedical)
	if got := evs(c); strings.Contains(got, "confirm_admissible") {
		t.Errorf("confirmation offered with a medical missing: %s", got)
	}
	// An emergency case may be approved on the emergency track before
	// confirmation, unless a check failed.
	c.ProcessingPriority = haven.PriorityEmergency
	if got := evs(c); !strings.Contains(got, "approve_emergency") {
		t.Errorf("no emergency approval for an emergency case: %s", got)
	}
	setCheck(c, memberID(1), haven.CheckSecurity, haven.ResultFailed)
	if got := evs(c); strings.Contains(got, "approve_emergency") {
		t.Errorf("emergency approval offered with a failed check: %s", got)
	}
	// Settlement begins only once an organisation is chosen.
	a := MustCase(t, haven.StateArrived, 1)
	if got := evs(a); got != "" {
		t.Errorf("arrived, not placed: %q", got)
	}
	a.SettlementOrgID = "org_settle"
	if got := evs(a); got != "begin_settlement" {
		t.Errorf("arrived and placed: %q", got)
	}
	// A held case resumes only to where it was.
	h := MustCase(t, haven.StateOnHold, 1)
	if got := evs(h); got != "withdraw" {
		t.Errorf("on hold without a resume state: %q", got)
	}
	h.ResumeState = haven.StateEligible
	if got := evs(h); got != "resume withdraw" {
		t.Errorf("on hold from eligible: %q", got)
	}
	if workflow.Possible(MustCase(t, haven.StateClosed, 1), today) != nil || workflow.Possible(nil, today) != nil {
		t.Error("a closed or nil case can take events")
	}
	for _, s := range haven.CaseStates {
		want := s == haven.StateApproved || s == haven.StateTravelBooked || s == haven.StateArrived
		if workflow.Placeable(s) != want {
			t.Errorf("Placeable(%s) = %v", s, !want)
		}
	}
}

// TestSplitPossible: a split decision is possible only when some member
// may be removed and a traveller would remain; Removable lists exactly the
// members the split guard accepts.
func TestSplitPossible(t *testing.T) {
	has := func(c *haven.Case) bool { return slices.Contains(workflow.Possible(c, today), haven.EventSplit) }
	alone := MustCase(t, haven.StateAdmissible, 1)
	if has(alone) || workflow.Removable(alone) != nil {
		t.Errorf("a principal alone: split possible %v, removable %v", has(alone), workflow.Removable(alone))
	}
	c := MustCase(t, haven.StateAdmissible, 3)
	if !has(c) {
		t.Fatal("a family of three: no split")
	}
	var got []haven.ID
	for _, m := range workflow.Removable(c) {
		got = append(got, m.ID)
	}
	if !slices.Equal(got, []haven.ID{memberID(2), memberID(3)}) {
		t.Fatalf("removable %v", got)
	}
	// Each removable member alone passes the split's guards; the principal
	// does not.
	for _, id := range append(got, memberID(1)) {
		_, err := workflow.Step(c, workflow.Input{Event: haven.EventSplit, Reasons: reasonsText, Excluded: []haven.ID{id}}, today)
		if (err == nil) != (id != memberID(1)) {
			t.Errorf("split of %s: %v", id, err)
		}
	}
	// Once the others are removed, nothing is left to split.
	for _, m := range c.Members[1:] {
		m.Excluded = true
	}
	if has(c) || workflow.Removable(c) != nil {
		t.Errorf("only the principal left: split possible %v", has(c))
	}
	_, err := workflow.Step(c, workflow.Input{Event: haven.EventSplit, Reasons: reasonsText, Excluded: []haven.ID{memberID(2)}}, today)
	if haven.ErrorCodeOf(err) != haven.EINVALID {
		t.Errorf("splitting a removed member: %v", err)
	}
}

// TestAnswerInfo: the referring partner's answer keeps the case waiting
// for information, hands the turn and the next step to the visa office,
// and is taken once per request; a request asked again is a new one.
func TestAnswerInfo(t *testing.T) {
	c := MustCase(t, haven.StateInfoRequested, 1)
	c.ResumeState = haven.StateInterview
	c.Notes = []*haven.CaseNote{{Event: haven.EventRequestInfo, At: now}}
	if workflow.Answered(c) || workflow.Turn(c) != haven.PartyReferringPartner || workflow.Next(c, today) != haven.NextAwaitInfo {
		t.Fatalf("an open request: answered %v, turn %s, next %s", workflow.Answered(c), workflow.Turn(c), workflow.Next(c, today))
	}
	if !slices.Contains(workflow.Possible(c, today), haven.EventAnswerInfo) {
		t.Fatal("an open request cannot be answered")
	}
	for _, tc := range []struct {
		name, text string
	}{{"empty", ""}, {"blank", " \n\t "}, {"too long", strings.Repeat("é", workflow.MaxAnswer+1)}} {
		_, err := workflow.Step(c, workflow.Input{Event: haven.EventAnswerInfo, Reasons: tc.text}, today)
		if haven.ErrorCodeOf(err) != haven.EINVALID || len(haven.FieldsOf(err)) != 1 || haven.FieldsOf(err)[0].Field != "answer" {
			t.Errorf("%s answer: %v, want EINVALID on answer", tc.name, err)
		}
	}
	got, err := workflow.Step(c, workflow.Input{Event: haven.EventAnswerInfo, Reasons: strings.Repeat("é", workflow.MaxAnswer)}, today)
	if err != nil || got != haven.StateInfoRequested {
		t.Fatalf("answer at the bound: %s, %v; want info_requested", got, err)
	}
	c.Notes = append(c.Notes, &haven.CaseNote{Event: haven.EventAnswerInfo, At: now.Add(time.Minute)})
	if !workflow.Answered(c) || workflow.Turn(c) != haven.PartyVisaOffice || workflow.Next(c, today) != haven.NextResume {
		t.Errorf("an answered request: answered %v, turn %s, next %s", workflow.Answered(c), workflow.Turn(c), workflow.Next(c, today))
	}
	if slices.Contains(workflow.Possible(c, today), haven.EventAnswerInfo) {
		t.Error("an answered request may be answered again")
	}
	_, err = workflow.Step(c, workflow.Input{Event: haven.EventAnswerInfo, Reasons: "again"}, today)
	if haven.ErrorCodeOf(err) != haven.ECONFLICT {
		t.Errorf("a second answer: %v, want ECONFLICT", err)
	}
	if got, err := workflow.Step(c, workflow.Input{Event: haven.EventResume}, today); err != nil || got != haven.StateInterview {
		t.Errorf("resume after the answer: %s, %v", got, err)
	}
	c.Notes = append(c.Notes, &haven.CaseNote{Event: haven.EventRequestInfo, At: now.Add(2 * time.Minute)})
	if workflow.Answered(c) || workflow.Turn(c) != haven.PartyReferringPartner {
		t.Error("a request asked again counts as answered")
	}
	c.State = haven.StateOnHold
	if workflow.Answered(c) {
		t.Error("a case on hold counts as answered")
	}
}
