package sqlite_test

import (
	"context"
	"os"
	"path/filepath"
	"syscall"
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

// TestOpenOwnerOnly: under a umask that takes nothing away, a new database
// and its -wal and -shm files are readable by their owner alone, and a
// database others could read is closed to them when Haven opens it.
func TestOpenOwnerOnly(t *testing.T) {
	old := syscall.Umask(0)
	defer syscall.Umask(old)
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "haven.db")
	check := func(when string) {
		t.Helper()
		for _, p := range []string{path, path + "-wal", path + "-shm"} {
			st, err := os.Stat(p)
			if err != nil {
				t.Fatalf("%s: %v", when, err)
			}
			if st.Mode().Perm() != 0o600 {
				t.Errorf("%s: %s has mode %#o, want 0600", when, filepath.Base(p), st.Mode().Perm())
			}
		}
	}
	db, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	check("created")
	// Another open of the database, with -wal and -shm in place, sees them
	// widened behind its back and closes them again.
	for _, p := range []string{path, path + "-wal", path + "-shm"} {
		if err := os.Chmod(p, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	db2, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	check("reopened")
	db2.Close()
	db.Close()
}
