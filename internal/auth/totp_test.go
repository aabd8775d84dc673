package auth_test

import (
	"bytes"
	"encoding/base32"
	"errors"
	"net/url"
	"testing"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"

	"github.com/havenhrd/haven"
	"github.com/havenhrd/haven/internal/auth"
)

// code returns the code an authenticator app shows for secret at t.
func code(t *testing.T, secret string, at time.Time) string {
	t.Helper()
	c, err := totp.GenerateCodeCustom(secret, at, totp.ValidateOpts{Period: 30, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestNewTOTPSecret(t *testing.T) {
	secret, raw, err := auth.NewTOTPSecret("Haven", "mariam.k")
	if err != nil {
		t.Fatal(err)
	}
	key, err := base32.StdEncoding.WithPadding(base32.NoPadding).DecodeString(secret)
	if err != nil || len(key) != 20 {
		t.Fatalf("secret %d bytes, %v; want 20 bytes of base32", len(key), err)
	}
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	if u.Scheme != "otpauth" || u.Host != "totp" || u.Path != "/Haven:mariam.k" ||
		q.Get("secret") != secret || q.Get("issuer") != "Haven" || q.Get("algorithm") != "SHA1" ||
		q.Get("digits") != "6" || q.Get("period") != "30" {
		t.Errorf("URL %s is not an authenticator-app URL for this secret", raw)
	}
	other, _, _ := auth.NewTOTPSecret("Haven", "mariam.k")
	if other == secret {
		t.Error("two secrets are equal")
	}
	png, err := auth.TOTPQRCode(raw, 200)
	if err != nil || !bytes.HasPrefix(png, []byte("\x89PNG\r\n\x1a\n")) {
		t.Errorf("TOTPQRCode: %d bytes, %v; want a PNG", len(png), err)
	}
	if _, err := auth.TOTPQRCode("https://example.org/", 200); haven.ErrorCodeOf(err) != haven.EINVALID {
		t.Errorf("TOTPQRCode(not otpauth): %v, want EINVALID", err)
	}
	for _, args := range [][2]string{{"", "x"}, {"Haven", ""}, {"Ha:ven", "x"}, {"Haven", "a:b"}} {
		if _, _, err := auth.NewTOTPSecret(args[0], args[1]); haven.ErrorCodeOf(err) != haven.EINVALID {
			t.Errorf("NewTOTPSecret(%q, %q): %v, want EINVALID", args[0], args[1], err)
		}
	}
}

func TestCheckTOTP(t *testing.T) {
	secret, _, err := auth.NewTOTPSecret("Haven", "mariam.k")
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 3, 14, 15, 9, 26, 0, time.UTC)
	step := auth.TOTPStep(now)
	period := 30 * time.Second
	tests := []struct {
		name     string
		code     string
		lastUsed int64
		want     haven.ErrorCode
		wantStep int64
		replay   bool
	}{
		{"current", code(t, secret, now), 0, "", step, false},
		{"with a space", code(t, secret, now)[:3] + " " + code(t, secret, now)[3:], 0, "", step, false},
		{"one step behind", code(t, secret, now.Add(-period)), 0, "", step - 1, false},
		{"one step ahead", code(t, secret, now.Add(period)), 0, "", step + 1, false},
		{"two steps behind", code(t, secret, now.Add(-2*period)), 0, haven.EUNAUTHORIZED, 0, false},
		{"two steps ahead", code(t, secret, now.Add(2*period)), 0, haven.EUNAUTHORIZED, 0, false},
		{"replayed", code(t, secret, now), step, haven.EUNAUTHORIZED, 0, true},
		{"older than the last used", code(t, secret, now.Add(-period)), step, haven.EUNAUTHORIZED, 0, true},
		{"after a later code was used", code(t, secret, now), step + 1, haven.EUNAUTHORIZED, 0, true},
		{"next step after the last used", code(t, secret, now.Add(period)), step, "", step + 1, false},
		{"empty", "", 0, haven.EINVALID, 0, false},
		{"five digits", "12345", 0, haven.EINVALID, 0, false},
		{"seven digits", "1234567", 0, haven.EINVALID, 0, false},
		{"letters", "abcdef", 0, haven.EINVALID, 0, false},
		{"digit and letter", "12345a", 0, haven.EINVALID, 0, false},
		{"fullwidth digits", "１２３４５６", 0, haven.EINVALID, 0, false},
		{"Arabic-Indic digits", "١٢٣٤٥٦", 0, haven.EINVALID, 0, false},
		{"sign", "+12345", 0, haven.EINVALID, 0, false},
		{"dash", "123-456", 0, haven.EINVALID, 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := auth.CheckTOTP(secret, tt.code, now, tt.lastUsed)
			if haven.ErrorCodeOf(err) != tt.want {
				t.Fatalf("CheckTOTP: %v, want code %q", err, tt.want)
			}
			if got != tt.wantStep {
				t.Errorf("step %d, want %d", got, tt.wantStep)
			}
			if errors.Is(err, auth.ErrTOTPReplayed) != tt.replay {
				t.Errorf("ErrTOTPReplayed = %v, want %v", errors.Is(err, auth.ErrTOTPReplayed), tt.replay)
			}
		})
	}

	// A code accepted once is refused the second time with the stored step.
	c := code(t, secret, now)
	used, err := auth.CheckTOTP(secret, c, now, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := auth.CheckTOTP(secret, c, now.Add(10*time.Second), used); !errors.Is(err, auth.ErrTOTPReplayed) {
		t.Errorf("second use of a code: %v, want ErrTOTPReplayed", err)
	}

	// A wrong code: one that is not the code of any nearby step.
	wrong := "000000"
	for _, d := range []time.Duration{-period, 0, period} {
		if code(t, secret, now.Add(d)) == wrong {
			wrong = "000001"
		}
	}
	if _, err := auth.CheckTOTP(secret, wrong, now, 0); haven.ErrorCodeOf(err) != haven.EUNAUTHORIZED || errors.Is(err, auth.ErrTOTPReplayed) {
		t.Errorf("wrong code: %v, want EUNAUTHORIZED", err)
	}
}

func TestCheckTOTPBadSecret(t *testing.T) {
	now := time.Date(2026, 3, 14, 15, 9, 26, 0, time.UTC)
	for _, secret := range []string{"", "AAAA", "not base32!", "JBSWY3DPEHPK3PXP" /* 80 bits */} {
		if _, err := auth.CheckTOTP(secret, "123456", now, 0); haven.ErrorCodeOf(err) != haven.EINTERNAL {
			t.Errorf("CheckTOTP(secret %q): %v, want EINTERNAL", secret, err)
		}
	}
	// Lower case secrets, as some apps export them, are accepted.
	secret, _, _ := auth.NewTOTPSecret("Haven", "x")
	lower := []byte(secret)
	for i, c := range lower {
		if c >= 'A' && c <= 'Z' {
			lower[i] = c + 'a' - 'A'
		}
	}
	if _, err := auth.CheckTOTP(string(lower), code(t, secret, now), now, 0); err != nil {
		t.Errorf("lower-case secret: %v", err)
	}
}
