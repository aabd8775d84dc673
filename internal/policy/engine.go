package policy

import (
	"embed"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strings"
	"sync"

	"github.com/cedar-policy/cedar-go"
	xast "github.com/cedar-policy/cedar-go/x/exp/ast"

	"github.com/havenhrd/haven"
)

// policyFiles are the policies, read in file name order.
//
//go:embed policies/*.cedar
var policyFiles embed.FS

// The Cedar entity types.
const (
	typeUser       cedar.EntityType = "Haven::User"
	typeAction     cedar.EntityType = "Haven::Action"
	typeProgramme  cedar.EntityType = "Haven::Programme"
	typeNomination cedar.EntityType = "Haven::Nomination"
	typeCase       cedar.EntityType = "Haven::Case"
	typeMember     cedar.EntityType = "Haven::Member"
)

var entityTypes = map[RecordKind]cedar.EntityType{
	KindProgramme: typeProgramme, KindNomination: typeNomination, KindCase: typeCase, KindMember: typeMember,
}

// engine holds the parsed policies and every entity and attribute record a
// request can need, built once: a request allocates little.
type engine struct {
	policies *cedar.PolicySet
	// index holds, for each action and kind of record, the policies whose
	// scope can match it: Cedar still checks each scope, but skips the
	// policies that cannot apply (a test checks the answers are the same).
	index map[indexKey]cedar.PolicyMap
	// actions are the action entities with their groups.
	actions cedar.EntityMap
	// principals are the principal attributes by kind of organisation and role.
	principals map[principalKey]cedar.Record
	// states are the resource attributes by case or nomination state (the
	// programme has none).
	states map[string]cedar.Record
	// contexts are the request contexts by the bits of the relation.
	contexts [1 << nflags]cedar.Record
}

type indexKey struct {
	action Action
	kind   RecordKind
}

type principalKey struct {
	kind haven.OrgKind
	role haven.Role
}

// The relation's fields as context attributes, by bit.
const (
	bitReferring = iota
	bitNominating
	bitSettlement
	bitProtection
	bitAddressee
	bitAssigned
	bitMayRefer
	bitPastHandover
	bitCheckRecorded
	nflags
)

var flagNames = [nflags]cedar.String{
	bitReferring: "isReferringOrg", bitNominating: "isNominatingOrg", bitSettlement: "isSettlementOrg",
	bitProtection: "isProtectionOrg", bitAddressee: "isAddresseeOrg", bitAssigned: "isAssignedOrg", bitMayRefer: "mayRefer",
	bitPastHandover: "pastHandover", bitCheckRecorded: "checkRecorded",
}

// bits packs the fields of r that concern its kind; the others stay zero.
func (r Relation) bits() uint {
	var b uint
	set := func(bit int, ok bool) {
		if ok {
			b |= 1 << bit
		}
	}
	switch r.Kind {
	case KindProgramme:
		set(bitMayRefer, r.MayRefer)
	case KindNomination:
		set(bitProtection, r.IsProtectionOrg)
		set(bitAddressee, r.IsAddresseeOrg)
		set(bitMayRefer, r.MayRefer)
	case KindCase:
		set(bitReferring, r.IsReferringOrg)
		set(bitNominating, r.IsNominatingOrg)
		set(bitSettlement, r.IsSettlementOrg)
		set(bitPastHandover, r.PastHandover)
	case KindMember:
		set(bitAssigned, r.IsAssignedOrg)
		set(bitCheckRecorded, r.CheckRecorded)
	}
	return b
}

// load parses the embedded policies once.
var load = sync.OnceValues(func() (*engine, error) { return newEngine(policyFiles) })

func newEngine(fsys fs.FS) (*engine, error) {
	set, err := parsePolicies(fsys)
	if err != nil {
		return nil, &haven.Error{Code: haven.EINTERNAL, Op: "policy.load", Message: "the access policies cannot be loaded", Err: err}
	}
	e := &engine{policies: set, actions: cedar.EntityMap{}, principals: map[principalKey]cedar.Record{}, states: map[string]cedar.Record{}}
	groupUID := func(g group) cedar.EntityUID { return cedar.NewEntityUID(typeAction, cedar.String(g)) }
	e.actions[groupUID(programmeWork)] = cedar.Entity{UID: groupUID(programmeWork)}
	e.actions[groupUID(caseWork)] = cedar.Entity{UID: groupUID(caseWork)}
	e.actions[groupUID(caseView)] = cedar.Entity{UID: groupUID(caseView), Parents: cedar.NewEntityUIDSet(groupUID(caseWork))}
	for a, info := range actions {
		// An action entity lists all its groups, as Cedar's schema expects.
		parents := []cedar.EntityUID{groupUID(info.group)}
		if info.group == caseView {
			parents = append(parents, groupUID(caseWork))
		}
		uid := actionUID(a)
		e.actions[uid] = cedar.Entity{UID: uid, Parents: cedar.NewEntityUIDSet(parents...)}
	}
	e.index = map[indexKey]cedar.PolicyMap{}
	for a, info := range actions {
		for _, k := range info.kinds {
			m := cedar.PolicyMap{}
			for id, p := range set.All() {
				if e.mayApply(p, a, k) {
					m[id] = p
				}
			}
			e.index[indexKey{a, k}] = m
		}
	}
	for _, k := range haven.OrgKinds {
		for _, r := range haven.Roles {
			e.principals[principalKey{k, r}] = cedar.NewRecord(cedar.RecordMap{"orgKind": cedar.String(k), "role": cedar.String(r)})
		}
	}
	for _, s := range haven.CaseStates {
		e.states[string(s)] = cedar.NewRecord(cedar.RecordMap{"state": cedar.String(s)})
	}
	for _, s := range haven.NominationStates {
		e.states[string(s)] = cedar.NewRecord(cedar.RecordMap{"state": cedar.String(s)})
	}
	for b := range e.contexts {
		m := make(cedar.RecordMap, nflags)
		for i, name := range flagNames {
			m[name] = cedar.Boolean(b&(1<<i) != 0)
		}
		e.contexts[b] = cedar.NewRecord(m)
	}
	return e, nil
}

// mayApply reports whether p's scope can match action on a record of kind.
// It errs towards yes: a scope it does not know keeps the policy.
func (e *engine) mayApply(p *cedar.Policy, action Action, kind RecordKind) bool {
	ap := (*xast.Policy)(p.AST())
	uid := actionUID(action)
	within := func(target cedar.EntityUID) bool {
		if target == uid {
			return true
		}
		ent, ok := e.actions[uid]
		return ok && ent.Parents.Contains(target)
	}
	switch sc := ap.Action.(type) {
	case xast.ScopeTypeEq:
		if sc.Entity != uid {
			return false
		}
	case xast.ScopeTypeIn:
		if !within(sc.Entity) {
			return false
		}
	case xast.ScopeTypeInSet:
		if !slices.ContainsFunc(sc.Entities, within) {
			return false
		}
	}
	if sc, ok := ap.Resource.(xast.ScopeTypeIs); ok && sc.Type != entityTypes[kind] {
		return false
	}
	return true
}

// parsePolicies reads every .cedar file of fsys's policies directory into
// one set, each policy under its @id. A policy without an @id, or an @id
// used twice, is an error: a decision must name the policies that made it.
func parsePolicies(fsys fs.FS) (*cedar.PolicySet, error) {
	names, err := fs.Glob(fsys, "policies/*.cedar")
	if err != nil {
		return nil, err
	}
	if len(names) == 0 {
		return nil, fmt.Errorf("no policies")
	}
	slices.Sort(names)
	set := cedar.NewPolicySet()
	for _, name := range names {
		b, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, err
		}
		list, err := cedar.NewPolicyListFromBytes(path.Base(name), b)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		for _, p := range list {
			id := string(p.Annotations()["id"])
			pos := p.Position()
			if id == "" {
				return nil, fmt.Errorf("%s:%d: a policy has no @id", pos.Filename, pos.Line)
			}
			if !set.Add(cedar.PolicyID(id), p) {
				return nil, fmt.Errorf("%s:%d: @id %q is used twice", pos.Filename, pos.Line, id)
			}
		}
	}
	return set, nil
}

func actionUID(a Action) cedar.EntityUID { return cedar.NewEntityUID(typeAction, cedar.String(a)) }

// request is one question as Cedar takes it: the request and the entities
// it may look up (the principal, the resource and the actions).
type request struct {
	req       cedar.Request
	principal cedar.Entity
	resource  cedar.Entity
	actions   cedar.EntityMap
}

// Get implements cedar.EntityGetter.
func (q *request) Get(uid cedar.EntityUID) (cedar.Entity, bool) {
	switch uid {
	case q.principal.UID:
		return q.principal, true
	case q.resource.UID:
		return q.resource, true
	}
	return q.actions.Get(uid)
}

// resourceID names the resource: Decide judges a relation, not a row.
const resourceID cedar.String = "record"

// build checks the question and turns it into a Cedar request.
func (e *engine) build(actor haven.Actor, action Action, r Relation) (*request, error) {
	info, ok := actions[action]
	if !ok {
		return nil, errorf("unknown action %q", action)
	}
	if !slices.Contains(info.kinds, r.Kind) {
		return nil, errorf("action %s is not asked of a %q record", action, r.Kind)
	}
	pattrs, ok := e.principals[principalKey{actor.OrgKind, actor.Role}]
	if !ok {
		return nil, errorf("unknown organisation kind %q or role %q", actor.OrgKind, actor.Role)
	}
	var rattrs cedar.Record
	switch r.Kind {
	case KindCase, KindMember:
		if !r.CaseState.Valid() {
			return nil, errorf("unknown case state %q", r.CaseState)
		}
		rattrs = e.states[string(r.CaseState)]
	case KindNomination:
		if !r.NominationState.Valid() {
			return nil, errorf("unknown nomination state %q", r.NominationState)
		}
		rattrs = e.states[string(r.NominationState)]
	}
	q := &request{
		principal: cedar.Entity{UID: cedar.NewEntityUID(typeUser, cedar.String(actor.UserID)), Attributes: pattrs},
		resource:  cedar.Entity{UID: cedar.NewEntityUID(entityTypes[r.Kind], resourceID), Attributes: rattrs},
		actions:   e.actions,
	}
	q.req = cedar.Request{Principal: q.principal.UID, Action: actionUID(action), Resource: q.resource.UID, Context: e.contexts[r.bits()]}
	return q, nil
}

func (e *engine) decide(actor haven.Actor, action Action, r Relation) Decision {
	return e.decideWith(func(a Action, k RecordKind) cedar.PolicyIterator { return e.index[indexKey{a, k}] }, actor, action, r)
}

// decideWith decides with the policies that policies returns for the action
// and kind of record.
func (e *engine) decideWith(policies func(Action, RecordKind) cedar.PolicyIterator, actor haven.Actor, action Action, r Relation) Decision {
	q, err := e.build(actor, action, r)
	if err != nil {
		return Decision{Err: err}
	}
	ok, diag := cedar.Authorize(policies(action, r.Kind), q, q.req)
	if len(diag.Errors) > 0 {
		msgs := make([]string, len(diag.Errors))
		for i, de := range diag.Errors {
			msgs[i] = string(de.PolicyID) + ": " + de.Message
		}
		slices.Sort(msgs)
		return Decision{Err: errorf("%s on %s: %s", action, r, strings.Join(msgs, "; "))}
	}
	d := Decision{Allowed: ok == cedar.Allow}
	if len(diag.Reasons) > 0 {
		d.PolicyIDs = make([]string, len(diag.Reasons))
		for i, reason := range diag.Reasons {
			d.PolicyIDs[i] = string(reason.PolicyID)
		}
		slices.Sort(d.PolicyIDs)
	}
	return d
}
