package policy

import (
	"slices"
	"sync"
	"time"

	"github.com/havenhrd/haven"
)

// View says which parts of a case an actor sees. Each part is allowed by
// policy as an action of its own (case.view.*). A sealed field outside the
// view is never decrypted: the app layer leaves it empty, so it cannot be
// serialised by mistake; Redact clears the plain fields outside it.
type View struct {
	// Status (case.view.status): the case's state and its referral and
	// last-change dates.
	Status bool
	// Referral (case.view.referral): priorities, submission categories,
	// nationality and asylum countries, the declared size, the visa kind and
	// admission year, and the organisations and nomination behind the case.
	Referral bool
	// Identity (case.view.identity): members' names and dates of birth
	// (sealed), sex and nationalities: what a check needs.
	Identity bool
	// Family (case.view.family): the family's composition: each member's
	// relationship, whether they accompany or were removed, languages;
	// with Narrative, the dependent adult child exception (sealed).
	Family bool
	// Contact (case.view.contact): members' contact details and whereabouts.
	Contact bool
	// Narrative (case.view.narrative): the UNHCR case number, the persecution
	// account, threat events, Convention grounds, category justification and
	// the assessments' notes.
	Narrative bool
	// Work (case.view.work): the defender's areas of work and organisations.
	Work bool
	// ConfidentialNotes (case.view.confidential_notes): what a member asked
	// to keep from their family.
	ConfidentialNotes bool
	// CheckDetails (case.view.check_details): the text of checks (medical and
	// screening details, reasons a conviction was political).
	CheckDetails bool
	// DecisionReasons (case.view.decision_reasons): the written reasons of
	// decisions, and case notes.
	DecisionReasons bool
	// Itinerary (case.view.itinerary): the travel itinerary.
	Itinerary bool
	// Arrival (case.view.arrival): the travel date and loan, and the arrival.
	Arrival bool
	// IntegrationPlan (case.view.integration_plan): the settlement
	// organisation's integration plan.
	IntegrationPlan bool
	// Assessments (case.view.assessments) and Decisions
	// (case.view.decisions, with the case notes) include those records at all.
	Assessments bool
	Decisions   bool
	// Priority (case.view.priority): the processing priority alone, for
	// those who need to know how soon, not why (the Referral part includes
	// it too).
	Priority bool
	// StayingBehind (case.view.staying_behind): the family members who do
	// not travel (not accompanying, or removed by a split decision). They
	// stay within reach of the persecutor; a view without this part holds
	// the travellers only. It concerns views of a case: a member's own view
	// (a check partner's) is of that member alone.
	StayingBehind bool
	// CheckKinds (case.view.checks.*) are the kinds of check included.
	CheckKinds []haven.CheckKind
	// Duplicates (case.view.duplicates): the other cases this one may
	// duplicate. The visa office's alone: telling a referrer would tell it
	// that another organisation's case exists.
	Duplicates bool
	// Timeline (case.view.timeline): the acts on the case from the audit
	// log, each with its time and organisation, those of the parts of the
	// view that the act shows.
	Timeline bool
	// Interview (case.view.interview): the eligibility interview, its day
	// and time, its place or link (whereabouts: sealed), its language and
	// interpreter, and who attends; the day it moves the case's clock to.
	Interview bool
}

// viewParts maps each part of a View to its action.
var viewParts = []struct {
	action Action
	set    func(v *View)
}{
	{ViewStatus, func(v *View) { v.Status = true }},
	{ViewReferral, func(v *View) { v.Referral = true }},
	{ViewIdentity, func(v *View) { v.Identity = true }},
	{ViewFamily, func(v *View) { v.Family = true }},
	{ViewContact, func(v *View) { v.Contact = true }},
	{ViewNarrative, func(v *View) { v.Narrative = true }},
	{ViewWork, func(v *View) { v.Work = true }},
	{ViewConfidentialNotes, func(v *View) { v.ConfidentialNotes = true }},
	{ViewCheckDetails, func(v *View) { v.CheckDetails = true }},
	{ViewDecisionReasons, func(v *View) { v.DecisionReasons = true }},
	{ViewItinerary, func(v *View) { v.Itinerary = true }},
	{ViewArrival, func(v *View) { v.Arrival = true }},
	{ViewIntegrationPlan, func(v *View) { v.IntegrationPlan = true }},
	{ViewAssessments, func(v *View) { v.Assessments = true }},
	{ViewDecisions, func(v *View) { v.Decisions = true }},
	{ViewPriority, func(v *View) { v.Priority = true }},
	{ViewStayingBehind, func(v *View) { v.StayingBehind = true }},
	{ViewDuplicates, func(v *View) { v.Duplicates = true }},
	{ViewTimeline, func(v *View) { v.Timeline = true }},
	{ViewInterview, func(v *View) { v.Interview = true }},
	// CheckKinds keep haven.CheckKinds' order.
	{ViewChecksMedical, func(v *View) { v.CheckKinds = append(v.CheckKinds, haven.CheckMedical) }},
	{ViewChecksSecurity, func(v *View) { v.CheckKinds = append(v.CheckKinds, haven.CheckSecurity) }},
	{ViewChecksCriminality, func(v *View) { v.CheckKinds = append(v.CheckKinds, haven.CheckCriminality) }},
}

// ViewActions lists the actions of the parts of a view.
func ViewActions() []Action {
	out := make([]Action, len(viewParts))
	for i, p := range viewParts {
		out[i] = p.action
	}
	return out
}

// ViewOf returns the view of a case, or of one member of it (r.Kind
// KindMember), that actor gets. It first decides CaseRead (MemberRead for
// a member) and returns that decision; when it is a denial the view is
// empty and the app answers ENOTFOUND, so the record's existence does not
// leak. Otherwise each part of the view is decided on its own; a part that
// fails to evaluate is left out (fail closed). A screening or medical
// partner reaches members, never cases: the app asks ViewOf of each member
// assigned to it.
func ViewOf(actor haven.Actor, r Relation) (View, Decision) {
	// A view depends on the organisation's kind, the role and the
	// relation alone, and the policies are embedded: each is decided once
	// per process (its nineteen decisions cost more than a list's query).
	k := viewKey{actor.OrgKind, actor.Role, r}
	if c, ok := views.Load(k); ok {
		return c.(cachedView).clone()
	}
	v, d := viewOf(actor, r)
	if d.Err != nil {
		return v, d // an unknown kind or role: not kept
	}
	views.Store(k, cachedView{v, d})
	return cachedView{v, d}.clone()
}

// views are the views decided, by kind, role and relation.
var views sync.Map // viewKey → cachedView

type viewKey struct {
	kind haven.OrgKind
	role haven.Role
	rel  Relation
}

type cachedView struct {
	v View
	d Decision
}

// clone returns a copy that shares no slice with the cache.
func (c cachedView) clone() (View, Decision) {
	v, d := c.v, c.d
	v.CheckKinds = slices.Clone(v.CheckKinds)
	d.PolicyIDs = slices.Clone(d.PolicyIDs)
	return v, d
}

func viewOf(actor haven.Actor, r Relation) (View, Decision) {
	var read Action
	switch r.Kind {
	case KindCase:
		read = CaseRead
	case KindMember:
		read = MemberRead
	default:
		return View{}, Decision{Err: errorf("a view is of a case or a member, not of a %q record", r.Kind)}
	}
	d := Decide(actor, read, r)
	if !d.Allowed {
		return View{}, d
	}
	var v View
	for _, p := range viewParts {
		if Decide(actor, p.action, r).Allowed {
			p.set(&v)
		}
	}
	return v, d
}

// IsZero reports whether v shows nothing at all.
func (v View) IsZero() bool {
	return !v.Status && !v.Referral && !v.Identity && !v.Family && !v.Contact && !v.Narrative && !v.Work &&
		!v.ConfidentialNotes && !v.CheckDetails && !v.DecisionReasons && !v.Itinerary && !v.Arrival &&
		!v.IntegrationPlan && !v.Assessments && !v.Decisions && !v.Priority && !v.StayingBehind && !v.Duplicates && !v.Timeline && !v.Interview && len(v.CheckKinds) == 0
}

// StatusOnly reports whether v is the case-status view: state and dates,
// nothing else.
func (v View) StatusOnly() bool {
	w := v
	w.Status = false
	return v.Status && w.IsZero()
}

// members reports whether v includes member records at all.
func (v View) members() bool { return v.Identity || v.Family || v.Contact || v.ConfidentialNotes }

// Includes reports whether a view of a case includes the member m, whose
// Accompanying and Excluded fields are as stored: members must be in the
// view at all, and those who stay behind only with StayingBehind.
func (v View) Includes(m *haven.Member) bool {
	return v.members() && (v.StayingBehind || Travels(m))
}

// Travels reports whether m travels with the family: accompanying, and not
// removed by a split decision.
func Travels(m *haven.Member) bool { return m.Accompanying && !m.Excluded }

// Redact clears every field of c outside v, the plain ones as well as the
// sealed ones, and drops the records v leaves out. The app calls it on
// what it returns, after loading only the sealed fields v includes. The
// case's ID and reference always stay.
func (v View) Redact(c *haven.Case) {
	if c == nil {
		return
	}
	if !v.Status {
		c.State, c.ResumeState, c.Shredded = "", "", false
		c.ReferredAt, c.UpdatedAt, c.Version = time.Time{}, time.Time{}, 0
		c.CaseClock = haven.CaseClock{}
		// Whose checks the case waits on is the turn's, by name.
		c.CheckHolders = nil
	}
	if !v.Referral {
		c.ReferringOrgID, c.NominationID, c.SettlementOrgID = "", "", ""
		c.SubmissionPriority = ""
		if !v.Priority {
			// The clock's dates are worked out from the priority: a reader
			// who may not see it sees the stage and whose turn, no dates.
			c.ProcessingPriority = ""
			c.TargetDate, c.StageDue, c.NextDue, c.BaseDue = haven.Date{}, haven.Date{}, haven.Date{}, haven.Date{}
		}
		c.PrimaryCategory, c.SecondaryCategory = "", ""
		c.NationalityCountries, c.AsylumCountry, c.DeclaredSize = nil, "", 0
		c.VisaKind, c.AdmissionYear = "", 0
	}
	if !v.Narrative {
		c.UNHCRNumber, c.CategoryJustification, c.PersecutionAccount = "", "", ""
		c.Grounds, c.SocialGroups, c.Profile.ThreatEvents = nil, nil, nil
	}
	if !v.Work {
		c.Profile.WorkAreas, c.Profile.Organisations = nil, nil
	}
	if v.members() {
		// Who stays behind is judged on the stored flags, before
		// RedactMember may clear them.
		c.Members = slices.DeleteFunc(c.Members, func(m *haven.Member) bool { return !v.Includes(m) })
		for _, m := range c.Members {
			v.RedactMember(m)
		}
		if len(c.Members) == 0 {
			c.Members = nil
		}
	} else {
		c.Members = nil
	}
	// Checks follow their members: none of a member outside the view.
	if c.Members != nil || v.members() {
		c.Checks = slices.DeleteFunc(c.Checks, func(ch *haven.Check) bool { return c.Member(ch.MemberID) == nil })
	}
	if v.Assessments {
		for _, a := range c.Assessments {
			if !v.Narrative {
				a.Notes = ""
			}
		}
	} else {
		c.Assessments = nil
	}
	c.Checks = slices.DeleteFunc(c.Checks, func(ch *haven.Check) bool { return !slices.Contains(v.CheckKinds, ch.Kind) })
	if len(c.Checks) == 0 {
		c.Checks = nil
	}
	for _, ch := range c.Checks {
		if !v.CheckDetails {
			ch.Details, ch.PoliticalMotivationReasons = "", ""
		}
	}
	if v.Decisions {
		for _, d := range c.Decisions {
			if !v.DecisionReasons {
				d.Reasons = ""
			}
		}
		for _, n := range c.Notes {
			if !v.DecisionReasons {
				n.Text = ""
			}
		}
	} else {
		c.Decisions, c.Notes = nil, nil
	}
	switch {
	case c.Travel == nil:
	case !v.Arrival && !v.Itinerary:
		c.Travel = nil
	case !v.Arrival:
		c.Travel = &haven.Travel{CaseID: c.Travel.CaseID, Itinerary: c.Travel.Itinerary}
	case !v.Itinerary:
		c.Travel.Itinerary = ""
	}
	if !v.Arrival {
		c.Arrival = nil
	}
	if !v.IntegrationPlan {
		c.Plan = nil
	}
	if !v.Duplicates {
		c.PossibleDuplicates = nil
	}
	if !v.Timeline {
		c.Timeline = nil
	}
	if !v.Interview {
		// Nor the days the interview sets on the clock: the stage's own
		// deadline, and no next day.
		c.Interview = nil
		if !c.BaseDue.IsZero() {
			c.StageDue = c.BaseDue
		}
		c.NextDue, c.BaseDue = haven.Date{}, haven.Date{}
	}
}

// RedactMember clears every field of m outside v.
func (v View) RedactMember(m *haven.Member) {
	if m == nil {
		return
	}
	if !v.Identity {
		m.FamilyName, m.GivenNames, m.DateOfBirth, m.Sex, m.Nationalities = "", "", haven.Date{}, "", nil
	}
	if !v.Family {
		m.Relationship, m.Accompanying, m.Excluded, m.Languages = "", false, false, nil
	}
	if !v.Contact {
		m.Contact, m.Whereabouts = "", ""
	}
	if !v.ConfidentialNotes {
		m.ConfidentialNotes = ""
	}
	// The dependent adult child exception discloses a condition: with the
	// family, to those who read the narrative (never a settlement
	// organisation, nor a check partner).
	if !v.Family || !v.Narrative {
		m.AdultDependent = false
	}
}

// Or returns what either view shows.
func (v View) Or(w View) View {
	u := View{
		Status: v.Status || w.Status, Referral: v.Referral || w.Referral, Identity: v.Identity || w.Identity,
		Family: v.Family || w.Family, Contact: v.Contact || w.Contact, Narrative: v.Narrative || w.Narrative,
		Work: v.Work || w.Work, ConfidentialNotes: v.ConfidentialNotes || w.ConfidentialNotes,
		CheckDetails: v.CheckDetails || w.CheckDetails, DecisionReasons: v.DecisionReasons || w.DecisionReasons,
		Itinerary: v.Itinerary || w.Itinerary, Arrival: v.Arrival || w.Arrival, IntegrationPlan: v.IntegrationPlan || w.IntegrationPlan,
		Assessments: v.Assessments || w.Assessments, Decisions: v.Decisions || w.Decisions,
		Priority: v.Priority || w.Priority, StayingBehind: v.StayingBehind || w.StayingBehind,
		Duplicates: v.Duplicates || w.Duplicates, Timeline: v.Timeline || w.Timeline, Interview: v.Interview || w.Interview,
	}
	for _, k := range haven.CheckKinds {
		if slices.Contains(v.CheckKinds, k) || slices.Contains(w.CheckKinds, k) {
			u.CheckKinds = append(u.CheckKinds, k)
		}
	}
	return u
}
