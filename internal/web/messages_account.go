package web

// The catalogue entries added with the list of one's own sign-in factors
// on "Your sign-in", the nomination's withdrawal and the country names of
// the visa office's queue, in English and in French.

func init() {
	addMessages(accountEN, accountFR)
}

var accountEN = map[string]string{
	// One's own factors, on "Your sign-in".
	"account.factors.passkeys":       "Your passkeys",
	"account.factors.passkey_name":   "Name",
	"account.factors.added":          "Added",
	"account.factors.last_used":      "Last used",
	"account.factors.action":         "Action",
	"account.factors.unnamed":        "Passkey without a name",
	"account.factors.never":          "Not used yet",
	"account.factors.remove":         "Remove",
	"account.factors.remove_passkey": "Remove the passkey %s",
	"account.factors.no_passkey":     "You have no passkey.",
	"account.factors.totp":           "Authenticator app",
	"account.factors.totp_since":     "Set up on %s.",
	"account.factors.no_totp":        "You have no authenticator app set up.",
	"account.factors.only_one":       "You have one passkey or authenticator app only, so it cannot be removed. Add another first, then remove this one.",
	"account.factors.recovery":       "Recovery codes",
	"account.factors.codes_left":     "Recovery codes not used yet: %d. Each works once.",
	"account.factors.no_codes":       "You have no unused recovery code left. Get new codes, so that you can still sign in if you lose your second factor.",
	"account.factors.change":         "Change your sign-in",
	"account.factors.see_yours":      "See your passkeys and authenticator app",

	// The visa office's queue, filtered by nationality.
	"queue.country_shown": "Nationality shown: %s.",
}

var accountFR = map[string]string{
	"account.factors.passkeys":       "Vos clés d'accès",
	"account.factors.passkey_name":   "Nom",
	"account.factors.added":          "Ajoutée le",
	"account.factors.last_used":      "Dernière utilisation",
	"account.factors.action":         "Action",
	"account.factors.unnamed":        "Clé d'accès sans nom",
	"account.factors.never":          "Pas encore utilisée",
	"account.factors.remove":         "Supprimer",
	"account.factors.remove_passkey": "Supprimer la clé d'accès %s",
	"account.factors.no_passkey":     "Vous n'avez aucune clé d'accès.",
	"account.factors.totp":           "Application d'authentification",
	"account.factors.totp_since":     "Configurée le %s.",
	"account.factors.no_totp":        "Vous n'avez configuré aucune application d'authentification.",
	"account.factors.only_one":       "Vous n'avez qu'une clé d'accès ou application d'authentification : elle ne peut donc pas être supprimée. Ajoutez-en une autre d'abord, puis supprimez celle-ci.",
	"account.factors.recovery":       "Codes de récupération",
	"account.factors.codes_left":     "Codes de récupération encore inutilisés : %d. Chacun ne sert qu'une fois.",
	"account.factors.no_codes":       "Il ne vous reste aucun code de récupération inutilisé. Obtenez-en de nouveaux, pour pouvoir encore vous connecter si vous perdez votre second facteur.",
	"account.factors.change":         "Modifier votre connexion",
	"account.factors.see_yours":      "Voir vos clés d'accès et votre application d'authentification",

	"queue.country_shown": "Nationalité affichée : %s.",
}
