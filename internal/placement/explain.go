package placement

import (
	"math"
	"sort"
)

// Reason says why a case is where it is, when the scores alone do not.
type Reason string

// The reasons.
const (
	ReasonNone Reason = ""
	// ReasonFixed: an officer fixed the case to its site.
	ReasonFixed Reason = "fixed"
	// ReasonNoCompatibleSite: deferred, the case has no compatible site
	// that is not vetoed.
	ReasonNoCompatibleSite Reason = "no-compatible-site"
	// ReasonTooLarge: deferred, the family is larger than every
	// compatible site's capacity in some dimension.
	ReasonTooLarge Reason = "too-large"
	// ReasonCapacity: deferred, the sites it could go to are better used
	// by other families (see Binding).
	ReasonCapacity Reason = "capacity"
	// ReasonDeferScores: deferred, deferring scores at least as well as
	// any site it could go to.
	ReasonDeferScores Reason = "defer-scores"
)

// MaxAlternatives is how many alternatives an Assignment lists at most.
const MaxAlternatives = 3

// Assignment is where the proposal puts one case, and why.
type Assignment struct {
	Case string
	// Site is the site's ID, or "" when the case is deferred to a person.
	Site     string
	Deferred bool
	// Score is the pair's score, or minus the deferral cost.
	Score  float64
	Reason Reason
	// Alternatives are the best other options of the case (a site, or
	// deferral as Site ""), best first, with their score differences.
	Alternatives []Alternative
	// Binding are the site capacities, full for this family as the others
	// are placed, that keep it from a site that scores better.
	Binding []Capacity
}

// Alternative is another option of a case.
type Alternative struct {
	// Site is the site's ID, or "" for deferral.
	Site  string
	Score float64
	// Difference is Score minus the assignment's score: above zero, the
	// alternative scores better and Full says what keeps it out.
	Difference float64
	// Full lists the dimensions in which the site has no room for the
	// family, as the others are placed.
	Full []string
}

// Capacity is a site's capacity in one dimension, as the proposal leaves
// it.
type Capacity struct {
	Site, Dimension string
	// Left is the capacity left once the others are placed; the family
	// needs Need.
	Left, Need int
}

func (m *model) explain(s *state) []Assignment {
	p := m.p
	// Capacity left by the whole proposal, fixed cases included (m.cap is
	// after them already).
	out := make([]Assignment, len(p.Cases))
	for i, c := range p.Cases {
		a := Assignment{Case: c.ID, Reason: m.reason[i]}
		here := -1 // site index
		switch {
		case m.fixed[i] >= 0:
			here = m.fixed[i]
			a.Score = m.pairOf[i][here]
		case s.at[i] >= 0:
			here = m.opts[i][s.at[i]].site
			a.Score = m.opts[i][s.at[i]].score
		default:
			a.Deferred = true
			a.Score = -m.defer_[i]
		}
		if here >= 0 {
			a.Site = p.Sites[here].ID
		}
		type alt struct {
			site  int
			score float64
		}
		var alts []alt
		for _, op := range m.opts[i] {
			if op.site != here {
				alts = append(alts, alt{op.site, op.score})
			}
		}
		if !a.Deferred {
			alts = append(alts, alt{-1, -m.defer_[i]})
		}
		sort.SliceStable(alts, func(x, y int) bool { return alts[x].score > alts[y].score })
		binding := map[[2]int]bool{}
		for k, al := range alts {
			var full []string
			if al.site >= 0 {
				for d, need := range m.size[i] {
					left := s.rem[al.site][d]
					if need > left {
						full = append(full, p.Dimensions[d])
						if al.score > a.Score && !binding[[2]int{al.site, d}] {
							binding[[2]int{al.site, d}] = true
							a.Binding = append(a.Binding, Capacity{Site: p.Sites[al.site].ID, Dimension: p.Dimensions[d], Left: left, Need: need})
						}
					}
				}
			}
			if k < MaxAlternatives {
				id := ""
				if al.site >= 0 {
					id = p.Sites[al.site].ID
				}
				a.Alternatives = append(a.Alternatives, Alternative{Site: id, Score: al.score, Difference: al.score - a.Score, Full: full})
			}
		}
		if a.Deferred && a.Reason == ReasonNone {
			best := math.Inf(-1)
			for _, op := range m.opts[i] {
				best = math.Max(best, op.score)
			}
			if best > a.Score {
				a.Reason = ReasonCapacity
			} else {
				a.Reason = ReasonDeferScores
			}
		}
		out[i] = a
	}
	return out
}
