package app_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/havenhrd/haven"
	"github.com/havenhrd/haven/internal/app"
)

// TestOffer: each reader of a case is offered what the workflow's table
// and the access policies together allow now, and nothing else; and every
// offered event is one the app then accepts from that reader.
func TestOffer(t *testing.T) {
	forEngine(t, func(t *testing.T, e *env) {
		m := must[*haven.Case](t)
		events := func(who haven.Actor, id haven.ID) string {
			t.Helper()
			c := m(e.app.FindCaseByID(e.ctx, who, id))
			var s []string
			for _, ev := range c.Offer.Events {
				s = append(s, string(ev))
			}
			return strings.Join(s, " ")
		}
		c := e.refer(t, referral("Offer", 2, haven.PriorityNormal))
		if got := events(e.visa, c.ID); got != "open_file request_info withdraw" {
			t.Errorf("the visa office, referred: %s", got)
		}
		if got := events(e.unhcr, c.ID); got != "withdraw" {
			t.Errorf("the referring partner, referred: %s", got)
		}
		c = m(e.app.OpenFile(e.ctx, e.visa, c.ID))
		c = m(e.app.StartEligibility(e.ctx, e.visa, c.ID))
		c = m(e.app.RecordAssessment(e.ctx, e.visa, c.ID, &haven.EligibilityAssessment{OutsideCountry: true, WellFoundedFear: true,
			NoInternalFlight: true, NoDurableSolution: true, Grounds: []haven.Ground{haven.GroundPoliticalOpinion}}))
		c = m(e.app.StartAdmissibility(e.ctx, e.visa, c.ID))
		// Checks are pending: no confirmation, no emergency approval for a
		// normal case; the visa office may assign checks.
		v := m(e.app.FindCaseByID(e.ctx, e.visa, c.ID))
		if v.Offer.Can(haven.EventConfirmAdmissible) || v.Offer.Can(haven.EventApproveEmergency) || !v.Offer.AssignChecks || v.Offer.Place {
			t.Errorf("the visa office, checks pending: %+v", v.Offer)
		}
		e.assignAll(t, c)
		c = e.passChecks(t, c)
		if !m(e.app.FindCaseByID(e.ctx, e.visa, c.ID)).Offer.Can(haven.EventConfirmAdmissible) {
			t.Error("confirmation is not offered once every traveller is admissible")
		}
		c = m(e.app.ConfirmAdmissible(e.ctx, e.visa, c.ID))
		c = m(e.app.Approve(e.ctx, e.visa, c.ID, app.ApproveInput{}))
		if v := m(e.app.FindCaseByID(e.ctx, e.visa, c.ID)); !v.Offer.Place || !v.Offer.Can(haven.EventBookTravel) {
			t.Errorf("the visa office, approved: %+v", v.Offer)
		}
		c = m(e.app.AssignSettlement(e.ctx, e.visa, c.ID, e.orgs[haven.OrgSettlementOrganisation].ID))
		if got := events(e.settlement, c.ID); got != "" {
			t.Errorf("the settlement organisation, approved: %q", got)
		}
		day := haven.DateOf(e.clock.Now())
		m(e.app.BookTravel(e.ctx, e.visa, c.ID, &haven.Travel{Date: day}))
		c = m(e.app.RecordArrival(e.ctx, e.visa, c.ID, &haven.Arrival{Date: day, PortOfEntry: "YUL"}))
		s := m(e.app.FindCaseByID(e.ctx, e.settlement, c.ID))
		if !slices.Equal(s.Offer.Events, []haven.CaseEvent{haven.EventBeginSettlement}) || s.Offer.Place || s.Offer.AssignChecks {
			t.Errorf("the settlement organisation, arrived: %+v", s.Offer)
		}
		// Offered means accepted.
		m(e.app.BeginSettlement(e.ctx, e.settlement, c.ID))
		e.clock.Add(time.Hour)
		if got := events(e.settlement, c.ID); got != "close" {
			t.Errorf("the settlement organisation, in settlement: %q", got)
		}
		if got := events(e.unhcr, c.ID); got != "" {
			t.Errorf("the referring partner, in settlement: %q", got)
		}
		// A shredded case is offered nothing.
		noErr(t, e.app.ShredCase(e.ctx, e.admin, c.ID))
		if o := m(e.app.FindCaseByID(e.ctx, e.visa, c.ID)).Offer; len(o.Events) != 0 || o.Place || o.AssignChecks {
			t.Errorf("a shredded case: %+v", o)
		}
	})
}
