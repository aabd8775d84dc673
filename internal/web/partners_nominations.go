package web

import (
	"net/http"
	"net/url"

	"github.com/havenhrd/haven"
)

// A protection partner's nominations, and a referral partner's inbox of
// the nominations addressed to it: the list, one nomination, its review,
// its decline (on a confirmation page of its own, with the reason) and its
// withdrawal by the partner that made it (on a confirmation page too).

// nominationDone are the notices of the nomination page after an act.
var nominationDone = map[string]string{
	"sent": "partner.done.sent", "review": "partner.done.review", "declined": "partner.done.declined",
	"withdrawn": "partner.done.nomination_withdrawn",
}

// nominationsData is what a list of nominations shows.
type nominationsData struct {
	Nominations []*haven.Nomination
	// Inbox says the list is the nominations addressed to the viewer's
	// organisation; otherwise those it made.
	Inbox  bool
	States []haven.NominationState
}

// nominationsQuery is what the nominations list and its export share: the
// reader's kind checked (a partner that nominates or receives), the page,
// and the state asked for (?state=). ok is false when it has answered
// (refused, or an unknown state shown on the list).
func (s *server) nominationsQuery(w http.ResponseWriter, r *http.Request, v *viewer) (p *page, d *nominationsData, state haven.NominationState, ok bool) {
	if v.Kind() != haven.OrgProtectionPartner && v.Kind() != haven.OrgReferralPartner {
		s.forbidden(w, r, v)
		return nil, nil, "", false
	}
	p = s.newPage(w, r, v)
	p.Protected = true
	d = &nominationsData{Inbox: v.Kind() == haven.OrgReferralPartner, States: haven.NominationStates}
	p.Data = d
	if st := r.URL.Query().Get("state"); st != "" {
		p.Form.Set("state", st)
		var err error
		if state, err = haven.ParseNominationState(st); err != nil {
			p.invalid("state", "err.choose_state")
			s.render(w, r, http.StatusBadRequest, "partner_nominations", p)
			return nil, nil, "", false
		}
	}
	return p, d, state, true
}

// handleNominations lists the nominations the viewer's organisation made
// (a protection partner) or received (a referral partner), newest first,
// of one state when ?state= is given. A list shows no sealed field.
func (s *server) handleNominations(w http.ResponseWriter, r *http.Request, v *viewer) {
	p, d, state, ok := s.nominationsQuery(w, r, v)
	if !ok {
		return
	}
	ns, err := s.nominations.FindNominations(r.Context(), v.Actor, state)
	if err != nil {
		s.fail(w, r, v, err)
		return
	}
	d.Nominations = ns
	s.render(w, r, http.StatusOK, "partner_nominations", p)
}

// nominationData is what the nomination page shows.
type nominationData struct {
	N *haven.Nomination
	// Addressee says the nomination is addressed to the viewer's
	// organisation: the page goes back to the inbox.
	Addressee bool
	// The acts the app offers the viewer now, and nothing else.
	CanReview, CanDecline, CanRef, CanWithdraw bool
}

// nominationPageData maps the nomination's offer to the page's acts.
func nominationPageData(v *viewer, n *haven.Nomination) *nominationData {
	o := n.Offer
	return &nominationData{N: n, Addressee: n.ReferralOrgID == v.Actor.OrgID,
		CanReview: o.Can(haven.NominationEventReview), CanDecline: o.Can(haven.NominationEventDecline),
		CanRef: o.Can(haven.NominationEventRefer), CanWithdraw: o.Can(haven.NominationEventWithdraw)}
}

// offerStatus is how a confirmation page of the act ev answers: 200 when
// the app offers it now; 403 when the viewer may never apply it to this
// nomination; otherwise 409, the page saying why, with no form.
func offerStatus(n *haven.Nomination, ev haven.NominationEvent) int {
	switch {
	case n.Offer.Can(ev):
		return http.StatusOK
	case !n.Offer.Permits(ev):
		return http.StatusForbidden
	}
	return http.StatusConflict
}

// handleNomination shows one nomination, to the partner that made it or
// the referral partner it is addressed to (anyone else: not found).
func (s *server) handleNomination(w http.ResponseWriter, r *http.Request, v *viewer) {
	n, err := s.nominations.FindNominationByID(r.Context(), v.Actor, haven.ID(r.PathValue("id")))
	if err != nil {
		s.fail(w, r, v, err)
		return
	}
	p := s.newPage(w, r, v)
	p.Protected = true
	if k, ok := nominationDone[r.URL.Query().Get("done")]; ok {
		p.Notice = p.t(k)
	}
	p.Data = nominationPageData(v, n)
	s.render(w, r, http.StatusOK, "partner_nomination", p)
}

// nominationPath is the nomination page of the request's nomination.
func nominationPath(r *http.Request) string {
	return "/nominations/" + url.PathEscape(r.PathValue("id"))
}

// handleReviewNomination takes a submitted nomination under review.
func (s *server) handleReviewNomination(w http.ResponseWriter, r *http.Request, v *viewer) {
	if _, err := s.nominations.ReviewNomination(r.Context(), v.Actor, haven.ID(r.PathValue("id"))); err != nil {
		s.nominationFailed(w, r, v, "partner_nomination", err)
		return
	}
	http.Redirect(w, r, nominationPath(r)+"?done=review", http.StatusSeeOther)
}

// handleDeclineForm is the confirmation page of a decline, offered to the
// referral partner the nomination is addressed to: it names what will
// happen and asks for the reason. A decline the app no longer offers is
// said so, with no form.
func (s *server) handleDeclineForm(w http.ResponseWriter, r *http.Request, v *viewer) {
	n, err := s.nominations.FindNominationByID(r.Context(), v.Actor, haven.ID(r.PathValue("id")))
	if err != nil {
		s.fail(w, r, v, err)
		return
	}
	status := offerStatus(n, haven.NominationEventDecline)
	if status == http.StatusForbidden {
		s.forbidden(w, r, v)
		return
	}
	p := s.newPage(w, r, v)
	p.Protected = true
	p.Data = nominationPageData(v, n)
	if status != http.StatusOK {
		p.Alert = p.t("partner.err.nomination_state")
	}
	s.render(w, r, status, "partner_decline", p)
}

// declineLabels are the decline form's controls and their labels.
var declineLabels = map[string]string{"reason": "partner.decline.reason"}

// handleDecline declines the nomination with the reason given.
func (s *server) handleDecline(w http.ResponseWriter, r *http.Request, v *viewer) {
	if _, err := s.nominations.DeclineNomination(r.Context(), v.Actor, haven.ID(r.PathValue("id")), r.PostFormValue("reason")); err != nil {
		s.nominationFailed(w, r, v, "partner_decline", err)
		return
	}
	http.Redirect(w, r, nominationPath(r)+"?done=declined", http.StatusSeeOther)
}

// handleWithdrawNominationForm is the confirmation page of a withdrawal,
// offered to the partner that made the nomination: it names what will
// happen. A withdrawal the app no longer offers is said so, with no form.
func (s *server) handleWithdrawNominationForm(w http.ResponseWriter, r *http.Request, v *viewer) {
	n, err := s.nominations.FindNominationByID(r.Context(), v.Actor, haven.ID(r.PathValue("id")))
	if err != nil {
		s.fail(w, r, v, err)
		return
	}
	status := offerStatus(n, haven.NominationEventWithdraw)
	if status == http.StatusForbidden {
		s.forbidden(w, r, v)
		return
	}
	p := s.newPage(w, r, v)
	p.Protected = true
	p.Data = nominationPageData(v, n)
	if status != http.StatusOK {
		p.Alert = p.t("partner.nomination_withdraw.not_now")
	}
	s.render(w, r, status, "partner_nomination_withdraw", p)
}

// handleWithdrawNomination withdraws the nomination. The workflow takes no
// reason for a withdrawal, and the app keeps none: the form asks for none.
func (s *server) handleWithdrawNomination(w http.ResponseWriter, r *http.Request, v *viewer) {
	if _, err := s.nominations.WithdrawNomination(r.Context(), v.Actor, haven.ID(r.PathValue("id"))); err != nil {
		s.nominationFailed(w, r, v, "partner_nomination_withdraw", err)
		return
	}
	http.Redirect(w, r, nominationPath(r)+"?done=withdrawn", http.StatusSeeOther)
}

// nominationFailed shows the nomination page, or its decline or withdrawal
// page, again with what was typed and the app's answer. A nomination the
// viewer may not see, or may not act on, is a page of its own.
func (s *server) nominationFailed(w http.ResponseWriter, r *http.Request, v *viewer, name string, err error) {
	switch haven.ErrorCodeOf(err) {
	case haven.EINVALID, haven.ECONFLICT:
	default:
		s.fail(w, r, v, err)
		return
	}
	s.logRefused(r, statusOf(err), haven.ErrorCodeOf(err), err)
	n, lerr := s.nominations.FindNominationByID(r.Context(), v.Actor, haven.ID(r.PathValue("id")))
	if lerr != nil {
		s.fail(w, r, v, lerr)
		return
	}
	p := s.newPage(w, r, v)
	p.Protected = true
	switch name {
	case "partner_decline":
		p.toggleTo(nominationPath(r) + "/decline")
	case "partner_nomination_withdraw":
		p.toggleTo(nominationPath(r) + "/withdraw")
	default:
		p.toggleTo(nominationPath(r))
	}
	p.Form = r.PostForm
	p.Data = nominationPageData(v, n)
	p.failAt(err, labelsOf(declineLabels, nil))
	s.render(w, r, statusOf(err), name, p)
}
