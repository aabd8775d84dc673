package auth_test

import (
	"context"
	"errors"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/havenhrd/haven"
	"github.com/havenhrd/haven/internal/auth"
)

// testParams are cheap Argon2id parameters, so that the tests run fast;
// TestDefaultParams checks the real ones.
var testParams = auth.Params{Time: 1, Memory: 64, Threads: 1}

// MustHasher returns a Hasher with cheap test parameters and the given
// number of slots.
func MustHasher(tb testing.TB, slots int) *auth.Hasher {
	tb.Helper()
	h, err := auth.NewHasher(auth.HasherConfig{Params: testParams, Floor: testParams, Slots: slots})
	if err != nil {
		tb.Fatal(err)
	}
	return h
}

func wantCode(t *testing.T, err error, code haven.ErrorCode) {
	t.Helper()
	if got := haven.ErrorCodeOf(err); got != code {
		t.Fatalf("error %v: code %q, want %q", err, got, code)
	}
}

func TestDefaultParams(t *testing.T) {
	h, err := auth.NewHasher(auth.HasherConfig{})
	if err != nil {
		t.Fatal(err)
	}
	p := h.Params()
	// OWASP ASVS 5.0 / OWASP Password Storage Cheat Sheet minimum for
	// Argon2id: t=1, m=46 MiB, p=1.
	if p.Time < 1 || p.Memory < 46*1024 || p.Threads < 1 {
		t.Fatalf("default parameters %s are below t=1, m=46 MiB, p=1", p)
	}
	if p != auth.DefaultParams() {
		t.Errorf("default hasher uses %s, want DefaultParams %s", p, auth.DefaultParams())
	}
	// RFC 9106 §4, second recommended option.
	if want := (auth.Params{Time: 3, Memory: 64 * 1024, Threads: 4}); p != want {
		t.Errorf("default parameters %s, want %s", p, want)
	}
	if f := h.Floor(); f != (auth.Params{Time: 1, Memory: 46 * 1024, Threads: 1}) || f != auth.MinParams() {
		t.Errorf("default floor %s, want t=1, m=46 MiB, p=1", f)
	}
}

func TestNewHasherRefusesWeakParams(t *testing.T) {
	for _, cfg := range []auth.HasherConfig{
		{Params: auth.Params{Time: 2, Memory: 19 * 1024, Threads: 1}}, // OWASP's m=19 MiB option is below ASVS 5.0's 46 MiB
		{Params: auth.Params{Time: 1, Memory: 46*1024 - 1, Threads: 1}},
		{Params: testParams, Floor: auth.Params{Time: 2, Memory: 64, Threads: 1}},
		{Params: auth.Params{Time: 1, Memory: 8, Threads: 2}, Floor: auth.Params{Time: 1, Memory: 8, Threads: 1}}, // m < 8p
		{Params: testParams, Floor: testParams, Slots: -1},
	} {
		if _, err := auth.NewHasher(cfg); haven.ErrorCodeOf(err) != haven.EINVALID {
			t.Errorf("NewHasher(%+v): %v, want EINVALID", cfg, err)
		}
	}
}

var phcPattern = regexp.MustCompile(`^\$argon2id\$v=19\$m=64,t=1,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$`)

func TestHashVerify(t *testing.T) {
	ctx := context.Background()
	h := MustHasher(t, 2)
	for _, pw := range []string{
		"correct horse battery staple",
		"Мой дом — моя крепость, 1989",
		"🌍🔥 moon river tango 🎺",
		" leading and trailing spaces count ",
	} {
		encoded, err := h.Hash(ctx, pw)
		if err != nil {
			t.Fatal(err)
		}
		if !phcPattern.MatchString(encoded) {
			t.Fatalf("Hash = %q, not a PHC string with a 16-byte salt and a 32-byte key", encoded)
		}
		if strings.Contains(encoded, pw) {
			t.Fatal("the hash contains the password")
		}
		again, _ := h.Hash(ctx, pw)
		if again == encoded {
			t.Error("two hashes of one password are equal: no random salt")
		}
		ok, rehash, err := h.Verify(ctx, encoded, pw)
		if err != nil || !ok || rehash {
			t.Errorf("Verify(right password) = %v, %v, %v; want true, false, nil", ok, rehash, err)
		}
		for _, wrong := range []string{"", pw + " ", strings.TrimSpace(pw), strings.ToUpper(pw), pw[:len(pw)-1]} {
			if wrong == pw {
				continue
			}
			ok, rehash, err := h.Verify(ctx, encoded, wrong)
			if err != nil || ok || rehash {
				t.Errorf("Verify(wrong password) = %v, %v, %v; want false, false, nil", ok, rehash, err)
			}
		}
	}
}

func TestHashNormalisesUnicode(t *testing.T) {
	ctx := context.Background()
	h := MustHasher(t, 1)
	composed := "caf\u00e9 cr\u00e8me br\u00fbl\u00e9e au citron"       // NFC: é is U+00E9
	decomposed := "cafe\u0301 cre\u0300me bru\u0302le\u0301e au citron" // NFD: e + combining accent
	encoded, err := h.Hash(ctx, composed)
	if err != nil {
		t.Fatal(err)
	}
	if ok, _, err := h.Verify(ctx, encoded, decomposed); !ok || err != nil {
		t.Errorf("the decomposed spelling of the password does not verify: %v, %v", ok, err)
	}
}

func TestVerifyRehash(t *testing.T) {
	ctx := context.Background()
	old := MustHasher(t, 1)
	encoded, err := old.Hash(ctx, "correct horse battery staple")
	if err != nil {
		t.Fatal(err)
	}
	stronger, err := auth.NewHasher(auth.HasherConfig{Params: auth.Params{Time: 2, Memory: 128, Threads: 1}, Floor: testParams, Slots: 1})
	if err != nil {
		t.Fatal(err)
	}
	ok, rehash, err := stronger.Verify(ctx, encoded, "correct horse battery staple")
	if !ok || !rehash || err != nil {
		t.Errorf("Verify with new parameters = %v, %v, %v; want true, true, nil", ok, rehash, err)
	}
	if _, rehash, _ := stronger.Verify(ctx, encoded, "wrong horse battery staple"); rehash {
		t.Error("a wrong password asks for a rehash")
	}
}

func TestVerifyRefusesTamperedAndWeakHashes(t *testing.T) {
	ctx := context.Background()
	h := MustHasher(t, 1)
	const pw = "correct horse battery staple"
	good, err := h.Hash(ctx, pw)
	if err != nil {
		t.Fatal(err)
	}
	f := strings.Split(good, "$") // "", argon2id, v=19, params, salt, key
	join := func(parts ...string) string { return strings.Join(parts, "$") }
	salt8 := "AAAAAAAAAAA" // 8 bytes
	tests := []struct {
		name    string
		encoded string
		want    error
	}{
		{"empty", "", auth.ErrMalformedHash},
		{"garbage", "not a hash", auth.ErrMalformedHash},
		{"argon2i", join("", "argon2i", f[2], f[3], f[4], f[5]), auth.ErrMalformedHash},
		{"argon2d", join("", "argon2d", f[2], f[3], f[4], f[5]), auth.ErrMalformedHash},
		{"bcrypt", "$2b$12$R9h/cIPz0gi.URNNX3kh2OPST9/PgBkqquzi.Ss7KIUgO2t0jWMUW", auth.ErrMalformedHash},
		{"old version", join("", "argon2id", "v=16", f[3], f[4], f[5]), auth.ErrMalformedHash},
		{"no version", join("", "argon2id", f[3], f[4], f[5]), auth.ErrMalformedHash},
		{"extra field", good + "$AAAA", auth.ErrMalformedHash},
		{"keyid param", join("", "argon2id", f[2], f[3]+",keyid=AAAA", f[4], f[5]), auth.ErrMalformedHash},
		{"params out of order", join("", "argon2id", f[2], "t=1,m=64,p=1", f[4], f[5]), auth.ErrMalformedHash},
		{"leading zero", join("", "argon2id", f[2], "m=064,t=1,p=1", f[4], f[5]), auth.ErrMalformedHash},
		{"sign", join("", "argon2id", f[2], "m=+64,t=1,p=1", f[4], f[5]), auth.ErrMalformedHash},
		{"zero time", join("", "argon2id", f[2], "m=64,t=0,p=1", f[4], f[5]), auth.ErrMalformedHash},
		{"zero threads", join("", "argon2id", f[2], "m=64,t=1,p=0", f[4], f[5]), auth.ErrMalformedHash},
		{"huge memory", join("", "argon2id", f[2], "m=4194304,t=1,p=1", f[4], f[5]), auth.ErrMalformedHash},
		{"huge time", join("", "argon2id", f[2], "m=64,t=4294967295,p=1", f[4], f[5]), auth.ErrMalformedHash},
		{"uint32 overflow", join("", "argon2id", f[2], "m=4294967296,t=1,p=1", f[4], f[5]), auth.ErrMalformedHash},
		{"padded salt", join("", "argon2id", f[2], f[3], f[4]+"==", f[5]), auth.ErrMalformedHash},
		{"url-safe base64", join("", "argon2id", f[2], f[3], strings.NewReplacer("+", "-", "/", "_").Replace(f[4])+"-_", f[5]), auth.ErrMalformedHash},
		{"empty key", join("", "argon2id", f[2], f[3], f[4], ""), auth.ErrMalformedHash},
		{"too long", good + strings.Repeat("A", 300), auth.ErrMalformedHash},
		{"short salt", join("", "argon2id", f[2], f[3], salt8, f[5]), auth.ErrWeakHash},
		{"short key", join("", "argon2id", f[2], f[3], f[4], "YWJjZGVmZ2hpamtsbW5vcA"), auth.ErrWeakHash},
		{"below floor", join("", "argon2id", f[2], "m=32,t=1,p=1", f[4], f[5]), auth.ErrWeakHash},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ok, rehash, err := h.Verify(ctx, tt.encoded, pw)
			if ok || rehash {
				t.Errorf("Verify = %v, %v; want false, false", ok, rehash)
			}
			if !errors.Is(err, tt.want) {
				t.Fatalf("Verify error %v, want %v", err, tt.want)
			}
			wantCode(t, err, haven.EINTERNAL)
			if strings.Contains(err.Error(), pw) {
				t.Error("the error contains the password")
			}
		})
	}

	// A tampered key still parses, and does not match.
	key := []byte(f[5])
	key[0] = map[bool]byte{true: 'A', false: 'B'}[key[0] != 'A']
	if ok, _, err := h.Verify(ctx, join("", "argon2id", f[2], f[3], f[4], string(key)), pw); ok || err != nil {
		t.Errorf("tampered key: %v, %v; want false, nil", ok, err)
	}
	// A tampered salt too.
	salt := []byte(f[4])
	salt[3] = map[bool]byte{true: 'x', false: 'y'}[salt[3] != 'x']
	if ok, _, err := h.Verify(ctx, join("", "argon2id", f[2], f[3], string(salt), f[5]), pw); ok || err != nil {
		t.Errorf("tampered salt: %v, %v; want false, nil", ok, err)
	}
}

func TestVerifyRefusesBelowASVSMinimum(t *testing.T) {
	// The production hasher refuses stored hashes weaker than t=1, m=46
	// MiB, p=1, such as OWASP's m=19 MiB, t=2 option. Verify refuses
	// before hashing, so this costs nothing.
	h, err := auth.NewHasher(auth.HasherConfig{})
	if err != nil {
		t.Fatal(err)
	}
	const salt, key = "c29tZXNhbHRzb21lc2FsdA", "YWJjZGVmZ2hpamtsbW5vcHFyc3R1dnd4eXphYmNkZWY"
	for _, params := range []string{"m=19456,t=2,p=1", "m=47103,t=1,p=1", "m=64,t=1,p=1"} {
		_, _, err := h.Verify(context.Background(), "$argon2id$v=19$"+params+"$"+salt+"$"+key, "x")
		if !errors.Is(err, auth.ErrWeakHash) {
			t.Errorf("%s: %v, want ErrWeakHash", params, err)
		}
	}
}

func TestPasswordTooLong(t *testing.T) {
	ctx := context.Background()
	h := MustHasher(t, 1)
	long := strings.Repeat("a", auth.MaxPasswordBytes+1)
	if _, err := h.Hash(ctx, long); haven.ErrorCodeOf(err) != haven.EINVALID {
		t.Errorf("Hash(too long): %v, want EINVALID", err)
	}
	encoded, _ := h.Hash(ctx, strings.Repeat("a", auth.MaxPasswordBytes))
	if ok, _, err := h.Verify(ctx, encoded, strings.Repeat("a", auth.MaxPasswordBytes)); !ok || err != nil {
		t.Errorf("Verify(longest password): %v, %v", ok, err)
	}
	if ok, _, err := h.Verify(ctx, encoded, long); ok || err != nil {
		t.Errorf("Verify(too long): %v, %v; want false, nil", ok, err)
	}
}

func TestVerifyDummy(t *testing.T) {
	h := MustHasher(t, 1)
	if err := h.VerifyDummy(context.Background(), "any password at all"); err != nil {
		t.Fatal(err)
	}
	release := auth.HoldSlot(h)
	defer release()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Millisecond)
	defer cancel()
	wantCode(t, h.VerifyDummy(ctx, "any password at all"), haven.EUNAVAILABLE)
}

func TestConcurrencyCap(t *testing.T) {
	h := MustHasher(t, 1)
	release := auth.HoldSlot(h)

	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := h.Hash(ctx, "correct horse battery staple")
	wantCode(t, err, haven.EUNAVAILABLE)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("cause %v, want the context's deadline", err)
	}
	if waited := time.Since(start); waited < 15*time.Millisecond {
		t.Errorf("gave up after %v, before the deadline", waited)
	}
	_, _, err = h.Verify(ctx, "$argon2id$v=19$m=64,t=1,p=1$c29tZXNhbHRzb21lc2FsdA$YWJjZGVmZ2hpamtsbW5vcHFyc3R1dnd4eXphYmNkZWY", "x")
	wantCode(t, err, haven.EUNAVAILABLE)

	cancelled, cancelNow := context.WithCancel(context.Background())
	cancelNow()
	release()
	_, err = h.Hash(cancelled, "correct horse battery staple")
	wantCode(t, err, haven.EUNAVAILABLE)

	if _, err := h.Hash(context.Background(), "correct horse battery staple"); err != nil {
		t.Fatalf("Hash after the slot was released: %v", err)
	}
}

func TestConcurrencyCapRealHashes(t *testing.T) {
	// One slot; a slow hash holds it while a second Hash with a short
	// deadline gives up.
	slow := auth.Params{Time: 4, Memory: 64 * 1024, Threads: 1}
	h, err := auth.NewHasher(auth.HasherConfig{Params: slow, Slots: 1})
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	wg.Add(1)
	var firstErr error
	go func() {
		defer wg.Done()
		_, firstErr = h.Hash(context.Background(), "first caller's password")
	}()
	for auth.SlotsInUse(h) == 0 {
		time.Sleep(100 * time.Microsecond)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Millisecond)
	defer cancel()
	_, err = h.Hash(ctx, "second caller's password")
	wantCode(t, err, haven.EUNAVAILABLE)
	wg.Wait()
	if firstErr != nil {
		t.Fatalf("the first hash failed: %v", firstErr)
	}
}

func TestMaxWaitWithoutDeadline(t *testing.T) {
	h, err := auth.NewHasher(auth.HasherConfig{Params: testParams, Floor: testParams, Slots: 1, MaxWait: 20 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	release := auth.HoldSlot(h)
	defer release()
	_, err = h.Hash(context.Background(), "correct horse battery staple")
	wantCode(t, err, haven.EUNAVAILABLE)
}

// BenchmarkHashDefault measures one hash with the default parameters
// (t=3, m=64 MiB, p=4). On the project's 2-core machine, idle: 73-77 ms.
func BenchmarkHashDefault(b *testing.B) {
	h, err := auth.NewHasher(auth.HasherConfig{})
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	for b.Loop() {
		if _, err := h.Hash(ctx, "correct horse battery staple"); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkHashDefaultParallel measures hashes with the default parameters
// and the default 2 slots kept busy: the time per hash is the inverse of
// the login throughput of one Haven process.
func BenchmarkHashDefaultParallel(b *testing.B) {
	h, err := auth.NewHasher(auth.HasherConfig{MaxWait: time.Minute})
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := h.Hash(ctx, "correct horse battery staple"); err != nil {
				b.Error(err)
				return
			}
		}
	})
}
