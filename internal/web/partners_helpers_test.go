package web_test

import (
	"bytes"
	"html"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/havenhrd/haven"
	"github.com/havenhrd/haven/internal/web"
)

// Helpers of the partners' pages' tests: a browser that fills in and
// submits a page's form as a person would, keeping what the page carries.

var (
	inputTag    = regexp.MustCompile(`<input\b[^>]*>`)
	textareaTag = regexp.MustCompile(`(?s)<textarea\b[^>]*\bname="([^"]+)"[^>]*>(.*?)</textarea>`)
	selectTag   = regexp.MustCompile(`(?s)<select\b[^>]*\bname="([^"]+)"[^>]*>(.*?)</select>`)
	selectedOpt = regexp.MustCompile(`<option value="([^"]*)"[^>]*\bselected`)
	attrPattern = regexp.MustCompile(`\b([a-z-]+)(?:="([^"]*)")?`)
)

// formValues returns what a browser would post of the page's form with
// action (the first such form): every hidden field, every field typed or
// chosen, every box checked.
func formValues(t *testing.T, body, action string) url.Values {
	t.Helper()
	re := regexp.MustCompile(`(?s)<form\b[^>]*\baction="` + regexp.QuoteMeta(action) + `"[^>]*>(.*?)</form>`)
	m := re.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no form posting to %s in:\n%s", action, body)
	}
	form := m[1]
	out := url.Values{}
	for _, tag := range inputTag.FindAllString(form, -1) {
		attrs := map[string]string{}
		for _, a := range attrPattern.FindAllStringSubmatch(strings.TrimPrefix(tag, "<input"), -1) {
			attrs[a[1]] = html.UnescapeString(a[2])
		}
		_, checked := attrs["checked"]
		name := attrs["name"]
		switch attrs["type"] {
		case "radio", "checkbox":
			if checked {
				out.Add(name, attrs["value"])
			}
		case "file", "":
		default:
			if name != "" {
				out.Add(name, attrs["value"])
			}
		}
	}
	for _, ta := range textareaTag.FindAllStringSubmatch(form, -1) {
		out.Add(ta[1], html.UnescapeString(ta[2]))
	}
	for _, sel := range selectTag.FindAllStringSubmatch(form, -1) {
		if o := selectedOpt.FindStringSubmatch(sel[2]); o != nil {
			out.Add(sel[1], html.UnescapeString(o[1]))
		} else {
			out.Add(sel[1], "")
		}
	}
	return out
}

// fill submits the last page's form with action, as it stands with the
// answers of set (a nil value clears the field) and the button pressed
// (name=value).
func (b *browser) fill(action string, set url.Values, button string) (*http.Response, string) {
	b.t.Helper()
	form := formValues(b.t, b.last, action)
	for k, vs := range set {
		if vs == nil {
			form.Del(k)
			continue
		}
		form[k] = vs
	}
	if button != "" {
		k, v, _ := strings.Cut(button, "=")
		form.Set(k, v)
	}
	return b.post(action, form)
}

// step submits a step of a multi-page form and checks where it lands: the
// page titled want, with status.
func (b *browser) step(action string, set url.Values, button string, status int, want string) string {
	b.t.Helper()
	r, body := b.fill(action, set, button)
	if r.StatusCode != status || !strings.Contains(title(body), want) {
		b.t.Fatalf("%s %v %s: %d %q, want %d %q\n%s", action, set, button, r.StatusCode, title(body), status, want, text(body))
	}
	return body
}

// upload posts a file from the import form, as a browser does: the CSRF
// token first, then the file.
func (b *browser) upload(name string, content []byte) (*http.Response, string) {
	b.t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	mw.WriteField("csrf", b.csrf())
	fw, err := mw.CreateFormFile("file", name)
	if err != nil {
		b.t.Fatal(err)
	}
	fw.Write(content)
	mw.Close()
	req := must(http.NewRequest("POST", b.f.srv.URL+"/referrals/import", &buf))
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	req.Header.Set("Origin", origin)
	return b.do(req)
}

// errorLinks returns the fields the error summary links to.
func errorLinks(body string) []string {
	var out []string
	for _, m := range regexp.MustCompile(`<li><a href="#([^"]+)">`).FindAllStringSubmatch(body, -1) {
		out = append(out, m[1])
	}
	return out
}

// caseCount counts the cases the visa office sees.
func (f *fixture) caseCount(t *testing.T) int {
	t.Helper()
	_, n, err := f.app.Cases.FindCases(f.ctx, f.users[haven.OrgVisaOffice].actor, haven.CaseFilter{Limit: 1})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// toAdmissibility takes a referred case to its admissibility checks.
func (f *fixture) toAdmissibility(t *testing.T, id haven.ID) {
	t.Helper()
	visa := f.users[haven.OrgVisaOffice].actor
	must(f.app.Cases.OpenFile(f.ctx, visa, id))
	must(f.app.Cases.StartEligibility(f.ctx, visa, id))
	must(f.app.Cases.RecordAssessment(f.ctx, visa, id, &haven.EligibilityAssessment{OutsideCountry: true, WellFoundedFear: true,
		NoInternalFlight: true, NoDurableSolution: true, Grounds: []haven.Ground{haven.GroundPoliticalOpinion}}))
	must(f.app.Cases.StartAdmissibility(f.ctx, visa, id))
}

// noEnglish fails for each French page that shows English catalogue text.
func noEnglish(t *testing.T, pages map[string]string) {
	t.Helper()
	if len(pages) == 0 {
		t.Fatal("no French pages to check")
	}
	for name, page := range pages {
		if !strings.Contains(page, `<html lang="fr">`) {
			t.Errorf("%s is not in French", name)
			continue
		}
		if en := englishInFast(page); len(en) > 0 {
			t.Errorf("%s shows English: %v", name, en)
		}
	}
}

// englishInFast is englishIn, quicker: a probe's pattern is tried only
// on a page whose text holds its string.
func englishInFast(page string) []string {
	txt := pageWords(page)
	var found []string
	for _, p := range englishProbes() {
		if en := web.MessagesEN[p.key]; strings.Contains(txt, en) && p.re.MatchString(txt) {
			found = append(found, p.key+"="+en)
		}
	}
	slices.Sort(found)
	return found
}
