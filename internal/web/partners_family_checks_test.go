package web_test

import (
	"html"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/havenhrd/haven"
)

// TestFamilyChecksPages: a medical partner records the exams of a family
// on one form, and a screening partner both checks of every member on
// another. The form holds the members assigned to the partner and no
// other; every row's problems are reported in one pass, each beside its
// field and naming its person, what was typed is kept, and nothing is
// recorded until every row is right; then all are. In English and French.
func TestFamilyChecksPages(t *testing.T) {
	for _, lang := range []string{"en", "fr"} {
		t.Run(lang, func(t *testing.T) {
			words := map[string]map[string]string{
				"en": {"medical": "Record the family's medical exams", "screening": "Record the family's screening checks",
					"december": "December has 31 days", "none": "Choose a result for at least one check",
					"done": "The family's results are recorded.", "error": "Error: "},
				"fr": {"medical": "Consigner les examens médicaux de la famille", "screening": "Consigner les contrôles de filtrage de la famille",
					"december": "Décembre compte 31 jours", "none": "Choisissez un résultat pour au moins un contrôle",
					"done": "Les résultats de la famille sont consignés.", "error": "Erreur : "},
			}[lang]
			f := newFixture(t, false)
			c := f.refer(t, "Famille", 4, haven.PriorityNormal)
			hidden := f.refer(t, "Cachee", 1, haven.PriorityNormal)
			f.toAdmissibility(t, c.ID)
			f.toAdmissibility(t, hidden.ID)
			visa := f.users[haven.OrgVisaOffice].actor
			var ids []haven.ID
			for _, m := range c.Members {
				ids = append(ids, m.ID)
			}
			must(f.app.Cases.AssignChecks(f.ctx, visa, c.ID, f.orgs[haven.OrgMedicalPartner].ID, ids[:3]))
			must(f.app.Cases.AssignChecks(f.ctx, visa, c.ID, f.orgs[haven.OrgScreeningPartner].ID, ids))
			recorded := func() int { return len(must(f.app.Cases.FindCaseByID(f.ctx, visa, c.ID)).Checks) }
			form := "/checks/" + string(c.ID)
			ctl := func(m *haven.Member, kind haven.CheckKind, field string) string {
				return string(m.ID) + "-" + string(kind) + "-" + field
			}

			med := f.browser(t)
			med.get("/signin?lang=" + lang)
			med.signIn(f.users[haven.OrgMedicalPartner])
			_, body := med.get("/checks")
			if !strings.Contains(body, `href="`+form+`#`+string(c.Members[0].ID)+`"`) {
				t.Fatalf("the list does not link to the family form:\n%s", body)
			}
			r, body := med.get(form)
			checkPage(t, r, body)
			if r.StatusCode != http.StatusOK || !strings.Contains(title(body), words["medical"]) {
				t.Fatalf("medical family form: %d %q", r.StatusCode, title(body))
			}
			for i, m := range c.Members {
				has := strings.Contains(body, m.GivenNames) || strings.Contains(body, ctl(m, haven.CheckMedical, "result"))
				if has != (i < 3) {
					t.Errorf("member %d (assigned: %v) on the form: %v", i, i < 3, has)
				}
			}
			// Nothing chosen: one problem, at the first row.
			r, body = med.fill(form, nil, "")
			if r.StatusCode != http.StatusBadRequest || !strings.Contains(text(body), words["none"]) {
				t.Fatalf("empty form: %d\n%s", r.StatusCode, text(body))
			}
			// Three rows wrong in three ways: all reported at once, each
			// beside its own field; nothing recorded; what was typed kept.
			m0, m1, m2 := c.Members[0], c.Members[1], c.Members[2]
			r, body = med.fill(form, url.Values{
				ctl(m0, haven.CheckMedical, "result"): {"passed"}, ctl(m0, haven.CheckMedical, "valid_until"): {"2026-12-32"},
				ctl(m1, haven.CheckMedical, "result"): {"passed"}, ctl(m1, haven.CheckMedical, "details"): {"Chest X-ray clear."},
				ctl(m2, haven.CheckMedical, "details"): {"Waiting for bloods."},
			}, "")
			links := errorLinks(body)
			for _, want := range []string{ctl(m0, haven.CheckMedical, "valid_until"), ctl(m1, haven.CheckMedical, "valid_until"), ctl(m2, haven.CheckMedical, "result")} {
				if !slices.Contains(links, want) || !strings.Contains(body, `id="`+want+`-error"`) {
					t.Errorf("no problem beside %s: %v", want, links)
				}
			}
			if r.StatusCode != http.StatusBadRequest || !strings.HasPrefix(title(body), words["error"]) || !strings.Contains(text(body), words["december"]) ||
				!strings.Contains(text(body), m0.GivenNames) {
				t.Fatalf("three wrong rows: %d %v\n%s", r.StatusCode, links, text(body))
			}
			if v, _ := value(body, ctl(m0, haven.CheckMedical, "valid_until")); v != "2026-12-32" || !strings.Contains(body, ">Chest X-ray clear.</textarea>") {
				t.Fatalf("what was typed is not kept:\n%s", body)
			}
			if n := recorded(); n != 0 {
				t.Fatalf("%d checks recorded from a form with problems", n)
			}
			// Two rows right, one the app refuses (no expiry for a pass):
			// the app records none of them.
			r, body = med.fill(form, url.Values{
				ctl(m0, haven.CheckMedical, "valid_until"): {"2027-05-01"},
				ctl(m2, haven.CheckMedical, "result"):      {"on_hold"},
			}, "")
			if r.StatusCode != http.StatusBadRequest || !slices.Equal(errorLinks(body), []string{ctl(m1, haven.CheckMedical, "valid_until")}) {
				t.Fatalf("one row wrong: %d %v\n%s", r.StatusCode, errorLinks(body), text(body))
			}
			if n := recorded(); n != 0 {
				t.Fatalf("%d checks recorded while one row was wrong", n)
			}
			r, body = med.fill(form, url.Values{ctl(m1, haven.CheckMedical, "valid_until"): {"2027-05-02"}}, "")
			if r.Request.URL.Path != "/checks" || !strings.Contains(body, html.EscapeString(words["done"])) {
				t.Fatalf("recorded: %d %s\n%s", r.StatusCode, r.Request.URL, text(body))
			}
			if n := recorded(); n != 3 {
				t.Fatalf("%d checks recorded, want 3", n)
			}
			// Another family's case, not assigned: not found.
			if r, _ := med.get("/checks/" + string(hidden.ID)); r.StatusCode != http.StatusNotFound {
				t.Fatalf("unassigned case's form: %d", r.StatusCode)
			}
			med.get("/checks")
			if r, _ := med.post("/checks/"+string(hidden.ID), url.Values{ctl(hidden.Members[0], haven.CheckMedical, "result"): {"passed"}}); r.StatusCode != http.StatusNotFound {
				t.Fatalf("unassigned case's form posted: %d", r.StatusCode)
			}

			// The screening partner: both checks of the four, on one form.
			scr := f.browser(t)
			scr.get("/signin?lang=" + lang)
			scr.signIn(f.users[haven.OrgScreeningPartner])
			r, body = scr.get(form)
			checkPage(t, r, body)
			if !strings.Contains(title(body), words["screening"]) {
				t.Fatalf("screening family form: %q", title(body))
			}
			set := url.Values{}
			for _, m := range c.Members {
				set.Set(ctl(m, haven.CheckSecurity, "result"), "passed")
				set.Set(ctl(m, haven.CheckCriminality, "result"), "passed")
			}
			set.Set(ctl(m2, haven.CheckCriminality, "political"), "yes")
			r, body = scr.fill(form, set, "")
			if r.StatusCode != http.StatusBadRequest || !slices.Equal(errorLinks(body), []string{ctl(m2, haven.CheckCriminality, "political_reasons")}) {
				t.Fatalf("politically motivated without reasons: %d %v\n%s", r.StatusCode, errorLinks(body), text(body))
			}
			r, body = scr.fill(form, url.Values{ctl(m2, haven.CheckCriminality, "political_reasons"): {"Charges followed her reporting."}}, "")
			if r.Request.URL.Path != "/checks" || !strings.Contains(body, html.EscapeString(words["done"])) {
				t.Fatalf("screening recorded: %d %s\n%s", r.StatusCode, r.Request.URL, text(body))
			}
			if n := recorded(); n != 3+8 {
				t.Fatalf("%d checks recorded, want 11", n)
			}
		})
	}
}
