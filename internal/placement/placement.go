package placement

import (
	"errors"
	"fmt"
	"math"
)

// Problem is one matching to propose.
type Problem struct {
	// Dimensions names the capacity dimensions, in the order of every
	// Size and Capacity (for example "persons", or "children", "adults",
	// "seniors"). At least one.
	Dimensions []string
	Cases      []Case
	Sites      []Site
	// Pairs are the compatible (case, site) pairs and their scores: a
	// case may go only to a site it has a pair with.
	Pairs []Pair
	// Fixings are an officer's decisions that a case goes to a site.
	Fixings []Link
	// Vetoes are an officer's decisions that a case does not go to a site,
	// whatever its score.
	Vetoes []Link
}

// Case is a family, placed whole or deferred.
type Case struct {
	ID string
	// Size is what the family takes of a site's capacity, per dimension.
	Size []int
	// DeferCost is what leaving the case to a person costs the objective
	// (0: deferring is neutral; the score of a placement is its gain).
	DeferCost float64
}

// Site is a settlement organisation or community.
type Site struct {
	ID string
	// Capacity is what the site can take, per dimension.
	Capacity []int
}

// Pair is a compatible (case, site) pair and the score of placing the
// case there.
type Pair struct {
	Case, Site string
	Score      float64
}

// Link names a case and a site, for fixings and vetoes.
type Link struct {
	Case, Site string
}

// ErrInput is wrapped by every error about a Problem that cannot be
// solved as given: the message says which case, site or pair and what is
// wrong with it.
var ErrInput = errors.New("placement: invalid input")

func inputErr(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrInput, fmt.Sprintf(format, args...))
}

// model is a Problem in indices, checked. Options of a case are its
// compatible, not vetoed sites, in the order of Problem.Sites.
type model struct {
	p      *Problem
	nd     int
	size   [][]int     // [case][dim]
	cap    [][]int     // [site][dim], after the fixed cases
	defer_ []float64   // cost of deferring each case
	opts   [][]option  // [case] options
	fixed  []int       // [case] site index fixed by an officer, or -1
	reason []Reason    // [case] why a case has no option (ReasonNone if it has)
	pairOf [][]float64 // [case][site] score, NaN when not a pair (for explanations)
}

type option struct {
	site  int
	score float64
}

// build checks p and indexes it.
func build(p *Problem) (*model, error) {
	nd := len(p.Dimensions)
	if nd == 0 {
		return nil, inputErr("no capacity dimension")
	}
	m := &model{p: p, nd: nd}
	caseIx := make(map[string]int, len(p.Cases))
	siteIx := make(map[string]int, len(p.Sites))
	for i, c := range p.Cases {
		if c.ID == "" {
			return nil, inputErr("case %d has no ID", i+1)
		}
		if _, dup := caseIx[c.ID]; dup {
			return nil, inputErr("case %q given twice", c.ID)
		}
		caseIx[c.ID] = i
		if len(c.Size) != nd {
			return nil, inputErr("case %q has %d sizes for %d dimensions", c.ID, len(c.Size), nd)
		}
		for d, s := range c.Size {
			if s < 0 {
				return nil, inputErr("case %q has a negative size in %s", c.ID, p.Dimensions[d])
			}
		}
		if !finite(c.DeferCost) {
			return nil, inputErr("case %q has a deferral cost that is not a finite number", c.ID)
		}
		m.size = append(m.size, c.Size)
		m.defer_ = append(m.defer_, c.DeferCost)
	}
	for j, s := range p.Sites {
		if s.ID == "" {
			return nil, inputErr("site %d has no ID", j+1)
		}
		if _, dup := siteIx[s.ID]; dup {
			return nil, inputErr("site %q given twice", s.ID)
		}
		siteIx[s.ID] = j
		if len(s.Capacity) != nd {
			return nil, inputErr("site %q has %d capacities for %d dimensions", s.ID, len(s.Capacity), nd)
		}
		c := make([]int, nd)
		for d, v := range s.Capacity {
			if v < 0 {
				return nil, inputErr("site %q has a negative capacity in %s", s.ID, p.Dimensions[d])
			}
			c[d] = v
		}
		m.cap = append(m.cap, c)
	}
	n := len(p.Cases)
	m.pairOf = make([][]float64, n)
	for i := range m.pairOf {
		row := make([]float64, len(p.Sites))
		for j := range row {
			row[j] = math.NaN()
		}
		m.pairOf[i] = row
	}
	lookup := func(what string, l Link) (int, int, error) {
		i, ok := caseIx[l.Case]
		if !ok {
			return 0, 0, inputErr("%s names an unknown case %q", what, l.Case)
		}
		j, ok := siteIx[l.Site]
		if !ok {
			return 0, 0, inputErr("%s names an unknown site %q", what, l.Site)
		}
		return i, j, nil
	}
	for _, pr := range p.Pairs {
		i, j, err := lookup("a pair", Link{pr.Case, pr.Site})
		if err != nil {
			return nil, err
		}
		if !finite(pr.Score) {
			return nil, inputErr("the pair (%q, %q) has a score that is not a finite number", pr.Case, pr.Site)
		}
		if !math.IsNaN(m.pairOf[i][j]) {
			return nil, inputErr("the pair (%q, %q) is given twice", pr.Case, pr.Site)
		}
		m.pairOf[i][j] = pr.Score
	}
	vetoed := make([]map[int]bool, n)
	for _, v := range p.Vetoes {
		i, j, err := lookup("a veto", v)
		if err != nil {
			return nil, err
		}
		if vetoed[i] == nil {
			vetoed[i] = map[int]bool{}
		}
		vetoed[i][j] = true
	}
	m.fixed = make([]int, n)
	for i := range m.fixed {
		m.fixed[i] = -1
	}
	for _, f := range p.Fixings {
		i, j, err := lookup("a fixing", f)
		if err != nil {
			return nil, err
		}
		if vetoed[i][j] {
			return nil, inputErr("case %q is both fixed to and vetoed from site %q", f.Case, f.Site)
		}
		if math.IsNaN(m.pairOf[i][j]) {
			return nil, inputErr("case %q is fixed to site %q, which is not compatible with it", f.Case, f.Site)
		}
		if m.fixed[i] >= 0 && m.fixed[i] != j {
			return nil, inputErr("case %q is fixed to two sites, %q and %q", f.Case, p.Sites[m.fixed[i]].ID, f.Site)
		}
		m.fixed[i] = j
	}
	// Capacity left after the fixed cases; below zero is an error, with the
	// site and dimension named.
	for i, j := range m.fixed {
		if j < 0 {
			continue
		}
		for d := 0; d < nd; d++ {
			m.cap[j][d] -= m.size[i][d]
		}
	}
	for j := range m.cap {
		for d := 0; d < nd; d++ {
			if m.cap[j][d] < 0 {
				return nil, inputErr("site %q has a capacity of %d in %s, below the %d its fixed cases take",
					p.Sites[j].ID, p.Sites[j].Capacity[d], p.Dimensions[d], p.Sites[j].Capacity[d]-m.cap[j][d])
			}
		}
	}
	m.opts = make([][]option, n)
	m.reason = make([]Reason, n)
	for i := 0; i < n; i++ {
		if m.fixed[i] >= 0 {
			m.reason[i] = ReasonFixed
			continue
		}
		compatible, fits := false, false
		for j := range p.Sites {
			s := m.pairOf[i][j]
			if math.IsNaN(s) || vetoed[i][j] {
				continue
			}
			compatible = true
			if !fitsIn(m.size[i], p.Sites[j].Capacity) {
				continue
			}
			fits = true
			m.opts[i] = append(m.opts[i], option{j, s})
		}
		switch {
		case !compatible:
			m.reason[i] = ReasonNoCompatibleSite
		case !fits:
			m.reason[i] = ReasonTooLarge
		}
	}
	return m, nil
}

func finite(f float64) bool { return !math.IsNaN(f) && !math.IsInf(f, 0) }

func fitsIn(size, capacity []int) bool {
	for d, s := range size {
		if s > capacity[d] {
			return false
		}
	}
	return true
}
