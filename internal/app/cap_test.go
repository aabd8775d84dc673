package app_test

import (
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/havenhrd/haven"
	"github.com/havenhrd/haven/internal/app"
	"github.com/havenhrd/haven/internal/store"
)

// TestConcurrentApprovalsNeverExceedCap fires 60 approvals at once at a cap
// with room for only some of them, on every engine. Exactly the approvals
// that fit succeed; every other one fails with ECONFLICT and leaves its case
// untouched; the ledger adds up; and no refused case could have fitted in
// what is left.
func TestConcurrentApprovalsNeverExceedCap(t *testing.T) {
	forEngine(t, func(t *testing.T, e *env) {
		const attempts, capPersons = 60, 25
		r := haven.DefaultRules(2026)
		r.Cap = capPersons
		noErr(t, e.app.Programme.SetRules(e.ctx, e.admin, r))
		cases := make([]*haven.Case, attempts)
		for i := range cases {
			cases[i] = e.admissible(t, e.refer(t, referral("Race", 1+i%3, haven.PriorityNormal)))
		}
		type result struct {
			c   *haven.Case
			err error
		}
		results := make([]result, attempts)
		var wg sync.WaitGroup
		gate := make(chan struct{})
		for i, c := range cases {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-gate
				got, err := e.app.Cases.Approve(e.ctx, e.visa, c.ID, app.ApproveInput{})
				results[i] = result{got, err}
			}()
		}
		close(gate)
		wg.Wait()

		approvedPersons, approved, refusedMin := 0, 0, 1<<30
		for i, r := range results {
			size := len(cases[i].Travellers())
			switch haven.ErrorCodeOf(r.err) {
			case "":
				approved++
				approvedPersons += size
			case haven.ECONFLICT:
				refusedMin = min(refusedMin, size)
				c := must[*haven.Case](t)(e.app.Cases.FindCaseByID(e.ctx, e.visa, cases[i].ID))
				if c.State != haven.StateAdmissible || len(c.Decisions) != 0 {
					t.Errorf("a refused approval changed its case: %s, %d decisions", c.State, len(c.Decisions))
				}
			default:
				t.Errorf("approval %d: unexpected error %v", i, r.err)
			}
		}
		f := e.figures(t, 2026)
		t.Logf("%s: %d concurrent approvals at a cap of %d: %d approved (%d persons), %d refused; ledger reserved %d, remaining %d",
			e.store.Engine(), attempts, capPersons, approved, approvedPersons, attempts-approved, f.Reserved, f.Remaining)
		if f.Reserved != approvedPersons || f.Reserved > capPersons || f.Remaining != capPersons-approvedPersons {
			t.Fatalf("ledger %+v does not match %d approved persons under a cap of %d", f, approvedPersons, capPersons)
		}
		if approved == attempts {
			t.Fatal("every approval succeeded: the test did not reach the cap")
		}
		if f.Remaining >= refusedMin {
			t.Fatalf("%d places remain but an approval of %d persons was refused", f.Remaining, refusedMin)
		}
		var entries int
		noErr(t, e.store.View(e.ctx, func(tx store.Tx) error {
			for _, c := range cases {
				es, err := tx.FindLedgerEntries(e.ctx, c.ID)
				if err != nil {
					return err
				}
				entries += len(es)
			}
			return nil
		}))
		if entries != approvedPersons {
			t.Fatalf("%d ledger entries for %d approved persons", entries, approvedPersons)
		}
	})
}

// TestAllocationHoldsInsideCap: a partner's allocation stops its approvals
// while the cap still has room for others.
func TestAllocationHoldsInsideCap(t *testing.T) {
	forEngine(t, func(t *testing.T, e *env) {
		r := haven.DefaultRules(2026)
		r.Allocations = map[haven.ID]int{e.orgs[haven.OrgReferralPartner].ID: 3}
		noErr(t, e.app.Programme.SetRules(e.ctx, e.admin, r))
		a := e.admissible(t, e.refer(t, referral("AllocA", 2, haven.PriorityNormal)))
		b := e.admissible(t, e.refer(t, referral("AllocB", 2, haven.PriorityNormal)))
		must[*haven.Case](t)(e.app.Cases.Approve(e.ctx, e.visa, a.ID, app.ApproveInput{}))
		_, err := e.app.Cases.Approve(e.ctx, e.visa, b.ID, app.ApproveInput{})
		wantCode(t, err, haven.ECONFLICT)
		f := e.figures(t, 2026)
		if f.Reserved != 2 || f.Remaining != 498 || f.Partners[0].Remaining != 1 {
			t.Fatalf("figures = %+v", f)
		}
	})
}

// TestRulesByYear: a year without rules refuses referrals; changing rules is
// versioned, audited, and refused below what is already approved.
func TestRulesByYear(t *testing.T) {
	forEngine(t, func(t *testing.T, e *env) {
		for y, want := range map[int]int{2021: 250, 2022: 250, 2023: 500, 2026: 500} {
			r := must[*haven.ProgrammeRules](t)(e.app.Programme.FindRules(e.ctx, e.admin, y))
			if r.Cap != want || r.TargetDays[haven.PriorityEmergency] != 7 || r.Version != 1 || r.ChangedBy != app.SystemActor.UserID {
				t.Fatalf("default rules for %d = %+v", y, r)
			}
		}
		c := e.admissible(t, e.refer(t, referral("Rules", 3, haven.PriorityNormal)))
		must[*haven.Case](t)(e.app.Cases.Approve(e.ctx, e.visa, c.ID, app.ApproveInput{}))
		low := haven.DefaultRules(2026)
		low.Cap = 2
		wantCode(t, e.app.Programme.SetRules(e.ctx, e.admin, low), haven.ECONFLICT)
		wantCode(t, e.app.Programme.SetRules(e.ctx, e.visa, haven.DefaultRules(2026)), haven.EFORBIDDEN)
		bad := haven.DefaultRules(2026)
		bad.Cap, bad.TargetDays = -1, map[haven.Priority]int{haven.PriorityEmergency: 30}
		wantCode(t, e.app.Programme.SetRules(e.ctx, e.admin, bad), haven.EINVALID)
		if r := must[*haven.ProgrammeRules](t)(e.app.Programme.FindRules(e.ctx, e.admin, 2026)); r.Version != 1 {
			t.Fatalf("refused rule changes left version %d", r.Version)
		}
		ok := haven.DefaultRules(2026)
		ok.Cap, ok.Referrers = 450, []haven.ID{e.orgs[haven.OrgProtectionPartner].ID}
		noErr(t, e.app.Programme.SetRules(e.ctx, e.admin, ok))
		if f := e.figures(t, 2026); f.Cap != 450 || f.Remaining != 447 {
			t.Fatalf("figures after the change = %+v", f)
		}
		// The protection partner may now refer directly.
		noErr(t, e.app.Cases.CreateReferral(e.ctx, e.fld, referral("Direct", 1, haven.PriorityUrgent)))

		// A year with no rules takes no referrals.
		e.clock.Add(2 * 366 * 24 * 3600 * 1e9)
		err := e.app.Cases.CreateReferral(e.ctx, e.unhcr, referral("NoRules", 1, haven.PriorityNormal))
		wantCode(t, err, haven.ECONFLICT)
		var rulesEvents int
		for _, ev := range e.auditEvents(t) {
			if ev.Action == "rules.set" && ev.ActorID == e.admin.UserID {
				rulesEvents++
			}
		}
		if rulesEvents != 1 {
			t.Fatalf("%d rules.set events by the admin, want 1", rulesEvents)
		}
	})
}

// TestRulesChangeAgainstAVersion: a change made against a version that is
// no longer the latest is refused and writes nothing; of changes made at
// once against the same version, exactly one lands.
func TestRulesChangeAgainstAVersion(t *testing.T) {
	forEngine(t, func(t *testing.T, e *env) {
		mk := func(cap int) *haven.ProgrammeRules {
			r := haven.DefaultRules(2026)
			r.Cap = cap
			return r
		}
		noErr(t, e.app.Programme.SetRulesIfVersion(e.ctx, e.admin, mk(480), 1))
		err := e.app.Programme.SetRulesIfVersion(e.ctx, e.admin, mk(470), 1)
		wantCode(t, err, haven.ECONFLICT)
		if r := must[*haven.ProgrammeRules](t)(e.app.Programme.FindRules(e.ctx, e.admin, 2026)); r.Version != 2 || r.Cap != 480 {
			t.Fatalf("a stale change was stored: version %d, cap %d", r.Version, r.Cap)
		}
		// A year without rules is version 0.
		wantCode(t, e.app.Programme.SetRulesIfVersion(e.ctx, e.admin, haven.DefaultRules(2040), 1), haven.ECONFLICT)
		noErr(t, e.app.Programme.SetRulesIfVersion(e.ctx, e.admin, haven.DefaultRules(2040), 0))
		wantCode(t, e.app.Programme.SetRulesIfVersion(e.ctx, e.admin, mk(1), -1), haven.EINVALID)

		// Eight administrators change the rules of version 2 at once.
		const n = 8
		errs := make(chan error, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				errs <- e.app.Programme.SetRulesIfVersion(e.ctx, e.admin, mk(400+i), 2)
			}()
		}
		wg.Wait()
		close(errs)
		landed := 0
		for err := range errs {
			switch haven.ErrorCodeOf(err) {
			case "":
				landed++
			case haven.ECONFLICT:
			default:
				t.Errorf("a concurrent change failed otherwise: %v", err)
			}
		}
		r := must[*haven.ProgrammeRules](t)(e.app.Programme.FindRules(e.ctx, e.admin, 2026))
		if landed != 1 || r.Version != 3 {
			t.Fatalf("%d of %d concurrent changes from version 2 landed; the rules are at version %d", landed, n, r.Version)
		}
	})
}

// TestCapFiguresByMonth approves three families in March (two of them
// UNHCR's, one referred directly by the protection partner, whose
// allocation is 4), records the arrival of one in April and refuses another
// in May, and reads the months: of the whole cap and of each partner, up to
// the month in progress, with the same access check and audit as the
// year's figures.
func TestCapFiguresByMonth(t *testing.T) {
	forEngine(t, func(t *testing.T, e *env) {
		m := must[*haven.Case](t)
		fld, unhcr := e.orgs[haven.OrgProtectionPartner].ID, e.orgs[haven.OrgReferralPartner].ID
		r := haven.DefaultRules(2026)
		r.Referrers, r.Allocations = []haven.ID{fld}, map[haven.ID]int{fld: 4}
		noErr(t, e.app.Programme.SetRules(e.ctx, e.admin, r))
		a := e.admissible(t, e.refer(t, referral("MonthsA", 3, haven.PriorityNormal)))
		b := e.admissible(t, e.refer(t, referral("MonthsB", 2, haven.PriorityNormal)))
		direct := referral("MonthsC", 2, haven.PriorityNormal)
		noErr(t, e.app.Cases.CreateReferral(e.ctx, e.fld, direct))
		c := e.admissible(t, direct)
		for _, k := range []*haven.Case{a, b, c} {
			m(e.app.Cases.Approve(e.ctx, e.visa, k.ID, app.ApproveInput{}))
		}
		e.clock.Add(30 * 24 * time.Hour) // 1 April
		m(e.app.Cases.BookTravel(e.ctx, e.visa, a.ID, &haven.Travel{Date: haven.DateOf(e.clock.Now().AddDate(0, 0, 9)), Itinerary: "IST-YYZ"}))
		e.clock.Add(9 * 24 * time.Hour) // 10 April
		m(e.app.Cases.RecordArrival(e.ctx, e.visa, a.ID, &haven.Arrival{Date: haven.DateOf(e.clock.Now()), PortOfEntry: "YYZ"}))
		e.clock.Add(25 * 24 * time.Hour) // 5 May
		m(e.app.Cases.Refuse(e.ctx, e.visa, b.ID, "Exclusion clause applies."))
		if now := e.clock.Now(); now.Month() != time.May || now.Year() != 2026 {
			t.Fatalf("the test's clock is at %v", now)
		}

		type row struct{ month, rIn, aIn, xIn, res, arr, rem int }
		check := func(name string, f *haven.CapFigures, of haven.ID, want []row) {
			t.Helper()
			if f.MonthsOf != of {
				t.Errorf("%s: months of %q, want %q", name, f.MonthsOf, of)
			}
			var got []row
			for _, m := range f.Months {
				got = append(got, row{m.Month, m.ReservedIn, m.ArrivedIn, m.ReleasedIn, m.Reserved, m.Arrived, m.Remaining})
			}
			if !slices.Equal(got, want) {
				t.Errorf("%s: months\n got %v\nwant %v", name, got, want)
			}
		}
		events := len(e.auditEvents(t))
		f := must[*haven.CapFigures](t)(e.app.Programme.CapFigures(e.ctx, e.visa, 2026))
		// Before the year, January and February nothing moved; the months
		// after May have not begun.
		check("the whole cap", f, "", []row{
			{haven.BeforeYear, 0, 0, 0, 0, 0, 500}, {1, 0, 0, 0, 0, 0, 500}, {2, 0, 0, 0, 0, 0, 500},
			{3, 7, 0, 0, 7, 0, 493}, {4, 0, 3, 0, 4, 3, 493}, {5, 0, 0, 2, 2, 3, 495},
		})
		last := f.Months[len(f.Months)-1]
		if f.Reserved != last.Reserved || f.Arrived != last.Arrived || f.Remaining != last.Remaining {
			t.Errorf("the year's figures %+v differ from May's %+v", f, last)
		}
		check("the protection partner", must[*haven.CapFigures](t)(e.app.Programme.CapFiguresOf(e.ctx, e.visa, 2026, fld)), fld, []row{
			{haven.BeforeYear, 0, 0, 0, 0, 0, 4}, {1, 0, 0, 0, 0, 0, 4}, {2, 0, 0, 0, 0, 0, 4},
			{3, 2, 0, 0, 2, 0, 2}, {4, 0, 0, 0, 2, 0, 2}, {5, 0, 0, 0, 2, 0, 2},
		})
		check("UNHCR", must[*haven.CapFigures](t)(e.app.Programme.CapFiguresOf(e.ctx, e.admin, 2026, unhcr)), unhcr, []row{
			{haven.BeforeYear, 0, 0, 0, 0, 0, 500}, {1, 0, 0, 0, 0, 0, 500}, {2, 0, 0, 0, 0, 0, 500},
			{3, 5, 0, 0, 5, 0, 493}, {4, 0, 3, 0, 2, 3, 493}, {5, 0, 0, 2, 0, 3, 495},
		})
		// A past year shows every month and the period after it; a later
		// year, only what was reserved for it in advance.
		if f := must[*haven.CapFigures](t)(e.app.Programme.CapFigures(e.ctx, e.visa, 2025)); len(f.Months) != 14 || f.Months[13].Month != haven.AfterYear {
			t.Errorf("2025 has %d periods: %+v", len(f.Months), f.Months)
		}
		if f := must[*haven.CapFigures](t)(e.app.Programme.CapFigures(e.ctx, e.visa, 2027)); len(f.Months) != 1 || f.Months[0].Month != haven.BeforeYear {
			t.Errorf("2027 has periods %+v", f.Months)
		}
		if n := len(e.auditEvents(t)); n != events {
			t.Errorf("reading the cap wrote %d audit events", n-events)
		}

		// Not a partner of the year: the visa office, an unknown ID.
		for _, bad := range []haven.ID{e.orgs[haven.OrgVisaOffice].ID, "org_nope"} {
			_, err := e.app.Programme.CapFiguresOf(e.ctx, e.visa, 2026, bad)
			wantCode(t, err, haven.EINVALID)
			if fs := haven.FieldsOf(err); len(fs) != 1 || fs[0].Field != "partner" {
				t.Errorf("partner %s: problems %+v", bad, fs)
			}
		}
		_, err := e.app.Programme.CapFiguresOf(e.ctx, e.visa, 2031, unhcr)
		wantCode(t, err, haven.ENOTFOUND)
		// Partners read neither the figures nor the months; the refusal is
		// in the audit log.
		_, err = e.app.Programme.CapFiguresOf(e.ctx, e.unhcr, 2026, unhcr)
		wantCode(t, err, haven.EFORBIDDEN)
		evs := e.auditEvents(t)
		if ev := evs[len(evs)-1]; ev.Action != "ledger.read" || ev.Decision != "deny" || ev.ActorID != e.unhcr.UserID {
			t.Errorf("the refusal was logged as %+v", ev)
		}
	})
}
