package web

// The catalogue entries of the lists' CSV exports, the list of API tokens,
// the printed security marking and the demonstration's second factor, in
// English and French.

func init() {
	addMessages(exportEN, exportFR)
}

var exportEN = map[string]string{
	"export.csv":      "Download as CSV",
	"export.too_many": "There are too many rows to download at once (more than 5,000). Narrow the list with its filters, then download it.",
	"demo.code_text":  "The people and the accounts here are invented: this is the code the invented user's authenticator app would show now. Type it below, or scan the QR code with an authenticator app.",
	"demo.code":       "Code now",
	"demo.qr_alt":     "QR code of the setup key, for an authenticator app",

	"admin.tokens.list":         "Tokens",
	"admin.tokens.list_caption": "The %d API tokens, by organisation and user",
	"admin.tokens.none":         "No API token has been made yet.",
	"admin.tokens.id":           "ID",
	"admin.tokens.user":         "Acts as",
	"admin.tokens.created":      "Made on",
	"admin.tokens.expires":      "Expires on",
	"admin.tokens.last_used":    "Last used on",
	"admin.tokens.active":       "Active",
	"admin.tokens.revoked_on":   "Revoked on %s",
	"admin.tokens.expired_on":   "Expired on %s",
	"admin.tokens.revoke":       "Revoke",
}

var exportFR = map[string]string{
	"export.csv":      "Télécharger en CSV",
	"export.too_many": "Il y a trop de lignes pour les télécharger d'un coup (plus de 5 000). Restreignez la liste avec ses filtres, puis téléchargez-la.",
	"demo.code_text":  "Les personnes et les comptes sont inventés : voici le code que l'application d'authentification de l'utilisateur inventé afficherait maintenant. Tapez-le ci-dessous, ou lisez le code QR avec une application d'authentification.",
	"demo.code":       "Code actuel",
	"demo.qr_alt":     "Code QR de la clé de configuration, pour une application d'authentification",

	"admin.tokens.list":         "Jetons",
	"admin.tokens.list_caption": "Les %d jetons d'API, par organisation et utilisateur",
	"admin.tokens.none":         "Aucun jeton d'API n'a encore été créé.",
	"admin.tokens.id":           "Identifiant",
	"admin.tokens.user":         "Agit au nom de",
	"admin.tokens.created":      "Créé le",
	"admin.tokens.expires":      "Expire le",
	"admin.tokens.last_used":    "Dernière utilisation le",
	"admin.tokens.active":       "Actif",
	"admin.tokens.revoked_on":   "Révoqué le %s",
	"admin.tokens.expired_on":   "Expiré le %s",
	"admin.tokens.revoke":       "Révoquer",
}
