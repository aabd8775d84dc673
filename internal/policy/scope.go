package policy

import (
	"slices"
	"sync"

	"github.com/havenhrd/haven"
)

// A Scope is a set of cases described by the reader's relation to them and
// their state: what a query may select so that it returns, and counts,
// exactly the cases the policies let the reader see. It is derived from the
// policies themselves (CaseScope decides every relation and state), so no
// rule is written twice: the store turns a Scope into a condition on its
// rows, and the decisions on each row agree with it by construction.
type Scope struct {
	// All is every case, whatever the relation and the state.
	All bool
	// Clauses are alternatives: a case is in the scope when it meets one.
	Clauses []Clause
}

// Tri is a condition on one of the relation's flags.
type Tri int8

// The conditions on a flag.
const (
	Any Tri = iota // whatever the flag
	Yes            // the flag is true
	No             // the flag is false
)

func (t Tri) holds(b bool) bool { return t == Any || (t == Yes) == b }

// A Clause is the cases whose relation to the reader's organisation meets
// each flag's condition, in one of States (nil: any state).
type Clause struct {
	Referring, Nominating, Settlement Tri
	States                            []haven.CaseState
}

// Empty reports whether s holds no case.
func (s Scope) Empty() bool { return !s.All && len(s.Clauses) == 0 }

// Contains reports whether the case with relation r is in s.
func (s Scope) Contains(r Relation) bool {
	if s.All {
		return true
	}
	for _, c := range s.Clauses {
		if c.Referring.holds(r.IsReferringOrg) && c.Nominating.holds(r.IsNominatingOrg) && c.Settlement.holds(r.IsSettlementOrg) &&
			(c.States == nil || slices.Contains(c.States, r.CaseState)) {
			return true
		}
	}
	return false
}

// Test says whether a case is in a scope, given a function that tells
// whether the reader may take one action on it.
type Test func(allowed func(Action) bool) bool

// CaseScope returns the cases for which test holds, for a user of an
// organisation of kind in role. test is asked for every relation to a case
// and every state, and a case is in the scope only when test holds
// whatever the relation's PastHandover (which no query can see cheaply):
// a part of a view that ends at handover can never widen a scope.
// Unknown kinds and roles get an empty scope.
func CaseScope(kind haven.OrgKind, role haven.Role, test Test) Scope {
	if !kind.Valid() || !role.Valid() {
		return Scope{}
	}
	t := tableOf(kind, role)
	// states[ref][nom][set] are the states in which test holds.
	var states [2][2][2][]haven.CaseState
	for n, r := range t.rels {
		if r.PastHandover {
			continue
		}
		ok := true
		for _, i := range []int{n, t.past[n]} {
			allowed := func(a Action) bool { return t.decisions(a)[i] }
			if !test(allowed) {
				ok = false
				break
			}
		}
		if ok {
			i, j, k := b2i(r.IsReferringOrg), b2i(r.IsNominatingOrg), b2i(r.IsSettlementOrg)
			states[i][j][k] = append(states[i][j][k], r.CaseState)
		}
	}
	var cs []Clause
	for i := range 2 {
		for j := range 2 {
			for k := range 2 {
				if len(states[i][j][k]) > 0 {
					cs = append(cs, Clause{Referring: i2t(i), Nominating: i2t(j), Settlement: i2t(k), States: states[i][j][k]})
				}
			}
		}
	}
	cs = merge(cs)
	for i := range cs {
		if len(cs[i].States) == len(haven.CaseStates) {
			cs[i].States = nil
		}
	}
	if len(cs) == 1 && cs[0].Referring == Any && cs[0].Nominating == Any && cs[0].Settlement == Any && cs[0].States == nil {
		return Scope{All: true}
	}
	return Scope{Clauses: cs}
}

// scopeTables are, per organisation kind and role, the decisions CaseScope
// asks for: they depend on the kind, the role, the action and the relation
// alone (the actor of a scope has no other attribute), and the policies are
// embedded, so each is taken once per process. A list asks for several
// scopes on every page; without this each costs hundreds of decisions.
var scopeTables sync.Map // principalKey → *scopeTable

// scopeTable holds, for one kind and role, each action's decision on every
// relation to a case (relationsOf(KindCase), by index).
type scopeTable struct {
	actor haven.Actor
	rels  []Relation
	// past[i] is the index of rels[i] with PastHandover true.
	past    []int
	mu      sync.RWMutex
	allowed map[Action][]bool
}

func tableOf(kind haven.OrgKind, role haven.Role) *scopeTable {
	k := principalKey{kind, role}
	if t, ok := scopeTables.Load(k); ok {
		return t.(*scopeTable)
	}
	rels := relationsOf(KindCase)
	index := make(map[Relation]int, len(rels))
	for i, r := range rels {
		index[r] = i
	}
	past := make([]int, len(rels))
	for i, r := range rels {
		r.PastHandover = true
		past[i] = index[r]
	}
	t, _ := scopeTables.LoadOrStore(k, &scopeTable{actor: haven.Actor{UserID: "scope", OrgKind: kind, Role: role},
		rels: rels, past: past, allowed: map[Action][]bool{}})
	return t.(*scopeTable)
}

// decisions returns a's decision on every relation, by index.
func (t *scopeTable) decisions(a Action) []bool {
	t.mu.RLock()
	ds, ok := t.allowed[a]
	t.mu.RUnlock()
	if ok {
		return ds
	}
	ds = make([]bool, len(t.rels))
	for i, r := range t.rels {
		ds[i] = Decide(t.actor, a, r).Allowed
	}
	t.mu.Lock()
	t.allowed[a] = ds
	t.mu.Unlock()
	return ds
}

// ReadScope is the cases a user of an organisation of kind in role may
// read, computed once per kind and role: the policies are embedded.
func ReadScope(kind haven.OrgKind, role haven.Role) Scope {
	k := principalKey{kind, role}
	if v, ok := readScopes.Load(k); ok {
		return v.(Scope)
	}
	s := CaseScope(kind, role, func(allowed func(Action) bool) bool { return allowed(CaseRead) })
	readScopes.Store(k, s)
	return s
}

var readScopes sync.Map // principalKey -> Scope

// merge joins clauses that differ in one flag only and hold the same
// states, until none do: fewer, wider clauses make simpler queries.
func merge(cs []Clause) []Clause {
	for {
		joined := false
	outer:
		for a := 0; a < len(cs); a++ {
			for b := a + 1; b < len(cs); b++ {
				if m, ok := join(cs[a], cs[b]); ok {
					cs[a] = m
					cs = slices.Delete(cs, b, b+1)
					joined = true
					break outer
				}
			}
		}
		if !joined {
			return cs
		}
	}
}

func join(a, b Clause) (Clause, bool) {
	if !slices.Equal(a.States, b.States) {
		return a, false
	}
	diff := 0
	m := a
	for _, f := range []struct{ x, y, m *Tri }{{&a.Referring, &b.Referring, &m.Referring}, {&a.Nominating, &b.Nominating, &m.Nominating}, {&a.Settlement, &b.Settlement, &m.Settlement}} {
		if *f.x != *f.y {
			if *f.x == Any || *f.y == Any {
				return a, false
			}
			diff++
			*f.m = Any
		}
	}
	return m, diff == 1
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

func i2t(i int) Tri {
	if i == 1 {
		return Yes
	}
	return No
}
