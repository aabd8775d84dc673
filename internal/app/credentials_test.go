package app_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/havenhrd/haven"
	"github.com/havenhrd/haven/internal/app"
	"github.com/havenhrd/haven/internal/auth/authtest"
	"github.com/havenhrd/haven/internal/store"
)

// TestOwnFactors: a user reads their own passkeys (label, dates), whether
// an authenticator app is set up and how many recovery codes are left;
// never another user's factors, and never a secret.
func TestOwnFactors(t *testing.T) {
	forEngine(t, func(t *testing.T, e *env) {
		withSignIn(t, e)
		farah, enrolment := e.newUser(t, "farah")
		enrolled := e.clock.Now()
		secret, codes := e.enrolTOTP(t, enrolment)
		me := haven.Actor{UserID: farah.ID}

		f := must[*haven.Factors](t)(e.app.Accounts.OwnFactors(e.ctx, me))
		if !f.TOTP || !f.TOTPSince.Equal(enrolled) || len(f.Passkeys) != 0 || f.RecoveryCodesLeft != 10 || f.Removable {
			t.Fatalf("after enrolment: %+v", f)
		}

		// A recovery code used is one fewer left.
		step := must[*app.Step](t)(e.app.Accounts.SignIn(e.ctx, "farah", goodPass, "src"))
		here := must[*app.Session](t)(e.app.Accounts.SignInRecovery(e.ctx, step.ID, codes[3], "src"))
		if f = must[*haven.Factors](t)(e.app.Accounts.OwnFactors(e.ctx, me)); f.RecoveryCodesLeft != 9 {
			t.Fatalf("after a recovery code: %d left", f.RecoveryCodesLeft)
		}

		// A passkey added shows by its label; with two factors, one may go.
		e.clock.Add(10 * time.Minute) // within the session's idle limit
		added := e.clock.Now()
		opts, next, err := e.app.Accounts.AddPasskeyBegin(e.ctx, here.Token, goodPass)
		noErr(t, err)
		key := authtest.New()
		resp := must[[]byte](t)(key.Create(opts, authtest.Options{Origin: testOrigin}))
		noErr(t, e.app.Accounts.AddPasskeyFinish(e.ctx, here.Token, next.ID, "Work laptop", bytes.NewReader(resp)))

		// Another user, with a passkey of their own.
		gregor, genrol := e.newUser(t, "gregor")
		gsecret, _ := e.enrolTOTP(t, genrol)
		g := e.signInTOTP(t, "gregor", gsecret, "g")
		gopts, gnext, err := e.app.Accounts.AddPasskeyBegin(e.ctx, g.Token, goodPass)
		noErr(t, err)
		gkey := authtest.New()
		gresp := must[[]byte](t)(gkey.Create(gopts, authtest.Options{Origin: testOrigin}))
		noErr(t, e.app.Accounts.AddPasskeyFinish(e.ctx, g.Token, gnext.ID, "Gregor's phone", bytes.NewReader(gresp)))

		f = must[*haven.Factors](t)(e.app.Accounts.OwnFactors(e.ctx, me))
		if len(f.Passkeys) != 1 || !f.Removable || !f.TOTP || f.RecoveryCodesLeft != 9 {
			t.Fatalf("with a passkey: %+v", f)
		}
		p := f.Passkeys[0]
		if !bytes.Equal(p.ID, key.Credentials()[0].ID) || p.Name != "Work laptop" || !p.CreatedAt.Equal(added) || !p.LastUsedAt.IsZero() {
			t.Fatalf("the passkey: %+v", p)
		}
		gf := must[*haven.Factors](t)(e.app.Accounts.OwnFactors(e.ctx, haven.Actor{UserID: gregor.ID}))
		if len(gf.Passkeys) != 1 || gf.Passkeys[0].Name != "Gregor's phone" || bytes.Equal(gf.Passkeys[0].ID, p.ID) {
			t.Fatalf("gregor's factors: %+v", gf.Passkeys)
		}

		// Signing in with the passkey dates its last use.
		e.clock.Add(10 * time.Minute) // within the session's idle limit
		used := e.clock.Now()
		step = must[*app.Step](t)(e.app.Accounts.SignIn(e.ctx, "farah", goodPass, "src"))
		popts, pnext, err := e.app.Accounts.SignInPasskeyBegin(e.ctx, step.ID)
		noErr(t, err)
		assertion := must[[]byte](t)(key.Get(popts, authtest.Options{Origin: testOrigin}))
		must[*app.Session](t)(e.app.Accounts.SignInPasskeyFinish(e.ctx, pnext.ID, bytes.NewReader(assertion), "src"))
		f = must[*haven.Factors](t)(e.app.Accounts.OwnFactors(e.ctx, me))
		if !f.Passkeys[0].LastUsedAt.Equal(used) {
			t.Fatalf("last used %v, want %v", f.Passkeys[0].LastUsedAt, used)
		}

		// No secret in what it returns: not the TOTP seed, not a recovery
		// code, not a passkey's stored credential (its public key).
		var creds []string
		noErr(t, e.store.View(e.ctx, func(tx store.Tx) error {
			pks, err := tx.FindPasskeys(e.ctx, farah.ID)
			for _, p := range pks {
				creds = append(creds, p.Credential)
			}
			return err
		}))
		var stored struct {
			PublicKey []byte `json:"publicKey"`
		}
		if len(creds) != 1 || json.Unmarshal([]byte(creds[0]), &stored) != nil || len(stored.PublicKey) == 0 {
			t.Fatalf("the stored credential has no public key: %q", creds)
		}
		dump := fmt.Sprintf("%+v %+v %s", f, *f.Passkeys[0], must[[]byte](t)(json.Marshal(f)))
		for _, s := range append([]string{secret, strings.ToLower(secret), creds[0]}, codes...) {
			if strings.Contains(dump, s) {
				t.Fatalf("the factors hold a secret: %s", dump)
			}
		}
		if bytes.Contains(must[[]byte](t)(json.Marshal(f)), stored.PublicKey) || strings.Contains(dump, fmt.Sprint(stored.PublicKey)) {
			t.Fatal("the factors hold the passkey's public key")
		}
		// And no field that could carry one: the types hold these fields only.
		for typ, want := range map[reflect.Type][]string{
			reflect.TypeFor[haven.Factors](): {"Passkeys", "RecoveryCodesLeft", "Removable", "TOTP", "TOTPSince"},
			reflect.TypeFor[haven.Passkey](): {"CreatedAt", "ID", "LastUsedAt", "Name"},
		} {
			var got []string
			for i := range typ.NumField() {
				got = append(got, typ.Field(i).Name)
			}
			slices.Sort(got)
			if !slices.Equal(got, want) {
				t.Errorf("%s has fields %v: a new field must not carry a secret; then add it here", typ, got)
			}
		}

		// Removing the authenticator app leaves the passkey as the last.
		noErr(t, e.app.Accounts.RemoveFactor(e.ctx, here.Token, goodPass, app.FactorTOTP, nil))
		if f = must[*haven.Factors](t)(e.app.Accounts.OwnFactors(e.ctx, me)); f.TOTP || !f.TOTPSince.IsZero() || f.Removable || len(f.Passkeys) != 1 {
			t.Fatalf("after removing the app: %+v", f)
		}

		// No actor, an unknown one, a disabled one: refused.
		_, err = e.app.Accounts.OwnFactors(e.ctx, haven.Actor{})
		wantCode(t, err, haven.EUNAUTHORIZED)
		_, err = e.app.Accounts.OwnFactors(e.ctx, haven.Actor{UserID: "usr_nobody"})
		wantCode(t, err, haven.EUNAUTHORIZED)
		noErr(t, e.app.Accounts.DisableUser(e.ctx, e.admin, gregor.ID))
		_, err = e.app.Accounts.OwnFactors(e.ctx, haven.Actor{UserID: gregor.ID})
		wantCode(t, err, haven.EUNAUTHORIZED)
	})
}

// TestFindAccounts: the programme's administration sees every user, by
// organisation: who has enrolled, their factors as counts and labels,
// who is disabled; never a secret. Nobody else may list users.
func TestFindAccounts(t *testing.T) {
	forEngine(t, func(t *testing.T, e *env) {
		withSignIn(t, e)
		nadia, enrolment := e.newUser(t, "nadia")
		e.enrolTOTP(t, enrolment)
		waiting, _ := e.newUser(t, "waiting")
		gone, genrol := e.newUser(t, "gone")
		e.enrolTOTP(t, genrol)
		noErr(t, e.app.Accounts.DisableUser(e.ctx, e.admin, gone.ID))

		all := must[[]*haven.Account](t)(e.app.Accounts.FindAccounts(e.ctx, e.admin, ""))
		byName := map[string]*haven.Account{}
		lastOrg := ""
		orgName := map[haven.ID]string{}
		for _, o := range e.orgs {
			orgName[o.ID] = o.Name
		}
		for _, a := range all {
			byName[a.User.Username] = a
			if n := orgName[a.User.OrgID]; n < lastOrg {
				t.Errorf("accounts not ordered by organisation: %q after %q", n, lastOrg)
			} else {
				lastOrg = n
			}
		}
		// The environment's seven users and the three made here.
		if len(all) != 10 {
			t.Fatalf("%d accounts, want 10", len(all))
		}
		if a := byName["nadia"]; a == nil || !a.Enrolled || !a.Factors.TOTP || a.Factors.RecoveryCodesLeft != 10 || a.User.ID != nadia.ID {
			t.Fatalf("nadia: %+v", a)
		}
		if a := byName["waiting"]; a == nil || a.Enrolled || a.Factors.TOTP || a.Factors.RecoveryCodesLeft != 0 || a.User.ID != waiting.ID {
			t.Fatalf("a user awaiting enrolment: %+v", a)
		}
		if a := byName["gone"]; a == nil || a.User.DisabledAt.IsZero() {
			t.Fatalf("a disabled user: %+v", a)
		}
		visa := must[[]*haven.Account](t)(e.app.Accounts.FindAccounts(e.ctx, e.admin, e.orgs[haven.OrgVisaOffice].ID))
		for _, a := range visa {
			if a.User.OrgID != e.orgs[haven.OrgVisaOffice].ID {
				t.Fatalf("the visa office's accounts include %+v", a.User)
			}
		}
		if len(visa) != 4 {
			t.Fatalf("%d visa office accounts, want 4", len(visa))
		}
		_, err := e.app.Accounts.FindAccounts(e.ctx, e.admin, "org_missing")
		wantCode(t, err, haven.EINVALID)
		for _, who := range []haven.Actor{e.visa, e.settlement, e.unhcr} {
			_, err := e.app.Accounts.FindAccounts(e.ctx, who, "")
			wantCode(t, err, haven.EFORBIDDEN)
		}
	})
}
