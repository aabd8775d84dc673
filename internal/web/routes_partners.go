package web

import "net/http"

// routesPartners lists the pages of the partners' work: nominations,
// referrals and their bulk import, the screening and medical partners'
// checks, and the case's side states.
func (s *server) routesPartners(mux *http.ServeMux) {}
