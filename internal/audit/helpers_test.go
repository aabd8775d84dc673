package audit_test

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"

	"github.com/havenhrd/haven"
	"github.com/havenhrd/haven/internal/audit"
)

// Key is a log's signing key with its verifier.
type Key struct {
	Signer   note.Signer
	Verifier note.Verifier
	VKey     string
}

// MustKey returns a new random key named name or fails the test.
func MustKey(tb testing.TB, name string) Key {
	tb.Helper()
	skey, vkey, err := audit.GenerateKey(name, nil)
	if err != nil {
		tb.Fatalf("GenerateKey: %v", err)
	}
	s, err := note.NewSigner(skey)
	if err != nil {
		tb.Fatalf("NewSigner: %v", err)
	}
	v, err := note.NewVerifier(vkey)
	if err != nil {
		tb.Fatalf("NewVerifier: %v", err)
	}
	return Key{Signer: s, Verifier: v, VKey: vkey}
}

// Log is a log as the store holds it: events, stored hashes and one signed
// checkpoint per size.
type Log struct {
	Events      []*haven.AuditEvent
	Hashes      audit.MemoryHashes
	Checkpoints [][]byte
}

var epoch = time.Date(2024, 3, 1, 8, 0, 0, 0, time.UTC)

// Event returns a synthetic event with the given seq: IDs, kinds and
// counts only, as real events.
func Event(seq int64) *haven.AuditEvent {
	e := &haven.AuditEvent{
		Seq:        seq,
		At:         epoch.Add(time.Duration(seq)*time.Minute + time.Duration(seq*1013)*time.Nanosecond),
		ActorID:    haven.ID(fmt.Sprintf("user_%03d", seq%17)),
		ActorOrgID: haven.ID(fmt.Sprintf("org_%d", seq%4)),
		Action:     []string{"case.refer", "case.assess", "nomination.create", "user.create"}[seq%4],
		ObjectType: "case",
		ObjectID:   haven.ID(fmt.Sprintf("case_%04d", seq/3)),
		Decision:   "allow",
		PolicyIDs:  []string{"role.caseworker", fmt.Sprintf("org_kind.%d", seq%3)},
		RequestID:  fmt.Sprintf("req_%06d", seq),
		Detail:     fmt.Sprintf(`{"count":%d,"state":"referred"}`, seq),
	}
	if seq%2 == 0 {
		e.CaseID = e.ObjectID
	}
	return e
}

// MustAppend appends e as the app would: its stored hashes, then the
// checkpoint for the new size signed by k.
func (l *Log) MustAppend(tb testing.TB, e *haven.AuditEvent, k Key) {
	tb.Helper()
	hs, err := audit.Append(e, l.Hashes)
	if err != nil {
		tb.Fatalf("Append(%d): %v", e.Seq, err)
	}
	l.Hashes = append(l.Hashes, hs...)
	l.Events = append(l.Events, e)
	l.Checkpoints = append(l.Checkpoints, MustCheckpoint(tb, l.Hashes, int64(len(l.Events)), k))
}

// MustCheckpoint signs the checkpoint of the tree of size n or fails the test.
func MustCheckpoint(tb testing.TB, r tlog.HashReader, n int64, k Key) []byte {
	tb.Helper()
	root, err := audit.TreeHash(n, r)
	if err != nil {
		tb.Fatalf("TreeHash(%d): %v", n, err)
	}
	signed, err := audit.SignCheckpoint(k.Signer, audit.Checkpoint{Size: n, Hash: root})
	if err != nil {
		tb.Fatalf("SignCheckpoint: %v", err)
	}
	return signed
}

// MustLog returns a log of n synthetic events signed by k.
func MustLog(tb testing.TB, n int, k Key) *Log {
	tb.Helper()
	l := &Log{}
	for seq := int64(1); seq <= int64(n); seq++ {
		l.MustAppend(tb, Event(seq), k)
	}
	return l
}

// Clone returns a deep copy of l, to tamper with.
func (l *Log) Clone() *Log {
	c := &Log{Hashes: slices.Clone(l.Hashes)}
	for _, e := range l.Events {
		d := *e
		d.PolicyIDs = slices.Clone(e.PolicyIDs)
		c.Events = append(c.Events, &d)
	}
	for _, cp := range l.Checkpoints {
		c.Checkpoints = append(c.Checkpoints, slices.Clone(cp))
	}
	return c
}

// MustRehash recomputes every stored hash from the events, as an operator
// covering up an edit would.
func (l *Log) MustRehash(tb testing.TB) {
	tb.Helper()
	var m audit.MemoryHashes
	for _, e := range l.Events {
		hs, err := audit.Append(e, m)
		if err != nil {
			tb.Fatalf("Append(%d): %v", e.Seq, err)
		}
		m = append(m, hs...)
	}
	l.Hashes = m
}
