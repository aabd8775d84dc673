package web

import (
	"html/template"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"

	"github.com/havenhrd/haven"
)

// The partners' pages: a protection partner's nominations, a referral
// partner's inbox, referrals and bulk import, the visa office's side-state
// forms on the case page, and the screening and medical partners' checks.
// Their partials live in one file outside templates/pages, parsed into the
// case page and into every partner_* page when the routes are set up.

// partnerPartials is the file of the partners' partials.
const partnerPartials = "templates/partner_partials.html"

// addPartnerTemplates parses the partners' partials, with the template
// functions they use, into the case page and every partner_* page of both
// languages. The templates are embedded and parsed before any request is
// served; a partial that does not parse is a broken build, which every
// test of the package catches.
func (s *server) addPartnerTemplates() {
	for _, pages := range s.tmpl {
		for name, t := range pages {
			if name != "case" && !strings.HasPrefix(name, "partner_") {
				continue
			}
			if _, err := t.Funcs(partnerFuncs).ParseFS(templateFS, partnerPartials); err != nil {
				panic("web: " + err.Error())
			}
		}
	}
}

// partnerFuncs are the template functions of the partners' partials.
var partnerFuncs = template.FuncMap{
	// partnerActs is what the case page offers beside its own acts.
	"partnerActs": partnerActs,
}

// maxFlowForm bounds the body of a multi-page form, whose every step
// carries the answers so far (a persecution account alone may run to
// 50,000 characters, each up to 9 bytes once encoded).
const maxFlowForm = 1 << 20

// postFlow guards the multi-page forms as s.post guards every other form:
// the same same-origin and CSRF checks, refused with the same pages, with
// a larger bound on the body. An answer set over the bound is refused
// with a message of its own, and changes nothing.
func (s *server) postFlow(next http.Handler) http.Handler { return s.postForm(maxFlowForm, next) }

// forbidden answers a page of another kind of organisation's work.
func (s *server) forbidden(w http.ResponseWriter, r *http.Request, v *viewer) {
	s.fail(w, r, v, haven.Errorf(haven.EFORBIDDEN, "web.partners", "your organisation may not do this"))
}

// The app's messages the partners' pages show, mapped to catalogue keys.
// They are looked up before the package's own list, so that a message
// that shares a prefix with a general one ("entry 2 is not ...") gets its
// specific wording.
var partnerKnown = map[string]string{
	"choose the referral partner to address":                                  "partner.err.referral_org",
	"choose a referral partner":                                               "partner.err.referral_org",
	"choose emergency, urgent or normal":                                      "partner.err.priority",
	"enter at least one country":                                              "partner.err.country_required",
	"use an ISO 3166-1 two-letter country code":                               "err.country_format",
	"enter a family size from 1 to 30":                                        "partner.err.family_size",
	"choose a threat type":                                                    "partner.err.threat_type",
	"choose a perpetrator":                                                    "partner.err.perpetrator",
	"enter the date":                                                          "partner.err.date_required",
	"the date is in the future":                                               "partner.err.date_future",
	"choose a relationship to the principal applicant":                        "partner.err.relationship",
	"enter the date of birth":                                                 "partner.err.dob_required",
	"the date of birth is in the future":                                      "partner.err.dob_future",
	"the date of birth is before 1900":                                        "partner.err.dob_1900",
	"choose female, male or x":                                                "partner.err.sex",
	"choose a submission category":                                            "partner.err.category",
	"choose a submission category or none":                                    "partner.err.category",
	"the secondary category must differ from the primary one":                 "partner.err.category_differ",
	"choose at least one Convention ground":                                   "partner.err.grounds",
	"a social group is recorded only with the particular social group ground": "partner.err.social_ground",
	"enter the country of asylum":                                             "partner.err.asylum_required",
	"the country of asylum cannot be a country of nationality":                "partner.err.asylum_nationality",
	"enter the UNHCR case number":                                             "partner.err.unhcr_required",
	"use 3 to 32 letters, digits or dashes, starting with a letter or digit":  "partner.err.unhcr_format",
	"enter the case size":                                                     "partner.err.size",
	"list the principal applicant":                                            "partner.err.principal",
	"the principal applicant must be accompanying":                            "partner.err.principal_accompanying",
	"this UNHCR case number is already on a case":                             "partner.err.unhcr_taken",
	"a case with this UNHCR case number already exists":                       "partner.err.unhcr_taken",
	"a person with this name and date of birth is already on an open case; ask the visa office":                                                                                                                              "partner.err.person_open",
	"this child is 22 or over: confirm that they have depended on the parent's financial support since before 22 and cannot support themselves because of a physical or mental condition, or they are not a dependent child": "partner.err.adult_dependent",
	"a child under 22 is a dependent child without this: leave it unticked":                                                                                                                                                  "partner.err.adult_dependent_under_22",
	"only a child aged 22 or over is recorded as a dependent adult child":                                                                                                                                                    "partner.err.adult_dependent_not_child",
	"the nomination has been shredded and cannot be referred":                                                                                                                                                                "partner.err.nomination_shredded",
	"the nomination has been shredded and cannot change":                                                                                                                                                                     "partner.err.nomination_shredded",
	"no such nomination":                             "partner.err.no_nomination",
	"the file holds no referral":                     "partner.err.file_empty",
	"choose the member":                              "partner.err.member",
	"choose medical, security or criminality":        "partner.err.check_kind",
	"choose passed, failed or on hold":               "partner.err.result",
	"enter the date the medical exam expires":        "partner.err.valid_until",
	"only a medical exam has an expiry":              "partner.err.valid_until_medical",
	"only a criminality check records a conviction":  "partner.err.conviction_criminality",
	"the member is not on this case":                 "partner.err.member_not_on_case",
	"choose a screening or medical partner":          "partner.err.check_org",
	"choose the members to assign":                   "partner.err.assign_members",
	"choose the members the split decision removes":  "partner.err.split_members",
	"at least one traveller must remain on the case": "partner.err.split_remain",
	"the case has no state to resume to":             "partner.err.no_resume",
}

// partnerPatterns map the app's messages that carry a number or a name:
// the first pattern that matches decides.
var partnerPatterns = []struct {
	re  *regexp.Regexp
	key string
}{
	{regexp.MustCompile(`^entry \d+ is not an ISO 3166-1 two-letter country code$`), "partner.err.country_codes"},
	{regexp.MustCompile(`^entry \d+ is not an ISO 639 language code$`), "partner.err.language_codes"},
	{regexp.MustCompile(`^entry \d+ is not a known work area$`), "partner.err.work_area"},
	{regexp.MustCompile(`^entry \d+ is not a Convention ground$`), "partner.err.grounds_known"},
	{regexp.MustCompile(`^entry \d+ is not a known social group$`), "partner.err.social_group_known"},
	{regexp.MustCompile(`^entry \d+ is listed twice$`), "partner.err.listed_twice"},
	{regexp.MustCompile(`^entry \d+ is not a member of this case$`), "partner.err.member_not_on_case"},
	{regexp.MustCompile(`^entry \d+ is the principal applicant`), "partner.err.split_principal"},
	{regexp.MustCompile(`^entry \d+ is not an accompanying member$`), "partner.err.split_accompanying"},
	{regexp.MustCompile(`^entry \d+ was already removed`), "partner.err.split_already"},
	{regexp.MustCompile(`^the case size must equal the number of members listed`), "partner.err.size_members"},
	{regexp.MustCompile(`^list exactly one principal applicant`), "partner.err.one_principal"},
	{regexp.MustCompile(`^the same UNHCR case number is on line \d+$`), "partner.err.unhcr_twice"},
	{regexp.MustCompile(`^the same person is on line \d+$`), "partner.err.person_twice"},
	{regexp.MustCompile(`^no programme rules for year \d+`), "partner.err.referrals_closed"},
	{regexp.MustCompile(`^organisation \S+ may not refer cases`), "partner.err.may_not_refer"},
	{regexp.MustCompile(`^a nomination in state \S+ cannot take event`), "partner.err.nomination_state"},
	{regexp.MustCompile(`^import at most \d+ referrals at once$`), "partner.err.import_max"},
	{regexp.MustCompile(`^enter at least \d+ characters$`), "err.required"},
}

// partnerMessageKey returns the catalogue key of an app message the
// partners' pages know, or the package's.
func partnerMessageKey(msg string) (string, bool) {
	if k, ok := partnerKnown[msg]; ok {
		return k, true
	}
	for _, pt := range partnerPatterns {
		if pt.re.MatchString(msg) {
			return pt.key, true
		}
	}
	return messageKey(msg)
}

// problemMessage is what the page says of one of the app's messages about
// a field labelled label (a catalogue key, or ""): the known message in the
// reader's language; an unknown one as itself on an English page, and on
// a French page as a translated message naming the field.
func (p *page) problemMessage(msg, label string) string {
	if k, ok := partnerMessageKey(msg); ok {
		return p.t(k)
	}
	if p.Lang == langEN {
		return sentence(msg)
	}
	if label != "" {
		return p.tf("err.check_answer", p.t(label))
	}
	return p.t("err.check_input")
}

// failAt records err on the page: each field problem beside the form
// control locate gives (its ID and the catalogue key of its label; ok is
// false for a field the page does not show, which goes to the summary
// unlinked), and a problem of the whole as the alert.
//
// A field the page has already found a problem in keeps that problem alone,
// as fail keeps it.
func (p *page) failAt(err error, locate func(field string) (id, label string, ok bool)) {
	fields := haven.FieldsOf(err)
	found := slices.Clone(p.Errors)
	for _, f := range fields {
		id, label, ok := locate(f.Field)
		if !ok {
			id = ""
		}
		if id != "" && slices.ContainsFunc(found, func(e problem) bool { return e.Field == id }) {
			continue
		}
		msg, ok := p.tooLong(f.Message, id)
		if !ok {
			msg = p.problemMessage(f.Message, label)
		}
		p.Errors = append(p.Errors, problem{Field: id, Message: msg})
	}
	if len(fields) == 0 {
		code := haven.ErrorCodeOf(err)
		msg := haven.ErrorMessageOf(err)
		if k, ok := partnerMessageKey(msg); ok && code != haven.EINTERNAL {
			p.Alert = p.t(k)
			return
		}
		p.Alert = p.errorMessage(err)
	}
}

// hasError reports whether the page already shows a problem of field id.
func (p *page) hasError(id string) bool {
	return slices.ContainsFunc(p.Errors, func(e problem) bool { return e.Field == id })
}

// labelsOf is a locate function of a fixed form: the app's fields are
// the form's controls, renamed by alias.
func labelsOf(labels, alias map[string]string) func(string) (string, string, bool) {
	return func(field string) (string, string, bool) {
		id := field
		if a, ok := alias[field]; ok {
			id = a
		}
		label, ok := labels[id]
		return id, label, ok
	}
}

// codeList reads a list of codes typed in one field: separated by commas,
// semicolons or spaces, in the case upper gives.
func codeList(s string, upper bool) []string {
	var out []string
	for _, c := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ';' || r == ' ' || r == '\t' || r == '\n' || r == '\r' }) {
		if upper {
			c = strings.ToUpper(c)
		} else {
			c = strings.ToLower(c)
		}
		out = append(out, c)
	}
	return out
}

// lines reads a list typed one entry a line.
func lines(s string) []string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}

// toggleTo makes the page's language toggle lead to path: a page that
// answers a POST shows, in the other language, the page where the form
// starts (a form's answers never travel in a URL).
func (p *page) toggleTo(path string) {
	p.Toggle = toggleURL(path, url.Values{}, p.Lang)
}

// otherLangURL is path in the other language: the action of the button of
// a multi-page form that shows the same step in the other language.
func (p *page) otherLangURL(path string) string {
	return path + "?lang=" + p.OtherLang
}
