package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"runtime/pprof"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/havenhrd/haven/internal/bench"
	"github.com/havenhrd/haven/internal/vault"
)

// cmdBench runs a benchmark: `haven bench queue`.
func cmdBench(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "queue" {
		return usagef("usage: haven bench queue [flags]")
	}
	fs := flag.NewFlagSet("bench queue", flag.ContinueOnError)
	fs.SetOutput(stderr)
	dir := fs.String("dir", filepath.Join(os.TempDir(), "haven-bench"), "directory for the seeded SQLite databases and the key files (kept: a later run reuses a seed)")
	pg := fs.String("postgres", "", "a postgres:// URL: seed and measure PostgreSQL, in databases haven_bench_N made beside the URL's (default: SQLite in --dir)")
	sizes := fs.String("cases", "1000,100000", "the seeds' sizes, in cases (about four persons each), smallest first: the figures of each are compared with the first's")
	clients := fs.Int("clients", 50, "concurrent clients of the concurrent runs")
	iterations := fs.Int("iterations", 300, "pages asked for by the one client, for each page")
	duration := fs.Duration("duration", 5*time.Second, "how long the concurrent clients ask, for each page")
	seedOnly := fs.Bool("seed-only", false, "seed the databases that are empty, and measure nothing")
	cpuprofile := fs.String("cpuprofile", "", "write a CPU profile of the runs to this file")
	if err := parse(fs, args[1:]); err != nil {
		return err
	}
	if *cpuprofile != "" {
		f, err := os.Create(*cpuprofile)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	var ns []int
	for _, s := range strings.Split(*sizes, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n < 2*bench.MinCases {
			return usagef("--cases: sizes of at least %d cases, comma-separated", 2*bench.MinCases)
		}
		ns = append(ns, n)
	}
	if err := mkdirPrivate(*dir); err != nil {
		return err
	}
	today := time.Now().UTC()
	var results []*bench.Result
	for _, n := range ns {
		engine := "sqlite"
		dsn := filepath.Join(*dir, fmt.Sprintf("queue-%d.db", n))
		if *pg != "" {
			engine = "postgres"
			var err error
			if dsn, err = benchDatabase(ctx, *pg, n); err != nil {
				return err
			}
		}
		keys, err := benchKeys(filepath.Join(*dir, fmt.Sprintf("queue-%s-%d.keys.json", engine, n)))
		if err != nil {
			return err
		}
		fmt.Fprintf(stderr, "%s, %d cases: seeding if need be, then measuring\n", engine, n)
		r, err := bench.Run(ctx, bench.Config{DSN: dsn, Keys: keys, Cases: n, Today: today, Clients: *clients,
			Iterations: *iterations, Duration: *duration, Log: stderr, SeedOnly: *seedOnly})
		if err != nil {
			return err
		}
		if *seedOnly {
			continue
		}
		results = append(results, r)
		bench.Print(stdout, r)
	}
	if len(results) > 1 {
		bench.PrintScale(stdout, results[0], results[len(results)-1])
	}
	return nil
}

// benchKeys reads the key file of a seed, or makes one for a new seed.
func benchKeys(path string) (*vault.Keyring, error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		k, err := vault.GenerateKeyring(nil)
		if err != nil {
			return nil, err
		}
		return k, writeKeyFile(path, k, false)
	} else if err != nil {
		return nil, err
	}
	return vault.ParseKeyring(b)
}

// benchDatabase makes (once) the database haven_bench_N on the server of
// base, and returns its URL.
func benchDatabase(ctx context.Context, base string, n int) (string, error) {
	u, err := url.Parse(base)
	if err != nil {
		return "", usagef("--postgres: %v", err)
	}
	conn, err := pgx.Connect(ctx, base)
	if err != nil {
		return "", err
	}
	defer conn.Close(ctx)
	name := fmt.Sprintf("haven_bench_%d", n)
	var exists bool
	if err := conn.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)`, name).Scan(&exists); err != nil {
		return "", err
	}
	if !exists {
		if _, err := conn.Exec(ctx, `CREATE DATABASE `+pgx.Identifier{name}.Sanitize()); err != nil {
			return "", err
		}
	}
	u.Path = "/" + name
	return u.String(), nil
}
