package browser_test

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/havenhrd/haven"
)

// The words of the cap page's form, beside the journey's catalogue.
func init() {
	for lang, ws := range map[string]words{"en": {"cap.year": "Year", "cap.show": "Show", "cap.heading": "The cap for %s"},
		"fr": {"cap.year": "Année", "cap.show": "Afficher", "cap.heading": "Le plafond de %s"}} {
		for k, v := range ws {
			catalogue[lang][k] = v
		}
	}
}

// focusCheck describes the element that has the focus: whether its focus
// indicator shows (an outline at least 2 px wide, or a ring of box-shadow)
// and whether it is in the viewport with nothing drawn over the centre of
// its box (or of one of its lines)
// (WCAG 2.2 success criteria 2.4.7, Focus Visible, and 2.4.11, Focus Not
// Obscured).
const focusCheck = `(() => {
	const e = document.activeElement;
	if (!e || e === document.body) return {what: 'nothing', shown: false, clear: false};
	const cs = getComputedStyle(e);
	const shown = (cs.outlineStyle !== 'none' && parseFloat(cs.outlineWidth) >= 2) || (cs.boxShadow && cs.boxShadow !== 'none');
	// A link that wraps has a box per line: the focus is clear if the
	// centre of one of them shows the element (2.4.11 asks that it be not
	// entirely hidden).
	const boxes = [...e.getClientRects()].filter(r => r.width > 0 && r.height > 0);
	let x = -1, y = -1, top = null, clear = false;
	for (const r of boxes.length ? boxes : [e.getBoundingClientRect()]) {
		x = r.left + r.width / 2; y = r.top + r.height / 2;
		const inView = x >= 0 && y >= 0 && x < innerWidth && y < innerHeight;
		top = inView ? document.elementFromPoint(x, y) : null;
		clear = !!top && (top === e || e.contains(top) || (e.labels && [...e.labels].some(l => l.contains(top))));
		if (clear) break;
	}
	let what = e.tagName.toLowerCase() + ' ' + (e.getAttribute('name') || e.innerText || e.value || '').trim().slice(0, 40);
	if (!clear) what += ' (at ' + Math.round(x) + ',' + Math.round(y) + ' in ' + innerWidth + 'x' + innerHeight + ', under ' + (top ? top.tagName.toLowerCase() + '.' + top.className : 'nothing') + ')';
	return {what, shown: !!shown, clear};
})()`

// focusState is what focusCheck returns.
type focusState struct {
	What  string `json:"what"`
	Shown bool   `json:"shown"`
	Clear bool   `json:"clear"`
}

// tabTo presses Tab until the element of kind with these words (as find
// names them) has the focus, and fails if at any stop on the way the focus
// does not show or is hidden.
func (s *session) tabTo(kind, want string) {
	s.t.Helper()
	args := must(json.Marshal([]string{kind, want, ""}))
	reached := `(() => { const e = ` + finder + `(...` + string(args) + `)[0]; return !!e && e === document.activeElement; })()`
	for range 80 {
		s.do("press Tab", chromedp.KeyEvent(kb.Tab))
		f := eval[focusState](s, focusCheck)
		if !f.Shown || !f.Clear {
			s.fatalf("the focus on %q: indicator shown %v, unobscured %v", f.What, f.Shown, f.Clear)
		}
		if eval[bool](s, reached) {
			return
		}
	}
	s.fatalf("80 presses of Tab never reached the %s %q", kind, want)
}

// typeKeys types text into the element that has the focus.
func (s *session) typeKeys(what, text string) {
	s.t.Helper()
	s.do("type "+what, chromedp.KeyEvent(text))
}

// key presses a key that leads to another page (Enter on a link or in a
// form, Space on a button) and checks the page it leads to.
func (s *session) key(what, key string, want int) {
	s.t.Helper()
	ctx, cancel := context.WithTimeout(s.ctx, timeout)
	defer cancel()
	resp, err := chromedp.RunResponse(ctx, chromedp.KeyEvent(key))
	s.arrive(what, resp, err, want)
}

// TestKeyboardJourney walks the visa officer's way in and two acts with
// the keyboard alone, no click, in English and then in French: Enter on
// the language toggle (in French), Tab to each field, type, Enter to sign
// in and give the code, Enter on the menu's links and on a case of the
// work queue, Enter on the case page's primary button to open the file,
// an arrow key to choose another year of the cap and Space on the button
// that shows it. At every stop of Tab the focus must show and not be
// hidden behind anything; every page passes axe-core and the reflow check.
// The case is referred through the app: the referral's pages are other
// journeys'.
func TestKeyboardJourney(t *testing.T) {
	k := needBrowser(t)
	f := newFixture(t)
	browser := startChromium(t, k)
	for i, lang := range []string{"en", "fr"} {
		t.Run(lang, func(t *testing.T) {
			j := &journey{t: t, lang: lang, w: catalogue[lang], kit: k, f: f, browser: browser, violations: map[string][]violation{}}
			defer j.report()
			j.keyboard(newFamily([]string{"Farahani", "Golzari"}[i], ""), fmt.Sprintf("UNH-KEY-%05d", i+1))
		})
	}
}

// keyboard is one keyboard journey, in the journey's language.
func (j *journey) keyboard(fam family, unhcrNumber string) {
	t, f, w := j.t, j.f, j.w
	visa := f.enrol(t, haven.OrgVisaOffice, "visa-keys-"+j.lang)
	unhcr := f.enrol(t, haven.OrgReferralPartner, "unhcr-keys-"+j.lang)
	id := f.refer(t, unhcr, fam, unhcrNumber)
	ref := j.learnRef(visa.actor, id)
	s := j.open("visa officer")
	s.visit("/signin")
	s.expect(catalogue["en"].of("signin.title"))
	if j.lang != "en" {
		j.step("the visa officer tabs to the language toggle and presses Enter")
		s.tabTo("link", catalogue["en"].of("common.other_language"))
		s.lang = j.lang
		s.key("press Enter on "+catalogue["en"].of("common.other_language"), kb.Enter, 200)
		s.expect(w.of("signin.title"))
	}

	j.step("the visa officer tabs to each field, types, and presses Enter")
	s.tabTo("control", w.of("signin.username"))
	s.typeKeys("the username", visa.name)
	s.tabTo("control", w.of("signin.password"))
	s.typeKeys("the passphrase", password)
	s.tabTo("button", w.of("signin.continue"))
	s.key("press Enter on "+w.of("signin.continue"), kb.Enter, 200)
	s.expect(w.of("factor.title"))
	s.tabTo("control", w.of("factor.totp_code"))
	s.typeKeys("the code", totpCode(t, f.clock, visa.secret, 0))
	s.key("press Enter in the code's field", kb.Enter, 200)
	s.expect(w.of("home.title"), visa.org.Name)

	j.step("the visa officer opens the work queue from the menu and case %s from the queue", ref)
	s.tabTo("link", w.of("nav.queue"))
	s.key("press Enter on "+w.of("nav.queue"), kb.Enter, 200)
	s.expect(w.of("queue.title"), ref, w.of("state.referred"))
	s.tabTo("link", ref)
	s.key("press Enter on "+ref, kb.Enter, 200)
	s.expect(w.of("case.title")+" "+ref, s.stateLine("state.referred"), fam.surname+", "+fam.given[0])

	j.step("the visa officer tabs to the case's primary act, %q, and presses Enter", w.of("act.open_file"))
	s.tabTo("button", w.of("act.open_file"))
	s.key("press Enter on "+w.of("act.open_file"), kb.Enter, 200)
	s.expect(w.of("case.title")+" "+ref, s.stateLine("state.file_created"))
	if n := s.notice(); n != w.of("done.open_file") {
		s.fatalf("the notice says %q, want %q", n, w.of("done.open_file"))
	}
	s.crossCheck(visa, id, haven.StateFileCreated)

	j.step("the visa officer opens the cap figures from the menu")
	s.tabTo("link", w.of("nav.cap"))
	s.key("press Enter on "+w.of("nav.cap"), kb.Enter, 200)
	s.expect(w.of("cap.title"))

	j.step("the visa officer chooses last year's cap with an arrow key and shows it with Space")
	s.tabTo("control", w.of("cap.year"))
	before := eval[string](s, `document.activeElement.value`)
	s.do("press the down arrow", chromedp.KeyEvent(kb.ArrowDown))
	after := eval[string](s, `document.activeElement.value`)
	if after == before || after == "" {
		s.fatalf("the down arrow left the year at %q (it was %q)", after, before)
	}
	s.tabTo("button", w.of("cap.show"))
	s.key("press Space on "+w.of("cap.show"), " ", 200)
	if h, want := eval[string](s, `document.querySelector('main h2').innerText`), fmt.Sprintf(w.of("cap.heading"), after); h != want {
		s.fatalf("the cap page shows %q after choosing %s, want %q", h, after, want)
	}
}
