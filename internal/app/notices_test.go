package app_test

import (
	"sync"
	"testing"
	"time"

	"github.com/havenhrd/haven"
	"github.com/havenhrd/haven/internal/app"
	"github.com/havenhrd/haven/internal/store"
)

// notices returns the notices the actor sees, by kind, and its unread count.
func (e *env) notices(t testing.TB, actor haven.Actor) (map[haven.NoticeKind][]*haven.Notification, int) {
	t.Helper()
	ns := must[*haven.Notifications](t)(e.app.Notices.FindNotifications(e.ctx, actor))
	out := map[haven.NoticeKind][]*haven.Notification{}
	for _, n := range ns.Items {
		out[n.Kind] = append(out[n.Kind], n)
	}
	if c := must[int](t)(e.app.Notices.CountUnread(e.ctx, actor)); c != ns.Unread {
		t.Fatalf("CountUnread = %d, FindNotifications' unread = %d", c, ns.Unread)
	}
	return out, ns.Unread
}

// fireDue fires every due watch and returns how many notices it wrote.
func (e *env) fireDue(t testing.TB) (map[haven.NoticeKind]int, int) {
	t.Helper()
	ws := must[[]app.Watch](t)(e.app.Notices.DueWatches(e.ctx))
	wrote := map[haven.NoticeKind]int{}
	for _, w := range ws {
		if must[bool](t)(e.app.Notices.Fire(e.ctx, w)) {
			wrote[w.Kind]++
		}
	}
	return wrote, len(ws)
}

// supervisor adds a supervisor to the organisation of kind.
func (e *env) user(t testing.TB, kind haven.OrgKind, role haven.Role, name string) haven.Actor {
	t.Helper()
	u := &haven.User{OrgID: e.orgs[kind].ID, Role: role, Username: name, DisplayName: name}
	if _, err := e.app.Programme.CreateUser(e.ctx, e.admin, u); err != nil {
		t.Fatal(err)
	}
	return haven.Actor{UserID: u.ID}
}

// TestStageNotices: an emergency's stage is warned of at 75% of its budget
// and breached past its deadline, each once however often the watchers
// run; the warning goes to the visa office's caseworkers, the breach also
// to its supervisors; the referring partner is told neither. A case that
// does not move for 24 hours is escalated to the supervisors. The
// programme administration's supervisor, to whom an emergency's breach and
// stall are escalated, is shown both as escalations (the reference, the
// kind, the stage, its deadline, the priority; no case ID to follow), not
// the warning, and still cannot open the case: it answers as a case that
// does not exist.
func TestStageNotices(t *testing.T) {
	forEngine(t, func(t *testing.T, e *env) {
		sup := e.user(t, haven.OrgVisaOffice, haven.RoleSupervisor, "visa-sup")
		progSup := e.user(t, haven.OrgProgrammeAdmin, haven.RoleSupervisor, "prog-sup")
		c := e.refer(t, referral("Stage", 2, haven.PriorityEmergency))
		if wrote, n := e.fireDue(t); n != 0 || len(wrote) != 0 {
			t.Fatalf("a new referral has due notices: %v (%d)", wrote, n)
		}
		// The file stage has a day: 75% of it is 18 hours.
		e.clock.Add(17 * time.Hour)
		if _, n := e.fireDue(t); n != 0 {
			t.Fatalf("17 hours in, %d notices are due", n)
		}
		e.clock.Add(2 * time.Hour)
		if wrote, _ := e.fireDue(t); wrote[haven.NoticeStageWarning] != 1 || len(wrote) != 1 {
			t.Fatalf("19 hours in, wrote %v", wrote)
		}
		if wrote, n := e.fireDue(t); n != 0 || len(wrote) != 0 {
			t.Fatalf("the watchers ran again and found %d, wrote %v", n, wrote)
		}
		got, unread := e.notices(t, e.visa)
		if unread != 1 || len(got[haven.NoticeStageWarning]) != 1 || got[haven.NoticeStageWarning][0].CaseReference != c.Reference ||
			got[haven.NoticeStageWarning][0].CaseID != c.ID {
			t.Fatalf("the visa office's caseworker sees %v, %d unread", got, unread)
		}
		if got, _ := e.notices(t, sup); len(got) != 0 {
			t.Fatalf("the supervisor is told of a warning: %v", got)
		}
		// Past the deadline's day: the breach, escalated.
		e.clock.Add(2 * 24 * time.Hour)
		wrote, _ := e.fireDue(t)
		if wrote[haven.NoticeStageBreach] != 1 || wrote[haven.NoticeEmergencyStalled] != 1 {
			t.Fatalf("past the deadline, wrote %v", wrote)
		}
		if got, _ := e.notices(t, sup); len(got[haven.NoticeStageBreach]) != 1 || len(got[haven.NoticeEmergencyStalled]) != 1 {
			t.Fatalf("the supervisor sees %v", got)
		}
		if got, _ := e.notices(t, e.visa); len(got[haven.NoticeStageBreach]) != 1 || len(got[haven.NoticeEmergencyStalled]) != 0 {
			t.Fatalf("the caseworker sees %v", got)
		}
		for _, a := range []haven.Actor{e.unhcr, e.admin, e.settlement, e.medical} {
			got, _ := e.notices(t, a)
			delete(got, haven.NoticeEnrolmentExpiring) // the users' own links, not yet used
			if len(got) != 0 {
				t.Fatalf("%s sees %v", a.UserID, got)
			}
		}
		// The supervisors of the visa office see the case behind each
		// notice; the programme administration's, the escalation alone.
		for _, n := range must[*haven.Notifications](t)(e.app.Notices.FindNotifications(e.ctx, sup)).Items {
			if n.Escalation || n.CaseID != c.ID {
				t.Fatalf("the visa office's supervisor is shown %+v", n)
			}
		}
		got, unread = e.notices(t, progSup)
		if unread != 2 || len(got) != 2 || len(got[haven.NoticeStageBreach]) != 1 || len(got[haven.NoticeEmergencyStalled]) != 1 {
			t.Fatalf("the programme's supervisor sees %v, %d unread", got, unread)
		}
		for _, n := range []*haven.Notification{got[haven.NoticeStageBreach][0], got[haven.NoticeEmergencyStalled][0]} {
			if want := (haven.Notification{ID: n.ID, Kind: n.Kind, CaseReference: c.Reference, Due: c.StageDue, Stage: haven.StageFile,
				Priority: haven.PriorityEmergency, Escalation: true, CreatedAt: n.CreatedAt}); *n != want {
				t.Fatalf("the programme's supervisor is shown %+v, want %+v", *n, want)
			}
		}
		// The escalation opens nothing: the case answers as one that does
		// not exist (the administration may read no case at all).
		_, hidden := e.app.Cases.FindCaseByID(e.ctx, progSup, c.ID)
		_, none := e.app.Cases.FindCaseByID(e.ctx, progSup, "case_nosuch")
		if hidden == nil || haven.ErrorCodeOf(hidden) != haven.ErrorCodeOf(none) || hidden.Error() != none.Error() {
			t.Fatalf("the escalated case answers %q, a case that does not exist %q", hidden, none)
		}
		noErr(t, e.app.Notices.MarkRead(e.ctx, progSup, got[haven.NoticeStageBreach][0].ID))
		if _, n := e.notices(t, progSup); n != 1 {
			t.Fatalf("the programme's supervisor has %d unread after marking one read", n)
		}
		// The case moves: a new stage, a new deadline.
		c = must[*haven.Case](t)(e.app.Cases.OpenFile(e.ctx, e.visa, c.ID))
		if _, n := e.fireDue(t); n != 0 {
			t.Fatalf("the case just moved and %d notices are due", n)
		}
		// Read: the count falls; another's mark is not the reader's.
		_, before := e.notices(t, e.visa)
		got, _ = e.notices(t, e.visa)
		noErr(t, e.app.Notices.MarkRead(e.ctx, e.visa, got[haven.NoticeStageBreach][0].ID))
		if _, n := e.notices(t, e.visa); n != before-1 {
			t.Fatalf("unread %d after marking one of %d read", n, before)
		}
		if _, n := e.notices(t, sup); n != 2 {
			t.Fatalf("the supervisor's unread count moved with the caseworker's: %d", n)
		}
		// A notice the reader may not see answers as one that does not exist.
		wantCode(t, e.app.Notices.MarkRead(e.ctx, e.unhcr, got[haven.NoticeStageBreach][0].ID), haven.ENOTFOUND)
		wantCode(t, e.app.Notices.MarkRead(e.ctx, e.visa, "ntc_nosuch"), haven.ENOTFOUND)
		noErr(t, e.app.Notices.MarkRead(e.ctx, sup, ""))
		if _, n := e.notices(t, sup); n != 0 {
			t.Fatalf("after marking all read, %d unread", n)
		}
	})
}

// TestEscalationsOnly: the programme administration is shown, of the
// notices addressed to it about cases it may not read, only an
// emergency's stage breach and stall: not a warning, not another kind, not
// a breach of a case of another priority, whoever addressed them; and an
// escalation addressed to others is not its to see. An urgent case's
// breach, through the watchers, is escalated to the visa office's
// supervisors alone.
func TestEscalationsOnly(t *testing.T) {
	forEngine(t, func(t *testing.T, e *env) {
		progSup := e.user(t, haven.OrgProgrammeAdmin, haven.RoleSupervisor, "prog-only")
		emergency := e.refer(t, referral("Escalated", 1, haven.PriorityEmergency))
		urgent := e.refer(t, referral("Urgent", 1, haven.PriorityUrgent))
		prog := []store.Recipient{{OrgID: e.orgs[haven.OrgProgrammeAdmin].ID, Role: haven.RoleSupervisor}}
		visa := []store.Recipient{{OrgID: e.orgs[haven.OrgVisaOffice].ID, Role: haven.RoleSupervisor}}
		due := haven.DateOf(e.clock.Now())
		for _, n := range []struct {
			id       haven.ID
			kind     haven.NoticeKind
			c        *haven.Case
			priority haven.Priority
			to       []store.Recipient
		}{
			{"ntc_shown", haven.NoticeStageBreach, emergency, haven.PriorityEmergency, prog},
			{"ntc_warning", haven.NoticeStageWarning, emergency, haven.PriorityEmergency, prog},
			{"ntc_request", haven.NoticeInfoUnanswered, emergency, haven.PriorityEmergency, prog},
			{"ntc_checks", haven.NoticeChecksOverdue, emergency, haven.PriorityEmergency, prog},
			{"ntc_urgent", haven.NoticeStageBreach, urgent, haven.PriorityUrgent, prog},
			{"ntc_unstaged", haven.NoticeEmergencyStalled, emergency, "", prog},
			{"ntc_others", haven.NoticeEmergencyStalled, emergency, haven.PriorityEmergency, visa},
		} {
			noErr(t, e.store.Update(e.ctx, func(tx store.Tx) error {
				_, err := tx.CreateNotification(e.ctx, &store.NotificationRow{ID: n.id, DedupeKey: string(n.id), Kind: n.kind, CaseID: n.c.ID,
					Due: due, Stage: haven.StageFile, Priority: n.priority, CreatedAt: e.clock.Now()}, n.to)
				return err
			}))
		}
		ns := must[*haven.Notifications](t)(e.app.Notices.FindNotifications(e.ctx, progSup))
		if ns.Unread != 1 || len(ns.Items) != 1 || ns.Items[0].ID != "ntc_shown" || !ns.Items[0].Escalation || ns.Items[0].CaseID != "" {
			t.Fatalf("the programme's supervisor is shown %d unread of %+v", ns.Unread, ns.Items)
		}
		for _, id := range []haven.ID{"ntc_warning", "ntc_urgent", "ntc_others"} {
			wantCode(t, e.app.Notices.MarkRead(e.ctx, progSup, id), haven.ENOTFOUND)
		}
		// The visa office's supervisor reads both cases: shown its own as
		// notices about them, not as escalations.
		for _, n := range must[*haven.Notifications](t)(e.app.Notices.FindNotifications(e.ctx, e.user(t, haven.OrgVisaOffice, haven.RoleSupervisor, "visa-only"))).Items {
			if n.ID != "ntc_others" || n.Escalation || n.CaseID != emergency.ID {
				t.Fatalf("the visa office's supervisor is shown %+v", n)
			}
		}

		// The urgent file stage has 3 days; past them, the breach is the
		// visa office's alone.
		e.clock.Add(4*24*time.Hour + time.Hour)
		if wrote, _ := e.fireDue(t); wrote[haven.NoticeStageBreach] != 2 {
			t.Fatalf("wrote %v", wrote)
		}
		got, _ := e.notices(t, progSup)
		if len(got) != 2 || len(got[haven.NoticeStageBreach]) != 2 || len(got[haven.NoticeEmergencyStalled]) != 1 {
			t.Fatalf("the programme's supervisor sees %v", got)
		}
		for _, n := range got[haven.NoticeStageBreach] {
			if n.CaseReference != emergency.Reference {
				t.Fatalf("the programme's supervisor is shown the urgent case's breach: %+v", n)
			}
		}
	})
}

// TestFireOnceConcurrently: many transactions firing one deadline at once
// write one notice, whichever engine.
func TestFireOnceConcurrently(t *testing.T) {
	forEngine(t, func(t *testing.T, e *env) {
		e.refer(t, referral("Race", 1, haven.PriorityEmergency))
		e.clock.Add(19 * time.Hour)
		ws := must[[]app.Watch](t)(e.app.Notices.DueWatches(e.ctx))
		if len(ws) != 1 {
			t.Fatalf("due: %v", ws)
		}
		var wg sync.WaitGroup
		var mu sync.Mutex
		wrote := 0
		for range 8 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				ok, err := e.app.Notices.Fire(e.ctx, ws[0])
				if err != nil && haven.ErrorCodeOf(err) != haven.EUNAVAILABLE {
					t.Error(err)
				}
				if ok {
					mu.Lock()
					wrote++
					mu.Unlock()
				}
			}()
		}
		wg.Wait()
		if got, _ := e.notices(t, e.visa); wrote != 1 || len(got[haven.NoticeStageWarning]) != 1 {
			t.Fatalf("8 concurrent fires wrote %d, the visa office sees %v", wrote, got)
		}
	})
}

// TestSafetyConcernNotice: a follow-up that reports a safety concern tells
// the visa office and the settlement organisation in its own transaction;
// the referring partner and another settlement organisation are not told.
// A follow-up due and not held is told to the settlement organisation.
func TestSafetyConcernNotice(t *testing.T) {
	forEngine(t, func(t *testing.T, e *env) {
		m := must[*haven.Case](t)
		other := e.otherSettler(t)
		c := e.placed(t, "Safety")
		arrived := haven.DateOf(e.clock.Now())
		c = m(e.app.Cases.BookTravel(e.ctx, e.visa, c.ID, &haven.Travel{Date: arrived}))
		c = m(e.app.Cases.RecordArrival(e.ctx, e.visa, c.ID, &haven.Arrival{Date: arrived, PortOfEntry: "YWG"}))
		// The booking told the settlement organisation (travel_test.go): read.
		noErr(t, e.app.Notices.MarkRead(e.ctx, e.settlement, ""))
		e.clock.Add(30 * 24 * time.Hour)
		m(e.app.Cases.RecordFollowUp(e.ctx, e.settlement, c.ID, &haven.FollowUp{Month: 1, Held: haven.DateOf(e.clock.Now()), SafetyConcern: true, Notes: "Followed"}))
		for _, a := range []haven.Actor{e.visa, e.settlement} {
			if got, n := e.notices(t, a); len(got[haven.NoticeSafetyConcern]) != 1 || n != 1 || got[haven.NoticeSafetyConcern][0].CaseReference != c.Reference {
				t.Fatalf("%s sees %v", a.UserID, got)
			}
		}
		for _, a := range []haven.Actor{e.unhcr, other, e.admin} {
			if got, _ := e.notices(t, a); len(got) != 0 {
				t.Fatalf("%s sees %v", a.UserID, got)
			}
		}
		// The three-month follow-up falls due and is not held.
		e.clock.Add(62 * 24 * time.Hour)
		if wrote, _ := e.fireDue(t); wrote[haven.NoticeFollowUpDue] != 1 {
			t.Fatalf("wrote %v", wrote)
		}
		if got, _ := e.notices(t, e.settlement); len(got[haven.NoticeFollowUpDue]) != 1 || got[haven.NoticeFollowUpDue][0].Due != arrived.AddMonths(3) {
			t.Fatalf("the settlement organisation sees %v", got)
		}
		if got, _ := e.notices(t, other); len(got) != 0 {
			t.Fatalf("another settlement organisation sees %v", got)
		}
	})
}

// TestChecksAndRequests: checks not recorded within their budget are told
// to the partner holding them and to the visa office, and the partner
// stops seeing the notice once the case is out of its sight; a request
// for information unanswered for the year's days is told to the referring
// partner and the visa office.
func TestChecksAndRequests(t *testing.T) {
	forEngine(t, func(t *testing.T, e *env) {
		m := must[*haven.Case](t)
		c := e.refer(t, referral("Checks", 2, haven.PriorityUrgent))
		c = e.inAdmissibility(t, c)
		e.assignAll(t, c)
		// The urgent admissibility budget is 18 days from the assignment.
		e.clock.Add(17 * 24 * time.Hour)
		if wrote, _ := e.fireDue(t); wrote[haven.NoticeChecksOverdue] != 0 {
			t.Fatalf("checks overdue too soon: %v", wrote)
		}
		// The medical partner records its checks in time; the screening
		// partner does not.
		valid := haven.DateOf(e.clock.Now().AddDate(1, 0, 0))
		for _, mem := range c.Travellers() {
			c = m(e.app.Cases.RecordCheck(e.ctx, e.medical, c.ID, &haven.Check{MemberID: mem.ID, Kind: haven.CheckMedical, Result: haven.ResultPassed, ValidUntil: valid}))
		}
		e.clock.Add(2 * 24 * time.Hour)
		if wrote, _ := e.fireDue(t); wrote[haven.NoticeChecksOverdue] != 1 {
			t.Fatalf("wrote %v", wrote)
		}
		if got, _ := e.notices(t, e.screening); len(got[haven.NoticeChecksOverdue]) != 1 {
			t.Fatalf("the screening partner sees %v", got)
		}
		if got, _ := e.notices(t, e.medical); len(got) != 0 {
			t.Fatalf("the medical partner, whose checks are in, sees %v", got)
		}
		if got, _ := e.notices(t, e.visa); len(got[haven.NoticeChecksOverdue]) != 1 {
			t.Fatalf("the visa office sees %v", got)
		}
		// Checks in and the case approved: the screening partner no
		// longer sees the case, nor the notice about it.
		c = e.passChecks(t, m(e.app.Cases.FindCaseByID(e.ctx, e.visa, c.ID)))
		c = m(e.app.Cases.ConfirmAdmissible(e.ctx, e.visa, c.ID))
		c = m(e.app.Cases.Approve(e.ctx, e.visa, c.ID, app.ApproveInput{}))
		if got, n := e.notices(t, e.screening); len(got) != 0 || n != 0 {
			t.Fatalf("the screening partner still sees %v (%d)", got, n)
		}

		// A request for information, unanswered for five days.
		r := e.refer(t, referral("Request", 1, haven.PriorityNormal))
		r = m(e.app.Cases.OpenFile(e.ctx, e.visa, r.ID))
		r = m(e.app.Cases.RequestInfo(e.ctx, e.visa, r.ID, "Which camp?"))
		e.clock.Add(4 * 24 * time.Hour)
		if wrote, _ := e.fireDue(t); wrote[haven.NoticeInfoUnanswered] != 0 {
			t.Fatalf("wrote %v after 4 days", wrote)
		}
		e.clock.Add(24 * time.Hour)
		if wrote, _ := e.fireDue(t); wrote[haven.NoticeInfoUnanswered] != 1 {
			t.Fatalf("wrote %v after 5 days", wrote)
		}
		for _, a := range []haven.Actor{e.unhcr, e.visa} {
			if got, _ := e.notices(t, a); len(got[haven.NoticeInfoUnanswered]) != 1 || got[haven.NoticeInfoUnanswered][0].CaseID != r.ID {
				t.Fatalf("%s sees %v", a.UserID, got)
			}
		}
		if got, _ := e.notices(t, e.fld); len(got) != 0 {
			t.Fatalf("the protection partner sees %v", got)
		}
	})
}

// TestExpiringAccessNotices: an enrolment link about to expire is told to
// the administrators who can issue another; an API token about to expire,
// to its user. Neither names a person.
func TestExpiringAccessNotices(t *testing.T) {
	forEngine(t, func(t *testing.T, e *env) {
		u := &haven.User{OrgID: e.orgs[haven.OrgVisaOffice].ID, Role: haven.RoleCaseworker, Username: "late-enroller", DisplayName: "Late"}
		if _, err := e.app.Programme.CreateUser(e.ctx, e.admin, u); err != nil {
			t.Fatal(err)
		}
		if _, _, err := e.app.Accounts.CreateAPIToken(e.ctx, e.admin, e.unhcr.UserID, "proGres link", 10*24*time.Hour); err != nil {
			t.Fatal(err)
		}
		// Every user made by newEnv has an unused link (72 hours) too.
		e.clock.Add(49 * time.Hour)
		wrote, _ := e.fireDue(t)
		if wrote[haven.NoticeEnrolmentExpiring] < 1 || wrote[haven.NoticeTokenExpiring] != 0 {
			t.Fatalf("wrote %v", wrote)
		}
		if got, _ := e.notices(t, e.admin); len(got[haven.NoticeEnrolmentExpiring]) != wrote[haven.NoticeEnrolmentExpiring] {
			t.Fatalf("the programme's administrator sees %v", got)
		}
		if got, _ := e.notices(t, e.visa); len(got) != 0 {
			t.Fatalf("a caseworker is told of enrolment links: %v", got)
		}
		e.clock.Add(24 * time.Hour)
		if wrote, _ := e.fireDue(t); wrote[haven.NoticeTokenExpiring] != 1 {
			t.Fatalf("wrote %v", wrote)
		}
		if got, _ := e.notices(t, e.unhcr); len(got[haven.NoticeTokenExpiring]) != 1 || got[haven.NoticeTokenExpiring][0].CaseID != "" {
			t.Fatalf("the token's user sees %v", got)
		}
		if got, _ := e.notices(t, e.admin); len(got[haven.NoticeTokenExpiring]) != 0 {
			t.Fatalf("another user is told of the token: %v", got)
		}
	})
}

// TestMailOutbox: a notice puts a mail in the outbox, in its transaction,
// for each recipient who chose email and may see it, an escalation's
// addressee in the programme administration included; delivery opens the
// address, records each attempt, and a delivered mail is not sent again.
func TestMailOutbox(t *testing.T) {
	forEngine(t, func(t *testing.T, e *env) {
		wantCode(t, e.app.Notices.SetPrefs(e.ctx, e.visa, &haven.NoticePrefs{EmailOn: true, Lang: "fr"}), haven.EINVALID)
		wantCode(t, e.app.Notices.SetPrefs(e.ctx, e.visa, &haven.NoticePrefs{Email: "not an address", EmailOn: true, Lang: "fr"}), haven.EINVALID)
		wantCode(t, e.app.Notices.SetPrefs(e.ctx, e.visa, &haven.NoticePrefs{Email: "v@example.org", Lang: "de"}), haven.EINVALID)
		noErr(t, e.app.Notices.SetPrefs(e.ctx, e.visa, &haven.NoticePrefs{Email: "visa@example.org", EmailOn: true, Lang: "fr"}))
		sup := e.user(t, haven.OrgVisaOffice, haven.RoleSupervisor, "sup-mail")
		noErr(t, e.app.Notices.SetPrefs(e.ctx, sup, &haven.NoticePrefs{Email: "sup@example.org", EmailOn: false, Lang: "en"}))
		// Addressed for an emergency's breach and stall, the programme's
		// supervisor is mailed of both (not of the warning, which is not
		// escalated); its administrator, addressed for neither, is not.
		noErr(t, e.app.Notices.SetPrefs(e.ctx, e.admin, &haven.NoticePrefs{Email: "admin@example.org", EmailOn: true, Lang: "en"}))
		progSup := e.user(t, haven.OrgProgrammeAdmin, haven.RoleSupervisor, "prog-mail")
		noErr(t, e.app.Notices.SetPrefs(e.ctx, progSup, &haven.NoticePrefs{Email: "prog@example.org", EmailOn: true, Lang: "en"}))
		if p := must[*haven.NoticePrefs](t)(e.app.Notices.FindPrefs(e.ctx, e.visa, "en")); p.Email != "visa@example.org" || !p.EmailOn || p.Lang != "fr" {
			t.Fatalf("prefs = %+v", p)
		}
		if p := must[*haven.NoticePrefs](t)(e.app.Notices.FindPrefs(e.ctx, e.unhcr, "fr")); p.Email != "" || p.EmailOn || p.Lang != "fr" {
			t.Fatalf("prefs never set = %+v", p)
		}
		e.refer(t, referral("Mail", 1, haven.PriorityEmergency))
		e.clock.Add(3 * 24 * time.Hour)
		e.fireDue(t)
		due := must[[]app.MailDue](t)(e.app.Notices.PendingMail(e.ctx, 100, time.Minute))
		to := map[string][]haven.ID{}
		for _, d := range due {
			ml := must[*app.Mail](t)(e.app.Notices.MailToSend(e.ctx, d.ID))
			if ml.Attempt != 1 || d.Attempt != 1 {
				t.Fatalf("a new mail: %+v, %+v", d, ml)
			}
			to[ml.To+" "+ml.Lang] = append(to[ml.To+" "+ml.Lang], d.ID)
		}
		// Warning and breach to the caseworker, in French; breach and stall
		// to the programme's supervisor; the visa office's supervisor chose
		// no email.
		ids := to["visa@example.org fr"]
		if len(due) != 4 || len(ids) != 2 || len(to["prog@example.org en"]) != 2 {
			t.Fatalf("pending mail: %v", to)
		}
		pending := func() map[haven.ID]int {
			out := map[haven.ID]int{}
			for _, d := range must[[]app.MailDue](t)(e.app.Notices.PendingMail(e.ctx, 100, time.Minute)) {
				out[d.ID] = d.Attempt
			}
			return out
		}
		noErr(t, e.app.Notices.RecordDelivery(e.ctx, ids[0], false, "421", false))
		// Its next attempt waits out the backoff, read from the attempts.
		if p := pending(); len(p) != 3 || p[ids[0]] != 0 || p[ids[1]] != 1 {
			t.Fatalf("due right after a failure: %+v", p)
		}
		e.clock.Add(time.Minute)
		if p := pending(); len(p) != 4 || p[ids[0]] != 2 {
			t.Fatalf("due after the backoff: %+v", p)
		}
		ml := must[*app.Mail](t)(e.app.Notices.MailToSend(e.ctx, ids[0]))
		if ml.Attempt != 2 {
			t.Fatalf("second attempt = %+v", ml)
		}
		noErr(t, e.app.Notices.RecordDelivery(e.ctx, ids[0], true, "250", false))
		_, err := e.app.Notices.MailToSend(e.ctx, ids[0])
		wantCode(t, err, haven.ECONFLICT)
		wantCode(t, e.app.Notices.RecordDelivery(e.ctx, ids[0], true, "250", false), haven.ECONFLICT)
		st, ds, err := e.app.Notices.MailDeliveries(e.ctx, ids[0])
		noErr(t, err)
		if st != "sent" || len(ds) != 2 || ds[0].Outcome != "failed" || ds[0].Detail != "421" || ds[1].Outcome != "sent" {
			t.Fatalf("deliveries: %s %+v", st, ds)
		}
		// The user turns email off before the second mail goes: it is
		// cancelled, recorded, and never sent.
		noErr(t, e.app.Notices.SetPrefs(e.ctx, e.visa, &haven.NoticePrefs{EmailOn: false, Lang: "fr"}))
		_, err = e.app.Notices.MailToSend(e.ctx, ids[1])
		wantCode(t, err, haven.ECONFLICT)
		if st, ds, _ := e.app.Notices.MailDeliveries(e.ctx, ids[1]); st != "cancelled" || len(ds) != 1 {
			t.Fatalf("the second mail: %s %+v", st, ds)
		}
		if p := pending(); len(p) != 2 || p[ids[1]] != 0 {
			t.Fatalf("still pending: %v", p)
		}
	})
}

// TestBreachBeforeWarning: deadlines found late (no watcher ran for days)
// bring both the warning and the breach, and firing the breach first, as a
// job may, still lets the warning be written: nothing is missed.
func TestBreachBeforeWarning(t *testing.T) {
	forEngine(t, func(t *testing.T, e *env) {
		e.refer(t, referral("Late", 1, haven.PriorityEmergency))
		e.clock.Add(3 * 24 * time.Hour)
		ws := must[[]app.Watch](t)(e.app.Notices.DueWatches(e.ctx))
		var warn, breach *app.Watch
		for i := range ws {
			switch ws[i].Kind {
			case haven.NoticeStageWarning:
				warn = &ws[i]
			case haven.NoticeStageBreach:
				breach = &ws[i]
			}
		}
		if warn == nil || breach == nil {
			t.Fatalf("due: %+v", ws)
		}
		if !must[bool](t)(e.app.Notices.Fire(e.ctx, *breach)) || !must[bool](t)(e.app.Notices.Fire(e.ctx, *warn)) {
			t.Fatal("the warning fired after the breach wrote nothing")
		}
		if wrote, n := e.fireDue(t); n != 1 || wrote[haven.NoticeEmergencyStalled] != 1 {
			t.Fatalf("then due: %d, wrote %v", n, wrote)
		}
	})
}

// TestMedicalExpiring: an approved case whose traveller's medical expires
// within 30 days, with no travel booked, is told to the visa office; once
// travel is booked past a medical's expiry, it is told again for the new
// deadline; a medical that carries the family to its travel date is not.
func TestMedicalExpiring(t *testing.T) {
	forEngine(t, func(t *testing.T, e *env) {
		m := must[*haven.Case](t)
		c := e.refer(t, referral("Medical", 2, haven.PriorityUrgent))
		c = e.inAdmissibility(t, c)
		e.assignAll(t, c)
		c = m(e.app.Cases.FindCaseByID(e.ctx, e.visa, c.ID))
		expires := haven.DateOf(e.clock.Now().AddDate(0, 0, 40))
		for _, mem := range c.Travellers() {
			m(e.app.Cases.RecordCheck(e.ctx, e.medical, c.ID, &haven.Check{MemberID: mem.ID, Kind: haven.CheckMedical, Result: haven.ResultPassed, ValidUntil: expires}))
			m(e.app.Cases.RecordCheck(e.ctx, e.screening, c.ID, &haven.Check{MemberID: mem.ID, Kind: haven.CheckSecurity, Result: haven.ResultPassed}))
			m(e.app.Cases.RecordCheck(e.ctx, e.screening, c.ID, &haven.Check{MemberID: mem.ID, Kind: haven.CheckCriminality, Result: haven.ResultPassed}))
		}
		c = m(e.app.Cases.ConfirmAdmissible(e.ctx, e.visa, c.ID))
		c = m(e.app.Cases.Approve(e.ctx, e.visa, c.ID, app.ApproveInput{}))
		if wrote, _ := e.fireDue(t); wrote[haven.NoticeMedicalExpiring] != 0 {
			t.Fatalf("40 days ahead: %v", wrote)
		}
		e.clock.Add(11 * 24 * time.Hour) // 29 days left
		if wrote, _ := e.fireDue(t); wrote[haven.NoticeMedicalExpiring] != 1 {
			t.Fatalf("29 days ahead: %v", wrote)
		}
		if got, _ := e.notices(t, e.visa); len(got[haven.NoticeMedicalExpiring]) != 1 || got[haven.NoticeMedicalExpiring][0].Due != expires {
			t.Fatalf("the visa office sees %v", got)
		}
		if got, _ := e.notices(t, e.medical); len(got) != 0 {
			t.Fatalf("the medical partner, out of sight of the case, sees %v", got)
		}
		// Travel booked before the expiry: nothing more.
		m(e.app.Cases.BookTravel(e.ctx, e.visa, c.ID, &haven.Travel{Date: expires.AddDays(-2)}))
		if wrote, _ := e.fireDue(t); wrote[haven.NoticeMedicalExpiring] != 0 {
			t.Fatalf("travel before the expiry: %v", wrote)
		}
	})
}
