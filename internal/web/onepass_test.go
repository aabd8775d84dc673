package web_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/havenhrd/haven"
)

// onePass posts form to action and checks the page refuses it with
// status, the summary linking exactly links (in any order), a message
// beside each, and the page saying each of says.
func onePass(t *testing.T, b *browser, name, action string, form url.Values, status int, links []string, says ...string) string {
	t.Helper()
	r, body := b.post(action, form)
	got := errorLinks(body)
	slices.Sort(got)
	want := slices.Clone(links)
	slices.Sort(want)
	if r.StatusCode != status || !slices.Equal(got, want) {
		t.Fatalf("%s: %d, the summary links %v, want %d %v\n%s", name, r.StatusCode, got, status, want, text(body))
	}
	for _, id := range links {
		if !strings.Contains(body, `id="`+id+`-error"`) {
			t.Fatalf("%s: no message beside %s\n%s", name, id, text(body))
		}
	}
	for _, s := range says {
		if !strings.Contains(text(body), s) {
			t.Fatalf("%s: the page does not say %q\n%s", name, s, text(body))
		}
	}
	return body
}

// TestNominationSendReportsEveryProblem: sent from the check page, a
// family size and a threat's date the page cannot read no longer hide the
// nomination's other problems (no defender's name, no risk assessment):
// all are said at once, each beside its answer, and nothing is stored.
// In English and French.
func TestNominationSendReportsEveryProblem(t *testing.T) {
	for _, lang := range []string{"en", "fr"} {
		t.Run(lang, func(t *testing.T) {
			words := map[string][]string{
				"en": {"Enter a family size from 1 to 30", "There is no month 13", "Risk assessment"},
				"fr": {"Saisissez une taille de famille de 1 à 30", "Il n'y a pas de mois 13", "Erreur : "},
			}[lang]
			f := newFixture(t, false)
			b := f.browser(t)
			b.signIn(f.users[haven.OrgProtectionPartner])
			const path = "/nominations/new"
			check := nominate(t, f, b, "Onepass")
			form := formValues(t, check, path)
			form.Set("family_size", "two")
			form.Set("t1_date", "2025-13-03")
			form.Set("defender_name", " ")
			form.Set("risk_assessment", "")
			form.Set("go", "submit")
			b.get("/nominations?lang=" + lang)
			onePass(t, b, "send", path, form, http.StatusBadRequest,
				[]string{"defender_name", "family_size", "risk_assessment", "t1_date"}, words...)
			ns := must(f.app.Nominations.FindNominations(f.ctx, f.users[haven.OrgProtectionPartner].actor, ""))
			if len(ns) != 0 {
				t.Fatalf("a refused nomination was stored: %d", len(ns))
			}
		})
	}
}

// TestImportReportsEveryProblem: a file whose reading finds a problem in
// one row still has the rules of every other row checked, in one pass:
// the report names the rows the page could not read (a malformed date, an
// accompanying that is neither yes nor no) with the rows the app's rules
// refuse (a UNHCR number already on a case, a date of birth in the
// future), each by its line; a value the page could not read is not said
// missing too. The file is refused whole: nothing is imported. In CSV and
// JSON, in English and French.
func TestImportReportsEveryProblem(t *testing.T) {
	for _, lang := range []string{"en", "fr"} {
		t.Run(lang, func(t *testing.T) {
			words := map[string][]string{
				"en": {"Write the date as year-month-day", "Write yes or no", "This UNHCR case number is already on a case",
					"The date of birth is in the future", "This field is not part of the format", "This value is not one Haven accepts here"},
				"fr": {"Écrivez la date sous la forme année-mois-jour", "Écrivez yes ou no", "Ce numéro de dossier du HCR figure déjà dans un dossier",
					"La date de naissance est dans l'avenir", "Ce champ ne fait pas partie du format", "Haven n'accepte pas cette valeur ici"},
			}[lang]
			f := newFixture(t, false)
			b := f.browser(t)
			b.get("/signin?lang=" + lang)
			b.signIn(f.users[haven.OrgReferralPartner])
			b.get("/referrals/import")
			r, _ := b.upload("taken.csv", []byte(csvHeader+csvFamily("A", "UNH-ONE-0001", "OneA")))
			if r.StatusCode != 200 {
				t.Fatalf("the first import: %d", r.StatusCode)
			}
			start := f.caseCount(t)
			bad := csvHeader +
				csvFamily("C", "UNH-ONE-0003", "OneC") + // lines 2-3: good
				strings.Replace(csvFamily("D", "UNH-ONE-0004", "OneD"), "1982-06-02", "02/06/1982", 1) + // line 5: a malformed date
				csvFamily("E", "UNH-ONE-0001", "OneE") + // line 6: the number is taken
				"F,UNH-ONE-0005,normal,normal,legal_physical_protection,x,political_opinion,,IR,TR,x,,spouse,yes,FamilyF,Ali,2090-01-01,male,IR,fa,\n" + // line 8: born in 2090
				strings.Replace(csvFamily("G", "UNH-ONE-0006", "OneG"), "spouse,yes", "spouse,maybe", 1) // line 10: accompanying
			b.get("/referrals/import")
			r, body := b.upload("bad.csv", []byte(bad))
			lines := reportLines(body)
			if r.StatusCode != http.StatusBadRequest || !slices.Contains(lines, "5") || !slices.Contains(lines, "6") ||
				!slices.Contains(lines, "8") || !slices.Contains(lines, "10") || slices.Contains(lines, "2") || slices.Contains(lines, "3") {
				t.Fatalf("bad CSV: %d lines %v\n%s", r.StatusCode, lines, text(body))
			}
			for _, want := range words[:4] {
				if !strings.Contains(text(body), want) {
					t.Errorf("the report lacks %q\n%s", want, text(body))
				}
			}
			// The date the page could not read is not said missing as well.
			if n := strings.Count(text(body), "Person 2: Date of birth"); n != 1 && lang == "en" {
				t.Errorf("line 5's date of birth is reported %d times\n%s", n, text(body))
			}
			// JSON: an unknown field in one referral, a sex the rules refuse in another.
			one, two := importJSON("JsonD", 1), importJSON("JsonE", 1)
			one["nickname"] = "x"
			two["members"].([]map[string]any)[0]["sex"] = "unknown"
			b.get("/referrals/import")
			r, body = b.upload("bad.json", must(json.MarshalIndent([]any{one, two}, "", "  ")))
			if r.StatusCode != http.StatusBadRequest || len(reportLines(body)) != 2 {
				t.Fatalf("bad JSON: %d lines %v\n%s", r.StatusCode, reportLines(body), text(body))
			}
			for _, want := range words[4:] {
				if !strings.Contains(text(body), want) {
					t.Errorf("the report lacks %q\n%s", want, text(body))
				}
			}
			if f.caseCount(t) != start {
				t.Fatal("a refused file stored cases")
			}
		})
	}
}

// TestAccountFormsReportEveryProblem: the passkey's name is checked when
// the passkey is begun, before the device's ceremony, and said with the
// passphrase's problem (none, or a wrong one); a name refused with the
// right passphrase shows the form again, with no ceremony. Removing the
// last factor with no passphrase says both. In English and French.
func TestAccountFormsReportEveryProblem(t *testing.T) {
	for _, lang := range []string{"en", "fr"} {
		t.Run(lang, func(t *testing.T) {
			words := map[string]map[string]string{
				"en": {"long": "This answer is too long: use at most 100 characters; you typed 101", "password": "Enter your passphrase",
					"wrong": "The passphrase is not right", "last": "This is your last second factor, so it stays."},
				"fr": {"long": "Cette réponse est trop longue : utilisez au plus 100 caractères ; vous en avez saisi 101",
					"password": "Saisissez votre phrase de passe", "wrong": "La phrase de passe n'est pas la bonne",
					"last": "C'est votre dernier second facteur"},
			}[lang]
			f := newFixture(t, false)
			b := f.browser(t)
			b.get("/signin?lang=" + lang)
			b.signIn(f.users[haven.OrgVisaOffice])
			long := strings.Repeat("x", 101)
			b.get("/account/passkey")
			onePass(t, b, "a long name, no passphrase", "/account/passkey", url.Values{"name": {long}, "password": {""}},
				http.StatusBadRequest, []string{"name", "password"}, words["long"], words["password"])
			onePass(t, b, "a long name, a wrong passphrase", "/account/passkey", url.Values{"name": {long}, "password": {"not the passphrase at all"}},
				http.StatusUnauthorized, []string{"name", "password"}, words["long"], words["wrong"])
			body := onePass(t, b, "a long name, the passphrase", "/account/passkey", url.Values{"name": {long}, "password": {password}},
				http.StatusBadRequest, []string{"name"}, words["long"])
			if strings.Contains(body, "data-options") || strings.Contains(body, "passkey-form") {
				t.Fatalf("a refused name began the device's ceremony:\n%s", body)
			}
			b.get("/account/remove?factor=totp")
			onePass(t, b, "the last factor, no passphrase", "/account/remove", url.Values{"factor": {"totp"}, "password": {""}},
				http.StatusBadRequest, []string{"password"}, words["password"], words["last"])
		})
	}
}

// TestReasonsFormsReportEveryProblem: written reasons too long and
// holding a control character are said together, beside the field, with
// the limit and how many characters were typed; a split decision with no
// member chosen says that too, in the same pass. The visa office's
// refusal, hold, request for information, withdrawal and split decision,
// and the referral partner's decline of a nomination; nothing changes. In
// English and French.
func TestReasonsFormsReportEveryProblem(t *testing.T) {
	for _, lang := range []string{"en", "fr"} {
		t.Run(lang, func(t *testing.T) {
			words := map[string][]string{
				"en": {"use at most 10,000 characters; you typed 10,002", "Remove line breaks, tabs and other control characters"},
				"fr": {"utilisez au plus 10\u00a0000 caractères ; vous en avez saisi 10\u00a0002", "Retirez les sauts de ligne, tabulations et autres caractères de contrôle"},
			}[lang]
			f := newFixture(t, false)
			c := f.refer(t, "Reasons"+lang, 3, haven.PriorityNormal)
			f.toAdmissibility(t, c.ID)
			path := "/cases/" + string(c.ID)
			b := f.browser(t)
			b.get("/signin?lang=" + lang)
			b.signIn(f.users[haven.OrgVisaOffice])
			bad := strings.Repeat("x", 10001) + "\x07"
			for _, act := range []struct{ page, action, field string }{
				{path + "/refuse", path + "/refuse", "reasons"},
				{path, path + "/hold", "hold_reasons"},
				{path, path + "/request-info", "info_what"},
				{path + "/withdraw", path + "/withdraw", "withdraw_reasons"},
			} {
				b.get(act.page)
				onePass(t, b, act.action, act.action, url.Values{act.field: {bad}}, http.StatusBadRequest,
					[]string{act.field, act.field}, words...)
			}
			b.get(path + "/split")
			onePass(t, b, "split", path+"/split", url.Values{"split_reasons": {bad}}, http.StatusBadRequest,
				[]string{"excluded", "split_reasons", "split_reasons"}, words...)
			if st := f.caseState(t, c.ID); st != haven.StateAdmissibilityInProgress {
				t.Fatalf("a refused act moved the case to %s", st)
			}

			n := f.nominate(t, "Defender Reasons")
			ref := f.browser(t)
			ref.get("/signin?lang=" + lang)
			ref.signIn(f.users[haven.OrgReferralPartner])
			npath := "/nominations/" + string(n.ID)
			ref.get(npath + "/decline")
			onePass(t, ref, "decline", npath+"/decline", url.Values{"reason": {bad}}, http.StatusBadRequest,
				[]string{"reason", "reason"}, words...)
			if st := f.nominationState(t, n.ID); st != haven.NominationSubmitted {
				t.Fatalf("a refused decline moved the nomination to %s", st)
			}
		})
	}
}
