// Package audit makes Haven's audit trail tamper-evident: nobody, not even
// the operator with write access to the database, can delete, reorder or
// rewrite an audit event without [Verify] saying so and where.
//
// The package is pure: it computes and checks hashes and signatures, and
// leaves storing them to the app layer and the store.
//
// # Leaves
//
// The trail is a Merkle tree as in RFC 6962 and Certificate Transparency,
// built with golang.org/x/mod/sumdb/tlog, the library behind the Go
// checksum database. The event with seq n (seqs start at 1) is leaf n-1.
// [LeafData] encodes every field of the event, seq included, in one
// canonical, length-prefixed text form that is documented there so that an
// outsider can recompute it; [LeafHash] is SHA-256 of a zero byte and the
// leaf data.
//
// # Stored hashes, in the same transaction
//
// For each new event, [Append] returns the tree's new stored hashes (the
// leaf hash and the hashes of the subtrees it completes, about two per event
// on average) computed from the earlier stored hashes. The app writes them,
// at the indexes tlog assigns, in the same database transaction as the
// event, so that an event is never committed without its hashes. With
// them, [TreeHash] gives the root of the tree of any size, and [Prove]
// gives a proof for any event, reading only about log₂ n hashes.
//
// # One signed checkpoint per size
//
// A checkpoint is the text "haven audit log v1", the tree size and the root
// hash, one per line, as in tlog's tree notes but with Haven's [Origin]. It
// is signed with the log's Ed25519 key in the note format of
// golang.org/x/mod/sumdb/note ([GenerateKey], [SignCheckpoint],
// [OpenCheckpoint]); the key's name names the installation. The app signs
// the checkpoint for size n right after appending event n, in the same
// transaction, so that the store holds exactly one signed checkpoint for
// every size from 1 to the number of events, also when one transaction
// appends several events. The signing key lives in the key file, outside
// the database.
//
// # What Verify detects, and where
//
// [Verify] recomputes the whole tree from the events alone and walks the
// log one seq at a time, stopping at the first problem, which it returns as
// a *[Finding] whose Seq says where it is:
//
//   - an event deleted, inserted, reordered or renumbered: KindSeq at the
//     first position whose event has the wrong seq;
//   - an event edited while its stored hashes were left alone: KindLeaf at
//     that event's seq;
//   - a stored hash edited or deleted: KindHash at the seq of the event whose
//     append wrote it;
//   - an event edited and all stored hashes rewritten to match: KindRoot at
//     that event's seq, because the checkpoint for that size, signed when
//     the event was written, no longer matches while the one for the size
//     before still does; without the signing key the operator cannot sign
//     new checkpoints;
//   - a checkpoint edited, or signed by another key: KindSignature at its
//     size; a checkpoint missing, duplicated or out of order: KindMissing,
//     KindDuplicate, KindOrder at that size;
//   - the newest events deleted while their checkpoints remain: KindBeyond
//     at the first missing seq.
//
// What no check inside one database can catch is a rollback: the newest
// events, their hashes and their checkpoints all removed together, or the
// whole log rebuilt by whoever holds the signing key. Against that,
// checkpoints must leave the building: publish the latest signed
// checkpoint, or hand it to partners with their reports, and check a kept
// checkpoint against a later one with [ProveConsistency] and
// [CheckConsistency]. After Verify passes, the stored hashes equal the
// recomputed ones, so [TreeHash] over them also answers whether an old
// checkpoint's root is the root of the log's tree of that size.
//
// # Proofs for outsiders
//
// [Prove] makes a [Proof] that an event is in the log: the event, its leaf
// index, a signed checkpoint and the audit path from the leaf to the
// checkpoint's root. [CheckProof] checks it with the log's public verifier
// key alone, with no access to the database: it opens the checkpoint with
// the key, recomputes the leaf hash from the event, and runs the path
// (tlog.CheckRecord). A proof travels as JSON ([Proof.MarshalJSON]), with
// the event as its leaf data, and can be checked with any SHA-256, Ed25519
// and RFC 6962 implementation.
//
// # No personal data
//
// Audit events name actors, organisations and records by ID only, with
// states, kinds and counts as detail: they hold no personal data. Shredding
// a case (deleting its data key) leaves every event, and so every hash,
// checkpoint and proof, as it was: the log stays verifiable after erasure.
// Findings and errors of this package carry seqs, indexes, sizes and hashes
// only.
package audit
