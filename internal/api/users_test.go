package api_test

import (
	"context"
	"testing"
	"time"

	"github.com/havenhrd/haven"
)

// TestUsersAndRevocation: the programme's administration lists the users
// with their state and factors, disables one (whose token then stops at
// once) and revokes a token; nobody else may; nothing grants access.
func TestUsersAndRevocation(t *testing.T) {
	f := newFixture(t)
	const adm = haven.OrgProgrammeAdmin
	list := f.ok(t, 200, adm, "GET", "/api/v1/users", nil)
	users := list["users"].([]any)
	if len(users) != 7 {
		t.Fatalf("%d users, want 7", len(users))
	}
	var settler map[string]any
	for _, u := range users {
		u := u.(map[string]any)
		if u["username"] == "settlement-organisation" {
			settler = u
		}
		if _, ok := u["factors"].(map[string]any)["recovery_codes_left"]; !ok {
			t.Fatalf("a user without factors: %v", u)
		}
	}
	if settler == nil || settler["enrolled"] != false || settler["role"] != "caseworker" || settler["disabled_at"] != nil {
		t.Fatalf("the settlement worker: %v", settler)
	}
	one := f.ok(t, 200, adm, "GET", "/api/v1/users?org_id="+string(f.orgs[haven.OrgVisaOffice].ID), nil)
	if u := one["users"].([]any); len(u) != 1 || u[0].(map[string]any)["username"] != "visa-office" {
		t.Fatalf("the visa office's users: %v", u)
	}
	if r := f.call(t, adm, "GET", "/api/v1/users?org_id=org_nope", nil); r.status != 400 {
		t.Fatalf("an unknown organisation: %d %s", r.status, r.body)
	}
	for _, kind := range []haven.OrgKind{haven.OrgVisaOffice, haven.OrgReferralPartner, haven.OrgSettlementOrganisation} {
		if r := f.call(t, kind, "GET", "/api/v1/users", nil); r.status != 403 {
			t.Fatalf("%s lists users: %d", kind, r.status)
		}
		if r := f.call(t, kind, "POST", "/api/v1/users/"+str(settler["id"])+"/disable", nil); r.status != 403 {
			t.Fatalf("%s disables a user: %d", kind, r.status)
		}
	}

	// The settlement worker's token works, then the user is disabled and it
	// stops at once.
	if r := f.call(t, haven.OrgSettlementOrganisation, "GET", "/api/v1/cases", nil); r.status != 200 {
		t.Fatalf("before: %d", r.status)
	}
	got := f.ok(t, 200, adm, "POST", "/api/v1/users/"+str(settler["id"])+"/disable", nil)
	if got["disabled_at"] == nil || got["username"] != "settlement-organisation" {
		t.Fatalf("disabled: %v", got)
	}
	if r := f.call(t, haven.OrgSettlementOrganisation, "GET", "/api/v1/cases", nil); r.status != 401 {
		t.Fatalf("a disabled user's token: %d", r.status)
	}
	if r := f.call(t, adm, "POST", "/api/v1/users/usr_nope/disable", nil); r.status != 404 {
		t.Fatalf("disabling no one: %d %s", r.status, r.body)
	}

	// A token revoked stops at once.
	tok, id, err := f.app.Accounts.CreateAPIToken(context.Background(), f.adminActor(t), haven.ID(str(firstUser(users, "visa-office")["id"])), "to revoke", 24*time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	if r := f.callWith(t, tok, "GET", "/api/v1/cases"); r.status != 200 {
		t.Fatalf("the new token: %d", r.status)
	}
	if r := f.ok(t, 200, adm, "POST", "/api/v1/tokens/"+string(id)+"/revoke", nil); r["revoked"] != true {
		t.Fatalf("revoked: %v", r)
	}
	if r := f.callWith(t, tok, "GET", "/api/v1/cases"); r.status != 401 {
		t.Fatalf("a revoked token: %d", r.status)
	}
	// The visa office's own token is untouched.
	if r := f.call(t, haven.OrgVisaOffice, "GET", "/api/v1/cases", nil); r.status != 200 {
		t.Fatalf("another token of the same user: %d", r.status)
	}
}

func firstUser(users []any, username string) map[string]any {
	for _, u := range users {
		if u := u.(map[string]any); u["username"] == username {
			return u
		}
	}
	return nil
}

// callWith calls with the API token tok.
func (f *fixture) callWith(t *testing.T, tok, method, path string) response {
	t.Helper()
	return f.call(t, "", method, path, nil, "Authorization", "Bearer "+tok)
}

// adminActor is the first administrator.
func (f *fixture) adminActor(t *testing.T) haven.Actor {
	t.Helper()
	u, err := f.app.Programme.FindUserByUsername(context.Background(), "admin")
	if err != nil {
		t.Fatal(err)
	}
	return haven.Actor{UserID: u.ID}
}
