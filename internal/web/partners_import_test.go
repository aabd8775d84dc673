package web_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/havenhrd/haven"
)

// importJSON is a referral as the JSON import takes it.
func importJSON(tag string, size int) map[string]any {
	c := referral(tag, size, haven.PriorityUrgent)
	var members []map[string]any
	for _, m := range c.Members {
		members = append(members, map[string]any{"relationship": m.Relationship, "accompanying": m.Accompanying,
			"family_name": m.FamilyName, "given_names": m.GivenNames, "date_of_birth": m.DateOfBirth.String(), "sex": m.Sex,
			"nationalities": m.Nationalities, "languages": m.Languages, "contact": m.Contact, "whereabouts": m.Whereabouts,
			"confidential_notes": m.ConfidentialNotes})
	}
	e := c.Profile.ThreatEvents[0]
	return map[string]any{"unhcr_number": c.UNHCRNumber, "submission_priority": c.SubmissionPriority,
		"processing_priority": c.ProcessingPriority, "primary_category": c.PrimaryCategory,
		"category_justification": c.CategoryJustification, "grounds": c.Grounds, "social_groups": c.SocialGroups,
		"nationality_countries": c.NationalityCountries, "asylum_country": c.AsylumCountry,
		"profile": map[string]any{"work_areas": c.Profile.WorkAreas, "organisations": c.Profile.Organisations,
			"threat_events": []map[string]any{{"type": e.Type, "perpetrator": e.Perpetrator, "date": e.Date.String(),
				"place": e.Place, "description": e.Description}}},
		"persecution_account": c.PersecutionAccount, "declared_size": c.DeclaredSize, "members": members}
}

const csvHeader = "referral,unhcr_number,submission_priority,processing_priority,primary_category,category_justification,grounds,social_groups," +
	"nationality_countries,asylum_country,persecution_account,work_areas,relationship,accompanying,family_name,given_names,date_of_birth,sex,nationalities,languages,contact\n"

// csvFamily is a family of two as CSV rows under csvHeader.
func csvFamily(key, number, tag string) string {
	return fmt.Sprintf("%s,%s,normal,normal,legal_physical_protection,\"Arrested twice, %s.\",political_opinion;particular_social_group,human_rights_defenders,IR,TR,\"Told of %s.\",journalism,principal,yes,Family%s,Amir,1980-03-01,male,IR,fa;tr,+90 555 %s\n",
		key, number, tag, tag, tag, tag) +
		fmt.Sprintf("%s,,,,,,,,,,,,spouse,yes,Family%s,Mina,1982-06-02,female,IR,fa,\n", key, tag)
}

// reportLines returns the lines the import report names.
func reportLines(body string) []string {
	var out []string
	for _, m := range regexp.MustCompile(`<tr><th scope="row" class="num">(\d*)</th>`).FindAllStringSubmatch(body, -1) {
		out = append(out, m[1])
	}
	return out
}

func TestImport(t *testing.T) {
	f := newFixture(t, false)
	b := f.browser(t)
	b.signIn(f.users[haven.OrgReferralPartner])
	_, body := b.get("/referrals/import")
	if !strings.Contains(body, `enctype="multipart/form-data"`) || !strings.Contains(body, "<code>referral</code>") ||
		!strings.Contains(body, "<code>date_of_birth</code>") || !strings.Contains(body, `"unhcr_number"`) {
		t.Fatalf("the import page does not document the formats:\n%s", text(body))
	}
	start := f.caseCount(t)

	// A good JSON file: every referral imported, the cases listed.
	good := must(json.Marshal([]any{importJSON("JsonA", 2), importJSON("JsonB", 1)}))
	r, body := b.upload("referrals.json", good)
	if r.StatusCode != 200 || !strings.Contains(body, "Referrals imported: 2.") || strings.Count(body, `<th scope="row"><a href="/cases/case_`) != 2 {
		t.Fatalf("good JSON: %d\n%s", r.StatusCode, text(body))
	}
	if f.caseCount(t) != start+2 {
		t.Fatalf("good JSON stored %d cases", f.caseCount(t)-start)
	}
	// The object the API takes is read too.
	r, _ = b.upload("api.json", must(json.Marshal(map[string]any{"referrals": []any{importJSON("JsonC", 1)}})))
	if r.StatusCode != 200 || f.caseCount(t) != start+3 {
		t.Fatalf("API-shaped JSON: %d", r.StatusCode)
	}

	// A good CSV file: two families, one row per person.
	b.get("/referrals/import")
	r, body = b.upload("referrals.csv", []byte(csvHeader+csvFamily("A", "UNH-CSV-0001", "CsvA")+csvFamily("B", "UNH-CSV-0002", "CsvB")))
	if r.StatusCode != 200 || !strings.Contains(body, "Referrals imported: 2.") {
		t.Fatalf("good CSV: %d\n%s", r.StatusCode, text(body))
	}
	if f.caseCount(t) != start+5 {
		t.Fatalf("good CSV stored %d cases", f.caseCount(t)-start-3)
	}
	cs, _, err := f.app.Cases.FindCases(f.ctx, f.users[haven.OrgReferralPartner].actor, haven.CaseFilter{Limit: 50})
	if err != nil {
		t.Fatal(err)
	}
	var sizes []int
	for _, c := range cs {
		sizes = append(sizes, c.DeclaredSize)
	}
	if len(cs) != 5 {
		t.Fatalf("the partner's cases: %d %v", len(cs), sizes)
	}

	// A CSV file with bad lines: each named by its line, nothing stored.
	bad := csvHeader +
		csvFamily("C", "UNH-CSV-0003", "CsvC") + // lines 2-3: good
		strings.Replace(csvFamily("D", "UNH-CSV-0004", "CsvD"), "1982-06-02", "02/06/1982", 1) + // line 5: a malformed date
		strings.Replace(csvFamily("E", "UNH-CSV-0001", "CsvE"), "principal,yes", "principal,maybe", 1) + // line 6: accompanying; the number is taken
		"F,UNH-CSV-0005,normal,normal,legal_physical_protection,x,political_opinion,,IR,TR,x,,spouse,yes,FamilyF,Ali,2090-01-01,male,IR,fa,\n" // line 8
	b.get("/referrals/import")
	r, body = b.upload("bad.csv", []byte(bad))
	lines := reportLines(body)
	if r.StatusCode != http.StatusBadRequest || !strings.HasPrefix(title(body), "Error: ") || !strings.Contains(body, `<a href="#report">`) ||
		!slices.Contains(lines, "5") || !slices.Contains(lines, "6") || slices.Contains(lines, "2") || slices.Contains(lines, "3") {
		t.Fatalf("bad CSV: %d lines %v\n%s", r.StatusCode, lines, text(body))
	}
	for _, want := range []string{"Person 2: Date of birth", "Write the date as year-month-day", "Write yes or no"} {
		if !strings.Contains(text(body), want) {
			t.Errorf("the report lacks %q", want)
		}
	}
	if f.caseCount(t) != start+5 {
		t.Fatal("a file with bad lines stored cases")
	}
	// Once the page finds nothing, the app's problems name their lines too.
	bad = csvHeader + csvFamily("C", "UNH-CSV-0003", "CsvC") + csvFamily("E", "UNH-CSV-0001", "CsvE") +
		"F,UNH-CSV-0005,normal,normal,legal_physical_protection,x,political_opinion,,IR,TR,x,,spouse,yes,FamilyF,Ali,2090-01-01,male,IR,fa,\n"
	r, body = b.upload("bad.csv", []byte(bad))
	lines = reportLines(body)
	if r.StatusCode != http.StatusBadRequest || !slices.Contains(lines, "4") || !slices.Contains(lines, "6") || slices.Contains(lines, "2") ||
		!strings.Contains(body, "This UNHCR case number is already on a case") || !strings.Contains(body, "The date of birth is in the future") {
		t.Fatalf("app problems: %d lines %v\n%s", r.StatusCode, lines, text(body))
	}
	if f.caseCount(t) != start+5 {
		t.Fatal("a refused import stored cases")
	}
	// A JSON file with a bad referral: its line, its field.
	one, two := importJSON("JsonD", 1), importJSON("JsonE", 1)
	two["members"].([]map[string]any)[0]["sex"] = "unknown"
	two["nickname"] = "x"
	data := must(json.MarshalIndent([]any{one, two}, "", "  "))
	r, body = b.upload("bad.json", data)
	second := bytes.Index(data[1:], []byte("\n  {")) + 1
	second += bytes.Index(data[second+1:], []byte("\n  {")) + 1
	line2 := fmt.Sprint(bytes.Count(data[:second], []byte("\n")) + 2)
	lines = reportLines(body)
	if r.StatusCode != http.StatusBadRequest || !strings.Contains(body, "This field is not part of the format") ||
		!slices.Contains(lines, line2) || !strings.Contains(body, "<td>nickname</td>") {
		t.Fatalf("bad JSON: %d %v (want line %s)\n%s", r.StatusCode, lines, line2, text(body))
	}
	// Its unknown field mended, the app names the member's sex.
	delete(two, "nickname")
	data = must(json.MarshalIndent([]any{one, two}, "", "  "))
	r, body = b.upload("bad.json", data)
	if r.StatusCode != http.StatusBadRequest || !slices.Contains(reportLines(body), line2) || !strings.Contains(body, "Person 1: Sex") ||
		!strings.Contains(body, "This value is not one Haven accepts here") {
		t.Fatalf("bad JSON, app: %d %v\n%s", r.StatusCode, reportLines(body), text(body))
	}
	// A field given twice, in another case, is one field given twice.
	dup := bytes.Replace(must(json.Marshal([]any{importJSON("JsonF", 1)})), []byte(`"asylum_country":`), []byte(`"Asylum_Country":"TR","asylum_country":`), 1)
	r, body = b.upload("twice.json", dup)
	if r.StatusCode != http.StatusBadRequest || !strings.Contains(body, "This field is given twice") {
		t.Fatalf("a field twice: %d\n%s", r.StatusCode, text(body))
	}
	r, body = b.upload("broken.json", []byte("[{\"unhcr_number\": \"X\",}\n]"))
	if r.StatusCode != http.StatusBadRequest || !strings.Contains(body, "The file is not valid JSON: the problem is at line 1") {
		t.Fatalf("broken JSON: %d\n%s", r.StatusCode, text(body))
	}
	if f.caseCount(t) != start+5 {
		t.Fatal("a bad JSON file stored cases")
	}

	// A file of another type, and one too large: refused, nothing stored.
	r, body = b.upload("scan.pdf", []byte("%PDF-1.7\n\x00\x01binary"))
	if r.StatusCode != http.StatusUnsupportedMediaType || !strings.Contains(body, "The file must be a CSV file (.csv) or a JSON file (.json)") ||
		!strings.Contains(body, `<a href="#file">`) {
		t.Fatalf("wrong type: %d\n%s", r.StatusCode, text(body))
	}
	r, body = b.upload("big.csv", bytes.Repeat([]byte("a,b\n"), (1<<20)/4+1))
	if r.StatusCode != http.StatusRequestEntityTooLarge || !strings.Contains(body, "The file is larger than 1 MiB") {
		t.Fatalf("too large: %d\n%s", r.StatusCode, text(body))
	}
	r, _ = b.upload("", nil)
	if r.StatusCode != http.StatusBadRequest {
		t.Fatalf("no file: %d", r.StatusCode)
	}
	if f.caseCount(t) != start+5 {
		t.Fatal("a refused file stored cases")
	}
	// Without the form's token: refused before the file is read.
	b.get("/referrals/import")
	good = must(json.Marshal([]any{importJSON("JsonF", 1)}))
	b.last = strings.ReplaceAll(b.last, `name="csrf" value="`, `name="csrf" value="x`)
	r, _ = b.upload("referrals.json", good)
	if r.StatusCode != http.StatusForbidden || f.caseCount(t) != start+5 {
		t.Fatalf("import without a valid token: %d", r.StatusCode)
	}
}
