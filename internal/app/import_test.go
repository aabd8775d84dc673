package app_test

import (
	"strings"
	"testing"

	"github.com/havenhrd/haven"
)

// TestImportReferralsAllOrNothing: a file with one bad line imports
// nothing and names each bad line; a good file imports every line.
func TestImportReferralsAllOrNothing(t *testing.T) {
	forEngine(t, func(t *testing.T, e *env) {
		bad := []*haven.Case{referral("ImpA", 2, haven.PriorityNormal), referral("ImpB", 1, haven.PriorityUrgent), referral("ImpC", 3, haven.PriorityNormal)}
		bad[1].DeclaredSize = 4                 // line 2: the size does not match
		bad[2].UNHCRNumber = bad[0].UNHCRNumber // line 3: the same number as line 1
		bad[2].Members[1] = bad[0].Members[1]   // and the same person
		cases0, events0 := countRows(t, e)
		err := e.app.Cases.ImportReferrals(e.ctx, e.unhcr, bad)
		wantCode(t, err, haven.EINVALID)
		var lines []string
		for _, f := range haven.FieldsOf(err) {
			lines = append(lines, f.Field)
		}
		got := strings.Join(lines, " ")
		for _, want := range []string{"line 2: declared_size", "line 3: unhcr_number", "line 3: members[1]"} {
			if !strings.Contains(got, want) {
				t.Fatalf("problems %q lack %q", got, want)
			}
		}
		if strings.Contains(got, "line 1:") {
			t.Fatalf("a good line was reported: %q", got)
		}
		if cases1, events1 := countRows(t, e); cases1 != cases0 || events1 != events0 {
			t.Fatalf("a refused import wrote %d cases and %d events", cases1-cases0, events1-events0)
		}
		good := []*haven.Case{referral("ImpD", 2, haven.PriorityNormal), referral("ImpE", 1, haven.PriorityEmergency)}
		noErr(t, e.app.Cases.ImportReferrals(e.ctx, e.unhcr, good))
		if cases1, _ := countRows(t, e); cases1 != cases0+2 || good[0].ID == "" || good[1].State != haven.StateReferred {
			t.Fatalf("import: %d cases, %+v", cases1-cases0, good[1])
		}
		wantCode(t, e.app.Cases.ImportReferrals(e.ctx, e.unhcr, nil), haven.EINVALID)
		wantCode(t, e.app.Cases.ImportReferrals(e.ctx, e.visa, []*haven.Case{referral("ImpF", 1, haven.PriorityNormal)}), haven.EFORBIDDEN)
	})
}

// TestAssignedWork: a check partner's list holds the cases with members
// assigned to it, showing only those members and its own kind of check.
func TestAssignedWork(t *testing.T) {
	forEngine(t, func(t *testing.T, e *env) {
		m := must[*haven.Case](t)
		c := e.refer(t, referral("Work", 2, haven.PriorityNormal))
		e.refer(t, referral("NotAssigned", 1, haven.PriorityNormal))
		c = m(e.app.Cases.OpenFile(e.ctx, e.visa, c.ID))
		c = m(e.app.Cases.StartEligibility(e.ctx, e.visa, c.ID))
		c = m(e.app.Cases.RecordAssessment(e.ctx, e.visa, c.ID, &haven.EligibilityAssessment{OutsideCountry: true, WellFoundedFear: true,
			NoInternalFlight: true, NoDurableSolution: true, Grounds: []haven.Ground{haven.GroundPoliticalOpinion}}))
		c = m(e.app.Cases.StartAdmissibility(e.ctx, e.visa, c.ID))
		m(e.app.Cases.AssignChecks(e.ctx, e.visa, c.ID, e.orgs[haven.OrgMedicalPartner].ID, []haven.ID{c.Members[1].ID}))
		work := must[[]*haven.Case](t)(e.app.Cases.FindAssignedWork(e.ctx, e.medical))
		if len(work) != 1 || work[0].ID != c.ID || len(work[0].Members) != 1 || work[0].Members[0].ID != c.Members[1].ID ||
			work[0].Members[0].FamilyName == "" || work[0].PersecutionAccount != "" {
			t.Fatalf("medical partner's work = %+v", work)
		}
		if none := must[[]*haven.Case](t)(e.app.Cases.FindAssignedWork(e.ctx, e.screening)); len(none) != 0 {
			t.Fatalf("screening partner's work = %d cases", len(none))
		}
		_, err := e.app.Cases.FindAssignedWork(e.ctx, e.settlement)
		wantCode(t, err, haven.EFORBIDDEN)
	})
}
