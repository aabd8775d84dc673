package api

import "github.com/havenhrd/haven"

// nominationInput is the body of POST /api/v1/nominations.
type nominationInput struct {
	ReferralOrgID        haven.ID       `json:"referral_org_id"`
	DefenderName         string         `json:"defender_name"`
	Contact              string         `json:"contact"`
	Whereabouts          string         `json:"whereabouts"`
	Profile              profileJSON    `json:"profile"`
	RiskAssessment       string         `json:"risk_assessment"`
	RecommendedPriority  haven.Priority `json:"recommended_priority"`
	NationalityCountries []string       `json:"nationality_countries"`
	AsylumCountry        string         `json:"asylum_country"`
	FamilySize           int            `json:"family_size"`
}

// reasonInput is the body of a nomination's decline or withdrawal.
type reasonInput struct {
	Reason string `json:"reason"`
}

// listNominations lists the nominations the actor's organisation made or
// received, of one state when ?state= is given.
func listNominations(c *call, _ *none) (nominationList, error) {
	var p haven.Problems
	state := queryEnum(c.query, &p, "state", haven.ParseNominationState)
	if err := p.Err("api.listNominations"); err != nil {
		return nominationList{}, err
	}
	ns, err := c.nominations.FindNominations(c.ctx, c.actor, state)
	if err != nil {
		return nominationList{}, err
	}
	out := nominationList{Nominations: []nominationJSON{}}
	for _, n := range ns {
		out.Nominations = append(out.Nominations, nominationOut(n))
	}
	return out, nil
}

// listCheckRequests lists the members a screening or medical partner is
// asked to examine.
func listCheckRequests(c *call, _ *none) (checkRequestList, error) {
	rs, err := c.cases.FindCheckRequests(c.ctx, c.actor)
	if err != nil {
		return checkRequestList{}, err
	}
	out := checkRequestList{Requests: []checkRequestJSON{}}
	for _, r := range rs {
		out.Requests = append(out.Requests, checkRequestJSON{CaseID: r.CaseID, CaseReference: r.CaseReference, MemberID: r.MemberID, Kinds: r.Kinds,
			Priority: r.Priority, AssignedAt: r.AssignedAt, Due: r.Due, Recorded: r.Recorded})
	}
	return out, nil
}

// createNomination records a protection partner's nomination.
func createNomination(c *call, in *nominationInput) (nominationJSON, error) {
	n := &haven.Nomination{ReferralOrgID: in.ReferralOrgID, DefenderName: in.DefenderName, Contact: in.Contact,
		Whereabouts: in.Whereabouts, Profile: in.Profile.profile(), RiskAssessment: in.RiskAssessment,
		RecommendedPriority: in.RecommendedPriority, NationalityCountries: in.NationalityCountries,
		AsylumCountry: in.AsylumCountry, FamilySize: in.FamilySize}
	if err := c.nominations.CreateNomination(c.ctx, c.actor, n); err != nil {
		return nominationJSON{}, err
	}
	return nominationOut(n), nil
}

func showNomination(c *call, _ *none) (nominationJSON, error) {
	return nomination(c.nominations.FindNominationByID(c.ctx, c.actor, c.id()))
}

func reviewNomination(c *call, _ *none) (nominationJSON, error) {
	return nomination(c.nominations.ReviewNomination(c.ctx, c.actor, c.id()))
}

func declineNomination(c *call, in *reasonInput) (nominationJSON, error) {
	return nomination(c.nominations.DeclineNomination(c.ctx, c.actor, c.id(), in.Reason))
}

// withdrawNomination takes no body: a withdrawal records no reasons (the
// partner tells the referral partner its reasons itself).
func withdrawNomination(c *call, _ *none) (nominationJSON, error) {
	return nomination(c.nominations.WithdrawNomination(c.ctx, c.actor, c.id()))
}

func nomination(n *haven.Nomination, err error) (nominationJSON, error) {
	if err != nil {
		return nominationJSON{}, err
	}
	return nominationOut(n), nil
}

// nominationOfferJSON is what the caller may do to the nomination now.
type nominationOfferJSON struct {
	Events []haven.NominationEvent `json:"events"`
}

func nominationOfferOut(o *haven.NominationOffer) *nominationOfferJSON {
	if o == nil {
		return nil
	}
	return &nominationOfferJSON{Events: append([]haven.NominationEvent{}, o.Events...)}
}
