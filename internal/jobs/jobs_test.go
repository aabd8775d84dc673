package jobs_test

import (
	"context"
	"testing"
	"time"

	"github.com/havenhrd/haven"
	"github.com/havenhrd/haven/internal/jobs"
	"github.com/havenhrd/haven/internal/testdb"
)

// TestJobsOnSQLite: on the embedded database, River's tables migrate
// beside Haven's, one client works the jobs on Haven's one writer, and the
// reconciler turns each deadline passed into its notice, once, however
// many times it runs; stopped and started again, the client misses
// nothing that fell due meanwhile.
func TestJobsOnSQLite(t *testing.T) {
	db := testdb.OpenSQLite(t)
	ctx := context.Background()
	if err := jobs.ReadySQLite(ctx, db.Writer()); err == nil {
		t.Fatal("River's tables are reported current before they are made")
	}
	if n, err := jobs.MigrateSQLite(ctx, db.Writer()); err != nil || n == 0 {
		t.Fatalf("migrate: %d, %v", n, err)
	}
	if n, err := jobs.MigrateSQLite(ctx, db.Writer()); err != nil || n != 0 {
		t.Fatalf("migrate again: %d, %v", n, err)
	}
	if err := jobs.ReadySQLite(ctx, db.Writer()); err != nil {
		t.Fatal(err)
	}
	w := newWorld(t)
	a := w.newApp(t, db)
	w.seed(t, a)
	c := w.refer(t, a)
	start := func() *jobs.Runner {
		r, err := jobs.NewSQLite(db.Writer(), jobs.Config{Notices: a.Notices, Every: 200 * time.Millisecond, Poll: 50 * time.Millisecond})
		if err != nil {
			t.Fatal(err)
		}
		if err := r.Start(ctx); err != nil {
			t.Fatal(err)
		}
		return r
	}
	r := start()
	w.clock.Add(19 * time.Hour) // 75% of the emergency's one-day file stage
	eventually(t, 15*time.Second, "no stage warning", func() bool { return w.kinds(t, a, w.visa)[haven.NoticeStageWarning][c.ID] == 1 })
	// The reconciler runs on: still one.
	time.Sleep(600 * time.Millisecond)
	if got := w.kinds(t, a, w.visa); got[haven.NoticeStageWarning][c.ID] != 1 || len(got) != 1 {
		t.Fatalf("after more runs: %v", got)
	}
	stopCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := r.Stop(stopCtx); err != nil {
		t.Fatal(err)
	}
	// Stopped: the deadline passes with no client running.
	w.clock.Add(2 * 24 * time.Hour)
	time.Sleep(300 * time.Millisecond)
	if got := w.kinds(t, a, w.visa); got[haven.NoticeStageBreach][c.ID] != 0 {
		t.Fatalf("a notice was written with no client running: %v", got)
	}
	r = start()
	defer r.Stop(context.Background())
	eventually(t, 15*time.Second, "the breach missed while stopped was not told", func() bool {
		return w.kinds(t, a, w.visa)[haven.NoticeStageBreach][c.ID] == 1
	})
}
