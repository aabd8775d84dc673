package web

import (
	"net/http"
	"strings"
	"time"
)

// The CSV exports of the notifications and of the administration's lists
// (organisations, users, API tokens): the columns their pages show, in the
// reader's language, each recorded by the app in the audit log. None holds
// a secret: the app's lists carry none (no token, no hash, no enrolment
// link).

// handleNoticesCSV exports the viewer's notifications as the list shows
// them: an escalation with the reference alone, as on the page.
func (s *server) handleNoticesCSV(w http.ResponseWriter, r *http.Request, v *viewer) {
	ns, err := s.notices.ExportNotifications(r.Context(), v.Actor)
	if err != nil {
		s.fail(w, r, v, err)
		return
	}
	p := s.newPage(w, r, v)
	rows := [][]string{{p.t("notices.when"), p.t("notices.what"), p.t("notices.case"), p.t("notices.due"), p.t("notices.status")}}
	for _, n := range ns.Items {
		what := []string{p.t("notice." + string(n.Kind))}
		if n.Stage != "" {
			what = append(what, p.tf("notices.stage_priority", p.enumText("stage", n.Stage), p.enumText("priority", n.Priority)))
		}
		if n.Escalation {
			what = append(what, p.t("notices.escalated"))
		}
		status := p.t("notices.read")
		if n.ReadAt.IsZero() {
			status = p.t("notices.new")
		}
		rows = append(rows, []string{when(n.CreatedAt, "2006-01-02 15:04 UTC"), strings.Join(what, " "), n.CaseReference, n.Due.String(), status})
	}
	s.writeCSV(w, r, "notifications", rows)
}

// handleAdminOrgsCSV exports the organisations as their page lists them.
func (s *server) handleAdminOrgsCSV(w http.ResponseWriter, r *http.Request, v *viewer) {
	orgs, err := s.programme.ExportOrganisations(r.Context(), v.Actor)
	if err != nil {
		s.fail(w, r, v, err)
		return
	}
	p := s.newPage(w, r, v)
	rows := [][]string{{p.t("admin.orgs.name"), p.t("admin.orgs.kind"), p.t("admin.orgs.country"), p.t("admin.orgs.created")}}
	for _, o := range adminSortOrgs(orgs) {
		rows = append(rows, []string{o.Name, p.enumText("orgkind", o.Kind), country(p.Lang, o.Country), when(o.CreatedAt, time.DateOnly)})
	}
	s.writeCSV(w, r, "organisations", rows)
}

// handleAdminUsersCSV exports the users as their page lists them, without
// the page's links.
func (s *server) handleAdminUsersCSV(w http.ResponseWriter, r *http.Request, v *viewer) {
	accounts, err := s.accounts.ExportAccounts(r.Context(), v.Actor)
	if err != nil {
		s.fail(w, r, v, err)
		return
	}
	p := s.newPage(w, r, v)
	rows := [][]string{{p.t("admin.users.username"), p.t("admin.users.display_name"), p.t("admin.users.org"), p.t("admin.users.role"),
		p.t("admin.users.status"), p.t("admin.users.factors")}}
	for _, a := range accounts {
		u := a.User
		status := p.t("admin.users.awaiting")
		switch {
		case !u.DisabledAt.IsZero():
			status = p.tf("admin.users.disabled_on", when(u.DisabledAt, time.DateOnly))
		case a.Enrolled:
			status = p.t("admin.users.active")
		}
		factors := ""
		if f := a.Factors; f != nil {
			factors = p.tf("admin.users.passkeys", len(f.Passkeys))
			if f.TOTP {
				factors += "; " + p.t("admin.users.totp")
			}
			factors += "; " + p.tf("admin.users.codes_left", f.RecoveryCodesLeft)
		}
		rows = append(rows, []string{u.Username, u.DisplayName, p.OrgName(u.OrgID), p.enumText("userrole", u.Role), status, factors})
	}
	s.writeCSV(w, r, "users", rows)
}

// handleAdminTokensCSV exports the API tokens as their page lists them:
// never a token, which Haven does not keep, nor its hash.
func (s *server) handleAdminTokensCSV(w http.ResponseWriter, r *http.Request, v *viewer) {
	ks, err := s.accounts.ExportAPITokens(r.Context(), v.Actor)
	if err != nil {
		s.fail(w, r, v, err)
		return
	}
	p := s.newPage(w, r, v)
	rows := [][]string{tokenColumns(p)}
	for _, k := range ks {
		rows = append(rows, []string{string(k.ID), k.Username, k.Name, when(k.CreatedAt, time.DateOnly), when(k.ExpiresAt, time.DateOnly),
			when(k.LastUsedAt, time.DateOnly), tokenStatus(p, k, s.clock.Now())})
	}
	s.writeCSV(w, r, "tokens", rows)
}

// tokenColumns are the columns of the list of API tokens.
func tokenColumns(p *page) []string {
	return []string{p.t("admin.tokens.id"), p.t("admin.tokens.user"), p.t("admin.tokens.name"), p.t("admin.tokens.created"),
		p.t("admin.tokens.expires"), p.t("admin.tokens.last_used"), p.t("admin.users.status")}
}
