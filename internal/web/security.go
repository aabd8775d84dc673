package web

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/havenhrd/haven"
)

// The cookies. Every one but the language is __Host- prefixed (the browser
// refuses it unless Secure, with Path=/ and no Domain, so a sibling site
// cannot plant it), HttpOnly and SameSite=Strict.
const (
	// sessionCookie holds the session token; the API server uses the same.
	sessionCookie = "__Host-haven_session"
	// stepCookie holds the secret of a sign-in or enrolment step in
	// progress, and the factors the step offers.
	stepCookie = "__Host-haven_step"
	// csrfCookie holds a random key of the browser; a form's token is its
	// HMAC of the session token, so a token is bound to one session.
	csrfCookie = "__Host-haven_csrf"
)

// maxForm bounds a form's body.
const maxForm = 64 << 10

// csrfField is the name of the hidden field that carries the CSRF token.
const csrfField = "csrf"

func setCookie(w http.ResponseWriter, name, value string, expires time.Time, maxAge int) {
	http.SetCookie(w, &http.Cookie{Name: name, Value: value, Path: "/", Secure: true, HttpOnly: true,
		SameSite: http.SameSiteStrictMode, Expires: expires, MaxAge: maxAge})
}

func clearCookie(w http.ResponseWriter, name string) {
	http.SetCookie(w, &http.Cookie{Name: name, Value: "", Path: "/", Secure: true, HttpOnly: true,
		SameSite: http.SameSiteStrictMode, MaxAge: -1})
}

// csrfKey returns the browser's CSRF key, from its cookie.
func csrfKey(r *http.Request) ([]byte, bool) {
	c, err := r.Cookie(csrfCookie)
	if err != nil {
		return nil, false
	}
	k, err := base64.RawURLEncoding.DecodeString(c.Value)
	return k, err == nil && len(k) == 32
}

// csrfToken returns the token a form of this page carries, setting the
// browser's CSRF key first when it has none.
func csrfToken(w http.ResponseWriter, r *http.Request) string {
	key, ok := csrfKey(r)
	if !ok {
		key = make([]byte, 32)
		rand.Read(key)
		v := base64.RawURLEncoding.EncodeToString(key)
		setCookie(w, csrfCookie, v, time.Time{}, 0)
		// Later reads of this request see the new key.
		r.AddCookie(&http.Cookie{Name: csrfCookie, Value: v})
	}
	return base64.RawURLEncoding.EncodeToString(csrfMAC(key, sessionToken(r)))
}

// csrfMAC binds a token to the session: the browser's key authenticates
// the session token (empty before sign-in).
func csrfMAC(key []byte, session string) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte("haven web csrf v1\x00"))
	m.Write([]byte(session))
	return m.Sum(nil)
}

// validCSRF reports whether the form's token is the one this browser's key
// makes for its current session.
func validCSRF(r *http.Request) bool {
	key, ok := csrfKey(r)
	if !ok {
		return false
	}
	got, err := base64.RawURLEncoding.DecodeString(r.PostFormValue(csrfField))
	return err == nil && hmac.Equal(got, csrfMAC(key, sessionToken(r)))
}

// sessionToken is the session cookie's value, or "".
func sessionToken(r *http.Request) string {
	if c, err := r.Cookie(sessionCookie); err == nil {
		return c.Value
	}
	return ""
}

// sameOrigin reports whether a state change comes from Haven's own pages:
// the browser's Sec-Fetch-Site says same-origin (a header no page can
// set), or, for a browser that sends no fetch metadata, its Origin is
// Haven's. A form POST may carry "Origin: null" under some referrer
// policies; Sec-Fetch-Site decides then.
func (s *server) sameOrigin(r *http.Request) bool {
	site, origin := r.Header.Get("Sec-Fetch-Site"), r.Header.Get("Origin")
	if site != "" {
		return site == "same-origin" && (origin == "" || origin == "null" || origin == s.origin)
	}
	return origin != "" && origin == s.origin
}

// post guards a state change: the body is bounded, the request must come
// from Haven's own pages, and the form must carry this session's CSRF
// token. A refusal is a page of its own and changes nothing.
func (s *server) post(next http.Handler) http.Handler { return s.postForm(maxForm, next) }

// postForm is post for a form of at most limit bytes: a form that carries
// a multi-page flow's answers is larger than an ordinary one.
func (s *server) postForm(limit int64, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.Body = http.MaxBytesReader(w, r.Body, limit)
		if !s.sameOrigin(r) {
			s.refuse(w, r, http.StatusForbidden, "err.cross_site")
			return
		}
		if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/x-www-form-urlencoded") {
			s.refuse(w, r, http.StatusUnsupportedMediaType, "err.bad_form")
			return
		}
		if err := r.ParseForm(); err != nil {
			var mbe *http.MaxBytesError
			if errors.As(err, &mbe) {
				s.refuse(w, r, http.StatusRequestEntityTooLarge, "partner.err.form_too_large")
				return
			}
			s.refuse(w, r, http.StatusBadRequest, "err.bad_form")
			return
		}
		if !validCSRF(r) {
			s.refuse(w, r, http.StatusForbidden, "err.csrf")
			return
		}
		next.ServeHTTP(w, r)
	})
}

// refuse answers a refused state change with a page of its own, and logs
// it; nothing has changed.
func (s *server) refuse(w http.ResponseWriter, r *http.Request, status int, key string) {
	s.logRefused(r, status, haven.EFORBIDDEN, errors.New(key))
	p := s.newPage(w, r, nil)
	p.Alert = p.t(key)
	s.render(w, r, status, "problem", p)
}

// viewer is the signed-in user as the pages see them.
type viewer struct {
	Actor haven.Actor
	// Org is the viewer's organisation; Actor.OrgKind is set from it, for
	// the pages' choices only: the app resolves the actor again itself.
	Org  *haven.Organisation
	orgs map[haven.ID]*haven.Organisation
	// Unread is how many of the viewer's notices are unread: the count in
	// the header of every page.
	Unread int
}

// Kind is the kind of the viewer's organisation.
func (v *viewer) Kind() haven.OrgKind { return v.Org.Kind }

// signedIn resolves the session's viewer before h; a request without a
// live session goes to sign-in.
func (s *server) signedIn(h func(http.ResponseWriter, *http.Request, *viewer)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		tok := sessionToken(r)
		if tok == "" {
			http.Redirect(w, r, "/signin", http.StatusSeeOther)
			return
		}
		actor, err := s.accounts.Authenticate(r.Context(), tok)
		if err != nil {
			s.fail(w, r, nil, err)
			return
		}
		orgs, err := s.programme.FindOrganisations(r.Context(), actor, "")
		if err != nil {
			s.fail(w, r, nil, err)
			return
		}
		v := &viewer{Actor: actor, orgs: map[haven.ID]*haven.Organisation{}}
		for _, o := range orgs {
			v.orgs[o.ID] = o
		}
		if v.Org = v.orgs[actor.OrgID]; v.Org == nil {
			s.fail(w, r, nil, haven.Internal("web.signedIn", errors.New("the viewer's organisation is not listed")))
			return
		}
		v.Actor.OrgKind = v.Org.Kind
		if v.Unread, err = s.notices.CountUnread(r.Context(), actor); err != nil {
			s.fail(w, r, nil, err)
			return
		}
		h(w, r, v)
	})
}
