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
	alias := map[string]string{"date": "new_travel_date", "travel_date": "new_travel_date", "itinerary": "new_itinerary"}
	if fp := parseDateField(r, "new_travel_date", &t.Date); fp != nil {
		// A date the page cannot read hides nothing else: an itinerary too
		// long is said with it.
		s.caseFailed(w, r, v, "case", t.Validate().Err("web.change_travel"), alias, fp...)
		return
	}
	if _, err := s.cases.ChangeTravel(r.Context(), v.Actor, haven.ID(r.PathValue("id")), t); err != nil {
		s.caseFailed(w, r, v, "case", err, alias)
		return
	}
	done(w, r, "change_travel")
}
