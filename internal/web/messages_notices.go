package web

import "github.com/havenhrd/haven"

// The catalogue entries of the notifications and their preferences, in
// English and in French. A notice's text is its kind's entry: it names no
// person and no fact of the case beyond the case's reference, shown beside
// it.

func init() {
	addMessages(noticeMessagesEN, noticeMessagesFR)
	enumPrefixes["notice"] = strs(haven.NoticeKinds)
}

var noticeMessagesEN = map[string]string{
	"nav.notices": "Notifications",
	"nav.unread":  "(%d unread)",

	"notices.title":      "Notifications",
	"notices.unread":     "Unread: %d.",
	"notices.prefs_link": "Choose how you are told",
	"notices.read_all":   "Mark all as read",
	"notices.caption":    "Your notifications, newest first",
	"notices.when":       "When",
	"notices.what":       "What needs you",
	"notices.case":       "Case",
	"notices.due":        "Deadline",
	"notices.status":     "Status",
	"notices.new":        "New",
	"notices.read":       "Read",
	"notices.mark_read":  "Mark as read",
	"notices.none":       "You have no notifications.",
	"notices.done_read":  "The notification is marked as read.",
	"notices.done_all":   "Every notification is marked as read.",

	"notices.stage_priority": "Stage: %s. Priority: %s.",
	"notices.escalated":      "Escalated to the programme administration. The case itself is not open to you.",

	"notice.stage_warning":      "A stage deadline is near",
	"notice.stage_breach":       "A stage deadline has passed",
	"notice.emergency_stalled":  "An emergency case has not moved in 24 hours",
	"notice.info_unanswered":    "A request for information is still unanswered",
	"notice.checks_overdue":     "Checks are not recorded within their time",
	"notice.medical_expiring":   "A medical expires before the family can travel",
	"notice.follow_up_due":      "A follow-up is due",
	"notice.safety_concern":     "A follow-up reported a safety concern",
	"notice.interview":          "An interview is scheduled or has moved",
	"notice.enrolment_expiring": "An enrolment link of your organisation expires within a day",
	"notice.token_expiring":     "One of your API tokens expires within 7 days",

	"prefs.title":         "How you are told",
	"prefs.back":          "Back to your notifications",
	"prefs.intro":         "Haven shows your notifications on its pages. It can also send you an email when something needs you: the email says only that, with a link, and never names a person, a country or anything about a case.",
	"prefs.email_on":      "Email me when something needs me",
	"prefs.email_on_hint": "You can change this at any time.",
	"prefs.email_yes":     "Yes, by email",
	"prefs.email_no":      "No, only on Haven's pages",
	"prefs.email":         "Email address",
	"prefs.email_hint":    "Your work address, for example name@example.org.",
	"prefs.lang":          "Language of the emails",
	"prefs.save":          "Save",
	"prefs.saved":         "Your choice is saved.",

	"admin.rules.info_days":       "Requests for information",
	"admin.rules.info_days_value": "partner and visa office told after %d days unanswered",

	"err.prefs_lang":           "Choose English or French.",
	"err.prefs_email":          "Enter an email address such as name@example.org.",
	"err.prefs_email_required": "Enter the address to send email to, or choose no email.",
}

var noticeMessagesFR = map[string]string{
	"nav.notices": "Notifications",
	"nav.unread":  "(%d non lues)",

	"notices.title":      "Notifications",
	"notices.unread":     "Non lues : %d.",
	"notices.prefs_link": "Choisir comment être prévenu",
	"notices.read_all":   "Tout marquer comme lu",
	"notices.caption":    "Vos notifications, les plus récentes d'abord",
	"notices.when":       "Quand",
	"notices.what":       "Ce qui vous attend",
	"notices.case":       "Cas",
	"notices.due":        "Échéance",
	"notices.status":     "État",
	"notices.new":        "Nouvelle",
	"notices.read":       "Lue",
	"notices.mark_read":  "Marquer comme lue",
	"notices.none":       "Vous n'avez aucune notification.",
	"notices.done_read":  "La notification est marquée comme lue.",
	"notices.done_all":   "Toutes les notifications sont marquées comme lues.",

	"notices.stage_priority": "Étape : %s. Priorité : %s.",
	"notices.escalated":      "Signalé à l'administration du programme. Le dossier lui-même ne vous est pas accessible.",

	"notice.stage_warning":      "Une échéance d'étape approche",
	"notice.stage_breach":       "Une échéance d'étape est dépassée",
	"notice.emergency_stalled":  "Un dossier d'urgence n'a pas avancé depuis 24 heures",
	"notice.info_unanswered":    "Une demande de renseignements est toujours sans réponse",
	"notice.checks_overdue":     "Des contrôles ne sont pas consignés dans les délais",
	"notice.medical_expiring":   "Un examen médical expire avant que la famille puisse voyager",
	"notice.follow_up_due":      "Un suivi est dû",
	"notice.safety_concern":     "Un suivi a signalé un problème de sécurité",
	"notice.interview":          "Une entrevue est prévue ou a été déplacée",
	"notice.enrolment_expiring": "Un lien d'inscription de votre organisation expire dans la journée",
	"notice.token_expiring":     "Un de vos jetons d'API expire dans les 7 jours",

	"prefs.title":         "Comment vous êtes prévenu",
	"prefs.back":          "Retour à vos notifications",
	"prefs.intro":         "Haven affiche vos notifications sur ses pages. Il peut aussi vous envoyer un courriel quand quelque chose vous attend : le courriel ne dit que cela, avec un lien, et ne nomme jamais une personne, un pays ni rien d'un dossier.",
	"prefs.email_on":      "M'envoyer un courriel quand quelque chose m'attend",
	"prefs.email_on_hint": "Vous pouvez changer ce choix à tout moment.",
	"prefs.email_yes":     "Oui, par courriel",
	"prefs.email_no":      "Non, seulement sur les pages de Haven",
	"prefs.email":         "Adresse courriel",
	"prefs.email_hint":    "Votre adresse professionnelle, par exemple nom@example.org.",
	"prefs.lang":          "Langue des courriels",
	"prefs.save":          "Enregistrer",
	"prefs.saved":         "Votre choix est enregistré.",

	"admin.rules.info_days":       "Demandes de renseignements",
	"admin.rules.info_days_value": "partenaire et bureau des visas prévenus après %d jours sans réponse",

	"err.prefs_lang":           "Choisissez l'anglais ou le français.",
	"err.prefs_email":          "Entrez une adresse courriel comme nom@example.org.",
	"err.prefs_email_required": "Entrez l'adresse où envoyer les courriels, ou choisissez de ne pas en recevoir.",
}
