package app_test

import (
	"testing"
	"time"

	"github.com/havenhrd/haven"
	"github.com/havenhrd/haven/internal/app"
)

// TestSecondFactorRetry: a wrong code keeps the user at the second factor:
// the refusal carries a new step, ending no later than the spent one, on
// which the right code signs in; the spent step takes nothing. Each wrong
// code counts against the account's limit, and the one that reaches it
// carries no step but the limit's refusal: the user starts again, and the
// password is refused too until the lockout ends.
func TestSecondFactorRetry(t *testing.T) {
	forEngine(t, func(t *testing.T, e *env) {
		withSignIn(t, e)
		_, enrolment := e.newUser(t, "bahar")
		secret, codes := e.enrolTOTP(t, enrolment)

		step := must[*app.Step](t)(e.app.Accounts.SignIn(e.ctx, "bahar", goodPass, "10.0.0.9"))
		_, err := e.app.Accounts.SignInTOTP(e.ctx, step.ID, "000000", "10.0.0.9")
		wantCode(t, err, haven.EUNAUTHORIZED)
		next, ok := haven.RetryStepOf(err)
		if !ok || next.ID == step.ID || next.ExpiresAt.After(step.ExpiresAt) || len(next.Factors) == 0 {
			t.Fatalf("a wrong code's refusal: %v, step %+v (first %+v)", err, next, step)
		}
		_, err = e.app.Accounts.SignInTOTP(e.ctx, step.ID, e.code(t, secret), "10.0.0.9")
		wantCode(t, err, haven.EUNAUTHORIZED) // the spent step
		if _, ok := haven.RetryStepOf(err); ok {
			t.Fatal("a spent step's refusal carries a step")
		}
		must[*app.Session](t)(e.app.Accounts.SignInTOTP(e.ctx, next.ID, e.code(t, secret), "10.0.0.9"))
		e.clock.Add(31 * time.Second)

		// A wrong recovery code likewise.
		step = must[*app.Step](t)(e.app.Accounts.SignIn(e.ctx, "bahar", goodPass, "10.0.0.9"))
		_, err = e.app.Accounts.SignInRecovery(e.ctx, step.ID, "AAAA-BBBB-CCCC", "10.0.0.9")
		next, ok = haven.RetryStepOf(err)
		if !ok {
			t.Fatalf("a wrong recovery code's refusal carries no step: %v", err)
		}
		must[*app.Session](t)(e.app.Accounts.SignInRecovery(e.ctx, next.ID, codes[0], "10.0.0.9"))

		// The account's limit: five failures in the window. The fifth
		// wrong code is refused as too many, with no step.
		step = must[*app.Step](t)(e.app.Accounts.SignIn(e.ctx, "bahar", goodPass, "10.0.0.9"))
		id := step.ID
		for i := range 5 {
			_, err = e.app.Accounts.SignInTOTP(e.ctx, id, "000000", "10.0.0.9")
			next, ok = haven.RetryStepOf(err)
			if i < 4 {
				wantCode(t, err, haven.EUNAUTHORIZED)
				if !ok {
					t.Fatalf("wrong code %d: no step for another try", i+1)
				}
				id = next.ID
			}
		}
		wantCode(t, err, haven.ETOOMANY)
		if ok {
			t.Fatal("the refusal at the limit carries a step")
		}
		_, err = e.app.Accounts.SignIn(e.ctx, "bahar", goodPass, "10.0.0.9")
		wantCode(t, err, haven.ETOOMANY)

		// A step ends when the first would have: a retry after it is refused
		// without a step.
		e.clock.Add(2 * time.Hour)
		step = must[*app.Step](t)(e.app.Accounts.SignIn(e.ctx, "bahar", goodPass, "10.0.0.9"))
		_, err = e.app.Accounts.SignInTOTP(e.ctx, step.ID, "000000", "10.0.0.9")
		next, _ = haven.RetryStepOf(err)
		e.clock.Add(6 * time.Minute)
		_, err = e.app.Accounts.SignInTOTP(e.ctx, next.ID, e.code(t, secret), "10.0.0.9")
		wantCode(t, err, haven.EUNAUTHORIZED)
	})
}
