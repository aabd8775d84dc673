package jobs

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/riverdriver/riversqlite"
	"github.com/riverqueue/river/rivermigrate"
	"github.com/riverqueue/river/rivertype"

	"github.com/havenhrd/haven"
	"github.com/havenhrd/haven/internal/app"
)

// Notices is what the jobs need of the app's Notices.
type Notices interface {
	DueWatches(ctx context.Context) ([]app.Watch, error)
	Fire(ctx context.Context, w app.Watch) (bool, error)
	PendingMail(ctx context.Context, limit int, backoff time.Duration) ([]app.MailDue, error)
	MailToSend(ctx context.Context, id haven.ID) (*app.Mail, error)
	RecordDelivery(ctx context.Context, id haven.ID, sent bool, detail string, last bool) error
}

// Mailer delivers one mail. It answers the server's reply code (or the
// kind of failure) for the record, and whether a failure is permanent (a
// bounce: the address or the message was refused), which is not retried.
type Mailer interface {
	Send(ctx context.Context, to, lang string) (detail string, permanent bool, err error)
}

// Config configures a Runner.
type Config struct {
	Notices Notices
	// Mailer delivers the outbox; without it mail stays pending (and is
	// delivered by a process that has one).
	Mailer Mailer
	// Every is the reconciler's period; the default is a minute.
	Every time.Duration
	// MailAttempts is how many times a mail is tried before it is recorded
	// failed; the default is 10.
	MailAttempts int
	// Backoff is the wait after a mail's first failed attempt, doubled
	// after each further one (at most a day); the default is a minute, so
	// ten attempts span about eight and a half hours.
	Backoff time.Duration
	// Poll is how often a client looks for jobs where the database cannot
	// tell it (SQLite); the default is River's.
	Poll time.Duration
	// Time, when set, is River's clock (tests).
	Time rivertype.TimeGenerator
	// ID names this process's client (River's Config.ID).
	ID  string
	Log *slog.Logger
}

// Runner is one process's River client and its workers.
type Runner struct {
	start  func(context.Context) error
	stop   func(context.Context) error
	insert func(context.Context, []river.InsertManyParams) error
	// backoff is the wait after a mail's first failed attempt, doubled
	// after each further one.
	backoff time.Duration
	// every is the reconciler's period.
	every time.Duration
}

// NewPostgres returns a Runner on a pgx pool (the schema on its
// search_path).
func NewPostgres(pool *pgxpool.Pool, cfg Config) (*Runner, error) {
	return newRunner[pgx.Tx](riverpgxv5.New(pool), cfg, false)
}

// NewSQLite returns a Runner on the SQLite writer pool: River writes, so it
// shares Haven's one writer connection, as SQLite allows one writer.
func NewSQLite(db *sql.DB, cfg Config) (*Runner, error) {
	return newRunner[*sql.Tx](riversqlite.New(db), cfg, true)
}

func newRunner[TTx any](driver riverdriver.Driver[TTx], cfg Config, pollOnly bool) (*Runner, error) {
	if cfg.Notices == nil {
		return nil, errors.New("jobs: Config.Notices is required")
	}
	if cfg.Every <= 0 {
		cfg.Every = time.Minute
	}
	if cfg.MailAttempts <= 0 {
		cfg.MailAttempts = 10
	}
	if cfg.Backoff <= 0 {
		cfg.Backoff = time.Minute
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	r := &Runner{backoff: cfg.Backoff, every: cfg.Every}
	workers := river.NewWorkers()
	river.AddWorker(workers, &reconcileWorker{cfg: cfg, r: r})
	river.AddWorker(workers, &watchWorker{notices: cfg.Notices})
	river.AddWorker(workers, &deliverWorker{cfg: cfg})
	rc := &river.Config{
		ID:     cfg.ID,
		Logger: cfg.Log,
		Queues: map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: 4}},
		PeriodicJobs: []*river.PeriodicJob{river.NewPeriodicJob(river.PeriodicInterval(cfg.Every),
			func() (river.JobArgs, *river.InsertOpts) {
				return reconcileArgs{}, &river.InsertOpts{UniqueOpts: river.UniqueOpts{ByPeriod: max(cfg.Every, time.Second)}}
			}, &river.PeriodicJobOpts{ID: "reconcile", RunOnStart: true})},
		Workers:           workers,
		PollOnly:          pollOnly,
		FetchPollInterval: cfg.Poll,
		Test:              river.TestConfig{Time: cfg.Time},
	}
	if cfg.Poll > 0 && cfg.Poll < 100*time.Millisecond {
		rc.FetchCooldown = cfg.Poll // River's default cooldown is 100ms
	}
	c, err := river.NewClient(driver, rc)
	if err != nil {
		return nil, fmt.Errorf("jobs: %w", err)
	}
	r.start, r.stop = c.Start, c.Stop
	r.insert = func(ctx context.Context, ps []river.InsertManyParams) error {
		_, err := c.InsertMany(ctx, ps)
		return err
	}
	return r, nil
}

// Start starts the client: it works jobs, and runs the schedule while it
// leads, until Stop.
func (r *Runner) Start(ctx context.Context) error { return r.start(ctx) }

// Stop stops fetching jobs, waits for those running, and resigns the
// leadership if this client held it.
func (r *Runner) Stop(ctx context.Context) error { return r.stop(ctx) }

// Reconcile enqueues what the reconciler would, now: the watch jobs of the
// deadlines passed and not yet notified, and the delivery jobs of the mail
// still pending. It is what the periodic job runs.
func (r *Runner) Reconcile(ctx context.Context, n Notices) (int, error) {
	ws, err := n.DueWatches(ctx)
	if err != nil {
		return 0, err
	}
	mail, err := n.PendingMail(ctx, 500, r.backoff)
	if err != nil {
		return 0, err
	}
	var ps []river.InsertManyParams
	for _, w := range ws {
		// One job per deadline and period, not per deadline: a job whose
		// process died stays 'running' until River's rescuer takes it back
		// (an hour), and would keep the next runs from enqueueing its
		// deadline again until then. Another job of the same deadline is
		// harmless: the notice's key lets one write it.
		ps = append(ps, river.InsertManyParams{Args: watchArgs{Notice: w.Kind, Key: w.Key},
			InsertOpts: &river.InsertOpts{UniqueOpts: river.UniqueOpts{ByArgs: true, ByPeriod: max(r.every, time.Second)}}})
	}
	for _, m := range mail {
		// One job per (mail, attempt): a failure completes its job, and
		// the next attempt is the reconciler's, once its wait is over.
		ps = append(ps, river.InsertManyParams{Args: deliverArgs{MailID: m.ID, Attempt: m.Attempt},
			InsertOpts: &river.InsertOpts{MaxAttempts: 1, UniqueOpts: river.UniqueOpts{ByArgs: true}}})
	}
	if len(ps) == 0 {
		return 0, nil
	}
	return len(ps), r.insert(ctx, ps)
}

// MigratePostgres brings River's own tables up to date in the pool's
// schema; MigrateSQLite in the SQLite database. Haven's migrate command
// runs them after Haven's own.
func MigratePostgres(ctx context.Context, pool *pgxpool.Pool) (int, error) {
	return migrate[pgx.Tx](ctx, riverpgxv5.New(pool))
}

// MigrateSQLite is MigratePostgres for SQLite.
func MigrateSQLite(ctx context.Context, db *sql.DB) (int, error) {
	return migrate[*sql.Tx](ctx, riversqlite.New(db))
}

func migrate[TTx any](ctx context.Context, d riverdriver.Driver[TTx]) (int, error) {
	m, err := rivermigrate.New(d, nil)
	if err != nil {
		return 0, fmt.Errorf("jobs: %w", err)
	}
	res, err := m.Migrate(ctx, rivermigrate.DirectionUp, nil)
	if err != nil {
		return 0, fmt.Errorf("jobs: River's migrations: %w", err)
	}
	return len(res.Versions), nil
}

// ReadyPostgres reports whether River's tables are current in the pool's
// schema: serve refuses to start otherwise, as for Haven's own.
func ReadyPostgres(ctx context.Context, pool *pgxpool.Pool) error {
	return ready[pgx.Tx](ctx, riverpgxv5.New(pool))
}

// ReadySQLite is ReadyPostgres for SQLite.
func ReadySQLite(ctx context.Context, db *sql.DB) error {
	return ready[*sql.Tx](ctx, riversqlite.New(db))
}

func ready[TTx any](ctx context.Context, d riverdriver.Driver[TTx]) error {
	m, err := rivermigrate.New(d, nil)
	if err != nil {
		return fmt.Errorf("jobs: %w", err)
	}
	res, err := m.Validate(ctx, nil)
	if err != nil {
		return fmt.Errorf("jobs: %w", err)
	}
	if !res.OK {
		return fmt.Errorf("the job tables are not current (%v): run haven migrate", res.Messages)
	}
	return nil
}
