package testdb

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"fmt"
	"sort"
	"testing"

	"github.com/havenhrd/haven/internal/postgres"
	"github.com/havenhrd/haven/internal/sqlite"
	"github.com/havenhrd/haven/internal/store"
	"github.com/jackc/pgx/v5"
)

// Rows returns, for every table of the store, its row count and a digest
// of all its rows (in an order of their own, not the engine's), so that
// comparing two calls shows any insert, update or delete in between. It
// reads on a connection of its own, outside the store, and fails the test
// when it cannot read every table.
func Rows(tb testing.TB, s store.Store) map[string]string {
	tb.Helper()
	ctx := context.Background()
	out := map[string]string{}
	add := func(table string, rows []string) {
		sort.Strings(rows)
		h := sha256.New()
		for _, r := range rows {
			fmt.Fprintln(h, r)
		}
		out[table] = fmt.Sprintf("%d rows, digest %x", len(rows), h.Sum(nil)[:8])
	}
	switch db := s.(type) {
	case *sqlite.DB:
		raw, err := sql.Open("sqlite", "file:"+db.Path()+"?mode=ro&_pragma=busy_timeout(10000)")
		if err != nil {
			tb.Fatal(err)
		}
		defer raw.Close()
		tables := sqliteTables(tb, raw)
		for _, table := range tables {
			rows, err := raw.QueryContext(ctx, `SELECT * FROM "`+table+`"`)
			if err != nil {
				tb.Fatalf("Rows: %s: %v", table, err)
			}
			cols, _ := rows.Columns()
			var all []string
			for rows.Next() {
				vals := make([]any, len(cols))
				ptrs := make([]any, len(cols))
				for i := range vals {
					ptrs[i] = &vals[i]
				}
				if err := rows.Scan(ptrs...); err != nil {
					tb.Fatalf("Rows: %s: %v", table, err)
				}
				all = append(all, fmt.Sprintf("%q", vals))
			}
			if err := rows.Err(); err != nil {
				tb.Fatalf("Rows: %s: %v", table, err)
			}
			rows.Close()
			add(table, all)
		}
	case *postgres.DB:
		ps, ok := schemas.Load(db)
		if !ok {
			tb.Fatal("Rows: the store was not opened by OpenPostgres")
		}
		conn, err := pgx.Connect(ctx, ps.(*pgStore).url)
		if err != nil {
			tb.Fatalf("Rows: cannot reach the PostgreSQL server named by %s: %v", PostgresEnv, err)
		}
		defer conn.Close(ctx)
		var tables []string
		rows, err := conn.Query(ctx, `SELECT table_name FROM information_schema.tables
			WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY 1`)
		if err != nil {
			tb.Fatalf("Rows: list tables: %v", err)
		}
		for rows.Next() {
			var n string
			if err := rows.Scan(&n); err != nil {
				tb.Fatal(err)
			}
			tables = append(tables, n)
		}
		rows.Close()
		for _, table := range tables {
			// A row's text form holds every column, bytea included.
			var all []string
			rows, err := conn.Query(ctx, `SELECT t::text FROM "`+table+`" t`)
			if err != nil {
				tb.Fatalf("Rows: %s: %v", table, err)
			}
			for rows.Next() {
				var r string
				if err := rows.Scan(&r); err != nil {
					tb.Fatalf("Rows: %s: %v", table, err)
				}
				all = append(all, r)
			}
			if err := rows.Err(); err != nil {
				tb.Fatalf("Rows: %s: %v", table, err)
			}
			add(table, all)
		}
	default:
		tb.Fatalf("Rows: unknown engine %T", s)
	}
	if len(out) < 20 {
		tb.Fatalf("Rows found only %d tables", len(out))
	}
	return out
}

// Changed returns the tables whose rows differ between two Rows calls.
func Changed(before, after map[string]string) []string {
	var out []string
	for table, d := range after {
		if before[table] != d {
			out = append(out, table)
		}
	}
	for table := range before {
		if _, ok := after[table]; !ok {
			out = append(out, table)
		}
	}
	sort.Strings(out)
	return out
}

func sqliteTables(tb testing.TB, raw *sql.DB) []string {
	tb.Helper()
	rows, err := raw.Query(`SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name`)
	if err != nil {
		tb.Fatalf("Rows: list tables: %v", err)
	}
	defer rows.Close()
	var tables []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			tb.Fatal(err)
		}
		tables = append(tables, n)
	}
	return tables
}
