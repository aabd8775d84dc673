package placement

import "math"

// Options bound the work of Solve. The zero value takes the defaults.
type Options struct {
	// Gap is the relative gap at which the search stops: (bound −
	// objective) / |objective|. Default 0.0001 (0.01%).
	Gap float64
	// Iterations of the subgradient on the Lagrangian bound. Default 2000.
	Iterations int
	// Nodes of branch and bound at most. Default 300: on HIAS FY17 more
	// nodes close little of the gap (5000 nodes: 0.054%, against 0.062% at
	// the root), at about 18 ms each.
	Nodes int
	// MaxTableau is the largest linear program (rows × columns) branch and
	// bound solves after the reduced-cost eliminations; a larger remainder
	// keeps the Lagrangian bound. Default 4,000,000.
	MaxTableau int
}

func (o Options) withDefaults() Options {
	if o.Gap <= 0 {
		o.Gap = 1e-4
	}
	if o.Iterations <= 0 {
		o.Iterations = 2000
	}
	if o.Nodes <= 0 {
		o.Nodes = 300
	}
	if o.MaxTableau <= 0 {
		o.MaxTableau = 4_000_000
	}
	return o
}

// Solution is a proposal and its certificate.
type Solution struct {
	// Assignments has one entry per case, in the order of Problem.Cases.
	Assignments []Assignment
	// Objective is the sum of the chosen pairs' scores, less the costs of
	// the deferred cases.
	Objective float64
	// Bound is proven: no assignment within the rules scores above it.
	Bound float64
	// Gap is (Bound − Objective) / |Objective| (0 when both are 0).
	Gap float64
	// Nodes is the number of branch-and-bound nodes solved.
	Nodes int
	// Remaining is the number of cases still undecided after the
	// reduced-cost eliminations, which branch and bound worked on.
	Remaining int
	// Prices are the capacity prices of the Lagrangian bound, per site and
	// dimension: what one more unit of that capacity is worth, about.
	Prices [][]float64
}

// Solve proposes an assignment of p's cases to its sites, with a proven
// bound. It returns an error wrapping ErrInput when p cannot be solved as
// given (unknown IDs, scores that are not finite numbers, a capacity below
// what its fixed cases take...); a case that no site can take is deferred
// with the reason, never dropped.
func Solve(p *Problem, opt Options) (*Solution, error) {
	opt = opt.withDefaults()
	m, err := build(p)
	if err != nil {
		return nil, err
	}
	var free []int
	for i := range m.opts {
		if m.fixed[i] < 0 && len(m.opts[i]) > 0 {
			free = append(free, i)
		}
	}
	constObj := 0.0 // the fixed and the deferred-by-necessity cases
	for i := range m.opts {
		switch {
		case m.fixed[i] >= 0:
			constObj += m.pairOf[i][m.fixed[i]]
		case len(m.opts[i]) == 0:
			constObj -= m.defer_[i]
		}
	}
	freeObj := func(s *state) float64 {
		z := 0.0
		for _, i := range free {
			z += s.value(i)
		}
		return z
	}

	// An assignment first: greedy on the raw scores, improved.
	best := m.greedy(free, nil)
	best.improve(free, 5)
	lbFree := freeObj(best)
	// Greedy assignments are compared as they are; the best is improved
	// by local search at the end (the search costs more than the greedy).
	try := func(s *state) {
		if v := freeObj(s); v > lbFree+1e-12 {
			best, lbFree = s, v
		}
	}
	// The Lagrangian bound, with greedy assignments on its prices now and
	// then.
	lam := make([]float64, len(m.cap)*m.nd)
	ubFree, bestLam := m.subgradient(free, lam, lbFree, opt.Iterations, func(l []float64) float64 {
		try(m.greedy(free, l))
		return lbFree
	})
	try(m.greedy(free, bestLam))
	best = best.clone()
	best.improve(free, 5)
	lbFree = freeObj(best)
	if len(free) == 0 {
		ubFree = 0
	}

	sol := &Solution{}
	tol := func() float64 { return 0.9 * opt.Gap * math.Abs(constObj+lbFree) }
	bound := ubFree
	if ubFree-lbFree > tol() && len(free) > 0 {
		bb := &search{m: m, free: free, opt: opt, incumbent: best, lbFree: lbFree, tol: tol}
		if b, ok := bb.run(bestLam, ubFree); ok {
			bound = math.Min(bound, b)
		}
		best, lbFree = bb.incumbent, bb.lbFree
		sol.Nodes, sol.Remaining = bb.nodes, bb.remaining
	}
	if bound < lbFree {
		bound = lbFree // rounding: the bound is never below what is achieved
	}
	sol.Objective = constObj + lbFree
	sol.Bound = constObj + bound
	if d := sol.Bound - sol.Objective; d > 0 {
		sol.Gap = d / math.Max(math.Abs(sol.Objective), 1e-12)
	}
	sol.Prices = make([][]float64, len(m.cap))
	for j := range m.cap {
		sol.Prices[j] = bestLam[j*m.nd : (j+1)*m.nd : (j+1)*m.nd]
	}
	sol.Assignments = m.explain(best)
	return sol, nil
}

// search is branch and bound on what the reduced costs leave undecided.
type search struct {
	m         *model
	free      []int
	opt       Options
	incumbent *state
	lbFree    float64
	tol       func() float64

	nodes, remaining int
	pruned           float64 // the highest bound of a part of the search set aside

	// The program: one row per remaining case (its options and its
	// deferral), one per site and dimension.
	rows    []int   // remaining cases
	colCase []int   // structural column → case
	colOpt  []int   // structural column → option
	forced  *state  // the cases decided by elimination, placed
	constV  float64 // their value
}

// run eliminates, then branches; it returns the bound on the free cases'
// objective and whether the search could run.
func (b *search) run(lam []float64, ub float64) (float64, bool) {
	m := b.m
	b.pruned = math.Inf(-1)
	// Reduced-cost elimination at the Lagrangian prices: forcing case i
	// onto option o bounds the objective by ub + (priced(o) − priced best).
	// Options that cannot beat the incumbent by more than the tolerance go.
	keep := make([][]int, len(m.opts)) // kept options, -1 for deferral
	limit := b.lbFree + b.tol()
	forced := newState(m)
	b.forced = forced
	for _, i := range b.free {
		bestP := -m.defer_[i]
		pr := make([]float64, len(m.opts[i]))
		for o, op := range m.opts[i] {
			pr[o] = m.priced(i, op, lam)
			bestP = math.Max(bestP, pr[o])
		}
		var k []int
		for o := range m.opts[i] {
			if v := ub + pr[o] - bestP; v > limit {
				k = append(k, o)
			} else {
				b.pruned = math.Max(b.pruned, v)
			}
		}
		if v := ub - m.defer_[i] - bestP; v > limit {
			k = append(k, -1)
		} else {
			b.pruned = math.Max(b.pruned, v)
		}
		keep[i] = k
	}
	var rows []int
	for _, i := range b.free {
		switch len(keep[i]) {
		case 0:
			// Every option of this case is set aside: nothing beats the
			// incumbent by more than the tolerance.
			return math.Max(b.lbFree, b.pruned), true
		case 1:
			if o := keep[i][0]; o >= 0 {
				forced.place(i, o)
			}
			b.constV += m.scoreAt(i, keep[i][0])
		default:
			rows = append(rows, i)
		}
	}
	for j := range forced.rem {
		for d := range forced.rem[j] {
			if forced.rem[j][d] < 0 {
				// The forced cases do not fit: nothing better remains.
				return math.Max(b.lbFree, b.pruned), true
			}
		}
	}
	b.rows = rows
	b.remaining = len(rows)
	if len(rows) == 0 {
		if v := b.constV; v > b.lbFree {
			b.incumbent, b.lbFree = forced, v
		}
		return math.Max(b.lbFree, b.pruned), true
	}
	// The program.
	nCap := len(m.cap) * m.nd
	nr := len(rows) + nCap
	var cols [][]entry
	var c []float64
	penalty := 1.0
	for _, i := range rows {
		penalty += math.Abs(m.defer_[i])
		mx := 0.0
		for _, o := range keep[i] {
			mx = math.Max(mx, math.Abs(m.scoreAt(i, o)))
		}
		penalty += mx
	}
	deferOK := make([]bool, len(rows))
	for r, i := range rows {
		for _, o := range keep[i] {
			if o < 0 {
				deferOK[r] = true
				continue
			}
			col := []entry{{r, 1}}
			site := m.opts[i][o].site
			for d, sz := range m.size[i] {
				if sz != 0 {
					col = append(col, entry{len(rows) + site*m.nd + d, float64(sz)})
				}
			}
			cols = append(cols, col)
			c = append(c, m.opts[i][o].score)
			b.colCase = append(b.colCase, i)
			b.colOpt = append(b.colOpt, o)
		}
	}
	ns := len(cols)
	if nr*(ns+nr) > b.opt.MaxTableau {
		return 0, false
	}
	lo := make([]float64, ns+nr)
	up := make([]float64, ns+nr)
	rhs := make([]float64, nr)
	for j := 0; j < ns; j++ {
		up[j] = 1
	}
	for r, i := range rows {
		// The deferral column: its true cost, or a penalty when deferring
		// this case cannot beat the incumbent (still a relaxation).
		cost := -m.defer_[i]
		if !deferOK[r] {
			cost -= penalty
		}
		c = append(c, cost)
		up[ns+r] = 1
		rhs[r] = 1
	}
	for k := 0; k < nCap; k++ {
		c = append(c, 0)
		up[ns+len(rows)+k] = math.Inf(1)
		rhs[len(rows)+k] = float64(forced.rem[k/m.nd][k%m.nd])
	}
	l := newLP(nr, cols, c, lo, up, rhs)
	if st := l.primal(100 * (nr + ns)); st != lpOptimal {
		return 0, false
	}
	open := math.Inf(-1)
	b.node(l, math.Inf(1), &open)
	return math.Max(b.lbFree, math.Max(b.pruned, open)), true
}

// node solves the program at one node (dual simplex after a bound change)
// and branches on a fractional column. parent is the parent's bound; open
// collects the bounds of nodes left unsolved at the node limit.
func (b *search) node(l *lp, parent float64, open *float64) {
	if b.nodes >= b.opt.Nodes {
		*open = math.Max(*open, parent)
		return
	}
	b.nodes++
	st := l.dual(50 * l.m)
	if st == lpInfeasible {
		return
	} else if st == lpLimit {
		*open = math.Max(*open, parent)
		return
	}
	z := b.constV + l.objective()
	if z <= b.lbFree+b.tol() {
		b.pruned = math.Max(b.pruned, z)
		return
	}
	ns := len(b.colCase)
	// Reduced-cost fixing below this node.
	limit := b.lbFree + b.tol()
	for j := 0; j < ns; j++ {
		if l.pos[j] >= 0 || l.lo[j] == l.up[j] {
			continue
		}
		if l.x[j] <= l.lo[j] && z+l.d[j] <= limit {
			b.pruned = math.Max(b.pruned, z+l.d[j])
			l.setBounds(j, 0, 0)
		} else if l.x[j] >= l.up[j] && z-l.d[j] <= limit {
			b.pruned = math.Max(b.pruned, z-l.d[j])
			l.setBounds(j, 1, 1)
		}
	}
	// The fractional column nearest to 1: fixing it places a case, so
	// the first dive reaches an assignment soon.
	br, frac := -1, 0.0
	for j := 0; j < ns; j++ {
		if v := l.x[j]; v > 1e-7 && v < 1-1e-7 && v > frac+1e-12 {
			br, frac = j, v
		}
	}
	if br < 0 {
		b.integral(l)
		return
	}
	if b.nodes == 1 || b.nodes%16 == 0 {
		b.round(l)
	}
	upFirst := true
	up := l.clone()
	up.setBounds(br, 1, 1)
	down := l
	down.setBounds(br, 0, 0)
	if upFirst {
		b.node(up, z, open)
		b.node(down, z, open)
	} else {
		b.node(down, z, open)
		b.node(up, z, open)
	}
}

// integral takes an integral solution of the program as the incumbent
// when it is better, on the true scores.
func (b *search) integral(l *lp) {
	s := b.forced.clone()
	for j, i := range b.colCase {
		if l.x[j] > 0.5 {
			s.place(i, b.colOpt[j])
		}
	}
	for d := range s.rem {
		for _, v := range s.rem[d] {
			if v < 0 {
				return // not reachable: the program holds the capacities
			}
		}
	}
	v := 0.0
	for _, i := range b.free {
		v += s.value(i)
	}
	if v > b.lbFree+1e-12 {
		b.incumbent, b.lbFree = s, v
	}
}

// round makes an assignment from the program's solution: the cases it
// places whole stay, the others take the option it favours most that
// fits, then local search. It becomes the incumbent when better.
func (b *search) round(l *lp) {
	s := b.forced.clone()
	ns := len(b.colCase)
	for j := 0; j < ns; j++ {
		if l.x[j] > 1-1e-7 {
			s.place(b.colCase[j], b.colOpt[j])
		}
	}
	for j := 0; j < ns; j++ {
		i := b.colCase[j]
		if v := l.x[j]; v > 1e-7 && v <= 1-1e-7 && s.at[i] < 0 && s.fits(i, b.m.opts[i][b.colOpt[j]].site) {
			s.place(i, b.colOpt[j])
		}
	}
	for d := range s.rem {
		for _, v := range s.rem[d] {
			if v < 0 {
				return
			}
		}
	}
	s.improve(b.free, 5)
	v := 0.0
	for _, i := range b.free {
		v += s.value(i)
	}
	if b.nodes == 1 {
		nf := 0
		for j := 0; j < ns; j++ {
			if l.x[j] > 1e-7 && l.x[j] < 1-1e-7 {
				nf++
			}
		}
	}
	if v > b.lbFree+1e-12 {
		b.incumbent, b.lbFree = s, v
	}
}
