package mail_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/havenhrd/haven"
	"github.com/havenhrd/haven/internal/mail"
)

// TestEveryTemplateInEveryLanguage: each mail Haven sends exists in
// English and in French, the languages a user may choose, with a subject,
// a text and an HTML part that link to the notifications page; a missing
// one fails here rather than at the first delivery.
func TestEveryTemplateInEveryLanguage(t *testing.T) {
	if !slices.Equal(mail.Langs, haven.NoticeLangs) {
		t.Fatalf("the mail's languages %v are not the ones users choose from %v", mail.Langs, haven.NoticeLangs)
	}
	for _, name := range mail.Templates {
		seen := map[string]string{}
		for _, lang := range haven.NoticeLangs {
			m, err := mail.Render(name, lang, "https://haven.example.org")
			if err != nil {
				t.Fatalf("%s in %s: %v", name, lang, err)
			}
			link := "https://haven.example.org/notifications"
			if m.Subject == "" || !strings.Contains(m.Text, link) || !strings.Contains(m.HTML, `href="`+link+`"`) {
				t.Fatalf("%s in %s: %+v", name, lang, m)
			}
			for other, text := range seen {
				if text == m.Text {
					t.Fatalf("%s reads the same in %s and %s", name, lang, other)
				}
			}
			seen[lang] = m.Text
		}
	}
	if _, err := mail.Render("notice", "de", "https://haven.example.org"); err == nil {
		t.Fatal("a language without templates rendered")
	}
	if _, err := mail.Render("no_such", "en", "https://haven.example.org"); err == nil {
		t.Fatal("a template that does not exist rendered")
	}
}

// TestMailSaysNothing: the mail names nothing but Haven and the link, in
// every language: no field of a case or a person can reach it, since
// Render takes none; this checks the words of the templates themselves.
func TestMailSaysNothing(t *testing.T) {
	for _, name := range mail.Templates {
		for _, lang := range mail.Langs {
			m, err := mail.Render(name, lang, "https://haven.example.org")
			if err != nil {
				t.Fatal(err)
			}
			for _, word := range []string{"HRD-", "case ", "cas ", "emergency", "urgence", "safety", "sécurité", "{{"} {
				if strings.Contains(strings.ToLower(m.Subject+m.Text+m.HTML), strings.ToLower(word)) {
					t.Errorf("%s in %s says %q", name, lang, word)
				}
			}
		}
	}
}
