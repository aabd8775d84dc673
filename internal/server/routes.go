package server

import "net/http"

// addRoutes is the whole HTTP surface of Haven. Every state change is a
// POST; the ones a browser makes carry the same-origin check.
func addRoutes(mux *http.ServeMux, s *srv) {
	mux.Handle("GET /healthz", handleHealthz())
	mux.Handle("GET /readyz", s.handleReadyz())

	mux.Handle("POST /api/v1/signin", s.sameOrigin(s.handleSignIn()))
	mux.Handle("POST /api/v1/signin/totp", s.sameOrigin(s.handleSecondFactor(false)))
	mux.Handle("POST /api/v1/signin/recovery", s.sameOrigin(s.handleSecondFactor(true)))
	mux.Handle("POST /api/v1/signin/passkey/begin", s.sameOrigin(s.handlePasskeyBegin()))
	mux.Handle("POST /api/v1/signin/passkey/finish", s.sameOrigin(s.handlePasskeyFinish()))
	mux.Handle("POST /api/v1/signout", s.sameOrigin(s.handleSignOut()))
	mux.Handle("GET /api/v1/me", s.handleMe())

	// The JSON API v1 and its OpenAPI document (internal/api/routes.go).
	mux.Handle("/api/", s.api)

	// The web pages, in English and French (internal/web/routes.go).
	mux.Handle("/", s.web)
}
