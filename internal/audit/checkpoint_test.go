package audit_test

import (
	"bytes"
	"crypto/ed25519"
	"encoding/base64"
	"strings"
	"testing"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"

	"github.com/havenhrd/haven"
	"github.com/havenhrd/haven/internal/audit"
)

func TestFormatCheckpoint(t *testing.T) {
	h := tlog.RecordHash([]byte("x"))
	c := audit.Checkpoint{Size: 200, Hash: h}
	want := "haven audit log v1\n200\n" + base64.StdEncoding.EncodeToString(h[:]) + "\n"
	if got := string(audit.FormatCheckpoint(c)); got != want {
		t.Fatalf("FormatCheckpoint = %q, want %q", got, want)
	}
	// The same shape as tlog's tree note, with Haven's origin.
	if got, tree := audit.FormatCheckpoint(c), tlog.FormatTree(tlog.Tree{N: 200, Hash: h}); !bytes.Equal(got[len(audit.Origin):], tree[len("go.sum database tree"):]) {
		t.Errorf("FormatCheckpoint %q is not tlog.FormatTree %q with another origin", got, tree)
	}
	back, err := audit.ParseCheckpoint([]byte(want))
	if err != nil || back != c {
		t.Errorf("ParseCheckpoint = %+v, %v; want %+v", back, err, c)
	}
}

func TestParseCheckpointRejects(t *testing.T) {
	h := tlog.RecordHash([]byte("x"))
	good := string(audit.FormatCheckpoint(audit.Checkpoint{Size: 7, Hash: h}))
	b64 := base64.StdEncoding.EncodeToString(h[:])
	for _, tt := range []struct {
		name, text string
	}{
		{"empty", ""},
		{"a go.sum tree note", string(tlog.FormatTree(tlog.Tree{N: 7, Hash: h}))},
		{"another version", strings.Replace(good, "v1", "v2", 1)},
		{"a further line", good + "extension\n"},
		{"no final newline", strings.TrimSuffix(good, "\n")},
		{"a size with a leading zero", "haven audit log v1\n07\n" + b64 + "\n"},
		{"a size with a plus", "haven audit log v1\n+7\n" + b64 + "\n"},
		{"a negative size", "haven audit log v1\n-7\n" + b64 + "\n"},
		{"a short hash", "haven audit log v1\n7\n" + base64.StdEncoding.EncodeToString(h[:31]) + "\n"},
		{"a hash not in base64", "haven audit log v1\n7\n" + strings.Repeat("!", 44) + "\n"},
		{"a hash in URL base64", "haven audit log v1\n7\n" + base64.URLEncoding.EncodeToString(bytes.Repeat([]byte{0xff}, 32)) + "\n"},
		{"carriage returns", strings.ReplaceAll(good, "\n", "\r\n")},
		{"very long", "haven audit log v1\n7\n" + b64 + strings.Repeat("A", 2000) + "\n"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if c, err := audit.ParseCheckpoint([]byte(tt.text)); haven.ErrorCodeOf(err) != haven.EINVALID {
				t.Errorf("ParseCheckpoint = %+v, %v; want EINVALID", c, err)
			}
		})
	}
}

func TestSignOpenCheckpoint(t *testing.T) {
	k := MustKey(t, "audit.haven.test")
	other := MustKey(t, "audit.haven.test")
	witness := MustKey(t, "witness.example")
	c := audit.Checkpoint{Size: 42, Hash: tlog.RecordHash([]byte("root"))}
	signed, err := audit.SignCheckpoint(k.Signer, c)
	if err != nil {
		t.Fatalf("SignCheckpoint: %v", err)
	}
	if !bytes.HasPrefix(signed, append(audit.FormatCheckpoint(c), "\n— audit.haven.test "...)) {
		t.Errorf("signed checkpoint = %q: want the text, a blank line and the signature line", signed)
	}
	got, err := audit.OpenCheckpoint(signed, k.Verifier)
	if err != nil || got != c {
		t.Fatalf("OpenCheckpoint = %+v, %v; want %+v", got, err, c)
	}

	// A witness may cosign: the log's own signature still decides.
	n, err := note.Open(signed, note.VerifierList(k.Verifier))
	if err != nil {
		t.Fatal(err)
	}
	cosigned, err := note.Sign(n, witness.Signer)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := audit.OpenCheckpoint(cosigned, k.Verifier); err != nil || got != c {
		t.Errorf("OpenCheckpoint(cosigned) = %+v, %v; want %+v", got, err, c)
	}

	byOther, err := audit.SignCheckpoint(other.Signer, c)
	if err != nil {
		t.Fatal(err)
	}
	notACheckpoint, err := note.Sign(&note.Note{Text: string(tlog.FormatTree(tlog.Tree{N: c.Size, Hash: c.Hash}))}, k.Signer)
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name   string
		signed []byte
		v      note.Verifier
	}{
		{"signed by another key of the same name", byOther, k.Verifier},
		{"signed by a witness only", mustSignText(t, audit.FormatCheckpoint(c), witness), k.Verifier},
		{"size edited", bytes.Replace(signed, []byte("\n42\n"), []byte("\n43\n"), 1), k.Verifier},
		{"signature cut", signed[:len(signed)-10], k.Verifier},
		{"not a Haven checkpoint", notACheckpoint, k.Verifier},
		{"empty", nil, k.Verifier},
		{"no verifier", signed, nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got, err := audit.OpenCheckpoint(tt.signed, tt.v); haven.ErrorCodeOf(err) != haven.EINVALID {
				t.Errorf("OpenCheckpoint = %+v, %v; want EINVALID", got, err)
			}
		})
	}

	if _, err := audit.SignCheckpoint(nil, c); haven.ErrorCodeOf(err) != haven.EINVALID {
		t.Errorf("SignCheckpoint(nil) = %v, want EINVALID", err)
	}
	if _, err := audit.SignCheckpoint(k.Signer, audit.Checkpoint{Size: -1}); haven.ErrorCodeOf(err) != haven.EINVALID {
		t.Errorf("SignCheckpoint(size -1) = %v, want EINVALID", err)
	}
}

func mustSignText(tb testing.TB, text []byte, k Key) []byte {
	tb.Helper()
	signed, err := note.Sign(&note.Note{Text: string(text)}, k.Signer)
	if err != nil {
		tb.Fatal(err)
	}
	return signed
}

func TestGenerateKey(t *testing.T) {
	skey, vkey, err := audit.GenerateKey("audit.haven.example.org", nil)
	if err != nil {
		t.Fatalf("GenerateKey: %v", err)
	}
	if !strings.HasPrefix(skey, "PRIVATE+KEY+audit.haven.example.org+") || !strings.HasPrefix(vkey, "audit.haven.example.org+") {
		t.Errorf("GenerateKey = %q, %q: want note keys named audit.haven.example.org", skey, vkey)
	}
	if strings.Contains(vkey, strings.Split(skey, "+")[4]) {
		t.Error("the verifier key holds the private key")
	}
	// The same randomness gives the same key, which is Ed25519's from the seed.
	seed := bytes.Repeat([]byte{7}, ed25519.SeedSize)
	_, v1, err := audit.GenerateKey("k", bytes.NewReader(seed))
	if err != nil {
		t.Fatal(err)
	}
	want, err := note.NewEd25519VerifierKey("k", ed25519.NewKeyFromSeed(seed).Public().(ed25519.PublicKey))
	if err != nil || v1 != want {
		t.Errorf("GenerateKey from a seed = %q, want %q (%v)", v1, want, err)
	}
	for _, name := range []string{"", "has space", "has+plus", "tab\there", "\xff"} {
		if _, _, err := audit.GenerateKey(name, nil); haven.ErrorCodeOf(err) != haven.EINVALID {
			t.Errorf("GenerateKey(%q) = %v, want EINVALID", name, err)
		}
	}
	if _, _, err := audit.GenerateKey("k", bytes.NewReader(nil)); haven.ErrorCodeOf(err) != haven.EINTERNAL {
		t.Errorf("GenerateKey with no randomness = %v, want EINTERNAL", err)
	}
}
