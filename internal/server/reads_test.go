package server_test

import (
	"context"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/havenhrd/haven"
	"github.com/havenhrd/haven/internal/testdb"
)

// Requests that only read write nothing: a minute of page and API list
// requests, with a session and with a token, leaves every row as it was
// but for each one's touch, written once when a minute has passed since the
// last; reading a case adds its audit event and nothing else.
func TestReadRequestsWriteOnlyWhatTheyMust(t *testing.T) {
	f := newFixture(t)
	c := f.signIn(t)
	tok, _, err := f.app.Accounts.CreateAPIToken(context.Background(), f.admin, f.user.ID, "system", 24*time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	mine := smallReferral()
	if err := f.app.Cases.CreateReferral(context.Background(), haven.Actor{UserID: f.user.ID}, mine); err != nil {
		t.Fatal(err)
	}
	get := func(path string, bearer bool) {
		t.Helper()
		req := must(http.NewRequest("GET", f.srv.URL+path, nil))
		if bearer {
			req.Header.Set("Authorization", "Bearer "+tok)
		} else {
			req.AddCookie(c)
		}
		r := must(http.DefaultClient.Do(req))
		r.Body.Close()
		if r.StatusCode != http.StatusOK {
			t.Fatalf("GET %s: %d", path, r.StatusCode)
		}
	}
	lists := func() {
		for _, p := range []string{"/", "/cases", "/nominations", "/account"} {
			get(p, false)
		}
		for _, p := range []string{"/api/v1/me", "/api/v1/cases", "/api/v1/nominations", "/api/v1/rules/2026", "/api/v1/organisations"} {
			get(p, true)
		}
	}
	f.clock.Add(time.Minute)
	lists() // the session's and the token's use, written
	changed := func(what string, before map[string]string, want ...string) map[string]string {
		t.Helper()
		after := testdb.Rows(t, f.store)
		var got []string
		for _, table := range testdb.Changed(before, after) {
			if strings.HasPrefix(table, "audit_") {
				table = "audit_*" // the log's tables, whose number is its own
			}
			if !slices.Contains(got, table) {
				got = append(got, table)
			}
		}
		if len(got) != len(want) {
			t.Fatalf("%s changed %v, want %v", what, got, want)
		}
		for i := range got {
			if got[i] != want[i] {
				t.Fatalf("%s changed %v, want %v", what, got, want)
			}
		}
		return after
	}
	rows := testdb.Rows(t, f.store)
	for range 5 {
		f.clock.Add(11 * time.Second)
		lists()
	}
	rows = changed("55 s of list requests", rows)
	f.clock.Add(5 * time.Second)
	lists()
	lists()
	rows = changed("list requests a minute on", rows, "api_tokens", "sessions")
	events := len(auditSince(t, f, 0))
	get("/cases/"+string(mine.ID), false)
	changed("a case page", rows, "audit_*")
	if evs := auditSince(t, f, events); len(evs) != 1 || evs[0].Action != "case.read" {
		t.Fatalf("a case page appended %d events, want one case.read", len(evs))
	}
}
