package auth

import (
	"bytes"
	"crypto/subtle"
	"encoding/base32"
	"errors"
	"image/png"
	"net/url"
	"strings"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/hotp"
	"github.com/pquerna/otp/totp"

	"github.com/havenhrd/haven"
)

// The TOTP settings (RFC 6238): the ones every authenticator app supports.
const (
	// TOTPPeriod is the time step.
	TOTPPeriod = 30 * time.Second
	// TOTPDigits is the length of a code.
	TOTPDigits = 6
	// totpSecretBytes is the secret size RFC 4226 recommends: 160 bits.
	totpSecretBytes = 20
	// totpMinSecretBytes is the least RFC 4226 allows: 128 bits.
	totpMinSecretBytes = 16
	// totpSkew is how many steps before and after the current one are
	// accepted, for clock drift and typing time.
	totpSkew = 1
)

// ErrTOTPReplayed is the cause of the error CheckTOTP returns for a code of
// a time step that was already used (or an earlier one).
var ErrTOTPReplayed = errors.New("auth: TOTP code already used")

var totpOpts = hotp.ValidateOpts{Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1}

// NewTOTPSecret returns a new random 160-bit TOTP secret (base32, no
// padding) and its otpauth:// URL for an authenticator app (SHA-1, 6 digits,
// 30 s), labelled issuer:account. The secret is a credential: store it
// encrypted (vault) and show the URL only once, as a QR code (TOTPQRCode)
// during enrolment. The URL holds account: use the username, not a personal
// detail.
//
// It returns EINVALID when issuer or account is empty or holds a colon.
func NewTOTPSecret(issuer, account string) (secret, url string, err error) {
	const op = "auth.NewTOTPSecret"
	if issuer == "" || account == "" || strings.Contains(issuer, ":") || strings.Contains(account, ":") {
		return "", "", haven.Errorf(haven.EINVALID, op, "the issuer and the account name must be non-empty and hold no colon")
	}
	key, err := totp.Generate(totp.GenerateOpts{
		Issuer:      issuer,
		AccountName: account,
		Period:      uint(TOTPPeriod / time.Second),
		SecretSize:  totpSecretBytes,
		Digits:      otp.DigitsSix,
		Algorithm:   otp.AlgorithmSHA1,
	})
	if err != nil {
		return "", "", haven.Internal(op, err)
	}
	return key.Secret(), key.URL(), nil
}

// TOTPQRCode returns a PNG image, size pixels square, of the QR code of an
// otpauth:// URL from NewTOTPSecret.
func TOTPQRCode(url string, size int) ([]byte, error) {
	const op = "auth.TOTPQRCode"
	key, err := otp.NewKeyFromURL(url)
	if err != nil || !strings.HasPrefix(url, "otpauth://totp/") || key.Secret() == "" {
		return nil, haven.Errorf(haven.EINVALID, op, "not an otpauth URL")
	}
	img, err := key.Image(size, size)
	if err != nil {
		return nil, haven.Internal(op, err)
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return nil, haven.Internal(op, err)
	}
	return buf.Bytes(), nil
}

// TOTPStep returns the RFC 6238 time step of t.
func TOTPStep(t time.Time) int64 { return t.Unix() / int64(TOTPPeriod/time.Second) }

// CheckTOTP checks a code typed by the user against secret at time now. It
// accepts the code of the current step and of one step either side, and
// refuses one whose step is not after lastUsedStep (0 when none was used),
// so that a code seen by someone else cannot be used again. On success it
// returns the step to store as the new lastUsedStep; the caller must store
// it in the same transaction that accepts the login.
//
// Spaces in code are ignored (apps show "123 456"); what is left must be
// exactly six ASCII digits, or CheckTOTP returns EINVALID. A wrong code
// returns EUNAUTHORIZED; a replayed one returns EUNAUTHORIZED with cause
// ErrTOTPReplayed; a secret that is not valid base32 of at least 128 bits
// returns EINTERNAL. Codes are compared in constant time, all three always.
func CheckTOTP(secret, code string, now time.Time, lastUsedStep int64) (step int64, err error) {
	const op = "auth.CheckTOTP"
	code = strings.ReplaceAll(code, " ", "")
	if len(code) != TOTPDigits || strings.ContainsFunc(code, func(r rune) bool { return r < '0' || r > '9' }) {
		return 0, haven.Errorf(haven.EINVALID, op, "enter the %d digits your authenticator app shows", TOTPDigits)
	}
	if err := checkTOTPSecret(secret); err != nil {
		return 0, haven.Internal(op, err)
	}
	current := TOTPStep(now)
	if current <= totpSkew {
		return 0, haven.Internal(op, errors.New("clock before 1970"))
	}
	matched := int64(-1)
	for s := current - totpSkew; s <= current+totpSkew; s++ {
		want, err := hotp.GenerateCodeCustom(secret, uint64(s), totpOpts)
		if err != nil {
			return 0, haven.Internal(op, err)
		}
		// Keep the latest matching step, without branching on the secret
		// comparison.
		eq := subtle.ConstantTimeCompare([]byte(want), []byte(code))
		matched = int64(subtle.ConstantTimeSelect(eq, int(s), int(matched)))
	}
	switch {
	case matched < 0:
		return 0, haven.Errorf(haven.EUNAUTHORIZED, op, "the code is not valid")
	case matched <= lastUsedStep:
		return 0, &haven.Error{Code: haven.EUNAUTHORIZED, Op: op, Message: "the code is not valid", Err: ErrTOTPReplayed}
	}
	return matched, nil
}

// checkTOTPSecret checks that secret is unpadded base32 (either case) of at
// least 128 bits: an empty secret would otherwise make a valid HMAC key.
func checkTOTPSecret(secret string) error {
	b, err := base32.StdEncoding.WithPadding(base32.NoPadding).DecodeString(strings.ToUpper(secret))
	if err != nil {
		return errors.New("TOTP secret is not base32")
	}
	if len(b) < totpMinSecretBytes {
		return errors.New("TOTP secret shorter than 128 bits")
	}
	return nil
}

// TOTPCodeAt returns the code of secret for the time step step: for a
// demonstration database alone, which shows its invented users' codes.
func TOTPCodeAt(secret string, step int64) (string, error) {
	const op = "auth.TOTPCodeAt"
	if err := checkTOTPSecret(secret); err != nil {
		return "", haven.Internal(op, err)
	}
	if step < 0 {
		return "", haven.Errorf(haven.EINVALID, op, "a time step is not negative")
	}
	code, err := hotp.GenerateCodeCustom(secret, uint64(step), totpOpts)
	if err != nil {
		return "", haven.Internal(op, err)
	}
	return code, nil
}

// NextTOTPStep returns the step whose code CheckTOTP accepts at now after
// lastUsedStep: the current one if it is unused, else the one after it if
// the skew allows it; ok is false when no code is accepted before the next
// step begins.
func NextTOTPStep(now time.Time, lastUsedStep int64) (step int64, ok bool) {
	current := TOTPStep(now)
	step = max(current, lastUsedStep+1)
	return step, step <= current+totpSkew
}

// TOTPURL returns the otpauth:// URL of an existing secret, labelled
// issuer:account, as NewTOTPSecret makes it for a new one.
func TOTPURL(issuer, account, secret string) (string, error) {
	const op = "auth.TOTPURL"
	if issuer == "" || account == "" || strings.Contains(issuer, ":") || strings.Contains(account, ":") {
		return "", haven.Errorf(haven.EINVALID, op, "the issuer and the account name must be non-empty and hold no colon")
	}
	if err := checkTOTPSecret(secret); err != nil {
		return "", haven.Internal(op, err)
	}
	v := url.Values{}
	v.Set("secret", strings.ToUpper(secret))
	v.Set("issuer", issuer)
	v.Set("algorithm", "SHA1")
	v.Set("digits", "6")
	v.Set("period", "30")
	u := url.URL{Scheme: "otpauth", Host: "totp", Path: "/" + issuer + ":" + account, RawQuery: v.Encode()}
	return u.String(), nil
}
