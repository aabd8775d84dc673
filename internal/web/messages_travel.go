package web

// The catalogue entries of changing booked travel and of the expected
// arrival the settlement organisation sees, in English and in French. The
// notices name no person, no date and no country: the date is beside them
// (the notifications' date column), behind sign-in, for those who may read
// the case.

func init() {
	addMessages(travelMessagesEN, travelMessagesFR)
}

var travelMessagesEN = map[string]string{
	"event.change_travel":         "Travel changed",
	"timeline.case.change_travel": "Travel date changed",

	"act.change_travel":           "Change travel",
	"done.change_travel":          "The travel date is changed. The settlement organisation, if the case is placed with one, is told.",
	"travel.expected_arrival":     "Expected arrival",
	"travel.booked_for":           "The family is booked to travel on %s.",
	"travel.new_date":             "New travel date",
	"travel.new_itinerary":        "New itinerary (optional)",
	"travel.new_itinerary_hint":   "Carrier, route and meeting point. Leave empty to keep the itinerary booked.",
	"queue.expected_arrival":      "Expected arrival",
	"err.travel_date_same":        "The family is already booked to travel on that date: choose another date",
	"err.medical_before_travel":   "A traveller's medical expires before that date: choose an earlier date, or record a new medical first",
	"notice.travel_booked":        "Travel is booked for a family placed with you: expected on the date shown",
	"notice.travel_changed":       "The travel date of a family placed with you has changed: expected on the date shown",
	"notice.placed_travel_booked": "A family whose travel is booked is placed with you: expected on the date shown",
}

var travelMessagesFR = map[string]string{
	"event.change_travel":         "Voyage modifié",
	"timeline.case.change_travel": "Date du voyage modifiée",

	"act.change_travel":           "Modifier le voyage",
	"done.change_travel":          "La date du voyage est modifiée. L'organisme d'établissement, si le dossier lui est confié, en est prévenu.",
	"travel.expected_arrival":     "Arrivée prévue",
	"travel.booked_for":           "Le voyage de la famille est réservé pour le %s.",
	"travel.new_date":             "Nouvelle date du voyage",
	"travel.new_itinerary":        "Nouvel itinéraire (facultatif)",
	"travel.new_itinerary_hint":   "Transporteur, trajet et point de rencontre. Laissez vide pour garder l'itinéraire réservé.",
	"queue.expected_arrival":      "Arrivée prévue",
	"err.travel_date_same":        "Le voyage de la famille est déjà réservé à cette date : choisissez une autre date",
	"err.medical_before_travel":   "L'examen médical d'un voyageur expire avant cette date : choisissez une date plus proche, ou consignez d'abord un nouvel examen",
	"notice.travel_booked":        "Le voyage d'une famille qui vous est confiée est réservé : arrivée prévue à la date indiquée",
	"notice.travel_changed":       "La date du voyage d'une famille qui vous est confiée a changé : arrivée prévue à la date indiquée",
	"notice.placed_travel_booked": "Une famille dont le voyage est réservé vous est confiée : arrivée prévue à la date indiquée",
}
