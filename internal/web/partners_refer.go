package web

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/havenhrd/haven"
)

// "Refer this family": a referral partner's referral to Canada, from a
// nomination addressed to it or from its own caseload, in a few pages:
// the UNHCR case, its priorities, its countries and how many people it
// lists; the claim (the submission categories and their justification,
// the Convention grounds and social groups, the persecution account); the
// principal applicant; the other members of the family, all on one page,
// each of whom may share the principal applicant's contact details,
// whereabouts, nationalities and languages; then "check your answers".
// Each page says which step of how many it is.

const referPath = "/referrals/new"

// referOrder is the order of the steps; "family" is left out of a
// referral of one person.
var referOrder = []string{"case", "claim", "principal", "family", "check"}

// referSteps are the referral's steps and the answers each posts (set in
// init): a member's answers are memberList.key(n, field), the principal
// applicant's on "principal", the others' on "family". The nomination
// referred from, if any, is carried by every step.
var referSteps = map[string][]string{
	"case": {"unhcr_number", "submission_priority", "processing_priority", "nationality_countries", "asylum_country", "members"},
	"claim": {"primary_category", "secondary_category", "category_justification", "grounds", "social_groups",
		"persecution_account"},
	"principal": nil,
	"family":    nil,
	"check":     nil,
}

// referTitles are the steps' titles.
var referTitles = map[string]string{
	"case": "partner.refer.case", "claim": "partner.refer.claim", "principal": "partner.refer.principal",
	"family": "partner.refer.family", "check": "partner.refer.check",
}

// memberList is the family's members; "members" is how many the referral
// lists, an answer of the first step. "same" lists what a member other
// than the principal applicant shares with them.
var memberList = &listSpec{count: "members", stored: "m", control: "member_",
	fields: []string{"relationship", "family_name", "given_names", "date_of_birth", "sex", "nationalities", "languages",
		"accompanying", "adult_dependent", "contact", "whereabouts", "confidential_notes", "same"}}

// sharable are the answers a member may share with the principal
// applicant, in the order the page asks them.
var sharable = []string{"nationalities", "languages", "contact", "whereabouts"}

// referLabels are the referral's answers and the catalogue keys of their
// labels; a member's answers are named by their field alone.
var referLabels = map[string]string{
	"unhcr_number": "case.unhcr_number", "submission_priority": "case.submission_priority",
	"processing_priority": "case.processing_priority", "primary_category": "case.primary_category",
	"secondary_category": "case.secondary_category", "category_justification": "narrative.justification",
	"grounds": "narrative.grounds", "social_groups": "narrative.social_groups",
	"nationality_countries": "partner.f.nationality_countries", "asylum_country": "case.asylum_country",
	"persecution_account": "narrative.account", "members": "partner.f.members", "declared_size": "case.declared_size",
	"profile":      "profile.title",
	"relationship": "family.relationship", "family_name": "partner.f.family_name", "given_names": "partner.f.given_names",
	"date_of_birth": "family.date_of_birth", "sex": "family.sex", "nationalities": "family.nationalities",
	"languages": "family.languages", "accompanying": "family.accompanying", "contact": "family.contact",
	"whereabouts": "family.whereabouts", "confidential_notes": "family.confidential",
	"adult_dependent": "family.adult_dependent",
}

// referralAnswer is the answer (the check page's row) of one of the app's
// fields of a referral: "members[1].sex" is m2_sex; a problem of a whole
// member is shown at their family name.
func referralAnswer(field string) (id, label string, ok bool) {
	if rest, found := strings.CutPrefix(field, "members["); found {
		i, f, _ := strings.Cut(rest, "]")
		n, err := strconv.Atoi(i)
		if err != nil {
			return "", "", false
		}
		f = strings.TrimPrefix(f, ".")
		if !slices.Contains(memberList.fields, f) {
			f = "family_name"
		}
		return memberList.key(n+1, f), referLabels[f], true
	}
	switch {
	case field == "declared_size":
		return "members", referLabels["members"], true
	case strings.HasPrefix(field, "profile."):
		return "profile", referLabels["profile"], true
	}
	label, ok = referLabels[field]
	return field, label, ok
}

// unknownNames is a problem of a list of countries or languages: the
// entries it knows no code of.
type unknownNames struct {
	field string
	names []string
}

// countriesFrom reads the countries of nationality (names or codes, several)
// and the country of asylum (one) of a nomination's or a referral's
// answers, and the names it does not know, by field. Several countries of
// asylum are kept as typed, for the app to refuse.
func countriesFrom(ans url.Values) (nationality []string, asylum string, un []unknownNames) {
	var unknown []string
	if nationality, unknown = countryCodes(ans.Get("nationality_countries")); unknown != nil {
		un = append(un, unknownNames{"nationality_countries", unknown})
	}
	if a := strings.TrimSpace(ans.Get("asylum_country")); a != "" {
		codes, unknown := countryCodes(a)
		switch {
		case unknown != nil:
			un = append(un, unknownNames{"asylum_country", unknown})
		case len(codes) == 1:
			asylum = codes[0]
		default:
			asylum = a // one country only: the app says so
		}
	}
	return nationality, asylum, un
}

// memberFrom reads member n of the answers, and their answers that are
// not well formed. The principal applicant (member 1) always travels.
func memberFrom(ans url.Values, n int) (*haven.Member, []formProblem, []unknownNames) {
	get := func(f string) string { return ans.Get(memberList.key(n, f)) }
	m := &haven.Member{Relationship: haven.Relationship(get("relationship")), FamilyName: get("family_name"),
		GivenNames: get("given_names"), Sex: haven.Sex(get("sex")), Accompanying: get("accompanying") == "yes",
		Contact: get("contact"), Whereabouts: get("whereabouts"), ConfidentialNotes: get("confidential_notes"),
		AdultDependent: get("adult_dependent") == "yes"}
	if n == 1 {
		m.Relationship, m.Accompanying = haven.RelPrincipal, true
	}
	var fp []formProblem
	var un []unknownNames
	var unknown []string
	if !shares(ans, n, "nationalities") {
		if m.Nationalities, unknown = countryCodes(get("nationalities")); unknown != nil {
			un = append(un, unknownNames{memberList.key(n, "nationalities"), unknown})
		}
	}
	if !shares(ans, n, "languages") {
		if m.Languages, unknown = languageCodes(get("languages")); unknown != nil {
			un = append(un, unknownNames{memberList.key(n, "languages"), unknown})
		}
	}
	if d := strings.TrimSpace(get("date_of_birth")); d != "" {
		var err error
		if m.DateOfBirth, err = haven.ParseDate(d); err != nil {
			fp = append(fp, dateProblem(memberList.key(n, "date_of_birth"), err))
		}
	}
	if a := get("accompanying"); n > 1 && a != "yes" && a != "no" {
		fp = append(fp, formProblem{field: memberList.key(n, "accompanying"), key: "partner.err.accompanying"})
	}
	return m, fp, un
}

// shares reports whether member n shares the principal applicant's answer
// of field.
func shares(ans url.Values, n int, field string) bool {
	return n > 1 && slices.Contains(ans[memberList.key(n, "same")], field)
}

// referralFrom reads the referral the answers make, and the answers that
// are not well formed. The case size is the number of members listed; a
// member who shares the principal applicant's contact details,
// whereabouts, nationalities or languages gets theirs.
func referralFrom(ans url.Values) (*haven.Case, []formProblem, []unknownNames) {
	c := &haven.Case{
		UNHCRNumber: strings.TrimSpace(ans.Get("unhcr_number")), NominationID: haven.ID(ans.Get("nomination_id")),
		SubmissionPriority: haven.Priority(ans.Get("submission_priority")), ProcessingPriority: haven.Priority(ans.Get("processing_priority")),
		PrimaryCategory: haven.SubmissionCategory(ans.Get("primary_category")), SecondaryCategory: haven.SubmissionCategory(ans.Get("secondary_category")),
		CategoryJustification: ans.Get("category_justification"),
		PersecutionAccount:    ans.Get("persecution_account"),
	}
	var un []unknownNames
	c.NationalityCountries, c.AsylumCountry, un = countriesFrom(ans)
	for _, g := range ans["grounds"] {
		c.Grounds = append(c.Grounds, haven.Ground(g))
	}
	for _, g := range ans["social_groups"] {
		c.SocialGroups = append(c.SocialGroups, haven.SocialGroup(g))
	}
	var fps []formProblem
	for i := 1; i <= memberList.n(ans); i++ {
		m, fp, u := memberFrom(ans, i)
		c.Members = append(c.Members, m)
		fps = append(fps, fp...)
		un = append(un, u...)
	}
	if len(c.Members) > 0 {
		p := c.Members[0]
		for i, m := range c.Members[1:] {
			n := i + 2
			if shares(ans, n, "nationalities") {
				m.Nationalities = slices.Clone(p.Nationalities)
			}
			if shares(ans, n, "languages") {
				m.Languages = slices.Clone(p.Languages)
			}
			if shares(ans, n, "contact") {
				m.Contact = p.Contact
			}
			if shares(ans, n, "whereabouts") {
				m.Whereabouts = p.Whereabouts
			}
		}
	}
	c.DeclaredSize = len(c.Members)
	return c, fps, un
}

// referView is what a step of the referral shows.
type referView struct {
	flowView
	Title string
	// StepNo is the step's place among StepCount.
	StepNo, StepCount int
	Prios             []haven.Priority
	Categories        []haven.SubmissionCategory
	Grounds           []haven.Ground
	SocialGroups      []haven.SocialGroup
	Relationships     []haven.Relationship
	Sexes             []haven.Sex
	Sharable          []string
	// People are the numbers of the members the page asks about.
	People []int
	// Countries and Languages are the names the page's lists suggest.
	Countries, Languages []string
	// NominationID is the nomination referred from, if any; From is it,
	// on the check page.
	NominationID haven.ID
	From         *haven.Nomination
	// Case is the answers as the app will read them: the check page shows
	// it all.
	Case *haven.Case
}

// referFlow is the referral's multi-page form (set in init: its
// functions refer to it).
var referFlow *flowDef

func init() {
	for n := 1; n <= maxItems; n++ {
		step := "family"
		if n == 1 {
			step = "principal"
		}
		for _, f := range memberList.fields {
			referSteps[step] = append(referSteps[step], memberList.key(n, f))
		}
	}
	referFlow = &flowDef{steps: referSteps, first: "case", list: memberList, next: referNext, back: referBack,
		check: checkReferStep, send: (*server).sendReferral, show: (*server).showRefer}
}

// mayRefer asks the app whether the viewer's organisation may refer today
// (its kind, and this year's rules), and answers the request with 403 when
// it may not.
func (s *server) mayRefer(w http.ResponseWriter, r *http.Request, v *viewer) bool {
	ok, err := s.cases.MayRefer(r.Context(), v.Actor)
	if err != nil {
		s.fail(w, r, v, err)
		return false
	}
	if !ok {
		s.forbidden(w, r, v)
	}
	return ok
}

// handleReferStart shows the referral's first page, empty: a family from
// the partner's own caseload.
func (s *server) handleReferStart(w http.ResponseWriter, r *http.Request, v *viewer) {
	if !s.mayRefer(w, r, v) {
		return
	}
	s.showRefer(w, r, v, s.newPage(w, r, v), http.StatusOK, &flowState{ans: url.Values{}, step: "case"})
}

// handleReferNomination starts the referral of a nominated defender's
// family with what the nomination already says, which its addressee reads
// whole: the countries, the recommended priority, the family's size, and
// the principal applicant's name, nationalities, contact details and
// whereabouts. The app must offer the referral now.
func (s *server) handleReferNomination(w http.ResponseWriter, r *http.Request, v *viewer) {
	n, err := s.nominations.FindNominationByID(r.Context(), v.Actor, haven.ID(r.PathValue("id")))
	if err != nil {
		s.fail(w, r, v, err)
		return
	}
	switch offerStatus(n, haven.NominationEventRefer) {
	case http.StatusForbidden:
		s.forbidden(w, r, v)
		return
	case http.StatusConflict:
		s.fail(w, r, v, haven.Errorf(haven.ECONFLICT, "web.refer", "a nomination in state %s cannot take event refer", n.State))
		return
	}
	p := s.newPage(w, r, v)
	s.showRefer(w, r, v, p, http.StatusOK, &flowState{ans: nominationAnswers(p.Lang, n), step: "case"})
}

// nominationAnswers are the referral's answers a nomination gives, its
// countries named in lang. The defender's name is split at its last
// space, given names first, as the page then shows it to be checked.
func nominationAnswers(lang string, n *haven.Nomination) url.Values {
	ans := url.Values{}
	ans.Set("nomination_id", string(n.ID))
	ans.Set("nationality_countries", namesOf(lang, n.NationalityCountries, countryName))
	if n.AsylumCountry != "" {
		ans.Set("asylum_country", namesOf(lang, []string{n.AsylumCountry}, countryName))
	}
	ans.Set("submission_priority", string(n.RecommendedPriority))
	ans.Set("processing_priority", string(n.RecommendedPriority))
	if n.FamilySize > 0 {
		ans.Set("members", strconv.Itoa(min(n.FamilySize, maxItems)))
	}
	name := strings.TrimSpace(n.DefenderName)
	given, family := "", name
	if i := strings.LastIndexByte(name, ' '); i > 0 {
		given, family = strings.TrimSpace(name[:i]), name[i+1:]
	}
	ans.Set(memberList.key(1, "family_name"), family)
	ans.Set(memberList.key(1, "given_names"), given)
	ans.Set(memberList.key(1, "contact"), n.Contact)
	ans.Set(memberList.key(1, "whereabouts"), n.Whereabouts)
	ans.Set(memberList.key(1, "nationalities"), namesOf(lang, n.NationalityCountries, countryName))
	return ans
}

// handleRefer takes one page of the referral.
func (s *server) handleRefer(w http.ResponseWriter, r *http.Request, v *viewer) {
	if !s.mayRefer(w, r, v) {
		return
	}
	s.runFlow(referFlow, w, r, v)
}

// answered reports whether member n has answers: a page that asked about
// them posted at least their names, even empty.
func answered(ans url.Values, n int) bool {
	return ans.Has(memberList.key(n, "family_name")) && ans.Has(memberList.key(n, "date_of_birth"))
}

// referNext is the step after f's, once its answers are checked. From the
// check page, a step returns to it, unless the first step added people to
// the family: then their page comes first.
func referNext(f *flowState, _ string) (string, int) {
	n := memberList.n(f.ans)
	unanswered := func(from int) bool {
		for i := from; i <= n; i++ {
			if !answered(f.ans, i) {
				return true
			}
		}
		return false
	}
	switch {
	case f.fromCheck && f.step == "case" && !answered(f.ans, 1):
		return "principal", 0
	case f.fromCheck && (f.step == "case" || f.step == "principal") && unanswered(2):
		return "family", 0
	case f.fromCheck:
		return "check", 0
	}
	switch f.step {
	case "case":
		return "claim", 0
	case "claim":
		return "principal", 0
	case "principal":
		if n > 1 {
			return "family", 0
		}
	}
	return "check", 0
}

// referBack is the step before f's; its answers are kept unchecked.
func referBack(f *flowState) (string, int) {
	if f.fromCheck {
		return "check", 0
	}
	switch f.step {
	case "claim":
		return "case", 0
	case "principal":
		return "claim", 0
	case "family":
		return "principal", 0
	case "check":
		if memberList.n(f.ans) > 1 {
			return "family", 0
		}
		return "principal", 0
	}
	return "case", 0
}

// referStepOf is the place of step among the steps of a referral of n
// people, and their count; until the first page says how many, a family
// of several is assumed.
func referStepOf(step string, n int) (int, int) {
	order := referOrder
	if n == 1 {
		order = slices.DeleteFunc(slices.Clone(order), func(s string) bool { return s == "family" })
	}
	return slices.Index(order, step) + 1, len(order)
}

// checkReferStep records the problems of the step's own answers. The page
// checks that each is given and well formed; a member is checked by the
// domain's own validation; the app checks the rest (a category that
// repeats, a social group without its ground) when the referral is sent,
// and the check page shows what it finds.
func checkReferStep(p *page, f *flowState) {
	onPage := referFlow.stepAnswers(f)
	add := func(id, key string, args ...any) {
		if id, ok := onPage(id); ok && !p.hasError(id) {
			p.invalid(id, key, args...)
		}
	}
	c, fps, un := referralFrom(f.ans)
	for _, fp := range fps {
		add(fp.field, fp.key, fp.args...)
	}
	reportUnknown(p, un, func(id string) bool { _, ok := onPage(id); return ok })
	blank := func(s string) bool { return strings.TrimSpace(s) == "" }
	switch f.step {
	case "case":
		if blank(c.UNHCRNumber) {
			add("unhcr_number", "partner.err.unhcr_required")
		}
		if !c.SubmissionPriority.Valid() {
			add("submission_priority", "partner.err.priority")
		}
		if !c.ProcessingPriority.Valid() {
			add("processing_priority", "partner.err.priority")
		}
		if len(c.NationalityCountries) == 0 {
			add("nationality_countries", "partner.err.country_required")
		}
		switch {
		case blank(f.ans.Get("asylum_country")):
			add("asylum_country", "partner.err.asylum_required")
		case !haven.ValidCountry(c.AsylumCountry):
			add("asylum_country", "partner.err.asylum_one")
		}
		if k, err := strconv.Atoi(strings.TrimSpace(f.ans.Get("members"))); err != nil || k < 1 || k > maxItems {
			add("members", "partner.err.members_count")
		} else {
			f.ans.Set("members", strconv.Itoa(k))
		}
	case "claim":
		if !c.PrimaryCategory.Valid() {
			add("primary_category", "partner.err.category")
		}
		if c.SecondaryCategory != "" && !c.SecondaryCategory.Valid() {
			add("secondary_category", "partner.err.category")
		}
		if blank(c.CategoryJustification) {
			add("category_justification", "err.required")
		}
		if len(c.Grounds) == 0 {
			add("grounds", "partner.err.grounds")
		}
		for _, g := range c.Grounds {
			if !g.Valid() {
				add("grounds", "partner.err.grounds_known")
			}
		}
		for _, g := range c.SocialGroups {
			if !g.Valid() {
				add("social_groups", "partner.err.social_group_known")
			}
		}
		if blank(c.PersecutionAccount) {
			add("persecution_account", "err.required")
		}
	case "principal", "family":
		for i, m := range c.Members {
			for _, fp := range m.Validate(p.now) {
				field, _, _ := strings.Cut(fp.Field, "[")
				id, ok := onPage(memberList.key(i+1, field))
				if ok && !p.hasError(id) {
					p.Errors = append(p.Errors, problem{Field: id, Message: p.problemMessage(fp.Message, referLabels[field])})
				}
			}
		}
	}
}

// reportUnknown reports, beside each field that onPage shows, the names of
// countries or languages it knows no code of.
func reportUnknown(p *page, un []unknownNames, onPage func(string) bool) {
	for _, u := range un {
		if !onPage(u.field) || p.hasError(u.field) {
			continue
		}
		key := "partner.err.country_unknown"
		if strings.HasSuffix(u.field, "_languages") {
			key = "partner.err.language_unknown"
		}
		quoted := make([]string, len(u.names))
		for i, n := range u.names {
			quoted[i] = p.tf("partner.quoted", n)
		}
		p.Errors = append(p.Errors, problem{Field: u.field, Message: p.tf(key, strings.Join(quoted, ", "))})
	}
}

// sendReferral sends the checked answers to the app; from a nomination,
// with the defender's profile as the nomination holds it. The app's
// problems show on the check page, beside the answers they concern.
func (s *server) sendReferral(w http.ResponseWriter, r *http.Request, v *viewer, p *page, f *flowState) {
	c, fps, un := referralFrom(f.ans)
	for _, fp := range fps {
		p.invalid(fp.field, fp.key, fp.args...)
	}
	reportUnknown(p, un, func(string) bool { return true })
	if len(c.Members) == 0 {
		p.invalid("members", "partner.err.member_required")
	}
	if p.Failed() {
		s.showRefer(w, r, v, p, http.StatusBadRequest, f)
		return
	}
	if c.NominationID != "" {
		n, err := s.nominations.FindNominationByID(r.Context(), v.Actor, c.NominationID)
		if err != nil {
			s.fail(w, r, v, err)
			return
		}
		c.Profile = n.Profile
	}
	if err := s.cases.CreateReferral(r.Context(), v.Actor, c); err != nil {
		switch haven.ErrorCodeOf(err) {
		case haven.EINVALID, haven.ECONFLICT:
		default:
			s.fail(w, r, v, err)
			return
		}
		s.logRefused(r, statusOf(err), haven.ErrorCodeOf(err), err)
		k := len(p.Errors)
		p.failAt(err, referralAnswer)
		nameMembers(p, p.Errors[k:], haven.FieldsOf(err), c)
		s.showRefer(w, r, v, p, statusOf(err), f)
		return
	}
	http.Redirect(w, r, "/cases/"+url.PathEscape(string(c.ID))+"?done=referred", http.StatusSeeOther)
}

// nameMembers names the member in the problems shown (shown[i] is
// fields[i]) of a member's dependent adult child exception, which concerns
// one person of the family among several: "Person 3" alone would make the
// caseworker count.
func nameMembers(p *page, shown []problem, fields []haven.FieldProblem, c *haven.Case) {
	for i, f := range fields {
		rest, ok := strings.CutPrefix(f.Field, "members[")
		if i >= len(shown) || !ok || !strings.HasSuffix(rest, "].adult_dependent") {
			continue
		}
		n, err := strconv.Atoi(strings.TrimSuffix(rest, "].adult_dependent"))
		if err != nil || n < 0 || n >= len(c.Members) {
			continue
		}
		m := c.Members[n]
		name := strings.TrimSpace(strings.TrimSpace(m.GivenNames) + " " + strings.TrimSpace(m.FamilyName))
		if name == "" {
			name = p.t("partner.refer.member") + " " + strconv.Itoa(n+1)
		}
		shown[i].Message = p.tf("partner.err.about_member", name, shown[i].Message)
	}
}

// showRefer renders step f.step of the referral. A member other than the
// principal applicant whom no page has asked about yet shares all the
// principal applicant's answers that may be shared, until the page says
// otherwise.
func (s *server) showRefer(w http.ResponseWriter, r *http.Request, v *viewer, p *page, status int, f *flowState) {
	p.Protected = true
	n := memberList.n(f.ans)
	if f.step == "family" {
		for i := 2; i <= n; i++ {
			if !answered(f.ans, i) {
				f.ans[memberList.key(i, "same")] = slices.Clone(sharable)
			}
		}
	}
	d := &referView{flowView: referFlow.view(p, f, referPath), Title: referTitles[f.step], Prios: haven.Priorities,
		Categories: haven.SubmissionCategories, Grounds: haven.Grounds, SocialGroups: haven.SocialGroups,
		Relationships: slices.DeleteFunc(slices.Clone(haven.Relationships), func(r haven.Relationship) bool { return r == haven.RelPrincipal }),
		Sexes:         haven.Sexes, Sharable: sharable, NominationID: haven.ID(f.ans.Get("nomination_id"))}
	d.StepNo, d.StepCount = referStepOf(f.step, n)
	switch f.step {
	case "principal":
		d.People = []int{1}
	case "family":
		for i := 2; i <= n; i++ {
			d.People = append(d.People, i)
		}
	}
	switch f.step {
	case "case", "principal", "family":
		d.Countries = countryChoices(p.Lang)
	}
	if f.step == "principal" || f.step == "family" {
		d.Languages = languageChoices(p.Lang)
	}
	if d.Countries != nil {
		// Suggestions for the entry being typed in a field of several names.
		p.Scripts = []string{"names.js"}
	}
	if d.NominationID != "" {
		p.toggleTo("/nominations/" + url.PathEscape(string(d.NominationID)) + "/refer")
	} else {
		p.toggleTo(referPath)
	}
	d.Case, _, _ = referralFrom(f.ans)
	if f.step == "check" && d.NominationID != "" {
		n, err := s.nominations.FindNominationByID(r.Context(), v.Actor, d.NominationID)
		if err != nil {
			s.fail(w, r, v, err)
			return
		}
		d.From = n
	}
	p.Data = d
	s.render(w, r, status, "partner_refer", p)
}
