package workflow_test

import (
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/havenhrd/haven"
	"github.com/havenhrd/haven/internal/workflow"
)

var unhcr = &haven.Organisation{ID: "org_unhcr", Kind: haven.OrgReferralPartner, Name: "UNHCR"}

func TestCheckReferral(t *testing.T) {
	fld := &haven.Organisation{ID: "org_fld", Kind: haven.OrgProtectionPartner, Name: "Front Line Defenders"}
	rules2025 := haven.DefaultRules(2025)
	rulesFLD := haven.DefaultRules(2025)
	rulesFLD.Referrers = []haven.ID{fld.ID}

	tests := []struct {
		name    string
		rules   *haven.ProgrammeRules
		noRules bool
		org     *haven.Organisation
		setup   func(c *haven.Case)
		code    haven.ErrorCode
		fields  []string // EINVALID: the fields named, in order
		msg     string   // ECONFLICT: the message
	}{
		{name: "valid referral"},
		{name: "valid referral of a family of five", setup: func(c *haven.Case) {
			*c = *MustCase(t, haven.StateReferred, 5)
		}},
		{name: "direct referral by a named partner", rules: rulesFLD, org: fld,
			setup: func(c *haven.Case) { c.ReferringOrgID = fld.ID }},
		{name: "lower-case UNHCR number", setup: func(c *haven.Case) { c.UNHCRNumber = "abc-00012345" }},
		{name: "social group with its ground", setup: func(c *haven.Case) {
			c.Grounds = []haven.Ground{haven.GroundPoliticalOpinion, haven.GroundParticularSocialGroup}
			c.SocialGroups = []haven.SocialGroup{haven.SocialGroupSexualOrientation}
			c.SecondaryCategory = haven.CategorySurvivorsViolenceTorture
		}},
		{name: "non-accompanying family member", setup: func(c *haven.Case) { c.Members[1].Accompanying = false }},

		{name: "no rules for the year", noRules: true,
			code: haven.ECONFLICT, msg: "no programme rules for year 2025: referrals are closed"},
		{name: "organisation may not refer", org: fld, setup: func(c *haven.Case) { c.ReferringOrgID = fld.ID },
			code: haven.ECONFLICT, msg: "organisation org_fld may not refer cases in year 2025"},
		{name: "organisation of no kind", org: &haven.Organisation{ID: "org_x"},
			code: haven.ECONFLICT, msg: "organisation org_x may not refer cases in year 2025"},
		{name: "referring organisation missing", setup: func(c *haven.Case) { c.ReferringOrgID = "" },
			code: haven.EINVALID, fields: []string{"referring_org_id"}},
		{name: "case names another organisation", setup: func(c *haven.Case) { c.ReferringOrgID = "org_other" },
			code: haven.EINVALID, fields: []string{"referring_org_id"}},

		{name: "declared size too large", setup: func(c *haven.Case) { c.DeclaredSize = 4 },
			code: haven.EINVALID, fields: []string{"declared_size"}},
		{name: "declared size too small", setup: func(c *haven.Case) { c.Members = c.Members[:2] },
			code: haven.EINVALID, fields: []string{"declared_size"}},
		{name: "declared size zero", setup: func(c *haven.Case) { c.DeclaredSize, c.Members = 0, nil },
			code: haven.EINVALID, fields: []string{"declared_size", "members"}},
		{name: "two principals", setup: func(c *haven.Case) { c.Members[1].Relationship = haven.RelPrincipal },
			code: haven.EINVALID, fields: []string{"members"}},
		{name: "no principal", setup: func(c *haven.Case) { c.Members[0].Relationship = haven.RelSpouse },
			code: haven.EINVALID, fields: []string{"members"}},
		{name: "principal not accompanying", setup: func(c *haven.Case) { c.Members[0].Accompanying = false },
			code: haven.EINVALID, fields: []string{"members[0].accompanying"}},
		{name: "future birth date", setup: func(c *haven.Case) { c.Members[2].DateOfBirth = addDays(today, 1) },
			code: haven.EINVALID, fields: []string{"members[2].date_of_birth"}},
		{name: "member without a name", setup: func(c *haven.Case) { c.Members[1].FamilyName = " " },
			code: haven.EINVALID, fields: []string{"members[1].family_name"}},
		{name: "unknown relationship", setup: func(c *haven.Case) { c.Members[1].Relationship = "cousin" },
			code: haven.EINVALID, fields: []string{"members[1].relationship"}},
		{name: "nil member", setup: func(c *haven.Case) { c.Members[2] = nil },
			code: haven.EINVALID, fields: []string{"members[2]"}},
		{name: "member of another case", setup: func(c *haven.Case) { c.Members[1].CaseID = "case_2" },
			code: haven.EINVALID, fields: []string{"members[1].case_id"}},
		{name: "member listed twice", setup: func(c *haven.Case) { c.Members[2].ID = c.Members[1].ID },
			code: haven.EINVALID, fields: []string{"members[2].id"}},
		// A dependent child (IRPR s.2): under 22 on the referral date, or
		// 22 or over under the recorded exception. today is 2025-03-10.
		{name: "child aged 21", setup: func(c *haven.Case) { c.Members[2].DateOfBirth = haven.Date{Year: 2003, Month: 3, Day: 11} }},
		{name: "child aged 45 without the exception", setup: func(c *haven.Case) { c.Members[2].DateOfBirth = haven.Date{Year: 1980, Month: 1, Day: 5} },
			code: haven.EINVALID, fields: []string{"members[2].adult_dependent"}},
		{name: "child aged 45 with the exception", setup: func(c *haven.Case) {
			c.Members[2].DateOfBirth, c.Members[2].AdultDependent = haven.Date{Year: 1980, Month: 1, Day: 5}, true
		}},
		{name: "child's 22nd birthday is the referral date", setup: func(c *haven.Case) { c.Members[2].DateOfBirth = haven.Date{Year: 2003, Month: 3, Day: 10} },
			code: haven.EINVALID, fields: []string{"members[2].adult_dependent"}},
		{name: "child's child aged 22 without the exception", setup: func(c *haven.Case) {
			c.Members[2].Relationship, c.Members[2].DateOfBirth = haven.RelChildOfChild, haven.Date{Year: 2003, Month: 3, Day: 10}
		}, code: haven.EINVALID, fields: []string{"members[2].adult_dependent"}},
		{name: "exception on a child under 22", setup: func(c *haven.Case) { c.Members[2].AdultDependent = true },
			code: haven.EINVALID, fields: []string{"members[2].adult_dependent"}},
		{name: "exception on a spouse", setup: func(c *haven.Case) { c.Members[1].AdultDependent = true },
			code: haven.EINVALID, fields: []string{"members[1].adult_dependent"}},
		{name: "member excluded before any decision", setup: func(c *haven.Case) { c.Members[2].Excluded = true },
			code: haven.EINVALID, fields: []string{"members[2].excluded"}},

		{name: "unknown submission priority", setup: func(c *haven.Case) { c.SubmissionPriority = "urgent!" },
			code: haven.EINVALID, fields: []string{"submission_priority"}},
		{name: "processing priority missing", setup: func(c *haven.Case) { c.ProcessingPriority = "" },
			code: haven.EINVALID, fields: []string{"processing_priority"}},
		{name: "primary category missing", setup: func(c *haven.Case) { c.PrimaryCategory = "" },
			code: haven.EINVALID, fields: []string{"primary_category"}},
		{name: "unknown secondary category", setup: func(c *haven.Case) { c.SecondaryCategory = "other" },
			code: haven.EINVALID, fields: []string{"secondary_category"}},
		{name: "secondary category same as primary", setup: func(c *haven.Case) { c.SecondaryCategory = c.PrimaryCategory },
			code: haven.EINVALID, fields: []string{"secondary_category"}},
		{name: "justification missing", setup: func(c *haven.Case) { c.CategoryJustification = "\n" },
			code: haven.EINVALID, fields: []string{"category_justification"}},
		{name: "justification too long", setup: func(c *haven.Case) { c.CategoryJustification = strings.Repeat("é", 5001) },
			code: haven.EINVALID, fields: []string{"category_justification"}},
		{name: "justification with control characters", setup: func(c *haven.Case) { c.CategoryJustification = "a\x00b" },
			code: haven.EINVALID, fields: []string{"category_justification"}},
		{name: "no grounds", setup: func(c *haven.Case) { c.Grounds = nil },
			code: haven.EINVALID, fields: []string{"grounds"}},
		{name: "unknown ground", setup: func(c *haven.Case) { c.Grounds = append(c.Grounds, "wealth") },
			code: haven.EINVALID, fields: []string{"grounds"}},
		{name: "ground twice", setup: func(c *haven.Case) { c.Grounds = append(c.Grounds, c.Grounds[0]) },
			code: haven.EINVALID, fields: []string{"grounds"}},
		{name: "social group without its ground", setup: func(c *haven.Case) {
			c.SocialGroups = []haven.SocialGroup{haven.SocialGroupGender}
		}, code: haven.EINVALID, fields: []string{"social_groups"}},
		{name: "unknown social group", setup: func(c *haven.Case) {
			c.Grounds = []haven.Ground{haven.GroundParticularSocialGroup}
			c.SocialGroups = []haven.SocialGroup{"hobbyists"}
		}, code: haven.EINVALID, fields: []string{"social_groups"}},
		{name: "no nationality", setup: func(c *haven.Case) { c.NationalityCountries = nil },
			code: haven.EINVALID, fields: []string{"nationality_countries"}},
		{name: "bad nationality code", setup: func(c *haven.Case) { c.NationalityCountries = []string{"Iran"} },
			code: haven.EINVALID, fields: []string{"nationality_countries"}},
		{name: "asylum country missing", setup: func(c *haven.Case) { c.AsylumCountry = "" },
			code: haven.EINVALID, fields: []string{"asylum_country"}},
		{name: "bad asylum country", setup: func(c *haven.Case) { c.AsylumCountry = "XX" },
			code: haven.EINVALID, fields: []string{"asylum_country"}},
		{name: "asylum in a country of nationality", setup: func(c *haven.Case) {
			c.NationalityCountries = []string{"TR", "IR"}
		}, code: haven.EINVALID, fields: []string{"asylum_country"}},
		{name: "UNHCR number missing", setup: func(c *haven.Case) { c.UNHCRNumber = "" },
			code: haven.EINVALID, fields: []string{"unhcr_number"}},
		{name: "UNHCR number malformed", setup: func(c *haven.Case) { c.UNHCRNumber = "-12 34" },
			code: haven.EINVALID, fields: []string{"unhcr_number"}},
		{name: "UNHCR number too short", setup: func(c *haven.Case) { c.UNHCRNumber = "A1" },
			code: haven.EINVALID, fields: []string{"unhcr_number"}},
		{name: "UNHCR number too long", setup: func(c *haven.Case) { c.UNHCRNumber = strings.Repeat("1", 33) },
			code: haven.EINVALID, fields: []string{"unhcr_number"}},
		{name: "persecution account missing", setup: func(c *haven.Case) { c.PersecutionAccount = "" },
			code: haven.EINVALID, fields: []string{"persecution_account"}},
		{name: "profile problem", setup: func(c *haven.Case) {
			c.Profile.WorkAreas = []haven.WorkArea{"astrology"}
		}, code: haven.EINVALID, fields: []string{"profile.work_areas"}},

		{name: "every problem at once", setup: func(c *haven.Case) {
			c.DeclaredSize = 2
			c.Members[1].Relationship = haven.RelPrincipal
			c.Members[2].DateOfBirth = addDays(today, 1)
			c.PrimaryCategory = ""
			c.AsylumCountry = "IR"
			c.PersecutionAccount = ""
		}, code: haven.EINVALID, fields: []string{"declared_size", "members[2].date_of_birth", "members",
			"primary_category", "asylum_country", "persecution_account"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := MustCase(t, haven.StateReferred, 3)
			rules, org := tt.rules, tt.org
			if rules == nil && !tt.noRules {
				rules = rules2025
			}
			if org == nil {
				org = unhcr
			}
			if tt.setup != nil {
				tt.setup(c)
			}
			err := workflow.CheckReferral(rules, org, c, now)
			assertNoPersonalData(t, err)
			if code := haven.ErrorCodeOf(err); code != tt.code {
				t.Fatalf("CheckReferral = %v; want code %q", err, tt.code)
			}
			if tt.fields != nil {
				if f := fieldNames(err); !slices.Equal(f, tt.fields) {
					t.Errorf("fields = %v, want %v (%v)", f, tt.fields, err)
				}
			}
			if tt.msg != "" {
				if m := haven.ErrorMessageOf(err); m != tt.msg {
					t.Errorf("message = %q, want %q", m, tt.msg)
				}
			}
		})
	}
}

// TestCheckReferralChildAgeOnReferralDate: a child's age is taken on the
// referral date (the clock given), with a birthday on 29 February reached
// on 1 March in a year without one.
func TestCheckReferralChildAgeOnReferralDate(t *testing.T) {
	tests := []struct {
		born, on string
		adult    bool // 22 or over on the date: the exception is needed
	}{
		{"2003-03-10", "2025-03-09", false},
		{"2003-03-10", "2025-03-10", true},
		{"2004-02-29", "2026-02-28", false},
		{"2004-02-29", "2026-03-01", true},
		{"2004-02-29", "2028-02-28", true},
		{"2006-02-28", "2028-02-28", true},
		{"2006-02-28", "2028-02-27", false},
		{"2006-03-01", "2028-02-29", false},
		{"2006-02-28", "2028-02-29", true},
	}
	for _, tt := range tests {
		born, err := haven.ParseDate(tt.born)
		if err != nil {
			t.Fatal(err)
		}
		on, err := haven.ParseDate(tt.on)
		if err != nil {
			t.Fatal(err)
		}
		rules := haven.DefaultRules(on.Year)
		for _, exception := range []bool{false, true} {
			c := MustCase(t, haven.StateReferred, 3)
			c.Members[2].DateOfBirth, c.Members[2].AdultDependent = born, exception
			// Late in the day UTC: the date, not the hour, decides.
			err := workflow.CheckReferral(rules, unhcr, c, on.Time().Add(23*time.Hour))
			if ok := err == nil; ok != (exception == tt.adult) {
				t.Errorf("born %s, referred %s, exception %v: %v", tt.born, tt.on, exception, err)
			}
		}
	}
}

func TestCheckReferralDoesNotModify(t *testing.T) {
	c := MustCase(t, haven.StateReferred, 3)
	c.UNHCRNumber = " abc-123 "
	c.Members[2].DateOfBirth = addDays(today, 1)
	want := MustCase(t, haven.StateReferred, 3)
	want.UNHCRNumber = " abc-123 "
	want.Members[2].DateOfBirth = addDays(today, 1)
	_ = workflow.CheckReferral(haven.DefaultRules(2025), unhcr, c, now)
	if !reflect.DeepEqual(c, want) {
		t.Error("CheckReferral modified the case")
	}
}

func TestCheckReferralNilCase(t *testing.T) {
	if err := workflow.CheckReferral(haven.DefaultRules(2025), unhcr, nil, now); haven.ErrorCodeOf(err) != haven.EINTERNAL {
		t.Errorf("nil case: %v", err)
	}
}

func TestCheckReferralNilOrg(t *testing.T) {
	err := workflow.CheckReferral(haven.DefaultRules(2025), nil, MustCase(t, haven.StateReferred, 1), now)
	if haven.ErrorCodeOf(err) != haven.EINVALID || !slices.Equal(fieldNames(err), []string{"referring_org_id"}) {
		t.Errorf("nil org: %v", err)
	}
}

// TestUnknownEnumsCannotBeParsed: an unknown value never reaches a rule
// through the parsers; CheckReferral still rejects one made by conversion.
func TestUnknownEnumsCannotBeParsed(t *testing.T) {
	if p, err := haven.ParsePriority("urgent!"); err == nil || haven.ErrorCodeOf(err) != haven.EINVALID {
		t.Errorf(`ParsePriority("urgent!") = %q, %v; want EINVALID`, p, err)
	}
	if _, err := haven.ParseSubmissionCategory("medical"); err == nil {
		t.Error(`ParseSubmissionCategory("medical") succeeded`)
	}
	if _, err := haven.ParseGround("wealth"); err == nil {
		t.Error(`ParseGround("wealth") succeeded`)
	}
	if _, err := haven.ParseRelationship("cousin"); err == nil {
		t.Error(`ParseRelationship("cousin") succeeded`)
	}
	if p, err := haven.ParsePriority(" urgent "); err != nil || p != haven.PriorityUrgent {
		t.Errorf(`ParsePriority(" urgent ") = %q, %v`, p, err)
	}
}
