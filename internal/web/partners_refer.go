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
// nomination addressed to it or from its own caseload, one thing a page.
// The UNHCR case number and priorities; the submission categories and
// their justification; the Convention grounds and social groups; the
// countries; the persecution account; each member of the family (at least
// the principal applicant); then "check your answers".

const referPath = "/referrals/new"

// referSteps are the referral's steps and the answers each posts;
// "member" edits one item of memberList, "members" lists them. The
// nomination referred from, if any, is carried by every step.
var referSteps = map[string][]string{
	"case":      {"unhcr_number", "submission_priority", "processing_priority"},
	"category":  {"primary_category", "secondary_category", "category_justification"},
	"grounds":   {"grounds", "social_groups"},
	"countries": {"nationality_countries", "asylum_country"},
	"account":   {"persecution_account"},
	"member":    nil,
	"members":   nil,
	"check":     nil,
}

// referTitles are the steps' titles.
var referTitles = map[string]string{
	"case": "partner.refer.case", "category": "partner.refer.category", "grounds": "partner.refer.grounds",
	"countries": "partner.refer.countries", "account": "partner.refer.account", "member": "partner.refer.member",
	"members": "partner.refer.members", "check": "partner.refer.check",
}

// memberList is the family's members.
var memberList = &listSpec{count: "members", stored: "m", control: "member_",
	fields: []string{"relationship", "family_name", "given_names", "date_of_birth", "sex", "nationalities", "languages",
		"accompanying", "adult_dependent", "contact", "whereabouts", "confidential_notes"}}

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

// memberFrom reads member n of the answers, and their answers that are
// not well formed.
func memberFrom(ans url.Values, n int) (*haven.Member, []formProblem) {
	get := func(f string) string { return ans.Get(memberList.key(n, f)) }
	m := &haven.Member{Relationship: haven.Relationship(get("relationship")), FamilyName: get("family_name"),
		GivenNames: get("given_names"), Sex: haven.Sex(get("sex")), Nationalities: codeList(get("nationalities"), true),
		Languages: codeList(get("languages"), false), Accompanying: get("accompanying") == "yes",
		Contact: get("contact"), Whereabouts: get("whereabouts"), ConfidentialNotes: get("confidential_notes"),
		AdultDependent: get("adult_dependent") == "yes"}
	var fp []formProblem
	if d := strings.TrimSpace(get("date_of_birth")); d != "" {
		var err error
		if m.DateOfBirth, err = haven.ParseDate(d); err != nil {
			fp = append(fp, dateProblem(memberList.key(n, "date_of_birth"), err))
		}
	}
	if a := get("accompanying"); a != "yes" && a != "no" {
		fp = append(fp, formProblem{field: memberList.key(n, "accompanying"), key: "partner.err.accompanying"})
	}
	return m, fp
}

// referralFrom reads the referral the answers make, and the answers that
// are not well formed. The case size is the number of members listed.
func referralFrom(ans url.Values) (*haven.Case, []formProblem) {
	c := &haven.Case{
		UNHCRNumber: strings.TrimSpace(ans.Get("unhcr_number")), NominationID: haven.ID(ans.Get("nomination_id")),
		SubmissionPriority: haven.Priority(ans.Get("submission_priority")), ProcessingPriority: haven.Priority(ans.Get("processing_priority")),
		PrimaryCategory: haven.SubmissionCategory(ans.Get("primary_category")), SecondaryCategory: haven.SubmissionCategory(ans.Get("secondary_category")),
		CategoryJustification: ans.Get("category_justification"),
		NationalityCountries:  codeList(ans.Get("nationality_countries"), true),
		AsylumCountry:         strings.ToUpper(strings.TrimSpace(ans.Get("asylum_country"))),
		PersecutionAccount:    ans.Get("persecution_account"),
	}
	for _, g := range ans["grounds"] {
		c.Grounds = append(c.Grounds, haven.Ground(g))
	}
	for _, g := range ans["social_groups"] {
		c.SocialGroups = append(c.SocialGroups, haven.SocialGroup(g))
	}
	var fps []formProblem
	for i := 1; i <= memberList.n(ans); i++ {
		m, fp := memberFrom(ans, i)
		c.Members = append(c.Members, m)
		fps = append(fps, fp...)
	}
	c.DeclaredSize = len(c.Members)
	return c, fps
}

// referView is what a step of the referral shows.
type referView struct {
	flowView
	Title         string
	Prios         []haven.Priority
	Categories    []haven.SubmissionCategory
	Grounds       []haven.Ground
	SocialGroups  []haven.SocialGroup
	Relationships []haven.Relationship
	Sexes         []haven.Sex
	// NominationID is the nomination referred from, if any; From is it,
	// on the check page.
	NominationID haven.ID
	From         *haven.Nomination
	// Case is the answers as the app will read them: the members page
	// lists its members, the check page shows it all.
	Case *haven.Case
}

// referFlow is the referral's multi-page form (set in init: its
// functions refer to it).
var referFlow *flowDef

func init() {
	referFlow = &flowDef{steps: referSteps, first: "case", itemStep: "member", listStep: "members",
		requireOne: "partner.err.member_required", list: memberList, next: referNext, back: referBack,
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
// family, with what the nomination already says: the countries, the
// recommended priority, and the principal applicant's contact and
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
	ans := url.Values{}
	ans.Set("nomination_id", string(n.ID))
	ans.Set("nationality_countries", strings.Join(n.NationalityCountries, ", "))
	ans.Set("asylum_country", n.AsylumCountry)
	ans.Set("submission_priority", string(n.RecommendedPriority))
	ans.Set("processing_priority", string(n.RecommendedPriority))
	ans.Set(memberList.key(1, "relationship"), string(haven.RelPrincipal))
	ans.Set(memberList.key(1, "accompanying"), "yes")
	ans.Set(memberList.key(1, "contact"), n.Contact)
	ans.Set(memberList.key(1, "whereabouts"), n.Whereabouts)
	ans.Set(memberList.key(1, "nationalities"), strings.Join(n.NationalityCountries, ", "))
	p := s.newPage(w, r, v)
	s.showRefer(w, r, v, p, http.StatusOK, &flowState{ans: ans, step: "case"})
}

// handleRefer takes one page of the referral.
func (s *server) handleRefer(w http.ResponseWriter, r *http.Request, v *viewer) {
	if !s.mayRefer(w, r, v) {
		return
	}
	s.runFlow(referFlow, w, r, v)
}

// referNext is the step after f's, once its answers are checked.
func referNext(f *flowState, addAnother string) (string, int) {
	n := memberList.n(f.ans)
	if f.step == "members" {
		if addAnother == "yes" {
			return "member", min(n+1, maxItems)
		}
		return "check", 0
	}
	if f.fromCheck {
		return "check", 0
	}
	switch f.step {
	case "case":
		return "category", 0
	case "category":
		return "grounds", 0
	case "grounds":
		return "countries", 0
	case "countries":
		return "account", 0
	case "account":
		if n == 0 {
			return "member", 1
		}
		return "members", 0
	case "member":
		return "members", 0
	}
	return "check", 0
}

// referBack is the step before f's; its answers are kept unchecked.
func referBack(f *flowState) (string, int) {
	if f.fromCheck {
		return "check", 0
	}
	switch f.step {
	case "category":
		return "case", 0
	case "grounds":
		return "category", 0
	case "countries":
		return "grounds", 0
	case "account":
		return "countries", 0
	case "member":
		if memberList.n(f.ans) == 0 {
			return "account", 0
		}
		return "members", 0
	case "members":
		return "account", 0
	case "check":
		return "members", 0
	}
	return "case", 0
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
	c, fps := referralFrom(referFlow.withItem(f))
	for _, fp := range fps {
		add(fp.field, fp.key, fp.args...)
	}
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
	case "category":
		if !c.PrimaryCategory.Valid() {
			add("primary_category", "partner.err.category")
		}
		if c.SecondaryCategory != "" && !c.SecondaryCategory.Valid() {
			add("secondary_category", "partner.err.category")
		}
		if blank(c.CategoryJustification) {
			add("category_justification", "err.required")
		}
	case "grounds":
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
	case "countries":
		if len(c.NationalityCountries) == 0 {
			add("nationality_countries", "partner.err.country_required")
		}
		for _, code := range c.NationalityCountries {
			if !haven.ValidCountry(code) {
				add("nationality_countries", "partner.err.country_codes")
			}
		}
		switch {
		case c.AsylumCountry == "":
			add("asylum_country", "partner.err.asylum_required")
		case !haven.ValidCountry(c.AsylumCountry):
			add("asylum_country", "err.country_format")
		}
	case "account":
		if blank(c.PersecutionAccount) {
			add("persecution_account", "err.required")
		}
	case "member":
		for _, fp := range c.Members[f.item-1].Validate(p.now) {
			field, _, _ := strings.Cut(fp.Field, "[")
			id, ok := onPage(memberList.key(f.item, field))
			if ok && !p.hasError(id) {
				p.Errors = append(p.Errors, problem{Field: id, Message: p.problemMessage(fp.Message, referLabels[field])})
			}
		}
	}
}

// sendReferral sends the checked answers to the app; from a nomination,
// with the defender's profile as the nomination holds it. The app's
// problems show on the check page, beside the answers they concern.
func (s *server) sendReferral(w http.ResponseWriter, r *http.Request, v *viewer, p *page, f *flowState) {
	c, fps := referralFrom(f.ans)
	for _, fp := range fps {
		p.invalid(fp.field, fp.key, fp.args...)
	}
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

// showRefer renders step f.step of the referral.
func (s *server) showRefer(w http.ResponseWriter, r *http.Request, v *viewer, p *page, status int, f *flowState) {
	p.Protected = true
	d := &referView{flowView: referFlow.view(p, f, referPath), Title: referTitles[f.step], Prios: haven.Priorities,
		Categories: haven.SubmissionCategories, Grounds: haven.Grounds, SocialGroups: haven.SocialGroups,
		Relationships: haven.Relationships, Sexes: haven.Sexes, NominationID: haven.ID(f.ans.Get("nomination_id"))}
	if d.NominationID != "" {
		p.toggleTo("/nominations/" + url.PathEscape(string(d.NominationID)) + "/refer")
	} else {
		p.toggleTo(referPath)
	}
	d.Case, _ = referralFrom(f.ans)
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
