package jobs_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/havenhrd/haven"
	"github.com/havenhrd/haven/internal/app"
	"github.com/havenhrd/haven/internal/jobs"
	"github.com/havenhrd/haven/internal/postgres"
	"github.com/havenhrd/haven/internal/testdb"
	"github.com/havenhrd/haven/internal/vault"
)

// helperEnv, set, makes TestHelperProcessHaven one Haven process of
// TestExactlyOnceUnderKill: the test binary runs itself again for each.
const helperEnv = "HAVEN_JOBS_HELPER"

// helperConfig is what the trial tells each of its processes.
type helperConfig struct {
	URL     string        `json:"url"`
	Keyring string        `json:"keyring"` // the keyring file's path
	ID      string        `json:"id"`      // River's client ID
	Every   time.Duration `json:"every"`
	Poll    time.Duration `json:"poll"`
	// Pause is waited before and after each Fire, so that a kill finds
	// watch jobs claimed and not finished.
	Pause time.Duration `json:"pause"`
}

// tableClock is the time in the one-row table test_clock of the test's
// schema: every process reads it, the test alone moves it (forward).
type tableClock struct {
	pool *pgxpool.Pool // its own: the app asks the time inside transactions
	mu   sync.Mutex
	last time.Time
}

func (c *tableClock) Now() time.Time {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	var t time.Time
	err := c.pool.QueryRow(ctx, `SELECT t FROM test_clock`).Scan(&t)
	c.mu.Lock()
	defer c.mu.Unlock()
	if err != nil {
		fmt.Fprintln(os.Stderr, "test clock:", err)
		return c.last
	}
	c.last = t.UTC()
	return c.last
}

// slowNotices is the app's Notices with a pause before and after Fire.
type slowNotices struct {
	*app.Notices
	pause time.Duration
}

func (n slowNotices) Fire(ctx context.Context, w app.Watch) (bool, error) {
	time.Sleep(n.pause)
	ok, err := n.Notices.Fire(ctx, w)
	time.Sleep(n.pause)
	return ok, err
}

// tableMailer "delivers" a mail by writing its address to test_sent.
type tableMailer struct {
	pool *pgxpool.Pool
	id   string
}

func (m tableMailer) Send(ctx context.Context, to, lang string) (string, bool, error) {
	if _, err := m.pool.Exec(ctx, `INSERT INTO test_sent (addr, by) VALUES ($1, $2)`, to, m.id); err != nil {
		return "insert", false, err
	}
	return "250", false, nil
}

// TestHelperProcessHaven is one process of TestExactlyOnceUnderKill, when
// helperEnv holds its configuration: it opens the database, builds the
// app as the fixture does (on the shared table clock), starts the jobs
// runner and runs until it is killed (or its parent is gone: its stdin
// closes).
func TestHelperProcessHaven(t *testing.T) {
	raw := os.Getenv(helperEnv)
	if raw == "" {
		t.Skip("one process of TestExactlyOnceUnderKill, run by it")
	}
	var cfg helperConfig
	if err := json.Unmarshal([]byte(raw), &cfg); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	data, err := os.ReadFile(cfg.Keyring)
	if err != nil {
		t.Fatal(err)
	}
	keys, err := vault.ParseKeyring(data)
	if err != nil {
		t.Fatal(err)
	}
	db, err := postgres.Open(ctx, cfg.URL)
	if err != nil {
		t.Fatal(err)
	}
	side, err := pgxpool.New(ctx, cfg.URL)
	if err != nil {
		t.Fatal(err)
	}
	w := &world{ctx: ctx, keys: keys}
	a := w.newAppOn(t, db, &tableClock{pool: side})
	r, err := jobs.NewPostgres(db.Pool(), jobs.Config{Notices: slowNotices{a.Notices, cfg.Pause}, Mailer: tableMailer{side, cfg.ID},
		Every: cfg.Every, Poll: cfg.Poll, ID: cfg.ID,
		Log: slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))})
	if err != nil {
		t.Fatal(err)
	}
	if err := r.Start(ctx); err != nil {
		t.Fatal(err)
	}
	fmt.Fprintln(os.Stderr, cfg.ID, "started")
	go func() {
		io.Copy(io.Discard, os.Stdin)
		os.Exit(0)
	}()
	time.Sleep(5 * time.Minute)
	fmt.Fprintln(os.Stderr, cfg.ID, "lived too long")
	os.Exit(2)
}

// proc is one Haven process of the trial.
type proc struct {
	id  string
	cmd *exec.Cmd
	in  io.WriteCloser
}

// fleet runs the trial's processes.
type fleet struct {
	t      *testing.T
	cfg    helperConfig
	dir    string
	serial int
	live   []*proc
}

// start starts a new process.
func (f *fleet) start() *proc {
	f.t.Helper()
	f.serial++
	c := f.cfg
	c.ID = fmt.Sprintf("haven-%02d", f.serial)
	raw, err := json.Marshal(c)
	if err != nil {
		f.t.Fatal(err)
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperProcessHaven$", "-test.count=1")
	cmd.Env = append(os.Environ(), helperEnv+"="+string(raw))
	out, err := os.Create(filepath.Join(f.dir, c.ID+".log"))
	if err != nil {
		f.t.Fatal(err)
	}
	defer out.Close() // the process has its own
	cmd.Stdout, cmd.Stderr = out, out
	in, err := cmd.StdinPipe()
	if err != nil {
		f.t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		f.t.Fatal(err)
	}
	p := &proc{id: c.ID, cmd: cmd, in: in}
	f.live = append(f.live, p)
	return p
}

// kill sends p SIGKILL and waits until it is gone.
func (f *fleet) kill(p *proc) {
	f.t.Helper()
	if err := p.cmd.Process.Kill(); err != nil {
		f.t.Fatalf("kill %s: %v", p.id, err)
	}
	p.cmd.Wait() // "signal: killed"
	f.live = slices.DeleteFunc(f.live, func(q *proc) bool { return q == p })
}

func (f *fleet) byID(id string) *proc {
	for _, p := range f.live {
		if p.id == id {
			return p
		}
	}
	return nil
}

func (f *fleet) ids() []string {
	var out []string
	for _, p := range f.live {
		out = append(out, p.id)
	}
	return out
}

// TestExactlyOnceUnderKill: three real Haven processes (this test binary,
// run again) share one PostgreSQL schema and one clock, a row the test
// moves. The test refers emergency cases and moves the clock through
// their warning, 24-hour stall and breach deadlines while it SIGKILLs the
// River leader again and again, more often than the reconciler's period,
// once just before a deadline falls due, and, during bursts of deadlines
// falling due together, the process working watch jobs (before their
// notices are written, and after but before River records them done), a
// new process starting each time. A killed process resigns nothing and finishes
// nothing: its lease stands until its TTL, its claimed jobs stay
// 'running' until River's rescuer. Each (deadline, kind) must produce
// exactly one notification and none may be missed, each with its mail
// outbox rows, once.
//
// River's leader lease lasts 15 s (its elect interval, 5 s, plus 10 s;
// neither is configurable): the first kill waits it out, and the test
// measures the takeover; after the others the test ages the dead
// leader's lease (expires_at set to now), as those seconds passing would.
// The same for the rescuer's hour: the jobs the killed processes left
// 'running' are aged by two hours, and a new leader's rescuer retries
// them.
func TestExactlyOnceUnderKill(t *testing.T) {
	if os.Getenv(testdb.PostgresEnv) == "" {
		t.Skipf("%s is not set: the multi-process test needs a real PostgreSQL", testdb.PostgresEnv)
	}
	if os.Getenv(helperEnv) != "" {
		t.Skip("a helper process runs no trial")
	}
	ctx := context.Background()
	url := testdb.PostgresSchemaURL(t)
	db, err := postgres.Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := jobs.MigratePostgres(ctx, db.Pool()); err != nil {
		t.Fatal(err)
	}
	pool := db.Pool()
	exec := func(sql string, args ...any) {
		t.Helper()
		if _, err := pool.Exec(ctx, sql, args...); err != nil {
			t.Fatalf("%s: %v", sql, err)
		}
	}
	t0 := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	exec(`CREATE TABLE test_clock (t timestamptz NOT NULL)`)
	exec(`INSERT INTO test_clock VALUES ($1)`, t0)
	exec(`CREATE TABLE test_sent (addr text NOT NULL, by text NOT NULL, at timestamptz NOT NULL DEFAULT now())`)
	move := func(d time.Duration) {
		t.Helper()
		exec(`UPDATE test_clock SET t = t + $1 * interval '1 microsecond'`, d.Microseconds())
	}
	side, err := pgxpool.New(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(side.Close)

	w := newWorld(t)
	a := w.newAppOn(t, db, &tableClock{pool: side})
	w.seed(t, a)
	sup := w.supervisor(t, a)
	for actor, addr := range map[haven.Actor]string{w.visa: "visa-worker@example.org", sup: "visa-sup@example.org"} {
		if err := a.Notices.SetPrefs(ctx, actor, &haven.NoticePrefs{Email: addr, EmailOn: true, Lang: "en"}); err != nil {
			t.Fatal(err)
		}
	}
	keyring, err := w.keys.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "keyring.json"), keyring, 0o600); err != nil {
		t.Fatal(err)
	}

	// The reconciler's period; the leader is killed about every second.
	const every = 3 * time.Second
	f := &fleet{t: t, dir: dir, cfg: helperConfig{URL: url, Keyring: filepath.Join(dir, "keyring.json"),
		Every: every, Poll: 100 * time.Millisecond, Pause: 150 * time.Millisecond}}
	t.Cleanup(func() {
		for _, p := range slices.Clone(f.live) {
			f.kill(p)
		}
		if t.Failed() {
			logs, _ := filepath.Glob(filepath.Join(dir, "haven-*.log"))
			for _, l := range logs {
				b, _ := os.ReadFile(l)
				t.Logf("%s:\n%s", filepath.Base(l), b[max(0, len(b)-3000):])
			}
		}
	})
	for range 3 {
		f.start()
	}

	// leader is the process the lease names, if it is alive and its lease
	// current.
	leader := func() *proc {
		var id string
		var current bool
		if err := pool.QueryRow(ctx, `SELECT leader_id, expires_at > now() FROM river_leader`).Scan(&id, &current); err != nil || !current {
			return nil
		}
		return f.byID(id)
	}
	waitLeader := func(within time.Duration) (*proc, time.Duration) {
		t.Helper()
		began := time.Now()
		for {
			if p := leader(); p != nil {
				return p, time.Since(began)
			}
			if time.Since(began) > within {
				t.Fatalf("no live leader after %s (processes %v)", within, f.ids())
			}
			time.Sleep(10 * time.Millisecond)
		}
	}
	var kills []time.Time
	// kill kills p and starts a new process in its place; with age, the
	// lease p held (if it did) is aged to now, as if its TTL had passed.
	kill := func(p *proc, age bool) {
		t.Helper()
		f.kill(p)
		kills = append(kills, time.Now())
		if age {
			exec(`UPDATE river_leader SET expires_at = now() WHERE leader_id = $1`, p.id)
		}
		f.start()
	}
	count := func(sql string, args ...any) int {
		t.Helper()
		var n int
		if err := pool.QueryRow(ctx, sql, args...).Scan(&n); err != nil {
			t.Fatalf("%s: %v", sql, err)
		}
		return n
	}
	notices := func() int {
		return count(`SELECT count(*) FROM notifications WHERE kind IN ('stage_warning', 'stage_breach', 'emergency_stalled')`)
	}
	// told counts the (case, kind) of the cases' notices.
	told := func(cs []*haven.Case) int {
		var ids []string
		for _, c := range cs {
			ids = append(ids, string(c.ID))
		}
		return count(`SELECT count(DISTINCT (case_id, kind)) FROM notifications WHERE case_id = ANY($1)`, ids)
	}
	began := time.Now()

	// Cases referred five hours apart: their warnings fall due at 18
	// hours, their stalls at 24, their breaches when the day after the
	// referral's has passed.
	var cases []*haven.Case
	for i := range 4 {
		if i > 0 {
			move(5 * time.Hour)
		}
		cases = append(cases, w.refer(t, a))
	}
	waitLeader(20 * time.Second)

	// Just before a deadline: the leader is killed a minute before the
	// first warning falls due, and its lease is left to run out.
	move(3*time.Hour - time.Minute) // t0+18h-1m
	time.Sleep(every + 500*time.Millisecond)
	if n := notices(); n != 0 {
		t.Fatalf("%d notices before any deadline", n)
	}
	p, _ := waitLeader(time.Second)
	kill(p, false)
	move(2 * time.Minute)
	waitLeader(40 * time.Second)
	takeover := time.Since(kills[0])
	eventually(t, 20*time.Second, "the warning due while no process led was not told", func() bool { return notices() == 1 })
	warned := time.Since(kills[0])

	// Then every three hours of the clock, a kill: the leader's, its
	// lease aged, as soon as another leads, after a pause of up to 0.4 s.
	rapid := time.Now()
	n0 := len(kills)
	for h := 3; h <= 54; h += 3 { // t0+18h+1m to t0+72h+1m
		move(3 * time.Hour)
		p, _ := waitLeader(15 * time.Second)
		time.Sleep(time.Duration(rand.Int64N(int64(400 * time.Millisecond))))
		kill(p, true)
	}
	rapids := len(kills) - n0
	gap := time.Since(rapid) / time.Duration(rapids)
	var shortest, longest time.Duration
	for i := n0 + 1; i < len(kills); i++ {
		d := kills[i].Sub(kills[i-1])
		if shortest == 0 || d < shortest {
			shortest = d
		}
		longest = max(longest, d)
	}
	if gap >= every {
		t.Errorf("the leader was killed every %s, not more often than the reconciler's period %s", gap, every)
	}
	eventually(t, 30*time.Second, "the staggered cases' deadlines were not all told", func() bool { return told(cases) == 3*len(cases) })

	// Bursts: ten cases whose deadlines fall due together; as soon as
	// their watch jobs run, the process running the most is killed (its
	// lease aged if it led), and the jobs it left 'running' are stranded.
	type stranded struct {
		id       int64
		kind     string
		written  bool // its notice existed when its process died
		deadline string
	}
	var strandedJobs []stranded
	// burst moves the clock by d, then kills a process as soon as it runs
	// a watch job whose notice is written (done) or not yet (!done).
	burst := func(cs []*haven.Case, d time.Duration, want int, done bool) {
		t.Helper()
		move(d)
		end := time.Now().Add(2*every + 5*time.Second)
		var id string
		for id == "" {
			if time.Now().After(end) {
				t.Fatalf("no watch job ran (done: %t)", done)
			}
			err := pool.QueryRow(ctx, `SELECT c FROM (SELECT attempted_by[array_upper(attempted_by, 1)] AS c,
					EXISTS (SELECT 1 FROM notifications n WHERE n.dedupe_key = (j.args->>'kind') || ':' || (j.args->>'key')) AS written
				FROM river_job j WHERE kind = 'haven.watch' AND state = 'running') r
				WHERE c = ANY($1) AND written = $2 GROUP BY c ORDER BY count(*) DESC LIMIT 1`, f.ids(), done).Scan(&id)
			if err != nil {
				id = ""
				time.Sleep(2 * time.Millisecond)
			}
		}
		p := f.byID(id)
		if p == nil {
			t.Fatalf("the running jobs' process %s is not alive", id)
		}
		led := leader() == p
		kill(p, true)
		time.Sleep(200 * time.Millisecond) // the server sees the connections closed
		rows, err := pool.Query(ctx, `SELECT id, args->>'kind', args->>'key' FROM river_job
			WHERE kind = 'haven.watch' AND state = 'running' AND attempted_by[array_upper(attempted_by, 1)] = $1`, p.id)
		if err != nil {
			t.Fatal(err)
		}
		var got []stranded
		for rows.Next() {
			var s stranded
			var key string
			if err := rows.Scan(&s.id, &s.kind, &key); err != nil {
				t.Fatal(err)
			}
			s.deadline = s.kind + ":" + key
			got = append(got, s)
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		written := 0
		for i := range got {
			got[i].written = count(`SELECT count(*) FROM notifications WHERE dedupe_key = $1`, got[i].deadline) == 1
			if got[i].written {
				written++
			}
		}
		strandedJobs = append(strandedJobs, got...)
		t.Logf("burst: killed %s (leader: %t) with %d watch jobs running, %d of their notices written", p.id, led, len(got), written)
		eventually(t, 30*time.Second, "a burst's deadlines were not all told", func() bool { return told(cs) == want })
	}
	var bunch []*haven.Case
	for range 10 {
		bunch = append(bunch, w.refer(t, a))
	}
	cases = append(cases, bunch...)
	burst(bunch, 18*time.Hour+30*time.Minute, len(bunch), false) // the warnings
	burst(bunch, 6*time.Hour, 2*len(bunch), true)                // the stalls
	burst(bunch, 2*24*time.Hour, 3*len(bunch), false)            // the breaches
	unstuck := 0
	for _, s := range strandedJobs {
		if !s.written {
			unstuck++
		}
	}
	if unstuck == 0 || unstuck == len(strandedJobs) {
		t.Errorf("of %d watch jobs stranded, %d before their notice was written: the kills did not find both", len(strandedJobs), unstuck)
	}

	// River's rescuer: the jobs the killed processes left 'running' are
	// aged by two hours (its default wait is one), and the leader is
	// killed again so that a new one runs the rescuer as it starts.
	var left []int64
	{
		rows, err := pool.Query(ctx, `SELECT id FROM river_job WHERE state = 'running' AND NOT attempted_by[array_upper(attempted_by, 1)] = ANY($1)`, f.ids())
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				t.Fatal(err)
			}
			left = append(left, id)
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
	}
	exec(`UPDATE river_job SET attempted_at = attempted_at - interval '2 hours' WHERE id = ANY($1)`, left)
	p, _ = waitLeader(15 * time.Second)
	kill(p, true)
	eventually(t, 40*time.Second, "the rescuer did not finish the jobs the killed processes left running", func() bool {
		return count(`SELECT count(*) FROM river_job WHERE id = ANY($1) AND state NOT IN ('completed', 'discarded', 'cancelled')`, left) == 0
	})
	rescued := map[string]int{}
	{
		rows, err := pool.Query(ctx, `SELECT kind || ' ' || state, count(*) FROM river_job WHERE id = ANY($1) GROUP BY 1`, left)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var k string
			var n int
			if err := rows.Scan(&k, &n); err != nil {
				t.Fatal(err)
			}
			rescued[k] = n
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
	}
	eventually(t, 40*time.Second, "the outbox was not all delivered", func() bool {
		return count(`SELECT count(*) FROM mail_outbox WHERE state <> 'sent'`) == 0
	})
	wall := time.Since(began)

	// Each (deadline, kind) once, and none missed: three per case.
	total := notices()
	if total != 3*len(cases) {
		t.Errorf("%d notifications for %d cases, want %d", total, len(cases), 3*len(cases))
	}
	for _, c := range cases {
		for _, k := range []haven.NoticeKind{haven.NoticeStageWarning, haven.NoticeEmergencyStalled, haven.NoticeStageBreach} {
			if n := count(`SELECT count(*) FROM notifications WHERE case_id = $1 AND kind = $2`, c.ID, k); n != 1 {
				t.Errorf("%s of case %s: %d notifications", k, c.Reference, n)
			}
		}
	}
	// Each notice's mail, once to each who chose email and may see it:
	// the caseworker of its warnings and breaches, the supervisor of its
	// stalls and breaches.
	perKind := map[haven.NoticeKind]int{haven.NoticeStageWarning: 1, haven.NoticeEmergencyStalled: 1, haven.NoticeStageBreach: 2}
	mails := 0
	for k, want := range perKind {
		if n := count(`SELECT count(*) FROM notifications n WHERE kind = $1 AND (SELECT count(*) FROM mail_outbox m WHERE m.notification_id = n.id) <> $2`, k, want); n != 0 {
			t.Errorf("%d %s notices without their %d mails", n, k, want)
		}
		mails += want * len(cases)
	}
	if n := count(`SELECT count(*) FROM mail_outbox`); n != mails {
		t.Errorf("%d mails in the outbox, want %d", n, mails)
	}
	if n := count(`SELECT count(*) FROM (SELECT 1 FROM mail_outbox GROUP BY notification_id, user_id HAVING count(*) > 1) d`); n != 0 {
		t.Errorf("%d mails written twice", n)
	}
	if n := count(`SELECT count(*) FROM mail_deliveries WHERE outcome = 'sent'`); n != mails {
		t.Errorf("%d deliveries recorded sent, want %d", n, mails)
	}
	sent := count(`SELECT count(*) FROM test_sent`)

	if len(kills) < 20 {
		t.Errorf("%d kills only", len(kills))
	}
	t.Logf("%d processes, %d SIGKILLs in %s: the first left its lease to run out, taken over %s after the kill (the warning due meanwhile told after %s); "+
		"then %d of the leader, every %s on average (%s to %s) while the clock ran (reconciler's period %s)",
		f.serial, len(kills), wall.Round(time.Second), takeover.Round(time.Millisecond), warned.Round(time.Millisecond),
		rapids, gap.Round(time.Millisecond), shortest.Round(time.Millisecond), longest.Round(time.Millisecond), every)
	t.Logf("%d cases, %d notifications (3 a case), %d outbox mails, all delivered, %d sends (%d repeated)", len(cases), total, mails, sent, sent-mails)
	t.Logf("%d watch jobs stranded 'running' by kills in bursts, %d of them before their notice was written (told by a later job); rescued after aging: %v",
		len(strandedJobs), unstuck, rescued)
}
