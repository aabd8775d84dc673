package haven

import (
	"slices"
	"time"
)

// ProgrammeRules are one year's rules of the programme. They change by year
// and are kept as versioned data, never as constants: every change is a new
// version, made by a named actor and recorded in the audit trail.
type ProgrammeRules struct {
	Year    int
	Version int
	// Cap is the most persons (principals and accompanying family) that may
	// be admitted in the year.
	Cap int
	// ReferrerKinds are the kinds of organisation whose every member may
	// refer cases this year (from 2021: referral partners, that is UNHCR).
	ReferrerKinds []OrgKind
	// Referrers are further organisations that may refer this year (from
	// 2023, Front Line Defenders and ProtectDefenders.eu directly).
	Referrers []ID
	// Allocations are persons reserved for a partner inside the cap.
	Allocations map[ID]int
	// TargetDays is the target time from referral to departure per priority.
	TargetDays map[Priority]int
	// StageDays is the time budget of each stage per processing priority,
	// in days from the day the case entered the stage. An emergency's
	// budgets add up to no more than its target time.
	StageDays map[Stage]map[Priority]int
	// HandoverDays is how long after a family's arrival the referring
	// partner still sees its contact details, whereabouts and confidential
	// notes; then the settlement organisation alone keeps in touch.
	HandoverDays int
	// InfoRequestDays is how long a request for information waits for
	// the referring partner's answer before the partner and the visa
	// office are told. Zero in a change keeps the year's current value
	// (the default for a new year).
	InfoRequestDays int
	ChangedBy       ID
	ChangedAt       time.Time
}

// MayRefer reports whether the organisation may open a case this year.
func (r *ProgrammeRules) MayRefer(org *Organisation) bool {
	return slices.Contains(r.ReferrerKinds, org.Kind) || slices.Contains(r.Referrers, org.ID)
}

// Validate reports problems with the rules' fields.
func (r *ProgrammeRules) Validate() Problems {
	var p Problems
	if r.Year < 2021 || r.Year > 2100 {
		p.Add("year", "enter a year from 2021, when the stream opened")
	}
	if r.Cap < 0 || r.Cap > 1_000_000 {
		p.Add("cap", "enter a cap from 0 to 1,000,000 persons")
	}
	for i, k := range r.ReferrerKinds {
		if !k.Valid() {
			p.Addf("referrer_kinds", "entry %d is not a kind of organisation", i+1)
		}
	}
	sum := 0
	for _, n := range r.Allocations {
		if n < 0 {
			p.Add("allocations", "an allocation cannot be negative")
		}
		sum += n
	}
	if sum > r.Cap {
		p.Add("allocations", "the allocations add up to more than the cap")
	}
	for _, pr := range Priorities {
		d, ok := r.TargetDays[pr]
		if !ok || d < 1 || d > 3650 {
			p.Addf("target_days."+string(pr), "enter a target from 1 to 3650 days")
		}
	}
	for pr := range r.TargetDays {
		if !pr.Valid() {
			p.Add("target_days", "unknown priority")
		}
	}
	for st := range r.StageDays {
		if !st.Valid() {
			p.Add("stage_days", "unknown stage")
		}
	}
	for _, pr := range Priorities {
		sum := 0
		for _, st := range Stages {
			d, ok := r.StageDays[st][pr]
			if !ok || d < 1 || d > 3650 {
				p.Add("stage_days."+string(st)+"."+string(pr), "enter a stage budget from 1 to 3650 days")
			}
			sum += d
		}
		// An emergency's target is UNHCR's (at most 7 days to departure):
		// its stages must fit it. The urgent and normal targets are
		// programme policy, and a budget past them shows on the case as
		// a stage deadline after its target date.
		if t, ok := r.TargetDays[pr]; ok && pr == PriorityEmergency && sum > t {
			p.Addf("stage_days."+string(pr), "the stage budgets add up to %d days, more than the target of %d", sum, t)
		}
	}
	for _, byPriority := range r.StageDays {
		for pr := range byPriority {
			if !pr.Valid() {
				p.Add("stage_days", "unknown priority")
			}
		}
	}
	if r.HandoverDays < 0 || r.HandoverDays > 365 {
		p.Add("handover_days", "enter a handover time from 0 to 365 days after arrival")
	}
	if r.InfoRequestDays < 0 || r.InfoRequestDays > 365 {
		p.Add("info_request_days", "enter a time from 1 to 365 days for an answer to a request for information")
	}
	if d := r.TargetDays[PriorityEmergency]; d > 7 {
		p.Add("target_days.emergency", "an emergency departs within 7 days of referral")
	}
	return p
}

// DefaultHandoverDays is the handover time of the default rules.
const DefaultHandoverDays = 30

// DefaultStageDays returns the stage budgets of the default rules. For an
// emergency they fit the 7 days from submission to departure (UNHCR
// Resettlement Handbook §4.2): a day to open the file, two for the
// eligibility decision, three for admissibility (IRCC's Urgent Protection
// Program targets medicals in 3 to 5 days) and a day to departure, as IOM
// books the earliest transport. The urgent and normal budgets spread their
// 42 and 365 days; they are programme policy, with no primary source.
func DefaultStageDays() map[Stage]map[Priority]int {
	return map[Stage]map[Priority]int{
		StageFile:          {PriorityEmergency: 1, PriorityUrgent: 3, PriorityNormal: 30},
		StageEligibility:   {PriorityEmergency: 2, PriorityUrgent: 14, PriorityNormal: 120},
		StageAdmissibility: {PriorityEmergency: 3, PriorityUrgent: 18, PriorityNormal: 150},
		StageDeparture:     {PriorityEmergency: 1, PriorityUrgent: 7, PriorityNormal: 65},
	}
}

// DefaultRules returns the rules Haven is seeded with for year: a cap of 250
// persons until 2022 and 500 from 2023, referrals by referral partners
// (UNHCR), and target times of 7 days for an emergency, 42 for urgent and
// 365 for normal priority (the last two configurable, DOMAIN.md §3), with
// the stage budgets of DefaultStageDays.
func DefaultRules(year int) *ProgrammeRules {
	c := 250
	if year >= 2023 {
		c = 500
	}
	return &ProgrammeRules{
		Year:          year,
		Cap:           c,
		ReferrerKinds: []OrgKind{OrgReferralPartner},
		Allocations:   map[ID]int{},
		TargetDays:    map[Priority]int{PriorityEmergency: 7, PriorityUrgent: 42, PriorityNormal: 365},
		StageDays:     DefaultStageDays(),
		HandoverDays:  DefaultHandoverDays,

		InfoRequestDays: DefaultInfoRequestDays,
	}
}

// CapFigures are a year's figures of the cap ledger, in persons.
type CapFigures struct {
	Year      int
	Cap       int
	Reserved  int // approved, not yet arrived
	Arrived   int
	Remaining int
	Partners  []PartnerFigures
	// Months are the year's figures month by month: of the whole cap, or
	// of the seats counted for MonthsOf when it is set.
	Months []MonthFigures
	// MonthsOf is the partner whose seats Months count; empty for the
	// whole cap.
	MonthsOf ID
}

// The periods of MonthFigures that are not a month of the cap year: seats
// of a year may be reserved the year before (an approval for next year's
// cap) and may arrive or be released after the year has ended.
const (
	BeforeYear = 0  // every movement dated before the year began
	AfterYear  = 13 // every movement dated after the year ended
)

// MonthFigures are one month's figures of a year's cap ledger, in persons:
// the seats that moved in the month, and where the ledger stood at the
// month's end. A month runs in UTC, and a movement is dated when the ledger
// recorded it (an arrival when it was recorded, not the day of travel).
//
// A seat released and then reserved again for the same case counts from
// its latest reservation only: the ledger keeps one row per person.
type MonthFigures struct {
	// Month is 1 to 12, or BeforeYear or AfterYear.
	Month int
	// ReservedIn, ArrivedIn and ReleasedIn count the seats reserved
	// (approved), arrived and released in the month.
	ReservedIn, ArrivedIn, ReleasedIn int
	// Reserved (approved, not yet arrived), Arrived and Remaining are the
	// figures at the month's end, as CapFigures has them now. Remaining is
	// measured against the current cap or allocation.
	Reserved, Arrived, Remaining int
}

// PartnerFigures are one referring partner's figures inside the cap.
type PartnerFigures struct {
	OrgID ID
	// Allocation is the partner's allocation, 0 when it has none.
	Allocation int
	Reserved   int
	Arrived    int
	// Remaining is what is left of the allocation, or of the cap when the
	// partner has no allocation.
	Remaining int
}

// AuditEvent is one entry of the audit trail. It names who did what to which
// record and when, by IDs only: it holds no personal data, so that shredding
// a case leaves the trail whole and verifiable.
type AuditEvent struct {
	Seq        int64
	At         time.Time
	ActorID    ID
	ActorOrgID ID
	Action     string
	ObjectType string
	ObjectID   ID
	// CaseID is the case the event concerns, if any.
	CaseID ID
	// Decision is "allow" for an act that was done, "deny" for one refused
	// by policy, "fail" for a failed sign-in.
	Decision string
	// PolicyIDs are the ids of the policies that decided.
	PolicyIDs []string
	// RequestID ties the event to the request that caused it, if any.
	RequestID string
	// Detail holds further non-personal facts (a state, a count) as JSON.
	Detail string
}
