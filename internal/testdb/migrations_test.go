package testdb_test

import (
	"fmt"
	"testing"

	"github.com/havenhrd/haven/internal/postgres"
	"github.com/havenhrd/haven/internal/sqlite"
)

// TestEnginesHaveTheSameMigrations checks that a schema change made for one
// engine is made for the other, under the same number and name.
func TestEnginesHaveTheSameMigrations(t *testing.T) {
	var lite, pg []string
	for _, m := range sqlite.Migrations() {
		lite = append(lite, fmt.Sprintf("%d %s", m.Version, m.Name))
	}
	for _, m := range postgres.Migrations() {
		pg = append(pg, fmt.Sprintf("%d %s", m.Version, m.Name))
	}
	if fmt.Sprint(lite) != fmt.Sprint(pg) {
		t.Fatalf("migrations differ:\nsqlite:   %v\npostgres: %v", lite, pg)
	}
	if len(lite) == 0 {
		t.Fatal("no migrations")
	}
}
