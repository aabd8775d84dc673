// Package policy answers who may do what: which kind of organisation, in
// which role, may take an action. It is pure: no store, no network.
//
// This is the first, coarse layer: a table of actions by organisation kind,
// with the admin role kept out of case work. The app layer adds the
// relation to the record (the nomination addressed to the partner, the case
// it referred, the case placed with a settlement organisation) and answers
// not-found when the actor may not see a record at all. Finer, per-field
// views come with policies as code.
package policy

import (
	"slices"

	"github.com/havenhrd/haven"
)

// Action is something an actor may ask Haven to do.
type Action string

// The actions.
const (
	OrgCreate          Action = "org.create"
	UserCreate         Action = "user.create"
	RulesSet           Action = "rules.set"
	RulesRead          Action = "rules.read"
	LedgerRead         Action = "ledger.read"
	NominationCreate   Action = "nomination.create"
	NominationWithdraw Action = "nomination.withdraw"
	NominationReview   Action = "nomination.review"
	NominationDecline  Action = "nomination.decline"
	CaseRefer          Action = "case.refer"
	CaseRead           Action = "case.read"
	CaseProcess        Action = "case.process" // eligibility, admissibility, decisions, travel, arrival
	CaseWithdraw       Action = "case.withdraw"
	CheckMedical       Action = "check.medical"
	CheckScreening     Action = "check.screening" // security and criminality
	CaseSettle         Action = "case.settle"
	KeysManage         Action = "keys.manage"
)

var table = map[Action][]haven.OrgKind{
	OrgCreate:          {haven.OrgProgrammeAdmin},
	UserCreate:         {haven.OrgProgrammeAdmin},
	RulesSet:           {haven.OrgProgrammeAdmin},
	RulesRead:          {haven.OrgProgrammeAdmin, haven.OrgVisaOffice, haven.OrgReferralPartner, haven.OrgProtectionPartner},
	LedgerRead:         {haven.OrgProgrammeAdmin, haven.OrgVisaOffice},
	NominationCreate:   {haven.OrgProtectionPartner},
	NominationWithdraw: {haven.OrgProtectionPartner},
	NominationReview:   {haven.OrgReferralPartner},
	NominationDecline:  {haven.OrgReferralPartner},
	CaseRefer:          {haven.OrgReferralPartner, haven.OrgProtectionPartner},
	CaseRead:           {haven.OrgVisaOffice, haven.OrgReferralPartner, haven.OrgProtectionPartner, haven.OrgSettlementOrganisation},
	CaseProcess:        {haven.OrgVisaOffice},
	CaseWithdraw:       {haven.OrgVisaOffice, haven.OrgReferralPartner, haven.OrgProtectionPartner},
	CheckMedical:       {haven.OrgVisaOffice, haven.OrgMedicalPartner},
	CheckScreening:     {haven.OrgVisaOffice, haven.OrgScreeningPartner},
	CaseSettle:         {haven.OrgSettlementOrganisation, haven.OrgVisaOffice},
	KeysManage:         {haven.OrgProgrammeAdmin},
}

// adminActions are the actions an organisation's admin role may take; every
// other action is case work, which admins do not do.
var adminActions = []Action{OrgCreate, UserCreate, RulesSet, RulesRead, LedgerRead, KeysManage}

// Allowed reports whether a user of an organisation of kind, in role, may
// take action at all. Unknown actions, kinds and roles are denied.
func Allowed(kind haven.OrgKind, role haven.Role, action Action) bool {
	kinds, ok := table[action]
	if !ok || !kind.Valid() || !role.Valid() {
		return false
	}
	if !slices.Contains(kinds, kind) {
		return false
	}
	if role == haven.RoleAdmin && kind != haven.OrgProgrammeAdmin && !slices.Contains(adminActions, action) {
		return false
	}
	return true
}

// Actions lists every action, for tests and documentation.
func Actions() []Action {
	out := make([]Action, 0, len(table))
	for a := range table {
		out = append(out, a)
	}
	slices.Sort(out)
	return out
}

// CheckAction returns the action that recording a check of kind needs.
func CheckAction(kind haven.CheckKind) Action {
	if kind == haven.CheckMedical {
		return CheckMedical
	}
	return CheckScreening
}
