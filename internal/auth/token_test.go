package auth_test

import (
	"bytes"
	"crypto/sha256"
	"strings"
	"testing"

	"github.com/havenhrd/haven"
	"github.com/havenhrd/haven/internal/auth"
)

func TestNewToken(t *testing.T) {
	for _, prefix := range []string{auth.SessionTokenPrefix, auth.APITokenPrefix} {
		token, hash, err := auth.NewToken(prefix)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(token, prefix) || len(token) != len(prefix)+43 {
			t.Errorf("token %q: want %q and 43 base64url characters", token, prefix)
		}
		if err := auth.CheckToken(token, prefix); err != nil {
			t.Errorf("CheckToken(new token): %v", err)
		}
		sum := sha256.Sum256([]byte(token))
		if !bytes.Equal(hash, sum[:]) || !bytes.Equal(auth.HashToken(token), hash) {
			t.Error("the hash is not the SHA-256 of the token")
		}
		other, _, _ := auth.NewToken(prefix)
		if other == token {
			t.Error("two tokens are equal")
		}
	}
	for _, prefix := range []string{"", "_", "hs", "HS_", "h1_", "toolongpx_", "hs-"} {
		if _, _, err := auth.NewToken(prefix); haven.ErrorCodeOf(err) != haven.EINVALID {
			t.Errorf("NewToken(%q): %v, want EINVALID", prefix, err)
		}
	}
}

func TestCheckToken(t *testing.T) {
	token, _, err := auth.NewToken(auth.SessionTokenPrefix)
	if err != nil {
		t.Fatal(err)
	}
	api, _, _ := auth.NewToken(auth.APITokenPrefix)
	body := token[3:]
	// The last of 43 characters carries 4 bits and 2 zero bits: only every
	// fourth character of the alphabet (A, E, I, ...) may end a token, so
	// 'B' and 'C' never may.
	strayBits := token[:len(token)-1] + map[bool]string{true: "B", false: "C"}[token[len(token)-1] != 'B']
	tests := []struct {
		name, token, prefix string
		ok                  bool
	}{
		{"session token", token, auth.SessionTokenPrefix, true},
		{"API token", api, auth.APITokenPrefix, true},
		{"API token as a session token", api, auth.SessionTokenPrefix, false},
		{"session token as an API token", token, auth.APITokenPrefix, false},
		{"empty", "", auth.SessionTokenPrefix, false},
		{"prefix only", "hs_", auth.SessionTokenPrefix, false},
		{"no prefix", body, auth.SessionTokenPrefix, false},
		{"upper-case prefix", "HS_" + body, auth.SessionTokenPrefix, false},
		{"truncated", token[:len(token)-1], auth.SessionTokenPrefix, false},
		{"extended", token + "A", auth.SessionTokenPrefix, false},
		{"padded", token + "=", auth.SessionTokenPrefix, false},
		{"standard base64 character", token[:10] + "+" + token[11:], auth.SessionTokenPrefix, false},
		{"slash", token[:10] + "/" + token[11:], auth.SessionTokenPrefix, false},
		{"space", token[:10] + " " + token[11:], auth.SessionTokenPrefix, false},
		{"non-ASCII", token[:10] + "é" + token[12:], auth.SessionTokenPrefix, false},
		{"stray low bits", strayBits, auth.SessionTokenPrefix, false},
		{"bad prefix argument", token, "hs", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := auth.CheckToken(tt.token, tt.prefix)
			if (err == nil) != tt.ok {
				t.Fatalf("CheckToken: %v, want ok %v", err, tt.ok)
			}
			if err != nil && haven.ErrorCodeOf(err) != haven.EUNAUTHORIZED {
				t.Errorf("code %q, want unauthorized", haven.ErrorCodeOf(err))
			}
		})
	}
}
