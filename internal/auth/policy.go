package auth

import (
	_ "embed"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"github.com/havenhrd/haven"
)

// MinPasswordLength is the fewest characters a password may have: the
// length OWASP ASVS 5.0 (V6.2.1) strongly recommends and NIST SP 800-63B-4
// requires for a password used as a single factor. Characters are Unicode
// code points after NFKC normalisation, as NIST SP 800-63B specifies, so an
// accented letter counts once however it was typed and an emoji counts as
// the code points it is made of.
const MinPasswordLength = 15

// minDistinct is the fewest different characters a password may have:
// "aaaaaaaaaaaaaaa" and "abababababababab" are as easy to guess as a short
// password (NIST SP 800-63B lists repetitive strings among those to refuse).
const minDistinct = 5

// The password field name used in the problems CheckPassword returns.
const passwordField = "password"

// The blocklist: common and breached passwords, normalised as
// blocklistKey normalises and sorted bytewise, one a line. It is derived from
// the SecLists "10 million password list top 1,000,000" (Mark Burnett's
// corpus of leaked passwords, OWASP SecLists project), keeping the 474,743
// distinct entries of 8 characters or more; README.md in this folder states
// the source, the way to regenerate it and the licence.
//
//go:embed blocklist.txt
var blocklist string

// CheckPassword returns the problems of pw as a new password, under the
// field "password"; none means it may be set. The rules (OWASP ASVS 5.0 V6.2):
//
//   - at least MinPasswordLength characters, at most MaxPasswordBytes bytes;
//   - any Unicode text: spaces, accents, any script and emoji are welcome,
//     there is no rule on character classes and no expiry; only invalid
//     UTF-8 and control characters are refused, since they cannot be typed
//     reliably;
//   - not in the blocklist of common and breached passwords, compared
//     without regard to case (and with spaces removed, too);
//   - not a context word (the username, the person's name, "haven", ...),
//     and not made mostly of context words: what is left of the password
//     once every context word of 4 or more characters is removed must still
//     be at least MinPasswordLength characters long;
//   - at least 5 different characters.
//
// The messages never quote the password or the context words.
func CheckPassword(pw string, context ...string) haven.Problems {
	var p haven.Problems
	if len(pw) > MaxPasswordBytes {
		p.Addf(passwordField, "use at most %d bytes (a few hundred characters)", MaxPasswordBytes)
		return p
	}
	if !utf8.ValidString(pw) {
		p.Add(passwordField, "use valid text")
		return p
	}
	if strings.ContainsFunc(pw, unicode.IsControl) {
		p.Add(passwordField, "remove control characters such as line breaks and tabs")
		return p
	}
	n := norm.NFKC.String(pw)
	if utf8.RuneCountInString(n) < MinPasswordLength {
		p.Addf(passwordField, "use at least %d characters; a few unrelated words make a good passphrase", MinPasswordLength)
		return p
	}
	key := blocklistKey(n)
	if Blocklisted(pw) {
		p.Add(passwordField, "this password is too common or has appeared in a data breach; choose another")
		return p
	}
	if containsContext(key, context) {
		p.Add(passwordField, "do not build the password from your username or other details of the account")
		return p
	}
	if distinct(n) < minDistinct {
		p.Add(passwordField, "use more varied characters; repeated characters are easy to guess")
	}
	return p
}

// Blocklisted reports whether pw is in the blocklist, ignoring case and, as
// a second look-up, spaces.
func Blocklisted(pw string) bool {
	key := blocklistKey(norm.NFKC.String(pw))
	if sortedContains(blocklist, key) {
		return true
	}
	if squeezed := strings.ReplaceAll(key, " ", ""); squeezed != key {
		return sortedContains(blocklist, squeezed)
	}
	return false
}

// BlocklistSize returns the number of entries in the embedded blocklist.
func BlocklistSize() int { return strings.Count(blocklist, "\n") }

// blocklistKey is the form passwords are compared in: lower case (n is
// already NFKC).
func blocklistKey(n string) string { return strings.ToLower(n) }

// containsContext reports whether key (a normalised, lower-case password) is
// a context word, or is left shorter than MinPasswordLength once the context
// words of 4 or more characters are removed from it.
func containsContext(key string, context []string) bool {
	rest := key
	for _, w := range context {
		w = blocklistKey(norm.NFKC.String(strings.TrimSpace(w)))
		if w == "" {
			continue
		}
		if key == w {
			return true
		}
		if utf8.RuneCountInString(w) >= 4 {
			rest = strings.ReplaceAll(rest, w, "")
		}
	}
	return utf8.RuneCountInString(rest) < MinPasswordLength
}

// distinct counts the different code points of s.
func distinct(s string) int {
	seen := map[rune]bool{}
	for _, r := range s {
		seen[r] = true
	}
	return len(seen)
}

// sortedContains reports whether s is a line of list, whose lines are sorted
// bytewise and each end with '\n'. It binary-searches the text in place,
// without an index, so the embedded list costs no heap memory.
func sortedContains(list, s string) bool {
	// lo and hi are always the start of a line (or len(list)).
	lo, hi := 0, len(list)
	for lo < hi {
		mid := lo + (hi-lo)/2
		start := lo + strings.LastIndexByte(list[lo:mid], '\n') + 1
		end := start + strings.IndexByte(list[start:hi], '\n')
		if end < start { // no newline before hi: malformed list
			end = hi
		}
		switch c := strings.Compare(s, list[start:end]); {
		case c == 0:
			return true
		case c < 0:
			hi = start
		default:
			lo = end + 1
		}
	}
	return false
}
