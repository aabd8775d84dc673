package app_test

import (
	"fmt"
	"testing"

	"github.com/havenhrd/haven"
	"github.com/havenhrd/haven/internal/testdb"
)

// BenchmarkVerifyAudit verifies a log of 5,000 events written by real acts
// (each with its stored hashes and signed checkpoint) on SQLite: what
// `haven audit verify` costs.
func BenchmarkVerifyAudit(b *testing.B) {
	e := newEnv(b, testdb.OpenSQLite(b))
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
}

// BenchmarkAuditedAct is one audited act (an organisation created): the
// transaction, the event, its Merkle hashes and its signed checkpoint.
func BenchmarkAuditedAct(b *testing.B) {
	e := newEnv(b, testdb.OpenSQLite(b))
	b.ResetTimer()
	for i := range b.N {
		o := &haven.Organisation{Kind: haven.OrgSettlementOrganisation, Name: fmt.Sprintf("Org %d", i)}
		if err := e.app.Programme.CreateOrganisation(e.ctx, e.admin, o); err != nil {
			b.Fatal(err)
		}
	}
}
