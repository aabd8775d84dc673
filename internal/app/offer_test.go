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
			c := m(e.app.Cases.FindCaseByID(e.ctx, who, id))
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
		// What the policies let each apply at all, whatever the state: the
		// pages tell "not now" from "not yours" by it.
		if o := m(e.app.Cases.FindCaseByID(e.ctx, e.unhcr, c.ID)).Offer; !o.Permits(haven.EventWithdraw) || o.Permits(haven.EventSplit) ||
			o.Permits(haven.EventApprove) || len(o.Permitted) != 1 {
			t.Errorf("the referring partner is permitted %v", o.Permitted)
		}
		if o := m(e.app.Cases.FindCaseByID(e.ctx, e.visa, c.ID)).Offer; !o.Permits(haven.EventSplit) || !o.Permits(haven.EventWithdraw) ||
			o.Permits(haven.EventRecordCheck) {
			t.Errorf("the visa office is permitted %v", o.Permitted)
		}
		c = m(e.app.Cases.OpenFile(e.ctx, e.visa, c.ID))
		c = m(e.app.Cases.StartEligibility(e.ctx, e.visa, c.ID))
		c = m(e.app.Cases.RecordAssessment(e.ctx, e.visa, c.ID, &haven.EligibilityAssessment{OutsideCountry: true, WellFoundedFear: true,
			NoInternalFlight: true, NoDurableSolution: true, Grounds: []haven.Ground{haven.GroundPoliticalOpinion}}))
		c = m(e.app.Cases.StartAdmissibility(e.ctx, e.visa, c.ID))
		// Checks are pending: no confirmation, no emergency approval for a
		// normal case; the visa office may assign checks.
		v := m(e.app.Cases.FindCaseByID(e.ctx, e.visa, c.ID))
		if v.Offer.Can(haven.EventConfirmAdmissible) || v.Offer.Can(haven.EventApproveEmergency) || !v.Offer.AssignChecks || v.Offer.Place {
			t.Errorf("the visa office, checks pending: %+v", v.Offer)
		}
		// The spouse may be removed by a split decision, the principal not.
		if !v.Offer.Can(haven.EventSplit) || !slices.Equal(v.Offer.Removable, []haven.ID{v.Members[1].ID}) {
			t.Errorf("the visa office's split: %+v, members %s %s", v.Offer, v.Members[0].Relationship, v.Members[1].Relationship)
		}
		if u := m(e.app.Cases.FindCaseByID(e.ctx, e.unhcr, c.ID)); u.Offer.Can(haven.EventSplit) || u.Offer.Removable != nil {
			t.Errorf("the referring partner's split: %+v", u.Offer)
		}
		e.assignAll(t, c)
		c = e.passChecks(t, c)
		if !m(e.app.Cases.FindCaseByID(e.ctx, e.visa, c.ID)).Offer.Can(haven.EventConfirmAdmissible) {
			t.Error("confirmation is not offered once every traveller is admissible")
		}
		c = m(e.app.Cases.ConfirmAdmissible(e.ctx, e.visa, c.ID))
		c = m(e.app.Cases.Approve(e.ctx, e.visa, c.ID, app.ApproveInput{}))
		if v := m(e.app.Cases.FindCaseByID(e.ctx, e.visa, c.ID)); !v.Offer.Place || !v.Offer.Can(haven.EventBookTravel) {
			t.Errorf("the visa office, approved: %+v", v.Offer)
		}
		c = m(e.app.Cases.AssignSettlement(e.ctx, e.visa, c.ID, e.orgs[haven.OrgSettlementOrganisation].ID))
		if got := events(e.settlement, c.ID); got != "" {
			t.Errorf("the settlement organisation, approved: %q", got)
		}
		day := haven.DateOf(e.clock.Now())
		m(e.app.Cases.BookTravel(e.ctx, e.visa, c.ID, &haven.Travel{Date: day}))
		c = m(e.app.Cases.RecordArrival(e.ctx, e.visa, c.ID, &haven.Arrival{Date: day, PortOfEntry: "YUL"}))
		s := m(e.app.Cases.FindCaseByID(e.ctx, e.settlement, c.ID))
		if !slices.Equal(s.Offer.Events, []haven.CaseEvent{haven.EventBeginSettlement}) || s.Offer.Place || s.Offer.AssignChecks {
			t.Errorf("the settlement organisation, arrived: %+v", s.Offer)
		}
		// Offered means accepted.
		m(e.app.Cases.BeginSettlement(e.ctx, e.settlement, c.ID))
		e.clock.Add(time.Hour)
		if got := events(e.settlement, c.ID); got != "close" {
			t.Errorf("the settlement organisation, in settlement: %q", got)
		}
		if got := events(e.unhcr, c.ID); got != "" {
			t.Errorf("the referring partner, in settlement: %q", got)
		}
		// A shredded case is offered nothing.
		noErr(t, e.app.Cases.ShredCase(e.ctx, e.admin, c.ID))
		if o := m(e.app.Cases.FindCaseByID(e.ctx, e.visa, c.ID)).Offer; len(o.Events) != 0 || o.Place || o.AssignChecks {
			t.Errorf("a shredded case: %+v", o)
		}
	})
}

// TestNominationOffer: each reader of a nomination, in each of its states,
// is offered the nomination events the workflow's nomination table allows
// now and the access policies let that reader apply, and nothing else;
// Permitted are the policies' side alone. An offered event is one the app
// then accepts from that reader.
func TestNominationOffer(t *testing.T) {
	forEngine(t, func(t *testing.T, e *env) {
		m := must[*haven.Nomination](t)
		nominate := func(name string) *haven.Nomination {
			t.Helper()
			n := &haven.Nomination{ReferralOrgID: e.orgs[haven.OrgReferralPartner].ID, DefenderName: name,
				RiskAssessment: "Credible threats.", RecommendedPriority: haven.PriorityUrgent,
				NationalityCountries: []string{"IR"}, AsylumCountry: "TR", FamilySize: 1}
			noErr(t, e.app.Nominations.CreateNomination(e.ctx, e.fld, n))
			return n
		}
		// One nomination in each state.
		ids := map[haven.NominationState]haven.ID{}
		ids[haven.NominationSubmitted] = nominate("Offer Submitted").ID
		ids[haven.NominationUnderReview] = m(e.app.Nominations.ReviewNomination(e.ctx, e.unhcr, nominate("Offer Review").ID)).ID
		r := m(e.app.Nominations.ReviewNomination(e.ctx, e.unhcr, nominate("Offer Referred").ID))
		c := referral("OfferNom", 1, haven.PriorityUrgent)
		c.NominationID = r.ID
		e.refer(t, c)
		ids[haven.NominationReferred] = r.ID
		ids[haven.NominationDeclined] = m(e.app.Nominations.DeclineNomination(e.ctx, e.unhcr, nominate("Offer Declined").ID, "Outside our mandate.")).ID
		ids[haven.NominationWithdrawn] = m(e.app.Nominations.WithdrawNomination(e.ctx, e.fld, nominate("Offer Withdrawn").ID)).ID

		const (
			makerMay     = "withdraw"
			addresseeMay = "review refer decline"
		)
		for _, tc := range []struct {
			who               string
			actor             haven.Actor
			state             haven.NominationState
			events, permitted string
		}{
			{"maker", e.fld, haven.NominationSubmitted, "withdraw", makerMay},
			{"maker", e.fld, haven.NominationUnderReview, "withdraw", makerMay},
			{"maker", e.fld, haven.NominationReferred, "", makerMay},
			{"maker", e.fld, haven.NominationDeclined, "", makerMay},
			{"maker", e.fld, haven.NominationWithdrawn, "", makerMay},
			{"addressee", e.unhcr, haven.NominationSubmitted, "review decline", addresseeMay},
			{"addressee", e.unhcr, haven.NominationUnderReview, "refer decline", addresseeMay},
			{"addressee", e.unhcr, haven.NominationReferred, "", addresseeMay},
			{"addressee", e.unhcr, haven.NominationDeclined, "", addresseeMay},
			{"addressee", e.unhcr, haven.NominationWithdrawn, "", addresseeMay},
		} {
			n := m(e.app.Nominations.FindNominationByID(e.ctx, tc.actor, ids[tc.state]))
			if n.State != tc.state {
				t.Fatalf("%s: the nomination is %s", tc.state, n.State)
			}
			if n.Offer == nil {
				t.Fatalf("the %s, %s: no offer", tc.who, tc.state)
			}
			if got := nomEvents(n.Offer.Events); got != tc.events {
				t.Errorf("the %s, %s: offered %q, want %q", tc.who, tc.state, got, tc.events)
			}
			if got := nomEvents(n.Offer.Permitted); got != tc.permitted {
				t.Errorf("the %s, %s: permitted %q, want %q", tc.who, tc.state, got, tc.permitted)
			}
		}
		// Nobody else reads it, so nobody else is offered anything.
		for _, a := range []haven.Actor{e.visa, e.screening, e.settlement, e.admin} {
			_, err := e.app.Nominations.FindNominationByID(e.ctx, a, ids[haven.NominationSubmitted])
			wantCode(t, err, haven.ENOTFOUND)
		}
		// The act's answer carries the offer that follows it; a new
		// nomination carries its maker's.
		if n := nominate("Offer New"); n.Offer == nil || nomEvents(n.Offer.Events) != "withdraw" {
			t.Errorf("a new nomination's offer: %+v", n.Offer)
		}
		// Offered means accepted: the addressee reviews, then declines.
		n := nominate("Offer Accepted")
		n = m(e.app.Nominations.ReviewNomination(e.ctx, e.unhcr, n.ID))
		if n.Offer == nil || nomEvents(n.Offer.Events) != "refer decline" {
			t.Errorf("after the review: %+v", n.Offer)
		}
		n = m(e.app.Nominations.DeclineNomination(e.ctx, e.unhcr, n.ID, "Outside our mandate."))
		if n.Offer == nil || len(n.Offer.Events) != 0 {
			t.Errorf("after the decline: %+v", n.Offer)
		}
		// In a year whose rules do not let the addressee refer, refer is
		// neither offered nor permitted.
		e.clock.Add(20 * 365 * 24 * time.Hour)
		n = m(e.app.Nominations.FindNominationByID(e.ctx, e.unhcr, ids[haven.NominationUnderReview]))
		if n.Offer == nil || nomEvents(n.Offer.Events) != "decline" || nomEvents(n.Offer.Permitted) != "review decline" {
			t.Errorf("a year without rules: %+v", n.Offer)
		}
		// A shredded nomination can take nothing.
		noErr(t, e.app.Nominations.ShredNomination(e.ctx, e.admin, ids[haven.NominationSubmitted]))
		for _, a := range []haven.Actor{e.fld, e.unhcr} {
			if o := m(e.app.Nominations.FindNominationByID(e.ctx, a, ids[haven.NominationSubmitted])).Offer; o == nil || len(o.Events) != 0 {
				t.Errorf("a shredded nomination: %+v", o)
			}
		}
		// Lists carry no offer.
		for _, l := range must[[]*haven.Nomination](t)(e.app.Nominations.FindNominations(e.ctx, e.unhcr, "")) {
			if l.Offer != nil {
				t.Fatalf("a listed nomination carries an offer: %+v", l.Offer)
			}
		}
	})
}

func nomEvents(evs []haven.NominationEvent) string {
	var s []string
	for _, ev := range evs {
		s = append(s, string(ev))
	}
	return strings.Join(s, " ")
}
