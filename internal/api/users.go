package api

import (
	"time"

	"github.com/havenhrd/haven"
)

// Accounts in the API: what takes access away (disabling a user, revoking
// a token) and what reads who has access; never what grants it (adding a
// user, an enrolment link, a token, a factor), which stays on the pages
// behind a passphrase and a second factor, so that a leaked token can
// never mint new access.

// accountJSON is a user as the programme's administration sees them.
type accountJSON struct {
	ID          haven.ID    `json:"id"`
	OrgID       haven.ID    `json:"org_id"`
	Role        haven.Role  `json:"role"`
	Username    string      `json:"username"`
	DisplayName string      `json:"display_name"`
	CreatedAt   time.Time   `json:"created_at,omitzero"`
	DisabledAt  time.Time   `json:"disabled_at,omitzero"`
	Enrolled    bool        `json:"enrolled"`
	Factors     factorsJSON `json:"factors"`
}

// accountList is the users of GET /api/v1/users.
type accountList struct {
	Users []accountJSON `json:"users"`
}

// revokedJSON answers a revocation.
type revokedJSON struct {
	ID      haven.ID `json:"id"`
	Revoked bool     `json:"revoked"`
}

func accountOut(a *haven.Account) accountJSON {
	u := a.User
	return accountJSON{ID: u.ID, OrgID: u.OrgID, Role: u.Role, Username: u.Username, DisplayName: u.DisplayName,
		CreatedAt: u.CreatedAt, DisabledAt: u.DisabledAt, Enrolled: a.Enrolled, Factors: factorsOut(a.Factors)}
}

// listUsers lists the users, of one organisation when ?org_id= is given,
// with their state and factors (the programme's administration only).
func listUsers(c *call, _ *none) (accountList, error) {
	var p haven.Problems
	org := haven.ID(c.query.one(&p, "org_id"))
	if err := p.Err("api.listUsers"); err != nil {
		return accountList{}, err
	}
	as, err := c.accounts.FindAccounts(c.ctx, c.actor, org)
	if err != nil {
		return accountList{}, err
	}
	out := accountList{Users: []accountJSON{}}
	for _, a := range as {
		out.Users = append(out.Users, accountOut(a))
	}
	return out, nil
}

// disableUser disables a user: their sessions end and their tokens stop
// working at once. It answers the account as it then stands.
func disableUser(c *call, _ *none) (accountJSON, error) {
	if err := c.accounts.DisableUser(c.ctx, c.actor, c.id()); err != nil {
		return accountJSON{}, err
	}
	as, err := c.accounts.FindAccounts(c.ctx, c.actor, "")
	if err != nil {
		return accountJSON{}, err
	}
	for _, a := range as {
		if a.User.ID == c.id() {
			return accountOut(a), nil
		}
	}
	return accountJSON{}, haven.Errorf(haven.ENOTFOUND, "api.disableUser", "no such user")
}

// revokeToken revokes an API token at once.
func revokeToken(c *call, _ *none) (revokedJSON, error) {
	if err := c.accounts.RevokeAPIToken(c.ctx, c.actor, c.id()); err != nil {
		return revokedJSON{}, err
	}
	return revokedJSON{ID: c.id(), Revoked: true}, nil
}
