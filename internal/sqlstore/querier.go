package sqlstore

import (
	"context"
	"database/sql"
	"sync"
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

// SQLTx returns the Querier of a database/sql transaction. With a cache,
// its statements are prepared once per connection of the pool and kept.
func SQLTx(tx *sql.Tx, cache *Statements) Querier { return sqlTx{tx, cache} }

// Statements are the prepared statements of one database/sql pool, by
// text. SQLite parses a statement's text at every run that is not
// prepared: for the queue's queries, more than the run itself. A text is
// prepared on the pool between transactions, the first time one begins
// after the text was run (preparing inside a transaction would wait for a
// connection of the pool while holding one, and a pool of one, the
// writer's, would wait forever); a transaction then takes its statement on
// its own connection, where database/sql keeps it. The texts a store runs
// are its own and few (a list's vary with its filters); past
// MaxStatements, further texts run unprepared rather than evict one that a
// transaction may be using.
type Statements struct {
	db      *sql.DB
	mu      sync.Mutex
	m       map[string]*sql.Stmt // nil for a text that would not prepare
	pending map[string]bool
}

// MaxStatements bounds the statements kept per pool.
const MaxStatements = 512

// NewStatements returns an empty cache of db's statements.
func NewStatements(db *sql.DB) *Statements {
	return &Statements{db: db, m: map[string]*sql.Stmt{}, pending: map[string]bool{}}
}

// Prepare prepares the texts run since the last call. Call it holding no
// connection of the pool: before a transaction begins.
func (c *Statements) Prepare(ctx context.Context) {
	if c == nil {
		return
	}
	// The lock is not held while preparing: a statement waits for a free
	// connection of the pool, and the transactions holding them take the
	// lock in stmt.
	c.mu.Lock()
	var todo []string
	for q := range c.pending {
		todo = append(todo, q)
		delete(c.pending, q)
	}
	c.mu.Unlock()
	for _, q := range todo {
		st, err := c.db.PrepareContext(ctx, q)
		c.mu.Lock()
		switch {
		case err != nil && ctx.Err() != nil:
			delete(c.m, q) // try again after a later run
		case err != nil:
			c.m[q] = nil
		default:
			if old := c.m[q]; old != nil {
				st.Close() // another transaction prepared it meanwhile
			} else {
				c.m[q] = st
			}
		}
		c.mu.Unlock()
	}
}

// stmt returns tx's statement of q when it is prepared; nil otherwise, and
// then q is prepared before the next transaction.
func (c *Statements) stmt(ctx context.Context, tx *sql.Tx, q string) *sql.Stmt {
	if c == nil {
		return nil
	}
	c.mu.Lock()
	st, ok := c.m[q]
	if !ok && !c.pending[q] && len(c.m)+len(c.pending) < MaxStatements {
		// Marked taken, so that concurrent transactions do not all
		// prepare it.
		c.m[q] = nil
		c.pending[q] = true
	}
	c.mu.Unlock()
	if st == nil {
		return nil
	}
	return tx.StmtContext(ctx, st)
}

// Close closes the cached statements, when the pool closes.
func (c *Statements) Close() {
	c.mu.Lock()
	defer c.mu.Unlock()
	for q, st := range c.m {
		if st != nil {
			st.Close()
		}
		delete(c.m, q)
	}
}

type sqlTx struct {
	tx    *sql.Tx
	cache *Statements
}

func (s sqlTx) Exec(ctx context.Context, q string, args ...any) (int64, error) {
	var r sql.Result
	var err error
	if st := s.cache.stmt(ctx, s.tx, q); st != nil {
		r, err = st.ExecContext(ctx, args...)
	} else {
		r, err = s.tx.ExecContext(ctx, q, args...)
	}
	if err != nil {
		return 0, err
	}
	return r.RowsAffected()
}

func (s sqlTx) Query(ctx context.Context, q string, args ...any) (Rows, error) {
	var r *sql.Rows
	var err error
	if st := s.cache.stmt(ctx, s.tx, q); st != nil {
		r, err = st.QueryContext(ctx, args...)
	} else {
		r, err = s.tx.QueryContext(ctx, q, args...)
	}
	if err != nil {
		return nil, err
	}
	return sqlRows{r}, nil
}

func (s sqlTx) QueryRow(ctx context.Context, q string, args ...any) Row {
	if st := s.cache.stmt(ctx, s.tx, q); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return s.tx.QueryRowContext(ctx, q, args...)
}

type sqlRows struct{ *sql.Rows }

// Close closes the rows. An error met while reading them is Err's.
func (r sqlRows) Close() { r.Rows.Close() }
