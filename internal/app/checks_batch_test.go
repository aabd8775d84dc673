package app_test

import (
	"strings"
	"testing"

	"github.com/havenhrd/haven"
)

// recordedChecks counts the checks stored on the case, as the visa office
// sees them, and the allowed audit events of recorded checks.
func (e *env) recordedChecks(t *testing.T, id haven.ID) (checks, events int) {
	t.Helper()
	c := must[*haven.Case](t)(e.app.Cases.FindCaseByID(e.ctx, e.visa, id))
	for _, ev := range e.caseEvents(t, id, "case.record_check") {
		if ev.Decision == "allow" {
			events++
		}
	}
	return len(c.Checks), events
}

// familyChecks are passed checks of kinds for every member of c.
func (e *env) familyChecks(c *haven.Case, kinds ...haven.CheckKind) []*haven.Check {
	valid := haven.DateOf(e.clock.Now().AddDate(1, 0, 0))
	var out []*haven.Check
	for _, m := range c.Members {
		for _, k := range kinds {
			ch := &haven.Check{MemberID: m.ID, Kind: k, Result: haven.ResultPassed, Details: "Clear " + string(k)}
			if k == haven.CheckMedical {
				ch.ValidUntil = valid
			}
			out = append(out, ch)
		}
	}
	return out
}

// TestRecordChecksAllOrNothing: a family's checks are recorded in one
// transaction, each with its audit event; one invalid check, one the
// workflow refuses or one of a member not assigned to the partner, and
// nothing is recorded, with every invalid check reported at its place.
func TestRecordChecksAllOrNothing(t *testing.T) {
	forEngine(t, func(t *testing.T, e *env) {
		c := e.inAdmissibility(t, e.refer(t, referral("batch", 4, haven.PriorityNormal)))
		e.assignAll(t, c)

		t.Run("one invalid row stores nothing", func(t *testing.T) {
			checks := e.familyChecks(c, haven.CheckSecurity, haven.CheckCriminality)
			checks[3].Result = ""                           // second member's criminality
			checks[6].ConvictionPoliticallyMotivated = true // fourth member's security
			_, err := e.app.Cases.RecordChecks(e.ctx, e.screening, c.ID, checks)
			wantCode(t, err, haven.EINVALID)
			var fields []string
			for _, f := range haven.FieldsOf(err) {
				fields = append(fields, f.Field)
			}
			got := strings.Join(fields, " ")
			for _, want := range []string{"checks[3].result", "checks[6].conviction_politically_motivated"} {
				if !strings.Contains(got, want) {
					t.Errorf("fields %q lack %s", got, want)
				}
			}
			if n, ev := e.recordedChecks(t, c.ID); n != 0 || ev != 0 {
				t.Fatalf("after an invalid batch: %d checks, %d events stored, want none", n, ev)
			}
		})

		t.Run("a refused act stores nothing", func(t *testing.T) {
			// The medical partner may not record security checks: the
			// first three rows are its own kind, the last is refused.
			checks := e.familyChecks(c, haven.CheckMedical)
			checks = append(checks, &haven.Check{MemberID: c.Members[0].ID, Kind: haven.CheckSecurity, Result: haven.ResultPassed})
			_, err := e.app.Cases.RecordChecks(e.ctx, e.medical, c.ID, checks)
			if err == nil {
				t.Fatal("a batch with a refused check was recorded")
			}
			if n, ev := e.recordedChecks(t, c.ID); n != 0 || ev != 0 {
				t.Fatalf("after a refused batch: %d checks, %d events stored, want none", n, ev)
			}
		})

		t.Run("a whole family at once", func(t *testing.T) {
			got := must[*haven.Case](t)(e.app.Cases.RecordChecks(e.ctx, e.screening, c.ID, e.familyChecks(c, haven.CheckSecurity, haven.CheckCriminality)))
			if len(got.Checks) != 8 {
				t.Errorf("the screening partner sees %d checks, want 8", len(got.Checks))
			}
			must[*haven.Case](t)(e.app.Cases.RecordChecks(e.ctx, e.medical, c.ID, e.familyChecks(c, haven.CheckMedical)))
			if n, ev := e.recordedChecks(t, c.ID); n != 12 || ev != 12 {
				t.Fatalf("after two batches: %d checks, %d events, want 12 and 12", n, ev)
			}
			// Each event names its member and kind.
			seen := map[string]bool{}
			for _, ev := range e.caseEvents(t, c.ID, "case.record_check") {
				seen[ev.Detail] = true
			}
			for _, m := range c.Members {
				for _, k := range []string{"medical", "security", "criminality"} {
					found := false
					for d := range seen {
						found = found || strings.Contains(d, string(m.ID)) && strings.Contains(d, `"kind":"`+k+`"`)
					}
					if !found {
						t.Errorf("no audit event of the %s check of %s", k, m.ID)
					}
				}
			}
		})

		t.Run("a duplicate row is invalid", func(t *testing.T) {
			checks := e.familyChecks(c, haven.CheckMedical)
			checks = append(checks, checks[0])
			_, err := e.app.Cases.RecordChecks(e.ctx, e.medical, c.ID, checks)
			wantCode(t, err, haven.EINVALID)
		})
	})
}

// TestRecordChecksAssignedOnly: a partner records the checks of the
// members assigned to it alone; a batch naming another member is not
// found, as the member is, and records nothing.
func TestRecordChecksAssignedOnly(t *testing.T) {
	forEngine(t, func(t *testing.T, e *env) {
		c := e.inAdmissibility(t, e.refer(t, referral("assigned", 4, haven.PriorityNormal)))
		must[*haven.Case](t)(e.app.Cases.AssignChecks(e.ctx, e.visa, c.ID, e.orgs[haven.OrgMedicalPartner].ID,
			[]haven.ID{c.Members[0].ID, c.Members[1].ID}))
		work := must[[]*haven.Case](t)(e.app.Cases.FindAssignedWork(e.ctx, e.medical))
		if len(work) != 1 || len(work[0].Members) != 2 {
			t.Fatalf("assigned work = %d cases, want one with two members", len(work))
		}
		_, err := e.app.Cases.RecordChecks(e.ctx, e.medical, c.ID, e.familyChecks(c, haven.CheckMedical))
		wantCode(t, err, haven.ENOTFOUND)
		if n, ev := e.recordedChecks(t, c.ID); n != 0 || ev != 0 {
			t.Fatalf("after a batch with unassigned members: %d checks, %d events, want none", n, ev)
		}
		must[*haven.Case](t)(e.app.Cases.RecordChecks(e.ctx, e.medical, c.ID, e.familyChecks(work[0], haven.CheckMedical)))
		if n, ev := e.recordedChecks(t, c.ID); n != 2 || ev != 2 {
			t.Fatalf("after the assigned members' batch: %d checks, %d events, want 2 and 2", n, ev)
		}
	})
}
