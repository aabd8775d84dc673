package main

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/havenhrd/haven/internal/jobs"
	"github.com/havenhrd/haven/internal/mail"
	"github.com/havenhrd/haven/internal/postgres"
	"github.com/havenhrd/haven/internal/sqlite"
)

// migrateJobs brings River's own tables up to date, in the same database
// (and schema) as Haven's.
func migrateJobs(ctx context.Context, db database) (int, error) {
	switch d := db.(type) {
	case *sqlite.DB:
		return jobs.MigrateSQLite(ctx, d.Writer())
	case *postgres.DB:
		return jobs.MigratePostgres(ctx, d.Pool())
	}
	return 0, fmt.Errorf("no job tables for a %s database", db.Engine())
}

// jobsReady reports whether River's tables are current.
func jobsReady(ctx context.Context, db database) error {
	switch d := db.(type) {
	case *sqlite.DB:
		return jobs.ReadySQLite(ctx, d.Writer())
	case *postgres.DB:
		return jobs.ReadyPostgres(ctx, d.Pool())
	}
	return fmt.Errorf("no job tables for a %s database", db.Engine())
}

// mailer is the SMTP sender the environment names, or nil when
// HAVEN_SMTP_HOST is unset (mail then waits in the outbox):
//
//	HAVEN_SMTP_HOST      the server's host name
//	HAVEN_SMTP_PORT      its port (default 587)
//	HAVEN_SMTP_USER      the user name, when the server asks for one
//	HAVEN_SMTP_PASSWORD  its password
//	HAVEN_SMTP_FROM      the sender address, such as haven@example.org
//	HAVEN_SMTP_TLS       mandatory, opportunistic (default) or none
func mailer(getenv func(string) string, origin string) (*mail.Sender, error) {
	host := getenv("HAVEN_SMTP_HOST")
	if host == "" {
		return nil, nil
	}
	port := 0
	if p := getenv("HAVEN_SMTP_PORT"); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 || n > 65535 {
			return nil, usagef("HAVEN_SMTP_PORT is not a port number")
		}
		port = n
	}
	return mail.New(mail.Config{Host: host, Port: port, Username: getenv("HAVEN_SMTP_USER"), Password: getenv("HAVEN_SMTP_PASSWORD"),
		From: getenv("HAVEN_SMTP_FROM"), TLS: getenv("HAVEN_SMTP_TLS"), Origin: origin})
}

// startJobs starts this process's River client on e's database: it works
// the watch and delivery jobs, and while it leads, runs the reconciler
// every minute.
func startJobs(ctx context.Context, e *env, origin string) (*jobs.Runner, error) {
	m, err := mailer(e.getenv, origin)
	if err != nil {
		return nil, err
	}
	cfg := jobs.Config{Notices: e.app.Notices, Every: time.Minute, Log: e.log}
	if m != nil {
		cfg.Mailer = m
	} else {
		e.log.Warn("no SMTP server: set HAVEN_SMTP_HOST and HAVEN_SMTP_FROM to send mail; it waits in the outbox until then")
	}
	var r *jobs.Runner
	switch d := e.db.(type) {
	case *sqlite.DB:
		r, err = jobs.NewSQLite(d.Writer(), cfg)
	case *postgres.DB:
		r, err = jobs.NewPostgres(d.Pool(), cfg)
	default:
		err = fmt.Errorf("no jobs on a %s database", e.db.Engine())
	}
	if err != nil {
		return nil, err
	}
	if err := r.Start(ctx); err != nil {
		return nil, err
	}
	return r, nil
}
