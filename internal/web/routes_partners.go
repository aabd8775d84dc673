package web

import "net/http"

// routesPartners lists the pages of the partners' work: nominations,
// referrals and their bulk import, the screening and medical partners'
// checks, and the case's side states.
func (s *server) routesPartners(mux *http.ServeMux) {
	s.addPartnerTemplates()

	// A protection partner's nominations; a referral partner's inbox.
	mux.Handle("GET /nominations", s.signedIn(s.handleNominations))
	mux.Handle("GET /nominations/new", s.signedIn(s.handleNominateStart))
	mux.Handle("POST /nominations/new", s.postFlow(s.signedIn(s.handleNominate)))
	mux.Handle("GET /nominations/{id}", s.signedIn(s.handleNomination))
	mux.Handle("POST /nominations/{id}/review", s.post(s.signedIn(s.handleReviewNomination)))
	mux.Handle("GET /nominations/{id}/decline", s.signedIn(s.handleDeclineForm))
	mux.Handle("POST /nominations/{id}/decline", s.post(s.signedIn(s.handleDecline)))
	mux.Handle("GET /nominations/{id}/refer", s.signedIn(s.handleReferNomination))
	mux.Handle("GET /nominations/{id}/withdraw", s.signedIn(s.handleWithdrawNominationForm))
	mux.Handle("POST /nominations/{id}/withdraw", s.post(s.signedIn(s.handleWithdrawNomination)))

	// A referral partner's referrals, one family at a time or in bulk.
	mux.Handle("GET /referrals/new", s.signedIn(s.handleReferStart))
	mux.Handle("POST /referrals/new", s.postFlow(s.signedIn(s.handleRefer)))
	mux.Handle("GET /referrals/import", s.signedIn(s.handleImportForm))
	mux.Handle("POST /referrals/import", s.postUpload(s.signedIn(s.handleImport)))

	// The case's side states, from the case page.
	mux.Handle("POST /cases/{id}/schedule-interview", s.post(s.signedIn(s.handleScheduleInterview())))
	mux.Handle("POST /cases/{id}/hold", s.post(s.signedIn(s.handleHold())))
	mux.Handle("POST /cases/{id}/request-info", s.post(s.signedIn(s.handleRequestInfo())))
	mux.Handle("POST /cases/{id}/resume", s.post(s.signedIn(s.handleResume())))
	mux.Handle("POST /cases/{id}/answer", s.post(s.signedIn(s.handleAnswerInfo())))
	mux.Handle("POST /cases/{id}/assign-checks", s.post(s.signedIn(s.handleAssignChecks())))
	mux.Handle("GET /cases/{id}/withdraw", s.signedIn(s.handleWithdrawForm))
	mux.Handle("POST /cases/{id}/withdraw", s.post(s.signedIn(s.handleWithdraw())))
	mux.Handle("GET /cases/{id}/split", s.signedIn(s.handleSplitForm))
	mux.Handle("POST /cases/{id}/split", s.post(s.signedIn(s.handleSplit())))

	// The screening and medical partners' checks.
	mux.Handle("GET /checks", s.signedIn(s.handleChecks))
	mux.Handle("GET /checks/{id}", s.signedIn(s.handleFamilyChecksForm))
	mux.Handle("POST /checks/{id}", s.post(s.signedIn(s.handleFamilyChecks)))
	mux.Handle("GET /checks/{id}/{member}", s.signedIn(s.handleCheckForm))
	mux.Handle("POST /checks/{id}/{member}", s.post(s.signedIn(s.handleCheck)))
}
