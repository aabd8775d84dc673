package sqlstore

import (
	"context"
	"database/sql"
	"path/filepath"
	"sync"
	"testing"
	"time"

	_ "modernc.org/sqlite"
)

// TestStatementsPreparedOnce: a text run in one transaction is prepared
// before the next and then run prepared; past the bound, texts run
// unprepared; and a pool of one connection (the writer's) never waits on
// itself, with transactions running at once.
func TestStatementsPreparedOnce(t *testing.T) {
	db, err := sql.Open("sqlite", "file:"+filepath.Join(t.TempDir(), "s.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	ctx := context.Background()
	if _, err := db.ExecContext(ctx, `CREATE TABLE t (x INTEGER)`); err != nil {
		t.Fatal(err)
	}
	c := NewStatements(db)
	defer c.Close()
	run := func(q string, args ...any) {
		t.Helper()
		c.Prepare(ctx)
		tx, err := db.BeginTx(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := SQLTx(tx, c).Exec(ctx, q, args...); err != nil {
			t.Fatal(err)
		}
		if err := tx.Commit(); err != nil {
			t.Fatal(err)
		}
	}
	const ins = `INSERT INTO t (x) VALUES ($1)`
	run(ins, 1)
	if st := c.m[ins]; st != nil || !c.pending[ins] {
		t.Fatalf("after a first run: prepared %v, pending %v; want pending", st, c.pending[ins])
	}
	run(ins, 2)
	if c.m[ins] == nil || len(c.pending) != 0 {
		t.Fatalf("after a second run: prepared %v, pending %v; want prepared", c.m[ins], c.pending)
	}
	// A text that does not prepare is run, and fails, unprepared.
	tx, _ := db.BeginTx(ctx, nil)
	if _, err := SQLTx(tx, c).Exec(ctx, `INSERT INTO nowhere VALUES (1)`); err == nil {
		t.Fatal("a statement on no table ran")
	}
	tx.Rollback()
	c.Prepare(ctx)
	if st, ok := c.m[`INSERT INTO nowhere VALUES (1)`]; !ok || st != nil {
		t.Fatalf("a text that does not prepare: kept %v %v", st, ok)
	}
	// Past the bound, a text runs unprepared and is not kept.
	for i := len(c.m) + len(c.pending); i < MaxStatements; i++ {
		c.m[string(rune('a'+i%26))+time.Duration(i).String()] = nil
	}
	run(`SELECT 1 FROM t WHERE x = $1`, 1)
	c.Prepare(ctx)
	if _, ok := c.m[`SELECT 1 FROM t WHERE x = $1`]; ok {
		t.Fatal("a text past the bound was kept")
	}
	// Transactions at once on one connection: each waits its turn, none
	// waits on itself.
	done := make(chan struct{})
	go func() {
		var wg sync.WaitGroup
		for i := range 20 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				c.Prepare(ctx)
				tx, err := db.BeginTx(ctx, nil)
				if err != nil {
					t.Error(err)
					return
				}
				defer tx.Rollback()
				if _, err := SQLTx(tx, c).Exec(ctx, `UPDATE t SET x = $1 WHERE x = $2`, i, -1); err != nil {
					t.Error(err)
				}
			}()
		}
		wg.Wait()
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		t.Fatal("transactions on one connection waited on each other")
	}
}
