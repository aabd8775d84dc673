package api_test

import (
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/havenhrd/haven"
	"github.com/havenhrd/haven/internal/api"
)

// TestImportAllOrNothing: a list of referrals with one bad line imports
// nothing and names the line; a good list imports every referral.
func TestImportAllOrNothing(t *testing.T) {
	f := newFixture(t)
	unhcr := haven.OrgReferralPartner
	bad := referral("ImportA", 2)
	bad["declared_size"] = 5
	before := f.auditCount(t)
	r := f.call(t, unhcr, "POST", "/api/v1/cases/import", map[string]any{"referrals": []any{referral("ImportB", 1), bad}})
	// Problems name the field as the request spelled it.
	if r.status != 400 || !slices.Contains(r.fields(t), "referrals[1].declared_size") || slices.ContainsFunc(r.fields(t), func(f string) bool {
		return !strings.HasPrefix(f, "referrals[1].")
	}) {
		t.Fatalf("bad import: %d %s", r.status, r.body)
	}
	dup := referral("ImportA", 1)
	r = f.call(t, unhcr, "POST", "/api/v1/cases/import", map[string]any{"referrals": []any{referral("ImportF", 1), dup, dup}})
	if r.status != 400 || !slices.Contains(r.fields(t), "referrals[2].unhcr_number") || !slices.Contains(r.fields(t), "referrals[2].members[0]") {
		t.Fatalf("an import with a referral twice: %d %s", r.status, r.body)
	}
	if r := f.call(t, unhcr, "POST", "/api/v1/cases/import", map[string]any{"referrals": []any{}}); r.status != 400 || !slices.Equal(r.fields(t), []string{"referrals"}) {
		t.Fatalf("an empty import: %d %s", r.status, r.body)
	}
	if f.auditCount(t) != before {
		t.Fatal("a refused import wrote to the audit log")
	}
	got := f.ok(t, 201, unhcr, "POST", "/api/v1/cases/import", map[string]any{"referrals": []any{referral("ImportC", 1), referral("ImportD", 3)}})
	cases, _ := got["cases"].([]any)
	if len(cases) != 2 {
		t.Fatalf("import answered %v", got)
	}
	for _, c := range cases {
		if str(c.(map[string]any)["state"]) != "referred" || str(c.(map[string]any)["id"]) == "" {
			t.Fatalf("imported case = %v", c)
		}
	}
	if r := f.call(t, haven.OrgVisaOffice, "POST", "/api/v1/cases/import", map[string]any{"referrals": []any{referral("ImportE", 1)}}); r.status != 403 {
		t.Fatalf("the visa office imported: %d", r.status)
	}
}

// TestImportBodyBound: the bulk import takes a body as large as the
// document states (api.MaxImportBody, the import page's file bound), through
// the whole server, and refuses one byte more with a 413 problem, whether
// the body says its length or not.
func TestImportBodyBound(t *testing.T) {
	f := newFixture(t)
	unhcr := haven.OrgReferralPartner
	body := func(n int, tag string) string {
		b := string(mustJSON(map[string]any{"referrals": []any{referral(tag+"A", 1), referral(tag+"B", 2)}}))
		return b + strings.Repeat(" ", n-len(b))
	}
	r := f.call(t, unhcr, "POST", "/api/v1/cases/import", body(api.MaxImportBody, "Bound"))
	if r.status != 201 || len(r.json(t)["cases"].([]any)) != 2 {
		t.Fatalf("a body of %d bytes: %d %.300s", api.MaxImportBody, r.status, r.body)
	}
	over := body(api.MaxImportBody+1, "Over")
	want := "larger than " + api.SizeText(api.MaxImportBody)
	r = f.call(t, unhcr, "POST", "/api/v1/cases/import", over)
	if r.status != 413 || r.header.Get("Content-Type") != "application/problem+json" || !strings.Contains(string(r.body), want) {
		t.Fatalf("a body of %d bytes: %d %s", len(over), r.status, r.body)
	}
	// Without a Content-Length, the bound holds as the body is read.
	req := must(http.NewRequest("POST", f.srv.URL+"/api/v1/cases/import", io.MultiReader(strings.NewReader(over))))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+f.tokens[unhcr])
	resp := must(http.DefaultClient.Do(req))
	b := must(io.ReadAll(resp.Body))
	resp.Body.Close()
	f.record(exchange{method: "POST", path: "/api/v1/cases/import", status: resp.StatusCode, header: resp.Header, body: b})
	if req.ContentLength != 0 || resp.StatusCode != 413 || !strings.Contains(string(b), want) {
		t.Fatalf("a chunked body of %d bytes: %d %s", len(over), resp.StatusCode, b)
	}
	// Any other route keeps the general bound.
	r = f.call(t, unhcr, "POST", "/api/v1/cases", body(api.MaxBody+1, "Other"))
	if r.status != 413 || !strings.Contains(string(r.body), "larger than "+api.SizeText(api.MaxBody)) {
		t.Fatalf("POST /api/v1/cases with %d bytes: %d %s", api.MaxBody+1, r.status, r.body)
	}
}
