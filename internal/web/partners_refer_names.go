package web

import (
	"slices"
	"strings"
	"sync"
	"unicode"

	"github.com/havenhrd/haven"
	"golang.org/x/text/unicode/norm"
)

// The referral takes countries and languages by name, as a person says
// them, in English or in French: "Syrie", "syria", "Côte d'Ivoire" or the
// ISO code. A name must match one of the CLDR's names (or, in English, the
// ISO short name) exactly, but for case, accents and the kind of
// apostrophe; anything else is reported beside its field.

// formerNames are the names of the renamed countries that people still
// type, in English and in French.
var formerNames = map[string][]string{
	"TR": {"Turkey", "Turquie"}, "MK": {"Macedonia", "Macédoine"}, "SZ": {"Swaziland"},
}

// nameIndex maps the folded names of the codes of one kind to their codes.
type nameIndex struct {
	codes  map[string]string // folded name or code -> code
	choice map[string][]string
}

var (
	countryIndex, languageIndex *nameIndex
	indexOnce                   sync.Once
)

func indexes() (*nameIndex, *nameIndex) {
	indexOnce.Do(func() {
		countryIndex = newNameIndex(haven.CountryCodes(), countryName, haven.CountryName)
		languageIndex = newNameIndex(haven.LanguageCodes(), languageName, haven.LanguageName)
	})
	return countryIndex, languageIndex
}

func newNameIndex(codes []string, cldr func(lang, code string) string, iso func(string) string) *nameIndex {
	x := &nameIndex{codes: map[string]string{}, choice: map[string][]string{}}
	for _, code := range codes {
		x.codes[fold(code)] = code
	}
	// A name shared by two codes (none today) would name neither.
	seen := map[string]string{}
	add := func(name, code string) {
		k := fold(name)
		if k == "" {
			return
		}
		if c, ok := seen[k]; ok && c != code {
			seen[k] = ""
			return
		}
		seen[k] = code
	}
	for _, code := range codes {
		for _, lang := range []string{langEN, langFR} {
			add(cldr(lang, code), code)
		}
		add(iso(code), code)
		for _, n := range formerNames[code] {
			add(n, code)
		}
	}
	for k, code := range seen {
		if _, isCode := x.codes[k]; code != "" && !isCode {
			x.codes[k] = code
		}
	}
	for _, lang := range []string{langEN, langFR} {
		for _, code := range codes {
			if n := cldr(lang, code); n != "" {
				x.choice[lang] = append(x.choice[lang], n)
			}
		}
		slices.SortFunc(x.choice[lang], func(a, b string) int { return strings.Compare(fold(a), fold(b)) })
		x.choice[lang] = slices.Compact(x.choice[lang])
	}
	return x
}

// fold lowers a name and takes off its accents; it makes every apostrophe
// the typewriter one and every run of spaces one space.
func fold(s string) string {
	var b strings.Builder
	space := false
	for _, r := range norm.NFD.String(strings.TrimSpace(s)) {
		switch {
		case unicode.Is(unicode.Mn, r):
			continue
		case r == '’' || r == 'ʼ' || r == '`':
			r = '\''
		case unicode.IsSpace(r):
			if !space {
				b.WriteRune(' ')
			}
			space = true
			continue
		}
		space = false
		b.WriteRune(unicode.ToLower(r))
	}
	return b.String()
}

// read returns the codes of a list of names or codes separated by commas
// or semicolons, and the entries it knows no code of. An entry of codes
// separated by spaces ("IR AF"), as the forms took them before, is read as
// those codes.
func (x *nameIndex) read(s string) (codes, unknown []string) {
	for _, e := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ';' || r == '\n' }) {
		e = strings.TrimSpace(e)
		if e == "" {
			continue
		}
		if c, ok := x.codes[fold(e)]; ok {
			codes = append(codes, c)
			continue
		}
		var cs []string
		for _, w := range strings.Fields(e) {
			c, ok := x.codes[fold(w)]
			if !ok || len(w) > 3 {
				cs = nil
				break
			}
			cs = append(cs, c)
		}
		if cs == nil {
			unknown = append(unknown, e)
		}
		codes = append(codes, cs...)
	}
	return codes, unknown
}

// countryCodes reads a list of countries; languageCodes of languages.
func countryCodes(s string) (codes, unknown []string) {
	c, _ := indexes()
	return c.read(s)
}

func languageCodes(s string) (codes, unknown []string) {
	_, l := indexes()
	return l.read(s)
}

// countryChoices are the names of the countries in lang, for the page's
// list of suggestions; languageChoices of the languages.
func countryChoices(lang string) []string {
	c, _ := indexes()
	return c.choice[lang]
}

func languageChoices(lang string) []string {
	_, l := indexes()
	return l.choice[lang]
}

// namesOf writes codes as their names in lang, for a form to show: what
// a person would have typed.
func namesOf(lang string, codes []string, name func(lang, code string) string) string {
	out := make([]string, len(codes))
	for i, c := range codes {
		if out[i] = name(lang, c); out[i] == "" {
			out[i] = c
		}
	}
	return strings.Join(out, ", ")
}
