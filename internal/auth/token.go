package auth

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"

	"github.com/havenhrd/haven"
)

// Token prefixes. A prefix makes a leaked token recognisable, to people and
// to secret scanners, and keeps a session token from being accepted as an
// API token or the reverse.
const (
	// SessionTokenPrefix starts browser session tokens (the cookie value).
	SessionTokenPrefix = "hs_"
	// APITokenPrefix starts API tokens.
	APITokenPrefix = "ht_"
)

const (
	tokenBytes   = 32 // 256 random bits
	tokenBodyLen = 43 // unpadded base64url of 32 bytes
	maxPrefixLen = 8
)

var tokenEncoding = base64.RawURLEncoding.Strict()

// NewToken returns a new opaque token, prefix followed by 256 random bits in
// unpadded base64url (43 characters, safe in cookies, headers and URLs), and
// its HashToken hash. Give the token to its holder once and store only the
// hash: a copy of the database then holds no usable token. prefix must be 2
// to 8 characters, lower-case ASCII letters ending with '_', as the
// constants are; otherwise NewToken returns EINVALID.
func NewToken(prefix string) (token string, hash []byte, err error) {
	if !validPrefix(prefix) {
		return "", nil, haven.Errorf(haven.EINVALID, "auth.NewToken", "a token prefix is lower-case letters ending with '_'")
	}
	b := make([]byte, tokenBytes)
	rand.Read(b)
	token = prefix + tokenEncoding.EncodeToString(b)
	return token, HashToken(token), nil
}

// HashToken returns the SHA-256 of token, the value stored and looked up. A
// plain hash is enough: the token has 256 random bits, so no guessing or
// precomputation can invert it, and looking a hash up in the database leaks
// nothing useful through timing.
func HashToken(token string) []byte {
	sum := sha256.Sum256([]byte(token))
	return sum[:]
}

// CheckToken returns EUNAUTHORIZED unless token has the form NewToken(prefix)
// produces. Call it before HashToken and the look-up, so that garbage never
// reaches the database. Its time depends only on the length of token: the
// characters are all examined whatever they are.
func CheckToken(token, prefix string) error {
	bad := haven.Errorf(haven.EUNAUTHORIZED, "auth.CheckToken", "the token is not valid")
	if !validPrefix(prefix) || len(token) != len(prefix)+tokenBodyLen {
		return bad
	}
	// Examine every byte before deciding, the prefix included.
	var diff byte
	for i := range len(prefix) {
		diff |= token[i] ^ prefix[i]
	}
	var invalid byte
	body := token[len(prefix):]
	for i := range len(body) {
		invalid |= base64URLInvalid[body[i]]
	}
	if diff != 0 || invalid != 0 {
		return bad
	}
	// Strict decoding also refuses a last character with stray low bits,
	// so each token has exactly one spelling.
	if b, err := tokenEncoding.DecodeString(body); err != nil || len(b) != tokenBytes {
		return bad
	}
	return nil
}

// base64URLInvalid is 1 for every byte outside the base64url alphabet.
var base64URLInvalid = func() (t [256]byte) {
	for i := range t {
		c := byte(i)
		if !(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			t[i] = 1
		}
	}
	return t
}()

func validPrefix(p string) bool {
	if len(p) < 2 || len(p) > maxPrefixLen || p[len(p)-1] != '_' {
		return false
	}
	for _, c := range []byte(p[:len(p)-1]) {
		if c < 'a' || c > 'z' {
			return false
		}
	}
	return true
}
