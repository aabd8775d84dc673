package web

import (
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/havenhrd/haven"
)

// The second factors, as the app names them.
const (
	factorPasskey  = "passkey"
	factorTOTP     = "totp"
	factorRecovery = "recovery"
)

// stepTTL bounds the step cookie; the app's own expiry is what counts.
const stepTTL = 15 * time.Minute

// A step cookie is the step's secret followed by the factors it offers,
// dot-separated: the secret is base64url and holds no dot.
func setStep(w http.ResponseWriter, secret string, factors []string) {
	setCookie(w, stepCookie, strings.Join(append([]string{secret}, factors...), "."), time.Time{}, int(stepTTL.Seconds()))
}

// readStep returns the step's secret and factors, if a step is in progress.
func readStep(r *http.Request) (string, []string, bool) {
	c, err := r.Cookie(stepCookie)
	if err != nil || c.Value == "" {
		return "", nil, false
	}
	parts := strings.Split(c.Value, ".")
	return parts[0], parts[1:], true
}

// signInLabels are the sign-in form's controls and their labels.
var signInLabels = map[string]string{"username": "signin.username", "password": "signin.password"}

// handleSignInForm shows the sign-in form.
func (s *server) handleSignInForm() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p := s.newPage(w, r, nil)
		if r.URL.Query().Get("signedout") == "1" {
			p.Notice = p.t("notice.signed_out")
		}
		s.render(w, r, http.StatusOK, "signin", p)
	})
}

// handleSignIn checks the username and password and moves on to the
// second factor. A wrong answer of any kind, an unknown username as a
// wrong password, is one message, linked to the password (the field to
// type again, as GOV.UK's sign-in pages do), so that the page tells
// nothing of whether the username exists; the password is never sent back.
func (s *server) handleSignIn() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p := s.newPage(w, r, nil)
		p.Form.Set("username", r.PostFormValue("username"))
		username, password := strings.TrimSpace(r.PostFormValue("username")), r.PostFormValue("password")
		if username == "" {
			p.invalid("username", "err.username_required")
		}
		if password == "" {
			p.invalid("password", "err.password_required")
		}
		if p.Failed() {
			s.render(w, r, http.StatusBadRequest, "signin", p)
			return
		}
		step, err := s.accounts.SignIn(r.Context(), username, password, source(r))
		if err != nil {
			s.logRefused(r, statusOf(err), haven.ErrorCodeOf(err), err)
			if haven.ErrorCodeOf(err) == haven.EUNAUTHORIZED {
				p.Errors = append(p.Errors, problem{Field: "password", Message: p.t("err.signin_wrong")})
			} else {
				p.fail(err, signInLabels, nil)
			}
			s.render(w, r, statusOf(err), "signin", p)
			return
		}
		setStep(w, step.ID, step.Factors)
		http.Redirect(w, r, "/signin/factor", http.StatusSeeOther)
	})
}

// factorData is what the second-factor page shows.
type factorData struct {
	Factors []string
	// Options is the passkey assertion's options, for passkey.js.
	Options string
	// Demo is the code of the user signing in, on a demonstration
	// database alone (demoCode).
	Demo *haven.DemoCode
}

// Has reports whether the step offers factor f.
func (d factorData) Has(f string) bool { return slices.Contains(d.Factors, f) }

// handleFactorForm shows the ways to give the second factor.
func (s *server) handleFactorForm() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		step, factors, ok := readStep(r)
		if !ok {
			http.Redirect(w, r, "/signin", http.StatusSeeOther)
			return
		}
		p := s.newPage(w, r, nil)
		p.Data = factorData{Factors: factors, Demo: s.demoCode(r, step, factors)}
		s.render(w, r, http.StatusOK, "factor", p)
	})
}

// handleFactor completes sign-in with a code from the authenticator app or
// a recovery code.
func (s *server) handleFactor(kind string) http.Handler {
	field := "code"
	if kind == factorRecovery {
		field = "recovery_code"
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		step, factors, ok := readStep(r)
		if !ok {
			http.Redirect(w, r, "/signin", http.StatusSeeOther)
			return
		}
		p := s.newPage(w, r, nil)
		p.Data = factorData{Factors: factors}
		code := strings.TrimSpace(r.PostFormValue(field))
		p.Form.Set(field, code)
		if code == "" {
			p.invalid(field, "err.code_required")
			s.render(w, r, http.StatusBadRequest, "factor", p)
			return
		}
		var sess *haven.Session
		var err error
		if kind == factorRecovery {
			sess, err = s.accounts.SignInRecovery(r.Context(), step, code, source(r))
		} else {
			sess, err = s.accounts.SignInTOTP(r.Context(), step, code, source(r))
		}
		if err != nil {
			s.logRefused(r, statusOf(err), haven.ErrorCodeOf(err), err)
			s.factorFailed(w, r, p, field, err)
			return
		}
		s.startSession(w, r, sess)
	})
}

// factorFailed answers a refused second factor. The app spends a sign-in
// step on any answer, right or wrong; a wrong code that the attempt limits
// let the user try again comes with a new step, and the user stays on the
// second factor, the problem beside the code. Otherwise (the limits
// reached, the step expired) the user goes back to the password, and the
// page says why.
func (s *server) factorFailed(w http.ResponseWriter, r *http.Request, p *page, field string, err error) {
	p.Form.Del(field) // a wrong code is not worth keeping
	if next, ok := haven.RetryStepOf(err); ok && field != "" {
		setStep(w, next.ID, next.Factors)
		p.Data = factorData{Factors: next.Factors}
		msg := p.errorMessage(err)
		p.Errors = append(p.Errors, problem{Field: field, Message: msg})
		s.render(w, r, statusOf(err), "factor", p)
		return
	}
	clearCookie(w, stepCookie)
	p.Alert = p.errorMessage(err) + " " + p.t("signin.again")
	s.render(w, r, statusOf(err), "signin", p)
}

// startSession sets the session cookie and goes to the home page. The step
// is spent. The cookie is a browser-session cookie, with no expiry of its
// own: it ends when the browser closes, and the app ends the session
// sooner (idle and absolute limits) whatever the browser's clock says.
func (s *server) startSession(w http.ResponseWriter, r *http.Request, sess *haven.Session) {
	clearCookie(w, stepCookie)
	setCookie(w, sessionCookie, sess.Token, time.Time{}, 0)
	http.Redirect(w, r, "/", http.StatusSeeOther)
}

// handlePasskeyBegin asks the app for a passkey assertion's options and
// shows the page where passkey.js asks the browser for the passkey.
func (s *server) handlePasskeyBegin() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		step, factors, ok := readStep(r)
		if !ok {
			http.Redirect(w, r, "/signin", http.StatusSeeOther)
			return
		}
		p := s.newPage(w, r, nil)
		p.Data = factorData{Factors: factors}
		opts, next, err := s.accounts.SignInPasskeyBegin(r.Context(), step)
		if err != nil {
			s.logRefused(r, statusOf(err), haven.ErrorCodeOf(err), err)
			s.factorFailed(w, r, p, "", err)
			return
		}
		setStep(w, next.ID, factors)
		p.Data = factorData{Factors: factors, Options: string(opts)}
		p.Scripts = []string{"passkey.js"}
		s.render(w, r, http.StatusOK, "passkey", p)
	})
}

// handlePasskeyFinish checks the browser's answer, which passkey.js posts
// as JSON in the form's credential field. A failed answer spends the step:
// the user signs in again, and may then choose another factor.
func (s *server) handlePasskeyFinish() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		step, _, ok := readStep(r)
		if !ok {
			http.Redirect(w, r, "/signin", http.StatusSeeOther)
			return
		}
		p := s.newPage(w, r, nil)
		cred := r.PostFormValue("credential")
		if strings.TrimSpace(cred) == "" {
			clearCookie(w, stepCookie)
			p.Alert = p.t("err.passkey_js")
			s.render(w, r, http.StatusBadRequest, "signin", p)
			return
		}
		sess, err := s.accounts.SignInPasskeyFinish(r.Context(), step, strings.NewReader(cred), source(r))
		if err != nil {
			s.logRefused(r, statusOf(err), haven.ErrorCodeOf(err), err)
			clearCookie(w, stepCookie)
			p.Alert = p.t("err.passkey_failed")
			if haven.ErrorCodeOf(err) == haven.ETOOMANY {
				p.Alert = p.errorMessage(err)
			}
			s.render(w, r, statusOf(err), "signin", p)
			return
		}
		s.startSession(w, r, sess)
	})
}

// handleSignOut ends the session, from the button in every page's header.
func (s *server) handleSignOut() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if tok := sessionToken(r); tok != "" {
			if err := s.accounts.SignOut(r.Context(), tok); err != nil {
				s.fail(w, r, nil, err)
				return
			}
		}
		clearCookie(w, sessionCookie)
		http.Redirect(w, r, "/signin?signedout=1", http.StatusSeeOther)
	})
}
