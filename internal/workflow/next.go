package workflow

import (
	"slices"

	"github.com/havenhrd/haven"
)

// forward are the events that move a case on its way, in the order it
// takes them, with the step each one is.
var forward = []struct {
	ev   haven.CaseEvent
	step haven.NextStep
}{
	{haven.EventOpenFile, haven.NextOpenFile}, {haven.EventStartEligibility, haven.NextStartEligibility},
	{haven.EventFindEligible, haven.NextAssessment}, {haven.EventStartAdmissibility, haven.NextStartAdmissibility},
	{haven.EventConfirmAdmissible, haven.NextConfirmAdmissible}, {haven.EventApprove, haven.NextApprove},
	{haven.EventApproveEmergency, haven.NextApprove}, {haven.EventBookTravel, haven.NextBookTravel},
	{haven.EventRecordArrival, haven.NextRecordArrival}, {haven.EventBeginSettlement, haven.NextBeginSettlement},
	{haven.EventClose, haven.NextClose},
}

// Next returns what moves c forward now, whoever takes it: on hold, to
// resume; waiting for information, the referring partner's answer, and
// once answered (Answered), to resume; in interview, the interview until
// its day has passed (when c carries it), then its assessment; in
// admissibility, the checks a traveller still lacks (to assign when c
// carries its assignments and one of them is not assigned, else awaited),
// then confirmation or, when a traveller is inadmissible, a split
// decision; approved, a settlement organisation before travel; otherwise
// the first forward event c can take today. NextNone once the case is at
// its end. c must carry its members and checks (the app's facts view).
func Next(c *haven.Case, today haven.Date) haven.NextStep {
	switch c.State {
	case haven.StateOnHold:
		return haven.NextResume
	case haven.StateInfoRequested:
		if Answered(c) {
			return haven.NextResume
		}
		return haven.NextAwaitInfo
	case haven.StateAdmissibilityInProgress:
		if step, ok := missingChecks(c); ok {
			return step
		}
	case haven.StateApproved:
		if c.SettlementOrgID == "" {
			return haven.NextPlace
		}
	case haven.StateInterview:
		if c.Interview != nil && !c.Interview.Date.Before(today) {
			return haven.NextInterview
		}
	}
	possible := Possible(c, today)
	for _, f := range forward {
		if slices.Contains(possible, f.ev) {
			return f.step
		}
	}
	if slices.Contains(possible, haven.EventSplit) {
		return haven.NextSplit
	}
	return haven.NextNone
}

// missingChecks reports whether a traveller of c lacks a check result (or
// has one on hold), and then whether one such check is assigned to no one.
func missingChecks(c *haven.Case) (haven.NextStep, bool) {
	missing, unassigned := false, false
	for _, m := range c.Travellers() {
		for _, k := range haven.CheckKinds {
			if ch := c.LatestCheck(m.ID, k); ch != nil && ch.Result != haven.ResultOnHold {
				continue
			}
			missing = true
			if c.CheckAssignments != nil && !slices.ContainsFunc(c.CheckAssignments, func(a *haven.CheckAssignment) bool {
				return a.MemberID == m.ID && slices.Contains(a.Kinds, k)
			}) {
				unassigned = true
			}
		}
	}
	switch {
	case unassigned:
		return haven.NextAssignChecks, true
	case missing:
		return haven.NextAwaitChecks, true
	}
	return haven.NextNone, false
}
