package jobs_test

import (
	"context"
	"fmt"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/havenhrd/haven"
	"github.com/havenhrd/haven/internal/app"
	"github.com/havenhrd/haven/internal/jobs"
	"github.com/havenhrd/haven/internal/postgres"
	"github.com/havenhrd/haven/internal/testdb"
)

// instance is one Haven process: its own pool, app and River client.
type instance struct {
	db     *postgres.DB
	app    *app.App
	runner *jobs.Runner
	id     string
}

// TestExactlyOnceAcrossProcesses: three instances of Haven, each with its
// own pool, app and River client, share one PostgreSQL database. The test
// moves the apps' clock through three days of emergency deadlines while it
// stops the River leader again and again (a new instance taking its
// place), more often than the reconciler's period, and once just before a
// deadline. Each (deadline, kind) must produce exactly one notification,
// and none may be missed.
func TestExactlyOnceAcrossProcesses(t *testing.T) {
	if os.Getenv(testdb.PostgresEnv) == "" {
		t.Skipf("%s is not set: the multi-process test needs a real PostgreSQL", testdb.PostgresEnv)
	}
	ctx := context.Background()
	url := testdb.PostgresSchemaURL(t)
	w := newWorld(t)
	// The reconciler's period, and the step of the test's clock: the
	// leader is replaced every two steps, about three times a period.
	const every, step = 1500 * time.Millisecond, 200 * time.Millisecond
	serial := 0
	open := func() *instance {
		t.Helper()
		db, err := postgres.Open(ctx, url)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		serial++
		in := &instance{db: db, app: w.newApp(t, db), id: fmt.Sprintf("haven-%d", serial)}
		return in
	}
	first := open()
	if _, err := first.db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := jobs.MigratePostgres(ctx, first.db.Pool()); err != nil {
		t.Fatal(err)
	}
	w.seed(t, first.app)
	var cases []*haven.Case
	for i := range 4 {
		cases = append(cases, w.refer(t, first.app))
		w.clock.Add(time.Duration(i+1) * 3 * time.Hour) // staggered deadlines
	}
	start := func(in *instance) {
		t.Helper()
		r, err := jobs.NewPostgres(in.db.Pool(), jobs.Config{Notices: in.app.Notices, Every: every, Poll: 100 * time.Millisecond, ID: in.id})
		if err != nil {
			t.Fatal(err)
		}
		if err := r.Start(ctx); err != nil {
			t.Fatal(err)
		}
		in.runner = r
	}
	stop := func(in *instance) {
		sctx, cancel := context.WithTimeout(ctx, 20*time.Second)
		defer cancel()
		if err := in.runner.Stop(sctx); err != nil {
			t.Errorf("stop %s: %v", in.id, err)
		}
	}
	live := []*instance{first, open(), open()}
	for _, in := range live {
		start(in)
	}
	defer func() {
		for _, in := range live {
			stop(in)
		}
	}()
	leader := func(pool *pgxpool.Pool) string {
		var id string
		if err := pool.QueryRow(ctx, `SELECT leader_id FROM river_leader`).Scan(&id); err != nil {
			return ""
		}
		return id
	}
	// replaceLeader stops the current leader, if one is elected, and
	// starts a new instance in its place: a process restarted.
	stopped := 0
	replaceLeader := func() {
		id := leader(first.db.Pool())
		for i, in := range live {
			if in.id == id {
				stop(in)
				if in != first {
					in.db.Close() // the process is gone (first's pool reads the results)
				}
				stopped++
				live[i] = open()
				start(live[i])
				return
			}
		}
	}
	// The deadlines of each case: the warning at 18 hours after its
	// referral, the 24 hours without a move, and the breach when its
	// deadline's day has passed; the case referred last is at most 9
	// hours younger than the first.
	began := time.Now()
	hour := 0
	for ; hour < 72; hour++ {
		w.clock.Add(time.Hour)
		if hour%2 == 0 {
			replaceLeader() // every 2 steps: more often than the reconciler's period
		}
		time.Sleep(step)
	}
	gap := time.Since(began) / time.Duration(max(stopped, 1))
	if gap >= every {
		t.Errorf("the leader was replaced every %s, not more often than the reconciler's period %s", gap, every)
	}
	// Once just before a deadline: a new case's warning falls due an
	// hour after the leader stops.
	late := w.refer(t, first.app)
	cases = append(cases, late)
	w.clock.Add(17 * time.Hour)
	eventually(t, 30*time.Second, "no leader", func() bool { return leader(first.db.Pool()) != "" })
	replaceLeader()
	w.clock.Add(time.Hour + time.Minute)
	w.clock.Add(3 * 24 * time.Hour) // and every deadline past
	want := map[haven.NoticeKind]int{haven.NoticeStageWarning: len(cases), haven.NoticeStageBreach: len(cases), haven.NoticeEmergencyStalled: len(cases)}
	sup := w.supervisor(t, first.app)
	eventually(t, 90*time.Second, "not every deadline was notified", func() bool {
		got := w.kinds(t, first.app, sup)
		n := len(got[haven.NoticeStageBreach]) + len(got[haven.NoticeEmergencyStalled])
		got = w.kinds(t, first.app, w.visa)
		return n == want[haven.NoticeStageBreach]+want[haven.NoticeEmergencyStalled] && len(got[haven.NoticeStageWarning]) == len(cases)
	})
	// Let the reconciler run on across more replacements: nothing more.
	for range 4 {
		replaceLeader()
		time.Sleep(every)
	}
	// The three processes' apps fire one deadline at the same moment, as
	// their jobs would if River ran a watch twice: the database's UNIQUE
	// key lets one write it.
	race := w.refer(t, first.app)
	cases = append(cases, race)
	w.clock.Add(19 * time.Hour)
	var wg sync.WaitGroup
	for _, in := range []*instance{first, live[0], live[1], live[2]} {
		for _, wt := range must(in.app.Notices.DueWatches(ctx)) {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if _, err := in.app.Notices.Fire(ctx, wt); err != nil {
					t.Error(err)
				}
			}()
		}
	}
	wg.Wait()
	w.clock.Add(3 * 24 * time.Hour)
	eventually(t, 60*time.Second, "the last case's deadlines were not all notified", func() bool {
		got := w.kinds(t, first.app, sup)
		return got[haven.NoticeStageBreach][race.ID] >= 1 && got[haven.NoticeEmergencyStalled][race.ID] >= 1
	})
	want = map[haven.NoticeKind]int{haven.NoticeStageWarning: len(cases), haven.NoticeStageBreach: len(cases), haven.NoticeEmergencyStalled: len(cases)}
	var total int
	if err := first.db.Pool().QueryRow(ctx, `SELECT count(*) FROM notifications WHERE kind IN ('stage_warning', 'stage_breach', 'emergency_stalled')`).Scan(&total); err != nil {
		t.Fatal(err)
	}
	if total != want[haven.NoticeStageWarning]+want[haven.NoticeStageBreach]+want[haven.NoticeEmergencyStalled] {
		t.Fatalf("%d notifications for %v", total, want)
	}
	for kind, actor := range map[haven.NoticeKind]haven.Actor{haven.NoticeStageWarning: w.visa, haven.NoticeStageBreach: w.visa, haven.NoticeEmergencyStalled: sup} {
		got := w.kinds(t, first.app, actor)[kind]
		for _, c := range cases {
			if got[c.ID] != 1 {
				t.Errorf("%s of case %s: %d notifications", kind, c.Reference, got[c.ID])
			}
		}
	}
	if stopped < 20 {
		t.Errorf("the leader was stopped %d times only", stopped)
	}
	t.Logf("%d cases, %d notifications, leader stopped %d times, every %s while the clock ran (reconciler's period %s)", len(cases), total, stopped, gap, every)
}
