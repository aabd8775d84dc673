// Package postgres is Haven's store on PostgreSQL, through pgx's own
// interface (github.com/jackc/pgx/v5, no database/sql) and a pgx pool.
//
// Read-write transactions run at READ COMMITTED. That is enough because the
// rules the store keeps are carried by single rows: the cap rule is a
// conditional UPDATE of the ledger row, which PostgreSQL re-checks against
// the newest committed version once it holds the row's lock (and CHECK
// constraints back it), and the audit sequence is the audit_head row, locked
// from taking a number until commit. View runs READ ONLY at REPEATABLE READ,
// so all its reads see one snapshot.
//
// Unlike SQLite, PostgreSQL aborts the whole transaction when one statement
// fails: a Tx method's error must end the transaction. Returning it from the
// function given to Update does; swallowing it makes the commit fail.
//
// Times are stored as fixed-width UTC text with nanoseconds, as on SQLite,
// because timestamptz keeps only microseconds (see migrations/0001_init.sql).
// Calendar dates are dates, lists and maps are jsonb, blobs are bytea.
package postgres

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"strings"

	"github.com/havenhrd/haven"
	"github.com/havenhrd/haven/internal/sqlstore"
	"github.com/havenhrd/haven/internal/store"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
)

//go:embed migrations/*.sql
var migrationFS embed.FS

// Migration is one embedded schema change.
type Migration = store.Migration

// Migrations returns the embedded migrations in order.
func Migrations() []Migration { return store.MustLoadMigrations(migrationFS) }

// DB is a Haven store in one PostgreSQL schema.
type DB struct {
	pool *pgxpool.Pool
}

var _ store.Store = (*DB)(nil)

// Open connects to the database at url, a PostgreSQL URL or keyword/value
// connection string. Runtime parameters in it reach the server: a
// search_path parameter puts Haven's tables in that schema. Open fails with
// EINVALID when url cannot be parsed and EUNAVAILABLE when the server does
// not answer. It does not migrate: call Migrate, and Ready to check the
// schema.
func Open(ctx context.Context, url string) (*DB, error) {
	const op = "postgres.Open"
	if url == "" {
		return nil, haven.Errorf(haven.EINVALID, op, "the database URL is empty")
	}
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		// No cause: pgx's parse error quotes the URL, and masks a password in
		// it only on a best-effort basis.
		return nil, haven.Errorf(haven.EINVALID, op, "the database URL cannot be parsed")
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, haven.Internal(op, err)
	}
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		return nil, &haven.Error{Code: haven.EUNAVAILABLE, Op: op, Message: "the database does not answer", Err: redact(err)}
	}
	return &DB{pool: pool}, nil
}

// Pool returns the connection pool, for River's jobs (internal/jobs),
// whose tables live in the same schema.
func (db *DB) Pool() *pgxpool.Pool { return db.pool }

// Engine returns "postgres".
func (db *DB) Engine() string { return "postgres" }

// Close closes the pool. It waits for connections in use to be returned.
func (db *DB) Close() error {
	db.pool.Close()
	return nil
}

// Migrate applies every embedded migration not yet applied, each in its own
// transaction, and returns how many it applied. Two processes may migrate
// the same schema at once: they take turns, and each migration runs once.
func (db *DB) Migrate(ctx context.Context) (int, error) {
	n := 0
	for _, m := range Migrations() {
		applied, err := db.apply(ctx, m)
		if err != nil {
			return n, err
		}
		if applied {
			n++
		}
	}
	return n, nil
}

// apply applies m unless the schema already has it, in one transaction that
// holds the schema's migration lock from its first statement to its end.
func (db *DB) apply(ctx context.Context, m Migration) (bool, error) {
	const op = "postgres.Migrate"
	tx, err := db.pool.Begin(ctx)
	if err != nil {
		return false, mapErr(op, err)
	}
	defer tx.Rollback(ctx)
	// A transaction-scoped advisory lock, keyed by the schema so that
	// schemas on one server migrate independently; it ends with tx.
	if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtext('haven.migrate'), hashtext(current_schema()))`); err != nil {
		return false, mapErr(op, err)
	}
	if _, err := tx.Exec(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`); err != nil {
		return false, mapErr(op, err)
	}
	cur, err := schemaVersion(ctx, tx)
	if err != nil {
		return false, err
	}
	if m.Version <= cur {
		return false, mapErr(op, tx.Commit(ctx))
	}
	if _, err := tx.Exec(ctx, m.SQL); err != nil {
		return false, haven.Internal(op, fmt.Errorf("migration %s: %w", m.Name, redact(err)))
	}
	if _, err := tx.Exec(ctx, `INSERT INTO schema_migrations (version, name) VALUES ($1, $2)`, m.Version, m.Name); err != nil {
		return false, mapErr(op, err)
	}
	if err := tx.Commit(ctx); err != nil {
		return false, mapErr(op, err)
	}
	return true, nil
}

// schemaVersion returns the newest migration applied to the current schema,
// or 0 when it has none.
func schemaVersion(ctx context.Context, q interface {
	QueryRow(context.Context, string, ...any) pgx.Row
}) (int, error) {
	var exists bool
	if err := q.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_tables
		WHERE schemaname = current_schema() AND tablename = 'schema_migrations')`).Scan(&exists); err != nil {
		return 0, mapErr("postgres.schemaVersion", err)
	}
	if !exists {
		return 0, nil
	}
	var v int
	if err := q.QueryRow(ctx, `SELECT coalesce(max(version), 0) FROM schema_migrations`).Scan(&v); err != nil {
		return 0, mapErr("postgres.schemaVersion", err)
	}
	return v, nil
}

// Ready returns nil when the database answers and every embedded migration
// has been applied; EUNAVAILABLE otherwise.
func (db *DB) Ready(ctx context.Context) error {
	v, err := schemaVersion(ctx, db.pool)
	return store.SchemaReady("postgres.Ready", v, len(Migrations()), err)
}

// Update runs fn in one READ COMMITTED transaction.
func (db *DB) Update(ctx context.Context, fn func(store.Tx) error) error {
	return db.run(ctx, pgx.TxOptions{IsoLevel: pgx.ReadCommitted, AccessMode: pgx.ReadWrite}, fn)
}

// View runs fn in a READ ONLY, REPEATABLE READ transaction: one snapshot,
// and a write fails.
func (db *DB) View(ctx context.Context, fn func(store.Tx) error) error {
	return db.run(ctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly}, fn)
}

func (db *DB) run(ctx context.Context, opts pgx.TxOptions, fn func(store.Tx) error) (err error) {
	tx, err := db.pool.BeginTx(ctx, opts)
	if err != nil {
		return mapErr("postgres.begin", err)
	}
	defer func() {
		if p := recover(); p != nil {
			tx.Rollback(ctx)
			panic(p)
		}
	}()
	if err := fn(sqlstore.NewTx(pgxTx{tx}, dialect, opts.AccessMode == pgx.ReadOnly)); err != nil {
		if rbErr := tx.Rollback(ctx); rbErr != nil && !errors.Is(rbErr, pgx.ErrTxClosed) {
			return errors.Join(err, haven.Internal("postgres.rollback", redact(rbErr)))
		}
		return err
	}
	if err := tx.Commit(ctx); err != nil {
		// pgx.ErrTxCommitRollback: a statement failed and fn went on.
		return mapErr("postgres.commit", err)
	}
	return nil
}

// dialect is PostgreSQL's to the shared statements of sqlstore.
var dialect = sqlstore.Postgres(mapErr)

// pgxTx is the sqlstore.Querier of a pgx transaction: pgx's own
// interface, not database/sql, so statements keep pgx's binary protocol
// and statement cache.
type pgxTx struct{ tx pgx.Tx }

func (p pgxTx) Exec(ctx context.Context, q string, args ...any) (int64, error) {
	tag, err := p.tx.Exec(ctx, q, args...)
	return tag.RowsAffected(), err
}

func (p pgxTx) Query(ctx context.Context, q string, args ...any) (sqlstore.Rows, error) {
	return p.tx.Query(ctx, q, args...)
}

func (p pgxTx) QueryRow(ctx context.Context, q string, args ...any) sqlstore.Row {
	return p.tx.QueryRow(ctx, q, args...)
}

// mapErr turns a driver error into a *haven.Error.
func mapErr(op string, err error) error {
	if err == nil {
		return nil
	}
	var he *haven.Error
	if errors.As(err, &he) {
		return err
	}
	if errors.Is(err, pgx.ErrNoRows) {
		return &haven.Error{Code: haven.ENOTFOUND, Op: op, Message: "not found", Err: err}
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return &haven.Error{Code: haven.EUNAVAILABLE, Op: op, Message: "the request was cancelled or timed out", Err: redact(err)}
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		switch pe.Code {
		case "23505": // unique_violation
			return &haven.Error{Code: haven.ECONFLICT, Op: op, Message: "a record with the same key already exists", Err: redact(err)}
		case "23514": // check_violation
			return &haven.Error{Code: haven.ECONFLICT, Op: op, Message: "the change breaks a limit the database keeps", Err: redact(err)}
		case "23503": // foreign_key_violation
			return &haven.Error{Code: haven.EINVALID, Op: op, Message: "the change refers to a record that does not exist", Err: redact(err)}
		case "40001", "40P01": // serialization_failure, deadlock_detected
			return &haven.Error{Code: haven.EUNAVAILABLE, Op: op, Message: "the database is busy; try again", Err: redact(err)}
		case "57014": // query_canceled
			return &haven.Error{Code: haven.EUNAVAILABLE, Op: op, Message: "the request was cancelled or timed out", Err: redact(err)}
		case "25006": // read_only_sql_transaction: a write inside View is a bug
			return haven.Internal(op, redact(err))
		}
	}
	var ce *pgconn.ConnectError
	if errors.As(err, &ce) {
		return &haven.Error{Code: haven.EUNAVAILABLE, Op: op, Message: "the database does not answer", Err: redact(err)}
	}
	return haven.Internal(op, redact(err))
}

// redact drops from err what may quote a value: PostgreSQL puts the failing
// row or key in an error's detail, its data exceptions quote the input, and
// pgx quotes an argument it cannot encode. Values may be ciphertext, blind
// indexes or personal data, and errors reach the log.
func redact(err error) error {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		msg := pe.Message
		if strings.HasPrefix(pe.Code, "22") { // data_exception
			msg = "a value was refused (withheld)"
		}
		return &pgconn.PgError{Severity: pe.Severity, Code: pe.Code, Message: msg, SchemaName: pe.SchemaName,
			TableName: pe.TableName, ColumnName: pe.ColumnName, DataTypeName: pe.DataTypeName, ConstraintName: pe.ConstraintName}
	}
	if s := err.Error(); strings.HasPrefix(s, "failed to encode args[") {
		arg, _, _ := strings.Cut(s, ":")
		return errors.New(arg + ": the value could not be encoded (withheld)")
	}
	return err
}
