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

// before returns the migrations before the one named name (its number
// left off), so that a test outlives a renumbering.
// rawExec runs a statement on the database under test, behind the store.
type rawExec func(q string, args ...any) error

// oldNotice writes a notification and its recipients as the schemas
// before a migration take them, in plain SQL: the store's own statement
// writes the columns that later migrations add.
func oldNotice(raw rawExec, n *store.NotificationRow, to []store.Recipient) error {
	due := ""
	if !n.Due.IsZero() {
		due = n.Due.String()
	}
	var caseID any
	if n.CaseID != "" {
		caseID = string(n.CaseID)
	}
	if err := raw(`INSERT INTO notifications (id, dedupe_key, kind, case_id, due_on, created_at) VALUES ($1, $2, $3, $4, $5, $6)`,
		string(n.ID), n.DedupeKey, string(n.Kind), caseID, due, store.FormatTime(n.CreatedAt)); err != nil {
		return err
	}
	for _, r := range to {
		if err := raw(`INSERT INTO notification_recipients (notification_id, org_id, role, user_id) VALUES ($1, $2, $3, $4)`,
			string(n.ID), string(r.OrgID), string(r.Role), string(r.UserID)); err != nil {
			return err
		}
	}
	return nil
}

func before(t *testing.T, ms []store.Migration, name string) []store.Migration {
	t.Helper()
	for i, m := range ms {
		if _, n, _ := strings.Cut(m.Name, "_"); n == name {
			return ms[:i]
		}
	}
	t.Fatalf("no migration %s", name)
	return nil
}

// TestTravelNoticesMigration writes notifications, with their recipients,
// read marks and mail, under the schema before the travel notices, migrates,
// and checks that every row and reference is whole, that the references
// still hold, and that the travel kinds (and no unknown kind) are taken. On
// SQLite the notifications table is rebuilt under foreign keys.
func TestTravelNoticesMigration(t *testing.T) {
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
		for _, m := range before(t, sqlite.Migrations(), "travel_notices") {
			exec(m.SQL)
			exec(`INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)`, m.Version, m.Name, store.FormatTime(time.Now()))
		}
		db, err := sqlite.Open(ctx, path)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		checkTravelNoticesMigration(t, db, func() error { _, err := db.Migrate(ctx); return err }, func() int {
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
		}, func(q string, args ...any) error { _, err := raw.ExecContext(ctx, q, args...); return err })
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
		for _, m := range before(t, postgres.Migrations(), "travel_notices") {
			exec(m.SQL)
			exec(`INSERT INTO schema_migrations (version, name) VALUES ($1, $2)`, m.Version, m.Name)
		}
		db, err := postgres.Open(ctx, u)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		checkTravelNoticesMigration(t, db, func() error { _, err := db.Migrate(ctx); return err }, func() int { return 0 },
			func(q string, args ...any) error { _, err := raw.Exec(ctx, q, args...); return err })
	})
}

// checkTravelNoticesMigration seeds s (at the schema before the travel
// notices) with a notification, its recipients, a read mark and a mail,
// runs migrate, and checks what is described above; orphans counts the
// broken references the engine knows of.
func checkTravelNoticesMigration(t *testing.T, s store.Store, migrate func() error, orphans func() int, raw rawExec) {
	ctx := context.Background()
	at := time.Date(2025, 3, 14, 9, 30, 0, 123456789, time.UTC)
	visa := &haven.Organisation{ID: "org_visa", Kind: haven.OrgVisaOffice, Name: "Visa office", Country: "KE", CreatedAt: at}
	officer := &haven.User{ID: "usr_1", OrgID: visa.ID, Role: haven.RoleCaseworker, Username: "officer", DisplayName: "Officer", CreatedAt: at}
	to := []store.Recipient{{OrgID: visa.ID, Role: haven.RoleCaseworker}, {UserID: officer.ID}}
	err := s.Update(ctx, func(tx store.Tx) error {
		if err := tx.CreateOrganisation(ctx, visa); err != nil {
			return err
		}
		return tx.CreateUser(ctx, officer)
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := oldNotice(raw, &store.NotificationRow{ID: "ntc_1", DedupeKey: "token_expiring:tok_1", Kind: haven.NoticeTokenExpiring,
		Due: haven.DateOf(at).AddDays(7), CreatedAt: at}, to); err != nil {
		t.Fatal(err)
	}
	err = s.Update(ctx, func(tx store.Tx) error {
		if err := tx.MarkNotificationRead(ctx, "ntc_1", officer.ID, at.Add(time.Hour)); err != nil {
			return err
		}
		_, err := tx.CreateMail(ctx, &store.MailRow{ID: "mail_1", UserID: officer.ID, NotificationID: "ntc_1", Lang: "fr", CreatedAt: at})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	// Before the migration, a travel kind is refused.
	if oldNotice(raw, &store.NotificationRow{ID: "ntc_early", DedupeKey: "travel_booked:ntc_early", Kind: haven.NoticeTravelBooked,
		Due: haven.DateOf(at).AddDays(30), CreatedAt: at}, to[:1]) == nil {
		t.Fatal("the schema before the migration took a travel notice: the test does not test the migration")
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
		f := store.NoticeFilter{UserID: officer.ID, OrgID: visa.ID, Role: haven.RoleCaseworker, Limit: 10}
		ns, err := tx.FindNotifications(ctx, f)
		if err != nil {
			return err
		}
		if len(ns) != 1 || ns[0].ID != "ntc_1" || ns[0].Kind != haven.NoticeTokenExpiring || ns[0].DedupeKey != "token_expiring:tok_1" ||
			ns[0].Due != haven.DateOf(at).AddDays(7) || !ns[0].CreatedAt.Equal(at) || !ns[0].ReadAt.Equal(at.Add(time.Hour)) {
			t.Errorf("notifications after the migration = %+v", ns)
		}
		rs, err := tx.FindRecipients(ctx, "ntc_1")
		if err != nil {
			return err
		}
		if len(rs) != 2 {
			t.Errorf("recipients after the migration = %+v", rs)
		}
		m, err := tx.FindMail(ctx, "mail_1", false)
		if err != nil {
			return err
		}
		if m.NotificationID != "ntc_1" || m.Lang != "fr" || m.State != store.MailPending {
			t.Errorf("mail after the migration = %+v", m)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	// After it, the travel kinds are taken, through the store.
	travel := func(id haven.ID, kind haven.NoticeKind) error {
		return s.Update(ctx, func(tx store.Tx) error {
			_, err := tx.CreateNotification(ctx, &store.NotificationRow{ID: id, DedupeKey: string(kind) + ":" + string(id), Kind: kind,
				Due: haven.DateOf(at).AddDays(30), CreatedAt: at}, to[:1])
			return err
		})
	}
	for i, k := range []haven.NoticeKind{haven.NoticeTravelBooked, haven.NoticeTravelChanged, haven.NoticePlacedTravelBooked} {
		if err := travel(haven.ID("ntc_t"+string(rune('0'+i))), k); err != nil {
			t.Errorf("%s after the migration: %v", k, err)
		}
	}
	if travel("ntc_bogus", "bogus_kind") == nil {
		t.Error("a notification of an unknown kind was stored")
	}
	// The references still hold: a mail of no notification is refused.
	err = s.Update(ctx, func(tx store.Tx) error {
		_, err := tx.CreateMail(ctx, &store.MailRow{ID: "mail_x", UserID: officer.ID, NotificationID: "ntc_none", Lang: "en", CreatedAt: at})
		return err
	})
	if err == nil {
		t.Error("a mail of no notification was stored")
	}
}
