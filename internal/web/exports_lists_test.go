package web_test

import (
	"context"
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/havenhrd/haven"
	"github.com/havenhrd/haven/internal/store"
	"github.com/havenhrd/haven/internal/testdb"
)

// exportsOf returns the lists of the "export" events of the store's audit
// log, in order.
func exportsOf(t *testing.T, s store.Store) []string {
	t.Helper()
	var out []string
	err := s.View(context.Background(), func(tx store.Tx) error {
		es, err := tx.FindAudit(context.Background(), 0, 1_000_000)
		for _, e := range es {
			if e.Action == "export" {
				var d struct{ List string }
				if err := json.Unmarshal([]byte(e.Detail), &d); err != nil {
					return err
				}
				out = append(out, d.List)
			}
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// csvOf gets an export and checks it is a CSV attachment.
func (b *browser) csvOf(t *testing.T, path string) [][]string {
	t.Helper()
	r, body := b.get(path)
	if r.StatusCode != http.StatusOK || r.Header.Get("Content-Type") != "text/csv; charset=utf-8" ||
		!strings.HasPrefix(r.Header.Get("Content-Disposition"), "attachment;") || r.Header.Get("Cache-Control") != "no-store" {
		t.Fatalf("%s: %d %v", path, r.StatusCode, r.Header)
	}
	return readCSV(t, body)
}

// noFormula fails on a cell a spreadsheet would run.
func noFormula(t *testing.T, what string, rows [][]string) {
	t.Helper()
	for _, row := range rows {
		for _, cell := range row {
			if cell != "" && strings.ContainsRune("=+-@\t\r", rune(cell[0])) {
				t.Errorf("%s: a cell a spreadsheet runs: %q", what, cell)
			}
		}
	}
}

// TestExportNotifications: a reader's export of its notifications has the
// list's columns in its language and its notices, with a link from the
// list; a reader the notices are not for exports none, byte for byte as
// when they did not exist; the programme administration's export holds its
// escalations as the page shows them, reference and no case, nothing of the
// family; each export is audited.
func TestExportNotifications(t *testing.T) {
	s := testdb.OpenSQLite(t)
	f := newFixtureOn(t, false, s)
	adm := must(f.app.Programme.FindUserByUsername(f.ctx, "admin"))
	u := &haven.User{OrgID: adm.OrgID, Role: haven.RoleSupervisor, Username: "prog-sup", DisplayName: "Overseer"}
	enrol := must(f.app.Programme.CreateUser(f.ctx, f.admin, u))
	step := must(f.app.Accounts.Enrol(f.ctx, enrol, password))
	secret, _, next, err := f.app.Accounts.EnrolTOTPBegin(f.ctx, step.ID)
	if err != nil {
		t.Fatal(err)
	}
	must(f.app.Accounts.EnrolTOTPFinish(f.ctx, next.ID, f.code(secret)))
	sup := &user{name: u.Username, secret: secret, actor: haven.Actor{UserID: u.ID}}

	c := f.refer(t, "Notice", 2, haven.PriorityEmergency)
	unhcr := f.browser(t)
	unhcr.signIn(f.users[haven.OrgReferralPartner])
	_, before := unhcr.get("/notifications.csv")
	f.clock.Add(3 * 24 * time.Hour)
	f.fireDue(t)
	unhcr = f.browser(t) // the session of three days ago has ended
	unhcr.signIn(f.users[haven.OrgReferralPartner])
	if _, after := unhcr.get("/notifications.csv"); after != before {
		t.Errorf("the referring partner's export changes with notices not its own:\n%q\n%q", before, after)
	}

	visa := f.browser(t)
	visa.signIn(f.users[haven.OrgVisaOffice])
	for _, lang := range []string{"", "?lang=fr"} {
		_, page := visa.get("/notifications" + lang)
		if !strings.Contains(page, `href="/notifications.csv"`) {
			t.Errorf("the notifications page has no link to its export")
		}
		rows := visa.csvOf(t, "/notifications.csv"+lang)
		if cols := pageColumns(page); !slices.Equal(rows[0], cols) {
			t.Errorf("%s: the export's columns\n%q\nthe page's\n%q", lang, rows[0], cols)
		}
		if len(rows) < 2 {
			t.Fatalf("the visa office's export: %q", rows)
		}
		for _, row := range rows[1:] {
			if row[2] != c.Reference {
				t.Errorf("a notice of the visa office: %q", row)
			}
		}
	}
	visa.get("/notifications?lang=en")

	b := f.browser(t)
	b.signIn(sup)
	rows := b.csvOf(t, "/notifications.csv")
	all := strings.Join(slices.Concat(rows...), "|")
	if len(rows) != 3 || !strings.Contains(all, "Escalated to the programme administration.") || !strings.Contains(all, c.Reference) {
		t.Errorf("the escalations' export: %q", rows)
	}
	for _, leak := range []string{string(c.ID), "FamilyNotice", "Member0", "A stage deadline is near"} {
		if strings.Contains(all, leak) {
			t.Errorf("the escalations' export holds %q", leak)
		}
	}
	if got := exportsOf(t, s); !slices.Equal(got, []string{"notifications", "notifications", "notifications", "notifications", "notifications"}) {
		t.Errorf("export events: %v", got)
	}
}

// TestExportAdministration: the organisations, users and API tokens are
// exported, with a link from each list, as their pages list them, in the
// reader's language, with formulas neutralised and never a token, its hash
// or an enrolment link; anyone but the programme's administration finds
// no such page, as for a page that does not exist, and nothing is
// exported; each export is audited.
func TestExportAdministration(t *testing.T) {
	s := testdb.OpenSQLite(t)
	f := newFixtureOn(t, false, s)
	admin := f.programmeAdmin(t)
	evil := &haven.Organisation{Kind: haven.OrgReferralPartner, Name: `=HYPERLINK("http://evil.example/","Open")`, Country: "CH"}
	if err := f.app.Programme.CreateOrganisation(f.ctx, f.admin, evil); err != nil {
		t.Fatal(err)
	}
	u := &haven.User{OrgID: evil.ID, Role: haven.RoleCaseworker, Username: "api-system", DisplayName: "@SUM(1+1)"}
	enrolment := must(f.app.Programme.CreateUser(f.ctx, f.admin, u))
	token, id, err := f.app.Accounts.CreateAPIToken(f.ctx, f.admin, u.ID, "+cmd|' /C calc'!A0", 30*24*time.Hour)
	if err != nil {
		t.Fatal(err)
	}

	// Anyone else: the page that does not exist, and nothing exported.
	for _, kind := range []haven.OrgKind{haven.OrgReferralPartner, haven.OrgVisaOffice} {
		b := f.browser(t)
		b.signIn(f.users[kind])
		nr, none := b.get("/admin/nosuch")
		for _, path := range []string{"/admin/organisations.csv", "/admin/users.csv", "/admin/tokens.csv"} {
			if r, body := b.get(path); r.StatusCode != nr.StatusCode || title(body) != title(none) || strings.Contains(body, "api-system") {
				t.Errorf("%s, %s: %d %q", kind, path, r.StatusCode, title(body))
			}
		}
	}
	if got := exportsOf(t, s); len(got) != 0 {
		t.Errorf("refused exports recorded: %v", got)
	}

	b := f.browser(t)
	b.signIn(admin)
	for _, lang := range []string{"", "?lang=fr"} {
		for _, l := range []struct{ page, csv, want string }{
			{"/admin/organisations", "/admin/organisations.csv", evil.Name},
			{"/admin/users", "/admin/users.csv", u.DisplayName},
			{"/admin/tokens", "/admin/tokens.csv", string(id)},
		} {
			_, page := b.get(l.page + lang)
			if !strings.Contains(page, `href="`+l.csv+`"`) {
				t.Errorf("%s has no link to its export", l.page)
			}
			rows := b.csvOf(t, l.csv+lang)
			cols := pageColumns(page)
			if l.page != "/admin/organisations" {
				cols = cols[:len(cols)-1] // the links' column
			}
			if !slices.Equal(rows[0], cols) {
				t.Errorf("%s%s: the export's columns\n%q\nthe page's\n%q", l.csv, lang, rows[0], cols)
			}
			noFormula(t, l.csv, rows)
			all := strings.Join(slices.Concat(rows...), "|")
			if !strings.Contains(all, l.want) {
				t.Errorf("%s lacks %q: %q", l.csv, l.want, rows)
			}
			for _, secret := range []string{token, enrolment, "enrol?secret"} {
				if strings.Contains(all, secret) {
					t.Errorf("%s holds a secret", l.csv)
				}
			}
		}
	}
	b.get("/admin?lang=en")
	rows := b.csvOf(t, "/admin/tokens.csv")
	if len(rows) != 2 || rows[1][0] != string(id) || rows[1][1] != "api-system" || rows[1][2] != "'+cmd|' /C calc'!A0" || rows[1][6] != "Active" {
		t.Errorf("the tokens' export: %q", rows)
	}
	rows = b.csvOf(t, "/admin/users.csv")
	if !slices.ContainsFunc(rows, func(r []string) bool {
		return r[0] == "api-system" && r[1] == "'@SUM(1+1)" && r[4] == "Not yet enrolled"
	}) {
		t.Errorf("the users' export: %q", rows)
	}
	want := []string{"organisations", "users", "tokens", "organisations", "users", "tokens", "tokens", "users"}
	if got := exportsOf(t, s); !slices.Equal(got, want) {
		t.Errorf("export events: %v, want %v", got, want)
	}
}
