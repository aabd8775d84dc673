// Package authtest provides a software WebAuthn authenticator, with the
// browser's part of the ceremonies, for tests of code that registers and
// signs in with passkeys: it answers the JSON options that
// auth.Passkeys.Begin* return with the JSON a browser would post back.
//
// It makes ECDSA P-256 (ES256) credentials with "none" attestation, sets the
// user present and user verified flags, and counts signatures. Options let a
// test play an attacker: another origin, another RP ID, another challenge, a
// credential the server did not allow, an old signature counter, no user
// verification.
//
// It is for tests only: its keys live in memory, unprotected.
package authtest

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
)

// ErrExcluded is returned by Create when the authenticator already holds a
// credential the options exclude, as a browser reports InvalidStateError.
var ErrExcluded = errors.New("authtest: authenticator already registered")

// ErrNoCredential is returned by Get when the authenticator holds no
// credential the options allow.
var ErrNoCredential = errors.New("authtest: no matching credential")

// Authenticator is a software authenticator. The zero value is not ready:
// use New. Its methods are safe for concurrent use.
type Authenticator struct {
	// AAGUID identifies the authenticator model in attestations.
	AAGUID [16]byte
	// BackupEligible and BackupState set the BE and BS flags, as a synced
	// passkey provider does.
	BackupEligible, BackupState bool
	// ZeroCounter makes the authenticator report a signature counter of 0
	// always, as synced passkey providers do.
	ZeroCounter bool

	mu    sync.Mutex
	creds []*credential
}

type credential struct {
	id         []byte
	rpID       string
	userHandle []byte
	key        *ecdsa.PrivateKey
	signCount  uint32
}

// Credential describes a credential the authenticator holds.
type Credential struct {
	ID         []byte
	RPID       string
	UserHandle []byte
	SignCount  uint32
}

// New returns an authenticator with a fixed test AAGUID and no
// credentials.
func New() *Authenticator {
	return &Authenticator{AAGUID: [16]byte{0x48, 0x61, 0x76, 0x65, 0x6e, 0x2d, 0x74, 0x65, 0x73, 0x74, 0x2d, 0x61, 0x75, 0x74, 0x68, 0x6e}}
}

// Options say how the client (the browser) and the authenticator answer.
// Only Origin is required; the other fields are for playing an attacker.
type Options struct {
	// Origin is the origin the browser reports, such as
	// "https://haven.example.org".
	Origin string
	// Challenge, when set, replaces the challenge of the options.
	Challenge []byte
	// RPID, when set, replaces the RP ID of the options in the
	// authenticator data (and, in Create, the credential's scope).
	RPID string
	// CredentialID, in Get, picks the credential to sign with, whether the
	// options allow it or not.
	CredentialID []byte
	// SignCount, in Get, is reported instead of the next counter value.
	SignCount *uint32
	// NoUserVerification clears the UV flag.
	NoUserVerification bool
	// Type, when set, replaces the client data type ("webauthn.create",
	// "webauthn.get").
	Type string
}

// Credentials returns the credentials a holds, oldest first.
func (a *Authenticator) Credentials() []Credential {
	a.mu.Lock()
	defer a.mu.Unlock()
	var out []Credential
	for _, c := range a.creds {
		out = append(out, Credential{ID: slices.Clone(c.id), RPID: c.rpID, UserHandle: slices.Clone(c.userHandle), SignCount: c.signCount})
	}
	return out
}

// creationOptions is the part of navigator.credentials.create's options
// that an authenticator reads.
type creationOptions struct {
	PublicKey struct {
		RP struct {
			ID string `json:"id"`
		} `json:"rp"`
		User struct {
			ID string `json:"id"`
		} `json:"user"`
		Challenge        string `json:"challenge"`
		PubKeyCredParams []struct {
			Type string `json:"type"`
			Alg  int    `json:"alg"`
		} `json:"pubKeyCredParams"`
		ExcludeCredentials []struct {
			ID string `json:"id"`
		} `json:"excludeCredentials"`
	} `json:"publicKey"`
}

// requestOptions is the part of navigator.credentials.get's options that
// an authenticator reads.
type requestOptions struct {
	PublicKey struct {
		Challenge        string `json:"challenge"`
		RPID             string `json:"rpId"`
		AllowCredentials []struct {
			ID string `json:"id"`
		} `json:"allowCredentials"`
	} `json:"publicKey"`
}

// COSE and WebAuthn constants.
const (
	coseAlgES256 = -7
	flagUP       = 0x01
	flagUV       = 0x04
	flagBE       = 0x08
	flagBS       = 0x10
	flagAT       = 0x40
)

// Create answers navigator.credentials.create(options): it makes a new
// credential and returns the PublicKeyCredential JSON the browser would
// post to the server.
func (a *Authenticator) Create(options []byte, o Options) ([]byte, error) {
	var opts creationOptions
	if err := json.Unmarshal(options, &opts); err != nil {
		return nil, fmt.Errorf("authtest: creation options: %w", err)
	}
	pk := opts.PublicKey
	if !slices.ContainsFunc(pk.PubKeyCredParams, func(p struct {
		Type string `json:"type"`
		Alg  int    `json:"alg"`
	}) bool {
		return p.Type == "public-key" && p.Alg == coseAlgES256
	}) {
		return nil, errors.New("authtest: the options do not accept ES256")
	}
	challenge, err := decodeB64(pk.Challenge)
	if err != nil {
		return nil, fmt.Errorf("authtest: challenge: %w", err)
	}
	userHandle, err := decodeB64(pk.User.ID)
	if err != nil {
		return nil, fmt.Errorf("authtest: user id: %w", err)
	}
	rpID := pk.RP.ID
	if o.RPID != "" {
		rpID = o.RPID
	}
	if o.Challenge != nil {
		challenge = o.Challenge
	}

	a.mu.Lock()
	defer a.mu.Unlock()
	for _, ex := range pk.ExcludeCredentials {
		id, err := decodeB64(ex.ID)
		if err != nil {
			return nil, fmt.Errorf("authtest: excluded credential: %w", err)
		}
		if slices.ContainsFunc(a.creds, func(c *credential) bool { return string(c.id) == string(id) && c.rpID == rpID }) {
			return nil, ErrExcluded
		}
	}

	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	c := &credential{id: make([]byte, 32), rpID: rpID, userHandle: userHandle, key: key}
	rand.Read(c.id)

	clientData, err := clientDataJSON(typeOr(o.Type, "webauthn.create"), challenge, o.Origin)
	if err != nil {
		return nil, err
	}
	authData := a.authData(rpID, flagAT|a.flags(o), 0)
	authData = append(authData, a.AAGUID[:]...)
	authData = binary.BigEndian.AppendUint16(authData, uint16(len(c.id)))
	authData = append(authData, c.id...)
	authData = append(authData, coseKey(&key.PublicKey)...)
	attestation := cborEncode(cborMap{"fmt": "none", "attStmt": cborMap{}, "authData": authData})

	a.creds = append(a.creds, c)
	return json.Marshal(map[string]any{
		"id":    b64(c.id),
		"rawId": b64(c.id),
		"type":  "public-key",
		"response": map[string]any{
			"clientDataJSON":    b64(clientData),
			"attestationObject": b64(attestation),
			"transports":        []string{"internal", "hybrid"},
		},
		"authenticatorAttachment": "platform",
		"clientExtensionResults":  map[string]any{},
	})
}

// Get answers navigator.credentials.get(options): it signs with a
// credential for the RP ID that the options allow (any, when they list
// none: a discoverable sign-in), or with o.CredentialID, and returns the
// PublicKeyCredential JSON the browser would post to the server.
func (a *Authenticator) Get(options []byte, o Options) ([]byte, error) {
	var opts requestOptions
	if err := json.Unmarshal(options, &opts); err != nil {
		return nil, fmt.Errorf("authtest: request options: %w", err)
	}
	pk := opts.PublicKey
	challenge, err := decodeB64(pk.Challenge)
	if err != nil {
		return nil, fmt.Errorf("authtest: challenge: %w", err)
	}
	if o.Challenge != nil {
		challenge = o.Challenge
	}
	var allowed [][]byte
	for _, ac := range pk.AllowCredentials {
		id, err := decodeB64(ac.ID)
		if err != nil {
			return nil, fmt.Errorf("authtest: allowed credential: %w", err)
		}
		allowed = append(allowed, id)
	}

	a.mu.Lock()
	defer a.mu.Unlock()
	var c *credential
	for _, cand := range a.creds {
		switch {
		case o.CredentialID != nil:
			if string(cand.id) != string(o.CredentialID) {
				continue
			}
		case cand.rpID != pk.RPID:
			continue
		case len(allowed) > 0 && !slices.ContainsFunc(allowed, func(id []byte) bool { return string(id) == string(cand.id) }):
			continue
		}
		c = cand
		break
	}
	if c == nil {
		return nil, ErrNoCredential
	}
	rpID := c.rpID
	if o.RPID != "" {
		rpID = o.RPID
	}
	var count uint32
	switch {
	case o.SignCount != nil:
		count = *o.SignCount
	case a.ZeroCounter:
	default:
		c.signCount++
		count = c.signCount
	}

	clientData, err := clientDataJSON(typeOr(o.Type, "webauthn.get"), challenge, o.Origin)
	if err != nil {
		return nil, err
	}
	authData := a.authData(rpID, a.flags(o), count)
	clientHash := sha256.Sum256(clientData)
	digest := sha256.Sum256(append(slices.Clone(authData), clientHash[:]...))
	sig, err := ecdsa.SignASN1(rand.Reader, c.key, digest[:])
	if err != nil {
		return nil, err
	}
	return json.Marshal(map[string]any{
		"id":    b64(c.id),
		"rawId": b64(c.id),
		"type":  "public-key",
		"response": map[string]any{
			"clientDataJSON":    b64(clientData),
			"authenticatorData": b64(authData),
			"signature":         b64(sig),
			"userHandle":        b64(c.userHandle),
		},
		"authenticatorAttachment": "platform",
		"clientExtensionResults":  map[string]any{},
	})
}

// flags returns the UP, UV, BE and BS flags for o.
func (a *Authenticator) flags(o Options) byte {
	f := byte(flagUP)
	if !o.NoUserVerification {
		f |= flagUV
	}
	if a.BackupEligible {
		f |= flagBE
	}
	if a.BackupState {
		f |= flagBS
	}
	return f
}

// authData returns the authenticator data up to the signature counter:
// rpIdHash, flags, signCount (WebAuthn §6.1).
func (a *Authenticator) authData(rpID string, flags byte, count uint32) []byte {
	h := sha256.Sum256([]byte(rpID))
	b := append(h[:], flags)
	return binary.BigEndian.AppendUint32(b, count)
}

// coseKey returns pub as a COSE_Key (RFC 9053): EC2, ES256, P-256.
func coseKey(pub *ecdsa.PublicKey) []byte {
	raw, err := pub.Bytes() // 0x04 || X || Y
	if err != nil {
		panic(err)
	}
	return cborEncode(cborMap{
		1:  2,            // kty: EC2
		3:  coseAlgES256, // alg: ES256
		-1: 1,            // crv: P-256
		-2: raw[1:33],    // x
		-3: raw[33:65],   // y
	})
}

func clientDataJSON(typ string, challenge []byte, origin string) ([]byte, error) {
	if origin == "" {
		return nil, errors.New("authtest: Options.Origin is required")
	}
	return json.Marshal(map[string]any{
		"type":        typ,
		"challenge":   b64(challenge),
		"origin":      origin,
		"crossOrigin": false,
	})
}

func typeOr(t, def string) string {
	if t != "" {
		return t
	}
	return def
}

func b64(b []byte) string { return base64.RawURLEncoding.EncodeToString(b) }

// decodeB64 decodes base64url, with or without padding.
func decodeB64(s string) ([]byte, error) {
	return base64.RawURLEncoding.DecodeString(strings.TrimRight(s, "="))
}
