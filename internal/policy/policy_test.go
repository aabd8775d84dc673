package policy_test

import (
	"testing"

	"github.com/havenhrd/haven"
	"github.com/havenhrd/haven/internal/policy"
)

func TestAllowed(t *testing.T) {
	tests := []struct {
		kind   haven.OrgKind
		role   haven.Role
		action policy.Action
		want   bool
	}{
		{haven.OrgVisaOffice, haven.RoleCaseworker, policy.CaseProcess, true},
		{haven.OrgVisaOffice, haven.RoleAdmin, policy.CaseProcess, false}, // admins do no case work
		{haven.OrgReferralPartner, haven.RoleCaseworker, policy.CaseProcess, false},
		{haven.OrgMedicalPartner, haven.RoleCaseworker, policy.CheckMedical, true},
		{haven.OrgMedicalPartner, haven.RoleCaseworker, policy.CheckScreening, false},
		{haven.OrgScreeningPartner, haven.RoleCaseworker, policy.CheckScreening, true},
		{haven.OrgScreeningPartner, haven.RoleCaseworker, policy.CaseRead, false},
		{haven.OrgProtectionPartner, haven.RoleCaseworker, policy.NominationCreate, true},
		{haven.OrgReferralPartner, haven.RoleCaseworker, policy.NominationCreate, false},
		{haven.OrgProgrammeAdmin, haven.RoleAdmin, policy.RulesSet, true},
		{haven.OrgVisaOffice, haven.RoleSupervisor, policy.RulesSet, false},
		{haven.OrgProgrammeAdmin, haven.RoleAdmin, policy.CaseRead, false}, // no case narrative for administration
		{haven.OrgSettlementOrganisation, haven.RoleCaseworker, policy.CaseSettle, true},
		{haven.OrgVisaOffice, haven.RoleCaseworker, "case.teleport", false},
		{"government", haven.RoleCaseworker, policy.CaseRead, false},
		{haven.OrgVisaOffice, "root", policy.CaseRead, false},
	}
	for _, tt := range tests {
		if got := policy.Allowed(tt.kind, tt.role, tt.action); got != tt.want {
			t.Errorf("Allowed(%s, %s, %s) = %v, want %v", tt.kind, tt.role, tt.action, got, tt.want)
		}
	}
	if policy.CheckAction(haven.CheckMedical) != policy.CheckMedical || policy.CheckAction(haven.CheckCriminality) != policy.CheckScreening {
		t.Error("CheckAction maps check kinds wrongly")
	}
	if len(policy.Actions()) != 17 {
		t.Errorf("%d actions", len(policy.Actions()))
	}
}

func TestCaseView(t *testing.T) {
	full := policy.CaseView(haven.OrgVisaOffice)
	if !full.Narrative || !full.ConfidentialNotes || !full.CheckDetails || len(full.CheckKinds) != 3 {
		t.Errorf("visa office view = %+v", full)
	}
	s := policy.CaseView(haven.OrgSettlementOrganisation)
	if !s.Identity || !s.Work || s.Narrative || s.Contact || s.ConfidentialNotes || s.CheckDetails || len(s.CheckKinds) != 0 || s.Decisions || s.DecisionReasons {
		t.Errorf("settlement view = %+v", s)
	}
	m := policy.CaseView(haven.OrgMedicalPartner)
	if !m.Identity || m.Narrative || m.Work || m.CheckDetails || len(m.CheckKinds) != 1 || m.CheckKinds[0] != haven.CheckMedical {
		t.Errorf("medical view = %+v", m)
	}
	if a := policy.CaseView(haven.OrgProgrammeAdmin); a.Identity || a.Narrative || len(a.CheckKinds) != 0 {
		t.Errorf("administration view = %+v", a)
	}
}
