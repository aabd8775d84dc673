package web_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/havenhrd/haven"
	"github.com/havenhrd/haven/internal/api"
)

// surfaceLabels are the page's English names of the fields the table's
// files get wrong.
var surfaceLabels = map[string]string{"sex": "Sex", "date_of_birth": "Date of birth", "adult_dependent": "Dependent child aged 22 or over",
	"submission_priority": "Submission priority", "nickname": "nickname", "accompanying": "Accompanying"}

// surfaceLabel names a field of the API's problems as the page does.
func surfaceLabel(field string) string {
	if m := regexp.MustCompile(`^members\[(\d+)\]\.(.*)$`).FindStringSubmatch(field); m != nil {
		k, _ := strconv.Atoi(m[1])
		return fmt.Sprintf("Person %d: %s", k+1, surfaceLabels[m[2]])
	}
	if l, ok := surfaceLabels[field]; ok {
		return l
	}
	return field
}

// caseText is what a referral holds, without what the app gives it.
func caseText(c *haven.Case) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s %s %s %s %s %v %v %v %s %v %v %s %d\n", c.UNHCRNumber, c.NominationID, c.SubmissionPriority, c.ProcessingPriority,
		c.PrimaryCategory, c.SecondaryCategory, c.Grounds, c.SocialGroups, c.NationalityCountries, c.AsylumCountry,
		c.Profile.WorkAreas, c.Profile.Organisations, c.PersecutionAccount, c.DeclaredSize)
	for _, e := range c.Profile.ThreatEvents {
		fmt.Fprintf(&b, " threat %s %s %s %s %s\n", e.Type, e.Perpetrator, e.Date, e.Place, e.Description)
	}
	for _, m := range c.Members {
		fmt.Fprintf(&b, " member %s %v %s %s %s %s %v %v %s %s %s adult_dependent=%v\n", m.Relationship, m.Accompanying, m.FamilyName,
			m.GivenNames, m.DateOfBirth, m.Sex, m.Nationalities, m.Languages, m.Contact, m.Whereabouts, m.ConfidentialNotes, m.AdultDependent)
	}
	return b.String()
}

// referrals reads back the cases of the referral partner, as the app has them.
func (f *fixture) referrals(t *testing.T) []string {
	t.Helper()
	actor := f.users[haven.OrgReferralPartner].actor
	cs, _, err := f.app.Cases.FindCases(f.ctx, actor, haven.CaseFilter{Limit: 500})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, c := range cs {
		out = append(out, caseText(must(f.app.Cases.FindCaseByID(f.ctx, actor, c.ID))))
	}
	slices.Sort(out)
	return out
}

var reportRow = regexp.MustCompile(`<tr><th scope="row" class="num">(\d*)</th><td>([^<]*)</td><td>([^<]*)</td>`)

// TestReferralSurfaces: the same file gives the same referrals and the
// same problems through the import page and POST /api/v1/cases/import.
// The API takes JSON only: a CSV file is held to its JSON equivalent.
func TestReferralSurfaces(t *testing.T) {
	child := func(tag string) map[string]any {
		m := importJSON(tag, 3)
		members := m["members"].([]map[string]any)
		members[2]["date_of_birth"], members[2]["adult_dependent"] = "2001-02-03", true // 25 on the fixture's day
		return m
	}
	wrap := func(refs ...any) []byte { return must(json.MarshalIndent(map[string]any{"referrals": refs}, "", "  ")) }
	bad := func() []byte {
		a, b, c := importJSON("BadA", 2), importJSON("BadB", 1), importJSON("BadC", 2)
		a["members"].([]map[string]any)[1]["sex"] = "unknown"
		b["nickname"] = "x"
		b["members"].([]map[string]any)[0]["adult_dependent"] = "yes"
		c["submission_priority"] = "soon"
		c["members"].([]map[string]any)[0]["date_of_birth"] = "02/06/1982"
		c["members"].([]map[string]any)[1]["sex"] = "unknown"
		return wrap(a, b, c)
	}()
	atLimit := func() []byte {
		b := wrap(importJSON("LimitA", 2), importJSON("LimitB", 1))
		return append(b, bytes.Repeat([]byte(" "), haven.MaxImportFile-len(b))...)
	}()
	// csvGood and its JSON equivalent: families "1" and "2".
	csvGood := strings.Replace(csvHeader, "contact\n", "contact,adult_dependent\n", 1) +
		"1,UNH-S-1,normal,normal,legal_physical_protection,Arrested.,political_opinion;particular_social_group,human_rights_defenders,IR,TR,Told.,journalism,principal,yes,FamS,Amir,1980-03-01,male,IR,fa,+90 1,\n" +
		"1,,,,,,,,,,,,child,yes,FamS,Sara,2001-02-03,female,IR,fa,,yes\n" +
		"2,UNH-S-2,normal,normal,legal_physical_protection,Arrested.,political_opinion;particular_social_group,human_rights_defenders,IR,TR,Told.,journalism,principal,yes,FamT,Ali,1981-03-01,male,IR,fa,+90 2,no\n"
	jsonOf := func(sexes, dobs [3]string) []byte {
		ref := func(n, fam, given, dob, sex, contact string, extra ...map[string]any) map[string]any {
			members := []map[string]any{{"relationship": "principal", "accompanying": true, "family_name": fam, "given_names": given,
				"date_of_birth": dob, "sex": sex, "nationalities": []string{"IR"}, "languages": []string{"fa"}, "contact": contact}}
			for _, e := range extra {
				members = append(members, e)
			}
			return map[string]any{"unhcr_number": n, "submission_priority": "normal", "processing_priority": "normal",
				"primary_category": "legal_physical_protection", "category_justification": "Arrested.", "grounds": []string{"political_opinion", "particular_social_group"},
				"social_groups": []string{"human_rights_defenders"}, "nationality_countries": []string{"IR"}, "asylum_country": "TR",
				"persecution_account": "Told.", "profile": map[string]any{"work_areas": []string{"journalism"}},
				"declared_size": len(members), "members": members}
		}
		return wrap(ref("UNH-S-1", "FamS", "Amir", dobs[0], sexes[0], "+90 1", map[string]any{"relationship": "child", "accompanying": true,
			"family_name": "FamS", "given_names": "Sara", "date_of_birth": dobs[1], "sex": sexes[1], "nationalities": []string{"IR"},
			"languages": []string{"fa"}, "adult_dependent": true}),
			ref("UNH-S-2", "FamT", "Ali", dobs[2], sexes[2], "+90 2"))
	}
	csvBad := strings.NewReplacer("female,IR", "other?,IR", "1981-03-01", "01/03/1981").Replace(csvGood)
	for _, tc := range []struct {
		name     string
		page     []byte // the page's file; its JSON equivalent is api
		ext      string
		api      []byte
		imported int
	}{
		{"valid JSON with a dependent adult child", wrap(child("OkA"), importJSON("OkB", 1)), ".json", nil, 2},
		{"JSON with errors on several referrals and in members", bad, ".json", nil, 0},
		{"JSON at the size limit", atLimit, ".json", nil, 2},
		{"valid CSV", []byte(csvGood), ".csv", jsonOf([3]string{"male", "female", "male"}, [3]string{"1980-03-01", "2001-02-03", "1981-03-01"}), 2},
		{"CSV with errors", []byte(csvBad), ".csv", jsonOf([3]string{"male", "other?", "male"}, [3]string{"1980-03-01", "2001-02-03", "01/03/1981"}), 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			body := tc.api
			if body == nil {
				body = tc.page
			}
			// The page.
			pf := newFixture(t, false)
			b := pf.browser(t)
			b.signIn(pf.users[haven.OrgReferralPartner])
			b.get("/referrals/import")
			r, page := b.upload("referrals"+tc.ext, tc.page)
			// The API, over a Haven of its own.
			af := newFixture(t, false)
			srv := httptest.NewServer(api.New(api.Config{Accounts: af.app.Accounts, Cases: af.app.Cases, Nominations: af.app.Nominations, Programme: af.app.Programme, Notices: af.app.Notices, Actor: func(*http.Request) (haven.Actor, error) {
				return af.users[haven.OrgReferralPartner].actor, nil
			}}))
			defer srv.Close()
			resp := must(http.Post(srv.URL+"/api/v1/cases/import", "application/json", bytes.NewReader(body)))
			answer := must(io.ReadAll(resp.Body))
			resp.Body.Close()

			gotPage, gotAPI := pf.referrals(t), af.referrals(t)
			if len(gotPage) != tc.imported || !slices.Equal(gotPage, gotAPI) {
				t.Fatalf("the page imported (%d)\n%s\nthe API (%d)\n%s\n%s\n%s", r.StatusCode, strings.Join(gotPage, ""), resp.StatusCode, strings.Join(gotAPI, ""), answer, reportRow.FindAllString(page, -1))
			}
			if tc.imported > 0 {
				if r.StatusCode != 200 || resp.StatusCode != 201 {
					t.Fatalf("page %d, API %d %s", r.StatusCode, resp.StatusCode, answer)
				}
				return
			}
			var problem struct{ Errors []haven.FieldProblem }
			if err := json.Unmarshal(answer, &problem); err != nil || resp.StatusCode != 400 || r.StatusCode != 400 {
				t.Fatalf("page %d, API %d %s", r.StatusCode, resp.StatusCode, answer)
			}
			var fromAPI, fromPage []string
			for _, e := range problem.Errors {
				m := regexp.MustCompile(`^referrals\[(\d+)\](?:\.(.*))?$`).FindStringSubmatch(e.Field)
				if m == nil {
					t.Fatalf("the API named a problem %q", e.Field)
				}
				n, _ := strconv.Atoi(m[1])
				fromAPI = append(fromAPI, fmt.Sprintf("%d|%s", n+1, surfaceLabel(m[2])))
			}
			for _, m := range reportRow.FindAllStringSubmatch(page, -1) {
				fromPage = append(fromPage, html.UnescapeString(m[2]+"|"+m[3]))
			}
			slices.Sort(fromAPI)
			slices.Sort(fromPage)
			if len(fromAPI) < 2 || !slices.Equal(fromAPI, fromPage) {
				t.Fatalf("problems differ:\nAPI  %q\npage %q", fromAPI, fromPage)
			}
		})
	}
}
