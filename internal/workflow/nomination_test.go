package workflow_test

import (
	"fmt"
	"slices"
	"testing"

	"github.com/havenhrd/haven"
	"github.com/havenhrd/haven/internal/workflow"
)

// nominationSpec is the nomination machine as the brief states it.
var nominationSpec = map[haven.NominationState]map[haven.NominationEvent]haven.NominationState{
	haven.NominationSubmitted: {
		haven.NominationEventReview:   haven.NominationUnderReview,
		haven.NominationEventDecline:  haven.NominationDeclined,
		haven.NominationEventWithdraw: haven.NominationWithdrawn,
	},
	haven.NominationUnderReview: {
		haven.NominationEventRefer:    haven.NominationReferred,
		haven.NominationEventDecline:  haven.NominationDeclined,
		haven.NominationEventWithdraw: haven.NominationWithdrawn,
	},
}

// TestStepNomination tries every state × event pair.
func TestStepNomination(t *testing.T) {
	for _, s := range haven.NominationStates {
		for _, e := range haven.NominationEvents {
			t.Run(fmt.Sprintf("%s×%s", s, e), func(t *testing.T) {
				want, ok := nominationSpec[s][e]
				got, err := workflow.StepNomination(s, e, reasonsText)
				if !ok {
					msg := fmt.Sprintf("a nomination in state %s cannot take event %s", s, e)
					if haven.ErrorCodeOf(err) != haven.ECONFLICT || haven.ErrorMessageOf(err) != msg || got != "" {
						t.Fatalf("StepNomination = %q, %v; want ECONFLICT %q", got, err, msg)
					}
					return
				}
				if err != nil || got != want {
					t.Fatalf("StepNomination = %q, %v; want %s", got, err, want)
				}
				if e == haven.NominationEventDecline {
					got, err = workflow.StepNomination(s, e, " \n")
					if haven.ErrorCodeOf(err) != haven.EINVALID || !slices.Equal(fieldNames(err), []string{"reason"}) || got != "" {
						t.Fatalf("decline without reasons: %q, %v", got, err)
					}
				} else if got, err = workflow.StepNomination(s, e, ""); err != nil || got != want {
					t.Fatalf("without reasons: StepNomination = %q, %v; want %s", got, err, want)
				}
			})
		}
	}
}

func TestStepNominationBadCalls(t *testing.T) {
	if _, err := workflow.StepNomination(haven.NominationSubmitted, "approve", ""); haven.ErrorCodeOf(err) != haven.EINVALID ||
		!slices.Equal(fieldNames(err), []string{"event"}) {
		t.Errorf("unknown event: %v", err)
	}
	if _, err := workflow.StepNomination("lost", haven.NominationEventReview, ""); haven.ErrorCodeOf(err) != haven.EINTERNAL {
		t.Errorf("unknown state: %v", err)
	}
}

func TestNominationGraph(t *testing.T) {
	edges := workflow.NominationGraph()
	n := 0
	for _, m := range nominationSpec {
		n += len(m)
	}
	if len(edges) != n {
		t.Fatalf("NominationGraph has %d edges, want %d", len(edges), n)
	}
	for i, e := range edges {
		if nominationSpec[e.From][e.Event] != e.To {
			t.Errorf("edge %v is not in the spec", e)
		}
		if i > 0 {
			p := edges[i-1]
			ps, es := slices.Index(haven.NominationStates, p.From), slices.Index(haven.NominationStates, e.From)
			if ps > es || ps == es && slices.Index(haven.NominationEvents, p.Event) > slices.Index(haven.NominationEvents, e.Event) {
				t.Errorf("edges %v and %v out of order", p, e)
			}
		}
		if want := e.Event == haven.NominationEventDecline; want != slices.Contains(e.Guards, "reason") {
			t.Errorf("edge %v: guards %v", e, e.Guards)
		}
	}
}

// TestNominationPossible: the events a nomination can take now are the
// table's edges from its state (the decline's reasons come with the input).
func TestNominationPossible(t *testing.T) {
	for _, s := range haven.NominationStates {
		var want []haven.NominationEvent
		for _, e := range haven.NominationEvents {
			if _, ok := nominationSpec[s][e]; ok {
				want = append(want, e)
			}
		}
		if got := workflow.NominationPossible(s); !slices.Equal(got, want) {
			t.Errorf("NominationPossible(%s) = %v, want %v", s, got, want)
		}
	}
	if got := workflow.NominationPossible("lost"); got != nil {
		t.Errorf("an unknown state can take %v", got)
	}
}
