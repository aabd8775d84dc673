package app_test

import (
	"testing"
	"time"

	"github.com/havenhrd/haven"
	"github.com/havenhrd/haven/internal/store"
)

// TestCaseClock: a referral starts the case's clock; each act stores it
// anew in its own transaction (a new stage restarts the stage's deadline,
// a state inside the stage keeps it); a hold and a request for information
// keep the deadline and say whom the case waits on; a change of the year's
// rules moves no date a case has, and applies to the next stage it enters.
func TestCaseClock(t *testing.T) {
	forEngine(t, func(t *testing.T, e *env) {
		m := must[*haven.Case](t)
		day := 24 * time.Hour
		stored := func(id haven.ID) haven.CaseClock {
			t.Helper()
			var k haven.CaseClock
			err := e.store.View(e.ctx, func(tx store.Tx) error {
				r, err := tx.FindCaseByID(e.ctx, id, false)
				if err == nil {
					k = r.CaseClock
				}
				return err
			})
			noErr(t, err)
			return k
		}
		c := e.refer(t, referral("Clock", 2, haven.PriorityEmergency))
		d0 := haven.DateOf(start)
		want := haven.CaseClock{TargetDate: d0.AddDays(7), Stage: haven.StageFile, StageSince: start, StageDue: d0.AddDays(1), Turn: haven.PartyVisaOffice}
		if c.CaseClock != want {
			t.Fatalf("referred: %+v, want %+v", c.CaseClock, want)
		}
		e.clock.Add(day)
		c = m(e.app.Cases.OpenFile(e.ctx, e.visa, c.ID))
		t1 := start.Add(day)
		want = haven.CaseClock{TargetDate: d0.AddDays(7), Stage: haven.StageEligibility, StageSince: t1, StageDue: d0.AddDays(3), Turn: haven.PartyVisaOffice}
		if c.CaseClock != want {
			t.Fatalf("file opened: %+v, want %+v", c.CaseClock, want)
		}
		// The year's rules change: the running stage keeps its deadline.
		r := haven.DefaultRules(start.Year())
		r.StageDays[haven.StageEligibility][haven.PriorityEmergency] = 1
		r.StageDays[haven.StageAdmissibility][haven.PriorityEmergency] = 4
		r.TargetDays[haven.PriorityEmergency] = 7
		noErr(t, e.app.Programme.SetRules(e.ctx, e.admin, r))
		e.clock.Add(time.Hour)
		c = m(e.app.Cases.StartEligibility(e.ctx, e.visa, c.ID))
		if c.CaseClock != want {
			t.Fatalf("eligibility review after a change of rules: %+v, want %+v", c.CaseClock, want)
		}
		// On hold: the deadline stands, the visa office's turn, since now.
		e.clock.Add(time.Hour)
		t2 := t1.Add(2 * time.Hour)
		c = m(e.app.Cases.Hold(e.ctx, e.visa, c.ID, "awaiting a translation"))
		held := want
		held.WaitingSince = t2
		if c.CaseClock != held {
			t.Fatalf("on hold: %+v, want %+v", c.CaseClock, held)
		}
		c = m(e.app.Cases.Resume(e.ctx, e.visa, c.ID))
		if c.CaseClock != want {
			t.Fatalf("resumed: %+v, want %+v", c.CaseClock, want)
		}
		c = m(e.app.Cases.RequestInfo(e.ctx, e.visa, c.ID, "the date of the last threat"))
		asked := want
		asked.Turn, asked.WaitingSince = haven.PartyReferringPartner, t2
		if c.CaseClock != asked {
			t.Fatalf("information requested: %+v, want %+v", c.CaseClock, asked)
		}
		// The referring partner reads the same clock: its turn.
		if got := m(e.app.Cases.FindCaseByID(e.ctx, e.unhcr, c.ID)); got.CaseClock != asked {
			t.Errorf("the referring partner reads %+v, want %+v", got.CaseClock, asked)
		}
		c = m(e.app.Cases.Resume(e.ctx, e.visa, c.ID))
		// Eligible: a new stage, under the new budget of 4 days.
		e.clock.Add(day)
		t3 := t2.Add(day)
		c = m(e.app.Cases.RecordAssessment(e.ctx, e.visa, c.ID, &haven.EligibilityAssessment{OutsideCountry: true, WellFoundedFear: true,
			NoInternalFlight: true, NoDurableSolution: true, Grounds: []haven.Ground{haven.GroundPoliticalOpinion}}))
		want = haven.CaseClock{TargetDate: d0.AddDays(7), Stage: haven.StageAdmissibility, StageSince: t3, StageDue: haven.DateOf(t3).AddDays(4), Turn: haven.PartyVisaOffice}
		if c.CaseClock != want {
			t.Fatalf("eligible: %+v, want %+v", c.CaseClock, want)
		}
		// In admissibility with no check recorded: the check partners' turn.
		c = m(e.app.Cases.StartAdmissibility(e.ctx, e.visa, c.ID))
		if c.Turn != haven.PartyCheckPartners || c.StageDue != want.StageDue {
			t.Fatalf("checks outstanding: %+v", c.CaseClock)
		}
		e.assignAll(t, c)
		e.passChecks(t, c)
		// A check partner's view has no status, so no clock: read as the
		// visa office.
		c = m(e.app.Cases.FindCaseByID(e.ctx, e.visa, c.ID))
		if c.Turn != haven.PartyVisaOffice {
			t.Fatalf("checks recorded: %+v", c.CaseClock)
		}
		// What the reads return is what the store holds.
		if k := stored(c.ID); k != c.CaseClock {
			t.Errorf("stored %+v, read %+v", k, c.CaseClock)
		}
		// A refusal stops the stage clock, the target stays.
		c = m(e.app.Cases.Refuse(e.ctx, e.visa, c.ID, "inadmissible"))
		if c.CaseClock != (haven.CaseClock{TargetDate: d0.AddDays(7)}) {
			t.Errorf("refused: %+v", c.CaseClock)
		}
	})
}
