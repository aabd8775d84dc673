package haven

import (
	"maps"
	"regexp"
	"slices"
	"time"
)

// Organisation is one of the bodies that share Haven: UNHCR, a protection
// partner, a visa office, a screening or medical partner, a settlement
// organisation or the programme's administration. Organisation names are
// not personal data.
type Organisation struct {
	ID        ID
	Kind      OrgKind
	Name      string
	Country   string // ISO 3166-1 alpha-2 of its seat
	CreatedAt time.Time
}

// Validate reports problems with o's fields.
func (o *Organisation) Validate() Problems {
	var p Problems
	if !o.Kind.Valid() {
		p.Add("kind", "choose a kind of organisation")
	}
	checkText(&p, "name", o.Name, 1, 200)
	if o.Country != "" && !ValidCountry(o.Country) {
		p.Add("country", "use an ISO 3166-1 two-letter country code")
	}
	return p
}

// IsReferringPartner reports whether k is a kind of organisation that brings
// families to the programme: a referral partner, or a protection partner
// (by nomination, or directly when the year's rules allow). The cap counts
// seats for them, and the work queue filters by them.
func (k OrgKind) IsReferringPartner() bool {
	return k == OrgReferralPartner || k == OrgProtectionPartner
}

// User is a person who signs in to Haven. Every user belongs to exactly one
// organisation and has one role there.
type User struct {
	ID    ID
	OrgID ID
	Role  Role
	// Username is the sign-in name, unique across Haven.
	Username string
	// DisplayName is how colleagues see the user.
	DisplayName string
	CreatedAt   time.Time
	DisabledAt  time.Time // zero while the user is active
}

var usernamePattern = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]{1,62}$`)

// Validate reports problems with u's fields.
func (u *User) Validate() Problems {
	var p Problems
	if u.OrgID == "" {
		p.Add("org_id", "choose the user's organisation")
	}
	if !u.Role.Valid() {
		p.Add("role", "choose a role")
	}
	if !usernamePattern.MatchString(u.Username) {
		p.Add("username", "use 2 to 63 lower-case letters, digits, dots, dashes or underscores, starting with a letter or digit")
	}
	checkText(&p, "display_name", u.DisplayName, 1, 200)
	return p
}

// ValidCountry reports whether code is an ISO 3166-1 alpha-2 code.
func ValidCountry(code string) bool { _, ok := countryNames[code]; return ok }

// CountryName returns the English short name of an ISO 3166-1 alpha-2 code.
func CountryName(code string) string { return countryNames[code] }

// ValidLanguage reports whether code is an ISO 639-1 code (or ISO 639-2 where
// the language has no two-letter code).
func ValidLanguage(code string) bool { _, ok := languageNames[code]; return ok }

// LanguageName returns the English name of a language code.
func LanguageName(code string) string { return languageNames[code] }

// CountryCodes returns every ISO 3166-1 alpha-2 code, sorted.
func CountryCodes() []string { return slices.Sorted(maps.Keys(countryNames)) }

// LanguageCodes returns every language code ValidLanguage accepts, sorted.
func LanguageCodes() []string { return slices.Sorted(maps.Keys(languageNames)) }

func checkText(p *Problems, field, s string, min, max int) { p.Text(field, s, min, max) }

func checkCountries(p *Problems, field string, codes []string, min int) {
	if len(codes) < min {
		p.Add(field, "enter at least one country")
	}
	for i, c := range codes {
		if !ValidCountry(c) {
			p.Addf(field, "entry %d is not an ISO 3166-1 two-letter country code", i+1)
		}
	}
}
