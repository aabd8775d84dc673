package api_test

import (
	"slices"
	"testing"

	"github.com/havenhrd/haven"
)

// TestRulesHandoverDays: the handover time is set with the rest of a year's
// rules, read back, and must be said: a body without it is refused rather
// than taken as 0, which would end the referring partner's sight of its
// families at arrival.
func TestRulesHandoverDays(t *testing.T) {
	f := newFixture(t)
	targets := map[string]int{"emergency": 7, "urgent": 42, "normal": 365}
	got := f.ok(t, 200, haven.OrgProgrammeAdmin, "PUT", "/api/v1/rules/2027",
		map[string]any{"cap": 400, "target_days": targets, "handover_days": 90})
	if got["handover_days"] != float64(90) {
		t.Errorf("PUT answered handover_days %v", got["handover_days"])
	}
	version := got["version"]
	got = f.ok(t, 200, haven.OrgProgrammeAdmin, "GET", "/api/v1/rules/2027", nil)
	if got["handover_days"] != float64(90) || got["cap"] != float64(400) {
		t.Errorf("GET answered %v", got)
	}
	for _, body := range []map[string]any{
		{"cap": 400, "target_days": targets},
		{"cap": 400, "target_days": targets, "handover_days": 366},
		{"cap": 400, "target_days": targets, "handover_days": -1},
	} {
		r := f.call(t, haven.OrgProgrammeAdmin, "PUT", "/api/v1/rules/2027", body)
		if r.status != 400 || !slices.Contains(r.fields(t), "handover_days") {
			t.Errorf("PUT %v: %d %s; want 400 naming handover_days", body, r.status, r.body)
		}
	}
	if got := f.ok(t, 200, haven.OrgProgrammeAdmin, "GET", "/api/v1/rules/2027", nil); got["handover_days"] != float64(90) || got["version"] != version {
		t.Errorf("after refusals: %v", got)
	}
}
