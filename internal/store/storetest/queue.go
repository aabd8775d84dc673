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
func testCaseDeadlines(t *testing.T, s store.Store) {
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
