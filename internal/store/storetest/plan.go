package storetest

import (
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/havenhrd/haven"
	"github.com/havenhrd/haven/internal/store"
)

// testIntegrationPlan: milestones and follow-ups round-trip, a second put
// replaces the first, the schema refuses what the domain forbids, and the
// plan of one case is not another's.
func testIntegrationPlan(t *testing.T, s store.Store) {
	f := seed(t, s)
	ctx := context.Background()
	createCase(t, s, newCase("case_1", f, haven.PriorityNormal, t0), 2)
	createCase(t, s, newCase("case_2", f, haven.PriorityNormal, t0), 1)
	housing := &store.MilestoneRow{CaseID: "case_1", Milestone: haven.MilestoneHousing, Status: haven.MilestoneInProgress,
		Target: haven.Date{Year: 2025, Month: 8, Day: 1}, Notes: store.Sealed{1, 2}, UpdatedBy: f.user.ID, UpdatedAt: t0}
	reception := &store.MilestoneRow{CaseID: "case_1", Milestone: haven.MilestoneReception, Status: haven.MilestoneDone,
		Completed: haven.Date{Year: 2025, Month: 6, Day: 3}, UpdatedBy: f.user.ID, UpdatedAt: t0}
	month1 := &store.FollowUpRow{CaseID: "case_1", Month: 1, Held: haven.Date{Year: 2025, Month: 7, Day: 4}, Notes: store.Sealed{3}, RecordedBy: f.user.ID, RecordedAt: t0}
	month3 := &store.FollowUpRow{CaseID: "case_1", Month: 3, Held: haven.Date{Year: 2025, Month: 9, Day: 5}, SafetyConcern: true, Notes: store.Sealed{4}, RecordedBy: f.user.ID, RecordedAt: t0}
	update(t, s, func(tx store.Tx) error {
		for _, err := range []error{tx.PutMilestone(ctx, housing), tx.PutMilestone(ctx, reception), tx.PutFollowUp(ctx, month3), tx.PutFollowUp(ctx, month1)} {
			if err != nil {
				return err
			}
		}
		return nil
	})
	// A second put replaces the row.
	housing2 := *housing
	housing2.Status, housing2.Completed, housing2.Target, housing2.Notes, housing2.UpdatedAt = haven.MilestoneDone, haven.Date{Year: 2025, Month: 7, Day: 20}, haven.Date{}, store.Sealed{9}, t0.Add(time.Hour)
	month1b := *month1
	month1b.Held, month1b.SafetyConcern, month1b.RecordedAt = haven.Date{Year: 2025, Month: 7, Day: 6}, true, t0.Add(time.Hour)
	update(t, s, func(tx store.Tx) error {
		if err := tx.PutMilestone(ctx, &housing2); err != nil {
			return err
		}
		return tx.PutFollowUp(ctx, &month1b)
	})
	view(t, s, func(tx store.Tx) error {
		ms, err := tx.FindMilestones(ctx, "case_1")
		if err != nil {
			return err
		}
		got := map[haven.Milestone]store.MilestoneRow{}
		for _, m := range ms {
			got[m.Milestone] = *m
		}
		if len(ms) != 2 || !reflect.DeepEqual(got[haven.MilestoneHousing], housing2) || !reflect.DeepEqual(got[haven.MilestoneReception], *reception) {
			t.Errorf("milestones = %+v", got)
		}
		fs, err := tx.FindFollowUps(ctx, "case_1")
		if err != nil {
			return err
		}
		if len(fs) != 2 || !reflect.DeepEqual(*fs[0], month1b) || !reflect.DeepEqual(*fs[1], *month3) {
			t.Errorf("follow-ups = %+v, %+v", fs[0], fs[len(fs)-1])
		}
		other, err := tx.FindMilestones(ctx, "case_2")
		if err != nil {
			return err
		}
		fo, err := tx.FindFollowUps(ctx, "case_2")
		if err != nil {
			return err
		}
		if len(other) != 0 || len(fo) != 0 {
			t.Errorf("another case's plan leaked: %d milestones, %d follow-ups", len(other), len(fo))
		}
		// Both of case_1's follow-ups reported a concern; it is listed once.
		rows, total, err := tx.FindCases(ctx, everyCase(haven.CaseFilter{SafetyConcern: true}))
		if err != nil {
			return err
		}
		if total != 1 || len(rows) != 1 || rows[0].ID != "case_1" {
			t.Errorf("cases with a safety concern: %d, %v", total, rows)
		}
		return nil
	})
	// The schema's own checks: the app never writes these, the database
	// refuses them all the same, and refuses them whole.
	for name, fn := range map[string]func(tx store.Tx) error{
		"done without a date": func(tx store.Tx) error {
			return tx.PutMilestone(ctx, &store.MilestoneRow{CaseID: "case_2", Milestone: haven.MilestoneHousing, Status: haven.MilestoneDone, UpdatedBy: f.user.ID, UpdatedAt: t0})
		},
		"a date without done": func(tx store.Tx) error {
			return tx.PutMilestone(ctx, &store.MilestoneRow{CaseID: "case_2", Milestone: haven.MilestoneHousing, Status: haven.MilestoneInProgress,
				Completed: haven.Date{Year: 2025, Month: 1, Day: 1}, UpdatedBy: f.user.ID, UpdatedAt: t0})
		},
		"unknown milestone": func(tx store.Tx) error {
			return tx.PutMilestone(ctx, &store.MilestoneRow{CaseID: "case_2", Milestone: "pets", Status: haven.MilestoneNotStarted, UpdatedBy: f.user.ID, UpdatedAt: t0})
		},
		"follow-up month not on the list": func(tx store.Tx) error {
			return tx.PutFollowUp(ctx, &store.FollowUpRow{CaseID: "case_2", Month: 2, Held: haven.Date{Year: 2025, Month: 1, Day: 1}, RecordedBy: f.user.ID, RecordedAt: t0})
		},
		"follow-up without a date": func(tx store.Tx) error {
			return tx.PutFollowUp(ctx, &store.FollowUpRow{CaseID: "case_2", Month: 1, RecordedBy: f.user.ID, RecordedAt: t0})
		},
		"no such case": func(tx store.Tx) error {
			return tx.PutFollowUp(ctx, &store.FollowUpRow{CaseID: "case_missing", Month: 1, Held: haven.Date{Year: 2025, Month: 1, Day: 1}, RecordedBy: f.user.ID, RecordedAt: t0})
		},
	} {
		if err := s.Update(ctx, fn); err == nil {
			t.Errorf("%s: stored", name)
		}
	}
	view(t, s, func(tx store.Tx) error {
		ms, err := tx.FindMilestones(ctx, "case_2")
		if err != nil {
			return err
		}
		fs, err := tx.FindFollowUps(ctx, "case_2")
		if err != nil {
			return err
		}
		if len(ms) != 0 || len(fs) != 0 {
			t.Errorf("refused rows were stored: %d milestones, %d follow-ups", len(ms), len(fs))
		}
		return nil
	})
}
