package app_test

import (
	"strings"
	"testing"
	"time"

	"github.com/havenhrd/haven"
	"github.com/havenhrd/haven/internal/app"
	"github.com/havenhrd/haven/internal/testdb"
)

// placed returns a family of three, approved and placed with the
// environment's settlement organisation.
func (e *env) placed(t *testing.T, tag string) *haven.Case {
	t.Helper()
	c := e.refer(t, referral(tag, 3, haven.PriorityUrgent))
	c = e.admissible(t, c)
	c = must[*haven.Case](t)(e.app.Cases.Approve(e.ctx, e.visa, c.ID, app.ApproveInput{}))
	return must[*haven.Case](t)(e.app.Cases.AssignSettlement(e.ctx, e.visa, c.ID, e.orgs[haven.OrgSettlementOrganisation].ID))
}

// TestIntegrationPlan: the settlement organisation the case is placed with
// keeps the plan, from placement until the case is closed; follow-ups fall
// due from arrival; the visa office reads the plan and cannot write it;
// the referring partner and another settlement organisation see none of it.
func TestIntegrationPlan(t *testing.T) {
	forEngine(t, func(t *testing.T, e *env) {
		m := must[*haven.Case](t)
		c := e.placed(t, "Plan")
		if got := m(e.app.Cases.FindCaseByID(e.ctx, e.settlement, c.ID)); got.Plan == nil || len(got.Plan.Milestones) != 5 ||
			got.Plan.Milestone(haven.MilestoneReception).Status != haven.MilestoneNotStarted || len(got.Plan.FollowUps) != 4 || !got.Plan.FollowUps[0].Due.IsZero() {
			t.Fatalf("a new placement's plan = %+v", got.Plan)
		}
		// Reception is arranged before the family lands.
		target := haven.DateOf(e.clock.Now().AddDate(0, 0, 20))
		c = m(e.app.Cases.UpdateMilestone(e.ctx, e.settlement, c.ID, &haven.PlanMilestone{Milestone: haven.MilestoneReception,
			Status: haven.MilestoneInProgress, Target: target, Notes: "  Airport pick-up, interpreter booked  "}))
		if !c.Plan.Writable {
			t.Fatal("the settlement organisation's plan is not writable")
		}
		if r := c.Plan.Milestone(haven.MilestoneReception); r.Status != haven.MilestoneInProgress || r.Target != target ||
			r.Notes != "Airport pick-up, interpreter booked" || r.UpdatedAt.IsZero() || r.UpdatedBy == "" {
			t.Fatalf("reception = %+v", r)
		}
		// Follow-ups wait for the arrival.
		_, err := e.app.Cases.RecordFollowUp(e.ctx, e.settlement, c.ID, &haven.FollowUp{Month: 1, Held: haven.DateOf(e.clock.Now())})
		wantCode(t, err, haven.ECONFLICT)

		// Only the settlement organisation writes the plan; the visa office
		// reads it; the referring partner sees no plan at all.
		_, err = e.app.Cases.UpdateMilestone(e.ctx, e.visa, c.ID, &haven.PlanMilestone{Milestone: haven.MilestoneHousing, Status: haven.MilestoneInProgress})
		wantCode(t, err, haven.EFORBIDDEN)
		if v := m(e.app.Cases.FindCaseByID(e.ctx, e.visa, c.ID)); v.Plan == nil || v.Plan.Milestone(haven.MilestoneReception).Notes == "" || v.Plan.Writable {
			t.Fatalf("the visa office does not see the plan: %+v", v.Plan)
		}
		if r := m(e.app.Cases.FindCaseByID(e.ctx, e.unhcr, c.ID)); r.Plan != nil {
			t.Fatalf("the referring partner sees the plan: %+v", r.Plan)
		}
		_, err = e.app.Cases.UpdateMilestone(e.ctx, e.unhcr, c.ID, &haven.PlanMilestone{Milestone: haven.MilestoneHousing, Status: haven.MilestoneInProgress})
		wantCode(t, err, haven.EFORBIDDEN)
		other := e.otherSettler(t)
		_, err = e.app.Cases.UpdateMilestone(e.ctx, other, c.ID, &haven.PlanMilestone{Milestone: haven.MilestoneHousing, Status: haven.MilestoneInProgress})
		wantCode(t, err, haven.ENOTFOUND)

		// Arrival on 2026-03-31: the follow-ups fall due at the end of April,
		// June, September and in March next year.
		e.clock.Add(29 * 24 * time.Hour)
		arrived := haven.DateOf(e.clock.Now())
		c = m(e.app.Cases.BookTravel(e.ctx, e.visa, c.ID, &haven.Travel{Date: arrived}))
		c = m(e.app.Cases.RecordArrival(e.ctx, e.visa, c.ID, &haven.Arrival{Date: arrived, PortOfEntry: "YWG"}))
		c = m(e.app.Cases.FindCaseByID(e.ctx, e.settlement, c.ID))
		var due []string
		for _, f := range c.Plan.FollowUps {
			due = append(due, f.Due.String())
		}
		if arrived.String() != "2026-03-31" || strings.Join(due, " ") != "2026-04-30 2026-06-30 2026-09-30 2027-03-31" {
			t.Fatalf("arrived %s, follow-ups due %v", arrived, due)
		}
		// Too early for the one-month follow-up.
		_, err = e.app.Cases.RecordFollowUp(e.ctx, e.settlement, c.ID, &haven.FollowUp{Month: 1, Held: arrived})
		wantCode(t, err, haven.EINVALID)
		if f := haven.FieldsOf(err); len(f) != 1 || f[0].Field != "held" {
			t.Fatalf("early follow-up: %v", f)
		}
		e.clock.Add(31 * 24 * time.Hour)
		c = m(e.app.Cases.BeginSettlement(e.ctx, e.settlement, c.ID))
		held := haven.DateOf(e.clock.Now())
		c = m(e.app.Cases.RecordFollowUp(e.ctx, e.settlement, c.ID, &haven.FollowUp{Month: 1, Held: held, SafetyConcern: true,
			Notes: "Relatives at home questioned by police about the family's whereabouts"}))
		f1 := c.Plan.FollowUp(1)
		if f1.Held != held || !f1.SafetyConcern || f1.Overdue(held) || c.Plan.SafetyConcerns() != 1 || !strings.HasPrefix(f1.Notes, "Relatives") {
			t.Fatalf("one-month follow-up = %+v", f1)
		}
		c = m(e.app.Cases.UpdateMilestone(e.ctx, e.settlement, c.ID, &haven.PlanMilestone{Milestone: haven.MilestoneReception,
			Status: haven.MilestoneDone, Completed: arrived}))
		c = m(e.app.Cases.UpdateMilestone(e.ctx, e.settlement, c.ID, &haven.PlanMilestone{Milestone: haven.MilestoneLanguageClasses,
			Status: haven.MilestoneNotNeeded, Notes: "All three speak French"}))
		if r := c.Plan.Milestone(haven.MilestoneReception); r.Status != haven.MilestoneDone || r.Completed != arrived || r.Notes != "" {
			t.Fatalf("a second update did not replace the first: %+v", r)
		}

		// Bad input is refused whole, naming the field; nothing is written.
		before := len(e.auditEvents(t))
		for name, in := range map[string]*haven.PlanMilestone{
			"unknown milestone":  {Milestone: "pets", Status: haven.MilestoneDone, Completed: held},
			"done undated":       {Milestone: haven.MilestoneHousing, Status: haven.MilestoneDone},
			"not needed, no why": {Milestone: haven.MilestoneHousing, Status: haven.MilestoneNotNeeded},
		} {
			_, err := e.app.Cases.UpdateMilestone(e.ctx, e.settlement, c.ID, in)
			wantCode(t, err, haven.EINVALID)
			if len(haven.FieldsOf(err)) == 0 {
				t.Errorf("%s: no field named", name)
			}
		}
		_, err = e.app.Cases.RecordFollowUp(e.ctx, e.settlement, c.ID, &haven.FollowUp{Month: 2, Held: held})
		wantCode(t, err, haven.EINVALID)
		if after := len(e.auditEvents(t)); after != before {
			t.Fatalf("refused input wrote %d audit events", after-before)
		}
		if got := m(e.app.Cases.FindCaseByID(e.ctx, e.settlement, c.ID)); got.Plan.Milestone(haven.MilestoneHousing).Status != haven.MilestoneNotStarted {
			t.Fatalf("a refused update was stored: %+v", got.Plan.Milestone(haven.MilestoneHousing))
		}

		// The audit trail names the milestone, status, month and concern,
		// never the notes.
		var plan []string
		for _, ev := range e.auditEvents(t) {
			if strings.HasPrefix(ev.Action, "case.plan.") && ev.Decision == "allow" {
				plan = append(plan, ev.Action)
				if strings.Contains(ev.Detail, "Airport") || strings.Contains(ev.Detail, "police") || strings.Contains(ev.Detail, "French") {
					t.Fatalf("audit event holds the notes: %s", ev.Detail)
				}
			}
		}
		if strings.Join(plan, " ") != "case.plan.milestone case.plan.follow_up case.plan.milestone case.plan.milestone" {
			t.Fatalf("plan events %v", plan)
		}

		// Once the case is closed, the plan is the record: read, not written.
		c = m(e.app.Cases.Close(e.ctx, e.settlement, c.ID))
		_, err = e.app.Cases.UpdateMilestone(e.ctx, e.settlement, c.ID, &haven.PlanMilestone{Milestone: haven.MilestoneHousing, Status: haven.MilestoneInProgress})
		wantCode(t, err, haven.EFORBIDDEN)
		if c.Plan == nil || c.Plan.FollowUp(1).Held != held || c.Plan.Writable {
			t.Fatalf("closed case's plan = %+v", c.Plan)
		}
	})
}

// TestIntegrationPlanSealed: the plan's notes are never on disk in the
// clear, and shredding the case makes them unreadable and the plan frozen.
func TestIntegrationPlanSealed(t *testing.T) {
	forEngine(t, func(t *testing.T, e *env) {
		m := must[*haven.Case](t)
		c := e.placed(t, "Sealed")
		c = m(e.app.Cases.UpdateMilestone(e.ctx, e.settlement, c.ID, &haven.PlanMilestone{Milestone: haven.MilestoneHousing,
			Status: haven.MilestoneInProgress, Notes: "Lease at " + canaries[6]}))
		e.clock.Add(24 * time.Hour)
		c = m(e.app.Cases.BookTravel(e.ctx, e.visa, c.ID, &haven.Travel{Date: haven.DateOf(e.clock.Now())}))
		c = m(e.app.Cases.RecordArrival(e.ctx, e.visa, c.ID, &haven.Arrival{Date: haven.DateOf(e.clock.Now()), PortOfEntry: "YUL"}))
		e.clock.Add(30 * 24 * time.Hour)
		c = m(e.app.Cases.RecordFollowUp(e.ctx, e.settlement, c.ID, &haven.FollowUp{Month: 1, Held: haven.DateOf(e.clock.Now()),
			SafetyConcern: true, Notes: "Followed by " + canaries[2]}))
		if hits := testdb.PlaintextHits(t, e.store, canaries); len(hits) != 0 {
			t.Fatalf("plan notes in the clear: %v", hits)
		}
		noErr(t, e.app.Cases.ShredCase(e.ctx, e.admin, c.ID))
		got := m(e.app.Cases.FindCaseByID(e.ctx, e.settlement, c.ID))
		if got.Plan == nil || got.Plan.Milestone(haven.MilestoneHousing).Notes != "" || got.Plan.FollowUp(1).Notes != "" ||
			got.Plan.Milestone(haven.MilestoneHousing).Status != haven.MilestoneInProgress || !got.Plan.FollowUp(1).SafetyConcern || got.Plan.Writable {
			t.Fatalf("shredded plan = %+v", got.Plan)
		}
		_, err := e.app.Cases.UpdateMilestone(e.ctx, e.settlement, c.ID, &haven.PlanMilestone{Milestone: haven.MilestoneHousing, Status: haven.MilestoneDone,
			Completed: haven.DateOf(e.clock.Now())})
		wantCode(t, err, haven.ECONFLICT)
	})
}

// otherSettler returns a caseworker of a second settlement organisation.
func (e *env) otherSettler(t *testing.T) haven.Actor {
	t.Helper()
	o := &haven.Organisation{Kind: haven.OrgSettlementOrganisation, Name: "Another settlement organisation", Country: "CA"}
	noErr(t, e.app.Programme.CreateOrganisation(e.ctx, e.admin, o))
	u := &haven.User{OrgID: o.ID, Role: haven.RoleCaseworker, Username: "other-settler", DisplayName: "Other settler"}
	if _, err := e.app.Programme.CreateUser(e.ctx, e.admin, u); err != nil {
		t.Fatal(err)
	}
	return haven.Actor{UserID: u.ID}
}

// TestSafetyConcernQueue: the visa office and the settlement organisation
// find the cases whose follow-ups reported a safety concern; a referring
// partner may not ask, so the filter cannot tell it what the plan says.
func TestSafetyConcernQueue(t *testing.T) {
	forEngine(t, func(t *testing.T, e *env) {
		m := must[*haven.Case](t)
		worried := e.placed(t, "Worried")
		calm := e.placed(t, "Calm")
		for _, c := range []*haven.Case{worried, calm} {
			m(e.app.Cases.BookTravel(e.ctx, e.visa, c.ID, &haven.Travel{Date: haven.DateOf(e.clock.Now())}))
			m(e.app.Cases.RecordArrival(e.ctx, e.visa, c.ID, &haven.Arrival{Date: haven.DateOf(e.clock.Now()), PortOfEntry: "YOW"}))
		}
		e.clock.Add(30 * 24 * time.Hour)
		held := haven.DateOf(e.clock.Now())
		m(e.app.Cases.RecordFollowUp(e.ctx, e.settlement, worried.ID, &haven.FollowUp{Month: 1, Held: held, SafetyConcern: true, Notes: "Threats by phone"}))
		m(e.app.Cases.RecordFollowUp(e.ctx, e.settlement, calm.ID, &haven.FollowUp{Month: 1, Held: held}))
		for name, who := range map[string]haven.Actor{"visa office": e.visa, "settlement organisation": e.settlement} {
			cs, total, err := e.app.Cases.FindCases(e.ctx, who, app.CaseFilter{SafetyConcern: true})
			noErr(t, err)
			if total != 1 || len(cs) != 1 || cs[0].ID != worried.ID {
				t.Fatalf("%s: cases with a safety concern = %d %v", name, total, cs)
			}
		}
		_, _, err := e.app.Cases.FindCases(e.ctx, e.unhcr, app.CaseFilter{SafetyConcern: true})
		wantCode(t, err, haven.EFORBIDDEN)
		// Without the filter, the referring partner still has its cases.
		_, total, err := e.app.Cases.FindCases(e.ctx, e.unhcr, app.CaseFilter{})
		noErr(t, err)
		if total != 2 {
			t.Fatalf("the referring partner's cases: %d", total)
		}
	})
}
