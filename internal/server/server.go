// Package server is Haven's HTTP surface. Handlers translate between HTTP
// and the app layer and hold no rules of their own; routes.go lists the
// whole surface.
package server

import (
	"encoding/json"
	"log/slog"
	"net/http"

	"github.com/havenhrd/haven"
)

// NewServer returns Haven's HTTP handler.
func NewServer(log *slog.Logger, ready haven.Pinger) http.Handler {
	mux := http.NewServeMux()
	addRoutes(mux, log, ready)
	return secureHeaders(mux)
}

// secureHeaders sets the headers every response carries.
func secureHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Cache-Control", "no-store")
		next.ServeHTTP(w, r)
	})
}

// handleHealthz answers 200 while the process runs.
func handleHealthz() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
	})
}

// handleReadyz answers 200 when the database answers and its schema is
// current, 503 otherwise. The reason is logged, never shown.
func handleReadyz(log *slog.Logger, ready haven.Pinger) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := ready.Ready(r.Context()); err != nil {
			log.WarnContext(r.Context(), "not ready", "code", string(haven.ErrorCodeOf(err)), "err", err.Error())
			writeJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "unavailable"})
			return
		}
		writeJSON(w, http.StatusOK, map[string]string{"status": "ready"})
	})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
