package testdb

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/havenhrd/haven/internal/postgres"
	"github.com/havenhrd/haven/internal/sqlite"
	"github.com/havenhrd/haven/internal/store"
	"github.com/jackc/pgx/v5"
)

// schemas remembers, for each PostgreSQL store OpenPostgres made, its
// connection string and where the write-ahead log stood when it was made.
var schemas sync.Map // *postgres.DB -> *pgStore

type pgStore struct {
	url      string
	startLSN string // the WAL position before the schema was made
}

// Hit is one needle found in the clear.
type Hit struct {
	// Kind is what was read: "file" (a database or relation file), "row"
	// (a table's rows, every column's raw bytes) or "wal" (the write-ahead
	// log's records of the store's own relations).
	Kind   string
	Where  string
	Needle string
}

func (h Hit) String() string { return h.Kind + " " + h.Where + ": " + h.Needle }

// PlaintextHits returns where any of needles stands in the clear in what
// the store keeps, one entry per place and needle.
//
// On SQLite it reads the database file, its write-ahead log and its
// shared-memory file. On PostgreSQL it reads what belongs to the store's
// own schema and nothing else of the server: every row of every table,
// each column's raw bytes (a bytea column's bytes, not its hex text); the
// write-ahead log's records that touch the schema's tables, indexes and
// their TOAST relations, found with pg_walinspect; and, after a CHECKPOINT,
// those relations' files in the server's data directory. The test fails
// when any of it cannot be read: a scan that reads less passes for the
// wrong reason. A value TOAST compressed (over about 2 kB) is not in the
// files in the clear even when stored so; the row scan sees it.
func PlaintextHits(tb testing.TB, s store.Store, needles []string) []Hit {
	tb.Helper()
	switch db := s.(type) {
	case *sqlite.DB:
		p := db.Path()
		return scanFiles(tb, "file", []string{p, p + "-wal", p + "-shm"}, needles)
	case *postgres.DB:
		ps, ok := schemas.Load(db)
		if !ok {
			tb.Fatal("PlaintextHits: the store was not opened by OpenPostgres")
		}
		return postgresHits(tb, ps.(*pgStore), needles)
	}
	tb.Fatalf("PlaintextHits: unknown engine %T", s)
	return nil
}

// Kinds returns the kinds of place the hits were found in.
func Kinds(hits []Hit) map[string]bool {
	out := map[string]bool{}
	for _, h := range hits {
		out[h.Kind] = true
	}
	return out
}

func scanFiles(tb testing.TB, kind string, files, needles []string) (hits []Hit) {
	tb.Helper()
	for _, f := range files {
		b, err := os.ReadFile(f)
		if os.IsNotExist(err) {
			continue
		}
		if err != nil {
			tb.Fatalf("the scan must read %s: %v", f, err)
		}
		hits = append(hits, scan(kind, f, b, needles)...)
	}
	return hits
}

func scan(kind, where string, b []byte, needles []string) (hits []Hit) {
	for _, n := range needles {
		if bytes.Contains(b, []byte(n)) {
			hits = append(hits, Hit{Kind: kind, Where: where, Needle: n})
		}
	}
	return hits
}

// pgRel is one relation of the store's schema, or one of their TOAST
// relations.
type pgRel struct {
	name     string
	table    bool // a table of the schema itself, whose rows are read
	path     string
	filenode uint32
}

func postgresHits(tb testing.TB, ps *pgStore, needles []string) (hits []Hit) {
	tb.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, ps.url)
	if err != nil {
		tb.Fatalf("connect to the PostgreSQL server named by %s: %v", PostgresEnv, err)
	}
	defer conn.Close(ctx)
	// The schema's tables and indexes, their TOAST tables and those
	// tables' indexes.
	rows, err := conn.Query(ctx, `WITH own AS (
			SELECT c.oid, c.relkind, c.reltoastrelid FROM pg_class c
			JOIN pg_namespace n ON n.oid = c.relnamespace
			WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'i')),
		toast AS (SELECT reltoastrelid AS oid FROM own WHERE reltoastrelid <> 0),
		toast_index AS (SELECT indexrelid AS oid FROM pg_index WHERE indrelid IN (SELECT oid FROM toast))
		SELECT c.relname, c.relkind = 'r' AND c.oid IN (SELECT oid FROM own), pg_relation_filepath(c.oid), pg_relation_filenode(c.oid)
		FROM pg_class c
		WHERE c.oid IN (SELECT oid FROM own UNION SELECT oid FROM toast UNION SELECT oid FROM toast_index)`)
	if err != nil {
		tb.Fatal(err)
	}
	var rels []pgRel
	for rows.Next() {
		var r pgRel
		if err := rows.Scan(&r.name, &r.table, &r.path, &r.filenode); err != nil {
			tb.Fatal(err)
		}
		rels = append(rels, r)
	}
	if err := rows.Err(); err != nil {
		tb.Fatal(err)
	}
	if len(rels) < 20 {
		tb.Fatalf("the scan found only %d relations in the schema", len(rels))
	}
	// Rows: every column's bytes as the server sends them in binary, so a
	// bytea is its raw bytes and a text its characters.
	for _, r := range rels {
		if !r.table {
			continue
		}
		rows, err := conn.Query(ctx, `SELECT * FROM `+pgx.Identifier{r.name}.Sanitize(), pgx.QueryResultFormats{pgx.BinaryFormatCode})
		if err != nil {
			tb.Fatalf("read table %s: %v", r.name, err)
		}
		var all []byte
		for rows.Next() {
			for _, v := range rows.RawValues() {
				all = append(append(all, v...), 0)
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			tb.Fatalf("read table %s: %v", r.name, err)
		}
		hits = append(hits, scan("row", "table "+r.name, all, needles)...)
	}
	hits = append(hits, walHits(tb, conn, ps, rels, needles)...)
	// Files: after a CHECKPOINT, every page is on disk.
	if _, err := conn.Exec(ctx, `CHECKPOINT`); err != nil {
		tb.Fatalf("the scan needs a CHECKPOINT: %v", err)
	}
	dir := dataDirectory(tb, conn)
	var files []string
	for _, r := range rels {
		base := filepath.Join(dir, r.path)
		if _, err := os.Stat(base); err != nil {
			tb.Fatalf("the scan must read the relation file of %s: %v", r.name, err)
		}
		files = append(files, base)
		// Further segments, and the free-space and visibility maps.
		more, _ := filepath.Glob(base + ".*")
		for _, fork := range []string{"_fsm", "_vm", "_init"} {
			more = append(more, base+fork)
		}
		files = append(files, more...)
	}
	return append(hits, scanFiles(tb, "file", files, needles)...)
}

// dataDirectory returns the server's data directory, and fails the test
// unless it can be read here.
func dataDirectory(tb testing.TB, conn *pgx.Conn) string {
	tb.Helper()
	var dir string
	if err := conn.QueryRow(context.Background(), `SHOW data_directory`).Scan(&dir); err != nil {
		tb.Fatalf("the scan must know the server's data directory: %v", err)
	}
	if _, err := os.ReadDir(filepath.Join(dir, "pg_wal")); err != nil {
		tb.Fatalf("the scan must read the server's data directory (run the tests beside the server, as its owner or root): %v", err)
	}
	return dir
}

// blockRef matches a WAL record's reference to a block of a relation:
// tablespace/database/relfilenode.
var blockRef = regexp.MustCompile(`rel (\d+)/(\d+)/(\d+)`)

// walHits scans the write-ahead log's records that touch the given
// relations, written since the store was made. pg_walinspect lists the
// records and the blocks they touch; the records' bytes are read from the
// WAL segment files, with the page headers that cut a record taken out.
func walHits(tb testing.TB, conn *pgx.Conn, ps *pgStore, rels []pgRel, needles []string) []Hit {
	tb.Helper()
	ctx := context.Background()
	if err := createWALInspect(ctx, conn); err != nil {
		tb.Fatalf("the scan reads the write-ahead log with pg_walinspect (PostgreSQL 15 or later, superuser): %v", err)
	}
	var dbOID uint32
	if err := conn.QueryRow(ctx, `SELECT oid FROM pg_database WHERE datname = current_database()`).Scan(&dbOID); err != nil {
		tb.Fatal(err)
	}
	own := map[uint32]bool{}
	for _, r := range rels {
		own[r.filenode] = true
	}
	var segSize, blockSize int64
	if err := conn.QueryRow(ctx, `SELECT setting::bigint FROM pg_settings WHERE name = 'wal_segment_size'`).Scan(&segSize); err != nil {
		tb.Fatal(err)
	}
	if err := conn.QueryRow(ctx, `SELECT setting::bigint FROM pg_settings WHERE name = 'wal_block_size'`).Scan(&blockSize); err != nil {
		tb.Fatal(err)
	}
	var timeline string
	if err := conn.QueryRow(ctx, `SELECT substr(pg_walfile_name(pg_current_wal_flush_lsn()), 1, 8)`).Scan(&timeline); err != nil {
		tb.Fatal(err)
	}
	rows, err := conn.Query(ctx, `SELECT start_lsn::text, end_lsn::text, coalesce(block_ref, '')
		FROM public.pg_get_wal_records_info($1::pg_lsn, pg_current_wal_flush_lsn())`, ps.startLSN)
	if err != nil {
		tb.Fatalf("the scan must list the write-ahead log's records since the store was made: %v", err)
	}
	type span struct{ from, to int64 }
	var spans []span
	records := 0
	for rows.Next() {
		var from, to, refs string
		if err := rows.Scan(&from, &to, &refs); err != nil {
			tb.Fatal(err)
		}
		records++
		for _, m := range blockRef.FindAllStringSubmatch(refs, -1) {
			db, _ := strconv.ParseUint(m[2], 10, 32)
			node, _ := strconv.ParseUint(m[3], 10, 32)
			if uint32(db) == dbOID && own[uint32(node)] {
				spans = append(spans, span{parseLSN(tb, from), parseLSN(tb, to)})
				break
			}
		}
	}
	if err := rows.Err(); err != nil {
		tb.Fatalf("the scan must list the write-ahead log's records since the store was made: %v", err)
	}
	if len(spans) == 0 {
		tb.Fatalf("none of the %d WAL records since the store was made touches its relations: the scan sees nothing", records)
	}
	dir := dataDirectory(tb, conn)
	segments := map[int64][]byte{}
	segment := func(no int64) []byte {
		if b, ok := segments[no]; ok {
			return b
		}
		perID := int64(0x100000000) / segSize
		name := fmt.Sprintf("%s%08X%08X", timeline, no/perID, no%perID)
		b, err := os.ReadFile(filepath.Join(dir, "pg_wal", name))
		if err != nil {
			tb.Fatalf("the scan must read WAL segment %s: %v", name, err)
		}
		segments[no] = b
		return b
	}
	// A page begins with a header: a long one on a segment's first page.
	const shortHeader, longHeader = 24, 40
	sort.Slice(spans, func(i, j int) bool { return spans[i].from < spans[j].from })
	var all []byte
	for _, s := range spans {
		for p := s.from; p < s.to; {
			seg, off := p/segSize, p%segSize
			header := int64(shortHeader)
			if off < blockSize {
				header = longHeader
			}
			if inPage := off % blockSize; inPage < header {
				p += header - inPage
				continue
			}
			end := min(s.to, p-off%blockSize+blockSize) // the end of this page
			b := segment(seg)
			all = append(all, b[off:off+(end-p)]...)
			p = end
		}
		all = append(all, 0)
	}
	return scan("wal", fmt.Sprintf("%d records of the schema's relations", len(spans)), all, needles)
}

// createWALInspect creates the pg_walinspect extension in the public
// schema, where dropping a test's schema does not drop it; concurrent tests
// may race to create it.
func createWALInspect(ctx context.Context, conn *pgx.Conn) error {
	var err error
	for range 3 {
		if _, err = conn.Exec(ctx, `CREATE EXTENSION IF NOT EXISTS pg_walinspect WITH SCHEMA public`); err == nil {
			return nil
		}
	}
	return err
}

func parseLSN(tb testing.TB, s string) int64 {
	hi, lo, ok := strings.Cut(s, "/")
	h, err1 := strconv.ParseUint(hi, 16, 32)
	l, err2 := strconv.ParseUint(lo, 16, 32)
	if !ok || err1 != nil || err2 != nil {
		tb.Fatalf("bad LSN %q", s)
	}
	return int64(h<<32 | l)
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
		ps, ok := schemas.Load(db)
		if !ok {
			tb.Fatal("Exec: the store was not opened by OpenPostgres")
		}
		conn, err := pgx.Connect(ctx, ps.(*pgStore).url)
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
