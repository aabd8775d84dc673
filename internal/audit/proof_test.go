package audit_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	"golang.org/x/mod/sumdb/tlog"

	"github.com/havenhrd/haven"
	"github.com/havenhrd/haven/internal/audit"
)

// MustProve returns the proof of event seq in the tree of size size or
// fails the test.
func MustProve(tb testing.TB, l *Log, seq, size int64) *audit.Proof {
	tb.Helper()
	p, err := audit.Prove(l.Events[seq-1], size, l.Hashes, l.Checkpoints[size-1])
	if err != nil {
		tb.Fatalf("Prove(%d, %d): %v", seq, size, err)
	}
	return p
}

func TestProveAndCheck(t *testing.T) {
	k := MustKey(t, "audit.haven.test")
	l := MustLog(t, logSize, k)
	for _, size := range []int64{1, 2, 3, 7, 8, 64, 127, 128, 129, 200} {
		for _, seq := range slices.Compact(slices.Sorted(slices.Values([]int64{1, 2, size / 2, size - 1, size}))) {
			if seq < 1 || seq > size {
				continue
			}
			t.Run(fmt.Sprintf("event %d in size %d", seq, size), func(t *testing.T) {
				p := MustProve(t, l, seq, size)
				if p.Index != seq-1 {
					t.Errorf("Index = %d, want %d", p.Index, seq-1)
				}
				if err := audit.CheckProof(p, k.VKey); err != nil {
					t.Fatalf("CheckProof: %v", err)
				}
				// The proof survives its JSON encoding byte for byte.
				j, err := json.Marshal(p)
				if err != nil {
					t.Fatalf("Marshal: %v", err)
				}
				var back audit.Proof
				if err := json.Unmarshal(j, &back); err != nil {
					t.Fatalf("Unmarshal: %v", err)
				}
				if err := audit.CheckProof(&back, k.VKey); err != nil {
					t.Fatalf("CheckProof after a round trip: %v", err)
				}
				if !bytes.Equal(audit.LeafData(&back.Event), audit.LeafData(&p.Event)) || back.Index != p.Index ||
					!bytes.Equal(back.Checkpoint, p.Checkpoint) || fmt.Sprint(back.RecordProof) != fmt.Sprint(p.RecordProof) {
					t.Errorf("round trip changed the proof:\n%+v\n%+v", back, *p)
				}
				j2, err := json.Marshal(back)
				if err != nil || !bytes.Equal(j, j2) {
					t.Errorf("re-encoding differs:\n%s\n%s", j, j2)
				}
			})
		}
	}
}

func TestCheckProofRejects(t *testing.T) {
	k := MustKey(t, "audit.haven.test")
	l := MustLog(t, logSize, k)
	// Another log with the same events under another key, and one under a
	// key of the same name.
	otherLog := MustLog(t, logSize, MustKey(t, "audit.other.test"))
	sameName := MustLog(t, logSize, MustKey(t, "audit.haven.test"))

	for _, tt := range []struct {
		name   string
		change func(p *audit.Proof)
		vkey   string
	}{
		{"another key", nil, MustKey(t, "audit.haven.test").VKey},
		{"a malformed key", nil, "not a key"},
		{"an edited action", func(p *audit.Proof) { p.Event.Action = "case.close" }, k.VKey},
		{"an edited time", func(p *audit.Proof) { p.Event.At = p.Event.At.Add(1) }, k.VKey},
		{"an edited policy", func(p *audit.Proof) { p.Event.PolicyIDs[1] = "role.admin" }, k.VKey},
		{"another index", func(p *audit.Proof) { p.Index++ }, k.VKey},
		{"another event at its index", func(p *audit.Proof) {
			p.Event = *l.Events[p.Index+1]
			p.Event.Seq = p.Index + 1
		}, k.VKey},
		{"the next event with its own index", func(p *audit.Proof) {
			p.Event = *l.Events[p.Index+1]
			p.Index++
		}, k.VKey},
		{"a checkpoint of another log", func(p *audit.Proof) { p.Checkpoint = otherLog.Checkpoints[149] }, k.VKey},
		{"a checkpoint of a log with a key of the same name", func(p *audit.Proof) { p.Checkpoint = sameName.Checkpoints[149] }, k.VKey},
		{"a checkpoint of another size", func(p *audit.Proof) { p.Checkpoint = l.Checkpoints[148] }, k.VKey},
		{"a checkpoint too small for the index", func(p *audit.Proof) { p.Checkpoint = l.Checkpoints[10] }, k.VKey},
		{"an edited checkpoint", func(p *audit.Proof) {
			p.Checkpoint = bytes.Replace(p.Checkpoint, []byte("\n150\n"), []byte("\n151\n"), 1)
		}, k.VKey},
		{"an edited proof hash", func(p *audit.Proof) { p.RecordProof[0][0] ^= 1 }, k.VKey},
		{"a proof hash dropped", func(p *audit.Proof) { p.RecordProof = p.RecordProof[1:] }, k.VKey},
		{"a proof hash added", func(p *audit.Proof) { p.RecordProof = append(p.RecordProof, tlog.Hash{}) }, k.VKey},
		{"a negative index", func(p *audit.Proof) { p.Index, p.Event.Seq = -1, 0 }, k.VKey},
	} {
		t.Run(tt.name, func(t *testing.T) {
			p := MustProve(t, l, 77, 150)
			p.Event.PolicyIDs = append([]string(nil), p.Event.PolicyIDs...)
			p.RecordProof = append(tlog.RecordProof(nil), p.RecordProof...)
			if tt.change != nil {
				tt.change(p)
			}
			if err := audit.CheckProof(p, tt.vkey); haven.ErrorCodeOf(err) != haven.EINVALID {
				t.Errorf("CheckProof = %v, want EINVALID", err)
			}
		})
	}
	if err := audit.CheckProof(nil, k.VKey); haven.ErrorCodeOf(err) != haven.EINVALID {
		t.Errorf("CheckProof(nil) = %v, want EINVALID", err)
	}
	// The tampering above did not reach the log.
	if err := audit.CheckProof(MustProve(t, l, 77, 150), k.VKey); err != nil {
		t.Fatalf("CheckProof: %v", err)
	}
}

func TestProveRejects(t *testing.T) {
	k := MustKey(t, "audit.haven.test")
	l := MustLog(t, 20, k)
	edited := *l.Events[4]
	edited.Detail = `{"count":99}`
	for _, tt := range []struct {
		name       string
		e          *haven.AuditEvent
		size       int64
		checkpoint []byte
		r          tlog.HashReader
		code       haven.ErrorCode
	}{
		{"an event after the size", l.Events[10], 10, l.Checkpoints[9], l.Hashes, haven.EINVALID},
		{"seq 0", &haven.AuditEvent{}, 10, l.Checkpoints[9], l.Hashes, haven.EINVALID},
		{"no event", nil, 10, l.Checkpoints[9], l.Hashes, haven.EINVALID},
		{"a checkpoint of another size", l.Events[4], 10, l.Checkpoints[10], l.Hashes, haven.EINVALID},
		{"a malformed checkpoint", l.Events[4], 10, []byte("haven audit log v1\n10\n"), l.Hashes, haven.EINVALID},
		{"no checkpoint", l.Events[4], 10, nil, l.Hashes, haven.EINVALID},
		{"an edited event", &edited, 10, l.Checkpoints[9], l.Hashes, haven.ECONFLICT},
		{"hashes missing", l.Events[4], 10, l.Checkpoints[9], l.Hashes[:3], haven.ENOTFOUND},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if p, err := audit.Prove(tt.e, tt.size, tt.r, tt.checkpoint); haven.ErrorCodeOf(err) != tt.code {
				t.Errorf("Prove = %+v, %v; want %s", p, err, tt.code)
			}
		})
	}
}

func TestProofJSON(t *testing.T) {
	k := MustKey(t, "audit.haven.test")
	l := MustLog(t, 5, k)
	p := MustProve(t, l, 3, 5)
	j, err := json.Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(j, &m); err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{"format", "index", "leaf_data", "checkpoint", "record_proof"} {
		if _, ok := m[key]; !ok {
			t.Errorf("the JSON has no %q: %s", key, j)
		}
	}
	if len(m) != 5 || m["format"] != audit.ProofFormat || m["index"] != 2.0 || !strings.HasPrefix(m["checkpoint"].(string), "haven audit log v1\n5\n") {
		t.Errorf("unexpected JSON %s", j)
	}
	// A proof of the only event of a tree of size 1 has an empty path, not null.
	l1 := MustLog(t, 1, k)
	j1, err := json.Marshal(MustProve(t, l1, 1, 1))
	if err != nil || !bytes.Contains(j1, []byte(`"record_proof":[]`)) {
		t.Errorf("proof of size 1 = %s, %v; want an empty record_proof", j1, err)
	}

	for _, tt := range []struct {
		name string
		json string
	}{
		{"not JSON", "{"},
		{"another format", strings.Replace(string(j), audit.ProofFormat, "haven audit proof v2", 1)},
		{"no format", strings.Replace(string(j), `"format"`, `"formats"`, 1)},
		{"leaf data not base64", strings.Replace(string(j), `"leaf_data":"`, `"leaf_data":"!`, 1)},
		{"leaf data of another kind", strings.Replace(string(j), `"leaf_data":"`, `"leaf_data":"AAAA`, 1)},
		{"a short hash", strings.Replace(string(j), `"record_proof":["`, `"record_proof":["AAAA","`, 1)},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var p audit.Proof
			if err := json.Unmarshal([]byte(tt.json), &p); err == nil {
				t.Errorf("Unmarshal(%s) succeeded", tt.json)
			}
		})
	}
}

func TestConsistency(t *testing.T) {
	k := MustKey(t, "audit.haven.test")
	l := MustLog(t, logSize, k)
	for _, sizes := range [][2]int64{{1, 1}, {1, 200}, {50, 200}, {64, 128}, {127, 129}, {199, 200}, {200, 200}} {
		o, n := sizes[0], sizes[1]
		p, err := audit.ProveConsistency(o, n, l.Hashes)
		if err != nil {
			t.Fatalf("ProveConsistency(%d, %d): %v", o, n, err)
		}
		if err := audit.CheckConsistency(l.Checkpoints[o-1], l.Checkpoints[n-1], p, k.VKey); err != nil {
			t.Errorf("CheckConsistency(%d, %d): %v", o, n, err)
		}
	}
	p, err := audit.ProveConsistency(50, 200, l.Hashes)
	if err != nil {
		t.Fatal(err)
	}
	other := MustLog(t, logSize, MustKey(t, "audit.haven.test"))
	for _, tt := range []struct {
		name         string
		older, newer []byte
		vkey         string
	}{
		{"reversed", l.Checkpoints[199], l.Checkpoints[49], k.VKey},
		{"another older size", l.Checkpoints[50], l.Checkpoints[199], k.VKey},
		{"another log's checkpoint", other.Checkpoints[49], l.Checkpoints[199], k.VKey},
		{"another key", l.Checkpoints[49], l.Checkpoints[199], MustKey(t, "audit.haven.test").VKey},
		{"a malformed key", l.Checkpoints[49], l.Checkpoints[199], "x"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if err := audit.CheckConsistency(tt.older, tt.newer, p, tt.vkey); haven.ErrorCodeOf(err) != haven.EINVALID {
				t.Errorf("CheckConsistency = %v, want EINVALID", err)
			}
		})
	}
	for _, sizes := range [][2]int64{{0, 5}, {6, 5}, {5, 201}} {
		if _, err := audit.ProveConsistency(sizes[0], sizes[1], l.Hashes); err == nil {
			t.Errorf("ProveConsistency(%d, %d) succeeded", sizes[0], sizes[1])
		}
	}
}
