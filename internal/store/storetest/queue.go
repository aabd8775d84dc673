package storetest

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/havenhrd/haven"
	"github.com/havenhrd/haven/internal/store"
)

// queueIDs runs f and returns the IDs of the page and the total, which
// CountCases must count alike.
func queueIDs(t *testing.T, s store.Store, f store.CaseFilter) ([]haven.ID, int) {
	t.Helper()
	var got []haven.ID
	var total int
	view(t, s, func(tx store.Tx) error {
		rows, n, err := tx.FindCases(context.Background(), f)
		if err != nil {
			return err
		}
		for _, r := range rows {
			got = append(got, r.ID)
		}
		total = n
		counted, err := tx.CountCases(context.Background(), f)
		if counted != n {
			t.Errorf("filter %+v: CountCases %d, FindCases' total %d", f, counted, n)
		}
		return err
	})
	return got, total
}

// testCaseDeadlines: the work queue orders by priority, then by the
// stage's deadline (none last), then by referral; OverdueOn keeps the cases
// whose deadline is before that day.
func testCaseDeadlines(t *testing.T, s store.Store) { caseDeadlines(t, s) }

// caseDeadlines is testCaseDeadlines, returning its fixture.
func caseDeadlines(t *testing.T, s store.Store) fixture {
	f := seed(t, s)
	day := haven.DateOf(t0)
	for _, c := range []struct {
		id   string
		prio haven.Priority
		due  haven.Date // zero: no deadline
		hour int
	}{
		{"case_n1", haven.PriorityNormal, day.AddDays(5), 0},
		{"case_n2", haven.PriorityNormal, day.AddDays(-2), 1},
		{"case_n3", haven.PriorityNormal, haven.Date{}, 2},
		{"case_n4", haven.PriorityNormal, day.AddDays(5), 3},
		{"case_u1", haven.PriorityUrgent, day.AddDays(9), 4},
		{"case_u2", haven.PriorityUrgent, day, 5},
	} {
		row := newCase(c.id, f, c.prio, t0.Add(time.Duration(c.hour)*time.Hour))
		row.Reference = "HRD-2025-" + strings.ToUpper(c.id[len(c.id)-2:]) + "QQQQ"
		if c.hour%2 == 1 {
			row.State = haven.StateInterview
		}
		if !c.due.IsZero() {
			row.Stage, row.StageSince, row.StageDue, row.Turn = haven.StageFile, row.ReferredAt, c.due, haven.PartyVisaOffice
		}
		createCase(t, s, row, 1)
	}
	got, n := queueIDs(t, s, everyCase(haven.CaseFilter{}))
	if want := "[case_u2 case_u1 case_n2 case_n1 case_n4 case_n3]"; fmt.Sprint(got) != want || n != 6 {
		t.Errorf("order %v (%d), want %s", got, n, want)
	}
	sf := everyCase(haven.CaseFilter{})
	sf.OverdueOn = day
	got, n = queueIDs(t, s, sf)
	if want := "[case_n2]"; fmt.Sprint(got) != want || n != 1 {
		t.Errorf("overdue on %s: %v (%d), want %s", day, got, n, want)
	}
	sf.OverdueOn = day.AddDays(1)
	got, n = queueIDs(t, s, sf)
	if want := "[case_u2 case_n2]"; fmt.Sprint(got) != want || n != 2 {
		t.Errorf("overdue on %s: %v (%d), want %s", day.AddDays(1), got, n, want)
	}
	// DueFrom and DueBefore keep the deadlines from one day to the day
	// before the other.
	sf = everyCase(haven.CaseFilter{})
	sf.DueFrom, sf.DueBefore = day, day.AddDays(9)
	got, n = queueIDs(t, s, sf)
	if want := "[case_u2 case_n1 case_n4]"; fmt.Sprint(got) != want || n != 3 {
		t.Errorf("due from %s before %s: %v (%d), want %s", sf.DueFrom, sf.DueBefore, got, n, want)
	}
	// Turn keeps the cases waiting on that party alone.
	got, n = queueIDs(t, s, everyCase(haven.CaseFilter{Turn: haven.PartyVisaOffice}))
	if want := "[case_u2 case_u1 case_n2 case_n1 case_n4]"; fmt.Sprint(got) != want || n != 5 {
		t.Errorf("the visa office's turn: %v (%d), want %s", got, n, want)
	}
	if got, n = queueIDs(t, s, everyCase(haven.CaseFilter{Turn: haven.PartyCheckPartners})); len(got) != 0 || n != 0 {
		t.Errorf("the check partners' turn: %v (%d)", got, n)
	}
	return f
}

// testCaseSortAndKeyset: each order of a list, both ways, is total and
// walks page by page through After (the keyset of the page's last case) to
// the same cases as in one page, each page counting them all.
func testCaseSortAndKeyset(t *testing.T, s store.Store) {
	testCaseDeadlines(t, s)
	for _, tc := range []struct {
		sort haven.CaseSort
		desc bool
		want string // "" when only the walk is checked
	}{
		{haven.SortQueue, false, "[case_u2 case_u1 case_n2 case_n1 case_n4 case_n3]"},
		{haven.SortQueue, true, "[case_n3 case_n4 case_n1 case_n2 case_u1 case_u2]"},
		{haven.SortDue, false, "[case_n2 case_u2 case_n1 case_n4 case_u1 case_n3]"},
		{haven.SortDue, true, "[case_u1 case_n4 case_n1 case_u2 case_n2 case_n3]"},
		{haven.SortReferred, false, "[case_n1 case_n2 case_n3 case_n4 case_u1 case_u2]"},
		{haven.SortReferred, true, "[case_u2 case_u1 case_n4 case_n3 case_n2 case_n1]"},
		{haven.SortReference, false, "[case_n1 case_n2 case_n3 case_n4 case_u1 case_u2]"},
		{haven.SortState, false, "[case_n1 case_n3 case_u1 case_n2 case_n4 case_u2]"},
		{haven.SortState, true, ""},
	} {
		all := everyCase(haven.CaseFilter{Sort: tc.sort, Desc: tc.desc})
		whole, n := queueIDs(t, s, all)
		if tc.want != "" && fmt.Sprint(whole) != tc.want {
			t.Errorf("sort %q desc %v: %v, want %s", tc.sort, tc.desc, whole, tc.want)
		}
		var walked []haven.ID
		page := everyCase(haven.CaseFilter{Sort: tc.sort, Desc: tc.desc, Limit: 2})
		for range 10 {
			var rows []*store.CaseRow
			view(t, s, func(tx store.Tx) error {
				var err error
				var total int
				rows, total, err = tx.FindCases(context.Background(), page)
				if total != n {
					t.Errorf("sort %q desc %v: a page counts %d, want %d", tc.sort, tc.desc, total, n)
				}
				return err
			})
			for _, r := range rows {
				walked = append(walked, r.ID)
			}
			if len(rows) < 2 {
				break
			}
			k := store.KeyOf(page, rows[len(rows)-1], true)
			page.After = &k
		}
		if fmt.Sprint(walked) != fmt.Sprint(whole) {
			t.Errorf("sort %q desc %v: pages %v, one page %v", tc.sort, tc.desc, walked, whole)
		}
	}
}

// testCaseQueueKeys: the work queue's stored keys (whether a case is open,
// its priority's rank, its deadline) order and select as the row's own
// fields say, whichever way the store takes: every case ranked, none, or
// some; the open and closed cases apart; a count bounded; a case's stored
// keys following its updates.
func testCaseQueueKeys(t *testing.T, s store.Store) {
	f := caseDeadlines(t, s)
	ctx := context.Background()
	// A closed case of the same referrer, and one of another referrer.
	closed := newCase("case_z1", f, haven.PriorityEmergency, t0.Add(-time.Hour))
	closed.State, closed.Open = haven.StateClosed, false
	closed.Reference = "HRD-2025-Z1QQQQ"
	createCase(t, s, closed, 1)
	other := newCase("case_o1", f, haven.PriorityEmergency, t0.Add(-2*time.Hour))
	other.ReferringOrgID, other.Reference = f.fld.ID, "HRD-2025-O1QQQQ"
	createCase(t, s, other, 1)

	open := func(cf store.CaseFilter) store.CaseFilter { cf.Open = store.FlagTrue; return cf }
	unhcr := store.Reach{OrgID: f.unhcr.ID, Clauses: []store.ReachClause{{Referring: store.FlagTrue}}}
	for _, tc := range []struct {
		name   string
		filter store.CaseFilter
		want   string
	}{
		{"every case ranked", open(everyCase(haven.CaseFilter{})), "[case_o1 case_u2 case_u1 case_n2 case_n1 case_n4 case_n3]"},
		// Unranked: the referral's order alone, whatever the priority.
		{"none ranked", open(store.CaseFilter{Reach: store.Reach{All: true}}), "[case_o1 case_n1 case_n2 case_n3 case_n4 case_u1 case_u2]"},
		// Some ranked (UNHCR's own), the others after them by referral.
		{"some ranked", open(store.CaseFilter{Reach: store.Reach{All: true}, Ranked: unhcr}), "[case_u2 case_u1 case_n2 case_n1 case_n4 case_n3 case_o1]"},
		// The reach within the ranked: the stored order.
		{"own cases ranked", open(store.CaseFilter{Reach: unhcr, Ranked: unhcr}), "[case_u2 case_u1 case_n2 case_n1 case_n4 case_n3]"},
		{"closed only", store.CaseFilter{Reach: store.Reach{All: true}, Ranked: store.Reach{All: true}, Open: store.FlagFalse}, "[case_z1]"},
		{"both", everyCase(haven.CaseFilter{Priority: haven.PriorityEmergency}), "[case_o1 case_z1]"},
	} {
		got, n := queueIDs(t, s, tc.filter)
		if fmt.Sprint(got) != tc.want || n != len(got) {
			t.Errorf("%s: %v (%d), want %s", tc.name, got, n, tc.want)
		}
		// Page by page through the keyset, two at a time: the same cases.
		var walked []haven.ID
		page := tc.filter
		page.Limit = 2
		for range 10 {
			var rows []*store.CaseRow
			view(t, s, func(tx store.Tx) error {
				var err error
				rows, _, err = tx.FindCases(ctx, page)
				return err
			})
			for _, r := range rows {
				walked = append(walked, r.ID)
			}
			if len(rows) < 2 {
				break
			}
			last := rows[len(rows)-1]
			k := store.KeyOf(page, last, page.Ranked.All || last.ReferringOrgID == f.unhcr.ID && len(page.Ranked.Clauses) > 0)
			page.After = &k
		}
		if fmt.Sprint(walked) != tc.want {
			t.Errorf("%s: pages %v, want %s", tc.name, walked, tc.want)
		}
	}
	// A bounded count stops one past the bound.
	bounded := open(everyCase(haven.CaseFilter{}))
	for bound, want := range map[int]int{3: 4, 6: 7, 7: 7, 100: 7} {
		bounded.CountUpTo = bound
		view(t, s, func(tx store.Tx) error {
			rows, n, err := tx.FindCases(ctx, bounded)
			if n != want || len(rows) != 7 {
				t.Errorf("a count bounded at %d of 7 cases says %d (%d rows), want %d", bound, n, len(rows), want)
			}
			return err
		})
	}
	// The count rides on a page that does not hold every match, on a page
	// down the list, and on a page past its end, always of the whole list.
	for bound, want := range map[int]int{3: 4, 100: 7} {
		var all []*store.CaseRow
		view(t, s, func(tx store.Tx) error {
			var err error
			all, _, err = tx.FindCases(ctx, bounded)
			return err
		})
		p := bounded
		p.CountUpTo, p.Limit = bound, 2
		for _, after := range []int{-1, 1, 5, 6} {
			p.After = nil
			if after >= 0 {
				k := store.KeyOf(p, all[after], true)
				p.After = &k
			}
			view(t, s, func(tx store.Tx) error {
				rows, n, err := tx.FindCases(ctx, p)
				wantRows := min(2, 7-after-1)
				if n != want || len(rows) != wantRows {
					t.Errorf("a page of 2 after row %d, count bounded at %d: %d rows, count %d; want %d rows, count %d", after, bound, len(rows), n, wantRows, want)
				}
				return err
			})
		}
	}
	// An update moves the stored keys: the normal case without a deadline,
	// made an emergency due tomorrow, comes first; the first, closed,
	// leaves the open cases.
	update(t, s, func(tx store.Tx) error {
		r, err := tx.FindCaseByID(ctx, "case_n3", true)
		if err != nil {
			return err
		}
		r.ProcessingPriority, r.Version = haven.PriorityEmergency, r.Version+1
		r.Stage, r.StageSince, r.StageDue, r.Turn = haven.StageFile, r.ReferredAt, haven.DateOf(t0).AddDays(1), haven.PartyVisaOffice
		if err := tx.UpdateCase(ctx, r); err != nil {
			return err
		}
		r, err = tx.FindCaseByID(ctx, "case_o1", true)
		if err != nil {
			return err
		}
		r.State, r.Open, r.Version = haven.StateWithdrawn, false, r.Version+1
		return tx.UpdateCase(ctx, r)
	})
	if got, _ := queueIDs(t, s, open(everyCase(haven.CaseFilter{}))); fmt.Sprint(got) != "[case_n3 case_u2 case_u1 case_n2 case_n1 case_n4]" {
		t.Errorf("after the updates: %v", got)
	}
}

// testListReads: what a list may open of each row (its data key, its
// principal's list columns, its booked travel date) comes with the page,
// in its one query, on every path of FindCases: the first page, a page
// after a cursor, a page whose count rides on it, a search.
func testListReads(t *testing.T, s store.Store) {
	f := seed(t, s)
	ctx := context.Background()
	a := newCase("case_la", f, haven.PriorityNormal, t0)
	ams := createCase(t, s, a, 3)
	b := newCase("case_lb", f, haven.PriorityNormal, t0.Add(time.Hour))
	b.Reference = "HRD-2025-LBQQQQ"
	bms := createCase(t, s, b, 2)
	day := haven.DateOf(t0).AddDays(30)
	update(t, s, func(tx store.Tx) error {
		if err := tx.PutDataKey(ctx, &store.DataKey{Subject: "case_la", KEKID: "kek1", Wrapped: []byte("wrapped-a"), CreatedAt: t0}); err != nil {
			return err
		}
		return tx.PutTravel(ctx, &store.TravelRow{CaseID: "case_lb", Date: day, Itinerary: store.Sealed("sealed"), BookedBy: f.user.ID, BookedAt: t0})
	})
	samePrincipal := func(got, want *store.MemberRow) bool {
		return got != nil && got.ID == want.ID && got.CaseID == want.CaseID && got.Ordinal == want.Ordinal &&
			got.Relationship == haven.RelPrincipal && got.Accompanying == want.Accompanying && got.Excluded == want.Excluded && got.Sex == want.Sex &&
			fmt.Sprint(got.Nationalities) == fmt.Sprint(want.Nationalities) && fmt.Sprint(got.Languages) == fmt.Sprint(want.Languages) &&
			string(got.IdentityIndex) == string(want.IdentityIndex) &&
			string(got.FamilyName) == string(want.FamilyName) && string(got.GivenNames) == string(want.GivenNames) &&
			got.DateOfBirth == nil && got.Contact == nil && got.Whereabouts == nil && got.ConfidentialNotes == nil
	}
	check := func(name string, rows []*store.CaseRow) {
		t.Helper()
		for _, r := range rows {
			l := r.Listed
			if l == nil {
				t.Errorf("%s: %s came without what a list may open", name, r.ID)
				continue
			}
			switch r.ID {
			case "case_la":
				if l.Key == nil || l.Key.Subject != "case_la" || l.Key.KEKID != "kek1" || string(l.Key.Wrapped) != "wrapped-a" || !l.Key.CreatedAt.Equal(t0) {
					t.Errorf("%s: case_la's key %+v", name, l.Key)
				}
				if !samePrincipal(l.Principal, ams[0]) {
					t.Errorf("%s: case_la's principal %+v, want its first member's list columns alone", name, l.Principal)
				}
				if !l.TravelDate.IsZero() {
					t.Errorf("%s: case_la has no travel, got %s", name, l.TravelDate)
				}
			case "case_lb":
				if l.Key != nil {
					t.Errorf("%s: case_lb has no key, got %+v", name, l.Key)
				}
				if !samePrincipal(l.Principal, bms[0]) {
					t.Errorf("%s: case_lb's principal %+v", name, l.Principal)
				}
				if l.TravelDate != day {
					t.Errorf("%s: case_lb's travel date %s, want %s", name, l.TravelDate, day)
				}
			}
		}
	}
	view(t, s, func(tx store.Tx) error {
		all := everyCase(haven.CaseFilter{Sort: haven.SortReferred})
		all.Listed = true
		rows, n, err := tx.FindCases(ctx, all)
		if err != nil {
			return err
		}
		if n != 2 || len(rows) != 2 || rows[0].ID != "case_la" || rows[1].ID != "case_lb" {
			return fmt.Errorf("every case: %d %v", n, rows)
		}
		check("every case", rows)
		// A page of one, its count bounded (on PostgreSQL it rides on the
		// page), then the page after its cursor.
		one := all
		one.Limit, one.CountUpTo = 1, 10
		rows, n, err = tx.FindCases(ctx, one)
		if err != nil || n != 2 || len(rows) != 1 || rows[0].ID != "case_la" {
			return fmt.Errorf("a page of one: %d %v %v", n, rows, err)
		}
		check("a page of one", rows)
		k := store.KeyOf(one, rows[0], true)
		one.After = &k
		rows, n, err = tx.FindCases(ctx, one)
		if err != nil || n != 2 || len(rows) != 1 || rows[0].ID != "case_lb" {
			return fmt.Errorf("the page after: %d %v %v", n, rows, err)
		}
		check("the page after", rows)
		// A search finds its cases first, then joins them.
		found := all
		found.Search = &store.Search{Reference: b.Reference}
		rows, _, err = tx.FindCases(ctx, found)
		if err != nil || len(rows) != 1 || rows[0].ID != "case_lb" {
			return fmt.Errorf("a search: %v %v", rows, err)
		}
		check("a search", rows)
		// Not asked for, nothing comes.
		all.Listed = false
		rows, _, err = tx.FindCases(ctx, all)
		if err != nil {
			return err
		}
		for _, r := range rows {
			if r.Listed != nil {
				t.Errorf("%s carries a list's reads unasked", r.ID)
			}
		}
		return nil
	})
}
