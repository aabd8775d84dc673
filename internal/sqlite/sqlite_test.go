package sqlite_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/havenhrd/haven"
	"github.com/havenhrd/haven/internal/sqlite"
	"github.com/havenhrd/haven/internal/store"
	"github.com/havenhrd/haven/internal/store/storetest"
	"github.com/havenhrd/haven/internal/testdb"
)

func TestConformance(t *testing.T) {
	storetest.Run(t, func(tb testing.TB) store.Store { return testdb.OpenSQLite(tb) })
}

func TestReadyRefusesOutOfDateSchema(t *testing.T) {
	ctx := context.Background()
	db, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "old.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.Ready(ctx); haven.ErrorCodeOf(err) != haven.EUNAVAILABLE {
		t.Fatalf("Ready on an unmigrated database = %v, want EUNAVAILABLE", err)
	}
	if n, err := db.Migrate(ctx); err != nil || n != len(sqlite.Migrations()) {
		t.Fatalf("Migrate = %d, %v", n, err)
	}
	if err := db.Ready(ctx); err != nil {
		t.Fatalf("Ready after Migrate: %v", err)
	}
	if n, err := db.Migrate(ctx); err != nil || n != 0 {
		t.Fatalf("second Migrate = %d, %v; want 0, nil", n, err)
	}
}

func TestOpenRejectsEmptyPath(t *testing.T) {
	if _, err := sqlite.Open(context.Background(), ""); haven.ErrorCodeOf(err) != haven.EINVALID {
		t.Fatalf("Open(\"\") = %v", err)
	}
}

// TestSharedConformance runs the rules the store keeps across processes
// with four stores on one database file, each with its own writer, as four
// Haven processes would have it.
func TestSharedConformance(t *testing.T) {
	storetest.RunShared(t, func(tb testing.TB, n int) []store.Store {
		path := filepath.Join(tb.TempDir(), "haven.db")
		out := make([]store.Store, n)
		for i := range out {
			out[i] = testdb.OpenSQLiteAt(tb, path)
		}
		return out
	})
}
