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
	b.WriteString(`<tr><th scope="row">` + label + `</th>`)
	for _, n := range figures {
		b.WriteString(`<td class="num">` + strconv.Itoa(n) + `</td>`)
	}
	return b.String() + "</tr>"
}

// quietRow is the HTML of a row of the table by month that folds months
// without movement, with the figures at their end.
func quietRow(label string, figures ...int) string {
	return strings.Replace(monthRow(label, figures...), `</th>`, `</th><td colspan="3">No movement</td>`, 1)
}

// segment is the HTML of one segment of a bar.
func segment(x, w string, height int, class string) string {
	return `<rect x="` + x + `" y="0" width="` + w + `" height="` + strconv.Itoa(height) + `" class="bar ` + class + `"></rect>`
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
		`<caption id="cap-months-caption">Month by month, in persons: The whole cap</caption>`,
		`<figcaption>Persons reserved, arrived and remaining at the end of each period, drawn to the scale of 500 persons.`,
		// Reserved, arrived and released in the month; reserved, arrived
		// and remaining at its end. The months without movement fold into
		// one row; the period before the year stands alone.
		quietRow("Before 2026", 0, 0, 500),
		quietRow("January–April 2026", 0, 0, 500),
		monthRow("May 2026", 7, 0, 0, 7, 0, 493),
		monthRow("June 2026", 0, 3, 0, 4, 3, 493),
		monthRow("July 2026", 0, 0, 2, 2, 3, 495),
		// The same periods beside their bars, in words.
		`<p class="stack-list__name">January–April 2026</p>`, `No movement: 0 reserved, 0 arrived, 500 remaining`,
		`<p class="stack-list__name">May 2026</p>`, `7 reserved, 0 arrived, 493 remaining`,
		// The year's figures agree with July's.
		`<th scope="row">Reserved</th><td class="num">2</td>`, `<th scope="row">Remaining</th><td class="num">495</td>`,
		// The year's one bar: 2 reserved, then 3 arrived, then 495
		// remaining, of 500, with its words below it.
		`<desc id="cap-chart-desc">One bar, the cap of 500 persons: 2 reserved, then 3 arrived, then 495 remaining.</desc>`,
		segment("0.00%", "0.40%", 48, "bar-reserved"), segment("0.40%", "0.60%", 48, "bar-arrived"), segment("1.00%", "99.00%", 48, "bar-remaining"),
		`Reserved: 2</li>`, `Arrived: 3</li>`, `Remaining: 495</li>`,
		// The partners to choose from, and a link from each to its months.
		`<option value="">The whole cap</option>`, `<option value="` + string(fld.ID) + `">Front Line Defenders</option>`,
		`<option value="` + string(f.orgs[haven.OrgReferralPartner].ID) + `">UNHCR Ankara</option>`,
		`<a href="/cap?year=2026&amp;partner=` + string(fld.ID) + `#months">Front Line Defenders</a>`,
		// Each partner's bar drawn to its own allocation: 2 reserved of
		// Front Line Defenders' 4 fill half its bar; UNHCR has none, and
		// its 3 arrived are drawn on the cap.
		`<p class="stack-list__name">Front Line Defenders</p>`, segment("0.00%", "50.00%", 24, "bar-reserved"), segment("50.00%", "50.00%", 24, "bar-remaining"),
		`2 reserved, 0 arrived, 2 remaining of an allocation of 4 persons`,
		`<p class="stack-list__name">UNHCR Ankara</p>`, segment("0.00%", "0.60%", 24, "bar-arrived"),
		`0 reserved, 3 arrived, 495 remaining in the cap of 500 persons`,
		// The year is one of the years with rules.
		`<option value="2026" selected>2026</option>`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("the cap page lacks %q", want)
		}
	}
	// No word is drawn on a bar, where it could cover a narrow segment or
	// another word: labels and numbers are text beside the bars.
	if strings.Contains(body, "<text") {
		t.Error("the cap page draws words inside its charts")
	}
	for _, gone := range []string{">January 2026", ">April 2026", "August 2026"} {
		if strings.Contains(body, gone) {
			t.Errorf("the cap page shows %q", gone)
		}
	}
	if resp.StatusCode != 200 || t.Failed() {
		t.Fatalf("the cap page by month: %d\n%s", resp.StatusCode, body)
	}

	// One partner's months: its seats, and what is left of its allocation.
	resp, body = br.get("/cap?year=2026&partner=" + string(fld.ID))
	for _, want := range []string{
		`<caption id="cap-months-caption">Month by month, in persons: Front Line Defenders</caption>`,
		`<option value="` + string(fld.ID) + `" selected>Front Line Defenders</option>`,
		`drawn to the scale of 4 persons.`,
		quietRow("January–April 2026", 0, 0, 4),
		monthRow("May 2026", 2, 0, 0, 2, 0, 2),
		quietRow("June–July 2026", 2, 0, 2),
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
		`<tr><th scope="row">Avant 2026</th><td colspan="3">Aucun mouvement</td>`, `<th scope="row">Juin–juillet 2026</th>`,
		"Réservées à la fin du mois", "2 réservées, 0 arrivées, 2 restantes d&#39;une allocation de 4 personnes"} {
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
	if r.StatusCode != 200 || !strings.Contains(body, `<option value="2031" selected>2031</option>`) || !strings.Contains(body, "<h2>The cap for 2031</h2>") {
		t.Fatalf("the cap page's year is not the app's: %d\n%s", r.StatusCode, text(body))
	}
}

// TestCapYearFromRules: the cap page offers the years that have rules, as
// a list, and refuses any other year beside the list, as it refuses a
// partner that is not one.
func TestCapYearFromRules(t *testing.T) {
	f := newFixture(t, false)
	b := f.browser(t)
	b.signIn(f.users[haven.OrgVisaOffice])
	_, body := b.get("/cap")
	var offered []string
	for _, y := range []int{2020, 2021, 2026, 2027, 2028} {
		years, err := f.app.Programme.FindRules(f.ctx, f.admin, y)
		has := strings.Contains(body, `<option value="`+strconv.Itoa(y)+`"`)
		if has != (err == nil && years != nil) {
			t.Errorf("year %d offered %v, has rules: %v", y, has, err == nil)
		}
		if has {
			offered = append(offered, strconv.Itoa(y))
		}
	}
	if len(offered) < 2 || !strings.Contains(body, `<select class="select" id="year" name="year">`) || strings.Contains(body, `<input class="input input--4" type="text" id="year"`) {
		t.Fatalf("the years offered: %v\n%s", offered, body)
	}
	for _, bad := range []string{"2028", "2020", "twenty", "2026x"} {
		resp, body := b.get("/cap?year=" + bad)
		if resp.StatusCode != http.StatusBadRequest || !strings.HasPrefix(title(body), "Error: ") ||
			!strings.Contains(body, `<a href="#year">Choose a year from the list</a>`) ||
			!strings.Contains(body, `aria-describedby="year-error" aria-invalid="true"`) || strings.Contains(body, "cap-figures") {
			t.Errorf("year %q: %d %q\n%s", bad, resp.StatusCode, title(body), text(body))
		}
	}
}
