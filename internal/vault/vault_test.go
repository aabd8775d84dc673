package vault_test

import (
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"sync"
	"testing"
	"testing/iotest"

	"golang.org/x/mod/sumdb/note"

	"github.com/havenhrd/haven/internal/vault"
)

// MustKeyring returns a new random keyring or fails the test.
func MustKeyring(tb testing.TB) *vault.Keyring {
	tb.Helper()
	k, err := vault.GenerateKeyring(nil)
	if err != nil {
		tb.Fatalf("GenerateKeyring: %v", err)
	}
	return k
}

// MustVault returns a vault for k or fails the test.
func MustVault(tb testing.TB, k *vault.Keyring) *vault.Vault {
	tb.Helper()
	v, err := vault.New(k)
	if err != nil {
		tb.Fatalf("New: %v", err)
	}
	return v
}

// MustDataKey returns a new data key for subject and its wrapped form, or
// fails the test.
func MustDataKey(tb testing.TB, v *vault.Vault, subject string) (*vault.DataKey, vault.WrappedKey) {
	tb.Helper()
	k, w, err := v.NewDataKey(nil, subject)
	if err != nil {
		tb.Fatalf("NewDataKey(%q): %v", subject, err)
	}
	return k, w
}

// MustSeal seals s for b or fails the test.
func MustSeal(tb testing.TB, k *vault.DataKey, s string, b vault.Binding) []byte {
	tb.Helper()
	c, err := k.SealString(s, b)
	if err != nil {
		tb.Fatalf("SealString: %v", err)
	}
	return c
}

func binding(subject string) vault.Binding {
	return vault.Binding{Subject: subject, Table: "persons", Column: "full_name", Row: "person-1"}
}

func TestSealOpenRoundTrip(t *testing.T) {
	v := MustVault(t, MustKeyring(t))
	k, _ := MustDataKey(t, v, "case-1")
	b := binding("case-1")
	tests := []struct {
		name string
		in   string
	}{
		{"ascii", "Jane Doe"},
		{"latin accents", "José García Márquez"},
		{"arabic", "محمد عبد الله الحسن"},
		{"persian with zwnj", "می\u200cخواهم"},
		{"cyrillic", "Анна Степановна Политковская"},
		{"chinese", "刘晓波"},
		{"devanagari", "अरुंधति रॉय"},
		{"emoji", "🕊️ safe"},
		{"nul bytes", "a\x00b\x00"},
		{"invalid utf-8", "\xff\xfe\xfd"},
		{"one byte", "x"},
		{"long", strings.Repeat("whereabouts; ", 10000)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := MustSeal(t, k, tt.in, b)
			if len(c) != len(tt.in)+1+12+16 {
				t.Errorf("len(ciphertext) = %d, want %d", len(c), len(tt.in)+29)
			}
			if c[0] != 0x01 {
				t.Errorf("version byte = %#x, want 0x01", c[0])
			}
			if len(tt.in) >= 4 && bytes.Contains(c, []byte(tt.in)) {
				t.Error("ciphertext contains the plaintext")
			}
			got, err := k.OpenString(c, b)
			if err != nil {
				t.Fatalf("OpenString: %v", err)
			}
			if got != tt.in {
				t.Errorf("OpenString = %q, want %q", got, tt.in)
			}
			again := MustSeal(t, k, tt.in, b)
			if bytes.Equal(c, again) {
				t.Error("two seals of the same value are equal; nonces must be fresh")
			}
		})
	}
}

func TestSealEmpty(t *testing.T) {
	v := MustVault(t, MustKeyring(t))
	k, _ := MustDataKey(t, v, "case-1")
	b := binding("case-1")
	for _, in := range [][]byte{nil, {}} {
		c, err := k.Seal(in, b)
		if err != nil || c != nil {
			t.Errorf("Seal(%#v) = %#v, %v; want nil, nil", in, c, err)
		}
	}
	if c := MustSeal(t, k, "", b); c != nil {
		t.Errorf(`SealString("") = %#v, want nil`, c)
	}
	for _, c := range [][]byte{nil, {}} {
		got, err := k.Open(c, b)
		if err != nil || got != nil {
			t.Errorf("Open(%#v) = %#v, %v; want nil, nil", c, got, err)
		}
		s, err := k.OpenString(c, b)
		if err != nil || s != "" {
			t.Errorf("OpenString(%#v) = %q, %v; want \"\", nil", c, s, err)
		}
	}
}

func TestSealBindingErrors(t *testing.T) {
	v := MustVault(t, MustKeyring(t))
	k, _ := MustDataKey(t, v, "case-1")
	const secret = "secret-plaintext"
	tests := []struct {
		name string
		b    vault.Binding
	}{
		{"other subject", vault.Binding{Subject: "case-2", Table: "t", Column: "c", Row: "r"}},
		{"empty subject", vault.Binding{Table: "t", Column: "c", Row: "r"}},
		{"empty table", vault.Binding{Subject: "case-1", Column: "c", Row: "r"}},
		{"empty column", vault.Binding{Subject: "case-1", Table: "t", Row: "r"}},
		{"empty row", vault.Binding{Subject: "case-1", Table: "t", Column: "c"}},
		{"zero", vault.Binding{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := k.SealString(secret, tt.b)
			if !errors.Is(err, vault.ErrBinding) {
				t.Fatalf("SealString err = %v, want ErrBinding", err)
			}
			if c != nil {
				t.Error("SealString returned a ciphertext with its error")
			}
			if strings.Contains(err.Error(), secret) {
				t.Errorf("error %q contains the plaintext", err)
			}
		})
	}
}

func TestOpenMovedCiphertext(t *testing.T) {
	v := MustVault(t, MustKeyring(t))
	kA, _ := MustDataKey(t, v, "case-A")
	kB, _ := MustDataKey(t, v, "case-B")
	b := vault.Binding{Subject: "case-A", Table: "persons", Column: "full_name", Row: "p-1"}
	c := MustSeal(t, kA, "Defender A", b)

	tests := []struct {
		name string
		key  *vault.DataKey
		b    vault.Binding
	}{
		{"other subject, same key", kA, vault.Binding{Subject: "case-B", Table: "persons", Column: "full_name", Row: "p-1"}},
		{"other table", kA, vault.Binding{Subject: "case-A", Table: "contacts", Column: "full_name", Row: "p-1"}},
		{"other column", kA, vault.Binding{Subject: "case-A", Table: "persons", Column: "location", Row: "p-1"}},
		{"other row", kA, vault.Binding{Subject: "case-A", Table: "persons", Column: "full_name", Row: "p-2"}},
		{"empty row", kA, vault.Binding{Subject: "case-A", Table: "persons", Column: "full_name"}},
		// Without length prefixes these two would give the same bytes.
		{"shifted boundary table/column", kA, vault.Binding{Subject: "case-A", Table: "personsfull", Column: "_name", Row: "p-1"}},
		{"shifted boundary column/row", kA, vault.Binding{Subject: "case-A", Table: "persons", Column: "full_namep", Row: "-1"}},
		{"other subject's key, other subject", kB, vault.Binding{Subject: "case-B", Table: "persons", Column: "full_name", Row: "p-1"}},
		{"other subject's key, original binding", kB, b},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.key.Open(c, tt.b)
			if !errors.Is(err, vault.ErrOpen) {
				t.Fatalf("Open err = %v, want ErrOpen", err)
			}
			if got != nil {
				t.Error("Open returned plaintext with its error")
			}
			if strings.Contains(err.Error(), "Defender") {
				t.Errorf("error %q contains the plaintext", err)
			}
		})
	}
	if got, err := kA.OpenString(c, b); err != nil || got != "Defender A" {
		t.Errorf("OpenString with the right binding = %q, %v", got, err)
	}
}

func TestOpenTamper(t *testing.T) {
	v := MustVault(t, MustKeyring(t))
	k, _ := MustDataKey(t, v, "case-1")
	b := binding("case-1")
	c := MustSeal(t, k, "Sana'a, Hadda street", b)
	for i := range c {
		for _, mask := range []byte{0x01, 0x80, 0xff} {
			bad := bytes.Clone(c)
			bad[i] ^= mask
			if _, err := k.Open(bad, b); !errors.Is(err, vault.ErrOpen) {
				t.Errorf("byte %d ^ %#x: Open err = %v, want ErrOpen", i, mask, err)
			}
		}
	}
	for n := 1; n < len(c); n++ {
		if _, err := k.Open(c[:n], b); !errors.Is(err, vault.ErrOpen) {
			t.Errorf("truncated to %d bytes: Open err = %v, want ErrOpen", n, err)
		}
	}
	if _, err := k.Open(append(bytes.Clone(c), 0), b); !errors.Is(err, vault.ErrOpen) {
		t.Errorf("extended by one byte: Open err = %v, want ErrOpen", err)
	}
}

func TestOpenWrongVersion(t *testing.T) {
	v := MustVault(t, MustKeyring(t))
	k, _ := MustDataKey(t, v, "case-1")
	b := binding("case-1")
	c := MustSeal(t, k, "value", b)
	for _, ver := range []byte{0x00, 0x02, 0x7f, 0xff} {
		t.Run(fmt.Sprintf("%#02x", ver), func(t *testing.T) {
			bad := bytes.Clone(c)
			bad[0] = ver
			if _, err := k.Open(bad, b); !errors.Is(err, vault.ErrOpen) {
				t.Errorf("Open err = %v, want ErrOpen", err)
			}
		})
	}
}

func TestUnwrap(t *testing.T) {
	kr := MustKeyring(t)
	v := MustVault(t, kr)
	k, w := MustDataKey(t, v, "case-1")
	if w.KEKID != kr.Current.ID || w.KEKID != v.CurrentKEKID() {
		t.Errorf("KEKID = %q, want current %q", w.KEKID, kr.Current.ID)
	}
	b := binding("case-1")
	c := MustSeal(t, k, "value", b)

	u, err := v.Unwrap("case-1", w)
	if err != nil {
		t.Fatalf("Unwrap: %v", err)
	}
	if u.Subject() != "case-1" {
		t.Errorf("Subject = %q", u.Subject())
	}
	if got, err := u.OpenString(c, b); err != nil || got != "value" {
		t.Errorf("unwrapped key: OpenString = %q, %v", got, err)
	}

	rotated, err := kr.Rotate(nil)
	if err != nil {
		t.Fatal(err)
	}
	tamper := func(i int) vault.WrappedKey {
		c := bytes.Clone(w.Ciphertext)
		c[i] ^= 1
		return vault.WrappedKey{KEKID: w.KEKID, Ciphertext: c}
	}
	tests := []struct {
		name    string
		v       *vault.Vault
		subject string
		w       vault.WrappedKey
		want    error
	}{
		{"wrong subject", v, "case-2", w, vault.ErrUnwrap},
		{"empty subject", v, "", w, vault.ErrUnwrap},
		{"subject prefix", v, "case-", w, vault.ErrUnwrap},
		{"unknown KEK", v, "case-1", vault.WrappedKey{KEKID: "kek-00000000", Ciphertext: w.Ciphertext}, vault.ErrUnknownKEK},
		{"malformed KEK id", v, "case-1", vault.WrappedKey{KEKID: "no such\nkek", Ciphertext: w.Ciphertext}, vault.ErrUnknownKEK},
		{"KEK id of another KEK", MustVault(t, rotated), "case-1", vault.WrappedKey{KEKID: rotated.Current.ID, Ciphertext: w.Ciphertext}, vault.ErrUnwrap},
		{"tampered version", v, "case-1", tamper(0), vault.ErrUnwrap},
		{"tampered nonce", v, "case-1", tamper(5), vault.ErrUnwrap},
		{"tampered key", v, "case-1", tamper(20), vault.ErrUnwrap},
		{"tampered tag", v, "case-1", tamper(len(w.Ciphertext) - 1), vault.ErrUnwrap},
		{"truncated", v, "case-1", vault.WrappedKey{KEKID: w.KEKID, Ciphertext: w.Ciphertext[:len(w.Ciphertext)-1]}, vault.ErrUnwrap},
		{"empty", v, "case-1", vault.WrappedKey{KEKID: w.KEKID}, vault.ErrUnwrap},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			k, err := tt.v.Unwrap(tt.subject, tt.w)
			if !errors.Is(err, tt.want) {
				t.Fatalf("Unwrap err = %v, want %v", err, tt.want)
			}
			if k != nil {
				t.Error("Unwrap returned a key with its error")
			}
			assertNoKeyMaterial(t, err.Error(), rotated)
		})
	}
}

func TestRotation(t *testing.T) {
	kr1 := MustKeyring(t)
	v1 := MustVault(t, kr1)
	k, w1 := MustDataKey(t, v1, "case-1")
	b := binding("case-1")
	c := MustSeal(t, k, "Минск, ул. Ленина", b)
	idx1 := v1.BlindIndex("unhcr_case_number", "ABC-123")

	kr2, err := kr1.Rotate(nil)
	if err != nil {
		t.Fatalf("Rotate: %v", err)
	}
	v2 := MustVault(t, kr2)
	if v2.CurrentKEKID() == v1.CurrentKEKID() {
		t.Fatal("rotation kept the current KEK id")
	}

	// A key not yet re-wrapped still unwraps through Previous.
	if _, err := v2.Unwrap("case-1", w1); err != nil {
		t.Fatalf("rotated vault: Unwrap of old wrapped key: %v", err)
	}

	w2, err := v2.Rewrap("case-1", w1)
	if err != nil {
		t.Fatalf("Rewrap: %v", err)
	}
	if w2.KEKID != kr2.Current.ID {
		t.Errorf("Rewrap KEKID = %q, want %q", w2.KEKID, kr2.Current.ID)
	}
	if bytes.Equal(w2.Ciphertext, w1.Ciphertext) {
		t.Error("Rewrap left the wrapped key unchanged")
	}
	u, err := v2.Unwrap("case-1", w2)
	if err != nil {
		t.Fatalf("Unwrap of re-wrapped key: %v", err)
	}
	if got, err := u.OpenString(c, b); err != nil || got != "Минск, ул. Ленина" {
		t.Errorf("old ciphertext under re-wrapped key: OpenString = %q, %v", got, err)
	}

	// A vault with only the new KEK: the re-wrapped key works, the old one
	// does not.
	only := &vault.Keyring{Current: kr2.Current, IndexKey: kr2.IndexKey}
	vOnly := MustVault(t, only)
	if _, err := vOnly.Unwrap("case-1", w1); !errors.Is(err, vault.ErrUnknownKEK) {
		t.Errorf("new-KEK-only vault: Unwrap of old wrapped key err = %v, want ErrUnknownKEK", err)
	}
	if u, err := vOnly.Unwrap("case-1", w2); err != nil {
		t.Errorf("new-KEK-only vault: Unwrap of re-wrapped key: %v", err)
	} else if got, err := u.OpenString(c, b); err != nil || got != "Минск, ул. Ленина" {
		t.Errorf("new-KEK-only vault: OpenString = %q, %v", got, err)
	}

	// Rewrap checks the subject like Unwrap.
	if _, err := v2.Rewrap("case-2", w1); !errors.Is(err, vault.ErrUnwrap) {
		t.Errorf("Rewrap with another subject err = %v, want ErrUnwrap", err)
	}
	// A key rewrapped for its own subject does not unwrap for another.
	if _, err := v2.Unwrap("case-2", w2); !errors.Is(err, vault.ErrUnwrap) {
		t.Errorf("Unwrap of re-wrapped key for another subject err = %v, want ErrUnwrap", err)
	}

	// Rotation does not change blind indexes.
	if idx2 := v2.BlindIndex("unhcr_case_number", "ABC-123"); !bytes.Equal(idx1, idx2) {
		t.Error("blind index changed across rotation")
	}
}

func TestRotate(t *testing.T) {
	kr1 := MustKeyring(t)
	before, err := kr1.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	kr2, err := kr1.Rotate(nil)
	if err != nil {
		t.Fatal(err)
	}
	kr3, err := kr2.Rotate(nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(kr3.Previous) != 2 || kr3.Previous[0].ID != kr2.Current.ID || kr3.Previous[1].ID != kr1.Current.ID {
		t.Errorf("Previous ids = %v, want [%s %s]", ids(kr3.Previous), kr2.Current.ID, kr1.Current.ID)
	}
	if !bytes.Equal(kr3.Previous[1].Key, kr1.Current.Key) || !bytes.Equal(kr3.IndexKey, kr1.IndexKey) {
		t.Error("rotation changed kept key material")
	}
	if bytes.Equal(kr3.Current.Key, kr2.Current.Key) || bytes.Equal(kr3.Current.Key, kr1.Current.Key) {
		t.Error("rotation reused a KEK")
	}
	// The result shares no memory with the receiver.
	kr3.IndexKey[0] ^= 1
	kr3.Previous[1].Key[0] ^= 1
	after, err := kr1.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(before, after) {
		t.Error("Rotate or mutating its result changed the original keyring")
	}

	if _, err := (&vault.Keyring{}).Rotate(nil); !errors.Is(err, vault.ErrKeyring) {
		t.Errorf("Rotate of invalid keyring err = %v, want ErrKeyring", err)
	}
}

func TestGenerateKeyring(t *testing.T) {
	k := MustKeyring(t)
	if !regexp.MustCompile(`^kek-[0-9a-f]{8}$`).MatchString(k.Current.ID) {
		t.Errorf("Current.ID = %q, want kek-<8 hex>", k.Current.ID)
	}
	if len(k.Current.Key) != vault.KeySize || len(k.IndexKey) != vault.KeySize || len(k.Previous) != 0 {
		t.Errorf("key sizes %d, %d; %d previous", len(k.Current.Key), len(k.IndexKey), len(k.Previous))
	}
	if bytes.Equal(k.Current.Key, MustKeyring(t).Current.Key) {
		t.Error("two keyrings share a KEK")
	}
	if _, err := vault.GenerateKeyring(iotest.ErrReader(errors.New("no entropy"))); err == nil {
		t.Error("GenerateKeyring with a failing reader succeeded")
	}
	// A reader that always returns the same bytes repeats the KEK id and
	// makes the KEK and index key equal; both are refused.
	if _, err := vault.GenerateKeyring(bytes.NewReader(make([]byte, 1000))); err == nil {
		t.Error("GenerateKeyring with an all-zero reader succeeded")
	}
}

func TestKeyringMarshalParse(t *testing.T) {
	k1 := MustKeyring(t)
	k2, err := k1.Rotate(nil)
	if err != nil {
		t.Fatal(err)
	}
	k3, err := k2.Rotate(nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range []*vault.Keyring{k1, k2, k3} {
		data, err := k.Marshal()
		if err != nil {
			t.Fatalf("Marshal: %v", err)
		}
		got, err := vault.ParseKeyring(data)
		if err != nil {
			t.Fatalf("ParseKeyring: %v\n%s", err, data)
		}
		if !equalKeyrings(got, k) {
			t.Errorf("round trip changed keyring:\n%s", data)
		}
		again, err := got.Marshal()
		if err != nil || !bytes.Equal(again, data) {
			t.Errorf("second Marshal differs: %v", err)
		}
	}
	// A hand-written file without "previous" is fine, as is null.
	cur := base64.StdEncoding.EncodeToString(k1.Current.Key)
	idx := base64.StdEncoding.EncodeToString(k1.IndexKey)
	for _, prev := range []string{``, `"previous":null,`, `"previous":[],`} {
		src := fmt.Sprintf(`{"version":1,"current":{"id":%q,"key":%q},%s"index_key":%q,"audit_key":%q}`, k1.Current.ID, cur, prev, idx, k1.AuditKey)
		got, err := vault.ParseKeyring([]byte(src))
		if err != nil {
			t.Errorf("ParseKeyring(%s): %v", prev, err)
			continue
		}
		if !equalKeyrings(got, k1) {
			t.Errorf("ParseKeyring(%s) = different keyring", prev)
		}
	}
}

func TestParseKeyringErrors(t *testing.T) {
	kr := MustKeyring(t)
	kr, err := kr.Rotate(nil)
	if err != nil {
		t.Fatal(err)
	}
	b64 := base64.StdEncoding.EncodeToString
	cur, prev, idx := b64(kr.Current.Key), b64(kr.Previous[0].Key), b64(kr.IndexKey)
	kek := func(id, key string) string { return fmt.Sprintf(`{"id":%q,"key":%q}`, id, key) }
	file := func(current, previous, index string) string {
		return fmt.Sprintf(`{"version":1,"current":%s,"previous":[%s],"index_key":%q,"audit_key":%q}`, current, previous, index, kr.AuditKey)
	}
	good := file(kek("kek-1", cur), kek("kek-0", prev), idx)
	if _, err := vault.ParseKeyring([]byte(good)); err != nil {
		t.Fatalf("the valid base file does not parse: %v", err)
	}
	short, long := b64(kr.Current.Key[:31]), b64(append(bytes.Clone(kr.Current.Key), 7))
	zero := b64(make([]byte, 32))

	tests := []struct {
		name, in string
	}{
		{"empty", ``},
		{"whitespace", " \n"},
		{"not json", `version=1 key=` + cur},
		{"bare key", cur},
		{"quoted key", `"` + cur + `"`},
		{"null", `null`},
		{"array", `[` + good + `]`},
		{"truncated", good[:len(good)-1]},
		{"truncated in key", good[:40]},
		{"trailing object", good + `{}`},
		{"trailing garbage", good + `x` + cur},
		{"two documents", good + "\n" + good},
		{"unknown top-level member", strings.Replace(good, `"version":1`, `"version":1,"comment":"hi"`, 1)},
		{"unknown member named like a key", strings.Replace(good, `"version":1`, `"version":1,"`+cur+`":1`, 1)},
		{"unknown KEK member", strings.Replace(good, `{"id":"kek-1"`, `{"created":"2024","id":"kek-1"`, 1)},
		{"member in wrong case", strings.Replace(good, `"current"`, `"Current"`, 1)},
		{"index_key in wrong case", strings.Replace(good, `"index_key"`, `"INDEX_KEY"`, 1)},
		{"member in wrong object", strings.Replace(good, `"version":1`, `"version":1,"id":"x"`, 1)},
		{"repeated member", strings.Replace(good, `"version":1`, `"version":1,"current":`+kek("kek-9", cur), 1)},
		{"repeated KEK member", strings.Replace(good, `{"id":"kek-1"`, `{"id":"kek-1","key":"`+cur+`"`, 1)},
		{"missing version", strings.Replace(good, `"version":1,`, ``, 1)},
		{"version 0", strings.Replace(good, `"version":1`, `"version":0`, 1)},
		{"version 2", strings.Replace(good, `"version":1`, `"version":2`, 1)},
		{"version string", strings.Replace(good, `"version":1`, `"version":"1"`, 1)},
		{"version float", strings.Replace(good, `"version":1`, `"version":1.5`, 1)},
		{"missing current", fmt.Sprintf(`{"version":1,"previous":[%s],"index_key":%q,"audit_key":%q}`, kek("kek-0", prev), idx, kr.AuditKey)},
		{"current null", file(`null`, kek("kek-0", prev), idx)},
		{"current string", file(`"`+cur+`"`, kek("kek-0", prev), idx)},
		{"missing current id", file(fmt.Sprintf(`{"key":%q}`, cur), kek("kek-0", prev), idx)},
		{"empty current id", file(kek("", cur), kek("kek-0", prev), idx)},
		{"current id with space", file(kek("kek 1", cur), kek("kek-0", prev), idx)},
		{"current id is the key", file(kek(cur, cur), kek("kek-0", prev), idx)},
		{"current id too long", file(kek(strings.Repeat("k", 65), cur), kek("kek-0", prev), idx)},
		{"missing current key", file(`{"id":"kek-1"}`, kek("kek-0", prev), idx)},
		{"empty current key", file(kek("kek-1", ""), kek("kek-0", prev), idx)},
		{"current key number", file(`{"id":"kek-1","key":12345678901234567890}`, kek("kek-0", prev), idx)},
		{"current key short", file(kek("kek-1", short), kek("kek-0", prev), idx)},
		{"current key long", file(kek("kek-1", long), kek("kek-0", prev), idx)},
		{"current key not base64", file(kek("kek-1", "!!"+cur[2:]), kek("kek-0", prev), idx)},
		{"current key url base64", file(kek("kek-1", strings.NewReplacer("+", "-", "/", "_").Replace(cur)+"-_"), kek("kek-0", prev), idx)},
		{"current key unpadded", file(kek("kek-1", strings.TrimRight(cur, "=")), kek("kek-0", prev), idx)},
		{"current key all zero", file(kek("kek-1", zero), kek("kek-0", prev), idx)},
		{"previous not array", strings.Replace(good, `"previous":[`+kek("kek-0", prev)+`]`, `"previous":`+kek("kek-0", prev), 1)},
		{"previous null entry", file(kek("kek-1", cur), `null`, idx)},
		{"previous key short", file(kek("kek-1", cur), kek("kek-0", b64(kr.Previous[0].Key[:16])), idx)},
		{"previous missing id", file(kek("kek-1", cur), fmt.Sprintf(`{"key":%q}`, prev), idx)},
		{"duplicate id current/previous", file(kek("kek-1", cur), kek("kek-1", prev), idx)},
		{"duplicate id in previous", file(kek("kek-1", cur), kek("kek-0", prev)+","+kek("kek-0", b64(MustKeyring(t).Current.Key)), idx)},
		{"same key twice", file(kek("kek-1", cur), kek("kek-0", cur), idx)},
		{"index key equals a KEK", file(kek("kek-1", cur), kek("kek-0", prev), cur)},
		{"missing index key", fmt.Sprintf(`{"version":1,"current":%s,"previous":[],"audit_key":%q}`, kek("kek-1", cur), kr.AuditKey)},
		{"missing audit key", fmt.Sprintf(`{"version":1,"current":%s,"previous":[],"index_key":%q}`, kek("kek-1", cur), idx)},
		{"empty audit key", strings.Replace(good, kr.AuditKey, "", 1)},
		{"audit key not a signer key", strings.Replace(good, kr.AuditKey, "PRIVATE+KEY+x+00000000+"+cur, 1)},
		{"audit key is a verifier key", strings.Replace(good, kr.AuditKey, strings.TrimPrefix(kr.AuditKey, "PRIVATE+KEY+"), 1)},
		{"index key null", strings.Replace(good, `"index_key":"`+idx+`"`, `"index_key":null`, 1)},
		{"index key empty", file(kek("kek-1", cur), kek("kek-0", prev), "")},
		{"index key short", file(kek("kek-1", cur), kek("kek-0", prev), b64(kr.IndexKey[:31]))},
		{"index key long", file(kek("kek-1", cur), kek("kek-0", prev), b64(append(bytes.Clone(kr.IndexKey), 1)))},
		{"index key not base64", file(kek("kek-1", cur), kek("kek-0", prev), idx[:10]+"*"+idx[11:])},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := vault.ParseKeyring([]byte(tt.in))
			if err == nil {
				t.Fatalf("ParseKeyring succeeded: %+v", got)
			}
			if got != nil {
				t.Error("ParseKeyring returned a keyring with its error")
			}
			if !errors.Is(err, vault.ErrKeyring) {
				t.Errorf("err = %v, want ErrKeyring", err)
			}
			assertNoKeyMaterial(t, err.Error(), kr)
			t.Log(err)
		})
	}
}

func TestMarshalNewRejectInvalid(t *testing.T) {
	good := MustKeyring(t)
	tests := []struct {
		name string
		k    *vault.Keyring
	}{
		{"nil", nil},
		{"zero", &vault.Keyring{}},
		{"short KEK", &vault.Keyring{Current: vault.KEK{ID: "k", Key: good.Current.Key[:16]}, IndexKey: good.IndexKey}},
		{"no index key", &vault.Keyring{Current: good.Current}},
		{"no id", &vault.Keyring{Current: vault.KEK{Key: good.Current.Key}, IndexKey: good.IndexKey}},
		{"duplicate id", &vault.Keyring{Current: good.Current, Previous: []vault.KEK{{ID: good.Current.ID, Key: bytes.Repeat([]byte{1}, 32)}}, IndexKey: good.IndexKey}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := tt.k.Marshal(); !errors.Is(err, vault.ErrKeyring) {
				t.Errorf("Marshal err = %v, want ErrKeyring", err)
			} else {
				assertNoKeyMaterial(t, err.Error(), good)
			}
			if _, err := vault.New(tt.k); !errors.Is(err, vault.ErrKeyring) {
				t.Errorf("New err = %v, want ErrKeyring", err)
			}
		})
	}
}

func TestNewCopiesKeyring(t *testing.T) {
	kr := MustKeyring(t)
	v := MustVault(t, kr)
	k, w := MustDataKey(t, v, "case-1")
	c := MustSeal(t, k, "value", binding("case-1"))
	idx := v.BlindIndex("p", "x")
	// Scribbling over the keyring after New must not affect the vault.
	for i := range kr.Current.Key {
		kr.Current.Key[i] = 0
		kr.IndexKey[i] = 0
	}
	u, err := v.Unwrap("case-1", w)
	if err != nil {
		t.Fatalf("Unwrap after clearing keyring: %v", err)
	}
	if got, err := u.OpenString(c, binding("case-1")); err != nil || got != "value" {
		t.Errorf("OpenString = %q, %v", got, err)
	}
	if !bytes.Equal(v.BlindIndex("p", "x"), idx) {
		t.Error("blind index changed after clearing keyring")
	}
}

func TestNewDataKeyErrors(t *testing.T) {
	v := MustVault(t, MustKeyring(t))
	if _, _, err := v.NewDataKey(nil, ""); !errors.Is(err, vault.ErrBinding) {
		t.Errorf("empty subject err = %v, want ErrBinding", err)
	}
	if _, _, err := v.NewDataKey(iotest.ErrReader(errors.New("no entropy")), "case-1"); err == nil {
		t.Error("failing reader: NewDataKey succeeded")
	}
	// Distinct subjects get distinct keys.
	kA, _ := MustDataKey(t, v, "case-1")
	kB, _ := MustDataKey(t, v, "case-1")
	c := MustSeal(t, kA, "value", binding("case-1"))
	if _, err := kB.Open(c, binding("case-1")); !errors.Is(err, vault.ErrOpen) {
		t.Errorf("another data key for the same subject opened the value: %v", err)
	}
}

func TestBlindIndex(t *testing.T) {
	kr := MustKeyring(t)
	v := MustVault(t, kr)
	other := MustVault(t, MustKeyring(t))

	idx := v.BlindIndex("unhcr_case_number", "123-45C678")
	if len(idx) != vault.IndexSize {
		t.Fatalf("len = %d, want %d", len(idx), vault.IndexSize)
	}
	if !bytes.Equal(idx, v.BlindIndex("unhcr_case_number", "123-45C678")) {
		t.Error("not deterministic")
	}
	if !bytes.Equal(idx, MustVault(t, kr).BlindIndex("unhcr_case_number", "123-45C678")) {
		t.Error("two vaults of one keyring differ")
	}
	if bytes.Equal(idx, v.BlindIndex("member_name_dob", "123-45C678")) {
		t.Error("different purposes give the same index")
	}
	if bytes.Equal(idx, other.BlindIndex("unhcr_case_number", "123-45C678")) {
		t.Error("different index keys give the same index")
	}
	if v.BlindIndex("p") != nil || v.BlindIndex("p", "", " \t ") != nil || v.BlindIndex("p", "\u200b") != nil {
		t.Error("index of only empty parts is not nil")
	}

	same := []struct {
		name string
		a, b []string
	}{
		{"spaces and case", []string{"  José   GARCÍA "}, []string{"josé garcía"}},
		{"composed vs decomposed", []string{"Jos\u00e9 Garc\u00eda"}, []string{"Jose\u0301 Garci\u0301a"}},
		{"tabs and newlines", []string{"Ana\tMaría\n\nLópez"}, []string{"ana maría lópez"}},
		{"no-break and ideographic space", []string{"刘\u3000晓波"}, []string{"刘 晓波"}},
		{"no-break space", []string{"Jean\u00a0Dupont"}, []string{"jean dupont"}},
		{"full-width latin", []string{"ＡＢＣ１２３"}, []string{"abc123"}},
		{"cyrillic case", []string{"АННА ПОЛИТКОВСКАЯ"}, []string{"анна политковская"}},
		{"greek final sigma", []string{"ΟΔΥΣΣΕΥΣ"}, []string{"οδυσσευς"}},
		{"german sharp s", []string{"STRASSE"}, []string{"straße"}},
		{"arabic presentation forms", []string{"\ufef7"}, []string{"\u0644\u0623"}},
		{"arabic with direction marks", []string{"\u200fمحمد\u200f  عبد\u200eالله"}, []string{"محمد عبدالله"}},
		{"zero-width space", []string{"Ma\u200brie"}, []string{"marie"}},
		{"soft hyphen", []string{"Mü\u00adller"}, []string{"müller"}},
		{"multi-part", []string{" María ", "1980-01-02"}, []string{"maría", "1980-01-02 "}},
	}
	for _, tt := range same {
		t.Run("same/"+tt.name, func(t *testing.T) {
			if !bytes.Equal(v.BlindIndex("member_name_dob", tt.a...), v.BlindIndex("member_name_dob", tt.b...)) {
				t.Errorf("%q and %q differ; normalised %q, %q", tt.a, tt.b, normAll(tt.a), normAll(tt.b))
			}
		})
	}

	differ := []struct {
		name string
		a, b []string
	}{
		{"diacritics kept", []string{"José"}, []string{"Jose"}},
		{"part boundary", []string{"ab", "c"}, []string{"a", "bc"}},
		{"space vs parts", []string{"a b"}, []string{"a", "b"}},
		{"empty part position", []string{"a", ""}, []string{"", "a"}},
		{"extra empty part", []string{"a"}, []string{"a", ""}},
		{"arabic letters", []string{"محمد"}, []string{"محمود"}},
		{"chinese", []string{"刘晓波"}, []string{"刘晓"}},
		{"cyrillic vs latin look-alike", []string{"Аnna"}, []string{"Anna"}},
	}
	for _, tt := range differ {
		t.Run("differ/"+tt.name, func(t *testing.T) {
			if bytes.Equal(v.BlindIndex("member_name_dob", tt.a...), v.BlindIndex("member_name_dob", tt.b...)) {
				t.Errorf("%q and %q give the same index", tt.a, tt.b)
			}
		})
	}

	// Purpose and parts are separated: moving text between them changes
	// the index.
	if bytes.Equal(v.BlindIndex("ab", "c"), v.BlindIndex("a", "bc")) {
		t.Error("purpose/part boundary is ambiguous")
	}
}

func TestNormalize(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{"   ", ""},
		{"  José   GARCÍA ", "josé garcía"},
		{"Jose\u0301", "jos\u00e9"},
		{"ＴＯＫＹＯ", "tokyo"},
		{"ﬁ", "fi"},
		{"Ⅻ", "xii"},
		{"\u200fسارة\u200f", "سارة"},
		{"ДМИТРИЙ\u00a0МУРАТОВ", "дмитрий муратов"},
		{"\xffab", "\ufffdab"},
	}
	for _, tt := range tests {
		if got := vault.Normalize(tt.in); got != tt.want {
			t.Errorf("Normalize(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestConcurrentUse(t *testing.T) {
	v := MustVault(t, MustKeyring(t))
	k, w := MustDataKey(t, v, "case-1")
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			b := vault.Binding{Subject: "case-1", Table: "t", Column: "c", Row: fmt.Sprint(i)}
			for range 50 {
				c, err := k.SealString("value", b)
				if err != nil {
					t.Error(err)
					return
				}
				if got, err := k.OpenString(c, b); err != nil || got != "value" {
					t.Errorf("OpenString = %q, %v", got, err)
					return
				}
				if _, err := v.Rewrap("case-1", w); err != nil {
					t.Error(err)
					return
				}
				_ = v.BlindIndex("p", "Ä b")
			}
		}()
	}
	wg.Wait()
}

func TestFormatRedacts(t *testing.T) {
	kr := MustKeyring(t)
	kr, err := kr.Rotate(nil)
	if err != nil {
		t.Fatal(err)
	}
	v := MustVault(t, kr)
	k, _ := MustDataKey(t, v, "case-1")
	values := []any{kr, *kr, kr.Current, kr.Previous, v, *v, k, *k}
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%x", "%X", "%q", "%d"} {
		for _, val := range values {
			out := fmt.Sprintf(verb, val)
			assertNoKeyMaterial(t, out, kr)
			for _, key := range [][]byte{kr.Current.Key, kr.Previous[0].Key, kr.IndexKey} {
				for _, enc := range []string{fmt.Sprintf("%x", key[:6]), fmt.Sprintf("%X", key[:6]), strings.Trim(fmt.Sprint(key[:6]), "[]")} {
					if strings.Contains(out, enc) {
						t.Fatalf("Sprintf(%s, %T) = %q shows key material", verb, val, out)
					}
				}
			}
		}
	}
	if got := fmt.Sprint(kr); !strings.Contains(got, kr.Current.ID) || !strings.Contains(got, "redacted") {
		t.Errorf("Sprint(keyring) = %q, want its id and \"redacted\"", got)
	}
}

func FuzzOpen(f *testing.F) {
	v, err := vault.New(MustKeyring(f))
	if err != nil {
		f.Fatal(err)
	}
	k, _, err := v.NewDataKey(nil, "case-1")
	if err != nil {
		f.Fatal(err)
	}
	b := binding("case-1")
	valid := MustSeal(f, k, "a sealed value", b)
	f.Add(valid)
	f.Add([]byte{})
	f.Add([]byte{0x01})
	f.Add(valid[:29])
	f.Add(append([]byte{0x02}, valid[1:]...))
	f.Add(bytes.Repeat([]byte{0x01}, 64))
	f.Fuzz(func(t *testing.T, c []byte) {
		pt, err := k.Open(c, b)
		switch {
		case len(c) == 0:
			if pt != nil || err != nil {
				t.Fatalf("Open(empty) = %q, %v", pt, err)
			}
		case err != nil:
			if !errors.Is(err, vault.ErrOpen) {
				t.Fatalf("err = %v, want ErrOpen", err)
			}
			if pt != nil {
				t.Fatal("plaintext returned with error")
			}
		case !bytes.Equal(c, valid):
			// Forging a GCM tag by fuzzing would be a break of AES-GCM.
			t.Fatalf("Open accepted a ciphertext it did not seal: %x", c)
		}
	})
}

func assertNoKeyMaterial(t *testing.T, msg string, k *vault.Keyring) {
	t.Helper()
	keys := [][]byte{k.Current.Key, k.IndexKey}
	for _, p := range k.Previous {
		keys = append(keys, p.Key)
	}
	for _, key := range keys {
		enc := base64.StdEncoding.EncodeToString(key)
		// No run of 8 characters of the encoded key may appear.
		for i := 0; i+8 <= len(enc); i++ {
			if strings.Contains(msg, enc[i:i+8]) {
				t.Fatalf("error %q contains key material", msg)
			}
		}
		if bytes.Contains([]byte(msg), key[:8]) {
			t.Fatalf("error %q contains raw key bytes", msg)
		}
	}
}

func equalKeyrings(a, b *vault.Keyring) bool {
	if a.Current.ID != b.Current.ID || !bytes.Equal(a.Current.Key, b.Current.Key) ||
		!bytes.Equal(a.IndexKey, b.IndexKey) || len(a.Previous) != len(b.Previous) || a.AuditKey != b.AuditKey {
		return false
	}
	for i := range a.Previous {
		if a.Previous[i].ID != b.Previous[i].ID || !bytes.Equal(a.Previous[i].Key, b.Previous[i].Key) {
			return false
		}
	}
	return true
}

func ids(keks []vault.KEK) []string {
	var s []string
	for _, k := range keks {
		s = append(s, k.ID)
	}
	return s
}

func normAll(parts []string) []string {
	var s []string
	for _, p := range parts {
		s = append(s, vault.Normalize(p))
	}
	return s
}

// TestAuditKey: a generated keyring carries an audit signing key that
// rotation keeps; its verifier key checks what the signer signs.
func TestAuditKey(t *testing.T) {
	k := MustKeyring(t)
	if !strings.HasPrefix(k.AuditKey, "PRIVATE+KEY+"+vault.AuditKeyName+"+") {
		t.Fatalf("audit key has the wrong form")
	}
	r, err := k.Rotate(nil)
	if err != nil || r.AuditKey != k.AuditKey {
		t.Fatalf("rotation changed the audit key: %v", err)
	}
	vkey, err := k.AuditVerifierKey()
	if err != nil {
		t.Fatal(err)
	}
	signer, err := note.NewSigner(k.AuditKey)
	if err != nil {
		t.Fatal(err)
	}
	verifier, err := note.NewVerifier(vkey)
	if err != nil {
		t.Fatalf("derived verifier key does not parse: %v", err)
	}
	msg, err := note.Sign(&note.Note{Text: "haven audit log v1\n1\nAAAA\n"}, signer)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := note.Open(msg, note.VerifierList(verifier)); err != nil {
		t.Fatalf("the derived verifier key does not verify the signer's note: %v", err)
	}
	other := MustKeyring(t)
	ovkey, _ := other.AuditVerifierKey()
	ov, _ := note.NewVerifier(ovkey)
	if _, err := note.Open(msg, note.VerifierList(ov)); err == nil {
		t.Fatal("another keyring's verifier key accepted the note")
	}
	if strings.Contains(vkey, "PRIVATE") {
		t.Fatal("the verifier key holds private material")
	}
}
