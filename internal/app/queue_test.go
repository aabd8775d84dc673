package app_test

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/havenhrd/haven"
	"github.com/havenhrd/haven/internal/app"
	"github.com/havenhrd/haven/internal/store"
	"github.com/havenhrd/haven/internal/testdb"
)

// TestWorkQueueByReferringPartner: the visa office filters its queue by the
// partner that referred each case; a filter naming no referral or
// protection partner is refused, whether the organisation exists or not.
func TestWorkQueueByReferringPartner(t *testing.T) {
	forEngine(t, func(t *testing.T, e *env) {
		fld, unhcr := e.orgs[haven.OrgProtectionPartner].ID, e.orgs[haven.OrgReferralPartner].ID
		r := haven.DefaultRules(2026)
		r.Referrers = []haven.ID{fld}
		noErr(t, e.app.Programme.SetRules(e.ctx, e.admin, r))
		byUNHCR := []*haven.Case{e.refer(t, referral("QueueA", 1, haven.PriorityNormal)), e.refer(t, referral("QueueB", 2, haven.PriorityUrgent))}
		e.clock.Add(time.Minute) // the older referral comes first
		direct := referral("QueueC", 1, haven.PriorityNormal)
		noErr(t, e.app.Cases.CreateReferral(e.ctx, e.fld, direct))

		for _, tc := range []struct {
			partner haven.ID
			want    []haven.ID
		}{
			{"", []haven.ID{byUNHCR[1].ID, byUNHCR[0].ID, direct.ID}},
			{unhcr, []haven.ID{byUNHCR[1].ID, byUNHCR[0].ID}},
			{fld, []haven.ID{direct.ID}},
		} {
			cs, n, err := e.app.Cases.FindCases(e.ctx, e.visa, app.CaseFilter{ReferringOrgID: tc.partner})
			noErr(t, err)
			var got []haven.ID
			for _, c := range cs {
				got = append(got, c.ID)
				if tc.partner != "" && c.ReferringOrgID != tc.partner {
					t.Errorf("partner %q: case %s was referred by %s", tc.partner, c.ID, c.ReferringOrgID)
				}
			}
			if n != len(tc.want) || len(got) != len(tc.want) {
				t.Fatalf("partner %q: %d cases (%v), want %v", tc.partner, n, got, tc.want)
			}
			for i := range got {
				if got[i] != tc.want[i] {
					t.Errorf("partner %q: cases %v, want %v", tc.partner, got, tc.want)
				}
			}
		}
		// The partner itself, filtering its own: only what it may see.
		if _, n, err := e.app.Cases.FindCases(e.ctx, e.unhcr, app.CaseFilter{ReferringOrgID: fld}); err != nil || n != 0 {
			t.Errorf("UNHCR filtering by the protection partner: %d cases, %v", n, err)
		}
		for _, bad := range []haven.ID{e.orgs[haven.OrgSettlementOrganisation].ID, e.orgs[haven.OrgVisaOffice].ID, "org_nope"} {
			_, _, err := e.app.Cases.FindCases(e.ctx, e.visa, app.CaseFilter{ReferringOrgID: bad})
			wantCode(t, err, haven.EINVALID)
			if fs := haven.FieldsOf(err); len(fs) != 1 || fs[0].Field != "referring_org_id" {
				t.Errorf("partner %s: problems %+v", bad, fs)
			}
		}
	})
}

// TestWorkQueueOpenAndOverdue: a queue shows open cases unless final
// states are asked for, takes several states at once, and keeps the
// overdue cases (stage deadline before today on the app's clock) when
// asked.
func TestWorkQueueOpenAndOverdue(t *testing.T) {
	forEngine(t, func(t *testing.T, e *env) {
		early := e.refer(t, referral("Early", 1, haven.PriorityNormal))
		e.clock.Add(20 * 24 * time.Hour)
		late := e.refer(t, referral("Late", 1, haven.PriorityNormal))
		gone := e.refer(t, referral("Gone", 1, haven.PriorityNormal))
		_, err := e.app.Cases.Withdraw(e.ctx, e.unhcr, gone.ID, "The family is safe elsewhere.")
		noErr(t, err)
		ids := func(f app.CaseFilter) string {
			t.Helper()
			cs, n, err := e.app.Cases.FindCases(e.ctx, e.visa, f)
			noErr(t, err)
			var got []haven.ID
			for _, c := range cs {
				got = append(got, c.ID)
			}
			if n != len(got) {
				t.Errorf("filter %+v: total %d for %d cases", f, n, len(got))
			}
			return fmt.Sprint(got)
		}
		for _, tc := range []struct {
			name string
			f    app.CaseFilter
			want []haven.ID
		}{
			{"default", app.CaseFilter{}, []haven.ID{early.ID, late.ID}},
			{"final", app.CaseFilter{States: []haven.CaseState{haven.StateWithdrawn}}, []haven.ID{gone.ID}},
			{"several", app.CaseFilter{States: []haven.CaseState{haven.StateWithdrawn, haven.StateReferred}}, []haven.ID{early.ID, late.ID, gone.ID}},
			{"not yet overdue", app.CaseFilter{Overdue: true}, nil},
		} {
			if got := ids(tc.f); got != fmt.Sprint(tc.want) {
				t.Errorf("%s: %s, want %v", tc.name, got, tc.want)
			}
		}
		e.clock.Add(15 * 24 * time.Hour) // the early case's file stage (30 days) has passed
		if got, want := ids(app.CaseFilter{Overdue: true}), fmt.Sprint([]haven.ID{early.ID}); got != want {
			t.Errorf("overdue: %s, want %s", got, want)
		}
	})
}

// TestWorkQueueRows: each row of a list carries the UNHCR number and the
// principal's name where the reader's view holds them, no other sealed
// field, and the list writes no audit event; a reader whose view holds
// neither gets neither.
func TestWorkQueueRows(t *testing.T) {
	forEngine(t, func(t *testing.T, e *env) {
		c := e.refer(t, referral("RowName", 3, haven.PriorityUrgent))
		before := len(e.auditEvents(t))
		cs, _, err := e.app.Cases.FindCases(e.ctx, e.visa, app.CaseFilter{})
		noErr(t, err)
		if len(cs) != 1 || cs[0].UNHCRNumber != c.UNHCRNumber || len(cs[0].Members) != 1 || cs[0].PersecutionAccount != "" {
			t.Fatalf("the visa office's row: %+v", cs)
		}
		p := cs[0].Members[0]
		if want := c.Principal(); p.Relationship != haven.RelPrincipal || p.FamilyName != want.FamilyName || p.GivenNames != want.GivenNames ||
			p.Contact != "" || p.Whereabouts != "" || !p.DateOfBirth.IsZero() {
			t.Fatalf("the principal in a row: %+v", p)
		}
		if cs[0].Stage != haven.StageFile || cs[0].Turn != haven.PartyVisaOffice || cs[0].StageDue.IsZero() {
			t.Fatalf("the clock in a row: %+v", cs[0].CaseClock)
		}
		if n := len(e.auditEvents(t)); n != before {
			t.Fatalf("a list wrote %d audit events", n-before)
		}
		// The nominating partner reads status alone: no number, no name.
		n := &haven.Nomination{ReferralOrgID: e.orgs[haven.OrgReferralPartner].ID, DefenderName: "Defender Row",
			RiskAssessment: "High", RecommendedPriority: haven.PriorityNormal, NationalityCountries: []string{"BY"}, AsylumCountry: "LT", FamilySize: 1}
		noErr(t, e.app.Nominations.CreateNomination(e.ctx, e.fld, n))
		must[*haven.Nomination](t)(e.app.Nominations.ReviewNomination(e.ctx, e.unhcr, n.ID))
		k := referral("RowNominated", 1, haven.PriorityNormal)
		k.NominationID = n.ID
		e.refer(t, k)
		cs, _, err = e.app.Cases.FindCases(e.ctx, e.fld, app.CaseFilter{})
		noErr(t, err)
		if len(cs) != 1 || cs[0].UNHCRNumber != "" || cs[0].Members != nil || cs[0].Reference == "" {
			t.Fatalf("the nominating partner's row: %+v", cs)
		}
	})
}

// TestWorkQueueSortAndPages: a list walks page by page through its
// cursors, in each order, to the cases of one page, each page counting
// them all; a cursor of another order, or none, is refused; a sort on a
// part of the view the reader never sees is refused like a filter.
func TestWorkQueueSortAndPages(t *testing.T) {
	forEngine(t, func(t *testing.T, e *env) {
		prios := []haven.Priority{haven.PriorityNormal, haven.PriorityUrgent, haven.PriorityNormal, haven.PriorityEmergency, haven.PriorityNormal}
		for i, p := range prios {
			e.refer(t, referral(fmt.Sprintf("Page%d", i), 1, p))
			e.clock.Add(time.Hour)
		}
		for _, sort := range append([]haven.CaseSort{haven.SortQueue}, haven.CaseSorts...) {
			for _, desc := range []bool{false, true} {
				whole, err := e.app.Cases.FindCasePage(e.ctx, e.visa, app.CaseFilter{Sort: sort, Desc: desc})
				noErr(t, err)
				if whole.Next != "" || whole.Total != len(prios) {
					t.Fatalf("sort %q: one page %+v", sort, whole)
				}
				f := app.CaseFilter{Sort: sort, Desc: desc, Limit: 2}
				var walked []haven.ID
				for pages := 0; ; pages++ {
					p, err := e.app.Cases.FindCasePage(e.ctx, e.visa, f)
					noErr(t, err)
					if p.Total != len(prios) || pages > 3 {
						t.Fatalf("sort %q desc %v: page %d counts %d", sort, desc, pages, p.Total)
					}
					for _, c := range p.Cases {
						walked = append(walked, c.ID)
					}
					if p.Next == "" {
						break
					}
					f.After = p.Next
				}
				var want []haven.ID
				for _, c := range whole.Cases {
					want = append(want, c.ID)
				}
				if fmt.Sprint(walked) != fmt.Sprint(want) {
					t.Errorf("sort %q desc %v: pages %v, one page %v", sort, desc, walked, want)
				}
			}
		}
		first, err := e.app.Cases.FindCasePage(e.ctx, e.visa, app.CaseFilter{Limit: 2})
		noErr(t, err)
		for _, f := range []app.CaseFilter{
			{After: first.Next, Sort: haven.SortReferred},
			{After: first.Next, Desc: true},
			{After: "not a cursor"},
			{After: first.Next[:len(first.Next)-4]},
		} {
			_, err := e.app.Cases.FindCasePage(e.ctx, e.visa, f)
			wantCode(t, err, haven.EINVALID)
			if fs := haven.FieldsOf(err); len(fs) != 1 || fs[0].Field != "after" {
				t.Errorf("cursor %+v: %v", f, fs)
			}
		}
		// A settlement organisation never sees a priority, so no deadline
		// order; it may order by referral.
		_, err = e.app.Cases.FindCasePage(e.ctx, e.settlement, app.CaseFilter{Sort: haven.SortDue})
		wantCode(t, err, haven.EFORBIDDEN)
		if fs := haven.FieldsOf(err); len(fs) != 1 || fs[0].Field != "sort" {
			t.Errorf("settlement sorting by due: %v", fs)
		}
		_, err = e.app.Cases.FindCasePage(e.ctx, e.settlement, app.CaseFilter{Sort: haven.SortReferred})
		noErr(t, err)
		_, err = e.app.Cases.FindCasePage(e.ctx, e.visa, app.CaseFilter{Sort: "size"})
		wantCode(t, err, haven.EINVALID)
	})
}

// countingStore counts the calls of some store reads, to show what a list
// costs.
type countingStore struct {
	store.Store
	mu    sync.Mutex
	calls map[string]int
}

func (s *countingStore) count(name string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.calls == nil {
		s.calls = map[string]int{}
	}
	s.calls[name]++
}

// took returns the calls counted since the last took, and starts again.
func (s *countingStore) took() map[string]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := s.calls
	s.calls = nil
	return out
}

func (s *countingStore) View(ctx context.Context, fn func(store.Tx) error) error {
	return s.Store.View(ctx, func(tx store.Tx) error { return fn(countingTx{tx, s}) })
}

func (s *countingStore) Update(ctx context.Context, fn func(store.Tx) error) error {
	return s.Store.Update(ctx, func(tx store.Tx) error { return fn(countingTx{tx, s}) })
}

type countingTx struct {
	store.Tx
	s *countingStore
}

func (tx countingTx) FindAssignedChecks(ctx context.Context, ids []haven.ID) ([]*store.AssignedChecks, error) {
	tx.s.count("FindAssignedChecks")
	return tx.Tx.FindAssignedChecks(ctx, ids)
}

func (tx countingTx) FindAssignments(ctx context.Context, org, caseID haven.ID) ([]*store.Assignment, error) {
	tx.s.count("FindAssignments")
	return tx.Tx.FindAssignments(ctx, org, caseID)
}

func (tx countingTx) FindChecks(ctx context.Context, caseID haven.ID) ([]*store.CheckRow, error) {
	tx.s.count("FindChecks")
	return tx.Tx.FindChecks(ctx, caseID)
}

// TestWorkQueueCheckHolders: a row of the visa office's list waiting on
// the check partners names the partners holding the outstanding checks,
// as its case read does, all read in one query for the page; a reader who
// may not know the assignments (the referring partner) gets the turn
// alone, in its rows and its reads, and no query for them.
func TestWorkQueueCheckHolders(t *testing.T) {
	for _, eng := range testdb.Engines(t) {
		t.Run(eng.Name, func(t *testing.T) {
			cs := &countingStore{Store: eng.Open(t)}
			e := newEnv(t, cs)
			scr, med := e.orgs[haven.OrgScreeningPartner].ID, e.orgs[haven.OrgMedicalPartner].ID
			admissibility := func(tag string, size int) *haven.Case {
				return e.inAdmissibility(t, e.refer(t, referral(tag, size, haven.PriorityNormal)))
			}
			assign := func(c *haven.Case, orgs ...haven.ID) {
				for _, org := range orgs {
					must[*haven.Case](t)(e.app.Cases.AssignChecks(e.ctx, e.visa, c.ID, org, []haven.ID{c.Members[0].ID, c.Members[1].ID}))
				}
			}
			both := admissibility("HoldBoth", 2)
			assign(both, scr, med)
			examined := admissibility("HoldScreening", 2)
			assign(examined, scr, med)
			valid := haven.DateOf(e.clock.Now().AddDate(1, 0, 0))
			for _, m := range examined.Members {
				must[*haven.Case](t)(e.app.Cases.RecordCheck(e.ctx, e.medical, examined.ID, &haven.Check{MemberID: m.ID, Kind: haven.CheckMedical,
					Result: haven.ResultPassed, ValidUntil: valid}))
			}
			unassigned := admissibility("HoldNone", 2)
			referred := e.refer(t, referral("HoldReferred", 1, haven.PriorityNormal))
			want := map[haven.ID][]haven.ID{both.ID: slices.Sorted(slices.Values([]haven.ID{scr, med})), examined.ID: {scr},
				unassigned.ID: nil, referred.ID: nil}

			cs.took()
			rows, _, err := e.app.Cases.FindCases(e.ctx, e.visa, app.CaseFilter{})
			noErr(t, err)
			calls := cs.took()
			if len(rows) != 4 {
				t.Fatalf("the visa office lists %d cases", len(rows))
			}
			for _, r := range rows {
				if !slices.Equal(r.CheckHolders, want[r.ID]) {
					t.Errorf("the row of %s: holders %v, want %v", r.Reference, r.CheckHolders, want[r.ID])
				}
				read := must[*haven.Case](t)(e.app.Cases.FindCaseByID(e.ctx, e.visa, r.ID))
				if !slices.Equal(read.CheckHolders, r.CheckHolders) {
					t.Errorf("%s: the read names %v, the row %v", r.Reference, read.CheckHolders, r.CheckHolders)
				}
			}
			if calls["FindAssignedChecks"] != 1 || calls["FindAssignments"]+calls["FindChecks"] != 0 {
				t.Errorf("a list of %d rows read the checks with %v", len(rows), calls)
			}

			// The referring partner sees whose turn it is, not whose checks.
			cs.took()
			rows, _, err = e.app.Cases.FindCases(e.ctx, e.unhcr, app.CaseFilter{})
			noErr(t, err)
			calls = cs.took()
			for _, r := range rows {
				if r.CheckHolders != nil {
					t.Errorf("the referring partner's row of %s names %v", r.Reference, r.CheckHolders)
				}
				if r.ID == both.ID && r.Turn != haven.PartyCheckPartners {
					t.Errorf("the referring partner's row of %s: turn %q", r.Reference, r.Turn)
				}
			}
			if len(calls) != 0 {
				t.Errorf("the referring partner's list read the checks with %v", calls)
			}
			if read := must[*haven.Case](t)(e.app.Cases.FindCaseByID(e.ctx, e.unhcr, both.ID)); read.CheckHolders != nil {
				t.Errorf("the referring partner's read names %v", read.CheckHolders)
			}
		})
	}
}
