package postgres_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/havenhrd/haven"
	"github.com/havenhrd/haven/internal/postgres"
	"github.com/havenhrd/haven/internal/store"
	"github.com/havenhrd/haven/internal/store/storetest"
	"github.com/havenhrd/haven/internal/testdb"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// needServer skips t unless PostgresEnv names a server. CI always sets it,
// and then an unreachable server fails the test.
func needServer(t *testing.T) {
	t.Helper()
	if os.Getenv(testdb.PostgresEnv) == "" {
		t.Skipf("%s is not set (CI always sets it)", testdb.PostgresEnv)
	}
}

func TestConformance(t *testing.T) {
	needServer(t)
	storetest.Run(t, func(tb testing.TB) store.Store { return testdb.OpenPostgres(tb) })
}

// TestSharedConformance runs the rules the store keeps across processes
// with four pools on one schema, as four Haven processes would have it.
func TestSharedConformance(t *testing.T) {
	needServer(t)
	storetest.RunShared(t, func(tb testing.TB, n int) []store.Store {
		ctx := context.Background()
		url := testdb.PostgresSchemaURL(tb)
		out := make([]store.Store, n)
		for i := range out {
			db, err := postgres.Open(ctx, url)
			if err != nil {
				tb.Fatal(err)
			}
			tb.Cleanup(func() { db.Close() })
			if _, err := db.Migrate(ctx); err != nil {
				tb.Fatal(err)
			}
			out[i] = db
		}
		return out
	})
}

func open(t *testing.T, url string) *postgres.DB {
	t.Helper()
	db, err := postgres.Open(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func TestReadyRefusesOutOfDateSchema(t *testing.T) {
	needServer(t)
	ctx := context.Background()
	db := open(t, testdb.PostgresSchemaURL(t))
	if err := db.Ready(ctx); haven.ErrorCodeOf(err) != haven.EUNAVAILABLE {
		t.Fatalf("Ready on an unmigrated database = %v, want EUNAVAILABLE", err)
	}
	if n, err := db.Migrate(ctx); err != nil || n != len(postgres.Migrations()) {
		t.Fatalf("Migrate = %d, %v", n, err)
	}
	if err := db.Ready(ctx); err != nil {
		t.Fatalf("Ready after Migrate: %v", err)
	}
	if n, err := db.Migrate(ctx); err != nil || n != 0 {
		t.Fatalf("second Migrate = %d, %v; want 0, nil", n, err)
	}
}

// TestMigrateConcurrently migrates one schema from several processes' worth
// of pools at once: each migration is applied exactly once.
func TestMigrateConcurrently(t *testing.T) {
	needServer(t)
	ctx := context.Background()
	url := testdb.PostgresSchemaURL(t)
	const n = 4
	var wg sync.WaitGroup
	applied := make([]int, n)
	errs := make([]error, n)
	for i := range n {
		db := open(t, url)
		wg.Add(1)
		go func() {
			defer wg.Done()
			applied[i], errs[i] = db.Migrate(ctx)
		}()
	}
	wg.Wait()
	total := 0
	for i := range n {
		if errs[i] != nil {
			t.Errorf("Migrate %d: %v", i, errs[i])
		}
		total += applied[i]
	}
	if total != len(postgres.Migrations()) {
		t.Fatalf("%d migrations applied in all, want %d", total, len(postgres.Migrations()))
	}
	if err := open(t, url).Ready(ctx); err != nil {
		t.Fatalf("Ready: %v", err)
	}
}

func TestOpenRejectsEmptyURL(t *testing.T) {
	if _, err := postgres.Open(context.Background(), ""); haven.ErrorCodeOf(err) != haven.EINVALID {
		t.Fatalf("Open(\"\") = %v", err)
	}
}

func TestOpenRejectsBadURLWithoutQuotingIt(t *testing.T) {
	_, err := postgres.Open(context.Background(), "postgres://haven:s3cret@[::1")
	if haven.ErrorCodeOf(err) != haven.EINVALID {
		t.Fatalf("Open(bad URL) = %v, want EINVALID", err)
	}
	if strings.Contains(err.Error(), "s3cret") {
		t.Fatalf("the error quotes the URL's password: %v", err)
	}
}

// seedCase stores an organisation and a case with one member whose optional
// sealed fields are empty.
func seedCase(t *testing.T, db *postgres.DB) *store.MemberRow {
	t.Helper()
	ctx := context.Background()
	t0 := time.Date(2025, 3, 14, 9, 30, 0, 123456789, time.UTC)
	m := &store.MemberRow{ID: "mem_1", CaseID: "case_1", Relationship: haven.RelPrincipal, Sex: haven.SexX,
		IdentityIndex: []byte("idx"), FamilyName: store.Sealed{1, 2}}
	err := db.Update(ctx, func(tx store.Tx) error {
		if err := tx.CreateOrganisation(ctx, &haven.Organisation{ID: "org_1", Kind: haven.OrgReferralPartner, Name: "UNHCR", CreatedAt: t0}); err != nil {
			return err
		}
		if err := tx.CreateCase(ctx, &store.CaseRow{ID: "case_1", UNHCRIndex: []byte("bidx-secret"), UNHCRNumber: store.Sealed{9},
			ReferringOrgID: "org_1", State: haven.StateReferred, SubmissionPriority: haven.PriorityNormal, ProcessingPriority: haven.PriorityNormal,
			PrimaryCategory: haven.CategoryLegalPhysicalProtection, AsylumCountry: "TR", DeclaredSize: 1, ReferredAt: t0, UpdatedAt: t0, Version: 1}); err != nil {
			return err
		}
		return tx.CreateMember(ctx, m)
	})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// TestSealedNilIsNull checks that an empty sealed field is stored as NULL,
// not as an empty bytea, and reads back as nil.
func TestSealedNilIsNull(t *testing.T) {
	needServer(t)
	ctx := context.Background()
	url := testdb.PostgresSchemaURL(t)
	db := open(t, url)
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	seedCase(t, db)
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	var familyNull, givenNull bool
	if err := conn.QueryRow(ctx, `SELECT family_name_enc IS NULL, given_names_enc IS NULL FROM members WHERE id = 'mem_1'`).
		Scan(&familyNull, &givenNull); err != nil {
		t.Fatal(err)
	}
	if familyNull || !givenNull {
		t.Fatalf("family_name_enc IS NULL = %v, given_names_enc IS NULL = %v; want false, true", familyNull, givenNull)
	}
	err = db.View(ctx, func(tx store.Tx) error {
		ms, err := tx.FindMembers(ctx, "case_1")
		if err != nil {
			return err
		}
		if len(ms) != 1 || ms[0].GivenNames != nil || !bytes.Equal(ms[0].FamilyName, []byte{1, 2}) {
			t.Errorf("members = %+v", ms)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestErrorsWithholdValues checks that a constraint error carries no value
// of the row it refused: PostgreSQL quotes the key in the error's detail.
func TestErrorsWithholdValues(t *testing.T) {
	needServer(t)
	ctx := context.Background()
	db := testdb.OpenPostgres(t)
	seedCase(t, db)
	// Two cases may share a UNHCR number's index; a case ID is unique.
	dup := &store.CaseRow{ID: "case_1", UNHCRIndex: []byte("bidx-secret"), UNHCRNumber: store.Sealed{9},
		ReferringOrgID: "org_1", State: haven.StateReferred, SubmissionPriority: haven.PriorityNormal, ProcessingPriority: haven.PriorityNormal,
		PrimaryCategory: haven.CategoryLegalPhysicalProtection, AsylumCountry: "TR", DeclaredSize: 1, Version: 1}
	orphan := *dup
	orphan.ID, orphan.UNHCRIndex, orphan.ReferringOrgID = "case_3", []byte("bidx-other"), "org_secret"
	for _, tc := range []struct {
		name   string
		c      *store.CaseRow
		code   haven.ErrorCode
		secret string
	}{
		{"duplicate", dup, haven.ECONFLICT, "case_1"},
		{"foreign key", &orphan, haven.EINVALID, "org_secret"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := db.Update(ctx, func(tx store.Tx) error { return tx.CreateCase(ctx, tc.c) })
			if haven.ErrorCodeOf(err) != tc.code {
				t.Fatalf("CreateCase = %v, want %s", err, tc.code)
			}
			var pe *pgconn.PgError
			if !errors.As(err, &pe) {
				t.Fatalf("no PostgreSQL error in %v", err)
			}
			if pe.Detail != "" || strings.Contains(err.Error(), tc.secret) || strings.Contains(err.Error(), "\\x") {
				t.Fatalf("the error quotes the row: %v (detail %q)", err, pe.Detail)
			}
		})
	}
}
