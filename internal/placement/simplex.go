package placement

import "math"

// lp is a bounded linear program in a dense tableau, maximised:
//
//	max c·x  subject to  A x = b,  lo ≤ x ≤ up,
//
// where the last m columns of A are the identity (one slack per row), so
// that the slacks are a first basis. The tableau holds B⁻¹A; d holds the
// reduced costs c − c_B B⁻¹A. Small programs only: each pivot touches the
// whole tableau.
type lp struct {
	m, n   int
	t      []float64 // m×n, row-major
	d      []float64 // n reduced costs
	c      []float64
	lo, up []float64
	x      []float64 // values of all columns
	basis  []int     // column basic in each row
	pos    []int     // row of a basic column, or -1
	iters  int
}

const (
	primalTol = 1e-9
	dualTol   = 1e-9
	pivotTol  = 1e-9
)

type lpStatus int

const (
	lpOptimal lpStatus = iota
	lpInfeasible
	lpLimit
)

// newLP makes the program with rows given as sparse columns: col[j] lists
// (row, coefficient) of structural column j; columns n-m..n-1 are the
// slacks, whose bounds and costs come last in c, lo and up. The slack
// basis must be primal feasible: lo ≤ b ≤ up for the slacks.
func newLP(m int, cols [][]entry, c, lo, up, b []float64) *lp {
	ns := len(cols)
	n := ns + m
	l := &lp{m: m, n: n, t: make([]float64, m*n), d: make([]float64, n), c: c, lo: lo, up: up,
		x: make([]float64, n), basis: make([]int, m), pos: make([]int, n)}
	for j, col := range cols {
		for _, e := range col {
			l.t[e.row*n+j] = e.v
		}
		l.pos[j] = -1
		l.x[j] = lo[j]
	}
	for r := 0; r < m; r++ {
		l.t[r*n+ns+r] = 1
		l.basis[r] = ns + r
		l.pos[ns+r] = r
	}
	// Basic values: b minus the structurals at their bounds.
	for r := 0; r < m; r++ {
		v := b[r]
		for j := 0; j < ns; j++ {
			v -= l.t[r*n+j] * l.x[j]
		}
		l.x[ns+r] = v
	}
	for j := 0; j < n; j++ {
		dj := c[j]
		for r := 0; r < m; r++ {
			if a := l.t[r*n+j]; a != 0 {
				dj -= c[l.basis[r]] * a
			}
		}
		l.d[j] = dj
	}
	return l
}

type entry struct {
	row int
	v   float64
}

func (l *lp) clone() *lp {
	k := *l
	k.t = append([]float64(nil), l.t...)
	k.d = append([]float64(nil), l.d...)
	k.lo = append([]float64(nil), l.lo...)
	k.up = append([]float64(nil), l.up...)
	k.x = append([]float64(nil), l.x...)
	k.basis = append([]int(nil), l.basis...)
	k.pos = append([]int(nil), l.pos...)
	return &k
}

func (l *lp) objective() float64 {
	z := 0.0
	for j, v := range l.x {
		z += l.c[j] * v
	}
	return z
}

// pivot makes column j basic in row r.
func (l *lp) pivot(r, j int) {
	n := l.n
	row := l.t[r*n : (r+1)*n]
	inv := 1 / row[j]
	for k := range row {
		row[k] *= inv
	}
	row[j] = 1
	for i := 0; i < l.m; i++ {
		if i == r {
			continue
		}
		ri := l.t[i*n : (i+1)*n]
		f := ri[j]
		if f == 0 {
			continue
		}
		for k, a := range row {
			if a != 0 {
				ri[k] -= f * a
			}
		}
		ri[j] = 0
	}
	if f := l.d[j]; f != 0 {
		for k, a := range row {
			if a != 0 {
				l.d[k] -= f * a
			}
		}
		l.d[j] = 0
	}
	old := l.basis[r]
	l.pos[old] = -1
	l.basis[r] = j
	l.pos[j] = r
}

// move changes nonbasic column j's value by delta, and the basic values
// with it.
func (l *lp) move(j int, delta float64) {
	if delta == 0 {
		return
	}
	l.x[j] += delta
	n := l.n
	for r := 0; r < l.m; r++ {
		if a := l.t[r*n+j]; a != 0 {
			l.x[l.basis[r]] -= a * delta
		}
	}
}

// primal runs the bounded primal simplex from a primal feasible basis.
func (l *lp) primal(maxIter int) lpStatus {
	n := l.n
	degenerate := 0
	for ; maxIter > 0; maxIter-- {
		l.iters++
		bland := degenerate > 50
		enter, dir, best := -1, 0.0, 0.0
		for j := 0; j < n; j++ {
			if l.pos[j] >= 0 || l.up[j]-l.lo[j] <= primalTol {
				continue
			}
			dj := l.d[j]
			var s float64
			switch {
			case dj > dualTol && l.x[j] <= l.lo[j]+primalTol:
				s = 1
			case dj < -dualTol && l.x[j] >= l.up[j]-primalTol:
				s = -1
			default:
				continue
			}
			if bland {
				enter, dir = j, s
				break
			}
			if math.Abs(dj) > best {
				enter, dir, best = j, s, math.Abs(dj)
			}
		}
		if enter < 0 {
			return lpOptimal
		}
		theta := l.up[enter] - l.lo[enter]
		leave, leaveAt := -1, 0.0
		bestPiv := 0.0
		for r := 0; r < l.m; r++ {
			a := l.t[r*n+enter] * dir
			b := l.basis[r]
			var lim, at float64
			switch {
			case a > pivotTol:
				lim, at = (l.x[b]-l.lo[b])/a, l.lo[b]
			case a < -pivotTol && !math.IsInf(l.up[b], 1):
				lim, at = (l.up[b]-l.x[b])/(-a), l.up[b]
			default:
				continue
			}
			if lim < 0 {
				lim = 0
			}
			if lim < theta-1e-12 || (lim <= theta+1e-12 && leave >= 0 && math.Abs(a) > bestPiv && !bland) {
				theta, leave, leaveAt, bestPiv = lim, r, at, math.Abs(a)
			}
		}
		if math.IsInf(theta, 1) {
			return lpLimit // unbounded: not in these programs
		}
		if theta <= 1e-12 {
			degenerate++
		} else {
			degenerate = 0
		}
		l.move(enter, dir*theta)
		if leave < 0 {
			// The entering column reaches its other bound.
			if dir > 0 {
				l.x[enter] = l.up[enter]
			} else {
				l.x[enter] = l.lo[enter]
			}
			continue
		}
		out := l.basis[leave]
		l.pivot(leave, enter)
		l.x[out] = leaveAt
	}
	return lpLimit
}

// dual runs the bounded dual simplex from a dual feasible basis.
func (l *lp) dual(maxIter int) lpStatus {
	n := l.n
	for ; maxIter > 0; maxIter-- {
		l.iters++
		r, worst := -1, primalTol
		for i := 0; i < l.m; i++ {
			b := l.basis[i]
			if v := l.lo[b] - l.x[b]; v > worst {
				r, worst = i, v
			}
			if v := l.x[b] - l.up[b]; v > worst {
				r, worst = i, v
			}
		}
		if r < 0 {
			return lpOptimal
		}
		b := l.basis[r]
		below := l.x[b] < l.lo[b]
		target := l.up[b]
		if below {
			target = l.lo[b]
		}
		row := l.t[r*n : (r+1)*n]
		enter, best, bestPiv := -1, math.Inf(1), 0.0
		for j := 0; j < n; j++ {
			if l.pos[j] >= 0 || l.up[j]-l.lo[j] <= primalTol {
				continue
			}
			a := row[j]
			if math.Abs(a) <= pivotTol {
				continue
			}
			atLower := l.x[j] <= l.lo[j]+primalTol
			// Moving x_j must move x_b toward its violated bound.
			var ok bool
			if below {
				ok = (atLower && a < 0) || (!atLower && a > 0)
			} else {
				ok = (atLower && a > 0) || (!atLower && a < 0)
			}
			if !ok {
				continue
			}
			ratio := math.Abs(l.d[j]) / math.Abs(a)
			if ratio < best-1e-12 || (ratio <= best+1e-12 && math.Abs(a) > bestPiv) {
				enter, best, bestPiv = j, ratio, math.Abs(a)
			}
		}
		if enter < 0 {
			return lpInfeasible
		}
		delta := (l.x[b] - target) / row[enter]
		l.move(enter, delta)
		l.pivot(r, enter)
		l.x[b] = target
	}
	return lpLimit
}

// setBounds changes column j's bounds, keeping the basis dual feasible:
// a nonbasic column moves to the bound its reduced cost favours. The
// basis may become primal infeasible: dual restores it.
func (l *lp) setBounds(j int, lo, up float64) {
	l.lo[j], l.up[j] = lo, up
	if l.pos[j] >= 0 {
		return
	}
	v := lo
	if l.d[j] > 0 && !math.IsInf(up, 1) {
		v = up
	}
	l.move(j, v-l.x[j])
	l.x[j] = v
}
