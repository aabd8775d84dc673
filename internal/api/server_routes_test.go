package api_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/havenhrd/haven"
	"github.com/pquerna/otp/totp"
)

// TestServerRoutesAnswerTheDocument walks the routes the server serves
// under /api/v1 (sign-in, who is signed in, sign-out), and routes that do
// not exist, to success and to every refusal the tests can provoke: the
// fixture holds each response to the document when the test ends.
func TestServerRoutesAnswerTheDocument(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	const password = "seven lanterns over the Red River at dusk"
	admin := haven.Actor{UserID: must(f.app.Accounts.AuthenticateToken(ctx, f.tokens[haven.OrgProgrammeAdmin])).UserID}
	u := &haven.User{OrgID: f.orgs[haven.OrgReferralPartner].ID, Role: haven.RoleCaseworker, Username: "karin", DisplayName: "Karin"}
	enrol := must(f.app.Programme.CreateUser(ctx, admin, u))
	step := must(f.app.Accounts.Enrol(ctx, enrol, password))
	secret, _, next, err := f.app.Accounts.EnrolTOTPBegin(ctx, step.ID)
	if err != nil {
		t.Fatal(err)
	}
	must(f.app.Accounts.EnrolTOTPFinish(ctx, next.ID, must(totp.GenerateCode(secret, f.clock.Now()))))
	f.clock.Add(31 * time.Second)

	same := []string{"Sec-Fetch-Site", "same-origin", "Origin", origin}
	post := func(path string, body any, want int, hdr ...string) response {
		t.Helper()
		r := f.call(t, "", "POST", path, body, append(append([]string{}, same...), hdr...)...)
		if r.status != want {
			t.Fatalf("POST %s: %d, want %d\n%s", path, r.status, want, r.body)
		}
		return r
	}
	// Success: password, code, who is signed in, sign-out.
	st := post("/api/v1/signin", map[string]string{"username": "karin", "password": password}, 200).json(t)
	r := post("/api/v1/signin/totp", map[string]string{"step": str(st["step"]), "code": must(totp.GenerateCode(secret, f.clock.Now()))}, 200)
	f.clock.Add(31 * time.Second)
	var cookie string
	for _, c := range (&http.Response{Header: r.header}).Cookies() {
		if strings.HasPrefix(c.Name, "__Host-haven_session") {
			cookie = c.Name + "=" + c.Value
		}
	}
	if cookie == "" {
		t.Fatal("no session cookie")
	}
	if r := f.call(t, "", "GET", "/api/v1/me", nil, "Cookie", cookie); r.status != 200 {
		t.Fatalf("me: %d %s", r.status, r.body)
	}
	if r := f.call(t, haven.OrgVisaOffice, "GET", "/api/v1/me", nil); r.status != 200 {
		t.Fatalf("me by token: %d %s", r.status, r.body)
	}

	// Refusals of every layer.
	post("/api/v1/signin", map[string]string{"username": "karin", "password": "a wrong but long password"}, 401)
	post("/api/v1/signin", map[string]any{"username": "karin", "password": password, "admin": true}, 400)
	post("/api/v1/signin", `{"username":"karin","username":"karin","password":"x"}`, 400)
	post("/api/v1/signin", `{"username":`, 400)
	post("/api/v1/signin", `{"username":"`+strings.Repeat("a", 70<<10)+`"}`, 413)
	post("/api/v1/signin", `{"username":"karin"}`, 415, "Content-Type", "text/plain")
	post("/api/v1/signin/totp", map[string]string{"step": "hs_bogus", "code": "123456"}, 401)
	post("/api/v1/signin/recovery", map[string]string{"step": "hs_bogus", "code": "abcd-efgh"}, 401)
	// A wrong code: 401 with the step of another try, which the right code
	// then completes.
	st = post("/api/v1/signin", map[string]string{"username": "karin", "password": password}, 200).json(t)
	retry, _ := post("/api/v1/signin/totp", map[string]string{"step": str(st["step"]), "code": "000000"}, 401).json(t)["retry"].(map[string]any)
	if retry == nil {
		t.Fatal("a wrong code's refusal has no retry step")
	}
	post("/api/v1/signin/totp", map[string]string{"step": str(retry["step"]), "code": must(totp.GenerateCode(secret, f.clock.Now()))}, 200)
	f.clock.Add(31 * time.Second)
	// The fixture's Haven has no passkey relying party: 503.
	post("/api/v1/signin/passkey/begin", map[string]string{"step": "hs_bogus"}, 503)
	post("/api/v1/signin/passkey/finish", `{}`, 503, "X-Haven-Step", "hs_bogus")
	post("/api/v1/signin/passkey/finish", strings.Repeat(" ", 70<<10), 413, "X-Haven-Step", "hs_bogus")
	if r := f.call(t, "", "POST", "/api/v1/signin", map[string]string{"username": "karin", "password": password},
		"Sec-Fetch-Site", "cross-site", "Origin", "https://evil.example"); r.status != 403 {
		t.Fatalf("a cross-site sign-in: %d %s", r.status, r.body)
	}
	if r := f.call(t, "", "GET", "/api/v1/me", nil); r.status != 401 {
		t.Fatalf("me without credentials: %d", r.status)
	}
	if r := f.call(t, "", "GET", "/api/v1/me", nil, "Authorization", "Bearer ht_forged"); r.status != 401 {
		t.Fatalf("me with a forged token: %d", r.status)
	}
	if r := f.call(t, "", "POST", "/api/v1/signout", `{}`, "Cookie", cookie, "Sec-Fetch-Site", "cross-site"); r.status != 403 {
		t.Fatalf("a cross-site sign-out: %d", r.status)
	}
	for _, x := range []struct{ method, path string }{
		{"GET", "/api/v1/nothing"}, {"GET", "/api/v2/cases"}, {"GET", "/api/v1/signin"}, {"DELETE", "/api/v1/cases"}, {"PUT", "/api/v1/me"},
	} {
		if r := f.call(t, haven.OrgVisaOffice, x.method, x.path, nil); r.status != 404 && r.status != 405 {
			t.Fatalf("%s %s: %d", x.method, x.path, r.status)
		}
	}
	// Wrong passwords, until the limit answers.
	limited := false
	for range 30 {
		r := f.call(t, "", "POST", "/api/v1/signin", map[string]string{"username": "karin", "password": "another wrong long password"}, same...)
		if r.status == 429 {
			limited = true
			break
		}
	}
	if !limited {
		t.Fatal("30 wrong passwords, and no 429")
	}
	post("/api/v1/signout", `{}`, 204, "Cookie", cookie)
}
