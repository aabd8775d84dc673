package audit_test

import (
	"bytes"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"

	"github.com/havenhrd/haven"
	"github.com/havenhrd/haven/internal/audit"
)

const logSize = 200

func TestVerifyWholeLog(t *testing.T) {
	k := MustKey(t, "audit.haven.test")
	l := MustLog(t, logSize, k)
	rep, err := audit.Verify(l.Events, l.Hashes, l.Checkpoints, k.Verifier)
	if err != nil {
		t.Fatalf("Verify: %v", err)
	}
	last, err := audit.OpenCheckpoint(l.Checkpoints[logSize-1], k.Verifier)
	if err != nil {
		t.Fatalf("OpenCheckpoint: %v", err)
	}
	want := audit.Report{Events: logSize, Checkpoints: logSize, Root: last.Hash}
	if rep != want {
		t.Errorf("Verify = %+v, want %+v", rep, want)
	}
	if got := int64(len(l.Hashes)); got != tlog.StoredHashCount(logSize) {
		t.Errorf("%d stored hashes, want %d", got, tlog.StoredHashCount(logSize))
	}
}

func TestVerifyEmptyLog(t *testing.T) {
	k := MustKey(t, "audit.haven.test")
	rep, err := audit.Verify(nil, audit.MemoryHashes{}, nil, k.Verifier)
	if err != nil {
		t.Fatalf("Verify: %v", err)
	}
	empty, _ := tlog.TreeHash(0, audit.MemoryHashes{})
	if want := (audit.Report{Root: empty}); rep != want {
		t.Errorf("Verify = %+v, want %+v", rep, want)
	}
}

// edits change one field of an event each.
var edits = []struct {
	field string
	edit  func(*haven.AuditEvent)
}{
	{"at", func(e *haven.AuditEvent) { e.At = e.At.Add(1) }},
	{"actor_id", func(e *haven.AuditEvent) { e.ActorID = "user_999" }},
	{"actor_org_id", func(e *haven.AuditEvent) { e.ActorOrgID = "org_9" }},
	{"action", func(e *haven.AuditEvent) { e.Action = "case.withdraw" }},
	{"object_type", func(e *haven.AuditEvent) { e.ObjectType = "nomination" }},
	{"object_id", func(e *haven.AuditEvent) { e.ObjectID += "0" }},
	{"case_id", func(e *haven.AuditEvent) { e.CaseID = "case_other" }},
	{"decision", func(e *haven.AuditEvent) { e.Decision = "deny" }},
	{"policy_ids added", func(e *haven.AuditEvent) { e.PolicyIDs = append(e.PolicyIDs, "role.admin") }},
	{"policy_ids dropped", func(e *haven.AuditEvent) { e.PolicyIDs = e.PolicyIDs[:1] }},
	{"policy_ids reordered", func(e *haven.AuditEvent) { slices.Reverse(e.PolicyIDs) }},
	{"request_id", func(e *haven.AuditEvent) { e.RequestID = "" }},
	{"detail", func(e *haven.AuditEvent) { e.Detail = strings.Replace(e.Detail, ",", ", ", 1) }},
}

// otherRoot returns the base64 of a hash unlike any in the log.
func otherRoot() string { return tlog.RecordHash([]byte("forged")).String() }

func TestVerifyFindsTampering(t *testing.T) {
	k := MustKey(t, "audit.haven.test")
	other := MustKey(t, "audit.haven.test")
	base := MustLog(t, logSize, k)

	type tamper struct {
		name   string
		tamper func(t *testing.T, l *Log)
		seq    int64
		kind   string
	}
	var tests []tamper

	// An edited event whose stored hashes were left alone.
	for _, seq := range []int64{1, 2, 64, 100, 128, 199, 200} {
		for _, ed := range edits {
			tests = append(tests, tamper{fmt.Sprintf("edit %s of event %d", ed.field, seq),
				func(t *testing.T, l *Log) { ed.edit(l.Events[seq-1]) }, seq, audit.KindLeaf})
		}
		tests = append(tests,
			tamper{fmt.Sprintf("renumber event %d", seq),
				func(t *testing.T, l *Log) { l.Events[seq-1].Seq += 1000 }, seq, audit.KindSeq},
			// The operator edits the event and rewrites every stored hash to
			// match: only the checkpoint signed when it was written reveals it.
			tamper{fmt.Sprintf("edit event %d and rewrite the hashes", seq),
				func(t *testing.T, l *Log) { l.Events[seq-1].Action = "case.close"; l.MustRehash(t) }, seq, audit.KindRoot},
			tamper{fmt.Sprintf("edit a policy of event %d and rewrite the hashes", seq),
				func(t *testing.T, l *Log) { l.Events[seq-1].PolicyIDs[0] = "role.admin"; l.MustRehash(t) }, seq, audit.KindRoot},
			tamper{fmt.Sprintf("edit the stored leaf hash of event %d", seq),
				func(t *testing.T, l *Log) { l.Hashes[tlog.StoredHashIndex(0, seq-1)][0] ^= 1 }, seq, audit.KindLeaf},
		)
	}
	for _, seq := range []int64{1, 57, 199} {
		tests = append(tests,
			tamper{fmt.Sprintf("delete event %d", seq),
				func(t *testing.T, l *Log) { l.Events = slices.Delete(l.Events, int(seq-1), int(seq)) }, seq, audit.KindSeq},
			tamper{fmt.Sprintf("swap events %d and %d", seq, seq+1),
				func(t *testing.T, l *Log) { l.Events[seq-1], l.Events[seq] = l.Events[seq], l.Events[seq-1] }, seq, audit.KindSeq},
			tamper{fmt.Sprintf("insert a copy of event %d", seq),
				func(t *testing.T, l *Log) {
					d := *l.Events[seq-1]
					l.Events = slices.Insert(l.Events, int(seq), &d)
				}, seq + 1, audit.KindSeq},
			tamper{fmt.Sprintf("replace event %d by nothing", seq),
				func(t *testing.T, l *Log) { l.Events[seq-1] = nil }, seq, audit.KindSeq},
		)
	}
	// Deleting the last event leaves its checkpoint beyond the log.
	tests = append(tests, tamper{"delete event 200",
		func(t *testing.T, l *Log) { l.Events = l.Events[:logSize-1] }, logSize, audit.KindBeyond})

	// Interior stored hashes: each is written by the append of the last
	// event of its subtree.
	for _, h := range []struct {
		level int
		n     int64
		seq   int64
	}{{1, 0, 2}, {3, 4, 40}, {7, 0, 128}, {6, 2, 192}, {3, 24, 200}} {
		tests = append(tests, tamper{fmt.Sprintf("edit stored hash level %d node %d", h.level, h.n),
			func(t *testing.T, l *Log) { l.Hashes[tlog.StoredHashIndex(h.level, h.n)][31] ^= 0x80 }, h.seq, audit.KindHash})
	}
	tests = append(tests,
		tamper{"delete stored hashes from event 151 on",
			func(t *testing.T, l *Log) { l.Hashes = l.Hashes[:tlog.StoredHashCount(150)] }, 151, audit.KindHash},
		tamper{"delete the last stored hash",
			func(t *testing.T, l *Log) { l.Hashes = l.Hashes[:len(l.Hashes)-1] }, logSize, audit.KindHash},
	)

	// Checkpoints.
	for _, s := range []int64{1, 2, 100, 128, 200} {
		tests = append(tests,
			tamper{fmt.Sprintf("delete checkpoint %d", s),
				func(t *testing.T, l *Log) { l.Checkpoints = slices.Delete(l.Checkpoints, int(s-1), int(s)) }, s, audit.KindMissing},
			tamper{fmt.Sprintf("duplicate checkpoint %d", s),
				func(t *testing.T, l *Log) {
					l.Checkpoints = slices.Insert(l.Checkpoints, int(s), l.Checkpoints[s-1])
				}, s, audit.KindDuplicate},
			tamper{fmt.Sprintf("edit the root of checkpoint %d", s),
				func(t *testing.T, l *Log) {
					lines := strings.SplitN(string(l.Checkpoints[s-1]), "\n", 4)
					lines[2] = otherRoot()
					l.Checkpoints[s-1] = []byte(strings.Join(lines, "\n"))
				}, s, audit.KindSignature},
			tamper{fmt.Sprintf("edit the size of checkpoint %d", s),
				func(t *testing.T, l *Log) {
					l.Checkpoints[s-1] = bytes.Replace(l.Checkpoints[s-1], fmt.Appendf(nil, "\n%d\n", s), fmt.Appendf(nil, "\n%d\n", s+1000), 1)
				}, s, audit.KindSignature},
			tamper{fmt.Sprintf("re-sign checkpoint %d with another key", s),
				func(t *testing.T, l *Log) { l.Checkpoints[s-1] = MustCheckpoint(t, l.Hashes, s, other) }, s, audit.KindSignature},
			tamper{fmt.Sprintf("replace checkpoint %d by nothing", s),
				func(t *testing.T, l *Log) { l.Checkpoints[s-1] = nil }, s, audit.KindSignature},
		)
	}
	tests = append(tests,
		tamper{"move checkpoint 50 after 52",
			func(t *testing.T, l *Log) {
				c := l.Checkpoints[49]
				l.Checkpoints = slices.Insert(slices.Delete(l.Checkpoints, 49, 50), 51, c)
			}, 50, audit.KindMissing},
		tamper{"checkpoint 3 again in place of 5",
			func(t *testing.T, l *Log) { l.Checkpoints[4] = l.Checkpoints[2] }, 5, audit.KindOrder},
		tamper{"delete checkpoints from 150 on",
			func(t *testing.T, l *Log) { l.Checkpoints = l.Checkpoints[:149] }, 150, audit.KindMissing},
		tamper{"sign a tree note of another kind with the log's key",
			func(t *testing.T, l *Log) {
				root, _ := tlog.TreeHash(7, l.Hashes)
				signed, err := note.Sign(&note.Note{Text: string(tlog.FormatTree(tlog.Tree{N: 7, Hash: root}))}, k.Signer)
				if err != nil {
					t.Fatal(err)
				}
				l.Checkpoints[6] = signed
			}, 7, audit.KindMalformed},
		tamper{"sign a forged root for size 90 with the log's key",
			func(t *testing.T, l *Log) {
				signed, _ := audit.SignCheckpoint(k.Signer, audit.Checkpoint{Size: 90, Hash: tlog.RecordHash(nil)})
				l.Checkpoints[89] = signed
			}, 90, audit.KindRoot},
		tamper{"truncate the events to 190, keep hashes and checkpoints",
			func(t *testing.T, l *Log) { l.Events = l.Events[:190] }, 191, audit.KindBeyond},
		tamper{"truncate events and hashes to 190, keep checkpoints",
			func(t *testing.T, l *Log) {
				l.Events = l.Events[:190]
				l.Hashes = l.Hashes[:tlog.StoredHashCount(190)]
			}, 191, audit.KindBeyond},
		tamper{"truncate events to 150 and drop checkpoint 151",
			func(t *testing.T, l *Log) {
				l.Events = l.Events[:150]
				l.Checkpoints = slices.Delete(l.Checkpoints, 150, 151)
			}, 151, audit.KindBeyond},
	)

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := base.Clone()
			tt.tamper(t, l)
			_, err := audit.Verify(l.Events, l.Hashes, l.Checkpoints, k.Verifier)
			var f *audit.Finding
			if !errors.As(err, &f) {
				t.Fatalf("Verify = %v, want a *Finding", err)
			}
			if f.Seq != tt.seq || f.Kind != tt.kind {
				t.Errorf("Verify found %q at seq %d, want %q at seq %d: %v", f.Kind, f.Seq, tt.kind, tt.seq, f)
			}
			if f.Message == "" || !strings.Contains(f.Error(), fmt.Sprint(f.Seq)) {
				t.Errorf("Finding.Error() = %q: want a message naming the seq", f.Error())
			}
			// Findings carry seqs and hashes, never an event's fields.
			for _, e := range base.Events {
				if strings.Contains(f.Message, string(e.ActorID)) || strings.Contains(f.Message, e.Detail) {
					t.Fatalf("Finding %q quotes an event", f.Message)
				}
			}
		})
	}

	// Tampering must not touch the original.
	if _, err := audit.Verify(base.Events, base.Hashes, base.Checkpoints, k.Verifier); err != nil {
		t.Fatalf("the base log was changed by a test: %v", err)
	}
}

// TestVerifyRollback shows what Verify cannot see alone, and what catches
// it: the newest events, hashes and checkpoints removed together leave a
// valid shorter log, but not one consistent with a checkpoint an outsider
// kept.
func TestVerifyRollback(t *testing.T) {
	k := MustKey(t, "audit.haven.test")
	l := MustLog(t, logSize, k)
	kept := l.Checkpoints[logSize-1]

	// The operator rolls back to 150 events and appends a different 151st.
	r := l.Clone()
	r.Events, r.Hashes, r.Checkpoints = r.Events[:150], r.Hashes[:tlog.StoredHashCount(150)], r.Checkpoints[:150]
	if _, err := audit.Verify(r.Events, r.Hashes, r.Checkpoints, k.Verifier); err != nil {
		t.Fatalf("Verify of a consistently truncated log: %v", err)
	}
	forged := Event(151)
	forged.Action = "case.close"
	r.MustAppend(t, forged, k)
	for range 49 {
		r.MustAppend(t, Event(int64(len(r.Events)+1)), k)
	}
	if _, err := audit.Verify(r.Events, r.Hashes, r.Checkpoints, k.Verifier); err != nil {
		t.Fatalf("Verify of a log rebuilt with the key: %v", err)
	}

	// The outsider's kept checkpoint of size 200 is not consistent with the
	// rebuilt log's checkpoint of size 200, nor with anything it has later.
	proof, err := audit.ProveConsistency(logSize, logSize, r.Hashes)
	if err != nil {
		t.Fatalf("ProveConsistency: %v", err)
	}
	if err := audit.CheckConsistency(kept, r.Checkpoints[logSize-1], proof, k.VKey); err == nil {
		t.Error("CheckConsistency accepted a rebuilt log")
	}
	r.MustAppend(t, Event(logSize+1), k)
	proof, err = audit.ProveConsistency(logSize, logSize+1, r.Hashes)
	if err != nil {
		t.Fatalf("ProveConsistency: %v", err)
	}
	if err := audit.CheckConsistency(kept, r.Checkpoints[logSize], proof, k.VKey); err == nil {
		t.Error("CheckConsistency accepted a rebuilt log")
	}
}

func TestVerifyErrors(t *testing.T) {
	k := MustKey(t, "audit.haven.test")
	l := MustLog(t, 10, k)
	if _, err := audit.Verify(l.Events, l.Hashes, l.Checkpoints, nil); haven.ErrorCodeOf(err) != haven.EINVALID {
		t.Errorf("Verify without a verifier = %v, want EINVALID", err)
	}
	if _, err := audit.Verify(l.Events, nil, l.Checkpoints, k.Verifier); haven.ErrorCodeOf(err) != haven.EINVALID {
		t.Errorf("Verify without stored hashes = %v, want EINVALID", err)
	}
	// A store that cannot be read is an error, not a finding.
	down := tlog.HashReaderFunc(func([]int64) ([]tlog.Hash, error) {
		return nil, &haven.Error{Code: haven.EUNAVAILABLE, Op: "store", Message: "database is down"}
	})
	_, err := audit.Verify(l.Events, down, l.Checkpoints, k.Verifier)
	var f *audit.Finding
	if errors.As(err, &f) || haven.ErrorCodeOf(err) != haven.EUNAVAILABLE {
		t.Errorf("Verify with the store down = %v, want EUNAVAILABLE", err)
	}
	short := tlog.HashReaderFunc(func(ix []int64) ([]tlog.Hash, error) { return make([]tlog.Hash, len(ix)-1), nil })
	if _, err := audit.Verify(l.Events, short, l.Checkpoints, k.Verifier); haven.ErrorCodeOf(err) != haven.EINTERNAL || errors.As(err, &f) {
		t.Errorf("Verify with a faulty reader = %v, want EINTERNAL", err)
	}
}

// TestVerifyReadsInChunks checks that Verify does not ask the store once
// per event.
func TestVerifyReadsInChunks(t *testing.T) {
	k := MustKey(t, "audit.haven.test")
	l := MustLog(t, 3000, k)
	calls := 0
	counting := tlog.HashReaderFunc(func(ix []int64) ([]tlog.Hash, error) {
		calls++
		return l.Hashes.ReadHashes(ix)
	})
	if _, err := audit.Verify(l.Events, counting, l.Checkpoints, k.Verifier); err != nil {
		t.Fatalf("Verify: %v", err)
	}
	if want := int(tlog.StoredHashCount(3000)/4096) + 1; calls > want {
		t.Errorf("Verify read the store %d times, want at most %d", calls, want)
	}
}

// TestVerifyStoredHashesMatchAppend checks that the hashes Verify expects
// are exactly those Append hands the app, at the indexes tlog assigns.
func TestVerifyStoredHashesMatchAppend(t *testing.T) {
	var m audit.MemoryHashes
	for seq := int64(1); seq <= 64; seq++ {
		hs, err := audit.Append(Event(seq), m)
		if err != nil {
			t.Fatal(err)
		}
		if got, want := int64(len(m)), tlog.StoredHashIndex(0, seq-1); got != want {
			t.Fatalf("event %d: hashes start at %d, want %d", seq, got, want)
		}
		if hs[0] != audit.LeafHash(Event(seq)) {
			t.Fatalf("event %d: first stored hash is not the leaf hash", seq)
		}
		m = append(m, hs...)
	}
	if _, err := audit.Append(Event(0), m); haven.ErrorCodeOf(err) != haven.EINVALID {
		t.Errorf("Append(seq 0) = %v, want EINVALID", err)
	}
	// Appending event 66 before 65 needs hashes that are not there.
	if _, err := audit.Append(Event(66), m[:len(m)-1]); haven.ErrorCodeOf(err) != haven.ENOTFOUND {
		t.Errorf("Append with hashes missing = %v, want ENOTFOUND", err)
	}
	if _, err := audit.TreeHash(-1, m); haven.ErrorCodeOf(err) != haven.EINVALID {
		t.Errorf("TreeHash(-1) = %v, want EINVALID", err)
	}
}

func BenchmarkVerify(b *testing.B) {
	const n = 10_000
	k := MustKey(b, "audit.haven.bench")
	l := MustLog(b, n, k)
	b.ReportAllocs()
	for b.Loop() {
		rep, err := audit.Verify(l.Events, l.Hashes, l.Checkpoints, k.Verifier)
		if err != nil || rep.Events != n {
			b.Fatalf("Verify = %+v, %v", rep, err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/n, "ns/event")
}

// BenchmarkAppend measures computing the stored hashes of 10,000 events,
// which is the part of Verify that is not checking signatures.
func BenchmarkAppend(b *testing.B) {
	events := make([]*haven.AuditEvent, 10_000)
	for i := range events {
		events[i] = Event(int64(i + 1))
	}
	b.ReportAllocs()
	for b.Loop() {
		var m audit.MemoryHashes
		for _, e := range events {
			hs, err := audit.Append(e, m)
			if err != nil {
				b.Fatal(err)
			}
			m = append(m, hs...)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(len(events)), "ns/event")
}

func BenchmarkSignCheckpoint(b *testing.B) {
	k := MustKey(b, "audit.haven.bench")
	c := audit.Checkpoint{Size: 12345, Hash: tlog.RecordHash([]byte("x"))}
	for b.Loop() {
		if _, err := audit.SignCheckpoint(k.Signer, c); err != nil {
			b.Fatal(err)
		}
	}
}
