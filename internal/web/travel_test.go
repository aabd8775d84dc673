package web_test

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/havenhrd/haven"
)

// TestChangeTravelPages: the visa office's page of a travel_booked case
// offers "Change travel", whose form reports a malformed date, a past
// date, the date booked and a date past a traveller's medical, keeping
// what was typed and changing nothing, then moves the journey; the
// settlement organisation the case is placed with sees the expected
// arrival on its case page and in its list, and its notifications tell it
// of the booking and the change. In English and in French.
func TestChangeTravelPages(t *testing.T) {
	for _, lang := range []string{"en", "fr"} {
		t.Run(lang, func(t *testing.T) {
			words := map[string]map[string]string{
				"en": {"change": "Change travel", "expected": "Expected arrival", "new": "New travel date", "error": "Error: ",
					"format": "Write the date as year-month-day", "past": "The travel date is in the past",
					"december": "December has 31 days", "month13": "There is no month 13", "february": "February 2026 has 28 days",
					"same": "The family is already booked to travel on that date", "medical": "A traveller's medical expires before that date",
					"done": "The travel date is changed.", "booked": "Travel is booked for a family placed with you",
					"changed": "The travel date of a family placed with you has changed", "timeline": "Travel date changed"},
				"fr": {"change": "Modifier le voyage", "expected": "Arrivée prévue", "new": "Nouvelle date du voyage", "error": "Erreur : ",
					"format": "Écrivez la date sous la forme année-mois-jour", "past": "La date du voyage est passée",
					"december": "Décembre compte 31 jours", "month13": "Il n'y a pas de mois 13", "february": "Février 2026 compte 28 jours",
					"same": "Le voyage de la famille est déjà réservé à cette date", "medical": "L'examen médical d'un voyageur expire avant cette date",
					"done": "La date du voyage est modifiée.", "booked": "Le voyage d'une famille qui vous est confiée est réservé",
					"changed": "La date du voyage d'une famille qui vous est confiée a changé", "timeline": "Date du voyage modifiée"},
			}[lang]
			f := newFixture(t, false)
			visa := f.users[haven.OrgVisaOffice].actor
			c := f.approved(t, "Voyage", 2)
			must(f.app.Cases.AssignSettlement(f.ctx, visa, c.ID, f.orgs[haven.OrgSettlementOrganisation].ID))
			path := "/cases/" + string(c.ID)

			vb := f.browser(t)
			vb.get("/signin?lang=" + lang)
			vb.signIn(f.users[haven.OrgVisaOffice])
			// Approved, not booked: nothing to change yet.
			if _, body := vb.get(path); strings.Contains(body, "/change-travel") || strings.Contains(section(body, "clock"), words["expected"]) {
				t.Fatalf("an approved case offers a change of travel:\n%s", text(body))
			}
			today := haven.DateOf(f.clock.Now())
			booked := today.AddDays(20)
			must(f.app.Cases.BookTravel(f.ctx, visa, c.ID, &haven.Travel{Date: booked, Itinerary: "Itinerary IST-YUL Voyage"}))
			_, body := vb.get(path)
			if !strings.Contains(body, `id="act-change_travel"`) || !strings.Contains(body, `action="`+path+`/change-travel"`) ||
				!strings.Contains(body, `href="#act-change_travel"`) || !strings.Contains(body, ">"+words["change"]+"<") ||
				!strings.Contains(body, words["new"]) {
				t.Fatalf("a travel_booked case does not offer a change of travel:\n%s", text(body))
			}
			if p := text(section(body, "clock")); !strings.Contains(p, words["expected"]) || !strings.Contains(p, booked.String()) {
				t.Fatalf("the panel lacks the expected arrival:\n%s", p)
			}

			// Refused changes: beside the field, what was typed kept, nothing changed.
			for _, tc := range []struct {
				typed, say string
				status     int
				field      bool
			}{
				{"next week", words["format"], http.StatusBadRequest, true},
				{"2026-12-32", words["december"], http.StatusBadRequest, true},
				{"2026-13-01", words["month13"], http.StatusBadRequest, true},
				{"2026-02-30", words["february"], http.StatusBadRequest, true},
				{today.AddDays(-1).String(), words["past"], http.StatusBadRequest, true},
				{booked.String(), words["same"], http.StatusBadRequest, true},
				{today.AddDays(800).String(), words["medical"], http.StatusConflict, false},
			} {
				r, body := vb.fill(path+"/change-travel", url.Values{"new_travel_date": {tc.typed}}, "")
				if r.StatusCode != tc.status || !strings.HasPrefix(title(body), words["error"]) || !strings.Contains(text(body), tc.say) {
					t.Fatalf("change to %q: %d %q\n%s", tc.typed, r.StatusCode, title(body), text(body))
				}
				if tc.field && (!slices.Contains(errorLinks(body), "new_travel_date") || !strings.Contains(body, `id="new_travel_date-error"`)) {
					t.Fatalf("change to %q: the error is not beside the field: %v", tc.typed, errorLinks(body))
				}
				if v, _ := value(body, "new_travel_date"); v != tc.typed {
					t.Fatalf("change to %q: the field holds %q", tc.typed, v)
				}
				if got := must(f.app.Cases.FindCaseByID(f.ctx, visa, c.ID)).Travel.Date; got != booked {
					t.Fatalf("a refused change moved the travel to %s", got)
				}
				vb.get(path)
			}
			moved := today.AddDays(26)
			r, body := vb.fill(path+"/change-travel", url.Values{"new_travel_date": {moved.String()}}, "")
			if r.StatusCode != http.StatusOK || r.Request.URL.Path != path || !strings.Contains(body, words["done"]) ||
				!strings.Contains(text(section(body, "clock")), moved.String()) || !strings.Contains(body, "Itinerary IST-YUL Voyage") ||
				!strings.Contains(text(section(body, "timeline")), words["timeline"]) {
				t.Fatalf("the change: %d at %s\n%s", r.StatusCode, r.Request.URL, text(body))
			}

			// The settlement organisation: the expected arrival on its
			// case page and in its list, and what it is told.
			sb := f.browser(t)
			sb.get("/signin?lang=" + lang)
			sb.signIn(f.users[haven.OrgSettlementOrganisation])
			_, body = sb.get(path)
			if p := text(section(body, "clock")); !strings.Contains(p, words["expected"]) || !strings.Contains(p, moved.String()) {
				t.Fatalf("the settlement organisation's panel:\n%s", p)
			}
			if strings.Contains(body, "/change-travel") || strings.Contains(body, words["new"]) {
				t.Fatal("the settlement organisation is offered the change of travel")
			}
			_, list := sb.get("/cases")
			row := between(list, `href="/cases/`+string(c.ID)+`"`, "</tr>")
			if !strings.Contains(list, `<th scope="col">`+words["expected"]+`</th>`) || !strings.Contains(row, moved.String()) {
				t.Fatalf("the settlement organisation's list lacks the expected arrival:\n%s", text(list))
			}
			_, notices := sb.get("/notifications")
			if n := text(notices); !strings.Contains(n, words["booked"]) || !strings.Contains(n, words["changed"]) ||
				!strings.Contains(n, booked.String()) || !strings.Contains(n, moved.String()) || !strings.Contains(n, c.Reference) {
				t.Fatalf("the settlement organisation's notifications:\n%s", n)
			}
			// The visa office is not addressed.
			if _, n := vb.get("/notifications"); strings.Contains(text(n), words["changed"]) {
				t.Fatal("the visa office is told of its own change")
			}
		})
	}
}

// TestTravelFormsReportEveryProblem: the travel, change of travel and
// arrival forms report every problem of what was typed in one pass, each
// linked from the summary and beside its field: a date the page cannot
// read no longer hides an itinerary too long or a wrong port of entry,
// and a date the app refuses (past, future) is said beside the port's
// problem. What was typed stays; nothing changes. In English and French.
func TestTravelFormsReportEveryProblem(t *testing.T) {
	for _, lang := range []string{"en", "fr"} {
		t.Run(lang, func(t *testing.T) {
			words := map[string]map[string]string{
				"en": {"month13": "There is no month 13", "february": "February 2026 has 28 days", "long": "This answer is too long",
					"port": "Enter the port of entry's three-letter code", "future": "The arrival date is in the future", "past": "The travel date is in the past"},
				"fr": {"month13": "Il n'y a pas de mois 13", "february": "Février 2026 compte 28 jours", "long": "Cette réponse est trop longue",
					"port": "Saisissez le code à trois lettres du point d'entrée", "future": "La date d'arrivée est dans l'avenir", "past": "La date du voyage est passée"},
			}[lang]
			f := newFixture(t, false)
			visa := f.users[haven.OrgVisaOffice].actor
			c := f.approved(t, "Ensemble", 1)
			path := "/cases/" + string(c.ID)
			b := f.browser(t)
			b.get("/signin?lang=" + lang)
			b.signIn(f.users[haven.OrgVisaOffice])
			long := strings.Repeat("x", 5001)
			today := haven.DateOf(f.clock.Now())
			check := func(name, action string, set url.Values, links []string, says ...string) {
				t.Helper()
				b.get(path)
				r, body := b.fill(action, set, "")
				got := errorLinks(body)
				slices.Sort(got)
				if r.StatusCode != http.StatusBadRequest || !slices.Equal(got, links) {
					t.Fatalf("%s: %d, the summary links %v, want %v\n%s", name, r.StatusCode, got, links, text(body))
				}
				for _, id := range links {
					if !strings.Contains(body, `id="`+id+`-error"`) {
						t.Fatalf("%s: no message beside %s", name, id)
					}
				}
				for _, s := range says {
					if !strings.Contains(text(body), s) {
						t.Fatalf("%s: the page does not say %q\n%s", name, s, text(body))
					}
				}
				for k, v := range set {
					if got, _ := value(body, k); got != v[0] && !strings.Contains(body, ">"+v[0]+"</textarea>") {
						t.Fatalf("%s: %s holds %q, typed %q", name, k, got, v[0])
					}
				}
			}
			check("book: a month 13 and a long itinerary", path+"/travel", url.Values{"travel_date": {"2026-13-01"}, "itinerary": {long}},
				[]string{"itinerary", "travel_date"}, words["month13"], words["long"])
			check("book: a past date and a long itinerary", path+"/travel", url.Values{"travel_date": {today.AddDays(-1).String()}, "itinerary": {long}},
				[]string{"itinerary", "travel_date"}, words["past"], words["long"])
			if got := must(f.app.Cases.FindCaseByID(f.ctx, visa, c.ID)); got.Travel != nil {
				t.Fatal("a refused booking was written")
			}

			booked := today.AddDays(20)
			must(f.app.Cases.BookTravel(f.ctx, visa, c.ID, &haven.Travel{Date: booked}))
			check("change: February 30 and a long itinerary", path+"/change-travel", url.Values{"new_travel_date": {"2026-02-30"}, "new_itinerary": {long}},
				[]string{"new_itinerary", "new_travel_date"}, words["february"], words["long"])
			check("arrival: a month 13 and a wrong port", path+"/arrival", url.Values{"arrival_date": {"2026-13-01"}, "port_of_entry": {"Y1"}},
				[]string{"arrival_date", "port_of_entry"}, words["month13"], words["port"])
			check("arrival: a future date and a wrong port", path+"/arrival", url.Values{"arrival_date": {today.AddDays(1).String()}, "port_of_entry": {"Y1"}},
				[]string{"arrival_date", "port_of_entry"}, words["future"], words["port"])
			if got := must(f.app.Cases.FindCaseByID(f.ctx, visa, c.ID)); got.Arrival != nil || got.Travel.Date != booked {
				t.Fatal("a refused act was written")
			}
		})
	}
}
