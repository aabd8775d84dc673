package web

import "net/http"

// routesAdmin lists the programme administration's pages and the pages
// where a user manages their own second factors.
func (s *server) routesAdmin(mux *http.ServeMux) {
	// Programme administration: only its own organisation's users reach
	// these pages (s.adminOnly); everyone else finds no page here.
	mux.Handle("GET /admin", s.adminOnly(s.handleAdminHome))
	mux.Handle("GET /admin/rules", s.adminOnly(s.handleAdminRules))
	mux.Handle("GET /admin/rules/{year}", s.adminOnly(s.handleAdminRulesYear))
	mux.Handle("POST /admin/rules/{year}", s.post(s.adminOnly(s.handleAdminRulesSave)))
	mux.Handle("GET /admin/rules/{year}/change", s.adminOnly(s.handleAdminRulesForm))
	mux.Handle("POST /admin/rules/{year}/change", s.post(s.adminOnly(s.handleAdminRulesCheck)))
	mux.Handle("GET /admin/organisations", s.adminOnly(s.handleAdminOrgs))
	mux.Handle("GET /admin/organisations.csv", s.adminOnly(s.handleAdminOrgsCSV))
	mux.Handle("POST /admin/organisations", s.post(s.adminOnly(s.handleAdminOrgAdd)))
	mux.Handle("GET /admin/users", s.adminOnly(s.handleAdminUsers))
	mux.Handle("GET /admin/users.csv", s.adminOnly(s.handleAdminUsersCSV))
	mux.Handle("POST /admin/users", s.post(s.adminOnly(s.handleAdminUserAdd)))
	mux.Handle("GET /admin/users/disable", s.adminOnly(s.handleAdminUserConfirm("disable")))
	mux.Handle("POST /admin/users/disable", s.post(s.adminOnly(s.handleAdminUserDisable)))
	mux.Handle("GET /admin/users/enrolment", s.adminOnly(s.handleAdminUserConfirm("enrolment")))
	mux.Handle("POST /admin/users/enrolment", s.post(s.adminOnly(s.handleAdminUserEnrol)))
	mux.Handle("GET /admin/tokens", s.adminOnly(s.handleAdminTokens))
	mux.Handle("GET /admin/tokens.csv", s.adminOnly(s.handleAdminTokensCSV))
	mux.Handle("POST /admin/tokens", s.post(s.adminOnly(s.handleAdminTokenCreate)))
	mux.Handle("GET /admin/tokens/revoke", s.adminOnly(s.handleAdminRevokeConfirm))
	mux.Handle("POST /admin/tokens/revoke", s.post(s.adminOnly(s.handleAdminRevoke)))

	// Your sign-in: every signed-in user, about their own account only.
	mux.Handle("GET /account", s.signedIn(s.handleAccount))
	mux.Handle("GET /account/totp", s.signedIn(s.accountForm("account_totp")))
	mux.Handle("POST /account/totp", s.post(s.signedIn(s.handleAccountTOTPBegin)))
	mux.Handle("POST /account/totp/confirm", s.post(s.signedIn(s.handleAccountTOTPFinish)))
	mux.Handle("GET /account/passkey", s.signedIn(s.accountForm("account_passkey")))
	mux.Handle("POST /account/passkey", s.post(s.signedIn(s.handleAccountPasskeyBegin)))
	mux.Handle("POST /account/passkey/finish", s.post(s.signedIn(s.handleAccountPasskeyFinish)))
	mux.Handle("GET /account/remove", s.signedIn(s.handleAccountRemoveForm))
	mux.Handle("POST /account/remove", s.post(s.signedIn(s.handleAccountRemove)))
	mux.Handle("GET /account/recovery-codes", s.signedIn(s.accountForm("account_recovery")))
	mux.Handle("POST /account/recovery-codes", s.post(s.signedIn(s.handleAccountCodes)))
}
