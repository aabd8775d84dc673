package web

import "net/http"

// routesAdmin lists the programme administration's pages and the pages
// where a user manages their own second factors.
func (s *server) routesAdmin(mux *http.ServeMux) {}
