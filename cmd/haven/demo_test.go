package main

import (
	"bytes"
	"context"
	"path/filepath"
	"regexp"
	"testing"
	"time"

	"github.com/havenhrd/haven"
	"github.com/havenhrd/haven/internal/auth"
	"github.com/pquerna/otp/totp"
)

// TestDemoEnrolmentLeavesTheCurrentCode: a demo user's enrolment spends no
// code the user may give next. The code of the moment right after it (the
// one the demo's sign-in page shows, and an authenticator app shows) signs
// in.
func TestDemoEnrolmentLeavesTheCurrentCode(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	var out, errb bytes.Buffer
	keys := filepath.Join(dir, "keys.json")
	if err := run(ctx, []string{"keys", "generate", "--out", keys}, getenvOf(nil), nil, &out, &errb); err != nil {
		t.Fatal(err)
	}
	getenv := getenvOf(map[string]string{"HAVEN_KEY_FILE": keys})
	db := filepath.Join(dir, "haven.db")
	if err := run(ctx, []string{"migrate", "--db", db}, getenv, nil, &out, &errb); err != nil {
		t.Fatal(err)
	}
	e, err := open(ctx, db, getenv, &errb, false)
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	if err := e.app.Programme.Bootstrap(ctx); err != nil {
		t.Fatal(err)
	}
	if err := e.app.Programme.MarkDemo(ctx); err != nil {
		t.Fatal(err)
	}
	adm := &haven.User{Username: "admin.demo", DisplayName: "Programme administrator"}
	enrolment, err := e.app.Programme.CreateFirstAdmin(ctx, &haven.Organisation{Name: "Programme (demo)", Country: "CA"}, adm)
	if err != nil {
		t.Fatal(err)
	}
	// Far enough from a step's end that the enrolment and the sign-in
	// fall in one step.
	if left := auth.TOTPPeriod - time.Duration(time.Now().UnixNano())%auth.TOTPPeriod; left < 10*time.Second {
		time.Sleep(left)
	}
	var creds bytes.Buffer
	if err := enrolDemo(ctx, e.app, &creds, adm.Username, haven.OrgProgrammeAdmin, enrolment); err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`setup key ([A-Z2-7]+)`).FindStringSubmatch(creds.String())
	if m == nil {
		t.Fatalf("the demo's sign-in list names no setup key: %q", creds.String())
	}
	// The code shown and the app's code of the moment are compared within
	// one time step: a step that ends between them (a slow machine) is
	// tried again in the next, with a new sign-in step.
	var want string
	var step *haven.SignInStep
	var shown *haven.DemoCode
	for try := 0; ; try++ {
		now := time.Now()
		if want, err = totp.GenerateCode(m[1], now); err != nil {
			t.Fatal(err)
		}
		if step, err = e.app.Accounts.SignIn(ctx, adm.Username, DemoPassword, "127.0.0.1"); err != nil {
			t.Fatal(err)
		}
		if shown, err = e.app.Accounts.DemoCode(ctx, step.ID); err != nil {
			t.Fatal(err)
		}
		if auth.TOTPStep(time.Now()) == auth.TOTPStep(now) {
			break
		}
		if try == 2 {
			t.Fatal("three time steps ended during the look-up: the machine is too slow to tell")
		}
	}
	if shown.Code != want || shown.SetupKey != m[1] {
		t.Errorf("the sign-in page would show %q (setup key %q), the app of the moment %q (%q)", shown.Code, shown.SetupKey, want, m[1])
	}
	if _, err := e.app.Accounts.SignInTOTP(ctx, step.ID, want, "127.0.0.1"); err != nil {
		t.Fatalf("the code of the moment right after the enrolment: %v", err)
	}
}
