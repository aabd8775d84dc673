// Package browser holds Haven's end-to-end browser tests: a real Haven
// (app on SQLite, the HTTP server and the web pages) started in-process on
// 127.0.0.1, driven by headless Chromium through chromedp as the people who
// use it would: they sign in with a password and an authenticator code, fill
// fields found by their labels, press buttons found by their words, and the
// tests assert on the pages the browser rendered. Every page visited is
// audited with axe-core against WCAG 2.1 A and AA, in English and in French,
// and a screenshot of each main page is kept as a test artefact.
//
// The tests run only when HAVEN_BROWSER is set; then a missing Chromium or
// axe-core fails them rather than skipping. CI (.ci/run) installs both:
//
//	apt-get install chromium              # /usr/bin/chromium
//	(cd internal/browser && npm ci)       # node_modules/axe-core, pinned in package-lock.json
//	HAVEN_BROWSER=1 go test ./internal/browser
//
// Screenshots go to HAVEN_ARTEFACTS (default internal/browser/screenshots,
// which git ignores); a relative path is taken from the module's root.
//
// The package has no code of its own: this file only documents it.
package browser
