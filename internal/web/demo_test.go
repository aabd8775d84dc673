package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/havenhrd/haven"
	"github.com/havenhrd/haven/internal/store"
	"github.com/havenhrd/haven/internal/testdb"
	"github.com/pquerna/otp/totp"
)

// markDemo marks s as a demonstration database, as `haven demo` does on a
// fresh one (the fixture's organisations come after).
func markDemo(t *testing.T, s store.Store) store.Store {
	t.Helper()
	if err := s.Update(context.Background(), func(tx store.Tx) error { return tx.SetMeta(context.Background(), "demo", "true") }); err != nil {
		t.Fatal(err)
	}
	return s
}

// toFactor signs u's password in and returns the second-factor page.
func (b *browser) toFactor(u *user, query string) string {
	b.t.Helper()
	b.get("/signin")
	r, _ := b.post("/signin", url.Values{"username": {u.name}, "password": {password}})
	if r.StatusCode != 200 || r.Request.URL.Path != "/signin/factor" {
		b.t.Fatalf("sign-in: %d %s", r.StatusCode, r.Request.URL)
	}
	_, body := b.get("/signin/factor" + query)
	return body
}

// TestDemoShowsTheCode: on a demonstration database the second-factor page
// shows the user's code of the moment, its setup key and a QR code, and the
// code shown signs in; the step is not spent by showing it.
func TestDemoShowsTheCode(t *testing.T) {
	f := newFixtureOn(t, true, markDemo(t, testdb.OpenSQLite(t)))
	u := f.users[haven.OrgVisaOffice]
	b := f.browser(t)
	body := b.toFactor(u, "")
	code, ok := demoCodeOf(body)
	if !ok {
		t.Fatalf("no code on the demo's second-factor page:\n%s", text(body))
	}
	if want := must(totp.GenerateCode(u.secret, f.clock.Now())); code != want {
		t.Errorf("the page shows %q, the app of the moment %q", code, want)
	}
	if !strings.Contains(body, u.secret) {
		t.Error("the demo's page does not show the setup key")
	}
	r, png := b.get("/signin/demo-code.png")
	if r.StatusCode != 200 || r.Header.Get("Content-Type") != "image/png" || !strings.HasPrefix(png, "\x89PNG") {
		t.Fatalf("QR code: %d %s", r.StatusCode, r.Header.Get("Content-Type"))
	}
	r, body = b.post("/signin/totp", url.Values{"code": {code}})
	if r.StatusCode != 200 || r.Request.URL.Path != "/" {
		t.Fatalf("the code shown did not sign in: %d %s\n%s", r.StatusCode, r.Request.URL, text(body))
	}
	// Once it is spent, a sign-in in the same time step is shown the next
	// step's code, which the app accepts too.
	b2 := f.browser(t)
	body = b2.toFactor(u, "")
	next, ok := demoCodeOf(body)
	if !ok || next == code {
		t.Fatalf("after the code was used: %q (was %q)", next, code)
	}
	if r, _ := b2.post("/signin/totp", url.Values{"code": {next}}); r.Request.URL.Path != "/" {
		t.Fatalf("the next code shown did not sign in: %s", r.Request.URL)
	}
}

// TestNoDemoCodeElsewhere: a database not marked as a demonstration never
// shows a code, a setup key or a QR code, whatever the request asks and
// even when the pages were started as a demonstration.
func TestNoDemoCodeElsewhere(t *testing.T) {
	for _, banner := range []bool{false, true} {
		f := newFixture(t, banner)
		u := f.users[haven.OrgVisaOffice]
		for _, q := range []string{"", "?demo=1", "?demo=true&code=1", "?show=code"} {
			b := f.browser(t)
			body := b.toFactor(u, q)
			want := must(totp.GenerateCode(u.secret, f.clock.Now()))
			if strings.Contains(body, "demo-code") || strings.Contains(body, u.secret) || strings.Contains(text(body), want) {
				t.Errorf("pages started as a demo: %v, %q: the page shows a code:\n%s", banner, q, text(body))
			}
			for _, p := range []string{"/signin/demo-code.png", "/signin/demo-code.png" + q} {
				if r, _ := b.get(p); r.StatusCode != http.StatusNotFound || r.Header.Get("Content-Type") == "image/png" {
					t.Errorf("%s: %d %s", p, r.StatusCode, r.Header.Get("Content-Type"))
				}
			}
		}
		if _, err := f.app.Accounts.DemoCode(f.ctx, "any"); haven.ErrorCodeOf(err) != haven.ENOTFOUND {
			t.Errorf("the app gives a code on a database that is no demo: %v", err)
		}
	}
}

// demoCodeOf returns the code the second-factor page shows; ok is false
// when it shows none.
func demoCodeOf(body string) (string, bool) {
	_, after, ok := strings.Cut(body, `id="demo-code-now" class="secret">`)
	if !ok {
		return "", false
	}
	v, _, ok := strings.Cut(after, "<")
	return v, ok
}
