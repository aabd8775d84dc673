// Package server is Haven's HTTP surface. Handlers translate between HTTP
// and the app layer and hold no rules of their own; routes.go lists the
// whole surface.
package server

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/netip"
	"strings"

	"github.com/havenhrd/haven/internal/api"
	"github.com/havenhrd/haven/internal/web"

	"github.com/havenhrd/haven"
)

// Accounts is what the server needs of the app's Accounts: its own
// sign-in routes and authentication, and what the pages and the API call.
type Accounts interface {
	api.Accounts
	web.Accounts
	SignIn(ctx context.Context, username, password, source string) (*haven.SignInStep, error)
	SignInTOTP(ctx context.Context, step, code, source string) (*haven.Session, error)
	SignInRecovery(ctx context.Context, step, code, source string) (*haven.Session, error)
	SignInPasskeyBegin(ctx context.Context, step string) ([]byte, *haven.SignInStep, error)
	SignInPasskeyFinish(ctx context.Context, step string, response io.Reader, source string) (*haven.Session, error)
	Authenticate(ctx context.Context, token string) (haven.Actor, error)
	AuthenticateToken(ctx context.Context, token string) (haven.Actor, error)
	SignOut(ctx context.Context, token string) error
}

// Cases is what the pages and the API need of the app's Cases.
type Cases interface {
	api.Cases
	web.Cases
}

// Nominations is what the pages and the API need of the app's Nominations.
type Nominations interface {
	api.Nominations
	web.Nominations
}

// Programme is what the pages and the API need of the app's Programme.
type Programme interface {
	api.Programme
	web.Programme
}

// Notices is what the pages and the API need of the app's Notices.
type Notices interface {
	api.Notices
	web.Notices
}

// Services are the parts of the app layer the handlers use: its health,
// its clock and its rooms. All are required.
type Services struct {
	// Health answers the readiness check.
	Health haven.Pinger
	// Clock is what the pages take as today.
	Clock       haven.Clock
	Accounts    Accounts
	Cases       Cases
	Nominations Nominations
	Programme   Programme
	Notices     Notices
}

// Config is the server's configuration.
type Config struct {
	// Origin is Haven's public origin, such as "https://haven.example.org":
	// a state change from a browser must come from it.
	Origin string
	// TrustedProxies are the reverse proxies whose X-Forwarded-For is
	// believed (see ClientAddr); none by default, when the peer is the
	// client.
	TrustedProxies []netip.Prefix
	// Demo marks every page as a demonstration.
	Demo bool
}

// SessionCookie is the session cookie's name. The __Host- prefix makes the
// browser refuse it unless it is Secure, has no Domain and has Path=/.
const SessionCookie = "__Host-haven_session"

// MaxBody bounds every request body at the largest that any route takes
// (the bulk import's file, on the page and in the API): each route bounds
// its own bodies below it, and refuses a larger one its own way.
const MaxBody = max(api.MaxBody, api.MaxImportBody, web.MaxBody)

// NewServer returns Haven's HTTP handler: the health checks, sign-in, the
// JSON API (internal/api) and the web pages (internal/web). It fails when
// a service is missing, or a page template or a catalogue does not load.
func NewServer(log *slog.Logger, svc Services, cfg Config) (http.Handler, error) {
	if svc.Health == nil || svc.Clock == nil || svc.Accounts == nil || svc.Cases == nil || svc.Nominations == nil || svc.Programme == nil || svc.Notices == nil {
		return nil, errors.New("server: every field of Services is required")
	}
	mux := http.NewServeMux()
	s := &srv{log: log, health: svc.Health, accounts: svc.Accounts, cfg: cfg}
	s.api = api.New(api.Config{Log: log, Accounts: svc.Accounts, Cases: svc.Cases, Nominations: svc.Nominations, Programme: svc.Programme, Notices: svc.Notices, Actor: s.bearer})
	pages, err := web.New(web.Config{Log: log, Clock: svc.Clock, Accounts: svc.Accounts, Cases: svc.Cases, Nominations: svc.Nominations, Programme: svc.Programme, Notices: svc.Notices, Origin: cfg.Origin, Demo: cfg.Demo})
	if err != nil {
		return nil, err
	}
	s.web = pages
	addRoutes(mux, s)
	return s.requestID(s.clientAddr(secureHeaders(s.limitBody(mux)))), nil
}

type srv struct {
	log      *slog.Logger
	health   haven.Pinger
	accounts Accounts
	cfg      Config
	api      http.Handler
	web      http.Handler
}

// requestID tags each request with a random ID that its audit events and
// log lines carry.
func (s *srv) requestID(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b := make([]byte, 12)
		rand.Read(b)
		id := base64.RawURLEncoding.EncodeToString(b)
		w.Header().Set("X-Request-Id", id)
		next.ServeHTTP(w, r.WithContext(haven.WithRequestID(r.Context(), id)))
	})
}

// secureHeaders sets the headers every response carries.
func secureHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Strict-Transport-Security", "max-age=63072000; includeSubDomains")
		h.Set("Cache-Control", "no-store")
		next.ServeHTTP(w, r)
	})
}

// limitBody bounds request bodies; a larger one is refused with 413.
func (s *srv) limitBody(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := api.Bound(w, r, MaxBody); err != nil {
			s.fail(w, r, err)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// sameOrigin refuses a state change a foreign page could forge: the
// browser's Sec-Fetch-Site or Origin must name Haven's own origin. With
// SameSite=Strict cookies, this is the second lock on the door.
func (s *srv) sameOrigin(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		site := r.Header.Get("Sec-Fetch-Site")
		origin := r.Header.Get("Origin")
		ok := origin != "" && origin == s.cfg.Origin
		if site != "" { // fetch metadata, which no page can forge, decides
			ok = site == "same-origin" && (origin == "" || origin == "null" || origin == s.cfg.Origin)
		}
		if !ok {
			api.Refuse(s.log, w, r, http.StatusForbidden, "this request did not come from Haven's own pages")
			return
		}
		next.ServeHTTP(w, r)
	})
}

// source is the client's address, as sign-in's rate limits count it:
// ClientAddr's answer, which the clientAddr middleware recorded.
func (s *srv) source(r *http.Request) string { return haven.ClientAddr(r.Context()) }

// actor returns the signed-in actor of a request: a session cookie or an
// API token in the Authorization header.
func (s *srv) actor(r *http.Request) (haven.Actor, error) {
	if h := r.Header.Get("Authorization"); h != "" {
		tok, ok := strings.CutPrefix(h, "Bearer ")
		if !ok {
			return haven.Actor{}, haven.Errorf(haven.EUNAUTHORIZED, "server.actor", "use a Bearer token")
		}
		return s.accounts.AuthenticateToken(r.Context(), tok)
	}
	c, err := r.Cookie(SessionCookie)
	if err != nil {
		return haven.Actor{}, haven.Errorf(haven.EUNAUTHORIZED, "server.actor", "please sign in")
	}
	return s.accounts.Authenticate(r.Context(), c.Value)
}

// bearer authenticates an API request by its Bearer token only: the JSON
// API takes no session cookie, so no foreign page can ride a user's
// session into it.
func (s *srv) bearer(r *http.Request) (haven.Actor, error) {
	tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !ok {
		return haven.Actor{}, haven.Errorf(haven.EUNAUTHORIZED, "server.bearer", "use an API token: Authorization: Bearer ht_...")
	}
	return s.accounts.AuthenticateToken(r.Context(), tok)
}

// fail answers err as the API answers its own errors: one problem body,
// the same log lines.
func (s *srv) fail(w http.ResponseWriter, r *http.Request, err error) { api.Fail(s.log, w, r, err) }

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// handleHealthz answers 200 while the process runs.
func handleHealthz() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
	})
}

// handleReadyz answers 200 when the database answers and its schema is
// current, 503 otherwise. The reason is logged, never shown.
func (s *srv) handleReadyz() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := s.health.Ready(r.Context()); err != nil {
			s.log.WarnContext(r.Context(), "not ready", "code", string(haven.ErrorCodeOf(err)), "err", err.Error())
			writeJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "unavailable"})
			return
		}
		writeJSON(w, http.StatusOK, map[string]string{"status": "ready"})
	})
}
