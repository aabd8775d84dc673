package app_test

import (
	"errors"
	"testing"
	"time"

	"github.com/havenhrd/haven"
	"github.com/havenhrd/haven/internal/app"
	"github.com/havenhrd/haven/internal/audit"
	"github.com/havenhrd/haven/internal/testdb"
)

func (e *env) vkey(t testing.TB) string {
	t.Helper()
	v, err := e.keys.AuditVerifierKey()
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// busyLog builds a log with acts of every kind, denials included.
func busyLog(t *testing.T, e *env) *haven.Case {
	t.Helper()
	c := e.admissible(t, e.refer(t, referral("Audit", 2, haven.PriorityUrgent)))
	must[*haven.Case](t)(e.app.Cases.Approve(e.ctx, e.visa, c.ID, app.ApproveInput{}))
	must[*haven.Case](t)(e.app.Cases.FindCaseByID(e.ctx, e.visa, c.ID))
	// A screening partner whose checks are done no longer reaches the case.
	_, err := e.app.Cases.FindCaseByID(e.ctx, e.screening, c.ID)
	wantCode(t, err, haven.ENOTFOUND)
	// The referring partner reads the case but may not decide on it.
	_, err = e.app.Cases.Refuse(e.ctx, e.unhcr, c.ID, "Not for the partner to decide.")
	wantCode(t, err, haven.EFORBIDDEN)
	_, err = e.app.Cases.FindCaseByID(e.ctx, e.unhcr, "case_doesnotexist")
	wantCode(t, err, haven.ENOTFOUND)
	return c
}

// TestAuditLogVerifiesAndDetectsTampering: the log built by real acts
// verifies; editing, deleting or reordering an event or a checkpoint in the
// database is found at the event where it happened.
func TestAuditLogVerifiesAndDetectsTampering(t *testing.T) {
	forEngine(t, func(t *testing.T, e *env) {
		busyLog(t, e)
		evs := e.auditEvents(t)
		var denials int
		for _, ev := range evs {
			if ev.Decision == "deny" {
				denials++
			}
		}
		if denials != 3 {
			t.Fatalf("%d denials in the log, want 3 (a read out of reach, a forbidden act, a probe for a missing case)", denials)
		}
		start := time.Now()
		rep, err := e.app.AuditLog.VerifyAudit(e.ctx, e.vkey(t))
		noErr(t, err)
		t.Logf("%s: verified %d events and %d checkpoints in %v", e.store.Engine(), rep.Events, rep.Checkpoints, time.Since(start))
		if rep.Events != int64(len(evs)) || rep.Checkpoints != len(evs) {
			t.Fatalf("report = %+v for %d events", rep, len(evs))
		}
		// With another installation's key, verification fails.
		_, err = e.app.AuditLog.VerifyAudit(e.ctx, newEnv(t, testdb.OpenSQLite(t)).vkey(t))
		var f *audit.Finding
		if !errors.As(err, &f) || f.Kind != audit.KindSignature {
			t.Fatalf("verify with another key: %v", err)
		}

		k := int64(len(evs) / 2)
		cases := []struct {
			name string
			sql  string
			args []any
			seq  int64
		}{
			{"edit an event", `UPDATE audit_outbox SET action = 'case.nothing_happened' WHERE seq = $1`, []any{k}, k},
			{"rewrite an event's detail", `UPDATE audit_outbox SET detail = '{}' WHERE seq = $1`, []any{k + 1}, k + 1},
			{"edit the actor", `UPDATE audit_outbox SET actor_id = 'usr_someone_else' WHERE seq = $1`, []any{int64(3)}, 3},
			{"turn a denial into an allowance", `UPDATE audit_outbox SET decision = 'allow' WHERE decision = 'deny' AND seq = $1`, []any{evs[len(evs)-1].Seq}, evs[len(evs)-1].Seq},
			{"delete an event", `DELETE FROM audit_outbox WHERE seq = $1`, []any{k}, k},
			{"edit a checkpoint", `UPDATE audit_checkpoints SET note = replace(note, 'haven audit log', 'haven audit lag') WHERE size = $1`, []any{k}, k},
			{"delete a checkpoint", `DELETE FROM audit_checkpoints WHERE size = $1`, []any{k}, k},
			{"edit a stored hash", `UPDATE audit_hashes SET hash = $2 WHERE idx = $1`, []any{int64(0), make([]byte, 32)}, 1},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				e := newEnv(t, testdb.Engines(t)[engineIndex(e)].Open(t))
				busyLog(t, e)
				testdb.Exec(t, e.store, tc.sql, tc.args...)
				_, err := e.app.AuditLog.VerifyAudit(e.ctx, e.vkey(t))
				var f *audit.Finding
				if !errors.As(err, &f) {
					t.Fatalf("tampering not detected: %v", err)
				}
				if f.Seq != tc.seq {
					t.Fatalf("detected at %d (%s: %s), want %d", f.Seq, f.Kind, f.Message, tc.seq)
				}
			})
		}
		// Reordering: swap two events' contents.
		t.Run("swap two events", func(t *testing.T) {
			e := newEnv(t, testdb.Engines(t)[engineIndex(e)].Open(t))
			busyLog(t, e)
			testdb.Exec(t, e.store, `UPDATE audit_outbox SET seq = -1 WHERE seq = $1`, k)
			testdb.Exec(t, e.store, `UPDATE audit_outbox SET seq = $1 WHERE seq = $2`, k, k+1)
			testdb.Exec(t, e.store, `UPDATE audit_outbox SET seq = $1 WHERE seq = -1`, k+1)
			_, err := e.app.AuditLog.VerifyAudit(e.ctx, e.vkey(t))
			var f *audit.Finding
			if !errors.As(err, &f) || f.Seq != k {
				t.Fatalf("swap detected as %v, want at %d", err, k)
			}
		})
	})
}

func engineIndex(e *env) int {
	if e.store.Engine() == "postgres" {
		return 1
	}
	return 0
}

// TestAuditProofAndScope: an inclusion proof checks with the public key
// alone; breach scoping lists what a user read or changed, with proofs.
func TestAuditProofAndScope(t *testing.T) {
	forEngine(t, func(t *testing.T, e *env) {
		c := busyLog(t, e)
		other := e.refer(t, referral("Untouched", 1, haven.PriorityNormal))
		evs := e.auditEvents(t)
		for _, seq := range []int64{1, evs[len(evs)/2].Seq, evs[len(evs)-1].Seq} {
			p := must[*audit.Proof](t)(e.app.AuditLog.ProveAudit(e.ctx, seq))
			b, err := p.MarshalJSON()
			noErr(t, err)
			var q audit.Proof
			noErr(t, q.UnmarshalJSON(b))
			if err := audit.CheckProof(&q, e.vkey(t)); err != nil {
				t.Fatalf("proof of %d does not check: %v", seq, err)
			}
		}
		_, err := e.app.AuditLog.ProveAudit(e.ctx, int64(len(evs)+5))
		wantCode(t, err, haven.ENOTFOUND)

		from, to := start.Add(-time.Hour), e.clock.Now().Add(time.Hour)
		scope := must[[]*app.ScopeEntry](t)(e.app.AuditLog.ScopeAudit(e.ctx, e.screening.UserID, from, to))
		got := map[haven.ID]bool{}
		for _, s := range scope {
			got[s.ID] = true
			if len(s.Proofs) != len(s.Events) || len(s.Events) == 0 {
				t.Fatalf("scope entry %+v lacks proofs", s)
			}
			for _, p := range s.Proofs {
				if err := audit.CheckProof(p, e.vkey(t)); err != nil {
					t.Fatalf("scope proof: %v", err)
				}
			}
		}
		// The screening partner recorded checks on both members of case c
		// (and was refused a read, which exposed nothing).
		if !got[c.ID] || !got[c.Members[0].ID] || !got[c.Members[1].ID] || got[other.ID] {
			t.Fatalf("scope of the screening partner = %v", got)
		}
		visaScope := must[[]*app.ScopeEntry](t)(e.app.AuditLog.ScopeAudit(e.ctx, e.visa.UserID, from, to))
		if len(visaScope) != 3 { // case c and its two members; the other case was never touched by the officer
			t.Fatalf("scope of the officer has %d entries", len(visaScope))
		}
		none := must[[]*app.ScopeEntry](t)(e.app.AuditLog.ScopeAudit(e.ctx, e.visa.UserID, to, to.Add(time.Hour)))
		if len(none) != 0 {
			t.Fatalf("an empty window has %d entries", len(none))
		}
	})
}
