package workflow_test

import (
	"slices"
	"testing"
	"time"

	"github.com/havenhrd/haven"
	"github.com/havenhrd/haven/internal/workflow"
)

func mustDate(tb testing.TB, s string) haven.Date {
	tb.Helper()
	d, err := haven.ParseDate(s)
	if err != nil {
		tb.Fatal(err)
	}
	return d
}

func mustTime(tb testing.TB, s string) time.Time {
	tb.Helper()
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		tb.Fatal(err)
	}
	return t
}

func TestStageOf(t *testing.T) {
	want := map[haven.CaseState]haven.Stage{
		haven.StateReferred:                haven.StageFile,
		haven.StateFileCreated:             haven.StageEligibility,
		haven.StateEligibilityReview:       haven.StageEligibility,
		haven.StateInterview:               haven.StageEligibility,
		haven.StateEligible:                haven.StageAdmissibility,
		haven.StateAdmissibilityInProgress: haven.StageAdmissibility,
		haven.StateAdmissible:              haven.StageAdmissibility,
		haven.StateSplitDecision:           haven.StageAdmissibility,
		haven.StateApproved:                haven.StageDeparture,
		haven.StateTravelBooked:            haven.StageDeparture,
		haven.StateArrived:                 haven.StageNone,
		haven.StateInSettlement:            haven.StageNone,
		haven.StateClosed:                  haven.StageNone,
		haven.StateRefused:                 haven.StageNone,
		haven.StateWithdrawn:               haven.StageNone,
	}
	for _, s := range haven.CaseStates {
		if s == haven.StateOnHold || s == haven.StateInfoRequested {
			continue
		}
		w, ok := want[s]
		if !ok {
			t.Errorf("state %s has no expected stage in the test", s)
		}
		if got := workflow.StageOf(s, ""); got != w {
			t.Errorf("StageOf(%s) = %q, want %q", s, got, w)
		}
		// A held or information-requested case is in the stage it resumes.
		for _, side := range []haven.CaseState{haven.StateOnHold, haven.StateInfoRequested} {
			if got := workflow.StageOf(side, s); got != w {
				t.Errorf("StageOf(%s, resume %s) = %q, want %q", side, s, got, w)
			}
		}
	}
}

func TestTargetDate(t *testing.T) {
	rules := haven.DefaultRules(2024)
	for _, tc := range []struct {
		name     string
		referred string
		priority haven.Priority
		want     string
	}{
		{"emergency across a leap day", "2024-02-26T23:30:00Z", haven.PriorityEmergency, "2024-03-04"},
		{"emergency across a year end", "2024-12-28T08:00:00Z", haven.PriorityEmergency, "2025-01-04"},
		{"urgent across months", "2024-12-28T08:00:00Z", haven.PriorityUrgent, "2025-02-08"},
		{"normal across a leap year", "2024-02-28T12:00:00Z", haven.PriorityNormal, "2025-02-27"},
		{"normal from a leap day", "2024-02-29T12:00:00Z", haven.PriorityNormal, "2025-02-28"},
		// The referral's date is its UTC date: 01:00 in Beirut on 1 March
		// is still 28 February in UTC.
		{"a referral time east of UTC", "2025-03-01T01:00:00+02:00", haven.PriorityEmergency, "2025-03-07"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := workflow.TargetDate(mustTime(t, tc.referred), tc.priority, rules)
			if got != mustDate(t, tc.want) {
				t.Errorf("TargetDate = %s, want %s", got, tc.want)
			}
		})
	}
	if got := workflow.TargetDate(mustTime(t, "2024-02-26T23:30:00Z"), haven.PriorityEmergency, nil); !got.IsZero() {
		t.Errorf("TargetDate without rules = %s, want none", got)
	}
}

func TestStageDue(t *testing.T) {
	rules := haven.DefaultRules(2024)
	since := mustTime(t, "2024-02-28T22:00:00Z")
	for _, tc := range []struct {
		stage    haven.Stage
		priority haven.Priority
		want     string
	}{
		{haven.StageFile, haven.PriorityEmergency, "2024-02-29"},
		{haven.StageEligibility, haven.PriorityEmergency, "2024-03-01"},
		{haven.StageAdmissibility, haven.PriorityEmergency, "2024-03-02"},
		{haven.StageDeparture, haven.PriorityEmergency, "2024-02-29"},
		{haven.StageEligibility, haven.PriorityUrgent, "2024-03-13"},
		{haven.StageAdmissibility, haven.PriorityNormal, "2024-07-27"},
		{haven.StageNone, haven.PriorityEmergency, ""},
	} {
		got := workflow.StageDue(tc.stage, since, tc.priority, rules)
		if got.String() != tc.want {
			t.Errorf("StageDue(%s, %s) = %q, want %q", tc.stage, tc.priority, got, tc.want)
		}
	}
}

// TestEmergencyWithinSevenDays walks an emergency case through its stages,
// each taking its whole default budget: it is due to depart no later than
// its target date, which is 7 days after referral.
func TestEmergencyWithinSevenDays(t *testing.T) {
	rules := haven.DefaultRules(2024)
	at := mustTime(t, "2024-02-27T16:00:00Z")
	c := MustCase(t, haven.StateReferred, 1)
	c.ProcessingPriority, c.ReferredAt = haven.PriorityEmergency, at
	k := workflow.NextClock(haven.CaseClock{}, c, rules, at)
	if want := mustDate(t, "2024-03-05"); k.TargetDate != want {
		t.Fatalf("target date %s, want %s", k.TargetDate, want)
	}
	for _, s := range []haven.CaseState{haven.StateFileCreated, haven.StateEligible, haven.StateApproved} {
		at = k.StageDue.Time().Add(15 * time.Hour) // late on the deadline day
		c.State = s
		k = workflow.NextClock(k, c, rules, at)
	}
	if k.Stage != haven.StageDeparture || k.StageDue.After(k.TargetDate) {
		t.Errorf("departure stage %s due %s, after the target date %s", k.Stage, k.StageDue, k.TargetDate)
	}
	if k.StageDue != mustDate(t, "2024-03-05") {
		t.Errorf("departure due %s, want 2024-03-05", k.StageDue)
	}
}

func TestNextClock(t *testing.T) {
	rules := haven.DefaultRules(2025)
	referred := mustTime(t, "2025-01-30T09:00:00Z")
	t1 := mustTime(t, "2025-02-03T10:00:00Z")
	t2 := mustTime(t, "2025-02-10T11:00:00Z")
	eligibility := haven.CaseClock{TargetDate: mustDate(t, "2026-01-30"), Stage: haven.StageEligibility,
		StageSince: t1, StageDue: mustDate(t, "2025-06-03"), Turn: haven.PartyVisaOffice}
	longer := haven.DefaultRules(2025)
	longer.StageDays[haven.StageEligibility][haven.PriorityNormal] = 200
	longer.StageDays[haven.StageAdmissibility][haven.PriorityNormal] = 100
	longer.TargetDays[haven.PriorityNormal] = 400
	noChecks := func(c *haven.Case) { c.Checks = nil }
	for _, tc := range []struct {
		name   string
		prev   haven.CaseClock
		state  haven.CaseState
		resume haven.CaseState
		edit   func(*haven.Case)
		rules  *haven.ProgrammeRules
		at     time.Time
		want   haven.CaseClock
	}{
		{name: "a new referral starts both clocks", state: haven.StateReferred, at: referred,
			want: haven.CaseClock{TargetDate: mustDate(t, "2026-01-30"), Stage: haven.StageFile, StageSince: referred,
				StageDue: mustDate(t, "2025-03-01"), Turn: haven.PartyVisaOffice}},
		{name: "a new stage restarts the stage clock", prev: eligibility, state: haven.StateEligible, at: t2,
			want: haven.CaseClock{TargetDate: eligibility.TargetDate, Stage: haven.StageAdmissibility, StageSince: t2,
				StageDue: mustDate(t, "2025-07-10"), Turn: haven.PartyVisaOffice}},
		{name: "a new state in the same stage keeps its clock", prev: eligibility, state: haven.StateInterview, at: t2,
			want: eligibility},
		{name: "a hold keeps the deadline and waits on the visa office", prev: eligibility,
			state: haven.StateOnHold, resume: haven.StateEligibilityReview, at: t2,
			want: haven.CaseClock{TargetDate: eligibility.TargetDate, Stage: haven.StageEligibility, StageSince: t1,
				StageDue: eligibility.StageDue, Turn: haven.PartyVisaOffice, WaitingSince: t2}},
		{name: "a request for information waits on the referring partner", prev: eligibility,
			state: haven.StateInfoRequested, resume: haven.StateInterview, at: t2,
			want: haven.CaseClock{TargetDate: eligibility.TargetDate, Stage: haven.StageEligibility, StageSince: t1,
				StageDue: eligibility.StageDue, Turn: haven.PartyReferringPartner, WaitingSince: t2}},
		{name: "an answered request waits on the visa office, since the answer", prev: haven.CaseClock{TargetDate: eligibility.TargetDate,
			Stage: haven.StageEligibility, StageSince: t1, StageDue: eligibility.StageDue, Turn: haven.PartyReferringPartner, WaitingSince: t1},
			state: haven.StateInfoRequested, resume: haven.StateInterview, at: t2,
			edit: func(c *haven.Case) {
				c.Notes = []*haven.CaseNote{{Event: haven.EventRequestInfo, At: t1}, {Event: haven.EventAnswerInfo, At: t2}}
			},
			want: haven.CaseClock{TargetDate: eligibility.TargetDate, Stage: haven.StageEligibility, StageSince: t1,
				StageDue: eligibility.StageDue, Turn: haven.PartyVisaOffice, WaitingSince: t2}},
		{name: "a request asked again after an answer waits on the referring partner", prev: eligibility,
			state: haven.StateInfoRequested, resume: haven.StateInterview, at: t2,
			edit: func(c *haven.Case) {
				c.Notes = []*haven.CaseNote{{Event: haven.EventRequestInfo, At: t1}, {Event: haven.EventAnswerInfo, At: t1},
					{Event: haven.EventRequestInfo, At: t2}}
			},
			want: haven.CaseClock{TargetDate: eligibility.TargetDate, Stage: haven.StageEligibility, StageSince: t1,
				StageDue: eligibility.StageDue, Turn: haven.PartyReferringPartner, WaitingSince: t2}},
		{name: "resuming ends the wait, the deadline unchanged",
			prev:  haven.CaseClock{TargetDate: eligibility.TargetDate, Stage: haven.StageEligibility, StageSince: t1, StageDue: eligibility.StageDue, Turn: haven.PartyReferringPartner, WaitingSince: t1},
			state: haven.StateInterview, at: t2, want: eligibility},
		{name: "new rules leave a running stage's deadline", prev: eligibility, state: haven.StateInterview, rules: longer, at: t2,
			want: eligibility},
		{name: "new rules apply to the next stage", prev: eligibility, state: haven.StateEligible, rules: longer, at: t2,
			want: haven.CaseClock{TargetDate: eligibility.TargetDate, Stage: haven.StageAdmissibility, StageSince: t2,
				StageDue: mustDate(t, "2025-05-21"), Turn: haven.PartyVisaOffice}},
		{name: "admissibility waits on the check partners while a check is missing",
			prev:  haven.CaseClock{TargetDate: eligibility.TargetDate, Stage: haven.StageAdmissibility, StageSince: t1, StageDue: mustDate(t, "2025-07-03"), Turn: haven.PartyVisaOffice},
			state: haven.StateAdmissibilityInProgress, edit: noChecks, at: t2,
			want: haven.CaseClock{TargetDate: eligibility.TargetDate, Stage: haven.StageAdmissibility, StageSince: t1, StageDue: mustDate(t, "2025-07-03"), Turn: haven.PartyCheckPartners}},
		{name: "admissibility with every check recorded waits on the visa office",
			prev:  haven.CaseClock{TargetDate: eligibility.TargetDate, Stage: haven.StageAdmissibility, StageSince: t1, StageDue: mustDate(t, "2025-07-03"), Turn: haven.PartyCheckPartners},
			state: haven.StateAdmissibilityInProgress, at: t2,
			want: haven.CaseClock{TargetDate: eligibility.TargetDate, Stage: haven.StageAdmissibility, StageSince: t1, StageDue: mustDate(t, "2025-07-03"), Turn: haven.PartyVisaOffice}},
		{name: "a check on hold is still the check partners'",
			prev:  haven.CaseClock{TargetDate: eligibility.TargetDate, Stage: haven.StageAdmissibility, StageSince: t1, StageDue: mustDate(t, "2025-07-03"), Turn: haven.PartyVisaOffice},
			state: haven.StateAdmissibilityInProgress, at: t2,
			edit: func(c *haven.Case) { c.Checks[0].Result = haven.ResultOnHold },
			want: haven.CaseClock{TargetDate: eligibility.TargetDate, Stage: haven.StageAdmissibility, StageSince: t1, StageDue: mustDate(t, "2025-07-03"), Turn: haven.PartyCheckPartners}},
		{name: "arrival stops the stage clock, the target stays", prev: eligibility, state: haven.StateArrived, at: t2,
			want: haven.CaseClock{TargetDate: eligibility.TargetDate}},
		{name: "a refusal stops the stage clock", prev: eligibility, state: haven.StateRefused, at: t2,
			want: haven.CaseClock{TargetDate: eligibility.TargetDate}},
		{name: "a year without rules sets no dates", state: haven.StateReferred, rules: &haven.ProgrammeRules{}, at: referred,
			want: haven.CaseClock{Stage: haven.StageFile, StageSince: referred, Turn: haven.PartyVisaOffice}},
		{name: "dates unset for want of rules are set once there are rules",
			prev:  haven.CaseClock{Stage: haven.StageEligibility, StageSince: t1, Turn: haven.PartyVisaOffice},
			state: haven.StateEligibilityReview, at: t2, want: eligibility},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := MustCase(t, tc.state, 2)
			c.ResumeState, c.ReferredAt = tc.resume, referred
			if tc.edit != nil {
				tc.edit(c)
			}
			r := rules
			if tc.rules != nil {
				r = tc.rules
			}
			got := workflow.NextClock(tc.prev, c, r, tc.at)
			if got != tc.want {
				t.Errorf("NextClock =\n%+v\nwant\n%+v", got, tc.want)
			}
		})
	}
}

func TestDaysLeft(t *testing.T) {
	k := haven.CaseClock{StageDue: mustDate(t, "2024-03-01")}
	for _, tc := range []struct {
		today string
		want  int
	}{{"2024-02-28", 2}, {"2024-03-01", 0}, {"2024-03-02", -1}, {"2023-03-01", 366}} {
		if got, ok := k.DaysLeft(mustDate(t, tc.today)); !ok || got != tc.want {
			t.Errorf("DaysLeft(%s) = %d, %v; want %d", tc.today, got, ok, tc.want)
		}
	}
	if _, ok := (haven.CaseClock{}).DaysLeft(mustDate(t, "2024-03-01")); ok {
		t.Error("a clock without a stage deadline has days left")
	}
}

func TestRulesStageDays(t *testing.T) {
	for _, tc := range []struct {
		name  string
		edit  func(r *haven.ProgrammeRules)
		field string
	}{
		{"the defaults", func(r *haven.ProgrammeRules) {}, ""},
		{"an emergency over 7 days", func(r *haven.ProgrammeRules) { r.StageDays[haven.StageDeparture][haven.PriorityEmergency] = 2 }, "stage_days.emergency"},
		{"an emergency target below its stages", func(r *haven.ProgrammeRules) { r.TargetDays[haven.PriorityEmergency] = 6 }, "stage_days.emergency"},
		{"urgent stages past the target, policy's to allow", func(r *haven.ProgrammeRules) { r.TargetDays[haven.PriorityUrgent] = 30 }, ""},
		{"a budget of nothing", func(r *haven.ProgrammeRules) { r.StageDays[haven.StageFile][haven.PriorityNormal] = 0 }, "stage_days.file.normal"},
		{"a budget over ten years", func(r *haven.ProgrammeRules) {
			r.TargetDays[haven.PriorityNormal] = 3650
			r.StageDays[haven.StageFile][haven.PriorityNormal] = 3651
		}, "stage_days.file.normal"},
		{"a missing stage", func(r *haven.ProgrammeRules) { delete(r.StageDays, haven.StageEligibility) }, "stage_days.eligibility.emergency"},
		{"an unknown stage", func(r *haven.ProgrammeRules) {
			r.StageDays["decision"] = map[haven.Priority]int{haven.PriorityNormal: 1}
		}, "stage_days"},
		{"an unknown priority", func(r *haven.ProgrammeRules) { r.StageDays[haven.StageFile]["very_urgent"] = 1 }, "stage_days"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := haven.DefaultRules(2025)
			tc.edit(r)
			p := r.Validate()
			if tc.field == "" {
				if len(p) > 0 {
					t.Fatalf("problems %v", p)
				}
				return
			}
			found := false
			for _, f := range p {
				found = found || f.Field == tc.field
			}
			if !found {
				t.Errorf("problems %v, want one on %s", p, tc.field)
			}
		})
	}
}

// TestCheckHolders: the partners holding a traveller's check of a kind
// they record with no result, or on hold, each once, in ID order; not
// those whose checks are all recorded, nor those of members who do not
// travel, nor a kind the partner does not record.
func TestCheckHolders(t *testing.T) {
	at := mustTime(t, "2026-03-02T09:00:00Z")
	screening := []haven.CheckKind{haven.CheckSecurity, haven.CheckCriminality}
	medical := []haven.CheckKind{haven.CheckMedical}
	members := func() []*haven.Member {
		return []*haven.Member{{ID: "mem_a", Accompanying: true}, {ID: "mem_b", Accompanying: true},
			{ID: "mem_stay"}, {ID: "mem_out", Accompanying: true, Excluded: true}}
	}
	check := func(member haven.ID, kind haven.CheckKind, result haven.CheckResult, minutes int) *haven.Check {
		return &haven.Check{MemberID: member, Kind: kind, Result: result, RecordedAt: at.Add(time.Duration(minutes) * time.Minute)}
	}
	passed := func(member haven.ID, kinds ...haven.CheckKind) []*haven.Check {
		var out []*haven.Check
		for _, k := range kinds {
			out = append(out, check(member, k, haven.ResultPassed, 0))
		}
		return out
	}
	for _, tc := range []struct {
		name   string
		checks []*haven.Check
		assign []*haven.CheckAssignment
		want   []haven.ID
	}{
		{"nothing assigned", nil, nil, nil},
		{"both outstanding", nil, []*haven.CheckAssignment{
			{MemberID: "mem_a", OrgID: "org_scr", Kinds: screening}, {MemberID: "mem_a", OrgID: "org_med", Kinds: medical},
			{MemberID: "mem_b", OrgID: "org_scr", Kinds: screening}}, []haven.ID{"org_med", "org_scr"}},
		{"the medical exams recorded", append(passed("mem_a", haven.CheckMedical), passed("mem_b", haven.CheckMedical)...), []*haven.CheckAssignment{
			{MemberID: "mem_a", OrgID: "org_med", Kinds: medical}, {MemberID: "mem_b", OrgID: "org_med", Kinds: medical},
			{MemberID: "mem_b", OrgID: "org_scr", Kinds: screening}}, []haven.ID{"org_scr"}},
		{"one kind of two still outstanding", passed("mem_a", haven.CheckSecurity), []*haven.CheckAssignment{
			{MemberID: "mem_a", OrgID: "org_scr", Kinds: screening}}, []haven.ID{"org_scr"}},
		{"every check recorded", passed("mem_a", haven.CheckSecurity, haven.CheckCriminality, haven.CheckMedical), []*haven.CheckAssignment{
			{MemberID: "mem_a", OrgID: "org_scr", Kinds: screening}, {MemberID: "mem_a", OrgID: "org_med", Kinds: medical}}, nil},
		{"the latest is on hold", []*haven.Check{check("mem_a", haven.CheckMedical, haven.ResultPassed, 0), check("mem_a", haven.CheckMedical, haven.ResultOnHold, 5)},
			[]*haven.CheckAssignment{{MemberID: "mem_a", OrgID: "org_med", Kinds: medical}}, []haven.ID{"org_med"}},
		{"on hold, then passed", []*haven.Check{check("mem_a", haven.CheckMedical, haven.ResultOnHold, 0), check("mem_a", haven.CheckMedical, haven.ResultPassed, 5)},
			[]*haven.CheckAssignment{{MemberID: "mem_a", OrgID: "org_med", Kinds: medical}}, nil},
		{"a kind the partner does not record", passed("mem_a", haven.CheckMedical), []*haven.CheckAssignment{
			{MemberID: "mem_a", OrgID: "org_med", Kinds: medical}}, nil},
		{"members who do not travel", nil, []*haven.CheckAssignment{
			{MemberID: "mem_stay", OrgID: "org_med", Kinds: medical}, {MemberID: "mem_out", OrgID: "org_scr", Kinds: screening}}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := &haven.Case{State: haven.StateAdmissibilityInProgress, Members: members(), Checks: tc.checks, CheckAssignments: tc.assign}
			if got := workflow.CheckHolders(c); !slices.Equal(got, tc.want) {
				t.Errorf("CheckHolders = %v, want %v", got, tc.want)
			}
		})
	}
}
