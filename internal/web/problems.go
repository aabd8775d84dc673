package web

import (
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/havenhrd/haven"
)

// The app speaks English: its messages are written for the log and the API.
// The pages show them in the reader's language: a known message maps to a
// catalogue key; an unknown one shows as itself on an English page, and on
// a French page as a translated message naming the field, or the
// translated meaning of its error code. A French page never shows an
// English sentence.

// knownMessages maps the app's messages, exactly, to catalogue keys.
var knownMessages = map[string]string{
	// Sign-in and enrolment.
	"the username or password is not right":                                        "err.signin_wrong",
	"this sign-in step has expired or was already used; start again":               "err.step_expired",
	"the code is not valid":                                                        "err.code_invalid",
	"this code was already used; wait for the next one":                            "err.code_used",
	"the recovery code is not right or was already used":                           "err.recovery_wrong",
	"this passkey's answer was already used":                                       "err.passkey_failed",
	"this account has no passkey; use another factor":                              "err.no_passkey",
	"passkeys are not configured":                                                  "err.passkeys_off",
	"the enrolment link is not valid or has expired":                               "err.enrol_link",
	"this password is too common or has appeared in a data breach; choose another": "err.password_common",
	"do not build the password from your username or other details of the account": "err.password_context",
	"use more varied characters; repeated characters are easy to guess":            "err.password_varied",
	"remove control characters such as line breaks and tabs":                       "err.control_chars",
	"use valid text": "err.control_chars",
	"please sign in": "err.signin_again",
	// Case work.
	"written reasons are required":                                 "err.reasons_required",
	"enter the travel date":                                        "err.travel_date_required",
	"the travel date is in the past":                               "err.travel_date_past",
	"the family is already booked to travel on that date":          "err.travel_date_same",
	"enter the arrival date":                                       "err.arrival_date_required",
	"the arrival date is in the future":                            "err.arrival_date_future",
	"the arrival date is before the travel date":                   "err.arrival_before_travel",
	"enter the port of entry's three-letter code, such as YUL":     "err.port_of_entry",
	"choose this year or next":                                     "err.admission_year",
	"choose a settlement organisation":                             "err.settlement_org",
	"choose the settlement organisation first":                     "err.settlement_first",
	"the emergency track is open only to emergency-priority cases": "err.emergency_only",
	"the case has been shredded and cannot change":                 "err.shredded",
	"the case has no travellers":                                   "err.no_travellers",
	"your organisation may not do this":                            "err.forbidden",
	"no such case":                                                 "err.no_case",
	"enter a value":                                                "err.required",
	"remove control characters":                                    "err.control_chars",
	"use at most 5000 characters":                                  "err.too_long",
}

// knownPrefixes map the app's messages that carry a number or a name.
var knownPrefixes = []struct{ prefix, key string }{
	{"too many attempts; try again in", "err.too_many"},
	{"use at least ", "err.password_short"},
	{"use at most ", "err.too_long"},
	{"the cap for ", "err.cap_full"},
	{"the partner's allocation for ", "err.allocation_full"},
	{"no cap is set for ", "err.no_cap_set"},
	{"a case in state ", "err.wrong_state"},
	{"a case is placed with a settlement organisation", "err.settlement_state"},
	{"the assessment is negative", "err.assessment_negative"},
	{"the medical exam of member ", "err.medical_before_travel"},
	{"entry ", "err.entry"},
}

// codeNamedKeys are further keys the Go code names directly.
var codeNamedKeys = []string{
	"err.check_answer", "err.check_input", "err.date_format", "err.date_month", "err.date_days", "err.date_february", "err.year_format", "err.country_format",
	"err.username_required", "err.password_required", "err.password_mismatch", "err.password_confirm_required", "err.code_required",
	"err.passkey_js", "err.csrf", "err.cross_site", "err.bad_form", "err.choose_state", "err.choose_priority",
	"err.enrol_step", "err.internal_ref", "err.too_long_at", "err.too_long_typed", "notice.signed_out", "err.no_cap", "common.no", "common.yes",
}

// messageKey returns the catalogue key of an app message, if it is known.
func messageKey(msg string) (string, bool) {
	if k, ok := knownMessages[msg]; ok {
		return k, true
	}
	for _, p := range knownPrefixes {
		if strings.HasPrefix(msg, p.prefix) {
			return p.key, true
		}
	}
	return "", false
}

// tooLongMessage matches the app's message of a text past its limit.
var tooLongMessage = regexp.MustCompile(`^use at most (\d+) characters$`)

// tooLong is what the page says of the app's message msg when it is the
// one of a text past its limit, typed in the form control id: the limit,
// and how many characters were typed when the form holds them.
func (p *page) tooLong(msg, id string) (string, bool) {
	m := tooLongMessage.FindStringSubmatch(msg)
	if k, _ := partnerMessageKey(msg); m == nil || k != "err.too_long" {
		return "", false // a limit with its own words says them
	}
	max, err := strconv.Atoi(m[1])
	if err != nil {
		return "", false
	}
	if n := utf8.RuneCountInString(strings.TrimSpace(p.Form.Get(id))); id != "" && n > max {
		return p.tf("err.too_long_typed", p.number(max), p.number(n)), true
	}
	return p.tf("err.too_long_at", p.number(max)), true
}

// number writes n with its thousands grouped as the page's language
// writes them: 5,000 and 5 000.
func (p *page) number(n int) string {
	s := strconv.Itoa(n)
	if n < 0 {
		return "-" + p.number(-n)
	}
	sep := ","
	if p.Lang == langFR {
		sep = "\u00a0"
	}
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + sep + s[i:]
	}
	return s
}

// sentence capitalises an app message for display.
func sentence(msg string) string {
	r, n := utf8.DecodeRuneInString(msg)
	if n == 0 {
		return msg
	}
	return string(unicode.ToUpper(r)) + msg[n:]
}

// problem is one entry of a page's error summary. Field is the ID of the
// form control it links to; empty for a problem with no field.
type problem struct {
	Field   string
	Message string
}

// noteWait keeps the wait a limit's refusal carries, for the Retry-After
// header of the page's 429. Every page that shows an error as a whole says
// it through errorMessage or adminRecord, and both note it.
func (p *page) noteWait(err error) {
	if d, ok := haven.RetryAfterOf(err); ok {
		p.retryAfter = d
	}
}

// errorMessage is what the page says of err as a whole.
func (p *page) errorMessage(err error) string {
	p.noteWait(err)
	code := haven.ErrorCodeOf(err)
	if code == haven.EINTERNAL || code == "" {
		return p.tf("err.internal_ref", p.RequestID)
	}
	msg := haven.ErrorMessageOf(err)
	if k, ok := messageKey(msg); ok {
		return p.t(k)
	}
	if p.Lang == langEN {
		return sentence(msg)
	}
	return p.t("code." + string(code))
}

// fail records err on the page: field problems beside their fields (under
// the form control IDs that alias gives, or the same names), and the rest
// as an alert. labels maps the page's form control IDs to the catalogue
// keys of their labels: a problem of a field the form shows links to it.
//
// A field the page has already found a problem in (a date it could not
// read) keeps that problem alone: the app's word on the same field (no date
// given) would contradict what the user sees they typed.
func (p *page) fail(err error, labels map[string]string, alias map[string]string) {
	fields := haven.FieldsOf(err)
	found := slices.Clone(p.Errors)
	for _, f := range fields {
		id := f.Field
		if a, ok := alias[id]; ok {
			id = a
		}
		if slices.ContainsFunc(found, func(e problem) bool { return e.Field == id && id != "" }) {
			continue
		}
		label, onForm := labels[id]
		var msg string
		switch k, ok := messageKey(f.Message); {
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
	if len(fields) == 0 {
		p.Alert = p.errorMessage(err)
	}
}

// invalid records a problem the page itself found in the form. A month
// among args is named in the page's language; the messages that name one
// start with it.
func (p *page) invalid(field, key string, args ...any) {
	for i, a := range args {
		if m, ok := a.(monthKey); ok {
			args[i] = sentence(p.t("month." + strconv.Itoa(int(m))))
		}
	}
	p.Errors = append(p.Errors, problem{Field: field, Message: p.tf(key, args...)})
}

// statusOf is the HTTP status of a page showing err.
func statusOf(err error) int {
	switch haven.ErrorCodeOf(err) {
	case haven.EINVALID:
		return http.StatusBadRequest
	case haven.ENOTFOUND:
		return http.StatusNotFound
	case haven.ECONFLICT:
		return http.StatusConflict
	case haven.EFORBIDDEN:
		return http.StatusForbidden
	case haven.EUNAUTHORIZED:
		return http.StatusUnauthorized
	case haven.ETOOMANY:
		return http.StatusTooManyRequests
	case haven.EUNAVAILABLE:
		return http.StatusServiceUnavailable
	}
	return http.StatusInternalServerError
}
