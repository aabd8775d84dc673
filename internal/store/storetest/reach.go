package storetest

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/havenhrd/haven"
	"github.com/havenhrd/haven/internal/store"
)

// everyCase is f within a reach of every case, all ranked by priority.
func everyCase(f haven.CaseFilter) store.CaseFilter {
	return store.CaseFilter{CaseFilter: f, Reach: store.Reach{All: true}, Ranked: store.Reach{All: true}}
}

// reachCase is a case of testCaseReach and how it relates to each
// organisation.
type reachCase struct {
	id                     haven.ID
	referring, settlement  haven.ID
	nominating             haven.ID // the protection partner whose nomination it came from
	state                  haven.CaseState
	prio                   haven.Priority
	referredAfterT0InHours int
}

// inReach is ReachSQL's meaning, written again in Go.
func inReach(r store.Reach, c reachCase) bool {
	if r.All {
		return true
	}
	holds := func(f store.Flag, b bool) bool { return f == store.AnyFlag || (f == store.FlagTrue) == b }
	for _, cl := range r.Clauses {
		if holds(cl.Referring, c.referring == r.OrgID) && holds(cl.Nominating, c.nominating == r.OrgID) &&
			holds(cl.Settlement, c.settlement == r.OrgID) && (cl.States == nil || slices.Contains(cl.States, c.state)) {
			return true
		}
	}
	return false
}

// testCaseReach: a query within a reach selects, and counts, exactly the
// cases in it, whatever the other filters and the page; and the work-queue
// order ranks by priority only the cases in Ranked.
func testCaseReach(t *testing.T, s store.Store) {
	f := seed(t, s)
	ctx := context.Background()
	settle := &haven.Organisation{ID: "org_settle", Kind: haven.OrgSettlementOrganisation, Name: "Settlement", Country: "CA", CreatedAt: t0}
	u := &haven.User{ID: "usr_fld", OrgID: f.fld.ID, Role: haven.RoleCaseworker, Username: "fld", DisplayName: "FLD", CreatedAt: t0}
	cases := []reachCase{
		{"case_a", f.unhcr.ID, "", f.fld.ID, haven.StateReferred, haven.PriorityNormal, 1},
		{"case_b", f.fld.ID, settle.ID, "", haven.StateApproved, haven.PriorityUrgent, 2},
		{"case_c", f.unhcr.ID, settle.ID, "", haven.StateArrived, haven.PriorityEmergency, 3},
		{"case_d", f.unhcr.ID, "", "", haven.StateInterview, haven.PriorityEmergency, 4},
		{"case_e", f.unhcr.ID, settle.ID, f.fld.ID, haven.StateClosed, haven.PriorityUrgent, 5},
		{"case_f", f.unhcr.ID, settle.ID, "", haven.StateAdmissible, haven.PriorityNormal, 0},
	}
	update(t, s, func(tx store.Tx) error {
		if err := tx.CreateOrganisation(ctx, settle); err != nil {
			return err
		}
		return tx.CreateUser(ctx, u)
	})
	for _, c := range cases {
		row := newCase(string(c.id), f, c.prio, t0.Add(time.Duration(c.referredAfterT0InHours)*time.Hour))
		row.ReferringOrgID, row.SettlementOrgID, row.State = c.referring, c.settlement, c.state
		if c.nominating != "" {
			n := &store.NominationRow{
				ID: "nom_" + c.id, ProtectionOrgID: c.nominating, ReferralOrgID: f.unhcr.ID, State: haven.NominationReferred,
				DefenderName: store.Sealed{1}, Contact: store.Sealed{2}, Whereabouts: store.Sealed{3}, Work: store.Sealed{4}, Threats: store.Sealed{5},
				RiskAssessment: store.Sealed{6}, RecommendedPriority: c.prio, NationalityCountries: []string{"BY"}, AsylumCountry: "LT",
				FamilySize: 2, CreatedBy: u.ID, CreatedAt: t0, UpdatedAt: t0,
			}
			update(t, s, func(tx store.Tx) error { return tx.CreateNomination(ctx, n) })
			row.NominationID = n.ID
		}
		createCase(t, s, row, 1)
	}
	approvedOn := []haven.CaseState{haven.StateApproved, haven.StateTravelBooked, haven.StateArrived, haven.StateInSettlement, haven.StateClosed}
	clauses := [][]store.ReachClause{
		nil,
		{{Referring: store.FlagTrue}},
		{{Referring: store.FlagFalse}},
		{{Referring: store.FlagFalse, Nominating: store.FlagTrue}, {Referring: store.FlagTrue}},
		{{Nominating: store.FlagFalse}},
		{{Settlement: store.FlagTrue, States: approvedOn}},
		{{Settlement: store.FlagFalse, States: []haven.CaseState{haven.StateReferred, haven.StateInterview}}},
		{{Referring: store.FlagTrue, Nominating: store.FlagTrue, Settlement: store.FlagTrue}},
	}
	filters := []haven.CaseFilter{{}, {Priority: haven.PriorityEmergency}, {States: []haven.CaseState{haven.StateArrived, haven.StateClosed}}, {Limit: 1, Offset: 1}}
	for _, org := range []haven.ID{f.unhcr.ID, f.fld.ID, settle.ID, f.visa.ID} {
		for i, cl := range clauses {
			for j, hf := range filters {
				r := store.Reach{OrgID: org, Clauses: cl}
				var want []haven.ID
				for _, c := range cases {
					if inReach(r, c) && (hf.Priority == "" || c.prio == hf.Priority) && (hf.States == nil || slices.Contains(hf.States, c.state)) {
						want = append(want, c.id)
					}
				}
				view(t, s, func(tx store.Tx) error {
					rows, total, err := tx.FindCases(ctx, store.CaseFilter{CaseFilter: hf, Reach: r})
					if err != nil {
						return err
					}
					var got []haven.ID
					for _, row := range rows {
						got = append(got, row.ID)
						if !slices.Contains(want, row.ID) {
							t.Errorf("%s, clauses %d, filter %d: %s is outside the reach", org, i, j, row.ID)
						}
					}
					if total != len(want) {
						t.Errorf("%s, clauses %d, filter %d: total %d, want %d (%v)", org, i, j, total, len(want), want)
					}
					if hf.Limit == 0 && len(got) != len(want) {
						t.Errorf("%s, clauses %d, filter %d: %v, want %v", org, i, j, got, want)
					}
					return nil
				})
			}
		}
	}
	// The order: cases in Ranked by priority then referral, the others
	// after them by referral alone.
	view(t, s, func(tx store.Tx) error {
		rows, _, err := tx.FindCases(ctx, store.CaseFilter{Reach: store.Reach{All: true},
			Ranked: store.Reach{OrgID: f.fld.ID, Clauses: []store.ReachClause{{Referring: store.FlagTrue}, {Settlement: store.FlagTrue}}}})
		if err != nil {
			return err
		}
		var got []haven.ID
		for _, row := range rows {
			got = append(got, row.ID)
		}
		// case_b alone is ranked (fld referred it); the rest by referral time.
		if want := "[case_b case_f case_a case_c case_d case_e]"; fmt.Sprint(got) != want {
			t.Errorf("order = %v, want %s", got, want)
		}
		return nil
	})
}

// testCaseReference: a case's reference is stored, found, and unique; a
// case without one (written before references) reads as "".
func testCaseReference(t *testing.T, s store.Store) {
	f := seed(t, s)
	ctx := context.Background()
	c := newCase("case_ref", f, haven.PriorityNormal, t0)
	c.Reference = "HRD-2025-ABCDEF"
	createCase(t, s, c, 1)
	createCase(t, s, newCase("case_noref", f, haven.PriorityNormal, t0), 1)
	createCase(t, s, newCase("case_noref2", f, haven.PriorityNormal, t0), 1)
	view(t, s, func(tx store.Tx) error {
		got, err := tx.FindCaseByReference(ctx, "HRD-2025-ABCDEF")
		if err != nil {
			return err
		}
		if got.ID != "case_ref" || got.Reference != "HRD-2025-ABCDEF" {
			t.Errorf("by reference: %+v", got)
		}
		if _, err := tx.FindCaseByReference(ctx, "HRD-2025-ZZZZZZ"); haven.ErrorCodeOf(err) != haven.ENOTFOUND {
			t.Errorf("an unknown reference: %v", err)
		}
		for ref, want := range map[string]bool{"HRD-2025-ABCDEF": true, "HRD-2025-ABCDEG": false} {
			if taken, err := tx.CaseReferenceTaken(ctx, ref); err != nil || taken != want {
				t.Errorf("CaseReferenceTaken(%s) = %v, %v", ref, taken, err)
			}
		}
		old, err := tx.FindCaseByID(ctx, "case_noref", false)
		if err != nil {
			return err
		}
		if old.Reference != "" {
			t.Errorf("a case without a reference reads %q", old.Reference)
		}
		return nil
	})
	dup := newCase("case_dupref", f, haven.PriorityNormal, t0)
	dup.Reference = "HRD-2025-ABCDEF"
	err := s.Update(ctx, func(tx store.Tx) error { return tx.CreateCase(ctx, dup) })
	if haven.ErrorCodeOf(err) != haven.ECONFLICT {
		t.Errorf("a reference given twice: %v", err)
	}
}
