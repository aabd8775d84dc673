package web_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"os/exec"
	"strings"
	"testing"

	"github.com/havenhrd/haven"
	"github.com/havenhrd/haven/internal/web"
)

func TestCSRF(t *testing.T) {
	f := newFixture(t, false)
	c := f.refer(t, "Forged", 1, haven.PriorityNormal)
	path := "/cases/" + string(c.ID)
	b := f.browser(t)
	b.signIn(f.users[haven.OrgVisaOffice])
	b.get(path)
	good := b.csrf()

	// Another session's token: the same user signed in on another browser.
	other := f.browser(t)
	other.signIn(f.users[haven.OrgVisaOffice])
	other.get(path)

	for _, tc := range []struct {
		name    string
		form    url.Values
		headers map[string]string
		status  int
	}{
		{"no token", url.Values{"csrf": {""}}, nil, http.StatusForbidden},
		{"wrong token", url.Values{"csrf": {"AAAA" + good[4:]}}, nil, http.StatusForbidden},
		{"another session's token", url.Values{"csrf": {other.csrf()}}, nil, http.StatusForbidden},
		{"cross-site", url.Values{"csrf": {good}}, map[string]string{"Sec-Fetch-Site": "cross-site", "Origin": "https://evil.example"}, http.StatusForbidden},
		{"same-site sibling", url.Values{"csrf": {good}}, map[string]string{"Sec-Fetch-Site": "same-site", "Origin": "https://sub.haven.test"}, http.StatusForbidden},
		{"foreign origin, no metadata", url.Values{"csrf": {good}}, map[string]string{"Sec-Fetch-Site": "", "Origin": "https://evil.example"}, http.StatusForbidden},
		{"no origin, no metadata", url.Values{"csrf": {good}}, map[string]string{"Sec-Fetch-Site": "", "Origin": ""}, http.StatusForbidden},
	} {
		b.headers = tc.headers
		r, body := b.post(path+"/open-file", tc.form)
		if r.StatusCode != tc.status || !strings.HasPrefix(title(body), "Error: ") {
			t.Errorf("%s: %d %q", tc.name, r.StatusCode, title(body))
		}
		if f.caseState(t, c.ID) != haven.StateReferred {
			t.Fatalf("%s: the forged request changed the case", tc.name)
		}
	}
	b.headers = nil
	// GET never changes state.
	r, _ := b.get(path + "/open-file")
	if r.StatusCode < 400 || f.caseState(t, c.ID) != haven.StateReferred {
		t.Fatalf("GET open-file: %d", r.StatusCode)
	}
	r, _ = b.get("/signout")
	if r.StatusCode < 400 {
		t.Fatalf("GET /signout: %d", r.StatusCode)
	}
	if r, _ := b.get("/"); r.Request.URL.Path != "/" {
		t.Fatal("GET /signout signed the user out")
	}
	// Origin set and Sec-Fetch-Site absent (an older browser): accepted.
	b.headers = map[string]string{"Sec-Fetch-Site": ""}
	b.get(path)
	r, _ = b.post(path+"/open-file", nil)
	b.headers = nil
	if r.Request.URL.Path != path || f.caseState(t, c.ID) != haven.StateFileCreated {
		t.Fatalf("a genuine request was refused: %s, state %s", r.Request.URL, f.caseState(t, c.ID))
	}
	// The pre-sign-in forms are protected too.
	anon := f.browser(t)
	anon.get("/signin")
	r, _ = anon.post("/signin", url.Values{"username": {"x"}, "password": {"y"}, "csrf": {""}})
	if r.StatusCode != http.StatusForbidden {
		t.Fatalf("sign-in without a token: %d", r.StatusCode)
	}
}

func TestNew(t *testing.T) {
	f := newFixture(t, false)
	noCases := rooms(f.app, origin)
	noCases.Cases = nil
	noClock := rooms(f.app, origin)
	noClock.Clock = nil
	noNotices := rooms(f.app, origin)
	noNotices.Notices = nil
	for _, cfg := range []web.Config{
		rooms(f.app, ""),
		rooms(f.app, "haven.test"),
		rooms(f.app, "https://haven.test/path"),
		{Origin: origin},
		noCases,
		noClock,
		noNotices,
	} {
		if _, err := web.New(cfg); err == nil {
			t.Errorf("New(%+v) accepted a bad configuration", cfg)
		}
	}
	// Unknown pages answer a page, in the same dress as every other.
	b := f.browser(t)
	r, body := b.get("/no/such/page")
	if r.StatusCode != http.StatusNotFound || !strings.Contains(body, "Page not found") {
		t.Fatalf("unknown page: %d", r.StatusCode)
	}
	r, css := b.get("/static/haven.css")
	if r.StatusCode != 200 || !strings.HasPrefix(r.Header.Get("Content-Type"), "text/css") || !strings.Contains(css, "--accent:") {
		t.Fatalf("stylesheet: %d %s", r.StatusCode, r.Header.Get("Content-Type"))
	}
	// No font or asset is loaded from anywhere: the stylesheet names no URL.
	for _, banned := range []string{"@import", "url(", "@font-face"} {
		if strings.Contains(css, banned) {
			t.Errorf("the stylesheet loads %q", banned)
		}
	}
}

func TestDemoBanner(t *testing.T) {
	f := newFixture(t, true)
	b := f.browser(t)
	for _, path := range []string{"/signin", "/signin?lang=fr"} {
		_, body := b.get(path)
		if !strings.Contains(body, `class="demo-banner"`) {
			t.Errorf("%s: no demo banner", path)
		}
	}
	home := b.signIn(f.users[haven.OrgVisaOffice])
	if !strings.Contains(home, `class="demo-banner"`) {
		t.Error("home: no demo banner")
	}
}

// TestImports: the pages speak to the app through its rooms' interfaces and
// the domain only: no app, store, engine or other internal package but the
// pure referral codec, which the API shares. Their one library is golang.org/x/text, for the names of countries and
// languages in English and French.
func TestImports(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", "-json", "github.com/havenhrd/haven/internal/web").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	dec := json.NewDecoder(strings.NewReader(string(out)))
	for dec.More() {
		var p struct {
			ImportPath string
			Standard   bool
		}
		if err := dec.Decode(&p); err != nil {
			t.Fatal(err)
		}
		if !p.Standard && p.ImportPath != "github.com/havenhrd/haven" && p.ImportPath != "github.com/havenhrd/haven/internal/web" &&
			p.ImportPath != "github.com/havenhrd/haven/internal/referral" &&
			!strings.HasPrefix(p.ImportPath, "golang.org/x/text/") {
			t.Errorf("internal/web depends on %s", p.ImportPath)
		}
	}
}
