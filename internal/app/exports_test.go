package app_test

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/havenhrd/haven"
	"github.com/havenhrd/haven/internal/app"
	"github.com/havenhrd/haven/internal/store"
)

// TestExportIsTheListAndAudited: an export holds the list as its reader
// sees it, every page of it (a page is 500 here, the list 3 cases, so the
// test pages by a small limit), never another organisation's case; a case
// that exists but is not the reader's answers as one that does not exist;
// and each export writes one "export" event naming the list, the filters
// on (never their values) and the rows, and nothing personal.
func TestExportIsTheListAndAudited(t *testing.T) {
	forEngine(t, func(t *testing.T, e *env) {
		other := &haven.Organisation{Kind: haven.OrgReferralPartner, Name: "Other referral partner", Country: "CH"}
		noErr(t, e.app.Programme.CreateOrganisation(e.ctx, e.admin, other))
		ou := &haven.User{OrgID: other.ID, Role: haven.RoleCaseworker, Username: "other-worker", DisplayName: "Other worker"}
		must[string](t)(e.app.Programme.CreateUser(e.ctx, e.admin, ou))
		otherActor := haven.Actor{UserID: ou.ID}

		var mine []*haven.Case
		for _, tag := range []string{"Ex1", "Ex2", "Ex3"} {
			mine = append(mine, e.refer(t, referral(tag, 2, haven.PriorityNormal)))
		}
		theirs := referral("Theirs", 1, haven.PriorityUrgent)
		noErr(t, e.app.Cases.CreateReferral(e.ctx, otherActor, theirs))

		before := len(e.auditEvents(t))
		got := must[[]*haven.Case](t)(e.app.Cases.ExportCases(e.ctx, e.unhcr, app.CaseFilter{Limit: 1}))
		var refs []string
		for _, c := range got {
			refs = append(refs, c.Reference)
			if c.ReferringOrgID != e.orgs[haven.OrgReferralPartner].ID {
				t.Errorf("UNHCR's export holds another organisation's case %s", c.Reference)
			}
		}
		for _, c := range mine {
			if !slices.Contains(refs, c.Reference) {
				t.Errorf("UNHCR's export lacks its case %s: %v", c.Reference, refs)
			}
		}
		if slices.Contains(refs, theirs.Reference) || len(got) != len(mine) {
			t.Errorf("UNHCR's export: %v", refs)
		}
		// The list's page and the export agree, case by case and field by
		// field.
		page := must[*haven.CasePage](t)(e.app.Cases.FindCasePage(e.ctx, e.unhcr, app.CaseFilter{}))
		a, _ := json.Marshal(page.Cases)
		b, _ := json.Marshal(got)
		if string(a) != string(b) {
			t.Errorf("the export is not the list:\n%s\n%s", a, b)
		}
		// Exists but not yours: a search for the other partner's case
		// answers as a search for no case at all.
		for _, q := range []string{theirs.UNHCRNumber, theirs.Reference, "FamilyTheirs", "UNH-NONE-99999", "HRD-2026-ZZZZZZ"} {
			got := must[[]*haven.Case](t)(e.app.Cases.ExportCases(e.ctx, e.unhcr, app.CaseFilter{Search: q}))
			if len(got) != 0 {
				t.Errorf("search %q: %d cases", q, len(got))
			}
		}
		// The visa office reads them all.
		all := must[[]*haven.Case](t)(e.app.Cases.ExportCases(e.ctx, e.visa, app.CaseFilter{}))
		if len(all) != 4 {
			t.Errorf("the visa office's export: %d cases", len(all))
		}
		// A filter outside the view is refused, as on the list.
		_, err := e.app.Cases.ExportCases(e.ctx, e.settlement, app.CaseFilter{Priority: haven.PriorityUrgent})
		wantCode(t, err, haven.EFORBIDDEN)

		events := e.auditEvents(t)[before:]
		var exports []*haven.AuditEvent
		for _, ev := range events {
			if ev.Action == "export" {
				exports = append(exports, ev)
			}
		}
		if len(exports) != 7 { // UNHCR's export, five searches, the visa office's
			t.Fatalf("%d export events, want 7", len(exports))
		}
		var d struct {
			List    string   `json:"list"`
			Rows    int      `json:"rows"`
			Filters []string `json:"filters"`
		}
		if err := json.Unmarshal([]byte(exports[0].Detail), &d); err != nil || d.List != "cases" || d.Rows != 3 || len(d.Filters) != 0 ||
			exports[0].ActorOrgID != e.orgs[haven.OrgReferralPartner].ID || exports[0].Decision != "allow" {
			t.Errorf("export event: %+v %s", exports[0], exports[0].Detail)
		}
		for _, ev := range exports[1:6] {
			if !strings.Contains(ev.Detail, `"search"`) {
				t.Errorf("a search's export does not say it searched: %s", ev.Detail)
			}
			for _, q := range []string{theirs.UNHCRNumber, "FamilyTheirs", "UNH-NONE"} {
				if strings.Contains(ev.Detail, q) {
					t.Errorf("the export event holds the search %q: %s", q, ev.Detail)
				}
			}
		}

		// Nominations and checks are recorded too.
		before = len(e.auditEvents(t))
		must[[]*haven.Nomination](t)(e.app.Nominations.ExportNominations(e.ctx, e.fld, ""))
		if _, _, err := e.app.Cases.ExportAssignedWork(e.ctx, e.screening); err != nil {
			t.Fatal(err)
		}
		var lists []string
		for _, ev := range e.auditEvents(t)[before:] {
			if ev.Action == "export" {
				var d struct{ List string }
				json.Unmarshal([]byte(ev.Detail), &d)
				lists = append(lists, d.List)
			}
		}
		if !slices.Equal(lists, []string{"nominations", "checks"}) {
			t.Errorf("export events: %v", lists)
		}
	})
}

// exportEvents returns the lists of the "export" events after the first
// before events of the log.
func exportEvents(t *testing.T, e *env, before int) []string {
	t.Helper()
	var lists []string
	for _, ev := range e.auditEvents(t)[before:] {
		if ev.Action == "export" {
			var d struct {
				List    string
				Filters []string
			}
			if err := json.Unmarshal([]byte(ev.Detail), &d); err != nil || d.Filters == nil {
				t.Errorf("export event: %s", ev.Detail)
			}
			lists = append(lists, d.List)
		}
	}
	return lists
}

// TestExportNotifications: a reader's export of its notifications is its
// list, never a notice addressed to another organisation, nor one
// addressed to it about a case it may not read (that export is the same
// as if the notice did not exist); the programme administration's holds
// its escalations without their case; each export is audited.
func TestExportNotifications(t *testing.T) {
	forEngine(t, func(t *testing.T, e *env) {
		other := &haven.Organisation{Kind: haven.OrgReferralPartner, Name: "Other referral partner", Country: "CH"}
		noErr(t, e.app.Programme.CreateOrganisation(e.ctx, e.admin, other))
		ou := &haven.User{OrgID: other.ID, Role: haven.RoleCaseworker, Username: "other-worker", DisplayName: "Other worker"}
		must[string](t)(e.app.Programme.CreateUser(e.ctx, e.admin, ou))
		otherActor := haven.Actor{UserID: ou.ID}
		mine := e.refer(t, referral("Mine", 1, haven.PriorityEmergency))
		theirs := referral("Theirs", 1, haven.PriorityEmergency)
		noErr(t, e.app.Cases.CreateReferral(e.ctx, otherActor, theirs))
		progSup := e.user(t, haven.OrgProgrammeAdmin, haven.RoleSupervisor, "prog-sup")

		notify := func(id haven.ID, c *haven.Case, to store.Recipient) {
			noErr(t, e.store.Update(e.ctx, func(tx store.Tx) error {
				_, err := tx.CreateNotification(e.ctx, &store.NotificationRow{ID: id, DedupeKey: string(id), Kind: haven.NoticeStageBreach, CaseID: c.ID,
					Due: haven.DateOf(e.clock.Now()), Stage: haven.StageFile, Priority: haven.PriorityEmergency, CreatedAt: e.clock.Now()}, []store.Recipient{to})
				return err
			}))
		}
		us := store.Recipient{OrgID: e.orgs[haven.OrgReferralPartner].ID, Role: haven.RoleCaseworker}
		notify("ntc_mine", mine, us)
		notify("ntc_theirs", theirs, store.Recipient{OrgID: other.ID, Role: haven.RoleCaseworker})
		before := len(e.auditEvents(t))
		without := must[*haven.Notifications](t)(e.app.Notices.ExportNotifications(e.ctx, e.unhcr))
		// Addressed to UNHCR, about a case it may not read.
		notify("ntc_not_yours", theirs, us)
		notify("ntc_escalated", theirs, store.Recipient{OrgID: e.orgs[haven.OrgProgrammeAdmin].ID, Role: haven.RoleSupervisor})
		with := must[*haven.Notifications](t)(e.app.Notices.ExportNotifications(e.ctx, e.unhcr))
		a, _ := json.Marshal(without)
		b, _ := json.Marshal(with)
		if string(a) != string(b) {
			t.Errorf("a notice about another's case changes the export:\n%s\n%s", a, b)
		}
		if len(with.Items) != 1 || with.Items[0].ID != "ntc_mine" || strings.Contains(string(b), theirs.Reference) {
			t.Errorf("UNHCR's export: %s", b)
		}
		page := must[*haven.Notifications](t)(e.app.Notices.FindNotifications(e.ctx, e.unhcr))
		if p, _ := json.Marshal(page); string(p) != string(b) {
			t.Errorf("the export is not the list:\n%s\n%s", p, b)
		}
		prog := must[*haven.Notifications](t)(e.app.Notices.ExportNotifications(e.ctx, progSup))
		if len(prog.Items) != 1 || prog.Items[0].ID != "ntc_escalated" || !prog.Items[0].Escalation || prog.Items[0].CaseID != "" {
			t.Errorf("the programme's export: %+v", prog.Items)
		}
		if got := exportEvents(t, e, before); !slices.Equal(got, []string{"notifications", "notifications", "notifications"}) {
			t.Errorf("export events: %v", got)
		}
	})
}

// TestExportAdministration: the lists of organisations, users and API
// tokens are exported by the programme's administration alone (anyone
// else is refused, and nothing is recorded as exported), hold every row
// and no secret (no token, no hash, no enrolment secret), and are audited.
func TestExportAdministration(t *testing.T) {
	forEngine(t, func(t *testing.T, e *env) {
		u := &haven.User{OrgID: e.orgs[haven.OrgVisaOffice].ID, Role: haven.RoleCaseworker, Username: "api-user", DisplayName: "=cmd|' /C calc'!A0"}
		enrolment := must[string](t)(e.app.Programme.CreateUser(e.ctx, e.admin, u))
		token, id, err := e.app.Accounts.CreateAPIToken(e.ctx, e.admin, u.ID, "Case system", 30*24*time.Hour)
		noErr(t, err)
		before := len(e.auditEvents(t))
		for _, actor := range []haven.Actor{e.unhcr, e.visa, e.settlement} {
			_, err := e.app.Programme.ExportOrganisations(e.ctx, actor)
			wantCode(t, err, haven.EFORBIDDEN)
			_, err = e.app.Accounts.ExportAccounts(e.ctx, actor)
			wantCode(t, err, haven.EFORBIDDEN)
			_, err = e.app.Accounts.ExportAPITokens(e.ctx, actor)
			wantCode(t, err, haven.EFORBIDDEN)
		}
		if got := exportEvents(t, e, before); len(got) != 0 {
			t.Errorf("refused exports recorded: %v", got)
		}
		orgs := must[[]*haven.Organisation](t)(e.app.Programme.ExportOrganisations(e.ctx, e.admin))
		all := must[[]*haven.Organisation](t)(e.app.Programme.FindOrganisations(e.ctx, e.admin, ""))
		if len(orgs) != len(all) || len(orgs) < 7 {
			t.Errorf("organisations: %d of %d", len(orgs), len(all))
		}
		accounts := must[[]*haven.Account](t)(e.app.Accounts.ExportAccounts(e.ctx, e.admin))
		listed := must[[]*haven.Account](t)(e.app.Accounts.FindAccounts(e.ctx, e.admin, ""))
		ka, _ := json.Marshal(accounts)
		kl, _ := json.Marshal(listed)
		if string(ka) != string(kl) {
			t.Errorf("the users' export is not the list")
		}
		tokens := must[[]*haven.APIToken](t)(e.app.Accounts.ExportAPITokens(e.ctx, e.admin))
		if len(tokens) != 1 || tokens[0].ID != id || tokens[0].Username != "api-user" || tokens[0].Name != "Case system" {
			t.Errorf("tokens: %+v", tokens)
		}
		kt, _ := json.Marshal(tokens)
		for _, secret := range []string{token, enrolment} {
			if strings.Contains(string(ka)+string(kt), secret) {
				t.Errorf("an export holds a secret")
			}
		}
		if strings.Contains(strings.ToLower(string(kt)), "hash") {
			t.Errorf("the tokens' export has a hash: %s", kt)
		}
		if got := exportEvents(t, e, before); !slices.Equal(got, []string{"organisations", "users", "tokens"}) {
			t.Errorf("export events: %v", got)
		}
	})
}
