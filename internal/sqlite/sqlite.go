// Package sqlite is Haven's embedded store on SQLite (modernc.org/sqlite, a
// pure-Go build of SQLite: no C toolchain, no server).
//
// One writer connection takes every read-write transaction with BEGIN
// IMMEDIATE, so writers queue in the database rather than failing on a busy
// lock; a separate pool of read-only connections serves View under WAL.
// secure_delete overwrites deleted content, so a shredded data key does not
// linger in free pages.
package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"net/url"
	"os"
	"time"

	"github.com/havenhrd/haven"
	"github.com/havenhrd/haven/internal/sqlstore"
	"github.com/havenhrd/haven/internal/store"
	sqlite "modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

//go:embed migrations/*.sql
var migrationFS embed.FS

// Migration is one embedded schema change.
type Migration = store.Migration

// Migrations returns the embedded migrations in order.
func Migrations() []Migration { return store.MustLoadMigrations(migrationFS) }

// DB is a Haven store in one SQLite file.
type DB struct {
	path   string
	writer *sql.DB
	reader *sql.DB
	// The pools' prepared statements: SQLite would parse each text anew
	// at every run.
	writes, reads *sqlstore.Statements
	// readers admits read transactions to the reader pool in the order
	// they come: database/sql hands a freed connection to any waiter, so
	// under load some reads wait many turns while others wait none.
	readers chan struct{}
}

var _ store.Store = (*DB)(nil)

// Open opens (creating if needed) the database file at path. It does not
// migrate: call Migrate, and Ready to check the schema.
func Open(ctx context.Context, path string) (*DB, error) {
	if path == "" {
		return nil, haven.Errorf(haven.EINVALID, "sqlite.Open", "the database path is empty")
	}
	if err := ownerOnly(path); err != nil {
		return nil, haven.Internal("sqlite.Open", err)
	}
	common := url.Values{}
	for _, p := range []string{"foreign_keys(1)", "journal_mode(WAL)", "busy_timeout(10000)", "synchronous(FULL)", "secure_delete(1)"} {
		common.Add("_pragma", p)
	}
	w := url.Values{}
	for k, v := range common {
		w[k] = v
	}
	w.Set("_txlock", "immediate")
	writer, err := sql.Open("sqlite", "file:"+path+"?"+w.Encode())
	if err != nil {
		return nil, haven.Internal("sqlite.Open", err)
	}
	// One writer: measured, concurrent SQLite writers commit no faster than
	// one and some wait out the busy timeout.
	writer.SetMaxOpenConns(1)
	writer.SetMaxIdleConns(1)
	writer.SetConnMaxLifetime(0)
	if err := writer.PingContext(ctx); err != nil {
		writer.Close()
		return nil, haven.Internal("sqlite.Open", err)
	}
	r := url.Values{}
	for k, v := range common {
		r[k] = v
	}
	r.Add("_pragma", "query_only(1)")
	reader, err := sql.Open("sqlite", "file:"+path+"?"+r.Encode())
	if err != nil {
		writer.Close()
		return nil, haven.Internal("sqlite.Open", err)
	}
	reader.SetMaxOpenConns(readConns)
	return &DB{path: path, writer: writer, reader: reader, writes: sqlstore.NewStatements(writer), reads: sqlstore.NewStatements(reader),
		readers: make(chan struct{}, readConns)}, nil
}

// ownerOnly makes the database at path readable by its owner alone. It
// creates a missing database file with mode 0600 before SQLite opens it
// (SQLite would make it 0644), and takes group and other permissions away
// from an existing one and from its -wal and -shm files. SQLite creates the
// -wal and -shm files with the database file's own mode, whatever the
// umask, so they follow it. The modes are set explicitly, so no umask can
// widen them.
func ownerOnly(path string) error {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
	if err == nil {
		// Made here: 0600 whatever the umask took away.
		err = errors.Join(f.Chmod(0o600), f.Close())
	} else if errors.Is(err, os.ErrExist) {
		err = nil
	}
	if err != nil {
		return err
	}
	for _, p := range []string{path, path + "-wal", path + "-shm"} {
		st, err := os.Stat(p)
		if errors.Is(err, os.ErrNotExist) {
			continue
		} else if err != nil {
			return err
		}
		if perm := st.Mode().Perm(); perm&0o077 != 0 {
			if err := os.Chmod(p, perm&0o700); err != nil {
				return fmt.Errorf("%s is readable by others and its mode cannot be changed: %w", p, err)
			}
		}
	}
	return nil
}

// Writer returns the one read-write connection pool, for River's jobs
// (internal/jobs), which write and so must queue with Haven's writers.
func (db *DB) Writer() *sql.DB { return db.writer }

// Engine returns "sqlite".
func (db *DB) Engine() string { return "sqlite" }

// Path returns the database file's path.
func (db *DB) Path() string { return db.path }

// Close closes both pools.
func (db *DB) Close() error {
	db.reads.Close()
	db.writes.Close()
	return errors.Join(db.reader.Close(), db.writer.Close())
}

// Checkpoint folds the write-ahead log into the database file and truncates
// it, so that overwritten or deleted pages (a shredded key) leave the log.
func (db *DB) Checkpoint(ctx context.Context) error {
	if _, err := db.writer.ExecContext(ctx, "PRAGMA wal_checkpoint(TRUNCATE)"); err != nil {
		return haven.Internal("sqlite.Checkpoint", err)
	}
	return nil
}

// Migrate applies every embedded migration not yet applied, each in its own
// transaction, and returns how many it applied.
func (db *DB) Migrate(ctx context.Context) (int, error) {
	const op = "sqlite.Migrate"
	if _, err := db.writer.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL) STRICT`); err != nil {
		return 0, haven.Internal(op, err)
	}
	cur, err := db.schemaVersion(ctx, db.writer)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, m := range Migrations() {
		if m.Version <= cur {
			continue
		}
		tx, err := db.writer.BeginTx(ctx, nil)
		if err != nil {
			return n, haven.Internal(op, err)
		}
		if _, err := tx.ExecContext(ctx, m.SQL); err != nil {
			tx.Rollback()
			return n, haven.Internal(op, fmt.Errorf("migration %s: %w", m.Name, err))
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)`,
			m.Version, m.Name, fmtTime(time.Now())); err != nil {
			tx.Rollback()
			return n, haven.Internal(op, err)
		}
		if err := tx.Commit(); err != nil {
			return n, haven.Internal(op, err)
		}
		n++
	}
	return n, nil
}

func (db *DB) schemaVersion(ctx context.Context, q interface {
	QueryRowContext(context.Context, string, ...any) *sql.Row
}) (int, error) {
	var exists int
	if err := q.QueryRowContext(ctx, `SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = 'schema_migrations'`).Scan(&exists); err != nil {
		return 0, haven.Internal("sqlite.schemaVersion", err)
	}
	if exists == 0 {
		return 0, nil
	}
	var v sql.NullInt64
	if err := q.QueryRowContext(ctx, `SELECT max(version) FROM schema_migrations`).Scan(&v); err != nil {
		return 0, haven.Internal("sqlite.schemaVersion", err)
	}
	return int(v.Int64), nil
}

// Ready returns nil when the database answers and every embedded migration
// has been applied; EUNAVAILABLE otherwise.
func (db *DB) Ready(ctx context.Context) error {
	v, err := db.schemaVersion(ctx, db.reader)
	return store.SchemaReady("sqlite.Ready", v, len(Migrations()), err)
}

// Update runs fn in one BEGIN IMMEDIATE transaction on the writer.
func (db *DB) Update(ctx context.Context, fn func(store.Tx) error) error {
	return db.run(ctx, db.writer, db.writes, nil, fn)
}

// View runs fn in a read-only transaction on the reader pool, admitted in
// turn.
func (db *DB) View(ctx context.Context, fn func(store.Tx) error) error {
	select {
	case db.readers <- struct{}{}:
	case <-ctx.Done():
		return mapErr("sqlite.begin", ctx.Err())
	}
	defer func() { <-db.readers }()
	return db.run(ctx, db.reader, db.reads, &sql.TxOptions{ReadOnly: true}, fn)
}

// readConns is the reader pool's size.
const readConns = 4

func (db *DB) run(ctx context.Context, pool *sql.DB, stmts *sqlstore.Statements, opts *sql.TxOptions, fn func(store.Tx) error) (err error) {
	stmts.Prepare(ctx)
	tx, err := pool.BeginTx(ctx, opts)
	if err != nil {
		return mapErr("sqlite.begin", err)
	}
	defer func() {
		if p := recover(); p != nil {
			tx.Rollback()
			panic(p)
		}
	}()
	if err := fn(sqlstore.NewTx(sqlstore.SQLTx(tx, stmts), dialect, opts != nil && opts.ReadOnly)); err != nil {
		if rbErr := tx.Rollback(); rbErr != nil && !errors.Is(rbErr, sql.ErrTxDone) {
			return errors.Join(err, haven.Internal("sqlite.rollback", rbErr))
		}
		return err
	}
	if err := tx.Commit(); err != nil {
		return mapErr("sqlite.commit", err)
	}
	return nil
}

// dialect is SQLite's to the shared statements of sqlstore.
var dialect = sqlstore.SQLite(mapErr)

// mapErr turns a driver error into a *haven.Error.
func mapErr(op string, err error) error {
	if err == nil {
		return nil
	}
	var he *haven.Error
	if errors.As(err, &he) {
		return err
	}
	if errors.Is(err, sql.ErrNoRows) {
		return &haven.Error{Code: haven.ENOTFOUND, Op: op, Message: "not found", Err: err}
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return &haven.Error{Code: haven.EUNAVAILABLE, Op: op, Message: "the request was cancelled or timed out", Err: err}
	}
	var se *sqlite.Error
	if errors.As(err, &se) {
		switch se.Code() {
		case sqlite3.SQLITE_CONSTRAINT_UNIQUE, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY:
			return &haven.Error{Code: haven.ECONFLICT, Op: op, Message: "a record with the same key already exists", Err: err}
		case sqlite3.SQLITE_CONSTRAINT_CHECK:
			return &haven.Error{Code: haven.ECONFLICT, Op: op, Message: "the change breaks a limit the database keeps", Err: err}
		case sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY:
			return &haven.Error{Code: haven.EINVALID, Op: op, Message: "the change refers to a record that does not exist", Err: err}
		case sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED:
			return &haven.Error{Code: haven.EUNAVAILABLE, Op: op, Message: "the database is busy; try again", Err: err}
		}
	}
	return haven.Internal(op, err)
}

func fmtTime(t time.Time) string { return store.FormatTime(t) }
