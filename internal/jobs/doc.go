// Package jobs runs Haven's durable jobs on River (github.com/riverqueue/river),
// in the database Haven already uses: PostgreSQL through riverpgxv5, or the
// embedded SQLite through riversqlite. Every `haven serve` process runs one
// River client; on PostgreSQL several processes share the jobs, each job
// claimed by one of them, and one of them, the leader River elects, runs the
// periodic schedule.
//
// No deadline depends on a process's memory. A deadline is a row (a case's
// stage and its due date, a request and when it was made, an assignment, an
// arrival, an enrolment link, a token), written in the transaction of the
// act that sets it. The one periodic job, the reconciler, reads those rows
// (app.Notices.DueWatches) and enqueues a watch job per deadline passed and
// not yet notified, unique by its arguments within the reconciler's
// period, and a delivery job per mail still pending, unique by its
// arguments, so a second reconciler run, a retry or another process adds
// nothing. A watch job writes its notice in one transaction, keyed by
// (deadline, kind) under a UNIQUE constraint: whatever River does twice,
// the notice is written once. A reconciler run missed (a leader stopped
// or killed just before its tick: River keeps its schedule in memory) only
// delays the notices to the next run, from any process, since the next
// run reads the same rows; so does a watch job whose process was killed
// while it ran (River leaves it 'running' until its rescuer, an hour
// later, retries it: the next period's run enqueues the deadline anew).
//
// Mail is an outbox: a row written with the notice, delivered by a job
// over SMTP (the Mailer), retried with River's backoff, each attempt
// recorded on the row.
package jobs
