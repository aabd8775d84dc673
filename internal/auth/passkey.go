package auth

import (
	"bytes"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"time"

	"github.com/go-webauthn/webauthn/protocol"
	"github.com/go-webauthn/webauthn/webauthn"

	"github.com/havenhrd/haven"
)

// DefaultPasskeyTimeout is how long a passkey ceremony may take, between
// its Begin and its Finish, unless configured otherwise.
const DefaultPasskeyTimeout = 5 * time.Minute

// maxPasskeyResponse caps the browser's JSON response read by Finish*:
// real ones are a few kilobytes.
const maxPasskeyResponse = 64 << 10

// userHandleBytes is the size of a WebAuthn user handle: 64 random bytes,
// as the WebAuthn specification recommends.
const userHandleBytes = 64

// Causes of the errors of the passkey ceremonies, found with errors.Is.
var (
	// ErrPasskeyCloned: the authenticator's signature counter did not
	// increase, so the credential's private key may have been copied (or an
	// assertion replayed). The app should flag the passkey for review.
	ErrPasskeyCloned = errors.New("auth: passkey signature counter did not increase")
	// ErrPasskeySession: the stored ceremony session is malformed or is for
	// another kind of ceremony.
	ErrPasskeySession = errors.New("auth: passkey ceremony session invalid")
)

// PasskeyConfig configures Passkeys.
type PasskeyConfig struct {
	// RPID is the relying party ID: Haven's domain, such as
	// "haven.example.org". Passkeys work only on it and its subdomains.
	RPID string
	// RPDisplayName is the name authenticators show, such as "Haven".
	RPDisplayName string
	// Origins are the exact origins the browser may report, such as
	// "https://haven.example.org": https, or http on localhost for
	// development.
	Origins []string
	// Timeout bounds each ceremony, enforced on the server as well. Zero
	// means DefaultPasskeyTimeout.
	Timeout time.Duration
}

// Passkeys runs WebAuthn registration and sign-in ceremonies with
// github.com/go-webauthn/webauthn. It requires user verification (PIN or
// biometrics on the authenticator) for both, asks for no attestation, and
// prefers discoverable credentials so that users can sign in without typing
// a username. Its methods are safe for concurrent use.
//
// A ceremony is two calls. Begin* returns the options to send to the
// browser (JSON for navigator.credentials.create or .get) and a session to
// keep on the server, bound to the browser's pre-authentication session and
// deleted when Finish* is called, whatever its outcome: a session is good
// for one attempt. Finish* takes that session and the browser's JSON
// response.
type Passkeys struct {
	wa *webauthn.WebAuthn
}

// NewPasskeys returns Passkeys configured by cfg. It returns EINVALID when
// the RP ID, display name or origins are missing or malformed.
func NewPasskeys(cfg PasskeyConfig) (*Passkeys, error) {
	const op = "auth.NewPasskeys"
	if cfg.RPID == "" || cfg.RPDisplayName == "" || len(cfg.Origins) == 0 {
		return nil, haven.Errorf(haven.EINVALID, op, "the relying party ID, display name and origins are required")
	}
	for _, o := range cfg.Origins {
		if !validOrigin(o) {
			return nil, haven.Errorf(haven.EINVALID, op, "origin %q is not an https origin (or http on localhost)", o)
		}
	}
	if cfg.Timeout == 0 {
		cfg.Timeout = DefaultPasskeyTimeout
	}
	timeout := webauthn.TimeoutConfig{Enforce: true, Timeout: cfg.Timeout, TimeoutUVD: cfg.Timeout}
	wa, err := webauthn.New(&webauthn.Config{
		RPID:                  cfg.RPID,
		RPDisplayName:         cfg.RPDisplayName,
		RPOrigins:             append([]string(nil), cfg.Origins...),
		AttestationPreference: protocol.PreferNoAttestation,
		AuthenticatorSelection: protocol.AuthenticatorSelection{
			ResidentKey:      protocol.ResidentKeyRequirementPreferred,
			UserVerification: protocol.VerificationRequired,
		},
		Timeouts: webauthn.TimeoutsConfig{Login: timeout, Registration: timeout},
	})
	if err != nil {
		return nil, &haven.Error{Code: haven.EINVALID, Op: op, Message: "invalid passkey configuration", Err: err}
	}
	return &Passkeys{wa: wa}, nil
}

// NewUserHandle returns a new WebAuthn user handle: 64 random bytes, to
// create once per user and store with the account. It is sent to
// authenticators, so it must not be derived from the username or any
// personal data.
func NewUserHandle() []byte {
	b := make([]byte, userHandleBytes)
	rand.Read(b)
	return b
}

// PasskeyUser is a user as the passkey ceremonies see them.
type PasskeyUser struct {
	// Handle is the user's WebAuthn user handle (NewUserHandle).
	Handle []byte
	// Name is shown by authenticators to tell accounts apart: the username.
	Name string
	// DisplayName is shown by authenticators next to Name.
	DisplayName string
	// Passkeys are the user's registered passkeys.
	Passkeys []Passkey
}

// Passkey is a registered WebAuthn credential, as stored. It holds no
// secret, but an attacker who could add or change one could sign in: store
// it where only Haven writes, and its ID and public key are enough to
// identify the user's devices, so treat it as personal data.
type Passkey struct {
	// ID is the credential ID; it is unique across users.
	ID []byte `json:"id"`
	// PublicKey is the credential's public key, COSE-encoded.
	PublicKey []byte `json:"publicKey"`
	// AttestationType and AttestationFormat are as the authenticator
	// reported them ("none" here: Haven asks for no attestation).
	AttestationType   string `json:"attestationType,omitempty"`
	AttestationFormat string `json:"attestationFormat,omitempty"`
	// Transports are how the browser can reach the authenticator
	// ("internal", "hybrid", "usb", ...).
	Transports []string `json:"transports,omitempty"`
	// AAGUID identifies the authenticator's model (zero for many).
	AAGUID []byte `json:"aaguid,omitempty"`
	// SignCount is the authenticator's signature counter, checked and
	// updated at each sign-in; 0 for authenticators without one.
	SignCount uint32 `json:"signCount"`
	// Attachment is "platform" or "cross-platform", when reported.
	Attachment string `json:"attachment,omitempty"`
	// The authenticator data flags: user present, user verified (at
	// registration), backup eligible (a synced passkey; never changes) and
	// backed up (may change; updated at each sign-in).
	UserPresent    bool `json:"userPresent"`
	UserVerified   bool `json:"userVerified"`
	BackupEligible bool `json:"backupEligible"`
	BackupState    bool `json:"backupState"`
}

// BeginRegistration starts registering a new passkey for u. It returns the
// options for navigator.credentials.create, which exclude u's existing
// passkeys, and the session to keep on the server for FinishRegistration.
// Only a signed-in user, recently re-authenticated, may register a passkey:
// the caller checks that.
func (p *Passkeys) BeginRegistration(u PasskeyUser) (options, session []byte, err error) {
	const op = "auth.Passkeys.BeginRegistration"
	if err := checkUser(u); err != nil {
		return nil, nil, haven.Errorf(haven.EINVALID, op, "%s", err)
	}
	user := passkeyUser(u)
	exclude := webauthn.Credentials(user.creds).CredentialDescriptors()
	creation, data, err := p.wa.BeginRegistration(user, webauthn.WithExclusions(exclude))
	if err != nil {
		return nil, nil, haven.Internal(op, err)
	}
	return p.encode(op, creation, kindRegistration, data)
}

// FinishRegistration verifies the browser's response (the JSON of the
// PublicKeyCredential, read from response, at most 64 KiB) against session
// and returns the new passkey to store for u. It returns EUNAUTHORIZED when
// the response does not verify: wrong challenge, origin or RP ID, no user
// verification, expired session, a response for another user; EINVALID
// when it is not a well-formed response; EINTERNAL when session is
// malformed.
func (p *Passkeys) FinishRegistration(u PasskeyUser, session []byte, response io.Reader) (Passkey, error) {
	const op = "auth.Passkeys.FinishRegistration"
	data, err := decodeSession(session, kindRegistration)
	if err != nil {
		return Passkey{}, haven.Internal(op, err)
	}
	body, err := readResponse(response)
	if err != nil {
		return Passkey{}, &haven.Error{Code: haven.EINVALID, Op: op, Message: "the passkey response is not valid", Err: err}
	}
	parsed, err := protocol.ParseCredentialCreationResponseBytes(body)
	if err != nil {
		return Passkey{}, &haven.Error{Code: haven.EINVALID, Op: op, Message: "the passkey response is not valid", Err: detailed(err)}
	}
	cred, err := p.wa.CreateCredential(passkeyUser(u), data, parsed)
	if err != nil {
		return Passkey{}, notVerified(op, err)
	}
	return passkeyOf(cred), nil
}

// BeginLogin starts signing u in with one of u's passkeys (a second step
// after the username, or a second factor). It returns ENOTFOUND when u has
// no passkey; the caller must not let that tell an anonymous visitor whether
// the account exists.
func (p *Passkeys) BeginLogin(u PasskeyUser) (options, session []byte, err error) {
	const op = "auth.Passkeys.BeginLogin"
	if err := checkUser(u); err != nil {
		return nil, nil, haven.Errorf(haven.EINVALID, op, "%s", err)
	}
	if len(u.Passkeys) == 0 {
		return nil, nil, haven.Errorf(haven.ENOTFOUND, op, "no passkey is registered for this account")
	}
	assertion, data, err := p.wa.BeginLogin(passkeyUser(u), webauthn.WithUserVerification(protocol.VerificationRequired))
	if err != nil {
		return nil, nil, haven.Internal(op, err)
	}
	return p.encode(op, assertion, kindLogin, data)
}

// FinishLogin verifies the browser's response against session and u's
// passkeys, and returns the passkey used, with its signature counter and
// backup state updated: the caller stores them in the same transaction that
// signs u in. It returns EUNAUTHORIZED when the response does not verify:
// a passkey that is not u's, wrong challenge, origin or RP ID, no user
// verification, expired session, and (cause ErrPasskeyCloned) a signature
// counter that did not increase; EINVALID when it is not a well-formed
// response; EINTERNAL when session is malformed.
func (p *Passkeys) FinishLogin(u PasskeyUser, session []byte, response io.Reader) (Passkey, error) {
	const op = "auth.Passkeys.FinishLogin"
	data, err := decodeSession(session, kindLogin)
	if err != nil {
		return Passkey{}, haven.Internal(op, err)
	}
	parsed, err := parseAssertion(response)
	if err != nil {
		return Passkey{}, &haven.Error{Code: haven.EINVALID, Op: op, Message: "the passkey response is not valid", Err: err}
	}
	cred, err := p.wa.ValidateLogin(passkeyUser(u), data, parsed)
	return loginResult(op, cred, err)
}

// BeginDiscoverableLogin starts a sign-in where the user picks a passkey
// without typing a username.
func (p *Passkeys) BeginDiscoverableLogin() (options, session []byte, err error) {
	const op = "auth.Passkeys.BeginDiscoverableLogin"
	assertion, data, err := p.wa.BeginDiscoverableLogin(webauthn.WithUserVerification(protocol.VerificationRequired))
	if err != nil {
		return nil, nil, haven.Internal(op, err)
	}
	return p.encode(op, assertion, kindDiscoverable, data)
}

// FinishDiscoverableLogin verifies the browser's response to a discoverable
// sign-in. find returns the user whose handle the authenticator reported
// (an error when there is none), and FinishDiscoverableLogin then checks the
// passkey is one of theirs, as FinishLogin does. It returns that user and
// the updated passkey, and the errors of FinishLogin.
func (p *Passkeys) FinishDiscoverableLogin(session []byte, response io.Reader, find func(handle []byte) (PasskeyUser, error)) (PasskeyUser, Passkey, error) {
	const op = "auth.Passkeys.FinishDiscoverableLogin"
	data, err := decodeSession(session, kindDiscoverable)
	if err != nil {
		return PasskeyUser{}, Passkey{}, haven.Internal(op, err)
	}
	parsed, err := parseAssertion(response)
	if err != nil {
		return PasskeyUser{}, Passkey{}, &haven.Error{Code: haven.EINVALID, Op: op, Message: "the passkey response is not valid", Err: err}
	}
	var found PasskeyUser
	handler := func(_, userHandle []byte) (webauthn.User, error) {
		u, err := find(userHandle)
		if err != nil {
			return nil, err
		}
		if !bytes.Equal(u.Handle, userHandle) {
			return nil, errors.New("find returned a user with another handle")
		}
		found = u
		return passkeyUser(u), nil
	}
	_, cred, err := p.wa.ValidatePasskeyLogin(handler, data, parsed)
	k, err := loginResult(op, cred, err)
	if err != nil {
		return PasskeyUser{}, Passkey{}, err
	}
	return found, k, nil
}

// loginResult turns go-webauthn's result into FinishLogin's. go-webauthn
// does not fail a sign-in whose signature counter did not increase (it sets
// CloneWarning and keeps the stored count); Haven refuses it.
func loginResult(op string, cred *webauthn.Credential, err error) (Passkey, error) {
	if err != nil {
		return Passkey{}, notVerified(op, err)
	}
	if cred.Authenticator.CloneWarning {
		return Passkey{}, &haven.Error{Code: haven.EUNAUTHORIZED, Op: op, Message: "the passkey could not be verified", Err: ErrPasskeyCloned}
	}
	return passkeyOf(cred), nil
}

// Ceremony kinds, recorded in the session so that a session of one kind
// cannot finish another.
const (
	kindRegistration = "registration"
	kindLogin        = "login"
	kindDiscoverable = "discoverable-login"
)

// ceremony is the session data Begin* returns, as JSON.
type ceremony struct {
	Kind string               `json:"kind"`
	Data webauthn.SessionData `json:"data"`
}

func (p *Passkeys) encode(op string, options any, kind string, data *webauthn.SessionData) ([]byte, []byte, error) {
	opts, err := json.Marshal(options)
	if err != nil {
		return nil, nil, haven.Internal(op, err)
	}
	sess, err := json.Marshal(ceremony{Kind: kind, Data: *data})
	if err != nil {
		return nil, nil, haven.Internal(op, err)
	}
	return opts, sess, nil
}

func decodeSession(session []byte, kind string) (webauthn.SessionData, error) {
	var c ceremony
	dec := json.NewDecoder(bytes.NewReader(session))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&c); err != nil {
		return webauthn.SessionData{}, fmt.Errorf("%w: %v", ErrPasskeySession, err)
	}
	if c.Kind != kind {
		return webauthn.SessionData{}, fmt.Errorf("%w: a %q session, not %q", ErrPasskeySession, c.Kind, kind)
	}
	if c.Data.Challenge == "" || c.Data.Expires.IsZero() {
		return webauthn.SessionData{}, fmt.Errorf("%w: no challenge or expiry", ErrPasskeySession)
	}
	return c.Data, nil
}

func readResponse(r io.Reader) ([]byte, error) {
	body, err := io.ReadAll(io.LimitReader(r, maxPasskeyResponse+1))
	if err != nil {
		return nil, err
	}
	if len(body) > maxPasskeyResponse {
		return nil, errors.New("passkey response too large")
	}
	return body, nil
}

func parseAssertion(r io.Reader) (*protocol.ParsedCredentialAssertionData, error) {
	body, err := readResponse(r)
	if err != nil {
		return nil, err
	}
	parsed, err := protocol.ParseCredentialRequestResponseBytes(body)
	if err != nil {
		return nil, detailed(err)
	}
	return parsed, nil
}

// notVerified wraps a ceremony failure: the user learns only that it failed,
// the log gets go-webauthn's details.
func notVerified(op string, err error) error {
	return &haven.Error{Code: haven.EUNAUTHORIZED, Op: op, Message: "the passkey could not be verified", Err: detailed(err)}
}

// detailed adds go-webauthn's developer information, which its Error method
// leaves out, to err.
func detailed(err error) error {
	var pe *protocol.Error
	if errors.As(err, &pe) && pe.DevInfo != "" {
		return fmt.Errorf("%w (%s)", err, pe.DevInfo)
	}
	return err
}

// validOrigin reports whether o is a bare web origin, scheme://host[:port]
// with nothing after it, served over https (or http on the loopback
// interface, for development).
func validOrigin(o string) bool {
	u, err := url.Parse(o)
	if err != nil || u.Host == "" || u.User != nil || u.Path != "" || u.RawQuery != "" || u.Fragment != "" || u.Opaque != "" {
		return false
	}
	switch u.Scheme {
	case "https":
		return true
	case "http":
		h := u.Hostname()
		return h == "localhost" || h == "127.0.0.1" || h == "::1"
	}
	return false
}

func checkUser(u PasskeyUser) error {
	switch {
	case len(u.Handle) == 0 || len(u.Handle) > userHandleBytes:
		return errors.New("the user handle must be 1 to 64 bytes")
	case u.Name == "":
		return errors.New("the user name is required")
	}
	return nil
}

// webauthnUser adapts a PasskeyUser to webauthn.User.
type webauthnUser struct {
	u     PasskeyUser
	creds []webauthn.Credential
}

func passkeyUser(u PasskeyUser) *webauthnUser {
	w := &webauthnUser{u: u}
	for _, k := range u.Passkeys {
		w.creds = append(w.creds, k.credential())
	}
	return w
}

func (w *webauthnUser) WebAuthnID() []byte                         { return w.u.Handle }
func (w *webauthnUser) WebAuthnName() string                       { return w.u.Name }
func (w *webauthnUser) WebAuthnDisplayName() string                { return w.u.DisplayName }
func (w *webauthnUser) WebAuthnCredentials() []webauthn.Credential { return w.creds }

// The authenticator data flag bits (WebAuthn §6.1).
const (
	flagUP = protocol.FlagUserPresent
	flagUV = protocol.FlagUserVerified
	flagBE = protocol.FlagBackupEligible
	flagBS = protocol.FlagBackupState
)

func (k Passkey) credential() webauthn.Credential {
	var flags protocol.AuthenticatorFlags
	for _, f := range []struct {
		on  bool
		bit protocol.AuthenticatorFlags
	}{{k.UserPresent, flagUP}, {k.UserVerified, flagUV}, {k.BackupEligible, flagBE}, {k.BackupState, flagBS}} {
		if f.on {
			flags |= f.bit
		}
	}
	var transports []protocol.AuthenticatorTransport
	for _, t := range k.Transports {
		transports = append(transports, protocol.AuthenticatorTransport(t))
	}
	return webauthn.Credential{
		ID:                k.ID,
		PublicKey:         k.PublicKey,
		AttestationType:   k.AttestationType,
		AttestationFormat: k.AttestationFormat,
		Transport:         transports,
		Flags:             webauthn.NewCredentialFlags(flags),
		Authenticator: webauthn.Authenticator{
			AAGUID:     k.AAGUID,
			SignCount:  k.SignCount,
			Attachment: protocol.AuthenticatorAttachment(k.Attachment),
		},
	}
}

func passkeyOf(c *webauthn.Credential) Passkey {
	var transports []string
	for _, t := range c.Transport {
		transports = append(transports, string(t))
	}
	return Passkey{
		ID:                c.ID,
		PublicKey:         c.PublicKey,
		AttestationType:   c.AttestationType,
		AttestationFormat: c.AttestationFormat,
		Transports:        transports,
		AAGUID:            c.Authenticator.AAGUID,
		SignCount:         c.Authenticator.SignCount,
		Attachment:        string(c.Authenticator.Attachment),
		UserPresent:       c.Flags.UserPresent,
		UserVerified:      c.Flags.UserVerified,
		BackupEligible:    c.Flags.BackupEligible,
		BackupState:       c.Flags.BackupState,
	}
}
