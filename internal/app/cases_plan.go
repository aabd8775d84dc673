package app

import (
	"context"
	"strconv"
	"strings"

	"github.com/havenhrd/haven"
	"github.com/havenhrd/haven/internal/policy"
	"github.com/havenhrd/haven/internal/store"
	"github.com/havenhrd/haven/internal/vault"
)

// The integration plan: the settlement organisation the case is placed
// with records where each milestone stands and each follow-up with the
// family. Its notes are sealed under the case's data key, bound to the row
// (the case and the milestone or month), so shredding the case shreds the
// plan and a note cannot be moved to another case or milestone.

func milestoneRow(caseID haven.ID, m haven.Milestone) haven.ID {
	return caseID + "/" + haven.ID(m)
}

func followUpRow(caseID haven.ID, month int) haven.ID {
	return caseID + "/" + haven.ID(strconv.Itoa(month))
}

// loadPlan returns the case's integration plan, its notes opened, or nil
// for a case not placed with a settlement organisation and with nothing
// recorded.
func (a *Cases) loadPlan(ctx context.Context, tx store.Tx, c *haven.Case, dk *vault.DataKey) (*haven.IntegrationPlan, error) {
	mrs, err := tx.FindMilestones(ctx, c.ID)
	if err != nil {
		return nil, err
	}
	frs, err := tx.FindFollowUps(ctx, c.ID)
	if err != nil {
		return nil, err
	}
	if c.SettlementOrgID == "" && len(mrs) == 0 && len(frs) == 0 {
		return nil, nil
	}
	var ms []*haven.PlanMilestone
	for _, r := range mrs {
		o := a.opener(dk, "plan_milestones", milestoneRow(c.ID, r.Milestone))
		ms = append(ms, &haven.PlanMilestone{Milestone: r.Milestone, Status: r.Status, Target: r.Target, Completed: r.Completed,
			Notes: o.str("notes", r.Notes), UpdatedBy: r.UpdatedBy, UpdatedAt: r.UpdatedAt})
		if o.err != nil {
			return nil, o.err
		}
	}
	var fs []*haven.FollowUp
	for _, r := range frs {
		o := a.opener(dk, "plan_follow_ups", followUpRow(c.ID, r.Month))
		fs = append(fs, &haven.FollowUp{Month: r.Month, Held: r.Held, SafetyConcern: r.SafetyConcern,
			Notes: o.str("notes", r.Notes), RecordedBy: r.RecordedBy, RecordedAt: r.RecordedAt})
		if o.err != nil {
			return nil, o.err
		}
	}
	var arrived haven.Date
	if c.Arrival != nil {
		arrived = c.Arrival.Date
	}
	p := haven.NewIntegrationPlan(c.ID, ms, fs, arrived)
	p.AsOf = haven.DateOf(a.now())
	return p, nil
}

// onPlan runs fn for an actor who may keep the case's integration plan
// (policy.CasePlan), on a case that can still change.
func (a *Cases) onPlan(ctx context.Context, actor haven.Actor, id haven.ID, op string,
	fn func(tx store.Tx, w who, c *haven.Case, dk *vault.DataKey) error) (*haven.Case, error) {
	return a.onCase(ctx, actor, id, policy.CasePlan, func(tx store.Tx, w who, row *store.CaseRow, c *haven.Case) error {
		dk, err := a.key(ctx, tx, c.ID)
		if err != nil {
			return err
		}
		if dk == nil {
			return haven.Errorf(haven.ECONFLICT, op, "the case has been shredded and cannot change")
		}
		return fn(tx, w, c, dk)
	})
}

// UpdateMilestone records where one milestone of the case's integration
// plan stands, replacing what was recorded before; the audit trail keeps
// each change (the milestone and its status, never the notes).
func (a *Cases) UpdateMilestone(ctx context.Context, actor haven.Actor, id haven.ID, m *haven.PlanMilestone) (*haven.Case, error) {
	const op = "app.UpdateMilestone"
	m.Notes = strings.TrimSpace(m.Notes)
	if err := m.Validate(a.now()).Err(op); err != nil {
		return nil, err
	}
	return a.onPlan(ctx, actor, id, op, func(tx store.Tx, w who, c *haven.Case, dk *vault.DataKey) error {
		m.UpdatedBy, m.UpdatedAt = w.user.ID, a.now()
		s := a.sealer(dk, "plan_milestones", milestoneRow(c.ID, m.Milestone))
		r := &store.MilestoneRow{CaseID: c.ID, Milestone: m.Milestone, Status: m.Status, Target: m.Target, Completed: m.Completed,
			Notes: s.str("notes", m.Notes), UpdatedBy: m.UpdatedBy, UpdatedAt: m.UpdatedAt}
		if s.err != nil {
			return s.err
		}
		if err := tx.PutMilestone(ctx, r); err != nil {
			return err
		}
		return a.audit(ctx, tx, w.actor(), "case.plan.milestone", "case", c.ID, c.ID,
			map[string]any{"milestone": m.Milestone, "status": m.Status, "completed": m.Completed.String()})
	})
}

// RecordFollowUp records a follow-up with the family, held once they have
// arrived; recording the same month again corrects it. A safety concern is
// audited as such, so the visa office can find the cases to look at again
// without reading the notes.
func (a *Cases) RecordFollowUp(ctx context.Context, actor haven.Actor, id haven.ID, f *haven.FollowUp) (*haven.Case, error) {
	const op = "app.RecordFollowUp"
	f.Notes = strings.TrimSpace(f.Notes)
	today := haven.DateOf(a.now())
	if err := f.Validate(haven.Date{}, today).Err(op); err != nil {
		return nil, err
	}
	return a.onPlan(ctx, actor, id, op, func(tx store.Tx, w who, c *haven.Case, dk *vault.DataKey) error {
		if c.Arrival == nil {
			return haven.Errorf(haven.ECONFLICT, op, "follow-ups begin once the family has arrived")
		}
		if err := f.Validate(c.Arrival.Date, today).Err(op); err != nil {
			return err
		}
		f.RecordedBy, f.RecordedAt, f.Due = w.user.ID, a.now(), c.Arrival.Date.AddMonths(f.Month)
		s := a.sealer(dk, "plan_follow_ups", followUpRow(c.ID, f.Month))
		r := &store.FollowUpRow{CaseID: c.ID, Month: f.Month, Held: f.Held, SafetyConcern: f.SafetyConcern,
			Notes: s.str("notes", f.Notes), RecordedBy: f.RecordedBy, RecordedAt: f.RecordedAt}
		if s.err != nil {
			return s.err
		}
		if err := tx.PutFollowUp(ctx, r); err != nil {
			return err
		}
		if err := a.audit(ctx, tx, w.actor(), "case.plan.follow_up", "case", c.ID, c.ID,
			map[string]any{"month": f.Month, "held": f.Held.String(), "safety_concern": f.SafetyConcern}); err != nil {
			return err
		}
		if !f.SafetyConcern {
			return nil
		}
		// Told at once, in this transaction: the visa office, to look at
		// the case again, and the settlement organisation's whole team.
		to, err := orgsOf(ctx, tx, haven.OrgVisaOffice, haven.RoleCaseworker, haven.RoleSupervisor)
		if err != nil {
			return err
		}
		if c.SettlementOrgID != "" {
			to = append(to, store.Recipient{OrgID: c.SettlementOrgID})
		}
		_, err = a.notify(ctx, tx, w.actor(), notice{kind: haven.NoticeSafetyConcern, caseID: c.ID, due: f.Held, to: to,
			key: string(c.ID) + ":" + strconv.Itoa(f.Month) + ":" + store.FormatTime(f.RecordedAt)})
		return err
	})
}
