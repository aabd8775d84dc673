package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
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
	"golang.org/x/mod/sumdb/note"
)

// origin is Haven's origin in the tests.
const origin = "https://haven.test"

// The app layer's rooms are what the API needs.
var (
	_ api.Accounts    = (*app.Accounts)(nil)
	_ api.Cases       = (*app.Cases)(nil)
	_ api.Nominations = (*app.Nominations)(nil)
	_ api.Programme   = (*app.Programme)(nil)
)

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time      { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Add(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

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

// fixture is one Haven on SQLite with an organisation of every kind, a
// user in each and an API token for each, behind the API.
type fixture struct {
	app    *app.App
	store  store.Store
	clock  *clock
	srv    *httptest.Server
	logs   *syncBuffer
	orgs   map[haven.OrgKind]*haven.Organisation
	tokens map[haven.OrgKind]string

	mu   sync.Mutex
	seen []exchange // every response, held to the document when the test ends
}

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
	db := testdb.OpenSQLite(t)
	f := &fixture{store: db, clock: &clock{t: time.Date(2026, 5, 4, 10, 0, 0, 0, time.UTC)},
		orgs: map[haven.OrgKind]*haven.Organisation{}, tokens: map[haven.OrgKind]string{}, logs: &syncBuffer{}}
	f.app = app.New(app.Config{Store: db, Vault: v, AuditSigner: sg, Hasher: h, Clock: f.clock})
	if err := f.app.Programme.Bootstrap(ctx); err != nil {
		t.Fatal(err)
	}
	admOrg := &haven.Organisation{Name: "IRCC programme", Country: "CA"}
	adm := &haven.User{Username: "admin", DisplayName: "Admin"}
	must(f.app.Programme.CreateFirstAdmin(ctx, admOrg, adm))
	admin := haven.Actor{UserID: adm.ID}
	f.orgs[haven.OrgProgrammeAdmin] = admOrg
	f.tokens[haven.OrgProgrammeAdmin] = f.token(t, admin, adm.ID)
	for _, k := range []struct {
		kind haven.OrgKind
		name string
	}{
		{haven.OrgProtectionPartner, "Front Line Defenders"},
		{haven.OrgReferralPartner, "UNHCR"},
		{haven.OrgVisaOffice, "Visa office Ankara"},
		{haven.OrgScreeningPartner, "Screening partner"},
		{haven.OrgMedicalPartner, "Panel physician"},
		{haven.OrgSettlementOrganisation, "Settlement organisation"},
	} {
		o := &haven.Organisation{Kind: k.kind, Name: k.name, Country: "CA"}
		if err := f.app.Programme.CreateOrganisation(ctx, admin, o); err != nil {
			t.Fatal(err)
		}
		f.orgs[k.kind] = o
		u := &haven.User{OrgID: o.ID, Role: haven.RoleCaseworker, Username: strings.ReplaceAll(string(k.kind), "_", "-"), DisplayName: k.name + " worker"}
		must(f.app.Programme.CreateUser(ctx, admin, u))
		f.tokens[k.kind] = f.token(t, admin, u.ID)
	}
	// The API as Haven serves it: behind the server's request IDs, body
	// limit and its own sign-in routes.
	h2, err := server.NewServer(slog.New(slog.NewJSONHandler(f.logs, nil)), server.Services{Health: f.app, Clock: f.app, Accounts: f.app.Accounts, Cases: f.app.Cases, Nominations: f.app.Nominations, Programme: f.app.Programme, Notices: f.app.Notices}, server.Config{Origin: origin})
	if err != nil {
		t.Fatal(err)
	}
	f.srv = httptest.NewServer(h2)
	t.Cleanup(func() {
		f.srv.Close()
		f.checkResponses(t)
	})
	return f
}

func (f *fixture) token(t *testing.T, admin haven.Actor, user haven.ID) string {
	t.Helper()
	tok, _, err := f.app.Accounts.CreateAPIToken(context.Background(), admin, user, "test system", 300*24*time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

// response is an answer of the API.
type response struct {
	status int
	header http.Header
	body   []byte
}

// json decodes the body into a generic value.
func (r response) json(t testing.TB) map[string]any {
	t.Helper()
	var v map[string]any
	if err := json.Unmarshal(r.body, &v); err != nil {
		t.Fatalf("response is not a JSON object: %v\n%s", err, r.body)
	}
	return v
}

// fields returns the fields named by a problem's errors.
func (r response) fields(t testing.TB) []string {
	t.Helper()
	var p struct {
		Errors []haven.FieldProblem `json:"errors"`
	}
	if err := json.Unmarshal(r.body, &p); err != nil {
		t.Fatalf("problem is not JSON: %v\n%s", err, r.body)
	}
	var out []string
	for _, e := range p.Errors {
		out = append(out, e.Field)
	}
	return out
}

// call sends a request as the organisation of kind (none when kind is
// ""); body is sent as is when a string, as JSON otherwise.
func (f *fixture) call(t testing.TB, kind haven.OrgKind, method, path string, body any, hdr ...string) response {
	t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	default:
		rd = bytes.NewReader(must(json.Marshal(b)))
	}
	req := must(http.NewRequest(method, f.srv.URL+path, rd))
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if kind != "" {
		req.Header.Set("Authorization", "Bearer "+f.tokens[kind])
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	r := must(http.DefaultClient.Do(req))
	defer r.Body.Close()
	resp := response{status: r.StatusCode, header: r.Header, body: must(io.ReadAll(r.Body))}
	f.record(exchange{method: method, path: req.URL.Path, status: resp.status, header: resp.header, body: resp.body})
	return resp
}

// ok calls and fails the test unless the answer is want.
func (f *fixture) ok(t testing.TB, want int, kind haven.OrgKind, method, path string, body any) map[string]any {
	t.Helper()
	r := f.call(t, kind, method, path, body)
	if r.status != want {
		t.Fatalf("%s %s as %s: %d, want %d\n%s", method, path, kind, r.status, want, r.body)
	}
	if ct := r.header.Get("Content-Type"); ct != "application/json" {
		t.Fatalf("%s %s: content type %q", method, path, ct)
	}
	return r.json(t)
}

// auditCount is the number of events in the audit log.
func (f *fixture) auditCount(t testing.TB) int {
	t.Helper()
	var n int
	err := f.store.View(context.Background(), func(tx store.Tx) error {
		evs, err := tx.FindAudit(context.Background(), 0, 1_000_000)
		n = len(evs)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// referral is a valid body of POST /api/v1/cases: a family of size.
func referral(tag string, size int) map[string]any {
	rels := []string{"principal", "spouse"}
	var members []map[string]any
	for i := range size {
		// Children are under 22: a child 22 or over takes the dependent
		// adult child exception.
		rel, born := "child", 2008+i
		if i < len(rels) {
			rel, born = rels[i], 1985+5*i
		}
		members = append(members, map[string]any{
			"relationship": rel, "accompanying": true, "family_name": "Family" + tag,
			"given_names": "Member" + string(rune('A'+i)) + " " + tag, "date_of_birth": haven.Date{Year: born, Month: 4, Day: 1 + i}.String(),
			"sex": "female", "nationalities": []string{"IR"}, "languages": []string{"fa"},
			"whereabouts": "Safe house near Van " + tag, "contact": "+90 555 " + tag,
			"confidential_notes": "Confidential note of " + tag,
		})
	}
	return map[string]any{
		"unhcr_number": "UNH-" + strings.ToUpper(tag), "submission_priority": "urgent", "processing_priority": "urgent",
		"primary_category": "legal_physical_protection", "secondary_category": "women_girls_at_risk",
		"category_justification": "Detained twice for " + tag + " reporting; further arrest imminent.",
		"grounds":                []string{"political_opinion", "particular_social_group"}, "social_groups": []string{"human_rights_defenders"},
		"nationality_countries": []string{"IR"}, "asylum_country": "TR",
		"profile": map[string]any{
			"work_areas": []string{"journalism", "womens_rights"}, "organisations": []string{"Press collective " + tag},
			"threat_events": []map[string]any{{"type": "arbitrary_detention", "perpetrator": "state", "date": "2025-11-03",
				"place": "Evin prison " + tag, "description": "Held 40 days " + tag}},
		},
		"persecution_account": "Persecution account of " + tag + ": arrested, beaten, charged with propaganda.",
		"declared_size":       size, "members": members,
	}
}

// referCase refers a family of size as UNHCR and returns the case.
func (f *fixture) referCase(t testing.TB, tag string, size int) map[string]any {
	t.Helper()
	return f.ok(t, 201, haven.OrgReferralPartner, "POST", "/api/v1/cases", referral(tag, size))
}

func str(v any) string { s, _ := v.(string); return s }

func mustJSON(v any) []byte { return must(json.Marshal(v)) }
