package audit

import (
	"errors"
	"fmt"
	"runtime"
	"sync"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"

	"github.com/havenhrd/haven"
)

// The kinds of [Finding], one per way the log can have been tampered with.
const (
	// KindSeq: the event at this position does not have the seq it should:
	// an event was deleted, inserted, reordered or renumbered.
	KindSeq = "seq"
	// KindLeaf: the event differs from its stored leaf hash: the event (or
	// the stored leaf hash) was changed after it was written.
	KindLeaf = "leaf"
	// KindHash: a stored interior hash differs from the one recomputed from
	// the events, or is missing.
	KindHash = "hash"
	// KindSignature: the checkpoint for this size is malformed, is not
	// signed by the log's key, or its signature does not verify (its text
	// was changed).
	KindSignature = "signature"
	// KindMalformed: the checkpoint for this size is signed by the log's key
	// but is not a Haven checkpoint.
	KindMalformed = "malformed"
	// KindMissing: there is no checkpoint for this size.
	KindMissing = "missing"
	// KindDuplicate: there are two checkpoints for this size.
	KindDuplicate = "duplicate"
	// KindOrder: the checkpoints are not in size order here.
	KindOrder = "order"
	// KindRoot: the checkpoint for this size is validly signed, but its root
	// differs from the tree recomputed from the events. As the checkpoint
	// for the size before still matched, the event with this seq was
	// changed, and the stored hashes rewritten to match.
	KindRoot = "root"
	// KindBeyond: a checkpoint covers events the log no longer holds: the
	// log was truncated, and events from this seq on are gone.
	KindBeyond = "beyond"
)

// Finding is the first problem [Verify] found in the log. It is an error.
type Finding struct {
	// Seq is where the problem is: the seq of the event, which is also the
	// tree size of the checkpoint, that was deleted, changed, or is
	// missing. For a stored hash it is the seq of the event whose append
	// wrote that hash.
	Seq int64
	// Kind is one of the Kind constants.
	Kind string
	// Message says what was found. It holds seqs, indexes, sizes and
	// hashes only, never any field of an event.
	Message string
}

// Error returns the finding as one line.
func (f *Finding) Error() string {
	return fmt.Sprintf("audit log fails verification at seq %d (%s): %s", f.Seq, f.Kind, f.Message)
}

func finding(seq int64, kind, format string, args ...any) *Finding {
	return &Finding{Seq: seq, Kind: kind, Message: fmt.Sprintf(format, args...)}
}

// Report sums up a log that passed [Verify].
type Report struct {
	// Events is the number of events, which is the size of the tree.
	Events int64
	// Checkpoints is the number of signed checkpoints checked.
	Checkpoints int
	// Root is the root hash of the whole log, that of the latest checkpoint.
	Root tlog.Hash
}

// storedChunk is how many stored hashes Verify asks the store for at once.
const storedChunk = 4096

// Verify recomputes the log from its events alone and checks the stored
// hashes and the signed checkpoints against it.
//
// events are all the events as the store holds them, in seq order; stored
// reads the stored hashes; checkpoints are the signed checkpoint notes as
// the store holds them, in size order, one per size from 1 to
// len(events); v is the verifier of the log's key, which must be safe for
// concurrent use (note.NewVerifier's are): Verify checks the checkpoints'
// signatures on all processors.
//
// Verify walks the log one seq s at a time, from 1, and stops at the first
// problem, which it returns as a *[Finding] with Seq set to where the
// tampering is. At seq s it checks, in this order, that
//
//  1. events[s-1] has seq s (KindSeq otherwise: an event was deleted or
//     moved);
//  2. its leaf hash equals the stored leaf hash (KindLeaf: the event, or
//     that stored hash, was edited after it was written);
//  3. every other hash its append stored equals the recomputed one
//     (KindHash: the hash table was edited);
//  4. checkpoints[s-1] is signed by v's key (KindSignature), is a Haven
//     checkpoint (KindMalformed), exists and is for size s (KindMissing,
//     KindDuplicate, KindOrder), and its root equals the root recomputed from the first s
//     events (KindRoot: event s was edited and the stored hashes rewritten
//     to match, which only the signature of the operator's key, made when
//     the event was written, can reveal).
//
// After the last event, any further checkpoint is a KindBeyond finding at
// seq len(events)+1: the log was truncated.
//
// Since every checkpoint's root is checked against the tree recomputed from
// the events, every checkpoint is also consistent with every other
// (tlog.CheckTree would pass for any pair), so Verify does not check
// consistency proofs separately.
//
// What Verify cannot see alone: a log whose newest events, hashes and
// checkpoints were all removed together is a valid shorter log. Against
// that, outsiders keep signed checkpoints; see [CheckConsistency].
//
// Verify returns a [Report] and nil when the log is whole, a *Finding when
// it is not, and another error when the stored hashes cannot be read (a
// hash that the reader reports ENOTFOUND is a finding, not an error).
func Verify(events []*haven.AuditEvent, stored tlog.HashReader, checkpoints [][]byte, v note.Verifier) (Report, error) {
	const op = "audit.Verify"
	if v == nil || stored == nil {
		return Report{}, haven.Errorf(haven.EINVALID, op, "Verify needs the stored hashes and the log's verifier key")
	}
	n := int64(len(events))
	mem := make(MemoryHashes, 0, tlog.StoredHashCount(n))
	cur := &cursor{r: stored, end: tlog.StoredHashCount(n)}
	opened := openAll(checkpoints, v)
	last := max(n, int64(len(checkpoints)))
	for s := int64(1); s <= last; s++ {
		if s <= n {
			if err := checkEvent(s, events[s-1], &mem, cur); err != nil {
				return Report{}, err
			}
		}
		if f := checkCheckpoint(s, n, opened, mem); f != nil {
			return Report{}, f
		}
	}
	root, err := tlog.TreeHash(n, mem)
	if err != nil {
		return Report{}, haven.Internal(op, err)
	}
	return Report{Events: n, Checkpoints: len(checkpoints), Root: root}, nil
}

// checkEvent checks event e at seq s against the stored hashes and appends
// its recomputed hashes to mem.
func checkEvent(s int64, e *haven.AuditEvent, mem *MemoryHashes, cur *cursor) error {
	if e == nil {
		return finding(s, KindSeq, "event %d is missing", s)
	}
	if e.Seq != s {
		return finding(s, KindSeq, "expected event %d here, found event %d: an event was deleted, inserted or moved", s, e.Seq)
	}
	hs, err := tlog.StoredHashes(s-1, LeafData(e), *mem)
	if err != nil {
		return haven.Internal("audit.Verify", err)
	}
	start := int64(len(*mem))
	got, err := cur.read(start, len(hs))
	if err != nil {
		return err
	}
	if got[0] != hs[0] {
		return finding(s, KindLeaf, "event %d does not match its stored leaf hash (stored %s, recomputed %s): the event, or its stored hash, was changed after it was written", s, got[0], hs[0])
	}
	for i := 1; i < len(hs); i++ {
		if got[i] != hs[i] {
			x := start + int64(i)
			return finding(seqOfIndex(x), KindHash, "%s differs from the one recomputed from the events: the stored hashes were changed", describeIndex(x))
		}
	}
	*mem = append(*mem, hs...)
	return nil
}

// opened is a checkpoint whose signature was checked: the checkpoint, or
// the finding that it does not open.
type opened struct {
	c Checkpoint
	f *Finding
}

// openAll checks the signatures of all checkpoints, on every processor:
// signatures are most of the work of Verify. Opening checkpoint i does not
// depend on any other, and each goroutine writes its own elements only.
func openAll(checkpoints [][]byte, v note.Verifier) []opened {
	out := make([]opened, len(checkpoints))
	workers := min(runtime.GOMAXPROCS(0), max(1, len(checkpoints)/64))
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			known := note.VerifierList(v)
			for i := w; i < len(checkpoints); i += workers {
				out[i] = open(int64(i+1), checkpoints[i], known, v.Name())
			}
		})
	}
	wg.Wait()
	return out
}

// open checks the signature of the checkpoint at position s-1 and parses it.
func open(s int64, signed []byte, known note.Verifiers, name string) opened {
	nt, err := note.Open(signed, known)
	if err != nil {
		var unverified *note.UnverifiedNoteError
		if errors.As(err, &unverified) {
			return opened{f: finding(s, KindSignature, "checkpoint %d is not signed by the log's key %s", s, name)}
		}
		return opened{f: finding(s, KindSignature, "checkpoint %d does not verify: %v", s, err)}
	}
	c, err := ParseCheckpoint([]byte(nt.Text))
	if err != nil {
		return opened{f: finding(s, KindMalformed, "checkpoint %d is signed by the log's key but is not a Haven audit checkpoint", s)}
	}
	return opened{c: c}
}

// checkCheckpoint checks the checkpoint at position s-1, which must be the
// checkpoint for size s. n is the number of events; mem holds the
// recomputed hashes of the first min(s, n) events.
func checkCheckpoint(s, n int64, checkpoints []opened, mem MemoryHashes) *Finding {
	if s > int64(len(checkpoints)) {
		return finding(s, KindMissing, "there is no checkpoint for size %d", s)
	}
	o := checkpoints[s-1]
	if o.f != nil {
		return o.f
	}
	c := o.c
	switch {
	case c.Size == s-1 && s > 1:
		return finding(s-1, KindDuplicate, "there are two checkpoints for size %d", s-1)
	case c.Size < s:
		return finding(s, KindOrder, "checkpoint for size %d found where the one for size %d belongs", c.Size, s)
	case s > n:
		return finding(n+1, KindBeyond, "a checkpoint for size %d is signed, but the log holds only %d events: events from %d on are gone", c.Size, n, n+1)
	case c.Size > s:
		return finding(s, KindMissing, "there is no checkpoint for size %d (the next is for size %d)", s, c.Size)
	}
	root, err := tlog.TreeHash(s, mem)
	if err != nil {
		return finding(s, KindHash, "cannot recompute the tree of size %d", s)
	}
	if root != c.Hash {
		return finding(s, KindRoot, "checkpoint %d signs root %s, but the events give %s: event %d was changed and the stored hashes rewritten", s, c.Hash, root, s)
	}
	return nil
}

// cursor reads the stored hashes in order, in chunks, so that Verify makes
// one call to the store per storedChunk hashes rather than one per event.
type cursor struct {
	r      tlog.HashReader
	end    int64 // stored-hash indexes below end may be read
	start  int64 // index of buf[0]
	buf    []tlog.Hash
	single bool // a chunk read found a hash missing: read only what is asked
}

// read returns the k stored hashes from index on. A hash the reader
// reports ENOTFOUND is a KindHash finding; any other failure is an error.
func (c *cursor) read(index int64, k int) ([]tlog.Hash, error) {
	if index >= c.start && index+int64(k) <= c.start+int64(len(c.buf)) {
		return c.buf[index-c.start : index-c.start+int64(k)], nil
	}
	count := int64(k)
	if !c.single {
		count = max(count, min(storedChunk, c.end-index))
	}
	hs, err := c.readRange(index, count)
	if err == nil {
		c.start, c.buf = index, hs
		return hs[:k], nil
	}
	if !c.single {
		// Some hash of the chunk may be missing: from now on read only
		// what is asked, so that a finding names the first missing one.
		c.single = true
		return c.read(index, k)
	}
	if haven.ErrorCodeOf(err) == haven.ENOTFOUND {
		for i := range int64(k) {
			x := index + i
			if _, err := c.readRange(x, 1); haven.ErrorCodeOf(err) == haven.ENOTFOUND {
				return nil, finding(seqOfIndex(x), KindHash, "%s is missing", describeIndex(x))
			}
		}
	}
	return nil, wrap("audit.Verify", err)
}

func (c *cursor) readRange(index, count int64) ([]tlog.Hash, error) {
	indexes := make([]int64, count)
	for i := range indexes {
		indexes[i] = index + int64(i)
	}
	hs, err := c.r.ReadHashes(indexes)
	if err == nil && len(hs) != len(indexes) {
		err = fmt.Errorf("ReadHashes(%d indexes) returned %d hashes", len(indexes), len(hs))
	}
	return hs, err
}
