package browser_test

import (
	"context"
	"crypto/tls"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/havenhrd/haven"
)

// printWords are the words of the print and export test, as the catalogue
// has them.
var printWords = map[string]words{
	"en": {"export.csv": "Download as CSV", "case.id": "Case"},
	"fr": {"export.csv": "Télécharger en CSV", "case.id": "Dossier"},
}

func init() {
	for lang, ws := range printWords {
		for k, v := range ws {
			if _, ok := catalogue[lang][k]; !ok {
				catalogue[lang][k] = v
			}
		}
	}
}

// TestPrintAndExport: the visa officer prints a case page of several
// pages to PDF in Chromium; every printed page carries the security
// marking, and none the navigation, the buttons or the forms. Then the
// officer downloads the work queue as CSV from its link. The PDF's pages
// are read with pdftotext (Debian's poppler-utils).
func TestPrintAndExport(t *testing.T) {
	k := needBrowser(t)
	if _, err := exec.LookPath("pdftotext"); err != nil {
		t.Fatal("pdftotext is missing: apt-get install poppler-utils")
	}
	f := newFixture(t)
	browser := startChromium(t, k)
	unhcr := f.enrol(t, haven.OrgReferralPartner, "print-unhcr")
	// One officer a language: a code is taken once in its time step.
	visas := map[string]*user{"en": f.enrol(t, haven.OrgVisaOffice, "print-visa-en"), "fr": f.enrol(t, haven.OrgVisaOffice, "print-visa-fr")}
	// A large family and a long account: the case page takes pages.
	c := &haven.Case{UNHCRNumber: "UNH-PRN-00001", SubmissionPriority: haven.PriorityNormal, ProcessingPriority: haven.PriorityNormal,
		PrimaryCategory: haven.CategoryLegalPhysicalProtection, CategoryJustification: "Detained twice for reporting; further arrest imminent.",
		Grounds: []haven.Ground{haven.GroundPoliticalOpinion, haven.GroundParticularSocialGroup}, SocialGroups: []haven.SocialGroup{haven.SocialGroupHumanRightsWork},
		NationalityCountries: []string{"IR"}, AsylumCountry: "TR",
		Profile: haven.DefenderProfile{WorkAreas: []haven.WorkArea{haven.WorkJournalism}, Organisations: []string{"Press collective"},
			ThreatEvents: []haven.ThreatEvent{{Type: haven.ThreatArbitraryDetention, Perpetrator: haven.PerpetratorState,
				Date: haven.Date{Year: 2025, Month: 11, Day: 3}, Place: "Evin prison", Description: "Held 40 days."}}},
		PersecutionAccount: strings.Repeat("Arrested at the paper's office, held without charge, questioned about sources, released on bail and followed. ", 60),
	}
	rels := []haven.Relationship{haven.RelPrincipal, haven.RelSpouse}
	for i := range 10 {
		rel, born := haven.RelChild, 2006+i
		if i < 2 {
			rel, born = rels[i], 1980+3*i
		}
		c.Members = append(c.Members, &haven.Member{Relationship: rel, Accompanying: true, FamilyName: "Printed",
			GivenNames: fmt.Sprintf("Member%d", i), DateOfBirth: haven.Date{Year: born, Month: 4, Day: 1 + i}, Sex: haven.SexFemale,
			Nationalities: []string{"IR"}, Languages: []string{"fa"}, Whereabouts: "Safe house near Van", Contact: "+90 555 000 00" + strconv.Itoa(10+i)})
	}
	c.DeclaredSize = len(c.Members)
	if err := f.app.Cases.CreateReferral(f.ctx, unhcr.actor, c); err != nil {
		t.Fatal(err)
	}
	for _, lang := range []string{"en", "fr"} {
		t.Run(lang, func(t *testing.T) {
			j := &journey{t: t, lang: lang, w: catalogue[lang], kit: k, f: f, browser: browser, violations: map[string][]violation{}}
			defer j.report()
			w, visa := j.w, visas[lang]
			s := j.open("visa officer")
			s.firstPage()
			s.signIn(visa, false)
			j.step("the visa officer opens the case")
			s.visit("/cases/" + string(c.ID))
			s.expectMarking()
			// What the screen offers to act and to go: none of it prints.
			// (Words that the page's content says as well, such as the next
			// step the status panel names, are left out.)
			offered := eval[[]string](s, `(() => {
				const sel = 'nav a, button, form label, .button, .button-link';
				const norm = t => t.replace(/\s+/g, ' ').trim();
				const rest = document.body.cloneNode(true);
				rest.querySelectorAll('nav, form, button, .button, .button-link').forEach(e => e.remove());
				const content = norm(rest.textContent);
				return [...document.querySelectorAll(sel)].map(e => norm(e.textContent)).filter(t => t && !content.includes(t));
			})()`)
			j.step("the visa officer prints the case page")
			ctx, cancel := context.WithTimeout(s.ctx, timeout)
			defer cancel()
			pdf, err := chromedp.Run(ctx, chromedp.PrintToPDF(chromedp.PDFPaper(chromedp.PaperA4),
				func(p *page.PrintToPDFParams) { yes := true; p.PreferCSSPageSize = &yes }))
			if err != nil {
				t.Fatal(err)
			}
			file := filepath.Join(t.TempDir(), "case.pdf")
			if err := os.WriteFile(file, pdf, 0o600); err != nil {
				t.Fatal(err)
			}
			pages := pdfPages(t, file)
			if len(pages) < 2 {
				t.Fatalf("the case printed on %d page: the test wants several", len(pages))
			}
			mark := strings.ToLower(w.of("common.protected_b"))
			for i, text := range pages {
				if n := strings.Count(strings.ToLower(text), mark); n < 2 {
					t.Errorf("printed page %d of %d carries the marking %d times, want at the top and the bottom:\n%s", i+1, len(pages), n, text)
				}
				lines := map[string]bool{}
				// A line of the layout, and each of its columns (runs of
				// two spaces or more apart): a menu prints on one line.
				for _, l := range strings.Split(text, "\n") {
					lines[strings.Join(strings.Fields(l), " ")] = true
					for _, col := range columns.Split(strings.TrimSpace(l), -1) {
						lines[strings.Join(strings.Fields(col), " ")] = true
					}
				}
				for _, o := range offered {
					if lines[o] {
						t.Errorf("printed page %d shows %q, a link, button or form of the screen", i+1, o)
					}
				}
			}
			if !strings.Contains(strings.Join(pages, "\n"), "Member9") {
				t.Error("the print lacks the family")
			}
			t.Logf("[%s] the case printed on %d pages", lang, len(pages))

			j.step("the visa officer downloads the work queue as CSV")
			s.visit("/cases")
			href := eval[string](s, fmt.Sprintf(`[...document.querySelectorAll('a[href]')].find(a => a.textContent.trim() === %q)?.getAttribute('href') || ''`, w.of("export.csv")))
			if !strings.HasPrefix(href, "/cases.csv") {
				t.Fatalf("the queue has no link %q: %q", w.of("export.csv"), href)
			}
			// The content security policy lets no script fetch: the file is
			// fetched as the browser would download it, with its cookies.
			cookies, err := chromedp.Call(s.ctx, network.GetCookies, network.GetCookiesParams{})
			if err != nil {
				t.Fatal(err)
			}
			req, _ := http.NewRequest("GET", f.origin+href, nil)
			for _, ck := range cookies.Cookies {
				req.AddCookie(&http.Cookie{Name: ck.Name, Value: ck.Value})
			}
			client := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}}}
			resp, err := client.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			csv := string(body)
			if !strings.HasPrefix(csv, "\uFEFF"+w.of("case.id")+",") || !strings.Contains(csv, j.f.refOf(t, visa, c.ID)) {
				t.Errorf("the export: %.300q", csv)
			}
		})
	}
}

// columns splits a line of pdftotext's layout into its columns.
var columns = regexp.MustCompile(`\s{2,}`)

// pdfPages returns the text of each page of the PDF file.
func pdfPages(t *testing.T, file string) []string {
	t.Helper()
	out, err := exec.Command("pdftotext", "-layout", file, "-").Output()
	if err != nil {
		t.Fatal(err)
	}
	pages := strings.Split(strings.TrimRight(string(out), "\f\n"), "\f")
	return pages
}

// refOf is the case's short reference, as the visa office reads it.
func (f *fixture) refOf(t *testing.T, u *user, id haven.ID) string {
	t.Helper()
	c, err := f.app.Cases.FindCaseByID(f.ctx, u.actor, id)
	if err != nil {
		t.Fatal(err)
	}
	return c.Reference
}
