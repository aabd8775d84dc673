package web

import (
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/havenhrd/haven"
)

// What the administration pages and the "Your sign-in" pages share: the
// gate of the programme's administration, the language toggle of a POST's
// answer, and the reading of the app's messages these pages meet.

// adminDuration is time.Duration under a name of this package, so that the Haven
// interface in web.go can name CreateAPIToken's lifetime without an import
// of its own.
type adminDuration = time.Duration

// adminOnly resolves the viewer and lets only the programme's
// administration through. Anyone else gets "page not found", as for a page
// that does not exist: the pages say nothing of what is behind them. The
// app checks its own policy again on every call.
func (s *server) adminOnly(h func(http.ResponseWriter, *http.Request, *viewer)) http.Handler {
	return s.signedIn(func(w http.ResponseWriter, r *http.Request, v *viewer) {
		if v.Kind() != haven.OrgProgrammeAdmin {
			s.logRefused(r, http.StatusNotFound, haven.ENOTFOUND, errors.New("administration page"))
			s.render(w, r, http.StatusNotFound, "notfound", s.newPage(w, r, v))
			return
		}
		h(w, r, v)
	})
}

// adminPage starts the page of a request whose GET twin is here: the answer
// to a POST carries a language toggle to that page (newPage's own choice
// knows only the sign-in, enrolment and case pages).
func (s *server) adminPage(w http.ResponseWriter, r *http.Request, v *viewer, here string) *page {
	p := s.newPage(w, r, v)
	if r.Method != http.MethodGet {
		p.Toggle = toggleURL(here, url.Values{}, p.Lang)
	}
	return p
}

// adminMessages map the app's messages that these pages meet, exactly, to
// their catalogue keys (messages_admin.go). The shared catalogue's map
// (problems.go) is consulted after this one.
var adminMessages = map[string]string{
	// Programme rules.
	"the cap cannot be set below the persons already approved or arrived this year":             "admin.err.cap_below",
	"an allocation cannot be set below the persons the partner already has approved or arrived": "admin.err.allocation_below",
	"enter a cap from 0 to 1,000,000 persons":                                                   "admin.err.cap_range",
	"an allocation cannot be negative":                                                          "admin.err.allocation_negative",
	"the allocations add up to more than the cap":                                               "admin.err.allocations_sum",
	"enter a target from 1 to 3650 days":                                                        "admin.err.target_range",
	"enter a stage budget from 1 to 3650 days":                                                  "admin.err.stage_range",
	"an emergency departs within 7 days of referral":                                            "admin.err.target_emergency",
	"enter a handover time from 0 to 365 days after arrival":                                    "admin.err.handover_range",
	"enter a year from 2021, when the stream opened":                                            "err.year_format",
	// Organisations and users.
	"choose a kind of organisation":             "admin.err.kind_required",
	"use an ISO 3166-1 two-letter country code": "err.country_format",
	"choose the user's organisation":            "admin.err.org_required",
	"no such organisation":                      "admin.err.org_required",
	"choose a role":                             "admin.err.role_required",
	"choose another username":                   "admin.err.username_taken",
	"the username is taken":                     "admin.err.username_taken",
	"the user is disabled already":              "admin.err.user_disabled_already",
	"the user is disabled":                      "admin.err.user_disabled",
	"no such user":                              "admin.err.no_user",
	"choose a lifetime from 1 hour to 366 days": "admin.err.days_range",
	"the token is revoked already":              "admin.err.token_revoked_already",
	"use 2 to 63 lower-case letters, digits, dots, dashes or underscores, starting with a letter or digit": "admin.err.username_format",
	// One's own factors.
	"the password is not right":                                       "account.err.password_wrong",
	"this is your last second factor: add another before removing it": "account.err.last_factor",
	"no such passkey":                                                 "account.err.no_passkey",
	"this sign-in step has expired or was already used; start again":  "account.err.step_expired",
	"enter the 6 digits your authenticator app shows":                 "account.err.code_digits",
	"this code has been used already":                                 "err.code_used",
}

// adminPrefixes map the app's messages that carry a name or a number.
var adminPrefixes = []struct{ prefix, key string }{
	{"no organisation with ID ", "admin.err.no_org"},
	{"the stage budgets add up to ", "admin.err.stage_sum"},
}

// adminMessageKeys lists every key the two tables above name, for the
// check in messages_admin.go's init.
func adminMessageKeys() []string {
	var keys []string
	for _, k := range adminMessages {
		keys = append(keys, k)
	}
	for _, p := range adminPrefixes {
		keys = append(keys, p.key)
	}
	return keys
}

// adminKey returns the catalogue key of an app message: this group's own
// reading first, then the shared one.
func adminKey(msg string) (string, bool) {
	if k, ok := adminMessages[msg]; ok {
		return k, true
	}
	for _, p := range adminPrefixes {
		if strings.HasPrefix(msg, p.prefix) {
			return p.key, true
		}
	}
	return messageKey(msg)
}

// adminExplain is what the page says of err as a whole, in the reader's
// language (as page.errorMessage, with this group's messages).
func adminExplain(p *page, err error) string {
	switch haven.ErrorCodeOf(err) {
	case haven.EINTERNAL, "":
		return p.errorMessage(err)
	}
	if k, ok := adminKey(haven.ErrorMessageOf(err)); ok {
		return p.t(k)
	}
	return p.errorMessage(err)
}

// adminRecord puts the app's refusal on the page: each field problem beside its
// field (labels maps the page's form control IDs to their label keys;
// alias maps the app's field names to those IDs), and a refusal with no
// field as an alert, or beside the field that at names for its message.
func adminRecord(p *page, err error, labels, alias, at map[string]string) {
	p.noteWait(err)
	fields := haven.FieldsOf(err)
	found := slices.Clone(p.Errors)
	for _, f := range fields {
		id := f.Field
		if a, ok := alias[id]; ok {
			id = a
		}
		if slices.ContainsFunc(found, func(e problem) bool { return e.Field == id && id != "" }) {
			continue // the page's own problem of the field stands
		}
		label, onForm := labels[id]
		var msg string
		switch k, ok := adminKey(f.Message); {
		case onForm && k == "err.too_long" && tooLongMessage.MatchString(f.Message):
			msg, _ = p.tooLong(f.Message, id)
		case ok:
			msg = p.t(k)
		case p.Lang == langEN:
			msg = sentence(f.Message)
		case onForm:
			msg = p.tf("err.check_answer", p.t(label))
		default:
			msg = p.t("err.check_input")
		}
		if !onForm {
			id = ""
		}
		p.Errors = append(p.Errors, problem{Field: id, Message: msg})
	}
	if len(fields) > 0 {
		return
	}
	msg := adminExplain(p, err)
	if k, ok := adminKey(haven.ErrorMessageOf(err)); ok {
		if id, ok := at[k]; ok {
			p.Errors = append(p.Errors, problem{Field: id, Message: msg})
			return
		}
	}
	p.Alert = msg
}

// adminPageFails reports whether an error from the app is one the page cannot
// show beside its form: the record is not there for the viewer, the viewer
// may not act, the session has ended, or Haven failed. s.fail answers it.
func adminPageFails(err error) bool {
	switch haven.ErrorCodeOf(err) {
	case haven.EFORBIDDEN, haven.EUNAUTHORIZED, haven.EINTERNAL, haven.EUNAVAILABLE:
		return true
	}
	return false
}
