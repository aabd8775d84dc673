package haven_test

import (
	"encoding/json"
	"testing"

	"github.com/havenhrd/haven"
)

// TestEnumsRejectUnknownInput: every enumeration refuses a value not on its
// list, whether parsed or decoded from JSON, and accepts each listed value.
func TestEnumsRejectUnknownInput(t *testing.T) {
	type decoded struct {
		Priority haven.Priority           `json:"priority"`
		Kind     haven.OrgKind            `json:"kind"`
		Ground   haven.Ground             `json:"ground"`
		Category haven.SubmissionCategory `json:"category"`
		State    haven.CaseState          `json:"state"`
		Check    haven.CheckKind          `json:"check"`
	}
	for _, body := range []string{
		`{"priority":"very_urgent"}`, `{"kind":"government"}`, `{"ground":"caste"}`,
		`{"category":"economic"}`, `{"state":"teleported"}`, `{"check":"dna"}`, `{"priority":"Urgent"}`,
	} {
		var d decoded
		if err := json.Unmarshal([]byte(body), &d); err == nil {
			t.Errorf("%s decoded without error", body)
		}
	}
	var d decoded
	if err := json.Unmarshal([]byte(`{"priority":"urgent","kind":"visa_office","ground":"particular_social_group","category":"medical_needs","state":"split_decision","check":"criminality"}`), &d); err != nil {
		t.Fatalf("valid values refused: %v", err)
	}
	checks := []struct {
		name  string
		parse func(string) error
		all   []string
	}{
		{"priority", func(s string) error { _, err := haven.ParsePriority(s); return err }, strs(haven.Priorities)},
		{"org kind", func(s string) error { _, err := haven.ParseOrgKind(s); return err }, strs(haven.OrgKinds)},
		{"ground", func(s string) error { _, err := haven.ParseGround(s); return err }, strs(haven.Grounds)},
		{"social group", func(s string) error { _, err := haven.ParseSocialGroup(s); return err }, strs(haven.SocialGroups)},
		{"relationship", func(s string) error { _, err := haven.ParseRelationship(s); return err }, strs(haven.Relationships)},
		{"threat type", func(s string) error { _, err := haven.ParseThreatType(s); return err }, strs(haven.ThreatTypes)},
		{"check result", func(s string) error { _, err := haven.ParseCheckResult(s); return err }, strs(haven.CheckResults)},
		{"case event", func(s string) error { _, err := haven.ParseCaseEvent(s); return err }, strs(haven.CaseEvents)},
		{"milestone", func(s string) error { _, err := haven.ParseMilestone(s); return err }, strs(haven.Milestones)},
		{"milestone status", func(s string) error { _, err := haven.ParseMilestoneStatus(s); return err }, strs(haven.MilestoneStatuses)},
	}
	for _, c := range checks {
		for _, v := range c.all {
			if err := c.parse(v); err != nil {
				t.Errorf("%s %q refused: %v", c.name, v, err)
			}
		}
		for _, bad := range []string{"", "unknown", c.all[0] + "x"} {
			err := c.parse(bad)
			if haven.ErrorCodeOf(err) != haven.EINVALID {
				t.Errorf("%s %q: error %v, want EINVALID", c.name, bad, err)
			}
		}
	}
	if _, err := haven.ParseDate("2026-02-30"); err == nil {
		t.Error("2026-02-30 parsed as a date")
	}
	if !haven.ValidCountry("CA") || haven.ValidCountry("XX") || !haven.ValidLanguage("fa") || haven.ValidLanguage("zz") {
		t.Error("country or language codes misjudged")
	}
}

func strs[T ~string](vs []T) []string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = string(v)
	}
	return out
}
