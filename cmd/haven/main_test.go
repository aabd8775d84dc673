package main

import (
	"bytes"
	"context"
	"database/sql"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/havenhrd/haven"
	"github.com/havenhrd/haven/internal/app"
	"github.com/havenhrd/haven/internal/store"
)

func getenvOf(vals map[string]string) func(string) string {
	return func(k string) string { return vals[k] }
}

// TestDemoServeAndRefusals runs the command end to end: a demo database is
// seeded; serve answers /healthz and /readyz; serve refuses a database with
// an out-of-date schema; demo refuses a database that is not a demo.
func TestDemoServeAndRefusals(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	var out, errb bytes.Buffer
	if err := run(ctx, []string{"demo", "--dir", dir, "--seed-only"}, getenvOf(nil), nil, &out, &errb); err != nil {
		t.Fatalf("demo: %v\n%s", err, errb.String())
	}
	if !strings.Contains(out.String(), "seeded with 40 synthetic cases") {
		t.Fatalf("demo said %q", out.String())
	}
	keys := filepath.Join(dir, "keys.json")
	if st, err := os.Stat(keys); err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("key file: %v %v", st.Mode(), err)
	}
	// A second demo run on the same directory serves the same database without reseeding.
	out.Reset()
	if err := run(ctx, []string{"demo", "--dir", dir, "--seed-only"}, getenvOf(nil), nil, &out, &errb); err != nil || strings.Contains(out.String(), "seeded") {
		t.Fatalf("second demo run: %v %q", err, out.String())
	}

	sctx, cancel := context.WithCancel(ctx)
	pr, pw, _ := os.Pipe()
	done := make(chan error, 1)
	go func() {
		done <- run(sctx, []string{"serve", "--db", filepath.Join(dir, "haven.db"), "--addr", "127.0.0.1:0"}, getenvOf(map[string]string{"HAVEN_KEY_FILE": keys}), nil, pw, &errb)
		pw.Close()
	}()
	line := make([]byte, 200)
	n, _ := pr.Read(line)
	addr := regexp.MustCompile(`http://[0-9.:]+`).FindString(string(line[:n]))
	if addr == "" {
		cancel()
		t.Fatalf("serve printed %q", line[:n])
	}
	for _, p := range []string{"/healthz", "/readyz"} {
		var resp *http.Response
		var err error
		for range 50 {
			if resp, err = http.Get(addr + p); err == nil {
				break
			}
			time.Sleep(20 * time.Millisecond)
		}
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 200 || resp.Header.Get("X-Content-Type-Options") != "nosniff" {
			t.Fatalf("%s: %d %v", p, resp.StatusCode, resp.Header)
		}
	}
	// The demo users sign in with the demo passphrase (then a TOTP code).
	body := strings.NewReader(`{"username":"visa.demo","password":"` + DemoPassword + `"}`)
	req, _ := http.NewRequest("POST", addr+"/api/v1/signin", body)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	answer, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(answer), `"totp"`) {
		t.Fatalf("demo sign-in: %d %s", resp.StatusCode, answer)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("serve: %v", err)
	}

	// An unmigrated database: serve refuses to start.
	empty := filepath.Join(t.TempDir(), "empty.db")
	err = run(ctx, []string{"serve", "--db", empty, "--addr", "127.0.0.1:0"}, getenvOf(map[string]string{"HAVEN_KEY_FILE": keys}), nil, &out, &errb)
	if err == nil || !strings.Contains(err.Error(), "haven migrate") {
		t.Fatalf("serve on an unmigrated database: %v", err)
	}
	// A database that is not a demo: demo refuses it.
	other := t.TempDir()
	if err := run(ctx, []string{"migrate", "--db", filepath.Join(other, "haven.db")}, getenvOf(map[string]string{"HAVEN_KEY_FILE": keys}), nil, &out, &errb); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(keys)
	os.WriteFile(filepath.Join(other, "keys.json"), b, 0o600)
	err = run(ctx, []string{"demo", "--dir", other, "--seed-only"}, getenvOf(nil), nil, &out, &errb)
	if err == nil || !strings.Contains(err.Error(), "not a demo database") {
		t.Fatalf("demo on a real database: %v", err)
	}
}

// TestKeysFromEnvironmentOnly: no keys, or a key file others can read, stop
// the command; rules set needs a named actor and is refused for bad input.
func TestKeysAndRules(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	var out, errb bytes.Buffer
	db := filepath.Join(dir, "h.db")
	if err := run(ctx, []string{"migrate", "--db", db}, getenvOf(nil), nil, &out, &errb); err == nil || !strings.Contains(err.Error(), "HAVEN_KEY_FILE") {
		t.Fatalf("migrate without keys: %v", err)
	}
	keys := filepath.Join(dir, "keys.json")
	if err := run(ctx, []string{"keys", "generate", "--out", keys}, getenvOf(nil), nil, &out, &errb); err != nil {
		t.Fatal(err)
	}
	if err := run(ctx, []string{"keys", "generate", "--out", keys}, getenvOf(nil), nil, &out, &errb); err == nil {
		t.Fatal("keys generate overwrote a key file")
	}
	os.Chmod(keys, 0o644)
	e := getenvOf(map[string]string{"HAVEN_KEY_FILE": keys})
	if err := run(ctx, []string{"migrate", "--db", db}, e, nil, &out, &errb); err == nil || !strings.Contains(err.Error(), "readable by others") {
		t.Fatalf("migrate with a world-readable key file: %v", err)
	}
	os.Chmod(keys, 0o600)
	for _, args := range [][]string{
		{"migrate", "--db", db},
		{"init", "--db", db, "--org", "IRCC programme", "--username", "ada", "--name", "Ada"},
		{"rules", "set", "--db", db, "--year", "2028", "--cap", "600", "--handover-days", "60", "--stage-days", "admissibility:urgent=20", "--as", "ada"},
		{"keys", "rotate", "--db", db, "--as", "ada"},
	} {
		out.Reset()
		if err := run(ctx, args, e, nil, &out, &errb); err != nil {
			t.Fatalf("%v: %v", args, err)
		}
	}
	out.Reset()
	if err := run(ctx, []string{"rules", "show", "--db", db, "--year", "2028", "--as", "ada"}, e, nil, &out, &errb); err != nil || !strings.Contains(out.String(), "cap: 600 persons") ||
		!strings.Contains(out.String(), "handover: 60 days after arrival") || !strings.Contains(out.String(), "stage admissibility: emergency 3 urgent 20 normal") {
		t.Fatalf("rules show: %v %q", err, out.String())
	}
	for _, bad := range [][]string{
		{"rules", "set", "--db", db, "--year", "2028", "--cap", "600"},
		{"rules", "set", "--db", db, "--year", "2028", "--cap", "-5", "--target", "emergency=30", "--as", "ada"},
		{"rules", "set", "--db", db, "--year", "2028", "--allocation", "nonsense", "--as", "ada"},
		{"rules", "set", "--db", db, "--year", "2028", "--handover-days", "366", "--as", "ada"},
		{"rules", "set", "--db", db, "--year", "2028", "--handover-days", "-1", "--as", "ada"},
		{"rules", "set", "--db", db, "--year", "2028", "--stage-days", "admissibility=3", "--as", "ada"},
		{"rules", "set", "--db", db, "--year", "2028", "--stage-days", "file:emergency=5", "--as", "ada"}, // 5+2+3+1 > 7
		{"rules", "frobnicate"},
		{"nosuchcommand"},
	} {
		if err := run(ctx, bad, e, nil, &out, &errb); err == nil {
			t.Errorf("%v succeeded", bad)
		}
	}
}

// TestProvisioningAndAudit: organisations, users and tokens from the
// command line; enrolment secrets printed, never passwords; the audit log
// verifies, proves and scopes from the command line, and a tampered log is
// named.
func TestProvisioningAndAudit(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	var out, errb bytes.Buffer
	db := filepath.Join(dir, "h.db")
	keys := filepath.Join(dir, "keys.json")
	e := getenvOf(map[string]string{"HAVEN_KEY_FILE": keys})
	do := func(args ...string) string {
		t.Helper()
		out.Reset()
		if err := run(ctx, args, e, nil, &out, &errb); err != nil {
			t.Fatalf("%v: %v\n%s", args, err, errb.String())
		}
		return out.String()
	}
	do("keys", "generate", "--out", keys)
	do("migrate", "--db", db)
	if s := do("init", "--db", db, "--org", "IRCC programme", "--username", "ada", "--name", "Ada"); !strings.Contains(s, "he_") {
		t.Fatalf("init printed no enrolment secret: %q", s)
	}
	orgOut := do("org", "create", "--db", db, "--as", "ada", "--kind", "referral_partner", "--name", "UNHCR", "--country", "CH")
	orgID := regexp.MustCompile(`org_[a-z2-7]+`).FindString(orgOut)
	if s := do("user", "create", "--db", db, "--as", "ada", "--org", orgID, "--username", "karin", "--name", "Karin"); !strings.Contains(s, "he_") || strings.Contains(strings.ToLower(s), "password") {
		t.Fatalf("user create printed %q", s)
	}
	tokOut := do("token", "create", "--db", db, "--as", "ada", "--user", "karin", "--name", "proGres", "--days", "30")
	if !strings.Contains(tokOut, "ht_") {
		t.Fatalf("token create printed %q", tokOut)
	}
	tokID := regexp.MustCompile(`tok_[a-z2-7]+`).FindString(tokOut)
	do("token", "revoke", "--db", db, "--as", "ada", "--id", tokID)
	do("user", "disable", "--db", db, "--as", "ada", "--username", "karin")
	for _, bad := range [][]string{
		{"org", "create", "--db", db, "--as", "ada", "--kind", "government", "--name", "X"},
		{"user", "create", "--db", db, "--as", "karin", "--org", orgID, "--username", "x1", "--name", "X"},
		{"token", "create", "--db", db, "--as", "ada", "--user", "karin", "--name", "x", "--days", "999"},
		{"token", "revoke", "--db", db, "--as", "ada", "--id", tokID},
	} {
		if err := run(ctx, bad, e, nil, &out, &errb); err == nil {
			t.Errorf("%v succeeded", bad)
		}
	}
	if s := do("audit", "verify", "--db", db); !strings.Contains(s, "audit log verified") {
		t.Fatalf("verify: %q", s)
	}
	proof := do("audit", "prove", "3", "--db", db)
	vkey := strings.TrimSpace(do("audit", "pubkey"))
	out.Reset()
	if err := run(ctx, []string{"audit", "check", "--key", vkey}, e, strings.NewReader(proof), &out, &errb); err != nil || !strings.Contains(out.String(), "proof checks") {
		t.Fatalf("check: %v %q", err, out.String())
	}
	tampered := strings.Replace(proof, `"index": 2`, `"index": 3`, 1)
	if err := run(ctx, []string{"audit", "check", "--key", vkey}, e, strings.NewReader(tampered), &out, &errb); err == nil {
		t.Fatal("a tampered proof checked")
	}
	if s := do("audit", "scope", "--db", db, "--user", "ada", "--from", "2020-01-01T00:00:00Z", "--to", "2100-01-01T00:00:00Z"); !strings.Contains(s, `"entries"`) {
		t.Fatalf("scope: %q", s)
	}
	// Tamper with the log behind Haven's back: verify names the event.
	raw, err := sql.Open("sqlite", "file:"+db)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := raw.Exec(`UPDATE audit_outbox SET action = 'nothing' WHERE seq = 4`); err != nil {
		t.Fatal(err)
	}
	raw.Close()
	out.Reset()
	err = run(ctx, []string{"audit", "verify", "--db", db}, e, nil, &out, &errb)
	if err == nil || !strings.Contains(out.String(), "TAMPERED at event 4") {
		t.Fatalf("verify of a tampered log: %v %q", err, out.String())
	}
}

// TestDemoClocks: the demo's cases are referred over the past year, so
// that the visa office's work queue, as its caseworker reads it through the
// app, holds a case past its stage's deadline, one due within a week and
// one on time.
func TestDemoClocks(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	var out, errb bytes.Buffer
	if err := run(ctx, []string{"demo", "--dir", dir, "--seed-only"}, getenvOf(nil), nil, &out, &errb); err != nil {
		t.Fatalf("demo: %v\n%s", err, errb.String())
	}
	e, err := open(ctx, filepath.Join(dir, "haven.db"), getenvOf(map[string]string{"HAVEN_KEY_FILE": filepath.Join(dir, "keys.json")}), io.Discard, true)
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	var visa haven.Actor
	if err := e.db.View(ctx, func(tx store.Tx) error {
		u, err := tx.FindUserByUsername(ctx, "visa.demo")
		visa = haven.Actor{UserID: u.ID}
		return err
	}); err != nil {
		t.Fatal(err)
	}
	// The visa office's queue, page by page: its open cases.
	var queue []*haven.Case
	for f := (app.CaseFilter{Limit: 10}); ; {
		page, err := e.app.Cases.FindCasePage(ctx, visa, f)
		if err != nil {
			t.Fatal(err)
		}
		queue = append(queue, page.Cases...)
		if f.After = page.Next; f.After == "" {
			break
		}
	}
	now := haven.SystemClock{}.Now()
	today := haven.DateOf(now)
	var overdue, soon, onTime int
	quarters := map[int]bool{} // of the past year, by the referrals' age
	for _, c := range queue {
		quarters[int(now.Sub(c.ReferredAt).Hours()/24)/91] = true
		days, ok := c.CaseClock.DaysLeft(today)
		switch {
		case !ok:
		case days < 0:
			overdue++
		case days <= 7:
			soon++
		default:
			onTime++
		}
	}
	if overdue == 0 || soon == 0 || onTime == 0 || !quarters[0] || !quarters[1] || !quarters[2] || !quarters[3] {
		t.Fatalf("the visa office's queue of %d demo cases: %d overdue, %d due within a week, %d on time; referred in the quarters %v of the past year",
			len(queue), overdue, soon, onTime, quarters)
	}
	t.Logf("the visa office's queue of %d demo cases: %d overdue, %d due within a week, %d on time", len(queue), overdue, soon, onTime)
	// The cases in interview have one each, with plausible details: a
	// place or a link, a zone, someone attending, within the target date.
	var interviews int
	for _, c := range queue {
		if c.State != haven.StateInterview {
			continue
		}
		r, err := e.app.Cases.FindCaseByID(ctx, visa, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		iv := r.Interview
		if iv == nil || iv.Zone == "" || iv.Place == "" && iv.Link == "" || len(iv.Attending) == 0 || iv.Date.After(r.TargetDate) ||
			iv.Interpreter && iv.InterpreterLanguage == "" {
			t.Errorf("demo case %s in interview: %+v", c.Reference, iv)
		}
		interviews++
	}
	if interviews == 0 {
		t.Error("the demo has no case in interview")
	}
}
