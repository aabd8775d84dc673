package server

import (
	"log/slog"
	"net/http"

	"github.com/havenhrd/haven"
)

// addRoutes is the whole HTTP surface of Haven.
func addRoutes(mux *http.ServeMux, log *slog.Logger, ready haven.Pinger) {
	mux.Handle("GET /healthz", handleHealthz())
	mux.Handle("GET /readyz", handleReadyz(log, ready))
	mux.Handle("/", http.NotFoundHandler())
}
