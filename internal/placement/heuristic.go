package placement

import (
	"math"
	"sort"
)

// state is an assignment of the free cases, with the capacity it leaves.
// at[i] is an index into opts[i], or -1 for deferred.
type state struct {
	m    *model
	at   []int
	rem  [][]int // [site][dim] capacity left
	memb [][]int // [site] cases placed there (order is deterministic, not meaningful)
	work int     // steps of the swap search so far, against swapBudget
}

// swapBudget caps the steps of the swap search of one improve: on large
// instances the moves alone do most of the good. A count, not a clock, so
// that results stay the same from run to run.
const swapBudget = 20_000_000

func newState(m *model) *state {
	s := &state{m: m, at: make([]int, len(m.opts)), rem: make([][]int, len(m.cap)), memb: make([][]int, len(m.cap))}
	for i := range s.at {
		s.at[i] = -1
	}
	for j, c := range m.cap {
		s.rem[j] = append([]int(nil), c...)
	}
	return s
}

func (s *state) clone() *state {
	k := &state{m: s.m, at: append([]int(nil), s.at...), rem: make([][]int, len(s.rem)), memb: make([][]int, len(s.memb))}
	for j := range s.rem {
		k.rem[j] = append([]int(nil), s.rem[j]...)
		k.memb[j] = append([]int(nil), s.memb[j]...)
	}
	return k
}

// value is the score of case i where it is.
func (s *state) value(i int) float64 { return s.m.scoreAt(i, s.at[i]) }

func (m *model) scoreAt(i, o int) float64 {
	if o < 0 {
		return -m.defer_[i]
	}
	return m.opts[i][o].score
}

func (s *state) objective() float64 {
	z := 0.0
	for i := range s.at {
		if s.m.fixed[i] >= 0 {
			z += s.m.pairOf[i][s.m.fixed[i]]
			continue
		}
		z += s.value(i)
	}
	return z
}

func (s *state) fits(i, site int) bool {
	for d, v := range s.m.size[i] {
		if v > s.rem[site][d] {
			return false
		}
	}
	return true
}

func (s *state) place(i, o int) {
	if cur := s.at[i]; cur >= 0 {
		site := s.m.opts[i][cur].site
		for d, v := range s.m.size[i] {
			s.rem[site][d] += v
		}
		mb := s.memb[site]
		for k, c := range mb {
			if c == i {
				mb[k] = mb[len(mb)-1]
				s.memb[site] = mb[:len(mb)-1]
				break
			}
		}
	}
	s.at[i] = o
	if o >= 0 {
		site := s.m.opts[i][o].site
		for d, v := range s.m.size[i] {
			s.rem[site][d] -= v
		}
		s.memb[site] = append(s.memb[site], i)
	}
}

// greedy places the free cases by their scores priced at lam: cases with
// the most to lose from their second choice first, each on its best
// priced option that fits, deferred when deferring prices better.
func (m *model) greedy(free []int, lam []float64) *state {
	s := newState(m)
	type pick struct {
		i      int
		regret float64
		order  []int
	}
	picks := make([]pick, 0, len(free))
	for _, i := range free {
		ops := m.opts[i]
		pr := make([]float64, len(ops))
		order := make([]int, len(ops))
		for o, op := range ops {
			pr[o] = m.priced(i, op, lam)
			order[o] = o
		}
		sort.SliceStable(order, func(a, b int) bool { return pr[order[a]] > pr[order[b]] })
		regret := 0.0
		if len(order) > 0 {
			second := -m.defer_[i]
			if len(order) > 1 && pr[order[1]] > second {
				second = pr[order[1]]
			}
			regret = pr[order[0]] - second
		}
		picks = append(picks, pick{i, regret, order})
		// Options priced below deferring are cut from the order.
		k := 0
		for _, o := range order {
			if pr[o] >= -m.defer_[i] {
				order[k] = o
				k++
			}
		}
		picks[len(picks)-1].order = order[:k]
	}
	sort.SliceStable(picks, func(a, b int) bool { return picks[a].regret > picks[b].regret })
	for _, p := range picks {
		for _, o := range p.order {
			if s.fits(p.i, m.opts[p.i][o].site) {
				s.place(p.i, o)
				break
			}
		}
	}
	return s
}

func (m *model) priced(i int, op option, lam []float64) float64 {
	v := op.score
	if lam == nil {
		return v
	}
	base := op.site * m.nd
	for d, sz := range m.size[i] {
		v -= lam[base+d] * float64(sz)
	}
	return v
}

// improve runs local search on the true scores: a case moves to a better
// option with room (a deferred case into any site), or two cases swap
// sites, while either gains; at most passes rounds.
func (s *state) improve(free []int, passes int) {
	m := s.m
	const eps = 1e-12
	for ; passes > 0; passes-- {
		changed := false
		for _, i := range free {
			cur := s.value(i)
			best, bestO := cur+eps, -2
			for o, op := range m.opts[i] {
				if o == s.at[i] || op.score <= best {
					continue
				}
				if s.fitsAfterLeaving(i, op.site) {
					best, bestO = op.score, o
				}
			}
			if bestO != -2 {
				s.place(i, bestO)
				changed = true
			}
		}
		s.work = 0
		for _, a := range free {
			if s.work > swapBudget {
				break
			}
			if s.swapBetter(a) {
				changed = true
			}
		}
		if !changed {
			return
		}
	}
}

// fitsAfterLeaving: whether case i fits at site once it has left where it is.
func (s *state) fitsAfterLeaving(i, site int) bool {
	cur := -1
	if s.at[i] >= 0 {
		cur = s.m.opts[i][s.at[i]].site
	}
	for d, v := range s.m.size[i] {
		r := s.rem[site][d]
		if cur == site {
			r += v
		}
		if v > r {
			return false
		}
	}
	return true
}

// swapBetter tries, for case a, a better site q and a case b there that
// makes room by moving to another of its options r (a's own site, which a
// leaves, or deferral among them); it makes the first such move that
// gains.
func (s *state) swapBetter(a int) bool {
	m := s.m
	const eps = 1e-12
	curA := s.value(a)
	p := -1
	if s.at[a] >= 0 {
		p = m.opts[a][s.at[a]].site
	}
	for oq, opq := range m.opts[a] {
		q := opq.site
		if q == p || opq.score <= curA+eps {
			continue
		}
		for _, b := range s.memb[q] {
			s.work += 1 + len(m.opts[b])
			ok := true
			for d := 0; d < m.nd && ok; d++ {
				ok = s.rem[q][d]+m.size[b][d]-m.size[a][d] >= 0
			}
			if !ok {
				continue
			}
			curB := s.value(b)
			bestR, bestGain := -2, eps
			if g := opq.score - curA - m.defer_[b] - curB; g > bestGain {
				bestR, bestGain = -1, g
			}
			for or, opr := range m.opts[b] {
				r := opr.site
				if r == q {
					continue
				}
				g := opq.score - curA + opr.score - curB
				if g <= bestGain {
					continue
				}
				fit := true
				for d := 0; d < m.nd && fit; d++ {
					left := s.rem[r][d] - m.size[b][d]
					if r == p {
						left += m.size[a][d]
					}
					fit = left >= 0
				}
				if fit {
					bestR, bestGain = or, g
				}
			}
			if bestR == -2 {
				continue
			}
			s.place(b, -1)
			s.place(a, oq)
			s.place(b, bestR)
			return true
		}
	}
	return false
}

// optionAt is the index of site in case i's options, or -1.
func (m *model) optionAt(i, site int) int {
	ops := m.opts[i]
	k := sort.Search(len(ops), func(k int) bool { return ops[k].site >= site })
	if k < len(ops) && ops[k].site == site {
		return k
	}
	return -1
}

// lagrangian evaluates the relaxation of the capacity rows at lam for the
// free cases: its value (an upper bound on the free cases' best
// objective), each case's best priced option in choice (-1: defer), and
// the subgradient (capacity minus use) in g.
func (m *model) lagrangian(free []int, lam []float64, choice []int, g []float64) float64 {
	z := 0.0
	for j, c := range m.cap {
		for d, v := range c {
			z += lam[j*m.nd+d] * float64(v)
			g[j*m.nd+d] = float64(v)
		}
	}
	for _, i := range free {
		best, bo := -m.defer_[i], -1
		for o, op := range m.opts[i] {
			if v := m.priced(i, op, lam); v > best {
				best, bo = v, o
			}
		}
		choice[i] = bo
		z += best
		if bo >= 0 {
			base := m.opts[i][bo].site * m.nd
			for d, sz := range m.size[i] {
				g[base+d] -= float64(sz)
			}
		}
	}
	return z
}

// subgradient minimises the Lagrangian from lam (changed in place) with
// Polyak steps toward target, and returns the best bound and its prices.
// every, when not nil, is called with the current prices now and then
// and returns a better target when it has one.
func (m *model) subgradient(free []int, lam []float64, target float64, iters int, every func([]float64) float64) (float64, []float64) {
	choice := make([]int, len(m.opts))
	g := make([]float64, len(lam))
	best := math.Inf(1)
	bestLam := append([]float64(nil), lam...)
	alpha, stall := 2.0, 0
	for it := 0; it < iters; it++ {
		f := m.lagrangian(free, lam, choice, g)
		if f < best-1e-12 {
			best = f
			copy(bestLam, lam)
			stall = 0
		} else if stall++; stall >= 20 {
			alpha /= 2
			stall = 0
		}
		if every != nil && it%100 == 99 {
			if t := every(lam); t > target {
				target = t
			}
		}
		if best-target <= 1e-9*math.Max(1, math.Abs(target)) || alpha < 1e-5 {
			break
		}
		norm := 0.0
		for k, v := range g {
			if lam[k] <= 0 && v > 0 {
				g[k] = 0 // projected: the price stays at zero
				continue
			}
			norm += v * v
		}
		if norm == 0 {
			break // the priced choices fit: the bound is exact
		}
		step := alpha * (f - target) / norm
		for k, v := range g {
			lam[k] = math.Max(0, lam[k]-step*v)
		}
	}
	return best, bestLam
}
