// Package storetest is the conformance suite every store engine passes. An
// engine's test calls Run with a function that opens a fresh, migrated,
// empty store.
package storetest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/havenhrd/haven"
	"github.com/havenhrd/haven/internal/store"
)

// Opener returns a fresh, migrated, empty store, closed when the test ends.
type Opener func(tb testing.TB) store.Store

// Run runs the whole suite against the engine open opens.
func Run(t *testing.T, open Opener) {
	tests := []struct {
		name string
		fn   func(*testing.T, store.Store)
	}{
		{"Ready", testReady},
		{"Organisations", testOrganisations},
		{"Users", testUsers},
		{"RulesVersions", testRulesVersions},
		{"LedgerReserveWithinCap", testLedgerReserve},
		{"LedgerAllocation", testLedgerAllocation},
		{"LedgerArrivalAndRelease", testLedgerArrivalRelease},
		{"LedgerSetCapBelowUse", testLedgerSetCapBelowUse},
		{"LedgerConcurrentReserve", testLedgerConcurrentReserve},
		{"LedgerMonths", testLedgerMonths},
		{"DataKeys", testDataKeys},
		{"Nominations", testNominations},
		{"CasesRoundTrip", testCasesRoundTrip},
		{"CaseDuplicates", testCaseDuplicates},
		{"MemberAdultDependent", testMemberAdultDependent},
		{"CaseIndexesDeleted", testCaseIndexesDeleted},
		{"CaseStaleVersion", testCaseStaleVersion},
		{"CaseQueueOrderAndFilters", testCaseQueue},
		{"CaseReach", testCaseReach},
		{"CaseDeadlines", testCaseDeadlines},
		{"CaseSortAndKeyset", testCaseSortAndKeyset},
		{"CaseQueueKeys", testCaseQueueKeys},
		{"ListReads", testListReads},
		{"CaseReference", testCaseReference},
		{"CaseRecords", testCaseRecords},
		{"Interview", testInterview},
		{"InterviewClock", testInterviewClock},
		{"AssignedChecks", testAssignedChecks},
		{"IntegrationPlan", testIntegrationPlan},
		{"AuditSequence", testAuditSequence},
		{"CaseAudit", testCaseAudit},
		{"AuditConcurrentOrder", testAuditConcurrent},
		{"AuditTreeTables", testAuditTree},
		{"RollbackWritesNothing", testRollback},
		{"ViewIsReadOnly", testViewReadOnly},
		{"Meta", testMeta},
		{"DisableUser", testDisableUser},
		{"Passwords", testPasswords},
		{"TOTP", testTOTP},
		{"Passkeys", testPasskeys},
		{"RecoveryCodes", testRecoveryCodes},
		{"Sessions", testSessions},
		{"PurgeSessions", testPurgeSessions},
		{"PurgeBounded", testPurgeBounded},
		{"APITokens", testAPITokens},
		{"SignInAttempts", testAttempts},
		{"Challenges", testChallenges},
		{"Enrolments", testEnrolments},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { tt.fn(t, open(t)) })
	}
	// The rules kept across processes, here from goroutines on one store;
	// RunShared runs them on several stores sharing one database.
	for _, tt := range sharedTests {
		t.Run(tt.name, func(t *testing.T) { tt.fn(t, []store.Store{open(t)}) })
	}
}

var t0 = time.Date(2025, 3, 14, 9, 30, 0, 123456789, time.UTC)

func update(t testing.TB, s store.Store, fn func(store.Tx) error) {
	t.Helper()
	if err := s.Update(context.Background(), fn); err != nil {
		t.Fatalf("update: %v", err)
	}
}

func view(t testing.TB, s store.Store, fn func(store.Tx) error) {
	t.Helper()
	if err := s.View(context.Background(), fn); err != nil {
		t.Fatalf("view: %v", err)
	}
}

func wantCode(t testing.TB, err error, code haven.ErrorCode) {
	t.Helper()
	if got := haven.ErrorCodeOf(err); got != code {
		t.Fatalf("error code = %q (%v), want %q", got, err, code)
	}
}

// fixture holds the records most tests need.
type fixture struct {
	unhcr, fld, visa *haven.Organisation
	user             *haven.User
}

func seed(t testing.TB, s store.Store) fixture {
	t.Helper()
	f := fixture{
		unhcr: &haven.Organisation{ID: "org_unhcr", Kind: haven.OrgReferralPartner, Name: "UNHCR", Country: "CH", CreatedAt: t0},
		fld:   &haven.Organisation{ID: "org_fld", Kind: haven.OrgProtectionPartner, Name: "Front Line Defenders", Country: "IE", CreatedAt: t0},
		visa:  &haven.Organisation{ID: "org_visa", Kind: haven.OrgVisaOffice, Name: "Visa office Nairobi", Country: "KE", CreatedAt: t0},
	}
	f.user = &haven.User{ID: "usr_1", OrgID: f.visa.ID, Role: haven.RoleCaseworker, Username: "officer", DisplayName: "Officer", CreatedAt: t0}
	update(t, s, func(tx store.Tx) error {
		for _, o := range []*haven.Organisation{f.unhcr, f.fld, f.visa} {
			if err := tx.CreateOrganisation(context.Background(), o); err != nil {
				return err
			}
		}
		return tx.CreateUser(context.Background(), f.user)
	})
	return f
}

func newCase(id string, f fixture, prio haven.Priority, referred time.Time, countries ...string) *store.CaseRow {
	if len(countries) == 0 {
		countries = []string{"IR"}
	}
	return &store.CaseRow{
		ID: haven.ID(id), UNHCRIndex: []byte("bidx-" + id), UNHCRNumber: store.Sealed("sealed-" + id),
		ReferringOrgID: f.unhcr.ID, State: haven.StateReferred,
		SubmissionPriority: prio, ProcessingPriority: prio, PrimaryCategory: haven.CategoryLegalPhysicalProtection,
		CategoryJustification: store.Sealed{1, 2, 3}, Grounds: store.Sealed{4}, Work: store.Sealed{5}, Threats: store.Sealed{6},
		PersecutionAccount: store.Sealed{7}, NationalityCountries: countries, AsylumCountry: "TR", DeclaredSize: 2,
		ReferredAt: referred, UpdatedAt: referred, Version: 1, Open: true,
	}
}

func newMembers(caseID haven.ID, n int) []*store.MemberRow {
	out := make([]*store.MemberRow, n)
	for i := range out {
		rel := haven.RelChild
		if i == 0 {
			rel = haven.RelPrincipal
		}
		out[i] = &store.MemberRow{
			ID: haven.ID(fmt.Sprintf("%s_m%d", caseID, i)), CaseID: caseID, Ordinal: i, Relationship: rel, Accompanying: true,
			Sex: haven.SexFemale, Nationalities: []string{"IR"}, Languages: []string{"fa", "en"},
			IdentityIndex: []byte(fmt.Sprintf("id-%s-%d", caseID, i)), FamilyName: store.Sealed{9, byte(i)}, DateOfBirth: store.Sealed{8},
		}
	}
	return out
}

func createCase(t testing.TB, s store.Store, c *store.CaseRow, members int) []*store.MemberRow {
	t.Helper()
	ms := newMembers(c.ID, members)
	update(t, s, func(tx store.Tx) error {
		if err := tx.CreateCase(context.Background(), c); err != nil {
			return err
		}
		for _, m := range ms {
			if err := tx.CreateMember(context.Background(), m); err != nil {
				return err
			}
		}
		return nil
	})
	return ms
}

func ids(ms []*store.MemberRow) []haven.ID {
	out := make([]haven.ID, len(ms))
	for i, m := range ms {
		out[i] = m.ID
	}
	return out
}

func testReady(t *testing.T, s store.Store) {
	if err := s.Ready(context.Background()); err != nil {
		t.Fatalf("Ready on a migrated store: %v", err)
	}
	if e := s.Engine(); e != "sqlite" && e != "postgres" {
		t.Fatalf("Engine = %q", e)
	}
}

func testOrganisations(t *testing.T, s store.Store) {
	f := seed(t, s)
	ctx := context.Background()
	view(t, s, func(tx store.Tx) error {
		got, err := tx.FindOrganisationByID(ctx, f.fld.ID)
		if err != nil {
			return err
		}
		if *got != *f.fld {
			t.Errorf("organisation = %+v, want %+v", got, f.fld)
		}
		_, err = tx.FindOrganisationByID(ctx, "org_missing")
		wantCode(t, err, haven.ENOTFOUND)
		all, err := tx.FindOrganisations(ctx, "")
		if err != nil {
			return err
		}
		if len(all) != 3 {
			t.Errorf("all organisations: %d, want 3", len(all))
		}
		rp, err := tx.FindOrganisations(ctx, haven.OrgReferralPartner)
		if err != nil {
			return err
		}
		if len(rp) != 1 || rp[0].ID != f.unhcr.ID {
			t.Errorf("referral partners = %v", rp)
		}
		return nil
	})
	err := s.Update(ctx, func(tx store.Tx) error { return tx.CreateOrganisation(ctx, f.fld) })
	wantCode(t, err, haven.ECONFLICT)
}

func testUsers(t *testing.T, s store.Store) {
	f := seed(t, s)
	ctx := context.Background()
	view(t, s, func(tx store.Tx) error {
		got, err := tx.FindUserByID(ctx, f.user.ID)
		if err != nil {
			return err
		}
		if *got != *f.user {
			t.Errorf("user = %+v, want %+v", got, f.user)
		}
		u, o, err := tx.FindActor(ctx, f.user.ID)
		if err != nil {
			return err
		}
		if *u != *f.user || *o != *f.visa {
			t.Errorf("actor = %+v of %+v, want %+v of %+v", u, o, f.user, f.visa)
		}
		_, _, err = tx.FindActor(ctx, "user_nobody")
		wantCode(t, err, haven.ENOTFOUND)
		byName, err := tx.FindUserByUsername(ctx, "officer")
		if err != nil {
			return err
		}
		if byName.ID != f.user.ID {
			t.Errorf("by username = %+v", byName)
		}
		_, err = tx.FindUserByUsername(ctx, "nobody")
		wantCode(t, err, haven.ENOTFOUND)
		us, err := tx.FindUsers(ctx, f.visa.ID)
		if err != nil {
			return err
		}
		if len(us) != 1 {
			t.Errorf("users of visa office: %d", len(us))
		}
		return nil
	})
	dup := *f.user
	dup.ID = "usr_2"
	err := s.Update(ctx, func(tx store.Tx) error { return tx.CreateUser(ctx, &dup) })
	wantCode(t, err, haven.ECONFLICT)
	orphan := haven.User{ID: "usr_3", OrgID: "org_none", Role: haven.RoleAdmin, Username: "orphan", DisplayName: "O", CreatedAt: t0}
	err = s.Update(ctx, func(tx store.Tx) error { return tx.CreateUser(ctx, &orphan) })
	wantCode(t, err, haven.EINVALID)
}

func testRulesVersions(t *testing.T, s store.Store) {
	ctx := context.Background()
	r := haven.DefaultRules(2024)
	r.Version, r.ChangedBy, r.ChangedAt = 1, "system", t0
	update(t, s, func(tx store.Tx) error { return tx.PutRules(ctx, r) })
	r2 := *r
	r2.Version, r2.Cap, r2.Referrers, r2.Allocations = 2, 450, []haven.ID{"org_fld"}, map[haven.ID]int{"org_fld": 125}
	r2.HandoverDays = 90
	r2.StageDays = haven.DefaultStageDays()
	r2.StageDays[haven.StageAdmissibility][haven.PriorityNormal] = 99
	update(t, s, func(tx store.Tx) error { return tx.PutRules(ctx, &r2) })
	stale := r2
	stale.Version = 2
	wantCode(t, s.Update(ctx, func(tx store.Tx) error { return tx.PutRules(ctx, &stale) }), haven.ECONFLICT)
	view(t, s, func(tx store.Tx) error {
		got, err := tx.FindRules(ctx, 2024)
		if err != nil {
			return err
		}
		if got.Version != 2 || got.Cap != 450 || got.Allocations["org_fld"] != 125 || len(got.Referrers) != 1 || got.TargetDays[haven.PriorityEmergency] != 7 || got.HandoverDays != 90 || !got.ChangedAt.Equal(t0) {
			t.Errorf("current rules = %+v", got)
		}
		h, err := tx.FindRulesHistory(ctx, 2024)
		if err != nil {
			return err
		}
		if len(h) != 2 || h[0].Cap != 500 || h[1].Cap != 450 || h[0].HandoverDays != haven.DefaultHandoverDays || h[1].HandoverDays != 90 {
			t.Errorf("history = %+v", h)
		}
		if !reflect.DeepEqual(h[0].StageDays, haven.DefaultStageDays()) || h[1].StageDays[haven.StageAdmissibility][haven.PriorityNormal] != 99 ||
			h[1].StageDays[haven.StageFile][haven.PriorityEmergency] != 1 {
			t.Errorf("stage budgets = %v, then %v", h[0].StageDays, h[1].StageDays)
		}
		_, err = tx.FindRules(ctx, 2031)
		wantCode(t, err, haven.ENOTFOUND)
		ys, err := tx.FindRulesYears(ctx)
		if err != nil {
			return err
		}
		if len(ys) != 1 || ys[0] != 2024 {
			t.Errorf("years = %v", ys)
		}
		return nil
	})
}

func figures(t testing.TB, s store.Store, year int) *haven.CapFigures {
	t.Helper()
	var f *haven.CapFigures
	view(t, s, func(tx store.Tx) (err error) {
		f, err = tx.LedgerCounts(context.Background(), year)
		return err
	})
	return f
}

func testLedgerReserve(t *testing.T, s store.Store) {
	f := seed(t, s)
	ctx := context.Background()
	update(t, s, func(tx store.Tx) error { return tx.SetCap(ctx, 2025, 5, nil) })
	a := createCase(t, s, newCase("case_a", f, haven.PriorityNormal, t0), 3)
	b := createCase(t, s, newCase("case_b", f, haven.PriorityNormal, t0), 3)
	update(t, s, func(tx store.Tx) error {
		return tx.Reserve(ctx, store.Reservation{Year: 2025, OrgID: f.unhcr.ID, CaseID: "case_a", Members: ids(a), At: t0})
	})
	err := s.Update(ctx, func(tx store.Tx) error {
		return tx.Reserve(ctx, store.Reservation{Year: 2025, OrgID: f.unhcr.ID, CaseID: "case_b", Members: ids(b), At: t0})
	})
	wantCode(t, err, haven.ECONFLICT)
	err = s.Update(ctx, func(tx store.Tx) error {
		return tx.Reserve(ctx, store.Reservation{Year: 2030, OrgID: f.unhcr.ID, CaseID: "case_b", Members: ids(b), At: t0})
	})
	wantCode(t, err, haven.ENOTFOUND)
	// The same persons cannot hold two places.
	err = s.Update(ctx, func(tx store.Tx) error {
		return tx.Reserve(ctx, store.Reservation{Year: 2025, OrgID: f.unhcr.ID, CaseID: "case_a", Members: ids(a[:1]), At: t0})
	})
	wantCode(t, err, haven.ECONFLICT)
	got := figures(t, s, 2025)
	if got.Cap != 5 || got.Reserved != 3 || got.Arrived != 0 || got.Remaining != 2 {
		t.Fatalf("figures = %+v", got)
	}
	if len(got.Partners) != 1 || got.Partners[0].OrgID != f.unhcr.ID || got.Partners[0].Reserved != 3 {
		t.Fatalf("partners = %+v", got.Partners)
	}
	view(t, s, func(tx store.Tx) error {
		es, err := tx.FindLedgerEntries(ctx, "case_b")
		if err != nil {
			return err
		}
		if len(es) != 0 {
			t.Errorf("a refused reservation left %d entries", len(es))
		}
		es, err = tx.FindLedgerEntries(ctx, "case_a")
		if err != nil {
			return err
		}
		if len(es) != 3 || es[0].Status != store.SeatReserved || es[0].Year != 2025 {
			t.Errorf("entries = %+v", es)
		}
		return nil
	})
}

func testLedgerAllocation(t *testing.T, s store.Store) {
	f := seed(t, s)
	ctx := context.Background()
	update(t, s, func(tx store.Tx) error { return tx.SetCap(ctx, 2025, 10, map[haven.ID]int{f.fld.ID: 2}) })
	a := createCase(t, s, newCase("case_a", f, haven.PriorityNormal, t0), 3)
	err := s.Update(ctx, func(tx store.Tx) error {
		return tx.Reserve(ctx, store.Reservation{Year: 2025, OrgID: f.fld.ID, CaseID: "case_a", Members: ids(a), At: t0})
	})
	wantCode(t, err, haven.ECONFLICT)
	if got := figures(t, s, 2025); got.Reserved != 0 {
		t.Fatalf("a reservation refused by the allocation still counted against the cap: %+v", got)
	}
	update(t, s, func(tx store.Tx) error {
		return tx.Reserve(ctx, store.Reservation{Year: 2025, OrgID: f.unhcr.ID, CaseID: "case_a", Members: ids(a), At: t0})
	})
	got := figures(t, s, 2025)
	var fld haven.PartnerFigures
	for _, p := range got.Partners {
		if p.OrgID == f.fld.ID {
			fld = p
		}
	}
	if fld.Allocation != 2 || fld.Reserved != 0 || got.Reserved != 3 {
		t.Fatalf("figures = %+v", got)
	}
}

func testLedgerArrivalRelease(t *testing.T, s store.Store) {
	f := seed(t, s)
	ctx := context.Background()
	update(t, s, func(tx store.Tx) error { return tx.SetCap(ctx, 2025, 10, nil) })
	a := createCase(t, s, newCase("case_a", f, haven.PriorityNormal, t0), 4)
	b := createCase(t, s, newCase("case_b", f, haven.PriorityNormal, t0), 2)
	update(t, s, func(tx store.Tx) error {
		if err := tx.Reserve(ctx, store.Reservation{Year: 2025, OrgID: f.unhcr.ID, CaseID: "case_a", Members: ids(a), At: t0}); err != nil {
			return err
		}
		return tx.Reserve(ctx, store.Reservation{Year: 2025, OrgID: f.unhcr.ID, CaseID: "case_b", Members: ids(b), At: t0})
	})
	// A split decision releases one member of case a; case b is withdrawn.
	update(t, s, func(tx store.Tx) error { return tx.Release(ctx, "case_a", ids(a[3:]), t0) })
	update(t, s, func(tx store.Tx) error { return tx.Release(ctx, "case_b", nil, t0) })
	update(t, s, func(tx store.Tx) error { return tx.ConfirmArrival(ctx, "case_a", t0) })
	got := figures(t, s, 2025)
	if got.Reserved != 0 || got.Arrived != 3 || got.Remaining != 7 {
		t.Fatalf("figures = %+v", got)
	}
	// Arrived seats are never released.
	update(t, s, func(tx store.Tx) error { return tx.Release(ctx, "case_a", nil, t0) })
	if got := figures(t, s, 2025); got.Arrived != 3 {
		t.Fatalf("release took back arrived seats: %+v", got)
	}
	// A released member may hold a place again.
	update(t, s, func(tx store.Tx) error {
		return tx.Reserve(ctx, store.Reservation{Year: 2025, OrgID: f.unhcr.ID, CaseID: "case_b", Members: ids(b), At: t0})
	})
	if got := figures(t, s, 2025); got.Reserved != 2 {
		t.Fatalf("re-reservation: %+v", got)
	}
}

func testLedgerSetCapBelowUse(t *testing.T, s store.Store) {
	f := seed(t, s)
	ctx := context.Background()
	update(t, s, func(tx store.Tx) error { return tx.SetCap(ctx, 2025, 10, map[haven.ID]int{f.unhcr.ID: 5}) })
	a := createCase(t, s, newCase("case_a", f, haven.PriorityNormal, t0), 4)
	update(t, s, func(tx store.Tx) error {
		return tx.Reserve(ctx, store.Reservation{Year: 2025, OrgID: f.unhcr.ID, CaseID: "case_a", Members: ids(a), At: t0})
	})
	wantCode(t, s.Update(ctx, func(tx store.Tx) error { return tx.SetCap(ctx, 2025, 3, nil) }), haven.ECONFLICT)
	wantCode(t, s.Update(ctx, func(tx store.Tx) error { return tx.SetCap(ctx, 2025, 10, map[haven.ID]int{f.unhcr.ID: 3}) }), haven.ECONFLICT)
	update(t, s, func(tx store.Tx) error { return tx.SetCap(ctx, 2025, 4, nil) })
	if got := figures(t, s, 2025); got.Cap != 4 || got.Remaining != 0 || got.Partners[0].Allocation != 0 {
		t.Fatalf("figures = %+v", got)
	}
}

// testLedgerConcurrentReserve fires many reservations at the last places at
// once: exactly as many as fit succeed, the rest fail with ECONFLICT.
func testLedgerConcurrentReserve(t *testing.T, s store.Store) {
	f := seed(t, s)
	ctx := context.Background()
	const cases, places = 60, 7
	update(t, s, func(tx store.Tx) error { return tx.SetCap(ctx, 2025, places, nil) })
	var members [][]*store.MemberRow
	for i := range cases {
		members = append(members, createCase(t, s, newCase(fmt.Sprintf("case_%02d", i), f, haven.PriorityNormal, t0), 1))
	}
	var ok, full atomic.Int32
	var wg sync.WaitGroup
	start := make(chan struct{})
	errs := make(chan error, cases)
	for i := range cases {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			err := s.Update(ctx, func(tx store.Tx) error {
				return tx.Reserve(ctx, store.Reservation{Year: 2025, OrgID: f.unhcr.ID, CaseID: haven.ID(fmt.Sprintf("case_%02d", i)), Members: ids(members[i]), At: t0})
			})
			switch haven.ErrorCodeOf(err) {
			case "":
				ok.Add(1)
			case haven.ECONFLICT:
				full.Add(1)
			default:
				errs <- err
			}
		}()
	}
	close(start)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Errorf("unexpected error: %v", err)
	}
	if ok.Load() != places || full.Load() != cases-places {
		t.Fatalf("%d reservations succeeded and %d were refused; want %d and %d", ok.Load(), full.Load(), places, cases-places)
	}
	if got := figures(t, s, 2025); got.Reserved != places || got.Remaining != 0 {
		t.Fatalf("figures = %+v", got)
	}
}

func testDataKeys(t *testing.T, s store.Store) {
	ctx := context.Background()
	k1 := &store.DataKey{Subject: "case_1", KEKID: "kek-a", Wrapped: []byte{1, 2, 3}, CreatedAt: t0}
	k2 := &store.DataKey{Subject: "case_2", KEKID: "kek-a", Wrapped: []byte{4, 5, 6}, CreatedAt: t0}
	update(t, s, func(tx store.Tx) error {
		if err := tx.PutDataKey(ctx, k1); err != nil {
			return err
		}
		return tx.PutDataKey(ctx, k2)
	})
	k1b := *k1
	k1b.KEKID, k1b.Wrapped = "kek-b", []byte{7, 7}
	update(t, s, func(tx store.Tx) error { return tx.PutDataKey(ctx, &k1b) })
	view(t, s, func(tx store.Tx) error {
		got, err := tx.FindDataKey(ctx, "case_1")
		if err != nil {
			return err
		}
		if got.KEKID != "kek-b" || !bytes.Equal(got.Wrapped, []byte{7, 7}) || !got.CreatedAt.Equal(t0) {
			t.Errorf("data key = %+v", got)
		}
		old, err := tx.FindDataKeysNotUnder(ctx, "kek-b", 10)
		if err != nil {
			return err
		}
		if len(old) != 1 || old[0].Subject != "case_2" {
			t.Errorf("keys not under kek-b = %+v", old)
		}
		return nil
	})
	update(t, s, func(tx store.Tx) error { return tx.DeleteDataKey(ctx, "case_1") })
	view(t, s, func(tx store.Tx) error {
		_, err := tx.FindDataKey(ctx, "case_1")
		wantCode(t, err, haven.ENOTFOUND)
		return nil
	})
	wantCode(t, s.Update(ctx, func(tx store.Tx) error { return tx.DeleteDataKey(ctx, "case_1") }), haven.ENOTFOUND)
}

func testNominations(t *testing.T, s store.Store) {
	f := seed(t, s)
	ctx := context.Background()
	u := &haven.User{ID: "usr_fld", OrgID: f.fld.ID, Role: haven.RoleCaseworker, Username: "fld", DisplayName: "FLD", CreatedAt: t0}
	n := &store.NominationRow{
		ID: "nom_1", ProtectionOrgID: f.fld.ID, ReferralOrgID: f.unhcr.ID, State: haven.NominationSubmitted,
		DefenderName: store.Sealed{1}, Contact: store.Sealed{2}, Whereabouts: store.Sealed{3}, Work: store.Sealed{4}, Threats: store.Sealed{5},
		RiskAssessment: store.Sealed{6}, RecommendedPriority: haven.PriorityUrgent, NationalityCountries: []string{"BY"}, AsylumCountry: "LT",
		FamilySize: 3, CreatedBy: u.ID, CreatedAt: t0, UpdatedAt: t0,
	}
	update(t, s, func(tx store.Tx) error {
		if err := tx.CreateUser(ctx, u); err != nil {
			return err
		}
		return tx.CreateNomination(ctx, n)
	})
	n.State, n.DeclineReason, n.UpdatedAt = haven.NominationDeclined, store.Sealed{9, 9}, t0.Add(time.Hour)
	update(t, s, func(tx store.Tx) error { return tx.UpdateNomination(ctx, n) })
	view(t, s, func(tx store.Tx) error {
		got, err := tx.FindNominationByID(ctx, "nom_1")
		if err != nil {
			return err
		}
		if got.State != haven.NominationDeclined || !bytes.Equal(got.DeclineReason, []byte{9, 9}) || got.FamilySize != 3 ||
			got.NationalityCountries[0] != "BY" || !got.UpdatedAt.Equal(t0.Add(time.Hour)) || !bytes.Equal(got.RiskAssessment, []byte{6}) {
			t.Errorf("nomination = %+v", got)
		}
		for _, fl := range []store.NominationFilter{{ProtectionOrgID: f.fld.ID}, {ReferralOrgID: f.unhcr.ID}, {State: haven.NominationDeclined}} {
			ns, err := tx.FindNominations(ctx, fl)
			if err != nil {
				return err
			}
			if len(ns) != 1 {
				t.Errorf("filter %+v: %d nominations", fl, len(ns))
			}
		}
		ns, err := tx.FindNominations(ctx, store.NominationFilter{ReferralOrgID: f.fld.ID})
		if err != nil {
			return err
		}
		if len(ns) != 0 {
			t.Errorf("filter by another referral partner returned %d", len(ns))
		}
		_, err = tx.FindNominationByID(ctx, "nom_x")
		wantCode(t, err, haven.ENOTFOUND)
		return nil
	})
}

func testCasesRoundTrip(t *testing.T, s store.Store) {
	f := seed(t, s)
	ctx := context.Background()
	c := newCase("case_1", f, haven.PriorityUrgent, t0, "SY", "LB")
	c.SecondaryCategory = haven.CategoryWomenGirlsAtRisk
	c.CaseClock = haven.CaseClock{TargetDate: haven.Date{Year: 2025, Month: 2, Day: 28}, Stage: haven.StageFile, StageSince: t0,
		StageDue: haven.Date{Year: 2024, Month: 2, Day: 29}, Turn: haven.PartyVisaOffice}
	ms := createCase(t, s, c, 3)
	ms[2].Accompanying = false
	view(t, s, func(tx store.Tx) error {
		got, err := tx.FindCaseByID(ctx, "case_1", false)
		if err != nil {
			return err
		}
		if got.ID != c.ID || !bytes.Equal(got.UNHCRIndex, c.UNHCRIndex) || !bytes.Equal(got.UNHCRNumber, c.UNHCRNumber) ||
			got.State != haven.StateReferred || got.SecondaryCategory != haven.CategoryWomenGirlsAtRisk || got.Version != 1 ||
			len(got.NationalityCountries) != 2 || got.NationalityCountries[1] != "LB" || !got.ReferredAt.Equal(t0) ||
			!bytes.Equal(got.PersecutionAccount, []byte{7}) || got.NominationID != "" || got.SettlementOrgID != "" {
			t.Errorf("case = %+v", got)
		}
		if got.CaseClock != c.CaseClock || !got.StageSince.Equal(t0) {
			t.Errorf("clock = %+v, want %+v", got.CaseClock, c.CaseClock)
		}
		byIdx, err := tx.FindCasesByUNHCRIndex(ctx, c.UNHCRIndex)
		if err != nil {
			return err
		}
		if len(byIdx) != 1 || byIdx[0].ID != c.ID {
			t.Errorf("by index: %v", byIdx)
		}
		_, err = tx.FindCaseByID(ctx, "case_x", false)
		wantCode(t, err, haven.ENOTFOUND)
		gm, err := tx.FindMembers(ctx, c.ID)
		if err != nil {
			return err
		}
		if len(gm) != 3 || gm[0].Relationship != haven.RelPrincipal || gm[1].Languages[0] != "fa" || !bytes.Equal(gm[0].FamilyName, []byte{9, 0}) {
			t.Errorf("members = %+v", gm)
		}
		dup, err := tx.FindMembersByIdentityIndex(ctx, ms[1].IdentityIndex)
		if err != nil {
			return err
		}
		if len(dup) != 1 || dup[0].ID != ms[1].ID {
			t.Errorf("by identity index = %+v", dup)
		}
		return nil
	})
	c.State, c.ResumeState, c.Version, c.SettlementOrgID, c.VisaKind, c.AdmissionYear = haven.StateOnHold, haven.StateEligible, 2, f.fld.ID, haven.VisaPermanentResident, 2025
	c.CaseClock = haven.CaseClock{TargetDate: c.TargetDate, Stage: haven.StageAdmissibility, StageSince: t0.Add(time.Hour),
		StageDue: haven.Date{Year: 2024, Month: 12, Day: 31}, Turn: haven.PartyReferringPartner, WaitingSince: t0.Add(2 * time.Hour)}
	update(t, s, func(tx store.Tx) error {
		if err := tx.UpdateCase(ctx, c); err != nil {
			return err
		}
		return tx.UpdateMemberExcluded(ctx, ms[1].ID, true)
	})
	view(t, s, func(tx store.Tx) error {
		got, err := tx.FindCaseByID(ctx, "case_1", true)
		if err != nil {
			return err
		}
		if got.State != haven.StateOnHold || got.ResumeState != haven.StateEligible || got.Version != 2 || got.SettlementOrgID != f.fld.ID || got.AdmissionYear != 2025 {
			t.Errorf("updated case = %+v", got)
		}
		if got.CaseClock != c.CaseClock {
			t.Errorf("updated clock = %+v, want %+v", got.CaseClock, c.CaseClock)
		}
		gm, err := tx.FindMembers(ctx, c.ID)
		if err != nil {
			return err
		}
		if !gm[1].Excluded || gm[0].Excluded {
			t.Errorf("excluded flags: %v %v", gm[0].Excluded, gm[1].Excluded)
		}
		return nil
	})
}

// testCaseDuplicates: two cases may share a UNHCR number's blind index (a
// possible duplicate is taken and flagged, never refused), and the flags
// read back from either side and filter the queue.
func testCaseDuplicates(t *testing.T, s store.Store) {
	f := seed(t, s)
	ctx := context.Background()
	m1 := createCase(t, s, newCase("case_1", f, haven.PriorityNormal, t0), 2)
	c2 := newCase("case_2", f, haven.PriorityNormal, t0.Add(time.Hour))
	c2.UNHCRIndex = []byte("bidx-case_1")
	m2 := createCase(t, s, c2, 2)
	createCase(t, s, newCase("case_3", f, haven.PriorityNormal, t0.Add(2*time.Hour)), 1)
	at := t0.Add(time.Hour)
	update(t, s, func(tx store.Tx) error {
		if err := tx.CreateCaseDuplicate(ctx, &store.CaseDuplicateRow{CaseID: "case_2", OtherCaseID: "case_1",
			Kind: haven.MatchUNHCRNumber, FoundAt: at}); err != nil {
			return err
		}
		return tx.CreateCaseDuplicate(ctx, &store.CaseDuplicateRow{CaseID: "case_2", OtherCaseID: "case_1",
			Kind: haven.MatchMemberIdentity, MemberID: m2[1].ID, OtherMemberID: m1[1].ID, FoundAt: at.Add(time.Second)})
	})
	// A match of a member's identity names both members; a UNHCR number none.
	for _, bad := range []*store.CaseDuplicateRow{
		{CaseID: "case_3", OtherCaseID: "case_1", Kind: haven.MatchMemberIdentity, FoundAt: at},
		{CaseID: "case_3", OtherCaseID: "case_1", Kind: haven.MatchUNHCRNumber, MemberID: m1[0].ID, OtherMemberID: m1[1].ID, FoundAt: at},
		{CaseID: "case_3", OtherCaseID: "case_3", Kind: haven.MatchUNHCRNumber, FoundAt: at},
		{CaseID: "case_3", OtherCaseID: "case_x", Kind: haven.MatchUNHCRNumber, FoundAt: at},
	} {
		if err := s.Update(ctx, func(tx store.Tx) error { return tx.CreateCaseDuplicate(ctx, bad) }); err == nil {
			t.Errorf("CreateCaseDuplicate(%+v) succeeded", bad)
		}
	}
	view(t, s, func(tx store.Tx) error {
		byIdx, err := tx.FindCasesByUNHCRIndex(ctx, []byte("bidx-case_1"))
		if err != nil {
			return err
		}
		if len(byIdx) != 2 || byIdx[0].ID != "case_1" || byIdx[1].ID != "case_2" {
			t.Errorf("by index: %v", byIdx)
		}
		if none, err := tx.FindCasesByUNHCRIndex(ctx, []byte("bidx-none")); err != nil || len(none) != 0 {
			t.Errorf("by unknown index: %v, %v", none, err)
		}
		want := []store.CaseDuplicateRow{
			{CaseID: "case_2", OtherCaseID: "case_1", Kind: haven.MatchUNHCRNumber, FoundAt: at},
			{CaseID: "case_2", OtherCaseID: "case_1", Kind: haven.MatchMemberIdentity, MemberID: m2[1].ID, OtherMemberID: m1[1].ID, FoundAt: at.Add(time.Second)},
		}
		for _, id := range []haven.ID{"case_1", "case_2"} {
			ds, err := tx.FindCaseDuplicates(ctx, id)
			if err != nil {
				return err
			}
			if len(ds) != len(want) {
				t.Errorf("%s: %d duplicates, want %d", id, len(ds), len(want))
				continue
			}
			for i, d := range ds {
				w := want[i]
				if d.CaseID != w.CaseID || d.OtherCaseID != w.OtherCaseID || d.Kind != w.Kind || d.MemberID != w.MemberID ||
					d.OtherMemberID != w.OtherMemberID || !d.FoundAt.Equal(w.FoundAt) {
					t.Errorf("%s: duplicate %d = %+v, want %+v", id, i, d, w)
				}
			}
		}
		if ds, err := tx.FindCaseDuplicates(ctx, "case_3"); err != nil || len(ds) != 0 {
			t.Errorf("case_3: %v, %v", ds, err)
		}
		cs, total, err := tx.FindCases(ctx, everyCase(haven.CaseFilter{PossibleDuplicate: true}))
		if err != nil {
			return err
		}
		var got []haven.ID
		for _, c := range cs {
			got = append(got, c.ID)
		}
		if total != 2 || fmt.Sprint(got) != "[case_1 case_2]" {
			t.Errorf("possible duplicates = %v (total %d)", got, total)
		}
		return nil
	})
}

// testMemberAdultDependent: the sealed exception reads back as written,
// and a member written without it reads back nil.
func testMemberAdultDependent(t *testing.T, s store.Store) {
	f := seed(t, s)
	ctx := context.Background()
	c := newCase("case_1", f, haven.PriorityNormal, t0)
	ms := newMembers(c.ID, 2)
	ms[1].AdultDependent = store.Sealed{42, 1}
	update(t, s, func(tx store.Tx) error {
		if err := tx.CreateCase(ctx, c); err != nil {
			return err
		}
		for _, m := range ms {
			if err := tx.CreateMember(ctx, m); err != nil {
				return err
			}
		}
		return nil
	})
	view(t, s, func(tx store.Tx) error {
		gm, err := tx.FindMembers(ctx, c.ID)
		if err != nil {
			return err
		}
		if len(gm) != 2 || gm[0].AdultDependent != nil || !bytes.Equal(gm[1].AdultDependent, []byte{42, 1}) {
			t.Errorf("members = %+v", gm)
		}
		byIdx, err := tx.FindMembersByIdentityIndex(ctx, ms[1].IdentityIndex)
		if err != nil {
			return err
		}
		if len(byIdx) != 1 || !bytes.Equal(byIdx[0].AdultDependent, []byte{42, 1}) {
			t.Errorf("by identity index = %+v", byIdx)
		}
		return nil
	})
}

// testCaseIndexesDeleted: once a case's blind indexes are deleted, neither
// its UNHCR number's nor its members' identity index finds anything, and the
// same UNHCR index may be taken by a new case; other cases keep theirs.
func testCaseIndexesDeleted(t *testing.T, s store.Store) {
	f := seed(t, s)
	ctx := context.Background()
	gone := newCase("case_gone", f, haven.PriorityNormal, t0)
	kept := newCase("case_kept", f, haven.PriorityNormal, t0)
	goneMembers := createCase(t, s, gone, 2)
	keptMembers := createCase(t, s, kept, 1)
	third := newCase("case_third", f, haven.PriorityNormal, t0)
	createCase(t, s, third, 1)
	// Links found by matching: gone to kept, third to gone, kept to third.
	update(t, s, func(tx store.Tx) error {
		for _, d := range []*store.CaseDuplicateRow{
			{CaseID: gone.ID, OtherCaseID: kept.ID, Kind: haven.MatchUNHCRNumber, FoundAt: t0},
			{CaseID: third.ID, OtherCaseID: gone.ID, Kind: haven.MatchUNHCRNumber, FoundAt: t0},
			{CaseID: kept.ID, OtherCaseID: third.ID, Kind: haven.MatchUNHCRNumber, FoundAt: t0},
		} {
			if err := tx.CreateCaseDuplicate(ctx, d); err != nil {
				return err
			}
		}
		return nil
	})
	// Rolled back, the deletion leaves the indexes in place.
	errRollback := haven.Errorf(haven.ECONFLICT, "test", "roll back")
	err := s.Update(ctx, func(tx store.Tx) error {
		if err := tx.DeleteCaseIndexes(ctx, gone.ID); err != nil {
			return err
		}
		return errRollback
	})
	wantCode(t, err, haven.ECONFLICT)
	view(t, s, func(tx store.Tx) error {
		if cs, err := tx.FindCasesByUNHCRIndex(ctx, gone.UNHCRIndex); err != nil || len(cs) != 1 {
			t.Errorf("a rolled-back deletion lost the UNHCR index: %d %v", len(cs), err)
		}
		return nil
	})
	update(t, s, func(tx store.Tx) error { return tx.DeleteCaseIndexes(ctx, gone.ID) })
	view(t, s, func(tx store.Tx) error {
		// The links found by matching the shredded case go with it; others stay.
		for id, want := range map[haven.ID]int{gone.ID: 0, kept.ID: 1, third.ID: 1} {
			ds, err := tx.FindCaseDuplicates(ctx, id)
			if err != nil {
				return err
			}
			if len(ds) != want {
				t.Errorf("%s keeps %d possible-duplicate links, want %d", id, len(ds), want)
			}
		}
		if cs, err := tx.FindCasesByUNHCRIndex(ctx, gone.UNHCRIndex); err != nil || len(cs) != 0 {
			t.Errorf("the shredded case is still found by its UNHCR index: %d %v", len(cs), err)
		}
		for _, m := range goneMembers {
			ms, err := tx.FindMembersByIdentityIndex(ctx, m.IdentityIndex)
			if err != nil {
				return err
			}
			if len(ms) != 0 {
				t.Errorf("member %s still found by its identity index", m.ID)
			}
		}
		c, err := tx.FindCaseByID(ctx, gone.ID, false)
		if err != nil {
			return err
		}
		if !bytes.Equal(c.UNHCRIndex, store.ShreddedIndex(gone.ID)) || c.State != gone.State || !bytes.Equal(c.UNHCRNumber, gone.UNHCRNumber) {
			t.Errorf("case after its indexes were deleted: %+v", c)
		}
		ms, err := tx.FindMembers(ctx, gone.ID)
		if err != nil {
			return err
		}
		for _, m := range ms {
			if !bytes.Equal(m.IdentityIndex, store.ShreddedIndex(m.ID)) {
				t.Errorf("member %s keeps identity index %q", m.ID, m.IdentityIndex)
			}
		}
		if cs, err := tx.FindCasesByUNHCRIndex(ctx, kept.UNHCRIndex); err != nil || len(cs) != 1 {
			t.Errorf("another case lost its UNHCR index: %d %v", len(cs), err)
		}
		if ms, err := tx.FindMembersByIdentityIndex(ctx, keptMembers[0].IdentityIndex); err != nil || len(ms) != 1 {
			t.Errorf("another case's member lost its identity index: %d %v", len(ms), err)
		}
		return nil
	})
	// The number is free again.
	again := newCase("case_again", f, haven.PriorityNormal, t0)
	again.UNHCRIndex = gone.UNHCRIndex
	createCase(t, s, again, 1)
	wantCode(t, s.Update(ctx, func(tx store.Tx) error { return tx.DeleteCaseIndexes(ctx, "case_none") }), haven.ENOTFOUND)
}

func testCaseStaleVersion(t *testing.T, s store.Store) {
	f := seed(t, s)
	c := newCase("case_1", f, haven.PriorityNormal, t0)
	createCase(t, s, c, 1)
	c.Version = 3 // stored is 1: an update must carry 2
	err := s.Update(context.Background(), func(tx store.Tx) error { return tx.UpdateCase(context.Background(), c) })
	wantCode(t, err, haven.ECONFLICT)
}

func testCaseQueue(t *testing.T, s store.Store) {
	f := seed(t, s)
	ctx := context.Background()
	createCase(t, s, newCase("case_n1", f, haven.PriorityNormal, t0), 1)
	createCase(t, s, newCase("case_u1", f, haven.PriorityUrgent, t0.Add(2*time.Hour), "AF"), 1)
	createCase(t, s, newCase("case_e1", f, haven.PriorityEmergency, t0.Add(3*time.Hour)), 1)
	createCase(t, s, newCase("case_u0", f, haven.PriorityUrgent, t0.Add(time.Hour)), 1)
	view(t, s, func(tx store.Tx) error {
		cs, total, err := tx.FindCases(ctx, everyCase(haven.CaseFilter{}))
		if err != nil {
			return err
		}
		var order []haven.ID
		for _, c := range cs {
			order = append(order, c.ID)
		}
		if total != 4 || fmt.Sprint(order) != "[case_e1 case_u0 case_u1 case_n1]" {
			t.Errorf("queue = %v (total %d)", order, total)
		}
		cs, total, err = tx.FindCases(ctx, everyCase(haven.CaseFilter{Priority: haven.PriorityUrgent, Limit: 1}))
		if err != nil {
			return err
		}
		if total != 2 || len(cs) != 1 || cs[0].ID != "case_u0" {
			t.Errorf("urgent page 1 = %v, total %d", cs, total)
		}
		cs, _, err = tx.FindCases(ctx, everyCase(haven.CaseFilter{Priority: haven.PriorityUrgent, Limit: 1, Offset: 1}))
		if err != nil {
			return err
		}
		if len(cs) != 1 || cs[0].ID != "case_u1" {
			t.Errorf("urgent page 2 = %v", cs)
		}
		cs, total, err = tx.FindCases(ctx, everyCase(haven.CaseFilter{Country: "AF"}))
		if err != nil {
			return err
		}
		if total != 1 || cs[0].ID != "case_u1" {
			t.Errorf("by country = %v", cs)
		}
		_, total, err = tx.FindCases(ctx, everyCase(haven.CaseFilter{States: []haven.CaseState{haven.StateReferred, haven.StateApproved}, ReferringOrgID: f.unhcr.ID}))
		if err != nil {
			return err
		}
		if total != 4 {
			t.Errorf("by state and partner: %d", total)
		}
		_, total, err = tx.FindCases(ctx, everyCase(haven.CaseFilter{SettlementOrgID: f.fld.ID}))
		if err != nil {
			return err
		}
		if total != 0 {
			t.Errorf("by settlement organisation: %d", total)
		}
		return nil
	})
}

func testCaseRecords(t *testing.T, s store.Store) {
	f := seed(t, s)
	ctx := context.Background()
	ms := createCase(t, s, newCase("case_1", f, haven.PriorityNormal, t0), 2)
	a := &store.AssessmentRow{ID: "asm_1", CaseID: "case_1", OutsideCountry: true, WellFoundedFear: true, NoInternalFlight: true, NoDurableSolution: true,
		Grounds: []haven.Ground{haven.GroundPoliticalOpinion}, Interviewed: true, Notes: store.Sealed{1}, AssessedBy: f.user.ID, AssessedAt: t0}
	ch := &store.CheckRow{ID: "chk_1", CaseID: "case_1", MemberID: ms[0].ID, Kind: haven.CheckMedical, Result: haven.ResultPassed,
		ValidUntil: haven.Date{Year: 2026, Month: 3, Day: 1}, Details: store.Sealed{2}, RecordedBy: f.user.ID, RecordedByOrg: f.visa.ID, RecordedAt: t0}
	cr := &store.CheckRow{ID: "chk_2", CaseID: "case_1", MemberID: ms[1].ID, Kind: haven.CheckCriminality, Result: haven.ResultPassed,
		ConvictionPoliticallyMotivated: true, PoliticalMotivationReasons: store.Sealed{3}, RecordedBy: f.user.ID, RecordedByOrg: f.visa.ID, RecordedAt: t0.Add(time.Second)}
	d := &store.DecisionRow{ID: "dec_1", CaseID: "case_1", Kind: haven.DecisionRefused, ExcludedMembers: []haven.ID{ms[1].ID}, Reasons: store.Sealed{4},
		NoticeOrgID: f.unhcr.ID, NoticeAt: t0, DecidedBy: f.user.ID, DecidedAt: t0}
	tr := &store.TravelRow{CaseID: "case_1", Date: haven.Date{Year: 2025, Month: 6, Day: 2}, Itinerary: store.Sealed{5}, TransportationLoan: true, BookedBy: f.user.ID, BookedAt: t0}
	note := &store.CaseNoteRow{ID: "note_1", CaseID: "case_1", Event: haven.EventHold, Text: store.Sealed{6, 6}, AuthorID: f.user.ID, OrgID: f.visa.ID, At: t0}
	ar := &haven.Arrival{CaseID: "case_1", Date: haven.Date{Year: 2025, Month: 6, Day: 3}, PortOfEntry: "YUL", RecordedBy: f.user.ID, RecordedAt: t0}
	update(t, s, func(tx store.Tx) error {
		for _, err := range []error{tx.CreateAssessment(ctx, a), tx.CreateCheck(ctx, ch), tx.CreateCheck(ctx, cr), tx.CreateDecision(ctx, d), tx.PutTravel(ctx, tr), tx.PutArrival(ctx, ar), tx.CreateCaseNote(ctx, note)} {
			if err != nil {
				return err
			}
		}
		return nil
	})
	update(t, s, func(tx store.Tx) error {
		if err := tx.AssignMember(ctx, ms[0].ID, f.visa.ID, f.user.ID, t0); err != nil {
			return err
		}
		// Twice is fine: the assignment is renewed.
		return tx.AssignMember(ctx, ms[0].ID, f.visa.ID, f.user.ID, t0.Add(time.Hour))
	})
	wantCode(t, s.Update(ctx, func(tx store.Tx) error { return tx.AssignMember(ctx, "mem_missing", f.visa.ID, f.user.ID, t0) }), haven.EINVALID)
	view(t, s, func(tx store.Tx) error {
		got, err := tx.FindAssignedCases(ctx, f.visa.ID)
		if err != nil {
			return err
		}
		if len(got) != 1 || got[0] != "case_1" {
			t.Errorf("assigned cases = %v", got)
		}
		if none, err := tx.FindAssignedCases(ctx, f.fld.ID); err != nil || len(none) != 0 {
			t.Errorf("assigned cases of another org = %v, %v", none, err)
		}
		for _, c := range []struct {
			o, c haven.ID
			want int
		}{{f.visa.ID, "case_1", 1}, {f.visa.ID, "", 1}, {f.visa.ID, "case_2", 0}, {f.fld.ID, "", 0}} {
			got, err := tx.FindAssignments(ctx, c.o, c.c)
			if err != nil {
				return err
			}
			if len(got) != c.want {
				t.Errorf("FindAssignments(%s, %q) = %d", c.o, c.c, len(got))
			} else if c.want == 1 {
				a := got[0]
				if a.MemberID != ms[0].ID || a.CaseID != "case_1" || a.OrgID != f.visa.ID || a.AssignedBy != f.user.ID || !a.AssignedAt.Equal(t0.Add(time.Hour)) {
					t.Errorf("assignment = %+v", a)
				}
			}
		}
		return nil
	})
	// A check for a member that does not exist is refused by the database.
	bad := *ch
	bad.ID, bad.MemberID = "chk_3", "mem_missing"
	wantCode(t, s.Update(ctx, func(tx store.Tx) error { return tx.CreateCheck(ctx, &bad) }), haven.EINVALID)
	view(t, s, func(tx store.Tx) error {
		as, err := tx.FindAssessments(ctx, "case_1")
		if err != nil {
			return err
		}
		if len(as) != 1 || !as[0].Interviewed || as[0].Grounds[0] != haven.GroundPoliticalOpinion || !as[0].AssessedAt.Equal(t0) {
			t.Errorf("assessments = %+v", as)
		}
		cs, err := tx.FindChecks(ctx, "case_1")
		if err != nil {
			return err
		}
		if len(cs) != 2 || cs[0].ValidUntil != ch.ValidUntil || !cs[1].ConvictionPoliticallyMotivated || !bytes.Equal(cs[1].PoliticalMotivationReasons, []byte{3}) || cs[1].ValidUntil != (haven.Date{}) {
			t.Errorf("checks = %+v", cs)
		}
		ds, err := tx.FindDecisions(ctx, "case_1")
		if err != nil {
			return err
		}
		if len(ds) != 1 || ds[0].NoticeOrgID != f.unhcr.ID || !ds[0].NoticeAt.Equal(t0) || ds[0].ExcludedMembers[0] != ms[1].ID {
			t.Errorf("decisions = %+v", ds)
		}
		gt, err := tx.FindTravel(ctx, "case_1")
		if err != nil {
			return err
		}
		if gt.Date != tr.Date || !gt.TransportationLoan || !bytes.Equal(gt.Itinerary, []byte{5}) {
			t.Errorf("travel = %+v", gt)
		}
		ga, err := tx.FindArrival(ctx, "case_1")
		if err != nil {
			return err
		}
		if *ga != *ar {
			t.Errorf("arrival = %+v, want %+v", ga, ar)
		}
		ns, err := tx.FindCaseNotes(ctx, "case_1")
		if err != nil {
			return err
		}
		if len(ns) != 1 || ns[0].ID != "note_1" || ns[0].Event != haven.EventHold || ns[0].AuthorID != f.user.ID || ns[0].OrgID != f.visa.ID ||
			!ns[0].At.Equal(t0) || !bytes.Equal(ns[0].Text, []byte{6, 6}) {
			t.Errorf("notes = %+v", ns)
		}
		_, err = tx.FindTravel(ctx, "case_x")
		wantCode(t, err, haven.ENOTFOUND)
		return nil
	})
}

func appendEvent(ctx context.Context, tx store.Tx, i int) error {
	return tx.AppendAudit(ctx, &haven.AuditEvent{At: t0.Add(time.Duration(i) * time.Minute), ActorID: "usr_1", ActorOrgID: "org_visa", Action: "case.test",
		ObjectType: "case", ObjectID: haven.ID(fmt.Sprintf("case_%d", i)), CaseID: haven.ID(fmt.Sprintf("case_%d", i)), Detail: `{"n":1}`,
		Decision: "allow", PolicyIDs: []string{"visa-office-processes", "default"}, RequestID: fmt.Sprintf("req-%d", i)})
}

func testAuditSequence(t *testing.T, s store.Store) {
	ctx := context.Background()
	for i := range 5 {
		update(t, s, func(tx store.Tx) error { return appendEvent(ctx, tx, i) })
	}
	view(t, s, func(tx store.Tx) error {
		es, err := tx.FindAudit(ctx, 0, 100)
		if err != nil {
			return err
		}
		if len(es) != 5 {
			t.Fatalf("%d events", len(es))
		}
		for i, e := range es {
			if e.Seq != int64(i+1) || e.ObjectID != haven.ID(fmt.Sprintf("case_%d", i)) || e.Detail != `{"n":1}` || !e.At.Equal(t0.Add(time.Duration(i)*time.Minute)) ||
				e.Decision != "allow" || len(e.PolicyIDs) != 2 || e.PolicyIDs[1] != "default" || e.RequestID != fmt.Sprintf("req-%d", i) {
				t.Errorf("event %d = %+v", i, e)
			}
		}
		by, err := tx.FindAuditByActor(ctx, "usr_1", t0.Add(time.Minute), t0.Add(3*time.Minute))
		if err != nil {
			return err
		}
		if len(by) != 2 || by[0].Seq != 2 || by[1].Seq != 3 {
			t.Errorf("events by actor in a window = %+v", by)
		}
		es, err = tx.FindAudit(ctx, 3, 1)
		if err != nil {
			return err
		}
		if len(es) != 1 || es[0].Seq != 4 {
			t.Errorf("page after 3 = %+v", es)
		}
		return nil
	})
}

// testAuditConcurrent appends from many goroutines, some of whose
// transactions roll back: committed sequence numbers stay gap-free.
func testAuditConcurrent(t *testing.T, s store.Store) {
	ctx := context.Background()
	const n = 40
	var wg sync.WaitGroup
	errFail := errors.New("roll back")
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			err := s.Update(ctx, func(tx store.Tx) error {
				if err := appendEvent(ctx, tx, i); err != nil {
					return err
				}
				if i%4 == 0 {
					return errFail
				}
				return nil
			})
			if err != nil && !errors.Is(err, errFail) {
				t.Errorf("append %d: %v", i, err)
			}
		}()
	}
	wg.Wait()
	view(t, s, func(tx store.Tx) error {
		es, err := tx.FindAudit(ctx, 0, 1000)
		if err != nil {
			return err
		}
		if len(es) != n-n/4 {
			t.Fatalf("%d events, want %d", len(es), n-n/4)
		}
		for i, e := range es {
			if e.Seq != int64(i+1) {
				t.Fatalf("event %d has seq %d: the sequence has a gap", i, e.Seq)
			}
		}
		return nil
	})
}

func testRollback(t *testing.T, s store.Store) {
	f := seed(t, s)
	ctx := context.Background()
	boom := errors.New("boom")
	err := s.Update(ctx, func(tx store.Tx) error {
		if err := tx.CreateCase(ctx, newCase("case_1", f, haven.PriorityNormal, t0)); err != nil {
			return err
		}
		if err := appendEvent(ctx, tx, 1); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("Update returned %v, want the callback's error", err)
	}
	view(t, s, func(tx store.Tx) error {
		_, err := tx.FindCaseByID(ctx, "case_1", false)
		wantCode(t, err, haven.ENOTFOUND)
		es, err := tx.FindAudit(ctx, 0, 10)
		if err != nil {
			return err
		}
		if len(es) != 0 {
			t.Errorf("a rolled back transaction left %d audit events", len(es))
		}
		return nil
	})
}

func testViewReadOnly(t *testing.T, s store.Store) {
	ctx := context.Background()
	err := s.View(ctx, func(tx store.Tx) error { return tx.SetMeta(ctx, "k", "v") })
	if err == nil {
		t.Fatal("a write inside View succeeded")
	}
	err = s.View(ctx, func(tx store.Tx) error {
		_, err := tx.Meta(ctx, "k")
		return err
	})
	wantCode(t, err, haven.ENOTFOUND)
}

func testMeta(t *testing.T, s store.Store) {
	ctx := context.Background()
	update(t, s, func(tx store.Tx) error { return tx.SetMeta(ctx, "demo", "true") })
	update(t, s, func(tx store.Tx) error { return tx.SetMeta(ctx, "demo", "false") })
	view(t, s, func(tx store.Tx) error {
		v, err := tx.Meta(ctx, "demo")
		if err != nil {
			return err
		}
		if v != "false" {
			t.Errorf("meta = %q", v)
		}
		return nil
	})
}

func testAuditTree(t *testing.T, s store.Store) {
	ctx := context.Background()
	h := func(b byte) []byte { return bytes.Repeat([]byte{b}, 32) }
	update(t, s, func(tx store.Tx) error {
		if err := tx.PutAuditHashes(ctx, 0, [][]byte{h(1), h(2)}); err != nil {
			return err
		}
		if err := tx.PutAuditHashes(ctx, 2, [][]byte{h(3)}); err != nil {
			return err
		}
		for size, n := range []string{"", "note one", "note two"} {
			if size > 0 {
				if err := tx.PutAuditCheckpoint(ctx, int64(size), n); err != nil {
					return err
				}
			}
		}
		return nil
	})
	wantCode(t, s.Update(ctx, func(tx store.Tx) error { return tx.PutAuditHashes(ctx, 1, [][]byte{h(9)}) }), haven.ECONFLICT)
	wantCode(t, s.Update(ctx, func(tx store.Tx) error { return tx.PutAuditCheckpoint(ctx, 2, "again") }), haven.ECONFLICT)
	wantCode(t, s.Update(ctx, func(tx store.Tx) error { return tx.PutAuditHashes(ctx, 7, [][]byte{{1, 2}}) }), haven.ECONFLICT)
	view(t, s, func(tx store.Tx) error {
		got, err := tx.ReadAuditHashes(ctx, []int64{2, 0, 1})
		if err != nil {
			return err
		}
		if !bytes.Equal(got[0], h(3)) || !bytes.Equal(got[1], h(1)) || !bytes.Equal(got[2], h(2)) {
			t.Errorf("hashes = %x", got)
		}
		_, err = tx.ReadAuditHashes(ctx, []int64{0, 5})
		wantCode(t, err, haven.ENOTFOUND)
		cps, err := tx.FindAuditCheckpoints(ctx, 0, 10)
		if err != nil {
			return err
		}
		if len(cps) != 2 || cps[0].Size != 1 || cps[1].Note != "note two" {
			t.Errorf("checkpoints = %+v", cps)
		}
		cps, err = tx.FindAuditCheckpoints(ctx, 1, 10)
		if err != nil {
			return err
		}
		if len(cps) != 1 || cps[0].Size != 2 {
			t.Errorf("checkpoints after 1 = %+v", cps)
		}
		return nil
	})
}

// testCaseAudit: a case's acts come in order, only the case's, only those
// allowed, only of the actions asked, a page from an offset; the count is
// of them all.
func testCaseAudit(t *testing.T, s store.Store) {
	ctx := context.Background()
	events := []*haven.AuditEvent{
		{CaseID: "case_a", Action: "case.refer", Decision: "allow"},
		{CaseID: "case_b", Action: "case.refer", Decision: "allow"},
		{CaseID: "case_a", Action: "case.read", Decision: "allow"},
		{CaseID: "case_a", Action: "case.open_file", Decision: "deny"},
		{CaseID: "case_a", Action: "case.open_file", Decision: "allow"},
		{CaseID: "case_a", Action: "case.hold", Decision: "allow"},
		{CaseID: "case_a", Action: "case.resume", Decision: "allow"},
	}
	for i, e := range events {
		e.At, e.ActorID, e.ActorOrgID, e.ObjectType, e.ObjectID, e.Detail = t0.Add(time.Duration(i)*time.Minute), "usr_1", "org_visa", "case", e.CaseID, "{}"
		update(t, s, func(tx store.Tx) error { return tx.AppendAudit(ctx, e) })
	}
	acts := []string{"case.refer", "case.open_file", "case.hold", "case.resume"}
	seqs := func(es []*haven.AuditEvent) []int64 {
		var out []int64
		for _, e := range es {
			out = append(out, e.Seq)
		}
		return out
	}
	view(t, s, func(tx store.Tx) error {
		for _, tc := range []struct {
			name string
			f    store.CaseAuditFilter
			want []int64
		}{
			{"every act", store.CaseAuditFilter{CaseID: "case_a", Actions: acts, Limit: 10}, []int64{1, 5, 6, 7}},
			{"a page", store.CaseAuditFilter{CaseID: "case_a", Actions: acts, Offset: 2, Limit: 10}, []int64{6, 7}},
			{"the page before", store.CaseAuditFilter{CaseID: "case_a", Actions: acts, Limit: 2}, []int64{1, 5}},
			{"some actions", store.CaseAuditFilter{CaseID: "case_a", Actions: []string{"case.refer", "case.read"}, Limit: 10}, []int64{1, 3}},
			{"no actions", store.CaseAuditFilter{CaseID: "case_a", Limit: 10}, nil},
			{"another case", store.CaseAuditFilter{CaseID: "case_b", Actions: acts, Limit: 10}, []int64{2}},
			{"no such case", store.CaseAuditFilter{CaseID: "case_x", Actions: acts, Limit: 10}, nil},
		} {
			es, err := tx.FindCaseAudit(ctx, tc.f)
			if err != nil {
				return err
			}
			if got := seqs(es); !slices.Equal(got, tc.want) {
				t.Errorf("%s: seqs %v, want %v", tc.name, got, tc.want)
			}
			f := tc.f
			f.Offset, f.Limit = 0, 0
			n, err := tx.CountCaseAudit(ctx, f)
			if err != nil {
				return err
			}
			if full := tc.f; full.Offset == 0 && full.Limit >= 10 && n != len(tc.want) {
				t.Errorf("%s: count %d, want %d", tc.name, n, len(tc.want))
			}
		}
		return nil
	})
}
