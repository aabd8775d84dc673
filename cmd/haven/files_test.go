package main

import (
	"bytes"
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/havenhrd/haven/internal/sqlite"
	"github.com/havenhrd/haven/internal/store"
)

// TestFilesForTheirOwnerOnly runs the commands that write files under a
// umask that takes nothing away, and finds every file Haven made (key files,
// the demo's sign-in list, databases and their -wal and -shm files)
// readable by its owner alone, and every directory it made closed to others.
func TestFilesForTheirOwnerOnly(t *testing.T) {
	old := syscall.Umask(0)
	defer syscall.Umask(old)
	ctx := context.Background()
	root := t.TempDir()
	var out, errb bytes.Buffer
	do := func(getenv func(string) string, args ...string) {
		t.Helper()
		out.Reset()
		if err := run(ctx, args, getenv, nil, &out, &errb); err != nil {
			t.Fatalf("%v: %v\n%s", args, err, errb.String())
		}
	}
	do(getenvOf(nil), "demo", "--dir", filepath.Join(root, "demo"), "--seed-only")
	// A sign-in list left over, open to others, is closed when rewritten.
	stale := filepath.Join(root, "stale")
	if err := os.Mkdir(stale, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(stale, "demo-users.txt"), []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	do(getenvOf(nil), "demo", "--dir", stale, "--seed-only")

	real := filepath.Join(root, "real")
	if err := os.Mkdir(real, 0o700); err != nil {
		t.Fatal(err)
	}
	keys, db := filepath.Join(real, "keys.json"), filepath.Join(real, "haven.db")
	e := getenvOf(map[string]string{"HAVEN_KEY_FILE": keys})
	do(e, "keys", "generate", "--out", keys)
	do(e, "migrate", "--db", db)
	do(e, "init", "--db", db, "--org", "IRCC programme", "--username", "ada", "--name", "Ada")
	do(e, "keys", "rotate", "--db", db, "--as", "ada")

	// With the databases open and written to, their -wal and -shm files exist.
	for _, p := range []string{db, filepath.Join(root, "demo", "haven.db")} {
		s, err := sqlite.Open(ctx, p)
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		if err := s.Update(ctx, func(tx store.Tx) error { return tx.SetMeta(ctx, "files_test", "written") }); err != nil {
			t.Fatal(err)
		}
	}

	seen := map[string]bool{}
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		if rel == "." {
			return nil // the test's own directory
		}
		seen[rel] = true
		want := fs.FileMode(0o600)
		if d.IsDir() {
			want = 0o700
		}
		if got := info.Mode().Perm(); got != want {
			t.Errorf("%s has mode %#o, want %#o", rel, got, want)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"demo", "demo/keys.json", "demo/demo-users.txt", "demo/haven.db", "demo/haven.db-wal", "demo/haven.db-shm",
		"stale/demo-users.txt", "real/keys.json", "real/haven.db", "real/haven.db-wal", "real/haven.db-shm"} {
		if !seen[filepath.FromSlash(f)] {
			t.Errorf("%s was not made: the test does not see what it claims to check", f)
		}
	}
}
