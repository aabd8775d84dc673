package app_test

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/havenhrd/haven"
	"github.com/havenhrd/haven/internal/app"
	"github.com/havenhrd/haven/internal/mail"
	"github.com/havenhrd/haven/internal/store"
	"github.com/havenhrd/haven/internal/testdb"
)

// Where an interview is, as the tests write it: none of it may reach the
// log, a notice, or the disk in the clear.
const (
	interviewPlace = "Interview room 4, UNHCR office Kavaklidere Ankara"
	interviewLink  = "https://meet.example.org/room/kq81-zz7p"
	interviewZone  = "Europe/Istanbul"
)

// interviewIn returns an interview days after the test clock's day, at
// 10:00 in Istanbul, in person, in Persian with an interpreter from
// English; no one named attending (the default).
func (e *env) interviewIn(days int) *haven.Interview {
	return &haven.Interview{Date: haven.DateOf(e.clock.Now()).AddDays(days), Time: "10:00", Zone: interviewZone,
		Place: interviewPlace, Language: "fa", Interpreter: true, InterpreterLanguage: "en"}
}

// inEligibility takes a referred case to eligibility_review.
func (e *env) inEligibility(t testing.TB, c *haven.Case) *haven.Case {
	t.Helper()
	m := must[*haven.Case](t)
	c = m(e.app.Cases.OpenFile(e.ctx, e.visa, c.ID))
	return m(e.app.Cases.StartEligibility(e.ctx, e.visa, c.ID))
}

// storedRow is the case's row as the store keeps it.
func (e *env) storedRow(t testing.TB, id haven.ID) *store.CaseRow {
	t.Helper()
	var r *store.CaseRow
	noErr(t, e.store.View(e.ctx, func(tx store.Tx) error {
		var err error
		r, err = tx.FindCaseByID(e.ctx, id, false)
		return err
	}))
	return r
}

// caseEvents returns the audit events of one action on the case, in order.
func (e *env) caseEvents(t testing.TB, id haven.ID, action string) []*haven.AuditEvent {
	t.Helper()
	var out []*haven.AuditEvent
	for _, ev := range e.auditEvents(t) {
		if ev.CaseID == id && ev.Action == action {
			out = append(out, ev)
		}
	}
	return out
}

// TestScheduleInterview: the visa office schedules the interview and the
// case goes to interview; the interview reads back with its place, zone
// and time at the place; the principal applicant and the accompanying
// adults attend by default; the act is audited with times and IDs alone,
// and the referring partner (alone) is told, in the same transaction.
// Moving it is a new act: a new audit event with the time it moved from, a
// new notice, the same interview; the timeline shows both.
func TestScheduleInterview(t *testing.T) {
	forEngine(t, func(t *testing.T, e *env) {
		m := must[*haven.Case](t)
		noErr(t, e.app.Notices.SetPrefs(e.ctx, e.unhcr, &haven.NoticePrefs{Email: "unhcr@example.org", EmailOn: true, Lang: "fr"}))
		c := e.inEligibility(t, e.refer(t, referral("Interview", 3, haven.PriorityUrgent)))
		c = m(e.app.Cases.ScheduleInterview(e.ctx, e.visa, c.ID, e.interviewIn(10)))
		iv := c.Interview
		if c.State != haven.StateInterview || iv == nil || iv.Place != interviewPlace || iv.Zone != interviewZone || iv.Time != "10:00" ||
			iv.Date != haven.DateOf(start).AddDays(10) || iv.Language != "fa" || !iv.Interpreter || iv.InterpreterLanguage != "en" || iv.ID == "" {
			t.Fatalf("scheduled: %s %+v", c.State, iv)
		}
		// 10:00 in Istanbul (UTC+3) is 07:00 UTC.
		if want := time.Date(2026, 3, 12, 7, 0, 0, 0, time.UTC); !iv.At.Equal(want) {
			t.Errorf("At = %v, want %v", iv.At, want)
		}
		// The principal (born 1985) and the spouse (1990); not the child
		// (born 2010, 15 on the day).
		if want := []haven.ID{c.Members[0].ID, c.Members[1].ID}; !slices.Equal(iv.Attending, want) {
			t.Errorf("attending %v, want %v", iv.Attending, want)
		}
		evs := e.caseEvents(t, c.ID, "case.schedule_interview")
		if len(evs) != 1 {
			t.Fatalf("%d audit events", len(evs))
		}
		var d map[string]any
		noErr(t, json.Unmarshal([]byte(evs[0].Detail), &d))
		if d["interview_id"] != string(iv.ID) || d["interview_at"] != "2026-03-12T07:00:00Z" || d["from"] != "eligibility_review" ||
			d["to"] != "interview" || d["previous_at"] != nil {
			t.Errorf("audit detail %s", evs[0].Detail)
		}
		noInterviewIn(t, "the audit detail", evs[0].Detail)
		got, _ := e.notices(t, e.unhcr)
		if len(got[haven.NoticeInterview]) != 1 || got[haven.NoticeInterview][0].CaseReference != c.Reference ||
			got[haven.NoticeInterview][0].Due != iv.Date {
			t.Fatalf("the referring partner is told %v", got)
		}
		for _, a := range []haven.Actor{e.visa, e.fld, e.screening, e.medical, e.settlement} {
			if got, _ := e.notices(t, a); len(got[haven.NoticeInterview]) != 0 {
				t.Errorf("%s is told %v", a.UserID, got)
			}
		}
		// The referring partner's user chose email: one mail, which says
		// nothing but that something needs it.
		due := must[[]app.MailDue](t)(e.app.Notices.PendingMail(e.ctx, 10, time.Minute))
		if len(due) != 1 {
			t.Fatalf("%d mails pending", len(due))
		}
		ml := must[*app.Mail](t)(e.app.Notices.MailToSend(e.ctx, due[0].ID))
		msg := must[*mail.Message](t)(mail.Render("notice", ml.Lang, "https://haven.test"))
		if ml.To != "unhcr@example.org" {
			t.Errorf("the mail goes to %q", ml.To)
		}
		noInterviewIn(t, "the mail", msg.Subject+msg.Text+msg.HTML)
		if strings.Contains(msg.Text+msg.HTML, c.Reference) || strings.Contains(msg.Text, "2026-03-12") {
			t.Errorf("the mail names the case or the day:\n%s", msg.Text)
		}

		// Moved: later, remote, two members named; the same interview.
		e.clock.Add(time.Hour)
		moved := e.interviewIn(12)
		moved.Place, moved.Link, moved.Time = "", interviewLink, "14:30"
		moved.Attending = []haven.ID{c.Members[0].ID, c.Members[2].ID}
		c = m(e.app.Cases.ScheduleInterview(e.ctx, e.visa, c.ID, moved))
		if c.State != haven.StateInterview || c.Interview.ID != iv.ID || c.Interview.Place != "" || c.Interview.Link != interviewLink ||
			c.Interview.Time != "14:30" || !slices.Equal(c.Interview.Attending, moved.Attending) {
			t.Fatalf("moved: %s %+v", c.State, c.Interview)
		}
		evs = e.caseEvents(t, c.ID, "case.schedule_interview")
		if len(evs) != 2 {
			t.Fatalf("%d audit events after the move", len(evs))
		}
		d = nil
		noErr(t, json.Unmarshal([]byte(evs[1].Detail), &d))
		if d["previous_at"] != "2026-03-12T07:00:00Z" || d["interview_at"] != "2026-03-14T11:30:00Z" || d["from"] != "interview" || d["to"] != "interview" {
			t.Errorf("the move's audit detail %s", evs[1].Detail)
		}
		noInterviewIn(t, "the move's audit detail", evs[1].Detail)
		if got, n := e.notices(t, e.unhcr); len(got[haven.NoticeInterview]) != 2 || n != 2 {
			t.Fatalf("after the move the referring partner is told %v (%d unread)", got, n)
		}
		for _, a := range []haven.Actor{e.visa, e.unhcr} {
			tl := must[*haven.Timeline](t)(e.app.Cases.FindCaseTimeline(e.ctx, a, c.ID, 0))
			var acts []string
			for _, en := range tl.Entries {
				if en.Act == "case.schedule_interview" {
					acts = append(acts, string(en.From)+">"+string(en.To))
				}
			}
			if want := []string{"eligibility_review>interview", "interview>interview"}; !slices.Equal(acts, want) {
				t.Errorf("%s's timeline: %v, want %v", a.UserID, acts, want)
			}
		}
		// The case read carries the same page of its timeline.
		if r := m(e.app.Cases.FindCaseByID(e.ctx, e.unhcr, c.ID)); r.Timeline == nil || len(r.Timeline.Entries) == 0 {
			t.Error("the referring partner's read has no timeline")
		}
	})
}

// noInterviewIn fails when s holds where the interview is, or its
// languages.
func noInterviewIn(t testing.TB, what, s string) {
	t.Helper()
	for _, needle := range []string{interviewPlace, "UNHCR office", interviewLink, "meet.example.org", interviewZone, "Istanbul", `"fa"`, `"en"`} {
		if strings.Contains(s, needle) {
			t.Errorf("%s holds %q: %s", what, needle, s)
		}
	}
}

// TestScheduleInterviewRefused: each bad input is EINVALID naming its
// field, and nothing is written: not the interview, not the state, not the
// clock, no audit event, no notice. A move refused leaves the interview as
// it was. A case that takes no interview is ECONFLICT.
func TestScheduleInterviewRefused(t *testing.T) {
	forEngine(t, func(t *testing.T, e *env) {
		m := must[*haven.Case](t)
		c := e.inEligibility(t, e.refer(t, referral("Refused", 3, haven.PriorityUrgent)))
		other := e.refer(t, referral("Other", 2, haven.PriorityUrgent))
		target := c.TargetDate // 42 days after referral
		if target.IsZero() {
			t.Fatal("the case has no target date")
		}
		tests := []struct {
			name   string
			change func(iv *haven.Interview)
			field  string
		}{
			{"a date passed", func(iv *haven.Interview) { iv.Date = haven.DateOf(e.clock.Now()).AddDays(-1) }, "date"},
			{"a time passed today", func(iv *haven.Interview) { iv.Date, iv.Time, iv.Zone = haven.DateOf(e.clock.Now()), "08:59", "UTC" }, "time"},
			{"after the target date", func(iv *haven.Interview) { iv.Date = target.AddDays(1) }, "date"},
			{"neither place nor link", func(iv *haven.Interview) { iv.Place, iv.Link = "", "" }, "place"},
			{"a link that is not https", func(iv *haven.Interview) { iv.Link = "http://meet.example.org/room" }, "link"},
			{"an interpreter with no language", func(iv *haven.Interview) { iv.InterpreterLanguage = "" }, "interpreter_language"},
			{"a member of another case", func(iv *haven.Interview) { iv.Attending = []haven.ID{c.Members[0].ID, other.Members[1].ID} }, "attending"},
			{"a member of no case", func(iv *haven.Interview) { iv.Attending = []haven.ID{"mem_unknown"} }, "attending"},
			{"an unknown zone", func(iv *haven.Interview) { iv.Zone = "Europe/Atlantis" }, "zone"},
		}
		check := func(before *store.CaseRow, events, notices int, ivBefore *haven.Interview) {
			t.Helper()
			after := e.storedRow(t, c.ID)
			if after.State != before.State || after.Version != before.Version || after.CaseClock != before.CaseClock {
				t.Errorf("the case changed: %+v, was %+v", after, before)
			}
			if n := len(e.caseEvents(t, c.ID, "case.schedule_interview")); n != events {
				t.Errorf("%d audit events, want %d", n, events)
			}
			if got, _ := e.notices(t, e.unhcr); len(got[haven.NoticeInterview]) != notices {
				t.Errorf("%d notices, want %d", len(got[haven.NoticeInterview]), notices)
			}
			r := m(e.app.Cases.FindCaseByID(e.ctx, e.visa, c.ID))
			switch {
			case ivBefore == nil && r.Interview != nil:
				t.Errorf("an interview was written: %+v", r.Interview)
			case ivBefore != nil && (r.Interview == nil || r.Interview.Date != ivBefore.Date || r.Interview.Place != ivBefore.Place ||
				!slices.Equal(r.Interview.Attending, ivBefore.Attending)):
				t.Errorf("the interview changed: %+v, was %+v", r.Interview, ivBefore)
			}
		}
		for _, moving := range []bool{false, true} {
			var before *haven.Interview
			events, notices := 0, 0
			if moving {
				before = m(e.app.Cases.ScheduleInterview(e.ctx, e.visa, c.ID, e.interviewIn(5))).Interview
				events, notices = 1, 1
			}
			for _, tc := range tests {
				row := e.storedRow(t, c.ID)
				iv := e.interviewIn(7)
				tc.change(iv)
				_, err := e.app.Cases.ScheduleInterview(e.ctx, e.visa, c.ID, iv)
				if haven.ErrorCodeOf(err) != haven.EINVALID {
					t.Errorf("moving %v, %s: %v, want EINVALID", moving, tc.name, err)
					continue
				}
				if fs := haven.FieldsOf(err); len(fs) != 1 || fs[0].Field != tc.field {
					t.Errorf("moving %v, %s: fields %+v, want %s", moving, tc.name, fs, tc.field)
				}
				noInterviewIn(t, tc.name+"'s error", err.Error())
				check(row, events, notices, before)
			}
		}
		// On the target date itself it is taken.
		on := e.interviewIn(0)
		on.Date = target
		m(e.app.Cases.ScheduleInterview(e.ctx, e.visa, c.ID, on))
		// A case in admissibility takes no interview; a held one neither.
		held := e.inEligibility(t, e.refer(t, referral("Held", 1, haven.PriorityNormal)))
		m(e.app.Cases.Hold(e.ctx, e.visa, held.ID, "awaiting a translation"))
		_, err := e.app.Cases.ScheduleInterview(e.ctx, e.visa, held.ID, e.interviewIn(3))
		wantCode(t, err, haven.ECONFLICT)
		late := e.inAdmissibility(t, e.refer(t, referral("Late", 1, haven.PriorityNormal)))
		_, err = e.app.Cases.ScheduleInterview(e.ctx, e.visa, late.ID, e.interviewIn(3))
		wantCode(t, err, haven.ECONFLICT)
		// Only the visa office schedules: the referring partner reads the
		// case and is refused; a partner that does not read it is told
		// what it would be told of a case that does not exist (its kind
		// never schedules: refused before any case is looked at).
		_, err = e.app.Cases.ScheduleInterview(e.ctx, e.unhcr, c.ID, e.interviewIn(3))
		wantCode(t, err, haven.EFORBIDDEN)
		_, errCase := e.app.Cases.ScheduleInterview(e.ctx, e.fld, c.ID, e.interviewIn(3))
		_, errNone := e.app.Cases.ScheduleInterview(e.ctx, e.fld, "case_doesnotexist", e.interviewIn(3))
		if errCase == nil || haven.ErrorCodeOf(errCase) != haven.ErrorCodeOf(errNone) || errCase.Error() != errNone.Error() {
			t.Errorf("a case out of reach answers %q, one that does not exist %q", errCase, errNone)
		}
	})
}

// TestInterviewClock: the interview sets the case's clock in the act's
// own transaction (what the act returns is what the store keeps): while
// the case is in interview the next step is the interview, due on its day
// (NextDue), and the eligibility stage's deadline is never before it;
// moving the interview moves both, back as well as forth; once its day
// has passed the next step is its assessment, due by the stage's deadline.
// A list's row shows the same day.
func TestInterviewClock(t *testing.T) {
	forEngine(t, func(t *testing.T, e *env) {
		m := must[*haven.Case](t)
		c := e.inEligibility(t, e.refer(t, referral("Clock", 2, haven.PriorityUrgent)))
		own := c.StageDue // the eligibility stage's own: 14 days for an urgent case
		if own.IsZero() || c.Next != haven.NextAssessment {
			t.Fatalf("in eligibility review: %+v, next %s", c.CaseClock, c.Next)
		}
		today := haven.DateOf(e.clock.Now())
		for _, tc := range []struct {
			name      string
			days      int
			due, base haven.Date
		}{
			{"before the stage's deadline", 5, own, haven.Date{}},
			{"after it: the deadline follows", 30, today.AddDays(30), own},
			{"moved back before it", 3, own, haven.Date{}},
		} {
			c = m(e.app.Cases.ScheduleInterview(e.ctx, e.visa, c.ID, e.interviewIn(tc.days)))
			on := today.AddDays(tc.days)
			if c.StageDue != tc.due || c.BaseDue != tc.base || c.NextDue != on || c.Next != haven.NextInterview || c.Due(today) != on {
				t.Errorf("%s: clock %+v, next %s; want StageDue %s, BaseDue %s, NextDue %s", tc.name, c.CaseClock, c.Next, tc.due, tc.base, on)
			}
			if k := e.storedRow(t, c.ID).CaseClock; k != c.CaseClock {
				t.Errorf("%s: stored %+v, returned %+v", tc.name, k, c.CaseClock)
			}
			page := must[*haven.CasePage](t)(e.app.Cases.FindCasePage(e.ctx, e.visa, haven.CaseFilter{}))
			if i := slices.IndexFunc(page.Cases, func(x *haven.Case) bool { return x.ID == c.ID }); i < 0 || page.Cases[i].Due(today) != on {
				t.Errorf("%s: the list's row is not due on the interview's day", tc.name)
			}
			// Due within the days to the interview: found; the day before: not.
			for _, within := range []int{tc.days, tc.days - 1} {
				p := must[*haven.CasePage](t)(e.app.Cases.FindCasePage(e.ctx, e.visa, haven.CaseFilter{DueWithin: within}))
				found := slices.ContainsFunc(p.Cases, func(x *haven.Case) bool { return x.ID == c.ID })
				if found != (within >= tc.days) && within > 0 {
					t.Errorf("%s: due within %d days finds the case: %v", tc.name, within, found)
				}
			}
		}
		// The interview's day passes: its assessment is next, due by the
		// stage's deadline; nothing is overdue yet.
		e.clock.Add(4 * 24 * time.Hour)
		r := m(e.app.Cases.FindCaseByID(e.ctx, e.visa, c.ID))
		now := haven.DateOf(e.clock.Now())
		if r.Next != haven.NextAssessment || r.Due(now) != own {
			t.Errorf("after the interview: next %s, due %s; want assessment by %s", r.Next, r.Due(now), own)
		}
		// A hold keeps the deadline the interview set and has no next day.
		e.clock.Add(-4 * 24 * time.Hour)
		c = m(e.app.Cases.ScheduleInterview(e.ctx, e.visa, c.ID, e.interviewIn(30)))
		c = m(e.app.Cases.Hold(e.ctx, e.visa, c.ID, "the interpreter is ill"))
		if c.StageDue != today.AddDays(30) || !c.NextDue.IsZero() || c.Next != haven.NextResume {
			t.Errorf("on hold: %+v, next %s", c.CaseClock, c.Next)
		}
		c = m(e.app.Cases.Resume(e.ctx, e.visa, c.ID))
		if c.NextDue != today.AddDays(30) || c.Next != haven.NextInterview {
			t.Errorf("resumed: %+v, next %s", c.CaseClock, c.Next)
		}
		// Found eligible: the admissibility stage's own clock.
		c = m(e.app.Cases.RecordAssessment(e.ctx, e.visa, c.ID, &haven.EligibilityAssessment{OutsideCountry: true, WellFoundedFear: true,
			NoInternalFlight: true, NoDurableSolution: true, Interviewed: true, Grounds: []haven.Ground{haven.GroundPoliticalOpinion}}))
		if c.Stage != haven.StageAdmissibility || !c.NextDue.IsZero() || !c.BaseDue.IsZero() || c.StageDue != today.AddDays(18) {
			t.Errorf("eligible: %+v", c.CaseClock)
		}
	})
}

// TestInterviewNeedToKnow: the visa office and the referring partner see
// the whole interview, the referring partner with the attending members'
// contact details its view holds; a partner that only nominated the case,
// a check partner and the settlement organisation get no interview, nor
// the days it sets on the clock; a partner that neither referred nor
// nominated the case is answered as for a case that does not exist.
func TestInterviewNeedToKnow(t *testing.T) {
	forEngine(t, func(t *testing.T, e *env) {
		m := must[*haven.Case](t)
		n := &haven.Nomination{ReferralOrgID: e.orgs[haven.OrgReferralPartner].ID, DefenderName: "Defender Nominated",
			RiskAssessment: "High", RecommendedPriority: haven.PriorityUrgent, NationalityCountries: []string{"IR"}, AsylumCountry: "TR", FamilySize: 2}
		noErr(t, e.app.Nominations.CreateNomination(e.ctx, e.fld, n))
		must[*haven.Nomination](t)(e.app.Nominations.ReviewNomination(e.ctx, e.unhcr, n.ID))
		ref := referral("Need", 2, haven.PriorityUrgent)
		ref.NominationID = n.ID
		c := e.inEligibility(t, e.refer(t, ref))
		iv := e.interviewIn(30) // later than the stage's own deadline
		iv.Link = interviewLink
		c = m(e.app.Cases.ScheduleInterview(e.ctx, e.visa, c.ID, iv))
		own := c.BaseDue
		if own.IsZero() {
			t.Fatalf("the interview did not move the deadline: %+v", c.CaseClock)
		}
		for name, a := range map[string]haven.Actor{"visa office": e.visa, "referring partner": e.unhcr} {
			r := m(e.app.Cases.FindCaseByID(e.ctx, a, c.ID))
			if r.Interview == nil || r.Interview.Place != interviewPlace || r.Interview.Link != interviewLink || r.Interview.Zone != interviewZone ||
				r.Interview.Time != "10:00" || r.Interview.InterpreterLanguage != "en" || len(r.Interview.Attending) != 2 ||
				r.NextDue.IsZero() || r.Next != haven.NextInterview {
				t.Errorf("%s reads %+v, clock %+v, next %s", name, r.Interview, r.CaseClock, r.Next)
			}
			for _, id := range r.Interview.Attending {
				if mem := r.Member(id); mem == nil || mem.Contact == "" {
					t.Errorf("%s: no contact for attending member %s", name, id)
				}
			}
		}
		// The nominating partner sees the case's status alone: not even
		// that the next step waits for the interview's day.
		r := m(e.app.Cases.FindCaseByID(e.ctx, e.fld, c.ID))
		if r.Interview != nil || !r.NextDue.IsZero() || !r.BaseDue.IsZero() || !r.StageDue.IsZero() || r.Next != haven.NextAssessment {
			t.Errorf("the nominating partner reads %+v, clock %+v, next %s", r.Interview, r.CaseClock, r.Next)
		}
		page := must[*haven.CasePage](t)(e.app.Cases.FindCasePage(e.ctx, e.fld, haven.CaseFilter{}))
		for _, x := range page.Cases {
			if x.Interview != nil || !x.NextDue.IsZero() || !x.BaseDue.IsZero() {
				t.Errorf("the nominating partner's list row %+v", x.CaseClock)
			}
		}
		// Another protection partner: the case does not exist for it.
		pd := &haven.Organisation{Kind: haven.OrgProtectionPartner, Name: "ProtectDefenders", Country: "BE"}
		noErr(t, e.app.Programme.CreateOrganisation(e.ctx, e.admin, pd))
		u := &haven.User{OrgID: pd.ID, Role: haven.RoleCaseworker, Username: "pd-worker", DisplayName: "PD worker"}
		_, err := e.app.Programme.CreateUser(e.ctx, e.admin, u)
		noErr(t, err)
		stranger := haven.Actor{UserID: u.ID}
		_, errCase := e.app.Cases.FindCaseByID(e.ctx, stranger, c.ID)
		_, errNone := e.app.Cases.FindCaseByID(e.ctx, stranger, "case_doesnotexist")
		wantCode(t, errCase, haven.ENOTFOUND)
		if errCase.Error() != errNone.Error() {
			t.Errorf("a case out of reach answers %q, one that does not exist %q", errCase, errNone)
		}
		_, errCase = e.app.Cases.FindCaseTimeline(e.ctx, stranger, c.ID, 0)
		_, errNone = e.app.Cases.FindCaseTimeline(e.ctx, stranger, "case_doesnotexist", 0)
		if haven.ErrorCodeOf(errCase) != haven.ENOTFOUND || errCase.Error() != errNone.Error() {
			t.Errorf("the timeline out of reach answers %q, of no case %q", errCase, errNone)
		}
		if got, _ := e.notices(t, stranger); len(got) != 0 {
			t.Errorf("the stranger is told %v", got)
		}

		// On to admissibility, the check partners assigned: they see their
		// members, and nothing of the interview.
		c = m(e.app.Cases.RecordAssessment(e.ctx, e.visa, c.ID, &haven.EligibilityAssessment{OutsideCountry: true, WellFoundedFear: true,
			NoInternalFlight: true, NoDurableSolution: true, Interviewed: true, Grounds: []haven.Ground{haven.GroundPoliticalOpinion}}))
		c = m(e.app.Cases.StartAdmissibility(e.ctx, e.visa, c.ID))
		e.assignAll(t, c)
		// The interview's place made unreadable while they read: a read
		// that opened it would fail; it is put back for the visa office.
		var place store.Sealed
		noErr(t, e.store.View(e.ctx, func(tx store.Tx) error {
			r, err := tx.FindInterview(e.ctx, c.ID)
			if err == nil {
				place = r.Place
			}
			return err
		}))
		testdb.Exec(t, e.store, `UPDATE interviews SET place_enc = $1 WHERE case_id = $2`, []byte("not a sealed value, cannot be opened"), c.ID)
		for _, a := range []haven.Actor{e.screening, e.medical} {
			r := m(e.app.Cases.FindCaseByID(e.ctx, a, c.ID))
			if len(r.Members) == 0 || r.Interview != nil {
				t.Errorf("a check partner reads %d members, interview %+v", len(r.Members), r.Interview)
			}
			for _, w := range must[[]*haven.Case](t)(e.app.Cases.FindAssignedWork(e.ctx, a)) {
				if w.Interview != nil {
					t.Errorf("a check partner's work holds the interview %+v", w.Interview)
				}
			}
		}
		if _, err := e.app.Cases.FindCaseByID(e.ctx, e.unhcr, c.ID); haven.ErrorCodeOf(err) != haven.EINTERNAL {
			t.Fatalf("the referring partner read a place that does not open: %v", err)
		}
		testdb.Exec(t, e.store, `UPDATE interviews SET place_enc = $1 WHERE case_id = $2`, []byte(place), c.ID)
		// Approved and placed: the settlement organisation sees nothing of it.
		c = e.passChecks(t, c)
		c = m(e.app.Cases.ConfirmAdmissible(e.ctx, e.visa, c.ID))
		c = m(e.app.Cases.Approve(e.ctx, e.visa, c.ID, app.ApproveInput{}))
		c = m(e.app.Cases.AssignSettlement(e.ctx, e.visa, c.ID, e.orgs[haven.OrgSettlementOrganisation].ID))
		// The interview's place made unreadable: a read that opens it
		// fails; those outside the view never open it, and succeed.
		testdb.Exec(t, e.store, `UPDATE interviews SET place_enc = $1 WHERE case_id = $2`, []byte("not a sealed value, cannot be opened"), c.ID)
		r = m(e.app.Cases.FindCaseByID(e.ctx, e.settlement, c.ID))
		if len(r.Members) == 0 || r.Interview != nil {
			t.Errorf("the settlement organisation reads %d members, interview %+v", len(r.Members), r.Interview)
		}
		m(e.app.Cases.FindCaseByID(e.ctx, e.fld, c.ID))
		must2(t)(e.app.Cases.FindCases(e.ctx, e.settlement, haven.CaseFilter{}))
		// The visa office and the referring partner open it: the place no
		// longer opens, and the read fails rather than show part of it.
		for _, a := range []haven.Actor{e.visa, e.unhcr} {
			_, err := e.app.Cases.FindCaseByID(e.ctx, a, c.ID)
			wantCode(t, err, haven.EINTERNAL)
		}
		for _, a := range []haven.Actor{e.screening, e.medical, e.settlement, e.fld} {
			if got, _ := e.notices(t, a); len(got[haven.NoticeInterview]) != 0 {
				t.Errorf("%s is told of the interview", a.UserID)
			}
		}
	})
}

// TestInterviewNoPlaintextOnDisk: where an interview is (its place, its
// link, its zone) is nowhere in the clear in what each engine keeps.
func TestInterviewNoPlaintextOnDisk(t *testing.T) {
	forEngine(t, func(t *testing.T, e *env) {
		const place, link = "CANARY-interview-place-5521 Ankara", "https://canary-link-8830.example.org/room"
		c := e.inEligibility(t, e.refer(t, referral("Canary", 2, haven.PriorityUrgent)))
		iv := e.interviewIn(5)
		iv.Place, iv.Link, iv.Zone = place, link, "Asia/Ulaanbaatar"
		must[*haven.Case](t)(e.app.Cases.ScheduleInterview(e.ctx, e.visa, c.ID, iv))
		if hits := testdb.PlaintextHits(t, e.store, []string{place, "canary-link-8830", "Ulaanbaatar"}); len(hits) != 0 {
			t.Fatalf("the interview in the clear: %v", hits)
		}
	})
}
