package workflow_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/havenhrd/haven"
	"github.com/havenhrd/haven/internal/workflow"
)

// interviewOn returns an interview on d, at the UNHCR office, attended
// by the principal.
func interviewOn(d haven.Date) *haven.Interview {
	return &haven.Interview{Date: d, Time: "10:00", Zone: "Europe/Istanbul", Place: "UNHCR office", Language: "fa",
		Attending: []haven.ID{memberID(1)}}
}

// TestInterviewClock: the eligibility stage's deadline is never before the
// interview's day: a later interview moves it there and keeps the stage's
// own (BaseDue); moving the interview back restores the stage's own; the
// interview is the next step's day (NextDue) while the case is in state
// interview, not while it is held; leaving the stage starts the next
// stage's clock, with nothing of the interview.
func TestInterviewClock(t *testing.T) {
	rules := haven.DefaultRules(2025)
	since := mustTime(t, "2025-03-03T09:00:00Z")
	days := rules.StageDays[haven.StageEligibility][haven.PriorityUrgent]
	own := haven.DateOf(since).AddDays(days)
	c := MustCase(t, haven.StateEligibilityReview, 3)
	c.ProcessingPriority = haven.PriorityUrgent
	c.ReferredAt = since.Add(-48 * time.Hour)
	k := workflow.NextClock(haven.CaseClock{Stage: haven.StageFile, StageSince: c.ReferredAt}, c, rules, since)
	if k.StageDue != own || !k.BaseDue.IsZero() || !k.NextDue.IsZero() {
		t.Fatalf("eligibility review: %+v, want the stage's own deadline %s and nothing else", k, own)
	}
	later := since.Add(time.Hour)
	step := func(state haven.CaseState, iv *haven.Interview) haven.CaseClock {
		t.Helper()
		c.State, c.Interview = state, iv
		if state == haven.StateOnHold {
			c.ResumeState = haven.StateInterview
		} else {
			c.ResumeState = ""
		}
		k = workflow.NextClock(k, c, rules, later)
		later = later.Add(time.Hour)
		if k.Stage != workflow.StageOf(c.State, c.ResumeState) {
			t.Fatalf("stage %s in state %s", k.Stage, c.State)
		}
		return k
	}
	for _, tc := range []struct {
		name           string
		state          haven.CaseState
		on             haven.Date // the interview's day; zero for none
		due, base, nxt haven.Date
	}{
		{"an interview before the stage's deadline", haven.StateInterview, own.AddDays(-3), own, haven.Date{}, own.AddDays(-3)},
		{"on the deadline's own day", haven.StateInterview, own, own, haven.Date{}, own},
		{"moved past the deadline: the deadline follows", haven.StateInterview, own.AddDays(10), own.AddDays(10), own, own.AddDays(10)},
		{"moved later still", haven.StateInterview, own.AddDays(20), own.AddDays(20), own, own.AddDays(20)},
		{"on hold: the deadline stands, no next day", haven.StateOnHold, own.AddDays(20), own.AddDays(20), own, haven.Date{}},
		{"resumed", haven.StateInterview, own.AddDays(20), own.AddDays(20), own, own.AddDays(20)},
		{"moved back before the deadline: the stage's own again", haven.StateInterview, own.AddDays(-1), own, haven.Date{}, own.AddDays(-1)},
		{"moved past it once more", haven.StateInterview, own.AddDays(1), own.AddDays(1), own, own.AddDays(1)},
	} {
		var iv *haven.Interview
		if !tc.on.IsZero() {
			iv = interviewOn(tc.on)
		}
		got := step(tc.state, iv)
		if got.StageDue != tc.due || got.BaseDue != tc.base || got.NextDue != tc.nxt {
			t.Errorf("%s: StageDue %s, BaseDue %s, NextDue %s; want %s, %s, %s", tc.name,
				got.StageDue, got.BaseDue, got.NextDue, tc.due, tc.base, tc.nxt)
		}
		if got.StageDue.Before(tc.on) {
			t.Errorf("%s: the stage's deadline %s is before the interview %s", tc.name, got.StageDue, tc.on)
		}
		if got.StageSince != since {
			t.Errorf("%s: the stage restarted at %s", tc.name, got.StageSince)
		}
	}
	// Found eligible: the admissibility stage's own clock, from now.
	at := later
	got := step(haven.StateEligible, interviewOn(own.AddDays(1)))
	want := workflow.StageDue(haven.StageAdmissibility, at, haven.PriorityUrgent, rules)
	if got.StageDue != want || !got.BaseDue.IsZero() || !got.NextDue.IsZero() {
		t.Errorf("eligible: %+v, want StageDue %s and no interview day", got, want)
	}
}

// TestInterviewClockWithoutRules: without the year's rules there is no
// deadline to move, and the interview is still the next step's day.
func TestInterviewClockWithoutRules(t *testing.T) {
	c := MustCase(t, haven.StateInterview, 2)
	c.Interview = interviewOn(addDays(today, 5))
	k := workflow.NextClock(haven.CaseClock{Stage: haven.StageEligibility, StageSince: now}, c, nil, now)
	if !k.StageDue.IsZero() || !k.BaseDue.IsZero() || k.NextDue != addDays(today, 5) {
		t.Errorf("clock without rules: %+v", k)
	}
}

// TestCaseClockDue: the day shown as due is the interview's until it has
// passed, then the stage's deadline.
func TestCaseClockDue(t *testing.T) {
	k := haven.CaseClock{StageDue: addDays(today, 20), NextDue: addDays(today, 3)}
	for _, tc := range []struct {
		on   haven.Date
		want haven.Date
		left int
	}{
		{today, addDays(today, 3), 3},
		{addDays(today, 3), addDays(today, 3), 0},
		{addDays(today, 4), addDays(today, 20), 16},
		{addDays(today, 25), addDays(today, 20), -5},
	} {
		if got := k.Due(tc.on); got != tc.want {
			t.Errorf("Due(%s) = %s, want %s", tc.on, got, tc.want)
		}
		if left, ok := k.DaysLeft(tc.on); !ok || left != tc.left {
			t.Errorf("DaysLeft(%s) = %d, %v; want %d", tc.on, left, ok, tc.left)
		}
	}
	if _, ok := (haven.CaseClock{}).DaysLeft(today); ok {
		t.Error("a clock with nothing due has days left")
	}
	if got := (haven.CaseClock{NextDue: addDays(today, 2)}).Due(addDays(today, 3)); !got.IsZero() {
		t.Errorf("a passed interview without a stage deadline is due %s", got)
	}
}

// TestNextInterview: in interview, the next step is the interview until
// its day has passed, then its assessment.
func TestNextInterview(t *testing.T) {
	c := MustCase(t, haven.StateInterview, 2)
	if got := workflow.Next(c, today); got != haven.NextAssessment {
		t.Errorf("without an interview: %s, want %s", got, haven.NextAssessment)
	}
	for _, tc := range []struct {
		on   haven.Date
		want haven.NextStep
	}{
		{addDays(today, 1), haven.NextInterview},
		{today, haven.NextInterview},
		{addDays(today, -1), haven.NextAssessment},
	} {
		c.Interview = interviewOn(tc.on)
		if got := workflow.Next(c, today); got != tc.want {
			t.Errorf("interview on %s: Next = %s, want %s", tc.on, got, tc.want)
		}
	}
	c.State, c.ResumeState = haven.StateOnHold, haven.StateInterview
	c.Interview = interviewOn(addDays(today, 1))
	if got := workflow.Next(c, today); got != haven.NextResume {
		t.Errorf("on hold: %s, want %s", got, haven.NextResume)
	}
}

// TestScheduleInterviewGuard: an interview is given, on or before the
// target date, attended by members of the case not removed; the problems
// are EINVALID by field, every one of them, with no personal data.
func TestScheduleInterviewGuard(t *testing.T) {
	target := addDays(today, 30)
	for _, tc := range []struct {
		name   string
		from   haven.CaseState
		iv     func(iv *haven.Interview)
		fields []string
	}{
		{"on the target date", haven.StateEligibilityReview, func(iv *haven.Interview) { iv.Date = target }, nil},
		{"moved while in interview", haven.StateInterview, func(iv *haven.Interview) {}, nil},
		{"the day after the target date", haven.StateEligibilityReview, func(iv *haven.Interview) { iv.Date = addDays(target, 1) }, []string{"date"}},
		{"a member of no case", haven.StateEligibilityReview, func(iv *haven.Interview) { iv.Attending = []haven.ID{memberID(1), "mem_other"} }, []string{"attending"}},
		{"a removed member", haven.StateInterview, func(iv *haven.Interview) { iv.Attending = []haven.ID{memberID(3)} }, []string{"attending"}},
		{"both", haven.StateInterview, func(iv *haven.Interview) {
			iv.Date, iv.Attending = addDays(target, 9), []haven.ID{"mem_9"}
		}, []string{"date", "attending"}},
		{"none named (the default)", haven.StateEligibilityReview, func(iv *haven.Interview) { iv.Attending = nil }, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := MustCase(t, tc.from, 3)
			c.TargetDate = target
			c.Members[2].Excluded = true
			iv := interviewOn(addDays(today, 7))
			tc.iv(iv)
			got, err := workflow.Step(c, workflow.Input{Event: haven.EventScheduleInterview, Interview: iv}, today)
			if tc.fields == nil {
				if err != nil || got != haven.StateInterview {
					t.Fatalf("Step = %s, %v; want interview", got, err)
				}
				return
			}
			if haven.ErrorCodeOf(err) != haven.EINVALID {
				t.Fatalf("Step = %s, %v; want EINVALID", got, err)
			}
			var fields []string
			for _, f := range haven.FieldsOf(err) {
				fields = append(fields, f.Field)
			}
			if !slices.Equal(fields, tc.fields) {
				t.Errorf("fields %v, want %v", fields, tc.fields)
			}
			assertNoPersonalData(t, err)
			if strings.Contains(err.Error(), iv.Place) {
				t.Errorf("the error quotes the place: %v", err)
			}
		})
	}
	c := MustCase(t, haven.StateEligibilityReview, 2)
	if _, err := workflow.Step(c, workflow.Input{Event: haven.EventScheduleInterview}, today); haven.ErrorCodeOf(err) != haven.EINVALID ||
		len(haven.FieldsOf(err)) != 1 || haven.FieldsOf(err)[0].Field != "interview" {
		t.Errorf("no interview: %v", err)
	}
	// Without a target date (no rules that year) any day from today does.
	iv := interviewOn(addDays(today, 900))
	if _, err := workflow.Step(c, workflow.Input{Event: haven.EventScheduleInterview, Interview: iv}, today); err != nil {
		t.Errorf("no target date: %v", err)
	}
}

// TestDefaultAttending: the principal applicant and the accompanying
// adults on the interview's day, in the case's order; a member who turns
// 18 that day is an adult, one who turns 18 the day after is not; removed
// and staying members are left out; one whose birth date is unknown is
// taken for an adult.
func TestDefaultAttending(t *testing.T) {
	on := haven.Date{Year: 2025, Month: time.June, Day: 15}
	c := &haven.Case{ID: "case_1"}
	add := func(id string, rel haven.Relationship, dob haven.Date, accompanying, excluded bool) {
		c.Members = append(c.Members, &haven.Member{ID: haven.ID(id), Relationship: rel, DateOfBirth: dob, Accompanying: accompanying, Excluded: excluded})
	}
	add("principal", haven.RelPrincipal, haven.Date{Year: 1980, Month: 1, Day: 1}, true, false)
	add("spouse", haven.RelSpouse, haven.Date{Year: 1982, Month: 1, Day: 1}, true, false)
	add("eighteen-today", haven.RelChild, haven.Date{Year: 2007, Month: time.June, Day: 15}, true, false)
	add("eighteen-tomorrow", haven.RelChild, haven.Date{Year: 2007, Month: time.June, Day: 16}, true, false)
	add("staying", haven.RelChild, haven.Date{Year: 2000, Month: 1, Day: 1}, false, false)
	add("removed", haven.RelDeFactoDependant, haven.Date{Year: 1950, Month: 1, Day: 1}, true, true)
	add("unknown-age", haven.RelDeFactoDependant, haven.Date{}, true, false)
	got := workflow.DefaultAttending(c, on)
	want := []haven.ID{"principal", "spouse", "eighteen-today", "unknown-age"}
	if !slices.Equal(got, want) {
		t.Errorf("DefaultAttending = %v, want %v", got, want)
	}
}
