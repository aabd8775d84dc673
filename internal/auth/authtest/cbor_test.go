package authtest

import (
	"encoding/hex"
	"testing"
)

// TestCBOREncode checks the encoder against examples of RFC 8949
// Appendix A, and the CTAP2 canonical order of map keys.
func TestCBOREncode(t *testing.T) {
	tests := []struct {
		v    any
		want string
	}{
		{0, "00"},
		{1, "01"},
		{23, "17"},
		{24, "1818"},
		{100, "1864"},
		{1000, "1903e8"},
		{1000000, "1a000f4240"},
		{1000000000000, "1b000000e8d4a51000"},
		{-1, "20"},
		{-10, "29"},
		{-100, "3863"},
		{-1000, "3903e7"},
		{[]byte{}, "40"},
		{[]byte{1, 2, 3, 4}, "4401020304"},
		{"", "60"},
		{"a", "6161"},
		{"IETF", "6449455446"},
		{"ü", "62c3bc"},
		{cborMap{}, "a0"},
		{cborMap{1: 2, 3: 4}, "a201020304"},
		// Canonical order: shorter keys first, then bytewise; so 1, 3, -1,
		// -2 for a COSE key, and "fmt", "attStmt", "authData".
		{cborMap{-2: 0, -1: 0, 3: 0, 1: 0}, "a40100030020002100"},
		{cborMap{"authData": []byte{}, "fmt": "none", "attStmt": cborMap{}}, "a363666d74646e6f6e656761747453746d74a068617574684461746140"},
	}
	for _, tt := range tests {
		if got := hex.EncodeToString(cborEncode(tt.v)); got != tt.want {
			t.Errorf("cborEncode(%#v) = %s, want %s", tt.v, got, tt.want)
		}
	}
}
