package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/havenhrd/haven"
)

// fireDue fires every deadline due now, as the jobs do.
func (f *fixture) fireDue(t *testing.T) {
	t.Helper()
	for _, w := range must(f.app.Notices.DueWatches(f.ctx)) {
		must(f.app.Notices.Fire(f.ctx, w))
	}
}

// TestNotificationsPages: the header of every page counts the viewer's
// unread notices; the list names what needs the viewer and the case's
// reference, links to the case, in English and French, and names no one;
// marking one read lowers the count; a reader the notice is not for sees
// none and cannot mark it.
func TestNotificationsPages(t *testing.T) {
	f := newFixture(t, false)
	c := f.refer(t, "Notice", 2, haven.PriorityEmergency)
	f.clock.Add(19 * time.Hour)
	f.fireDue(t)

	visa := f.browser(t)
	home := visa.signIn(f.users[haven.OrgVisaOffice])
	if !strings.Contains(squash(home), "Notifications (1 unread)") {
		t.Fatalf("the header does not count the unread notice:\n%s", squash(home))
	}
	_, body := visa.get("/cases")
	if !strings.Contains(squash(body), "Notifications (1 unread)") {
		t.Fatal("the case list's header does not count the unread notice")
	}
	_, body = visa.get("/notifications")
	if title(body) != "Notifications – Haven" && !strings.HasPrefix(title(body), "Notifications") {
		t.Fatalf("title %q", title(body))
	}
	for _, want := range []string{"A stage deadline is near", c.Reference, `href="/cases/` + string(c.ID) + `"`, "Unread: 1."} {
		if !strings.Contains(body, want) {
			t.Fatalf("the list lacks %q:\n%s", want, squash(body))
		}
	}
	if strings.Contains(body, "FamilyNotice") || strings.Contains(body, "Member0") {
		t.Fatal("the list names a person")
	}
	_, fr := visa.get("/notifications?lang=fr")
	if !strings.Contains(squash(fr), "Une échéance d'étape approche") || !strings.Contains(squash(fr), "Notifications (1 non lues)") {
		t.Fatalf("the French list:\n%s", squash(fr))
	}
	visa.get("/notifications?lang=en")
	id := must(f.app.Notices.FindNotifications(f.ctx, f.users[haven.OrgVisaOffice].actor)).Items[0].ID

	// The referring partner is not told, and cannot mark another's notice.
	unhcr := f.browser(t)
	home = unhcr.signIn(f.users[haven.OrgReferralPartner])
	if strings.Contains(squash(home), "unread") {
		t.Fatalf("the referring partner's header counts a notice:\n%s", squash(home))
	}
	_, body = unhcr.get("/notifications")
	if strings.Contains(body, c.Reference) || !strings.Contains(body, "You have no notifications.") {
		t.Fatalf("the referring partner's list:\n%s", squash(body))
	}
	if r, _ := unhcr.post("/notifications/"+string(id)+"/read", url.Values{}); r.StatusCode != http.StatusNotFound {
		t.Fatalf("marking another's notice: %d", r.StatusCode)
	}

	r, body := visa.post("/notifications/"+string(id)+"/read", url.Values{})
	if r.StatusCode != 200 || r.Request.URL.Path != "/notifications" || !strings.Contains(body, "The notification is marked as read.") ||
		strings.Contains(squash(body), "(1 unread)") || !strings.Contains(body, "Unread: 0.") {
		t.Fatalf("after marking read: %d %s\n%s", r.StatusCode, r.Request.URL, squash(body))
	}
}

// TestNoticePrefsPage: each user chooses email or not and its language; a
// bad choice is an error summary with what was typed kept.
func TestNoticePrefsPage(t *testing.T) {
	f := newFixture(t, false)
	b := f.browser(t)
	b.signIn(f.users[haven.OrgSettlementOrganisation])
	_, body := b.get("/account/notifications")
	if !strings.Contains(body, "never names a person") {
		t.Fatalf("the preferences page:\n%s", squash(body))
	}
	r, body := b.post("/account/notifications", url.Values{"email_on": {"yes"}, "email": {""}, "lang": {"fr"}})
	if r.StatusCode != http.StatusBadRequest || !strings.HasPrefix(title(body), "Error:") ||
		!strings.Contains(body, `href="#email"`) || !strings.Contains(body, "Enter the address to send email to") {
		t.Fatalf("email on without an address: %d\n%s", r.StatusCode, squash(body))
	}
	r, body = b.post("/account/notifications?lang=fr", url.Values{"email_on": {"yes"}, "email": {"not an address"}, "lang": {"fr"}})
	if r.StatusCode != http.StatusBadRequest || !strings.HasPrefix(title(body), "Erreur") || !strings.Contains(body, "Entrez une adresse courriel") ||
		!strings.Contains(body, `value="not an address"`) {
		t.Fatalf("a bad address, in French: %d\n%s", r.StatusCode, squash(body))
	}
	b.get("/account/notifications?lang=en")
	r, body = b.post("/account/notifications", url.Values{"email_on": {"yes"}, "email": {"settle@example.org"}, "lang": {"fr"}})
	if r.StatusCode != 200 || !strings.Contains(body, "Your choice is saved.") || !strings.Contains(body, `value="settle@example.org"`) {
		t.Fatalf("saved: %d\n%s", r.StatusCode, squash(body))
	}
	p := must(f.app.Notices.FindPrefs(f.ctx, f.users[haven.OrgSettlementOrganisation].actor, "en"))
	if !p.EmailOn || p.Email != "settle@example.org" || p.Lang != "fr" {
		t.Fatalf("stored: %+v", p)
	}
}

// squash is the page's text with its white space runs made one space.
func squash(body string) string { return strings.Join(strings.Fields(text(body)), " ") }

// TestEscalationPage: the programme administration's supervisor, to whom
// an emergency's stage breach and stall are escalated, is shown both on the
// notifications page, in English and French: the kind, the case's
// reference as text (no link to a case page it cannot open), the stage,
// its deadline and the priority, and nothing of the family; not the
// warning. The case page answers as one that does not exist.
func TestEscalationPage(t *testing.T) {
	f := newFixture(t, false)
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

	c := f.refer(t, "Escalation", 2, haven.PriorityEmergency)
	f.clock.Add(3 * 24 * time.Hour)
	f.fireDue(t)

	b := f.browser(t)
	home := b.signIn(sup)
	if !strings.Contains(squash(home), "Notifications (2 unread)") {
		t.Fatalf("the header does not count the escalations:\n%s", squash(home))
	}
	_, body := b.get("/notifications")
	page := squash(body)
	for _, want := range []string{"A stage deadline has passed", "An emergency case has not moved in 24 hours", "<code>" + c.Reference + "</code>",
		"Stage: Opening the file. Priority: Emergency.", "Escalated to the programme administration. The case itself is not open to you.",
		c.StageDue.String(), "Unread: 2."} {
		if !strings.Contains(body, want) && !strings.Contains(page, want) {
			t.Fatalf("the escalations lack %q:\n%s", want, page)
		}
	}
	for _, leak := range []string{`href="/cases/`, string(c.ID), "A stage deadline is near", "FamilyEscalation", "Member0", "Iran", "Türkiye", "Turkey", "Evin"} {
		if strings.Contains(body, leak) {
			t.Fatalf("the escalations page holds %q:\n%s", leak, page)
		}
	}
	_, fr := b.get("/notifications?lang=fr")
	for _, want := range []string{"Une échéance d'étape est dépassée", "Étape : Ouverture du dossier. Priorité : Urgence vitale.",
		"Signalé à l'administration du programme."} {
		if !strings.Contains(squash(fr), want) {
			t.Fatalf("the French escalations lack %q:\n%s", want, squash(fr))
		}
	}
	b.get("/notifications?lang=en")
	hidden, hiddenBody := b.get("/cases/" + string(c.ID))
	none, noneBody := b.get("/cases/case_nosuch")
	if hidden.StatusCode != none.StatusCode || hidden.StatusCode < 400 || title(hiddenBody) != title(noneBody) ||
		strings.Contains(hiddenBody, c.Reference) {
		t.Fatalf("the escalated case answers %d %q; a case that does not exist %d %q", hidden.StatusCode, title(hiddenBody), none.StatusCode, title(noneBody))
	}
}
