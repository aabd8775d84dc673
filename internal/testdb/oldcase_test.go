package testdb_test

import (
	"encoding/json"

	"github.com/havenhrd/haven/internal/store"
)

// oldCaseSQL inserts a case with the columns of the first schema. A
// migration test writes its rows as they were before the migrations it
// tests, with its own connection: the store writes today's columns.
const oldCaseSQL = `INSERT INTO cases (id, unhcr_bidx, unhcr_enc, referring_org_id, nomination_id, state, resume_state,
	submission_priority, processing_priority, primary_category, secondary_category, justification_enc, grounds_enc, work_enc, threats_enc,
	persecution_enc, nationality_countries, asylum_country, declared_size, visa_kind, admission_year, settlement_org_id, referred_at, updated_at, version)
	VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24, $25)`

// oldCaseArgs are oldCaseSQL's arguments for c.
func oldCaseArgs(c *store.CaseRow) []any {
	countries, _ := json.Marshal(c.NationalityCountries)
	if c.NationalityCountries == nil {
		countries = []byte("[]")
	}
	null := func(s string) any {
		if s == "" {
			return nil
		}
		return s
	}
	return []any{string(c.ID), c.UNHCRIndex, []byte(c.UNHCRNumber), string(c.ReferringOrgID), null(string(c.NominationID)), string(c.State), string(c.ResumeState),
		string(c.SubmissionPriority), string(c.ProcessingPriority), string(c.PrimaryCategory), string(c.SecondaryCategory), []byte(c.CategoryJustification),
		[]byte(c.Grounds), []byte(c.Work), []byte(c.Threats), []byte(c.PersecutionAccount), string(countries), c.AsylumCountry, c.DeclaredSize,
		string(c.VisaKind), c.AdmissionYear, null(string(c.SettlementOrgID)), store.FormatTime(c.ReferredAt), store.FormatTime(c.UpdatedAt), c.Version}
}
