package web_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/havenhrd/haven"
)

// TestNameFieldsMarkup: the referral's fields of names are native text
// inputs with the page's list of names, marked as taking several names or
// one, and the page loads names.js, served from Haven itself as JavaScript,
// by a <script src> that the content security policy allows; so does the
// nomination's page of countries.
func TestNameFieldsMarkup(t *testing.T) {
	f := newFixture(t, false)
	b := f.browser(t)
	b.signIn(f.users[haven.OrgReferralPartner])
	_, body := b.get("/referrals/new")
	for id, want := range map[string]string{"nationality_countries": "several", "asylum_country": "one"} {
		m := regexp.MustCompile(`<input [^>]*id="` + id + `"[^>]*>`).FindString(body)
		if !strings.Contains(m, `list="country-names"`) || !strings.Contains(m, `data-names="`+want+`"`) || !strings.Contains(m, `type="text"`) {
			t.Errorf("the field %s: %s", id, m)
		}
	}
	if !strings.Contains(body, `<datalist id="country-names">`) || !strings.Contains(body, `<option value="Afghanistan">`) {
		t.Error("the page has no list of country names")
	}
	src := regexp.MustCompile(`<script src="(/static/names\.js\?v=[0-9a-f]+)" defer></script>`).FindStringSubmatch(body)
	if src == nil {
		t.Fatal("the referral's page does not load names.js")
	}
	if strings.Contains(strings.ReplaceAll(body, src[0], ""), "<script") {
		t.Error("the page has a script other than names.js")
	}
	// The nomination's countries take names too.
	prot := f.browser(t)
	prot.signIn(f.users[haven.OrgProtectionPartner])
	prot.get("/nominations/new")
	nom := prot.step("/nominations/new", url.Values{"defender_name": {"X"}}, "go=next", 200, "Countries and family")
	for id, want := range map[string]string{"nationality_countries": "several", "asylum_country": "one"} {
		if m := regexp.MustCompile(`<input [^>]*id="` + id + `"[^>]*>`).FindString(nom); !strings.Contains(m, `data-names="`+want+`"`) {
			t.Errorf("the nomination's field %s: %s", id, m)
		}
	}
	if !strings.Contains(nom, `<datalist id="country-names">`) || !strings.Contains(nom, src[1]) {
		t.Error("the nomination's countries page has no list of names, or no names.js")
	}
	resp, js := b.get(src[1])
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "text/javascript; charset=utf-8" || !strings.Contains(js, "data-names") {
		t.Errorf("names.js: %d %q", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
}
