package web

import (
	"net/http"

	"github.com/havenhrd/haven"
)

// handleChangeTravel moves the booked journey to another date, with a new
// itinerary when one is given (none keeps the booked one). The app checks
// the date as a booking's and tells the settlement organisation.
func (s *server) handleChangeTravel(w http.ResponseWriter, r *http.Request, v *viewer) {
	t := &haven.Travel{Itinerary: r.PostFormValue("new_itinerary")}
	if fp := parseDateField(r, "new_travel_date", &t.Date); fp != nil {
		s.caseFailed(w, r, v, "case", nil, nil, fp...)
		return
	}
	if _, err := s.cases.ChangeTravel(r.Context(), v.Actor, haven.ID(r.PathValue("id")), t); err != nil {
		s.caseFailed(w, r, v, "case", err, map[string]string{"date": "new_travel_date", "travel_date": "new_travel_date", "itinerary": "new_itinerary"})
		return
	}
	done(w, r, "change_travel")
}
