package web

// The catalogue entries added with the list of one's own sign-in factors
// on "Your sign-in", the nomination's withdrawal and the country names of
// the visa office's queue, in English and in French.

func init() {
	addMessages(accountEN, accountFR)
	// Named by the Go code of the nomination's withdrawal page.
	codeNamedKeys = append(codeNamedKeys, "partner.nomination_withdraw.not_now")
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

	// A protection partner withdraws its nomination.
	"partner.nomination.withdraw":         "Withdraw this nomination",
	"partner.nomination_withdraw.title":   "Withdraw this nomination",
	"partner.nomination_withdraw.state":   "The nomination becomes withdrawn: it can no longer be reviewed, referred or declined.",
	"partner.nomination_withdraw.notice":  "%s sees that you withdrew it.",
	"partner.nomination_withdraw.again":   "To nominate the defender again later, make a new nomination.",
	"partner.nomination_withdraw.final":   "A withdrawal cannot be undone.",
	"partner.nomination_withdraw.confirm": "Withdraw the nomination",
	"partner.nomination_withdraw.not_now": "This nomination can no longer be withdrawn: only a nomination that is submitted or under review can be.",
	"partner.done.nomination_withdrawn":   "The nomination is withdrawn. The referral partner sees it withdrawn.",
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

	"partner.nomination.withdraw":         "Retirer cette proposition",
	"partner.nomination_withdraw.title":   "Retirer cette proposition",
	"partner.nomination_withdraw.state":   "La proposition devient retirée : elle ne peut plus être examinée, aiguillée ni refusée.",
	"partner.nomination_withdraw.notice":  "%s voit que vous l'avez retirée.",
	"partner.nomination_withdraw.again":   "Pour proposer de nouveau le défenseur plus tard, faites une nouvelle proposition.",
	"partner.nomination_withdraw.final":   "Un retrait ne peut pas être annulé.",
	"partner.nomination_withdraw.confirm": "Retirer la proposition",
	"partner.nomination_withdraw.not_now": "Cette proposition ne peut plus être retirée : seule une proposition soumise ou en examen peut l'être.",
	"partner.done.nomination_withdrawn":   "La proposition est retirée. Le partenaire d'aiguillage la voit retirée.",
}
