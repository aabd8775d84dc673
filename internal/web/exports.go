package web

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/havenhrd/haven"
)

// Each list's CSV export: the rows and columns the list shows the reader,
// with its filters, search and order, every page of it (the app bounds the
// rows and records each export in the audit log), in the reader's
// language. A file leaves Haven: cells a spreadsheet would run as a
// formula are neutralised, and the file is written with encoding/csv
// (RFC 4180 quoting, CRLF lines) behind a UTF-8 byte order mark, so that
// Excel reads the names in any script.

// formulaStarts are the characters that make a spreadsheet take a cell as
// a formula (OWASP, CSV injection): such a cell is prefixed with a quote.
const formulaStarts = "=+-@\t\r"

// csvCell neutralises a cell a spreadsheet would run as a formula.
func csvCell(s string) string {
	if s != "" && strings.ContainsRune(formulaStarts, rune(s[0])) {
		return "'" + s
	}
	return s
}

// writeCSV answers with the rows as a CSV file named name (today's date
// added), each cell neutralised.
func (s *server) writeCSV(w http.ResponseWriter, r *http.Request, name string, rows [][]string) {
	var buf bytes.Buffer
	buf.WriteString("\uFEFF")
	cw := csv.NewWriter(&buf)
	cw.UseCRLF = true
	for _, row := range rows {
		out := make([]string, len(row))
		for i, c := range row {
			out[i] = csvCell(c)
		}
		if err := cw.Write(out); err != nil {
			s.fail(w, r, nil, haven.Internal("web.csv", err))
			return
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		s.fail(w, r, nil, haven.Internal("web.csv", err))
		return
	}
	file := fmt.Sprintf("haven-%s-%s.csv", name, haven.DateOf(s.clock.Now()))
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="`+file+`"`)
	w.Header().Set("Cache-Control", "no-store")
	w.Write(buf.Bytes())
}

// enumText is the page's words for a value of an enumeration.
func (p *page) enumText(prefix string, v any) string {
	s := fmt.Sprint(v)
	if s == "" {
		return ""
	}
	return p.t(prefix + "." + s)
}

// countriesText names countries in the page's language.
func (p *page) countriesText(codes []string) string {
	out := make([]string, len(codes))
	for i, c := range codes {
		out[i] = country(p.Lang, c)
	}
	return strings.Join(out, ", ")
}

// exportRefused answers an export the app refused: the list's page with
// the problem, or the problem page.
func (s *server) exportRefused(w http.ResponseWriter, r *http.Request, v *viewer, p *page, tmpl string, err error) {
	fields := haven.FieldsOf(err)
	switch {
	case slices.ContainsFunc(fields, func(f haven.FieldProblem) bool { return f.Field == "export" }):
		p.Alert = p.t("export.too_many")
		s.render(w, r, http.StatusBadRequest, tmpl, p)
		return
	case haven.ErrorCodeOf(err) == haven.EINVALID:
		p.fail(err, queueLabels, map[string]string{"referring_org_id": "partner"})
		s.render(w, r, http.StatusBadRequest, tmpl, p)
		return
	}
	s.fail(w, r, v, err)
}

// handleCasesCSV exports the list of cases the request's filters, search
// and order select, as the list shows it to the viewer, every page of it.
func (s *server) handleCasesCSV(w http.ResponseWriter, r *http.Request, v *viewer) {
	p := s.newPage(w, r, v)
	p.Protected = true
	f, d, _ := s.queueQuery(p, v, r.URL.Query())
	p.Data = d
	if p.Failed() {
		s.render(w, r, http.StatusBadRequest, "cases", p)
		return
	}
	cases, err := s.cases.ExportCases(r.Context(), v.Actor, f)
	if err != nil {
		s.exportRefused(w, r, v, p, "cases", err)
		return
	}
	d.rows(v, cases, haven.DateOf(s.clock.Now()))
	// The columns the page shows, on the same conditions.
	d.Referral = slices.ContainsFunc(cases, func(c *haven.Case) bool { return c.ProcessingPriority != "" })
	head := []string{p.t("case.id")}
	if d.Names {
		head = append(head, p.t("queue.principal"))
	}
	if d.Numbers {
		head = append(head, p.t("case.unhcr_number"))
	}
	head = append(head, p.t("case.state"), p.t("queue.next_step"))
	if d.Arrivals {
		head = append(head, p.t("queue.expected_arrival"))
	}
	head = append(head, p.t("queue.due"))
	if d.Referral {
		head = append(head, p.t("case.processing_priority"), p.t("case.nationality"), p.t("case.asylum_country"),
			p.t("case.declared_size"), p.t("case.referring_org"))
	}
	head = append(head, p.t("case.referred_at"), p.t("case.updated_at"))
	rows := [][]string{head}
	for _, c := range d.Cases {
		ref := c.Reference
		if ref == "" {
			ref = string(c.ID)
		}
		row := []string{ref}
		if d.Names {
			row = append(row, c.Name)
		}
		if d.Numbers {
			row = append(row, c.UNHCRNumber)
		}
		next := p.enumText("stage", c.Stage)
		if len(c.Holders) > 0 {
			next = strings.TrimPrefix(next+"; "+p.tf("turn.check_partners_of", c.Holding()), "; ")
		} else if c.Turn != "" {
			next = strings.TrimPrefix(next+"; "+p.enumText("turn", c.Turn), "; ")
		}
		row = append(row, p.enumText("state", c.State), next)
		if d.Arrivals {
			arriving := ""
			if !c.Arriving.IsZero() {
				arriving = c.Arriving.String()
			}
			row = append(row, arriving)
		}
		due := ""
		if c.HasDue {
			due = c.Due.String()
			if c.Interview {
				due += " – " + p.t("clock.interview")
			}
			if c.Overdue > 0 {
				due += "; " + p.tf("clock.overdue", c.Overdue)
			} else {
				due += "; " + p.tf("clock.left", c.DaysLeft)
			}
		}
		row = append(row, due)
		if d.Referral {
			row = append(row, p.enumText("priority", c.ProcessingPriority), p.countriesText(c.NationalityCountries),
				country(p.Lang, c.AsylumCountry), strconv.Itoa(c.DeclaredSize), p.OrgName(c.ReferringOrgID))
		}
		row = append(row, when(c.ReferredAt, "2006-01-02"), when(c.UpdatedAt, "2006-01-02"))
		rows = append(rows, row)
	}
	s.writeCSV(w, r, "cases", rows)
}

// handleNominationsCSV exports the nominations list, of one state when
// ?state= is given, as the list shows it.
func (s *server) handleNominationsCSV(w http.ResponseWriter, r *http.Request, v *viewer) {
	p, d, state, ok := s.nominationsQuery(w, r, v)
	if !ok {
		return
	}
	ns, err := s.nominations.ExportNominations(r.Context(), v.Actor, state)
	if err != nil {
		s.exportRefused(w, r, v, p, "partner_nominations", err)
		return
	}
	other := p.t("partner.nomination.to")
	if d.Inbox {
		other = p.t("partner.nomination.from")
	}
	rows := [][]string{{p.t("partner.nomination.title"), other, p.t("case.state"), p.t("partner.nom.priority"), p.t("case.nationality"),
		p.t("case.asylum_country"), p.t("case.declared_size"), p.t("partner.nomination.sent"), p.t("case.title")}}
	for _, n := range ns {
		org := n.ReferralOrgID
		if d.Inbox {
			org = n.ProtectionOrgID
		}
		rows = append(rows, []string{string(n.ID), p.OrgName(org), p.enumText("partner.nomstate", n.State),
			p.enumText("priority", n.RecommendedPriority), p.countriesText(n.NationalityCountries), country(p.Lang, n.AsylumCountry),
			strconv.Itoa(n.FamilySize), when(n.CreatedAt, "2006-01-02"), string(n.CaseID)})
	}
	s.writeCSV(w, r, "nominations", rows)
}

// handleChecksCSV exports a screening or medical partner's list of the
// members assigned to it, all or the outstanding ones, as the list shows
// them.
func (s *server) handleChecksCSV(w http.ResponseWriter, r *http.Request, v *viewer) {
	if checkKindsOf(v.Kind()) == nil {
		s.forbidden(w, r, v)
		return
	}
	cases, reqs, err := s.cases.ExportAssignedWork(r.Context(), v.Actor)
	if err != nil {
		s.fail(w, r, v, err)
		return
	}
	d := assembleChecks(v, cases, reqs)
	if r.URL.Query().Get("outstanding") == "yes" {
		d.Rows = slices.DeleteFunc(d.Rows, func(row assignedRow) bool { return row.Request == nil || row.Request.Recorded })
	}
	p := s.newPage(w, r, v)
	head := []string{p.t("checks.member"), p.t("family.date_of_birth"), p.t("family.sex"), p.t("family.nationalities"),
		p.t("case.title"), p.t("case.processing_priority"), p.t("partner.checks.asked"), p.t("partner.checks.due")}
	for _, k := range d.Kinds {
		head = append(head, p.tf("partner.checks.latest", p.enumText("checkkind", k)))
	}
	rows := [][]string{head}
	for _, row := range d.Rows {
		m := row.Member
		name := strings.TrimPrefix(strings.TrimSuffix(m.FamilyName+", "+m.GivenNames, ", "), ", ")
		if m.FamilyName == "" && m.GivenNames == "" {
			name = string(m.ID)
		}
		ref := row.Case.Reference
		if ref == "" {
			ref = string(row.Case.ID)
		}
		dob := ""
		if !m.DateOfBirth.IsZero() {
			dob = m.DateOfBirth.String()
		}
		out := []string{name, dob, p.enumText("sex", m.Sex), p.countriesText(m.Nationalities), ref}
		if q := row.Request; q != nil {
			due := ""
			if q.Due != nil {
				due = q.Due.String()
			}
			out = append(out, p.enumText("priority", q.Priority), when(q.AssignedAt, "2006-01-02"), due)
		} else {
			out = append(out, "", "", "")
		}
		for _, ch := range row.Latest {
			cell := p.t("partner.checks.none")
			if ch != nil {
				cell = p.enumText("checkresult", ch.Result)
				if !ch.ValidUntil.IsZero() {
					cell += " (" + p.t("checks.valid_until") + " " + ch.ValidUntil.String() + ")"
				}
			}
			out = append(out, cell)
		}
		rows = append(rows, out)
	}
	s.writeCSV(w, r, "checks", rows)
}
