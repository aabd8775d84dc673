package web

// The catalogue entries of the cap by month and of the work queue's
// partner filter, in English and French, and the keys their Go code names
// (checked at start-up with the others).

func init() {
	addMessages(capEN, capFR)
	enumPrefixes["month"] = []string{"1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12"}
	codeNamedKeys = append(codeNamedKeys, "cap.whole_cap", "cap.before_year", "cap.after_year", "cap.month_year",
		"cap.month_range", "err.choose_partner", "err.choose_year")
	// The app's words for a partner that is not one: either page's choice.
	knownMessages["choose one of the year's partners"] = "err.choose_partner"
	knownMessages["choose a referral or protection partner"] = "err.choose_partner"
}

var capEN = map[string]string{
	"cap.months_of":              "Show the months of",
	"cap.whole_cap":              "The whole cap",
	"cap.months_heading":         "Month by month: %s",
	"cap.partners_chart_caption": "Persons in the %d cap by referring partner. Each bar is drawn to the partner's allocation, or to the cap when it has none: reserved, then arrived, then remaining. The table below gives the same numbers.",
	"cap.partner_figures":        "%d reserved, %d arrived, %d remaining of an allocation of %d persons",
	"cap.partner_figures_cap":    "%d reserved, %d arrived, %d remaining in the cap of %d persons",
	"cap.months_chart_caption":   "Persons reserved, arrived and remaining at the end of each period, drawn to the scale of %d persons. Months in which nothing moved are shown together. The table gives the same numbers, and what moved in each month.",
	"cap.period_figures":         "%d reserved, %d arrived, %d remaining",
	"cap.period_quiet":           "No movement: %d reserved, %d arrived, %d remaining",
	"cap.no_movement":            "No movement",
	"cap.month_range":            "%s–%s %d",
	"cap.legend":                 "%s: %d",
	"err.choose_year":            "Choose a year from the list",
	"cap.months_caption":         "Month by month, in persons: %s",
	"cap.months_note":            "A place counts in the month the ledger recorded its move, in UTC: an approval reserves it; an arrival, or a refusal, withdrawal or split decision, moves it on. A place released and then reserved again counts from its latest reservation. Months not yet begun are not shown.",
	"cap.month":                  "Month",
	"cap.reserved_in":            "Reserved in the month",
	"cap.arrived_in":             "Arrived in the month",
	"cap.released_in":            "Released in the month",
	"cap.reserved_end":           "Reserved at the month's end",
	"cap.arrived_end":            "Arrived by the month's end",
	"cap.remaining_end":          "Remaining at the month's end",
	"cap.before_year":            "Before %d",
	"cap.after_year":             "After %d",
	"cap.month_year":             "%s %d",
	"month.1":                    "January",
	"month.2":                    "February",
	"month.3":                    "March",
	"month.4":                    "April",
	"month.5":                    "May",
	"month.6":                    "June",
	"month.7":                    "July",
	"month.8":                    "August",
	"month.9":                    "September",
	"month.10":                   "October",
	"month.11":                   "November",
	"month.12":                   "December",
	"err.choose_partner":         "Choose a partner from the list",

	"queue.filter_partner": "Referred by",
}

var capFR = map[string]string{
	"cap.months_of":              "Afficher les mois de",
	"cap.whole_cap":              "Tout le plafond",
	"cap.months_heading":         "Mois par mois : %s",
	"cap.partners_chart_caption": "Personnes dans le plafond de %d par partenaire. Chaque barre est tracée à l'échelle de l'allocation du partenaire, ou du plafond s'il n'en a pas : réservées, puis arrivées, puis restantes. Le tableau ci-dessous donne les mêmes nombres.",
	"cap.partner_figures":        "%d réservées, %d arrivées, %d restantes d'une allocation de %d personnes",
	"cap.partner_figures_cap":    "%d réservées, %d arrivées, %d restantes dans le plafond de %d personnes",
	"cap.months_chart_caption":   "Personnes réservées, arrivées et restantes à la fin de chaque période, à l'échelle de %d personnes. Les mois sans mouvement sont regroupés. Le tableau donne les mêmes nombres, et les mouvements de chaque mois.",
	"cap.period_figures":         "%d réservées, %d arrivées, %d restantes",
	"cap.period_quiet":           "Aucun mouvement : %d réservées, %d arrivées, %d restantes",
	"cap.no_movement":            "Aucun mouvement",
	"cap.month_range":            "%s–%s %d",
	"cap.legend":                 "%s : %d",
	"err.choose_year":            "Choisissez une année dans la liste",
	"cap.months_caption":         "Mois par mois, en personnes : %s",
	"cap.months_note":            "Une place compte dans le mois où le registre a inscrit son mouvement, en temps universel (UTC) : une approbation la réserve ; une arrivée, un refus, un retrait ou une décision partagée la fait changer. Une place libérée puis réservée de nouveau compte à partir de sa dernière réservation. Les mois qui n'ont pas commencé ne sont pas affichés.",
	"cap.month":                  "Mois",
	"cap.reserved_in":            "Réservées dans le mois",
	"cap.arrived_in":             "Arrivées dans le mois",
	"cap.released_in":            "Libérées dans le mois",
	"cap.reserved_end":           "Réservées à la fin du mois",
	"cap.arrived_end":            "Arrivées à la fin du mois",
	"cap.remaining_end":          "Restantes à la fin du mois",
	"cap.before_year":            "Avant %d",
	"cap.after_year":             "Après %d",
	"cap.month_year":             "%s %d",
	// Capitalised: they stand alone, as labels of rows and bars.
	"month.1":            "Janvier",
	"month.2":            "Février",
	"month.3":            "Mars",
	"month.4":            "Avril",
	"month.5":            "Mai",
	"month.6":            "Juin",
	"month.7":            "Juillet",
	"month.8":            "Août",
	"month.9":            "Septembre",
	"month.10":           "Octobre",
	"month.11":           "Novembre",
	"month.12":           "Décembre",
	"err.choose_partner": "Choisissez un partenaire dans la liste",

	"queue.filter_partner": "Aiguillé par",
}
