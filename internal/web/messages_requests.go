package web

import "github.com/havenhrd/haven"

// The catalogue entries of the requests for information and their
// answers, and of the case's timeline, in English and in French. Every
// act a timeline may show has its words in both (TestCatalogues).

func init() {
	addMessages(requestMessagesEN, requestMessagesFR)
	enumPrefixes["timeline"] = haven.TimelineActs
	// The workflow's words for a bad or second answer (workflow.MaxAnswer).
	knownMessages["write your answer to the request"] = "err.answer_required"
	knownMessages["use at most 20000 characters"] = "err.answer_too_long"
	knownMessages["this request for information is already answered; the visa office resumes the case"] = "err.answer_twice"
}

var requestMessagesEN = map[string]string{
	"event.answer_info": "Answer to a request for information",

	"err.answer_required": "Write your answer to the request",
	"err.answer_too_long": "Your answer is too long: use at most 20,000 characters",
	"err.answer_twice":    "This request is already answered; the visa office resumes the case",

	"requests.title":       "Requests for information",
	"requests.asked_by":    "Asked by %s on %s",
	"requests.answered_by": "Answered by %s on %s",
	"requests.unanswered":  "Not answered yet.",
	"requests.to_resume":   "Answered: the visa office reads the answer and resumes the case.",

	"partner.acts.answer_info": "Answer this request",
	"partner.answer.text":      "Your answer",
	"partner.answer.hint":      "Write what the visa office asked for. The visa office and your organisation read it; it is kept, encrypted, with the case. You answer once: the visa office then resumes the case, or asks again.",
	"partner.answer.send":      "Send the answer",
	"partner.done.answer_info": "Your answer is sent. The visa office resumes the case when it has read it.",

	"timeline.title":   "Timeline",
	"timeline.caption": "What was done on this case, oldest first",
	"timeline.when":    "When",
	"timeline.act":     "Act",
	"timeline.org":     "Organisation",
	"timeline.change":  "State",
	"timeline.earlier": "Earlier acts",
	"timeline.latest":  "Latest acts",
	"timeline.empty":   "No act on this case is in your view.",
	"timeline.from_to": "%s to %s",

	"timeline.case.open_file":           "File opened",
	"timeline.case.start_eligibility":   "Eligibility assessment started",
	"timeline.case.schedule_interview":  "Interview scheduled",
	"timeline.case.find_eligible":       "Found eligible",
	"timeline.case.start_admissibility": "Admissibility checks started",
	"timeline.case.record_check":        "Check recorded",
	"timeline.case.confirm_admissible":  "Confirmed admissible",
	"timeline.case.split":               "Split decision",
	"timeline.case.approve":             "Approved",
	"timeline.case.approve_emergency":   "Approved on the emergency track",
	"timeline.case.refuse":              "Refused",
	"timeline.case.book_travel":         "Travel booked",
	"timeline.case.record_arrival":      "Arrival recorded",
	"timeline.case.begin_settlement":    "Settlement begun",
	"timeline.case.close":               "Closed",
	"timeline.case.hold":                "Put on hold",
	"timeline.case.request_info":        "Information requested",
	"timeline.case.answer_info":         "Request for information answered",
	"timeline.case.resume":              "Resumed",
	"timeline.case.withdraw":            "Withdrawn",
	"timeline.case.refer":               "Referred to Canada",
	"timeline.case.assess":              "Eligibility assessment recorded",
	"timeline.case.assign_checks":       "Checks assigned to a partner",
	"timeline.case.assign_settlement":   "Placed with a settlement organisation",
	"timeline.case.possible_duplicate":  "Possible duplicate found",
	"timeline.case.plan.milestone":      "Integration plan milestone updated",
	"timeline.case.plan.follow_up":      "Follow-up recorded",
	"timeline.case.shred":               "Case data destroyed",
}

var requestMessagesFR = map[string]string{
	"event.answer_info": "Réponse à une demande de renseignements",

	"err.answer_required": "Écrivez votre réponse à la demande",
	"err.answer_too_long": "Votre réponse est trop longue : 20 000 caractères au plus",
	"err.answer_twice":    "Cette demande a déjà une réponse ; le bureau des visas reprend le dossier",

	"requests.title":       "Demandes de renseignements",
	"requests.asked_by":    "Demandé par %s le %s",
	"requests.answered_by": "Répondu par %s le %s",
	"requests.unanswered":  "Pas encore de réponse.",
	"requests.to_resume":   "Répondu : le bureau des visas lit la réponse et reprend le dossier.",

	"partner.acts.answer_info": "Répondre à cette demande",
	"partner.answer.text":      "Votre réponse",
	"partner.answer.hint":      "Écrivez ce que le bureau des visas a demandé. Le bureau des visas et votre organisation la lisent ; elle est conservée, chiffrée, avec le dossier. Vous répondez une fois : le bureau des visas reprend ensuite le dossier, ou demande de nouveau.",
	"partner.answer.send":      "Envoyer la réponse",
	"partner.done.answer_info": "Votre réponse est envoyée. Le bureau des visas reprend le dossier après l'avoir lue.",

	"timeline.title":   "Historique",
	"timeline.caption": "Ce qui a été fait dans ce dossier, du plus ancien au plus récent",
	"timeline.when":    "Date",
	"timeline.act":     "Acte",
	"timeline.org":     "Organisation",
	"timeline.change":  "État",
	"timeline.earlier": "Actes précédents",
	"timeline.latest":  "Actes les plus récents",
	"timeline.empty":   "Aucun acte de ce dossier n'est visible pour vous.",
	"timeline.from_to": "%s à %s",

	"timeline.case.open_file":           "Ouverture du dossier",
	"timeline.case.start_eligibility":   "Début de l'évaluation de l'admissibilité",
	"timeline.case.schedule_interview":  "Entrevue prévue",
	"timeline.case.find_eligible":       "Constat d'admissibilité",
	"timeline.case.start_admissibility": "Début des contrôles d'interdiction de territoire",
	"timeline.case.record_check":        "Contrôle consigné",
	"timeline.case.confirm_admissible":  "Absence d'interdiction de territoire confirmée",
	"timeline.case.split":               "Décision partagée",
	"timeline.case.approve":             "Approuvé",
	"timeline.case.approve_emergency":   "Approuvé sur la voie d'urgence",
	"timeline.case.refuse":              "Refusé",
	"timeline.case.book_travel":         "Voyage réservé",
	"timeline.case.record_arrival":      "Arrivée consignée",
	"timeline.case.begin_settlement":    "Début de l'établissement",
	"timeline.case.close":               "Fermé",
	"timeline.case.hold":                "Mis en suspens",
	"timeline.case.request_info":        "Renseignements demandés",
	"timeline.case.answer_info":         "Réponse à la demande de renseignements",
	"timeline.case.resume":              "Repris",
	"timeline.case.withdraw":            "Retiré",
	"timeline.case.refer":               "Aiguillé vers le Canada",
	"timeline.case.assess":              "Évaluation de l'admissibilité consignée",
	"timeline.case.assign_checks":       "Contrôles confiés à un partenaire",
	"timeline.case.assign_settlement":   "Confié à un organisme d'établissement",
	"timeline.case.possible_duplicate":  "Doublon possible trouvé",
	"timeline.case.plan.milestone":      "Étape du plan d'intégration mise à jour",
	"timeline.case.plan.follow_up":      "Suivi consigné",
	"timeline.case.shred":               "Données du dossier détruites",
}
