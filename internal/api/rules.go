package api

import "github.com/havenhrd/haven"

// rulesInput is the body of PUT /api/v1/rules/{year}: the whole of the
// year's new rules. The year is the route's.
type rulesInput struct {
	// Cap is a pointer so that a body without it is refused: a cap of 0
	// closes the year, and must be said, not defaulted.
	Cap           *int                   `json:"cap"`
	ReferrerKinds []haven.OrgKind        `json:"referrer_kinds"`
	Referrers     []haven.ID             `json:"referrers"`
	Allocations   map[haven.ID]int       `json:"allocations"`
	TargetDays    map[haven.Priority]int `json:"target_days"`
	// HandoverDays is a pointer for the same reason: 0 ends the referring
	// partner's sight of a family at its arrival.
	HandoverDays *int `json:"handover_days"`
}

// showRules returns the current rules of a year.
func showRules(c *call, _ *none) (rulesJSON, error) {
	y, err := c.year()
	if err != nil {
		return rulesJSON{}, err
	}
	r, err := c.programme.FindRules(c.ctx, c.actor, y)
	if err != nil {
		return rulesJSON{}, err
	}
	return rulesOut(r), nil
}

// setRules makes the body the new version of the year's rules.
func setRules(c *call, in *rulesInput) (rulesJSON, error) {
	y, err := c.year()
	if err != nil {
		return rulesJSON{}, err
	}
	var p haven.Problems
	if in.Cap == nil {
		p.Add("cap", "enter the cap: the most persons admitted in the year")
	}
	if in.HandoverDays == nil {
		p.Add("handover_days", "enter the handover time: the days after arrival during which the referring partner still sees the family")
	}
	if err := p.Err("api.setRules"); err != nil {
		return rulesJSON{}, err
	}
	r := &haven.ProgrammeRules{Year: y, Cap: *in.Cap, ReferrerKinds: in.ReferrerKinds, Referrers: in.Referrers,
		Allocations: in.Allocations, TargetDays: in.TargetDays, HandoverDays: *in.HandoverDays}
	if r.Allocations == nil {
		r.Allocations = map[haven.ID]int{}
	}
	if err := c.programme.SetRules(c.ctx, c.actor, r); err != nil {
		return rulesJSON{}, err
	}
	return rulesOut(r), nil
}

// showCap returns a year's cap figures, with the months of the whole cap
// or of the partner the query names.
func showCap(c *call, _ *none) (capJSON, error) {
	y, err := c.year()
	if err != nil {
		return capJSON{}, err
	}
	var p haven.Problems
	partner := haven.ID(c.query.one(&p, "partner"))
	if err := p.Err("api.showCap"); err != nil {
		return capJSON{}, err
	}
	f, err := c.programme.CapFiguresOf(c.ctx, c.actor, y, partner)
	if err != nil {
		return capJSON{}, err
	}
	return capOut(f), nil
}
