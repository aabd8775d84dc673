package web_test

import (
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/havenhrd/haven"
)

// panelOf returns the text of the case page's status panel, spaces folded.
func panelOf(body string) string {
	return strings.Join(strings.Fields(text(between(body, `id="clock"`, "</section>"))), " ")
}

// primaryOf returns the panel's primary button and whether it has one.
func primaryOf(body string) (string, bool) {
	m := regexp.MustCompile(`<(?:button|a) [^>]*class="button"[^>]*id="primary-act"[^>]*>([^<]*)<`).FindStringSubmatch(between(body, `id="clock"`, "</section>"))
	if m == nil {
		return "", false
	}
	return m[1], true
}

// TestCasePanel: the case page leads with its state, what is next, who
// holds it and by when, in both languages, at several states; the forward
// act is the panel's primary button; the outstanding checks name the
// partner that holds them.
func TestCasePanel(t *testing.T) {
	f := newFixture(t, false)
	visa := f.users[haven.OrgVisaOffice]
	c := f.refer(t, "Panel", 2, haven.PriorityNormal)
	path := "/cases/" + string(c.ID)
	b := f.browser(t)
	b.signIn(visa)

	// Referred: open the file, the visa office's, 30 days left.
	_, body := b.get(path)
	due := f.clock.Now().AddDate(0, 0, 30).Format("2006-01-02")
	p := panelOf(body)
	for _, want := range []string{"Where this case stands", "Referred", "What is next Open the file", "Who holds it waiting on the visa office", "By when " + due, "30 days left"} {
		if !strings.Contains(p, want) {
			t.Errorf("referred: the panel lacks %q: %q", want, p)
		}
	}
	if btn, ok := primaryOf(body); !ok || btn != "Open the file" {
		t.Errorf("referred: primary button %q %v, want Open the file", btn, ok)
	}

	// The partner sees the same step but is not offered it: no primary
	// button, and its withdrawal is not a primary button either.
	pb := f.browser(t)
	pb.signIn(f.users[haven.OrgReferralPartner])
	_, pbody := pb.get(path)
	if p := panelOf(pbody); !strings.Contains(p, "Open the file") {
		t.Errorf("the partner's panel: %q", p)
	}
	if btn, ok := primaryOf(pbody); ok {
		t.Errorf("the partner has a primary button %q", btn)
	}
	if strings.Contains(pbody, `class="button" href="`+path+`/withdraw"`) || strings.Contains(pbody, `class="button button--danger"`) {
		t.Errorf("withdrawal is a prominent button")
	}

	// Admissibility with no check assigned: assign the checks.
	f.toAdmissibility(t, c.ID)
	_, body = b.get(path)
	if p := panelOf(body); !strings.Contains(p, "What is next Assign the checks") {
		t.Errorf("admissibility: %q", p)
	}
	if btn, ok := primaryOf(body); !ok || btn != "Assign the checks" {
		t.Errorf("admissibility: primary button %q %v", btn, ok)
	}

	// The medical checks assigned, then every member's security check
	// assigned: waiting for the checks, held by the partners named.
	c = must(f.app.Cases.FindCaseByID(f.ctx, visa.actor, c.ID))
	ids := []haven.ID{c.Members[0].ID, c.Members[1].ID}
	must(f.app.Cases.AssignChecks(f.ctx, visa.actor, c.ID, f.orgs[haven.OrgMedicalPartner].ID, ids))
	must(f.app.Cases.AssignChecks(f.ctx, visa.actor, c.ID, f.orgs[haven.OrgScreeningPartner].ID, ids))
	must(f.app.Cases.RecordCheck(f.ctx, f.users[haven.OrgMedicalPartner].actor, c.ID, &haven.Check{MemberID: ids[0], Kind: haven.CheckMedical,
		Result: haven.ResultPassed, ValidUntil: haven.DateOf(f.clock.Now().AddDate(1, 0, 0))}))
	f.clock.Add(200 * 24 * time.Hour)
	b.signIn(visa)
	_, body = b.get(path)
	med, scr := f.orgs[haven.OrgMedicalPartner].Name, f.orgs[haven.OrgScreeningPartner].Name
	p = panelOf(body)
	if !strings.Contains(p, "Waiting for the checks of") || !strings.Contains(p, med) || !strings.Contains(p, scr) ||
		!strings.Contains(p, "days overdue") {
		t.Errorf("waiting: %q", p)
	}
	if btn, ok := primaryOf(body); ok {
		t.Errorf("waiting on the partners, the visa office has the primary button %q", btn)
	}
	// The outstanding checks, member by member, with the partner.
	table := strings.Join(strings.Fields(text(between(body, `id="outstanding"`, "</section>"))), " ")
	for _, want := range []string{"Medical " + med + " Passed", "Medical " + med + " Outstanding", "Security " + scr + " Outstanding"} {
		if !strings.Contains(table, want) {
			t.Errorf("the outstanding checks lack %q: %q", want, table)
		}
	}
	if strings.Count(body, "<caption>Checks of ") != 2 {
		t.Errorf("not one table per member: %q", table)
	}
	// In French.
	_, body = b.get(path + "?lang=fr")
	p = panelOf(body)
	for _, want := range []string{"Où en est ce dossier", "En attente des contrôles de", med, "jours de retard"} {
		if !strings.Contains(p, want) {
			t.Errorf("French: the panel lacks %q: %q", want, p)
		}
	}
	if table := text(between(body, `id="outstanding"`, "</section>")); !strings.Contains(table, "Partenaire désigné") || !strings.Contains(table, "En attente") {
		t.Errorf("French table: %q", table)
	}

	// Every check passed: confirm admissibility, the primary button, and
	// not offered a second time below.
	f.passChecks(t, c.ID)
	_, body = b.get(path + "?lang=en")
	// The panel's button reads as the act reads wherever it is offered.
	if btn, ok := primaryOf(body); !ok || btn != "Confirm every traveller is admissible" {
		t.Errorf("checks passed: primary button %q %v", btn, ok)
	}
	if strings.Count(body, ">Confirm every traveller is admissible<") != 1 {
		t.Errorf("the forward act is offered twice, or not at all")
	}
	// Admissible: approve is the primary button, refusal is not prominent.
	must(f.app.Cases.ConfirmAdmissible(f.ctx, visa.actor, c.ID))
	_, body = b.get(path + "?lang=fr")
	if btn, ok := primaryOf(body); !ok || btn != "Approuver ce dossier" {
		t.Errorf("admissible, French: primary button %q %v", btn, ok)
	}
	if strings.Contains(body, `class="button" href="`+path+`/refuse"`) || strings.Contains(body, `button--danger`) {
		t.Errorf("refusal is a prominent button")
	}
	// On hold: resume.
	must(f.app.Cases.Hold(f.ctx, visa.actor, c.ID, "Waiting for a document."))
	_, body = b.get(path + "?lang=en")
	if p := panelOf(body); !strings.Contains(p, "What is next Resume the case") {
		t.Errorf("on hold: %q", p)
	}
	if btn, ok := primaryOf(body); !ok || btn != "Resume the case" {
		t.Errorf("on hold: primary button %q %v", btn, ok)
	}
	// Resume is offered once: the panel's, not again among the side acts.
	if n := strings.Count(body, `action="`+path+`/resume"`); n != 1 {
		t.Errorf("on hold: resume is offered %d times", n)
	}
}
