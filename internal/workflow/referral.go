package workflow

import (
	"errors"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/havenhrd/haven"
)

// unhcrNumber is the shape accepted for a UNHCR case number, checked after
// upper-casing: 3 to 32 letters, digits or dashes, starting with a letter or
// a digit (proGres numbers such as "123-12C12345" or "ABC-00012345"). It is
// a sanity check against typing slips, not a check digit.
var unhcrNumber = regexp.MustCompile(`^[A-Z0-9][A-Z0-9-]{2,31}$`)

// Upper bounds of the referral's free texts, in characters.
const (
	maxJustification      = 5000
	maxPersecutionAccount = 50000
)

// CheckReferral is the guard for opening a case: it reports whether org may
// refer c under rules, the programme rules of the year of now, and whether
// the referral is complete and consistent.
//
// It returns ECONFLICT when rules is nil (referrals are closed for the year)
// or when the rules do not allow org to refer; EINVALID listing every field
// problem of the case and its members otherwise (members' problems prefixed
// "members[i]."); nil when the referral may open a case; and EINTERNAL for a
// nil case. It neither modifies nor normalises c.
func CheckReferral(rules *haven.ProgrammeRules, org *haven.Organisation, c *haven.Case, now time.Time) error {
	const op = "workflow.CheckReferral"
	if c == nil {
		return haven.Internal(op, errors.New("nil case"))
	}
	if rules == nil {
		return haven.Errorf(haven.ECONFLICT, op, "no programme rules for year %d: referrals are closed", now.UTC().Year())
	}
	var p haven.Problems
	switch {
	case org == nil:
		p.Add("referring_org_id", "choose the referring organisation")
		return p.Err(op)
	case !rules.MayRefer(org):
		return haven.Errorf(haven.ECONFLICT, op, "organisation %s may not refer cases in year %d", org.ID, rules.Year)
	case c.ReferringOrgID == "":
		p.Add("referring_org_id", "choose the referring organisation")
	case c.ReferringOrgID != org.ID:
		p.Add("referring_org_id", "the case names another referring organisation")
	}

	checkMembers(&p, c, now)

	if !c.SubmissionPriority.Valid() {
		p.Add("submission_priority", "choose emergency, urgent or normal")
	}
	if !c.ProcessingPriority.Valid() {
		p.Add("processing_priority", "choose emergency, urgent or normal")
	}
	if !c.PrimaryCategory.Valid() {
		p.Add("primary_category", "choose a submission category")
	}
	switch {
	case c.SecondaryCategory == "":
	case !c.SecondaryCategory.Valid():
		p.Add("secondary_category", "choose a submission category or none")
	case c.SecondaryCategory == c.PrimaryCategory:
		p.Add("secondary_category", "the secondary category must differ from the primary one")
	}
	requiredText(&p, "category_justification", c.CategoryJustification, maxJustification)

	if len(c.Grounds) == 0 {
		p.Add("grounds", "choose at least one Convention ground")
	}
	for i, g := range c.Grounds {
		switch {
		case !g.Valid():
			p.Addf("grounds", "entry %d is not a Convention ground", i+1)
		case slices.Index(c.Grounds, g) < i:
			p.Addf("grounds", "entry %d is listed twice", i+1)
		}
	}
	if len(c.SocialGroups) > 0 && !slices.Contains(c.Grounds, haven.GroundParticularSocialGroup) {
		p.Add("social_groups", "a social group is recorded only with the particular social group ground")
	}
	for i, g := range c.SocialGroups {
		switch {
		case !g.Valid():
			p.Addf("social_groups", "entry %d is not a known social group", i+1)
		case slices.Index(c.SocialGroups, g) < i:
			p.Addf("social_groups", "entry %d is listed twice", i+1)
		}
	}

	if len(c.NationalityCountries) == 0 {
		p.Add("nationality_countries", "enter at least one country")
	}
	for i, code := range c.NationalityCountries {
		if !haven.ValidCountry(code) {
			p.Addf("nationality_countries", "entry %d is not an ISO 3166-1 two-letter country code", i+1)
		}
	}
	switch {
	case c.AsylumCountry == "":
		p.Add("asylum_country", "enter the country of asylum")
	case !haven.ValidCountry(c.AsylumCountry):
		p.Add("asylum_country", "use an ISO 3166-1 two-letter country code")
	case slices.Contains(c.NationalityCountries, c.AsylumCountry):
		// A Convention refugee abroad is outside their country of nationality.
		p.Add("asylum_country", "the country of asylum cannot be a country of nationality")
	}

	switch n := strings.ToUpper(strings.TrimSpace(c.UNHCRNumber)); {
	case n == "":
		p.Add("unhcr_number", "enter the UNHCR case number")
	case !unhcrNumber.MatchString(n):
		p.Add("unhcr_number", "use 3 to 32 letters, digits or dashes, starting with a letter or digit")
	}
	requiredText(&p, "persecution_account", c.PersecutionAccount, maxPersecutionAccount)
	p.Merge("profile.", c.Profile.Validate(now))
	return p.Err(op)
}

// checkMembers adds the problems of the case's family: the declared size,
// exactly one accompanying principal applicant, and each member's own fields.
func checkMembers(p *haven.Problems, c *haven.Case, now time.Time) {
	switch {
	case c.DeclaredSize < 1:
		p.Add("declared_size", "enter the case size")
	case c.DeclaredSize != len(c.Members):
		p.Addf("declared_size", "the case size must equal the number of members listed (%d)", len(c.Members))
	}
	principals := 0
	for i, m := range c.Members {
		f := "members[" + strconv.Itoa(i) + "]."
		if m == nil {
			p.Add("members["+strconv.Itoa(i)+"]", "the member is missing")
			continue
		}
		p.Merge(f, m.Validate(now))
		checkDependent(p, f, m, now)
		if m.Relationship == haven.RelPrincipal {
			principals++
			if !m.Accompanying {
				p.Add(f+"accompanying", "the principal applicant must be accompanying")
			}
		}
		if m.Excluded {
			p.Add(f+"excluded", "only a split decision removes a member")
		}
		if m.CaseID != "" && m.CaseID != c.ID {
			p.Add(f+"case_id", "the member belongs to another case")
		}
		if m.ID != "" && slices.IndexFunc(c.Members[:i], func(o *haven.Member) bool { return o != nil && o.ID == m.ID }) >= 0 {
			p.Add(f+"id", "the member is listed twice")
		}
	}
	switch {
	case principals == 0:
		p.Add("members", "list the principal applicant")
	case principals > 1:
		p.Addf("members", "list exactly one principal applicant, not %d", principals)
	}
}

// checkDependent adds the problem of a child's age on the referral date
// (now): a child, or a child's child, aged 22 or over is a dependent child
// only under the statutory exception (IRPR s.2), which must then be
// recorded; the exception is refused anywhere else, since it discloses a
// physical or mental condition that nothing requires.
func checkDependent(p *haven.Problems, f string, m *haven.Member, now time.Time) {
	const field = "adult_dependent"
	switch {
	case !m.Relationship.IsChild():
		if m.AdultDependent {
			p.Add(f+field, "only a child aged 22 or over is recorded as a dependent adult child")
		}
	case m.DateOfBirth.IsZero() || m.DateOfBirth.After(haven.DateOf(now)):
		// The birth date's own problem is reported.
	case m.DateOfBirth.YearsOn(haven.DateOf(now)) >= haven.DependentChildAge:
		if !m.AdultDependent {
			p.Add(f+field, "this child is 22 or over: confirm that they have depended on the parent's financial support since before 22 and cannot support themselves because of a physical or mental condition, or they are not a dependent child")
		}
	case m.AdultDependent:
		p.Add(f+field, "a child under 22 is a dependent child without this: leave it unticked")
	}
}

// requiredText adds a problem when s is blank, too long or holds control
// characters.
func requiredText(p *haven.Problems, field, s string, max int) { p.Text(field, s, 1, max) }
