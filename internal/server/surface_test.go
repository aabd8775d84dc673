package server_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/havenhrd/haven"
	"github.com/havenhrd/haven/internal/store"
)

// surface lists every route Haven serves: the server's and the pages'
// (read from their routes*.go files, where each is one mux.Handle line)
// and the API's (from its OpenAPI document, which its own test holds to
// its route table).
func surface(t *testing.T) []string {
	t.Helper()
	var routes []string
	pattern := regexp.MustCompile(`mux\.Handle\("((?:GET|POST|PUT|DELETE|PATCH) [^"]+)"`)
	for _, glob := range []string{"routes.go", "../web/routes*.go"} {
		files, _ := filepath.Glob(glob)
		for _, f := range files {
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			for _, m := range pattern.FindAllStringSubmatch(string(b), -1) {
				routes = append(routes, m[1])
			}
		}
	}
	var doc struct {
		Paths map[string]map[string]any `json:"paths"`
	}
	b, err := os.ReadFile("../api/openapi.json")
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	for path, ops := range doc.Paths {
		for m := range ops {
			routes = append(routes, strings.ToUpper(m)+" "+path)
		}
	}
	if len(routes) < 60 {
		t.Fatalf("only %d routes found: the route files moved?", len(routes))
	}
	return routes
}

// TestEveryRouteIsProtected walks the whole surface. Every response carries
// the protective headers; a page that shows case data is not cached; no
// state change happens on GET; every browser state change from another
// site, or from Haven's own origin without this session's CSRF token, is
// refused and changes no row of any table; every body is bounded.
func TestEveryRouteIsProtected(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	c := f.signIn(t)
	fill := strings.NewReplacer("{id}", "case_doesnotexist", "{year}", "2026", "{file}", "haven.css", "{milestone}", "housing", "{month}", "1", "{$}", "")
	orgs, err := f.app.Programme.FindOrganisations(ctx, f.admin, "")
	if err != nil {
		t.Fatal(err)
	}
	orgsBefore := len(orgs)
	walkBefore := snapshot(t, f.store)
	eventsBefore := len(auditSince(t, f, 0))
	routes := surface(t)
	for _, rt := range routes {
		method, path, _ := strings.Cut(rt, " ")
		url := f.srv.URL + fill.Replace(path)
		// No CSRF token, another site: refused for every state change.
		req, _ := http.NewRequest(method, url, strings.NewReader(`{}`))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Sec-Fetch-Site", "cross-site")
		req.Header.Set("Origin", "https://evil.example")
		req.AddCookie(c)
		r, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		r.Body.Close()
		h := r.Header
		if !strings.Contains(h.Get("Content-Security-Policy"), "frame-ancestors 'none'") || strings.Contains(h.Get("Content-Security-Policy"), "unsafe-inline") ||
			h.Get("X-Content-Type-Options") != "nosniff" || h.Get("Referrer-Policy") != "no-referrer" || h.Get("Strict-Transport-Security") == "" ||
			// Only the static files (style sheet, script) may be cached:
			// they hold no case data.
			(h.Get("Cache-Control") != "no-store" && !strings.HasPrefix(path, "/static/")) {
			t.Errorf("%s: headers %v", rt, h)
		}
		if method != http.MethodGet && r.StatusCode < 400 {
			t.Errorf("%s from another site without a CSRF token: %d", rt, r.StatusCode)
		}
		// An oversized body is refused before anything reads it.
		if method != http.MethodGet {
			big, _ := http.NewRequest(method, url, strings.NewReader(strings.Repeat("a", 1<<20)))
			big.Header.Set("Sec-Fetch-Site", "same-origin")
			big.Header.Set("Origin", origin)
			big.AddCookie(c)
			r, err := http.DefaultClient.Do(big)
			if err != nil {
				t.Fatal(err)
			}
			r.Body.Close()
			if r.StatusCode < 400 {
				t.Errorf("%s with a 1 MiB body: %d", rt, r.StatusCode)
			}
		}
	}
	// None of it changed anything: the organisations are as they were.
	orgs, err = f.app.Programme.FindOrganisations(ctx, f.admin, "")
	if err != nil {
		t.Fatal(err)
	}
	if len(orgs) != orgsBefore {
		t.Errorf("the walk created %d organisations", len(orgs)-orgsBefore)
	}
	// Nor did anything else: GET only touches the session and records the
	// reads (here, refused ones) and the lists' CSV exports, each a
	// disclosure, in the audit trail.
	walkAfter := snapshot(t, f.store)
	for table, digest := range walkBefore {
		if walkAfter[table] != digest && table != "sessions" && !strings.HasPrefix(table, "audit_") {
			t.Errorf("the walk changed table %s: %s, now %s", table, digest, walkAfter[table])
		}
	}
	for _, ev := range auditSince(t, f, eventsBefore) {
		if !strings.HasSuffix(ev.Action, ".read") && ev.Action != "export" {
			t.Errorf("the walk recorded %s %s %s", ev.Action, ev.ObjectType, ev.ObjectID)
		}
	}
	t.Logf("%d routes walked", len(routes))
	formsWithoutToken(t, f, c)
}

// auditSince returns the audit events after the first n.
func auditSince(t *testing.T, f *fixture, n int) []*haven.AuditEvent {
	t.Helper()
	var evs []*haven.AuditEvent
	err := f.store.View(context.Background(), func(tx store.Tx) (err error) {
		evs, err = tx.FindAudit(context.Background(), int64(n), 1_000_000)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return evs
}

// formsWithoutToken sends every state change of the pages as Haven's own
// pages would (same origin, signed in, with the browser's CSRF cookie and a
// form that names a real case of the user's organisation) but without the
// form's CSRF token: each must be refused, and not one row of any table may
// change, the audit trail and the sessions included.
func formsWithoutToken(t *testing.T, f *fixture, c *http.Cookie) {
	t.Helper()
	ctx := context.Background()
	karin := haven.Actor{UserID: f.user.ID}
	mine := smallReferral()
	if err := f.app.Cases.CreateReferral(ctx, karin, mine); err != nil {
		t.Fatal(err)
	}
	key := make([]byte, 32)
	rand.Read(key)
	csrfCookie := &http.Cookie{Name: "__Host-haven_csrf", Value: base64.RawURLEncoding.EncodeToString(key)}
	fill := strings.NewReplacer("{id}", string(mine.ID), "{year}", "2026", "{milestone}", "housing", "{month}", "1",
		"{member}", string(mine.Members[0].ID), "{$}", "")
	// A form with the fields the pages' forms carry, filled in.
	form := url.Values{"reason": {"Moved on"}, "note": {"Moved on"}, "text": {"Moved on"}, "password": {password},
		"username": {"karin"}, "name": {"Mallory"}, "kind": {"referral_partner"}, "country": {"CH"}, "org": {"x"},
		"status": {"done"}, "held": {"2026-05-01"}, "date": {"2026-06-01"}, "result": {"passed"}}.Encode()
	before := snapshot(t, f.store)
	posts := 0
	routes := surface(t)
	// Signing out last keeps the session for the others, so that each
	// reaches as far as the token check lets it.
	sort.SliceStable(routes, func(i, j int) bool {
		return !strings.HasSuffix(routes[i], "/signout") && strings.HasSuffix(routes[j], "/signout")
	})
	for _, rt := range routes {
		method, path, _ := strings.Cut(rt, " ")
		if method != http.MethodPost || strings.HasPrefix(path, "/api/") {
			continue // the JSON API takes a Bearer token, never the session cookie
		}
		posts++
		body, ctype := strings.NewReader(form), "application/x-www-form-urlencoded"
		if strings.HasSuffix(path, "/import") {
			var b bytes.Buffer
			mw := multipart.NewWriter(&b)
			fw, _ := mw.CreateFormFile("file", "referrals.csv")
			fw.Write([]byte("unhcr_number,family_name\nUNH-1,Mallory\n"))
			mw.Close()
			body, ctype = strings.NewReader(b.String()), mw.FormDataContentType()
		}
		req, _ := http.NewRequest(method, f.srv.URL+fill.Replace(path), body)
		req.Header.Set("Content-Type", ctype)
		req.Header.Set("Sec-Fetch-Site", "same-origin")
		req.Header.Set("Origin", origin)
		req.AddCookie(c)
		req.AddCookie(csrfCookie)
		r, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		r.Body.Close()
		if r.StatusCode != http.StatusForbidden {
			t.Errorf("%s without a CSRF token: %d, want 403", rt, r.StatusCode)
		}
	}
	if posts < 40 {
		t.Fatalf("only %d form routes found", posts)
	}
	after := snapshot(t, f.store)
	for table, digest := range before {
		if after[table] != digest {
			t.Errorf("table %s changed: %s", table, after[table])
		}
	}
	// The session is still live: nothing signed it out.
	if f.me(t, c, "") != http.StatusOK {
		t.Error("the session ended")
	}
	t.Logf("%d forms sent without a token, %d tables compared", posts, len(before))
}

// snapshot returns, for every table of the store's database, its row count
// and a digest of every row, so that any insert, update or delete shows.
func snapshot(t *testing.T, s store.Store) map[string]string {
	t.Helper()
	db, ok := s.(interface{ Path() string })
	if !ok {
		t.Fatalf("snapshot: %T has no file", s)
	}
	raw, err := sql.Open("sqlite", "file:"+db.Path()+"?mode=ro&_pragma=busy_timeout(10000)")
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	var tables []string
	rows, err := raw.Query(`SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var n string
		rows.Scan(&n)
		tables = append(tables, n)
	}
	rows.Close()
	if len(tables) < 20 {
		t.Fatalf("snapshot found only %d tables", len(tables))
	}
	out := map[string]string{}
	for _, table := range tables {
		rows, err := raw.Query(`SELECT * FROM "` + table + `" ORDER BY 1`)
		if err != nil {
			t.Fatal(err)
		}
		cols, _ := rows.Columns()
		h := sha256.New()
		n := 0
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			fmt.Fprintf(h, "%q\n", vals)
			n++
		}
		rows.Close()
		out[table] = fmt.Sprintf("%d rows, digest %x", n, h.Sum(nil)[:8])
	}
	return out
}

// smallReferral is a valid referral of one person.
func smallReferral() *haven.Case {
	return &haven.Case{
		UNHCRNumber: "UNH-SURFACE-0001", SubmissionPriority: haven.PriorityNormal, ProcessingPriority: haven.PriorityNormal,
		PrimaryCategory: haven.CategoryLegalPhysicalProtection, CategoryJustification: "Detained twice; further arrest imminent.",
		Grounds: []haven.Ground{haven.GroundPoliticalOpinion}, NationalityCountries: []string{"IR"}, AsylumCountry: "TR",
		Profile: haven.DefenderProfile{WorkAreas: []haven.WorkArea{haven.WorkJournalism}, ThreatEvents: []haven.ThreatEvent{{
			Type: haven.ThreatArbitraryDetention, Perpetrator: haven.PerpetratorState, Date: haven.Date{Year: 2025, Month: 11, Day: 3}, Place: "Evin", Description: "Held 40 days"}}},
		PersecutionAccount: "Arrested, beaten, charged with propaganda.", DeclaredSize: 1,
		Members: []*haven.Member{{Relationship: haven.RelPrincipal, Accompanying: true, FamilyName: "Surface", GivenNames: "Test",
			DateOfBirth: haven.Date{Year: 1985, Month: 4, Day: 1}, Sex: haven.SexFemale, Nationalities: []string{"IR"}, Languages: []string{"fa"}}},
	}
}
