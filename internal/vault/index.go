package vault

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/binary"
	"strings"
	"unicode"

	"golang.org/x/text/cases"
	"golang.org/x/text/unicode/norm"
)

// folder is Unicode full case folding. cases.Fold documents its Caser as
// stateless and safe for concurrent use.
var folder = cases.Fold()

// IndexSize is the length in bytes of a blind index.
const IndexSize = sha256.Size

// BlindIndex is a keyed HMAC-SHA256 of a normalised value under IndexKey,
// domain-separated by purpose (e.g. "unhcr_case_number",
// "member_name_dob"), for equality lookups without a plaintext index. Each
// part is normalised with Normalize, and purpose and parts are joined
// unambiguously (length-prefixed), so ("ab", "c") and ("a", "bc") differ.
// Purpose is used as given and should be a constant.
//
// If every part normalises to the empty string (or there are no parts),
// BlindIndex returns nil, to be stored as NULL: otherwise every record
// missing the value would share one index and match each other.
func (v *Vault) BlindIndex(purpose string, parts ...string) []byte {
	norms := make([]string, len(parts))
	empty := true
	for i, p := range parts {
		norms[i] = Normalize(p)
		if norms[i] != "" {
			empty = false
		}
	}
	if empty {
		return nil
	}
	msg := appendFields(nil, labelBIdx, purpose)
	msg = binary.AppendUvarint(msg, uint64(len(norms)))
	msg = appendFields(msg, norms...)
	mac := hmac.New(sha256.New, v.indexKey)
	mac.Write(msg)
	return mac.Sum(nil)
}

// Normalize returns the form of s that BlindIndex hashes: invalid UTF-8
// replaced by U+FFFD, format characters (category Cf: zero-width joiners
// and non-joiners, direction marks, soft hyphens, byte-order marks)
// removed, Unicode NFKC, full case folding, NFKC again (folding can undo
// normalisation), and every run of white space (as unicode.IsSpace defines it,
// including no-break and ideographic spaces) collapsed to one ASCII space,
// with none at either end. This is close to Unicode's NFKC_Casefold. It
// keeps diacritics: "José" and "Jose" stay different.
//
// Changing Normalize changes every stored blind index; it needs a
// migration that recomputes them.
func Normalize(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	// Format characters go first, so that a mark they separated from its
	// base letter composes with it in NFKC.
	s = strings.Map(func(r rune) rune {
		if unicode.Is(unicode.Cf, r) {
			return -1
		}
		return r
	}, s)
	s = norm.NFKC.String(s)
	s = folder.String(s)
	s = norm.NFKC.String(s)
	return strings.Join(strings.Fields(s), " ")
}
