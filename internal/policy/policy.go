package policy

import (
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/havenhrd/haven"
)

// Action is something an actor may ask Haven to do, or a part of a case it
// may see. Its value is the id of the Cedar action Haven::Action::"...".
type Action string

// The actions on the programme (resource Haven::Programme).
const (
	OrgCreate  Action = "org.create"
	UserCreate Action = "user.create"
	RulesSet   Action = "rules.set"
	RulesRead  Action = "rules.read"
	OrgRead    Action = "org.read"
	LedgerRead Action = "ledger.read"
	KeysManage Action = "keys.manage"
	// EscalationRead: be shown the escalations addressed to the reader
	// about cases it may not read (haven.EscalatedKinds), as an overseer
	// sees them: the case's reference, the kind, the stage, its deadline
	// and the processing priority; never the case itself.
	EscalationRead Action = "escalation.read"
	// NominationCreate and CaseRefer create a record, so they are asked of
	// the programme; CaseRefer needs Relation.MayRefer.
	NominationCreate Action = "nomination.create"
	CaseRefer        Action = "case.refer"
)

// The actions on a nomination (resource Haven::Nomination).
const (
	NominationRead     Action = "nomination.read"
	NominationWithdraw Action = "nomination.withdraw"
	NominationReview   Action = "nomination.review"
	NominationDecline  Action = "nomination.decline"
	// NominationRefer: refer the nomination to Canada as a case; needs
	// Relation.MayRefer.
	NominationRefer Action = "nomination.refer"
)

// The actions on a case (resource Haven::Case).
const (
	// CaseRead: reach the case at all. What of it the actor sees is ViewOf.
	CaseRead Action = "case.read"
	// CaseProcess: eligibility, admissibility, decisions, travel, arrival,
	// settlement placement, holds and information requests.
	CaseProcess  Action = "case.process"
	CaseWithdraw Action = "case.withdraw"
	// CaseRespond: answer the visa office's request for information.
	CaseRespond Action = "case.respond"
	// CaseSettle: begin settlement and close.
	CaseSettle Action = "case.settle"
	// CasePlan: keep the integration plan (milestones and follow-ups).
	CasePlan Action = "case.plan"
)

// The actions on one member of a case (resource Haven::Member).
const (
	// MemberRead: reach the member at all (screening and medical partners
	// reach members, never cases).
	MemberRead     Action = "member.read"
	CheckMedical   Action = "check.medical"
	CheckScreening Action = "check.screening" // security and criminality
)

// The parts of a view of a case, each an action asked of a case or a
// member; see View for what each part holds.
const (
	ViewStatus            Action = "case.view.status"
	ViewReferral          Action = "case.view.referral"
	ViewIdentity          Action = "case.view.identity"
	ViewFamily            Action = "case.view.family"
	ViewContact           Action = "case.view.contact"
	ViewNarrative         Action = "case.view.narrative"
	ViewWork              Action = "case.view.work"
	ViewConfidentialNotes Action = "case.view.confidential_notes"
	ViewCheckDetails      Action = "case.view.check_details"
	ViewDecisionReasons   Action = "case.view.decision_reasons"
	ViewItinerary         Action = "case.view.itinerary"
	ViewArrival           Action = "case.view.arrival"
	ViewIntegrationPlan   Action = "case.view.integration_plan"
	ViewAssessments       Action = "case.view.assessments"
	ViewDecisions         Action = "case.view.decisions"
	ViewChecksMedical     Action = "case.view.checks.medical"
	ViewChecksSecurity    Action = "case.view.checks.security"
	ViewChecksCriminality Action = "case.view.checks.criminality"
	ViewPriority          Action = "case.view.priority"
	ViewStayingBehind     Action = "case.view.staying_behind"
	ViewDuplicates        Action = "case.view.duplicates"
	ViewTimeline          Action = "case.view.timeline"
	ViewInterview         Action = "case.view.interview"
)

// RecordKind is the kind of record an action is asked of.
type RecordKind string

// The record kinds, one Cedar entity type each.
const (
	KindProgramme  RecordKind = "programme"  // Haven::Programme
	KindNomination RecordKind = "nomination" // Haven::Nomination
	KindCase       RecordKind = "case"       // Haven::Case
	KindMember     RecordKind = "member"     // Haven::Member
)

// RecordKinds lists every RecordKind.
var RecordKinds = []RecordKind{KindProgramme, KindNomination, KindCase, KindMember}

// group is a Cedar action group: Haven::Action::"<group>".
type group string

const (
	programmeWork group = "programme_work"
	caseWork      group = "case_work"
	caseView      group = "case_view" // itself in case_work
)

type actionInfo struct {
	group group
	kinds []RecordKind
}

var (
	onProgramme = []RecordKind{KindProgramme}
	onNom       = []RecordKind{KindNomination}
	onCase      = []RecordKind{KindCase}
	onMember    = []RecordKind{KindMember}
	onCaseOrMem = []RecordKind{KindCase, KindMember}
)

// actions is the one list of actions; policies/haven.cedarschema declares
// the same (a test compares them).
var actions = map[Action]actionInfo{
	OrgCreate: {programmeWork, onProgramme}, UserCreate: {programmeWork, onProgramme}, OrgRead: {programmeWork, onProgramme},
	RulesSet: {programmeWork, onProgramme}, RulesRead: {programmeWork, onProgramme},
	LedgerRead: {programmeWork, onProgramme}, KeysManage: {programmeWork, onProgramme}, EscalationRead: {programmeWork, onProgramme},
	NominationCreate: {caseWork, onProgramme}, CaseRefer: {caseWork, onProgramme},

	NominationRead: {caseWork, onNom}, NominationWithdraw: {caseWork, onNom}, NominationReview: {caseWork, onNom},
	NominationDecline: {caseWork, onNom}, NominationRefer: {caseWork, onNom},

	CaseRead: {caseWork, onCase}, CaseProcess: {caseWork, onCase}, CaseWithdraw: {caseWork, onCase},
	CaseRespond: {caseWork, onCase}, CaseSettle: {caseWork, onCase}, CasePlan: {caseWork, onCase},

	MemberRead: {caseWork, onMember}, CheckMedical: {caseWork, onMember}, CheckScreening: {caseWork, onMember},

	ViewStatus: {caseView, onCaseOrMem}, ViewReferral: {caseView, onCaseOrMem}, ViewIdentity: {caseView, onCaseOrMem},
	ViewFamily: {caseView, onCaseOrMem}, ViewContact: {caseView, onCaseOrMem}, ViewNarrative: {caseView, onCaseOrMem},
	ViewWork: {caseView, onCaseOrMem}, ViewConfidentialNotes: {caseView, onCaseOrMem},
	ViewCheckDetails: {caseView, onCaseOrMem}, ViewDecisionReasons: {caseView, onCaseOrMem},
	ViewItinerary: {caseView, onCaseOrMem}, ViewArrival: {caseView, onCaseOrMem},
	ViewIntegrationPlan: {caseView, onCaseOrMem}, ViewAssessments: {caseView, onCaseOrMem},
	ViewDecisions: {caseView, onCaseOrMem}, ViewChecksMedical: {caseView, onCaseOrMem},
	ViewChecksSecurity: {caseView, onCaseOrMem}, ViewChecksCriminality: {caseView, onCaseOrMem},
	ViewPriority: {caseView, onCaseOrMem}, ViewStayingBehind: {caseView, onCaseOrMem},
	ViewDuplicates: {caseView, onCaseOrMem}, ViewTimeline: {caseView, onCaseOrMem},
	ViewInterview: {caseView, onCaseOrMem},
}

// Actions lists every action, sorted, for tests and documentation.
func Actions() []Action {
	out := make([]Action, 0, len(actions))
	for a := range actions {
		out = append(out, a)
	}
	slices.Sort(out)
	return out
}

// Kinds returns the kinds of record action may be asked of; nil for an
// unknown action.
func (a Action) Kinds() []RecordKind { return slices.Clone(actions[a].kinds) }

// IsCaseWork reports whether a is case work (every action on nominations,
// cases and members, and creating them), which an organisation's admin
// role and the programme's administration never do.
func (a Action) IsCaseWork() bool {
	g := actions[a].group
	return g == caseWork || g == caseView
}

// CheckAction returns the action that recording a check of kind needs.
func CheckAction(kind haven.CheckKind) Action {
	if kind == haven.CheckMedical {
		return CheckMedical
	}
	return CheckScreening
}

// Relation is how the actor's organisation stands to the record an action
// is asked of. The app computes it from the store, never from the request.
// The fields that do not concern Kind are ignored (treated as false).
type Relation struct {
	Kind RecordKind

	// CaseState is the state of the case (KindCase), or of the member's
	// case (KindMember).
	CaseState haven.CaseState
	// NominationState is the state of the nomination (KindNomination).
	NominationState haven.NominationState

	// KindCase: the actor's organisation referred the case
	// (case.ReferringOrgID), the case came from its nomination (the
	// nomination's ProtectionOrgID), the case is placed with it
	// (case.SettlementOrgID).
	IsReferringOrg, IsNominatingOrg, IsSettlementOrg bool
	// KindCase: the family arrived longer ago than the handover time of the
	// rules of the case's admission year (haven.ProgrammeRules.HandoverDays):
	// the referring partner's view of contact details, whereabouts and
	// confidential notes has ended.
	PastHandover bool
	// KindNomination: the actor's organisation made the nomination
	// (ProtectionOrgID), or it is addressed to it (ReferralOrgID).
	IsProtectionOrg, IsAddresseeOrg bool
	// KindMember: the member is assigned to the actor's organisation for
	// its check.
	IsAssignedOrg bool
	// KindMember: the organisation the member is assigned to has recorded
	// every check of its kind of the member since it was assigned
	// (assigning again opens a new request).
	CheckRecorded bool
	// KindProgramme and KindNomination: the year's programme rules allow the
	// actor's organisation to refer (haven.ProgrammeRules.MayRefer).
	MayRefer bool
}

// Programme is the relation to the programme, for every action on it but
// CaseRefer (which needs MayRefer).
var Programme = Relation{Kind: KindProgramme}

// String formats r as the permission matrix writes it: the kind, the true
// fields that concern it, and the state, such as
// "case{referring,settlement} approved".
func (r Relation) String() string {
	var b strings.Builder
	b.WriteString(string(r.Kind))
	b.WriteByte('{')
	b.WriteString(strings.Join(r.flags(), ","))
	b.WriteByte('}')
	if s := r.state(); s != "" {
		b.WriteByte(' ')
		b.WriteString(s)
	}
	return b.String()
}

// flags names the true fields that concern r.Kind.
func (r Relation) flags() []string {
	var out []string
	add := func(ok bool, name string) {
		if ok {
			out = append(out, name)
		}
	}
	switch r.Kind {
	case KindProgramme:
		add(r.MayRefer, "may-refer")
	case KindNomination:
		add(r.IsProtectionOrg, "protection")
		add(r.IsAddresseeOrg, "addressee")
		add(r.MayRefer, "may-refer")
	case KindCase:
		add(r.IsReferringOrg, "referring")
		add(r.IsNominatingOrg, "nominating")
		add(r.IsSettlementOrg, "settlement")
		add(r.PastHandover, "past-handover")
	case KindMember:
		add(r.IsAssignedOrg, "assigned")
		add(r.CheckRecorded, "recorded")
	}
	return out
}

// state returns the state that concerns r.Kind, or "".
func (r Relation) state() string {
	switch r.Kind {
	case KindCase, KindMember:
		return string(r.CaseState)
	case KindNomination:
		return string(r.NominationState)
	}
	return ""
}

// Decision is the answer to one question: may the actor take the action on
// the record.
type Decision struct {
	Allowed bool
	// PolicyIDs are the @id of the policies that decided, sorted: the
	// permits that allowed, or the forbids that denied. A denial with none
	// is the default: no policy permits it.
	PolicyIDs []string
	// Err is set when the question could not be answered: an unknown action,
	// kind of organisation or role, a relation of the wrong kind, a policy
	// that failed to evaluate, or policies that failed to load. Such a
	// decision is always a denial; Err belongs in the log.
	Err error
}

// Reason explains d in a few words for the log and the audit trail.
func (d Decision) Reason() string {
	switch {
	case d.Err != nil:
		return "denied on error: " + d.Err.Error()
	case d.Allowed:
		return "permitted by " + strings.Join(d.PolicyIDs, ", ")
	case len(d.PolicyIDs) > 0:
		return "forbidden by " + strings.Join(d.PolicyIDs, ", ")
	}
	return "denied: no policy permits it"
}

// Decide answers whether actor may take action on the record that r
// describes. It evaluates the embedded policies on every call; it never
// panics and fails closed: on any error the decision is a denial with Err
// set. Actor.OrgKind and Actor.Role must be the ones resolved from the
// store.
func Decide(actor haven.Actor, action Action, r Relation) Decision {
	e, err := load()
	if err != nil {
		return Decision{Err: err}
	}
	return e.decide(actor, action, r)
}

// Err returns the error met loading the embedded policies, or nil. While
// it is not nil every decision is a denial: a server should refuse to start.
func Err() error {
	_, err := load()
	return err
}

func errorf(format string, args ...any) error {
	return &haven.Error{Code: haven.EINTERNAL, Op: "policy.Decide", Message: "an access decision could not be made",
		Err: fmt.Errorf(format, args...)}
}

// Allowed reports whether a user of an organisation of kind, in role, may
// take action on some record: whether any relation and state allows it.
// It is the coarse first gate (and what a front end may use to offer an
// action); the decision on a record is Decide's. Unknown actions, kinds and
// roles are denied.
func Allowed(kind haven.OrgKind, role haven.Role, action Action) bool {
	if _, ok := actions[action]; !ok || !kind.Valid() || !role.Valid() {
		return false // and nothing cached for unknown values
	}
	k := coarseKey{kind, role, action}
	if v, ok := coarse.Load(k); ok {
		return v.(bool)
	}
	ok := false
	actor := haven.Actor{UserID: "coarse", OrgKind: kind, Role: role}
	for _, r := range Relations(action) {
		if Decide(actor, action, r).Allowed {
			ok = true
			break
		}
	}
	coarse.Store(k, ok)
	return ok
}

type coarseKey struct {
	kind   haven.OrgKind
	role   haven.Role
	action Action
}

var coarse sync.Map // coarseKey -> bool

// Relations lists every relation action may be asked with: for each kind
// of record it applies to, every combination of the fields that concern
// that kind, in every state. It is the space the permission matrix covers.
func Relations(action Action) []Relation {
	var out []Relation
	for _, k := range actions[action].kinds {
		out = append(out, relationsOf(k)...)
	}
	return out
}

func relationsOf(k RecordKind) []Relation {
	var out []Relation
	switch k {
	case KindProgramme:
		for _, may := range bools {
			out = append(out, Relation{Kind: k, MayRefer: may})
		}
	case KindNomination:
		for _, prot := range bools {
			for _, addr := range bools {
				for _, may := range bools {
					for _, s := range haven.NominationStates {
						out = append(out, Relation{Kind: k, NominationState: s, IsProtectionOrg: prot, IsAddresseeOrg: addr, MayRefer: may})
					}
				}
			}
		}
	case KindCase:
		for _, ref := range bools {
			for _, nom := range bools {
				for _, set := range bools {
					for _, past := range bools {
						for _, s := range haven.CaseStates {
							out = append(out, Relation{Kind: k, CaseState: s, IsReferringOrg: ref, IsNominatingOrg: nom, IsSettlementOrg: set, PastHandover: past})
						}
					}
				}
			}
		}
	case KindMember:
		for _, asg := range bools {
			for _, rec := range bools {
				for _, s := range haven.CaseStates {
					out = append(out, Relation{Kind: k, CaseState: s, IsAssignedOrg: asg, CheckRecorded: rec})
				}
			}
		}
	}
	return out
}

var bools = []bool{false, true}
