package app

import (
	"context"

	"github.com/havenhrd/haven"
	"github.com/havenhrd/haven/internal/policy"
	"github.com/havenhrd/haven/internal/store"
)

// CountWork returns the work waiting on the actor's organisation, each
// count within what the actor may read, and only the counts that apply to
// its kind of organisation and its role, as the policies say:
//
//   - overdue, and due within haven.DueSoonDays days: for a reader who
//     sees the priority of some case, which a deadline follows from (the
//     visa office, a referring partner);
//   - cases waiting on the referring partner's answer: for a reader who
//     answers requests for information, those it referred; for one who
//     processes cases (the visa office), all it reads;
//   - cases waiting on the check partners, and the cases whose checks each
//     screening or medical partner holds (the partners holding none left
//     out): for a reader who processes cases, which knows the assignments;
//   - a screening or medical partner's own check requests not yet
//     recorded, as FindCheckRequests lists them;
//   - cases with a follow-up due by the end of the month and not held: for
//     a reader who keeps integration plans (a settlement organisation).
//
// Each count of cases carries its list (WorkCount.Cases): FindCases with
// that filter returns exactly the cases counted, since both build their
// query in caseQuery. Counts are COUNT queries in one read-only
// transaction: counting writes nothing, and asks nothing the policies
// would refuse, so it records no denial either. An organisation with no
// such work (the programme's administration) gets no counts.
func (a *Cases) CountWork(ctx context.Context, actor haven.Actor) (*haven.WorkCounts, error) {
	out := &haven.WorkCounts{AsOf: haven.DateOf(a.now())}
	err := a.view(ctx, func(tx store.Tx) error {
		w, err := a.resolve(ctx, tx, actor)
		if err != nil {
			return err
		}
		k, r := w.org.Kind, w.user.Role
		if isCheckPartner(k) {
			if !policy.Allowed(k, r, policy.MemberRead) {
				return nil
			}
			n, err := a.countCheckRequests(ctx, tx, w)
			if err != nil {
				return err
			}
			out.Counts = append(out.Counts, haven.WorkCount{Kind: haven.WorkCheckRequests, Count: n})
			return nil
		}
		if !policy.Allowed(k, r, policy.CaseRead) {
			return nil
		}
		may := func(action policy.Action) bool {
			return !policy.CaseScope(k, r, func(allowed func(policy.Action) bool) bool {
				return allowed(policy.CaseRead) && allowed(action)
			}).Empty()
		}
		count := func(kind haven.WorkKind, org haven.ID, f CaseFilter) (int, error) {
			q, err := a.caseQuery(ctx, tx, w, f)
			if err != nil {
				return 0, err
			}
			n, err := tx.CountCases(ctx, q.filter)
			if err != nil {
				return 0, err
			}
			if kind != haven.WorkChecksWith || n > 0 {
				out.Counts = append(out.Counts, haven.WorkCount{Kind: kind, Count: n, OrgID: org, Cases: &f})
			}
			return n, nil
		}
		process := may(policy.CaseProcess)
		if len(refusedFilters(k, r, CaseFilter{Overdue: true, DueWithin: haven.DueSoonDays})) == 0 {
			if _, err := count(haven.WorkOverdue, "", CaseFilter{Overdue: true}); err != nil {
				return err
			}
			if _, err := count(haven.WorkDueSoon, "", CaseFilter{DueWithin: haven.DueSoonDays}); err != nil {
				return err
			}
		}
		switch {
		case may(policy.CaseRespond):
			// The requests awaiting the reader's own answer: those on the
			// cases it referred (a protection partner may read others, from
			// its nominations, which wait on their referral partner).
			_, err = count(haven.WorkAwaitingInformation, "", CaseFilter{Turn: haven.PartyReferringPartner, ReferringOrgID: w.org.ID})
		case process:
			_, err = count(haven.WorkAwaitingInformation, "", CaseFilter{Turn: haven.PartyReferringPartner})
		}
		if err != nil {
			return err
		}
		// Any ID turns the filter on: refusedFilters reads no record.
		if process && len(refusedFilters(k, r, CaseFilter{Turn: haven.PartyCheckPartners, ChecksWith: "any"})) == 0 {
			if _, err := count(haven.WorkAwaitingChecks, "", CaseFilter{Turn: haven.PartyCheckPartners}); err != nil {
				return err
			}
			for _, kind := range []haven.OrgKind{haven.OrgMedicalPartner, haven.OrgScreeningPartner} {
				orgs, err := tx.FindOrganisations(ctx, kind)
				if err != nil {
					return err
				}
				for _, o := range orgs {
					if _, err := count(haven.WorkChecksWith, o.ID, CaseFilter{ChecksWith: o.ID}); err != nil {
						return err
					}
				}
			}
		}
		if may(policy.CasePlan) && len(refusedFilters(k, r, CaseFilter{FollowUpDue: true})) == 0 {
			if _, err := count(haven.WorkFollowUpsDue, "", CaseFilter{FollowUpDue: true}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// countCheckRequests counts the check requests of w's screening or medical
// organisation not yet recorded: the members FindCheckRequests lists with
// Recorded false. The states in which the organisation reaches such a
// member, and the kinds it records, are the policies' (the view of an
// assigned member whose checks are not recorded), as memberRels and
// FindCheckRequests judge them.
func (a *Cases) countCheckRequests(ctx context.Context, tx store.Tx, w who) (int, error) {
	own, _ := policy.ViewOf(w.actor(), policy.Relation{Kind: policy.KindMember, CaseState: haven.StateAdmissibilityInProgress, IsAssignedOrg: true})
	f := store.CheckRequestCount{OrgID: w.org.ID, Kinds: own.CheckKinds}
	for _, s := range haven.CaseStates {
		if _, d := policy.ViewOf(w.actor(), policy.Relation{Kind: policy.KindMember, CaseState: s, IsAssignedOrg: true}); d.Allowed {
			f.States = append(f.States, s)
		}
	}
	return tx.CountCheckRequests(ctx, f)
}
