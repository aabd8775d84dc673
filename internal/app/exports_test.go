package app_test

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/havenhrd/haven"
	"github.com/havenhrd/haven/internal/app"
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
