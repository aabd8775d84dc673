package web

import (
	"net/http"
	"slices"
	"strings"

	"github.com/havenhrd/haven"
)

// The screening and medical partners' work: the members of cases
// assigned to them for checks (identity only: the app shows them nothing
// else), and a form per member to record a check of their own kind. A
// member not assigned to the partner is not found, on the form as in the
// app.

// assignedRow is one member assigned to the viewer's organisation.
type assignedRow struct {
	Case   *haven.Case
	Member *haven.Member
	// Latest are the member's latest checks of the kinds the partner
	// records, oldest kind first, nil where none is recorded yet.
	Latest []*haven.Check
	// Request is what was asked of the partner for the member: the
	// priority, when, and the case's target date.
	Request *haven.CheckRequest
}

// checksData is what the list of assigned checks shows.
type checksData struct {
	Rows []assignedRow
	// Kinds are the checks the viewer's organisation records.
	Kinds []haven.CheckKind
	// Outstanding says the list keeps the members whose checks the
	// organisation has not recorded since it was asked: those the home
	// page counts.
	Outstanding bool
}

// checkKindsOf returns the checks an organisation of kind records.
func checkKindsOf(kind haven.OrgKind) []haven.CheckKind {
	switch kind {
	case haven.OrgMedicalPartner:
		return []haven.CheckKind{haven.CheckMedical}
	case haven.OrgScreeningPartner:
		return []haven.CheckKind{haven.CheckSecurity, haven.CheckCriminality}
	}
	return nil
}

// checkDone are the notices of the list after a check is recorded.
var checkDone = map[string]string{"recorded": "partner.done.check"}

// assignedWork lists the members assigned to the viewer's organisation.
func (s *server) assignedWork(r *http.Request, v *viewer) (*checksData, error) {
	cases, err := s.cases.FindAssignedWork(r.Context(), v.Actor)
	if err != nil {
		return nil, err
	}
	reqs, err := s.cases.FindCheckRequests(r.Context(), v.Actor)
	if err != nil {
		return nil, err
	}
	asked := map[haven.ID]*haven.CheckRequest{}
	for _, q := range reqs {
		asked[q.MemberID] = q
	}
	d := &checksData{Kinds: checkKindsOf(v.Kind())}
	for _, c := range cases {
		for _, m := range c.Members {
			row := assignedRow{Case: c, Member: m, Request: asked[m.ID]}
			for _, k := range d.Kinds {
				row.Latest = append(row.Latest, c.LatestCheck(m.ID, k))
			}
			d.Rows = append(d.Rows, row)
		}
	}
	return d, nil
}

// handleChecks lists the checks assigned to the viewer's organisation.
func (s *server) handleChecks(w http.ResponseWriter, r *http.Request, v *viewer) {
	if checkKindsOf(v.Kind()) == nil {
		s.forbidden(w, r, v)
		return
	}
	d, err := s.assignedWork(r, v)
	if err != nil {
		s.fail(w, r, v, err)
		return
	}
	if r.URL.Query().Get("outstanding") == "yes" {
		d.Outstanding = true
		d.Rows = slices.DeleteFunc(d.Rows, func(row assignedRow) bool { return row.Request == nil || row.Request.Recorded })
	}
	p := s.newPage(w, r, v)
	p.Protected = true
	if k, ok := checkDone[r.URL.Query().Get("done")]; ok {
		p.Notice = p.t(k)
	}
	p.Data = d
	s.render(w, r, http.StatusOK, "partner_checks", p)
}

// checkData is what the form of one member's check shows.
type checkData struct {
	Row     assignedRow
	Kinds   []haven.CheckKind
	Results []haven.CheckResult
	Medical bool
}

// checkLabels are the check form's controls and their labels.
var checkLabels = map[string]string{
	"kind": "checks.kind", "result": "checks.result", "valid_until": "checks.valid_until", "details": "checks.details",
	"conviction_politically_motivated": "partner.check.political", "political_motivation_reasons": "partner.check.political_reasons",
}

// findAssigned returns the member of the request's path among those
// assigned to the viewer's organisation; ENOTFOUND otherwise.
func (s *server) findAssigned(r *http.Request, v *viewer) (*checkData, error) {
	d, err := s.assignedWork(r, v)
	if err != nil {
		return nil, err
	}
	for _, row := range d.Rows {
		if string(row.Case.ID) == r.PathValue("id") && string(row.Member.ID) == r.PathValue("member") {
			return &checkData{Row: row, Kinds: d.Kinds, Results: haven.CheckResults, Medical: v.Kind() == haven.OrgMedicalPartner}, nil
		}
	}
	return nil, haven.Errorf(haven.ENOTFOUND, "web.check", "no such case")
}

// handleCheckForm shows the form of a check of one assigned member.
func (s *server) handleCheckForm(w http.ResponseWriter, r *http.Request, v *viewer) {
	if checkKindsOf(v.Kind()) == nil {
		s.forbidden(w, r, v)
		return
	}
	d, err := s.findAssigned(r, v)
	if err != nil {
		s.fail(w, r, v, err)
		return
	}
	p := s.newPage(w, r, v)
	p.Protected = true
	p.Data = d
	s.render(w, r, http.StatusOK, "partner_check", p)
}

// handleCheck records the check. A member the organisation is not
// assigned is not found: the app answers so, and nothing is recorded.
func (s *server) handleCheck(w http.ResponseWriter, r *http.Request, v *viewer) {
	kinds := checkKindsOf(v.Kind())
	if kinds == nil {
		s.forbidden(w, r, v)
		return
	}
	ch := &haven.Check{MemberID: haven.ID(r.PathValue("member")), Kind: kinds[0], Result: haven.CheckResult(r.PostFormValue("result")),
		Details: r.PostFormValue("details")}
	if len(kinds) > 1 {
		ch.Kind = haven.CheckKind(r.PostFormValue("kind"))
		ch.ConvictionPoliticallyMotivated = r.PostFormValue("conviction_politically_motivated") == "yes"
		ch.PoliticalMotivationReasons = r.PostFormValue("political_motivation_reasons")
	}
	var pre []formProblem
	if ch.Kind == haven.CheckMedical {
		pre = parseDateField(r, "valid_until", &ch.ValidUntil)
	}
	if len(kinds) > 1 && !ch.Kind.Valid() {
		pre = append(pre, formProblem{field: "kind", key: "partner.err.screening_kind"})
	}
	if pre == nil {
		if _, err := s.cases.RecordCheck(r.Context(), v.Actor, haven.ID(r.PathValue("id")), ch); err != nil {
			s.checkFailed(w, r, v, err, nil)
			return
		}
		http.Redirect(w, r, "/checks?done=recorded", http.StatusSeeOther)
		return
	}
	s.checkFailed(w, r, v, nil, pre)
}

// checkFailed shows the check form again with what was typed and the
// problems.
func (s *server) checkFailed(w http.ResponseWriter, r *http.Request, v *viewer, err error, pre []formProblem) {
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
	d, lerr := s.findAssigned(r, v)
	if lerr != nil {
		s.fail(w, r, v, lerr)
		return
	}
	p := s.newPage(w, r, v)
	p.Protected = true
	p.toggleTo(strings.TrimSuffix(r.URL.Path, "/"))
	p.Form = r.PostForm
	p.Data = d
	for _, fp := range pre {
		p.invalid(fp.field, fp.key, fp.args...)
	}
	if err != nil {
		p.failAt(err, labelsOf(checkLabels, nil))
	}
	s.render(w, r, status, "partner_check", p)
}
