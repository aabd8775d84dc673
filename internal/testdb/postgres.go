package testdb

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/havenhrd/haven/internal/postgres"
	"github.com/havenhrd/haven/internal/store"
	"github.com/jackc/pgx/v5"
)

// postgresEngine returns the PostgreSQL engine when PostgresEnv is set.
func postgresEngine(tb testing.TB) *Engine {
	if os.Getenv(PostgresEnv) == "" {
		return nil
	}
	return &Engine{Name: "postgres", Open: func(tb testing.TB) store.Store { return OpenPostgres(tb) }}
}

// OpenPostgres opens a fresh, migrated PostgreSQL store in a schema of its
// own on the server PostgresEnv names. The test fails when the variable is
// unset or the server cannot be reached.
func OpenPostgres(tb testing.TB) *postgres.DB {
	tb.Helper()
	ctx := context.Background()
	u, lsn := schemaURL(tb)
	db, err := postgres.Open(ctx, u)
	if err != nil {
		tb.Fatalf("open postgres: %v", err)
	}
	schemas.Store(db, &pgStore{url: u, startLSN: lsn})
	tb.Cleanup(func() { db.Close(); schemas.Delete(db) })
	if _, err := db.Migrate(ctx); err != nil {
		tb.Fatalf("migrate postgres: %v", err)
	}
	return db
}

// PostgresSchemaURL creates an empty schema with a random name on the server
// PostgresEnv names, and returns the server's URL with search_path set to
// it. The schema and everything in it are dropped when the test ends; close
// what was opened on it first (cleanups run last registered, first run). The
// test fails when the variable is unset or the server cannot be reached.
func PostgresSchemaURL(tb testing.TB) string {
	tb.Helper()
	u, _ := schemaURL(tb)
	return u
}

// schemaURL is PostgresSchemaURL, and also returns where the server's
// write-ahead log stood before the schema was made.
func schemaURL(tb testing.TB) (u, lsn string) {
	tb.Helper()
	raw := os.Getenv(PostgresEnv)
	if raw == "" {
		tb.Fatalf("%s is not set: it names the PostgreSQL server for tests", PostgresEnv)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	// Messages name the variable, never its value: the URL may hold a password.
	admin, err := pgx.Connect(ctx, raw)
	if err != nil {
		tb.Fatalf("cannot reach the PostgreSQL server named by %s: %v", PostgresEnv, err)
	}
	if err := admin.QueryRow(ctx, `SELECT pg_current_wal_insert_lsn()::text`).Scan(&lsn); err != nil {
		admin.Close(ctx)
		tb.Fatalf("read the WAL position of the PostgreSQL server named by %s: %v", PostgresEnv, err)
	}
	b := make([]byte, 6)
	rand.Read(b)
	schema := "t_" + hex.EncodeToString(b) // letters and digits: safe to splice into SQL
	if _, err := admin.Exec(ctx, `CREATE SCHEMA `+schema); err != nil {
		admin.Close(ctx)
		tb.Fatalf("create schema on the PostgreSQL server named by %s: %v", PostgresEnv, err)
	}
	tb.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		defer admin.Close(ctx)
		if _, err := admin.Exec(ctx, `DROP SCHEMA `+schema+` CASCADE`); err != nil {
			tb.Errorf("drop schema %s: %v", schema, err)
		}
	})
	u, err = withSearchPath(raw, schema)
	if err != nil {
		tb.Fatalf("%s cannot be parsed as a URL", PostgresEnv) // the error quotes it
	}
	return u, lsn
}

// withSearchPath returns the connection string raw with search_path set to
// schema, in raw's own form: a postgres:// URL or keyword/value pairs.
func withSearchPath(raw, schema string) (string, error) {
	if !strings.HasPrefix(raw, "postgres://") && !strings.HasPrefix(raw, "postgresql://") {
		return raw + " search_path=" + schema, nil
	}
	u, err := url.Parse(raw)
	if err != nil {
		return "", err
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String(), nil
}
