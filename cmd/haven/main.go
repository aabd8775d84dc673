// Command haven runs Haven, the shared case system for the resettlement of
// human rights defenders at risk to Canada.
//
// Usage:
//
//	haven demo    [--dir DIR] [--addr ADDR]       a fresh demo database, then serve
//	haven serve   --db PATH|URL [--addr ADDR]      serve HTTP (/healthz, /readyz)
//	haven migrate --db PATH|URL                    bring the schema up to date
//	haven init    --db PATH|URL --org NAME --username U --name NAME
//	                                               first organisation and admin
//	haven rules show --db PATH|URL --year Y
//	haven rules set  --db PATH|URL --year Y --as USERNAME [--cap N]
//	                 [--referrer ORG_ID]... [--allocation ORG_ID=N]... [--target PRIORITY=DAYS]...
//	                 [--handover-days N]
//	haven keys generate --out FILE                 a new key file (mode 0600)
//	haven keys rotate --db PATH|URL --as USERNAME  rotate the key file and re-wrap data keys
//	haven org create --db D --as ADMIN --kind K --name N [--country C]
//	haven user create --db D --as ADMIN --org ORG_ID --username U --name N [--role R]
//	                                               prints a one-time enrolment secret, never a password
//	haven user disable|enrol --db D --as ADMIN --username U
//	haven token create --db D --as ADMIN --user U --name N [--days 90]
//	haven token revoke --db D --as ADMIN --id TOKEN_ID
//	haven audit verify --db PATH|URL               recompute the audit log, check every signed checkpoint
//	haven audit prove N --db PATH|URL              an inclusion proof of event N, checkable with the public key
//	haven audit scope --db PATH|URL --user U --from T1 --to T2
//	                                               what a user read or changed in a window, with proofs
//	haven audit pubkey                             the audit log's public verifier key
//	haven audit check --key VKEY < proof.json      check a proof with the public key alone
//	haven placement bench (--hias DIR [--dims 1|3] | --generate N,M [--seed S])
//	                                               solve a placement benchmark, beside CBC when installed
//
// The key file is named by HAVEN_KEY_FILE, or its content given in
// HAVEN_KEYS; never on the command line and never in the database.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Getenv, os.Stdin, os.Stdout, os.Stderr); err != nil {
		var u usageError
		if errors.As(err, &u) {
			fmt.Fprintln(os.Stderr, "haven:", err)
			os.Exit(2)
		}
		fmt.Fprintln(os.Stderr, "haven:", err)
		os.Exit(1)
	}
}

// usageError is a mistake in the command line.
type usageError struct{ msg string }

func (u usageError) Error() string { return u.msg }

func usagef(format string, args ...any) error { return usageError{fmt.Sprintf(format, args...)} }

const usage = `usage: haven <command> [flags]

commands:
  demo           create a demo database with synthetic cases, then serve it
  serve          serve HTTP on --addr
  migrate        bring the database schema up to date
  init           create the programme administration and its first admin
  rules show|set show or set a year's programme rules
  keys generate|rotate
                 make a key file, or rotate it and re-wrap every data key
  org create     add an organisation
  user create|disable|enrol
                 add a user (prints a one-time enrolment secret), disable one, re-enrol one
  token create|revoke
                 API tokens for organisations' systems
  audit verify|prove|scope|pubkey|check
                 verify the tamper-evident audit log, prove an event, scope a breach
  bench queue    seed databases of synthetic cases and time the work queue on them
  placement bench
                 solve a placement benchmark (HIAS FY17 or generated), beside CBC

Keys: HAVEN_KEY_FILE names the key file (or HAVEN_KEYS holds its content).
Run 'haven <command> -h' for a command's flags.`

// run is the whole program, with its environment passed in.
func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprintln(stderr, usage)
		return usagef("no command")
	}
	cmd, rest := args[0], args[1:]
	switch cmd {
	case "serve":
		return cmdServe(ctx, rest, getenv, stdout, stderr)
	case "migrate":
		return cmdMigrate(ctx, rest, getenv, stdout, stderr)
	case "init":
		return cmdInit(ctx, rest, getenv, stdout, stderr)
	case "rules":
		return cmdRules(ctx, rest, getenv, stdout, stderr)
	case "keys":
		return cmdKeys(ctx, rest, getenv, stdout, stderr)
	case "demo":
		return cmdDemo(ctx, rest, getenv, stdout, stderr)
	case "audit":
		return cmdAudit(ctx, rest, getenv, stdin, stdout, stderr)
	case "org":
		return cmdOrg(ctx, rest, getenv, stdout, stderr)
	case "user":
		return cmdUser(ctx, rest, getenv, stdout, stderr)
	case "token":
		return cmdToken(ctx, rest, getenv, stdout, stderr)
	case "bench":
		return cmdBench(ctx, rest, stdout, stderr)
	case "placement":
		return cmdPlacement(ctx, rest, stdout, stderr)
	case "help", "-h", "--help":
		fmt.Fprintln(stdout, usage)
		return nil
	}
	fmt.Fprintln(stderr, usage)
	return usagef("unknown command %q", cmd)
}
