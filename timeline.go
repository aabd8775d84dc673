package haven

import "time"

// TimelineEntry is one act on a case as its timeline shows it: what was
// done, when, and by which organisation, from the audit log. It holds no
// text of the case: the log keeps IDs and states only.
type TimelineEntry struct {
	// Seq is the act's place in the audit log; later acts have larger.
	Seq int64
	At  time.Time
	// Act is the audit action, one of TimelineActs.
	Act   string
	OrgID ID
	// From and To are the states the act moved the case between; empty
	// for an act that is no workflow event.
	From, To CaseState
}

// Timeline is one page of a case's timeline, oldest act first.
type Timeline struct {
	Entries []*TimelineEntry
	// Earlier is the cursor of the page before this one (the Seq of its
	// first act, for FindCaseTimeline's before); 0 when there is none.
	Earlier int64
}

// TimelinePage is the number of acts a page of a timeline holds.
const TimelinePage = 20

// TimelineActs lists every act a case's timeline may show: each case
// event ("case." and the event, as the audit log names it), then the acts
// on a case that are no event.
var TimelineActs = func() []string {
	var out []string
	for _, ev := range CaseEvents {
		out = append(out, "case."+string(ev))
	}
	return append(out, "case.refer", "case.assess", "case.assign_checks", "case.assign_settlement",
		"case.possible_duplicate", "case.plan.milestone", "case.plan.follow_up", "case.shred")
}()
