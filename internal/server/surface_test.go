package server_test

import (
	"context"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
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
// state change happens on GET; every browser state change without this
// session's CSRF token, or from another site, is refused and changes
// nothing; every body is bounded.
func TestEveryRouteIsProtected(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	c := f.signIn(t)
	fill := strings.NewReplacer("{id}", "case_doesnotexist", "{year}", "2026", "{file}", "haven.css", "{milestone}", "housing", "{month}", "1", "{$}", "")
	orgs, err := f.app.FindOrganisations(ctx, f.admin, "")
	if err != nil {
		t.Fatal(err)
	}
	orgsBefore := len(orgs)
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
	orgs, err = f.app.FindOrganisations(ctx, f.admin, "")
	if err != nil {
		t.Fatal(err)
	}
	if len(orgs) != orgsBefore {
		t.Errorf("the walk created %d organisations", len(orgs)-orgsBefore)
	}
	t.Logf("%d routes walked", len(routes))
}
