package app

import (
	"context"
	"encoding/json"
	"time"

	"github.com/havenhrd/haven"
	"github.com/havenhrd/haven/internal/audit"
	"github.com/havenhrd/haven/internal/store"
	"golang.org/x/mod/sumdb/note"
)

// AuditReport is the result of verifying the audit log.
type AuditReport = audit.Report

// VerifyAudit recomputes the audit log's Merkle tree from its events and
// checks it against the stored hashes and every signed checkpoint, with the
// verifier key vkey. A tampering is reported as an *audit.Finding naming the
// event or checkpoint where it happened. It reads the whole log in one
// snapshot; it needs no actor, because whoever can run it holds the
// database already, and it reveals nothing but IDs.
func (a *AuditLog) VerifyAudit(ctx context.Context, vkey string) (AuditReport, error) {
	v, err := note.NewVerifier(vkey)
	if err != nil {
		return AuditReport{}, haven.Errorf(haven.EINVALID, "app.VerifyAudit", "the audit verifier key is malformed")
	}
	var rep AuditReport
	err = a.store.View(ctx, func(tx store.Tx) error {
		events, cps, err := readLog(ctx, tx)
		if err != nil {
			return err
		}
		rep, err = audit.Verify(events, hashReader{ctx, tx}, cps, v)
		return err
	})
	return rep, err
}

func readLog(ctx context.Context, tx store.Tx) ([]*haven.AuditEvent, [][]byte, error) {
	var events []*haven.AuditEvent
	for after := int64(0); ; {
		page, err := tx.FindAudit(ctx, after, 10000)
		if err != nil {
			return nil, nil, err
		}
		events = append(events, page...)
		if len(page) < 10000 {
			break
		}
		after = page[len(page)-1].Seq
	}
	var cps [][]byte
	for after := int64(0); ; {
		page, err := tx.FindAuditCheckpoints(ctx, after, 10000)
		if err != nil {
			return nil, nil, err
		}
		for _, c := range page {
			cps = append(cps, []byte(c.Note))
		}
		if len(page) < 10000 {
			break
		}
		after = page[len(page)-1].Size
	}
	return events, cps, nil
}

// ProveAudit returns an inclusion proof of event seq in the latest signed
// checkpoint, which an outsider can check with the public key alone.
func (a *AuditLog) ProveAudit(ctx context.Context, seq int64) (*audit.Proof, error) {
	var p *audit.Proof
	err := a.store.View(ctx, func(tx store.Tx) error {
		var err error
		p, err = a.prove(ctx, tx, seq)
		return err
	})
	return p, err
}

func (a *AuditLog) prove(ctx context.Context, tx store.Tx, seq int64) (*audit.Proof, error) {
	es, err := tx.FindAudit(ctx, seq-1, 1)
	if err != nil {
		return nil, err
	}
	if seq < 1 || len(es) == 0 || es[0].Seq != seq {
		return nil, haven.Errorf(haven.ENOTFOUND, "app.ProveAudit", "no audit event %d", seq)
	}
	cp, err := latestCheckpoint(ctx, tx)
	if err != nil {
		return nil, err
	}
	return audit.Prove(es[0], cp.Size, hashReader{ctx, tx}, []byte(cp.Note))
}

func latestCheckpoint(ctx context.Context, tx store.Tx) (store.AuditCheckpoint, error) {
	// after returns the first checkpoint with a size above n, if any.
	after := func(n int64) (store.AuditCheckpoint, bool, error) {
		cps, err := tx.FindAuditCheckpoints(ctx, n, 1)
		if err != nil || len(cps) == 0 {
			return store.AuditCheckpoint{}, false, err
		}
		return cps[0], true, nil
	}
	// Search for the largest size: lo has a checkpoint above it, hi none.
	lo, hi := int64(0), int64(1)
	for {
		_, ok, err := after(hi)
		if err != nil {
			return store.AuditCheckpoint{}, err
		}
		if !ok {
			break
		}
		lo, hi = hi, hi*2
	}
	for hi-lo > 1 {
		mid := lo + (hi-lo)/2
		_, ok, err := after(mid)
		if err != nil {
			return store.AuditCheckpoint{}, err
		}
		if ok {
			lo = mid
		} else {
			hi = mid
		}
	}
	cp, ok, err := after(lo)
	if err != nil {
		return store.AuditCheckpoint{}, err
	}
	if !ok {
		return store.AuditCheckpoint{}, haven.Errorf(haven.ENOTFOUND, "app.latestCheckpoint", "the audit log has no signed checkpoint")
	}
	return cp, nil
}

// ScopeEntry is one case or member a user read or changed, with the
// events that show it and their inclusion proofs.
type ScopeEntry struct {
	Kind   string         `json:"kind"` // "case" or "member"
	ID     haven.ID       `json:"id"`
	Events []int64        `json:"events"`
	Proofs []*audit.Proof `json:"proofs"`
}

// ScopeAudit lists, from the audit log alone, every case and member (by ID)
// that user read or changed in [from, to), each with inclusion proofs of
// the events that show it: what a breach of that account exposed.
func (a *AuditLog) ScopeAudit(ctx context.Context, user haven.ID, from, to time.Time) ([]*ScopeEntry, error) {
	var out []*ScopeEntry
	err := a.store.View(ctx, func(tx store.Tx) error {
		es, err := tx.FindAuditByActor(ctx, user, from, to)
		if err != nil {
			return err
		}
		index := map[string]*ScopeEntry{}
		add := func(kind string, id haven.ID, seq int64) {
			if id == "" {
				return
			}
			k := kind + ":" + string(id)
			en, ok := index[k]
			if !ok {
				en = &ScopeEntry{Kind: kind, ID: id}
				index[k] = en
				out = append(out, en)
			}
			if len(en.Events) == 0 || en.Events[len(en.Events)-1] != seq {
				en.Events = append(en.Events, seq)
			}
		}
		for _, e := range es {
			if e.Decision != "allow" {
				continue // a refused act exposed nothing
			}
			add("case", e.CaseID, e.Seq)
			var d struct {
				Members  []haven.ID `json:"members"`
				MemberID haven.ID   `json:"member_id"`
			}
			_ = json.Unmarshal([]byte(e.Detail), &d)
			for _, m := range d.Members {
				add("member", m, e.Seq)
			}
			add("member", d.MemberID, e.Seq)
		}
		for _, en := range out {
			for _, seq := range en.Events {
				p, err := a.prove(ctx, tx, seq)
				if err != nil {
					return err
				}
				en.Proofs = append(en.Proofs, p)
			}
		}
		return nil
	})
	return out, err
}
