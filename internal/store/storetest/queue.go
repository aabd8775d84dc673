package storetest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/havenhrd/haven"
	"github.com/havenhrd/haven/internal/store"
)

// queueIDs runs f and returns the IDs of the page and the total.
func queueIDs(t *testing.T, s store.Store, f store.CaseFilter) ([]haven.ID, int) {
	t.Helper()
	var got []haven.ID
	var total int
	view(t, s, func(tx store.Tx) error {
		rows, n, err := tx.FindCases(context.Background(), f)
		for _, r := range rows {
			got = append(got, r.ID)
		}
		total = n
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
}
