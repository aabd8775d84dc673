package audit

import (
	"errors"
	"fmt"

	"golang.org/x/mod/sumdb/tlog"

	"github.com/havenhrd/haven"
)

// Append returns the stored hashes to write when event e is appended as
// leaf e.Seq-1, reading earlier stored hashes through r. The caller writes
// hash i of the result at stored-hash index tlog.StoredHashIndex(0, e.Seq-1)+i,
// which for a log appended in order is the number of hashes already stored,
// in the same transaction as the event itself, so that an event is never
// committed without its hashes nor hashes without their event.
//
// Append returns an EINVALID error when e.Seq is below 1, and the reader's
// error, wrapped, when an earlier hash cannot be read.
func Append(e *haven.AuditEvent, r tlog.HashReader) ([]tlog.Hash, error) {
	const op = "audit.Append"
	if e == nil {
		return nil, haven.Errorf(haven.EINVALID, op, "no event to append")
	}
	if e.Seq < 1 {
		return nil, haven.Errorf(haven.EINVALID, op, "an audit event's seq starts at 1, not %d", e.Seq)
	}
	hs, err := tlog.StoredHashes(e.Seq-1, LeafData(e), r)
	if err != nil {
		return nil, wrap(op, err)
	}
	return hs, nil
}

// TreeHash returns the root hash of the log's tree of size n (its first n
// events), reading stored hashes through r. The tree of size 0 has the
// hash of the empty string.
func TreeHash(n int64, r tlog.HashReader) (tlog.Hash, error) {
	const op = "audit.TreeHash"
	if n < 0 {
		return tlog.Hash{}, haven.Errorf(haven.EINVALID, op, "a tree size cannot be negative")
	}
	h, err := tlog.TreeHash(n, r)
	if err != nil {
		return tlog.Hash{}, wrap(op, err)
	}
	return h, nil
}

// MemoryHashes holds stored hashes in memory, hash i at stored-hash index
// i. It implements tlog.HashReader for tests and for the recomputation
// inside [Verify]. Appending a log in order is
//
//	hs, err := audit.Append(e, m)
//	m = append(m, hs...)
type MemoryHashes []tlog.Hash

// ReadHashes returns the hashes at indexes. It returns an ENOTFOUND error
// when an index is not held.
func (m MemoryHashes) ReadHashes(indexes []int64) ([]tlog.Hash, error) {
	out := make([]tlog.Hash, len(indexes))
	for i, x := range indexes {
		if x < 0 || x >= int64(len(m)) {
			return nil, haven.Errorf(haven.ENOTFOUND, "audit.MemoryHashes", "no stored hash at index %d", x)
		}
		out[i] = m[x]
	}
	return out, nil
}

// wrap passes a *haven.Error through and makes anything else internal.
func wrap(op string, err error) error {
	var he *haven.Error
	if errors.As(err, &he) {
		return err
	}
	return haven.Internal(op, err)
}

// seqOfIndex returns the sequence number of the event whose append writes
// the stored hash at index: the last leaf of the subtree the hash covers.
func seqOfIndex(index int64) int64 {
	level, n := tlog.SplitStoredHashIndex(index)
	return (n + 1) << uint(level)
}

func describeIndex(index int64) string {
	level, n := tlog.SplitStoredHashIndex(index)
	if level == 0 {
		return fmt.Sprintf("stored hash %d (leaf %d)", index, n)
	}
	return fmt.Sprintf("stored hash %d (level %d node %d)", index, level, n)
}
