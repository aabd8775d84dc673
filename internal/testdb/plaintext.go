package testdb

import (
	"bytes"
	"context"
	"database/sql"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/havenhrd/haven/internal/postgres"
	"github.com/havenhrd/haven/internal/sqlite"
	"github.com/havenhrd/haven/internal/store"
	"github.com/jackc/pgx/v5"
)

// schemaURLs remembers the connection string of each PostgreSQL store
// OpenPostgres made, for PlaintextHits.
var schemaURLs sync.Map // *postgres.DB -> string

// PlaintextHits returns where any of needles stands in the clear in what
// the store keeps, one entry per file (or table) and needle.
//
// On SQLite it reads the database file, its write-ahead log and its
// shared-memory file. On PostgreSQL it reads every row of every table of
// the store's schema as text and, after a CHECKPOINT, when the server's data
// directory is readable here (a local server, as in CI), the files of those
// tables and their indexes and the whole write-ahead log. It also returns
// whether the physical files were read.
func PlaintextHits(tb testing.TB, s store.Store, needles []string) (hits []string, physical bool) {
	tb.Helper()
	switch db := s.(type) {
	case *sqlite.DB:
		p := db.Path()
		return scanFiles(tb, []string{p, p + "-wal", p + "-shm"}, needles), true
	case *postgres.DB:
		u, ok := schemaURLs.Load(db)
		if !ok {
			tb.Fatal("PlaintextHits: the store was not opened by OpenPostgres")
		}
		return postgresHits(tb, u.(string), needles)
	}
	tb.Fatalf("PlaintextHits: unknown engine %T", s)
	return nil, false
}

func scanFiles(tb testing.TB, files, needles []string) (hits []string) {
	tb.Helper()
	for _, f := range files {
		b, err := os.ReadFile(f)
		if os.IsNotExist(err) {
			continue
		}
		if err != nil {
			tb.Fatal(err)
		}
		for _, n := range needles {
			if bytes.Contains(b, []byte(n)) {
				hits = append(hits, f+": "+n)
			}
		}
	}
	return hits
}

func postgresHits(tb testing.TB, url string, needles []string) (hits []string, physical bool) {
	tb.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		tb.Fatalf("connect to the PostgreSQL server named by %s: %v", PostgresEnv, err)
	}
	defer conn.Close(ctx)
	rows, err := conn.Query(ctx, `SELECT c.relname, pg_relation_filepath(c.oid) FROM pg_class c
		JOIN pg_namespace n ON n.oid = c.relnamespace
		WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'i', 't')`)
	if err != nil {
		tb.Fatal(err)
	}
	type rel struct{ name, path string }
	var rels []rel
	for rows.Next() {
		var r rel
		var path *string
		if err := rows.Scan(&r.name, &path); err != nil {
			tb.Fatal(err)
		}
		if path != nil {
			r.path = *path
		}
		rels = append(rels, r)
	}
	if err := rows.Err(); err != nil {
		tb.Fatal(err)
	}
	// Logical: every row of every table as text.
	for _, r := range rels {
		var text []string
		rows, err := conn.Query(ctx, `SELECT t::text FROM `+pgx.Identifier{r.name}.Sanitize()+` t`)
		if err != nil {
			continue // an index: read physically below
		}
		for rows.Next() {
			var s string
			if err := rows.Scan(&s); err != nil {
				tb.Fatal(err)
			}
			text = append(text, s)
		}
		rows.Close()
		all := []byte(strings.Join(text, "\n"))
		for _, n := range needles {
			if bytes.Contains(all, []byte(n)) {
				hits = append(hits, "table "+r.name+": "+n)
			}
		}
	}
	// Physical: the relation files and the write-ahead log.
	if _, err := conn.Exec(ctx, `CHECKPOINT`); err != nil {
		tb.Logf("no CHECKPOINT (%v): physical files not read", err)
		return hits, false
	}
	var dir string
	if err := conn.QueryRow(ctx, `SHOW data_directory`).Scan(&dir); err != nil {
		tb.Logf("no data_directory (%v): physical files not read", err)
		return hits, false
	}
	if _, err := os.ReadDir(filepath.Join(dir, "pg_wal")); err != nil {
		tb.Logf("data directory not readable here (%v): physical files not read", err)
		return hits, false
	}
	var files []string
	for _, r := range rels {
		if r.path == "" {
			continue
		}
		matches, _ := filepath.Glob(filepath.Join(dir, r.path) + "*") // segments, free-space and visibility maps
		files = append(files, matches...)
	}
	filepath.WalkDir(filepath.Join(dir, "pg_wal"), func(p string, d fs.DirEntry, err error) error {
		if err == nil && d.Type().IsRegular() {
			files = append(files, p)
		}
		return nil
	})
	return append(hits, scanFiles(tb, files, needles)...), true
}

// Exec runs a raw statement on the store's database, behind Haven's back:
// tests use it to tamper with what Haven wrote. Placeholders are $1, $2 ...
// on both engines.
func Exec(tb testing.TB, s store.Store, query string, args ...any) {
	tb.Helper()
	ctx := context.Background()
	switch db := s.(type) {
	case *sqlite.DB:
		raw, err := sql.Open("sqlite", "file:"+db.Path()+"?_pragma=busy_timeout(10000)")
		if err != nil {
			tb.Fatal(err)
		}
		defer raw.Close()
		if _, err := raw.ExecContext(ctx, query, args...); err != nil {
			tb.Fatalf("exec: %v", err)
		}
	case *postgres.DB:
		u, ok := schemaURLs.Load(db)
		if !ok {
			tb.Fatal("Exec: the store was not opened by OpenPostgres")
		}
		conn, err := pgx.Connect(ctx, u.(string))
		if err != nil {
			tb.Fatal(err)
		}
		defer conn.Close(ctx)
		if _, err := conn.Exec(ctx, query, args...); err != nil {
			tb.Fatalf("exec: %v", err)
		}
	default:
		tb.Fatalf("Exec: unknown engine %T", s)
	}
}
