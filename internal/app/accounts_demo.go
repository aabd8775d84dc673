package app

import (
	"context"
	"errors"
	"time"

	"github.com/havenhrd/haven"
	"github.com/havenhrd/haven/internal/auth"
	"github.com/havenhrd/haven/internal/store"
)

// errLooked rolls back the transaction of DemoCode: it takes the sign-in
// step to read it, and must leave it in place.
var errLooked = errors.New("looked at the step")

// DemoCode returns the second factor of the user signing in with the
// second-factor step stepSecret, on a demonstration database alone: the
// code the sign-in accepts now (the current step's, or the next one's
// when the current one is spent), the setup key and its otpauth:// URL.
// The step is left as it was, and nothing is written.
//
// Errors: ENOTFOUND when the database is not marked as a demonstration
// (by `haven demo`, never by the pages or the API), when the step is not a
// live second-factor step, or when its user has no authenticator app;
// ECONFLICT when the codes the sign-in would accept are spent until the
// next time step.
func (a *Accounts) DemoCode(ctx context.Context, stepSecret string) (*haven.DemoCode, error) {
	const op = "app.DemoCode"
	none := haven.Errorf(haven.ENOTFOUND, op, "no code to show")
	// Not a demonstration (every real database): answered from a read,
	// without taking the writer.
	demo := false
	if err := a.store.View(ctx, func(tx store.Tx) error {
		v, err := tx.Meta(ctx, demoKey)
		if haven.ErrorCodeOf(err) == haven.ENOTFOUND {
			return nil
		}
		demo = err == nil && v == "true"
		return err
	}); err != nil {
		return nil, err
	}
	if !demo {
		return nil, none
	}
	var out *haven.DemoCode
	var outErr error
	err := a.store.Update(ctx, func(tx store.Tx) error {
		if v, err := tx.Meta(ctx, demoKey); haven.ErrorCodeOf(err) == haven.ENOTFOUND || err == nil && v != "true" {
			outErr = none
			return errLooked
		} else if err != nil {
			return err
		}
		c, err := tx.TakeChallenge(ctx, storedStepID(stepSecret), a.now())
		if haven.ErrorCodeOf(err) == haven.ENOTFOUND || err == nil && c.Kind != stepSecondFactor {
			outErr = none
			return errLooked
		} else if err != nil {
			return err
		}
		u, err := tx.FindUserByID(ctx, c.UserID)
		if err != nil {
			return err
		}
		f, err := tx.FindTOTP(ctx, u.ID)
		if haven.ErrorCodeOf(err) == haven.ENOTFOUND {
			outErr = none
			return errLooked
		} else if err != nil {
			return err
		}
		_, o, err := a.userKey(ctx, tx, u.ID, false)
		if err != nil {
			return err
		}
		secret := o.str("secret", f.Secret)
		if o.err != nil {
			return o.err
		}
		step, ok := auth.NextTOTPStep(a.now(), f.LastStep)
		if !ok {
			outErr = haven.Errorf(haven.ECONFLICT, op, "this code was already used; wait for the next one")
			return errLooked
		}
		code, err := auth.TOTPCodeAt(secret, step)
		if err != nil {
			return err
		}
		url, err := auth.TOTPURL(a.issuer, u.Username, secret)
		if err != nil {
			return err
		}
		qr, err := auth.TOTPQRCode(url, 200)
		if err != nil {
			return err
		}
		period := int64(auth.TOTPPeriod / time.Second)
		out = &haven.DemoCode{Code: code, ValidUntil: time.Unix((step+1)*period, 0).UTC(), SetupKey: secret, URL: url, QR: qr}
		return errLooked
	})
	if errors.Is(err, errLooked) {
		return out, outErr
	}
	if err == nil {
		err = haven.Internal(op, errors.New("the step was not looked at"))
	}
	return nil, err
}
