package api_test

import (
	"context"
	"maps"
	"strings"
	"testing"
	"time"

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

// TestOwnWork: GET /api/v1/me/work counts the work waiting on the caller's
// organisation, only the counts its kind has, each within what it may
// read; each count names its list, which holds exactly what it counts.
func TestOwnWork(t *testing.T) {
	f := newFixture(t)
	f.addOtherReferrer(t)
	f.referCase(t, "late", 1) // urgent: the file stage has 3 days
	if r := f.call(t, otherReferrer, "POST", "/api/v1/cases", referral("theirs", 1)); r.status != 201 {
		t.Fatalf("the other partner's referral: %d %s", r.status, r.body)
	}
	f.clock.Add(4 * 24 * time.Hour)
	f.referCase(t, "soon", 1)

	for _, tc := range []struct {
		kind haven.OrgKind
		want map[string]float64
	}{
		{haven.OrgVisaOffice, map[string]float64{"overdue": 2, "due_soon": 1, "awaiting_information": 0, "awaiting_checks": 0}},
		{haven.OrgReferralPartner, map[string]float64{"overdue": 1, "due_soon": 1, "awaiting_information": 0}},
		{otherReferrer, map[string]float64{"overdue": 1, "due_soon": 0, "awaiting_information": 0}},
		{haven.OrgMedicalPartner, map[string]float64{"check_requests": 0}},
		{haven.OrgSettlementOrganisation, map[string]float64{"follow_ups_due": 0}},
		{haven.OrgProgrammeAdmin, map[string]float64{}},
	} {
		w := f.ok(t, 200, tc.kind, "GET", "/api/v1/me/work", nil)
		if str(w["as_of"]) != "2026-05-08" {
			t.Errorf("%s: as of %v", tc.kind, w["as_of"])
		}
		got := map[string]float64{}
		for _, c := range w["counts"].([]any) {
			c := c.(map[string]any)
			got[str(c["kind"])] = c["count"].(float64)
			list := f.ok(t, 200, tc.kind, "GET", str(c["list"]), nil)
			n := 0.0
			if str(c["kind"]) == "check_requests" {
				for _, r := range list["requests"].([]any) {
					if r.(map[string]any)["recorded"] != true {
						n++
					}
				}
			} else {
				n = list["total"].(float64)
			}
			if n != c["count"] {
				t.Errorf("%s: %s counts %v, its list %s holds %v", tc.kind, c["kind"], c["count"], c["list"], n)
			}
		}
		if !maps.Equal(got, tc.want) {
			t.Errorf("%s: counts %v, want %v", tc.kind, got, tc.want)
		}
	}
	if r := f.call(t, haven.OrgVisaOffice, "GET", "/api/v1/me/work?org_id="+string(f.orgs[haven.OrgReferralPartner].ID), nil); r.status != 400 {
		t.Errorf("naming an organisation: %d %s", r.status, r.body)
	}
	// The list's new filters refuse what they cannot take.
	for _, bad := range []struct {
		kind   haven.OrgKind
		query  string
		status int
	}{
		{haven.OrgVisaOffice, "due_within=0", 400},
		{haven.OrgVisaOffice, "due_within=367", 400},
		{haven.OrgVisaOffice, "turn=nobody", 400},
		{haven.OrgVisaOffice, "checks_with=" + string(f.orgs[haven.OrgReferralPartner].ID), 400},
		{haven.OrgVisaOffice, "follow_up_due=maybe", 400},
		{haven.OrgReferralPartner, "checks_with=" + string(f.orgs[haven.OrgMedicalPartner].ID), 403},
		{haven.OrgSettlementOrganisation, "due_within=7", 403},
		{haven.OrgReferralPartner, "follow_up_due=true", 403},
	} {
		if r := f.call(t, bad.kind, "GET", "/api/v1/cases?"+bad.query, nil); r.status != bad.status {
			t.Errorf("%s ?%s: %d, want %d: %s", bad.kind, bad.query, r.status, bad.status, r.body)
		}
	}
}

// TestOwnNotices: GET /api/v1/me/notifications lists the caller's notices
// within what it may read, with the unread count; marking one read is the
// caller's alone; another's notice answers 404, as one that does not exist.
func TestOwnNotices(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	c := f.referCase(t, "Notice", 1)
	// The urgent file stage has 3 days: warned at 75%, past due after.
	f.clock.Add(5 * 24 * time.Hour)
	for _, w := range must(f.app.Notices.DueWatches(ctx)) {
		must(f.app.Notices.Fire(ctx, w))
	}
	got := f.ok(t, 200, haven.OrgVisaOffice, "GET", "/api/v1/me/notifications", nil)
	ns := got["notifications"].([]any)
	if got["unread"] != float64(2) || len(ns) != 2 {
		t.Fatalf("the visa office's notices: %v", got)
	}
	first := ns[0].(map[string]any)
	if first["case_id"] != c["id"] || first["case_reference"] != c["reference"] || first["due"] == nil || first["read_at"] != nil {
		t.Fatalf("a notice: %v", first)
	}
	if other := f.ok(t, 200, haven.OrgReferralPartner, "GET", "/api/v1/me/notifications", nil); other["unread"] != float64(0) ||
		len(other["notifications"].([]any)) != 0 {
		t.Fatalf("the referring partner's notices: %v", other)
	}
	id := str(first["id"])
	if r := f.call(t, haven.OrgReferralPartner, "POST", "/api/v1/me/notifications/"+id+"/read", nil); r.status != 404 {
		t.Fatalf("marking another's notice: %d %s", r.status, r.body)
	}
	after := f.ok(t, 200, haven.OrgVisaOffice, "POST", "/api/v1/me/notifications/"+id+"/read", nil)
	if after["unread"] != float64(1) {
		t.Fatalf("after marking one read: %v", after)
	}
	for _, n := range after["notifications"].([]any) {
		if n := n.(map[string]any); n["id"] == id && n["read_at"] == nil {
			t.Fatalf("the notice read has no read_at: %v", n)
		}
	}
}

// TestEscalationNotices: an emergency's stage breach and stall, escalated
// to the programme administration's supervisors, are listed for them with
// escalation set, the case's reference, the stage, its deadline and the
// priority, and no case ID; the case itself answers them as one that does
// not exist.
func TestEscalationNotices(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	admin := f.adminActor(t)
	u := &haven.User{OrgID: f.orgs[haven.OrgProgrammeAdmin].ID, Role: haven.RoleSupervisor, Username: "prog-sup", DisplayName: "Overseer"}
	must(f.app.Programme.CreateUser(ctx, admin, u))
	tok := f.token(t, admin, u.ID)
	body := referral("Escalated", 1)
	body["submission_priority"], body["processing_priority"] = "emergency", "emergency"
	c := f.ok(t, 201, haven.OrgReferralPartner, "POST", "/api/v1/cases", body)
	// The emergency file stage has a day: past it, and a day without a move.
	f.clock.Add(3 * 24 * time.Hour)
	for _, w := range must(f.app.Notices.DueWatches(ctx)) {
		must(f.app.Notices.Fire(ctx, w))
	}
	r := f.callWith(t, tok, "GET", "/api/v1/me/notifications")
	if r.status != 200 {
		t.Fatalf("GET /api/v1/me/notifications: %d %s", r.status, r.body)
	}
	got := r.json(t)
	ns := got["notifications"].([]any)
	if got["unread"] != float64(2) || len(ns) != 2 {
		t.Fatalf("the programme's supervisor's notices: %v", got)
	}
	due := obj(c["clock"])["stage_due"]
	kinds := map[any]bool{}
	for _, n := range ns {
		n := n.(map[string]any)
		kinds[n["kind"]] = true
		if _, ok := n["case_id"]; ok || n["escalation"] != true || n["case_reference"] != c["reference"] || n["stage"] != "file" ||
			n["priority"] != "emergency" || n["due"] != due {
			t.Fatalf("an escalation: %v (the case's stage is due %v)", n, due)
		}
	}
	if !kinds["stage_breach"] || !kinds["emergency_stalled"] {
		t.Fatalf("the escalations' kinds: %v", kinds)
	}
	hidden := f.callWith(t, tok, "GET", "/api/v1/cases/"+str(c["id"]))
	none := f.callWith(t, tok, "GET", "/api/v1/cases/case_nosuch")
	if hidden.status != none.status || hidden.status < 400 || obj(hidden.json(t))["detail"] != obj(none.json(t))["detail"] {
		t.Fatalf("the escalated case answers %d %s; a case that does not exist %d %s", hidden.status, hidden.body, none.status, none.body)
	}
}
