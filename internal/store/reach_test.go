package store

import (
	"testing"

	"github.com/havenhrd/haven"
)

// TestReachCovers: Covers answers true only when every case of the other
// reach is in the first, clause by clause.
func TestReachCovers(t *testing.T) {
	own := ReachClause{Referring: FlagTrue}
	settled := ReachClause{Settlement: FlagTrue}
	open := []haven.CaseState{haven.StateReferred, haven.StateFileCreated}
	for _, tc := range []struct {
		name string
		r, o Reach
		want bool
	}{
		{"all covers all", Reach{All: true}, Reach{All: true}, true},
		{"all covers some", Reach{All: true}, Reach{OrgID: "o", Clauses: []ReachClause{own}}, true},
		{"some does not cover all", Reach{OrgID: "o", Clauses: []ReachClause{own}}, Reach{All: true}, false},
		{"anything covers nothing", Reach{}, Reach{}, true},
		{"nothing covers no case", Reach{}, Reach{OrgID: "o", Clauses: []ReachClause{own}}, false},
		{"the same", Reach{OrgID: "o", Clauses: []ReachClause{own}}, Reach{OrgID: "o", Clauses: []ReachClause{own}}, true},
		{"another organisation's", Reach{OrgID: "o", Clauses: []ReachClause{own}}, Reach{OrgID: "p", Clauses: []ReachClause{own}}, false},
		{"a wider flag", Reach{OrgID: "o", Clauses: []ReachClause{{}}}, Reach{OrgID: "o", Clauses: []ReachClause{own}}, true},
		{"a narrower flag", Reach{OrgID: "o", Clauses: []ReachClause{own}}, Reach{OrgID: "o", Clauses: []ReachClause{{}}}, false},
		{"the other flag", Reach{OrgID: "o", Clauses: []ReachClause{own}}, Reach{OrgID: "o", Clauses: []ReachClause{settled}}, false},
		{"either clause", Reach{OrgID: "o", Clauses: []ReachClause{own, settled}}, Reach{OrgID: "o", Clauses: []ReachClause{settled}}, true},
		{"fewer states", Reach{OrgID: "o", Clauses: []ReachClause{{Referring: FlagTrue, States: open}}},
			Reach{OrgID: "o", Clauses: []ReachClause{{Referring: FlagTrue, States: open[:1]}}}, true},
		{"more states", Reach{OrgID: "o", Clauses: []ReachClause{{Referring: FlagTrue, States: open[:1]}}},
			Reach{OrgID: "o", Clauses: []ReachClause{{Referring: FlagTrue, States: open}}}, false},
		{"every state in some", Reach{OrgID: "o", Clauses: []ReachClause{{Referring: FlagTrue, States: open}}},
			Reach{OrgID: "o", Clauses: []ReachClause{own}}, false},
	} {
		if got := tc.r.Covers(tc.o); got != tc.want {
			t.Errorf("%s: %v, want %v", tc.name, got, tc.want)
		}
	}
}
