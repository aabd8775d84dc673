package web

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"

	"github.com/havenhrd/haven"
)

// The languages of the pages. Canada's official languages; every page is in
// one and links to itself in the other.
const (
	langEN = "en"
	langFR = "fr"
)

// langCookie remembers the language chosen with the toggle. It is a
// preference, not a secret: SameSite=Lax so that it follows a link in.
const langCookie = "lang"

// catalogues are the translations, by language and key.
var catalogues = map[string]map[string]string{langEN: messagesEN, langFR: messagesFR}

// otherLang returns the language the toggle leads to.
func otherLang(lang string) string {
	if lang == langFR {
		return langEN
	}
	return langFR
}

// language returns the language of the request: the toggle's ?lang=
// (remembered in a cookie), else the cookie, else the browser's first
// preference among English and French, else English.
func language(w http.ResponseWriter, r *http.Request) string {
	if q := r.URL.Query().Get("lang"); q == langEN || q == langFR {
		http.SetCookie(w, &http.Cookie{Name: langCookie, Value: q, Path: "/", Secure: true, SameSite: http.SameSiteLaxMode,
			MaxAge: 365 * 24 * 3600})
		return q
	}
	if c, err := r.Cookie(langCookie); err == nil && (c.Value == langEN || c.Value == langFR) {
		return c.Value
	}
	for _, part := range strings.Split(r.Header.Get("Accept-Language"), ",") {
		tag, _, _ := strings.Cut(strings.TrimSpace(part), ";")
		primary, _, _ := strings.Cut(strings.ToLower(tag), "-")
		if primary == langEN || primary == langFR {
			return primary
		}
	}
	return langEN
}

// toggleURL is path, with its query, in the other language.
func toggleURL(path string, query url.Values, lang string) string {
	q := url.Values{}
	for k, v := range query {
		if k != "lang" {
			q[k] = v
		}
	}
	q.Set("lang", otherLang(lang))
	return path + "?" + q.Encode()
}

// translate returns the message of key in lang. A key missing from the
// catalogue (which the start-up checks make impossible for the keys the
// templates and the code name) shows as itself, never as another language.
func translate(lang, key string) string {
	if m, ok := catalogues[lang][key]; ok {
		return m
	}
	return key
}

// enumPrefixes name the catalogue prefix of each enumeration shown on the
// pages, with every value it takes: each needs a message in each language.
var enumPrefixes = map[string][]string{
	"state":        strs(haven.CaseStates),
	"priority":     strs(haven.Priorities),
	"category":     strs(haven.SubmissionCategories),
	"ground":       strs(haven.Grounds),
	"socialgroup":  strs(haven.SocialGroups),
	"relationship": strs(haven.Relationships),
	"sex":          strs(haven.Sexes),
	"threat":       strs(haven.ThreatTypes),
	"perpetrator":  strs(haven.Perpetrators),
	"workarea":     strs(haven.WorkAreas),
	"checkkind":    strs(haven.CheckKinds),
	"checkresult":  strs(haven.CheckResults),
	"stage":        strs(haven.Stages),
	"turn":         strs(haven.Parties),
	"visakind":     strs(haven.VisaKinds),
	"orgkind":      strs(haven.OrgKinds),
	"event":        strs(haven.CaseEvents),
	"decision":     {string(haven.DecisionApproved), string(haven.DecisionRefused), string(haven.DecisionSplit)},
	"act":          {"open_file", "start_eligibility", "start_admissibility", "confirm_admissible", "begin_settlement", "close"},
	"assessment":   {"outside_country", "well_founded_fear", "no_internal_flight", "no_durable_solution", "interviewed"},
	"code": {string(haven.EINVALID), string(haven.ENOTFOUND), string(haven.ECONFLICT), string(haven.EFORBIDDEN),
		string(haven.EUNAUTHORIZED), string(haven.ETOOMANY), string(haven.EUNAVAILABLE), string(haven.EINTERNAL)},
}

func strs[T ~string](vs []T) []string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = string(v)
	}
	return out
}

var verbPattern = regexp.MustCompile(`%[-+# 0-9.]*[a-zA-Z%]`)

// checkCatalogues makes sure both catalogues hold the same keys with the
// same formatting verbs, and a message for every value of every
// enumeration and every message the code names.
func checkCatalogues() error {
	var errs []error
	for key, en := range messagesEN {
		fr, ok := messagesFR[key]
		if !ok {
			errs = append(errs, fmt.Errorf("web: key %q is in English but not in French", key))
			continue
		}
		if !slices.Equal(verbPattern.FindAllString(en, -1), verbPattern.FindAllString(fr, -1)) {
			errs = append(errs, fmt.Errorf("web: key %q has different formatting verbs in English and French", key))
		}
	}
	for key := range messagesFR {
		if _, ok := messagesEN[key]; !ok {
			errs = append(errs, fmt.Errorf("web: key %q is in French but not in English", key))
		}
	}
	for _, key := range codeKeys() {
		for lang, cat := range catalogues {
			if _, ok := cat[key]; !ok {
				errs = append(errs, fmt.Errorf("web: key %q is missing in %s", key, lang))
			}
		}
	}
	return errors.Join(errs...)
}

// codeKeys lists the keys the Go code names: every enumeration value, and
// the messages of known problems, actions and notices.
func codeKeys() []string {
	var keys []string
	for prefix, vals := range enumPrefixes {
		for _, v := range vals {
			keys = append(keys, prefix+"."+v)
		}
	}
	for _, k := range knownMessages {
		keys = append(keys, k)
	}
	for _, p := range knownPrefixes {
		keys = append(keys, p.key)
	}
	for _, a := range caseActs {
		keys = append(keys, a.done)
	}
	keys = append(keys, codeNamedKeys...)
	slices.Sort(keys)
	return slices.Compact(keys)
}
