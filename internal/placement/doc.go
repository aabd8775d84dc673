// Package placement proposes where families settle: it matches cases to
// settlement sites (organisations, communities) to maximise the sum of the
// scores of the chosen (case, site) pairs, each family kept whole, each
// site within its capacity in every dimension (persons, large-family
// housing, language-support places...), only on compatible pairs, with the
// officers' fixings and vetoes honoured. Every case may be deferred to a
// person at a stated cost, so a proposal always exists.
//
// Solve returns the assignment with a certificate: its objective, a proven
// upper bound on every assignment's objective, and the gap between them.
// Each family's entry explains the proposal: the best alternatives with
// their score differences, and the site capacities that bind.
//
// The method: a Lagrangian relaxation of the capacity rows (subgradient
// steps; each case's subproblem is a maximum over its options) gives a
// bound and prices; a greedy on the priced scores, with repair and local
// search, gives an assignment; reduced costs remove the options that
// cannot improve it by more than the gap target; what remains is solved
// by branch and bound on exact linear-programming bounds (a bounded dense
// simplex, primal at the root, dual after each branching).
//
// Results depend on the input alone: the work is limited by counts
// (iterations, nodes), never by the clock, and no map order reaches a
// result. The package is pure: the standard library only, no store, no
// net/http.
package placement
