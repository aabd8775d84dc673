package app_test

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/havenhrd/haven"
	"github.com/havenhrd/haven/internal/app"
	"github.com/havenhrd/haven/internal/store"
)

// travelNotices returns the travel notices the actor sees, by kind.
func (e *env) travelNotices(t testing.TB, actor haven.Actor) map[haven.NoticeKind][]*haven.Notification {
	t.Helper()
	got, _ := e.notices(t, actor)
	for k := range got {
		switch k {
		case haven.NoticeTravelBooked, haven.NoticeTravelChanged, haven.NoticePlacedTravelBooked:
		default:
			delete(got, k)
		}
	}
	return got
}

// mailTo returns the addresses of the pending mails.
func (e *env) mailTo(t testing.TB) []string {
	t.Helper()
	var out []string
	for _, d := range must[[]app.MailDue](t)(e.app.Notices.PendingMail(e.ctx, 1000, time.Minute)) {
		out = append(out, must[*app.Mail](t)(e.app.Notices.MailToSend(e.ctx, d.ID)).To)
		noErr(t, e.app.Notices.RecordDelivery(e.ctx, d.ID, true, "250", false))
	}
	slices.Sort(out)
	return out
}

// listed returns the case id of the actor's list, nil when it is not listed.
func (e *env) listed(t testing.TB, actor haven.Actor, id haven.ID) *haven.Case {
	t.Helper()
	cs := must[*haven.CasePage](t)(e.app.Cases.FindCasePage(e.ctx, actor, haven.CaseFilter{}))
	for _, c := range cs.Cases {
		if c.ID == id {
			return c
		}
	}
	return nil
}

// TestChangeTravel: the visa office moves a booked journey to another date,
// checked as a booking is; the settlement organisation the case is placed
// with sees the expected arrival on the case, in its list and in a notice
// of each booking and change, written in the act's transaction and mailed
// without content; the audit event holds dates and IDs alone. Another
// settlement organisation, and the referring partner, are told nothing.
func TestChangeTravel(t *testing.T) {
	forEngine(t, func(t *testing.T, e *env) {
		m := must[*haven.Case](t)
		other := e.otherSettler(t)
		noErr(t, e.app.Notices.SetPrefs(e.ctx, e.settlement, &haven.NoticePrefs{Email: "settler@example.org", EmailOn: true, Lang: "fr"}))
		noErr(t, e.app.Notices.SetPrefs(e.ctx, other, &haven.NoticePrefs{Email: "other@example.org", EmailOn: true, Lang: "en"}))
		noErr(t, e.app.Notices.SetPrefs(e.ctx, e.unhcr, &haven.NoticePrefs{Email: "unhcr@example.org", EmailOn: true, Lang: "en"}))
		c := e.placed(t, "Voyage")
		if got := e.travelNotices(t, e.settlement); len(got) != 0 {
			t.Fatalf("a placement without travel told %v", got)
		}
		today := haven.DateOf(e.clock.Now())
		first := today.AddDays(20)
		c = m(e.app.Cases.BookTravel(e.ctx, e.visa, c.ID, &haven.Travel{Date: first, Itinerary: "Flight TK 17 via Istanbul, met at gate B", TransportationLoan: true}))
		got := e.travelNotices(t, e.settlement)
		if n := got[haven.NoticeTravelBooked]; len(got) != 1 || len(n) != 1 || n[0].Due != first || n[0].CaseID != c.ID || n[0].CaseReference != c.Reference {
			t.Fatalf("after the booking the settlement organisation sees %v", got)
		}
		if to := e.mailTo(t); !slices.Equal(to, []string{"settler@example.org"}) {
			t.Fatalf("the booking mailed %v", to)
		}
		// It sees the expected arrival on the case and in its list.
		if s := m(e.app.Cases.FindCaseByID(e.ctx, e.settlement, c.ID)); s.Travel == nil || s.Travel.Date != first {
			t.Fatalf("the settlement organisation's case shows travel %+v", s.Travel)
		}
		if l := e.listed(t, e.settlement, c.ID); l == nil || l.Travel == nil || l.Travel.Date != first || l.Travel.Itinerary != "" {
			t.Fatalf("the settlement organisation's list row: %+v", l)
		}
		// The referring partner sees the date, not the itinerary.
		if r := m(e.app.Cases.FindCaseByID(e.ctx, e.unhcr, c.ID)); r.Travel == nil || r.Travel.Date != first || r.Travel.Itinerary != "" {
			t.Fatalf("the referring partner's case shows travel %+v", r.Travel)
		}

		// The change.
		before := len(e.auditEvents(t))
		second := today.AddDays(27)
		c = m(e.app.Cases.ChangeTravel(e.ctx, e.visa, c.ID, &haven.Travel{Date: second, Itinerary: "Flight AC 873 via Frankfurt, met at arrivals"}))
		if c.State != haven.StateTravelBooked || c.Travel == nil || c.Travel.Date != second ||
			c.Travel.Itinerary != "Flight AC 873 via Frankfurt, met at arrivals" || !c.Travel.TransportationLoan {
			t.Fatalf("after the change: %s %+v", c.State, c.Travel)
		}
		got = e.travelNotices(t, e.settlement)
		if n := got[haven.NoticeTravelChanged]; len(n) != 1 || n[0].Due != second || n[0].CaseID != c.ID || len(got[haven.NoticeTravelBooked]) != 1 {
			t.Fatalf("after the change the settlement organisation sees %v", got)
		}
		if to := e.mailTo(t); !slices.Equal(to, []string{"settler@example.org"}) {
			t.Fatalf("the change mailed %v", to)
		}
		if l := e.listed(t, e.settlement, c.ID); l == nil || l.Travel == nil || l.Travel.Date != second {
			t.Fatalf("the list after the change: %+v", l)
		}
		// One act: the change and its notice, in its transaction.
		var acts []string
		var change *haven.AuditEvent
		for _, ev := range e.auditEvents(t)[before:] {
			acts = append(acts, ev.Action)
			if ev.Action == "case.change_travel" {
				change = ev
			}
		}
		slices.Sort(acts)
		if !slices.Equal(acts, []string{"case.change_travel", "notice.create"}) || change == nil {
			t.Fatalf("the change wrote %v", acts)
		}
		var detail map[string]any
		noErr(t, json.Unmarshal([]byte(change.Detail), &detail))
		var keys []string
		for k := range detail {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		if !slices.Equal(keys, []string{"from", "itinerary_changed", "members", "previous_travel_date", "to", "travel_date"}) ||
			detail["travel_date"] != second.String() || detail["previous_travel_date"] != first.String() || detail["itinerary_changed"] != true {
			t.Fatalf("the audit detail: %s", change.Detail)
		}
		for _, secret := range []string{"Voyage", "Flight", "Frankfurt", "IR", "TR"} {
			if strings.Contains(change.Detail, secret) {
				t.Fatalf("the audit detail holds %q: %s", secret, change.Detail)
			}
		}
		// No itinerary given: the booked one stays.
		third := today.AddDays(30)
		c = m(e.app.Cases.ChangeTravel(e.ctx, e.visa, c.ID, &haven.Travel{Date: third}))
		if c.Travel.Date != third || c.Travel.Itinerary != "Flight AC 873 via Frankfurt, met at arrivals" {
			t.Fatalf("a change without itinerary: %+v", c.Travel)
		}
		if n := e.travelNotices(t, e.settlement)[haven.NoticeTravelChanged]; len(n) != 2 {
			t.Fatalf("after two changes the settlement organisation sees %d changes", len(n))
		}
		e.mailTo(t)
		// Nobody else is told, nor mailed.
		for _, a := range []haven.Actor{other, e.unhcr, e.visa, e.medical, e.admin} {
			if got := e.travelNotices(t, a); len(got) != 0 {
				t.Fatalf("%s sees %v", a.UserID, got)
			}
		}
		if l := e.listed(t, other, c.ID); l != nil {
			t.Fatalf("another settlement organisation lists the case: %+v", l)
		}
		_, err := e.app.Cases.FindCaseByID(e.ctx, other, c.ID)
		wantCode(t, err, haven.ENOTFOUND)
	})
}

// TestChangeTravelRefused: a change to no date, a past date, the date
// booked, a date past a traveller's medical, on a case not travel_booked,
// or by anyone but the visa office is refused with a clear error, and
// writes nothing: no travel, no audit event, no notice, no mail.
func TestChangeTravelRefused(t *testing.T) {
	forEngine(t, func(t *testing.T, e *env) {
		m := must[*haven.Case](t)
		noErr(t, e.app.Notices.SetPrefs(e.ctx, e.settlement, &haven.NoticePrefs{Email: "settler@example.org", EmailOn: true, Lang: "en"}))
		c := e.placed(t, "Refused")
		today := haven.DateOf(e.clock.Now())
		booked := today.AddDays(20)
		c = m(e.app.Cases.BookTravel(e.ctx, e.visa, c.ID, &haven.Travel{Date: booked, Itinerary: "Booked flight"}))
		e.mailTo(t)
		approved := e.placed(t, "NotBooked")
		// The medicals run a year from the start (passChecks).
		expiry := haven.DateOf(start.AddDate(1, 0, 0))
		notices := func() int {
			ns := must[*haven.Notifications](t)(e.app.Notices.FindNotifications(e.ctx, e.settlement))
			return len(ns.Items)
		}
		audits, told := len(e.auditEvents(t)), notices()
		for _, tc := range []struct {
			name  string
			actor haven.Actor
			id    haven.ID
			date  haven.Date
			code  haven.ErrorCode
			field string
		}{
			{"no date", e.visa, c.ID, haven.Date{}, haven.EINVALID, "date"},
			{"a past date", e.visa, c.ID, today.AddDays(-1), haven.EINVALID, "travel_date"},
			{"the date booked", e.visa, c.ID, booked, haven.EINVALID, "travel_date"},
			{"past a medical's expiry", e.visa, c.ID, expiry.AddDays(1), haven.ECONFLICT, ""},
			{"a case not travel_booked", e.visa, approved.ID, today.AddDays(10), haven.ECONFLICT, ""},
			{"the settlement organisation", e.settlement, c.ID, today.AddDays(10), haven.EFORBIDDEN, ""},
			{"the referring partner", e.unhcr, c.ID, today.AddDays(10), haven.EFORBIDDEN, ""},
			{"a medical partner", e.medical, c.ID, today.AddDays(10), haven.EFORBIDDEN, ""},
			{"no such case", e.visa, "case_nosuch", today.AddDays(10), haven.ENOTFOUND, ""},
		} {
			_, err := e.app.Cases.ChangeTravel(e.ctx, tc.actor, tc.id, &haven.Travel{Date: tc.date, Itinerary: "Never stored"})
			if haven.ErrorCodeOf(err) != tc.code {
				t.Fatalf("%s: %v, want %s", tc.name, err, tc.code)
			}
			if tc.field != "" && !slices.ContainsFunc(haven.FieldsOf(err), func(f haven.FieldProblem) bool { return f.Field == tc.field }) {
				t.Fatalf("%s: %v names no %s", tc.name, err, tc.field)
			}
			if tc.id == c.ID && tc.code == haven.ECONFLICT && !strings.Contains(haven.ErrorMessageOf(err), "medical exam") {
				t.Fatalf("%s: %v does not name the medical", tc.name, err)
			}
		}
		// Denials are audited (deny); nothing else is written.
		for _, ev := range e.auditEvents(t)[audits:] {
			if ev.Decision != "deny" {
				t.Fatalf("a refused change wrote %s (%s)", ev.Action, ev.Decision)
			}
		}
		if got := m(e.app.Cases.FindCaseByID(e.ctx, e.visa, c.ID)); got.Travel.Date != booked || got.Travel.Itinerary != "Booked flight" {
			t.Fatalf("a refused change wrote travel %+v", got.Travel)
		}
		if n := notices(); n != told {
			t.Fatalf("a refused change told the settlement organisation: %d notices, were %d", n, told)
		}
		if to := e.mailTo(t); len(to) != 0 {
			t.Fatalf("a refused change mailed %v", to)
		}
		// On hold, a booked case takes no change either; resumed, it takes
		// one to the medicals' last day.
		c = m(e.app.Cases.Hold(e.ctx, e.visa, c.ID, "Security review"))
		_, err := e.app.Cases.ChangeTravel(e.ctx, e.visa, c.ID, &haven.Travel{Date: today.AddDays(10)})
		wantCode(t, err, haven.ECONFLICT)
		c = m(e.app.Cases.Resume(e.ctx, e.visa, c.ID))
		c = m(e.app.Cases.ChangeTravel(e.ctx, e.visa, c.ID, &haven.Travel{Date: expiry}))
		if c.Travel.Date != expiry {
			t.Fatalf("travel on the medicals' last day: %+v", c.Travel)
		}
	})
}

// TestTravelAndPlacement: a case booked before it is placed tells no one;
// placing it tells the settlement organisation at once, with the expected
// arrival; placing it again with the same one tells nothing more. Placed
// with another, the first no longer sees the case nor any of its notices,
// and the new one sees its own alone.
func TestTravelAndPlacement(t *testing.T) {
	forEngine(t, func(t *testing.T, e *env) {
		m := must[*haven.Case](t)
		other := e.otherSettler(t)
		otherOrg := e.orgOf(t, other)
		c := e.refer(t, referral("Unplaced", 2, haven.PriorityUrgent))
		c = e.admissible(t, c)
		c = m(e.app.Cases.Approve(e.ctx, e.visa, c.ID, app.ApproveInput{}))
		date := haven.DateOf(e.clock.Now()).AddDays(15)
		c = m(e.app.Cases.BookTravel(e.ctx, e.visa, c.ID, &haven.Travel{Date: date}))
		for _, a := range []haven.Actor{e.settlement, other} {
			if got := e.travelNotices(t, a); len(got[haven.NoticeTravelBooked]) != 0 || len(got[haven.NoticePlacedTravelBooked]) != 0 {
				t.Fatalf("a booking of an unplaced case told %s %v", a.UserID, got)
			}
		}
		settler := e.orgs[haven.OrgSettlementOrganisation].ID
		c = m(e.app.Cases.AssignSettlement(e.ctx, e.visa, c.ID, settler))
		got := e.travelNotices(t, e.settlement)
		if n := got[haven.NoticePlacedTravelBooked]; len(got) != 1 || len(n) != 1 || n[0].Due != date || n[0].CaseID != c.ID {
			t.Fatalf("the placement told the settlement organisation %v", got)
		}
		c = m(e.app.Cases.AssignSettlement(e.ctx, e.visa, c.ID, settler))
		if n := e.travelNotices(t, e.settlement)[haven.NoticePlacedTravelBooked]; len(n) != 1 {
			t.Fatalf("placing again with the same organisation told it %d times", len(n))
		}
		c = m(e.app.Cases.ChangeTravel(e.ctx, e.visa, c.ID, &haven.Travel{Date: date.AddDays(3)}))
		mine := e.travelNotices(t, e.settlement)
		if len(mine[haven.NoticeTravelChanged]) != 1 {
			t.Fatalf("the settlement organisation sees %v", mine)
		}
		// Placed with another: the first sees neither the case nor its notices.
		c = m(e.app.Cases.AssignSettlement(e.ctx, e.visa, c.ID, otherOrg))
		if got, n := e.notices(t, e.settlement); len(got) != 0 || n != 0 {
			t.Fatalf("after the case moved on, the first settlement organisation sees %v (%d unread)", got, n)
		}
		wantCode(t, e.app.Notices.MarkRead(e.ctx, e.settlement, mine[haven.NoticeTravelChanged][0].ID), haven.ENOTFOUND)
		_, err := e.app.Cases.FindCaseByID(e.ctx, e.settlement, c.ID)
		wantCode(t, err, haven.ENOTFOUND)
		if l := e.listed(t, e.settlement, c.ID); l != nil {
			t.Fatalf("the first settlement organisation still lists the case: %+v", l)
		}
		got = e.travelNotices(t, other)
		if n := got[haven.NoticePlacedTravelBooked]; len(n) != 1 || n[0].CaseID != c.ID || n[0].Due != date.AddDays(3) || len(got[haven.NoticeTravelChanged]) != 0 {
			t.Fatalf("the new settlement organisation sees %v", got)
		}
		if l := e.listed(t, other, c.ID); l == nil || l.Travel == nil || l.Travel.Date != date.AddDays(3) {
			t.Fatalf("the new settlement organisation's list row: %+v", l)
		}
	})
}

// orgOf is the organisation of the actor.
func (e *env) orgOf(t testing.TB, a haven.Actor) haven.ID {
	t.Helper()
	var org haven.ID
	noErr(t, e.store.View(e.ctx, func(tx store.Tx) error {
		u, err := tx.FindUserByID(e.ctx, a.UserID)
		if err == nil {
			org = u.OrgID
		}
		return err
	}))
	return org
}

// TestTravelProblemsTogether: a booking, a change of travel and an arrival
// answer every problem of their input at once: the workflow's problem of
// the date (past, already booked, future) beside the problem of the
// itinerary or the port of entry, and a missing date said once. Nothing
// is written.
func TestTravelProblemsTogether(t *testing.T) {
	forEngine(t, func(t *testing.T, e *env) {
		fields := func(err error) []string {
			var out []string
			for _, f := range haven.FieldsOf(err) {
				out = append(out, f.Field)
			}
			slices.Sort(out)
			return out
		}
		want := func(name string, err error, fs ...string) {
			t.Helper()
			if haven.ErrorCodeOf(err) != haven.EINVALID || !slices.Equal(fields(err), fs) {
				t.Fatalf("%s: %v, want the fields %v", name, err, fs)
			}
		}
		long := strings.Repeat("a", 5001)
		today := haven.DateOf(e.clock.Now())
		c := e.placed(t, "Together")
		_, err := e.app.Cases.BookTravel(e.ctx, e.visa, c.ID, &haven.Travel{Date: today.AddDays(-1), Itinerary: long})
		want("a past date and a long itinerary", err, "itinerary", "travel_date")
		_, err = e.app.Cases.BookTravel(e.ctx, e.visa, c.ID, &haven.Travel{Itinerary: long})
		want("no date and a long itinerary", err, "date", "itinerary")
		if got := must[*haven.Case](t)(e.app.Cases.FindCaseByID(e.ctx, e.visa, c.ID)); got.Travel != nil || got.State != haven.StateApproved {
			t.Fatalf("a refused booking wrote %+v in %s", got.Travel, got.State)
		}

		booked := today.AddDays(20)
		must[*haven.Case](t)(e.app.Cases.BookTravel(e.ctx, e.visa, c.ID, &haven.Travel{Date: booked}))
		_, err = e.app.Cases.ChangeTravel(e.ctx, e.visa, c.ID, &haven.Travel{Date: booked, Itinerary: long})
		want("the date booked and a long itinerary", err, "itinerary", "travel_date")

		_, err = e.app.Cases.RecordArrival(e.ctx, e.visa, c.ID, &haven.Arrival{Date: today.AddDays(1), PortOfEntry: "Y1"})
		want("a future arrival and a bad port", err, "arrival_date", "port_of_entry")
		_, err = e.app.Cases.RecordArrival(e.ctx, e.visa, c.ID, &haven.Arrival{PortOfEntry: "Y1"})
		want("no arrival date and a bad port", err, "date", "port_of_entry")
		// A conflict of the case waits until the input is right.
		other := e.placed(t, "NotBooked")
		_, err = e.app.Cases.RecordArrival(e.ctx, e.visa, other.ID, &haven.Arrival{Date: today, PortOfEntry: "Y1"})
		want("a bad port on a case not booked", err, "port_of_entry")
		if got := must[*haven.Case](t)(e.app.Cases.FindCaseByID(e.ctx, e.visa, c.ID)); got.Arrival != nil || got.Travel.Date != booked {
			t.Fatalf("a refused act wrote %+v, %+v", got.Arrival, got.Travel)
		}
	})
}
