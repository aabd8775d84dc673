package web_test

import (
	"bytes"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/havenhrd/haven"
	"github.com/havenhrd/haven/internal/auth/authtest"
)

func TestSignInThroughTheForms(t *testing.T) {
	f := newFixture(t, false)
	b := f.browser(t)
	// A page behind sign-in sends a stranger to the sign-in form.
	r, _ := b.get("/cases")
	if r.Request.URL.Path != "/signin" {
		t.Fatalf("GET /cases without a session ended at %s", r.Request.URL)
	}
	home := b.signIn(f.users[haven.OrgVisaOffice])
	if !strings.Contains(home, "IRCC Nairobi") || !strings.Contains(home, `action="/signout"`) || !strings.Contains(home, `href="/cases"`) {
		t.Fatalf("home page of the visa office:\n%s", home)
	}
	// Signing out needs the POST button; the session then ends.
	r, body := b.post("/signout", nil)
	if r.Request.URL.Path != "/signin" || !strings.Contains(body, "You have signed out.") {
		t.Fatalf("sign-out ended at %s:\n%s", r.Request.URL, body)
	}
	if r, _ := b.get("/"); r.Request.URL.Path != "/signin" {
		t.Fatalf("the session survived sign-out: %s", r.Request.URL)
	}
}

func TestSessionCookie(t *testing.T) {
	f := newFixture(t, false)
	b := f.browser(t)
	u := f.users[haven.OrgVisaOffice]
	b.get("/signin")
	b.post("/signin", url.Values{"username": {u.name}, "password": {password}})
	nr := b.noRedirects()
	r, _ := nr.post("/signin/totp", url.Values{"code": {f.code(u.secret)}})
	if r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != "/" {
		t.Fatalf("second factor: %d %s", r.StatusCode, r.Header.Get("Location"))
	}
	var found bool
	for _, c := range r.Cookies() {
		if c.Name == "__Host-haven_session" && c.Value != "" {
			found = true
			if !c.Secure || !c.HttpOnly || c.SameSite != http.SameSiteStrictMode || c.Path != "/" || c.Domain != "" {
				t.Fatalf("session cookie %+v", c)
			}
		}
	}
	if !found {
		t.Fatalf("no session cookie in %v", r.Header["Set-Cookie"])
	}
}

func TestSignInErrors(t *testing.T) {
	f := newFixture(t, false)
	b := f.browser(t)
	u := f.users[haven.OrgVisaOffice]
	b.get("/signin")
	// Nothing typed: both fields named in the summary, linked to the fields.
	r, body := b.post("/signin", url.Values{"username": {""}, "password": {""}})
	if r.StatusCode != http.StatusBadRequest || !strings.HasPrefix(title(body), "Error: ") ||
		!strings.Contains(body, `<a href="#username">Enter your username</a>`) || !strings.Contains(body, `<a href="#password">Enter your passphrase</a>`) {
		t.Fatalf("empty sign-in: %d %q\n%s", r.StatusCode, title(body), body)
	}
	// A wrong password: one message, at the password, the username kept,
	// the password not. An unknown username gets the very same message at
	// the same place: the page tells nothing of whether it exists.
	r, body = b.post("/signin", url.Values{"username": {u.name}, "password": {"not the right passphrase at all"}})
	if r.StatusCode != http.StatusUnauthorized || !strings.Contains(body, `<a href="#password">The username or passphrase is not right</a>`) ||
		!strings.Contains(body, `id="password-error"`) || strings.Contains(body, `id="username-error"`) {
		t.Fatalf("wrong password: %d\n%s", r.StatusCode, body)
	}
	wrongPassword := mainOf(body)
	r, body = b.post("/signin", url.Values{"username": {"nobody-by-this-name"}, "password": {"not the right passphrase at all"}})
	if got := strings.ReplaceAll(mainOf(body), "nobody-by-this-name", u.name); r.StatusCode != http.StatusUnauthorized || got != wrongPassword {
		t.Fatalf("an unknown username is answered otherwise than a wrong password: %d\n%s\n---\n%s", r.StatusCode, got, wrongPassword)
	}
	r, body = b.post("/signin", url.Values{"username": {u.name}, "password": {"not the right passphrase at all"}})
	if v, _ := value(body, "username"); v != u.name {
		t.Fatalf("the username typed was not kept: %q", v)
	}
	if strings.Contains(body, "not the right passphrase") {
		t.Fatal("the password typed was sent back to the browser")
	}
	// A wrong code keeps the user at the second factor, the problem
	// beside the code; the right code then signs in.
	b.post("/signin", url.Values{"username": {u.name}, "password": {password}})
	r, body = b.post("/signin/totp", url.Values{"code": {"000000"}})
	if r.StatusCode != http.StatusUnauthorized || !strings.Contains(title(body), "Confirm it is you") || strings.Contains(body, `name="password"`) ||
		!slices.Contains(errorLinks(body), "code") || !strings.Contains(body, `id="code-error"`) {
		t.Fatalf("wrong code: %d %q %v\n%s", r.StatusCode, title(body), errorLinks(body), body)
	}
	r, _ = b.post("/signin/totp", url.Values{"code": {f.code(u.secret)}})
	if r.Request.URL.Path != "/" {
		t.Fatalf("the right code after a wrong one: ended at %s", r.Request.URL)
	}
	b.post("/signout", nil)
	f.clock.Add(31 * time.Second) // the code's time step is spent
	// A recovery code signs in, once.
	b.post("/signin", url.Values{"username": {u.name}, "password": {password}})
	r, _ = b.post("/signin/recovery", url.Values{"recovery_code": {u.codes[0]}})
	if r.Request.URL.Path != "/" {
		t.Fatalf("recovery code: ended at %s", r.Request.URL)
	}
	// At the account's limit (five failures), a wrong code sends the user
	// back to the start, told to wait; so does the password then.
	s := f.users[haven.OrgSettlementOrganisation]
	lb := f.browser(t)
	lb.get("/signin")
	lb.post("/signin", url.Values{"username": {s.name}, "password": {password}})
	for i := range 4 {
		if r, body := lb.post("/signin/totp", url.Values{"code": {"000000"}}); !strings.Contains(title(body), "Confirm it is you") {
			t.Fatalf("wrong code %d: %d %q", i+1, r.StatusCode, title(body))
		}
	}
	r, body = lb.post("/signin/totp", url.Values{"code": {"000000"}})
	if r.StatusCode != http.StatusTooManyRequests || !strings.Contains(body, `name="password"`) || !strings.Contains(text(body), "Too many") {
		t.Fatalf("the fifth wrong code: %d %q\n%s", r.StatusCode, title(body), text(body))
	}
	if r, _ := lb.post("/signin/totp", url.Values{"code": {f.code(s.secret)}}); r.Request.URL.Path != "/signin" {
		t.Fatalf("a code after the limit: ended at %s", r.Request.URL)
	}
	// Refused attempts left log lines, none with what was typed.
	logs := f.logs.String()
	if !strings.Contains(logs, "request refused") || strings.Contains(logs, "not the right passphrase") || strings.Contains(logs, u.codes[0]) {
		t.Fatalf("logs: %s", logs)
	}
}

func TestEnrolmentThroughTheForms(t *testing.T) {
	f := newFixture(t, false)
	_, enrol := f.newUser(t, f.orgs[haven.OrgSettlementOrganisation], "nadia")
	b := f.browser(t)
	r, body := b.get("/enrol?secret=" + url.QueryEscape(enrol))
	if r.StatusCode != 200 || !strings.Contains(body, `name="secret" value="`+enrol+`"`) {
		t.Fatalf("enrolment page: %d\n%s", r.StatusCode, body)
	}
	// Two different passphrases; then one the policy refuses.
	r, body = b.post("/enrol", url.Values{"secret": {enrol}, "password": {password}, "password_confirm": {password + "x"}})
	if r.StatusCode != http.StatusBadRequest || !strings.Contains(body, `<a href="#password_confirm">The two passphrases are not the same</a>`) {
		t.Fatalf("mismatch: %d\n%s", r.StatusCode, body)
	}
	r, body = b.post("/enrol", url.Values{"secret": {enrol}, "password": {"too short"}, "password_confirm": {"too short"}})
	if r.StatusCode != http.StatusBadRequest || !strings.Contains(body, `<a href="#password">Use a longer passphrase`) {
		t.Fatalf("short passphrase: %d\n%s", r.StatusCode, body)
	}
	// A passphrase too short and not confirmed: both said in one pass,
	// each beside its field; then too short and not the same.
	for confirm, says := range map[string]string{"": `<a href="#password_confirm">Enter the passphrase again, to confirm it</a>`,
		"too short!": `<a href="#password_confirm">The two passphrases are not the same</a>`} {
		r, body = b.post("/enrol", url.Values{"secret": {enrol}, "password": {"too short"}, "password_confirm": {confirm}})
		if links := errorLinks(body); r.StatusCode != http.StatusBadRequest || !slices.Equal(links, []string{"password_confirm", "password"}) ||
			!strings.Contains(body, says) || !strings.Contains(body, `<a href="#password">Use a longer passphrase`) || !strings.Contains(body, `id="password-error"`) {
			t.Fatalf("too short, confirmation %q: %d %v\n%s", confirm, r.StatusCode, links, text(body))
		}
	}
	r, body = b.post("/enrol", url.Values{"secret": {enrol}, "password": {password}, "password_confirm": {password}})
	if r.Request.URL.Path != "/enrol/factor" {
		t.Fatalf("enrolment ended at %s:\n%s", r.Request.URL, body)
	}
	_, body = b.post("/enrol/totp", nil)
	m := regexp.MustCompile(`<code id="totp-secret" class="secret">([^<]+)</code>`).FindStringSubmatch(body)
	if m == nil || !strings.Contains(body, "otpauth://totp/") {
		t.Fatalf("no authenticator secret shown:\n%s", body)
	}
	secret := strings.ReplaceAll(m[1], " ", "")
	// A wrong code: the secret stays on the page, the error beside the field.
	r, body = b.post("/enrol/totp/confirm", url.Values{"code": {"123"}, "totp_secret": {m[1]}, "totp_url": {"otpauth://x"}})
	if r.StatusCode == 200 || !strings.Contains(body, m[1]) || !strings.Contains(body, `id="code-error"`) {
		t.Fatalf("wrong enrolment code: %d\n%s", r.StatusCode, body)
	}
	r, body = b.post("/enrol/totp/confirm", url.Values{"code": {f.code(secret)}, "totp_secret": {m[1]}, "totp_url": {"otpauth://x"}})
	codes := regexp.MustCompile(`<li><code>([^<]+)</code></li>`).FindAllStringSubmatch(body, -1)
	if r.StatusCode != 200 || len(codes) != 10 {
		t.Fatalf("recovery codes: %d, %d codes\n%s", r.StatusCode, len(codes), body)
	}
	// The new account signs in.
	home := f.browser(t).signIn(&user{name: "nadia", secret: secret})
	if !strings.Contains(home, "COSTI Toronto") {
		t.Fatalf("home:\n%s", home)
	}
	// The link is spent.
	b.get("/enrol?secret=" + url.QueryEscape(enrol))
	r, body = b.post("/enrol", url.Values{"secret": {enrol}, "password": {password}, "password_confirm": {password}})
	if r.StatusCode != http.StatusUnauthorized || !strings.Contains(body, "This enrolment link is not valid or has expired.") {
		t.Fatalf("a spent link: %d\n%s", r.StatusCode, body)
	}
}

func TestPasskeySignIn(t *testing.T) {
	f := newFixture(t, false)
	_, enrol := f.newUser(t, f.orgs[haven.OrgVisaOffice], "keisha")
	step := must(f.app.Accounts.Enrol(f.ctx, enrol, password))
	opts, next, err := f.app.Accounts.EnrolPasskeyBegin(f.ctx, step.ID)
	if err != nil {
		t.Fatal(err)
	}
	key := authtest.New()
	resp := must(key.Create(opts, authtest.Options{Origin: origin}))
	if _, err := f.app.Accounts.EnrolPasskeyFinish(f.ctx, next.ID, "Laptop", bytes.NewReader(resp)); err != nil {
		t.Fatal(err)
	}

	passkeyPage := func(b *browser) string {
		b.get("/signin")
		_, body := b.post("/signin", url.Values{"username": {"keisha"}, "password": {password}})
		if !strings.Contains(body, `action="/signin/passkey"`) || strings.Contains(body, `action="/signin/totp"`) {
			t.Fatalf("factor page of a passkey user:\n%s", body)
		}
		_, body = b.post("/signin/passkey", nil)
		if !strings.Contains(body, `src="/static/passkey.js?v=`) {
			t.Fatalf("passkey page loads no script:\n%s", body)
		}
		return body
	}
	b := f.browser(t)
	body := passkeyPage(b)
	m := regexp.MustCompile(`data-options="([^"]+)"`).FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no options on the passkey page:\n%s", body)
	}
	// What passkey.js does: ask the authenticator, post its answer as JSON.
	answer := must(key.Get([]byte(html.UnescapeString(m[1])), authtest.Options{Origin: origin}))
	r, home := b.post("/signin/passkey/finish", url.Values{"credential": {string(answer)}})
	if r.Request.URL.Path != "/" || !strings.Contains(home, "IRCC Nairobi") {
		t.Fatalf("passkey sign-in ended at %s:\n%s", r.Request.URL, home)
	}
	// Without JavaScript the answer is empty: a clear message, no session.
	b2 := f.browser(t)
	passkeyPage(b2)
	r, body = b2.post("/signin/passkey/finish", url.Values{"credential": {""}})
	if r.StatusCode != http.StatusBadRequest || !strings.Contains(body, "Passkeys need JavaScript") {
		t.Fatalf("empty answer: %d\n%s", r.StatusCode, body)
	}
	// The static script is served, versioned and cacheable.
	sr, js := b.get("/static/passkey.js")
	if sr.StatusCode != 200 || !strings.Contains(js, "navigator.credentials.get") || !strings.HasPrefix(sr.Header.Get("Content-Type"), "text/javascript") {
		t.Fatalf("passkey.js: %d %s", sr.StatusCode, sr.Header.Get("Content-Type"))
	}
}

// mainOf is the page's main element: what the page says, without the
// request's reference.
func mainOf(body string) string {
	_, m, _ := strings.Cut(body, "<main")
	m, _, _ = strings.Cut(m, "</main>")
	return m
}
