package web

import (
	"net/http"
	"strings"

	"github.com/havenhrd/haven"
)

// Enrolment: an administrator hands a new user a one-time link
// (/enrol?secret=...). The user chooses a passphrase, then sets up an
// authenticator app (the secret and its otpauth:// URL shown as text),
// confirms it with a first code, and is shown ten recovery codes, once.

var enrolLabels = map[string]string{"password": "enrol.password", "password_confirm": "enrol.password_confirm"}

// enrolData is what the enrolment pages show.
type enrolData struct {
	Secret  string // the enrolment link's secret, carried by the form
	TOTP    string // the authenticator secret, grouped for reading
	TOTPURL string // its otpauth:// URL
	Codes   []string
}

// handleEnrolForm shows the passphrase form of an enrolment link.
func (s *server) handleEnrolForm() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p := s.newPage(w, r, nil)
		secret := r.URL.Query().Get("secret")
		if secret == "" {
			p.Alert = p.t("err.enrol_link")
			s.render(w, r, http.StatusBadRequest, "enrol", p)
			return
		}
		p.Data = enrolData{Secret: secret}
		s.render(w, r, http.StatusOK, "enrol", p)
	})
}

// handleEnrol sets the passphrase and moves on to the second factor.
func (s *server) handleEnrol() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p := s.newPage(w, r, nil)
		secret := r.PostFormValue("secret")
		p.Data = enrolData{Secret: secret}
		pw, confirm := r.PostFormValue("password"), r.PostFormValue("password_confirm")
		switch {
		case pw == "":
			p.invalid("password", "err.password_required")
		case confirm == "":
			p.invalid("password_confirm", "err.password_confirm_required")
		case confirm != pw:
			p.invalid("password_confirm", "err.password_mismatch")
		}
		if p.Failed() && pw != "" {
			// A confirmation missing or not the same hides nothing of
			// the passphrase itself: the policy's word on it (without
			// the account's names, which the app checks) comes with it.
			p.fail(s.accounts.CheckPassword(pw).Err("web.enrol"), enrolLabels, nil)
		}
		if p.Failed() {
			s.render(w, r, http.StatusBadRequest, "enrol", p)
			return
		}
		step, err := s.accounts.Enrol(r.Context(), secret, pw)
		if err != nil {
			s.logRefused(r, statusOf(err), haven.ErrorCodeOf(err), err)
			p.fail(err, enrolLabels, nil)
			s.render(w, r, statusOf(err), "enrol", p)
			return
		}
		setStep(w, step.ID, step.Factors)
		http.Redirect(w, r, "/enrol/factor", http.StatusSeeOther)
	})
}

// handleEnrolFactor shows the second-factor choice of an enrolment.
func (s *server) handleEnrolFactor() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p := s.newPage(w, r, nil)
		if _, _, ok := readStep(r); !ok {
			p.Alert = p.t("err.enrol_step")
			s.render(w, r, http.StatusBadRequest, "problem", p)
			return
		}
		s.render(w, r, http.StatusOK, "enrolfactor", p)
	})
}

// handleEnrolTOTPBegin makes the authenticator secret and shows it.
func (s *server) handleEnrolTOTPBegin() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p := s.newPage(w, r, nil)
		step, _, ok := readStep(r)
		if !ok {
			p.Alert = p.t("err.enrol_step")
			s.render(w, r, http.StatusBadRequest, "problem", p)
			return
		}
		secret, url, next, err := s.accounts.EnrolTOTPBegin(r.Context(), step)
		if err != nil {
			s.logRefused(r, statusOf(err), haven.ErrorCodeOf(err), err)
			p.Alert = p.errorMessage(err)
			if haven.ErrorCodeOf(err) == haven.EUNAUTHORIZED {
				p.Alert = p.t("err.enrol_step")
			}
			s.render(w, r, statusOf(err), "problem", p)
			return
		}
		setStep(w, next.ID, nil)
		p.Data = enrolData{TOTP: group(secret), TOTPURL: url}
		s.render(w, r, http.StatusOK, "enroltotp", p)
	})
}

// handleEnrolTOTPFinish confirms the authenticator with its first code and
// shows the recovery codes, this once.
func (s *server) handleEnrolTOTPFinish() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p := s.newPage(w, r, nil)
		step, _, ok := readStep(r)
		if !ok {
			p.Alert = p.t("err.enrol_step")
			s.render(w, r, http.StatusBadRequest, "problem", p)
			return
		}
		// The secret and URL come back from the form only to be shown
		// again; the app checks the code against the secret it sealed.
		p.Data = enrolData{TOTP: r.PostFormValue("totp_secret"), TOTPURL: r.PostFormValue("totp_url")}
		code := strings.TrimSpace(r.PostFormValue("code"))
		if code == "" {
			p.invalid("code", "err.code_required")
			s.render(w, r, http.StatusBadRequest, "enroltotp", p)
			return
		}
		codes, err := s.accounts.EnrolTOTPFinish(r.Context(), step, code)
		if err != nil {
			s.logRefused(r, statusOf(err), haven.ErrorCodeOf(err), err)
			if k, _ := messageKey(haven.ErrorMessageOf(err)); k == "err.step_expired" {
				clearCookie(w, stepCookie)
				p.Alert = p.t("err.enrol_step")
				s.render(w, r, statusOf(err), "problem", p)
				return
			}
			p.Errors = append(p.Errors, problem{Field: "code", Message: p.errorMessage(err)})
			s.render(w, r, statusOf(err), "enroltotp", p)
			return
		}
		clearCookie(w, stepCookie)
		p.Data = enrolData{Codes: codes}
		s.render(w, r, http.StatusOK, "recoverycodes", p)
	})
}

// group writes a secret in groups of four characters, easier to copy by
// hand; authenticator apps ignore the spaces.
func group(s string) string {
	var b strings.Builder
	for i, r := range s {
		if i > 0 && i%4 == 0 {
			b.WriteByte(' ')
		}
		b.WriteRune(r)
	}
	return b.String()
}
