package web_test

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/havenhrd/haven"
)

// TestInterviewForm: the visa office schedules the interview from the
// case page, in English and in French. An empty or wrong form is refused
// with an error summary linked to each field, in the page's language,
// keeping what was typed, and nothing is written; a good one schedules it:
// the case page shows the interview, the status panel has it as the next
// step on its day, the list shows that day. Moving it starts from the
// interview as it stands, and the timeline says it moved. The referring
// partner reads the interview with the attending members' contact
// details, and no form; a partner that does not read the case gets the
// page of a case that does not exist.
func TestInterviewForm(t *testing.T) {
	for _, lang := range []string{"en", "fr"} {
		t.Run(lang, func(t *testing.T) {
			words := map[string]map[string]string{
				"en": {"error": "Error: ", "schedule": "Schedule an interview", "move": "Move the interview", "title": "Interview",
					"date": "Enter the date of the interview", "link": "Enter the full link of the remote interview, starting with https://",
					"place": "Enter the address of the interview, or a link for a remote interview", "date_format": "year-month-day",
					"done": "The interview is scheduled.", "next": "The interview, then its assessment", "moved": "Interview moved",
					"interpreter": "Needed (language: ", "attending": "Who attends", "due": "interview"},
				"fr": {"error": "Erreur : ", "schedule": "Prévoir une entrevue", "move": "Déplacer l'entrevue", "title": "Entrevue",
					"date": "Entrez la date de l'entrevue", "link": "Entrez le lien complet de l'entrevue à distance, qui commence par https://",
					"place": "Entrez l'adresse de l'entrevue, ou un lien pour une entrevue à distance", "date_format": "année-mois-jour",
					"done": "L'entrevue est prévue.", "next": "L'entrevue, puis son évaluation", "moved": "Entrevue déplacée",
					"interpreter": "Nécessaire (langue : ", "attending": "Qui y assiste", "due": "entrevue"},
			}[lang]
			f := newFixture(t, false)
			visa := f.users[haven.OrgVisaOffice].actor
			c := f.refer(t, "Interview", 3, haven.PriorityUrgent)
			must(f.app.Cases.OpenFile(f.ctx, visa, c.ID))
			must(f.app.Cases.StartEligibility(f.ctx, visa, c.ID))
			path := "/cases/" + string(c.ID)
			action := path + "/schedule-interview"

			b := f.browser(t)
			b.get("/signin?lang=" + lang)
			b.signIn(f.users[haven.OrgVisaOffice])
			_, body := b.get(path)
			form := section(body, "partner-actions-heading")
			if !strings.Contains(body, `id="act-schedule_interview"`) || !strings.Contains(form, words["schedule"]) ||
				!strings.Contains(body, `name="attending" value="`+string(c.Members[2].ID)+`"`) || strings.Contains(body, `id="interview-heading"`) {
				t.Fatalf("the interview form:\n%s", text(form))
			}

			// Empty: each field the app needs is named, linked, in the page's language.
			r, body := b.fill(action, url.Values{}, "")
			links := errorLinks(body)
			for _, field := range []string{"interview_date", "interview_time", "interview_zone", "interview_place", "interview_language"} {
				if !slices.Contains(links, field) || !strings.Contains(body, `id="`+field+`-error"`) {
					t.Errorf("empty form: %s not linked: %v", field, links)
				}
			}
			if r.StatusCode != http.StatusBadRequest || !strings.HasPrefix(title(body), words["error"]) || !strings.Contains(text(body), words["date"]) ||
				!strings.Contains(text(body), words["place"]) || f.caseState(t, c.ID) != haven.StateEligibilityReview {
				t.Fatalf("empty form: %d %q %v\n%s", r.StatusCode, title(body), links, text(body))
			}
			// A malformed date is the page's own; a link that is not https
			// the app's; what was typed stays.
			good := url.Values{"interview_date": {"2026-05-20"}, "interview_time": {"09:30"}, "interview_zone": {"Europe/Istanbul"},
				"interview_place": {"UNHCR office, Kavaklidere, Ankara"}, "interview_language": {"fa"}, "interpreter": {"yes"},
				"interpreter_language": {"en"}}
			bad := url.Values{}
			for k, v := range good {
				bad[k] = v
			}
			bad.Set("interview_date", "20/05/2026")
			r, body = b.fill(action, bad, "")
			if r.StatusCode != http.StatusBadRequest || !slices.Equal(errorLinks(body), []string{"interview_date"}) ||
				!strings.Contains(body, `value="UNHCR office, Kavaklidere, Ankara"`) && !strings.Contains(body, ">UNHCR office, Kavaklidere, Ankara</textarea>") {
				t.Fatalf("a malformed date: %d %v\n%s", r.StatusCode, errorLinks(body), text(body))
			}
			// A date the page cannot read hides nothing else: a time and a
			// zone the app refuses are said with it, in one pass.
			bad.Set("interview_date", "2026-13-01")
			bad.Set("interview_time", "9h30")
			bad.Set("interview_zone", "Istanbul")
			r, body = b.fill(action, bad, "")
			links = errorLinks(body)
			slices.Sort(links)
			if r.StatusCode != http.StatusBadRequest || !slices.Equal(links, []string{"interview_date", "interview_time", "interview_zone"}) ||
				!strings.Contains(body, `id="interview_time-error"`) || !strings.Contains(body, `id="interview_zone-error"`) {
				t.Fatalf("a month 13, a wrong time and zone: %d %v\n%s", r.StatusCode, links, text(body))
			}
			bad.Set("interview_time", "09:30")
			bad.Set("interview_zone", "Europe/Istanbul")
			bad.Set("interview_date", "2026-05-20")
			bad.Set("interview_link", "http://meet.example.org/r/1")
			r, body = b.fill(action, bad, "")
			if r.StatusCode != http.StatusBadRequest || !slices.Equal(errorLinks(body), []string{"interview_link"}) || !strings.Contains(text(body), words["link"]) ||
				!strings.Contains(body, `value="http://meet.example.org/r/1"`) {
				t.Fatalf("an http link: %d %v\n%s", r.StatusCode, errorLinks(body), text(body))
			}
			// After the target date (42 days for an urgent case).
			bad.Set("interview_link", "")
			bad.Set("interview_date", "2026-07-01")
			if r, body = b.fill(action, bad, ""); r.StatusCode != http.StatusBadRequest || !slices.Equal(errorLinks(body), []string{"interview_date"}) {
				t.Fatalf("after the target date: %d %v\n%s", r.StatusCode, errorLinks(body), text(body))
			}
			if got := must(f.app.Cases.FindCaseByID(f.ctx, visa, c.ID)); got.Interview != nil || got.State != haven.StateEligibilityReview {
				t.Fatalf("refused forms wrote %+v", got.Interview)
			}

			// Scheduled, the default attending.
			r, body = b.fill(action, good, "")
			if r.Request.URL.Path != path || !strings.Contains(text(body), words["done"]) || f.caseState(t, c.ID) != haven.StateInterview {
				t.Fatalf("scheduled: %d %s\n%s", r.StatusCode, r.Request.URL, text(body))
			}
			iv := strings.Join(strings.Fields(text(section(body, "interview"))), " ")
			for _, want := range []string{words["title"], "2026-05-20 09:30", "Europe/Istanbul", "UNHCR office, Kavaklidere, Ankara", words["interpreter"],
				words["attending"], "FamilyInterview", "Member0 Interview", "Member1 Interview", "+90 555 Interview"} {
				if !strings.Contains(iv, want) {
					t.Errorf("the interview section lacks %q:\n%s", want, iv)
				}
			}
			if strings.Contains(iv, "Member2 Interview") {
				t.Errorf("the child attends by default:\n%s", iv)
			}
			panel := strings.Join(strings.Fields(text(section(body, "clock"))), " ")
			if !strings.Contains(panel, words["next"]) || !strings.Contains(panel, "2026-05-20 09:30 (Europe/Istanbul) – "+words["due"]) {
				t.Errorf("the panel:\n%s", panel)
			}
			_, list := b.get("/cases")
			if !strings.Contains(strings.Join(strings.Fields(text(list)), " "), "2026-05-20 – "+words["due"]) {
				t.Errorf("the list does not show the interview's day:\n%s", text(list))
			}

			// Moved: the form starts from the interview as it stands.
			_, body = b.get(path)
			if v, _ := value(body, "interview_date"); v != "2026-05-20" || !strings.Contains(text(body), words["move"]) ||
				!strings.Contains(body, `id="interpreter-yes" name="interpreter" value="yes" checked`) ||
				!strings.Contains(body, `value="`+string(c.Members[0].ID)+`" checked`) {
				t.Fatalf("the move form is not filled in:\n%s", text(section(body, "partner-actions-heading")))
			}
			r, body = b.fill(action, url.Values{"interview_date": {"2026-05-22"}, "interview_place": {""},
				"interview_link": {"https://meet.example.org/r/1"}, "interpreter": {"no"}, "attending": {string(c.Members[0].ID)}}, "")
			if r.Request.URL.Path != path {
				t.Fatalf("moved: %d %v\n%s", r.StatusCode, errorLinks(body), text(body))
			}
			iv = strings.Join(strings.Fields(text(section(body, "interview"))), " ")
			if !strings.Contains(iv, "2026-05-22 09:30") || !strings.Contains(iv, "https://meet.example.org/r/1") || strings.Contains(iv, "Kavaklidere") ||
				strings.Contains(iv, "Member1 Interview") {
				t.Errorf("after the move:\n%s", iv)
			}
			if tl := text(section(body, "timeline")); !strings.Contains(tl, words["moved"]) {
				t.Errorf("the timeline does not say it moved:\n%s", tl)
			}

			// The referring partner reads it, with contact details, and no form.
			ref := f.browser(t)
			ref.get("/signin?lang=" + lang)
			ref.signIn(f.users[haven.OrgReferralPartner])
			_, body = ref.get(path)
			if iv := text(section(body, "interview")); !strings.Contains(iv, "https://meet.example.org/r/1") || !strings.Contains(iv, "+90 555 Interview") ||
				strings.Contains(body, `id="act-schedule_interview"`) {
				t.Errorf("the referring partner's page:\n%s", iv)
			}
			// The screening partner reads no such case: the page of none.
			sp := f.browser(t)
			sp.get("/signin?lang=" + lang)
			sp.signIn(f.users[haven.OrgScreeningPartner])
			r1, b1 := sp.get(path)
			r2, b2 := sp.get("/cases/case_doesnotexist")
			if r1.StatusCode != http.StatusNotFound || r1.StatusCode != r2.StatusCode || title(b1) != title(b2) || strings.Contains(b1, "meet.example.org") {
				t.Errorf("the screening partner: %d %q; no case: %d %q", r1.StatusCode, title(b1), r2.StatusCode, title(b2))
			}
		})
	}
}
