package workflow

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/havenhrd/haven"
)

// String formats e as a line of the golden file:
// "from × event → to [guards]", followed by "if condition" or "otherwise"
// when the state and event have more than one edge.
func (e Edge) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s × %s → %s", e.From, e.Event, e.To)
	if len(e.Guards) > 0 {
		fmt.Fprintf(&b, " [%s]", strings.Join(e.Guards, ", "))
	}
	switch e.When {
	case "":
	case "otherwise":
		b.WriteString(" otherwise")
	default:
		b.WriteString(" if " + e.When)
	}
	return b.String()
}

// String formats e as a line of the golden file: "from × event → to [guards]".
func (e NominationEdge) String() string {
	s := fmt.Sprintf("%s × %s → %s", e.From, e.Event, e.To)
	if len(e.Guards) > 0 {
		s += " [" + strings.Join(e.Guards, ", ") + "]"
	}
	return s
}

// Golden returns the text form of both machines: one line per case edge,
// then one line per nomination edge, then the legend of the guards and
// conditions. testdata/graph.golden holds it, so that every change of the
// machines is a reviewable diff.
func Golden() string {
	var b strings.Builder
	b.WriteString("# Haven's workflow, generated from internal/workflow by `go test ./internal/workflow -update`.\n")
	b.WriteString("# One line per edge: from × event → to [guards]. \"if\" and \"otherwise\" choose between the\n")
	b.WriteString("# edges of one state and event; (previous) is the state the case was held or asked in.\n")

	edges := Graph()
	fmt.Fprintf(&b, "\ncase: %d edges\n", len(edges))
	for _, e := range edges {
		b.WriteString(e.String() + "\n")
	}
	nedges := NominationGraph()
	fmt.Fprintf(&b, "\nnomination: %d edges\n", len(nedges))
	for _, e := range nedges {
		b.WriteString(e.String() + "\n")
	}

	guardDocs := map[string]string{}
	condDocs := map[string]string{}
	for _, r := range table {
		for _, g := range r.guards {
			guardDocs[g.name] = g.doc
		}
		if r.when != nil {
			condDocs[r.when.name] = r.when.doc
		}
	}
	legend := func(title string, docs map[string]string) {
		fmt.Fprintf(&b, "\n%s\n", title)
		for _, name := range slices.Sorted(maps.Keys(docs)) {
			fmt.Fprintf(&b, "%s: %s\n", name, docs[name])
		}
	}
	legend("case guards", guardDocs)
	legend("case conditions", condDocs)
	legend("nomination guards", nominationGuardDoc)
	return b.String()
}

// Mermaid returns a mermaid stateDiagram-v2 of both machines, each in a
// composite state of its own. Nomination states carry the prefix
// "nomination_" so that they do not merge with the case states of the same
// name. Guards are left to the golden file; labels name the event and, where
// it chooses between edges, the condition.
func Mermaid() string {
	var b strings.Builder
	b.WriteString("stateDiagram-v2\n")

	b.WriteString("    state \"Case\" as case_machine {\n")
	fmt.Fprintf(&b, "        state \"%s\" as previous\n", Previous)
	fmt.Fprintf(&b, "        [*] --> %s\n", haven.StateReferred)
	for _, e := range Graph() {
		to := string(e.To)
		if e.To == Previous {
			to = "previous"
		}
		label := string(e.Event)
		switch e.When {
		case "":
		case "otherwise":
			label += " otherwise"
		default:
			label += " if " + e.When
		}
		fmt.Fprintf(&b, "        %s --> %s : %s\n", e.From, to, label)
	}
	for _, s := range haven.CaseStates {
		if Terminal(s) {
			fmt.Fprintf(&b, "        %s --> [*]\n", s)
		}
	}
	b.WriteString("    }\n")

	id := func(s haven.NominationState) string { return "nomination_" + string(s) }
	b.WriteString("    state \"Nomination\" as nomination_machine {\n")
	for _, s := range haven.NominationStates {
		fmt.Fprintf(&b, "        state \"%s\" as %s\n", s, id(s))
	}
	fmt.Fprintf(&b, "        [*] --> %s\n", id(haven.NominationSubmitted))
	nedges := NominationGraph()
	for _, e := range nedges {
		fmt.Fprintf(&b, "        %s --> %s : %s\n", id(e.From), id(e.To), e.Event)
	}
	for _, s := range haven.NominationStates {
		if !slices.ContainsFunc(nedges, func(e NominationEdge) bool { return e.From == s }) {
			fmt.Fprintf(&b, "        %s --> [*]\n", id(s))
		}
	}
	b.WriteString("    }\n")
	return b.String()
}
