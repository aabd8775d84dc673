package auth_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/havenhrd/haven"
	"github.com/havenhrd/haven/internal/auth"
	"github.com/havenhrd/haven/internal/auth/authtest"
)

const (
	rpID   = "haven.example.org"
	origin = "https://haven.example.org"
)

func MustPasskeys(tb testing.TB) *auth.Passkeys {
	tb.Helper()
	p, err := auth.NewPasskeys(auth.PasskeyConfig{RPID: rpID, RPDisplayName: "Haven", Origins: []string{origin}})
	if err != nil {
		tb.Fatal(err)
	}
	return p
}

func newUser(name string) auth.PasskeyUser {
	return auth.PasskeyUser{Handle: auth.NewUserHandle(), Name: name, DisplayName: strings.ToUpper(name)}
}

// MustRegister registers a new passkey on a for u and returns u with it.
func MustRegister(tb testing.TB, p *auth.Passkeys, a *authtest.Authenticator, u auth.PasskeyUser) auth.PasskeyUser {
	tb.Helper()
	options, session, err := p.BeginRegistration(u)
	if err != nil {
		tb.Fatal(err)
	}
	resp, err := a.Create(options, authtest.Options{Origin: origin})
	if err != nil {
		tb.Fatal(err)
	}
	k, err := p.FinishRegistration(u, session, bytes.NewReader(resp))
	if err != nil {
		tb.Fatal(err)
	}
	u.Passkeys = append(u.Passkeys, k)
	return u
}

// login runs one sign-in of u with a, answering with o.
func login(tb testing.TB, p *auth.Passkeys, a *authtest.Authenticator, u auth.PasskeyUser, o authtest.Options) (auth.Passkey, error) {
	tb.Helper()
	options, session, err := p.BeginLogin(u)
	if err != nil {
		tb.Fatal(err)
	}
	resp, err := a.Get(options, o)
	if err != nil {
		tb.Fatal(err)
	}
	return p.FinishLogin(u, session, bytes.NewReader(resp))
}

func TestPasskeyRoundTrip(t *testing.T) {
	p := MustPasskeys(t)
	a := authtest.New()
	u := newUser("mariam.k")

	options, session, err := p.BeginRegistration(u)
	if err != nil {
		t.Fatal(err)
	}
	var creation struct {
		PublicKey struct {
			RP                     struct{ ID, Name string }
			User                   struct{ Name, DisplayName string }
			Attestation            string
			AuthenticatorSelection struct {
				UserVerification string
				ResidentKey      string
			}
		}
	}
	if err := json.Unmarshal(options, &creation); err != nil {
		t.Fatal(err)
	}
	if c := creation.PublicKey; c.RP.ID != rpID || c.RP.Name != "Haven" || c.User.Name != "mariam.k" ||
		c.AuthenticatorSelection.UserVerification != "required" || c.Attestation != "none" {
		t.Errorf("creation options %s", options)
	}
	resp, err := a.Create(options, authtest.Options{Origin: origin})
	if err != nil {
		t.Fatal(err)
	}
	k, err := p.FinishRegistration(u, session, bytes.NewReader(resp))
	if err != nil {
		t.Fatalf("FinishRegistration: %v", err)
	}
	held := a.Credentials()[0]
	if !bytes.Equal(k.ID, held.ID) || !bytes.Equal(held.UserHandle, u.Handle) || len(k.PublicKey) == 0 ||
		!k.UserPresent || !k.UserVerified || k.BackupEligible || k.SignCount != 0 ||
		!bytes.Equal(k.AAGUID, a.AAGUID[:]) || k.AttestationFormat != "none" {
		t.Errorf("registered passkey %+v", k)
	}

	// The passkey survives storage as JSON.
	stored, err := json.Marshal(k)
	if err != nil {
		t.Fatal(err)
	}
	var loaded auth.Passkey
	if err := json.Unmarshal(stored, &loaded); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(loaded, k) {
		t.Fatalf("JSON round trip: %+v, want %+v", loaded, k)
	}
	u.Passkeys = []auth.Passkey{loaded}

	options, session, err = p.BeginLogin(u)
	if err != nil {
		t.Fatal(err)
	}
	var request struct {
		PublicKey struct {
			RPID             string
			UserVerification string
			AllowCredentials []struct{ ID string }
		}
	}
	if err := json.Unmarshal(options, &request); err != nil {
		t.Fatal(err)
	}
	if r := request.PublicKey; r.RPID != rpID || r.UserVerification != "required" || len(r.AllowCredentials) != 1 {
		t.Errorf("request options %s", options)
	}
	resp, err = a.Get(options, authtest.Options{Origin: origin})
	if err != nil {
		t.Fatal(err)
	}
	updated, err := p.FinishLogin(u, session, bytes.NewReader(resp))
	if err != nil {
		t.Fatalf("FinishLogin: %v", err)
	}
	if !bytes.Equal(updated.ID, k.ID) || updated.SignCount != 1 {
		t.Errorf("after sign-in: %+v, want the same passkey with counter 1", updated)
	}

	// A second sign-in with the stored counter.
	u.Passkeys = []auth.Passkey{updated}
	if again, err := login(t, p, a, u, authtest.Options{Origin: origin}); err != nil || again.SignCount != 2 {
		t.Errorf("second sign-in: %+v, %v", again, err)
	}
}

func TestPasskeyRegistrationRefused(t *testing.T) {
	p := MustPasskeys(t)
	alice, bob := newUser("alice"), newUser("bob")
	tests := []struct {
		name string
		o    authtest.Options
		user auth.PasskeyUser // who finishes; alice began
		why  string           // in go-webauthn's reason, to be sure of the cause
	}{
		{"another origin", authtest.Options{Origin: "https://evil.example"}, alice, "origin"},
		{"a subdomain not listed", authtest.Options{Origin: "https://www.haven.example.org"}, alice, "origin"},
		{"http", authtest.Options{Origin: "http://haven.example.org"}, alice, "origin"},
		{"another RP ID", authtest.Options{Origin: origin, RPID: "evil.example"}, alice, "RP Hash mismatch"},
		{"another challenge", authtest.Options{Origin: origin, Challenge: bytes.Repeat([]byte{7}, 32)}, alice, "challenge"},
		{"no user verification", authtest.Options{Origin: origin, NoUserVerification: true}, alice, "User verification required"},
		{"a sign-in response", authtest.Options{Origin: origin, Type: "webauthn.get"}, alice, "ceremony type"},
		{"finished for another user", authtest.Options{Origin: origin}, bob, "ID mismatch"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			options, session, err := p.BeginRegistration(alice)
			if err != nil {
				t.Fatal(err)
			}
			resp, err := authtest.New().Create(options, tt.o)
			if err != nil {
				t.Fatal(err)
			}
			_, err = p.FinishRegistration(tt.user, session, bytes.NewReader(resp))
			if haven.ErrorCodeOf(err) != haven.EUNAUTHORIZED || !strings.Contains(err.Error(), tt.why) {
				t.Fatalf("FinishRegistration: %v, want unauthorized for %q", err, tt.why)
			}
		})
	}
}

func TestPasskeyRegistrationBadInput(t *testing.T) {
	p := MustPasskeys(t)
	u := newUser("alice")
	options, session, err := p.BeginRegistration(u)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := authtest.New().Create(options, authtest.Options{Origin: origin})
	if err != nil {
		t.Fatal(err)
	}
	_, loginSession, err := p.BeginLogin(MustRegister(t, p, authtest.New(), u))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name          string
		session, body []byte
		want          haven.ErrorCode
	}{
		{"garbage body", session, []byte("{not json"), haven.EINVALID},
		{"empty body", session, nil, haven.EINVALID},
		{"oversized body", session, append(resp[:len(resp)-1], []byte(`,"x":"`+strings.Repeat("a", 70<<10)+`"}`)...), haven.EINVALID},
		{"garbage session", []byte("{}"), resp, haven.EINTERNAL},
		{"no session", nil, resp, haven.EINTERNAL},
		{"login session", loginSession, resp, haven.EINTERNAL},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := p.FinishRegistration(u, tt.session, bytes.NewReader(tt.body))
			if haven.ErrorCodeOf(err) != tt.want {
				t.Fatalf("FinishRegistration: %v, want %q", err, tt.want)
			}
		})
	}
}

func TestPasskeyExcludesRegisteredAuthenticator(t *testing.T) {
	p := MustPasskeys(t)
	a := authtest.New()
	u := MustRegister(t, p, a, newUser("alice"))
	options, _, err := p.BeginRegistration(u)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.Create(options, authtest.Options{Origin: origin}); !errors.Is(err, authtest.ErrExcluded) {
		t.Errorf("registering the same authenticator again: %v, want ErrExcluded", err)
	}
}

func TestPasskeyLoginRefused(t *testing.T) {
	p := MustPasskeys(t)
	a := authtest.New() // holds both users' credentials, like a shared computer
	alice := MustRegister(t, p, a, newUser("alice"))
	bob := MustRegister(t, p, a, newUser("bob"))
	zero := uint32(0)
	tests := []struct {
		name  string
		o     authtest.Options
		why   string // in the error, to be sure of the cause
		cause error
	}{
		{"another origin", authtest.Options{Origin: "https://evil.example"}, "origin", nil},
		{"a look-alike origin", authtest.Options{Origin: "https://haven.example.org.evil.example"}, "origin", nil},
		{"another RP ID", authtest.Options{Origin: origin, RPID: "evil.example"}, "RP Hash mismatch", nil},
		{"another challenge", authtest.Options{Origin: origin, Challenge: bytes.Repeat([]byte{7}, 32)}, "challenge", nil},
		{"no user verification", authtest.Options{Origin: origin, NoUserVerification: true}, "User verification required", nil},
		{"a registration response type", authtest.Options{Origin: origin, Type: "webauthn.create"}, "ceremony type", nil},
		{"another user's passkey", authtest.Options{Origin: origin, CredentialID: bob.Passkeys[0].ID}, "not owned by the user", nil},
		{"signature counter went back", authtest.Options{Origin: origin, SignCount: &zero}, "counter", auth.ErrPasskeyCloned},
	}
	// Start alice's counter at 1 with one good sign-in, so that 0 is a
	// step back.
	k, err := login(t, p, a, alice, authtest.Options{Origin: origin})
	if err != nil {
		t.Fatal(err)
	}
	alice.Passkeys = []auth.Passkey{k}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := login(t, p, a, alice, tt.o)
			if haven.ErrorCodeOf(err) != haven.EUNAUTHORIZED || !strings.Contains(err.Error(), tt.why) {
				t.Fatalf("FinishLogin: %v, want unauthorized for %q", err, tt.why)
			}
			if tt.cause != nil && !errors.Is(err, tt.cause) {
				t.Errorf("cause %v, want %v", err, tt.cause)
			}
			if haven.ErrorMessageOf(err) != "the passkey could not be verified" {
				t.Errorf("user message %q tells more than that it failed", haven.ErrorMessageOf(err))
			}
		})
	}
}

func TestPasskeyLoginReplay(t *testing.T) {
	// go-webauthn's behaviour (v0.18.2): ValidateLogin does not fail when
	// the signature counter does not increase; it sets CloneWarning and
	// keeps the stored count. FinishLogin refuses such an assertion
	// (ErrPasskeyCloned). So a replayed response, checked against the
	// passkey as stored after its first use, is refused even with the same
	// session.
	p := MustPasskeys(t)
	a := authtest.New()
	u := MustRegister(t, p, a, newUser("alice"))
	options, session, err := p.BeginLogin(u)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := a.Get(options, authtest.Options{Origin: origin})
	if err != nil {
		t.Fatal(err)
	}
	k, err := p.FinishLogin(u, session, bytes.NewReader(resp))
	if err != nil {
		t.Fatal(err)
	}
	u.Passkeys = []auth.Passkey{k}
	if _, err := p.FinishLogin(u, session, bytes.NewReader(resp)); !errors.Is(err, auth.ErrPasskeyCloned) {
		t.Errorf("replayed assertion: %v, want ErrPasskeyCloned", err)
	}
	// The same response against a new session fails on the challenge.
	_, session2, err := p.BeginLogin(u)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.FinishLogin(u, session2, bytes.NewReader(resp)); haven.ErrorCodeOf(err) != haven.EUNAUTHORIZED {
		t.Errorf("replayed assertion, new session: %v, want unauthorized", err)
	}
}

func TestPasskeyZeroCounter(t *testing.T) {
	// Synced passkeys report a counter of 0 always; go-webauthn (and so
	// FinishLogin) accepts that, since a counter that is 0 on both sides
	// is "not supported", not a clone signal. Then nothing in the
	// assertion stops a replay within one session: the app must delete the
	// ceremony session before calling FinishLogin (single use), which this
	// test shows is necessary.
	p := MustPasskeys(t)
	a := authtest.New()
	a.ZeroCounter, a.BackupEligible, a.BackupState = true, true, true
	u := MustRegister(t, p, a, newUser("alice"))
	if k := u.Passkeys[0]; !k.BackupEligible || !k.BackupState {
		t.Errorf("synced passkey flags %+v", k)
	}
	options, session, err := p.BeginLogin(u)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := a.Get(options, authtest.Options{Origin: origin})
	if err != nil {
		t.Fatal(err)
	}
	for i := range 2 {
		k, err := p.FinishLogin(u, session, bytes.NewReader(resp))
		if err != nil || k.SignCount != 0 {
			t.Fatalf("sign-in %d with a zero counter: %+v, %v", i, k, err)
		}
	}
}

func TestPasskeyBackupEligibilityCannotChange(t *testing.T) {
	p := MustPasskeys(t)
	a := authtest.New()
	u := MustRegister(t, p, a, newUser("alice"))
	a.BackupEligible = true // the same credential now claims to be syncable
	if _, err := login(t, p, a, u, authtest.Options{Origin: origin}); haven.ErrorCodeOf(err) != haven.EUNAUTHORIZED {
		t.Errorf("BE flag changed: %v, want unauthorized", err)
	}
}

func TestPasskeySessionExpires(t *testing.T) {
	p, err := auth.NewPasskeys(auth.PasskeyConfig{RPID: rpID, RPDisplayName: "Haven", Origins: []string{origin}, Timeout: 50 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	a := authtest.New()
	u := MustRegister(t, p, a, newUser("alice"))
	options, session, err := p.BeginLogin(u)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := a.Get(options, authtest.Options{Origin: origin})
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(100 * time.Millisecond)
	if _, err := p.FinishLogin(u, session, bytes.NewReader(resp)); haven.ErrorCodeOf(err) != haven.EUNAUTHORIZED {
		t.Errorf("expired session: %v, want unauthorized", err)
	}
}

func TestPasskeyLoginSessionIsBound(t *testing.T) {
	p := MustPasskeys(t)
	a := authtest.New()
	alice := MustRegister(t, p, a, newUser("alice"))
	bob := MustRegister(t, p, a, newUser("bob"))
	// A session begun for alice cannot sign bob in, even with bob's own
	// passkey.
	options, session, err := p.BeginLogin(alice)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := a.Get(options, authtest.Options{Origin: origin, CredentialID: bob.Passkeys[0].ID})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.FinishLogin(bob, session, bytes.NewReader(resp)); haven.ErrorCodeOf(err) != haven.EUNAUTHORIZED {
		t.Errorf("alice's session finished by bob: %v, want unauthorized", err)
	}
	// A registration session cannot finish a sign-in.
	_, regSession, err := p.BeginRegistration(alice)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.FinishLogin(alice, regSession, bytes.NewReader(resp)); !errors.Is(err, auth.ErrPasskeySession) {
		t.Errorf("registration session used for sign-in: %v, want ErrPasskeySession", err)
	}
}

func TestPasskeyDiscoverableLogin(t *testing.T) {
	p := MustPasskeys(t)
	a := authtest.New()
	alice := MustRegister(t, p, a, newUser("alice"))
	bob := MustRegister(t, p, authtest.New(), newUser("bob"))
	users := map[string]auth.PasskeyUser{string(alice.Handle): alice, string(bob.Handle): bob}
	find := func(handle []byte) (auth.PasskeyUser, error) {
		u, ok := users[string(handle)]
		if !ok {
			return auth.PasskeyUser{}, errors.New("no such user")
		}
		return u, nil
	}

	options, session, err := p.BeginDiscoverableLogin()
	if err != nil {
		t.Fatal(err)
	}
	resp, err := a.Get(options, authtest.Options{Origin: origin})
	if err != nil {
		t.Fatal(err)
	}
	u, k, err := p.FinishDiscoverableLogin(session, bytes.NewReader(resp), find)
	if err != nil {
		t.Fatalf("FinishDiscoverableLogin: %v", err)
	}
	if u.Name != "alice" || !bytes.Equal(k.ID, alice.Passkeys[0].ID) || k.SignCount != 1 {
		t.Errorf("signed in %q with %+v", u.Name, k)
	}

	tests := []struct {
		name string
		find func([]byte) (auth.PasskeyUser, error)
		o    authtest.Options
	}{
		{"unknown user", func([]byte) (auth.PasskeyUser, error) { return auth.PasskeyUser{}, errors.New("no such user") }, authtest.Options{Origin: origin}},
		{"find returns another user", func([]byte) (auth.PasskeyUser, error) { return bob, nil }, authtest.Options{Origin: origin}},
		{"another origin", find, authtest.Options{Origin: "https://evil.example"}},
		{"another challenge", find, authtest.Options{Origin: origin, Challenge: bytes.Repeat([]byte{7}, 32)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			options, session, err := p.BeginDiscoverableLogin()
			if err != nil {
				t.Fatal(err)
			}
			resp, err := a.Get(options, tt.o)
			if err != nil {
				t.Fatal(err)
			}
			if _, _, err := p.FinishDiscoverableLogin(session, bytes.NewReader(resp), tt.find); haven.ErrorCodeOf(err) != haven.EUNAUTHORIZED {
				t.Fatalf("FinishDiscoverableLogin: %v, want unauthorized", err)
			}
		})
	}
}

func TestPasskeyBadArguments(t *testing.T) {
	for _, cfg := range []auth.PasskeyConfig{
		{},
		{RPID: rpID, RPDisplayName: "Haven"},
		{RPID: rpID, Origins: []string{origin}},
		{RPDisplayName: "Haven", Origins: []string{origin}},
		{RPID: "https://haven.example.org", RPDisplayName: "Haven", Origins: []string{origin}},
		{RPID: rpID, RPDisplayName: "Haven", Origins: []string{"http://haven.example.org"}},
		{RPID: rpID, RPDisplayName: "Haven", Origins: []string{"https://haven.example.org/login"}},
		{RPID: rpID, RPDisplayName: "Haven", Origins: []string{"haven.example.org"}},
		{RPID: rpID, RPDisplayName: "Haven", Origins: []string{""}},
	} {
		if _, err := auth.NewPasskeys(cfg); haven.ErrorCodeOf(err) != haven.EINVALID {
			t.Errorf("NewPasskeys(%+v): %v, want EINVALID", cfg, err)
		}
	}
	if _, err := auth.NewPasskeys(auth.PasskeyConfig{RPID: "localhost", RPDisplayName: "Haven", Origins: []string{"http://localhost:8080"}}); err != nil {
		t.Errorf("development configuration on localhost: %v", err)
	}
	p := MustPasskeys(t)
	if _, _, err := p.BeginRegistration(auth.PasskeyUser{Name: "alice"}); haven.ErrorCodeOf(err) != haven.EINVALID {
		t.Errorf("no handle: %v, want EINVALID", err)
	}
	if _, _, err := p.BeginRegistration(auth.PasskeyUser{Handle: make([]byte, 65), Name: "alice"}); haven.ErrorCodeOf(err) != haven.EINVALID {
		t.Errorf("65-byte handle: %v, want EINVALID", err)
	}
	if _, _, err := p.BeginLogin(newUser("alice")); haven.ErrorCodeOf(err) != haven.ENOTFOUND {
		t.Errorf("no passkeys: %v, want ENOTFOUND", err)
	}
	if h := auth.NewUserHandle(); len(h) != 64 || bytes.Equal(h, auth.NewUserHandle()) {
		t.Error("NewUserHandle: want 64 random bytes")
	}
}
