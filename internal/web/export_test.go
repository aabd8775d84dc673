package web

// Internals for the external tests.
var (
	MessagesEN   = messagesEN
	MessagesFR   = messagesFR
	TemplateKeys = templateKeys
	CodeKeys     = codeKeys
)

// Country and language names.
var (
	CountryName   = countryName
	LanguageName  = languageName
	CountryLabel  = country
	LanguageLabel = languageLabel
)
