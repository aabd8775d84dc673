package jobs

import (
	"context"
	"errors"

	"github.com/riverqueue/river"

	"github.com/havenhrd/haven"
	"github.com/havenhrd/haven/internal/app"
)

// reconcileArgs is the periodic reconciler's job. It has no arguments: it
// reads everything it needs from the rows.
type reconcileArgs struct{}

// Kind names the job in River's tables.
func (reconcileArgs) Kind() string { return "haven.reconcile" }

type reconcileWorker struct {
	river.WorkerDefaults[reconcileArgs]
	cfg Config
	r   *Runner
}

func (w *reconcileWorker) Work(ctx context.Context, job *river.Job[reconcileArgs]) error {
	_, err := w.r.Reconcile(ctx, w.cfg.Notices)
	return err
}

// watchArgs is one deadline to notify: its kind and identity (IDs and
// times only, never personal data, since River keeps the arguments).
type watchArgs struct {
	Notice haven.NoticeKind `json:"kind"`
	Key    string           `json:"key"`
}

// Kind names the job in River's tables.
func (watchArgs) Kind() string { return "haven.watch" }

type watchWorker struct {
	river.WorkerDefaults[watchArgs]
	notices Notices
}

func (w *watchWorker) Work(ctx context.Context, job *river.Job[watchArgs]) error {
	_, err := w.notices.Fire(ctx, app.Watch{Kind: job.Args.Notice, Key: job.Args.Key})
	return err
}

// deliverArgs is one mail of the outbox to deliver.
type deliverArgs struct {
	MailID  haven.ID `json:"mail_id"`
	Attempt int      `json:"attempt"`
}

// Kind names the job in River's tables.
func (deliverArgs) Kind() string { return "haven.deliver" }

type deliverWorker struct {
	river.WorkerDefaults[deliverArgs]
	cfg Config
}

// Work makes one attempt to deliver the mail: a mail delivered, cancelled
// or given up already, or whose attempt this is not, is done; a failure is
// recorded, and the reconciler enqueues the next attempt once its backoff
// has passed (the wait is read from the recorded attempts, not kept in
// River or in memory), until the last attempt, recorded as failed; a
// bounce is recorded as failed at once and not retried.
func (w *deliverWorker) Work(ctx context.Context, job *river.Job[deliverArgs]) error {
	if w.cfg.Mailer == nil {
		return river.JobSnooze(w.cfg.Every)
	}
	n := w.cfg.Notices
	m, err := n.MailToSend(ctx, job.Args.MailID)
	if haven.ErrorCodeOf(err) == haven.ECONFLICT || haven.ErrorCodeOf(err) == haven.ENOTFOUND {
		return nil
	} else if err != nil {
		return err
	}
	if m.Attempt != job.Args.Attempt {
		return nil // another attempt's job: this one is stale
	}
	detail, permanent, err := w.cfg.Mailer.Send(ctx, m.To, m.Lang)
	if err == nil {
		return n.RecordDelivery(ctx, m.ID, true, detail, false)
	}
	last := permanent || m.Attempt >= w.cfg.MailAttempts
	if rerr := n.RecordDelivery(ctx, m.ID, false, detail, last); rerr != nil {
		return errors.Join(err, rerr)
	}
	w.cfg.Log.WarnContext(ctx, "a mail was not delivered", "mail", string(m.ID), "attempt", m.Attempt, "detail", detail, "last", last)
	return nil
}
