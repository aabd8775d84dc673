package api

import (
	"encoding/base64"
	"time"

	"github.com/havenhrd/haven"
)

// The response bodies. Each maps from a domain type, field by field: a new
// field of the domain never reaches a client until it is added here and to
// the document. Sensitive fields are omitted when empty, which is how the
// app hands over what the actor may not see.

// organisationJSON is an organisation.
type organisationJSON struct {
	ID        haven.ID      `json:"id"`
	Kind      haven.OrgKind `json:"kind"`
	Name      string        `json:"name"`
	Country   string        `json:"country,omitempty"`
	CreatedAt time.Time     `json:"created_at,omitzero"`
}

func organisationOut(o *haven.Organisation) organisationJSON {
	return organisationJSON{ID: o.ID, Kind: o.Kind, Name: o.Name, Country: o.Country, CreatedAt: o.CreatedAt}
}

// organisationList is a list of organisations.
type organisationList struct {
	Organisations []organisationJSON `json:"organisations"`
}

// rulesJSON is one version of a year's programme rules.
type rulesJSON struct {
	Year          int                    `json:"year"`
	Version       int                    `json:"version"`
	Cap           int                    `json:"cap"`
	ReferrerKinds []haven.OrgKind        `json:"referrer_kinds"`
	Referrers     []haven.ID             `json:"referrers"`
	Allocations   map[haven.ID]int       `json:"allocations"`
	TargetDays    map[haven.Priority]int `json:"target_days"`
	HandoverDays  int                    `json:"handover_days"`
	ChangedBy     haven.ID               `json:"changed_by,omitempty"`
	ChangedAt     time.Time              `json:"changed_at,omitzero"`
}

func rulesOut(r *haven.ProgrammeRules) rulesJSON {
	out := rulesJSON{Year: r.Year, Version: r.Version, Cap: r.Cap, ReferrerKinds: r.ReferrerKinds, Referrers: r.Referrers,
		Allocations: r.Allocations, TargetDays: r.TargetDays, HandoverDays: r.HandoverDays, ChangedBy: r.ChangedBy, ChangedAt: r.ChangedAt}
	// Lists and maps are never null in the document.
	if out.ReferrerKinds == nil {
		out.ReferrerKinds = []haven.OrgKind{}
	}
	if out.Referrers == nil {
		out.Referrers = []haven.ID{}
	}
	if out.Allocations == nil {
		out.Allocations = map[haven.ID]int{}
	}
	if out.TargetDays == nil {
		out.TargetDays = map[haven.Priority]int{}
	}
	return out
}

// capJSON is a year's figures of the cap ledger, in persons.
type capJSON struct {
	Year      int           `json:"year"`
	Cap       int           `json:"cap"`
	Reserved  int           `json:"reserved"`
	Arrived   int           `json:"arrived"`
	Remaining int           `json:"remaining"`
	Partners  []partnerJSON `json:"partners"`
	Months    []monthJSON   `json:"months"`
	// MonthsOf is the partner whose seats Months count; absent for the
	// whole cap.
	MonthsOf haven.ID `json:"months_of,omitempty"`
}

// monthJSON is one month's figures of the cap ledger: what moved in the
// month, and where the ledger stood at its end.
type monthJSON struct {
	Month      int `json:"month"`
	ReservedIn int `json:"reserved_in"`
	ArrivedIn  int `json:"arrived_in"`
	ReleasedIn int `json:"released_in"`
	Reserved   int `json:"reserved"`
	Arrived    int `json:"arrived"`
	Remaining  int `json:"remaining"`
}

// partnerJSON is one referring partner's figures inside the cap.
type partnerJSON struct {
	OrgID      haven.ID `json:"org_id"`
	Allocation int      `json:"allocation"`
	Reserved   int      `json:"reserved"`
	Arrived    int      `json:"arrived"`
	Remaining  int      `json:"remaining"`
}

func capOut(f *haven.CapFigures) capJSON {
	out := capJSON{Year: f.Year, Cap: f.Cap, Reserved: f.Reserved, Arrived: f.Arrived, Remaining: f.Remaining, Partners: []partnerJSON{},
		Months: []monthJSON{}, MonthsOf: f.MonthsOf}
	for _, p := range f.Partners {
		out.Partners = append(out.Partners, partnerJSON{OrgID: p.OrgID, Allocation: p.Allocation, Reserved: p.Reserved, Arrived: p.Arrived, Remaining: p.Remaining})
	}
	for _, m := range f.Months {
		out.Months = append(out.Months, monthJSON{Month: m.Month, ReservedIn: m.ReservedIn, ArrivedIn: m.ArrivedIn, ReleasedIn: m.ReleasedIn,
			Reserved: m.Reserved, Arrived: m.Arrived, Remaining: m.Remaining})
	}
	return out
}

// profileJSON is a defender's profile, in requests and responses.
type profileJSON struct {
	WorkAreas     []haven.WorkArea  `json:"work_areas,omitempty"`
	Organisations []string          `json:"organisations,omitempty"`
	ThreatEvents  []threatEventJSON `json:"threat_events,omitempty"`
}

// threatEventJSON is one act against a defender, in requests and responses.
type threatEventJSON struct {
	Type        haven.ThreatType  `json:"type,omitempty"`
	Perpetrator haven.Perpetrator `json:"perpetrator,omitempty"`
	Date        haven.Date        `json:"date,omitzero"`
	Place       string            `json:"place,omitempty"`
	Description string            `json:"description,omitempty"`
}

func (p profileJSON) profile() haven.DefenderProfile {
	out := haven.DefenderProfile{WorkAreas: p.WorkAreas, Organisations: p.Organisations}
	for _, e := range p.ThreatEvents {
		out.ThreatEvents = append(out.ThreatEvents, haven.ThreatEvent{Type: e.Type, Perpetrator: e.Perpetrator, Date: e.Date,
			Place: e.Place, Description: e.Description})
	}
	return out
}

// profileOut is nil for a profile the actor may not see any of.
func profileOut(p haven.DefenderProfile) *profileJSON {
	if len(p.WorkAreas) == 0 && len(p.Organisations) == 0 && len(p.ThreatEvents) == 0 {
		return nil
	}
	out := &profileJSON{WorkAreas: p.WorkAreas, Organisations: p.Organisations}
	for _, e := range p.ThreatEvents {
		out.ThreatEvents = append(out.ThreatEvents, threatEventJSON{Type: e.Type, Perpetrator: e.Perpetrator, Date: e.Date,
			Place: e.Place, Description: e.Description})
	}
	return out
}

// nominationJSON is a nomination. A list carries its plain fields only.
type nominationJSON struct {
	ID                   haven.ID              `json:"id"`
	ProtectionOrgID      haven.ID              `json:"protection_org_id,omitempty"`
	ReferralOrgID        haven.ID              `json:"referral_org_id,omitempty"`
	State                haven.NominationState `json:"state,omitempty"`
	DefenderName         string                `json:"defender_name,omitempty"`
	Contact              string                `json:"contact,omitempty"`
	Whereabouts          string                `json:"whereabouts,omitempty"`
	Profile              *profileJSON          `json:"profile,omitempty"`
	RiskAssessment       string                `json:"risk_assessment,omitempty"`
	RecommendedPriority  haven.Priority        `json:"recommended_priority,omitempty"`
	NationalityCountries []string              `json:"nationality_countries,omitempty"`
	AsylumCountry        string                `json:"asylum_country,omitempty"`
	FamilySize           int                   `json:"family_size,omitempty"`
	DeclineReason        string                `json:"decline_reason,omitempty"`
	CaseID               haven.ID              `json:"case_id,omitempty"`
	Shredded             bool                  `json:"shredded,omitempty"`
	Offer                *nominationOfferJSON  `json:"offer,omitempty"`
	CreatedBy            haven.ID              `json:"created_by,omitempty"`
	CreatedAt            time.Time             `json:"created_at,omitzero"`
	UpdatedAt            time.Time             `json:"updated_at,omitzero"`
}

func (n nominationJSON) location() string { return "/api/v1/nominations/" + string(n.ID) }

func nominationOut(n *haven.Nomination) nominationJSON {
	return nominationJSON{ID: n.ID, ProtectionOrgID: n.ProtectionOrgID, ReferralOrgID: n.ReferralOrgID, State: n.State,
		DefenderName: n.DefenderName, Contact: n.Contact, Whereabouts: n.Whereabouts, Profile: profileOut(n.Profile),
		RiskAssessment: n.RiskAssessment, RecommendedPriority: n.RecommendedPriority, NationalityCountries: n.NationalityCountries,
		AsylumCountry: n.AsylumCountry, FamilySize: n.FamilySize, DeclineReason: n.DeclineReason, CaseID: n.CaseID,
		Shredded: n.Shredded, Offer: nominationOfferOut(n.Offer), CreatedBy: n.CreatedBy, CreatedAt: n.CreatedAt, UpdatedAt: n.UpdatedAt}
}

// nominationList is a list of nominations, newest first.
type nominationList struct {
	Nominations []nominationJSON `json:"nominations"`
}

// clockJSON is a case's clock: its target date, stage, the stage's
// deadline and whose turn it is.
type clockJSON struct {
	TargetDate *haven.Date `json:"target_date,omitempty"`
	Stage      haven.Stage `json:"stage,omitempty"`
	StageSince *time.Time  `json:"stage_since,omitempty"`
	StageDue   *haven.Date `json:"stage_due,omitempty"`
	Turn       haven.Party `json:"turn,omitempty"`
	// Holders are the partners holding the outstanding checks (the case's
	// CheckHolders): the visa office's alone.
	Holders      []haven.ID `json:"holders,omitempty"`
	WaitingSince *time.Time `json:"waiting_since,omitempty"`
	// NextDue is the next step's own day: the interview's, while the
	// case is in interview.
	NextDue *haven.Date `json:"next_due,omitempty"`
}

// interviewJSON is a case's eligibility interview, for the visa office
// and the referring partner.
type interviewJSON struct {
	ID   haven.ID   `json:"id"`
	Date haven.Date `json:"date"`
	// Time and Zone are the time of day at the place and the place's zone;
	// At is the same instant in UTC.
	Time                string     `json:"time,omitempty"`
	Zone                string     `json:"zone,omitempty"`
	At                  time.Time  `json:"at"`
	Place               string     `json:"place,omitempty"`
	Link                string     `json:"link,omitempty"`
	Language            string     `json:"language"`
	Interpreter         bool       `json:"interpreter"`
	InterpreterLanguage string     `json:"interpreter_language,omitempty"`
	Attending           []haven.ID `json:"attending"`
	ScheduledBy         haven.ID   `json:"scheduled_by"`
	ScheduledAt         time.Time  `json:"scheduled_at"`
}

// checkRequestList is a screening or medical partner's work: the members
// it is asked to examine.
type checkRequestList struct {
	Requests []checkRequestJSON `json:"requests"`
}

type checkRequestJSON struct {
	CaseID        haven.ID          `json:"case_id"`
	CaseReference string            `json:"case_reference,omitempty"`
	MemberID      haven.ID          `json:"member_id"`
	Kinds         []haven.CheckKind `json:"kinds"`
	Priority      haven.Priority    `json:"priority,omitempty"`
	AssignedAt    time.Time         `json:"assigned_at"`
	Due           *haven.Date       `json:"due,omitempty"`
	Recorded      bool              `json:"recorded"`
}

// caseJSON is a case as the actor may see it: the app has already cleared
// every field and dropped every record outside the actor's view.
type caseJSON struct {
	ID                    haven.ID                 `json:"id"`
	Reference             string                   `json:"reference,omitempty"`
	UNHCRNumber           string                   `json:"unhcr_number,omitempty"`
	ReferringOrgID        haven.ID                 `json:"referring_org_id,omitempty"`
	NominationID          haven.ID                 `json:"nomination_id,omitempty"`
	State                 haven.CaseState          `json:"state,omitempty"`
	ResumeState           haven.CaseState          `json:"resume_state,omitempty"`
	SubmissionPriority    haven.Priority           `json:"submission_priority,omitempty"`
	ProcessingPriority    haven.Priority           `json:"processing_priority,omitempty"`
	PrimaryCategory       haven.SubmissionCategory `json:"primary_category,omitempty"`
	SecondaryCategory     haven.SubmissionCategory `json:"secondary_category,omitempty"`
	CategoryJustification string                   `json:"category_justification,omitempty"`
	Grounds               []haven.Ground           `json:"grounds,omitempty"`
	SocialGroups          []haven.SocialGroup      `json:"social_groups,omitempty"`
	NationalityCountries  []string                 `json:"nationality_countries,omitempty"`
	AsylumCountry         string                   `json:"asylum_country,omitempty"`
	Profile               *profileJSON             `json:"profile,omitempty"`
	PersecutionAccount    string                   `json:"persecution_account,omitempty"`
	DeclaredSize          int                      `json:"declared_size,omitempty"`
	Members               []memberJSON             `json:"members,omitempty"`
	Assessments           []assessmentJSON         `json:"assessments,omitempty"`
	Checks                []checkJSON              `json:"checks,omitempty"`
	Decisions             []decisionJSON           `json:"decisions,omitempty"`
	Notes                 []noteJSON               `json:"notes,omitempty"`
	Travel                *travelJSON              `json:"travel,omitempty"`
	Arrival               *arrivalJSON             `json:"arrival,omitempty"`
	Interview             *interviewJSON           `json:"interview,omitempty"`
	IntegrationPlan       *planJSON                `json:"integration_plan,omitempty"`
	PossibleDuplicates    []duplicateJSON          `json:"possible_duplicates,omitempty"`
	Offer                 *offerJSON               `json:"offer,omitempty"`
	VisaKind              haven.VisaKind           `json:"visa_kind,omitempty"`
	AdmissionYear         int                      `json:"admission_year,omitempty"`
	SettlementOrgID       haven.ID                 `json:"settlement_org_id,omitempty"`
	Shredded              bool                     `json:"shredded,omitempty"`
	Clock                 *clockJSON               `json:"clock,omitempty"`
	Next                  haven.NextStep           `json:"next,omitempty"`
	ReferredAt            time.Time                `json:"referred_at,omitzero"`
	UpdatedAt             time.Time                `json:"updated_at,omitzero"`
	Version               int                      `json:"version,omitempty"`
}

func (c caseJSON) location() string { return "/api/v1/cases/" + string(c.ID) }

// memberJSON is one person on a case.
type memberJSON struct {
	ID           haven.ID           `json:"id"`
	Relationship haven.Relationship `json:"relationship,omitempty"`
	// Accompanying and Excluded are part of the family's composition,
	// which the app shows with the relationship or not at all: they are
	// left out with it, so that a hidden "false" does not read as a fact.
	Accompanying      *bool      `json:"accompanying,omitempty"`
	Excluded          *bool      `json:"excluded,omitempty"`
	FamilyName        string     `json:"family_name,omitempty"`
	GivenNames        string     `json:"given_names,omitempty"`
	DateOfBirth       haven.Date `json:"date_of_birth,omitzero"`
	Sex               haven.Sex  `json:"sex,omitempty"`
	Nationalities     []string   `json:"nationalities,omitempty"`
	Languages         []string   `json:"languages,omitempty"`
	Contact           string     `json:"contact,omitempty"`
	Whereabouts       string     `json:"whereabouts,omitempty"`
	ConfidentialNotes string     `json:"confidential_notes,omitempty"`
	AdultDependent    bool       `json:"adult_dependent,omitempty"`
}

// duplicateJSON is a possible duplicate: the visa office's alone.
type duplicateJSON struct {
	OtherCaseID   haven.ID             `json:"other_case_id"`
	Match         haven.DuplicateMatch `json:"match"`
	MemberID      haven.ID             `json:"member_id,omitempty"`
	OtherMemberID haven.ID             `json:"other_member_id,omitempty"`
	FoundAt       time.Time            `json:"found_at"`
}

// assessmentJSON is an eligibility assessment.
type assessmentJSON struct {
	ID                haven.ID       `json:"id"`
	OutsideCountry    bool           `json:"outside_country"`
	WellFoundedFear   bool           `json:"well_founded_fear"`
	NoInternalFlight  bool           `json:"no_internal_flight"`
	NoDurableSolution bool           `json:"no_durable_solution"`
	Grounds           []haven.Ground `json:"grounds"`
	Interviewed       bool           `json:"interviewed"`
	Eligible          bool           `json:"eligible"`
	Notes             string         `json:"notes,omitempty"`
	AssessedBy        haven.ID       `json:"assessed_by,omitempty"`
	AssessedAt        time.Time      `json:"assessed_at,omitzero"`
}

// checkJSON is one admissibility check of one member.
type checkJSON struct {
	ID                             haven.ID          `json:"id"`
	MemberID                       haven.ID          `json:"member_id"`
	Kind                           haven.CheckKind   `json:"kind"`
	Result                         haven.CheckResult `json:"result"`
	ValidUntil                     haven.Date        `json:"valid_until,omitzero"`
	Details                        string            `json:"details,omitempty"`
	ConvictionPoliticallyMotivated bool              `json:"conviction_politically_motivated"`
	PoliticalMotivationReasons     string            `json:"political_motivation_reasons,omitempty"`
	RecordedBy                     haven.ID          `json:"recorded_by,omitempty"`
	RecordedByOrg                  haven.ID          `json:"recorded_by_org,omitempty"`
	RecordedAt                     time.Time         `json:"recorded_at,omitzero"`
}

// decisionJSON is the visa office's decision on a case or some members.
type decisionJSON struct {
	ID              haven.ID           `json:"id"`
	Kind            haven.DecisionKind `json:"kind"`
	VisaKind        haven.VisaKind     `json:"visa_kind,omitempty"`
	AdmissionYear   int                `json:"admission_year,omitempty"`
	ExcludedMembers []haven.ID         `json:"excluded_members,omitempty"`
	Reasons         string             `json:"reasons,omitempty"`
	NoticeOrgID     haven.ID           `json:"notice_org_id,omitempty"`
	NoticeAt        time.Time          `json:"notice_at,omitzero"`
	DecidedBy       haven.ID           `json:"decided_by,omitempty"`
	DecidedAt       time.Time          `json:"decided_at,omitzero"`
}

// noteJSON is the written reason of a hold, an information request or a
// withdrawal.
type noteJSON struct {
	ID       haven.ID        `json:"id"`
	Event    haven.CaseEvent `json:"event"`
	Text     string          `json:"text,omitempty"`
	AuthorID haven.ID        `json:"author_id,omitempty"`
	OrgID    haven.ID        `json:"org_id,omitempty"`
	At       time.Time       `json:"at,omitzero"`
}

// travelJSON is a booked journey.
type travelJSON struct {
	Date      haven.Date `json:"date,omitzero"`
	Itinerary string     `json:"itinerary,omitempty"`
	// TransportationLoan is shown with the date, as the app shows them.
	TransportationLoan *bool     `json:"transportation_loan,omitempty"`
	BookedBy           haven.ID  `json:"booked_by,omitempty"`
	BookedAt           time.Time `json:"booked_at,omitzero"`
}

// arrivalJSON is the family's arrival in Canada.
type arrivalJSON struct {
	Date        haven.Date `json:"date,omitzero"`
	PortOfEntry string     `json:"port_of_entry,omitempty"`
	RecordedBy  haven.ID   `json:"recorded_by,omitempty"`
	RecordedAt  time.Time  `json:"recorded_at,omitzero"`
}

// offerJSON is what the caller may do to the case now.
type offerJSON struct {
	Events          []haven.CaseEvent `json:"events"`
	AssignChecks    bool              `json:"assign_checks"`
	PlaceSettlement bool              `json:"place_settlement"`
}

// planJSON is the settlement organisation's integration plan.
type planJSON struct {
	Milestones []milestoneJSON `json:"milestones"`
	FollowUps  []followUpJSON  `json:"follow_ups"`
	Writable   bool            `json:"writable"`
}

// milestoneJSON is one milestone of the plan.
type milestoneJSON struct {
	Milestone haven.Milestone       `json:"milestone"`
	Status    haven.MilestoneStatus `json:"status"`
	Target    haven.Date            `json:"target,omitzero"`
	Completed haven.Date            `json:"completed,omitzero"`
	Notes     string                `json:"notes,omitempty"`
	UpdatedBy haven.ID              `json:"updated_by,omitempty"`
	UpdatedAt time.Time             `json:"updated_at,omitzero"`
}

// followUpJSON is one follow-up of the plan.
type followUpJSON struct {
	Month         int        `json:"month"`
	Due           haven.Date `json:"due,omitzero"`
	Held          haven.Date `json:"held,omitzero"`
	Overdue       bool       `json:"overdue"`
	SafetyConcern bool       `json:"safety_concern"`
	Notes         string     `json:"notes,omitempty"`
	RecordedBy    haven.ID   `json:"recorded_by,omitempty"`
	RecordedAt    time.Time  `json:"recorded_at,omitzero"`
}

// caseList is one page of a work queue.
type caseList struct {
	// Total counts the cases of the queue the actor may see, on every page,
	// up to 1,000; TotalExact is false when more match.
	Total      int  `json:"total"`
	TotalExact bool `json:"total_exact"`
	Offset     int  `json:"offset"`
	Limit      int  `json:"limit"`
	// Next is the cursor of the next page (pass it as after); none on the
	// last page.
	Next  string     `json:"next,omitempty"`
	Cases []caseJSON `json:"cases"`
}

func boolPtr(b bool) *bool { return &b }

func caseOut(c *haven.Case) caseJSON {
	out := caseJSON{ID: c.ID, Reference: c.Reference, UNHCRNumber: c.UNHCRNumber, ReferringOrgID: c.ReferringOrgID, NominationID: c.NominationID,
		State: c.State, ResumeState: c.ResumeState, SubmissionPriority: c.SubmissionPriority, ProcessingPriority: c.ProcessingPriority,
		PrimaryCategory: c.PrimaryCategory, SecondaryCategory: c.SecondaryCategory, CategoryJustification: c.CategoryJustification,
		Grounds: c.Grounds, SocialGroups: c.SocialGroups, NationalityCountries: c.NationalityCountries, AsylumCountry: c.AsylumCountry,
		Profile: profileOut(c.Profile), PersecutionAccount: c.PersecutionAccount, DeclaredSize: c.DeclaredSize,
		VisaKind: c.VisaKind, AdmissionYear: c.AdmissionYear, SettlementOrgID: c.SettlementOrgID, Shredded: c.Shredded,
		ReferredAt: c.ReferredAt, UpdatedAt: c.UpdatedAt, Version: c.Version, Next: c.Next}
	if k := c.CaseClock; k.Stage != "" || !k.TargetDate.IsZero() {
		cj := &clockJSON{Stage: k.Stage, Turn: k.Turn, Holders: c.CheckHolders}
		if !k.TargetDate.IsZero() {
			cj.TargetDate = &k.TargetDate
		}
		if !k.StageDue.IsZero() {
			cj.StageDue = &k.StageDue
		}
		if !k.StageSince.IsZero() {
			cj.StageSince = &k.StageSince
		}
		if !k.WaitingSince.IsZero() {
			cj.WaitingSince = &k.WaitingSince
		}
		if !k.NextDue.IsZero() {
			cj.NextDue = &k.NextDue
		}
		out.Clock = cj
	}
	if iv := c.Interview; iv != nil {
		attending := iv.Attending
		if attending == nil {
			attending = []haven.ID{}
		}
		out.Interview = &interviewJSON{ID: iv.ID, Date: iv.Date, Time: iv.Time, Zone: iv.Zone, At: iv.At.UTC(), Place: iv.Place, Link: iv.Link,
			Language: iv.Language, Interpreter: iv.Interpreter, InterpreterLanguage: iv.InterpreterLanguage, Attending: attending,
			ScheduledBy: iv.ScheduledBy, ScheduledAt: iv.ScheduledAt}
	}
	for _, m := range c.Members {
		mj := memberJSON{ID: m.ID, Relationship: m.Relationship, FamilyName: m.FamilyName, GivenNames: m.GivenNames,
			DateOfBirth: m.DateOfBirth, Sex: m.Sex, Nationalities: m.Nationalities, Languages: m.Languages, Contact: m.Contact,
			Whereabouts: m.Whereabouts, ConfidentialNotes: m.ConfidentialNotes, AdultDependent: m.AdultDependent}
		if m.Relationship != "" {
			mj.Accompanying, mj.Excluded = boolPtr(m.Accompanying), boolPtr(m.Excluded)
		}
		out.Members = append(out.Members, mj)
	}
	for _, d := range c.PossibleDuplicates {
		out.PossibleDuplicates = append(out.PossibleDuplicates, duplicateJSON{OtherCaseID: d.OtherCaseID, Match: d.Match,
			MemberID: d.MemberID, OtherMemberID: d.OtherMemberID, FoundAt: d.FoundAt})
	}
	for _, a := range c.Assessments {
		grounds := a.Grounds
		if grounds == nil {
			grounds = []haven.Ground{}
		}
		out.Assessments = append(out.Assessments, assessmentJSON{ID: a.ID, OutsideCountry: a.OutsideCountry, WellFoundedFear: a.WellFoundedFear,
			NoInternalFlight: a.NoInternalFlight, NoDurableSolution: a.NoDurableSolution, Grounds: grounds, Interviewed: a.Interviewed,
			Eligible: a.Eligible(), Notes: a.Notes, AssessedBy: a.AssessedBy, AssessedAt: a.AssessedAt})
	}
	for _, ch := range c.Checks {
		out.Checks = append(out.Checks, checkJSON{ID: ch.ID, MemberID: ch.MemberID, Kind: ch.Kind, Result: ch.Result, ValidUntil: ch.ValidUntil,
			Details: ch.Details, ConvictionPoliticallyMotivated: ch.ConvictionPoliticallyMotivated,
			PoliticalMotivationReasons: ch.PoliticalMotivationReasons, RecordedBy: ch.RecordedBy, RecordedByOrg: ch.RecordedByOrg,
			RecordedAt: ch.RecordedAt})
	}
	for _, d := range c.Decisions {
		out.Decisions = append(out.Decisions, decisionJSON{ID: d.ID, Kind: d.Kind, VisaKind: d.VisaKind, AdmissionYear: d.AdmissionYear,
			ExcludedMembers: d.ExcludedMembers, Reasons: d.Reasons, NoticeOrgID: d.NoticeOrgID, NoticeAt: d.NoticeAt,
			DecidedBy: d.DecidedBy, DecidedAt: d.DecidedAt})
	}
	for _, n := range c.Notes {
		out.Notes = append(out.Notes, noteJSON{ID: n.ID, Event: n.Event, Text: n.Text, AuthorID: n.AuthorID, OrgID: n.OrgID, At: n.At})
	}
	if t := c.Travel; t != nil {
		tj := &travelJSON{Date: t.Date, Itinerary: t.Itinerary, BookedBy: t.BookedBy, BookedAt: t.BookedAt}
		if !t.Date.IsZero() {
			tj.TransportationLoan = boolPtr(t.TransportationLoan)
		}
		out.Travel = tj
	}
	if a := c.Arrival; a != nil {
		out.Arrival = &arrivalJSON{Date: a.Date, PortOfEntry: a.PortOfEntry, RecordedBy: a.RecordedBy, RecordedAt: a.RecordedAt}
	}
	if o := c.Offer; o != nil {
		out.Offer = &offerJSON{Events: append([]haven.CaseEvent{}, o.Events...), AssignChecks: o.AssignChecks, PlaceSettlement: o.Place}
	}
	if p := c.Plan; p != nil {
		today := p.AsOf
		pj := &planJSON{Milestones: []milestoneJSON{}, FollowUps: []followUpJSON{}, Writable: p.Writable}
		for _, m := range p.Milestones {
			pj.Milestones = append(pj.Milestones, milestoneJSON{Milestone: m.Milestone, Status: m.Status, Target: m.Target,
				Completed: m.Completed, Notes: m.Notes, UpdatedBy: m.UpdatedBy, UpdatedAt: m.UpdatedAt})
		}
		for _, f := range p.FollowUps {
			pj.FollowUps = append(pj.FollowUps, followUpJSON{Month: f.Month, Due: f.Due, Held: f.Held, Overdue: f.Overdue(today),
				SafetyConcern: f.SafetyConcern, Notes: f.Notes, RecordedBy: f.RecordedBy, RecordedAt: f.RecordedAt})
		}
		out.IntegrationPlan = pj
	}
	return out
}

// factorsJSON is the caller's own sign-in factors: labels, dates and a
// count, never a secret.
type factorsJSON struct {
	Passkeys          []passkeyJSON `json:"passkeys"`
	TOTP              bool          `json:"totp"`
	TOTPSince         time.Time     `json:"totp_since,omitzero"`
	RecoveryCodesLeft int           `json:"recovery_codes_left"`
	Removable         bool          `json:"removable"`
}

// passkeyJSON is one of the caller's passkeys; its ID is the credential ID
// in base64url.
type passkeyJSON struct {
	ID         string    `json:"id"`
	Name       string    `json:"name"`
	CreatedAt  time.Time `json:"created_at,omitzero"`
	LastUsedAt time.Time `json:"last_used_at,omitzero"`
}

func factorsOut(f *haven.Factors) factorsJSON {
	out := factorsJSON{Passkeys: []passkeyJSON{}, TOTP: f.TOTP, TOTPSince: f.TOTPSince, RecoveryCodesLeft: f.RecoveryCodesLeft, Removable: f.Removable}
	for _, p := range f.Passkeys {
		out.Passkeys = append(out.Passkeys, passkeyJSON{ID: base64.RawURLEncoding.EncodeToString(p.ID), Name: p.Name,
			CreatedAt: p.CreatedAt, LastUsedAt: p.LastUsedAt})
	}
	return out
}

// workJSON is the work waiting on the caller's organisation.
type workJSON struct {
	AsOf   haven.Date      `json:"as_of"`
	Counts []workCountJSON `json:"counts"`
}

// noticesJSON is the caller's notifications.
type noticesJSON struct {
	Unread        int          `json:"unread"`
	Notifications []noticeJSON `json:"notifications"`
}

// noticeJSON is one notification: its kind, the case's reference and ID
// (none for a notice about access, nor for an escalation about a case the
// caller may not read), the deadline, the stage and priority of a notice
// about a stage, and when it was read.
type noticeJSON struct {
	ID            haven.ID         `json:"id"`
	Kind          haven.NoticeKind `json:"kind"`
	CaseID        haven.ID         `json:"case_id,omitempty"`
	CaseReference string           `json:"case_reference,omitempty"`
	Due           *haven.Date      `json:"due,omitempty"`
	Stage         haven.Stage      `json:"stage,omitempty"`
	Priority      haven.Priority   `json:"priority,omitempty"`
	Escalation    bool             `json:"escalation,omitempty"`
	CreatedAt     time.Time        `json:"created_at"`
	ReadAt        *time.Time       `json:"read_at,omitempty"`
}

func noticesOut(ns *haven.Notifications) noticesJSON {
	out := noticesJSON{Unread: ns.Unread, Notifications: []noticeJSON{}}
	for _, n := range ns.Items {
		j := noticeJSON{ID: n.ID, Kind: n.Kind, CaseID: n.CaseID, CaseReference: n.CaseReference, Stage: n.Stage, Priority: n.Priority,
			Escalation: n.Escalation, CreatedAt: n.CreatedAt}
		if !n.Due.IsZero() {
			d := n.Due
			j.Due = &d
		}
		if !n.ReadAt.IsZero() {
			r := n.ReadAt
			j.ReadAt = &r
		}
		out.Notifications = append(out.Notifications, j)
	}
	return out
}

// workCountJSON is one count of work, with the list behind it.
type workCountJSON struct {
	Kind  haven.WorkKind `json:"kind"`
	Count int            `json:"count"`
	OrgID haven.ID       `json:"org_id,omitempty"`
	List  string         `json:"list"`
}

// timelineJSON is a page of a case's timeline, oldest act first.
type timelineJSON struct {
	Entries []timelineEntryJSON `json:"entries"`
	// Earlier is the before of the page ahead of this one; absent on the
	// first page.
	Earlier *int `json:"earlier,omitempty"`
}

// timelineEntryJSON is one act on a case.
type timelineEntryJSON struct {
	At    time.Time       `json:"at"`
	Act   string          `json:"act"`
	OrgID haven.ID        `json:"org_id"`
	From  haven.CaseState `json:"from,omitempty"`
	To    haven.CaseState `json:"to,omitempty"`
}
