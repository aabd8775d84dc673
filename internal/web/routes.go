package web

import "net/http"

// routes lists every page of the web front end. GET never changes state;
// every POST passes the same-origin and CSRF checks (s.post); pages behind
// sign-in resolve the viewer first (s.signedIn).
func (s *server) routes(mux *http.ServeMux) {
	mux.Handle("GET /static/{file}", s.handleStatic())
	mux.Handle("GET /marking/{file}", s.handleMarkingCSS())

	// Sign-in, second factor, sign-out.
	mux.Handle("GET /signin", s.handleSignInForm())
	mux.Handle("POST /signin", s.post(s.handleSignIn()))
	mux.Handle("GET /signin/factor", s.handleFactorForm())
	mux.Handle("GET /signin/demo-code.png", s.handleDemoQR())
	mux.Handle("POST /signin/totp", s.post(s.handleFactor(factorTOTP)))
	mux.Handle("POST /signin/recovery", s.post(s.handleFactor(factorRecovery)))
	mux.Handle("POST /signin/passkey", s.post(s.handlePasskeyBegin()))
	mux.Handle("POST /signin/passkey/finish", s.post(s.handlePasskeyFinish()))
	mux.Handle("POST /signout", s.post(s.handleSignOut()))

	// Enrolment from the one-time link an administrator hands over.
	mux.Handle("GET /enrol", s.handleEnrolForm())
	mux.Handle("POST /enrol", s.post(s.handleEnrol()))
	mux.Handle("GET /enrol/factor", s.handleEnrolFactor())
	mux.Handle("POST /enrol/totp", s.post(s.handleEnrolTOTPBegin()))
	mux.Handle("POST /enrol/totp/confirm", s.post(s.handleEnrolTOTPFinish()))

	// Work.
	mux.Handle("GET /{$}", s.signedIn(s.handleHome))
	mux.Handle("GET /cases", s.signedIn(s.handleCases))
	mux.Handle("GET /cases.csv", s.signedIn(s.handleCasesCSV))
	mux.Handle("GET /nominations.csv", s.signedIn(s.handleNominationsCSV))
	mux.Handle("GET /checks.csv", s.signedIn(s.handleChecksCSV))
	mux.Handle("GET /notifications.csv", s.signedIn(s.handleNoticesCSV))
	mux.Handle("GET /cases/{id}", s.signedIn(s.handleCase))
	mux.Handle("POST /cases/{id}/open-file", s.post(s.signedIn(s.handleCaseEvent(actOpenFile))))
	mux.Handle("POST /cases/{id}/start-eligibility", s.post(s.signedIn(s.handleCaseEvent(actStartEligibility))))
	mux.Handle("POST /cases/{id}/assessment", s.post(s.signedIn(s.handleAssessment)))
	mux.Handle("POST /cases/{id}/start-admissibility", s.post(s.signedIn(s.handleCaseEvent(actStartAdmissibility))))
	mux.Handle("POST /cases/{id}/confirm-admissible", s.post(s.signedIn(s.handleCaseEvent(actConfirmAdmissible))))
	mux.Handle("GET /cases/{id}/approve", s.signedIn(s.handleApproveForm))
	mux.Handle("POST /cases/{id}/approve", s.post(s.signedIn(s.handleApprove)))
	mux.Handle("GET /cases/{id}/refuse", s.signedIn(s.handleRefuseForm))
	mux.Handle("POST /cases/{id}/refuse", s.post(s.signedIn(s.handleRefuse)))
	mux.Handle("POST /cases/{id}/travel", s.post(s.signedIn(s.handleTravel)))
	mux.Handle("POST /cases/{id}/change-travel", s.post(s.signedIn(s.handleChangeTravel)))
	mux.Handle("POST /cases/{id}/settlement", s.post(s.signedIn(s.handleAssignSettlement)))
	mux.Handle("POST /cases/{id}/arrival", s.post(s.signedIn(s.handleArrival)))
	mux.Handle("POST /cases/{id}/begin-settlement", s.post(s.signedIn(s.handleCaseEvent(actBeginSettlement))))
	mux.Handle("POST /cases/{id}/close", s.post(s.signedIn(s.handleCaseEvent(actClose))))
	mux.Handle("GET /cases/{id}/plan/{milestone}", s.signedIn(s.handleMilestoneForm))
	mux.Handle("POST /cases/{id}/plan/{milestone}", s.post(s.signedIn(s.handleMilestone)))
	mux.Handle("GET /cases/{id}/follow-ups/{month}", s.signedIn(s.handleFollowUpForm))
	mux.Handle("POST /cases/{id}/follow-ups/{month}", s.post(s.signedIn(s.handleFollowUp)))
	mux.Handle("GET /cap", s.signedIn(s.handleCap))

	// Notifications and how to be told.
	mux.Handle("GET /notifications", s.signedIn(s.handleNotices))
	mux.Handle("POST /notifications/read", s.post(s.signedIn(s.handleNoticeRead)))
	mux.Handle("POST /notifications/{id}/read", s.post(s.signedIn(s.handleNoticeRead)))
	mux.Handle("GET /account/notifications", s.signedIn(s.handleNoticePrefsForm))
	mux.Handle("POST /account/notifications", s.post(s.signedIn(s.handleNoticePrefs)))

	s.routesPartners(mux) // nominations, referrals, imports, checks, side states: routes_partners.go
	s.routesAdmin(mux)    // programme administration, one's own factors: routes_admin.go

	mux.Handle("/", s.handleNotFound())
}
