package haven

import "slices"

// CaseState is where a case stands in the lifecycle. The transitions between
// states live in internal/workflow; this file only names them.
type CaseState string

// The main line of a case, from referral to closing.
const (
	StateReferred                CaseState = "referred"
	StateFileCreated             CaseState = "file_created"
	StateEligibilityReview       CaseState = "eligibility_review"
	StateInterview               CaseState = "interview"
	StateEligible                CaseState = "eligible"
	StateAdmissibilityInProgress CaseState = "admissibility_in_progress"
	StateAdmissible              CaseState = "admissible"
	StateApproved                CaseState = "approved"
	StateTravelBooked            CaseState = "travel_booked"
	StateArrived                 CaseState = "arrived"
	StateInSettlement            CaseState = "in_settlement"
	StateClosed                  CaseState = "closed"
)

// The side states.
const (
	// StateRefused: refused with written reasons; the referring partner is notified.
	StateRefused CaseState = "refused"
	// StateOnHold: paused (for example a medical hold); resumes where it was.
	StateOnHold CaseState = "on_hold"
	// StateInfoRequested: more information asked of the referring partner;
	// not a refusal. Resumes where it was.
	StateInfoRequested CaseState = "info_requested"
	// StateWithdrawn: withdrawn by the referring partner or the family.
	StateWithdrawn CaseState = "withdrawn"
	// StateSplitDecision: some members removed from the case by a split
	// decision; the rest go on to approval or refusal.
	StateSplitDecision CaseState = "split_decision"
)

// CaseStates lists every CaseState: the main line in order, then the side states.
var CaseStates = []CaseState{
	StateReferred, StateFileCreated, StateEligibilityReview, StateInterview, StateEligible,
	StateAdmissibilityInProgress, StateAdmissible, StateApproved, StateTravelBooked, StateArrived,
	StateInSettlement, StateClosed,
	StateRefused, StateOnHold, StateInfoRequested, StateWithdrawn, StateSplitDecision,
}

// ParseCaseState parses s, rejecting unknown values.
func ParseCaseState(s string) (CaseState, error) { return parseEnum("case state", s, CaseStates) }

// Valid reports whether s is a known value.
func (s CaseState) Valid() bool { return slices.Contains(CaseStates, s) }

// UnmarshalText parses s, rejecting unknown values.
func (s *CaseState) UnmarshalText(b []byte) error {
	return unmarshalEnum(s, "case state", b, CaseStates)
}

// CaseEvent is something that happens to a case and may move it to another state.
type CaseEvent string

// The case events.
const (
	EventOpenFile           CaseEvent = "open_file"
	EventStartEligibility   CaseEvent = "start_eligibility"
	EventScheduleInterview  CaseEvent = "schedule_interview"
	EventFindEligible       CaseEvent = "find_eligible"
	EventStartAdmissibility CaseEvent = "start_admissibility"
	EventRecordCheck        CaseEvent = "record_check"
	EventConfirmAdmissible  CaseEvent = "confirm_admissible"
	EventSplit              CaseEvent = "split"
	EventApprove            CaseEvent = "approve"
	EventApproveEmergency   CaseEvent = "approve_emergency"
	EventRefuse             CaseEvent = "refuse"
	EventBookTravel         CaseEvent = "book_travel"
	EventRecordArrival      CaseEvent = "record_arrival"
	EventBeginSettlement    CaseEvent = "begin_settlement"
	EventClose              CaseEvent = "close"
	EventHold               CaseEvent = "hold"
	EventRequestInfo        CaseEvent = "request_info"
	// EventAnswerInfo: the referring partner answers the open request for
	// information. The case stays info_requested; the visa office resumes it.
	EventAnswerInfo CaseEvent = "answer_info"
	EventResume     CaseEvent = "resume"
	EventWithdraw   CaseEvent = "withdraw"
	// EventChangeTravel: the booked journey moves to another date; the
	// case stays travel_booked.
	EventChangeTravel CaseEvent = "change_travel"
)

// CaseEvents lists every CaseEvent.
var CaseEvents = []CaseEvent{
	EventOpenFile, EventStartEligibility, EventScheduleInterview, EventFindEligible,
	EventStartAdmissibility, EventRecordCheck, EventConfirmAdmissible, EventSplit, EventApprove,
	EventApproveEmergency, EventRefuse, EventBookTravel, EventChangeTravel, EventRecordArrival, EventBeginSettlement,
	EventClose, EventHold, EventRequestInfo, EventAnswerInfo, EventResume, EventWithdraw,
}

// ParseCaseEvent parses s, rejecting unknown values.
func ParseCaseEvent(s string) (CaseEvent, error) { return parseEnum("case event", s, CaseEvents) }

// Valid reports whether e is a known value.
func (e CaseEvent) Valid() bool { return slices.Contains(CaseEvents, e) }

// UnmarshalText parses e, rejecting unknown values.
func (e *CaseEvent) UnmarshalText(b []byte) error {
	return unmarshalEnum(e, "case event", b, CaseEvents)
}

// NominationState is where a protection partner's nomination stands.
type NominationState string

// The nomination states.
const (
	NominationSubmitted   NominationState = "submitted"
	NominationUnderReview NominationState = "under_review"
	NominationReferred    NominationState = "referred"
	NominationDeclined    NominationState = "declined"
	NominationWithdrawn   NominationState = "withdrawn"
)

// NominationStates lists every NominationState.
var NominationStates = []NominationState{NominationSubmitted, NominationUnderReview, NominationReferred, NominationDeclined, NominationWithdrawn}

// ParseNominationState parses s, rejecting unknown values.
func ParseNominationState(s string) (NominationState, error) {
	return parseEnum("nomination state", s, NominationStates)
}

// Valid reports whether s is a known value.
func (s NominationState) Valid() bool { return slices.Contains(NominationStates, s) }

// UnmarshalText parses s, rejecting unknown values.
func (s *NominationState) UnmarshalText(b []byte) error {
	return unmarshalEnum(s, "nomination state", b, NominationStates)
}

// NominationEvent is something that happens to a nomination.
type NominationEvent string

// The nomination events.
const (
	NominationEventReview   NominationEvent = "review"
	NominationEventRefer    NominationEvent = "refer"
	NominationEventDecline  NominationEvent = "decline"
	NominationEventWithdraw NominationEvent = "withdraw"
)

// NominationEvents lists every NominationEvent.
var NominationEvents = []NominationEvent{NominationEventReview, NominationEventRefer, NominationEventDecline, NominationEventWithdraw}

// ParseNominationEvent parses s, rejecting unknown values.
func ParseNominationEvent(s string) (NominationEvent, error) {
	return parseEnum("nomination event", s, NominationEvents)
}

// Valid reports whether e is a known value.
func (e NominationEvent) Valid() bool { return slices.Contains(NominationEvents, e) }

// UnmarshalText parses e, rejecting unknown values.
func (e *NominationEvent) UnmarshalText(b []byte) error {
	return unmarshalEnum(e, "nomination event", b, NominationEvents)
}
