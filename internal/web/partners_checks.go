package web

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"
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
var checkDone = map[string]string{"recorded": "partner.done.check", "family": "partner.done.checks"}

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
	return assembleChecks(v, cases, reqs), nil
}

// assembleChecks makes the list of the members of cases assigned to the
// viewer's organisation, each with what was asked of it (reqs).
func assembleChecks(v *viewer, cases []*haven.Case, reqs []*haven.CheckRequest) *checksData {
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
	return d
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
	if err == nil && pre != nil {
		// The page found a problem and did not ask the app: the check's
		// own validation says what else is wrong, in the same pass.
		ch := &haven.Check{MemberID: d.Row.Member.ID, Kind: haven.CheckKind(r.PostFormValue("kind")), Result: haven.CheckResult(r.PostFormValue("result")),
			Details: r.PostFormValue("details"), ConvictionPoliticallyMotivated: r.PostFormValue("conviction_politically_motivated") == "yes",
			PoliticalMotivationReasons: r.PostFormValue("political_motivation_reasons")}
		if d.Medical {
			ch.Kind = haven.CheckMedical
		}
		for _, f := range ch.Validate() {
			if f.Field != "kind" && f.Field != "valid_until" && !p.hasError(f.Field) {
				p.Errors = append(p.Errors, problem{Field: f.Field, Message: p.problemMessage(f.Message, checkLabels[f.Field])})
			}
		}
	}
	if err != nil {
		p.failAt(err, labelsOf(checkLabels, nil))
	}
	s.render(w, r, status, "partner_check", p)
}

// The family form: every check of the viewer's kind for every member of
// one case assigned to the viewer's organisation, recorded at once. A row
// left wholly blank records nothing; the rest are recorded together, in one
// transaction of the app's, or none of them.

// familyCheck is one row of the family form: a member's check of one kind.
type familyCheck struct {
	Kind haven.CheckKind
	// ID prefixes the row's form controls: the member's ID and the kind.
	ID     string
	Latest *haven.Check
}

// Control is the ID of the row's form control of field.
func (c familyCheck) Control(field string) string { return c.ID + "-" + field }

// familyMember is one member of the family form, with a row per kind.
type familyMember struct {
	Row    assignedRow
	Checks []familyCheck
}

// familyData is what the family form shows.
type familyData struct {
	Case    *haven.Case
	Members []familyMember
	Results []haven.CheckResult
	Medical bool
}

// familyFields are the controls of a row, by the app's names of the
// check's fields, and the catalogue keys of their labels.
var familyFields = map[string]struct{ control, label string }{
	"result":                           {"result", "checks.result"},
	"valid_until":                      {"valid_until", "checks.valid_until"},
	"details":                          {"details", "checks.details"},
	"conviction_politically_motivated": {"political", "partner.check.political"},
	"political_motivation_reasons":     {"political_reasons", "partner.check.political_reasons"},
	"kind":                             {"result", "checks.result"},
	"member_id":                        {"result", "checks.result"},
}

// findFamily returns the family form of the case of the request's path:
// its members assigned to the viewer's organisation, and no other; a case
// with none is not found.
func (s *server) findFamily(r *http.Request, v *viewer) (*familyData, error) {
	d, err := s.assignedWork(r, v)
	if err != nil {
		return nil, err
	}
	fd := &familyData{Results: haven.CheckResults, Medical: v.Kind() == haven.OrgMedicalPartner}
	for _, row := range d.Rows {
		if string(row.Case.ID) != r.PathValue("id") {
			continue
		}
		fd.Case = row.Case
		m := familyMember{Row: row}
		for i, k := range d.Kinds {
			m.Checks = append(m.Checks, familyCheck{Kind: k, ID: string(row.Member.ID) + "-" + string(k), Latest: row.Latest[i]})
		}
		fd.Members = append(fd.Members, m)
	}
	if fd.Case == nil {
		return nil, haven.Errorf(haven.ENOTFOUND, "web.checks", "no such case")
	}
	return fd, nil
}

// handleFamilyChecksForm shows the form of the checks of a family.
func (s *server) handleFamilyChecksForm(w http.ResponseWriter, r *http.Request, v *viewer) {
	if checkKindsOf(v.Kind()) == nil {
		s.forbidden(w, r, v)
		return
	}
	d, err := s.findFamily(r, v)
	if err != nil {
		s.fail(w, r, v, err)
		return
	}
	p := s.newPage(w, r, v)
	p.Protected = true
	p.Data = d
	s.render(w, r, http.StatusOK, "partner_family_checks", p)
}

// blankRow reports whether nothing was typed or chosen in a row.
func blankRow(r *http.Request, c familyCheck) bool {
	for _, f := range []string{"result", "valid_until", "details", "political", "political_reasons"} {
		if strings.TrimSpace(r.PostFormValue(c.Control(f))) != "" {
			return false
		}
	}
	return true
}

// handleFamilyChecks records the family's checks: every row's problems are
// shown at once, each beside its field, and nothing is recorded unless
// every row is right and the app records them all.
func (s *server) handleFamilyChecks(w http.ResponseWriter, r *http.Request, v *viewer) {
	if checkKindsOf(v.Kind()) == nil {
		s.forbidden(w, r, v)
		return
	}
	d, err := s.findFamily(r, v)
	if err != nil {
		s.fail(w, r, v, err)
		return
	}
	p := s.newPage(w, r, v)
	p.Protected = true
	p.toggleTo(strings.TrimSuffix(r.URL.Path, "/"))
	p.Form = r.PostForm
	p.Data = d
	var checks []*haven.Check
	var rows []familyCheck
	var names []*haven.Member
	var pre []formProblem
	for _, m := range d.Members {
		for _, c := range m.Checks {
			if blankRow(r, c) {
				continue
			}
			ch := &haven.Check{MemberID: m.Row.Member.ID, Kind: c.Kind, Result: haven.CheckResult(r.PostFormValue(c.Control("result"))),
				Details: r.PostFormValue(c.Control("details"))}
			if c.Kind == haven.CheckMedical {
				if typed := strings.TrimSpace(r.PostFormValue(c.Control("valid_until"))); typed != "" {
					got, err := haven.ParseDate(typed)
					if err != nil {
						pre = append(pre, dateProblem(c.Control("valid_until"), err))
					}
					ch.ValidUntil = got
				}
			}
			if c.Kind == haven.CheckCriminality {
				ch.ConvictionPoliticallyMotivated = r.PostFormValue(c.Control("political")) == "yes"
				ch.PoliticalMotivationReasons = r.PostFormValue(c.Control("political_reasons"))
			}
			checks, rows, names = append(checks, ch), append(rows, c), append(names, m.Row.Member)
		}
	}
	locate := func(field string) (string, string, bool) {
		i, f, ok := checkAt(field)
		if !ok || i >= len(rows) {
			return "", "", false
		}
		ff, ok := familyFields[f]
		if !ok {
			ff = familyFields["result"]
		}
		return rows[i].Control(ff.control), ff.label, true
	}
	status := http.StatusBadRequest
	switch {
	case len(checks) == 0:
		p.invalid(d.Members[0].Checks[0].Control("result"), "partner.err.family_none")
	case pre != nil:
		// The page found a date that is not one: the app is not asked,
		// and the rows' own validation says what else is wrong.
		for _, fp := range pre {
			p.invalid(fp.field, fp.key, fp.args...)
		}
		var all haven.Problems
		for i, ch := range checks {
			all.Merge(fmt.Sprintf("checks[%d].", i), ch.Validate())
		}
		if len(all) > 0 {
			before := len(p.Errors)
			p.failAt(all.Err("web.checks"), locate)
			p.Errors = append(p.Errors[:before], slices.DeleteFunc(p.Errors[before:], func(e problem) bool {
				return slices.ContainsFunc(p.Errors[:before], func(f problem) bool { return f.Field == e.Field })
			})...)
		}
	default:
		_, err := s.cases.RecordChecks(r.Context(), v.Actor, d.Case.ID, checks)
		if err == nil {
			http.Redirect(w, r, "/checks?done=family", http.StatusSeeOther)
			return
		}
		switch haven.ErrorCodeOf(err) {
		case haven.EINVALID, haven.ECONFLICT:
		default:
			s.fail(w, r, v, err)
			return
		}
		status = statusOf(err)
		s.logRefused(r, status, haven.ErrorCodeOf(err), err)
		p.failAt(err, locate)
	}
	// Each problem names the person and the check it is about: the form
	// holds several of each.
	for i, e := range p.Errors {
		for j, c := range rows {
			if strings.HasPrefix(e.Field, c.ID+"-") {
				p.Errors[i].Message = p.tf("partner.checks.row_problem", personName(names[j]), p.t("checkkind."+string(c.Kind)), e.Message)
				break
			}
		}
	}
	s.render(w, r, status, "partner_family_checks", p)
}

// checkAt parses the app's name of a field of the i-th check of a list,
// "checks[2].result", into 2 and "result".
func checkAt(field string) (int, string, bool) {
	rest, ok := strings.CutPrefix(field, "checks[")
	if !ok {
		return 0, "", false
	}
	n, f, ok := strings.Cut(rest, "]")
	if !ok {
		return 0, "", false
	}
	i, err := strconv.Atoi(n)
	if err != nil || i < 0 {
		return 0, "", false
	}
	return i, strings.TrimPrefix(f, "."), true
}

// personName is a member's name as the partner pages write it.
func personName(m *haven.Member) string {
	switch {
	case m.FamilyName != "" && m.GivenNames != "":
		return m.FamilyName + ", " + m.GivenNames
	case m.FamilyName != "" || m.GivenNames != "":
		return m.FamilyName + m.GivenNames
	}
	return string(m.ID)
}
