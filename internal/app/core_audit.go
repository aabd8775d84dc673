package app

import (
	"context"
	"encoding/json"
	"slices"
	"sync"

	"github.com/havenhrd/haven"
	"github.com/havenhrd/haven/internal/audit"
	"github.com/havenhrd/haven/internal/policy"
	"github.com/havenhrd/haven/internal/store"
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
func (a *core) appendEvent(ctx context.Context, tx store.Tx, e *haven.AuditEvent) error {
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
func (a *core) audit(ctx context.Context, tx store.Tx, actor haven.Actor, action, objType string, objID, caseID haven.ID, detail map[string]any) error {
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
func policyIDs(ctx context.Context, tx store.Tx, a *core) []string {
	if n := a.denials.notes(tx); n != nil {
		return slices.Clone(n.policies)
	}
	return []string{}
}

// decided records which policies decided, for the audit event; a denial is
// kept to be written once the transaction has rolled back.
func (a *core) decided(ctx context.Context, tx store.Tx, w who, action policy.Action, objType string, objID, caseID haven.ID, allowed bool, ids []string) {
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
func (a *core) update(ctx context.Context, fn func(store.Tx) error) error {
	var notes *txNotes
	err := a.store.Update(ctx, func(tx store.Tx) error {
		notes = a.denials.begin(tx)
		defer a.denials.end(tx)
		return fn(tx)
	})
	return a.flushDenials(ctx, notes, err)
}

// view runs fn in a read-only transaction, then writes the denials it met.
func (a *core) view(ctx context.Context, fn func(store.Tx) error) error {
	var notes *txNotes
	err := a.store.View(ctx, func(tx store.Tx) error {
		notes = a.denials.begin(tx)
		defer a.denials.end(tx)
		return fn(tx)
	})
	return a.flushDenials(ctx, notes, err)
}

func (a *core) flushDenials(ctx context.Context, notes *txNotes, err error) error {
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
