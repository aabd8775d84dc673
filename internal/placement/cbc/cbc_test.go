package cbc_test

import (
	"context"
	"math"
	"math/rand/v2"
	"os"
	"strconv"
	"testing"

	"github.com/havenhrd/haven/internal/placement"
	"github.com/havenhrd/haven/internal/placement/cbc"
)

// needCBC skips without cbc, unless HAVEN_CBC is set (as CI sets it):
// then a missing cbc fails.
func needCBC(t *testing.T) {
	t.Helper()
	if cbc.Path() != "" {
		return
	}
	if os.Getenv("HAVEN_CBC") != "" {
		t.Fatal("HAVEN_CBC is set but cbc is not on PATH (Debian package coinor-cbc)")
	}
	t.Skip("cbc is not on PATH: install the Debian package coinor-cbc, or set HAVEN_CBC=1 to make this a failure")
}

func random(n, m, nd int, seed uint64) *placement.Problem {
	rng := rand.New(rand.NewPCG(seed, 11))
	p := &placement.Problem{}
	for d := 0; d < nd; d++ {
		p.Dimensions = append(p.Dimensions, "dim"+strconv.Itoa(d))
	}
	for i := 0; i < n; i++ {
		s := make([]int, nd)
		for d := range s {
			s[d] = rng.IntN(5)
		}
		p.Cases = append(p.Cases, placement.Case{ID: "c" + strconv.Itoa(i), Size: s, DeferCost: rng.Float64() * 0.1})
	}
	for j := 0; j < m; j++ {
		c := make([]int, nd)
		for d := range c {
			c[d] = 2 + rng.IntN(3*n/m+1)
		}
		p.Sites = append(p.Sites, placement.Site{ID: "s" + strconv.Itoa(j), Capacity: c})
	}
	for i := 0; i < n; i++ {
		for j := 0; j < m; j++ {
			if rng.Float64() < 0.5 {
				p.Pairs = append(p.Pairs, placement.Pair{Case: p.Cases[i].ID, Site: p.Sites[j].ID, Score: rng.Float64()})
			}
		}
	}
	p.Fixings = []placement.Link{{Case: p.Pairs[0].Case, Site: p.Pairs[0].Site}}
	p.Vetoes = []placement.Link{{Case: p.Pairs[2].Case, Site: p.Pairs[2].Site}}
	return p
}

// TestAgainstCBC solves small generated problems with Haven's optimiser
// and with CBC (to proven optimality): the objectives agree within the
// gap, and Haven's bound is never below CBC's optimum.
func TestAgainstCBC(t *testing.T) {
	needCBC(t)
	for seed := uint64(1); seed <= 12; seed++ {
		p := random(25+int(seed)*3, 4, 1+int(seed%3), seed)
		s, err := placement.Solve(p, placement.Options{})
		if err != nil {
			t.Fatal(err)
		}
		r, err := cbc.Solve(context.Background(), p, 0, t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		if r.Status != "Optimal" {
			t.Fatalf("seed %d: cbc: %s", seed, r.Status)
		}
		tol := 1e-6 * math.Max(1, math.Abs(r.Objective))
		if s.Bound < r.Objective-tol {
			t.Errorf("seed %d: Haven's bound %.9f is below CBC's optimum %.9f", seed, s.Bound, r.Objective)
		}
		if s.Objective < r.Objective-s.Gap*math.Abs(s.Objective)-tol || s.Objective > r.Objective+tol {
			t.Errorf("seed %d: Haven %.9f (gap %.2g), CBC %.9f", seed, s.Objective, s.Gap, r.Objective)
		}
	}
}
