package app

import (
	"context"

	"github.com/havenhrd/haven"
	"github.com/havenhrd/haven/internal/auth"
	"github.com/havenhrd/haven/internal/store"
)

// An enrolment secret is issued by two rooms: Programme, with a new user,
// and Accounts, when an administrator issues a fresh one. It is the core's.

// issueEnrolment makes a one-time enrolment secret for user.
func (a *core) issueEnrolment(ctx context.Context, tx store.Tx, user haven.ID) (string, error) {
	token, hash, err := auth.NewToken("he_")
	if err != nil {
		return "", haven.Internal("app.issueEnrolment", err)
	}
	now := a.now()
	if err := tx.CreateEnrolment(ctx, &store.Enrolment{TokenHash: hash, UserID: user, CreatedAt: now, ExpiresAt: now.Add(enrolmentTTL)}); err != nil {
		return "", err
	}
	return token, nil
}
