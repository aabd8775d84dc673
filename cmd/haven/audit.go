package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"time"

	"github.com/havenhrd/haven"
	"github.com/havenhrd/haven/internal/audit"
)

// cmdAudit: verify the log, prove an event's inclusion, scope a breach,
// print the public key, or check a proof with the public key alone.
func cmdAudit(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return usagef("audit: say verify, prove, scope, pubkey or check")
	}
	sub, rest := args[0], args[1:]
	fs := flag.NewFlagSet("audit "+sub, flag.ContinueOnError)
	dsn := fs.String("db", "", "SQLite file path or postgres:// URL")
	switch sub {
	case "verify":
		if err := parse(fs, rest); err != nil {
			return err
		}
		e, err := open(ctx, *dsn, getenv, stderr, true)
		if err != nil {
			return describe(err)
		}
		defer e.Close()
		vkey, err := e.keys.AuditVerifierKey()
		if err != nil {
			return err
		}
		start := time.Now()
		rep, err := e.app.AuditLog.VerifyAudit(ctx, vkey)
		var f *audit.Finding
		if errors.As(err, &f) {
			fmt.Fprintf(stdout, "TAMPERED at event %d (%s): %s\n", f.Seq, f.Kind, f.Message)
			return errors.New("the audit log does not verify")
		} else if err != nil {
			return describe(err)
		}
		fmt.Fprintf(stdout, "audit log verified: %d events, %d signed checkpoints, root %s (%v)\n",
			rep.Events, rep.Checkpoints, rep.Root, time.Since(start).Round(time.Millisecond))
		return nil
	case "prove":
		if len(rest) == 0 {
			return usagef("audit prove: give the event's sequence number first")
		}
		seq, err := strconv.ParseInt(rest[0], 10, 64)
		if err != nil || seq < 1 {
			return usagef("audit prove: the sequence number is a whole number from 1")
		}
		if err := parse(fs, rest[1:]); err != nil {
			return err
		}
		e, err := open(ctx, *dsn, getenv, stderr, true)
		if err != nil {
			return describe(err)
		}
		defer e.Close()
		p, err := e.app.AuditLog.ProveAudit(ctx, seq)
		if err != nil {
			return describe(err)
		}
		return writeJSON(stdout, p)
	case "scope":
		user := fs.String("user", "", "the user's ID or username")
		from := fs.String("from", "", "start of the window, RFC 3339 (for example 2026-01-01T00:00:00Z)")
		to := fs.String("to", "", "end of the window, RFC 3339 (exclusive)")
		if err := parse(fs, rest); err != nil {
			return err
		}
		t1, err1 := time.Parse(time.RFC3339, *from)
		t2, err2 := time.Parse(time.RFC3339, *to)
		if err1 != nil || err2 != nil || !t1.Before(t2) {
			return usagef("audit scope: --from and --to are RFC 3339 times, from before to")
		}
		e, err := open(ctx, *dsn, getenv, stderr, true)
		if err != nil {
			return describe(err)
		}
		defer e.Close()
		id := haven.ID(*user)
		if u, err := e.app.Programme.FindUserByUsername(ctx, *user); err == nil {
			id = u.ID
		}
		entries, err := e.app.AuditLog.ScopeAudit(ctx, id, t1, t2)
		if err != nil {
			return describe(err)
		}
		return writeJSON(stdout, map[string]any{"user": id, "from": t1, "to": t2, "entries": entries})
	case "pubkey":
		if err := parse(fs, rest); err != nil {
			return err
		}
		keys, _, err := loadKeys(getenv)
		if err != nil {
			return err
		}
		vkey, err := keys.AuditVerifierKey()
		if err != nil {
			return err
		}
		fmt.Fprintln(stdout, vkey)
		return nil
	case "check":
		key := fs.String("key", "", "the log's public verifier key (from 'haven audit pubkey')")
		if err := parse(fs, rest); err != nil {
			return err
		}
		if *key == "" {
			return usagef("audit check: --key is required; the proof is read from standard input")
		}
		if stdin == nil {
			stdin = os.Stdin
		}
		b, err := io.ReadAll(io.LimitReader(stdin, 1<<20))
		if err != nil {
			return err
		}
		var p audit.Proof
		if err := json.Unmarshal(b, &p); err != nil {
			return fmt.Errorf("the proof is not valid: %w", err)
		}
		if err := audit.CheckProof(&p, *key); err != nil {
			return describe(err)
		}
		fmt.Fprintf(stdout, "proof checks: event %d (%s) is in the log of %s\n", p.Event.Seq, p.Event.Action, *key)
		return nil
	}
	return usagef("audit: unknown subcommand %q", sub)
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}
