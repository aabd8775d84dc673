package web

// Internals for the external tests.
var (
	MessagesEN   = messagesEN
	MessagesFR   = messagesFR
	TemplateKeys = templateKeys
	CodeKeys     = codeKeys
)
