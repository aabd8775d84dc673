package app

import (
	"context"
	"encoding/json"
	"slices"
	"sync"
	"time"

	"github.com/havenhrd/haven"
	"github.com/havenhrd/haven/internal/audit"
	"github.com/havenhrd/haven/internal/policy"
	"github.com/havenhrd/haven/internal/store"
	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

// hashReader reads the audit tree's stored hashes inside a transaction.
type hashReader struct {
	ctx context.Context
	tx  store.Tx
}

// ReadHashes implements tlog.HashReader.
func (r hashReader) ReadHashes(indexes []int64) ([]tlog.Hash, error) {
	raw, err := r.tx.ReadAuditHashes(r.ctx, indexes)
	if err != nil {
		return nil, err
	}
	out := make([]tlog.Hash, len(raw))
	for i, h := range raw {
		if len(h) != tlog.HashSize {
			return nil, haven.Errorf(haven.EINTERNAL, "app.ReadHashes", "stored hash %d has the wrong size", indexes[i])
		}
		copy(out[i][:], h)
	}
	return out, nil
}

// appendEvent appends e to the audit log in tx: the event, its Merkle
// stored hashes and the signed checkpoint of the new tree size, so that no
// event is ever committed without them.
func (a *App) appendEvent(ctx context.Context, tx store.Tx, e *haven.AuditEvent) error {
	const op = "app.audit"
	if e.Detail == "" {
		e.Detail = "{}" // what the store keeps, and so what is hashed
	}
	if e.PolicyIDs == nil {
		e.PolicyIDs = []string{}
	}
	if e.RequestID == "" {
		e.RequestID = RequestID(ctx)
	}
	if err := tx.AppendAudit(ctx, e); err != nil {
		return err
	}
	r := hashReader{ctx, tx}
	hs, err := audit.Append(e, r)
	if err != nil {
		return haven.Internal(op, err)
	}
	raw := make([][]byte, len(hs))
	for i := range hs {
		raw[i] = hs[i][:]
	}
	if err := tx.PutAuditHashes(ctx, tlog.StoredHashIndex(0, e.Seq-1), raw); err != nil {
		return err
	}
	root, err := audit.TreeHash(e.Seq, r)
	if err != nil {
		return haven.Internal(op, err)
	}
	signed, err := audit.SignCheckpoint(a.signer, audit.Checkpoint{Size: e.Seq, Hash: root})
	if err != nil {
		return haven.Internal(op, err)
	}
	return tx.PutAuditCheckpoint(ctx, e.Seq, string(signed))
}

// audit appends an allowed act to the audit log in the caller's
// transaction. detail must hold no personal data: IDs, states, kinds and
// counts only.
func (a *App) audit(ctx context.Context, tx store.Tx, actor haven.Actor, action, objType string, objID, caseID haven.ID, detail map[string]any) error {
	d := "{}"
	if len(detail) > 0 {
		b, err := json.Marshal(detail)
		if err != nil {
			return haven.Internal("app.audit", err)
		}
		d = string(b)
	}
	return a.appendEvent(ctx, tx, &haven.AuditEvent{
		At: a.now(), ActorID: actor.UserID, ActorOrgID: actor.OrgID, Action: action,
		ObjectType: objType, ObjectID: objID, CaseID: caseID, Detail: d, Decision: "allow",
		PolicyIDs: policyIDs(ctx, tx, a),
	})
}

// --- denials ---

// denials collects, per transaction, the acts policy refused: the
// transaction itself rolls back, so they are written afterwards in one of
// their own. The map is keyed by the transaction and lives only as long as
// one call; it holds no state shared between requests.
type denials struct {
	mu   sync.Mutex
	byTx map[store.Tx]*txNotes
}

// txNotes is what one transaction learned that outlives it.
type txNotes struct {
	denied   []*haven.AuditEvent
	policies []string
}

func (d *denials) notes(tx store.Tx) *txNotes {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.byTx[tx]
}

func (d *denials) begin(tx store.Tx) *txNotes {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.byTx == nil {
		d.byTx = map[store.Tx]*txNotes{}
	}
	n := &txNotes{}
	d.byTx[tx] = n
	return n
}

func (d *denials) end(tx store.Tx) {
	d.mu.Lock()
	defer d.mu.Unlock()
	delete(d.byTx, tx)
}

// policyIDs returns the ids of the policies that allowed the acts of tx so far.
func policyIDs(ctx context.Context, tx store.Tx, a *App) []string {
	if n := a.denials.notes(tx); n != nil {
		return slices.Clone(n.policies)
	}
	return []string{}
}

// decided records which policies decided, for the audit event; a denial is
// kept to be written once the transaction has rolled back.
func (a *App) decided(ctx context.Context, tx store.Tx, w who, action policy.Action, objType string, objID, caseID haven.ID, allowed bool, ids []string) {
	n := a.denials.notes(tx)
	if n == nil {
		return
	}
	if allowed {
		for _, id := range ids {
			if !slices.Contains(n.policies, id) {
				n.policies = append(n.policies, id)
			}
		}
		return
	}
	n.denied = append(n.denied, &haven.AuditEvent{
		At: a.now(), ActorID: w.user.ID, ActorOrgID: w.org.ID, Action: string(action), ObjectType: objType,
		ObjectID: objID, CaseID: caseID, Decision: "deny", PolicyIDs: slices.Clone(ids),
	})
}

// update runs fn in a read-write transaction, then writes the denials it
// met (in a transaction of their own, since fn's rolled back).
func (a *App) update(ctx context.Context, fn func(store.Tx) error) error {
	var notes *txNotes
	err := a.store.Update(ctx, func(tx store.Tx) error {
		notes = a.denials.begin(tx)
		defer a.denials.end(tx)
		return fn(tx)
	})
	return a.flushDenials(ctx, notes, err)
}

// view runs fn in a read-only transaction, then writes the denials it met.
func (a *App) view(ctx context.Context, fn func(store.Tx) error) error {
	var notes *txNotes
	err := a.store.View(ctx, func(tx store.Tx) error {
		notes = a.denials.begin(tx)
		defer a.denials.end(tx)
		return fn(tx)
	})
	return a.flushDenials(ctx, notes, err)
}

func (a *App) flushDenials(ctx context.Context, notes *txNotes, err error) error {
	if notes == nil || len(notes.denied) == 0 {
		return err
	}
	werr := a.store.Update(ctx, func(tx store.Tx) error {
		for _, e := range notes.denied {
			if err := a.appendEvent(ctx, tx, e); err != nil {
				return err
			}
		}
		return nil
	})
	if werr != nil {
		a.log.ErrorContext(ctx, "cannot record a denial in the audit log", "code", string(haven.ErrorCodeOf(werr)))
		if err == nil {
			return werr
		}
	}
	return err
}

// RequestID returns the request id ctx carries, or "".
func RequestID(ctx context.Context) string { return haven.RequestID(ctx) }

// --- verify, prove, scope ---

// AuditReport is the result of verifying the audit log.
type AuditReport = audit.Report

// VerifyAudit recomputes the audit log's Merkle tree from its events and
// checks it against the stored hashes and every signed checkpoint, with the
// verifier key vkey. A tampering is reported as an *audit.Finding naming the
// event or checkpoint where it happened. It reads the whole log in one
// snapshot; it needs no actor, because whoever can run it holds the
// database already, and it reveals nothing but IDs.
func (a *App) VerifyAudit(ctx context.Context, vkey string) (AuditReport, error) {
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
func (a *App) ProveAudit(ctx context.Context, seq int64) (*audit.Proof, error) {
	var p *audit.Proof
	err := a.store.View(ctx, func(tx store.Tx) error {
		var err error
		p, err = a.prove(ctx, tx, seq)
		return err
	})
	return p, err
}

func (a *App) prove(ctx context.Context, tx store.Tx, seq int64) (*audit.Proof, error) {
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
func (a *App) ScopeAudit(ctx context.Context, user haven.ID, from, to time.Time) ([]*ScopeEntry, error) {
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
