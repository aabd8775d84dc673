package app_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/havenhrd/haven"
	"github.com/havenhrd/haven/internal/testdb"
)

// forEngineBench runs fn as one sub-benchmark per engine: SQLite and, when
// HAVEN_TEST_POSTGRES_URL is set, PostgreSQL.
func forEngineBench(b *testing.B, fn func(b *testing.B, e *env)) {
	for _, eng := range testdb.Engines(b) {
		b.Run(eng.Name, func(b *testing.B) { fn(b, newEnv(b, eng.Open(b))) })
	}
}

// BenchmarkVerifyAudit verifies a log of 5,000 events written by real acts
// (each with its stored hashes and signed checkpoint) on each engine: what
// `haven audit verify` costs.
func BenchmarkVerifyAudit(b *testing.B) {
	forEngineBench(b, func(b *testing.B, e *env) {
		for i := len(e.auditEvents(b)); i < 5000; i++ {
			o := &haven.Organisation{Kind: haven.OrgSettlementOrganisation, Name: fmt.Sprintf("Settlement organisation %d", i)}
			if err := e.app.Programme.CreateOrganisation(e.ctx, e.admin, o); err != nil {
				b.Fatal(err)
			}
		}
		vkey := e.vkey(b)
		b.ResetTimer()
		for range b.N {
			rep, err := e.app.AuditLog.VerifyAudit(e.ctx, vkey)
			if err != nil || rep.Events < 5000 {
				b.Fatalf("%+v %v", rep, err)
			}
		}
		b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N)/5000, "µs/event")
	})
}

// BenchmarkAuditedAct is one audited act (an organisation created) on each
// engine: the transaction, the event, its Merkle hashes and its signed
// checkpoint.
func BenchmarkAuditedAct(b *testing.B) {
	forEngineBench(b, func(b *testing.B, e *env) {
		b.ResetTimer()
		for i := range b.N {
			o := &haven.Organisation{Kind: haven.OrgSettlementOrganisation, Name: fmt.Sprintf("Org %d", i)}
			if err := e.app.Programme.CreateOrganisation(e.ctx, e.admin, o); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkCaseView is the visa office reading an admissible case of four
// (members, assessment, checks) on each engine: the store reads, the
// decryption of its sealed fields and the view the policies allow.
func BenchmarkCaseView(b *testing.B) {
	forEngineBench(b, func(b *testing.B, e *env) {
		c := e.admissible(b, e.refer(b, referral("Bench", 4, haven.PriorityNormal)))
		b.ResetTimer()
		for range b.N {
			got, err := e.app.Cases.FindCaseByID(e.ctx, e.visa, c.ID)
			if err != nil || len(got.Members) != 4 {
				b.Fatalf("%v", err)
			}
		}
	})
}

// BenchmarkAuthenticateToken is one API request's token check on each
// engine, the token used once a second: what every API request pays before
// its handler runs.
func BenchmarkAuthenticateToken(b *testing.B) {
	forEngineBench(b, func(b *testing.B, e *env) {
		tok, _, err := e.app.Accounts.CreateAPIToken(e.ctx, e.admin, e.unhcr.UserID, "proGres", 30*24*time.Hour)
		if err != nil {
			b.Fatal(err)
		}
		b.ResetTimer()
		for range b.N {
			e.clock.Add(time.Second)
			if _, err := e.app.Accounts.AuthenticateToken(e.ctx, tok); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkAuthenticate is one page request's session check on each
// engine, the session used once a second.
func BenchmarkAuthenticate(b *testing.B) {
	forEngineBench(b, func(b *testing.B, e *env) {
		withSignIn(b, e)
		_, enrolment := e.newUser(b, "bench")
		secret, _ := e.enrolTOTP(b, enrolment)
		s := e.signInTOTP(b, "bench", secret, "a")
		b.ResetTimer()
		for i := range b.N {
			e.clock.Add(time.Second)
			if i%1800 == 1799 {
				// A fresh session every half hour keeps within the
				// absolute limit; its sign-in is not timed.
				b.StopTimer()
				s = e.signInTOTP(b, "bench", secret, "a")
				b.StartTimer()
			}
			if _, err := e.app.Accounts.Authenticate(e.ctx, s.Token); err != nil {
				b.Fatal(err)
			}
		}
	})
}
