package browser_test

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/havenhrd/haven"
)

// catalogue holds the words of the pages the journey reads and uses, as a
// person sees them: the keys are internal/web's, the texts are written out
// here, so that a changed word on a page is a test to update on purpose.
var catalogue = map[string]words{
	"en": {
		"common.other_language": "Français",
		"common.protected_b":    "Protected B",
		"signin.title":          "Sign in",
		"signin.username":       "Username",
		"signin.password":       "Passphrase",
		"signin.continue":       "Continue",
		"notice.signed_out":     "You have signed out.",
		"factor.title":          "Confirm it is you",
		"factor.totp_code":      "Code from your authenticator app",
		"factor.signin":         "Sign in",
		"home.title":            "Your work",
		"nav.queue":             "Work queue",
		"nav.cap":               "Cap figures",
		"nav.placed":            "Families placed with you",
		"nav.signout":           "Sign out",
		"queue.title":           "Work queue",
		"queue.search":          "Find a case",
		"queue.search_go":       "Search",
		"queue.principal":       "Principal applicant",
		"queue.due":             "Due",
		"panel.due":             "By when",
		"clock.target":          "target date",
		"placed.title":          "Families placed with you",
		"case.title":            "Case",
		"case.state":            "State:",
		"panel.state":           "State",
		"narrative.account":     "Persecution account",
		"checks.caption":        "Admissibility checks",

		"state.referred":                  "Referred",
		"state.file_created":              "File open",
		"state.eligibility_review":        "Eligibility review",
		"state.eligible":                  "Eligible",
		"state.admissibility_in_progress": "Admissibility checks",
		"state.admissible":                "Admissible",
		"state.approved":                  "Approved",
		"state.travel_booked":             "Travel booked",
		"state.arrived":                   "Arrived",
		"state.in_settlement":             "In settlement",

		"act.open_file":                  "Open the file",
		"done.open_file":                 "The file is open.",
		"act.start_eligibility":          "Start the eligibility assessment",
		"done.start_eligibility":         "The eligibility assessment has started.",
		"state.interview":                "Interview",
		"interview.date":                 "Date of the interview",
		"interview.time":                 "Time at the place",
		"interview.zone":                 "Time zone of the place",
		"interview.place":                "Address",
		"interview.language":             "Language of the interview",
		"interview.title":                "Interview",
		"partner.acts.interview":         "Schedule an interview",
		"partner.done.interview":         "The interview is scheduled. The referring partner is told.",
		"assessment.outside_country":     "Outside their country",
		"assessment.well_founded_fear":   "Well-founded fear",
		"assessment.no_internal_flight":  "No internal flight alternative",
		"assessment.no_durable_solution": "No other durable solution",
		"assessment.interviewed":         "Interviewed",
		"ground.political_opinion":       "Political opinion",
		"assessment.notes":               "Notes",
		"act.assessment":                 "Record the assessment",
		"done.eligible":                  "The assessment is recorded and the case is eligible.",
		"act.start_admissibility":        "Start the admissibility checks",
		"done.start_admissibility":       "The admissibility checks have started.",
		"act.confirm_admissible":         "Confirm every traveller is admissible",
		"done.confirm_admissible":        "Every traveller is admissible.",
		"act.approve":                    "Approve this case",
		"approve.title":                  "Approve this case",
		"approve.reserves":               "%d persons will count against the cap of the admission year you choose.",
		"approve.this_year":              "The year of approval",
		"approve.confirm":                "Approve the case",
		"done.approve":                   "The case is approved and its places in the cap are reserved.",
		"cap.title":                      "Cap figures",
		"cap.reserved":                   "Reserved",
		"cap.remaining":                  "Remaining",
		"travel.date":                    "Travel date",
		"travel.itinerary":               "Itinerary",
		"travel.loan_accepted":           "The family accepted the transportation loan",
		"act.travel":                     "Book travel",
		"done.travel":                    "The travel is booked.",
		"travel.new_date":                "New travel date",
		"act.change_travel":              "Change travel",
		"done.change_travel":             "The travel date is changed. The settlement organisation, if the case is placed with one, is told.",
		"arrival.date":                   "Arrival date",
		"arrival.port":                   "Port of entry",
		"act.arrival":                    "Record the arrival",
		"done.arrival":                   "The arrival is recorded.",
		"settlement.org":                 "Settlement organisation",
		"act.settlement":                 "Place with a settlement organisation",
		"done.settlement":                "The case is placed with the settlement organisation.",
		"act.begin_settlement":           "Record that settlement has begun",
		"done.begin_settlement":          "Settlement has begun.",

		// The partners' pages.
		"partner.home.nominations":           "Your nominations",
		"partner.home.inbox":                 "Nominations addressed to you",
		"partner.home.checks":                "Checks assigned to you",
		"partner.nominate.start":             "Nominate a defender",
		"partner.nominate.defender":          "The defender",
		"partner.nom.defender_name":          "Defender's name",
		"family.contact":                     "Contact",
		"family.whereabouts":                 "Whereabouts",
		"partner.flow.continue":              "Continue",
		"partner.nominate.countries":         "Countries and family",
		"partner.f.nationality_countries":    "Countries of nationality",
		"case.asylum_country":                "Country of asylum",
		"partner.nom.family_size":            "Family size",
		"partner.nominate.work":              "Human rights work",
		"workarea.journalism":                "Journalism",
		"profile.organisations":              "Organisations",
		"partner.nominate.threat":            "Threat or attack",
		"threat.type":                        "What happened",
		"threat.arbitrary_detention":         "Arbitrary detention",
		"threat.perpetrator":                 "By whom",
		"perpetrator.state":                  "State actors",
		"threat.date":                        "Date",
		"threat.place":                       "Where",
		"threat.description":                 "Description",
		"partner.nominate.threats":           "Threats and attacks",
		"common.no":                          "No",
		"common.yes":                         "Yes",
		"partner.nominate.risk":              "Risk and priority",
		"partner.nom.risk_assessment":        "Risk assessment",
		"priority.urgent":                    "Urgent",
		"partner.nominate.partner":           "Referral partner",
		"partner.nominate.check":             "Check your answers",
		"partner.nominate.send":              "Send the nomination",
		"partner.nomination.title":           "Nomination",
		"partner.nomstate.submitted":         "Submitted",
		"partner.nomination.withdraw":        "Withdraw this nomination",
		"partner.nomination_withdraw.title":  "Withdraw this nomination",
		"partner.nomination_withdraw.final":  "A withdrawal cannot be undone.",
		"confirm.cancel":                     "Cancel",
		"nav.account":                        "Your sign-in",
		"account.title":                      "Your sign-in",
		"account.factors.passkeys":           "Your passkeys",
		"account.factors.totp":               "Authenticator app",
		"account.factors.recovery":           "Recovery codes",
		"partner.nomstate.under_review":      "Under review",
		"partner.inbox.title":                "Nominations addressed to you",
		"partner.nomination.review":          "Start the review",
		"partner.nomination.refer":           "Refer this family",
		"partner.refer.case":                 "UNHCR case and priorities",
		"case.unhcr_number":                  "UNHCR case number",
		"partner.refer.category":             "Submission category",
		"case.primary_category":              "Submission category",
		"category.legal_physical_protection": "Legal and physical protection needs",
		"narrative.justification":            "Why this category",
		"partner.refer.grounds":              "Convention grounds",
		"ground.particular_social_group":     "Membership of a particular social group",
		"socialgroup.human_rights_defenders": "Human rights defenders",
		"partner.refer.countries":            "Countries",
		"partner.refer.account":              "Persecution account",
		"partner.refer.member":               "Person",
		"family.relationship":                "Relationship",
		"relationship.spouse":                "Spouse",
		"relationship.child":                 "Child",
		"partner.f.family_name":              "Family name",
		"partner.f.given_names":              "Given names",
		"family.date_of_birth":               "Date of birth",
		"sex.female":                         "Female",
		"sex.male":                           "Male",
		"family.nationalities":               "Nationalities",
		"family.languages":                   "Languages",
		"partner.refer.members":              "Family members",
		"partner.refer.check":                "Check your answers",
		"partner.refer.claim":                "Category, grounds and account",
		"partner.refer.principal":            "The principal applicant",
		"partner.refer.family":               "The other members of the family",
		"partner.refer.step":                 "Step %d of %d",
		"partner.ref.person":                 "Person %d",
		"partner.ref.members":                "How many people are on the referral?",
		"partner.ref.accompanying":           "Does this person travel with the family?",
		"name.persian":                       "Persian",
		"name.iran":                          "Iran",
		"name.turkiye":                       "Türkiye",
		"partner.refer.send":                 "Refer this family",
		"partner.done.sent":                  "The nomination is sent to the referral partner.",
		"partner.done.review":                "The nomination is under review.",
		"partner.done.referred":              "The family is referred to Canada. The visa office can now see the case.",
		"partner.acts.assign":                "Assign checks to a partner",
		"partner.assign.org":                 "Screening or medical partner",
		"orgkind.screening_partner":          "Screening partner",
		"orgkind.medical_partner":            "Medical partner",
		"relationship.principal":             "Principal applicant",
		"partner.done.assign_checks":         "The checks are assigned to the partner.",
		"partner.checks.title":               "Checks assigned to you",
		"partner.checks.record":              "Record a check",
		"partner.check.title_medical":        "Record a medical exam",
		"partner.check.title_screening":      "Record a screening check",
		"checkkind.security":                 "Security",
		"checkkind.criminality":              "Criminality",
		"checkresult.passed":                 "Passed",
		"checks.valid_until":                 "Valid until",
		"checks.details":                     "Details",
		"partner.check.record":               "Record the check",
		"partner.done.check":                 "The check is recorded.",
		"partner.checks.record_family":       "Record the family's checks",
		"partner.family.title_medical":       "Record the family's medical exams",
		"partner.family.title_screening":     "Record the family's screening checks",
		"partner.family.result_of":           "%s check of %s: result",
		"partner.family.record":              "Record these results",
		"partner.done.checks":                "The family's results are recorded.",
		"checkkind.medical":                  "Medical",
		"plan.title":                         "Integration plan",
		"plan.change":                        "Change",
		"plan.change_title":                  "Update the integration plan",
		"plan.completed":                     "Date completed",
		"plan.notes":                         "Notes",
		"plan.save":                          "Save the milestone",
		"milestone.reception":                "Reception",
		"milestone_hint.reception":           "Met at the port of entry, temporary lodging and first needs.",
		"milestone.human_rights_work":        "Continuing human rights work",
		"mstatus.not_started":                "Not started",
		"mstatus.done":                       "Done",
		"done.milestone":                     "The integration plan has been updated.",
		"followup.caption":                   "Follow-ups after arrival",
	},
	"fr": {
		"common.other_language": "English",
		"common.protected_b":    "Protégé B",
		"signin.title":          "Connexion",
		"signin.username":       "Nom d'utilisateur",
		"signin.password":       "Phrase de passe",
		"signin.continue":       "Continuer",
		"notice.signed_out":     "Vous êtes déconnecté.",
		"factor.title":          "Confirmez votre identité",
		"factor.totp_code":      "Code de votre application d'authentification",
		"factor.signin":         "Se connecter",
		"home.title":            "Votre travail",
		"nav.queue":             "File de travail",
		"nav.cap":               "Plafond",
		"nav.placed":            "Familles qui vous sont confiées",
		"nav.signout":           "Se déconnecter",
		"queue.title":           "File de travail",
		"queue.search":          "Trouver un dossier",
		"queue.search_go":       "Rechercher",
		"queue.principal":       "Demandeur principal",
		"queue.due":             "Échéance",
		"panel.due":             "Échéance",
		"clock.target":          "date cible",
		"placed.title":          "Familles qui vous sont confiées",
		"case.title":            "Dossier",
		"case.state":            "État :",
		"panel.state":           "État",
		"narrative.account":     "Récit de la persécution",
		"checks.caption":        "Contrôles d'interdiction de territoire",

		"state.referred":                  "Aiguillé",
		"state.file_created":              "Dossier ouvert",
		"state.eligibility_review":        "Examen de l'admissibilité",
		"state.eligible":                  "Admissible",
		"state.admissibility_in_progress": "Contrôles d'interdiction de territoire",
		"state.admissible":                "Aucune interdiction de territoire",
		"state.approved":                  "Approuvé",
		"state.travel_booked":             "Voyage réservé",
		"state.arrived":                   "Arrivé",
		"state.in_settlement":             "En établissement",

		"act.open_file":                  "Ouvrir le dossier",
		"done.open_file":                 "Le dossier est ouvert.",
		"act.start_eligibility":          "Commencer l'évaluation de l'admissibilité",
		"done.start_eligibility":         "L'évaluation de l'admissibilité a commencé.",
		"state.interview":                "Entrevue",
		"interview.date":                 "Date de l'entrevue",
		"interview.time":                 "Heure au lieu de l'entrevue",
		"interview.zone":                 "Fuseau horaire du lieu",
		"interview.place":                "Adresse",
		"interview.language":             "Langue de l'entrevue",
		"interview.title":                "Entrevue",
		"partner.acts.interview":         "Prévoir une entrevue",
		"partner.done.interview":         "L'entrevue est prévue. Le partenaire qui a soumis le dossier en est informé.",
		"assessment.outside_country":     "Hors de son pays",
		"assessment.well_founded_fear":   "Crainte fondée",
		"assessment.no_internal_flight":  "Aucune possibilité de refuge intérieur",
		"assessment.no_durable_solution": "Aucune autre solution durable",
		"assessment.interviewed":         "Entrevue menée",
		"ground.political_opinion":       "Opinions politiques",
		"assessment.notes":               "Notes",
		"act.assessment":                 "Consigner l'évaluation",
		"done.eligible":                  "L'évaluation est consignée et le dossier est admissible.",
		"act.start_admissibility":        "Commencer les contrôles d'interdiction de territoire",
		"done.start_admissibility":       "Les contrôles d'interdiction de territoire ont commencé.",
		"act.confirm_admissible":         "Confirmer qu'aucun voyageur n'est interdit de territoire",
		"done.confirm_admissible":        "Aucun voyageur n'est interdit de territoire.",
		"act.approve":                    "Approuver ce dossier",
		"approve.title":                  "Approuver ce dossier",
		"approve.reserves":               "%d personnes compteront dans le plafond de l'année d'admission que vous choisissez.",
		"approve.this_year":              "L'année de l'approbation",
		"approve.confirm":                "Approuver le dossier",
		"done.approve":                   "Le dossier est approuvé et ses places dans le plafond sont réservées.",
		"cap.title":                      "Plafond",
		"cap.reserved":                   "Réservées",
		"cap.remaining":                  "Restantes",
		"travel.date":                    "Date du voyage",
		"travel.itinerary":               "Itinéraire",
		"travel.loan_accepted":           "La famille a accepté le prêt de transport",
		"act.travel":                     "Réserver le voyage",
		"done.travel":                    "Le voyage est réservé.",
		"travel.new_date":                "Nouvelle date du voyage",
		"act.change_travel":              "Modifier le voyage",
		"done.change_travel":             "La date du voyage est modifiée. L'organisme d'établissement, si le dossier lui est confié, en est prévenu.",
		"arrival.date":                   "Date d'arrivée",
		"arrival.port":                   "Point d'entrée",
		"act.arrival":                    "Consigner l'arrivée",
		"done.arrival":                   "L'arrivée est consignée.",
		"settlement.org":                 "Organisme d'établissement",
		"act.settlement":                 "Confier à un organisme d'établissement",
		"done.settlement":                "Le dossier est confié à l'organisme d'établissement.",
		"act.begin_settlement":           "Consigner le début de l'établissement",
		"done.begin_settlement":          "L'établissement a commencé.",

		// The partners' pages.
		"partner.home.nominations":           "Vos propositions",
		"partner.home.inbox":                 "Propositions qui vous sont adressées",
		"partner.home.checks":                "Contrôles qui vous sont confiés",
		"partner.nominate.start":             "Proposer un défenseur",
		"partner.nominate.defender":          "Le défenseur",
		"partner.nom.defender_name":          "Nom du défenseur",
		"family.contact":                     "Coordonnées",
		"family.whereabouts":                 "Lieu où se trouve la personne",
		"partner.flow.continue":              "Continuer",
		"partner.nominate.countries":         "Pays et famille",
		"partner.f.nationality_countries":    "Pays de nationalité",
		"case.asylum_country":                "Pays d'asile",
		"partner.nom.family_size":            "Taille de la famille",
		"partner.nominate.work":              "Travail en faveur des droits de la personne",
		"workarea.journalism":                "Journalisme",
		"profile.organisations":              "Organisations",
		"partner.nominate.threat":            "Menace ou attaque",
		"threat.type":                        "Ce qui s'est passé",
		"threat.arbitrary_detention":         "Détention arbitraire",
		"threat.perpetrator":                 "Par qui",
		"perpetrator.state":                  "Agents de l'État",
		"threat.date":                        "Date",
		"threat.place":                       "Lieu",
		"threat.description":                 "Description",
		"partner.nominate.threats":           "Menaces et attaques",
		"common.no":                          "Non",
		"common.yes":                         "Oui",
		"partner.nominate.risk":              "Risque et priorité",
		"partner.nom.risk_assessment":        "Évaluation du risque",
		"priority.urgent":                    "Urgente",
		"partner.nominate.partner":           "Partenaire d'aiguillage",
		"partner.nominate.check":             "Vérifiez vos réponses",
		"partner.nominate.send":              "Envoyer la proposition",
		"partner.nomination.title":           "Proposition",
		"partner.nomstate.submitted":         "Soumise",
		"partner.nomination.withdraw":        "Retirer cette proposition",
		"partner.nomination_withdraw.title":  "Retirer cette proposition",
		"partner.nomination_withdraw.final":  "Un retrait ne peut pas être annulé.",
		"confirm.cancel":                     "Annuler",
		"nav.account":                        "Votre connexion",
		"account.title":                      "Votre connexion",
		"account.factors.passkeys":           "Vos clés d'accès",
		"account.factors.totp":               "Application d'authentification",
		"account.factors.recovery":           "Codes de récupération",
		"partner.nomstate.under_review":      "En examen",
		"partner.inbox.title":                "Propositions qui vous sont adressées",
		"partner.nomination.review":          "Commencer l'examen",
		"partner.nomination.refer":           "Aiguiller cette famille",
		"partner.refer.case":                 "Dossier du HCR et priorités",
		"case.unhcr_number":                  "Numéro de dossier du HCR",
		"partner.refer.category":             "Catégorie de présentation",
		"case.primary_category":              "Catégorie de présentation",
		"category.legal_physical_protection": "Besoins de protection juridique et physique",
		"narrative.justification":            "Raison de cette catégorie",
		"partner.refer.grounds":              "Motifs de la Convention",
		"ground.particular_social_group":     "Appartenance à un groupe social particulier",
		"socialgroup.human_rights_defenders": "Défenseurs des droits de la personne",
		"partner.refer.countries":            "Pays",
		"partner.refer.account":              "Récit de la persécution",
		"partner.refer.member":               "Personne",
		"family.relationship":                "Lien",
		"relationship.spouse":                "Époux ou épouse",
		"relationship.child":                 "Enfant",
		"partner.f.family_name":              "Nom de famille",
		"partner.f.given_names":              "Prénoms",
		"family.date_of_birth":               "Date de naissance",
		"sex.female":                         "Féminin",
		"sex.male":                           "Masculin",
		"family.nationalities":               "Nationalités",
		"family.languages":                   "Langues",
		"partner.refer.members":              "Membres de la famille",
		"partner.refer.check":                "Vérifiez vos réponses",
		"partner.refer.claim":                "Catégorie, motifs et récit",
		"partner.refer.principal":            "Le demandeur principal",
		"partner.refer.family":               "Les autres membres de la famille",
		"partner.refer.step":                 "Étape %d de %d",
		"partner.ref.person":                 "Personne %d",
		"partner.ref.members":                "Combien de personnes l'aiguillage compte-t-il ?",
		"partner.ref.accompanying":           "Cette personne voyage-t-elle avec la famille ?",
		"name.persian":                       "persan",
		"name.iran":                          "Iran",
		"name.turkiye":                       "Türkiye",
		"partner.refer.send":                 "Aiguiller cette famille",
		"partner.done.sent":                  "La proposition est envoyée au partenaire d'aiguillage.",
		"partner.done.review":                "La proposition est en examen.",
		"partner.done.referred":              "La famille est aiguillée vers le Canada. Le bureau des visas peut maintenant voir le dossier.",
		"partner.acts.assign":                "Confier des contrôles à un partenaire",
		"partner.assign.org":                 "Partenaire de filtrage ou médical",
		"orgkind.screening_partner":          "Partenaire de filtrage",
		"orgkind.medical_partner":            "Partenaire médical",
		"relationship.principal":             "Demandeur principal",
		"partner.done.assign_checks":         "Les contrôles sont confiés au partenaire.",
		"partner.checks.title":               "Contrôles qui vous sont confiés",
		"partner.checks.record":              "Consigner un contrôle",
		"partner.check.title_medical":        "Consigner un examen médical",
		"partner.check.title_screening":      "Consigner un contrôle de filtrage",
		"checkkind.security":                 "Sécurité",
		"checkkind.criminality":              "Criminalité",
		"checkresult.passed":                 "Réussi",
		"checks.valid_until":                 "Valide jusqu'au",
		"checks.details":                     "Détails",
		"partner.check.record":               "Consigner le contrôle",
		"partner.done.check":                 "Le contrôle est consigné.",
		"partner.checks.record_family":       "Consigner les contrôles de la famille",
		"partner.family.title_medical":       "Consigner les examens médicaux de la famille",
		"partner.family.title_screening":     "Consigner les contrôles de filtrage de la famille",
		"partner.family.result_of":           "Résultat du contrôle « %s » de %s",
		"partner.family.record":              "Consigner ces résultats",
		"partner.done.checks":                "Les résultats de la famille sont consignés.",
		"checkkind.medical":                  "Médical",
		"plan.title":                         "Plan d'intégration",
		"plan.change":                        "Modifier",
		"plan.change_title":                  "Mettre à jour le plan d'intégration",
		"plan.completed":                     "Date de réalisation",
		"plan.notes":                         "Notes",
		"plan.save":                          "Enregistrer l'étape",
		"milestone.reception":                "Accueil",
		"milestone_hint.reception":           "Accueil au point d'entrée, hébergement temporaire et premiers besoins.",
		"milestone.human_rights_work":        "Poursuite du travail en faveur des droits de la personne",
		"mstatus.not_started":                "Non commencée",
		"mstatus.done":                       "Réalisée",
		"done.milestone":                     "Le plan d'intégration a été mis à jour.",
		"followup.caption":                   "Suivis après l'arrivée",
	},
}

// TestJourney follows a family of four from their nomination to their
// settlement in Canada, through the pages, in English and then in French:
// the visa officer signs in, works the case from the queue to approval
// (the cap page's remaining figure drops by the four persons), books
// travel, records the arrival and places the family; the settlement
// organisation's worker signs in and opens the case in its view, which
// names the family and leaves out the persecution account. Every page
// visited passes axe-core's WCAG 2.1 A and AA rules.
//
// Before the visa officer, the family comes through the partners' pages:
// a protection partner nominates the defender, UNHCR reviews the
// nomination and refers the family of four from it, person by person; in
// the admissibility checks, the visa officer assigns the travellers to the
// screening and the medical partner, whose users record their 12 checks.
// What no page offers yet goes through the app, and says so.
func TestJourney(t *testing.T) {
	k := needBrowser(t)
	began := time.Now()
	f := newFixture(t)
	browser := startChromium(t, k)
	t.Logf("%s; Chromium %s; axe-core %s; started in %s", f, k.chromium, axePath, time.Since(began).Round(time.Millisecond))
	for i, lang := range []string{"en", "fr"} {
		t.Run(lang, func(t *testing.T) {
			began := time.Now()
			j := &journey{t: t, lang: lang, w: catalogue[lang], kit: k, f: f, browser: browser, violations: map[string][]violation{}}
			defer func() { t.Logf("[%s] journey took %s", lang, time.Since(began).Round(time.Millisecond)) }()
			defer j.report()
			// The families' names differ in every word a search may use.
			fam := newFamily([]string{"Ardalan", "Bahrami"}[i], []string{"امید", "آرش"}[i])
			j.run(fam, fmt.Sprintf("UNH-BRW-%05d", i+1))
		})
	}
}

// run is one journey.
func (j *journey) run(fam family, unhcrNumber string) {
	t, f, w := j.t, j.f, j.w
	visa := f.enrol(t, haven.OrgVisaOffice, "visa-"+j.lang)
	unhcr := f.enrol(t, haven.OrgReferralPartner, "unhcr-"+j.lang)
	screening := f.enrol(t, haven.OrgScreeningPartner, "screening-"+j.lang)
	medical := f.enrol(t, haven.OrgMedicalPartner, "medical-"+j.lang)
	settler := f.enrol(t, haven.OrgSettlementOrganisation, "settlement-"+j.lang)
	prot := f.enrol(t, haven.OrgProtectionPartner, "protection-"+j.lang)

	// The protection partner nominates the defender; UNHCR reviews the
	// nomination and refers the family of four from it.
	nom := j.nominate(prot, fam)
	c := &haven.Case{ID: j.referFromNomination(unhcr, nom, fam, unhcrNumber)}
	id := j.ref(c.ID) // the pages show the case's short reference

	// The visa officer.
	o := j.open("visa officer")
	o.firstPage()
	o.screenshot("signin")
	o.signIn(visa, true)
	o.screenshot("home")

	j.step("the visa officer opens the cap figures")
	o.follow(w.of("nav.cap"))
	o.expect(w.of("cap.title"))
	reserved0, remaining0 := o.capFigures()
	o.screenshot("cap-before")

	j.step("the visa officer opens the work queue")
	o.follow(w.of("nav.queue"))
	o.expect(w.of("queue.title"), id, w.of("state.referred"))
	o.screenshot("queue")

	// The visa officer finds the case in the work queue by the principal
	// applicant's name (typed in other cases than it was written), by a
	// name in the Persian script and by its UNHCR case number, and opens
	// it each time: the row and the case page's panel give the deadline
	// of opening the file and the target date that the year's rules set
	// from the referral's date and the case's priority.
	caseHeading := w.of("case.title") + " " + id
	due, target := j.due(visa, c.ID, haven.StageFile)
	for i, q := range []struct{ what, query string }{
		{"the principal applicant's name", strings.ToLower(fam.given[0]) + " " + strings.ToUpper(fam.surname)},
		{"a name in the Persian script", fam.given[3]},
		{"the UNHCR case number", unhcrNumber},
	} {
		if i > 0 {
			j.step("the visa officer goes back to the work queue")
			o.follow(w.of("nav.queue"))
		}
		j.step("the visa officer searches the work queue for %s, %q", q.what, q.query)
		o.search(q.query, id)
		if got := o.cell(id, w.of("queue.principal")); got != fam.given[0]+" "+fam.surname {
			o.fatalf("the row of %s names %q", id, got)
		}
		if got := o.cell(id, w.of("case.unhcr_number")); got != unhcrNumber {
			o.fatalf("the row of %s has the UNHCR case number %q", id, got)
		}
		if got := o.cell(id, w.of("queue.due")); !strings.HasPrefix(got, due.String()+"\n") {
			o.fatalf("the row of %s is due %q, want %s", id, got, due)
		}
		if i == 0 {
			o.screenshot("queue-search")
		}
		j.step("the visa officer opens case %s from the search", id)
		o.follow(id)
		o.expect(caseHeading, o.stateLine("state.referred"), fam.surname+", "+fam.given[0], fam.account)
		o.expectDue(due, target)
	}
	o.expectMarking()
	o.screenshot("case-referred")

	o.act("act.open_file", "done.open_file", "state.file_created", visa, c.ID, haven.StateFileCreated)
	o.act("act.start_eligibility", "done.start_eligibility", "state.eligibility_review", visa, c.ID, haven.StateEligibilityReview)

	j.step("the visa officer schedules the interview, at the place's time")
	const room = "Interview room 2, UNHCR office, Ankara"
	o.fill(w.of("interview.date"), haven.DateOf(time.Now()).AddDays(3).String())
	o.fill(w.of("interview.time"), "10:00")
	o.fill(w.of("interview.zone"), "Europe/Istanbul")
	o.fill(w.of("interview.place"), room)
	o.fill(w.of("interview.language"), "fa")
	o.screenshot("interview")
	o.act("partner.acts.interview", "partner.done.interview", "state.interview", visa, c.ID, haven.StateInterview)
	o.expect(caseHeading, w.of("interview.title"), room)

	j.step("the visa officer fills in the eligibility assessment")
	for _, finding := range []string{"assessment.outside_country", "assessment.well_founded_fear", "assessment.no_internal_flight",
		"assessment.no_durable_solution", "assessment.interviewed", "ground.political_opinion"} {
		o.tick(w.of(finding))
	}
	o.fill(w.of("assessment.notes"), "Credible, consistent account; corroborated by the press collective.")
	o.screenshot("assessment")
	o.act("act.assessment", "done.eligible", "state.eligible", visa, c.ID, haven.StateEligible)
	o.act("act.start_admissibility", "done.start_admissibility", "state.admissibility_in_progress", visa, c.ID, haven.StateAdmissibilityInProgress)

	// The visa officer assigns the travellers' checks; the screening and
	// medical partners record them, each in a browser of their own.
	o.assignChecks(screening, fam, c.ID)
	o.assignChecks(medical, fam, c.ID)
	o.screenshot("checks-assigned")
	j.recordChecks(screening, fam)
	j.recordChecks(medical, fam)
	j.step("the visa officer reloads the case and sees the checks")
	o.reload()
	o.expect(caseHeading, w.of("checks.caption"))
	o.act("act.confirm_admissible", "done.confirm_admissible", "state.admissible", visa, c.ID, haven.StateAdmissible)

	j.step("the visa officer goes to the approval's confirmation page")
	o.follow(w.of("act.approve"))
	o.expect(w.of("approve.title"), fmt.Sprintf(w.of("approve.reserves"), 4))
	o.screenshot("approve")
	j.step("the visa officer chooses the year of approval and approves")
	o.tick(w.of("approve.this_year"))
	o.press(w.of("approve.confirm"), "", 200)
	o.expect(caseHeading, w.of("done.approve"), o.stateLine("state.approved"))
	o.crossCheck(visa, c.ID, haven.StateApproved)

	j.step("the visa officer checks the cap figures again")
	o.follow(w.of("nav.cap"))
	reserved1, remaining1 := o.capFigures()
	if remaining1 != remaining0-4 || reserved1 != reserved0+4 {
		o.fatalf("after approving a family of four, the cap shows %d reserved and %d remaining; before, %d and %d",
			reserved1, remaining1, reserved0, remaining0)
	}
	o.screenshot("cap-after")

	j.step("the visa officer goes back to the case through the work queue")
	o.follow(w.of("nav.queue"))
	o.follow(id)
	o.expect(caseHeading, o.stateLine("state.approved"))

	today := haven.DateOf(time.Now()).String()
	j.step("the visa officer fills in the travel booking, for tomorrow")
	o.fill(w.of("travel.date"), haven.DateOf(time.Now()).AddDays(1).String())
	o.fill(w.of("travel.itinerary"), "IST-YUL via FRA, met at arrivals by the settlement worker")
	o.tick(w.of("travel.loan_accepted"))
	o.act("act.travel", "done.travel", "state.travel_booked", visa, c.ID, haven.StateTravelBooked)

	j.step("the visa officer moves the travel to today")
	o.fill(w.of("travel.new_date"), today)
	o.act("act.change_travel", "done.change_travel", "state.travel_booked", visa, c.ID, haven.StateTravelBooked)

	j.step("the visa officer fills in the arrival")
	o.fill(w.of("arrival.date"), today)
	o.fill(w.of("arrival.port"), "YUL")
	o.act("act.arrival", "done.arrival", "state.arrived", visa, c.ID, haven.StateArrived)
	o.expect(caseHeading, "YUL")

	j.step("the visa officer chooses %s", settler.org.Name)
	o.choose(w.of("settlement.org"), settler.org.Name)
	o.act("act.settlement", "done.settlement", "state.arrived", visa, c.ID, haven.StateArrived)
	o.expect(caseHeading, settler.org.Name)
	o.screenshot("case-placed")

	j.step("the visa officer signs out")
	o.press(w.of("nav.signout"), "", 200)
	o.expect(w.of("signin.title"), w.of("notice.signed_out"))

	// The settlement organisation's worker, in a browser of their own.
	s := j.open("settlement worker")
	s.firstPage()
	s.signIn(settler, false)
	j.step("the settlement worker opens the families placed with them")
	s.follow(w.of("nav.placed"))
	s.expect(w.of("placed.title"), id)
	s.screenshot("placed")
	j.step("the settlement worker opens case %s", id)
	s.follow(id)
	var names []string
	for _, g := range fam.given {
		names = append(names, fam.surname+", "+g)
	}
	s.expect(caseHeading, append(names, s.stateLine("state.arrived"))...)
	s.expectMarking()
	// The settlement view leaves the persecution account out, and the
	// family's whereabouts: they are not on the page, and they never
	// reached the browser.
	if strings.Contains(s.text(), fam.account) || strings.Contains(s.html(), fam.account) ||
		strings.Contains(s.text(), w.of("narrative.account")) {
		s.fatalf("the settlement view shows the persecution account")
	}
	if strings.Contains(s.html(), fam.whereabouts) {
		s.fatalf("the settlement view shows where the family was hiding")
	}
	s.screenshot("settlement-case")

	// The integration plan: every milestone stands as not started; the
	// worker records that reception is done, on the milestone's own page.
	j.step("the settlement worker reads the integration plan")
	s.expect(caseHeading, w.of("plan.title"), w.of("milestone.human_rights_work"), w.of("followup.caption"))
	if cells := s.row(w.of("milestone.reception")); len(cells) < 1 || cells[0] != w.of("mstatus.not_started") {
		s.fatalf("the reception milestone of a new plan reads %v", cells)
	}
	j.step("the settlement worker opens the reception milestone")
	s.follow(w.of("plan.change") + " – " + w.of("milestone.reception"))
	s.expect(w.of("plan.change_title")+": "+w.of("milestone.reception"), w.of("milestone_hint.reception"))
	s.screenshot("plan-milestone")
	j.step("the settlement worker records that reception is done")
	s.tick(w.of("mstatus.done"))
	s.fill(w.of("plan.completed"), today)
	s.fill(w.of("plan.notes"), "Met at YUL with an interpreter; temporary lodging for two weeks")
	s.press(w.of("plan.save"), "", 200)
	s.expect(caseHeading, w.of("done.milestone"), "temporary lodging for two weeks")
	if cells := s.row(w.of("milestone.reception")); len(cells) < 3 || cells[0] != w.of("mstatus.done") || cells[2] != today {
		s.fatalf("the reception milestone after saving reads %v", cells)
	}
	s.screenshot("plan")

	// Settlement begins, from the settlement worker's own case page.
	j.step("the settlement worker records that settlement has begun")
	s.act("act.begin_settlement", "done.begin_settlement", "state.in_settlement", visa, c.ID, haven.StateInSettlement)
}

// due is when the case id must leave stage, and its target date, as the
// test works them out: the date of the referral (the fixture's record of
// it) plus the budgets that the rules of the referral's year give the
// case's processing priority.
func (j *journey) due(visa *user, id haven.ID, stage haven.Stage) (stageDue, target haven.Date) {
	j.t.Helper()
	c := must(j.f.app.Cases.FindCaseByID(j.f.ctx, visa.actor, id))
	rules := must(j.f.app.Programme.FindRules(j.f.ctx, j.f.admin, c.ReferredAt.UTC().Year()))
	days, ok := rules.StageDays[stage][c.ProcessingPriority]
	total, ok2 := rules.TargetDays[c.ProcessingPriority]
	if !ok || !ok2 || days <= 0 || total <= days {
		j.t.Fatalf("the rules give a %s case %d days for %s (%v) and %d in all (%v)", c.ProcessingPriority, days, stage, ok, total, ok2)
	}
	referred := haven.DateOf(c.ReferredAt)
	return referred.AddDays(days), referred.AddDays(total)
}

// search types query into the work queue's search box and searches: the
// list that comes back holds the case id alone.
func (s *session) search(query, id string) {
	s.t.Helper()
	w := s.j.w
	s.fill(w.of("queue.search"), query)
	s.press(w.of("queue.search_go"), "", 200)
	s.expect(w.of("queue.title"), id)
	if rows := eval[[]string](s, `[...document.querySelectorAll('table tbody tr')].map(r => r.querySelector('th').innerText.trim())`); len(rows) != 1 || rows[0] != id {
		s.fatalf("the search for %q lists %q, want %s alone", query, rows, id)
	}
}

// cell returns the text of the table cell in the row headed row and the
// column headed col.
func (s *session) cell(row, col string) string {
	s.t.Helper()
	args := must(json.Marshal([]string{row, col}))
	got := eval[[]string](s, `((row, col) => {
		const norm = s => (s || '').replace(/\s+/g, ' ').trim();
		const out = [];
		for (const t of document.querySelectorAll('table')) {
			const i = [...t.querySelectorAll('thead th')].map(h => norm(h.innerText)).indexOf(col);
			if (i < 0) continue;
			for (const r of t.querySelectorAll('tbody tr')) {
				if (norm(r.children[0].innerText) === row && r.children[i]) out.push(r.children[i].innerText.trim());
			}
		}
		return out;
	})(...`+string(args)+`)`)
	if len(got) != 1 {
		s.fatalf("%d cells in the row %q and the column %q, want 1", len(got), row, col)
	}
	return got[0]
}

// expectDue fails unless the case page's panel gives the stage's deadline
// due and the target date.
func (s *session) expectDue(due, target haven.Date) {
	s.t.Helper()
	w := s.j.w
	panel := eval[string](s, `(document.getElementById('clock') || {innerText: ''}).innerText`)
	by := eval[string](s, `(document.querySelector('#clock #due') || {innerText: ''}).innerText.trim()`)
	if !strings.Contains(panel, w.of("panel.due")) || !strings.HasPrefix(by, due.String()+" ") || !strings.HasSuffix(by, w.of("clock.target")+" "+target.String()) {
		s.fatalf("the panel gives the deadline %q, want %s and the target date %s; it says:\n%s", by, due, target, panel)
	}
}

// firstPage is a person's way in: the sign-in page's address, typed. In
// French, the page first comes in the browser's language, English, and
// the person switches it with the toggle.
func (s *session) firstPage() {
	s.t.Helper()
	s.j.step("the %s goes to the sign-in page", s.who)
	s.visit("/signin")
	if s.j.lang != "en" {
		s.expect(catalogue["en"].of("signin.title"))
		s.j.step("the %s switches the page to French with the language toggle", s.who)
		s.lang = s.j.lang
		s.follow(catalogue["en"].of("common.other_language"))
	}
	s.expect(s.j.w.of("signin.title"))
}

// signIn signs u in with the password and then the authenticator's code.
func (s *session) signIn(u *user, shots bool) {
	s.t.Helper()
	w := s.j.w
	s.j.step("the %s signs in with username and password", s.who)
	s.fill(w.of("signin.username"), u.name)
	s.fill(w.of("signin.password"), password)
	s.press(w.of("signin.continue"), "", 200)
	s.expect(w.of("factor.title"))
	if shots {
		s.screenshot("factor")
	}
	s.j.step("the %s gives the code from the authenticator app", s.who)
	s.fill(w.of("factor.totp_code"), totpCode(s.t, s.j.f.clock, u.secret, 0))
	s.press(w.of("factor.signin"), w.of("factor.totp_code"), 200)
	s.expect(w.of("home.title"), u.org.Name)
}

// expectMarking fails unless the page carries its security marking. The
// style sets it in capitals, so the rendered text is compared without case.
func (s *session) expectMarking() {
	s.t.Helper()
	if m := s.j.w.of("common.protected_b"); !strings.Contains(strings.ToLower(s.text()), strings.ToLower(m)) {
		s.fatalf("the page shows case data without its marking %q", m)
	}
}

// stateLine is how the case page states the case's state.
func (s *session) stateLine(stateKey string) string {
	return s.j.w.of("panel.state") + "\n" + s.j.w.of(stateKey)
}

// ref is the short reference the pages show for the case id.
func (j *journey) ref(id haven.ID) string {
	j.mu.Lock()
	defer j.mu.Unlock()
	if r, ok := j.refs[id]; ok {
		return r
	}
	j.t.Fatalf("no reference known for case %s", id)
	return ""
}

// learnRef reads the reference of case id as reader sees it.
func (j *journey) learnRef(reader haven.Actor, id haven.ID) string {
	r := must(j.f.app.Cases.FindCaseByID(j.f.ctx, reader, id)).Reference
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.refs == nil {
		j.refs = map[haven.ID]string{}
	}
	j.refs[id] = r
	return r
}

// act presses the case page's button for an act and checks the page that
// follows: the act's notice, the new state, and the same state in the app.
func (s *session) act(button, done, state string, visa *user, id haven.ID, want haven.CaseState) {
	s.t.Helper()
	w := s.j.w
	s.j.step("the %s presses %q", s.who, w.of(button))
	s.press(w.of(button), "", 200)
	s.expect(w.of("case.title")+" "+s.j.ref(id), s.stateLine(state))
	if n := s.notice(); n != w.of(done) {
		s.fatalf("the notice says %q, want %q", n, w.of(done))
	}
	s.crossCheck(visa, id, want)
}

// crossCheck compares the page's word with the app's record.
func (s *session) crossCheck(visa *user, id haven.ID, want haven.CaseState) {
	s.t.Helper()
	if got := s.j.f.state(s.t, visa, id); got != want {
		s.fatalf("the app has the case in state %s, want %s", got, want)
	}
}

// capFigures reads the reserved and remaining persons from the cap page's
// table.
func (s *session) capFigures() (reserved, remaining int) {
	s.t.Helper()
	num := func(header string) int {
		cells := s.row(header)
		if len(cells) != 1 {
			s.fatalf("the row %q has cells %q", header, cells)
		}
		n, err := strconv.Atoi(strings.ReplaceAll(strings.ReplaceAll(cells[0], "\u00a0", ""), " ", ""))
		if err != nil {
			s.fatalf("the row %q says %q: %v", header, cells[0], err)
		}
		return n
	}
	return num(s.j.w.of("cap.reserved")), num(s.j.w.of("cap.remaining"))
}
