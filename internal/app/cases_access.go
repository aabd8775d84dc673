package app

import (
	"context"
	"slices"
	"time"

	"github.com/havenhrd/haven"
	"github.com/havenhrd/haven/internal/policy"
	"github.com/havenhrd/haven/internal/store"
	"github.com/havenhrd/haven/internal/workflow"
)

// A case's access: the actor's relation to the case and to each of its
// members, computed from the store and asked of the policies through the
// core, and the case as the actor may see it.

// coarse refuses at once an action the actor's kind of organisation and
// role may take on no record at all: the answer reveals nothing about any
// record, so it may be EFORBIDDEN.
func (a *Cases) coarse(ctx context.Context, tx store.Tx, w who, action policy.Action, objType string, objID, caseID haven.ID) error {
	if policy.Allowed(w.org.Kind, w.user.Role, action) {
		return nil
	}
	d := policy.Decide(w.actor(), action, policy.Relation{Kind: policy.KindProgramme})
	a.decided(ctx, tx, w, action, objType, objID, caseID, false, d.PolicyIDs)
	return a.forbidden(ctx, w, action)
}

// caseRel is the actor's relation to a case.
func (a *Cases) caseRel(ctx context.Context, tx store.Tx, w who, row *store.CaseRow) (policy.Relation, error) {
	r := policy.Relation{
		Kind: policy.KindCase, CaseState: row.State,
		IsReferringOrg:  row.ReferringOrgID == w.org.ID,
		IsSettlementOrg: row.SettlementOrgID != "" && row.SettlementOrgID == w.org.ID,
	}
	if row.NominationID != "" && w.org.Kind == haven.OrgProtectionPartner {
		n, err := tx.FindNominationByID(ctx, row.NominationID)
		if err != nil {
			return r, err
		}
		r.IsNominatingOrg = n.ProtectionOrgID == w.org.ID
	}
	if r.IsReferringOrg && (row.State == haven.StateArrived || row.State == haven.StateInSettlement) {
		past, err := a.pastHandover(ctx, tx, row)
		if err != nil {
			return r, err
		}
		r.PastHandover = past
	}
	return r, nil
}

// pastHandover reports whether the family of the case arrived longer ago
// than the handover time of the rules of its admission year (the default
// when that year has none).
func (a *Cases) pastHandover(ctx context.Context, tx store.Tx, row *store.CaseRow) (bool, error) {
	ar, err := tx.FindArrival(ctx, row.ID)
	if haven.ErrorCodeOf(err) == haven.ENOTFOUND {
		return false, nil
	} else if err != nil {
		return false, err
	}
	days := haven.DefaultHandoverDays
	year := row.AdmissionYear
	if year == 0 {
		year = ar.Date.Year
	}
	if rules, err := tx.FindRules(ctx, year); err == nil {
		days = rules.HandoverDays
	} else if haven.ErrorCodeOf(err) != haven.ENOTFOUND {
		return false, err
	}
	end := time.Date(ar.Date.Year, time.Month(ar.Date.Month), ar.Date.Day, 0, 0, 0, 0, time.UTC).AddDate(0, 0, days)
	return !a.now().Before(end), nil
}

// memberRels are the actor's relations to the members of the case row
// that are assigned to its organisation, by member. A member is assigned
// only with its own case: naming a member of another case reaches nothing.
func (a *Cases) memberRels(ctx context.Context, tx store.Tx, w who, row *store.CaseRow) (map[haven.ID]policy.Relation, error) {
	if w.org.Kind != haven.OrgScreeningPartner && w.org.Kind != haven.OrgMedicalPartner {
		return nil, nil
	}
	as, err := tx.FindAssignments(ctx, w.org.ID, row.ID)
	if err != nil || len(as) == 0 {
		return nil, err
	}
	checks, err := tx.FindChecks(ctx, row.ID)
	if err != nil {
		return nil, err
	}
	// The kinds the organisation checks are those its view of an assigned
	// member shows.
	own, _ := policy.ViewOf(w.actor(), policy.Relation{Kind: policy.KindMember, CaseState: haven.StateAdmissibilityInProgress, IsAssignedOrg: true})
	out := map[haven.ID]policy.Relation{}
	for _, as := range as {
		if as.CaseID != row.ID {
			continue
		}
		out[as.MemberID] = policy.Relation{Kind: policy.KindMember, CaseState: row.State, IsAssignedOrg: true,
			CheckRecorded: recordedSince(checks, as, own.CheckKinds)}
	}
	return out, nil
}

// recordedSince reports whether the assignment's organisation has recorded
// a check of every kind in kinds of its member since it was assigned.
func recordedSince(checks []*store.CheckRow, as *store.Assignment, kinds []haven.CheckKind) bool {
	if len(kinds) == 0 {
		return false
	}
	for _, k := range kinds {
		if !slices.ContainsFunc(checks, func(c *store.CheckRow) bool {
			return c.MemberID == as.MemberID && c.Kind == k && c.RecordedByOrg == as.OrgID && !c.RecordedAt.Before(as.AssignedAt)
		}) {
			return false
		}
	}
	return true
}

// memberRel is the actor's relation to one member of the case row.
func (a *Cases) memberRel(ctx context.Context, tx store.Tx, w who, row *store.CaseRow, member haven.ID) (policy.Relation, error) {
	rels, err := a.memberRels(ctx, tx, w, row)
	if err != nil {
		return policy.Relation{}, err
	}
	if r, ok := rels[member]; ok {
		return r, nil
	}
	return policy.Relation{Kind: policy.KindMember, CaseState: row.State}, nil
}

// memberViews are the views of the members of row the actor reaches
// through their own records (a screening or medical partner's), by member.
func (a *Cases) memberViews(ctx context.Context, tx store.Tx, w who, row *store.CaseRow) (map[haven.ID]policy.View, error) {
	rels, err := a.memberRels(ctx, tx, w, row)
	if err != nil {
		return nil, err
	}
	views := map[haven.ID]policy.View{}
	for id, rel := range rels {
		if v, d := policy.ViewOf(w.actor(), rel); d.Allowed {
			views[id] = v
		}
	}
	return views, nil
}

// reach loads and, with lock, locks the case id, and checks that w may
// read it (ENOTFOUND otherwise) and take action on it (EFORBIDDEN
// otherwise). A check is reached through its member: screening and medical
// partners never read the case itself.
func (a *Cases) reach(ctx context.Context, tx store.Tx, w who, id haven.ID, lock bool, action policy.Action, member haven.ID) (*store.CaseRow, policy.Relation, error) {
	notFound := func() error {
		a.decided(ctx, tx, w, policy.CaseRead, "case", id, "", false, nil)
		return haven.Errorf(haven.ENOTFOUND, "app.reach", "no such case")
	}
	// Screening and medical partners read cases through members.
	gate := action
	if action == policy.CaseRead && !policy.Allowed(w.org.Kind, w.user.Role, policy.CaseRead) {
		gate = policy.MemberRead
	}
	if err := a.coarse(ctx, tx, w, gate, "case", id, ""); err != nil {
		return nil, policy.Relation{}, err
	}
	row, err := tx.FindCaseByID(ctx, id, lock)
	if haven.ErrorCodeOf(err) == haven.ENOTFOUND {
		return nil, policy.Relation{}, notFound()
	} else if err != nil {
		return nil, policy.Relation{}, err
	}
	rel, err := a.caseRel(ctx, tx, w, row)
	if err != nil {
		return nil, rel, err
	}
	read := policy.CaseRead
	switch {
	case action == policy.CheckMedical || action == policy.CheckScreening:
		if rel, err = a.memberRel(ctx, tx, w, row, member); err != nil {
			return nil, rel, err
		}
		read = policy.MemberRead
	case action == policy.CaseRead && !policy.Decide(w.actor(), read, rel).Allowed:
		// A screening or medical partner reads a case through the members
		// assigned to it: some member it may read, or not found.
		views, err := a.memberViews(ctx, tx, w, row)
		if err != nil {
			return nil, rel, err
		}
		if len(views) == 0 {
			return nil, rel, notFound()
		}
		a.decided(ctx, tx, w, policy.MemberRead, "case", row.ID, row.ID, true, nil)
		return row, rel, nil
	}
	if !policy.Decide(w.actor(), read, rel).Allowed {
		return nil, rel, notFound()
	}
	if !a.decide(ctx, tx, w, action, rel, "case", row.ID, row.ID).Allowed {
		return nil, rel, a.forbidden(ctx, w, action)
	}
	return row, rel, nil
}

// present loads the case as w may see it after an act or for a read: only
// the parts of w's view are decrypted, and the plain fields outside it are
// cleared. Screening and medical partners see the members assigned to
// them, each through its own view, and nothing of the others: the others
// are not even decrypted.
func (a *Cases) present(ctx context.Context, tx store.Tx, w who, row *store.CaseRow) (*haven.Case, error) {
	rel, err := a.caseRel(ctx, tx, w, row)
	if err != nil {
		return nil, err
	}
	v, d := policy.ViewOf(w.actor(), rel)
	if d.Allowed {
		c, err := a.loadCase(ctx, tx, row, v, nil)
		if err != nil {
			return nil, err
		}
		// What the reader may do is judged on the case as loaded, before
		// the plain fields outside the view are cleared.
		c.Offer = a.offer(w, rel, c)
		if policy.Decide(w.actor(), policy.CaseProcess, rel).Allowed {
			if c.CheckAssignments, err = a.assignments(ctx, tx, row.ID); err != nil {
				return nil, err
			}
			if c.Turn == haven.PartyCheckPartners {
				c.CheckHolders = workflow.CheckHolders(c)
			}
		}
		// The next step reads the interview's day only where the view
		// shows the interview: to others it says nothing of when it is.
		if !v.Interview {
			c.Interview = nil
		}
		c.Next = workflow.Next(c, haven.DateOf(a.now()))
		v.Redact(c)
		if c.Plan != nil {
			c.Plan.Writable = !c.Shredded && policy.Decide(w.actor(), policy.CasePlan, rel).Allowed
		}
		return c, nil
	}
	// No view of the case: at most of some members, each in its own view.
	views, err := a.memberViews(ctx, tx, w, row)
	if err != nil {
		return nil, err
	}
	var union policy.View
	for _, mv := range views {
		union = union.Or(mv)
	}
	c, err := a.loadCase(ctx, tx, row, union, views)
	if err != nil {
		return nil, err
	}
	for _, m := range c.Members {
		views[m.ID].RedactMember(m)
	}
	// Redact deletes in place: keep copies of what was chosen.
	members, checks := slices.Clone(c.Members), slices.Clone(c.Checks)
	union.Redact(c)
	// The union's case parts are those every member view shares (the
	// priority); members and checks were chosen member by member.
	c.Members, c.Checks = members, checks
	for _, ch := range c.Checks {
		if !union.CheckDetails {
			ch.Details, ch.PoliticalMotivationReasons = "", ""
		}
	}
	c.ID, c.Reference = row.ID, row.Reference
	return c, nil
}

// assignments returns the check partners' assignments of the members of
// the case id, each with the checks its organisation records; never nil.
func (a *Cases) assignments(ctx context.Context, tx store.Tx, id haven.ID) ([]*haven.CheckAssignment, error) {
	as, err := tx.FindAssignments(ctx, "", id)
	if err != nil {
		return nil, err
	}
	out := []*haven.CheckAssignment{}
	kinds := map[haven.ID][]haven.CheckKind{}
	for _, x := range as {
		ks, ok := kinds[x.OrgID]
		if !ok {
			org, err := tx.FindOrganisationByID(ctx, x.OrgID)
			if err != nil {
				return nil, err
			}
			ks = checkKindsOf(org.Kind)
			kinds[x.OrgID] = ks
		}
		out = append(out, &haven.CheckAssignment{MemberID: x.MemberID, OrgID: x.OrgID, Kinds: ks, AssignedAt: x.AssignedAt})
	}
	return out, nil
}

// isCheckPartner says an organisation of kind is a screening or medical
// partner that records checks of some kind.
func isCheckPartner(kind haven.OrgKind) bool {
	return (kind == haven.OrgScreeningPartner || kind == haven.OrgMedicalPartner) && len(checkKindsOf(kind)) > 0
}

// checkKindsOf returns the kinds of check an organisation of kind records:
// those its caseworkers may record (the policies say).
func checkKindsOf(kind haven.OrgKind) []haven.CheckKind {
	var ks []haven.CheckKind
	for _, k := range haven.CheckKinds {
		if policy.Allowed(kind, haven.RoleCaseworker, policy.CheckAction(k)) {
			ks = append(ks, k)
		}
	}
	return ks
}
