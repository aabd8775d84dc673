package api_test

import (
	"context"
	"strings"
	"testing"

	"github.com/havenhrd/haven"
	"github.com/pquerna/otp/totp"
)

// TestOwnFactors: a token's user reads their own sign-in factors, and no
// secret: not the TOTP seed, not a recovery code.
func TestOwnFactors(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	adm := must(f.app.Programme.FindUserByUsername(ctx, "admin"))
	admin := haven.Actor{UserID: adm.ID}
	u := &haven.User{OrgID: f.orgs[haven.OrgVisaOffice].ID, Role: haven.RoleCaseworker, Username: "enrolled", DisplayName: "Enrolled worker"}
	enrolment := must(f.app.Programme.CreateUser(ctx, admin, u))
	step := must(f.app.Accounts.Enrol(ctx, enrolment, "a passphrase of more than fifteen characters"))
	secret, _, next, err := f.app.Accounts.EnrolTOTPBegin(ctx, step.ID)
	if err != nil {
		t.Fatal(err)
	}
	codes := must(f.app.Accounts.EnrolTOTPFinish(ctx, next.ID, must(totp.GenerateCode(secret, f.clock.Now()))))
	tok := f.token(t, admin, u.ID)

	r := f.call(t, "", "GET", "/api/v1/me/factors", nil, "Authorization", "Bearer "+tok)
	if r.status != 200 {
		t.Fatalf("GET /api/v1/me/factors: %d %s", r.status, r.body)
	}
	got := r.json(t)
	if got["totp"] != true || str(got["totp_since"]) != "2026-05-04T10:00:00Z" || got["recovery_codes_left"] != float64(10) ||
		got["removable"] != false || len(got["passkeys"].([]any)) != 0 {
		t.Fatalf("factors: %s", r.body)
	}
	for _, s := range append([]string{secret}, codes...) {
		if strings.Contains(string(r.body), s) {
			t.Fatalf("the answer holds a secret: %s", r.body)
		}
	}
	// Another user's token: their own factors (none), never this user's.
	other := f.ok(t, 200, haven.OrgVisaOffice, "GET", "/api/v1/me/factors", nil)
	if other["totp"] != false || other["recovery_codes_left"] != float64(0) || len(other["passkeys"].([]any)) != 0 {
		t.Fatalf("another user's factors: %v", other)
	}
	if r := f.call(t, haven.OrgVisaOffice, "GET", "/api/v1/me/factors?user="+string(u.ID), nil); r.status != 400 {
		t.Fatalf("naming a user: %d %s", r.status, r.body)
	}
}
