package vault

import (
	"crypto/cipher"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
)

// sealOverhead is what Seal adds to a plaintext: version byte, nonce and
// GCM tag.
const sealOverhead = 1 + nonceSize + 16

// ErrOpen is returned, possibly wrapped, when a sealed value does not open:
// it was sealed under another data key or another Binding (moved to another
// subject, table, column or row), a byte was altered, it is truncated, or
// its version byte is unknown. The causes are deliberately not told apart.
var ErrOpen = errors.New("vault: cannot open sealed value")

// ErrBinding is returned, wrapped, when a Binding cannot be used to seal:
// a component is empty, or its subject is not the data key's subject.
var ErrBinding = errors.New("vault: invalid binding")

// Binding names where a sealed value lives; it is the additional data of the
// seal, so a ciphertext moved to another subject, table, column or row fails
// to open. All four components must be non-empty.
type Binding struct {
	// Subject is the id of the case or nomination whose data key seals the
	// value.
	Subject string
	// Table is the table that holds the value.
	Table string
	// Column is the column that holds the value.
	Column string
	// Row is the primary key of the row that holds the value.
	Row string
}

func (b Binding) check() error {
	switch {
	case b.Subject == "":
		return fmt.Errorf("%w: empty subject", ErrBinding)
	case b.Table == "":
		return fmt.Errorf("%w: empty table", ErrBinding)
	case b.Column == "":
		return fmt.Errorf("%w: empty column", ErrBinding)
	case b.Row == "":
		return fmt.Errorf("%w: empty row", ErrBinding)
	}
	return nil
}

func (b Binding) ad() []byte {
	return appendFields(nil, labelSeal, b.Subject, b.Table, b.Column, b.Row)
}

// DataKey is one subject's (one case's or one nomination's) 256-bit data
// key, unwrapped in memory. Get one from Vault.NewDataKey or Vault.Unwrap.
// It is safe for concurrent use; the zero DataKey is not usable. Drop it when the request is done; it is
// not meant to be cached.
type DataKey struct {
	subject string
	aead    cipher.AEAD
}

func newDataKey(subject string, dek []byte) (*DataKey, error) {
	aead, err := newAEAD(dek)
	if err != nil {
		return nil, err
	}
	return &DataKey{subject: subject, aead: aead}, nil
}

// Subject returns the subject the key belongs to.
func (k *DataKey) Subject() string { return k.subject }

// Seal encrypts plaintext for the place b names. A nil or empty plaintext
// gives a nil ciphertext, to be stored as NULL. Otherwise the result is
// 0x01 || 12-byte random nonce (from crypto/rand) || GCM ciphertext and
// tag. It returns an error wrapping ErrBinding if a component of b is empty
// or b.Subject is not the key's subject.
func (k *DataKey) Seal(plaintext []byte, b Binding) ([]byte, error) {
	if err := b.check(); err != nil {
		return nil, fmt.Errorf("vault: seal: %w", err)
	}
	if b.Subject != k.subject {
		return nil, fmt.Errorf("vault: seal: %w: subject is not the data key's subject", ErrBinding)
	}
	if len(plaintext) == 0 {
		return nil, nil
	}
	out := make([]byte, 1+nonceSize, len(plaintext)+sealOverhead)
	out[0] = formatV1
	nonce := out[1 : 1+nonceSize]
	if _, err := io.ReadFull(rand.Reader, nonce); err != nil {
		return nil, fmt.Errorf("vault: seal: %w", err)
	}
	return k.aead.Seal(out, nonce, plaintext, b.ad()), nil
}

// Open decrypts a value sealed by Seal for the same Binding. A nil or empty
// ciphertext (NULL) gives nil and no error. Any other failure, including a
// Binding that differs in any component or names another subject than the
// key's, is an error wrapping ErrOpen.
func (k *DataKey) Open(ciphertext []byte, b Binding) ([]byte, error) {
	if len(ciphertext) == 0 {
		return nil, nil
	}
	if b.check() != nil || b.Subject != k.subject {
		return nil, fmt.Errorf("%w: binding does not match the data key", ErrOpen)
	}
	if len(ciphertext) < sealOverhead+1 {
		return nil, fmt.Errorf("%w: too short", ErrOpen)
	}
	if ciphertext[0] != formatV1 {
		return nil, fmt.Errorf("%w: unknown format version", ErrOpen)
	}
	pt, err := k.aead.Open(nil, ciphertext[1:1+nonceSize], ciphertext[1+nonceSize:], b.ad())
	if err != nil {
		return nil, ErrOpen
	}
	return pt, nil
}

// SealString is Seal for a string: an empty s gives a nil ciphertext.
func (k *DataKey) SealString(s string, b Binding) ([]byte, error) {
	return k.Seal([]byte(s), b)
}

// OpenString is Open returning a string: a nil ciphertext gives "".
func (k *DataKey) OpenString(c []byte, b Binding) (string, error) {
	pt, err := k.Open(c, b)
	if err != nil {
		return "", err
	}
	return string(pt), nil
}
