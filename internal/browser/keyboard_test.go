package browser_test

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/havenhrd/haven"
)

// The words of the cap page's form, beside the journey's catalogue.
func init() {
	for lang, ws := range map[string]words{"en": {"cap.year": "Year", "cap.show": "Show"}, "fr": {"cap.year": "Année", "cap.show": "Afficher"}} {
		for k, v := range ws {
			catalogue[lang][k] = v
		}
	}
}

// focusCheck describes the element that has the focus: whether its focus
// indicator shows (an outline at least 2 px wide, or a ring of box-shadow)
// and whether it is in the viewport with nothing drawn over its centre
// (WCAG 2.2 success criteria 2.4.7, Focus Visible, and 2.4.11, Focus Not
// Obscured).
const focusCheck = `(() => {
	const e = document.activeElement;
	if (!e || e === document.body) return {what: 'nothing', shown: false, clear: false};
	const cs = getComputedStyle(e);
	const shown = (cs.outlineStyle !== 'none' && parseFloat(cs.outlineWidth) >= 2) || (cs.boxShadow && cs.boxShadow !== 'none');
	const r = e.getBoundingClientRect();
	const x = r.left + r.width / 2, y = r.top + r.height / 2;
	const inView = x >= 0 && y >= 0 && x < innerWidth && y < innerHeight;
	const top = inView ? document.elementFromPoint(x, y) : null;
	const clear = !!top && (top === e || e.contains(top) || (e.labels && [...e.labels].some(l => l.contains(top))));
	const what = e.tagName.toLowerCase() + ' ' + (e.getAttribute('name') || e.innerText || e.value || '').trim().slice(0, 40);
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

// TestKeyboardJourney walks the visa officer's way in and one act with
// the keyboard alone, no click: Tab to each field, type, Enter to sign in
// and give the code, Enter on the menu's links, an arrow key to choose
// another year of the cap and Space on the button that shows it. At every
// stop of Tab the focus must show and not be hidden behind anything; every
// page passes axe-core and the reflow check.
func TestKeyboardJourney(t *testing.T) {
	k := needBrowser(t)
	f := newFixture(t)
	browser := startChromium(t, k)
	j := &journey{t: t, lang: "en", w: catalogue["en"], kit: k, f: f, browser: browser, violations: map[string][]violation{}}
	defer j.report()
	w := j.w
	visa := f.enrol(t, haven.OrgVisaOffice, "visa-keys")
	s := j.open("visa officer")
	s.visit("/signin")
	s.expect(w.of("signin.title"))

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

	j.step("the visa officer opens the work queue and then the cap figures from the menu")
	s.tabTo("link", w.of("nav.queue"))
	s.key("press Enter on "+w.of("nav.queue"), kb.Enter, 200)
	s.expect(w.of("queue.title"))
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
	if h := eval[string](s, `document.querySelector('main h2').innerText`); h != "The cap for "+after {
		s.fatalf("the cap page shows %q after choosing %s", h, after)
	}
}
