// Package policy answers who may do what to which record, and which view of
// a case they get. It is pure: no store, no network, no other internal
// package.
//
// The rules are policies as code: Cedar policies in policies/*.cedar,
// embedded in the binary and parsed once. Every policy carries an @id
// annotation, which is what a Decision names. Nothing is allowed unless a
// permit allows it, and a forbid wins over every permit: the guardrails in
// policies/00-guardrails.cedar state the rules no permit may break (the
// admin role does no case work, a settlement organisation never sees the
// persecution account, ...). Any error, in the input or while evaluating,
// is a denial that carries the error.
//
// The app layer asks one question per operation:
//
//	d := policy.Decide(actor, policy.CaseProcess, policy.Relation{Kind: policy.KindCase, CaseState: row.State})
//
// where the Relation says how the actor's organisation stands to the record
// (it referred the case, the nomination is addressed to it, the member is
// assigned to it for a check, ...), computed by the app from the store.
// ViewOf turns the same relation into the View of a case: each part of a
// view (identity, narrative, confidential notes, ...) is an action of its
// own (case.view.*), so views are projections chosen by policy.
//
// The permission matrix in testdata/matrix.golden lists the decision for
// every kind of organisation, role, action, relation and state, so that
// every change of who may do what is a reviewable diff; regenerate it with
// go test ./internal/policy -update. The policies and the requests the
// engine builds are validated against policies/haven.cedarschema in the
// tests.
package policy
