package web_test

import (
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/havenhrd/haven"
	"github.com/havenhrd/haven/internal/web"
)

// Every key is in both languages; every key a template or the code names
// is in the catalogues.
func TestCatalogues(t *testing.T) {
	for k := range web.MessagesEN {
		if _, ok := web.MessagesFR[k]; !ok {
			t.Errorf("key %q is in English, missing in French", k)
		}
	}
	for k := range web.MessagesFR {
		if _, ok := web.MessagesEN[k]; !ok {
			t.Errorf("key %q is in French, missing in English", k)
		}
	}
	keys, err := web.TemplateKeys()
	if err != nil {
		t.Fatal(err)
	}
	if len(keys) < 100 {
		t.Fatalf("only %d keys found in the templates: is the pattern broken?", len(keys))
	}
	for k, files := range keys {
		if _, ok := web.MessagesEN[k]; !ok {
			t.Errorf("%s uses key %q, missing from the catalogues", files[0], k)
		}
	}
	for _, k := range web.CodeKeys() {
		if _, ok := web.MessagesEN[k]; !ok {
			t.Errorf("the code uses key %q, missing from the catalogues", k)
		}
	}
	for _, s := range haven.CaseStates {
		if _, ok := web.MessagesFR["state."+string(s)]; !ok {
			t.Errorf("no French name for state %s", s)
		}
	}
}

// englishProbe is one English catalogue string to look for on French pages.
type englishProbe struct {
	key string
	re  *regexp.Regexp
}

// englishProbes are the English catalogue strings that differ from their
// French and do not also occur in the French catalogue (names such as
// "Haven" or "Description" are the same in both), as whole words.
var englishProbes = sync.OnceValue(func() []englishProbe {
	var frText strings.Builder
	for _, v := range web.MessagesFR {
		frText.WriteString(v + "\n")
	}
	var out []englishProbe
	for k, en := range web.MessagesEN {
		if en == web.MessagesFR[k] || strings.Contains(en, "%") {
			continue
		}
		re := regexp.MustCompile(`(^|[^\pL])` + regexp.QuoteMeta(en) + `($|[^\pL])`)
		if !re.MatchString(frText.String()) {
			out = append(out, englishProbe{k, re})
		}
	}
	return out
})

// requestReference is the error page's reference of the request: random
// letters, digits, - and _, in which a short English word ("No") stands
// alone now and then by chance.
var requestReference = regexp.MustCompile(`(Reference|Référence)[\s\x{00A0}\x{202F}]*:[\s\x{00A0}\x{202F}]*[A-Za-z0-9_-]+`)

// pageWords is a page's text without its request reference.
func pageWords(page string) string { return requestReference.ReplaceAllString(text(page), " ") }

// englishIn returns the English catalogue strings found in a page's text.
func englishIn(page string) []string {
	txt := pageWords(page)
	var found []string
	for _, p := range englishProbes() {
		if p.re.MatchString(txt) {
			found = append(found, p.key+"="+web.MessagesEN[p.key])
		}
	}
	slices.Sort(found)
	return found
}

func TestFrenchPages(t *testing.T) {
	f := newFixture(t, false)
	c := f.refer(t, "Tremblay", 2, haven.PriorityEmergency)
	visa := f.users[haven.OrgVisaOffice].actor
	must(f.app.Cases.OpenFile(f.ctx, visa, c.ID))
	must(f.app.Cases.StartEligibility(f.ctx, visa, c.ID))
	b := f.browser(t)
	_, body := b.get("/signin?lang=fr")
	if !strings.Contains(body, `<html lang="fr">`) || !strings.Contains(body, `hreflang="en"`) || !strings.Contains(body, "Connexion") {
		t.Fatalf("French sign-in page:\n%s", body)
	}
	// The choice is remembered: the next pages are French without ?lang.
	b.signIn(f.users[haven.OrgVisaOffice])
	path := "/cases/" + string(c.ID)
	pages := map[string]string{}
	for _, p := range []string{"/", "/cases", "/cases?priority=emergency", path, path + "/refuse", "/cap?year=2026", "/nope"} {
		_, pages[p] = b.get(p)
	}
	// Error pages: the app's English messages never show.
	b.get(path + "/refuse")
	r, body := b.post(path+"/refuse", url.Values{"reasons": {""}})
	if r.StatusCode != http.StatusBadRequest || !strings.HasPrefix(title(body), "Erreur : ") || !strings.Contains(body, "Écrivez les motifs") {
		t.Fatalf("French refusal error: %d %q\n%s", r.StatusCode, title(body), body)
	}
	pages["refuse error"] = body
	b.get(path)
	_, pages["travel error"] = b.post(path+"/travel", url.Values{"travel_date": {"demain"}})
	_, pages["cap error"] = b.get("/cap?year=abc")
	_, pages["queue error"] = b.get("/cases?country=Iran")
	for name, page := range pages {
		if !strings.Contains(page, `<html lang="fr">`) {
			t.Errorf("%s is not in French", name)
			continue
		}
		if en := englishIn(page); len(en) > 0 {
			t.Errorf("%s shows English: %v", name, en)
		}
	}
	if !strings.Contains(pages[path], "Protégé B") || !strings.Contains(pages[path], "Urgence vitale") {
		t.Errorf("French case page lacks its marking or translated enumerations")
	}
	// The toggle leads to the same page in English, and back.
	m := regexp.MustCompile(`<a href="([^"]+)" lang="en" hreflang="en">`).FindStringSubmatch(pages[path])
	if m == nil {
		t.Fatal("no toggle on the French case page")
	}
	r, body = b.get(strings.ReplaceAll(m[1], "&amp;", "&"))
	if r.Request.URL.Path != path || !strings.Contains(body, `<html lang="en">`) || !strings.Contains(body, "Protected B") {
		t.Fatalf("the toggle led to %s", r.Request.URL)
	}
	// The detector itself works: the English page is full of English.
	if en := englishIn(body); len(en) < 20 {
		t.Fatalf("the English detector finds only %v on an English page", en)
	}
}

// A field problem the catalogues do not know shows, on a French page, as a
// French message naming the field, never in English.
func TestUnknownProblemInFrench(t *testing.T) {
	f := newFixture(t, false)
	c := f.refer(t, "Inconnu", 1, haven.PriorityNormal)
	visa := f.users[haven.OrgVisaOffice].actor
	must(f.app.Cases.OpenFile(f.ctx, visa, c.ID))
	must(f.app.Cases.StartEligibility(f.ctx, visa, c.ID))
	b := f.browser(t)
	b.get("/signin?lang=fr")
	b.signIn(f.users[haven.OrgVisaOffice])
	path := "/cases/" + string(c.ID)
	b.get(path)
	// A ground the form does not offer: the app answers "entry 1 is not a
	// Convention ground", which the page must not show in English.
	r, body := b.post(path+"/assessment", url.Values{"grounds": {"astrology"}})
	if r.StatusCode != http.StatusBadRequest || strings.Contains(body, "is not a Convention ground") || !strings.Contains(body, `<a href="#grounds">`) {
		t.Fatalf("unknown ground: %d\n%s", r.StatusCode, body)
	}
	if en := englishIn(body); len(en) > 0 {
		t.Errorf("shows English: %v", en)
	}
}
