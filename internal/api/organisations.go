package api

import "github.com/havenhrd/haven"

// organisationInput is the body of POST /api/v1/organisations.
type organisationInput struct {
	Kind    haven.OrgKind `json:"kind"`
	Name    string        `json:"name"`
	Country string        `json:"country"`
}

// listOrganisations lists the organisations taking part, of one kind when
// ?kind= is given.
func listOrganisations(c *call, _ *none) (organisationList, error) {
	var p haven.Problems
	kind := queryEnum(c.query, &p, "kind", haven.ParseOrgKind)
	if err := p.Err("api.listOrganisations"); err != nil {
		return organisationList{}, err
	}
	os, err := c.programme.FindOrganisations(c.ctx, c.actor, kind)
	if err != nil {
		return organisationList{}, err
	}
	out := organisationList{Organisations: []organisationJSON{}}
	for _, o := range os {
		out.Organisations = append(out.Organisations, organisationOut(o))
	}
	return out, nil
}

// createOrganisation adds an organisation (the programme's administration only).
func createOrganisation(c *call, in *organisationInput) (organisationJSON, error) {
	o := &haven.Organisation{Kind: in.Kind, Name: in.Name, Country: in.Country}
	if err := c.programme.CreateOrganisation(c.ctx, c.actor, o); err != nil {
		return organisationJSON{}, err
	}
	return organisationOut(o), nil
}
