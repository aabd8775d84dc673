package web_test

import (
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/havenhrd/haven"
)

// monthRow is the HTML of a row of the table by month.
func monthRow(label string, figures ...int) string {
	var b strings.Builder
	b.WriteString(`<tr><th scope="row" class="date">` + label + `</th>`)
	for _, n := range figures {
		b.WriteString(`<td class="num">` + strconv.Itoa(n) + `</td>`)
	}
	return b.String() + "</tr>"
}

// TestCapByMonth approves two UNHCR families (3 and 2 persons) and one
// the protection partner referred directly (2 persons, inside its
// allocation of 4) in May 2026, records the first family's arrival in June
// and refuses the second in July, then reads the cap page by month: of the
// whole cap, of the protection partner, and with a partner that is not one.
func TestCapByMonth(t *testing.T) {
	f := newFixture(t, false)
	visa := f.users[haven.OrgVisaOffice].actor
	fld := f.orgs[haven.OrgProtectionPartner]
	r := f.rules(t, 2026)
	r.Referrers, r.Allocations = []haven.ID{fld.ID}, map[haven.ID]int{fld.ID: 4}
	if err := f.app.Programme.SetRules(f.ctx, f.admin, r); err != nil {
		t.Fatal(err)
	}
	a := f.approved(t, "MonthA", 3)
	b := f.approved(t, "MonthB", 2)
	c := referral("MonthC", 2, haven.PriorityNormal)
	if err := f.app.Cases.CreateReferral(f.ctx, f.users[haven.OrgProtectionPartner].actor, c); err != nil {
		t.Fatal(err)
	}
	f.toAdmissibility(t, c.ID)
	f.passChecks(t, c.ID)
	must(f.app.Cases.ConfirmAdmissible(f.ctx, visa, c.ID))
	must(f.app.Cases.Approve(f.ctx, visa, c.ID, haven.ApproveInput{}))
	f.clock.Add(29 * 24 * time.Hour) // 2 June
	travel := haven.DateOf(f.clock.Now().AddDate(0, 0, 8))
	must(f.app.Cases.BookTravel(f.ctx, visa, a.ID, &haven.Travel{Date: travel, Itinerary: "IST-YYZ"}))
	f.clock.Add(8 * 24 * time.Hour) // 10 June
	must(f.app.Cases.RecordArrival(f.ctx, visa, a.ID, &haven.Arrival{Date: travel, PortOfEntry: "YYZ"}))
	f.clock.Add(26 * 24 * time.Hour) // 6 July
	must(f.app.Cases.Refuse(f.ctx, visa, b.ID, "Exclusion clause applies."))
	if now := f.clock.Now(); now.Month() != time.July || now.Year() != 2026 {
		t.Fatalf("the test's clock is at %v", now)
	}

	br := f.browser(t)
	br.signIn(f.users[haven.OrgVisaOffice])
	resp, body := br.get("/cap?year=2026")
	for _, want := range []string{
		`<h2 id="months">Month by month: The whole cap</h2>`,
		`<caption>Month by month, in persons: The whole cap</caption>`,
		`<title id="months-chart-title">Persons in the 2026 cap at each month&#39;s end: The whole cap</title>`,
		`<desc id="months-chart-desc">Bar chart in 8 periods: before the year, each month`,
		`class="month-value">7 reserved</text>`, `class="month-value">495 remaining</text>`,
		`<figcaption>Bars drawn to the scale of 500 persons.`,
		// Reserved, arrived and released in the month; reserved, arrived
		// and remaining at its end.
		monthRow("Before 2026", 0, 0, 0, 0, 0, 500),
		monthRow("January 2026", 0, 0, 0, 0, 0, 500),
		monthRow("April 2026", 0, 0, 0, 0, 0, 500),
		monthRow("May 2026", 7, 0, 0, 7, 0, 493),
		monthRow("June 2026", 0, 3, 0, 4, 3, 493),
		monthRow("July 2026", 0, 0, 2, 2, 3, 495),
		// The year's figures agree with July's.
		`<th scope="row">Reserved</th><td class="num">2</td>`, `<th scope="row">Remaining</th><td class="num">495</td>`,
		// The partners to choose from, and a link from each to its months.
		`<option value="">The whole cap</option>`, `<option value="` + string(fld.ID) + `">Front Line Defenders</option>`,
		`<option value="` + string(f.orgs[haven.OrgReferralPartner].ID) + `">UNHCR Ankara</option>`,
		`<a href="/cap?year=2026&amp;partner=` + string(fld.ID) + `#months">Front Line Defenders</a>`,
		// The chart by partner: each partner's three bars, in words too.
		`<title id="partners-chart-title">Persons in the 2026 cap by referring partner</title>`,
		`<desc id="partners-chart-desc">Bar chart of 2 partners.`,
		`class="month-label">Front Line Defenders</text>`, `class="month-label">UNHCR Ankara</text>`,
		`class="month-value">3 arrived</text>`, `class="month-value">2 reserved</text>`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("the cap page lacks %q", want)
		}
	}
	if resp.StatusCode != 200 || strings.Contains(body, "August 2026") || t.Failed() {
		t.Fatalf("the cap page by month: %d\n%s", resp.StatusCode, body)
	}

	// One partner's months: its seats, and what is left of its allocation.
	resp, body = br.get("/cap?year=2026&partner=" + string(fld.ID))
	for _, want := range []string{
		`<caption>Month by month, in persons: Front Line Defenders</caption>`,
		`<option value="` + string(fld.ID) + `" selected>Front Line Defenders</option>`,
		`<figcaption>Bars drawn to the scale of 4 persons.`,
		monthRow("April 2026", 0, 0, 0, 0, 0, 4),
		monthRow("May 2026", 2, 0, 0, 2, 0, 2),
		monthRow("June 2026", 0, 0, 0, 2, 0, 2),
		monthRow("July 2026", 0, 0, 0, 2, 0, 2),
	} {
		if !strings.Contains(body, want) {
			t.Errorf("the partner's months lack %q", want)
		}
	}
	if resp.StatusCode != 200 || t.Failed() {
		t.Fatalf("the partner's months: %d\n%s", resp.StatusCode, body)
	}

	// Not one of the year's partners: refused beside the choice, with the
	// whole cap still shown.
	for _, bad := range []string{"org_nope", string(f.orgs[haven.OrgVisaOffice].ID)} {
		resp, body = br.get("/cap?year=2026&partner=" + bad)
		if resp.StatusCode != http.StatusBadRequest || !strings.HasPrefix(title(body), "Error: ") ||
			!strings.Contains(body, `<a href="#partner">Choose a partner from the list</a>`) || !strings.Contains(body, `id="partner-error"`) ||
			!strings.Contains(body, `aria-describedby="partner-error" aria-invalid="true"`) ||
			!strings.Contains(body, monthRow("July 2026", 0, 0, 2, 2, 3, 495)) {
			t.Fatalf("partner %s: %d %q\n%s", bad, resp.StatusCode, title(body), body)
		}
	}

	// In French, with nothing left in English.
	pages := map[string]string{}
	_, pages["months"] = br.get("/cap?year=2026&partner=" + string(fld.ID) + "&lang=fr")
	_, pages["error"] = br.get("/cap?year=2026&partner=org_nope")
	for _, want := range []string{"Mois par mois : Front Line Defenders", monthRow("Mai 2026", 2, 0, 0, 2, 0, 2),
		monthRow("Avant 2026", 0, 0, 0, 0, 0, 4), "Réservées à la fin du mois", `class="month-value">2 réservées</text>`} {
		if !strings.Contains(pages["months"], want) {
			t.Errorf("the French months lack %q", want)
		}
	}
	if !strings.HasPrefix(title(pages["error"]), "Erreur : ") || !strings.Contains(pages["error"], "Choisissez un partenaire dans la liste") {
		t.Errorf("the French error: %q\n%s", title(pages["error"]), pages["error"])
	}
	for name, page := range pages {
		if en := englishIn(page); len(en) > 0 {
			t.Errorf("the French %s page shows English: %v", name, en)
		}
	}
}

// TestPagesTakeTheAppsClock: the cap page's year, like every page's
// today, is the app's clock's, not the machine's.
func TestPagesTakeTheAppsClock(t *testing.T) {
	f := newFixture(t, false)
	f.clock.Add(5 * 366 * 24 * time.Hour) // 2031
	if err := f.app.Programme.SetRules(f.ctx, f.admin, haven.DefaultRules(2031)); err != nil {
		t.Fatal(err)
	}
	b := f.browser(t)
	b.signIn(f.users[haven.OrgVisaOffice])
	r, body := b.get("/cap")
	if r.StatusCode != 200 || !strings.Contains(body, "2031") || strings.Contains(body, ">2026<") {
		t.Fatalf("the cap page's year is not the app's: %d\n%s", r.StatusCode, text(body))
	}
}
