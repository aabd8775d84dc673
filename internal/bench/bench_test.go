package bench

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/havenhrd/haven/internal/vault"
)

// TestQueueSmoke runs the queue benchmark small on SQLite: the seed goes
// through the app, every page asked for holds what it should (a full
// first page, a search that finds its case), the bare queries find their
// rows, and a second run over the same seed measures without seeding.
// The figures themselves are BENCHMARKS.md's, from `haven bench queue`.
func TestQueueSmoke(t *testing.T) {
	if testing.Short() {
		t.Skip("seeds 500 cases")
	}
	keys, err := vault.GenerateKeyring(nil)
	if err != nil {
		t.Fatal(err)
	}
	cfg := Config{DSN: filepath.Join(t.TempDir(), "q.db"), Keys: keys, Cases: 2 * MinCases,
		Today: time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC), Iterations: 3, Clients: 3, Duration: 100 * time.Millisecond}
	r, err := Run(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if r.Seeded == 0 || r.Cases != 2*MinCases || r.Persons < 2*r.Cases || r.Open == 0 || r.Open == r.Cases {
		t.Fatalf("the seed: %+v", r)
	}
	if len(r.Ops) != 12 {
		t.Fatalf("%d measurements, want 6 pages, each by one client and by several", len(r.Ops))
	}
	for _, o := range r.Ops {
		if o.App.N == 0 || o.Bare.N == 0 || o.App.P95 < o.App.P50 || o.Rows == 0 {
			t.Errorf("%s (%d clients): %+v", o.Name, o.Clients, o)
		}
	}
	again, err := Run(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if again.Seeded != 0 || len(again.Ops) != len(r.Ops) {
		t.Fatalf("a second run over the seed: seeded %v, %d measurements", again.Seeded, len(again.Ops))
	}
	cfg.Cases++
	if _, err := Run(context.Background(), cfg); err == nil {
		t.Fatal("a run asked for another seed than the database holds")
	}
}
