package web

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
	"path"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/havenhrd/haven"
)

//go:embed templates
var templateFS embed.FS

// templates are the parsed pages, by language and page name. Each page is
// the layout, the shared partials and its own file, parsed once per
// language so that its translation functions are bound to that language.
type templates map[string]map[string]*template.Template

// keyPattern finds the catalogue keys a template names literally.
var keyPattern = regexp.MustCompile(`\{\{-?\s*(?:t|tf)\s+"([^"]+)"|\(\s*(?:t|tf)\s+"([^"]+)"|field\s+\$\s+"[^"]*"\s+"([^"]*)"\s+"([^"]*)"`)

// templateKeys returns the catalogue keys the template sources name.
func templateKeys() (map[string][]string, error) {
	keys := map[string][]string{}
	err := fs.WalkDir(templateFS, "templates", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := templateFS.ReadFile(p)
		if err != nil {
			return err
		}
		for _, m := range keyPattern.FindAllStringSubmatch(string(b), -1) {
			for _, k := range m[1:] {
				if k != "" {
					keys[k] = append(keys[k], p)
				}
			}
		}
		return nil
	})
	return keys, err
}

// parseTemplates parses every page in both languages and checks that every
// key the templates name is in both catalogues.
func parseTemplates(st *staticFiles) (templates, error) {
	keys, err := templateKeys()
	if err != nil {
		return nil, err
	}
	var errs []error
	for k, files := range keys {
		for lang, cat := range catalogues {
			if _, ok := cat[k]; !ok {
				errs = append(errs, fmt.Errorf("web: %s names key %q, missing in %s", files[0], k, lang))
			}
		}
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	pages, err := fs.Glob(templateFS, "templates/pages/*.html")
	if err != nil {
		return nil, err
	}
	out := templates{}
	for lang := range catalogues {
		out[lang] = map[string]*template.Template{}
		base, err := template.New("base").Funcs(funcs(lang, st)).ParseFS(templateFS, "templates/layout.html", "templates/partials.html")
		if err != nil {
			return nil, fmt.Errorf("web: %w", err)
		}
		for _, p := range pages {
			t, err := template.Must(base.Clone()).ParseFS(templateFS, p)
			if err != nil {
				return nil, fmt.Errorf("web: %w", err)
			}
			for _, name := range []string{"title", "main"} {
				if t.Lookup(name) == nil {
					return nil, fmt.Errorf("web: %s defines no %q", p, name)
				}
			}
			out[lang][strings.TrimSuffix(path.Base(p), ".html")] = t
		}
	}
	return out, nil
}

// funcs are the template functions of one language.
func funcs(lang string, st *staticFiles) template.FuncMap {
	t := func(key string) string { return translate(lang, key) }
	return template.FuncMap{
		"t":  t,
		"tf": func(key string, args ...any) string { return fmt.Sprintf(translate(lang, key), args...) },
		// enum translates a value of an enumeration: enum "state" .State.
		"enum": func(prefix string, v any) string {
			s := fmt.Sprint(v)
			if s == "" {
				return ""
			}
			return t(prefix + "." + s)
		},
		"field":      newField,
		"list":       func(s ...string) []string { return s },
		"pair":       func(a, b any) []any { return []any{a, b} },
		"personName": personName,
		"dash":       func(s string) string { return strings.ReplaceAll(s, "_", "-") },
		"add":        func(a, b int) int { return a + b },
		"static":     st.url,
		"date":       func(d haven.Date) string { return d.String() },
		"day":        func(tm time.Time) string { return when(tm, time.DateOnly) },
		"when":       func(tm time.Time) string { return when(tm, "2006-01-02 15:04 UTC") },
		"country":    func(code string) string { return country(lang, code) },
		"countries": func(codes []string) string {
			out := make([]string, len(codes))
			for i, c := range codes {
				out[i] = country(lang, c)
			}
			return strings.Join(out, ", ")
		},
		"languages": func(codes []string) string {
			out := make([]string, len(codes))
			for i, c := range codes {
				out[i] = languageLabel(lang, c)
			}
			return strings.Join(out, ", ")
		},
		"yesno": func(b bool) string {
			if b {
				return t("common.yes")
			}
			return t("common.no")
		},
		"has": func(list any, v string) bool {
			switch l := list.(type) {
			case []string:
				return slices.Contains(l, v)
			case []haven.Ground:
				return slices.Contains(l, haven.Ground(v))
			}
			return false
		},
	}
}

func when(tm time.Time, layout string) string {
	if tm.IsZero() {
		return ""
	}
	return tm.UTC().Format(layout)
}

// page is what every template gets.
type page struct {
	// now is the app's clock when the request came: what the page's own
	// checks take as today.
	now       time.Time
	Lang      string
	OtherLang string
	Toggle    string // this page in the other language
	RequestID string
	CSRF      string
	Viewer    *viewer
	Demo      bool
	// Protected marks a page that shows case data: it carries the
	// "Protected B" marking.
	Protected bool
	// Errors is the error summary; Alert a problem of the page as a whole;
	// Notice the outcome of the last act.
	Errors []problem
	Alert  string
	Notice string
	// Form holds what the user typed, shown back on an error.
	Form url.Values
	// Scripts are the static scripts the page loads.
	Scripts []string
	// Data is the page's own data.
	Data any
	// retryAfter is how long a limit that refused the request asks the
	// client to wait, for the Retry-After header of a 429.
	retryAfter haven.RetryAfter
}

func (p *page) t(key string) string { return translate(p.Lang, key) }

func (p *page) tf(key string, args ...any) string {
	if len(args) == 0 {
		return p.t(key)
	}
	return fmt.Sprintf(p.t(key), args...)
}

// Failed reports whether the page shows a problem: its title then starts
// with "Error:".
func (p *page) Failed() bool { return len(p.Errors) > 0 || p.Alert != "" }

// Err returns the message of the first problem with the form control id.
func (p *page) Err(id string) string {
	for _, e := range p.Errors {
		if e.Field == id {
			return e.Message
		}
	}
	return ""
}

// Val returns what the user typed in the form control name.
func (p *page) Val(name string) string { return p.Form.Get(name) }

// Vals returns every value typed or checked in the form control name.
func (p *page) Vals(name string) []string { return p.Form[name] }

// OrgName returns the name of an organisation, or its ID when the viewer
// cannot list it.
func (p *page) OrgName(id haven.ID) string {
	if p.Viewer != nil {
		if o, ok := p.Viewer.orgs[id]; ok {
			return o.Name
		}
	}
	return string(id)
}

// fieldView is one form control as the partials render it.
type fieldView struct {
	ID, Label, Hint, Error, Value string
	Type, Autocomplete, Inputmode string
	Width                         string
	NoSpellcheck                  bool
}

// Describedby lists the IDs of the hint and the error of the field.
func (f fieldView) Describedby() string {
	var ids []string
	if f.Hint != "" {
		ids = append(ids, f.ID+"-hint")
	}
	if f.Error != "" {
		ids = append(ids, f.ID+"-error")
	}
	return strings.Join(ids, " ")
}

// newField is the template function field: field $ id labelKey hintKey
// options, where options are space-separated key=value pairs among type,
// autocomplete, inputmode, width, and the word nospellcheck.
func newField(p *page, id, labelKey, hintKey, options string) fieldView {
	f := fieldView{ID: id, Label: p.t(labelKey), Error: p.Err(id), Value: p.Val(id), Type: "text"}
	if hintKey != "" {
		f.Hint = p.t(hintKey)
	}
	for _, o := range strings.Fields(options) {
		k, v, _ := strings.Cut(o, "=")
		switch k {
		case "type":
			f.Type = v
		case "autocomplete":
			f.Autocomplete = v
		case "inputmode":
			f.Inputmode = v
		case "width":
			f.Width = v
		case "nospellcheck":
			f.NoSpellcheck = true
		}
	}
	if f.Type == "password" {
		f.Value = "" // a password is never sent back to the browser
	}
	return f
}

// newPage starts the page of a request. v is the signed-in viewer, or nil.
func (s *server) newPage(w http.ResponseWriter, r *http.Request, v *viewer) *page {
	lang := language(w, r)
	p := &page{now: s.clock.Now(), Lang: lang, OtherLang: otherLang(lang), RequestID: haven.RequestID(r.Context()), Viewer: v, Demo: s.demo,
		Form: url.Values{}}
	here, q := r.URL.Path, r.URL.Query()
	if r.Method != http.MethodGet {
		here, q = getPath(r), url.Values{}
		if here == "/enrol" && r.PostForm != nil {
			q.Set("secret", r.PostForm.Get("secret"))
		}
	}
	p.Toggle = toggleURL(here, q, lang)
	p.CSRF = csrfToken(w, r)
	return p
}

// getPath is the page that shows again what a POST to r's path changed:
// where the language toggle of its answer leads.
func getPath(r *http.Request) string {
	p := r.URL.Path
	switch {
	case p == "/signin" || p == "/signout":
		return "/signin"
	case strings.HasPrefix(p, "/signin/"):
		return "/signin/factor"
	case p == "/enrol":
		return "/enrol"
	case strings.HasPrefix(p, "/enrol/"):
		return "/enrol/factor"
	case p == "/account/notifications":
		return p
	case strings.HasPrefix(p, "/cases/"):
		id := r.PathValue("id")
		if strings.HasSuffix(p, "/approve") || strings.HasSuffix(p, "/refuse") {
			return p
		}
		if id != "" {
			return "/cases/" + url.PathEscape(id)
		}
	}
	return "/"
}

// render writes the page name with status. A template that fails to run
// (it was checked at start-up, so this is a fault) answers a bare 500.
func (s *server) render(w http.ResponseWriter, r *http.Request, status int, name string, p *page) {
	t, ok := s.tmpl[p.Lang][name]
	if !ok {
		s.log.ErrorContext(r.Context(), "no such template", "template", name, "request_id", p.RequestID)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout", p); err != nil {
		s.log.ErrorContext(r.Context(), "template failed", "template", name, "err", err.Error(), "request_id", p.RequestID)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	if status == http.StatusTooManyRequests && p.retryAfter > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(p.retryAfter.Seconds()))
	}
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

// fail answers err with a page of its own: not found, forbidden, or the
// problem in the reader's language. An expired session goes to sign-in.
func (s *server) fail(w http.ResponseWriter, r *http.Request, v *viewer, err error) {
	code := haven.ErrorCodeOf(err)
	if code == haven.EUNAUTHORIZED {
		clearCookie(w, sessionCookie)
		http.Redirect(w, r, "/signin", http.StatusSeeOther)
		return
	}
	st := statusOf(err)
	s.logRefused(r, st, code, err)
	p := s.newPage(w, r, v)
	if code == haven.ENOTFOUND {
		s.render(w, r, st, "notfound", p)
		return
	}
	p.Alert = p.errorMessage(err)
	s.render(w, r, st, "problem", p)
}

// logRefused leaves the trace of a refused or failed request: route,
// status, code and request ID; never the input.
func (s *server) logRefused(r *http.Request, status int, code haven.ErrorCode, err error) {
	if status >= 500 {
		s.log.ErrorContext(r.Context(), "page failed", "code", string(code), "err", err.Error(), "request_id", haven.RequestID(r.Context()))
		return
	}
	s.log.InfoContext(r.Context(), "request refused", "method", r.Method, "route", r.Pattern, "status", status, "code", string(code),
		"request_id", haven.RequestID(r.Context()))
}

// handleNotFound answers every path no page has.
func (s *server) handleNotFound() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.render(w, r, http.StatusNotFound, "notfound", s.newPage(w, r, nil))
	})
}
