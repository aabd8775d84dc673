package sqlstore

import (
	"context"

	"github.com/havenhrd/haven"
	"github.com/havenhrd/haven/internal/store"
)

// PutMilestone inserts or replaces one milestone of a case's integration plan.
func (t *Tx) PutMilestone(ctx context.Context, m *store.MilestoneRow) error {
	_, err := t.exec(ctx, "PutMilestone", `INSERT INTO plan_milestones (case_id, milestone, status, target_on, completed_on, notes_enc, updated_by, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (case_id, milestone) DO UPDATE SET status = excluded.status, target_on = excluded.target_on,
		completed_on = excluded.completed_on, notes_enc = excluded.notes_enc, updated_by = excluded.updated_by, updated_at = excluded.updated_at`,
		m.CaseID, m.Milestone, m.Status, t.d.date(m.Target), t.d.date(m.Completed), []byte(m.Notes), m.UpdatedBy, fmtTime(m.UpdatedAt))
	return err
}

// FindMilestones returns the milestones recorded for a case.
func (t *Tx) FindMilestones(ctx context.Context, caseID haven.ID) ([]*store.MilestoneRow, error) {
	rows, err := t.q.Query(ctx, `SELECT case_id, milestone, status, target_on, completed_on, notes_enc, updated_by, updated_at
		FROM plan_milestones WHERE case_id = $1 ORDER BY milestone`, caseID)
	if err != nil {
		return nil, t.mapErr("FindMilestones", err)
	}
	return collect(t, rows, "FindMilestones", func(s scanner) (*store.MilestoneRow, error) {
		var m store.MilestoneRow
		var target, completed dateCol
		var at string
		if err := s.Scan(&m.CaseID, &m.Milestone, &m.Status, &target, &completed, &m.Notes, &m.UpdatedBy, &at); err != nil {
			return nil, err
		}
		var d decoder
		m.Target, m.Completed, m.UpdatedAt = d.date(target), d.date(completed), d.time(at)
		return &m, d.done("FindMilestones")
	})
}

// PutFollowUp inserts or replaces one follow-up of a case.
func (t *Tx) PutFollowUp(ctx context.Context, f *store.FollowUpRow) error {
	_, err := t.exec(ctx, "PutFollowUp", `INSERT INTO plan_follow_ups (case_id, month, held_on, safety_concern, notes_enc, recorded_by, recorded_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (case_id, month) DO UPDATE SET held_on = excluded.held_on, safety_concern = excluded.safety_concern,
		notes_enc = excluded.notes_enc, recorded_by = excluded.recorded_by, recorded_at = excluded.recorded_at`,
		f.CaseID, f.Month, t.d.date(f.Held), f.SafetyConcern, []byte(f.Notes), f.RecordedBy, fmtTime(f.RecordedAt))
	return err
}

// FindFollowUps returns the follow-ups held for a case, by month.
func (t *Tx) FindFollowUps(ctx context.Context, caseID haven.ID) ([]*store.FollowUpRow, error) {
	rows, err := t.q.Query(ctx, `SELECT case_id, month, held_on, safety_concern, notes_enc, recorded_by, recorded_at
		FROM plan_follow_ups WHERE case_id = $1 ORDER BY month`, caseID)
	if err != nil {
		return nil, t.mapErr("FindFollowUps", err)
	}
	return collect(t, rows, "FindFollowUps", func(s scanner) (*store.FollowUpRow, error) {
		var f store.FollowUpRow
		var held dateCol
		var at string
		if err := s.Scan(&f.CaseID, &f.Month, &held, &f.SafetyConcern, &f.Notes, &f.RecordedBy, &at); err != nil {
			return nil, err
		}
		var d decoder
		f.Held, f.RecordedAt = d.date(held), d.time(at)
		return &f, d.done("FindFollowUps")
	})
}
