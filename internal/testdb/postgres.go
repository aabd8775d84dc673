package testdb

import "testing"

// postgresEngine returns the PostgreSQL engine when PostgresEnv is set.
func postgresEngine(tb testing.TB) *Engine { return nil }
