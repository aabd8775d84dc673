package audit_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"

	"golang.org/x/mod/sumdb/note"

	"github.com/havenhrd/haven"
	"github.com/havenhrd/haven/internal/audit"
)

// This is what the app layer does in each transaction that appends an
// event, and what an auditor and an outsider do later.
func Example() {
	// Once, at installation: the key. The signing key goes to the key file;
	// the verifier key is published.
	skey, vkey, err := audit.GenerateKey("audit.haven.example.org", bytes.NewReader(make([]byte, 32)))
	if err != nil {
		panic(err)
	}
	signer, _ := note.NewSigner(skey)
	verifier, _ := note.NewVerifier(vkey)

	// In each appending transaction: the event, its stored hashes, and the
	// signed checkpoint of the new size.
	var hashes audit.MemoryHashes // the store's audit_hashes table
	var checkpoints [][]byte      // the store's audit_checkpoints table
	events := []*haven.AuditEvent{Event(1), Event(2), Event(3)}
	for _, e := range events {
		hs, err := audit.Append(e, hashes)
		if err != nil {
			panic(err)
		}
		hashes = append(hashes, hs...)
		root, _ := audit.TreeHash(e.Seq, hashes)
		signed, err := audit.SignCheckpoint(signer, audit.Checkpoint{Size: e.Seq, Hash: root})
		if err != nil {
			panic(err)
		}
		checkpoints = append(checkpoints, signed)
	}

	// The auditor: recompute everything from the events.
	rep, err := audit.Verify(events, hashes, checkpoints, verifier)
	fmt.Println(rep.Events, rep.Checkpoints, err)

	// The outsider: a proof of event 2, checked with the public key alone.
	p, err := audit.Prove(events[1], 3, hashes, checkpoints[2])
	if err != nil {
		panic(err)
	}
	j, _ := json.Marshal(p)
	var received audit.Proof
	if err := json.Unmarshal(j, &received); err != nil {
		panic(err)
	}
	fmt.Println(audit.CheckProof(&received, vkey))
	os.Stdout.Write(checkpoints[2][:bytes.Index(checkpoints[2], []byte("\n\n"))+1])
	// Output:
	// 3 3 <nil>
	// <nil>
	// haven audit log v1
	// 3
	// vNcRnFicA6ShJgGtxl8AFiQU5Rxmfsndir2s3tZWMxY=
}

// ExampleLeafData shows the leaf encoding an outsider recomputes.
func ExampleLeafData() {
	os.Stdout.Write(audit.LeafData(sample()))
	// Output:
	// haven audit event v1
	// seq 2:12
	// at 30:2024-05-01T09:30:00.123456789Z
	// actor_id 6:user_1
	// actor_org_id 9:org_unhcr
	// action 10:case.refer
	// object_type 4:case
	// object_id 6:case_7
	// case_id 6:case_7
	// decision 5:allow
	// policy_ids 1:2
	// policy_id 15:role.caseworker
	// policy_id 12:org.referrer
	// request_id 6:req_42
	// detail 20:{"state":"referred"}
}
