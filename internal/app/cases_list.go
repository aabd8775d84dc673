package app

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/havenhrd/haven"
	"github.com/havenhrd/haven/internal/policy"
	"github.com/havenhrd/haven/internal/store"
	"github.com/havenhrd/haven/internal/workflow"
)

// cursor is what a list's cursor holds: its order, and the values of the
// page's last case that this order compares, no other. A cursor is read
// by whoever holds the list, so it holds nothing the list did not show
// (the rank only where the priority shows: 3 elsewhere).
type cursor struct {
	Sort      haven.CaseSort `json:"s,omitempty"`
	Desc      bool           `json:"d,omitempty"`
	Rank      int            `json:"r,omitempty"`
	Due       string         `json:"u,omitempty"`
	Referred  *time.Time     `json:"t,omitempty"`
	Reference string         `json:"f,omitempty"`
	State     int            `json:"a,omitempty"`
	ID        haven.ID       `json:"i"`
}

// encodeCursor returns the cursor of k in the order of f.
func encodeCursor(f store.CaseFilter, k store.CaseKey) string {
	c := cursor{Sort: f.Sort, Desc: f.Desc, ID: k.ID}
	switch f.Sort {
	case haven.SortQueue:
		c.Rank, c.Due, c.Referred = k.Rank, k.Due.String(), &k.ReferredAt
	case haven.SortDue:
		c.Due, c.Referred = k.Due.String(), &k.ReferredAt
	case haven.SortReferred:
		c.Referred = &k.ReferredAt
	case haven.SortReference:
		c.Reference = k.Reference
	case haven.SortState:
		c.State, c.Referred = k.State, &k.ReferredAt
	}
	b, err := json.Marshal(c)
	if err != nil {
		panic(err) // a struct of strings, numbers and a time
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

// decodeCursor returns the key f.After names; nil without one. It fails
// when the cursor is not one of f's order.
func decodeCursor(f haven.CaseFilter) (*store.CaseKey, error) {
	if f.After == "" {
		return nil, nil
	}
	b, err := base64.RawURLEncoding.DecodeString(f.After)
	if err != nil || len(b) > 512 {
		return nil, errors.New("not a cursor")
	}
	var c cursor
	if err := json.Unmarshal(b, &c); err != nil || c.Sort != f.Sort || c.Desc != f.Desc || c.ID == "" || c.Rank < 0 || c.Rank > 3 {
		return nil, errors.New("not a cursor of this order")
	}
	k := &store.CaseKey{Rank: c.Rank, Reference: c.Reference, State: c.State, ID: c.ID}
	if c.Referred != nil {
		k.ReferredAt = c.Referred.UTC()
	}
	if c.Due != "" {
		if k.Due, err = haven.ParseDate(c.Due); err != nil {
			return nil, err
		}
	}
	needs := map[haven.CaseSort]bool{haven.SortQueue: true, haven.SortDue: true}
	if needs[f.Sort] && k.Due.IsZero() || f.Sort != haven.SortReference && c.Referred == nil {
		return nil, errors.New("a cursor lacks its values")
	}
	return k, nil
}

// caseQuery is a list's query: the store's filter of f for w, within the
// cases w may read, and the scopes it was drawn from.
type caseQuery struct {
	filter store.CaseFilter
	// reach is the cases the query may select: those w reads whose every
	// filtered part shows; ranked those whose priority w sees.
	reach, ranked policy.Scope
}

// listFilter is one filter of a list, on a part of the view.
type listFilter struct {
	field string
	on    bool
	part  policy.Test
}

// listFilters are f's filters, each with the part of the view it is on;
// explicit says f asks for states (without, the open ones are implied).
func listFilters(f CaseFilter) (filters []listFilter, explicit bool) {
	part := func(p policy.Action) policy.Test {
		return func(allowed func(policy.Action) bool) bool { return allowed(p) }
	}
	// A stage's deadline follows from the case's priority: only where the
	// reader sees that.
	deadline := func(allowed func(policy.Action) bool) bool { return allowed(policy.ViewStatus) && priority(allowed) }
	return []listFilter{
		{"state", true, part(policy.ViewStatus)},
		{"overdue", f.Overdue, deadline},
		{"due_within", f.DueWithin > 0, deadline},
		// Whose turn it is shows with the status.
		{"turn", f.Turn != "", part(policy.ViewStatus)},
		// Who holds the checks is known to those who process the case
		// (present gives them the assignments), in its stage.
		{"checks_with", f.ChecksWith != "", func(allowed func(policy.Action) bool) bool {
			return allowed(policy.ViewStatus) && allowed(policy.CaseProcess)
		}},
		{"follow_up_due", f.FollowUpDue, part(policy.ViewIntegrationPlan)},
		{"priority", f.Priority != "", priority},
		{"referring_org_id", f.ReferringOrgID != "", part(policy.ViewReferral)},
		{"settlement_org_id", f.SettlementOrgID != "", part(policy.ViewReferral)},
		{"country", f.Country != "", part(policy.ViewReferral)},
		{"safety_concern", f.SafetyConcern, part(policy.ViewIntegrationPlan)},
		{"possible_duplicate", f.PossibleDuplicate, part(policy.ViewDuplicates)},
		{"sort", f.Sort != haven.SortQueue && f.Sort != haven.SortReference, func(allowed func(policy.Action) bool) bool {
			return allowed(policy.ViewStatus) && (f.Sort != haven.SortDue || priority(allowed))
		}},
	}, len(f.States) > 0
}

// scopes memoises the scopes of lists (policy.CaseScope): each depends on
// the reader's kind and role and on which tests it asks, never on a record,
// and the policies are fixed for the life of the process. A scope is shared
// and read only.
var scopes sync.Map // scopeKey -> policy.Scope

// scopeKey names a list's scope: what it is for and, for a list, which of
// its filters are on (bit i for listFilters' i-th) and whether it sorts by
// due date (the sort's test depends on it).
type scopeKey struct {
	kind    haven.OrgKind
	role    haven.Role
	what    string
	sortDue bool
	mask    uint32
}

// memoScope returns the scope of test for key, computed once.
func memoScope(key scopeKey, test policy.Test) policy.Scope {
	if s, ok := scopes.Load(key); ok {
		return s.(policy.Scope)
	}
	s := policy.CaseScope(key.kind, key.role, test)
	scopes.Store(key, s)
	return s
}

// priority says the reader sees a case's processing priority.
func priority(allowed func(policy.Action) bool) bool {
	return allowed(policy.ViewReferral) || allowed(policy.ViewPriority)
}

// refusedFilters names the filters of f on a part of the view that is in
// no case an organisation of kind in role may read: the answer depends on
// the kind and role alone, never on a record.
func refusedFilters(kind haven.OrgKind, role haven.Role, f CaseFilter) []string {
	filters, explicit := listFilters(f)
	var out []string
	for _, fl := range filters {
		if fl.on && (explicit || fl.field != "state") && policy.CaseScope(kind, role, func(allowed func(policy.Action) bool) bool {
			return allowed(policy.CaseRead) && fl.part(allowed)
		}).Empty() {
			out = append(out, fl.field)
		}
	}
	return out
}

// caseQuery returns the query of the list f for w, who may read cases.
// Without f.States it holds the open cases. A count and a list of the
// same f select the same cases: both take their filter from here.
//
// Errors: those of FindCases; EINVALID (field "due_within") for a
// negative or too long span, (field "checks_with") when f.ChecksWith names
// no screening or medical partner.
func (a *Cases) caseQuery(ctx context.Context, tx store.Tx, w who, f CaseFilter) (*caseQuery, error) {
	const op = "app.FindCases"
	k, r := w.org.Kind, w.user.Role
	if refused := refusedFilters(k, r, f); len(refused) > 0 {
		var p haven.Problems
		for _, field := range refused {
			p.Add(field, "your organisation cannot filter cases by this field")
		}
		a.decided(ctx, tx, w, policy.CaseRead, "case", "", "", false, nil)
		return nil, &haven.Error{Code: haven.EFORBIDDEN, Op: op, Message: "your organisation may not filter cases this way", Fields: p}
	}
	filters, _ := listFilters(f)
	// Without states asked for, the queue holds the open cases: a state
	// filter the reader did not ask for, so never refused, but kept like
	// any other to the cases whose state the reader sees. The store keeps
	// whether each case is open, and its stored order leads with that: a
	// list of open states alone, or of final ones alone, says so, and the
	// open cases are that alone, whatever their state.
	open := store.AnyFlag
	switch {
	case len(f.States) == 0 || !slices.ContainsFunc(f.States, workflow.Terminal):
		open = store.FlagTrue
	case !slices.ContainsFunc(f.States, func(s haven.CaseState) bool { return !workflow.Terminal(s) }):
		open = store.FlagFalse
	}
	if f.DueWithin < 0 || f.DueWithin > haven.MaxDueWithin {
		return nil, (&haven.Problems{{Field: "due_within", Message: fmt.Sprintf("count from 1 to %d days", haven.MaxDueWithin)}}).Err(op)
	}
	if f.Turn != "" && !f.Turn.Valid() {
		return nil, (&haven.Problems{{Field: "turn", Message: "choose the visa office, the referring partner or the check partners"}}).Err(op)
	}
	if f.ReferringOrgID != "" {
		o, err := tx.FindOrganisationByID(ctx, f.ReferringOrgID)
		if haven.ErrorCodeOf(err) == haven.ENOTFOUND || err == nil && !o.Kind.IsReferringPartner() {
			return nil, (&haven.Problems{{Field: "referring_org_id", Message: "choose a referral or protection partner"}}).Err(op)
		} else if err != nil {
			return nil, err
		}
	}
	var held *store.ChecksHeld
	if f.ChecksWith != "" {
		o, err := tx.FindOrganisationByID(ctx, f.ChecksWith)
		if haven.ErrorCodeOf(err) == haven.ENOTFOUND || err == nil && !isCheckPartner(o.Kind) {
			return nil, (&haven.Problems{{Field: "checks_with", Message: "choose a screening or medical partner"}}).Err(op)
		} else if err != nil {
			return nil, err
		}
		held = &store.ChecksHeld{OrgID: o.ID, Kinds: checkKindsOf(o.Kind)}
	}
	var mask uint32
	for i, fl := range filters {
		if fl.on {
			mask |= 1 << i
		}
	}
	reach := memoScope(scopeKey{k, r, "list", f.Sort == haven.SortDue, mask}, func(allowed func(policy.Action) bool) bool {
		if !allowed(policy.CaseRead) {
			return false
		}
		for _, fl := range filters {
			if fl.on && !fl.part(allowed) {
				return false
			}
		}
		return true
	})
	ranked := memoScope(scopeKey{kind: k, role: r, what: "ranked"}, func(allowed func(policy.Action) bool) bool {
		return allowed(policy.CaseRead) && priority(allowed)
	})
	sf := store.CaseFilter{CaseFilter: f, Reach: storeReach(reach, w.org.ID), Ranked: storeReach(ranked, w.org.ID), ChecksHeld: held, Open: open}
	today := haven.DateOf(a.now())
	if f.Overdue {
		sf.OverdueOn = today
	}
	if f.DueWithin > 0 {
		sf.DueFrom, sf.DueBefore = today, today.AddDays(f.DueWithin+1)
	}
	if f.FollowUpDue {
		sf.FollowUpsDue = followUpsDueBy(today)
	}
	if q := strings.TrimSpace(f.Search); q != "" {
		// A reference is on every case the reader reads; a UNHCR number
		// and a name only where its view holds them.
		in := func(p policy.Action) store.Reach {
			return storeReach(memoScope(scopeKey{kind: k, role: r, what: "search " + string(p)}, func(allowed func(policy.Action) bool) bool {
				return allowed(policy.CaseRead) && allowed(p)
			}), w.org.ID)
		}
		singles, pairs, long := a.nameQuery(nameWords(q))
		sf.Search = &store.Search{UNHCRIndex: a.unhcrIndex(q), UNHCRReach: in(policy.ViewNarrative),
			NameTokens: singles, NamePairs: pairs, NameLong: long, NameReach: in(policy.ViewIdentity)}
		if ref := strings.ToUpper(q); caseReference.MatchString(ref) {
			sf.Search.Reference = ref
		}
	}
	return &caseQuery{filter: sf, reach: reach, ranked: ranked}, nil
}

// followUpsDueBy returns the follow-ups due by the end of today's month:
// the follow-up at n months falls in the month n months after the
// family's arrival (haven.Date.AddMonths keeps to that month), so it is
// due by the end of today's month exactly when the family arrived before
// the first day of the month n-1 months before today's.
func followUpsDueBy(today haven.Date) []store.FollowUpDue {
	next := haven.Date{Year: today.Year, Month: today.Month, Day: 1}.AddMonths(1)
	var out []store.FollowUpDue
	for _, n := range haven.FollowUpMonths {
		out = append(out, store.FollowUpDue{Month: n, ArrivedBefore: next.AddMonths(-n)})
	}
	return out
}
