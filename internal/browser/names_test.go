package browser_test

import (
	"context"
	"slices"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"github.com/havenhrd/haven"
)

// The names the suggestions offer, in each language.
func init() {
	for lang, ws := range map[string]words{
		"en": {"name.afghanistan": "Afghanistan", "name.turkish": "Turkish"},
		"fr": {"name.afghanistan": "Afghanistan", "name.south_africa": "Afrique du Sud", "name.turkish": "turc"},
	} {
		for k, v := range ws {
			catalogue[lang][k] = v
		}
	}
}

// scripts turns the page's script off or on, from the next page loaded.
func scripts(on bool) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := cdp.Call(ctx, t, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: !on})
		return err
	})
}

// suggestions are the options of the list of the field labelled label.
func (s *session) suggestions(label string) []string {
	s.t.Helper()
	el := s.find("control", label, "")
	return eval[[]string](s, `(e => e.list ? [...e.list.options].map(o => o.value) : [])(`+string(el)+`)`)
}

// typeInto gives the focus to the field labelled label, empties it and
// types text into it key by key, as a person does.
func (s *session) typeInto(label, text string) {
	s.t.Helper()
	el := s.find("control", label, "")
	s.do("focus "+label, chromedp.Focus(el))
	eval[chromedp.Void](s, string(el)+`.value = ''`)
	s.do("type into "+label, chromedp.KeyEvent(text))
	if got := eval[string](s, string(el)+`.value`); got != text {
		s.fatalf("the field %q holds %q after typing %q", label, got, text)
	}
}

// expectSuggestion fails unless the field's list offers want, and never
// offers any of not.
func (s *session) expectSuggestion(label, want string, not ...string) {
	s.t.Helper()
	got := s.suggestions(label)
	if !slices.Contains(got, want) {
		s.fatalf("the suggestions of %q do not offer %q; they are %q", label, want, first(got, 8))
	}
	for _, n := range not {
		if slices.Contains(got, n) {
			s.fatalf("the suggestions of %q offer %q; they are %q", label, n, first(got, 8))
		}
	}
}

func first(s []string, n int) []string { return s[:min(n, len(s))] }

// TestNameSuggestions types a second country after the first into a field
// of several countries, and a second language after the first, and finds
// the suggestions for the second entry among the options of the field's
// list, in English and in French; the field of one country keeps single
// names. With script off, the list is the page's plain list of names.
// Every page, and the page once the suggestions are rewritten, passes
// axe-core and the reflow check.
func TestNameSuggestions(t *testing.T) {
	k := needBrowser(t)
	f := newFixture(t)
	browser := startChromium(t, k)
	for _, lang := range []string{"en", "fr"} {
		t.Run(lang, func(t *testing.T) {
			j := &journey{t: t, lang: lang, w: catalogue[lang], kit: k, f: f, browser: browser, violations: map[string][]violation{}}
			defer j.report()
			w := j.w
			unhcr := f.enrol(t, haven.OrgReferralPartner, "names-"+lang)
			u := j.open("UNHCR caseworker")
			u.firstPage()
			u.signIn(unhcr, false)
			u.follow(w.of("partner.home.refer"))
			u.expect(w.of("partner.refer.case"))

			iran, af := w.of("name.iran"), w.of("name.afghanistan")
			countries := w.of("partner.f.nationality_countries")
			j.step("the UNHCR caseworker types %q and the start of a second country", iran)
			u.typeInto(countries, iran+", Af")
			u.expectSuggestion(countries, iran+", "+af, iran+", "+iran, af)
			if southAfrica := iran + ", " + catalogue["fr"].of("name.south_africa"); lang == "fr" {
				u.expectSuggestion(countries, southAfrica)
			} else {
				u.expectSuggestion(countries, iran+", "+af, southAfrica)
			}
			u.screenshot("names-second-country")
			u.audit()

			j.step("the UNHCR caseworker moves to the asylum country, which takes one")
			asylum := w.of("case.asylum_country")
			u.typeInto(asylum, "Tü")
			u.expectSuggestion(asylum, w.of("name.turkiye"), iran+", "+w.of("name.turkiye"))

			j.step("the UNHCR caseworker fills in the rest of the page and goes on to the principal applicant")
			u.typeInto(countries, iran+", "+af)
			u.typeInto(asylum, w.of("name.turkiye"))
			u.fill(w.of("case.unhcr_number"), "UNH-NAM-"+lang)
			u.tickIn(w.of("case.submission_priority"), w.of("priority.emergency"))
			u.tickIn(w.of("case.processing_priority"), w.of("priority.emergency"))
			u.fill(w.of("partner.ref.members"), "1")
			u.next(w.of("partner.refer.claim"))
			u.choose(w.of("case.primary_category"), w.of("category.legal_physical_protection"))
			u.fill(w.of("narrative.justification"), "Detained twice for reporting.")
			u.tick(w.of("ground.political_opinion"))
			u.fill(w.of("narrative.account"), "Arrested at the newspaper.")
			u.next(w.of("partner.refer.principal"))
			persian := w.of("name.persian")
			j.step("the UNHCR caseworker types %q and the start of a second language", persian)
			u.typeInto(w.of("family.languages"), persian+", tu")
			u.expectSuggestion(w.of("family.languages"), persian+", "+w.of("name.turkish"), persian+", "+persian)
			u.audit()

			j.step("with script off, the lists are the page's plain lists of names")
			u.do("turn script off", scripts(false))
			// axe-core cannot run with script off: this page was audited above.
			u.do("load the first page of the referral", chromedp.Navigate(f.origin+"/referrals/new"))
			u.expect(w.of("partner.refer.case"))
			u.typeInto(countries, iran+", Af")
			u.expectSuggestion(countries, af, iran+", "+af)
			u.do("turn script on", scripts(true))
		})
	}
}
