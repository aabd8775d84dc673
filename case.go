package haven

import (
	"slices"
	"strconv"
	"strings"
	"time"
)

// DefenderProfile describes a defender's human rights work and the threats
// against them. WorkAreas and Organisations (the "work" part) and
// ThreatEvents are sealed separately, so that a view can carry one without
// the other.
type DefenderProfile struct {
	// WorkAreas and Organisations are encrypted at rest.
	WorkAreas     []WorkArea `json:"work_areas"`
	Organisations []string   `json:"organisations"`
	// ThreatEvents is encrypted at rest.
	ThreatEvents []ThreatEvent `json:"threat_events"`
}

// ThreatEvent is one act against the defender or those close to them.
// The whole event is encrypted at rest.
type ThreatEvent struct {
	Type        ThreatType  `json:"type"`
	Perpetrator Perpetrator `json:"perpetrator"`
	Date        Date        `json:"date"`
	Place       string      `json:"place"`
	Description string      `json:"description"`
}

// Validate reports problems with the profile; now bounds event dates.
func (d *DefenderProfile) Validate(now time.Time) Problems {
	var p Problems
	for i, w := range d.WorkAreas {
		if !w.Valid() {
			p.Addf("work_areas", "entry %d is not a known work area", i+1)
		}
	}
	for _, o := range d.Organisations {
		checkText(&p, "organisations", o, 1, 200)
	}
	for i, e := range d.ThreatEvents {
		f := "threat_events[" + strconv.Itoa(i) + "]."
		if !e.Type.Valid() {
			p.Add(f+"type", "choose a threat type")
		}
		if !e.Perpetrator.Valid() {
			p.Add(f+"perpetrator", "choose a perpetrator")
		}
		if e.Date.IsZero() {
			p.Add(f+"date", "enter the date")
		} else if e.Date.After(DateOf(now)) {
			p.Add(f+"date", "the date is in the future")
		}
		checkText(&p, f+"place", e.Place, 1, 200)
		checkText(&p, f+"description", e.Description, 0, 5000)
	}
	return p
}

// Nomination is a protection partner's proposal that a defender be referred
// for resettlement. It is addressed to one referral partner.
type Nomination struct {
	ID              ID
	ProtectionOrgID ID
	ReferralOrgID   ID
	State           NominationState

	// DefenderName, Contact and Whereabouts are encrypted at rest.
	DefenderName string
	Contact      string
	Whereabouts  string
	// Profile is encrypted at rest.
	Profile DefenderProfile
	// RiskAssessment is the partner's account of the risk; encrypted at rest.
	RiskAssessment       string
	RecommendedPriority  Priority
	NationalityCountries []string
	AsylumCountry        string
	// FamilySize is the number of persons expected to move together.
	FamilySize int
	// DeclineReason is encrypted at rest.
	DeclineReason string
	// CaseID is set once the nomination has been referred.
	CaseID ID
	// Shredded is set when the nomination's data key has been destroyed.
	Shredded bool
	// Offer is what the reader may do to the nomination now; nil in lists.
	Offer     *NominationOffer
	CreatedBy ID
	CreatedAt time.Time
	UpdatedAt time.Time
}

// Validate reports problems with the nomination's input fields.
func (n *Nomination) Validate(now time.Time) Problems {
	var p Problems
	if n.ReferralOrgID == "" {
		p.Add("referral_org_id", "choose the referral partner to address")
	}
	checkText(&p, "defender_name", n.DefenderName, 1, 300)
	checkText(&p, "contact", n.Contact, 0, 1000)
	checkText(&p, "whereabouts", n.Whereabouts, 0, 1000)
	checkText(&p, "risk_assessment", n.RiskAssessment, 1, 20000)
	if !n.RecommendedPriority.Valid() {
		p.Add("recommended_priority", "choose emergency, urgent or normal")
	}
	checkCountries(&p, "nationality_countries", n.NationalityCountries, 1)
	if n.AsylumCountry != "" && !ValidCountry(n.AsylumCountry) {
		p.Add("asylum_country", "use an ISO 3166-1 two-letter country code")
	}
	if n.FamilySize < 1 || n.FamilySize > 30 {
		p.Add("family_size", "enter a family size from 1 to 30")
	}
	p.Merge("profile.", n.Profile.Validate(now))
	return p
}

// Case is one referral to Canada: one family that moves together, listed on
// one UNHCR Resettlement Registration Form. The sensitive fields are sealed
// in the store; a Case in memory holds them in the clear only for actors
// allowed to see them.
type Case struct {
	ID ID
	// Reference is the case's short reference for people ("HRD-2026-K7QM2A"):
	// the year of referral and six random characters. It is no secret and
	// says nothing of the family, nor of how many cases there are.
	Reference string
	// UNHCRNumber is UNHCR's case number. Encrypted at rest, found by a
	// blind index.
	UNHCRNumber    string
	ReferringOrgID ID
	NominationID   ID // empty when referred from the partner's own caseload

	State CaseState
	// ResumeState is the state a held or information-requested case returns to.
	ResumeState CaseState

	SubmissionPriority Priority
	ProcessingPriority Priority
	PrimaryCategory    SubmissionCategory
	SecondaryCategory  SubmissionCategory // may be empty
	// CategoryJustification is encrypted at rest.
	CategoryJustification string

	// Grounds and SocialGroups are encrypted at rest: a ground such as
	// sexual orientation is itself dangerous to disclose.
	Grounds      []Ground
	SocialGroups []SocialGroup

	NationalityCountries []string
	AsylumCountry        string

	// Profile is encrypted at rest (work and threats sealed separately).
	Profile DefenderProfile
	// PersecutionAccount is encrypted at rest.
	PersecutionAccount string

	// DeclaredSize is the case size stated on the referral form; it must
	// equal the number of members listed.
	DeclaredSize int
	Members      []*Member

	Assessments []*EligibilityAssessment
	Checks      []*Check
	Decisions   []*Decision
	Notes       []*CaseNote
	Travel      *Travel
	Arrival     *Arrival
	// Interview is the case's eligibility interview, once scheduled; nil
	// outside the view (case.view.interview).
	Interview *Interview
	// PossibleDuplicates are the other cases this one may duplicate, found
	// when either was referred; nil outside the view (case.view.duplicates,
	// the visa office's alone).
	PossibleDuplicates []*PossibleDuplicate
	// Timeline is the latest page of the acts on the case, from the audit
	// log, as a read of the case (FindCaseByID) carries it; nil outside the
	// view (case.view.timeline) and after an act.
	Timeline *Timeline
	// Plan is the settlement organisation's integration plan; nil outside
	// the view (case.view.integration_plan) and before placement.
	Plan *IntegrationPlan
	// Offer is what the reader may do to the case now; nil in lists.
	Offer *Offer

	VisaKind        VisaKind // set at approval
	AdmissionYear   int      // the cap year the persons count against, set at approval
	SettlementOrgID ID

	// Shredded is set when the case's data key has been destroyed: its
	// sealed fields can never be read again and are left empty.
	Shredded bool

	ReferredAt time.Time
	UpdatedAt  time.Time
	// Version counts the changes to the case row; it rises by one each time.
	Version int

	// CaseClock is the case's target date, stage deadline and whose turn
	// it is: workflow facts, shown with the state.
	CaseClock
	// Next is what moves the case forward now (workflow.Next), whoever
	// takes it.
	Next NextStep
	// CheckAssignments are the members assigned to each check partner, in
	// the case of a reader who may process it (the visa office); nil
	// otherwise.
	CheckAssignments []*CheckAssignment
	// CheckHolders are the screening and medical partners holding the
	// case's outstanding checks (workflow.CheckHolders), by ID, while the
	// turn is the check partners': for a reader who may process the case
	// (the visa office), and only then; nil otherwise. A case read and a
	// row of a list carry it alike.
	CheckHolders []ID
}

// DuplicateMatch is what two cases were found to share.
type DuplicateMatch string

// The kinds of match.
const (
	// MatchUNHCRNumber: the same UNHCR case number.
	MatchUNHCRNumber DuplicateMatch = "unhcr_number"
	// MatchMemberIdentity: a member with the same names and date of birth.
	MatchMemberIdentity DuplicateMatch = "member_identity"
)

// PossibleDuplicate links a case to another case that may be the same
// family referred twice, by two organisations. It is the visa office's to
// resolve; the referring partners are never told (a refusal would tell a
// partner that another organisation's case exists).
type PossibleDuplicate struct {
	OtherCaseID ID
	Match       DuplicateMatch
	// MemberID (on this case) and OtherMemberID (on the other) are the
	// members whose names and date of birth matched; empty for a UNHCR
	// case number.
	MemberID      ID
	OtherMemberID ID
	FoundAt       time.Time
}

// Offer is what the reader of a case may do to it now: the events the case
// can take (the workflow's table and its guards on the case's own facts)
// that the reader may apply (the access policies), and the acts that are
// not events. An offered act may still be refused for what is given with it.
type Offer struct {
	Events []CaseEvent
	// AssignChecks: assign members' checks to a screening or medical partner.
	AssignChecks bool
	// Place: place the case with a settlement organisation.
	Place bool
	// Removable are the members a split decision may remove, when split
	// is offered.
	Removable []ID
	// Permitted are the events the policies let the reader apply to this
	// case, whether or not it can take them now: Events are those of them
	// it can. A page tells "not now" from "not yours" by it.
	Permitted []CaseEvent
}

// Can reports whether the event e is offered.
func (o *Offer) Can(e CaseEvent) bool { return o != nil && slices.Contains(o.Events, e) }

// Permits reports whether the policies let the reader apply e to the case.
func (o *Offer) Permits(e CaseEvent) bool { return o != nil && slices.Contains(o.Permitted, e) }

// NominationOffer is what the reader of a nomination may do to it now: the
// events the nomination can take (the workflow's nomination table) that
// the reader may apply (the access policies). An offered decline may
// still be refused for want of reasons.
type NominationOffer struct {
	Events []NominationEvent
	// Permitted are the events the policies let the reader apply to this
	// nomination, whether or not it can take them now: Events are those
	// of them it can. A page tells "not now" from "not yours" by it.
	Permitted []NominationEvent
}

// Can reports whether the event e is offered now.
func (o *NominationOffer) Can(e NominationEvent) bool {
	return o != nil && slices.Contains(o.Events, e)
}

// Permits reports whether the reader may apply e to the nomination at all.
func (o *NominationOffer) Permits(e NominationEvent) bool {
	return o != nil && slices.Contains(o.Permitted, e)
}

// Principal returns the principal applicant, or nil.
func (c *Case) Principal() *Member {
	for _, m := range c.Members {
		if m.Relationship == RelPrincipal {
			return m
		}
	}
	return nil
}

// Member returns the member with id, or nil.
func (c *Case) Member(id ID) *Member {
	for _, m := range c.Members {
		if m.ID == id {
			return m
		}
	}
	return nil
}

// Travellers returns the members who travel: accompanying and not removed by
// a split decision. These are the persons the cap counts.
func (c *Case) Travellers() []*Member {
	var out []*Member
	for _, m := range c.Members {
		if m.Accompanying && !m.Excluded {
			out = append(out, m)
		}
	}
	return out
}

// LatestCheck returns the most recent check of kind for member, or nil.
func (c *Case) LatestCheck(member ID, kind CheckKind) *Check {
	var latest *Check
	for _, ch := range c.Checks {
		if ch.MemberID == member && ch.Kind == kind {
			if latest == nil || !ch.RecordedAt.Before(latest.RecordedAt) {
				latest = ch
			}
		}
	}
	return latest
}

// Member is one person on a case: the principal applicant or a family member,
// accompanying or not.
type Member struct {
	ID           ID
	CaseID       ID
	Relationship Relationship
	Accompanying bool
	// Excluded is set when a split decision removed the member from the case.
	Excluded bool

	// FamilyName, GivenNames and DateOfBirth are encrypted at rest; a blind
	// index of name and birth date finds duplicates.
	FamilyName  string
	GivenNames  string
	DateOfBirth Date
	Sex         Sex
	// Nationalities are ISO 3166-1 alpha-2 codes.
	Nationalities []string
	// Languages are ISO 639 codes.
	Languages []string
	// Contact and Whereabouts are encrypted at rest.
	Contact     string
	Whereabouts string
	// ConfidentialNotes are what the member asked to keep from the other
	// members of the case (UNHCR RRF confidential headings). Encrypted at rest.
	ConfidentialNotes string
	// AdultDependent records the statutory exception under which a child
	// (or a child's child) aged 22 or over on the referral date is still a
	// dependent child (IRPR s.2): they have depended substantially on the
	// parent's financial support since before the age of 22 and cannot
	// support themselves financially because of a physical or mental
	// condition. It says that the person has such a condition, so it is
	// medical information: encrypted at rest, and shown only with the
	// narrative (the visa office and the referring partner), never to a
	// settlement organisation. See workflow.CheckReferral.
	AdultDependent bool
}

// DependentChildAge is the age from which a child is a dependent child only
// under the statutory exception (IRPR s.2 "dependent child").
const DependentChildAge = 22

// IsChild reports whether the relationship is a child's: the principal's
// child or a dependent child's child. These are the dependent children of
// IRPR s.2, whose age the referral checks.
func (r Relationship) IsChild() bool { return r == RelChild || r == RelChildOfChild }

// Validate reports problems with m's input fields; now bounds the birth date.
func (m *Member) Validate(now time.Time) Problems {
	var p Problems
	if !m.Relationship.Valid() {
		p.Add("relationship", "choose a relationship to the principal applicant")
	}
	checkText(&p, "family_name", m.FamilyName, 1, 200)
	checkText(&p, "given_names", m.GivenNames, 0, 200)
	switch {
	case m.DateOfBirth.IsZero():
		p.Add("date_of_birth", "enter the date of birth")
	case m.DateOfBirth.After(DateOf(now)):
		p.Add("date_of_birth", "the date of birth is in the future")
	case m.DateOfBirth.Year < 1900:
		p.Add("date_of_birth", "the date of birth is before 1900")
	}
	if !m.Sex.Valid() {
		p.Add("sex", "choose female, male or x")
	}
	checkCountries(&p, "nationalities", m.Nationalities, 0)
	for i, l := range m.Languages {
		if !ValidLanguage(l) {
			p.Addf("languages", "entry %d is not an ISO 639 language code", i+1)
		}
	}
	checkText(&p, "contact", m.Contact, 0, 1000)
	checkText(&p, "whereabouts", m.Whereabouts, 0, 1000)
	checkText(&p, "confidential_notes", m.ConfidentialNotes, 0, 20000)
	return p
}

// EligibilityAssessment is the visa office's Convention refugee assessment
// (Convention refugee abroad class).
type EligibilityAssessment struct {
	ID     ID
	CaseID ID
	// The four findings; a case is eligible only when all hold and at least
	// one Convention ground is found.
	OutsideCountry    bool
	WellFoundedFear   bool
	NoInternalFlight  bool
	NoDurableSolution bool
	Grounds           []Ground
	Interviewed       bool
	// Notes are encrypted at rest.
	Notes      string
	AssessedBy ID
	AssessedAt time.Time
}

// Eligible reports whether every finding holds and a ground is found.
func (a *EligibilityAssessment) Eligible() bool {
	return a.OutsideCountry && a.WellFoundedFear && a.NoInternalFlight && a.NoDurableSolution && len(a.Grounds) > 0
}

// Check is one admissibility check of one member.
type Check struct {
	ID       ID
	CaseID   ID
	MemberID ID
	Kind     CheckKind
	Result   CheckResult
	// ValidUntil is the end of a medical exam's validity (about 12 months).
	ValidUntil Date
	// Details are encrypted at rest.
	Details string
	// ConvictionPoliticallyMotivated records, for a criminality check, that
	// a conviction was judged the product of persecution (illegitimate
	// charges, judicial harassment), apart from the criminality finding.
	ConvictionPoliticallyMotivated bool
	// PoliticalMotivationReasons is encrypted at rest.
	PoliticalMotivationReasons string
	RecordedBy                 ID
	RecordedByOrg              ID
	RecordedAt                 time.Time
}

// Validate reports problems with c's input fields.
func (c *Check) Validate() Problems {
	var p Problems
	if c.MemberID == "" {
		p.Add("member_id", "choose the member")
	}
	if !c.Kind.Valid() {
		p.Add("kind", "choose medical, security or criminality")
	}
	if !c.Result.Valid() {
		p.Add("result", "choose passed, failed or on hold")
	}
	if c.Kind == CheckMedical && c.Result == ResultPassed && c.ValidUntil.IsZero() {
		p.Add("valid_until", "enter the date the medical exam expires")
	}
	if c.Kind != CheckMedical && !c.ValidUntil.IsZero() {
		p.Add("valid_until", "only a medical exam has an expiry")
	}
	if c.Kind != CheckCriminality && c.ConvictionPoliticallyMotivated {
		p.Add("conviction_politically_motivated", "only a criminality check records a conviction")
	}
	if c.ConvictionPoliticallyMotivated {
		checkText(&p, "political_motivation_reasons", c.PoliticalMotivationReasons, 1, 20000)
	}
	checkText(&p, "details", c.Details, 0, 20000)
	return p
}

// DecisionKind is the kind of a decision on a case.
type DecisionKind string

// The decision kinds.
const (
	DecisionApproved DecisionKind = "approved"
	DecisionRefused  DecisionKind = "refused"
	DecisionSplit    DecisionKind = "split"
)

// Decision is the visa office's decision on a case, or on some members of it.
type Decision struct {
	ID     ID
	CaseID ID
	Kind   DecisionKind
	// VisaKind is set on approval.
	VisaKind VisaKind
	// AdmissionYear is set on approval: the cap year the persons count against.
	AdmissionYear int
	// ExcludedMembers are the members a split decision removes.
	ExcludedMembers []ID
	// Reasons are written reasons, required for a refusal and a split.
	// Encrypted at rest.
	Reasons string
	// NoticeOrgID and NoticeAt record the notice of a refusal given to the
	// referring partner, so that it can refer the family elsewhere.
	NoticeOrgID ID
	NoticeAt    time.Time
	DecidedBy   ID
	DecidedAt   time.Time
}

// CaseNote is the written reason of an event that is not a decision: why a
// case was put on hold, what information was asked for, why it was
// withdrawn.
type CaseNote struct {
	ID     ID
	CaseID ID
	Event  CaseEvent
	// Text is encrypted at rest.
	Text     string
	AuthorID ID
	OrgID    ID
	At       time.Time
}

// Travel is the booked journey of an approved case.
type Travel struct {
	CaseID ID
	// Date is the departure date; every traveller's medical must be valid on it.
	Date Date
	// Itinerary (carrier, route, meeting point) is encrypted at rest.
	Itinerary string
	// TransportationLoan records that the family accepted the interest-free
	// transportation loan.
	TransportationLoan bool
	BookedBy           ID
	BookedAt           time.Time
}

// Validate returns the problems of a booking's own input: the date is
// given (field "date") and the itinerary holds at most 5000 characters.
// Whether the date suits the case (not past, not the date already booked)
// is the case workflow's to say.
func (t *Travel) Validate() Problems {
	var p Problems
	if t.Date.IsZero() {
		p.Add("date", "enter the travel date")
	}
	if len([]rune(t.Itinerary)) > 5000 {
		p.Add("itinerary", "use at most 5000 characters")
	}
	return p
}

// Arrival records the family's arrival in Canada.
type Arrival struct {
	CaseID ID
	Date   Date
	// PortOfEntry is the port of entry (an airport code such as YUL).
	PortOfEntry string
	RecordedBy  ID
	RecordedAt  time.Time
}

// Validate returns the problems of an arrival's own input: the date is
// given (field "date") and the port of entry, trimmed and in capitals, is
// a code of three to five letters. Whether the date suits the case (not
// future, not before the travel date) is the case workflow's to say.
func (a *Arrival) Validate() Problems {
	var p Problems
	if a.Date.IsZero() {
		p.Add("date", "enter the arrival date")
	}
	port := strings.ToUpper(strings.TrimSpace(a.PortOfEntry))
	if len(port) < 3 || len(port) > 5 || strings.IndexFunc(port, func(r rune) bool { return r < 'A' || r > 'Z' }) >= 0 {
		p.Add("port_of_entry", "enter the port of entry's three-letter code, such as YUL")
	}
	return p
}

// CaseFilter selects cases for a work queue. Empty fields match
// everything.
type CaseFilter struct {
	// States keeps the cases in any of them; empty keeps the open cases,
	// those in no final state (refused, withdrawn, closed).
	States          []CaseState
	Priority        Priority
	ReferringOrgID  ID
	SettlementOrgID ID
	Country         string // a nationality country
	// Search finds cases by what a person would type: a case reference, a
	// UNHCR case number, or words of a member's name, in any script. Each
	// finds only cases whose field the reader may see.
	Search string
	// SafetyConcern keeps the cases where a follow-up after arrival
	// reported a safety concern.
	SafetyConcern bool
	// PossibleDuplicate keeps the cases flagged as possible duplicates, on
	// either side of the match.
	PossibleDuplicate bool
	// Overdue keeps the cases whose stage deadline is before today, on the
	// app's clock.
	Overdue bool
	// DueWithin, when above zero, keeps the cases whose stage deadline is
	// from today to DueWithin days on, both counted (the list shows them
	// with 0 to DueWithin days left), on the app's clock. Like Overdue,
	// only where the reader sees the priority the deadline follows from.
	DueWithin int
	// Turn keeps the cases waiting on this party (CaseClock.Turn).
	Turn Party
	// ChecksWith keeps the cases in the admissibility stage with a
	// traveller assigned to this screening or medical partner whose check
	// of a kind the partner records has no result yet or is on hold: the
	// cases whose checks the partner holds (the case page names it so).
	ChecksWith ID
	// FollowUpDue keeps the cases with a follow-up after arrival due by the
	// end of the current month (on the app's clock) and not yet held.
	FollowUpDue bool
	// Sort orders the list by one column; the zero CaseSort is the work
	// queue's order. Desc reverses it.
	Sort CaseSort
	Desc bool
	// After is the cursor of the page's last case (CasePage.Next): the list
	// goes on after it, at the cost of a first page. It holds only the
	// order's values the reader sees, and is valid for the same Sort and
	// Desc alone.
	After         string
	Offset, Limit int
}

// CaseSort is an order of a list of cases, by one column.
type CaseSort string

// The orders of a list of cases. Each ends with the case ID, so that the
// order is total.
const (
	// SortQueue is the work queue's: priority (where the reader sees it),
	// then the stage's deadline, then the referral.
	SortQueue CaseSort = ""
	// SortDue: the stage's deadline, cases without one last.
	SortDue CaseSort = "due"
	// SortReferred: the referral date.
	SortReferred CaseSort = "referred"
	// SortReference: the short reference.
	SortReference CaseSort = "reference"
	// SortState: the state, in the order of CaseStates, then the referral.
	SortState CaseSort = "state"
)

// CaseSorts lists every CaseSort but SortQueue.
var CaseSorts = []CaseSort{SortDue, SortReferred, SortReference, SortState}

// ParseCaseSort parses s, rejecting unknown values and the empty sort.
func ParseCaseSort(s string) (CaseSort, error) { return parseEnum("sort", s, CaseSorts) }

// CasePage is one page of a list of cases.
type CasePage struct {
	Cases []*Case
	// Total counts the cases of the whole list, on every page, up to a
	// bound (app.MaxListTotal): More says that more cases than Total match.
	Total int
	More  bool
	// Next is the cursor to pass as CaseFilter.After for the next page;
	// empty on the last page.
	Next string
}

// ApproveInput says how a case is approved.
type ApproveInput struct {
	// Emergency approves on the emergency track with a temporary resident
	// permit; only emergency-priority cases may take it.
	Emergency bool
	// AdmissionYear is the cap year the persons count against; zero means
	// the year of approval.
	AdmissionYear int
}

// MaxImportFile bounds a bulk import of referrals, in bytes: the file a
// referral partner uploads on the import page, and the body of POST
// /api/v1/cases/import, which take the same JSON. The page and the API
// state this figure, and the server lets such a body through to them.
const MaxImportFile = 1 << 20

// CheckRequest is one member a screening or medical partner is asked to
// examine, as its work list shows it: what to do and how soon, no more.
type CheckRequest struct {
	CaseID ID
	// CaseReference is the case's short reference.
	CaseReference string
	MemberID      ID
	// Kinds are the kinds of check the organisation records.
	Kinds []CheckKind
	// Priority is the case's processing priority.
	Priority Priority
	// AssignedAt is when the visa office asked (the latest assignment).
	AssignedAt time.Time
	// Due is the case's target date (its referral plus the year's target
	// time for its priority), when the year's rules set one.
	Due *Date
	// Recorded: the organisation has recorded every kind of its checks of
	// the member since it was asked.
	Recorded bool
}
