package haven

import (
	"context"
	"errors"
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

// Factors are a user's own second factors and recovery codes, as the user
// may see them: labels, dates and counts, never a secret (no TOTP seed, no
// public key, no code or its hash).
type Factors struct {
	// Passkeys are the user's passkeys, oldest first.
	Passkeys []*Passkey
	// TOTP says the user has an authenticator app; TOTPSince is when it
	// was set up.
	TOTP      bool
	TOTPSince time.Time
	// RecoveryCodesLeft counts the recovery codes not yet used.
	RecoveryCodesLeft int
	// Removable says a passkey or the authenticator app may be removed
	// now: every account keeps at least one of them.
	Removable bool
}

// Account is a user as the programme's administration sees them: who they
// are, whether they have enrolled, and their factors (labels, dates and
// counts, never a secret).
type Account struct {
	User *User
	// Enrolled says the user has set a passphrase from their enrolment link.
	Enrolled bool
	Factors  *Factors
}

// APIToken is an API token as the programme's administration sees it: whom
// it acts as, its name and its dates, never the token or its hash.
type APIToken struct {
	ID ID
	// UserID and Username are the user the token acts as.
	UserID     ID
	Username   string
	Name       string
	CreatedAt  time.Time
	ExpiresAt  time.Time
	RevokedAt  time.Time // zero unless revoked
	LastUsedAt time.Time // zero until first used
}

// Passkey is one of a user's passkeys, as its owner sees it.
type Passkey struct {
	// ID is the credential ID the authenticator chose. It names the
	// passkey, for its removal; it is no secret.
	ID []byte
	// Name is the owner's label for the passkey; it may be empty.
	Name       string
	CreatedAt  time.Time
	LastUsedAt time.Time // zero until first used
}

// DemoCode is the second factor of a user of a demonstration database,
// which holds invented people alone: its sign-in page shows it, so that
// anyone can enter the demonstration with a browser alone. A database that
// is not marked as a demonstration never gives one.
type DemoCode struct {
	// Code is the code the sign-in accepts now; ValidUntil the end of its
	// time step.
	Code       string
	ValidUntil time.Time
	// SetupKey is the user's TOTP setup key, and URL its otpauth:// address
	// for an authenticator app (the QR code's content).
	SetupKey string
	URL      string
	// QR is a PNG image of the QR code of URL.
	QR []byte
}

// RetryStep is the cause of a refused second factor that may be tried
// again: the step that takes the next try. The step answered is spent;
// this one lives no longer than it would have.
type RetryStep struct{ Step *SignInStep }

// Error says that another try is allowed.
func (r *RetryStep) Error() string { return "another try is allowed" }

// RetryStepOf returns the step of the next try that err carries, or
// false when the user must start again.
func RetryStepOf(err error) (*SignInStep, bool) {
	var r *RetryStep
	if errors.As(err, &r) && r.Step != nil {
		return r.Step, true
	}
	return nil, false
}

// CheckPasskeyName returns the problems of the name a user gives a new
// passkey (field "name"): it may be empty (the passkey is then named
// "Passkey"), and holds at most 100 characters and no control character.
func CheckPasskeyName(name string) Problems {
	var p Problems
	p.Text("name", name, 0, 100)
	return p
}

// MaxAPITokenLifetime bounds an API token's life.
const MaxAPITokenLifetime = 366 * 24 * time.Hour

// CheckAPIToken returns the problems of a new API token's name (the
// organisation's system it is for) and lifetime: fields "name" and "ttl".
func CheckAPIToken(name string, ttl time.Duration) Problems {
	var p Problems
	p.Text("name", name, 1, 100)
	if ttl <= 0 || ttl > MaxAPITokenLifetime {
		p.Add("ttl", "choose a lifetime from 1 hour to 366 days")
	}
	return p
}
