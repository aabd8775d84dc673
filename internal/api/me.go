package api

// ownFactors returns the caller's own sign-in factors: each passkey's
// label and dates, whether an authenticator app is set up, how many
// recovery codes are left. Every user may read their own, and only theirs.
func ownFactors(c *call, _ *none) (factorsJSON, error) {
	f, err := c.accounts.OwnFactors(c.ctx, c.actor)
	if err != nil {
		return factorsJSON{}, err
	}
	return factorsOut(f), nil
}
