package app_test

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/havenhrd/haven"
	"github.com/havenhrd/haven/internal/app"
	"github.com/havenhrd/haven/internal/testdb"
)

// corrupt overwrites a member's sealed family name with bytes that cannot
// be opened: any read that decrypts the member fails from then on.
func (e *env) corrupt(t testing.TB, member haven.ID) {
	t.Helper()
	testdb.Exec(t, e.store, `UPDATE members SET family_name_enc = $1 WHERE id = $2`, []byte("not a sealed value, cannot be opened"), member)
}

func memberIDsOf(c *haven.Case) []haven.ID {
	var out []haven.ID
	for _, m := range c.Members {
		out = append(out, m.ID)
	}
	return out
}

// TestCheckPartnerSeesOnlyItsMembers: a medical partner assigned to some
// members of a case gets, after recording a check and on reading, those
// members alone and only their medicals; the other members are never even
// decrypted (their sealed names are corrupt, and the reads still succeed).
func TestCheckPartnerSeesOnlyItsMembers(t *testing.T) {
	forEngine(t, func(t *testing.T, e *env) {
		m := must[*haven.Case](t)
		c := e.inAdmissibility(t, e.refer(t, referral("Partial", 3, haven.PriorityEmergency)))
		a, b, other := c.Members[0], c.Members[1], c.Members[2]
		m(e.app.Cases.AssignChecks(e.ctx, e.visa, c.ID, e.orgs[haven.OrgMedicalPartner].ID, []haven.ID{a.ID, b.ID}))
		m(e.app.Cases.AssignChecks(e.ctx, e.visa, c.ID, e.orgs[haven.OrgScreeningPartner].ID, memberIDsOf(c)))
		// Records of others: a screening of a and of other, a medical of
		// other by the visa office.
		m(e.app.Cases.RecordCheck(e.ctx, e.screening, c.ID, &haven.Check{MemberID: a.ID, Kind: haven.CheckSecurity, Result: haven.ResultPassed}))
		m(e.app.Cases.RecordCheck(e.ctx, e.screening, c.ID, &haven.Check{MemberID: other.ID, Kind: haven.CheckSecurity, Result: haven.ResultPassed}))
		m(e.app.Cases.RecordCheck(e.ctx, e.visa, c.ID, &haven.Check{MemberID: other.ID, Kind: haven.CheckMedical, Result: haven.ResultFailed, Details: "Other's IME"}))
		e.corrupt(t, other.ID)
		// The control: a read that opens the corrupt member fails.
		_, err := e.app.Cases.FindCaseByID(e.ctx, e.visa, c.ID)
		if err == nil {
			t.Fatal("the visa office read a corrupt member: the control does not bite")
		}
		check := func(what string, got *haven.Case) {
			t.Helper()
			if ids := memberIDsOf(got); !slices.Equal(ids, []haven.ID{a.ID, b.ID}) {
				t.Fatalf("%s: members %v, want %v", what, ids, []haven.ID{a.ID, b.ID})
			}
			for _, mm := range got.Members {
				if mm.FamilyName == "" || mm.Contact != "" || mm.Whereabouts != "" || mm.ConfidentialNotes != "" || mm.Relationship != "" {
					t.Fatalf("%s: member %+v", what, mm)
				}
			}
			for _, ch := range got.Checks {
				if ch.Kind != haven.CheckMedical || (ch.MemberID != a.ID && ch.MemberID != b.ID) || ch.Details != "" {
					t.Fatalf("%s: a check it may not see: %+v", what, ch)
				}
			}
			if got.PersecutionAccount != "" || got.UNHCRNumber != "" || got.State != "" || got.Travel != nil || len(got.Decisions) != 0 {
				t.Fatalf("%s: case fields outside its view: %+v", what, got)
			}
			if got.ProcessingPriority != haven.PriorityEmergency || got.SubmissionPriority != "" {
				t.Fatalf("%s: priorities %q %q, want the processing priority alone", what, got.ProcessingPriority, got.SubmissionPriority)
			}
		}
		got := m(e.app.Cases.RecordCheck(e.ctx, e.medical, c.ID, &haven.Check{MemberID: a.ID, Kind: haven.CheckMedical, Result: haven.ResultPassed,
			ValidUntil: haven.DateOf(e.clock.Now().AddDate(1, 0, 0)), Details: "IME clear"}))
		check("after recording", got)
		if len(got.Checks) != 1 || got.Checks[0].MemberID != a.ID {
			t.Fatalf("after recording: checks %+v", got.Checks)
		}
		check("on reading", m(e.app.Cases.FindCaseByID(e.ctx, e.medical, c.ID)))
		work := must[[]*haven.Case](t)(e.app.Cases.FindAssignedWork(e.ctx, e.medical))
		if len(work) != 1 {
			t.Fatalf("assigned work: %d cases", len(work))
		}
		check("in its assigned work", work[0])

		// Its work list names the members, the kind and the priority.
		reqs := must[[]*haven.CheckRequest](t)(e.app.Cases.FindCheckRequests(e.ctx, e.medical))
		if len(reqs) != 2 || reqs[0].MemberID != a.ID || !reqs[0].Recorded || reqs[1].MemberID != b.ID || reqs[1].Recorded ||
			reqs[0].Priority != haven.PriorityEmergency || reqs[0].Due == nil || !slices.Equal(reqs[0].Kinds, []haven.CheckKind{haven.CheckMedical}) {
			t.Fatalf("check requests = %+v %+v", reqs[0], reqs[len(reqs)-1])
		}
		if _, err := e.app.Cases.FindCheckRequests(e.ctx, e.unhcr); haven.ErrorCodeOf(err) != haven.EFORBIDDEN {
			t.Fatalf("a referral partner's check requests: %v", err)
		}
	})
}

// TestCheckOnACaseOutOfReach: recording a check, or reading, on a case the
// partner cannot reach answers exactly as on a case that does not exist,
// whatever member is named.
func TestCheckOnACaseOutOfReach(t *testing.T) {
	forEngine(t, func(t *testing.T, e *env) {
		m := must[*haven.Case](t)
		mine := e.inAdmissibility(t, e.refer(t, referral("Mine", 1, haven.PriorityNormal)))
		theirs := e.inAdmissibility(t, e.refer(t, referral("Theirs", 2, haven.PriorityNormal)))
		m(e.app.Cases.AssignChecks(e.ctx, e.visa, mine.ID, e.orgs[haven.OrgMedicalPartner].ID, memberIDsOf(mine)))
		ch := func(member haven.ID) *haven.Check {
			return &haven.Check{MemberID: member, Kind: haven.CheckMedical, Result: haven.ResultPassed, ValidUntil: haven.Date{Year: 2027, Month: 1, Day: 1}}
		}
		_, want := e.app.Cases.RecordCheck(e.ctx, e.medical, "case_doesnotexist", ch(mine.Members[0].ID))
		wantCode(t, want, haven.ENOTFOUND)
		for name, try := range map[string]func() error{
			"another's case, its member": func() error {
				_, err := e.app.Cases.RecordCheck(e.ctx, e.medical, theirs.ID, ch(theirs.Members[0].ID))
				return err
			},
			"another's case, an assigned member of another case": func() error {
				_, err := e.app.Cases.RecordCheck(e.ctx, e.medical, theirs.ID, ch(mine.Members[0].ID))
				return err
			},
			"another's case, no such member": func() error {
				_, err := e.app.Cases.RecordCheck(e.ctx, e.medical, theirs.ID, ch("mem_doesnotexist"))
				return err
			},
			"its case, no such member": func() error {
				_, err := e.app.Cases.RecordCheck(e.ctx, e.medical, mine.ID, ch("mem_doesnotexist"))
				return err
			},
			"its case, another case's member": func() error {
				_, err := e.app.Cases.RecordCheck(e.ctx, e.medical, mine.ID, ch(theirs.Members[1].ID))
				return err
			},
			"reading another's case": func() error {
				_, err := e.app.Cases.FindCaseByID(e.ctx, e.medical, theirs.ID)
				return err
			},
		} {
			if err := try(); fmt.Sprint(err) != fmt.Sprint(want) {
				t.Errorf("%s: %v, want %v", name, err, want)
			}
		}
		_, err := e.app.Cases.FindCaseByID(e.ctx, e.medical, "case_doesnotexist")
		if fmt.Sprint(err) != fmt.Sprint(want) {
			t.Errorf("reading a missing case: %v, want %v", err, want)
		}
	})
}

// TestListsHoldOnlyWhatTheReaderReads: a list's total counts exactly the
// cases the reader may read, on every page; a filter on a field outside the
// reader's view is refused, or keeps only cases where the field shows; and
// the order ranks by no priority the reader may not see.
func TestListsHoldOnlyWhatTheReaderReads(t *testing.T) {
	forEngine(t, func(t *testing.T, e *env) {
		m := must[*haven.Case](t)
		settlementOrg := e.orgs[haven.OrgSettlementOrganisation].ID
		place := func(tag string) *haven.Case {
			c := e.admissible(t, e.refer(t, referral(tag, 1, haven.PriorityUrgent)))
			c = m(e.app.Cases.Approve(e.ctx, e.visa, c.ID, app.ApproveInput{}))
			return m(e.app.Cases.AssignSettlement(e.ctx, e.visa, c.ID, settlementOrg))
		}
		kept := place("Kept")
		gone := place("Gone")
		// Withdrawn after placement: the settlement organisation no longer
		// reads it, and it must not count.
		m(e.app.Cases.Withdraw(e.ctx, e.visa, gone.ID, "The family found protection elsewhere."))
		for _, limit := range []int{1, 10} {
			cs, total := must2(t)(e.app.Cases.FindCases(e.ctx, e.settlement, haven.CaseFilter{Limit: limit}))
			if total != 1 || len(cs) != 1 || cs[0].ID != kept.ID {
				t.Fatalf("settlement list (limit %d): total %d, %d cases", limit, total, len(cs))
			}
		}
		if _, total := must2(t)(e.app.Cases.FindCases(e.ctx, e.settlement, haven.CaseFilter{States: []haven.CaseState{haven.StateWithdrawn}})); total != 0 {
			t.Fatalf("withdrawn cases counted for the settlement organisation: %d", total)
		}
		// Filters on fields outside its view: refused, the field named.
		for field, f := range map[string]haven.CaseFilter{
			"priority":         {Priority: haven.PriorityUrgent},
			"country":          {Country: "IR"},
			"referring_org_id": {ReferringOrgID: e.orgs[haven.OrgReferralPartner].ID},
		} {
			_, _, err := e.app.Cases.FindCases(e.ctx, e.settlement, f)
			wantCode(t, err, haven.EFORBIDDEN)
			if fs := haven.FieldsOf(err); len(fs) != 1 || fs[0].Field != field {
				t.Fatalf("filter by %s: fields %v", field, fs)
			}
		}

		// A protection partner sees the status of the cases from its
		// nominations, not their priority: a filter by priority keeps none
		// of them, and they are listed by referral date alone.
		nominated := func(tag string, prio haven.Priority) *haven.Case {
			n := &haven.Nomination{ReferralOrgID: e.orgs[haven.OrgReferralPartner].ID, DefenderName: "Defender " + tag,
				RiskAssessment: "High", RecommendedPriority: prio, NationalityCountries: []string{"BY"}, AsylumCountry: "LT", FamilySize: 1}
			noErr(t, e.app.Nominations.CreateNomination(e.ctx, e.fld, n))
			must[*haven.Nomination](t)(e.app.Nominations.ReviewNomination(e.ctx, e.unhcr, n.ID))
			c := referral(tag, 1, prio)
			c.NominationID = n.ID
			e.clock.Add(time.Minute)
			return e.refer(t, c)
		}
		normal := nominated("NomNormal", haven.PriorityNormal)
		emergency := nominated("NomEmergency", haven.PriorityEmergency)
		cs, total := must2(t)(e.app.Cases.FindCases(e.ctx, e.fld, haven.CaseFilter{}))
		if total != 2 || cs[0].ID != normal.ID || cs[1].ID != emergency.ID || cs[1].ProcessingPriority != "" {
			t.Fatalf("the nominating partner's list: total %d, %v", total, memberIDsOfCases(cs))
		}
		if _, total := must2(t)(e.app.Cases.FindCases(e.ctx, e.fld, haven.CaseFilter{Priority: haven.PriorityEmergency})); total != 0 {
			t.Fatalf("the nominating partner learns a priority through a filter: %d", total)
		}
		// The visa office, which sees priorities, gets the work-queue order.
		cs, _ = must2(t)(e.app.Cases.FindCases(e.ctx, e.visa, haven.CaseFilter{States: []haven.CaseState{haven.StateReferred}}))
		if len(cs) != 2 || cs[0].ID != emergency.ID {
			t.Fatalf("the visa office's queue: %v", memberIDsOfCases(cs))
		}
	})
}

func memberIDsOfCases(cs []*haven.Case) []haven.ID {
	var out []haven.ID
	for _, c := range cs {
		out = append(out, c.ID)
	}
	return out
}

func must2(t testing.TB) func([]*haven.Case, int, error) ([]*haven.Case, int) {
	return func(cs []*haven.Case, n int, err error) ([]*haven.Case, int) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return cs, n
	}
}

// TestViewsNarrowedToNeedAndTime: the itinerary goes to the visa office
// and the settlement organisation receiving the family, not the referrer;
// family members who stay behind are not shown (nor opened) for the
// settlement organisation; the referrer's view of contact details,
// whereabouts and confidential notes ends at the year's handover time
// after arrival, and when the case is final.
func TestViewsNarrowedToNeedAndTime(t *testing.T) {
	forEngine(t, func(t *testing.T, e *env) {
		m := must[*haven.Case](t)
		c := referral("Narrow", 3, haven.PriorityUrgent)
		c.Members[2].Accompanying = false // stays behind
		c = e.admissible(t, e.refer(t, c))
		c = m(e.app.Cases.Approve(e.ctx, e.visa, c.ID, app.ApproveInput{}))
		c = m(e.app.Cases.AssignSettlement(e.ctx, e.visa, c.ID, e.orgs[haven.OrgSettlementOrganisation].ID))
		c = m(e.app.Cases.BookTravel(e.ctx, e.visa, c.ID, &haven.Travel{Date: haven.DateOf(e.clock.Now().AddDate(0, 0, 7)),
			Itinerary: "IST-YYZ, met at gate 4 by Narrow's hosts"}))
		e.clock.Add(7 * 24 * time.Hour)
		c = m(e.app.Cases.RecordArrival(e.ctx, e.visa, c.ID, &haven.Arrival{Date: haven.DateOf(e.clock.Now()), PortOfEntry: "YYZ"}))
		stays := c.Members[2].ID

		sv := m(e.app.Cases.FindCaseByID(e.ctx, e.settlement, c.ID))
		if sv.Travel == nil || sv.Travel.Itinerary == "" {
			t.Fatalf("the settlement organisation lacks the itinerary: %+v", sv.Travel)
		}
		if ids := memberIDsOf(sv); len(ids) != 2 || slices.Contains(ids, stays) {
			t.Fatalf("the settlement organisation sees members %v (%s stays behind)", ids, stays)
		}
		rv := m(e.app.Cases.FindCaseByID(e.ctx, e.unhcr, c.ID))
		if rv.Travel == nil || rv.Travel.Itinerary != "" || rv.Travel.Date.IsZero() {
			t.Fatalf("the referrer's travel: %+v", rv.Travel)
		}
		if len(rv.Members) != 3 || rv.Members[0].Contact == "" || rv.Members[0].Whereabouts == "" || rv.Members[1].ConfidentialNotes == "" {
			t.Fatalf("the referrer before handover: %+v", rv.Members[0])
		}

		// Handover: 29 days after arrival the referrer still reaches the
		// family; at 30 (the default rules), no longer.
		e.clock.Add(29 * 24 * time.Hour)
		if rv := m(e.app.Cases.FindCaseByID(e.ctx, e.unhcr, c.ID)); rv.Members[0].Contact == "" {
			t.Fatal("the referrer lost contact before the handover time")
		}
		e.clock.Add(24 * time.Hour)
		rv = m(e.app.Cases.FindCaseByID(e.ctx, e.unhcr, c.ID))
		for _, mm := range rv.Members {
			if mm.Contact != "" || mm.Whereabouts != "" || mm.ConfidentialNotes != "" {
				t.Fatalf("the referrer after handover: %+v", mm)
			}
		}
		if rv.Members[0].FamilyName == "" || rv.State != haven.StateArrived {
			t.Fatalf("the referrer lost more than contact at handover: %+v", rv)
		}
		// The settlement organisation keeps its view.
		if sv := m(e.app.Cases.FindCaseByID(e.ctx, e.settlement, c.ID)); len(sv.Members) != 2 || sv.Members[0].FamilyName == "" {
			t.Fatalf("the settlement organisation after handover: %+v", sv.Members)
		}

		// The member who stays behind is not even opened for the
		// settlement organisation: corrupt, it fails the referrer's read
		// and not the settlement organisation's.
		e.corrupt(t, stays)
		m(e.app.Cases.FindCaseByID(e.ctx, e.settlement, c.ID))
		if _, err := e.app.Cases.FindCaseByID(e.ctx, e.unhcr, c.ID); err == nil {
			t.Fatal("the control does not bite: the referrer read a corrupt member")
		}
	})
}

// TestReferrerContactEndsWhenFinal: a refused case's contact details are
// no longer the referrer's to read.
func TestReferrerContactEndsWhenFinal(t *testing.T) {
	forEngine(t, func(t *testing.T, e *env) {
		m := must[*haven.Case](t)
		c := e.refer(t, referral("Final", 1, haven.PriorityNormal))
		if rv := m(e.app.Cases.FindCaseByID(e.ctx, e.unhcr, c.ID)); rv.Members[0].Contact == "" {
			t.Fatal("the referrer lacks contact on an open case")
		}
		m(e.app.Cases.Withdraw(e.ctx, e.unhcr, c.ID, "The defender asked to withdraw."))
		rv := m(e.app.Cases.FindCaseByID(e.ctx, e.unhcr, c.ID))
		if rv.Members[0].Contact != "" || rv.Members[0].Whereabouts != "" || rv.Members[0].ConfidentialNotes != "" || rv.Members[0].FamilyName == "" {
			t.Fatalf("the referrer on a withdrawn case: %+v", rv.Members[0])
		}
	})
}

// TestCaseReference: every referral gets a short reference of its year,
// random, unique, and every reader of the case (a check partner's part of
// it, a list's row) carries it.
func TestCaseReference(t *testing.T) {
	forEngine(t, func(t *testing.T, e *env) {
		m := must[*haven.Case](t)
		shape := regexp.MustCompile(`^HRD-2026-[A-Z2-7]{6}$`)
		seen := map[string]bool{}
		var last *haven.Case
		for i := range 5 {
			c := e.refer(t, referral(fmt.Sprintf("Ref%d", i), 1, haven.PriorityNormal))
			if !shape.MatchString(c.Reference) || seen[c.Reference] {
				t.Fatalf("reference %q (seen before: %v)", c.Reference, seen[c.Reference])
			}
			seen[c.Reference] = true
			last = c
		}
		if got := m(e.app.Cases.FindCaseByID(e.ctx, e.unhcr, last.ID)); got.Reference != last.Reference {
			t.Fatalf("the referrer reads %q, want %q", got.Reference, last.Reference)
		}
		cs, _ := must2(t)(e.app.Cases.FindCases(e.ctx, e.visa, haven.CaseFilter{}))
		for _, c := range cs {
			if !seen[c.Reference] {
				t.Fatalf("a listed case without its reference: %+v", c)
			}
		}
		c := e.inAdmissibility(t, last)
		m(e.app.Cases.AssignChecks(e.ctx, e.visa, c.ID, e.orgs[haven.OrgMedicalPartner].ID, memberIDsOf(c)))
		if got := m(e.app.Cases.FindCaseByID(e.ctx, e.medical, c.ID)); got.Reference != last.Reference {
			t.Fatalf("the medical partner reads %q", got.Reference)
		}
		reqs := must[[]*haven.CheckRequest](t)(e.app.Cases.FindCheckRequests(e.ctx, e.medical))
		if len(reqs) != 1 || reqs[0].CaseReference != last.Reference {
			t.Fatalf("check requests: %+v", reqs)
		}
	})
}

// TestSearch: a case is found by its reference, its UNHCR number or words
// of a member's name in any script, each only where the reader's view
// holds that field: a partner that sees a case's status alone cannot find
// it by a name, and a shredded family is found by none.
func TestSearch(t *testing.T) {
	forEngine(t, func(t *testing.T, e *env) {
		c := referral("Search", 3, haven.PriorityNormal)
		c.Members[0].FamilyName, c.Members[0].GivenNames = "Al-Qamariya", "Zaynab"
		c.Members[1].FamilyName, c.Members[1].GivenNames = "Ярославна", "Ольга"
		c.Members[2].FamilyName, c.Members[2].GivenNames = "黎", "明月"
		// A name of more words than are paired: found by its last words too.
		c.Members[1].GivenNames = "Ольга Анна Мария Вера Нина Зоя Ада Ия Ева Яна Лея Рая Ина Ося"
		n := &haven.Nomination{ReferralOrgID: e.orgs[haven.OrgReferralPartner].ID, DefenderName: "Zaynab Al-Qamariya",
			RiskAssessment: "High", RecommendedPriority: haven.PriorityNormal, NationalityCountries: []string{"IR"}, AsylumCountry: "TR", FamilySize: 3}
		noErr(t, e.app.Nominations.CreateNomination(e.ctx, e.fld, n))
		must[*haven.Nomination](t)(e.app.Nominations.ReviewNomination(e.ctx, e.unhcr, n.ID))
		c.NominationID = n.ID
		c = e.refer(t, c)
		other := e.refer(t, referral("Other", 1, haven.PriorityNormal))
		find := func(who haven.Actor, q string) []haven.ID {
			t.Helper()
			cs, total := must2(t)(e.app.Cases.FindCases(e.ctx, who, haven.CaseFilter{Search: q}))
			if total != len(cs) {
				t.Fatalf("search %q: total %d, %d cases", q, total, len(cs))
			}
			return memberIDsOfCases(cs)
		}
		one := []haven.ID{c.ID}
		for _, q := range []string{c.Reference, strings.ToLower(c.Reference), c.UNHCRNumber, " " + strings.ToLower(c.UNHCRNumber) + " ",
			"zaynab", "AL-QAMARIYA", "al qamariya zaynab", "Zaynab Al-Qamariya", "ЯРОСЛАВНА", "ольга", "明月", "黎", "黎 明月",
			"ярославна ося", "ина ося ольга", "ольга анна"} {
			if got := find(e.visa, q); !slices.Equal(got, one) {
				t.Errorf("the visa office searching %q finds %v, want %v", q, got, one)
			}
			if got := find(e.unhcr, q); !slices.Equal(got, one) {
				t.Errorf("the referrer searching %q finds %v", q, got)
			}
		}
		for _, q := range []string{"zaynab ольга", "ося zaynab", "zaynab al-qamariya ольга", "al qamariya ольга", "ольга ося zaynab", "Qamar", "Zaynabb", "HRD-2026-AAAAAA", ""} {
			if got := find(e.visa, q); q != "" && len(got) != 0 {
				t.Errorf("searching %q finds %v", q, got)
			}
		}
		// The nominating partner reads the case's status only: found by
		// its reference, never by a name or the UNHCR number.
		if got := find(e.fld, c.Reference); !slices.Equal(got, one) {
			t.Errorf("the nominating partner cannot find the case by its reference: %v", got)
		}
		for _, q := range []string{"zaynab", c.UNHCRNumber} {
			if got := find(e.fld, q); len(got) != 0 {
				t.Errorf("the nominating partner finds %v by %q, outside its view", got, q)
			}
		}
		// Shredded, the family is found by no name.
		noErr(t, e.app.Cases.ShredCase(e.ctx, e.admin, other.ID))
		if got := find(e.visa, "FamilyOther"); len(got) != 0 {
			t.Errorf("a shredded family is found by name: %v", got)
		}
	})
}

// TestNamesIndexedAtStart: members written before names were indexed are
// indexed once, at start (Bootstrap), from their sealed names; and those
// indexed by words alone gain the pairs of words that a search of several
// words reads.
func TestNamesIndexedAtStart(t *testing.T) {
	forEngine(t, func(t *testing.T, e *env) {
		words := e.refer(t, referral("Words", 1, haven.PriorityNormal))
		m := words.Members[0]
		full := m.FamilyName + " " + m.GivenNames
		testdb.Exec(t, e.store, `UPDATE meta SET value = '1' WHERE key = $1`, "member_name_tokens")
		// As a database indexed by words alone would be: no pairs.
		testdb.Exec(t, e.store, `DELETE FROM member_name_tokens WHERE case_id = $1`, words.ID)
		if cs, _ := must2(t)(e.app.Cases.FindCases(e.ctx, e.visa, haven.CaseFilter{Search: full})); len(cs) != 0 {
			t.Fatalf("%q found by a name not indexed", full)
		}
		noErr(t, e.app.Programme.Bootstrap(e.ctx))
		if cs, _ := must2(t)(e.app.Cases.FindCases(e.ctx, e.visa, haven.CaseFilter{Search: full})); len(cs) != 1 || cs[0].ID != words.ID {
			t.Fatalf("after start, %q finds %v", full, memberIDsOfCases(cs))
		}
		c := e.refer(t, referral("Before", 2, haven.PriorityNormal))
		testdb.Exec(t, e.store, `DELETE FROM member_name_tokens WHERE case_id = $1`, c.ID)
		testdb.Exec(t, e.store, `DELETE FROM meta WHERE key = $1`, "member_name_tokens")
		if cs, _ := must2(t)(e.app.Cases.FindCases(e.ctx, e.visa, haven.CaseFilter{Search: "FamilyBefore"})); len(cs) != 0 {
			t.Fatal("found by a name not indexed")
		}
		noErr(t, e.app.Programme.Bootstrap(e.ctx))
		if cs, _ := must2(t)(e.app.Cases.FindCases(e.ctx, e.visa, haven.CaseFilter{Search: "FamilyBefore"})); len(cs) != 1 || cs[0].ID != c.ID {
			t.Fatalf("after start, found %v", memberIDsOfCases(cs))
		}
	})
}
