package web

import (
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/havenhrd/haven"
)

// The case's side states, beside the acts of the case page: the visa
// office schedules an interview, puts a case on hold, asks the referring
// partner for information, resumes it, assigns checks to a screening or
// medical partner, removes members by a split decision and withdraws a
// case; the referring partner may withdraw its own. A withdrawal and a
// split decision are final, so each has a confirmation page of its own.
// The forms render from the partial partner_case_actions, which the case
// page includes at the end of its actions.

func init() {
	// The notices of the case page after these acts (?done=).
	caseActs = append(caseActs,
		caseAct{name: "interview", done: "partner.done.interview"}, caseAct{name: "hold", done: "partner.done.hold"},
		caseAct{name: "request_info", done: "partner.done.request_info"}, caseAct{name: "resume", done: "partner.done.resume"},
		caseAct{name: "assign_checks", done: "partner.done.assign_checks"}, caseAct{name: "split", done: "partner.done.split"},
		caseAct{name: "withdraw", done: "partner.done.withdraw"}, caseAct{name: "referred", done: "partner.done.referred"},
		caseAct{name: "answer_info", done: "partner.done.answer_info"})
}

// partnerActsView is what the partial partner_case_actions offers.
type partnerActsView struct {
	Interview, Hold, RequestInfo, Resume, Withdraw, Split, Assign bool
	// Attendees are the members who may attend the interview: those not
	// removed by a split decision.
	Attendees []*haven.Member
	// CheckOrgs are the screening and medical partners; Members the
	// members checks may be assigned for.
	CheckOrgs []*haven.Organisation
	Members   []*haven.Member
}

// removable returns the members the app offers to remove by a split
// decision, in the case's order.
func removable(c *haven.Case) []*haven.Member {
	if c.Offer == nil {
		return nil
	}
	var out []*haven.Member
	for _, m := range c.Members {
		if slices.Contains(c.Offer.Removable, m.ID) {
			out = append(out, m)
		}
	}
	return out
}

// partnerActs returns the forms the case page offers the viewer beside its
// own acts, or nil.
func partnerActs(p *page) *partnerActsView {
	d, ok := p.Data.(*caseData)
	if !ok || p.Viewer == nil || d.Case.Shredded {
		return nil
	}
	c, v, o := d.Case, p.Viewer, d.Case.Offer
	// The app offers what the viewer may do now; the page maps it to forms.
	a := &partnerActsView{
		Interview: o.Can(haven.EventScheduleInterview), Hold: o.Can(haven.EventHold), RequestInfo: o.Can(haven.EventRequestInfo),
		// Resume, when it is the next step, is the panel's primary button:
		// not offered a second time here.
		Resume: o.Can(haven.EventResume) && d.Panel.Primary != string(haven.NextResume), Withdraw: o.Can(haven.EventWithdraw),
		Split: o.Can(haven.EventSplit),
	}
	if a.Interview {
		for _, m := range c.Members {
			if !m.Excluded {
				a.Attendees = append(a.Attendees, m)
			}
		}
	}
	if o != nil && o.AssignChecks {
		for _, org := range v.orgs {
			if org.Kind == haven.OrgScreeningPartner || org.Kind == haven.OrgMedicalPartner {
				a.CheckOrgs = append(a.CheckOrgs, org)
			}
		}
		slices.SortFunc(a.CheckOrgs, func(x, y *haven.Organisation) int { return strings.Compare(x.Name, y.Name) })
		a.Members = c.Travellers()
		a.Assign = len(a.CheckOrgs) > 0 && len(a.Members) > 0
	}
	if !a.Interview && !a.Hold && !a.RequestInfo && !a.Resume && !a.Withdraw && !a.Split && !a.Assign {
		return nil
	}
	return a
}

// sideLabels are the side-state forms' controls and their labels.
var sideLabels = map[string]string{
	"hold_reasons": "partner.hold.reasons", "info_what": "partner.info.what", "assign_org_id": "partner.assign.org",
	"assign_members": "partner.assign.members", "excluded": "partner.split.members", "split_reasons": "partner.split.reasons",
	"withdraw_reasons": "partner.withdraw.reasons", "answer": "partner.answer.text",
	"interview_date": "interview.date", "interview_time": "interview.time", "interview_zone": "interview.zone",
	"interview_place": "interview.place", "interview_link": "interview.link", "interview_language": "interview.language",
	"interpreter_language": "interview.interpreter_language", "attending": "interview.attending",
}

// partnerCaseFailed shows the case page, or a confirmation page, again
// with what was typed and the problems: those the page found (pre), or
// err, the app's answer, beside the fields alias names for the app's.
func (s *server) partnerCaseFailed(w http.ResponseWriter, r *http.Request, v *viewer, name string, err error, alias map[string]string, pre ...formProblem) {
	status := http.StatusBadRequest
	if err != nil {
		switch haven.ErrorCodeOf(err) {
		case haven.EINVALID, haven.ECONFLICT:
		default:
			s.fail(w, r, v, err)
			return
		}
		status = statusOf(err)
		s.logRefused(r, status, haven.ErrorCodeOf(err), err)
	}
	d, lerr := s.loadCase(r.Context(), v, r.PathValue("id"))
	if lerr != nil {
		s.fail(w, r, v, lerr)
		return
	}
	p := s.newPage(w, r, v)
	p.Protected = true
	p.Form = r.PostForm
	switch name {
	case "partner_split":
		p.toggleTo(casePath(r) + "/split")
		p.Data = &splitData{caseData: d, Removable: removable(d.Case)}
	case "partner_withdraw":
		p.toggleTo(casePath(r) + "/withdraw")
		p.Data = d
	default:
		p.Data = d
	}
	for _, fp := range pre {
		p.invalid(fp.field, fp.key, fp.args...)
	}
	if err != nil {
		p.failAt(err, labelsOf(sideLabels, alias))
	}
	s.render(w, r, status, name, p)
}

// casePath is the case page of the request's case.
func casePath(r *http.Request) string { return "/cases/" + url.PathEscape(r.PathValue("id")) }

// sideAct is an act of the side-state forms: it calls the app with the
// form and goes back to the case page with the act's notice, or shows the
// page again with the problems.
func (s *server) sideAct(name, page string, alias map[string]string,
	do func(s *server, r *http.Request, v *viewer, id haven.ID) error) func(http.ResponseWriter, *http.Request, *viewer) {
	return func(w http.ResponseWriter, r *http.Request, v *viewer) {
		if err := do(s, r, v, haven.ID(r.PathValue("id"))); err != nil {
			s.partnerCaseFailed(w, r, v, page, err, alias)
			return
		}
		done(w, r, name)
	}
}

// interviewFields are the interview form's controls, by the app's names
// of its fields.
var interviewFields = map[string]string{"date": "interview_date", "time": "interview_time", "zone": "interview_zone",
	"place": "interview_place", "link": "interview_link", "language": "interview_language", "interview": "interview_date"}

// handleScheduleInterview schedules the case's interview, or moves it.
// A malformed date is the page's own problem; every other is the app's.
func (s *server) handleScheduleInterview() func(http.ResponseWriter, *http.Request, *viewer) {
	do := s.sideAct("interview", "case", interviewFields, func(s *server, r *http.Request, v *viewer, id haven.ID) error {
		iv := interviewOf(r)
		parseDateField(r, "interview_date", &iv.Date)
		_, err := s.cases.ScheduleInterview(r.Context(), v.Actor, id, iv)
		return err
	})
	return func(w http.ResponseWriter, r *http.Request, v *viewer) {
		if fp := parseDateField(r, "interview_date", new(haven.Date)); fp != nil {
			// A date the page cannot read hides nothing else: the time,
			// zone, place and language are checked with it.
			s.partnerCaseFailed(w, r, v, "case", interviewOf(r).Validate(s.clock.Now()).Err("web.interview"), interviewFields, fp...)
			return
		}
		do(w, r, v)
	}
}

// interviewOf reads the interview form, but its date.
func interviewOf(r *http.Request) *haven.Interview {
	iv := &haven.Interview{Time: r.PostFormValue("interview_time"), Zone: r.PostFormValue("interview_zone"),
		Place: r.PostFormValue("interview_place"), Link: r.PostFormValue("interview_link"),
		Language: strings.TrimSpace(r.PostFormValue("interview_language")), Interpreter: r.PostFormValue("interpreter") == "yes"}
	// The interpreter's language is kept only with an interpreter: a
	// language left in the form after choosing none is not an error.
	if iv.Interpreter {
		iv.InterpreterLanguage = strings.TrimSpace(r.PostFormValue("interpreter_language"))
	}
	for _, m := range r.PostForm["attending"] {
		iv.Attending = append(iv.Attending, haven.ID(m))
	}
	return iv
}

func (s *server) handleHold() func(http.ResponseWriter, *http.Request, *viewer) {
	return s.sideAct("hold", "case", map[string]string{"reasons": "hold_reasons"}, func(s *server, r *http.Request, v *viewer, id haven.ID) error {
		_, err := s.cases.Hold(r.Context(), v.Actor, id, r.PostFormValue("hold_reasons"))
		return err
	})
}

func (s *server) handleRequestInfo() func(http.ResponseWriter, *http.Request, *viewer) {
	return s.sideAct("request_info", "case", map[string]string{"reasons": "info_what"}, func(s *server, r *http.Request, v *viewer, id haven.ID) error {
		_, err := s.cases.RequestInfo(r.Context(), v.Actor, id, r.PostFormValue("info_what"))
		return err
	})
}

// handleAnswerInfo sends the referring partner's answer to the open request
// for information; the form is on the case page, with the request.
func (s *server) handleAnswerInfo() func(http.ResponseWriter, *http.Request, *viewer) {
	return s.sideAct("answer_info", "case", nil, func(s *server, r *http.Request, v *viewer, id haven.ID) error {
		_, err := s.cases.AnswerInfoRequest(r.Context(), v.Actor, id, r.PostFormValue("answer"))
		return err
	})
}

func (s *server) handleResume() func(http.ResponseWriter, *http.Request, *viewer) {
	return s.sideAct("resume", "case", nil, func(s *server, r *http.Request, v *viewer, id haven.ID) error {
		_, err := s.cases.Resume(r.Context(), v.Actor, id)
		return err
	})
}

func (s *server) handleAssignChecks() func(http.ResponseWriter, *http.Request, *viewer) {
	alias := map[string]string{"org_id": "assign_org_id", "members": "assign_members"}
	return s.sideAct("assign_checks", "case", alias, func(s *server, r *http.Request, v *viewer, id haven.ID) error {
		var members []haven.ID
		for _, m := range r.PostForm["assign_members"] {
			members = append(members, haven.ID(m))
		}
		_, err := s.cases.AssignChecks(r.Context(), v.Actor, id, haven.ID(r.PostFormValue("assign_org_id")), members)
		return err
	})
}

func (s *server) handleWithdraw() func(http.ResponseWriter, *http.Request, *viewer) {
	return s.sideAct("withdraw", "partner_withdraw", map[string]string{"reasons": "withdraw_reasons"}, func(s *server, r *http.Request, v *viewer, id haven.ID) error {
		_, err := s.cases.Withdraw(r.Context(), v.Actor, id, r.PostFormValue("withdraw_reasons"))
		return err
	})
}

func (s *server) handleSplit() func(http.ResponseWriter, *http.Request, *viewer) {
	return s.sideAct("split", "partner_split", map[string]string{"reasons": "split_reasons"}, func(s *server, r *http.Request, v *viewer, id haven.ID) error {
		var excluded []haven.ID
		for _, m := range r.PostForm["excluded"] {
			excluded = append(excluded, haven.ID(m))
		}
		_, err := s.cases.SplitDecision(r.Context(), v.Actor, id, excluded, r.PostFormValue("split_reasons"))
		return err
	})
}

// splitData is what the split decision's page shows.
type splitData struct {
	*caseData
	Removable []*haven.Member
}

// handleWithdrawForm is the confirmation page of a withdrawal: it names
// what will happen and asks for the reasons. The visa office and the
// referring partner may withdraw.
func (s *server) handleWithdrawForm(w http.ResponseWriter, r *http.Request, v *viewer) {
	d, err := s.loadCase(r.Context(), v, r.PathValue("id"))
	if err != nil {
		s.fail(w, r, v, err)
		return
	}
	status := caseOfferStatus(d.Case, haven.EventWithdraw)
	if status == http.StatusForbidden {
		s.forbidden(w, r, v)
		return
	}
	p := s.newPage(w, r, v)
	p.Protected = true
	p.Data = d
	if status != http.StatusOK {
		p.Alert = p.t("partner.case.not_now")
	}
	s.render(w, r, status, "partner_withdraw", p)
}

// caseOfferStatus is how a confirmation page of the act ev answers: 200
// when the app offers it now; 403 when the viewer may never apply it to
// this case; otherwise 409, the page saying why, with no form.
func caseOfferStatus(c *haven.Case, ev haven.CaseEvent) int {
	switch {
	case c.Offer.Can(ev):
		return http.StatusOK
	case !c.Offer.Permits(ev):
		return http.StatusForbidden
	}
	return http.StatusConflict
}

// handleSplitForm is the confirmation page of a split decision: the
// members it may remove, the reasons, and what will happen.
func (s *server) handleSplitForm(w http.ResponseWriter, r *http.Request, v *viewer) {
	d, err := s.loadCase(r.Context(), v, r.PathValue("id"))
	if err != nil {
		s.fail(w, r, v, err)
		return
	}
	status := caseOfferStatus(d.Case, haven.EventSplit)
	if status == http.StatusForbidden {
		s.forbidden(w, r, v)
		return
	}
	p := s.newPage(w, r, v)
	p.Protected = true
	p.Data = &splitData{caseData: d, Removable: removable(d.Case)}
	if status != http.StatusOK {
		p.Alert = p.t("partner.case.not_now")
	}
	s.render(w, r, status, "partner_split", p)
}
