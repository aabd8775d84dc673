package app

import (
	"context"

	"github.com/havenhrd/haven"
	"github.com/havenhrd/haven/internal/policy"
	"github.com/havenhrd/haven/internal/store"
)

// Every operation asks the policies (internal/policy, Cedar) with the
// actor's relation to the record, computed here from the store. Reaching a
// record the actor may not read answers ENOTFOUND, so its existence does
// not leak; an act the actor may not take on a record it can read answers
// EFORBIDDEN. Every decision names the policies that made it: allowances in
// the act's audit event, refusals in a deny event of their own.

// decide asks the policies and records the decision for the audit log.
func (a *core) decide(ctx context.Context, tx store.Tx, w who, action policy.Action, rel policy.Relation, objType string, objID, caseID haven.ID) policy.Decision {
	d := policy.Decide(w.actor(), action, rel)
	if d.Err != nil {
		a.log.ErrorContext(ctx, "policy decision failed", "action", string(action), "err", d.Err.Error())
	}
	a.decided(ctx, tx, w, action, objType, objID, caseID, d.Allowed, d.PolicyIDs)
	return d
}

// forbidden is the error for an act policy refused on a record the actor
// may see.
func (a *core) forbidden(ctx context.Context, w who, action policy.Action) error {
	a.log.InfoContext(ctx, "denied", "action", string(action), "user", string(w.user.ID), "org_kind", string(w.org.Kind))
	return haven.Errorf(haven.EFORBIDDEN, "app.decide", "your organisation may not do this")
}

// allow resolves the actor and checks a programme-wide action (rules,
// organisations, users, keys, the ledger, starting a nomination).
func (a *core) allow(ctx context.Context, tx store.Tx, actor haven.Actor, action policy.Action) (who, error) {
	return a.allowWith(ctx, tx, actor, action, policy.Programme)
}

func (a *core) allowWith(ctx context.Context, tx store.Tx, actor haven.Actor, action policy.Action, rel policy.Relation) (who, error) {
	w, err := a.resolve(ctx, tx, actor)
	if err != nil {
		return w, err
	}
	if !a.decide(ctx, tx, w, action, rel, "programme", "", "").Allowed {
		return w, a.forbidden(ctx, w, action)
	}
	return w, nil
}

// nominationNotFound records the refused read and answers as if there were
// no such nomination.
func (a *core) nominationNotFound(ctx context.Context, tx store.Tx, w who, id haven.ID) error {
	a.decided(ctx, tx, w, policy.NominationRead, "nomination", id, "", false, nil)
	return haven.Errorf(haven.ENOTFOUND, "app.nomination", "no such nomination")
}

// nominationRel is the actor's relation to a nomination.
func nominationRel(w who, n *store.NominationRow) policy.Relation {
	return policy.Relation{Kind: policy.KindNomination, NominationState: n.State,
		IsProtectionOrg: n.ProtectionOrgID == w.org.ID, IsAddresseeOrg: n.ReferralOrgID == w.org.ID}
}
