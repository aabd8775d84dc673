package web

import (
	"bytes"
	"encoding/base64"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/havenhrd/haven"
)

// "Your sign-in": every signed-in user adds a passkey, sets up or replaces
// their authenticator app, removes a factor, or gets new recovery codes.
// Each act asks for the passphrase again, and ends the user's other
// sessions (the app does both). The app takes the raw session token: the
// session cookie's value.

// accountStepCookie holds the secret of a factor being added, between the
// page that shows the new secret (or asks the browser for a passkey) and
// its confirmation; apart from the sign-in step, so that neither flow
// disturbs the other.
const accountStepCookie = "__Host-haven_account_step"

// accountData is what the "Your sign-in" pages show.
type accountData struct {
	// Passkeys says a passkey can be added from these pages: the site's
	// passkey.js can register one (see accountPasskeysReady).
	Passkeys bool
	// Factor and PasskeyID name the factor a removal page removes.
	Factor, PasskeyID string
	// TOTP and TOTPURL are a new authenticator secret and its address.
	TOTP, TOTPURL string
	// Options are the passkey registration's options, for passkey.js.
	Options string
	Codes   []string
	// Factors are the user's own factors, on the overview; Rows its
	// passkeys, each with the ID its removal link names.
	Factors *haven.Factors
	Rows    []passkeyRow
	// Removing is the passkey a removal page names; Missing says the
	// account has no such factor (any more), so nothing can be removed.
	Removing *passkeyRow
	Missing  bool
}

// passkeyRow is one of the user's passkeys, as the pages show it.
type passkeyRow struct {
	*haven.Passkey
	// ID is the credential ID in base64url, as the removal link and form
	// carry it.
	ID string
}

// passkeyRows are the passkeys of fs, each with its ID for the links.
func passkeyRows(fs *haven.Factors) []passkeyRow {
	rows := make([]passkeyRow, len(fs.Passkeys))
	for i, p := range fs.Passkeys {
		rows[i] = passkeyRow{Passkey: p, ID: base64.RawURLEncoding.EncodeToString(p.ID)}
	}
	return rows
}

var accountLabels = map[string]string{"password": "account.password", "code": "factor.totp_code", "name": "account.passkey_name"}

// accountPasskeysReady reports whether the site's passkey.js can register
// a passkey (navigator.credentials.create); until it can, the pages do not
// offer to add one, since the script would ask the browser for the wrong
// ceremony.
func (s *server) accountPasskeysReady() bool {
	return bytes.Contains(s.static.files["passkey.js"], []byte("navigator.credentials.create"))
}

// accountDone are the notices of ?done= on the overview.
var accountDone = map[string]string{
	"totp": "account.done.totp", "passkey": "account.done.passkey", "removed": "account.done.removed",
}

// handleAccount is the overview: the user's passkeys, authenticator app
// and recovery codes, what the user can change, and that each change ends
// their other sessions.
func (s *server) handleAccount(w http.ResponseWriter, r *http.Request, v *viewer) {
	p := s.newPage(w, r, v)
	if k, ok := accountDone[r.URL.Query().Get("done")]; ok {
		p.Notice = p.t(k)
	}
	s.accountHome(w, r, v, p, http.StatusOK)
}

// accountHome shows the overview with the user's own factors, as the app
// returns them (never a secret), with status.
func (s *server) accountHome(w http.ResponseWriter, r *http.Request, v *viewer, p *page, status int) {
	fs, err := s.accounts.OwnFactors(r.Context(), v.Actor)
	if err != nil {
		s.fail(w, r, v, err)
		return
	}
	if r.Method != http.MethodGet {
		p.Toggle = toggleURL("/account", url.Values{}, p.Lang)
	}
	p.Data = &accountData{Passkeys: s.accountPasskeysReady(), Factors: fs, Rows: passkeyRows(fs)}
	s.render(w, r, status, "account_home", p)
}

// accountForm shows one of the pages that asks for the passphrase.
func (s *server) accountForm(name string) func(http.ResponseWriter, *http.Request, *viewer) {
	return func(w http.ResponseWriter, r *http.Request, v *viewer) {
		p := s.newPage(w, r, v)
		p.Data = &accountData{Passkeys: s.accountPasskeysReady()}
		s.render(w, r, http.StatusOK, name, p)
	}
}

// accountRefused shows the page tmpl again after the app refused: a wrong
// passphrase beside its field, an expired step or a refusal as an alert.
// A session that has ended goes to sign-in (s.fail).
func (s *server) accountRefused(w http.ResponseWriter, r *http.Request, v *viewer, p *page, tmpl string, err error) {
	code := haven.ErrorCodeOf(err)
	key, _ := adminKey(haven.ErrorMessageOf(err))
	switch {
	case key == "err.signin_again":
		s.fail(w, r, v, err)
		return
	case code == haven.EUNAUTHORIZED && key == "account.err.password_wrong":
		p.Errors = append(p.Errors, problem{Field: "password", Message: p.t(key)})
	case code == haven.EUNAUTHORIZED && key == "account.err.step_expired":
		clearCookie(w, accountStepCookie)
		p.Alert = p.t(key)
		s.logRefused(r, statusOf(err), code, err)
		s.accountHome(w, r, v, p, statusOf(err))
		return
	case code == haven.EINVALID || code == haven.ECONFLICT || code == haven.ETOOMANY || code == haven.ENOTFOUND:
		adminRecord(p, err, accountLabels, nil, nil)
	default:
		s.fail(w, r, v, err)
		return
	}
	s.logRefused(r, statusOf(err), code, err)
	s.render(w, r, statusOf(err), tmpl, p)
}

// accountPassword reads the passphrase a form asks for again, or records
// that it is missing.
func accountPassword(p *page, r *http.Request) (string, bool) {
	pw := r.PostFormValue("password")
	if pw == "" {
		p.invalid("password", "err.password_required")
		return "", false
	}
	return pw, true
}

// handleAccountTOTPBegin checks the passphrase and shows a new
// authenticator secret, with the form for its first code.
func (s *server) handleAccountTOTPBegin(w http.ResponseWriter, r *http.Request, v *viewer) {
	p := s.adminPage(w, r, v, "/account/totp")
	p.Data = &accountData{}
	pw, ok := accountPassword(p, r)
	if !ok {
		s.render(w, r, http.StatusBadRequest, "account_totp", p)
		return
	}
	secret, otpURL, next, err := s.accounts.AddTOTPBegin(r.Context(), sessionToken(r), pw)
	if err != nil {
		s.accountRefused(w, r, v, p, "account_totp", err)
		return
	}
	setCookie(w, accountStepCookie, next.ID, time.Time{}, int(stepTTL.Seconds()))
	p.Data = &accountData{TOTP: group(secret), TOTPURL: otpURL}
	s.render(w, r, http.StatusOK, "account_totp_code", p)
}

// accountStep is the secret of the factor being added, if any.
func accountStep(r *http.Request) string {
	if c, err := r.Cookie(accountStepCookie); err == nil {
		return c.Value
	}
	return ""
}

// handleAccountTOTPFinish confirms the new authenticator with a code: it
// replaces any other, and the user's other sessions end.
func (s *server) handleAccountTOTPFinish(w http.ResponseWriter, r *http.Request, v *viewer) {
	p := s.adminPage(w, r, v, "/account/totp")
	// The secret and address come back from the form only to be shown
	// again; the app checks the code against the secret it sealed.
	p.Data = &accountData{TOTP: r.PostFormValue("totp_secret"), TOTPURL: r.PostFormValue("totp_url")}
	step := accountStep(r)
	if step == "" {
		p.Alert = p.t("account.err.step_expired")
		s.accountHome(w, r, v, p, http.StatusBadRequest)
		return
	}
	code := strings.TrimSpace(r.PostFormValue("code"))
	if code == "" {
		p.invalid("code", "err.code_required")
		s.render(w, r, http.StatusBadRequest, "account_totp_code", p)
		return
	}
	if err := s.accounts.AddTOTPFinish(r.Context(), sessionToken(r), step, code); err != nil {
		key, _ := adminKey(haven.ErrorMessageOf(err))
		switch c := haven.ErrorCodeOf(err); {
		case key == "account.err.step_expired" || key == "err.signin_again" || adminPageFails(err) && c != haven.EUNAUTHORIZED:
			p.Data.(*accountData).Passkeys = s.accountPasskeysReady()
			s.accountRefused(w, r, v, p, "account_totp_code", err)
		case c == haven.EUNAUTHORIZED || c == haven.EINVALID || c == haven.ECONFLICT:
			// A wrong or spent code: beside its field; the step stays.
			s.logRefused(r, statusOf(err), c, err)
			p.Errors = append(p.Errors, problem{Field: "code", Message: adminExplain(p, err)})
			s.render(w, r, statusOf(err), "account_totp_code", p)
		default:
			s.fail(w, r, v, err)
		}
		return
	}
	clearCookie(w, accountStepCookie)
	http.Redirect(w, r, "/account?done=totp", http.StatusSeeOther)
}

// handleAccountPasskeyBegin checks the passphrase and shows the page where
// passkey.js asks the browser to make a passkey.
func (s *server) handleAccountPasskeyBegin(w http.ResponseWriter, r *http.Request, v *viewer) {
	p := s.adminPage(w, r, v, "/account/passkey")
	p.Form = url.Values{"name": {strings.TrimSpace(r.PostFormValue("name"))}}
	p.Data = &accountData{Passkeys: s.accountPasskeysReady()}
	// The name is checked before the device's ceremony, with the
	// passphrase: a name refused after the passkey was made would waste
	// the ceremony, and hide nothing else.
	if err := haven.CheckPasskeyName(r.PostFormValue("name")).Err("web.passkey"); err != nil {
		adminRecord(p, err, accountLabels, nil, nil)
	}
	pw, ok := accountPassword(p, r)
	if !ok {
		s.render(w, r, http.StatusBadRequest, "account_passkey", p)
		return
	}
	opts, next, err := s.accounts.AddPasskeyBegin(r.Context(), sessionToken(r), pw)
	if err != nil {
		s.accountRefused(w, r, v, p, "account_passkey", err)
		return
	}
	if p.Failed() {
		// The passphrase was right, the name not: the step just begun is
		// never given to the browser, and expires unused.
		s.render(w, r, http.StatusBadRequest, "account_passkey", p)
		return
	}
	setCookie(w, accountStepCookie, next.ID, time.Time{}, int(stepTTL.Seconds()))
	p.Data = &accountData{Options: string(opts), Passkeys: s.accountPasskeysReady()}
	if s.accountPasskeysReady() {
		p.Scripts = []string{"passkey.js"}
	}
	s.render(w, r, http.StatusOK, "account_passkey_make", p)
}

// handleAccountPasskeyFinish stores the passkey whose registration
// passkey.js posts as JSON in the form's credential field; the user's
// other sessions end.
func (s *server) handleAccountPasskeyFinish(w http.ResponseWriter, r *http.Request, v *viewer) {
	p := s.adminPage(w, r, v, "/account/passkey")
	p.Form = url.Values{"name": {strings.TrimSpace(r.PostFormValue("name"))}}
	p.Data = &accountData{Passkeys: s.accountPasskeysReady()}
	step := accountStep(r)
	cred := r.PostFormValue("credential")
	if step == "" || strings.TrimSpace(cred) == "" {
		clearCookie(w, accountStepCookie)
		p.Alert = p.t("account.err.step_expired")
		if step != "" {
			p.Alert = p.t("account.err.passkey_js")
		}
		s.render(w, r, http.StatusBadRequest, "account_passkey", p)
		return
	}
	err := s.accounts.AddPasskeyFinish(r.Context(), sessionToken(r), step, p.Val("name"), strings.NewReader(cred))
	clearCookie(w, accountStepCookie) // the step is spent, or the answer was wrong: start again
	if err != nil {
		key, _ := adminKey(haven.ErrorMessageOf(err))
		if key == "err.signin_again" || adminPageFails(err) && haven.ErrorCodeOf(err) != haven.EUNAUTHORIZED {
			s.fail(w, r, v, err)
			return
		}
		s.logRefused(r, statusOf(err), haven.ErrorCodeOf(err), err)
		if haven.FieldsOf(err) != nil {
			adminRecord(p, err, accountLabels, nil, nil)
		} else {
			p.Alert = p.t("account.err.passkey_failed")
		}
		s.render(w, r, statusOf(err), "account_passkey", p)
		return
	}
	http.Redirect(w, r, "/account?done=passkey", http.StatusSeeOther)
}

// accountRemoval reads which factor a removal names: the authenticator
// app, or one passkey by its credential ID (base64url).
func accountRemoval(q url.Values) (factor string, id []byte, ok bool) {
	switch q.Get("factor") {
	case factorTOTP:
		return factorTOTP, nil, true
	case factorPasskey:
		id, err := base64.RawURLEncoding.DecodeString(q.Get("passkey"))
		return factorPasskey, id, err == nil && len(id) > 0
	}
	return "", nil, false
}

// removalData is what a removal page shows: the factor, and the passkey
// by its label and date. Missing says the account has no such factor (a
// link followed after the factor went).
func (s *server) removalData(r *http.Request, v *viewer, factor string, id []byte, rawID string) (*accountData, error) {
	fs, err := s.accounts.OwnFactors(r.Context(), v.Actor)
	if err != nil {
		return nil, err
	}
	d := &accountData{Factor: factor, PasskeyID: rawID, Factors: fs}
	switch factor {
	case factorTOTP:
		d.Missing = !fs.TOTP
	case factorPasskey:
		d.Missing = true
		for _, row := range passkeyRows(fs) {
			if bytes.Equal(row.Passkey.ID, id) {
				d.Removing, d.Missing = &row, false
			}
		}
	}
	return d, nil
}

// missingFactor says on p that the account has no such factor.
func missingFactor(p *page, factor string) {
	p.Alert = p.t("account.err.no_passkey")
	if factor == factorTOTP {
		p.Alert = p.t("account.err.no_totp")
	}
}

// handleAccountRemoveForm is the confirmation page of a removal; a factor
// the account does not have is said so, with no form.
func (s *server) handleAccountRemoveForm(w http.ResponseWriter, r *http.Request, v *viewer) {
	factor, id, ok := accountRemoval(r.URL.Query())
	if !ok {
		s.fail(w, r, v, haven.Errorf(haven.ENOTFOUND, "web.account", "no such factor"))
		return
	}
	d, err := s.removalData(r, v, factor, id, r.URL.Query().Get("passkey"))
	if err != nil {
		s.fail(w, r, v, err)
		return
	}
	p := s.newPage(w, r, v)
	p.Data = d
	status := http.StatusOK
	if d.Missing {
		missingFactor(p, factor)
		status = http.StatusNotFound
	}
	s.render(w, r, status, "account_remove", p)
}

// handleAccountRemove removes the factor; the app refuses to remove the
// last one, and the page says so.
func (s *server) handleAccountRemove(w http.ResponseWriter, r *http.Request, v *viewer) {
	factor, id, ok := accountRemoval(r.PostForm)
	if !ok {
		s.fail(w, r, v, haven.Errorf(haven.ENOTFOUND, "web.account", "no such factor"))
		return
	}
	q := url.Values{"factor": {factor}}
	if factor == factorPasskey {
		q.Set("passkey", r.PostFormValue("passkey"))
	}
	d, err := s.removalData(r, v, factor, id, q.Get("passkey"))
	if err != nil {
		s.fail(w, r, v, err)
		return
	}
	p := s.newPage(w, r, v)
	p.Toggle = toggleURL("/account/remove", q, p.Lang)
	p.Data = d
	if d.Missing {
		// The account has no such factor: said so, with no form, whatever
		// else was typed.
		s.logRefused(r, http.StatusNotFound, haven.ENOTFOUND, errors.New("no such factor"))
		missingFactor(p, factor)
		s.render(w, r, http.StatusNotFound, "account_remove", p)
		return
	}
	pw, ok := accountPassword(p, r)
	if !ok {
		// No passphrase hides nothing else: the last second factor,
		// which cannot go, is said with it.
		if !d.Factors.Removable {
			p.Alert = p.t("account.err.last_factor")
		}
		s.render(w, r, http.StatusBadRequest, "account_remove", p)
		return
	}
	if err := s.accounts.RemoveFactor(r.Context(), sessionToken(r), pw, factor, id); err != nil {
		if haven.ErrorCodeOf(err) == haven.ENOTFOUND {
			// The account has no such factor: said so, with no form.
			s.logRefused(r, http.StatusNotFound, haven.ENOTFOUND, err)
			missingFactor(p, factor)
			d.Missing = true
			s.render(w, r, http.StatusNotFound, "account_remove", p)
			return
		}
		s.accountRefused(w, r, v, p, "account_remove", err)
		return
	}
	http.Redirect(w, r, "/account?done=removed", http.StatusSeeOther)
}

// handleAccountCodes replaces the recovery codes and shows the new ones,
// this once.
func (s *server) handleAccountCodes(w http.ResponseWriter, r *http.Request, v *viewer) {
	p := s.adminPage(w, r, v, "/account/recovery-codes")
	p.Data = &accountData{}
	pw, ok := accountPassword(p, r)
	if !ok {
		s.render(w, r, http.StatusBadRequest, "account_recovery", p)
		return
	}
	codes, err := s.accounts.RenewRecoveryCodes(r.Context(), sessionToken(r), pw)
	if err != nil {
		s.accountRefused(w, r, v, p, "account_recovery", err)
		return
	}
	p.Data = &accountData{Codes: codes}
	s.render(w, r, http.StatusOK, "account_codes", p)
}
