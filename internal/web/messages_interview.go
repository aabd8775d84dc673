package web

// The catalogue entries of the eligibility interview: its section on the
// case page, the form that schedules or moves it, and the app's messages
// about it, in English and in French.

func init() {
	addMessages(interviewMessagesEN, interviewMessagesFR)
	for msg, key := range map[string]string{
		"enter the date of the interview":                                                        "err.interview_date",
		"the date has passed: choose a date from today":                                          "err.interview_date_past",
		"enter the time as hours and minutes, such as 09:30":                                     "err.interview_time",
		"the time has passed: choose a later time":                                               "err.interview_time_past",
		"this time does not exist on that day in this time zone: the clocks change":              "err.interview_time_gap",
		"enter the place's time zone, such as Africa/Nairobi, or its UTC offset, such as +03:00": "err.interview_zone",
		"enter the address of the interview, or a link for a remote interview":                   "err.interview_place",
		"enter the full https:// link of the remote interview":                                   "err.interview_link",
		"choose the language of the interview":                                                   "err.interview_language",
		"choose the language the interpreter works from":                                         "err.interpreter_language",
		"an interpreter's language is given only when an interpreter is needed":                  "err.interpreter_unneeded",
		"give the interview's date, time, place or link, and language":                           "err.interview_date",
	} {
		knownMessages[msg] = key
	}
	knownPrefixes = append(knownPrefixes, struct{ prefix, key string }{"the interview must be on or before the case's target date", "err.interview_after_target"})
}

var interviewMessagesEN = map[string]string{
	"interview.title":                     "Interview",
	"interview.when":                      "When",
	"interview.place":                     "Address",
	"interview.link":                      "Link of the remote interview",
	"interview.language":                  "Language of the interview",
	"interview.interpreter":               "Interpreter",
	"interview.no_interpreter":            "Not needed",
	"interview.interpreter_from":          "Needed (language: %s)",
	"interview.scheduled":                 "Scheduled or last moved",
	"interview.attending":                 "Who attends",
	"interview.person":                    "Person",
	"interview.move":                      "Move the interview",
	"interview.intro":                     "The date and time are those of the place, in its time zone. The referring partner is told, and brings the family. The address and the link are encrypted.",
	"interview.date":                      "Date of the interview",
	"interview.date_hint":                 "At the place. Write it as year-month-day, for example 2026-06-01: from today, and not after the case's target date.",
	"interview.time":                      "Time at the place",
	"interview.time_hint":                 "At the place, as hours and minutes, for example 09:30.",
	"interview.zone":                      "Time zone of the place",
	"interview.zone_hint":                 "Its name, for example Africa/Nairobi or Europe/Istanbul, or its offset from UTC, for example +03:00.",
	"interview.place_hint":                "For an interview in person. Leave it empty for a remote interview, and give the link.",
	"interview.link_hint":                 "For a remote interview: the full link, starting with https://.",
	"interview.language_hint":             "Its ISO code, for example fa for Persian or ar for Arabic.",
	"interview.interpreter_needed":        "Is an interpreter needed?",
	"interview.interpreter_language":      "Language the interpreter works from",
	"interview.interpreter_language_hint": "Its ISO code, for example ti for Tigrinya. Only when an interpreter is needed.",
	"interview.attending_hint":            "Tick none for the principal applicant and every accompanying adult on the day.",

	"next.interview":           "The interview, then its assessment",
	"clock.interview":          "interview",
	"timeline.interview_moved": "Interview moved",

	"err.interview_date":         "Enter the date of the interview",
	"err.interview_date_past":    "The date has passed: choose a date from today",
	"err.interview_time":         "Enter the time as hours and minutes, for example 09:30",
	"err.interview_time_past":    "The time has passed: choose a later time",
	"err.interview_time_gap":     "This time does not exist on that day in this time zone: the clocks change",
	"err.interview_zone":         "Enter the time zone of the place, for example Africa/Nairobi, or its offset from UTC, for example +03:00",
	"err.interview_place":        "Enter the address of the interview, or a link for a remote interview",
	"err.interview_link":         "Enter the full link of the remote interview, starting with https://",
	"err.interview_language":     "Enter the language of the interview as an ISO code, for example fa",
	"err.interpreter_language":   "Enter the language the interpreter works from as an ISO code, for example ti",
	"err.interpreter_unneeded":   "Give an interpreter's language only when an interpreter is needed",
	"err.interview_after_target": "The interview must be on or before the case's target date: see by when, at the top of the page",
}

var interviewMessagesFR = map[string]string{
	"interview.title":                     "Entrevue",
	"interview.when":                      "Quand",
	"interview.place":                     "Adresse",
	"interview.link":                      "Lien de l'entrevue à distance",
	"interview.language":                  "Langue de l'entrevue",
	"interview.interpreter":               "Interprète",
	"interview.no_interpreter":            "Pas nécessaire",
	"interview.interpreter_from":          "Nécessaire (langue : %s)",
	"interview.scheduled":                 "Prévue ou déplacée pour la dernière fois",
	"interview.attending":                 "Qui y assiste",
	"interview.person":                    "Personne",
	"interview.move":                      "Déplacer l'entrevue",
	"interview.intro":                     "La date et l'heure sont celles du lieu, dans son fuseau horaire. Le partenaire qui a soumis le dossier en est informé et y conduit la famille. L'adresse et le lien sont chiffrés.",
	"interview.date":                      "Date de l'entrevue",
	"interview.date_hint":                 "Au lieu de l'entrevue. Écrivez-la sous la forme année-mois-jour, par exemple 2026-06-01 : à partir d'aujourd'hui, et au plus tard à la date cible du dossier.",
	"interview.time":                      "Heure au lieu de l'entrevue",
	"interview.time_hint":                 "Au lieu de l'entrevue, en heures et minutes, par exemple 09:30.",
	"interview.zone":                      "Fuseau horaire du lieu",
	"interview.zone_hint":                 "Son nom, par exemple Africa/Nairobi ou Europe/Istanbul, ou son écart avec UTC, par exemple +03:00.",
	"interview.place_hint":                "Pour une entrevue en personne. Laissez vide pour une entrevue à distance, et donnez le lien.",
	"interview.link_hint":                 "Pour une entrevue à distance : le lien complet, qui commence par https://.",
	"interview.language_hint":             "Son code ISO, par exemple fa pour le persan ou ar pour l'arabe.",
	"interview.interpreter_needed":        "Faut-il un interprète ?",
	"interview.interpreter_language":      "Langue depuis laquelle l'interprète travaille",
	"interview.interpreter_language_hint": "Son code ISO, par exemple ti pour le tigrigna. Seulement s'il faut un interprète.",
	"interview.attending_hint":            "Ne cochez personne pour le demandeur principal et chaque adulte qui l'accompagne ce jour-là.",

	"next.interview":           "L'entrevue, puis son évaluation",
	"clock.interview":          "entrevue",
	"timeline.interview_moved": "Entrevue déplacée",

	"err.interview_date":         "Entrez la date de l'entrevue",
	"err.interview_date_past":    "La date est passée : choisissez une date à partir d'aujourd'hui",
	"err.interview_time":         "Entrez l'heure en heures et minutes, par exemple 09:30",
	"err.interview_time_past":    "L'heure est passée : choisissez une heure plus tardive",
	"err.interview_time_gap":     "Cette heure n'existe pas ce jour-là dans ce fuseau horaire : on y change d'heure",
	"err.interview_zone":         "Entrez le fuseau horaire du lieu, par exemple Africa/Nairobi, ou son écart avec UTC, par exemple +03:00",
	"err.interview_place":        "Entrez l'adresse de l'entrevue, ou un lien pour une entrevue à distance",
	"err.interview_link":         "Entrez le lien complet de l'entrevue à distance, qui commence par https://",
	"err.interview_language":     "Entrez la langue de l'entrevue en code ISO, par exemple fa",
	"err.interpreter_language":   "Entrez la langue depuis laquelle l'interprète travaille en code ISO, par exemple ti",
	"err.interpreter_unneeded":   "Ne donnez la langue d'un interprète que s'il faut un interprète",
	"err.interview_after_target": "L'entrevue doit avoir lieu au plus tard à la date cible du dossier : voyez l'échéance en haut de la page",
}
