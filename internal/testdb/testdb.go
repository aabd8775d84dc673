// Package testdb opens fresh, migrated stores on every engine for tests.
//
// SQLite always runs. PostgreSQL runs when HAVEN_TEST_POSTGRES_URL is set,
// and then a server that cannot be reached fails the test rather than
// skipping it: CI always sets the variable, so a broken server cannot pass
// for a green run. Each PostgreSQL store lives in a schema of its own,
// dropped when the test ends.
package testdb

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/havenhrd/haven/internal/sqlite"
	"github.com/havenhrd/haven/internal/store"
)

// PostgresEnv names the variable holding the PostgreSQL test server's URL.
const PostgresEnv = "HAVEN_TEST_POSTGRES_URL"

// Engine is one store engine under test.
type Engine struct {
	Name string
	Open func(tb testing.TB) store.Store
}

// Engines returns SQLite and, when PostgresEnv is set, PostgreSQL.
func Engines(tb testing.TB) []Engine {
	es := []Engine{{Name: "sqlite", Open: func(tb testing.TB) store.Store { return OpenSQLite(tb) }}}
	if pg := postgresEngine(tb); pg != nil {
		es = append(es, *pg)
	}
	return es
}

// OpenSQLite opens a fresh, migrated SQLite store in a temporary directory.
func OpenSQLite(tb testing.TB) *sqlite.DB {
	tb.Helper()
	return OpenSQLiteAt(tb, filepath.Join(tb.TempDir(), "haven.db"))
}

// OpenSQLiteAt opens and migrates the SQLite store at path.
func OpenSQLiteAt(tb testing.TB, path string) *sqlite.DB {
	tb.Helper()
	ctx := context.Background()
	db, err := sqlite.Open(ctx, path)
	if err != nil {
		tb.Fatalf("open sqlite: %v", err)
	}
	tb.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(ctx); err != nil {
		tb.Fatalf("migrate sqlite: %v", err)
	}
	return db
}
