package web

import (
	"net/http"
	"strings"
)

// Printing. The print style (haven.css, @media print) leaves out the
// navigation, the forms and the buttons, and keeps rows and panels whole
// where it can; it hides, and never shows, what the screen shows: a page
// holds only the reader's view, so its print holds no more. The security
// marking goes on every printed page as a page margin box (@page
// @top-center and @bottom-center), in the page's language: a margin box
// takes its words from the style sheet, so each language has a small print
// style sheet of its own, made from the catalogue and served from Haven
// (the content security policy takes styles from Haven alone).

// handleMarkingCSS serves the print style sheet of the security marking in
// one language: /marking/en.css or /marking/fr.css.
func (s *server) handleMarkingCSS() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		lang, ok := strings.CutSuffix(r.PathValue("file"), ".css")
		if !ok || lang != langEN && lang != langFR {
			http.NotFound(w, r)
			return
		}
		mark := cssString(translate(lang, "common.protected_b"))
		w.Header().Set("Content-Type", "text/css; charset=utf-8")
		w.Write([]byte("@media print {\n  @page {\n" +
			"    @top-center { content: " + mark + "; }\n" +
			"    @bottom-center { content: " + mark + "; }\n  }\n}\n"))
	})
}

// cssString quotes s as a CSS string.
func cssString(s string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\a `).Replace(s) + `"`
}
