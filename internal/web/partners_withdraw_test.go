package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/havenhrd/haven"
)

// nominate makes a nomination of the protection partner, through the app.
func (f *fixture) nominate(t *testing.T, name string) *haven.Nomination {
	t.Helper()
	n := &haven.Nomination{ReferralOrgID: f.orgs[haven.OrgReferralPartner].ID, DefenderName: name,
		RiskAssessment: "At risk.", RecommendedPriority: haven.PriorityUrgent, NationalityCountries: []string{"IR"}, FamilySize: 1}
	if err := f.app.Nominations.CreateNomination(f.ctx, f.users[haven.OrgProtectionPartner].actor, n); err != nil {
		t.Fatal(err)
	}
	return n
}

// nominationState reads a nomination's state as the partner that made it.
func (f *fixture) nominationState(t *testing.T, id haven.ID) haven.NominationState {
	t.Helper()
	return must(f.app.Nominations.FindNominationByID(f.ctx, f.users[haven.OrgProtectionPartner].actor, id)).State
}

// TestWithdrawNomination: the protection partner withdraws its nomination
// from a confirmation page of its own, offered while the workflow allows
// it (submitted, under review); the state then shows as withdrawn to both
// partners; a withdrawal the nomination's state no longer allows is
// refused on the page, which says why and offers nothing.
func TestWithdrawNomination(t *testing.T) {
	f := newFixture(t, false)
	n := f.nominate(t, "Defender Withdrawn")
	path := "/nominations/" + string(n.ID)
	prot := f.browser(t)
	prot.signIn(f.users[haven.OrgProtectionPartner])

	_, body := prot.get(path)
	if !strings.Contains(body, `href="`+path+`/withdraw"`) || strings.Contains(body, `action="`+path+`/withdraw"`) {
		t.Fatalf("the nomination page must link to the withdrawal page, not withdraw in place:\n%s", body)
	}
	r, body := prot.get(path + "/withdraw")
	if r.StatusCode != 200 {
		t.Fatalf("the withdrawal page: %d", r.StatusCode)
	}
	wantIn(t, "the withdrawal page", text(body), "Withdraw this nomination", "Submitted", "Defender Withdrawn",
		"The nomination becomes withdrawn", "UNHCR Ankara sees that you withdrew it.", "A withdrawal cannot be undone.", "Protected B")
	// Without the form's CSRF token: refused, nothing changes.
	if r, _ := prot.post(path+"/withdraw", url.Values{"csrf": {"forged"}}); r.StatusCode < 400 {
		t.Fatalf("a withdrawal without the CSRF token: %d", r.StatusCode)
	}
	if st := f.nominationState(t, n.ID); st != haven.NominationSubmitted {
		t.Fatalf("a refused form changed the state to %s", st)
	}
	prot.get(path + "/withdraw")
	r, body = prot.fill(path+"/withdraw", nil, "")
	if r.Request.URL.Path != path || !strings.Contains(body, "The nomination is withdrawn.") {
		t.Fatalf("the withdrawal ended at %s:\n%s", r.Request.URL, text(body))
	}
	if !strings.Contains(body, `<strong class="tag">Withdrawn</strong>`) || strings.Contains(body, path+"/withdraw") {
		t.Fatalf("the withdrawn nomination's page:\n%s", body)
	}
	if st := f.nominationState(t, n.ID); st != haven.NominationWithdrawn {
		t.Fatalf("state %s", st)
	}
	// The referral partner sees it withdrawn, with nothing left to do.
	ref := f.browser(t)
	ref.signIn(f.users[haven.OrgReferralPartner])
	_, body = ref.get(path)
	if !strings.Contains(body, `<strong class="tag">Withdrawn</strong>`) || strings.Contains(body, path+"/review") || strings.Contains(body, path+"/decline") {
		t.Fatalf("the referral partner's page of a withdrawn nomination:\n%s", body)
	}
	// The page again: it can no longer be withdrawn, said so, no form.
	r, body = prot.get(path + "/withdraw")
	if r.StatusCode != http.StatusConflict || !strings.Contains(text(body), "This nomination can no longer be withdrawn") ||
		strings.Contains(body, `action="`+path+`/withdraw"`) {
		t.Fatalf("the withdrawal page of a withdrawn nomination: %d\n%s", r.StatusCode, body)
	}

	// Under review, it may still be withdrawn.
	n2 := f.nominate(t, "Defender Reviewed")
	must(f.app.Nominations.ReviewNomination(f.ctx, f.users[haven.OrgReferralPartner].actor, n2.ID))
	p2 := "/nominations/" + string(n2.ID)
	prot.get(p2 + "/withdraw")
	if r, _ := prot.fill(p2+"/withdraw", nil, ""); r.Request.URL.Path != p2 || f.nominationState(t, n2.ID) != haven.NominationWithdrawn {
		t.Fatalf("withdrawing under review ended at %s", r.Request.URL)
	}

	// The refusal: the referral partner declines while the withdrawal
	// page is open; the withdrawal is refused, the page says why in the
	// reader's language and shows the nomination's state.
	for _, lang := range []string{"en", "fr"} {
		n3 := f.nominate(t, "Defender Three "+lang)
		p3 := "/nominations/" + string(n3.ID)
		b := f.browser(t)
		b.get("/signin?lang=" + lang)
		b.signIn(f.users[haven.OrgProtectionPartner])
		_, confirm := b.get(p3 + "/withdraw")
		must(f.app.Nominations.DeclineNomination(f.ctx, f.users[haven.OrgReferralPartner].actor, n3.ID, "Outside our mandate."))
		r, body = b.fill(p3+"/withdraw", nil, "")
		want := map[string][]string{
			"en": {"Error: Withdraw this nomination", "The nomination cannot take this step in its current state", "Declined"},
			"fr": {"Erreur : Retirer cette proposition", "La proposition ne peut pas franchir cette étape dans son état actuel", "Refusée"},
		}[lang]
		if r.StatusCode != http.StatusConflict || !strings.HasPrefix(title(body), want[0]) {
			t.Fatalf("%s: a refused withdrawal: %d %q", lang, r.StatusCode, title(body))
		}
		wantIn(t, lang+": the refused withdrawal", text(body), want[1:]...)
		if strings.Contains(body, `action="`+p3+`/withdraw"`) {
			t.Fatalf("%s: the refused withdrawal offers the form again:\n%s", lang, body)
		}
		if lang == "fr" {
			wantIn(t, "the French withdrawal page", text(confirm), "Retirer cette proposition", "Ankara voit que vous l'avez retirée.")
			for name, page := range map[string]string{"withdrawal page": confirm, "refused withdrawal": body} {
				if en := englishIn(page); len(en) > 0 {
					t.Errorf("the French %s shows English: %v", name, en)
				}
			}
		}
		if st := f.nominationState(t, n3.ID); st != haven.NominationDeclined {
			t.Fatalf("%s: state %s", lang, st)
		}
	}

	// Only the partner that made it may withdraw it.
	n4 := f.nominate(t, "Defender Kept")
	p4 := "/nominations/" + string(n4.ID)
	if r, _ := ref.get(p4 + "/withdraw"); r.StatusCode != http.StatusForbidden {
		t.Fatalf("the referral partner's withdrawal page: %d", r.StatusCode)
	}
	ref.get(p4)
	if r, _ := ref.post(p4+"/withdraw", nil); r.StatusCode != http.StatusForbidden {
		t.Fatalf("the referral partner's withdrawal: %d", r.StatusCode)
	}
	o := &haven.Organisation{Kind: haven.OrgProtectionPartner, Name: "Other defenders' group", Country: "CA"}
	must(0, f.app.Programme.CreateOrganisation(f.ctx, f.admin, o))
	other := f.browser(t)
	other.signIn(f.enrolTOTP(t, o, "other-protector"))
	if r, _ := other.get(p4 + "/withdraw"); r.StatusCode != http.StatusNotFound {
		t.Fatalf("another protection partner's withdrawal page: %d", r.StatusCode)
	}
	if r, _ := other.post(p4+"/withdraw", nil); r.StatusCode != http.StatusNotFound {
		t.Fatalf("another protection partner's withdrawal: %d", r.StatusCode)
	}
	if st := f.nominationState(t, n4.ID); st != haven.NominationSubmitted {
		t.Fatalf("a refused withdrawal changed the state to %s", st)
	}
}
