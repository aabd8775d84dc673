package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/havenhrd/haven"
	"github.com/havenhrd/haven/internal/api"
	"github.com/havenhrd/haven/internal/app"
	"github.com/havenhrd/haven/internal/auth"
	"github.com/havenhrd/haven/internal/server"
	"github.com/havenhrd/haven/internal/store"
	"github.com/havenhrd/haven/internal/testdb"
	"github.com/havenhrd/haven/internal/vault"
	"github.com/pquerna/otp/totp"
	"golang.org/x/mod/sumdb/note"
)

const (
	origin   = "https://haven.test"
	password = "seven lanterns over the Red River at dusk"
)

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time      { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Add(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

type fixture struct {
	app    *app.App
	store  store.Store
	srv    *httptest.Server
	clock  *clock
	secret string   // the user's TOTP secret
	codes  []string // the user's recovery codes
	admin  haven.Actor
	user   *haven.User
	logs   *syncBuffer
}

// syncBuffer collects log lines from the server's goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}
func (s *syncBuffer) String() string { s.mu.Lock(); defer s.mu.Unlock(); return s.b.String() }

func must[T any](v T, err error) T {
	if err != nil {
		panic(err) // setup only: a broken fixture
	}
	return v
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	ctx := context.Background()
	keys := must(vault.GenerateKeyring(nil))
	v := must(vault.New(keys))
	sg := must(note.NewSigner(keys.AuditKey))
	cheap := auth.Params{Time: 1, Memory: 64, Threads: 1}
	h := must(auth.NewHasher(auth.HasherConfig{Params: cheap, Floor: cheap}))
	f := &fixture{clock: &clock{t: time.Date(2026, 5, 4, 10, 0, 0, 0, time.UTC)}}
	f.store = testdb.OpenSQLite(t)
	f.app = app.New(app.Config{Store: f.store, Vault: v, AuditSigner: sg, Hasher: h, Clock: f.clock})
	if err := f.app.Programme.Bootstrap(ctx); err != nil {
		t.Fatal(err)
	}
	admOrg := &haven.Organisation{Name: "Programme", Country: "CA"}
	adm := &haven.User{Username: "admin", DisplayName: "Admin"}
	must(f.app.Programme.CreateFirstAdmin(ctx, admOrg, adm))
	f.admin = haven.Actor{UserID: adm.ID}
	org := &haven.Organisation{Kind: haven.OrgReferralPartner, Name: "UNHCR", Country: "CH"}
	if err := f.app.Programme.CreateOrganisation(ctx, f.admin, org); err != nil {
		t.Fatal(err)
	}
	f.user = &haven.User{OrgID: org.ID, Role: haven.RoleCaseworker, Username: "karin", DisplayName: "Karin"}
	enrol := must(f.app.Programme.CreateUser(ctx, f.admin, f.user))
	step := must(f.app.Accounts.Enrol(ctx, enrol, password))
	secret, _, next, err := f.app.Accounts.EnrolTOTPBegin(ctx, step.ID)
	if err != nil {
		t.Fatal(err)
	}
	f.codes = must(f.app.Accounts.EnrolTOTPFinish(ctx, next.ID, f.code(t, secret)))
	f.secret = secret
	f.clock.Add(31 * time.Second)
	f.logs = &syncBuffer{}
	f.srv = httptest.NewServer(must(server.NewServer(slog.New(slog.NewJSONHandler(f.logs, nil)), server.Services{Health: f.app, Clock: f.app, Accounts: f.app.Accounts, Cases: f.app.Cases, Nominations: f.app.Nominations, Programme: f.app.Programme, Notices: f.app.Notices}, server.Config{Origin: origin})))
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fixture) code(t testing.TB, secret string) string {
	return must(totp.GenerateCode(secret, f.clock.Now()))
}

// post sends a same-origin JSON POST, as Haven's own pages do.
func (f *fixture) post(t testing.TB, path string, body any, cookie *http.Cookie, hdr ...string) *http.Response {
	t.Helper()
	b, _ := json.Marshal(body)
	req := must(http.NewRequest("POST", f.srv.URL+path, bytes.NewReader(b)))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	req.Header.Set("Origin", origin)
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	if cookie != nil {
		req.AddCookie(cookie)
	}
	return must(http.DefaultClient.Do(req))
}

func readAll(t testing.TB, r *http.Response) string {
	t.Helper()
	defer r.Body.Close()
	return string(must(io.ReadAll(r.Body)))
}

// signIn signs the user in through HTTP and returns the session cookie.
func (f *fixture) signIn(t testing.TB) *http.Cookie {
	t.Helper()
	r := f.post(t, "/api/v1/signin", map[string]string{"username": "karin", "password": password}, nil)
	if r.StatusCode != 200 {
		t.Fatalf("sign-in: %d %s", r.StatusCode, readAll(t, r))
	}
	var step struct{ Step string }
	json.NewDecoder(r.Body).Decode(&step)
	r.Body.Close()
	r = f.post(t, "/api/v1/signin/totp", map[string]string{"step": step.Step, "code": f.code(t, f.secret)}, nil)
	f.clock.Add(31 * time.Second)
	if r.StatusCode != 200 {
		t.Fatalf("second factor: %d %s", r.StatusCode, readAll(t, r))
	}
	r.Body.Close()
	for _, c := range r.Cookies() {
		if c.Name == server.SessionCookie {
			return c
		}
	}
	t.Fatal("no session cookie")
	return nil
}

func (f *fixture) me(t testing.TB, c *http.Cookie, bearer string) int {
	t.Helper()
	req := must(http.NewRequest("GET", f.srv.URL+"/api/v1/me", nil))
	if c != nil {
		req.AddCookie(c)
	}
	if bearer != "" {
		req.Header.Set("Authorization", "Bearer "+bearer)
	}
	r := must(http.DefaultClient.Do(req))
	r.Body.Close()
	return r.StatusCode
}

// ASVS V6 (authentication): an unknown user is answered exactly as a wrong
// password: same status, same body.
func TestUnknownUserAnsweredLikeWrongPassword(t *testing.T) {
	f := newFixture(t)
	a := f.post(t, "/api/v1/signin", map[string]string{"username": "karin", "password": "a wrong but long password"}, nil)
	b := f.post(t, "/api/v1/signin", map[string]string{"username": "no-such-user", "password": "a wrong but long password"}, nil)
	// The bodies differ only by their request IDs.
	id := regexp.MustCompile(`"request_id":"[^"]*"`)
	ba, bb := id.ReplaceAllString(readAll(t, a), ""), id.ReplaceAllString(readAll(t, b), "")
	if a.StatusCode != http.StatusUnauthorized || a.StatusCode != b.StatusCode || ba != bb {
		t.Fatalf("wrong password: %d %s\nunknown user: %d %s", a.StatusCode, ba, b.StatusCode, bb)
	}
	if a.Header.Get("Content-Type") != "application/problem+json" {
		t.Fatalf("content type %q", a.Header.Get("Content-Type"))
	}
	// Each refusal leaves a log line; none holds what was typed.
	logs := f.logs.String()
	if strings.Count(logs, "request refused") < 2 {
		t.Fatalf("refused sign-ins left no log lines: %s", logs)
	}
	for _, secret := range []string{"no-such-user", "karin", "a wrong but long password", password} {
		if strings.Contains(logs, secret) {
			t.Fatalf("the log holds %q: %s", secret, logs)
		}
	}
}

// ASVS V7 (sessions): the cookie is __Host- prefixed, Secure, HttpOnly,
// SameSite=Strict, and a new token is issued at every sign-in.
func TestSessionCookie(t *testing.T) {
	f := newFixture(t)
	c1 := f.signIn(t)
	c2 := f.signIn(t)
	if c1.Value == c2.Value {
		t.Fatal("the same session token twice")
	}
	if !strings.HasPrefix(c1.Name, "__Host-") || !c1.Secure || !c1.HttpOnly || c1.SameSite != http.SameSiteStrictMode || c1.Path != "/" || c1.Domain != "" {
		t.Fatalf("cookie = %+v", c1)
	}
	if f.me(t, c1, "") != 200 || f.me(t, c2, "") != 200 {
		t.Fatal("sessions do not authenticate")
	}
	if f.me(t, &http.Cookie{Name: server.SessionCookie, Value: "hs_forged"}, "") != 401 || f.me(t, nil, "") != 401 {
		t.Fatal("a forged or missing session authenticated")
	}
}

// ASVS V3/V7: signing out needs a POST that a foreign page cannot forge.
func TestSignOutCannotBeForged(t *testing.T) {
	f := newFixture(t)
	c := f.signIn(t)
	// A GET does nothing.
	req := must(http.NewRequest("GET", f.srv.URL+"/api/v1/signout", nil))
	req.AddCookie(c)
	r := must(http.DefaultClient.Do(req))
	r.Body.Close()
	if r.StatusCode < 400 || f.me(t, c, "") != 200 {
		t.Fatalf("GET signout: %d", r.StatusCode)
	}
	// A POST from another site (what a foreign page's form sends) is refused.
	for _, hdr := range [][]string{
		{"Sec-Fetch-Site", "cross-site", "Origin", "https://evil.example"},
		{"Sec-Fetch-Site", "same-site", "Origin", "https://sub.haven.test"},
		{"Sec-Fetch-Site", "", "Origin", "https://evil.example"},
		{"Sec-Fetch-Site", "", "Origin", ""},
	} {
		r := f.post(t, "/api/v1/signout", map[string]string{}, c, hdr...)
		readAll(t, r)
		if r.StatusCode != http.StatusForbidden || f.me(t, c, "") != 200 {
			t.Fatalf("forged signout with %v: %d", hdr, r.StatusCode)
		}
	}
	r = f.post(t, "/api/v1/signout", map[string]string{}, c)
	readAll(t, r)
	if r.StatusCode != http.StatusNoContent || f.me(t, c, "") != 401 {
		t.Fatalf("signout: %d", r.StatusCode)
	}
}

// Bad input: malformed JSON, unknown fields, oversized bodies, malformed
// codes each get a clear 4xx and change nothing.
func TestBadInputOnSignIn(t *testing.T) {
	f := newFixture(t)
	for _, tc := range []struct {
		name, body, ctype string
		want              int
		named             string // the field the problem names
	}{
		{"not json", `{"username":`, "application/json", 400, ""},
		{"unknown field", `{"username":"karin","password":"x","admin":true}`, "application/json", 400, `"field":"admin"`},
		{"a field twice", `{"username":"karin","password":"x","Password":"y"}`, "application/json", 400, `"field":"Password"`},
		{"trailing data", `{"username":"karin","password":"x"} {}`, "application/json", 400, ""},
		{"too large", `{"username":"karin","password":"` + strings.Repeat("a", api.MaxBody) + `"}`, "application/json", 413, ""},
		{"not application/json", `{"username":"karin","password":"x"}`, "text/plain", 415, ""},
	} {
		req := must(http.NewRequest("POST", f.srv.URL+"/api/v1/signin", strings.NewReader(tc.body)))
		req.Header.Set("Sec-Fetch-Site", "same-origin")
		req.Header.Set("Content-Type", tc.ctype)
		r := must(http.DefaultClient.Do(req))
		body := readAll(t, r)
		if r.StatusCode != tc.want || !strings.Contains(body, `"detail"`) || !strings.Contains(body, tc.named) {
			t.Errorf("%s: %d %s", tc.name, r.StatusCode, body)
		}
	}
	r := f.post(t, "/api/v1/signin/totp", map[string]string{"step": "hs_bogus", "code": "123456"}, nil)
	if body := readAll(t, r); r.StatusCode != 401 {
		t.Errorf("bogus step: %d %s", r.StatusCode, body)
	}
}

// refusal is the problem body of a refused second factor.
type refusal struct {
	Status int
	Detail string
	Retry  *struct {
		Step      string
		Factors   []string
		ExpiresAt time.Time `json:"expires_at"`
	}
}

func (f *fixture) secondFactor(t *testing.T, path, step, code string) (*http.Response, refusal) {
	t.Helper()
	r := f.post(t, path, map[string]string{"step": step, "code": code}, nil)
	var out refusal
	if r.StatusCode != http.StatusOK {
		if err := json.Unmarshal([]byte(readAll(t, r)), &out); err != nil {
			t.Fatalf("%s: %d, not a problem: %v", path, r.StatusCode, err)
		}
	} else {
		r.Body.Close()
	}
	return r, out
}

// A wrong TOTP or recovery code, within the attempt limits, is refused
// with the step of the next try: the client asks for the code again, and
// the right code on that step signs in, while the step refused takes
// nothing. At the account's limit the refusal is 429 with no step, and the
// password is refused too: the client starts again.
func TestSecondFactorRetryStep(t *testing.T) {
	f := newFixture(t)
	signIn := func() (step string, expires time.Time) {
		r := f.post(t, "/api/v1/signin", map[string]string{"username": "karin", "password": password}, nil)
		var st struct {
			Step      string
			ExpiresAt time.Time `json:"expires_at"`
		}
		if r.StatusCode != 200 || json.Unmarshal([]byte(readAll(t, r)), &st) != nil {
			t.Fatalf("sign-in: %d", r.StatusCode)
		}
		return st.Step, st.ExpiresAt
	}

	step, expires := signIn()
	r, p := f.secondFactor(t, "/api/v1/signin/totp", step, "000000")
	if r.StatusCode != http.StatusUnauthorized || p.Retry == nil || p.Retry.Step == "" || p.Retry.Step == step ||
		p.Retry.ExpiresAt.After(expires) || !slices.Contains(p.Retry.Factors, "totp") {
		t.Fatalf("a wrong code: %d %+v", r.StatusCode, p)
	}
	if r.Header.Get("Content-Type") != "application/problem+json" || !strings.HasPrefix(r.Header.Get("WWW-Authenticate"), "Bearer") {
		t.Fatalf("a wrong code's headers: %v", r.Header)
	}
	if r, p := f.secondFactor(t, "/api/v1/signin/totp", step, f.code(t, f.secret)); r.StatusCode != http.StatusUnauthorized || p.Retry != nil {
		t.Fatalf("the refused step: %d %+v", r.StatusCode, p)
	}
	if r, _ := f.secondFactor(t, "/api/v1/signin/totp", p.Retry.Step, f.code(t, f.secret)); r.StatusCode != http.StatusOK {
		t.Fatalf("the right code on the retry step: %d", r.StatusCode)
	}
	f.clock.Add(31 * time.Second)

	// A wrong recovery code likewise.
	step, _ = signIn()
	r, p = f.secondFactor(t, "/api/v1/signin/recovery", step, "AAAA-BBBB-CCCC")
	if r.StatusCode != http.StatusUnauthorized || p.Retry == nil {
		t.Fatalf("a wrong recovery code: %d %+v", r.StatusCode, p)
	}
	if r, _ := f.secondFactor(t, "/api/v1/signin/recovery", p.Retry.Step, f.codes[0]); r.StatusCode != http.StatusOK {
		t.Fatalf("a recovery code on the retry step: %d", r.StatusCode)
	}

	// The account's limit: the fifth wrong code in the window is too many,
	// with no step, and the password is refused until the lockout ends.
	step, _ = signIn()
	for i := range 5 {
		r, p = f.secondFactor(t, "/api/v1/signin/totp", step, "000000")
		if i < 4 {
			if r.StatusCode != http.StatusUnauthorized || p.Retry == nil {
				t.Fatalf("wrong code %d: %d %+v", i+1, r.StatusCode, p)
			}
			step = p.Retry.Step
		}
	}
	if r.StatusCode != http.StatusTooManyRequests || p.Retry != nil || r.Header.Get("Retry-After") == "" {
		t.Fatalf("at the limit: %d %+v", r.StatusCode, p)
	}
	r = f.post(t, "/api/v1/signin", map[string]string{"username": "karin", "password": password}, nil)
	if readAll(t, r); r.StatusCode != http.StatusTooManyRequests {
		t.Fatalf("the password after the limit: %d", r.StatusCode)
	}
}

// API tokens authenticate as their one user; revoked ones stop at once.
func TestAPITokenBearer(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	tok, id, err := f.app.Accounts.CreateAPIToken(ctx, f.admin, f.user.ID, "system", 24*time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	if f.me(t, nil, tok) != 200 {
		t.Fatal("a valid token did not authenticate")
	}
	if err := f.app.Accounts.RevokeAPIToken(ctx, f.admin, id); err != nil {
		t.Fatal(err)
	}
	if f.me(t, nil, tok) != 401 || f.me(t, nil, "garbage") != 401 {
		t.Fatal("a revoked or malformed token authenticated")
	}
}

// Every response carries the protective headers.
func TestSecurityHeaders(t *testing.T) {
	f := newFixture(t)
	for _, path := range []string{"/healthz", "/readyz", "/api/v1/me", "/nope"} {
		r := must(http.Get(f.srv.URL + path))
		r.Body.Close()
		h := r.Header
		if !strings.Contains(h.Get("Content-Security-Policy"), "frame-ancestors 'none'") || h.Get("X-Content-Type-Options") != "nosniff" ||
			h.Get("Referrer-Policy") != "no-referrer" || h.Get("Cache-Control") != "no-store" || h.Get("Strict-Transport-Security") == "" || h.Get("X-Request-Id") == "" {
			t.Errorf("%s: headers %v", path, h)
		}
	}
}

// The JSON API is served through the server, by API token only: a session
// cookie opens nothing there.
func TestAPIMountedBearerOnly(t *testing.T) {
	f := newFixture(t)
	r := must(http.Get(f.srv.URL + "/api/openapi.json"))
	var doc struct{ OpenAPI string }
	json.NewDecoder(r.Body).Decode(&doc)
	r.Body.Close()
	if r.StatusCode != 200 || doc.OpenAPI != "3.1.0" {
		t.Fatalf("openapi.json: %d %q", r.StatusCode, doc.OpenAPI)
	}
	c := f.signIn(t)
	req := must(http.NewRequest("GET", f.srv.URL+"/api/v1/cases", nil))
	req.AddCookie(c)
	r = must(http.DefaultClient.Do(req))
	r.Body.Close()
	if r.StatusCode != http.StatusUnauthorized {
		t.Fatalf("a session cookie opened the API: %d", r.StatusCode)
	}
	tok, _, err := f.app.Accounts.CreateAPIToken(context.Background(), f.admin, f.user.ID, "system", time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	req = must(http.NewRequest("GET", f.srv.URL+"/api/v1/cases", nil))
	req.Header.Set("Authorization", "Bearer "+tok)
	r = must(http.DefaultClient.Do(req))
	r.Body.Close()
	if r.StatusCode != 200 {
		t.Fatalf("a token did not open the API: %d", r.StatusCode)
	}
}

// TestNewServerNeedsEveryService: a server wired without one of the app's
// rooms, its clock or its health fails at start, not at the first request
// that needs it.
func TestNewServerNeedsEveryService(t *testing.T) {
	f := newFixture(t)
	full := server.Services{Health: f.app, Clock: f.app, Accounts: f.app.Accounts, Cases: f.app.Cases, Nominations: f.app.Nominations, Programme: f.app.Programme, Notices: f.app.Notices}
	if _, err := server.NewServer(slog.New(slog.DiscardHandler), full, server.Config{Origin: origin}); err != nil {
		t.Fatalf("NewServer with every service: %v", err)
	}
	for name, drop := range map[string]func(*server.Services){
		"Health":      func(s *server.Services) { s.Health = nil },
		"Clock":       func(s *server.Services) { s.Clock = nil },
		"Accounts":    func(s *server.Services) { s.Accounts = nil },
		"Cases":       func(s *server.Services) { s.Cases = nil },
		"Nominations": func(s *server.Services) { s.Nominations = nil },
		"Programme":   func(s *server.Services) { s.Programme = nil },
	} {
		svc := full
		drop(&svc)
		if _, err := server.NewServer(slog.New(slog.DiscardHandler), svc, server.Config{Origin: origin}); err == nil {
			t.Errorf("NewServer without %s: no error", name)
		}
	}
}
