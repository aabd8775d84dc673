// Package mail delivers Haven's mail over SMTP, with
// github.com/wneessen/go-mail, and holds its templates in English and
// French.
//
// A mail carries no personal data: no name, no country, no fact of a case,
// not even which kind of notice it is, since mail crosses servers Haven
// does not control. It says that something in Haven needs the reader, and
// links to the reader's notifications, where Haven shows the rest behind
// sign-in. So the templates take the reader's language and Haven's origin
// and nothing else.
package mail

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strconv"
	"text/template"
	"time"

	gomail "github.com/wneessen/go-mail"
)

// Langs are the languages every template exists in.
var Langs = []string{"en", "fr"}

// Templates names every mail Haven sends.
var Templates = []string{"notice"}

// Message is one rendered mail.
type Message struct {
	Subject, Text, HTML string
}

// texts are the templates by name and language: subject, plain text and
// HTML. Each takes .Link, and nothing else.
var texts = map[string]map[string][3]string{
	"notice": {
		"en": {
			"Haven: something needs your attention",
			"Hello,\n\nSomething in Haven needs your attention. Sign in to see it:\n\n{{.Link}}\n\nThis message is sent by Haven; it says no more, on purpose. To stop these emails, change your choice on your notifications page.\n",
			`<p>Hello,</p><p>Something in Haven needs your attention. Sign in to see it:</p><p><a href="{{.Link}}">{{.Link}}</a></p><p>This message is sent by Haven; it says no more, on purpose. To stop these emails, change your choice on your notifications page.</p>`,
		},
		"fr": {
			"Haven : quelque chose demande votre attention",
			"Bonjour,\n\nQuelque chose dans Haven demande votre attention. Connectez-vous pour le voir :\n\n{{.Link}}\n\nCe message est envoyé par Haven ; il n'en dit pas plus, à dessein. Pour ne plus recevoir ces courriels, changez votre choix sur votre page de notifications.\n",
			`<p>Bonjour,</p><p>Quelque chose dans Haven demande votre attention. Connectez-vous pour le voir :</p><p><a href="{{.Link}}">{{.Link}}</a></p><p>Ce message est envoyé par Haven ; il n'en dit pas plus, à dessein. Pour ne plus recevoir ces courriels, changez votre choix sur votre page de notifications.</p>`,
		},
	},
}

// Render renders the template name in lang with the link to origin's
// notifications page. A missing template or language is an error.
func Render(name, lang, origin string) (*Message, error) {
	t, ok := texts[name][lang]
	if !ok {
		return nil, fmt.Errorf("mail: no template %q in %q", name, lang)
	}
	data := struct{ Link string }{Link: origin + "/notifications"}
	var out [3]string
	for i, src := range t {
		var b bytes.Buffer
		tm, err := template.New(name).Option("missingkey=error").Parse(src)
		if err != nil {
			return nil, fmt.Errorf("mail: template %q in %q: %w", name, lang, err)
		}
		if i == 2 {
			// HTML: the link is Haven's own origin, escaped as an
			// attribute and as text.
			data.Link = template.HTMLEscapeString(origin + "/notifications")
		}
		if err := tm.Execute(&b, data); err != nil {
			return nil, fmt.Errorf("mail: template %q in %q: %w", name, lang, err)
		}
		out[i] = b.String()
	}
	return &Message{Subject: out[0], Text: out[1], HTML: out[2]}, nil
}

// Config is how to reach the SMTP server. cmd/haven fills it from the
// environment (HAVEN_SMTP_*); nothing else reads the environment.
type Config struct {
	Host     string
	Port     int
	Username string
	Password string
	From     string
	// TLS is "mandatory" (STARTTLS required), "opportunistic" (the
	// default: STARTTLS when offered) or "none" (a local relay).
	TLS string
	// Origin is Haven's public origin: the mail links to its
	// notifications page.
	Origin  string
	Timeout time.Duration
}

// Sender sends Haven's mail through one SMTP server.
type Sender struct {
	cfg    Config
	policy gomail.TLSPolicy
}

// New returns a Sender, or an error naming what the configuration lacks.
func New(cfg Config) (*Sender, error) {
	if cfg.Host == "" || cfg.From == "" || cfg.Origin == "" {
		return nil, errors.New("mail: the SMTP host, the sender address and Haven's origin are required")
	}
	if cfg.Port == 0 {
		cfg.Port = 587
	}
	if cfg.Timeout == 0 {
		cfg.Timeout = 30 * time.Second
	}
	s := &Sender{cfg: cfg}
	switch cfg.TLS {
	case "", "opportunistic":
		s.policy = gomail.TLSOpportunistic
	case "mandatory":
		s.policy = gomail.TLSMandatory
	case "none":
		s.policy = gomail.NoTLS
	default:
		return nil, fmt.Errorf("mail: TLS is mandatory, opportunistic or none, not %q", cfg.TLS)
	}
	return s, nil
}

// Send sends the notice mail to to in lang. It answers the server's reply
// code for the record ("250" once accepted), and for a failure whether it
// is permanent: a 5xx refusal of the sender, the recipient or the data (a
// bounce), which a retry would only repeat.
func (s *Sender) Send(ctx context.Context, to, lang string) (detail string, permanent bool, err error) {
	msg, err := Render("notice", lang, s.cfg.Origin)
	if err != nil {
		return "template", true, err
	}
	m := gomail.NewMsg()
	if err := m.From(s.cfg.From); err != nil {
		return "sender address", true, err
	}
	if err := m.To(to); err != nil {
		return "recipient address", true, err
	}
	m.Subject(msg.Subject)
	m.SetBodyString(gomail.TypeTextPlain, msg.Text)
	m.AddAlternativeString(gomail.TypeTextHTML, msg.HTML)
	opts := []gomail.Option{gomail.WithPort(s.cfg.Port), gomail.WithTLSPolicy(s.policy), gomail.WithTimeout(s.cfg.Timeout)}
	if s.cfg.Username != "" {
		// The strongest mechanism the server offers; on a relay reached
		// without TLS (policy none, the operator's choice), PLAIN in the
		// clear, which go-mail otherwise refuses.
		auth := gomail.SMTPAuthAutoDiscover
		if s.policy == gomail.NoTLS {
			auth = gomail.SMTPAuthPlainNoEnc
		}
		opts = append(opts, gomail.WithSMTPAuth(auth), gomail.WithUsername(s.cfg.Username), gomail.WithPassword(s.cfg.Password))
	}
	c, err := gomail.NewClient(s.cfg.Host, opts...)
	if err != nil {
		return "client", true, err
	}
	if err := c.DialAndSendWithContext(ctx, m); err != nil {
		var se *gomail.SendError
		if errors.As(err, &se) {
			code := se.ErrorCode()
			detail := "smtp"
			if code > 0 {
				detail = strconv.Itoa(code)
			}
			return detail, code >= 500 && !se.IsTemp(), err
		}
		return "connection", false, err
	}
	return "250", false, nil
}
