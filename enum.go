package haven

import (
	"slices"
	"strings"
)

// Every enumeration in Haven is a string type with a closed list of values.
// Parsing rejects anything not on the list, so an unknown value never reaches
// a rule or a row.

func parseEnum[T ~string](name, s string, all []T) (T, error) {
	v := T(strings.TrimSpace(s))
	if slices.Contains(all, v) {
		return v, nil
	}
	vals := make([]string, len(all))
	for i, a := range all {
		vals[i] = string(a)
	}
	return "", Errorf(EINVALID, "parse", "unknown %s; expected one of: %s", name, strings.Join(vals, ", "))
}

func unmarshalEnum[T ~string](dst *T, name string, b []byte, all []T) error {
	v, err := parseEnum(name, string(b), all)
	if err != nil {
		return err
	}
	*dst = v
	return nil
}

// OrgKind is the kind of an organisation taking part in the programme.
type OrgKind string

// The kinds of organisation (DOMAIN.md §2).
const (
	OrgReferralPartner        OrgKind = "referral_partner"
	OrgProtectionPartner      OrgKind = "protection_partner"
	OrgVisaOffice             OrgKind = "visa_office"
	OrgScreeningPartner       OrgKind = "screening_partner"
	OrgMedicalPartner         OrgKind = "medical_partner"
	OrgSettlementOrganisation OrgKind = "settlement_organisation"
	OrgProgrammeAdmin         OrgKind = "programme_administration"
)

// OrgKinds lists every OrgKind.
var OrgKinds = []OrgKind{OrgReferralPartner, OrgProtectionPartner, OrgVisaOffice, OrgScreeningPartner, OrgMedicalPartner, OrgSettlementOrganisation, OrgProgrammeAdmin}

// ParseOrgKind parses s, rejecting unknown values.
func ParseOrgKind(s string) (OrgKind, error) { return parseEnum("organisation kind", s, OrgKinds) }

// Valid reports whether k is a known value.
func (k OrgKind) Valid() bool { return slices.Contains(OrgKinds, k) }

// UnmarshalText parses k, rejecting unknown values.
func (k *OrgKind) UnmarshalText(b []byte) error {
	return unmarshalEnum(k, "organisation kind", b, OrgKinds)
}

// Role is a user's role inside their organisation.
type Role string

// The roles.
const (
	// RoleCaseworker does the organisation's case work.
	RoleCaseworker Role = "caseworker"
	// RoleSupervisor does case work and supervises it.
	RoleSupervisor Role = "supervisor"
	// RoleAdmin manages the organisation's users; no case work.
	RoleAdmin Role = "admin"
)

// Roles lists every Role.
var Roles = []Role{RoleCaseworker, RoleSupervisor, RoleAdmin}

// ParseRole parses s, rejecting unknown values.
func ParseRole(s string) (Role, error) { return parseEnum("role", s, Roles) }

// Valid reports whether r is a known value.
func (r Role) Valid() bool { return slices.Contains(Roles, r) }

// UnmarshalText parses r, rejecting unknown values.
func (r *Role) UnmarshalText(b []byte) error { return unmarshalEnum(r, "role", b, Roles) }

// Priority is UNHCR's submission priority, also used as the visa office's
// processing priority (UNHCR Resettlement Handbook 4.2).
type Priority string

// The priorities, most urgent first.
const (
	PriorityEmergency Priority = "emergency"
	PriorityUrgent    Priority = "urgent"
	PriorityNormal    Priority = "normal"
)

// Priorities lists every Priority, most urgent first.
var Priorities = []Priority{PriorityEmergency, PriorityUrgent, PriorityNormal}

// ParsePriority parses s, rejecting unknown values.
func ParsePriority(s string) (Priority, error) { return parseEnum("priority", s, Priorities) }

// Valid reports whether p is a known value.
func (p Priority) Valid() bool { return slices.Contains(Priorities, p) }

// UnmarshalText parses p, rejecting unknown values.
func (p *Priority) UnmarshalText(b []byte) error { return unmarshalEnum(p, "priority", b, Priorities) }

// SubmissionCategory is one of UNHCR's seven resettlement submission
// categories (Handbook ch. 3).
type SubmissionCategory string

// The submission categories.
const (
	CategoryLegalPhysicalProtection  SubmissionCategory = "legal_physical_protection"
	CategorySurvivorsViolenceTorture SubmissionCategory = "survivors_violence_torture"
	CategoryMedicalNeeds             SubmissionCategory = "medical_needs"
	CategoryWomenGirlsAtRisk         SubmissionCategory = "women_girls_at_risk"
	CategoryFamilyReunification      SubmissionCategory = "family_reunification"
	CategoryChildrenAtRisk           SubmissionCategory = "children_adolescents_at_risk"
	CategoryNoDurableSolution        SubmissionCategory = "lack_of_durable_solutions"
)

// SubmissionCategories lists every SubmissionCategory.
var SubmissionCategories = []SubmissionCategory{CategoryLegalPhysicalProtection, CategorySurvivorsViolenceTorture, CategoryMedicalNeeds, CategoryWomenGirlsAtRisk, CategoryFamilyReunification, CategoryChildrenAtRisk, CategoryNoDurableSolution}

// ParseSubmissionCategory parses s, rejecting unknown values.
func ParseSubmissionCategory(s string) (SubmissionCategory, error) {
	return parseEnum("submission category", s, SubmissionCategories)
}

// Valid reports whether c is a known value.
func (c SubmissionCategory) Valid() bool { return slices.Contains(SubmissionCategories, c) }

// UnmarshalText parses c, rejecting unknown values.
func (c *SubmissionCategory) UnmarshalText(b []byte) error {
	return unmarshalEnum(c, "submission category", b, SubmissionCategories)
}

// Ground is a Convention ground of persecution.
type Ground string

// The five Convention grounds.
const (
	GroundRace                  Ground = "race"
	GroundReligion              Ground = "religion"
	GroundNationality           Ground = "nationality"
	GroundPoliticalOpinion      Ground = "political_opinion"
	GroundParticularSocialGroup Ground = "particular_social_group"
)

// Grounds lists every Ground.
var Grounds = []Ground{GroundRace, GroundReligion, GroundNationality, GroundPoliticalOpinion, GroundParticularSocialGroup}

// ParseGround parses s, rejecting unknown values.
func ParseGround(s string) (Ground, error) { return parseEnum("Convention ground", s, Grounds) }

// Valid reports whether g is a known value.
func (g Ground) Valid() bool { return slices.Contains(Grounds, g) }

// UnmarshalText parses g, rejecting unknown values.
func (g *Ground) UnmarshalText(b []byte) error {
	return unmarshalEnum(g, "Convention ground", b, Grounds)
}

// SocialGroup is a sub-type of the particular-social-group ground.
type SocialGroup string

// The particular social groups Haven records.
const (
	SocialGroupGender            SocialGroup = "gender"
	SocialGroupSexualOrientation SocialGroup = "sexual_orientation"
	SocialGroupGenderIdentity    SocialGroup = "gender_identity"
	SocialGroupHumanRightsWork   SocialGroup = "human_rights_defenders"
	SocialGroupIndigenous        SocialGroup = "indigenous_peoples"
	SocialGroupFamily            SocialGroup = "family"
	SocialGroupOther             SocialGroup = "other"
)

// SocialGroups lists every SocialGroup.
var SocialGroups = []SocialGroup{SocialGroupGender, SocialGroupSexualOrientation, SocialGroupGenderIdentity, SocialGroupHumanRightsWork, SocialGroupIndigenous, SocialGroupFamily, SocialGroupOther}

// ParseSocialGroup parses s, rejecting unknown values.
func ParseSocialGroup(s string) (SocialGroup, error) {
	return parseEnum("particular social group", s, SocialGroups)
}

// Valid reports whether g is a known value.
func (g SocialGroup) Valid() bool { return slices.Contains(SocialGroups, g) }

// UnmarshalText parses g, rejecting unknown values.
func (g *SocialGroup) UnmarshalText(b []byte) error {
	return unmarshalEnum(g, "particular social group", b, SocialGroups)
}

// Relationship is a member's relationship to the principal applicant.
type Relationship string

// The relationships (IRPR family member definition).
const (
	RelPrincipal        Relationship = "principal"
	RelSpouse           Relationship = "spouse"
	RelCommonLawPartner Relationship = "common_law_partner"
	RelChild            Relationship = "child"
	RelChildOfChild     Relationship = "child_of_child"
	RelDeFactoDependant Relationship = "de_facto_dependant"
)

// Relationships lists every Relationship.
var Relationships = []Relationship{RelPrincipal, RelSpouse, RelCommonLawPartner, RelChild, RelChildOfChild, RelDeFactoDependant}

// ParseRelationship parses s, rejecting unknown values.
func ParseRelationship(s string) (Relationship, error) {
	return parseEnum("relationship", s, Relationships)
}

// Valid reports whether r is a known value.
func (r Relationship) Valid() bool { return slices.Contains(Relationships, r) }

// UnmarshalText parses r, rejecting unknown values.
func (r *Relationship) UnmarshalText(b []byte) error {
	return unmarshalEnum(r, "relationship", b, Relationships)
}

// Sex is a member's sex as recorded on the referral form.
type Sex string

// The values of Sex.
const (
	SexFemale Sex = "female"
	SexMale   Sex = "male"
	SexX      Sex = "x"
)

// Sexes lists every Sex.
var Sexes = []Sex{SexFemale, SexMale, SexX}

// ParseSex parses s, rejecting unknown values.
func ParseSex(s string) (Sex, error) { return parseEnum("sex", s, Sexes) }

// Valid reports whether s is a known value.
func (s Sex) Valid() bool { return slices.Contains(Sexes, s) }

// UnmarshalText parses s, rejecting unknown values.
func (s *Sex) UnmarshalText(b []byte) error { return unmarshalEnum(s, "sex", b, Sexes) }

// ThreatType is the kind of a threat event in a defender's profile.
type ThreatType string

// The threat types (DOMAIN.md §5).
const (
	ThreatCriminalisation    ThreatType = "criminalisation"
	ThreatJudicialHarassment ThreatType = "judicial_harassment"
	ThreatArbitraryDetention ThreatType = "arbitrary_detention"
	ThreatThreat             ThreatType = "threat"
	ThreatPhysicalAttack     ThreatType = "physical_attack"
	ThreatTorture            ThreatType = "torture"
	ThreatEnforcedDisappear  ThreatType = "enforced_disappearance"
	ThreatSurveillance       ThreatType = "surveillance"
	ThreatTransnational      ThreatType = "transnational_repression"
	ThreatSmearCampaign      ThreatType = "smear_campaign"
	ThreatAttackOnFamily     ThreatType = "attack_on_family"
	ThreatKillingOfAssociate ThreatType = "killing_of_associate"
)

// ThreatTypes lists every ThreatType.
var ThreatTypes = []ThreatType{ThreatCriminalisation, ThreatJudicialHarassment, ThreatArbitraryDetention, ThreatThreat, ThreatPhysicalAttack, ThreatTorture, ThreatEnforcedDisappear, ThreatSurveillance, ThreatTransnational, ThreatSmearCampaign, ThreatAttackOnFamily, ThreatKillingOfAssociate}

// ParseThreatType parses s, rejecting unknown values.
func ParseThreatType(s string) (ThreatType, error) { return parseEnum("threat type", s, ThreatTypes) }

// Valid reports whether t is a known value.
func (t ThreatType) Valid() bool { return slices.Contains(ThreatTypes, t) }

// UnmarshalText parses t, rejecting unknown values.
func (t *ThreatType) UnmarshalText(b []byte) error {
	return unmarshalEnum(t, "threat type", b, ThreatTypes)
}

// Perpetrator is who carried out a threat event.
type Perpetrator string

// The perpetrators.
const (
	PerpetratorState    Perpetrator = "state"
	PerpetratorNonState Perpetrator = "non_state"
	PerpetratorUnknown  Perpetrator = "unknown"
)

// Perpetrators lists every Perpetrator.
var Perpetrators = []Perpetrator{PerpetratorState, PerpetratorNonState, PerpetratorUnknown}

// ParsePerpetrator parses s, rejecting unknown values.
func ParsePerpetrator(s string) (Perpetrator, error) {
	return parseEnum("perpetrator", s, Perpetrators)
}

// Valid reports whether p is a known value.
func (p Perpetrator) Valid() bool { return slices.Contains(Perpetrators, p) }

// UnmarshalText parses p, rejecting unknown values.
func (p *Perpetrator) UnmarshalText(b []byte) error {
	return unmarshalEnum(p, "perpetrator", b, Perpetrators)
}

// WorkArea is an area of human rights work.
type WorkArea string

// The work areas.
const (
	WorkJournalism         WorkArea = "journalism"
	WorkWomensRights       WorkArea = "womens_rights"
	WorkLGBTIRights        WorkArea = "lgbti_rights"
	WorkIndigenousRights   WorkArea = "indigenous_rights"
	WorkLandEnvironment    WorkArea = "land_environment"
	WorkLabourRights       WorkArea = "labour_rights"
	WorkLegalDefence       WorkArea = "legal_defence"
	WorkAcademicFreedom    WorkArea = "academic_freedom"
	WorkHumanitarian       WorkArea = "humanitarian"
	WorkMinorityRights     WorkArea = "minority_rights"
	WorkAntiCorruption     WorkArea = "anti_corruption"
	WorkDemocracyElections WorkArea = "democracy_elections"
)

// WorkAreas lists every WorkArea.
var WorkAreas = []WorkArea{WorkJournalism, WorkWomensRights, WorkLGBTIRights, WorkIndigenousRights, WorkLandEnvironment, WorkLabourRights, WorkLegalDefence, WorkAcademicFreedom, WorkHumanitarian, WorkMinorityRights, WorkAntiCorruption, WorkDemocracyElections}

// ParseWorkArea parses s, rejecting unknown values.
func ParseWorkArea(s string) (WorkArea, error) { return parseEnum("work area", s, WorkAreas) }

// Valid reports whether w is a known value.
func (w WorkArea) Valid() bool { return slices.Contains(WorkAreas, w) }

// UnmarshalText parses w, rejecting unknown values.
func (w *WorkArea) UnmarshalText(b []byte) error { return unmarshalEnum(w, "work area", b, WorkAreas) }

// CheckKind is the kind of an admissibility check.
type CheckKind string

// The admissibility checks, one of each per accompanying member.
const (
	CheckMedical     CheckKind = "medical"
	CheckSecurity    CheckKind = "security"
	CheckCriminality CheckKind = "criminality"
)

// CheckKinds lists every CheckKind.
var CheckKinds = []CheckKind{CheckMedical, CheckSecurity, CheckCriminality}

// ParseCheckKind parses s, rejecting unknown values.
func ParseCheckKind(s string) (CheckKind, error) { return parseEnum("check kind", s, CheckKinds) }

// Valid reports whether k is a known value.
func (k CheckKind) Valid() bool { return slices.Contains(CheckKinds, k) }

// UnmarshalText parses k, rejecting unknown values.
func (k *CheckKind) UnmarshalText(b []byte) error {
	return unmarshalEnum(k, "check kind", b, CheckKinds)
}

// CheckResult is the outcome of an admissibility check.
type CheckResult string

// The check results.
const (
	// ResultPassed: nothing makes the member inadmissible on this ground.
	ResultPassed CheckResult = "passed"
	// ResultFailed: the member is inadmissible on this ground.
	ResultFailed CheckResult = "failed"
	// ResultOnHold: the check cannot conclude yet (for a medical, active TB or
	// untreated syphilis until treated).
	ResultOnHold CheckResult = "on_hold"
)

// CheckResults lists every CheckResult.
var CheckResults = []CheckResult{ResultPassed, ResultFailed, ResultOnHold}

// ParseCheckResult parses s, rejecting unknown values.
func ParseCheckResult(s string) (CheckResult, error) {
	return parseEnum("check result", s, CheckResults)
}

// Valid reports whether r is a known value.
func (r CheckResult) Valid() bool { return slices.Contains(CheckResults, r) }

// UnmarshalText parses r, rejecting unknown values.
func (r *CheckResult) UnmarshalText(b []byte) error {
	return unmarshalEnum(r, "check result", b, CheckResults)
}

// VisaKind is the document an approved case travels on.
type VisaKind string

// The visa kinds.
const (
	// VisaPermanentResident: a permanent resident visa; COPR signed at the port of entry.
	VisaPermanentResident VisaKind = "permanent_resident"
	// VisaTemporaryPermit: a temporary resident permit on the emergency track,
	// permanent residence finalised in Canada.
	VisaTemporaryPermit VisaKind = "temporary_resident_permit"
)

// VisaKinds lists every VisaKind.
var VisaKinds = []VisaKind{VisaPermanentResident, VisaTemporaryPermit}

// ParseVisaKind parses s, rejecting unknown values.
func ParseVisaKind(s string) (VisaKind, error) { return parseEnum("visa kind", s, VisaKinds) }

// Valid reports whether v is a known value.
func (v VisaKind) Valid() bool { return slices.Contains(VisaKinds, v) }

// UnmarshalText parses v, rejecting unknown values.
func (v *VisaKind) UnmarshalText(b []byte) error { return unmarshalEnum(v, "visa kind", b, VisaKinds) }
