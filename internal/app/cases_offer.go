package app

import (
	"slices"

	"github.com/havenhrd/haven"
	"github.com/havenhrd/haven/internal/policy"
	"github.com/havenhrd/haven/internal/workflow"
)

// eventAction is the access policies' action that applies each case event:
// the one table both the acts (step) and the offer read. A check's action
// depends on its kind (policy.CheckAction), and is asked of the member.
var eventAction = map[haven.CaseEvent]policy.Action{
	haven.EventOpenFile: policy.CaseProcess, haven.EventStartEligibility: policy.CaseProcess,
	haven.EventScheduleInterview: policy.CaseProcess, haven.EventFindEligible: policy.CaseProcess,
	haven.EventStartAdmissibility: policy.CaseProcess, haven.EventConfirmAdmissible: policy.CaseProcess,
	haven.EventSplit: policy.CaseProcess, haven.EventApprove: policy.CaseProcess,
	haven.EventApproveEmergency: policy.CaseProcess, haven.EventRefuse: policy.CaseProcess,
	haven.EventBookTravel: policy.CaseProcess, haven.EventRecordArrival: policy.CaseProcess,
	haven.EventHold: policy.CaseProcess, haven.EventRequestInfo: policy.CaseProcess,
	haven.EventResume:   policy.CaseProcess,
	haven.EventWithdraw: policy.CaseWithdraw,
	// The referring partner answers the visa office's request.
	haven.EventAnswerInfo:      policy.CaseRespond,
	haven.EventBeginSettlement: policy.CaseSettle, haven.EventClose: policy.CaseSettle,
	// The visa office moves a booked journey to another date.
	haven.EventChangeTravel: policy.CaseProcess,
}

// nominationAction is the access policies' action that applies each
// nomination event: the one table the acts and the offer read. Refer
// (nomination.refer) is permitted only with the year's rules, like the
// referral it makes (Relation.MayRefer).
var nominationAction = map[haven.NominationEvent]policy.Action{
	haven.NominationEventReview: policy.NominationReview, haven.NominationEventRefer: policy.NominationRefer,
	haven.NominationEventDecline: policy.NominationDecline, haven.NominationEventWithdraw: policy.NominationWithdraw,
}

func init() {
	for _, ev := range haven.CaseEvents {
		if _, ok := eventAction[ev]; !ok && ev != haven.EventRecordCheck {
			panic("app: no policy action applies the event " + string(ev))
		}
	}
	for _, ev := range haven.NominationEvents {
		if _, ok := nominationAction[ev]; !ok {
			panic("app: no policy action applies the nomination event " + string(ev))
		}
	}
}

// actionOf is the action that applies in: its event's, or for a check the
// action of the check's kind.
func actionOf(in workflow.Input) policy.Action {
	if in.Event == haven.EventRecordCheck && in.Check != nil {
		return policy.CheckAction(in.Check.Kind)
	}
	return eventAction[in.Event]
}

// offer is what w may do to c now, c loaded with the facts the workflow's
// guards read (before redaction). Checks are recorded from the members'
// pages, so record_check is not an offered event of the case.
func (a *Cases) offer(w who, rel policy.Relation, c *haven.Case) *haven.Offer {
	o := &haven.Offer{}
	if c.Shredded {
		return o
	}
	may := func(action policy.Action) bool { return policy.Decide(w.actor(), action, rel).Allowed }
	for _, ev := range haven.CaseEvents {
		if action, ok := eventAction[ev]; ok && may(action) {
			o.Permitted = append(o.Permitted, ev)
		}
	}
	for _, ev := range workflow.Possible(c, haven.DateOf(a.now())) {
		if action, ok := eventAction[ev]; ok && may(action) {
			o.Events = append(o.Events, ev)
		}
	}
	o.AssignChecks = slices.Contains(workflow.Allowed(c.State), haven.EventRecordCheck) && may(policy.CaseProcess)
	o.Place = workflow.Placeable(c.State) && may(policy.CaseProcess)
	if o.Can(haven.EventSplit) {
		for _, m := range workflow.Removable(c) {
			o.Removable = append(o.Removable, m.ID)
		}
	}
	return o
}
