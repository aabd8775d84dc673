package web_test

import (
	"bytes"
	"encoding/base64"
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

// signedInTwice signs u in on two browsers: the second is the "other
// session" that a change of factors ends.
func (f *fixture) signedInTwice(t *testing.T, u *user) (*browser, *browser) {
	t.Helper()
	b, other := f.browser(t), f.browser(t)
	b.signIn(u)
	other.signIn(u)
	return b, other
}

// stillSignedIn reports whether the browser's session is alive.
func stillSignedIn(b *browser) bool {
	r, _ := b.get("/")
	return r.Request.URL.Path == "/"
}

func TestAccountAddsTOTP(t *testing.T) {
	f := newFixture(t, false)
	u := f.users[haven.OrgVisaOffice]
	b, other := f.signedInTwice(t, u)
	_, body := b.get("/account")
	wantIn(t, "the account page", body, "Your sign-in", "signs you out of Haven everywhere else", `href="/account/totp"`,
		`href="/account/recovery-codes"`, "Set up on 2026-05-04.", "Recovery codes not used yet: 10.",
		"You have one passkey or authenticator app only, so it cannot be removed.")
	if strings.Contains(body, `href="/account/remove`) {
		t.Fatal("the account page offers to remove the only second factor")
	}
	_, body = b.get("/account/totp")
	wantIn(t, "the authenticator page", body, "Your other sessions end", `type="password"`, `action="/account/totp"`)

	// A wrong passphrase: beside its field, nothing else happens.
	r, body := b.post("/account/totp", url.Values{"password": {"not my passphrase at all, no"}})
	if r.StatusCode != http.StatusUnauthorized || !strings.HasPrefix(title(body), "Error: ") {
		t.Fatalf("a wrong passphrase: %d %q", r.StatusCode, title(body))
	}
	wantIn(t, "a wrong passphrase", body, `<a href="#password">The passphrase is not right</a>`, `id="password-error"`)
	if strings.Contains(body, "not my passphrase") {
		t.Fatal("the passphrase typed was sent back")
	}
	r, body = b.post("/account/totp", url.Values{"password": {""}})
	if r.StatusCode != http.StatusBadRequest || !strings.Contains(body, `<a href="#password">Enter your passphrase</a>`) {
		t.Fatalf("no passphrase: %d\n%s", r.StatusCode, body)
	}
	if !stillSignedIn(b) || !stillSignedIn(other) {
		t.Fatal("a refused change ended a session")
	}

	// The right passphrase: a new secret, confirmed with its code.
	b.get("/account/totp")
	_, body = b.post("/account/totp", url.Values{"password": {password}})
	secret := strings.ReplaceAll(codeText(body, "totp-secret"), " ", "")
	if secret == "" || !strings.Contains(body, "otpauth://totp/") || !strings.Contains(body, "your other sessions end") {
		t.Fatalf("no new secret shown:\n%s", body)
	}
	hidden := formIn(t, body, "/account/totp/confirm")
	wrong := url.Values{"code": {"000000"}}
	for k, v := range hidden {
		wrong[k] = v
	}
	r, body = b.post("/account/totp/confirm", wrong)
	if r.StatusCode == 200 || !strings.Contains(body, `id="code-error"`) || !strings.Contains(body, codeText(body, "totp-secret")) {
		t.Fatalf("a wrong code: %d\n%s", r.StatusCode, body)
	}
	hidden.Set("code", f.code(secret))
	r, body = b.post("/account/totp/confirm", hidden)
	if r.Request.URL.Path != "/account" || !strings.Contains(body, "Your authenticator app is set up. Your other sessions have ended.") {
		t.Fatalf("confirming ended at %s:\n%s", r.Request.URL, body)
	}
	if !stillSignedIn(b) {
		t.Fatal("the change ended its own session")
	}
	// The step is spent: the same confirmation again starts over.
	hidden.Set("code", f.code(secret))
	if r, body = b.post("/account/totp/confirm", hidden); r.StatusCode != http.StatusBadRequest || !strings.Contains(body, "This step has expired.") {
		t.Fatalf("a spent step: %d\n%s", r.StatusCode, body)
	}
	if stillSignedIn(other) {
		t.Fatal("the other session survived the change")
	}
	// The new app signs in; the old one no longer does.
	f.browser(t).signIn(&user{name: u.name, secret: secret})
	ob := f.browser(t)
	ob.get("/signin")
	ob.post("/signin", url.Values{"username": {u.name}, "password": {password}})
	if r, _ := ob.post("/signin/totp", url.Values{"code": {f.code(u.secret)}}); r.Request.URL.Path == "/" {
		t.Fatal("the replaced authenticator still signs in")
	}
}

func TestAccountKeepsLastFactor(t *testing.T) {
	f := newFixture(t, false)
	u := f.users[haven.OrgReferralPartner]
	b, other := f.signedInTwice(t, u)
	_, body := b.get("/account/remove?factor=totp")
	wantIn(t, "the removal page", body, "Remove your authenticator app", "if this is your last, nothing is removed",
		"Your other sessions end", `name="factor" value="totp"`)
	r, body := b.post("/account/remove", url.Values{"factor": {"totp"}, "password": {"a wrong passphrase, twice over"}})
	if r.StatusCode != http.StatusUnauthorized || !strings.Contains(body, `<a href="#password">The passphrase is not right</a>`) {
		t.Fatalf("a wrong passphrase: %d\n%s", r.StatusCode, body)
	}
	r, body = b.post("/account/remove", url.Values{"factor": {"totp"}, "password": {password}})
	if r.StatusCode != http.StatusConflict || !strings.HasPrefix(title(body), "Error: ") ||
		!strings.Contains(body, "This is your last second factor, so it stays.") {
		t.Fatalf("removing the last factor: %d\n%s", r.StatusCode, body)
	}
	if !stillSignedIn(other) {
		t.Fatal("a refused removal ended the other session")
	}
	f.browser(t).signIn(u) // the authenticator still signs in
	// The account's GET pages change nothing: the other session lives on.
	for _, p := range []string{"/account", "/account/totp", "/account/passkey", "/account/remove?factor=totp", "/account/recovery-codes",
		"/account/totp/confirm", "/account/passkey/finish"} {
		b.get(p)
	}
	if !stillSignedIn(other) {
		t.Fatal("a GET ended the other session")
	}
	if r, _ := b.get("/account/remove?factor=sms"); r.StatusCode != http.StatusNotFound {
		t.Fatalf("an unknown factor: %d", r.StatusCode)
	}
}

func TestAccountRenewsRecoveryCodes(t *testing.T) {
	f := newFixture(t, false)
	u := f.users[haven.OrgSettlementOrganisation]
	b, other := f.signedInTwice(t, u)
	_, body := b.get("/account/recovery-codes")
	wantIn(t, "the recovery page", body, "Your current recovery codes stop working at once", "Your other sessions end")
	r, body := b.post("/account/recovery-codes", url.Values{"password": {"wrong wrong wrong wrong wrong"}})
	if r.StatusCode != http.StatusUnauthorized || strings.Contains(body, `id="recovery-codes"`) {
		t.Fatalf("a wrong passphrase: %d\n%s", r.StatusCode, body)
	}
	r, body = b.post("/account/recovery-codes", url.Values{"password": {password}})
	codes := regexp.MustCompile(`<li><code>([^<]+)</code></li>`).FindAllStringSubmatch(body, -1)
	if r.StatusCode != 200 || len(codes) != 10 || !strings.Contains(body, "This is the only time these codes are shown.") {
		t.Fatalf("new codes: %d, %d codes\n%s", r.StatusCode, len(codes), body)
	}
	if _, again := b.get("/account/recovery-codes"); strings.Contains(again, codes[0][1]) {
		t.Fatal("a reload shows the codes again")
	}
	if stillSignedIn(other) {
		t.Fatal("the other session survived new codes")
	}
	// An old code no longer signs in; a new one does.
	rb := f.browser(t)
	rb.get("/signin")
	rb.post("/signin", url.Values{"username": {u.name}, "password": {password}})
	if r, _ := rb.post("/signin/recovery", url.Values{"recovery_code": {u.codes[1]}}); r.Request.URL.Path == "/" {
		t.Fatal("an old recovery code still signs in")
	}
	rb.post("/signin", url.Values{"username": {u.name}, "password": {password}})
	if r, _ := rb.post("/signin/recovery", url.Values{"recovery_code": {codes[0][1]}}); r.Request.URL.Path != "/" {
		t.Fatalf("a new recovery code: ended at %s", r.Request.URL)
	}
}

func TestAccountPasskey(t *testing.T) {
	f := newFixture(t, false)
	u := f.users[haven.OrgVisaOffice]
	b, other := f.signedInTwice(t, u)
	// The pages offer a passkey when the site's passkey.js can make one.
	_, js := b.get("/static/passkey.js")
	registers := strings.Contains(js, "navigator.credentials.create")
	_, body := b.get("/account")
	if strings.Contains(body, `href="/account/passkey"`) != registers {
		t.Fatalf("the account page offers a passkey: %v, passkey.js registers: %v", !registers, registers)
	}
	b.get("/account/passkey")
	r, body := b.post("/account/passkey", url.Values{"name": {"Work laptop"}, "password": {"no no no no no no no no"}})
	if r.StatusCode != http.StatusUnauthorized || !strings.Contains(body, `value="Work laptop"`) {
		t.Fatalf("a wrong passphrase: %d\n%s", r.StatusCode, body)
	}
	_, body = b.post("/account/passkey", url.Values{"name": {"Work laptop"}, "password": {password}})
	m := regexp.MustCompile(`data-options="([^"]+)"`).FindStringSubmatch(body)
	if m == nil || !strings.Contains(body, `id="passkey-form"`) || !strings.Contains(body, `data-ceremony="create"`) {
		t.Fatalf("the passkey page:\n%s", body)
	}
	if strings.Contains(body, "/static/passkey.js") != registers {
		t.Fatal("the passkey page loads passkey.js although it cannot make a passkey")
	}
	// What the script does: ask the authenticator, post its answer as JSON.
	key := authtest.New()
	answer := must(key.Create([]byte(html.UnescapeString(m[1])), authtest.Options{Origin: origin}))
	form := formIn(t, body, "/account/passkey/finish")
	form.Set("credential", string(answer))
	r, body = b.post("/account/passkey/finish", form)
	if r.Request.URL.Path != "/account" || !strings.Contains(body, "Your passkey is added.") {
		t.Fatalf("adding the passkey ended at %s:\n%s", r.Request.URL, body)
	}
	if stillSignedIn(other) {
		t.Fatal("the other session survived the new passkey")
	}
	// A passkey the account does not have: said so.
	r, body = b.post("/account/remove", url.Values{"factor": {"passkey"}, "passkey": {"AAAA"}, "password": {password}})
	if r.StatusCode != http.StatusNotFound || !strings.Contains(body, "Your account has no such passkey") {
		t.Fatalf("removing an unknown passkey: %d\n%s", r.StatusCode, body)
	}
	// Two factors now: the authenticator may go; then the passkey is the last.
	r, body = b.post("/account/remove", url.Values{"factor": {"totp"}, "password": {password}})
	if r.Request.URL.Path != "/account" || !strings.Contains(body, "The factor is removed.") {
		t.Fatalf("removing the authenticator ended at %s:\n%s", r.Request.URL, body)
	}
	id := base64.RawURLEncoding.EncodeToString(key.Credentials()[0].ID)
	_, body = b.get("/account/remove?factor=passkey&passkey=" + id)
	wantIn(t, "the passkey removal page", body, "Remove a passkey", `name="passkey" value="`+id+`"`)
	r, body = b.post("/account/remove", withValue(formIn(t, body, "/account/remove"), "password", password))
	if r.StatusCode != http.StatusConflict || !strings.Contains(body, "This is your last second factor") {
		t.Fatalf("removing the last passkey: %d\n%s", r.StatusCode, body)
	}
	// The passkey signs in.
	pb := f.browser(t)
	pb.get("/signin")
	pb.post("/signin", url.Values{"username": {u.name}, "password": {password}})
	_, body = pb.post("/signin/passkey", nil)
	m = regexp.MustCompile(`data-options="([^"]+)"`).FindStringSubmatch(body)
	assertion := must(key.Get([]byte(html.UnescapeString(m[1])), authtest.Options{Origin: origin}))
	if r, _ := pb.post("/signin/passkey/finish", url.Values{"credential": {string(assertion)}}); r.Request.URL.Path != "/" {
		t.Fatalf("the new passkey does not sign in: %s", r.Request.URL)
	}
	// A registration without JavaScript is an empty answer: said plainly.
	b.get("/account/passkey")
	b.post("/account/passkey", url.Values{"name": {"Phone"}, "password": {password}})
	r, body = b.post("/account/passkey/finish", url.Values{"credential": {""}, "name": {"Phone"}})
	if r.StatusCode != http.StatusBadRequest || !strings.Contains(body, "Making a passkey needs JavaScript") {
		t.Fatalf("an empty answer: %d\n%s", r.StatusCode, body)
	}
	if !bytes.Equal(key.Credentials()[0].ID, must(base64.RawURLEncoding.DecodeString(id))) {
		t.Fatal("the authenticator changed")
	}
}

func TestAccountFrench(t *testing.T) {
	f := newFixture(t, false)
	u := f.users[haven.OrgMedicalPartner]
	t.Parallel() // the fixture is made; the slow checks run beside others
	b := f.browser(t)
	b.get("/signin?lang=fr")
	b.signIn(u)
	pages := map[string]string{}
	for _, p := range []string{"/account", "/account/totp", "/account/passkey", "/account/remove?factor=totp", "/account/recovery-codes",
		"/account/remove?factor=passkey&passkey=AAAA"} {
		_, pages[p] = b.get(p)
	}
	_, pages["wrong passphrase"] = b.post("/account/totp", url.Values{"password": {"pas la bonne phrase de passe"}})
	_, pages["no passphrase"] = b.post("/account/recovery-codes", url.Values{"password": {""}})
	_, pages["last factor"] = b.post("/account/remove", url.Values{"factor": {"totp"}, "password": {password}})
	_, body := b.post("/account/totp", url.Values{"password": {password}})
	pages["new secret"] = body
	_, pages["wrong code"] = b.post("/account/totp/confirm", withValue(formIn(t, body, "/account/totp/confirm"), "code", "12"))
	_, pages["passkey page"] = b.post("/account/passkey", url.Values{"name": {"Portable"}, "password": {password}})
	_, pages["passkey empty"] = b.post("/account/passkey/finish", url.Values{"credential": {""}})
	_, pages["codes"] = b.post("/account/recovery-codes", url.Values{"password": {password}})
	for name, page := range pages {
		if !strings.Contains(page, `<html lang="fr">`) {
			t.Errorf("%s is not in French", name)
			continue
		}
		if en := englishIn(page); len(en) > 0 {
			t.Errorf("%s shows English: %v", name, en)
		}
	}
	if !strings.Contains(html.UnescapeString(pages["last factor"]), "C'est votre dernier second facteur") {
		t.Errorf("the last factor in French:\n%s", pages["last factor"])
	}
}

// withValue sets k to v in form and returns it.
func withValue(form url.Values, k, v string) url.Values {
	form.Set(k, v)
	return form
}

// addPasskey adds a passkey named name through the pages, as passkey.js
// would, and returns the authenticator that holds it.
func addPasskey(t *testing.T, b *browser, name string) *authtest.Authenticator {
	t.Helper()
	b.get("/account/passkey")
	_, body := b.post("/account/passkey", url.Values{"name": {name}, "password": {password}})
	m := regexp.MustCompile(`data-options="([^"]+)"`).FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("the passkey page:\n%s", body)
	}
	key := authtest.New()
	answer := must(key.Create([]byte(html.UnescapeString(m[1])), authtest.Options{Origin: origin}))
	form := formIn(t, body, "/account/passkey/finish")
	form.Set("credential", string(answer))
	if r, body := b.post("/account/passkey/finish", form); r.Request.URL.Path != "/account" {
		t.Fatalf("adding the passkey ended at %s:\n%s", r.Request.URL, body)
	}
	return key
}

// TestAccountListsFactors: "Your sign-in" lists the user's own passkeys by
// name, with their dates and a link to remove each; the state of the
// authenticator app and the recovery codes left; and a passkey is removed
// from its row, end to end.
func TestAccountListsFactors(t *testing.T) {
	f := newFixture(t, false)
	u := f.users[haven.OrgVisaOffice]
	b := f.browser(t)
	b.signIn(u)
	laptop := addPasskey(t, b, "Work laptop")
	f.clock.Add(time.Minute) // oldest first
	phone := addPasskey(t, b, "Phone")
	// Another user's passkey never shows.
	o := f.browser(t)
	o.signIn(f.users[haven.OrgSettlementOrganisation])
	addPasskey(t, o, "Someone else's key")

	// A recovery code used and the laptop's passkey used to sign in.
	rb := f.browser(t)
	rb.get("/signin")
	rb.post("/signin", url.Values{"username": {u.name}, "password": {password}})
	if r, _ := rb.post("/signin/recovery", url.Values{"recovery_code": {u.codes[0]}}); r.Request.URL.Path != "/" {
		t.Fatalf("a recovery code: ended at %s", r.Request.URL)
	}
	pb := f.browser(t)
	pb.get("/signin")
	pb.post("/signin", url.Values{"username": {u.name}, "password": {password}})
	_, body := pb.post("/signin/passkey", nil)
	m := regexp.MustCompile(`data-options="([^"]+)"`).FindStringSubmatch(body)
	f.clock.Add(time.Minute)
	usedAt := f.clock.Now().UTC().Format("2006-01-02 15:04 UTC")
	assertion := must(laptop.Get([]byte(html.UnescapeString(m[1])), authtest.Options{Origin: origin}))
	if r, _ := pb.post("/signin/passkey/finish", url.Values{"credential": {string(assertion)}}); r.Request.URL.Path != "/" {
		t.Fatalf("the passkey does not sign in: %s", r.Request.URL)
	}

	laptopID := base64.RawURLEncoding.EncodeToString(laptop.Credentials()[0].ID)
	phoneID := base64.RawURLEncoding.EncodeToString(phone.Credentials()[0].ID)
	_, body = pb.get("/account")
	rows := regexp.MustCompile(`(?s)<tr><th scope="row">([^<]*)</th><td class="date">([^<]*)</td><td class="date">([^<]*)</td><td><a href="([^"]*)"`).FindAllStringSubmatch(body, -1)
	if len(rows) != 2 {
		t.Fatalf("%d passkey rows:\n%s", len(rows), body)
	}
	want := [][]string{
		{"Work laptop", "2026-05-04", usedAt, "/account/remove?factor=passkey&amp;passkey=" + laptopID},
		{"Phone", "2026-05-04", "Not used yet", "/account/remove?factor=passkey&amp;passkey=" + phoneID},
	}
	for i, w := range want {
		if !slices.Equal(rows[i][1:], w) {
			t.Errorf("row %d = %q, want %q", i, rows[i][1:], w)
		}
	}
	wantIn(t, "the account page", body, `aria-label="Remove the passkey Work laptop"`, "Set up on 2026-05-04.",
		`href="/account/remove?factor=totp"`, "Recovery codes not used yet: 9.")
	for _, leak := range []string{"Someone else", u.secret, u.codes[1]} {
		if strings.Contains(body, leak) {
			t.Fatalf("the account page shows %q", leak)
		}
	}

	// The row's link: a confirmation page that names the passkey.
	r, body := pb.get(html.UnescapeString(rows[0][4]))
	if r.StatusCode != 200 {
		t.Fatalf("the removal page: %d", r.StatusCode)
	}
	wantIn(t, "the removal page", body, "Remove a passkey", "<dd>Work laptop</dd>", "<dd>"+usedAt+"</dd>", `name="passkey" value="`+laptopID+`"`)
	form := formIn(t, body, "/account/remove")
	r, body = pb.post("/account/remove", withValue(form, "password", ""))
	if r.StatusCode != http.StatusBadRequest || !strings.Contains(body, `<a href="#password">Enter your passphrase</a>`) ||
		!strings.Contains(body, "<dd>Work laptop</dd>") {
		t.Fatalf("no passphrase: %d\n%s", r.StatusCode, body)
	}
	r, body = pb.post("/account/remove", withValue(form, "password", password))
	if r.Request.URL.Path != "/account" || !strings.Contains(body, "The factor is removed.") {
		t.Fatalf("the removal ended at %s:\n%s", r.Request.URL, body)
	}
	if strings.Contains(body, "Work laptop") || strings.Contains(body, laptopID) || !strings.Contains(body, phoneID) {
		t.Fatalf("the account page after the removal:\n%s", body)
	}
	// The link again: the passkey is gone, said so, with no form.
	r, body = pb.get(html.UnescapeString(rows[0][4]))
	if r.StatusCode != http.StatusNotFound || !strings.Contains(body, "Your account has no such passkey") || strings.Contains(body, `action="/account/remove"`) {
		t.Fatalf("a removed passkey's link: %d\n%s", r.StatusCode, body)
	}
	// Down to the phone's passkey and the app: both may still go; the app
	// goes, and the last passkey is offered for removal no more.
	pb.get("/account/remove?factor=totp")
	if r, _ := pb.post("/account/remove", url.Values{"factor": {"totp"}, "password": {password}}); r.Request.URL.Path != "/account" {
		t.Fatalf("removing the app ended at %s", r.Request.URL)
	}
	_, body = pb.get("/account")
	wantIn(t, "the account page with one passkey", body, `<th scope="row">Phone</th>`,
		"You have no authenticator app set up.", "You have one passkey or authenticator app only")
	if strings.Contains(body, `href="/account/remove`) {
		t.Fatal("the last passkey is offered for removal")
	}

	// In French, the same list.
	pb.get("/account?lang=fr")
	_, body = pb.get("/account")
	wantIn(t, "the French account page", body, "Vos clés d&#39;accès", "Pas encore utilisée",
		"Vous n&#39;avez configuré aucune application d&#39;authentification.", "Codes de récupération encore inutilisés : 9.")
	if en := englishIn(body); len(en) > 0 {
		t.Errorf("the French account page shows English: %v", en)
	}
}
