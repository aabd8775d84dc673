package web

import "github.com/havenhrd/haven"

// The catalogue entries of the case page's status panel and its table of
// outstanding checks, in English and in French.

func init() {
	addMessages(caseMessagesEN, caseMessagesFR)
	enumPrefixes["next"] = strs(haven.NextSteps)
}

var caseMessagesEN = map[string]string{
	"panel.title":               "Where this case stands",
	"panel.state":               "State",
	"panel.next":                "What is next",
	"panel.holder":              "Who holds it",
	"panel.due":                 "By when",
	"panel.no_due":              "No deadline",
	"panel.done":                "Nothing: the case is at its end",
	"panel.go":                  "Go to the form",
	"next.open_file":            "Open the file",
	"next.start_eligibility":    "Start the eligibility review",
	"next.assessment":           "Record the eligibility assessment",
	"next.start_admissibility":  "Start admissibility",
	"next.assign_checks":        "Assign the checks",
	"next.await_checks":         "Waiting for the checks",
	"next.confirm_admissible":   "Confirm admissibility",
	"next.split":                "Decide on the inadmissible members (split decision)",
	"next.approve":              "Approve",
	"next.settlement":           "Place with a settlement organisation",
	"next.travel":               "Book travel",
	"next.arrival":              "Record the arrival",
	"next.begin_settlement":     "Begin settlement",
	"next.close":                "Close the case once settled",
	"next.await_info":           "Waiting for the referring partner's information",
	"next.resume":               "Resume the case",
	"panel.await_checks_of":     "Waiting for the checks of %s",
	"panel.held_by":             "%s",
	"outstanding.title":         "Checks",
	"outstanding.caption":       "Checks of %s",
	"outstanding.kind":          "Check",
	"outstanding.partner":       "Partner assigned",
	"outstanding.result":        "Result",
	"outstanding.none_assigned": "Not assigned",
	"outstanding.outstanding":   "Outstanding",
}

var caseMessagesFR = map[string]string{
	"panel.title":               "Où en est ce dossier",
	"panel.state":               "État",
	"panel.next":                "Prochaine étape",
	"panel.holder":              "Qui la tient",
	"panel.due":                 "Échéance",
	"panel.no_due":              "Aucune échéance",
	"panel.done":                "Aucune : le dossier est arrivé à son terme",
	"panel.go":                  "Aller au formulaire",
	"next.open_file":            "Ouvrir le dossier",
	"next.start_eligibility":    "Commencer l'examen de l'admissibilité",
	"next.assessment":           "Consigner l'évaluation de l'admissibilité",
	"next.start_admissibility":  "Commencer les contrôles d'interdiction de territoire",
	"next.assign_checks":        "Attribuer les contrôles",
	"next.await_checks":         "En attente des contrôles",
	"next.confirm_admissible":   "Confirmer l'absence d'interdiction de territoire",
	"next.split":                "Statuer sur les membres interdits de territoire (décision partagée)",
	"next.approve":              "Approuver",
	"next.settlement":           "Confier à un organisme d'établissement",
	"next.travel":               "Réserver le voyage",
	"next.arrival":              "Consigner l'arrivée",
	"next.begin_settlement":     "Commencer l'établissement",
	"next.close":                "Clore le dossier une fois la famille établie",
	"next.await_info":           "En attente des renseignements du partenaire d'aiguillage",
	"next.resume":               "Reprendre le dossier",
	"panel.await_checks_of":     "En attente des contrôles de %s",
	"panel.held_by":             "%s",
	"outstanding.title":         "Contrôles",
	"outstanding.caption":       "Contrôles de %s",
	"outstanding.kind":          "Contrôle",
	"outstanding.partner":       "Partenaire désigné",
	"outstanding.result":        "Résultat",
	"outstanding.none_assigned": "Non attribué",
	"outstanding.outstanding":   "En attente",
}
