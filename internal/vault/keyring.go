package vault

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"golang.org/x/mod/sumdb/note"
	"io"
	"strings"
)

// KeySize is the size in bytes of every key in a keyring and of data keys:
// 256 bits.
const KeySize = 32

// keyringVersion is the only key-file format version this package reads and
// writes.
const keyringVersion = 1

// maxKEKIDLen bounds the length of a KEK id, which is stored beside every
// wrapped data key.
const maxKEKIDLen = 64

// ErrKeyring is returned, wrapped, when a keyring is malformed: it does not
// parse, a key has the wrong length, an id is missing or repeated, or a
// required part is absent. The wrapping error says what is wrong but never
// contains key material.
var ErrKeyring = errors.New("vault: invalid keyring")

// KEK is a key-encryption key: it wraps the data keys of subjects and never
// encrypts field data itself.
type KEK struct {
	// ID names the KEK in every data key it wraps. It is not secret. It
	// holds 1 to 64 characters from A-Z, a-z, 0-9, '.', '_' and '-'.
	ID string
	// Key is the 32-byte AES-256 key. It is secret.
	Key []byte
}

// Keyring is what a key file holds: the current KEK, previous KEKs (kept to
// unwrap data keys not yet re-wrapped), and the blind-index key (separate
// from KEKs so rotation does not change blind indexes).
type Keyring struct {
	// Current wraps every new data key and every re-wrapped one.
	Current KEK
	// Previous holds retired KEKs, newest first. They only unwrap.
	Previous []KEK
	// IndexKey is the 32-byte HMAC key of blind indexes. It is secret.
	IndexKey []byte
	// AuditKey is the Ed25519 private key, in golang.org/x/mod/sumdb/note's
	// "PRIVATE+KEY+..." form, that signs the audit log's checkpoints. It is
	// secret; its public half (AuditVerifierKey) is not. A key file must
	// hold one; a Keyring built in memory for encryption alone may omit it.
	AuditKey string
}

// AuditKeyName is the name of the audit signing key in its note keys.
const AuditKeyName = "haven-audit"

// AuditVerifierKey returns the public key, in note's verifier-key form,
// that checks the audit checkpoints signed with k.AuditKey: what an outside
// verifier needs, and nothing secret.
func (k *Keyring) AuditVerifierKey() (string, error) {
	return verifierKey(k.AuditKey)
}

// GenerateKeyring returns a new random keyring with one KEK, whose id has the
// form "kek-<8 hex digits>", and a fresh index key. If rand is nil it uses
// crypto/rand. It returns an error only if rand fails.
func GenerateKeyring(rand io.Reader) (*Keyring, error) {
	rand = orCryptoRand(rand)
	kek, err := generateKEK(rand, nil)
	if err != nil {
		return nil, err
	}
	indexKey := make([]byte, KeySize)
	if _, err := io.ReadFull(rand, indexKey); err != nil {
		return nil, fmt.Errorf("vault: generate index key: %w", err)
	}
	skey, _, err := note.GenerateKey(rand, AuditKeyName)
	if err != nil {
		return nil, fmt.Errorf("vault: generate audit key: %w", err)
	}
	k := &Keyring{Current: kek, IndexKey: indexKey, AuditKey: skey}
	if err := k.validate(); err != nil {
		return nil, fmt.Errorf("vault: generate keyring: %w", err)
	}
	return k, nil
}

// Rotate returns a new keyring with a fresh random current KEK, the old
// current KEK prepended to Previous, and the same index key. The receiver is
// not modified and shares no memory with the result. If rand is nil it uses
// crypto/rand. It returns an error wrapping ErrKeyring if k is invalid, or
// an error if rand fails.
func (k *Keyring) Rotate(rand io.Reader) (*Keyring, error) {
	if err := k.validate(); err != nil {
		return nil, fmt.Errorf("vault: rotate keyring: %w", err)
	}
	used := map[string]bool{k.Current.ID: true}
	for _, p := range k.Previous {
		used[p.ID] = true
	}
	kek, err := generateKEK(orCryptoRand(rand), used)
	if err != nil {
		return nil, err
	}
	prev := make([]KEK, 0, len(k.Previous)+1)
	prev = append(prev, cloneKEK(k.Current))
	for _, p := range k.Previous {
		prev = append(prev, cloneKEK(p))
	}
	r := &Keyring{Current: kek, Previous: prev, IndexKey: bytes.Clone(k.IndexKey), AuditKey: k.AuditKey}
	if err := r.validate(); err != nil {
		return nil, fmt.Errorf("vault: rotate keyring: %w", err)
	}
	return r, nil
}

// generateKEK makes a random KEK whose id is not in used. A 32-bit id space
// makes a collision rare; a few retries make it practically impossible
// unless rand is broken, which is then reported.
func generateKEK(rand io.Reader, used map[string]bool) (KEK, error) {
	for range 8 {
		var id [4]byte
		if _, err := io.ReadFull(rand, id[:]); err != nil {
			return KEK{}, fmt.Errorf("vault: generate KEK id: %w", err)
		}
		kid := "kek-" + hex.EncodeToString(id[:])
		if used[kid] {
			continue
		}
		key := make([]byte, KeySize)
		if _, err := io.ReadFull(rand, key); err != nil {
			return KEK{}, fmt.Errorf("vault: generate KEK: %w", err)
		}
		return KEK{ID: kid, Key: key}, nil
	}
	return KEK{}, errors.New("vault: generate KEK: random source keeps repeating KEK ids")
}

func cloneKEK(k KEK) KEK { return KEK{ID: k.ID, Key: bytes.Clone(k.Key)} }

func orCryptoRand(r io.Reader) io.Reader {
	if r == nil {
		return rand.Reader
	}
	return r
}

// validate checks the invariants every keyring must hold. Its errors wrap
// ErrKeyring and name parts ("current key", "previous[2] id"), never their
// values, except KEK ids that are already known to be well-formed.
func (k *Keyring) validate() error {
	if k == nil {
		return fmt.Errorf("%w: nil keyring", ErrKeyring)
	}
	seenID := make(map[string]bool, len(k.Previous)+1)
	var keys [][]byte
	check := func(name string, kek KEK) error {
		if !validKEKID(kek.ID) {
			if kek.ID == "" {
				return fmt.Errorf("%w: %s id is missing", ErrKeyring, name)
			}
			return fmt.Errorf("%w: %s id is not 1 to %d characters of A-Z, a-z, 0-9, '.', '_', '-'", ErrKeyring, name, maxKEKIDLen)
		}
		if seenID[kek.ID] {
			return fmt.Errorf("%w: KEK id %q appears more than once", ErrKeyring, kek.ID)
		}
		seenID[kek.ID] = true
		if err := checkKey(name+" key", kek.Key); err != nil {
			return err
		}
		keys = append(keys, kek.Key)
		return nil
	}
	if err := check("current", k.Current); err != nil {
		return err
	}
	for i, p := range k.Previous {
		if err := check(fmt.Sprintf("previous[%d]", i), p); err != nil {
			return err
		}
	}
	if err := checkKey("index key", k.IndexKey); err != nil {
		return err
	}
	keys = append(keys, k.IndexKey)
	if k.AuditKey != "" {
		if _, err := verifierKey(k.AuditKey); err != nil {
			return err
		}
	}
	// Two keys with the same bytes mean a copy-and-paste error in the key
	// file or a broken generator; either way, refuse rather than run with
	// less key separation than the design promises.
	for i := range keys {
		for j := i + 1; j < len(keys); j++ {
			if subtle.ConstantTimeCompare(keys[i], keys[j]) == 1 {
				return fmt.Errorf("%w: two keys have the same key material", ErrKeyring)
			}
		}
	}
	return nil
}

func checkKey(name string, key []byte) error {
	if len(key) == 0 {
		return fmt.Errorf("%w: %s is missing", ErrKeyring, name)
	}
	if len(key) != KeySize {
		return fmt.Errorf("%w: %s is %d bytes, want %d", ErrKeyring, name, len(key), KeySize)
	}
	var zero [KeySize]byte
	if subtle.ConstantTimeCompare(key, zero[:]) == 1 {
		return fmt.Errorf("%w: %s is all zero bytes", ErrKeyring, name)
	}
	return nil
}

func validKEKID(id string) bool {
	if id == "" || len(id) > maxKEKIDLen {
		return false
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9', c == '.', c == '_', c == '-':
		default:
			return false
		}
	}
	return true
}

// fileKeyring and fileKEK are the key-file JSON. Pointers tell a missing
// member from an empty one.
type fileKeyring struct {
	Version  *int      `json:"version"`
	Current  *fileKEK  `json:"current"`
	Previous []fileKEK `json:"previous"`
	IndexKey *string   `json:"index_key"`
	AuditKey *string   `json:"audit_key"`
}

type fileKEK struct {
	ID  *string `json:"id"`
	Key *string `json:"key"`
}

// fileMembers lists every member name the key file may use, at any depth.
// Member names are matched exactly: encoding/json alone would accept
// "Current" or "INDEX_KEY".
var fileMembers = map[string]bool{
	"version": true, "current": true, "previous": true, "index_key": true, "audit_key": true,
	"id": true, "key": true,
}

// Marshal returns the key-file JSON of k:
//
//	{"version":1,"current":{"id":"kek-…","key":"<base64>"},"previous":[…],"index_key":"<base64>"}
//
// indented, with a trailing newline. Keys are standard base64 with padding.
// It returns an error wrapping ErrKeyring if k is invalid, so a key file
// that ParseKeyring would reject is never written.
func (k *Keyring) Marshal() ([]byte, error) {
	if err := k.validate(); err != nil {
		return nil, fmt.Errorf("vault: marshal keyring: %w", err)
	}
	enc := func(kek KEK) fileKEK {
		id, key := kek.ID, base64.StdEncoding.EncodeToString(kek.Key)
		return fileKEK{ID: &id, Key: &key}
	}
	v := keyringVersion
	cur := enc(k.Current)
	idx := base64.StdEncoding.EncodeToString(k.IndexKey)
	if k.AuditKey == "" {
		return nil, fmt.Errorf("vault: marshal keyring: %w: audit key is missing", ErrKeyring)
	}
	ak := k.AuditKey
	f := fileKeyring{Version: &v, Current: &cur, Previous: []fileKEK{}, IndexKey: &idx, AuditKey: &ak}
	for _, p := range k.Previous {
		f.Previous = append(f.Previous, enc(p))
	}
	out, err := json.MarshalIndent(f, "", "  ")
	if err != nil {
		return nil, errors.New("vault: marshal keyring: cannot encode JSON")
	}
	return append(out, '\n'), nil
}

// ParseKeyring parses key-file content as written by Keyring.Marshal. It is
// strict: malformed JSON, trailing data, unknown or repeated members,
// members in the wrong case, a version other than 1, a missing current KEK
// or index key, a missing or malformed id, keys that are not standard
// base64 of exactly 32 bytes, repeated KEK ids or repeated key material all
// give an error wrapping ErrKeyring. "previous" may be absent, null or
// empty. Errors never contain key material: they name the offending part
// and, for syntax errors, the byte offset.
func ParseKeyring(data []byte) (*Keyring, error) {
	if err := checkJSONShape(data); err != nil {
		return nil, err
	}
	var f fileKeyring
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&f); err != nil {
		return nil, decodeError(err)
	}
	if f.Version == nil {
		return nil, fmt.Errorf("%w: version is missing", ErrKeyring)
	}
	if *f.Version != keyringVersion {
		return nil, fmt.Errorf("%w: unsupported version %d, want %d", ErrKeyring, *f.Version, keyringVersion)
	}
	if f.Current == nil {
		return nil, fmt.Errorf("%w: current KEK is missing", ErrKeyring)
	}
	k := &Keyring{}
	var err error
	if k.Current, err = decodeKEK("current", *f.Current); err != nil {
		return nil, err
	}
	for i, p := range f.Previous {
		kek, err := decodeKEK(fmt.Sprintf("previous[%d]", i), p)
		if err != nil {
			return nil, err
		}
		k.Previous = append(k.Previous, kek)
	}
	if f.IndexKey == nil {
		return nil, fmt.Errorf("%w: index key is missing", ErrKeyring)
	}
	if k.IndexKey, err = decodeKey("index key", *f.IndexKey); err != nil {
		return nil, err
	}
	if f.AuditKey == nil || *f.AuditKey == "" {
		return nil, fmt.Errorf("%w: audit key is missing", ErrKeyring)
	}
	k.AuditKey = *f.AuditKey
	if err := k.validate(); err != nil {
		return nil, err
	}
	return k, nil
}

func decodeKEK(name string, f fileKEK) (KEK, error) {
	if f.ID == nil {
		return KEK{}, fmt.Errorf("%w: %s id is missing", ErrKeyring, name)
	}
	if f.Key == nil {
		return KEK{}, fmt.Errorf("%w: %s key is missing", ErrKeyring, name)
	}
	key, err := decodeKey(name+" key", *f.Key)
	if err != nil {
		return KEK{}, err
	}
	return KEK{ID: *f.ID, Key: key}, nil
}

// decodeKey decodes one base64 key. Its error deliberately drops the
// decoder's error, and with it any hint of the input.
func decodeKey(name, s string) ([]byte, error) {
	if s == "" {
		return nil, fmt.Errorf("%w: %s is missing", ErrKeyring, name)
	}
	key, err := base64.StdEncoding.Strict().DecodeString(s)
	if err != nil {
		return nil, fmt.Errorf("%w: %s is not standard base64", ErrKeyring, name)
	}
	if err := checkKey(name, key); err != nil {
		return nil, err
	}
	return key, nil
}

// checkJSONShape walks the tokens of data to reject what encoding/json
// would let through: trailing data, repeated member names (the last would
// silently win) and member names it would match case-insensitively. Its
// errors carry offsets, never input text: a syntax error's message can
// quote a character of the input, and that character may be key material.
func checkJSONShape(data []byte) error {
	// frame is one open object or array. In an object, tokens alternate
	// between a member name and its value; atName says which comes next.
	type frame struct {
		names  map[string]bool // nil for an array
		atName bool
	}
	var open []frame
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	values := 0
	for {
		off := dec.InputOffset()
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return syntaxError(err, off)
		}
		if len(open) == 0 {
			if values++; values > 1 {
				return fmt.Errorf("%w: unexpected data after the keyring at offset %d", ErrKeyring, off)
			}
		}
		if n := len(open); n > 0 && open[n-1].atName {
			if tok == json.Delim('}') {
				open = open[:n-1]
				continue
			}
			name, _ := tok.(string)
			if !fileMembers[name] {
				return fmt.Errorf("%w: unknown member at offset %d", ErrKeyring, off)
			}
			if open[n-1].names[name] {
				return fmt.Errorf("%w: member %q appears more than once", ErrKeyring, name)
			}
			open[n-1].names[name] = true
			open[n-1].atName = false
			continue
		}
		// tok is a value, or the end of an array.
		if n := len(open); n > 0 && open[n-1].names != nil {
			open[n-1].atName = true
		}
		switch tok {
		case json.Delim('{'):
			open = append(open, frame{names: map[string]bool{}, atName: true})
		case json.Delim('['):
			open = append(open, frame{})
		case json.Delim(']'):
			open = open[:len(open)-1]
		}
	}
	if values == 0 {
		return fmt.Errorf("%w: empty key file", ErrKeyring)
	}
	return nil
}

func syntaxError(err error, off int64) error {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		off = se.Offset
	}
	if errors.Is(err, io.ErrUnexpectedEOF) {
		return fmt.Errorf("%w: JSON ends early", ErrKeyring)
	}
	return fmt.Errorf("%w: malformed JSON near offset %d", ErrKeyring, off)
}

// decodeError turns an encoding/json decode error into one that names the
// field but not the value: UnmarshalTypeError's message quotes numbers from
// the input.
func decodeError(err error) error {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		if te.Field != "" {
			return fmt.Errorf("%w: %s has the wrong JSON type", ErrKeyring, te.Field)
		}
		return fmt.Errorf("%w: the key file is not a JSON object of the right shape", ErrKeyring)
	}
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return syntaxError(err, se.Offset)
	}
	// checkJSONShape admits only known member names, so what is left is a
	// known name in the wrong object, such as "id" at the top level.
	return fmt.Errorf("%w: a member is in the wrong place", ErrKeyring)
}

// verifierKey derives note's verifier key from a note signer key, checking
// the signer key's form on the way. Errors never quote the key.
func verifierKey(skey string) (string, error) {
	// PRIVATE+KEY+<name>+<hash>+<base64(0x01 || seed)>
	rest, ok := strings.CutPrefix(skey, "PRIVATE+KEY+")
	parts := strings.SplitN(rest, "+", 3)
	if !ok || len(parts) != 3 {
		return "", fmt.Errorf("%w: audit key is not a note signer key", ErrKeyring)
	}
	if _, err := note.NewSigner(skey); err != nil {
		return "", fmt.Errorf("%w: audit key is not a valid note signer key", ErrKeyring)
	}
	raw, err := base64.StdEncoding.DecodeString(parts[2])
	if err != nil || len(raw) != 1+ed25519.SeedSize || raw[0] != 1 {
		return "", fmt.Errorf("%w: audit key is not an Ed25519 note signer key", ErrKeyring)
	}
	pub := ed25519.NewKeyFromSeed(raw[1:]).Public().(ed25519.PublicKey)
	return parts[0] + "+" + parts[1] + "+" + base64.StdEncoding.EncodeToString(append([]byte{1}, pub...)), nil
}
