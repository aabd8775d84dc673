package workflow

import (
	"errors"
	"slices"

	"github.com/havenhrd/haven"
)

// NominationEdge is one edge of the nomination graph, with the names of the
// guards on it.
type NominationEdge struct {
	From   haven.NominationState
	Event  haven.NominationEvent
	To     haven.NominationState
	Guards []string
}

// nominationTable is the nomination machine; StepNomination and
// NominationGraph read it. The only guard is "reason": a decline needs
// written reasons.
var nominationTable = []NominationEdge{
	{From: haven.NominationSubmitted, Event: haven.NominationEventReview, To: haven.NominationUnderReview},
	{From: haven.NominationSubmitted, Event: haven.NominationEventDecline, To: haven.NominationDeclined, Guards: []string{"reason"}},
	{From: haven.NominationSubmitted, Event: haven.NominationEventWithdraw, To: haven.NominationWithdrawn},
	{From: haven.NominationUnderReview, Event: haven.NominationEventRefer, To: haven.NominationReferred},
	{From: haven.NominationUnderReview, Event: haven.NominationEventDecline, To: haven.NominationDeclined, Guards: []string{"reason"}},
	{From: haven.NominationUnderReview, Event: haven.NominationEventWithdraw, To: haven.NominationWithdrawn},
}

// nominationGuardDoc is the legend of the nomination guards.
var nominationGuardDoc = map[string]string{
	"reason": "written reasons for the decline are given (EINVALID reason)",
}

// NominationGraph returns every edge of the nomination machine, ordered by
// the state order of haven.NominationStates, then the event order of
// haven.NominationEvents.
func NominationGraph() []NominationEdge {
	out := slices.Clone(nominationTable)
	slices.SortStableFunc(out, func(a, b NominationEdge) int {
		if d := slices.Index(haven.NominationStates, a.From) - slices.Index(haven.NominationStates, b.From); d != 0 {
			return d
		}
		return slices.Index(haven.NominationEvents, a.Event) - slices.Index(haven.NominationEvents, b.Event)
	})
	for i := range out {
		out[i].Guards = slices.Clone(out[i].Guards)
	}
	return out
}

// NominationPossible returns the events a nomination in state s can take
// now, in the order of haven.NominationEvents: the graph's edges from s.
// The only guard, a decline's written reasons, reads the input, so a
// possible event may still be refused for what is given with it. An
// unknown state can take none.
func NominationPossible(s haven.NominationState) []haven.NominationEvent {
	var out []haven.NominationEvent
	for _, e := range haven.NominationEvents {
		if slices.ContainsFunc(nominationTable, func(edge NominationEdge) bool { return edge.From == s && edge.Event == e }) {
			out = append(out, e)
		}
	}
	return out
}

// StepNomination returns the state a nomination in state s moves to when e
// happens: submitted --review--> under_review; under_review --refer-->
// referred; submitted|under_review --decline--> declined, with written
// reasons; submitted|under_review --withdraw--> withdrawn.
//
// It returns ECONFLICT "a nomination in state S cannot take event E" when
// the graph has no such edge, EINVALID (field "reason") when a decline has no
// reasons or reasons longer than MaxReasons characters or holding control
// characters (both said at once), EINVALID (field "event") for an unknown event and EINTERNAL for an
// unknown state.
func StepNomination(s haven.NominationState, e haven.NominationEvent, reason string) (haven.NominationState, error) {
	const op = "workflow.StepNomination"
	if !s.Valid() {
		return "", haven.Internal(op, errors.New("unknown nomination state"))
	}
	if !e.Valid() {
		var p haven.Problems
		p.Add("event", "unknown event")
		return "", p.Err(op)
	}
	for _, edge := range nominationTable {
		if edge.From != s || edge.Event != e {
			continue
		}
		if slices.Contains(edge.Guards, "reason") {
			var p haven.Problems
			checkReasons(&p, "reason", reason)
			if err := p.Err(op); err != nil {
				return "", err
			}
		}
		return edge.To, nil
	}
	return "", haven.Errorf(haven.ECONFLICT, op, "a nomination in state %s cannot take event %s", s, e)
}
