package web_test

import (
	"html"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/havenhrd/haven"
)

// section returns the HTML of the page's element with id, up to its
// closing </section>, or "".
func section(body, id string) string {
	i := strings.Index(body, `id="`+id+`"`)
	if i < 0 {
		return ""
	}
	j := strings.Index(body[i:], "</section>")
	if j < 0 {
		return body[i:]
	}
	return body[i : i+j]
}

// primary is the href or form action of the status panel's primary act
// and its words, or "" when the panel offers none.
func primary(body string) (target, words string) {
	p := section(body, "clock")
	if m := regexp.MustCompile(`<a class="button" id="primary-act" href="([^"]+)">([^<]+)</a>`).FindStringSubmatch(p); m != nil {
		return html.UnescapeString(m[1]), html.UnescapeString(m[2])
	}
	if m := regexp.MustCompile(`(?s)<form method="post" action="([^"]+)"[^>]*>.*?id="primary-act">([^<]+)</button>`).FindStringSubmatch(p); m != nil {
		return html.UnescapeString(m[1]), html.UnescapeString(m[2])
	}
	return "", ""
}

// TestAnswerInfoRequestPages: the referring partner answers the visa
// office's request from the case page, in English and in French: the
// answer is its primary act, its form reports an empty or too long answer
// with an error summary and keeps what was typed; the request and the
// answer show in order with who and when, to the referrer and the visa
// office, which is then offered to resume.
func TestAnswerInfoRequestPages(t *testing.T) {
	for _, lang := range []string{"en", "fr"} {
		t.Run(lang, func(t *testing.T) {
			words := map[string]map[string]string{
				"en": {"answer": "Answer this request", "error": "Error: ", "empty": "Write your answer to the request", "long": "Your answer is too long",
					"twice": "This request is already answered", "sent": "Your answer is sent.", "asked": "Asked by ",
					"answered": "Answered by ", "resume": "Resume the case", "withdraw": "Withdraw this case", "unanswered": "Not answered yet.",
					"act": "Request for information answered", "timeline": "Timeline"},
				"fr": {"answer": "Répondre à cette demande", "error": "Erreur : ", "empty": "Écrivez votre réponse à la demande", "long": "Votre réponse est trop longue",
					"twice": "Cette demande a déjà une réponse", "sent": "Votre réponse est envoyée.", "asked": "Demandé par ",
					"answered": "Répondu par ", "resume": "Reprendre le dossier", "withdraw": "Retirer ce dossier", "unanswered": "Pas encore de réponse.",
					"act": "Réponse à la demande de renseignements", "timeline": "Historique"},
			}[lang]
			f := newFixture(t, false)
			visa := f.users[haven.OrgVisaOffice].actor
			c := f.refer(t, "Answer", 2, haven.PriorityUrgent)
			const question = "Send the summons of the Revolutionary Court."
			must(f.app.Cases.RequestInfo(f.ctx, visa, c.ID, question))
			path := "/cases/" + string(c.ID)

			ref := f.browser(t)
			ref.get("/signin?lang=" + lang)
			ref.signIn(f.users[haven.OrgReferralPartner])
			_, body := ref.get(path)
			if target, w := primary(body); target != "#act-answer_info" || w != words["answer"] {
				t.Fatalf("the referrer's primary act: %q %q\n%s", target, w, text(section(body, "clock")))
			}
			req := section(body, "info-requests")
			if !strings.Contains(req, words["asked"]+f.orgs[haven.OrgVisaOffice].Name) || !strings.Contains(req, question) ||
				!strings.Contains(req, words["unanswered"]) || !strings.Contains(req, `id="act-answer_info"`) ||
				!strings.Contains(req, `action="`+path+`/answer"`) || !strings.Contains(body, words["withdraw"]) {
				t.Fatalf("the open request:\n%s", text(req))
			}

			// An empty answer, then one too long: the error summary, the
			// message by the field, what was typed kept, nothing sent.
			long := strings.Repeat("x", 20001)
			for _, typed := range []string{"  ", long} {
				r, body := ref.fill(path+"/answer", url.Values{"answer": {typed}}, "")
				say := words["empty"]
				if typed == long {
					say = words["long"]
				}
				if r.StatusCode != http.StatusBadRequest || !strings.HasPrefix(title(body), words["error"]) || !strings.Contains(text(body), say) ||
					!slices.Contains(errorLinks(body), "answer") || !strings.Contains(body, `id="answer-error"`) ||
					(typed == long && !strings.Contains(body, long)) {
					t.Fatalf("answer %d characters: %d %q %v", len(typed), r.StatusCode, title(body), errorLinks(body))
				}
			}
			if n := len(must(f.app.Cases.FindCaseByID(f.ctx, visa, c.ID)).Notes); n != 1 {
				t.Fatalf("%d notes after refused answers", n)
			}

			const answer = "The summons is attached; the hearing was on 3 March."
			r, body := ref.fill(path+"/answer", url.Values{"answer": {answer}}, "")
			if r.StatusCode != http.StatusOK || r.Request.URL.Path != path || !strings.Contains(body, words["sent"]) {
				t.Fatalf("answer: %d at %s\n%s", r.StatusCode, r.Request.URL, text(body))
			}
			req = section(body, "info-requests")
			asked, answered := strings.Index(req, question), strings.Index(req, answer)
			if asked < 0 || answered < asked || !strings.Contains(req, words["answered"]+f.orgs[haven.OrgReferralPartner].Name) ||
				strings.Contains(req, `id="act-answer_info"`) || strings.Contains(req, words["unanswered"]) {
				t.Fatalf("the request and its answer:\n%s", text(req))
			}
			if target, _ := primary(body); target != "" {
				t.Errorf("the referrer still has a primary act: %s", target)
			}
			if f.caseState(t, c.ID) != haven.StateInfoRequested {
				t.Fatal("the answer moved the case")
			}
			// Sent once: posting again is refused, and says why.
			r, body = ref.post(path+"/answer", url.Values{"answer": {"Again."}})
			if r.StatusCode != http.StatusConflict || !strings.Contains(text(body), words["twice"]) || len(must(f.app.Cases.FindCaseByID(f.ctx, visa, c.ID)).Notes) != 2 {
				t.Fatalf("a second answer: %d\n%s", r.StatusCode, text(body))
			}

			// The visa office reads both and is offered to resume.
			vo := f.browser(t)
			vo.get("/signin?lang=" + lang)
			vo.signIn(f.users[haven.OrgVisaOffice])
			_, body = vo.get(path)
			req = section(body, "info-requests")
			if strings.Index(req, question) < 0 || strings.Index(req, answer) < strings.Index(req, question) || strings.Contains(req, `<form`) {
				t.Fatalf("the visa office's view of the request:\n%s", text(req))
			}
			if target, w := primary(body); target != path+"/resume" || w != words["resume"] {
				t.Fatalf("the visa office's primary act: %q %q", target, w)
			}
			tl := section(body, "timeline")
			if !strings.Contains(tl, words["timeline"]) || !strings.Contains(tl, words["act"]) || !strings.Contains(tl, f.orgs[haven.OrgReferralPartner].Name) ||
				strings.Contains(tl, answer) || strings.Contains(tl, question) {
				t.Fatalf("the timeline:\n%s", text(tl))
			}
		})
	}
}

// TestCaseTimelinePage: the case page's timeline, in English and French,
// with a label for every act, the organisation by name, and earlier acts
// a page at a time; a settlement organisation's page has none.
func TestCaseTimelinePage(t *testing.T) {
	f := newFixture(t, false)
	visa := f.users[haven.OrgVisaOffice].actor
	c := f.refer(t, "Timeline", 1, haven.PriorityNormal)
	must(f.app.Cases.OpenFile(f.ctx, visa, c.ID))
	for range haven.TimelinePage / 2 {
		must(f.app.Cases.Hold(f.ctx, visa, c.ID, "Awaiting the embassy."))
		must(f.app.Cases.Resume(f.ctx, visa, c.ID))
	}
	path := "/cases/" + string(c.ID)
	for _, lang := range []string{"en", "fr"} {
		words := map[string][]string{
			"en": {"Timeline", "Put on hold", "Resumed", "Earlier acts", "Referred to Canada", "File opened", "Latest acts"},
			"fr": {"Historique", "Mis en suspens", "Repris", "Actes précédents", "Aiguillé vers le Canada", "Ouverture du dossier", "Actes les plus récents"},
		}[lang]
		ref := f.browser(t)
		ref.get("/signin?lang=" + lang)
		ref.signIn(f.users[haven.OrgReferralPartner])
		_, body := ref.get(path)
		tl := text(section(body, "timeline"))
		for _, w := range words[:4] {
			if !strings.Contains(tl, w) {
				t.Errorf("%s: the latest acts lack %q:\n%s", lang, w, tl)
			}
		}
		if strings.Contains(tl, words[4]) || strings.Count(section(body, "timeline"), "<tr>") != haven.TimelinePage+1 ||
			!strings.Contains(tl, f.orgs[haven.OrgVisaOffice].Name) {
			t.Errorf("%s: the latest page holds more or less than its acts:\n%s", lang, tl)
		}
		m := regexp.MustCompile(`href="(/cases/[^"]+\?before=\d+)#timeline"`).FindStringSubmatch(body)
		if m == nil {
			t.Fatalf("%s: no link to earlier acts", lang)
		}
		_, body = ref.get(html.UnescapeString(m[1]))
		tl = text(section(body, "timeline"))
		if !strings.Contains(tl, words[4]) || !strings.Contains(tl, words[5]) || !strings.Contains(tl, words[6]) ||
			!strings.Contains(tl, f.orgs[haven.OrgReferralPartner].Name) {
			t.Errorf("%s: the earlier acts:\n%s", lang, tl)
		}
		if i, j := strings.Index(tl, words[4]), strings.Index(tl, words[5]); i > j {
			t.Errorf("%s: the earlier acts are not oldest first", lang)
		}
	}
	// A settlement organisation's case page has no timeline.
	must(f.app.Cases.Withdraw(f.ctx, visa, c.ID, "Test over."))
	placed := f.approved(t, "Placed", 1)
	must(f.app.Cases.AssignSettlement(f.ctx, visa, placed.ID, f.orgs[haven.OrgSettlementOrganisation].ID))
	s := f.browser(t)
	s.signIn(f.users[haven.OrgSettlementOrganisation])
	if r, body := s.get("/cases/" + string(placed.ID)); r.StatusCode != http.StatusOK || section(body, "timeline") != "" {
		t.Fatalf("the settlement organisation's case page: %d, timeline %q", r.StatusCode, text(section(body, "timeline")))
	}
}
