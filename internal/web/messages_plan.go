package web

import "github.com/havenhrd/haven"

// The catalogue entries of the integration plan, in English and in French.

func init() {
	addMessages(planMessagesEN, planMessagesFR)
	enumPrefixes["milestone"] = strs(haven.Milestones)
	enumPrefixes["milestone_hint"] = strs(haven.Milestones)
	enumPrefixes["mstatus"] = strs(haven.MilestoneStatuses)
	codeNamedKeys = append(codeNamedKeys, "err.choose_safety")
}

var planMessagesEN = map[string]string{
	"plan.title":              "Integration plan",
	"plan.milestones_caption": "Milestones",
	"plan.milestone":          "Milestone",
	"plan.status":             "Status",
	"plan.target":             "Target date",
	"plan.completed":          "Date completed",
	"plan.notes":              "Notes",
	"plan.actions":            "Actions",
	"plan.change":             "Change",
	"plan.change_title":       "Update the integration plan",
	"plan.back":               "Back to the case",
	"plan.last_changed":       "Last changed %s.",
	"plan.target_hint":        "Optional. The date you aim to meet it by, for example 2026-09-01.",
	"plan.completed_hint":     "Only when it is done: the date it was met, for example 2026-09-01.",
	"plan.notes_hint":         "Only what settlement needs. Required when the family does not need this: say why.",
	"plan.save":               "Save the milestone",

	"milestone.reception":             "Reception",
	"milestone.housing":               "Housing",
	"milestone.language_classes":      "Language classes",
	"milestone.community_connections": "Community connections",
	"milestone.human_rights_work":     "Continuing human rights work",

	"milestone_hint.reception":             "Met at the port of entry, temporary lodging and first needs.",
	"milestone_hint.housing":               "Permanent housing found and lived in.",
	"milestone_hint.language_classes":      "English or French classes for those who need them.",
	"milestone_hint.community_connections": "Connections with a community, a diaspora, a faith or a cause.",
	"milestone_hint.human_rights_work":     "The defender carries on their human rights work from Canada.",

	"mstatus.not_started": "Not started",
	"mstatus.in_progress": "In progress",
	"mstatus.done":        "Done",
	"mstatus.not_needed":  "Not needed",

	"followup.caption":       "Follow-ups after arrival",
	"followup.month":         "Follow-up",
	"followup.due":           "Due",
	"followup.held":          "Date held",
	"followup.safety":        "Safety concern",
	"followup.after":         "Month %d",
	"followup.after_arrival": "From arrival",
	"followup.overdue":       "Overdue",
	"followup.not_held":      "Not yet",
	"followup.concern":       "Reported",
	"followup.record":        "Record",
	"followup.wait_arrival":  "Follow-ups can be recorded once the family has arrived.",
	"followup.title":         "Record a follow-up",
	"followup.held_hint":     "For example 2026-09-01. From 14 days before it is due, and not in the future.",
	"followup.safety_label":  "The family reported a safety concern",
	"followup.safety_hint":   "Threats, surveillance or pressure in Canada, or on relatives at home. Say in the notes what was reported: the visa office can see that a concern was raised.",
	"followup.notes_hint":    "Only what settlement needs. Required with a safety concern.",
	"followup.save":          "Save the follow-up",

	"home.safety":         "Safety concerns reported",
	"home.safety_text":    "Families who reported threats, surveillance or pressure at a follow-up after arrival.",
	"queue.filter_safety": "Only cases where a follow-up reported a safety concern",
	"queue.safety_only":   "Show only the families who reported a safety concern",
	"queue.safety_shown":  "Showing the families who reported a safety concern.",
	"queue.safety_all":    "Show all families",
	"err.choose_safety":   "Tick the box or leave it empty",

	"done.milestone": "The integration plan has been updated.",
	"done.follow_up": "The follow-up has been recorded.",

	"err.plan_status":             "Choose the milestone's status",
	"err.plan_milestone":          "Choose a milestone of the plan",
	"err.plan_completed_required": "Enter the date the milestone was met",
	"err.plan_completed_not_done": "Leave the date completed empty unless the milestone is done",
	"err.plan_target_old":         "The target date is before 2000",
	"err.followup_month":          "Choose the follow-up at 1, 3, 6 or 12 months",
	"err.followup_held_required":  "Enter the date of the follow-up",
	"err.followup_before_arrival": "The date is before the family's arrival",
	"err.followup_not_arrived":    "Follow-ups begin once the family has arrived",
	"err.followup_early":          "The follow-up is held no earlier than 14 days before it is due",
}

var planMessagesFR = map[string]string{
	"plan.title":              "Plan d'intégration",
	"plan.milestones_caption": "Étapes",
	"plan.milestone":          "Étape",
	"plan.status":             "État",
	"plan.target":             "Date cible",
	"plan.completed":          "Date de réalisation",
	"plan.notes":              "Notes",
	"plan.actions":            "Actions",
	"plan.change":             "Modifier",
	"plan.change_title":       "Mettre à jour le plan d'intégration",
	"plan.back":               "Retour au dossier",
	"plan.last_changed":       "Dernière modification : %s.",
	"plan.target_hint":        "Facultatif. La date à laquelle vous visez de l'atteindre, par exemple 2026-09-01.",
	"plan.completed_hint":     "Seulement si elle est réalisée : la date où elle l'a été, par exemple 2026-09-01.",
	"plan.notes_hint":         "Seulement ce dont l'établissement a besoin. Obligatoire si la famille n'en a pas besoin : dites pourquoi.",
	"plan.save":               "Enregistrer l'étape",

	"milestone.reception":             "Accueil",
	"milestone.housing":               "Logement",
	"milestone.language_classes":      "Cours de langue",
	"milestone.community_connections": "Liens avec la collectivité",
	"milestone.human_rights_work":     "Poursuite du travail en faveur des droits de la personne",

	"milestone_hint.reception":             "Accueil au point d'entrée, hébergement temporaire et premiers besoins.",
	"milestone_hint.housing":               "Logement permanent trouvé et occupé.",
	"milestone_hint.language_classes":      "Cours d'anglais ou de français pour ceux qui en ont besoin.",
	"milestone_hint.community_connections": "Liens avec une collectivité, une diaspora, une foi ou une cause.",
	"milestone_hint.human_rights_work":     "Le défenseur poursuit son travail en faveur des droits de la personne depuis le Canada.",

	"mstatus.not_started": "Non commencée",
	"mstatus.in_progress": "En cours",
	"mstatus.done":        "Réalisée",
	"mstatus.not_needed":  "Sans objet",

	"followup.caption":       "Suivis après l'arrivée",
	"followup.month":         "Suivi",
	"followup.due":           "Échéance",
	"followup.held":          "Date du suivi",
	"followup.safety":        "Préoccupation de sécurité",
	"followup.after":         "Mois %d",
	"followup.after_arrival": "À partir de l'arrivée",
	"followup.overdue":       "En retard",
	"followup.not_held":      "Pas encore",
	"followup.concern":       "Signalée",
	"followup.record":        "Consigner",
	"followup.wait_arrival":  "Les suivis peuvent être consignés une fois la famille arrivée.",
	"followup.title":         "Consigner un suivi",
	"followup.held_hint":     "Par exemple 2026-09-01. Au plus tôt 14 jours avant l'échéance, et pas dans l'avenir.",
	"followup.safety_label":  "La famille a signalé une préoccupation de sécurité",
	"followup.safety_hint":   "Menaces, surveillance ou pressions au Canada, ou sur des proches restés au pays. Dites dans les notes ce qui a été signalé : le bureau des visas peut voir qu'une préoccupation a été soulevée.",
	"followup.notes_hint":    "Seulement ce dont l'établissement a besoin. Obligatoire en cas de préoccupation de sécurité.",
	"followup.save":          "Enregistrer le suivi",

	"home.safety":         "Préoccupations de sécurité signalées",
	"home.safety_text":    "Les familles qui ont signalé des menaces, une surveillance ou des pressions lors d'un suivi après l'arrivée.",
	"queue.filter_safety": "Seulement les dossiers où un suivi a signalé une préoccupation de sécurité",
	"queue.safety_only":   "N'afficher que les familles qui ont signalé une préoccupation de sécurité",
	"queue.safety_shown":  "Familles qui ont signalé une préoccupation de sécurité.",
	"queue.safety_all":    "Afficher toutes les familles",
	"err.choose_safety":   "Cochez la case ou laissez-la vide",

	"done.milestone": "Le plan d'intégration a été mis à jour.",
	"done.follow_up": "Le suivi a été consigné.",

	"err.plan_status":             "Choisissez l'état de l'étape",
	"err.plan_milestone":          "Choisissez une étape du plan",
	"err.plan_completed_required": "Indiquez la date où l'étape a été réalisée",
	"err.plan_completed_not_done": "Laissez la date de réalisation vide si l'étape n'est pas réalisée",
	"err.plan_target_old":         "La date cible est antérieure à 2000",
	"err.followup_month":          "Choisissez le suivi à 1, 3, 6 ou 12 mois",
	"err.followup_held_required":  "Indiquez la date du suivi",
	"err.followup_before_arrival": "La date est antérieure à l'arrivée de la famille",
	"err.followup_not_arrived":    "Les suivis commencent une fois la famille arrivée",
	"err.followup_early":          "Le suivi a lieu au plus tôt 14 jours avant son échéance",
}
