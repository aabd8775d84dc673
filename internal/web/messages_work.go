package web

import (
	"fmt"

	"github.com/havenhrd/haven"
)

// The catalogue entries of the work counted on the home page and of the
// lists behind the counts, in English and in French.

func init() {
	addMessages(workMessagesEN, workMessagesFR)
	for _, k := range haven.WorkKinds {
		codeNamedKeys = append(codeNamedKeys, "home.work."+string(k))
	}
	codeNamedKeys = append(codeNamedKeys, "home.work.awaiting_your_answer", "err.due_within", "err.choose_turn",
		"queue.shown_overdue", "queue.shown_due_within", "queue.shown_turn", "queue.shown_checks_with", "queue.shown_follow_ups",
		"queue.shown_partner")
	knownMessages["choose a screening or medical partner"] = "err.choose_partner"
	knownMessages["choose the visa office, the referring partner or the check partners"] = "err.choose_turn"
	knownMessages[dueWithinMessage] = "err.due_within"
}

// dueWithinMessage is the app's message for a span of days out of bounds.
var dueWithinMessage = fmt.Sprintf("count from 1 to %d days", haven.MaxDueWithin)

var workMessagesEN = map[string]string{
	"home.work_title":                    "Work waiting",
	"home.work_asof":                     "Counted on %s, among the cases you may see. Each number opens the list of what it counts.",
	"home.work.overdue":                  "Cases past their stage's due date",
	"home.work.due_soon":                 "Cases whose stage is due within %d days",
	"home.work.awaiting_information":     "Cases waiting on the referring partner's answer",
	"home.work.awaiting_your_answer":     "Requests for information waiting on your answer",
	"home.work.awaiting_checks":          "Cases waiting on checks",
	"home.work.checks_with":              "Cases with checks outstanding at %s",
	"home.work.check_requests":           "People waiting on your checks",
	"home.work.follow_ups_due":           "Families with a follow-up due by the end of the month",
	"queue.filter_due_within":            "Due within (days)",
	"queue.filter_due_within_hint":       "Cases whose stage is due from today to this many days on, both counted, for example 7.",
	"queue.filter_turn":                  "Waiting on",
	"queue.filter_checks_with":           "Checks outstanding at",
	"queue.filter_follow_ups":            "Only families with a follow-up due by the end of the month",
	"queue.shown":                        "Showing",
	"queue.shown_all":                    "Show all your cases",
	"queue.shown_overdue":                "cases past their stage's due date",
	"queue.shown_due_within":             "cases whose stage is due within %d days",
	"queue.shown_turn":                   "cases %s",
	"queue.shown_checks_with":            "cases with checks outstanding at %s",
	"queue.shown_follow_ups":             "families with a follow-up due by the end of the month",
	"queue.shown_partner":                "cases referred by %s",
	"err.due_within":                     "Enter a number of days from 1 to 366",
	"err.choose_turn":                    "Choose from the list whom the cases wait on",
	"partner.checks.outstanding_shown":   "Showing the people whose checks you have not recorded since you were asked.",
	"partner.checks.show_all":            "Show everyone assigned to you",
	"partner.checks.show_outstanding":    "Show only the people still to check",
	"partner.checks.caption_outstanding": "People still to check (%d)",
	"partner.checks.empty_outstanding":   "No one is waiting on your checks now.",
}

var workMessagesFR = map[string]string{
	"home.work_title":                    "Travail en attente",
	"home.work_asof":                     "Compté le %s, parmi les dossiers que vous pouvez voir. Chaque nombre ouvre la liste de ce qu'il compte.",
	"home.work.overdue":                  "Dossiers dont l'étape a dépassé son échéance",
	"home.work.due_soon":                 "Dossiers dont l'étape arrive à échéance d'ici %d jours",
	"home.work.awaiting_information":     "Dossiers en attente de la réponse du partenaire d'aiguillage",
	"home.work.awaiting_your_answer":     "Demandes de renseignements en attente de votre réponse",
	"home.work.awaiting_checks":          "Dossiers en attente de contrôles",
	"home.work.checks_with":              "Dossiers dont des contrôles sont en attente chez %s",
	"home.work.check_requests":           "Personnes en attente de vos contrôles",
	"home.work.follow_ups_due":           "Familles dont un suivi est dû d'ici la fin du mois",
	"queue.filter_due_within":            "Échéance d'ici (jours)",
	"queue.filter_due_within_hint":       "Les dossiers dont l'étape arrive à échéance entre aujourd'hui et dans ce nombre de jours, inclus, par exemple 7.",
	"queue.filter_turn":                  "En attente de",
	"queue.filter_checks_with":           "Contrôles en attente chez",
	"queue.filter_follow_ups":            "Seulement les familles dont un suivi est dû d'ici la fin du mois",
	"queue.shown":                        "Affichés",
	"queue.shown_all":                    "Afficher tous vos dossiers",
	"queue.shown_overdue":                "les dossiers dont l'étape a dépassé son échéance",
	"queue.shown_due_within":             "les dossiers dont l'étape arrive à échéance d'ici %d jours",
	"queue.shown_turn":                   "les dossiers %s",
	"queue.shown_checks_with":            "les dossiers dont des contrôles sont en attente chez %s",
	"queue.shown_follow_ups":             "les familles dont un suivi est dû d'ici la fin du mois",
	"queue.shown_partner":                "les dossiers aiguillés par %s",
	"err.due_within":                     "Entrez un nombre de jours de 1 à 366",
	"err.choose_turn":                    "Choisissez dans la liste de qui les dossiers attendent",
	"partner.checks.outstanding_shown":   "Seules les personnes dont vous n'avez pas consigné les contrôles depuis la demande sont affichées.",
	"partner.checks.show_all":            "Afficher toutes les personnes qui vous sont confiées",
	"partner.checks.show_outstanding":    "Afficher seulement les personnes encore à contrôler",
	"partner.checks.caption_outstanding": "Personnes encore à contrôler (%d)",
	"partner.checks.empty_outstanding":   "Personne n'attend vos contrôles pour l'instant.",
}
