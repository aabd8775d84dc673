package app_test

import (
	"maps"
	"slices"
	"testing"
	"time"

	"github.com/havenhrd/haven"
	"github.com/havenhrd/haven/internal/app"
	"github.com/havenhrd/haven/internal/testdb"
)

// work returns the actor's work counts by kind (checks_with:<org> for a
// partner holding checks), after checking that each count of cases is
// the total of its list and that list's every case, and that a check
// partner's count is its requests not yet recorded.
func (e *env) work(t *testing.T, a *app.App, actor haven.Actor) map[string]int {
	t.Helper()
	w := must[*haven.WorkCounts](t)(a.Cases.CountWork(e.ctx, actor))
	if w.AsOf != haven.DateOf(e.clock.Now()) {
		t.Errorf("counted as of %s on %s", w.AsOf, e.clock.Now())
	}
	out := map[string]int{}
	for _, c := range w.Counts {
		key := string(c.Kind)
		if c.Kind == haven.WorkChecksWith {
			key += ":" + string(c.OrgID)
		}
		if _, dup := out[key]; dup {
			t.Errorf("%s counted twice", key)
		}
		out[key] = c.Count
		if c.Kind == haven.WorkCheckRequests {
			if c.Cases != nil {
				t.Errorf("check requests carry a list of cases: %+v", c.Cases)
			}
			rs := must[[]*haven.CheckRequest](t)(a.Cases.FindCheckRequests(e.ctx, actor))
			n := 0
			for _, r := range rs {
				if !r.Recorded {
					n++
				}
			}
			if n != c.Count {
				t.Errorf("%d check requests counted, %d not recorded listed", c.Count, n)
			}
			continue
		}
		if c.Cases == nil {
			t.Fatalf("%s carries no list", key)
		}
		p := must[*haven.CasePage](t)(a.Cases.FindCasePage(e.ctx, actor, *c.Cases))
		if p.Total != c.Count || len(p.Cases) != c.Count {
			t.Errorf("%s: %d counted, the list %+v holds %d of %d", key, c.Count, *c.Cases, len(p.Cases), p.Total)
		}
	}
	return out
}

// wantWork fails unless the actor's counts are exactly want.
func (e *env) wantWork(t *testing.T, who string, actor haven.Actor, want map[string]int) {
	t.Helper()
	if got := e.work(t, e.app, actor); !maps.Equal(got, want) {
		t.Errorf("%s counts %v, want %v", who, got, want)
	}
}

// referAs refers c as actor.
func (e *env) referAs(t *testing.T, actor haven.Actor, c *haven.Case) *haven.Case {
	t.Helper()
	noErr(t, e.app.Cases.CreateReferral(e.ctx, actor, c))
	return c
}

// TestCountWorkDeadlines: the visa office and each referring partner count
// the open cases past their stage deadline and those due within a week
// (today and today+7 counted, today+8 not), each partner its own alone; the lists
// behind the counts hold exactly the cases counted; the organisations that
// see no deadline have no such count.
func TestCountWorkDeadlines(t *testing.T) {
	forEngine(t, func(t *testing.T, e *env) {
		day := 24 * time.Hour
		other := e.otherReferrer(t)
		// A normal file stage has 30 days, an urgent one 3.
		late := e.refer(t, referral("Late", 1, haven.PriorityNormal)) // due day 30
		e.referAs(t, other, referral("TheirsLate", 1, haven.PriorityNormal))
		gone := e.refer(t, referral("Gone", 1, haven.PriorityNormal)) // withdrawn: not open
		must[*haven.Case](t)(e.app.Cases.Withdraw(e.ctx, e.unhcr, gone.ID, "The family is safe elsewhere."))
		e.clock.Add(day)
		today := e.refer(t, referral("Today", 1, haven.PriorityNormal)) // due day 31
		e.clock.Add(7 * day)
		week := e.refer(t, referral("Week", 1, haven.PriorityNormal)) // due day 38
		e.clock.Add(day)
		eight := e.refer(t, referral("Eight", 1, haven.PriorityNormal)) // due day 39
		e.clock.Add(22 * day)                                           // day 31
		soon := e.refer(t, referral("Soon", 1, haven.PriorityUrgent))   // due day 34
		theirsSoon := e.referAs(t, other, referral("TheirsSoon", 1, haven.PriorityUrgent))
		e.refer(t, referral("Later", 1, haven.PriorityNormal)) // due day 61
		for _, c := range []*haven.Case{late, today, week, eight} {
			got := must[*haven.Case](t)(e.app.Cases.FindCaseByID(e.ctx, e.visa, c.ID))
			c.CaseClock = got.CaseClock
		}
		now := haven.DateOf(e.clock.Now())
		if late.StageDue != now.AddDays(-1) || today.StageDue != now || week.StageDue != now.AddDays(haven.DueSoonDays) ||
			eight.StageDue != now.AddDays(haven.DueSoonDays+1) {
			t.Fatalf("deadlines %s %s %s %s on %s", late.StageDue, today.StageDue, week.StageDue, eight.StageDue, now)
		}

		e.wantWork(t, "the visa office", e.visa, map[string]int{"overdue": 2, "due_soon": 4, "awaiting_information": 0, "awaiting_checks": 0})
		e.wantWork(t, "UNHCR", e.unhcr, map[string]int{"overdue": 1, "due_soon": 3, "awaiting_information": 0})
		e.wantWork(t, "the other referral partner", other, map[string]int{"overdue": 1, "due_soon": 1, "awaiting_information": 0})
		e.wantWork(t, "the protection partner", e.fld, map[string]int{"overdue": 0, "due_soon": 0, "awaiting_information": 0})
		e.wantWork(t, "the settlement organisation", e.settlement, map[string]int{"follow_ups_due": 0})
		e.wantWork(t, "the screening partner", e.screening, map[string]int{"check_requests": 0})
		e.wantWork(t, "the medical partner", e.medical, map[string]int{"check_requests": 0})
		e.wantWork(t, "the programme's administration", e.admin, map[string]int{})

		// The lists are those cases, on the partner's side too.
		ids := func(actor haven.Actor, f app.CaseFilter) []haven.ID {
			p := must[*haven.CasePage](t)(e.app.Cases.FindCasePage(e.ctx, actor, f))
			var out []haven.ID
			for _, c := range p.Cases {
				out = append(out, c.ID)
			}
			slices.Sort(out)
			return out
		}
		sorted := func(ids ...haven.ID) []haven.ID { slices.Sort(ids); return ids }
		if got, want := ids(e.unhcr, app.CaseFilter{Overdue: true}), sorted(late.ID); !slices.Equal(got, want) {
			t.Errorf("UNHCR's overdue cases %v, want %v", got, want)
		}
		if got, want := ids(e.unhcr, app.CaseFilter{DueWithin: haven.DueSoonDays}), sorted(today.ID, week.ID, soon.ID); !slices.Equal(got, want) {
			t.Errorf("UNHCR's cases due this week %v, want %v", got, want)
		}
		if got, want := ids(e.visa, app.CaseFilter{DueWithin: 8}), sorted(today.ID, soon.ID, theirsSoon.ID, week.ID, eight.ID); !slices.Equal(got, want) {
			t.Errorf("the visa office's cases due in 8 days %v, want %v", got, want)
		}
		// A deadline follows from the priority: no filter on it for whom
		// sees none; a span out of bounds is refused.
		_, err := e.app.Cases.FindCasePage(e.ctx, e.settlement, app.CaseFilter{DueWithin: 7})
		wantCode(t, err, haven.EFORBIDDEN)
		for _, n := range []int{-1, haven.MaxDueWithin + 1} {
			_, err := e.app.Cases.FindCasePage(e.ctx, e.visa, app.CaseFilter{DueWithin: n})
			wantCode(t, err, haven.EINVALID)
			if fs := haven.FieldsOf(err); len(fs) != 1 || fs[0].Field != "due_within" {
				t.Errorf("due within %d: %v", n, fs)
			}
		}
	})
}

// TestCountWorkInformationAndChecks: the visa office counts the cases
// waiting on a referring partner's answer and on the check partners, and
// for each partner the cases whose checks it holds (a result on hold is
// held, a later result is not); a referring partner counts the requests
// awaiting its own answer; a check partner its own requests not yet
// recorded. The lists hold those cases, and counting writes nothing.
func TestCountWorkInformationAndChecks(t *testing.T) {
	forEngine(t, func(t *testing.T, e *env) {
		m := must[*haven.Case](t)
		other := e.otherReferrer(t)
		asked := e.refer(t, referral("Asked", 1, haven.PriorityNormal))
		theirs := e.referAs(t, other, referral("TheirsAsked", 1, haven.PriorityNormal))
		// A case from the protection partner's nomination, referred by
		// UNHCR: the request waits on UNHCR's answer, not the nominating
		// partner's, though it reads the case's status.
		n := &haven.Nomination{ReferralOrgID: e.orgs[haven.OrgReferralPartner].ID, DefenderName: "Defender Asked",
			RiskAssessment: "High", RecommendedPriority: haven.PriorityNormal, NationalityCountries: []string{"BY"}, AsylumCountry: "LT", FamilySize: 1}
		noErr(t, e.app.Nominations.CreateNomination(e.ctx, e.fld, n))
		must[*haven.Nomination](t)(e.app.Nominations.ReviewNomination(e.ctx, e.unhcr, n.ID))
		nominated := referral("Nominated", 1, haven.PriorityNormal)
		nominated.NominationID = n.ID
		e.refer(t, nominated)
		for _, c := range []*haven.Case{asked, theirs, nominated} {
			m(e.app.Cases.RequestInfo(e.ctx, e.visa, c.ID, "Which camp is the family in now?"))
		}
		if p := must[*haven.CasePage](t)(e.app.Cases.FindCasePage(e.ctx, e.fld, app.CaseFilter{Turn: haven.PartyReferringPartner})); p.Total != 1 {
			t.Fatalf("the nominating partner reads %d cases waiting on the referring partner", p.Total)
		}
		// Both check partners hold "both" until the medical checks are
		// passed (after one on hold); the medical partner holds "medical"
		// (one member on hold, one without a result); nobody holds
		// "unassigned", which still waits on checks.
		both := e.inAdmissibility(t, e.refer(t, referral("Both", 2, haven.PriorityNormal)))
		e.assignAll(t, both)
		medical := e.inAdmissibility(t, e.refer(t, referral("Medical", 2, haven.PriorityNormal)))
		m(e.app.Cases.AssignChecks(e.ctx, e.visa, medical.ID, e.orgs[haven.OrgMedicalPartner].ID, []haven.ID{medical.Members[0].ID, medical.Members[1].ID}))
		unassigned := e.inAdmissibility(t, e.refer(t, referral("Unassigned", 1, haven.PriorityNormal)))
		med, scr := e.orgs[haven.OrgMedicalPartner].ID, e.orgs[haven.OrgScreeningPartner].ID
		e.wantWork(t, "the visa office, before any check", e.visa, map[string]int{"overdue": 0, "due_soon": 0, "awaiting_information": 3,
			"awaiting_checks": 3, "checks_with:" + string(med): 2, "checks_with:" + string(scr): 1})

		valid := haven.DateOf(e.clock.Now().AddDate(1, 0, 0))
		e.clock.Add(time.Minute)
		for _, mb := range both.Travellers() {
			m(e.app.Cases.RecordCheck(e.ctx, e.medical, both.ID, &haven.Check{MemberID: mb.ID, Kind: haven.CheckMedical, Result: haven.ResultOnHold, Details: "X-ray to repeat"}))
		}
		m(e.app.Cases.RecordCheck(e.ctx, e.medical, medical.ID, &haven.Check{MemberID: medical.Members[0].ID, Kind: haven.CheckMedical, Result: haven.ResultOnHold, Details: "X-ray to repeat"}))
		e.clock.Add(time.Minute)
		for _, mb := range both.Travellers() {
			m(e.app.Cases.RecordCheck(e.ctx, e.visa, both.ID, &haven.Check{MemberID: mb.ID, Kind: haven.CheckMedical, Result: haven.ResultPassed, ValidUntil: valid, Details: "IME clear"}))
		}
		visa := map[string]int{"overdue": 0, "due_soon": 0, "awaiting_information": 3, "awaiting_checks": 3,
			"checks_with:" + string(med): 1, "checks_with:" + string(scr): 1}
		e.wantWork(t, "the visa office", e.visa, visa)
		e.wantWork(t, "UNHCR", e.unhcr, map[string]int{"overdue": 0, "due_soon": 0, "awaiting_information": 2})
		e.wantWork(t, "the protection partner", e.fld, map[string]int{"overdue": 0, "due_soon": 0, "awaiting_information": 0})
		e.wantWork(t, "the other referral partner", other, map[string]int{"overdue": 0, "due_soon": 0, "awaiting_information": 1})
		// The screening partner has all of "both" to examine; the medical
		// partner recorded "both" (its later passes by the visa office
		// are not its own, its holds are) and one member of "medical".
		e.wantWork(t, "the screening partner", e.screening, map[string]int{"check_requests": 2})
		e.wantWork(t, "the medical partner", e.medical, map[string]int{"check_requests": 1})

		// A request is answered once every kind the partner records is:
		// one screening check of two leaves the member to examine. A
		// member assigned again is asked again: what the partner recorded
		// before no longer answers.
		m(e.app.Cases.RecordCheck(e.ctx, e.screening, both.ID, &haven.Check{MemberID: both.Members[0].ID, Kind: haven.CheckSecurity, Result: haven.ResultPassed}))
		e.clock.Add(time.Minute)
		m(e.app.Cases.AssignChecks(e.ctx, e.visa, both.ID, med, []haven.ID{both.Members[0].ID}))
		e.wantWork(t, "the screening partner, one check of two", e.screening, map[string]int{"check_requests": 2})
		e.wantWork(t, "the medical partner, asked again", e.medical, map[string]int{"check_requests": 2})

		lists := map[string]app.CaseFilter{
			"awaiting checks":     {Turn: haven.PartyCheckPartners},
			"checks with medical": {ChecksWith: med},
			"awaiting an answer":  {Turn: haven.PartyReferringPartner},
		}
		want := map[string][]haven.ID{
			"awaiting checks":     {both.ID, medical.ID, unassigned.ID},
			"checks with medical": {medical.ID},
			"awaiting an answer":  {asked.ID, theirs.ID, nominated.ID},
		}
		for name, f := range lists {
			p := must[*haven.CasePage](t)(e.app.Cases.FindCasePage(e.ctx, e.visa, f))
			var got []haven.ID
			for _, c := range p.Cases {
				got = append(got, c.ID)
			}
			slices.Sort(got)
			slices.Sort(want[name])
			if !slices.Equal(got, want[name]) {
				t.Errorf("%s: %v, want %v", name, got, want[name])
			}
		}
		// Who holds the checks is the visa office's to know; a filter by
		// an organisation that holds none is refused as a bad value.
		_, err := e.app.Cases.FindCasePage(e.ctx, e.unhcr, app.CaseFilter{ChecksWith: med})
		wantCode(t, err, haven.EFORBIDDEN)
		_, err = e.app.Cases.FindCasePage(e.ctx, e.visa, app.CaseFilter{ChecksWith: e.orgs[haven.OrgReferralPartner].ID})
		wantCode(t, err, haven.EINVALID)

		// Once the screening partner has recorded its checks, it holds
		// nothing and drops out of the list of partners.
		for _, mb := range both.Travellers() {
			m(e.app.Cases.RecordCheck(e.ctx, e.screening, both.ID, &haven.Check{MemberID: mb.ID, Kind: haven.CheckSecurity, Result: haven.ResultPassed}))
			m(e.app.Cases.RecordCheck(e.ctx, e.screening, both.ID, &haven.Check{MemberID: mb.ID, Kind: haven.CheckCriminality, Result: haven.ResultPassed}))
		}
		delete(visa, "checks_with:"+string(scr))
		visa["awaiting_checks"] = 2
		e.wantWork(t, "the visa office, the screening done", e.visa, visa)
		e.wantWork(t, "the screening partner, done", e.screening, map[string]int{"check_requests": 0})

		// Counting writes nothing, for any reader: no row, no audit event,
		// no write transaction.
		a, cs := e.counted(t)
		before, updates := testdb.Rows(t, e.store), cs.updates.Load()
		for _, actor := range []haven.Actor{e.visa, e.unhcr, other, e.fld, e.screening, e.medical, e.settlement, e.admin} {
			must[*haven.WorkCounts](t)(a.Cases.CountWork(e.ctx, actor))
		}
		wantChanged(t, "counting the work", before, testdb.Rows(t, e.store))
		if n := cs.updates.Load() - updates; n != 0 {
			t.Fatalf("counting the work opened %d write transactions", n)
		}
	})
}

// TestCountWorkFollowUps: a settlement organisation counts its families
// with a follow-up due by the end of the month and not held (a family that
// arrived on the 31st of the month before has its one-month follow-up due
// on the last day of this one; one that arrived on the 1st of this month,
// next month), not another organisation's, and not once the case is
// closed; the list behind the count holds those cases.
func TestCountWorkFollowUps(t *testing.T) {
	forEngine(t, func(t *testing.T, e *env) {
		m := must[*haven.Case](t)
		day := 24 * time.Hour
		otherOrg := &haven.Organisation{Kind: haven.OrgSettlementOrganisation, Name: "Another settlement organisation", Country: "CA"}
		noErr(t, e.app.Programme.CreateOrganisation(e.ctx, e.admin, otherOrg))
		u := &haven.User{OrgID: otherOrg.ID, Role: haven.RoleCaseworker, Username: "other-settler", DisplayName: "Other settler"}
		must[string](t)(e.app.Programme.CreateUser(e.ctx, e.admin, u))
		other := haven.Actor{UserID: u.ID}

		march, lastOfMarch, april := e.placed(t, "March"), e.placed(t, "LastOfMarch"), e.placed(t, "April")
		theirs := e.refer(t, referral("Theirs", 1, haven.PriorityUrgent))
		theirs = e.admissible(t, theirs)
		m(e.app.Cases.Approve(e.ctx, e.visa, theirs.ID, app.ApproveInput{}))
		m(e.app.Cases.AssignSettlement(e.ctx, e.visa, theirs.ID, otherOrg.ID))
		arrive := func(cs ...*haven.Case) {
			for _, c := range cs {
				d := haven.DateOf(e.clock.Now())
				m(e.app.Cases.BookTravel(e.ctx, e.visa, c.ID, &haven.Travel{Date: d}))
				m(e.app.Cases.RecordArrival(e.ctx, e.visa, c.ID, &haven.Arrival{Date: d, PortOfEntry: "YUL"}))
			}
		}
		arrive(march, theirs) // 2026-03-02: due 2026-04-02
		setClock(e, time.Date(2026, 3, 31, 9, 0, 0, 0, time.UTC))
		arrive(lastOfMarch) // due 2026-04-30
		e.clock.Add(day)
		arrive(april) // due 2026-05-01
		e.clock.Add(9 * day)
		if now := haven.DateOf(e.clock.Now()).String(); now != "2026-04-10" {
			t.Fatalf("today is %s", now)
		}
		e.wantWork(t, "the settlement organisation", e.settlement, map[string]int{"follow_ups_due": 2})
		e.wantWork(t, "the other settlement organisation", other, map[string]int{"follow_ups_due": 1})
		// The visa office reads the plans but does not keep them.
		if _, ok := e.work(t, e.app, e.visa)["follow_ups_due"]; ok {
			t.Error("the visa office counts follow-ups")
		}

		m(e.app.Cases.RecordFollowUp(e.ctx, e.settlement, march.ID, &haven.FollowUp{Month: 1, Held: haven.DateOf(e.clock.Now())}))
		e.wantWork(t, "the settlement organisation, one held", e.settlement, map[string]int{"follow_ups_due": 1})
		p := must[*haven.CasePage](t)(e.app.Cases.FindCasePage(e.ctx, e.settlement, app.CaseFilter{FollowUpDue: true}))
		if p.Total != 1 || len(p.Cases) != 1 || p.Cases[0].ID != lastOfMarch.ID {
			t.Fatalf("the follow-ups due: %d %+v", p.Total, p.Cases)
		}
		// The month on, the next month's follow-up falls due.
		setClock(e, time.Date(2026, 5, 1, 9, 0, 0, 0, time.UTC))
		e.wantWork(t, "the settlement organisation in May", e.settlement, map[string]int{"follow_ups_due": 2})
		// A closed case's plan is a record, no longer work.
		m(e.app.Cases.BeginSettlement(e.ctx, e.settlement, lastOfMarch.ID))
		m(e.app.Cases.Close(e.ctx, e.settlement, lastOfMarch.ID))
		e.wantWork(t, "the settlement organisation, one closed", e.settlement, map[string]int{"follow_ups_due": 1})
		// A referring partner sees no plan: no filter on it.
		_, err := e.app.Cases.FindCasePage(e.ctx, e.unhcr, app.CaseFilter{FollowUpDue: true})
		wantCode(t, err, haven.EFORBIDDEN)
	})
}

// TestFollowUpsDueBy: the arrival bounds the store selects by agree with
// the due dates of the plan (haven.Date.AddMonths, which keeps a follow-up
// in its month): for every arrival over two years and every day of a year,
// a follow-up is selected exactly when it is due by the end of that day's
// month.
func TestFollowUpsDueBy(t *testing.T) {
	first := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	for today := first.AddDate(1, 0, 0); today.Year() == 2026; today = today.AddDate(0, 0, 1) {
		end := haven.DateOf(time.Date(today.Year(), today.Month()+1, 0, 0, 0, 0, 0, time.UTC))
		due := app.FollowUpsDueBy(haven.DateOf(today))
		if len(due) != len(haven.FollowUpMonths) {
			t.Fatalf("%s: %d follow-ups", today, len(due))
		}
		for arrived := first; arrived.Before(first.AddDate(2, 0, 0)); arrived = arrived.AddDate(0, 0, 1) {
			a := haven.DateOf(arrived)
			for i, n := range haven.FollowUpMonths {
				if due[i].Month != n {
					t.Fatalf("follow-up %d is month %d", i, due[i].Month)
				}
				want := !a.AddMonths(n).After(end)
				if got := a.Before(due[i].ArrivedBefore); got != want {
					t.Fatalf("today %s, arrived %s, month %d: selected %v, due %s", haven.DateOf(today), a, n, got, a.AddMonths(n))
				}
			}
		}
	}
}
