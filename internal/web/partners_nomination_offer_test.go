package web_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/havenhrd/haven"
)

// nominationActs returns the acts a nomination page shows, in the order
// of haven.NominationEvents: a review form, and links to the refer,
// decline and withdraw pages.
func nominationActs(body string, id haven.ID) string {
	p := "/nominations/" + string(id)
	var out []string
	for _, a := range []struct{ ev, mark string }{
		{"review", `action="` + p + `/review"`}, {"refer", `href="` + p + `/refer"`},
		{"decline", `href="` + p + `/decline"`}, {"withdraw", `href="` + p + `/withdraw"`},
	} {
		if strings.Contains(body, a.mark) {
			out = append(out, a.ev)
		}
	}
	return strings.Join(out, " ")
}

// offered returns the events the app offers actor on the nomination.
func (f *fixture) offered(t *testing.T, actor haven.Actor, id haven.ID) string {
	t.Helper()
	var out []string
	for _, ev := range must(f.app.Nominations.FindNominationByID(f.ctx, actor, id)).Offer.Events {
		out = append(out, string(ev))
	}
	return strings.Join(out, " ")
}

// TestNominationPageShowsTheOffer: the nomination page shows each viewer
// exactly the acts the app offers, in every state; an act the app does not
// offer (referring, in a year whose rules do not let the partner refer) is
// neither shown nor reachable by its page.
func TestNominationPageShowsTheOffer(t *testing.T) {
	f := newFixture(t, false)
	protUser, refUser := f.users[haven.OrgProtectionPartner], f.users[haven.OrgReferralPartner]
	submitted := f.nominate(t, "Defender Submitted")
	reviewed := f.nominate(t, "Defender Reviewed")
	must(f.app.Nominations.ReviewNomination(f.ctx, refUser.actor, reviewed.ID))
	declined := f.nominate(t, "Defender Declined")
	must(f.app.Nominations.DeclineNomination(f.ctx, refUser.actor, declined.ID, "Outside our mandate."))
	withdrawn := f.nominate(t, "Defender Withdrawn")
	must(f.app.Nominations.WithdrawNomination(f.ctx, protUser.actor, withdrawn.ID))

	check := func(year string, cases []struct {
		u    *user
		id   haven.ID
		want string
	}) {
		t.Helper()
		browsers := map[*user]*browser{}
		for _, c := range cases {
			b := browsers[c.u]
			if b == nil {
				b = f.browser(t)
				b.signIn(c.u)
				browsers[c.u] = b
			}
			_, body := b.get("/nominations/" + string(c.id))
			got, offer := nominationActs(body, c.id), f.offered(t, c.u.actor, c.id)
			if got != c.want || got != offer {
				t.Errorf("%s, %s on %s: the page shows %q, the app offers %q, want %q", year, c.u.name, c.id, got, offer, c.want)
			}
		}
	}
	type row = struct {
		u    *user
		id   haven.ID
		want string
	}
	check("2026", []row{
		{protUser, submitted.ID, "withdraw"}, {protUser, reviewed.ID, "withdraw"},
		{protUser, declined.ID, ""}, {protUser, withdrawn.ID, ""},
		{refUser, submitted.ID, "review decline"}, {refUser, reviewed.ID, "refer decline"},
		{refUser, declined.ID, ""}, {refUser, withdrawn.ID, ""},
	})

	// A confirmation page of an act not offered: forbidden to a viewer
	// who may never take it, said so without a form to one who may not now.
	ref, prot := f.browser(t), f.browser(t)
	ref.signIn(refUser)
	prot.signIn(protUser)
	dp := "/nominations/" + string(declined.ID) + "/decline"
	if r, body := ref.get(dp); r.StatusCode != http.StatusConflict || strings.Contains(body, `action="`+dp+`"`) ||
		!strings.Contains(text(body), "The nomination cannot take this step in its current state") {
		t.Errorf("the decline page of a declined nomination: %d\n%s", r.StatusCode, text(body))
	}
	if r, _ := prot.get("/nominations/" + string(submitted.ID) + "/decline"); r.StatusCode != http.StatusForbidden {
		t.Errorf("the decline page, to the partner that made the nomination: %d", r.StatusCode)
	}

	// Years on, with no rules for the year: the referral partner may no
	// longer refer, so the page offers the decline alone, and the refer
	// page refuses.
	f.clock.Add(20 * 365 * 24 * time.Hour)
	check("a year without rules", []row{
		{refUser, reviewed.ID, "decline"}, {refUser, submitted.ID, "review decline"}, {protUser, reviewed.ID, "withdraw"},
	})
	ref = f.browser(t)
	ref.signIn(refUser)
	if r, _ := ref.get("/nominations/" + string(reviewed.ID) + "/refer"); r.StatusCode != http.StatusForbidden {
		t.Errorf("the refer page of a partner that may not refer: %d", r.StatusCode)
	}
}

// TestSplitShowsTheOffer: the split decision is shown only when the app
// offers it, with the members it offers to remove: never the principal
// applicant, and not at all for a principal alone.
func TestSplitShowsTheOffer(t *testing.T) {
	f := newFixture(t, false)
	visa := f.browser(t)
	visa.signIn(f.users[haven.OrgVisaOffice])
	alone := f.refer(t, "Alone", 1, haven.PriorityUrgent)
	family := f.refer(t, "Family", 2, haven.PriorityUrgent)
	for _, c := range []*haven.Case{alone, family} {
		must(f.app.Cases.OpenFile(f.ctx, f.users[haven.OrgVisaOffice].actor, c.ID))
		must(f.app.Cases.StartEligibility(f.ctx, f.users[haven.OrgVisaOffice].actor, c.ID))
		f.toAdmissibilityFrom(t, c.ID)
		path := "/cases/" + string(c.ID)
		_, body := visa.get(path)
		offered := must(f.app.Cases.FindCaseByID(f.ctx, f.users[haven.OrgVisaOffice].actor, c.ID)).Offer.Can(haven.EventSplit)
		if shown := strings.Contains(body, `href="`+path+`/split"`); shown != offered || shown != (c == family) {
			t.Errorf("%s: split shown %v, offered %v", c.ID, shown, offered)
		}
	}
	_, body := visa.get("/cases/" + string(family.ID) + "/split")
	if !strings.Contains(body, `value="`+string(family.Members[1].ID)+`"`) || strings.Contains(body, `value="`+string(family.Members[0].ID)+`"`) {
		t.Errorf("the split page of a family of two:\n%s", body)
	}
}
