// Package sqlstore is the one implementation of store.Tx for both engines:
// every statement Haven runs, written once.
//
// The engines (internal/sqlite, internal/postgres) keep what is their own:
// connecting, pragmas or pool, migrations, mapping their driver's errors,
// and their transactions' isolation. For each transaction they construct a
// Tx with NewTx, from a Querier over their driver and their Dialect.
//
// Statements use numbered placeholders ($1, $2, ...), which both drivers
// bind by number, so one text serves both. Where the engines truly differ
// (a date's column type, list arguments, row locks, JSON membership, one
// whole statement), the Dialect holds both versions side by side, each with
// its reason.
//
// Times are stored on both engines as fixed-width UTC text with
// nanoseconds (store.FormatTime): PostgreSQL's timestamptz keeps only
// microseconds. Calendar dates, lists and maps differ by engine (see
// Dialect); blobs are BLOB and bytea.
package sqlstore
