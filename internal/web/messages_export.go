package web

// The catalogue entries of the lists' CSV exports, the printed security
// marking and the demonstration's second factor, in English and French.

func init() {
	addMessages(exportEN, exportFR)
}

var exportEN = map[string]string{
	"export.csv":      "Download as CSV",
	"export.too_many": "There are too many rows to download at once (more than 5,000). Narrow the list with its filters, then download it.",
	"demo.code_text":  "The people and the accounts here are invented: this is the code the invented user's authenticator app would show now. Type it below, or scan the QR code with an authenticator app.",
	"demo.code":       "Code now",
	"demo.qr_alt":     "QR code of the setup key, for an authenticator app",
}

var exportFR = map[string]string{
	"export.csv":      "Télécharger en CSV",
	"export.too_many": "Il y a trop de lignes pour les télécharger d'un coup (plus de 5 000). Restreignez la liste avec ses filtres, puis téléchargez-la.",
	"demo.code_text":  "Les personnes et les comptes sont inventés : voici le code que l'application d'authentification de l'utilisateur inventé afficherait maintenant. Tapez-le ci-dessous, ou lisez le code QR avec une application d'authentification.",
	"demo.code":       "Code actuel",
	"demo.qr_alt":     "Code QR de la clé de configuration, pour une application d'authentification",
}
