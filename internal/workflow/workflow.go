package workflow

import (
	"errors"
	"fmt"
	"slices"

	"github.com/havenhrd/haven"
)

// Input is an event with what its guards need.
type Input struct {
	Event haven.CaseEvent
	// Reasons are the written reasons of a refuse, split, withdraw, hold or
	// request_info event, each of which requires them, and the answer of
	// answer_info.
	Reasons string
	// Excluded are the members a split removes from the case.
	Excluded []haven.ID
	// TravelDate is the departure date of book_travel, and the new one of
	// change_travel.
	TravelDate haven.Date
	// ArrivalDate is the date of record_arrival.
	ArrivalDate haven.Date
	// Assessment is the eligibility assessment of find_eligible.
	Assessment *haven.EligibilityAssessment
	// Check is the new check of record_check, already validated by its own
	// Validate and not yet among the case's checks.
	Check *haven.Check
	// Interview is the interview schedule_interview sets, already
	// validated by its own Validate (its At worked out); its Attending
	// may be empty, for DefaultAttending.
	Interview *haven.Interview
}

// Previous is the pseudo-state that Graph writes as the target of resume:
// the case returns to its ResumeState.
const Previous haven.CaseState = "(previous)"

// Edge is one edge of the case graph, with the names of the guards on it.
// When a state and an event have more than one edge, When names the
// condition that picks this one ("otherwise" for the last); it is empty on
// the others.
type Edge struct {
	From   haven.CaseState
	Event  haven.CaseEvent
	To     haven.CaseState
	Guards []string
	When   string
}

// stay as the target of a rule means the case stays in the state it is in.
const stay haven.CaseState = ""

// A guard rejects an event, with EINVALID when the input is wrong and
// ECONFLICT when the case's facts forbid it.
type guard struct {
	name string
	doc  string
	// facts says the guard reads the case alone, never the input: it can
	// tell before any input is given whether the event is possible now.
	facts bool
	check func(c *haven.Case, in Input, today haven.Date) *haven.Error
}

// A condition picks one of several edges of the same state and event.
type condition struct {
	name  string
	doc   string
	holds func(c *haven.Case, in Input, today haven.Date) bool
}

// A rule is a row of the table: one event from one or more states.
type rule struct {
	from   []haven.CaseState
	event  haven.CaseEvent
	to     haven.CaseState // stay: the state it came from; Previous: c.ResumeState
	guards []*guard
	// when, if set, makes the rule apply only when it holds; the next rule
	// for the same state and event applies otherwise.
	when *condition
}

func states(s ...haven.CaseState) []haven.CaseState { return s }

func guards(g ...*guard) []*guard { return g }

// The states that each of the widely allowed events leaves from.
var (
	holdFrom = states(haven.StateFileCreated, haven.StateEligibilityReview, haven.StateInterview,
		haven.StateEligible, haven.StateAdmissibilityInProgress, haven.StateAdmissible,
		haven.StateSplitDecision, haven.StateApproved, haven.StateTravelBooked)
	requestInfoFrom = states(haven.StateReferred, haven.StateFileCreated, haven.StateEligibilityReview,
		haven.StateInterview, haven.StateEligible, haven.StateAdmissibilityInProgress,
		haven.StateAdmissible, haven.StateSplitDecision)
	refuseFrom = states(haven.StateEligibilityReview, haven.StateInterview, haven.StateEligible,
		haven.StateAdmissibilityInProgress, haven.StateAdmissible, haven.StateSplitDecision,
		// After approval a check may still fail (a new medical, a late
		// screening hit): the officer refuses, or splits the family.
		haven.StateApproved)
	// withdrawFrom is every state but those after arrival and the terminal ones.
	withdrawFrom = slices.DeleteFunc(slices.Clone(haven.CaseStates), func(s haven.CaseState) bool {
		switch s {
		case haven.StateArrived, haven.StateInSettlement, haven.StateClosed, haven.StateRefused, haven.StateWithdrawn:
			return true
		}
		return false
	})
)

// table is the case machine. Step, Graph, Golden and Mermaid all read it.
var table = []rule{
	{from: states(haven.StateReferred), event: haven.EventOpenFile, to: haven.StateFileCreated},
	{from: states(haven.StateFileCreated), event: haven.EventStartEligibility, to: haven.StateEligibilityReview},
	// Scheduled again while in interview, the interview moves: the case
	// stays, and each move is an act of its own in the log.
	{from: states(haven.StateEligibilityReview, haven.StateInterview), event: haven.EventScheduleInterview,
		to: haven.StateInterview, guards: guards(guardInterview)},
	{from: states(haven.StateEligibilityReview, haven.StateInterview), event: haven.EventFindEligible,
		to: haven.StateEligible, guards: guards(guardAssessment)},
	{from: states(haven.StateEligible), event: haven.EventStartAdmissibility, to: haven.StateAdmissibilityInProgress},

	{from: states(haven.StateAdmissibilityInProgress, haven.StateSplitDecision, haven.StateApproved, haven.StateTravelBooked),
		event: haven.EventRecordCheck, to: stay, guards: guards(guardCheckOnCase)},
	{from: states(haven.StateAdmissible), event: haven.EventRecordCheck, to: haven.StateAdmissible,
		guards: guards(guardCheckOnCase), when: whenCheckPasses},
	{from: states(haven.StateAdmissible), event: haven.EventRecordCheck, to: haven.StateAdmissibilityInProgress,
		guards: guards(guardCheckOnCase)},

	{from: states(haven.StateAdmissibilityInProgress), event: haven.EventConfirmAdmissible, to: haven.StateAdmissible,
		guards: guards(guardTravellersAdmissible)},
	{from: states(haven.StateAdmissibilityInProgress, haven.StateAdmissible, haven.StateSplitDecision, haven.StateApproved),
		event: haven.EventSplit, to: haven.StateSplitDecision, guards: guards(guardReasons, guardSplitMembers, guardSplitPossible)},
	{from: states(haven.StateAdmissible, haven.StateSplitDecision), event: haven.EventApprove,
		to: haven.StateApproved, guards: guards(guardTravellersAdmissible)},
	{from: states(haven.StateAdmissibilityInProgress, haven.StateAdmissible, haven.StateSplitDecision),
		event: haven.EventApproveEmergency, to: haven.StateApproved,
		guards: guards(guardEmergencyPriority, guardNoFailedCheck)},
	{from: refuseFrom, event: haven.EventRefuse, to: haven.StateRefused, guards: guards(guardReasons)},

	{from: states(haven.StateApproved), event: haven.EventBookTravel, to: haven.StateTravelBooked,
		guards: guards(guardTravelDate, guardNoFailedCheck, guardMedicalsValidOnTravelDate)},
	// A booked journey may move to another date, checked as a booking is.
	{from: states(haven.StateTravelBooked), event: haven.EventChangeTravel, to: stay,
		guards: guards(guardTravelDate, guardTravelDateChanged, guardNoFailedCheck, guardMedicalsValidOnTravelDate)},
	{from: states(haven.StateTravelBooked), event: haven.EventRecordArrival, to: haven.StateArrived,
		guards: guards(guardArrivalDate)},
	{from: states(haven.StateArrived), event: haven.EventBeginSettlement, to: haven.StateInSettlement,
		guards: guards(guardSettlementOrg)},
	{from: states(haven.StateInSettlement), event: haven.EventClose, to: haven.StateClosed},

	{from: holdFrom, event: haven.EventHold, to: haven.StateOnHold, guards: guards(guardReasons)},
	{from: requestInfoFrom, event: haven.EventRequestInfo, to: haven.StateInfoRequested, guards: guards(guardReasons)},
	// The referring partner's answer does not resume the case: it hands
	// the turn back to the visa office, whose officer reads the answer and
	// resumes (or, if it falls short, refuses or asks again after resuming).
	// Resuming on the answer itself would move a case on an answer nobody
	// in the office has read, and a partial answer would need the request
	// re-opened; an officer's resume is also what the audit log then shows
	// as the decision that the information sufficed.
	{from: states(haven.StateInfoRequested), event: haven.EventAnswerInfo, to: stay,
		guards: guards(guardAnswer, guardUnanswered)},
	{from: states(haven.StateOnHold, haven.StateInfoRequested), event: haven.EventResume, to: Previous,
		guards: guards(guardResumeState)},
	{from: withdrawFrom, event: haven.EventWithdraw, to: haven.StateWithdrawn, guards: guards(guardReasons)},
}

type pair struct {
	from  haven.CaseState
	event haven.CaseEvent
}

// branch is one edge of the expanded table.
type branch struct {
	to     haven.CaseState
	guards []*guard
	when   *condition
}

// index maps a state and an event to its edges, in table order; graph is
// the expanded table in Graph's order. Both are built by init from table,
// which keeps the guards (that read index) out of an initialization cycle.
var (
	index map[pair][]branch
	graph []Edge
)

func init() {
	index = make(map[pair][]branch)
	for _, r := range table {
		for _, from := range r.from {
			to := r.to
			if to == stay {
				to = from
			}
			k := pair{from, r.event}
			index[k] = append(index[k], branch{to: to, guards: r.guards, when: r.when})
		}
	}
	for _, from := range haven.CaseStates {
		for _, ev := range haven.CaseEvents {
			bs := index[pair{from, ev}]
			for i, b := range bs {
				// Step runs the guards of the first edge, then picks the edge:
				// the edges of one pair must share their guards, and only the
				// last may lack a condition.
				if !slices.Equal(b.guards, bs[0].guards) || (b.when == nil) != (i == len(bs)-1) {
					panic(fmt.Sprintf("workflow: inconsistent edges for %s × %s", from, ev))
				}
				e := Edge{From: from, Event: ev, To: b.to, Guards: guardNames(b.guards)}
				switch {
				case b.when != nil:
					e.When = b.when.name
				case len(bs) > 1:
					e.When = "otherwise"
				}
				graph = append(graph, e)
			}
		}
	}
}

func guardNames(gs []*guard) []string {
	names := make([]string, len(gs))
	for i, g := range gs {
		names[i] = g.name
	}
	return names
}

// Graph returns every edge of the case machine, ordered by the state order
// of haven.CaseStates, then the event order of haven.CaseEvents, then table
// order. The target of resume is the pseudo-state Previous.
func Graph() []Edge {
	out := make([]Edge, len(graph))
	for i, e := range graph {
		e.Guards = slices.Clone(e.Guards)
		out[i] = e
	}
	return out
}

// Allowed returns the events that the graph allows from s, in the order of
// haven.CaseEvents. An allowed event may still be rejected by its guards.
func Allowed(s haven.CaseState) []haven.CaseEvent {
	var out []haven.CaseEvent
	for _, ev := range haven.CaseEvents {
		if _, ok := index[pair{s, ev}]; ok {
			out = append(out, ev)
		}
	}
	return out
}

// Possible returns the events c can take now, in the order of
// haven.CaseEvents: those the graph allows from c.State whose guards on the
// case's own facts pass today (an emergency approval only for an emergency
// case, confirmation only once every traveller is admissible). Guards on
// the input (reasons, dates, an assessment) are not run: a possible event
// may still be refused for what is given with it. c must carry the records
// the facts guards read (members, checks and notes): the app's facts view.
func Possible(c *haven.Case, today haven.Date) []haven.CaseEvent {
	var out []haven.CaseEvent
	if c == nil || !c.State.Valid() {
		return nil
	}
	for _, ev := range Allowed(c.State) {
		ok := true
		for _, g := range index[pair{c.State, ev}][0].guards {
			if g.facts && g.check(c, Input{Event: ev}, today) != nil {
				ok = false
				break
			}
		}
		if ok {
			out = append(out, ev)
		}
	}
	return out
}

// Placeable reports whether a case in state s may be placed with a
// settlement organisation: between approval and arrival, so that the
// organisation can plan the reception.
func Placeable(s haven.CaseState) bool {
	return s == haven.StateApproved || s == haven.StateTravelBooked || s == haven.StateArrived
}

// Terminal reports whether s is a known state that no event leaves:
// refused, withdrawn and closed.
func Terminal(s haven.CaseState) bool { return s.Valid() && len(Allowed(s)) == 0 }

// Step returns the state c moves to when in happens today, or an error when
// the event is not allowed from c.State or a guard rejects it. It does not
// modify c.
//
// It returns ECONFLICT "a case in state S cannot take event E" when the graph
// has no edge from c.State for the event; EINVALID with field problems when
// the event's input is wrong (for example written reasons missing);
// ECONFLICT when the case's facts forbid the event (for example a traveller
// who is not admissible); EINVALID for an unknown event; and EINTERNAL for a
// nil case, a case in an unknown state or a zero today, which are the
// caller's bugs. When both input and facts are wrong, the input problems are
// reported first. For resume it returns c.ResumeState.
func Step(c *haven.Case, in Input, today haven.Date) (haven.CaseState, error) {
	const op = "workflow.Step"
	switch {
	case c == nil:
		return "", haven.Internal(op, errors.New("nil case"))
	case !c.State.Valid():
		return "", haven.Internal(op, fmt.Errorf("case %s is in an unknown state", c.ID))
	case today.IsZero():
		return "", haven.Internal(op, errors.New("zero date for today"))
	case !in.Event.Valid():
		return "", &haven.Error{Code: haven.EINVALID, Op: op, Message: "the input has problems",
			Fields: []haven.FieldProblem{{Field: "event", Message: "unknown event"}}}
	}
	bs, ok := index[pair{c.State, in.Event}]
	if !ok {
		return "", haven.Errorf(haven.ECONFLICT, op, "a case in state %s cannot take event %s", c.State, in.Event)
	}
	if err := runGuards(op, bs[0].guards, c, in, today); err != nil {
		return "", err
	}
	for _, b := range bs {
		if b.when == nil || b.when.holds(c, in, today) {
			if b.to == Previous {
				return c.ResumeState, nil
			}
			return b.to, nil
		}
	}
	// init guarantees that the last edge of a pair has no condition.
	panic("workflow: no edge chosen")
}

// runGuards runs gs in order. Input problems (EINVALID) are collected across
// guards and reported together; the first conflict is reported only when the
// input has no problems.
func runGuards(op string, gs []*guard, c *haven.Case, in Input, today haven.Date) error {
	var p haven.Problems
	for _, g := range gs {
		err := g.check(c, in, today)
		switch {
		case err == nil:
		case err.Code == haven.EINVALID:
			p = append(p, err.Fields...)
		case len(p) == 0:
			err.Op = op
			return err
		default:
			return p.Err(op)
		}
	}
	return p.Err(op)
}
