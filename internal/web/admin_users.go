package web

import (
	"context"
	"net/http"
	"net/url"
	"strings"

	"github.com/havenhrd/haven"
)

// Users: add a user to an organisation and hand over their one-time
// enrolment link, shown once; disable a user; issue a new enrolment link.
// The app has no list of users yet, so disabling and re-enrolling start
// from a username (app.FindUserByUsername).

// handleAdminHome is the administration's home: links to its pages.
func (s *server) handleAdminHome(w http.ResponseWriter, r *http.Request, v *viewer) {
	s.render(w, r, http.StatusOK, "admin_home", s.newPage(w, r, v))
}

var adminUserLabels = map[string]string{
	"org_id": "admin.users.org", "role": "admin.users.role", "username": "admin.users.username", "display_name": "admin.users.display_name",
}

// adminUsersData is what the users page shows: every user with their
// factors, and the form that adds one.
type adminUsersData struct {
	Orgs     []*haven.Organisation
	Roles    []haven.Role
	Accounts []*haven.Account
	// OrgNames names each organisation by ID.
	OrgNames map[haven.ID]string
}

// usersData reads what the users page shows.
func (s *server) usersData(ctx context.Context, v *viewer) (*adminUsersData, error) {
	accounts, err := s.accounts.FindAccounts(ctx, v.Actor, "")
	if err != nil {
		return nil, err
	}
	d := &adminUsersData{Orgs: adminSortedOrgs(v), Roles: haven.Roles, Accounts: accounts, OrgNames: map[haven.ID]string{}}
	for _, o := range v.orgs {
		d.OrgNames[o.ID] = o.Name
	}
	return d, nil
}

// adminLinkData is the page that shows an enrolment link, once.
type adminLinkData struct {
	User *haven.User
	Link string
	// Reissued says the link replaces the user's factors, rather than
	// starting a new account.
	Reissued bool
}

// adminUserData is a confirmation page about one user, or the form that
// finds them (User nil).
type adminUserData struct {
	// Act is the page: "disable" or "enrolment".
	Act  string
	User *haven.User
	// Self says the user is the viewer.
	Self bool
}

// adminUsername reads a username as Haven keeps it: trimmed, lower case.
func adminUsername(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

// adminEnrolmentLink is the absolute link a new user opens to enrol.
func (s *server) adminEnrolmentLink(secret string) string {
	return strings.TrimSuffix(s.origin, "/") + "/enrol?" + url.Values{"secret": {secret}}.Encode()
}

// handleAdminUsers shows the form that adds a user, and the ways to the other
// acts on users.
func (s *server) handleAdminUsers(w http.ResponseWriter, r *http.Request, v *viewer) {
	d, err := s.usersData(r.Context(), v)
	if err != nil {
		s.fail(w, r, v, err)
		return
	}
	p := s.newPage(w, r, v)
	p.Data = d
	s.render(w, r, http.StatusOK, "admin_users", p)
}

// handleAdminUserAdd adds the user and shows their enrolment link, this once:
// the answer is the POST's own, never cached, and a reload either asks to
// send the form again (then the username is taken) or shows the empty form.
func (s *server) handleAdminUserAdd(w http.ResponseWriter, r *http.Request, v *viewer) {
	p := s.adminPage(w, r, v, "/admin/users")
	p.Form = r.PostForm
	u := &haven.User{OrgID: haven.ID(r.PostFormValue("org_id")), Username: adminUsername(r.PostFormValue("username")),
		DisplayName: strings.TrimSpace(r.PostFormValue("display_name"))}
	if u.OrgID == "" {
		p.invalid("org_id", "admin.err.org_required")
	}
	if role, err := haven.ParseRole(r.PostFormValue("role")); err != nil {
		p.invalid("role", "admin.err.role_required")
	} else {
		u.Role = role
	}
	status := http.StatusBadRequest
	if p.Failed() {
		// No organisation or role hides nothing else: the username and
		// the name are checked with them.
		adminRecord(p, u.Validate().Err("web.admin_user"), adminUserLabels, nil, nil)
	} else {
		secret, err := s.programme.CreateUser(r.Context(), v.Actor, u)
		if err == nil {
			p.Form = nil
			p.Data = &adminLinkData{User: u, Link: s.adminEnrolmentLink(secret)}
			s.render(w, r, http.StatusOK, "admin_user_link", p)
			return
		}
		if adminPageFails(err) || haven.ErrorCodeOf(err) == haven.ENOTFOUND {
			s.fail(w, r, v, err)
			return
		}
		s.logRefused(r, statusOf(err), haven.ErrorCodeOf(err), err)
		status = statusOf(err)
		adminRecord(p, err, adminUserLabels, nil, map[string]string{"admin.err.username_taken": "username"})
	}
	d, err := s.usersData(r.Context(), v)
	if err != nil {
		s.fail(w, r, v, err)
		return
	}
	p.Data = d
	s.render(w, r, status, "admin_users", p)
}

// adminUserFind shows the form that finds a user for act, with a problem
// when one is given.
func (s *server) adminUserFind(w http.ResponseWriter, r *http.Request, p *page, act, username, problemKey string, status int) {
	p.Form = url.Values{"username": {username}}
	if problemKey != "" {
		p.invalid("username", problemKey)
	}
	p.Data = &adminUserData{Act: act}
	s.render(w, r, status, "admin_user", p)
}

// adminLookUser finds the user of a username for act, answering the page
// itself when there is none: ok is false then.
func (s *server) adminLookUser(w http.ResponseWriter, r *http.Request, v *viewer, p *page, act, username string) (*haven.User, bool) {
	if username == "" {
		s.adminUserFind(w, r, p, act, "", "admin.err.username_required", http.StatusBadRequest)
		return nil, false
	}
	u, err := s.programme.FindUserByUsername(r.Context(), username)
	switch haven.ErrorCodeOf(err) {
	case "":
		return u, true
	case haven.ENOTFOUND:
		s.logRefused(r, http.StatusNotFound, haven.ENOTFOUND, err)
		s.adminUserFind(w, r, p, act, username, "admin.err.no_user", http.StatusNotFound)
	default:
		s.fail(w, r, v, err)
	}
	return nil, false
}

// handleAdminUserConfirm is the GET page of an act on a user: without a
// username, the form that finds the user; with one, the confirmation page
// that names the user and what will happen.
func (s *server) handleAdminUserConfirm(act string) func(http.ResponseWriter, *http.Request, *viewer) {
	return func(w http.ResponseWriter, r *http.Request, v *viewer) {
		p := s.newPage(w, r, v)
		q := r.URL.Query()
		if !q.Has("username") {
			s.adminUserFind(w, r, p, act, "", "", http.StatusOK)
			return
		}
		u, ok := s.adminLookUser(w, r, v, p, act, adminUsername(q.Get("username")))
		if !ok {
			return
		}
		if q.Get("done") != "" && act == "disable" && !u.DisabledAt.IsZero() {
			p.Notice = p.t("admin.disable.done")
		}
		p.Data = &adminUserData{Act: act, User: u, Self: u.ID == v.Actor.UserID}
		s.render(w, r, http.StatusOK, "admin_user", p)
	}
}

// adminConfirmedUser is the user a confirmation page named: found again by the
// username it carries, and the same user as its ID says.
func (s *server) adminConfirmedUser(w http.ResponseWriter, r *http.Request, v *viewer, p *page, act string) (*haven.User, bool) {
	u, ok := s.adminLookUser(w, r, v, p, act, adminUsername(r.PostFormValue("username")))
	if ok && string(u.ID) != r.PostFormValue("user_id") {
		s.adminUserFind(w, r, p, act, u.Username, "admin.err.no_user", http.StatusNotFound)
		return nil, false
	}
	return u, ok
}

// handleAdminUserDisable disables the confirmed user: their sessions end and
// their API tokens stop working at once.
func (s *server) handleAdminUserDisable(w http.ResponseWriter, r *http.Request, v *viewer) {
	p := s.adminPage(w, r, v, "/admin/users/disable")
	u, ok := s.adminConfirmedUser(w, r, v, p, "disable")
	if !ok {
		return
	}
	err := s.accounts.DisableUser(r.Context(), v.Actor, u.ID)
	switch {
	case err == nil:
		http.Redirect(w, r, "/admin/users/disable?"+url.Values{"username": {u.Username}, "done": {"1"}}.Encode(), http.StatusSeeOther)
	case haven.ErrorCodeOf(err) == haven.ECONFLICT:
		s.logRefused(r, http.StatusConflict, haven.ECONFLICT, err)
		p.Alert = adminExplain(p, err)
		p.Data = &adminUserData{Act: "disable", User: u, Self: u.ID == v.Actor.UserID}
		s.render(w, r, http.StatusConflict, "admin_user", p)
	default:
		s.fail(w, r, v, err)
	}
}

// handleAdminUserEnrol issues the confirmed user a new enrolment link, shown
// this once: their factors and sessions end.
func (s *server) handleAdminUserEnrol(w http.ResponseWriter, r *http.Request, v *viewer) {
	p := s.adminPage(w, r, v, "/admin/users/enrolment")
	u, ok := s.adminConfirmedUser(w, r, v, p, "enrolment")
	if !ok {
		return
	}
	secret, err := s.accounts.IssueEnrolment(r.Context(), v.Actor, u.ID)
	if err != nil {
		s.fail(w, r, v, err)
		return
	}
	p.Data = &adminLinkData{User: u, Link: s.adminEnrolmentLink(secret), Reissued: true}
	s.render(w, r, http.StatusOK, "admin_user_link", p)
}
