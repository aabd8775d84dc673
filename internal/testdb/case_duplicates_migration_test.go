package testdb_test

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/havenhrd/haven"
	"github.com/havenhrd/haven/internal/postgres"
	"github.com/havenhrd/haven/internal/sqlite"
	"github.com/havenhrd/haven/internal/store"
	"github.com/havenhrd/haven/internal/testdb"
	"github.com/jackc/pgx/v5"
)

// caseDuplicatesMigration is the number of the migration that lets two
// cases share a UNHCR number's blind index.
const caseDuplicatesMigration = 9

// TestCaseDuplicatesMigration writes cases and the records that refer to
// them under the schema before the migration, migrates, and checks that
// every case and reference is whole, that the references still hold (an
// orphan is refused), and that a second case may now carry the same UNHCR
// number's index. On SQLite the cases table is rebuilt under foreign keys.
func TestCaseDuplicatesMigration(t *testing.T) {
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
		for _, m := range sqlite.Migrations()[:caseDuplicatesMigration-2] {
			exec(m.SQL)
			exec(`INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)`, m.Version, m.Name, store.FormatTime(time.Now()))
		}
		db, err := sqlite.Open(ctx, path)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		checkCaseDuplicatesMigration(t, db, func(c *store.CaseRow) { exec(oldCaseSQL, oldCaseArgs(c)...) }, func(m *store.MemberRow) {
			exec(`INSERT INTO members (id, case_id, ordinal, relationship, accompanying, sex, nationalities, languages, identity_bidx)
				VALUES (?, ?, ?, ?, 1, ?, '["IR"]', '["fa"]', ?)`, m.ID, m.CaseID, m.Ordinal, m.Relationship, m.Sex, m.IdentityIndex)
		}, func() error { _, err := db.Migrate(ctx); return err }, func() int {
			var n int
			rows, err := raw.QueryContext(ctx, `PRAGMA foreign_key_check`)
			if err != nil {
				t.Fatal(err)
			}
			defer rows.Close()
			for rows.Next() {
				n++
			}
			return n
		})
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
		for _, m := range postgres.Migrations()[:caseDuplicatesMigration-2] {
			exec(m.SQL)
			exec(`INSERT INTO schema_migrations (version, name) VALUES ($1, $2)`, m.Version, m.Name)
		}
		db, err := postgres.Open(ctx, u)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		checkCaseDuplicatesMigration(t, db, func(c *store.CaseRow) { exec(oldCaseSQL, oldCaseArgs(c)...) }, func(m *store.MemberRow) {
			exec(`INSERT INTO members (id, case_id, ordinal, relationship, accompanying, sex, nationalities, languages, identity_bidx)
				VALUES ($1, $2, $3, $4, true, $5, '["IR"]', '["fa"]', $6)`, m.ID, m.CaseID, m.Ordinal, m.Relationship, m.Sex, m.IdentityIndex)
		}, func() error { _, err := db.Migrate(ctx); return err }, func() int { return 0 })
	})
}

// checkCaseDuplicatesMigration seeds s (at the schema before migrations 8
// and 9) with two cases, their members (through addMember) and a decision,
// runs migrate, and checks what is described above; orphans counts the
// broken references the engine knows of.
func checkCaseDuplicatesMigration(t *testing.T, s store.Store, addCase func(*store.CaseRow), addMember func(*store.MemberRow), migrate func() error, orphans func() int) {
	ctx := context.Background()
	at := time.Date(2025, 3, 14, 9, 30, 0, 123456789, time.UTC)
	org := &haven.Organisation{ID: "org_unhcr", Kind: haven.OrgReferralPartner, Name: "UNHCR", Country: "CH", CreatedAt: at}
	visa := &haven.Organisation{ID: "org_visa", Kind: haven.OrgVisaOffice, Name: "Visa office", Country: "KE", CreatedAt: at}
	officer := &haven.User{ID: "usr_1", OrgID: visa.ID, Role: haven.RoleCaseworker, Username: "officer", DisplayName: "Officer", CreatedAt: at}
	kase := func(id haven.ID, bidx string) *store.CaseRow {
		return &store.CaseRow{ID: id, UNHCRIndex: []byte(bidx), UNHCRNumber: store.Sealed("sealed-" + id), ReferringOrgID: org.ID,
			State: haven.StateEligible, SubmissionPriority: haven.PriorityUrgent, ProcessingPriority: haven.PriorityNormal,
			PrimaryCategory: haven.CategoryLegalPhysicalProtection, PersecutionAccount: store.Sealed{7, 7},
			NationalityCountries: []string{"IR"}, AsylumCountry: "TR", DeclaredSize: 2, ReferredAt: at, UpdatedAt: at, Version: 3}
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
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range []haven.ID{"case_a", "case_b"} {
		addCase(kase(id, "bidx-"+string(id)))
	}
	for _, id := range []haven.ID{"case_a", "case_b"} {
		for i := range 2 {
			addMember(&store.MemberRow{ID: id + haven.ID([]byte{'_', 'm', byte('0' + i)}), CaseID: id, Ordinal: i,
				Relationship: haven.RelPrincipal, Sex: haven.SexFemale, IdentityIndex: []byte(string(id) + string(rune('0'+i)))})
		}
	}
	err = s.Update(ctx, func(tx store.Tx) error {
		return tx.CreateDecision(ctx, &store.DecisionRow{ID: "dec_1", CaseID: "case_a", Kind: haven.DecisionRefused,
			DecidedBy: officer.ID, DecidedAt: at})
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := migrate(); err != nil {
		t.Fatal(err)
	}
	if err := s.Ready(ctx); err != nil {
		t.Fatal(err)
	}
	if n := orphans(); n != 0 {
		t.Fatalf("%d broken references after the migration", n)
	}
	err = s.View(ctx, func(tx store.Tx) error {
		for _, id := range []haven.ID{"case_a", "case_b"} {
			c, err := tx.FindCaseByID(ctx, id, false)
			if err != nil {
				return err
			}
			w := kase(id, "bidx-"+string(id))
			if string(c.UNHCRIndex) != string(w.UNHCRIndex) || string(c.UNHCRNumber) != string(w.UNHCRNumber) || c.State != w.State ||
				c.ProcessingPriority != w.ProcessingPriority || c.Version != 3 || !c.ReferredAt.Equal(at) || string(c.PersecutionAccount) != "\a\a" {
				t.Errorf("%s after the migration = %+v", id, c)
			}
			// Cases referred before references take theirs from their ID.
			if want := "HRD-2025-" + strings.ToUpper(strings.TrimPrefix(string(id), "case_")); c.Reference != want {
				t.Errorf("%s: reference %q, want %q", id, c.Reference, want)
			}
			ms, err := tx.FindMembers(ctx, id)
			if err != nil {
				return err
			}
			if len(ms) != 2 || ms[0].AdultDependent != nil {
				t.Errorf("%s: members = %+v", id, ms)
			}
		}
		ds, err := tx.FindDecisions(ctx, "case_a")
		if err != nil {
			return err
		}
		if len(ds) != 1 {
			t.Errorf("decisions = %+v", ds)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	// The references still hold: a member of no case is refused.
	err = s.Update(ctx, func(tx store.Tx) error {
		return tx.CreateMember(ctx, &store.MemberRow{ID: "m_x", CaseID: "case_x", Relationship: haven.RelPrincipal, Sex: haven.SexFemale, IdentityIndex: []byte("x")})
	})
	if err == nil {
		t.Error("a member of no case was stored")
	}
	// Two cases may now share a UNHCR number's index.
	err = s.Update(ctx, func(tx store.Tx) error { return tx.CreateCase(ctx, kase("case_c", "bidx-case_a")) })
	if err != nil {
		t.Fatalf("a second case with the same UNHCR index: %v", err)
	}
}
