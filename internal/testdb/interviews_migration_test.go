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

// interviewsMigration is the number of the migration that adds the
// interviews and the notification kind that tells of them.
const interviewsMigration = 18

// TestInterviewsMigration writes notifications, their recipients, a read
// and a mail under the schema before the migration, migrates, and checks
// that every one is whole and its references hold, that a notice of the
// new kind is taken, and that an unknown kind is still refused. On SQLite
// the notifications table is rebuilt under foreign keys.
func TestInterviewsMigration(t *testing.T) {
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
		for _, m := range sqlite.Migrations()[:interviewsMigration-1] {
			exec(m.SQL)
			exec(`INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)`, m.Version, m.Name, store.FormatTime(time.Now()))
		}
		db, err := sqlite.Open(ctx, path)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		checkInterviewsMigration(t, db, func() error { _, err := db.Migrate(ctx); return err }, func() int {
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
		for _, m := range postgres.Migrations()[:interviewsMigration-1] {
			exec(m.SQL)
			exec(`INSERT INTO schema_migrations (version, name) VALUES ($1, $2)`, m.Version, m.Name)
		}
		db, err := postgres.Open(ctx, u)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		checkInterviewsMigration(t, db, func() error { _, err := db.Migrate(ctx); return err }, func() int { return 0 },
			func(q string, args ...any) error { _, err := raw.Exec(ctx, q, args...); return err })
	})
}

// checkInterviewsMigration seeds s (at the schema before the migration)
// with an organisation, a user, two notifications to them, a read and a
// mail, runs migrate, and checks what is described above; orphans counts
// the broken references the engine knows of.
func checkInterviewsMigration(t *testing.T, s store.Store, migrate func() error, orphans func() int, raw rawExec) {
	ctx := context.Background()
	at := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	org := &haven.Organisation{ID: "org_unhcr", Kind: haven.OrgReferralPartner, Name: "UNHCR", Country: "CH", CreatedAt: at}
	user := &haven.User{ID: "usr_1", OrgID: org.ID, Role: haven.RoleCaseworker, Username: "worker", DisplayName: "Worker", CreatedAt: at}
	to := []store.Recipient{{OrgID: org.ID}, {UserID: user.ID}}
	err := s.Update(ctx, func(tx store.Tx) error {
		if err := tx.CreateOrganisation(ctx, org); err != nil {
			return err
		}
		return tx.CreateUser(ctx, user)
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range []*store.NotificationRow{
		{ID: "ntc_1", DedupeKey: "token_expiring:tok_1", Kind: haven.NoticeTokenExpiring, CreatedAt: at},
		{ID: "ntc_2", DedupeKey: "enrolment_expiring:enr_1", Kind: haven.NoticeEnrolmentExpiring, CreatedAt: at.Add(time.Minute)},
	} {
		if err := oldNotice(raw, n, to); err != nil {
			t.Fatal(err)
		}
	}
	err = s.Update(ctx, func(tx store.Tx) error {
		if err := tx.MarkNotificationRead(ctx, "ntc_1", user.ID, at.Add(time.Hour)); err != nil {
			return err
		}
		_, err := tx.CreateMail(ctx, &store.MailRow{ID: "mail_1", UserID: user.ID, NotificationID: "ntc_2", Lang: "fr", CreatedAt: at})
		return err
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
		ns, err := tx.FindNotifications(ctx, store.NoticeFilter{UserID: user.ID, OrgID: org.ID, Role: user.Role, Limit: 10})
		if err != nil {
			return err
		}
		if len(ns) != 2 || ns[0].ID != "ntc_2" || ns[1].ID != "ntc_1" || ns[1].ReadAt.IsZero() || !ns[1].ReadAt.Equal(at.Add(time.Hour)) {
			t.Errorf("notifications after the migration = %+v", ns)
		}
		rs, err := tx.FindRecipients(ctx, "ntc_2")
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
		if m.NotificationID != "ntc_2" || m.Lang != "fr" || m.State != store.MailPending {
			t.Errorf("mail after the migration = %+v", m)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	err = s.Update(ctx, func(tx store.Tx) error {
		_, err := tx.CreateNotification(ctx, &store.NotificationRow{ID: "ntc_3", DedupeKey: "interview:case_1:x", Kind: haven.NoticeInterview,
			CreatedAt: at}, to)
		return err
	})
	if err != nil {
		t.Errorf("a notice of the new kind: %v", err)
	}
	err = s.Update(ctx, func(tx store.Tx) error {
		_, err := tx.CreateNotification(ctx, &store.NotificationRow{ID: "ntc_4", DedupeKey: "bogus:1", Kind: "bogus", CreatedAt: at}, to)
		return err
	})
	if err == nil {
		t.Error("a notice of an unknown kind was stored")
	}
	// The references still hold: a read of no notification is refused.
	err = s.Update(ctx, func(tx store.Tx) error { return tx.MarkNotificationRead(ctx, "ntc_missing", user.ID, at) })
	if err == nil {
		t.Error("a read of no notification was stored")
	}
}
