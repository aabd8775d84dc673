package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/havenhrd/haven"
	"github.com/havenhrd/haven/internal/app"
	"github.com/havenhrd/haven/internal/server"
	"github.com/havenhrd/haven/internal/vault"
)

func cmdServe(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	dsn := fs.String("db", "", "SQLite file path or postgres:// URL")
	addr := fs.String("addr", "127.0.0.1:8080", "listen address")
	origin := fs.String("origin", "", "Haven's public origin, such as https://haven.example.org (default: http://ADDR)")
	var proxies trustedProxies
	fs.Var(&proxies, "trust-proxy", "behind a reverse proxy: --trust-proxy trusts one on this machine (127.0.0.0/8, ::1), "+
		"--trust-proxy=10.0.0.0/8,192.168.1.5 (the list after =) the proxies at those addresses and prefixes; the client is then "+
		"the rightmost X-Forwarded-For address that is not one of them (default: no proxy, the peer is the client)")
	if err := parse(fs, args); err != nil {
		return err
	}
	e, err := open(ctx, *dsn, getenv, stderr, true)
	if err != nil {
		return describe(err)
	}
	defer e.Close()
	if err := e.withPasskeys(originOr(*origin, *addr)); err != nil {
		return err
	}
	return serve(ctx, e, *addr, originOr(*origin, *addr), proxies, stdout)
}

// trustedProxies is the value of --trust-proxy: a boolean flag (given
// alone, it trusts a proxy on this machine) that also takes a list.
type trustedProxies []netip.Prefix

func (p *trustedProxies) IsBoolFlag() bool { return true }

func (p *trustedProxies) String() string {
	if p == nil {
		return ""
	}
	s := make([]string, len(*p))
	for i, x := range *p {
		s[i] = x.String()
	}
	return strings.Join(s, ",")
}

func (p *trustedProxies) Set(v string) error {
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "true", "1":
		*p = server.Loopback
		return nil
	case "false", "0", "":
		*p = nil
		return nil
	}
	ps, err := server.ParseTrustedProxies(v)
	if err != nil {
		return err
	}
	*p = ps
	return nil
}

// serve listens on addr and serves until ctx ends.
func serve(ctx context.Context, e *env, addr, origin string, proxies []netip.Prefix, stdout io.Writer) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	demo, err := e.app.Programme.IsDemo(ctx)
	if err != nil {
		return describe(err)
	}
	handler, err := server.NewServer(e.log, services(e.app), server.Config{Origin: origin, TrustedProxies: proxies, Demo: demo})
	if err != nil {
		return fmt.Errorf("the web pages do not load; refusing to serve: %w", err)
	}
	srv := &http.Server{
		Handler:           handler,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(e.log.Handler(), slog.LevelWarn),
	}
	runner, err := startJobs(ctx, e, origin)
	if err != nil {
		return fmt.Errorf("the jobs do not start; refusing to serve: %w", err)
	}
	fmt.Fprintf(stdout, "haven: serving on http://%s (%s)\n", ln.Addr(), e.db.Engine())
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	stop := func() error {
		sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		return errors.Join(srv.Shutdown(sctx), runner.Stop(sctx))
	}
	select {
	case err := <-errc:
		return errors.Join(err, stop())
	case <-ctx.Done():
		return stop()
	}
}

func cmdMigrate(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("migrate", flag.ContinueOnError)
	dsn := fs.String("db", "", "SQLite file path or postgres:// URL")
	if err := parse(fs, args); err != nil {
		return err
	}
	e, err := open(ctx, *dsn, getenv, stderr, false)
	if err != nil {
		return describe(err)
	}
	defer e.Close()
	n, err := e.db.Migrate(ctx)
	if err != nil {
		return describe(err)
	}
	if _, err := migrateJobs(ctx, e.db); err != nil {
		return err
	}
	if err := e.app.Programme.Bootstrap(ctx); err != nil {
		return describe(err)
	}
	fmt.Fprintf(stdout, "haven: %d migrations applied; schema current\n", n)
	return nil
}

func cmdInit(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("init", flag.ContinueOnError)
	dsn := fs.String("db", "", "SQLite file path or postgres:// URL")
	org := fs.String("org", "", "name of the programme administration")
	username := fs.String("username", "", "the first admin's username")
	name := fs.String("name", "", "the first admin's display name")
	if err := parse(fs, args); err != nil {
		return err
	}
	e, err := open(ctx, *dsn, getenv, stderr, true)
	if err != nil {
		return describe(err)
	}
	defer e.Close()
	o := &haven.Organisation{Name: *org, Country: "CA"}
	u := &haven.User{Username: *username, DisplayName: *name}
	enrol, err := e.app.Programme.CreateFirstAdmin(ctx, o, u)
	if err != nil {
		return describe(err)
	}
	fmt.Fprintf(stdout, "haven: organisation %s and admin %s (%s) created\n", o.ID, u.Username, u.ID)
	printEnrolment(stdout, u, enrol)
	return nil
}

// printEnrolment shows a user's one-time enrolment secret: the user sets
// their own password and second factor with it. No password ever passes
// through the command line.
func printEnrolment(w io.Writer, u *haven.User, secret string) {
	fmt.Fprintf(w, "one-time enrolment secret for %s (valid 72 hours, give it to them by a trusted channel):\n  %s\n", u.Username, secret)
}

// listFlag collects a repeated flag.
type listFlag []string

func (l *listFlag) String() string     { return strings.Join(*l, ",") }
func (l *listFlag) Set(s string) error { *l = append(*l, s); return nil }

func cmdRules(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 || (args[0] != "show" && args[0] != "set") {
		return usagef("rules: say show or set")
	}
	sub := args[0]
	fs := flag.NewFlagSet("rules "+sub, flag.ContinueOnError)
	dsn := fs.String("db", "", "SQLite file path or postgres:// URL")
	year := fs.Int("year", time.Now().Year(), "the programme year")
	as := fs.String("as", "", "username of the administrator making the change (set), or reading (show)")
	capN := fs.Int("cap", -1, "the cap in persons (set); unchanged when omitted")
	handover := fs.Int("handover-days", 0, "days after a family's arrival during which the referring partner still sees its contact details, whereabouts and confidential notes, 0 to 365 (set); unchanged when omitted")
	infoDays := fs.Int("info-days", 0, "days a request for information waits for the referring partner's answer before the partner and the visa office are told, 1 to 365 (set); unchanged when omitted")
	var referrers, allocations, targets, stages listFlag
	fs.Var(&referrers, "referrer", "an organisation ID allowed to refer this year, besides referral partners (repeatable; replaces the list)")
	fs.Var(&allocations, "allocation", "ORG_ID=PERSONS, a partner's allocation inside the cap (repeatable; replaces the list)")
	fs.Var(&targets, "target", "PRIORITY=DAYS, the target time from referral to departure (repeatable)")
	fs.Var(&stages, "stage-days", "STAGE:PRIORITY=DAYS, a stage's time budget (stages file, eligibility, admissibility, departure; repeatable)")
	if err := parse(fs, args[1:]); err != nil {
		return err
	}
	e, err := open(ctx, *dsn, getenv, stderr, true)
	if err != nil {
		return describe(err)
	}
	defer e.Close()
	actor, err := actorByUsername(ctx, e.app, *as)
	if err != nil {
		return describe(err)
	}
	if sub == "show" {
		r, err := e.app.Programme.FindRules(ctx, actor, *year)
		if err != nil {
			return describe(err)
		}
		printRules(stdout, r)
		if f, err := e.app.Programme.CapFigures(ctx, actor, *year); err == nil {
			fmt.Fprintf(stdout, "ledger: cap %d, reserved %d, arrived %d, remaining %d\n", f.Cap, f.Reserved, f.Arrived, f.Remaining)
		}
		return nil
	}
	r, err := e.app.Programme.FindRules(ctx, actor, *year)
	if haven.ErrorCodeOf(err) == haven.ENOTFOUND {
		r = haven.DefaultRules(*year)
	} else if err != nil {
		return describe(err)
	}
	if *capN >= 0 {
		r.Cap = *capN
	}
	// Visit, not a sentinel value: 0 is a valid handover time, and a
	// negative one must reach Validate to be refused.
	fs.Visit(func(f *flag.Flag) {
		if f.Name == "handover-days" {
			r.HandoverDays = *handover
		}
		if f.Name == "info-days" {
			r.InfoRequestDays = *infoDays
			if r.InfoRequestDays == 0 {
				r.InfoRequestDays = -1 // refused by Validate: 0 would mean unchanged
			}
		}
	})
	if len(referrers) > 0 {
		r.Referrers = nil
		for _, id := range referrers {
			r.Referrers = append(r.Referrers, haven.ID(id))
		}
	}
	if len(allocations) > 0 {
		r.Allocations = map[haven.ID]int{}
		for _, a := range allocations {
			id, n, ok := strings.Cut(a, "=")
			v, err := strconv.Atoi(n)
			if !ok || err != nil {
				return usagef("--allocation takes ORG_ID=PERSONS")
			}
			r.Allocations[haven.ID(id)] = v
		}
	}
	for _, t := range targets {
		p, n, ok := strings.Cut(t, "=")
		pr, err1 := haven.ParsePriority(p)
		v, err2 := strconv.Atoi(n)
		if !ok || err1 != nil || err2 != nil {
			return usagef("--target takes PRIORITY=DAYS with emergency, urgent or normal")
		}
		r.TargetDays[pr] = v
	}
	for _, s := range stages {
		sp, n, ok := strings.Cut(s, "=")
		st, p, ok2 := strings.Cut(sp, ":")
		stage, err1 := haven.ParseStage(st)
		pr, err2 := haven.ParsePriority(p)
		v, err3 := strconv.Atoi(n)
		if !ok || !ok2 || err1 != nil || err2 != nil || err3 != nil {
			return usagef("--stage-days takes STAGE:PRIORITY=DAYS, such as admissibility:emergency=3")
		}
		if r.StageDays == nil {
			r.StageDays = map[haven.Stage]map[haven.Priority]int{}
		}
		if r.StageDays[stage] == nil {
			r.StageDays[stage] = map[haven.Priority]int{}
		}
		r.StageDays[stage][pr] = v
	}
	if err := e.app.Programme.SetRules(ctx, actor, r); err != nil {
		return describe(err)
	}
	fmt.Fprintf(stdout, "haven: rules for %d set (version %d)\n", r.Year, r.Version)
	printRules(stdout, r)
	return nil
}

func printRules(w io.Writer, r *haven.ProgrammeRules) {
	fmt.Fprintf(w, "year %d, version %d (by %s at %s)\n", r.Year, r.Version, r.ChangedBy, r.ChangedAt.Format(time.RFC3339))
	fmt.Fprintf(w, "cap: %d persons\n", r.Cap)
	fmt.Fprintf(w, "may refer: kinds %v, organisations %v\n", r.ReferrerKinds, r.Referrers)
	ids := make([]string, 0, len(r.Allocations))
	for id := range r.Allocations {
		ids = append(ids, string(id))
	}
	sort.Strings(ids)
	for _, id := range ids {
		fmt.Fprintf(w, "allocation: %s %d persons\n", id, r.Allocations[haven.ID(id)])
	}
	for _, p := range haven.Priorities {
		fmt.Fprintf(w, "target %s: %d days\n", p, r.TargetDays[p])
	}
	for _, st := range haven.Stages {
		fmt.Fprintf(w, "stage %s:", st)
		for _, p := range haven.Priorities {
			fmt.Fprintf(w, " %s %d", p, r.StageDays[st][p])
		}
		fmt.Fprintln(w, " days")
	}
	fmt.Fprintf(w, "handover: %d days after arrival\n", r.HandoverDays)
	fmt.Fprintf(w, "information requests: told after %d days unanswered\n", r.InfoRequestDays)
}

func cmdKeys(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 || (args[0] != "generate" && args[0] != "rotate") {
		return usagef("keys: say generate or rotate")
	}
	sub := args[0]
	fs := flag.NewFlagSet("keys "+sub, flag.ContinueOnError)
	out := fs.String("out", "", "where to write the new key file (generate)")
	dsn := fs.String("db", "", "SQLite file path or postgres:// URL (rotate)")
	as := fs.String("as", "", "username of the administrator rotating the keys (rotate)")
	if err := parse(fs, args[1:]); err != nil {
		return err
	}
	if sub == "generate" {
		if *out == "" {
			return usagef("keys generate: --out is required")
		}
		k, err := vault.GenerateKeyring(nil)
		if err != nil {
			return err
		}
		if err := writeKeyFile(*out, k, false); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "haven: key file written to %s (key %s); keep it off the database's machine backups\n", *out, k.Current.ID)
		return nil
	}
	e, err := open(ctx, *dsn, getenv, stderr, true)
	if err != nil {
		return describe(err)
	}
	defer e.Close()
	if e.path == "" {
		return errors.New("keys rotate needs HAVEN_KEY_FILE: the rotated key file is written there")
	}
	actor, err := actorByUsername(ctx, e.app, *as)
	if err != nil {
		return describe(err)
	}
	rotated, err := e.keys.Rotate(nil)
	if err != nil {
		return err
	}
	// Write the new file first: if re-wrapping stops half-way, the file
	// still holds every key needed, and running rotate's second half again
	// finishes the job.
	if err := writeKeyFile(e.path, rotated, true); err != nil {
		return err
	}
	v, err := vault.New(rotated)
	if err != nil {
		return err
	}
	e.app = newApp(e, v, nil)
	n, err := e.app.Programme.RewrapDataKeys(ctx, actor, 500)
	if err != nil {
		return describe(err)
	}
	fmt.Fprintf(stdout, "haven: key file rotated to %s; %d data keys re-wrapped\n", rotated.Current.ID, n)
	return nil
}

// writeKeyFile writes k to path with mode 0600, atomically. Without replace
// it refuses to overwrite an existing file.
func writeKeyFile(path string, k *vault.Keyring, replace bool) error {
	b, err := k.Marshal()
	if err != nil {
		return err
	}
	if !replace {
		if _, err := os.Stat(path); err == nil {
			return fmt.Errorf("%s exists: refusing to overwrite a key file", path)
		}
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".haven-keys-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return err
	}
	if _, err := tmp.Write(b); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// writePrivate writes b to path, readable and writable by its owner alone
// (0600, set explicitly: neither the umask nor an earlier file's mode can
// widen it).
func writePrivate(path string, b []byte) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return err
	}
	if err := f.Chmod(0o600); err != nil {
		f.Close()
		return err
	}
	if _, err := f.Write(b); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// mkdirPrivate makes the directory dir (and its parents) when it is
// missing, open to its owner alone (0700, set explicitly whatever the
// umask). A directory that exists is left as it is.
func mkdirPrivate(dir string) error {
	if _, err := os.Stat(dir); err == nil {
		return nil
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	return os.Chmod(dir, 0o700)
}

// originOr is origin, or the listen address's own origin.
func originOr(origin, addr string) string {
	if origin != "" {
		return strings.TrimSuffix(origin, "/")
	}
	return "http://" + addr
}

// services wires the app's rooms, its clock and its health into the
// server.
func services(a *app.App) server.Services {
	return server.Services{Health: a, Clock: a, Accounts: a.Accounts, Cases: a.Cases, Nominations: a.Nominations, Programme: a.Programme, Notices: a.Notices}
}
