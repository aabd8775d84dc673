package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/havenhrd/haven"
	"github.com/havenhrd/haven/internal/store"
)

func months(t testing.TB, s store.Store, year int, org haven.ID) []haven.MonthFigures {
	t.Helper()
	var out []haven.MonthFigures
	view(t, s, func(tx store.Tx) (err error) {
		out, err = tx.LedgerMonths(context.Background(), year, org)
		return err
	})
	return out
}

// at is an instant of the test's calendar.
func at(year int, month time.Month, day, hour, min, sec, nsec int) time.Time {
	return time.Date(year, month, day, hour, min, sec, nsec, time.UTC)
}

// testLedgerMonths moves seats across the months of a cap year, at the
// edges of months and of the year, and checks each month's movements and
// its figures at the month's end, overall and by partner.
func testLedgerMonths(t *testing.T, s store.Store) {
	f := seed(t, s)
	ctx := context.Background()
	update(t, s, func(tx store.Tx) error {
		if err := tx.SetCap(ctx, 2025, 20, map[haven.ID]int{f.fld.ID: 5}); err != nil {
			return err
		}
		return tx.SetCap(ctx, 2026, 10, nil)
	})
	a := createCase(t, s, newCase("case_a", f, haven.PriorityNormal, t0), 3)
	b := createCase(t, s, newCase("case_b", f, haven.PriorityNormal, t0), 2)
	c := createCase(t, s, newCase("case_c", f, haven.PriorityNormal, t0), 2)
	d := createCase(t, s, newCase("case_d", f, haven.PriorityNormal, t0), 1)
	e := createCase(t, s, newCase("case_e", f, haven.PriorityNormal, t0), 1)
	reserve := func(year int, org haven.ID, id haven.ID, ms []*store.MemberRow, when time.Time) {
		t.Helper()
		update(t, s, func(tx store.Tx) error {
			return tx.Reserve(ctx, store.Reservation{Year: year, OrgID: org, CaseID: id, Members: ids(ms), At: when})
		})
	}
	// a: reserved in the last instant of 2024, for 2025; arrives in March.
	reserve(2025, f.unhcr.ID, "case_a", a, at(2024, 12, 31, 23, 59, 59, 999999999))
	// b: reserved in the last instant of January; one member released in
	// the last instant of March, the other arrives on the first of April.
	reserve(2025, f.unhcr.ID, "case_b", b, at(2025, 1, 31, 23, 59, 59, 999999999))
	// c, the protection partner's: reserved in February, released in May,
	// reserved again in July.
	reserve(2025, f.fld.ID, "case_c", c, at(2025, 2, 20, 0, 0, 0, 0))
	// d: reserved on the year's first instant, arrives on the next year's.
	reserve(2025, f.unhcr.ID, "case_d", d, at(2025, 1, 1, 0, 0, 0, 0))
	// e: reserved in 2025 for the 2026 cap: not a 2025 seat.
	reserve(2026, f.unhcr.ID, "case_e", e, at(2025, 8, 1, 12, 0, 0, 0))
	update(t, s, func(tx store.Tx) error { return tx.ConfirmArrival(ctx, "case_a", at(2025, 3, 14, 9, 30, 0, 0)) })
	update(t, s, func(tx store.Tx) error {
		return tx.Release(ctx, "case_b", ids(b[1:]), at(2025, 3, 31, 23, 59, 59, 999999999))
	})
	update(t, s, func(tx store.Tx) error { return tx.ConfirmArrival(ctx, "case_b", at(2025, 4, 1, 0, 0, 0, 0)) })
	update(t, s, func(tx store.Tx) error { return tx.Release(ctx, "case_c", nil, at(2025, 5, 10, 8, 0, 0, 0)) })
	reserve(2025, f.fld.ID, "case_c", c, at(2025, 7, 1, 0, 0, 0, 0))
	update(t, s, func(tx store.Tx) error { return tx.ConfirmArrival(ctx, "case_d", at(2026, 1, 1, 0, 0, 0, 0)) })

	type row struct{ rIn, aIn, xIn, res, arr int }
	check := func(name string, got []haven.MonthFigures, want map[int]row) {
		t.Helper()
		if len(got) != 14 {
			t.Fatalf("%s: %d periods, want 14: %+v", name, len(got), got)
		}
		var last row
		for i, m := range got {
			w, ok := want[i]
			if !ok {
				w = row{res: last.res, arr: last.arr} // nothing moved: as the month before
			}
			last = w
			g := row{m.ReservedIn, m.ArrivedIn, m.ReleasedIn, m.Reserved, m.Arrived}
			if m.Month != i || g != w || m.Remaining != 0 {
				t.Errorf("%s: period %d = %+v, want month %d with %+v", name, i, m, i, w)
			}
		}
	}
	// c's reservation in February and its release in May are gone: a seat
	// reserved again counts from its latest reservation.
	check("whole cap", months(t, s, 2025, ""), map[int]row{
		haven.BeforeYear: {rIn: 3, res: 3},
		1:                {rIn: 3, res: 6},
		3:                {aIn: 3, xIn: 1, res: 2, arr: 3},
		4:                {aIn: 1, res: 1, arr: 4},
		7:                {rIn: 2, res: 3, arr: 4},
		haven.AfterYear:  {aIn: 1, res: 2, arr: 5},
	})
	check("the referral partner", months(t, s, 2025, f.unhcr.ID), map[int]row{
		haven.BeforeYear: {rIn: 3, res: 3},
		1:                {rIn: 3, res: 6},
		3:                {aIn: 3, xIn: 1, res: 2, arr: 3},
		4:                {aIn: 1, res: 1, arr: 4},
		haven.AfterYear:  {aIn: 1, res: 0, arr: 5},
	})
	check("the protection partner", months(t, s, 2025, f.fld.ID), map[int]row{
		7: {rIn: 2, res: 2},
	})
	check("the next year", months(t, s, 2026, ""), map[int]row{
		haven.BeforeYear: {rIn: 1, res: 1},
	})
	check("a year without a cap", months(t, s, 2030, ""), map[int]row{})
	check("an organisation without seats", months(t, s, 2025, f.visa.ID), map[int]row{})

	// The last period's figures are the ledger's counts now.
	if got := figures(t, s, 2025); got.Reserved != 2 || got.Arrived != 5 {
		t.Fatalf("figures = %+v", got)
	}
	view(t, s, func(tx store.Tx) error {
		es, err := tx.FindLedgerEntries(ctx, "case_b")
		if err != nil {
			return err
		}
		if len(es) != 2 || !es[0].ReservedAt.Equal(at(2025, 1, 31, 23, 59, 59, 999999999)) ||
			!es[0].ArrivedAt.Equal(at(2025, 4, 1, 0, 0, 0, 0)) || !es[0].ReleasedAt.IsZero() ||
			!es[1].ReleasedAt.Equal(at(2025, 3, 31, 23, 59, 59, 999999999)) || !es[1].ArrivedAt.IsZero() {
			t.Errorf("case b's entries = %+v", es)
		}
		es, err = tx.FindLedgerEntries(ctx, "case_c")
		if err != nil {
			return err
		}
		for _, e := range es {
			if e.Status != store.SeatReserved || !e.ReservedAt.Equal(at(2025, 7, 1, 0, 0, 0, 0)) || !e.ReleasedAt.IsZero() {
				t.Errorf("case c's entry reserved again = %+v", e)
			}
		}
		return nil
	})
}
