package storetest

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/havenhrd/haven"
	"github.com/havenhrd/haven/internal/store"
)

// testInterview: a case's interview reads back as written, its attending
// members in the order given; putting it again replaces it whole (its
// attendees too); a case has one at most; the database refuses an
// interview with neither place nor link, a member that does not exist, and
// an interpreter without a language; a case without one is ENOTFOUND.
func testInterview(t *testing.T, s store.Store) {
	f := seed(t, s)
	ctx := context.Background()
	ms := createCase(t, s, newCase("case_1", f, haven.PriorityUrgent, t0), 3)
	createCase(t, s, newCase("case_2", f, haven.PriorityUrgent, t0), 1)
	iv := &store.InterviewRow{ID: "itv_1", CaseID: "case_1", At: t0.Add(72 * time.Hour), Date: haven.DateOf(t0).AddDays(3),
		Zone: store.Sealed{1}, Place: store.Sealed{2, 2}, Language: "fa", Interpreter: true, InterpreterLanguage: "en",
		Attending: []haven.ID{ms[2].ID, ms[0].ID}, ScheduledBy: f.user.ID, ScheduledAt: t0}
	update(t, s, func(tx store.Tx) error { return tx.PutInterview(ctx, iv) })
	read := func(id haven.ID) *store.InterviewRow {
		t.Helper()
		var got *store.InterviewRow
		view(t, s, func(tx store.Tx) error {
			var err error
			got, err = tx.FindInterview(ctx, id)
			return err
		})
		return got
	}
	same := func(got, want *store.InterviewRow) {
		t.Helper()
		if got.ID != want.ID || got.CaseID != want.CaseID || !got.At.Equal(want.At) || got.Date != want.Date ||
			!bytes.Equal(got.Zone, want.Zone) || !bytes.Equal(got.Place, want.Place) || !bytes.Equal(got.Link, want.Link) ||
			got.Language != want.Language || got.Interpreter != want.Interpreter || got.InterpreterLanguage != want.InterpreterLanguage ||
			!slices.Equal(got.Attending, want.Attending) || got.ScheduledBy != want.ScheduledBy || !got.ScheduledAt.Equal(want.ScheduledAt) {
			t.Errorf("interview = %+v, want %+v", got, want)
		}
	}
	same(read("case_1"), iv)
	if got := read("case_1"); got.Link != nil {
		t.Errorf("no link reads back as %v, want nil", got.Link)
	}
	// Moved: a link instead of the place, no interpreter, one member.
	moved := &store.InterviewRow{ID: "itv_1", CaseID: "case_1", At: t0.Add(96 * time.Hour), Date: haven.DateOf(t0).AddDays(4),
		Zone: store.Sealed{3}, Link: store.Sealed{4}, Language: "ar", Attending: []haven.ID{ms[1].ID},
		ScheduledBy: f.user.ID, ScheduledAt: t0.Add(time.Hour)}
	update(t, s, func(tx store.Tx) error { return tx.PutInterview(ctx, moved) })
	same(read("case_1"), moved)
	// Each write of the store refuses a broken interview, whole: the one
	// written before stays.
	for name, bad := range map[string]func(r *store.InterviewRow){
		"neither place nor link":     func(r *store.InterviewRow) { r.Place, r.Link = nil, nil },
		"a member that is not there": func(r *store.InterviewRow) { r.Attending = []haven.ID{ms[0].ID, "mem_missing"} },
		"an interpreter, no language": func(r *store.InterviewRow) {
			r.Interpreter, r.InterpreterLanguage = true, ""
		},
		"a language, no interpreter": func(r *store.InterviewRow) { r.InterpreterLanguage = "en" },
		"a case that is not there":   func(r *store.InterviewRow) { r.ID, r.CaseID = "itv_9", "case_missing" },
		"a user that is not there":   func(r *store.InterviewRow) { r.ScheduledBy = "usr_missing" },
	} {
		r := *moved
		r.Attending = slices.Clone(moved.Attending)
		bad(&r)
		err := s.Update(ctx, func(tx store.Tx) error { return tx.PutInterview(ctx, &r) })
		if code := haven.ErrorCodeOf(err); code != haven.EINVALID && code != haven.ECONFLICT {
			t.Errorf("%s: %v, want EINVALID or ECONFLICT", name, err)
		}
	}
	same(read("case_1"), moved)
	// One interview per case: another ID for the same case replaces it.
	again := *moved
	again.ID, again.Attending = "itv_2", []haven.ID{ms[0].ID, ms[1].ID, ms[2].ID}
	update(t, s, func(tx store.Tx) error { return tx.PutInterview(ctx, &again) })
	same(read("case_1"), &again)
	view(t, s, func(tx store.Tx) error {
		_, err := tx.FindInterview(ctx, "case_2")
		wantCode(t, err, haven.ENOTFOUND)
		return nil
	})
}

// testInterviewClock: a case's clock keeps the interview's days (NextDue,
// BaseDue) through CreateCase and UpdateCase; the work queue orders by the
// day the next step falls due (store.QueueDue: the interview's, else the
// stage's deadline), both ways and by keyset, and DueFrom and DueBefore
// keep that day; OverdueOn stays on the stage's deadline.
func testInterviewClock(t *testing.T, s store.Store) {
	f := seed(t, s)
	day := haven.DateOf(t0)
	for i, c := range []struct {
		id             string
		due, next, own haven.Date
	}{
		{"case_a", day.AddDays(10), haven.Date{}, haven.Date{}}, // no interview
		{"case_b", day.AddDays(30), day.AddDays(2), haven.Date{}},
		{"case_c", day.AddDays(40), day.AddDays(40), day.AddDays(20)}, // the interview moved the deadline
		{"case_d", day.AddDays(5), haven.Date{}, haven.Date{}},
	} {
		row := newCase(c.id, f, haven.PriorityNormal, t0.Add(time.Duration(i)*time.Hour))
		row.Stage, row.StageSince, row.StageDue, row.Turn = haven.StageEligibility, row.ReferredAt, c.due, haven.PartyVisaOffice
		row.NextDue, row.BaseDue = c.next, c.own
		createCase(t, s, row, 1)
	}
	clock := func(id haven.ID) haven.CaseClock {
		var k haven.CaseClock
		view(t, s, func(tx store.Tx) error {
			r, err := tx.FindCaseByID(context.Background(), id, false)
			if err == nil {
				k = r.CaseClock
			}
			return err
		})
		return k
	}
	if k := clock("case_c"); k.NextDue != day.AddDays(40) || k.BaseDue != day.AddDays(20) || k.StageDue != day.AddDays(40) {
		t.Errorf("case_c's clock = %+v", k)
	}
	for _, tc := range []struct {
		f    haven.CaseFilter
		want string
	}{
		{haven.CaseFilter{}, "[case_b case_d case_a case_c]"},
		{haven.CaseFilter{Sort: haven.SortDue}, "[case_b case_d case_a case_c]"},
		{haven.CaseFilter{Sort: haven.SortDue, Desc: true}, "[case_c case_a case_d case_b]"},
	} {
		if got, _ := queueIDs(t, s, everyCase(tc.f)); fmt.Sprint(got) != tc.want {
			t.Errorf("sort %q desc %v: %v, want %s", tc.f.Sort, tc.f.Desc, got, tc.want)
		}
		// Walked a case at a time, by the keyset of each page's last.
		var walked []haven.ID
		page := everyCase(tc.f)
		page.Limit = 1
		for range 6 {
			var rows []*store.CaseRow
			view(t, s, func(tx store.Tx) error {
				var err error
				rows, _, err = tx.FindCases(context.Background(), page)
				return err
			})
			if len(rows) == 0 {
				break
			}
			walked = append(walked, rows[0].ID)
			k := store.KeyOf(page, rows[0], true)
			page.After = &k
		}
		if fmt.Sprint(walked) != tc.want {
			t.Errorf("sort %q desc %v walked: %v, want %s", tc.f.Sort, tc.f.Desc, walked, tc.want)
		}
	}
	sf := everyCase(haven.CaseFilter{})
	sf.DueFrom, sf.DueBefore = day, day.AddDays(6)
	if got, _ := queueIDs(t, s, sf); fmt.Sprint(got) != "[case_b case_d]" {
		t.Errorf("due within 5 days: %v, want the interview in 2 and the deadline in 5", got)
	}
	sf = everyCase(haven.CaseFilter{})
	sf.OverdueOn = day.AddDays(31)
	if got, _ := queueIDs(t, s, sf); fmt.Sprint(got) != "[case_b case_d case_a]" {
		t.Errorf("overdue on day 31: %v, want the stage deadlines before it", got)
	}
	// UpdateCase writes the interview's days, and clears them.
	update(t, s, func(tx store.Tx) error {
		r, err := tx.FindCaseByID(context.Background(), "case_c", true)
		if err != nil {
			return err
		}
		r.NextDue, r.BaseDue, r.StageDue, r.Version = haven.Date{}, haven.Date{}, day.AddDays(20), r.Version+1
		return tx.UpdateCase(context.Background(), r)
	})
	if k := clock("case_c"); !k.NextDue.IsZero() || !k.BaseDue.IsZero() || k.StageDue != day.AddDays(20) {
		t.Errorf("case_c's clock after UpdateCase = %+v", k)
	}
	if got, _ := queueIDs(t, s, everyCase(haven.CaseFilter{})); fmt.Sprint(got) != "[case_b case_d case_a case_c]" {
		t.Errorf("order after the update: %v", got)
	}
}
