package storetest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/havenhrd/haven"
	"github.com/havenhrd/haven/internal/store"
)

// testAssignedChecks: FindAssignedChecks returns, for the cases asked
// and no other, each assigned member once per organisation, with the
// organisation's kind, the member's travel flags and the latest result of
// each kind of the member's checks (of two at one time, the greater ID);
// a case with no assignment has no row, and no case none at all.
func testAssignedChecks(t *testing.T, s store.Store) {
	ctx := context.Background()
	f := seed(t, s)
	scr := &haven.Organisation{ID: "org_scr", Kind: haven.OrgScreeningPartner, Name: "Screening", Country: "CA", CreatedAt: t0}
	med := &haven.Organisation{ID: "org_med", Kind: haven.OrgMedicalPartner, Name: "Clinic", Country: "TR", CreatedAt: t0}
	update(t, s, func(tx store.Tx) error {
		for _, o := range []*haven.Organisation{scr, med} {
			if err := tx.CreateOrganisation(ctx, o); err != nil {
				return err
			}
		}
		return nil
	})
	a := createCase(t, s, newCase("case_a", f, haven.PriorityNormal, t0), 3)
	b := createCase(t, s, newCase("case_b", f, haven.PriorityUrgent, t0.Add(time.Hour)), 1)
	createCase(t, s, newCase("case_none", f, haven.PriorityNormal, t0.Add(2*time.Hour)), 1)
	other := createCase(t, s, newCase("case_other", f, haven.PriorityNormal, t0.Add(3*time.Hour)), 1)
	serial := 0
	check := func(tx store.Tx, m *store.MemberRow, kind haven.CheckKind, result haven.CheckResult, at time.Time, id string) error {
		serial++
		if id == "" {
			id = fmt.Sprintf("chk_%02d", serial)
		}
		return tx.CreateCheck(ctx, &store.CheckRow{ID: haven.ID(id), CaseID: m.CaseID, MemberID: m.ID, Kind: kind, Result: result,
			RecordedBy: f.user.ID, RecordedByOrg: f.visa.ID, RecordedAt: at})
	}
	update(t, s, func(tx store.Tx) error {
		for _, e := range []struct {
			m   *store.MemberRow
			org haven.ID
		}{{a[0], scr.ID}, {a[0], med.ID}, {a[1], med.ID}, {a[2], scr.ID}, {b[0], med.ID}, {other[0], med.ID}} {
			if err := tx.AssignMember(ctx, e.m.ID, e.org, f.user.ID, t0); err != nil {
				return err
			}
		}
		if err := tx.UpdateMemberExcluded(ctx, a[2].ID, true); err != nil {
			return err
		}
		for _, err := range []error{
			// a[0]: medical on hold, then passed; security passed.
			check(tx, a[0], haven.CheckMedical, haven.ResultOnHold, t0, ""),
			check(tx, a[0], haven.CheckMedical, haven.ResultPassed, t0.Add(time.Hour), ""),
			check(tx, a[0], haven.CheckSecurity, haven.ResultPassed, t0, ""),
			// a[1]: medical passed, then on hold.
			check(tx, a[1], haven.CheckMedical, haven.ResultPassed, t0, ""),
			check(tx, a[1], haven.CheckMedical, haven.ResultOnHold, t0.Add(time.Hour), ""),
			// b[0]: two at one time: the greater ID is the latest.
			check(tx, b[0], haven.CheckCriminality, haven.ResultFailed, t0, "chk_b2"),
			check(tx, b[0], haven.CheckCriminality, haven.ResultPassed, t0, "chk_b1"),
			check(tx, other[0], haven.CheckMedical, haven.ResultFailed, t0, ""),
		} {
			if err != nil {
				return err
			}
		}
		return nil
	})
	var got []*store.AssignedChecks
	view(t, s, func(tx store.Tx) (err error) {
		got, err = tx.FindAssignedChecks(ctx, []haven.ID{"case_b", "case_a", "case_none"})
		return err
	})
	type row struct {
		cas, member, org string
		kind             haven.OrgKind
		acc, exc         bool
		latest           map[haven.CheckKind]haven.CheckResult
	}
	want := []row{
		{"case_a", "case_a_m0", "org_med", haven.OrgMedicalPartner, true, false, map[haven.CheckKind]haven.CheckResult{haven.CheckMedical: haven.ResultPassed, haven.CheckSecurity: haven.ResultPassed}},
		{"case_a", "case_a_m0", "org_scr", haven.OrgScreeningPartner, true, false, map[haven.CheckKind]haven.CheckResult{haven.CheckMedical: haven.ResultPassed, haven.CheckSecurity: haven.ResultPassed}},
		{"case_a", "case_a_m1", "org_med", haven.OrgMedicalPartner, true, false, map[haven.CheckKind]haven.CheckResult{haven.CheckMedical: haven.ResultOnHold}},
		{"case_a", "case_a_m2", "org_scr", haven.OrgScreeningPartner, true, true, map[haven.CheckKind]haven.CheckResult{}},
		{"case_b", "case_b_m0", "org_med", haven.OrgMedicalPartner, true, false, map[haven.CheckKind]haven.CheckResult{haven.CheckCriminality: haven.ResultFailed}},
	}
	var gotRows []row
	for _, r := range got {
		gotRows = append(gotRows, row{string(r.CaseID), string(r.MemberID), string(r.OrgID), r.OrgKind, r.Accompanying, r.Excluded, r.Latest})
	}
	if fmt.Sprint(gotRows) != fmt.Sprint(want) {
		t.Fatalf("FindAssignedChecks =\n%v\nwant\n%v", gotRows, want)
	}
	view(t, s, func(tx store.Tx) error {
		none, err := tx.FindAssignedChecks(ctx, nil)
		if err == nil && len(none) != 0 {
			t.Errorf("no case asked: %d rows", len(none))
		}
		return err
	})
}
