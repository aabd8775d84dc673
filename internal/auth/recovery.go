package auth

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"strings"
	"unicode"

	"github.com/havenhrd/haven"
)

// Recovery codes are single-use lookup secrets (ASVS 5.0 V6.6) for a user
// who has lost their second factor.
const (
	// RecoveryCodeCount is how many codes a set usually has.
	RecoveryCodeCount = 10
	// recoveryChars is the length of a code without its dashes: 25 base32
	// characters are 125 random bits, above the 112 bits for which ASVS 5.0
	// (V6.5.2) lets a lookup secret be stored under a plain hash rather than
	// a salted password hash.
	recoveryChars = 25
	// recoveryGroup is the length of the dash-separated groups shown.
	recoveryGroup = 5
	// maxRecoveryCodes caps a set.
	maxRecoveryCodes = 100
	// maxRecoveryInput caps what MatchRecoveryCode looks at.
	maxRecoveryInput = 200
)

// recoveryDomain separates these hashes from any other SHA-256 in Haven.
const recoveryDomain = "haven/recovery-code/v1\x00"

// NewRecoveryCodes returns n new recovery codes to show the user once, such
// as "K7QXM-2PZRT-...", and their hashes to store (32 bytes each, in the
// same order). Each code has 125 random bits in the RFC 4648 base32
// alphabet, which has no 0, 1 or 8 to confuse with O, I or B. It returns
// EINVALID unless 1 <= n <= 100.
func NewRecoveryCodes(n int) (codes []string, hashes [][]byte, err error) {
	const op = "auth.NewRecoveryCodes"
	if n < 1 || n > maxRecoveryCodes {
		return nil, nil, haven.Errorf(haven.EINVALID, op, "ask for between 1 and %d recovery codes", maxRecoveryCodes)
	}
	for range n {
		// rand.Text is 26 uniform base32 characters; the first 25 are as
		// uniform.
		raw := rand.Text()[:recoveryChars]
		var b strings.Builder
		for i := 0; i < len(raw); i += recoveryGroup {
			if i > 0 {
				b.WriteByte('-')
			}
			b.WriteString(raw[i : i+recoveryGroup])
		}
		codes = append(codes, b.String())
		hashes = append(hashes, hashRecoveryCode(raw))
	}
	return codes, hashes, nil
}

// MatchRecoveryCode returns the index in hashes of the code the user typed,
// and whether one matched. It ignores case, spaces and dashes, and reads 0,
// 1 and 8 as O, I and B. Every hash is compared, in constant time. The
// caller must then delete (or mark used) the matched hash in the same
// transaction that accepts the login, so that each code works once, and
// count failures like password failures.
func MatchRecoveryCode(code string, hashes [][]byte) (index int, ok bool) {
	if len(code) > maxRecoveryInput {
		return -1, false
	}
	norm, valid := normalizeRecoveryCode(code)
	if !valid {
		return -1, false
	}
	h := hashRecoveryCode(norm)
	index = -1
	found := 0
	for i, stored := range hashes {
		eq := subtle.ConstantTimeCompare(h, stored)
		index = subtle.ConstantTimeSelect(eq, i, index)
		found |= eq
	}
	return index, found == 1
}

// normalizeRecoveryCode returns code without separators, in upper case, with
// look-alike digits mapped, and whether it is then 25 base32 characters.
func normalizeRecoveryCode(code string) (string, bool) {
	var b strings.Builder
	for _, r := range code {
		switch {
		case unicode.IsSpace(r) || unicode.Is(unicode.Pd, r):
			continue // spaces and dashes of any kind (phones turn - into –)
		case r >= 'a' && r <= 'z':
			r -= 'a' - 'A'
		case r == '0':
			r = 'O'
		case r == '1':
			r = 'I'
		case r == '8':
			r = 'B'
		}
		if !(r >= 'A' && r <= 'Z' || r >= '2' && r <= '7') {
			return "", false
		}
		b.WriteRune(r)
	}
	return b.String(), b.Len() == recoveryChars
}

func hashRecoveryCode(normalized string) []byte {
	sum := sha256.Sum256([]byte(recoveryDomain + normalized))
	return sum[:]
}
