package web

import (
	"net/http"
	"strconv"

	"github.com/havenhrd/haven"
)

// The integration plan's pages: the settlement organisation the case is
// placed with changes one milestone, or records one follow-up, on a page
// of its own (GOV.UK: one thing per page), and goes back to the case.

// planData is what a plan page shows beside the case.
type planData struct {
	*caseData
	Milestone *haven.PlanMilestone
	FollowUp  *haven.FollowUp
	Statuses  []haven.MilestoneStatus
}

// planLabels are the plan pages' form controls and their labels.
var planLabels = map[string]string{
	"status": "plan.status", "target": "plan.target", "completed": "plan.completed", "notes": "plan.notes",
	"held": "followup.held", "safety_concern": "followup.safety", "month": "followup.month",
}

// planPage loads the case and the plan entry the path names, for a viewer
// who may keep the plan; it answers the request itself and returns nil
// otherwise.
func (s *server) planPage(w http.ResponseWriter, r *http.Request, v *viewer, followUp bool) (*page, *planData) {
	d, err := s.loadCase(r.Context(), v, r.PathValue("id"))
	if err != nil {
		s.fail(w, r, v, err)
		return nil, nil
	}
	act := "plan"
	if followUp {
		act = "follow_up"
	}
	if !d.Act(act) {
		// The pages offer these forms only where the app would accept them;
		// a hand-made URL is refused as the app would refuse it.
		if d.Case.Plan == nil || !d.Case.Plan.Writable {
			s.fail(w, r, v, haven.Errorf(haven.EFORBIDDEN, "web.plan", "your organisation may not do this"))
			return nil, nil
		}
		s.fail(w, r, v, haven.Errorf(haven.ECONFLICT, "web.plan", "follow-ups begin once the family has arrived"))
		return nil, nil
	}
	pd := &planData{caseData: d, Statuses: haven.MilestoneStatuses}
	if followUp {
		n, err := strconv.Atoi(r.PathValue("month"))
		if err == nil {
			pd.FollowUp = d.Case.Plan.FollowUp(n)
		}
		if pd.FollowUp == nil {
			s.fail(w, r, v, haven.Errorf(haven.ENOTFOUND, "web.plan", "no such part of the plan"))
			return nil, nil
		}
	} else {
		pd.Milestone = d.Case.Plan.Milestone(haven.Milestone(r.PathValue("milestone")))
		if pd.Milestone == nil {
			s.fail(w, r, v, haven.Errorf(haven.ENOTFOUND, "web.plan", "no such part of the plan"))
			return nil, nil
		}
	}
	p := s.newPage(w, r, v)
	p.Protected = true
	p.Data = pd
	return p, pd
}

// handleMilestoneForm shows the form of one milestone, filled with what
// stands recorded.
func (s *server) handleMilestoneForm(w http.ResponseWriter, r *http.Request, v *viewer) {
	p, d := s.planPage(w, r, v, false)
	if p == nil {
		return
	}
	m := d.Milestone
	p.Form.Set("status", string(m.Status))
	p.Form.Set("target", m.Target.String())
	p.Form.Set("completed", m.Completed.String())
	p.Form.Set("notes", m.Notes)
	s.render(w, r, http.StatusOK, "plan_milestone", p)
}

// handleMilestone records the milestone and goes back to the case.
func (s *server) handleMilestone(w http.ResponseWriter, r *http.Request, v *viewer) {
	m := &haven.PlanMilestone{Milestone: haven.Milestone(r.PathValue("milestone")), Notes: r.PostFormValue("notes")}
	var pre []formProblem
	if st := r.PostFormValue("status"); st != "" {
		var err error
		if m.Status, err = haven.ParseMilestoneStatus(st); err != nil {
			pre = append(pre, formProblem{field: "status", key: "err.plan_status"})
		}
	} else {
		pre = append(pre, formProblem{field: "status", key: "err.plan_status"})
	}
	pre = append(pre, parseDateField(r, "target", &m.Target)...)
	pre = append(pre, parseDateField(r, "completed", &m.Completed)...)
	if len(pre) == 0 {
		_, err := s.cases.UpdateMilestone(r.Context(), v.Actor, haven.ID(r.PathValue("id")), m)
		if err == nil {
			done(w, r, "milestone")
			return
		}
		s.planFailed(w, r, v, false, err)
		return
	}
	// A status or a date the page cannot read hides nothing else: the
	// milestone's other problems (notes required, too long) are said with
	// it.
	s.planFailed(w, r, v, false, m.Validate(s.clock.Now()).Err("web.milestone"), pre...)
}

// handleFollowUpForm shows the form of one follow-up.
func (s *server) handleFollowUpForm(w http.ResponseWriter, r *http.Request, v *viewer) {
	p, d := s.planPage(w, r, v, true)
	if p == nil {
		return
	}
	f := d.FollowUp
	p.Form.Set("held", f.Held.String())
	if f.SafetyConcern {
		p.Form.Set("safety_concern", "yes")
	}
	p.Form.Set("notes", f.Notes)
	s.render(w, r, http.StatusOK, "plan_followup", p)
}

// handleFollowUp records the follow-up and goes back to the case.
func (s *server) handleFollowUp(w http.ResponseWriter, r *http.Request, v *viewer) {
	month, _ := strconv.Atoi(r.PathValue("month"))
	f := &haven.FollowUp{Month: month, SafetyConcern: r.PostFormValue("safety_concern") == "yes", Notes: r.PostFormValue("notes")}
	if pre := parseDateField(r, "held", &f.Held); pre != nil {
		// A date the page cannot read hides nothing else: the notes a
		// safety concern requires are asked for with it.
		s.planFailed(w, r, v, true, f.Validate(haven.Date{}, haven.DateOf(s.clock.Now())).Err("web.follow_up"), pre...)
		return
	}
	if _, err := s.cases.RecordFollowUp(r.Context(), v.Actor, haven.ID(r.PathValue("id")), f); err != nil {
		s.planFailed(w, r, v, true, err)
		return
	}
	done(w, r, "follow_up")
}

// planFailed shows the plan page again with what was typed and the
// problems beside their fields.
func (s *server) planFailed(w http.ResponseWriter, r *http.Request, v *viewer, followUp bool, err error, pre ...formProblem) {
	status, done := s.formRefused(w, r, v, err)
	if done {
		return
	}
	p, _ := s.planPage(w, r, v, followUp)
	if p == nil {
		return
	}
	p.Form = r.PostForm
	for _, fp := range pre {
		p.invalid(fp.field, fp.key, fp.args...)
	}
	if err != nil {
		p.fail(err, planLabels, nil)
	}
	name := "plan_milestone"
	if followUp {
		name = "plan_followup"
	}
	s.render(w, r, status, name, p)
}

// planMessages maps the app's messages about the plan to catalogue keys.
func init() {
	for msg, key := range map[string]string{
		"choose a milestone of the plan":                      "err.plan_milestone",
		"choose not started, in progress, done or not needed": "err.plan_status",
		"enter the date the milestone was met":                "err.plan_completed_required",
		"only a milestone that is done has a completion date": "err.plan_completed_not_done",
		"the date is in the future":                           "partner.err.date_future",
		"the target date is before 2000":                      "err.plan_target_old",
		"choose the follow-up at 1, 3, 6 or 12 months":        "err.followup_month",
		"enter the date of the follow-up":                     "err.followup_held_required",
		"the date is before the family's arrival":             "err.followup_before_arrival",
		"follow-ups begin once the family has arrived":        "err.followup_not_arrived",
	} {
		knownMessages[msg] = key
	}
	knownPrefixes = append(knownPrefixes, struct{ prefix, key string }{"the follow-up at ", "err.followup_early"})
}
