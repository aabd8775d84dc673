package haven_test

import (
	"slices"
	"testing"
	"time"

	"github.com/havenhrd/haven"
)

func date(t *testing.T, s string) haven.Date {
	t.Helper()
	d, err := haven.ParseDate(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// TestAddMonthsKeepsToTheMonth: a follow-up a month after 31 January is
// due at the end of February, never in March.
func TestAddMonthsKeepsToTheMonth(t *testing.T) {
	for _, c := range []struct {
		from string
		n    int
		want string
	}{
		{"2026-01-31", 1, "2026-02-28"},
		{"2028-01-31", 1, "2028-02-29"},
		{"2026-03-15", 3, "2026-06-15"},
		{"2026-08-31", 6, "2027-02-28"},
		{"2026-11-30", 12, "2027-11-30"},
		{"2026-10-31", 1, "2026-11-30"},
	} {
		if got := date(t, c.from).AddMonths(c.n).String(); got != c.want {
			t.Errorf("%s + %d months = %s, want %s", c.from, c.n, got, c.want)
		}
	}
}

// TestNewIntegrationPlan: every milestone and follow-up is present, in
// order; the recorded ones keep what was recorded; follow-ups fall due from
// the arrival date and not before arrival.
func TestNewIntegrationPlan(t *testing.T) {
	housing := &haven.PlanMilestone{Milestone: haven.MilestoneHousing, Status: haven.MilestoneDone, Completed: date(t, "2026-03-01"), UpdatedBy: "u1"}
	held := &haven.FollowUp{Month: 3, Held: date(t, "2026-05-02"), SafetyConcern: true, Notes: "calls to relatives at home"}
	p := haven.NewIntegrationPlan("c1", []*haven.PlanMilestone{housing}, []*haven.FollowUp{held}, haven.Date{})
	var got []haven.Milestone
	for _, m := range p.Milestones {
		got = append(got, m.Milestone)
		if m.Milestone != haven.MilestoneHousing && m.Status != haven.MilestoneNotStarted {
			t.Errorf("%s stands %s, want not_started", m.Milestone, m.Status)
		}
	}
	if !slices.Equal(got, haven.Milestones) {
		t.Errorf("milestones %v, want %v", got, haven.Milestones)
	}
	if p.Milestone(haven.MilestoneHousing) != housing {
		t.Error("the recorded milestone was not kept")
	}
	for _, f := range p.FollowUps {
		if !f.Due.IsZero() {
			t.Errorf("follow-up at %d months due %s before arrival", f.Month, f.Due)
		}
	}
	p = haven.NewIntegrationPlan("c1", []*haven.PlanMilestone{housing}, []*haven.FollowUp{held}, date(t, "2026-01-31"))
	want := map[int]string{1: "2026-02-28", 3: "2026-04-30", 6: "2026-07-31", 12: "2027-01-31"}
	var months []int
	for _, f := range p.FollowUps {
		months = append(months, f.Month)
		if f.Due.String() != want[f.Month] {
			t.Errorf("follow-up at %d months due %s, want %s", f.Month, f.Due, want[f.Month])
		}
	}
	if !slices.Equal(months, haven.FollowUpMonths) {
		t.Errorf("follow-ups %v, want %v", months, haven.FollowUpMonths)
	}
	if p.FollowUp(3) != held || p.SafetyConcerns() != 1 {
		t.Error("the held follow-up was not kept")
	}
	today := date(t, "2026-05-10")
	if !p.FollowUp(1).Overdue(today) || p.FollowUp(3).Overdue(today) || p.FollowUp(6).Overdue(today) {
		t.Errorf("overdue: 1 month %v, 3 months %v, 6 months %v; want true, false, false",
			p.FollowUp(1).Overdue(today), p.FollowUp(3).Overdue(today), p.FollowUp(6).Overdue(today))
	}
}

// TestPlanInputIsValidated: each rule names its field.
func TestPlanInputIsValidated(t *testing.T) {
	now := time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		name  string
		m     haven.PlanMilestone
		field string
	}{
		{"unknown milestone", haven.PlanMilestone{Milestone: "pets", Status: haven.MilestoneDone, Completed: date(t, "2026-05-01")}, "milestone"},
		{"unknown status", haven.PlanMilestone{Milestone: haven.MilestoneHousing, Status: "halfway"}, "status"},
		{"done without a date", haven.PlanMilestone{Milestone: haven.MilestoneHousing, Status: haven.MilestoneDone}, "completed"},
		{"date without done", haven.PlanMilestone{Milestone: haven.MilestoneHousing, Status: haven.MilestoneInProgress, Completed: date(t, "2026-05-01")}, "completed"},
		{"done in the future", haven.PlanMilestone{Milestone: haven.MilestoneHousing, Status: haven.MilestoneDone, Completed: date(t, "2026-06-02")}, "completed"},
		{"not needed without a reason", haven.PlanMilestone{Milestone: haven.MilestoneLanguageClasses, Status: haven.MilestoneNotNeeded}, "notes"},
	} {
		if !hasField(c.m.Validate(now), c.field) {
			t.Errorf("%s: no problem on %q in %v", c.name, c.field, c.m.Validate(now))
		}
	}
	ok := haven.PlanMilestone{Milestone: haven.MilestoneLanguageClasses, Status: haven.MilestoneNotNeeded, Notes: "fluent in French"}
	if p := ok.Validate(now); len(p) != 0 {
		t.Errorf("valid milestone refused: %v", p)
	}
	arrived, today := date(t, "2026-02-01"), date(t, "2026-06-01")
	for _, c := range []struct {
		name  string
		f     haven.FollowUp
		field string
	}{
		{"month not on the list", haven.FollowUp{Month: 2, Held: date(t, "2026-04-01")}, "month"},
		{"no date", haven.FollowUp{Month: 1}, "held"},
		{"before arrival", haven.FollowUp{Month: 1, Held: date(t, "2026-01-20")}, "held"},
		{"in the future", haven.FollowUp{Month: 6, Held: date(t, "2026-06-02")}, "held"},
		{"the 3-month follow-up in the second month", haven.FollowUp{Month: 3, Held: date(t, "2026-04-16")}, "held"},
		{"a safety concern without what was reported", haven.FollowUp{Month: 3, Held: date(t, "2026-05-01"), SafetyConcern: true}, "notes"},
	} {
		if !hasField(c.f.Validate(arrived, today), c.field) {
			t.Errorf("%s: no problem on %q in %v", c.name, c.field, c.f.Validate(arrived, today))
		}
	}
	// Two weeks before it is due is soon enough.
	early := haven.FollowUp{Month: 3, Held: date(t, "2026-04-17")}
	if p := early.Validate(arrived, today); len(p) != 0 {
		t.Errorf("follow-up held two weeks early refused: %v", p)
	}
}

func hasField(p haven.Problems, field string) bool {
	return slices.ContainsFunc([]haven.FieldProblem(p), func(q haven.FieldProblem) bool { return q.Field == field })
}
