package app_test

import (
	"bytes"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/havenhrd/haven"
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
			c.Next != haven.NextResume || c.Offer.Can(haven.EventAnswerInfo) || !c.WaitingSince.Equal(asked) {
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
