package audit

import (
	"crypto/rand"
	"encoding/base64"
	"errors"
	"io"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"

	"github.com/havenhrd/haven"
)

// Origin is the first line of every checkpoint. It names the kind of log
// and the version of the checkpoint format; which Haven installation a
// checkpoint belongs to is told by the name and key of its signature.
const Origin = "haven audit log v1"

// maxCheckpoint bounds the text parsed, like tlog.ParseTree does.
const maxCheckpoint = 1 << 10

// Checkpoint is the state of the log at one size: its number of events and
// the Merkle tree hash of those events.
type Checkpoint struct {
	Size int64
	Hash tlog.Hash
}

// FormatCheckpoint returns the text of c that is signed: three lines, each
// ending in a newline (U+000A),
//
//	haven audit log v1
//	<size in decimal>
//	<root hash in standard base64>
//
// which is tlog.FormatTree with Haven's origin line.
func FormatCheckpoint(c Checkpoint) []byte {
	b := make([]byte, 0, len(Origin)+64)
	b = append(b, Origin...)
	b = append(b, '\n')
	b = strconv.AppendInt(b, c.Size, 10)
	b = append(b, '\n')
	b = base64.StdEncoding.AppendEncode(b, c.Hash[:])
	return append(b, '\n')
}

// ParseCheckpoint parses checkpoint text made by [FormatCheckpoint]. It is
// strict: the text must be exactly the three lines FormatCheckpoint would
// write, with no further lines, so that every checkpoint has a single
// text. It returns an EINVALID error for anything else, such as a tree
// description of another log.
func ParseCheckpoint(text []byte) (Checkpoint, error) {
	bad := haven.Errorf(haven.EINVALID, "audit.ParseCheckpoint", "not a checkpoint of a Haven audit log")
	if len(text) > maxCheckpoint {
		return Checkpoint{}, bad
	}
	lines := strings.Split(string(text), "\n")
	if len(lines) != 4 || lines[0] != Origin || lines[3] != "" {
		return Checkpoint{}, bad
	}
	n, err := strconv.ParseInt(lines[1], 10, 64)
	if err != nil || n < 0 || lines[1] != strconv.FormatInt(n, 10) {
		return Checkpoint{}, bad
	}
	h, err := base64.StdEncoding.Strict().DecodeString(lines[2])
	if err != nil || len(h) != tlog.HashSize {
		return Checkpoint{}, bad
	}
	c := Checkpoint{Size: n}
	copy(c.Hash[:], h)
	return c, nil
}

// SignCheckpoint returns c as a note signed by s, in the note format of
// golang.org/x/mod/sumdb/note: the checkpoint text, a blank line, and the
// line "— <key name> <base64 key hash and signature>".
func SignCheckpoint(s note.Signer, c Checkpoint) ([]byte, error) {
	const op = "audit.SignCheckpoint"
	if s == nil {
		return nil, haven.Errorf(haven.EINVALID, op, "no signer")
	}
	if c.Size < 0 {
		return nil, haven.Errorf(haven.EINVALID, op, "a tree size cannot be negative")
	}
	signed, err := note.Sign(&note.Note{Text: string(FormatCheckpoint(c))}, s)
	if err != nil {
		return nil, haven.Internal(op, err)
	}
	return signed, nil
}

// OpenCheckpoint verifies that signed carries a valid signature by exactly
// the key of v and parses its text. Signatures by other keys (a witness's
// cosignature, say) are ignored, but at least one must be v's. It returns an
// EINVALID error when the note is malformed, when v's signature is missing
// or does not verify, or when the text is not a Haven checkpoint.
func OpenCheckpoint(signed []byte, v note.Verifier) (Checkpoint, error) {
	const op = "audit.OpenCheckpoint"
	if v == nil {
		return Checkpoint{}, haven.Errorf(haven.EINVALID, op, "no verifier")
	}
	n, err := note.Open(signed, note.VerifierList(v))
	if err != nil {
		var unverified *note.UnverifiedNoteError
		if errors.As(err, &unverified) {
			return Checkpoint{}, &haven.Error{Code: haven.EINVALID, Op: op, Message: "the checkpoint is not signed by the log's key", Err: err}
		}
		return Checkpoint{}, &haven.Error{Code: haven.EINVALID, Op: op, Message: "the checkpoint's signature does not verify", Err: err}
	}
	return ParseCheckpoint([]byte(n.Text))
}

// GenerateKey returns a new Ed25519 signing key and its verifier key, in
// the text forms of note.GenerateKey: "PRIVATE+KEY+<name>+<hash>+<key>"
// and "<name>+<hash>+<key>". name names the log in every signature line,
// so give each installation its own name and key (for example
// "audit.haven.example.org"). The verifier key is public: hand it to
// whoever should check proofs. The signing key is secret and belongs in the
// key file. GenerateKey reads randomness from random, or from crypto/rand
// when random is nil. It returns an EINVALID error when name is empty or
// holds a space or a plus sign, which the note format does not allow.
func GenerateKey(name string, random io.Reader) (skey, vkey string, err error) {
	const op = "audit.GenerateKey"
	if name == "" || !utf8.ValidString(name) || strings.ContainsFunc(name, unicode.IsSpace) || strings.Contains(name, "+") {
		return "", "", haven.Errorf(haven.EINVALID, op, "a key name must be non-empty, with no spaces and no plus signs")
	}
	if random == nil {
		random = rand.Reader
	}
	skey, vkey, err = note.GenerateKey(random, name)
	if err != nil {
		return "", "", haven.Internal(op, err)
	}
	return skey, vkey, nil
}
