// Package workflow holds Haven's two state machines: the case machine, from
// referral to the end of settlement, and the protection partner's nomination
// machine. It is pure: it imports the standard library and the root package
// only, it decides and never writes. The app layer asks it whether an event
// may happen to a case (Step), stores the result together with the audit
// event, and keeps Case.ResumeState when a case is held.
//
// The case machine is one table of edges. Step reads it, and so do Graph,
// Golden and Mermaid: testdata/graph.golden and docs/workflow.md are
// generated from the table by `go test ./internal/workflow -update`, so every
// change of the machine is a reviewable diff of those files.
//
// Each edge carries named guards. A guard that rejects the input of the event
// (reasons missing, a date in the past) answers EINVALID with field
// problems; a guard that rejects because of the case's facts (a member not
// admissible, no settlement organisation chosen) answers ECONFLICT; an event
// that is not allowed from the case's state at all answers ECONFLICT naming
// the state and the event. Every message names IDs, states and kinds only,
// never personal data.
//
// The rules encoded here come from docs DOMAIN.md sections 3 and 4: a refusal
// needs written reasons; one inadmissible accompanying member makes the
// family inadmissible (IRPA s.42); a medical exam can expire before travel;
// an emergency-priority case may be approved on a temporary resident permit
// before its checks finish; a request for information is not a refusal.
package workflow
