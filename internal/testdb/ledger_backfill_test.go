package testdb_test

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/havenhrd/haven"
	"github.com/havenhrd/haven/internal/postgres"
	"github.com/havenhrd/haven/internal/sqlite"
	"github.com/havenhrd/haven/internal/store"
	"github.com/havenhrd/haven/internal/testdb"
	"github.com/jackc/pgx/v5"
)

// ledgerMonthsMigration is the number of the migration that dates each
// seat's moves; the ones before it know only updated_at.
const ledgerMonthsMigration = 6

// TestLedgerMonthsBackfill writes ledger rows as the schema before the
// migration had them, migrates, and checks when each seat is said to have
// been reserved, arrived and released.
func TestLedgerMonthsBackfill(t *testing.T) {
	ctx := context.Background()
	t.Run("sqlite", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "old.db")
		raw, err := sql.Open("sqlite", "file:"+path+"?_pragma=foreign_keys(1)")
		if err != nil {
			t.Fatal(err)
		}
		defer raw.Close()
		exec := func(q string, args ...any) {
			t.Helper()
			if _, err := raw.ExecContext(ctx, q, args...); err != nil {
				t.Fatalf("%v\n%s", err, q)
			}
		}
		exec(`CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL) STRICT`)
		for _, m := range sqlite.Migrations()[:ledgerMonthsMigration-1] {
			exec(m.SQL)
			exec(`INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)`, m.Version, m.Name, store.FormatTime(time.Now()))
		}
		db, err := sqlite.Open(ctx, path)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		checkBackfill(t, db, func(c *store.CaseRow) { exec(oldCaseSQL, oldCaseArgs(c)...) }, func(m *store.MemberRow) {
			exec(`INSERT INTO members (id, case_id, ordinal, relationship, accompanying, sex, nationalities, languages, identity_bidx)
				VALUES (?, ?, ?, ?, 1, ?, '["IR"]', '["fa"]', ?)`, m.ID, m.CaseID, m.Ordinal, m.Relationship, m.Sex, m.IdentityIndex)
		}, func(member, caseID haven.ID, status string, at time.Time) {
			exec(`INSERT INTO ledger_entries (member_id, case_id, year, org_id, status, updated_at) VALUES (?, ?, 2025, 'org_unhcr', ?, ?)`,
				member, caseID, status, store.FormatTime(at))
		}, func(reserved, arrived int) {
			exec(`UPDATE ledger_years SET reserved = ?, arrived = ? WHERE year = 2025`, reserved, arrived)
		}, func() error { _, err := db.Migrate(ctx); return err })
	})
	if os.Getenv(testdb.PostgresEnv) == "" {
		return
	}
	t.Run("postgres", func(t *testing.T) {
		u := testdb.PostgresSchemaURL(t)
		raw, err := pgx.Connect(ctx, u)
		if err != nil {
			t.Fatal(err)
		}
		defer raw.Close(ctx)
		exec := func(q string, args ...any) {
			t.Helper()
			if _, err := raw.Exec(ctx, q, args...); err != nil {
				t.Fatalf("%v\n%s", err, q)
			}
		}
		exec(`CREATE TABLE schema_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`)
		for _, m := range postgres.Migrations()[:ledgerMonthsMigration-1] {
			exec(m.SQL)
			exec(`INSERT INTO schema_migrations (version, name) VALUES ($1, $2)`, m.Version, m.Name)
		}
		db, err := postgres.Open(ctx, u)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		checkBackfill(t, db, func(c *store.CaseRow) { exec(oldCaseSQL, oldCaseArgs(c)...) }, func(m *store.MemberRow) {
			exec(`INSERT INTO members (id, case_id, ordinal, relationship, accompanying, sex, nationalities, languages, identity_bidx)
				VALUES ($1, $2, $3, $4, true, $5, '["IR"]', '["fa"]', $6)`, m.ID, m.CaseID, m.Ordinal, m.Relationship, m.Sex, m.IdentityIndex)
		}, func(member, caseID haven.ID, status string, at time.Time) {
			exec(`INSERT INTO ledger_entries (member_id, case_id, year, org_id, status, updated_at) VALUES ($1, $2, 2025, 'org_unhcr', $3, $4)`,
				member, caseID, status, store.FormatTime(at))
		}, func(reserved, arrived int) {
			exec(`UPDATE ledger_years SET reserved = $1, arrived = $2 WHERE year = 2025`, reserved, arrived)
		}, func() error { _, err := db.Migrate(ctx); return err })
	})
}

// checkBackfill seeds s (at the schema before the migration) through the
// store, its members with addMember (the members table has grown since),
// writes old ledger rows with insert and their year's counters with counts,
// runs migrate and checks the rows' times and the months they make.
func checkBackfill(t *testing.T, s store.Store, addCase func(*store.CaseRow), addMember func(*store.MemberRow), insert func(member, caseID haven.ID, status string, at time.Time),
	counts func(reserved, arrived int), migrate func() error) {
	ctx := context.Background()
	day := func(m time.Month, d int) time.Time { return time.Date(2025, m, d, 10, 0, 0, 0, time.UTC) }
	org := &haven.Organisation{ID: "org_unhcr", Kind: haven.OrgReferralPartner, Name: "UNHCR", Country: "CH", CreatedAt: day(1, 1)}
	visa := &haven.Organisation{ID: "org_visa", Kind: haven.OrgVisaOffice, Name: "Visa office", Country: "KE", CreatedAt: day(1, 1)}
	officer := &haven.User{ID: "usr_1", OrgID: visa.ID, Role: haven.RoleCaseworker, Username: "officer", DisplayName: "Officer", CreatedAt: day(1, 1)}
	kase := func(id haven.ID) *store.CaseRow {
		return &store.CaseRow{ID: id, UNHCRIndex: []byte("bidx-" + id), UNHCRNumber: store.Sealed("sealed"), ReferringOrgID: org.ID,
			State: haven.StateApproved, SubmissionPriority: haven.PriorityNormal, ProcessingPriority: haven.PriorityNormal,
			PrimaryCategory: haven.CategoryLegalPhysicalProtection, NationalityCountries: []string{"IR"}, AsylumCountry: "TR",
			DeclaredSize: 2, ReferredAt: day(1, 2), UpdatedAt: day(1, 2), Version: 1}
	}
	member := func(caseID haven.ID, i int) *store.MemberRow {
		return &store.MemberRow{ID: caseID + haven.ID([]byte{'_', 'm', byte('0' + i)}), CaseID: caseID, Ordinal: i,
			Relationship: haven.RelPrincipal, Accompanying: true, Sex: haven.SexFemale, Nationalities: []string{"IR"},
			Languages: []string{"fa"}, IdentityIndex: []byte(string(caseID) + string(rune('0'+i)))}
	}
	approval := func(id, caseID haven.ID, year int, at time.Time) *store.DecisionRow {
		return &store.DecisionRow{ID: id, CaseID: caseID, Kind: haven.DecisionApproved, VisaKind: haven.VisaPermanentResident,
			AdmissionYear: year, DecidedBy: officer.ID, DecidedAt: at}
	}
	err := s.Update(ctx, func(tx store.Tx) error {
		for _, o := range []*haven.Organisation{org, visa} {
			if err := tx.CreateOrganisation(ctx, o); err != nil {
				return err
			}
		}
		if err := tx.CreateUser(ctx, officer); err != nil {
			return err
		}
		if err := tx.SetCap(ctx, 2025, 100, nil); err != nil {
			return err
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range []haven.ID{"case_a", "case_b", "case_c"} {
		addCase(kase(id))
	}
	err = s.Update(ctx, func(tx store.Tx) error {
		// a was approved twice before its seats moved (the latest counts),
		// once for another year, and once after they moved (too late to
		// have reserved them).
		for _, d := range []*store.DecisionRow{approval("dec_1", "case_a", 2025, day(2, 3)), approval("dec_2", "case_a", 2025, day(2, 20)),
			approval("dec_3", "case_a", 2026, day(2, 25)), approval("dec_4", "case_a", 2025, day(6, 1))} {
			if err := tx.CreateDecision(ctx, d); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range []haven.ID{"case_a", "case_b", "case_c"} {
		for i := range 2 {
			addMember(member(id, i))
		}
	}
	insert("case_a_m0", "case_a", "arrived", day(4, 7))
	insert("case_a_m1", "case_a", "released", day(3, 9))
	insert("case_b_m0", "case_b", "reserved", day(5, 11)) // exact: the reservation was its last move
	insert("case_c_m0", "case_c", "arrived", day(7, 15))  // no approval on record: its one move
	counts(1, 2)
	if err := migrate(); err != nil {
		t.Fatal(err)
	}
	if err := s.Ready(ctx); err != nil {
		t.Fatal(err)
	}
	type times struct{ reserved, arrived, released time.Time }
	want := map[haven.ID]times{
		"case_a_m0": {reserved: day(2, 20), arrived: day(4, 7)},
		"case_a_m1": {reserved: day(2, 20), released: day(3, 9)},
		"case_b_m0": {reserved: day(5, 11)},
		"case_c_m0": {reserved: day(7, 15), arrived: day(7, 15)},
	}
	var months []haven.MonthFigures
	err = s.View(ctx, func(tx store.Tx) error {
		for _, id := range []haven.ID{"case_a", "case_b", "case_c"} {
			es, err := tx.FindLedgerEntries(ctx, id)
			if err != nil {
				return err
			}
			for _, e := range es {
				w := want[e.MemberID]
				if !e.ReservedAt.Equal(w.reserved) || !e.ArrivedAt.Equal(w.arrived) || !e.ReleasedAt.Equal(w.released) {
					t.Errorf("%s: reserved %v, arrived %v, released %v; want %+v", e.MemberID, e.ReservedAt, e.ArrivedAt, e.ReleasedAt, w)
				}
				delete(want, e.MemberID)
			}
		}
		var err error
		months, err = tx.LedgerMonths(ctx, 2025, "")
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(want) != 0 {
		t.Errorf("entries missing after the migration: %v", want)
	}
	if m := months[2]; m.ReservedIn != 2 || m.Reserved != 2 {
		t.Errorf("February = %+v, want a's two seats reserved", m)
	}
	if m := months[7]; m.ReservedIn != 1 || m.ArrivedIn != 1 || m.Reserved != 1 || m.Arrived != 2 {
		t.Errorf("July = %+v", m)
	}
	// The constraints hold from now on: an arrived seat has its arrival time.
	err = s.Update(ctx, func(tx store.Tx) error { return tx.ConfirmArrival(ctx, "case_b", day(8, 1)) })
	if err != nil {
		t.Fatal(err)
	}
}
