package app_test

import (
	"sync"
	"testing"

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
		noErr(t, e.app.SetRules(e.ctx, e.admin, r))
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
				got, err := e.app.Approve(e.ctx, e.visa, c.ID, app.ApproveInput{})
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
				c := must[*haven.Case](t)(e.app.FindCaseByID(e.ctx, e.visa, cases[i].ID))
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
		noErr(t, e.app.SetRules(e.ctx, e.admin, r))
		a := e.admissible(t, e.refer(t, referral("AllocA", 2, haven.PriorityNormal)))
		b := e.admissible(t, e.refer(t, referral("AllocB", 2, haven.PriorityNormal)))
		must[*haven.Case](t)(e.app.Approve(e.ctx, e.visa, a.ID, app.ApproveInput{}))
		_, err := e.app.Approve(e.ctx, e.visa, b.ID, app.ApproveInput{})
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
			r := must[*haven.ProgrammeRules](t)(e.app.FindRules(e.ctx, e.admin, y))
			if r.Cap != want || r.TargetDays[haven.PriorityEmergency] != 7 || r.Version != 1 || r.ChangedBy != app.SystemActor.UserID {
				t.Fatalf("default rules for %d = %+v", y, r)
			}
		}
		c := e.admissible(t, e.refer(t, referral("Rules", 3, haven.PriorityNormal)))
		must[*haven.Case](t)(e.app.Approve(e.ctx, e.visa, c.ID, app.ApproveInput{}))
		low := haven.DefaultRules(2026)
		low.Cap = 2
		wantCode(t, e.app.SetRules(e.ctx, e.admin, low), haven.ECONFLICT)
		wantCode(t, e.app.SetRules(e.ctx, e.visa, haven.DefaultRules(2026)), haven.EFORBIDDEN)
		bad := haven.DefaultRules(2026)
		bad.Cap, bad.TargetDays = -1, map[haven.Priority]int{haven.PriorityEmergency: 30}
		wantCode(t, e.app.SetRules(e.ctx, e.admin, bad), haven.EINVALID)
		if r := must[*haven.ProgrammeRules](t)(e.app.FindRules(e.ctx, e.admin, 2026)); r.Version != 1 {
			t.Fatalf("refused rule changes left version %d", r.Version)
		}
		ok := haven.DefaultRules(2026)
		ok.Cap, ok.Referrers = 450, []haven.ID{e.orgs[haven.OrgProtectionPartner].ID}
		noErr(t, e.app.SetRules(e.ctx, e.admin, ok))
		if f := e.figures(t, 2026); f.Cap != 450 || f.Remaining != 447 {
			t.Fatalf("figures after the change = %+v", f)
		}
		// The protection partner may now refer directly.
		noErr(t, e.app.CreateReferral(e.ctx, e.fld, referral("Direct", 1, haven.PriorityUrgent)))

		// A year with no rules takes no referrals.
		e.clock.Add(2 * 366 * 24 * 3600 * 1e9)
		err := e.app.CreateReferral(e.ctx, e.unhcr, referral("NoRules", 1, haven.PriorityNormal))
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
		noErr(t, e.app.SetRulesIfVersion(e.ctx, e.admin, mk(480), 1))
		err := e.app.SetRulesIfVersion(e.ctx, e.admin, mk(470), 1)
		wantCode(t, err, haven.ECONFLICT)
		if r := must[*haven.ProgrammeRules](t)(e.app.FindRules(e.ctx, e.admin, 2026)); r.Version != 2 || r.Cap != 480 {
			t.Fatalf("a stale change was stored: version %d, cap %d", r.Version, r.Cap)
		}
		// A year without rules is version 0.
		wantCode(t, e.app.SetRulesIfVersion(e.ctx, e.admin, haven.DefaultRules(2040), 1), haven.ECONFLICT)
		noErr(t, e.app.SetRulesIfVersion(e.ctx, e.admin, haven.DefaultRules(2040), 0))
		wantCode(t, e.app.SetRulesIfVersion(e.ctx, e.admin, mk(1), -1), haven.EINVALID)

		// Eight administrators change the rules of version 2 at once.
		const n = 8
		errs := make(chan error, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				errs <- e.app.SetRulesIfVersion(e.ctx, e.admin, mk(400+i), 2)
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
		r := must[*haven.ProgrammeRules](t)(e.app.FindRules(e.ctx, e.admin, 2026))
		if landed != 1 || r.Version != 3 {
			t.Fatalf("%d of %d concurrent changes from version 2 landed; the rules are at version %d", landed, n, r.Version)
		}
	})
}
