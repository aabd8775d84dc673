package auth_test

import (
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/havenhrd/haven"
	"github.com/havenhrd/haven/internal/auth"
)

var recoveryPattern = regexp.MustCompile(`^[A-Z2-7]{5}(-[A-Z2-7]{5}){4}$`)

func TestNewRecoveryCodes(t *testing.T) {
	codes, hashes, err := auth.NewRecoveryCodes(auth.RecoveryCodeCount)
	if err != nil {
		t.Fatal(err)
	}
	if len(codes) != 10 || len(hashes) != 10 {
		t.Fatalf("%d codes, %d hashes; want 10 of each", len(codes), len(hashes))
	}
	seen := map[string]bool{}
	for i, c := range codes {
		if !recoveryPattern.MatchString(c) {
			t.Errorf("code %q: want 5 groups of 5 base32 characters", c)
		}
		if seen[c] {
			t.Error("duplicate code")
		}
		seen[c] = true
		if len(hashes[i]) != 32 {
			t.Errorf("hash %d: %d bytes, want 32", i, len(hashes[i]))
		}
		if strings.Contains(string(hashes[i]), strings.ReplaceAll(c, "-", "")) {
			t.Error("the hash holds the code")
		}
	}
	for _, n := range []int{0, -1, 101} {
		if _, _, err := auth.NewRecoveryCodes(n); haven.ErrorCodeOf(err) != haven.EINVALID {
			t.Errorf("NewRecoveryCodes(%d): %v, want EINVALID", n, err)
		}
	}
}

func TestMatchRecoveryCode(t *testing.T) {
	codes, hashes, err := auth.NewRecoveryCodes(10)
	if err != nil {
		t.Fatal(err)
	}
	c := codes[3]
	lookalike := strings.NewReplacer("O", "0", "I", "1", "B", "8").Replace(c)
	tests := []struct {
		name string
		code string
		want int
	}{
		{"as shown", c, 3},
		{"lower case", strings.ToLower(c), 3},
		{"no dashes", strings.ReplaceAll(c, "-", ""), 3},
		{"spaces", strings.ReplaceAll(c, "-", " "), 3},
		{"surrounding space", "  " + c + "\n", 3},
		{"en dashes", strings.ReplaceAll(c, "-", "–"), 3},
		{"look-alike digits", lookalike, 3},
		{"another code", codes[7], 7},
		{"one character changed", c[:len(c)-1] + map[bool]string{true: "A", false: "B"}[c[len(c)-1] != 'A'], -1},
		{"truncated", c[:len(c)-1], -1},
		{"extended", c + "A", -1},
		{"empty", "", -1},
		{"punctuation", strings.ReplaceAll(c, "-", "."), -1},
		{"non-ASCII letter", "É" + c[1:], -1},
		{"huge", strings.Repeat(c, 100), -1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			i, ok := auth.MatchRecoveryCode(tt.code, hashes)
			if i != tt.want || ok != (tt.want >= 0) {
				t.Errorf("MatchRecoveryCode = %d, %v; want %d", i, ok, tt.want)
			}
		})
	}

	// Single use: once the app deletes the matched hash, the code no
	// longer works, and the others still do.
	i, ok := auth.MatchRecoveryCode(c, hashes)
	if !ok {
		t.Fatal("no match")
	}
	hashes = slices.Delete(hashes, i, i+1)
	if _, ok := auth.MatchRecoveryCode(c, hashes); ok {
		t.Error("a used code matched again")
	}
	if _, ok := auth.MatchRecoveryCode(codes[9], hashes); !ok {
		t.Error("an unused code no longer matches")
	}
	if _, ok := auth.MatchRecoveryCode(c, nil); ok {
		t.Error("matched against no hashes")
	}
}
