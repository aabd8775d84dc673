package web

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/havenhrd/haven"
)

// "Nominate a defender": a protection partner's nomination, one thing a
// page. The defender; their countries and family; their work; each threat
// or attack (at least one); the risk and the priority recommended; the
// referral partner it is addressed to; then "check your answers".

const nominatePath = "/nominations/new"

// nominateSteps are the nomination's steps and the answers each posts;
// "threat" edits one item of threatList, "threats" lists them.
var nominateSteps = map[string][]string{
	"defender":  {"defender_name", "contact", "whereabouts"},
	"countries": {"nationality_countries", "asylum_country", "family_size"},
	"work":      {"work_areas", "organisations"},
	"threat":    nil,
	"threats":   nil,
	"risk":      {"risk_assessment", "recommended_priority"},
	"partner":   {"referral_org_id"},
	"check":     nil,
}

// nominateTitles are the steps' titles.
var nominateTitles = map[string]string{
	"defender": "partner.nominate.defender", "countries": "partner.nominate.countries", "work": "partner.nominate.work",
	"threat": "partner.nominate.threat", "threats": "partner.nominate.threats", "risk": "partner.nominate.risk",
	"partner": "partner.nominate.partner", "check": "partner.nominate.check",
}

// threatList is the nomination's threats and attacks.
var threatList = &listSpec{count: "threats", stored: "t", control: "threat_",
	fields: []string{"type", "perpetrator", "date", "place", "description"}}

// nominateLabels are the nomination's answers and the catalogue keys of
// their labels; a threat's answers are named by their field alone.
var nominateLabels = map[string]string{
	"defender_name": "partner.nom.defender_name", "contact": "family.contact", "whereabouts": "family.whereabouts",
	"nationality_countries": "partner.f.nationality_countries", "asylum_country": "case.asylum_country",
	"family_size": "partner.nom.family_size", "work_areas": "profile.work_areas", "organisations": "profile.organisations",
	"type": "threat.type", "perpetrator": "threat.perpetrator", "date": "threat.date", "place": "threat.place",
	"description": "threat.description", "risk_assessment": "partner.nom.risk_assessment",
	"recommended_priority": "partner.nom.priority", "referral_org_id": "partner.nom.referral_org", "threats": "profile.threats",
}

// nominationAnswer is the answer (the check page's row) of one of the
// app's fields of a nomination: "profile.threat_events[1].date" is t2_date.
func nominationAnswer(field string) (id, label string, ok bool) {
	field = strings.TrimPrefix(field, "profile.")
	if rest, found := strings.CutPrefix(field, "threat_events["); found {
		i, f, _ := strings.Cut(rest, "].")
		n, err := strconv.Atoi(i)
		if err != nil || !slices.Contains(threatList.fields, f) {
			return "", "", false
		}
		return threatList.key(n+1, f), nominateLabels[f], true
	}
	label, ok = nominateLabels[field]
	return field, label, ok
}

// nominationFrom reads the nomination the answers make, the answers that
// are not well formed (their IDs and messages), and the countries it knows
// no code of: countries are taken by name or code, as the referral takes
// them.
func nominationFrom(ans url.Values) (*haven.Nomination, []formProblem, []unknownNames) {
	var fp []formProblem
	var un []unknownNames
	n := &haven.Nomination{
		ReferralOrgID: haven.ID(strings.TrimSpace(ans.Get("referral_org_id"))),
		DefenderName:  ans.Get("defender_name"), Contact: ans.Get("contact"), Whereabouts: ans.Get("whereabouts"),
		RiskAssessment:      ans.Get("risk_assessment"),
		RecommendedPriority: haven.Priority(ans.Get("recommended_priority")),
		Profile:             haven.DefenderProfile{Organisations: lines(ans.Get("organisations"))},
	}
	var more []unknownNames
	n.NationalityCountries, n.AsylumCountry, more = countriesFrom(ans)
	un = append(un, more...)
	if s := strings.TrimSpace(ans.Get("family_size")); s != "" {
		size, err := strconv.Atoi(s)
		if err != nil {
			fp = append(fp, formProblem{field: "family_size", key: "partner.err.family_size"})
		}
		n.FamilySize = size
	}
	for _, w := range ans["work_areas"] {
		n.Profile.WorkAreas = append(n.Profile.WorkAreas, haven.WorkArea(w))
	}
	for i := 1; i <= threatList.n(ans); i++ {
		e := haven.ThreatEvent{Type: haven.ThreatType(ans.Get(threatList.key(i, "type"))),
			Perpetrator: haven.Perpetrator(ans.Get(threatList.key(i, "perpetrator"))),
			Place:       ans.Get(threatList.key(i, "place")), Description: ans.Get(threatList.key(i, "description"))}
		if d := strings.TrimSpace(ans.Get(threatList.key(i, "date"))); d != "" {
			var err error
			if e.Date, err = haven.ParseDate(d); err != nil {
				fp = append(fp, dateProblem(threatList.key(i, "date"), err))
			}
		}
		n.Profile.ThreatEvents = append(n.Profile.ThreatEvents, e)
	}
	return n, fp, un
}

// nominateView is what a step of the nomination shows.
type nominateView struct {
	flowView
	Title        string
	Partners     []*haven.Organisation
	WorkAreas    []haven.WorkArea
	ThreatTypes  []haven.ThreatType
	Perpetrators []haven.Perpetrator
	Prios        []haven.Priority
	// Nomination is the answers as the app will read them: the threats
	// page lists its threats, the check page shows it all.
	Nomination *haven.Nomination
	// PartnerName names the referral partner chosen, if any.
	PartnerName string
	// Countries are the names the page's list suggests; Languages, none
	// (the nomination asks for no language).
	Countries, Languages []string
}

// nominateFlow is the nomination's multi-page form (set in init: its
// functions refer to it).
var nominateFlow *flowDef

func init() {
	nominateFlow = &flowDef{steps: nominateSteps, first: "defender", itemStep: "threat", listStep: "threats",
		requireOne: "partner.err.threat_required", list: threatList, next: nominateNext, back: nominateBack,
		check: checkNominateStep, send: (*server).sendNomination, show: (*server).showNominate}
}

// handleNominateStart shows the nomination's first page, empty.
func (s *server) handleNominateStart(w http.ResponseWriter, r *http.Request, v *viewer) {
	if v.Kind() != haven.OrgProtectionPartner {
		s.forbidden(w, r, v)
		return
	}
	s.showNominate(w, r, v, s.newPage(w, r, v), http.StatusOK, &flowState{ans: url.Values{}, step: "defender"})
}

// handleNominate takes one page of the nomination.
func (s *server) handleNominate(w http.ResponseWriter, r *http.Request, v *viewer) {
	if v.Kind() != haven.OrgProtectionPartner {
		s.forbidden(w, r, v)
		return
	}
	s.runFlow(nominateFlow, w, r, v)
}

// nominateNext is the step after f's, once its answers are checked.
func nominateNext(f *flowState, addAnother string) (string, int) {
	n := threatList.n(f.ans)
	if f.step == "threats" {
		if addAnother == "yes" {
			return "threat", min(n+1, maxItems)
		}
		if f.fromCheck {
			return "check", 0
		}
		return "risk", 0
	}
	if f.fromCheck {
		return "check", 0
	}
	switch f.step {
	case "defender":
		return "countries", 0
	case "countries":
		return "work", 0
	case "work":
		if n == 0 {
			return "threat", 1
		}
		return "threats", 0
	case "threat":
		return "threats", 0
	case "risk":
		return "partner", 0
	}
	return "check", 0
}

// nominateBack is the step before f's; its answers are kept unchecked.
func nominateBack(f *flowState) (string, int) {
	if f.fromCheck {
		return "check", 0
	}
	switch f.step {
	case "countries":
		return "defender", 0
	case "work":
		return "countries", 0
	case "threat":
		if threatList.n(f.ans) == 0 {
			return "work", 0
		}
		return "threats", 0
	case "threats":
		return "work", 0
	case "risk":
		return "threats", 0
	case "partner":
		return "risk", 0
	case "check":
		return "partner", 0
	}
	return "defender", 0
}

// checkNominateStep records the problems of the step's own answers: those
// the page finds (a malformed date or number), then those the
// nomination's own validation finds in them.
func checkNominateStep(p *page, f *flowState) {
	onPage := nominateFlow.stepAnswers(f)
	n, fps, un := nominationFrom(nominateFlow.withItem(f))
	for _, fp := range fps {
		if id, ok := onPage(fp.field); ok {
			p.invalid(id, fp.key, fp.args...)
		}
	}
	reportUnknown(p, un, func(id string) bool { _, ok := onPage(id); return ok })
	for _, fp := range n.Validate(p.now) {
		answer, label, ok := nominationAnswer(fp.Field)
		if !ok {
			continue
		}
		if id, ok := onPage(answer); ok && !p.hasError(id) {
			p.Errors = append(p.Errors, problem{Field: id, Message: p.problemMessage(fp.Message, label)})
		}
	}
}

// sendNomination sends the checked answers to the app. Its problems show
// on the check page, beside the answers they concern, with those the page
// finds itself, all at once.
func (s *server) sendNomination(w http.ResponseWriter, r *http.Request, v *viewer, p *page, f *flowState) {
	n, fps, un := nominationFrom(f.ans)
	for _, fp := range fps {
		p.invalid(fp.field, fp.key, fp.args...)
	}
	reportUnknown(p, un, func(string) bool { return true })
	if threatList.n(f.ans) == 0 {
		p.invalid("threats", "partner.err.threat_required")
	}
	if p.Failed() {
		// A family size or a date the page cannot read hides nothing else:
		// the nomination's other problems are said with it, each beside
		// its answer; a field the page already faults keeps its message.
		if err := n.Validate(p.now).Err("web.nominate"); err != nil {
			p.failAt(err, nominationAnswer)
		}
		s.showNominate(w, r, v, p, http.StatusBadRequest, f)
		return
	}
	if err := s.nominations.CreateNomination(r.Context(), v.Actor, n); err != nil {
		switch haven.ErrorCodeOf(err) {
		case haven.EINVALID, haven.ECONFLICT:
		default:
			s.fail(w, r, v, err)
			return
		}
		s.logRefused(r, statusOf(err), haven.ErrorCodeOf(err), err)
		p.failAt(err, nominationAnswer)
		s.showNominate(w, r, v, p, statusOf(err), f)
		return
	}
	http.Redirect(w, r, "/nominations/"+url.PathEscape(string(n.ID))+"?done=sent", http.StatusSeeOther)
}

// showNominate renders step f.step of the nomination.
func (s *server) showNominate(w http.ResponseWriter, r *http.Request, v *viewer, p *page, status int, f *flowState) {
	p.Protected = true
	p.toggleTo(nominatePath)
	d := &nominateView{flowView: nominateFlow.view(p, f, nominatePath), Title: nominateTitles[f.step],
		WorkAreas: haven.WorkAreas, ThreatTypes: haven.ThreatTypes, Perpetrators: haven.Perpetrators, Prios: haven.Priorities}
	for _, o := range v.orgs {
		if o.Kind == haven.OrgReferralPartner {
			d.Partners = append(d.Partners, o)
		}
	}
	slices.SortFunc(d.Partners, func(a, b *haven.Organisation) int { return strings.Compare(a.Name, b.Name) })
	d.Nomination, _, _ = nominationFrom(f.ans)
	if f.step == "countries" {
		d.Countries = countryChoices(p.Lang)
		// Suggestions for the entry being typed in a field of several names.
		p.Scripts = []string{"names.js"}
	}
	if id := d.Nomination.ReferralOrgID; id != "" {
		d.PartnerName = p.OrgName(id)
	}
	p.Data = d
	s.render(w, r, status, "partner_nominate", p)
}
