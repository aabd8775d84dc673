package web_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/havenhrd/haven"
	"github.com/havenhrd/haven/internal/web"
)

// Every key the partners' Go code names is in both catalogues.
func TestPartnerKeys(t *testing.T) {
	files, err := filepath.Glob("partners_*.go")
	if err != nil || len(files) == 0 {
		t.Fatalf("no partners' files: %v", err)
	}
	key := regexp.MustCompile(`"(partner\.[a-z0-9_.]+)"`)
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		src := string(must(os.ReadFile(name)))
		for _, m := range key.FindAllStringSubmatch(src, -1) {
			if m[1] == "partner.nomstate" {
				continue // an enumeration's prefix
			}
			if _, ok := web.MessagesEN[m[1]]; !ok {
				t.Errorf("%s names %q, missing from the catalogues", name, m[1])
			}
		}
	}
}

func TestPartnerPagesInFrench(t *testing.T) {
	f := newFixture(t, false)
	pages := map[string]string{}
	keep := func(name string, r *http.Response, body string, status int) {
		t.Helper()
		if r.StatusCode != status {
			t.Fatalf("%s: %d, want %d\n%s", name, r.StatusCode, status, text(body))
		}
		if status >= 400 && status != http.StatusNotFound && !strings.HasPrefix(title(body), "Erreur : ") {
			t.Errorf("%s: title %q", name, title(body))
		}
		pages[name] = body
	}

	// The protection partner: the nomination, page by page, in French.
	prot := f.browser(t)
	prot.get("/signin?lang=fr")
	prot.signIn(f.users[haven.OrgProtectionPartner])
	const np = "/nominations/new"
	r, body := prot.get("/nominations")
	keep("nominations, empty", r, body, 200)
	r, body = prot.get(np)
	keep("nominate: defender", r, body, 200)
	r, body = prot.fill(np, url.Values{"defender_name": {""}}, "go=next")
	keep("nominate: defender, error", r, body, 400)
	for _, s := range []struct {
		name   string
		set    url.Values
		button string
		status int
	}{
		{"nominate: countries", url.Values{"defender_name": {"Défenseur Nantes"}}, "go=next", 200},
		{"nominate: countries, error", url.Values{"nationality_countries": {"Iran"}, "family_size": {"deux"}}, "go=next", 400},
		{"nominate: work", url.Values{"nationality_countries": {"IR"}, "asylum_country": {"TR"}, "family_size": {"1"}}, "go=next", 200},
		{"nominate: threat", url.Values{"work_areas": {"journalism"}}, "go=next", 200},
		{"nominate: threat, error", url.Values{"threat_date": {"hier"}}, "go=next", 400},
		{"nominate: threats", url.Values{"threat_type": {"torture"}, "threat_perpetrator": {"state"}, "threat_date": {"2025-01-02"},
			"threat_place": {"Kerman"}}, "go=next", 200},
		{"nominate: threats, error", nil, "go=next", 400},
		{"nominate: risk", url.Values{"add_another": {"no"}}, "go=next", 200},
		{"nominate: risk, error", url.Values{"risk_assessment": {""}}, "go=next", 400},
		{"nominate: partner", url.Values{"risk_assessment": {"Mandat d'arrêt."}, "recommended_priority": {"emergency"}}, "go=next", 200},
		{"nominate: partner, error", nil, "go=next", 400},
		{"nominate: check", url.Values{"referral_org_id": {string(f.orgs[haven.OrgReferralPartner].ID)}}, "go=next", 200},
	} {
		r, body = prot.fill(np, s.set, s.button)
		keep(s.name, r, body, s.status)
	}
	r, body = prot.fill(np, nil, "go=submit")
	keep("nomination, sent", r, body, 200)
	nomID := strings.TrimPrefix(r.Request.URL.Path, "/nominations/")
	r, body = prot.get("/nominations")
	keep("nominations", r, body, 200)

	// The button that changes language keeps the answers.
	en := f.browser(t)
	en.signIn(f.users[haven.OrgProtectionPartner])
	en.get(np)
	form := formValues(t, en.last, np)
	form.Set("defender_name", "Défenseur Lyon")
	form.Set("go", "stay")
	r, body = en.post(np+"?lang=fr", form)
	if v, _ := value(body, "defender_name"); r.StatusCode != 200 || v != "Défenseur Lyon" || !strings.Contains(body, `<html lang="fr">`) {
		t.Fatalf("language switch: %d %q", r.StatusCode, v)
	}

	// The referral partner: the inbox, the review, the decline page, and
	// the referral from the nomination, page by page.
	ref := f.browser(t)
	ref.get("/signin?lang=fr")
	ref.signIn(f.users[haven.OrgReferralPartner])
	r, body = ref.get("/nominations")
	keep("inbox", r, body, 200)
	r, body = ref.get("/nominations/" + nomID)
	keep("nomination", r, body, 200)
	r, body = ref.get("/nominations/" + nomID + "/decline")
	keep("decline", r, body, 200)
	r, body = ref.fill("/nominations/"+nomID+"/decline", url.Values{"reason": {""}}, "")
	keep("decline, error", r, body, 400)
	ref.get("/nominations/" + nomID)
	r, body = ref.post("/nominations/"+nomID+"/review", nil)
	keep("nomination, under review", r, body, 200)
	const rp = "/referrals/new"
	r, body = ref.get("/nominations/" + nomID + "/refer")
	keep("refer: case", r, body, 200)
	for _, s := range []struct {
		name   string
		set    url.Values
		button string
		status int
	}{
		{"refer: case, error", url.Values{"unhcr_number": {""}, "asylum_country": {"Narnie"}}, "go=next", 400},
		{"refer: claim", url.Values{"unhcr_number": {"UNH-FR-0001"}, "asylum_country": {"Turquie"}, "members": {"2"}}, "go=next", 200},
		{"refer: claim, error", nil, "go=next", 400},
		{"refer: principal", url.Values{"primary_category": {"medical_needs"}, "secondary_category": {"medical_needs"},
			"category_justification": {"Soins."}, "grounds": {"religion"}, "social_groups": {"family"}, "persecution_account": {"Récit."}},
			"go=next", 200},
		{"refer: principal, error", url.Values{"m1_date_of_birth": {"2999-01-01"}, "m1_languages": {"xx"}}, "go=next", 400},
		{"refer: family", url.Values{"m1_family_name": {"Famille"}, "m1_date_of_birth": {"1970-01-01"}, "m1_sex": {"female"},
			"m1_languages": {"persan"}}, "go=next", 200},
		{"refer: family, error", nil, "go=next", 400},
		{"refer: check", url.Values{"m2_relationship": {"spouse"}, "m2_family_name": {"Famille"}, "m2_date_of_birth": {"1971-01-01"},
			"m2_sex": {"male"}, "m2_accompanying": {"yes"}}, "go=next", 200},
		{"refer: check, refused", nil, "go=submit", 400},
	} {
		r, body = ref.fill(rp, s.set, s.button)
		keep(s.name, r, body, s.status)
	}
	// The import page, its report, a wrong file.
	r, body = ref.get("/referrals/import")
	keep("import", r, body, 200)
	r, body = ref.upload("bad.csv", []byte(csvHeader+strings.Replace(csvFamily("A", "UNH-FR-0002", "Fr"), "1980-03-01", "1er mars", 1)+
		"B,UNH-FR-0003,normal,urgent,legal_physical_protection,x,political_opinion,,IR,TR,x,,principal,yes,FamilleB,Ali,2090-01-01,male,IR,fa,\n"))
	keep("import, page's report", r, body, 400)
	bad := importJSON("FrJson", 1)
	bad["secondary_category"] = bad["primary_category"]
	r, body = ref.upload("bad.json", must(json.Marshal([]any{bad})))
	keep("import, app's report", r, body, 400)
	r, body = ref.upload("photo.png", []byte("\x89PNG\r\n\x1a\n\x00"))
	keep("import, wrong type", r, body, 415)
	r, body = ref.upload("good.json", must(json.Marshal([]any{importJSON("FrGood", 1)})))
	keep("import, done", r, body, 200)

	// The visa office: the side forms, their errors, their pages.
	c := f.refer(t, "Vendome", 3, haven.PriorityUrgent)
	path := "/cases/" + string(c.ID)
	visa := f.browser(t)
	visa.get("/signin?lang=fr")
	visa.signIn(f.users[haven.OrgVisaOffice])
	r, body = visa.get(path)
	keep("case, referred", r, body, 200)
	r, body = visa.fill(path+"/request-info", url.Values{"info_what": {""}}, "")
	keep("case, request info error", r, body, 400)
	f.toAdmissibility(t, c.ID)
	r, body = visa.get(path)
	keep("case, admissibility", r, body, 200)
	r, body = visa.fill(path+"/assign-checks", nil, "")
	keep("case, assign error", r, body, 400)
	r, body = visa.fill(path+"/hold", url.Values{"hold_reasons": {"Examen médical."}}, "")
	keep("case, on hold", r, body, 200)
	r, body = visa.fill(path+"/resume", nil, "")
	keep("case, resumed", r, body, 200)
	r, body = visa.get(path + "/split")
	keep("split", r, body, 200)
	r, body = visa.fill(path+"/split", nil, "")
	keep("split, error", r, body, 400)
	r, body = visa.get(path + "/withdraw")
	keep("withdraw", r, body, 200)
	r, body = visa.fill(path+"/withdraw", nil, "")
	keep("withdraw, error", r, body, 400)
	must(f.app.Cases.AssignChecks(f.ctx, f.users[haven.OrgVisaOffice].actor, c.ID, f.orgs[haven.OrgMedicalPartner].ID, []haven.ID{c.Members[1].ID}))
	must(f.app.Cases.AssignChecks(f.ctx, f.users[haven.OrgVisaOffice].actor, c.ID, f.orgs[haven.OrgScreeningPartner].ID, []haven.ID{c.Members[2].ID}))

	// The check partners.
	med := f.browser(t)
	med.get("/signin?lang=fr")
	med.signIn(f.users[haven.OrgMedicalPartner])
	r, body = med.get("/checks")
	keep("checks, medical", r, body, 200)
	mform := "/checks/" + string(c.ID) + "/" + string(c.Members[1].ID)
	r, body = med.get(mform)
	keep("check, medical", r, body, 200)
	r, body = med.fill(mform, url.Values{"result": {"passed"}}, "")
	keep("check, medical error", r, body, 400)
	r, body = med.fill(mform, url.Values{"valid_until": {"2027-01-01"}}, "")
	keep("checks, recorded", r, body, 200)
	r, body = med.get("/checks/" + string(c.ID) + "/" + string(c.Members[0].ID))
	keep("check, not assigned", r, body, 404)
	scr := f.browser(t)
	scr.get("/signin?lang=fr")
	scr.signIn(f.users[haven.OrgScreeningPartner])
	sform := "/checks/" + string(c.ID) + "/" + string(c.Members[2].ID)
	r, body = scr.get(sform)
	keep("check, screening", r, body, 200)
	r, body = scr.fill(sform, url.Values{"kind": {"security"}, "conviction_politically_motivated": {"yes"}}, "")
	keep("check, screening error", r, body, 400)

	noEnglish(t, pages)
	// The report and the problems name their lines and fields in French.
	for _, want := range []string{"Personne 1 : Date de naissance", "Écrivez la date sous la forme année-mois-jour"} {
		if !strings.Contains(text(pages["import, page's report"]), want) {
			t.Errorf("the French report lacks %q:\n%s", want, text(pages["import, page's report"]))
		}
	}
	if !strings.Contains(text(pages["refer: check, refused"]), "La deuxième catégorie doit différer de la première") {
		t.Errorf("the app's problem is not in French:\n%s", text(pages["refer: check, refused"]))
	}
	for name, p := range pages {
		if strings.Contains(name, "error") && !strings.Contains(p, `<a href="#`) {
			t.Errorf("%s: no error summary link", name)
		}
	}
}
