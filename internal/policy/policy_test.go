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
