package haven

import (
	"context"
	"time"
)

// SignInStep is a sign-in or enrolment in progress. ID is a bearer secret
// for the next step; the store keeps only its hash.
type SignInStep struct {
	ID string
	// Factors are the second factors the user may use next: "passkey",
	// "totp", "recovery".
	Factors   []string
	ExpiresAt time.Time
}

// Session is a new signed-in session. Token is shown once, for the cookie.
type Session struct {
	Token     string
	UserID    ID
	ExpiresAt time.Time
}

type requestIDKey struct{}

// WithRequestID returns ctx carrying the request id that audit events and
// log lines name.
func WithRequestID(ctx context.Context, id string) context.Context {
	return context.WithValue(ctx, requestIDKey{}, id)
}

// RequestID returns the request id ctx carries, or "".
func RequestID(ctx context.Context) string {
	id, _ := ctx.Value(requestIDKey{}).(string)
	return id
}
