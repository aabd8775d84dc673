package web_test

import (
	"html"
	"maps"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/havenhrd/haven"
)

// workRow is one count of the home page: its label, link and number.
type workRow struct {
	label, link string
	count       int
}

var workRowPattern = regexp.MustCompile(`<div><dt>([^<]*)</dt><dd><a href="([^"]*)">(\d+)<span class="visually-hidden"> – ([^<]*)</span></a></dd></div>`)

// workRows reads the counts of a home page, by label.
func workRows(t *testing.T, body string) map[string]workRow {
	t.Helper()
	out := map[string]workRow{}
	for _, m := range workRowPattern.FindAllStringSubmatch(body, -1) {
		label := html.UnescapeString(m[1])
		if hidden := html.UnescapeString(m[4]); hidden != label {
			t.Errorf("the link of %q is named %q", label, hidden)
		}
		n, _ := strconv.Atoi(m[3])
		out[label] = workRow{label: label, link: html.UnescapeString(m[2]), count: n}
	}
	return out
}

// listed returns how many cases (or people, on /checks) the list at link
// shows, all on one page.
func listed(t *testing.T, b *browser, link string) int {
	t.Helper()
	r, body := b.get(link)
	if r.StatusCode != 200 {
		t.Fatalf("GET %s: %d", link, r.StatusCode)
	}
	return strings.Count(body, `<th scope="row">`)
}

// counts returns the numbers of a home page's counts, by label.
func counts(rows map[string]workRow) map[string]int {
	out := map[string]int{}
	for l, r := range rows {
		out[l] = r.count
	}
	return out
}

// TestHomeCountsWork: each organisation's home page counts its work, in
// English and in French, each count linking to the list that holds exactly
// what it counts; a referring partner's requests for information are
// those awaiting its own answer.
func TestHomeCountsWork(t *testing.T) {
	f := newFixture(t, false)
	visa := f.users[haven.OrgVisaOffice].actor
	f.refer(t, "Late", 1, haven.PriorityNormal)
	f.clock.Add(31 * 24 * time.Hour) // a normal file stage has 30 days
	f.refer(t, "Soon", 2, haven.PriorityUrgent)
	asked := f.refer(t, "Asked", 1, haven.PriorityNormal)
	must(f.app.Cases.RequestInfo(f.ctx, visa, asked.ID, "Which camp is the family in now?"))
	checked := f.refer(t, "Checked", 2, haven.PriorityNormal)
	f.toAdmissibility(t, checked.ID)
	c := must(f.app.Cases.FindCaseByID(f.ctx, visa, checked.ID))
	must(f.app.Cases.AssignChecks(f.ctx, visa, checked.ID, f.orgs[haven.OrgMedicalPartner].ID, []haven.ID{c.Members[0].ID, c.Members[1].ID}))
	// The clinic has examined one of the two: one person still to check.
	must(f.app.Cases.RecordCheck(f.ctx, f.users[haven.OrgMedicalPartner].actor, checked.ID, &haven.Check{MemberID: c.Members[0].ID,
		Kind: haven.CheckMedical, Result: haven.ResultOnHold, Details: "X-ray to repeat"}))

	for _, tc := range []struct {
		kind haven.OrgKind
		lang string
		want map[string]int
	}{
		{haven.OrgVisaOffice, "en", map[string]int{
			"Cases past their stage's due date":                      1,
			"Cases whose stage is due within 7 days":                 1,
			"Cases waiting on the referring partner's answer":        1,
			"Cases waiting on checks":                                1,
			"Cases with checks outstanding at Panel clinic Istanbul": 1,
		}},
		{haven.OrgVisaOffice, "fr", map[string]int{
			"Dossiers dont l'étape a dépassé son échéance":                           1,
			"Dossiers dont l'étape arrive à échéance d'ici 7 jours":                  1,
			"Dossiers en attente de la réponse du partenaire d'aiguillage":           1,
			"Dossiers en attente de contrôles":                                       1,
			"Dossiers dont des contrôles sont en attente chez Panel clinic Istanbul": 1,
		}},
		{haven.OrgReferralPartner, "en", map[string]int{
			"Cases past their stage's due date":               1,
			"Cases whose stage is due within 7 days":          1,
			"Requests for information waiting on your answer": 1,
		}},
		{haven.OrgReferralPartner, "fr", map[string]int{
			"Dossiers dont l'étape a dépassé son échéance":           1,
			"Dossiers dont l'étape arrive à échéance d'ici 7 jours":  1,
			"Demandes de renseignements en attente de votre réponse": 1,
		}},
		{haven.OrgMedicalPartner, "en", map[string]int{"People waiting on your checks": 1}},
		{haven.OrgMedicalPartner, "fr", map[string]int{"Personnes en attente de vos contrôles": 1}},
		{haven.OrgScreeningPartner, "en", map[string]int{"People waiting on your checks": 0}},
		{haven.OrgSettlementOrganisation, "en", map[string]int{"Families with a follow-up due by the end of the month": 0}},
		{haven.OrgSettlementOrganisation, "fr", map[string]int{"Familles dont un suivi est dû d'ici la fin du mois": 0}},
	} {
		b := f.browser(t)
		b.signIn(f.users[tc.kind])
		_, body := b.get("/?lang=" + tc.lang)
		rows := workRows(t, body)
		if got := counts(rows); !maps.Equal(got, tc.want) {
			t.Errorf("%s (%s): counts %v, want %v", tc.kind, tc.lang, got, tc.want)
		}
		if tc.lang == "fr" {
			noEnglish(t, map[string]string{string(tc.kind) + " home": body})
		} else if !strings.Contains(body, "Counted on "+haven.DateOf(f.clock.Now()).String()) {
			t.Errorf("%s: no date of the counts", tc.kind)
		}
		// Each link opens the list of exactly what it counts.
		for _, r := range rows {
			if n := listed(t, b, r.link); n != r.count {
				t.Errorf("%s (%s): %q counts %d, its list %s shows %d", tc.kind, tc.lang, r.label, r.count, r.link, n)
			}
		}
		if tc.kind == haven.OrgReferralPartner && tc.lang == "en" {
			link := rows["Requests for information waiting on your answer"].link
			if !strings.Contains(link, "partner="+string(f.orgs[haven.OrgReferralPartner].ID)) || !strings.Contains(link, "turn=referring_partner") {
				t.Errorf("the partner's requests link to %s", link)
			}
			_, list := b.get(link)
			if !strings.Contains(text(list), "Showing cases waiting on the referring partner; cases referred by UNHCR Ankara.") {
				t.Errorf("the list does not say what it shows:\n%s", text(list))
			}
		}
	}
}

// TestCasesFilterByDeadlineAndTurn: the visa office's list filters by the
// days to the deadline, whose turn it is and who holds the checks, from its
// form; a bad value is named beside its field, in either language.
func TestCasesFilterByDeadlineAndTurn(t *testing.T) {
	f := newFixture(t, false)
	f.refer(t, "Soon", 1, haven.PriorityUrgent)  // due in 3 days
	f.refer(t, "Later", 1, haven.PriorityNormal) // due in 30
	b := f.browser(t)
	b.signIn(f.users[haven.OrgVisaOffice])
	_, body := b.get("/cases")
	for _, id := range []string{`id="due_within"`, `id="turn"`, `id="checks_with"`, `id="follow_ups"`} {
		if !strings.Contains(body, id) {
			t.Errorf("the filter form has no %s", id)
		}
	}
	for link, want := range map[string]int{
		"/cases?due_within=2":                   0,
		"/cases?due_within=3":                   1, // today to 3 days on, both counted
		"/cases?due_within=29":                  1,
		"/cases?due_within=30":                  2,
		"/cases?turn=visa_office":               2,
		"/cases?turn=check_partners":            0,
		"/cases?due_within=31&turn=visa_office": 2,
	} {
		if n := listed(t, b, link); n != want {
			t.Errorf("%s: %d cases, want %d", link, n, want)
		}
	}
	for lang, msg := range map[string]string{"en": "Enter a number of days from 1 to 366", "fr": "Entrez un nombre de jours de 1 à 366"} {
		for _, bad := range []string{"0", "367", "soon"} {
			r, body := b.get("/cases?lang=" + lang + "&due_within=" + bad)
			if r.StatusCode != 400 || !strings.Contains(body, `href="#due_within"`) || !strings.Contains(html.UnescapeString(body), msg) {
				t.Errorf("due within %q (%s): %d", bad, lang, r.StatusCode)
			}
		}
		r, body := b.get("/cases?lang=" + lang + "&turn=nobody")
		if r.StatusCode != 400 || !strings.Contains(body, `href="#turn"`) {
			t.Errorf("turn nobody (%s): %d", lang, r.StatusCode)
		}
		r, body = b.get("/cases?lang=" + lang + "&checks_with=" + string(f.orgs[haven.OrgReferralPartner].ID))
		if r.StatusCode != 400 || !strings.Contains(body, `href="#checks_with"`) {
			t.Errorf("checks with a referral partner (%s): %d", lang, r.StatusCode)
		}
	}
}
