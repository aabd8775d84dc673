package haven

import (
	"slices"
	"time"
)

// Milestone is one part of a family's integration plan, kept by the
// settlement organisation the case is placed with.
type Milestone string

// The milestones of an integration plan, in the order a family meets them.
const (
	// MilestoneReception: met at the port of entry, temporary lodging,
	// first needs.
	MilestoneReception Milestone = "reception"
	// MilestoneHousing: permanent housing found and lived in.
	MilestoneHousing Milestone = "housing"
	// MilestoneLanguageClasses: English or French classes for those who
	// need them.
	MilestoneLanguageClasses Milestone = "language_classes"
	// MilestoneCommunity: connections with a community, a diaspora, a faith
	// or a cause.
	MilestoneCommunity Milestone = "community_connections"
	// MilestoneHumanRightsWork: the defender carries on their human rights
	// work from Canada.
	MilestoneHumanRightsWork Milestone = "human_rights_work"
)

// Milestones lists every Milestone, in plan order.
var Milestones = []Milestone{
	MilestoneReception, MilestoneHousing, MilestoneLanguageClasses, MilestoneCommunity, MilestoneHumanRightsWork,
}

// ParseMilestone parses s, rejecting unknown values.
func ParseMilestone(s string) (Milestone, error) { return parseEnum("milestone", s, Milestones) }

// Valid reports whether m is a known value.
func (m Milestone) Valid() bool { return slices.Contains(Milestones, m) }

// UnmarshalText parses m, rejecting unknown values.
func (m *Milestone) UnmarshalText(b []byte) error {
	return unmarshalEnum(m, "milestone", b, Milestones)
}

// MilestoneStatus is where a milestone of the plan stands.
type MilestoneStatus string

// The milestone statuses.
const (
	MilestoneNotStarted MilestoneStatus = "not_started"
	MilestoneInProgress MilestoneStatus = "in_progress"
	MilestoneDone       MilestoneStatus = "done"
	// MilestoneNotNeeded: the family does not need it (for example
	// language classes for fluent speakers); the notes say why.
	MilestoneNotNeeded MilestoneStatus = "not_needed"
)

// MilestoneStatuses lists every MilestoneStatus.
var MilestoneStatuses = []MilestoneStatus{MilestoneNotStarted, MilestoneInProgress, MilestoneDone, MilestoneNotNeeded}

// ParseMilestoneStatus parses s, rejecting unknown values.
func ParseMilestoneStatus(s string) (MilestoneStatus, error) {
	return parseEnum("milestone status", s, MilestoneStatuses)
}

// Valid reports whether s is a known value.
func (s MilestoneStatus) Valid() bool { return slices.Contains(MilestoneStatuses, s) }

// UnmarshalText parses s, rejecting unknown values.
func (s *MilestoneStatus) UnmarshalText(b []byte) error {
	return unmarshalEnum(s, "milestone status", b, MilestoneStatuses)
}

// PlanMilestone is one milestone of a family's integration plan as it
// stands.
type PlanMilestone struct {
	Milestone Milestone
	Status    MilestoneStatus
	// Target is the date the organisation aims to meet it by; optional.
	Target Date
	// Completed is the date it was met; set only when Status is done.
	Completed Date
	// Notes are the settlement worker's; encrypted at rest.
	Notes string
	// UpdatedBy is empty, and UpdatedAt zero, for a milestone never
	// recorded: it stands as not started.
	UpdatedBy ID
	UpdatedAt time.Time
}

// Validate reports problems with m's input fields; now bounds the
// completion date.
func (m *PlanMilestone) Validate(now time.Time) Problems {
	var p Problems
	if !m.Milestone.Valid() {
		p.Add("milestone", "choose a milestone of the plan")
	}
	if !m.Status.Valid() {
		p.Add("status", "choose not started, in progress, done or not needed")
	}
	switch {
	case m.Status == MilestoneDone && m.Completed.IsZero():
		p.Add("completed", "enter the date the milestone was met")
	case m.Status != MilestoneDone && !m.Completed.IsZero():
		p.Add("completed", "only a milestone that is done has a completion date")
	case m.Completed.After(DateOf(now)):
		p.Add("completed", "the date is in the future")
	}
	if !m.Target.IsZero() && m.Target.Year < 2000 {
		p.Add("target", "the target date is before 2000")
	}
	least := 0
	if m.Status == MilestoneNotNeeded {
		// Saying a family needs no housing or language help is a judgement
		// a later reader must be able to follow.
		least = 1
	}
	checkText(&p, "notes", m.Notes, least, 5000)
	return p
}

// FollowUpMonths are the months after arrival at which the settlement
// organisation follows up with the family.
var FollowUpMonths = []int{1, 3, 6, 12}

// FollowUpLead is how long before its due date a follow-up may be held: a
// worker meets the family when they can, but a "12-month" follow-up held
// in the second month would make the record say what did not happen.
const FollowUpLead = 14 * 24 * time.Hour

// FollowUp is one follow-up with the family, due a number of months after
// their arrival.
type FollowUp struct {
	// Month is one of FollowUpMonths.
	Month int
	// Due is Month months after the arrival date; zero before arrival.
	Due Date
	// Held is the date the follow-up took place; zero while it has not.
	Held Date
	// SafetyConcern records that the family reported threats, surveillance
	// or pressure in Canada or on relatives at home (transnational
	// repression), so that the case is looked at again.
	SafetyConcern bool
	// Notes are the settlement worker's; encrypted at rest.
	Notes      string
	RecordedBy ID
	RecordedAt time.Time
}

// Overdue reports whether f is due before today and has not been held.
func (f *FollowUp) Overdue(today Date) bool {
	return f.Held.IsZero() && !f.Due.IsZero() && f.Due.Before(today)
}

// Validate reports problems with f's input fields against the family's
// arrival date and today.
func (f *FollowUp) Validate(arrived, today Date) Problems {
	var p Problems
	if !slices.Contains(FollowUpMonths, f.Month) {
		p.Add("month", "choose the follow-up at 1, 3, 6 or 12 months")
	}
	switch {
	case f.Held.IsZero():
		p.Add("held", "enter the date of the follow-up")
	case f.Held.After(today):
		p.Add("held", "the date is in the future")
	case !arrived.IsZero() && f.Held.Before(arrived):
		p.Add("held", "the date is before the family's arrival")
	case !arrived.IsZero() && slices.Contains(FollowUpMonths, f.Month) &&
		f.Held.Time().Before(arrived.AddMonths(f.Month).Time().Add(-FollowUpLead)):
		p.Addf("held", "the follow-up at %d months is held from %s on", f.Month, DateOf(arrived.AddMonths(f.Month).Time().Add(-FollowUpLead)))
	}
	least := 0
	if f.SafetyConcern {
		// A safety concern must say what was reported.
		least = 1
	}
	checkText(&p, "notes", f.Notes, least, 5000)
	return p
}

// IntegrationPlan is the settlement organisation's plan for a family that
// has been placed with it: every milestone and every follow-up, recorded
// or not.
type IntegrationPlan struct {
	CaseID ID
	// Milestones holds one entry per Milestone, in plan order.
	Milestones []*PlanMilestone
	// FollowUps holds one entry per FollowUpMonths, in order.
	FollowUps []*FollowUp
	// AsOf is the day the plan was read, by the app's clock: what is
	// overdue is judged against it.
	AsOf Date
	// Writable says the reader may change the plan now (the access
	// policies' case.plan, decided for the reader when the plan is read).
	Writable bool
}

// NewIntegrationPlan returns the plan of a case from the milestones and
// follow-ups recorded so far: unrecorded milestones stand as not started,
// and each follow-up is due its number of months after arrived (zero
// before arrival).
func NewIntegrationPlan(caseID ID, recorded []*PlanMilestone, held []*FollowUp, arrived Date) *IntegrationPlan {
	p := &IntegrationPlan{CaseID: caseID}
	for _, m := range Milestones {
		i := slices.IndexFunc(recorded, func(r *PlanMilestone) bool { return r.Milestone == m })
		if i < 0 {
			p.Milestones = append(p.Milestones, &PlanMilestone{Milestone: m, Status: MilestoneNotStarted})
			continue
		}
		p.Milestones = append(p.Milestones, recorded[i])
	}
	for _, n := range FollowUpMonths {
		f := &FollowUp{Month: n}
		if i := slices.IndexFunc(held, func(h *FollowUp) bool { return h.Month == n }); i >= 0 {
			f = held[i]
		}
		f.Due = Date{}
		if !arrived.IsZero() {
			f.Due = arrived.AddMonths(n)
		}
		p.FollowUps = append(p.FollowUps, f)
	}
	return p
}

// Milestone returns the plan's entry for m, or nil.
func (p *IntegrationPlan) Milestone(m Milestone) *PlanMilestone {
	for _, e := range p.Milestones {
		if e.Milestone == m {
			return e
		}
	}
	return nil
}

// FollowUp returns the plan's follow-up at month n, or nil.
func (p *IntegrationPlan) FollowUp(n int) *FollowUp {
	for _, f := range p.FollowUps {
		if f.Month == n {
			return f
		}
	}
	return nil
}

// SafetyConcerns counts the follow-ups at which a safety concern was
// reported.
func (p *IntegrationPlan) SafetyConcerns() int {
	n := 0
	for _, f := range p.FollowUps {
		if f.SafetyConcern {
			n++
		}
	}
	return n
}

// AddMonths returns the date n months after d. A day past the end of the
// target month is the month's last day: a month after 31 January is 28 or
// 29 February, never March.
func (d Date) AddMonths(n int) Date {
	first := time.Date(d.Year, d.Month, 1, 0, 0, 0, 0, time.UTC).AddDate(0, n, 0)
	last := first.AddDate(0, 1, -1).Day()
	return Date{first.Year(), first.Month(), min(d.Day, last)}
}
