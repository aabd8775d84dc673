package web

import (
	"github.com/havenhrd/haven"
	xlang "golang.org/x/text/language"
	"golang.org/x/text/language/display"
)

// Country and language names in the page's language, from the Unicode
// CLDR through golang.org/x/text. Only the English and French dictionaries
// are referenced, so only their names are linked into the binary.

// namers are the CLDR names of regions and languages, by page language.
var namers = map[string]struct{ regions, languages display.Namer }{
	langEN: {display.English.Regions(), display.English.Languages()},
	langFR: {display.French.Regions(), display.French.Languages()},
}

// renamed are the countries whose names changed after the CLDR release
// that golang.org/x/text carries, with the names later CLDR releases (and
// the Government of Canada) give them.
var renamed = map[string]map[string]string{
	langEN: {"MK": "North Macedonia", "SZ": "Eswatini", "TR": "Türkiye"},
	langFR: {"MK": "Macédoine du Nord", "SZ": "Eswatini", "TR": "Türkiye"},
}

// countryName returns the name of an ISO 3166-1 alpha-2 code in lang, or
// "" when the CLDR has none.
func countryName(lang, code string) string {
	if n, ok := renamed[lang][code]; ok {
		return n
	}
	r, err := xlang.ParseRegion(code)
	if err != nil || r.String() != code {
		return ""
	}
	return namers[lang].regions.Name(r)
}

// languageName returns the name of a language code (ISO 639-1, or ISO
// 639-2 where the language has no two-letter code) in lang, or "" when the
// CLDR has none, as for the collective codes such as "afa".
func languageName(lang, code string) string {
	b, err := xlang.ParseBase(code)
	if err != nil {
		return ""
	}
	return namers[lang].languages.Name(b)
}

// country shows an ISO 3166-1 code by its name in the page's language, with
// the code the forms take: "Érythrée (ER)". Without a CLDR name, an English
// page falls back on the ISO English short name; a French page shows the
// code alone, since a page never mixes languages.
func country(lang, code string) string {
	return named(code, countryName(lang, code), lang, haven.CountryName)
}

// languageLabel shows a language code likewise: "persan (fa)".
func languageLabel(lang, code string) string {
	return named(code, languageName(lang, code), lang, haven.LanguageName)
}

func named(code, name, lang string, english func(string) string) string {
	if name == "" && lang == langEN {
		name = english(code)
	}
	if name == "" {
		return code
	}
	return name + " (" + code + ")"
}
