package policy

import "github.com/havenhrd/haven"

// View says which parts of a case an organisation sees. A part outside the
// view is never decrypted: the app layer leaves it empty, so it cannot be
// serialised by mistake.
type View struct {
	// Identity: members' names and dates of birth.
	Identity bool
	// Contact: members' contact details and whereabouts.
	Contact bool
	// Narrative: the UNHCR case number, the persecution account, threat
	// events, Convention grounds, category justification and the
	// assessments' notes.
	Narrative bool
	// Work: the defender's areas of work and organisations.
	Work bool
	// ConfidentialNotes: what a member asked to keep from their family.
	ConfidentialNotes bool
	// CheckDetails: the text of checks (medical and screening details).
	CheckDetails bool
	// DecisionReasons: the written reasons of decisions, and case notes.
	DecisionReasons bool
	// Itinerary: the travel itinerary.
	Itinerary bool
	// Assessments and Decisions include those records at all.
	Assessments bool
	Decisions   bool
	// CheckKinds are the kinds of check included.
	CheckKinds []haven.CheckKind
}

// CaseView returns the view of a case for an organisation of kind that may
// reach it (the app layer decides who reaches which case).
//
//   - visa office and the referring partner: the whole case;
//   - settlement organisation: names, family composition, languages, work
//     areas, arrival; never the persecution account, threat events,
//     screening or medical details, or confidential notes (IRCC: trauma and
//     medical details protected "to the greatest extent possible");
//   - screening and medical partners: the identity fields their check needs
//     and the checks of their own kind;
//   - any other: nothing sealed.
func CaseView(kind haven.OrgKind) View {
	switch kind {
	case haven.OrgVisaOffice, haven.OrgReferralPartner, haven.OrgProtectionPartner:
		return View{Identity: true, Contact: true, Narrative: true, Work: true, ConfidentialNotes: true, CheckDetails: true,
			DecisionReasons: true, Itinerary: true, Assessments: true, Decisions: true, CheckKinds: haven.CheckKinds}
	case haven.OrgSettlementOrganisation:
		return View{Identity: true, Work: true}
	case haven.OrgMedicalPartner:
		return View{Identity: true, CheckKinds: []haven.CheckKind{haven.CheckMedical}}
	case haven.OrgScreeningPartner:
		return View{Identity: true, CheckKinds: []haven.CheckKind{haven.CheckSecurity, haven.CheckCriminality}}
	}
	return View{}
}
