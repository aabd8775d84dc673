package audit

import (
	"encoding/json"
	"errors"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"

	"github.com/havenhrd/haven"
)

// ProofFormat is the "format" member of a proof's JSON encoding.
const ProofFormat = "haven audit proof v1"

// Proof is what an outsider needs to check, with the log's public key
// alone, that an event is in the log: the event, its leaf index, a
// checkpoint signed by the log's key, and the Merkle audit path from the
// event's leaf to that checkpoint's root.
type Proof struct {
	Event haven.AuditEvent
	// Index is the event's leaf index, Event.Seq-1.
	Index int64
	// Checkpoint is a signed checkpoint note for a size above Index.
	Checkpoint []byte
	// RecordProof is the RFC 6962 audit path of leaf Index in the tree of
	// the checkpoint's size, from the leaf's sibling up.
	RecordProof tlog.RecordProof
}

// proofJSON is the JSON form of a Proof.
type proofJSON struct {
	Format      string      `json:"format"`
	Index       int64       `json:"index"`
	LeafData    []byte      `json:"leaf_data"`
	Checkpoint  string      `json:"checkpoint"`
	RecordProof []tlog.Hash `json:"record_proof"`
}

// MarshalJSON encodes p as a JSON object:
//
//	{
//	  "format": "haven audit proof v1",
//	  "index": 41,
//	  "leaf_data": "<standard base64 of LeafData(event)>",
//	  "checkpoint": "haven audit log v1\n200\n<root>\n\n— <key name> <signature>\n",
//	  "record_proof": ["<standard base64 hash>", ...]
//	}
//
// The event travels as its leaf data (see [LeafData]), so the bytes hashed
// are the bytes sent and no decoder can alter them; the leaf data is
// readable text once base64-decoded. To check a proof without Haven's code:
// verify the Ed25519 signature of the checkpoint note with the log's public
// key (the golang.org/x/mod/sumdb/note format); read size and root from its
// text; hash the leaf as SHA-256(0x00 || leaf_data); run the RFC 6962 audit
// path record_proof for leaf index in a tree of that size; compare with the
// root; and check that the seq in the leaf data is index+1.
func (p Proof) MarshalJSON() ([]byte, error) {
	rp := p.RecordProof
	if rp == nil {
		rp = tlog.RecordProof{}
	}
	return json.Marshal(proofJSON{
		Format:      ProofFormat,
		Index:       p.Index,
		LeafData:    LeafData(&p.Event),
		Checkpoint:  string(p.Checkpoint),
		RecordProof: rp,
	})
}

// UnmarshalJSON decodes a proof encoded by [Proof.MarshalJSON]. It returns
// an EINVALID error when the format is not "haven audit proof v1" or the
// leaf data is not canonical; it does not check the proof (see
// [CheckProof]).
func (p *Proof) UnmarshalJSON(data []byte) error {
	const op = "audit.Proof.UnmarshalJSON"
	var j proofJSON
	if err := json.Unmarshal(data, &j); err != nil {
		return &haven.Error{Code: haven.EINVALID, Op: op, Message: "malformed proof", Err: err}
	}
	if j.Format != ProofFormat {
		return haven.Errorf(haven.EINVALID, op, "not a Haven audit proof of version 1")
	}
	e, err := ParseLeafData(j.LeafData)
	if err != nil {
		return err
	}
	*p = Proof{Event: *e, Index: j.Index, Checkpoint: []byte(j.Checkpoint), RecordProof: j.RecordProof}
	return nil
}

// Prove returns the proof that event e is in the tree of size size, whose
// signed checkpoint is signedCheckpoint, reading stored hashes through r.
// Prove checks the proof before it returns it against the checkpoint's
// text (not its signature, for which it has no key), so it never hands out
// a proof that cannot pass [CheckProof].
//
// It returns an EINVALID error when e.Seq is not in 1..size, or the
// checkpoint is malformed or not for size; an ECONFLICT error when e, the
// stored hashes and the checkpoint do not agree (run [Verify]); and the
// reader's error when hashes cannot be read.
func Prove(e *haven.AuditEvent, size int64, r tlog.HashReader, signedCheckpoint []byte) (*Proof, error) {
	const op = "audit.Prove"
	if e == nil {
		return nil, haven.Errorf(haven.EINVALID, op, "no event to prove")
	}
	if e.Seq < 1 || e.Seq > size {
		return nil, haven.Errorf(haven.EINVALID, op, "event %d is not in a tree of size %d", e.Seq, size)
	}
	c, err := checkpointText(signedCheckpoint)
	if err != nil {
		return nil, err
	}
	if c.Size != size {
		return nil, haven.Errorf(haven.EINVALID, op, "the checkpoint is for size %d, not %d", c.Size, size)
	}
	index := e.Seq - 1
	rp, err := tlog.ProveRecord(size, index, r)
	if err != nil {
		return nil, wrap(op, err)
	}
	if err := tlog.CheckRecord(rp, size, c.Hash, index, LeafHash(e)); err != nil {
		return nil, &haven.Error{Code: haven.ECONFLICT, Op: op, Message: "the event, the stored hashes and the checkpoint do not agree: verify the log", Err: err}
	}
	return &Proof{Event: *e, Index: index, Checkpoint: signedCheckpoint, RecordProof: rp}, nil
}

// checkpointText parses the text of a signed checkpoint without checking
// its signature.
func checkpointText(signed []byte) (Checkpoint, error) {
	_, err := note.Open(signed, nil)
	var unverified *note.UnverifiedNoteError
	if !errors.As(err, &unverified) {
		return Checkpoint{}, &haven.Error{Code: haven.EINVALID, Op: "audit.Prove", Message: "malformed signed checkpoint", Err: err}
	}
	return ParseCheckpoint([]byte(unverified.Note.Text))
}

// CheckProof verifies p with the log's public verifier key vkey alone,
// with no access to the log: it opens p's checkpoint with vkey, checks that
// p.Index is p.Event's leaf index and inside the checkpoint's tree,
// recomputes the event's leaf hash, and runs the audit path to the
// checkpoint's root. It returns nil when the event is in the log, and an
// EINVALID error saying why not otherwise.
func CheckProof(p *Proof, vkey string) error {
	const op = "audit.CheckProof"
	if p == nil {
		return haven.Errorf(haven.EINVALID, op, "no proof")
	}
	v, err := note.NewVerifier(vkey)
	if err != nil {
		return &haven.Error{Code: haven.EINVALID, Op: op, Message: "malformed verifier key", Err: err}
	}
	c, err := OpenCheckpoint(p.Checkpoint, v)
	if err != nil {
		return err
	}
	if p.Index != p.Event.Seq-1 {
		return haven.Errorf(haven.EINVALID, op, "the proof is for leaf %d but the event has seq %d", p.Index, p.Event.Seq)
	}
	if p.Index < 0 || p.Index >= c.Size {
		return haven.Errorf(haven.EINVALID, op, "leaf %d is not in the checkpoint's tree of size %d", p.Index, c.Size)
	}
	if err := tlog.CheckRecord(p.RecordProof, c.Size, c.Hash, p.Index, LeafHash(&p.Event)); err != nil {
		return &haven.Error{Code: haven.EINVALID, Op: op, Message: "the event is not in the log at that checkpoint", Err: err}
	}
	return nil
}

// ProveConsistency returns the proof that the log's tree of size newSize
// extends the tree of size oldSize (an RFC 6962 consistency proof), reading
// stored hashes through r. It returns an EINVALID error unless
// 1 <= oldSize <= newSize.
func ProveConsistency(oldSize, newSize int64, r tlog.HashReader) (tlog.TreeProof, error) {
	const op = "audit.ProveConsistency"
	if oldSize < 1 || oldSize > newSize {
		return nil, haven.Errorf(haven.EINVALID, op, "cannot prove size %d extends size %d", newSize, oldSize)
	}
	p, err := tlog.ProveTree(newSize, oldSize, r)
	if err != nil {
		return nil, wrap(op, err)
	}
	return p, nil
}

// CheckConsistency verifies with the log's public verifier key vkey alone
// that the signed checkpoint newer extends the signed checkpoint older: the
// log only grew between them, nothing in it was changed or removed. An
// outsider who kept an earlier checkpoint uses it to detect a log that was
// rolled back or rewritten wholesale, which [Verify] cannot see alone. It
// returns an EINVALID error when either checkpoint does not open with vkey,
// newer is smaller than older, or the proof fails.
func CheckConsistency(older, newer []byte, p tlog.TreeProof, vkey string) error {
	const op = "audit.CheckConsistency"
	v, err := note.NewVerifier(vkey)
	if err != nil {
		return &haven.Error{Code: haven.EINVALID, Op: op, Message: "malformed verifier key", Err: err}
	}
	o, err := OpenCheckpoint(older, v)
	if err != nil {
		return err
	}
	n, err := OpenCheckpoint(newer, v)
	if err != nil {
		return err
	}
	if o.Size < 1 || o.Size > n.Size {
		return haven.Errorf(haven.EINVALID, op, "a checkpoint of size %d cannot extend one of size %d", n.Size, o.Size)
	}
	if err := tlog.CheckTree(p, n.Size, n.Hash, o.Size, o.Hash); err != nil {
		return &haven.Error{Code: haven.EINVALID, Op: op, Message: "the newer checkpoint does not extend the older one: the log was rewritten", Err: err}
	}
	return nil
}
