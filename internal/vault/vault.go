package vault

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
)

// formatV1 is the first byte of every sealed value and wrapped key in
// format version 1. A later format gets a new byte; Open and Unwrap refuse
// bytes they do not know.
const formatV1 = 0x01

// nonceSize is the AES-GCM nonce size used throughout.
const nonceSize = 12

// wrappedKeySize is the length of a version 1 wrapped data key: version
// byte, nonce, the 32-byte key and the 16-byte GCM tag.
const wrappedKeySize = 1 + nonceSize + KeySize + 16

// Labels begin the additional data of each kind of ciphertext, so a wrapped
// key can never pass for a sealed value or the other way round.
const (
	labelDEK  = "haven/dek/v1"
	labelSeal = "haven/seal/v1"
	labelBIdx = "haven/bidx/v1"
)

// ErrUnwrap is returned, wrapped, when a wrapped data key does not unwrap:
// it was wrapped for another subject, it names another KEK than the one that
// wrapped it, it was tampered with, or it is malformed.
var ErrUnwrap = errors.New("vault: cannot unwrap data key")

// ErrUnknownKEK is returned, wrapped, when a wrapped data key names a KEK
// that is not in the vault's keyring, for example because the KEK was
// dropped before every data key was re-wrapped. errors.Is(err, ErrUnwrap)
// also holds for it.
var ErrUnknownKEK = fmt.Errorf("%w: unknown key-encryption key", ErrUnwrap)

// Vault wraps and unwraps data keys under a keyring's KEKs and computes
// blind indexes. It holds the KEKs only as AES-GCM ciphers and is safe for
// concurrent use. The zero Vault is not usable: make one with New.
type Vault struct {
	current  string
	keks     map[string]cipher.AEAD
	indexKey []byte
}

// New returns a vault for the keyring k. It copies what it needs and keeps
// no reference to k. It returns an error wrapping ErrKeyring if k is
// invalid.
func New(k *Keyring) (*Vault, error) {
	if err := k.validate(); err != nil {
		return nil, fmt.Errorf("vault: new: %w", err)
	}
	v := &Vault{
		current:  k.Current.ID,
		keks:     make(map[string]cipher.AEAD, 1+len(k.Previous)),
		indexKey: append([]byte(nil), k.IndexKey...),
	}
	for _, kek := range append([]KEK{k.Current}, k.Previous...) {
		aead, err := newAEAD(kek.Key)
		if err != nil {
			return nil, fmt.Errorf("vault: new: KEK %q: %w", kek.ID, err)
		}
		v.keks[kek.ID] = aead
	}
	return v, nil
}

// CurrentKEKID returns the id of the KEK that wraps new and re-wrapped data
// keys. A wrapped key whose KEKID differs is due for Rewrap.
func (v *Vault) CurrentKEKID() string { return v.current }

// WrappedKey is a data key wrapped (AES-256-GCM) under a KEK, bound
// (additional data) to its subject and KEK id. It is safe to store beside
// the subject; deleting it crypto-shreds every value sealed under the key.
type WrappedKey struct {
	// KEKID names the KEK that wrapped the key.
	KEKID string
	// Ciphertext is 0x01 || 12-byte nonce || wrapped key || 16-byte tag.
	Ciphertext []byte
}

// NewDataKey makes a random data key for subject (one case's or one
// nomination's id) and wraps it under the current KEK. Store the WrappedKey
// with the subject; use the DataKey to seal its fields. If rand is nil it
// uses crypto/rand. It returns an error wrapping ErrBinding if subject is
// empty, or an error if rand fails.
func (v *Vault) NewDataKey(rand io.Reader, subject string) (*DataKey, WrappedKey, error) {
	if subject == "" {
		return nil, WrappedKey{}, fmt.Errorf("vault: new data key: %w: empty subject", ErrBinding)
	}
	rand = orCryptoRand(rand)
	dek := make([]byte, KeySize)
	defer clear(dek)
	if _, err := io.ReadFull(rand, dek); err != nil {
		return nil, WrappedKey{}, fmt.Errorf("vault: new data key: %w", err)
	}
	w, err := v.wrap(rand, subject, dek)
	if err != nil {
		return nil, WrappedKey{}, fmt.Errorf("vault: new data key: %w", err)
	}
	k, err := newDataKey(subject, dek)
	if err != nil {
		return nil, WrappedKey{}, fmt.Errorf("vault: new data key: %w", err)
	}
	return k, w, nil
}

// Unwrap returns the data key in w for subject. It fails with an error
// wrapping ErrUnknownKEK if the vault does not hold the KEK w names, and
// with one wrapping ErrUnwrap if w was wrapped for another subject, under
// another KEK than it names, or was altered.
func (v *Vault) Unwrap(subject string, w WrappedKey) (*DataKey, error) {
	dek, err := v.unwrap(subject, w)
	if err != nil {
		return nil, err
	}
	defer clear(dek)
	k, err := newDataKey(subject, dek)
	if err != nil {
		return nil, fmt.Errorf("vault: unwrap data key: %w", err)
	}
	return k, nil
}

// Rewrap unwraps w with whatever KEK it names and wraps the same data key
// under the current KEK, with a fresh nonce from crypto/rand. Values sealed
// under the data key are untouched and still open. It fails as Unwrap does,
// including when subject is not the one w was wrapped for.
func (v *Vault) Rewrap(subject string, w WrappedKey) (WrappedKey, error) {
	dek, err := v.unwrap(subject, w)
	if err != nil {
		return WrappedKey{}, err
	}
	defer clear(dek)
	nw, err := v.wrap(rand.Reader, subject, dek)
	if err != nil {
		return WrappedKey{}, fmt.Errorf("vault: rewrap data key: %w", err)
	}
	return nw, nil
}

func (v *Vault) wrap(rand io.Reader, subject string, dek []byte) (WrappedKey, error) {
	aead := v.keks[v.current]
	out := make([]byte, 1+nonceSize, wrappedKeySize)
	out[0] = formatV1
	nonce := out[1 : 1+nonceSize]
	if _, err := io.ReadFull(rand, nonce); err != nil {
		return WrappedKey{}, err
	}
	out = aead.Seal(out, nonce, dek, wrapAD(subject, v.current))
	return WrappedKey{KEKID: v.current, Ciphertext: out}, nil
}

// unwrap returns the raw data key; the caller clears it.
func (v *Vault) unwrap(subject string, w WrappedKey) ([]byte, error) {
	aead, ok := v.keks[w.KEKID]
	if !ok {
		if validKEKID(w.KEKID) {
			return nil, fmt.Errorf("%w %q", ErrUnknownKEK, w.KEKID)
		}
		return nil, ErrUnknownKEK
	}
	if subject == "" {
		return nil, fmt.Errorf("%w: empty subject", ErrUnwrap)
	}
	c := w.Ciphertext
	if len(c) != wrappedKeySize || c[0] != formatV1 {
		return nil, fmt.Errorf("%w: malformed wrapped key", ErrUnwrap)
	}
	dek, err := aead.Open(nil, c[1:1+nonceSize], c[1+nonceSize:], wrapAD(subject, w.KEKID))
	if err != nil {
		// One message for every cause: which of subject, KEK or bytes is
		// wrong is not the caller's to learn from the error.
		return nil, ErrUnwrap
	}
	return dek, nil
}

func newAEAD(key []byte) (cipher.AEAD, error) {
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, errors.New("cannot make AES cipher")
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, errors.New("cannot make AES-GCM")
	}
	return aead, nil
}

// wrapAD is the additional data of a wrapped data key.
func wrapAD(subject, kekID string) []byte {
	return appendFields(nil, labelDEK, subject, kekID)
}

// appendFields appends each field to b as a uvarint length followed by its
// bytes. Length prefixes make the encoding injective: no two different
// lists of fields give the same bytes.
func appendFields(b []byte, fields ...string) []byte {
	for _, f := range fields {
		b = binary.AppendUvarint(b, uint64(len(f)))
		b = append(b, f...)
	}
	return b
}
