package haven

// WorkKind names one count of the work waiting on an organisation, as its
// home page shows it.
type WorkKind string

// The kinds of work counted.
const (
	// WorkOverdue: open cases whose stage deadline has passed.
	WorkOverdue WorkKind = "overdue"
	// WorkDueSoon: open cases whose stage deadline is from today to
	// DueSoonDays days on (CaseFilter.DueWithin).
	WorkDueSoon WorkKind = "due_soon"
	// WorkAwaitingInformation: cases waiting on the referring partner's
	// answer to a request for information; for a referring partner, those
	// it referred, which wait on its own answer.
	WorkAwaitingInformation WorkKind = "awaiting_information"
	// WorkAwaitingChecks: cases waiting on the check partners (their
	// turn), whoever holds the checks.
	WorkAwaitingChecks WorkKind = "awaiting_checks"
	// WorkChecksWith: cases whose checks one screening or medical partner
	// holds (WorkCount.OrgID).
	WorkChecksWith WorkKind = "checks_with"
	// WorkCheckRequests: a screening or medical partner's own requests,
	// members it was asked to examine and has not yet recorded the checks
	// of (CheckRequest.Recorded false).
	WorkCheckRequests WorkKind = "check_requests"
	// WorkFollowUpsDue: cases with a follow-up after arrival due by the end
	// of the month and not yet held.
	WorkFollowUpsDue WorkKind = "follow_ups_due"
)

// WorkKinds lists every WorkKind, in the order a home page shows them.
var WorkKinds = []WorkKind{WorkOverdue, WorkDueSoon, WorkAwaitingInformation, WorkAwaitingChecks, WorkChecksWith,
	WorkCheckRequests, WorkFollowUpsDue}

// DueSoonDays is how far ahead WorkDueSoon looks: a week.
const DueSoonDays = 7

// MaxDueWithin bounds CaseFilter.DueWithin: a year.
const MaxDueWithin = 366

// WorkCount is one count of work.
type WorkCount struct {
	Kind  WorkKind
	Count int
	// OrgID is the partner holding the checks, for WorkChecksWith alone.
	OrgID ID
	// Cases is the list behind a count of cases: FindCases with it returns
	// exactly the cases counted. Nil for WorkCheckRequests, which counts
	// check requests (FindCheckRequests, those not Recorded).
	Cases *CaseFilter
}

// WorkCounts is the work waiting on a reader's organisation: only the
// counts that apply to its kind and the reader's role, each within what
// the reader may read.
type WorkCounts struct {
	// AsOf is the day counted, on the app's clock.
	AsOf Date
	// Counts are in the order of WorkKinds; WorkChecksWith once per
	// partner holding checks, by the partner's ID.
	Counts []WorkCount
}

// Count returns the count of kind (the first, for WorkChecksWith), and
// whether it applies to the reader.
func (w *WorkCounts) Count(kind WorkKind) (WorkCount, bool) {
	for _, c := range w.Counts {
		if c.Kind == kind {
			return c, true
		}
	}
	return WorkCount{}, false
}
