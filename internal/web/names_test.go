package web_test

import (
	"strings"
	"testing"

	"github.com/havenhrd/haven"
	"github.com/havenhrd/haven/internal/web"
)

// TestCountryAndLanguageNames: the pages name countries and languages in
// their own language, with the code the forms take; the English names never
// show on a French page.
func TestCountryAndLanguageNames(t *testing.T) {
	f := newFixture(t, false)
	c := referral("Tesfaye", 2, haven.PriorityUrgent)
	c.NationalityCountries, c.AsylumCountry = []string{"ER"}, "ET"
	for _, m := range c.Members {
		m.Nationalities, m.Languages = []string{"ER"}, []string{"ti", "en"}
	}
	if err := f.app.Cases.CreateReferral(f.ctx, f.users[haven.OrgReferralPartner].actor, c); err != nil {
		t.Fatal(err)
	}
	path := "/cases/" + string(c.ID)
	for _, tc := range []struct {
		lang       string
		want, not  []string
		queueShown string
	}{
		{"en", []string{"Eritrea (ER)", "Ethiopia (ET)", "Tigrinya (ti), English (en)"}, []string{"Érythrée", "tigrigna"},
			"Nationality shown: Eritrea (ER)."},
		{"fr", []string{"Érythrée (ER)", "Éthiopie (ET)", "tigrigna (ti), anglais (en)"}, []string{"Eritrea", "Ethiopia", "Tigrinya", "English (en)"},
			"Nationalité affichée : Érythrée (ER)."},
	} {
		t.Run(tc.lang, func(t *testing.T) {
			b := f.browser(t)
			b.get("/signin?lang=" + tc.lang)
			b.signIn(f.users[haven.OrgVisaOffice])
			_, body := b.get(path)
			_, queue := b.get("/cases?country=er")
			for name, page := range map[string]string{"the case page": body, "the queue": queue} {
				if !strings.Contains(page, `<html lang="`+tc.lang+`">`) {
					t.Fatalf("%s is not in %s", name, tc.lang)
				}
				for _, n := range tc.not {
					if strings.Contains(text(page), n) {
						t.Errorf("%s shows %q", name, n)
					}
				}
			}
			wantIn(t, "the case page", text(body), tc.want...)
			wantIn(t, "the queue", text(queue), tc.want[0], tc.want[1], tc.queueShown)
		})
	}
	// The referral partner's own list and the protection partner's
	// nominations use the same names.
	b := f.browser(t)
	b.get("/signin?lang=fr")
	b.signIn(f.users[haven.OrgReferralPartner])
	_, body := b.get("/cases")
	wantIn(t, "the referral partner's cases", text(body), "Érythrée (ER)", "Éthiopie (ET)")
}

// TestEveryCodeHasAName: every country and language code Haven accepts
// shows as a name in English and in French, or as the code itself where
// the CLDR names it not; the test reports how many.
func TestEveryCodeHasAName(t *testing.T) {
	for _, lang := range []string{"en", "fr"} {
		var noCountry, noLanguage, codeOnly []string
		for _, code := range haven.CountryCodes() {
			name, label := web.CountryName(lang, code), web.CountryLabel(lang, code)
			switch {
			case name == "":
				noCountry = append(noCountry, code)
				if label != code && (lang == "fr" || !strings.HasSuffix(label, " ("+code+")")) {
					t.Errorf("%s: country %s without a name shows as %q", lang, code, label)
				}
			case label != name+" ("+code+")":
				t.Errorf("%s: country %s shows as %q, want %q", lang, code, label, name+" ("+code+")")
			}
		}
		for _, code := range haven.LanguageCodes() {
			name, label := web.LanguageName(lang, code), web.LanguageLabel(lang, code)
			switch {
			case name == "":
				noLanguage = append(noLanguage, code)
				// English falls back on the ISO English name, French on
				// the code alone: a page never mixes languages.
				if lang == "en" && label != haven.LanguageName(code)+" ("+code+")" || lang == "fr" && label != code {
					t.Errorf("%s: language %s without a name shows as %q", lang, code, label)
				}
			case label != name+" ("+code+")":
				t.Errorf("%s: language %s shows as %q, want %q", lang, code, label, name+" ("+code+")")
			}
			if label == code {
				codeOnly = append(codeOnly, code)
			}
		}
		// Every country has its name in both languages.
		if len(noCountry) > 0 {
			t.Errorf("%s: %d of %d countries have no name: %v", lang, len(noCountry), len(haven.CountryCodes()), noCountry)
		}
		t.Logf("%s: %d of %d countries and %d of %d languages have no CLDR name; %d languages show as their code alone: %v",
			lang, len(noCountry), len(haven.CountryCodes()), len(noLanguage), len(haven.LanguageCodes()), len(codeOnly), codeOnly)
	}
	// Names that changed after the CLDR release x/text carries.
	for _, tc := range [][3]string{{"en", "TR", "Türkiye (TR)"}, {"fr", "TR", "Türkiye (TR)"}, {"en", "SZ", "Eswatini (SZ)"},
		{"fr", "MK", "Macédoine du Nord (MK)"}, {"fr", "ER", "Érythrée (ER)"}, {"en", "CI", "Côte d’Ivoire (CI)"}} {
		if got := web.CountryLabel(tc[0], tc[1]); got != tc[2] {
			t.Errorf("%s %s = %q, want %q", tc[0], tc[1], got, tc[2])
		}
	}
}
