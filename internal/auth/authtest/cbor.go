package authtest

import (
	"encoding/binary"
	"fmt"
	"sort"
)

// A minimal CBOR (RFC 8949) encoder: enough for an attestation object and a
// COSE key, which hold integers, byte strings, text strings and maps. Map
// keys are written in the CTAP2 canonical order (shorter encoding first,
// then bytewise), as an authenticator writes them.

// cborMap is a CBOR map; keys are int or string.
type cborMap map[any]any

func cborEncode(v any) []byte {
	var b []byte
	switch v := v.(type) {
	case int:
		if v >= 0 {
			b = cborHead(b, 0, uint64(v))
		} else {
			b = cborHead(b, 1, uint64(-1-v))
		}
	case []byte:
		b = cborHead(b, 2, uint64(len(v)))
		b = append(b, v...)
	case string:
		b = cborHead(b, 3, uint64(len(v)))
		b = append(b, v...)
	case cborMap:
		type entry struct{ k, v []byte }
		entries := make([]entry, 0, len(v))
		for k, val := range v {
			entries = append(entries, entry{cborEncode(k), cborEncode(val)})
		}
		sort.Slice(entries, func(i, j int) bool {
			a, c := entries[i].k, entries[j].k
			if len(a) != len(c) {
				return len(a) < len(c)
			}
			return string(a) < string(c)
		})
		b = cborHead(b, 5, uint64(len(v)))
		for _, e := range entries {
			b = append(b, e.k...)
			b = append(b, e.v...)
		}
	default:
		panic(fmt.Sprintf("authtest: cannot CBOR-encode %T", v))
	}
	return b
}

// cborHead appends the initial byte(s) of an item of major type major
// with argument n.
func cborHead(b []byte, major byte, n uint64) []byte {
	m := major << 5
	switch {
	case n < 24:
		return append(b, m|byte(n))
	case n <= 0xff:
		return append(b, m|24, byte(n))
	case n <= 0xffff:
		return binary.BigEndian.AppendUint16(append(b, m|25), uint16(n))
	case n <= 0xffffffff:
		return binary.BigEndian.AppendUint32(append(b, m|26), uint32(n))
	default:
		return binary.BigEndian.AppendUint64(append(b, m|27), n)
	}
}
