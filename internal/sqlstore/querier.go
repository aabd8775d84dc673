package sqlstore

import (
	"context"
	"database/sql"
)

// Querier runs statements in one open transaction. database/sql (SQLite)
// and pgx (PostgreSQL) each have an adapter; the errors it returns are the
// driver's own, for the Dialect's mapErr.
type Querier interface {
	// Exec runs a statement and returns how many rows it changed.
	Exec(ctx context.Context, q string, args ...any) (int64, error)
	Query(ctx context.Context, q string, args ...any) (Rows, error)
	QueryRow(ctx context.Context, q string, args ...any) Row
}

// Rows is the result of Query: pgx.Rows as it is, *sql.Rows adapted.
type Rows interface {
	Next() bool
	Scan(dest ...any) error
	Err() error
	Close()
}

// Row is the result of QueryRow; its Scan returns the driver's no-rows
// error when there is none.
type Row interface {
	Scan(dest ...any) error
}

// SQLTx returns the Querier of a database/sql transaction.
func SQLTx(tx *sql.Tx) Querier { return sqlTx{tx} }

type sqlTx struct{ tx *sql.Tx }

func (s sqlTx) Exec(ctx context.Context, q string, args ...any) (int64, error) {
	r, err := s.tx.ExecContext(ctx, q, args...)
	if err != nil {
		return 0, err
	}
	return r.RowsAffected()
}

func (s sqlTx) Query(ctx context.Context, q string, args ...any) (Rows, error) {
	r, err := s.tx.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	return sqlRows{r}, nil
}

func (s sqlTx) QueryRow(ctx context.Context, q string, args ...any) Row {
	return s.tx.QueryRowContext(ctx, q, args...)
}

type sqlRows struct{ *sql.Rows }

// Close closes the rows. An error met while reading them is Err's.
func (r sqlRows) Close() { r.Rows.Close() }
