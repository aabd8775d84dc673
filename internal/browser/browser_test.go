package browser_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
	"github.com/havenhrd/haven"
)

// kit is what the browser tests need from the machine.
type kit struct {
	chromium  string // the browser
	axe       string // axe.min.js, from node_modules (package-lock.json pins it)
	artefacts string // where screenshots go
}

// axePath is axe-core's script, installed by npm ci in this directory (the
// package's, where go test runs).
const axePath = "node_modules/axe-core/axe.min.js"

// needBrowser returns the kit, or skips the test when HAVEN_BROWSER is not
// set. When it is set, a missing piece fails the test: CI sets it, and a
// browser test that quietly skipped there would prove nothing.
func needBrowser(t *testing.T) *kit {
	t.Helper()
	if os.Getenv("HAVEN_BROWSER") == "" {
		t.Skip("browser tests are off: set HAVEN_BROWSER=1 to run them (they need /usr/bin/chromium and `npm ci` in internal/browser)")
	}
	k := &kit{}
	if p, err := exec.LookPath("chromium"); err == nil {
		k.chromium = p
	} else if _, err := os.Stat("/usr/bin/chromium"); err == nil {
		k.chromium = "/usr/bin/chromium"
	} else {
		t.Fatal("HAVEN_BROWSER is set but Chromium is missing: apt-get install -y chromium")
	}
	b, err := os.ReadFile(axePath)
	if err != nil {
		t.Fatalf("HAVEN_BROWSER is set but axe-core is missing (%v): run (cd internal/browser && npm ci --no-audit --no-fund)", err)
	}
	k.axe = string(b)
	k.artefacts = os.Getenv("HAVEN_ARTEFACTS")
	if k.artefacts == "" {
		k.artefacts = filepath.Join("internal", "browser", "screenshots")
	}
	if !filepath.IsAbs(k.artefacts) {
		k.artefacts = filepath.Join(moduleRoot(t), k.artefacts)
	}
	if err := os.MkdirAll(k.artefacts, 0o755); err != nil {
		t.Fatal(err)
	}
	return k
}

// moduleRoot is the directory of go.mod, above the package's.
func moduleRoot(t *testing.T) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		up := filepath.Dir(dir)
		if up == dir {
			t.Fatal("no go.mod above the test's directory")
		}
		dir = up
	}
}

// startChromium starts headless Chromium with a new empty profile and
// returns the context of its first tab. It is closed when the test ends.
func startChromium(t *testing.T, k *kit) context.Context {
	t.Helper()
	profile := t.TempDir() // removed after the browser is closed (cleanups run last-in first-out)
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(k.chromium),
		chromedp.UserDataDir(profile),
		chromedp.NoSandbox, // the tests run as root, where Chromium's sandbox cannot start
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		// The closed network refuses Chromium's own connections, which then
		// stall it: none of its background traffic.
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
		// Nothing but 127.0.0.1: every host name fails to resolve. Haven is
		// reached by its address.
		chromedp.Flag("host-resolver-rules", "MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"),
		// httptest's self-signed certificate (see fixture).
		chromedp.Flag("ignore-certificate-errors", true),
		// The English journey expects English first; French is chosen with
		// the pages' toggle.
		chromedp.Flag("lang", "en-CA"),
		chromedp.WindowSize(1280, 900),
	)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(allocCtx)
	t.Cleanup(func() { cancel(); cancelAlloc() })
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start Chromium (%s): %v", k.chromium, err)
	}
	return ctx
}

// words are the pages' words a journey reads and uses, in one language:
// the same keys as internal/web's catalogues.
type words map[string]string

func (w words) of(key string) string {
	s, ok := w[key]
	if !ok {
		panic("the test has no words for " + key)
	}
	return s
}

// session is one person at one browser: a browser context of their own
// (cookies are not shared), in which they visit pages one after another.
type session struct {
	t     *testing.T
	j     *journey
	who   string
	ctx   context.Context
	lang  string // the language the pages should be in: the browser's, English, until the person toggles it
	url   string // the current page
	title string
	// loads counts the pages this person loaded, filled the form controls
	// they filled in, ticked or chose from: what a form asks of them.
	loads, filled int
	// shown counts, while counting, the answers the pages loaded asked
	// for: their named controls that are not hidden, each group of radio
	// buttons or checkboxes as one.
	counting bool
	shown    int
}

// violation is one axe-core rule that a page breaks.
type violation struct {
	ID      string   `json:"id"`
	Impact  string   `json:"impact"`
	Help    string   `json:"help"`
	Targets []string `json:"targets"`
}

// journey is what the sessions of one journey share: the language, the
// browser, Haven, and the record of what was done and found.
type journey struct {
	t       *testing.T
	lang    string
	w       words
	kit     *kit
	f       *fixture
	browser context.Context

	mu         sync.Mutex
	steps      []string
	pages      int // page loads audited
	shots      []string
	violations map[string][]violation // by page
	refs       map[haven.ID]string    // each case's short reference, as the pages show it
	axeVersion string
	review     map[string][]string // the rules axe could not decide ("incomplete"), with their pages
}

// step records a user action of the journey, for the log and the count.
func (j *journey) step(format string, args ...any) {
	j.t.Helper()
	j.mu.Lock()
	defer j.mu.Unlock()
	s := fmt.Sprintf(format, args...)
	j.steps = append(j.steps, s)
	j.t.Logf("[%s] step %d: %s", j.lang, len(j.steps), s)
}

// open starts a person's session in a new browser context.
func (j *journey) open(who string) *session {
	j.t.Helper()
	ctx, cancel := chromedp.NewContext(j.browser, chromedp.WithNewBrowserContext())
	j.t.Cleanup(cancel)
	if err := chromedp.Do(ctx); err != nil {
		j.t.Fatalf("%s: new browser context: %v", who, err)
	}
	return &session{t: j.t, j: j, who: who, ctx: ctx, lang: "en"}
}

// timeout bounds each browser action: an element that never comes fails
// the step rather than the whole test run.
const timeout = 20 * time.Second

func (s *session) fatalf(format string, args ...any) {
	s.t.Helper()
	s.t.Fatalf("[%s] %s at %s: %s", s.j.lang, s.who, s.url, fmt.Sprintf(format, args...))
}

// eval evaluates a JavaScript expression in the page.
func eval[T any](s *session, expr string, opts ...chromedp.EvaluateOption) T {
	s.t.Helper()
	ctx, cancel := context.WithTimeout(s.ctx, timeout)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr, opts...))
	if err != nil {
		s.fatalf("evaluate %.80q: %v", expr, err)
	}
	return v
}

// arrive checks the page a navigation ended on: the status, the page's
// language, and axe-core's audit.
func (s *session) arrive(what string, resp *network.Response, err error, want int) {
	s.t.Helper()
	if err != nil {
		s.fatalf("%s: %v", what, err)
	}
	if resp == nil {
		s.fatalf("%s: no page loaded", what)
	}
	s.url = strings.TrimPrefix(resp.URL, s.j.f.origin)
	s.loads++
	if s.counting {
		s.shown += eval[int](s, `new Set([...document.querySelectorAll('main input, main select, main textarea')]
			.filter(e => e.name && e.type !== 'hidden' && !e.disabled).map(e => e.name)).size`)
	}
	s.title = eval[string](s, `document.title`)
	if int(resp.Status) != want {
		why := ""
		if resp.Status == 403 {
			why = "\nthe browser's last request: " + s.j.f.lastPostSeen()
		}
		s.fatalf("%s: status %d, want %d%s\npage %q:\n%s", what, resp.Status, want, why, s.title, s.text())
	}
	if lang := eval[string](s, `document.documentElement.lang`); lang != s.lang {
		s.fatalf("%s: <html lang=%q>, want %q", what, lang, s.lang)
	}
	s.audit()
}

// visit types an address, the way into Haven before anything else.
func (s *session) visit(path string) {
	s.t.Helper()
	ctx, cancel := context.WithTimeout(s.ctx, timeout)
	defer cancel()
	resp, err := chromedp.Run(ctx, chromedp.NavigateResponse(s.j.f.origin+path))
	s.arrive("visit "+path, resp, err, 200)
}

// finder is a JavaScript function (kind, words, scope) that returns the
// elements a person would take for them: "control", the form control
// labelled with these words (by its <label>, the way assistive technology
// names it); "button", the buttons that say them; "link", the links that
// say them. With scope, buttons are looked for in the form of the control
// labelled scope.
const finder = `((kind, want, scope) => {
	const norm = s => (s || '').replace(/\s+/g, ' ').trim();
	const controls = w => [...document.querySelectorAll('label')]
		.filter(l => norm(l.textContent) === w).map(l => l.control).filter(Boolean);
	let root = document;
	if (scope) {
		const c = controls(scope);
		if (c.length !== 1 || !c[0].form) return [];
		root = c[0].form;
	}
	switch (kind) {
	case 'control':
		return controls(want);
	case 'button':
		return [...root.querySelectorAll('button, input[type=submit]')].filter(b => norm(b.textContent || b.value) === want);
	case 'link':
		// Links that say the same words and lead to the same place are one.
		const seen = new Set();
		return [...root.querySelectorAll('a[href]')].filter(a => norm(a.textContent) === want)
			.filter(a => !seen.has(a.href) && seen.add(a.href));
	}
	return [];
})`

// find returns the selector of the one element of kind with these words.
func (s *session) find(kind, want, scope string) chromedp.JSPath {
	s.t.Helper()
	args := must(json.Marshal([]string{kind, want, scope}))
	call := finder + `(...` + string(args) + `)`
	if n := eval[int](s, call+`.length`); n != 1 {
		where := ""
		if scope != "" {
			where = fmt.Sprintf(" in the form of %q", scope)
		}
		s.fatalf("%d %ss say %q%s, want 1; the page says:\n%s", n, kind, want, where, s.text())
	}
	return chromedp.JSPath(call + `[0]`)
}

// has reports whether the page has exactly one element of kind with these
// words.
func (s *session) has(kind, want string) bool {
	s.t.Helper()
	args := must(json.Marshal([]string{kind, want, ""}))
	return eval[int](s, finder+`(...`+string(args)+`).length`) == 1
}

// do runs actions that do not leave the page.
func (s *session) do(what string, actions ...chromedp.Action[chromedp.Void]) {
	s.t.Helper()
	ctx, cancel := context.WithTimeout(s.ctx, timeout)
	defer cancel()
	if err := chromedp.Do(ctx, actions...); err != nil {
		s.fatalf("%s: %v", what, err)
	}
}

// fill types value into the field labelled label, after clearing it.
func (s *session) fill(label, value string) {
	s.t.Helper()
	el := s.find("control", label, "")
	if eval[string](s, string(el)+`.value`) != "" {
		s.do("clear "+label, chromedp.Clear(el))
	}
	s.do("fill "+label, chromedp.SendKeys(el, value))
	s.filled++
	if got := eval[string](s, string(el)+`.value`); got != value {
		s.fatalf("the field %q holds %q after typing %q", label, got, value)
	}
}

// tick checks the checkbox or radio button labelled label.
func (s *session) tick(label string) {
	s.t.Helper()
	el := s.find("control", label, "")
	if !eval[bool](s, string(el)+`.checked`) {
		s.do("tick "+label, chromedp.Click(el))
		s.filled++
	}
	if !eval[bool](s, string(el)+`.checked`) {
		s.fatalf("%q is not checked after a click", label)
	}
}

// choose picks the option that says option in the list labelled label.
func (s *session) choose(label, option string) {
	s.t.Helper()
	el := s.find("control", label, "")
	args := must(json.Marshal(option))
	value := eval[*string](s, `[...`+string(el)+`.options].filter(o => o.text.replace(/\s+/g, ' ').trim() === `+string(args)+`).map(o => o.value)[0]`)
	if value == nil {
		s.fatalf("the list %q has no option %q", label, option)
	}
	s.do("choose "+option, chromedp.SetValue(el, *value))
	s.filled++
}

// press presses the button that says button (in the form of the field
// labelled scope, when given) and waits for the page it leads to.
func (s *session) press(button, scope string, want int) {
	s.t.Helper()
	s.navigate("press "+button, s.find("button", button, scope), want)
}

// follow follows the link that says link.
func (s *session) follow(link string) {
	s.t.Helper()
	s.navigate("follow "+link, s.find("link", link, ""), 200)
}

func (s *session) navigate(what string, el chromedp.JSPath, want int) {
	s.t.Helper()
	ctx, cancel := context.WithTimeout(s.ctx, timeout)
	defer cancel()
	resp, err := chromedp.RunResponse(ctx, chromedp.Click(el))
	s.arrive(what, resp, err, want)
}

// reload reloads the page, as a person does to see what changed.
func (s *session) reload() {
	s.t.Helper()
	ctx, cancel := context.WithTimeout(s.ctx, timeout)
	defer cancel()
	resp, err := chromedp.RunResponse(ctx, chromedp.Reload())
	s.arrive("reload", resp, err, 200)
}

// text is the page's rendered text.
func (s *session) text() string {
	s.t.Helper()
	return eval[string](s, `document.body.innerText`)
}

// html is the page's document as the browser holds it.
func (s *session) html() string {
	s.t.Helper()
	return eval[string](s, `document.documentElement.outerHTML`)
}

// heading is the page's <h1>.
func (s *session) heading() string {
	s.t.Helper()
	return eval[string](s, `(document.querySelector('h1') || {innerText: ''}).innerText.trim()`)
}

// notice is the outcome of the last act, shown at the top of the page.
func (s *session) notice() string {
	s.t.Helper()
	return eval[string](s, `[...document.querySelectorAll('[role=status]')].map(e => e.innerText.trim()).join('\n')`)
}

// row returns the cells of the table row whose header says header.
func (s *session) row(header string) []string {
	s.t.Helper()
	args := must(json.Marshal(header))
	rows := eval[[][]string](s, `[...document.querySelectorAll('tr')]
		.filter(r => { const h = r.querySelector('th'); return h && h.innerText.replace(/\s+/g, ' ').trim() === `+string(args)+`; })
		.map(r => [...r.querySelectorAll('td')].map(c => c.innerText.trim()))`)
	if len(rows) != 1 {
		s.fatalf("%d table rows are headed %q, want 1", len(rows), header)
	}
	return rows[0]
}

// expect fails unless the page shows the heading and, in its text, every
// one of want.
func (s *session) expect(heading string, want ...string) {
	s.t.Helper()
	if h := s.heading(); h != heading {
		s.fatalf("the page's heading is %q, want %q; it says:\n%s", h, heading, s.text())
	}
	text := s.text()
	for _, w := range want {
		if !strings.Contains(text, w) {
			s.fatalf("the page does not say %q; it says:\n%s", w, text)
		}
	}
}

// audit runs axe-core on the page against WCAG 2.0, 2.1 and 2.2, A and
// AA, checks that the page reflows at a desktop's width and a phone's, and
// records what it finds. The journey goes on, so that one run lists every
// page's findings; the test fails at its end if any.
func (s *session) audit() {
	s.t.Helper()
	vs := s.axe()
	vs = append(vs, s.reflow()...)
	s.j.mu.Lock()
	defer s.j.mu.Unlock()
	s.j.pages++
	if len(vs) > 0 {
		key := s.url + " (" + s.title + ")"
		s.j.violations[key] = append(s.j.violations[key], vs...)
	}
}

// axeTags are the rules axe-core runs: WCAG 2.0, 2.1 and 2.2, levels A
// and AA (2.2 adds AA rules only, target-size among them).
const axeTags = `['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']`

// axe injects axe-core into the page and returns the WCAG 2.0, 2.1 and 2.2
// A and AA rules the page breaks. A run in which no rule passed means axe did
// not look at the page: that fails the test.
//
// The page's own Content-Security-Policy (no inline script) does not apply
// to what the DevTools protocol evaluates, so axe runs in Haven's pages as
// they are.
func (s *session) axe() []violation {
	s.t.Helper()
	eval[chromedp.Void](s, s.j.kit.axe+"\n;void 0")
	r := eval[struct {
		Version    string      `json:"version"`
		Passes     int         `json:"passes"`
		Incomplete []string    `json:"incomplete"`
		Violations []violation `json:"violations"`
	}](s, `axe.run(document, {runOnly: {type: 'tag', values: `+axeTags+`}})
		.then(r => ({version: axe.version, passes: r.passes.length, incomplete: r.incomplete.map(v => v.id),
			violations: r.violations.map(v => ({id: v.id, impact: v.impact || '', help: v.help,
				targets: v.nodes.map(n => JSON.stringify(n.target))}))}))`, chromedp.EvalAwaitPromise)
	if r.Passes == 0 {
		s.fatalf("axe-core %s passed no rule on the page: it did not run", r.Version)
	}
	s.j.mu.Lock()
	s.j.axeVersion = r.Version
	for _, id := range r.Incomplete {
		if s.j.review == nil {
			s.j.review = map[string][]string{}
		}
		s.j.review[id] = append(s.j.review[id], s.url)
	}
	s.j.mu.Unlock()
	return r.Violations
}

// reflowWidths are the viewport widths, in CSS pixels, at which every page
// must fit without scrolling sideways: the journeys' desktop window, and a
// phone's 320 (WCAG 2.2 success criterion 1.4.10, Reflow). A wide table
// may scroll inside its own region; the page may not.
var reflowWidths = []int64{1280, 320}

// overflow measures the page at the viewport's width: the widths of the
// document and of its viewport, and the outermost elements that reach past
// the viewport's right edge outside any region that scrolls on its own.
const overflow = `(() => {
	const d = document.documentElement, vw = d.clientWidth;
	const scrolls = e => { for (let p = e.parentElement; p && p !== d; p = p.parentElement) {
		const o = getComputedStyle(p).overflowX; if (o === 'auto' || o === 'scroll' || o === 'hidden' || o === 'clip') return true; } return false; };
	const name = e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + (e.className && typeof e.className === 'string' ? '.' + e.className.trim().split(/\s+/).join('.') : '');
	let wide = [...document.body.querySelectorAll('*')].filter(e => e.getBoundingClientRect().right > vw + 1 && !scrolls(e));
	if (wide.length === 0) wide = [...document.body.querySelectorAll('*')].filter(e => e.getBoundingClientRect().right > vw + 1);
	const outer = wide.filter(e => !wide.includes(e.parentElement)).slice(0, 5)
		.map(e => name(e) + ' (' + Math.round(e.getBoundingClientRect().right) + ' px): ' + (e.innerText || '').trim().slice(0, 60));
	return {scroll: d.scrollWidth, client: vw, wide: outer};
})()`

// reflow returns a finding for each width of reflowWidths at which the
// page scrolls sideways, naming the elements that reach past the edge.
func (s *session) reflow() []violation {
	s.t.Helper()
	var vs []violation
	for _, w := range reflowWidths {
		s.do(fmt.Sprintf("set the viewport %d px wide", w), chromedp.EmulateViewport(w, 900))
		r := eval[struct {
			Scroll int      `json:"scroll"`
			Client int      `json:"client"`
			Wide   []string `json:"wide"`
		}](s, overflow)
		// At a phone's width axe looks again: what the narrow layout
		// shows (targets, overlaps, contrast) is checked as drawn there.
		if w < 600 {
			for _, v := range s.axe() {
				v.ID = fmt.Sprintf("%s@%dpx", v.ID, w)
				vs = append(vs, v)
			}
		}
		if r.Scroll > r.Client {
			vs = append(vs, violation{ID: fmt.Sprintf("reflow-%d", w), Impact: "serious",
				Help:    fmt.Sprintf("the page is %d px wide in a viewport of %d px: it scrolls sideways", r.Scroll, r.Client),
				Targets: r.Wide})
		}
	}
	// chromedp.ResetViewport sets a viewport of 0 by 0 in portrait, which
	// leaves the last width in force: the override is cleared instead.
	s.do("reset the viewport", chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := cdp.Call(ctx, t, emulation.ClearDeviceMetricsOverride, cdp.Empty{})
		return err
	}))
	// Wait for two frames drawn at the window's own size, so that the next
	// click lands where the page now lays the element out.
	eval[chromedp.Void](s, `new Promise(r => requestAnimationFrame(() => requestAnimationFrame(() => r())))`, chromedp.EvalAwaitPromise)
	return vs
}

// screenshot saves a PNG of the whole page as a test artefact.
func (s *session) screenshot(name string) {
	s.t.Helper()
	ctx, cancel := context.WithTimeout(s.ctx, timeout)
	defer cancel()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		s.fatalf("screenshot: %v", err)
	}
	s.j.mu.Lock()
	file := filepath.Join(s.j.kit.artefacts, fmt.Sprintf("%s-%02d-%s.png", s.j.lang, len(s.j.shots)+1, name))
	s.j.shots = append(s.j.shots, file)
	s.j.mu.Unlock()
	if err := os.WriteFile(file, png, 0o644); err != nil {
		s.t.Fatal(err)
	}
}

// report fails the test with axe-core's findings, page by page.
func (j *journey) report() {
	j.t.Helper()
	j.mu.Lock()
	defer j.mu.Unlock()
	j.t.Logf("[%s] %d steps, %d pages audited with axe-core %s, %d screenshots in %s", j.lang, len(j.steps), j.pages, j.axeVersion, len(j.shots), j.kit.artefacts)
	if len(j.review) > 0 {
		j.t.Logf("[%s] axe-core left these rules for a person to review, on these pages: %v", j.lang, j.review)
	}
	if len(j.violations) == 0 {
		return
	}
	var b strings.Builder
	for page, vs := range j.violations {
		fmt.Fprintf(&b, "\n%s:", page)
		for _, v := range vs {
			fmt.Fprintf(&b, "\n  %s (%s): %s\n    %s", v.ID, v.Impact, v.Help, strings.Join(v.Targets, "\n    "))
		}
	}
	j.t.Errorf("[%s] axe-core and the reflow check found WCAG 2.2 A/AA violations:%s", j.lang, b.String())
}

// TestAxeFindsViolations makes sure the audit can fail: axe-core, injected
// as the journey injects it, finds the faults of a page made to have them,
// under a Content-Security-Policy that allows no script at all.
func TestAxeFindsViolations(t *testing.T) {
	k := needBrowser(t)
	const page = `<!doctype html><html><head><title>Faulty</title></head><body><main>
<img src="/none.png"><form><input type="text" name="q"></form>
<p style="color: #bbb; background: #fff">Faint text</p>
<p><a href="/a" style="display: inline-block; width: 10px; height: 10px">a</a><a href="/b" style="display: inline-block; width: 10px; height: 10px">b</a></p>
<table style="width: 600px"><tr><th>Wide</th></tr></table></main></body></html>`
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'")
		io.WriteString(w, page)
	}))
	defer ts.Close()
	j := &journey{t: t, lang: "en", kit: k, browser: startChromium(t, k), violations: map[string][]violation{}}
	s := j.open("auditor")
	s.do("open the faulty page", chromedp.Navigate(ts.URL))
	found := map[string]bool{}
	for _, v := range s.axe() {
		found[v.ID] = true
	}
	for _, v := range s.reflow() {
		found[v.ID] = true
	}
	for _, id := range []string{"html-has-lang", "image-alt", "label", "color-contrast", "target-size", "reflow-320"} {
		if !found[id] {
			t.Errorf("axe-core or the reflow check did not report %s on a page that breaks it; it found %v", id, found)
		}
	}
}
