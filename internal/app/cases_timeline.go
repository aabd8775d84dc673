package app

import (
	"context"
	"encoding/json"

	"github.com/havenhrd/haven"
	"github.com/havenhrd/haven/internal/policy"
	"github.com/havenhrd/haven/internal/store"
)

// A case's timeline: the acts on the case, from the audit log, as far as
// the reader's view goes. The view part case.view.timeline decides who has
// a timeline at all (the policies); each act then shows only where the
// reader's view holds what the act tells: a state change where the status
// shows, a check recorded where every kind of check shows, and so on. The
// log keeps IDs and states only, so an entry carries no text of the case.

// status and the others say whether a view holds what an act tells.
func status(v policy.View) bool      { return v.Status }
func referral(v policy.View) bool    { return v.Referral }
func assessments(v policy.View) bool { return v.Assessments }
func duplicates(v policy.View) bool  { return v.Duplicates }
func plan(v policy.View) bool        { return v.IntegrationPlan }
func everyCheck(v policy.View) bool  { return len(v.CheckKinds) == len(haven.CheckKinds) }

// timelineParts says, for each act a timeline may show, whether a view
// shows it. A recorded check, and the assignment of checks, are known to
// those who see every kind of check (the visa office): the log does not
// keep a check's kind apart from its detail, and a referring partner sees
// no check at all. A placement names the settlement organisation, which
// the referral part of the view holds.
var timelineParts = func() map[string]func(policy.View) bool {
	m := map[string]func(policy.View) bool{}
	for _, ev := range haven.CaseEvents {
		m["case."+string(ev)] = status
	}
	m["case.record_check"] = everyCheck
	m["case.refer"] = status
	m["case.shred"] = status
	m["case.assess"] = assessments
	m["case.assign_checks"] = everyCheck
	m["case.assign_settlement"] = referral
	m["case.possible_duplicate"] = duplicates
	m["case.plan.milestone"] = plan
	m["case.plan.follow_up"] = plan
	return m
}()

func init() {
	for _, act := range haven.TimelineActs {
		if timelineParts[act] == nil {
			panic("app: the timeline does not say who sees the act " + act)
		}
	}
	if len(timelineParts) != len(haven.TimelineActs) {
		panic("app: the timeline knows an act haven.TimelineActs does not list")
	}
}

// timelineActs are the acts a timeline in view v shows, in
// haven.TimelineActs' order; none outside case.view.timeline.
func timelineActs(v policy.View) []string {
	if !v.Timeline {
		return nil
	}
	var out []string
	for _, act := range haven.TimelineActs {
		if timelineParts[act](v) {
			out = append(out, act)
		}
	}
	return out
}

// timeline reads the page of row's timeline in view v that ends before
// the act at position before among those v shows (the latest page when
// before is 0 or past the last act): haven.TimelinePage acts at most,
// oldest first. Pages are positions in the reader's own acts, not audit
// sequence numbers: those count every event of every case.
func (a *Cases) timeline(ctx context.Context, tx store.Tx, row *store.CaseRow, v policy.View, before int) (*haven.Timeline, error) {
	f := store.CaseAuditFilter{CaseID: row.ID, Actions: timelineActs(v)}
	n, err := tx.CountCaseAudit(ctx, f)
	if err != nil {
		return nil, err
	}
	end := n
	if before > 0 && before < n {
		end = before
	}
	f.Offset = max(end-haven.TimelinePage, 0)
	f.Limit = end - f.Offset
	es, err := tx.FindCaseAudit(ctx, f)
	if err != nil {
		return nil, err
	}
	out := &haven.Timeline{Entries: []*haven.TimelineEntry{}, Earlier: f.Offset}
	for _, e := range es {
		en := &haven.TimelineEntry{At: e.At, Act: e.Action, OrgID: e.ActorOrgID}
		// States only, and only the states of a workflow event: the rest
		// of the detail (IDs) is not shown.
		var d struct {
			From haven.CaseState `json:"from"`
			To   haven.CaseState `json:"to"`
		}
		if json.Unmarshal([]byte(e.Detail), &d) == nil && d.From.Valid() && d.To.Valid() {
			en.From, en.To = d.From, d.To
		}
		out.Entries = append(out.Entries, en)
	}
	return out, nil
}

// FindCaseTimeline returns the page of the timeline of the case id that
// ends before the act at position before (counting from 0 the acts the
// actor sees; the latest page when before is 0; a page's Earlier is the
// before of the page ahead of it): the acts on the case, from the audit
// log, oldest first, each only where the actor's view shows what it
// tells, with when it was done, by which organisation and, for a workflow
// event, between which states. It writes nothing: the log holds IDs and
// states only, no text of the case.
//
// Errors: ENOTFOUND when there is no such case or the actor may not read
// it, alike; EFORBIDDEN when the actor reads the case but its view has no
// timeline (case.view.timeline); EINVALID (field "before") for a negative
// before.
func (a *Cases) FindCaseTimeline(ctx context.Context, actor haven.Actor, id haven.ID, before int) (*haven.Timeline, error) {
	const op = "app.FindCaseTimeline"
	if before < 0 {
		return nil, (&haven.Problems{{Field: "before", Message: "this is not a place in the timeline; start again from the latest acts"}}).Err(op)
	}
	var out *haven.Timeline
	err := a.view(ctx, func(tx store.Tx) error {
		w, err := a.resolve(ctx, tx, actor)
		if err != nil {
			return err
		}
		row, rel, err := a.reach(ctx, tx, w, id, false, policy.CaseRead, "")
		if err != nil {
			return err
		}
		if !a.decide(ctx, tx, w, policy.ViewTimeline, rel, "case", row.ID, row.ID).Allowed {
			return a.forbidden(ctx, w, policy.ViewTimeline)
		}
		v, _ := policy.ViewOf(w.actor(), rel)
		out, err = a.timeline(ctx, tx, row, v, before)
		return err
	})
	return out, err
}
