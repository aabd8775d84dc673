package web_test

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/havenhrd/haven"
)

// onePass posts form to action and checks the page refuses it with
// status, the summary linking exactly links (in any order), a message
// beside each, and the page saying each of says.
func onePass(t *testing.T, b *browser, name, action string, form url.Values, status int, links []string, says ...string) string {
	t.Helper()
	r, body := b.post(action, form)
	got := errorLinks(body)
	slices.Sort(got)
	want := slices.Clone(links)
	slices.Sort(want)
	if r.StatusCode != status || !slices.Equal(got, want) {
		t.Fatalf("%s: %d, the summary links %v, want %d %v\n%s", name, r.StatusCode, got, status, want, text(body))
	}
	for _, id := range links {
		if !strings.Contains(body, `id="`+id+`-error"`) {
			t.Fatalf("%s: no message beside %s\n%s", name, id, text(body))
		}
	}
	for _, s := range says {
		if !strings.Contains(text(body), s) {
			t.Fatalf("%s: the page does not say %q\n%s", name, s, text(body))
		}
	}
	return body
}

// TestNominationSendReportsEveryProblem: sent from the check page, a
// family size and a threat's date the page cannot read no longer hide the
// nomination's other problems (no defender's name, no risk assessment):
// all are said at once, each beside its answer, and nothing is stored.
// In English and French.
func TestNominationSendReportsEveryProblem(t *testing.T) {
	for _, lang := range []string{"en", "fr"} {
		t.Run(lang, func(t *testing.T) {
			words := map[string][]string{
				"en": {"Enter a family size from 1 to 30", "There is no month 13", "Risk assessment"},
				"fr": {"Saisissez une taille de famille de 1 à 30", "Il n'y a pas de mois 13", "Erreur : "},
			}[lang]
			f := newFixture(t, false)
			b := f.browser(t)
			b.signIn(f.users[haven.OrgProtectionPartner])
			const path = "/nominations/new"
			check := nominate(t, f, b, "Onepass")
			form := formValues(t, check, path)
			form.Set("family_size", "two")
			form.Set("t1_date", "2025-13-03")
			form.Set("defender_name", " ")
			form.Set("risk_assessment", "")
			form.Set("go", "submit")
			b.get("/nominations?lang=" + lang)
			onePass(t, b, "send", path, form, http.StatusBadRequest,
				[]string{"defender_name", "family_size", "risk_assessment", "t1_date"}, words...)
			ns := must(f.app.Nominations.FindNominations(f.ctx, f.users[haven.OrgProtectionPartner].actor, ""))
			if len(ns) != 0 {
				t.Fatalf("a refused nomination was stored: %d", len(ns))
			}
		})
	}
}
