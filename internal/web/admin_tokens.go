package web

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"time"

	"github.com/havenhrd/haven"
)

// API tokens: one for an organisation's system, acting as one user, shown
// once when made; revoked by its ID from a confirmation page.

var adminTokenLabels = map[string]string{"username": "admin.tokens.username", "name": "admin.tokens.name", "days": "admin.tokens.days"}

// adminTokenID is the shape of a token's ID: the notice of a revocation
// names only an ID of that shape, never any text a link may carry.
var adminTokenID = regexp.MustCompile(`^tok_[a-z2-7]{26}$`)

// adminTokenData is the page that shows a new token, once.
type adminTokenData struct {
	User  *haven.User
	Name  string
	Token string
	ID    haven.ID
	Days  int
}

// adminRevokeData is the revocation's confirmation page, or the form that
// asks for the token's ID (ID empty).
type adminRevokeData struct{ ID string }

// adminTokensData is what the tokens page lists: every token, with its
// status in the page's words.
type adminTokensData struct{ Tokens []adminTokenRow }

// adminTokenRow is one token of the list.
type adminTokenRow struct {
	*haven.APIToken
	Status string
}

// tokenStatus says whether the token is revoked, expired or active, now.
func tokenStatus(p *page, k *haven.APIToken, now time.Time) string {
	switch {
	case !k.RevokedAt.IsZero():
		return p.tf("admin.tokens.revoked_on", when(k.RevokedAt, time.DateOnly))
	case !k.ExpiresAt.After(now):
		return p.tf("admin.tokens.expired_on", when(k.ExpiresAt, time.DateOnly))
	}
	return p.t("admin.tokens.active")
}

// tokensData reads the list of tokens the tokens page shows.
func (s *server) tokensData(r *http.Request, v *viewer, p *page) (*adminTokensData, error) {
	ks, err := s.accounts.FindAPITokens(r.Context(), v.Actor)
	if err != nil {
		return nil, err
	}
	d := &adminTokensData{}
	for _, k := range ks {
		d.Tokens = append(d.Tokens, adminTokenRow{APIToken: k, Status: tokenStatus(p, k, s.clock.Now())})
	}
	return d, nil
}

// handleAdminTokens lists the tokens, and shows the form that makes one
// and the way to revoke one.
func (s *server) handleAdminTokens(w http.ResponseWriter, r *http.Request, v *viewer) {
	p := s.newPage(w, r, v)
	if id := r.URL.Query().Get("revoked"); adminTokenID.MatchString(id) {
		p.Notice = p.tf("admin.tokens.revoked", id)
	}
	d, err := s.tokensData(r, v, p)
	if err != nil {
		s.fail(w, r, v, err)
		return
	}
	p.Data = d
	s.render(w, r, http.StatusOK, "admin_tokens", p)
}

// handleAdminTokenCreate makes a token for the user of a username and
// shows it, this once.
func (s *server) handleAdminTokenCreate(w http.ResponseWriter, r *http.Request, v *viewer) {
	p := s.adminPage(w, r, v, "/admin/tokens")
	p.Form = r.PostForm
	username, name := adminUsername(r.PostFormValue("username")), strings.TrimSpace(r.PostFormValue("name"))
	if username == "" {
		p.invalid("username", "admin.err.username_required")
	}
	days, _ := adminNumber(p, r.PostForm, "days", false, "admin.err.days_number")
	var u *haven.User
	if username != "" {
		var err error
		u, err = s.programme.FindUserByUsername(r.Context(), username)
		switch haven.ErrorCodeOf(err) {
		case "":
		case haven.ENOTFOUND:
			p.invalid("username", "admin.err.no_user")
		default:
			s.fail(w, r, v, err)
			return
		}
	}
	status := http.StatusBadRequest
	if p.Failed() {
		// No username, or one with no user, hides nothing else: the name
		// and the lifetime are checked with it.
		adminRecord(p, haven.CheckAPIToken(name, time.Duration(days)*24*time.Hour).Err("web.admin_token"), adminTokenLabels, map[string]string{"ttl": "days"}, nil)
	} else {
		token, id, err := s.accounts.CreateAPIToken(r.Context(), v.Actor, u.ID, name, time.Duration(days)*24*time.Hour)
		if err == nil {
			p.Form = nil
			p.Data = &adminTokenData{User: u, Name: name, Token: token, ID: id, Days: days}
			s.render(w, r, http.StatusOK, "admin_token_created", p)
			return
		}
		if adminPageFails(err) || haven.ErrorCodeOf(err) == haven.ENOTFOUND {
			s.fail(w, r, v, err)
			return
		}
		s.logRefused(r, statusOf(err), haven.ErrorCodeOf(err), err)
		status = statusOf(err)
		adminRecord(p, err, adminTokenLabels, map[string]string{"ttl": "days"}, map[string]string{"admin.err.user_disabled": "username"})
	}
	d, err := s.tokensData(r, v, p)
	if err != nil {
		s.fail(w, r, v, err)
		return
	}
	p.Data = d
	s.render(w, r, status, "admin_tokens", p)
}

// handleAdminRevokeConfirm is the GET page of a revocation: without an ID,
// the form that asks for it; with one, the confirmation page.
func (s *server) handleAdminRevokeConfirm(w http.ResponseWriter, r *http.Request, v *viewer) {
	p := s.newPage(w, r, v)
	q := r.URL.Query()
	id := strings.TrimSpace(q.Get("id"))
	switch {
	case !q.Has("id"):
		p.Data = &adminRevokeData{}
	case id == "":
		p.invalid("id", "admin.err.token_id_required")
		p.Data = &adminRevokeData{}
		s.render(w, r, http.StatusBadRequest, "admin_token_revoke", p)
		return
	default:
		p.Data = &adminRevokeData{ID: id}
	}
	s.render(w, r, http.StatusOK, "admin_token_revoke", p)
}

// handleAdminRevoke revokes the confirmed token at once.
func (s *server) handleAdminRevoke(w http.ResponseWriter, r *http.Request, v *viewer) {
	p := s.adminPage(w, r, v, "/admin/tokens/revoke")
	id := strings.TrimSpace(r.PostFormValue("id"))
	err := s.accounts.RevokeAPIToken(r.Context(), v.Actor, haven.ID(id))
	if err == nil {
		http.Redirect(w, r, "/admin/tokens?"+url.Values{"revoked": {id}}.Encode(), http.StatusSeeOther)
		return
	}
	var key string
	switch haven.ErrorCodeOf(err) {
	case haven.ENOTFOUND:
		key = "admin.err.no_token"
	case haven.ECONFLICT:
		key = "admin.err.token_revoked_already"
	default:
		s.fail(w, r, v, err)
		return
	}
	s.logRefused(r, statusOf(err), haven.ErrorCodeOf(err), err)
	p.Form = url.Values{"id": {id}}
	p.invalid("id", key)
	p.Data = &adminRevokeData{}
	s.render(w, r, statusOf(err), "admin_token_revoke", p)
}
