package policy

import (
	"github.com/cedar-policy/cedar-go"

	"github.com/havenhrd/haven"
)

// CedarRequest exposes, to the tests, the Cedar request and entities that
// Decide builds for a question.
func CedarRequest(actor haven.Actor, action Action, r Relation) (cedar.Request, cedar.EntityMap, error) {
	e, err := load()
	if err != nil {
		return cedar.Request{}, nil, err
	}
	q, err := e.build(actor, action, r)
	if err != nil {
		return cedar.Request{}, nil, err
	}
	m := cedar.EntityMap{q.principal.UID: q.principal, q.resource.UID: q.resource}
	for uid, ent := range q.actions {
		m[uid] = ent
	}
	return q.req, m, nil
}

// PolicySet exposes the parsed policies to the tests.
func PolicySet() (*cedar.PolicySet, error) {
	e, err := load()
	if err != nil {
		return nil, err
	}
	return e.policies, nil
}

// ParsePolicies exposes the policy loader to the tests.
var ParsePolicies = parsePolicies

// DecideUnindexed decides with every policy, not only those the index
// keeps for the action: the answers must be the same.
func DecideUnindexed(actor haven.Actor, action Action, r Relation) Decision {
	e, err := load()
	if err != nil {
		return Decision{Err: err}
	}
	return e.decideWith(func(Action, RecordKind) cedar.PolicyIterator { return e.policies }, actor, action, r)
}

// IndexSize returns how many policies the index keeps for action on kind.
func IndexSize(action Action, kind RecordKind) int {
	e, err := load()
	if err != nil {
		return 0
	}
	return len(e.index[indexKey{action, kind}])
}
