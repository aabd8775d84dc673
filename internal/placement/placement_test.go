package placement_test

import (
	"errors"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"testing"

	"github.com/havenhrd/haven/internal/placement"
)

// Random makes a small instance with nd dimensions: n cases, m sites.
func Random(n, m, nd int, seed uint64) *placement.Problem {
	rng := rand.New(rand.NewPCG(seed, 7))
	p := &placement.Problem{}
	for d := 0; d < nd; d++ {
		p.Dimensions = append(p.Dimensions, "dim"+strconv.Itoa(d))
	}
	for i := 0; i < n; i++ {
		s := make([]int, nd)
		for d := range s {
			s[d] = rng.IntN(4)
		}
		p.Cases = append(p.Cases, placement.Case{ID: "c" + strconv.Itoa(i), Size: s, DeferCost: rng.Float64() * 0.2})
	}
	for j := 0; j < m; j++ {
		c := make([]int, nd)
		for d := range c {
			c[d] = 1 + rng.IntN(2*n/m+2)
		}
		p.Sites = append(p.Sites, placement.Site{ID: "s" + strconv.Itoa(j), Capacity: c})
	}
	for i := 0; i < n; i++ {
		for j := 0; j < m; j++ {
			if rng.Float64() < 0.7 {
				p.Pairs = append(p.Pairs, placement.Pair{Case: p.Cases[i].ID, Site: p.Sites[j].ID, Score: rng.Float64()})
			}
		}
	}
	return p
}

func mustSolve(tb testing.TB, p *placement.Problem) *placement.Solution {
	tb.Helper()
	return mustSolveWith(tb, p, placement.Options{})
}

func mustSolveWith(tb testing.TB, p *placement.Problem, o placement.Options) *placement.Solution {
	tb.Helper()
	s, err := placement.Solve(p, o)
	if err != nil {
		tb.Fatal(err)
	}
	return s
}

// check verifies what every solution must hold: one entry per case in
// order, each family at one compatible, not vetoed site or deferred,
// capacities held in every dimension, fixings honoured, the objective
// the sum of the scores, the bound not below it.
func check(t *testing.T, p *placement.Problem, s *placement.Solution) {
	t.Helper()
	if len(s.Assignments) != len(p.Cases) {
		t.Fatalf("%d assignments for %d cases", len(s.Assignments), len(p.Cases))
	}
	score := map[[2]string]float64{}
	for _, pr := range p.Pairs {
		score[[2]string{pr.Case, pr.Site}] = pr.Score
	}
	vetoed := map[[2]string]bool{}
	for _, v := range p.Vetoes {
		vetoed[[2]string{v.Case, v.Site}] = true
	}
	fixed := map[string]string{}
	for _, f := range p.Fixings {
		fixed[f.Case] = f.Site
	}
	used := map[string][]int{}
	z := 0.0
	for i, a := range s.Assignments {
		c := p.Cases[i]
		if a.Case != c.ID {
			t.Fatalf("assignment %d is of case %q, not %q", i, a.Case, c.ID)
		}
		if want, ok := fixed[c.ID]; ok && a.Site != want {
			t.Errorf("case %s fixed to %s is at %q", c.ID, want, a.Site)
		}
		if a.Deferred != (a.Site == "") {
			t.Errorf("case %s: deferred %v at site %q", c.ID, a.Deferred, a.Site)
		}
		if a.Deferred {
			z -= c.DeferCost
			if a.Reason == placement.ReasonNone {
				t.Errorf("case %s deferred without a reason", c.ID)
			}
			continue
		}
		k := [2]string{c.ID, a.Site}
		w, ok := score[k]
		if !ok {
			t.Errorf("case %s at %s, not a compatible pair", c.ID, a.Site)
		}
		if vetoed[k] {
			t.Errorf("case %s at %s, which is vetoed", c.ID, a.Site)
		}
		z += w
		if used[a.Site] == nil {
			used[a.Site] = make([]int, len(p.Dimensions))
		}
		for d, v := range c.Size {
			used[a.Site][d] += v
		}
	}
	for _, site := range p.Sites {
		for d, v := range used[site.ID] {
			if v > site.Capacity[d] {
				t.Errorf("site %s takes %d in %s, above its capacity %d", site.ID, v, p.Dimensions[d], site.Capacity[d])
			}
		}
	}
	if math.Abs(z-s.Objective) > 1e-9 {
		t.Errorf("objective %v, the scores add up to %v", s.Objective, z)
	}
	if s.Bound < s.Objective-1e-9 {
		t.Errorf("bound %v below the objective %v", s.Bound, s.Objective)
	}
}

// bruteForce is the optimum of a tiny problem, every assignment tried.
func bruteForce(p *placement.Problem) float64 {
	score := map[[2]string]float64{}
	for _, pr := range p.Pairs {
		score[[2]string{pr.Case, pr.Site}] = pr.Score
	}
	for _, v := range p.Vetoes {
		delete(score, [2]string{v.Case, v.Site})
	}
	fixed := map[string]string{}
	for _, f := range p.Fixings {
		fixed[f.Case] = f.Site
	}
	left := make([][]int, len(p.Sites))
	for j, s := range p.Sites {
		left[j] = append([]int(nil), s.Capacity...)
	}
	best := math.Inf(-1)
	var walk func(i int, z float64)
	walk = func(i int, z float64) {
		if i == len(p.Cases) {
			best = math.Max(best, z)
			return
		}
		c := p.Cases[i]
		if _, ok := fixed[c.ID]; !ok {
			walk(i+1, z-c.DeferCost)
		}
		for j, s := range p.Sites {
			w, ok := score[[2]string{c.ID, s.ID}]
			if f, isFixed := fixed[c.ID]; !ok || (isFixed && f != s.ID) {
				continue
			}
			fits := true
			for d, v := range c.Size {
				fits = fits && left[j][d] >= v
			}
			if !fits {
				continue
			}
			for d, v := range c.Size {
				left[j][d] -= v
			}
			walk(i+1, z+w)
			for d, v := range c.Size {
				left[j][d] += v
			}
		}
	}
	walk(0, 0)
	return best
}

// TestOptimalOnSmall: on problems small enough to try every assignment,
// the objective is the optimum within the gap and the bound is never below
// it; every solution holds the rules.
func TestOptimalOnSmall(t *testing.T) {
	for seed := uint64(1); seed <= 40; seed++ {
		nd := 1 + int(seed%3)
		p := Random(7, 3, nd, seed)
		if seed%4 == 0 {
			p.Vetoes = append(p.Vetoes, placement.Link{Case: p.Pairs[0].Case, Site: p.Pairs[0].Site})
		}
		s := mustSolve(t, p)
		check(t, p, s)
		opt := bruteForce(p)
		if s.Bound < opt-1e-9 {
			t.Errorf("seed %d: bound %v below the optimum %v", seed, s.Bound, opt)
		}
		if s.Objective < opt-1e-4*math.Abs(opt)-1e-9 {
			t.Errorf("seed %d: objective %v, optimum %v", seed, s.Objective, opt)
		}
	}
}

func TestMediumHoldsRules(t *testing.T) {
	for seed := uint64(1); seed <= 5; seed++ {
		p := Random(120, 8, 3, seed)
		p.Vetoes = append(p.Vetoes, placement.Link{Case: p.Pairs[3].Case, Site: p.Pairs[3].Site})
		p.Fixings = append(p.Fixings, placement.Link{Case: p.Pairs[10].Case, Site: p.Pairs[10].Site})
		s := mustSolveWith(t, p, placement.Options{Nodes: 100})
		check(t, p, s)
		if s.Gap > 0.05 {
			t.Errorf("seed %d: gap %v", seed, s.Gap)
		}
	}
}

func TestFixingsAndVetoes(t *testing.T) {
	p := &placement.Problem{
		Dimensions: []string{"persons"},
		Cases:      []placement.Case{{ID: "a", Size: []int{2}}, {ID: "b", Size: []int{2}}},
		Sites:      []placement.Site{{ID: "x", Capacity: []int{2}}, {ID: "y", Capacity: []int{2}}},
		Pairs: []placement.Pair{
			{Case: "a", Site: "x", Score: 1}, {Case: "a", Site: "y", Score: 0.1},
			{Case: "b", Site: "x", Score: 0.9}, {Case: "b", Site: "y", Score: 0.8},
		},
	}
	s := mustSolve(t, p)
	check(t, p, s)
	if s.Assignments[0].Site != "x" || s.Assignments[1].Site != "y" {
		t.Fatalf("unconstrained: %+v", s.Assignments)
	}
	p.Fixings = []placement.Link{{Case: "b", Site: "x"}}
	s = mustSolve(t, p)
	check(t, p, s)
	if s.Assignments[1].Site != "x" || s.Assignments[1].Reason != placement.ReasonFixed || s.Assignments[0].Site != "y" {
		t.Fatalf("b fixed to x: %+v", s.Assignments)
	}
	p.Fixings = nil
	p.Vetoes = []placement.Link{{Case: "a", Site: "x"}}
	s = mustSolve(t, p)
	check(t, p, s)
	if s.Assignments[0].Site != "y" || s.Assignments[1].Site != "x" {
		t.Fatalf("a vetoed from x: %+v", s.Assignments)
	}
	// The explanation: b at x; its alternative y scores 0.1 less.
	alt := s.Assignments[1].Alternatives
	if len(alt) == 0 || alt[0].Site != "y" || math.Abs(alt[0].Difference+0.1) > 1e-12 {
		t.Errorf("b's alternatives: %+v", alt)
	}
}

func TestDeferral(t *testing.T) {
	p := &placement.Problem{
		Dimensions: []string{"persons", "housing"},
		Cases: []placement.Case{
			{ID: "nosite", Size: []int{1, 0}},
			{ID: "large", Size: []int{9, 1}},
			{ID: "vetoed", Size: []int{1, 0}},
			{ID: "fits", Size: []int{2, 1}},
			{ID: "squeezed", Size: []int{2, 1}},
		},
		Sites: []placement.Site{{ID: "x", Capacity: []int{4, 1}}},
		Pairs: []placement.Pair{
			{Case: "large", Site: "x", Score: 5}, {Case: "vetoed", Site: "x", Score: 5},
			{Case: "fits", Site: "x", Score: 2}, {Case: "squeezed", Site: "x", Score: 1},
		},
		Vetoes: []placement.Link{{Case: "vetoed", Site: "x"}},
	}
	s := mustSolve(t, p)
	check(t, p, s)
	want := []placement.Reason{placement.ReasonNoCompatibleSite, placement.ReasonTooLarge, placement.ReasonNoCompatibleSite, placement.ReasonNone, placement.ReasonCapacity}
	for i, a := range s.Assignments {
		if a.Reason != want[i] {
			t.Errorf("%s: reason %q, want %q", a.Case, a.Reason, want[i])
		}
	}
	sq := s.Assignments[4]
	if len(sq.Binding) != 1 || sq.Binding[0] != (placement.Capacity{Site: "x", Dimension: "housing", Left: 0, Need: 1}) {
		t.Errorf("squeezed: binding %+v", sq.Binding)
	}
	// No site at all: everything deferred, and still a proposal.
	p.Sites[0].Capacity = []int{0, 0}
	s = mustSolve(t, p)
	check(t, p, s)
	for _, a := range s.Assignments {
		if !a.Deferred {
			t.Errorf("%s placed in a site of no capacity", a.Case)
		}
	}
}

func TestDeterministic(t *testing.T) {
	p := Random(200, 10, 2, 9)
	o := placement.Options{Nodes: 100}
	a := mustSolveWith(t, p, o)
	for k := 0; k < 3; k++ {
		if b := mustSolveWith(t, p, o); !reflect.DeepEqual(a, b) {
			t.Fatal("two solves of the same problem differ")
		}
	}
}

func TestBadInput(t *testing.T) {
	base := func() *placement.Problem {
		return &placement.Problem{
			Dimensions: []string{"persons"},
			Cases:      []placement.Case{{ID: "a", Size: []int{2}}, {ID: "b", Size: []int{3}}},
			Sites:      []placement.Site{{ID: "x", Capacity: []int{4}}},
			Pairs:      []placement.Pair{{Case: "a", Site: "x", Score: 1}, {Case: "b", Site: "x", Score: 1}},
		}
	}
	for name, change := range map[string]func(p *placement.Problem){
		"NaN score":              func(p *placement.Problem) { p.Pairs[0].Score = math.NaN() },
		"infinite score":         func(p *placement.Problem) { p.Pairs[1].Score = math.Inf(1) },
		"NaN deferral cost":      func(p *placement.Problem) { p.Cases[0].DeferCost = math.NaN() },
		"unknown case in fixing": func(p *placement.Problem) { p.Fixings = []placement.Link{{Case: "z", Site: "x"}} },
		"unknown site in fixing": func(p *placement.Problem) { p.Fixings = []placement.Link{{Case: "a", Site: "z"}} },
		"unknown site in veto":   func(p *placement.Problem) { p.Vetoes = []placement.Link{{Case: "a", Site: "z"}} },
		"unknown case in pair":   func(p *placement.Problem) { p.Pairs[0].Case = "z" },
		"capacity below fixed": func(p *placement.Problem) {
			p.Fixings = []placement.Link{{Case: "a", Site: "x"}, {Case: "b", Site: "x"}}
		},
		"fixed and vetoed": func(p *placement.Problem) {
			p.Fixings = []placement.Link{{Case: "a", Site: "x"}}
			p.Vetoes = []placement.Link{{Case: "a", Site: "x"}}
		},
		"fixed to an incompatible site": func(p *placement.Problem) {
			p.Sites = append(p.Sites, placement.Site{ID: "y", Capacity: []int{5}})
			p.Fixings = []placement.Link{{Case: "a", Site: "y"}}
		},
		"duplicate case":          func(p *placement.Problem) { p.Cases[1].ID = "a" },
		"duplicate pair":          func(p *placement.Problem) { p.Pairs[1].Case = "a" },
		"sizes of another length": func(p *placement.Problem) { p.Cases[0].Size = []int{1, 1} },
		"negative capacity":       func(p *placement.Problem) { p.Sites[0].Capacity = []int{-1} },
		"no dimension":            func(p *placement.Problem) { p.Dimensions = nil },
	} {
		p := base()
		if _, err := placement.Solve(p, placement.Options{}); err != nil {
			t.Fatalf("%s: the base problem: %v", name, err)
		}
		change(p)
		if _, err := placement.Solve(p, placement.Options{}); !errors.Is(err, placement.ErrInput) {
			t.Errorf("%s: err = %v, want ErrInput", name, err)
		}
	}
}

// hiasDir is the HIAS FY17 data: HAVEN_HIAS_DIR, or the project's shared
// benchmark folder beside the repository.
func hiasDir(t *testing.T) string {
	if d := os.Getenv("HAVEN_HIAS_DIR"); d != "" {
		return d
	}
	d := filepath.Join("..", "..", "..", "shared", "bench", "placement", "hias-fy17")
	if _, err := os.Stat(filepath.Join(d, "FY17_size.csv")); err != nil {
		t.Skip("HIAS FY17 data not found: set HAVEN_HIAS_DIR to its folder")
	}
	return d
}

// TestHIAS: CBC's optima (measured: 208.99 with persons, 180.76 with age
// classes, to CBC's 0.01% gap) lie within Haven's certificate.
func TestHIAS(t *testing.T) {
	if testing.Short() {
		t.Skip("HIAS FY17: not under -short")
	}
	dir := hiasDir(t)
	for _, c := range []struct {
		dims int
		cbc  float64
	}{{1, 208.99}, {3, 180.76}} {
		p, err := placement.ReadHIAS(os.DirFS(dir), c.dims)
		if err != nil {
			t.Fatal(err)
		}
		if len(p.Cases) != 329 || len(p.Sites) != 21 {
			t.Fatalf("HIAS: %d cases, %d sites", len(p.Cases), len(p.Sites))
		}
		s := mustSolve(t, p)
		check(t, p, s)
		t.Logf("HIAS %d dims: objective %.4f bound %.4f gap %.4g%% nodes %d", c.dims, s.Objective, s.Bound, 100*s.Gap, s.Nodes)
		if s.Bound < c.cbc-0.01 || s.Objective > c.cbc+0.01 {
			t.Errorf("HIAS %d dims: CBC's %.2f outside [%.4f, %.4f]", c.dims, c.cbc, s.Objective, s.Bound)
		}
	}
}
