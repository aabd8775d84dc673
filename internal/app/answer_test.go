package app_test

import (
	"bytes"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/havenhrd/haven"
	"github.com/havenhrd/haven/internal/app"
	"github.com/havenhrd/haven/internal/store"
	"github.com/havenhrd/haven/internal/testdb"
	"github.com/havenhrd/haven/internal/workflow"
)

// awaiting counts the cases waiting on the actor's answer.
func (e *env) awaiting(t testing.TB, actor haven.Actor) int {
	t.Helper()
	w := must[*haven.WorkCounts](t)(e.app.Cases.CountWork(e.ctx, actor))
	for _, c := range w.Counts {
		if c.Kind == haven.WorkAwaitingInformation {
			return c.Count
		}
	}
	t.Fatalf("no count of cases awaiting information: %+v", w.Counts)
	return 0
}

// TestAnswerInfoRequest: the referring partner answers the visa office's
// request inside Haven. The answer is sealed, audited, shown after the
// request to those who read notes; the case stays waiting for information
// with the turn the visa office's, which resumes it; the answer is taken
// once; any organisation but the referrer is refused, those that cannot
// read the case exactly as for a case that does not exist.
func TestAnswerInfoRequest(t *testing.T) {
	forEngine(t, func(t *testing.T, e *env) {
		m := must[*haven.Case](t)
		const question = "Please send the court summons of 2024."
		answer := "The summons is attached: hearing set for " + canaries[3]
		c := e.refer(t, referral("Answer", 2, haven.PriorityNormal))
		c = m(e.app.Cases.OpenFile(e.ctx, e.visa, c.ID))
		e.clock.Add(time.Hour)
		c = m(e.app.Cases.RequestInfo(e.ctx, e.visa, c.ID, question))
		asked := e.clock.Now()

		got := m(e.app.Cases.FindCaseByID(e.ctx, e.unhcr, c.ID))
		if got.Turn != haven.PartyReferringPartner || got.Next != haven.NextAwaitInfo || !got.Offer.Can(haven.EventAnswerInfo) {
			t.Fatalf("before the answer: turn %s, next %s, offer %+v", got.Turn, got.Next, got.Offer)
		}
		if n := e.awaiting(t, e.unhcr); n != 1 {
			t.Fatalf("%d cases await the referrer's answer, want 1", n)
		}

		// Bad answers: a field problem each, nothing written.
		for name, text := range map[string]string{"empty": "", "blank": "  \n ", "too long": strings.Repeat("a", workflow.MaxAnswer+1)} {
			_, err := e.app.Cases.AnswerInfoRequest(e.ctx, e.unhcr, c.ID, text)
			wantCode(t, err, haven.EINVALID)
			if fs := haven.FieldsOf(err); len(fs) != 1 || fs[0].Field != "answer" {
				t.Errorf("%s answer: fields %+v, want one on answer", name, fs)
			}
		}

		// Those who cannot read the case are answered exactly as for a
		// case that does not exist: another referral partner, not found;
		// an organisation of a kind that never answers, refused for its
		// kind alone, whatever the case. The visa office reads the case
		// and may not answer.
		other := e.otherReferrer(t)
		for name, actor := range map[string]haven.Actor{"another referrer": other, "a settlement organisation": e.settlement,
			"a protection partner": e.fld, "a screening partner": e.screening} {
			_, missing := e.app.Cases.AnswerInfoRequest(e.ctx, actor, "case_nosuch", answer)
			_, err := e.app.Cases.AnswerInfoRequest(e.ctx, actor, c.ID, answer)
			if err == nil || missing == nil || err.Error() != missing.Error() || haven.ErrorCodeOf(err) != haven.ErrorCodeOf(missing) {
				t.Errorf("%s: %v; for a missing case: %v", name, err, missing)
			}
		}
		_, err := e.app.Cases.AnswerInfoRequest(e.ctx, other, c.ID, answer)
		wantCode(t, err, haven.ENOTFOUND)
		_, err = e.app.Cases.AnswerInfoRequest(e.ctx, e.visa, c.ID, answer)
		wantCode(t, err, haven.EFORBIDDEN)

		e.clock.Add(time.Hour)
		c = m(e.app.Cases.AnswerInfoRequest(e.ctx, e.unhcr, c.ID, "  "+answer+"\n"))
		answered := e.clock.Now()
		if c.State != haven.StateInfoRequested || c.ResumeState != haven.StateFileCreated || c.Turn != haven.PartyVisaOffice ||
			c.Next != haven.NextResume || c.Offer.Can(haven.EventAnswerInfo) || !c.WaitingSince.Equal(answered) {
			t.Fatalf("after the answer: state %s (resume %s), turn %s, next %s, waiting since %v, offer %+v",
				c.State, c.ResumeState, c.Turn, c.Next, c.WaitingSince, c.Offer)
		}
		// The request and the answer, in order, with who and when, to the
		// referrer and the visa office alike.
		for name, actor := range map[string]haven.Actor{"referrer": e.unhcr, "visa office": e.visa} {
			got := m(e.app.Cases.FindCaseByID(e.ctx, actor, c.ID))
			if len(got.Notes) != 2 {
				t.Fatalf("%s: %d notes, want 2", name, len(got.Notes))
			}
			q, a := got.Notes[0], got.Notes[1]
			if q.Event != haven.EventRequestInfo || q.Text != question || q.OrgID != e.orgs[haven.OrgVisaOffice].ID || !q.At.Equal(asked) ||
				a.Event != haven.EventAnswerInfo || a.Text != answer || a.OrgID != e.orgs[haven.OrgReferralPartner].ID || !a.At.Equal(answered) {
				t.Errorf("%s: notes %+v, %+v", name, q, a)
			}
			if got.Turn != haven.PartyVisaOffice {
				t.Errorf("%s: turn %s", name, got.Turn)
			}
		}
		if v := m(e.app.Cases.FindCaseByID(e.ctx, e.visa, c.ID)); v.Next != haven.NextResume || !v.Offer.Can(haven.EventResume) {
			t.Errorf("the visa office is not offered to resume: next %s, offer %+v", v.Next, v.Offer)
		}
		if n := e.awaiting(t, e.unhcr); n != 0 {
			t.Errorf("%d cases still await the referrer's answer", n)
		}
		if n := e.awaiting(t, e.visa); n != 0 {
			t.Errorf("the visa office counts %d cases awaiting the referrer", n)
		}

		// Nothing is sent twice.
		_, err = e.app.Cases.AnswerInfoRequest(e.ctx, e.unhcr, c.ID, "A second answer.")
		wantCode(t, err, haven.ECONFLICT)

		// One audit event of the answer, naming the note; its text is
		// nowhere on disk in the clear, the note's stored bytes included.
		var ev *haven.AuditEvent
		for _, x := range e.auditEvents(t) {
			if x.Action == "case.answer_info" && x.Decision == "allow" {
				if ev != nil {
					t.Fatal("two answers audited")
				}
				ev = x
			}
		}
		if ev == nil || ev.CaseID != c.ID || ev.ActorOrgID != e.orgs[haven.OrgReferralPartner].ID || !strings.Contains(ev.Detail, `"note_id":"note`) ||
			strings.Contains(ev.Detail, "summons") {
			t.Fatalf("audit of the answer = %+v", ev)
		}
		noErr(t, e.store.View(e.ctx, func(tx store.Tx) error {
			ns, err := tx.FindCaseNotes(e.ctx, c.ID)
			if err != nil {
				return err
			}
			i := slices.IndexFunc(ns, func(n *store.CaseNoteRow) bool { return n.Event == haven.EventAnswerInfo })
			if len(ns) != 2 || i < 0 || len(ns[i].Text) == 0 || bytes.Contains(ns[i].Text, []byte(canaries[3])) || bytes.Contains(ns[i].Text, []byte("summons")) {
				t.Errorf("stored notes = %+v", ns)
			}
			return nil
		}))
		if hits := testdb.PlaintextHits(t, e.store, []string{canaries[3]}); len(hits) != 0 {
			t.Fatalf("the answer in the clear: %v", hits)
		}

		// The visa office resumes; a late answer is no longer taken.
		c = m(e.app.Cases.Resume(e.ctx, e.visa, c.ID))
		if c.State != haven.StateFileCreated || c.Turn != haven.PartyVisaOffice {
			t.Fatalf("resumed: %s, turn %s", c.State, c.Turn)
		}
		_, err = e.app.Cases.AnswerInfoRequest(e.ctx, e.unhcr, c.ID, answer)
		if code := haven.ErrorCodeOf(err); code != haven.EFORBIDDEN && code != haven.ECONFLICT {
			t.Fatalf("an answer with no request open: %v", err)
		}
		// A request asked again is answered afresh.
		c = m(e.app.Cases.RequestInfo(e.ctx, e.visa, c.ID, "And the appeal ruling."))
		if c.Turn != haven.PartyReferringPartner {
			t.Fatalf("asked again: turn %s", c.Turn)
		}
		c = m(e.app.Cases.AnswerInfoRequest(e.ctx, e.unhcr, c.ID, "The appeal was dismissed in May."))
		if c.Turn != haven.PartyVisaOffice || len(c.Notes) != 4 {
			t.Fatalf("second request answered: turn %s, %d notes", c.Turn, len(c.Notes))
		}
	})
}

// acts names the entries of a timeline, "act[from>to]@org" each.
func acts(tl *haven.Timeline) []string {
	var out []string
	for _, en := range tl.Entries {
		s := en.Act
		if en.From != "" {
			s += "[" + string(en.From) + ">" + string(en.To) + "]"
		}
		out = append(out, s+"@"+string(en.OrgID))
	}
	return out
}

// TestCaseTimeline: the acts on a case in the order done, each with its
// organisation, within the reader's view: the visa office sees every act,
// the referrer the acts its view shows (no check, assignment or
// assessment), and a settlement organisation, a screening partner or
// another referrer no timeline; reads and refused acts are no acts.
func TestCaseTimeline(t *testing.T) {
	forEngine(t, func(t *testing.T, e *env) {
		m := must[*haven.Case](t)
		visa, unhcr := string(e.orgs[haven.OrgVisaOffice].ID), string(e.orgs[haven.OrgReferralPartner].ID)
		medical, screening := string(e.orgs[haven.OrgMedicalPartner].ID), string(e.orgs[haven.OrgScreeningPartner].ID)
		c := e.refer(t, referral("Timeline", 1, haven.PriorityUrgent))
		c = m(e.app.Cases.RequestInfo(e.ctx, e.visa, c.ID, "Which court?"))
		_, err := e.app.Cases.OpenFile(e.ctx, e.visa, c.ID) // refused: not an act
		wantCode(t, err, haven.ECONFLICT)
		c = m(e.app.Cases.AnswerInfoRequest(e.ctx, e.unhcr, c.ID, "The Revolutionary Court."))
		c = m(e.app.Cases.Resume(e.ctx, e.visa, c.ID))
		c = e.admissible(t, c)
		c = m(e.app.Cases.Approve(e.ctx, e.visa, c.ID, app.ApproveInput{}))
		c = m(e.app.Cases.AssignSettlement(e.ctx, e.visa, c.ID, e.orgs[haven.OrgSettlementOrganisation].ID))
		status := []string{
			"case.refer@" + unhcr,
			"case.request_info[referred>info_requested]@" + visa,
			"case.answer_info[info_requested>info_requested]@" + unhcr,
			"case.resume[info_requested>referred]@" + visa,
			"case.open_file[referred>file_created]@" + visa,
			"case.start_eligibility[file_created>eligibility_review]@" + visa,
			"case.find_eligible[eligibility_review>eligible]@" + visa,
			"case.start_admissibility[eligible>admissibility_in_progress]@" + visa,
		}
		checks := []string{"case.assign_checks@" + visa, "case.assign_checks@" + visa}
		for range c.Travellers() {
			checks = append(checks, "case.record_check[admissibility_in_progress>admissibility_in_progress]@"+medical,
				"case.record_check[admissibility_in_progress>admissibility_in_progress]@"+screening,
				"case.record_check[admissibility_in_progress>admissibility_in_progress]@"+screening)
		}
		end := []string{"case.confirm_admissible[admissibility_in_progress>admissible]@" + visa,
			"case.approve[admissible>approved]@" + visa, "case.assign_settlement@" + visa}
		wantVisa := slices.Concat(status, checks, end)
		wantReferrer := slices.Concat(status, end)

		for name, tc := range map[string]struct {
			actor haven.Actor
			want  []string
		}{"visa office": {e.visa, wantVisa}, "referrer": {e.unhcr, wantReferrer}} {
			got := m(e.app.Cases.FindCaseByID(e.ctx, tc.actor, c.ID))
			if got.Timeline == nil || !slices.Equal(acts(got.Timeline), tc.want) || got.Timeline.Earlier != 0 {
				t.Errorf("%s: timeline\n%s\nwant\n%s", name, strings.Join(acts(got.Timeline), "\n"), strings.Join(tc.want, "\n"))
				continue
			}
			tl := must[*haven.Timeline](t)(e.app.Cases.FindCaseTimeline(e.ctx, tc.actor, c.ID, 0))
			if !slices.Equal(acts(tl), tc.want) {
				t.Errorf("%s: FindCaseTimeline differs from the read's: %v", name, acts(tl))
			}
			for i := 1; i < len(got.Timeline.Entries); i++ {
				if a, b := got.Timeline.Entries[i-1], got.Timeline.Entries[i]; b.At.Before(a.At) {
					t.Errorf("%s: entries out of order: %+v, %+v", name, a, b)
				}
			}
		}
		// The settlement organisation reads the case, not its timeline;
		// the others do not reach the case at all.
		if got := m(e.app.Cases.FindCaseByID(e.ctx, e.settlement, c.ID)); got.Timeline != nil {
			t.Errorf("the settlement organisation got a timeline: %v", acts(got.Timeline))
		}
		_, err = e.app.Cases.FindCaseTimeline(e.ctx, e.settlement, c.ID, 0)
		wantCode(t, err, haven.EFORBIDDEN)
		other := e.otherReferrer(t)
		_, err = e.app.Cases.FindCaseTimeline(e.ctx, other, c.ID, 0)
		wantCode(t, err, haven.ENOTFOUND)
		_, missing := e.app.Cases.FindCaseTimeline(e.ctx, other, "case_nosuch", 0)
		if err.Error() != missing.Error() {
			t.Errorf("another referrer: %v; a missing case: %v", err, missing)
		}
		_, err = e.app.Cases.FindCaseTimeline(e.ctx, e.visa, c.ID, -1)
		wantCode(t, err, haven.EINVALID)
	})
}

// TestCaseTimelinePages: a long timeline comes a page at a time, latest
// first, each page oldest act first; walking back by Earlier gives every
// act once, in order.
func TestCaseTimelinePages(t *testing.T) {
	forEngine(t, func(t *testing.T, e *env) {
		m := must[*haven.Case](t)
		c := e.refer(t, referral("Pages", 1, haven.PriorityNormal))
		c = m(e.app.Cases.OpenFile(e.ctx, e.visa, c.ID))
		for range 15 {
			c = m(e.app.Cases.Hold(e.ctx, e.visa, c.ID, "Waiting for the embassy."))
			c = m(e.app.Cases.Resume(e.ctx, e.visa, c.ID))
		}
		const total = 2 + 30
		first := m(e.app.Cases.FindCaseByID(e.ctx, e.unhcr, c.ID)).Timeline
		if len(first.Entries) != haven.TimelinePage || first.Earlier != total-haven.TimelinePage || first.Entries[len(first.Entries)-1].Act != "case.resume" {
			t.Fatalf("latest page: %d acts, earlier %d", len(first.Entries), first.Earlier)
		}
		var all []*haven.TimelineEntry
		pages := 0
		for tl := first; ; {
			pages++
			all = append(slices.Clone(tl.Entries), all...)
			if tl.Earlier == 0 {
				break
			}
			tl = must[*haven.Timeline](t)(e.app.Cases.FindCaseTimeline(e.ctx, e.unhcr, c.ID, tl.Earlier))
		}
		if len(all) != total || pages != 2 || all[0].Act != "case.refer" || all[1].Act != "case.open_file" {
			t.Fatalf("%d acts in %d pages, want %d, from %v", len(all), pages, total, all[0])
		}
		for i := 2; i < len(all); i++ {
			want := []string{"case.hold", "case.resume"}[i%2]
			if all[i].Act != want || all[i].At.Before(all[i-1].At) {
				t.Fatalf("act %d is %s at %v, want %s", i, all[i].Act, all[i].At, want)
			}
		}
		// A page is of the reader's own acts: the visa office, which also
		// sees no more here, pages alike; an act on another case shifts
		// nothing.
		e.refer(t, referral("Elsewhere", 1, haven.PriorityNormal))
		if v := m(e.app.Cases.FindCaseByID(e.ctx, e.visa, c.ID)).Timeline; v.Earlier != first.Earlier || len(v.Entries) != haven.TimelinePage {
			t.Errorf("the visa office's latest page: %d acts, earlier %d", len(v.Entries), v.Earlier)
		}
	})
}
