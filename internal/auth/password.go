package auth

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"golang.org/x/crypto/argon2"
	"golang.org/x/text/unicode/norm"

	"github.com/havenhrd/haven"
)

// Params are the cost parameters of Argon2id (RFC 9106).
type Params struct {
	// Time is the number of passes over the memory (t).
	Time uint32
	// Memory is the memory size in KiB (m).
	Memory uint32
	// Threads is the degree of parallelism, the number of lanes (p).
	Threads uint8
}

// String formats p as in a PHC string: "m=65536,t=3,p=4".
func (p Params) String() string {
	return fmt.Sprintf("m=%d,t=%d,p=%d", p.Memory, p.Time, p.Threads)
}

// atLeast reports whether p is at least as costly as floor in every
// parameter.
func (p Params) atLeast(floor Params) bool {
	return p.Time >= floor.Time && p.Memory >= floor.Memory && p.Threads >= floor.Threads
}

// DefaultParams returns the parameters new hashes are made with: the second
// recommended option of RFC 9106 §4, t=3, m=64 MiB, p=4. Measured on the
// project's 2-core machine (go test -bench HashDefault ./internal/auth/) one
// hash takes about 75 ms alone, and a 2-slot Hasher kept busy completes 10 to
// 13 a second; README.md has the figures.
func DefaultParams() Params { return Params{Time: 3, Memory: 64 * 1024, Threads: 4} }

// MinParams returns the weakest parameters a Hasher accepts by default: the
// Argon2id minimum of OWASP ASVS 5.0 and the OWASP Password Storage Cheat
// Sheet, t=1, m=46 MiB, p=1. Verify refuses a stored hash made with less.
func MinParams() Params { return Params{Time: 1, Memory: 46 * 1024, Threads: 1} }

// Limits of stored hashes, so that a tampered row cannot make Verify spend
// unbounded memory or time.
const (
	saltLen      = 16 // bytes of random salt in new hashes
	keyLen       = 32 // bytes of derived key in new hashes
	maxSaltLen   = 64
	maxKeyLen    = 64
	maxMemory    = 1 << 20 // KiB: 1 GiB
	maxTime      = 64
	maxThreads   = 64
	maxEncodedSz = 256
)

// MaxPasswordBytes is the longest password accepted, in bytes of UTF-8: at
// least 256 characters in any script, so that long passphrases fit, while a
// request cannot make the server hash megabytes.
const MaxPasswordBytes = 1024

// DefaultSlots is how many password hashes a Hasher computes at once unless
// configured otherwise: one per core of the project's machine. Each slot holds
// Params.Memory while it runs, so memory use stays under Slots × Memory
// however many login attempts arrive.
const DefaultSlots = 2

// DefaultMaxWait is how long a caller waits for a free slot when its context
// has no earlier deadline.
const DefaultMaxWait = 5 * time.Second

// Errors of stored password hashes, found with errors.Is in the cause of the
// *haven.Error that Verify returns.
var (
	// ErrMalformedHash: the stored string is not an Argon2id PHC string this
	// package writes.
	ErrMalformedHash = errors.New("auth: malformed password hash")
	// ErrWeakHash: the stored hash was made with parameters below the floor.
	ErrWeakHash = errors.New("auth: password hash parameters below the minimum")
)

// HasherConfig configures a Hasher. The zero value is the production setting.
type HasherConfig struct {
	// Params are used for new hashes. Zero means DefaultParams.
	Params Params
	// Floor is the weakest stored hash Verify accepts, and the weakest Params
	// NewHasher accepts. Zero means MinParams. Only tests lower it, to run
	// fast: a production configuration never sets it.
	Floor Params
	// Slots caps the hashes computed at once. Zero means DefaultSlots.
	Slots int
	// MaxWait caps the wait for a slot. Zero means DefaultMaxWait.
	MaxWait time.Duration
}

// Hasher hashes and verifies passwords with Argon2id. Its methods are safe
// for concurrent use; at most Slots of them compute at once and the others
// wait, up to their context's deadline or MaxWait, then fail with
// haven.EUNAVAILABLE.
//
// Passwords are normalised to Unicode NFKC before hashing, as NIST SP 800-63B
// recommends, so that the same passphrase typed on systems that compose
// accents differently verifies. They are otherwise hashed as given: no
// trimming, no truncation.
type Hasher struct {
	params  Params
	floor   Params
	slots   chan struct{}
	maxWait time.Duration
	// dummySalt and dummyKey make VerifyDummy do the work of Verify.
	dummySalt []byte
	dummyKey  []byte
}

// NewHasher returns a Hasher configured by cfg. It returns EINVALID when the
// parameters are below the floor or out of range.
func NewHasher(cfg HasherConfig) (*Hasher, error) {
	const op = "auth.NewHasher"
	if cfg.Params == (Params{}) {
		cfg.Params = DefaultParams()
	}
	if cfg.Floor == (Params{}) {
		cfg.Floor = MinParams()
	}
	if cfg.Slots == 0 {
		cfg.Slots = DefaultSlots
	}
	if cfg.MaxWait == 0 {
		cfg.MaxWait = DefaultMaxWait
	}
	switch {
	case !cfg.Params.atLeast(cfg.Floor):
		return nil, haven.Errorf(haven.EINVALID, op, "Argon2id parameters %s are below the minimum %s", cfg.Params, cfg.Floor)
	case !validParams(cfg.Params) || !validParams(cfg.Floor):
		return nil, haven.Errorf(haven.EINVALID, op, "Argon2id parameters out of range")
	case cfg.Slots < 1:
		return nil, haven.Errorf(haven.EINVALID, op, "slots must be at least 1")
	case cfg.MaxWait < 0:
		return nil, haven.Errorf(haven.EINVALID, op, "max wait must not be negative")
	}
	h := &Hasher{
		params:    cfg.Params,
		floor:     cfg.Floor,
		slots:     make(chan struct{}, cfg.Slots),
		maxWait:   cfg.MaxWait,
		dummySalt: make([]byte, saltLen),
		dummyKey:  make([]byte, keyLen),
	}
	rand.Read(h.dummySalt)
	rand.Read(h.dummyKey)
	return h, nil
}

// Params returns the parameters h makes new hashes with.
func (h *Hasher) Params() Params { return h.params }

// Floor returns the weakest parameters h accepts.
func (h *Hasher) Floor() Params { return h.floor }

// Hash returns the PHC string of password, with a new random salt:
// "$argon2id$v=19$m=65536,t=3,p=4$<salt>$<key>" (unpadded standard base64).
// It does not apply the password policy: call CheckPassword first.
// It returns EINVALID when password is longer than MaxPasswordBytes and
// EUNAVAILABLE when no slot frees up in time.
func (h *Hasher) Hash(ctx context.Context, password string) (string, error) {
	const op = "auth.Hash"
	if len(password) > MaxPasswordBytes {
		return "", haven.Errorf(haven.EINVALID, op, "the password is too long")
	}
	salt := make([]byte, saltLen)
	rand.Read(salt) // never fails: crypto/rand.Read crashes the program rather than return an error
	release, err := h.acquire(ctx, op)
	if err != nil {
		return "", err
	}
	key := argon2.IDKey([]byte(norm.NFKC.String(password)), salt, h.params.Time, h.params.Memory, h.params.Threads, keyLen)
	release()
	return encodePHC(phc{params: h.params, salt: salt, key: key}), nil
}

// Verify reports whether password matches the stored PHC string encoded,
// comparing in constant time. When it matches, rehash reports that encoded
// was made with other parameters than h's: the caller should store a new
// Hash of the password.
//
// It returns an EINTERNAL error, whose cause is ErrMalformedHash or
// ErrWeakHash, when encoded is not an Argon2id hash this package accepts
// (the stored row is corrupt or was tampered with), and EUNAVAILABLE when no
// slot frees up in time. A password longer than MaxPasswordBytes never
// matches.
func (h *Hasher) Verify(ctx context.Context, encoded, password string) (ok, rehash bool, err error) {
	const op = "auth.Verify"
	stored, err := decodePHC(encoded)
	if err != nil {
		return false, false, haven.Internal(op, err)
	}
	if !stored.params.atLeast(h.floor) || len(stored.salt) < saltLen || len(stored.key) < keyLen {
		return false, false, haven.Internal(op, fmt.Errorf("%w: %s", ErrWeakHash, stored.params))
	}
	if len(password) > MaxPasswordBytes {
		return false, false, nil
	}
	release, err := h.acquire(ctx, op)
	if err != nil {
		return false, false, err
	}
	key := argon2.IDKey([]byte(norm.NFKC.String(password)), stored.salt, stored.params.Time, stored.params.Memory, stored.params.Threads, uint32(len(stored.key)))
	release()
	if subtle.ConstantTimeCompare(key, stored.key) != 1 {
		return false, false, nil
	}
	rehash = stored.params != h.params || len(stored.salt) != saltLen || len(stored.key) != keyLen
	return true, rehash, nil
}

// VerifyDummy does the work of a failed Verify with h's parameters and
// returns. Call it when the account is unknown (or has no password), so that
// the response takes as long as for a wrong password and does not tell an
// attacker which usernames exist. It returns EUNAVAILABLE when no slot frees
// up in time, as Verify would.
func (h *Hasher) VerifyDummy(ctx context.Context, password string) error {
	const op = "auth.Verify"
	// Parse a PHC string as Verify does, so that the two paths match to the
	// microsecond as well.
	stored, err := decodePHC(encodePHC(phc{params: h.params, salt: h.dummySalt, key: h.dummyKey}))
	if err != nil {
		return haven.Internal(op, err)
	}
	if len(password) > MaxPasswordBytes {
		return nil
	}
	release, err := h.acquire(ctx, op)
	if err != nil {
		return err
	}
	key := argon2.IDKey([]byte(norm.NFKC.String(password)), stored.salt, stored.params.Time, stored.params.Memory, stored.params.Threads, uint32(len(stored.key)))
	release()
	subtle.ConstantTimeCompare(key, stored.key)
	return nil
}

// acquire takes a slot, waiting up to ctx's deadline or h.maxWait, whichever
// is sooner. The caller must call release once the hash is computed.
func (h *Hasher) acquire(ctx context.Context, op string) (release func(), err error) {
	busy := func(cause error) error {
		return &haven.Error{Code: haven.EUNAVAILABLE, Op: op, Message: "the server is busy; try again in a moment", Err: cause}
	}
	if err := ctx.Err(); err != nil {
		return nil, busy(err)
	}
	release = func() { <-h.slots }
	select {
	case h.slots <- struct{}{}:
		return release, nil
	default:
	}
	ctx, cancel := context.WithTimeout(ctx, h.maxWait)
	defer cancel()
	select {
	case h.slots <- struct{}{}:
		return release, nil
	case <-ctx.Done():
		return nil, busy(fmt.Errorf("waiting for a password hashing slot: %w", ctx.Err()))
	}
}

// phc is a decoded Argon2id PHC string.
type phc struct {
	params    Params
	salt, key []byte
}

var b64 = base64.RawStdEncoding.Strict()

func encodePHC(p phc) string {
	return fmt.Sprintf("$argon2id$v=%d$%s$%s$%s", argon2.Version, p.params, b64.EncodeToString(p.salt), b64.EncodeToString(p.key))
}

// decodePHC parses s strictly: the only form accepted is the one encodePHC
// writes, so that no two strings decode to the same hash and no optional
// PHC field (keyid, data) slips through.
func decodePHC(s string) (phc, error) {
	bad := func(why string) (phc, error) { return phc{}, fmt.Errorf("%w: %s", ErrMalformedHash, why) }
	if len(s) > maxEncodedSz {
		return bad("too long")
	}
	f := strings.Split(s, "$")
	if len(f) != 6 || f[0] != "" {
		return bad("not a PHC string")
	}
	if f[1] != "argon2id" {
		return bad("not argon2id")
	}
	if f[2] != "v="+strconv.Itoa(argon2.Version) {
		return bad("unsupported version")
	}
	var p phc
	kv := strings.Split(f[3], ",")
	if len(kv) != 3 {
		return bad("parameters")
	}
	var ok [3]bool
	var m, t, th uint64
	m, ok[0] = decimalParam(kv[0], "m=")
	t, ok[1] = decimalParam(kv[1], "t=")
	th, ok[2] = decimalParam(kv[2], "p=")
	if ok != [3]bool{true, true, true} || th > 255 {
		return bad("parameters")
	}
	p.params = Params{Time: uint32(t), Memory: uint32(m), Threads: uint8(th)}
	if !validParams(p.params) {
		return bad("parameters out of range")
	}
	var err error
	if p.salt, err = b64.DecodeString(f[4]); err != nil || len(p.salt) == 0 || len(p.salt) > maxSaltLen {
		return bad("salt")
	}
	if p.key, err = b64.DecodeString(f[5]); err != nil || len(p.key) == 0 || len(p.key) > maxKeyLen {
		return bad("key")
	}
	if encodePHC(p) != s {
		return bad("not canonical")
	}
	return p, nil
}

// decimalParam parses "name=digits" with at most 10 digits into a uint32
// range value.
func decimalParam(s, name string) (uint64, bool) {
	d, found := strings.CutPrefix(s, name)
	if !found || d == "" || len(d) > 10 || (len(d) > 1 && d[0] == '0') {
		return 0, false
	}
	for _, c := range []byte(d) {
		if c < '0' || c > '9' {
			return 0, false
		}
	}
	v, err := strconv.ParseUint(d, 10, 32)
	return v, err == nil
}

// validParams reports whether p is in the range this package computes:
// positive, within the caps, and with the 8 KiB per lane Argon2 requires.
func validParams(p Params) bool {
	return p.Time >= 1 && p.Time <= maxTime &&
		p.Threads >= 1 && p.Threads <= maxThreads &&
		p.Memory >= 8*uint32(p.Threads) && p.Memory <= maxMemory
}
