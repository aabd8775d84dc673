// Package web is Haven's browser front end: server-rendered HTML pages in
// English and French, built with html/template from templates embedded in
// the binary and checked when New starts, so that a broken template or a
// missing translation stops the server at start-up rather than in front of
// a user.
//
// The pages follow the Government of Canada's visual conventions (GC Design
// System tokens, no component library) and the GOV.UK form patterns: an
// error summary linked to each field, the message beside the field, typed
// values kept, a confirmation page for sensitive acts. See docs/UI.md.
//
// Handlers hold no rules: they translate between HTTP forms and the app
// layer, through the interfaces of its rooms (Accounts, Cases, Nominations,
// Programme), and show only what the app returns.
// The app has already applied the viewer's policy view; nothing is hidden
// with CSS. Every page that shows case data carries its security marking
// ("Protected B") and is never cached.
//
// Security: every response carries a strict Content-Security-Policy (no
// inline script or style anywhere, enforced by the tests), every POST passes
// a same-origin check and carries a CSRF token bound to the session, and GET
// never changes state.
package web
