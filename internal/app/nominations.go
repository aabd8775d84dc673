package app

import (
	"context"
	"slices"
	"strings"

	"github.com/havenhrd/haven"
	"github.com/havenhrd/haven/internal/policy"
	"github.com/havenhrd/haven/internal/store"
	"github.com/havenhrd/haven/internal/workflow"
)

// CreateNomination records a protection partner's nomination of a defender,
// addressed to one referral partner. Its sensitive fields are sealed under
// a data key of its own.
func (a *Nominations) CreateNomination(ctx context.Context, actor haven.Actor, n *haven.Nomination) error {
	const op = "app.CreateNomination"
	return a.update(ctx, func(tx store.Tx) error {
		w, err := a.allow(ctx, tx, actor, policy.NominationCreate)
		if err != nil {
			return err
		}
		now := a.now()
		n.DefenderName = strings.TrimSpace(n.DefenderName)
		p := n.Validate(now)
		if n.ReferralOrgID != "" {
			o, err := tx.FindOrganisationByID(ctx, n.ReferralOrgID)
			if haven.ErrorCodeOf(err) == haven.ENOTFOUND || (err == nil && o.Kind != haven.OrgReferralPartner) {
				p.Add("referral_org_id", "choose a referral partner")
			} else if err != nil {
				return err
			}
		}
		if err := p.Err(op); err != nil {
			return err
		}
		if n.ID, err = a.newID("nom"); err != nil {
			return err
		}
		n.ProtectionOrgID, n.State, n.CaseID, n.DeclineReason = w.org.ID, haven.NominationSubmitted, "", ""
		n.CreatedBy, n.CreatedAt, n.UpdatedAt = w.user.ID, now, now
		dk, err := a.newKey(ctx, tx, n.ID)
		if err != nil {
			return err
		}
		s := a.sealer(dk, "nominations", n.ID)
		row := &store.NominationRow{
			ID: n.ID, ProtectionOrgID: n.ProtectionOrgID, ReferralOrgID: n.ReferralOrgID, State: n.State,
			DefenderName: s.str("defender_name", n.DefenderName), Contact: s.str("contact", n.Contact),
			Whereabouts: s.str("whereabouts", n.Whereabouts),
			Work:        s.json("work", sealedWork{n.Profile.WorkAreas, n.Profile.Organisations}),
			Threats:     s.json("threats", n.Profile.ThreatEvents), RiskAssessment: s.str("risk_assessment", n.RiskAssessment),
			RecommendedPriority: n.RecommendedPriority, NationalityCountries: n.NationalityCountries,
			AsylumCountry: n.AsylumCountry, FamilySize: n.FamilySize, CreatedBy: n.CreatedBy, CreatedAt: now, UpdatedAt: now,
		}
		if s.err != nil {
			return s.err
		}
		if err := tx.CreateNomination(ctx, row); err != nil {
			return err
		}
		if n.Offer, err = a.nominationOffer(ctx, tx, w, nominationRel(w, row), row, false); err != nil {
			return err
		}
		return a.audit(ctx, tx, w.actor(), "nomination.create", "nomination", n.ID, "",
			map[string]any{"referral_org_id": n.ReferralOrgID, "priority": n.RecommendedPriority})
	})
}

// reachNomination loads a nomination w may read; ENOTFOUND otherwise.
func (a *Nominations) reachNomination(ctx context.Context, tx store.Tx, w who, id haven.ID) (*store.NominationRow, policy.Relation, error) {
	r, err := tx.FindNominationByID(ctx, id)
	if haven.ErrorCodeOf(err) == haven.ENOTFOUND {
		return nil, policy.Relation{}, a.nominationNotFound(ctx, tx, w, id)
	} else if err != nil {
		return nil, policy.Relation{}, err
	}
	rel := nominationRel(w, r)
	if !a.decide(ctx, tx, w, policy.NominationRead, rel, "nomination", id, "").Allowed {
		return nil, rel, haven.Errorf(haven.ENOTFOUND, "app.nomination", "no such nomination")
	}
	return r, rel, nil
}

func (a *Nominations) openNomination(ctx context.Context, tx store.Tx, r *store.NominationRow) (*haven.Nomination, error) {
	dk, err := a.key(ctx, tx, r.ID)
	if err != nil {
		return nil, err
	}
	o := a.opener(dk, "nominations", r.ID)
	n := &haven.Nomination{
		ID: r.ID, ProtectionOrgID: r.ProtectionOrgID, ReferralOrgID: r.ReferralOrgID, State: r.State,
		DefenderName: o.str("defender_name", r.DefenderName), Contact: o.str("contact", r.Contact),
		Whereabouts: o.str("whereabouts", r.Whereabouts), RiskAssessment: o.str("risk_assessment", r.RiskAssessment),
		DeclineReason: o.str("decline_reason", r.DeclineReason), RecommendedPriority: r.RecommendedPriority,
		NationalityCountries: r.NationalityCountries, AsylumCountry: r.AsylumCountry, FamilySize: r.FamilySize,
		CaseID: r.CaseID, CreatedBy: r.CreatedBy, CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt, Shredded: dk == nil,
	}
	var wk sealedWork
	o.json("work", r.Work, &wk)
	n.Profile.WorkAreas, n.Profile.Organisations = wk.WorkAreas, wk.Organisations
	o.json("threats", r.Threats, &n.Profile.ThreatEvents)
	return n, o.err
}

// FindNominationByID returns a nomination to the partner that made it or
// the referral partner it is addressed to; ENOTFOUND to anyone else.
func (a *Nominations) FindNominationByID(ctx context.Context, actor haven.Actor, id haven.ID) (*haven.Nomination, error) {
	var n *haven.Nomination
	err := a.update(ctx, func(tx store.Tx) error {
		w, err := a.resolve(ctx, tx, actor)
		if err != nil {
			return err
		}
		r, rel, err := a.reachNomination(ctx, tx, w, id)
		if err != nil {
			return err
		}
		if n, err = a.openNomination(ctx, tx, r); err != nil {
			return err
		}
		if n.Offer, err = a.nominationOffer(ctx, tx, w, rel, r, n.Shredded); err != nil {
			return err
		}
		return a.audit(ctx, tx, w.actor(), "nomination.read", "nomination", r.ID, r.CaseID, nil)
	})
	return n, err
}

// FindNominations lists the nominations the actor's organisation made or
// received, newest first, with only their plain fields.
func (a *Nominations) FindNominations(ctx context.Context, actor haven.Actor, state haven.NominationState) ([]*haven.Nomination, error) {
	var out []*haven.Nomination
	err := a.view(ctx, func(tx store.Tx) error {
		w, err := a.resolve(ctx, tx, actor)
		if err != nil {
			return err
		}
		f := store.NominationFilter{State: state}
		switch w.org.Kind {
		case haven.OrgProtectionPartner:
			f.ProtectionOrgID = w.org.ID
		case haven.OrgReferralPartner:
			f.ReferralOrgID = w.org.ID
		default:
			return nil
		}
		rows, err := tx.FindNominations(ctx, f)
		for _, r := range rows {
			if !policy.Decide(w.actor(), policy.NominationRead, nominationRel(w, r)).Allowed {
				continue
			}
			out = append(out, &haven.Nomination{ID: r.ID, ProtectionOrgID: r.ProtectionOrgID, ReferralOrgID: r.ReferralOrgID,
				State: r.State, RecommendedPriority: r.RecommendedPriority, NationalityCountries: r.NationalityCountries,
				AsylumCountry: r.AsylumCountry, FamilySize: r.FamilySize, CaseID: r.CaseID, CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt})
		}
		return err
	})
	return out, err
}

// nominationEvent moves a nomination: review and decline by the referral
// partner it is addressed to, withdraw by the partner that made it.
func (a *Nominations) nominationEvent(ctx context.Context, actor haven.Actor, id haven.ID, ev haven.NominationEvent, reason string) (*haven.Nomination, error) {
	action := nominationAction[ev]
	var out *haven.Nomination
	err := a.update(ctx, func(tx store.Tx) error {
		w, err := a.resolve(ctx, tx, actor)
		if err != nil {
			return err
		}
		r, rel, err := a.reachNomination(ctx, tx, w, id)
		if err != nil {
			return err
		}
		if action == "" || !a.decide(ctx, tx, w, action, rel, "nomination", r.ID, "").Allowed {
			return a.forbidden(ctx, w, action)
		}
		next, err := workflow.StepNomination(r.State, ev, reason)
		if err != nil {
			return err
		}
		dk, err := a.key(ctx, tx, r.ID)
		if err != nil {
			return err
		}
		if dk == nil {
			return haven.Errorf(haven.ECONFLICT, "app.nominationEvent", "the nomination has been shredded and cannot change")
		}
		if ev == haven.NominationEventDecline {
			s := a.sealer(dk, "nominations", r.ID)
			r.DeclineReason = s.str("decline_reason", strings.TrimSpace(reason))
			if s.err != nil {
				return s.err
			}
		}
		from := r.State
		r.State, r.UpdatedAt = next, a.now()
		if err := tx.UpdateNomination(ctx, r); err != nil {
			return err
		}
		if err := a.audit(ctx, tx, w.actor(), "nomination."+string(ev), "nomination", r.ID, "", map[string]any{"from": from, "to": next}); err != nil {
			return err
		}
		if out, err = a.openNomination(ctx, tx, r); err != nil {
			return err
		}
		out.Offer, err = a.nominationOffer(ctx, tx, w, nominationRel(w, r), r, out.Shredded)
		return err
	})
	return out, err
}

// ReviewNomination takes a submitted nomination under review.
func (a *Nominations) ReviewNomination(ctx context.Context, actor haven.Actor, id haven.ID) (*haven.Nomination, error) {
	return a.nominationEvent(ctx, actor, id, haven.NominationEventReview, "")
}

// DeclineNomination declines a nomination with a reason.
func (a *Nominations) DeclineNomination(ctx context.Context, actor haven.Actor, id haven.ID, reason string) (*haven.Nomination, error) {
	return a.nominationEvent(ctx, actor, id, haven.NominationEventDecline, reason)
}

// WithdrawNomination withdraws a nomination, by the partner that made it.
func (a *Nominations) WithdrawNomination(ctx context.Context, actor haven.Actor, id haven.ID) (*haven.Nomination, error) {
	return a.nominationEvent(ctx, actor, id, haven.NominationEventWithdraw, "")
}

// ShredNomination destroys a nomination's data key: its sealed fields (the
// defender's name, contact, whereabouts, profile, risk assessment) become
// unreadable for good; its state and the audit trail stay. Only the
// programme's administration may. A case referred from it has its own key.
func (a *Nominations) ShredNomination(ctx context.Context, actor haven.Actor, id haven.ID) error {
	return a.update(ctx, func(tx store.Tx) error {
		w, err := a.allow(ctx, tx, actor, policy.KeysManage)
		if err != nil {
			return err
		}
		if _, err := tx.FindNominationByID(ctx, id); err != nil {
			return err
		}
		if err := tx.DeleteDataKey(ctx, id); err != nil {
			if haven.ErrorCodeOf(err) == haven.ENOTFOUND {
				return haven.Errorf(haven.ECONFLICT, "app.ShredNomination", "the nomination is already shredded")
			}
			return err
		}
		return a.audit(ctx, tx, w.actor(), "nomination.shred", "nomination", id, "", nil)
	})
}

// nominationOffer is what w may do to the nomination r now. rel is w's
// relation to it; the year's rules decide whether w may refer. A shredded
// nomination can take no event, whoever reads it.
func (a *Nominations) nominationOffer(ctx context.Context, tx store.Tx, w who, rel policy.Relation, r *store.NominationRow, shredded bool) (*haven.NominationOffer, error) {
	rules, err := tx.FindRules(ctx, a.now().Year())
	if err != nil && haven.ErrorCodeOf(err) != haven.ENOTFOUND {
		return nil, err
	}
	rel.MayRefer = rules != nil && rules.MayRefer(w.org)
	o := &haven.NominationOffer{}
	now := workflow.NominationPossible(r.State)
	for _, ev := range haven.NominationEvents {
		if !policy.Decide(w.actor(), nominationAction[ev], rel).Allowed {
			continue
		}
		o.Permitted = append(o.Permitted, ev)
		if !shredded && slices.Contains(now, ev) {
			o.Events = append(o.Events, ev)
		}
	}
	return o, nil
}
