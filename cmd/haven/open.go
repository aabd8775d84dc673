package main

import (
	"net/url"

	"context"
	"errors"
	"flag"
	"fmt"
	"github.com/havenhrd/haven/internal/auth"
	"github.com/havenhrd/haven/internal/policy"
	"golang.org/x/mod/sumdb/note"
	"io"
	"log/slog"
	"os"
	"strings"

	"github.com/havenhrd/haven"
	"github.com/havenhrd/haven/internal/app"
	"github.com/havenhrd/haven/internal/postgres"
	"github.com/havenhrd/haven/internal/sqlite"
	"github.com/havenhrd/haven/internal/store"
	"github.com/havenhrd/haven/internal/vault"
)

// database is a store that can also migrate its schema.
type database interface {
	store.Store
	Migrate(ctx context.Context) (int, error)
}

// openDB opens a SQLite path or a postgres:// URL.
func openDB(ctx context.Context, dsn string) (database, error) {
	switch {
	case dsn == "":
		return nil, usagef("--db is required: a SQLite file path or a postgres:// URL")
	case strings.HasPrefix(dsn, "postgres://"), strings.HasPrefix(dsn, "postgresql://"):
		return postgres.Open(ctx, dsn)
	default:
		return sqlite.Open(ctx, dsn)
	}
}

// loadKeys reads the keyring from HAVEN_KEYS (content) or HAVEN_KEY_FILE
// (a path). A key file readable by group or others is refused.
func loadKeys(getenv func(string) string) (*vault.Keyring, string, error) {
	if s := getenv("HAVEN_KEYS"); s != "" {
		k, err := vault.ParseKeyring([]byte(s))
		return k, "", err
	}
	path := getenv("HAVEN_KEY_FILE")
	if path == "" {
		return nil, "", errors.New("no keys: set HAVEN_KEY_FILE to a key file made by 'haven keys generate'")
	}
	st, err := os.Stat(path)
	if err != nil {
		return nil, "", fmt.Errorf("key file: %w", err)
	}
	if st.Mode().Perm()&0o077 != 0 {
		return nil, "", fmt.Errorf("key file %s is readable by others (mode %v): chmod 600 it", path, st.Mode().Perm())
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, "", fmt.Errorf("key file: %w", err)
	}
	k, err := vault.ParseKeyring(b)
	return k, path, err
}

// newLogger logs JSON to w. Haven logs no personal data: IDs, codes, counts.
func newLogger(w io.Writer) *slog.Logger {
	return slog.New(slog.NewJSONHandler(w, &slog.HandlerOptions{Level: slog.LevelInfo}))
}

// env is an opened database, keys and app for one command.
type env struct {
	db     database
	keys   *vault.Keyring
	path   string
	app    *app.App
	log    *slog.Logger
	signer note.Signer
	vault  *vault.Vault
	hasher *auth.Hasher
	// getenv is the environment the command was given: the jobs read
	// the SMTP server's settings from it.
	getenv func(string) string
}

func (e *env) Close() error { return e.db.Close() }

// open opens the database and keys named by the flags and environment.
// With current set, it refuses a database whose schema is out of date.
func open(ctx context.Context, dsn string, getenv func(string) string, stderr io.Writer, current bool) (*env, error) {
	if err := policy.Err(); err != nil {
		return nil, fmt.Errorf("the access policies do not load; refusing to run: %w", err)
	}
	keys, path, err := loadKeys(getenv)
	if err != nil {
		return nil, err
	}
	v, err := vault.New(keys)
	if err != nil {
		return nil, err
	}
	db, err := openDB(ctx, dsn)
	if err != nil {
		return nil, err
	}
	if current {
		if err := db.Ready(ctx); err != nil {
			db.Close()
			return nil, err
		}
		if err := jobsReady(ctx, db); err != nil {
			db.Close()
			return nil, err
		}
	}
	log := newLogger(stderr)
	signer, err := note.NewSigner(keys.AuditKey)
	if err != nil {
		db.Close()
		return nil, errors.New("the key file's audit key is not a signing key")
	}
	hasher, err := auth.NewHasher(auth.HasherConfig{})
	if err != nil {
		db.Close()
		return nil, err
	}
	e := &env{db: db, keys: keys, path: path, log: log, signer: signer, vault: v, hasher: hasher, getenv: getenv}
	e.app = newApp(e, v, nil)
	return e, nil
}

// withPasskeys rebuilds e's app with passkeys for origin, when the origin
// can carry them (https, or http on localhost); otherwise passkeys stay
// off and TOTP remains.
func (e *env) withPasskeys(origin string) error {
	u, err := url.Parse(origin)
	if err != nil || u.Hostname() == "" {
		return usagef("--origin is not a URL")
	}
	if u.Scheme != "https" && u.Hostname() != "localhost" {
		e.log.Warn("passkeys are off: they need an https origin (or localhost)", "origin", origin)
		return nil
	}
	pk, err := auth.NewPasskeys(auth.PasskeyConfig{RPID: u.Hostname(), RPDisplayName: "Haven", Origins: []string{origin}})
	if err != nil {
		return err
	}
	e.app = newApp(e, e.vault, pk)
	return nil
}

// actorByUsername resolves --as to an actor.
func actorByUsername(ctx context.Context, a *app.App, username string) (haven.Actor, error) {
	if username == "" {
		return haven.Actor{}, usagef("--as is required: every change is made by a named user")
	}
	u, err := a.Programme.FindUserByUsername(ctx, username)
	if err != nil {
		return haven.Actor{}, err
	}
	return haven.Actor{UserID: u.ID, OrgID: u.OrgID}, nil
}

// parse parses flags, turning a flag error into a usage error.
func parse(fs *flag.FlagSet, args []string) error {
	fs.SetOutput(io.Discard)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return usagef("flags of %s:\n%s", fs.Name(), flagHelp(fs))
		}
		return usagef("%s: %v\n%s", fs.Name(), err, flagHelp(fs))
	}
	if fs.NArg() > 0 {
		return usagef("%s: unexpected argument %q", fs.Name(), fs.Arg(0))
	}
	return nil
}

func flagHelp(fs *flag.FlagSet) string {
	var b strings.Builder
	fs.VisitAll(func(f *flag.Flag) { fmt.Fprintf(&b, "  --%s\t%s\n", f.Name, f.Usage) })
	return b.String()
}

// describe turns an error into what the operator sees: the message and the
// field problems, never the internals of an internal error.
func describe(err error) error {
	var he *haven.Error
	if !errors.As(err, &he) {
		return err
	}
	var b strings.Builder
	b.WriteString(he.Message)
	for _, f := range he.Fields {
		fmt.Fprintf(&b, "\n  %s: %s", f.Field, f.Message)
	}
	if he.Code == haven.EINTERNAL && he.Err != nil {
		fmt.Fprintf(&b, " (%v)", he.Err)
	}
	return errors.New(b.String())
}

// newApp returns an app on e's database with vault v (and passkeys).
func newApp(e *env, v *vault.Vault, pk *auth.Passkeys) *app.App {
	return app.New(app.Config{Store: e.db, Vault: v, Logger: e.log, AuditSigner: e.signer, Hasher: e.hasher, Passkeys: pk})
}
